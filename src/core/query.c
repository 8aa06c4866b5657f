/* SPDX-License-Identifier: MIT */
/*
 * Listing queries and find queries over the entry model: the sort order
 * that every in-memory backend uses, search and type filters, the generic
 * keyset cursor, and the find predicate.
 *
 * The order is total, so that keyset paging returns each entry exactly
 * once: folders first (whatever the direction); then the query's key; then
 * the name folded to lower case; then the name's bytes; then the id.  With
 * desc the whole key after folders-first is reversed, so a descending
 * listing is exactly an ascending one read backwards within each kind.
 *
 * Case folding is a small built-in table (ASCII, Latin-1, Latin
 * Extended-A, basic Greek and Cyrillic, fullwidth Latin), not the locale:
 * two processes with different locales must agree on the order, or a
 * cursor made by one would skip entries in the other.
 *
 * A cursor is base64url of a small binary record: magic, version, the
 * order and direction it was made for, and the last entry's kind, key and
 * name, with a 16-bit check.  Anything else decodes to FERRY_E_INVALID.
 *
 * Pure functions; any thread.
 */
#include <fnmatch.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ferry/entry.h"
#include "core/query-int.h"
#include "core/util.h"

#define QUERY_CURSOR_MAGIC0	'F'
#define QUERY_CURSOR_MAGIC1	'c'
#define QUERY_CURSOR_VERSION	1
#define QUERY_CURSOR_MAX	4096	/* characters of a cursor */
#define QUERY_CURSOR_HEAD	14	/* bytes before the mime length */

void
ferry_query_init(struct ferry_query *q)
{
	memset(q, 0, sizeof *q);
	q->order = FERRY_ORDER_NAME;
}

const char *
ferry_order_name(enum ferry_order o)
{
	switch (o) {
	case FERRY_ORDER_NAME:
		return "name";
	case FERRY_ORDER_SIZE:
		return "size";
	case FERRY_ORDER_CREATED:
		return "created";
	case FERRY_ORDER_TYPE:
		return "type";
	}
	return "name";
}

int
ferry_order_from_name(const char *name)
{
	static const struct {
		const char	*name;
		enum ferry_order order;
	} table[] = {
		{ "name", FERRY_ORDER_NAME },
		{ "size", FERRY_ORDER_SIZE },
		{ "created", FERRY_ORDER_CREATED },
		{ "date", FERRY_ORDER_CREATED },
		{ "time", FERRY_ORDER_CREATED },
		{ "mtime", FERRY_ORDER_CREATED },
		{ "modified", FERRY_ORDER_CREATED },
		{ "type", FERRY_ORDER_TYPE },
	};
	size_t	 i;

	if (name == NULL)
		return -1;
	for (i = 0; i < FERRY_NELEM(table); i++)
		if (strcasecmp(name, table[i].name) == 0)
			return (int)table[i].order;
	return -1;
}

/*
 * Decode the code point at *sp and advance *sp past it.  A byte that does
 * not start a valid sequence becomes 0x110000 + byte, above every code
 * point, so that the mapping stays a function of the bytes.
 */
uint32_t
query_next(const unsigned char **sp)
{
	const unsigned char	*s = *sp;
	uint32_t		 c, min;
	size_t			 len, i;

	if (s[0] < 0x80) {
		*sp = s + 1;
		return s[0];
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		len = 2;
		c = s[0] & 0x1f;
		min = 0x80;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		len = 3;
		c = s[0] & 0x0f;
		min = 0x800;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		len = 4;
		c = s[0] & 0x07;
		min = 0x10000;
	} else
		goto bad;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)	/* also stops at the NUL */
			goto bad;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		goto bad;
	*sp = s + len;
	return c;
bad:
	*sp = s + 1;
	return 0x110000 + s[0];
}

/* Simple case folding to lower case (see the top of the file). */
uint32_t
ferry_fold_cp(uint32_t c)
{
	if (c < 0x80)
		return (c >= 'A' && c <= 'Z') ? c + 32 : c;
	if (c >= 0xc0 && c <= 0xde && c != 0xd7)
		return c + 32;
	if ((c >= 0x100 && c <= 0x12f) || (c >= 0x132 && c <= 0x137) ||
	    (c >= 0x14a && c <= 0x177))
		return c | 1;
	if ((c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17e))
		return (c & 1) ? c + 1 : c;
	if (c == 0x178)
		return 0xff;
	if (c >= 0x391 && c <= 0x3a9 && c != 0x3a2)
		return c + 32;
	if (c >= 0x410 && c <= 0x42f)
		return c + 32;
	if (c >= 0x400 && c <= 0x40f)
		return c + 80;
	if (c >= 0xff21 && c <= 0xff3a)
		return c + 32;
	return c;
}

/*
 * Compare two names folded, then by bytes.  ASCII is folded in place, a
 * byte at a time; from the first byte above 0x7f on (a code point
 * boundary in both names, as everything before it was ASCII) the names
 * are decoded.
 */
int
query_name_cmp(const char *a, const char *b)
{
	const unsigned char	*pa = (const unsigned char *)a;
	const unsigned char	*pb = (const unsigned char *)b;
	uint32_t		 ca, cb;

	for (;;) {
		ca = *pa;
		cb = *pb;
		if ((ca | cb) >= 0x80)
			break;
		if (ca != cb) {
			ca = ca - 'A' < 26u ? ca + 32 : ca;
			cb = cb - 'A' < 26u ? cb + 32 : cb;
			if (ca != cb)
				return ca < cb ? -1 : 1;
		} else if (ca == '\0')
			return strcmp(a, b);
		pa++;
		pb++;
	}
	while (*pa != '\0' && *pb != '\0') {
		ca = ferry_fold_cp(query_next(&pa));
		cb = ferry_fold_cp(query_next(&pb));
		if (ca != cb)
			return ca < cb ? -1 : 1;
	}
	if (*pa != *pb)
		return *pa == '\0' ? -1 : 1;
	return strcmp(a, b);
}

/* The time an entry is ordered and filtered by: created, else modified. */
static int64_t
query_time(const struct ferry_entry *e)
{
	return e->created != 0 ? e->created : e->modified;
}

static int
query_cmp_str(const char *a, const char *b)
{
	/* No MIME type and an empty one sort alike, first. */
	return strcmp(a != NULL ? a : "", b != NULL ? b : "");
}

/* The order key alone (before the name tie-breakers). */
static int
query_cmp_key(enum ferry_order order, const struct ferry_entry *a,
    const struct ferry_entry *b)
{
	int	 r;

	switch (order) {
	case FERRY_ORDER_NAME:
		break;
	case FERRY_ORDER_SIZE:
		if (a->size != b->size)
			return a->size < b->size ? -1 : 1;
		break;
	case FERRY_ORDER_CREATED:
		if (query_time(a) != query_time(b))
			return query_time(a) < query_time(b) ? -1 : 1;
		break;
	case FERRY_ORDER_TYPE:
		if (a->type != b->type)
			return a->type < b->type ? -1 : 1;
		if ((r = query_cmp_str(a->mime, b->mime)) != 0)
			return r;
		break;
	}
	return 0;
}

int
ferry_query_cmp(const struct ferry_query *q, const struct ferry_entry *a,
    const struct ferry_entry *b)
{
	int	 r;

	if (a->kind != b->kind)
		return a->kind == FERRY_KIND_FOLDER ? -1 : 1;
	r = query_cmp_key(q->order, a, b);
	if (r == 0)
		r = query_name_cmp(a->name, b->name);
	if (r == 0)
		r = query_cmp_str(a->id, b->id);
	if (r == 0)
		return 0;
	r = r < 0 ? -1 : 1;
	return q->desc ? -r : r;
}

/*
 * Fold s into an array of code points: *n gets the count.  Uses buf when
 * it is large enough (cap entries), else a malloc'd array.
 */
static uint32_t *
query_fold_all(const char *s, uint32_t *buf, size_t cap, size_t *n)
{
	const unsigned char	*p = (const unsigned char *)s;
	uint32_t		*v = buf;
	size_t			 len, i = 0;

	len = strlen(s);
	if (len > cap)
		v = xreallocarray(NULL, len, sizeof *v);
	while (*p != '\0')
		v[i++] = ferry_fold_cp(query_next(&p));
	*n = i;
	return v;
}

/* Case-insensitive substring test. */
static bool
query_contains(const char *hay, const char *needle)
{
	uint32_t	 hbuf[256], nbuf[64], *h, *nd;
	size_t		 hn, nn, i;
	bool		 found = false;

	if (needle[0] == '\0')
		return true;
	h = query_fold_all(hay, hbuf, FERRY_NELEM(hbuf), &hn);
	nd = query_fold_all(needle, nbuf, FERRY_NELEM(nbuf), &nn);
	for (i = 0; !found && nn <= hn && i <= hn - nn; i++)
		found = memcmp(h + i, nd, nn * sizeof *nd) == 0;
	if (h != hbuf)
		free(h);
	if (nd != nbuf)
		free(nd);
	return found;
}

/* True when e passes the type filter bits (0 = all). */
static bool
query_filter(uint32_t filter, const struct ferry_entry *e)
{
	unsigned int	 t;

	if (filter == 0)
		return true;
	if (e->kind == FERRY_KIND_FOLDER)
		return (filter & FERRY_FILTER_FOLDERS) != 0;
	t = e->type < FERRY_TYPE__COUNT ? e->type : FERRY_TYPE_OTHER;
	return (filter & FERRY_FILTER_TYPE(t)) != 0;
}

bool
ferry_query_match(const struct ferry_query *q, const struct ferry_entry *e)
{
	if (!query_filter(q->filter, e))
		return false;
	if (q->search != NULL && !query_contains(e->name, q->search))
		return false;
	return true;
}

/* -------- cursors -------- */

static const char query_b64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/* A 16-bit check of a record (FNV-1a folded). */
static uint16_t
query_check(const unsigned char *p, size_t n)
{
	uint32_t	 h = 2166136261u;
	size_t		 i;

	for (i = 0; i < n; i++) {
		h ^= p[i];
		h *= 16777619u;
	}
	return (uint16_t)(h ^ (h >> 16));
}

static void
query_put16(unsigned char *p, size_t v)
{
	p[0] = (unsigned char)(v >> 8);
	p[1] = (unsigned char)v;
}

static size_t
query_get16(const unsigned char *p)
{
	return ((size_t)p[0] << 8) | p[1];
}

/* The key value a cursor stores for e under order. */
static uint64_t
query_key_value(enum ferry_order order, const struct ferry_entry *e)
{
	if (order == FERRY_ORDER_SIZE)
		return e->size;
	if (order == FERRY_ORDER_CREATED)
		return (uint64_t)query_time(e);
	return 0;
}

char *
ferry_cursor_encode(const struct ferry_query *q,
    const struct ferry_entry *last, struct ferry_arena *a)
{
	unsigned char	*rec;
	char		*out;
	const char	*mime;
	size_t		 mlen, nlen, n, i, o;
	uint64_t	 key;
	uint32_t	 bits;

	mime = q->order == FERRY_ORDER_TYPE && last->mime ? last->mime : "";
	mlen = strnlen(mime, 255);
	nlen = strnlen(last->name, 1024);
	n = QUERY_CURSOR_HEAD + 2 + mlen + 2 + nlen + 2;
	rec = xmalloc(n);
	rec[0] = QUERY_CURSOR_MAGIC0;
	rec[1] = QUERY_CURSOR_MAGIC1;
	rec[2] = QUERY_CURSOR_VERSION;
	rec[3] = (unsigned char)q->order;
	rec[4] = q->desc ? 1 : 0;
	rec[5] = last->kind;
	key = query_key_value(q->order, last);
	for (i = 0; i < 8; i++)
		rec[6 + i] = (unsigned char)(key >> (56 - 8 * i));
	query_put16(rec + QUERY_CURSOR_HEAD, mlen);
	memcpy(rec + QUERY_CURSOR_HEAD + 2, mime, mlen);
	o = QUERY_CURSOR_HEAD + 2 + mlen;
	query_put16(rec + o, nlen);
	memcpy(rec + o + 2, last->name, nlen);
	o += 2 + nlen;
	rec[5] |= (unsigned char)((last->type < FERRY_TYPE__COUNT ?
	    last->type : 0) << 4);
	query_put16(rec + o, query_check(rec, o));

	out = ferry_arena_alloc(a, (n * 4 + 2) / 3 + 1);
	for (i = 0, o = 0; i < n; i += 3) {
		bits = (uint32_t)rec[i] << 16;
		if (i + 1 < n)
			bits |= (uint32_t)rec[i + 1] << 8;
		if (i + 2 < n)
			bits |= rec[i + 2];
		out[o++] = query_b64[(bits >> 18) & 63];
		out[o++] = query_b64[(bits >> 12) & 63];
		if (i + 1 < n)
			out[o++] = query_b64[(bits >> 6) & 63];
		if (i + 2 < n)
			out[o++] = query_b64[bits & 63];
	}
	out[o] = '\0';
	free(rec);
	return out;
}

/* Decode base64url text into rec (room for strlen(text) bytes); length. */
static size_t
query_unbase64(const char *text, size_t len, unsigned char *rec, bool *ok)
{
	const char	*p;
	uint32_t	 bits = 0;
	size_t		 i, o = 0;
	int		 nbits = 0;

	*ok = len % 4 != 1;
	for (i = 0; *ok && i < len; i++) {
		p = strchr(query_b64, text[i]);
		if (p == NULL || text[i] == '\0') {
			*ok = false;
			break;
		}
		bits = (bits << 6) | (uint32_t)(p - query_b64);
		nbits += 6;
		if (nbits >= 8) {
			nbits -= 8;
			rec[o++] = (unsigned char)(bits >> nbits);
		}
	}
	/* Leftover bits must be zero: one cursor, one spelling. */
	if (nbits > 0 && (bits & ((1u << nbits) - 1)) != 0)
		*ok = false;
	return o;
}

/* Check the record's layout and fill key; false when malformed. */
static bool
query_parse_record(const unsigned char *rec, size_t n,
    struct ferry_entry *key, struct ferry_arena *a)
{
	size_t		 mlen, nlen, o, i;
	uint64_t	 v = 0;

	if (n < QUERY_CURSOR_HEAD + 2 + 2 + 2)
		return false;
	if (query_get16(rec + n - 2) != query_check(rec, n - 2))
		return false;
	mlen = query_get16(rec + QUERY_CURSOR_HEAD);
	o = QUERY_CURSOR_HEAD + 2 + mlen;
	if (o + 2 > n - 2)
		return false;
	nlen = query_get16(rec + o);
	if (o + 2 + nlen != n - 2 || nlen == 0)
		return false;
	key->kind = rec[5] & 0x0f;
	key->type = rec[5] >> 4;
	if ((key->kind != FERRY_KIND_FOLDER && key->kind != FERRY_KIND_ITEM) ||
	    key->type >= FERRY_TYPE__COUNT)
		return false;
	if (memchr(rec + o + 2, '\0', nlen) != NULL ||
	    memchr(rec + QUERY_CURSOR_HEAD + 2, '\0', mlen) != NULL)
		return false;
	for (i = 0; i < 8; i++)
		v = (v << 8) | rec[6 + i];
	key->size = v;
	key->created = key->modified = (int64_t)v;
	key->name = ferry_arena_strndup(a, (const char *)rec + o + 2, nlen);
	key->mime = mlen ? ferry_arena_strndup(a,
	    (const char *)rec + QUERY_CURSOR_HEAD + 2, mlen) : NULL;
	return true;
}

enum ferry_code
ferry_cursor_decode(const struct ferry_query *q, const char *cursor,
    struct ferry_entry *key, struct ferry_arena *a, struct ferry_error *err)
{
	unsigned char	*rec;
	size_t		 len, n;
	bool		 ok;

	memset(key, 0, sizeof *key);
	key->name = "";
	len = cursor != NULL ? strnlen(cursor, QUERY_CURSOR_MAX + 1) : 0;
	if (len == 0 || len > QUERY_CURSOR_MAX)
		return ferry_error_set(err, FERRY_E_INVALID,
		    "malformed cursor: %s", len == 0 ? "empty" : "too long");
	rec = xmalloc(len);
	n = query_unbase64(cursor, len, rec, &ok);
	if (!ok || n < 6 || rec[0] != QUERY_CURSOR_MAGIC0 ||
	    rec[1] != QUERY_CURSOR_MAGIC1 || rec[2] != QUERY_CURSOR_VERSION) {
		free(rec);
		return ferry_error_set(err, FERRY_E_INVALID,
		    "malformed cursor: not a cursor of this listing");
	}
	if (rec[3] != (unsigned char)q->order || rec[4] != (q->desc ? 1 : 0)) {
		free(rec);
		return ferry_error_set(err, FERRY_E_INVALID,
		    "malformed cursor: it was made for another sort order; "
		    "start again from the first page");
	}
	ok = query_parse_record(rec, n, key, a);
	free(rec);
	if (!ok) {
		memset(key, 0, sizeof *key);
		key->name = "";
		return ferry_error_set(err, FERRY_E_INVALID,
		    "malformed cursor: damaged or truncated");
	}
	return FERRY_OK;
}

/* -------- find -------- */

void
ferry_find_init(struct ferry_find *f)
{
	memset(f, 0, sizeof *f);
}

bool
ferry_find_match(const struct ferry_find *f, const struct ferry_entry *e)
{
	int64_t	 t;

	if (!query_filter(f->filter, e))
		return false;
	if (f->name != NULL && fnmatch(f->name, e->name, 0) != 0)
		return false;
	t = query_time(e);
	if (f->newer != 0 && (t == 0 || t < f->newer))
		return false;
	if (f->older != 0 && (t == 0 || t >= f->older))
		return false;
	if (f->tag != NULL && (e->kind != FERRY_KIND_FOLDER ||
	    e->tags == NULL || !ferry_tags_has(e->tags, f->tag)))
		return false;
	return true;
}
