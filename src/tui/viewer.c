/* SPDX-License-Identifier: MIT */
/*
 * The viewer (see viewer.h): state, moves, worker requests and events,
 * keys and drawing.
 *
 * Position.  In text mode `top` is the start of the first row on screen;
 * in hex mode it is a multiple of the bytes per row.  A move is recorded
 * as a goal (go to the row holding go_off, then rows_pending rows down or
 * up) and carried out by viewer_settle() as far as the cached blocks
 * allow; when a block is missing, settle asks the worker for it and stops,
 * and the block's arrival calls settle again.  Settle ends by laying out
 * the screen (rowoff[]: the start of each row and the end of the last)
 * and, when the screen would show space past the end of the item, by
 * moving up so that it is full (less's behaviour).
 *
 * Invariants: at most VIEWER_INFLIGHT block reads are outstanding, each
 * for a block not cached; after a failed read nothing more is asked (the
 * error is shown); every event of an older generation is dropped by the
 * worker, and events are also checked against the request ids here.
 *
 * UI thread only.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "ferry/location.h"
#include "jobs/search.h"
#include "tui/dialog.h"
#include "tui/draw.h"
#include "tui/pane.h"
#include "tui/style.h"
#include "tui/tui-int.h"
#include "tui/viewer.h"
#include "tui/vtext.h"

#define VIEWER_INFLIGHT	4	/* block reads outstanding at most */
#define VIEWER_ROWS_MAX	1024	/* rows laid out at most (tall screens) */

struct viewer {
	struct ferry_location loc;	/* the namespace (path unused) */
	char		*path;
	char		*label;		/* location text of path */
	uint64_t	 gen;		/* of TUI_WPANE_VIEW */
	uint64_t	 sgen;		/* of TUI_WPANE_SEARCH */
	uint64_t	 stat_id;

	bool		 have_size;
	char		*error;		/* the item cannot be shown */
	struct vtext	 vt;
	uint64_t	 inflight[VIEWER_INFLIGHT];	/* block indexes */
	uint64_t	 inflight_id[VIEWER_INFLIGHT];
	size_t		 ninflight;

	bool		 detected;	/* the first block decided the mode */
	bool		 hex;

	uint64_t	 top;
	int		 hscroll;	/* cells skipped on the left */
	bool		 at_end;	/* the screen shows the last byte */
	bool		 go;		/* goal: the row holding go_off */
	uint64_t	 go_off;
	long		 rows_pending;	/* goal: then this many rows */
	bool		 reveal;	/* goal: show the match (sideways) */

	int		 height;	/* text rows at the last draw */
	int		 width;
	uint64_t	 rowoff[VIEWER_ROWS_MAX + 1];
	int		 nrows;		/* rows laid out (start < size) */
	bool		 laid;		/* rowoff covers the screen */

	bool		 prompting;
	struct line	 prompt;
	char		*pat;
	size_t		 patlen;
	bool		 icase;
	int64_t		 match;		/* the current match, or -1 */
	uint64_t	 search_id;	/* 0: none running */
	bool		 search_back;
	uint64_t	 sdone;
	uint64_t	 stotal;

	char		*msg;
	bool		 msg_error;
	unsigned char	 hl[VTEXT_LINE_MAX];	/* a row's match bytes */
};

static const char *const viewer_help[] = {
	"Viewer",
	"  Up/k  Down/j          a line up / down",
	"  PgUp/b  PgDn/Space    a page up / down",
	"  Home/g  End/G         the start / the end",
	"  Left  Right           sideways (without wrap)",
	"  /  F7                 search (no capitals: any case)",
	"  n  N                  next / previous match",
	"  h  F4                 hex dump or text",
	"  w  F2                 wrap long lines",
	"  Esc                   stop a search",
	"  q  F3  F10  Esc       close the viewer",
	"Every byte that is not printable text is shown as an escape:",
	"  \\e \\r \\b \\xHH \\u{XXXX}; tabs as spaces.",
};

static void
viewer_message(struct viewer *v, bool error, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
viewer_message(struct viewer *v, bool error, const char *fmt, ...)
{
	va_list	 ap;
	char	*s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		ferry_assert_fail("vasprintf", __FILE__, __LINE__);
	va_end(ap);
	free(v->msg);
	v->msg = s;
	v->msg_error = error;
}

static void
viewer_free(struct viewer *v)
{
	if (v == NULL)
		return;
	ferry_location_done(&v->loc);
	free(v->path);
	free(v->label);
	free(v->error);
	vtext_done(&v->vt);
	line_done(&v->prompt);
	free(v->pat);
	free(v->msg);
	free(v);
}

/* -------- requests -------- */

static struct worker_req *
viewer_req(struct app *app, enum worker_op op, int pane, uint64_t gen)
{
	struct viewer	*v = app->viewer;

	return worker_req_new(op, pane, gen, &v->loc, v->path);
}

/* Ask for the block holding off, unless it is cached or asked for. */
static void
viewer_want(struct app *app, uint64_t off)
{
	struct viewer		*v = app->viewer;
	struct worker_req	*r;
	uint64_t		 index = off / v->vt.block, start;
	size_t			 i;

	if (v->error != NULL || off >= v->vt.size || vtext_has(&v->vt, index))
		return;
	for (i = 0; i < v->ninflight; i++)
		if (v->inflight[i] == index)
			return;
	if (v->ninflight == VIEWER_INFLIGHT)
		return;		/* asked again when one of those comes */
	start = index * v->vt.block;
	r = viewer_req(app, WORKER_READ, TUI_WPANE_VIEW, v->gen);
	r->offset = start;
	r->length = v->vt.size - start < v->vt.block ?
	    v->vt.size - start : v->vt.block;
	v->inflight[v->ninflight] = index;
	v->inflight_id[v->ninflight] = worker_submit(app->worker, r);
	v->ninflight++;
}

/* -------- moves -------- */

/* Text: carry out the goal; false when a block is missing (asked for). */
static bool
viewer_text_goal(struct app *app)
{
	struct viewer	*v = app->viewer;
	uint64_t	 s, need;

	if (v->go) {
		if (vtext_row_start(&v->vt, v->go_off, &s, &need) !=
		    VTEXT_OK) {
			viewer_want(app, need);
			return false;
		}
		v->top = s;
		v->go = false;
	}
	while (v->rows_pending < 0) {
		if (v->top == 0) {
			v->rows_pending = 0;
			break;
		}
		if (vtext_row_start(&v->vt, v->top - 1, &s, &need) !=
		    VTEXT_OK) {
			viewer_want(app, need);
			return false;
		}
		v->top = s;
		v->rows_pending++;
	}
	while (v->rows_pending > 0) {
		if (vtext_row_end(&v->vt, v->top, &s, &need) != VTEXT_OK) {
			viewer_want(app, need);
			return false;
		}
		if (s >= v->vt.size) {
			v->rows_pending = 0;
			break;
		}
		v->top = s;
		v->rows_pending--;
	}
	return true;
}

/*
 * Text: lay out the screen from top.  Returns 0 when done, -1 when a
 * block is missing, or the number of rows the screen lacks at the end of
 * the item (it should move up that many).
 */
static int
viewer_text_layout(struct app *app)
{
	struct viewer	*v = app->viewer;
	uint64_t	 cur = v->top, end, need;
	int		 i, h = v->height;

	v->laid = false;
	v->nrows = 0;
	v->at_end = false;
	for (i = 0; i < h; i++) {
		v->rowoff[i] = cur;
		if (cur >= v->vt.size)
			break;
		if (vtext_row_end(&v->vt, cur, &end, &need) != VTEXT_OK) {
			viewer_want(app, need);
			return -1;
		}
		v->nrows++;
		cur = end;
	}
	v->rowoff[v->nrows] = cur;
	v->laid = true;
	v->at_end = cur >= v->vt.size;
	if (v->nrows < h && v->top > 0)
		return h - v->nrows;
	return 0;
}

static void
viewer_hex_settle(struct app *app)
{
	struct viewer	*v = app->viewer;
	int		 bpr, digits;
	uint64_t	 rows, toprow, maxrow, off, end;

	digits = vtext_hex_digits(v->vt.size);
	bpr = vtext_hex_bpr(v->width, digits);
	rows = (v->vt.size + (uint64_t)bpr - 1) / (uint64_t)bpr;
	maxrow = rows > (uint64_t)v->height ? rows - (uint64_t)v->height : 0;
	toprow = (v->go ? v->go_off : v->top) / (uint64_t)bpr;
	v->go = false;
	if (v->rows_pending < 0 && (uint64_t)-v->rows_pending > toprow)
		toprow = 0;
	else
		toprow = (uint64_t)((int64_t)toprow + v->rows_pending);
	v->rows_pending = 0;
	if (toprow > maxrow)
		toprow = maxrow;
	v->top = toprow * (uint64_t)bpr;
	v->at_end = toprow >= maxrow;
	v->laid = true;
	end = v->top + (uint64_t)v->height * (uint64_t)bpr;
	if (end > v->vt.size)
		end = v->vt.size;
	for (off = v->top; off < end; off += v->vt.block - off %
	    v->vt.block)
		viewer_want(app, off);
}

/* Without wrap: scroll sideways so that the current match shows. */
static void
viewer_reveal(struct viewer *v)
{
	const unsigned char *buf;
	struct draw_unit u;
	uint64_t	 m = (uint64_t)v->match, need;
	size_t		 i, n;
	int		 r, col = 0, start = -1;
	bool		 base = false, blank;

	v->reveal = false;
	if (v->vt.wrap || v->match < 0)
		return;
	for (r = 0; r < v->nrows; r++)
		if (v->rowoff[r] <= m && m < v->rowoff[r + 1])
			break;
	if (r == v->nrows)
		return;
	n = (size_t)(v->rowoff[r + 1] - v->rowoff[r]);
	if ((buf = vtext_gather(&v->vt, v->rowoff[r], n, &need)) == NULL)
		return;
	for (i = 0; i < n && v->rowoff[r] + i < m + v->patlen; i += u.len) {
		if (v->rowoff[r] + i >= m && start < 0)
			start = col;
		vtext_unit(buf + i, n - i, col, base, &u, &blank);
		base = !blank && u.esc[0] == '\0';
		col += u.width;
	}
	if (start < 0)
		start = col;
	if (start >= v->hscroll && col <= v->hscroll + v->width)
		return;
	v->hscroll = start > v->width / 4 ? (start - v->width / 4) / 8 * 8 :
	    0;
}

/* Do as much of the goal as the cache allows, then lay out the screen. */
static void
viewer_settle(struct app *app)
{
	struct viewer	*v = app->viewer;
	int		 lack, rounds;

	if (!v->have_size || v->error != NULL || v->height <= 0)
		return;
	if (!v->detected) {
		viewer_want(app, 0);
		return;
	}
	if (v->hex) {
		v->reveal = false;
		viewer_hex_settle(app);
		return;
	}
	/* Each round moves up by what the screen lacked: few rounds. */
	for (rounds = 0; rounds < 8; rounds++) {
		if (!viewer_text_goal(app)) {
			v->laid = false;
			return;
		}
		lack = viewer_text_layout(app);
		if (lack == 0 && v->reveal)
			viewer_reveal(v);
		if (lack <= 0)
			return;
		v->rows_pending = -lack;
	}
}

static void
viewer_goto(struct viewer *v, uint64_t off)
{
	v->go = true;
	v->go_off = off;
	v->rows_pending = 0;
}

/* -------- opening and closing -------- */

void
viewer_open(struct app *app, const struct pane *p, const struct ferry_entry *e)
{
	struct viewer		*v;
	struct worker_req	*r;

	viewer_close(app);
	v = xcalloc(1, sizeof *v);
	v->loc.kind = p->loc.kind;
	v->loc.profile = p->loc.profile != NULL ? xstrdup(p->loc.profile) :
	    NULL;
	v->loc.authority = p->loc.authority != NULL ?
	    xstrdup(p->loc.authority) : NULL;
	v->path = pane_entry_path(p, e);
	v->loc.path = xstrdup(v->path);
	v->label = ferry_location_format(&p->loc, v->path);
	vtext_init(&v->vt, 0, 0, 0);
	line_init(&v->prompt, NULL);
	v->match = -1;
	v->height = LINES > 3 ? LINES - 3 : 1;
	v->width = COLS > 1 ? COLS : 1;
	v->vt.width = v->width;
	v->vt.wrap = true;	/* as less and mc do; w turns it off */
	app->viewer = v;

	v->gen = ++app->mode_gen;
	worker_pane_gen(app->worker, TUI_WPANE_VIEW, v->gen);
	v->sgen = ++app->mode_gen;
	worker_pane_gen(app->worker, TUI_WPANE_SEARCH, v->sgen);
	/* The size first: the listing's may be missing or old. */
	r = viewer_req(app, WORKER_STAT, TUI_WPANE_VIEW, v->gen);
	v->stat_id = worker_submit(app->worker, r);
}

void
viewer_close(struct app *app)
{
	struct viewer	*v = app->viewer;

	if (v == NULL)
		return;
	/* Drop whatever is queued, running or posted for it. */
	worker_pane_gen(app->worker, TUI_WPANE_VIEW, ++app->mode_gen);
	worker_pane_gen(app->worker, TUI_WPANE_SEARCH, ++app->mode_gen);
	app->viewer = NULL;
	viewer_free(v);
}

bool
viewer_busy(const struct app *app)
{
	const struct viewer *v = app->viewer;

	return v != NULL && (v->search_id != 0 || (v->error == NULL &&
	    (!v->have_size || !v->detected || !v->laid)));
}

/* -------- search -------- */

static void
viewer_search_stop(struct app *app)
{
	struct viewer	*v = app->viewer;

	if (v->search_id == 0)
		return;
	worker_cancel(app->worker, v->search_id);
	v->sgen = ++app->mode_gen;
	worker_pane_gen(app->worker, TUI_WPANE_SEARCH, v->sgen);
	v->search_id = 0;
}

static void
viewer_search(struct app *app, bool backward, bool fresh)
{
	struct viewer		*v = app->viewer;
	struct worker_req	*r;
	uint64_t		 from;

	if (v->pat == NULL) {
		viewer_message(v, false, "No search yet: press / first.");
		return;
	}
	if (!v->have_size)
		return;
	if (fresh || v->match < 0)
		from = v->top;
	else
		from = backward ? (uint64_t)v->match :
		    (uint64_t)v->match + 1;
	viewer_search_stop(app);
	r = viewer_req(app, WORKER_SEARCH, TUI_WPANE_SEARCH, v->sgen);
	r->search = xstrdup(v->pat);
	r->offset = from;
	r->length = v->vt.size;
	r->flags = (backward ? WORKER_F_BACKWARD : 0) |
	    (v->icase ? WORKER_F_ICASE : 0);
	v->search_back = backward;
	v->sdone = v->stotal = 0;
	v->search_id = worker_submit(app->worker, r);
	free(v->msg);
	v->msg = NULL;
}

static void
viewer_prompt_done(struct app *app)
{
	struct viewer	*v = app->viewer;

	v->prompting = false;
	if (v->prompt.len == 0) {
		viewer_message(v, false, "Search cancelled: empty pattern.");
		return;
	}
	free(v->pat);
	v->pat = xstrdup(v->prompt.buf);
	v->patlen = v->prompt.len;
	v->icase = search_smartcase(v->pat, v->patlen);
	v->match = -1;
	viewer_search(app, false, true);
}

static void
viewer_found(struct app *app, struct worker_event *ev)
{
	struct viewer	*v = app->viewer;

	v->search_id = 0;
	if (ev->code == FERRY_E_CANCELLED) {
		viewer_message(v, false, "Search cancelled.");
		return;
	}
	if (ev->code != FERRY_OK) {
		viewer_message(v, true, "Search failed: %s", ev->err.msg[0] !=
		    '\0' ? ev->err.msg : ferry_strerror(ev->code));
		return;
	}
	if (ev->found < 0) {
		viewer_message(v, false, "Not found: \"%s\" (%s).", v->pat,
		    v->search_back ? "before this point" : "to the end");
		return;
	}
	v->match = ev->found;
	viewer_goto(v, (uint64_t)ev->found);
	v->reveal = true;
	viewer_message(v, false, "\"%s\" at offset %" PRId64 ".", v->pat,
	    ev->found);
	viewer_settle(app);
}

/* -------- events -------- */

static void
viewer_stat(struct app *app, struct worker_event *ev)
{
	struct viewer	*v = app->viewer;

	if (ev->req_id != v->stat_id)
		return;
	if (ev->code != FERRY_OK) {
		v->error = xstrdup(ev->err.msg[0] != '\0' ? ev->err.msg :
		    ferry_strerror(ev->code));
		return;
	}
	if (ev->entry.kind == FERRY_KIND_FOLDER) {
		v->error = xasprintf("%s is a folder: the viewer shows items.",
		    v->label);
		return;
	}
	v->have_size = true;
	v->vt.size = ev->entry.size;
	if (v->vt.size == 0)
		v->detected = true;
	viewer_settle(app);
}

static void
viewer_data(struct app *app, struct worker_event *ev)
{
	struct viewer	*v = app->viewer;
	uint64_t	 index = ev->offset / v->vt.block, want;
	size_t		 i;

	for (i = 0; i < v->ninflight; i++)
		if (v->inflight_id[i] == ev->req_id)
			break;
	if (i == v->ninflight)
		return;		/* not ours (any more) */
	v->inflight[i] = v->inflight[v->ninflight - 1];
	v->inflight_id[i] = v->inflight_id[v->ninflight - 1];
	v->ninflight--;
	if (ev->code == FERRY_OK && ev->offset >= v->vt.size)
		return;		/* past an end found meanwhile */
	if (ev->code != FERRY_OK) {
		v->error = xasprintf("Cannot read %s at offset %" PRIu64
		    ": %s", v->label, ev->offset, ev->err.msg[0] != '\0' ?
		    ev->err.msg : ferry_strerror(ev->code));
		return;
	}
	want = v->vt.size - ev->offset < v->vt.block ?
	    v->vt.size - ev->offset : v->vt.block;
	if (ev->data_len < want) {
		/* The item shrank since the stat: it ends here now. */
		v->vt.size = ev->offset + ev->data_len;
		viewer_message(v, false, "%s is shorter than it was: %" PRIu64
		    " bytes now.", v->label, v->vt.size);
	}
	if (!v->detected && index == 0) {
		v->detected = true;
		v->hex = vtext_is_binary(ev->data, ev->data_len,
		    v->vt.size > ev->data_len);
		if (v->hex)
			viewer_message(v, false, "Binary content: shown as "
			    "hex (h shows it as text).");
	}
	if (ev->data_len > 0) {
		vtext_put(&v->vt, index, ev->data, ev->data_len);
		ev->data = NULL;
	}
	viewer_settle(app);
}

void
viewer_event(struct app *app, struct worker_event *ev)
{
	struct viewer	*v = app->viewer;

	if (v == NULL)
		return;
	if (ev->pane == TUI_WPANE_SEARCH) {
		if (ev->gen != v->sgen || ev->req_id != v->search_id)
			return;
		if (ev->type == WORKER_EV_PROGRESS) {
			v->sdone = ev->done;
			v->stotal = ev->total;
		} else if (ev->type == WORKER_EV_FOUND)
			viewer_found(app, ev);
		return;
	}
	if (ev->gen != v->gen)
		return;
	if (ev->type == WORKER_EV_STAT)
		viewer_stat(app, ev);
	else if (ev->type == WORKER_EV_DATA)
		viewer_data(app, ev);
}

/* -------- keys -------- */

static void
viewer_toggle_hex(struct viewer *v)
{
	v->hex = !v->hex;
	v->detected = true;
	viewer_goto(v, v->top);
	v->hscroll = 0;
}

static void
viewer_toggle_wrap(struct viewer *v)
{
	if (v->hex) {
		viewer_message(v, false, "Wrap is for text (h shows text).");
		return;
	}
	v->vt.wrap = !v->vt.wrap;
	v->hscroll = 0;
	viewer_goto(v, v->top);
	viewer_message(v, false, "Wrap %s.", v->vt.wrap ? "on" : "off");
}

/* Moves; false when the key is not one. */
static bool
viewer_move_key(struct viewer *v, bool fkey, wint_t ch)
{
	long	 page = v->height > 1 ? v->height - 1 : 1;

	if ((fkey && ch == KEY_UP) || (!fkey && ch == 'k'))
		v->rows_pending--;
	else if ((fkey && (ch == KEY_DOWN || ch == KEY_ENTER)) ||
	    (!fkey && (ch == 'j' || ch == '\r' || ch == '\n'))) {
		if (!v->at_end || v->rows_pending < 0)
			v->rows_pending++;
	} else if ((fkey && ch == KEY_PPAGE) || (!fkey && ch == 'b'))
		v->rows_pending -= page;
	else if ((fkey && ch == KEY_NPAGE) || (!fkey && ch == ' ')) {
		if (!v->at_end || v->rows_pending < 0)
			v->rows_pending += page;
	} else if ((fkey && ch == KEY_HOME) || (!fkey && ch == 'g')) {
		v->go = false;
		v->rows_pending = 0;
		v->top = 0;
	} else if ((fkey && ch == KEY_END) || (!fkey && ch == 'G'))
		viewer_goto(v, v->vt.size > 0 ? v->vt.size - 1 : 0);
	else if (fkey && ch == KEY_LEFT && !v->vt.wrap && !v->hex)
		v->hscroll = v->hscroll > 8 ? v->hscroll - 8 : 0;
	else if (fkey && ch == KEY_RIGHT && !v->vt.wrap && !v->hex)
		v->hscroll += 8;
	else
		return false;
	return true;
}

static void
viewer_prompt_key(struct app *app, bool fkey, wint_t ch)
{
	struct viewer	*v = app->viewer;

	switch (line_key(&v->prompt, fkey, ch)) {
	case LINE_ENTER:
		viewer_prompt_done(app);
		break;
	case LINE_ESCAPE:
		v->prompting = false;
		break;
	default:
		if (fkey && ch == KEY_F(10))
			v->prompting = false;
		break;
	}
}

void
viewer_key(struct app *app, bool fkey, wint_t ch)
{
	struct viewer	*v = app->viewer;

	if (!fkey && ch == 3) {		/* C-c, when not a signal */
		v->prompting = false;
		viewer_interrupt(app);
		return;
	}
	if (v->prompting) {
		viewer_prompt_key(app, fkey, ch);
		return;
	}
	if (!fkey && ch == 27 && v->search_id != 0) {
		viewer_search_stop(app);
		viewer_message(v, false, "Search cancelled.");
		return;
	}
	free(v->msg);
	v->msg = NULL;
	if ((fkey && (ch == KEY_F(3) || ch == KEY_F(10))) ||
	    (!fkey && (ch == 'q' || ch == 27))) {
		viewer_close(app);
		return;
	}
	if (viewer_move_key(v, fkey, ch))
		;
	else if ((fkey && ch == KEY_F(4)) || (!fkey && ch == 'h'))
		viewer_toggle_hex(v);
	else if ((fkey && ch == KEY_F(2)) || (!fkey && ch == 'w'))
		viewer_toggle_wrap(v);
	else if ((fkey && ch == KEY_F(7)) || (!fkey && ch == '/')) {
		v->prompting = true;
		line_set(&v->prompt, NULL);
	} else if (!fkey && (ch == 'n' || ch == 'N'))
		viewer_search(app, ch == 'N', false);
	else if ((fkey && ch == KEY_F(1)) || (!fkey && ch == '?')) {
		app->dialog = dialog_text(TUI_ACT_HELP, "Viewer keys",
		    viewer_help, FERRY_NELEM(viewer_help));
		return;
	}
	viewer_settle(app);
}

void
viewer_interrupt(struct app *app)
{
	struct viewer	*v = app->viewer;

	if (v == NULL)
		return;
	if (v->search_id != 0) {
		viewer_search_stop(app);
		viewer_message(v, false, "Search cancelled.");
		return;
	}
	viewer_close(app);
}

/* -------- drawing -------- */

/* Mark the bytes of the n at buf (from offset s) that are in a match. */
static void
viewer_mark_matches(struct viewer *v, const unsigned char *buf, size_t n,
    uint64_t s)
{
	size_t	 i = 0, at, k;
	uint64_t m;

	memset(v->hl, 0, n);
	if (v->pat == NULL)
		return;
	while (i < n) {
		at = search_mem(buf + i, n - i, v->pat, v->patlen, v->icase,
		    false, n - i);
		if (at == SEARCH_NONE)
			break;
		memset(v->hl + i + at, 1, v->patlen);
		i += at + 1;
	}
	if (v->match < 0)
		return;
	/* The current match, even where it crosses rows. */
	m = (uint64_t)v->match;
	for (k = 0; k < v->patlen; k++)
		if (m + k >= s && m + k < s + n)
			v->hl[m + k - s] = 2;
}

static enum style_role
viewer_role(unsigned char hl)
{
	return hl == 2 ? STYLE_CURSOR : hl == 1 ? STYLE_MARKED : STYLE_NORMAL;
}

/* Emit one unit (room cells at most) in the role's attributes. */
static int
viewer_emit(WINDOW *win, const struct draw_unit *u, bool blank, int room,
    enum style_role role)
{
	static const char spaces[] = "        ";
	wchar_t		 wc;
	int		 n;

	if (blank) {
		n = u->width < room ? u->width : room;
		wattrset(win, (int)style_attr(role));
		waddnstr(win, spaces, n);
		return n;
	}
	if (u->esc[0] != '\0') {
		n = u->width < room ? u->width : room;
		wattrset(win, (int)style_escape(role));
		waddnstr(win, u->esc, n);
		return n;
	}
	if (u->width > room)
		return -1;
	wattrset(win, (int)style_attr(role));
	wc = (wchar_t)u->cp;
	waddnwstr(win, &wc, 1);
	return u->width;
}

/* One row of text: the n bytes at buf, from offset s. */
static void
viewer_draw_row(struct viewer *v, WINDOW *win, int y, int cols,
    const unsigned char *buf, size_t n, uint64_t s)
{
	struct draw_unit u;
	size_t		 i;
	int		 col = 0, x = 0, k;
	bool		 blank, base = false, drawn = false;

	viewer_mark_matches(v, buf, n, s);
	draw_blank(win, y, 0, cols, style_attr(STYLE_NORMAL));
	wmove(win, y, 0);
	for (i = 0; i < n && x < cols; i += u.len) {
		vtext_unit(buf + i, n - i, col, base, &u, &blank);
		base = !blank && u.esc[0] == '\0';
		if (u.width == 0) {
			/* A line's end, or a mark riding on its base. */
			if (!blank && drawn)
				viewer_emit(win, &u, false, 0,
				    viewer_role(v->hl[i]));
			continue;
		}
		if (col < v->hscroll) {
			col += u.width;
			drawn = false;
			if (col > v->hscroll) {
				/* Across the left edge: blank its part. */
				x = col - v->hscroll < cols ?
				    col - v->hscroll : cols;
				draw_blank(win, y, 0, x,
				    style_attr(STYLE_NORMAL));
				wmove(win, y, x);
			}
			continue;
		}
		k = viewer_emit(win, &u, blank, cols - x,
		    viewer_role(v->hl[i]));
		if (k < 0)
			break;
		x += k;
		col += u.width;
		drawn = !blank && u.esc[0] == '\0';
	}
}

static void
viewer_draw_text(struct viewer *v, WINDOW *win, int y0, int cols)
{
	const unsigned char *buf;
	uint64_t	 s, e, need;
	int		 i;

	for (i = 0; i < v->height; i++)
		draw_blank(win, y0 + i, 0, cols, style_attr(STYLE_NORMAL));
	if (!v->laid)
		return;
	for (i = 0; i < v->nrows; i++) {
		s = v->rowoff[i];
		e = v->rowoff[i + 1];
		buf = vtext_gather(&v->vt, s, (size_t)(e - s), &need);
		if (buf == NULL)
			break;
		viewer_draw_row(v, win, y0 + i, cols, buf, (size_t)(e - s),
		    s);
	}
}

/* One hex row: the bytes cached at off (n at most bpr). */
static void
viewer_draw_hex_row(struct viewer *v, WINDOW *win, int y, int cols,
    uint64_t off, int bpr, int digits)
{
	attr_t		 cur = style_attr(STYLE_CURSOR);
	unsigned char	 b[16];
	char		 line[128], hx[4], asc[2];
	const unsigned char *p;
	size_t		 n = 0, avail, k;
	int		 i, x;

	while (n < (size_t)bpr && off + n < v->vt.size) {
		p = vtext_span(&v->vt, off + n, &avail);
		if (p == NULL)
			break;
		k = avail < (size_t)bpr - n ? avail : (size_t)bpr - n;
		if (k > v->vt.size - off - n)
			k = (size_t)(v->vt.size - off - n);
		memcpy(b + n, p, k);
		n += k;
	}
	if (n == 0)
		return;
	vtext_hex_row(off, b, n, bpr, digits, line, sizeof line);
	draw_str(win, y, 0, cols, line, 0, style_attr(STYLE_NORMAL),
	    style_escape(STYLE_NORMAL));
	if (v->match < 0)
		return;
	/* The current match's bytes, in both columns. */
	for (i = 0; i < (int)n; i++) {
		if (off + (uint64_t)i < (uint64_t)v->match ||
		    off + (uint64_t)i >= (uint64_t)v->match + v->patlen)
			continue;
		snprintf(hx, sizeof hx, "%02x", b[i]);
		asc[0] = b[i] >= 0x20 && b[i] < 0x7f ? (char)b[i] : '.';
		asc[1] = '\0';
		x = vtext_hex_col(i, bpr, digits, false);
		if (x + 2 <= cols)
			draw_str(win, y, x, 2, hx, 0, cur, cur);
		x = vtext_hex_col(i, bpr, digits, true);
		if (x + 1 <= cols)
			draw_str(win, y, x, 1, asc, 0, cur, cur);
	}
}

static void
viewer_draw_hex(struct viewer *v, WINDOW *win, int y0, int cols)
{
	int		 digits, bpr, i;
	uint64_t	 off;

	digits = vtext_hex_digits(v->vt.size);
	bpr = vtext_hex_bpr(cols, digits);
	for (i = 0; i < v->height; i++) {
		draw_blank(win, y0 + i, 0, cols, style_attr(STYLE_NORMAL));
		off = v->top + (uint64_t)i * (uint64_t)bpr;
		if (off < v->vt.size)
			viewer_draw_hex_row(v, win, y0 + i, cols, off, bpr,
			    digits);
	}
}

static void
viewer_draw_header(struct viewer *v, WINDOW *win, int cols)
{
	attr_t	 a = style_attr(STYLE_HEADER_ACTIVE);
	char	 right[96], sz[32];
	int	 rw, pct;

	draw_size(v->vt.size, sz, sizeof sz);
	pct = v->vt.size == 0 || v->at_end ? 100 :
	    (int)(v->top * 100 / v->vt.size);
	if (!v->have_size)
		snprintf(right, sizeof right, "loading");
	else
		snprintf(right, sizeof right, "%s%s  %3d%%  %s",
		    v->hex ? "hex" : "text", !v->hex && v->vt.wrap ? " wrap" :
		    "", pct, sz);
	draw_blank(win, 0, 0, cols, a);
	rw = (int)strlen(right);
	if (rw > cols / 2)
		rw = cols / 2;
	draw_str(win, 0, cols - rw - 1, rw, right, 0, a, a);
	draw_str(win, 0, 1, cols - rw - 3, v->label, DRAW_CUT_LEFT, a,
	    style_escape(STYLE_HEADER_ACTIVE));
}

/* The status line: the prompt, a search's progress, or a message. */
static int
viewer_draw_status(struct viewer *v, WINDOW *win, int y, int cols, char spin)
{
	attr_t	 a = style_attr(STYLE_MESSAGE);
	char	*s;
	int	 pct;

	draw_blank(win, y, 0, cols, a);
	if (v->prompting) {
		draw_str(win, y, 0, 8, "Search: ", 0, a, a);
		return line_draw(&v->prompt, win, y, 8, cols - 8,
		    style_attr(STYLE_INPUT), style_escape(STYLE_INPUT));
	}
	if (v->error != NULL) {
		draw_str(win, y, 0, cols, v->error, 0, style_attr(STYLE_ERROR),
		    style_escape(STYLE_ERROR));
		return -1;
	}
	if (v->search_id != 0) {
		pct = v->stotal > 0 ? (int)(v->sdone * 100 / v->stotal) : 0;
		s = xasprintf("%c Searching %s for \"%s\": %d%% (Esc stops)",
		    spin, v->search_back ? "back" : "on", v->pat, pct);
		draw_str(win, y, 0, cols, s, 0, a, style_escape(STYLE_MESSAGE));
		free(s);
		return -1;
	}
	if (v->msg != NULL)
		draw_str(win, y, 0, cols, v->msg, 0,
		    style_attr(v->msg_error ? STYLE_ERROR : STYLE_MESSAGE),
		    style_escape(v->msg_error ? STYLE_ERROR : STYLE_MESSAGE));
	else if (!v->laid || !v->have_size)
		draw_str(win, y, 0, cols, "Loading...", 0, a, a);
	return -1;
}

static void
viewer_draw_keys(WINDOW *win, int y, int cols)
{
	static const char *const labels[10] = { "Help", "Wrap", "Quit",
	    "Hex", "", "", "Search", "", "", "Quit" };
	char	 num[16];
	int	 i, x, next, nw;

	draw_blank(win, y, 0, cols, style_attr(STYLE_NORMAL));
	for (i = 0; i < 10; i++) {
		x = i * cols / 10;
		next = (i + 1) * cols / 10;
		snprintf(num, sizeof num, "%d", i + 1);
		nw = (int)strlen(num);
		if (next - x <= nw)
			continue;
		draw_str(win, y, x, nw, num, 0, style_attr(STYLE_FKEY_NUM),
		    style_attr(STYLE_FKEY_NUM));
		draw_str(win, y, x + nw, next - x - nw - (i < 9), labels[i],
		    DRAW_PAD, style_attr(STYLE_FKEY_LABEL),
		    style_attr(STYLE_FKEY_LABEL));
	}
}

int
viewer_draw(struct app *app, WINDOW *win, int lines, int cols, char spin)
{
	struct viewer	*v = app->viewer;
	int		 h = lines - 3;

	if (h > VIEWER_ROWS_MAX)
		h = VIEWER_ROWS_MAX;
	if (h < 1)
		h = 1;
	if (h != v->height || cols != v->width) {
		/* Resized: the rows change, the first byte shown stays. */
		v->height = h;
		v->width = cols;
		v->vt.width = cols;
		/* Without wrap, text rows do not depend on the width. */
		if (!v->go && (v->hex || v->vt.wrap))
			viewer_goto(v, v->top);
		viewer_settle(app);
	}
	viewer_draw_header(v, win, cols);
	if (v->hex)
		viewer_draw_hex(v, win, 1, cols);
	else
		viewer_draw_text(v, win, 1, cols);
	viewer_draw_keys(win, lines - 1, cols);
	return viewer_draw_status(v, win, lines - 2, cols, spin);
}
