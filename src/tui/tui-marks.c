/* SPDX-License-Identifier: MIT */
/*
 * Finding and marking by name: + and - mark and unmark the names that
 * match a shell pattern (asked in a dialog; the last one is offered
 * again), n and N move to the next and previous name matching the
 * pane's filter, or when there is none the last text typed at the
 * filter prompt (so "/ foo Esc n n" walks the matches of "foo" in the
 * whole listing), and Alt-letter moves to the next name starting with
 * that letter (case-insensitive; again moves on to the next one).
 *
 * Matching is the filter's (ferry_query_match: a case-insensitive
 * substring of the name) and fnmatch(3) without flags for patterns.
 * Everything is in the pane's rows already: nothing is sent anywhere.
 *
 * UI thread only.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include <wctype.h>

#include "core/util.h"
#include "ferry/entry.h"
#include "tui/tui-int.h"

static struct pane *
tui_marks_pane(struct app *app)
{
	return &app->panes[app->active];
}

static void
tui_glob_dialog(struct app *app, int action)
{
	bool	 on = action == TUI_ACT_MARK_GLOB;

	if (tui_marks_pane(app)->nview == 0) {
		tui_message(app, false, "Nothing to %s here.",
		    on ? "mark" : "unmark");
		return;
	}
	app->dialog = dialog_input(action, on ? "Mark" : "Unmark",
	    on ? "Mark the names matching (a shell pattern: * ? [a-z]):" :
	    "Unmark the names matching (a shell pattern: * ? [a-z]):",
	    app->glob != NULL ? app->glob : "*");
}

void
tui_act_mark_glob(struct app *app)
{
	tui_glob_dialog(app, TUI_ACT_MARK_GLOB);
}

void
tui_act_unmark_glob(struct app *app)
{
	tui_glob_dialog(app, TUI_ACT_UNMARK_GLOB);
}

static void
tui_glob_apply(struct app *app, const char *pattern, bool on)
{
	struct pane	*p = tui_marks_pane(app);
	size_t		 n, changed;

	if (pattern[0] == '\0') {
		tui_message(app, false, "Nothing %s: the pattern is empty.",
		    on ? "marked" : "unmarked");
		return;
	}
	free(app->glob);
	app->glob = xstrdup(pattern);
	n = pane_mark_glob(p, pattern, on, &changed);
	if (n == 0)
		tui_message(app, false, "No name matches %s.", pattern);
	else if (changed == 0)
		tui_message(app, false, "The %zu entr%s matching %s %s %s "
		    "already.", n, n == 1 ? "y" : "ies", pattern,
		    n == 1 ? "was" : "were", on ? "marked" : "not marked");
	else
		tui_message(app, false, "%s %zu entr%s matching %s; %zu of "
		    "%zu in the folder marked now.", on ? "Marked" :
		    "Unmarked", changed, changed == 1 ? "y" : "ies", pattern,
		    p->nmarked, p->nrows);
}

void
tui_marks_dialog_done(struct app *app, struct dialog *d, bool ok)
{
	app->dialog = NULL;
	if (ok)
		tui_glob_apply(app, dialog_value(d),
		    d->action == TUI_ACT_MARK_GLOB);
	dialog_free(d);
}

void
tui_search_remember(struct app *app, const char *text)
{
	if (text == NULL || text[0] == '\0')
		return;
	free(app->search);
	app->search = xstrdup(text);
}

static bool
tui_match_search(const struct ferry_entry *e, void *arg)
{
	struct ferry_query q;

	ferry_query_init(&q);
	q.search = arg;
	return ferry_query_match(&q, e);
}

static void
tui_find(struct app *app, int dir)
{
	struct pane	*p = tui_marks_pane(app);
	const char	*text = p->filter != NULL ? p->filter : app->search;

	if (text == NULL) {
		tui_message(app, false, "Nothing to look for: %s filters, "
		    "and then n and N find what was typed.",
		    tui_action_keys(app, "filter"));
		return;
	}
	if (!pane_find(p, dir, tui_match_search, (void *)text))
		tui_message(app, false, "No name contains %s.", text);
}

void
tui_act_next_match(struct app *app)
{
	tui_find(app, 1);
}

void
tui_act_prev_match(struct app *app)
{
	tui_find(app, -1);
}

/* Whether e's name starts with the character *arg, ignoring case. */
static bool
tui_match_first(const struct ferry_entry *e, void *arg)
{
	wint_t		 want = *(const wint_t *)arg;
	mbstate_t	 st;
	wchar_t		 wc;
	size_t		 n;

	memset(&st, 0, sizeof st);
	n = mbrtowc(&wc, e->name, strlen(e->name), &st);
	if (n == 0 || n == (size_t)-1 || n == (size_t)-2)
		return false;
	return towlower((wint_t)wc) == towlower(want);
}

void
tui_jump_letter(struct app *app, wint_t ch)
{
	struct pane	*p = tui_marks_pane(app);
	char		 mb[MB_LEN_MAX + 1];
	mbstate_t	 st;
	size_t		 n;

	if (pane_find(p, 1, tui_match_first, &ch))
		return;
	memset(&st, 0, sizeof st);
	n = wcrtomb(mb, (wchar_t)ch, &st);
	if (n == (size_t)-1)
		n = 0;
	mb[n] = '\0';
	tui_message(app, false, "No name starts with %s.", mb);
}

void
tui_extras_done(struct app *app)
{
	size_t	 i;

	free(app->search);
	app->search = NULL;
	free(app->glob);
	app->glob = NULL;
	free(app->clip);
	app->clip = NULL;
	for (i = 0; i < app->nbm_lines; i++)
		free(app->bm_lines[i]);
	free(app->bm_lines);
	app->bm_lines = NULL;
	app->nbm_lines = 0;
	bookmarks_done(&app->bookmarks);
}
