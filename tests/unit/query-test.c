/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for src/core/query.c: the total order of listings in every
 * sort key and direction (folders always first), search and type filters,
 * order names, keyset cursors (round trip, paging over a sorted array, and
 * malformed or foreign cursors), and the find predicate.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ferry/entry.h"
#include "core/util.h"
#include "lib/check.h"

static struct ferry_entry
mk(int kind, const char *name, uint64_t size, int64_t created, int type,
    const char *mime)
{
	struct ferry_entry	 e;

	memset(&e, 0, sizeof e);
	e.kind = (uint8_t)kind;
	e.name = name;
	e.size = size;
	e.created = created;
	e.type = (uint8_t)type;
	e.mime = mime;
	return e;
}

#define F(n)		mk(FERRY_KIND_FOLDER, (n), 0, 0, 0, NULL)
#define I(n, s, c, t)	mk(FERRY_KIND_ITEM, (n), (s), (c), (t), NULL)

static int
sign(int v)
{
	return (v > 0) - (v < 0);
}

static void
test_order_names(void)
{
	CHECK_INT(ferry_order_from_name("name"), FERRY_ORDER_NAME);
	CHECK_INT(ferry_order_from_name("size"), FERRY_ORDER_SIZE);
	CHECK_INT(ferry_order_from_name("created"), FERRY_ORDER_CREATED);
	CHECK_INT(ferry_order_from_name("date"), FERRY_ORDER_CREATED);
	CHECK_INT(ferry_order_from_name("time"), FERRY_ORDER_CREATED);
	CHECK_INT(ferry_order_from_name("mtime"), FERRY_ORDER_CREATED);
	CHECK_INT(ferry_order_from_name("TYPE"), FERRY_ORDER_TYPE);
	CHECK_INT(ferry_order_from_name("bogus"), -1);
	CHECK_INT(ferry_order_from_name(""), -1);
	CHECK_INT(ferry_order_from_name(NULL), -1);
	CHECK_STR(ferry_order_name(FERRY_ORDER_NAME), "name");
	CHECK_STR(ferry_order_name(FERRY_ORDER_SIZE), "size");
	CHECK_STR(ferry_order_name(FERRY_ORDER_CREATED), "created");
	CHECK_STR(ferry_order_name(FERRY_ORDER_TYPE), "type");
}

/* Rows: order, desc, a, b, expected sign of cmp(a, b). */
static void
test_cmp_table(void)
{
	static const struct {
		int		 order;
		int		 desc;
		int		 a, b;	/* indexes into ents */
		int		 want;
	} rows[] = {
		/* folders first in every order and direction */
		{ FERRY_ORDER_NAME, 0, 0, 3, -1 },
		{ FERRY_ORDER_NAME, 1, 0, 3, -1 },
		{ FERRY_ORDER_SIZE, 1, 3, 0, 1 },
		{ FERRY_ORDER_CREATED, 1, 1, 4, -1 },
		{ FERRY_ORDER_TYPE, 1, 0, 5, -1 },
		/* names: case-insensitive first, then bytes */
		{ FERRY_ORDER_NAME, 0, 3, 4, -1 },	/* apple < Banana */
		{ FERRY_ORDER_NAME, 1, 3, 4, 1 },
		{ FERRY_ORDER_NAME, 0, 0, 1, -1 },	/* "a" < "Z" folded */
		{ FERRY_ORDER_NAME, 0, 6, 7, -1 },	/* "B" < "b" by bytes */
		{ FERRY_ORDER_NAME, 0, 7, 6, 1 },
		{ FERRY_ORDER_NAME, 0, 8, 9, 1 },	/* "Éb" > "éa": É folds */
		/* size */
		{ FERRY_ORDER_SIZE, 0, 3, 4, 1 },	/* 30 > 20 */
		{ FERRY_ORDER_SIZE, 1, 3, 4, -1 },
		{ FERRY_ORDER_SIZE, 0, 4, 5, -1 },
		/* created */
		{ FERRY_ORDER_CREATED, 0, 3, 4, -1 },	/* 100 < 300 */
		{ FERRY_ORDER_CREATED, 1, 3, 4, 1 },
		{ FERRY_ORDER_CREATED, 0, 5, 4, -1 },	/* 200 < 300 */
		/* type: class, then name */
		{ FERRY_ORDER_TYPE, 0, 3, 4, 1 },	/* text > image */
		{ FERRY_ORDER_TYPE, 0, 4, 5, -1 },	/* image == image, name */
		{ FERRY_ORDER_TYPE, 1, 4, 5, 1 },
		/* equal entries */
		{ FERRY_ORDER_SIZE, 0, 3, 3, 0 },
		{ FERRY_ORDER_SIZE, 1, 3, 3, 0 },
	};
	struct ferry_entry	 ents[10];
	struct ferry_query	 q;
	size_t			 i;
	int			 got;

	ents[0] = F("a");
	ents[1] = F("Z");
	ents[2] = F("m");
	ents[3] = I("apple", 30, 100, FERRY_TYPE_TEXT);
	ents[4] = I("Banana", 20, 300, FERRY_TYPE_IMAGE);
	ents[5] = I("cherry", 20, 200, FERRY_TYPE_IMAGE);
	ents[6] = I("B", 1, 1, 0);
	ents[7] = I("b", 1, 1, 0);
	ents[8] = I("\xc3\x89" "b", 1, 1, 0);		/* Éb */
	ents[9] = I("\xc3\xa9" "a", 1, 1, 0);		/* éa */
	for (i = 0; i < FERRY_NELEM(rows); i++) {
		ferry_query_init(&q);
		q.order = (enum ferry_order)rows[i].order;
		q.desc = rows[i].desc;
		got = sign(ferry_query_cmp(&q, &ents[rows[i].a],
		    &ents[rows[i].b]));
		if (got != rows[i].want) {
			printf("#   row %zu: cmp(%s, %s) order %d desc %d = %d, "
			    "wanted %d\n", i, ents[rows[i].a].name,
			    ents[rows[i].b].name, rows[i].order, rows[i].desc,
			    got, rows[i].want);
			CHECK(got == rows[i].want);
		}
	}
}

/* The order is antisymmetric and transitive over a mixed set. */
static void
test_cmp_total(void)
{
	struct ferry_entry	 e[8];
	struct ferry_query	 q;
	int			 o, d, i, j, k, ab, bc, ac;

	e[0] = F("docs");
	e[1] = F("Docs");
	e[2] = I("a.txt", 5, 10, FERRY_TYPE_TEXT);
	e[3] = I("A.txt", 5, 10, FERRY_TYPE_TEXT);
	e[4] = I("b.png", 7, 10, FERRY_TYPE_IMAGE);
	e[5] = I("c.png", 7, 20, FERRY_TYPE_IMAGE);
	e[6] = I("z", 0, 0, FERRY_TYPE_OTHER);
	e[7] = I("\xff\xfe", 0, 0, FERRY_TYPE_OTHER);	/* invalid UTF-8 */
	for (o = 0; o < 4; o++)
		for (d = 0; d < 2; d++) {
			ferry_query_init(&q);
			q.order = (enum ferry_order)o;
			q.desc = d;
			for (i = 0; i < 8; i++)
				for (j = 0; j < 8; j++) {
					ab = sign(ferry_query_cmp(&q, &e[i],
					    &e[j]));
					CHECK(ab == -sign(ferry_query_cmp(&q,
					    &e[j], &e[i])));
					CHECK((ab == 0) == (i == j));
					for (k = 0; k < 8; k++) {
						bc = sign(ferry_query_cmp(&q,
						    &e[j], &e[k]));
						ac = sign(ferry_query_cmp(&q,
						    &e[i], &e[k]));
						if (ab < 0 && bc < 0)
							CHECK(ac < 0);
					}
				}
		}
}

static void
test_match(void)
{
	struct ferry_query	 q;
	struct ferry_entry	 dir, png, txt, other;

	dir = F("Photos");
	png = I("Holiday.PNG", 1, 1, FERRY_TYPE_IMAGE);
	txt = I("notes.txt", 1, 1, FERRY_TYPE_TEXT);
	other = I("\xc3\x89T\xc3\x89", 1, 1, FERRY_TYPE_OTHER);	/* ÉTÉ */

	ferry_query_init(&q);
	CHECK(ferry_query_match(&q, &dir));
	CHECK(ferry_query_match(&q, &png));

	q.search = "day.png";
	CHECK(ferry_query_match(&q, &png));
	CHECK(!ferry_query_match(&q, &txt));
	q.search = "PHOTO";
	CHECK(ferry_query_match(&q, &dir));
	q.search = "\xc3\xa9t\xc3\xa9";		/* été matches ÉTÉ */
	CHECK(ferry_query_match(&q, &other));
	q.search = "";
	CHECK(ferry_query_match(&q, &txt));
	q.search = "notes.txt.long";
	CHECK(!ferry_query_match(&q, &txt));

	q.search = NULL;
	q.filter = FERRY_FILTER_FOLDERS;
	CHECK(ferry_query_match(&q, &dir));
	CHECK(!ferry_query_match(&q, &png));
	q.filter = FERRY_FILTER_TYPE(FERRY_TYPE_IMAGE);
	CHECK(!ferry_query_match(&q, &dir));
	CHECK(ferry_query_match(&q, &png));
	CHECK(!ferry_query_match(&q, &txt));
	q.filter = FERRY_FILTER_TYPE(FERRY_TYPE_TEXT) | FERRY_FILTER_FOLDERS;
	CHECK(ferry_query_match(&q, &dir));
	CHECK(ferry_query_match(&q, &txt));
	CHECK(!ferry_query_match(&q, &other));
	q.filter = FERRY_FILTER_ITEMS;
	CHECK(!ferry_query_match(&q, &dir));
	CHECK(ferry_query_match(&q, &other));
	q.search = "notes";
	CHECK(!ferry_query_match(&q, &png));	/* both must hold */
}

static void
test_cursor_roundtrip(void)
{
	struct ferry_entry	 e, key;
	struct ferry_query	 q;
	struct ferry_arena	 a;
	struct ferry_error	 err;
	const char		*c;
	size_t			 i;
	int			 o, d;

	ferry_arena_init(&a);
	e = I("r\xc3\xa9sum\xc3\xa9 #1.pdf", 123456789012ull, 1700000000123,
	    FERRY_TYPE_DOCUMENT);
	e.mime = "application/pdf";
	for (o = 0; o < 4; o++)
		for (d = 0; d < 2; d++) {
			ferry_query_init(&q);
			q.order = (enum ferry_order)o;
			q.desc = d;
			c = ferry_cursor_encode(&q, &e, &a);
			CHECK(c != NULL && c[0] != '\0');
			for (i = 0; c[i] != '\0'; i++)
				CHECK(strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghij"
				    "klmnopqrstuvwxyz0123456789-_", c[i]) != NULL);
			CHECK_CODE(ferry_cursor_decode(&q, c, &key, &a, &err),
			    FERRY_OK);
			CHECK_STR(key.name, e.name);
			CHECK_INT(key.kind, FERRY_KIND_ITEM);
			CHECK_INT(ferry_query_cmp(&q, &key, &e), 0);
			/* A folder key sorts before every item. */
		}
	e = F("dir");
	ferry_query_init(&q);
	c = ferry_cursor_encode(&q, &e, &a);
	CHECK_CODE(ferry_cursor_decode(&q, c, &key, &a, &err), FERRY_OK);
	CHECK_INT(key.kind, FERRY_KIND_FOLDER);
	CHECK_STR(key.name, "dir");
	ferry_arena_done(&a);
}

/* Page through a sorted array with cursors: each entry exactly once. */
static void
test_cursor_paging(void)
{
	static const char *const names[] = {
		"a", "B", "c", "d1", "D2", "e", "f", "G", "h", "i", "j"
	};
	struct ferry_entry	 v[16], key;
	struct ferry_query	 q;
	struct ferry_arena	 a;
	struct ferry_error	 err;
	const char		*cur;
	size_t			 n = 0, i, seen, page, last;
	int			 o, d, cnt[16];

	for (i = 0; i < FERRY_NELEM(names); i++)
		v[n++] = I(names[i], (i * 7) % 5, (int64_t)((i * 3) % 4),
		    (int)(i % 3));
	v[n++] = F("zdir");
	v[n++] = F("adir");
	for (o = 0; o < 4; o++)
		for (d = 0; d < 2; d++) {
			ferry_arena_init(&a);
			ferry_query_init(&q);
			q.order = (enum ferry_order)o;
			q.desc = d;
			memset(cnt, 0, sizeof cnt);
			cur = NULL;
			seen = 0;
			do {
				/* A page: the 3 smallest entries > cursor. */
				last = n;
				page = 0;
				if (cur != NULL)
					CHECK_CODE(ferry_cursor_decode(&q, cur,
					    &key, &a, &err), FERRY_OK);
				for (;;) {
					size_t best = n;
					for (i = 0; i < n; i++) {
						if (cur != NULL &&
						    ferry_query_cmp(&q, &v[i],
						    &key) <= 0)
							continue;
						if (last != n &&
						    ferry_query_cmp(&q, &v[i],
						    &v[last]) <= 0)
							continue;
						if (best == n ||
						    ferry_query_cmp(&q, &v[i],
						    &v[best]) < 0)
							best = i;
					}
					if (best == n || page == 3)
						break;
					cnt[best]++;
					seen++;
					page++;
					last = best;
				}
				cur = page == 3 ? ferry_cursor_encode(&q,
				    &v[last], &a) : NULL;
			} while (cur != NULL && seen <= n);
			CHECK_INT(seen, n);
			for (i = 0; i < n; i++)
				CHECK_INT(cnt[i], 1);
			ferry_arena_done(&a);
		}
}

static void
test_cursor_malformed(void)
{
	static const char *const bad[] = {
		"", "!", "abc", "A", "AAAA", "RmM", "not a cursor",
		"eyJsYXN0IjoiYSJ9",	/* base64 JSON of another backend */
		"////", "RmMBAAEAAAAAAAAAAAAAAAFh",
	};
	struct ferry_entry	 e, key;
	struct ferry_query	 q, q2;
	struct ferry_arena	 a;
	struct ferry_error	 err;
	char			*c, big[5000];
	size_t			 i, n;

	ferry_arena_init(&a);
	ferry_query_init(&q);
	for (i = 0; i < FERRY_NELEM(bad); i++) {
		CHECK_CODE(ferry_cursor_decode(&q, bad[i], &key, &a, &err),
		    FERRY_E_INVALID);
		CHECK(strstr(err.msg, "malformed cursor") != NULL);
	}
	memset(big, 'A', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	CHECK_CODE(ferry_cursor_decode(&q, big, &key, &a, &err),
	    FERRY_E_INVALID);

	/* A good cursor with any one character changed is refused. */
	e = I("some-name.txt", 42, 7, FERRY_TYPE_TEXT);
	c = xstrdup(ferry_cursor_encode(&q, &e, &a));
	n = strlen(c);
	for (i = 0; i < n; i++) {
		char	 save = c[i];

		c[i] = c[i] == 'B' ? 'C' : 'B';
		CHECK_CODE(ferry_cursor_decode(&q, c, &key, &a, &err),
		    FERRY_E_INVALID);
		c[i] = save;
	}
	/* Truncated. */
	c[n - 2] = '\0';
	CHECK_CODE(ferry_cursor_decode(&q, c, &key, &a, &err),
	    FERRY_E_INVALID);
	free(c);

	/* A cursor for another order or direction is refused. */
	q2 = q;
	q2.order = FERRY_ORDER_SIZE;
	c = ferry_cursor_encode(&q2, &e, &a);
	CHECK_CODE(ferry_cursor_decode(&q, c, &key, &a, &err),
	    FERRY_E_INVALID);
	CHECK(strstr(err.msg, "sort order") != NULL);
	q2 = q;
	q2.desc = true;
	c = ferry_cursor_encode(&q2, &e, &a);
	CHECK_CODE(ferry_cursor_decode(&q, c, &key, &a, &err),
	    FERRY_E_INVALID);
	ferry_arena_done(&a);
}

static void
test_find_match(void)
{
	struct ferry_find	 f;
	struct ferry_entry	 dir, tagged, img, old, local;

	dir = F("src");
	tagged = F("projects");
	tagged.tags = "[\"work\",\"2024\"]";
	img = I("cat.jpg", 10, 5000, FERRY_TYPE_IMAGE);
	old = I("old.txt", 10, 1000, FERRY_TYPE_TEXT);
	local = I("local.txt", 1, 0, FERRY_TYPE_TEXT);
	local.modified = 3000;		/* local files: modified only */

	ferry_find_init(&f);
	CHECK(ferry_find_match(&f, &dir));
	CHECK(ferry_find_match(&f, &img));

	f.name = "*.jpg";
	CHECK(ferry_find_match(&f, &img));
	CHECK(!ferry_find_match(&f, &old));
	f.name = "*.JPG";		/* globs are case-sensitive */
	CHECK(!ferry_find_match(&f, &img));
	f.name = "?at.*";
	CHECK(ferry_find_match(&f, &img));
	f.name = NULL;

	f.filter = FERRY_FILTER_TYPE(FERRY_TYPE_TEXT);
	CHECK(ferry_find_match(&f, &old));
	CHECK(!ferry_find_match(&f, &img));
	CHECK(!ferry_find_match(&f, &dir));
	f.filter = 0;

	f.newer = 2000;
	CHECK(ferry_find_match(&f, &img));
	CHECK(!ferry_find_match(&f, &old));
	CHECK(ferry_find_match(&f, &local));
	CHECK(!ferry_find_match(&f, &dir));	/* unknown time */
	f.newer = 0;
	f.older = 2000;
	CHECK(ferry_find_match(&f, &old));
	CHECK(!ferry_find_match(&f, &img));
	f.older = 5000;			/* half-open: [newer, older) */
	CHECK(!ferry_find_match(&f, &img));
	f.older = 0;

	f.tag = "work";
	CHECK(ferry_find_match(&f, &tagged));
	CHECK(!ferry_find_match(&f, &dir));
	CHECK(!ferry_find_match(&f, &img));
	f.tag = "wor";
	CHECK(!ferry_find_match(&f, &tagged));
}

static const struct check_test tests[] = {
	CHECK_TEST(test_order_names),
	CHECK_TEST(test_cmp_table),
	CHECK_TEST(test_cmp_total),
	CHECK_TEST(test_match),
	CHECK_TEST(test_cursor_roundtrip),
	CHECK_TEST(test_cursor_paging),
	CHECK_TEST(test_cursor_malformed),
	CHECK_TEST(test_find_match),
	{ NULL, NULL },
};

int
main(int argc, char **argv)
{
	return check_main(tests, argc, argv);
}
