/* SPDX-License-Identifier: MIT */
/*
 * The role -> attribute table (see style.h).  The tables are file-scope
 * state written by style_init() on the UI thread before anything is drawn
 * (htop CRT_colors does the same); style_over() fills its cache lazily,
 * also on the UI thread.
 *
 * Colour pairs are shared: one pair per distinct (foreground, background)
 * (a terminal with 8 colours may have only 64 pairs), never pair 0, so
 * that the background set for erase() cannot leak into a role.  When the
 * pairs run out, a role keeps its attributes on pair 0.  Pair numbers stay
 * below 256 so that COLOR_PAIR() fits in an attr_t; colour values may be
 * 24-bit RGB on a direct-colour terminal, hence init_extended_pair().
 */
#include <curses.h>
#include <stdlib.h>
#include <string.h>

#include "tui/style.h"

#define STYLE_PAIRS_MAX	255

static struct theme	 style_theme;
static int		 style_ncolors;		/* 0: attributes only */
static bool		 style_default_ok;	/* use_default_colors() */
static attr_t		 style_table[STYLE__COUNT];
static attr_t		 style_over_table[STYLE__COUNT][STYLE__COUNT];
static bool		 style_over_set[STYLE__COUNT][STYLE__COUNT];
static int		 style_pair_fg[STYLE_PAIRS_MAX + 1];
static int		 style_pair_bg[STYLE_PAIRS_MAX + 1];
static int		 style_npairs;		/* allocated: 1 .. npairs */
static int		 style_maxpairs;

static attr_t
style_curses_attrs(unsigned int bits)
{
	attr_t	 a = A_NORMAL;

	if (bits & THEME_BOLD)
		a |= A_BOLD;
	if (bits & THEME_DIM)
		a |= A_DIM;
	if (bits & THEME_ITALIC)
		a |= A_ITALIC;
	if (bits & THEME_UNDERLINE)
		a |= A_UNDERLINE;
	if (bits & THEME_BLINK)
		a |= A_BLINK;
	if (bits & THEME_REVERSE)
		a |= A_REVERSE;
	if (bits & THEME_STANDOUT)
		a |= A_STANDOUT;
	return a;
}

/* The pair for fg on bg (-1: default), allocated once; 0 when none left. */
static int
style_pair(int fg, int bg)
{
	int	 i;

	if (!style_default_ok) {
		/* No default colours: white on black stands in. */
		if (fg < 0)
			fg = COLOR_WHITE;
		if (bg < 0)
			bg = COLOR_BLACK;
	}
	for (i = 1; i <= style_npairs; i++)
		if (style_pair_fg[i] == fg && style_pair_bg[i] == bg)
			return i;
	if (style_npairs >= style_maxpairs)
		return 0;
	i = ++style_npairs;
	if (init_extended_pair(i, fg, bg) != OK) {
		style_npairs--;
		return 0;
	}
	style_pair_fg[i] = fg;
	style_pair_bg[i] = bg;
	return i;
}

/* fgs's foreground (or base's, when fgs has the default) on bg's. */
static attr_t
style_make(const struct theme_style *fgs, const struct theme_style *bgs,
    unsigned int attrs)
{
	const struct theme_color *fc = &fgs->fg;
	bool		 bright, bgbright;
	int		 fg, bg;

	if (fc->kind == THEME_COLOR_DEFAULT)
		fc = &bgs->fg;
	fg = theme_color_number(fc, style_ncolors, &bright);
	bg = theme_color_number(&bgs->bg, style_ncolors, &bgbright);
	return COLOR_PAIR(style_pair(fg, bg)) | style_curses_attrs(attrs) |
	    (bright ? A_BOLD : A_NORMAL);
}

/* How many colours to use: 0 for none. */
static int
style_depth(void)
{
	const char	*nc = getenv("NO_COLOR");

	if ((nc != NULL && *nc != '\0') || !has_colors())
		return 0;
	/* COLORS and COLOR_PAIRS are known after start_color() only. */
	if (start_color() != OK || COLORS < 8)
		return 0;
	if (COLORS >= THEME_DIRECT)
		return THEME_DIRECT;
	if (COLORS >= 256)
		return 256;
	return COLORS >= 16 ? 16 : 8;
}

void
style_init(const struct theme *t)
{
	int	 i;

	style_theme = *t;
	memset(style_over_set, 0, sizeof style_over_set);
	style_npairs = 0;
	style_ncolors = style_depth();
	style_maxpairs = COLOR_PAIRS - 1 < STYLE_PAIRS_MAX ?
	    COLOR_PAIRS - 1 : STYLE_PAIRS_MAX;
	if (style_ncolors == 0 || style_maxpairs < 1) {
		style_ncolors = 0;
		for (i = 0; i < STYLE__COUNT; i++)
			style_table[i] = style_curses_attrs(t->role[i].mono);
		return;
	}
	style_default_ok = use_default_colors() == OK;
	for (i = 0; i < STYLE__COUNT; i++)
		style_table[i] = style_make(&t->role[i], &t->role[i],
		    t->role[i].attrs);
	/* What erase() leaves: the normal role's colours. */
	bkgdset(' ' | (style_table[STYLE_NORMAL] & A_COLOR));
}

attr_t
style_attr(enum style_role role)
{
	return style_table[role];
}

attr_t
style_over(enum style_role over, enum style_role base)
{
	const struct theme_style *o = &style_theme.role[over];
	const struct theme_style *b = &style_theme.role[base];

	if (style_over_set[over][base])
		return style_over_table[over][base];
	if (style_ncolors == 0)
		style_over_table[over][base] = style_curses_attrs(o->mono |
		    b->mono);
	else
		style_over_table[over][base] = style_make(o, b, o->attrs);
	style_over_set[over][base] = true;
	return style_over_table[over][base];
}

attr_t
style_escape(enum style_role role)
{
	return style_over(STYLE_ESCAPE, role);
}

int
style_colors(void)
{
	return style_ncolors;
}
