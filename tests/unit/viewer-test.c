/* SPDX-License-Identifier: MIT */
/*
 * Tests for the viewer's pure parts: the block cache (LRU, bounded), the
 * rows laid out over blocks (lines and characters crossing block
 * boundaries, long lines cut at line_max, wrap by cells with tabs, wide
 * characters and escapes, forward and backward walks that agree, missing
 * blocks reported by offset), the hex dump rows, the binary test, and the
 * search over range reads (a match across a window boundary, backward,
 * any case, cancelled, nothing found).
 */
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/check.h"
#include "core/util.h"
#include "jobs/search.h"
#include "tui/draw.h"
#include "tui/vtext.h"

/* Cache every block of the n bytes at s (blocks of vt->block). */
static void
load(struct vtext *vt, const char *s, size_t n)
{
	size_t	 off, k;
	unsigned char *b;

	vt->size = n;
	for (off = 0; off < n; off += vt->block) {
		k = n - off < vt->block ? n - off : vt->block;
		b = xmalloc(k);
		memcpy(b, s + off, k);
		vtext_put(vt, off / vt->block, b, k);
	}
}

/* The forward row starts from 0, as "start-end" pairs in out. */
static size_t
rows_forward(struct vtext *vt, uint64_t *starts, size_t max)
{
	uint64_t	 s = 0, e, need;
	size_t		 n = 0;

	while (s < vt->size && n < max) {
		if (vtext_row_end(vt, s, &e, &need) != VTEXT_OK)
			return 0;
		starts[n++] = s;
		if (e <= s)
			return 0;	/* no progress: a bug */
		s = e;
	}
	starts[n] = s;
	return n;
}

/*
 * Every byte's row (found backward) is one of the forward rows, and
 * the row before each row start is the previous forward row.
 */
static void
check_walks_agree(struct vtext *vt)
{
	uint64_t	 starts[512], s, need;
	size_t		 n, i, r = 0;

	n = rows_forward(vt, starts, 500);
	CHECK(n > 0);
	for (i = 0; i < vt->size; i++) {
		while (r + 1 < n && starts[r + 1] <= i)
			r++;
		CHECK_CODE(vtext_row_start(vt, i, &s, &need), VTEXT_OK);
		if (s != starts[r]) {
			check_failf(__FILE__, __LINE__, "byte %zu: row start "
			    "%llu, forward walk says %llu", i,
			    (unsigned long long)s,
			    (unsigned long long)starts[r]);
			return;
		}
	}
}

static void
test_cache_lru(void)
{
	struct vtext	 vt;
	const unsigned char *p;
	size_t		 avail;
	int		 i;

	vtext_init(&vt, 4, 3, 16);
	vt.size = 40;
	for (i = 0; i < 3; i++) {
		unsigned char *b = xmalloc(4);

		memset(b, 'a' + i, 4);
		vtext_put(&vt, (uint64_t)i, b, 4);
	}
	/* Use block 0, so block 1 is the least recently used. */
	p = vtext_span(&vt, 2, &avail);
	CHECK(p != NULL && avail == 2 && p[0] == 'a');
	vtext_put(&vt, 7, xcalloc(1, 4), 4);
	CHECK(vtext_has(&vt, 0));
	CHECK(!vtext_has(&vt, 1));
	CHECK(vtext_has(&vt, 2));
	CHECK(vtext_has(&vt, 7));
	CHECK_INT(vt.n, 3);
	CHECK(vtext_span(&vt, 5, &avail) == NULL);
	/* Replacing a cached block keeps the count. */
	vtext_put(&vt, 7, xcalloc(1, 2), 2);
	CHECK_INT(vt.n, 3);
	CHECK(vtext_span(&vt, 29, &avail) != NULL && avail == 1);
	CHECK(vtext_span(&vt, 30, &avail) == NULL);	/* short block */
	vtext_done(&vt);
}

static void
test_rows_across_blocks(void)
{
	static const char text[] = "ab\ncdefghijk\n\nlmnopq\nrstuvwxyz";
	struct vtext	 vt;
	uint64_t	 starts[32], e, need;
	size_t		 n;

	vtext_init(&vt, 5, 16, 64);
	load(&vt, text, sizeof text - 1);
	n = rows_forward(&vt, starts, 30);
	CHECK_INT(n, 5);
	CHECK_INT(starts[0], 0);
	CHECK_INT(starts[1], 3);	/* "cdefghijk\n" spans 3 blocks */
	CHECK_INT(starts[2], 13);	/* the empty line */
	CHECK_INT(starts[3], 14);
	CHECK_INT(starts[4], 21);	/* the last line has no '\n' */
	CHECK_INT(starts[5], sizeof text - 1);
	check_walks_agree(&vt);

	/* A missing block is named by the first offset needed. */
	vtext_clear(&vt);
	load(&vt, text, 5);	/* only block 0 */
	vt.size = sizeof text - 1;
	CHECK_CODE(vtext_row_end(&vt, 3, &e, &need), VTEXT_MISSING);
	CHECK_INT(need, 5);
	CHECK_CODE(vtext_row_end(&vt, 0, &e, &need), VTEXT_OK);
	CHECK_INT(e, 3);
	CHECK_CODE(vtext_row_start(&vt, 22, &e, &need), VTEXT_MISSING);
	CHECK_INT(need, 20);	/* scanning back from the block of 21 */
	vtext_done(&vt);
}

static void
test_long_lines(void)
{
	char		 text[100];
	struct vtext	 vt;
	uint64_t	 starts[32], s, need;
	size_t		 n;

	/* 40 bytes with no newline, then "x\n": rows of line_max = 16. */
	memset(text, 'a', 40);
	memcpy(text + 40, "x\n", 2);
	vtext_init(&vt, 7, 32, 16);
	load(&vt, text, 42);
	n = rows_forward(&vt, starts, 30);
	CHECK_INT(n, 3);
	CHECK_INT(starts[1], 16);
	CHECK_INT(starts[2], 32);
	check_walks_agree(&vt);
	/* Backward from the end: the row holding the last byte. */
	CHECK_CODE(vtext_row_start(&vt, 41, &s, &need), VTEXT_OK);
	CHECK_INT(s, 32);
	vtext_done(&vt);

	/* A long line after a short one: cut at multiples of line_max. */
	memcpy(text, "abc\n", 4);
	memset(text + 4, 'a', 40);
	memcpy(text + 44, "x\n", 2);
	vtext_init(&vt, 7, 32, 16);
	load(&vt, text, 46);
	n = rows_forward(&vt, starts, 30);
	CHECK_INT(n, 4);
	CHECK_INT(starts[1], 4);
	CHECK_INT(starts[2], 16);
	CHECK_INT(starts[3], 32);
	check_walks_agree(&vt);
	vtext_done(&vt);
}

/*
 * Random text (lines of every length, long ones too, multi-byte
 * characters and tabs) over tiny blocks: forward and backward walks
 * agree, with and without wrap, at several widths.
 */
static void
test_walks_random(void)
{
	static const char *const bits[] = { "a", "b", "\n", "\t", "\n\n",
	    "\xe6\x97\xa5", "e\xcc\x81", "\033", "\xff", "xyzxyzxyz" };
	struct vtext	 vt;
	char		 text[600];
	size_t		 n, k;
	int		 round, width;
	unsigned int	 seed = 7;

	for (round = 0; round < 40; round++) {
		n = 0;
		while (n < 500) {
			seed = seed * 1103515245u + 12345u;
			/* Some rounds have few newlines: long lines. */
			k = (seed >> 16) % FERRY_NELEM(bits);
			if (round % 3 == 0 && bits[k][0] == '\n')
				continue;
			memcpy(text + n, bits[k], strlen(bits[k]));
			n += strlen(bits[k]);
		}
		vtext_init(&vt, 5 + (size_t)round % 4, 256,
		    9 + (size_t)round % 7);
		vt.wrap = round % 2 == 1;
		width = 3 + round % 6;
		vt.width = width;
		load(&vt, text, n);
		check_walks_agree(&vt);
		vtext_done(&vt);
		if (check_cur_failed > 0) {
			printf("#   round %d: block %zu, line_max %zu, wrap "
			    "%d, width %d\n", round, 5 + (size_t)round % 4,
			    9 + (size_t)round % 7, round % 2, width);
			return;
		}
	}
}

static void
test_wrap(void)
{
	/* "日本" crosses the block boundary at 8 (bytes 6..11). */
	static const char text[] = "abcdef\xe6\x97\xa5\xe6\x9c\xac"
	    "gh\n\tx\tyz\n\033[1m\n";
	struct vtext	 vt;
	uint64_t	 starts[32];
	size_t		 n;

	vtext_init(&vt, 8, 16, 64);
	vt.wrap = true;
	vt.width = 7;
	load(&vt, text, sizeof text - 1);
	n = rows_forward(&vt, starts, 30);
	/*
	 * "abcdef" (6 cells: 日 would make 8), then "日本gh\n" (6 cells, its
	 * two characters gathered from two blocks), then the tab rows.
	 */
	CHECK_INT(starts[0], 0);
	CHECK_INT(starts[1], 6);
	CHECK_INT(starts[2], 15);	/* after "日本gh\n" */
	CHECK(n >= 5);
	check_walks_agree(&vt);
	/* A line that fills the row exactly keeps its '\n'. */
	CHECK_INT(vtext_cut((const unsigned char *)"abcdefg\n", 8, 7), 8);
	/* An escape is as wide as its text: "\e" 2 cells + "[1m" 3. */
	CHECK_INT(vtext_cut((const unsigned char *)"\033[1mzz", 6, 5), 4);
	/* A wide character never splits: 3 cells hold "a日" only. */
	CHECK_INT(vtext_cut((const unsigned char *)"a\xe6\x97\xa5\xe6\x9c\xac",
	    7, 4), 4);
	/* A combining mark stays with its base at the edge. */
	CHECK_INT(vtext_cut((const unsigned char *)"abe\xcc\x81x", 6, 3), 5);
	vtext_done(&vt);
}

static void
test_hex(void)
{
	static const unsigned char b[] = "Hello, \x00\x01\xff world!\n";
	char		 out[128], want[128];
	size_t		 len;

	CHECK_INT(vtext_hex_digits(0), 8);
	CHECK_INT(vtext_hex_digits(0x100000000ull), 8);
	CHECK_INT(vtext_hex_digits(0x100000001ull), 9);
	CHECK_INT(vtext_hex_width(16, 8), 76);
	CHECK_INT(vtext_hex_bpr(80, 8), 16);
	CHECK_INT(vtext_hex_bpr(60, 8), 8);
	CHECK_INT(vtext_hex_bpr(30, 8), 4);
	len = vtext_hex_row(0x10, b, 16, 16, 8, out, sizeof out);
	CHECK_STR(out, "00000010  48 65 6c 6c 6f 2c 20 00  01 ff 20 77 6f 72 "
	    "6c 64  Hello, ... world");
	CHECK_INT(len, 76);
	/* A short last row keeps the ASCII column in place. */
	vtext_hex_row(0x20, b + 16, 2, 16, 8, out, sizeof out);
	snprintf(want, sizeof want, "%-60s!.", "00000020  21 0a");
	CHECK_STR(out, want);
	vtext_hex_row(0x8, b, 8, 8, 8, out, sizeof out);
	CHECK_STR(out, "00000008  48 65 6c 6c 6f 2c 20 00  Hello, .");
	/* Too small a buffer gives an empty string, not an overflow. */
	CHECK_INT(vtext_hex_row(0, b, 16, 16, 8, out, 20), 0);
	CHECK_STR(out, "");
}

static void
test_binary(void)
{
	static const struct {
		const char	*in;
		size_t		 n;
		bool		 more;
		bool		 binary;
	} rows[] = {
		{ "plain text\n", 11, false, false },
		{ "tab\tesc\033[0m", 11, false, false },
		{ "caf\xc3\xa9 \xe6\x97\xa5", 9, false, false },
		{ "nul\0byte", 8, false, true },
		{ "bad \xff", 5, false, true },
		{ "overlong \xc0\xaf", 11, false, true },
		{ "surrogate \xed\xa0\x80", 13, false, true },
		/* A character cut by the end of the first block. */
		{ "cut \xe6\x97", 6, true, false },
		{ "cut \xe6\x97", 6, false, true },
		{ "cut \xe6x", 6, true, true },
	};
	size_t	 i;

	for (i = 0; i < FERRY_NELEM(rows); i++)
		if (vtext_is_binary((const unsigned char *)rows[i].in,
		    rows[i].n, rows[i].more) != rows[i].binary)
			check_failf(__FILE__, __LINE__, "row %zu (%s) should "
			    "be %s", i, rows[i].in, rows[i].binary ?
			    "binary" : "text");
}

/* A memory "item" for search_run, counting reads. */
struct mem {
	const char	*s;
	size_t		 n;
	int		 reads;
	int		 stop_after;	/* progress says stop after this many */
	int		 progress;
};

static enum ferry_code
mem_read(void *ud, uint64_t off, void *buf, size_t len, size_t *got,
    struct ferry_error *err)
{
	struct mem	*m = ud;

	(void)err;
	m->reads++;
	*got = 0;
	if (off >= m->n)
		return FERRY_OK;
	*got = m->n - off < len ? m->n - off : len;
	memcpy(buf, m->s + off, *got);
	return FERRY_OK;
}

static bool
mem_progress(void *ud, uint64_t done, uint64_t total)
{
	struct mem	*m = ud;

	CHECK(done <= total);
	m->progress++;
	return m->stop_after == 0 || m->progress < m->stop_after;
}

static int64_t
find(struct mem *m, const char *pat, uint64_t from, bool back, bool icase,
    size_t block, enum ferry_code want)
{
	struct search_opts o;
	struct ferry_error err;
	int64_t		 found = -2;

	memset(&o, 0, sizeof o);
	o.pat = pat;
	o.len = strlen(pat);
	o.from = from;
	o.backward = back;
	o.icase = icase;
	o.size = m->n;
	o.block = block;
	CHECK_CODE(search_run(&o, mem_read, mem_progress, m, &found, &err),
	    want);
	return found;
}

static void
test_search(void)
{
	/* "needle" at 6 crosses the window boundary at 8; again at 30. */
	static const char s[] = "......needle..........Needle..needle";
	struct mem	 m = { s, sizeof s - 1, 0, 0, 0 };

	CHECK_INT(find(&m, "needle", 0, false, false, 8, FERRY_OK), 6);
	CHECK_INT(find(&m, "needle", 7, false, false, 8, FERRY_OK), 30);
	CHECK_INT(find(&m, "needle", 7, false, true, 8, FERRY_OK), 22);
	CHECK_INT(find(&m, "needle", 31, false, false, 8, FERRY_OK), -1);
	/* Backward: the last match starting before from. */
	CHECK_INT(find(&m, "needle", m.n, true, false, 8, FERRY_OK), 30);
	CHECK_INT(find(&m, "needle", 30, true, false, 8, FERRY_OK), 6);
	CHECK_INT(find(&m, "needle", 30, true, true, 8, FERRY_OK), 22);
	CHECK_INT(find(&m, "needle", 6, true, false, 8, FERRY_OK), -1);
	/* Windows of one byte still see a match across all of them. */
	CHECK_INT(find(&m, "needle", 0, false, false, 1, FERRY_OK), 6);
	CHECK_INT(find(&m, "needle", m.n, true, false, 1, FERRY_OK), 30);
	/* Longer than the item; empty. */
	CHECK_INT(find(&m, "......needle..........Needle..needle!", 0, false,
	    false, 8, FERRY_OK), -1);
	CHECK_INT(find(&m, "", 0, false, false, 8, FERRY_E_INVALID), -1);
	/* Progress can stop it. */
	m.stop_after = 1;
	m.progress = 0;
	CHECK_INT(find(&m, "absent", 0, false, false, 4, FERRY_E_CANCELLED),
	    -1);
	CHECK_INT(m.progress, 1);
	m.progress = 0;
	CHECK_INT(find(&m, "absent", m.n, true, false, 4, FERRY_E_CANCELLED),
	    -1);
	/* The memory search and smartcase. */
	CHECK_INT(search_mem((const unsigned char *)"abcABC", 6, "abc", 3,
	    false, true, 6), 0);
	CHECK_INT(search_mem((const unsigned char *)"abcABC", 6, "abc", 3,
	    true, true, 6), 3);
	CHECK_INT(search_mem((const unsigned char *)"abcABC", 6, "ABC", 3,
	    false, false, 3), SEARCH_NONE);
	CHECK(search_smartcase("needle", 6));
	CHECK(!search_smartcase("Needle", 6));
}

static const struct check_test tests[] = {
	CHECK_TEST(test_cache_lru),
	CHECK_TEST(test_rows_across_blocks),
	CHECK_TEST(test_long_lines),
	CHECK_TEST(test_wrap),
	CHECK_TEST(test_walks_random),
	CHECK_TEST(test_hex),
	CHECK_TEST(test_binary),
	CHECK_TEST(test_search),
	{ NULL, NULL },
};

int
main(int argc, char **argv)
{
	if (setlocale(LC_ALL, "C.UTF-8") == NULL) {
		printf("# the C.UTF-8 locale is missing\n");
		return 2;
	}
	draw_init();
	return check_main(tests, argc, argv);
}
