/* SPDX-License-Identifier: MIT */
/*
 * Mouse reports: the mode strings, the decoder of SGR (1006) and X10
 * reports, and the double-click clock (see mouse.h for why the browser
 * does this rather than ncurses).
 *
 * The button byte of both encodings (xterm ctlseqs, "Mouse Tracking"):
 * the low two bits are the button (0 left, 1 middle, 2 right, 3 none or
 * an X10 release), +4 Shift, +8 Meta, +16 Control, +32 motion, +64 the
 * wheel (64 up, 65 down, 66 and 67 sideways), +128 buttons 8 to 11.
 * SGR ends a press or motion with 'M' and a release with 'm';
 * coordinates are 1-based.  X10 sends the byte, the column and the row
 * each plus 32.
 *
 * Pure; UI thread by use.
 */
#include <string.h>

#include "tui/mouse.h"

#define MOUSE_DIGITS_MAX	5

const char *
mouse_on_seq(void)
{
	return "\033[?1000h\033[?1002h\033[?1006h";
}

const char *
mouse_off_seq(void)
{
	return "\033[?1006l\033[?1002l\033[?1000l";
}

void
mouse_parser_start(struct mouse_parser *mp, int keycode)
{
	memset(mp, 0, sizeof *mp);
	mp->sgr = keycode == MOUSE_KEY_SGR;
}

/* The event of button byte cb at 1-based (x, y); release: SGR's 'm'. */
static enum mouse_feed
mouse_decode(unsigned long cb, unsigned long x, unsigned long y,
    bool release, struct mouse_event *ev)
{
	unsigned long	 b = cb & 3;

	memset(ev, 0, sizeof *ev);
	if (x < 1 || y < 1 || (cb & 128))
		return MOUSE_IGNORE;
	ev->x = (int)x - 1;
	ev->y = (int)y - 1;
	ev->mods = ((cb & 4) ? MOUSE_SHIFT : 0) | ((cb & 8) ? MOUSE_ALT : 0) |
	    ((cb & 16) ? MOUSE_CTRL : 0);
	if (cb & 64) {
		if (release || b > 1)
			return MOUSE_IGNORE;	/* sideways, or SGR's end */
		ev->kind = b == 0 ? MOUSE_WHEEL_UP : MOUSE_WHEEL_DOWN;
		return MOUSE_DONE;
	}
	if (cb & 32) {
		ev->kind = b == 3 ? MOUSE_MOVE : MOUSE_DRAG;
		ev->button = b == 3 ? 0 : (int)b + 1;
		return MOUSE_DONE;
	}
	if (release || b == 3) {
		/* X10 says 3 for any release: which button is not known. */
		ev->kind = MOUSE_RELEASE;
		ev->button = b == 3 ? 0 : (int)b + 1;
		return MOUSE_DONE;
	}
	ev->kind = MOUSE_PRESS;
	ev->button = (int)b + 1;
	return MOUSE_DONE;
}

static enum mouse_feed
mouse_feed_sgr(struct mouse_parser *mp, wint_t ch, struct mouse_event *ev)
{
	if (ch >= '0' && ch <= '9') {
		if (mp->digits >= MOUSE_DIGITS_MAX)
			return MOUSE_BAD;
		mp->v[mp->field] = mp->v[mp->field] * 10 + (ch - '0');
		mp->digits++;
		return MOUSE_MORE;
	}
	if (mp->digits == 0)
		return MOUSE_BAD;
	if (ch == ';') {
		if (mp->field == 2)
			return MOUSE_BAD;
		mp->field++;
		mp->digits = 0;
		return MOUSE_MORE;
	}
	if ((ch == 'M' || ch == 'm') && mp->field == 2)
		return mouse_decode(mp->v[0], mp->v[1], mp->v[2], ch == 'm',
		    ev);
	return MOUSE_BAD;
}

enum mouse_feed
mouse_parser_feed(struct mouse_parser *mp, wint_t ch, struct mouse_event *ev)
{
	if (mp->sgr)
		return mouse_feed_sgr(mp, ch, ev);
	/* X10 (or 1005, whose values get_wch() decoded from UTF-8). */
	if (ch < 32 || ch == 127)
		return MOUSE_BAD;
	mp->v[mp->field++] = (unsigned long)ch - 32;
	if (mp->field < 3)
		return MOUSE_MORE;
	return mouse_decode(mp->v[0], mp->v[1], mp->v[2], false, ev);
}

bool
mouse_click(struct mouse_clicks *mc, uint64_t target, uint64_t now_ns)
{
	bool	 dbl;

	dbl = mc->armed && mc->target == target && now_ns >= mc->at_ns &&
	    now_ns - mc->at_ns <= (uint64_t)MOUSE_DOUBLE_MS * 1000000u;
	/* After a double, the next click is a first one again. */
	mc->armed = !dbl;
	mc->target = target;
	mc->at_ns = now_ns;
	return dbl;
}

void
mouse_click_reset(struct mouse_clicks *mc)
{
	memset(mc, 0, sizeof *mc);
}
