/* SPDX-License-Identifier: MIT */
/*
 * The embedded folder store engine: folders and items in SQLite (WAL mode),
 * item content in content-addressed blob files named by their sha256.
 * It is the `store:` backend (src/backends/store.c) and, later, the engine
 * behind ferryd.
 *
 * On disk, under the store directory DIR (created 0700 when missing):
 *   DIR/ferry.db                   SQLite database (+ -wal, -shm)
 *   DIR/blobs/ab/<64 hex>          content, named by sha256, read-only
 *   DIR/tmp/<pid>-<uuid>.tmp       uploads being written
 *
 * Invariants:
 * - One table of nodes holds the root folder (parent NULL, name ''),
 *   folders and items; (parent, name) is unique, so a name is unique in
 *   its folder across subfolders and items.
 * - An item's blob exists whenever its row is committed: a put writes and
 *   fsyncs a tmp file, then under one write transaction (BEGIN IMMEDIATE)
 *   renames it into blobs/ (or drops it when that blob exists), fsyncs
 *   the blob directory and inserts the row.  Content shorter than
 *   MIME_SNIFF_BYTES whose blob exists already needs no tmp file at all.
 *   A crash at any instant leaves the whole item or nothing, plus at most
 *   garbage that store_gc() removes.
 * - A blob is unlinked only while holding the write lock and only when no
 *   row references it, so two processes sharing a store never lose a blob
 *   that the other just committed.
 *
 * Threads: a struct store is used by one thread at a time; each thread
 * (and each process) opens its own.  Every call may block on disk or on
 * the SQLite lock (up to a busy timeout of about 10 s, then FERRY_E_BUSY).
 *
 * Entries and ids: every folder and item has a UUID (36-char text).  The
 * functions below work on ids; store_resolve() turns a path ("/a/b") into
 * an id.  Entry strings returned go into the caller's arena.
 */
#ifndef FERRY_STORE_H
#define FERRY_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ferry/backend.h"
#include "ferry/entry.h"
#include "ferry/error.h"
#include "ferry/stream.h"

/*
 * Schema versions: 1 nodes and settings; 2 adds the tables of ferryd
 * (users, tokens, groups, grants, multipart uploads, operations; created
 * by store_acl_schema() in store-acl.c).  A version-1 store is upgraded
 * in place when opened; nothing of version 1 changes.
 */
#define STORE_SCHEMA_VERSION	2
#define STORE_ID_SIZE		37	/* UUID text plus NUL */
#define STORE_BATCH_MAX		10000	/* ids in one batch move/delete */

struct store;

/*
 * Per-folder limits; 0 means no limit.  Kept in the store's settings
 * table, so every process sharing the store enforces the same ones.
 * Exceeding one is FERRY_E_LIMIT naming the limit, the folder and the
 * numbers.  Only counted when set.
 */
struct store_limits {
	uint64_t	 max_items;	/* direct children (folders + items) */
	uint64_t	 max_bytes;	/* bytes of the items directly inside */
};

/*
 * Open (creating when missing) the store in directory dir.  The handle
 * records `user` on new rows: $USER, else the passwd name of the uid.
 * Blocking.
 */
enum ferry_code	 store_open(const char *dir, struct store **out,
		    struct ferry_error *err);
/* Close s (NULL is a no-op). */
void		 store_close(struct store *s);

/*
 * Durability: on (the default), tmp files and blob directories are fsynced
 * and SQLite runs with synchronous=NORMAL.  Off skips the fsyncs and uses
 * synchronous=OFF: for bulk imports and tests only; a process crash still
 * loses nothing committed, but a power loss or OS crash may lose or damage
 * recent data.
 */
void		 store_set_durable(struct store *s, bool durable);

/* Set the user recorded on new rows (ferryd: the authenticated user). */
void		 store_set_user(struct store *s, const char *user);
const char	*store_user(const struct store *s);
/* The store directory, as given to store_open(). */
const char	*store_dir(const struct store *s);
/* The id of the root folder. */
const char	*store_root_id(const struct store *s);

/*
 * Group several calls into one write transaction (BEGIN IMMEDIATE); calls
 * inside nest as savepoints.  A call that fails inside a group undoes only
 * its own changes; store_rollback() undoes the whole group.  Blobs freed
 * by the group are unlinked after the outermost commit.
 */
enum ferry_code	 store_begin(struct store *s, struct ferry_error *err);
enum ferry_code	 store_commit(struct store *s, struct ferry_error *err);
void		 store_rollback(struct store *s);

/* -------- limits (shared by every process through the database) ------ */

enum ferry_code	 store_limits_get(struct store *s, struct store_limits *out,
		    struct ferry_error *err);
enum ferry_code	 store_limits_set(struct store *s,
		    const struct store_limits *l, struct ferry_error *err);

/* -------- lookup -------- */

/*
 * Resolve a path ("/", "/a/b") to the id of the folder or item it names;
 * *kind (may be NULL) gets FERRY_KIND_*.  FERRY_E_NOT_FOUND names the
 * first missing component, FERRY_E_NOT_FOLDER an item used as a folder.
 */
enum ferry_code	 store_resolve(struct store *s, const char *path,
		    char id[STORE_ID_SIZE], uint8_t *kind,
		    struct ferry_error *err);

/* Describe the folder or item with this id (all fields filled). */
enum ferry_code	 store_get(struct store *s, const char *id,
		    struct ferry_entry *out, struct ferry_arena *a,
		    struct ferry_error *err);
/* The same by path. */
enum ferry_code	 store_get_path(struct store *s, const char *path,
		    struct ferry_entry *out, struct ferry_arena *a,
		    struct ferry_error *err);

/*
 * The path of an entry ("/a/b", "/" for the root), malloc'd into *out.
 */
enum ferry_code	 store_path(struct store *s, const char *id, char **out,
		    struct ferry_error *err);

/*
 * The chain from the root folder down to id (inclusive), root first.
 */
enum ferry_code	 store_path_to_root(struct store *s, const char *id,
		    struct ferry_entry_list *out, struct ferry_error *err);

/* -------- folders -------- */

/*
 * Create folder `name` in folder parent_id with the attributes of o (may
 * be NULL; parents is ignored; exist_ok returns an existing folder).  The
 * new folder is described in *out (may be NULL).
 */
enum ferry_code	 store_folder_create(struct store *s, const char *parent_id,
		    const char *name, const struct ferry_mkdir_opts *o,
		    struct ferry_entry *out, struct ferry_arena *a,
		    struct ferry_error *err);

/*
 * Change fields of a folder or item (FERRY_UPDATE_*).  Items take NAME and
 * METADATA only.  metadata must be a JSON object, tags a JSON array of
 * strings (FERRY_E_INVALID otherwise).  A rename keeps the folder.
 */
enum ferry_code	 store_update(struct store *s, const char *id,
		    const struct ferry_update *u, struct ferry_error *err);

/*
 * Move the folder or item id into folder dst_id, renamed to new_name
 * (NULL keeps its name).  A folder cannot move into its own subtree
 * (FERRY_E_CONFLICT).  With FERRY_EXISTS_OVERWRITE an item may replace
 * an item of the same name (never a folder).
 */
enum ferry_code	 store_move(struct store *s, const char *id,
		    const char *dst_id, const char *new_name,
		    enum ferry_exists exists, struct ferry_error *err);

/*
 * Move n items (at most STORE_BATCH_MAX; a folder among them is
 * FERRY_E_IS_FOLDER) into folder dst_id in one transaction: all or
 * nothing.  A taken name is FERRY_E_EXISTS.
 */
enum ferry_code	 store_move_items(struct store *s, const char *const *ids,
		    size_t n, const char *dst_id, struct ferry_error *err);

/*
 * Copy the item or folder (recursively) id into folder dst_id as new_name
 * (NULL: the same name).  Items share the blob.  new_id (may be NULL)
 * receives the id of the copy.  One transaction.
 */
enum ferry_code	 store_copy(struct store *s, const char *id,
		    const char *dst_id, const char *new_name,
		    enum ferry_exists exists, char new_id[STORE_ID_SIZE],
		    struct ferry_error *err);

/*
 * Delete an item, or a folder: FERRY_E_NOT_EMPTY unless flags has
 * FERRY_REMOVE_RECURSIVE.  The root cannot be deleted.  Blobs no longer
 * referenced are unlinked.
 */
enum ferry_code	 store_delete(struct store *s, const char *id,
		    uint32_t flags, struct ferry_error *err);

/* Delete n items (not folders) in one transaction: all or nothing. */
enum ferry_code	 store_delete_items(struct store *s, const char *const *ids,
		    size_t n, struct ferry_error *err);

/* -------- listing, find, summary -------- */

/*
 * One page of the children of folder id, per q (search, filter, order,
 * desc, cursor, limit up to FERRY_PAGE_MAX; more is clamped).  The order
 * is ferry_query_cmp()'s: folders first, then the key, then the name
 * case-folded, then its bytes.  The search is a case-insensitive
 * substring ('%' and '_' are plain characters); a search that is not
 * valid UTF-8 is FERRY_E_INVALID.  out->next_cursor is NULL on the last
 * page; a cursor that does not parse, or one made for another order or
 * direction, is FERRY_E_INVALID.  out->total (the matching children) is
 * filled on the first page only (no cursor).  Keyset paging: every child
 * present for the whole walk is returned exactly once, in order, even
 * while others are inserted or deleted; a page is one index walk.
 */
enum ferry_code	 store_list(struct store *s, const char *id,
		    const struct ferry_query *q, struct ferry_page *out,
		    struct ferry_error *err);

/*
 * Walk the subtree of folder id (not including it) depth first, folders
 * before items and by name, and call cb with the path relative to it
 * ("a/b.txt") for each entry that matches f (ferry_find_match, and
 * f->max_depth: 1 = direct children).  No statement is open while cb
 * runs, so cb may use the handle.  A code other than FERRY_OK from cb
 * stops the walk and is returned.
 */
enum ferry_code	 store_find(struct store *s, const char *id,
		    const struct ferry_find *f, ferry_find_cb cb, void *ud,
		    struct ferry_error *err);

/*
 * Totals for the subtree of folder id (or one item): bytes, items,
 * folders below it, per type, and stored_bytes counting each distinct
 * blob once.
 */
enum ferry_code	 store_summary(struct store *s, const char *id,
		    struct ferry_summary *out, struct ferry_error *err);

/* -------- content -------- */

/*
 * Store the bytes of src (read to its end; still owned by the caller) as
 * item `name` in folder folder_id.  Hashed while written; the MIME type
 * is detected from the first bytes unless o->mime is given; o->metadata,
 * o->expect_sha256 (mismatch: FERRY_E_CORRUPT, nothing stored) and
 * o->exists apply.  Limits are checked.  *out (may be NULL) describes the
 * item.  A crash at any instant leaves the whole item or nothing.
 */
enum ferry_code	 store_put(struct store *s, const char *folder_id,
		    const char *name, struct ferry_reader *src,
		    const struct ferry_write_opts *o, struct ferry_entry *out,
		    struct ferry_arena *a, struct ferry_error *err);

/*
 * A reader of len bytes (UINT64_MAX: to the end) of item id from offset.
 * An offset past the end is FERRY_E_INVALID.  The reader holds its own
 * file descriptor, so it stays valid if the item is deleted meanwhile.
 */
enum ferry_code	 store_open_read(struct store *s, const char *id,
		    uint64_t offset, uint64_t len, struct ferry_reader **out,
		    struct ferry_error *err);

/* -------- maintenance: `ferry gc`, `ferry check` -------- */

struct store_report {
	/* check and gc */
	uint64_t	 missing_blobs;	/* items whose blob file is missing */
	uint64_t	 bad_blobs;	/* blob file with the wrong size */
	uint64_t	 orphan_rows;	/* rows whose parent folder is missing */
	uint64_t	 unreferenced;	/* blob files no row references */
	uint64_t	 tmp_files;	/* files left in DIR/tmp */
	/* gc only */
	uint64_t	 removed_blobs;
	uint64_t	 removed_tmp;
	uint64_t	 freed_bytes;
	/* one line per finding ("item /a/b.txt: blob ab12... missing") */
	char		**msgs;
	size_t		 nmsgs;
	uint64_t	 msgs_dropped;	/* findings past STORE_REPORT_MAX */
};

#define STORE_REPORT_MAX 1000

void		 store_report_init(struct store_report *r);
void		 store_report_done(struct store_report *r);
/* True when check found nothing wrong (leftover tmp files included). */
bool		 store_report_clean(const struct store_report *r);

/*
 * Check the store: rows against blob files and parents, blob files
 * against rows, leftover tmp files.  Changes nothing; holds the write
 * lock while it runs so that its picture is exact.  Returns FERRY_OK when
 * the check could run (findings are in *r, not in the code).
 */
enum ferry_code	 store_check(struct store *s, struct store_report *r,
		    struct ferry_error *err);

/*
 * Collect garbage: unlink blob files that no row references (each checked
 * under the write lock) and tmp files of dead processes or older than a
 * day.  Fills unreferenced (blobs seen without a row) and tmp_files (tmp
 * files left because their upload is alive), plus
 * removed_blobs, removed_tmp and freed_bytes; stray files in blobs/ are
 * reported in msgs, never removed.
 */
enum ferry_code	 store_gc(struct store *s, struct store_report *r,
		    struct ferry_error *err);

#endif
