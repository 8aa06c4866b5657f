/* SPDX-License-Identifier: MIT */
/*
 * Internals of the transfer engine shared by its files: transfer.c (the
 * engine: jobs, queue, threads, events, control), copy.c (the walker of a
 * job: sources, decisions, folders) and xfer.c (moving one item).
 * Nothing outside src/jobs/ includes this.
 *
 * Locking: t->lock guards every field marked "(lock)"; fields marked
 * "(walker)" belong to the job's walker thread, "(atomic)" are read and
 * written with __atomic builtins.  A task belongs to whoever holds it:
 * the walker that made it, then the queue (lock), then one item thread.
 */
#ifndef FERRY_JOBS_TRANSFER_INT_H
#define FERRY_JOBS_TRANSFER_INT_H

#include <pthread.h>
#include <stdarg.h>

#include "ferry/backend.h"
#include "ferry/config.h"
#include "ferry/entry.h"
#include "ferry/location.h"
#include "jobs/copy.h"
#include "jobs/journal.h"
#include "jobs/transfer.h"

#define TRANSFER_CONNS		6	/* backend instances kept per thread */
#define XFER_SMALL		(1024 * 1024)	/* read at once, no pump */
#define XFER_CHECKPOINT_BYTES	(64ull * 1024 * 1024)
#define XFER_CHECKPOINT_MS	2000

struct copy_dir;
struct transfer;

/* The backend instances one thread keeps open, by namespace. */
struct transfer_conns {
	char			*key[TRANSFER_CONNS];
	struct ferry_backend	*b[TRANSFER_CONNS];
};

/* An item to move, made by a walker, run by an item thread. */
struct xfer_task {
	struct transfer_job	*job;
	struct copy_dir		*dir;		/* its folder, or NULL */
	size_t			 sns;		/* job->srcs[sns] */
	char			*spath;		/* backend paths */
	char			*dpath;
	char			*stext;		/* display forms; stext is */
	char			*dtext;		/* the journal's key */
	struct ferry_entry	 se;		/* the source entry */
	struct ferry_arena	 arena;		/* se's strings */
	enum ferry_exists	 exists;
	bool			 check_target;	/* resumed: may be done */
	char			*token;		/* partial write, or NULL */
	uint64_t		 committed;	/* durable bytes in it */
	char			*boot;		/* boot id of committed */
	bool			 then_known;	/* the source when it began */
	uint64_t		 then_size;
	int64_t			 then_mtime;
	char			*then_sum;
	unsigned		 attempts;
	uint64_t		 bytes_read;	/* from the source, this run */
	struct xfer_task	*next;
};

struct transfer_job {
	struct transfer		*t;
	uint64_t		 id;
	enum transfer_kind	 kind;
	enum transfer_state	 state;		/* (lock) */
	struct ferry_location	*srcs;
	size_t			 nsrcs;
	struct ferry_location	 dst;
	bool			 has_dst;
	char			*store_dir;
	struct ferry_config	 cfg;		/* the engine's, our store_dir */
	enum copy_conflict	 conflict;	/* (walker) */
	char			*mime;
	char			*metadata;
	char			*from;		/* display */
	char			*to;
	bool			 resuming;	/* look entries up */

	int			 stop;		/* (atomic) items stop: cancel,
						   pause, shutdown */
	int			 halt;		/* (atomic) the walker stops:
						   cancel, shutdown */
	bool			 cancelled;	/* (lock) */
	bool			 paused;	/* (lock) */
	bool			 walker_started;	/* (lock) */
	bool			 walker_done;	/* (lock) */
	bool			 ended;		/* (lock) final state posted */
	pthread_t		 walker;
	unsigned		 queued;	/* (lock) tasks in the queue */
	unsigned		 moving;	/* (lock) tasks in item threads */

	uint64_t		 ask;		/* (lock) question waiting */
	enum transfer_answer	 answer;	/* (lock) */
	bool			 answered;	/* (lock) */

	uint64_t		 bytes_total;	/* (lock) counters */
	uint64_t		 items_total;
	bool			 totals_known;
	uint64_t		 bytes_done;
	uint64_t		 bytes_moved;
	uint64_t		 items_done;
	uint64_t		 items_failed;
	uint64_t		 items_skipped;
	uint64_t		 folders_done;
	struct ferry_error	 err;		/* (lock) job or first item */
	bool			 err_job;	/* err is the job's own */
	uint64_t		 rate_bytes;	/* (lock) */
	uint64_t		 rate_ns;
	double			 rate;
	int64_t			 created_ms;
	int64_t			 finished_ms;	/* (lock) */
	uint64_t		 counts_ns;	/* (lock) last journal counts */
	struct transfer_job	*next;
};

struct transfer_slot {
	struct transfer		*t;
	unsigned		 index;
	pthread_t		 thread;
	bool			 started;
	struct xfer_task	*task;		/* (lock) running */
	uint64_t		 done;		/* (atomic) its bytes so far */
	uint64_t		 moved;		/* (atomic) of which this run */
	struct transfer_conns	 conns;		/* the slot thread's own */
};

struct transfer {
	const struct ferry_config *cfg;
	struct transfer_opts	 opts;
	struct journal		*journal;
	pthread_mutex_t		 lock;
	pthread_cond_t		 cond;		/* items, walkers, answers */
	bool			 stopping;	/* (lock) */
	unsigned		 concurrency;	/* (lock) */
	unsigned		 nthreads;	/* (lock) item threads */
	unsigned		 moving;	/* (lock) */
	struct transfer_slot	 slots[TRANSFER_CONCURRENCY_MAX];
	struct transfer_job	*jobs;		/* (lock) oldest first */
	struct transfer_job	**jobs_tail;
	struct xfer_task	*queue;		/* (lock) oldest first */
	struct xfer_task	**queue_tail;
	struct transfer_event	*events;	/* (lock) oldest first */
	struct transfer_event	**events_tail;
	int			 fd;
	uint64_t		 next_ask;	/* (lock) */
	bool			 progress_pending;	/* (lock) */
	uint64_t		 progress_ns;	/* (lock) */
	uint32_t		 delay_ms;	/* FERRY_TEST_CHUNK_DELAY_MS */
	char			*stats_path;	/* FERRY_DEBUG_STATS */
	pthread_mutex_t		 stats_lock;
	pthread_mutex_t		 open_lock;	/* backend opens */
};

/* -------- transfer.c -------- */

/*
 * The backend for loc in job's namespace from the thread's cache c,
 * opened on first use (and wrapped by the FERRY_TEST_FAULTS hook).
 */
enum ferry_code	 transfer_conn(struct transfer_conns *c,
		    struct transfer_job *job, const struct ferry_location *loc,
		    struct ferry_backend **out, struct ferry_error *err);
void		 transfer_conns_close(struct transfer_conns *c);
/* True when a and b name the same backend namespace. */
bool		 transfer_same_ns(const struct ferry_location *a,
		    const struct ferry_location *b);

/* Hand ev to the front end (takes ownership). */
void		 transfer_post(struct transfer *t, struct transfer_event *ev);
/*
 * Count an ended entry of job, record it in the journal (key r->src,
 * state from r->status) and post an ITEM event when asked for.
 * bytes_read: read from the source for it in this run.
 */
void		 transfer_report(struct transfer *t, struct transfer_job *job,
		    const struct copy_result *r, uint64_t bytes_read);
/*
 * Queue task (ownership passes), waiting while its job has
 * TRANSFER_QUEUE_PER_JOB tasks queued.  False when the job stopped: the
 * task was not queued and is still the caller's.
 */
bool		 transfer_enqueue(struct transfer *t, struct xfer_task *task);
/*
 * Ask the front end what to do with an existing target (ev becomes the
 * engine's) and wait for the answer; CANCEL when the job stops.
 */
enum transfer_answer transfer_ask(struct transfer *t,
		    struct transfer_job *job, struct transfer_event *ev);
/* Wait while job is paused; false when it was cancelled or halted. */
bool		 transfer_gate(struct transfer *t, struct transfer_job *job);
/* True once job's items were asked to stop (cancel, pause, shutdown). */
bool		 transfer_stopped(struct transfer_job *job);
/* True once job's walker was asked to stop (cancel, shutdown). */
bool		 transfer_halted(struct transfer_job *job);
/*
 * True when job was cancelled or the engine is stopping: what is left of
 * it ends quietly (folders are not removed, nothing is reported).
 */
bool		 transfer_cancelled(struct transfer *t,
		    struct transfer_job *job);
/* True when job was cancelled: its partial writes are removed. */
bool		 transfer_discard(struct transfer *t,
		    struct transfer_job *job);
/*
 * Before trying again after a failure with code on attempt `attempt`
 * (1 = the first): sleep the backoff and return true, or return false
 * when the failure is permanent, the attempts are used up, or the job
 * stopped.
 */
bool		 transfer_backoff(struct transfer *t, struct transfer_job *job,
		    unsigned attempt, enum ferry_code code);
/* The same for the walker and folders, which a pause does not stop. */
bool		 transfer_walk_backoff(struct transfer *t,
		    struct transfer_job *job, unsigned attempt,
		    enum ferry_code code);
/*
 * The slot's item ended (its task is about to be freed): it no longer
 * counts as moving in snapshots.  An item thread that leaves its task to
 * be queued again (its job was paused) does not call this.
 */
void		 transfer_slot_release(struct transfer_slot *slot);
/* The slot's item has done `done` bytes, `moved` of them this run. */
void		 transfer_progress(struct transfer_slot *slot, uint64_t done,
		    uint64_t moved);
/* Add to job's totals (while they are not known in advance). */
void		 transfer_totals(struct transfer *t, struct transfer_job *job,
		    uint64_t bytes, uint64_t items, bool known);
/* Set the job's own error (a destination that cannot be used). */
void		 transfer_job_error(struct transfer *t, struct transfer_job *job,
		    const struct ferry_error *err);
/* The walker is done; ends the job when no task is left. */
void		 transfer_walker_done(struct transfer *t,
		    struct transfer_job *job);
/* A line for FERRY_DEBUG_STATS (a test hook), when it is set. */
void		 transfer_stats(struct transfer *t, const char *fmt, ...)
		    __attribute__((format(printf, 2, 3)));
/* FERRY_TEST_CHUNK_DELAY_MS (a test hook), or 0. */
uint32_t	 transfer_delay_ms(const struct transfer *t);
/* Sleep ms in slices; false when job stopped meanwhile. */
bool		 transfer_nap(struct transfer_job *job, uint32_t ms);

/* -------- transfer.c: shared with transfer-ctl.c -------- */

/* Wake the front end (after posting with the lock released). */
void		 transfer_wake(struct transfer *t);
/* Append ev to the event list; under the lock. */
void		 transfer_post_locked(struct transfer *t,
		    struct transfer_event *ev);
/* Post a STATE event for job; under the lock. */
void		 transfer_post_state_locked(struct transfer *t,
		    struct transfer_job *job, enum transfer_state state);
/* Join the walkers that have exited; never with the lock held. */
void		 transfer_reap(struct transfer *t);
/*
 * Under the lock: when job has nothing left to do, give it its final
 * state (and post it) and return true; the caller then calls
 * transfer_job_finish() with the lock released.
 */
bool		 transfer_job_check_end(struct transfer *t,
		    struct transfer_job *job);
/* Record the end of job in the journal and wake the front end. */
void		 transfer_job_finish(struct transfer *t,
		    struct transfer_job *job);
/* Record job's counters in the journal; lock not held. */
void		 transfer_journal_counts(struct transfer *t,
		    struct transfer_job *job);
/* Start walkers of queued jobs; takes the lock. */
void		 transfer_schedule(struct transfer *t);
/* Start item threads up to n; under the lock. */
void		 transfer_grow(struct transfer *t, unsigned n);
/* A job from a spec (id 0 until recorded), with store_dir (or NULL). */
struct transfer_job *transfer_job_new(struct transfer *t,
		    const struct transfer_spec *spec, const char *store_dir);
void		 transfer_job_free(struct transfer_job *job);
/* Append job to the engine's list and start what can start. */
void		 transfer_job_add(struct transfer *t,
		    struct transfer_job *job);

/* -------- copy.c: the walker -------- */

/* The walker thread of a job (arg: the job). */
void		*copy_walker_main(void *arg);
/*
 * An entry inside folder d ended (failed: it or something in it failed;
 * skipped: likewise skipped).  The last one ends the folder: a moved
 * folder is removed through sb (the caller's instance of d's source
 * namespace) when nothing in it failed or was skipped.
 */
void		 copy_dir_release(struct transfer *t, struct copy_dir *d,
		    bool failed, bool skipped, struct ferry_backend *sb);
void		 xfer_task_free(struct xfer_task *task);

/* -------- xfer.c: one item -------- */

/*
 * Move one item on an item thread (retries included), report it and
 * release its folder.  Frees the task.
 */
void		 xfer_run(struct transfer_slot *slot, struct xfer_task *task);

#endif
