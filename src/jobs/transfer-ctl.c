/* SPDX-License-Identifier: MIT */
/*
 * The transfer engine's controls and views (see transfer.h): adopting
 * and abandoning journalled jobs, retry, pause, resume, cancel, clear,
 * answers to questions, the concurrency, snapshots with rates and ETAs,
 * and what the journal says about failures and interrupted jobs.  The
 * engine itself (jobs, the queue, the item threads, events) is in
 * transfer.c.
 *
 * Threads: any caller's; every change is made under t->lock, journal
 * writes after it (a passing state never overwrites a final one:
 * journal_job_mark).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "jobs/transfer-int.h"

struct transfer_ids {
	uint64_t	*v;
	size_t		 n;
};

struct transfer_fail_list {
	struct transfer_failure	*v;
	size_t			 n;
};

/* What transfer_abandon needs while it walks the partial writes. */
struct transfer_drop {
	struct transfer_job	*job;
	struct ferry_backend	*db;
	uint64_t		 n;
};

static struct transfer_job *
transfer_find(struct transfer *t, uint64_t id)
{
	struct transfer_job	*job;

	for (job = t->jobs; job != NULL; job = job->next)
		if (job->id == id)
			return job;
	return NULL;
}

/* Unlink and free job id when it has ended.  Lock not held. */
static void
transfer_forget(struct transfer *t, uint64_t id)
{
	struct transfer_job	*job, **jp;

	transfer_reap(t);
	pthread_mutex_lock(&t->lock);
	for (jp = &t->jobs; (job = *jp) != NULL; jp = &job->next) {
		if (job->id != id || !job->ended || job->walker_started)
			continue;
		*jp = job->next;
		if (*jp == NULL)
			t->jobs_tail = jp;
		break;
	}
	pthread_mutex_unlock(&t->lock);
	if (job != NULL && job->id == id)
		transfer_job_free(job);
}

/* Rebuild a spec from a journal row and queue it as a resumed job. */
static enum ferry_code
transfer_job_from_journal(struct transfer *t, const struct journal_job *jj,
    struct ferry_error *err)
{
	struct transfer_spec	 spec;
	struct ferry_location	*srcs, dst;
	struct transfer_job	*job;
	enum ferry_code		 result = FERRY_OK;
	size_t			 i, n = 0;
	int			 kind, conflict;

	kind = transfer_kind_from_name(jj->kind);
	conflict = copy_conflict_from_name(jj->conflict);
	if (kind < 0 || conflict < 0 || jj->nsrcs == 0 ||
	    (kind != TRANSFER_DELETE && jj->dst == NULL))
		return ferry_error_set(err, FERRY_E_CORRUPT, "job %lld in the "
		    "journal is malformed", (long long)jj->id);
	memset(&dst, 0, sizeof dst);
	srcs = xcalloc(jj->nsrcs, sizeof *srcs);
	for (n = 0; n < jj->nsrcs && result == FERRY_OK; n++)
		result = ferry_location_parse(jj->srcs[n], &srcs[n], err);
	if (result == FERRY_OK && jj->dst != NULL)
		result = ferry_location_parse(jj->dst, &dst, err);
	if (result == FERRY_OK) {
		memset(&spec, 0, sizeof spec);
		spec.kind = (enum transfer_kind)kind;
		spec.srcs = srcs;
		spec.nsrcs = jj->nsrcs;
		spec.dst = jj->dst != NULL ? &dst : NULL;
		spec.conflict = (enum copy_conflict)conflict;
		spec.mime = jj->mime;
		spec.metadata = jj->metadata;
		job = transfer_job_new(t, &spec, jj->store_dir);
		job->id = (uint64_t)jj->id;
		job->resuming = true;
		job->created_ms = jj->created;
		transfer_job_add(t, job);
	}
	for (i = 0; i < n; i++)
		ferry_location_done(&srcs[i]);
	free(srcs);
	if (jj->dst != NULL)
		ferry_location_done(&dst);
	return result;
}

enum ferry_code
transfer_adopt(struct transfer *t, uint64_t id, struct ferry_error *err)
{
	struct journal_job	 jj;
	enum ferry_code		 result;
	bool			 here;

	pthread_mutex_lock(&t->lock);
	here = transfer_find(t, id) != NULL;
	pthread_mutex_unlock(&t->lock);
	if (here)
		return transfer_retry(t, id, err);
	if ((result = journal_job_claim(t->journal, (int64_t)id, err)) !=
	    FERRY_OK)
		return result;
	if ((result = journal_job_get(t->journal, (int64_t)id, &jj, err)) !=
	    FERRY_OK)
		return result;
	result = transfer_job_from_journal(t, &jj, err);
	if (result != FERRY_OK)
		(void)journal_job_state(t->journal, (int64_t)id, "failed",
		    err != NULL ? err->msg : "malformed", NULL);
	journal_job_done(&jj);
	return result;
}

static enum ferry_code
transfer_drop_cb(const struct journal_item *it, void *ud)
{
	struct transfer_drop	*d = ud;
	struct ferry_write_opts	 wo;
	struct ferry_partial	*p;

	memset(&wo, 0, sizeof wo);
	wo.exists = FERRY_EXISTS_OVERWRITE;	/* only to reach the bytes */
	if (it->dst != NULL && ferry_backend_open_partial(d->db, it->dst, &wo,
	    it->token, &p, NULL) == FERRY_OK) {
		ferry_partial_close(p, false);
		d->n++;
	}
	return FERRY_OK;
}

enum ferry_code
transfer_abandon(struct transfer *t, uint64_t id, struct ferry_error *err)
{
	struct transfer_conns	 conns;
	struct transfer_drop	 d;
	struct journal_job	 jj;
	struct transfer_spec	 spec;
	struct ferry_location	 dst;
	enum ferry_code		 result;
	bool			 here;

	pthread_mutex_lock(&t->lock);
	here = transfer_find(t, id) != NULL;
	pthread_mutex_unlock(&t->lock);
	if (here)
		return ferry_error_set(err, FERRY_E_INVALID, "job %llu runs "
		    "here: cancel it instead", (unsigned long long)id);
	if ((result = journal_job_claim(t->journal, (int64_t)id, err)) !=
	    FERRY_OK)
		return result;
	if ((result = journal_job_get(t->journal, (int64_t)id, &jj, err)) !=
	    FERRY_OK)
		return result;
	memset(&d, 0, sizeof d);
	memset(&conns, 0, sizeof conns);
	if (jj.dst != NULL && ferry_location_parse(jj.dst, &dst, NULL) ==
	    FERRY_OK) {
		memset(&spec, 0, sizeof spec);
		spec.kind = TRANSFER_COPY;
		spec.srcs = &dst;
		spec.nsrcs = 1;
		spec.dst = &dst;
		d.job = transfer_job_new(t, &spec, jj.store_dir);
		if (transfer_conn(&conns, d.job, &dst, &d.db, NULL) ==
		    FERRY_OK)
			(void)journal_partials(t->journal, (int64_t)id,
			    transfer_drop_cb, &d, NULL);
		transfer_conns_close(&conns);
		transfer_job_free(d.job);
		ferry_location_done(&dst);
	}
	journal_job_done(&jj);
	return journal_job_state(t->journal, (int64_t)id, "cancelled", NULL,
	    err);
}

enum ferry_code
transfer_retry(struct transfer *t, uint64_t id, struct ferry_error *err)
{
	struct transfer_job	*job;
	struct journal_job	 jj;
	enum ferry_code		 result;
	bool			 ended;

	transfer_reap(t);
	pthread_mutex_lock(&t->lock);
	job = transfer_find(t, id);
	ended = job != NULL && job->ended;
	pthread_mutex_unlock(&t->lock);
	if (job == NULL)
		return ferry_error_set(err, FERRY_E_NOT_FOUND, "no job %llu",
		    (unsigned long long)id);
	if (!ended || job->state != TRANSFER_FAILED)
		return ferry_error_set(err, FERRY_E_INVALID, "job %llu is %s; "
		    "only a failed job can be retried",
		    (unsigned long long)id, transfer_state_name(job->state));
	if ((result = journal_job_claim(t->journal, (int64_t)id, err)) !=
	    FERRY_OK)
		return result;
	if ((result = journal_job_get(t->journal, (int64_t)id, &jj, err)) !=
	    FERRY_OK)
		return result;
	transfer_forget(t, id);
	result = transfer_job_from_journal(t, &jj, err);
	journal_job_done(&jj);
	return result;
}

enum ferry_code
transfer_pause(struct transfer *t, uint64_t id, struct ferry_error *err)
{
	struct transfer_job	*job;
	enum ferry_code		 result = FERRY_OK;

	pthread_mutex_lock(&t->lock);
	job = transfer_find(t, id);
	if (job == NULL)
		result = ferry_error_set(err, FERRY_E_NOT_FOUND, "no job %llu",
		    (unsigned long long)id);
	else if (job->ended || job->paused)
		result = ferry_error_set(err, FERRY_E_INVALID, "job %llu is "
		    "%s", (unsigned long long)id,
		    transfer_state_name(job->state));
	else {
		job->paused = true;
		job->state = TRANSFER_PAUSED;
		__atomic_store_n(&job->stop, 1, __ATOMIC_RELAXED);
		transfer_post_state_locked(t, job, TRANSFER_PAUSED);
	}
	pthread_mutex_unlock(&t->lock);
	if (result != FERRY_OK)
		return result;
	transfer_wake(t);
	/* (a final state written meanwhile is kept) */
	(void)journal_job_mark(t->journal, (int64_t)id, "paused", NULL);
	return FERRY_OK;
}

enum ferry_code
transfer_resume(struct transfer *t, uint64_t id, struct ferry_error *err)
{
	struct transfer_job	*job;
	enum transfer_state	 state = TRANSFER_RUNNING;
	enum ferry_code		 result = FERRY_OK;

	pthread_mutex_lock(&t->lock);
	job = transfer_find(t, id);
	if (job == NULL)
		result = ferry_error_set(err, FERRY_E_NOT_FOUND, "no job %llu",
		    (unsigned long long)id);
	else if (!job->paused)
		result = ferry_error_set(err, FERRY_E_INVALID, "job %llu is "
		    "not paused", (unsigned long long)id);
	else {
		job->paused = false;
		__atomic_store_n(&job->stop, 0, __ATOMIC_RELAXED);
		pthread_cond_broadcast(&t->cond);
	}
	if (result == FERRY_OK && !job->ended) {
		/* (an ended job keeps its final state) */
		state = job->walker_started ? TRANSFER_RUNNING :
		    TRANSFER_QUEUED;
		job->state = state;
		transfer_post_state_locked(t, job, state);
	}
	pthread_mutex_unlock(&t->lock);
	if (result != FERRY_OK)
		return result;
	transfer_wake(t);
	(void)journal_job_mark(t->journal, (int64_t)id,
	    transfer_state_name(state), NULL);
	transfer_schedule(t);
	return FERRY_OK;
}

enum ferry_code
transfer_cancel(struct transfer *t, uint64_t id, struct ferry_error *err)
{
	struct transfer_job	*job;
	struct xfer_task	*task, **tp, *dead = NULL;
	enum ferry_code		 result = FERRY_OK;
	bool			 ended = false;

	pthread_mutex_lock(&t->lock);
	job = transfer_find(t, id);
	if (job == NULL)
		result = ferry_error_set(err, FERRY_E_NOT_FOUND, "no job %llu",
		    (unsigned long long)id);
	else if (job->ended)
		result = ferry_error_set(err, FERRY_E_INVALID, "job %llu is "
		    "%s already", (unsigned long long)id,
		    transfer_state_name(job->state));
	if (result != FERRY_OK) {
		pthread_mutex_unlock(&t->lock);
		return result;
	}
	job->cancelled = true;
	job->paused = false;
	__atomic_store_n(&job->stop, 1, __ATOMIC_RELAXED);
	__atomic_store_n(&job->halt, 1, __ATOMIC_RELAXED);
	/* Unlink its queued tasks; free them after unlocking. */
	t->queue_tail = &t->queue;
	for (tp = &t->queue; (task = *tp) != NULL; ) {
		if (task->job == job) {
			*tp = task->next;
			task->next = dead;
			dead = task;
			job->queued--;
		} else {
			tp = &task->next;
			t->queue_tail = &task->next;
		}
	}
	if (!job->walker_started)
		job->walker_done = true;	/* it never will start */
	ended = transfer_job_check_end(t, job);
	pthread_cond_broadcast(&t->cond);
	pthread_mutex_unlock(&t->lock);
	for (task = dead; task != NULL; task = dead) {
		dead = task->next;
		copy_dir_release(t, task->dir, true, false, NULL);
		xfer_task_free(task);
	}
	if (!ended) {
		pthread_mutex_lock(&t->lock);
		ended = transfer_job_check_end(t, job);
		pthread_mutex_unlock(&t->lock);
	}
	if (ended)
		transfer_job_finish(t, job);
	return FERRY_OK;
}

enum ferry_code
transfer_clear(struct transfer *t, uint64_t id, struct ferry_error *err)
{
	struct transfer_job	*job;
	enum ferry_code		 result = FERRY_OK;
	uint64_t		*ids = NULL;
	size_t			 n = 0, i;

	transfer_reap(t);
	pthread_mutex_lock(&t->lock);
	for (job = t->jobs; job != NULL; job = job->next) {
		if (id != 0 && job->id != id)
			continue;
		if (!job->ended) {
			if (id != 0)
				result = ferry_error_set(err, FERRY_E_BUSY,
				    "job %llu has not finished",
				    (unsigned long long)id);
			continue;
		}
		ids = xreallocarray(ids, n + 1, sizeof *ids);
		ids[n++] = job->id;
	}
	pthread_mutex_unlock(&t->lock);
	if (id != 0 && n == 0 && result == FERRY_OK)
		result = journal_clear(t->journal, (int64_t)id, false, NULL,
		    err);
	for (i = 0; i < n; i++) {
		(void)journal_clear(t->journal, (int64_t)ids[i], true, NULL,
		    NULL);
		transfer_forget(t, ids[i]);
	}
	free(ids);
	return result;
}

enum ferry_code
transfer_answer(struct transfer *t, uint64_t ask, enum transfer_answer a,
    struct ferry_error *err)
{
	struct transfer_job	*job;
	bool			 found = false;

	if (a < TRANSFER_ANSWER_OVERWRITE || a > TRANSFER_ANSWER_CANCEL)
		return ferry_error_set(err, FERRY_E_INVALID, "bad answer %d",
		    (int)a);
	pthread_mutex_lock(&t->lock);
	for (job = t->jobs; job != NULL && !found; job = job->next) {
		if (ask == 0 || job->ask != ask)
			continue;
		job->answer = a;
		job->answered = true;
		found = true;
	}
	pthread_cond_broadcast(&t->cond);
	pthread_mutex_unlock(&t->lock);
	if (!found)
		return ferry_error_set(err, FERRY_E_NOT_FOUND, "no question "
		    "%llu is waiting", (unsigned long long)ask);
	return FERRY_OK;
}

void
transfer_set_concurrency(struct transfer *t, unsigned n)
{
	if (n < 1)
		n = 1;
	if (n > TRANSFER_CONCURRENCY_MAX)
		n = TRANSFER_CONCURRENCY_MAX;
	pthread_mutex_lock(&t->lock);
	t->concurrency = n;
	transfer_grow(t, n);
	pthread_cond_broadcast(&t->cond);
	pthread_mutex_unlock(&t->lock);
	transfer_schedule(t);
}

unsigned
transfer_concurrency(struct transfer *t)
{
	unsigned	 n;

	pthread_mutex_lock(&t->lock);
	n = t->concurrency;
	pthread_mutex_unlock(&t->lock);
	return n;
}

bool
transfer_busy(struct transfer *t)
{
	struct transfer_job	*job;
	bool			 busy = false;

	pthread_mutex_lock(&t->lock);
	for (job = t->jobs; job != NULL && !busy; job = job->next)
		busy = !job->ended;
	pthread_mutex_unlock(&t->lock);
	return busy;
}

/* Fill one snapshot row from job.  Under the lock. */
static void
transfer_info(struct transfer *t, struct transfer_job *job,
    struct transfer_info *o, uint64_t now)
{
	uint64_t	 moved, dt, left;
	double		 inst;
	unsigned	 i;

	memset(o, 0, sizeof *o);
	o->id = job->id;
	o->kind = job->kind;
	o->state = job->state;
	o->from = xstrdup(job->from);
	o->to = xstrdup(job->to);
	o->bytes_done = job->bytes_done;
	moved = job->bytes_moved;
	for (i = 0; i < t->nthreads; i++) {
		struct xfer_task *task = t->slots[i].task;

		if (task == NULL || task->job != job)
			continue;
		o->bytes_done += __atomic_load_n(&t->slots[i].done,
		    __ATOMIC_RELAXED);
		moved += __atomic_load_n(&t->slots[i].moved,
		    __ATOMIC_RELAXED);
		if (o->current == NULL)
			o->current = xstrdup(task->stext);
	}
	o->bytes_total = job->bytes_total;
	o->items_done = job->items_done;
	o->items_total = job->items_total;
	o->items_failed = job->items_failed;
	o->items_skipped = job->items_skipped;
	o->totals_known = job->totals_known;
	o->moving = job->moving;
	o->asking = job->ask != 0;
	o->err = job->err;
	o->created_ms = job->created_ms;
	o->finished_ms = job->finished_ms;
	/* the rate: a moving average of samples at least 0.5 s apart */
	if (job->rate_ns == 0 || moved < job->rate_bytes) {
		job->rate_ns = now;
		job->rate_bytes = moved;
	} else if ((dt = now - job->rate_ns) >= 500000000ull) {
		inst = (double)(moved - job->rate_bytes) * 1e9 / (double)dt;
		job->rate = job->rate == 0 ? inst : 0.6 * job->rate +
		    0.4 * inst;
		job->rate_ns = now;
		job->rate_bytes = moved;
	}
	if (job->state != TRANSFER_RUNNING)
		job->rate = job->ended ? 0 : job->rate;
	o->rate = (uint64_t)job->rate;
	o->eta_s = -1;
	if (o->rate > 0 && job->totals_known && job->state ==
	    TRANSFER_RUNNING) {
		left = o->bytes_total > o->bytes_done ? o->bytes_total -
		    o->bytes_done : 0;
		o->eta_s = (int64_t)(left / o->rate);
	}
}

void
transfer_snapshot(struct transfer *t, struct transfer_snapshot *out)
{
	struct transfer_job	*job;
	uint64_t		 now = ferry_mono_ns();
	size_t			 n = 0;

	memset(out, 0, sizeof *out);
	pthread_mutex_lock(&t->lock);
	for (job = t->jobs; job != NULL; job = job->next)
		n++;
	out->jobs = xcalloc(n + 1, sizeof *out->jobs);
	for (job = t->jobs; job != NULL; job = job->next)
		transfer_info(t, job, &out->jobs[out->n++], now);
	out->concurrency = t->concurrency;
	out->moving = t->moving;
	pthread_mutex_unlock(&t->lock);
}

void
transfer_snapshot_done(struct transfer_snapshot *s)
{
	size_t	 i;

	for (i = 0; i < s->n; i++) {
		free(s->jobs[i].from);
		free(s->jobs[i].to);
		free(s->jobs[i].current);
	}
	free(s->jobs);
	memset(s, 0, sizeof *s);
}

static enum ferry_code
transfer_failure_cb(const struct journal_item *it, void *ud)
{
	struct transfer_fail_list	*l = ud;
	struct transfer_failure		*f;

	l->v = xreallocarray(l->v, l->n + 1, sizeof *l->v);
	f = &l->v[l->n++];
	memset(f, 0, sizeof *f);
	f->src = xstrdup(it->src);
	f->dst = it->dst != NULL ? xstrdup(it->dst) : NULL;
	f->err.code = FERRY_E_IO;
	snprintf(f->err.msg, sizeof f->err.msg, "%s", it->error != NULL ?
	    it->error : "failed");
	return FERRY_OK;
}

enum ferry_code
transfer_failures(struct transfer *t, uint64_t id,
    struct transfer_failure **out, size_t *n, struct ferry_error *err)
{
	struct transfer_fail_list	 l = { NULL, 0 };
	enum ferry_code			 result;

	result = journal_items(t->journal, (int64_t)id, JOURNAL_FAILED,
	    transfer_failure_cb, &l, err);
	if (result != FERRY_OK) {
		transfer_failures_free(l.v, l.n);
		l.v = NULL;
		l.n = 0;
	}
	*out = l.v;
	*n = l.n;
	return result;
}

void
transfer_failures_free(struct transfer_failure *v, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		free(v[i].src);
		free(v[i].dst);
	}
	free(v);
}

static enum ferry_code
transfer_interrupted_cb(const struct journal_job *jj, void *ud)
{
	struct transfer_ids	*ids = ud;

	if (journal_job_interrupted(jj)) {
		ids->v = xreallocarray(ids->v, ids->n + 1, sizeof *ids->v);
		ids->v[ids->n++] = (uint64_t)jj->id;
	}
	return FERRY_OK;
}

enum ferry_code
transfer_interrupted(struct transfer *t, uint64_t **out, size_t *n,
    struct ferry_error *err)
{
	struct transfer_ids	 ids = { NULL, 0 };
	enum ferry_code		 result;

	result = journal_jobs(t->journal, transfer_interrupted_cb, &ids, err);
	if (result != FERRY_OK) {
		free(ids.v);
		ids.v = NULL;
		ids.n = 0;
	}
	*out = ids.v;
	*n = ids.n;
	return result;
}
