/* SPDX-License-Identifier: MIT */
/*
 * Brief listings (see entry.h): entries of 16 bytes, their names in one
 * growing buffer, and the details of the entries that have them in a
 * table sorted by name offset (binary search; an entry's name offset
 * never changes, so sorting the entries leaves the table valid).
 *
 * Sorting.  ferry_brief_sort() gives exactly ferry_query_cmp()'s order:
 * folders first, then the order's key, then the name folded, then its
 * bytes, all reversed within each kind for desc.  A comparison sort that
 * reads every name through its offset spends its time in cache misses
 * (1,000,000 names are 17 MB and more), so each entry's `key` holds what
 * it is sorted by, and entries are sorted by keys alone.  For names the
 * key is 8 bytes of the name folded and encoded so that comparing the
 * bytes compares the names (below); the entries whose keys are equal are
 * sorted again by the next 8 bytes of their names, and so on (an MSD
 * radix sort whose 8-byte digits are sorted by comparison), so a name is
 * read once per 8 bytes it shares with another, not once per comparison;
 * names that end equal when folded are compared whole, by bytes.  Orders
 * by size, date or type sort by that key first, then each run of equal
 * keys by name.  Each sort is an introsort (quicksort, insertion sort for
 * short ranges, heapsort past a depth bound) in place: no allocation,
 * O(n log n) whatever the names.
 *
 * The name key.  Each code point is folded (ferry_fold_cp) and written
 * as UTF-8, extended to 0x110000 + byte for the bytes query_next() finds
 * invalid: UTF-8 byte order is code point order and no encoding is a
 * prefix of another, so two names' encodings compare as their folded
 * code point sequences do.  The first 8 bytes, big-endian, zero-padded
 * (no encoded byte is 0, so a shorter name sorts first), make the key:
 * keys that differ order their names; equal keys say nothing.
 *
 * Pure; a list is used by one thread at a time.
 */
#include <stdlib.h>
#include <string.h>

#include "core/query-int.h"
#include "core/util.h"
#include "ferry/entry.h"

#define BRIEF_NAMES_MAX	 UINT32_MAX	/* bytes: offsets are 32-bit */
#define BRIEF_SHORT	 16		/* insertion sort below this */

void
ferry_brief_list_init(struct ferry_brief_list *l)
{
	memset(l, 0, sizeof *l);
}

void
ferry_brief_list_done(struct ferry_brief_list *l)
{
	free(l->v);
	free(l->names);
	free(l->d);
	memset(l, 0, sizeof *l);
}

struct ferry_brief *
ferry_brief_add(struct ferry_brief_list *l, const char *name, size_t len)
{
	struct ferry_brief *b;
	size_t		 need;

	if (len >= BRIEF_NAMES_MAX - l->names_len)
		return NULL;
	need = l->names_len + len + 1;
	if (need > l->names_cap) {
		while (need > l->names_cap)
			l->names_cap = l->names_cap ? l->names_cap * 2 : 4096;
		l->names = xrealloc(l->names, l->names_cap);
	}
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 256;
		l->v = xreallocarray(l->v, l->cap, sizeof *l->v);
	}
	b = &l->v[l->n++];
	memset(b, 0, sizeof *b);
	b->name = (uint32_t)l->names_len;
	memcpy(l->names + l->names_len, name, len);
	l->names[l->names_len + len] = '\0';
	l->names_len = need;
	return b;
}

void
ferry_brief_drop_last(struct ferry_brief_list *l)
{
	struct ferry_brief *b;

	if (l->n == 0)
		return;
	b = &l->v[--l->n];
	/* Its details, if any, were the last added (highest offset). */
	if (l->nd > 0 && l->d[l->nd - 1].name == b->name)
		l->nd--;
	l->names_len = b->name;
}

const char *
ferry_brief_name(const struct ferry_brief_list *l, const struct ferry_brief *b)
{
	return l->names + b->name;
}

/* The index of the first detail whose name offset is >= name. */
static size_t
brief_detail_find(const struct ferry_brief_list *l, uint32_t name)
{
	size_t	 lo = 0, hi = l->nd, mid;

	/* Entries listed in order add their details in order: try the end. */
	if (hi == 0 || l->d[hi - 1].name < name)
		return hi;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (l->d[mid].name < name)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

void
ferry_brief_set_detail(struct ferry_brief_list *l, const struct ferry_brief *b,
    uint64_t size, int64_t time, uint32_t mode)
{
	struct ferry_brief_detail *d;
	size_t		 i = brief_detail_find(l, b->name);

	if (i == l->nd || l->d[i].name != b->name) {
		if (l->nd == l->capd) {
			l->capd = l->capd ? l->capd * 2 : 64;
			l->d = xreallocarray(l->d, l->capd, sizeof *l->d);
		}
		memmove(&l->d[i + 1], &l->d[i], (l->nd - i) * sizeof *l->d);
		l->nd++;
	}
	d = &l->d[i];
	d->name = b->name;
	d->mode = mode;
	d->size = size;
	d->time = time;
}

const struct ferry_brief_detail *
ferry_brief_detail(const struct ferry_brief_list *l,
    const struct ferry_brief *b)
{
	size_t	 i = brief_detail_find(l, b->name);

	if (i == l->nd || l->d[i].name != b->name)
		return NULL;
	return &l->d[i];
}

void
ferry_brief_entry(const struct ferry_brief_list *l,
    const struct ferry_brief *b, struct ferry_entry *out)
{
	const struct ferry_brief_detail *d = ferry_brief_detail(l, b);

	memset(out, 0, sizeof *out);
	out->name = l->names + b->name;
	out->kind = b->kind;
	out->type = b->type;
	out->flags = b->flags & ~(FERRY_BRIEF_USER1 | FERRY_BRIEF_USER2);
	if (d != NULL) {
		out->size = d->size;
		out->modified = d->time;
		out->mode = d->mode;
	}
}

bool
ferry_brief_match(const struct ferry_query *q, const struct ferry_brief_list *l,
    const struct ferry_brief *b)
{
	struct ferry_entry e;

	if (q->search == NULL && q->filter == 0)
		return true;
	ferry_brief_entry(l, b, &e);
	return ferry_query_match(q, &e);
}

/* -------- sorting -------- */

/*
 * Put the folded encoding of code point c (see the top of the file) in
 * buf; returns its length (1 to 4).
 */
static size_t
brief_encode(uint32_t c, unsigned char *buf)
{
	if (c < 0x80) {
		buf[0] = (unsigned char)c;
		return 1;
	}
	if (c < 0x800) {
		buf[0] = (unsigned char)(0xc0 | (c >> 6));
		buf[1] = (unsigned char)(0x80 | (c & 0x3f));
		return 2;
	}
	if (c < 0x10000) {
		buf[0] = (unsigned char)(0xe0 | (c >> 12));
		buf[1] = (unsigned char)(0x80 | ((c >> 6) & 0x3f));
		buf[2] = (unsigned char)(0x80 | (c & 0x3f));
		return 3;
	}
	buf[0] = (unsigned char)(0xf0 | (c >> 18));
	buf[1] = (unsigned char)(0x80 | ((c >> 12) & 0x3f));
	buf[2] = (unsigned char)(0x80 | ((c >> 6) & 0x3f));
	buf[3] = (unsigned char)(0x80 | (c & 0x3f));
	return 4;
}

/*
 * Name key number `chunk`: bytes 8 * chunk to 8 * chunk + 7 of the
 * name's folded encoding, big-endian, zero past its end (see the top of
 * the file).
 */
static uint64_t
brief_name_key(const char *name, size_t chunk)
{
	const unsigned char	*p = (const unsigned char *)name;
	unsigned char		 enc[4];
	uint64_t		 key = 0;
	size_t			 skip = chunk * 8, got = 0, n, i;
	uint32_t		 c;

	/* ASCII to the chunk's end (or the name's): one byte, one letter. */
	for (i = 0; i < skip + 8 && p[i] != '\0' && p[i] < 0x80; i++)
		;
	if (i == skip + 8 || p[i] == '\0') {
		for (n = skip; n < skip + 8; n++) {
			c = n < i ? p[n] : 0;
			key = (key << 8) | (c - 'A' < 26u ? c + 32 : c);
		}
		return key;
	}
	while (got < 8 && *p != '\0') {
		if (*p < 0x80) {
			c = *p++;
			enc[0] = (unsigned char)(c - 'A' < 26u ? c + 32 : c);
			n = 1;
		} else
			n = brief_encode(ferry_fold_cp(query_next(&p)), enc);
		for (i = 0; i < n && got < 8; i++) {
			if (skip > 0)
				skip--;
			else {
				key = (key << 8) | enc[i];
				got++;
			}
		}
	}
	/* Zeros after the end (a shift by 64 would be undefined). */
	if (got == 0 || got == 8)
		return key;
	return key << (8 * (8 - got));
}

/* What a sort compares: the keys, and the names on a tie (or not). */
struct brief_sort {
	const char	*names;
	bool		 by_name;	/* break key ties by name */
};

static inline bool
brief_lt(const struct brief_sort *s, const struct ferry_brief *a,
    const struct ferry_brief *b)
{
	if (a->key != b->key)
		return a->key < b->key;
	return s->by_name &&
	    query_name_cmp(s->names + a->name, s->names + b->name) < 0;
}

static inline void
brief_swap(struct ferry_brief *a, struct ferry_brief *b)
{
	struct ferry_brief t = *a;

	*a = *b;
	*b = t;
}

static void
brief_insertion(const struct brief_sort *s, struct ferry_brief *v, size_t n)
{
	struct ferry_brief x;
	size_t		 i, j;

	for (i = 1; i < n; i++) {
		x = v[i];
		for (j = i; j > 0 && brief_lt(s, &x, &v[j - 1]); j--)
			v[j] = v[j - 1];
		v[j] = x;
	}
}

static void
brief_sift(const struct brief_sort *s, struct ferry_brief *v, size_t i,
    size_t n)
{
	size_t	 c;

	while ((c = 2 * i + 1) < n) {
		if (c + 1 < n && brief_lt(s, &v[c], &v[c + 1]))
			c++;
		if (!brief_lt(s, &v[i], &v[c]))
			return;
		brief_swap(&v[i], &v[c]);
		i = c;
	}
}

static void
brief_heapsort(const struct brief_sort *s, struct ferry_brief *v, size_t n)
{
	size_t	 i;

	for (i = n / 2; i-- > 0; )
		brief_sift(s, v, i, n);
	for (i = n; i-- > 1; ) {
		brief_swap(&v[0], &v[i]);
		brief_sift(s, v, 0, i);
	}
}

/*
 * Hoare partition around the median of three; returns the size of the
 * left part (every element there <= every element right of it).
 */
static size_t
brief_partition(const struct brief_sort *s, struct ferry_brief *v, size_t n)
{
	struct ferry_brief pivot;
	size_t		 m = n / 2, i = 0, j = n - 1;

	if (brief_lt(s, &v[m], &v[0]))
		brief_swap(&v[m], &v[0]);
	if (brief_lt(s, &v[n - 1], &v[m])) {
		brief_swap(&v[n - 1], &v[m]);
		if (brief_lt(s, &v[m], &v[0]))
			brief_swap(&v[m], &v[0]);
	}
	pivot = v[m];
	for (;;) {
		while (brief_lt(s, &v[i], &pivot))
			i++;
		while (brief_lt(s, &pivot, &v[j]))
			j--;
		if (i >= j)
			return j + 1;
		brief_swap(&v[i], &v[j]);
		i++;
		j--;
	}
}

/* Introsort: recurse into the smaller part, loop on the larger. */
static void
brief_introsort(const struct brief_sort *s, struct ferry_brief *v, size_t n,
    unsigned int depth)
{
	size_t	 left;

	while (n > BRIEF_SHORT) {
		if (depth-- == 0) {
			brief_heapsort(s, v, n);
			return;
		}
		left = brief_partition(s, v, n);
		if (left < n - left) {
			brief_introsort(s, v, left, depth);
			v += left;
			n -= left;
		} else {
			brief_introsort(s, v + left, n - left, depth);
			n = left;
		}
	}
	brief_insertion(s, v, n);
}

static void
brief_sort_keys(const struct brief_sort *s, struct ferry_brief *v, size_t n)
{
	unsigned int	 depth = 0;
	size_t		 m;

	for (m = n; m > 1; m >>= 1)
		depth += 2;
	brief_introsort(s, v, n, depth);
}

/* The key of b for order o (not NAME): what ferry_query_cmp compares. */
static uint64_t
brief_order_key(const struct ferry_brief_list *l, const struct ferry_brief *b,
    enum ferry_order o)
{
	const struct ferry_brief_detail *d;

	if (o == FERRY_ORDER_TYPE)
		return b->type;
	if ((d = ferry_brief_detail(l, b)) == NULL)
		return o == FERRY_ORDER_SIZE ? 0 : (uint64_t)1 << 63;
	if (o == FERRY_ORDER_SIZE)
		return d->size;
	/* Signed to unsigned, order kept. */
	return (uint64_t)d->time ^ ((uint64_t)1 << 63);
}

/* Sort v[0..n) by key alone; false when all keys were equal. */
static bool
brief_sort_by_key(const char *names, struct ferry_brief *v, size_t n)
{
	struct brief_sort s = { names, false };
	size_t		 i;

	for (i = 1; i < n && v[i].key == v[0].key; i++)
		;
	if (i >= n)
		return false;
	brief_sort_keys(&s, v, n);
	return true;
}

/*
 * Sort v[0..n) by name: by name key `chunk`, then each run of equal keys
 * by the next chunk, and so on (an MSD radix sort of 8-byte digits whose
 * digits are sorted by comparison), so that a name is read once per
 * chunk it shares with another, not once per comparison.  A run whose
 * key holds the end of its names (a zero last byte) holds names equal
 * when folded: those are sorted by comparing them whole (by bytes).
 */
static void
brief_sort_names(const char *names, struct ferry_brief *v, size_t n,
    size_t chunk)
{
	struct brief_sort s = { names, true };
	size_t		 i, j;

	for (;;) {
		for (i = 0; i < n; i++)
			v[i].key = brief_name_key(names + v[i].name, chunk);
		if (brief_sort_by_key(names, v, n))
			break;
		/* One run: every name goes on past this chunk, or ends. */
		if ((v[0].key & 0xff) == 0) {
			brief_sort_keys(&s, v, n);
			return;
		}
		chunk++;
	}
	for (i = 0; i < n; i = j) {
		for (j = i + 1; j < n && v[j].key == v[i].key; j++)
			;
		if (j - i < 2)
			continue;
		if ((v[i].key & 0xff) == 0)
			brief_sort_keys(&s, v + i, j - i);
		else
			brief_sort_names(names, v + i, j - i, chunk + 1);
	}
}

/* Sort v[0..n) (one kind) ascending in order o. */
static void
brief_sort_kind(struct ferry_brief_list *l, struct ferry_brief *v, size_t n,
    enum ferry_order o)
{
	size_t		 i, j;

	if (n < 2)
		return;
	if (o == FERRY_ORDER_NAME) {
		brief_sort_names(l->names, v, n, 0);
		return;
	}
	for (i = 0; i < n; i++)
		v[i].key = brief_order_key(l, &v[i], o);
	brief_sort_by_key(l->names, v, n);
	/* Then each run of equal keys by name. */
	for (i = 0; i < n; i = j) {
		for (j = i + 1; j < n && v[j].key == v[i].key; j++)
			;
		if (j - i > 1)
			brief_sort_names(l->names, v + i, j - i, 0);
	}
}

static void
brief_reverse(struct ferry_brief *v, size_t n)
{
	size_t	 i;

	for (i = 0; i < n / 2; i++)
		brief_swap(&v[i], &v[n - 1 - i]);
}

void
ferry_brief_sort(struct ferry_brief_list *l, enum ferry_order o, bool desc)
{
	size_t	 i, nf = 0;

	/* Folders first, whatever the order. */
	for (i = 0; i < l->n; i++)
		if (l->v[i].kind == FERRY_KIND_FOLDER)
			brief_swap(&l->v[nf++], &l->v[i]);
	brief_sort_kind(l, l->v, nf, o);
	brief_sort_kind(l, l->v + nf, l->n - nf, o);
	if (desc) {
		brief_reverse(l->v, nf);
		brief_reverse(l->v + nf, l->n - nf);
	}
}
