/* SPDX-License-Identifier: MIT */
/*
 * Tests for the info view's pure helpers: client_metadata printed as
 * indented JSON (cJSON's layout with its tabs made spaces; strings keep
 * their escapes, so no raw control byte survives), tags from their JSON
 * array, and the wrapping of a value into rows (at spaces when it can,
 * hard cuts otherwise, escapes measured as drawn).
 */
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/check.h"
#include "tui/draw.h"
#include "tui/info.h"

static void
test_json_pretty(void)
{
	char	*s;

	s = info_json_pretty("{\"patient\":7,\"site\":{\"name\":\"north\"},"
	    "\"list\":[1,2]}");
	CHECK_STR(s, "{\n  \"patient\": 7,\n  \"site\": {\n    \"name\": "
	    "\"north\"\n  },\n  \"list\": [1, 2]\n}");
	free(s);
	/* A tab or ESC inside a string stays an escape, never a raw byte. */
	s = info_json_pretty("{\"k\":\"a\\tb\\u001b[2J\"}");
	CHECK(s != NULL && strchr(s, '\t') == NULL &&
	    strchr(s, '\033') == NULL);
	CHECK(s != NULL && strstr(s, "\\t") != NULL);
	free(s);
	CHECK(info_json_pretty("{not json") == NULL);
	CHECK(info_json_pretty(NULL) == NULL);
}

static void
test_tags(void)
{
	char	*s;

	s = info_tags_text("[\"ct\",\"raw\"]");
	CHECK_STR(s, "ct, raw");
	free(s);
	s = info_tags_text("[]");
	CHECK_STR(s, "");
	free(s);
	CHECK(info_tags_text("{\"a\":1}") == NULL);
	CHECK(info_tags_text("[") == NULL);
}

static void
test_wrap(void)
{
	static const struct {
		const char	*in;
		int		 width;
		size_t		 cut;
	} rows[] = {
		{ "short", 10, 5 },
		{ "two words here", 10, 10 },	/* "two words " */
		{ "abcdefghijkl", 5, 5 },	/* no space: hard cut */
		{ "a\033[2Jb", 3, 2 },		/* "a\e": 3 cells */
		{ "a\033[2Jb", 2, 1 },		/* "\e" is 2 cells */
		{ "\xe6\x97\xa5\xe6\x97\xa5", 3, 3 },	/* wide: 2 cells each */
		{ "x", 0, 1 },			/* at least one character */
	};
	size_t	 i, got;

	for (i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		got = info_wrap(rows[i].in, strlen(rows[i].in),
		    rows[i].width);
		if (got != rows[i].cut)
			check_failf(__FILE__, __LINE__, "row %zu: cut %zu, "
			    "wanted %zu", i, got, rows[i].cut);
	}
}

static const struct check_test tests[] = {
	CHECK_TEST(test_json_pretty),
	CHECK_TEST(test_tags),
	CHECK_TEST(test_wrap),
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
