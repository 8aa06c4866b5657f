/* SPDX-License-Identifier: MIT */
/*
 * Access data of the store (see store-acl.h for the model): users,
 * tokens, groups, grants, role resolution, and the records of long
 * operations.  All SQL is here, as statements with bound parameters,
 * prepared once per struct store_acl.
 *
 * Role resolution walks up from the folder with a recursive CTE
 * (bounded depth) and joins the grants of the user and of the user's
 * groups, so a check costs one indexed lookup per level.  The folders a
 * user may pass through are found the other way: from the user's grants
 * (few) up to the root.
 *
 * Threads: the handle's thread (see store.h).
 */
#include <sys/random.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "core/util.h"
#include "store/store-acl.h"
#include "store/store-int.h"

#define ACL_TOKEN_BYTES		32
#define ACL_TOUCH_MS		60000	/* last_used is updated this rarely */
#define ACL_DEPTH_MAX		"4096"

static const char *const acl_schema =
	"CREATE TABLE IF NOT EXISTS users ("
	" name TEXT PRIMARY KEY,"
	" admin INTEGER NOT NULL DEFAULT 0,"
	" created INTEGER NOT NULL);"
	"CREATE TABLE IF NOT EXISTS tokens ("
	" id TEXT PRIMARY KEY,"
	" hash TEXT NOT NULL UNIQUE,"		/* sha256 hex of the text */
	" user TEXT NOT NULL REFERENCES users(name) ON DELETE CASCADE,"
	" created INTEGER NOT NULL,"
	" last_used INTEGER NOT NULL DEFAULT 0);"
	"CREATE TABLE IF NOT EXISTS groups ("
	" name TEXT PRIMARY KEY,"
	" created INTEGER NOT NULL);"
	"CREATE TABLE IF NOT EXISTS members ("
	" grp TEXT NOT NULL REFERENCES groups(name) ON DELETE CASCADE,"
	" user TEXT NOT NULL REFERENCES users(name) ON DELETE CASCADE,"
	" PRIMARY KEY (grp, user)) WITHOUT ROWID;"
	"CREATE INDEX IF NOT EXISTS members_by_user ON members (user, grp);"
	/* kind 1 user, 2 group; role 1 viewer, 2 editor, 3 owner */
	"CREATE TABLE IF NOT EXISTS grants ("
	" nid INTEGER NOT NULL REFERENCES nodes(nid) ON DELETE CASCADE,"
	" kind INTEGER NOT NULL CHECK (kind IN (1, 2)),"
	" name TEXT NOT NULL,"
	" role INTEGER NOT NULL CHECK (role BETWEEN 1 AND 3),"
	" created INTEGER NOT NULL,"
	" PRIMARY KEY (nid, kind, name)) WITHOUT ROWID;"
	"CREATE INDEX IF NOT EXISTS grants_by_name ON grants (kind, name, nid);"
	/* multipart uploads (store-upload.c) */
	"CREATE TABLE IF NOT EXISTS uploads ("
	" id TEXT PRIMARY KEY,"
	" folder TEXT NOT NULL,"
	" name TEXT NOT NULL,"
	" user TEXT NOT NULL,"
	" size INTEGER NOT NULL DEFAULT -1,"	/* declared; -1 unknown */
	" sha256 TEXT,"
	" mime TEXT,"
	" metadata TEXT,"
	" overwrite INTEGER NOT NULL DEFAULT 0,"
	" created INTEGER NOT NULL,"
	" updated INTEGER NOT NULL);"
	"CREATE TABLE IF NOT EXISTS upload_parts ("
	" upload TEXT NOT NULL REFERENCES uploads(id) ON DELETE CASCADE,"
	" n INTEGER NOT NULL,"
	" size INTEGER NOT NULL,"
	" sha256 TEXT NOT NULL,"
	" created INTEGER NOT NULL,"
	" PRIMARY KEY (upload, n)) WITHOUT ROWID;"
	"CREATE TABLE IF NOT EXISTS operations ("
	" id TEXT PRIMARY KEY,"
	" kind TEXT NOT NULL,"
	" state TEXT NOT NULL,"
	" user TEXT NOT NULL,"
	" target TEXT,"
	" result TEXT,"
	" done INTEGER NOT NULL DEFAULT 0,"
	" total INTEGER NOT NULL DEFAULT 0,"
	" code INTEGER NOT NULL DEFAULT 0,"
	" message TEXT,"
	" created INTEGER NOT NULL,"
	" updated INTEGER NOT NULL);";

enum acl_stmt {
	ACL_USER_GET,
	ACL_USER_ADD,
	ACL_ADMIN_COUNT,
	ACL_USER_SET_ADMIN,
	ACL_TOKEN_ADD,
	ACL_TOKEN_LIST,
	ACL_TOKEN_REVOKE,
	ACL_TOKEN_AUTH,
	ACL_TOKEN_TOUCH,
	ACL_GROUP_ADD,
	ACL_GROUP_GET,
	ACL_MEMBER_ADD,
	ACL_MEMBER_REMOVE,
	ACL_GROUP_LIST,
	ACL_USER_GROUPS,
	ACL_GRANT_SET,
	ACL_GRANT_REMOVE,
	ACL_GRANT_LIST,
	ACL_ROLE,
	ACL_PASS,
	ACL_VISIBLE,
	ACL_OP_ADD,
	ACL_OP_PROGRESS,
	ACL_OP_RESULT,
	ACL_OP_FINISH,
	ACL_OP_GET,
	ACL_OP_INTERRUPT,
	ACL__COUNT
};

/* The folders from nid ?1 up to the root. */
#define ACL_UP \
	"WITH RECURSIVE up(nid, parent, depth) AS (" \
	" SELECT nid, parent, 0 FROM nodes WHERE nid = ?1" \
	" UNION ALL SELECT n.nid, n.parent, up.depth + 1 FROM nodes n" \
	" JOIN up ON n.nid = up.parent WHERE up.depth < " ACL_DEPTH_MAX ")"
/* Grants g that name user ?2 or one of the user's groups. */
#define ACL_MINE \
	"((g.kind = 1 AND g.name = ?2) OR (g.kind = 2 AND g.name IN" \
	" (SELECT grp FROM members WHERE user = ?2)))"
/* The user's granted folders and every folder above them. */
#define ACL_REACH \
	"WITH RECURSIVE reach(nid, parent) AS (" \
	" SELECT n.nid, n.parent FROM grants g JOIN nodes n ON n.nid = g.nid" \
	" WHERE " ACL_MINE \
	" UNION SELECT n.nid, n.parent FROM nodes n" \
	" JOIN reach ON n.nid = reach.parent)"

static const char *const acl_sql[ACL__COUNT] = {
	[ACL_USER_GET] = "SELECT name, admin FROM users WHERE name = ?1",
	[ACL_USER_ADD] = "INSERT INTO users (name, admin, created)"
	    " VALUES (?1, ?2, ?3) ON CONFLICT (name) DO UPDATE"
	    " SET admin = max(admin, excluded.admin)",
	[ACL_ADMIN_COUNT] = "SELECT count(*) FROM users WHERE admin = 1",
	[ACL_USER_SET_ADMIN] = "UPDATE users SET admin = ?2 WHERE name = ?1",
	[ACL_TOKEN_ADD] = "INSERT INTO tokens (id, hash, user, created)"
	    " VALUES (?1, ?2, ?3, ?4)",
	[ACL_TOKEN_LIST] = "SELECT t.id, t.user, u.admin, t.created,"
	    " t.last_used FROM tokens t JOIN users u ON u.name = t.user"
	    " ORDER BY t.created, t.id",
	[ACL_TOKEN_REVOKE] = "DELETE FROM tokens WHERE id = ?1",
	[ACL_TOKEN_AUTH] = "SELECT t.id, t.user, u.admin, t.last_used"
	    " FROM tokens t JOIN users u ON u.name = t.user WHERE t.hash = ?1",
	[ACL_TOKEN_TOUCH] = "UPDATE tokens SET last_used = ?2 WHERE id = ?1",
	[ACL_GROUP_ADD] = "INSERT INTO groups (name, created) VALUES (?1, ?2)",
	[ACL_GROUP_GET] = "SELECT 1 FROM groups WHERE name = ?1",
	[ACL_MEMBER_ADD] = "INSERT OR IGNORE INTO members (grp, user)"
	    " VALUES (?1, ?2)",
	[ACL_MEMBER_REMOVE] = "DELETE FROM members WHERE grp = ?1"
	    " AND user = ?2",
	[ACL_GROUP_LIST] = "SELECT name FROM groups ORDER BY name",
	[ACL_USER_GROUPS] = "SELECT grp FROM members WHERE user = ?1"
	    " ORDER BY grp",
	[ACL_GRANT_SET] = "INSERT INTO grants (nid, kind, name, role, created)"
	    " VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (nid, kind, name)"
	    " DO UPDATE SET role = excluded.role",
	[ACL_GRANT_REMOVE] = "DELETE FROM grants WHERE nid = ?1 AND kind = ?2"
	    " AND name = ?3",
	[ACL_GRANT_LIST] = ACL_UP " SELECT n.id, g.kind, g.name, g.role,"
	    " g.created, up.depth FROM up JOIN grants g ON g.nid = up.nid"
	    " JOIN nodes n ON n.nid = up.nid"
	    " ORDER BY up.depth DESC, g.kind, g.name",
	[ACL_ROLE] = ACL_UP " SELECT coalesce(max(g.role), 0) FROM up"
	    " JOIN grants g ON g.nid = up.nid WHERE " ACL_MINE,
	[ACL_PASS] = ACL_REACH " SELECT 1 FROM reach WHERE nid = ?1 LIMIT 1",
	[ACL_VISIBLE] = ACL_REACH " SELECT " STORE_COLS " FROM nodes n"
	    " WHERE n.nid IN (SELECT nid FROM reach WHERE parent = ?1)",
	[ACL_OP_ADD] = "INSERT INTO operations (id, kind, state, user, target,"
	    " total, created, updated) VALUES (?1, ?2, 'queued', ?3, ?4, ?5,"
	    " ?6, ?6)",
	[ACL_OP_PROGRESS] = "UPDATE operations SET state = 'running',"
	    " done = ?2, total = ?3, updated = ?4 WHERE id = ?1",
	[ACL_OP_RESULT] = "UPDATE operations SET result = ?2, updated = ?3"
	    " WHERE id = ?1",
	[ACL_OP_FINISH] = "UPDATE operations SET state = ?2, result = ?3,"
	    " code = ?4, message = ?5, updated = ?6,"
	    " done = CASE WHEN ?2 = 'done' THEN total ELSE done END"
	    " WHERE id = ?1",
	[ACL_OP_GET] = "SELECT id, kind, state, user, target, result, done,"
	    " total, code, message, created, updated FROM operations"
	    " WHERE id = ?1",
	[ACL_OP_INTERRUPT] = "UPDATE operations SET state = 'failed',"
	    " code = ?1, message = ?2, updated = ?3"
	    " WHERE state IN ('queued', 'running')",
};

struct store_acl {
	struct store	*s;
	sqlite3_stmt	*st[ACL__COUNT];
};

static const char *const acl_roles[] = { "none", "viewer", "editor",
	"owner" };

const char *
store_role_name(enum store_role r)
{
	if ((unsigned)r >= FERRY_NELEM(acl_roles))
		return "none";
	return acl_roles[r];
}

int
store_role_from_name(const char *name)
{
	int	 i;

	for (i = STORE_ROLE_VIEWER; i <= STORE_ROLE_OWNER; i++)
		if (name != NULL && strcmp(name, acl_roles[i]) == 0)
			return i;
	return -1;
}

const char *
store_principal_name(enum store_principal k)
{
	return k == STORE_PRINCIPAL_GROUP ? "group" : "user";
}

int
store_principal_from_name(const char *name)
{
	if (name == NULL)
		return -1;
	if (strcmp(name, "user") == 0)
		return STORE_PRINCIPAL_USER;
	if (strcmp(name, "group") == 0)
		return STORE_PRINCIPAL_GROUP;
	return -1;
}

enum ferry_code
store_principal_check(const char *what, const char *name,
    struct ferry_error *err)
{
	static const char	 ok[] = "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._@+-";
	size_t			 len, i;

	if (name == NULL || *name == '\0')
		return ferry_error_set(err, FERRY_E_INVALID_NAME,
		    "%s name is empty", what);
	len = strlen(name);
	if (len > STORE_PRINCIPAL_MAX)
		return ferry_error_set(err, FERRY_E_INVALID_NAME,
		    "%s name is %zu bytes long; the limit is %d", what, len,
		    STORE_PRINCIPAL_MAX);
	if (name[0] == '-')
		return ferry_error_set(err, FERRY_E_INVALID_NAME,
		    "%s name \"%s\" starts with '-'", what, name);
	for (i = 0; i < len; i++)
		if (strchr(ok, name[i]) == NULL)
			return ferry_error_set(err, FERRY_E_INVALID_NAME,
			    "%s name has a character other than letters,"
			    " digits and ._@+- at byte %zu", what, i);
	return FERRY_OK;
}

enum ferry_code
store_acl_schema(struct store *s, struct ferry_error *err)
{
	int	 rc;

	rc = sqlite3_exec(s->db, acl_schema, NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		return store_sql_error(s, rc, err,
		    "store %s: creating the access tables", s->dir);
	return FERRY_OK;
}

struct store_acl *
store_acl_new(struct store *s)
{
	struct store_acl	*acl;

	acl = xcalloc(1, sizeof *acl);
	acl->s = s;
	return acl;
}

void
store_acl_free(struct store_acl *acl)
{
	size_t	 i;

	if (acl == NULL)
		return;
	for (i = 0; i < ACL__COUNT; i++)
		sqlite3_finalize(acl->st[i]);
	free(acl);
}

struct store *
store_acl_store(struct store_acl *acl)
{
	return acl->s;
}

/* The statement, reset and unbound, or NULL with *err set. */
static sqlite3_stmt *
acl_stmt(struct store_acl *acl, enum acl_stmt which, struct ferry_error *err)
{
	sqlite3_stmt	*st = acl->st[which];
	int		 rc = SQLITE_DONE;

	if (st != NULL) {
		sqlite3_reset(st);
		sqlite3_clear_bindings(st);
		return st;
	}
	rc = sqlite3_prepare_v3(acl->s->db, acl_sql[which], -1,
	    SQLITE_PREPARE_PERSISTENT, &st, NULL);
	if (rc != SQLITE_OK) {
		store_sql_error(acl->s, rc, err,
		    "store %s: preparing an access query", acl->s->dir);
		return NULL;
	}
	acl->st[which] = st;
	return st;
}

/* Step a statement that returns no row; the message says what failed. */
static enum ferry_code
acl_exec(struct store_acl *acl, sqlite3_stmt *st, const char *what,
    struct ferry_error *err)
{
	int	 rc;

	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return store_sql_error(acl->s, rc, err, "store %s: %s",
		    acl->s->dir, what);
	return FERRY_OK;
}

static void
acl_text(sqlite3_stmt *st, int col, const char *text)
{
	if (text == NULL)
		sqlite3_bind_null(st, col);
	else
		sqlite3_bind_text(st, col, text, -1, SQLITE_STATIC);
}

static void
acl_copy_col(sqlite3_stmt *st, int col, char *out, size_t size)
{
	const unsigned char	*t = sqlite3_column_text(st, col);

	snprintf(out, size, "%s", t != NULL ? (const char *)t : "");
}

/* -------- users and tokens -------- */

static void
acl_sha256_hex(const void *buf, size_t len, char out[STORE_SHA_HEX + 1])
{
	unsigned char	 md[EVP_MAX_MD_SIZE];
	unsigned int	 mdlen = 0, i;

	EVP_Digest(buf, len, md, &mdlen, EVP_sha256(), NULL);
	for (i = 0; i < mdlen && i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
	out[STORE_SHA_HEX] = '\0';
}

static int
acl_random(void *buf, size_t len)
{
	unsigned char	*p = buf;
	ssize_t		 n;

	while (len > 0) {
		n = getrandom(p, len, 0);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* 32 random bytes as base64url without padding (43 characters). */
static int
acl_token_text(char out[STORE_TOKEN_SIZE])
{
	unsigned char	 raw[ACL_TOKEN_BYTES], b64[64];
	int		 n, i;

	if (acl_random(raw, sizeof raw) == -1)
		return -1;
	n = EVP_EncodeBlock(b64, raw, sizeof raw);
	for (i = 0; i < n && i < STORE_TOKEN_SIZE - 1; i++) {
		if (b64[i] == '+')
			b64[i] = '-';
		else if (b64[i] == '/')
			b64[i] = '_';
		else if (b64[i] == '=')
			break;
		out[i] = (char)b64[i];
	}
	out[i] = '\0';
	OPENSSL_cleanse(raw, sizeof raw);
	return i == STORE_TOKEN_SIZE - 1 ? 0 : -1;
}

static enum ferry_code
acl_user_add(struct store_acl *acl, const char *name, bool admin,
    struct ferry_error *err)
{
	sqlite3_stmt	*st;

	if ((st = acl_stmt(acl, ACL_USER_ADD, err)) == NULL)
		return STORE_ERR(err);
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, admin);
	sqlite3_bind_int64(st, 3, ferry_now_ms());
	return acl_exec(acl, st, "adding a user", err);
}

static enum ferry_code
acl_admin_count(struct store_acl *acl, int64_t *n, struct ferry_error *err)
{
	sqlite3_stmt	*st;
	int		 rc = SQLITE_DONE;

	*n = 0;
	if ((st = acl_stmt(acl, ACL_ADMIN_COUNT, err)) == NULL)
		return STORE_ERR(err);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		*n = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (rc != SQLITE_ROW)
		return store_sql_error(acl->s, rc, err,
		    "store %s: counting admins", acl->s->dir);
	return FERRY_OK;
}

static enum ferry_code
acl_token_add_txn(struct store_acl *acl, const char *user, bool admin,
    const char *id, const char *hash, bool *made_admin,
    struct ferry_error *err)
{
	enum ferry_code	 result;
	sqlite3_stmt	*st;
	int64_t		 admins;

	if ((result = acl_admin_count(acl, &admins, err)) != FERRY_OK)
		return result;
	*made_admin = admins == 0;
	if ((result = acl_user_add(acl, user, admin || admins == 0, err)) !=
	    FERRY_OK)
		return result;
	if ((st = acl_stmt(acl, ACL_TOKEN_ADD, err)) == NULL)
		return STORE_ERR(err);
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, hash, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, user, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, ferry_now_ms());
	return acl_exec(acl, st, "adding a token", err);
}

enum ferry_code
store_token_add(struct store_acl *acl, const char *user, bool admin,
    char token[STORE_TOKEN_SIZE], char id[STORE_TOKEN_ID_SIZE],
    bool *made_admin, struct ferry_error *err)
{
	enum ferry_code	 result;
	unsigned char	 raw[8];
	char		 hash[STORE_SHA_HEX + 1];
	size_t		 i;

	token[0] = '\0';
	id[0] = '\0';
	*made_admin = false;
	if ((result = store_principal_check("user", user, err)) != FERRY_OK)
		return result;
	if (acl_token_text(token) == -1 || acl_random(raw, sizeof raw) == -1)
		return ferry_error_errno(err, errno,
		    "making a token: no random bytes");
	for (i = 0; i < sizeof raw; i++)
		snprintf(id + 2 * i, 3, "%02x", raw[i]);
	acl_sha256_hex(token, strlen(token), hash);
	if ((result = store_txn_begin(acl->s, err)) != FERRY_OK)
		goto fail;
	result = acl_token_add_txn(acl, user, admin, id, hash, made_admin,
	    err);
	if (result != FERRY_OK) {
		store_txn_rollback(acl->s);
		goto fail;
	}
	if ((result = store_txn_commit(acl->s, err)) != FERRY_OK)
		goto fail;
	return FERRY_OK;
fail:
	OPENSSL_cleanse(token, STORE_TOKEN_SIZE);
	token[0] = '\0';
	id[0] = '\0';
	return result;
}

enum ferry_code
store_token_list(struct store_acl *acl, store_token_cb cb, void *ud,
    struct ferry_error *err)
{
	enum ferry_code		 result = FERRY_OK;
	struct store_token_info	 t;
	sqlite3_stmt		*st;
	int			 rc = SQLITE_DONE;

	if ((st = acl_stmt(acl, ACL_TOKEN_LIST, err)) == NULL)
		return STORE_ERR(err);
	while (result == FERRY_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		t.id = (const char *)sqlite3_column_text(st, 0);
		t.user = (const char *)sqlite3_column_text(st, 1);
		t.admin = sqlite3_column_int(st, 2) != 0;
		t.created = sqlite3_column_int64(st, 3);
		t.last_used = sqlite3_column_int64(st, 4);
		result = cb(&t, ud);
	}
	sqlite3_reset(st);
	if (result == FERRY_OK && rc != SQLITE_DONE)
		return store_sql_error(acl->s, rc, err,
		    "store %s: listing tokens", acl->s->dir);
	return result;
}

enum ferry_code
store_token_revoke(struct store_acl *acl, const char *id,
    struct ferry_error *err)
{
	enum ferry_code	 result;
	sqlite3_stmt	*st;

	if ((st = acl_stmt(acl, ACL_TOKEN_REVOKE, err)) == NULL)
		return STORE_ERR(err);
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	if ((result = acl_exec(acl, st, "revoking a token", err)) != FERRY_OK)
		return result;
	if (sqlite3_changes(acl->s->db) == 0)
		return ferry_error_set(err, FERRY_E_NOT_FOUND,
		    "no token with id \"%.40s\" (see `ferryd token list`)",
		    id);
	return FERRY_OK;
}

static bool
acl_token_shape(const char *token)
{
	size_t	 i;

	for (i = 0; token[i] != '\0'; i++) {
		if (i >= STORE_TOKEN_SIZE - 1)
			return false;
		if (!((token[i] >= 'a' && token[i] <= 'z') ||
		    (token[i] >= 'A' && token[i] <= 'Z') ||
		    (token[i] >= '0' && token[i] <= '9') ||
		    token[i] == '-' || token[i] == '_'))
			return false;
	}
	return i == STORE_TOKEN_SIZE - 1;
}

enum ferry_code
store_token_auth(struct store_acl *acl, const char *token,
    struct store_user *out, struct ferry_error *err)
{
	sqlite3_stmt	*st;
	char		 hash[STORE_SHA_HEX + 1], id[STORE_TOKEN_ID_SIZE];
	int64_t		 last = 0, now;
	int		 rc = SQLITE_DONE;

	memset(out, 0, sizeof *out);
	if (token == NULL || !acl_token_shape(token))
		return ferry_error_set(err, FERRY_E_AUTH,
		    "malformed bearer token (expected 43 base64url"
		    " characters)");
	acl_sha256_hex(token, strlen(token), hash);
	if ((st = acl_stmt(acl, ACL_TOKEN_AUTH, err)) == NULL)
		return STORE_ERR(err);
	sqlite3_bind_text(st, 1, hash, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		acl_copy_col(st, 0, id, sizeof id);
		acl_copy_col(st, 1, out->name, sizeof out->name);
		out->admin = sqlite3_column_int(st, 2) != 0;
		last = sqlite3_column_int64(st, 3);
	}
	sqlite3_reset(st);
	if (rc == SQLITE_DONE)
		return ferry_error_set(err, FERRY_E_AUTH,
		    "unknown or revoked bearer token");
	if (rc != SQLITE_ROW)
		return store_sql_error(acl->s, rc, err,
		    "store %s: checking a token", acl->s->dir);
	now = ferry_now_ms();
	if (now - last >= ACL_TOUCH_MS &&
	    (st = acl_stmt(acl, ACL_TOKEN_TOUCH, NULL)) != NULL) {
		/* best effort: a busy store must not fail the request */
		sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, now);
		sqlite3_step(st);
		sqlite3_reset(st);
	}
	return FERRY_OK;
}

enum ferry_code
store_user_get(struct store_acl *acl, const char *name,
    struct store_user *out, struct ferry_error *err)
{
	sqlite3_stmt	*st;
	int		 rc = SQLITE_DONE;

	memset(out, 0, sizeof *out);
	if ((st = acl_stmt(acl, ACL_USER_GET, err)) == NULL)
		return STORE_ERR(err);
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		acl_copy_col(st, 0, out->name, sizeof out->name);
		out->admin = sqlite3_column_int(st, 1) != 0;
	}
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return FERRY_OK;
	if (rc == SQLITE_DONE)
		return ferry_error_set(err, FERRY_E_NOT_FOUND,
		    "no user \"%.64s\"", name);
	return store_sql_error(acl->s, rc, err, "store %s: reading user",
	    acl->s->dir);
}

enum ferry_code
store_user_set_admin(struct store_acl *acl, const char *name, bool admin,
    struct ferry_error *err)
{
	enum ferry_code	 result;
	sqlite3_stmt	*st;

	if ((st = acl_stmt(acl, ACL_USER_SET_ADMIN, err)) == NULL)
		return STORE_ERR(err);
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, admin);
	if ((result = acl_exec(acl, st, "changing a user", err)) != FERRY_OK)
		return result;
	if (sqlite3_changes(acl->s->db) == 0)
		return ferry_error_set(err, FERRY_E_NOT_FOUND,
		    "no user \"%.64s\"", name);
	return FERRY_OK;
}

/* -------- groups -------- */

static enum ferry_code
acl_group_exists(struct store_acl *acl, const char *name,
    struct ferry_error *err)
{
	sqlite3_stmt	*st;
	int		 rc = SQLITE_DONE;

	if ((st = acl_stmt(acl, ACL_GROUP_GET, err)) == NULL)
		return STORE_ERR(err);
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return FERRY_OK;
	if (rc == SQLITE_DONE)
		return ferry_error_set(err, FERRY_E_NOT_FOUND,
		    "no group \"%.64s\"", name);
	return store_sql_error(acl->s, rc, err, "store %s: reading group",
	    acl->s->dir);
}

enum ferry_code
store_group_add(struct store_acl *acl, const char *name,
    struct ferry_error *err)
{
	enum ferry_code	 result;
	sqlite3_stmt	*st;

	if ((result = store_principal_check("group", name, err)) != FERRY_OK)
		return result;
	if ((st = acl_stmt(acl, ACL_GROUP_ADD, err)) == NULL)
		return STORE_ERR(err);
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, ferry_now_ms());
	result = acl_exec(acl, st, "adding a group", err);
	if (result == FERRY_E_EXISTS)
		return ferry_error_set(err, FERRY_E_EXISTS,
		    "group \"%s\" already exists", name);
	return result;
}

static enum ferry_code
acl_member_add_txn(struct store_acl *acl, const char *group,
    const char *user, struct ferry_error *err)
{
	enum ferry_code	 result;
	sqlite3_stmt	*st;

	if ((result = acl_group_exists(acl, group, err)) != FERRY_OK)
		return result;
	if ((result = acl_user_add(acl, user, false, err)) != FERRY_OK)
		return result;
	if ((st = acl_stmt(acl, ACL_MEMBER_ADD, err)) == NULL)
		return STORE_ERR(err);
	sqlite3_bind_text(st, 1, group, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, user, -1, SQLITE_STATIC);
	return acl_exec(acl, st, "adding a member", err);
}

enum ferry_code
store_group_member_add(struct store_acl *acl, const char *group,
    const char *user, struct ferry_error *err)
{
	enum ferry_code	 result;

	if ((result = store_principal_check("user", user, err)) != FERRY_OK)
		return result;
	if ((result = store_txn_begin(acl->s, err)) != FERRY_OK)
		return result;
	if ((result = acl_member_add_txn(acl, group, user, err)) != FERRY_OK) {
		store_txn_rollback(acl->s);
		return result;
	}
	return store_txn_commit(acl->s, err);
}

enum ferry_code
store_group_member_remove(struct store_acl *acl, const char *group,
    const char *user, struct ferry_error *err)
{
	enum ferry_code	 result;
	sqlite3_stmt	*st;

	if ((st = acl_stmt(acl, ACL_MEMBER_REMOVE, err)) == NULL)
		return STORE_ERR(err);
	sqlite3_bind_text(st, 1, group, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, user, -1, SQLITE_STATIC);
	if ((result = acl_exec(acl, st, "removing a member", err)) != FERRY_OK)
		return result;
	if (sqlite3_changes(acl->s->db) == 0)
		return ferry_error_set(err, FERRY_E_NOT_FOUND,
		    "user \"%.64s\" is not in group \"%.64s\"", user, group);
	return FERRY_OK;
}

static enum ferry_code
acl_names(struct store_acl *acl, enum acl_stmt which, const char *arg,
    store_name_cb cb, void *ud, struct ferry_error *err)
{
	enum ferry_code	 result = FERRY_OK;
	sqlite3_stmt	*st;
	int		 rc = SQLITE_DONE;

	if ((st = acl_stmt(acl, which, err)) == NULL)
		return STORE_ERR(err);
	if (arg != NULL)
		sqlite3_bind_text(st, 1, arg, -1, SQLITE_STATIC);
	while (result == FERRY_OK && (rc = sqlite3_step(st)) == SQLITE_ROW)
		result = cb((const char *)sqlite3_column_text(st, 0), ud);
	sqlite3_reset(st);
	if (result == FERRY_OK && rc != SQLITE_DONE)
		return store_sql_error(acl->s, rc, err,
		    "store %s: listing groups", acl->s->dir);
	return result;
}

enum ferry_code
store_group_list(struct store_acl *acl, store_name_cb cb, void *ud,
    struct ferry_error *err)
{
	return acl_names(acl, ACL_GROUP_LIST, NULL, cb, ud, err);
}

enum ferry_code
store_user_groups(struct store_acl *acl, const char *user, store_name_cb cb,
    void *ud, struct ferry_error *err)
{
	return acl_names(acl, ACL_USER_GROUPS, user, cb, ud, err);
}

/* -------- grants and roles -------- */

/* The folder with this id (NOT_FOUND, NOT_FOLDER naming it). */
static enum ferry_code
acl_folder(struct store_acl *acl, const char *id, struct store_node *n,
    struct ferry_error *err)
{
	enum ferry_code	 result;
	char		*path;

	if ((result = store_lookup(acl->s, id, n, err)) != FERRY_OK)
		return result;
	if (n->kind == FERRY_KIND_FOLDER)
		return FERRY_OK;
	path = store_nid_path(acl->s, n->nid);
	result = ferry_error_set(err, FERRY_E_NOT_FOLDER,
	    "\"%s\" is an item; roles are granted on folders", path);
	free(path);
	return result;
}

static enum ferry_code
acl_grant_set_txn(struct store_acl *acl, const char *folder_id,
    enum store_principal kind, const char *name, enum store_role role,
    struct ferry_error *err)
{
	enum ferry_code		 result;
	struct store_node	 n;
	struct store_user	 u;
	sqlite3_stmt		*st;

	if ((result = acl_folder(acl, folder_id, &n, err)) != FERRY_OK)
		return result;
	if (kind == STORE_PRINCIPAL_USER)
		result = store_user_get(acl, name, &u, err);
	else
		result = acl_group_exists(acl, name, err);
	if (result != FERRY_OK)
		return result;
	if ((st = acl_stmt(acl, ACL_GRANT_SET, err)) == NULL)
		return STORE_ERR(err);
	sqlite3_bind_int64(st, 1, n.nid);
	sqlite3_bind_int(st, 2, kind);
	sqlite3_bind_text(st, 3, name, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 4, role);
	sqlite3_bind_int64(st, 5, ferry_now_ms());
	return acl_exec(acl, st, "granting a role", err);
}

enum ferry_code
store_grant_set(struct store_acl *acl, const char *folder_id,
    enum store_principal kind, const char *name, enum store_role role,
    struct ferry_error *err)
{
	enum ferry_code	 result;

	if (role < STORE_ROLE_VIEWER || role > STORE_ROLE_OWNER)
		return ferry_error_set(err, FERRY_E_INVALID,
		    "role %d is not viewer, editor or owner", (int)role);
	if ((result = store_principal_check(store_principal_name(kind), name,
	    err)) != FERRY_OK)
		return result;
	if ((result = store_txn_begin(acl->s, err)) != FERRY_OK)
		return result;
	result = acl_grant_set_txn(acl, folder_id, kind, name, role, err);
	if (result != FERRY_OK) {
		store_txn_rollback(acl->s);
		return result;
	}
	return store_txn_commit(acl->s, err);
}

enum ferry_code
store_grant_remove(struct store_acl *acl, const char *folder_id,
    enum store_principal kind, const char *name, struct ferry_error *err)
{
	enum ferry_code		 result;
	struct store_node	 n;
	sqlite3_stmt		*st;

	if ((result = acl_folder(acl, folder_id, &n, err)) != FERRY_OK)
		return result;
	if ((st = acl_stmt(acl, ACL_GRANT_REMOVE, err)) == NULL)
		return STORE_ERR(err);
	sqlite3_bind_int64(st, 1, n.nid);
	sqlite3_bind_int(st, 2, kind);
	sqlite3_bind_text(st, 3, name, -1, SQLITE_STATIC);
	if ((result = acl_exec(acl, st, "removing a grant", err)) != FERRY_OK)
		return result;
	if (sqlite3_changes(acl->s->db) == 0)
		return ferry_error_set(err, FERRY_E_NOT_FOUND,
		    "%s \"%.64s\" has no role granted on folder %.40s (an"
		    " inherited role is removed where it was granted)",
		    store_principal_name(kind), name, folder_id);
	return FERRY_OK;
}

enum ferry_code
store_grant_list(struct store_acl *acl, const char *folder_id,
    store_grant_cb cb, void *ud, struct ferry_error *err)
{
	enum ferry_code		 result;
	struct store_node	 n;
	struct store_grant	 g;
	sqlite3_stmt		*st;
	int			 rc = SQLITE_DONE;

	if ((result = acl_folder(acl, folder_id, &n, err)) != FERRY_OK)
		return result;
	if ((st = acl_stmt(acl, ACL_GRANT_LIST, err)) == NULL)
		return STORE_ERR(err);
	sqlite3_bind_int64(st, 1, n.nid);
	while (result == FERRY_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		g.folder_id = (const char *)sqlite3_column_text(st, 0);
		g.kind = (enum store_principal)sqlite3_column_int(st, 1);
		g.name = (const char *)sqlite3_column_text(st, 2);
		g.role = (enum store_role)sqlite3_column_int(st, 3);
		g.created = sqlite3_column_int64(st, 4);
		g.inherited = sqlite3_column_int(st, 5) > 0;
		result = cb(&g, ud);
	}
	sqlite3_reset(st);
	if (result == FERRY_OK && rc != SQLITE_DONE)
		return store_sql_error(acl->s, rc, err,
		    "store %s: listing grants", acl->s->dir);
	return result;
}

static enum ferry_code
acl_role_nid(struct store_acl *acl, const char *user, int64_t nid,
    enum store_role *role, struct ferry_error *err)
{
	sqlite3_stmt	*st;
	int		 rc = SQLITE_DONE;

	*role = STORE_ROLE_NONE;
	if ((st = acl_stmt(acl, ACL_ROLE, err)) == NULL)
		return STORE_ERR(err);
	sqlite3_bind_int64(st, 1, nid);
	sqlite3_bind_text(st, 2, user, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		*role = (enum store_role)sqlite3_column_int(st, 0);
	sqlite3_reset(st);
	if (rc != SQLITE_ROW)
		return store_sql_error(acl->s, rc, err,
		    "store %s: resolving a role", acl->s->dir);
	return FERRY_OK;
}

static enum ferry_code
acl_passthrough(struct store_acl *acl, const char *user, int64_t nid,
    bool *yes, struct ferry_error *err)
{
	sqlite3_stmt	*st;
	int		 rc = SQLITE_DONE;

	*yes = false;
	if ((st = acl_stmt(acl, ACL_PASS, err)) == NULL)
		return STORE_ERR(err);
	sqlite3_bind_int64(st, 1, nid);
	sqlite3_bind_text(st, 2, user, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_sql_error(acl->s, rc, err,
		    "store %s: resolving access", acl->s->dir);
	*yes = rc == SQLITE_ROW;
	return FERRY_OK;
}

enum ferry_code
store_role_at(struct store_acl *acl, const struct store_user *u,
    const char *id, enum store_role *role, bool *passthrough,
    struct ferry_error *err)
{
	enum ferry_code		 result;
	struct store_node	 n;
	int64_t			 from;

	*role = STORE_ROLE_NONE;
	if (passthrough != NULL)
		*passthrough = false;
	if ((result = store_lookup(acl->s, id, &n, err)) != FERRY_OK)
		return result;
	if (u->admin) {
		*role = STORE_ROLE_OWNER;
		return FERRY_OK;
	}
	from = n.kind == FERRY_KIND_ITEM ? n.parent : n.nid;
	if ((result = acl_role_nid(acl, u->name, from, role, err)) != FERRY_OK)
		return result;
	if (*role != STORE_ROLE_NONE || passthrough == NULL ||
	    n.kind != FERRY_KIND_FOLDER)
		return FERRY_OK;
	return acl_passthrough(acl, u->name, n.nid, passthrough, err);
}

enum ferry_code
store_visible_children(struct store_acl *acl, const struct store_user *u,
    const char *folder_id, struct ferry_entry_list *out,
    struct ferry_error *err)
{
	enum ferry_code		 result;
	struct store_node	 n;
	struct ferry_entry	 e;
	struct ferry_arena	 tmp;
	sqlite3_stmt		*st;
	int			 rc = SQLITE_DONE;

	if ((result = acl_folder(acl, folder_id, &n, err)) != FERRY_OK)
		return result;
	if ((st = acl_stmt(acl, ACL_VISIBLE, err)) == NULL)
		return STORE_ERR(err);
	ferry_arena_init(&tmp);
	sqlite3_bind_int64(st, 1, n.nid);
	sqlite3_bind_text(st, 2, u->name, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		store_row_entry(st, &e, &tmp);
		ferry_entry_list_push(out, &e);
		ferry_arena_done(&tmp);
	}
	sqlite3_reset(st);
	ferry_arena_done(&tmp);
	if (rc != SQLITE_DONE)
		return store_sql_error(acl->s, rc, err,
		    "store %s: listing visible folders", acl->s->dir);
	return FERRY_OK;
}

/* -------- long operations -------- */

enum ferry_code
store_op_create(struct store_acl *acl, const char *kind, const char *user,
    const char *target, uint64_t total, char id[STORE_ID_SIZE],
    struct ferry_error *err)
{
	sqlite3_stmt	*st;

	store_uuid(id);
	if ((st = acl_stmt(acl, ACL_OP_ADD, err)) == NULL)
		return STORE_ERR(err);
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, user, -1, SQLITE_STATIC);
	acl_text(st, 4, target);
	sqlite3_bind_int64(st, 5, (int64_t)total);
	sqlite3_bind_int64(st, 6, ferry_now_ms());
	return acl_exec(acl, st, "recording an operation", err);
}

enum ferry_code
store_op_progress(struct store_acl *acl, const char *id, uint64_t done,
    uint64_t total, struct ferry_error *err)
{
	sqlite3_stmt	*st;

	if ((st = acl_stmt(acl, ACL_OP_PROGRESS, err)) == NULL)
		return STORE_ERR(err);
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, (int64_t)done);
	sqlite3_bind_int64(st, 3, (int64_t)total);
	sqlite3_bind_int64(st, 4, ferry_now_ms());
	return acl_exec(acl, st, "recording progress", err);
}

enum ferry_code
store_op_result(struct store_acl *acl, const char *id, const char *result_id,
    struct ferry_error *err)
{
	sqlite3_stmt	*st;

	if ((st = acl_stmt(acl, ACL_OP_RESULT, err)) == NULL)
		return STORE_ERR(err);
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	acl_text(st, 2, result_id);
	sqlite3_bind_int64(st, 3, ferry_now_ms());
	return acl_exec(acl, st, "recording a result", err);
}

enum ferry_code
store_op_finish(struct store_acl *acl, const char *id, const char *result_id,
    const struct ferry_error *failure, struct ferry_error *err)
{
	sqlite3_stmt	*st;

	if ((st = acl_stmt(acl, ACL_OP_FINISH, err)) == NULL)
		return STORE_ERR(err);
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, failure == NULL ? "done" : "failed", -1,
	    SQLITE_STATIC);
	acl_text(st, 3, result_id);
	sqlite3_bind_int(st, 4, failure == NULL ? 0 : (int)failure->code);
	acl_text(st, 5, failure == NULL ? NULL : failure->msg);
	sqlite3_bind_int64(st, 6, ferry_now_ms());
	return acl_exec(acl, st, "finishing an operation", err);
}

enum ferry_code
store_op_get(struct store_acl *acl, const char *id, struct store_op *out,
    struct ferry_error *err)
{
	sqlite3_stmt	*st;
	int		 rc = SQLITE_DONE;

	memset(out, 0, sizeof *out);
	if ((st = acl_stmt(acl, ACL_OP_GET, err)) == NULL)
		return STORE_ERR(err);
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		acl_copy_col(st, 0, out->id, sizeof out->id);
		acl_copy_col(st, 1, out->kind, sizeof out->kind);
		acl_copy_col(st, 2, out->state, sizeof out->state);
		acl_copy_col(st, 3, out->user, sizeof out->user);
		acl_copy_col(st, 4, out->target, sizeof out->target);
		acl_copy_col(st, 5, out->result, sizeof out->result);
		out->done = (uint64_t)sqlite3_column_int64(st, 6);
		out->total = (uint64_t)sqlite3_column_int64(st, 7);
		out->code = (enum ferry_code)sqlite3_column_int(st, 8);
		acl_copy_col(st, 9, out->message, sizeof out->message);
		out->created = sqlite3_column_int64(st, 10);
		out->updated = sqlite3_column_int64(st, 11);
	}
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return FERRY_OK;
	if (rc == SQLITE_DONE)
		return ferry_error_set(err, FERRY_E_NOT_FOUND,
		    "no operation with id %.40s", id);
	return store_sql_error(acl->s, rc, err,
	    "store %s: reading an operation", acl->s->dir);
}

enum ferry_code
store_op_interrupt_all(struct store_acl *acl, const char *why, uint64_t *n,
    struct ferry_error *err)
{
	enum ferry_code	 result;
	sqlite3_stmt	*st;

	if (n != NULL)
		*n = 0;
	if ((st = acl_stmt(acl, ACL_OP_INTERRUPT, err)) == NULL)
		return STORE_ERR(err);
	sqlite3_bind_int(st, 1, FERRY_E_CANCELLED);
	sqlite3_bind_text(st, 2, why, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, ferry_now_ms());
	result = acl_exec(acl, st, "closing interrupted operations", err);
	if (result == FERRY_OK && n != NULL)
		*n = (uint64_t)sqlite3_changes(acl->s->db);
	return result;
}
