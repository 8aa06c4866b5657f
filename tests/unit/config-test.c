/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for src/core/config.c with real files in a temporary
 * directory: a good file, syntax errors and unknown keys reported with
 * their line, strict numbers and booleans, a file holding credentials that
 * others can read, the default config path, and the precedence of the
 * store directory (--store, FERRY_STORE, the file, the XDG default).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ferry/config.h"
#include "core/util.h"
#include "lib/check.h"

static char	 dir[] = "/tmp/ferry-config-XXXXXX";

/* Write text to dir/name with mode; returns the malloc'd path. */
static char *
put(const char *name, const char *text, mode_t mode)
{
	char	*path;
	FILE	*f;

	path = xasprintf("%s/%s", dir, name);
	f = fopen(path, "w");
	if (f == NULL) {
		perror(path);
		exit(1);
	}
	fputs(text, f);
	fclose(f);
	chmod(path, mode);
	return path;
}

/* Load text as a config file; the code, with cfg and err filled. */
static enum ferry_code
load(const char *text, mode_t mode, struct ferry_config *cfg,
    struct ferry_error *err, char **pathp)
{
	enum ferry_code	 rc;
	char		*path;

	path = put("config", text, mode);
	memset(err, 0, sizeof *err);
	rc = ferry_config_load(cfg, path, NULL, err);
	if (pathp != NULL)
		*pathp = path;
	else
		free(path);
	return rc;
}

static void
test_good(void)
{
	static const char text[] =
	    "; ferry configuration\n"
	    "[ferry]\n"
	    "store = /srv/ferry/store\n"
	    "theme = \"dark\"\n"
	    "mouse = no\n"
	    "\n"
	    "[store]\n"
	    "max_items_per_folder = 5000\n"
	    "max_bytes_per_folder = 10M\n"
	    "\n"
	    "# a profile\n"
	    "[profile work]\n"
	    "url = https://ferryd.example:8443\n"
	    "token = s3cr3t\n"
	    "insecure = yes\n"
	    "[profile lake]\n"
	    "type = s3\n"
	    "region = eu-west-1\n"
	    "access_key = AK\n"
	    "[keys]\n"
	    "quit = q\n"
	    "quit = Q\n";
	struct ferry_config		 cfg;
	struct ferry_error		 err;
	const struct ferry_profile	*p;
	char				*path;

	unsetenv("FERRY_STORE");
	CHECK_CODE(load(text, 0600, &cfg, &err, &path), FERRY_OK);
	CHECK_STR(cfg.path, path);
	CHECK_STR(cfg.store_dir, "/srv/ferry/store");
	CHECK_STR(cfg.theme, "dark");
	CHECK_INT(cfg.max_items_per_folder, 5000);
	CHECK_INT(cfg.max_bytes_per_folder, 10 * 1024 * 1024);
	p = ferry_config_profile(&cfg, "work");
	CHECK(p != NULL);
	if (p != NULL) {
		CHECK_STR(p->type, "http");
		CHECK_STR(p->url, "https://ferryd.example:8443");
		CHECK_STR(p->token, "s3cr3t");
		CHECK(p->insecure);
	}
	p = ferry_config_profile(&cfg, "lake");
	CHECK(p != NULL);
	if (p != NULL) {
		CHECK_STR(p->type, "s3");
		CHECK_STR(p->region, "eu-west-1");
		CHECK(p->url == NULL);
		CHECK(!p->insecure);
	}
	CHECK(ferry_config_profile(&cfg, "nope") == NULL);
	CHECK_STR(ferry_config_get(&cfg, "keys", "quit"), "Q");
	CHECK(ferry_config_get(&cfg, "keys", "help") == NULL);
	/* [ferry] mouse is checked, then kept as "on" or "off". */
	CHECK_STR(ferry_config_get(&cfg, "ferry", "mouse"), "off");
	CHECK(ferry_config_get(&cfg, "ferry", "theme") == NULL);
	ferry_config_done(&cfg);
	free(path);
}

/* Rows of bad files: the code and the text the message must contain. */
static void
test_bad(void)
{
	static const struct {
		const char	*text;
		int		 code;
		const char	*needle;	/* after "PATH" */
	} rows[] = {
		{ "[ferry]\ntheme = a\nthis line has no equals\n",
		    FERRY_E_INVALID, ":3: syntax error" },
		{ "[ferry\n", FERRY_E_INVALID, ":1: syntax error" },
		{ "[ferry]\ncolour = red\n", FERRY_E_INVALID,
		    ":2: unknown key 'colour' in [ferry]" },
		{ "[store]\n\nmax_folders = 1\n", FERRY_E_INVALID,
		    ":3: unknown key 'max_folders' in [store]" },
		{ "[profile w]\nurl = http://h\npassword = x\n",
		    FERRY_E_INVALID, ":3: unknown key 'password' in [profile w]" },
		{ "theme = x\n", FERRY_E_INVALID, ":1: 'theme' is outside" },
		{ "[store]\nmax_items_per_folder = 12x\n", FERRY_E_INVALID,
		    ":2: max_items_per_folder: '12x' is not a whole number" },
		{ "[store]\nmax_items_per_folder = 10K\n", FERRY_E_INVALID,
		    ":2: max_items_per_folder" },
		{ "[store]\nmax_items_per_folder = -1\n", FERRY_E_INVALID,
		    ":2:" },
		{ "[store]\nmax_items_per_folder = 1.5\n", FERRY_E_INVALID,
		    ":2:" },
		{ "[store]\nmax_bytes_per_folder = 18446744073709551616\n",
		    FERRY_E_INVALID, ":2: max_bytes_per_folder" },
		{ "[store]\nmax_bytes_per_folder = 17179869184G\n",
		    FERRY_E_INVALID, ":2: max_bytes_per_folder" },
		{ "[store]\nmax_bytes_per_folder = 10Q\n", FERRY_E_INVALID,
		    ":2:" },
		{ "[profile a.b]\nurl = x\n", FERRY_E_INVALID,
		    ":2: [profile a.b]" },
		{ "[profile]\nurl = x\n", FERRY_E_INVALID, ":2: [profile ]" },
		{ "[profile store]\nurl = x\n", FERRY_E_INVALID,
		    ":2: [profile store]" },
		{ "[profile w]\ntype = ftp\n", FERRY_E_INVALID,
		    ":2: [profile w] type: 'ftp'" },
		{ "[profile w]\nurl = http://h\ninsecure = maybe\n",
		    FERRY_E_INVALID, ":3: [profile w] insecure" },
		{ "[profile w]\ntoken_command = x\n", FERRY_E_INVALID,
		    ": [profile w] has no url" },
		{ "[ferry]\nstore = relative/dir\n", FERRY_E_INVALID,
		    ": store = relative/dir: give an absolute path" },
		{ "[ferry]\nstore =\n", FERRY_E_INVALID, ":2: store: empty" },
		{ "[ferry]\nmouse = sometimes\n", FERRY_E_INVALID,
		    ":2: mouse: 'sometimes' is not on or off" },
	};
	struct ferry_config	 cfg;
	struct ferry_error	 err;
	char			*path, *want;
	size_t			 i;

	unsetenv("FERRY_STORE");
	setenv("XDG_DATA_HOME", "/xdg/data", 1);
	for (i = 0; i < FERRY_NELEM(rows); i++) {
		CHECK_CODE(load(rows[i].text, 0600, &cfg, &err, &path),
		    rows[i].code);
		want = xasprintf("%s%s", path, rows[i].needle);
		if (strstr(err.msg, want) == NULL) {
			printf("#   row %zu: '%s' lacks '%s'\n", i, err.msg,
			    want);
			CHECK(strstr(err.msg, want) != NULL);
		}
		/* Still usable: defaults and the resolved store. */
		CHECK(cfg.profiles == NULL && cfg.extra == NULL);
		CHECK_STR(cfg.store_dir, "/xdg/data/ferry/store");
		CHECK_STR(cfg.theme, "default");
		CHECK_INT(cfg.max_items_per_folder, 0);
		free(want);
		free(path);
		ferry_config_done(&cfg);
	}
}

static void
test_long_line(void)
{
	struct ferry_config	 cfg;
	struct ferry_error	 err;
	char			*text, *cmd;

	/* 4000 bytes is fine (inih's default would cut it at 200). */
	cmd = xmalloc(4001);
	memset(cmd, 'c', 4000);
	cmd[4000] = '\0';
	text = xasprintf("[profile w]\nurl = http://h\ntoken_command = %s\n",
	    cmd);
	CHECK_CODE(load(text, 0600, &cfg, &err, NULL), FERRY_OK);
	CHECK(ferry_config_profile(&cfg, "w") != NULL &&
	    strlen(ferry_config_profile(&cfg, "w")->token_command) == 4000);
	ferry_config_done(&cfg);
	free(text);
	free(cmd);

	cmd = xmalloc(9001);
	memset(cmd, 'c', 9000);
	cmd[9000] = '\0';
	text = xasprintf("[profile w]\nurl = http://h\ntoken_command = %s\n",
	    cmd);
	CHECK_CODE(load(text, 0600, &cfg, &err, NULL), FERRY_E_INVALID);
	CHECK(strstr(err.msg, ":3: line too long") != NULL);
	ferry_config_done(&cfg);
	free(text);
	free(cmd);
}

static void
test_numbers(void)
{
	static const struct {
		const char	*v;
		unsigned long long want;
	} rows[] = {
		{ "0", 0 }, { "123", 123 }, { "1K", 1024 }, { "1k", 1024 },
		{ "2M", 2ull << 20 }, { "3G", 3ull << 30 }, { "4T", 4ull << 40 },
		{ "5KB", 5120 }, { "5KiB", 5120 },
		{ "18446744073709551615", 18446744073709551615ull },
	};
	struct ferry_config	 cfg;
	struct ferry_error	 err;
	size_t			 i;
	char			*text;

	for (i = 0; i < FERRY_NELEM(rows); i++) {
		text = xasprintf("[store]\nmax_bytes_per_folder = %s\n",
		    rows[i].v);
		CHECK_CODE(load(text, 0644, &cfg, &err, NULL), FERRY_OK);
		CHECK(cfg.max_bytes_per_folder == rows[i].want);
		ferry_config_done(&cfg);
		free(text);
	}
}

static void
test_credentials_mode(void)
{
	static const char secret[] =
	    "[profile w]\nurl = https://h\ntoken = abc\n";
	static const char s3secret[] =
	    "[profile s]\ntype = s3\naccess_key = a\nsecret_key = b\n";
	static const char nosecret[] =
	    "[profile w]\nurl = https://h\ntoken_command = pass show w\n";
	struct ferry_config	 cfg;
	struct ferry_error	 err;
	char			*path, *want;

	CHECK_CODE(load(secret, 0644, &cfg, &err, &path), FERRY_E_PERMISSION);
	want = xasprintf("%s is readable by others and holds credentials; "
	    "run: chmod 600 %s", path, path);
	CHECK_STR(err.msg, want);
	CHECK(cfg.profiles == NULL);	/* the token is not kept */
	free(want);
	free(path);
	ferry_config_done(&cfg);

	CHECK_CODE(load(secret, 0640, &cfg, &err, NULL), FERRY_E_PERMISSION);
	ferry_config_done(&cfg);
	CHECK_CODE(load(s3secret, 0604, &cfg, &err, NULL), FERRY_E_PERMISSION);
	ferry_config_done(&cfg);
	CHECK_CODE(load(secret, 0600, &cfg, &err, NULL), FERRY_OK);
	ferry_config_done(&cfg);
	CHECK_CODE(load(secret, 0400, &cfg, &err, NULL), FERRY_OK);
	ferry_config_done(&cfg);
	/* A command that fetches the token is not a credential. */
	CHECK_CODE(load(nosecret, 0644, &cfg, &err, NULL), FERRY_OK);
	ferry_config_done(&cfg);
}

static void
test_store_precedence(void)
{
	struct ferry_config	 cfg;
	struct ferry_error	 err;
	char			*withstore, *nostore;

	withstore = put("with", "[ferry]\nstore = ~/from-file\n", 0600);
	nostore = put("without", "[ferry]\ntheme = x\n", 0600);
	setenv("HOME", "/home/t", 1);
	setenv("XDG_DATA_HOME", "/xdg", 1);
	setenv("FERRY_STORE", "/from-env", 1);

	CHECK_CODE(ferry_config_load(&cfg, withstore, "/from-flag", &err),
	    FERRY_OK);
	CHECK_STR(cfg.store_dir, "/from-flag");
	ferry_config_done(&cfg);

	CHECK_CODE(ferry_config_load(&cfg, withstore, NULL, &err), FERRY_OK);
	CHECK_STR(cfg.store_dir, "/from-env");
	ferry_config_done(&cfg);

	setenv("FERRY_STORE", "", 1);	/* empty counts as unset */
	CHECK_CODE(ferry_config_load(&cfg, withstore, NULL, &err), FERRY_OK);
	CHECK_STR(cfg.store_dir, "/home/t/from-file");
	ferry_config_done(&cfg);

	unsetenv("FERRY_STORE");
	CHECK_CODE(ferry_config_load(&cfg, nostore, NULL, &err), FERRY_OK);
	CHECK_STR(cfg.store_dir, "/xdg/ferry/store");
	ferry_config_done(&cfg);

	setenv("XDG_DATA_HOME", "relative", 1);	/* ignored, as XDG says */
	CHECK_CODE(ferry_config_load(&cfg, nostore, NULL, &err), FERRY_OK);
	CHECK_STR(cfg.store_dir, "/home/t/.local/share/ferry/store");
	ferry_config_done(&cfg);

	unsetenv("XDG_DATA_HOME");
	CHECK_CODE(ferry_config_load(&cfg, nostore, NULL, &err), FERRY_OK);
	CHECK_STR(cfg.store_dir, "/home/t/.local/share/ferry/store");
	ferry_config_done(&cfg);
	free(withstore);
	free(nostore);
}

static void
test_default_path(void)
{
	struct ferry_config	 cfg;
	struct ferry_error	 err;
	char			*xdg, *sub, *path, *missing;

	xdg = xasprintf("%s/xdgconfig", dir);
	sub = xasprintf("%s/ferry", xdg);
	mkdir(xdg, 0700);
	mkdir(sub, 0700);
	setenv("XDG_CONFIG_HOME", xdg, 1);
	unsetenv("FERRY_STORE");

	/* No file at the default path: fine, nothing read. */
	path = ferry_config_default_path();
	missing = xasprintf("%s/config", sub);
	CHECK_STR(path, missing);
	free(missing);
	CHECK_CODE(ferry_config_load(&cfg, NULL, NULL, &err), FERRY_OK);
	CHECK(cfg.path == NULL);
	ferry_config_done(&cfg);

	/* A file there is read. */
	free(put("xdgconfig/ferry/config", "[ferry]\ntheme = blue\n", 0600));
	CHECK_CODE(ferry_config_load(&cfg, NULL, NULL, &err), FERRY_OK);
	CHECK_STR(cfg.path, path);
	CHECK_STR(cfg.theme, "blue");
	ferry_config_done(&cfg);
	unlink(path);

	/* An explicit file must exist. */
	missing = xasprintf("%s/missing", dir);
	CHECK_CODE(ferry_config_load(&cfg, missing, NULL, &err),
	    FERRY_E_NOT_FOUND);
	CHECK(strstr(err.msg, missing) != NULL);
	CHECK(cfg.store_dir != NULL);
	ferry_config_done(&cfg);

	/* A directory is not a config file. */
	CHECK_CODE(ferry_config_load(&cfg, sub, NULL, &err), FERRY_E_INVALID);
	ferry_config_done(&cfg);

	unsetenv("XDG_CONFIG_HOME");
	setenv("HOME", "/home/t", 1);
	free(path);
	path = ferry_config_default_path();
	CHECK_STR(path, "/home/t/.config/ferry/config");
	free(path);
	rmdir(sub);
	rmdir(xdg);
	free(sub);
	free(xdg);
	free(missing);
}

static const struct check_test tests[] = {
	CHECK_TEST(test_good),
	CHECK_TEST(test_bad),
	CHECK_TEST(test_long_line),
	CHECK_TEST(test_numbers),
	CHECK_TEST(test_credentials_mode),
	CHECK_TEST(test_store_precedence),
	CHECK_TEST(test_default_path),
	{ NULL, NULL },
};

int
main(int argc, char **argv)
{
	char	*cmd;
	int	 rc;

	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	rc = check_main(tests, argc, argv);
	cmd = xasprintf("rm -rf '%s'", dir);
	if (system(cmd) != 0)
		rc = 1;
	free(cmd);
	return rc;
}
