/* SPDX-License-Identifier: MIT */
/*
 * Content of the store: putting an item from a stream, reading it back at
 * an offset, unlinking blobs nothing references, and the maintenance
 * passes (store_check, store_gc).
 *
 * Blob files are DIR/blobs/<first 2 hex>/<64 hex sha256>, mode 0400,
 * never changed once placed.  A put streams into DIR/tmp/<pid>-<uuid>.tmp
 * while hashing, fsyncs it, and then, holding the write lock: places the
 * file in blobs/ (rename, or drop it when that blob is there already),
 * fsyncs the blob directory, inserts the row and commits.  A crash before
 * the commit leaves at most an unreferenced blob or a tmp file, which
 * store_gc() removes; never a row without its blob.
 *
 * Unlinking: a blob is unlinked only inside a write transaction that sees
 * no row referencing it (store_blob_reap runs after the commit that
 * dropped the last row, in a transaction of its own), so a put in another
 * process that found the blob present and is about to reference it is
 * serialised with the unlink by SQLite's write lock.
 *
 * Threads: the handle's thread (see store.h).
 */
#include <sys/stat.h>
#include <sys/types.h>

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "core/util.h"
#include "mime/mime.h"
#include "store/store-int.h"

#define STORE_IO_BUF		(256 * 1024)
#define STORE_TMP_MAX_AGE	(24 * 60 * 60)	/* seconds */
#define STORE_GC_BATCH		256
#define STORE_MIME_MAX		255

char *
store_blob_path(const struct store *s, const char *sha)
{
	return xasprintf("%s/%.2s/%s", s->blob_dir, sha, sha);
}

int
store_fsync_dir(const char *path)
{
	int	 fd, rc;

	fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd == -1)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

static bool
store_is_sha(const char *p)
{
	size_t	 i;

	for (i = 0; i < STORE_SHA_HEX; i++)
		if (!isxdigit((unsigned char)p[i]) ||
		    isupper((unsigned char)p[i]))
			return false;
	return p[i] == '\0';
}

/* -------- releasing and reaping -------- */

void
store_dead_clear(struct store *s)
{
	size_t	 i;

	for (i = 0; i < s->ndead; i++)
		free(s->dead[i]);
	s->ndead = 0;
}

static enum ferry_code
store_sha_referenced(struct store *s, const char *sha, bool *yes,
    struct ferry_error *err)
{
	sqlite3_stmt	*st;
	int		 rc;

	*yes = true;
	if ((st = store_stmt(s, ST_SHA_REFS, err)) == NULL)
		return STORE_ERR(err);
	sqlite3_bind_text(st, 1, sha, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_sql_error(s, rc, err, "store %s: counting"
		    " references", s->dir);
	*yes = rc == SQLITE_ROW;
	return FERRY_OK;
}

/*
 * A row referencing sha was deleted in the open transaction: when no row
 * references it any more, remember it for store_blob_reap.
 */
enum ferry_code
store_blob_release(struct store *s, const char *sha, struct ferry_error *err)
{
	enum ferry_code	 result;
	bool		 used;

	if ((result = store_sha_referenced(s, sha, &used, err)) != FERRY_OK)
		return result;
	if (used)
		return FERRY_OK;
	if (s->ndead == s->deadcap) {
		s->deadcap = s->deadcap ? s->deadcap * 2 : 16;
		s->dead = xreallocarray(s->dead, s->deadcap, sizeof *s->dead);
	}
	s->dead[s->ndead++] = xstrdup(sha);
	return FERRY_OK;
}

/*
 * After a commit: unlink the released blobs that are still unreferenced,
 * each checked under the write lock.  Failures leave garbage for
 * store_gc(), never a missing blob.
 */
void
store_blob_reap(struct store *s)
{
	char	**dead;
	size_t	 n, i;
	bool	 used;
	char	*path;

	if (s->ndead == 0)
		return;
	dead = s->dead;
	n = s->ndead;
	s->dead = NULL;
	s->ndead = s->deadcap = 0;
	if (store_txn_begin(s, NULL) == FERRY_OK) {
		for (i = 0; i < n; i++) {
			if (store_sha_referenced(s, dead[i], &used, NULL) !=
			    FERRY_OK || used)
				continue;
			path = store_blob_path(s, dead[i]);
			unlink(path);
			free(path);
		}
		store_txn_commit(s, NULL);
	}
	for (i = 0; i < n; i++)
		free(dead[i]);
	free(dead);
}

/* -------- put -------- */

/*
 * An upload in progress.  Content that fits in the sniff buffer stays in
 * memory (in_memory): when its blob is there already no tmp file is made
 * at all; otherwise one is written just before it is placed.
 */
struct store_upload {
	char		*tmp;		/* tmp file path, NULL once placed */
	int		 fd;
	uint64_t	 size;
	char		 sha[STORE_SHA_HEX + 1];
	unsigned char	*sniff;
	size_t		 sniff_len;
	bool		 in_memory;	/* sniff holds all of the content */
	char		*mime;
	char		*metadata;
};

static void
store_upload_done(struct store_upload *u)
{
	if (u->fd != -1)
		close(u->fd);
	if (u->tmp != NULL) {
		unlink(u->tmp);
		free(u->tmp);
	}
	free(u->sniff);
	free(u->mime);
	free(u->metadata);
}

static enum ferry_code
store_write_all(int fd, const void *buf, size_t len, const char *path,
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

static enum ferry_code
store_tmp_create(struct store *s, const char *name, struct store_upload *u,
    struct ferry_error *err)
{
	enum ferry_code	 result;
	char		 uuid[STORE_ID_SIZE];

	store_uuid(uuid);
	u->tmp = xasprintf("%s/%ld-%s.tmp", s->tmp_dir, (long)getpid(), uuid);
	u->fd = open(u->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (u->fd != -1)
		return FERRY_OK;
	result = ferry_error_errno(err, errno,
	    "store %s: creating a temporary file for \"%s\"", s->dir, name);
	free(u->tmp);
	u->tmp = NULL;
	return result;
}

/* Make the tmp file durable and read-only before it is placed. */
static enum ferry_code
store_upload_seal(struct store *s, struct store_upload *u,
    struct ferry_error *err)
{
	int	 rc;

	if (s->durable && fsync(u->fd) == -1)
		return ferry_error_errno(err, errno, "syncing %s", u->tmp);
	fchmod(u->fd, 0400);
	rc = close(u->fd);
	u->fd = -1;
	if (rc == -1)
		return ferry_error_errno(err, errno, "closing %s", u->tmp);
	return FERRY_OK;
}

/* Write in-memory content to a sealed tmp file. */
static enum ferry_code
store_upload_spill(struct store *s, const char *name, struct store_upload *u,
    struct ferry_error *err)
{
	enum ferry_code	 result;

	if ((result = store_tmp_create(s, name, u, err)) != FERRY_OK)
		return result;
	result = store_write_all(u->fd, u->sniff, u->sniff_len, u->tmp, err);
	if (result != FERRY_OK)
		return result;
	u->in_memory = false;
	return store_upload_seal(s, u, err);
}

bool
store_blob_present(struct store *s, const char *sha, uint64_t size)
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

/*
 * Read src to its end while hashing it: the first MIME_SNIFF_BYTES into
 * u->sniff, and when there is more, everything into a tmp file.
 */
static enum ferry_code
store_upload_stream(struct store *s, struct ferry_reader *src,
    const char *name, struct store_upload *u, struct ferry_error *err)
{
	enum ferry_code	 result;
	EVP_MD_CTX	*md;
	unsigned char	*buf = NULL, digest[EVP_MAX_MD_SIZE];
	unsigned int	 dlen = 0, i;
	size_t		 got;

	u->sniff = xmalloc(MIME_SNIFF_BYTES);
	md = EVP_MD_CTX_new();
	if (md == NULL || EVP_DigestInit_ex(md, EVP_sha256(), NULL) != 1) {
		result = ferry_error_set(err, FERRY_E_INTERNAL,
		    "sha256 is not available from libcrypto");
		goto out;
	}
	result = ferry_reader_read_full(src, u->sniff, MIME_SNIFF_BYTES,
	    &u->sniff_len, err);
	if (result != FERRY_OK)
		goto out;
	EVP_DigestUpdate(md, u->sniff, u->sniff_len);
	u->size = u->sniff_len;
	u->in_memory = u->sniff_len < MIME_SNIFF_BYTES;
	if (!u->in_memory) {
		if ((result = store_tmp_create(s, name, u, err)) != FERRY_OK)
			goto out;
		result = store_write_all(u->fd, u->sniff, u->sniff_len, u->tmp,
		    err);
		buf = xmalloc(STORE_IO_BUF);
	}
	while (result == FERRY_OK && !u->in_memory) {
		result = ferry_reader_read(src, buf, STORE_IO_BUF, &got, err);
		if (result != FERRY_OK || got == 0)
			break;
		EVP_DigestUpdate(md, buf, got);
		u->size += got;
		result = store_write_all(u->fd, buf, got, u->tmp, err);
	}
	if (result == FERRY_OK && EVP_DigestFinal_ex(md, digest, &dlen) != 1)
		result = ferry_error_set(err, FERRY_E_INTERNAL,
		    "sha256 failed");
	for (i = 0; result == FERRY_OK && i < dlen && i < 32; i++)
		snprintf(u->sha + 2 * i, 3, "%02x", digest[i]);
out:
	EVP_MD_CTX_free(md);
	free(buf);
	return result;
}

/*
 * Make sure the blob is in blobs/ (under the write lock): rename the
 * sealed tmp file there, or drop it when that blob is there already;
 * in-memory content is written out only when its blob is missing.
 */
static enum ferry_code
store_blob_place(struct store *s, const char *name, struct store_upload *u,
    struct ferry_error *err)
{
	enum ferry_code	 result = FERRY_OK;
	char		*dir, *path;

	if (store_blob_present(s, u->sha, u->size)) {
		if (u->tmp != NULL) {
			unlink(u->tmp);
			free(u->tmp);
			u->tmp = NULL;
		}
		return FERRY_OK;
	}
	if (u->in_memory &&
	    (result = store_upload_spill(s, name, u, err)) != FERRY_OK)
		return result;
	dir = xasprintf("%s/%.2s", s->blob_dir, u->sha);
	path = xasprintf("%s/%s", dir, u->sha);
	if (mkdir(dir, 0700) == 0) {
		if (s->durable && store_fsync_dir(s->blob_dir) == -1)
			result = ferry_error_errno(err, errno, "syncing %s",
			    s->blob_dir);
	} else if (errno != EEXIST)
		result = ferry_error_errno(err, errno, "creating %s", dir);
	if (result != FERRY_OK)
		goto out;
	if (rename(u->tmp, path) == -1) {
		result = ferry_error_errno(err, errno, "placing blob %s",
		    path);
		goto out;
	}
	free(u->tmp);
	u->tmp = NULL;
	if (s->durable && store_fsync_dir(dir) == -1)
		result = ferry_error_errno(err, errno, "syncing %s", dir);
out:
	free(dir);
	free(path);
	return result;
}

static enum ferry_code
store_put_row(struct store *s, const struct store_node *folder,
    const char *name, const struct store_node *old,
    const struct store_upload *u, int64_t *nid, struct ferry_error *err)
{
	enum ferry_code		 result;
	struct store_row	 r;
	sqlite3_stmt		*st;
	int			 rc;

	if (old->nid == 0) {
		memset(&r, 0, sizeof r);
		r.parent = folder->nid;
		r.kind = FERRY_KIND_ITEM;
		r.name = name;
		r.size = u->size;
		r.sha = u->sha;
		r.mime = u->mime;
		r.type = ferry_type_from_mime(u->mime);
		r.metadata = u->metadata;
		return store_insert(s, &r, nid, err);
	}
	if ((st = store_stmt(s, ST_PUT_REPLACE, err)) == NULL)
		return STORE_ERR(err);
	sqlite3_bind_int64(st, 1, old->nid);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)u->size);
	sqlite3_bind_text(st, 3, u->sha, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, u->mime, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 5, ferry_type_from_mime(u->mime));
	if (u->metadata != NULL)
		sqlite3_bind_text(st, 6, u->metadata, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 7, ferry_now_ms());
	sqlite3_bind_text(st, 8, s->user, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return store_sql_error(s, rc, err, "store %s: replacing \"%s\"",
		    s->dir, name);
	*nid = old->nid;
	result = FERRY_OK;
	if (strcmp(old->sha, u->sha) != 0)
		result = store_blob_release(s, old->sha, err);
	return result;
}

/*
 * Where the item will go: the folder, and the item it replaces (old->nid
 * 0 when none).  Run before streaming (to fail early) and again under
 * the lock.
 */
static enum ferry_code
store_put_target(struct store *s, const char *folder_id, const char *name,
    enum ferry_exists exists, struct store_node *folder,
    struct store_node *old, struct ferry_error *err)
{
	enum ferry_code	 result;
	char		*path;

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
	/* only errors from here: name the folder */
	path = store_nid_path(s, folder->nid);
	if (folder->kind != FERRY_KIND_FOLDER)
		result = ferry_error_set(err, FERRY_E_NOT_FOLDER,
		    "\"%s\": not a folder", path);
	else if (old->kind == FERRY_KIND_FOLDER)
		result = ferry_error_set(err, FERRY_E_EXISTS,
		    "\"%s%s%s\" already exists (a folder; it is never"
		    " replaced by an item)", path,
		    strcmp(path, "/") == 0 ? "" : "/", name);
	else
		result = ferry_error_set(err, FERRY_E_EXISTS,
		    "\"%s%s%s\" already exists (an item)", path,
		    strcmp(path, "/") == 0 ? "" : "/", name);
	free(path);
	return result;
}

static enum ferry_code
store_put_commit(struct store *s, const char *folder_id, const char *name,
    enum ferry_exists exists, struct store_upload *u, int64_t *nid,
    struct ferry_error *err)
{
	enum ferry_code		 result;
	struct store_node	 folder, old;
	uint64_t		 add;

	if ((result = store_txn_begin(s, err)) != FERRY_OK)
		return result;
	result = store_put_target(s, folder_id, name, exists, &folder, &old,
	    err);
	if (result != FERRY_OK)
		goto fail;
	add = old.nid == 0 ? u->size : u->size > old.size ?
	    u->size - old.size : 0;
	result = store_check_limits(s, folder.nid, old.nid == 0 ? 1 : 0, add,
	    err);
	if (result != FERRY_OK)
		goto fail;
	if ((result = store_blob_place(s, name, u, err)) != FERRY_OK)
		goto fail;
	if ((result = store_put_row(s, &folder, name, &old, u, nid, err)) !=
	    FERRY_OK)
		goto fail;
	return store_txn_commit(s, err);
fail:
	store_txn_rollback(s);
	return result;
}

static enum ferry_code
store_put_opts(const struct ferry_write_opts *o, struct store_upload *u,
    struct ferry_error *err)
{
	const char	*p;
	size_t		 len;

	if (o->metadata != NULL && store_check_json("metadata", o->metadata,
	    false, &u->metadata, err) != FERRY_OK)
		return STORE_ERR(err);
	if (o->expect_sha256 != NULL && (strlen(o->expect_sha256) !=
	    STORE_SHA_HEX || strspn(o->expect_sha256, "0123456789abcdefABCDEF")
	    != STORE_SHA_HEX))
		return ferry_error_set(err, FERRY_E_INVALID,
		    "expected sha256 \"%.70s\" is not 64 hex digits",
		    o->expect_sha256);
	if (o->mime == NULL)
		return FERRY_OK;
	len = strlen(o->mime);
	if (len == 0 || len > STORE_MIME_MAX || strchr(o->mime, '/') == NULL)
		return ferry_error_set(err, FERRY_E_INVALID,
		    "MIME type \"%.64s\" is not of the form type/subtype",
		    o->mime);
	for (p = o->mime; *p != '\0'; p++)
		if ((unsigned char)*p <= 0x20 || *p == 0x7f)
			return ferry_error_set(err, FERRY_E_INVALID,
			    "MIME type has a space or control character at"
			    " byte %td", p - o->mime);
	return FERRY_OK;
}

enum ferry_code
store_put(struct store *s, const char *folder_id, const char *name,
    struct ferry_reader *src, const struct ferry_write_opts *o,
    struct ferry_entry *out, struct ferry_arena *a, struct ferry_error *err)
{
	static const struct ferry_write_opts defaults;
	enum ferry_code		 result;
	struct store_upload	 u;
	struct store_node	 folder, old;
	int64_t			 nid = 0;

	memset(&u, 0, sizeof u);
	u.fd = -1;
	if (o == NULL)
		o = &defaults;
	if (name == NULL)
		return ferry_error_set(err, FERRY_E_INVALID_NAME,
		    "no item name given");
	/* fail before streaming what cannot be stored */
	result = store_put_target(s, folder_id, name, o->exists, &folder,
	    &old, err);
	if (result != FERRY_OK)
		goto out;
	if ((result = store_name_ok(s, folder.nid, name, err)) != FERRY_OK)
		goto out;
	if ((result = store_put_opts(o, &u, err)) != FERRY_OK)
		goto out;
	if ((result = store_upload_stream(s, src, name, &u, err)) != FERRY_OK)
		goto out;
	if (o->expect_sha256 != NULL &&
	    strcasecmp(o->expect_sha256, u.sha) != 0) {
		result = ferry_error_set(err, FERRY_E_CORRUPT,
		    "\"%s\": content has sha256 %s, expected %s; nothing"
		    " stored", name, u.sha, o->expect_sha256);
		goto out;
	}
	/* in memory and already stored: no tmp file at all */
	if (u.in_memory && !store_blob_present(s, u.sha, u.size))
		result = store_upload_spill(s, name, &u, err);
	else if (!u.in_memory)
		result = store_upload_seal(s, &u, err);
	if (result != FERRY_OK)
		goto out;
	u.mime = xstrdup(o->mime != NULL ? o->mime :
	    mime_detect(u.sniff, u.sniff_len));
	if (strlen(u.mime) > STORE_MIME_MAX)
		u.mime[STORE_MIME_MAX] = '\0';
	result = store_put_commit(s, folder_id, name, o->exists, &u, &nid,
	    err);
	if (result == FERRY_OK && out != NULL)
		result = store_entry_nid(s, nid, out, a, err);
out:
	store_upload_done(&u);
	return result;
}

/* -------- reading -------- */

struct store_blob_reader {
	struct ferry_reader	 r;
	int			 fd;
	uint64_t		 off;
	uint64_t		 left;
	char			*name;
};

static enum ferry_code
store_blob_read(struct ferry_reader *r, void *buf, size_t len, size_t *got,
    struct ferry_error *err)
{
	struct store_blob_reader	*br = (struct store_blob_reader *)r;
	ssize_t				 n;

	*got = 0;
	if (len > br->left)
		len = (size_t)br->left;
	if (len == 0)
		return FERRY_OK;
	do
		n = pread(br->fd, buf, len, (off_t)br->off);
	while (n == -1 && errno == EINTR);
	if (n == -1)
		return ferry_error_errno(err, errno, "reading \"%s\"",
		    br->name);
	if (n == 0)
		return ferry_error_set(err, FERRY_E_CORRUPT,
		    "\"%s\": content ends %llu bytes early", br->name,
		    (unsigned long long)br->left);
	br->off += (uint64_t)n;
	br->left -= (uint64_t)n;
	*got = (size_t)n;
	return FERRY_OK;
}

static void
store_blob_close(struct ferry_reader *r)
{
	struct store_blob_reader	*br = (struct store_blob_reader *)r;

	close(br->fd);
	free(br->name);
	free(br);
}

static const struct ferry_reader_ops store_blob_reader_ops = {
	store_blob_read,
	store_blob_close,
};

static enum ferry_code
store_open_blob(struct store *s, const struct store_node *n, const char *id,
    const char *path, int *fd, struct ferry_error *err)
{
	struct store_node	 again;
	struct stat		 sb;
	char			*blob;
	int			 saved;

	blob = store_blob_path(s, n->sha);
	*fd = open(blob, O_RDONLY | O_CLOEXEC);
	saved = errno;
	free(blob);
	if (*fd == -1 && saved == ENOENT) {
		/* deleted meanwhile, or a damaged store? */
		if (store_lookup(s, id, &again, NULL) != FERRY_OK)
			return ferry_error_set(err, FERRY_E_NOT_FOUND,
			    "\"%s\" was deleted", path);
		return ferry_error_set(err, FERRY_E_CORRUPT,
		    "\"%s\": its content (blob %s) is missing; run"
		    " `ferry check`", path, n->sha);
	}
	if (*fd == -1)
		return ferry_error_errno(err, saved, "\"%s\": opening its"
		    " content", path);
	if (fstat(*fd, &sb) == -1 || (uint64_t)sb.st_size != n->size) {
		close(*fd);
		*fd = -1;
		return ferry_error_set(err, FERRY_E_CORRUPT,
		    "\"%s\": its content (blob %s) has the wrong size; run"
		    " `ferry check`", path, n->sha);
	}
	return FERRY_OK;
}

enum ferry_code
store_open_read(struct store *s, const char *id, uint64_t offset,
    uint64_t len, struct ferry_reader **out, struct ferry_error *err)
{
	enum ferry_code			 result;
	struct store_node		 n;
	struct store_blob_reader	*br;
	char				*path;
	int				 fd;

	*out = NULL;
	if ((result = store_lookup(s, id, &n, err)) != FERRY_OK)
		return result;
	path = store_nid_path(s, n.nid);
	if (n.kind != FERRY_KIND_ITEM) {
		result = ferry_error_set(err, FERRY_E_IS_FOLDER,
		    "\"%s\" is a folder; only items have content", path);
		goto out;
	}
	if (offset > n.size) {
		result = ferry_error_set(err, FERRY_E_INVALID,
		    "\"%s\": offset %llu is past the end (size %llu)", path,
		    (unsigned long long)offset, (unsigned long long)n.size);
		goto out;
	}
	if ((result = store_open_blob(s, &n, id, path, &fd, err)) != FERRY_OK)
		goto out;
	br = xcalloc(1, sizeof *br);
	br->r.ops = &store_blob_reader_ops;
	br->fd = fd;
	br->off = offset;
	br->left = n.size - offset;
	if (len < br->left)
		br->left = len;
	br->r.size = br->left;
	br->r.size_known = true;
	br->name = path;
	br->r.name = br->name;
	path = NULL;
	*out = &br->r;
out:
	free(path);
	return result;
}

/* -------- reports, check and gc -------- */

void
store_report_init(struct store_report *r)
{
	memset(r, 0, sizeof *r);
}

void
store_report_done(struct store_report *r)
{
	size_t	 i;

	for (i = 0; i < r->nmsgs; i++)
		free(r->msgs[i]);
	free(r->msgs);
	memset(r, 0, sizeof *r);
}

bool
store_report_clean(const struct store_report *r)
{
	return r->missing_blobs == 0 && r->bad_blobs == 0 &&
	    r->orphan_rows == 0 && r->unreferenced == 0 && r->tmp_files == 0;
}

static void __attribute__((format(printf, 2, 3)))
store_report_add(struct store_report *r, const char *fmt, ...)
{
	va_list	 ap;
	char	*msg;

	if (r->nmsgs >= STORE_REPORT_MAX) {
		r->msgs_dropped++;
		return;
	}
	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) == -1)
		msg = NULL;
	va_end(ap);
	if (msg == NULL) {
		r->msgs_dropped++;
		return;
	}
	r->msgs = xreallocarray(r->msgs, r->nmsgs + 1, sizeof *r->msgs);
	r->msgs[r->nmsgs++] = msg;
}

/* Items whose blob is missing or has the wrong size. */
static enum ferry_code
store_check_items(struct store *s, struct store_report *r,
    struct ferry_error *err)
{
	sqlite3_stmt	*st;
	struct stat	 sb;
	const char	*sha;
	char		*blob, *path;
	uint64_t	 size;
	int		 rc;

	if ((st = store_stmt(s, ST_ITEMS_ALL, err)) == NULL)
		return STORE_ERR(err);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		sha = (const char *)sqlite3_column_text(st, 1);
		size = (uint64_t)sqlite3_column_int64(st, 2);
		blob = store_blob_path(s, sha);
		if (stat(blob, &sb) == -1) {
			r->missing_blobs++;
			path = store_nid_path(s, sqlite3_column_int64(st, 0));
			store_report_add(r, "item \"%s\": blob %s is missing",
			    path, sha);
			free(path);
		} else if ((uint64_t)sb.st_size != size) {
			r->bad_blobs++;
			path = store_nid_path(s, sqlite3_column_int64(st, 0));
			store_report_add(r, "item \"%s\": blob %s has %llu"
			    " bytes, the item %llu", path, sha,
			    (unsigned long long)sb.st_size,
			    (unsigned long long)size);
			free(path);
		}
		free(blob);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return store_sql_error(s, rc, err, "store %s: checking items",
		    s->dir);
	return FERRY_OK;
}

/* Rows whose parent is missing or is not a folder. */
static enum ferry_code
store_check_orphans(struct store *s, struct store_report *r,
    struct ferry_error *err)
{
	sqlite3_stmt	*st;
	int		 rc;

	rc = sqlite3_prepare_v2(s->db, "SELECT n.id, n.name, n.parent"
	    " FROM nodes n LEFT JOIN nodes p ON p.nid = n.parent"
	    " WHERE n.parent IS NOT NULL AND (p.nid IS NULL OR p.kind <> 1)",
	    -1, &st, NULL);
	if (rc != SQLITE_OK)
		return store_sql_error(s, rc, err, "store %s: checking",
		    s->dir);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		r->orphan_rows++;
		store_report_add(r, "row %s (\"%s\"): parent %lld is missing"
		    " or not a folder", sqlite3_column_text(st, 0),
		    sqlite3_column_text(st, 1),
		    (long long)sqlite3_column_int64(st, 2));
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return store_sql_error(s, rc, err, "store %s: checking",
		    s->dir);
	return FERRY_OK;
}

/* gc: unreferenced blobs seen; they are unlinked under the lock. */
struct store_gc_list {
	struct store_report *r;
	char		**sha;
	uint64_t	*size;
	size_t		 n;
	size_t		 cap;
};

typedef enum ferry_code (*store_blob_cb)(struct store *s, const char *sha,
		    const char *path, const struct stat *sb, void *ctx,
		    struct ferry_error *err);

/* Call cb for every file in blobs/xx/; stray names are reported in r. */
static enum ferry_code
store_walk_blobs(struct store *s, store_blob_cb cb, void *ctx,
    struct store_report *r, struct ferry_error *err)
{
	enum ferry_code	 result = FERRY_OK;
	DIR		*top, *sub;
	struct dirent	*d, *f;
	struct stat	 sb;
	char		*dir, *path;

	if ((top = opendir(s->blob_dir)) == NULL)
		return ferry_error_errno(err, errno, "reading %s",
		    s->blob_dir);
	while (result == FERRY_OK && (d = readdir(top)) != NULL) {
		if (d->d_name[0] == '.')
			continue;
		dir = xasprintf("%s/%s", s->blob_dir, d->d_name);
		if ((sub = opendir(dir)) == NULL) {
			store_report_add(r, "stray file %s in blobs", dir);
			free(dir);
			continue;
		}
		while (result == FERRY_OK && (f = readdir(sub)) != NULL) {
			if (f->d_name[0] == '.')
				continue;
			path = xasprintf("%s/%s", dir, f->d_name);
			if (!store_is_sha(f->d_name) ||
			    strncmp(f->d_name, d->d_name, 2) != 0 ||
			    strlen(d->d_name) != 2)
				store_report_add(r, "stray file %s in blobs",
				    path);
			else if (lstat(path, &sb) == 0)
				result = cb(s, f->d_name, path, &sb, ctx, err);
			free(path);
		}
		closedir(sub);
		free(dir);
	}
	closedir(top);
	return result;
}

static enum ferry_code
store_check_blob(struct store *s, const char *sha, const char *path,
    const struct stat *sb, void *ctx, struct ferry_error *err)
{
	struct store_report	*r = ctx;
	enum ferry_code		 result;
	bool			 used;

	(void)sb;
	if ((result = store_sha_referenced(s, sha, &used, err)) != FERRY_OK)
		return result;
	if (!used) {
		r->unreferenced++;
		store_report_add(r, "blob %s: no item references it", path);
	}
	return FERRY_OK;
}

/* Whether the process that wrote tmp file `name` is gone. */
static bool
store_tmp_dead(const char *name, const struct stat *sb)
{
	char	*end;
	long	 pid;

	if (sb->st_mtime < time(NULL) - STORE_TMP_MAX_AGE)
		return true;
	pid = strtol(name, &end, 10);
	if (end == name || *end != '-' || pid <= 0)
		return true;
	return kill((pid_t)pid, 0) == -1 && errno == ESRCH;
}

/* Count (and with remove, delete when dead) the files in DIR/tmp. */
static enum ferry_code
store_walk_tmp(struct store *s, bool remove, struct store_report *r,
    struct ferry_error *err)
{
	DIR		*d;
	struct dirent	*e;
	struct stat	 sb;
	char		*path;
	bool		 dead;

	if ((d = opendir(s->tmp_dir)) == NULL)
		return ferry_error_errno(err, errno, "reading %s", s->tmp_dir);
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		path = xasprintf("%s/%s", s->tmp_dir, e->d_name);
		if (lstat(path, &sb) == 0) {
			dead = store_tmp_dead(e->d_name, &sb);
			if (remove && dead && unlink(path) == 0)
				r->removed_tmp++;
			else {
				r->tmp_files++;
				store_report_add(r, "temporary file %s (%s)",
				    path, dead ? "left by a dead upload" :
				    "an upload in progress");
			}
		}
		free(path);
	}
	closedir(d);
	return FERRY_OK;
}

enum ferry_code
store_check(struct store *s, struct store_report *r, struct ferry_error *err)
{
	enum ferry_code	 result;

	/* the write lock keeps puts and deletes out, so the picture is exact */
	if ((result = store_txn_begin(s, err)) != FERRY_OK)
		return result;
	result = store_check_items(s, r, err);
	if (result == FERRY_OK)
		result = store_check_orphans(s, r, err);
	if (result == FERRY_OK)
		result = store_walk_blobs(s, store_check_blob, r, r, err);
	if (result == FERRY_OK)
		result = store_walk_tmp(s, false, r, err);
	store_txn_rollback(s);
	return result;
}

static enum ferry_code
store_gc_unlink(struct store *s, struct store_gc_list *l, size_t from,
    size_t to, struct store_report *r, struct ferry_error *err)
{
	enum ferry_code	 result;
	bool		 used;
	char		*path;
	size_t		 i;

	if ((result = store_txn_begin(s, err)) != FERRY_OK)
		return result;
	for (i = from; i < to; i++) {
		result = store_sha_referenced(s, l->sha[i], &used, err);
		if (result != FERRY_OK)
			break;
		if (used)
			continue;
		path = store_blob_path(s, l->sha[i]);
		if (unlink(path) == 0) {
			r->removed_blobs++;
			r->freed_bytes += l->size[i];
		} else if (errno != ENOENT)
			store_report_add(r, "blob %s: cannot remove: %s",
			    path, strerror(errno));
		free(path);
	}
	if (result != FERRY_OK) {
		store_txn_rollback(s);
		return result;
	}
	return store_txn_commit(s, err);
}

static enum ferry_code
store_gc_blob(struct store *s, const char *sha, const char *path,
    const struct stat *sb, void *ctx, struct ferry_error *err)
{
	struct store_gc_list	*l = ctx;
	enum ferry_code		 result;
	bool			 used;

	(void)path;
	if ((result = store_sha_referenced(s, sha, &used, err)) != FERRY_OK)
		return result;
	if (used)
		return FERRY_OK;
	l->r->unreferenced++;
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 64;
		l->sha = xreallocarray(l->sha, l->cap, sizeof *l->sha);
		l->size = xreallocarray(l->size, l->cap, sizeof *l->size);
	}
	l->sha[l->n] = xstrdup(sha);
	l->size[l->n++] = (uint64_t)sb->st_size;
	return FERRY_OK;
}

enum ferry_code
store_gc(struct store *s, struct store_report *r, struct ferry_error *err)
{
	enum ferry_code		 result;
	struct store_gc_list	 l;
	size_t			 i, to;

	memset(&l, 0, sizeof l);
	l.r = r;
	result = store_walk_tmp(s, true, r, err);
	if (result == FERRY_OK)
		result = store_walk_blobs(s, store_gc_blob, &l, r, err);
	for (i = 0; result == FERRY_OK && i < l.n; i = to) {
		to = i + STORE_GC_BATCH < l.n ? i + STORE_GC_BATCH : l.n;
		result = store_gc_unlink(s, &l, i, to, r, err);
	}
	for (i = 0; i < l.n; i++)
		free(l.sha[i]);
	free(l.sha);
	free(l.size);
	return result;
}
