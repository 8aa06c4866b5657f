/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for src/core/brief.c: names and offsets, details kept by
 * name offset across sorts, entries made from briefs, the filter, and
 * above all that ferry_brief_sort() orders exactly as ferry_query_cmp()
 * does, for every order and direction, on random names mixing case,
 * Latin-1, Greek, Cyrillic, fullwidth letters, invalid UTF-8 and long
 * common prefixes, and on many equal keys.  Also the name comparison's
 * ASCII fast path against a reference written here from the rules.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ferry/entry.h"
#include "core/util.h"
#include "lib/check.h"

static void
test_add_and_names(void)
{
	struct ferry_brief_list l;
	struct ferry_brief *b;
	char		 name[32];
	size_t		 i;

	ferry_brief_list_init(&l);
	for (i = 0; i < 5000; i++) {
		snprintf(name, sizeof name, "n%zu", i);
		b = ferry_brief_add(&l, name, strlen(name));
		CHECK(b != NULL);
		b->kind = FERRY_KIND_ITEM;
	}
	CHECK_INT(l.n, 5000);
	CHECK_STR(ferry_brief_name(&l, &l.v[0]), "n0");
	CHECK_STR(ferry_brief_name(&l, &l.v[4999]), "n4999");
	/* A name with a NUL cut at len; the bytes after len are not read. */
	b = ferry_brief_add(&l, "abcdef", 3);
	CHECK_STR(ferry_brief_name(&l, b), "abc");
	ferry_brief_set_detail(&l, b, 7, 8, 0644);
	CHECK(ferry_brief_detail(&l, b) != NULL);
	ferry_brief_drop_last(&l);
	CHECK_INT(l.n, 5000);
	CHECK_INT(l.nd, 0);
	b = ferry_brief_add(&l, "xyz", 3);
	CHECK_STR(ferry_brief_name(&l, b), "xyz");
	CHECK(ferry_brief_detail(&l, b) == NULL);
	ferry_brief_list_done(&l);
	CHECK(l.v == NULL && l.n == 0 && l.names == NULL);
}

static void
test_details(void)
{
	struct ferry_brief_list l;
	struct ferry_entry e;
	const struct ferry_brief_detail *d;
	char		 name[32];
	size_t		 i, k;

	ferry_brief_list_init(&l);
	for (i = 0; i < 300; i++) {
		snprintf(name, sizeof name, "f%03zu", i);
		ferry_brief_add(&l, name, strlen(name))->kind = FERRY_KIND_ITEM;
	}
	/* Details out of order (as visible rows get them), then again. */
	for (k = 0; k < 2; k++)
		for (i = 0; i < 300; i += 1 + (i % 3)) {
			size_t j = (i * 7919) % 300;
			ferry_brief_set_detail(&l, &l.v[j], j * 10 + k,
			    (int64_t)j - 150, (uint32_t)j);
		}
	for (i = 0; i < l.nd; i++)
		if (i > 0)
			CHECK(l.d[i - 1].name < l.d[i].name);
	for (i = 0; i < 300; i += 1 + (i % 3)) {
		size_t j = (i * 7919) % 300;
		d = ferry_brief_detail(&l, &l.v[j]);
		CHECK(d != NULL);
		if (d != NULL) {
			CHECK_INT(d->size, j * 10 + 1);
			CHECK_INT(d->time, (int64_t)j - 150);
		}
	}
	/* Entries, with the user bits left out. */
	l.v[5].flags = FERRY_ENTRY_SYMLINK | FERRY_BRIEF_USER1 |
	    FERRY_BRIEF_USER2;
	l.v[5].type = FERRY_TYPE_TEXT;
	ferry_brief_entry(&l, &l.v[5], &e);
	CHECK_STR(e.name, "f005");
	CHECK_INT(e.flags, FERRY_ENTRY_SYMLINK);
	CHECK_INT(e.kind, FERRY_KIND_ITEM);
	CHECK_INT(e.type, FERRY_TYPE_TEXT);
	d = ferry_brief_detail(&l, &l.v[5]);
	CHECK_INT(e.size, d != NULL ? d->size : 0);
	/* Sorting moves entries, not their details. */
	ferry_brief_sort(&l, FERRY_ORDER_NAME, true);
	CHECK_STR(ferry_brief_name(&l, &l.v[0]), "f299");
	for (i = 0; i < 300; i++) {
		size_t j = (size_t)atoi(ferry_brief_name(&l, &l.v[i]) + 1);
		d = ferry_brief_detail(&l, &l.v[i]);
		if (d != NULL)
			CHECK_INT(d->size, j * 10 + 1);
	}
	ferry_brief_list_done(&l);
}

static void
test_match(void)
{
	struct ferry_brief_list l;
	struct ferry_query q;

	ferry_brief_list_init(&l);
	ferry_brief_add(&l, "Report.PDF", 10)->kind = FERRY_KIND_ITEM;
	l.v[0].type = FERRY_TYPE_DOCUMENT;
	ferry_brief_add(&l, "photos", 6)->kind = FERRY_KIND_FOLDER;
	ferry_query_init(&q);
	CHECK(ferry_brief_match(&q, &l, &l.v[0]));
	q.search = "port.p";
	CHECK(ferry_brief_match(&q, &l, &l.v[0]));
	CHECK(!ferry_brief_match(&q, &l, &l.v[1]));
	q.search = NULL;
	q.filter = FERRY_FILTER_FOLDERS;
	CHECK(!ferry_brief_match(&q, &l, &l.v[0]));
	CHECK(ferry_brief_match(&q, &l, &l.v[1]));
	ferry_brief_list_done(&l);
}

/* -------- the order, against ferry_query_cmp -------- */

static uint64_t test_rng = 88172645463325252ull;

static uint32_t
rnd(uint32_t n)
{
	test_rng ^= test_rng << 13;
	test_rng ^= test_rng >> 7;
	test_rng ^= test_rng << 17;
	return (uint32_t)(test_rng % n);
}

/* Pieces names are made of: every kind of byte the order handles. */
static const char *const pieces[] = {
	"a", "b", "A", "B", "z", "Z", "_", "-", ".", "0", "9", " ", "~",
	"\xc3\xa9", "\xc3\x89", "\xc3\xa0", "\xc3\x80", "\xc3\x9f",
	"\xc5\x81", "\xc5\x82", "\xc5\xb8", "\xc3\xbf",
	"\xce\xb1", "\xce\x91", "\xd0\xb4", "\xd0\x94", "\xd0\x81",
	"\xef\xbc\xa1", "\xef\xbd\x81", "\xe4\xb8\xad", "\xf0\x9f\x98\x80",
	"\xff", "\x80", "\xc3", "\xe4\xb8", "\xed\xa0\x80", "\xc0\xaf",
	"\x01", "\x1b", "\x7f",
	"common-prefix-", "COMMON-PREFIX-",
};

static void
rnd_name(char *buf, size_t cap)
{
	size_t	 len = 0, k, pl;
	const char *p;

	k = 1 + rnd(6);
	while (k-- > 0) {
		p = pieces[rnd(FERRY_NELEM(pieces))];
		pl = strlen(p);
		if (len + pl + 1 > cap)
			break;
		memcpy(buf + len, p, pl);
		len += pl;
	}
	if (len == 0)
		buf[len++] = 'x';
	buf[len] = '\0';
}

static int
name_strcmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
query_cmp_cb(const void *a, const void *b, void *q)
{
	return ferry_query_cmp(q, a, b);
}

/*
 * n random entries (unique names), sorted both ways for every order and
 * direction; the name sequences must be the same.
 */
static void
check_sort(size_t n, bool few_keys)
{
	struct ferry_brief_list l;
	struct ferry_entry *ev;
	struct ferry_query q;
	struct ferry_brief *b;
	char		**names, buf[64];
	size_t		 i, k, m, bad;
	int		 o, desc;

	names = xcalloc(n, sizeof *names);
	for (i = 0; i < n; i++) {
		rnd_name(buf, sizeof buf);
		names[i] = xstrdup(buf);
	}
	qsort(names, n, sizeof *names, name_strcmp);
	for (i = m = 0; i < n; i++) {
		if (m > 0 && strcmp(names[m - 1], names[i]) == 0) {
			free(names[i]);
			continue;
		}
		names[m++] = names[i];
	}
	ev = xcalloc(m, sizeof *ev);
	for (o = FERRY_ORDER_NAME; o <= FERRY_ORDER_TYPE; o++) {
		for (desc = 0; desc < 2; desc++) {
			ferry_brief_list_init(&l);
			for (i = 0; i < m; i++) {
				k = (i * 2654435761u) % m;	/* shuffle */
				b = ferry_brief_add(&l, names[k],
				    strlen(names[k]));
				b->kind = rnd(5) == 0 ? FERRY_KIND_FOLDER :
				    FERRY_KIND_ITEM;
				b->type = (uint8_t)rnd(few_keys ? 2 :
				    FERRY_TYPE__COUNT);
				if (rnd(4) != 0)
					ferry_brief_set_detail(&l, b,
					    rnd(few_keys ? 3 : 1000),
					    (int64_t)rnd(few_keys ? 3 : 1000) -
					    500, 0);
			}
			for (i = 0; i < m; i++)
				ferry_brief_entry(&l, &l.v[i], &ev[i]);
			ferry_query_init(&q);
			q.order = (enum ferry_order)o;
			q.desc = desc != 0;
			qsort_r(ev, m, sizeof *ev, query_cmp_cb, &q);
			ferry_brief_sort(&l, q.order, q.desc);
			for (i = bad = 0; i < m; i++)
				if (strcmp(ev[i].name,
				    ferry_brief_name(&l, &l.v[i])) != 0)
					bad++;
			if (bad != 0)
				check_failf(__FILE__, __LINE__, "n=%zu order "
				    "%d desc %d: %zu of %zu misplaced", m, o,
				    desc, bad, m);
			ferry_brief_list_done(&l);
		}
	}
	for (i = 0; i < m; i++)
		free(names[i]);
	free(names);
	free(ev);
}

static void
test_sort_like_query(void)
{
	size_t	 n;

	for (n = 0; n < 40; n++)
		check_sort(n, false);
	check_sort(1000, false);
	check_sort(20000, false);
	check_sort(5000, true);
}

/* Many names sharing a prefix longer than the key, all of one size. */
static void
test_sort_long_prefix(void)
{
	struct ferry_brief_list l;
	struct ferry_brief *b;
	char		 name[64];
	size_t		 i, k, n = 30000;
	int		 o;

	for (o = FERRY_ORDER_NAME; o <= FERRY_ORDER_TYPE; o++) {
		ferry_brief_list_init(&l);
		for (i = 0; i < n; i++) {
			k = (i * 7919) % n;
			snprintf(name, sizeof name, "%s-%06zu.dat",
			    k % 2 ? "IMG_20240101_SAME" : "img_20240101_same",
			    k);
			b = ferry_brief_add(&l, name, strlen(name));
			b->kind = FERRY_KIND_ITEM;
			ferry_brief_set_detail(&l, b, 0, 0, 0);
		}
		ferry_brief_sort(&l, (enum ferry_order)o, false);
		for (i = 0; i < n; i++) {
			snprintf(name, sizeof name, "%s-%06zu.dat",
			    i % 2 ? "IMG_20240101_SAME" : "img_20240101_same",
			    i);
			if (strcmp(name, ferry_brief_name(&l, &l.v[i])) != 0) {
				check_failf(__FILE__, __LINE__, "order %d: "
				    "row %zu is %s, wanted %s", o, i,
				    ferry_brief_name(&l, &l.v[i]), name);
				break;
			}
		}
		ferry_brief_list_done(&l);
	}
}

/* -------- the name comparison, against the rules -------- */

/* query.c's decoding, rewritten from its description. */
static uint32_t
ref_next(const unsigned char **sp)
{
	const unsigned char *s = *sp;
	uint32_t	 c;
	size_t		 len, i;

	if (s[0] < 0x80)
		len = 1;
	else if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4;
	else
		goto bad;
	c = len == 1 ? s[0] : s[0] & (0x7f >> len);
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			goto bad;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if ((len == 3 && c < 0x800) || (len == 4 && c < 0x10000) ||
	    c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		goto bad;
	*sp = s + len;
	return c;
bad:
	*sp = s + 1;
	return 0x110000 + s[0];
}

static int
ref_name_cmp(const char *a, const char *b)
{
	const unsigned char *pa = (const void *)a, *pb = (const void *)b;
	uint32_t	 ca, cb;

	while (*pa != '\0' && *pb != '\0') {
		ca = ferry_fold_cp(ref_next(&pa));
		cb = ferry_fold_cp(ref_next(&pb));
		if (ca != cb)
			return ca < cb ? -1 : 1;
	}
	if (*pa != *pb)
		return *pa == '\0' ? -1 : 1;
	return strcmp(a, b) < 0 ? -1 : strcmp(a, b) > 0;
}

static void
test_name_cmp_reference(void)
{
	static const char *const fixed[][2] = {
		{ "a", "B" }, { "B", "a" }, { "abc", "ABC" }, { "ABC", "abc" },
		{ "a", "ab" }, { "ab", "A" }, { "Z", "_" }, { "_", "z" },
		{ "\xc3\x89t\xc3\xa9", "\xc3\xa9T\xc3\x89" }, { "a\xff", "A\xfe" },
		{ "x\xc3", "X\xc3\xa9" }, { "[", "a" }, { "@", "A" },
	};
	struct ferry_entry a, b;
	struct ferry_query q;
	char		 x[64], y[64];
	size_t		 i;
	int		 got, want;

	ferry_query_init(&q);
	memset(&a, 0, sizeof a);
	memset(&b, 0, sizeof b);
	a.kind = b.kind = FERRY_KIND_ITEM;
	for (i = 0; i < FERRY_NELEM(fixed) + 200000; i++) {
		if (i < FERRY_NELEM(fixed)) {
			a.name = fixed[i][0];
			b.name = fixed[i][1];
		} else {
			rnd_name(x, sizeof x);
			rnd_name(y, sizeof y);
			a.name = x;
			b.name = y;
		}
		got = ferry_query_cmp(&q, &a, &b);
		want = ref_name_cmp(a.name, b.name);
		if (got != want) {
			check_failf(__FILE__, __LINE__, "cmp(\"%s\", \"%s\") "
			    "= %d, wanted %d", a.name, b.name, got, want);
			break;
		}
	}
}

static const struct check_test tests[] = {
	CHECK_TEST(test_add_and_names),
	CHECK_TEST(test_details),
	CHECK_TEST(test_match),
	CHECK_TEST(test_sort_like_query),
	CHECK_TEST(test_sort_long_prefix),
	CHECK_TEST(test_name_cmp_reference),
	{ NULL, NULL },
};

int
main(int argc, char **argv)
{
	return check_main(tests, argc, argv);
}
