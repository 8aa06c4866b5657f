/* SPDX-License-Identifier: MIT */
/*
 * Safe, width-aware drawing of untrusted text into curses cells, and the
 * small formatters the panes use (sizes, dates).
 *
 * Every string that comes from outside (names, breadcrumbs, error
 * messages quoting a name, what the user types) goes through draw_text().
 * It walks the bytes one unit at a time: a unit is one strictly valid
 * UTF-8 sequence or one byte that does not start one.  Printable
 * characters are drawn as themselves, measured with wcwidth() (wide
 * characters take 2 cells, combining marks 0 and ride on the character
 * before them); everything a terminal could act on, or that could hide or
 * reorder text, is drawn as a visible escape in the escape attribute, in
 * the same forms as core/escape.h:
 *
 *	\e \r \n \t \b		ESC, CR, LF, TAB, BS
 *	\xHH			other C0 bytes, DEL, invalid UTF-8 bytes
 *	\u{XXXX}		C1 controls, bidi controls (U+061C, U+200E,
 *				U+200F, U+202A-U+202E, U+2066-U+2069),
 *				zero-width and other format characters, line
 *				and paragraph separators, unassigned or
 *				unprintable characters, and a combining mark
 *				with nothing to combine with
 *
 * A field never takes more cells than it is given: a wide character that
 * would straddle the edge is not drawn, and a cut string ends (or, with
 * DRAW_CUT_LEFT, begins) with an ellipsis.  So columns never shift.
 *
 * The measuring functions are pure; the drawing functions call curses and
 * so belong to the UI thread.
 */
#ifndef FERRY_TUI_DRAW_H
#define FERRY_TUI_DRAW_H

#include <curses.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Flags of draw_text(). */
#define DRAW_PAD	0x01u	/* fill the rest of the field with spaces */
#define DRAW_RIGHT	0x02u	/* align to the right edge of the field */
#define DRAW_CUT_LEFT	0x04u	/* too long: keep the end, "…" first */

/* One unit of a string as it will be drawn. */
struct draw_unit {
	size_t		 len;		/* bytes of input it covers */
	int		 width;		/* cells: 0 for a combining mark */
	uint32_t	 cp;		/* the character, when esc[0] == 0 */
	char		 esc[12];	/* the escape text, or "" */
};

/*
 * Set up for the current locale (call after setlocale): whether the
 * terminal takes UTF-8 decides between "…" and "~" and whether non-ASCII
 * characters can be drawn at all.
 */
void	 draw_init(void);
bool	 draw_utf8(void);

/*
 * The unit at s[0] (n > 0 bytes available).  after_base says whether a
 * printable character was just drawn (a combining mark may then attach).
 */
void	 draw_classify(const char *s, size_t n, bool after_base,
	    struct draw_unit *u);

/* The cells the n bytes at s take when drawn. */
int	 draw_width(const char *s, size_t n);

/*
 * Draw the n bytes at s at row y, starting at column x, in a field of
 * width cells; returns the cells used (the field width with DRAW_PAD).
 * attr is for the text, esc_attr for escapes.
 */
int	 draw_text(WINDOW *win, int y, int x, int width, const char *s,
	    size_t n, unsigned int flags, attr_t attr, attr_t esc_attr);

/* draw_text() of a NUL-terminated string. */
int	 draw_str(WINDOW *win, int y, int x, int width, const char *s,
	    unsigned int flags, attr_t attr, attr_t esc_attr);

/*
 * Draw s over at most rows lines of width cells at (y, x), broken at
 * spaces (a word longer than a line, or the rest on the last line, is
 * cut).  Returns the lines used; with win NULL, only counts them.
 */
int	 draw_wrapped(WINDOW *win, int y, int x, int width, int rows,
	    const char *s, attr_t attr, attr_t esc_attr);

/* Fill width cells at (y, x) with spaces in attr; the cursor ends after. */
void	 draw_blank(WINDOW *win, int y, int x, int width, attr_t attr);

/* "0", "512", "1.5K", "23K", "1.0M", ... (at most 5 characters). */
void	 draw_size(uint64_t bytes, char *buf, size_t len);

/*
 * "2026-11-23 16:39" in local time, or "" for 0.  brief (11 cells):
 * "11-23 16:39" this year, "2025-11-23" before.
 */
void	 draw_date(int64_t ms, bool brief, char *buf, size_t len);

#endif
