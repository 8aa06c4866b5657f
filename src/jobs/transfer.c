/* SPDX-License-Identifier: MIT */
/*
 * The transfer engine (see transfer.h for what it does and its DESIGN
 * paragraph for the threads): jobs, the queue of item tasks, the item
 * threads, events and the wake fd.  The controls (pause, resume, cancel,
 * retry, clear, answers, concurrency) and snapshots are in
 * transfer-ctl.c, the walker of a job in copy.c, moving one item in
 * xfer.c, the journal in journal.c.
 *
 * Invariants, all under t->lock: a task is in exactly one of the queue
 * (counted in job->queued) or an item slot (job->moving); a job ends
 * (state final, `ended`) once, when its walker is done and it has no
 * task queued or moving; a job that was halted by transfer_free() never
 * ends: the journal keeps it "running" for the next start to resume.
 * Journal writes and backend calls happen with the lock released.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "backends/faulty.h"
#include "core/util.h"
#include "jobs/transfer-int.h"

/* -------- names -------- */

static const char *const transfer_kind_names[] = {
	NULL, "copy", "move", "upload", "download", "delete"
};

static const char *const transfer_state_names[] = {
	NULL, "queued", "running", "paused", "done", "failed", "cancelled",
	"interrupted"
};

const char *
transfer_kind_name(enum transfer_kind k)
{
	if ((size_t)k == 0 || (size_t)k >= FERRY_NELEM(transfer_kind_names))
		return "?";
	return transfer_kind_names[k];
}

int
transfer_kind_from_name(const char *name)
{
	size_t	 i;

	for (i = 1; i < FERRY_NELEM(transfer_kind_names); i++)
		if (name != NULL && strcmp(name, transfer_kind_names[i]) == 0)
			return (int)i;
	return -1;
}

const char *
transfer_state_name(enum transfer_state s)
{
	if ((size_t)s == 0 || (size_t)s >= FERRY_NELEM(transfer_state_names))
		return "?";
	return transfer_state_names[s];
}

int
transfer_state_from_name(const char *name)
{
	size_t	 i;

	for (i = 1; i < FERRY_NELEM(transfer_state_names); i++)
		if (name != NULL && strcmp(name, transfer_state_names[i]) == 0)
			return (int)i;
	return -1;
}

bool
transfer_state_final(enum transfer_state s)
{
	return s == TRANSFER_DONE || s == TRANSFER_FAILED ||
	    s == TRANSFER_CANCELLED;
}

/* -------- events -------- */

static struct transfer_event *
transfer_event_new(enum transfer_ev_type type, uint64_t job)
{
	struct transfer_event	*ev;

	ev = xcalloc(1, sizeof *ev);
	ev->type = type;
	ev->job = job;
	return ev;
}

void
transfer_event_free(struct transfer_event *ev)
{
	if (ev == NULL)
		return;
	free((char *)ev->result.src);
	free((char *)ev->result.dst);
	free(ev->src);
	free(ev->dst);
	free(ev);
}

void
transfer_event_free_all(struct transfer_event *ev)
{
	struct transfer_event	*next;

	for (; ev != NULL; ev = next) {
		next = ev->next;
		transfer_event_free(ev);
	}
}

/* Wake the front end (a full eventfd counter wakes it as well). */
void
transfer_wake(struct transfer *t)
{
	uint64_t	 one = 1;

	if (write(t->fd, &one, sizeof one) < 0 && errno != EAGAIN)
		ferry_assert_fail("write(eventfd)", __FILE__, __LINE__);
}

/* Append ev; called under the lock (wake after unlocking). */
void
transfer_post_locked(struct transfer *t, struct transfer_event *ev)
{
	ev->next = NULL;
	*t->events_tail = ev;
	t->events_tail = &ev->next;
}

void
transfer_post(struct transfer *t, struct transfer_event *ev)
{
	pthread_mutex_lock(&t->lock);
	transfer_post_locked(t, ev);
	pthread_mutex_unlock(&t->lock);
	transfer_wake(t);
}

int
transfer_fd(const struct transfer *t)
{
	return t->fd;
}

/* Join the walkers that have exited (never with the lock held). */
void
transfer_reap(struct transfer *t)
{
	struct transfer_job	*job;
	pthread_t		 th[16];
	size_t			 n, i;

	do {
		n = 0;
		pthread_mutex_lock(&t->lock);
		for (job = t->jobs; job != NULL && n < FERRY_NELEM(th);
		    job = job->next) {
			if (job->walker_started && job->walker_done &&
			    job->ended) {
				th[n++] = job->walker;
				job->walker_started = false;
			}
		}
		pthread_mutex_unlock(&t->lock);
		for (i = 0; i < n; i++)
			pthread_join(th[i], NULL);
	} while (n == FERRY_NELEM(th));
}

struct transfer_event *
transfer_take(struct transfer *t)
{
	struct transfer_event	*list;
	uint64_t		 n;
	ssize_t			 got;

	do
		got = read(t->fd, &n, sizeof n);
	while (got > 0 || (got < 0 && errno == EINTR));
	pthread_mutex_lock(&t->lock);
	list = t->events;
	t->events = NULL;
	t->events_tail = &t->events;
	t->progress_pending = false;
	pthread_mutex_unlock(&t->lock);
	transfer_reap(t);
	return list;
}

/* -------- backends per thread -------- */

bool
transfer_same_ns(const struct ferry_location *a,
    const struct ferry_location *b)
{
	if (a->kind != b->kind)
		return false;
	if ((a->profile == NULL) != (b->profile == NULL) ||
	    (a->profile != NULL && strcmp(a->profile, b->profile) != 0))
		return false;
	return (a->authority == NULL) == (b->authority == NULL) &&
	    (a->authority == NULL || strcmp(a->authority, b->authority) == 0);
}

enum ferry_code
transfer_conn(struct transfer_conns *c, struct transfer_job *job,
    const struct ferry_location *loc, struct ferry_backend **out,
    struct ferry_error *err)
{
	struct ferry_backend	*b;
	enum ferry_code		 result;
	char			*key;
	size_t			 i;

	*out = NULL;
	key = xasprintf("%d\n%s\n%s\n%s", (int)loc->kind,
	    loc->profile != NULL ? loc->profile : "",
	    loc->authority != NULL ? loc->authority : "",
	    job->store_dir != NULL ? job->store_dir : "");
	for (i = 0; i < TRANSFER_CONNS; i++) {
		if (c->key[i] != NULL && strcmp(c->key[i], key) == 0) {
			free(key);
			*out = c->b[i];
			return FERRY_OK;
		}
	}
	/*
	 * One open at a time: opening a store calls getpwuid(), which is
	 * not thread-safe.
	 */
	pthread_mutex_lock(&job->t->open_lock);
	result = ferry_backend_open(loc, &job->cfg, &b, err);
	pthread_mutex_unlock(&job->t->open_lock);
	if (result != FERRY_OK) {
		free(key);
		return result;
	}
	b = backend_faulty_wrap(b);
	if (c->key[TRANSFER_CONNS - 1] != NULL) {
		/* full: close the oldest */
		free(c->key[0]);
		ferry_backend_close(c->b[0]);
		memmove(&c->key[0], &c->key[1], (TRANSFER_CONNS - 1) *
		    sizeof c->key[0]);
		memmove(&c->b[0], &c->b[1], (TRANSFER_CONNS - 1) *
		    sizeof c->b[0]);
		c->key[TRANSFER_CONNS - 1] = NULL;
	}
	for (i = 0; i < TRANSFER_CONNS; i++) {
		if (c->key[i] == NULL) {
			c->key[i] = key;
			c->b[i] = b;
			break;
		}
	}
	*out = b;
	return FERRY_OK;
}

void
transfer_conns_close(struct transfer_conns *c)
{
	size_t	 i;

	for (i = 0; i < TRANSFER_CONNS; i++) {
		free(c->key[i]);
		ferry_backend_close(c->b[i]);
		c->key[i] = NULL;
		c->b[i] = NULL;
	}
}

/* -------- test hooks -------- */

uint32_t
transfer_delay_ms(const struct transfer *t)
{
	return t->delay_ms;
}

void
transfer_stats(struct transfer *t, const char *fmt, ...)
{
	va_list	 ap;
	char	*line;
	FILE	*f;

	if (t->stats_path == NULL)
		return;
	va_start(ap, fmt);
	if (vasprintf(&line, fmt, ap) < 0)
		line = NULL;
	va_end(ap);
	if (line == NULL)
		return;
	pthread_mutex_lock(&t->stats_lock);
	if ((f = fopen(t->stats_path, "ae")) != NULL) {
		fprintf(f, "%s\n", line);
		fclose(f);
	}
	pthread_mutex_unlock(&t->stats_lock);
	free(line);
}

/* -------- jobs: helpers for the walker and the items -------- */


bool
transfer_stopped(struct transfer_job *job)
{
	return __atomic_load_n(&job->stop, __ATOMIC_RELAXED) != 0;
}

bool
transfer_halted(struct transfer_job *job)
{
	return __atomic_load_n(&job->halt, __ATOMIC_RELAXED) != 0;
}

bool
transfer_cancelled(struct transfer *t, struct transfer_job *job)
{
	bool	 yes;

	pthread_mutex_lock(&t->lock);
	yes = job->cancelled || t->stopping;
	pthread_mutex_unlock(&t->lock);
	return yes;
}

bool
transfer_discard(struct transfer *t, struct transfer_job *job)
{
	bool	 yes;

	pthread_mutex_lock(&t->lock);
	yes = job->cancelled;
	pthread_mutex_unlock(&t->lock);
	return yes;
}

/* Sleep ms in slices; false when *flag was raised meanwhile. */
static bool
transfer_sleep(const int *flag, uint32_t ms)
{
	struct timespec	 ts;
	uint32_t	 slice;

	while (ms > 0) {
		if (__atomic_load_n(flag, __ATOMIC_RELAXED) != 0)
			return false;
		slice = ms < 20 ? ms : 20;
		ts.tv_sec = 0;
		ts.tv_nsec = (long)slice * 1000000L;
		nanosleep(&ts, NULL);
		ms -= slice;
	}
	return __atomic_load_n(flag, __ATOMIC_RELAXED) == 0;
}

bool
transfer_nap(struct transfer_job *job, uint32_t ms)
{
	return transfer_sleep(&job->stop, ms);
}

/* The backoff before try attempt + 1, watching *flag. */
static bool
transfer_backoff_on(const int *flag, unsigned attempt, enum ferry_code code)
{
	uint64_t	 ms;

	if (!copy_transient(code) || attempt >= TRANSFER_ATTEMPTS ||
	    __atomic_load_n(flag, __ATOMIC_RELAXED) != 0)
		return false;
	ms = (uint64_t)TRANSFER_BACKOFF_MS << (attempt - 1);
	if (ms > TRANSFER_BACKOFF_MAX_MS)
		ms = TRANSFER_BACKOFF_MAX_MS;
	return transfer_sleep(flag, (uint32_t)ms);
}

bool
transfer_backoff(struct transfer *t, struct transfer_job *job,
    unsigned attempt, enum ferry_code code)
{
	(void)t;
	return transfer_backoff_on(&job->stop, attempt, code);
}

bool
transfer_walk_backoff(struct transfer *t, struct transfer_job *job,
    unsigned attempt, enum ferry_code code)
{
	(void)t;
	return transfer_backoff_on(&job->halt, attempt, code);
}

bool
transfer_gate(struct transfer *t, struct transfer_job *job)
{
	bool	 go;

	pthread_mutex_lock(&t->lock);
	while (job->paused && !job->cancelled && !t->stopping)
		pthread_cond_wait(&t->cond, &t->lock);
	go = !job->cancelled && !t->stopping;
	pthread_mutex_unlock(&t->lock);
	return go;
}

void
transfer_slot_release(struct transfer_slot *slot)
{
	pthread_mutex_lock(&slot->t->lock);
	slot->task = NULL;
	__atomic_store_n(&slot->done, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&slot->moved, 0, __ATOMIC_RELAXED);
	pthread_mutex_unlock(&slot->t->lock);
}

void
transfer_progress(struct transfer_slot *slot, uint64_t done, uint64_t moved)
{
	struct transfer	*t = slot->t;
	struct transfer_event *ev = NULL;
	uint64_t	 now = ferry_mono_ns(), ms;

	struct transfer_job *job = NULL;

	__atomic_store_n(&slot->done, done, __ATOMIC_RELAXED);
	__atomic_store_n(&slot->moved, moved, __ATOMIC_RELAXED);
	ms = t->opts.progress_ms;
	pthread_mutex_lock(&t->lock);
	if (!t->progress_pending && now - t->progress_ns >= ms * 1000000u &&
	    slot->task != NULL) {
		ev = transfer_event_new(TRANSFER_EV_PROGRESS,
		    slot->task->job->id);
		transfer_post_locked(t, ev);
		t->progress_pending = true;
		t->progress_ns = now;
	}
	/* other processes (ferry jobs) see the counters once a second */
	if (slot->task != NULL && now - slot->task->job->counts_ns >
	    1000000000ull) {
		job = slot->task->job;
		job->counts_ns = now;
	}
	pthread_mutex_unlock(&t->lock);
	if (ev != NULL)
		transfer_wake(t);
	if (job != NULL)
		transfer_journal_counts(t, job);
}

void
transfer_totals(struct transfer *t, struct transfer_job *job,
    uint64_t bytes, uint64_t items, bool known)
{
	pthread_mutex_lock(&t->lock);
	if (known) {
		job->bytes_total = bytes;
		job->items_total = items;
		job->totals_known = true;
	} else if (!job->totals_known) {
		job->bytes_total += bytes;
		job->items_total += items;
	}
	pthread_mutex_unlock(&t->lock);
	if (known)
		transfer_journal_counts(t, job);
}

void
transfer_job_error(struct transfer *t, struct transfer_job *job,
    const struct ferry_error *err)
{
	pthread_mutex_lock(&t->lock);
	job->err = *err;
	job->err_job = true;
	pthread_mutex_unlock(&t->lock);
}

/* Record job's counters in the journal (lock not held). */
void
transfer_journal_counts(struct transfer *t, struct transfer_job *job)
{
	struct journal_job	 c;

	memset(&c, 0, sizeof c);
	pthread_mutex_lock(&t->lock);
	c.bytes_total = job->bytes_total;
	c.bytes_done = job->bytes_done;
	c.items_total = job->items_total;
	c.items_done = job->items_done;
	c.items_failed = job->items_failed;
	c.items_skipped = job->items_skipped;
	job->counts_ns = ferry_mono_ns();
	pthread_mutex_unlock(&t->lock);
	(void)journal_job_counts(t->journal, (int64_t)job->id, &c, NULL);
}

static enum journal_istate
transfer_istate(enum copy_status s)
{
	switch (s) {
	case COPY_DONE:
		return JOURNAL_DONE;
	case COPY_SKIPPED:
		return JOURNAL_SKIPPED;
	default:
		return JOURNAL_FAILED;
	}
}

void
transfer_report(struct transfer *t, struct transfer_job *job,
    const struct copy_result *r, uint64_t bytes_read)
{
	struct transfer_event	*ev = NULL;
	bool			 item = r->kind != FERRY_KIND_FOLDER, counts;

	if (r->src != NULL)
		journal_item_end(t->journal, (int64_t)job->id, r->src,
		    transfer_istate(r->status), bytes_read,
		    r->status == COPY_DONE ? NULL : r->err.msg);
	pthread_mutex_lock(&t->lock);
	if (item) {
		job->items_done++;
		job->bytes_done += r->bytes;
		if (r->status == COPY_DONE && !r->earlier)
			job->bytes_moved += bytes_read;
	} else if (r->status == COPY_DONE)
		job->folders_done++;
	if (r->status == COPY_SKIPPED)
		job->items_skipped += item;
	if (r->status == COPY_FAILED) {
		job->items_failed += item;
		if (job->err.code == FERRY_OK) {
			job->err = r->err;
			if (job->err.code == FERRY_OK)
				job->err.code = FERRY_E_INTERNAL;
		}
	}
	if (r->status != COPY_DONE || t->opts.report_done) {
		ev = transfer_event_new(TRANSFER_EV_ITEM, job->id);
		ev->result = *r;
		ev->result.src = r->src != NULL ? xstrdup(r->src) : NULL;
		ev->result.dst = r->dst != NULL ? xstrdup(r->dst) : NULL;
		transfer_post_locked(t, ev);
	}
	counts = ferry_mono_ns() - job->counts_ns > 1000000000ull;
	pthread_mutex_unlock(&t->lock);
	if (ev != NULL)
		transfer_wake(t);
	if (counts)
		transfer_journal_counts(t, job);
}

bool
transfer_enqueue(struct transfer *t, struct xfer_task *task)
{
	struct transfer_job	*job = task->job;
	bool			 ok;

	pthread_mutex_lock(&t->lock);
	while (job->queued >= TRANSFER_QUEUE_PER_JOB && !job->cancelled &&
	    !t->stopping)
		pthread_cond_wait(&t->cond, &t->lock);
	ok = !job->cancelled && !t->stopping;
	if (ok) {
		task->next = NULL;
		*t->queue_tail = task;
		t->queue_tail = &task->next;
		job->queued++;
		pthread_cond_broadcast(&t->cond);
	}
	pthread_mutex_unlock(&t->lock);
	return ok;
}

enum transfer_answer
transfer_ask(struct transfer *t, struct transfer_job *job,
    struct transfer_event *ev)
{
	enum transfer_answer	 a;

	pthread_mutex_lock(&t->lock);
	ev->ask = ++t->next_ask;
	job->ask = ev->ask;
	job->answered = false;
	transfer_post_locked(t, ev);
	pthread_mutex_unlock(&t->lock);
	transfer_wake(t);

	pthread_mutex_lock(&t->lock);
	while (!job->answered && !job->cancelled && !t->stopping)
		pthread_cond_wait(&t->cond, &t->lock);
	a = job->answered ? job->answer : TRANSFER_ANSWER_CANCEL;
	job->ask = 0;
	pthread_mutex_unlock(&t->lock);
	return a;
}

/* -------- the end of a job -------- */

/*
 * Under the lock: when job has nothing left to do, give it its final
 * state and return true (the caller then calls transfer_job_finish with
 * the lock released).  A job halted by the engine's shutdown never ends.
 */
bool
transfer_job_check_end(struct transfer *t, struct transfer_job *job)
{
	struct transfer_event	*ev;

	if (job->ended || !job->walker_done || job->queued != 0 ||
	    job->moving != 0)
		return false;
	if (t->stopping && !job->cancelled)
		return false;
	job->ended = true;
	if (job->cancelled)
		job->state = TRANSFER_CANCELLED;
	else if (job->err_job || job->items_failed != 0 ||
	    job->err.code != FERRY_OK)
		job->state = TRANSFER_FAILED;
	else
		job->state = TRANSFER_DONE;
	job->finished_ms = ferry_now_ms();
	/*
	 * The event goes with the state, so that whoever sees the final
	 * state in a snapshot finds its event too (the wake follows).
	 */
	ev = transfer_event_new(TRANSFER_EV_STATE, job->id);
	ev->state = job->state;
	if (job->state == TRANSFER_FAILED)
		ev->err = job->err;
	transfer_post_locked(t, ev);
	pthread_cond_broadcast(&t->cond);
	return true;
}

/* Record the end of job in the journal and wake the front end. */
void
transfer_job_finish(struct transfer *t, struct transfer_job *job)
{
	struct ferry_error	 err;
	enum transfer_state	 state;

	pthread_mutex_lock(&t->lock);
	state = job->state;
	err = job->err;
	pthread_mutex_unlock(&t->lock);
	(void)journal_flush(t->journal, NULL);
	transfer_journal_counts(t, job);
	(void)journal_job_state(t->journal, (int64_t)job->id,
	    transfer_state_name(state), state == TRANSFER_FAILED ?
	    err.msg : NULL, NULL);
	transfer_wake(t);
}


void
transfer_walker_done(struct transfer *t, struct transfer_job *job)
{
	bool	 ended;

	pthread_mutex_lock(&t->lock);
	job->walker_done = true;
	ended = transfer_job_check_end(t, job);
	pthread_cond_broadcast(&t->cond);
	pthread_mutex_unlock(&t->lock);
	if (ended)
		transfer_job_finish(t, job);
	transfer_schedule(t);
}

/* Post a STATE event; under the lock (wake after unlocking). */
void
transfer_post_state_locked(struct transfer *t, struct transfer_job *job,
    enum transfer_state state)
{
	struct transfer_event	*ev;

	ev = transfer_event_new(TRANSFER_EV_STATE, job->id);
	ev->state = state;
	transfer_post_locked(t, ev);
}

/* -------- the item threads -------- */

/*
 * Unlink and return the oldest queued task whose job is not paused, or
 * NULL.  Under the lock.
 */
static struct xfer_task *
transfer_pick(struct transfer *t)
{
	struct xfer_task	*task, **tp;

	for (tp = &t->queue; (task = *tp) != NULL; tp = &task->next) {
		if (task->job->paused)
			continue;
		*tp = task->next;
		if (*tp == NULL)
			t->queue_tail = tp;
		task->next = NULL;
		task->job->queued--;
		return task;
	}
	return NULL;
}

/* Put an interrupted task back at the head of the queue.  Under lock. */
static void
transfer_requeue(struct transfer *t, struct xfer_task *task)
{
	task->next = t->queue;
	t->queue = task;
	if (task->next == NULL)
		t->queue_tail = &task->next;
	task->job->queued++;
}

static void *
transfer_slot_main(void *arg)
{
	struct transfer_slot	*slot = arg;
	struct transfer		*t = slot->t;
	struct transfer_job	*job;
	struct xfer_task	*task;
	bool			 ended;

	pthread_mutex_lock(&t->lock);
	for (;;) {
		task = NULL;
		while (!t->stopping && (slot->index >= t->concurrency ||
		    (task = transfer_pick(t)) == NULL))
			pthread_cond_wait(&t->cond, &t->lock);
		if (t->stopping)
			break;
		job = task->job;
		slot->task = task;
		job->moving++;
		t->moving++;
		__atomic_store_n(&slot->done, 0, __ATOMIC_RELAXED);
		__atomic_store_n(&slot->moved, 0, __ATOMIC_RELAXED);
		pthread_mutex_unlock(&t->lock);

		xfer_run(slot, task);

		pthread_mutex_lock(&t->lock);
		job->moving--;
		t->moving--;
		/* xfer_run hands back a task it was told to leave (pause) */
		if (slot->task != NULL) {
			if (!job->cancelled && !t->stopping)
				transfer_requeue(t, slot->task);
			else {
				pthread_mutex_unlock(&t->lock);
				copy_dir_release(t, slot->task->dir, true,
				    false, NULL);
				xfer_task_free(slot->task);
				pthread_mutex_lock(&t->lock);
			}
		}
		slot->task = NULL;
		ended = transfer_job_check_end(t, job);
		pthread_cond_broadcast(&t->cond);
		if (ended) {
			pthread_mutex_unlock(&t->lock);
			transfer_job_finish(t, job);
			pthread_mutex_lock(&t->lock);
		}
	}
	pthread_mutex_unlock(&t->lock);
	transfer_conns_close(&slot->conns);
	return NULL;
}

/* Signals that belong to the UI or the CLI, blocked in our threads. */
static void
transfer_sigset(sigset_t *set)
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

/* Start item threads up to n.  Under the lock. */
void
transfer_grow(struct transfer *t, unsigned n)
{
	sigset_t	 block, old;

	transfer_sigset(&block);
	pthread_sigmask(SIG_BLOCK, &block, &old);
	while (t->nthreads < n) {
		struct transfer_slot *slot = &t->slots[t->nthreads];

		slot->t = t;
		slot->index = t->nthreads;
		if (pthread_create(&slot->thread, NULL, transfer_slot_main,
		    slot) != 0)
			break;	/* fewer threads: fewer items at once */
		slot->started = true;
		t->nthreads++;
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
}

/*
 * Start the walkers of queued jobs while fewer than `concurrency` walk.
 * Takes the lock.
 */
void
transfer_schedule(struct transfer *t)
{
	struct transfer_job	*job;
	struct transfer_event	*ev;
	sigset_t		 block, old;
	unsigned		 walking = 0, n = 0;

	pthread_mutex_lock(&t->lock);
	for (job = t->jobs; job != NULL; job = job->next)
		if (job->walker_started && !job->walker_done)
			walking++;
	transfer_sigset(&block);
	pthread_sigmask(SIG_BLOCK, &block, &old);
	for (job = t->jobs; job != NULL && walking < t->concurrency &&
	    !t->stopping; job = job->next) {
		if (job->state != TRANSFER_QUEUED || job->paused ||
		    job->walker_started || job->ended)
			continue;
		if (pthread_create(&job->walker, NULL, copy_walker_main,
		    job) != 0)
			break;
		job->walker_started = true;
		job->state = TRANSFER_RUNNING;
		walking++;
		/* under the lock: no later state event can come before it */
		ev = transfer_event_new(TRANSFER_EV_STATE, job->id);
		ev->state = TRANSFER_RUNNING;
		transfer_post_locked(t, ev);
		n++;
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	pthread_mutex_unlock(&t->lock);
	if (n > 0)
		transfer_wake(t);
}

/* -------- jobs -------- */

void
transfer_job_free(struct transfer_job *job)
{
	size_t	 i;

	for (i = 0; i < job->nsrcs; i++)
		ferry_location_done(&job->srcs[i]);
	free(job->srcs);
	if (job->has_dst)
		ferry_location_done(&job->dst);
	free(job->store_dir);
	free(job->mime);
	free(job->metadata);
	free(job->from);
	free(job->to);
	free(job);
}

/* A copy of a location (strings duplicated). */
static void
transfer_loc_copy(struct ferry_location *dst, const struct ferry_location *src)
{
	memset(dst, 0, sizeof *dst);
	dst->kind = src->kind;
	dst->profile = src->profile != NULL ? xstrdup(src->profile) : NULL;
	dst->authority = src->authority != NULL ? xstrdup(src->authority) :
	    NULL;
	dst->path = xstrdup(src->path != NULL ? src->path : "/");
	dst->text = src->text != NULL ? xstrdup(src->text) :
	    ferry_location_format(src, NULL);
}

/* A job from a spec; id 0 until recorded. */
struct transfer_job *
transfer_job_new(struct transfer *t, const struct transfer_spec *spec,
    const char *store_dir)
{
	struct transfer_job	*job;
	size_t			 i;

	job = xcalloc(1, sizeof *job);
	job->t = t;
	job->kind = spec->kind;
	job->state = TRANSFER_QUEUED;
	job->conflict = spec->conflict;
	job->nsrcs = spec->nsrcs;
	job->srcs = xcalloc(spec->nsrcs, sizeof *job->srcs);
	for (i = 0; i < spec->nsrcs; i++)
		transfer_loc_copy(&job->srcs[i], &spec->srcs[i]);
	if (spec->dst != NULL) {
		transfer_loc_copy(&job->dst, spec->dst);
		job->has_dst = true;
	}
	if (t->cfg != NULL)
		job->cfg = *t->cfg;
	if (store_dir != NULL)
		job->store_dir = xstrdup(store_dir);
	else if (t->cfg != NULL && t->cfg->store_dir != NULL)
		job->store_dir = xstrdup(t->cfg->store_dir);
	else
		job->store_dir = ferry_config_default_store();
	job->cfg.store_dir = job->store_dir;
	job->mime = spec->mime != NULL ? xstrdup(spec->mime) : NULL;
	job->metadata = spec->metadata != NULL ? xstrdup(spec->metadata) :
	    NULL;
	job->from = ferry_location_format(&job->srcs[0], job->srcs[0].path);
	if (job->nsrcs > 1) {
		char *more = xasprintf("%s (+%zu more)", job->from,
		    job->nsrcs - 1);
		free(job->from);
		job->from = more;
	}
	job->to = job->has_dst ? ferry_location_format(&job->dst,
	    job->dst.path) : xstrdup("");
	job->created_ms = ferry_now_ms();
	return job;
}

/* Append job to the list and start what can start. */
void
transfer_job_add(struct transfer *t, struct transfer_job *job)
{
	struct transfer_event	*ev;

	ev = transfer_event_new(TRANSFER_EV_STATE, job->id);
	ev->state = TRANSFER_QUEUED;
	pthread_mutex_lock(&t->lock);
	job->next = NULL;
	*t->jobs_tail = job;
	t->jobs_tail = &job->next;
	transfer_post_locked(t, ev);
	pthread_mutex_unlock(&t->lock);
	transfer_wake(t);
	transfer_schedule(t);
}

enum ferry_code
transfer_submit(struct transfer *t, const struct transfer_spec *spec,
    uint64_t *id, struct ferry_error *err)
{
	struct transfer_job	*job;
	struct journal_new	 jj;
	enum ferry_code		 result;
	int64_t			 jid = 0;
	char			**srcs;
	size_t			 i;

	*id = 0;
	if (spec->nsrcs == 0)
		return ferry_error_set(err, FERRY_E_INVALID, "a job needs at "
		    "least one source");
	if (spec->kind != TRANSFER_DELETE && spec->dst == NULL)
		return ferry_error_set(err, FERRY_E_INVALID, "a %s job needs a "
		    "destination", transfer_kind_name(spec->kind));
	if (transfer_kind_name(spec->kind)[0] == '?' ||
	    copy_conflict_name(spec->conflict)[0] == '?')
		return ferry_error_set(err, FERRY_E_INVALID, "bad job kind %d "
		    "or conflict policy %d", (int)spec->kind,
		    (int)spec->conflict);
	job = transfer_job_new(t, spec, NULL);
	memset(&jj, 0, sizeof jj);
	jj.kind = transfer_kind_name(job->kind);
	jj.nsrcs = job->nsrcs;
	srcs = xcalloc(job->nsrcs, sizeof *srcs);
	for (i = 0; i < job->nsrcs; i++)
		srcs[i] = ferry_location_format(&job->srcs[i],
		    job->srcs[i].path);
	jj.srcs = (const char *const *)srcs;
	jj.dst = job->has_dst ? job->to : NULL;
	jj.store_dir = job->store_dir;
	jj.conflict = copy_conflict_name(job->conflict);
	jj.mime = job->mime;
	jj.metadata = job->metadata;
	result = journal_job_add(t->journal, &jj, &jid, err);
	for (i = 0; i < job->nsrcs; i++)
		free(srcs[i]);
	free(srcs);
	if (result != FERRY_OK) {
		transfer_job_free(job);
		return result;
	}
	job->id = (uint64_t)jid;
	*id = job->id;
	transfer_job_add(t, job);
	return FERRY_OK;
}





























/* -------- the engine -------- */

/* [jobs] concurrency from the config, or the default. */
static enum ferry_code
transfer_config_concurrency(const struct ferry_config *cfg, unsigned *n,
    struct ferry_error *err)
{
	const char	*v;
	char		*end;
	unsigned long	 l;

	*n = TRANSFER_CONCURRENCY_DEFAULT;
	if (cfg == NULL || (v = ferry_config_get(cfg, "jobs",
	    "concurrency")) == NULL)
		return FERRY_OK;
	errno = 0;
	l = strtoul(v, &end, 10);
	if (errno != 0 || end == v || *end != '\0' || l < 1 ||
	    l > TRANSFER_CONCURRENCY_MAX)
		return ferry_error_set(err, FERRY_E_INVALID, "%s: [jobs] "
		    "concurrency = %s: want a number from 1 to %d",
		    cfg->path != NULL ? cfg->path : "config", v,
		    TRANSFER_CONCURRENCY_MAX);
	*n = (unsigned)l;
	return FERRY_OK;
}

enum ferry_code
transfer_new(const struct ferry_config *cfg, const struct transfer_opts *o,
    struct transfer **out, struct ferry_error *err)
{
	struct transfer	*t;
	enum ferry_code	 result;
	unsigned	 n;
	const char	*env;

	*out = NULL;
	if ((result = transfer_config_concurrency(cfg, &n, err)) != FERRY_OK)
		return result;
	t = xcalloc(1, sizeof *t);
	t->cfg = cfg;
	if (o != NULL)
		t->opts = *o;
	if (t->opts.progress_ms == 0)
		t->opts.progress_ms = TRANSFER_PROGRESS_MS;
	t->concurrency = t->opts.concurrency != 0 ? t->opts.concurrency : n;
	if (t->concurrency > TRANSFER_CONCURRENCY_MAX)
		t->concurrency = TRANSFER_CONCURRENCY_MAX;
	t->opts.journal = NULL;		/* not kept: may not outlive us */
	if ((result = journal_open(o != NULL ? o->journal : NULL,
	    &t->journal, err)) != FERRY_OK) {
		free(t);
		return result;
	}
	if ((env = getenv("FERRY_TEST_CHUNK_DELAY_MS")) != NULL)
		t->delay_ms = (uint32_t)strtoul(env, NULL, 10);
	if ((env = getenv("FERRY_DEBUG_STATS")) != NULL && *env != '\0')
		t->stats_path = xstrdup(env);
	pthread_mutex_init(&t->lock, NULL);
	pthread_mutex_init(&t->stats_lock, NULL);
	pthread_mutex_init(&t->open_lock, NULL);
	pthread_cond_init(&t->cond, NULL);
	t->jobs_tail = &t->jobs;
	t->queue_tail = &t->queue;
	t->events_tail = &t->events;
	t->fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (t->fd == -1) {
		result = ferry_error_set(err, FERRY_E_INTERNAL, "transfers: "
		    "cannot create the wake-up eventfd: %s", strerror(errno));
		journal_close(t->journal);
		free(t->stats_path);
		free(t);
		return result;
	}
	pthread_mutex_lock(&t->lock);
	transfer_grow(t, t->concurrency);
	n = t->nthreads;
	pthread_mutex_unlock(&t->lock);
	if (n == 0) {
		transfer_free(t);
		return ferry_error_set(err, FERRY_E_INTERNAL, "transfers: "
		    "cannot start a thread");
	}
	*out = t;
	return FERRY_OK;
}

void
transfer_free(struct transfer *t)
{
	struct transfer_job	*job, *next;
	struct xfer_task	*task, *tnext;
	unsigned		 i;

	if (t == NULL)
		return;
	pthread_mutex_lock(&t->lock);
	t->stopping = true;
	for (job = t->jobs; job != NULL; job = job->next) {
		__atomic_store_n(&job->stop, 1, __ATOMIC_RELAXED);
		__atomic_store_n(&job->halt, 1, __ATOMIC_RELAXED);
	}
	pthread_cond_broadcast(&t->cond);
	pthread_mutex_unlock(&t->lock);
	/* nothing starts now; join what runs */
	for (job = t->jobs; job != NULL; job = job->next)
		if (job->walker_started)
			pthread_join(job->walker, NULL);
	for (i = 0; i < t->nthreads; i++)
		if (t->slots[i].started)
			pthread_join(t->slots[i].thread, NULL);
	for (task = t->queue; task != NULL; task = tnext) {
		tnext = task->next;
		copy_dir_release(t, task->dir, true, false, NULL);
		xfer_task_free(task);
	}
	/* halted jobs stay "running" in the journal: the next start resumes */
	for (job = t->jobs; job != NULL; job = job->next)
		if (!job->ended)
			transfer_journal_counts(t, job);
	journal_close(t->journal);
	transfer_event_free_all(t->events);
	for (job = t->jobs; job != NULL; job = next) {
		next = job->next;
		transfer_job_free(job);
	}
	close(t->fd);
	pthread_cond_destroy(&t->cond);
	pthread_mutex_destroy(&t->stats_lock);
	pthread_mutex_destroy(&t->open_lock);
	pthread_mutex_destroy(&t->lock);
	free(t->stats_path);
	free(t);
}
