/* SPDX-License-Identifier: MIT */
/*
 * Operations that change a folder: mkdir (F7), rename (F2, Shift-F6) and
 * delete (F8).  Each opens a dialog; its answer sends requests to the
 * worker; the results come back as DONE events, are counted in app->op,
 * and when the last one is in, the message line says what happened and
 * every pane showing the folder reloads.  One failed item does not stop
 * the others.
 *
 * Delete asks once; each folder that turns out not to be empty is
 * collected (with what it holds, from the backend's summary) and the user
 * is asked again before those are removed recursively.
 *
 * One operation runs at a time (app->op); another key says to wait.
 * UI thread only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "ferry/location.h"
#include "tui/draw.h"
#include "tui/tui-int.h"

void
tui_op_done(struct tui_op *op)
{
	size_t	 i;

	free(op->folder);
	free(op->first_error);
	free(op->select);
	free(op->what);
	for (i = 0; i < op->nagain; i++)
		free(op->again[i]);
	free(op->again);
	memset(op, 0, sizeof *op);
}

static bool
tui_op_busy(struct app *app)
{
	if (app->op.op == 0)
		return false;
	tui_message(app, false, "Busy: wait for the %s to finish.",
	    worker_op_name(app->op.op));
	return true;
}

static struct pane *
tui_op_pane(struct app *app)
{
	return &app->panes[app->active];
}

static void
tui_op_begin(struct app *app, enum worker_op op, const char *what)
{
	struct pane	*p = tui_op_pane(app);

	tui_op_done(&app->op);
	app->op.op = op;
	app->op.pane = app->active;
	app->op.folder = xstrdup(p->label);
	app->op.what = xstrdup(what);
}

/* Send one request of the current op for path (name: RENAME's). */
static void
tui_op_send(struct app *app, const char *path, const char *name,
    uint32_t flags)
{
	struct pane		*p = &app->panes[app->op.pane];
	struct worker_req	*r;

	r = worker_req_new(app->op.op, p->id, p->gen, &p->loc, path);
	r->name = name != NULL ? xstrdup(name) : NULL;
	r->flags = flags;
	app->op.pending++;
	app->op.total++;
	worker_submit(app->worker, r);
}

void
tui_op_mkdir(struct app *app)
{
	struct pane	*p = tui_op_pane(app);
	char		*prompt;

	if (tui_op_busy(app))
		return;
	prompt = xasprintf("New folder in %s:", p->crumb != NULL ?
	    p->crumb : p->label);
	app->dialog = dialog_input(TUI_ACT_MKDIR, "Make folder", prompt, "");
	free(prompt);
}

void
tui_op_rename(struct app *app)
{
	struct pane		*p = tui_op_pane(app);
	struct ferry_entry	*e = pane_current(p);
	char			*prompt;

	if (tui_op_busy(app))
		return;
	if (e == NULL) {
		tui_message(app, false, "Nothing to rename here.");
		return;
	}
	prompt = xasprintf("Rename %s to:", e->name);
	app->dialog = dialog_input(TUI_ACT_RENAME, "Rename", prompt, e->name);
	free(prompt);
	free(app->target);
	app->target = xstrdup(e->name);
}

void
tui_op_delete(struct app *app)
{
	struct pane		*p = tui_op_pane(app);
	struct ferry_entry	*e = pane_current(p);
	char			*q, sz[32];

	if (tui_op_busy(app))
		return;
	if (p->nmarked > 0) {
		draw_size(p->marked_bytes, sz, sizeof sz);
		q = xasprintf("Delete %zu marked entr%s (%s in items)?",
		    p->nmarked, p->nmarked == 1 ? "y" : "ies", sz);
	} else if (e != NULL) {
		q = xasprintf("Delete the %s %s?",
		    e->kind == FERRY_KIND_FOLDER ? "folder" : "item", e->name);
		free(app->target);
		app->target = xstrdup(e->name);
	} else {
		tui_message(app, false, "Nothing to delete here.");
		return;
	}
	app->dialog = dialog_confirm(TUI_ACT_DELETE, "Delete", q, NULL);
	free(q);
}

static void
tui_op_start_mkdir(struct app *app, const char *name)
{
	struct pane	*p = tui_op_pane(app);
	char		*path;

	if (name[0] == '\0') {
		tui_message(app, false, "No folder made: the name is empty.");
		return;
	}
	tui_op_begin(app, WORKER_MKDIR, name);
	app->op.select = xstrdup(name);
	path = ferry_path_join(p->path, name);
	tui_op_send(app, path, NULL, 0);
	free(path);
}

static void
tui_op_start_rename(struct app *app, const char *name)
{
	struct pane	*p = tui_op_pane(app);
	char		*path;

	if (app->target == NULL)
		return;
	if (strcmp(app->target, name) == 0) {
		tui_message(app, false, "Not renamed: the name is the same.");
		return;
	}
	tui_op_begin(app, WORKER_RENAME, app->target);
	app->op.select = xstrdup(name);
	path = ferry_path_join(p->path, app->target);
	tui_op_send(app, path, name, 0);
	free(path);
}

static void
tui_op_start_delete(struct app *app)
{
	struct pane		*p = tui_op_pane(app);
	struct ferry_entry_list	 marked;
	size_t			 i;
	char			*path, *what;

	if (p->nmarked > 0) {
		ferry_entry_list_init(&marked);
		pane_marked(p, &marked);
		what = xasprintf("%zu entr%s", marked.n,
		    marked.n == 1 ? "y" : "ies");
		tui_op_begin(app, WORKER_REMOVE, what);
		free(what);
		for (i = 0; i < marked.n; i++) {
			path = pane_entry_path(p, &marked.v[i]);
			tui_op_send(app, path, NULL, WORKER_F_SUMMARY);
			free(path);
		}
		ferry_entry_list_done(&marked);
		return;
	}
	if (app->target == NULL)
		return;
	tui_op_begin(app, WORKER_REMOVE, app->target);
	path = ferry_path_join(p->path, app->target);
	tui_op_send(app, path, NULL, WORKER_F_SUMMARY);
	free(path);
}

static void
tui_op_start_again(struct app *app)
{
	char	**again = app->op.again;
	size_t	 n = app->op.nagain, i;

	app->op.again = NULL;
	app->op.nagain = 0;
	app->op.total -= n;	/* they are counted again now */
	for (i = 0; i < n; i++) {
		tui_op_send(app, again[i], NULL, WORKER_F_RECURSIVE);
		free(again[i]);
	}
	free(again);
}

void
tui_op_dialog_done(struct app *app, struct dialog *d, bool ok)
{
	int	 action = d->action;
	char	*value = xstrdup(dialog_value(d));

	app->dialog = NULL;
	if (action == TUI_ACT_DELETE_AGAIN && !ok) {
		/* What was not empty stays: finish the op as it stands. */
		app->op.kept = app->op.nagain;
		tui_op_event(app, NULL);
	} else if (ok) {
		switch (action) {
		case TUI_ACT_MKDIR:
			tui_op_start_mkdir(app, value);
			break;
		case TUI_ACT_RENAME:
			tui_op_start_rename(app, value);
			break;
		case TUI_ACT_DELETE:
			tui_op_start_delete(app);
			break;
		case TUI_ACT_DELETE_AGAIN:
			tui_op_start_again(app);
			break;
		}
	}
	dialog_free(d);
	free(value);
	free(app->target);
	app->target = NULL;
}

/* Ask about the folders that were not empty. */
static void
tui_op_ask_again(struct app *app)
{
	struct tui_op	*op = &app->op;
	char		*q, *detail = NULL, sz[32];

	if (op->nagain == 1)
		q = xasprintf("The folder %s is not empty. Delete it and "
		    "everything in it?", ferry_path_base(op->again[0]));
	else
		q = xasprintf("%zu folders are not empty. Delete them and "
		    "everything in them?", op->nagain);
	if (op->again_sum_known) {
		if (op->again_sum.bytes < 1024)
			snprintf(sz, sizeof sz, "%llu bytes",
			    (unsigned long long)op->again_sum.bytes);
		else
			draw_size(op->again_sum.bytes, sz, sizeof sz);
		detail = xasprintf("%s %llu item%s, %llu folder%s, %s.",
		    op->nagain == 1 ? "It holds" : "They hold",
		    (unsigned long long)op->again_sum.items,
		    op->again_sum.items == 1 ? "" : "s",
		    (unsigned long long)op->again_sum.folders,
		    op->again_sum.folders == 1 ? "" : "s", sz);
	}
	app->dialog = dialog_confirm(TUI_ACT_DELETE_AGAIN, "Delete", q,
	    detail);
	free(q);
	free(detail);
}

/* Count one result into the op. */
static void
tui_op_count(struct tui_op *op, struct worker_event *ev)
{
	op->pending--;
	if (ev->op == WORKER_REMOVE && ev->code == FERRY_E_NOT_EMPTY) {
		op->again = xreallocarray(op->again, op->nagain + 1,
		    sizeof *op->again);
		op->again[op->nagain++] = xstrdup(ev->path);
		if (ev->has_summary) {
			op->again_sum_known = op->nagain == 1 ||
			    op->again_sum_known;
			op->again_sum.bytes += ev->summary.bytes;
			op->again_sum.items += ev->summary.items;
			op->again_sum.folders += ev->summary.folders;
		} else
			op->again_sum_known = false;
		return;
	}
	if (ev->code == FERRY_OK) {
		op->ok++;
		return;
	}
	op->failed++;
	if (op->first_error == NULL)
		op->first_error = xstrdup(ev->err.msg[0] != '\0' ?
		    ev->err.msg : ferry_strerror(ev->code));
}

static void
tui_op_report(struct app *app)
{
	struct tui_op	*op = &app->op;
	const char	*verb;

	verb = op->op == WORKER_MKDIR ? "Made the folder" :
	    op->op == WORKER_RENAME ? "Renamed" : "Deleted";
	if (op->kept > 0)
		tui_message(app, op->failed > 0, "Deleted %zu of %zu; kept %zu "
		    "folder%s that %s not empty%s%s.", op->ok, op->total,
		    op->kept, op->kept == 1 ? "" : "s",
		    op->kept == 1 ? "was" : "were",
		    op->failed > 0 ? "; failed: " : "",
		    op->failed > 0 ? op->first_error : "");
	else if (op->failed == 0 && op->op == WORKER_RENAME)
		tui_message(app, false, "Renamed %s to %s.", op->what,
		    op->select);
	else if (op->failed == 0)
		tui_message(app, false, "%s %s.", verb, op->what);
	else if (op->total == 1)
		tui_message(app, true, "%s", op->first_error);
	else
		tui_message(app, true, "%s %zu of %zu; %zu failed: %s", verb,
		    op->ok, op->total, op->failed, op->first_error);
}

void
tui_op_event(struct app *app, struct worker_event *ev)
{
	struct tui_op	*op = &app->op;
	struct pane	*p;
	int		 i;

	if (op->op == 0)
		return;
	if (ev != NULL)
		tui_op_count(op, ev);
	if (op->pending > 0)
		return;
	if (op->nagain > 0 && op->kept == 0) {
		tui_op_ask_again(app);
		return;
	}
	tui_op_report(app);
	for (i = 0; i < TUI_PANES; i++) {
		p = &app->panes[i];
		if (strcmp(p->label, op->folder) != 0)
			continue;
		if (op->select != NULL && op->failed == 0) {
			pane_load(p, app->worker, p->path, op->select, true);
		} else
			pane_reload(p, app->worker);
	}
	tui_op_done(op);
}
