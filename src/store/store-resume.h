/* SPDX-License-Identifier: MIT */
/*
 * Resumable uploads into the embedded store, for the jobs engine: the
 * store side of a ferry_partial (include/ferry/backend.h).  A session is
 * one file DIR/tmp/<pid>-<uuid>.tmp that the writer appends to; its
 * token is the UUID, which the jobs journal keeps, so that after the
 * writer was killed (or the machine restarted) a new process reopens the
 * session, checks what it holds and appends from there.
 *
 * Invariants:
 * - The file name carries the pid of the process that holds the session,
 *   so store_gc() leaves a live session alone and removes a dead one (a
 *   later resume then starts that item anew).  Reopening renames the file
 *   to the new holder's pid; the rename is the claim, and an flock held
 *   while open refuses a second holder (FERRY_E_BUSY).
 * - The session hashes what it holds (a reopened prefix is read back
 *   before the next byte is written), so commit knows the sha256 of the
 *   whole content without trusting the caller.
 * - Commit keeps the guarantees of store_put() (store.h): the file is
 *   fsynced and sealed, then under one write transaction the target is
 *   checked again, the limits are checked, the file is renamed into
 *   blobs/ (or dropped when that blob exists) and the row is inserted or
 *   replaced.  A crash at any instant leaves the whole item or nothing.
 *
 * Threads: the store handle's thread; a session belongs to the handle
 * that opened it.
 */
#ifndef FERRY_STORE_RESUME_H
#define FERRY_STORE_RESUME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ferry/backend.h"
#include "ferry/entry.h"
#include "ferry/error.h"
#include "store/store.h"

struct store_resume;

/*
 * Start (token NULL) or reopen (token: a session's UUID) a resumable
 * upload of item `name` into folder folder_id with the options of o
 * (mime, metadata, exists; may be NULL).  The target is checked as by
 * store_put().  Reopening a session that is gone is FERRY_E_NOT_FOUND;
 * one held by a live process FERRY_E_BUSY.
 */
enum ferry_code	 store_resume_open(struct store *s, const char *folder_id,
		    const char *name, const struct ferry_write_opts *o,
		    const char *token, struct store_resume **out,
		    struct ferry_error *err);
/* The session's UUID (its token). */
const char	*store_resume_token(const struct store_resume *r);
/* Bytes the session holds. */
uint64_t	 store_resume_size(const struct store_resume *r);
/* Append len bytes. */
enum ferry_code	 store_resume_write(struct store_resume *r, const void *buf,
		    size_t len, struct ferry_error *err);
/* Make the bytes written so far durable (when the store is durable). */
enum ferry_code	 store_resume_sync(struct store_resume *r,
		    struct ferry_error *err);
/* Read back held bytes at offset; *got is short at the end. */
enum ferry_code	 store_resume_read(struct store_resume *r, uint64_t offset,
		    void *buf, size_t len, size_t *got, struct ferry_error *err);
/* Cut the session to len bytes. */
enum ferry_code	 store_resume_truncate(struct store_resume *r, uint64_t len,
		    struct ferry_error *err);
/*
 * Commit: expect (may be NULL) must equal the content's sha256
 * (FERRY_E_CORRUPT otherwise, nothing stored).  *out (may be NULL)
 * describes the item.  Frees r whatever the result; on failure the
 * session's file is removed.
 */
enum ferry_code	 store_resume_commit(struct store_resume *r,
		    const char *expect, struct ferry_entry *out,
		    struct ferry_arena *a, struct ferry_error *err);
/* Free r; keep leaves its file for a later reopen (NULL is a no-op). */
void		 store_resume_close(struct store_resume *r, bool keep);

#endif
