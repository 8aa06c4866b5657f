/* SPDX-License-Identifier: MIT */
/*
 * Themes: the semantic roles the browser draws with, and theme files that
 * give each role its colours and attributes (themes/README.md has the
 * format; the themes/ directory ships five).  One line per role:
 *
 *	# a comment
 *	cursor        = black cyan bold / reverse bold
 *	role          = [FG [BG]] [ATTRIBUTE...] [/ ATTRIBUTE...]
 *
 * Colours: default (the terminal's own), black red green yellow blue
 * magenta cyan white, bright-black (grey) .. bright-white, 0-255 (the
 * 256-colour palette) or #rrggbb.  Attributes: bold dim italic underline
 * blink reverse standout normal.  What follows '/' is used when there are
 * no colours (NO_COLOR, or a terminal without them); without '/', the
 * attributes before it are.  A role the file does not set keeps the
 * built-in default theme's value (themes/default.theme says the same).
 *
 * Colours are written for the best terminal and degraded to what the
 * terminal has (theme_color_number()): true colour with a direct-colour
 * terminfo (TERM=xterm-direct), else #rrggbb to the nearest of the 256
 * colours, to the nearest of 16, or to 8 (a bright foreground becomes its
 * base colour in bold).
 *
 * Adding a role: a STYLE_ value below, its name in theme.c, its value in
 * theme.c's built-in table, and a line in every shipped theme (the unit
 * test checks that each shipped theme sets every role).
 *
 * Parsing is pure (theme_parse() reads from memory, for the tests and the
 * fuzzer); theme_load() finds and reads a file.  Any thread, no state.
 */
#ifndef FERRY_TUI_THEME_H
#define FERRY_TUI_THEME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ferry/error.h"

/*
 * Everything the browser draws.  The item roles follow enum ferry_type
 * (STYLE_OTHER + type), see theme_type_role().
 */
enum style_role {
	STYLE_NORMAL = 0,	/* rows, and the screen's background */
	STYLE_BORDER,		/* the line between the panes */
	STYLE_HEADER,		/* a pane's header, inactive pane */
	STYLE_HEADER_ACTIVE,	/* the active pane's header */
	STYLE_BREADCRUMB,	/* the path before the folder, in a header */
	STYLE_SPINNER,		/* the loading spinner, in a header */
	STYLE_TITLES,		/* column titles */
	STYLE_FOLDER,		/* a folder row */
	STYLE_LINK,		/* a symbolic link row */
	STYLE_OTHER,		/* an item of no known type class */
	STYLE_IMAGE,
	STYLE_VIDEO,
	STYLE_AUDIO,
	STYLE_DICOM,
	STYLE_ARCHIVE,
	STYLE_TEXT,
	STYLE_DOCUMENT,
	STYLE_CURSOR,		/* the cursor row in the active pane */
	STYLE_CURSOR_INACTIVE,	/* the cursor row in the other pane */
	STYLE_MARKED,		/* a marked row */
	STYLE_MARKED_CURSOR,	/* a marked row under the cursor */
	STYLE_ESCAPE,		/* a visible escape in a name */
	STYLE_HINT,		/* a hint inside an empty pane */
	STYLE_FOOTER,
	STYLE_MESSAGE,
	STYLE_ERROR,
	STYLE_FKEY_NUM,		/* the "5" of "5Copy" */
	STYLE_FKEY_LABEL,	/* the "Copy" of "5Copy" */
	STYLE_DIALOG,
	STYLE_DIALOG_TITLE,
	STYLE_INPUT,		/* the text field of a dialog, the filter */
	STYLE__COUNT
};

/* Attributes (theme files name them; style.c maps them to curses). */
#define THEME_BOLD	0x01u
#define THEME_DIM	0x02u
#define THEME_ITALIC	0x04u
#define THEME_UNDERLINE	0x08u
#define THEME_BLINK	0x10u
#define THEME_REVERSE	0x20u
#define THEME_STANDOUT	0x40u

enum theme_color_kind {
	THEME_COLOR_DEFAULT = 0,	/* the terminal's own colour */
	THEME_COLOR_INDEX,		/* 0-15 ANSI, 16-255 the palette */
	THEME_COLOR_RGB,		/* 0xrrggbb */
};

struct theme_color {
	enum theme_color_kind kind;
	uint32_t	 value;
};

struct theme_style {
	struct theme_color fg;
	struct theme_color bg;
	unsigned int	 attrs;		/* THEME_*, with colours */
	unsigned int	 mono;		/* THEME_*, without colours */
};

struct theme {
	struct theme_style role[STYLE__COUNT];
	int		 line[STYLE__COUNT];	/* where set; 0: default */
};

#define THEME_FILE_MAX	65536	/* bytes in a theme file */
#define THEME_LINE_MAX	1024	/* bytes in one line */
#define THEME_DIRECT	0x1000000	/* COLORS of a direct-colour term */

/* The role's name in theme files ("header.active"). */
const char	*theme_role_name(enum style_role role);
/* The role of an item of type class type (enum ferry_type). */
enum style_role	 theme_type_role(unsigned int type);

/* The built-in default theme (the same as themes/default.theme). */
void		 theme_default(struct theme *t);

/*
 * Parse the len bytes at text (a theme file called file in messages) into
 * *t, over the built-in default.  An error says "FILE:LINE: what" and
 * leaves *t at the default.
 */
enum ferry_code	 theme_parse(struct theme *t, const char *file,
		    const char *text, size_t len, struct ferry_error *err);

/*
 * Find a theme: spec is a name ("light": light.theme in
 * $XDG_CONFIG_HOME/ferry/themes, then FERRY_DATADIR/themes, then the
 * themes/ of the source tree ferry runs from) or a path (it has a '/' or
 * ends in ".theme").  *path is malloc'd.  FERRY_E_NOT_FOUND names the
 * places searched.
 */
enum ferry_code	 theme_path(const char *spec, char **path,
		    struct ferry_error *err);

/*
 * Find, read and parse a theme (spec NULL means "default").  The default
 * theme found nowhere is the built-in one, so ferry needs no data files.
 */
enum ferry_code	 theme_load(struct theme *t, const char *spec,
		    struct ferry_error *err);

/*
 * The curses colour number of c on a terminal with ncolors colours
 * (COLORS): -1 for the default colour.  *bright is set when, on an
 * 8-colour terminal, a bright colour became its base colour (draw the
 * foreground bold).  ncolors < 8: -1.
 */
int		 theme_color_number(const struct theme_color *c, int ncolors,
		    bool *bright);

/* The xterm colour of palette index i (0-255) as 0xrrggbb. */
uint32_t	 theme_palette_rgb(unsigned int i);
/* The nearest palette index to rgb among the first n (16 or 256). */
unsigned int	 theme_nearest(uint32_t rgb, unsigned int n);
/* The ANSI colour (0-15) that stands for palette index i. */
unsigned int	 theme_to16(unsigned int i);

#endif
