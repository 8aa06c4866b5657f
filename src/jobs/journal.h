/* SPDX-License-Identifier: MIT */
/*
 * The jobs journal: a SQLite database (jobs.db under $XDG_STATE_HOME/
 * ferry, ~/.local/state/ferry by default) recording every transfer job
 * and the state of each entry in it, so that jobs survive ferry being
 * killed or the machine restarting, and the next ferry can list them and
 * resume them.
 *
 * What is kept.  A job: its kind, sources and destination (location
 * texts), the store directory it used, the conflict policy, the MIME type
 * and metadata asked for, its state (queued, running, paused, done,
 * failed, cancelled), its owner (pid, process start time and boot id:
 * a job whose owner is gone is "interrupted") and its counters.  An entry
 * (keyed by the job and the source's location text): the target decided
 * for it (so that a rename or an answered question is not decided anew),
 * its state (pending, done, skipped, failed), the source's size, mtime
 * and checksum when the transfer began (a source that changed since is
 * copied anew), the partial write's token and the bytes known durable in
 * it with the boot id of that moment, the bytes read from the source, and
 * the error.
 *
 * Durability.  WAL with synchronous=NORMAL: a process crash loses
 * nothing committed; a power loss may lose the last commits, which only
 * costs work (an entry found pending is checked against its target).
 * The engine's end-of-entry updates are batched (journal_item_end) and
 * written at most JOURNAL_BATCH at a time or every JOURNAL_FLUSH_MS.
 *
 * Threads: every function may be called from any thread; one mutex
 * guards the connection.  Several processes share the file through
 * SQLite's locking (busy timeout JOURNAL_BUSY_MS).
 */
#ifndef FERRY_JOBS_JOURNAL_H
#define FERRY_JOBS_JOURNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ferry/backend.h"
#include "ferry/entry.h"
#include "ferry/error.h"

#define JOURNAL_BATCH		128
#define JOURNAL_FLUSH_MS	500
#define JOURNAL_BUSY_MS		5000
#define JOURNAL_BOOT_SIZE	40

struct journal;

/* A job as recorded; strings are malloc'd (journal_job_done frees). */
struct journal_job {
	int64_t		 id;
	char		*kind;		/* "copy", "move", "upload", ... */
	char		**srcs;		/* location texts */
	size_t		 nsrcs;
	char		*dst;		/* location text, NULL for delete */
	char		*store_dir;	/* the store the job used, or NULL */
	char		*conflict;	/* "fail", "overwrite", ... "ask" */
	char		*mime;		/* or NULL */
	char		*metadata;	/* or NULL */
	char		*state;		/* "queued", "running", ... */
	int64_t		 owner_pid;
	bool		 alive;		/* read: the owner is alive */
	bool		 mine;		/* read: the owner is this process */
	int64_t		 created;	/* ms */
	int64_t		 updated;	/* ms */
	uint64_t	 bytes_total;
	uint64_t	 bytes_done;
	uint64_t	 items_total;
	uint64_t	 items_done;
	uint64_t	 items_failed;
	uint64_t	 items_skipped;
	char		*error;		/* or NULL */
};

enum journal_istate {
	JOURNAL_PENDING = 0,
	JOURNAL_DONE = 1,
	JOURNAL_SKIPPED = 2,
	JOURNAL_FAILED = 3,
};

/* An entry; strings are borrowed (or in the caller's arena on get). */
struct journal_item {
	const char	*src;		/* location text of the source */
	const char	*dst;		/* location text of the target */
	uint8_t		 kind;		/* FERRY_KIND_* */
	enum journal_istate state;
	enum ferry_exists exists;	/* the decision: overwrite or not */
	uint64_t	 size;		/* the source when the entry began */
	int64_t		 mtime;
	const char	*checksum;	/* or NULL */
	const char	*token;		/* partial write, or NULL */
	uint64_t	 committed;	/* bytes durable in the partial */
	const char	*boot;		/* boot id when committed was set */
	uint64_t	 bytes_read;	/* from the source, every run */
	const char	*error;		/* or NULL */
};

typedef enum ferry_code (*journal_job_cb)(const struct journal_job *job,
		    void *ud);
typedef enum ferry_code (*journal_item_cb)(const struct journal_item *it,
		    void *ud);

/*
 * $XDG_STATE_HOME/ferry/jobs.db or ~/.local/state/ferry/jobs.db
 * (malloc'd; NULL when neither variable is set).
 */
char		*journal_default_path(void);

/*
 * Open (creating the file and its directories, 0700) the journal at path
 * (NULL: the default; ":memory:" keeps it in memory for this process).
 */
enum ferry_code	 journal_open(const char *path, struct journal **out,
		    struct ferry_error *err);
void		 journal_close(struct journal *j);
/* The file, or ":memory:". */
const char	*journal_path(const struct journal *j);
/* This machine's boot id (stable until the next boot). */
const char	*journal_boot(const struct journal *j);

/*
 * Count the jobs of the journal at path (NULL: the default) left
 * unfinished by a process that is gone, without creating anything and
 * without waiting on a lock (*n stays 0 then).
 */
enum ferry_code	 journal_count_interrupted(const char *path, uint64_t *n,
		    struct ferry_error *err);

/* -------- jobs -------- */

/* What a new job is (strings borrowed). */
struct journal_new {
	const char	*kind;
	const char *const *srcs;
	size_t		 nsrcs;
	const char	*dst;		/* NULL for delete */
	const char	*store_dir;
	const char	*conflict;
	const char	*mime;
	const char	*metadata;
};

/* Record a new job (state "queued", owned by this process). */
enum ferry_code	 journal_job_add(struct journal *j,
		    const struct journal_new *in, int64_t *id,
		    struct ferry_error *err);
/* Set state (and error, may be NULL) of job id. */
enum ferry_code	 journal_job_state(struct journal *j, int64_t id,
		    const char *state, const char *error,
		    struct ferry_error *err);
/*
 * Set the state of job id to a passing one ("queued", "running",
 * "paused") unless it has a final one already: so the order of writes
 * from several threads never hides how a job ended.
 */
enum ferry_code	 journal_job_mark(struct journal *j, int64_t id,
		    const char *state, struct ferry_error *err);
/* Record the counters of job id (in->bytes_total ... items_skipped). */
enum ferry_code	 journal_job_counts(struct journal *j, int64_t id,
		    const struct journal_job *in, struct ferry_error *err);
/* Read job id; FERRY_E_NOT_FOUND when there is none. */
enum ferry_code	 journal_job_get(struct journal *j, int64_t id,
		    struct journal_job *out, struct ferry_error *err);
void		 journal_job_done(struct journal_job *job);
/* Every job, oldest first. */
enum ferry_code	 journal_jobs(struct journal *j, journal_job_cb cb, void *ud,
		    struct ferry_error *err);
/*
 * Take over job id to resume or retry it: FERRY_E_BUSY when a live
 * process (not this one) owns it, FERRY_E_INVALID when it finished
 * without failures or was cancelled.  On success it is "queued" and
 * owned by this process.
 */
enum ferry_code	 journal_job_claim(struct journal *j, int64_t id,
		    struct ferry_error *err);
/*
 * Remove job id (0: every finished job: done, failed or cancelled, and
 * not owned by a live process) with its entries; *n (may be NULL)
 * counts them.  A job that runs or can be resumed is refused
 * (FERRY_E_BUSY) unless `force` (which the caller uses after discarding
 * its partial writes).
 */
enum ferry_code	 journal_clear(struct journal *j, int64_t id, bool force,
		    uint64_t *n, struct ferry_error *err);

/* True when the job row is unfinished and its owner is gone. */
bool		 journal_job_interrupted(const struct journal_job *job);

/* -------- entries -------- */

/* Record n entries (insert or replace) in one transaction. */
enum ferry_code	 journal_items_put(struct journal *j, int64_t job,
		    const struct journal_item *v, size_t n,
		    struct ferry_error *err);
/*
 * The entry of job for source text src, strings in a;
 * FERRY_E_NOT_FOUND when none.
 */
enum ferry_code	 journal_item_get(struct journal *j, int64_t job,
		    const char *src, struct journal_item *out,
		    struct ferry_arena *a, struct ferry_error *err);
/* Record the partial write of an entry: token and durable bytes. */
enum ferry_code	 journal_item_partial(struct journal *j, int64_t job,
		    const char *src, const char *token, uint64_t committed,
		    struct ferry_error *err);
/*
 * Queue the end of an entry (state, bytes read, error); written in a
 * batch with others (journal_flush, or when JOURNAL_BATCH are queued or
 * JOURNAL_FLUSH_MS passed).
 */
void		 journal_item_end(struct journal *j, int64_t job,
		    const char *src, enum journal_istate state,
		    uint64_t bytes_read, const char *error);
/* Write the queued entry ends now. */
enum ferry_code	 journal_flush(struct journal *j, struct ferry_error *err);
/* Every entry of job in state (or any state when state < 0). */
enum ferry_code	 journal_items(struct journal *j, int64_t job, int state,
		    journal_item_cb cb, void *ud, struct ferry_error *err);
/* Every partial write recorded for job (entries with a token). */
enum ferry_code	 journal_partials(struct journal *j, int64_t job,
		    journal_item_cb cb, void *ud, struct ferry_error *err);

#endif
