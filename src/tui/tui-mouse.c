/* SPDX-License-Identifier: MIT */
/*
 * Input before the key table: mouse reports and Alt-letter, then the
 * mouse's gestures on the panes, the function-key bar and dialogs.
 *
 * Reports.  tui_mouse_start() binds the report prefixes to mouse.h's key
 * codes with define_key() and asks the terminal for modes 1000, 1002 and
 * 1006 (see mouse.h for why not ncurses' own mouse); the characters that
 * follow a prefix go to the decoder, across wake-ups if the terminal
 * split them.  A character that cannot belong to a report ends it and is
 * a key again.  [ferry] mouse = off: no modes, no bindings.
 *
 * Alt-letter.  A terminal sends Alt-x as ESC x.  ncurses hands the ESC
 * over once ESCDELAY (25 ms) has passed without a known sequence, with
 * the x already read; so an ESC followed at once by a printable
 * character, while the browser has the keys (no dialog, viewer or
 * prompt), is Alt-that-character: jump to the next name starting with it.
 * Anything else after the ESC is Esc, then that key.
 *
 * Gestures (left button; coordinates are cells):
 *	press on a pane row	focus the pane, cursor to the row; a second
 *				press there within MOUSE_DOUBLE_MS opens it
 *				(the "open" action: folder in, item viewed)
 *	press, release over	the other pane: the "copy" action, from the
 *				pane pressed in, with the cursor on the row
 *				pressed (so the marked entries, or that one)
 *	wheel			scroll the pane (or the info view, the
 *				viewer, a dialog) under the pointer
 *	press on the key bar	that function key, through tui_key()
 *	press in a dialog	its buttons; a list's lines (double: pick)
 * Where things are comes from the last draw: panes record their place
 * (pane.h draw_*), dialogs their buttons (dialog.h); the key bar is the
 * last line, cut in ten as tui.c and viewer.c draw it.
 *
 * UI thread only.
 */
#include <curses.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core/util.h"
#include "tui/info.h"
#include "tui/tui-int.h"
#include "tui/viewer.h"

#define TUI_WHEEL_ROWS	3	/* rows one wheel step scrolls */

/* Write s to the terminal now (mode strings: no effect on the screen). */
static void
tui_mouse_write(const char *s)
{
	size_t	 n = strlen(s), off = 0;
	ssize_t	 w;

	fflush(stdout);
	while (off < n) {
		w = write(STDOUT_FILENO, s + off, n - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;
		off += (size_t)w;
	}
}

void
tui_mouse_start(struct app *app)
{
	const char	*v = ferry_config_get(app->cfg, "ferry", "mouse");

	if (v != NULL && strcmp(v, "off") == 0)
		return;
	/* Ours, whatever terminfo's kmous says (it may be either). */
	define_key("\033[<", 0);
	define_key("\033[M", 0);
	if (define_key("\033[<", MOUSE_KEY_SGR) != OK ||
	    define_key("\033[M", MOUSE_KEY_X10) != OK)
		return;
	tui_mouse_write(mouse_on_seq());
	app->mouse.on = true;
	app->mouse.down_pane = -1;
	app->mouse.down_row = -1;
}

void
tui_mouse_stop(struct app *app)
{
	if (!app->mouse.on)
		return;
	tui_mouse_write(mouse_off_seq());
	app->mouse.on = false;
}

/* The pane drawn at (y, x), or -1. */
static int
tui_mouse_pane(const struct app *app, int y, int x)
{
	const struct pane *p;
	int		 i;

	for (i = 0; i < TUI_PANES; i++) {
		p = &app->panes[i];
		if (p->draw_w > 0 && x >= p->draw_x &&
		    x < p->draw_x + p->draw_w && y >= p->draw_y &&
		    y < p->draw_y + p->draw_h)
			return i;
	}
	return -1;
}

static void
tui_mouse_wheel(struct app *app, const struct mouse_event *ev, int dir)
{
	int	 i, k;

	if (app->dialog != NULL) {
		dialog_wheel(app->dialog, dir);
		return;
	}
	if (app->viewer != NULL) {
		for (k = 0; k < TUI_WHEEL_ROWS; k++)
			viewer_key(app, true, dir < 0 ? KEY_UP : KEY_DOWN);
		return;
	}
	if ((i = tui_mouse_pane(app, ev->y, ev->x)) >= 0)
		pane_scroll(&app->panes[i], (long)dir * TUI_WHEEL_ROWS);
	else if (app->info != NULL && ev->y < LINES - 2)
		for (k = 0; k < TUI_WHEEL_ROWS; k++)
			info_key(app, false, dir < 0 ? 'K' : 'J');
}

/* A press in a dialog: a button answers, a list line is picked. */
static void
tui_mouse_dialog(struct app *app, const struct mouse_event *ev)
{
	struct dialog		*d = app->dialog;
	enum dialog_answer	 ans;
	bool			 row;

	row = d->kind == DIALOG_LIST && d->rows_y >= 0 &&
	    ev->y >= d->rows_y && ev->y < d->rows_y + d->body;
	ans = dialog_click(d, ev->y, ev->x, false);
	if (ans == DIALOG_OPEN && row && d->sel < d->nlines &&
	    mouse_click(&app->mouse.clicks, (0xffffull << 32) | d->sel,
	    ferry_mono_ns()))
		ans = dialog_click(d, ev->y, ev->x, true);
	if (!row)
		mouse_click_reset(&app->mouse.clicks);
	if (ans != DIALOG_OPEN)
		tui_dialog_done(app, d, ans == DIALOG_OK);
}

static void
tui_mouse_press(struct app *app, const struct mouse_event *ev)
{
	struct tui_mouse *m = &app->mouse;
	struct pane	*p;
	int		 i;
	long		 row;

	m->down = true;
	m->dragging = false;
	m->down_row = -1;
	m->down_pane = i = tui_mouse_pane(app, ev->y, ev->x);
	if (i < 0) {
		mouse_click_reset(&m->clicks);
		return;
	}
	p = &app->panes[i];
	if (app->filtering)	/* as Enter would: keep what was typed */
		app->filtering = false;
	app->active = i;
	if ((row = pane_row_at(p, ev->y)) < 0) {
		mouse_click_reset(&m->clicks);
		return;
	}
	m->down_row = row;
	pane_move_to(p, (size_t)row);
	if (mouse_click(&m->clicks, (uint64_t)i << 32 | (uint64_t)row,
	    ferry_mono_ns())) {
		m->down = false;	/* its release is not a drop */
		tui_run_action(app, "open");
	}
}

/* What a drag from pane src would copy, for the message line. */
static void
tui_mouse_drag_message(struct app *app, int src, int over)
{
	struct pane		*p = &app->panes[src];
	struct ferry_entry	*e = pane_current(p);

	if (over < 0 || over == src)
		return;
	if (p->nmarked > 0)
		tui_message(app, false, "Release to copy %zu marked entr%s to "
		    "%s.", p->nmarked, p->nmarked == 1 ? "y" : "ies",
		    app->panes[over].label);
	else if (e != NULL)
		tui_message(app, false, "Release to copy %s to %s.", e->name,
		    app->panes[over].label);
}

static void
tui_mouse_drag(struct app *app, const struct mouse_event *ev)
{
	struct tui_mouse *m = &app->mouse;
	int		 over;

	if (!m->down || m->down_row < 0)
		return;
	over = tui_mouse_pane(app, ev->y, ev->x);
	if (over >= 0 && over != m->down_pane && !m->dragging) {
		m->dragging = true;
		tui_mouse_drag_message(app, m->down_pane, over);
	}
}

static void
tui_mouse_release(struct app *app, const struct mouse_event *ev)
{
	struct tui_mouse *m = &app->mouse;
	int		 over;

	if (!m->down)
		return;
	m->down = false;
	m->dragging = false;
	if (m->down_pane < 0 || m->down_row < 0)
		return;
	over = tui_mouse_pane(app, ev->y, ev->x);
	if (over < 0 || over == m->down_pane)
		return;
	/*
	 * A drop on the other pane: what F5 does, from the pane the drag
	 * started in (the cursor is on the row pressed since the press).
	 */
	mouse_click_reset(&m->clicks);
	app->active = m->down_pane;
	tui_run_action(app, "copy");
}

/* A press on the function-key bar (the last line): that key. */
static bool
tui_mouse_bar(struct app *app, const struct mouse_event *ev)
{
	int	 n, cols = COLS;

	if (ev->y != LINES - 1 || LINES < 6 || cols < 20)
		return false;
	/* Slot n spans [n * cols / 10, (n + 1) * cols / 10). */
	for (n = 0; n < 10; n++)
		if (ev->x < (n + 1) * cols / 10)
			break;
	if (n == 10)
		return false;
	mouse_click_reset(&app->mouse.clicks);
	tui_key(app, true, KEY_F(n + 1));
	return true;
}

static void
tui_mouse_event(struct app *app, const struct mouse_event *ev)
{
	if (ev->kind == MOUSE_WHEEL_UP || ev->kind == MOUSE_WHEEL_DOWN) {
		tui_mouse_wheel(app, ev, ev->kind == MOUSE_WHEEL_UP ? -1 : 1);
		return;
	}
	/* The left button only; an X10 release does not say which. */
	if (ev->kind == MOUSE_MOVE || (ev->button != 1 &&
	    !(ev->kind == MOUSE_RELEASE && ev->button == 0)))
		return;
	if (ev->kind == MOUSE_PRESS && tui_mouse_bar(app, ev))
		return;
	if (app->dialog != NULL) {
		app->mouse.down = false;
		if (ev->kind == MOUSE_PRESS)
			tui_mouse_dialog(app, ev);
		return;
	}
	if (app->viewer != NULL)
		return;
	if (ev->kind == MOUSE_PRESS)
		tui_mouse_press(app, ev);
	else if (ev->kind == MOUSE_DRAG)
		tui_mouse_drag(app, ev);
	else
		tui_mouse_release(app, ev);
}

/* True when the browser itself has the keys (Alt-letter applies). */
static bool
tui_browsing(const struct app *app)
{
	return app->dialog == NULL && app->viewer == NULL && !app->filtering;
}

/* Feed ch to a report being read; true when it was the report's. */
static bool
tui_mouse_feed(struct app *app, bool fkey, wint_t ch)
{
	struct tui_mouse	*m = &app->mouse;
	struct mouse_event	 ev;

	if (!m->parsing)
		return false;
	switch (fkey ? MOUSE_BAD : mouse_parser_feed(&m->parser, ch, &ev)) {
	case MOUSE_MORE:
		return true;
	case MOUSE_DONE:
		m->parsing = false;
		tui_mouse_event(app, &ev);
		return true;
	case MOUSE_IGNORE:
		m->parsing = false;
		return true;
	case MOUSE_BAD:
		break;
	}
	m->parsing = false;
	return false;
}

void
tui_input(struct app *app, bool fkey, wint_t ch)
{
	wint_t	 next;
	int	 rc;

	for (;;) {
		if (tui_mouse_feed(app, fkey, ch))
			return;
		if (fkey && app->mouse.on &&
		    (ch == MOUSE_KEY_SGR || ch == MOUSE_KEY_X10)) {
			mouse_parser_start(&app->mouse.parser, (int)ch);
			app->mouse.parsing = true;
			return;
		}
		if (fkey || ch != 27 || !tui_browsing(app)) {
			tui_key(app, fkey, ch);
			return;
		}
		/* ESC: Alt-character when one is already there. */
		rc = get_wch(&next);
		if (rc == OK && next >= 0x20 && next != 0x7f &&
		    !(next >= 0x80 && next < 0xa0)) {
			tui_jump_letter(app, next);
			return;
		}
		tui_key(app, false, 27);
		if (rc == ERR || app->quit)
			return;
		fkey = rc == KEY_CODE_YES;
		ch = next;
	}
}
