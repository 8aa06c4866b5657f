/* SPDX-License-Identifier: MIT */
/*
 * The jobs journal (see journal.h): one SQLite file shared by every ferry
 * process of a user, one connection per process guarded by a mutex.
 *
 * Owners.  A job row names the process that runs it by pid, the start
 * time of that process (field 22 of /proc/PID/stat, so that a reused pid
 * is not mistaken for it) and the boot id.  The owner is alive when the
 * boot id is this machine's and /proc/PID/stat shows the same start time.
 * Platform note: this reads Linux's /proc; elsewhere every other owner
 * would look gone.
 *
 * Invariant: the queue of entry ends (`ends`) is written in order, in one
 * transaction, before any read of entries, so a reader never sees an
 * entry older than what the engine reported.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <sqlite3.h>

#include "core/util.h"
#include "jobs/journal.h"

#define JOURNAL_SCHEMA_VERSION	1

static const char journal_schema[] =
	"CREATE TABLE IF NOT EXISTS jobs ("
	" id INTEGER PRIMARY KEY AUTOINCREMENT,"
	" kind TEXT NOT NULL, srcs TEXT NOT NULL, dst TEXT,"
	" store_dir TEXT, conflict TEXT NOT NULL, mime TEXT, metadata TEXT,"
	" state TEXT NOT NULL,"
	" owner_pid INTEGER, owner_start INTEGER, owner_boot TEXT,"
	" created INTEGER NOT NULL, updated INTEGER NOT NULL,"
	" bytes_total INTEGER NOT NULL DEFAULT 0,"
	" bytes_done INTEGER NOT NULL DEFAULT 0,"
	" items_total INTEGER NOT NULL DEFAULT 0,"
	" items_done INTEGER NOT NULL DEFAULT 0,"
	" items_failed INTEGER NOT NULL DEFAULT 0,"
	" items_skipped INTEGER NOT NULL DEFAULT 0,"
	" error TEXT);"
	"CREATE TABLE IF NOT EXISTS items ("
	" job INTEGER NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,"
	" src TEXT NOT NULL, dst TEXT, kind INTEGER NOT NULL,"
	" state INTEGER NOT NULL, exists_mode INTEGER NOT NULL DEFAULT 0,"
	" size INTEGER NOT NULL DEFAULT 0, mtime INTEGER NOT NULL DEFAULT 0,"
	" checksum TEXT, token TEXT, committed INTEGER NOT NULL DEFAULT 0,"
	" boot TEXT, bytes_read INTEGER NOT NULL DEFAULT 0, error TEXT,"
	" PRIMARY KEY (job, src)) WITHOUT ROWID;";

#define JOURNAL_JOB_COLS \
	"id, kind, srcs, dst, store_dir, conflict, mime, metadata, state, " \
	"owner_pid, owner_start, owner_boot, created, updated, bytes_total, " \
	"bytes_done, items_total, items_done, items_failed, items_skipped, " \
	"error"

#define JOURNAL_ITEM_COLS \
	"src, dst, kind, state, exists_mode, size, mtime, checksum, token, " \
	"committed, boot, bytes_read, error"

struct journal_end {
	int64_t		 job;
	char		*src;
	enum journal_istate state;
	uint64_t	 bytes_read;
	char		*error;
};

struct journal {
	pthread_mutex_t	 lock;
	sqlite3		*db;
	char		*path;
	char		 boot[JOURNAL_BOOT_SIZE];
	int64_t		 start;		/* this process's start time */
	struct journal_end *ends;
	size_t		 nends, capends;
	uint64_t	 last_flush_ns;
};

/* -------- the platform: boot id and process start times -------- */

static void
journal_read_boot(char out[JOURNAL_BOOT_SIZE])
{
	FILE	*f;
	size_t	 n = 0;

	out[0] = '\0';
	if ((f = fopen("/proc/sys/kernel/random/boot_id", "re")) != NULL) {
		n = fread(out, 1, JOURNAL_BOOT_SIZE - 1, f);
		fclose(f);
	}
	out[n] = '\0';
	out[strcspn(out, "\n")] = '\0';
}

/* The start time of pid in clock ticks since boot, or -1. */
static int64_t
journal_proc_start(long pid)
{
	char	 path[64], buf[1024], *p;
	FILE	*f;
	size_t	 n;
	int	 field;

	snprintf(path, sizeof path, "/proc/%ld/stat", pid);
	if ((f = fopen(path, "re")) == NULL)
		return -1;
	n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	/* after the command name, which may hold spaces and ')' */
	if ((p = strrchr(buf, ')')) == NULL)
		return -1;
	for (field = 2; field < 22 && p != NULL; field++)
		p = strchr(p + 1, ' ');
	return p != NULL ? strtoll(p + 1, NULL, 10) : -1;
}

static bool
journal_owner_alive(const char *boot, long pid, int64_t start,
    const char *my_boot)
{
	if (boot == NULL || strcmp(boot, my_boot) != 0 || pid <= 0)
		return false;
	return journal_proc_start(pid) == start;
}

/* -------- opening -------- */

char *
journal_default_path(void)
{
	const char	*state = getenv("XDG_STATE_HOME");
	const char	*home = getenv("HOME");

	if (state != NULL && state[0] == '/')
		return xasprintf("%s/ferry/jobs.db", state);
	if (home != NULL && home[0] != '\0')
		return xasprintf("%s/.local/state/ferry/jobs.db", home);
	return NULL;
}

/* mkdir -p of the directory that holds path, 0700. */
static enum ferry_code
journal_mkdirs(const char *path, struct ferry_error *err)
{
	char	*dir, *p;

	dir = xstrdup(path);
	if ((p = strrchr(dir, '/')) != NULL)
		*p = '\0';
	for (p = dir + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
			ferry_error_errno(err, errno, "creating %s", dir);
			free(dir);
			return err != NULL ? err->code : FERRY_E_IO;
		}
		*p = '/';
	}
	if (*dir != '\0' && mkdir(dir, 0700) != 0 && errno != EEXIST) {
		ferry_error_errno(err, errno, "creating %s", dir);
		free(dir);
		return err != NULL ? err->code : FERRY_E_IO;
	}
	free(dir);
	return FERRY_OK;
}

static enum ferry_code
journal_sql_error(struct journal *j, int rc, struct ferry_error *err,
    const char *what)
{
	enum ferry_code	 code;

	code = rc == SQLITE_BUSY || rc == SQLITE_LOCKED ? FERRY_E_BUSY :
	    rc == SQLITE_FULL ? FERRY_E_NO_SPACE :
	    rc == SQLITE_READONLY || rc == SQLITE_CANTOPEN ||
	    rc == SQLITE_PERM ? FERRY_E_PERMISSION : FERRY_E_IO;
	return ferry_error_set(err, code, "jobs journal %s: %s: %s", j->path,
	    what, j->db != NULL ? sqlite3_errmsg(j->db) : sqlite3_errstr(rc));
}

static enum ferry_code
journal_exec(struct journal *j, const char *sql, struct ferry_error *err)
{
	int	 rc;

	rc = sqlite3_exec(j->db, sql, NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		return journal_sql_error(j, rc, err, "setting up");
	return FERRY_OK;
}

enum ferry_code
journal_open(const char *path, struct journal **out, struct ferry_error *err)
{
	struct journal	*j;
	enum ferry_code	 result = FERRY_OK;
	char		*def = NULL;
	int		 rc;

	*out = NULL;
	if (path == NULL && (path = def = journal_default_path()) == NULL)
		return ferry_error_set(err, FERRY_E_INVALID, "jobs journal: "
		    "neither XDG_STATE_HOME nor HOME is set");
	if (strcmp(path, ":memory:") != 0 &&
	    (result = journal_mkdirs(path, err)) != FERRY_OK) {
		free(def);
		return result;
	}
	j = xcalloc(1, sizeof *j);
	pthread_mutex_init(&j->lock, NULL);
	j->path = xstrdup(path);
	free(def);
	journal_read_boot(j->boot);
	j->start = journal_proc_start((long)getpid());
	j->last_flush_ns = ferry_mono_ns();
	rc = sqlite3_open_v2(j->path, &j->db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		result = journal_sql_error(j, rc, err, "opening");
		goto fail;
	}
	sqlite3_busy_timeout(j->db, JOURNAL_BUSY_MS);
	if (strcmp(j->path, ":memory:") != 0)
		(void)chmod(j->path, 0600);
	if ((result = journal_exec(j, "PRAGMA journal_mode = WAL;"
	    "PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;", err)) !=
	    FERRY_OK ||
	    (result = journal_exec(j, journal_schema, err)) != FERRY_OK ||
	    (result = journal_exec(j, "PRAGMA user_version = 1", err)) !=
	    FERRY_OK)
		goto fail;
	*out = j;
	return FERRY_OK;
fail:
	journal_close(j);
	return result;
}

void
journal_close(struct journal *j)
{
	size_t	 i;

	if (j == NULL)
		return;
	if (j->db != NULL)
		(void)journal_flush(j, NULL);
	for (i = 0; i < j->nends; i++) {
		free(j->ends[i].src);
		free(j->ends[i].error);
	}
	free(j->ends);
	sqlite3_close(j->db);
	pthread_mutex_destroy(&j->lock);
	free(j->path);
	free(j);
}

const char *
journal_path(const struct journal *j)
{
	return j->path;
}

const char *
journal_boot(const struct journal *j)
{
	return j->boot;
}

/* -------- statements -------- */

static sqlite3_stmt *
journal_prepare(struct journal *j, const char *sql, struct ferry_error *err)
{
	sqlite3_stmt	*st = NULL;
	int		 rc;

	rc = sqlite3_prepare_v2(j->db, sql, -1, &st, NULL);
	if (rc != SQLITE_OK) {
		journal_sql_error(j, rc, err, "preparing a query");
		return NULL;
	}
	return st;
}

/* Bind a text or NULL. */
static void
journal_bind_text(sqlite3_stmt *st, int col, const char *s)
{
	if (s != NULL)
		sqlite3_bind_text(st, col, s, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, col);
}

/* Step a statement that returns no row, and finalize it. */
static enum ferry_code
journal_step_done(struct journal *j, sqlite3_stmt *st, const char *what,
    struct ferry_error *err)
{
	int	 rc;

	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return journal_sql_error(j, rc, err, what);
	return FERRY_OK;
}

static char *
journal_col_dup(sqlite3_stmt *st, int col)
{
	const unsigned char *t = sqlite3_column_text(st, col);

	return t != NULL ? xstrdup((const char *)t) : NULL;
}

/* -------- jobs -------- */

static void
journal_job_row(struct journal *j, sqlite3_stmt *st, struct journal_job *o)
{
	cJSON		*arr, *e;
	const char	*srcs;
	size_t		 n = 0;

	memset(o, 0, sizeof *o);
	o->id = sqlite3_column_int64(st, 0);
	o->kind = journal_col_dup(st, 1);
	srcs = (const char *)sqlite3_column_text(st, 2);
	arr = srcs != NULL ? cJSON_Parse(srcs) : NULL;
	o->srcs = xcalloc((size_t)(cJSON_IsArray(arr) ?
	    cJSON_GetArraySize(arr) : 0) + 1, sizeof *o->srcs);
	cJSON_ArrayForEach(e, arr) {
		if (cJSON_IsString(e))
			o->srcs[n++] = xstrdup(e->valuestring);
	}
	o->nsrcs = n;
	cJSON_Delete(arr);
	o->dst = journal_col_dup(st, 3);
	o->store_dir = journal_col_dup(st, 4);
	o->conflict = journal_col_dup(st, 5);
	o->mime = journal_col_dup(st, 6);
	o->metadata = journal_col_dup(st, 7);
	o->state = journal_col_dup(st, 8);
	o->owner_pid = sqlite3_column_int64(st, 9);
	o->mine = o->owner_pid == (int64_t)getpid() &&
	    sqlite3_column_int64(st, 10) == j->start &&
	    sqlite3_column_text(st, 11) != NULL &&
	    strcmp((const char *)sqlite3_column_text(st, 11), j->boot) == 0;
	o->alive = o->mine || journal_owner_alive(
	    (const char *)sqlite3_column_text(st, 11), (long)o->owner_pid,
	    sqlite3_column_int64(st, 10), j->boot);
	o->created = sqlite3_column_int64(st, 12);
	o->updated = sqlite3_column_int64(st, 13);
	o->bytes_total = (uint64_t)sqlite3_column_int64(st, 14);
	o->bytes_done = (uint64_t)sqlite3_column_int64(st, 15);
	o->items_total = (uint64_t)sqlite3_column_int64(st, 16);
	o->items_done = (uint64_t)sqlite3_column_int64(st, 17);
	o->items_failed = (uint64_t)sqlite3_column_int64(st, 18);
	o->items_skipped = (uint64_t)sqlite3_column_int64(st, 19);
	o->error = journal_col_dup(st, 20);
}

void
journal_job_done(struct journal_job *job)
{
	size_t	 i;

	if (job == NULL)
		return;
	for (i = 0; i < job->nsrcs; i++)
		free(job->srcs[i]);
	free(job->srcs);
	free(job->kind);
	free(job->dst);
	free(job->store_dir);
	free(job->conflict);
	free(job->mime);
	free(job->metadata);
	free(job->state);
	free(job->error);
	memset(job, 0, sizeof *job);
}

bool
journal_job_interrupted(const struct journal_job *job)
{
	if (job->alive || job->state == NULL)
		return false;
	return strcmp(job->state, "queued") == 0 ||
	    strcmp(job->state, "running") == 0 ||
	    strcmp(job->state, "paused") == 0;
}

enum ferry_code
journal_job_add(struct journal *j, const struct journal_new *in,
    int64_t *id, struct ferry_error *err)
{
	sqlite3_stmt	*st;
	enum ferry_code	 result;
	cJSON		*arr;
	char		*srcs;
	int64_t		 now = ferry_now_ms();
	size_t		 i;

	arr = cJSON_CreateArray();
	for (i = 0; i < in->nsrcs; i++)
		cJSON_AddItemToArray(arr, cJSON_CreateString(in->srcs[i]));
	srcs = cJSON_PrintUnformatted(arr);
	cJSON_Delete(arr);
	pthread_mutex_lock(&j->lock);
	st = journal_prepare(j, "INSERT INTO jobs (kind, srcs, dst, "
	    "store_dir, conflict, mime, metadata, state, owner_pid, "
	    "owner_start, owner_boot, created, updated) VALUES "
	    "(?, ?, ?, ?, ?, ?, ?, 'queued', ?, ?, ?, ?, ?)", err);
	if (st == NULL) {
		result = err != NULL ? err->code : FERRY_E_IO;
		goto out;
	}
	journal_bind_text(st, 1, in->kind);
	journal_bind_text(st, 2, srcs);
	journal_bind_text(st, 3, in->dst);
	journal_bind_text(st, 4, in->store_dir);
	journal_bind_text(st, 5, in->conflict);
	journal_bind_text(st, 6, in->mime);
	journal_bind_text(st, 7, in->metadata);
	sqlite3_bind_int64(st, 8, (int64_t)getpid());
	sqlite3_bind_int64(st, 9, j->start);
	journal_bind_text(st, 10, j->boot);
	sqlite3_bind_int64(st, 11, now);
	sqlite3_bind_int64(st, 12, now);
	result = journal_step_done(j, st, "recording a job", err);
	if (result == FERRY_OK)
		*id = sqlite3_last_insert_rowid(j->db);
out:
	pthread_mutex_unlock(&j->lock);
	cJSON_free(srcs);
	return result;
}

enum ferry_code
journal_job_state(struct journal *j, int64_t id, const char *state,
    const char *error, struct ferry_error *err)
{
	sqlite3_stmt	*st;
	enum ferry_code	 result;

	pthread_mutex_lock(&j->lock);
	st = journal_prepare(j, "UPDATE jobs SET state = ?, error = ?, "
	    "updated = ? WHERE id = ?", err);
	if (st == NULL)
		result = err != NULL ? err->code : FERRY_E_IO;
	else {
		journal_bind_text(st, 1, state);
		journal_bind_text(st, 2, error);
		sqlite3_bind_int64(st, 3, ferry_now_ms());
		sqlite3_bind_int64(st, 4, id);
		result = journal_step_done(j, st, "updating a job", err);
	}
	pthread_mutex_unlock(&j->lock);
	return result;
}

enum ferry_code
journal_job_mark(struct journal *j, int64_t id, const char *state,
    struct ferry_error *err)
{
	sqlite3_stmt	*st;
	enum ferry_code	 result;

	pthread_mutex_lock(&j->lock);
	st = journal_prepare(j, "UPDATE jobs SET state = ?, updated = ? "
	    "WHERE id = ? AND state NOT IN ('done', 'failed', 'cancelled')",
	    err);
	if (st == NULL)
		result = err != NULL ? err->code : FERRY_E_IO;
	else {
		journal_bind_text(st, 1, state);
		sqlite3_bind_int64(st, 2, ferry_now_ms());
		sqlite3_bind_int64(st, 3, id);
		result = journal_step_done(j, st, "updating a job", err);
	}
	pthread_mutex_unlock(&j->lock);
	return result;
}

enum ferry_code
journal_job_counts(struct journal *j, int64_t id,
    const struct journal_job *in, struct ferry_error *err)
{
	sqlite3_stmt	*st;
	enum ferry_code	 result;

	pthread_mutex_lock(&j->lock);
	st = journal_prepare(j, "UPDATE jobs SET bytes_total = ?, "
	    "bytes_done = ?, items_total = ?, items_done = ?, "
	    "items_failed = ?, items_skipped = ?, updated = ? WHERE id = ?",
	    err);
	if (st == NULL)
		result = err != NULL ? err->code : FERRY_E_IO;
	else {
		sqlite3_bind_int64(st, 1, (int64_t)in->bytes_total);
		sqlite3_bind_int64(st, 2, (int64_t)in->bytes_done);
		sqlite3_bind_int64(st, 3, (int64_t)in->items_total);
		sqlite3_bind_int64(st, 4, (int64_t)in->items_done);
		sqlite3_bind_int64(st, 5, (int64_t)in->items_failed);
		sqlite3_bind_int64(st, 6, (int64_t)in->items_skipped);
		sqlite3_bind_int64(st, 7, ferry_now_ms());
		sqlite3_bind_int64(st, 8, id);
		result = journal_step_done(j, st, "updating a job", err);
	}
	pthread_mutex_unlock(&j->lock);
	return result;
}

/* Read job id; called with the lock held. */
static enum ferry_code
journal_job_get_locked(struct journal *j, int64_t id,
    struct journal_job *out, struct ferry_error *err)
{
	sqlite3_stmt	*st;
	int		 rc;

	memset(out, 0, sizeof *out);
	st = journal_prepare(j, "SELECT " JOURNAL_JOB_COLS " FROM jobs "
	    "WHERE id = ?", err);
	if (st == NULL)
		return err != NULL ? err->code : FERRY_E_IO;
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		journal_job_row(j, st, out);
	sqlite3_finalize(st);
	if (rc == SQLITE_ROW)
		return FERRY_OK;
	if (rc == SQLITE_DONE)
		return ferry_error_set(err, FERRY_E_NOT_FOUND, "no job %lld in "
		    "the journal %s", (long long)id, j->path);
	return journal_sql_error(j, rc, err, "reading a job");
}

enum ferry_code
journal_job_get(struct journal *j, int64_t id, struct journal_job *out,
    struct ferry_error *err)
{
	enum ferry_code	 result;

	pthread_mutex_lock(&j->lock);
	result = journal_job_get_locked(j, id, out, err);
	pthread_mutex_unlock(&j->lock);
	return result;
}

enum ferry_code
journal_jobs(struct journal *j, journal_job_cb cb, void *ud,
    struct ferry_error *err)
{
	struct journal_job	*v = NULL;
	sqlite3_stmt		*st;
	enum ferry_code		 result = FERRY_OK;
	size_t			 n = 0, i;
	int			 rc;

	/* Copy the rows out first: cb may call back into the journal. */
	pthread_mutex_lock(&j->lock);
	st = journal_prepare(j, "SELECT " JOURNAL_JOB_COLS " FROM jobs "
	    "ORDER BY id", err);
	if (st == NULL) {
		pthread_mutex_unlock(&j->lock);
		return err != NULL ? err->code : FERRY_E_IO;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		v = xreallocarray(v, n + 1, sizeof *v);
		journal_job_row(j, st, &v[n++]);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		result = journal_sql_error(j, rc, err, "listing jobs");
	pthread_mutex_unlock(&j->lock);
	for (i = 0; i < n; i++) {
		if (result == FERRY_OK)
			result = cb(&v[i], ud);
		journal_job_done(&v[i]);
	}
	free(v);
	return result;
}

enum ferry_code
journal_job_claim(struct journal *j, int64_t id, struct ferry_error *err)
{
	struct journal_job	 job;
	sqlite3_stmt		*st;
	enum ferry_code		 result;

	pthread_mutex_lock(&j->lock);
	if ((result = journal_exec(j, "BEGIN IMMEDIATE", err)) != FERRY_OK)
		goto out;
	if ((result = journal_job_get_locked(j, id, &job, err)) != FERRY_OK)
		goto rollback;
	if (job.alive && !job.mine)
		result = ferry_error_set(err, FERRY_E_BUSY, "job %lld is "
		    "being run by process %lld", (long long)id,
		    (long long)job.owner_pid);
	else if (strcmp(job.state, "done") == 0 ||
	    strcmp(job.state, "cancelled") == 0)
		result = ferry_error_set(err, FERRY_E_INVALID, "job %lld is %s;"
		    " there is nothing to resume", (long long)id, job.state);
	journal_job_done(&job);
	if (result != FERRY_OK)
		goto rollback;
	st = journal_prepare(j, "UPDATE jobs SET state = 'queued', "
	    "error = NULL, owner_pid = ?, owner_start = ?, owner_boot = ?, "
	    "updated = ? WHERE id = ?", err);
	if (st == NULL) {
		result = err != NULL ? err->code : FERRY_E_IO;
		goto rollback;
	}
	sqlite3_bind_int64(st, 1, (int64_t)getpid());
	sqlite3_bind_int64(st, 2, j->start);
	journal_bind_text(st, 3, j->boot);
	sqlite3_bind_int64(st, 4, ferry_now_ms());
	sqlite3_bind_int64(st, 5, id);
	if ((result = journal_step_done(j, st, "claiming a job", err)) !=
	    FERRY_OK)
		goto rollback;
	result = journal_exec(j, "COMMIT", err);
	goto out;
rollback:
	(void)sqlite3_exec(j->db, "ROLLBACK", NULL, NULL, NULL);
out:
	pthread_mutex_unlock(&j->lock);
	return result;
}

/* Remove one job row (its entries go with it); lock held. */
static enum ferry_code
journal_delete_job(struct journal *j, int64_t id, struct ferry_error *err)
{
	sqlite3_stmt	*st;

	st = journal_prepare(j, "DELETE FROM jobs WHERE id = ?", err);
	if (st == NULL)
		return err != NULL ? err->code : FERRY_E_IO;
	sqlite3_bind_int64(st, 1, id);
	return journal_step_done(j, st, "removing a job", err);
}

enum ferry_code
journal_clear(struct journal *j, int64_t id, bool force, uint64_t *n,
    struct ferry_error *err)
{
	struct journal_job	 job;
	sqlite3_stmt		*st;
	enum ferry_code		 result = FERRY_OK;
	bool			 finished;
	int			 rc;

	if (n != NULL)
		*n = 0;
	(void)journal_flush(j, NULL);
	pthread_mutex_lock(&j->lock);
	if (id != 0) {
		if ((result = journal_job_get_locked(j, id, &job, err)) !=
		    FERRY_OK)
			goto out;
		finished = strcmp(job.state, "done") == 0 ||
		    strcmp(job.state, "failed") == 0 ||
		    strcmp(job.state, "cancelled") == 0;
		if (job.alive && !finished)
			result = ferry_error_set(err, FERRY_E_BUSY, "job %lld "
			    "is running (process %lld)", (long long)id,
			    (long long)job.owner_pid);
		else if (!finished && !force)
			result = ferry_error_set(err, FERRY_E_BUSY, "job %lld "
			    "was interrupted and can be resumed", (long long)id);
		journal_job_done(&job);
		if (result == FERRY_OK &&
		    (result = journal_delete_job(j, id, err)) == FERRY_OK &&
		    n != NULL)
			*n = 1;
		goto out;
	}
	st = journal_prepare(j, "DELETE FROM jobs WHERE state IN ('done', "
	    "'failed', 'cancelled')", err);
	if (st == NULL) {
		result = err != NULL ? err->code : FERRY_E_IO;
		goto out;
	}
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		result = journal_sql_error(j, rc, err, "clearing jobs");
	else if (n != NULL)
		*n = (uint64_t)sqlite3_changes(j->db);
out:
	pthread_mutex_unlock(&j->lock);
	return result;
}

enum ferry_code
journal_count_interrupted(const char *path, uint64_t *n,
    struct ferry_error *err)
{
	struct journal	 tmp;
	sqlite3		*db = NULL;
	sqlite3_stmt	*st = NULL;
	char		*def = NULL;
	int		 rc;

	*n = 0;
	if (path == NULL && (path = def = journal_default_path()) == NULL)
		return FERRY_OK;
	if (access(path, F_OK) != 0) {
		free(def);
		return FERRY_OK;
	}
	memset(&tmp, 0, sizeof tmp);
	journal_read_boot(tmp.boot);
	rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v2(db, "SELECT owner_pid, owner_start, "
		    "owner_boot FROM jobs WHERE state IN ('queued', "
		    "'running', 'paused')", -1, &st, NULL);
	while (rc == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW) {
		if (!journal_owner_alive((const char *)sqlite3_column_text(st,
		    2), (long)sqlite3_column_int64(st, 0),
		    sqlite3_column_int64(st, 1), tmp.boot))
			(*n)++;
	}
	sqlite3_finalize(st);
	sqlite3_close(db);
	free(def);
	(void)err;	/* a journal we cannot read says nothing */
	return FERRY_OK;
}

/* -------- entries -------- */

enum ferry_code
journal_items_put(struct journal *j, int64_t job,
    const struct journal_item *v, size_t n, struct ferry_error *err)
{
	sqlite3_stmt	*st = NULL;
	enum ferry_code	 result;
	size_t		 i;
	int		 rc = SQLITE_DONE;

	if (n == 0)
		return FERRY_OK;
	pthread_mutex_lock(&j->lock);
	if ((result = journal_exec(j, "BEGIN IMMEDIATE", err)) != FERRY_OK)
		goto out;
	st = journal_prepare(j, "INSERT OR REPLACE INTO items (job, "
	    JOURNAL_ITEM_COLS ") VALUES "
	    "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", err);
	if (st == NULL) {
		result = err != NULL ? err->code : FERRY_E_IO;
		(void)sqlite3_exec(j->db, "ROLLBACK", NULL, NULL, NULL);
		goto out;
	}
	for (i = 0; i < n && rc == SQLITE_DONE; i++) {
		sqlite3_bind_int64(st, 1, job);
		journal_bind_text(st, 2, v[i].src);
		journal_bind_text(st, 3, v[i].dst);
		sqlite3_bind_int(st, 4, v[i].kind);
		sqlite3_bind_int(st, 5, (int)v[i].state);
		sqlite3_bind_int(st, 6, (int)v[i].exists);
		sqlite3_bind_int64(st, 7, (int64_t)v[i].size);
		sqlite3_bind_int64(st, 8, v[i].mtime);
		journal_bind_text(st, 9, v[i].checksum);
		journal_bind_text(st, 10, v[i].token);
		sqlite3_bind_int64(st, 11, (int64_t)v[i].committed);
		journal_bind_text(st, 12, v[i].boot);
		sqlite3_bind_int64(st, 13, (int64_t)v[i].bytes_read);
		journal_bind_text(st, 14, v[i].error);
		rc = sqlite3_step(st);
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		result = journal_sql_error(j, rc, err, "recording entries");
		(void)sqlite3_exec(j->db, "ROLLBACK", NULL, NULL, NULL);
		goto out;
	}
	result = journal_exec(j, "COMMIT", err);
out:
	pthread_mutex_unlock(&j->lock);
	return result;
}

static const char *
journal_arena_col(sqlite3_stmt *st, int col, struct ferry_arena *a)
{
	const unsigned char *t = sqlite3_column_text(st, col);

	return t != NULL ? ferry_arena_strdup(a, (const char *)t) : NULL;
}

static void
journal_item_row(sqlite3_stmt *st, struct journal_item *o,
    struct ferry_arena *a)
{
	memset(o, 0, sizeof *o);
	o->src = journal_arena_col(st, 0, a);
	o->dst = journal_arena_col(st, 1, a);
	o->kind = (uint8_t)sqlite3_column_int(st, 2);
	o->state = (enum journal_istate)sqlite3_column_int(st, 3);
	o->exists = (enum ferry_exists)sqlite3_column_int(st, 4);
	o->size = (uint64_t)sqlite3_column_int64(st, 5);
	o->mtime = sqlite3_column_int64(st, 6);
	o->checksum = journal_arena_col(st, 7, a);
	o->token = journal_arena_col(st, 8, a);
	o->committed = (uint64_t)sqlite3_column_int64(st, 9);
	o->boot = journal_arena_col(st, 10, a);
	o->bytes_read = (uint64_t)sqlite3_column_int64(st, 11);
	o->error = journal_arena_col(st, 12, a);
}

/* Write the queued ends in one transaction; lock held. */
static enum ferry_code
journal_flush_locked(struct journal *j, struct ferry_error *err)
{
	sqlite3_stmt	*st;
	enum ferry_code	 result;
	size_t		 i;
	int		 rc = SQLITE_DONE;

	j->last_flush_ns = ferry_mono_ns();
	if (j->nends == 0)
		return FERRY_OK;
	if ((result = journal_exec(j, "BEGIN IMMEDIATE", err)) != FERRY_OK)
		return result;
	st = journal_prepare(j, "UPDATE items SET state = ?, bytes_read = "
	    "bytes_read + ?, error = ?, token = CASE WHEN ? = 0 THEN token "
	    "ELSE NULL END WHERE job = ? AND src = ?", err);
	for (i = 0; st != NULL && i < j->nends && rc == SQLITE_DONE; i++) {
		sqlite3_bind_int(st, 1, (int)j->ends[i].state);
		sqlite3_bind_int64(st, 2, (int64_t)j->ends[i].bytes_read);
		journal_bind_text(st, 3, j->ends[i].error);
		sqlite3_bind_int(st, 4, j->ends[i].state == JOURNAL_DONE);
		sqlite3_bind_int64(st, 5, j->ends[i].job);
		journal_bind_text(st, 6, j->ends[i].src);
		rc = sqlite3_step(st);
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	if (st == NULL || rc != SQLITE_DONE) {
		result = st == NULL ? (err != NULL ? err->code : FERRY_E_IO) :
		    journal_sql_error(j, rc, err, "recording entries");
		(void)sqlite3_exec(j->db, "ROLLBACK", NULL, NULL, NULL);
		return result;
	}
	if ((result = journal_exec(j, "COMMIT", err)) != FERRY_OK)
		return result;
	for (i = 0; i < j->nends; i++) {
		free(j->ends[i].src);
		free(j->ends[i].error);
	}
	j->nends = 0;
	return FERRY_OK;
}

enum ferry_code
journal_flush(struct journal *j, struct ferry_error *err)
{
	enum ferry_code	 result;

	pthread_mutex_lock(&j->lock);
	result = journal_flush_locked(j, err);
	pthread_mutex_unlock(&j->lock);
	return result;
}

void
journal_item_end(struct journal *j, int64_t job, const char *src,
    enum journal_istate state, uint64_t bytes_read, const char *error)
{
	struct journal_end	*e;

	pthread_mutex_lock(&j->lock);
	if (j->nends == j->capends) {
		j->capends = j->capends != 0 ? j->capends * 2 : 64;
		j->ends = xreallocarray(j->ends, j->capends, sizeof *j->ends);
	}
	e = &j->ends[j->nends++];
	e->job = job;
	e->src = xstrdup(src);
	e->state = state;
	e->bytes_read = bytes_read;
	e->error = error != NULL ? xstrdup(error) : NULL;
	if (j->nends >= JOURNAL_BATCH || ferry_mono_ns() - j->last_flush_ns >=
	    (uint64_t)JOURNAL_FLUSH_MS * 1000000u)
		(void)journal_flush_locked(j, NULL);	/* kept: retried later */
	pthread_mutex_unlock(&j->lock);
}

enum ferry_code
journal_item_get(struct journal *j, int64_t job, const char *src,
    struct journal_item *out, struct ferry_arena *a, struct ferry_error *err)
{
	sqlite3_stmt	*st;
	enum ferry_code	 result;
	int		 rc;

	memset(out, 0, sizeof *out);
	pthread_mutex_lock(&j->lock);
	if ((result = journal_flush_locked(j, err)) != FERRY_OK)
		goto out;
	st = journal_prepare(j, "SELECT " JOURNAL_ITEM_COLS " FROM items "
	    "WHERE job = ? AND src = ?", err);
	if (st == NULL) {
		result = err != NULL ? err->code : FERRY_E_IO;
		goto out;
	}
	sqlite3_bind_int64(st, 1, job);
	journal_bind_text(st, 2, src);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		journal_item_row(st, out, a);
	sqlite3_finalize(st);
	if (rc == SQLITE_DONE)
		result = FERRY_E_NOT_FOUND;	/* not an error to report */
	else if (rc != SQLITE_ROW)
		result = journal_sql_error(j, rc, err, "reading an entry");
out:
	pthread_mutex_unlock(&j->lock);
	return result;
}

enum ferry_code
journal_item_partial(struct journal *j, int64_t job, const char *src,
    const char *token, uint64_t committed, struct ferry_error *err)
{
	sqlite3_stmt	*st;
	enum ferry_code	 result;

	pthread_mutex_lock(&j->lock);
	st = journal_prepare(j, "UPDATE items SET token = ?, committed = ?, "
	    "boot = ? WHERE job = ? AND src = ?", err);
	if (st == NULL)
		result = err != NULL ? err->code : FERRY_E_IO;
	else {
		journal_bind_text(st, 1, token);
		sqlite3_bind_int64(st, 2, (int64_t)committed);
		journal_bind_text(st, 3, j->boot);
		sqlite3_bind_int64(st, 4, job);
		journal_bind_text(st, 5, src);
		result = journal_step_done(j, st, "recording a partial write",
		    err);
	}
	pthread_mutex_unlock(&j->lock);
	return result;
}

/* Call cb for each row of a query on items with the job bound first. */
static enum ferry_code
journal_items_query(struct journal *j, const char *sql, int64_t job,
    int state, journal_item_cb cb, void *ud, struct ferry_error *err)
{
	struct journal_item	*v = NULL;
	struct ferry_arena	 a;
	sqlite3_stmt		*st;
	enum ferry_code		 result = FERRY_OK;
	size_t			 n = 0, i;
	int			 rc;

	ferry_arena_init(&a);
	pthread_mutex_lock(&j->lock);
	if ((result = journal_flush_locked(j, err)) != FERRY_OK ||
	    (st = journal_prepare(j, sql, err)) == NULL) {
		pthread_mutex_unlock(&j->lock);
		ferry_arena_done(&a);
		return result != FERRY_OK ? result : err != NULL ? err->code :
		    FERRY_E_IO;
	}
	sqlite3_bind_int64(st, 1, job);
	if (state >= 0)
		sqlite3_bind_int(st, 2, state);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		v = xreallocarray(v, n + 1, sizeof *v);
		journal_item_row(st, &v[n++], &a);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		result = journal_sql_error(j, rc, err, "listing entries");
	pthread_mutex_unlock(&j->lock);
	for (i = 0; i < n && result == FERRY_OK; i++)
		result = cb(&v[i], ud);
	free(v);
	ferry_arena_done(&a);
	return result;
}

enum ferry_code
journal_items(struct journal *j, int64_t job, int state, journal_item_cb cb,
    void *ud, struct ferry_error *err)
{
	return journal_items_query(j, state >= 0 ?
	    "SELECT " JOURNAL_ITEM_COLS " FROM items WHERE job = ? AND "
	    "state = ? ORDER BY src" :
	    "SELECT " JOURNAL_ITEM_COLS " FROM items WHERE job = ? "
	    "ORDER BY src", job, state, cb, ud, err);
}

enum ferry_code
journal_partials(struct journal *j, int64_t job, journal_item_cb cb,
    void *ud, struct ferry_error *err)
{
	return journal_items_query(j, "SELECT " JOURNAL_ITEM_COLS " FROM "
	    "items WHERE job = ? AND token IS NOT NULL", job, -1, cb, ud,
	    err);
}
