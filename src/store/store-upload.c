/* SPDX-License-Identifier: MIT */
/*
 * Content that arrives in pieces (see store-upload.h): push uploads,
 * multipart uploads and their parts, and opening blobs for sendfile.
 *
 * The commit of a push upload follows store-blob.c step by step (seal
 * the tmp file, then under one write transaction: check the target again,
 * check the limits, place the blob, insert or replace the row), so both
 * ways of putting content give the same crash guarantees.  store_put()
 * pulls from a reader; a push upload is fed by its caller, which is what
 * an HTTP server receiving a body in chunks needs.
 *
 * Threads: the store handle's thread (see store.h).
 */
#include <sys/stat.h>
#include <sys/types.h>

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
#include "store/store-upload.h"

#define UPLOAD_MIME_MAX		255
#define UPLOAD_READ_BUF		(1024 * 1024)
#define UPLOAD_TMP_MAX_AGE	(24 * 60 * 60)	/* seconds */

struct store_push {
	struct store	*s;
	char		 folder[STORE_ID_SIZE];
	char		*name;
	enum ferry_exists exists;
	char		*mime;		/* declared, or NULL */
	char		*metadata;	/* normalised JSON, or NULL */
	char		*expect;	/* declared sha256, or NULL */
	EVP_MD_CTX	*md;
	unsigned char	*sniff;		/* the first MIME_SNIFF_BYTES */
	size_t		 sniff_len;
	char		*tmp;		/* tmp file, once there is one */
	int		 fd;
	uint64_t	 size;
	char		 sha[STORE_SHA_HEX + 1];
};

struct store_part {
	struct store	*s;
	char		 upload[STORE_ID_SIZE];
	uint32_t	 n;
	char		*tmp;
	char		*final;
	int		 fd;
	EVP_MD_CTX	*md;
	uint64_t	 size;
};

/* -------- helpers -------- */

static enum ferry_code
upload_write_all(int fd, const void *buf, size_t len, const char *path,
    struct ferry_error *err)
{
	const char	*p = buf;
	ssize_t		 n;

	while (len > 0) {
		n = write(fd, p, len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return ferry_error_errno(err, errno, "writing %s",
			    path);
		p += n;
		len -= (size_t)n;
	}
	return FERRY_OK;
}

static void
upload_hex(const unsigned char *md, unsigned int len, char *out)
{
	unsigned int	 i;

	for (i = 0; i < len && i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
}

static enum ferry_code
upload_digest_final(EVP_MD_CTX *md, char out[STORE_SHA_HEX + 1],
    struct ferry_error *err)
{
	unsigned char	 digest[EVP_MAX_MD_SIZE];
	unsigned int	 dlen = 0;

	if (EVP_DigestFinal_ex(md, digest, &dlen) != 1 || dlen != 32)
		return ferry_error_set(err, FERRY_E_INTERNAL, "sha256 failed");
	upload_hex(digest, dlen, out);
	return FERRY_OK;
}

static EVP_MD_CTX *
upload_digest_new(void)
{
	EVP_MD_CTX	*md;

	md = EVP_MD_CTX_new();
	if (md != NULL && EVP_DigestInit_ex(md, EVP_sha256(), NULL) != 1) {
		EVP_MD_CTX_free(md);
		md = NULL;
	}
	return md;
}

/* Validate and normalise the options shared by push and multipart. */
static enum ferry_code
upload_opts(const struct ferry_write_opts *o, char **mime, char **metadata,
    char **expect, struct ferry_error *err)
{
	const char	*p;
	size_t		 len;

	*mime = *metadata = *expect = NULL;
	if (o == NULL)
		return FERRY_OK;
	if (o->metadata != NULL && store_check_json("client_metadata",
	    o->metadata, false, metadata, err) != FERRY_OK)
		return STORE_ERR(err);
	if (o->expect_sha256 != NULL) {
		if (strlen(o->expect_sha256) != STORE_SHA_HEX ||
		    strspn(o->expect_sha256, "0123456789abcdefABCDEF") !=
		    STORE_SHA_HEX)
			return ferry_error_set(err, FERRY_E_INVALID,
			    "sha256 \"%.70s\" is not 64 hex digits",
			    o->expect_sha256);
		*expect = xstrdup(o->expect_sha256);
	}
	if (o->mime == NULL)
		return FERRY_OK;
	len = strlen(o->mime);
	if (len == 0 || len > UPLOAD_MIME_MAX || strchr(o->mime, '/') == NULL)
		return ferry_error_set(err, FERRY_E_INVALID,
		    "MIME type \"%.64s\" is not of the form type/subtype",
		    o->mime);
	for (p = o->mime; *p != '\0'; p++)
		if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7f)
			return ferry_error_set(err, FERRY_E_INVALID,
			    "MIME type has a space, control or non-ASCII"
			    " character at byte %td", p - o->mime);
	*mime = xstrdup(o->mime);
	return FERRY_OK;
}

/*
 * Where the item goes: the folder, and the item it replaces (old->nid 0
 * when none).  Checked before the bytes arrive and again under the lock.
 */
static enum ferry_code
upload_target(struct store *s, const char *folder_id, const char *name,
    enum ferry_exists exists, struct store_node *folder,
    struct store_node *old, struct ferry_error *err)
{
	enum ferry_code	 result;
	char		*path;
	const char	*sep;

	memset(old, 0, sizeof *old);
	if ((result = store_lookup(s, folder_id, folder, err)) != FERRY_OK)
		return result;
	if (folder->kind == FERRY_KIND_FOLDER) {
		result = store_child(s, folder->nid, name, old, err);
		if (result == FERRY_E_NOT_FOUND) {
			memset(old, 0, sizeof *old);
			return FERRY_OK;
		}
		if (result != FERRY_OK)
			return result;
		if (old->kind == FERRY_KIND_ITEM &&
		    exists == FERRY_EXISTS_OVERWRITE)
			return FERRY_OK;
	}
	path = store_nid_path(s, folder->nid);
	sep = strcmp(path, "/") == 0 ? "" : "/";
	if (folder->kind != FERRY_KIND_FOLDER)
		result = ferry_error_set(err, FERRY_E_NOT_FOLDER,
		    "\"%s\": not a folder", path);
	else if (old->kind == FERRY_KIND_FOLDER)
		result = ferry_error_set(err, FERRY_E_EXISTS,
		    "\"%s%s%s\" already exists (a folder; it is never"
		    " replaced by an item)", path, sep, name);
	else
		result = ferry_error_set(err, FERRY_E_EXISTS,
		    "\"%s%s%s\" already exists (an item; ask to overwrite"
		    " it)", path, sep, name);
	free(path);
	return result;
}

/* Check folder, name and target before any byte arrives. */
static enum ferry_code
upload_precheck(struct store *s, const char *folder_id, const char *name,
    enum ferry_exists exists, bool *replaces, struct ferry_error *err)
{
	enum ferry_code		 result;
	struct store_node	 folder, old;

	if (name == NULL)
		return ferry_error_set(err, FERRY_E_INVALID_NAME,
		    "no item name given");
	result = upload_target(s, folder_id, name, exists, &folder, &old,
	    err);
	if (result != FERRY_OK)
		return result;
	if (replaces != NULL)
		*replaces = old.nid != 0;
	return store_name_ok(s, folder.nid, name, err);
}

/* -------- push uploads -------- */

enum ferry_code
store_push_begin(struct store *s, const char *folder_id, const char *name,
    const struct ferry_write_opts *o, struct store_push **out,
    bool *replaces, struct ferry_error *err)
{
	enum ferry_code		 result;
	struct store_push	*p;

	*out = NULL;
	if (folder_id == NULL || strlen(folder_id) >= STORE_ID_SIZE)
		return ferry_error_set(err, FERRY_E_NOT_FOUND,
		    "no folder with id %.40s", folder_id != NULL ? folder_id :
		    "(none)");
	p = xcalloc(1, sizeof *p);
	p->s = s;
	p->fd = -1;
	snprintf(p->folder, sizeof p->folder, "%s", folder_id);
	p->exists = o != NULL ? o->exists : FERRY_EXISTS_FAIL;
	if ((result = upload_precheck(s, folder_id, name, p->exists, replaces,
	    err)) != FERRY_OK)
		goto fail;
	p->name = xstrdup(name);
	result = upload_opts(o, &p->mime, &p->metadata, &p->expect, err);
	if (result != FERRY_OK)
		goto fail;
	if ((p->md = upload_digest_new()) == NULL) {
		result = ferry_error_set(err, FERRY_E_INTERNAL,
		    "sha256 is not available from libcrypto");
		goto fail;
	}
	p->sniff = xmalloc(MIME_SNIFF_BYTES);
	*out = p;
	return FERRY_OK;
fail:
	store_push_abort(p);
	return result;
}

void
store_push_abort(struct store_push *p)
{
	if (p == NULL)
		return;
	if (p->fd != -1)
		close(p->fd);
	if (p->tmp != NULL) {
		unlink(p->tmp);
		free(p->tmp);
	}
	EVP_MD_CTX_free(p->md);
	free(p->sniff);
	free(p->name);
	free(p->mime);
	free(p->metadata);
	free(p->expect);
	free(p);
}

static enum ferry_code
push_tmp_create(struct store_push *p, struct ferry_error *err)
{
	enum ferry_code	 result;
	char		 uuid[STORE_ID_SIZE];

	store_uuid(uuid);
	p->tmp = xasprintf("%s/%ld-%s.tmp", p->s->tmp_dir, (long)getpid(),
	    uuid);
	p->fd = open(p->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (p->fd != -1)
		return upload_write_all(p->fd, p->sniff, p->sniff_len, p->tmp,
		    err);
	result = ferry_error_errno(err, errno,
	    "store %s: creating a temporary file for \"%s\"", p->s->dir,
	    p->name);
	free(p->tmp);
	p->tmp = NULL;
	return result;
}

enum ferry_code
store_push_write(struct store_push *p, const void *buf, size_t len,
    struct ferry_error *err)
{
	enum ferry_code	 result;
	const char	*b = buf;
	size_t		 fit;

	if (len == 0)
		return FERRY_OK;
	EVP_DigestUpdate(p->md, buf, len);
	p->size += len;
	if (p->tmp == NULL) {
		fit = MIME_SNIFF_BYTES - p->sniff_len;
		if (fit > len)
			fit = len;
		memcpy(p->sniff + p->sniff_len, b, fit);
		p->sniff_len += fit;
		b += fit;
		len -= fit;
		if (len == 0)
			return FERRY_OK;
		if ((result = push_tmp_create(p, err)) != FERRY_OK)
			return result;
	}
	return upload_write_all(p->fd, b, len, p->tmp, err);
}

uint64_t
store_push_size(const struct store_push *p)
{
	return p->size;
}

/* Make the tmp file durable and read-only before it is placed. */
static enum ferry_code
push_seal(struct store_push *p, struct ferry_error *err)
{
	int	 rc;

	if (p->s->durable && fsync(p->fd) == -1)
		return ferry_error_errno(err, errno, "syncing %s", p->tmp);
	fchmod(p->fd, 0400);
	rc = close(p->fd);
	p->fd = -1;
	if (rc == -1)
		return ferry_error_errno(err, errno, "closing %s", p->tmp);
	return FERRY_OK;
}

/*
 * Under the write lock: the blob into blobs/ (rename the sealed tmp file,
 * or drop it when that blob is there already).
 */
static enum ferry_code
push_place(struct store_push *p, struct ferry_error *err)
{
	enum ferry_code	 result = FERRY_OK;
	struct store	*s = p->s;
	char		*dir, *path;

	if (store_blob_present(s, p->sha, p->size)) {
		if (p->tmp != NULL) {
			unlink(p->tmp);
			free(p->tmp);
			p->tmp = NULL;
		}
		return FERRY_OK;
	}
	if (p->tmp == NULL) {
		/* in memory and the blob went away meanwhile */
		if ((result = push_tmp_create(p, err)) != FERRY_OK)
			return result;
		if ((result = push_seal(p, err)) != FERRY_OK)
			return result;
	}
	dir = xasprintf("%s/%.2s", s->blob_dir, p->sha);
	path = xasprintf("%s/%s", dir, p->sha);
	if (mkdir(dir, 0700) == 0) {
		if (s->durable && store_fsync_dir(s->blob_dir) == -1)
			result = ferry_error_errno(err, errno, "syncing %s",
			    s->blob_dir);
	} else if (errno != EEXIST)
		result = ferry_error_errno(err, errno, "creating %s", dir);
	if (result == FERRY_OK && rename(p->tmp, path) == -1)
		result = ferry_error_errno(err, errno, "placing blob %s",
		    path);
	if (result == FERRY_OK) {
		free(p->tmp);
		p->tmp = NULL;
		if (s->durable && store_fsync_dir(dir) == -1)
			result = ferry_error_errno(err, errno, "syncing %s",
			    dir);
	}
	free(dir);
	free(path);
	return result;
}

static enum ferry_code
push_row(struct store_push *p, const struct store_node *folder,
    const struct store_node *old, int64_t *nid, struct ferry_error *err)
{
	struct store		*s = p->s;
	struct store_row	 r;
	sqlite3_stmt		*st;
	int			 rc;

	if (old->nid == 0) {
		memset(&r, 0, sizeof r);
		r.parent = folder->nid;
		r.kind = FERRY_KIND_ITEM;
		r.name = p->name;
		r.size = p->size;
		r.sha = p->sha;
		r.mime = p->mime;
		r.type = ferry_type_from_mime(p->mime);
		r.metadata = p->metadata;
		return store_insert(s, &r, nid, err);
	}
	if ((st = store_stmt(s, ST_PUT_REPLACE, err)) == NULL)
		return STORE_ERR(err);
	sqlite3_bind_int64(st, 1, old->nid);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)p->size);
	sqlite3_bind_text(st, 3, p->sha, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, p->mime, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 5, ferry_type_from_mime(p->mime));
	if (p->metadata != NULL)
		sqlite3_bind_text(st, 6, p->metadata, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 7, ferry_now_ms());
	sqlite3_bind_text(st, 8, store_user(s), -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return store_sql_error(s, rc, err, "store %s: replacing \"%s\"",
		    s->dir, p->name);
	*nid = old->nid;
	if (strcmp(old->sha, p->sha) != 0)
		return store_blob_release(s, old->sha, err);
	return FERRY_OK;
}

static enum ferry_code
push_commit_txn(struct store_push *p, int64_t *nid, struct ferry_error *err)
{
	enum ferry_code		 result;
	struct store_node	 folder, old;
	uint64_t		 add;

	if ((result = store_txn_begin(p->s, err)) != FERRY_OK)
		return result;
	result = upload_target(p->s, p->folder, p->name, p->exists, &folder,
	    &old, err);
	if (result != FERRY_OK)
		goto fail;
	add = old.nid == 0 ? p->size : p->size > old.size ?
	    p->size - old.size : 0;
	result = store_check_limits(p->s, folder.nid, old.nid == 0 ? 1 : 0,
	    add, err);
	if (result != FERRY_OK)
		goto fail;
	if ((result = push_place(p, err)) != FERRY_OK)
		goto fail;
	if ((result = push_row(p, &folder, &old, nid, err)) != FERRY_OK)
		goto fail;
	return store_txn_commit(p->s, err);
fail:
	store_txn_rollback(p->s);
	return result;
}

enum ferry_code
store_push_commit(struct store_push *p, struct ferry_entry *out,
    struct ferry_arena *a, struct ferry_error *err)
{
	enum ferry_code	 result;
	int64_t		 nid = 0;

	if ((result = upload_digest_final(p->md, p->sha, err)) != FERRY_OK)
		goto out;
	if (p->expect != NULL && strcasecmp(p->expect, p->sha) != 0) {
		result = ferry_error_set(err, FERRY_E_CORRUPT,
		    "\"%s\": content has sha256 %s, expected %s; nothing"
		    " stored", p->name, p->sha, p->expect);
		goto out;
	}
	/* in memory and already stored: no tmp file at all */
	if (p->tmp == NULL && !store_blob_present(p->s, p->sha, p->size)) {
		if ((result = push_tmp_create(p, err)) != FERRY_OK)
			goto out;
		result = push_seal(p, err);
	} else if (p->tmp != NULL)
		result = push_seal(p, err);
	if (result != FERRY_OK)
		goto out;
	if (p->mime == NULL)
		p->mime = xstrdup(mime_detect(p->sniff, p->sniff_len));
	if (strlen(p->mime) > UPLOAD_MIME_MAX)
		p->mime[UPLOAD_MIME_MAX] = '\0';
	if ((result = push_commit_txn(p, &nid, err)) != FERRY_OK)
		goto out;
	if (out != NULL)
		result = store_entry_nid(p->s, nid, out, a, err);
out:
	store_push_abort(p);
	return result;
}

/* -------- multipart: records -------- */

static char *
mp_dir(struct store *s, const char *id)
{
	return xasprintf("%s/uploads/%s", s->dir, id);
}

static enum ferry_code
mp_prepare(struct store *s, const char *sql, sqlite3_stmt **st,
    struct ferry_error *err)
{
	int	 rc;

	rc = sqlite3_prepare_v2(s->db, sql, -1, st, NULL);
	if (rc != SQLITE_OK)
		return store_sql_error(s, rc, err,
		    "store %s: preparing an upload query", s->dir);
	return FERRY_OK;
}

/* Run one statement with text parameters (NULL entries end the list). */
static enum ferry_code
mp_exec(struct store *s, const char *sql, const char *a1, const char *a2,
    struct ferry_error *err)
{
	enum ferry_code	 result;
	sqlite3_stmt	*st;
	int		 rc;

	if ((result = mp_prepare(s, sql, &st, err)) != FERRY_OK)
		return result;
	if (a1 != NULL)
		sqlite3_bind_text(st, 1, a1, -1, SQLITE_STATIC);
	if (a2 != NULL)
		sqlite3_bind_text(st, 2, a2, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return store_sql_error(s, rc, err, "store %s: uploads",
		    s->dir);
	return FERRY_OK;
}

/* Remove an upload directory and the files in it. */
static void
mp_rmdir(const char *dir)
{
	DIR		*d;
	struct dirent	*e;
	char		*path;

	if ((d = opendir(dir)) == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		path = xasprintf("%s/%s", dir, e->d_name);
		unlink(path);
		free(path);
	}
	closedir(d);
	rmdir(dir);
}

static enum ferry_code
mp_insert(struct store *s, const char *id, const char *folder_id,
    const char *name, const char *user, int64_t size, const char *mime,
    const char *metadata, const char *sha, bool overwrite,
    struct ferry_error *err)
{
	enum ferry_code	 result;
	sqlite3_stmt	*st;
	int64_t		 now = ferry_now_ms();
	int		 rc;

	result = mp_prepare(s, "INSERT INTO uploads (id, folder, name, user,"
	    " size, sha256, mime, metadata, overwrite, created, updated)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10)", &st,
	    err);
	if (result != FERRY_OK)
		return result;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, folder_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, user, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, size);
	if (sha != NULL)
		sqlite3_bind_text(st, 6, sha, -1, SQLITE_STATIC);
	if (mime != NULL)
		sqlite3_bind_text(st, 7, mime, -1, SQLITE_STATIC);
	if (metadata != NULL)
		sqlite3_bind_text(st, 8, metadata, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 9, overwrite);
	sqlite3_bind_int64(st, 10, now);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return store_sql_error(s, rc, err,
		    "store %s: recording an upload", s->dir);
	return FERRY_OK;
}

enum ferry_code
store_mp_create(struct store *s, const char *folder_id, const char *name,
    const struct ferry_write_opts *o, const char *user, int64_t size,
    char id[STORE_ID_SIZE], struct ferry_error *err)
{
	enum ferry_code	 result;
	enum ferry_exists exists = o != NULL ? o->exists : FERRY_EXISTS_FAIL;
	char		*mime = NULL, *metadata = NULL, *expect = NULL;
	char		*top = NULL, *dir = NULL;

	id[0] = '\0';
	if (folder_id == NULL || strlen(folder_id) >= STORE_ID_SIZE)
		return ferry_error_set(err, FERRY_E_NOT_FOUND,
		    "no folder with id %.40s", folder_id != NULL ? folder_id :
		    "(none)");
	result = upload_precheck(s, folder_id, name, exists, NULL, err);
	if (result == FERRY_OK)
		result = upload_opts(o, &mime, &metadata, &expect, err);
	if (result != FERRY_OK)
		goto out;
	store_uuid(id);
	result = mp_insert(s, id, folder_id, name, user, size, mime, metadata,
	    expect, exists == FERRY_EXISTS_OVERWRITE, err);
	if (result != FERRY_OK)
		goto out;
	top = xasprintf("%s/uploads", s->dir);
	dir = mp_dir(s, id);
	if ((mkdir(top, 0700) == -1 && errno != EEXIST) ||
	    mkdir(dir, 0700) == -1) {
		result = ferry_error_errno(err, errno, "store %s: creating %s",
		    s->dir, dir);
		mp_exec(s, "DELETE FROM uploads WHERE id = ?1", id, NULL,
		    NULL);
	}
out:
	if (result != FERRY_OK)
		id[0] = '\0';
	free(top);
	free(dir);
	free(mime);
	free(metadata);
	free(expect);
	return result;
}

static void
mp_col(sqlite3_stmt *st, int col, char *out, size_t size)
{
	const unsigned char	*t = sqlite3_column_text(st, col);

	snprintf(out, size, "%s", t != NULL ? (const char *)t : "");
}

enum ferry_code
store_mp_get(struct store *s, const char *id, struct store_mp *out,
    struct ferry_error *err)
{
	enum ferry_code	 result;
	sqlite3_stmt	*st;
	int		 rc;

	memset(out, 0, sizeof *out);
	result = mp_prepare(s, "SELECT id, folder, name, user, size, sha256,"
	    " mime, metadata, overwrite, created, updated FROM uploads"
	    " WHERE id = ?1", &st, err);
	if (result != FERRY_OK)
		return result;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		mp_col(st, 0, out->id, sizeof out->id);
		mp_col(st, 1, out->folder, sizeof out->folder);
		mp_col(st, 2, out->name, sizeof out->name);
		mp_col(st, 3, out->user, sizeof out->user);
		out->size = sqlite3_column_int64(st, 4);
		mp_col(st, 5, out->sha256, sizeof out->sha256);
		mp_col(st, 6, out->mime, sizeof out->mime);
		if (sqlite3_column_type(st, 7) != SQLITE_NULL)
			out->metadata = xstrdup((const char *)
			    sqlite3_column_text(st, 7));
		out->overwrite = sqlite3_column_int(st, 8) != 0;
		out->created = sqlite3_column_int64(st, 9);
		out->updated = sqlite3_column_int64(st, 10);
	}
	sqlite3_finalize(st);
	if (rc == SQLITE_ROW)
		return FERRY_OK;
	if (rc == SQLITE_DONE)
		return ferry_error_set(err, FERRY_E_NOT_FOUND,
		    "no upload with id %.40s (completed, aborted or expired)",
		    id);
	return store_sql_error(s, rc, err, "store %s: reading an upload",
	    s->dir);
}

void
store_mp_done(struct store_mp *mp)
{
	free(mp->metadata);
	mp->metadata = NULL;
}

enum ferry_code
store_mp_parts(struct store *s, const char *id, store_mp_part_cb cb,
    void *ud, struct ferry_error *err)
{
	enum ferry_code		 result;
	struct store_mp_part	 p;
	sqlite3_stmt		*st;
	int			 rc = SQLITE_DONE;

	result = mp_prepare(s, "SELECT n, size, sha256, created"
	    " FROM upload_parts WHERE upload = ?1 ORDER BY n", &st, err);
	if (result != FERRY_OK)
		return result;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	while (result == FERRY_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		p.n = (uint32_t)sqlite3_column_int64(st, 0);
		p.size = (uint64_t)sqlite3_column_int64(st, 1);
		mp_col(st, 2, p.sha256, sizeof p.sha256);
		p.created = sqlite3_column_int64(st, 3);
		result = cb(&p, ud);
	}
	sqlite3_finalize(st);
	if (result == FERRY_OK && rc != SQLITE_DONE)
		return store_sql_error(s, rc, err,
		    "store %s: listing parts", s->dir);
	return result;
}

enum ferry_code
store_mp_abort(struct store *s, const char *id, struct ferry_error *err)
{
	enum ferry_code	 result;
	char		*dir;

	if (strlen(id) >= STORE_ID_SIZE)
		return ferry_error_set(err, FERRY_E_NOT_FOUND,
		    "no upload with id %.40s", id);
	result = mp_exec(s, "DELETE FROM uploads WHERE id = ?1", id, NULL,
	    err);
	if (result != FERRY_OK)
		return result;
	if (sqlite3_changes(s->db) == 0)
		return ferry_error_set(err, FERRY_E_NOT_FOUND,
		    "no upload with id %.40s (completed, aborted or expired)",
		    id);
	/* the record is gone first: a crash here leaves a dir gc removes */
	dir = mp_dir(s, id);
	mp_rmdir(dir);
	free(dir);
	return FERRY_OK;
}

/* -------- multipart: parts -------- */

enum ferry_code
store_part_begin(struct store *s, const char *id, uint32_t n,
    struct store_part **out, struct ferry_error *err)
{
	enum ferry_code		 result;
	struct store_mp		 mp;
	struct store_part	*p;
	char			 uuid[STORE_ID_SIZE], *dir;

	*out = NULL;
	if (n < 1 || n > STORE_PARTS_MAX)
		return ferry_error_set(err, FERRY_E_INVALID,
		    "part number %u is not in 1..%d", n, STORE_PARTS_MAX);
	if ((result = store_mp_get(s, id, &mp, err)) != FERRY_OK)
		return result;
	store_mp_done(&mp);
	p = xcalloc(1, sizeof *p);
	p->s = s;
	p->n = n;
	p->fd = -1;
	snprintf(p->upload, sizeof p->upload, "%s", id);
	store_uuid(uuid);
	dir = mp_dir(s, id);
	p->tmp = xasprintf("%s/%u.%ld-%s.tmp", dir, n, (long)getpid(), uuid);
	p->final = xasprintf("%s/%u", dir, n);
	free(dir);
	if ((p->md = upload_digest_new()) == NULL) {
		result = ferry_error_set(err, FERRY_E_INTERNAL,
		    "sha256 is not available from libcrypto");
		goto fail;
	}
	p->fd = open(p->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (p->fd == -1) {
		result = ferry_error_errno(err, errno, "upload %s: creating"
		    " part %u", id, n);
		free(p->tmp);
		p->tmp = NULL;
		goto fail;
	}
	*out = p;
	return FERRY_OK;
fail:
	store_part_abort(p);
	return result;
}

enum ferry_code
store_part_write(struct store_part *p, const void *buf, size_t len,
    struct ferry_error *err)
{
	EVP_DigestUpdate(p->md, buf, len);
	p->size += len;
	return upload_write_all(p->fd, buf, len, p->tmp, err);
}

uint64_t
store_part_size(const struct store_part *p)
{
	return p->size;
}

void
store_part_abort(struct store_part *p)
{
	if (p == NULL)
		return;
	if (p->fd != -1)
		close(p->fd);
	if (p->tmp != NULL) {
		unlink(p->tmp);
		free(p->tmp);
	}
	free(p->final);
	EVP_MD_CTX_free(p->md);
	free(p);
}

static enum ferry_code
part_record(struct store_part *p, const char *sha, int64_t now,
    struct ferry_error *err)
{
	enum ferry_code	 result;
	sqlite3_stmt	*st;
	int		 rc;

	result = mp_prepare(p->s, "INSERT OR REPLACE INTO upload_parts"
	    " (upload, n, size, sha256, created) VALUES (?1, ?2, ?3, ?4, ?5)",
	    &st, err);
	if (result != FERRY_OK)
		return result;
	sqlite3_bind_text(st, 1, p->upload, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, p->n);
	sqlite3_bind_int64(st, 3, (int64_t)p->size);
	sqlite3_bind_text(st, 4, sha, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, now);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if ((rc & 0xff) == SQLITE_CONSTRAINT)
		return ferry_error_set(err, FERRY_E_NOT_FOUND,
		    "upload %s was completed or aborted meanwhile", p->upload);
	if (rc != SQLITE_DONE)
		return store_sql_error(p->s, rc, err,
		    "store %s: recording part %u", p->s->dir, p->n);
	result = mp_prepare(p->s, "UPDATE uploads SET updated = ?2"
	    " WHERE id = ?1", &st, err);
	if (result != FERRY_OK)
		return result;
	sqlite3_bind_text(st, 1, p->upload, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, now);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return store_sql_error(p->s, rc, err,
		    "store %s: recording part %u", p->s->dir, p->n);
	return FERRY_OK;
}

enum ferry_code
store_part_commit(struct store_part *p, struct store_mp_part *out,
    struct ferry_error *err)
{
	enum ferry_code	 result;
	char		 sha[STORE_SHA_HEX + 1], *dir;
	int64_t		 now = ferry_now_ms();
	int		 rc;

	if ((result = upload_digest_final(p->md, sha, err)) != FERRY_OK)
		goto out;
	if (p->s->durable && fsync(p->fd) == -1) {
		result = ferry_error_errno(err, errno, "syncing %s", p->tmp);
		goto out;
	}
	rc = close(p->fd);
	p->fd = -1;
	if (rc == -1 || rename(p->tmp, p->final) == -1) {
		result = ferry_error_errno(err, errno, "upload %s: placing"
		    " part %u", p->upload, p->n);
		if (errno == ENOENT)
			result = ferry_error_set(err, FERRY_E_NOT_FOUND,
			    "upload %s was completed or aborted meanwhile",
			    p->upload);
		goto out;
	}
	free(p->tmp);
	p->tmp = NULL;
	dir = mp_dir(p->s, p->upload);
	if (p->s->durable)
		store_fsync_dir(dir);
	free(dir);
	if ((result = store_txn_begin(p->s, err)) != FERRY_OK)
		goto out;
	if ((result = part_record(p, sha, now, err)) != FERRY_OK) {
		store_txn_rollback(p->s);
		goto out;
	}
	if ((result = store_txn_commit(p->s, err)) != FERRY_OK)
		goto out;
	if (out != NULL) {
		out->n = p->n;
		out->size = p->size;
		snprintf(out->sha256, sizeof out->sha256, "%s", sha);
		out->created = now;
	}
out:
	store_part_abort(p);
	return result;
}

/* -------- multipart: completion -------- */

struct mp_list {
	struct store_mp_part	*v;
	size_t			 n;
};

static enum ferry_code
mp_list_add(const struct store_mp_part *p, void *ud)
{
	struct mp_list	*l = ud;

	l->v = xreallocarray(l->v, l->n + 1, sizeof *l->v);
	l->v[l->n++] = *p;
	return FERRY_OK;
}

/* Parts 1..N all present, and the declared size matches. */
static enum ferry_code
mp_check_parts(const struct store_mp *mp, const struct mp_list *l,
    struct ferry_error *err)
{
	uint64_t	 total = 0;
	size_t		 i;

	if (l->n == 0)
		return ferry_error_set(err, FERRY_E_CONFLICT,
		    "upload %s: no part has arrived yet", mp->id);
	for (i = 0; i < l->n; i++) {
		if (l->v[i].n != i + 1)
			return ferry_error_set(err, FERRY_E_CONFLICT,
			    "upload %s: part %zu is missing (%zu parts"
			    " arrived, the highest is %u)", mp->id, i + 1,
			    l->n, l->v[l->n - 1].n);
		total += l->v[i].size;
	}
	if (mp->size >= 0 && total != (uint64_t)mp->size)
		return ferry_error_set(err, FERRY_E_CONFLICT,
		    "upload %s: the parts hold %llu bytes, %lld were"
		    " declared", mp->id, (unsigned long long)total,
		    (long long)mp->size);
	return FERRY_OK;
}

/* Stream part p of upload mp into push. */
static enum ferry_code
mp_feed_part(struct store *s, const struct store_mp *mp,
    const struct store_mp_part *part, struct store_push *push,
    unsigned char *buf, struct ferry_error *err)
{
	enum ferry_code	 result = FERRY_OK;
	struct stat	 sb;
	char		*dir, *path;
	ssize_t		 n;
	int		 fd;

	dir = mp_dir(s, mp->id);
	path = xasprintf("%s/%u", dir, part->n);
	free(dir);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		result = ferry_error_errno(err, errno, "upload %s: part %u",
		    mp->id, part->n);
		goto out;
	}
	if (fstat(fd, &sb) == -1 || (uint64_t)sb.st_size != part->size) {
		result = ferry_error_set(err, FERRY_E_CORRUPT,
		    "upload %s: part %u has %lld bytes on disk, %llu were"
		    " recorded; send it again", mp->id, part->n,
		    (long long)sb.st_size, (unsigned long long)part->size);
		goto out;
	}
	for (;;) {
		n = read(fd, buf, UPLOAD_READ_BUF);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			result = ferry_error_errno(err, errno,
			    "upload %s: reading part %u", mp->id, part->n);
		if (n <= 0)
			break;
		if ((result = store_push_write(push, buf, (size_t)n, err)) !=
		    FERRY_OK)
			break;
	}
out:
	if (fd != -1)
		close(fd);
	free(path);
	return result;
}

static enum ferry_code
mp_assemble(struct store *s, const struct store_mp *mp,
    const struct mp_list *l, struct ferry_entry *out, struct ferry_arena *a,
    struct ferry_error *err)
{
	enum ferry_code		 result;
	struct ferry_write_opts	 o;
	struct store_push	*push;
	unsigned char		*buf;
	size_t			 i;

	memset(&o, 0, sizeof o);
	o.mime = mp->mime[0] != '\0' ? mp->mime : NULL;
	o.metadata = mp->metadata;
	o.expect_sha256 = mp->sha256[0] != '\0' ? mp->sha256 : NULL;
	o.exists = mp->overwrite ? FERRY_EXISTS_OVERWRITE : FERRY_EXISTS_FAIL;
	result = store_push_begin(s, mp->folder, mp->name, &o, &push, NULL,
	    err);
	if (result != FERRY_OK)
		return result;
	buf = xmalloc(UPLOAD_READ_BUF);
	for (i = 0; result == FERRY_OK && i < l->n; i++)
		result = mp_feed_part(s, mp, &l->v[i], push, buf, err);
	free(buf);
	if (result != FERRY_OK) {
		store_push_abort(push);
		return result;
	}
	return store_push_commit(push, out, a, err);
}

enum ferry_code
store_mp_complete(struct store *s, const char *id, struct ferry_entry *out,
    struct ferry_arena *a, struct ferry_error *err)
{
	enum ferry_code	 result;
	struct store_mp	 mp;
	struct mp_list	 l;
	char		*dir;

	memset(&l, 0, sizeof l);
	if ((result = store_mp_get(s, id, &mp, err)) != FERRY_OK)
		return result;
	result = store_mp_parts(s, id, mp_list_add, &l, err);
	if (result == FERRY_OK)
		result = mp_check_parts(&mp, &l, err);
	if (result == FERRY_OK)
		result = mp_assemble(s, &mp, &l, out, a, err);
	if (result == FERRY_OK) {
		/* the item is committed; now forget the upload */
		mp_exec(s, "DELETE FROM uploads WHERE id = ?1", id, NULL,
		    NULL);
		dir = mp_dir(s, id);
		mp_rmdir(dir);
		free(dir);
	}
	free(l.v);
	store_mp_done(&mp);
	return result;
}

/* -------- gc -------- */

/* Whether the process that wrote part tmp file `name` is gone. */
static bool
mp_tmp_dead(const char *name, const struct stat *sb)
{
	const char	*dot;
	char		*end;
	long		 pid;

	if (sb->st_mtime < time(NULL) - UPLOAD_TMP_MAX_AGE)
		return true;
	if ((dot = strchr(name, '.')) == NULL)
		return true;
	pid = strtol(dot + 1, &end, 10);
	if (end == dot + 1 || *end != '-' || pid <= 0)
		return true;
	return kill((pid_t)pid, 0) == -1 && errno == ESRCH;
}

/* Remove dead tmp files in one upload directory. */
static void
mp_gc_dir(const char *dir)
{
	DIR		*d;
	struct dirent	*e;
	struct stat	 sb;
	char		*path;
	size_t		 len;

	if ((d = opendir(dir)) == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		len = strlen(e->d_name);
		if (len < 4 || strcmp(e->d_name + len - 4, ".tmp") != 0)
			continue;
		path = xasprintf("%s/%s", dir, e->d_name);
		if (lstat(path, &sb) == 0 && mp_tmp_dead(e->d_name, &sb))
			unlink(path);
		free(path);
	}
	closedir(d);
}

static enum ferry_code
mp_gc_expired(struct store *s, int64_t max_idle_ms, uint64_t *removed,
    struct ferry_error *err)
{
	enum ferry_code	 result;
	sqlite3_stmt	*st;
	char		**ids = NULL;
	size_t		 n = 0, i;
	int		 rc;

	result = mp_prepare(s, "SELECT id FROM uploads WHERE updated < ?1",
	    &st, err);
	if (result != FERRY_OK)
		return result;
	sqlite3_bind_int64(st, 1, ferry_now_ms() - max_idle_ms);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		ids = xreallocarray(ids, n + 1, sizeof *ids);
		ids[n++] = xstrdup((const char *)sqlite3_column_text(st, 0));
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		result = store_sql_error(s, rc, err,
		    "store %s: finding idle uploads", s->dir);
	for (i = 0; i < n; i++) {
		if (result == FERRY_OK &&
		    store_mp_abort(s, ids[i], NULL) == FERRY_OK)
			(*removed)++;
		free(ids[i]);
	}
	free(ids);
	return result;
}

enum ferry_code
store_upload_gc(struct store *s, int64_t max_idle_ms, uint64_t *removed,
    struct ferry_error *err)
{
	enum ferry_code	 result = FERRY_OK;
	struct store_mp	 mp;
	DIR		*d;
	struct dirent	*e;
	char		*top, *dir;
	uint64_t	 count = 0;

	if (max_idle_ms > 0)
		result = mp_gc_expired(s, max_idle_ms, &count, err);
	if (removed != NULL)
		*removed = count;
	if (result != FERRY_OK)
		return result;
	top = xasprintf("%s/uploads", s->dir);
	if ((d = opendir(top)) == NULL) {
		free(top);
		return FERRY_OK;
	}
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		dir = xasprintf("%s/%s", top, e->d_name);
		if (strlen(e->d_name) >= STORE_ID_SIZE ||
		    store_mp_get(s, e->d_name, &mp, NULL) != FERRY_OK)
			mp_rmdir(dir);
		else {
			store_mp_done(&mp);
			mp_gc_dir(dir);
		}
		free(dir);
	}
	closedir(d);
	free(top);
	return FERRY_OK;
}

/* -------- reading -------- */

enum ferry_code
store_blob_open(struct store *s, const char *sha256, uint64_t size, int *fd,
    struct ferry_error *err)
{
	struct stat	 sb;
	char		*path;
	int		 saved;

	*fd = -1;
	if (sha256 == NULL || strlen(sha256) != STORE_SHA_HEX ||
	    strspn(sha256, "0123456789abcdef") != STORE_SHA_HEX)
		return ferry_error_set(err, FERRY_E_INVALID,
		    "not a sha256: \"%.70s\"", sha256 != NULL ? sha256 : "");
	path = store_blob_path(s, sha256);
	*fd = open(path, O_RDONLY | O_CLOEXEC);
	saved = errno;
	free(path);
	if (*fd == -1 && saved == ENOENT)
		return ferry_error_set(err, FERRY_E_NOT_FOUND,
		    "content %s is gone (the item was deleted meanwhile)",
		    sha256);
	if (*fd == -1)
		return ferry_error_errno(err, saved, "opening content %s",
		    sha256);
	if (fstat(*fd, &sb) == -1 || (uint64_t)sb.st_size != size) {
		close(*fd);
		*fd = -1;
		return ferry_error_set(err, FERRY_E_CORRUPT,
		    "content %s has the wrong size; run `ferryd check`",
		    sha256);
	}
	return FERRY_OK;
}
