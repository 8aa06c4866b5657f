/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the store engine's tree operations: opening, names and
 * their errors, duplicates (folder/item both ways), attributes and their
 * validation, update, move (and into its own subtree), copy, delete (and
 * not empty), batch move and delete (all or nothing), per-folder limits,
 * and two handles on one store.  Content, gc and check are in
 * store-blob-test.c; listing, find and summary in store-list-test.c.
 */
#include <sys/stat.h>

#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lib/check.h"
#include "unit/store-util.h"

static void
test_open(void)
{
	struct ferry_error	 err;
	struct ferry_arena	 a = FERRY_ARENA_INIT;
	struct ferry_entry	 e;
	struct store		*s, *s2;
	struct stat		 sb;
	char			*dir, root[STORE_ID_SIZE], p[4200];

	s = su_open(&dir);
	CHECK(stat(su_sdir(dir), &sb) == 0 && (sb.st_mode & 0777) == 0700);
	snprintf(p, sizeof p, "%s/ferry.db", su_sdir(dir));
	CHECK(stat(p, &sb) == 0);
	snprintf(p, sizeof p, "%s/blobs", su_sdir(dir));
	CHECK(stat(p, &sb) == 0 && S_ISDIR(sb.st_mode));
	CHECK_INT(strlen(store_root_id(s)), 36);
	snprintf(root, sizeof root, "%s", store_root_id(s));
	CHECK_CODE(store_get(s, root, &e, &a, &err), FERRY_OK);
	CHECK_STR(e.name, "");
	CHECK(e.parent_id == NULL);
	CHECK_INT(e.kind, FERRY_KIND_FOLDER);
	CHECK_CODE(store_get_path(s, "/", &e, &a, &err), FERRY_OK);
	CHECK_STR(e.id, root);
	/* a second open sees the same root; the WAL file exists */
	CHECK_CODE(store_open(su_sdir(dir), &s2, &err), FERRY_OK);
	CHECK_STR(store_root_id(s2), root);
	snprintf(p, sizeof p, "%s/ferry.db-wal", su_sdir(dir));
	CHECK(stat(p, &sb) == 0);
	store_close(s2);
	/* the user: $USER by default, the caller's when set */
	setenv("USER", "alice", 1);
	store_set_user(s, NULL);
	CHECK_STR(store_user(s), "alice");
	CHECK_CODE(su_mkdir(s, root, "mine", NULL), FERRY_OK);
	CHECK_CODE(store_get_path(s, "/mine", &e, &a, &err), FERRY_OK);
	CHECK_STR(e.user, "alice");
	store_set_user(s, "bob");
	CHECK_CODE(su_put(s, root, "f", "x", NULL), FERRY_OK);
	CHECK_CODE(store_get_path(s, "/f", &e, &a, &err), FERRY_OK);
	CHECK_STR(e.user, "bob");
	/* a file where the directory should be */
	snprintf(p, sizeof p, "%s/file", dir);
	fclose(fopen(p, "w"));
	CHECK_CODE(store_open(p, &s2, &err), FERRY_E_NOT_FOLDER);
	CHECK(strstr(err.msg, p) != NULL);
	CHECK_CODE(store_open("", &s2, &err), FERRY_E_INVALID);
	ferry_arena_done(&a);
	store_close(s);
	su_rmdir(dir);
}

/* Every naming rule broken, through every way a name comes in. */
static void
test_invalid_names(void)
{
	static const struct {
		const char	*name;
		const char	*what;	/* in the message */
	} bad[] = {
		{ "", "empty" },
		{ ".", "reserved" },
		{ "..", "reserved" },
		{ "a/b", "'/'" },
		{ "a\001b", "control" },
		{ "tab\there", "control" },
		{ "del\177", "control" },
		{ "c1\xc2\x85", "control" },
		{ "\xff\xfe", "UTF-8" },
		{ "trunc\xc3", "UTF-8" },
		{ "over\xc0\xaf", "UTF-8" },
		{ "surr\xed\xa0\x80", "UTF-8" },
		{ NULL, "256 bytes" },	/* filled in below */
	};
	struct ferry_error	 err;
	struct ferry_update	 u;
	struct store		*s;
	char			*dir, root[STORE_ID_SIZE], item[STORE_ID_SIZE];
	char			 folder[STORE_ID_SIZE], long_name[300];
	const char		*name;
	size_t			 i;

	s = su_open(&dir);
	snprintf(root, sizeof root, "%s", store_root_id(s));
	CHECK_CODE(su_mkdir(s, root, "d", folder), FERRY_OK);
	CHECK_CODE(su_put(s, root, "i", "data", item), FERRY_OK);
	memset(long_name, 'x', 256);
	long_name[256] = '\0';
	for (i = 0; i < FERRY_NELEM(bad); i++) {
		name = bad[i].name != NULL ? bad[i].name : long_name;
		CHECK_CODE(store_folder_create(s, root, name, NULL, NULL, NULL,
		    &err), FERRY_E_INVALID_NAME);
		CHECK(strstr(err.msg, "in folder \"/\"") != NULL);
		CHECK_CODE(su_put_opts(s, root, name, "x", 1, NULL, NULL,
		    &err), FERRY_E_INVALID_NAME);
		memset(&u, 0, sizeof u);
		u.fields = FERRY_UPDATE_NAME;
		u.name = name;
		CHECK_CODE(store_update(s, folder, &u, &err),
		    FERRY_E_INVALID_NAME);
		CHECK_CODE(store_update(s, item, &u, &err),
		    FERRY_E_INVALID_NAME);
		CHECK_CODE(store_move(s, item, folder, name, FERRY_EXISTS_FAIL,
		    &err), FERRY_E_INVALID_NAME);
		CHECK_CODE(store_copy(s, item, folder, name, FERRY_EXISTS_FAIL,
		    NULL, &err), FERRY_E_INVALID_NAME);
		if (bad[i].name == NULL)
			CHECK(strstr(err.msg, "256") != NULL);
	}
	/* 255 bytes and multi-byte UTF-8 are fine */
	long_name[255] = '\0';
	CHECK_CODE(su_mkdir(s, root, long_name, NULL), FERRY_OK);
	CHECK_CODE(su_mkdir(s, root, "caf\xc3\xa9 \xe2\x82\xac", NULL),
	    FERRY_OK);
	/* nothing invalid got in */
	CHECK_CODE(store_resolve(s, "/a", item, NULL, &err),
	    FERRY_E_NOT_FOUND);
	store_close(s);
	su_rmdir(dir);
}

/* Names are unique in a folder across subfolders and items. */
static void
test_duplicates(void)
{
	struct ferry_error	 err;
	struct ferry_update	 u;
	struct store		*s;
	char			*dir, root[STORE_ID_SIZE], d[STORE_ID_SIZE];
	char			 i1[STORE_ID_SIZE], i2[STORE_ID_SIZE];

	s = su_open(&dir);
	snprintf(root, sizeof root, "%s", store_root_id(s));
	CHECK_CODE(su_mkdir(s, root, "docs", d), FERRY_OK);
	CHECK_CODE(su_put(s, d, "a.txt", "a", i1), FERRY_OK);
	CHECK_CODE(su_mkdir(s, d, "sub", NULL), FERRY_OK);
	/* folder on folder */
	CHECK_CODE(store_folder_create(s, root, "docs", NULL, NULL, NULL,
	    &err), FERRY_E_EXISTS);
	CHECK(strstr(err.msg, "\"/docs\" already exists (a folder)") != NULL);
	/* folder on item */
	CHECK_CODE(store_folder_create(s, d, "a.txt", NULL, NULL, NULL, &err),
	    FERRY_E_EXISTS);
	CHECK(strstr(err.msg, "\"/docs/a.txt\" already exists (an item)") !=
	    NULL);
	/* item on folder, even when overwriting */
	CHECK_CODE(su_put_opts(s, d, "sub", "x", 1, NULL, NULL, &err),
	    FERRY_E_EXISTS);
	CHECK(strstr(err.msg, "/docs/sub") != NULL);
	{
		struct ferry_write_opts o;

		memset(&o, 0, sizeof o);
		o.exists = FERRY_EXISTS_OVERWRITE;
		CHECK_CODE(su_put_opts(s, d, "sub", "x", 1, &o, NULL, &err),
		    FERRY_E_EXISTS);
		CHECK(strstr(err.msg, "a folder") != NULL);
	}
	/* item on item */
	CHECK_CODE(su_put_opts(s, d, "a.txt", "b", 1, NULL, NULL, &err),
	    FERRY_E_EXISTS);
	CHECK(strstr(err.msg, "\"/docs/a.txt\" already exists (an item)") !=
	    NULL);
	/* rename onto a taken name, both kinds */
	CHECK_CODE(su_put(s, d, "b.txt", "b", i2), FERRY_OK);
	memset(&u, 0, sizeof u);
	u.fields = FERRY_UPDATE_NAME;
	u.name = "sub";
	CHECK_CODE(store_update(s, i2, &u, &err), FERRY_E_EXISTS);
	u.name = "a.txt";
	CHECK_CODE(store_update(s, i2, &u, &err), FERRY_E_EXISTS);
	/* renaming to its own name is a no-op, and a new name works */
	u.name = "b.txt";
	CHECK_CODE(store_update(s, i2, &u, &err), FERRY_OK);
	u.name = "c.txt";
	CHECK_CODE(store_update(s, i2, &u, &err), FERRY_OK);
	CHECK_CODE(store_resolve(s, "/docs/c.txt", i1, NULL, &err), FERRY_OK);
	CHECK_STR(i1, i2);
	/* names differing in case are different names */
	CHECK_CODE(su_put(s, d, "A.TXT", "A", NULL), FERRY_OK);
	/* exist_ok returns the folder, but not over an item */
	{
		struct ferry_mkdir_opts o;

		memset(&o, 0, sizeof o);
		o.exist_ok = true;
		CHECK_CODE(store_folder_create(s, root, "docs", &o, NULL, NULL,
		    &err), FERRY_OK);
		CHECK_CODE(store_folder_create(s, d, "A.TXT", &o, NULL, NULL,
		    &err), FERRY_E_EXISTS);
	}
	store_close(s);
	su_rmdir(dir);
}

static void
test_attributes(void)
{
	static const struct {
		const char	*metadata;
		const char	*tags;
		enum ferry_code	 want;
		const char	*msg;
	} rows[] = {
		{ "{\"a\": 1}", NULL, FERRY_OK, NULL },
		{ NULL, "[\"x\", \"y\"]", FERRY_OK, NULL },
		{ "[1]", NULL, FERRY_E_INVALID, "must be a JSON object" },
		{ "\"text\"", NULL, FERRY_E_INVALID, "must be a JSON object" },
		{ "{\"a\": ", NULL, FERRY_E_INVALID, "not valid JSON" },
		{ "{} {}", NULL, FERRY_E_INVALID, "not valid JSON" },
		{ NULL, "{}", FERRY_E_INVALID, "array of strings" },
		{ NULL, "[1]", FERRY_E_INVALID, "element 0 is not a string" },
		{ NULL, "[\"a\", null]", FERRY_E_INVALID, "element 1" },
		{ NULL, "[\"\"]", FERRY_E_INVALID, "1-255 bytes" },
		{ NULL, "[\"a\\u0001\"]", FERRY_E_INVALID, "control" },
		{ NULL, "nope", FERRY_E_INVALID, "tags: not valid JSON" },
	};
	struct ferry_mkdir_opts	 o;
	struct ferry_update	 u;
	struct ferry_error	 err;
	struct ferry_arena	 a = FERRY_ARENA_INIT;
	struct ferry_entry	 e;
	struct store		*s;
	char			*dir, root[STORE_ID_SIZE], d[STORE_ID_SIZE];
	char			 item[STORE_ID_SIZE], name[32];
	size_t			 i;

	s = su_open(&dir);
	snprintf(root, sizeof root, "%s", store_root_id(s));
	for (i = 0; i < FERRY_NELEM(rows); i++) {
		memset(&o, 0, sizeof o);
		o.metadata = rows[i].metadata;
		o.tags = rows[i].tags;
		snprintf(name, sizeof name, "f%zu", i);
		CHECK_CODE(store_folder_create(s, root, name, &o, NULL, NULL,
		    &err), rows[i].want);
		if (rows[i].msg != NULL)
			CHECK(strstr(err.msg, rows[i].msg) != NULL);
		/* the same rules for update */
		memset(&u, 0, sizeof u);
		u.fields = (rows[i].metadata ? FERRY_UPDATE_METADATA : 0) |
		    (rows[i].tags ? FERRY_UPDATE_TAGS : 0);
		u.metadata = rows[i].metadata;
		u.tags = rows[i].tags;
		CHECK_CODE(store_update(s, root, &u, &err), rows[i].want);
	}
	/* stored normalised, read back complete */
	memset(&o, 0, sizeof o);
	o.description = "Scans of 2024";
	o.metadata = "{ \"k\" : [1, 2] }";
	o.tags = "[ \"work\", \"scan\" ]";
	CHECK_CODE(store_folder_create(s, root, "scans", &o, &e, &a, &err),
	    FERRY_OK);
	snprintf(d, sizeof d, "%s", e.id);
	CHECK_STR(e.description, "Scans of 2024");
	CHECK_STR(e.metadata, "{\"k\":[1,2]}");
	CHECK_STR(e.tags, "[\"work\",\"scan\"]");
	CHECK_STR(e.parent_id, root);
	CHECK(e.created > 0 && e.modified == e.created);
	/* update each field */
	memset(&u, 0, sizeof u);
	u.fields = FERRY_UPDATE_DESCRIPTION | FERRY_UPDATE_STARRED |
	    FERRY_UPDATE_TTL | FERRY_UPDATE_TAGS;
	u.description = "new";
	u.starred = true;
	u.ttl = 3600;
	u.tags = "[]";
	usleep(2000);
	CHECK_CODE(store_update(s, d, &u, &err), FERRY_OK);
	CHECK_CODE(store_get(s, d, &e, &a, &err), FERRY_OK);
	CHECK_STR(e.description, "new");
	CHECK(e.flags & FERRY_ENTRY_STARRED);
	CHECK_INT(e.ttl, 3600);
	CHECK_STR(e.tags, "[]");
	CHECK_STR(e.metadata, "{\"k\":[1,2]}");
	CHECK(e.modified > e.created);
	u.ttl = -1;
	u.fields = FERRY_UPDATE_TTL;
	CHECK_CODE(store_update(s, d, &u, &err), FERRY_E_INVALID);
	/* items take a name and metadata only */
	CHECK_CODE(su_put(s, d, "x.bin", "x", item), FERRY_OK);
	u.fields = FERRY_UPDATE_METADATA;
	u.metadata = "{\"camera\":\"x\"}";
	CHECK_CODE(store_update(s, item, &u, &err), FERRY_OK);
	CHECK_CODE(store_get(s, item, &e, &a, &err), FERRY_OK);
	CHECK_STR(e.metadata, "{\"camera\":\"x\"}");
	u.fields = FERRY_UPDATE_DESCRIPTION;
	u.description = "no";
	CHECK_CODE(store_update(s, item, &u, &err), FERRY_E_INVALID);
	CHECK(strstr(err.msg, "/scans/x.bin") != NULL);
	u.fields = FERRY_UPDATE_TAGS;
	u.tags = "[]";
	CHECK_CODE(store_update(s, item, &u, &err), FERRY_E_INVALID);
	/* the root keeps its (empty) name; unknown ids are not found */
	u.fields = FERRY_UPDATE_NAME;
	u.name = "r";
	CHECK_CODE(store_update(s, root, &u, &err), FERRY_E_INVALID);
	CHECK_CODE(store_update(s, "00000000-0000-4000-8000-000000000000", &u,
	    &err), FERRY_E_NOT_FOUND);
	CHECK(strstr(err.msg, "00000000-0000-4000-8000-000000000000") != NULL);
	ferry_arena_done(&a);
	store_close(s);
	su_rmdir(dir);
}

static void
test_resolve_and_paths(void)
{
	struct ferry_error	 err;
	struct ferry_entry_list	 l;
	struct store		*s;
	char			*dir, root[STORE_ID_SIZE], a[STORE_ID_SIZE];
	char			 b[STORE_ID_SIZE], f[STORE_ID_SIZE], id[STORE_ID_SIZE];
	char			*path;
	uint8_t			 kind;

	s = su_open(&dir);
	snprintf(root, sizeof root, "%s", store_root_id(s));
	CHECK_CODE(su_mkdir(s, root, "a", a), FERRY_OK);
	CHECK_CODE(su_mkdir(s, a, "b", b), FERRY_OK);
	CHECK_CODE(su_put(s, b, "f.txt", "hi", f), FERRY_OK);
	CHECK_CODE(store_resolve(s, "/a/b/f.txt", id, &kind, &err), FERRY_OK);
	CHECK_STR(id, f);
	CHECK_INT(kind, FERRY_KIND_ITEM);
	CHECK_CODE(store_resolve(s, "//a//b/", id, &kind, &err), FERRY_OK);
	CHECK_STR(id, b);
	CHECK_CODE(store_resolve(s, "/", id, &kind, &err), FERRY_OK);
	CHECK_STR(id, root);
	CHECK_CODE(store_resolve(s, "/a/x/f.txt", id, NULL, &err),
	    FERRY_E_NOT_FOUND);
	CHECK(strstr(err.msg, "\"/a/x\"") != NULL);
	CHECK_CODE(store_resolve(s, "/a/b/f.txt/g", id, NULL, &err),
	    FERRY_E_NOT_FOLDER);
	CHECK(strstr(err.msg, "/a/b/f.txt") != NULL);
	CHECK_CODE(store_resolve(s, "a", id, NULL, &err), FERRY_E_INVALID);
	CHECK_CODE(store_path(s, f, &path, &err), FERRY_OK);
	CHECK_STR(path, "/a/b/f.txt");
	free(path);
	ferry_entry_list_init(&l);
	CHECK_CODE(store_path_to_root(s, f, &l, &err), FERRY_OK);
	CHECK_INT(l.n, 4);
	if (l.n == 4) {
		CHECK_STR(l.v[0].id, root);
		CHECK_STR(l.v[1].name, "a");
		CHECK_STR(l.v[2].name, "b");
		CHECK_STR(l.v[3].name, "f.txt");
		CHECK_STR(l.v[3].parent_id, b);
	}
	ferry_entry_list_done(&l);
	store_close(s);
	su_rmdir(dir);
}

static void
test_move(void)
{
	struct ferry_error	 err;
	struct ferry_arena	 ar = FERRY_ARENA_INIT;
	struct ferry_entry	 e;
	struct store		*s;
	char			*dir, root[STORE_ID_SIZE], a[STORE_ID_SIZE];
	char			 b[STORE_ID_SIZE], c[STORE_ID_SIZE], f[STORE_ID_SIZE];
	char			 g[STORE_ID_SIZE], id[STORE_ID_SIZE];

	s = su_open(&dir);
	snprintf(root, sizeof root, "%s", store_root_id(s));
	CHECK_CODE(su_mkdir(s, root, "a", a), FERRY_OK);
	CHECK_CODE(su_mkdir(s, a, "b", b), FERRY_OK);
	CHECK_CODE(su_mkdir(s, b, "c", c), FERRY_OK);
	CHECK_CODE(su_put(s, a, "f", "f", f), FERRY_OK);
	CHECK_CODE(su_put(s, root, "g", "g", g), FERRY_OK);
	/* into itself and below itself */
	CHECK_CODE(store_move(s, a, a, NULL, FERRY_EXISTS_FAIL, &err),
	    FERRY_E_CONFLICT);
	CHECK_CODE(store_move(s, a, c, NULL, FERRY_EXISTS_FAIL, &err),
	    FERRY_E_CONFLICT);
	CHECK(strstr(err.msg, "\"/a\"") != NULL &&
	    strstr(err.msg, "/a/b/c") != NULL);
	CHECK_CODE(store_move(s, b, c, "x", FERRY_EXISTS_FAIL, &err),
	    FERRY_E_CONFLICT);
	/* the root does not move; an item is not a destination */
	CHECK_CODE(store_move(s, root, a, NULL, FERRY_EXISTS_FAIL, &err),
	    FERRY_E_INVALID);
	CHECK_CODE(store_move(s, b, f, NULL, FERRY_EXISTS_FAIL, &err),
	    FERRY_E_NOT_FOLDER);
	/* a subfolder to the root, renamed on the way */
	CHECK_CODE(store_move(s, c, root, "top", FERRY_EXISTS_FAIL, &err),
	    FERRY_OK);
	CHECK_CODE(store_resolve(s, "/top", id, NULL, &err), FERRY_OK);
	CHECK_STR(id, c);
	CHECK_CODE(store_resolve(s, "/a/b/c", id, NULL, &err),
	    FERRY_E_NOT_FOUND);
	/* a folder to a sibling */
	CHECK_CODE(store_move(s, b, c, NULL, FERRY_EXISTS_FAIL, &err),
	    FERRY_OK);
	CHECK_CODE(store_get_path(s, "/top/b", &e, &ar, &err), FERRY_OK);
	CHECK_STR(e.parent_id, c);
	/* onto a taken name: refused, unless overwriting item by item */
	CHECK_CODE(store_move(s, g, a, "f", FERRY_EXISTS_FAIL, &err),
	    FERRY_E_EXISTS);
	CHECK(strstr(err.msg, "\"/a/f\"") != NULL);
	CHECK_CODE(store_move(s, c, a, "f", FERRY_EXISTS_OVERWRITE, &err),
	    FERRY_E_EXISTS);
	CHECK_CODE(store_move(s, g, root, "top", FERRY_EXISTS_OVERWRITE, &err),
	    FERRY_E_EXISTS);
	CHECK_CODE(store_move(s, g, a, "f", FERRY_EXISTS_OVERWRITE, &err),
	    FERRY_OK);
	CHECK_CODE(store_resolve(s, "/a/f", id, NULL, &err), FERRY_OK);
	CHECK_STR(id, g);
	CHECK_CODE(store_get(s, f, &e, &ar, &err), FERRY_E_NOT_FOUND);
	/* moving onto itself changes nothing */
	CHECK_CODE(store_move(s, g, a, NULL, FERRY_EXISTS_FAIL, &err),
	    FERRY_OK);
	ferry_arena_done(&ar);
	store_close(s);
	su_rmdir(dir);
}

static void
test_delete(void)
{
	struct ferry_error	 err;
	struct store		*s;
	char			*dir, root[STORE_ID_SIZE], a[STORE_ID_SIZE];
	char			 b[STORE_ID_SIZE], f[STORE_ID_SIZE], id[STORE_ID_SIZE];

	s = su_open(&dir);
	snprintf(root, sizeof root, "%s", store_root_id(s));
	CHECK_CODE(su_mkdir(s, root, "a", a), FERRY_OK);
	CHECK_CODE(su_mkdir(s, a, "b", b), FERRY_OK);
	CHECK_CODE(su_put(s, b, "f", "deep", f), FERRY_OK);
	CHECK_CODE(su_put(s, a, "g", "shallow", NULL), FERRY_OK);
	CHECK_INT(su_blobs(dir), 2);
	CHECK_CODE(store_delete(s, a, 0, &err), FERRY_E_NOT_EMPTY);
	CHECK(strstr(err.msg, "\"/a\"") != NULL &&
	    strstr(err.msg, "2 entries") != NULL);
	CHECK_CODE(store_delete(s, root, FERRY_REMOVE_RECURSIVE, &err),
	    FERRY_E_INVALID);
	CHECK_CODE(store_delete(s, f, 0, &err), FERRY_OK);
	CHECK_CODE(store_delete(s, f, 0, &err), FERRY_E_NOT_FOUND);
	CHECK_INT(su_blobs(dir), 1);
	CHECK_CODE(store_delete(s, b, 0, &err), FERRY_OK);
	CHECK_CODE(su_mkdir(s, a, "b", b), FERRY_OK);
	CHECK_CODE(su_put(s, b, "f", "again", NULL), FERRY_OK);
	CHECK_CODE(store_delete(s, a, FERRY_REMOVE_RECURSIVE, &err), FERRY_OK);
	CHECK_CODE(store_resolve(s, "/a", id, NULL, &err), FERRY_E_NOT_FOUND);
	CHECK_CODE(store_resolve(s, "/a/b/f", id, NULL, &err),
	    FERRY_E_NOT_FOUND);
	CHECK_INT(su_blobs(dir), 0);
	store_close(s);
	su_rmdir(dir);
}

static void
test_copy(void)
{
	struct ferry_error	 err;
	struct ferry_arena	 ar = FERRY_ARENA_INIT;
	struct ferry_entry	 e1, e2;
	struct ferry_summary	 sum;
	struct store		*s;
	char			*dir, root[STORE_ID_SIZE], a[STORE_ID_SIZE];
	char			 b[STORE_ID_SIZE], f[STORE_ID_SIZE], cp[STORE_ID_SIZE];
	char			 id[STORE_ID_SIZE], *buf;
	size_t			 n;

	s = su_open(&dir);
	snprintf(root, sizeof root, "%s", store_root_id(s));
	CHECK_CODE(su_mkdir(s, root, "a", a), FERRY_OK);
	CHECK_CODE(su_mkdir(s, a, "b", b), FERRY_OK);
	CHECK_CODE(su_put(s, a, "f", "content", f), FERRY_OK);
	CHECK_CODE(su_put(s, b, "g", "other", NULL), FERRY_OK);
	/* an item: a new row, the same blob */
	CHECK_CODE(store_copy(s, f, root, "f2", FERRY_EXISTS_FAIL, cp, &err),
	    FERRY_OK);
	CHECK(strcmp(cp, f) != 0);
	CHECK_CODE(store_get(s, f, &e1, &ar, &err), FERRY_OK);
	CHECK_CODE(store_get(s, cp, &e2, &ar, &err), FERRY_OK);
	CHECK_STR(e2.checksum, e1.checksum);
	CHECK_STR(e2.name, "f2");
	CHECK_INT(e2.size, 7);
	CHECK_INT(su_blobs(dir), 2);
	buf = su_read(s, cp, 0, UINT64_MAX, &n);
	CHECK(buf != NULL && strcmp(buf, "content") == 0);
	free(buf);
	/* the same name again, onto itself, into its subtree */
	CHECK_CODE(store_copy(s, f, root, "f2", FERRY_EXISTS_FAIL, NULL, &err),
	    FERRY_E_EXISTS);
	CHECK_CODE(store_copy(s, f, a, NULL, FERRY_EXISTS_OVERWRITE, NULL,
	    &err), FERRY_E_EXISTS);
	CHECK_CODE(store_copy(s, a, b, NULL, FERRY_EXISTS_FAIL, NULL, &err),
	    FERRY_E_CONFLICT);
	CHECK_CODE(store_copy(s, a, a, "a2", FERRY_EXISTS_FAIL, NULL, &err),
	    FERRY_E_CONFLICT);
	CHECK_CODE(store_copy(s, root, a, "r", FERRY_EXISTS_FAIL, NULL, &err),
	    FERRY_E_INVALID);
	/* a folder, recursively */
	CHECK_CODE(store_copy(s, a, root, "a-copy", FERRY_EXISTS_FAIL, cp,
	    &err), FERRY_OK);
	CHECK_CODE(store_summary(s, cp, &sum, &err), FERRY_OK);
	CHECK_INT(sum.items, 2);
	CHECK_INT(sum.folders, 1);
	CHECK_INT(sum.bytes, 12);
	CHECK_CODE(store_resolve(s, "/a-copy/b/g", id, NULL, &err), FERRY_OK);
	CHECK_INT(su_blobs(dir), 2);
	/* overwrite an item with a copy */
	CHECK_CODE(store_copy(s, f, b, "g", FERRY_EXISTS_OVERWRITE, NULL,
	    &err), FERRY_OK);
	buf = su_read(s, id, 0, UINT64_MAX, &n);	/* the copy of g */
	CHECK(buf != NULL && strcmp(buf, "other") == 0);
	free(buf);
	CHECK_CODE(store_resolve(s, "/a/b/g", id, NULL, &err), FERRY_OK);
	buf = su_read(s, id, 0, UINT64_MAX, &n);
	CHECK(buf != NULL && strcmp(buf, "content") == 0);
	free(buf);
	/* blobs go when the last reference goes */
	CHECK_CODE(store_delete(s, a, FERRY_REMOVE_RECURSIVE, &err), FERRY_OK);
	CHECK_INT(su_blobs(dir), 2);	/* /f2 and /a-copy hold both */
	CHECK_CODE(store_delete(s, cp, FERRY_REMOVE_RECURSIVE, &err),
	    FERRY_OK);
	CHECK_INT(su_blobs(dir), 1);	/* /f2 holds "content" */
	CHECK_CODE(store_resolve(s, "/f2", id, NULL, &err), FERRY_OK);
	CHECK_CODE(store_delete(s, id, 0, &err), FERRY_OK);
	CHECK_INT(su_blobs(dir), 0);
	ferry_arena_done(&ar);
	store_close(s);
	su_rmdir(dir);
}

static void
test_batch(void)
{
	struct ferry_error	 err;
	struct store		*s;
	char			*dir, root[STORE_ID_SIZE], src[STORE_ID_SIZE];
	char			 dst[STORE_ID_SIZE], it[4][STORE_ID_SIZE];
	char			 id[STORE_ID_SIZE], sub[STORE_ID_SIZE];
	const char		*ids[4];
	int			 i;

	s = su_open(&dir);
	snprintf(root, sizeof root, "%s", store_root_id(s));
	CHECK_CODE(su_mkdir(s, root, "src", src), FERRY_OK);
	CHECK_CODE(su_mkdir(s, root, "dst", dst), FERRY_OK);
	CHECK_CODE(su_mkdir(s, src, "sub", sub), FERRY_OK);
	CHECK_CODE(su_put(s, src, "a", "1", it[0]), FERRY_OK);
	CHECK_CODE(su_put(s, src, "b", "2", it[1]), FERRY_OK);
	CHECK_CODE(su_put(s, src, "c", "3", it[2]), FERRY_OK);
	CHECK_CODE(su_put(s, dst, "c", "taken", it[3]), FERRY_OK);
	for (i = 0; i < 4; i++)
		ids[i] = it[i];
	/* one name taken in dst: nothing moves */
	CHECK_CODE(store_move_items(s, ids, 3, dst, &err), FERRY_E_EXISTS);
	CHECK(strstr(err.msg, "/dst/c") != NULL);
	CHECK_CODE(store_resolve(s, "/src/a", id, NULL, &err), FERRY_OK);
	CHECK_CODE(store_resolve(s, "/src/b", id, NULL, &err), FERRY_OK);
	CHECK_CODE(store_resolve(s, "/dst/a", id, NULL, &err),
	    FERRY_E_NOT_FOUND);
	/* a folder in the batch: nothing moves */
	ids[2] = sub;
	CHECK_CODE(store_move_items(s, ids, 3, dst, &err), FERRY_E_IS_FOLDER);
	CHECK(strstr(err.msg, "/src/sub") != NULL);
	CHECK_CODE(store_resolve(s, "/dst/a", id, NULL, &err),
	    FERRY_E_NOT_FOUND);
	/* an unknown id: nothing moves */
	ids[2] = "nope";
	CHECK_CODE(store_move_items(s, ids, 3, dst, &err), FERRY_E_NOT_FOUND);
	CHECK_CODE(store_resolve(s, "/dst/a", id, NULL, &err),
	    FERRY_E_NOT_FOUND);
	/* all good: all move */
	CHECK_CODE(store_move_items(s, ids, 2, dst, &err), FERRY_OK);
	CHECK_CODE(store_resolve(s, "/dst/a", id, NULL, &err), FERRY_OK);
	CHECK_STR(id, it[0]);
	CHECK_CODE(store_resolve(s, "/dst/b", id, NULL, &err), FERRY_OK);
	CHECK_CODE(store_resolve(s, "/src/a", id, NULL, &err),
	    FERRY_E_NOT_FOUND);
	/* batch delete: a folder in it deletes nothing */
	ids[0] = it[0];
	ids[1] = it[2];
	ids[2] = sub;
	CHECK_CODE(store_delete_items(s, ids, 3, &err), FERRY_E_IS_FOLDER);
	CHECK_CODE(store_resolve(s, "/dst/a", id, NULL, &err), FERRY_OK);
	CHECK_CODE(store_resolve(s, "/src/c", id, NULL, &err), FERRY_OK);
	CHECK_CODE(store_delete_items(s, ids, 2, &err), FERRY_OK);
	CHECK_CODE(store_resolve(s, "/dst/a", id, NULL, &err),
	    FERRY_E_NOT_FOUND);
	CHECK_CODE(store_resolve(s, "/src/c", id, NULL, &err),
	    FERRY_E_NOT_FOUND);
	CHECK_CODE(store_resolve(s, "/dst/b", id, NULL, &err), FERRY_OK);
	/* "1" and "3" are gone; "2" and "taken" remain */
	CHECK_INT(su_blobs(dir), 2);
	store_close(s);
	su_rmdir(dir);
}

static void
test_limits(void)
{
	struct store_limits	 l;
	struct ferry_error	 err;
	struct ferry_write_opts	 o;
	struct store		*s, *s2;
	char			*dir, root[STORE_ID_SIZE], d[STORE_ID_SIZE];
	char			 e[STORE_ID_SIZE], it[STORE_ID_SIZE];
	char			 it2[STORE_ID_SIZE];

	s = su_open(&dir);
	snprintf(root, sizeof root, "%s", store_root_id(s));
	CHECK_CODE(store_limits_get(s, &l, &err), FERRY_OK);
	CHECK_INT(l.max_items, 0);
	CHECK_INT(l.max_bytes, 0);
	CHECK_CODE(su_mkdir(s, root, "d", d), FERRY_OK);
	CHECK_CODE(su_mkdir(s, root, "e", e), FERRY_OK);
	l.max_items = 3;
	l.max_bytes = 0;
	CHECK_CODE(store_limits_set(s, &l, &err), FERRY_OK);
	/* another handle (another process) sees the same limits */
	CHECK_CODE(store_open(su_sdir(dir), &s2, &err), FERRY_OK);
	memset(&l, 0, sizeof l);
	CHECK_CODE(store_limits_get(s2, &l, &err), FERRY_OK);
	CHECK_INT(l.max_items, 3);
	CHECK_CODE(su_put(s2, d, "1", "a", it), FERRY_OK);
	CHECK_CODE(su_mkdir(s2, d, "2", NULL), FERRY_OK);
	CHECK_CODE(su_put(s2, d, "3", "c", NULL), FERRY_OK);
	CHECK_CODE(su_put_opts(s2, d, "4", "d", 1, NULL, NULL, &err),
	    FERRY_E_LIMIT);
	CHECK(strstr(err.msg, "\"/d\"") != NULL &&
	    strstr(err.msg, "3 entries") != NULL &&
	    strstr(err.msg, "it has 3") != NULL);
	CHECK_CODE(store_folder_create(s, d, "4", NULL, NULL, NULL, &err),
	    FERRY_E_LIMIT);
	CHECK_CODE(su_put(s, e, "x", "x", it2), FERRY_OK);
	CHECK_CODE(store_move(s, it2, d, NULL, FERRY_EXISTS_FAIL, &err),
	    FERRY_E_LIMIT);
	CHECK_CODE(store_copy(s, it2, d, NULL, FERRY_EXISTS_FAIL, NULL, &err),
	    FERRY_E_LIMIT);
	{
		const char *ids[1] = { it2 };

		CHECK_CODE(store_move_items(s, ids, 1, d, &err),
		    FERRY_E_LIMIT);
	}
	/* replacing does not add an entry; renaming in place neither */
	memset(&o, 0, sizeof o);
	o.exists = FERRY_EXISTS_OVERWRITE;
	CHECK_CODE(su_put_opts(s, d, "1", "aa", 2, &o, NULL, &err), FERRY_OK);
	CHECK_CODE(store_move(s, it, d, "1b", FERRY_EXISTS_FAIL, &err),
	    FERRY_OK);
	/* bytes */
	l.max_items = 0;
	l.max_bytes = 10;
	CHECK_CODE(store_limits_set(s2, &l, &err), FERRY_OK);
	CHECK_CODE(su_put(s, e, "six", "123456", NULL), FERRY_OK);
	CHECK_CODE(su_put_opts(s, e, "five", "12345", 5, NULL, NULL, &err),
	    FERRY_E_LIMIT);
	CHECK(strstr(err.msg, "10 bytes") != NULL &&
	    strstr(err.msg, "\"/e\"") != NULL &&
	    strstr(err.msg, "holds 7 bytes, adding 5") != NULL);
	CHECK_CODE(su_put(s, e, "three", "123", NULL), FERRY_OK);
	CHECK_CODE(su_put_opts(s, e, "one", "1", 1, NULL, NULL, &err),
	    FERRY_E_LIMIT);
	/* an overwrite counts only the growth */
	CHECK_CODE(su_put_opts(s, e, "six", "1234567", 7, &o, NULL, &err),
	    FERRY_E_LIMIT);
	CHECK_CODE(su_put_opts(s, e, "six", "12345", 5, &o, NULL, &err),
	    FERRY_OK);
	/* folders add no bytes */
	CHECK_CODE(su_mkdir(s, e, "sub", NULL), FERRY_OK);
	/* no limits again */
	memset(&l, 0, sizeof l);
	CHECK_CODE(store_limits_set(s, &l, &err), FERRY_OK);
	CHECK_CODE(su_put(s, e, "big", "0123456789abcdef", NULL), FERRY_OK);
	CHECK_CODE(su_put(s, d, "more", "m", NULL), FERRY_OK);
	store_close(s2);
	store_close(s);
	su_rmdir(dir);
}

/* Another handle holds the write lock for a while; a write waits. */
struct holder {
	const char	*dir;
	int		 ready[2];
	int		 held_ms;
};

static void *
holder_main(void *arg)
{
	struct holder		*h = arg;
	struct ferry_error	 err;
	struct store		*s;
	char			 c = 'x';

	if (store_open(h->dir, &s, &err) != FERRY_OK)
		return NULL;
	store_begin(s, &err);
	su_mkdir(s, store_root_id(s), "held", NULL);
	(void)!write(h->ready[1], &c, 1);
	usleep((useconds_t)h->held_ms * 1000);
	store_commit(s, &err);
	store_close(s);
	return NULL;
}

static void
test_two_handles(void)
{
	struct ferry_error	 err;
	struct store		*s1, *s2;
	struct holder		 h;
	struct timespec		 t0, t1;
	pthread_t		 t;
	char			*dir, id[STORE_ID_SIZE], id2[STORE_ID_SIZE];
	char			 c, *buf;
	long			 ms;
	size_t			 n;

	s1 = su_open(&dir);
	CHECK_CODE(store_open(su_sdir(dir), &s2, &err), FERRY_OK);
	/* changes by one are seen by the other */
	CHECK_CODE(su_mkdir(s1, store_root_id(s1), "shared", id), FERRY_OK);
	CHECK_CODE(store_resolve(s2, "/shared", id2, NULL, &err), FERRY_OK);
	CHECK_STR(id, id2);
	CHECK_CODE(su_mkdir(s2, id2, "x", NULL), FERRY_OK);
	CHECK_CODE(su_mkdir(s1, id, "x", NULL), FERRY_E_EXISTS);
	/* the same content from both: one blob, two items */
	CHECK_CODE(su_put(s1, id, "p", "same bytes", NULL), FERRY_OK);
	CHECK_CODE(su_put(s2, id, "q", "same bytes", id2), FERRY_OK);
	CHECK_INT(su_blobs(dir), 1);
	/* one deletes its item: the other's still reads */
	CHECK_CODE(store_resolve(s1, "/shared/p", id, NULL, &err), FERRY_OK);
	CHECK_CODE(store_delete(s1, id, 0, &err), FERRY_OK);
	buf = su_read(s2, id2, 0, UINT64_MAX, &n);
	CHECK(buf != NULL && strcmp(buf, "same bytes") == 0);
	free(buf);
	CHECK_INT(su_blobs(dir), 1);
	/* a writer waits for a transaction held by another handle */
	h.dir = su_sdir(dir);
	h.held_ms = 300;
	CHECK(pipe(h.ready) == 0);
	pthread_create(&t, NULL, holder_main, &h);
	CHECK(read(h.ready[0], &c, 1) == 1);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	CHECK_CODE(su_mkdir(s2, store_root_id(s2), "waited", NULL), FERRY_OK);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	pthread_join(t, NULL);
	ms = (t1.tv_sec - t0.tv_sec) * 1000 +
	    (t1.tv_nsec - t0.tv_nsec) / 1000000;
	CHECK(ms >= 150);
	CHECK_CODE(store_resolve(s1, "/held", id, NULL, &err), FERRY_OK);
	close(h.ready[0]);
	close(h.ready[1]);
	store_close(s2);
	store_close(s1);
	su_rmdir(dir);
}

/* store_begin groups calls; a failed call undoes only itself. */
static void
test_groups(void)
{
	struct ferry_error	 err;
	struct store		*s;
	char			*dir, root[STORE_ID_SIZE], id[STORE_ID_SIZE];

	s = su_open(&dir);
	snprintf(root, sizeof root, "%s", store_root_id(s));
	CHECK_CODE(store_begin(s, &err), FERRY_OK);
	CHECK_CODE(su_mkdir(s, root, "a", NULL), FERRY_OK);
	CHECK_CODE(su_mkdir(s, root, "a", NULL), FERRY_E_EXISTS);
	CHECK_CODE(su_put(s, root, "f", "x", id), FERRY_OK);
	CHECK_CODE(store_commit(s, &err), FERRY_OK);
	CHECK_CODE(store_resolve(s, "/a", id, NULL, &err), FERRY_OK);
	CHECK_CODE(store_resolve(s, "/f", id, NULL, &err), FERRY_OK);
	/* rolled back: nothing stays, and a deleted blob is kept */
	CHECK_CODE(store_begin(s, &err), FERRY_OK);
	CHECK_CODE(su_mkdir(s, root, "b", NULL), FERRY_OK);
	CHECK_CODE(store_delete(s, id, 0, &err), FERRY_OK);
	store_rollback(s);
	CHECK_CODE(store_resolve(s, "/b", id, NULL, &err), FERRY_E_NOT_FOUND);
	CHECK_CODE(store_resolve(s, "/f", id, NULL, &err), FERRY_OK);
	CHECK_INT(su_blobs(dir), 1);
	CHECK_CODE(store_commit(s, &err), FERRY_E_INVALID);
	store_close(s);
	su_rmdir(dir);
}

static const struct check_test tests[] = {
	CHECK_TEST(test_open),
	CHECK_TEST(test_invalid_names),
	CHECK_TEST(test_duplicates),
	CHECK_TEST(test_attributes),
	CHECK_TEST(test_resolve_and_paths),
	CHECK_TEST(test_move),
	CHECK_TEST(test_delete),
	CHECK_TEST(test_copy),
	CHECK_TEST(test_batch),
	CHECK_TEST(test_limits),
	CHECK_TEST(test_two_handles),
	CHECK_TEST(test_groups),
	{ NULL, NULL },
};

int
main(int argc, char **argv)
{
	return check_main(tests, argc, argv);
}
