/* SPDX-License-Identifier: MIT */
/*
 * The role -> attribute table (see style.h).  The table is file-scope
 * state written once by style_init() on the UI thread before anything is
 * drawn, and only read afterwards (htop CRT_colors does the same).
 */
#include <curses.h>
#include <stdlib.h>

#include "tui/style.h"

struct style_def {
	short	 fg;
	short	 bg;
	attr_t	 color_attr;	/* added to the colour pair */
	attr_t	 mono_attr;	/* without colours */
};

/* -1 is the terminal's default colour (use_default_colors). */
static const struct style_def style_defs[STYLE__COUNT] = {
	[STYLE_NORMAL] =	  { -1, -1, A_NORMAL, A_NORMAL },
	[STYLE_HEADER] =	  { COLOR_BLACK, COLOR_WHITE, A_NORMAL,
				    A_UNDERLINE },
	[STYLE_HEADER_ACTIVE] =	  { COLOR_BLACK, COLOR_CYAN, A_BOLD,
				    A_REVERSE | A_BOLD },
	[STYLE_TITLES] =	  { COLOR_YELLOW, -1, A_BOLD, A_BOLD },
	[STYLE_FOLDER] =	  { COLOR_BLUE, -1, A_BOLD, A_BOLD },
	[STYLE_CURSOR] =	  { COLOR_BLACK, COLOR_CYAN, A_NORMAL,
				    A_REVERSE },
	[STYLE_CURSOR_INACTIVE] = { COLOR_BLACK, COLOR_WHITE, A_NORMAL,
				    A_UNDERLINE },
	[STYLE_MARKED] =	  { COLOR_YELLOW, -1, A_BOLD, A_BOLD },
	[STYLE_MARKED_CURSOR] =	  { COLOR_YELLOW, COLOR_CYAN, A_BOLD,
				    A_REVERSE | A_BOLD },
	[STYLE_ESCAPE] =	  { COLOR_MAGENTA, -1, A_NORMAL, A_UNDERLINE },
	[STYLE_FOOTER] =	  { -1, -1, A_NORMAL, A_NORMAL },
	[STYLE_MESSAGE] =	  { -1, -1, A_NORMAL, A_NORMAL },
	[STYLE_ERROR] =		  { COLOR_RED, -1, A_BOLD, A_BOLD },
	[STYLE_FKEY_NUM] =	  { -1, -1, A_NORMAL, A_NORMAL },
	[STYLE_FKEY_LABEL] =	  { COLOR_BLACK, COLOR_CYAN, A_NORMAL,
				    A_REVERSE },
	[STYLE_DIALOG] =	  { COLOR_BLACK, COLOR_WHITE, A_NORMAL,
				    A_REVERSE },
	[STYLE_DIALOG_TITLE] =	  { COLOR_BLUE, COLOR_WHITE, A_BOLD,
				    A_REVERSE | A_BOLD },
	[STYLE_INPUT] =		  { COLOR_BLACK, COLOR_CYAN, A_NORMAL,
				    A_UNDERLINE },
	[STYLE_HINT] =		  { COLOR_GREEN, -1, A_NORMAL, A_NORMAL },
};

static attr_t	 style_table[STYLE__COUNT];
static attr_t	 style_esc_table[STYLE__COUNT];

void
style_init(void)
{
	const char	*nc = getenv("NO_COLOR");
	bool		 color;
	short		 bg;
	int		 i;

	color = has_colors() && (nc == NULL || *nc == '\0') &&
	    start_color() == OK;
	if (color && use_default_colors() != OK)
		color = false;
	for (i = 0; i < STYLE__COUNT; i++) {
		if (!color) {
			style_table[i] = style_defs[i].mono_attr;
			style_esc_table[i] = style_defs[i].mono_attr |
			    A_UNDERLINE;
			continue;
		}
		init_pair((short)(i + 1), style_defs[i].fg, style_defs[i].bg);
		style_table[i] = COLOR_PAIR(i + 1) | style_defs[i].color_attr;
		/* An escape: magenta on the role's own background. */
		bg = style_defs[i].bg;
		init_pair((short)(STYLE__COUNT + i + 1), COLOR_MAGENTA, bg);
		style_esc_table[i] = COLOR_PAIR(STYLE__COUNT + i + 1) |
		    A_UNDERLINE;
	}
}

attr_t
style_attr(enum style_role role)
{
	return style_table[role];
}

attr_t
style_escape(enum style_role role)
{
	return style_esc_table[role];
}
