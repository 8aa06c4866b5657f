/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for src/core/escape.c: hostile strings (terminal escape
 * sequences, carriage returns, backspaces, bidi overrides, invalid UTF-8,
 * C1 controls) come out as visible escapes, printable text (CJK, combining
 * marks, emoji) is kept, the unambiguous mode escapes backslashes, and the
 * width of the display form.
 */
#include <locale.h>
#include <stdlib.h>
#include <string.h>

#include "core/escape.h"
#include "core/util.h"
#include "lib/check.h"

struct row {
	const char	*in;
	size_t		 len;		/* 0: strlen(in) */
	const char	*want;
	const char	*want_unambiguous;	/* NULL: same as want */
};

static void
test_escape_table(void)
{
	static const struct row rows[] = {
		{ "plain.txt", 0, "plain.txt", NULL },
		{ "", 0, "", NULL },
		{ "\x1b]0;title\x07", 0, "\\e]0;title\\x07", NULL },
		{ "\x1b[2J", 0, "\\e[2J", NULL },
		{ "a\rb", 0, "a\\rb", NULL },
		{ "a\nb\tc", 0, "a\\nb\\tc", NULL },
		{ "abc\b\b\bxyz", 0, "abc\\b\\b\\bxyz", NULL },
		{ "del\x7f", 0, "del\\x7f", NULL },
		{ "nul\0in", 6, "nul\\x00in", NULL },
		{ "\x01\x1f", 0, "\\x01\\x1f", NULL },
		/* bidi: RLO makes "txt.exe" read as "exe.txt" */
		{ "evil\xe2\x80\xaetxt.exe", 0, "evil\\u{202E}txt.exe", NULL },
		{ "\xe2\x80\x8f\xe2\x81\xa6\xe2\x81\xa9\xd8\x9c", 0,
		    "\\u{200F}\\u{2066}\\u{2069}\\u{061C}", NULL },
		{ "line\xe2\x80\xa8sep", 0, "line\\u{2028}sep", NULL },
		/* invalid UTF-8, byte by byte */
		{ "\xff\xfe", 0, "\\xff\\xfe", NULL },
		{ "\xc0\xaf", 0, "\\xc0\\xaf", NULL },		/* overlong / */
		{ "\xed\xa0\x80", 0, "\\xed\\xa0\\x80", NULL },	/* surrogate */
		{ "ab\xe4\xb8", 0, "ab\\xe4\\xb8", NULL },	/* truncated */
		{ "\xf4\x90\x80\x80", 0, "\\xf4\\x90\\x80\\x80", NULL },
		/* C1: CSI as one code point */
		{ "\xc2\x9b" "31m", 0, "\\u{009B}31m", NULL },
		{ "\xc2\x85", 0, "\\u{0085}", NULL },
		/* printable text is kept */
		{ "\xe4\xb8\xad\xe6\x96\x87.txt", 0, "\xe4\xb8\xad\xe6\x96\x87"
		    ".txt", NULL },
		{ "e\xcc\x81", 0, "e\xcc\x81", NULL },		/* e + acute */
		{ "\xf0\x9f\x98\x80", 0, "\xf0\x9f\x98\x80", NULL },
		{ "caf\xc3\xa9", 0, "caf\xc3\xa9", NULL },
		{ "\xc2\xa0nbsp", 0, "\xc2\xa0nbsp", NULL },
		/* backslashes: kept, or doubled when unambiguous */
		{ "a\\nb", 0, "a\\nb", "a\\\\nb" },
		{ "\\", 0, "\\", "\\\\" },
		{ "\\\n", 0, "\\\\n", "\\\\\\n" },
	};
	size_t	 i, len;
	char	*s;

	for (i = 0; i < FERRY_NELEM(rows); i++) {
		len = rows[i].len ? rows[i].len : strlen(rows[i].in);
		s = escape_display(rows[i].in, len);
		if (strcmp(s, rows[i].want) != 0)
			printf("#   row %zu\n", i);
		CHECK_STR(s, rows[i].want);
		CHECK(escape_needed(rows[i].in, len) ==
		    (strcmp(s, rows[i].in) != 0 || len != strlen(s)));
		free(s);
		s = escape_display_flags(rows[i].in, len, ESCAPE_UNAMBIGUOUS);
		CHECK_STR(s, rows[i].want_unambiguous ?
		    rows[i].want_unambiguous : rows[i].want);
		CHECK(escape_needed_flags(rows[i].in, len,
		    ESCAPE_UNAMBIGUOUS) == (strcmp(s, rows[i].in) != 0 ||
		    len != strlen(s)));
		free(s);
	}
}

/* Every output is free of control bytes and is valid UTF-8. */
static void
test_escape_every_byte(void)
{
	unsigned char	 in[3];
	char		*s;
	size_t		 i;
	int		 b, c;

	for (b = 0; b < 256; b++)
		for (c = 0; c < 256; c += 17) {
			in[0] = (unsigned char)b;
			in[1] = (unsigned char)c;
			in[2] = 0x80;
			s = escape_display((const char *)in, 3);
			for (i = 0; s[i] != '\0'; i++) {
				CHECK((unsigned char)s[i] >= 0x20);
				CHECK((unsigned char)s[i] != 0x7f);
			}
			/* Escaping twice changes nothing more. */
			CHECK(!escape_needed(s, strlen(s)));
			free(s);
		}
}

static void
test_width(void)
{
	static const struct {
		const char	*in;
		size_t		 width;
	} rows[] = {
		{ "", 0 },
		{ "abc", 3 },
		{ "\xe4\xb8\xad\xe6\x96\x87", 4 },		/* 中文 */
		{ "e\xcc\x81", 1 },				/* é combining */
		{ "\xf0\x9f\x98\x80", 2 },			/* emoji */
		{ "\x1b[2J", 5 },				/* \e[2J */
		{ "\xff", 4 },					/* \xff */
		{ "\xe2\x80\xae", 8 },				/* \u{202E} */
		{ "caf\xc3\xa9", 4 },
		{ "\xef\xbc\xa1", 2 },				/* fullwidth A */
	};
	size_t	 i;
	char	*s;

	for (i = 0; i < FERRY_NELEM(rows); i++) {
		CHECK_INT(escape_display_width(rows[i].in), rows[i].width);
		/* The width of the display form is the same. */
		s = escape_display(rows[i].in, strlen(rows[i].in));
		CHECK_INT(escape_display_width(s), rows[i].width);
		CHECK_INT(escape_display_width(s), escape_display_width(
		    rows[i].in));
		free(s);
	}
}

/* In the "C" locale the built-in table still knows wide and combining. */
static void
test_width_c_locale(void)
{
	setlocale(LC_CTYPE, "C");
	CHECK_INT(escape_display_width("\xe4\xb8\xad\xe6\x96\x87"), 4);
	CHECK_INT(escape_display_width("e\xcc\x81"), 1);
	CHECK_INT(escape_display_width("caf\xc3\xa9"), 4);
	setlocale(LC_CTYPE, "C.UTF-8");
}

static const struct check_test tests[] = {
	CHECK_TEST(test_escape_table),
	CHECK_TEST(test_escape_every_byte),
	CHECK_TEST(test_width),
	CHECK_TEST(test_width_c_locale),
	{ NULL, NULL },
};

int
main(int argc, char **argv)
{
	if (setlocale(LC_CTYPE, "C.UTF-8") == NULL)
		printf("# C.UTF-8 locale missing: widths use the fallback\n");
	return check_main(tests, argc, argv);
}
