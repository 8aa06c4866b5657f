/* SPDX-License-Identifier: MIT */
/*
 * Semantic roles (enum style_role, in theme.h) mapped to curses
 * attributes: a colour pair plus bold, reverse, underline...  Code names
 * roles only; the mapping is chosen once at start from the theme and the
 * terminal: the theme's colours degraded to what the terminal has (true
 * colour, 256, 16 or 8), or, with NO_COLOR set (to anything but "") or a
 * terminal without colours, the theme's attributes alone.
 *
 * UI thread only (curses).
 */
#ifndef FERRY_TUI_STYLE_H
#define FERRY_TUI_STYLE_H

#include <curses.h>

#include "tui/theme.h"

/* Choose the mapping for theme t (copied); call after initscr(). */
void	 style_init(const struct theme *t);

/* The attributes of a role. */
attr_t	 style_attr(enum style_role role);

/*
 * Role over drawn inside role base: over's foreground (base's when over
 * has the default one) and attributes on base's background; without
 * colours, both roles' attributes.
 */
attr_t	 style_over(enum style_role over, enum style_role base);

/*
 * The attributes for an escape drawn inside text of role `role` (so the
 * escape stays visible on a cursor or marked row): style_over(STYLE_ESCAPE,
 * role).
 */
attr_t	 style_escape(enum style_role role);

/* The colours in use: 0 (attributes only), 8, 16, 256 or THEME_DIRECT. */
int	 style_colors(void);

#endif
