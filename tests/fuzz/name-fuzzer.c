/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target for the naming rules (ferry_name_check in src/core/name.c):
 * the input is the raw bytes of a name, NULs included.
 *
 * The verdict is compared with a reference written here independently of
 * name.c: UTF-8 is checked against the table of well-formed byte sequences
 * in the Unicode standard (Table 3-7) rather than by decoding, and the byte
 * rules are applied to the result.  Both must agree on accepting the name,
 * a rejection must be FERRY_E_INVALID_NAME with a message, and a rejection
 * at a position in the name must name that byte offset (entry.h promises
 * "naming the offending byte offset").
 *
 * Single-threaded.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ferry/entry.h"
#include "core/util.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* One row of Unicode Table 3-7: a lead byte range, then the ranges of
 * the bytes that follow it. */
struct name_fuzz_row {
	uint8_t	 lo, hi;
	uint8_t	 n;			/* bytes in the sequence */
	uint8_t	 next[3][2];
};

static const struct name_fuzz_row name_fuzz_rows[] = {
	{ 0x00, 0x7f, 1, { { 0, 0 }, { 0, 0 }, { 0, 0 } } },
	{ 0xc2, 0xdf, 2, { { 0x80, 0xbf }, { 0, 0 }, { 0, 0 } } },
	{ 0xe0, 0xe0, 3, { { 0xa0, 0xbf }, { 0x80, 0xbf }, { 0, 0 } } },
	{ 0xe1, 0xec, 3, { { 0x80, 0xbf }, { 0x80, 0xbf }, { 0, 0 } } },
	{ 0xed, 0xed, 3, { { 0x80, 0x9f }, { 0x80, 0xbf }, { 0, 0 } } },
	{ 0xee, 0xef, 3, { { 0x80, 0xbf }, { 0x80, 0xbf }, { 0, 0 } } },
	{ 0xf0, 0xf0, 4, { { 0x90, 0xbf }, { 0x80, 0xbf }, { 0x80, 0xbf } } },
	{ 0xf1, 0xf3, 4, { { 0x80, 0xbf }, { 0x80, 0xbf }, { 0x80, 0xbf } } },
	{ 0xf4, 0xf4, 4, { { 0x80, 0x8f }, { 0x80, 0xbf }, { 0x80, 0xbf } } },
};

/* Length of the well-formed sequence at s (n bytes left), or 0. */
static size_t
name_fuzz_seq(const uint8_t *s, size_t n)
{
	const struct name_fuzz_row	*r;
	size_t				 i, k;

	for (i = 0; i < FERRY_NELEM(name_fuzz_rows); i++) {
		r = &name_fuzz_rows[i];
		if (s[0] < r->lo || s[0] > r->hi)
			continue;
		if (n < r->n)
			return 0;
		for (k = 1; k < r->n; k++)
			if (s[k] < r->next[k - 1][0] ||
			    s[k] > r->next[k - 1][1])
				return 0;
		return r->n;
	}
	return 0;
}

/*
 * The reference verdict: true when the name is valid; otherwise *at gets
 * the offset of the offending unit, or SIZE_MAX when the name as a whole
 * is refused (empty, too long, "." or "..").
 */
static bool
name_fuzz_reference(const uint8_t *s, size_t len, size_t *at)
{
	size_t	 i, n;

	*at = SIZE_MAX;
	if (len == 0 || len > FERRY_NAME_MAX)
		return false;
	if ((len == 1 && s[0] == '.') || (len == 2 && memcmp(s, "..", 2) == 0))
		return false;
	for (i = 0; i < len; i += n) {
		*at = i;
		n = name_fuzz_seq(s + i, len - i);
		if (n == 0)
			return false;		/* not UTF-8 */
		if (s[i] < 0x20 || s[i] == 0x7f || s[i] == '/')
			return false;		/* NUL, C0, DEL, slash */
		if (n == 2 && s[i] == 0xc2 && s[i + 1] <= 0x9f)
			return false;		/* C1: U+0080-U+009F */
	}
	*at = SIZE_MAX;
	return true;
}

/* True when msg says "offset N" for exactly this N (not a longer number). */
static bool
name_fuzz_names_offset(const char *msg, size_t at)
{
	const char	*m;
	char		 want[64];
	size_t		 n;

	n = (size_t)snprintf(want, sizeof want, "offset %zu", at);
	for (m = msg; (m = strstr(m, want)) != NULL; m += n)
		if (m[n] < '0' || m[n] > '9')
			return true;
	return false;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ferry_error	 err;
	enum ferry_code		 code;
	char			*name;
	size_t			 at;
	bool			 valid;

	/* An exact-size copy, so a read past len is seen by ASan. */
	name = xmalloc(size > 0 ? size : 1);
	memcpy(name, data, size);
	ferry_error_clear(&err);
	code = ferry_name_check(name, size, &err);
	valid = name_fuzz_reference(data, size, &at);
	if (valid != (code == FERRY_OK)) {
		fprintf(stderr, "name-fuzzer: a %zu-byte name: reference says "
		    "%s, ferry_name_check says %s (%s)\n", size,
		    valid ? "valid" : "invalid", ferry_strerror(code),
		    err.msg);
		abort();
	}
	if (!valid) {
		FERRY_ASSERT(code == FERRY_E_INVALID_NAME);
		FERRY_ASSERT(err.code == code && err.msg[0] != '\0');
		if (at != SIZE_MAX && !name_fuzz_names_offset(err.msg, at)) {
			fprintf(stderr, "name-fuzzer: the message '%s' does "
			    "not name offset %zu\n", err.msg, at);
			abort();
		}
	}
	/* A NULL name is refused, whatever the length says. */
	FERRY_ASSERT(ferry_name_check(NULL, size, NULL) ==
	    FERRY_E_INVALID_NAME);
	free(name);
	return 0;
}
