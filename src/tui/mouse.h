/* SPDX-License-Identifier: MIT */
/*
 * The mouse as the terminal reports it: the modes to turn reports on and
 * off, a decoder of the reports, and the double-click clock.
 *
 * Why not ncurses' own mouse.  ncurses 6.4 picks the report format from
 * terminfo: with TERM=tmux-256color or screen-256color (kmous=\E[M, no
 * XM capability) it asks for X10 reports (mode 1000, and 1003 with
 * REPORT_MOUSE_POSITION), whose coordinates stop at column 223, and it
 * does not decode SGR reports (\E[<b;x;yM) at all; with xterm-256color
 * (XM has 1006) it does.  So the browser asks for the modes itself,
 * the same on every terminal: 1000 (press and release, wheel), 1002
 * (motion while a button is down, for drags) and 1006 (SGR encoding: no
 * column limit, releases say which button).  It binds the report
 * prefixes with define_key() to codes of its own, MOUSE_KEY_SGR for
 * "\E[<" and MOUSE_KEY_X10 for "\E[M" (a terminal without 1006 still
 * sends those), and feeds the characters that follow to the decoder
 * here.  Nothing of ncurses' mouse (mousemask, getmouse) is used.
 *
 * The decoder is pure and strict: a report is at most three numbers of
 * at most five digits; anything else ends it as MOUSE_BAD and the caller
 * treats the character as a key.
 *
 * UI thread by use; no curses calls here (mouse_*_seq are strings).
 */
#ifndef FERRY_TUI_MOUSE_H
#define FERRY_TUI_MOUSE_H

#include <stdbool.h>
#include <stdint.h>
#include <wchar.h>

/* Key codes above ncurses' KEY_MAX (0777) for the report prefixes. */
#define MOUSE_KEY_SGR		01001
#define MOUSE_KEY_X10		01002

#define MOUSE_DOUBLE_MS		400	/* two clicks closer: a double */

/* Turn the reports on / off (write to the terminal). */
const char	*mouse_on_seq(void);
const char	*mouse_off_seq(void);

enum mouse_kind {
	MOUSE_PRESS = 1,
	MOUSE_RELEASE,
	MOUSE_DRAG,		/* motion with a button down */
	MOUSE_MOVE,		/* motion with none (mode 1003 only) */
	MOUSE_WHEEL_UP,
	MOUSE_WHEEL_DOWN,
};

#define MOUSE_SHIFT	0x01u
#define MOUSE_ALT	0x02u
#define MOUSE_CTRL	0x04u

struct mouse_event {
	enum mouse_kind	 kind;
	int		 button;	/* 1 left, 2 middle, 3 right, 0 ? */
	int		 x, y;		/* 0-based cell */
	unsigned int	 mods;		/* MOUSE_SHIFT ... */
};

enum mouse_feed {
	MOUSE_MORE = 0,		/* give the next character */
	MOUSE_DONE,		/* *ev is a report */
	MOUSE_IGNORE,		/* a whole report of no interest */
	MOUSE_BAD,		/* not a report: the character is a key */
};

struct mouse_parser {
	bool		 sgr;		/* else X10 / 1005 */
	int		 field;		/* the number being read */
	int		 digits;
	unsigned long	 v[3];
};

/* Start decoding what follows the prefix of key code MOUSE_KEY_*. */
void		 mouse_parser_start(struct mouse_parser *mp, int keycode);
/* One character after the prefix (as get_wch() returned it). */
enum mouse_feed	 mouse_parser_feed(struct mouse_parser *mp, wint_t ch,
		    struct mouse_event *ev);

/*
 * The double-click clock: a click on the same target (any number the
 * caller picks, e.g. pane * 2^32 + row) within MOUSE_DOUBLE_MS of the
 * last one is a double; a third one starts over.
 */
struct mouse_clicks {
	uint64_t	 target;
	uint64_t	 at_ns;
	bool		 armed;
};

bool		 mouse_click(struct mouse_clicks *mc, uint64_t target,
		    uint64_t now_ns);
void		 mouse_click_reset(struct mouse_clicks *mc);

#endif
