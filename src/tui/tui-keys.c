/* SPDX-License-Identifier: MIT */
/*
 * Keys: what each key does in the browser, in the filter prompt and in a
 * dialog.  An action changes the model (a pane, the dialog, the message)
 * or sends a request to the worker, and returns; it never draws and never
 * waits (tmux cmd_* and htop Action style).  The loop redraws afterwards.
 *
 * Bindings.  Every action the user can bind is a row of tui_bindings[]
 * (nnn bindings[], htop Action style): its [keys] name, its handler, its
 * default keys (Midnight Commander and vi habits), and its line in the
 * help.  tui_keys_init() turns the table and the [keys] section of the
 * configuration into a keymap (keymap.h) and the help text, so F1 and ?
 * show the keys that really work.  Keys that are not bindable: those of
 * dialogs and of the filter prompt (a line editor), and Ctrl-C (also a
 * signal: it cancels a listing, or quits when nothing loads).
 *
 * UI thread only.
 */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "ferry/location.h"
#include "tui/info.h"
#include "tui/keymap.h"
#include "tui/tui-int.h"
#include "tui/viewer.h"

#define KEY_CTRL(c)	((c) & 0x1f)

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
		viewer_open(app, p, e);
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
	if (info_cancel(app))
		return;
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
		tui_dialog_done(app, app->dialog, false);
		return;
	}
	if (app->viewer != NULL) {
		viewer_interrupt(app);
		return;
	}
	if (app->filtering) {
		app->filtering = false;
		pane_set_filter(tui_pane(app), NULL);
		return;
	}
	any = info_cancel(app);
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

/* The actions of the table: one per bindable name. */
static void
tui_act_up(struct app *app)
{
	pane_move(tui_pane(app), -1);
}

static void
tui_act_down(struct app *app)
{
	pane_move(tui_pane(app), 1);
}

static void
tui_act_page_up(struct app *app)
{
	pane_page(tui_pane(app), -1);
}

static void
tui_act_page_down(struct app *app)
{
	pane_page(tui_pane(app), 1);
}

static void
tui_act_first(struct app *app)
{
	pane_move_to(tui_pane(app), 0);
}

static void
tui_act_last(struct app *app)
{
	struct pane	*p = tui_pane(app);

	pane_move_to(p, p->nview > 0 ? p->nview - 1 : 0);
}

static void
tui_act_other_pane(struct app *app)
{
	app->active = (app->active + 1) % TUI_PANES;
}

static void
tui_act_mark(struct app *app)
{
	pane_mark(tui_pane(app));
}

static void
tui_act_invert(struct app *app)
{
	pane_invert(tui_pane(app));
}

static void
tui_act_reload(struct app *app)
{
	pane_reload(tui_pane(app), app->worker);
}

static void
tui_act_sort(struct app *app)
{
	tui_sort_key(app, false);
}

static void
tui_act_reverse(struct app *app)
{
	tui_sort_key(app, true);
}

static void
tui_act_filter(struct app *app)
{
	app->filtering = true;
	line_set(&app->filter, tui_pane(app)->filter);
}

static void
tui_act_help(struct app *app)
{
	app->dialog = dialog_text(TUI_ACT_HELP, "Keys",
	    (const char *const *)app->help, app->nhelp);
}

static void
tui_act_quit(struct app *app)
{
	app->quit = true;
}

static void
tui_act_view(struct app *app)
{
	struct pane		*p = tui_pane(app);
	struct ferry_entry	*e = pane_current(p);

	if (e == NULL)
		tui_message(app, false, "Nothing to view here.");
	else if (e->kind == FERRY_KIND_FOLDER)
		tui_message(app, false, "%s is a folder: F3 views items "
		    "(i shows a folder's info).", e->name);
	else
		viewer_open(app, p, e);
}

static void
tui_act_edit(struct app *app)
{
	tui_not_yet(app, "F4 Edit");
}

/*
 * Copy the marked entries, or the cursor's, to the other pane.  A drag
 * with the mouse comes here too (tui-mouse.c makes the pane it started
 * from active and puts the cursor on the entry it started on).
 */
static void
tui_act_copy(struct app *app)
{
	struct pane		*p = tui_pane(app);
	struct pane		*to;
	struct ferry_entry	*e = pane_current(p);

	to = &app->panes[(app->active + 1) % TUI_PANES];
	if (p->nmarked > 0)
		tui_message(app, false, "F5 Copy of %zu entr%s to %s is not "
		    "implemented yet.", p->nmarked, p->nmarked == 1 ? "y" :
		    "ies", to->label);
	else if (e != NULL)
		tui_message(app, false, "F5 Copy of %s to %s is not "
		    "implemented yet.", e->name, to->label);
	else
		tui_not_yet(app, "F5 Copy");
}

static void
tui_act_move(struct app *app)
{
	tui_not_yet(app, "F6 Move");
}

static void
tui_act_jobs(struct app *app)
{
	tui_not_yet(app, "F9 Jobs");
}

typedef void tui_action_cb(struct app *);

/*
 * Everything a key can be bound to.  name is the [keys] name, keys the
 * defaults, group (on the first row of a group) a heading in the help.
 */
static const struct tui_binding {
	const char	*name;
	tui_action_cb	*fn;
	const char	*keys;
	const char	*help;
	const char	*group;
} tui_bindings[] = {
	{ "up",		tui_act_up,	"Up, k",	"previous entry",
	  "Moving" },
	{ "down",	tui_act_down,	"Down, j",	"next entry", NULL },
	{ "page-up",	tui_act_page_up, "PgUp",	"a page up", NULL },
	{ "page-down",	tui_act_page_down, "PgDn",	"a page down", NULL },
	{ "first",	tui_act_first,	"Home, g",	"first entry", NULL },
	{ "last",	tui_act_last,	"End, G",	"last entry", NULL },
	{ "open",	tui_open,	"Enter, Right, l",
	  "open the folder (or view the item) under the cursor", NULL },
	{ "parent",	tui_parent,	"Backspace, Left, h",
	  "parent folder", NULL },
	{ "other-pane",	tui_act_other_pane, "Tab, BTab", "the other pane",
	  NULL },
	{ "mark",	tui_act_mark,	"Insert, Space",
	  "mark or unmark, and move down", "Marking" },
	{ "invert",	tui_act_invert,	"*",		"invert the marks",
	  NULL },
	{ "mark-glob",	tui_act_mark_glob, "+",
	  "mark the names matching a pattern (*.txt)", NULL },
	{ "unmark-glob", tui_act_unmark_glob, "-",
	  "unmark the names matching a pattern", NULL },
	{ "sort",	tui_act_sort,	"s",
	  "sort by name, size, date, type (cycle)", "Showing" },
	{ "reverse",	tui_act_reverse, "r",		"reverse the order",
	  NULL },
	{ "filter",	tui_act_filter,	"/",
	  "filter as you type (Enter keeps, Esc clears)", NULL },
	{ "next-match",	tui_act_next_match, "n",
	  "next name matching the filter (or the last one typed)", NULL },
	{ "prev-match",	tui_act_prev_match, "N",
	  "previous name matching it", NULL },
	{ "reload",	tui_act_reload,	"C-r",		"reload the folder",
	  NULL },
	{ "info",	info_toggle,	"i, C-l",
	  "info on the entry (other pane; S summary, J/K scroll)", NULL },
	{ "view",	tui_act_view,	"F3",
	  "view the item: text or hex, / search (F1 there for more)",
	  "Changing" },
	{ "edit",	tui_act_edit,	"F4",		"edit metadata (not yet)",
	  NULL },
	{ "copy",	tui_act_copy,	"F5",
	  "copy to the other pane (not yet)", NULL },
	{ "move",	tui_act_move,	"F6",
	  "move to the other pane (not yet)", NULL },
	{ "mkdir",	tui_op_mkdir,	"F7",		"make a folder", NULL },
	{ "rename",	tui_op_rename,	"F2, S-F6",	"rename", NULL },
	{ "delete",	tui_op_delete,	"F8, Delete",
	  "delete (the marked entries, or the cursor's)", NULL },
	{ "jobs",	tui_act_jobs,	"F9",		"jobs (not yet)", NULL },
	{ "help",	tui_act_help,	"F1, ?",	"these keys", "Other" },
	{ "copy-location", tui_act_copy_location, "y",
	  "copy the entry's location to the clipboard (OSC 52)", NULL },
	{ "bookmark",	tui_act_bookmark_add, "B",
	  "bookmark the folder", NULL },
	{ "bookmarks",	tui_act_bookmarks, "b",
	  "the bookmarks: Enter jumps, d deletes", NULL },
	{ "cancel",	tui_escape,	"Esc",
	  "cancel a loading listing, or clear the filter", NULL },
	{ "quit",	tui_act_quit,	"F10, q",	"quit", NULL },
};

/* The help text: the bindings as they are, then the fixed keys. */
static void
tui_help_build(struct app *app)
{
	static const char *const fixed[] = {
		"Fixed keys",
		"  C-c                   cancel a listing; quit when none loads",
		"  Alt-letter            next name starting with the letter",
		"  In dialogs            Enter accepts, Esc cancels",
		"",
		"Mouse",
		"  click                 select (and focus the pane)",
		"  double-click          open the folder, or view the item",
		"  wheel                 scroll the pane under the pointer",
		"  drag to other pane    copy what is marked, or that entry",
		"  click the key bar     that key (10Quit quits)",
		"  [ferry] mouse = off in the config leaves the mouse alone.",
		"",
		"Change the keys in the [keys] section of the config file,",
		"e.g. \"down = j, Down, C-n\" (F1 and this list follow it).",
	};
	const struct tui_binding *b;
	const char	*keys;
	size_t		 i, cap = FERRY_NELEM(tui_bindings) * 2 +
			    FERRY_NELEM(fixed);

	app->help = xcalloc(cap, sizeof *app->help);
	app->nhelp = 0;
	for (i = 0; i < FERRY_NELEM(tui_bindings); i++) {
		b = &tui_bindings[i];
		if (b->group != NULL)
			app->help[app->nhelp++] = xstrdup(b->group);
		keys = keymap_keys(app->keymap, i);
		if (*keys == '\0')
			keys = "(no key)";
		app->help[app->nhelp++] = xasprintf("  %-21s %s%s",
		    keys, strlen(keys) > 21 ? " " : "", b->help);
	}
	for (i = 0; i < FERRY_NELEM(fixed); i++)
		app->help[app->nhelp++] = xstrdup(fixed[i]);
	FERRY_ASSERT(app->nhelp <= cap);
}

enum ferry_code
tui_keys_init(struct app *app, struct ferry_error *err)
{
	struct keymap_def	*defs;
	size_t			 i, n = FERRY_NELEM(tui_bindings);
	enum ferry_code		 result;
	int			 ctrl_c;

	defs = xcalloc(n, sizeof *defs);
	for (i = 0; i < n; i++) {
		defs[i].name = tui_bindings[i].name;
		defs[i].keys = tui_bindings[i].keys;
	}
	result = keymap_new(defs, n, app->cfg, &app->keymap, err);
	if (result != FERRY_OK) {
		free(defs);
		return result;
	}
	app->keydefs = defs;
	/* Ctrl-C is a signal first: a binding would never run. */
	if ((ctrl_c = keymap_lookup(app->keymap, false, KEY_CTRL('c'))) >= 0)
		return ferry_error_set(err, FERRY_E_INVALID, "%s: [keys] %s: "
		    "C-c cannot be bound (it cancels a listing, or quits)",
		    app->cfg != NULL && app->cfg->path != NULL ?
		    app->cfg->path : "config", tui_bindings[ctrl_c].name);
	tui_help_build(app);
	return FERRY_OK;
}

bool
tui_run_action(struct app *app, const char *name)
{
	size_t	 i;

	for (i = 0; i < FERRY_NELEM(tui_bindings); i++) {
		if (strcmp(tui_bindings[i].name, name) == 0) {
			tui_bindings[i].fn(app);
			return true;
		}
	}
	return false;
}

const char *
tui_action_keys(struct app *app, const char *name)
{
	size_t	 i;

	for (i = 0; i < FERRY_NELEM(tui_bindings); i++)
		if (strcmp(tui_bindings[i].name, name) == 0)
			return keymap_keys(app->keymap, i);
	return "";
}

void
tui_dialog_done(struct app *app, struct dialog *d, bool ok)
{
	switch (d->action) {
	case TUI_ACT_MARK_GLOB:
	case TUI_ACT_UNMARK_GLOB:
		tui_marks_dialog_done(app, d, ok);
		return;
	case TUI_ACT_BOOKMARK_ADD:
	case TUI_ACT_BOOKMARKS:
		tui_bookmarks_dialog_done(app, d, ok);
		return;
	}
	tui_op_dialog_done(app, d, ok);
}

void
tui_keys_done(struct app *app)
{
	size_t	 i;

	for (i = 0; i < app->nhelp; i++)
		free(app->help[i]);
	free(app->help);
	app->help = NULL;
	app->nhelp = 0;
	keymap_free(app->keymap);
	app->keymap = NULL;
	free(app->keydefs);
	app->keydefs = NULL;
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
		tui_search_remember(app, app->filter.buf);
		if (p->filter != NULL)
			tui_message(app, false, "Filter: %zu of %zu entries "
			    "match.", p->nview, p->nrows);
		return true;
	case LINE_ESCAPE:
		app->filtering = false;
		tui_search_remember(app, app->filter.buf);
		pane_set_filter(p, NULL);
		tui_message(app, false, "Filter cleared.");
		return true;
	case LINE_NONE:
		break;
	}
	return false;
}

void
tui_key(struct app *app, bool fkey, wint_t ch)
{
	enum dialog_answer ans;
	int		 i;

	if (app->dialog != NULL) {
		if (tui_bookmarks_key(app, fkey, ch))
			return;
		ans = dialog_key(app->dialog, fkey, ch);
		if (ans != DIALOG_OPEN)
			tui_dialog_done(app, app->dialog, ans == DIALOG_OK);
		return;
	}
	if (app->viewer != NULL) {
		viewer_key(app, fkey, ch);
		return;
	}
	if (app->filtering && tui_filter_key(app, fkey, ch))
		return;
	if (info_key(app, fkey, ch))
		return;
	if (!fkey && ch == KEY_CTRL('c')) {
		tui_interrupt(app);
		return;
	}
	if ((i = keymap_lookup(app->keymap, fkey, ch)) >= 0)
		tui_bindings[i].fn(app);
}
