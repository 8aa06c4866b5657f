/* SPDX-License-Identifier: MIT */
/*
 * The walker of a transfer job (the rules are in copy.h): one thread per
 * running job that lists its sources depth first, decides what happens
 * to each entry (conflict policy, questions, "into itself" refusal, name
 * checks), creates destination folders, does server-side copies and
 * moves itself, and hands every item that has to stream to the item
 * threads as a task (transfer.c, xfer.c).
 *
 * Folders.  A folder being copied is a struct copy_dir with a count of
 * pending entries: the walker holds one while it lists the folder, each
 * entry inside holds one until it ends (an item when its task ends, a
 * subfolder when it ends itself).  The last release ends the folder: a
 * moved folder is removed then, and only when nothing in it failed or was
 * skipped.  So a folder is removed only once everything in it has moved,
 * though its items move on other threads and in any order.
 *
 * The journal.  Before an entry is written its decision (target path,
 * overwrite or not, the source's size, mtime and checksum) is recorded,
 * in batches, so that a resumed job (job->resuming) finds each entry's
 * row: done entries are skipped, decided targets are kept (a rename is
 * not made twice), partial writes are continued.
 *
 * Invariants: every entry visited ends in exactly one report; a source is
 * removed (move) only after its copy is verified; names read from a
 * listing are checked before they are used in a path.
 *
 * Threads: the job's walker thread; copy_dir_release() runs on whichever
 * thread ends a folder's last entry.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ferry/backend.h"
#include "ferry/entry.h"
#include "ferry/error.h"
#include "ferry/location.h"

#include "core/util.h"
#include "jobs/copy.h"
#include "jobs/transfer-int.h"

#define COPY_RENAME_MAX	1000	/* "name (1)" ... "name (999)" */
#define COPY_SHA256_HEX	64
#define COPY_BATCH	64	/* journal rows written at once */

/* A folder being copied (see the top of the file). */
struct copy_dir {
	struct transfer_job	*job;
	struct copy_dir		*parent;
	size_t			 sns;
	char			*spath;
	char			*dpath;
	char			*stext;
	unsigned		 pending;	/* (lock) */
	bool			 failed;	/* (lock) inside it */
	bool			 skipped;	/* (lock) inside it */
	bool			 reported;	/* its listing failed: said */
};

/* The walker's state. */
struct copy_walk {
	struct transfer		*t;
	struct transfer_job	*job;
	struct transfer_conns	 conns;
	struct ferry_backend	**sb;		/* per source */
	struct ferry_backend	*db;
	bool			 count;		/* totals grow as we walk */
	struct journal_item	*rows;		/* the batch */
	struct xfer_task	**tasks;	/* NULL for a folder row */
	size_t			 n, cap;
};

/* One source entry and where it goes. */
struct copy_step {
	size_t			 sns;
	struct ferry_backend	*sb;
	const char		*spath;
	const struct ferry_entry *se;
	const char		*dpath;		/* the final target path */
	struct copy_dir		*dir;		/* the folder it is in */
	char			*stext;		/* display form, journal key */
};

/* What a resumed job recorded for an entry. */
struct copy_row {
	bool			 found;
	struct journal_item	 it;
	struct ferry_arena	 a;
};

static void copy_entry(struct copy_walk *, struct copy_step *);

static const char *const copy_conflict_names[] = {
	"fail", "overwrite", "skip", "rename", "ask"
};

const char *
copy_conflict_name(enum copy_conflict c)
{
	if ((size_t)c >= FERRY_NELEM(copy_conflict_names))
		return "?";
	return copy_conflict_names[c];
}

int
copy_conflict_from_name(const char *name)
{
	size_t	i;

	for (i = 0; name != NULL && i < FERRY_NELEM(copy_conflict_names); i++)
		if (strcmp(name, copy_conflict_names[i]) == 0)
			return (int)i;
	return -1;
}

char *
copy_suffix_name(const char *name, unsigned n)
{
	const char	*dot;

	/* A leading dot starts a hidden name, not an extension. */
	dot = strrchr(name, '.');
	if (dot == NULL || dot == name)
		return xasprintf("%s (%u)", name, n);
	return xasprintf("%.*s (%u)%s", (int)(dot - name), name, n, dot);
}

bool
copy_transient(enum ferry_code code)
{
	return code == FERRY_E_NETWORK || code == FERRY_E_BUSY;
}

/* The location prefix of b ("store:", "" for local). */
static const char *
copy_label(const struct ferry_backend *b)
{
	return b->label != NULL ? b->label : "";
}

/* True when path is below (not equal to) folder dir. */
static bool
copy_is_below(const char *path, const char *dir)
{
	size_t	n;

	if (strcmp(dir, "/") == 0)
		return strcmp(path, "/") != 0;
	n = strlen(dir);
	return strncmp(path, dir, n) == 0 && path[n] == '/';
}

static bool
copy_same_ns(const struct copy_walk *w, size_t sns)
{
	return transfer_same_ns(&w->job->srcs[sns], &w->job->dst);
}

/* -------- folders in flight -------- */

static struct copy_dir *
copy_dir_new(struct copy_walk *w, const struct copy_step *st)
{
	struct copy_dir	*d;

	d = xcalloc(1, sizeof *d);
	d->job = w->job;
	d->parent = st->dir;
	d->sns = st->sns;
	d->spath = xstrdup(st->spath);
	d->dpath = xstrdup(st->dpath);
	d->stext = xstrdup(st->stext);
	d->pending = 1;		/* the walker's, while it lists */
	return d;
}

/* One more entry of d is on its way.  Takes the lock. */
static void
copy_dir_hold(struct transfer *t, struct copy_dir *d)
{
	if (d == NULL)
		return;
	pthread_mutex_lock(&t->lock);
	d->pending++;
	pthread_mutex_unlock(&t->lock);
}

static void
copy_dir_free(struct copy_dir *d)
{
	free(d->spath);
	free(d->dpath);
	free(d->stext);
	free(d);
}

/*
 * The last entry of d ended: report d, removing a moved folder.  *failed
 * and *skipped say how it ended, for its parent.
 */
static void
copy_dir_finish(struct transfer *t, struct copy_dir *d, bool in_failed,
    bool in_skipped, struct ferry_backend *sb, bool *failed, bool *skipped)
{
	struct transfer_job	*job = d->job;
	struct copy_result	 r;
	enum ferry_code		 result;
	unsigned		 attempt;
	char			*dtext;

	*failed = in_failed;
	*skipped = in_skipped;
	if (d->reported)
		return;
	memset(&r, 0, sizeof r);
	r.kind = FERRY_KIND_FOLDER;
	r.status = COPY_DONE;
	r.src = d->stext;
	dtext = ferry_location_format(&job->dst, d->dpath);
	r.dst = dtext;
	if (job->kind == TRANSFER_MOVE && in_failed) {
		r.status = COPY_FAILED;
		ferry_error_set(&r.err, FERRY_E_NOT_EMPTY, "folder kept: not "
		    "everything inside it was moved");
	} else if (job->kind == TRANSFER_MOVE && in_skipped) {
		/* what was skipped stays where it was, and so its folder */
		r.status = COPY_SKIPPED;
		ferry_error_set(&r.err, FERRY_E_NOT_EMPTY, "folder kept: "
		    "entries inside it were skipped");
	} else if (job->kind == TRANSFER_MOVE && sb == NULL) {
		r.status = COPY_FAILED;
		ferry_error_set(&r.err, FERRY_E_INTERNAL, "folder kept: its "
		    "location could not be opened to remove it");
		*failed = true;
	} else if (job->kind == TRANSFER_MOVE) {
		for (attempt = 1;; attempt++) {
			result = ferry_backend_remove(sb, d->spath, 0, &r.err);
			if (result == FERRY_OK ||
			    !transfer_walk_backoff(t, job, attempt, result))
				break;
		}
		if (result != FERRY_OK) {
			ferry_error_prefix(&r.err, "moved its contents, but "
			    "the folder was not removed");
			r.status = COPY_FAILED;
			*failed = true;
		}
	}
	transfer_report(t, job, &r, 0);
	free(dtext);
}

void
copy_dir_release(struct transfer *t, struct copy_dir *d, bool failed,
    bool skipped, struct ferry_backend *sb)
{
	struct copy_dir	*parent;
	bool		 last, in_failed, in_skipped;

	while (d != NULL) {
		pthread_mutex_lock(&t->lock);
		FERRY_ASSERT(d->pending > 0);
		d->pending--;
		d->failed |= failed;
		d->skipped |= skipped;
		last = d->pending == 0;
		in_failed = d->failed;
		in_skipped = d->skipped;
		pthread_mutex_unlock(&t->lock);
		if (!last)
			return;
		parent = d->parent;
		if (transfer_cancelled(t, d->job)) {
			/* cancelled or halted: nothing is removed or said */
			failed = true;
			skipped = false;
		} else
			copy_dir_finish(t, d, in_failed, in_skipped, sb,
			    &failed, &skipped);
		failed |= d->reported;
		copy_dir_free(d);
		d = parent;
	}
}

/* -------- reporting -------- */

/* Report how the entry of st ended, and release its folder. */
static void
copy_report(struct copy_walk *w, const struct copy_step *st,
    enum copy_status status, bool server_side, const struct ferry_error *err,
    bool earlier)
{
	struct copy_result	 r;
	char			*dtext = NULL;

	memset(&r, 0, sizeof r);
	r.status = status;
	r.kind = st->se != NULL ? st->se->kind : FERRY_KIND_ITEM;
	r.bytes = st->se != NULL && r.kind == FERRY_KIND_ITEM ?
	    st->se->size : 0;
	r.server_side = server_side;
	r.earlier = earlier;
	r.attempts = 1;
	if (err != NULL && status != COPY_DONE)
		r.err = *err;
	if (status == COPY_FAILED && r.err.code == FERRY_OK)
		r.err.code = FERRY_E_INTERNAL;
	r.src = st->stext;
	if (st->dpath != NULL)
		dtext = ferry_location_format(&w->job->dst, st->dpath);
	r.dst = dtext;
	transfer_report(w->t, w->job, &r, 0);
	free(dtext);
	copy_dir_release(w->t, st->dir, status == COPY_FAILED,
	    status == COPY_SKIPPED, st->sb);
}

static void
copy_fail(struct copy_walk *w, const struct copy_step *st,
    const struct ferry_error *err)
{
	copy_report(w, st, COPY_FAILED, false, err, false);
}

/* Skip an entry this engine does not copy (links, devices). */
static void
copy_skip(struct copy_walk *w, const struct copy_step *st, const char *why)
{
	struct ferry_error err;

	ferry_error_set(&err, FERRY_E_UNSUPPORTED, "%s", why);
	copy_report(w, st, COPY_SKIPPED, false, &err, false);
}

/* -------- the batch of journal rows and tasks -------- */

static void
copy_batch_add(struct copy_walk *w, const struct journal_item *row,
    struct xfer_task *task)
{
	if (w->n == w->cap) {
		w->cap = w->cap != 0 ? w->cap * 2 : COPY_BATCH;
		w->rows = xreallocarray(w->rows, w->cap, sizeof *w->rows);
		w->tasks = xreallocarray(w->tasks, w->cap, sizeof *w->tasks);
	}
	w->rows[w->n] = *row;
	w->tasks[w->n] = task;
	w->n++;
}

/*
 * Write the batch's rows, then queue its tasks (in that order: a task
 * may be done and freed as soon as it is queued).
 */
static void
copy_batch_flush(struct copy_walk *w)
{
	struct journal_item	*rows = NULL;
	struct xfer_task	*task;
	size_t			 i, n = 0;

	if (w->n == 0)
		return;
	for (i = 0; i < w->n; i++) {
		if (w->rows[i].src == NULL)
			continue;	/* a resumed entry: its row is there */
		rows = xreallocarray(rows, n + 1, sizeof *rows);
		rows[n++] = w->rows[i];
	}
	/* a journal that cannot be written costs resumability, not data */
	(void)journal_items_put(w->t->journal, (int64_t)w->job->id, rows, n,
	    NULL);
	free(rows);
	for (i = 0; i < w->n; i++) {
		if ((task = w->tasks[i]) == NULL)
			continue;
		if (!transfer_enqueue(w->t, task)) {
			copy_dir_release(w->t, task->dir, true, false, NULL);
			xfer_task_free(task);
		}
	}
	w->n = 0;
}

/* A journal row for the entry of st (strings borrowed from st). */
static void
copy_row_of(const struct copy_step *st, enum ferry_exists exists,
    struct journal_item *row)
{
	memset(row, 0, sizeof *row);
	row->src = st->stext;
	row->dst = st->dpath;
	row->kind = st->se->kind;
	row->state = JOURNAL_PENDING;
	row->exists = exists;
	row->size = st->se->size;
	row->mtime = st->se->modified;
	row->checksum = st->se->checksum;
}

/* Look up what an earlier run recorded for the entry (resumed jobs). */
static void
copy_row_get(struct copy_walk *w, const struct copy_step *st,
    struct copy_row *row)
{
	row->found = false;
	ferry_arena_init(&row->a);
	if (!w->job->resuming)
		return;
	row->found = journal_item_get(w->t->journal, (int64_t)w->job->id,
	    st->stext, &row->it, &row->a, NULL) == FERRY_OK &&
	    row->it.dst != NULL && row->it.dst[0] == '/';
}

/* -------- items -------- */

void
xfer_task_free(struct xfer_task *task)
{
	if (task == NULL)
		return;
	free(task->spath);
	free(task->dpath);
	free(task->stext);
	free(task->dtext);
	free(task->token);
	free(task->boot);
	free(task->then_sum);
	ferry_arena_done(&task->arena);
	free(task);
}

static struct xfer_task *
copy_task_new(struct copy_walk *w, const struct copy_step *st,
    enum ferry_exists exists, const struct copy_row *row)
{
	struct xfer_task	*task;

	task = xcalloc(1, sizeof *task);
	task->job = w->job;
	task->dir = st->dir;
	task->sns = st->sns;
	task->spath = xstrdup(st->spath);
	task->dpath = xstrdup(st->dpath);
	task->stext = xstrdup(st->stext);
	task->dtext = ferry_location_format(&w->job->dst, st->dpath);
	ferry_arena_init(&task->arena);
	ferry_entry_copy(&task->se, st->se, &task->arena);
	task->exists = exists;
	if (row != NULL && row->found) {
		task->check_target = true;
		task->token = row->it.token != NULL ?
		    xstrdup(row->it.token) : NULL;
		task->committed = row->it.committed;
		task->boot = row->it.boot != NULL ? xstrdup(row->it.boot) :
		    NULL;
		task->then_known = true;
		task->then_size = row->it.size;
		task->then_mtime = row->it.mtime;
		task->then_sum = row->it.checksum != NULL ?
		    xstrdup(row->it.checksum) : NULL;
	}
	return task;
}

/* A server-side copy or move of the entry of st, with retries. */
static enum ferry_code
copy_server_side(struct copy_walk *w, const struct copy_step *st,
    enum ferry_exists exists, struct ferry_error *err)
{
	enum ferry_code	 result;
	unsigned	 attempt;

	for (attempt = 1;; attempt++) {
		if (w->job->kind == TRANSFER_MOVE)
			result = ferry_backend_move(st->sb, st->spath,
			    st->dpath, exists, err);
		else
			result = ferry_backend_copy(st->sb, st->spath,
			    st->dpath, exists, err);
		if (result == FERRY_OK || result == FERRY_E_UNSUPPORTED ||
		    !transfer_walk_backoff(w->t, w->job, attempt, result))
			return result;
	}
}

/* Copy or move one item to st->dpath: now, or as a task. */
static void
copy_item(struct copy_walk *w, const struct copy_step *st,
    enum ferry_exists exists, const struct copy_row *row)
{
	struct journal_item	 jrow;
	struct ferry_error	 err;
	struct xfer_task	*task;
	enum ferry_code		 result;
	uint32_t		 cap;

	cap = w->job->kind == TRANSFER_MOVE ? FERRY_CAP_SERVER_MOVE :
	    FERRY_CAP_SERVER_COPY;
	if (copy_same_ns(w, st->sns) && ferry_backend_has(w->db, cap)) {
		result = copy_server_side(w, st, exists, &err);
		if (result == FERRY_OK) {
			copy_report(w, st, COPY_DONE, true, NULL, false);
			return;
		}
		if (result != FERRY_E_UNSUPPORTED) {
			copy_fail(w, st, &err);
			return;
		}
		/* e.g. a rename across filesystems: stream instead */
	}
	task = copy_task_new(w, st, exists, row);
	if (row != NULL && row->found)
		memset(&jrow, 0, sizeof jrow);	/* its row is there */
	else {
		/* the batch outlives st: borrow the task's strings */
		copy_row_of(st, exists, &jrow);
		jrow.src = task->stext;
		jrow.dst = task->dpath;
		jrow.checksum = task->se.checksum;
	}
	copy_batch_add(w, &jrow, task);
	if (w->n >= COPY_BATCH)
		copy_batch_flush(w);
}

/* -------- folders -------- */

/* Create the target folder with the attributes both ends support. */
static enum ferry_code
copy_mkdir(struct copy_walk *w, const struct copy_step *st,
    struct ferry_error *err)
{
	struct ferry_mkdir_opts mo;
	const struct ferry_entry *se = st->se;
	enum ferry_code	 result;
	unsigned	 attempt;

	memset(&mo, 0, sizeof mo);
	if (ferry_backend_has(w->db, FERRY_CAP_DESCRIPTION) &&
	    se->description != NULL && *se->description != '\0')
		mo.description = se->description;
	if (ferry_backend_has(st->sb, FERRY_CAP_METADATA) &&
	    ferry_backend_has(w->db, FERRY_CAP_METADATA))
		mo.metadata = se->metadata;
	if (ferry_backend_has(st->sb, FERRY_CAP_TAGS) &&
	    ferry_backend_has(w->db, FERRY_CAP_TAGS))
		mo.tags = se->tags;
	for (attempt = 1;; attempt++) {
		result = ferry_backend_mkdir(w->db, st->dpath, &mo, NULL,
		    NULL, err);
		if (result == FERRY_OK ||
		    !transfer_walk_backoff(w->t, w->job, attempt, result))
			return result;
	}
}

/*
 * Why a child found in a listing is not copied, or NULL.  Links named on
 * the command line are followed; links met inside a tree are not when
 * they lead to a folder (loops, escapes), nor when they lead nowhere.
 */
static const char *
copy_child_skip(const struct ferry_entry *e)
{
	if (!(e->flags & FERRY_ENTRY_SYMLINK))
		return NULL;
	if (e->kind == FERRY_KIND_FOLDER)
		return "symbolic link to a folder, not followed";
	if (e->flags & FERRY_ENTRY_NO_SIZE)
		return "dangling symbolic link";
	return NULL;
}

/* One page of a listing, with retries. */
static enum ferry_code
copy_list(struct copy_walk *w, const struct copy_step *st,
    struct ferry_query *q, struct ferry_page *page, struct ferry_error *err)
{
	enum ferry_code	 result;
	unsigned	 attempt;

	for (attempt = 1;; attempt++) {
		ferry_page_init(page);
		result = ferry_backend_list(st->sb, st->spath, q, page, err);
		if (result == FERRY_OK)
			return FERRY_OK;
		ferry_page_done(page);
		if (!transfer_walk_backoff(w->t, w->job, attempt, result))
			return result;
	}
}

/* Walk one child entry e of the folder of st (node d). */
static void
copy_child(struct copy_walk *w, const struct copy_step *st,
    struct copy_dir *d, const struct ferry_entry *e)
{
	struct copy_step	 child;
	struct ferry_error	 err;
	char			*spath, *dpath;

	spath = ferry_path_join(st->spath, e->name);
	dpath = ferry_path_join(st->dpath, e->name);
	child = *st;
	child.spath = spath;
	child.se = e;
	child.dpath = dpath;
	child.dir = d;
	child.stext = ferry_location_format(&w->job->srcs[st->sns], spath);
	copy_dir_hold(w->t, d);
	if (ferry_name_check(e->name, strlen(e->name), &err) != FERRY_OK) {
		child.dpath = NULL;
		copy_fail(w, &child, &err);
	} else if (copy_child_skip(e) != NULL) {
		child.dpath = NULL;
		copy_skip(w, &child, copy_child_skip(e));
	} else
		copy_entry(w, &child);
	free(child.stext);
	free(dpath);
	free(spath);
}

/* Walk every child of the folder of st (node d), a page at a time. */
static void
copy_children(struct copy_walk *w, const struct copy_step *st,
    struct copy_dir *d)
{
	struct ferry_query	 q;
	struct ferry_page	 page;
	struct ferry_error	 err;
	char			*cursor = NULL;
	size_t			 i;

	ferry_query_init(&q);	/* the backend's own page size */
	do {
		q.cursor = cursor;
		if (copy_list(w, st, &q, &page, &err) != FERRY_OK) {
			free(cursor);
			if (!transfer_halted(w->job)) {
				/*
				 * Said now, so the folder ends quietly; it
				 * keeps its hold on its own folder until
				 * then.
				 */
				copy_dir_hold(w->t, st->dir);
				copy_report(w, st, COPY_FAILED, false, &err,
				    false);
				d->reported = true;
			}
			return;
		}
		free(cursor);
		cursor = NULL;
		for (i = 0; i < page.n && transfer_gate(w->t, w->job); i++)
			copy_child(w, st, d, &page.v[i]);
		copy_batch_flush(w);
		if (page.next_cursor != NULL && i == page.n)
			cursor = xstrdup(page.next_cursor);
		ferry_page_done(&page);
	} while (cursor != NULL);
}

/*
 * Copy or move a folder to st->dpath; merge into an existing folder when
 * `merge`.  The folder ends when its last entry does (copy_dir_release).
 */
static void
copy_folder(struct copy_walk *w, const struct copy_step *st, bool merge,
    const struct copy_row *row)
{
	struct journal_item	 jrow;
	struct ferry_error	 err;
	struct copy_dir		*d;
	enum ferry_code		 result;
	uint32_t		 cap;

	cap = w->job->kind == TRANSFER_MOVE ? FERRY_CAP_SERVER_MOVE :
	    FERRY_CAP_SERVER_COPY;
	if (!merge && copy_same_ns(w, st->sns) &&
	    ferry_backend_has(w->db, cap)) {
		result = copy_server_side(w, st, FERRY_EXISTS_FAIL, &err);
		if (result == FERRY_OK) {
			copy_report(w, st, COPY_DONE, true, NULL, false);
			return;
		}
		if (result != FERRY_E_UNSUPPORTED) {
			copy_fail(w, st, &err);
			return;
		}
	}
	/* the decision is recorded before the folder is made */
	if (row == NULL || !row->found) {
		copy_row_of(st, FERRY_EXISTS_FAIL, &jrow);
		copy_batch_add(w, &jrow, NULL);
	}
	copy_batch_flush(w);
	if (!merge && (result = copy_mkdir(w, st, &err)) != FERRY_OK) {
		copy_fail(w, st, &err);
		return;
	}
	d = copy_dir_new(w, st);
	copy_children(w, st, d);
	copy_batch_flush(w);
	copy_dir_release(w->t, d, false, false, st->sb);
}

/* -------- decisions -------- */

/* Find a free "name (n).ext" next to st->dpath; *out is malloc'd. */
static enum ferry_code
copy_free_name(struct copy_walk *w, const struct copy_step *st, char **out,
    struct ferry_error *err)
{
	struct ferry_entry	 e;
	struct ferry_arena	 a;
	enum ferry_code		 result = FERRY_E_EXISTS;
	char			*parent, *name, *path;
	unsigned		 n;

	*out = NULL;
	parent = ferry_path_parent(st->dpath);
	ferry_arena_init(&a);
	for (n = 1; n < COPY_RENAME_MAX; n++) {
		name = copy_suffix_name(ferry_path_base(st->dpath), n);
		path = ferry_path_join(parent, name);
		result = ferry_name_check(name, strlen(name), err);
		free(name);
		if (result == FERRY_OK)
			result = ferry_backend_stat(w->db, path, &e, &a, err);
		if (result == FERRY_E_NOT_FOUND) {
			*out = path;
			result = FERRY_OK;
			break;
		}
		free(path);
		if (result != FERRY_OK)
			break;
		result = FERRY_E_EXISTS;
	}
	if (result == FERRY_E_EXISTS)
		ferry_error_set(err, result, "%s%s exists, and so do %u "
		    "renamed copies", copy_label(w->db), st->dpath,
		    COPY_RENAME_MAX - 1);
	ferry_arena_done(&a);
	free(parent);
	return result;
}

/* What to do at a target that exists. */
enum copy_action {
	COPY_ACT_WRITE,		/* write (create, or overwrite an item) */
	COPY_ACT_MERGE,		/* folder onto folder */
	COPY_ACT_RENAME,
	COPY_ACT_SKIP,
	COPY_ACT_FAIL,
	COPY_ACT_STOP,		/* the job was cancelled meanwhile */
};

/* Ask the front end about an existing target; the policy to apply. */
static enum copy_conflict
copy_ask(struct copy_walk *w, const struct copy_step *st,
    const struct ferry_entry *te)
{
	struct transfer_event	*ev;
	enum transfer_answer	 a;

	ev = xcalloc(1, sizeof *ev);
	ev->type = TRANSFER_EV_ASK;
	ev->job = w->job->id;
	ev->src = xstrdup(st->stext);
	ev->dst = ferry_location_format(&w->job->dst, st->dpath);
	ev->src_folder = st->se->kind == FERRY_KIND_FOLDER;
	ev->dst_folder = te->kind == FERRY_KIND_FOLDER;
	ev->src_size = st->se->size;
	ev->dst_size = te->size;
	ev->src_mtime = st->se->modified;
	ev->dst_mtime = te->modified;
	a = transfer_ask(w->t, w->job, ev);
	switch (a) {
	case TRANSFER_ANSWER_OVERWRITE_ALL:
		w->job->conflict = COPY_CONFLICT_OVERWRITE;
		/* FALLTHROUGH */
	case TRANSFER_ANSWER_OVERWRITE:
		return COPY_CONFLICT_OVERWRITE;
	case TRANSFER_ANSWER_SKIP_ALL:
		w->job->conflict = COPY_CONFLICT_SKIP;
		/* FALLTHROUGH */
	case TRANSFER_ANSWER_SKIP:
		return COPY_CONFLICT_SKIP;
	case TRANSFER_ANSWER_RENAME_ALL:
		w->job->conflict = COPY_CONFLICT_RENAME;
		/* FALLTHROUGH */
	case TRANSFER_ANSWER_RENAME:
		return COPY_CONFLICT_RENAME;
	default:
		(void)transfer_cancel(w->t, w->job->id, NULL);
		return COPY_CONFLICT_ASK;
	}
}

static enum copy_action
copy_decide(struct copy_walk *w, const struct copy_step *st,
    const struct ferry_entry *te, struct ferry_error *err)
{
	enum copy_conflict	 policy = w->job->conflict;
	bool			 same, src_folder, dst_folder;
	const char		*label = copy_label(w->db);

	same = copy_same_ns(w, st->sns) && strcmp(st->spath, st->dpath) == 0;
	src_folder = st->se->kind == FERRY_KIND_FOLDER;
	dst_folder = te->kind == FERRY_KIND_FOLDER;
	if (src_folder && dst_folder && (te->flags & FERRY_ENTRY_SYMLINK) &&
	    policy != COPY_CONFLICT_RENAME && policy != COPY_CONFLICT_SKIP) {
		ferry_error_set(err, FERRY_E_PERMISSION, "%s%s is a symbolic "
		    "link; ferry does not write through links inside a "
		    "target", label, st->dpath);
		return COPY_ACT_FAIL;
	}
	if (policy == COPY_CONFLICT_ASK && !same &&
	    !(src_folder && dst_folder)) {
		policy = copy_ask(w, st, te);
		if (policy == COPY_CONFLICT_ASK)
			return COPY_ACT_STOP;
	}
	if (policy == COPY_CONFLICT_RENAME)
		return COPY_ACT_RENAME;
	if (same && policy != COPY_CONFLICT_SKIP) {
		ferry_error_set(err, FERRY_E_CONFLICT, "%s%s: source and "
		    "destination are the same", label, st->dpath);
		return COPY_ACT_FAIL;
	}
	/* Folders merge, so that skip can resume an interrupted copy. */
	if (src_folder && dst_folder && !same)
		return COPY_ACT_MERGE;
	if (policy == COPY_CONFLICT_SKIP) {
		ferry_error_set(err, FERRY_E_EXISTS, "%s%s exists", label,
		    st->dpath);
		return COPY_ACT_SKIP;
	}
	if (dst_folder) {
		ferry_error_set(err, FERRY_E_IS_FOLDER, "%s%s exists and is a "
		    "folder", label, st->dpath);
		return COPY_ACT_FAIL;
	}
	if (src_folder) {
		ferry_error_set(err, FERRY_E_EXISTS, "%s%s exists and is not a "
		    "folder", label, st->dpath);
		return COPY_ACT_FAIL;
	}
	if (policy == COPY_CONFLICT_OVERWRITE)
		return COPY_ACT_WRITE;
	ferry_error_set(err, FERRY_E_EXISTS, "%s%s exists", label, st->dpath);
	return COPY_ACT_FAIL;
}

/* Stat the target, with retries. */
static enum ferry_code
copy_stat_target(struct copy_walk *w, const char *path,
    struct ferry_entry *te, struct ferry_arena *a, struct ferry_error *err)
{
	enum ferry_code	 result;
	unsigned	 attempt;

	for (attempt = 1;; attempt++) {
		result = ferry_backend_stat(w->db, path, te, a, err);
		if (result == FERRY_OK || result == FERRY_E_NOT_FOUND ||
		    !transfer_walk_backoff(w->t, w->job, attempt, result))
			return result;
	}
}

/* An entry an earlier run of the job finished: count it, say nothing. */
static bool
copy_earlier(struct copy_walk *w, struct copy_step *st,
    const struct copy_row *row)
{
	if (!row->found || st->se->kind != FERRY_KIND_ITEM)
		return false;
	if (row->it.state == JOURNAL_DONE && w->job->kind != TRANSFER_MOVE) {
		copy_report(w, st, COPY_DONE, false, NULL, true);
		return true;
	}
	if (row->it.state == JOURNAL_SKIPPED) {
		struct ferry_error err;

		ferry_error_set(&err, FERRY_E_EXISTS, "%s", row->it.error !=
		    NULL ? row->it.error : "skipped by an earlier run");
		copy_report(w, st, COPY_SKIPPED, false, &err, true);
		return true;
	}
	return false;
}

/* Copy the entry of st to st->dpath. */
static void
copy_entry(struct copy_walk *w, struct copy_step *st)
{
	struct ferry_entry	 te;
	struct ferry_arena	 a;
	struct ferry_error	 err;
	struct copy_row		 row;
	enum ferry_code		 result;
	enum copy_action	 act = COPY_ACT_WRITE;
	enum ferry_exists	 exists = FERRY_EXISTS_FAIL;
	char			*renamed = NULL;
	bool			 taken = false;

	if (st->se->flags & FERRY_ENTRY_SPECIAL) {
		copy_skip(w, st, "not a regular file or folder");
		return;
	}
	if (st->se->kind == FERRY_KIND_FOLDER && copy_same_ns(w, st->sns) &&
	    copy_is_below(st->dpath, st->spath)) {
		ferry_error_set(&err, FERRY_E_CONFLICT, "cannot %s folder "
		    "%s%s into itself", w->job->kind == TRANSFER_MOVE ?
		    "move" : "copy", copy_label(st->sb), st->spath);
		copy_fail(w, st, &err);
		return;
	}
	copy_row_get(w, st, &row);
	if (copy_earlier(w, st, &row)) {
		ferry_arena_done(&row.a);
		return;
	}
	if (row.found)
		st->dpath = row.it.dst;	/* decided before: keep it */
	if (w->count && st->se->kind == FERRY_KIND_ITEM)
		transfer_totals(w->t, w->job, st->se->size, 1, false);

	ferry_arena_init(&a);
	result = copy_stat_target(w, st->dpath, &te, &a, &err);
	if (result == FERRY_OK) {
		taken = true;
		if (row.found)
			act = te.kind == FERRY_KIND_FOLDER &&
			    st->se->kind == FERRY_KIND_FOLDER ?
			    COPY_ACT_MERGE : COPY_ACT_WRITE;
		else
			act = copy_decide(w, st, &te, &err);
		if (act == COPY_ACT_RENAME)
			result = copy_free_name(w, st, &renamed, &err);
	} else if (result == FERRY_E_NOT_FOUND)
		result = FERRY_OK;
	ferry_arena_done(&a);
	if (act == COPY_ACT_STOP) {
		/* cancelled: its folder ends quietly */
		copy_dir_release(w->t, st->dir, true, false, NULL);
		goto out;
	}
	if (result != FERRY_OK || act == COPY_ACT_FAIL) {
		copy_fail(w, st, &err);
		goto out;
	}
	if (act == COPY_ACT_SKIP) {
		copy_report(w, st, COPY_SKIPPED, false, &err, false);
		goto out;
	}
	if (renamed != NULL)
		st->dpath = renamed;
	else if (row.found)
		exists = row.it.exists;
	else if (taken && act == COPY_ACT_WRITE)
		exists = FERRY_EXISTS_OVERWRITE;
	if (st->se->kind == FERRY_KIND_FOLDER)
		copy_folder(w, st, act == COPY_ACT_MERGE, &row);
	else
		copy_item(w, st, exists, &row);
out:
	free(renamed);
	ferry_arena_done(&row.a);
}

/* -------- the job -------- */

/*
 * Where the sources go: *inside is true when the destination is an
 * existing folder; otherwise there must be one source and the
 * destination's parent must be a folder.
 */
static enum ferry_code
copy_resolve_dest(struct copy_walk *w, bool *inside, struct ferry_error *err)
{
	struct ferry_location	*dl = &w->job->dst;
	struct ferry_entry	 e;
	struct ferry_arena	 a;
	enum ferry_code		 result;
	char			*disp, *parent = NULL;
	const char		*label = copy_label(w->db);

	*inside = false;
	disp = ferry_location_format(dl, dl->path);
	ferry_arena_init(&a);
	result = copy_stat_target(w, dl->path, &e, &a, err);
	if (result == FERRY_OK && e.kind == FERRY_KIND_FOLDER) {
		*inside = true;
		goto out;
	}
	if (result != FERRY_OK && result != FERRY_E_NOT_FOUND)
		goto out;
	if (w->job->nsrcs > 1) {
		result = ferry_error_set(err, result == FERRY_OK ?
		    FERRY_E_NOT_FOLDER : FERRY_E_NOT_FOUND, "%s is not an "
		    "existing folder; several sources need one", disp);
		goto out;
	}
	if (result == FERRY_OK)
		goto out;	/* an item: the conflict policy decides */
	parent = ferry_path_parent(dl->path);
	result = copy_stat_target(w, parent, &e, &a, err);
	if (result == FERRY_OK && e.kind != FERRY_KIND_FOLDER)
		result = ferry_error_set(err, FERRY_E_NOT_FOLDER, "%s: %s%s "
		    "is not a folder", disp, label, parent);
	else if (result == FERRY_E_NOT_FOUND)
		result = ferry_error_set(err, result, "%s: its parent folder "
		    "%s%s does not exist", disp, label, parent);
out:
	ferry_arena_done(&a);
	free(parent);
	free(disp);
	return result;
}

/* Copy source number i. */
static void
copy_source(struct copy_walk *w, size_t i, bool inside)
{
	struct ferry_location	*sl = &w->job->srcs[i];
	struct copy_step	 st;
	struct ferry_entry	 se;
	struct ferry_arena	 a;
	struct ferry_error	 err;
	const char		*base;
	char			*target = NULL;

	memset(&st, 0, sizeof st);
	st.sns = i;
	st.sb = w->sb[i];
	st.spath = sl->path;
	st.stext = ferry_location_format(sl, sl->path);
	ferry_arena_init(&a);
	if (ferry_backend_stat(st.sb, st.spath, &se, &a, &err) != FERRY_OK) {
		copy_fail(w, &st, &err);
		goto out;
	}
	st.se = &se;
	if (!inside) {
		st.dpath = w->job->dst.path;
		copy_entry(w, &st);
		goto out;
	}
	base = ferry_path_base(st.spath);
	if (*base == '\0') {
		ferry_error_set(&err, FERRY_E_INVALID_NAME, "the root folder "
		    "has no name to copy under; name a new destination");
		copy_fail(w, &st, &err);
		goto out;
	}
	if (ferry_name_check(base, strlen(base), &err) != FERRY_OK) {
		copy_fail(w, &st, &err);
		goto out;
	}
	target = ferry_path_join(w->job->dst.path, base);
	st.dpath = target;
	copy_entry(w, &st);
out:
	copy_batch_flush(w);
	free(target);
	free(st.stext);
	ferry_arena_done(&a);
}

/* Count what the sources hold, when the backends can tell cheaply. */
static void
copy_count(struct copy_walk *w)
{
	struct ferry_summary	 sum;
	struct ferry_entry	 e;
	struct ferry_arena	 a;
	uint64_t		 bytes = 0, items = 0;
	size_t			 i;
	bool			 known = true;

	ferry_arena_init(&a);
	for (i = 0; i < w->job->nsrcs && known; i++) {
		const char *path = w->job->srcs[i].path;

		if (ferry_backend_stat(w->sb[i], path, &e, &a, NULL) !=
		    FERRY_OK)
			continue;	/* the walk reports it */
		if (e.kind != FERRY_KIND_FOLDER) {
			bytes += e.size;
			items++;
		} else if (ferry_backend_summary(w->sb[i], path, &sum,
		    NULL) == FERRY_OK) {
			bytes += sum.bytes;
			items += sum.items;
		} else
			known = false;
	}
	ferry_arena_done(&a);
	w->count = !known;
	transfer_totals(w->t, w->job, known ? bytes : 0, known ? items : 0,
	    known);
}

/* A delete job: remove each source, recursively. */
static void
copy_delete(struct copy_walk *w)
{
	struct copy_step	 st;
	struct ferry_entry	 se;
	struct ferry_arena	 a;
	struct ferry_error	 err;
	enum ferry_code		 result;
	unsigned		 attempt;
	size_t			 i;

	transfer_totals(w->t, w->job, 0, w->job->nsrcs, true);
	for (i = 0; i < w->job->nsrcs && transfer_gate(w->t, w->job); i++) {
		memset(&st, 0, sizeof st);
		st.sns = i;
		st.sb = w->sb[i];
		st.spath = w->job->srcs[i].path;
		st.stext = ferry_location_format(&w->job->srcs[i], st.spath);
		ferry_arena_init(&a);
		result = ferry_backend_stat(st.sb, st.spath, &se, &a, &err);
		if (result == FERRY_OK) {
			st.se = &se;
			for (attempt = 1;; attempt++) {
				result = ferry_backend_remove(st.sb, st.spath,
				    FERRY_REMOVE_RECURSIVE, &err);
				if (result == FERRY_OK ||
				    !transfer_walk_backoff(w->t, w->job, attempt,
				    result))
					break;
			}
		}
		if (result == FERRY_OK)
			copy_report(w, &st, COPY_DONE, true, NULL, false);
		else
			copy_fail(w, &st, &err);
		free(st.stext);
		ferry_arena_done(&a);
	}
}

/* Open the backends of the job; a failure fails the job. */
static enum ferry_code
copy_open(struct copy_walk *w, struct ferry_error *err)
{
	enum ferry_code	 result;
	size_t		 i;

	w->sb = xcalloc(w->job->nsrcs, sizeof *w->sb);
	if (w->job->has_dst && (result = transfer_conn(&w->conns, w->job,
	    &w->job->dst, &w->db, err)) != FERRY_OK) {
		ferry_error_prefix(err, "%s", w->job->to);
		return result;
	}
	if (w->db != NULL)
		w->db->cancel = &w->job->halt;
	for (i = 0; i < w->job->nsrcs; i++) {
		result = transfer_conn(&w->conns, w->job, &w->job->srcs[i],
		    &w->sb[i], err);
		if (result != FERRY_OK) {
			if (strstr(err->msg, w->job->srcs[i].path) == NULL)
				ferry_error_prefix(err, "%s",
				    w->job->srcs[i].text);
			return result;
		}
		w->sb[i]->cancel = &w->job->halt;
	}
	return FERRY_OK;
}

void *
copy_walker_main(void *arg)
{
	struct transfer_job	*job = arg;
	struct copy_walk	 w;
	struct ferry_error	 err;
	bool			 inside;
	size_t			 i;

	memset(&w, 0, sizeof w);
	w.t = job->t;
	w.job = job;
	ferry_error_clear(&err);
	(void)journal_job_mark(w.t->journal, (int64_t)job->id, "running",
	    NULL);
	if (copy_open(&w, &err) != FERRY_OK) {
		transfer_job_error(w.t, job, &err);
		goto out;
	}
	if (job->kind == TRANSFER_DELETE) {
		copy_delete(&w);
		goto out;
	}
	copy_count(&w);
	if (copy_resolve_dest(&w, &inside, &err) != FERRY_OK) {
		if (!transfer_halted(job))
			transfer_job_error(w.t, job, &err);
		goto out;
	}
	for (i = 0; i < job->nsrcs && transfer_gate(w.t, job); i++)
		copy_source(&w, i, inside);
out:
	copy_batch_flush(&w);
	free(w.rows);
	free(w.tasks);
	free(w.sb);
	transfer_conns_close(&w.conns);
	transfer_walker_done(w.t, job);
	return NULL;
}
