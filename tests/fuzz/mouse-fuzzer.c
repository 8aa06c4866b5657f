/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target for the mouse report decoder (src/tui/mouse.c): the input
 * is what a terminal (or anything writing to it) could send after the
 * report prefixes.  Byte 0 picks the prefix (even: SGR "\e[<", odd:
 * X10 "\e[M"); the rest is fed one character at a time, and after each
 * answer other than "more" the decoder starts again, as tui_input() does.
 *
 * Checked on every event decoded: a known kind, a button of 0 to 3 (0
 * only for a release or a motion with none), cells in 0 .. 99998 (five
 * digits at most), known modifier bits; and that no report goes on past
 * the characters SGR allows (digits, two ';', one 'M' or 'm').
 *
 * Single-threaded, pure.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui/mouse.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
mouse_fuzz_fail(const char *what, size_t at)
{
	fprintf(stderr, "mouse-fuzzer: %s at byte %zu\n", what, at);
	abort();
}

static void
mouse_fuzz_check(const struct mouse_event *ev, size_t at)
{
	if (ev->kind < MOUSE_PRESS || ev->kind > MOUSE_WHEEL_DOWN)
		mouse_fuzz_fail("an unknown kind", at);
	if (ev->button < 0 || ev->button > 3)
		mouse_fuzz_fail("a button out of range", at);
	if (ev->button == 0 && ev->kind != MOUSE_RELEASE &&
	    ev->kind != MOUSE_MOVE && ev->kind != MOUSE_WHEEL_UP &&
	    ev->kind != MOUSE_WHEEL_DOWN)
		mouse_fuzz_fail("a press or drag of no button", at);
	if (ev->x < 0 || ev->y < 0 || ev->x > 99998 || ev->y > 99998)
		mouse_fuzz_fail("a cell out of range", at);
	if (ev->mods & ~(MOUSE_SHIFT | MOUSE_ALT | MOUSE_CTRL))
		mouse_fuzz_fail("unknown modifiers", at);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mouse_parser	 mp;
	struct mouse_event	 ev;
	enum mouse_feed		 r;
	int			 key;
	size_t			 i, run = 0;

	if (size == 0)
		return 0;
	key = (data[0] & 1) ? MOUSE_KEY_X10 : MOUSE_KEY_SGR;
	mouse_parser_start(&mp, key);
	for (i = 1; i < size; i++) {
		r = mouse_parser_feed(&mp, data[i], &ev);
		run++;
		if (r == MOUSE_MORE) {
			/* SGR: 3 x 5 digits, 2 ';' and the end at most. */
			if (key == MOUSE_KEY_SGR && run > 17)
				mouse_fuzz_fail("an SGR report too long", i);
			if (key == MOUSE_KEY_X10 && run >= 3)
				mouse_fuzz_fail("an X10 report too long", i);
			continue;
		}
		if (r == MOUSE_DONE)
			mouse_fuzz_check(&ev, i);
		else if (r != MOUSE_IGNORE && r != MOUSE_BAD)
			mouse_fuzz_fail("an unknown answer", i);
		run = 0;
		mouse_parser_start(&mp, key);
	}
	return 0;
}
