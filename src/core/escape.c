/* SPDX-License-Identifier: MIT */
/*
 * Escaping of untrusted strings for display (see escape.h for the escapes
 * and the backslash choice).
 *
 * The input is walked one unit at a time: a unit is either one valid UTF-8
 * sequence (decoded strictly: no overlong forms, no surrogates, nothing
 * past U+10FFFF, no truncated sequence) or one byte that does not start
 * such a sequence.  Each unit is kept or replaced by an escape, so the
 * output is always valid UTF-8 free of control and bidi characters, and a
 * unit's escape never depends on its neighbours.
 *
 * Pure functions, no state; safe from any thread.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "core/escape.h"
#include "core/util.h"

/* What to do with one unit. */
enum escape_how {
	ESCAPE_KEEP,		/* copy the bytes */
	ESCAPE_SHORT,		/* a backslash letter: \n \r \t \b \e \\ */
	ESCAPE_BYTE,		/* \xHH */
	ESCAPE_POINT,		/* \u{XXXX} */
};

struct escape_unit {
	enum escape_how	 how;
	size_t		 len;		/* bytes of input */
	uint32_t	 cp;		/* code point, or the byte */
	char		 letter;	/* for ESCAPE_SHORT */
};

/*
 * Decode one UTF-8 sequence at s (n bytes available).  Returns its length
 * and sets *cp, or returns 0 when the bytes do not form a valid sequence.
 */
static size_t
escape_decode(const unsigned char *s, size_t n, uint32_t *cp)
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
		return 0;	/* continuation byte, 0xc0/0xc1 or 0xf5.. */
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

/* True for the code points that reorder or hide text, or break lines. */
static int
escape_is_invisible(uint32_t cp)
{
	return (cp == 0x061c || cp == 0x200e || cp == 0x200f ||
	    (cp >= 0x202a && cp <= 0x202e) ||
	    (cp >= 0x2066 && cp <= 0x2069) ||
	    cp == 0x2028 || cp == 0x2029);
}

/* Classify the unit at s (n > 0 bytes available). */
static void
escape_classify(const unsigned char *s, size_t n, unsigned int flags,
    struct escape_unit *u)
{
	static const char	 from[] = "\n\r\t\b\033";
	static const char	 to[] = "nrtbe";
	const char		*p;
	uint32_t		 cp;
	size_t			 len;

	memset(u, 0, sizeof *u);
	len = escape_decode(s, n, &cp);
	if (len == 0) {
		u->how = ESCAPE_BYTE;
		u->len = 1;
		u->cp = s[0];
		return;
	}
	u->len = len;
	u->cp = cp;
	if (cp == '\\' && (flags & ESCAPE_UNAMBIGUOUS)) {
		u->how = ESCAPE_SHORT;
		u->letter = '\\';
	} else if (cp != 0 && cp < 0x80 &&
	    (p = strchr(from, (int)cp)) != NULL) {
		u->how = ESCAPE_SHORT;
		u->letter = to[p - from];
	} else if (cp < 0x20 || cp == 0x7f)
		u->how = ESCAPE_BYTE;
	else if ((cp >= 0x80 && cp <= 0x9f) || escape_is_invisible(cp))
		u->how = ESCAPE_POINT;
	else
		u->how = ESCAPE_KEEP;
}

/* Append the display form of u (from input bytes s) at out; its length. */
static size_t
escape_emit(const struct escape_unit *u, const unsigned char *s, char *out)
{
	switch (u->how) {
	case ESCAPE_KEEP:
		memcpy(out, s, u->len);
		return u->len;
	case ESCAPE_SHORT:
		out[0] = '\\';
		out[1] = u->letter;
		return 2;
	case ESCAPE_BYTE:
		return (size_t)sprintf(out, "\\x%02x", (unsigned int)u->cp);
	case ESCAPE_POINT:
		return (size_t)sprintf(out, "\\u{%04X}", (unsigned int)u->cp);
	}
	return 0;
}

char *
escape_display_flags(const char *s, size_t len, unsigned int flags)
{
	const unsigned char	*p = (const unsigned char *)s;
	struct escape_unit	 u;
	char			*out;
	size_t			 i, o;

	/*
	 * Worst case: a one-byte unit becomes \xHH (4), a two-byte C1 unit
	 * \u{0085} (8) and a three-byte bidi unit \u{202E} (8): at most four
	 * output bytes per input byte.
	 */
	if (len > (SIZE_MAX - 1) / 4)
		len = (SIZE_MAX - 1) / 4;
	out = xmalloc(len * 4 + 1);
	for (i = 0, o = 0; i < len; i += u.len) {
		escape_classify(p + i, len - i, flags, &u);
		o += escape_emit(&u, p + i, out + o);
	}
	out[o] = '\0';
	return out;
}

char *
escape_display(const char *s, size_t len)
{
	return escape_display_flags(s, len, 0);
}

bool
escape_needed_flags(const char *s, size_t len, unsigned int flags)
{
	const unsigned char	*p = (const unsigned char *)s;
	struct escape_unit	 u;
	size_t			 i;

	for (i = 0; i < len; i += u.len) {
		/* Printable ASCII is the common case: skip it quickly. */
		if (p[i] >= 0x20 && p[i] < 0x7f && p[i] != '\\') {
			u.len = 1;
			continue;
		}
		escape_classify(p + i, len - i, flags, &u);
		if (u.how != ESCAPE_KEEP)
			return true;
	}
	return false;
}

bool
escape_needed(const char *s, size_t len)
{
	return escape_needed_flags(s, len, 0);
}

/*
 * Columns of cp when the locale's wcwidth() cannot tell (the "C" locale):
 * the main combining ranges are 0, the East Asian wide ranges and the
 * common emoji blocks are 2, the rest 1.
 */
static int
escape_fallback_width(uint32_t cp)
{
	static const uint32_t zero[][2] = {
		{ 0x0300, 0x036f }, { 0x0483, 0x0489 }, { 0x0591, 0x05bd },
		{ 0x0610, 0x061a }, { 0x064b, 0x065f }, { 0x0e31, 0x0e31 },
		{ 0x0e34, 0x0e3a }, { 0x1ab0, 0x1aff }, { 0x1dc0, 0x1dff },
		{ 0x200b, 0x200d }, { 0x20d0, 0x20ff }, { 0xfe00, 0xfe0f },
		{ 0xfe20, 0xfe2f }, { 0xe0100, 0xe01ef },
	};
	static const uint32_t wide[][2] = {
		{ 0x1100, 0x115f }, { 0x2e80, 0x303e }, { 0x3041, 0x33ff },
		{ 0x3400, 0x4dbf }, { 0x4e00, 0x9fff }, { 0xa000, 0xa4cf },
		{ 0xac00, 0xd7a3 }, { 0xf900, 0xfaff }, { 0xfe30, 0xfe4f },
		{ 0xff00, 0xff60 }, { 0xffe0, 0xffe6 }, { 0x1f300, 0x1f64f },
		{ 0x1f900, 0x1f9ff }, { 0x20000, 0x2fffd },
		{ 0x30000, 0x3fffd },
	};
	size_t	 i;

	for (i = 0; i < FERRY_NELEM(zero); i++)
		if (cp >= zero[i][0] && cp <= zero[i][1])
			return 0;
	for (i = 0; i < FERRY_NELEM(wide); i++)
		if (cp >= wide[i][0] && cp <= wide[i][1])
			return 2;
	return 1;
}

size_t
escape_display_width(const char *s)
{
	const unsigned char	*p = (const unsigned char *)s;
	struct escape_unit	 u;
	char			 buf[16];
	size_t			 i, n, width = 0;
	int			 w;

	n = strlen(s);
	for (i = 0; i < n; i += u.len) {
		escape_classify(p + i, n - i, 0, &u);
		if (u.how != ESCAPE_KEEP) {
			width += escape_emit(&u, p + i, buf);
			continue;
		}
		if (u.cp < 0x80) {
			width++;
			continue;
		}
		w = wcwidth((wchar_t)u.cp);
		if (w < 0 || (w == 1 && MB_CUR_MAX == 1))
			w = escape_fallback_width(u.cp);
		width += (size_t)w;
	}
	return width;
}
