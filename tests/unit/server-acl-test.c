/* SPDX-License-Identifier: MIT */
/*
 * The store's access data and pieces-wise content, as ferryd uses them:
 * tokens (made, checked, revoked; first user admin), names, groups,
 * grants and role inheritance, passing through, visible children, grants
 * vanishing with their folder, operation records, push uploads (small,
 * large, aborted, checksum mismatch, replaced) and multipart uploads
 * (parts in any order, gaps, abort, gc), and the upgrade of a version-1
 * store.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <sqlite3.h>

#include "lib/check.h"
#include "unit/store-util.h"
#include "store/store-acl.h"
#include "store/store-upload.h"

static struct store_user
user(const char *name)
{
	struct store_user	 u;

	memset(&u, 0, sizeof u);
	snprintf(u.name, sizeof u.name, "%s", name);
	return u;
}

static int
count_files(const char *dir)
{
	DIR		*d;
	struct dirent	*e;
	int		 n = 0;

	if ((d = opendir(dir)) == NULL)
		return -1;
	while ((e = readdir(d)) != NULL)
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

static void
test_tokens(void)
{
	struct ferry_error	 err;
	struct store_user	 u;
	struct store_acl	*acl;
	struct store		*s;
	char			*dir, tok[STORE_TOKEN_SIZE], tok2[STORE_TOKEN_SIZE];
	char			 id[STORE_TOKEN_ID_SIZE], id2[STORE_TOKEN_ID_SIZE];
	bool			 made;

	s = su_open(&dir);
	acl = store_acl_new(s);
	CHECK_CODE(store_token_add(acl, "alice", false, tok, id, &made, &err),
	    FERRY_OK);
	CHECK(made);
	CHECK_INT(strlen(tok), 43);
	CHECK_INT(strlen(id), 16);
	CHECK_CODE(store_token_add(acl, "bob", false, tok2, id2, &made, &err),
	    FERRY_OK);
	CHECK(!made);
	CHECK(strcmp(tok, tok2) != 0);
	CHECK_CODE(store_token_auth(acl, tok, &u, &err), FERRY_OK);
	CHECK_STR(u.name, "alice");
	CHECK(u.admin);
	CHECK_CODE(store_token_auth(acl, tok2, &u, &err), FERRY_OK);
	CHECK_STR(u.name, "bob");
	CHECK(!u.admin);
	/* one changed character, wrong lengths, bad characters */
	tok2[5] = tok2[5] == 'A' ? 'B' : 'A';
	CHECK_CODE(store_token_auth(acl, tok2, &u, &err), FERRY_E_AUTH);
	CHECK(strstr(err.msg, "unknown") != NULL);
	CHECK(strstr(err.msg, tok2) == NULL);
	CHECK_CODE(store_token_auth(acl, "short", &u, &err), FERRY_E_AUTH);
	CHECK(strstr(err.msg, "malformed") != NULL);
	CHECK_CODE(store_token_auth(acl,
	    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA+", &u, &err),
	    FERRY_E_AUTH);
	CHECK_CODE(store_token_revoke(acl, id, &err), FERRY_OK);
	CHECK_CODE(store_token_auth(acl, tok, &u, &err), FERRY_E_AUTH);
	CHECK_CODE(store_token_revoke(acl, id, &err), FERRY_E_NOT_FOUND);
	CHECK_CODE(store_token_add(acl, "bad name", false, tok, id, &made,
	    &err), FERRY_E_INVALID_NAME);
	CHECK_STR(tok, "");
	CHECK_CODE(store_user_set_admin(acl, "bob", true, &err), FERRY_OK);
	CHECK_CODE(store_user_get(acl, "bob", &u, &err), FERRY_OK);
	CHECK(u.admin);
	CHECK_CODE(store_user_get(acl, "nobody", &u, &err),
	    FERRY_E_NOT_FOUND);
	store_acl_free(acl);
	store_close(s);
	su_rmdir(dir);
}

static void
test_names(void)
{
	static const struct {
		const char	*name;
		enum ferry_code	 want;
	} rows[] = {
		{ "alice", FERRY_OK },
		{ "a.b-c_d@e+f", FERRY_OK },
		{ "", FERRY_E_INVALID_NAME },
		{ "-x", FERRY_E_INVALID_NAME },
		{ "a b", FERRY_E_INVALID_NAME },
		{ "a/b", FERRY_E_INVALID_NAME },
		{ "é", FERRY_E_INVALID_NAME },
		{ "a\nb", FERRY_E_INVALID_NAME },
		{ "0123456789012345678901234567890123456789012345678901234567"
		    "890123", FERRY_OK },
		{ "0123456789012345678901234567890123456789012345678901234567"
		    "8901234", FERRY_E_INVALID_NAME },
	};
	struct ferry_error	 err;
	size_t			 i;

	for (i = 0; i < FERRY_NELEM(rows); i++)
		CHECK_CODE(store_principal_check("user", rows[i].name, &err),
		    rows[i].want);
	CHECK_INT(store_role_from_name("viewer"), STORE_ROLE_VIEWER);
	CHECK_INT(store_role_from_name("owner"), STORE_ROLE_OWNER);
	CHECK_INT(store_role_from_name("none"), -1);
	CHECK_INT(store_role_from_name("Owner"), -1);
	CHECK_STR(store_role_name(STORE_ROLE_EDITOR), "editor");
	CHECK_INT(store_principal_from_name("group"), STORE_PRINCIPAL_GROUP);
	CHECK_INT(store_principal_from_name("users"), -1);
}

static enum ferry_code
grant_count(const struct store_grant *g, void *ud)
{
	int	*n = ud;

	(void)g;
	(*n)++;
	return FERRY_OK;
}

static void
test_roles(void)
{
	struct ferry_error	 err;
	struct ferry_entry_list	 l;
	struct store_user	 bob = user("bob"), gina = user("gina");
	struct store_user	 admin = user("root");
	struct store_acl	*acl;
	struct store		*s;
	enum store_role		 role;
	char			*dir, tok[STORE_TOKEN_SIZE];
	char			 tid[STORE_TOKEN_ID_SIZE];
	char			 p[STORE_ID_SIZE], a[STORE_ID_SIZE];
	char			 b[STORE_ID_SIZE], c[STORE_ID_SIZE];
	char			 item[STORE_ID_SIZE];
	bool			 pass, made;
	int			 n = 0;

	s = su_open(&dir);
	acl = store_acl_new(s);
	admin.admin = true;
	CHECK_CODE(store_token_add(acl, "root", false, tok, tid, &made,
	    &err), FERRY_OK);
	CHECK_CODE(store_token_add(acl, "bob", false, tok, tid, &made, &err),
	    FERRY_OK);
	CHECK_CODE(store_group_add(acl, "team", &err), FERRY_OK);
	CHECK_CODE(store_group_add(acl, "team", &err), FERRY_E_EXISTS);
	CHECK_CODE(store_group_member_add(acl, "team", "gina", &err),
	    FERRY_OK);
	CHECK_CODE(store_group_member_add(acl, "nope", "gina", &err),
	    FERRY_E_NOT_FOUND);
	CHECK_CODE(su_mkdir(s, store_root_id(s), "p", p), FERRY_OK);
	CHECK_CODE(su_mkdir(s, p, "a", a), FERRY_OK);
	CHECK_CODE(su_mkdir(s, a, "b", b), FERRY_OK);
	CHECK_CODE(su_mkdir(s, p, "c", c), FERRY_OK);
	CHECK_CODE(su_put(s, b, "i.txt", "x", item), FERRY_OK);

	CHECK_CODE(store_grant_set(acl, a, STORE_PRINCIPAL_USER, "bob",
	    STORE_ROLE_VIEWER, &err), FERRY_OK);
	CHECK_CODE(store_grant_set(acl, b, STORE_PRINCIPAL_GROUP, "team",
	    STORE_ROLE_EDITOR, &err), FERRY_OK);
	CHECK_CODE(store_grant_set(acl, b, STORE_PRINCIPAL_USER, "ghost",
	    STORE_ROLE_EDITOR, &err), FERRY_E_NOT_FOUND);
	CHECK_CODE(store_grant_set(acl, item, STORE_PRINCIPAL_USER, "bob",
	    STORE_ROLE_EDITOR, &err), FERRY_E_NOT_FOLDER);
	/* inherited down, highest wins, items take their folder's */
	CHECK_CODE(store_role_at(acl, &bob, a, &role, &pass, &err), FERRY_OK);
	CHECK_INT(role, STORE_ROLE_VIEWER);
	CHECK_CODE(store_role_at(acl, &bob, item, &role, &pass, &err),
	    FERRY_OK);
	CHECK_INT(role, STORE_ROLE_VIEWER);
	CHECK_CODE(store_role_at(acl, &gina, item, &role, &pass, &err),
	    FERRY_OK);
	CHECK_INT(role, STORE_ROLE_EDITOR);
	CHECK_CODE(store_grant_set(acl, b, STORE_PRINCIPAL_USER, "bob",
	    STORE_ROLE_OWNER, &err), FERRY_OK);
	CHECK_CODE(store_role_at(acl, &bob, b, &role, &pass, &err), FERRY_OK);
	CHECK_INT(role, STORE_ROLE_OWNER);
	/* passing through */
	CHECK_CODE(store_role_at(acl, &bob, p, &role, &pass, &err), FERRY_OK);
	CHECK_INT(role, STORE_ROLE_NONE);
	CHECK(pass);
	CHECK_CODE(store_role_at(acl, &bob, c, &role, &pass, &err), FERRY_OK);
	CHECK_INT(role, STORE_ROLE_NONE);
	CHECK(!pass);
	CHECK_CODE(store_role_at(acl, &gina, a, &role, &pass, &err),
	    FERRY_OK);
	CHECK(pass);
	CHECK_CODE(store_role_at(acl, &admin, c, &role, &pass, &err),
	    FERRY_OK);
	CHECK_INT(role, STORE_ROLE_OWNER);
	ferry_entry_list_init(&l);
	CHECK_CODE(store_visible_children(acl, &bob, p, &l, &err), FERRY_OK);
	CHECK_INT(l.n, 1);
	if (l.n == 1)
		CHECK_STR(l.v[0].name, "a");
	ferry_entry_list_done(&l);
	ferry_entry_list_init(&l);
	CHECK_CODE(store_visible_children(acl, &bob, store_root_id(s), &l,
	    &err), FERRY_OK);
	CHECK_INT(l.n, 1);
	ferry_entry_list_done(&l);
	/* grants on b: its own two and bob's on a, inherited */
	CHECK_CODE(store_grant_list(acl, b, grant_count, &n, &err), FERRY_OK);
	CHECK_INT(n, 3);
	CHECK_CODE(store_grant_remove(acl, b, STORE_PRINCIPAL_USER, "bob",
	    &err), FERRY_OK);
	CHECK_CODE(store_grant_remove(acl, b, STORE_PRINCIPAL_USER, "bob",
	    &err), FERRY_E_NOT_FOUND);
	CHECK_CODE(store_group_member_remove(acl, "team", "gina", &err),
	    FERRY_OK);
	CHECK_CODE(store_role_at(acl, &gina, item, &role, &pass, &err),
	    FERRY_OK);
	CHECK_INT(role, STORE_ROLE_NONE);
	/* a deleted folder takes its grants along */
	CHECK_CODE(store_delete(s, a, FERRY_REMOVE_RECURSIVE, &err),
	    FERRY_OK);
	CHECK_CODE(store_role_at(acl, &bob, p, &role, &pass, &err), FERRY_OK);
	CHECK(!pass);
	store_acl_free(acl);
	store_close(s);
	su_rmdir(dir);
}

static void
test_ops(void)
{
	struct ferry_error	 err, why;
	struct store_op		 op;
	struct store_acl	*acl;
	struct store		*s;
	char			*dir, id[STORE_ID_SIZE], id2[STORE_ID_SIZE];
	uint64_t		 n;

	s = su_open(&dir);
	acl = store_acl_new(s);
	CHECK_CODE(store_op_create(acl, "copy", "alice", store_root_id(s), 10,
	    id, &err), FERRY_OK);
	CHECK_CODE(store_op_get(acl, id, &op, &err), FERRY_OK);
	CHECK_STR(op.state, "queued");
	CHECK_INT(op.total, 10);
	CHECK_CODE(store_op_progress(acl, id, 4, 10, &err), FERRY_OK);
	CHECK_CODE(store_op_get(acl, id, &op, &err), FERRY_OK);
	CHECK_STR(op.state, "running");
	CHECK_INT(op.done, 4);
	CHECK_STR(op.result, "");
	CHECK_CODE(store_op_result(acl, id, "partial", &err), FERRY_OK);
	CHECK_CODE(store_op_get(acl, id, &op, &err), FERRY_OK);
	CHECK_STR(op.result, "partial");
	CHECK_CODE(store_op_finish(acl, id, store_root_id(s), NULL, &err),
	    FERRY_OK);
	CHECK_CODE(store_op_get(acl, id, &op, &err), FERRY_OK);
	CHECK_STR(op.state, "done");
	CHECK_INT(op.done, 10);
	CHECK_STR(op.result, store_root_id(s));
	CHECK_CODE(store_op_create(acl, "delete", "bob", NULL, 3, id2, &err),
	    FERRY_OK);
	CHECK_CODE(store_op_interrupt_all(acl, "restart", &n, &err), FERRY_OK);
	CHECK_INT(n, 1);
	CHECK_CODE(store_op_get(acl, id2, &op, &err), FERRY_OK);
	CHECK_STR(op.state, "failed");
	CHECK_INT(op.code, FERRY_E_CANCELLED);
	CHECK_STR(op.message, "restart");
	ferry_error_set(&why, FERRY_E_CONFLICT, "no");
	CHECK_CODE(store_op_finish(acl, id2, NULL, &why, &err), FERRY_OK);
	CHECK_CODE(store_op_get(acl, id2, &op, &err), FERRY_OK);
	CHECK_INT(op.code, FERRY_E_CONFLICT);
	CHECK_CODE(store_op_get(acl, "nope", &op, &err), FERRY_E_NOT_FOUND);
	store_acl_free(acl);
	store_close(s);
	su_rmdir(dir);
}

/* Push len bytes of buf in chunks of step; commit. */
static enum ferry_code
push(struct store *s, const char *folder, const char *name,
    const unsigned char *buf, size_t len, size_t step,
    const struct ferry_write_opts *o, struct ferry_entry *e,
    struct ferry_arena *a, struct ferry_error *err)
{
	struct store_push	*p;
	enum ferry_code		 result;
	size_t			 off, n;

	if ((result = store_push_begin(s, folder, name, o, &p, NULL, err)) !=
	    FERRY_OK)
		return result;
	for (off = 0; off < len; off += n) {
		n = len - off < step ? len - off : step;
		if ((result = store_push_write(p, buf + off, n, err)) !=
		    FERRY_OK) {
			store_push_abort(p);
			return result;
		}
	}
	return store_push_commit(p, e, a, err);
}

static void
test_push(void)
{
	struct ferry_write_opts	 o;
	struct ferry_arena	 a = FERRY_ARENA_INIT;
	struct ferry_entry	 e;
	struct ferry_error	 err;
	struct store_push	*p;
	struct store		*s;
	unsigned char		*big;
	char			*dir, tmp[4200], hex[65];
	const char		*root;
	bool			 replaces;
	size_t			 i, len = 300000;

	s = su_open(&dir);
	root = store_root_id(s);
	big = malloc(len);
	for (i = 0; i < len; i++)
		big[i] = (unsigned char)(i * 7 + i / 1000);
	CHECK_CODE(push(s, root, "small.txt", (const unsigned char *)"hello\n",
	    6, 2, NULL, &e, &a, &err), FERRY_OK);
	CHECK_INT(e.size, 6);
	CHECK_STR(e.checksum, "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af"
	    "34d08286a2e846f6be03");
	CHECK(e.mime != NULL && strncmp(e.mime, "text/plain", 10) == 0);
	CHECK_CODE(push(s, root, "big.bin", big, len, 4097, NULL, &e, &a,
	    &err), FERRY_OK);
	CHECK_INT(e.size, len);
	snprintf(tmp, sizeof tmp, "%s/tmp", su_sdir(dir));
	CHECK_INT(count_files(tmp), 0);
	/* the same content again needs no new blob */
	CHECK_CODE(push(s, root, "big2.bin", big, len, 65536, NULL, &e, &a,
	    &err), FERRY_OK);
	/* taken names, declared type, metadata, expected sum */
	CHECK_CODE(store_push_begin(s, root, "big.bin", NULL, &p, &replaces,
	    &err), FERRY_E_EXISTS);
	memset(&o, 0, sizeof o);
	o.exists = FERRY_EXISTS_OVERWRITE;
	o.mime = "application/x-test";
	o.metadata = "{\"a\": 1}";
	CHECK_CODE(store_push_begin(s, root, "big.bin", &o, &p, &replaces,
	    &err), FERRY_OK);
	CHECK(replaces);
	CHECK_CODE(store_push_write(p, "abc", 3, &err), FERRY_OK);
	CHECK_CODE(store_push_commit(p, &e, &a, &err), FERRY_OK);
	CHECK_STR(e.mime, "application/x-test");
	CHECK_STR(e.metadata, "{\"a\":1}");
	o.mime = "bad type";
	CHECK_CODE(store_push_begin(s, root, "x", &o, &p, NULL, &err),
	    FERRY_E_INVALID);
	o.mime = NULL;
	o.metadata = "[1]";
	CHECK_CODE(store_push_begin(s, root, "x", &o, &p, NULL, &err),
	    FERRY_E_INVALID);
	memset(&o, 0, sizeof o);
	memset(hex, 'a', 64);
	hex[64] = '\0';
	o.expect_sha256 = hex;
	CHECK_CODE(push(s, root, "sum", big, len, 100000, &o, &e, &a, &err),
	    FERRY_E_CORRUPT);
	CHECK_CODE(store_get_path(s, "/sum", &e, &a, &err), FERRY_E_NOT_FOUND);
	CHECK_INT(count_files(tmp), 0);
	/* an aborted push leaves nothing */
	CHECK_CODE(store_push_begin(s, root, "gone", NULL, &p, NULL, &err),
	    FERRY_OK);
	CHECK_CODE(store_push_write(p, big, len, &err), FERRY_OK);
	CHECK_INT(count_files(tmp), 1);
	store_push_abort(p);
	CHECK_INT(count_files(tmp), 0);
	CHECK_CODE(store_push_begin(s, root, "a/b", NULL, &p, NULL, &err),
	    FERRY_E_INVALID_NAME);
	CHECK_CODE(store_push_begin(s, "nope", "x", NULL, &p, NULL, &err),
	    FERRY_E_NOT_FOUND);
	free(big);
	ferry_arena_done(&a);
	store_close(s);
	su_rmdir(dir);
}

static enum ferry_code
part_count(const struct store_mp_part *p, void *ud)
{
	int	*n = ud;

	(void)p;
	(*n)++;
	return FERRY_OK;
}

static enum ferry_code
send_part(struct store *s, const char *id, uint32_t n, const char *text,
    struct ferry_error *err)
{
	struct store_part	*p;
	enum ferry_code		 result;

	if ((result = store_part_begin(s, id, n, &p, err)) != FERRY_OK)
		return result;
	if ((result = store_part_write(p, text, strlen(text), err)) !=
	    FERRY_OK) {
		store_part_abort(p);
		return result;
	}
	return store_part_commit(p, NULL, err);
}

static void
test_multipart(void)
{
	struct ferry_arena	 a = FERRY_ARENA_INIT;
	struct ferry_entry	 e;
	struct ferry_error	 err;
	struct store_mp		 mp;
	struct store_part	*part;
	struct store		*s;
	char			*dir, id[STORE_ID_SIZE], id2[STORE_ID_SIZE];
	char			 ups[4200];
	const char		*root;
	uint64_t		 removed;
	int			 n = 0;

	s = su_open(&dir);
	root = store_root_id(s);
	CHECK_CODE(store_mp_create(s, root, "m.txt", NULL, "alice", 9, id,
	    &err), FERRY_OK);
	CHECK_CODE(send_part(s, id, 3, "ghi", &err), FERRY_OK);
	CHECK_CODE(send_part(s, id, 1, "abc", &err), FERRY_OK);
	CHECK_CODE(store_mp_complete(s, id, &e, &a, &err), FERRY_E_CONFLICT);
	CHECK(strstr(err.msg, "part 2 is missing") != NULL);
	CHECK_CODE(send_part(s, id, 2, "XXX", &err), FERRY_OK);
	CHECK_CODE(send_part(s, id, 2, "def", &err), FERRY_OK);
	CHECK_CODE(store_mp_parts(s, id, part_count, &n, &err), FERRY_OK);
	CHECK_INT(n, 3);
	CHECK_CODE(store_part_begin(s, id, 0, &part, &err), FERRY_E_INVALID);
	CHECK_CODE(store_part_begin(s, id, STORE_PARTS_MAX + 1, &part, &err),
	    FERRY_E_INVALID);
	CHECK_CODE(store_mp_get(s, id, &mp, &err), FERRY_OK);
	CHECK_STR(mp.user, "alice");
	CHECK_INT(mp.size, 9);
	store_mp_done(&mp);
	CHECK_CODE(store_mp_complete(s, id, &e, &a, &err), FERRY_OK);
	CHECK_INT(e.size, 9);
	CHECK_STR(e.checksum, "19cc02f26df43cc571bc9ed7b0c4d29224a3ec229529"
	    "221725ef76d021c8326f");
	CHECK_CODE(store_mp_get(s, id, &mp, &err), FERRY_E_NOT_FOUND);
	CHECK_CODE(send_part(s, id, 1, "x", &err), FERRY_E_NOT_FOUND);
	/* a taken target, an abort, gc of idle uploads and stray dirs */
	CHECK_CODE(store_mp_create(s, root, "m.txt", NULL, "alice", -1, id2,
	    &err), FERRY_E_EXISTS);
	CHECK_CODE(store_mp_create(s, root, "n.txt", NULL, "alice", -1, id2,
	    &err), FERRY_OK);
	CHECK_CODE(send_part(s, id2, 1, "abc", &err), FERRY_OK);
	CHECK_CODE(store_mp_abort(s, id2, &err), FERRY_OK);
	CHECK_CODE(store_mp_abort(s, id2, &err), FERRY_E_NOT_FOUND);
	snprintf(ups, sizeof ups, "%s/uploads", su_sdir(dir));
	CHECK_INT(count_files(ups), 0);
	CHECK_CODE(store_mp_create(s, root, "o.txt", NULL, "alice", -1, id2,
	    &err), FERRY_OK);
	snprintf(ups, sizeof ups, "%s/uploads/stray", su_sdir(dir));
	mkdir(ups, 0700);
	CHECK_CODE(store_upload_gc(s, 0, &removed, &err), FERRY_OK);
	CHECK_INT(removed, 0);
	CHECK(access(ups, F_OK) == -1);
	usleep(20000);
	CHECK_CODE(store_upload_gc(s, 10, &removed, &err), FERRY_OK);
	CHECK_INT(removed, 1);
	CHECK_CODE(store_mp_get(s, id2, &mp, &err), FERRY_E_NOT_FOUND);
	ferry_arena_done(&a);
	store_close(s);
	su_rmdir(dir);
}

/* A version-1 store (no access tables) is upgraded when opened. */
static void
test_upgrade(void)
{
	struct ferry_error	 err;
	struct store_acl	*acl;
	struct store		*s;
	struct store_user	 u;
	sqlite3			*db;
	char			*dir, path[4200], tok[STORE_TOKEN_SIZE];
	char			 id[STORE_TOKEN_ID_SIZE], folder[STORE_ID_SIZE];
	bool			 made;

	s = su_open(&dir);
	CHECK_CODE(su_mkdir(s, store_root_id(s), "kept", folder), FERRY_OK);
	store_close(s);
	snprintf(path, sizeof path, "%s/ferry.db", su_sdir(dir));
	CHECK(sqlite3_open(path, &db) == SQLITE_OK);
	CHECK(sqlite3_exec(db, "DROP TABLE tokens; DROP TABLE members;"
	    " DROP TABLE grants; DROP TABLE users; DROP TABLE groups;"
	    " DROP TABLE upload_parts; DROP TABLE uploads;"
	    " DROP TABLE operations; PRAGMA user_version = 1", NULL, NULL,
	    NULL) == SQLITE_OK);
	sqlite3_close(db);
	CHECK_CODE(store_open(su_sdir(dir), &s, &err), FERRY_OK);
	acl = store_acl_new(s);
	CHECK_CODE(store_token_add(acl, "alice", false, tok, id, &made, &err),
	    FERRY_OK);
	CHECK_CODE(store_token_auth(acl, tok, &u, &err), FERRY_OK);
	CHECK_CODE(store_resolve(s, "/kept", folder, NULL, &err), FERRY_OK);
	store_acl_free(acl);
	store_close(s);
	su_rmdir(dir);
}

static const struct check_test tests[] = {
	CHECK_TEST(test_tokens),
	CHECK_TEST(test_names),
	CHECK_TEST(test_roles),
	CHECK_TEST(test_ops),
	CHECK_TEST(test_push),
	CHECK_TEST(test_multipart),
	CHECK_TEST(test_upgrade),
	{ NULL, NULL },
};

int
main(int argc, char **argv)
{
	return check_main(tests, argc, argv);
}
