/* SPDX-License-Identifier: MIT */
/*
 * Tests for mouse reports (src/tui/mouse.c): SGR and X10 reports of
 * presses, releases, drags, motion and the wheel decoded to 0-based cells
 * with their modifiers; reports of no interest ignored; malformed ones
 * refused at the character that breaks them; the double-click clock.
 */
#include <string.h>

#include "lib/check.h"
#include "core/util.h"
#include "tui/mouse.h"

/* Feed s after prefix key code; the last answer and the event. */
static enum mouse_feed
feed(int keycode, const char *s, struct mouse_event *ev, size_t *at)
{
	struct mouse_parser mp;
	enum mouse_feed	 r = MOUSE_MORE;
	size_t		 i;

	mouse_parser_start(&mp, keycode);
	memset(ev, 0, sizeof *ev);
	for (i = 0; s[i] != '\0'; i++) {
		r = mouse_parser_feed(&mp, (unsigned char)s[i], ev);
		if (r != MOUSE_MORE)
			break;
	}
	*at = i;
	return r;
}

static void
test_sgr_reports(void)
{
	static const struct {
		const char	*in;
		enum mouse_kind	 kind;
		int		 button, x, y;
		unsigned int	 mods;
	} rows[] = {
		{ "0;5;3M",	MOUSE_PRESS,	1, 4, 2, 0 },
		{ "0;5;3m",	MOUSE_RELEASE,	1, 4, 2, 0 },
		{ "2;1;1M",	MOUSE_PRESS,	3, 0, 0, 0 },
		{ "1;300;70m",	MOUSE_RELEASE,	2, 299, 69, 0 },
		{ "32;9;4M",	MOUSE_DRAG,	1, 8, 3, 0 },
		{ "35;9;4M",	MOUSE_MOVE,	0, 8, 3, 0 },
		{ "64;7;4M",	MOUSE_WHEEL_UP,	0, 6, 3, 0 },
		{ "65;7;4M",	MOUSE_WHEEL_DOWN, 0, 6, 3, 0 },
		{ "4;2;2M",	MOUSE_PRESS,	1, 1, 1, MOUSE_SHIFT },
		{ "24;2;2M",	MOUSE_PRESS,	1, 1, 1,
		    MOUSE_ALT | MOUSE_CTRL },
		{ "32;99999;99999M", MOUSE_DRAG, 1, 99998, 99998, 0 },
	};
	struct mouse_event ev;
	size_t		 i, at;

	for (i = 0; i < FERRY_NELEM(rows); i++) {
		CHECK_INT(feed(MOUSE_KEY_SGR, rows[i].in, &ev, &at),
		    MOUSE_DONE);
		CHECK_INT(ev.kind, rows[i].kind);
		CHECK_INT(ev.button, rows[i].button);
		CHECK_INT(ev.x, rows[i].x);
		CHECK_INT(ev.y, rows[i].y);
		CHECK_INT(ev.mods, rows[i].mods);
		CHECK_INT(at, strlen(rows[i].in) - 1);
	}
}

static void
test_sgr_ignored(void)
{
	static const char *const rows[] = {
		"66;1;1M",	/* wheel left */
		"67;1;1M",	/* wheel right */
		"64;1;1m",	/* a wheel "release" */
		"128;1;1M",	/* button 8 */
		"99999;5;5M",	/* has bit 128 */
		"0;0;1M",	/* column 0 does not exist */
		"0;1;0M",
	};
	struct mouse_event ev;
	size_t		 i, at;

	for (i = 0; i < FERRY_NELEM(rows); i++) {
		CHECK_INT(feed(MOUSE_KEY_SGR, rows[i], &ev, &at),
		    MOUSE_IGNORE);
		CHECK_INT(at, strlen(rows[i]) - 1);
	}
}

static void
test_sgr_bad(void)
{
	static const struct {
		const char	*in;
		size_t		 at;	/* the character refused */
	} rows[] = {
		{ "x", 0 },
		{ ";1;1M", 0 },
		{ "0;;1M", 2 },
		{ "0;1M", 3 },		/* two numbers only */
		{ "0;1;1;1M", 5 },	/* four */
		{ "0;1;1X", 5 },
		{ "0;123456;1M", 7 },	/* six digits */
		{ "0;1;1\033", 5 },
		{ "M", 0 },
	};
	struct mouse_event ev;
	size_t		 i, at;

	for (i = 0; i < FERRY_NELEM(rows); i++) {
		CHECK_INT(feed(MOUSE_KEY_SGR, rows[i].in, &ev, &at), MOUSE_BAD);
		CHECK_INT(at, rows[i].at);
	}
	/* Not finished yet: more is wanted. */
	CHECK_INT(feed(MOUSE_KEY_SGR, "0;12", &ev, &at), MOUSE_MORE);
}

static void
test_x10(void)
{
	struct mouse_event ev;
	size_t		 at;

	/* Button byte 32 + 0, column 33 + 0, row 33 + 2. */
	CHECK_INT(feed(MOUSE_KEY_X10, " !#", &ev, &at), MOUSE_DONE);
	CHECK_INT(ev.kind, MOUSE_PRESS);
	CHECK_INT(ev.button, 1);
	CHECK_INT(ev.x, 0);
	CHECK_INT(ev.y, 2);
	CHECK_INT(feed(MOUSE_KEY_X10, "#!#", &ev, &at), MOUSE_DONE);
	CHECK_INT(ev.kind, MOUSE_RELEASE);
	CHECK_INT(ev.button, 0);
	CHECK_INT(feed(MOUSE_KEY_X10, "@+#", &ev, &at), MOUSE_DONE);
	CHECK_INT(ev.kind, MOUSE_DRAG);
	CHECK_INT(ev.x, 10);
	CHECK_INT(feed(MOUSE_KEY_X10, "a!!", &ev, &at), MOUSE_DONE);
	CHECK_INT(ev.kind, MOUSE_WHEEL_DOWN);
	CHECK_INT(feed(MOUSE_KEY_X10, " !", &ev, &at), MOUSE_MORE);
	CHECK_INT(feed(MOUSE_KEY_X10, " \n!", &ev, &at), MOUSE_BAD);
	CHECK_INT(at, 1);
	CHECK_INT(feed(MOUSE_KEY_X10, "   ", &ev, &at), MOUSE_IGNORE);
}

static void
test_double_click(void)
{
	struct mouse_clicks mc;
	uint64_t	 ms = 1000000;

	mouse_click_reset(&mc);
	CHECK(!mouse_click(&mc, 7, 1000 * ms));
	CHECK(mouse_click(&mc, 7, 1300 * ms));
	/* A third click starts over. */
	CHECK(!mouse_click(&mc, 7, 1400 * ms));
	/* Too slow. */
	CHECK(!mouse_click(&mc, 7, 1900 * ms));
	CHECK(mouse_click(&mc, 7, 2000 * ms));
	/* Another target. */
	CHECK(!mouse_click(&mc, 1, 3000 * ms));
	CHECK(!mouse_click(&mc, 2, 3100 * ms));
	CHECK(mouse_click(&mc, 2, 3100 * ms + MOUSE_DOUBLE_MS * ms));
	mouse_click(&mc, 5, 4000 * ms);
	mouse_click_reset(&mc);
	CHECK(!mouse_click(&mc, 5, 4010 * ms));
}

static void
test_modes(void)
{
	CHECK(strstr(mouse_on_seq(), "\033[?1006h") != NULL);
	CHECK(strstr(mouse_on_seq(), "\033[?1002h") != NULL);
	CHECK(strstr(mouse_off_seq(), "\033[?1000l") != NULL);
	CHECK(strstr(mouse_off_seq(), "\033[?1006l") != NULL);
}

static const struct check_test tests[] = {
	CHECK_TEST(test_sgr_reports),
	CHECK_TEST(test_sgr_ignored),
	CHECK_TEST(test_sgr_bad),
	CHECK_TEST(test_x10),
	CHECK_TEST(test_double_click),
	CHECK_TEST(test_modes),
	{ 0 },
};

int
main(int argc, char **argv)
{
	return check_main(tests, argc, argv);
}
