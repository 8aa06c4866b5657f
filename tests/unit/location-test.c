/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for src/core/location.c: a table of location texts with the
 * kind, profile, authority and normalised path each gives, a table of bad
 * texts with the error code, formatting, and the path helpers.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ferry/location.h"
#include "core/util.h"
#include "lib/check.h"

#define HOME	"/home/tester"

/*
 * Relative paths are resolved against a fresh temporary directory; in the
 * tables "=" stands for it and "^" for its parent.
 */
static char	 cwd[4096];
static char	 tmpdir[] = "/tmp/ferry-location-XXXXXX";

static void
setup(void)
{
	if (cwd[0] != '\0')
		return;
	if (mkdtemp(tmpdir) == NULL || chdir(tmpdir) != 0 ||
	    getcwd(cwd, sizeof cwd) == NULL) {
		perror("location-test setup");
		exit(1);
	}
	setenv("HOME", HOME, 1);
}

/* The expected path for a table row. */
static char *
expand(const char *want)
{
	char	*parent, *s;

	if (want[0] == '=')
		return xasprintf("%s%s", cwd, want + 1);
	if (want[0] == '^') {
		parent = ferry_path_parent(cwd);
		s = xasprintf("%s%s", strcmp(parent, "/") == 0 ? "" : parent,
		    want + 1);
		free(parent);
		return s;
	}
	return xstrdup(want);
}

static void
test_parse_good(void)
{
	static const struct {
		const char	*text;
		int		 kind;
		const char	*profile;
		const char	*authority;
		const char	*path;
	} rows[] = {
		{ "/", FERRY_LOC_LOCAL, NULL, NULL, "/" },
		{ "/a/b", FERRY_LOC_LOCAL, NULL, NULL, "/a/b" },
		{ "/a//b/./c/", FERRY_LOC_LOCAL, NULL, NULL, "/a/b/c" },
		{ "/a/../b", FERRY_LOC_LOCAL, NULL, NULL, "/b" },
		{ "/../..", FERRY_LOC_LOCAL, NULL, NULL, "/" },
		{ ".", FERRY_LOC_LOCAL, NULL, NULL, "=" },
		{ "./x", FERRY_LOC_LOCAL, NULL, NULL, "=/x" },
		{ "./a:b", FERRY_LOC_LOCAL, NULL, NULL, "=/a:b" },
		{ "..", FERRY_LOC_LOCAL, NULL, NULL, "^" },
		{ "../y", FERRY_LOC_LOCAL, NULL, NULL, "^/y" },
		{ "plain", FERRY_LOC_LOCAL, NULL, NULL, "=/plain" },
		{ "dir/a:b", FERRY_LOC_LOCAL, NULL, NULL, "=/dir/a:b" },
		{ "store", FERRY_LOC_LOCAL, NULL, NULL, "=/store" },
		{ "~", FERRY_LOC_LOCAL, NULL, NULL, HOME },
		{ "~/", FERRY_LOC_LOCAL, NULL, NULL, HOME },
		{ "~/docs/x", FERRY_LOC_LOCAL, NULL, NULL, HOME "/docs/x" },
		{ "store:", FERRY_LOC_STORE, NULL, NULL, "/" },
		{ "store:/", FERRY_LOC_STORE, NULL, NULL, "/" },
		{ "store:a/b", FERRY_LOC_STORE, NULL, NULL, "/a/b" },
		{ "store:/a/b/", FERRY_LOC_STORE, NULL, NULL, "/a/b" },
		{ "store:/a/./b/../c", FERRY_LOC_STORE, NULL, NULL, "/a/c" },
		{ "work:/x", FERRY_LOC_PROFILE, "work", NULL, "/x" },
		{ "work:", FERRY_LOC_PROFILE, "work", NULL, "/" },
		{ "my_profile-2:a", FERRY_LOC_PROFILE, "my_profile-2", NULL,
		    "/a" },
		{ "Store:/x", FERRY_LOC_PROFILE, "Store", NULL, "/x" },
		{ "s3://bucket", FERRY_LOC_S3, NULL, "bucket", "/" },
		{ "s3://bucket/", FERRY_LOC_S3, NULL, "bucket", "/" },
		{ "s3://my.bucket-1/pre/fix/", FERRY_LOC_S3, NULL,
		    "my.bucket-1", "/pre/fix" },
		{ "S3://b/x", FERRY_LOC_S3, NULL, "b", "/x" },
		{ "http://host", FERRY_LOC_HTTP, NULL, "http://host", "/" },
		{ "http://host:8080/a/b", FERRY_LOC_HTTP, NULL,
		    "http://host:8080", "/a/b" },
		{ "https://ferryd.example:8443/", FERRY_LOC_HTTP, NULL,
		    "https://ferryd.example:8443", "/" },
		{ "https://[::1]:9000/x", FERRY_LOC_HTTP, NULL,
		    "https://[::1]:9000", "/x" },
		{ "HTTPS://h/x", FERRY_LOC_HTTP, NULL, "https://h", "/x" },
	};
	struct ferry_location	 loc;
	struct ferry_error	 err;
	size_t			 i;
	char			*want;

	setup();
	for (i = 0; i < FERRY_NELEM(rows); i++) {
		enum ferry_code rc = ferry_location_parse(rows[i].text, &loc,
		    &err);
		if (rc != FERRY_OK) {
			printf("#   '%s': %s\n", rows[i].text, err.msg);
			CHECK(rc == FERRY_OK);
			continue;
		}
		if ((int)loc.kind != rows[i].kind)
			printf("#   '%s': kind %d\n", rows[i].text,
			    (int)loc.kind);
		CHECK_INT(loc.kind, rows[i].kind);
		want = expand(rows[i].path);
		CHECK_STR(loc.path, want);
		free(want);
		CHECK_STR(loc.text, rows[i].text);
		if (rows[i].profile != NULL)
			CHECK_STR(loc.profile, rows[i].profile);
		else
			CHECK(loc.profile == NULL);
		if (rows[i].authority != NULL)
			CHECK_STR(loc.authority, rows[i].authority);
		else
			CHECK(loc.authority == NULL);
		ferry_location_done(&loc);
	}
}

static void
test_parse_bad(void)
{
	static const struct {
		const char	*text;
		int		 code;
		const char	*needle;	/* in the message */
	} rows[] = {
		{ "", FERRY_E_INVALID, "empty location" },
		{ NULL, FERRY_E_INVALID, "empty location" },
		{ "ftp://host/x", FERRY_E_INVALID, "unknown scheme 'ftp://'" },
		{ "file:///etc", FERRY_E_INVALID, "unknown scheme 'file://'" },
		{ "store:/..", FERRY_E_INVALID, "above the root" },
		{ "store:a/../../b", FERRY_E_INVALID, "above the root" },
		{ "work:/../x", FERRY_E_INVALID, "above the root" },
		{ "s3://bucket/../..", FERRY_E_INVALID, "above the root" },
		{ "s3://", FERRY_E_INVALID, "no bucket" },
		{ "s3:///x", FERRY_E_INVALID, "no bucket" },
		{ "s3://bu cket/x", FERRY_E_INVALID, "bucket" },
		{ "http://", FERRY_E_INVALID, "no host" },
		{ "http://:80/", FERRY_E_INVALID, "no host" },
		{ "http://h:0/", FERRY_E_INVALID, "port" },
		{ "http://h:70000/", FERRY_E_INVALID, "port" },
		{ "http://h:12a/", FERRY_E_INVALID, "port" },
		{ "http://user:pw@h/", FERRY_E_INVALID, "credentials" },
		{ "http://h/x?y=1", FERRY_E_INVALID, "query" },
		{ "http://[::1/", FERRY_E_INVALID, "IPv6" },
		{ ":x", FERRY_E_INVALID, "profile name" },
		{ "a.b:/x", FERRY_E_INVALID, "profile name" },
		{ "my profile:/x", FERRY_E_INVALID, "profile name" },
		{ "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
		  "aaaaa:/x", FERRY_E_INVALID, "profile name" },
		{ "~bob/x", FERRY_E_INVALID, "only ~ and ~/" },
	};
	struct ferry_location	 loc;
	struct ferry_error	 err;
	size_t			 i;

	setup();
	for (i = 0; i < FERRY_NELEM(rows); i++) {
		memset(&err, 0, sizeof err);
		CHECK_CODE(ferry_location_parse(rows[i].text, &loc, &err),
		    rows[i].code);
		if (strstr(err.msg, rows[i].needle) == NULL) {
			printf("#   '%s': message '%s' lacks '%s'\n",
			    rows[i].text ? rows[i].text : "(null)", err.msg,
			    rows[i].needle);
			CHECK(strstr(err.msg, rows[i].needle) != NULL);
		}
		CHECK(loc.path == NULL && loc.text == NULL &&
		    loc.profile == NULL && loc.authority == NULL);
	}
	/* 64 bytes is the longest profile name. */
	CHECK_CODE(ferry_location_parse("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "aaaaaaaaaaaaaaaaaaaaaaaa:/x", &loc, &err), FERRY_OK);
	ferry_location_done(&loc);
	/* No HOME: ~ cannot expand. */
	unsetenv("HOME");
	CHECK_CODE(ferry_location_parse("~/x", &loc, &err), FERRY_E_INVALID);
	CHECK(strstr(err.msg, "HOME") != NULL);
	setenv("HOME", HOME, 1);
}

static void
test_format(void)
{
	static const struct {
		const char	*text;
		const char	*path;		/* NULL: the location's */
		const char	*want;
	} rows[] = {
		{ "store:/a/b", NULL, "store:/a/b" },
		{ "store:", NULL, "store:/" },
		{ "store:/a", "/c/d", "store:/c/d" },
		{ "/local/path", NULL, "/local/path" },
		{ "/x", "/y/z", "/y/z" },
		{ "work:/x", NULL, "work:/x" },
		{ "s3://bucket/x", NULL, "s3://bucket/x" },
		{ "s3://bucket", NULL, "s3://bucket/" },
		{ "https://h:1/a", "/b", "https://h:1/b" },
	};
	struct ferry_location	 loc;
	struct ferry_error	 err;
	size_t			 i;
	char			*s;

	for (i = 0; i < FERRY_NELEM(rows); i++) {
		CHECK_CODE(ferry_location_parse(rows[i].text, &loc, &err),
		    FERRY_OK);
		s = ferry_location_format(&loc, rows[i].path);
		CHECK_STR(s, rows[i].want);
		free(s);
		ferry_location_done(&loc);
	}
}

static void
test_paths(void)
{
	static const struct {
		const char	*in;
		const char	*want;	/* NULL: error */
	} norm[] = {
		{ "", "/" }, { "/", "/" }, { "//", "/" }, { "a", "/a" },
		{ "/a/", "/a" }, { "/a/./b", "/a/b" }, { "/a/b/..", "/a" },
		{ "/a/b/../..", "/" }, { "/a/../..", NULL }, { "..", NULL },
		{ "/.../x", "/.../x" }, { "/a/..b", "/a/..b" },
		{ "/a/.b/c.", "/a/.b/c." },
	};
	struct ferry_error	 err;
	size_t			 i;
	char			*s;

	for (i = 0; i < FERRY_NELEM(norm); i++) {
		s = ferry_path_normalize(norm[i].in, &err);
		if (norm[i].want == NULL) {
			CHECK(s == NULL);
			CHECK_INT(err.code, FERRY_E_INVALID);
		} else
			CHECK_STR(s, norm[i].want);
		free(s);
	}
	CHECK(ferry_path_normalize(NULL, &err) == NULL);

	s = ferry_path_join("/", "b");
	CHECK_STR(s, "/b");
	free(s);
	s = ferry_path_join("/a", "b");
	CHECK_STR(s, "/a/b");
	free(s);
	s = ferry_path_join("/a/", "b c");
	CHECK_STR(s, "/a/b c");
	free(s);

	CHECK_STR(ferry_path_base("/"), "");
	CHECK_STR(ferry_path_base("/a"), "a");
	CHECK_STR(ferry_path_base("/a/b.txt"), "b.txt");

	s = ferry_path_parent("/");
	CHECK_STR(s, "/");
	free(s);
	s = ferry_path_parent("/x");
	CHECK_STR(s, "/");
	free(s);
	s = ferry_path_parent("/x/y/z");
	CHECK_STR(s, "/x/y");
	free(s);
}

static const struct check_test tests[] = {
	CHECK_TEST(test_parse_good),
	CHECK_TEST(test_parse_bad),
	CHECK_TEST(test_format),
	CHECK_TEST(test_paths),
	{ NULL, NULL },
};

int
main(int argc, char **argv)
{
	int	 rc;

	setup();
	rc = check_main(tests, argc, argv);
	if (chdir("/") == 0)
		(void)rmdir(tmpdir);
	return rc;
}
