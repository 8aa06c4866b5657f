/* SPDX-License-Identifier: MIT */
/*
 * Tests for OSC 52 (src/tui/clip.c): the plain sequence with its base64
 * (decoded back with OpenSSL), hostile text travelling only as base64,
 * GNU screen's chunked DCS passthrough, which environment gets which,
 * and the size limit.
 */
#include <string.h>

#include <openssl/evp.h>

#include "lib/check.h"
#include "core/util.h"
#include "tui/clip.h"

/* The text inside seq's base64 (the chunks joined back). */
static char *
decode(const char *seq, size_t len, size_t *n)
{
	char		*b64 = xmalloc(len + 1), *out;
	const char	*p = strstr(seq, "\033]52;c;"), *end = seq + len;
	size_t		 k = 0;
	int		 r;

	FERRY_ASSERT(p != NULL);
	for (p += 7; p < end && *p != '\a'; p++) {
		if (*p == '\033') {	/* ST then DCS between chunks */
			p += 3;
			continue;
		}
		b64[k++] = *p;
	}
	b64[k] = '\0';
	out = xmalloc(k + 1);
	r = EVP_DecodeBlock((unsigned char *)out, (unsigned char *)b64,
	    (int)k);
	FERRY_ASSERT(r >= 0);
	/* DecodeBlock counts the padding as bytes. */
	*n = (size_t)r - (k >= 1 && b64[k - 1] == '=') -
	    (k >= 2 && b64[k - 2] == '=');
	free(b64);
	return out;
}

static void
test_plain(void)
{
	size_t	 len, n;
	char	*s, *t;

	s = clip_osc52("store:/a/b", 10, CLIP_PLAIN, &len);
	CHECK_STR(s, "\033]52;c;c3RvcmU6L2EvYg==\a");
	CHECK_INT(len, strlen(s));
	free(s);
	s = clip_osc52("", 0, CLIP_PLAIN, &len);
	CHECK_STR(s, "\033]52;c;\a");
	free(s);
	/* Escapes, BEL, newlines, invalid UTF-8: only base64 goes out. */
	s = clip_osc52("/x/\033]0;pwn\a\n\xff", 14, CLIP_PLAIN, &len);
	CHECK(strchr(s + 1, '\033') == NULL);
	CHECK(memchr(s, '\a', len - 1) == NULL);
	t = decode(s, len, &n);
	CHECK_INT(n, 14);
	CHECK(memcmp(t, "/x/\033]0;pwn\a\n\xff", 14) == 0);
	free(t);
	free(s);
}

static void
test_screen(void)
{
	char	 text[400], *s, *t;
	size_t	 len, n, i, longest = 0, run = 0;

	for (i = 0; i < sizeof text; i++)
		text[i] = (char)('a' + i % 26);
	s = clip_osc52(text, sizeof text, CLIP_SCREEN, &len);
	CHECK(strncmp(s, "\033P\033]52;c;", 9) == 0);
	CHECK(len > 4 && strcmp(s + len - 3, "\a\033\\") == 0);
	/* No piece between DCS and ST is longer than a chunk and a head. */
	for (i = 0; i < len; i++) {
		if (s[i] == '\033') {
			if (run > longest)
				longest = run;
			run = 0;
		} else
			run++;
	}
	CHECK(longest <= CLIP_SCREEN_CHUNK + 6);
	CHECK(longest >= CLIP_SCREEN_CHUNK);
	t = decode(s, len, &n);
	CHECK_INT(n, sizeof text);
	CHECK(memcmp(t, text, sizeof text) == 0);
	free(t);
	free(s);
}

static void
test_wrap_for(void)
{
	CHECK_INT(clip_wrap_for("xterm-256color", NULL, NULL), CLIP_PLAIN);
	CHECK_INT(clip_wrap_for("tmux-256color", "/tmp/tmux-0/default,1,0",
	    NULL), CLIP_PLAIN);
	/* tmux with TERM=screen, even inside screen: tmux answers. */
	CHECK_INT(clip_wrap_for("screen", "/tmp/t,1,0", "1.pts"), CLIP_PLAIN);
	CHECK_INT(clip_wrap_for("screen.xterm-256color", NULL, "1.pts"),
	    CLIP_SCREEN);
	CHECK_INT(clip_wrap_for("screen-256color", "", NULL), CLIP_SCREEN);
	CHECK_INT(clip_wrap_for(NULL, NULL, NULL), CLIP_PLAIN);
}

static void
test_limit(void)
{
	char	*big, *s;
	size_t	 len;

	big = xcalloc(1, CLIP_TEXT_MAX + 1);
	memset(big, 'x', CLIP_TEXT_MAX + 1);
	CHECK(clip_osc52(big, CLIP_TEXT_MAX + 1, CLIP_PLAIN, &len) == NULL);
	CHECK_INT(len, 0);
	s = clip_osc52(big, CLIP_TEXT_MAX, CLIP_PLAIN, &len);
	CHECK(s != NULL && len < 100000 + 10);
	free(s);
	free(big);
}

static const struct check_test tests[] = {
	CHECK_TEST(test_plain),
	CHECK_TEST(test_screen),
	CHECK_TEST(test_wrap_for),
	CHECK_TEST(test_limit),
	{ 0 },
};

int
main(int argc, char **argv)
{
	return check_main(tests, argc, argv);
}
