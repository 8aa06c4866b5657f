/* SPDX-License-Identifier: MIT */
/*
 * The background worker: a pool of threads that make every backend call
 * for the browser, so that the UI thread never waits on I/O.
 *
 * The UI thread builds a request (worker_req_new), submits it and goes on.
 * A worker thread takes it from the request queue, makes the blocking
 * backend calls on backend instances of its own (an instance is used by
 * one thread only), and posts the results as events.  The UI's poll loop
 * watches worker_fd(); when it is readable the UI calls worker_take(),
 * which drains the fd and hands back every pending event, oldest first.
 *
 * DESIGN (redis bio.c style).  One mutex guards the request queue, the
 * list of running requests, the event list and the per-pane generations.
 * Workers sleep on a condition variable until a request or shutdown
 * comes.  After appending an event a worker adds 1 to an eventfd (a full
 * counter is fine: the UI only needs to know that something is there).
 * The UI reads the eventfd until EAGAIN, swaps the event list out under
 * the lock and handles it unlocked.  Workers never touch UI state.
 *
 * Generations.  Every request carries the pane it serves and that pane's
 * generation.  When the pane moves on (another folder, a reload) the UI
 * calls worker_pane_gen(): queued reads of older generations are freed,
 * running ones are asked to stop, and their events are freed instead of
 * being handed to the UI, at post time and again at take time.
 * Mutations (mkdir, rename, remove) are never dropped: their result
 * always comes back, and the UI decides what to reload.
 *
 * Cancellation.  worker_cancel() sets the request's flag; a listing checks
 * it between pages and the backend sees it through ferry_backend.cancel.
 * A cancelled listing ends with an event whose code is FERRY_E_CANCELLED.
 *
 * Reads for the viewer and the info view.  SUMMARY, READ, SEARCH and
 * STATS are reads like LIST and STAT: dropped when their pane moves on,
 * and one at a time per pane.  A SEARCH reads the item in windows
 * (jobs/search.h), checks the cancel flag after each, posts PROGRESS
 * events (at most one every WORKER_PROGRESS_MS) and ends with one FOUND
 * event.  A STATS (the details of the rows a pane shows) stats each of
 * its names in turn, checking the cancel flag between them, and posts
 * one STATS event.
 *
 * Fairness.  A read for a pane does not start while another read for the
 * same pane still runs (say, stuck in a locked store): it waits in the
 * queue, or is dropped there when the pane moves on.  So a pane whose
 * backend hangs holds at most one thread, and with two threads the other
 * pane always gets one.
 *
 * Signals.  The threads are created with SIGWINCH, SIGINT, SIGTERM,
 * SIGHUP, SIGQUIT, SIGTSTP, SIGCONT and SIGPIPE blocked, so that those go
 * to the UI thread (whose poll they interrupt).
 *
 * Threads: worker_new, worker_submit, worker_cancel, worker_pane_gen,
 * worker_take and worker_free are called by one owning thread (the UI);
 * worker_stats may be called from any thread.
 */
#ifndef FERRY_JOBS_WORKER_H
#define FERRY_JOBS_WORKER_H

#include <stdbool.h>
#include <stdint.h>

#include "ferry/backend.h"
#include "ferry/config.h"
#include "ferry/entry.h"
#include "ferry/error.h"
#include "ferry/location.h"

#define WORKER_PANES		8	/* pane ids 0..WORKER_PANES-1 */
#define WORKER_NO_PANE		(-1)
#define WORKER_THREADS_MAX	16

enum worker_op {
	WORKER_LIST = 1,	/* pages of the children of path */
	WORKER_STAT = 2,	/* the entry at path */
	WORKER_PATH_TO_ROOT = 3, /* the chain from the root to path */
	WORKER_MKDIR = 4,	/* create the folder at path */
	WORKER_RENAME = 5,	/* rename the entry at path to name */
	WORKER_REMOVE = 6,	/* remove the entry at path (flags) */
	WORKER_SUMMARY = 7,	/* totals of the subtree at path */
	WORKER_READ = 8,	/* bytes [offset, offset + length) of path */
	WORKER_SEARCH = 9,	/* find `search` in the item at path */
	WORKER_STATS = 10,	/* the entries `names` in the folder path */
};

#define WORKER_READ_MAX		(16u * 1024 * 1024)	/* READ: bytes */
#define WORKER_PROGRESS_MS	100	/* SEARCH: between PROGRESS events */

/* Flags of a request. */
#define WORKER_F_PATH		0x01u	/* LIST: post path_to_root first */
#define WORKER_F_RECURSIVE	0x02u	/* REMOVE: a non-empty folder too */
#define WORKER_F_SUMMARY	0x04u	/* REMOVE: on NOT_EMPTY, add summary */
#define WORKER_F_BACKWARD	0x08u	/* SEARCH: the last match before */
#define WORKER_F_ICASE		0x10u	/* SEARCH: ASCII letters, any case */
#define WORKER_F_BRIEF		0x20u	/* LIST: one brief listing, names
					   first, where the backend can */

/*
 * A request.  The caller fills the public part (worker_req_new does most)
 * and hands it to worker_submit(), which takes ownership.
 */
struct worker_req {
	enum worker_op	 op;
	int		 pane;		/* 0..WORKER_PANES-1 or WORKER_NO_PANE */
	uint64_t	 gen;		/* the pane's generation */
	uint32_t	 flags;		/* WORKER_F_* */

	/* Where: a copy of the location's namespace, and a path in it. */
	enum ferry_loc_kind kind;
	char		*profile;
	char		*authority;
	char		*text;		/* location text of path, for messages */
	char		*path;

	char		*name;		/* RENAME: the new name */
	char		*search;	/* LIST: substring, or NULL;
					   SEARCH: the bytes to find */
	uint32_t	 filter;	/* LIST: FERRY_FILTER_*, 0 = all */
	enum ferry_order order;		/* LIST */
	bool		 desc;		/* LIST */
	uint32_t	 page_size;	/* LIST: 0 = the pool's choice */
	uint64_t	 tag;		/* the caller's own value, echoed */
	uint64_t	 offset;	/* READ: first byte; SEARCH: from */
	uint64_t	 length;	/* READ: bytes (<= WORKER_READ_MAX);
					   SEARCH: the item's size */
	char		**names;	/* STATS: names in path (owned) */
	size_t		 nnames;

	/* The worker's part. */
	uint64_t	 id;
	int		 cancel;	/* read/written atomically */
	struct worker_req *next;
};

enum worker_ev_type {
	WORKER_EV_PAGE = 1,	/* a listing page; `last` ends the listing */
	WORKER_EV_STAT = 2,
	WORKER_EV_PATH = 3,
	WORKER_EV_DONE = 4,	/* a mutation finished (code says how) */
	WORKER_EV_SUMMARY = 5,	/* SUMMARY: `summary` (has_summary) */
	WORKER_EV_DATA = 6,	/* READ: `data` of `data_len` at `offset` */
	WORKER_EV_PROGRESS = 7,	/* SEARCH: `done` of `total` bytes so far */
	WORKER_EV_FOUND = 8,	/* SEARCH ended: `found` or -1 */
	WORKER_EV_STATS = 9,	/* STATS: `list`, one entry per name, in
				   order; kind 0 for a name that failed */
};

/*
 * An event.  The UI owns it after worker_take() and frees it with
 * worker_event_free(); it may steal `page`, `brief` or `list` first (then
 * it must re-init them, e.g. with ferry_page_init), or `data` (then set
 * it to NULL).
 */
struct worker_event {
	enum worker_ev_type type;
	enum worker_op	 op;
	uint64_t	 req_id;
	int		 pane;
	uint64_t	 gen;
	uint64_t	 tag;
	char		*path;		/* the request's path */
	char		*name;		/* RENAME: the new name */
	enum ferry_code	 code;		/* FERRY_OK or why it failed */
	struct ferry_error err;

	bool		 last;		/* PAGE: no more events for this list */
	uint64_t	 seq;		/* PAGE: 0 for the first page */
	struct ferry_page page;		/* PAGE */
	struct ferry_brief_list brief;	/* PAGE of a WORKER_F_BRIEF list
					   the backend listed briefly: the
					   whole folder, `last` set */
	struct ferry_entry_list list;	/* PATH: root first */
	struct ferry_entry entry;	/* STAT, MKDIR: strings in arena */
	struct ferry_arena arena;
	bool		 has_summary;	/* REMOVE failed with NOT_EMPTY, or
					   SUMMARY succeeded */
	struct ferry_summary summary;
	unsigned char	*data;		/* DATA: malloc'd (may be stolen) */
	size_t		 data_len;	/* DATA: less than asked at the end */
	uint64_t	 offset;	/* DATA: of data[0] */
	uint64_t	 done;		/* PROGRESS: bytes looked at */
	uint64_t	 total;		/* PROGRESS: bytes to look at */
	int64_t		 found;		/* FOUND: offset of the match, or -1 */

	struct worker_event *next;
};

/*
 * Pool options.  Listings are paged (page_size entries per event) on
 * backends with FERRY_CAP_PAGING; the others are asked for everything at
 * once (local folders: one readdir and one sort), unless page_all.  A
 * LIST with WORKER_F_BRIEF, on a backend that has list_brief and when
 * neither page_all nor the request's page_size asks for pages, comes as
 * one brief listing; ordered by name or type it has names and kinds
 * only where the backend can tell them without a stat, and the UI asks
 * for the details of the rows it shows with a STATS request.
 */
struct worker_opts {
	int		 threads;	/* 0 = 2 */
	uint32_t	 page_size;	/* 0 = FERRY_PAGE_MAX */
	bool		 page_all;	/* page every backend (tests) */
	uint32_t	 page_delay_ms;	/* tests: sleep before each page
					   and each STATS */
	uint32_t	 stop_grace_ms;	/* worker_free: 0 = wait for all */
};

struct worker_stats {
	uint64_t	 submitted;
	uint64_t	 dropped;	/* stale events and requests freed */
	uint64_t	 cancelled;
	uint64_t	 backends_opened;
};

struct worker;

/*
 * Start the pool.  cfg is borrowed and must outlive the worker (threads
 * read it when they open backends).  Fails only when a thread or the
 * eventfd cannot be created (FERRY_E_INTERNAL, *err says why).
 */
enum ferry_code	 worker_new(const struct ferry_config *cfg,
		    const struct worker_opts *opts, struct worker **out,
		    struct ferry_error *err);

/*
 * Stop: cancel what runs, free what is queued, join the threads, free
 * the pending events and close the fd.  A thread blocked inside a backend
 * call is waited for, or, with opts.stop_grace_ms, for that long only:
 * then the threads are left to die with the process and the pool is
 * deliberately not freed (they still use it).  NULL is a no-op.
 */
void		 worker_free(struct worker *w);

/* The fd that becomes readable when events are pending (poll POLLIN). */
int		 worker_fd(const struct worker *w);

/*
 * A new request for op at path inside loc's namespace (loc's own path is
 * ignored); the strings are copied.  Fill the other fields, then submit.
 */
struct worker_req *worker_req_new(enum worker_op op, int pane, uint64_t gen,
		    const struct ferry_location *loc, const char *path);
void		 worker_req_free(struct worker_req *r);

/* Queue r (ownership passes to the worker); returns its id (never 0). */
uint64_t	 worker_submit(struct worker *w, struct worker_req *r);

/*
 * Ask request id to stop.  Returns true when it was still queued or
 * running.
 */
bool		 worker_cancel(struct worker *w, uint64_t id);

/* True while request id is queued or running. */
bool		 worker_busy(struct worker *w, uint64_t id);

/*
 * Declare gen the current generation of pane: older reads of that pane
 * are cancelled and their events dropped.
 */
void		 worker_pane_gen(struct worker *w, int pane, uint64_t gen);

/*
 * Drain the wake fd and return every pending event, oldest first (a
 * list linked by `next`), or NULL.  Never blocks.
 */
struct worker_event *worker_take(struct worker *w);

void		 worker_event_free(struct worker_event *ev);
/* Free a whole list from worker_take(). */
void		 worker_event_free_all(struct worker_event *ev);

void		 worker_stats(struct worker *w, struct worker_stats *out);

const char	*worker_op_name(enum worker_op op);

#endif
