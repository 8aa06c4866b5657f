/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the `store:` backend (src/backends/store.c) through the
 * ferry_backend_* wrappers: paths resolve through names, every op of the
 * interface works and fails the way the contract says, stat fills every
 * field, copy and move are server-side with full destination paths, and
 * configured limits reach the store's settings.
 */
#include <stdio.h>
#include <string.h>

#include "lib/check.h"
#include "ferry/backend.h"
#include "ferry/config.h"
#include "backends/backends.h"
#include "unit/store-util.h"

static struct ferry_backend *
open_backend(const char *dir, const struct ferry_config *cfg)
{
	struct ferry_backend	*b = NULL;
	struct ferry_error	 err;

	if (backend_store_open(su_sdir(dir), cfg, &b, &err) != FERRY_OK) {
		printf("# backend_store_open: %s\n", err.msg);
		exit(2);
	}
	return b;
}

static enum ferry_code
bwrite(struct ferry_backend *b, const char *path, const char *text,
    enum ferry_exists exists, struct ferry_error *err)
{
	struct ferry_write_opts	 o;
	struct ferry_reader	*r;
	enum ferry_code		 result;

	memset(&o, 0, sizeof o);
	o.exists = exists;
	r = ferry_reader_mem(text, strlen(text));
	result = ferry_backend_write(b, path, r, &o, NULL, NULL, err);
	ferry_reader_close(r);
	return result;
}

static char *
bread(struct ferry_backend *b, const char *path, uint64_t off, size_t len)
{
	struct ferry_error	 err;
	char			*buf;
	size_t			 got;

	buf = calloc(1, len + 1);
	if (ferry_backend_read(b, path, off, buf, len, &got, &err) !=
	    FERRY_OK) {
		free(buf);
		return NULL;
	}
	buf[got] = '\0';
	return buf;
}

static void
test_caps_and_stat(void)
{
	struct ferry_mkdir_opts	 o;
	struct ferry_write_opts	 wo;
	struct ferry_error	 err;
	struct ferry_arena	 a = FERRY_ARENA_INIT;
	struct ferry_entry	 e, f;
	struct ferry_reader	*r;
	struct ferry_backend	*b;
	char			*dir, sha[65];

	dir = su_tmpdir();
	b = open_backend(dir, NULL);
	CHECK_STR(b->ops->name, "store");
	CHECK(ferry_backend_has(b, FERRY_CAP_WRITE | FERRY_CAP_RANGE |
	    FERRY_CAP_IDS | FERRY_CAP_DESCRIPTION | FERRY_CAP_METADATA |
	    FERRY_CAP_TAGS | FERRY_CAP_CHECKSUM | FERRY_CAP_SERVER_COPY |
	    FERRY_CAP_SERVER_MOVE | FERRY_CAP_PAGING | FERRY_CAP_SUMMARY |
	    FERRY_CAP_FIND | FERRY_CAP_MIME | FERRY_CAP_EMPTY_FOLDERS));
	CHECK(!ferry_backend_has(b, FERRY_CAP_SIGNED_URL));
	CHECK(!ferry_backend_has(b, FERRY_CAP_LOCAL_FILES));
	CHECK(b->ops->signed_url == NULL);
	/* the root */
	CHECK_CODE(ferry_backend_stat(b, "/", &e, &a, &err), FERRY_OK);
	CHECK_STR(e.name, "");
	CHECK_INT(e.kind, FERRY_KIND_FOLDER);
	CHECK(e.id != NULL);
	/* a folder with every attribute */
	memset(&o, 0, sizeof o);
	o.description = "photos";
	o.metadata = "{\"a\":1}";
	o.tags = "[\"t\"]";
	CHECK_CODE(ferry_backend_mkdir(b, "/pics", &o, &e, &a, &err),
	    FERRY_OK);
	CHECK_CODE(ferry_backend_stat(b, "/pics", &f, &a, &err), FERRY_OK);
	CHECK_STR(f.id, e.id);
	CHECK(f.parent_id != NULL);
	CHECK_STR(f.description, "photos");
	CHECK_STR(f.metadata, "{\"a\":1}");
	CHECK_STR(f.tags, "[\"t\"]");
	CHECK(f.user != NULL && f.created > 0 && f.modified > 0);
	/* an item with every attribute */
	memset(&wo, 0, sizeof wo);
	wo.metadata = "{\"exif\":true}";
	r = ferry_reader_mem("pixels", 6);
	CHECK_CODE(ferry_backend_write(b, "/pics/p.raw", r, &wo, &e, &a, &err),
	    FERRY_OK);
	ferry_reader_close(r);
	su_sha256("pixels", 6, sha);
	CHECK_STR(e.checksum, sha);
	CHECK_CODE(ferry_backend_stat(b, "/pics/p.raw", &f, &a, &err),
	    FERRY_OK);
	CHECK_STR(f.id, e.id);
	CHECK_STR(f.checksum, sha);
	CHECK_INT(f.size, 6);
	CHECK(f.mime != NULL);
	CHECK_STR(f.metadata, "{\"exif\":true}");
	CHECK(f.user != NULL && f.created > 0 && f.modified > 0);
	CHECK_CODE(ferry_backend_stat(b, "/pics/none", &f, &a, &err),
	    FERRY_E_NOT_FOUND);
	CHECK(strstr(err.msg, "/pics/none") != NULL);
	ferry_arena_done(&a);
	ferry_backend_close(b);
	su_rmdir(dir);
}

/* Copy, move, update, summary and remove on the tree test_tree_ops made. */
static void
test_copy_move(struct ferry_backend *b, const char *dir)
{
	struct ferry_update	 u;
	struct ferry_error	 err;
	struct ferry_arena	 a = FERRY_ARENA_INIT;
	struct ferry_entry	 e;
	struct ferry_summary	 sum;
	char			*buf;

	/* copy: full destination paths */
	CHECK_CODE(ferry_backend_copy(b, "/x/y/f.txt", "/copy.txt",
	    FERRY_EXISTS_FAIL, &err), FERRY_OK);
	CHECK_CODE(ferry_backend_copy(b, "/x/y/f.txt", "/copy.txt",
	    FERRY_EXISTS_FAIL, &err), FERRY_E_EXISTS);
	CHECK_CODE(ferry_backend_copy(b, "/x", "/x2", FERRY_EXISTS_FAIL,
	    &err), FERRY_OK);
	CHECK_CODE(ferry_backend_copy(b, "/x", "/x/y/x", FERRY_EXISTS_FAIL,
	    &err), FERRY_E_CONFLICT);
	buf = bread(b, "/x2/y/f.txt", 0, 100);
	CHECK(buf != NULL && strcmp(buf, "0123456789") == 0);
	free(buf);
	/* move: rename, move, both, into itself */
	CHECK_CODE(ferry_backend_move(b, "/copy.txt", "/c.txt",
	    FERRY_EXISTS_FAIL, &err), FERRY_OK);
	CHECK_CODE(ferry_backend_move(b, "/c.txt", "/x/y/z/moved.txt",
	    FERRY_EXISTS_FAIL, &err), FERRY_OK);
	CHECK_CODE(ferry_backend_stat(b, "/x/y/z/moved.txt", &e, &a, &err),
	    FERRY_OK);
	CHECK_CODE(ferry_backend_move(b, "/x", "/x/y/z/x", FERRY_EXISTS_FAIL,
	    &err), FERRY_E_CONFLICT);
	CHECK_CODE(ferry_backend_move(b, "/x2", "/x/y/x2", FERRY_EXISTS_FAIL,
	    &err), FERRY_OK);
	CHECK_CODE(ferry_backend_move(b, "/x/y/z/moved.txt", "/x/y/f.txt",
	    FERRY_EXISTS_FAIL, &err), FERRY_E_EXISTS);
	CHECK_CODE(ferry_backend_move(b, "/x/y/z/moved.txt", "/x/y/f.txt",
	    FERRY_EXISTS_OVERWRITE, &err), FERRY_OK);
	CHECK_CODE(ferry_backend_move(b, "/", "/r", FERRY_EXISTS_FAIL, &err),
	    FERRY_E_INVALID);
	CHECK_CODE(ferry_backend_move(b, "/nope", "/r", FERRY_EXISTS_FAIL,
	    &err), FERRY_E_NOT_FOUND);
	/* update */
	memset(&u, 0, sizeof u);
	u.fields = FERRY_UPDATE_NAME | FERRY_UPDATE_TAGS;
	u.name = "renamed";
	u.tags = "[\"a\",\"b\"]";
	CHECK_CODE(ferry_backend_update(b, "/x/y/x2", &u, &err), FERRY_OK);
	CHECK_CODE(ferry_backend_stat(b, "/x/y/renamed", &e, &a, &err),
	    FERRY_OK);
	CHECK_STR(e.tags, "[\"a\",\"b\"]");
	/* summary, remove */
	CHECK_CODE(ferry_backend_summary(b, "/x", &sum, &err), FERRY_OK);
	CHECK_INT(sum.items, 2);
	CHECK_INT(sum.folders, 5);	/* y, y/z, y/renamed{,/y,/y/z} */
	CHECK_INT(sum.bytes, 20);
	CHECK_INT(sum.stored_bytes, 10);
	CHECK_CODE(ferry_backend_remove(b, "/x", 0, &err), FERRY_E_NOT_EMPTY);
	CHECK_CODE(ferry_backend_remove(b, "/x/y/f.txt", 0, &err), FERRY_OK);
	CHECK_CODE(ferry_backend_remove(b, "/x", FERRY_REMOVE_RECURSIVE, &err),
	    FERRY_OK);
	CHECK_CODE(ferry_backend_stat(b, "/x", &e, &a, &err),
	    FERRY_E_NOT_FOUND);
	CHECK_CODE(ferry_backend_remove(b, "/", FERRY_REMOVE_RECURSIVE, &err),
	    FERRY_E_INVALID);
	CHECK_INT(su_blobs(dir), 0);
	ferry_arena_done(&a);
}

static void
test_tree_ops(void)
{
	struct ferry_mkdir_opts	 o;
	struct ferry_error	 err;
	struct ferry_arena	 a = FERRY_ARENA_INIT;
	struct ferry_entry	 e;
	struct ferry_entry_list	 l;
	struct ferry_page	 p;
	struct ferry_query	 q;
	struct ferry_backend	*b;
	char			*dir, *buf;

	dir = su_tmpdir();
	b = open_backend(dir, NULL);
	memset(&o, 0, sizeof o);
	/* mkdir: parent needed unless -p; -p takes existing folders */
	CHECK_CODE(ferry_backend_mkdir(b, "/x/y", &o, NULL, NULL, &err),
	    FERRY_E_NOT_FOUND);
	CHECK(strstr(err.msg, "/x") != NULL);
	o.parents = true;
	o.description = "leaf";
	CHECK_CODE(ferry_backend_mkdir(b, "/x/y/z", &o, &e, &a, &err),
	    FERRY_OK);
	CHECK_STR(e.name, "z");
	CHECK_STR(e.description, "leaf");
	CHECK_CODE(ferry_backend_mkdir(b, "/x/y/z", &o, NULL, NULL, &err),
	    FERRY_OK);
	o.parents = false;
	CHECK_CODE(ferry_backend_mkdir(b, "/x/y", &o, NULL, NULL, &err),
	    FERRY_E_EXISTS);
	CHECK_CODE(ferry_backend_mkdir(b, "/", &o, NULL, NULL, &err),
	    FERRY_E_EXISTS);
	o.exist_ok = true;
	CHECK_CODE(ferry_backend_mkdir(b, "/x/y", &o, NULL, NULL, &err),
	    FERRY_OK);
	CHECK_CODE(ferry_backend_mkdir(b, "/x/bad\001", &o, NULL, NULL, &err),
	    FERRY_E_INVALID_NAME);
	/* write, read, ranges */
	CHECK_CODE(bwrite(b, "/x/y/f.txt", "0123456789", FERRY_EXISTS_FAIL,
	    &err), FERRY_OK);
	CHECK_CODE(bwrite(b, "/x/y/f.txt", "again", FERRY_EXISTS_FAIL, &err),
	    FERRY_E_EXISTS);
	CHECK_CODE(bwrite(b, "/", "x", FERRY_EXISTS_FAIL, &err),
	    FERRY_E_INVALID);
	CHECK_CODE(bwrite(b, "/x/y/f.txt/g", "x", FERRY_EXISTS_FAIL, &err),
	    FERRY_E_NOT_FOLDER);
	CHECK_CODE(bwrite(b, "/x/y", "x", FERRY_EXISTS_OVERWRITE, &err),
	    FERRY_E_EXISTS);
	buf = bread(b, "/x/y/f.txt", 3, 4);
	CHECK(buf != NULL && strcmp(buf, "3456") == 0);
	free(buf);
	buf = bread(b, "/x/y/f.txt", 8, 100);
	CHECK(buf != NULL && strcmp(buf, "89") == 0);
	free(buf);
	CHECK(bread(b, "/x/y/f.txt", 11, 1) == NULL);
	CHECK(bread(b, "/x/y", 0, 1) == NULL);
	/* list and path_to_root */
	ferry_query_init(&q);
	ferry_page_init(&p);
	CHECK_CODE(ferry_backend_list(b, "/x/y", &q, &p, &err), FERRY_OK);
	CHECK_INT(p.n, 2);
	if (p.n == 2) {
		CHECK_STR(p.v[0].name, "z");
		CHECK_STR(p.v[1].name, "f.txt");
	}
	ferry_page_done(&p);
	ferry_page_init(&p);
	CHECK_CODE(ferry_backend_list(b, "/x/y/f.txt", &q, &p, &err),
	    FERRY_E_NOT_FOLDER);
	ferry_page_done(&p);
	ferry_entry_list_init(&l);
	CHECK_CODE(ferry_backend_path_to_root(b, "/x/y/f.txt", &l, &err),
	    FERRY_OK);
	CHECK_INT(l.n, 4);
	if (l.n == 4) {
		CHECK_STR(l.v[0].name, "");
		CHECK_STR(l.v[1].name, "x");
		CHECK_STR(l.v[3].name, "f.txt");
	}
	ferry_entry_list_done(&l);
	ferry_arena_done(&a);
	test_copy_move(b, dir);
	ferry_backend_close(b);
	su_rmdir(dir);
}

struct count {
	int		 n;
	volatile int	*cancel;
};

static enum ferry_code
count_cb(const char *path, const struct ferry_entry *e, void *ud)
{
	struct count	*c = ud;

	(void)path;
	(void)e;
	c->n++;
	if (c->cancel != NULL && c->n == 2)
		*c->cancel = 1;
	return FERRY_OK;
}

static void
test_find_cancel(void)
{
	struct ferry_mkdir_opts	 o;
	struct ferry_find	 f;
	struct ferry_error	 err;
	struct ferry_backend	*b;
	struct count		 c;
	volatile int		 cancel = 0;
	char			*dir;

	dir = su_tmpdir();
	b = open_backend(dir, NULL);
	memset(&o, 0, sizeof o);
	o.parents = true;
	CHECK_CODE(ferry_backend_mkdir(b, "/a/b/c", &o, NULL, NULL, &err),
	    FERRY_OK);
	CHECK_CODE(bwrite(b, "/a/b/c/1", "1", FERRY_EXISTS_FAIL, &err),
	    FERRY_OK);
	CHECK_CODE(bwrite(b, "/a/2", "2", FERRY_EXISTS_FAIL, &err), FERRY_OK);
	ferry_find_init(&f);
	memset(&c, 0, sizeof c);
	CHECK_CODE(ferry_backend_find(b, "/", &f, count_cb, &c, &err),
	    FERRY_OK);
	CHECK_INT(c.n, 5);
	/* the instance's cancel flag stops a find */
	b->cancel = &cancel;
	memset(&c, 0, sizeof c);
	c.cancel = &cancel;
	CHECK_CODE(ferry_backend_find(b, "/", &f, count_cb, &c, &err),
	    FERRY_E_CANCELLED);
	CHECK_INT(c.n, 2);
	b->cancel = NULL;
	ferry_backend_close(b);
	su_rmdir(dir);
}

static void
test_config_limits(void)
{
	struct ferry_config	 cfg;
	struct store_limits	 l;
	struct ferry_error	 err;
	struct ferry_backend	*b;
	struct store		*s;
	char			*dir;

	dir = su_tmpdir();
	memset(&cfg, 0, sizeof cfg);
	cfg.max_items_per_folder = 2;
	b = open_backend(dir, &cfg);
	CHECK_CODE(bwrite(b, "/1", "1", FERRY_EXISTS_FAIL, &err), FERRY_OK);
	CHECK_CODE(bwrite(b, "/2", "2", FERRY_EXISTS_FAIL, &err), FERRY_OK);
	CHECK_CODE(bwrite(b, "/3", "3", FERRY_EXISTS_FAIL, &err),
	    FERRY_E_LIMIT);
	ferry_backend_close(b);
	/* the limit is in the store for every process */
	CHECK_CODE(store_open(su_sdir(dir), &s, &err), FERRY_OK);
	CHECK_CODE(store_limits_get(s, &l, &err), FERRY_OK);
	CHECK_INT(l.max_items, 2);
	CHECK_INT(l.max_bytes, 0);
	l.max_bytes = 1000;
	CHECK_CODE(store_limits_set(s, &l, &err), FERRY_OK);
	store_close(s);
	/* a config without limits leaves the store's alone */
	b = open_backend(dir, NULL);
	ferry_backend_close(b);
	cfg.max_items_per_folder = 0;
	cfg.max_bytes_per_folder = 0;
	b = open_backend(dir, &cfg);
	ferry_backend_close(b);
	CHECK_CODE(store_open(su_sdir(dir), &s, &err), FERRY_OK);
	CHECK_CODE(store_limits_get(s, &l, &err), FERRY_OK);
	CHECK_INT(l.max_items, 2);
	CHECK_INT(l.max_bytes, 1000);
	store_close(s);
	su_rmdir(dir);
}

static const struct check_test tests[] = {
	CHECK_TEST(test_caps_and_stat),
	CHECK_TEST(test_tree_ops),
	CHECK_TEST(test_find_cancel),
	CHECK_TEST(test_config_limits),
	{ NULL, NULL },
};

int
main(int argc, char **argv)
{
	return check_main(tests, argc, argv);
}
