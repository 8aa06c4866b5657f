/* SPDX-License-Identifier: MIT */
/*
 * Keys: what each key does in the browser, in the filter prompt and in a
 * dialog.  An action changes the model (a pane, the dialog, the message)
 * or sends a request to the worker, and returns; it never draws and never
 * waits (tmux cmd_* and htop Action style).  The loop redraws afterwards.
 *
 * Bindings (Midnight Commander and vi habits):
 *	Up/k Down/j PgUp PgDn Home/g End/G	move
 *	Enter/l/Right		open the folder under the cursor
 *	Backspace/Left/h	parent folder (the cursor lands on the child)
 *	Tab			other pane
 *	Insert/Space		mark and move down; * inverts the marks
 *	Ctrl-R			reload
 *	s / r			cycle the sort order / reverse it
 *	/			filter as you type (Enter keeps, Esc clears)
 *	F2, Shift-F6		rename;  F7 mkdir;  F8, Delete  delete
 *	Esc, Ctrl-C		cancel a listing (Ctrl-C quits when idle)
 *	F1, ?			these bindings
 *	F10, q			quit
 *
 * UI thread only.
 */
#include <curses.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "ferry/location.h"
#include "tui/tui-int.h"

/* What F1 and ? show. */
static const char *const tui_help[] = {
	"Moving",
	"  Up/k  Down/j          previous / next entry",
	"  PgUp  PgDn            a page up / down",
	"  Home/g  End/G         first / last entry",
	"  Enter/l/Right         open the folder under the cursor",
	"  Backspace/Left/h      parent folder",
	"  Tab                   the other pane",
	"Marking",
	"  Insert/Space          mark or unmark, and move down",
	"  *                     invert the marks",
	"Showing",
	"  s                     sort by name, size, date, type (cycle)",
	"  r                     reverse the order",
	"  /                     filter as you type (Enter keeps, Esc clears)",
	"  Ctrl-R                reload the folder",
	"Changing",
	"  F7                    make a folder",
	"  F2, Shift-F6          rename",
	"  F8, Delete            delete (the marked entries, or the cursor's)",
	"Stopping",
	"  Esc, Ctrl-C           cancel a listing that is loading",
	"  F10, q, Ctrl-C        quit (Ctrl-C when nothing loads)",
	"Not yet: F3 View, F4 Edit, F5 Copy, F6 Move, F9 Jobs, the mouse.",
};

#define KEY_CTRL(c)	((c) & 0x1f)
#define KEY_SHIFT_F(n)	KEY_F(12 + (n))	/* xterm/tmux terminfo */

static struct pane *
tui_pane(struct app *app)
{
	return &app->panes[app->active];
}

static void
tui_open(struct app *app)
{
	struct pane		*p = tui_pane(app);
	struct ferry_entry	*e = pane_current(p);
	char			*path;

	if (e == NULL)
		return;
	if (e->kind != FERRY_KIND_FOLDER) {
		tui_message(app, false, "%s is not a folder (F3 View is not "
		    "implemented yet).", e->name);
		return;
	}
	path = pane_entry_path(p, e);
	pane_load(p, app->worker, path, NULL, false);
	free(path);
}

static void
tui_parent(struct app *app)
{
	struct pane	*p = tui_pane(app);
	char		*parent, *child;

	if (strcmp(p->path, "/") == 0) {
		tui_message(app, false, "%s is the top folder.", p->label);
		return;
	}
	parent = ferry_path_parent(p->path);
	child = xstrdup(ferry_path_base(p->path));
	pane_load(p, app->worker, parent, child, false);
	free(parent);
	free(child);
}

static void
tui_sort_key(struct app *app, bool reverse)
{
	struct pane		*p = tui_pane(app);
	enum ferry_order	 o = p->order;
	bool			 desc = p->desc;

	if (reverse)
		desc = !desc;
	else
		o = (enum ferry_order)((o + 1) % 4);
	pane_set_sort(p, app->worker, o, desc);
	tui_message(app, false, "Sorted by %s, %s.", pane_order_label(o),
	    desc ? "descending" : "ascending");
}

static void
tui_cancelled(struct app *app, struct pane *p)
{
	tui_message(app, false, "Listing of %s cancelled: showing %zu "
	    "entries.", p->label, p->nrows);
}

/* Esc outside dialogs: cancel a listing, else clear the filter. */
static void
tui_escape(struct app *app)
{
	struct pane	*p = tui_pane(app);
	int		 i;

	if (pane_cancel(p, app->worker)) {
		tui_cancelled(app, p);
		return;
	}
	for (i = 0; i < TUI_PANES; i++) {
		if (pane_cancel(&app->panes[i], app->worker)) {
			tui_cancelled(app, &app->panes[i]);
			return;
		}
	}
	if (p->filter != NULL) {
		pane_set_filter(p, NULL);
		tui_message(app, false, "Filter cleared.");
	}
}

void
tui_interrupt(struct app *app)
{
	int	 i;
	bool	 any = false;

	if (app->dialog != NULL) {
		tui_op_dialog_done(app, app->dialog, false);
		return;
	}
	if (app->filtering) {
		app->filtering = false;
		pane_set_filter(tui_pane(app), NULL);
		return;
	}
	for (i = 0; i < TUI_PANES; i++) {
		if (pane_cancel(&app->panes[i], app->worker)) {
			tui_cancelled(app, &app->panes[i]);
			any = true;
		}
	}
	if (!any)
		app->quit = true;
}

static void
tui_not_yet(struct app *app, const char *what)
{
	tui_message(app, false, "%s is not implemented yet.", what);
}

static void
tui_show_help(struct app *app)
{
	app->dialog = dialog_text(TUI_ACT_HELP, "Keys", tui_help,
	    FERRY_NELEM(tui_help));
}

/* The filter prompt has the keys; false when the key is not its own. */
static bool
tui_filter_key(struct app *app, bool fkey, wint_t ch)
{
	struct pane	*p = tui_pane(app);

	switch (line_key(&app->filter, fkey, ch)) {
	case LINE_EDITED:
		pane_set_filter(p, app->filter.buf);
		return true;
	case LINE_MOVED:
		return true;
	case LINE_ENTER:
		app->filtering = false;
		if (p->filter != NULL)
			tui_message(app, false, "Filter: %zu of %zu entries "
			    "match.", p->nview, p->nrows);
		return true;
	case LINE_ESCAPE:
		app->filtering = false;
		pane_set_filter(p, NULL);
		tui_message(app, false, "Filter cleared.");
		return true;
	case LINE_NONE:
		break;
	}
	return false;
}

/* Function keys; false when ch is not one. */
static bool
tui_fkey(struct app *app, wint_t ch)
{
	if (ch == KEY_F(1))
		tui_show_help(app);
	else if (ch == KEY_F(2) || ch == KEY_SHIFT_F(6))
		tui_op_rename(app);
	else if (ch == KEY_F(3))
		tui_not_yet(app, "F3 View");
	else if (ch == KEY_F(4))
		tui_not_yet(app, "F4 Edit");
	else if (ch == KEY_F(5))
		tui_not_yet(app, "F5 Copy");
	else if (ch == KEY_F(6))
		tui_not_yet(app, "F6 Move");
	else if (ch == KEY_F(7))
		tui_op_mkdir(app);
	else if (ch == KEY_F(8) || ch == KEY_DC)
		tui_op_delete(app);
	else if (ch == KEY_F(9))
		tui_not_yet(app, "F9 Jobs");
	else if (ch == KEY_F(10))
		app->quit = true;
	else
		return false;
	return true;
}

/* Keys that move the cursor or change folder; false when not one. */
static bool
tui_move_key(struct app *app, bool fkey, wint_t ch)
{
	struct pane	*p = tui_pane(app);

	if ((fkey && ch == KEY_UP) || (!fkey && ch == 'k'))
		pane_move(p, -1);
	else if ((fkey && ch == KEY_DOWN) || (!fkey && ch == 'j'))
		pane_move(p, 1);
	else if (fkey && ch == KEY_PPAGE)
		pane_page(p, -1);
	else if (fkey && ch == KEY_NPAGE)
		pane_page(p, 1);
	else if ((fkey && ch == KEY_HOME) || (!fkey && ch == 'g'))
		pane_move_to(p, 0);
	else if ((fkey && ch == KEY_END) || (!fkey && ch == 'G'))
		pane_move_to(p, p->nview > 0 ? p->nview - 1 : 0);
	else if ((fkey && (ch == KEY_ENTER || ch == KEY_RIGHT)) ||
	    (!fkey && (ch == '\r' || ch == '\n' || ch == 'l')))
		tui_open(app);
	else if ((fkey && (ch == KEY_BACKSPACE || ch == KEY_LEFT)) ||
	    (!fkey && (ch == 127 || ch == 8 || ch == 'h')))
		tui_parent(app);
	else
		return false;
	return true;
}

void
tui_key(struct app *app, bool fkey, wint_t ch)
{
	struct pane	*p = tui_pane(app);
	enum dialog_answer ans;

	if (app->dialog != NULL) {
		ans = dialog_key(app->dialog, fkey, ch);
		if (ans != DIALOG_OPEN)
			tui_op_dialog_done(app, app->dialog, ans == DIALOG_OK);
		return;
	}
	if (app->filtering && tui_filter_key(app, fkey, ch))
		return;
	if (tui_move_key(app, fkey, ch))
		return;
	if (fkey) {
		if (ch == KEY_IC)
			pane_mark(p);
		else if (ch == KEY_BTAB)
			app->active = (app->active + 1) % TUI_PANES;
		else
			tui_fkey(app, ch);
		return;
	}
	switch (ch) {
	case '\t':
		app->active = (app->active + 1) % TUI_PANES;
		break;
	case ' ':
		pane_mark(p);
		break;
	case '*':
		pane_invert(p);
		break;
	case KEY_CTRL('r'):
		pane_reload(p, app->worker);
		break;
	case KEY_CTRL('c'):
		tui_interrupt(app);
		break;
	case 's':
		tui_sort_key(app, false);
		break;
	case 'r':
		tui_sort_key(app, true);
		break;
	case '/':
		app->filtering = true;
		line_set(&app->filter, p->filter);
		break;
	case 27:
		tui_escape(app);
		break;
	case 'q':
		app->quit = true;
		break;
	case '?':
		tui_show_help(app);
		break;
	}
}
