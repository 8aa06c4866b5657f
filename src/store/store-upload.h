/* SPDX-License-Identifier: MIT */
/*
 * Content that arrives in pieces, for ferryd: a push-style put (begin,
 * write the bytes as they come, commit or abort), resumable multipart
 * uploads (parts in any order, kept on disk and in SQLite across
 * restarts, assembled on completion), and opening a blob file for
 * sendfile.
 *
 * A push upload keeps the guarantees of store_put() (store.h): bytes are
 * hashed while written to DIR/tmp/<pid>-<uuid>.tmp, which is fsynced and
 * placed in blobs/ under the write lock together with the row, so a crash
 * at any instant leaves the whole item or nothing, plus at most a tmp
 * file that store_gc() removes.  Content shorter than MIME_SNIFF_BYTES
 * whose blob exists already never touches the disk.
 *
 * Multipart uploads live in DIR/uploads/<upload id>/: a part is written
 * to "<n>.<pid>-<uuid>.tmp", fsynced, renamed to "<n>", and then recorded
 * in upload_parts (with its size and sha256).  A part whose row is missing
 * was never acknowledged and is simply sent again.  Completing streams the
 * parts 1..N, in order, through a push upload; the upload's rows and
 * directory are removed only after the item is committed, so a crash
 * during completion leaves the upload complete-able again.
 * store_upload_gc() removes uploads idle for longer than a limit, part
 * tmp files of dead processes, and directories without a row.
 *
 * Threads: the store handle's thread.  store_push_abort() and
 * store_part_abort() touch no database and may run on any thread that
 * owns the object.
 */
#ifndef FERRY_STORE_UPLOAD_H
#define FERRY_STORE_UPLOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ferry/backend.h"
#include "ferry/entry.h"
#include "ferry/error.h"
#include "store/store.h"

#define STORE_PARTS_MAX		10000	/* part numbers are 1..this */

struct store_push;
struct store_part;

/* -------- push uploads -------- */

/*
 * Start storing item `name` in folder folder_id with the options of o
 * (mime, metadata, expect_sha256, exists; may be NULL).  Everything that
 * can be checked before the bytes arrive is checked now: the folder, the
 * name, whether it is taken (*replaces, may be NULL, says an item will be
 * replaced), the MIME type and the metadata.
 */
enum ferry_code	 store_push_begin(struct store *s, const char *folder_id,
		    const char *name, const struct ferry_write_opts *o,
		    struct store_push **out, bool *replaces,
		    struct ferry_error *err);
/* Append len bytes. */
enum ferry_code	 store_push_write(struct store_push *p, const void *buf,
		    size_t len, struct ferry_error *err);
/* Bytes written so far. */
uint64_t	 store_push_size(const struct store_push *p);
/*
 * Check the checksum, place the blob and insert (or replace) the row in
 * one write transaction; limits are checked there.  *out (may be NULL)
 * describes the item.  Frees p whatever the result.
 */
enum ferry_code	 store_push_commit(struct store_push *p,
		    struct ferry_entry *out, struct ferry_arena *a,
		    struct ferry_error *err);
/* Drop the upload and its tmp file (NULL is a no-op). */
void		 store_push_abort(struct store_push *p);

/* -------- multipart uploads -------- */

/* The record of a multipart upload. */
struct store_mp {
	char		 id[STORE_ID_SIZE];
	char		 folder[STORE_ID_SIZE];
	char		 name[FERRY_NAME_MAX + 1];
	char		 user[65];
	int64_t		 size;		/* declared total, -1 = unknown */
	char		 sha256[65];	/* declared, "" = none */
	char		 mime[256];	/* declared, "" = detect */
	char		*metadata;	/* JSON object text or NULL */
	bool		 overwrite;
	int64_t		 created;	/* ms */
	int64_t		 updated;	/* ms: last part or start */
};

struct store_mp_part {
	uint32_t	 n;
	uint64_t	 size;
	char		 sha256[65];
	int64_t		 created;
};

typedef enum ferry_code (*store_mp_part_cb)(const struct store_mp_part *p,
		    void *ud);

/*
 * Start a multipart upload of item `name` into folder folder_id for
 * user, with the options of o (mime, metadata, expect_sha256, exists)
 * and the declared total size (-1: unknown).  The target is checked as
 * by store_push_begin().  id receives the upload's UUID.
 */
enum ferry_code	 store_mp_create(struct store *s, const char *folder_id,
		    const char *name, const struct ferry_write_opts *o,
		    const char *user, int64_t size, char id[STORE_ID_SIZE],
		    struct ferry_error *err);
/* The record of upload id; free it with store_mp_done(). */
enum ferry_code	 store_mp_get(struct store *s, const char *id,
		    struct store_mp *out, struct ferry_error *err);
void		 store_mp_done(struct store_mp *mp);
/* The parts that arrived, by number. */
enum ferry_code	 store_mp_parts(struct store *s, const char *id,
		    store_mp_part_cb cb, void *ud, struct ferry_error *err);
/*
 * Assemble parts 1..N (every number present, none missing: else
 * FERRY_E_CONFLICT naming the first gap), check the declared size and
 * sha256, commit the item and remove the upload.  *out (may be NULL)
 * describes the item.
 */
enum ferry_code	 store_mp_complete(struct store *s, const char *id,
		    struct ferry_entry *out, struct ferry_arena *a,
		    struct ferry_error *err);
/* Remove upload id with its parts. */
enum ferry_code	 store_mp_abort(struct store *s, const char *id,
		    struct ferry_error *err);

/* Start writing part n (1..STORE_PARTS_MAX) of upload id. */
enum ferry_code	 store_part_begin(struct store *s, const char *id,
		    uint32_t n, struct store_part **out,
		    struct ferry_error *err);
enum ferry_code	 store_part_write(struct store_part *p, const void *buf,
		    size_t len, struct ferry_error *err);
uint64_t	 store_part_size(const struct store_part *p);
/*
 * Make the part durable and record it (replacing an earlier copy of the
 * same number); *out (may be NULL) describes it.  Frees p.
 */
enum ferry_code	 store_part_commit(struct store_part *p,
		    struct store_mp_part *out, struct ferry_error *err);
void		 store_part_abort(struct store_part *p);

/*
 * Remove uploads not touched for max_idle_ms (0: keep all), tmp part
 * files of dead processes, and upload directories without a record.
 * *removed (may be NULL) counts the uploads removed.
 */
enum ferry_code	 store_upload_gc(struct store *s, int64_t max_idle_ms,
		    uint64_t *removed, struct ferry_error *err);

/* -------- reading -------- */

/*
 * Open the blob with this sha256 (of `size` bytes) read-only, for
 * sendfile; FERRY_E_NOT_FOUND when it is gone (its item was deleted
 * meanwhile), FERRY_E_CORRUPT when its size is wrong.
 */
enum ferry_code	 store_blob_open(struct store *s, const char *sha256,
		    uint64_t size, int *fd, struct ferry_error *err);

#endif
