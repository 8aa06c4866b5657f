/* SPDX-License-Identifier: MIT */
/*
 * The transfer engine: jobs that copy, move, upload, download or delete
 * sets of entries (folders recursively) between any two locations,
 * concurrently, verified, journalled and resumable.  The CLI (cp, mv,
 * put, get, jobs) and the browser's jobs panel both drive it through this
 * API; neither ever waits on a transfer.
 *
 * What a job does (the rules of copy.h): each source goes into the
 * destination folder under its own name, or becomes the destination's
 * name; conflicts follow the job's policy (fail, overwrite, skip, rename
 * "name (1).ext", or ask: the engine posts TRANSFER_EV_ASK and the
 * caller answers with transfer_answer(), possibly "for all"); nothing is
 * replaced silently, a file never replaces a folder, a folder is never
 * copied into itself.  Names read from a source are checked with
 * ferry_name_check() before anything is written, links inside a tree are
 * not followed into folders, and a destination folder that is a link is
 * not written through, so nothing lands outside the chosen target.
 *
 * How bytes move: on one backend with server-side copy or move, none do.
 * Otherwise each item streams: a reader thread (pump.h) reads the source
 * in chunks into a bounded ring while the item's thread writes, and every
 * byte is hashed; the sha256 is checked against what the destination
 * computed and against the source's checksum when it has one.  A
 * mismatch fails the item and keeps the source; a move deletes a source
 * only after its copy is verified, and a folder only once everything in
 * it has moved.  Large items go through resumable partial writes
 * (backend.h open_partial): the journal records each one's token and the
 * bytes known durable, so after a crash the item continues from where it
 * stopped (reading the source from that offset) instead of from zero.
 *
 * Concurrency: up to `concurrency` items move at once across all jobs
 * (default 4, [jobs] concurrency in the config, transfer_set_concurrency
 * at run time), the oldest job's items first; each running job also has
 * a walker thread that lists its sources and decides each entry's target
 * ahead of the transfers.  Failures that may pass (network, busy,
 * timeouts) are retried with exponential backoff; the others fail the
 * item at once; one failed item never stops the rest.
 *
 * The journal (journal.h) records every job and entry.  A job whose
 * process died is "interrupted": transfer_adopt() takes it over and runs
 * it again, skipping what is done, continuing partial writes.
 *
 * DESIGN (threads, queues, who wakes whom).  One mutex (the engine's)
 * guards the job list, the queue of item tasks, every job's counters and
 * flags, and the event list.  Walker threads (one per running job) push
 * tasks to the queue, waiting on the condition variable while their job
 * has TRANSFER_QUEUE_PER_JOB tasks queued; item threads (as many as the
 * concurrency ever was) wait on it for a task of a job that is not
 * paused.  Each event is appended under the mutex, then one byte is added
 * to a non-blocking eventfd (a full counter is fine); the UI polls
 * transfer_fd(), calls transfer_take() which drains the fd and swaps the
 * list out, and handles the events unlocked.  PROGRESS events are
 * coalesced (at most one pending, at most one per progress_ms); the
 * numbers themselves come from transfer_snapshot().  Cancel, pause and
 * the engine's shutdown raise a per-job flag that the backends (through
 * ferry_backend.cancel), the pump and the progress hooks check between
 * chunks; a paused or halted item keeps its partial write, a cancelled
 * one removes it.  No backend call is ever made with the mutex held.
 *
 * Threads: every function here may be called from any thread (the UI's,
 * typically); the engine's own threads never call back into the caller.
 * Events and snapshots are the caller's to free.  The engine's lock is
 * held only for moments; submit, adopt, abandon, retry, pause, resume
 * and clear also write the journal (a few milliseconds; up to
 * JOURNAL_BUSY_MS while another process holds its lock), transfer_take,
 * transfer_snapshot and transfer_answer never touch it.
 */
#ifndef FERRY_JOBS_TRANSFER_H
#define FERRY_JOBS_TRANSFER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ferry/config.h"
#include "ferry/error.h"
#include "ferry/location.h"
#include "jobs/copy.h"

#define TRANSFER_CONCURRENCY_DEFAULT	4
#define TRANSFER_CONCURRENCY_MAX	16
#define TRANSFER_QUEUE_PER_JOB		512	/* tasks a walker runs ahead */
#define TRANSFER_ATTEMPTS		5	/* tries of a transient failure */
#define TRANSFER_BACKOFF_MS		200	/* first wait; doubles */
#define TRANSFER_BACKOFF_MAX_MS		8000
#define TRANSFER_PROGRESS_MS		100

enum transfer_kind {
	TRANSFER_COPY = 1,
	TRANSFER_MOVE = 2,
	TRANSFER_UPLOAD = 3,	/* a copy from a local path */
	TRANSFER_DOWNLOAD = 4,	/* a copy to a local path */
	TRANSFER_DELETE = 5,	/* remove the sources (recursively) */
};

enum transfer_state {
	TRANSFER_QUEUED = 1,	/* waiting for a free walker */
	TRANSFER_RUNNING = 2,
	TRANSFER_PAUSED = 3,
	TRANSFER_DONE = 4,	/* every entry done or skipped */
	TRANSFER_FAILED = 5,	/* some entries failed (see the errors) */
	TRANSFER_CANCELLED = 6,
	TRANSFER_INTERRUPTED = 7, /* journal only: its process died */
};

/* Answers to a TRANSFER_EV_ASK. */
enum transfer_answer {
	TRANSFER_ANSWER_OVERWRITE = 1,
	TRANSFER_ANSWER_SKIP = 2,
	TRANSFER_ANSWER_RENAME = 3,
	TRANSFER_ANSWER_OVERWRITE_ALL = 4,	/* and the job's policy becomes */
	TRANSFER_ANSWER_SKIP_ALL = 5,		/* that for the rest */
	TRANSFER_ANSWER_RENAME_ALL = 6,
	TRANSFER_ANSWER_CANCEL = 7,		/* cancel the whole job */
};

/* "copy", "move", ...; and back (-1 when unknown). */
const char	*transfer_kind_name(enum transfer_kind k);
int		 transfer_kind_from_name(const char *name);
/* "queued", "running", ... "interrupted". */
const char	*transfer_state_name(enum transfer_state s);
int		 transfer_state_from_name(const char *name);
/* True for DONE, FAILED and CANCELLED. */
bool		 transfer_state_final(enum transfer_state s);

/* A job to run.  Everything is copied by transfer_submit(). */
struct transfer_spec {
	enum transfer_kind kind;
	const struct ferry_location *srcs;	/* nsrcs locations */
	size_t		 nsrcs;
	const struct ferry_location *dst;	/* NULL for DELETE */
	enum copy_conflict conflict;
	const char	*mime;		/* for every item written, or NULL */
	const char	*metadata;	/* JSON object for every item, or NULL */
};

struct transfer_opts {
	unsigned	 concurrency;	/* 0: [jobs] concurrency, else 4 */
	const char	*journal;	/* NULL: the default file;
					   ":memory:": none kept on disk */
	bool		 report_done;	/* ITEM events for entries done too,
					   not only failed and skipped */
	uint32_t	 progress_ms;	/* 0: TRANSFER_PROGRESS_MS */
};

enum transfer_ev_type {
	TRANSFER_EV_STATE = 1,	/* a job changed state (`state`, `err`) */
	TRANSFER_EV_ITEM = 2,	/* an entry ended (`result`) */
	TRANSFER_EV_ASK = 3,	/* answer with transfer_answer(`ask`) */
	TRANSFER_EV_PROGRESS = 4, /* bytes moved: see transfer_snapshot() */
};

/*
 * An event; the caller owns it after transfer_take() and frees it with
 * transfer_event_free().  Strings are the event's own.
 */
struct transfer_event {
	enum transfer_ev_type type;
	uint64_t	 job;
	/* STATE */
	enum transfer_state state;
	struct ferry_error err;		/* STATE: why the job failed */
	/* ITEM: src, dst and err.msg point into the event */
	struct copy_result result;
	/* ASK: the target exists; what the two are */
	uint64_t	 ask;
	char		*src;		/* display form of the source */
	char		*dst;		/* display form of the target */
	bool		 src_folder;
	bool		 dst_folder;
	uint64_t	 src_size;
	uint64_t	 dst_size;
	int64_t		 src_mtime;	/* ms, 0 = unknown */
	int64_t		 dst_mtime;
	struct transfer_event *next;
};

/* One job in a snapshot.  Strings are the snapshot's own. */
struct transfer_info {
	uint64_t	 id;
	enum transfer_kind kind;
	enum transfer_state state;
	char		*from;		/* "store:/a" or "store:/a (+2 more)" */
	char		*to;		/* display form, "" for DELETE */
	char		*current;	/* an item moving now, or NULL */
	uint64_t	 bytes_done;	/* items ended + bytes of those moving */
	uint64_t	 bytes_total;
	uint64_t	 items_done;	/* ended: done, skipped or failed */
	uint64_t	 items_total;
	uint64_t	 items_failed;
	uint64_t	 items_skipped;
	bool		 totals_known;	/* else the totals still grow */
	uint64_t	 rate;		/* bytes/s, smoothed; 0 = unknown */
	int64_t		 eta_s;		/* seconds left, -1 = unknown */
	unsigned	 moving;	/* items of this job moving now */
	bool		 asking;	/* waiting for transfer_answer() */
	struct ferry_error err;		/* FAILED: the job's error or the
					   first item's */
	int64_t		 created_ms;
	int64_t		 finished_ms;	/* 0 while not final */
};

struct transfer_snapshot {
	struct transfer_info *jobs;	/* oldest first */
	size_t		 n;
	unsigned	 concurrency;
	unsigned	 moving;	/* items moving now, all jobs */
};

/* A failed entry of a job. */
struct transfer_failure {
	char		*src;
	char		*dst;		/* or NULL */
	struct ferry_error err;
};

struct transfer;

/*
 * Start the engine: open the journal and start the item threads.  cfg is
 * borrowed and must outlive the engine.  Fails when the journal cannot be
 * opened (the message names the file) or a thread cannot start.
 */
enum ferry_code	 transfer_new(const struct ferry_config *cfg,
		    const struct transfer_opts *o, struct transfer **out,
		    struct ferry_error *err);

/*
 * Stop: every job still running is halted, not cancelled: its partial
 * writes are kept and the journal keeps it, so that the next start can
 * resume it.  Joins every thread (a backend call in progress finishes
 * first) and frees what is left.  NULL is a no-op.
 */
void		 transfer_free(struct transfer *t);

/* The fd that becomes readable when events are pending (poll POLLIN). */
int		 transfer_fd(const struct transfer *t);

/*
 * Drain the wake fd and return every pending event, oldest first (a list
 * linked by `next`), or NULL.  Never blocks.
 */
struct transfer_event *transfer_take(struct transfer *t);
void		 transfer_event_free(struct transfer_event *ev);
void		 transfer_event_free_all(struct transfer_event *ev);

/*
 * Queue a job; *id (the journal's id) names it from now on.  Checks the
 * spec only (at least one source, a destination unless DELETE); what is
 * wrong with the places themselves ends the job FAILED with the reason.
 */
enum ferry_code	 transfer_submit(struct transfer *t,
		    const struct transfer_spec *spec, uint64_t *id,
		    struct ferry_error *err);

/*
 * Take over interrupted job id from the journal and queue it again (its
 * done entries are skipped, its partial writes continued).  FERRY_E_BUSY
 * when a live process runs it, FERRY_E_INVALID when it is finished
 * without failures.  A FAILED job is retried the same way.
 */
enum ferry_code	 transfer_adopt(struct transfer *t, uint64_t id,
		    struct ferry_error *err);

/*
 * Give up interrupted job id of the journal (not running here): remove
 * the partial writes it left and record it cancelled.  FERRY_E_BUSY when
 * a live process runs it.
 */
enum ferry_code	 transfer_abandon(struct transfer *t, uint64_t id,
		    struct ferry_error *err);

/* Pause a queued or running job: items in flight stop, keeping their
 * partial writes.  FERRY_E_NOT_FOUND / FERRY_E_INVALID. */
enum ferry_code	 transfer_pause(struct transfer *t, uint64_t id,
		    struct ferry_error *err);
/* Resume a paused job. */
enum ferry_code	 transfer_resume(struct transfer *t, uint64_t id,
		    struct ferry_error *err);
/* Cancel a job that has not finished: partial writes are removed. */
enum ferry_code	 transfer_cancel(struct transfer *t, uint64_t id,
		    struct ferry_error *err);
/* Run a FAILED job again: its failed entries are tried anew. */
enum ferry_code	 transfer_retry(struct transfer *t, uint64_t id,
		    struct ferry_error *err);
/*
 * Forget finished job id (0: every finished job) here and in the
 * journal.
 */
enum ferry_code	 transfer_clear(struct transfer *t, uint64_t id,
		    struct ferry_error *err);

/* Answer question `ask` (from a TRANSFER_EV_ASK). */
enum ferry_code	 transfer_answer(struct transfer *t, uint64_t ask,
		    enum transfer_answer a, struct ferry_error *err);

/* How many items may move at once (1..TRANSFER_CONCURRENCY_MAX). */
void		 transfer_set_concurrency(struct transfer *t, unsigned n);
unsigned	 transfer_concurrency(struct transfer *t);

/* Every job this engine knows, with its progress; free with _done. */
void		 transfer_snapshot(struct transfer *t,
		    struct transfer_snapshot *out);
void		 transfer_snapshot_done(struct transfer_snapshot *s);

/* True while some job is queued, running or paused. */
bool		 transfer_busy(struct transfer *t);

/*
 * The failed entries of job id (from the journal, so also for a job of
 * another run); free with transfer_failures_free.
 */
enum ferry_code	 transfer_failures(struct transfer *t, uint64_t id,
		    struct transfer_failure **out, size_t *n,
		    struct ferry_error *err);
void		 transfer_failures_free(struct transfer_failure *v, size_t n);

/*
 * The jobs of the journal interrupted by a process that is gone (their
 * ids), for "resume?" at start-up.  *ids is malloc'd.
 */
enum ferry_code	 transfer_interrupted(struct transfer *t, uint64_t **ids,
		    size_t *n, struct ferry_error *err);

#endif
