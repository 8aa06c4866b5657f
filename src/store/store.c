/* SPDX-License-Identifier: MIT */
/*
 * The store handle: opening the directory and the database, the schema,
 * transactions, the statement cache, SQLite error mapping, and the
 * lookups every other store file builds on (by id, by path, ancestors).
 * Names, JSON, limits and the fold key are in store-rules.c.
 *
 * Invariants: the schema is created once under BEGIN IMMEDIATE and then
 * marked with PRAGMA user_version = STORE_SCHEMA_VERSION (a version-1
 * store gets the version-2 tables of store-acl.c added in the same way,
 * nothing else changed); exactly one row
 * has parent NULL (the root).  s->depth counts open write transactions
 * (BEGIN IMMEDIATE at depth 0, savepoints above).
 *
 * Threads: a handle belongs to one thread at a time (see store.h).
 */
#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <uuid/uuid.h>

#include "core/util.h"
#include "store/store-acl.h"
#include "store/store-int.h"

static const char *const store_schema =
	"CREATE TABLE IF NOT EXISTS nodes ("
	" nid INTEGER PRIMARY KEY,"
	" id TEXT NOT NULL UNIQUE,"
	" parent INTEGER REFERENCES nodes(nid)"
	"  DEFERRABLE INITIALLY DEFERRED,"
	" kind INTEGER NOT NULL CHECK (kind IN (1, 2)),"
	" name TEXT NOT NULL,"
	" fold TEXT NOT NULL,"		/* store_fold(name): the sort key */
	" size INTEGER NOT NULL DEFAULT 0,"
	" sha256 TEXT,"
	" mime TEXT NOT NULL DEFAULT '',"
	" type INTEGER NOT NULL DEFAULT 0,"
	" description TEXT,"
	" metadata TEXT,"
	" tags TEXT,"
	" created INTEGER NOT NULL,"
	" updated INTEGER NOT NULL,"
	" user TEXT,"
	" starred INTEGER NOT NULL DEFAULT 0,"
	" ttl INTEGER NOT NULL DEFAULT 0,"
	" CHECK (kind = 1 OR sha256 IS NOT NULL),"
	" UNIQUE (parent, name));"
	/* one root: the only row whose parent is NULL */
	"CREATE UNIQUE INDEX IF NOT EXISTS nodes_root ON nodes (parent IS NULL)"
	" WHERE parent IS NULL;"
	/* one index per listing order, so that a page is an index walk */
	"CREATE INDEX IF NOT EXISTS nodes_by_name"
	" ON nodes (parent, kind, fold, name);"
	"CREATE INDEX IF NOT EXISTS nodes_by_size"
	" ON nodes (parent, kind, size, fold, name);"
	"CREATE INDEX IF NOT EXISTS nodes_by_created"
	" ON nodes (parent, kind, created, fold, name);"
	"CREATE INDEX IF NOT EXISTS nodes_by_type"
	" ON nodes (parent, kind, type, mime, fold, name);"
	/* reference counting of blobs */
	"CREATE INDEX IF NOT EXISTS nodes_by_sha256 ON nodes (sha256)"
	" WHERE sha256 IS NOT NULL;"
	"CREATE TABLE IF NOT EXISTS settings ("
	" key TEXT PRIMARY KEY, value INTEGER NOT NULL);";

static const char *const store_sql[ST__COUNT] = {
	[ST_GET_NID] = "SELECT " STORE_COLS " FROM nodes n WHERE n.nid = ?1",
	[ST_GET_ID] = "SELECT " STORE_COLS " FROM nodes n WHERE n.id = ?1",
	[ST_LOOKUP_ID] = "SELECT nid, kind, parent, size, sha256, name"
	    " FROM nodes WHERE id = ?1",
	[ST_CHILD] = "SELECT nid, kind, parent, size, sha256, name"
	    " FROM nodes WHERE parent = ?1 AND name = ?2",
	[ST_ANCESTORS] = "WITH RECURSIVE a(nid, parent, depth) AS ("
	    " SELECT nid, parent, 0 FROM nodes WHERE nid = ?1"
	    " UNION ALL SELECT n.nid, n.parent, a.depth + 1"
	    " FROM nodes n JOIN a ON n.nid = a.parent WHERE a.depth < 4096)"
	    " SELECT " STORE_COLS " FROM a JOIN nodes n ON n.nid = a.nid"
	    " ORDER BY a.depth DESC",
	[ST_INSERT] = "INSERT INTO nodes (id, parent, kind, name, size,"
	    " sha256, mime, type, description, metadata, tags, created,"
	    " updated, user, starred, ttl, fold) VALUES (?1, ?2, ?3, ?4, ?5,"
	    " ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)",
	[ST_SHA_REFS] = "SELECT 1 FROM nodes WHERE sha256 = ?1 LIMIT 1",
	[ST_CHILD_TOTALS] = "SELECT count(*), coalesce(sum(size), 0)"
	    " FROM nodes WHERE parent = ?1",
	[ST_HAS_CHILD] = "SELECT count(*) FROM nodes WHERE parent = ?1",
	[ST_SETTING_GET] = "SELECT value FROM settings WHERE key = ?1",
	[ST_SETTING_SET] = "INSERT INTO settings (key, value) VALUES (?1, ?2)"
	    " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
	[ST_DELETE_NID] = "DELETE FROM nodes WHERE nid = ?1",
	[ST_MOVE] = "UPDATE nodes SET parent = ?2, name = ?3, updated = ?4,"
	    " fold = ?5 WHERE nid = ?1",
	[ST_SUBTREE_SHAS] = "WITH RECURSIVE sub(nid) AS (SELECT ?1"
	    " UNION ALL SELECT n.nid FROM nodes n JOIN sub"
	    " ON n.parent = sub.nid WHERE n.kind = 1)"
	    " SELECT DISTINCT sha256 FROM nodes"
	    " WHERE parent IN sub AND kind = 2",
	[ST_SUBTREE_DELETE] = "WITH RECURSIVE sub(nid) AS (SELECT ?1"
	    " UNION ALL SELECT n.nid FROM nodes n JOIN sub"
	    " ON n.parent = sub.nid WHERE n.kind = 1)"
	    " DELETE FROM nodes WHERE nid IN sub OR parent IN sub",
	[ST_COPY_ROW] = "INSERT INTO nodes (id, parent, kind, name, size,"
	    " sha256, mime, type, description, metadata, tags, created,"
	    " updated, user, starred, ttl, fold) SELECT ?1, ?2, kind,"
	    " coalesce(?3, name), size, sha256, mime, type, description,"
	    " metadata, tags, ?4, ?4, ?5, starred, ttl, coalesce(?7, fold)"
	    " FROM nodes WHERE nid = ?6",
	[ST_FOLDER_CHILDREN] = "SELECT nid FROM nodes"
	    " WHERE parent = ?1 AND kind = ?2 ORDER BY fold, name",
	[ST_PUT_REPLACE] = "UPDATE nodes SET size = ?2, sha256 = ?3,"
	    " mime = ?4, type = ?5, metadata = ?6, updated = ?7, user = ?8"
	    " WHERE nid = ?1",
	[ST_UPDATE] = "UPDATE nodes SET"
	    " name = CASE WHEN ?2 THEN ?3 ELSE name END,"
	    " fold = CASE WHEN ?2 THEN ?15 ELSE fold END,"
	    " description = CASE WHEN ?4 THEN ?5 ELSE description END,"
	    " metadata = CASE WHEN ?6 THEN ?7 ELSE metadata END,"
	    " tags = CASE WHEN ?8 THEN ?9 ELSE tags END,"
	    " starred = CASE WHEN ?10 THEN ?11 ELSE starred END,"
	    " ttl = CASE WHEN ?12 THEN ?13 ELSE ttl END,"
	    " updated = ?14 WHERE nid = ?1",
	[ST_COPY_ITEMS] = "INSERT INTO nodes (id, parent, kind, name, size,"
	    " sha256, mime, type, description, metadata, tags, created,"
	    " updated, user, starred, ttl, fold) SELECT uuid4(), ?1, kind,"
	    " name, size, sha256, mime, type, description, metadata, tags,"
	    " ?2, ?2, ?3, starred, ttl, fold FROM nodes"
	    " WHERE parent = ?4 AND kind = 2",
	[ST_LIST_COUNT] = "SELECT count(*) FROM nodes n WHERE n.parent = ?1"
	    " AND ((n.kind = 1 AND ?2) OR (n.kind = 2 AND (?4 >> n.type) & 1))"
	    " AND (?3 IS NULL OR instr(n.fold, ?3) > 0)",
	[ST_FIND_CHILDREN] = "SELECT " STORE_COLS " FROM nodes n"
	    " WHERE n.parent = ?1 ORDER BY n.kind, n.fold, n.name",
	[ST_SUM_TYPES] = "WITH RECURSIVE sub(nid) AS (SELECT ?1"
	    " UNION ALL SELECT n.nid FROM nodes n JOIN sub"
	    " ON n.parent = sub.nid WHERE n.kind = 1)"
	    " SELECT type, count(*), coalesce(sum(size), 0) FROM nodes"
	    " WHERE (parent IN sub OR nid = ?1) AND kind = 2 GROUP BY type",
	[ST_SUM_FOLDERS] = "WITH RECURSIVE sub(nid) AS (SELECT ?1"
	    " UNION ALL SELECT n.nid FROM nodes n JOIN sub"
	    " ON n.parent = sub.nid WHERE n.kind = 1)"
	    " SELECT count(*) FROM sub",
	[ST_SUM_STORED] = "WITH RECURSIVE sub(nid) AS (SELECT ?1"
	    " UNION ALL SELECT n.nid FROM nodes n JOIN sub"
	    " ON n.parent = sub.nid WHERE n.kind = 1)"
	    " SELECT coalesce(sum(size), 0) FROM (SELECT max(size) AS size"
	    " FROM nodes WHERE (parent IN sub OR nid = ?1) AND kind = 2"
	    " GROUP BY sha256)",
	[ST_ITEMS_ALL] = "SELECT nid, sha256, size FROM nodes WHERE kind = 2",
};

/* The prepared statement for which, reset and unbound, or NULL. */
sqlite3_stmt *
store_stmt(struct store *s, enum store_stmt which, struct ferry_error *err)
{
	sqlite3_stmt	*st;
	int		 rc;

	st = s->stmts[which];
	if (st != NULL) {
		sqlite3_reset(st);
		sqlite3_clear_bindings(st);
		return st;
	}
	rc = sqlite3_prepare_v3(s->db, store_sql[which], -1,
	    SQLITE_PREPARE_PERSISTENT, &st, NULL);
	if (rc != SQLITE_OK) {
		store_sql_error(s, rc, err, "store %s: preparing a query",
		    s->dir);
		return NULL;
	}
	s->stmts[which] = st;
	return st;
}

static enum ferry_code
store_code_of(struct store *s, int rc)
{
	switch (rc & 0xff) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return FERRY_E_BUSY;
	case SQLITE_FULL:
		return FERRY_E_NO_SPACE;
	case SQLITE_IOERR:
		if (s->db != NULL && sqlite3_system_errno(s->db) == ENOSPC)
			return FERRY_E_NO_SPACE;
		return FERRY_E_IO;
	case SQLITE_CANTOPEN:
		return FERRY_E_IO;
	case SQLITE_CORRUPT:
	case SQLITE_NOTADB:
		return FERRY_E_CORRUPT;
	case SQLITE_READONLY:
	case SQLITE_PERM:
	case SQLITE_AUTH:
		return FERRY_E_PERMISSION;
	case SQLITE_CONSTRAINT:
		if (rc == SQLITE_CONSTRAINT_UNIQUE ||
		    rc == SQLITE_CONSTRAINT_PRIMARYKEY)
			return FERRY_E_EXISTS;
		return FERRY_E_CONFLICT;
	case SQLITE_TOOBIG:
		return FERRY_E_LIMIT;
	default:
		return FERRY_E_INTERNAL;
	}
}

/*
 * Fill *err from a SQLite result code: "<context>: <sqlite message>", with
 * the code that fits (busy, no space, I/O, corrupt, permission).
 */
enum ferry_code
store_sql_error(struct store *s, int rc, struct ferry_error *err,
    const char *fmt, ...)
{
	enum ferry_code	 code;
	va_list		 ap;
	char		 ctx[FERRY_ERROR_MSG_MAX];
	const char	*msg, *hint = "";

	code = store_code_of(s, rc);
	va_start(ap, fmt);
	vsnprintf(ctx, sizeof ctx, fmt, ap);
	va_end(ap);
	msg = s->db != NULL ? sqlite3_errmsg(s->db) : sqlite3_errstr(rc);
	if (code == FERRY_E_BUSY)
		hint = " (another process held the store for more than 10 s;"
		    " try again)";
	return ferry_error_set(err, code, "%s: %s%s", ctx, msg, hint);
}

static int
store_exec(struct store *s, const char *sql)
{
	return sqlite3_exec(s->db, sql, NULL, NULL, NULL);
}

enum ferry_code
store_txn_begin(struct store *s, struct ferry_error *err)
{
	char	 sql[32];
	int	 rc;

	/* a write never starts inside a read snapshot: it could not commit */
	FERRY_ASSERT(!s->read_txn);
	if (s->depth == 0)
		rc = store_exec(s, "BEGIN IMMEDIATE");
	else {
		snprintf(sql, sizeof sql, "SAVEPOINT sp%d", s->depth);
		rc = store_exec(s, sql);
	}
	if (rc != SQLITE_OK)
		return store_sql_error(s, rc, err,
		    "store %s: starting a write transaction", s->dir);
	s->depth++;
	return FERRY_OK;
}

/*
 * Commit the innermost transaction.  After the outermost commit, blobs
 * that lost their last reference are unlinked (store_blob_reap).
 */
enum ferry_code
store_txn_commit(struct store *s, struct ferry_error *err)
{
	char	 sql[32];
	int	 rc;

	FERRY_ASSERT(s->depth > 0);
	if (s->depth > 1) {
		snprintf(sql, sizeof sql, "RELEASE sp%d", s->depth - 1);
		rc = store_exec(s, sql);
		if (rc != SQLITE_OK) {
			store_txn_rollback(s);
			return store_sql_error(s, rc, err,
			    "store %s: committing", s->dir);
		}
		s->depth--;
		return FERRY_OK;
	}
	rc = store_exec(s, "COMMIT");
	if (rc != SQLITE_OK) {
		store_txn_rollback(s);
		return store_sql_error(s, rc, err, "store %s: committing",
		    s->dir);
	}
	s->depth = 0;
	store_blob_reap(s);
	return FERRY_OK;
}

void
store_txn_rollback(struct store *s)
{
	char	 sql[64];

	FERRY_ASSERT(s->depth > 0);
	if (s->depth > 1) {
		snprintf(sql, sizeof sql, "ROLLBACK TO sp%d; RELEASE sp%d",
		    s->depth - 1, s->depth - 1);
		store_exec(s, sql);
		s->depth--;
		return;
	}
	store_exec(s, "ROLLBACK");
	s->depth = 0;
	store_dead_clear(s);
}

/*
 * A consistent snapshot for several reads.  Nests; inside a write
 * transaction it is a no-op.  Pair each call with store_read_end().
 */
enum ferry_code
store_read_begin(struct store *s, struct ferry_error *err)
{
	int	 rc;

	if (s->depth > 0 || s->reading > 0) {
		s->reading++;
		return FERRY_OK;
	}
	rc = store_exec(s, "BEGIN");
	if (rc != SQLITE_OK)
		return store_sql_error(s, rc, err, "store %s: reading",
		    s->dir);
	s->reading = 1;
	s->read_txn = true;
	return FERRY_OK;
}

void
store_read_end(struct store *s)
{
	if (s->reading == 0)
		return;
	if (--s->reading == 0 && s->read_txn) {
		store_exec(s, "COMMIT");
		s->read_txn = false;
	}
}

enum ferry_code
store_begin(struct store *s, struct ferry_error *err)
{
	return store_txn_begin(s, err);
}

enum ferry_code
store_commit(struct store *s, struct ferry_error *err)
{
	if (s->depth <= 0)
		return ferry_error_set(err, FERRY_E_INVALID,
		    "store %s: commit without store_begin", s->dir);
	return store_txn_commit(s, err);
}

void
store_rollback(struct store *s)
{
	while (s->depth > 0)
		store_txn_rollback(s);
}

/* A random (v4) UUID in lower-case text. */
void
store_uuid(char out[STORE_ID_SIZE])
{
	uuid_t	 u;

	uuid_generate_random(u);
	uuid_unparse_lower(u, out);
}

static void
store_sql_uuid(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	char	 id[STORE_ID_SIZE];

	(void)argc;
	(void)argv;
	store_uuid(id);
	sqlite3_result_text(ctx, id, -1, SQLITE_TRANSIENT);
}

/* Create dir and its missing parents; the last one with mode. */
static int
store_mkdir_p(const char *dir, mode_t mode)
{
	char	*p, *q;
	int	 result = 0;

	p = xstrdup(dir);
	for (q = p + 1; *q != '\0'; q++) {
		if (*q != '/')
			continue;
		*q = '\0';
		if (mkdir(p, 0755) == -1 && errno != EEXIST) {
			result = -1;
			goto out;
		}
		*q = '/';
	}
	if (mkdir(p, mode) == -1 && errno != EEXIST)
		result = -1;
out:
	free(p);
	return result;
}

static enum ferry_code
store_make_dirs(struct store *s, struct ferry_error *err)
{
	struct stat	 sb;

	if (store_mkdir_p(s->dir, 0700) == -1)
		return ferry_error_errno(err, errno,
		    "store %s: creating the directory", s->dir);
	if (stat(s->dir, &sb) == -1)
		return ferry_error_errno(err, errno, "store %s", s->dir);
	if (!S_ISDIR(sb.st_mode))
		return ferry_error_set(err, FERRY_E_NOT_FOLDER,
		    "store %s: not a directory", s->dir);
	if (mkdir(s->blob_dir, 0700) == -1 && errno != EEXIST)
		return ferry_error_errno(err, errno,
		    "store %s: creating %s", s->dir, s->blob_dir);
	if (mkdir(s->tmp_dir, 0700) == -1 && errno != EEXIST)
		return ferry_error_errno(err, errno,
		    "store %s: creating %s", s->dir, s->tmp_dir);
	return FERRY_OK;
}

static int
store_user_version(struct store *s)
{
	sqlite3_stmt	*st;
	int		 v = -1;

	if (sqlite3_prepare_v2(s->db, "PRAGMA user_version", -1, &st,
	    NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* Create the schema and the root folder once, under the write lock. */
static enum ferry_code
store_schema_init(struct store *s, struct ferry_error *err)
{
	enum ferry_code	 result;
	struct store_row r;
	char		 sql[64];
	int		 v, rc;

	v = store_user_version(s);
	if (v == STORE_SCHEMA_VERSION)
		return FERRY_OK;
	if (v > STORE_SCHEMA_VERSION)
		return ferry_error_set(err, FERRY_E_UNSUPPORTED,
		    "store %s: schema version %d is newer than this ferry"
		    " supports (%d); upgrade ferry", s->dir, v,
		    STORE_SCHEMA_VERSION);
	if ((result = store_txn_begin(s, err)) != FERRY_OK)
		return result;
	v = store_user_version(s);
	if (v == STORE_SCHEMA_VERSION)
		return store_txn_commit(s, err);
	if (v < 1) {
		rc = store_exec(s, store_schema);
		if (rc != SQLITE_OK) {
			result = store_sql_error(s, rc, err,
			    "store %s: creating the schema", s->dir);
			goto fail;
		}
		memset(&r, 0, sizeof r);
		r.kind = FERRY_KIND_FOLDER;
		r.name = "";
		if ((result = store_insert(s, &r, NULL, err)) != FERRY_OK)
			goto fail;
	}
	/* version 2: the tables of ferryd, added to any version 1 store */
	if ((result = store_acl_schema(s, err)) != FERRY_OK)
		goto fail;
	snprintf(sql, sizeof sql, "PRAGMA user_version = %d",
	    STORE_SCHEMA_VERSION);
	if ((rc = store_exec(s, sql)) != SQLITE_OK) {
		result = store_sql_error(s, rc, err,
		    "store %s: marking the schema", s->dir);
		goto fail;
	}
	return store_txn_commit(s, err);
fail:
	store_txn_rollback(s);
	return result;
}

static enum ferry_code
store_find_root(struct store *s, struct ferry_error *err)
{
	sqlite3_stmt	*st;
	int		 rc;

	rc = sqlite3_prepare_v2(s->db,
	    "SELECT nid, id FROM nodes WHERE parent IS NULL", -1, &st, NULL);
	if (rc != SQLITE_OK)
		return store_sql_error(s, rc, err, "store %s", s->dir);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		s->root_nid = sqlite3_column_int64(st, 0);
		snprintf(s->root_id, sizeof s->root_id, "%s",
		    (const char *)sqlite3_column_text(st, 1));
	}
	sqlite3_finalize(st);
	if (rc == SQLITE_ROW)
		return FERRY_OK;
	if (rc == SQLITE_DONE)
		return ferry_error_set(err, FERRY_E_CORRUPT,
		    "store %s: the root folder is missing", s->dir);
	return store_sql_error(s, rc, err, "store %s: finding the root",
	    s->dir);
}

static char *
store_default_user(void)
{
	const char	*u;
	struct passwd	*pw;

	u = getenv("USER");
	if (u != NULL && *u != '\0')
		return xstrdup(u);
	pw = getpwuid(getuid());
	if (pw != NULL && pw->pw_name != NULL)
		return xstrdup(pw->pw_name);
	return xasprintf("uid %lu", (unsigned long)getuid());
}

static enum ferry_code
store_open_db(struct store *s, struct ferry_error *err)
{
	char	*path;
	int	 rc;

	path = xasprintf("%s/ferry.db", s->dir);
	rc = sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
	free(path);
	if (rc != SQLITE_OK)
		return store_sql_error(s, rc, err,
		    "store %s: opening ferry.db", s->dir);
	sqlite3_extended_result_codes(s->db, 1);
	sqlite3_busy_timeout(s->db, STORE_BUSY_MS);
	rc = store_exec(s, "PRAGMA journal_mode = WAL");
	if (rc == SQLITE_OK)
		rc = store_exec(s, "PRAGMA foreign_keys = ON");
	if (rc == SQLITE_OK)
		rc = store_exec(s, "PRAGMA synchronous = NORMAL");
	/* 16 MiB of page cache: listing and bulk puts stay in memory */
	if (rc == SQLITE_OK)
		rc = store_exec(s, "PRAGMA cache_size = -16384");
	if (rc == SQLITE_OK)
		rc = sqlite3_create_function(s->db, "uuid4", 0, SQLITE_UTF8,
		    NULL, store_sql_uuid, NULL, NULL);
	if (rc != SQLITE_OK)
		return store_sql_error(s, rc, err,
		    "store %s: setting up ferry.db", s->dir);
	return FERRY_OK;
}

enum ferry_code
store_open(const char *dir, struct store **out, struct ferry_error *err)
{
	enum ferry_code	 result;
	struct store	*s;

	*out = NULL;
	if (dir == NULL || *dir == '\0')
		return ferry_error_set(err, FERRY_E_INVALID,
		    "store: no directory given");
	s = xcalloc(1, sizeof *s);
	s->dir = xstrdup(dir);
	s->blob_dir = xasprintf("%s/blobs", dir);
	s->tmp_dir = xasprintf("%s/tmp", dir);
	s->user = store_default_user();
	s->durable = true;
	if ((result = store_make_dirs(s, err)) != FERRY_OK)
		goto fail;
	if ((result = store_open_db(s, err)) != FERRY_OK)
		goto fail;
	if ((result = store_schema_init(s, err)) != FERRY_OK)
		goto fail;
	if ((result = store_find_root(s, err)) != FERRY_OK)
		goto fail;
	*out = s;
	return FERRY_OK;
fail:
	store_close(s);
	return result;
}

void
store_close(struct store *s)
{
	size_t	 i, j, k;

	if (s == NULL)
		return;
	if (s->depth > 0)
		store_rollback(s);
	if (s->read_txn)
		store_exec(s, "COMMIT");
	for (i = 0; i < ST__COUNT; i++)
		sqlite3_finalize(s->stmts[i]);
	for (i = 0; i < 4; i++)
		for (j = 0; j < 2; j++)
			for (k = 0; k < 2; k++)
				sqlite3_finalize(s->list_stmts[i][j][k]);
	sqlite3_close(s->db);
	store_dead_clear(s);
	free(s->dead);
	free(s->dir);
	free(s->blob_dir);
	free(s->tmp_dir);
	free(s->user);
	free(s);
}

void
store_set_durable(struct store *s, bool durable)
{
	s->durable = durable;
	store_exec(s, durable ? "PRAGMA synchronous = NORMAL" :
	    "PRAGMA synchronous = OFF");
}

void
store_set_user(struct store *s, const char *user)
{
	free(s->user);
	s->user = user != NULL && *user != '\0' ? xstrdup(user) :
	    store_default_user();
}

const char *
store_user(const struct store *s)
{
	return s->user;
}

const char *
store_dir(const struct store *s)
{
	return s->dir;
}

const char *
store_root_id(const struct store *s)
{
	return s->root_id;
}

static void
store_bind_text(sqlite3_stmt *st, int col, const char *text)
{
	if (text == NULL)
		sqlite3_bind_null(st, col);
	else
		sqlite3_bind_text(st, col, text, -1, SQLITE_STATIC);
}

/*
 * Insert a row with a new UUID, created/updated now and the handle's
 * user; *nid (may be NULL) gets its key.  r->parent 0 means no parent.
 */
enum ferry_code
store_insert(struct store *s, const struct store_row *r, int64_t *nid,
    struct ferry_error *err)
{
	sqlite3_stmt	*st;
	char		 id[STORE_ID_SIZE], *fold;
	int64_t		 now;
	int		 rc;

	if ((st = store_stmt(s, ST_INSERT, err)) == NULL)
		return STORE_ERR(err);
	store_uuid(id);
	now = ferry_now_ms();
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	if (r->parent == 0)
		sqlite3_bind_null(st, 2);
	else
		sqlite3_bind_int64(st, 2, r->parent);
	sqlite3_bind_int(st, 3, r->kind);
	sqlite3_bind_text(st, 4, r->name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, (sqlite3_int64)r->size);
	store_bind_text(st, 6, r->sha);
	sqlite3_bind_text(st, 7, r->mime != NULL ? r->mime : "", -1,
	    SQLITE_STATIC);
	sqlite3_bind_int(st, 8, r->type);
	store_bind_text(st, 9, r->description);
	store_bind_text(st, 10, r->metadata);
	store_bind_text(st, 11, r->tags);
	sqlite3_bind_int64(st, 12, now);
	sqlite3_bind_int64(st, 13, now);
	sqlite3_bind_text(st, 14, s->user, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 15, r->starred);
	sqlite3_bind_int64(st, 16, r->ttl);
	fold = store_fold(r->name);
	sqlite3_bind_text(st, 17, fold, -1, free);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return store_sql_error(s, rc, err, "store %s: adding \"%s\"",
		    s->dir, r->name);
	if (nid != NULL)
		*nid = sqlite3_last_insert_rowid(s->db);
	return FERRY_OK;
}

/*
 * Delete the row of item n (or of an empty folder) and release its blob,
 * inside a write transaction.
 */
enum ferry_code
store_delete_row(struct store *s, const struct store_node *n,
    struct ferry_error *err)
{
	sqlite3_stmt	*st;
	int		 rc;

	if ((st = store_stmt(s, ST_DELETE_NID, err)) == NULL)
		return STORE_ERR(err);
	sqlite3_bind_int64(st, 1, n->nid);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return store_sql_error(s, rc, err, "store %s: deleting \"%s\"",
		    s->dir, n->name);
	if (n->kind == FERRY_KIND_ITEM && n->sha[0] != '\0')
		return store_blob_release(s, n->sha, err);
	return FERRY_OK;
}

/* -------- lookups -------- */

static enum ferry_code
store_node_step(struct store *s, sqlite3_stmt *st, struct store_node *out,
    struct ferry_error *err)
{
	const unsigned char	*sha;
	int			 rc;

	memset(out, 0, sizeof *out);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		out->nid = sqlite3_column_int64(st, 0);
		out->kind = sqlite3_column_int(st, 1);
		out->parent = sqlite3_column_int64(st, 2);
		out->size = (uint64_t)sqlite3_column_int64(st, 3);
		sha = sqlite3_column_text(st, 4);
		if (sha != NULL)
			snprintf(out->sha, sizeof out->sha, "%s", sha);
		if (sqlite3_column_text(st, 5) != NULL)
			snprintf(out->name, sizeof out->name, "%s",
			    sqlite3_column_text(st, 5));
	}
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return FERRY_OK;
	if (rc == SQLITE_DONE)
		return FERRY_E_NOT_FOUND;
	return store_sql_error(s, rc, err, "store %s: looking up", s->dir);
}

/* The node with this id, or FERRY_E_NOT_FOUND naming the id. */
enum ferry_code
store_lookup(struct store *s, const char *id, struct store_node *out,
    struct ferry_error *err)
{
	enum ferry_code	 result;
	sqlite3_stmt	*st;

	if (id == NULL)
		return ferry_error_set(err, FERRY_E_INVALID, "no id given");
	if ((st = store_stmt(s, ST_LOOKUP_ID, err)) == NULL)
		return STORE_ERR(err);
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	result = store_node_step(s, st, out, err);
	if (result == FERRY_E_NOT_FOUND)
		return ferry_error_set(err, FERRY_E_NOT_FOUND,
		    "no folder or item with id %.64s", id);
	return result;
}

/* The node with this nid; FERRY_E_NOT_FOUND is returned without message. */
enum ferry_code
store_node_get(struct store *s, int64_t nid, struct store_node *out,
    struct ferry_error *err)
{
	sqlite3_stmt	*st;
	int		 rc;

	memset(out, 0, sizeof *out);
	if ((st = store_stmt(s, ST_GET_NID, err)) == NULL)
		return STORE_ERR(err);
	sqlite3_bind_int64(st, 1, nid);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		out->nid = nid;
		out->kind = sqlite3_column_int(st, 3);
		out->size = (uint64_t)sqlite3_column_int64(st, 5);
		if (sqlite3_column_text(st, 6) != NULL)
			snprintf(out->sha, sizeof out->sha, "%s",
			    sqlite3_column_text(st, 6));
		out->parent = sqlite3_column_int64(st, 17);
		if (sqlite3_column_text(st, 4) != NULL)
			snprintf(out->name, sizeof out->name, "%s",
			    sqlite3_column_text(st, 4));
	}
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return FERRY_OK;
	if (rc == SQLITE_DONE)
		return FERRY_E_NOT_FOUND;
	return store_sql_error(s, rc, err, "store %s: looking up", s->dir);
}

/* The child `name` of parent; FERRY_E_NOT_FOUND without a message. */
enum ferry_code
store_child(struct store *s, int64_t parent, const char *name,
    struct store_node *out, struct ferry_error *err)
{
	sqlite3_stmt	*st;

	if ((st = store_stmt(s, ST_CHILD, err)) == NULL)
		return STORE_ERR(err);
	sqlite3_bind_int64(st, 1, parent);
	sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
	return store_node_step(s, st, out, err);
}

static const char *
store_col_text(sqlite3_stmt *st, int col, struct ferry_arena *a)
{
	const char	*t;

	t = (const char *)sqlite3_column_text(st, col);
	return t == NULL ? NULL : ferry_arena_strdup(a, t);
}

/* Fill e from a row of STORE_COLS; strings go into a. */
void
store_row_entry(sqlite3_stmt *st, struct ferry_entry *e,
    struct ferry_arena *a)
{
	const char	*mime;

	memset(e, 0, sizeof *e);
	e->id = store_col_text(st, 1, a);
	e->parent_id = store_col_text(st, 2, a);
	e->kind = (uint8_t)sqlite3_column_int(st, 3);
	e->name = store_col_text(st, 4, a);
	if (e->name == NULL)
		e->name = "";
	e->size = (uint64_t)sqlite3_column_int64(st, 5);
	e->checksum = store_col_text(st, 6, a);
	mime = (const char *)sqlite3_column_text(st, 7);
	if (mime != NULL && *mime != '\0')
		e->mime = ferry_arena_strdup(a, mime);
	e->type = (uint8_t)sqlite3_column_int(st, 8);
	e->description = store_col_text(st, 9, a);
	e->metadata = store_col_text(st, 10, a);
	e->tags = store_col_text(st, 11, a);
	e->created = sqlite3_column_int64(st, 12);
	e->modified = sqlite3_column_int64(st, 13);
	e->user = store_col_text(st, 14, a);
	if (sqlite3_column_int(st, 15) != 0)
		e->flags |= FERRY_ENTRY_STARRED;
	e->ttl = sqlite3_column_int64(st, 16);
}

enum ferry_code
store_entry_nid(struct store *s, int64_t nid, struct ferry_entry *out,
    struct ferry_arena *a, struct ferry_error *err)
{
	sqlite3_stmt	*st;
	int		 rc;

	if ((st = store_stmt(s, ST_GET_NID, err)) == NULL)
		return STORE_ERR(err);
	sqlite3_bind_int64(st, 1, nid);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		store_row_entry(st, out, a);
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return FERRY_OK;
	if (rc == SQLITE_DONE)
		return ferry_error_set(err, FERRY_E_NOT_FOUND,
		    "store %s: the entry vanished", s->dir);
	return store_sql_error(s, rc, err, "store %s: reading", s->dir);
}

/* The path of nid ("/a/b"), malloc'd; "?" parts when it cannot tell. */
char *
store_nid_path(struct store *s, int64_t nid)
{
	sqlite3_stmt	*st;
	char		*path = NULL, *p;
	const char	*name;

	if ((st = store_stmt(s, ST_ANCESTORS, NULL)) == NULL)
		return xstrdup("?");
	sqlite3_bind_int64(st, 1, nid);
	while (sqlite3_step(st) == SQLITE_ROW) {
		if (sqlite3_column_type(st, 2) == SQLITE_NULL)
			continue;	/* the root */
		name = (const char *)sqlite3_column_text(st, 4);
		p = xasprintf("%s/%s", path != NULL ? path : "",
		    name != NULL ? name : "?");
		free(path);
		path = p;
	}
	sqlite3_reset(st);
	return path != NULL ? path : xstrdup("/");
}

/* The UUID of row nid. */
enum ferry_code
store_nid_id(struct store *s, int64_t nid, char id[STORE_ID_SIZE],
    struct ferry_error *err)
{
	sqlite3_stmt	*st;
	int		 rc;

	if ((st = store_stmt(s, ST_GET_NID, err)) == NULL)
		return STORE_ERR(err);
	sqlite3_bind_int64(st, 1, nid);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		snprintf(id, STORE_ID_SIZE, "%s",
		    (const char *)sqlite3_column_text(st, 1));
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return FERRY_OK;
	if (rc == SQLITE_DONE)
		return ferry_error_set(err, FERRY_E_NOT_FOUND,
		    "store %s: the entry vanished", s->dir);
	return store_sql_error(s, rc, err, "store %s: reading", s->dir);
}

/* Whether nid is ancestor or lies below it. */
enum ferry_code
store_is_below(struct store *s, int64_t nid, int64_t ancestor, bool *below,
    struct ferry_error *err)
{
	sqlite3_stmt	*st;
	int		 rc;

	*below = false;
	if ((st = store_stmt(s, ST_ANCESTORS, err)) == NULL)
		return STORE_ERR(err);
	sqlite3_bind_int64(st, 1, nid);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if (sqlite3_column_int64(st, 0) == ancestor)
			*below = true;
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return store_sql_error(s, rc, err, "store %s: walking up",
		    s->dir);
	return FERRY_OK;
}

enum ferry_code
store_resolve(struct store *s, const char *path, char id[STORE_ID_SIZE],
    uint8_t *kind, struct ferry_error *err)
{
	enum ferry_code		 result = FERRY_OK;
	struct store_node	 n;
	const char		*p, *slash;
	char			*comp = NULL;
	int64_t			 cur = s->root_nid;
	int			 curkind = FERRY_KIND_FOLDER;
	sqlite3_stmt		*st;
	size_t			 len;

	if (path == NULL || *path != '/')
		return ferry_error_set(err, FERRY_E_INVALID,
		    "\"%s\": a store path starts with '/'",
		    path != NULL ? path : "");
	if ((result = store_read_begin(s, err)) != FERRY_OK)
		return result;
	for (p = path; *p != '\0'; p = slash) {
		while (*p == '/')
			p++;
		if (*p == '\0')
			break;
		slash = strchr(p, '/');
		if (slash == NULL)
			slash = p + strlen(p);
		len = (size_t)(slash - p);
		if (curkind != FERRY_KIND_FOLDER) {
			result = ferry_error_set(err, FERRY_E_NOT_FOLDER,
			    "\"%.*s\": not a folder", (int)(p - 1 - path),
			    path);
			goto out;
		}
		free(comp);
		comp = xstrndup(p, len);
		result = store_child(s, cur, comp, &n, err);
		if (result == FERRY_E_NOT_FOUND) {
			result = ferry_error_set(err, FERRY_E_NOT_FOUND,
			    "\"%.*s\": no such folder or item",
			    (int)(slash - path), path);
			goto out;
		}
		if (result != FERRY_OK)
			goto out;
		cur = n.nid;
		curkind = n.kind;
	}
	if ((st = store_stmt(s, ST_GET_NID, err)) == NULL) {
		result = STORE_ERR(err);
		goto out;
	}
	sqlite3_bind_int64(st, 1, cur);
	if (sqlite3_step(st) == SQLITE_ROW)
		snprintf(id, STORE_ID_SIZE, "%s",
		    (const char *)sqlite3_column_text(st, 1));
	else
		result = ferry_error_set(err, FERRY_E_NOT_FOUND,
		    "\"%s\": no such folder or item", path);
	sqlite3_reset(st);
	if (kind != NULL)
		*kind = (uint8_t)curkind;
out:
	free(comp);
	store_read_end(s);
	return result;
}

enum ferry_code
store_get(struct store *s, const char *id, struct ferry_entry *out,
    struct ferry_arena *a, struct ferry_error *err)
{
	sqlite3_stmt	*st;
	int		 rc;

	if (id == NULL)
		return ferry_error_set(err, FERRY_E_INVALID, "no id given");
	if ((st = store_stmt(s, ST_GET_ID, err)) == NULL)
		return STORE_ERR(err);
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		store_row_entry(st, out, a);
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return FERRY_OK;
	if (rc == SQLITE_DONE)
		return ferry_error_set(err, FERRY_E_NOT_FOUND,
		    "no folder or item with id %.64s", id);
	return store_sql_error(s, rc, err, "store %s: reading %.64s", s->dir,
	    id);
}

enum ferry_code
store_get_path(struct store *s, const char *path, struct ferry_entry *out,
    struct ferry_arena *a, struct ferry_error *err)
{
	enum ferry_code	 result;
	char		 id[STORE_ID_SIZE];

	if ((result = store_resolve(s, path, id, NULL, err)) != FERRY_OK)
		return result;
	return store_get(s, id, out, a, err);
}

enum ferry_code
store_path(struct store *s, const char *id, char **out,
    struct ferry_error *err)
{
	enum ferry_code		 result;
	struct store_node	 n;

	*out = NULL;
	if ((result = store_lookup(s, id, &n, err)) != FERRY_OK)
		return result;
	*out = store_nid_path(s, n.nid);
	return FERRY_OK;
}

enum ferry_code
store_path_to_root(struct store *s, const char *id,
    struct ferry_entry_list *out, struct ferry_error *err)
{
	enum ferry_code		 result;
	struct store_node	 n;
	struct ferry_entry	 e;
	struct ferry_arena	 tmp;
	sqlite3_stmt		*st;
	int			 rc;

	if ((result = store_read_begin(s, err)) != FERRY_OK)
		return result;
	ferry_arena_init(&tmp);
	if ((result = store_lookup(s, id, &n, err)) != FERRY_OK)
		goto out;
	if ((st = store_stmt(s, ST_ANCESTORS, err)) == NULL) {
		result = STORE_ERR(err);
		goto out;
	}
	sqlite3_bind_int64(st, 1, n.nid);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		store_row_entry(st, &e, &tmp);
		ferry_entry_list_push(out, &e);
		ferry_arena_done(&tmp);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		result = store_sql_error(s, rc, err,
		    "store %s: walking up from %.64s", s->dir, id);
out:
	ferry_arena_done(&tmp);
	store_read_end(s);
	return result;
}
