/* SPDX-License-Identifier: MIT */
/*
 * The one backend interface every location kind implements: the local
 * filesystem and the embedded store now; a client of ferryd, S3, and a ZIP
 * archive seen as a read-only folder (over any backend's range reads) as
 * new files later.
 *
 * A backend instance (struct ferry_backend) is opened from a location and a
 * configuration, and addresses entries by path inside its namespace:
 * "/" is its root, components are separated by '/', and a path never
 * contains "." or ".." components (ferry_path_normalize() makes it so).
 *
 * Every call may block (disk, network) and so is made only by a worker
 * thread or the CLI, never by the UI thread.  An instance is used by one
 * thread at a time; a thread that needs its own opens its own instance
 * (SQLite handles, libmagic handles and curl handles are per thread).
 *
 * Every call returns FERRY_OK or a code and fills *err (which may be
 * NULL) with a message naming the location and the cause.  An optional
 * operation a backend does not offer is a NULL pointer in its ops, and
 * the matching FERRY_CAP_* bit is clear; the ferry_backend_* wrappers turn
 * a NULL into FERRY_E_UNSUPPORTED.
 */
#ifndef FERRY_BACKEND_H
#define FERRY_BACKEND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ferry/entry.h"
#include "ferry/error.h"
#include "ferry/stream.h"

struct ferry_backend;
struct ferry_config;
struct ferry_location;
struct ferry_partial;

/* Capability flags. */
#define FERRY_CAP_WRITE		0x0001u	/* mkdir, write, remove, update */
#define FERRY_CAP_RANGE		0x0002u	/* open_read at any offset cheaply */
#define FERRY_CAP_IDS		0x0004u	/* entries have stable UUIDs */
#define FERRY_CAP_DESCRIPTION	0x0008u	/* folder descriptions */
#define FERRY_CAP_METADATA	0x0010u	/* client_metadata on entries */
#define FERRY_CAP_TAGS		0x0020u	/* folder tags */
#define FERRY_CAP_CHECKSUM	0x0040u	/* entries carry sha256 */
#define FERRY_CAP_SERVER_COPY	0x0080u	/* copy() without moving bytes */
#define FERRY_CAP_SERVER_MOVE	0x0100u	/* move() without moving bytes */
#define FERRY_CAP_PAGING	0x0200u	/* list() pages with real cursors */
#define FERRY_CAP_SUMMARY	0x0400u	/* summary() is cheap (indexed) */
#define FERRY_CAP_FIND		0x0800u	/* find() is done by the backend */
#define FERRY_CAP_SIGNED_URL	0x1000u	/* signed_url() */
#define FERRY_CAP_MIME		0x2000u	/* stores MIME types on write */
#define FERRY_CAP_EMPTY_FOLDERS	0x4000u	/* empty folders exist on their own */
#define FERRY_CAP_LOCAL_FILES	0x8000u	/* paths are local files (local_path) */
#define FERRY_CAP_RESUME	0x10000u /* open_partial: resumable writes */

/* Fields of an update: set the bit for each field to change. */
#define FERRY_UPDATE_NAME	0x01u
#define FERRY_UPDATE_DESCRIPTION 0x02u
#define FERRY_UPDATE_METADATA	0x04u
#define FERRY_UPDATE_TAGS	0x08u
#define FERRY_UPDATE_STARRED	0x10u
#define FERRY_UPDATE_TTL	0x20u

struct ferry_update {
	uint32_t	 fields;	/* FERRY_UPDATE_* */
	const char	*name;		/* a new name in the same folder */
	const char	*description;
	const char	*metadata;	/* JSON object text */
	const char	*tags;		/* JSON array of strings */
	bool		 starred;
	int64_t		 ttl;		/* seconds; 0 = none */
};

/* Attributes of a new folder (all optional). */
struct ferry_mkdir_opts {
	const char	*description;
	const char	*metadata;	/* JSON object text */
	const char	*tags;		/* JSON array of strings */
	bool		 parents;	/* create missing parents (mkdir -p) */
	bool		 exist_ok;	/* an existing folder is not an error */
};

/* What to do when the target name exists. */
enum ferry_exists {
	FERRY_EXISTS_FAIL = 0,		/* FERRY_E_EXISTS */
	FERRY_EXISTS_OVERWRITE = 1,	/* replace an item (never a folder) */
};

struct ferry_write_opts {
	uint64_t	 size_hint;	/* expected bytes; 0 = unknown */
	bool		 size_known;
	const char	*mime;		/* declared type, wins over detection */
	const char	*metadata;	/* client_metadata JSON object text */
	const char	*expect_sha256;	/* hex; mismatch = FERRY_E_CORRUPT */
	enum ferry_exists exists;
	int64_t		 mtime;		/* ms; local: set as mtime; 0 = now */
	uint32_t	 mode;		/* local: permission bits; 0 = default */
};

/* Remove flags. */
#define FERRY_REMOVE_RECURSIVE	0x01u	/* a non-empty folder too */

struct ferry_backend_ops {
	const char	*name;		/* "local", "store", ... */
	uint32_t	 caps;		/* FERRY_CAP_* */

	/* Free the instance and everything it holds. */
	void		(*close)(struct ferry_backend *b);

	/* Describe the entry at path (folder or item). */
	enum ferry_code	(*stat)(struct ferry_backend *b, const char *path,
			    struct ferry_entry *out, struct ferry_arena *a,
			    struct ferry_error *err);

	/* One page of the children of the folder at path. */
	enum ferry_code	(*list)(struct ferry_backend *b, const char *path,
			    const struct ferry_query *q, struct ferry_page *out,
			    struct ferry_error *err);

	/*
	 * The chain of folders from the root down to path (inclusive), root
	 * first; for an item, down to its folder and then the item.
	 */
	enum ferry_code	(*path_to_root)(struct ferry_backend *b,
			    const char *path, struct ferry_entry_list *out,
			    struct ferry_error *err);

	/* Create the folder at path; *out describes it (out may be NULL). */
	enum ferry_code	(*mkdir)(struct ferry_backend *b, const char *path,
			    const struct ferry_mkdir_opts *o,
			    struct ferry_entry *out, struct ferry_arena *a,
			    struct ferry_error *err);

	/* Rename (in place) and/or change attributes of the entry at path. */
	enum ferry_code	(*update)(struct ferry_backend *b, const char *path,
			    const struct ferry_update *u,
			    struct ferry_error *err);

	/* Remove an item, or a folder (empty unless FERRY_REMOVE_RECURSIVE). */
	enum ferry_code	(*remove)(struct ferry_backend *b, const char *path,
			    uint32_t flags, struct ferry_error *err);

	/*
	 * A stream of len bytes (UINT64_MAX: to the end) of the item at path
	 * from offset.  Reading past the end gives a short stream, not an
	 * error; an offset past the end is FERRY_E_INVALID.
	 */
	enum ferry_code	(*open_read)(struct ferry_backend *b, const char *path,
			    uint64_t offset, uint64_t len,
			    struct ferry_reader **out, struct ferry_error *err);

	/*
	 * Create (or replace, per o->exists) the item at path with the bytes
	 * of src, read to its end.  Atomic: on any failure or crash nothing
	 * is left under the name.  *out describes the new item, with its
	 * checksum where the backend keeps one (out may be NULL).  src stays
	 * owned by the caller.
	 */
	enum ferry_code	(*write)(struct ferry_backend *b, const char *path,
			    struct ferry_reader *src,
			    const struct ferry_write_opts *o,
			    struct ferry_entry *out, struct ferry_arena *a,
			    struct ferry_error *err);

	/* Optional: copy an item (or folder, recursively) inside b. */
	enum ferry_code	(*copy)(struct ferry_backend *b, const char *src,
			    const char *dst, enum ferry_exists exists,
			    struct ferry_error *err);

	/*
	 * Optional: move/rename an entry inside b, to the full new path dst.
	 * A folder cannot move into its own subtree (FERRY_E_CONFLICT).
	 */
	enum ferry_code	(*move)(struct ferry_backend *b, const char *src,
			    const char *dst, enum ferry_exists exists,
			    struct ferry_error *err);

	/* Totals for the subtree at path. */
	enum ferry_code	(*summary)(struct ferry_backend *b, const char *path,
			    struct ferry_summary *out, struct ferry_error *err);

	/* Walk the subtree at path and call cb for each match. */
	enum ferry_code	(*find)(struct ferry_backend *b, const char *path,
			    const struct ferry_find *f, ferry_find_cb cb,
			    void *ud, struct ferry_error *err);

	/*
	 * Optional: a URL that allows `op` ("get" or "put") on path without
	 * credentials until `expires` (seconds from now).
	 */
	enum ferry_code	(*signed_url)(struct ferry_backend *b,
			    const char *path, const char *op, int64_t expires,
			    char **url, struct ferry_error *err);

	/*
	 * Optional (FERRY_CAP_RESUME): start, or reopen, a resumable write
	 * of the item at path (see struct ferry_partial).  token NULL
	 * starts a new partial; a token an earlier partial gave reopens it
	 * with the bytes it holds, or fails with FERRY_E_NOT_FOUND when it
	 * is gone (the caller then starts anew) and FERRY_E_BUSY when
	 * another live process holds it.  What can be checked before the
	 * bytes arrive is checked now, as by write: the name, the parent
	 * folder, a taken name without FERRY_EXISTS_OVERWRITE.  o is copied.
	 */
	enum ferry_code	(*open_partial)(struct ferry_backend *b,
			    const char *path, const struct ferry_write_opts *o,
			    const char *token, struct ferry_partial **out,
			    struct ferry_error *err);

	/*
	 * Optional: every child of the folder at path that passes q's
	 * search and filter, sorted in q's order, as a brief listing (see
	 * entry.h) appended to *out: for folders far too big for pages of
	 * struct ferry_entry.  q's cursor and limit are ignored.  With
	 * q->names_only and an order by name or type, entries may come
	 * without details (FERRY_ENTRY_NO_STAT), to be stat'ed later.
	 */
	enum ferry_code	(*list_brief)(struct ferry_backend *b,
			    const char *path, const struct ferry_query *q,
			    struct ferry_brief_list *out,
			    struct ferry_error *err);
};

/*
 * A resumable write (open_partial): an item being written whose bytes
 * survive the process, under a name the backend chooses (the local
 * backend: a temporary file beside the target; the store: a session file
 * in its tmp/) and that `token` names, so that the jobs journal can
 * reopen it after a crash and append from where it stopped.  Nothing
 * appears under the target name before commit, which is atomic like
 * write.  The backend hashes what it holds (re-reading a reopened
 * prefix), so commit checks the whole content.  A partial is used by one
 * thread at a time and belongs to the backend instance that opened it;
 * close or commit it before closing the instance.
 */
struct ferry_partial_ops {
	/* Append len bytes. */
	enum ferry_code	(*write)(struct ferry_partial *p, const void *buf,
			    size_t len, struct ferry_error *err);
	/* Make every byte written so far durable (fsync). */
	enum ferry_code	(*sync)(struct ferry_partial *p,
			    struct ferry_error *err);
	/* Read back bytes it holds (to re-hash a prefix); short at size. */
	enum ferry_code	(*read)(struct ferry_partial *p, uint64_t offset,
			    void *buf, size_t len, size_t *got,
			    struct ferry_error *err);
	/* Cut it to len bytes (len <= size). */
	enum ferry_code	(*truncate)(struct ferry_partial *p, uint64_t len,
			    struct ferry_error *err);
	/*
	 * Place the content under the target name with the options given
	 * to open_partial.  expect_sha256 (may be NULL) must equal the
	 * sha256 of the whole content, else FERRY_E_CORRUPT and nothing is
	 * placed.  *out (may be NULL) describes the item, with its checksum.
	 * Frees p whatever the result; on failure the bytes are removed.
	 */
	enum ferry_code	(*commit)(struct ferry_partial *p,
			    const char *expect_sha256, struct ferry_entry *out,
			    struct ferry_arena *a, struct ferry_error *err);
	/*
	 * Free p: with keep, its bytes stay for a later open_partial with
	 * its token; without, they are removed.
	 */
	void		(*close)(struct ferry_partial *p, bool keep);
};

struct ferry_partial {
	const struct ferry_partial_ops *ops;
	uint64_t	 size;		/* bytes it holds */
	const char	*token;		/* reopens it; owned by the partial */
};

/*
 * The common head of every backend instance; a backend embeds it first in
 * its own struct.
 */
struct ferry_backend {
	const struct ferry_backend_ops *ops;
	char		*label;		/* the location prefix: "store:", "" */
	volatile int	*cancel;	/* optional: nonzero asks to stop */
};

/*
 * Open the backend a location names, with cfg (NULL: defaults).  The
 * location's kind picks the implementation.  Blocking (opens databases,
 * may connect).
 */
enum ferry_code	 ferry_backend_open(const struct ferry_location *loc,
		    const struct ferry_config *cfg, struct ferry_backend **out,
		    struct ferry_error *err);

/* Close b (NULL is a no-op). */
void		 ferry_backend_close(struct ferry_backend *b);

/* True when b has every capability in caps. */
bool		 ferry_backend_has(const struct ferry_backend *b, uint32_t caps);

/*
 * Wrappers over the ops: they check for NULL optional ops
 * (FERRY_E_UNSUPPORTED) and normalise the path.
 */
enum ferry_code	 ferry_backend_stat(struct ferry_backend *b, const char *path,
		    struct ferry_entry *out, struct ferry_arena *a,
		    struct ferry_error *err);
enum ferry_code	 ferry_backend_list(struct ferry_backend *b, const char *path,
		    const struct ferry_query *q, struct ferry_page *out,
		    struct ferry_error *err);
enum ferry_code	 ferry_backend_path_to_root(struct ferry_backend *b,
		    const char *path, struct ferry_entry_list *out,
		    struct ferry_error *err);
enum ferry_code	 ferry_backend_mkdir(struct ferry_backend *b, const char *path,
		    const struct ferry_mkdir_opts *o, struct ferry_entry *out,
		    struct ferry_arena *a, struct ferry_error *err);
enum ferry_code	 ferry_backend_update(struct ferry_backend *b,
		    const char *path, const struct ferry_update *u,
		    struct ferry_error *err);
enum ferry_code	 ferry_backend_remove(struct ferry_backend *b,
		    const char *path, uint32_t flags, struct ferry_error *err);
enum ferry_code	 ferry_backend_open_read(struct ferry_backend *b,
		    const char *path, uint64_t offset, uint64_t len,
		    struct ferry_reader **out, struct ferry_error *err);
enum ferry_code	 ferry_backend_write(struct ferry_backend *b, const char *path,
		    struct ferry_reader *src, const struct ferry_write_opts *o,
		    struct ferry_entry *out, struct ferry_arena *a,
		    struct ferry_error *err);
enum ferry_code	 ferry_backend_copy(struct ferry_backend *b, const char *src,
		    const char *dst, enum ferry_exists exists,
		    struct ferry_error *err);
enum ferry_code	 ferry_backend_move(struct ferry_backend *b, const char *src,
		    const char *dst, enum ferry_exists exists,
		    struct ferry_error *err);
enum ferry_code	 ferry_backend_summary(struct ferry_backend *b,
		    const char *path, struct ferry_summary *out,
		    struct ferry_error *err);
enum ferry_code	 ferry_backend_find(struct ferry_backend *b, const char *path,
		    const struct ferry_find *f, ferry_find_cb cb, void *ud,
		    struct ferry_error *err);

/*
 * list_brief (FERRY_E_UNSUPPORTED when b has none: use ferry_backend_list
 * instead).
 */
enum ferry_code	 ferry_backend_list_brief(struct ferry_backend *b,
		    const char *path, const struct ferry_query *q,
		    struct ferry_brief_list *out, struct ferry_error *err);

/*
 * open_partial (FERRY_E_UNSUPPORTED when b has none; the path is
 * normalised) and the partial's ops; ferry_partial_close(NULL, ...) is a
 * no-op.  Implemented in src/backends/partial.c.
 */
enum ferry_code	 ferry_backend_open_partial(struct ferry_backend *b,
		    const char *path, const struct ferry_write_opts *o,
		    const char *token, struct ferry_partial **out,
		    struct ferry_error *err);
enum ferry_code	 ferry_partial_write(struct ferry_partial *p, const void *buf,
		    size_t len, struct ferry_error *err);
enum ferry_code	 ferry_partial_sync(struct ferry_partial *p,
		    struct ferry_error *err);
enum ferry_code	 ferry_partial_read(struct ferry_partial *p, uint64_t offset,
		    void *buf, size_t len, size_t *got, struct ferry_error *err);
enum ferry_code	 ferry_partial_truncate(struct ferry_partial *p, uint64_t len,
		    struct ferry_error *err);
enum ferry_code	 ferry_partial_commit(struct ferry_partial *p,
		    const char *expect_sha256, struct ferry_entry *out,
		    struct ferry_arena *a, struct ferry_error *err);
void		 ferry_partial_close(struct ferry_partial *p, bool keep);

/*
 * Read exactly len bytes at offset into buf (a range read through
 * open_read); *got is less than len only at the end of the item.
 */
enum ferry_code	 ferry_backend_read(struct ferry_backend *b, const char *path,
		    uint64_t offset, void *buf, size_t len, size_t *got,
		    struct ferry_error *err);

/* Implementations (one const ops table each, in src/backends/). */
extern const struct ferry_backend_ops ferry_backend_local_ops;
extern const struct ferry_backend_ops ferry_backend_store_ops;

#endif
