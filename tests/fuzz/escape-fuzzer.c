/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target for the display escaping of untrusted strings
 * (src/core/escape.c): the input is the raw bytes of a name, as a store,
 * a remote, a ZIP archive or a directory could hand it over.
 *
 * Checked on every input, in both modes (default and ESCAPE_UNAMBIGUOUS):
 * - the output is valid UTF-8 with no C0 byte, no DEL, no C1 code point,
 *   no bidi control and no line or paragraph separator, and at most four
 *   bytes per input byte;
 * - escape_needed() is true exactly when the output differs from the
 *   input, and escaping the output again changes nothing (default mode);
 * - in ESCAPE_UNAMBIGUOUS mode the output decodes back to exactly the
 *   input bytes (the promise that every display maps to one input);
 * - escape_display_width() gives the same columns for a string and for
 *   its display form (escape.h), and for ASCII output that is its length.
 *
 * Runs in the C.UTF-8 locale, as ferry does.  Single-threaded.
 */
#include <locale.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/escape.h"
#include "core/util.h"

int	LLVMFuzzerInitialize(int *argc, char ***argv);
int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (setlocale(LC_CTYPE, "C.UTF-8") == NULL)
		setlocale(LC_CTYPE, "");
	return 0;
}

/*
 * Strict UTF-8 decoder for the checks (written apart from escape.c's):
 * returns the sequence length and sets *cp, or 0 when malformed.
 */
static size_t
escape_fuzz_utf8(const unsigned char *s, size_t n, uint32_t *cp)
{
	size_t	 len, i;
	uint32_t c;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (s[0] < 0xc2 || s[0] > 0xf4)
		return 0;
	len = s[0] < 0xe0 ? 2 : s[0] < 0xf0 ? 3 : 4;
	if (n < len)
		return 0;
	c = s[0] & (0x7f >> len);
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (s[i] & 0x3f);
	}
	if ((len == 3 && c < 0x800) || (len == 4 && c < 0x10000) ||
	    c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return len;
}

/* True for what a terminal could act on, or what hides or reorders text. */
static bool
escape_fuzz_unsafe(uint32_t c)
{
	return c < 0x20 || c == 0x7f || (c >= 0x80 && c <= 0x9f) ||
	    c == 0x061c || c == 0x200e || c == 0x200f ||
	    (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069) ||
	    c == 0x2028 || c == 0x2029;
}

/* The output is safe to draw; true when it is all ASCII. */
static bool
escape_fuzz_safe(const char *out, size_t inlen)
{
	const unsigned char	*s = (const unsigned char *)out;
	size_t			 n, i, len;
	uint32_t		 cp;
	bool			 ascii = true;

	len = strlen(out);
	FERRY_ASSERT(len <= inlen * 4);
	for (i = 0; i < len; i += n) {
		n = escape_fuzz_utf8(s + i, len - i, &cp);
		if (n == 0 || escape_fuzz_unsafe(cp)) {
			fprintf(stderr, "escape-fuzzer: unsafe output at byte "
			    "%zu of '%s' (0x%02x)\n", i, out, s[i]);
			abort();
		}
		if (cp >= 0x80)
			ascii = false;
	}
	return ascii;
}

static int
escape_fuzz_hex(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Append the UTF-8 form of cp to buf at *o. */
static void
escape_fuzz_put(uint32_t cp, unsigned char *buf, size_t *o)
{
	if (cp < 0x80)
		buf[(*o)++] = (unsigned char)cp;
	else if (cp < 0x800) {
		buf[(*o)++] = (unsigned char)(0xc0 | cp >> 6);
		buf[(*o)++] = (unsigned char)(0x80 | (cp & 0x3f));
	} else if (cp < 0x10000) {
		buf[(*o)++] = (unsigned char)(0xe0 | cp >> 12);
		buf[(*o)++] = (unsigned char)(0x80 | (cp >> 6 & 0x3f));
		buf[(*o)++] = (unsigned char)(0x80 | (cp & 0x3f));
	} else {
		buf[(*o)++] = (unsigned char)(0xf0 | cp >> 18);
		buf[(*o)++] = (unsigned char)(0x80 | (cp >> 12 & 0x3f));
		buf[(*o)++] = (unsigned char)(0x80 | (cp >> 6 & 0x3f));
		buf[(*o)++] = (unsigned char)(0x80 | (cp & 0x3f));
	}
}

/*
 * Decode an ESCAPE_UNAMBIGUOUS display form back to bytes (buf has room
 * for strlen(out) bytes).  Every backslash must start an escape.  Returns
 * the length, or aborts naming the bad escape.
 */
static size_t
escape_fuzz_unescape(const char *out, unsigned char *buf)
{
	static const char	 letters[] = "nrtbe\\";
	static const char	 bytes[] = "\n\r\t\b\033\\";
	const char		*p = out, *l, *end;
	uint32_t		 cp;
	size_t			 o = 0;
	int			 h1, h2;

	while (*p != '\0') {
		if (*p != '\\') {
			buf[o++] = (unsigned char)*p++;
			continue;
		}
		if (p[1] != '\0' && (l = strchr(letters, p[1])) != NULL) {
			buf[o++] = (unsigned char)bytes[l - letters];
			p += 2;
		} else if (p[1] == 'x' && (h1 = escape_fuzz_hex(p[2])) >= 0 &&
		    (h2 = escape_fuzz_hex(p[3])) >= 0) {
			buf[o++] = (unsigned char)(h1 << 4 | h2);
			p += 4;
		} else if (p[1] == 'u' && p[2] == '{' &&
		    (end = strchr(p + 3, '}')) != NULL && end - p >= 4 &&
		    end - p <= 9) {
			cp = (uint32_t)strtoul(p + 3, NULL, 16);
			escape_fuzz_put(cp, buf, &o);
			p = end + 1;
		} else {
			fprintf(stderr, "escape-fuzzer: a backslash that starts "
			    "no escape at byte %td of '%s'\n", p - out, out);
			abort();
		}
	}
	return o;
}

/* One mode: safety, escape_needed, and (unambiguous) the round trip. */
static void
escape_fuzz_mode(const char *s, size_t len, unsigned int flags)
{
	unsigned char	*back;
	size_t		 olen, blen;
	char		*out, *again;
	bool		 same;

	out = escape_display_flags(s, len, flags);
	escape_fuzz_safe(out, len);
	olen = strlen(out);
	same = olen == len && memcmp(out, s, len) == 0;
	FERRY_ASSERT(escape_needed_flags(s, len, flags) == !same);
	if (flags == 0) {
		FERRY_ASSERT(!escape_needed(out, olen));
		again = escape_display(out, olen);
		FERRY_ASSERT(strcmp(again, out) == 0);
		free(again);
		again = escape_display(s, len);
		FERRY_ASSERT(strcmp(again, out) == 0);
		free(again);
	} else {
		back = xmalloc(olen + 1);
		blen = escape_fuzz_unescape(out, back);
		if (blen != len || memcmp(back, s, len) != 0) {
			fprintf(stderr, "escape-fuzzer: '%s' does not decode "
			    "back to the %zu input bytes\n", out, len);
			abort();
		}
		free(back);
	}
	free(out);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	*s, *cstr, *shown;
	size_t	 w1, w2;

	if (size > 65536)
		return 0;
	/* Exact-size copy: escape_display must not read past len. */
	s = xmalloc(size > 0 ? size : 1);
	memcpy(s, data, size);
	escape_fuzz_mode(s, size, 0);
	escape_fuzz_mode(s, size, ESCAPE_UNAMBIGUOUS);
	free(s);

	/* The width functions take a C string: the input up to a NUL. */
	cstr = xstrndup((const char *)data, size);
	shown = escape_display(cstr, strlen(cstr));
	w1 = escape_display_width(cstr);
	w2 = escape_display_width(shown);
	if (w1 != w2) {
		fprintf(stderr, "escape-fuzzer: width %zu of the string, %zu "
		    "of its display form '%s'\n", w1, w2, shown);
		abort();
	}
	if (escape_fuzz_safe(shown, strlen(cstr)))
		FERRY_ASSERT(w2 == strlen(shown));
	free(shown);
	free(cstr);
	return 0;
}
