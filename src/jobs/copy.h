/* SPDX-License-Identifier: MIT */
/*
 * The copy engine: copy or move N sources (folders or items, on any
 * backends) to one destination, with cp's destination rules, a conflict
 * policy, verification, progress and cancellation.  The CLI uses it now;
 * the jobs worker (issue 4) will run it concurrently, journalled and
 * resumable, so the API is a job object and not a function with a dozen
 * arguments.
 *
 * Destination rules (those of cp, mc and rclone):
 * - the destination exists and is a folder: each source goes inside it
 *   under its own name;
 * - it does not exist: the (single) source is copied under that name; its
 *   parent folder must exist;
 * - it exists and is an item: the conflict policy decides (fail, which is
 *   FERRY_E_EXISTS, overwrite, skip, or rename to "name (1).ext").
 * Several sources need an existing destination folder.  A folder is never
 * copied or moved into itself.  A folder copied onto an existing folder
 * merges into it (its items follow the conflict policy), unless the policy
 * is rename, which makes "name (1)".
 *
 * How bytes move: on the same backend instance, a server-side copy or move
 * (FERRY_CAP_SERVER_COPY / SERVER_MOVE) moves no bytes; when that is
 * unsupported (FERRY_E_UNSUPPORTED, e.g. a rename across filesystems) the
 * engine streams.  Streaming reads the source through a sha256 reader in
 * the backends' own chunks (never a whole file in memory) and writes with
 * the size, MIME type, metadata and mtime the source knows.  The digest is
 * checked against the checksum the destination reports, or else the one
 * the source reports; a mismatch fails the item and removes the bad copy.
 * A move deletes a source only after its copy is verified, and a folder
 * only once everything inside it has moved.
 *
 * Names read from a source listing are checked with ferry_name_check()
 * before anything is written, so a hostile source can never make the
 * engine write outside the target.
 *
 * One failed item does not stop the others: each item (and folder) ends
 * with a struct copy_result handed to the result callback, and the stats
 * count them.  Only cancellation stops a job early.
 *
 * Threads: a job and the backends it uses belong to one thread while it
 * runs; the cancel flag may be set from any thread.
 */
#ifndef FERRY_JOBS_COPY_H
#define FERRY_JOBS_COPY_H

#include <stdbool.h>
#include <stdint.h>

#include "ferry/backend.h"
#include "ferry/entry.h"
#include "ferry/error.h"

/* What to do when the target name is taken. */
enum copy_conflict {
	COPY_CONFLICT_FAIL = 0,		/* FERRY_E_EXISTS */
	COPY_CONFLICT_OVERWRITE = 1,	/* replace an item (never a folder) */
	COPY_CONFLICT_SKIP = 2,		/* leave the target, count as skipped */
	COPY_CONFLICT_RENAME = 3,	/* "name (1).ext", "name (2).ext", ... */
};

/* "fail", "overwrite", "skip", "rename"; and back (-1 when unknown). */
const char	*copy_conflict_name(enum copy_conflict c);
int		 copy_conflict_from_name(const char *name);

enum copy_status {
	COPY_DONE = 0,
	COPY_SKIPPED = 1,
	COPY_FAILED = 2,
};

/* How one entry ended.  Strings are valid during the callback only. */
struct copy_result {
	enum copy_status status;
	uint8_t		 kind;		/* FERRY_KIND_* of the source */
	const char	*src;		/* display form: "store:/a/b.txt" */
	const char	*dst;		/* display form of the target */
	uint64_t	 bytes;		/* item bytes copied */
	bool		 server_side;	/* no bytes moved through us */
	struct ferry_error err;		/* why it failed or was skipped:
					 * skipped by the conflict policy is
					 * FERRY_E_EXISTS, an entry the engine
					 * does not copy (a link to a folder,
					 * a device) FERRY_E_UNSUPPORTED */
};

/* Where a job stands, for progress displays. */
struct copy_progress {
	const char	*name;		/* display form of the current source */
	uint64_t	 item_done;	/* bytes of the current item so far */
	uint64_t	 item_total;
	bool		 item_total_known;
	uint64_t	 bytes_done;	/* bytes of all items so far */
	uint64_t	 items_done;	/* items finished (any status) */
};

/*
 * Called often while bytes move (after every chunk); return FERRY_OK to
 * go on or a code (FERRY_E_CANCELLED) to abort the current item.
 */
typedef enum ferry_code (*copy_progress_cb)(const struct copy_progress *p,
		    void *ud);
/* Called once for every item and folder that ends, in order. */
typedef void	(*copy_result_cb)(const struct copy_result *r, void *ud);

struct copy_opts {
	enum copy_conflict conflict;
	bool		 move;		/* delete each source once copied */
	const char	*mime;		/* MIME type for every item written */
	const char	*metadata;	/* client_metadata for every item */
	copy_progress_cb progress;	/* may be NULL */
	copy_result_cb	 result;	/* may be NULL */
	void		*ud;		/* for both callbacks */
	volatile int	*cancel;	/* may be NULL; nonzero stops the job */
};

struct copy_stats {
	uint64_t	 items;		/* items copied or moved */
	uint64_t	 folders;	/* folders created or moved */
	uint64_t	 bytes;		/* bytes of the items copied */
	uint64_t	 skipped;
	uint64_t	 failed;
	uint64_t	 server_side;	/* entries copied without streaming */
};

struct copy_job;

/* A new job with options o (copied; its strings must outlive the job). */
struct copy_job	*copy_job_new(const struct copy_opts *o);
/* Free j (NULL is a no-op).  The backends stay the caller's. */
void		 copy_job_free(struct copy_job *j);

/*
 * Add a source: the entry at path on backend b (borrowed until the job is
 * freed).  The same b as the destination's enables server-side copies.
 */
void		 copy_job_add(struct copy_job *j, struct ferry_backend *b,
		    const char *path);
/* Set the destination: path on backend b (borrowed). */
void		 copy_job_set_dest(struct copy_job *j, struct ferry_backend *b,
		    const char *path);

/*
 * Run the job to its end.  Blocking.  Returns FERRY_OK when every entry
 * was copied or skipped; FERRY_E_CANCELLED when cancelled; the code of
 * the first failure otherwise (after trying every entry: details went to
 * the result callback).  An error in the destination itself (several
 * sources and no destination folder, a missing parent) fails the whole
 * job before anything is copied, with the message in *err.
 */
enum ferry_code	 copy_job_run(struct copy_job *j, struct ferry_error *err);

/* Counts so far. */
const struct copy_stats *copy_job_stats(const struct copy_job *j);

/*
 * The name with a " (n)" suffix before its extension: "a.txt" -> "a (2).txt",
 * ".profile" -> ".profile (2)", "dir" -> "dir (2)".  malloc'd.
 */
char		*copy_suffix_name(const char *name, unsigned n);

#endif
