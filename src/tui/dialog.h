/* SPDX-License-Identifier: MIT */
/*
 * Modal dialogs (a one-line input, a yes/no question) and the line editor
 * they share with the filter prompt.
 *
 * A dialog only edits its own text and answers keys with "still open",
 * "accepted" or "cancelled"; the caller decides what an answer does (it
 * sends a request to the worker), so dialogs never block and never touch
 * a backend.  Text shown in a dialog (a name in a question, what the user
 * types) is drawn through draw_text(), escapes and all.
 *
 * UI thread only (curses).
 */
#ifndef FERRY_TUI_DIALOG_H
#define FERRY_TUI_DIALOG_H

#include <curses.h>
#include <stdbool.h>
#include <stddef.h>
#include <wchar.h>

#define LINE_MAX_BYTES	4096	/* longest text a line editor holds */

/* A one-line text editor: UTF-8 text and a cursor (a byte offset). */
struct line {
	char		*buf;
	size_t		 len;
	size_t		 pos;
};

enum line_result {
	LINE_NONE = 0,		/* key not for the editor */
	LINE_EDITED,		/* the text changed */
	LINE_MOVED,		/* only the cursor moved */
	LINE_ENTER,
	LINE_ESCAPE,
};

void	 line_init(struct line *l, const char *text);
void	 line_done(struct line *l);
void	 line_set(struct line *l, const char *text);
/* Apply a key from get_wch(): fkey says it was a KEY_CODE_YES code. */
enum line_result line_key(struct line *l, bool fkey, wint_t ch);
/*
 * Draw the text in width cells at (y, x), scrolled so the cursor shows;
 * returns the cursor's column.
 */
int	 line_draw(const struct line *l, WINDOW *win, int y, int x, int width,
	    attr_t attr, attr_t esc_attr);

enum dialog_kind {
	DIALOG_INPUT = 1,
	DIALOG_CONFIRM = 2,
	DIALOG_TEXT = 3,	/* lines to read, scrolled; any close key */
	DIALOG_LIST = 4,	/* lines to pick one of; Enter picks */
};

enum dialog_answer {
	DIALOG_OPEN = 0,
	DIALOG_OK,
	DIALOG_CANCEL,
};

struct dialog {
	enum dialog_kind kind;
	int		 action;	/* the caller's tag */
	char		*title;
	char		*text;		/* prompt or question (untrusted ok) */
	char		*detail;	/* a second line, or NULL */
	struct line	 input;
	int		 cursor_y;	/* where the text cursor goes */
	int		 cursor_x;
	const char *const *lines;	/* DIALOG_TEXT: borrowed */
	size_t		 nlines;
	size_t		 scroll;	/* DIALOG_TEXT: first line shown */
	int		 body;		/* DIALOG_TEXT: lines shown at last draw */
	size_t		 sel;		/* DIALOG_LIST: the line picked */
	/* Where the last draw put things, for the mouse (y -1: nowhere). */
	int		 ok_y, ok_x, ok_w;	/* what accepts: Yes, OK */
	int		 no_y, no_x, no_w;	/* what cancels: No, Esc */
	int		 rows_y, rows_x, rows_w; /* DIALOG_LIST: the lines */
};

/* An input dialog; initial may be NULL.  The cursor is at the end. */
struct dialog	*dialog_input(int action, const char *title,
		    const char *prompt, const char *initial);
/* A yes/no question (Enter or y: yes; Esc or n: no). */
struct dialog	*dialog_confirm(int action, const char *title,
		    const char *question, const char *detail);
/*
 * A text to read (help): n lines, borrowed (static strings).  Arrows,
 * PgUp/PgDn, Home/End scroll; Esc, q, Enter, F1, F10 or ? close.
 */
struct dialog	*dialog_text(int action, const char *title,
		    const char *const *lines, size_t n);
/*
 * A list to pick a line of (bookmarks): n lines, borrowed (the caller
 * may change d->lines and d->nlines while it is open; sel is clamped).
 * Arrows, j/k, PgUp/PgDn, Home/End/g/G move; Enter accepts the line at
 * d->sel; Esc, q or F10 close.  hint: the keys line at the bottom.
 */
struct dialog	*dialog_list(int action, const char *title,
		    const char *const *lines, size_t n, const char *hint);
void		 dialog_free(struct dialog *d);

enum dialog_answer dialog_key(struct dialog *d, bool fkey, wint_t ch);

/*
 * A click at (y, x) where the last draw put the dialog: on Yes/OK or
 * No/cancel, that answer; on a line of a list, that line is picked, and
 * a double click (dbl) accepts it.  Anywhere else: DIALOG_OPEN.
 */
enum dialog_answer dialog_click(struct dialog *d, int y, int x, bool dbl);

/* The wheel over a dialog: scroll a text, move in a list. */
void		 dialog_wheel(struct dialog *d, int dir);

/* Draw centered on a lines x cols screen. */
void		 dialog_draw(struct dialog *d, WINDOW *win, int lines,
		    int cols);

/* The text typed into an input dialog. */
const char	*dialog_value(const struct dialog *d);

#endif
