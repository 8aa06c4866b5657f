/* SPDX-License-Identifier: MIT */
/*
 * Bookmarks in the browser: B saves the active pane's folder under a name
 * (a dialog; the folder's name is offered), b opens the list: Enter (or
 * a double click) takes the active pane there, d deletes the bookmark
 * picked, Esc closes.  The file (bookmarks.h) is read again before each
 * change and written at once, so two browsers do not undo each other's
 * bookmarks.
 *
 * Hostile names.  A location is kept as its text, which ferry reads back
 * with ferry_location_parse(); one that does not read back to the same
 * place is refused when saving, with the reason.  Names and locations
 * may hold any byte but NUL (the file escapes what it must); the list
 * draws them through draw.h, escapes visible.
 *
 * UI thread only.  Reading and writing a small local file is the one
 * piece of I/O done here rather than on the worker, as for the config.
 */
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "ferry/location.h"
#include "tui/draw.h"
#include "tui/tui-int.h"

#define TUI_BM_NAME_COLS 24	/* the widest the name column gets */

/* Read the bookmarks file into app->bookmarks; false: said why. */
static bool
tui_bm_load(struct app *app)
{
	struct ferry_error	 err;
	char			*path;
	bool			 ok = true;

	if ((path = bookmarks_default_path()) == NULL) {
		tui_message(app, true, "No place for bookmarks: set "
		    "XDG_DATA_HOME or HOME.");
		return false;
	}
	if (bookmarks_load(&app->bookmarks, path, &err) != FERRY_OK) {
		tui_message(app, true, "Bookmarks: %s", err.msg);
		ok = false;
	}
	free(path);
	return ok;
}

static bool
tui_bm_save(struct app *app)
{
	struct ferry_error	 err;

	if (bookmarks_save(&app->bookmarks, &err) == FERRY_OK)
		return true;
	tui_message(app, true, "Bookmarks not saved: %s", err.msg);
	return false;
}

void
tui_act_bookmark_add(struct app *app)
{
	struct pane	*p = &app->panes[app->active];
	const char	*base = ferry_path_base(p->path);
	char		*prompt;

	prompt = xasprintf("Bookmark %s as:", p->label);
	app->dialog = dialog_input(TUI_ACT_BOOKMARK_ADD, "Bookmark", prompt,
	    base[0] != '\0' ? base : p->label);
	free(prompt);
	free(app->target);
	app->target = xstrdup(p->label);
}

/* Whether text reads back as the same location; else why not. */
static bool
tui_bm_reads_back(const char *text, char *why, size_t len)
{
	struct ferry_location	 loc;
	struct ferry_error	 err;
	char			*back;
	bool			 same;

	memset(&loc, 0, sizeof loc);
	if (ferry_location_parse(text, &loc, &err) != FERRY_OK) {
		snprintf(why, len, "%s", err.msg);
		return false;
	}
	back = ferry_location_format(&loc, loc.path);
	same = strcmp(back, text) == 0;
	if (!same)
		snprintf(why, len, "it reads back as %s", back);
	free(back);
	ferry_location_done(&loc);
	return same;
}

static void
tui_bm_add(struct app *app, const char *name, const char *location)
{
	struct ferry_error	 err;
	char			 why[FERRY_ERROR_MSG_MAX];
	bool			 replaced;

	if (name[0] == '\0') {
		tui_message(app, false, "No bookmark saved: the name is "
		    "empty.");
		return;
	}
	if (!tui_bm_reads_back(location, why, sizeof why)) {
		tui_message(app, true, "Cannot bookmark %s: %s", location, why);
		return;
	}
	if (!tui_bm_load(app))
		return;
	if (bookmarks_set(&app->bookmarks, name, location, &replaced,
	    &err) != FERRY_OK) {
		tui_message(app, true, "%s", err.msg);
		return;
	}
	if (!tui_bm_save(app))
		return;
	if (replaced)
		tui_message(app, false, "Bookmark %s now points to %s.", name,
		    location);
	else
		tui_message(app, false, "Bookmarked %s as %s.", location, name);
}

static void
tui_bm_lines_free(struct app *app)
{
	size_t	 i;

	for (i = 0; i < app->nbm_lines; i++)
		free(app->bm_lines[i]);
	free(app->bm_lines);
	app->bm_lines = NULL;
	app->nbm_lines = 0;
}

/* The list's lines: "name      location", names padded to one width. */
static void
tui_bm_lines(struct app *app)
{
	struct bookmarks	*bm = &app->bookmarks;
	size_t			 i;
	int			 w, nw = 0;

	tui_bm_lines_free(app);
	for (i = 0; i < bm->n; i++) {
		w = draw_width(bm->v[i].name, strlen(bm->v[i].name));
		if (w > nw)
			nw = w;
	}
	if (nw > TUI_BM_NAME_COLS)
		nw = TUI_BM_NAME_COLS;
	app->bm_lines = xcalloc(bm->n ? bm->n : 1, sizeof *app->bm_lines);
	for (i = 0; i < bm->n; i++) {
		w = draw_width(bm->v[i].name, strlen(bm->v[i].name));
		app->bm_lines[i] = xasprintf("%s%*s  %s", bm->v[i].name,
		    w < nw ? nw - w : 0, "", bm->v[i].location);
	}
	app->nbm_lines = bm->n;
	if (app->dialog != NULL && app->dialog->action == TUI_ACT_BOOKMARKS) {
		app->dialog->lines = (const char *const *)app->bm_lines;
		app->dialog->nlines = app->nbm_lines;
	}
}

void
tui_act_bookmarks(struct app *app)
{
	if (!tui_bm_load(app))
		return;
	if (app->bookmarks.n == 0) {
		tui_message(app, false, "No bookmarks yet: %s bookmarks the "
		    "folder shown.", tui_action_keys(app, "bookmark"));
		return;
	}
	tui_bm_lines(app);
	app->dialog = dialog_list(TUI_ACT_BOOKMARKS, "Bookmarks",
	    (const char *const *)app->bm_lines, app->nbm_lines,
	    "Enter: jump   d: delete   Esc: close");
}

/* d in the list: delete the bookmark picked (by name, in a fresh read). */
static void
tui_bm_delete(struct app *app)
{
	struct dialog	*d = app->dialog;
	char		*name;
	long		 i;

	if (d->sel >= app->bookmarks.n)
		return;
	name = xstrdup(app->bookmarks.v[d->sel].name);
	if (tui_bm_load(app)) {
		if ((i = bookmarks_find(&app->bookmarks, name)) >= 0) {
			bookmarks_remove(&app->bookmarks, (size_t)i);
			if (tui_bm_save(app))
				tui_message(app, false, "Deleted the bookmark "
				    "%s.", name);
		}
	}
	tui_bm_lines(app);
	free(name);
	if (app->bookmarks.n == 0) {
		app->dialog = NULL;
		dialog_free(d);
	}
}

bool
tui_bookmarks_key(struct app *app, bool fkey, wint_t ch)
{
	if (app->dialog == NULL || app->dialog->action != TUI_ACT_BOOKMARKS)
		return false;
	if ((!fkey && ch == 'd') || (fkey && ch == KEY_DC)) {
		tui_bm_delete(app);
		return true;
	}
	return false;
}

/* Take the active pane to bookmark i. */
static void
tui_bm_jump(struct app *app, size_t i)
{
	struct bookmark		*b = &app->bookmarks.v[i];
	struct ferry_location	 loc;
	struct ferry_error	 err;

	memset(&loc, 0, sizeof loc);
	if (ferry_location_parse(b->location, &loc, &err) != FERRY_OK) {
		tui_message(app, true, "Bookmark %s: %s", b->name, err.msg);
		return;
	}
	pane_goto(&app->panes[app->active], app->worker, &loc);
	tui_message(app, false, "Bookmark %s: %s", b->name, b->location);
}

void
tui_bookmarks_dialog_done(struct app *app, struct dialog *d, bool ok)
{
	char	*value = xstrdup(dialog_value(d));
	size_t	 sel = d->sel;

	app->dialog = NULL;
	if (ok && d->action == TUI_ACT_BOOKMARK_ADD && app->target != NULL)
		tui_bm_add(app, value, app->target);
	else if (ok && d->action == TUI_ACT_BOOKMARKS &&
	    sel < app->bookmarks.n)
		tui_bm_jump(app, sel);
	dialog_free(d);
	free(value);
	free(app->target);
	app->target = NULL;
	tui_bm_lines_free(app);
}
