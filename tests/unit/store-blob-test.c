/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the store engine's content side: put (small and streamed,
 * MIME detection and a given type, metadata, expect_sha256, overwrite,
 * deduplication), reading at an offset and length (also after a delete),
 * blob reference counting, and the maintenance passes: store_check finds
 * missing and wrong-sized blobs, orphan rows, unreferenced blobs and
 * leftover tmp files; store_gc removes what is garbage and nothing else.
 */
#include <sys/stat.h>
#include <sys/wait.h>

#include <ctype.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lib/check.h"
#include "mime/mime.h"
#include "store/store-int.h"
#include "unit/store-util.h"

/* A 1x1 PNG. */
static const unsigned char png[] = {
	0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00,
	0x0d, 0x49, 0x48, 0x44, 0x52, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00,
	0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4, 0x89,
	0x00, 0x00, 0x00, 0x0d, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63,
	0x60, 0x00, 0x02, 0x00, 0x00, 0x05, 0x00, 0x01, 0x7a, 0x5e, 0xab,
	0x3f, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42,
	0x60, 0x82,
};

/* Deterministic pseudo-random bytes. */
static unsigned char *
noise(size_t n, unsigned seed)
{
	unsigned char	*p = malloc(n);
	uint32_t	 x = seed * 2654435761u + 1;
	size_t		 i;

	for (i = 0; i < n; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		p[i] = (unsigned char)x;
	}
	return p;
}

static void
test_put_read(void)
{
	static const struct {
		const char	*name;
		const void	*data;
		size_t		 len;
		const char	*mime;		/* given, or NULL */
		const char	*want_mime;
		int		 want_type;
	} rows[] = {
		{ "hello.txt", "hello\n", 6, NULL, "text/plain",
		    FERRY_TYPE_TEXT },
		{ "dot.png", png, sizeof png, NULL, "image/png",
		    FERRY_TYPE_IMAGE },
		{ "empty", "", 0, NULL, "application/octet-stream",
		    FERRY_TYPE_OTHER },
		{ "given.jpg", "not really", 10, "image/jpeg", "image/jpeg",
		    FERRY_TYPE_IMAGE },
		{ "scan.dcm", "x", 1, "application/dicom", "application/dicom",
		    FERRY_TYPE_DICOM },
	};
	struct ferry_write_opts	 o;
	struct ferry_error	 err;
	struct ferry_arena	 a = FERRY_ARENA_INIT;
	struct ferry_entry	 e;
	struct ferry_reader	*r;
	struct store		*s;
	char			*dir, root[STORE_ID_SIZE], id[STORE_ID_SIZE];
	char			 sha[65], *buf;
	size_t			 i, n;

	s = su_open(&dir);
	snprintf(root, sizeof root, "%s", store_root_id(s));
	for (i = 0; i < FERRY_NELEM(rows); i++) {
		memset(&o, 0, sizeof o);
		o.mime = rows[i].mime;
		CHECK_CODE(su_put_opts(s, root, rows[i].name, rows[i].data,
		    rows[i].len, &o, id, &err), FERRY_OK);
		CHECK_CODE(store_get(s, id, &e, &a, &err), FERRY_OK);
		su_sha256(rows[i].data, rows[i].len, sha);
		CHECK_STR(e.checksum, sha);
		CHECK_INT(e.size, rows[i].len);
		CHECK_STR(e.mime, rows[i].want_mime);
		CHECK_INT(e.type, rows[i].want_type);
		CHECK_INT(e.kind, FERRY_KIND_ITEM);
		CHECK_STR(e.parent_id, root);
		CHECK(e.created > 0);
		buf = su_read(s, id, 0, UINT64_MAX, &n);
		CHECK(buf != NULL && n == rows[i].len &&
		    memcmp(buf, rows[i].data, n) == 0);
		free(buf);
	}
	CHECK_INT(su_tmps(dir), 0);
	/* ranges */
	CHECK_CODE(store_resolve(s, "/hello.txt", id, NULL, &err), FERRY_OK);
	buf = su_read(s, id, 2, 3, &n);
	CHECK(buf != NULL && strcmp(buf, "llo") == 0);
	free(buf);
	buf = su_read(s, id, 4, 100, &n);
	CHECK(buf != NULL && strcmp(buf, "o\n") == 0);
	free(buf);
	buf = su_read(s, id, 6, 10, &n);
	CHECK(buf != NULL && n == 0);
	free(buf);
	CHECK_CODE(store_open_read(s, id, 7, 1, &r, &err), FERRY_E_INVALID);
	CHECK(strstr(err.msg, "/hello.txt") != NULL &&
	    strstr(err.msg, "offset 7") != NULL);
	CHECK_CODE(store_open_read(s, id, 1, 2, &r, &err), FERRY_OK);
	CHECK(r->size_known && r->size == 2);
	ferry_reader_close(r);
	CHECK_CODE(store_open_read(s, root, 0, 1, &r, &err),
	    FERRY_E_IS_FOLDER);
	CHECK_CODE(store_open_read(s, "nope", 0, 1, &r, &err),
	    FERRY_E_NOT_FOUND);
	/* metadata and a bad MIME type */
	memset(&o, 0, sizeof o);
	o.metadata = "{ \"camera\": \"x100\" }";
	CHECK_CODE(su_put_opts(s, root, "m", "m", 1, &o, id, &err), FERRY_OK);
	CHECK_CODE(store_get(s, id, &e, &a, &err), FERRY_OK);
	CHECK_STR(e.metadata, "{\"camera\":\"x100\"}");
	o.metadata = "[]";
	CHECK_CODE(su_put_opts(s, root, "m2", "m", 1, &o, id, &err),
	    FERRY_E_INVALID);
	CHECK(strstr(err.msg, "metadata") != NULL);
	memset(&o, 0, sizeof o);
	o.mime = "nonsense";
	CHECK_CODE(su_put_opts(s, root, "m3", "m", 1, &o, id, &err),
	    FERRY_E_INVALID);
	o.mime = "text/pl ain";
	CHECK_CODE(su_put_opts(s, root, "m3", "m", 1, &o, id, &err),
	    FERRY_E_INVALID);
	CHECK_CODE(store_resolve(s, "/m2", id, NULL, &err), FERRY_E_NOT_FOUND);
	CHECK_CODE(store_resolve(s, "/m3", id, NULL, &err), FERRY_E_NOT_FOUND);
	/* into an item, into nothing */
	CHECK_CODE(store_resolve(s, "/m", id, NULL, &err), FERRY_OK);
	CHECK_CODE(su_put_opts(s, id, "x", "x", 1, NULL, NULL, &err),
	    FERRY_E_NOT_FOLDER);
	CHECK_CODE(su_put_opts(s, "nope", "x", "x", 1, NULL, NULL, &err),
	    FERRY_E_NOT_FOUND);
	ferry_arena_done(&a);
	store_close(s);
	su_rmdir(dir);
}

/* Content larger than the sniff buffer goes through a tmp file. */
static void
test_large(void)
{
	struct ferry_error	 err;
	struct ferry_arena	 a = FERRY_ARENA_INIT;
	struct ferry_entry	 e;
	struct store		*s;
	unsigned char		*data;
	char			*dir, root[STORE_ID_SIZE], id[STORE_ID_SIZE];
	char			 id2[STORE_ID_SIZE], sha[65], *buf;
	size_t			 len = (1 << 20) + 123, n;

	s = su_open(&dir);
	snprintf(root, sizeof root, "%s", store_root_id(s));
	data = noise(len, 1);
	CHECK_CODE(su_put_opts(s, root, "big.bin", data, len, NULL, id, &err),
	    FERRY_OK);
	CHECK_CODE(store_get(s, id, &e, &a, &err), FERRY_OK);
	su_sha256(data, len, sha);
	CHECK_STR(e.checksum, sha);
	CHECK_INT(e.size, len);
	buf = su_read(s, id, 0, UINT64_MAX, &n);
	CHECK(buf != NULL && n == len && memcmp(buf, data, len) == 0);
	free(buf);
	buf = su_read(s, id, 700001, 1000, &n);
	CHECK(buf != NULL && n == 1000 && memcmp(buf, data + 700001, n) == 0);
	free(buf);
	/* exactly the sniff size, and one byte more */
	CHECK_CODE(su_put_opts(s, root, "64k", data, MIME_SNIFF_BYTES, NULL,
	    id2, &err), FERRY_OK);
	buf = su_read(s, id2, 0, UINT64_MAX, &n);
	CHECK(buf != NULL && n == MIME_SNIFF_BYTES &&
	    memcmp(buf, data, n) == 0);
	free(buf);
	CHECK_CODE(su_put_opts(s, root, "64k+1", data, MIME_SNIFF_BYTES + 1,
	    NULL, id2, &err), FERRY_OK);
	CHECK_INT(su_blobs(dir), 3);
	/* the same bytes again: no new blob */
	CHECK_CODE(su_put_opts(s, root, "again.bin", data, len, NULL, id2,
	    &err), FERRY_OK);
	CHECK_INT(su_blobs(dir), 3);
	CHECK_INT(su_tmps(dir), 0);
	free(data);
	ferry_arena_done(&a);
	store_close(s);
	su_rmdir(dir);
}

static void
test_expect_sha256(void)
{
	struct ferry_write_opts	 o;
	struct ferry_error	 err;
	struct store		*s;
	unsigned char		*data;
	char			*dir, root[STORE_ID_SIZE], id[STORE_ID_SIZE];
	char			 sha[65], upper[65];
	size_t			 i, len = 200000;

	s = su_open(&dir);
	snprintf(root, sizeof root, "%s", store_root_id(s));
	data = noise(len, 2);
	memset(&o, 0, sizeof o);
	/* a mismatch stores nothing, small or streamed */
	su_sha256("other", 5, sha);
	o.expect_sha256 = sha;
	CHECK_CODE(su_put_opts(s, root, "small", "hello", 5, &o, id, &err),
	    FERRY_E_CORRUPT);
	CHECK(strstr(err.msg, "small") != NULL && strstr(err.msg, sha) !=
	    NULL);
	CHECK_CODE(su_put_opts(s, root, "big", data, len, &o, id, &err),
	    FERRY_E_CORRUPT);
	CHECK_CODE(store_resolve(s, "/small", id, NULL, &err),
	    FERRY_E_NOT_FOUND);
	CHECK_CODE(store_resolve(s, "/big", id, NULL, &err),
	    FERRY_E_NOT_FOUND);
	CHECK_INT(su_blobs(dir), 0);
	CHECK_INT(su_tmps(dir), 0);
	/* not hex */
	o.expect_sha256 = "abc";
	CHECK_CODE(su_put_opts(s, root, "small", "hello", 5, &o, id, &err),
	    FERRY_E_INVALID);
	/* a match, in either case */
	su_sha256(data, len, sha);
	for (i = 0; i < 65; i++)
		upper[i] = (char)toupper((unsigned char)sha[i]);
	o.expect_sha256 = upper;
	CHECK_CODE(su_put_opts(s, root, "big", data, len, &o, id, &err),
	    FERRY_OK);
	CHECK_INT(su_blobs(dir), 1);
	free(data);
	store_close(s);
	su_rmdir(dir);
}

static void
test_overwrite(void)
{
	struct ferry_write_opts	 o;
	struct ferry_error	 err;
	struct ferry_arena	 a = FERRY_ARENA_INIT;
	struct ferry_entry	 e;
	struct store		*s;
	char			*dir, root[STORE_ID_SIZE], id[STORE_ID_SIZE];
	char			 id2[STORE_ID_SIZE], *buf;
	size_t			 n;

	s = su_open(&dir);
	snprintf(root, sizeof root, "%s", store_root_id(s));
	memset(&o, 0, sizeof o);
	o.metadata = "{\"v\":1}";
	CHECK_CODE(su_put_opts(s, root, "f", "version one", 11, &o, id, &err),
	    FERRY_OK);
	CHECK_CODE(su_put_opts(s, root, "f", "two", 3, NULL, id2, &err),
	    FERRY_E_EXISTS);
	o.exists = FERRY_EXISTS_OVERWRITE;
	o.metadata = "{\"v\":2}";
	o.mime = "application/x-thing";
	CHECK_CODE(su_put_opts(s, root, "f", "two", 3, &o, id2, &err),
	    FERRY_OK);
	CHECK_STR(id2, id);	/* the item keeps its id */
	CHECK_CODE(store_get(s, id, &e, &a, &err), FERRY_OK);
	CHECK_INT(e.size, 3);
	CHECK_STR(e.metadata, "{\"v\":2}");
	CHECK_STR(e.mime, "application/x-thing");
	buf = su_read(s, id, 0, UINT64_MAX, &n);
	CHECK(buf != NULL && strcmp(buf, "two") == 0);
	free(buf);
	CHECK_INT(su_blobs(dir), 1);	/* "version one" is gone */
	/* the same content again keeps the blob */
	CHECK_CODE(su_put_opts(s, root, "f", "two", 3, &o, id2, &err),
	    FERRY_OK);
	CHECK_INT(su_blobs(dir), 1);
	ferry_arena_done(&a);
	store_close(s);
	su_rmdir(dir);
}

/* A reader keeps working when its item is deleted meanwhile. */
static void
test_read_after_delete(void)
{
	struct ferry_error	 err;
	struct ferry_reader	*r;
	struct store		*s;
	char			*dir, root[STORE_ID_SIZE], id[STORE_ID_SIZE];
	char			 buf[64];
	size_t			 got;

	s = su_open(&dir);
	snprintf(root, sizeof root, "%s", store_root_id(s));
	CHECK_CODE(su_put(s, root, "f", "still here", id), FERRY_OK);
	CHECK_CODE(store_open_read(s, id, 0, UINT64_MAX, &r, &err), FERRY_OK);
	CHECK_CODE(store_delete(s, id, 0, &err), FERRY_OK);
	CHECK_INT(su_blobs(dir), 0);
	CHECK_CODE(ferry_reader_read_full(r, buf, sizeof buf, &got, &err),
	    FERRY_OK);
	CHECK(got == 10 && memcmp(buf, "still here", 10) == 0);
	ferry_reader_close(r);
	CHECK_CODE(store_open_read(s, id, 0, 1, &r, &err), FERRY_E_NOT_FOUND);
	store_close(s);
	su_rmdir(dir);
}

/* A pid that surely is not running: a child that has exited. */
static pid_t
dead_pid(void)
{
	pid_t	 pid;

	pid = fork();
	if (pid == 0)
		_exit(0);
	waitpid(pid, NULL, 0);
	return pid;
}

static void
write_file(const char *path, const char *text)
{
	FILE	*f;

	f = fopen(path, "w");
	if (f != NULL) {
		fputs(text, f);
		fclose(f);
	}
}

static bool
report_has(const struct store_report *r, const char *text)
{
	size_t	 i;

	for (i = 0; i < r->nmsgs; i++)
		if (strstr(r->msgs[i], text) != NULL)
			return true;
	return false;
}

/*
 * Damage a store with "keep", "lost" and "short" items: a missing blob,
 * a short blob, a stray blob, a file with a bad name in blobs/, tmp files
 * of a dead, a live and an old upload, and an orphan row.
 */
static void
damage(struct store *s, const char *dir)
{
	struct timespec		 old[2];
	sqlite3			*db;
	char			 sha[65], *p, *q, *blob;

	su_sha256("lost blob", 9, sha);
	blob = store_blob_path(s, sha);
	CHECK(unlink(blob) == 0);
	free(blob);
	su_sha256("short blob", 10, sha);
	blob = store_blob_path(s, sha);
	chmod(blob, 0600);
	CHECK(truncate(blob, 3) == 0);
	free(blob);
	su_sha256("stray", 5, sha);
	p = xasprintf("%s/blobs/%.2s", su_sdir(dir), sha);
	mkdir(p, 0700);
	q = xasprintf("%s/%s", p, sha);
	write_file(q, "stray");
	free(q);
	free(p);
	p = xasprintf("%s/blobs/README", su_sdir(dir));
	write_file(p, "not a blob");
	free(p);
	p = xasprintf("%s/tmp/%ld-dead.tmp", su_sdir(dir), (long)dead_pid());
	write_file(p, "partial");
	free(p);
	p = xasprintf("%s/tmp/%ld-live.tmp", su_sdir(dir), (long)getpid());
	write_file(p, "uploading");
	free(p);
	p = xasprintf("%s/tmp/%ld-old.tmp", su_sdir(dir), (long)getpid());
	write_file(p, "stale");
	old[0].tv_sec = old[1].tv_sec = time(NULL) - 3 * 24 * 3600;
	old[0].tv_nsec = old[1].tv_nsec = 0;
	utimensat(AT_FDCWD, p, old, 0);
	free(p);
	/* an orphan row, written behind the engine's back */
	p = xasprintf("%s/ferry.db", su_sdir(dir));
	CHECK(sqlite3_open(p, &db) == SQLITE_OK);
	CHECK(sqlite3_exec(db, "PRAGMA foreign_keys = OFF;"
	    "INSERT INTO nodes (id, parent, kind, name, fold, created,"
	    " updated) VALUES ('orphan-id', 424242, 1, 'orphan', 'orphan',"
	    " 1, 1)", NULL, NULL, NULL) == SQLITE_OK);
	sqlite3_close(db);
	free(p);
}

static void
test_check_gc(void)
{
	struct store_report	 r;
	struct ferry_error	 err;
	struct ferry_arena	 a = FERRY_ARENA_INIT;
	struct ferry_entry	 e;
	struct store		*s;
	char			*dir, root[STORE_ID_SIZE], id[STORE_ID_SIZE];
	char			 sha[65], *p, *buf;
	size_t			 n;

	s = su_open(&dir);
	snprintf(root, sizeof root, "%s", store_root_id(s));
	CHECK_CODE(su_put(s, root, "keep", "keep me", NULL), FERRY_OK);
	CHECK_CODE(su_put(s, root, "lost", "lost blob", NULL), FERRY_OK);
	CHECK_CODE(su_put(s, root, "short", "short blob", id), FERRY_OK);
	store_report_init(&r);
	CHECK_CODE(store_check(s, &r, &err), FERRY_OK);
	CHECK(store_report_clean(&r));
	CHECK_INT(r.nmsgs, 0);
	store_report_done(&r);
	damage(s, dir);
	store_report_init(&r);
	CHECK_CODE(store_check(s, &r, &err), FERRY_OK);
	CHECK(!store_report_clean(&r));
	CHECK_INT(r.missing_blobs, 1);
	CHECK_INT(r.bad_blobs, 1);
	CHECK_INT(r.orphan_rows, 1);
	CHECK_INT(r.unreferenced, 1);
	CHECK_INT(r.tmp_files, 3);
	CHECK(report_has(&r, "item \"/lost\""));
	CHECK(report_has(&r, "item \"/short\""));
	CHECK(report_has(&r, "orphan-id"));
	su_sha256("stray", 5, sha);
	CHECK(report_has(&r, sha));
	CHECK(report_has(&r, "README"));
	CHECK(report_has(&r, "left by a dead upload"));
	CHECK(report_has(&r, "an upload in progress"));
	store_report_done(&r);
	/* reading the damaged items says so */
	buf = su_read(s, id, 0, UINT64_MAX, &n);
	CHECK(buf == NULL);
	{
		struct ferry_reader *rd;

		CHECK_CODE(store_open_read(s, id, 0, 1, &rd, &err),
		    FERRY_E_CORRUPT);
		CHECK(strstr(err.msg, "/short") != NULL);
		CHECK_CODE(store_resolve(s, "/lost", id, NULL, &err), FERRY_OK);
		CHECK_CODE(store_open_read(s, id, 0, 1, &rd, &err),
		    FERRY_E_CORRUPT);
		CHECK(strstr(err.msg, "ferry check") != NULL);
	}
	/* gc: the stray blob and the dead and old tmp files go */
	store_report_init(&r);
	CHECK_CODE(store_gc(s, &r, &err), FERRY_OK);
	CHECK_INT(r.removed_blobs, 1);
	CHECK_INT(r.freed_bytes, 5);
	CHECK_INT(r.removed_tmp, 2);
	CHECK_INT(r.tmp_files, 1);
	store_report_done(&r);
	CHECK_INT(su_tmps(dir), 1);
	store_report_init(&r);
	CHECK_CODE(store_check(s, &r, &err), FERRY_OK);
	CHECK_INT(r.unreferenced, 0);
	CHECK_INT(r.tmp_files, 1);
	store_report_done(&r);
	/* what is referenced survives gc */
	CHECK_CODE(store_get_path(s, "/keep", &e, &a, &err), FERRY_OK);
	buf = su_read(s, e.id, 0, UINT64_MAX, &n);
	CHECK(buf != NULL && strcmp(buf, "keep me") == 0);
	free(buf);
	p = xasprintf("%s/blobs/README", su_sdir(dir));
	CHECK(access(p, F_OK) == 0);
	free(p);
	ferry_arena_done(&a);
	store_close(s);
	su_rmdir(dir);
}

/* Blobs come and go with their last reference, across handles. */
static void
test_refcount(void)
{
	struct ferry_error	 err;
	struct store		*s, *s2;
	char			*dir, root[STORE_ID_SIZE], a[STORE_ID_SIZE];
	char			 b[STORE_ID_SIZE], c[STORE_ID_SIZE];
	struct store_report	 r;

	s = su_open(&dir);
	CHECK_CODE(store_open(su_sdir(dir), &s2, &err), FERRY_OK);
	snprintf(root, sizeof root, "%s", store_root_id(s));
	CHECK_CODE(su_put(s, root, "a", "shared", a), FERRY_OK);
	CHECK_CODE(su_put(s2, root, "b", "shared", b), FERRY_OK);
	CHECK_CODE(store_copy(s, a, root, "c", FERRY_EXISTS_FAIL, c, &err),
	    FERRY_OK);
	CHECK_INT(su_blobs(dir), 1);
	CHECK_INT(su_tmps(dir), 0);
	CHECK_CODE(store_delete(s, a, 0, &err), FERRY_OK);
	CHECK_CODE(store_delete(s2, b, 0, &err), FERRY_OK);
	CHECK_INT(su_blobs(dir), 1);
	/* gc from the other handle keeps a referenced blob */
	store_report_init(&r);
	CHECK_CODE(store_gc(s2, &r, &err), FERRY_OK);
	CHECK_INT(r.removed_blobs, 0);
	store_report_done(&r);
	CHECK_INT(su_blobs(dir), 1);
	CHECK_CODE(store_delete(s2, c, 0, &err), FERRY_OK);
	CHECK_INT(su_blobs(dir), 0);
	store_report_init(&r);
	CHECK_CODE(store_check(s, &r, &err), FERRY_OK);
	CHECK(store_report_clean(&r));
	store_report_done(&r);
	store_close(s2);
	store_close(s);
	su_rmdir(dir);
}

static const struct check_test tests[] = {
	CHECK_TEST(test_put_read),
	CHECK_TEST(test_large),
	CHECK_TEST(test_expect_sha256),
	CHECK_TEST(test_overwrite),
	CHECK_TEST(test_read_after_delete),
	CHECK_TEST(test_check_gc),
	CHECK_TEST(test_refcount),
	{ NULL, NULL },
};

int
main(int argc, char **argv)
{
	return check_main(tests, argc, argv);
}
