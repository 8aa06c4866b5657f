/* SPDX-License-Identifier: MIT */
/*
 * Key bindings: key names, and the table that maps the keys the terminal
 * sends to the browser's actions, built from the actions' default keys and
 * the [keys] section of the configuration:
 *
 *	[keys]
 *	copy = F5
 *	quit = q, F10
 *	down = j, Down, C-n
 *	jobs = none
 *
 * A configured action gets exactly the keys listed ("none" or nothing:
 * no key).  An action that is not configured keeps its default keys,
 * except the ones a configured action took.  One key bound by the
 * configuration to two actions, an unknown action and an unknown key name
 * are errors that name the file, the action and the key.
 *
 * Key names (named keys are case-insensitive, a single character is
 * itself, so "G" and "g" differ):
 *	a single printable character	x  G  *  /  ?  é
 *	Up Down Left Right PgUp PgDn Home End Insert Delete
 *	Enter Tab BTab (Shift-Tab) Backspace Esc Space
 *	comma semicolon hash		"," ";" "#" (list and comment marks)
 *	F1 .. F12, S-F1 .. S-F12	function keys, shifted ones
 *	C-a .. C-z			Ctrl and a letter
 * Aliases: PageUp, PageDown, Ins, Del, Return, Escape, S-Tab, BSpace,
 * Ctrl-x and ^x for C-x.
 *
 * The module is pure (no curses calls, only its key-code constants) and
 * its tables are read-only once built; UI thread by use.
 */
#ifndef FERRY_TUI_KEYMAP_H
#define FERRY_TUI_KEYMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <wchar.h>

#include "ferry/config.h"
#include "ferry/error.h"

#define KEYMAP_SECTION	"keys"
#define KEYMAP_CODES_MAX 4	/* codes one key name may stand for */
#define KEYMAP_NAME_MAX	32	/* bytes of a canonical key name */

/* An action the keys can be bound to (the caller's table). */
struct keymap_def {
	const char	*name;		/* "copy": the [keys] key */
	const char	*keys;		/* default keys: "F5" or "q, F10" */
};

struct keymap;

/*
 * The codes a key name stands for (get_wch()'s value, with
 * KEYMAP_FKEY added for KEY_CODE_YES keys) and its canonical name.
 * False when the name is not a key.
 */
#define KEYMAP_FKEY	0x40000000u
bool	 keymap_parse_key(const char *name, uint32_t codes[KEYMAP_CODES_MAX],
	    size_t *ncodes, char canon[KEYMAP_NAME_MAX]);

/* The code of a key as get_wch() returned it. */
uint32_t keymap_code(bool fkey, wint_t ch);

/*
 * Build the bindings of the n actions in defs (the table must stay alive
 * as long as the keymap) with the [keys] section of cfg (which may be
 * NULL).  On error *kmp is NULL and err says "FILE: [keys] ...".
 */
enum ferry_code	 keymap_new(const struct keymap_def *defs, size_t n,
		    const struct ferry_config *cfg, struct keymap **kmp,
		    struct ferry_error *err);
void		 keymap_free(struct keymap *km);

/* The action bound to a key (its index in defs), or -1. */
int		 keymap_lookup(const struct keymap *km, bool fkey, wint_t ch);

/* The keys of action i, for the help screen: "F5" or "q, F10" or "". */
const char	*keymap_keys(const struct keymap *km, size_t i);

#endif
