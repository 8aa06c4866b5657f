/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target for the bookmarks file parser (src/tui/bookmarks.c): the
 * input is the text of a bookmarks file, as a user or another program
 * could have left it.
 *
 * Checked on every input:
 * - a parse either succeeds, with every bookmark's name and location
 *   non-empty and no name twice, or fails with FERRY_E_INVALID (or
 *   FERRY_E_LIMIT past BOOKMARKS_MAX) and a message naming the file and
 *   a line, leaving the list empty;
 * - what parsed, written back in the file form (escaped name, TAB,
 *   escaped location, newline), parses to exactly the same list: the
 *   format round-trips whatever bytes the names hold.
 *
 * Single-threaded; no file is touched (bookmarks_parse is pure).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "tui/bookmarks.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
bookmarks_fuzz_fail(const char *what, size_t i)
{
	fprintf(stderr, "bookmarks-fuzzer: %s (bookmark %zu)\n", what, i);
	abort();
}

/* The file form of bm, as bookmarks_save writes it (minus the header). */
static char *
bookmarks_fuzz_text(const struct bookmarks *bm, size_t *len)
{
	char	*out = xstrdup(""), *name, *loc, *t;
	size_t	 i;

	for (i = 0; i < bm->n; i++) {
		name = bookmarks_escape(bm->v[i].name);
		loc = bookmarks_escape(bm->v[i].location);
		t = xasprintf("%s%s\t%s\n", out, name, loc);
		free(out);
		free(name);
		free(loc);
		out = t;
	}
	*len = strlen(out);
	return out;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bookmarks	 bm, back;
	struct ferry_error	 err;
	enum ferry_code		 r;
	size_t			 i, len;
	char			*text;

	memset(&bm, 0, sizeof bm);
	memset(&back, 0, sizeof back);
	bm.path = xstrdup("fuzz/bookmarks");
	r = bookmarks_parse(&bm, (const char *)data, size, &err);
	if (r != FERRY_OK) {
		if ((r != FERRY_E_INVALID && r != FERRY_E_LIMIT) ||
		    strncmp(err.msg, "fuzz/bookmarks", 14) != 0 || bm.n != 0)
			bookmarks_fuzz_fail("a failed parse is not clean", 0);
		bookmarks_done(&bm);
		return 0;
	}
	for (i = 0; i < bm.n; i++) {
		if (bm.v[i].name[0] == '\0' || bm.v[i].location[0] == '\0')
			bookmarks_fuzz_fail("an empty field", i);
		if (bookmarks_find(&bm, bm.v[i].name) != (long)i)
			bookmarks_fuzz_fail("a name twice", i);
	}
	text = bookmarks_fuzz_text(&bm, &len);
	back.path = xstrdup("fuzz/back");
	if (bookmarks_parse(&back, text, len, &err) != FERRY_OK)
		bookmarks_fuzz_fail(err.msg, 0);
	if (back.n != bm.n)
		bookmarks_fuzz_fail("the count changed", back.n);
	for (i = 0; i < bm.n; i++)
		if (strcmp(bm.v[i].name, back.v[i].name) != 0 ||
		    strcmp(bm.v[i].location, back.v[i].location) != 0)
			bookmarks_fuzz_fail("a bookmark changed", i);
	free(text);
	bookmarks_done(&back);
	bookmarks_done(&bm);
	return 0;
}
