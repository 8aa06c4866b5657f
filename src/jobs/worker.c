/* SPDX-License-Identifier: MIT */
/*
 * The background worker (see worker.h for the design): a request queue
 * served by a few threads, each with its own backend instances, and an
 * event list plus an eventfd that the UI's poll loop watches.
 *
 * Invariants, all under w->lock: a request is in exactly one of the queue
 * or a thread's running slot, or owned by the thread running it between
 * the two; an event is either on the event list or owned by whoever took
 * it.  The cancel flag of a request is written with __atomic_store_n and
 * read with __atomic_load_n (the backend reads it through its volatile
 * pointer).  Backend instances never leave the thread that opened them.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "core/util.h"
#include "jobs/search.h"
#include "jobs/worker.h"

#define WORKER_CACHE	4	/* backend instances kept per thread */

struct worker_cache {
	char			*key;
	struct ferry_backend	*b;
};

struct worker_thread {
	struct worker		*w;
	int			 index;
	pthread_t		 thread;
	bool			 started;
	struct worker_req	*running;	/* under w->lock */
	struct worker_cache	 cache[WORKER_CACHE];
};

struct worker {
	const struct ferry_config *cfg;
	struct worker_opts	 opts;
	pthread_mutex_t		 lock;
	pthread_cond_t		 cond;
	bool			 stopping;
	struct worker_req	*queue;		/* oldest first */
	struct worker_req	**queue_tail;
	struct worker_event	*events;	/* oldest first */
	struct worker_event	**events_tail;
	uint64_t		 pane_gen[WORKER_PANES];
	uint64_t		 next_id;
	int			 fd;
	struct worker_stats	 stats;
	int			 nthreads;
	struct worker_thread	 threads[WORKER_THREADS_MAX];
};

static bool
worker_is_read(enum worker_op op)
{
	return op == WORKER_LIST || op == WORKER_STAT ||
	    op == WORKER_PATH_TO_ROOT || op == WORKER_SUMMARY ||
	    op == WORKER_READ || op == WORKER_SEARCH || op == WORKER_STATS;
}

/* True when r's results are no longer wanted.  Called under w->lock. */
static bool
worker_stale(const struct worker *w, const struct worker_req *r)
{
	if (r->pane < 0 || r->pane >= WORKER_PANES || !worker_is_read(r->op))
		return false;
	return r->gen < w->pane_gen[r->pane];
}

static bool
worker_cancelled(const struct worker_req *r)
{
	return __atomic_load_n(&r->cancel, __ATOMIC_RELAXED) != 0;
}

static void
worker_set_cancel(struct worker_req *r)
{
	__atomic_store_n(&r->cancel, 1, __ATOMIC_RELAXED);
}

const char *
worker_op_name(enum worker_op op)
{
	switch (op) {
	case WORKER_LIST:
		return "list";
	case WORKER_STAT:
		return "stat";
	case WORKER_PATH_TO_ROOT:
		return "path_to_root";
	case WORKER_MKDIR:
		return "mkdir";
	case WORKER_RENAME:
		return "rename";
	case WORKER_REMOVE:
		return "remove";
	case WORKER_SUMMARY:
		return "summary";
	case WORKER_READ:
		return "read";
	case WORKER_SEARCH:
		return "search";
	case WORKER_STATS:
		return "stats";
	}
	return "?";
}

struct worker_req *
worker_req_new(enum worker_op op, int pane, uint64_t gen,
    const struct ferry_location *loc, const char *path)
{
	struct worker_req *r;

	r = xcalloc(1, sizeof *r);
	r->op = op;
	r->pane = pane;
	r->gen = gen;
	r->kind = loc->kind;
	r->profile = loc->profile != NULL ? xstrdup(loc->profile) : NULL;
	r->authority = loc->authority != NULL ? xstrdup(loc->authority) : NULL;
	/* Messages name the place itself: "store:/a/b", "/home/x". */
	r->text = ferry_location_format(loc, path);
	r->path = xstrdup(path);
	r->order = FERRY_ORDER_NAME;
	return r;
}

void
worker_req_free(struct worker_req *r)
{
	size_t	 i;

	if (r == NULL)
		return;
	for (i = 0; i < r->nnames; i++)
		free(r->names[i]);
	free(r->names);
	free(r->profile);
	free(r->authority);
	free(r->text);
	free(r->path);
	free(r->name);
	free(r->search);
	free(r);
}

static struct worker_event *
worker_event_new(enum worker_ev_type type, const struct worker_req *r)
{
	struct worker_event *ev;

	ev = xcalloc(1, sizeof *ev);
	ev->type = type;
	ev->op = r->op;
	ev->req_id = r->id;
	ev->pane = r->pane;
	ev->gen = r->gen;
	ev->tag = r->tag;
	ev->path = xstrdup(r->path);
	ev->name = r->name != NULL ? xstrdup(r->name) : NULL;
	ev->code = FERRY_OK;
	ev->found = -1;
	ferry_error_clear(&ev->err);
	ferry_page_init(&ev->page);
	ferry_brief_list_init(&ev->brief);
	ferry_entry_list_init(&ev->list);
	ferry_arena_init(&ev->arena);
	return ev;
}

void
worker_event_free(struct worker_event *ev)
{
	if (ev == NULL)
		return;
	free(ev->path);
	free(ev->name);
	ferry_page_done(&ev->page);
	ferry_brief_list_done(&ev->brief);
	ferry_entry_list_done(&ev->list);
	ferry_arena_done(&ev->arena);
	free(ev->data);
	free(ev);
}

void
worker_event_free_all(struct worker_event *ev)
{
	struct worker_event *next;

	for (; ev != NULL; ev = next) {
		next = ev->next;
		worker_event_free(ev);
	}
}

/*
 * Hand ev to the UI: append it under the lock (or free it when its
 * request went stale) and bump the eventfd.  Takes ownership of ev.
 */
static void
worker_post(struct worker *w, const struct worker_req *r,
    struct worker_event *ev)
{
	uint64_t	 one = 1;
	bool		 stale;

	pthread_mutex_lock(&w->lock);
	stale = worker_stale(w, r);
	if (stale)
		w->stats.dropped++;
	else {
		ev->next = NULL;
		*w->events_tail = ev;
		w->events_tail = &ev->next;
	}
	pthread_mutex_unlock(&w->lock);
	if (stale) {
		worker_event_free(ev);
		return;
	}
	/* EAGAIN means the counter is full: the UI is woken anyway. */
	if (write(w->fd, &one, sizeof one) < 0 && errno != EAGAIN)
		ferry_assert_fail("write(eventfd)", __FILE__, __LINE__);
}

/* Post an event of the kind r's op produces, failed with err. */
static void
worker_post_error(struct worker *w, const struct worker_req *r,
    const struct ferry_error *err)
{
	struct worker_event *ev;
	enum worker_ev_type type;

	switch (r->op) {
	case WORKER_LIST:
		type = WORKER_EV_PAGE;
		break;
	case WORKER_STAT:
		type = WORKER_EV_STAT;
		break;
	case WORKER_PATH_TO_ROOT:
		type = WORKER_EV_PATH;
		break;
	case WORKER_SUMMARY:
		type = WORKER_EV_SUMMARY;
		break;
	case WORKER_READ:
		type = WORKER_EV_DATA;
		break;
	case WORKER_SEARCH:
		type = WORKER_EV_FOUND;
		break;
	case WORKER_STATS:
		type = WORKER_EV_STATS;
		break;
	default:
		type = WORKER_EV_DONE;
		break;
	}
	ev = worker_event_new(type, r);
	ev->code = err->code;
	ev->err = *err;
	ev->last = true;
	worker_post(w, r, ev);
}

static char *
worker_cache_key(const struct worker_req *r)
{
	return xasprintf("%d\n%s\n%s", (int)r->kind,
	    r->profile != NULL ? r->profile : "",
	    r->authority != NULL ? r->authority : "");
}

/*
 * This thread's backend instance for r's namespace, opened on first use.
 * May block (opening a store, connecting).
 */
static enum ferry_code
worker_backend(struct worker_thread *t, const struct worker_req *r,
    struct ferry_backend **out, struct ferry_error *err)
{
	struct worker_cache *c = t->cache;
	struct ferry_location loc;
	struct ferry_backend *b = NULL;
	enum ferry_code	 result;
	char		*key;
	int		 i;

	*out = NULL;
	key = worker_cache_key(r);
	for (i = 0; i < WORKER_CACHE; i++) {
		if (c[i].key != NULL && strcmp(c[i].key, key) == 0) {
			*out = c[i].b;
			free(key);
			return FERRY_OK;
		}
	}
	memset(&loc, 0, sizeof loc);
	loc.kind = r->kind;
	loc.profile = r->profile;
	loc.authority = r->authority;
	loc.path = r->path;
	loc.text = r->text;
	result = ferry_backend_open(&loc, t->w->cfg, &b, err);
	if (result != FERRY_OK) {
		free(key);
		return result;
	}
	pthread_mutex_lock(&t->w->lock);
	t->w->stats.backends_opened++;
	pthread_mutex_unlock(&t->w->lock);
	/* Full: close the oldest and shift the others down. */
	if (c[WORKER_CACHE - 1].key != NULL) {
		free(c[0].key);
		ferry_backend_close(c[0].b);
		memmove(&c[0], &c[1], (WORKER_CACHE - 1) * sizeof c[0]);
		c[WORKER_CACHE - 1].key = NULL;
	}
	for (i = 0; i < WORKER_CACHE; i++) {
		if (c[i].key == NULL) {
			c[i].key = key;
			c[i].b = b;
			break;
		}
	}
	*out = b;
	return FERRY_OK;
}

/* Sleep ms milliseconds in short slices; false when r was cancelled. */
static bool
worker_nap(const struct worker_req *r, uint32_t ms)
{
	struct timespec	 ts;
	uint32_t	 slice;

	while (ms > 0) {
		if (worker_cancelled(r))
			return false;
		slice = ms < 10 ? ms : 10;
		ts.tv_sec = 0;
		ts.tv_nsec = (long)slice * 1000000L;
		nanosleep(&ts, NULL);
		ms -= slice;
	}
	return !worker_cancelled(r);
}

static void
worker_run_path(struct worker *w, struct worker_req *r,
    struct ferry_backend *b, enum worker_ev_type type, bool quiet)
{
	struct worker_event *ev;

	ev = worker_event_new(type, r);
	ev->code = ferry_backend_path_to_root(b, r->path, &ev->list, &ev->err);
	if (ev->code != FERRY_OK && quiet) {
		/* The listing that follows reports the problem. */
		worker_event_free(ev);
		return;
	}
	/* Inside a listing, the pages that follow end the request. */
	ev->last = !quiet;
	worker_post(w, r, ev);
}

/*
 * A brief listing (WORKER_F_BRIEF): the whole folder in one PAGE event
 * whose `brief` holds it, names first when the order allows.
 */
static void
worker_run_brief(struct worker *w, struct worker_req *r,
    struct ferry_backend *b, struct ferry_query *q)
{
	struct worker_event *ev;

	ev = worker_event_new(WORKER_EV_PAGE, r);
	q->names_only = q->order == FERRY_ORDER_NAME ||
	    q->order == FERRY_ORDER_TYPE;
	if (w->opts.page_delay_ms != 0)
		worker_nap(r, w->opts.page_delay_ms);
	if (worker_cancelled(r))
		ev->code = ferry_error_set(&ev->err, FERRY_E_CANCELLED,
		    "%s: listing cancelled", r->text);
	else
		ev->code = ferry_backend_list_brief(b, r->path, q, &ev->brief,
		    &ev->err);
	if (ev->code == FERRY_OK) {
		ev->page.total = ev->brief.n;
		ev->page.total_known = true;
	}
	ev->last = true;
	worker_post(w, r, ev);
}

/*
 * A listing: one event per page, as each arrives, the last one with
 * `last` set (and the code of a failure or cancellation).
 */
static void
worker_run_list(struct worker *w, struct worker_req *r,
    struct ferry_backend *b)
{
	struct worker_event *ev;
	struct ferry_query q;
	char		*cursor = NULL;
	uint64_t	 seq = 0;
	bool		 last;

	if (r->flags & WORKER_F_PATH)
		worker_run_path(w, r, b, WORKER_EV_PATH, true);
	ferry_query_init(&q);
	q.search = r->search;
	q.filter = r->filter;
	q.order = r->order;
	q.desc = r->desc;
	if ((r->flags & WORKER_F_BRIEF) && b->ops->list_brief != NULL &&
	    !w->opts.page_all && r->page_size == 0) {
		worker_run_brief(w, r, b, &q);
		return;
	}
	if (r->page_size != 0)
		q.limit = r->page_size;
	else if (w->opts.page_all || ferry_backend_has(b, FERRY_CAP_PAGING))
		q.limit = w->opts.page_size;
	else
		q.limit = 0;	/* everything in one page */
	for (;;) {
		ev = worker_event_new(WORKER_EV_PAGE, r);
		ev->seq = seq++;
		if (w->opts.page_delay_ms != 0)
			worker_nap(r, w->opts.page_delay_ms);
		if (worker_cancelled(r)) {
			ev->code = ferry_error_set(&ev->err, FERRY_E_CANCELLED,
			    "%s: listing cancelled", r->text);
			ev->last = true;
			worker_post(w, r, ev);
			break;
		}
		q.cursor = cursor;
		ev->code = ferry_backend_list(b, r->path, &q, &ev->page,
		    &ev->err);
		last = ev->code != FERRY_OK || ev->page.next_cursor == NULL;
		if (!last && cursor != NULL &&
		    strcmp(cursor, ev->page.next_cursor) == 0) {
			ev->code = ferry_error_set(&ev->err, FERRY_E_PROTOCOL,
			    "%s: listing %s: the backend returned the same "
			    "page cursor twice", r->text, r->path);
			last = true;
		}
		free(cursor);
		cursor = last ? NULL : xstrdup(ev->page.next_cursor);
		ev->last = last;
		worker_post(w, r, ev);
		if (last)
			break;
	}
	free(cursor);
}

/*
 * STATS: each name in the folder r->path, in order, into the event's
 * list; a name that cannot be stat'ed gets an entry of kind 0.  Stops
 * with FERRY_E_CANCELLED when asked to (the entries so far are kept).
 */
static void
worker_run_stats(struct worker *w, struct worker_req *r,
    struct ferry_backend *b)
{
	struct worker_event *ev;
	struct ferry_entry e, none;
	struct ferry_arena a;
	struct ferry_error err;
	char		*path;
	size_t		 i;

	ev = worker_event_new(WORKER_EV_STATS, r);
	ev->last = true;
	ferry_arena_init(&a);
	/* Tests: details that come late, like a slow backend's. */
	if (w->opts.page_delay_ms != 0)
		worker_nap(r, w->opts.page_delay_ms);
	for (i = 0; i < r->nnames; i++) {
		if (worker_cancelled(r)) {
			ev->code = ferry_error_set(&ev->err,
			    FERRY_E_CANCELLED, "%s: stat cancelled", r->text);
			break;
		}
		path = ferry_path_join(r->path, r->names[i]);
		if (ferry_backend_stat(b, path, &e, &a, &err) == FERRY_OK) {
			e.name = r->names[i];	/* as asked, not as found */
			ferry_entry_list_push(&ev->list, &e);
		} else {
			memset(&none, 0, sizeof none);
			none.name = r->names[i];
			ferry_entry_list_push(&ev->list, &none);
		}
		free(path);
		/* Each stat's strings are copied out: start the arena again. */
		ferry_arena_done(&a);
	}
	worker_post(w, r, ev);
}

/* SUMMARY: the totals of the subtree, in one event. */
static void
worker_run_summary(struct worker *w, struct worker_req *r,
    struct ferry_backend *b)
{
	struct worker_event *ev;

	ev = worker_event_new(WORKER_EV_SUMMARY, r);
	ev->code = ferry_backend_summary(b, r->path, &ev->summary, &ev->err);
	if (ev->code != FERRY_OK && worker_cancelled(r))
		ev->code = ferry_error_set(&ev->err, FERRY_E_CANCELLED,
		    "%s: summary cancelled", r->text);
	ev->has_summary = ev->code == FERRY_OK;
	ev->last = true;
	worker_post(w, r, ev);
}

/* READ: one range of bytes, in one event (short at the end). */
static void
worker_run_read(struct worker *w, struct worker_req *r,
    struct ferry_backend *b)
{
	struct worker_event *ev;

	ev = worker_event_new(WORKER_EV_DATA, r);
	ev->offset = r->offset;
	ev->last = true;
	if (r->length > WORKER_READ_MAX) {
		ev->code = ferry_error_set(&ev->err, FERRY_E_LIMIT,
		    "%s: a read of %llu bytes is over the limit of %u",
		    r->text, (unsigned long long)r->length, WORKER_READ_MAX);
		worker_post(w, r, ev);
		return;
	}
	ev->data = xmalloc(r->length > 0 ? (size_t)r->length : 1);
	ev->code = ferry_backend_read(b, r->path, r->offset, ev->data,
	    (size_t)r->length, &ev->data_len, &ev->err);
	if (ev->code != FERRY_OK) {
		free(ev->data);
		ev->data = NULL;
		ev->data_len = 0;
	}
	worker_post(w, r, ev);
}

/* What a running SEARCH needs in its callbacks. */
struct worker_search {
	struct worker		*w;
	struct worker_req	*r;
	struct ferry_backend	*b;
	uint64_t		 last_ns;	/* the last PROGRESS event */
};

static enum ferry_code
worker_search_read(void *ud, uint64_t off, void *buf, size_t len,
    size_t *got, struct ferry_error *err)
{
	struct worker_search	*s = ud;

	if (worker_cancelled(s->r))
		return ferry_error_set(err, FERRY_E_CANCELLED,
		    "%s: search cancelled", s->r->text);
	return ferry_backend_read(s->b, s->r->path, off, buf, len, got, err);
}

static bool
worker_search_progress(void *ud, uint64_t done, uint64_t total)
{
	struct worker_search	*s = ud;
	struct worker_event	*ev;
	uint64_t		 now;

	if (worker_cancelled(s->r))
		return false;
	now = ferry_mono_ns();
	if (now - s->last_ns < WORKER_PROGRESS_MS * 1000000ull)
		return true;
	s->last_ns = now;
	ev = worker_event_new(WORKER_EV_PROGRESS, s->r);
	ev->done = done;
	ev->total = total;
	worker_post(s->w, s->r, ev);
	return true;
}

/* SEARCH: progress events, then one FOUND event. */
static void
worker_run_search(struct worker *w, struct worker_req *r,
    struct ferry_backend *b)
{
	struct worker_event	*ev;
	struct worker_search	 s;
	struct search_opts	 o;

	memset(&s, 0, sizeof s);
	s.w = w;
	s.r = r;
	s.b = b;
	s.last_ns = ferry_mono_ns();
	memset(&o, 0, sizeof o);
	o.pat = r->search != NULL ? r->search : "";
	o.len = strlen(o.pat);
	o.icase = (r->flags & WORKER_F_ICASE) != 0;
	o.backward = (r->flags & WORKER_F_BACKWARD) != 0;
	o.from = r->offset;
	o.size = r->length;
	ev = worker_event_new(WORKER_EV_FOUND, r);
	ev->code = search_run(&o, worker_search_read, worker_search_progress,
	    &s, &ev->found, &ev->err);
	/* Name the item unless the backend's message does already. */
	if (ev->code != FERRY_OK && strstr(ev->err.msg, r->path) == NULL)
		ferry_error_prefix(&ev->err, "%s", r->text);
	ev->last = true;
	worker_post(w, r, ev);
}

static void
worker_run_mutation(struct worker *w, struct worker_req *r,
    struct ferry_backend *b)
{
	struct worker_event *ev;
	struct ferry_mkdir_opts mo;
	struct ferry_update u;
	struct ferry_error serr;

	ev = worker_event_new(WORKER_EV_DONE, r);
	switch (r->op) {
	case WORKER_MKDIR:
		memset(&mo, 0, sizeof mo);
		ev->code = ferry_backend_mkdir(b, r->path, &mo, &ev->entry,
		    &ev->arena, &ev->err);
		break;
	case WORKER_RENAME:
		memset(&u, 0, sizeof u);
		u.fields = FERRY_UPDATE_NAME;
		u.name = r->name != NULL ? r->name : "";
		ev->code = ferry_backend_update(b, r->path, &u, &ev->err);
		break;
	case WORKER_REMOVE:
		ev->code = ferry_backend_remove(b, r->path,
		    (r->flags & WORKER_F_RECURSIVE) ?
		    FERRY_REMOVE_RECURSIVE : 0, &ev->err);
		if (ev->code == FERRY_E_NOT_EMPTY &&
		    (r->flags & WORKER_F_SUMMARY) &&
		    ferry_backend_summary(b, r->path, &ev->summary,
		    &serr) == FERRY_OK)
			ev->has_summary = true;
		break;
	default:
		ev->code = ferry_error_set(&ev->err, FERRY_E_INTERNAL,
		    "worker: unknown request %d", (int)r->op);
		break;
	}
	ev->last = true;
	worker_post(w, r, ev);
}

static void
worker_run(struct worker_thread *t, struct worker_req *r)
{
	struct worker		*w = t->w;
	struct ferry_backend	*b;
	struct ferry_error	 err;
	struct worker_event	*ev;

	ferry_error_clear(&err);
	if (worker_cancelled(r)) {
		ferry_error_set(&err, FERRY_E_CANCELLED, "%s: %s %s cancelled",
		    r->text, worker_op_name(r->op), r->path);
		worker_post_error(w, r, &err);
		return;
	}
	if (worker_backend(t, r, &b, &err) != FERRY_OK) {
		worker_post_error(w, r, &err);
		return;
	}
	b->cancel = &r->cancel;
	switch (r->op) {
	case WORKER_LIST:
		worker_run_list(w, r, b);
		break;
	case WORKER_STAT:
		ev = worker_event_new(WORKER_EV_STAT, r);
		ev->code = ferry_backend_stat(b, r->path, &ev->entry,
		    &ev->arena, &ev->err);
		ev->last = true;
		worker_post(w, r, ev);
		break;
	case WORKER_PATH_TO_ROOT:
		worker_run_path(w, r, b, WORKER_EV_PATH, false);
		break;
	case WORKER_SUMMARY:
		worker_run_summary(w, r, b);
		break;
	case WORKER_READ:
		worker_run_read(w, r, b);
		break;
	case WORKER_SEARCH:
		worker_run_search(w, r, b);
		break;
	case WORKER_STATS:
		worker_run_stats(w, r, b);
		break;
	default:
		worker_run_mutation(w, r, b);
		break;
	}
	b->cancel = NULL;
}

/* True when a read of pane is running.  Called under w->lock. */
static bool
worker_pane_busy(const struct worker *w, int pane)
{
	const struct worker_req	*r;
	int			 i;

	for (i = 0; i < w->nthreads; i++) {
		r = w->threads[i].running;
		if (r != NULL && r->pane == pane && worker_is_read(r->op))
			return true;
	}
	return false;
}

/*
 * Unlink and return the oldest queued request that may start now, or
 * NULL.  A read waits while another read of the same pane runs, so a
 * pane whose backend hangs holds one thread at most and the other pane
 * always finds one.  Called under w->lock.
 */
static struct worker_req *
worker_pick(struct worker *w)
{
	struct worker_req	*r, **rp;

	for (rp = &w->queue; (r = *rp) != NULL; rp = &r->next) {
		if (r->pane >= 0 && worker_is_read(r->op) &&
		    worker_pane_busy(w, r->pane))
			continue;
		*rp = r->next;
		if (*rp == NULL)
			w->queue_tail = rp;
		r->next = NULL;
		return r;
	}
	return NULL;
}

static void *
worker_main(void *arg)
{
	struct worker_thread	*t = arg;
	struct worker		*w = t->w;
	struct worker_req	*r;
	int			 i;

	for (;;) {
		pthread_mutex_lock(&w->lock);
		r = NULL;
		while (!w->stopping && (r = worker_pick(w)) == NULL)
			pthread_cond_wait(&w->cond, &w->lock);
		if (w->stopping) {
			/* r (if any) goes back to be freed with the queue. */
			if (r != NULL) {
				r->next = w->queue;
				w->queue = r;
				if (r->next == NULL)
					w->queue_tail = &r->next;
			}
			pthread_mutex_unlock(&w->lock);
			break;
		}
		t->running = r;
		pthread_mutex_unlock(&w->lock);

		worker_run(t, r);

		pthread_mutex_lock(&w->lock);
		if (worker_cancelled(r))
			w->stats.cancelled++;
		t->running = NULL;
		/* A read of the same pane may be waiting for this one. */
		pthread_cond_broadcast(&w->cond);
		pthread_mutex_unlock(&w->lock);
		worker_req_free(r);
	}
	for (i = 0; i < WORKER_CACHE; i++) {
		free(t->cache[i].key);
		ferry_backend_close(t->cache[i].b);
		t->cache[i].key = NULL;
		t->cache[i].b = NULL;
	}
	return NULL;
}

/* Signals that belong to the UI thread, blocked in every worker. */
static void
worker_sigset(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGWINCH);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGTERM);
	sigaddset(set, SIGHUP);
	sigaddset(set, SIGQUIT);
	sigaddset(set, SIGTSTP);
	sigaddset(set, SIGCONT);
	sigaddset(set, SIGPIPE);
	sigaddset(set, SIGCHLD);
	sigaddset(set, SIGALRM);
}

enum ferry_code
worker_new(const struct ferry_config *cfg, const struct worker_opts *opts,
    struct worker **out, struct ferry_error *err)
{
	struct worker	*w;
	sigset_t	 block, old;
	int		 i, rc = 0;

	*out = NULL;
	w = xcalloc(1, sizeof *w);
	w->cfg = cfg;
	if (opts != NULL)
		w->opts = *opts;
	if (w->opts.threads <= 0)
		w->opts.threads = 2;
	if (w->opts.threads > WORKER_THREADS_MAX)
		w->opts.threads = WORKER_THREADS_MAX;
	if (w->opts.page_size == 0)
		w->opts.page_size = FERRY_PAGE_MAX;
	pthread_mutex_init(&w->lock, NULL);
	pthread_cond_init(&w->cond, NULL);
	w->queue_tail = &w->queue;
	w->events_tail = &w->events;
	w->fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (w->fd == -1) {
		ferry_error_set(err, FERRY_E_INTERNAL,
		    "worker: cannot create the wake-up eventfd: %s",
		    strerror(errno));
		pthread_cond_destroy(&w->cond);
		pthread_mutex_destroy(&w->lock);
		free(w);
		return FERRY_E_INTERNAL;
	}

	worker_sigset(&block);
	pthread_sigmask(SIG_BLOCK, &block, &old);
	for (i = 0; i < w->opts.threads; i++) {
		w->threads[i].w = w;
		w->threads[i].index = i;
		rc = pthread_create(&w->threads[i].thread, NULL, worker_main,
		    &w->threads[i]);
		if (rc != 0)
			break;
		w->threads[i].started = true;
		w->nthreads++;
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (w->nthreads != w->opts.threads) {
		worker_free(w);
		ferry_error_set(err, FERRY_E_INTERNAL,
		    "worker: cannot start thread %d: %s", i, strerror(rc));
		return FERRY_E_INTERNAL;
	}
	*out = w;
	return FERRY_OK;
}

/*
 * Join the threads, waiting at most opts.stop_grace_ms (0: for ever).
 * False when one is still busy: it and those after it are detached.
 */
static bool
worker_join(struct worker *w)
{
	struct timespec	 deadline;
	int		 i, rc;
	bool		 all = true;

	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_sec += w->opts.stop_grace_ms / 1000;
	deadline.tv_nsec += (long)(w->opts.stop_grace_ms % 1000) * 1000000L;
	if (deadline.tv_nsec >= 1000000000L) {
		deadline.tv_sec++;
		deadline.tv_nsec -= 1000000000L;
	}
	for (i = 0; i < WORKER_THREADS_MAX; i++) {
		if (!w->threads[i].started)
			continue;
		if (w->opts.stop_grace_ms == 0 || !all)
			rc = all ? pthread_join(w->threads[i].thread, NULL) :
			    pthread_detach(w->threads[i].thread);
		else {
			rc = pthread_timedjoin_np(w->threads[i].thread, NULL,
			    &deadline);
			if (rc == ETIMEDOUT) {
				pthread_detach(w->threads[i].thread);
				all = false;
			}
		}
		(void)rc;
	}
	return all;
}

void
worker_free(struct worker *w)
{
	struct worker_req	*r, *next;
	int			 i;

	if (w == NULL)
		return;
	pthread_mutex_lock(&w->lock);
	w->stopping = true;
	for (i = 0; i < w->nthreads; i++)
		if (w->threads[i].running != NULL)
			worker_set_cancel(w->threads[i].running);
	pthread_cond_broadcast(&w->cond);
	pthread_mutex_unlock(&w->lock);
	if (!worker_join(w))
		return;		/* a thread is stuck in a backend: leave it */
	for (r = w->queue; r != NULL; r = next) {
		next = r->next;
		worker_req_free(r);
	}
	worker_event_free_all(w->events);
	close(w->fd);
	pthread_cond_destroy(&w->cond);
	pthread_mutex_destroy(&w->lock);
	free(w);
}

int
worker_fd(const struct worker *w)
{
	return w->fd;
}

uint64_t
worker_submit(struct worker *w, struct worker_req *r)
{
	uint64_t	 id;

	pthread_mutex_lock(&w->lock);
	id = ++w->next_id;
	r->id = id;
	r->next = NULL;
	w->stats.submitted++;
	if (worker_stale(w, r)) {
		/* Already superseded: never run it. */
		w->stats.dropped++;
		pthread_mutex_unlock(&w->lock);
		worker_req_free(r);
		return id;
	}
	*w->queue_tail = r;
	w->queue_tail = &r->next;
	pthread_cond_signal(&w->cond);
	pthread_mutex_unlock(&w->lock);
	return id;
}

/* The queued or running request id, or NULL.  Called under w->lock. */
static struct worker_req *
worker_find(struct worker *w, uint64_t id)
{
	struct worker_req	*r;
	int			 i;

	for (r = w->queue; r != NULL; r = r->next)
		if (r->id == id)
			return r;
	for (i = 0; i < w->nthreads; i++) {
		r = w->threads[i].running;
		if (r != NULL && r->id == id)
			return r;
	}
	return NULL;
}

bool
worker_cancel(struct worker *w, uint64_t id)
{
	struct worker_req	*r;

	pthread_mutex_lock(&w->lock);
	r = worker_find(w, id);
	if (r != NULL)
		worker_set_cancel(r);
	pthread_mutex_unlock(&w->lock);
	return r != NULL;
}

bool
worker_busy(struct worker *w, uint64_t id)
{
	bool	 busy;

	pthread_mutex_lock(&w->lock);
	busy = worker_find(w, id) != NULL;
	pthread_mutex_unlock(&w->lock);
	return busy;
}

void
worker_pane_gen(struct worker *w, int pane, uint64_t gen)
{
	struct worker_req	*r, **rp, *dead = NULL;
	int			 i;

	if (pane < 0 || pane >= WORKER_PANES)
		return;
	pthread_mutex_lock(&w->lock);
	if (gen > w->pane_gen[pane])
		w->pane_gen[pane] = gen;
	/* Unlink the stale queued reads; free them after unlocking. */
	w->queue_tail = &w->queue;
	for (rp = &w->queue; (r = *rp) != NULL; ) {
		if (worker_stale(w, r)) {
			*rp = r->next;
			r->next = dead;
			dead = r;
			w->stats.dropped++;
		} else {
			rp = &r->next;
			w->queue_tail = &r->next;
		}
	}
	for (i = 0; i < w->nthreads; i++) {
		r = w->threads[i].running;
		if (r != NULL && worker_stale(w, r))
			worker_set_cancel(r);
	}
	pthread_mutex_unlock(&w->lock);
	for (r = dead; r != NULL; r = dead) {
		dead = r->next;
		worker_req_free(r);
	}
}

struct worker_event *
worker_take(struct worker *w)
{
	struct worker_event	*list, *ev, **evp, *dead = NULL;
	uint64_t		 n;
	ssize_t			 got;

	do
		got = read(w->fd, &n, sizeof n);
	while (got > 0 || (got < 0 && errno == EINTR));

	pthread_mutex_lock(&w->lock);
	list = w->events;
	w->events = NULL;
	w->events_tail = &w->events;
	/* Drop what went stale since it was posted. */
	for (evp = &list; (ev = *evp) != NULL; ) {
		if (ev->pane >= 0 && ev->pane < WORKER_PANES &&
		    worker_is_read(ev->op) && ev->gen < w->pane_gen[ev->pane]) {
			*evp = ev->next;
			ev->next = dead;
			dead = ev;
			w->stats.dropped++;
		} else
			evp = &ev->next;
	}
	pthread_mutex_unlock(&w->lock);
	worker_event_free_all(dead);
	return list;
}

void
worker_stats(struct worker *w, struct worker_stats *out)
{
	pthread_mutex_lock(&w->lock);
	*out = w->stats;
	pthread_mutex_unlock(&w->lock);
}
