/* SPDX-License-Identifier: MIT */
/*
 * Modal dialogs and the line editor (see dialog.h).
 *
 * Invariant of a line: buf is NUL-terminated, len < LINE_MAX_BYTES, and
 * pos is at a character boundary of the UTF-8 text the editor wrote (it
 * only ever inserts whole characters encoded with wcrtomb; initial text
 * from outside may hold invalid bytes, which then count as characters of
 * one byte each).
 *
 * UI thread only.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "core/util.h"
#include "tui/dialog.h"
#include "tui/draw.h"
#include "tui/style.h"

void
line_init(struct line *l, const char *text)
{
	l->buf = xmalloc(LINE_MAX_BYTES);
	l->buf[0] = '\0';
	l->len = l->pos = 0;
	line_set(l, text);
}

void
line_done(struct line *l)
{
	free(l->buf);
	l->buf = NULL;
	l->len = l->pos = 0;
}

void
line_set(struct line *l, const char *text)
{
	size_t	 n = text != NULL ? strlen(text) : 0;

	if (n >= LINE_MAX_BYTES)
		n = LINE_MAX_BYTES - 1;
	if (n > 0)
		memcpy(l->buf, text, n);
	l->buf[n] = '\0';
	l->len = l->pos = n;
}

/* The start of the character before byte offset pos. */
static size_t
line_prev(const struct line *l, size_t pos)
{
	struct draw_unit u;
	size_t		 p, k;

	for (k = 1; k <= 4 && k <= pos; k++) {
		p = pos - k;
		if (((unsigned char)l->buf[p] & 0xc0) == 0x80)
			continue;	/* a continuation byte */
		draw_classify(l->buf + p, pos - p, false, &u);
		return p + u.len == pos ? p : pos - 1;
	}
	return pos > 0 ? pos - 1 : 0;
}

/* The start of the character after byte offset pos. */
static size_t
line_next(const struct line *l, size_t pos)
{
	struct draw_unit u;

	if (pos >= l->len)
		return l->len;
	draw_classify(l->buf + pos, l->len - pos, false, &u);
	return pos + u.len;
}

static void
line_cut(struct line *l, size_t from, size_t to)
{
	memmove(l->buf + from, l->buf + to, l->len - to + 1);
	l->len -= to - from;
	l->pos = from;
}

static enum line_result
line_insert(struct line *l, wint_t ch)
{
	char		 mb[MB_LEN_MAX];
	mbstate_t	 st;
	size_t		 n;

	memset(&st, 0, sizeof st);
	n = wcrtomb(mb, (wchar_t)ch, &st);
	if (n == (size_t)-1 || l->len + n >= LINE_MAX_BYTES)
		return LINE_NONE;
	memmove(l->buf + l->pos + n, l->buf + l->pos, l->len - l->pos + 1);
	memcpy(l->buf + l->pos, mb, n);
	l->len += n;
	l->pos += n;
	return LINE_EDITED;
}

enum line_result
line_key(struct line *l, bool fkey, wint_t ch)
{
	if (fkey) {
		switch (ch) {
		case KEY_BACKSPACE:
			if (l->pos == 0)
				return LINE_MOVED;
			line_cut(l, line_prev(l, l->pos), l->pos);
			return LINE_EDITED;
		case KEY_DC:
			if (l->pos >= l->len)
				return LINE_MOVED;
			line_cut(l, l->pos, line_next(l, l->pos));
			return LINE_EDITED;
		case KEY_LEFT:
			l->pos = line_prev(l, l->pos);
			return LINE_MOVED;
		case KEY_RIGHT:
			l->pos = line_next(l, l->pos);
			return LINE_MOVED;
		case KEY_HOME:
			l->pos = 0;
			return LINE_MOVED;
		case KEY_END:
			l->pos = l->len;
			return LINE_MOVED;
		case KEY_ENTER:
			return LINE_ENTER;
		}
		return LINE_NONE;
	}
	switch (ch) {
	case '\r':
	case '\n':
		return LINE_ENTER;
	case 27:
		return LINE_ESCAPE;
	case 127:
	case 8:
		return line_key(l, true, KEY_BACKSPACE);
	case 1:		/* C-a */
		return line_key(l, true, KEY_HOME);
	case 5:		/* C-e */
		return line_key(l, true, KEY_END);
	case 21:	/* C-u */
		line_cut(l, 0, l->pos);
		return LINE_EDITED;
	case 11:	/* C-k */
		l->buf[l->pos] = '\0';
		l->len = l->pos;
		return LINE_EDITED;
	}
	if (ch < 0x20 || ch == 0x7f || (ch >= 0x80 && ch < 0xa0))
		return LINE_NONE;
	return line_insert(l, ch);
}

int
line_draw(const struct line *l, WINDOW *win, int y, int x, int width,
    attr_t attr, attr_t esc_attr)
{
	int	 before;

	draw_blank(win, y, x, width, attr);
	if (width < 2)
		return x;
	before = draw_width(l->buf, l->pos);
	if (before < width - 1) {
		draw_text(win, y, x, width, l->buf, l->len, 0, attr,
		    esc_attr);
		return x + before;
	}
	/* Keep the end up to the cursor in view, with the cursor last. */
	draw_text(win, y, x, width - 1, l->buf, l->pos, DRAW_CUT_LEFT, attr,
	    esc_attr);
	return x + width - 1;
}

static struct dialog *
dialog_new(enum dialog_kind kind, int action, const char *title,
    const char *text)
{
	struct dialog	*d;

	d = xcalloc(1, sizeof *d);
	d->kind = kind;
	d->action = action;
	d->title = xstrdup(title);
	d->text = xstrdup(text);
	line_init(&d->input, NULL);
	d->ok_y = d->no_y = d->rows_y = -1;
	return d;
}

struct dialog *
dialog_input(int action, const char *title, const char *prompt,
    const char *initial)
{
	struct dialog	*d;

	d = dialog_new(DIALOG_INPUT, action, title, prompt);
	line_set(&d->input, initial);
	return d;
}

struct dialog *
dialog_confirm(int action, const char *title, const char *question,
    const char *detail)
{
	struct dialog	*d;

	d = dialog_new(DIALOG_CONFIRM, action, title, question);
	d->detail = detail != NULL ? xstrdup(detail) : NULL;
	return d;
}

struct dialog *
dialog_text(int action, const char *title, const char *const *lines,
    size_t n)
{
	struct dialog	*d;

	d = dialog_new(DIALOG_TEXT, action, title, "");
	d->lines = lines;
	d->nlines = n;
	d->body = 1;
	return d;
}

struct dialog *
dialog_list(int action, const char *title, const char *const *lines,
    size_t n, const char *hint)
{
	struct dialog	*d;

	d = dialog_new(DIALOG_LIST, action, title, "");
	d->lines = lines;
	d->nlines = n;
	d->detail = xstrdup(hint);
	d->body = 1;
	return d;
}

void
dialog_free(struct dialog *d)
{
	if (d == NULL)
		return;
	free(d->title);
	free(d->text);
	free(d->detail);
	line_done(&d->input);
	free(d);
}

static enum dialog_answer
dialog_text_key(struct dialog *d, bool fkey, wint_t ch)
{
	size_t	 page = d->body > 1 ? (size_t)d->body - 1 : 1;
	size_t	 max = d->nlines > (size_t)d->body ?
		    d->nlines - (size_t)d->body : 0;

	if (fkey) {
		if (ch == KEY_UP && d->scroll > 0)
			d->scroll--;
		else if (ch == KEY_DOWN)
			d->scroll++;
		else if (ch == KEY_PPAGE)
			d->scroll = d->scroll > page ? d->scroll - page : 0;
		else if (ch == KEY_NPAGE)
			d->scroll += page;
		else if (ch == KEY_HOME)
			d->scroll = 0;
		else if (ch == KEY_END)
			d->scroll = max;
		else if (ch == KEY_F(1) || ch == KEY_F(10) || ch == KEY_ENTER)
			return DIALOG_CANCEL;
	} else if (ch == 'k' && d->scroll > 0)
		d->scroll--;
	else if (ch == 'j')
		d->scroll++;
	else if (ch == 27 || ch == 'q' || ch == '?' || ch == '\r' ||
	    ch == '\n')
		return DIALOG_CANCEL;
	if (d->scroll > max)
		d->scroll = max;
	return DIALOG_OPEN;
}

/* Keep the pick in the list and on screen. */
static void
dialog_list_fix(struct dialog *d)
{
	size_t	 body = d->body > 0 ? (size_t)d->body : 1;

	if (d->sel >= d->nlines)
		d->sel = d->nlines > 0 ? d->nlines - 1 : 0;
	if (d->scroll > d->sel)
		d->scroll = d->sel;
	if (d->sel >= d->scroll + body)
		d->scroll = d->sel - body + 1;
}

static enum dialog_answer
dialog_list_key(struct dialog *d, bool fkey, wint_t ch)
{
	size_t	 page = d->body > 1 ? (size_t)d->body - 1 : 1;

	if ((fkey && ch == KEY_UP) || (!fkey && ch == 'k'))
		d->sel = d->sel > 0 ? d->sel - 1 : 0;
	else if ((fkey && ch == KEY_DOWN) || (!fkey && ch == 'j'))
		d->sel++;
	else if (fkey && ch == KEY_PPAGE)
		d->sel = d->sel > page ? d->sel - page : 0;
	else if (fkey && ch == KEY_NPAGE)
		d->sel += page;
	else if ((fkey && ch == KEY_HOME) || (!fkey && ch == 'g'))
		d->sel = 0;
	else if ((fkey && ch == KEY_END) || (!fkey && ch == 'G'))
		d->sel = d->nlines;
	else if ((fkey && ch == KEY_ENTER) || (!fkey && (ch == '\r' ||
	    ch == '\n')))
		return d->nlines > 0 ? DIALOG_OK : DIALOG_CANCEL;
	else if ((fkey && ch == KEY_F(10)) || (!fkey && (ch == 27 ||
	    ch == 'q')))
		return DIALOG_CANCEL;
	dialog_list_fix(d);
	return DIALOG_OPEN;
}

enum dialog_answer
dialog_key(struct dialog *d, bool fkey, wint_t ch)
{
	if (d->kind == DIALOG_TEXT)
		return dialog_text_key(d, fkey, ch);
	if (d->kind == DIALOG_LIST)
		return dialog_list_key(d, fkey, ch);
	if (d->kind == DIALOG_CONFIRM) {
		if ((fkey && ch == KEY_ENTER) ||
		    (!fkey && (ch == 'y' || ch == 'Y' || ch == '\r' ||
		    ch == '\n')))
			return DIALOG_OK;
		if (!fkey && (ch == 'n' || ch == 'N' || ch == 27 ||
		    ch == 'q'))
			return DIALOG_CANCEL;
		if (fkey && ch == KEY_F(10))
			return DIALOG_CANCEL;
		return DIALOG_OPEN;
	}
	if (fkey && ch == KEY_F(10))
		return DIALOG_CANCEL;
	switch (line_key(&d->input, fkey, ch)) {
	case LINE_ENTER:
		return DIALOG_OK;
	case LINE_ESCAPE:
		return DIALOG_CANCEL;
	default:
		return DIALOG_OPEN;
	}
}

const char *
dialog_value(const struct dialog *d)
{
	return d->input.buf;
}

/*
 * Remember where text (a button's label) was drawn: at column off of a
 * field of room cells at (y, x), cut to the field.
 */
static void
dialog_button(int *by, int *bx, int *bw, int y, int x, int room, int off,
    const char *text)
{
	int	 w = draw_width(text, strlen(text));

	if (off >= room) {
		*by = -1;
		return;
	}
	*by = y;
	*bx = x + off;
	*bw = off + w > room ? room - off : w;
}

/* A frame of h x w at (y, x) with the title in its top border. */
static void
dialog_frame(WINDOW *win, int y, int x, int h, int w, const char *title)
{
	attr_t	 a = style_attr(STYLE_DIALOG);
	int	 i, tw;

	for (i = 0; i < h; i++)
		draw_blank(win, y + i, x, w, a);
	wattrset(win, (int)a);
	mvwhline(win, y, x + 1, ACS_HLINE, w - 2);
	mvwhline(win, y + h - 1, x + 1, ACS_HLINE, w - 2);
	mvwvline(win, y + 1, x, ACS_VLINE, h - 2);
	mvwvline(win, y + 1, x + w - 1, ACS_VLINE, h - 2);
	mvwaddch(win, y, x, ACS_ULCORNER);
	mvwaddch(win, y, x + w - 1, ACS_URCORNER);
	mvwaddch(win, y + h - 1, x, ACS_LLCORNER);
	mvwaddch(win, y + h - 1, x + w - 1, ACS_LRCORNER);
	tw = draw_width(title, strlen(title));
	if (tw > w - 6)
		tw = w - 6;
	draw_blank(win, y, x + (w - tw) / 2 - 1, tw + 2, a);
	draw_str(win, y, x + (w - tw) / 2, tw, title, 0,
	    style_attr(STYLE_DIALOG_TITLE), style_escape(STYLE_DIALOG_TITLE));
}

static void
dialog_draw_text(struct dialog *d, WINDOW *win, int lines, int cols)
{
	attr_t	 a = style_attr(STYLE_DIALOG), ea = style_escape(STYLE_DIALOG);
	int	 w, h, y, x, i;
	char	 more[64];

	w = cols - 4 < 76 ? cols - 4 : 76;
	h = (int)d->nlines + 3 < lines - 1 ? (int)d->nlines + 3 : lines - 1;
	if (w < 12 || h < 4)
		return;
	d->body = h - 3;
	if (d->scroll + (size_t)d->body > d->nlines)
		d->scroll = d->nlines > (size_t)d->body ?
		    d->nlines - (size_t)d->body : 0;
	y = (lines - h) / 2;
	x = (cols - w) / 2;
	dialog_frame(win, y, x, h, w, d->title);
	for (i = 0; i < d->body && d->scroll + (size_t)i < d->nlines; i++)
		draw_str(win, y + 1 + i, x + 2, w - 4,
		    d->lines[d->scroll + (size_t)i], 0, a, ea);
	snprintf(more, sizeof more, "Esc: close   Up/Down: scroll (%zu/%zu)",
	    d->scroll + (size_t)i, d->nlines);
	draw_str(win, y + h - 2, x + 2, w - 4, more, 0, a, a);
	d->cursor_y = d->cursor_x = -1;
	dialog_button(&d->no_y, &d->no_x, &d->no_w, y + h - 2, x + 2, w - 4,
	    0, "Esc: close");
}

/* The lines of a list, the pick in the cursor's colours. */
static void
dialog_draw_list(struct dialog *d, WINDOW *win, int lines, int cols)
{
	attr_t	 a = style_attr(STYLE_DIALOG), ea = style_escape(STYLE_DIALOG);
	attr_t	 ca = style_attr(STYLE_CURSOR);
	attr_t	 cea = style_escape(STYLE_CURSOR);
	const char *sep;
	char	*label;
	int	 w, h, y, x, i;
	size_t	 k;

	w = cols - 4 < 76 ? cols - 4 : 76;
	h = (int)d->nlines + 3 < lines - 1 ? (int)d->nlines + 3 : lines - 1;
	if (h < 4)
		h = 4;
	if (w < 12 || h > lines)
		return;
	d->body = h - 3;
	dialog_list_fix(d);
	y = (lines - h) / 2;
	x = (cols - w) / 2;
	dialog_frame(win, y, x, h, w, d->title);
	for (i = 0; i < d->body; i++) {
		k = d->scroll + (size_t)i;
		if (k >= d->nlines)
			break;
		if (k == d->sel) {
			draw_blank(win, y + 1 + i, x + 1, w - 2, ca);
			draw_str(win, y + 1 + i, x + 2, w - 4, d->lines[k], 0,
			    ca, cea);
		} else
			draw_str(win, y + 1 + i, x + 2, w - 4, d->lines[k], 0,
			    a, ea);
	}
	draw_str(win, y + h - 2, x + 2, w - 4, d->detail, 0, a, a);
	d->cursor_y = d->cursor_x = -1;
	d->rows_y = y + 1;
	d->rows_x = x + 1;
	d->rows_w = w - 2;
	/* The hint's "Enter: ..." accepts, its "Esc..." closes. */
	if ((sep = strstr(d->detail, "   ")) != NULL &&
	    strncmp(d->detail, "Enter", 5) == 0) {
		label = xstrndup(d->detail, (size_t)(sep - d->detail));
		dialog_button(&d->ok_y, &d->ok_x, &d->ok_w, y + h - 2, x + 2,
		    w - 4, 0, label);
		free(label);
	}
	if ((sep = strstr(d->detail, "Esc")) != NULL)
		dialog_button(&d->no_y, &d->no_x, &d->no_w, y + h - 2, x + 2,
		    w - 4, (int)(sep - d->detail), sep);
}

void
dialog_draw(struct dialog *d, WINDOW *win, int lines, int cols)
{
	attr_t	 a = style_attr(STYLE_DIALOG), ea = style_escape(STYLE_DIALOG);
	int	 w, h, y, x, tl, dl = 0;

	d->ok_y = d->no_y = d->rows_y = -1;
	if (d->kind == DIALOG_TEXT) {
		dialog_draw_text(d, win, lines, cols);
		return;
	}
	if (d->kind == DIALOG_LIST) {
		dialog_draw_list(d, win, lines, cols);
		return;
	}
	w = cols - 4 < 64 ? cols - 4 : 64;
	if (w < 12 || lines < 7)
		return;
	/* Up to three lines of text, one for the detail. */
	tl = draw_wrapped(NULL, 0, 0, w - 4, 3, d->text, a, ea);
	if (d->detail != NULL)
		dl = draw_wrapped(NULL, 0, 0, w - 4, 2, d->detail, a, ea);
	h = 2 + tl + dl + 1 + (d->kind == DIALOG_INPUT ? 2 : 1);
	if (h > lines)
		h = lines;
	y = (lines - h) / 2;
	x = (cols - w) / 2;
	dialog_frame(win, y, x, h, w, d->title);
	draw_wrapped(win, y + 1, x + 2, w - 4, tl, d->text, a, ea);
	if (d->detail != NULL)
		draw_wrapped(win, y + 1 + tl, x + 2, w - 4, dl, d->detail, a,
		    ea);
	d->cursor_y = d->cursor_x = -1;
	if (d->kind == DIALOG_INPUT) {
		d->cursor_y = y + 1 + tl + dl;
		d->cursor_x = line_draw(&d->input, win, d->cursor_y, x + 2,
		    w - 4, style_attr(STYLE_INPUT), style_escape(STYLE_INPUT));
		draw_str(win, y + h - 2, x + 2, w - 4,
		    "Enter: OK   Esc: cancel", 0, a, a);
		dialog_button(&d->ok_y, &d->ok_x, &d->ok_w, y + h - 2, x + 2,
		    w - 4, 0, "Enter: OK");
		dialog_button(&d->no_y, &d->no_x, &d->no_w, y + h - 2, x + 2,
		    w - 4, 12, "Esc: cancel");
		return;
	}
	draw_str(win, y + h - 2, x + 2, w - 4,
	    "[ Yes: y/Enter ]   [ No: n/Esc ]", 0, a, a);
	dialog_button(&d->ok_y, &d->ok_x, &d->ok_w, y + h - 2, x + 2, w - 4, 0,
	    "[ Yes: y/Enter ]");
	dialog_button(&d->no_y, &d->no_x, &d->no_w, y + h - 2, x + 2, w - 4,
	    19, "[ No: n/Esc ]");
}

static bool
dialog_hit(int y, int x, int hy, int hx, int hw)
{
	return hy >= 0 && y == hy && x >= hx && x < hx + hw;
}

enum dialog_answer
dialog_click(struct dialog *d, int y, int x, bool dbl)
{
	size_t	 k;

	if (dialog_hit(y, x, d->ok_y, d->ok_x, d->ok_w))
		return DIALOG_OK;
	if (dialog_hit(y, x, d->no_y, d->no_x, d->no_w))
		return DIALOG_CANCEL;
	if (d->kind != DIALOG_LIST || d->rows_y < 0 || y < d->rows_y ||
	    y >= d->rows_y + d->body || x < d->rows_x ||
	    x >= d->rows_x + d->rows_w)
		return DIALOG_OPEN;
	k = d->scroll + (size_t)(y - d->rows_y);
	if (k >= d->nlines)
		return DIALOG_OPEN;
	d->sel = k;
	return dbl ? DIALOG_OK : DIALOG_OPEN;
}

void
dialog_wheel(struct dialog *d, int dir)
{
	int	 i;

	for (i = 0; i < 3; i++) {
		if (d->kind == DIALOG_TEXT)
			dialog_text_key(d, true, dir < 0 ? KEY_UP : KEY_DOWN);
		else if (d->kind == DIALOG_LIST)
			dialog_list_key(d, true, dir < 0 ? KEY_UP : KEY_DOWN);
	}
}
