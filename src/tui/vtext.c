/* SPDX-License-Identifier: MIT */
/*
 * The viewer's text model: block cache, rows, hex rows, binary test (see
 * vtext.h).
 *
 * Invariants: at most `max` blocks are cached, each under a distinct
 * index, and only the block holding the item's last byte may be shorter
 * than `block`; a row never spans more than line_max bytes, so gathering
 * one needs no more than the scratch buffer.  Forward and backward row
 * walks agree: the row start found for a byte is a start the forward walk
 * from the line's start reaches (lines longer than line_max are cut at
 * line_max from their start, or from the end of the item when reached
 * from there).
 *
 * UI thread only (no locking), no curses calls.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "tui/vtext.h"

void
vtext_init(struct vtext *vt, size_t block, size_t max, size_t line_max)
{
	memset(vt, 0, sizeof *vt);
	vt->block = block != 0 ? block : VTEXT_BLOCK;
	vt->max = max != 0 ? max : VTEXT_BLOCKS;
	vt->line_max = line_max != 0 ? line_max : VTEXT_LINE_MAX;
	vt->v = xcalloc(vt->max, sizeof *vt->v);
	vt->scratch = xmalloc(vt->line_max);
	vt->width = 80;
}

void
vtext_clear(struct vtext *vt)
{
	size_t	 i;

	for (i = 0; i < vt->n; i++) {
		free(vt->v[i].data);
		vt->v[i].data = NULL;
	}
	vt->n = 0;
}

void
vtext_done(struct vtext *vt)
{
	if (vt->v == NULL)
		return;
	vtext_clear(vt);
	free(vt->v);
	free(vt->scratch);
	memset(vt, 0, sizeof *vt);
}

static struct vtext_block *
vtext_find(const struct vtext *vt, uint64_t index)
{
	size_t	 i;

	/* A few dozen blocks at most: a scan is cheaper than a map. */
	for (i = 0; i < vt->n; i++)
		if (vt->v[i].index == index)
			return &vt->v[i];
	return NULL;
}

bool
vtext_has(const struct vtext *vt, uint64_t index)
{
	return vtext_find(vt, index) != NULL;
}

void
vtext_put(struct vtext *vt, uint64_t index, unsigned char *data, size_t len)
{
	struct vtext_block *b;
	size_t		 i, old = 0;

	b = vtext_find(vt, index);
	if (b == NULL && vt->n < vt->max) {
		b = &vt->v[vt->n++];
		b->data = NULL;
	} else if (b == NULL) {
		for (i = 1; i < vt->n; i++)
			if (vt->v[i].used < vt->v[old].used)
				old = i;
		b = &vt->v[old];
	}
	free(b->data);
	b->index = index;
	b->data = data;
	b->len = len;
	b->used = ++vt->clock;
}

const unsigned char *
vtext_span(struct vtext *vt, uint64_t off, size_t *avail)
{
	struct vtext_block *b;
	size_t		 in;

	*avail = 0;
	b = vtext_find(vt, off / vt->block);
	if (b == NULL)
		return NULL;
	in = (size_t)(off % vt->block);
	if (in >= b->len)
		return NULL;	/* a short block: past what was read */
	b->used = ++vt->clock;
	*avail = b->len - in;
	return b->data + in;
}

const unsigned char *
vtext_gather(struct vtext *vt, uint64_t off, size_t len, uint64_t *need)
{
	const unsigned char *p;
	size_t		 got = 0, avail, k;

	FERRY_ASSERT(len <= vt->line_max);
	while (got < len) {
		p = vtext_span(vt, off + got, &avail);
		if (p == NULL) {
			*need = off + got;
			return NULL;
		}
		k = avail < len - got ? avail : len - got;
		memcpy(vt->scratch + got, p, k);
		got += k;
	}
	return vt->scratch;
}

static enum vtext_result vtext_line_start(struct vtext *vt, uint64_t x,
		    uint64_t *start, uint64_t *need);

/* The first multiple of line_max after s. */
static uint64_t
vtext_boundary(const struct vtext *vt, uint64_t s)
{
	return (s / vt->line_max + 1) * vt->line_max;
}

/*
 * The end of the row that starts at s, without wrap: after the first
 * '\n' in the next line_max bytes; else the end of the item when it is
 * that near; else the next multiple of line_max (so that the rows of a
 * long line fall on the same offsets whichever way they are reached).
 */
static enum vtext_result
vtext_line_end(struct vtext *vt, uint64_t s, uint64_t *end, uint64_t *need)
{
	const unsigned char *p, *q;
	uint64_t	 lim, off = s;
	size_t		 avail, k;

	lim = vt->size - s > vt->line_max ? s + vt->line_max : vt->size;
	while (off < lim) {
		p = vtext_span(vt, off, &avail);
		if (p == NULL) {
			*need = off;
			return VTEXT_MISSING;
		}
		k = avail < lim - off ? avail : (size_t)(lim - off);
		q = memchr(p, '\n', k);
		if (q != NULL) {
			*end = off + (uint64_t)(q - p) + 1;
			return VTEXT_OK;
		}
		off += k;
	}
	*end = lim == vt->size ? lim : vtext_boundary(vt, s);
	return VTEXT_OK;
}

enum vtext_result
vtext_row_end(struct vtext *vt, uint64_t s, uint64_t *end, uint64_t *need)
{
	const unsigned char *buf;
	uint64_t	 l, e;

	if (s >= vt->size) {
		*end = vt->size;
		return VTEXT_OK;
	}
	if (!vt->wrap)
		return vtext_line_end(vt, s, end, need);
	/* Wrapped rows never cross the end of the unwrapped row. */
	if (vtext_line_start(vt, s, &l, need) != VTEXT_OK ||
	    vtext_line_end(vt, l, &e, need) != VTEXT_OK)
		return VTEXT_MISSING;
	if ((buf = vtext_gather(vt, s, (size_t)(e - s), need)) == NULL)
		return VTEXT_MISSING;
	*end = s + vtext_cut(buf, (size_t)(e - s), vt->width);
	return VTEXT_OK;
}

/*
 * The start of the row (without wrap) that holds byte x.  A row is at
 * most line_max bytes, so it starts at or after lo = x + 1 - line_max:
 * look back from x for a '\n' down to lo - 1.  None: the line began
 * earlier and x is in one of its rows cut at a multiple of line_max.
 * One: the line starts after it, and x is in its first row unless that
 * row was cut at a multiple of line_max before x.
 */
static enum vtext_result
vtext_line_start(struct vtext *vt, uint64_t x, uint64_t *start,
    uint64_t *need)
{
	const unsigned char *p, *q;
	uint64_t	 lo, off = x, from, l, e;
	size_t		 avail;

	lo = x + 1 > vt->line_max ? x + 1 - vt->line_max : 0;
	if (lo > 0)
		lo--;		/* a '\n' just before lo starts a row at lo */
	l = lo == 0 ? 0 : UINT64_MAX;
	while (off > lo) {
		/* The part of [lo, off) in the block holding off - 1. */
		from = (off - 1) / vt->block * vt->block;
		if (from < lo)
			from = lo;
		p = vtext_span(vt, from, &avail);
		if (p == NULL) {
			*need = from;
			return VTEXT_MISSING;
		}
		q = memrchr(p, '\n', (size_t)(off - from));
		if (q != NULL) {
			l = from + (uint64_t)(q - p) + 1;
			break;
		}
		off = from;
	}
	if (l == UINT64_MAX) {
		*start = x / vt->line_max * vt->line_max;
		return VTEXT_OK;
	}
	if (vtext_line_end(vt, l, &e, need) != VTEXT_OK)
		return VTEXT_MISSING;
	*start = x < e ? l : x / vt->line_max * vt->line_max;
	return VTEXT_OK;
}

enum vtext_result
vtext_row_start(struct vtext *vt, uint64_t x, uint64_t *start,
    uint64_t *need)
{
	const unsigned char *buf;
	uint64_t	 l, e;
	size_t		 at = 0, cut;

	if (x >= vt->size)
		x = vt->size > 0 ? vt->size - 1 : 0;
	if (vt->size == 0) {
		*start = 0;
		return VTEXT_OK;
	}
	if (vtext_line_start(vt, x, &l, need) != VTEXT_OK)
		return VTEXT_MISSING;
	if (!vt->wrap) {
		*start = l;
		return VTEXT_OK;
	}
	if (vtext_line_end(vt, l, &e, need) != VTEXT_OK)
		return VTEXT_MISSING;
	if ((buf = vtext_gather(vt, l, (size_t)(e - l), need)) == NULL)
		return VTEXT_MISSING;
	for (;;) {
		cut = vtext_cut(buf + at, (size_t)(e - l) - at, vt->width);
		if (cut == 0 || l + at + cut > x)
			break;
		at += cut;
	}
	*start = l + at;
	return VTEXT_OK;
}

void
vtext_unit(const unsigned char *s, size_t n, int col, bool base,
    struct draw_unit *u, bool *blank)
{
	*blank = false;
	if (s[0] == '\t' || s[0] == '\n' ||
	    (s[0] == '\r' && n >= 2 && s[1] == '\n')) {
		memset(u, 0, sizeof *u);
		*blank = true;
		u->cp = ' ';
		u->len = s[0] == '\r' ? 2 : 1;
		u->width = s[0] == '\t' ? VTEXT_TAB - col % VTEXT_TAB : 0;
		return;
	}
	draw_classify((const char *)s, n, base, u);
}

size_t
vtext_cut(const unsigned char *s, size_t n, int width)
{
	struct draw_unit u;
	size_t		 i = 0;
	int		 col = 0;
	bool		 base = false, blank;

	while (i < n) {
		vtext_unit(s + i, n - i, col, base, &u, &blank);
		if (u.width > 0 && col + u.width > width && i > 0)
			break;
		col += u.width;
		i += u.len;
		base = !blank && u.esc[0] == '\0';
	}
	/* A line that fills the row exactly keeps its ending with it. */
	if (n - i == 1 && s[i] == '\n')
		i = n;
	else if (n - i == 2 && s[i] == '\r' && s[i + 1] == '\n')
		i = n;
	return i;
}

int
vtext_hex_digits(uint64_t size)
{
	uint64_t	 last = size > 0 ? size - 1 : 0;
	int		 d = 0;

	while (last != 0) {
		d++;
		last >>= 4;
	}
	return d < 8 ? 8 : d;
}

int
vtext_hex_width(int bpr, int digits)
{
	return vtext_hex_col(0, bpr, digits, true) + bpr;
}

int
vtext_hex_bpr(int cols, int digits)
{
	if (vtext_hex_width(16, digits) <= cols)
		return 16;
	if (vtext_hex_width(8, digits) <= cols)
		return 8;
	return 4;
}

int
vtext_hex_col(int i, int bpr, int digits, bool ascii)
{
	if (ascii)
		return digits + 2 + 3 * bpr + (bpr - 1) / 8 + 1 + i;
	return digits + 2 + 3 * i + i / 8;
}

size_t
vtext_hex_row(uint64_t off, const unsigned char *b, size_t n, int bpr,
    int digits, char *out, size_t outlen)
{
	static const char hex[] = "0123456789abcdef";
	size_t		 need, o;
	int		 i, c;

	need = (size_t)vtext_hex_width(bpr, digits) + 1;
	if (outlen < need) {
		if (outlen > 0)
			out[0] = '\0';
		return 0;
	}
	memset(out, ' ', need - 1);
	snprintf(out, outlen, "%0*llx", digits, (unsigned long long)off);
	out[digits] = ' ';
	for (i = 0; i < bpr && (size_t)i < n; i++) {
		c = vtext_hex_col(i, bpr, digits, false);
		out[c] = hex[b[i] >> 4];
		out[c + 1] = hex[b[i] & 0xf];
		c = vtext_hex_col(i, bpr, digits, true);
		out[c] = b[i] >= 0x20 && b[i] < 0x7f ? (char)b[i] : '.';
	}
	o = (size_t)vtext_hex_col(i, bpr, digits, true);
	out[o] = '\0';
	return o;
}

/* The length of the UTF-8 sequence at b (n bytes), 0 if invalid, or -1
 * when it is a valid start cut by the end of the buffer. */
static int
vtext_utf8_len(const unsigned char *b, size_t n)
{
	uint32_t	 c;
	int		 len, i;

	if (b[0] < 0x80)
		return 1;
	if (b[0] >= 0xc2 && b[0] <= 0xdf)
		len = 2;
	else if (b[0] >= 0xe0 && b[0] <= 0xef)
		len = 3;
	else if (b[0] >= 0xf0 && b[0] <= 0xf4)
		len = 4;
	else
		return 0;
	c = b[0] & (0x7f >> len);
	for (i = 1; i < len; i++) {
		if ((size_t)i >= n)
			return -1;
		if ((b[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (b[i] & 0x3f);
	}
	if ((len == 3 && (c < 0x800 || (c >= 0xd800 && c <= 0xdfff))) ||
	    (len == 4 && (c < 0x10000 || c > 0x10ffff)))
		return 0;
	return len;
}

bool
vtext_is_binary(const unsigned char *b, size_t n, bool more)
{
	size_t	 i = 0;
	int	 len;

	if (memchr(b, '\0', n) != NULL)
		return true;
	while (i < n) {
		len = vtext_utf8_len(b + i, n - i);
		if (len == -1)
			return !more;
		if (len == 0)
			return true;
		i += (size_t)len;
	}
	return false;
}
