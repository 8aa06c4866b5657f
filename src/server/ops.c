/* SPDX-License-Identifier: MIT */
/*
 * Long operations: a recursive delete or copy of a folder too big to
 * answer while the client waits.  The request records the operation
 * (store_op_create, state "queued"), queues it here and answers 202 with
 * its id; clients poll GET /v1/operations/{id} for state and progress.
 *
 * A delete removes the items in batches of OPS_BATCH (one transaction
 * each, so other writers are never locked out for long), then the empty
 * folder tree in one transaction.  A copy makes the new top folder, then
 * walks the source depth first, creating each folder and copying each
 * item (items share their blobs) in transactions of OPS_BATCH entries; on
 * failure the partial copy is deleted (after a crash it stays, and the
 * operation's result names it).  Progress (entries done of total)
 * is written to the store at most every OPS_REPORT_MS.  An interrupted
 * operation (SIGTERM, or a crash) is "failed"; what it finished stays
 * done, and running it again completes it.
 *
 * DESIGN: one worker thread with its own store handle.  Requests (pool
 * threads) append to a mutex+condvar queue; the worker takes one job at a
 * time.  ops_stop() sets `stop` (the worker checks it between entries),
 * wakes the worker and joins it; queued jobs left are marked failed.
 */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "server/server.h"

#define OPS_BATCH	500
#define OPS_REPORT_MS	200

struct ops_job {
	char		 id[STORE_ID_SIZE];
	char		 kind[STORE_OP_KIND_MAX];
	char		 user[STORE_PRINCIPAL_MAX + 1];
	char		 target[STORE_ID_SIZE];
	char		 dst[STORE_ID_SIZE];
	char		*name;
	uint64_t	 total;
	struct ops_job	*next;
};

struct ops {
	struct server	*srv;
	pthread_t	 thread;
	pthread_mutex_t	 lock;
	pthread_cond_t	 cond;
	struct ops_job	*head;
	struct ops_job	*tail;
	atomic_bool	 stop;
	struct store	*store;		/* the worker's */
	struct store_acl *acl;
};

/* State of one running job. */
struct ops_run {
	struct ops	*ops;
	struct ops_job	*job;
	uint64_t	 done;
	int64_t		 reported;	/* ms */
	struct ferry_error err;		/* the cause, when a callback fails */
	/* delete */
	char		**ids;
	size_t		 nids;
	/* copy */
	char		**stack;	/* new folder id per depth */
	size_t		 depth;
	size_t		 in_txn;	/* entries in the open transaction */
};

static void
ops_job_free(struct ops_job *j)
{
	free(j->name);
	free(j);
}

static enum ferry_code
ops_progress(struct ops_run *run, bool force)
{
	int64_t	 now = ferry_now_ms();

	if (atomic_load(&run->ops->stop))
		return ferry_error_set(&run->err, FERRY_E_CANCELLED,
		    "cancelled: ferryd is shutting down; run it again");
	if (!force && now - run->reported < OPS_REPORT_MS)
		return FERRY_OK;
	run->reported = now;
	store_op_progress(run->ops->acl, run->job->id, run->done,
	    run->job->total, NULL);
	return FERRY_OK;
}

/* -------- delete -------- */

static enum ferry_code
ops_delete_flush(struct ops_run *run)
{
	enum ferry_code	 result;
	size_t		 i;

	if (run->nids == 0)
		return FERRY_OK;
	result = store_delete_items(run->ops->store,
	    (const char *const *)run->ids, run->nids, &run->err);
	if (result == FERRY_OK)
		run->done += run->nids;
	for (i = 0; i < run->nids; i++)
		free(run->ids[i]);
	run->nids = 0;
	if (result != FERRY_OK)
		return result;
	return ops_progress(run, false);
}

static enum ferry_code
ops_delete_cb(const char *path, const struct ferry_entry *e, void *ud)
{
	struct ops_run	*run = ud;

	(void)path;
	if (e->kind != FERRY_KIND_ITEM || e->id == NULL)
		return FERRY_OK;
	run->ids[run->nids++] = xstrdup(e->id);
	if (run->nids < OPS_BATCH)
		return FERRY_OK;
	return ops_delete_flush(run);
}

static enum ferry_code
ops_delete(struct ops_run *run)
{
	enum ferry_code		 result;
	struct ferry_find	 f;
	struct ferry_error	 e;

	run->ids = xcalloc(OPS_BATCH, sizeof *run->ids);
	ferry_find_init(&f);
	f.filter = FERRY_FILTER_ITEMS;
	result = store_find(run->ops->store, run->job->target, &f,
	    ops_delete_cb, run, &e);
	if (result != FERRY_OK && run->err.code == FERRY_OK)
		run->err = e;
	if (result == FERRY_OK)
		result = ops_delete_flush(run);
	if (result == FERRY_OK)
		result = store_delete(run->ops->store, run->job->target,
		    FERRY_REMOVE_RECURSIVE, &run->err);
	while (run->nids > 0)
		free(run->ids[--run->nids]);
	free(run->ids);
	return result;
}

/* -------- copy -------- */

/* Create folder src (its attributes too) in parent as name. */
static enum ferry_code
ops_copy_folder(struct ops_run *run, const struct ferry_entry *src,
    const char *parent, const char *name, char **new_id)
{
	struct ferry_mkdir_opts	 o;
	struct ferry_update	 u;
	struct ferry_entry	 made;
	struct ferry_arena	 a;
	enum ferry_code		 result;

	memset(&o, 0, sizeof o);
	o.description = src->description;
	o.metadata = src->metadata;
	o.tags = src->tags;
	ferry_arena_init(&a);
	result = store_folder_create(run->ops->store, parent, name, &o, &made,
	    &a, &run->err);
	if (result == FERRY_OK)
		*new_id = xstrdup(made.id);
	if (result == FERRY_OK &&
	    ((src->flags & FERRY_ENTRY_STARRED) || src->ttl > 0)) {
		memset(&u, 0, sizeof u);
		u.fields = FERRY_UPDATE_STARRED | FERRY_UPDATE_TTL;
		u.starred = (src->flags & FERRY_ENTRY_STARRED) != 0;
		u.ttl = src->ttl;
		result = store_update(run->ops->store, *new_id, &u, &run->err);
	}
	ferry_arena_done(&a);
	return result;
}

/* Commit the batch and start the next one. */
static enum ferry_code
ops_copy_step(struct ops_run *run)
{
	enum ferry_code	 result;

	run->done++;
	if (++run->in_txn < OPS_BATCH)
		return FERRY_OK;
	if ((result = store_commit(run->ops->store, &run->err)) != FERRY_OK)
		return result;
	run->in_txn = 0;
	if ((result = ops_progress(run, false)) != FERRY_OK)
		return result;
	return store_begin(run->ops->store, &run->err);
}

static enum ferry_code
ops_copy_cb(const char *path, const struct ferry_entry *e, void *ud)
{
	struct ops_run	*run = ud;
	enum ferry_code	 result;
	const char	*p;
	size_t		 depth = 0;

	for (p = path; *p != '\0'; p++)
		if (*p == '/')
			depth++;
	if (depth >= run->depth) {
		ferry_error_set(&run->err, FERRY_E_INTERNAL, "copy: walked to"
		    " depth %zu before its parent", depth);
		return FERRY_E_INTERNAL;
	}
	if (e->kind == FERRY_KIND_FOLDER) {
		/* the folders of a finished branch are done with */
		while (run->depth > depth + 1)
			free(run->stack[--run->depth]);
		run->stack = xreallocarray(run->stack, depth + 2,
		    sizeof *run->stack);
		run->stack[depth + 1] = NULL;
		result = ops_copy_folder(run, e, run->stack[depth], e->name,
		    &run->stack[depth + 1]);
		if (run->stack[depth + 1] != NULL)
			run->depth = depth + 2;
		if (result != FERRY_OK)
			return result;
	} else {
		result = store_copy(run->ops->store, e->id, run->stack[depth],
		    NULL, FERRY_EXISTS_FAIL, NULL, &run->err);
		if (result != FERRY_OK)
			return result;
	}
	return ops_copy_step(run);
}

/* Refuse to copy a folder into itself or below it. */
static enum ferry_code
ops_copy_check(struct ops_run *run)
{
	struct ferry_entry_list	 up;
	enum ferry_code		 result;
	size_t			 i;

	ferry_entry_list_init(&up);
	result = store_path_to_root(run->ops->store, run->job->dst, &up,
	    &run->err);
	for (i = 0; result == FERRY_OK && i < up.n; i++)
		if (up.v[i].id != NULL &&
		    strcmp(up.v[i].id, run->job->target) == 0)
			result = ferry_error_set(&run->err, FERRY_E_CONFLICT,
			    "cannot copy a folder into its own subtree");
	ferry_entry_list_done(&up);
	return result;
}

static enum ferry_code
ops_copy(struct ops_run *run, char result_id[STORE_ID_SIZE])
{
	enum ferry_code		 result;
	struct ferry_entry	 src;
	struct ferry_arena	 a;
	struct ferry_find	 f;
	struct ferry_error	 e;
	char			*top = NULL;

	ferry_arena_init(&a);
	if ((result = ops_copy_check(run)) != FERRY_OK)
		goto out;
	result = store_get(run->ops->store, run->job->target, &src, &a,
	    &run->err);
	if (result == FERRY_OK)
		result = ops_copy_folder(run, &src, run->job->dst,
		    run->job->name != NULL ? run->job->name : src.name, &top);
	if (result != FERRY_OK)
		goto out;
	snprintf(result_id, STORE_ID_SIZE, "%s", top);
	/* a crash leaves a partial copy: say where it is */
	store_op_result(run->ops->acl, run->job->id, top, NULL);
	run->stack = xcalloc(1, sizeof *run->stack);
	run->stack[0] = xstrdup(top);
	run->depth = 1;
	run->done = 1;
	ferry_find_init(&f);
	if ((result = store_begin(run->ops->store, &run->err)) == FERRY_OK) {
		result = store_find(run->ops->store, run->job->target, &f,
		    ops_copy_cb, run, &e);
		if (result != FERRY_OK && run->err.code == FERRY_OK)
			run->err = e;
		if (result == FERRY_OK)
			result = store_commit(run->ops->store, &run->err);
		else
			store_rollback(run->ops->store);
	}
	if (result != FERRY_OK) {
		/* leave nothing half made */
		store_delete(run->ops->store, top, FERRY_REMOVE_RECURSIVE,
		    NULL);
		result_id[0] = '\0';
	}
out:
	while (run->depth > 0)
		free(run->stack[--run->depth]);
	free(run->stack);
	free(top);
	ferry_arena_done(&a);
	return result;
}

/* -------- the worker -------- */

static void
ops_run_job(struct ops *ops, struct ops_job *job)
{
	struct ops_run	 run;
	enum ferry_code	 result;
	char		 result_id[STORE_ID_SIZE] = "";

	memset(&run, 0, sizeof run);
	run.ops = ops;
	run.job = job;
	store_set_user(ops->store, job->user);
	ops_progress(&run, true);
	if (strcmp(job->kind, "delete") == 0)
		result = ops_delete(&run);
	else
		result = ops_copy(&run, result_id);
	if (result != FERRY_OK && run.err.code == FERRY_OK)
		ferry_error_set(&run.err, result, "%s failed",
		    job->kind);
	store_op_finish(ops->acl, job->id, result_id[0] != '\0' ? result_id :
	    NULL, result == FERRY_OK ? NULL : &run.err, NULL);
	server_log(ops->srv, "ferryd: operation %s (%s by %s): %s%s%s",
	    job->id, job->kind, job->user, result == FERRY_OK ? "done" :
	    "failed", result == FERRY_OK ? "" : ": ", result == FERRY_OK ?
	    "" : run.err.msg);
}

static void *
ops_main(void *arg)
{
	struct ops	*ops = arg;
	struct ops_job	*job;

	for (;;) {
		pthread_mutex_lock(&ops->lock);
		while (ops->head == NULL && !atomic_load(&ops->stop))
			pthread_cond_wait(&ops->cond, &ops->lock);
		if (atomic_load(&ops->stop)) {
			pthread_mutex_unlock(&ops->lock);
			break;
		}
		job = ops->head;
		ops->head = job->next;
		if (ops->head == NULL)
			ops->tail = NULL;
		pthread_mutex_unlock(&ops->lock);
		ops_run_job(ops, job);
		ops_job_free(job);
	}
	return NULL;
}

struct ops *
ops_start(struct server *srv, struct ferry_error *err)
{
	struct ops	*ops;

	ops = xcalloc(1, sizeof *ops);
	ops->srv = srv;
	if (store_open(srv->cfg.store_dir, &ops->store, err) != FERRY_OK) {
		free(ops);
		return NULL;
	}
	store_set_durable(ops->store, srv->cfg.durable);
	ops->acl = store_acl_new(ops->store);
	pthread_mutex_init(&ops->lock, NULL);
	pthread_cond_init(&ops->cond, NULL);
	if (pthread_create(&ops->thread, NULL, ops_main, ops) != 0) {
		ferry_error_set(err, FERRY_E_INTERNAL, "cannot start the"
		    " operations thread");
		store_acl_free(ops->acl);
		store_close(ops->store);
		free(ops);
		return NULL;
	}
	return ops;
}

void
ops_stop(struct ops *ops)
{
	struct ops_job		*job;
	struct ferry_error	 why;

	if (ops == NULL)
		return;
	pthread_mutex_lock(&ops->lock);
	atomic_store(&ops->stop, true);
	pthread_cond_signal(&ops->cond);
	pthread_mutex_unlock(&ops->lock);
	pthread_join(ops->thread, NULL);
	ferry_error_set(&why, FERRY_E_CANCELLED, "cancelled before it"
	    " started: ferryd shut down; run it again");
	while ((job = ops->head) != NULL) {
		ops->head = job->next;
		store_op_finish(ops->acl, job->id, NULL, &why, NULL);
		ops_job_free(job);
	}
	store_acl_free(ops->acl);
	store_close(ops->store);
	pthread_cond_destroy(&ops->cond);
	pthread_mutex_destroy(&ops->lock);
	free(ops);
}

enum ferry_code
ops_submit(struct ops *ops, struct server_thread *t, const char *kind,
    const char *user, const char *target, const char *dst, const char *name,
    uint64_t total, char id[STORE_ID_SIZE], struct ferry_error *err)
{
	enum ferry_code	 result;
	struct ops_job	*job;

	result = store_op_create(t->acl, kind, user, target, total, id, err);
	if (result != FERRY_OK)
		return result;
	job = xcalloc(1, sizeof *job);
	snprintf(job->id, sizeof job->id, "%s", id);
	snprintf(job->kind, sizeof job->kind, "%s", kind);
	snprintf(job->user, sizeof job->user, "%s", user);
	snprintf(job->target, sizeof job->target, "%s", target);
	if (dst != NULL)
		snprintf(job->dst, sizeof job->dst, "%s", dst);
	job->name = name != NULL ? xstrdup(name) : NULL;
	job->total = total;
	pthread_mutex_lock(&ops->lock);
	if (ops->tail != NULL)
		ops->tail->next = job;
	else
		ops->head = job;
	ops->tail = job;
	pthread_cond_signal(&ops->cond);
	pthread_mutex_unlock(&ops->lock);
	return FERRY_OK;
}
