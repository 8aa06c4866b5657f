/* SPDX-License-Identifier: MIT */
/*
 * Tests for the pure parts of the browser's drawing and editing: how a
 * hostile string is split into units and measured (escapes, wide and
 * combining characters), the size and date formats, and the line editor
 * of dialogs and the filter (UTF-8 aware cursor moves and deletes).
 */
#include <curses.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <time.h>

#include "lib/check.h"
#include "core/util.h"
#include "tui/dialog.h"
#include "tui/draw.h"

/* The display form: each unit's escape or its bytes, concatenated. */
static void
render(const char *s, size_t n, char *out, size_t outlen, int *width)
{
	struct draw_unit u;
	size_t		 i, o = 0;
	bool		 base = false;

	*width = 0;
	for (i = 0; i < n; i += u.len) {
		draw_classify(s + i, n - i, base, &u);
		base = u.esc[0] == '\0';
		*width += u.width;
		if (u.esc[0] != '\0')
			o += (size_t)snprintf(out + o, outlen - o, "%s", u.esc);
		else
			o += (size_t)snprintf(out + o, outlen - o, "%.*s",
			    (int)u.len, s + i);
	}
	out[o] = '\0';
}

static void
test_units(void)
{
	static const struct {
		const char	*in;
		const char	*out;
		int		 width;
	} rows[] = {
		{ "plain.txt", "plain.txt", 9 },
		{ "a\033[2Jb", "a\\e[2Jb", 7 },
		{ "t\033]0;x\007", "t\\e]0;x\\x07", 11 },
		{ "cr\rlf\ntab\tbs\b", "cr\\rlf\\ntab\\tbs\\b", 17 },
		{ "del\177", "del\\x7f", 7 },
		{ "bad\377\376", "bad\\xff\\xfe", 11 },
		{ "c1\302\233", "c1\\u{009B}", 10 },
		{ "rlo\342\200\256x", "rlo\\u{202E}x", 12 },
		{ "lri\342\201\246", "lri\\u{2066}", 11 },
		{ "lrm\342\200\216", "lrm\\u{200E}", 11 },
		{ "alm\330\234", "alm\\u{061C}", 11 },
		{ "zw\342\200\213sp", "zw\\u{200B}sp", 12 },
		{ "\346\274\242\345\255\227", "\346\274\242\345\255\227", 4 },
		{ "e\314\201", "e\314\201", 1 },
		/* A combining mark with nothing to ride on. */
		{ "\314\201x", "\\u{0301}x", 9 },
		/* After an escape it has nothing to ride on either. */
		{ "\033\314\201", "\\e\\u{0301}", 10 },
		/* Truncated and overlong sequences, a surrogate. */
		{ "\342\202", "\\xe2\\x82", 8 },
		{ "\300\257", "\\xc0\\xaf", 8 },
		{ "\355\240\200", "\\xed\\xa0\\x80", 12 },
	};
	char	 out[256];
	size_t	 i;
	int	 w;

	for (i = 0; i < FERRY_NELEM(rows); i++) {
		render(rows[i].in, strlen(rows[i].in), out, sizeof out, &w);
		CHECK_STR(out, rows[i].out);
		CHECK_INT(w, rows[i].width);
		CHECK_INT(draw_width(rows[i].in, strlen(rows[i].in)),
		    rows[i].width);
	}
	/* A NUL inside is a unit like any other. */
	render("a\0b", 3, out, sizeof out, &w);
	CHECK_STR(out, "a\\x00b");
	CHECK_INT(w, 6);
}

static void
test_size(void)
{
	static const struct {
		uint64_t	 n;
		const char	*s;
	} rows[] = {
		{ 0, "0" }, { 1023, "1023" }, { 1024, "1.0K" },
		{ 1536, "1.5K" }, { 10240, "10K" }, { 1048575, "1.0M" },
		{ 5ull * 1024 * 1024 * 1024, "5.0G" },
		{ UINT64_MAX, "16E" },
	};
	char	 buf[16];
	size_t	 i;

	for (i = 0; i < FERRY_NELEM(rows); i++) {
		draw_size(rows[i].n, buf, sizeof buf);
		CHECK_STR(buf, rows[i].s);
		CHECK(strlen(buf) <= 5);
	}
}

static void
test_date(void)
{
	char	 buf[32];

	setenv("TZ", "UTC", 1);
	tzset();
	draw_date(0, false, buf, sizeof buf);
	CHECK_STR(buf, "");
	draw_date(1700000000000LL, false, buf, sizeof buf);
	CHECK_STR(buf, "2023-11-14 22:13");
	draw_date(1700000000000LL, true, buf, sizeof buf);
	CHECK(strcmp(buf, "2023-11-14") == 0 || strcmp(buf, "11-14 22:13") == 0);
	CHECK(strlen(buf) <= 11);
}

static void
test_line_editor(void)
{
	struct line	 l;

	line_init(&l, "ab");
	CHECK_INT(l.pos, 2);
	CHECK_INT(line_key(&l, false, 0x6f22), LINE_EDITED);	/* 漢 */
	CHECK_STR(l.buf, "ab\346\274\242");
	CHECK_INT(l.pos, 5);
	CHECK_INT(line_key(&l, true, KEY_LEFT), LINE_MOVED);
	CHECK_INT(l.pos, 2);
	CHECK_INT(line_key(&l, false, 'c'), LINE_EDITED);
	CHECK_STR(l.buf, "abc\346\274\242");
	CHECK_INT(line_key(&l, true, KEY_DC), LINE_EDITED);
	CHECK_STR(l.buf, "abc");
	CHECK_INT(line_key(&l, false, 127), LINE_EDITED);
	CHECK_STR(l.buf, "ab");
	/* Control characters are not inserted. */
	CHECK_INT(line_key(&l, false, 0x1b), LINE_ESCAPE);
	CHECK_INT(line_key(&l, false, 0x07), LINE_NONE);
	CHECK_INT(line_key(&l, false, 0x9b), LINE_NONE);
	CHECK_STR(l.buf, "ab");
	CHECK_INT(line_key(&l, true, KEY_HOME), LINE_MOVED);
	CHECK_INT(l.pos, 0);
	CHECK_INT(line_key(&l, false, 11), LINE_EDITED);	/* C-k */
	CHECK_STR(l.buf, "");
	CHECK_INT(line_key(&l, false, '\r'), LINE_ENTER);
	/* Invalid bytes from outside count as one character each. */
	line_set(&l, "x\377\376");
	CHECK_INT(line_key(&l, true, KEY_BACKSPACE), LINE_EDITED);
	CHECK_INT(l.len, 2);
	CHECK_INT(line_key(&l, true, KEY_BACKSPACE), LINE_EDITED);
	CHECK_STR(l.buf, "x");
	line_done(&l);
}

static const struct check_test tests[] = {
	CHECK_TEST(test_units),
	CHECK_TEST(test_size),
	CHECK_TEST(test_date),
	CHECK_TEST(test_line_editor),
	{ NULL, NULL },
};

int
main(int argc, char **argv)
{
	if (setlocale(LC_ALL, "C.UTF-8") == NULL) {
		printf("# the C.UTF-8 locale is missing\n");
		return 2;
	}
	draw_init();
	return check_main(tests, argc, argv);
}
