/* SPDX-License-Identifier: MIT */
/*
 * Semantic roles for everything the browser draws, mapped to curses
 * attributes (colour pair plus bold/reverse/underline).  Code names roles
 * only; the mapping is chosen once at start: colours when the terminal
 * has them and NO_COLOR is not set, attributes alone otherwise.  (Theme
 * files come later and will fill the same table.)
 *
 * UI thread only (curses).
 */
#ifndef FERRY_TUI_STYLE_H
#define FERRY_TUI_STYLE_H

#include <curses.h>

enum style_role {
	STYLE_NORMAL = 0,
	STYLE_HEADER,		/* a pane's header, inactive pane */
	STYLE_HEADER_ACTIVE,	/* the active pane's header */
	STYLE_TITLES,		/* column titles */
	STYLE_FOLDER,		/* a folder row */
	STYLE_CURSOR,		/* the cursor row in the active pane */
	STYLE_CURSOR_INACTIVE,	/* the cursor row in the other pane */
	STYLE_MARKED,		/* a marked row */
	STYLE_MARKED_CURSOR,	/* a marked row under the cursor */
	STYLE_ESCAPE,		/* a visible escape in a name */
	STYLE_FOOTER,
	STYLE_MESSAGE,
	STYLE_ERROR,
	STYLE_FKEY_NUM,		/* the "5" of "5Copy" */
	STYLE_FKEY_LABEL,	/* the "Copy" of "5Copy" */
	STYLE_DIALOG,
	STYLE_DIALOG_TITLE,
	STYLE_INPUT,		/* the text field of a dialog */
	STYLE_HINT,		/* a hint inside an empty pane */
	STYLE__COUNT
};

/* Choose the mapping; call after initscr(). */
void	 style_init(void);

/* The attributes of a role. */
attr_t	 style_attr(enum style_role role);

/*
 * The attributes for an escape drawn inside text of role `role` (so the
 * escape stays visible on a cursor or marked row).
 */
attr_t	 style_escape(enum style_role role);

#endif
