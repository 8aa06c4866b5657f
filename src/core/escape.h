/* SPDX-License-Identifier: MIT */
/*
 * Safe display of untrusted strings (names from a store, a remote, a ZIP
 * archive or a local directory) on a terminal.  Valid printable UTF-8 is
 * kept; everything a terminal could act on or that could hide or reorder
 * text is shown as a visible escape instead:
 *
 *	\n \r \t \b \e		newline, return, tab, backspace, ESC
 *	\xHH			other C0 bytes, DEL, NUL, invalid UTF-8 bytes
 *	\u{XXXX}		C1 controls U+0080-U+009F, bidi controls
 *				(U+061C, U+200E, U+200F, U+202A-U+202E,
 *				U+2066-U+2069) and the line/paragraph
 *				separators U+2028, U+2029
 *	\\			a backslash, in ESCAPE_UNAMBIGUOUS mode only
 *
 * Backslashes are left alone by default: a name with a backslash reads
 * naturally in a pane, at the price that "a\n" (four bytes) and "a<LF>"
 * display alike.  Output meant to be read back or compared (the CLI's
 * listings, error messages quoting a name) uses ESCAPE_UNAMBIGUOUS, where
 * a literal backslash becomes \\ and every display maps to one input.
 *
 * Pure functions, no state; safe from any thread.  The width function uses
 * wcwidth(), which follows the LC_CTYPE locale of the process; when the
 * locale cannot answer (the "C" locale) a small built-in table is used.
 */
#ifndef FERRY_ESCAPE_H
#define FERRY_ESCAPE_H

#include <stdbool.h>
#include <stddef.h>

#define ESCAPE_UNAMBIGUOUS	0x01u	/* also show '\' as \\ */

/*
 * The display form of the len bytes at s (NULs inside included), as a
 * malloc'd NUL-terminated string; default mode (backslashes kept).
 */
char	*escape_display(const char *s, size_t len);

/* Like escape_display() with ESCAPE_* flags. */
char	*escape_display_flags(const char *s, size_t len, unsigned int flags);

/* True when escape_display() would change the len bytes at s. */
bool	 escape_needed(const char *s, size_t len);

/* Like escape_needed() with ESCAPE_* flags. */
bool	 escape_needed_flags(const char *s, size_t len, unsigned int flags);

/*
 * The terminal columns the display form of the string s takes: wide
 * characters count 2, combining marks 0, and each escape its own length.
 * Applying it to s or to escape_display(s) gives the same answer.
 */
size_t	 escape_display_width(const char *s);

#endif
