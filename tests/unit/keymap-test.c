/* SPDX-License-Identifier: MIT */
/*
 * Tests for key bindings (src/tui/keymap.c): key names and the codes they
 * stand for, the defaults of an action table, the [keys] section taking
 * keys from the defaults, unbinding, and each mistake reported with the
 * file, the action and the key.
 */
#include <curses.h>
#include <stdlib.h>
#include <string.h>

#include "lib/check.h"
#include "core/util.h"
#include "tui/keymap.h"

static const struct keymap_def defs[] = {
	{ "up", "Up, k" },
	{ "down", "Down, j" },
	{ "open", "Enter, Right, l" },
	{ "parent", "Backspace, Left, h" },
	{ "copy", "F5" },
	{ "rename", "F2, S-F6" },
	{ "quit", "F10, q" },
	{ "reload", "C-r" },
};

enum { UP, DOWN, OPEN, PARENT, COPY, RENAME, QUIT, RELOAD };

/* A configuration whose [keys] section is the pairs given. */
struct fake_cfg {
	struct ferry_config	 cfg;
	struct ferry_config_kv	 kv[8];
};

static const struct ferry_config *
fake(struct fake_cfg *f, const char *const *pairs)
{
	size_t	 i;

	memset(f, 0, sizeof *f);
	f->cfg.path = (char *)"my/config";
	for (i = 0; pairs[2 * i] != NULL; i++) {
		FERRY_ASSERT(i < FERRY_NELEM(f->kv));
		f->kv[i].section = (char *)(strchr(pairs[2 * i], '.') ?
		    "other" : KEYMAP_SECTION);
		f->kv[i].key = (char *)pairs[2 * i];
		f->kv[i].value = (char *)pairs[2 * i + 1];
		if (i > 0)
			f->kv[i - 1].next = &f->kv[i];
	}
	f->cfg.extra = i > 0 ? &f->kv[0] : NULL;
	return &f->cfg;
}

static bool
parses_to(const char *name, uint32_t code, const char *canon)
{
	uint32_t	 codes[KEYMAP_CODES_MAX];
	char		 c[KEYMAP_NAME_MAX];
	size_t		 n;

	if (!keymap_parse_key(name, codes, &n, c) || n < 1)
		return false;
	return codes[0] == code && strcmp(c, canon) == 0;
}

static void
test_key_names(void)
{
	uint32_t	 codes[KEYMAP_CODES_MAX];
	char		 c[KEYMAP_NAME_MAX];
	size_t		 n;

	CHECK(parses_to("j", 'j', "j"));
	CHECK(parses_to("G", 'G', "G"));
	CHECK(parses_to("*", '*', "*"));
	CHECK(parses_to("\xc3\xa9", 0xe9, "\xc3\xa9"));
	CHECK(parses_to("Up", KEYMAP_FKEY | KEY_UP, "Up"));
	CHECK(parses_to("uP", KEYMAP_FKEY | KEY_UP, "Up"));
	CHECK(parses_to("PageDown", KEYMAP_FKEY | KEY_NPAGE, "PgDn"));
	CHECK(parses_to("F5", KEYMAP_FKEY | KEY_F(5), "F5"));
	CHECK(parses_to("f12", KEYMAP_FKEY | KEY_F(12), "F12"));
	CHECK(parses_to("S-F6", KEYMAP_FKEY | KEY_F(18), "S-F6"));
	CHECK(parses_to("C-n", 14, "C-n"));
	CHECK(parses_to("Ctrl-N", 14, "C-n"));
	CHECK(parses_to("^r", 18, "C-r"));
	CHECK(parses_to("Space", ' ', "Space"));
	CHECK(parses_to("comma", ',', "comma"));
	CHECK(parses_to("Esc", 27, "Esc"));
	CHECK(parses_to("Del", KEYMAP_FKEY | KEY_DC, "Delete"));
	CHECK(keymap_parse_key("Enter", codes, &n, c));
	CHECK_INT(n, 3);
	CHECK(keymap_parse_key("Backspace", codes, &n, c));
	CHECK_INT(n, 3);
	CHECK_STR(c, "Backspace");
	CHECK(!keymap_parse_key("", codes, &n, c));
	CHECK(!keymap_parse_key("jj", codes, &n, c));
	CHECK(!keymap_parse_key("F0", codes, &n, c));
	CHECK(!keymap_parse_key("F13", codes, &n, c));
	CHECK(!keymap_parse_key("F55", codes, &n, c));
	CHECK(!keymap_parse_key("C-1", codes, &n, c));
	CHECK(!keymap_parse_key("M-x", codes, &n, c));
	CHECK(!keymap_parse_key("\x01", codes, &n, c));
	CHECK(!keymap_parse_key(" ", codes, &n, c));
	CHECK(!keymap_parse_key("\xff", codes, &n, c));
	CHECK(!keymap_parse_key("\xc2\x9b", codes, &n, c));	/* C1 */
	CHECK(!keymap_parse_key("\xc3\xa9x", codes, &n, c));
}

static void
test_defaults(void)
{
	struct keymap		*km;
	struct ferry_error	 err;

	CHECK_CODE(keymap_new(defs, FERRY_NELEM(defs), NULL, &km, &err),
	    FERRY_OK);
	CHECK_INT(keymap_lookup(km, true, KEY_UP), UP);
	CHECK_INT(keymap_lookup(km, false, 'k'), UP);
	CHECK_INT(keymap_lookup(km, false, 'j'), DOWN);
	CHECK_INT(keymap_lookup(km, false, '\r'), OPEN);
	CHECK_INT(keymap_lookup(km, false, '\n'), OPEN);
	CHECK_INT(keymap_lookup(km, true, KEY_ENTER), OPEN);
	CHECK_INT(keymap_lookup(km, false, 127), PARENT);
	CHECK_INT(keymap_lookup(km, true, KEY_BACKSPACE), PARENT);
	CHECK_INT(keymap_lookup(km, true, KEY_F(18)), RENAME);
	CHECK_INT(keymap_lookup(km, false, 18), RELOAD);
	CHECK_INT(keymap_lookup(km, false, 'x'), -1);
	/* A function key code is not the character of the same number. */
	CHECK_INT(keymap_lookup(km, false, KEY_UP), -1);
	CHECK_STR(keymap_keys(km, OPEN), "Enter, Right, l");
	CHECK_STR(keymap_keys(km, RENAME), "F2, S-F6");
	keymap_free(km);
}

static void
test_config(void)
{
	static const char *const pairs[] = {
		"down", "j, Down, C-n",
		"copy", "q , c",	/* q is quit's by default */
		"rename", "none",
		"up", "K",
		"up", "k, Up",		/* the later one wins */
		"other.x", "whatever",	/* another section */
		NULL, NULL,
	};
	struct fake_cfg		 f;
	struct keymap		*km;
	struct ferry_error	 err;

	CHECK_CODE(keymap_new(defs, FERRY_NELEM(defs), fake(&f, pairs), &km,
	    &err), FERRY_OK);
	if (km == NULL)
		return;
	CHECK_INT(keymap_lookup(km, false, 14), DOWN);
	CHECK_INT(keymap_lookup(km, false, 'j'), DOWN);
	CHECK_INT(keymap_lookup(km, false, 'q'), COPY);
	CHECK_INT(keymap_lookup(km, false, 'c'), COPY);
	CHECK_INT(keymap_lookup(km, true, KEY_F(5)), -1);
	CHECK_INT(keymap_lookup(km, true, KEY_F(10)), QUIT);
	CHECK_INT(keymap_lookup(km, true, KEY_F(2)), -1);
	CHECK_INT(keymap_lookup(km, false, 'K'), -1);
	CHECK_INT(keymap_lookup(km, false, 'k'), UP);
	CHECK_STR(keymap_keys(km, DOWN), "j, Down, C-n");
	CHECK_STR(keymap_keys(km, COPY), "q, c");
	CHECK_STR(keymap_keys(km, QUIT), "F10");
	CHECK_STR(keymap_keys(km, RENAME), "");
	keymap_free(km);
}

static void
test_config_errors(void)
{
	static const struct {
		const char	*pairs[6];
		const char	*want;
	} cases[] = {
		{ { "cpy", "F5", NULL, NULL },
		  "my/config: [keys] unknown action 'cpy'" },
		{ { "copy", "F55", NULL, NULL },
		  "my/config: [keys] copy: unknown key 'F55'" },
		{ { "copy", "c, M-x", NULL, NULL },
		  "my/config: [keys] copy: unknown key 'M-x'" },
		{ { "copy", "x", "quit", "x", NULL, NULL },
		  "my/config: [keys] key 'x' is bound to both copy and quit" },
		{ { "copy", "a,,b", NULL, NULL },
		  "my/config: [keys] copy: an empty key name in 'a,,b'" },
		{ { "copy", "\x1b[2J", NULL, NULL },
		  "my/config: [keys] copy: unknown key '\\e[2J'" },
		{ { "\x1b]0;x", "F5", NULL, NULL },
		  "my/config: [keys] unknown action '\\e]0;x'" },
	};
	struct fake_cfg		 f;
	struct keymap		*km;
	struct ferry_error	 err;
	size_t			 i;

	for (i = 0; i < FERRY_NELEM(cases); i++) {
		err.msg[0] = '\0';
		km = (struct keymap *)&f;
		CHECK_CODE(keymap_new(defs, FERRY_NELEM(defs),
		    fake(&f, cases[i].pairs), &km, &err), FERRY_E_INVALID);
		CHECK(km == NULL);
		if (strncmp(err.msg, cases[i].want, strlen(cases[i].want)) !=
		    0)
			check_failf(__FILE__, __LINE__, "case %zu: '%s', "
			    "wanted '%s...'", i, err.msg, cases[i].want);
	}
}

static const struct check_test tests[] = {
	CHECK_TEST(test_key_names),
	CHECK_TEST(test_defaults),
	CHECK_TEST(test_config),
	CHECK_TEST(test_config_errors),
	{ NULL, NULL }
};

int
main(int argc, char **argv)
{
	return check_main(tests, argc, argv);
}
