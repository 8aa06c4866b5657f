/* SPDX-License-Identifier: MIT */
/*
 * Tests for themes (src/tui/theme.c): every shipped theme parses and sets
 * every role, default.theme says what the built-in table says, values are
 * read as written, each kind of mistake is reported with its file, line
 * and token and leaves the default theme, colours degrade to what a
 * terminal of 8, 16, 256 colours or direct colour can show, and themes
 * are found by name in the configuration directory before the others.
 *
 * Runs from the top of the source tree (tests/run.sh does): the shipped
 * themes are read from themes/.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/check.h"
#include "core/util.h"
#include "ferry/entry.h"
#include "tui/theme.h"

static const char *const shipped[] = { "default", "light", "mono",
    "high-contrast", "classic" };

/* Read a whole file (malloc'd, NUL-terminated), or NULL. */
static char *
slurp(const char *path, size_t *len)
{
	FILE	*f = fopen(path, "rb");
	char	*buf;
	long	 n;

	if (f == NULL)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = xmalloc((size_t)n + 1);
	*len = fread(buf, 1, (size_t)n, f);
	buf[*len] = '\0';
	fclose(f);
	return buf;
}

static enum ferry_code
parse_str(struct theme *t, const char *text, struct ferry_error *err)
{
	return theme_parse(t, "t.theme", text, strlen(text), err);
}

static bool
style_eq(const struct theme_style *a, const struct theme_style *b)
{
	return a->fg.kind == b->fg.kind && a->fg.value == b->fg.value &&
	    a->bg.kind == b->bg.kind && a->bg.value == b->bg.value &&
	    a->attrs == b->attrs && a->mono == b->mono;
}

static void
test_shipped_themes_parse_completely(void)
{
	struct ferry_error	 err;
	struct theme		 t;
	char			 path[256], *text;
	size_t			 i, len;
	int			 r;

	for (i = 0; i < FERRY_NELEM(shipped); i++) {
		snprintf(path, sizeof path, "themes/%s.theme", shipped[i]);
		text = slurp(path, &len);
		if (text == NULL) {
			check_failf(__FILE__, __LINE__, "cannot read %s", path);
			continue;
		}
		err.msg[0] = '\0';
		if (theme_parse(&t, path, text, len, &err) != FERRY_OK)
			check_failf(__FILE__, __LINE__, "%s", err.msg);
		for (r = 0; r < STYLE__COUNT; r++)
			if (t.line[r] == 0)
				check_failf(__FILE__, __LINE__, "%s does not set "
				    "'%s'", path, theme_role_name(r));
		/* The cursor must stand out without colours. */
		CHECK(t.role[STYLE_CURSOR].mono & (THEME_REVERSE |
		    THEME_STANDOUT));
		CHECK(t.role[STYLE_HEADER_ACTIVE].mono & (THEME_REVERSE |
		    THEME_STANDOUT));
		free(text);
	}
}

static void
test_default_file_is_the_builtin(void)
{
	struct ferry_error	 err;
	struct theme		 file, builtin;
	char			*text;
	size_t			 len;
	int			 r;

	text = slurp("themes/default.theme", &len);
	CHECK(text != NULL);
	if (text == NULL)
		return;
	CHECK_CODE(theme_parse(&file, "default.theme", text, len, &err),
	    FERRY_OK);
	theme_default(&builtin);
	for (r = 0; r < STYLE__COUNT; r++)
		if (!style_eq(&file.role[r], &builtin.role[r]))
			check_failf(__FILE__, __LINE__, "role '%s' differs "
			    "between default.theme and the built-in table",
			    theme_role_name(r));
	free(text);
}

static void
test_values(void)
{
	struct ferry_error	 err;
	struct theme		 t, d;
	const char		*text =
	    "# a comment\n"
	    "   # an indented one\n"
	    "\n"
	    "cursor = black cyan bold / reverse\n"
	    "Folder\t=\t#0000AF   # blue, not a comment: #0000af\r\n"
	    "hint = dim\n"
	    "titles = 255 0 underline italic\n"
	    "marked = Bright-Red grey blink\n"
	    "error = red / normal\n"
	    "header = default blue standout /\n";

	CHECK_CODE(parse_str(&t, text, &err), FERRY_OK);
	CHECK_INT(t.role[STYLE_CURSOR].fg.kind, THEME_COLOR_INDEX);
	CHECK_INT(t.role[STYLE_CURSOR].fg.value, 0);
	CHECK_INT(t.role[STYLE_CURSOR].bg.value, 6);
	CHECK_INT(t.role[STYLE_CURSOR].attrs, THEME_BOLD);
	CHECK_INT(t.role[STYLE_CURSOR].mono, THEME_REVERSE);
	CHECK_INT(t.line[STYLE_CURSOR], 4);
	CHECK_INT(t.role[STYLE_FOLDER].fg.kind, THEME_COLOR_RGB);
	CHECK_INT(t.role[STYLE_FOLDER].fg.value, 0x0000af);
	CHECK_INT(t.role[STYLE_FOLDER].bg.kind, THEME_COLOR_DEFAULT);
	CHECK_INT(t.role[STYLE_FOLDER].attrs, 0);
	CHECK_INT(t.role[STYLE_HINT].fg.kind, THEME_COLOR_DEFAULT);
	CHECK_INT(t.role[STYLE_HINT].attrs, THEME_DIM);
	CHECK_INT(t.role[STYLE_HINT].mono, THEME_DIM);
	CHECK_INT(t.role[STYLE_TITLES].fg.value, 255);
	CHECK_INT(t.role[STYLE_TITLES].bg.value, 0);
	CHECK_INT(t.role[STYLE_TITLES].attrs, THEME_UNDERLINE | THEME_ITALIC);
	CHECK_INT(t.role[STYLE_MARKED].fg.value, 9);
	CHECK_INT(t.role[STYLE_MARKED].bg.value, 8);
	CHECK_INT(t.role[STYLE_MARKED].attrs, THEME_BLINK);
	CHECK_INT(t.role[STYLE_ERROR].attrs, 0);
	CHECK_INT(t.role[STYLE_ERROR].mono, 0);
	CHECK_INT(t.role[STYLE_HEADER].fg.kind, THEME_COLOR_DEFAULT);
	CHECK_INT(t.role[STYLE_HEADER].bg.value, 4);
	CHECK_INT(t.role[STYLE_HEADER].attrs, THEME_STANDOUT);
	CHECK_INT(t.role[STYLE_HEADER].mono, 0);
	/* A role the file leaves out keeps the default. */
	theme_default(&d);
	CHECK(t.line[STYLE_DIALOG] == 0);
	CHECK(style_eq(&t.role[STYLE_DIALOG], &d.role[STYLE_DIALOG]));
	/* No newline at the end, and an empty file. */
	CHECK_CODE(parse_str(&t, "cursor = red", &err), FERRY_OK);
	CHECK_INT(t.role[STYLE_CURSOR].fg.value, 1);
	CHECK_CODE(parse_str(&t, "", &err), FERRY_OK);
}

/* Each mistake: the text, and the start of the message it gives. */
static void
test_errors(void)
{
	static const struct {
		const char	*text;
		const char	*want;
	} cases[] = {
		{ "cursor = blu\n", "t.theme:1: unknown colour 'blu'" },
		{ "\n\n# c\ncursor = black cyan\ncursor = red\n",
		  "t.theme:5: role 'cursor' is set twice (first on line 4)" },
		{ "normal = default\ncurser = red\n",
		  "t.theme:2: unknown role 'curser'" },
		{ "cursor red\n", "t.theme:1: expected 'role = colours and "
		  "attributes', got 'cursor red'" },
		{ "cursor = red blue green\n",
		  "t.theme:1: a third colour 'green'" },
		{ "cursor = bold red\n",
		  "t.theme:1: colour 'red' after the attributes" },
		{ "cursor = red / blue\n",
		  "t.theme:1: colour 'blue' after '/'" },
		{ "cursor = red / bold / dim\n", "t.theme:1: a second '/'" },
		{ "cursor = red blue blod\n",
		  "t.theme:1: unknown attribute 'blod'" },
		{ "cursor = red blod\n",
		  "t.theme:1: unknown colour or attribute 'blod'" },
		{ "cursor = red / blod\n",
		  "t.theme:1: unknown attribute 'blod'" },
		{ "cursor = 256\n", "t.theme:1: unknown colour '256' (a "
		  "palette index is 0-255)" },
		{ "cursor = 007\n", "t.theme:1: unknown colour '007'" },
		{ "cursor = #12345\n", "t.theme:1: unknown colour '#12345' "
		  "(#rrggbb takes six hex digits)" },
		{ "cursor = #12345g\n", "t.theme:1: unknown colour '#12345g'" },
		{ "cursor = red #nope\n", "t.theme:1: unknown colour '#nope'" },
		{ "cursor =\n", "t.theme:1: no colours or attributes" },
		{ "cursor = /\n", "t.theme:1: no colours or attributes" },
		{ "= red\n", "t.theme:1: no role name before '='" },
		{ "cursor = red\x1b[31m\n",
		  "t.theme:1: control character 0x1b in column 13" },
		{ "cursor = \xff\xfe\n", "t.theme:1: unknown colour "
		  "'\\xff\\xfe'" },
		{ "cursor = bright-\n", "t.theme:1: unknown colour 'bright-'" },
		{ "a\0" "b = red\n", "t.theme:1: control character 0x00" },
	};
	struct ferry_error	 err;
	struct theme		 t, d;
	size_t			 i, len;

	theme_default(&d);
	for (i = 0; i < FERRY_NELEM(cases); i++) {
		len = strlen(cases[i].text);
		if (strcmp(cases[i].text, "a") == 0)
			len = 10;
		err.msg[0] = '\0';
		CHECK_CODE(theme_parse(&t, "t.theme", cases[i].text, len,
		    &err), FERRY_E_INVALID);
		if (strncmp(err.msg, cases[i].want, strlen(cases[i].want)) !=
		    0)
			check_failf(__FILE__, __LINE__, "case %zu: '%s', "
			    "wanted '%s...'", i, err.msg, cases[i].want);
		/* A failed parse leaves the default theme. */
		CHECK(style_eq(&t.role[STYLE_CURSOR], &d.role[STYLE_CURSOR]));
	}
}

static void
test_limits(void)
{
	struct ferry_error	 err;
	struct theme		 t;
	char			*big;

	big = xmalloc(THEME_FILE_MAX + 2);
	memset(big, '#', THEME_FILE_MAX + 1);
	big[THEME_FILE_MAX + 1] = '\0';
	CHECK_CODE(theme_parse(&t, "big.theme", big, THEME_FILE_MAX + 1,
	    &err), FERRY_E_LIMIT);
	CHECK(strstr(err.msg, "big.theme: a theme file is at most") != NULL);
	/* One long line (a comment) on line 2. */
	memcpy(big, "normal = red\n#", 14);
	big[14 + THEME_LINE_MAX] = '\n';
	CHECK_CODE(theme_parse(&t, "big.theme", big, 15 + THEME_LINE_MAX,
	    &err), FERRY_E_INVALID);
	CHECK_STR(err.msg, "big.theme:2: line longer than 1024 bytes");
	free(big);
}

static void
test_degrade(void)
{
	struct theme_color	 c;
	bool			 bright;
	unsigned int		 i;

	c.kind = THEME_COLOR_DEFAULT;
	c.value = 0;
	CHECK_INT(theme_color_number(&c, 256, &bright), -1);
	CHECK_INT(theme_color_number(&c, THEME_DIRECT, &bright), -1);

	c.kind = THEME_COLOR_INDEX;
	c.value = 4;
	CHECK_INT(theme_color_number(&c, 8, &bright), 4);
	CHECK(!bright);
	CHECK_INT(theme_color_number(&c, 0, &bright), -1);
	c.value = 12;			/* bright-blue */
	CHECK_INT(theme_color_number(&c, 16, &bright), 12);
	CHECK(!bright);
	CHECK_INT(theme_color_number(&c, 8, &bright), 4);
	CHECK(bright);
	CHECK_INT(theme_color_number(&c, THEME_DIRECT, &bright), 0x5c5cff);
	c.value = 196;			/* #ff0000 in the cube */
	CHECK_INT(theme_color_number(&c, 256, &bright), 196);
	CHECK_INT(theme_color_number(&c, 16, &bright), 9);
	CHECK_INT(theme_color_number(&c, 8, &bright), 1);
	CHECK(bright);
	c.value = 3;
	CHECK_INT(theme_color_number(&c, THEME_DIRECT, &bright), 3);

	c.kind = THEME_COLOR_RGB;
	c.value = 0x0000af;
	CHECK_INT(theme_color_number(&c, 256, &bright), 19);
	CHECK_INT(theme_color_number(&c, 16, &bright), 4);
	CHECK_INT(theme_color_number(&c, 8, &bright), 4);
	CHECK(!bright);
	CHECK_INT(theme_color_number(&c, THEME_DIRECT, &bright), 0x0000af);
	c.value = 0x808080;
	CHECK_INT(theme_color_number(&c, 256, &bright), 244);
	CHECK_INT(theme_color_number(&c, 16, &bright), 8);
	CHECK_INT(theme_color_number(&c, 8, &bright), 0);
	CHECK(bright);
	c.value = 0xafd7ff;		/* light's cursor: index 153 */
	CHECK_INT(theme_color_number(&c, 256, &bright), 153);
	c.value = 0x000001;		/* below 8 would be an ANSI colour */
	CHECK_INT(theme_color_number(&c, THEME_DIRECT, &bright), 8);

	CHECK_INT(theme_palette_rgb(16), 0x000000);
	CHECK_INT(theme_palette_rgb(21), 0x0000ff);
	CHECK_INT(theme_palette_rgb(231), 0xffffff);
	CHECK_INT(theme_palette_rgb(232), 0x080808);
	CHECK_INT(theme_palette_rgb(255), 0xeeeeee);
	for (i = 16; i < 256; i++)
		if (theme_nearest(theme_palette_rgb(i), 256) != i)
			check_failf(__FILE__, __LINE__, "palette %u is not "
			    "its own nearest", i);
	for (i = 0; i < 16; i++) {
		CHECK_INT(theme_nearest(theme_palette_rgb(i), 16), i);
		CHECK_INT(theme_to16(i), i);
	}
	/* To 16 by hue and lightness. */
	CHECK_INT(theme_to16(16), 0);		/* #000000 */
	CHECK_INT(theme_to16(231), 15);		/* #ffffff */
	CHECK_INT(theme_to16(24), 4);		/* #005f87: blue */
	CHECK_INT(theme_to16(30), 6);		/* #008787: cyan */
	CHECK_INT(theme_to16(208), 9);		/* #ff8700: bright red */
	CHECK_INT(theme_to16(214), 11);		/* #ffaf00: bright yellow */
	CHECK_INT(theme_to16(90), 5);		/* #870087: magenta */
	CHECK_INT(theme_to16(153), 14);		/* #afd7ff: bright cyan */
	CHECK_INT(theme_to16(189), 12);		/* #d7d7ff: bright blue */
	CHECK_INT(theme_to16(236), 0);		/* #303030 */
	CHECK_INT(theme_to16(244), 8);		/* #808080 */
	CHECK_INT(theme_to16(252), 7);		/* #d0d0d0 */
	CHECK_INT(theme_to16(255), 15);		/* #eeeeee */
	for (i = 0; i < 256; i++)
		CHECK(theme_to16(i) < 16);
}

static void
test_roles(void)
{
	int	 r, s;

	for (r = 0; r < STYLE__COUNT; r++) {
		CHECK(theme_role_name(r) != NULL);
		for (s = 0; s < r; s++)
			CHECK(strcmp(theme_role_name(r), theme_role_name(s)) !=
			    0);
	}
	CHECK_INT(theme_type_role(FERRY_TYPE_IMAGE), STYLE_IMAGE);
	CHECK_INT(theme_type_role(FERRY_TYPE_DOCUMENT), STYLE_DOCUMENT);
	CHECK_INT(theme_type_role(FERRY_TYPE_OTHER), STYLE_OTHER);
	CHECK_INT(theme_type_role(200), STYLE_OTHER);
}

static void
write_file(const char *path, const char *text)
{
	FILE	*f = fopen(path, "w");

	FERRY_ASSERT(f != NULL);
	fputs(text, f);
	fclose(f);
}

static void
test_find_and_load(void)
{
	struct ferry_error	 err;
	struct theme		 t;
	char			 dir[] = "/tmp/ferry-theme-test.XXXXXX";
	char			*p, *path, *home;

	FERRY_ASSERT(mkdtemp(dir) != NULL);
	setenv("XDG_CONFIG_HOME", dir, 1);
	p = xasprintf("%s/ferry", dir);
	mkdir(p, 0700);
	free(p);
	p = xasprintf("%s/ferry/themes", dir);
	mkdir(p, 0700);
	free(p);
	p = xasprintf("%s/ferry/themes/mine.theme", dir);
	write_file(p, "cursor = red green\n");
	free(p);
	p = xasprintf("%s/ferry/themes/light.theme", dir);
	write_file(p, "cursor = blue\n");
	free(p);
	p = xasprintf("%s/ferry/themes/broken.theme", dir);
	write_file(p, "# fine\ncursor = blu\n");

	/* The user's directory comes first, even over a shipped name. */
	CHECK_CODE(theme_path("mine", &path, &err), FERRY_OK);
	CHECK(path != NULL && strstr(path, "/ferry/themes/mine.theme"));
	free(path);
	CHECK_CODE(theme_load(&t, "light", &err), FERRY_OK);
	CHECK_INT(t.role[STYLE_CURSOR].fg.value, 4);
	/* A shipped name not in the user's directory: found further on. */
	CHECK_CODE(theme_path("classic", &path, &err), FERRY_OK);
	CHECK(path != NULL && strstr(path, "/themes/classic.theme") &&
	    strncmp(path, dir, strlen(dir)) != 0);
	free(path);
	CHECK_CODE(theme_load(&t, "mine", &err), FERRY_OK);
	CHECK_INT(t.role[STYLE_CURSOR].fg.value, 1);
	CHECK_INT(t.role[STYLE_CURSOR].bg.value, 2);
	/* A broken file: its path and the line. */
	CHECK_CODE(theme_load(&t, "broken", &err), FERRY_E_INVALID);
	CHECK(strstr(err.msg, "broken.theme:2: unknown colour 'blu'"));
	/* A path is taken as it is. */
	CHECK_CODE(theme_load(&t, p, &err), FERRY_E_INVALID);
	CHECK(strncmp(err.msg, p, strlen(p)) == 0);
	CHECK_CODE(theme_load(&t, "/nonexistent/x.theme", &err),
	    FERRY_E_NOT_FOUND);
	CHECK(strstr(err.msg, "/nonexistent/x.theme") != NULL);
	/* Unknown names say where they were looked for. */
	CHECK_CODE(theme_load(&t, "nope", &err), FERRY_E_NOT_FOUND);
	CHECK(strstr(err.msg, "theme 'nope' not found") != NULL);
	CHECK(strstr(err.msg, dir) != NULL);
	CHECK_CODE(theme_load(&t, "bad name!", &err), FERRY_E_INVALID);
	CHECK_CODE(theme_load(&t, ".hidden", &err), FERRY_E_INVALID);
	/* default: found, or built in; never an error. */
	CHECK_CODE(theme_load(&t, NULL, &err), FERRY_OK);
	free(p);

	/* With HOME only: ~/.config/ferry/themes. */
	unsetenv("XDG_CONFIG_HOME");
	home = getenv("HOME") != NULL ? xstrdup(getenv("HOME")) : NULL;
	setenv("HOME", dir, 1);
	CHECK_CODE(theme_path("nope", &path, &err), FERRY_E_NOT_FOUND);
	CHECK(strstr(err.msg, "/.config/ferry/themes") != NULL);
	if (home != NULL)
		setenv("HOME", home, 1);
	free(home);

	p = xasprintf("rm -rf '%s'", dir);
	CHECK(system(p) == 0);
	free(p);
}

static const struct check_test tests[] = {
	CHECK_TEST(test_shipped_themes_parse_completely),
	CHECK_TEST(test_default_file_is_the_builtin),
	CHECK_TEST(test_values),
	CHECK_TEST(test_errors),
	CHECK_TEST(test_limits),
	CHECK_TEST(test_degrade),
	CHECK_TEST(test_roles),
	CHECK_TEST(test_find_and_load),
	{ NULL, NULL }
};

int
main(int argc, char **argv)
{
	return check_main(tests, argc, argv);
}
