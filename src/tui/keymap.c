/* SPDX-License-Identifier: MIT */
/*
 * Key names and the binding table (see keymap.h for the names and the
 * rules of the [keys] section).
 *
 * A key is kept as one code: what get_wch() returned, plus KEYMAP_FKEY
 * when it was a KEY_CODE_YES key.  Some names stand for several codes
 * (Enter is CR, LF and KEY_ENTER; Backspace is DEL, BS and KEY_BACKSPACE)
 * because terminals differ in what they send.  The table is a flat array
 * of {code, action} searched linearly: a few dozen entries, one search per
 * key press.
 *
 * Invariant: a code appears at most once in the table.  Pure: only
 * curses' key-code constants are used, no curses call.
 */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/escape.h"
#include "core/util.h"
#include "tui/keymap.h"

#define KEYMAP_QUOTE_MAX 48	/* bytes of a bad name quoted in a message */

struct keymap_bind {
	uint32_t	 code;
	int		 action;
};

struct keymap {
	const struct keymap_def *defs;
	size_t		 ndefs;
	char		**keys;		/* per action: "F5, c" */
	bool		*user;		/* per action: set by the config */
	struct keymap_bind *binds;
	size_t		 nbinds;
	size_t		 capbinds;
};

/* Named keys: name, codes, canonical name (NULL: the name itself). */
struct keymap_named {
	const char	*name;
	uint32_t	 codes[3];
	const char	*canon;
};

#define FK(k)	(KEYMAP_FKEY | (uint32_t)(k))

static const struct keymap_named keymap_names[] = {
	{ "Up",		{ FK(KEY_UP) },			NULL },
	{ "Down",	{ FK(KEY_DOWN) },		NULL },
	{ "Left",	{ FK(KEY_LEFT) },		NULL },
	{ "Right",	{ FK(KEY_RIGHT) },		NULL },
	{ "PgUp",	{ FK(KEY_PPAGE) },		NULL },
	{ "PageUp",	{ FK(KEY_PPAGE) },		"PgUp" },
	{ "PgDn",	{ FK(KEY_NPAGE) },		NULL },
	{ "PageDown",	{ FK(KEY_NPAGE) },		"PgDn" },
	{ "Home",	{ FK(KEY_HOME) },		NULL },
	{ "End",	{ FK(KEY_END) },		NULL },
	{ "Insert",	{ FK(KEY_IC) },			NULL },
	{ "Ins",	{ FK(KEY_IC) },			"Insert" },
	{ "Delete",	{ FK(KEY_DC) },			NULL },
	{ "Del",	{ FK(KEY_DC) },			"Delete" },
	{ "Enter",	{ '\r', '\n', FK(KEY_ENTER) },	NULL },
	{ "Return",	{ '\r', '\n', FK(KEY_ENTER) },	"Enter" },
	{ "Tab",	{ '\t' },			NULL },
	{ "BTab",	{ FK(KEY_BTAB) },		NULL },
	{ "S-Tab",	{ FK(KEY_BTAB) },		"BTab" },
	{ "Backspace",	{ 127, 8, FK(KEY_BACKSPACE) },	NULL },
	{ "BSpace",	{ 127, 8, FK(KEY_BACKSPACE) },	"Backspace" },
	{ "Esc",	{ 27 },				NULL },
	{ "Escape",	{ 27 },				"Esc" },
	{ "Space",	{ ' ' },			NULL },
	{ "comma",	{ ',' },			NULL },
	{ "semicolon",	{ ';' },			NULL },
	{ "hash",	{ '#' },			NULL },
};

uint32_t
keymap_code(bool fkey, wint_t ch)
{
	return (uint32_t)ch | (fkey ? KEYMAP_FKEY : 0);
}

/* Decode one whole UTF-8 character; its code point or 0. */
static uint32_t
keymap_utf8(const char *name)
{
	const unsigned char	*s = (const unsigned char *)name;
	uint32_t		 c, min;
	size_t			 len, i;

	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		len = 2;
		c = s[0] & 0x1f;
		min = 0x80;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		len = 3;
		c = s[0] & 0x0f;
		min = 0x800;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		len = 4;
		c = s[0] & 0x07;
		min = 0x10000;
	} else
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if (s[len] != '\0' || c < min || c > 0x10ffff ||
	    (c >= 0xd800 && c <= 0xdfff) || c <= 0x9f)
		return 0;
	return c;
}

/* "F5" -> 5, "F12" -> 12, else 0. */
static int
keymap_fnum(const char *s)
{
	int	 n;

	if ((s[0] != 'F' && s[0] != 'f') || s[1] < '1' || s[1] > '9')
		return 0;
	n = s[1] - '0';
	if (s[2] == '\0')
		return n;
	if (s[2] < '0' || s[2] > '9' || s[3] != '\0' || n != 1)
		return 0;
	n = 10 + s[2] - '0';
	return n <= 12 ? n : 0;
}

/* C-x, Ctrl-x, ^x: the letter, or 0. */
static int
keymap_ctrl(const char *name)
{
	const char	*rest;
	int		 c;

	if (strncasecmp(name, "C-", 2) == 0)
		rest = name + 2;
	else if (strncasecmp(name, "Ctrl-", 5) == 0)
		rest = name + 5;
	else if (name[0] == '^')
		rest = name + 1;
	else
		return 0;
	c = (unsigned char)rest[0];
	if (rest[1] != '\0')
		return 0;
	if (c >= 'A' && c <= 'Z')
		c += 'a' - 'A';
	return c >= 'a' && c <= 'z' ? c : 0;
}

bool
keymap_parse_key(const char *name, uint32_t codes[KEYMAP_CODES_MAX],
    size_t *ncodes, char canon[KEYMAP_NAME_MAX])
{
	const struct keymap_named	*k;
	uint32_t			 cp;
	size_t				 i, j;
	int				 n;

	*ncodes = 0;
	canon[0] = '\0';
	if (name[0] == '\0')
		return false;
	if (name[1] == '\0') {
		/* One printable ASCII character: itself. */
		if (name[0] <= ' ' || name[0] == 0x7f || (name[0] & 0x80))
			return false;
		codes[(*ncodes)++] = (uint32_t)name[0];
		snprintf(canon, KEYMAP_NAME_MAX, "%c", name[0]);
		return true;
	}
	if ((cp = keymap_utf8(name)) != 0) {
		codes[(*ncodes)++] = cp;
		snprintf(canon, KEYMAP_NAME_MAX, "%s", name);
		return true;
	}
	if ((n = keymap_fnum(name)) != 0) {
		codes[(*ncodes)++] = FK(KEY_F(n));
		snprintf(canon, KEYMAP_NAME_MAX, "F%d", n);
		return true;
	}
	if ((name[0] == 'S' || name[0] == 's') && name[1] == '-' &&
	    (n = keymap_fnum(name + 2)) != 0) {
		/* xterm, tmux and most terminfo: Shift-Fn is F(12 + n). */
		codes[(*ncodes)++] = FK(KEY_F(12 + n));
		snprintf(canon, KEYMAP_NAME_MAX, "S-F%d", n);
		return true;
	}
	if ((n = keymap_ctrl(name)) != 0) {
		codes[(*ncodes)++] = (uint32_t)(n & 0x1f);
		snprintf(canon, KEYMAP_NAME_MAX, "C-%c", n);
		return true;
	}
	for (i = 0; i < FERRY_NELEM(keymap_names); i++) {
		k = &keymap_names[i];
		if (strcasecmp(name, k->name) != 0)
			continue;
		for (j = 0; j < FERRY_NELEM(k->codes) && k->codes[j] != 0; j++)
			codes[(*ncodes)++] = k->codes[j];
		snprintf(canon, KEYMAP_NAME_MAX, "%s",
		    k->canon != NULL ? k->canon : k->name);
		return true;
	}
	return false;
}

/* The action that holds code, or -1. */
static int
keymap_find(const struct keymap *km, uint32_t code)
{
	size_t	 i;

	for (i = 0; i < km->nbinds; i++)
		if (km->binds[i].code == code)
			return km->binds[i].action;
	return -1;
}

static void
keymap_add(struct keymap *km, uint32_t code, int action)
{
	if (km->nbinds == km->capbinds) {
		km->capbinds = km->capbinds != 0 ? km->capbinds * 2 : 64;
		km->binds = xreallocarray(km->binds, km->capbinds,
		    sizeof *km->binds);
	}
	km->binds[km->nbinds].code = code;
	km->binds[km->nbinds].action = action;
	km->nbinds++;
}

/* Append name to the help text of action i. */
static void
keymap_add_name(struct keymap *km, size_t i, const char *name)
{
	char	*s;

	if (km->keys[i] == NULL) {
		km->keys[i] = xstrdup(name);
		return;
	}
	s = xasprintf("%s, %s", km->keys[i], name);
	free(km->keys[i]);
	km->keys[i] = s;
}

/* An untrusted name, escaped and cut for a message (malloc'd). */
static char *
keymap_quote(const char *s, size_t len)
{
	char	*q, *cut;

	q = escape_display_flags(s, len, ESCAPE_UNAMBIGUOUS);
	if (strlen(q) <= KEYMAP_QUOTE_MAX)
		return q;
	cut = xasprintf("%.*s...", KEYMAP_QUOTE_MAX, q);
	free(q);
	return cut;
}

/*
 * Bind the keys listed in spec to action i.  user: the list comes from
 * the configuration (a key another configured action holds is an error);
 * else it is the default list, and keys taken already are skipped.
 */
static enum ferry_code
keymap_bind_list(struct keymap *km, size_t i, const char *spec, bool user,
    const char *file, struct ferry_error *err)
{
	uint32_t	 codes[KEYMAP_CODES_MAX];
	char		 canon[KEYMAP_NAME_MAX], *q;
	const char	*p = spec, *end;
	size_t		 len, n, j, kept;
	int		 other;

	while (*p != '\0') {
		p += strspn(p, " \t");
		end = strchr(p, ',');
		len = end != NULL ? (size_t)(end - p) : strlen(p);
		while (len > 0 && (p[len - 1] == ' ' || p[len - 1] == '\t'))
			len--;
		if (len == 0 && end != NULL && user) {
			q = keymap_quote(spec, strlen(spec));
			ferry_error_set(err, FERRY_E_INVALID, "%s: [keys] %s: "
			    "an empty key name in '%s' (write comma for ',')",
			    file, km->defs[i].name, q);
			free(q);
			return FERRY_E_INVALID;
		}
		q = xstrndup(p, len);
		if (len == 0 || (strcasecmp(q, "none") == 0 && user)) {
			/* No key. */
		} else if (!keymap_parse_key(q, codes, &n, canon)) {
			free(q);
			q = keymap_quote(p, len);
			ferry_error_set(err, FERRY_E_INVALID, "%s: [keys] %s: "
			    "unknown key '%s' (a character, Up, Down, Left, "
			    "Right, PgUp, PgDn, Home, End, Insert, Delete, "
			    "Enter, Tab, BTab, Backspace, Esc, Space, F1-F12, "
			    "S-F1-S-F12 or C-a-C-z)", file,
			    km->defs[i].name, q);
			free(q);
			return FERRY_E_INVALID;
		} else {
			kept = 0;
			for (j = 0; j < n; j++) {
				other = keymap_find(km, codes[j]);
				if (other == (int)i)
					continue;
				if (other >= 0 && user) {
					ferry_error_set(err, FERRY_E_INVALID,
					    "%s: [keys] key '%s' is bound to "
					    "both %s and %s", file, canon,
					    km->defs[other].name,
					    km->defs[i].name);
					free(q);
					return FERRY_E_INVALID;
				}
				/* Two defaults on one key: a bug in the table. */
				FERRY_ASSERT(other < 0 || km->user[other]);
				if (other >= 0)
					continue;
				keymap_add(km, codes[j], (int)i);
				kept++;
			}
			if (kept > 0)
				keymap_add_name(km, i, canon);
		}
		free(q);
		if (end == NULL)
			break;
		p = end + 1;
	}
	return FERRY_OK;
}

/* The [keys] value for action name (the later wins), or NULL. */
static const char *
keymap_user(const struct ferry_config *cfg, const char *name)
{
	return cfg != NULL ? ferry_config_get(cfg, KEYMAP_SECTION, name) :
	    NULL;
}

/* Every [keys] key must name an action. */
static enum ferry_code
keymap_check_names(const struct keymap *km, const struct ferry_config *cfg,
    const char *file, struct ferry_error *err)
{
	const struct ferry_config_kv	*kv;
	size_t				 i;
	char				*q;

	for (kv = cfg != NULL ? cfg->extra : NULL; kv != NULL; kv = kv->next) {
		if (strcmp(kv->section, KEYMAP_SECTION) != 0)
			continue;
		for (i = 0; i < km->ndefs; i++)
			if (strcmp(kv->key, km->defs[i].name) == 0)
				break;
		if (i < km->ndefs)
			continue;
		q = keymap_quote(kv->key, strlen(kv->key));
		ferry_error_set(err, FERRY_E_INVALID, "%s: [keys] unknown "
		    "action '%s' (F1 in the browser lists the actions)", file,
		    q);
		free(q);
		return FERRY_E_INVALID;
	}
	return FERRY_OK;
}

enum ferry_code
keymap_new(const struct keymap_def *defs, size_t n,
    const struct ferry_config *cfg, struct keymap **kmp,
    struct ferry_error *err)
{
	struct keymap	*km;
	const char	*file, *spec;
	size_t		 i;
	enum ferry_code	 result;

	*kmp = NULL;
	file = cfg != NULL && cfg->path != NULL ? cfg->path : "config";
	km = xcalloc(1, sizeof *km);
	km->defs = defs;
	km->ndefs = n;
	km->keys = xcalloc(n, sizeof *km->keys);
	km->user = xcalloc(n, sizeof *km->user);
	if ((result = keymap_check_names(km, cfg, file, err)) != FERRY_OK)
		goto out;
	/* The configured actions first: they take their keys from defaults. */
	for (i = 0; i < n; i++) {
		if ((spec = keymap_user(cfg, defs[i].name)) == NULL)
			continue;
		km->user[i] = true;
		result = keymap_bind_list(km, i, spec, true, file, err);
		if (result != FERRY_OK)
			goto out;
	}
	for (i = 0; i < n; i++) {
		if (km->user[i])
			continue;
		result = keymap_bind_list(km, i, defs[i].keys, false,
		    "built-in", err);
		FERRY_ASSERT(result == FERRY_OK);
	}
	*kmp = km;
	km = NULL;
out:
	keymap_free(km);
	return result;
}

void
keymap_free(struct keymap *km)
{
	size_t	 i;

	if (km == NULL)
		return;
	for (i = 0; i < km->ndefs; i++)
		free(km->keys[i]);
	free(km->keys);
	free(km->user);
	free(km->binds);
	free(km);
}

int
keymap_lookup(const struct keymap *km, bool fkey, wint_t ch)
{
	return keymap_find(km, keymap_code(fkey, ch));
}

const char *
keymap_keys(const struct keymap *km, size_t i)
{
	FERRY_ASSERT(i < km->ndefs);
	return km->keys[i] != NULL ? km->keys[i] : "";
}
