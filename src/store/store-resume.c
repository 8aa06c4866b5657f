/* SPDX-License-Identifier: MIT */
/*
 * Resumable uploads (see store-resume.h): a session file in DIR/tmp that
 * survives its writer, reopened by UUID, committed like store_put().
 *
 * The commit follows store-blob.c and store-upload.c step by step (seal
 * the file, then under one write transaction: check the target again,
 * check the limits, place the blob, insert or replace the row), so every
 * way of putting content gives the same crash guarantees.
 *
 * Threads: the store handle's thread.
 */
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "core/util.h"
#include "mime/mime.h"
#include "store/store-int.h"
#include "store/store-resume.h"

#define RESUME_BUF		(1024 * 1024)
#define RESUME_MIME_MAX		255

struct store_resume {
	struct store	*s;
	char		 folder[STORE_ID_SIZE];
	char		*name;
	enum ferry_exists exists;
	char		*mime;		/* declared, or NULL: detect */
	char		*metadata;	/* normalised JSON, or NULL */
	char		 uuid[STORE_ID_SIZE];
	char		*tmp;		/* DIR/tmp/<pid>-<uuid>.tmp */
	int		 fd;
	uint64_t	 size;
	EVP_MD_CTX	*md;
	uint64_t	 hashed;	/* bytes of the file fed to md */
	char		 sha[STORE_SHA_HEX + 1];
};

/* -------- checks before the bytes -------- */

/* Validate and normalise mime and metadata. */
static enum ferry_code
resume_opts(struct store_resume *r, const struct ferry_write_opts *o,
    struct ferry_error *err)
{
	const char	*p;
	size_t		 len;

	if (o == NULL)
		return FERRY_OK;
	r->exists = o->exists;
	if (o->metadata != NULL && store_check_json("client_metadata",
	    o->metadata, false, &r->metadata, err) != FERRY_OK)
		return STORE_ERR(err);
	if (o->mime == NULL)
		return FERRY_OK;
	len = strlen(o->mime);
	if (len == 0 || len > RESUME_MIME_MAX || strchr(o->mime, '/') == NULL)
		return ferry_error_set(err, FERRY_E_INVALID,
		    "MIME type \"%.64s\" is not of the form type/subtype",
		    o->mime);
	for (p = o->mime; *p != '\0'; p++)
		if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7f)
			return ferry_error_set(err, FERRY_E_INVALID,
			    "MIME type has a space, control or non-ASCII"
			    " character at byte %td", p - o->mime);
	r->mime = xstrdup(o->mime);
	return FERRY_OK;
}

/*
 * Where the item goes: the folder, and the item it replaces (old->nid 0
 * when none).  Checked when the session opens and again under the lock.
 */
static enum ferry_code
resume_target(struct store_resume *r, struct store_node *folder,
    struct store_node *old, struct ferry_error *err)
{
	enum ferry_code	 result;
	char		*path;
	const char	*sep;

	memset(old, 0, sizeof *old);
	if ((result = store_lookup(r->s, r->folder, folder, err)) != FERRY_OK)
		return result;
	if (folder->kind == FERRY_KIND_FOLDER) {
		result = store_child(r->s, folder->nid, r->name, old, err);
		if (result == FERRY_E_NOT_FOUND) {
			memset(old, 0, sizeof *old);
			return FERRY_OK;
		}
		if (result != FERRY_OK)
			return result;
		if (old->kind == FERRY_KIND_ITEM &&
		    r->exists == FERRY_EXISTS_OVERWRITE)
			return FERRY_OK;
	}
	path = store_nid_path(r->s, folder->nid);
	sep = strcmp(path, "/") == 0 ? "" : "/";
	if (folder->kind != FERRY_KIND_FOLDER)
		result = ferry_error_set(err, FERRY_E_NOT_FOLDER,
		    "\"%s\": not a folder", path);
	else if (old->kind == FERRY_KIND_FOLDER)
		result = ferry_error_set(err, FERRY_E_EXISTS,
		    "\"%s%s%s\" already exists (a folder; it is never"
		    " replaced by an item)", path, sep, r->name);
	else
		result = ferry_error_set(err, FERRY_E_EXISTS,
		    "\"%s%s%s\" already exists (an item)", path, sep,
		    r->name);
	free(path);
	return result;
}

/* -------- the session file -------- */

static bool
resume_is_uuid(const char *t)
{
	size_t	 i;

	if (strlen(t) != STORE_ID_SIZE - 1)
		return false;
	for (i = 0; t[i] != '\0'; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (t[i] != '-')
				return false;
		} else if (!isxdigit((unsigned char)t[i]))
			return false;
	}
	return true;
}

static enum ferry_code
resume_create(struct store_resume *r, struct ferry_error *err)
{
	store_uuid(r->uuid);
	r->tmp = xasprintf("%s/%ld-%s.tmp", r->s->tmp_dir, (long)getpid(),
	    r->uuid);
	r->fd = open(r->tmp, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (r->fd == -1)
		return ferry_error_errno(err, errno, "store %s: creating a "
		    "temporary file for \"%s\"", r->s->dir, r->name);
	(void)flock(r->fd, LOCK_EX | LOCK_NB);
	return FERRY_OK;
}

/*
 * Find the session file "<pid>-<token>.tmp" in tmp/; *pid gets its pid.
 * NULL when there is none.
 */
static char *
resume_find(struct store *s, const char *token, long *pid)
{
	DIR		*d;
	struct dirent	*e;
	char		*end, *found = NULL;
	size_t		 n;

	if ((d = opendir(s->tmp_dir)) == NULL)
		return NULL;
	while (found == NULL && (e = readdir(d)) != NULL) {
		*pid = strtol(e->d_name, &end, 10);
		if (end == e->d_name || *end != '-' || *pid <= 0)
			continue;
		n = strlen(token);
		if (strncmp(end + 1, token, n) == 0 &&
		    strcmp(end + 1 + n, ".tmp") == 0)
			found = xasprintf("%s/%s", s->tmp_dir, e->d_name);
	}
	closedir(d);
	return found;
}

/* Reopen session `token`, claiming it for this process. */
static enum ferry_code
resume_reopen(struct store_resume *r, const char *token,
    struct ferry_error *err)
{
	struct stat	 sb;
	char		*old;
	long		 pid = 0;

	if (!resume_is_uuid(token))
		return ferry_error_set(err, FERRY_E_INVALID, "store %s: \"%.40s"
		    "\" is not a resumable upload", r->s->dir, token);
	snprintf(r->uuid, sizeof r->uuid, "%s", token);
	if ((old = resume_find(r->s, token, &pid)) == NULL)
		return ferry_error_set(err, FERRY_E_NOT_FOUND, "store %s: the "
		    "resumable upload %s is gone", r->s->dir, token);
	r->tmp = xasprintf("%s/%ld-%s.tmp", r->s->tmp_dir, (long)getpid(),
	    r->uuid);
	if (pid != (long)getpid() && (kill((pid_t)pid, 0) == 0 ||
	    errno == EPERM)) {
		free(old);
		return ferry_error_set(err, FERRY_E_BUSY, "store %s: the "
		    "resumable upload %s is held by process %ld", r->s->dir,
		    token, pid);
	}
	/* The rename is the claim: store_gc() now sees a live writer. */
	if (strcmp(old, r->tmp) != 0 && rename(old, r->tmp) == -1) {
		free(old);
		return ferry_error_errno(err, errno == ENOENT ? ENOENT : errno,
		    "store %s: claiming the resumable upload %s", r->s->dir,
		    token);
	}
	free(old);
	r->fd = open(r->tmp, O_RDWR | O_NOFOLLOW | O_CLOEXEC);
	if (r->fd == -1 || fstat(r->fd, &sb) == -1 || !S_ISREG(sb.st_mode))
		return ferry_error_errno(err, r->fd == -1 ? errno : EINVAL,
		    "store %s: reopening %s", r->s->dir, r->tmp);
	if (flock(r->fd, LOCK_EX | LOCK_NB) == -1)
		return ferry_error_set(err, FERRY_E_BUSY, "store %s: the "
		    "resumable upload %s is being written elsewhere",
		    r->s->dir, token);
	r->size = (uint64_t)sb.st_size;
	return FERRY_OK;
}

static void
resume_free(struct store_resume *r, bool keep)
{
	if (r->fd != -1)
		close(r->fd);
	if (!keep && r->tmp != NULL)
		unlink(r->tmp);
	EVP_MD_CTX_free(r->md);
	free(r->tmp);
	free(r->name);
	free(r->mime);
	free(r->metadata);
	free(r);
}

enum ferry_code
store_resume_open(struct store *s, const char *folder_id, const char *name,
    const struct ferry_write_opts *o, const char *token,
    struct store_resume **out, struct ferry_error *err)
{
	struct store_resume	*r;
	struct store_node	 folder, old;
	enum ferry_code		 result;

	*out = NULL;
	if (name == NULL)
		return ferry_error_set(err, FERRY_E_INVALID_NAME,
		    "no item name given");
	r = xcalloc(1, sizeof *r);
	r->s = s;
	r->fd = -1;
	r->name = xstrdup(name);
	snprintf(r->folder, sizeof r->folder, "%s", folder_id);
	if ((result = resume_opts(r, o, err)) != FERRY_OK)
		goto fail;
	if ((result = resume_target(r, &folder, &old, err)) != FERRY_OK)
		goto fail;
	if ((result = store_name_ok(s, folder.nid, name, err)) != FERRY_OK)
		goto fail;
	r->md = EVP_MD_CTX_new();
	if (r->md == NULL || EVP_DigestInit_ex(r->md, EVP_sha256(),
	    NULL) != 1) {
		result = ferry_error_set(err, FERRY_E_INTERNAL,
		    "sha256 is not available from libcrypto");
		goto fail;
	}
	result = token == NULL ? resume_create(r, err) :
	    resume_reopen(r, token, err);
	if (result != FERRY_OK)
		goto fail;
	*out = r;
	return FERRY_OK;
fail:
	/* a reopened session that could not be used stays for later */
	resume_free(r, token != NULL);
	return result;
}

const char *
store_resume_token(const struct store_resume *r)
{
	return r->uuid;
}

uint64_t
store_resume_size(const struct store_resume *r)
{
	return r->size;
}

/* Feed md the bytes of the file it has not seen (a reopened prefix). */
static enum ferry_code
resume_catch_up(struct store_resume *r, struct ferry_error *err)
{
	unsigned char	*buf;
	ssize_t		 n;
	size_t		 want;

	if (r->hashed >= r->size)
		return FERRY_OK;
	buf = xmalloc(RESUME_BUF);
	while (r->hashed < r->size) {
		want = r->size - r->hashed < RESUME_BUF ?
		    (size_t)(r->size - r->hashed) : RESUME_BUF;
		n = pread(r->fd, buf, want, (off_t)r->hashed);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0) {
			free(buf);
			if (n == 0)
				return ferry_error_set(err, FERRY_E_CORRUPT,
				    "%s is shorter than expected", r->tmp);
			return ferry_error_errno(err, errno, "reading %s",
			    r->tmp);
		}
		EVP_DigestUpdate(r->md, buf, (size_t)n);
		r->hashed += (uint64_t)n;
	}
	free(buf);
	return FERRY_OK;
}

enum ferry_code
store_resume_write(struct store_resume *r, const void *buf, size_t len,
    struct ferry_error *err)
{
	enum ferry_code	 result;
	const char	*p = buf;
	ssize_t		 n;

	if ((result = resume_catch_up(r, err)) != FERRY_OK)
		return result;
	EVP_DigestUpdate(r->md, buf, len);
	while (len > 0) {
		n = pwrite(r->fd, p, len, (off_t)r->size);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return ferry_error_errno(err, errno, "store %s: writing "
			    "\"%s\"", r->s->dir, r->name);
		p += n;
		len -= (size_t)n;
		r->size += (uint64_t)n;
		r->hashed += (uint64_t)n;
	}
	return FERRY_OK;
}

enum ferry_code
store_resume_sync(struct store_resume *r, struct ferry_error *err)
{
	if (r->s->durable && fdatasync(r->fd) == -1)
		return ferry_error_errno(err, errno, "syncing %s", r->tmp);
	return FERRY_OK;
}

enum ferry_code
store_resume_read(struct store_resume *r, uint64_t offset, void *buf,
    size_t len, size_t *got, struct ferry_error *err)
{
	ssize_t	 n;

	*got = 0;
	if (offset >= r->size)
		return FERRY_OK;
	if (len > r->size - offset)
		len = (size_t)(r->size - offset);
	do
		n = pread(r->fd, buf, len, (off_t)offset);
	while (n == -1 && errno == EINTR);
	if (n == -1)
		return ferry_error_errno(err, errno, "reading %s", r->tmp);
	*got = (size_t)n;
	return FERRY_OK;
}

enum ferry_code
store_resume_truncate(struct store_resume *r, uint64_t len,
    struct ferry_error *err)
{
	if (len > r->size)
		return ferry_error_set(err, FERRY_E_INVALID, "cannot extend %s",
		    r->tmp);
	if (ftruncate(r->fd, (off_t)len) == -1)
		return ferry_error_errno(err, errno, "truncating %s", r->tmp);
	r->size = len;
	if (r->hashed > len) {
		EVP_DigestInit_ex(r->md, EVP_sha256(), NULL);
		r->hashed = 0;
	}
	return FERRY_OK;
}

/* -------- commit -------- */

/* The digest, the expected-sha check and the MIME type. */
static enum ferry_code
resume_finish(struct store_resume *r, const char *expect,
    struct ferry_error *err)
{
	unsigned char	 digest[EVP_MAX_MD_SIZE], *sniff;
	unsigned int	 dlen = 0, i;
	enum ferry_code	 result;
	size_t		 got;
	int		 rc;

	if ((result = resume_catch_up(r, err)) != FERRY_OK)
		return result;
	if (EVP_DigestFinal_ex(r->md, digest, &dlen) != 1 || dlen != 32)
		return ferry_error_set(err, FERRY_E_INTERNAL, "sha256 failed");
	for (i = 0; i < dlen; i++)
		snprintf(r->sha + 2 * i, 3, "%02x", digest[i]);
	if (expect != NULL && strcasecmp(expect, r->sha) != 0)
		return ferry_error_set(err, FERRY_E_CORRUPT, "\"%s\": content "
		    "has sha256 %s, expected %s; nothing stored", r->name,
		    r->sha, expect);
	if (r->mime == NULL) {
		sniff = xmalloc(MIME_SNIFF_BYTES);
		result = store_resume_read(r, 0, sniff, MIME_SNIFF_BYTES, &got,
		    err);
		if (result == FERRY_OK)
			r->mime = xstrdup(mime_detect(sniff, got));
		free(sniff);
		if (result != FERRY_OK)
			return result;
	}
	if (strlen(r->mime) > RESUME_MIME_MAX)
		r->mime[RESUME_MIME_MAX] = '\0';
	/* durable and read-only before it is placed */
	if (r->s->durable && fsync(r->fd) == -1)
		return ferry_error_errno(err, errno, "syncing %s", r->tmp);
	fchmod(r->fd, 0400);
	rc = close(r->fd);
	r->fd = -1;
	if (rc == -1)
		return ferry_error_errno(err, errno, "closing %s", r->tmp);
	return FERRY_OK;
}

static bool
resume_blob_present(struct store *s, const char *sha, uint64_t size)
{
	struct stat	 sb;
	char		*path;
	bool		 yes;

	path = store_blob_path(s, sha);
	yes = stat(path, &sb) == 0 && S_ISREG(sb.st_mode) &&
	    (uint64_t)sb.st_size == size;
	free(path);
	return yes;
}

/* Under the write lock: the sealed file into blobs/, or dropped. */
static enum ferry_code
resume_place(struct store_resume *r, struct ferry_error *err)
{
	enum ferry_code	 result = FERRY_OK;
	struct store	*s = r->s;
	char		*dir, *path;

	if (resume_blob_present(s, r->sha, r->size)) {
		unlink(r->tmp);
		free(r->tmp);
		r->tmp = NULL;
		return FERRY_OK;
	}
	dir = xasprintf("%s/%.2s", s->blob_dir, r->sha);
	path = xasprintf("%s/%s", dir, r->sha);
	if (mkdir(dir, 0700) == 0) {
		if (s->durable && store_fsync_dir(s->blob_dir) == -1)
			result = ferry_error_errno(err, errno, "syncing %s",
			    s->blob_dir);
	} else if (errno != EEXIST)
		result = ferry_error_errno(err, errno, "creating %s", dir);
	if (result == FERRY_OK && rename(r->tmp, path) == -1)
		result = ferry_error_errno(err, errno, "placing blob %s",
		    path);
	if (result == FERRY_OK) {
		free(r->tmp);
		r->tmp = NULL;
		if (s->durable && store_fsync_dir(dir) == -1)
			result = ferry_error_errno(err, errno, "syncing %s",
			    dir);
	}
	free(dir);
	free(path);
	return result;
}

static enum ferry_code
resume_row(struct store_resume *r, const struct store_node *folder,
    const struct store_node *old, int64_t *nid, struct ferry_error *err)
{
	struct store		*s = r->s;
	struct store_row	 row;
	sqlite3_stmt		*st;
	int			 rc;

	if (old->nid == 0) {
		memset(&row, 0, sizeof row);
		row.parent = folder->nid;
		row.kind = FERRY_KIND_ITEM;
		row.name = r->name;
		row.size = r->size;
		row.sha = r->sha;
		row.mime = r->mime;
		row.type = ferry_type_from_mime(r->mime);
		row.metadata = r->metadata;
		return store_insert(s, &row, nid, err);
	}
	if ((st = store_stmt(s, ST_PUT_REPLACE, err)) == NULL)
		return STORE_ERR(err);
	sqlite3_bind_int64(st, 1, old->nid);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)r->size);
	sqlite3_bind_text(st, 3, r->sha, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, r->mime, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 5, ferry_type_from_mime(r->mime));
	if (r->metadata != NULL)
		sqlite3_bind_text(st, 6, r->metadata, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 7, ferry_now_ms());
	sqlite3_bind_text(st, 8, store_user(s), -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return store_sql_error(s, rc, err, "store %s: replacing \"%s\"",
		    s->dir, r->name);
	*nid = old->nid;
	if (strcmp(old->sha, r->sha) != 0)
		return store_blob_release(s, old->sha, err);
	return FERRY_OK;
}

static enum ferry_code
resume_commit_txn(struct store_resume *r, int64_t *nid,
    struct ferry_error *err)
{
	enum ferry_code		 result;
	struct store_node	 folder, old;
	uint64_t		 add;

	if ((result = store_txn_begin(r->s, err)) != FERRY_OK)
		return result;
	if ((result = resume_target(r, &folder, &old, err)) != FERRY_OK)
		goto fail;
	add = old.nid == 0 ? r->size : r->size > old.size ?
	    r->size - old.size : 0;
	result = store_check_limits(r->s, folder.nid, old.nid == 0 ? 1 : 0,
	    add, err);
	if (result != FERRY_OK)
		goto fail;
	if ((result = resume_place(r, err)) != FERRY_OK)
		goto fail;
	if ((result = resume_row(r, &folder, &old, nid, err)) != FERRY_OK)
		goto fail;
	return store_txn_commit(r->s, err);
fail:
	store_txn_rollback(r->s);
	return result;
}

enum ferry_code
store_resume_commit(struct store_resume *r, const char *expect,
    struct ferry_entry *out, struct ferry_arena *a, struct ferry_error *err)
{
	enum ferry_code	 result;
	int64_t		 nid = 0;

	if ((result = resume_finish(r, expect, err)) == FERRY_OK &&
	    (result = resume_commit_txn(r, &nid, err)) == FERRY_OK &&
	    out != NULL)
		result = store_entry_nid(r->s, nid, out, a, err);
	/* placed: tmp is NULL; failed: the file goes */
	resume_free(r, false);
	return result;
}

void
store_resume_close(struct store_resume *r, bool keep)
{
	if (r != NULL)
		resume_free(r, keep);
}
