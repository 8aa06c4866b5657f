/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target for the listing order (ferry_query_cmp in src/core/query.c),
 * on which keyset paging rests: if the order is not a total order, a page
 * boundary can skip or repeat entries.  Names come from outside (a remote,
 * a ZIP archive, a directory), so the input supplies them raw.
 *
 * The input is read as three entries: kind, type, size, created and
 * modified times, MIME type (absent, empty, one of a few, or raw bytes),
 * name and id, drawn from small ranges so that ties are common.  For every
 * order and direction the comparison must be reflexive, antisymmetric and
 * transitive over the three; equal only for the same kind, name and id;
 * folders first in both directions; desc the exact reverse of asc within
 * a kind.  ferry_query_match must find each name in itself and keep the
 * entries its type filter names.
 *
 * Single-threaded.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ferry/entry.h"
#include "core/util.h"

#define QUERY_FUZZ_N		3
#define QUERY_FUZZ_STR_MAX	40	/* bytes of a raw name or MIME */

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The input, read a field at a time (zeros past the end). */
struct query_fuzz_in {
	const uint8_t	*p;
	const uint8_t	*end;
};

static uint8_t
query_fuzz_byte(struct query_fuzz_in *in)
{
	return in->p < in->end ? *in->p++ : 0;
}

/* A string of up to max raw bytes (cut at a NUL), in the arena. */
static const char *
query_fuzz_str(struct query_fuzz_in *in, size_t max, struct ferry_arena *a)
{
	size_t	 n, left;

	n = query_fuzz_byte(in) % (max + 1);
	left = (size_t)(in->end - in->p);
	if (n > left)
		n = left;
	in->p += n;
	return ferry_arena_strndup(a, (const char *)in->p - n, n);
}

static void
query_fuzz_entry(struct query_fuzz_in *in, struct ferry_entry *e,
    struct ferry_arena *a)
{
	static const char *const mimes[] = {
		"text/plain", "image/png", "image/jpeg", "application/zip",
	};
	static const uint64_t sizes[] = {
		0, 1, 2, 1023, 1024, UINT64_MAX - 1, UINT64_MAX, 1ull << 63,
	};
	static const int64_t times[] = {
		0, 1, -1, 1700000000000, INT64_MIN, INT64_MAX, 2, 1700000000001,
	};
	uint8_t	 b;

	memset(e, 0, sizeof *e);
	b = query_fuzz_byte(in);
	e->kind = (b & 1) ? FERRY_KIND_FOLDER : FERRY_KIND_ITEM;
	e->type = (uint8_t)((b >> 1) % FERRY_TYPE__COUNT);
	switch (b >> 5 & 3) {
	case 0:
		e->mime = NULL;
		break;
	case 1:
		e->mime = "";
		break;
	case 2:
		e->mime = mimes[(b >> 7) + 2 * (e->type & 1)];
		break;
	case 3:
		e->mime = query_fuzz_str(in, QUERY_FUZZ_STR_MAX, a);
		break;
	}
	b = query_fuzz_byte(in);
	e->size = sizes[b & 7];
	e->created = times[b >> 3 & 7];
	e->modified = times[b >> 5 & 7];
	e->name = query_fuzz_str(in, QUERY_FUZZ_STR_MAX, a);
	b = query_fuzz_byte(in);
	if (b & 0x80)
		e->id = NULL;
	else if (b & 0x40)
		e->id = "";
	else
		e->id = ferry_arena_printf(a, "id-%u", b & 3);
}

static int
query_fuzz_sign(int v)
{
	return (v > 0) - (v < 0);
}

static bool
query_fuzz_same_str(const char *a, const char *b)
{
	return strcmp(a != NULL ? a : "", b != NULL ? b : "") == 0;
}

static void __attribute__((noreturn))
query_fuzz_fail(const char *what, const struct ferry_query *q,
    const struct ferry_entry *e, size_t n)
{
	size_t	 i;

	fprintf(stderr, "query-fuzzer: %s (order %s%s)\n", what,
	    ferry_order_name(q->order), q->desc ? " desc" : "");
	for (i = 0; i < n; i++)
		fprintf(stderr, "  [%zu] kind %u type %u size %llu created "
		    "%lld modified %lld mime '%s' name '%s' id '%s'\n", i,
		    e[i].kind, e[i].type, (unsigned long long)e[i].size,
		    (long long)e[i].created, (long long)e[i].modified,
		    e[i].mime ? e[i].mime : "(null)", e[i].name,
		    e[i].id ? e[i].id : "(null)");
	abort();
}

/*
 * Reflexive, antisymmetric, equal only when alike, folders first, desc
 * the reverse of asc; m and rev hold the signs of the comparisons under q
 * and under q with the other direction.
 */
static void
query_fuzz_pairs(const struct ferry_query *q, const struct ferry_entry *e,
    int m[QUERY_FUZZ_N][QUERY_FUZZ_N], int rev[QUERY_FUZZ_N][QUERY_FUZZ_N])
{
	size_t	 i, j;
	int	 c;

	for (i = 0; i < QUERY_FUZZ_N; i++) {
		if (m[i][i] != 0)
			query_fuzz_fail("not reflexive", q, e, QUERY_FUZZ_N);
		for (j = 0; j < QUERY_FUZZ_N; j++) {
			c = m[i][j];
			if (c != -m[j][i])
				query_fuzz_fail("not antisymmetric", q, e,
				    QUERY_FUZZ_N);
			if (c == 0 && (e[i].kind != e[j].kind ||
			    strcmp(e[i].name, e[j].name) != 0 ||
			    !query_fuzz_same_str(e[i].id, e[j].id)))
				query_fuzz_fail("equal but different", q, e,
				    QUERY_FUZZ_N);
			if (e[i].kind != e[j].kind &&
			    c != (e[i].kind == FERRY_KIND_FOLDER ? -1 : 1))
				query_fuzz_fail("folders not first", q, e,
				    QUERY_FUZZ_N);
			if (e[i].kind == e[j].kind && rev[i][j] != -c)
				query_fuzz_fail("desc is not the reverse", q, e,
				    QUERY_FUZZ_N);
		}
	}
}

/* Transitive over every ordered triple (m as for query_fuzz_pairs). */
static void
query_fuzz_triples(const struct ferry_query *q, const struct ferry_entry *e,
    int m[QUERY_FUZZ_N][QUERY_FUZZ_N])
{
	size_t	 i, j, k;
	int	 ij, jk, ik;

	for (i = 0; i < QUERY_FUZZ_N; i++)
	for (j = 0; j < QUERY_FUZZ_N; j++)
	for (k = 0; k < QUERY_FUZZ_N; k++) {
		ij = m[i][j];
		jk = m[j][k];
		ik = m[i][k];
		if (ij <= 0 && jk <= 0 && ik > 0)
			query_fuzz_fail("a <= b <= c but a > c", q, e,
			    QUERY_FUZZ_N);
		if (ij <= 0 && jk <= 0 && (ij < 0 || jk < 0) && ik >= 0)
			query_fuzz_fail("a < b <= c but a >= c", q, e,
			    QUERY_FUZZ_N);
	}
}

/* The signs of every comparison under q. */
static void
query_fuzz_matrix(const struct ferry_query *q, const struct ferry_entry *e,
    int m[QUERY_FUZZ_N][QUERY_FUZZ_N])
{
	size_t	 i, j;

	for (i = 0; i < QUERY_FUZZ_N; i++)
		for (j = 0; j < QUERY_FUZZ_N; j++)
			m[i][j] = query_fuzz_sign(ferry_query_cmp(q, &e[i],
			    &e[j]));
}

/* Search and type filter on each entry. */
static void
query_fuzz_match(const struct ferry_entry *e)
{
	struct ferry_query	 q;
	size_t			 i;

	for (i = 0; i < QUERY_FUZZ_N; i++) {
		ferry_query_init(&q);
		FERRY_ASSERT(ferry_query_match(&q, &e[i]));
		q.search = "";
		FERRY_ASSERT(ferry_query_match(&q, &e[i]));
		q.search = e[i].name;
		FERRY_ASSERT(ferry_query_match(&q, &e[i]));
		q.search = NULL;
		q.filter = e[i].kind == FERRY_KIND_FOLDER ?
		    FERRY_FILTER_FOLDERS : FERRY_FILTER_TYPE(e[i].type);
		FERRY_ASSERT(ferry_query_match(&q, &e[i]));
		q.filter = FERRY_FILTER_ALL & ~q.filter;
		FERRY_ASSERT(!ferry_query_match(&q, &e[i]));
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct query_fuzz_in	 in;
	struct ferry_entry	 e[QUERY_FUZZ_N];
	struct ferry_query	 q;
	struct ferry_arena	 a;
	size_t			 i;
	int			 order, asc[QUERY_FUZZ_N][QUERY_FUZZ_N];
	int			 desc[QUERY_FUZZ_N][QUERY_FUZZ_N];

	if (size > 1024)
		return 0;
	in.p = data;
	in.end = data + size;
	ferry_arena_init(&a);
	for (i = 0; i < QUERY_FUZZ_N; i++)
		query_fuzz_entry(&in, &e[i], &a);
	for (order = 0; order <= FERRY_ORDER_TYPE; order++) {
		ferry_query_init(&q);
		q.order = (enum ferry_order)order;
		query_fuzz_matrix(&q, e, asc);
		q.desc = true;
		query_fuzz_matrix(&q, e, desc);
		query_fuzz_pairs(&q, e, desc, asc);
		query_fuzz_triples(&q, e, desc);
		q.desc = false;
		query_fuzz_pairs(&q, e, asc, desc);
		query_fuzz_triples(&q, e, asc);
	}
	query_fuzz_match(e);
	ferry_arena_done(&a);
	return 0;
}
