/* SPDX-License-Identifier: MIT */
/*
 * Safe, width-aware text cells for curses (see draw.h for the escapes).
 *
 * Invariant: draw_text() never moves the cursor past x + width on its
 * row, whatever the bytes, so a field can never push the next column.
 * Units are classified strictly from the start of the string (a combining
 * mark is only kept after a printable character), so measuring and
 * drawing always agree.
 *
 * Measuring is pure; drawing is for the UI thread (curses).  The one
 * piece of state, whether the locale is UTF-8, is set once by draw_init()
 * before any other thread exists.
 */
#include <curses.h>
#include <langinfo.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <wchar.h>
#include <wctype.h>

#include "tui/draw.h"

static bool	 draw_is_utf8 = true;

void
draw_init(void)
{
	const char	*cs = nl_langinfo(CODESET);

	draw_is_utf8 = cs != NULL && (strcasecmp(cs, "UTF-8") == 0 ||
	    strcasecmp(cs, "utf8") == 0);
}

bool
draw_utf8(void)
{
	return draw_is_utf8;
}

/* Decode one strictly valid UTF-8 sequence; its length or 0. */
static size_t
draw_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
	uint32_t	 c, min;
	size_t		 len, i;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		len = 2;
		c = s[0] & 0x1f;
		min = 0x80;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		len = 3;
		c = s[0] & 0x0f;
		min = 0x800;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		len = 4;
		c = s[0] & 0x07;
		min = 0x10000;
	} else
		return 0;
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return len;
}

/*
 * Characters that reorder, hide or join text, or break lines: always
 * shown as escapes even where the terminal would draw them.
 */
static bool
draw_is_hidden(uint32_t cp)
{
	return cp == 0x00ad || cp == 0x061c || cp == 0x180e ||
	    (cp >= 0x200b && cp <= 0x200f) ||
	    (cp >= 0x2028 && cp <= 0x202e) ||
	    (cp >= 0x2060 && cp <= 0x206f) ||
	    cp == 0xfeff || (cp >= 0xfff9 && cp <= 0xfffb) ||
	    (cp >= 0x1bca0 && cp <= 0x1bca3) ||
	    (cp >= 0xe0000 && cp <= 0xe007f);
}

static void
draw_escape(struct draw_unit *u, const char *fmt, uint32_t v)
{
	snprintf(u->esc, sizeof u->esc, fmt, (unsigned int)v);
	u->width = (int)strlen(u->esc);
}

void
draw_classify(const char *s, size_t n, bool after_base, struct draw_unit *u)
{
	static const char	 from[] = "\n\r\t\b\033";
	static const char	 to[] = "nrtbe";
	const char		*p;
	uint32_t		 cp;
	int			 w;

	memset(u, 0, sizeof *u);
	u->len = draw_decode((const unsigned char *)s, n, &cp);
	if (u->len == 0) {
		u->len = 1;
		draw_escape(u, "\\x%02x", (unsigned char)s[0]);
		return;
	}
	u->cp = cp;
	if (cp != 0 && cp < 0x80 && (p = strchr(from, (int)cp)) != NULL) {
		u->esc[0] = '\\';
		u->esc[1] = to[p - from];
		u->width = 2;
		return;
	}
	if (cp < 0x20 || cp == 0x7f) {
		draw_escape(u, "\\x%02x", cp);
		return;
	}
	if (cp < 0x80) {
		u->width = 1;
		return;
	}
	if (cp <= 0x9f || draw_is_hidden(cp) || !draw_is_utf8) {
		draw_escape(u, "\\u{%04X}", cp);
		return;
	}
	w = wcwidth((wchar_t)cp);
	if (w < 0 || w > 2 || (w > 0 && !iswprint((wint_t)cp)) ||
	    (w == 0 && !after_base)) {
		draw_escape(u, "\\u{%04X}", cp);
		return;
	}
	u->width = w;
}

int
draw_width(const char *s, size_t n)
{
	struct draw_unit u;
	size_t		 i;
	int		 width = 0;
	bool		 base = false;

	for (i = 0; i < n; i += u.len) {
		if ((unsigned char)s[i] >= 0x20 && (unsigned char)s[i] < 0x7f) {
			/* Printable ASCII: the common case. */
			u.len = 1;
			width++;
			base = true;
			continue;
		}
		draw_classify(s + i, n - i, base, &u);
		width += u.width;
		base = u.esc[0] == '\0';
	}
	return width;
}

void
draw_blank(WINDOW *win, int y, int x, int width, attr_t attr)
{
	if (width <= 0)
		return;
	wattrset(win, (int)attr);
	mvwhline(win, y, x, ' ', width);
	/* whline leaves the cursor at the start: put it after the blanks. */
	wmove(win, y, x + width);
}

/* Emit one unit, at most room cells of it (escapes may be cut). */
static int
draw_emit(WINDOW *win, const struct draw_unit *u, int room, attr_t attr,
    attr_t esc_attr)
{
	wchar_t	 wc;
	int	 n;

	if (u->esc[0] != '\0') {
		n = u->width < room ? u->width : room;
		wattrset(win, (int)esc_attr);
		waddnstr(win, u->esc, n);
		return n;
	}
	if (u->width > room)
		return 0;
	wattrset(win, (int)attr);
	wc = (wchar_t)u->cp;
	waddnwstr(win, &wc, 1);
	return u->width;
}

static const char *
draw_ellipsis(void)
{
	return draw_is_utf8 ? "\xe2\x80\xa6" : "~";
}

/*
 * Draw the units of s after the first skip cells, at most room cells.  A
 * combining mark is drawn only when its base was; a unit straddling the
 * skip is replaced by blanks; an escape straddling the end is cut.
 * Returns the cells used.
 */
static int
draw_run(WINDOW *win, const char *s, size_t n, int room, int skip,
    attr_t attr, attr_t esc_attr)
{
	struct draw_unit u;
	size_t		 i;
	int		 used = 0, seen = 0, pad;
	bool		 base = false, drawing = skip <= 0, drawn = false;

	for (i = 0; i < n && used < room; i += u.len) {
		draw_classify(s + i, n - i, base, &u);
		base = u.esc[0] == '\0';
		if (!drawing) {
			seen += u.width;
			if (seen >= skip) {
				drawing = true;
				pad = seen - skip < room ? seen - skip : room;
				draw_blank(win, getcury(win), getcurx(win),
				    pad, attr);
				used += pad;
			}
			continue;
		}
		if (u.width == 0) {
			if (drawn)
				draw_emit(win, &u, 0, attr, esc_attr);
			continue;
		}
		if (used + u.width > room && u.esc[0] == '\0')
			break;
		used += draw_emit(win, &u, room - used, attr, esc_attr);
		drawn = u.esc[0] == '\0';
	}
	return used;
}

int
draw_text(WINDOW *win, int y, int x, int width, const char *s, size_t n,
    unsigned int flags, attr_t attr, attr_t esc_attr)
{
	int	 total, used = 0;

	if (width <= 0)
		return 0;
	total = draw_width(s, n);
	wmove(win, y, x);
	if (total <= width) {
		if (flags & DRAW_RIGHT) {
			draw_blank(win, y, x, width - total, attr);
			used = width - total;
			wmove(win, y, x + used);
		}
		used += draw_run(win, s, n, width - used, 0, attr, esc_attr);
	} else if (flags & DRAW_CUT_LEFT) {
		wattrset(win, (int)esc_attr);
		waddstr(win, draw_ellipsis());
		used = 1;
		used += draw_run(win, s, n, width - 1, total - (width - 1),
		    attr, esc_attr);
	} else {
		used = draw_run(win, s, n, width - 1, 0, attr, esc_attr);
		wmove(win, y, x + used);
		wattrset(win, (int)esc_attr);
		waddstr(win, draw_ellipsis());
		used++;
	}
	if ((flags & DRAW_PAD) && used < width) {
		draw_blank(win, y, x + used, width - used, attr);
		used = width;
	}
	wattrset(win, (int)attr);
	return used;
}

int
draw_str(WINDOW *win, int y, int x, int width, const char *s,
    unsigned int flags, attr_t attr, attr_t esc_attr)
{
	return draw_text(win, y, x, width, s, strlen(s), flags, attr,
	    esc_attr);
}

int
draw_wrapped(WINDOW *win, int y, int x, int width, int rows, const char *s,
    attr_t attr, attr_t esc_attr)
{
	size_t	 len, i, best;
	int	 row;

	for (row = 0; row < rows && *s != '\0'; row++) {
		len = strlen(s);
		best = 0;
		if (draw_width(s, len) > width && row < rows - 1) {
			for (i = 1; i < len; i++) {
				if (s[i] != ' ')
					continue;
				if (draw_width(s, i) > width)
					break;
				best = i;
			}
		}
		if (best == 0) {
			/* The rest fits, or cannot be broken: cut it. */
			if (win != NULL)
				draw_text(win, y + row, x, width, s, len, 0,
				    attr, esc_attr);
			return row + 1;
		}
		if (win != NULL)
			draw_text(win, y + row, x, width, s, best, 0, attr,
			    esc_attr);
		s += best + 1;
	}
	return row;
}

void
draw_size(uint64_t bytes, char *buf, size_t len)
{
	static const char units[] = "KMGTPE";
	double		 v;
	size_t		 u = 0;

	if (bytes < 1024) {
		snprintf(buf, len, "%u", (unsigned int)bytes);
		return;
	}
	v = (double)bytes / 1024.0;
	while (v >= 1023.95 && u + 1 < sizeof units - 1) {
		v /= 1024.0;
		u++;
	}
	if (v < 9.95)
		snprintf(buf, len, "%.1f%c", v, units[u]);
	else
		snprintf(buf, len, "%.0f%c", v, units[u]);
}

void
draw_date(int64_t ms, bool brief, char *buf, size_t len)
{
	struct tm	 tm, now;
	time_t		 t, tnow;
	const char	*fmt = "%Y-%m-%d %H:%M";

	if (ms == 0 || len == 0) {
		if (len > 0)
			buf[0] = '\0';
		return;
	}
	t = (time_t)(ms / 1000);
	if (localtime_r(&t, &tm) == NULL) {
		buf[0] = '\0';
		return;
	}
	if (brief) {
		tnow = time(NULL);
		fmt = localtime_r(&tnow, &now) != NULL &&
		    now.tm_year == tm.tm_year ? "%m-%d %H:%M" : "%Y-%m-%d";
	}
	if (strftime(buf, len, fmt, &tm) == 0)
		buf[0] = '\0';
}
