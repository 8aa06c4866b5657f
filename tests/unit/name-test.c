/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for ferry_name_check() (src/core/name.c): one row per naming
 * rule, each with the message that rule must give, and rows of valid
 * names (CJK, emoji, accents, dots, 255 bytes) that must pass.
 */
#include <string.h>

#include "ferry/entry.h"
#include "core/util.h"
#include "lib/check.h"

struct row {
	const char	*name;
	size_t		 len;		/* 0: strlen(name) */
	const char	*needle;	/* NULL: valid */
};

static void
run(const struct row *rows, size_t n)
{
	struct ferry_error	 err;
	enum ferry_code		 rc;
	size_t			 i, len;

	for (i = 0; i < n; i++) {
		len = rows[i].len ? rows[i].len : strlen(rows[i].name);
		memset(&err, 0, sizeof err);
		rc = ferry_name_check(rows[i].name, len, &err);
		if (rows[i].needle == NULL) {
			if (rc != FERRY_OK)
				printf("#   row %zu: %s\n", i, err.msg);
			CHECK_CODE(rc, FERRY_OK);
			continue;
		}
		CHECK_CODE(rc, FERRY_E_INVALID_NAME);
		CHECK_INT(err.code, FERRY_E_INVALID_NAME);
		if (strstr(err.msg, rows[i].needle) == NULL) {
			printf("#   row %zu: '%s' lacks '%s'\n", i, err.msg,
			    rows[i].needle);
			CHECK(strstr(err.msg, rows[i].needle) != NULL);
		}
	}
}

static void
test_rules(void)
{
	static const struct row rows[] = {
		{ "", 0, "empty" },
		{ "a/b", 0, "'/' at offset 1" },
		{ "/", 0, "'/' at offset 0" },
		{ "a\0b", 3, "NUL byte at offset 1" },
		{ "\0", 1, "NUL byte at offset 0" },
		{ "tab\there", 0, "control character 0x09 at offset 3" },
		{ "new\nline", 0, "control character 0x0a at offset 3" },
		{ "\x1b[2J", 0, "control character 0x1b at offset 0" },
		{ "bell\x07", 0, "control character 0x07 at offset 4" },
		{ "del\x7f", 0, "control character 0x7f at offset 3" },
		{ "c1\xc2\x85", 0, "control character U+0085 at offset 2" },
		{ "\xc2\x9b" "31m", 0, "control character U+009B at offset 0" },
		{ ".", 0, "reserved" },
		{ "..", 0, "reserved" },
		{ "\xc0\xaf", 0, "not valid UTF-8 at offset 0" },  /* overlong */
		{ "a\xe0\x80\xaf", 0, "not valid UTF-8 at offset 1" },
		{ "\xf0\x80\x80\xaf", 0, "not valid UTF-8 at offset 0" },
		{ "s\xed\xa0\x80", 0, "not valid UTF-8 at offset 1" },  /* D800 */
		{ "\xed\xbf\xbf", 0, "not valid UTF-8 at offset 0" },   /* DFFF */
		{ "ab\xe4\xb8", 0, "not valid UTF-8 at offset 2" }, /* truncated */
		{ "\xe4", 0, "not valid UTF-8 at offset 0" },
		{ "x\x80", 0, "not valid UTF-8 at offset 1" },	/* lone cont. */
		{ "\xff\xfe", 0, "not valid UTF-8 at offset 0" },
		{ "\xf4\x90\x80\x80", 0, "not valid UTF-8 at offset 0" },
		{ "\xf8\x88\x80\x80\x80", 0, "not valid UTF-8 at offset 0" },
	};

	run(rows, FERRY_NELEM(rows));
}

static void
test_valid(void)
{
	static const struct row rows[] = {
		{ "a", 0, NULL },
		{ "report.pdf", 0, NULL },
		{ "...", 0, NULL },
		{ ".hidden", 0, NULL },
		{ "a..b", 0, NULL },
		{ "with space and - _ ~ ! @ # $ %", 0, NULL },
		{ "back\\slash", 0, NULL },
		{ "caf\xc3\xa9", 0, NULL },
		{ "\xe4\xb8\xad\xe6\x96\x87\xe6\xa1\xa3\xe6\xa1\x88", 0, NULL },
		{ "\xf0\x9f\x98\x80\xf0\x9f\x93\x81", 0, NULL },	/* emoji */
		{ "e\xcc\x81", 0, NULL },			/* combining */
		{ "\xc2\xa0", 0, NULL },			/* U+00A0 */
		{ "\xf4\x8f\xbf\xbf", 0, NULL },		/* U+10FFFF */
		{ "\xef\xbf\xbd", 0, NULL },			/* U+FFFD */
	};

	run(rows, FERRY_NELEM(rows));
}

static void
test_length(void)
{
	struct ferry_error	 err;
	char			 buf[300];

	memset(buf, 'x', sizeof buf);
	CHECK_CODE(ferry_name_check(buf, 255, &err), FERRY_OK);
	CHECK_CODE(ferry_name_check(buf, 256, &err), FERRY_E_INVALID_NAME);
	CHECK(strstr(err.msg, "256 bytes") != NULL);
	CHECK(strstr(err.msg, "255") != NULL);
	CHECK_CODE(ferry_name_check(buf, 300, &err), FERRY_E_INVALID_NAME);

	/* 85 three-byte characters are 255 bytes: fine; one more is not. */
	for (int i = 0; i < 86; i++)
		memcpy(buf + 3 * i, "\xe4\xb8\xad", 3);
	CHECK_CODE(ferry_name_check(buf, 255, &err), FERRY_OK);
	CHECK_CODE(ferry_name_check(buf, 258, &err), FERRY_E_INVALID_NAME);
	/* Cut inside a character: not valid UTF-8 at the cut. */
	CHECK_CODE(ferry_name_check(buf, 254, &err), FERRY_E_INVALID_NAME);
	CHECK(strstr(err.msg, "offset 252") != NULL);

	/* A NULL name and a NULL err are handled. */
	CHECK_CODE(ferry_name_check(NULL, 0, &err), FERRY_E_INVALID_NAME);
	CHECK_CODE(ferry_name_check("a/b", 3, NULL), FERRY_E_INVALID_NAME);
	CHECK_CODE(ferry_name_check("ok", 2, NULL), FERRY_OK);
}

static const struct check_test tests[] = {
	CHECK_TEST(test_rules),
	CHECK_TEST(test_valid),
	CHECK_TEST(test_length),
	{ NULL, NULL },
};

int
main(int argc, char **argv)
{
	return check_main(tests, argc, argv);
}
