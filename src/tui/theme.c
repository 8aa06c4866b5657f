/* SPDX-License-Identifier: MIT */
/*
 * Theme files (the format is in theme.h and themes/README.md): strict
 * parsing from memory, finding a theme by name, and the mapping of a
 * theme's colours onto what the terminal has.
 *
 * Parsing never trusts the file: a line is at most THEME_LINE_MAX bytes,
 * a file THEME_FILE_MAX, control characters are refused, every token must
 * be known, each role is set at most once, and an error names the file,
 * the line and the token (escaped, since the file may hold anything).
 * The first error stops the parse and leaves the default theme.
 *
 * Colour degradation uses the xterm palette: the 16 ANSI colours as xterm
 * draws them by default, the 6x6x6 cube (levels 0, 95, 135, 175, 215,
 * 255) and the 24 greys (8 + 10 i).  #rrggbb goes to the nearest cube
 * colour or grey (a weighted RGB distance); a palette colour goes to 16
 * by its hue (the channels near its strongest) and lightness, not by
 * distance, which would turn every dark colour grey.
 *
 * Pure functions except theme_path() and theme_load(), which read the
 * environment and the file system.  No state; any thread.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/escape.h"
#include "core/util.h"
#include "ferry/entry.h"
#include "tui/theme.h"

#ifndef FERRY_DATADIR
#define FERRY_DATADIR	"/usr/local/share/ferry"
#endif

#define THEME_QUOTE_MAX	40	/* bytes of a bad token quoted */
#define THEME_NAME_MAX	64	/* bytes of a theme name */
#define THEME_DIRS	3

_Static_assert(STYLE_IMAGE - STYLE_OTHER == FERRY_TYPE_IMAGE &&
    STYLE_VIDEO - STYLE_OTHER == FERRY_TYPE_VIDEO &&
    STYLE_AUDIO - STYLE_OTHER == FERRY_TYPE_AUDIO &&
    STYLE_DICOM - STYLE_OTHER == FERRY_TYPE_DICOM &&
    STYLE_ARCHIVE - STYLE_OTHER == FERRY_TYPE_ARCHIVE &&
    STYLE_TEXT - STYLE_OTHER == FERRY_TYPE_TEXT &&
    STYLE_DOCUMENT - STYLE_OTHER == FERRY_TYPE_DOCUMENT,
    "the item roles follow enum ferry_type");

static const char *const theme_role_names[STYLE__COUNT] = {
	[STYLE_NORMAL] = "normal",
	[STYLE_BORDER] = "border",
	[STYLE_HEADER] = "header",
	[STYLE_HEADER_ACTIVE] = "header.active",
	[STYLE_BREADCRUMB] = "breadcrumb",
	[STYLE_SPINNER] = "spinner",
	[STYLE_TITLES] = "titles",
	[STYLE_FOLDER] = "folder",
	[STYLE_LINK] = "link",
	[STYLE_OTHER] = "other",
	[STYLE_IMAGE] = "image",
	[STYLE_VIDEO] = "video",
	[STYLE_AUDIO] = "audio",
	[STYLE_DICOM] = "dicom",
	[STYLE_ARCHIVE] = "archive",
	[STYLE_TEXT] = "text",
	[STYLE_DOCUMENT] = "document",
	[STYLE_CURSOR] = "cursor",
	[STYLE_CURSOR_INACTIVE] = "cursor.inactive",
	[STYLE_MARKED] = "marked",
	[STYLE_MARKED_CURSOR] = "marked.cursor",
	[STYLE_ESCAPE] = "escape",
	[STYLE_HINT] = "hint",
	[STYLE_FOOTER] = "footer",
	[STYLE_MESSAGE] = "message",
	[STYLE_ERROR] = "error",
	[STYLE_FKEY_NUM] = "fkey.number",
	[STYLE_FKEY_LABEL] = "fkey.label",
	[STYLE_DIALOG] = "dialog",
	[STYLE_DIALOG_TITLE] = "dialog.title",
	[STYLE_INPUT] = "input",
};

static const char *const theme_color_names[8] = {
	"black", "red", "green", "yellow", "blue", "magenta", "cyan", "white"
};

static const struct {
	const char	*name;
	unsigned int	 bit;
} theme_attr_names[] = {
	{ "bold", THEME_BOLD },
	{ "dim", THEME_DIM },
	{ "italic", THEME_ITALIC },
	{ "underline", THEME_UNDERLINE },
	{ "blink", THEME_BLINK },
	{ "reverse", THEME_REVERSE },
	{ "standout", THEME_STANDOUT },
	{ "normal", 0 },
};

/* xterm's default 16 colours. */
static const uint32_t theme_ansi_rgb[16] = {
	0x000000, 0xcd0000, 0x00cd00, 0xcdcd00, 0x0000ee, 0xcd00cd,
	0x00cdcd, 0xe5e5e5, 0x7f7f7f, 0xff0000, 0x00ff00, 0xffff00,
	0x5c5cff, 0xff00ff, 0x00ffff, 0xffffff,
};

#define D	{ THEME_COLOR_DEFAULT, 0 }
#define I(n)	{ THEME_COLOR_INDEX, (n) }

/* The built-in default theme: themes/default.theme says the same. */
static const struct theme_style theme_builtin[STYLE__COUNT] = {
	[STYLE_NORMAL] =	  { D, D, 0, 0 },
	[STYLE_BORDER] =	  { I(4), D, 0, 0 },
	[STYLE_HEADER] =	  { I(0), I(7), 0, THEME_UNDERLINE },
	[STYLE_HEADER_ACTIVE] =	  { I(0), I(6), THEME_BOLD,
				    THEME_REVERSE | THEME_BOLD },
	[STYLE_BREADCRUMB] =	  { D, D, 0, 0 },
	[STYLE_SPINNER] =	  { I(1), D, THEME_BOLD, THEME_BOLD },
	[STYLE_TITLES] =	  { I(3), D, THEME_BOLD, THEME_BOLD },
	[STYLE_FOLDER] =	  { I(12), D, THEME_BOLD, THEME_BOLD },
	[STYLE_LINK] =		  { I(6), D, 0, 0 },
	[STYLE_OTHER] =		  { D, D, 0, 0 },
	[STYLE_IMAGE] =		  { I(5), D, 0, 0 },
	[STYLE_VIDEO] =		  { I(13), D, 0, 0 },
	[STYLE_AUDIO] =		  { I(14), D, 0, 0 },
	[STYLE_DICOM] =		  { I(10), D, 0, 0 },
	[STYLE_ARCHIVE] =	  { I(1), D, 0, 0 },
	[STYLE_TEXT] =		  { D, D, 0, 0 },
	[STYLE_DOCUMENT] =	  { I(11), D, 0, 0 },
	[STYLE_CURSOR] =	  { I(0), I(6), 0, THEME_REVERSE },
	[STYLE_CURSOR_INACTIVE] = { I(0), I(7), 0, THEME_UNDERLINE },
	[STYLE_MARKED] =	  { I(3), D, THEME_BOLD, THEME_BOLD },
	[STYLE_MARKED_CURSOR] =	  { I(3), I(6), THEME_BOLD,
				    THEME_REVERSE | THEME_BOLD },
	[STYLE_ESCAPE] =	  { I(5), D, THEME_UNDERLINE, THEME_UNDERLINE },
	[STYLE_HINT] =		  { I(2), D, 0, 0 },
	[STYLE_FOOTER] =	  { D, D, 0, 0 },
	[STYLE_MESSAGE] =	  { D, D, 0, 0 },
	[STYLE_ERROR] =		  { I(1), D, THEME_BOLD, THEME_BOLD },
	[STYLE_FKEY_NUM] =	  { D, D, 0, 0 },
	[STYLE_FKEY_LABEL] =	  { I(0), I(6), 0, THEME_REVERSE },
	[STYLE_DIALOG] =	  { I(0), I(7), 0, THEME_REVERSE },
	[STYLE_DIALOG_TITLE] =	  { I(4), I(7), THEME_BOLD,
				    THEME_REVERSE | THEME_BOLD },
	[STYLE_INPUT] =		  { I(0), I(6), 0, THEME_UNDERLINE },
};

#undef D
#undef I

const char *
theme_role_name(enum style_role role)
{
	FERRY_ASSERT((unsigned int)role < STYLE__COUNT);
	return theme_role_names[role];
}

enum style_role
theme_type_role(unsigned int type)
{
	if (type >= FERRY_TYPE__COUNT)
		return STYLE_OTHER;
	return (enum style_role)(STYLE_OTHER + type);
}

void
theme_default(struct theme *t)
{
	memset(t, 0, sizeof *t);
	memcpy(t->role, theme_builtin, sizeof t->role);
}

/* ---------------------------------------------------------- parsing -- */

/* The blanks (spaces, tabs) at the start of the n bytes at s. */
static size_t
theme_blanks(const char *s, size_t n)
{
	size_t	 i = 0;

	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	return i;
}

/* The bytes at the start of the n at s up to a blank or a '/'. */
static size_t
theme_word(const char *s, size_t n)
{
	size_t	 i = 0;

	while (i < n && s[i] != ' ' && s[i] != '\t' && s[i] != '/')
		i++;
	return i;
}

/* One parse: where we are, for messages. */
struct theme_parse {
	const char		*file;
	int			 line;
	struct ferry_error	*err;
};

static enum ferry_code __attribute__((format(printf, 2, 3)))
theme_fail(struct theme_parse *tp, const char *fmt, ...)
{
	va_list	 ap;
	char	 msg[FERRY_ERROR_MSG_MAX];

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	return ferry_error_set(tp->err, FERRY_E_INVALID, "%s:%d: %s",
	    tp->file, tp->line, msg);
}

/* A token for a message: escaped and cut (malloc'd). */
static char *
theme_quote(const char *s, size_t len)
{
	char	*q, *cut;

	q = escape_display_flags(s, len, ESCAPE_UNAMBIGUOUS);
	if (strlen(q) <= THEME_QUOTE_MAX)
		return q;
	cut = xasprintf("%.*s...", THEME_QUOTE_MAX, q);
	free(q);
	return cut;
}

static int
theme_hex(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * Parse a colour token; 1 when it is one, 0 when it is not a colour at
 * all, -1 when it looks like a number or #rgb but is out of range.
 */
static int
theme_parse_color(const char *s, size_t n, struct theme_color *c)
{
	unsigned int	 v, i;
	int		 h;

	if (n == 7 && s[0] == '#') {
		for (v = 0, i = 1; i < 7; i++) {
			if ((h = theme_hex((unsigned char)s[i])) < 0)
				return -1;
			v = v << 4 | (unsigned int)h;
		}
		c->kind = THEME_COLOR_RGB;
		c->value = v;
		return 1;
	}
	if (s[0] == '#')
		return -1;
	if (s[0] >= '0' && s[0] <= '9') {
		if (n > 3 || (n > 1 && s[0] == '0'))
			return -1;
		for (v = 0, i = 0; i < n; i++) {
			if (s[i] < '0' || s[i] > '9')
				return -1;
			v = v * 10 + (unsigned int)(s[i] - '0');
		}
		if (v > 255)
			return -1;
		c->kind = THEME_COLOR_INDEX;
		c->value = v;
		return 1;
	}
	if (n == 7 && strncasecmp(s, "default", 7) == 0) {
		c->kind = THEME_COLOR_DEFAULT;
		c->value = 0;
		return 1;
	}
	if ((n == 4 && (strncasecmp(s, "grey", 4) == 0 ||
	    strncasecmp(s, "gray", 4) == 0))) {
		c->kind = THEME_COLOR_INDEX;
		c->value = 8;
		return 1;
	}
	v = 0;
	if (n > 7 && strncasecmp(s, "bright-", 7) == 0) {
		v = 8;
		s += 7;
		n -= 7;
	}
	for (i = 0; i < 8; i++) {
		if (strlen(theme_color_names[i]) == n &&
		    strncasecmp(s, theme_color_names[i], n) == 0) {
			c->kind = THEME_COLOR_INDEX;
			c->value = v + i;
			return 1;
		}
	}
	return 0;
}

/* An attribute token; false when it is not one. */
static bool
theme_parse_attr(const char *s, size_t n, unsigned int *bits)
{
	size_t	 i;

	for (i = 0; i < FERRY_NELEM(theme_attr_names); i++) {
		if (strlen(theme_attr_names[i].name) == n &&
		    strncasecmp(s, theme_attr_names[i].name, n) == 0) {
			*bits |= theme_attr_names[i].bit;
			return true;
		}
	}
	return false;
}

/* What a bad token is, given where it stands. */
static enum ferry_code
theme_bad_token(struct theme_parse *tp, const char *tok, size_t n,
    int ncolors, bool attrs, bool mono)
{
	struct theme_color c;
	enum ferry_code	 result;
	char		*q = theme_quote(tok, n);
	int		 rc = theme_parse_color(tok, n, &c);

	if (rc < 0 && (tok[0] == '#'))
		result = theme_fail(tp, "unknown colour '%s' (#rrggbb takes "
		    "six hex digits)", q);
	else if (rc < 0)
		result = theme_fail(tp, "unknown colour '%s' (a palette "
		    "index is 0-255)", q);
	else if (rc > 0 && mono)
		result = theme_fail(tp, "colour '%s' after '/': only "
		    "attributes go there (bold, dim, italic, underline, blink, "
		    "reverse, standout, normal)", q);
	else if (rc > 0 && attrs)
		result = theme_fail(tp, "colour '%s' after the attributes "
		    "(write the foreground, the background, then attributes)",
		    q);
	else if (rc > 0)
		result = theme_fail(tp, "a third colour '%s' (a role has a "
		    "foreground and a background)", q);
	else if (attrs || mono || ncolors >= 2)
		result = theme_fail(tp, "unknown attribute '%s' (bold, dim, "
		    "italic, underline, blink, reverse, standout, normal)", q);
	else if (ncolors == 1)
		result = theme_fail(tp, "unknown colour or attribute '%s' (a "
		    "background such as blue, 0-255, #rrggbb or default, or "
		    "bold, dim, italic, underline, blink, reverse, standout, "
		    "normal)", q);
	else
		result = theme_fail(tp, "unknown colour '%s' (a name such as "
		    "blue or bright-blue, 0-255, #rrggbb or default)", q);
	free(q);
	return result;
}

/* The value of a role line: "[FG [BG]] [ATTR...] [/ ATTR...]". */
static enum ferry_code
theme_parse_value(struct theme_parse *tp, const char *s, size_t len,
    struct theme_style *st)
{
	struct theme_color c;
	unsigned int	 attrs = 0, mono = 0;
	size_t		 i = 0, n;
	int		 ncolors = 0;
	bool		 slash = false, any = false, seen_attr = false;

	memset(st, 0, sizeof *st);
	while (i < len) {
		if (s[i] == ' ' || s[i] == '\t') {
			i++;
			continue;
		}
		if (s[i] == '/') {
			if (slash)
				return theme_fail(tp, "a second '/' (one '/' "
				    "starts the attributes used without "
				    "colours)");
			slash = true;
			i++;
			continue;
		}
		n = theme_word(s + i, len - i);
		any = true;
		if (theme_parse_attr(s + i, n, slash ? &mono : &attrs)) {
			if (!slash)
				seen_attr = true;
		} else if (!slash && !seen_attr && ncolors < 2 &&
		    theme_parse_color(s + i, n, &c) == 1) {
			if (ncolors++ == 0)
				st->fg = c;
			else
				st->bg = c;
		} else
			return theme_bad_token(tp, s + i, n, ncolors,
			    seen_attr, slash);
		i += n;
	}
	if (!any)
		return theme_fail(tp, "no colours or attributes (write e.g. "
		    "'cursor = black cyan / reverse')");
	st->attrs = attrs;
	st->mono = slash ? mono : attrs;
	return FERRY_OK;
}

/* The role a name stands for, or -1. */
static int
theme_find_role(const char *s, size_t n)
{
	int	 i;

	for (i = 0; i < STYLE__COUNT; i++)
		if (strlen(theme_role_names[i]) == n &&
		    strncasecmp(s, theme_role_names[i], n) == 0)
			return i;
	return -1;
}

/* Where a comment starts in the line (len when none). */
static size_t
theme_comment(const char *s, size_t len)
{
	size_t	 i;

	for (i = 0; i < len; i++) {
		if (s[i] != '#')
			continue;
		/* A '#' that starts the line or a word, not "#rrggbb". */
		if (i == 0 || s[i - 1] == ' ' || s[i - 1] == '\t') {
			if (i + 1 == len || s[i + 1] == ' ' ||
			    s[i + 1] == '\t' || s[i + 1] == '#')
				return i;
			if (theme_blanks(s, len) == i)
				return i;
		}
	}
	return len;
}

/* One line (without its newline). */
static enum ferry_code
theme_parse_line(struct theme_parse *tp, struct theme *t, const char *s,
    size_t len)
{
	const char	*eq;
	size_t		 i, nlen;
	char		*q;
	int		 role;
	enum ferry_code	 result;

	for (i = 0; i < len; i++) {
		if (((unsigned char)s[i] < 0x20 && s[i] != '\t') ||
		    s[i] == 0x7f)
			return theme_fail(tp, "control character 0x%02x in "
			    "column %zu", (unsigned char)s[i], i + 1);
	}
	len = theme_comment(s, len);
	while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	i = theme_blanks(s, len);
	if (i >= len)
		return FERRY_OK;
	s += i;
	len -= i;
	eq = memchr(s, '=', len);
	if (eq == NULL) {
		q = theme_quote(s, len);
		result = theme_fail(tp, "expected 'role = colours and "
		    "attributes', got '%s'", q);
		free(q);
		return result;
	}
	nlen = (size_t)(eq - s);
	while (nlen > 0 && (s[nlen - 1] == ' ' || s[nlen - 1] == '\t'))
		nlen--;
	if (nlen == 0)
		return theme_fail(tp, "no role name before '='");
	if ((role = theme_find_role(s, nlen)) < 0) {
		q = theme_quote(s, nlen);
		result = theme_fail(tp, "unknown role '%s' (see "
		    "themes/README.md for the roles)", q);
		free(q);
		return result;
	}
	if (t->line[role] != 0)
		return theme_fail(tp, "role '%s' is set twice (first on "
		    "line %d)", theme_role_names[role], t->line[role]);
	result = theme_parse_value(tp, eq + 1, len - (size_t)(eq - s) - 1,
	    &t->role[role]);
	if (result != FERRY_OK)
		return result;
	t->line[role] = tp->line;
	return FERRY_OK;
}

enum ferry_code
theme_parse(struct theme *t, const char *file, const char *text, size_t len,
    struct ferry_error *err)
{
	struct theme_parse tp;
	const char	*p = text, *nl;
	size_t		 n;
	enum ferry_code	 result = FERRY_OK;

	theme_default(t);
	memset(&tp, 0, sizeof tp);
	tp.file = file;
	tp.err = err;
	if (len > THEME_FILE_MAX) {
		tp.line = 0;
		return ferry_error_set(err, FERRY_E_LIMIT, "%s: a theme file "
		    "is at most %d bytes, this one has %zu", file,
		    THEME_FILE_MAX, len);
	}
	while (p < text + len) {
		tp.line++;
		nl = memchr(p, '\n', (size_t)(text + len - p));
		n = nl != NULL ? (size_t)(nl - p) : (size_t)(text + len - p);
		if (n > 0 && p[n - 1] == '\r')
			n--;
		if (n > THEME_LINE_MAX) {
			result = theme_fail(&tp, "line longer than %d bytes",
			    THEME_LINE_MAX);
			break;
		}
		if ((result = theme_parse_line(&tp, t, p, n)) != FERRY_OK)
			break;
		if (nl == NULL)
			break;
		p = nl + 1;
	}
	if (result != FERRY_OK)
		theme_default(t);
	return result;
}

/* ---------------------------------------------------- finding files -- */

/* The source tree ferry runs from (build/<variant>/...), or NULL. */
static char *
theme_source_dir(void)
{
	char		 exe[PATH_MAX], *d, *probe;
	ssize_t		 n;
	int		 up;
	struct stat	 st;
	bool		 found;

	n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n <= 0)
		return NULL;
	exe[n] = '\0';
	for (up = 0; up < 4; up++) {
		if ((d = strrchr(exe, '/')) == NULL || d == exe)
			return NULL;
		*d = '\0';
		probe = xasprintf("%s/src/tui/theme.c", exe);
		found = stat(probe, &st) == 0 && S_ISREG(st.st_mode);
		free(probe);
		if (found)
			return xasprintf("%s/themes", exe);
	}
	return NULL;
}

/* The directories searched, in order (malloc'd strings, NULL: none). */
static void
theme_dirs(char *dirs[THEME_DIRS])
{
	const char	*xdg = getenv("XDG_CONFIG_HOME");
	const char	*home = getenv("HOME");

	if (xdg != NULL && xdg[0] == '/')
		dirs[0] = xasprintf("%s/ferry/themes", xdg);
	else if (home != NULL && home[0] == '/')
		dirs[0] = xasprintf("%s/.config/ferry/themes", home);
	else
		dirs[0] = NULL;
	dirs[1] = xstrdup(FERRY_DATADIR "/themes");
	dirs[2] = theme_source_dir();
}

static bool
theme_is_path(const char *spec)
{
	size_t	 n = strlen(spec);

	return strchr(spec, '/') != NULL ||
	    (n > 6 && strcmp(spec + n - 6, ".theme") == 0);
}

enum ferry_code
theme_path(const char *spec, char **path, struct ferry_error *err)
{
	char		*dirs[THEME_DIRS], *p, *q, *where = NULL, *w;
	struct stat	 st;
	size_t		 i;
	enum ferry_code	 result = FERRY_E_NOT_FOUND;

	*path = NULL;
	if (theme_is_path(spec)) {
		*path = xstrdup(spec);
		return FERRY_OK;
	}
	if (spec[0] == '\0' || spec[0] == '.' ||
	    strlen(spec) > THEME_NAME_MAX ||
	    strspn(spec, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789._-") != strlen(spec)) {
		q = theme_quote(spec, strlen(spec));
		ferry_error_set(err, FERRY_E_INVALID, "theme '%s': a theme "
		    "name has letters, digits, '.', '_' and '-' (or give a "
		    "path to a .theme file)", q);
		free(q);
		return FERRY_E_INVALID;
	}
	theme_dirs(dirs);
	for (i = 0; i < THEME_DIRS; i++) {
		if (dirs[i] == NULL)
			continue;
		p = xasprintf("%s/%s.theme", dirs[i], spec);
		if (*path == NULL && stat(p, &st) == 0 && S_ISREG(st.st_mode)) {
			*path = p;
			result = FERRY_OK;
			continue;
		}
		free(p);
		w = xasprintf("%s%s%s", where != NULL ? where : "",
		    where != NULL ? ", " : "", dirs[i]);
		free(where);
		where = w;
	}
	if (result != FERRY_OK)
		ferry_error_set(err, FERRY_E_NOT_FOUND, "theme '%s' not found "
		    "(looked for %s.theme in %s)", spec, spec,
		    where != NULL ? where : "no directory");
	for (i = 0; i < THEME_DIRS; i++)
		free(dirs[i]);
	free(where);
	return result;
}

/* Read a whole theme file (at most THEME_FILE_MAX bytes). */
static enum ferry_code
theme_read(const char *path, char **text, size_t *len,
    struct ferry_error *err)
{
	struct stat	 st;
	char		*buf = NULL;
	size_t		 got = 0;
	ssize_t		 n;
	int		 fd;
	enum ferry_code	 result = FERRY_OK;

	*text = NULL;
	*len = 0;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) == -1)
		return ferry_error_errno(err, errno, "theme %s", path);
	if (fstat(fd, &st) != 0) {
		result = ferry_error_errno(err, errno, "theme %s", path);
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		result = ferry_error_set(err, FERRY_E_INVALID, "theme %s: not "
		    "a regular file", path);
		goto out;
	}
	buf = xmalloc(THEME_FILE_MAX + 1);
	while ((n = read(fd, buf + got, THEME_FILE_MAX + 1 - got)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			result = ferry_error_errno(err, errno, "theme %s",
			    path);
			goto out;
		}
		got += (size_t)n;
		if (got > THEME_FILE_MAX) {
			result = ferry_error_set(err, FERRY_E_LIMIT, "%s: a "
			    "theme file is at most %d bytes", path,
			    THEME_FILE_MAX);
			goto out;
		}
	}
	*text = buf;
	*len = got;
	buf = NULL;
out:
	free(buf);
	close(fd);
	return result;
}

enum ferry_code
theme_load(struct theme *t, const char *spec, struct ferry_error *err)
{
	char		*path = NULL, *text = NULL;
	size_t		 len;
	enum ferry_code	 result;

	theme_default(t);
	if (spec == NULL)
		spec = "default";
	result = theme_path(spec, &path, err);
	if (result == FERRY_E_NOT_FOUND && strcmp(spec, "default") == 0)
		return FERRY_OK;	/* the built-in one */
	if (result != FERRY_OK)
		return result;
	if ((result = theme_read(path, &text, &len, err)) == FERRY_OK)
		result = theme_parse(t, path, text, len, err);
	free(text);
	free(path);
	return result;
}

/* ------------------------------------------------------ degradation -- */

uint32_t
theme_palette_rgb(unsigned int i)
{
	static const unsigned int level[6] = { 0, 95, 135, 175, 215, 255 };
	unsigned int	 g;

	if (i < 16)
		return theme_ansi_rgb[i];
	if (i < 232) {
		i -= 16;
		return level[i / 36] << 16 | level[i / 6 % 6] << 8 |
		    level[i % 6];
	}
	if (i > 255)
		i = 255;
	g = 8 + 10 * (i - 232);
	return g << 16 | g << 8 | g;
}

/* A weighted distance between two colours (green counts most). */
static unsigned long
theme_distance(uint32_t a, uint32_t b)
{
	long	 dr = (long)(a >> 16 & 0xff) - (long)(b >> 16 & 0xff);
	long	 dg = (long)(a >> 8 & 0xff) - (long)(b >> 8 & 0xff);
	long	 db = (long)(a & 0xff) - (long)(b & 0xff);

	return (unsigned long)(2 * dr * dr + 4 * dg * dg + 3 * db * db);
}

unsigned int
theme_nearest(uint32_t rgb, unsigned int n)
{
	unsigned int	 i, best = 0, first = 0;
	unsigned long	 d, bestd = ~0ul;

	/*
	 * With 256 colours, the 16 ANSI ones are left out: terminals and
	 * users redefine them, the cube and the greys are fixed.
	 */
	if (n > 16)
		first = 16;
	for (i = first; i < n && i < 256; i++) {
		d = theme_distance(rgb, theme_palette_rgb(i));
		if (d < bestd) {
			bestd = d;
			best = i;
		}
	}
	return best;
}

unsigned int
theme_to16(unsigned int i)
{
	unsigned int	 lv[3], m, min, c, bits = 0, v;

	if (i < 16)
		return i;
	if (i >= 232 || ((i - 16) / 36 == (i - 16) / 6 % 6 &&
	    (i - 16) / 6 % 6 == (i - 16) % 6)) {
		/* A grey: by how light it is. */
		v = theme_palette_rgb(i) & 0xff;
		return v < 0x40 ? 0 : v < 0x90 ? 8 : v < 0xe0 ? 7 : 15;
	}
	i -= 16;
	lv[0] = i / 36;
	lv[1] = i / 6 % 6;
	lv[2] = i % 6;
	m = lv[0] > lv[1] ? lv[0] : lv[1];
	m = m > lv[2] ? m : lv[2];
	/* The hue: the channels near the strongest one. */
	for (c = 0; c < 3; c++)
		if (lv[c] == m || 2 * lv[c] > m)
			bits |= 1u << c;
	if (bits == 7) {
		/* A pale colour: its hue is in the channels above the least. */
		min = lv[0] < lv[1] ? lv[0] : lv[1];
		min = min < lv[2] ? min : lv[2];
		for (bits = 0, c = 0; c < 3; c++)
			if (lv[c] > min)
				bits |= 1u << c;
	}
	return bits + (m >= 4 ? 8 : 0);
}

int
theme_color_number(const struct theme_color *c, int ncolors, bool *bright)
{
	unsigned int	 i;

	*bright = false;
	if (c->kind == THEME_COLOR_DEFAULT || ncolors < 8)
		return -1;
	if (ncolors >= THEME_DIRECT) {
		/* Direct colour: below 8 a value is an ANSI colour. */
		if (c->kind == THEME_COLOR_INDEX && c->value < 8)
			return (int)c->value;
		i = c->kind == THEME_COLOR_RGB ? c->value :
		    theme_palette_rgb(c->value);
		return i < 8 ? 8 : (int)i;
	}
	i = c->kind == THEME_COLOR_INDEX ? c->value :
	    theme_nearest(c->value, 256);
	if (ncolors >= 256)
		return (int)i;
	i = theme_to16(i);
	if (ncolors >= 16 || i < 8)
		return (int)i;
	*bright = true;
	return (int)(i - 8);
}
