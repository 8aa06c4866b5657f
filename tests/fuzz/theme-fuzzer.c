/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target for theme files (src/tui/theme.c): each input is the text
 * of a theme file, parsed from memory with theme_parse().
 *
 * Checked on every input:
 * - the parse succeeds or fails with FERRY_E_INVALID ("fuzz.theme:LINE:
 *   ...", LINE within the input) or FERRY_E_LIMIT (too big), the message
 *   holds no control character (bad tokens are shown escaped), and a
 *   failed parse leaves exactly the built-in default theme;
 * - a theme that parsed is well formed: colour kinds known, palette
 *   indexes 0-255, RGB 24-bit, attributes among THEME_*, each role set on
 *   its own line within the input, the roles not set equal to the default;
 * - written back in the canonical form (every colour and attribute
 *   spelled out, "/" always present) it parses again to the same theme;
 * - every colour degrades into the range of each terminal depth (none,
 *   8 with the bold flag only there, 16, 256, direct colour).
 *
 * Single-threaded; no state between inputs.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "tui/theme.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define THEME_FUZZ_ATTRS	0x7fu

static const char *const theme_fuzz_attr_names[] = {
	"bold", "dim", "italic", "underline", "blink", "reverse", "standout"
};

static bool
theme_fuzz_same(const struct theme_style *a, const struct theme_style *b)
{
	return a->fg.kind == b->fg.kind && a->fg.value == b->fg.value &&
	    a->bg.kind == b->bg.kind && a->bg.value == b->bg.value &&
	    a->attrs == b->attrs && a->mono == b->mono;
}

static void
theme_fuzz_color_ok(const struct theme_color *c)
{
	bool	 bright;
	int	 n;

	switch (c->kind) {
	case THEME_COLOR_DEFAULT:
		FERRY_ASSERT(c->value == 0);
		break;
	case THEME_COLOR_INDEX:
		FERRY_ASSERT(c->value <= 255);
		break;
	case THEME_COLOR_RGB:
		FERRY_ASSERT(c->value <= 0xffffff);
		break;
	default:
		FERRY_ASSERT(!"unknown colour kind");
	}
	FERRY_ASSERT(theme_color_number(c, 2, &bright) == -1 && !bright);
	n = theme_color_number(c, 8, &bright);
	FERRY_ASSERT(n >= -1 && n < 8);
	FERRY_ASSERT(!bright || n >= 0);
	n = theme_color_number(c, 16, &bright);
	FERRY_ASSERT(n >= -1 && n < 16 && !bright);
	n = theme_color_number(c, 256, &bright);
	FERRY_ASSERT(n >= -1 && n < 256 && !bright);
	n = theme_color_number(c, THEME_DIRECT, &bright);
	FERRY_ASSERT(n >= -1 && n <= 0xffffff && !bright);
	FERRY_ASSERT((n == -1) == (c->kind == THEME_COLOR_DEFAULT));
}

/* Append the canonical spelling of c. */
static void
theme_fuzz_put_color(char *buf, size_t len, const struct theme_color *c)
{
	size_t	 o = strlen(buf);

	if (c->kind == THEME_COLOR_DEFAULT)
		snprintf(buf + o, len - o, " default");
	else if (c->kind == THEME_COLOR_INDEX)
		snprintf(buf + o, len - o, " %u", (unsigned int)c->value);
	else
		snprintf(buf + o, len - o, " #%06x", (unsigned int)c->value);
}

static void
theme_fuzz_put_attrs(char *buf, size_t len, unsigned int bits)
{
	size_t	 i, o;

	if (bits == 0) {
		o = strlen(buf);
		snprintf(buf + o, len - o, " normal");
	}
	for (i = 0; i < FERRY_NELEM(theme_fuzz_attr_names); i++) {
		if (!(bits & (1u << i)))
			continue;
		o = strlen(buf);
		snprintf(buf + o, len - o, " %s", theme_fuzz_attr_names[i]);
	}
}

/* Write t (the roles it sets) back as a theme file and parse that. */
static void
theme_fuzz_roundtrip(const struct theme *t)
{
	struct ferry_error	 err;
	struct theme		 u;
	char			*text, line[256];
	size_t			 cap = 256 * STYLE__COUNT, o = 0;
	int			 r;

	text = xcalloc(1, cap);
	for (r = 0; r < STYLE__COUNT; r++) {
		if (t->line[r] == 0)
			continue;
		snprintf(line, sizeof line, "%s =", theme_role_name(r));
		theme_fuzz_put_color(line, sizeof line, &t->role[r].fg);
		theme_fuzz_put_color(line, sizeof line, &t->role[r].bg);
		theme_fuzz_put_attrs(line, sizeof line, t->role[r].attrs);
		snprintf(line + strlen(line), sizeof line - strlen(line),
		    " /");
		theme_fuzz_put_attrs(line, sizeof line, t->role[r].mono);
		o += (size_t)snprintf(text + o, cap - o, "%s\n", line);
	}
	if (theme_parse(&u, "roundtrip.theme", text, o, &err) != FERRY_OK) {
		fprintf(stderr, "theme-fuzzer: the canonical form does not "
		    "parse: %s\n%s", err.msg, text);
		abort();
	}
	for (r = 0; r < STYLE__COUNT; r++) {
		if (!theme_fuzz_same(&t->role[r], &u.role[r])) {
			fprintf(stderr, "theme-fuzzer: role %s changed in the "
			    "round trip\n%s", theme_role_name(r), text);
			abort();
		}
		FERRY_ASSERT((t->line[r] == 0) == (u.line[r] == 0));
	}
	free(text);
}

static void
theme_fuzz_check_ok(const struct theme *t, int nlines)
{
	struct theme	 d;
	int		 r, s;

	theme_default(&d);
	for (r = 0; r < STYLE__COUNT; r++) {
		theme_fuzz_color_ok(&t->role[r].fg);
		theme_fuzz_color_ok(&t->role[r].bg);
		FERRY_ASSERT((t->role[r].attrs & ~THEME_FUZZ_ATTRS) == 0);
		FERRY_ASSERT((t->role[r].mono & ~THEME_FUZZ_ATTRS) == 0);
		FERRY_ASSERT(t->line[r] >= 0 && t->line[r] <= nlines);
		if (t->line[r] == 0)
			FERRY_ASSERT(theme_fuzz_same(&t->role[r], &d.role[r]));
		for (s = 0; s < r; s++)
			FERRY_ASSERT(t->line[r] == 0 ||
			    t->line[r] != t->line[s]);
	}
	theme_fuzz_roundtrip(t);
}

static void
theme_fuzz_check_error(const struct theme *t, enum ferry_code code,
    const struct ferry_error *err, int nlines)
{
	static const char	 prefix[] = "fuzz.theme:";
	struct theme		 d;
	const unsigned char	*m = (const unsigned char *)err->msg;
	char			*end;
	long			 line;
	size_t			 i;

	FERRY_ASSERT(code == FERRY_E_INVALID || code == FERRY_E_LIMIT);
	FERRY_ASSERT(strncmp(err->msg, prefix, sizeof prefix - 1) == 0 ||
	    (code == FERRY_E_LIMIT && strncmp(err->msg, "fuzz.theme: ",
	    12) == 0));
	if (code == FERRY_E_INVALID) {
		line = strtol(err->msg + sizeof prefix - 1, &end, 10);
		FERRY_ASSERT(line >= 1 && line <= nlines);
		FERRY_ASSERT(strncmp(end, ": ", 2) == 0 && end[2] != '\0');
	}
	for (i = 0; m[i] != '\0'; i++) {
		if (m[i] < 0x20 || m[i] == 0x7f) {
			fprintf(stderr, "theme-fuzzer: control byte 0x%02x in "
			    "the message: %s\n", m[i], err->msg);
			abort();
		}
	}
	theme_default(&d);
	FERRY_ASSERT(memcmp(&d, t, sizeof d) == 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ferry_error	 err;
	struct theme		 t;
	enum ferry_code		 code;
	int			 nlines = 1;
	size_t			 i;

	for (i = 0; i < size; i++)
		if (data[i] == '\n')
			nlines++;
	memset(&err, 0, sizeof err);
	code = theme_parse(&t, "fuzz.theme", (const char *)data, size, &err);
	if (code == FERRY_OK)
		theme_fuzz_check_ok(&t, nlines);
	else
		theme_fuzz_check_error(&t, code, &err, nlines);
	return 0;
}
