/* SPDX-License-Identifier: MIT */
/*
 * Tests for the bookmarks file (src/tui/bookmarks.c): escaping both ways
 * with hostile bytes, a save and a load giving the same list back, the
 * file made with its directories and replaced atomically (no temporary
 * left), replacing and removing, and each kind of broken file refused
 * with the file and line named.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <dirent.h>
#include <unistd.h>

#include "lib/check.h"
#include "core/util.h"
#include "tui/bookmarks.h"

static char	*dir;

static char *
put(const char *name, const char *text)
{
	char	*path = xasprintf("%s/%s", dir, name);
	FILE	*f = fopen(path, "w");

	FERRY_ASSERT(f != NULL);
	fputs(text, f);
	fclose(f);
	return path;
}

static void
test_escape(void)
{
	static const struct {
		const char	*raw;
		const char	*file;
	} rows[] = {
		{ "plain", "plain" },
		{ "a\tb\nc\rd\\e", "a\\tb\\nc\\rd\\\\e" },
		{ "\033[2J\x7f\x01", "\\x1b[2J\\x7f\\x01" },
		{ "#hash", "\\x23hash" },
		{ "mid#dle", "mid#dle" },
		{ "caf\xc3\xa9 \xff\xfe", "caf\xc3\xa9 \xff\xfe" },
		{ "\xe2\x80\xae" "rtl", "\xe2\x80\xae" "rtl" },
	};
	const char	*why;
	char		*e, *u;
	size_t		 i;

	for (i = 0; i < FERRY_NELEM(rows); i++) {
		e = bookmarks_escape(rows[i].raw);
		CHECK_STR(e, rows[i].file);
		u = bookmarks_unescape(e, strlen(e), &why);
		CHECK_STR(u, rows[i].raw);
		free(e);
		free(u);
	}
}

static void
test_unescape_bad(void)
{
	static const struct {
		const char	*in;
		const char	*why;
	} rows[] = {
		{ "a\\", "backslash at the end" },
		{ "a\\q", "unknown escape" },
		{ "a\\x4", "bad \\x" },
		{ "a\\xg0", "bad \\x" },
		{ "a\\x00", "bad \\x" },
		{ "a\033b", "control byte" },
		{ "a\x7f", "control byte" },
	};
	const char	*why;
	size_t		 i;

	for (i = 0; i < FERRY_NELEM(rows); i++) {
		why = NULL;
		CHECK(bookmarks_unescape(rows[i].in, strlen(rows[i].in),
		    &why) == NULL);
		CHECK(why != NULL && strstr(why, rows[i].why) != NULL);
	}
}

static size_t
files_in(const char *d)
{
	DIR		*dp = opendir(d);
	struct dirent	*de;
	size_t		 n = 0;

	if (dp == NULL)
		return 0;
	while ((de = readdir(dp)) != NULL)
		if (de->d_name[0] != '.')
			n++;
	closedir(dp);
	return n;
}

static void
test_roundtrip(void)
{
	struct bookmarks	 bm, back;
	struct ferry_error	 err;
	struct stat		 st;
	bool			 replaced;
	char			*path, *sub;

	memset(&bm, 0, sizeof bm);
	memset(&back, 0, sizeof back);
	path = xasprintf("%s/deep/er/bookmarks", dir);
	sub = xasprintf("%s/deep/er", dir);
	CHECK_CODE(bookmarks_load(&bm, path, &err), FERRY_OK);
	CHECK_INT(bm.n, 0);
	CHECK_CODE(bookmarks_set(&bm, "projects", "store:/projects",
	    &replaced, &err), FERRY_OK);
	CHECK(!replaced);
	CHECK_CODE(bookmarks_set(&bm, "evil\n\033[2J", "/tmp/a\nb\tc\\d",
	    &replaced, &err), FERRY_OK);
	CHECK_CODE(bookmarks_set(&bm, "#1", "store:/\x01", &replaced, &err),
	    FERRY_OK);
	CHECK_CODE(bookmarks_set(&bm, "projects", "store:/elsewhere",
	    &replaced, &err), FERRY_OK);
	CHECK(replaced);
	CHECK_INT(bm.n, 3);
	CHECK_CODE(bookmarks_save(&bm, &err), FERRY_OK);
	CHECK(stat(sub, &st) == 0 && (st.st_mode & 0777) == 0700);
	CHECK_INT(files_in(sub), 1);	/* no temporary left behind */

	CHECK_CODE(bookmarks_load(&back, path, &err), FERRY_OK);
	CHECK_INT(back.n, 3);
	if (back.n == 3) {
		CHECK_STR(back.v[0].name, "projects");
		CHECK_STR(back.v[0].location, "store:/elsewhere");
		CHECK_STR(back.v[1].name, "evil\n\033[2J");
		CHECK_STR(back.v[1].location, "/tmp/a\nb\tc\\d");
		CHECK_STR(back.v[2].name, "#1");
		CHECK_STR(back.v[2].location, "store:/\x01");
	}
	CHECK_INT(bookmarks_find(&back, "#1"), 2);
	CHECK_INT(bookmarks_find(&back, "nope"), -1);
	bookmarks_remove(&back, 1);
	CHECK_INT(back.n, 2);
	CHECK_STR(back.v[1].name, "#1");
	CHECK_CODE(bookmarks_save(&back, &err), FERRY_OK);
	CHECK_CODE(bookmarks_load(&bm, path, &err), FERRY_OK);
	CHECK_INT(bm.n, 2);
	bookmarks_done(&bm);
	bookmarks_done(&back);
	free(path);
	free(sub);
}

static void
test_bad_files(void)
{
	static const struct {
		const char	*text;
		const char	*msg;
	} rows[] = {
		{ "# c\nonly-a-name\n", ":2: no TAB" },
		{ "a\tstore:/\n\tstore:/b\n", ":2: an empty name" },
		{ "a\t\n", ":1: an empty location" },
		{ "a\tstore:/\na\tstore:/b\n", ":2: the name is used twice" },
		{ "a\\q\tstore:/\n", ":1: an unknown escape" },
		{ "a\tstore:/x\r\n", ":1: a control byte" },
	};
	struct bookmarks	 bm;
	struct ferry_error	 err;
	size_t			 i;
	char			*path, *name;

	memset(&bm, 0, sizeof bm);
	for (i = 0; i < FERRY_NELEM(rows); i++) {
		name = xasprintf("bad%zu", i);
		path = put(name, rows[i].text);
		CHECK_CODE(bookmarks_load(&bm, path, &err), FERRY_E_INVALID);
		CHECK(strstr(err.msg, path) != NULL);
		CHECK(strstr(err.msg, rows[i].msg) != NULL);
		if (strstr(err.msg, rows[i].msg) == NULL)
			printf("#   got: %s\n", err.msg);
		CHECK_INT(bm.n, 0);
		free(name);
		free(path);
	}
	/* Blank lines, comments, no newline at the end: fine. */
	path = put("good", "\n# x\n\na\tstore:/a\nb\t/b");
	CHECK_CODE(bookmarks_load(&bm, path, &err), FERRY_OK);
	CHECK_INT(bm.n, 2);
	free(path);
	bookmarks_done(&bm);
}

static void
test_default_path(void)
{
	char	*p;

	setenv("XDG_DATA_HOME", "/xdg/data", 1);
	p = bookmarks_default_path();
	CHECK_STR(p, "/xdg/data/ferry/bookmarks");
	free(p);
	setenv("XDG_DATA_HOME", "relative", 1);
	setenv("HOME", "/home/u", 1);
	p = bookmarks_default_path();
	CHECK_STR(p, "/home/u/.local/share/ferry/bookmarks");
	free(p);
}

static const struct check_test tests[] = {
	CHECK_TEST(test_escape),
	CHECK_TEST(test_unescape_bad),
	CHECK_TEST(test_roundtrip),
	CHECK_TEST(test_bad_files),
	CHECK_TEST(test_default_path),
	{ 0 },
};

int
main(int argc, char **argv)
{
	char	 tmpl[] = "/tmp/ferry-bm-XXXXXX";
	char	*cmd;
	int	 r;

	dir = mkdtemp(tmpl);
	FERRY_ASSERT(dir != NULL);
	r = check_main(tests, argc, argv);
	cmd = xasprintf("rm -rf '%s'", dir);
	if (system(cmd) != 0)
		r = 1;
	free(cmd);
	return r;
}
