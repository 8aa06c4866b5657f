/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the store engine's reading side: listing in every order
 * and direction with keyset paging (the order agrees with
 * ferry_query_cmp, every child exactly once, also while another handle
 * inserts), malformed cursors, search with '%' and '_' as plain
 * characters, type filters, that each page is an index walk (EXPLAIN
 * QUERY PLAN), recursive find, and summaries.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "lib/check.h"
#include "store/store-int.h"
#include "unit/store-util.h"

/* A folder with subfolders and items of several sizes, types and times. */
static void
fill_mixed(struct store *s, const char *folder)
{
	static const struct {
		const char	*name;
		const char	*mime;
		size_t		 size;
	} items[] = {
		{ "b.png", "image/png", 300 },
		{ "a.txt", "text/plain", 10 },
		{ "C.txt", "text/plain", 10 },
		{ "d.mp4", "video/mp4", 300 },
		{ "e.zip", "application/zip", 0 },
		{ "F.pdf", "application/pdf", 55 },
		{ "g.jpg", "image/jpeg", 300 },
		{ "h.bin", "application/octet-stream", 1 },
		{ "i.txt", "text/plain", 10 },
		{ "100%.txt", "text/plain", 7 },
		{ "a_b", "text/plain", 7 },
		{ "axb", "text/plain", 7 },
		{ "\xc3\x84pfel", "text/plain", 3 },
		{ "\xc3\xa4rger", "text/plain", 4 },
		{ "zebra", "audio/mpeg", 2 },
	};
	static const char *const folders[] = {
		"Zed", "alpha", "Beta", "gamma_1", "\xc3\x89t\xc3\xa9",
	};
	struct ferry_write_opts	 o;
	struct ferry_error	 err;
	char			 buf[400];
	size_t			 i;

	memset(buf, 'x', sizeof buf);
	for (i = 0; i < FERRY_NELEM(folders); i++)
		CHECK_CODE(su_mkdir(s, folder, folders[i], NULL), FERRY_OK);
	for (i = 0; i < FERRY_NELEM(items); i++) {
		memset(&o, 0, sizeof o);
		o.mime = items[i].mime;
		buf[0] = (char)('a' + i);	/* distinct content */
		CHECK_CODE(su_put_opts(s, folder, items[i].name, buf,
		    items[i].size, &o, NULL, &err), FERRY_OK);
		if (i % 3 == 0)
			usleep(2000);	/* some equal times, some not */
	}
}

/* Page through folder with q; all entries go into l. */
static enum ferry_code
page_all(struct store *s, const char *folder, struct ferry_query *q,
    struct ferry_entry_list *l, size_t *pages)
{
	struct ferry_page	 p;
	struct ferry_error	 err;
	enum ferry_code		 result;
	char			*cursor = NULL;
	size_t			 i;

	*pages = 0;
	for (;;) {
		ferry_page_init(&p);
		q->cursor = cursor;
		result = store_list(s, folder, q, &p, &err);
		if (result != FERRY_OK) {
			printf("# list: %s\n", err.msg);
			ferry_page_done(&p);
			break;
		}
		(*pages)++;
		for (i = 0; i < p.n; i++)
			ferry_entry_list_push(l, &p.v[i]);
		free(cursor);
		cursor = p.next_cursor != NULL ? strdup(p.next_cursor) : NULL;
		ferry_page_done(&p);
		if (cursor == NULL)
			break;
	}
	free(cursor);
	q->cursor = NULL;
	return result;
}

/* Every order, both directions, several page sizes. */
static void
test_orders(void)
{
	static const uint32_t	 limits[] = { 1, 2, 3, 7, 1000 };
	struct ferry_query	 q;
	struct ferry_entry_list	 l;
	struct store		*s;
	char			*dir, root[STORE_ID_SIZE], d[STORE_ID_SIZE];
	size_t			 i, j, pages;
	int			 order, desc, bad;

	s = su_open(&dir);
	snprintf(root, sizeof root, "%s", store_root_id(s));
	CHECK_CODE(su_mkdir(s, root, "mixed", d), FERRY_OK);
	fill_mixed(s, d);
	for (order = FERRY_ORDER_NAME; order <= FERRY_ORDER_TYPE; order++)
		for (desc = 0; desc < 2; desc++)
			for (j = 0; j < FERRY_NELEM(limits); j++) {
				ferry_query_init(&q);
				q.order = (enum ferry_order)order;
				q.desc = desc;
				q.limit = limits[j];
				ferry_entry_list_init(&l);
				CHECK_CODE(page_all(s, d, &q, &l, &pages),
				    FERRY_OK);
				CHECK_INT(l.n, 20);
				CHECK_INT(pages, (20 + limits[j] - 1) /
				    limits[j]);
				bad = 0;
				for (i = 1; i < l.n; i++)
					if (ferry_query_cmp(&q, &l.v[i - 1],
					    &l.v[i]) >= 0)
						bad++;
				if (bad)
					printf("# order %d desc %d limit %u:"
					    " %d out of order\n", order, desc,
					    limits[j], bad);
				CHECK_INT(bad, 0);
				/* folders first, whatever the direction */
				for (i = 0; i < l.n; i++)
					CHECK_INT(l.v[i].kind, i < 5 ?
					    FERRY_KIND_FOLDER :
					    FERRY_KIND_ITEM);
				ferry_entry_list_done(&l);
			}
	store_close(s);
	su_rmdir(dir);
}

/* Names across the folding table sort as ferry_query_cmp says. */
static void
test_fold_order(void)
{
	static const uint32_t	 ranges[][2] = {
		{ 0x21, 0x7e }, { 0xa0, 0x17f }, { 0x380, 0x3ff },
		{ 0x400, 0x45f }, { 0xff10, 0xff5a }, { 0x1f600, 0x1f60f },
	};
	struct ferry_query	 q;
	struct ferry_entry_list	 l;
	struct ferry_error	 err;
	struct store		*s;
	char			*dir, root[STORE_ID_SIZE], d[STORE_ID_SIZE];
	char			 name[16];
	uint32_t		 c;
	size_t			 i, r, n = 0, pages;
	int			 bad = 0, desc;

	s = su_open(&dir);
	store_set_durable(s, false);
	snprintf(root, sizeof root, "%s", store_root_id(s));
	CHECK_CODE(su_mkdir(s, root, "fold", d), FERRY_OK);
	CHECK_CODE(store_begin(s, &err), FERRY_OK);
	for (r = 0; r < FERRY_NELEM(ranges); r++)
		for (c = ranges[r][0]; c <= ranges[r][1]; c++) {
			if (c == '/' || c == '.')
				continue;
			/* "x" + the character, and the character + "y" */
			i = 0;
			name[i++] = 'x';
			if (c < 0x80)
				name[i++] = (char)c;
			else if (c < 0x800) {
				name[i++] = (char)(0xc0 | c >> 6);
				name[i++] = (char)(0x80 | (c & 0x3f));
			} else if (c < 0x10000) {
				name[i++] = (char)(0xe0 | c >> 12);
				name[i++] = (char)(0x80 | ((c >> 6) & 0x3f));
				name[i++] = (char)(0x80 | (c & 0x3f));
			} else {
				name[i++] = (char)(0xf0 | c >> 18);
				name[i++] = (char)(0x80 | ((c >> 12) & 0x3f));
				name[i++] = (char)(0x80 | ((c >> 6) & 0x3f));
				name[i++] = (char)(0x80 | (c & 0x3f));
			}
			name[i] = '\0';
			if (su_mkdir(s, d, name, NULL) == FERRY_OK)
				n++;
			memmove(name, name + 1, i);
			name[i - 1] = 'y';
			name[i] = '\0';
			if (su_put(s, d, name, "", NULL) == FERRY_OK)
				n++;
		}
	CHECK_CODE(store_commit(s, &err), FERRY_OK);
	CHECK(n > 1000);
	for (desc = 0; desc < 2; desc++) {
		ferry_query_init(&q);
		q.desc = desc;
		q.limit = 97;
		ferry_entry_list_init(&l);
		CHECK_CODE(page_all(s, d, &q, &l, &pages), FERRY_OK);
		CHECK_INT(l.n, n);
		for (i = 1; i < l.n; i++)
			if (ferry_query_cmp(&q, &l.v[i - 1], &l.v[i]) >= 0 &&
			    bad++ < 5)
				printf("# \"%s\" before \"%s\"\n",
				    l.v[i - 1].name, l.v[i].name);
		ferry_entry_list_done(&l);
	}
	CHECK_INT(bad, 0);
	store_close(s);
	su_rmdir(dir);
}

static void
test_bad_cursors(void)
{
	static const char *const bad[] = {
		"", "garbage", "v1", "v1.", "v1.na", "v1.na.1.0..",
		"v1.na.3.0..61", "v1.xa.1.0..61", "v1.nz.1.0..61",
		"v1.na.1.x..61", "v1.na.1.0..6", "v1.na.1.0..zz",
		"v1.na.1.0..6100", "v1.na.1.0..61.", "v2.na.1.0..61",
		"v1.na.1.99999999999999999999..61", "v1.na.1.0.61",
	};
	struct ferry_query	 q;
	struct ferry_page	 p;
	struct ferry_error	 err;
	struct store		*s;
	char			*dir, root[STORE_ID_SIZE], *cursor;
	size_t			 i;

	s = su_open(&dir);
	snprintf(root, sizeof root, "%s", store_root_id(s));
	for (i = 0; i < 5; i++) {
		char name[8];

		snprintf(name, sizeof name, "n%zu", i);
		CHECK_CODE(su_put(s, root, name, name, NULL), FERRY_OK);
	}
	for (i = 0; i < FERRY_NELEM(bad); i++) {
		ferry_query_init(&q);
		q.cursor = bad[i];
		ferry_page_init(&p);
		CHECK_CODE(store_list(s, root, &q, &p, &err), FERRY_E_INVALID);
		CHECK(strstr(err.msg, "cursor") != NULL);
		ferry_page_done(&p);
	}
	/* a good cursor used with another order or direction */
	ferry_query_init(&q);
	q.limit = 2;
	ferry_page_init(&p);
	CHECK_CODE(store_list(s, root, &q, &p, &err), FERRY_OK);
	CHECK(p.next_cursor != NULL);
	CHECK(p.total_known && p.total == 5);
	cursor = strdup(p.next_cursor != NULL ? p.next_cursor : "");
	ferry_page_done(&p);
	q.cursor = cursor;
	q.order = FERRY_ORDER_SIZE;
	ferry_page_init(&p);
	CHECK_CODE(store_list(s, root, &q, &p, &err), FERRY_E_INVALID);
	CHECK(strstr(err.msg, "another order") != NULL);
	ferry_page_done(&p);
	q.order = FERRY_ORDER_NAME;
	q.desc = true;
	ferry_page_init(&p);
	CHECK_CODE(store_list(s, root, &q, &p, &err), FERRY_E_INVALID);
	ferry_page_done(&p);
	q.desc = false;
	ferry_page_init(&p);
	CHECK_CODE(store_list(s, root, &q, &p, &err), FERRY_OK);
	CHECK_INT(p.n, 2);
	if (p.n == 2)
		CHECK_STR(p.v[0].name, "n2");
	ferry_page_done(&p);
	free(cursor);
	/* listing an item, an unknown id, a bad search */
	ferry_query_init(&q);
	ferry_page_init(&p);
	CHECK_CODE(store_resolve(s, "/n1", root, NULL, &err), FERRY_OK);
	CHECK_CODE(store_list(s, root, &q, &p, &err), FERRY_E_NOT_FOLDER);
	CHECK(strstr(err.msg, "/n1") != NULL);
	CHECK_CODE(store_list(s, "nope", &q, &p, &err), FERRY_E_NOT_FOUND);
	q.search = "\xff";
	CHECK_CODE(store_list(s, store_root_id(s), &q, &p, &err),
	    FERRY_E_INVALID);
	ferry_page_done(&p);
	store_close(s);
	su_rmdir(dir);
}

/* Search a folder; returns the names found joined by ','. */
static char *
search(struct store *s, const char *folder, const char *text,
    uint32_t filter, uint64_t *total)
{
	struct ferry_query	 q;
	struct ferry_page	 p;
	struct ferry_error	 err;
	char			*out;
	size_t			 i, len = 1;

	ferry_query_init(&q);
	q.search = text;
	q.filter = filter;
	ferry_page_init(&p);
	out = calloc(1, 4096);
	if (store_list(s, folder, &q, &p, &err) == FERRY_OK) {
		for (i = 0; i < p.n; i++) {
			len += strlen(p.v[i].name) + 1;
			if (len >= 4096)
				break;
			if (i > 0)
				strcat(out, ",");
			strcat(out, p.v[i].name);
		}
		*total = p.total;
	} else
		snprintf(out, 4096, "error: %s", err.msg);
	ferry_page_done(&p);
	return out;
}

static void
test_search_filter(void)
{
	static const struct {
		const char	*text;
		uint32_t	 filter;
		const char	*want;
	} rows[] = {
		{ "%", 0, "100%.txt" },
		{ "_", 0, "gamma_1,a_b" },
		{ "a_b", 0, "a_b" },
		{ "a_", 0, "gamma_1,a_b" },
		{ "%.", 0, "100%.txt" },
		{ "\\", 0, "" },
		{ "TXT", 0, "100%.txt,a.txt,C.txt,i.txt" },
		{ "c.T", 0, "C.txt" },
		{ "\xc3\xa4", 0, "\xc3\x84pfel,\xc3\xa4rger" },
		{ "\xc3\x84P", 0, "\xc3\x84pfel" },
		{ "\xc3\xa9T\xc3\x89", 0, "\xc3\x89t\xc3\xa9" },
		{ "a", FERRY_FILTER_FOLDERS, "alpha,Beta,gamma_1" },
		{ NULL, FERRY_FILTER_TYPE(FERRY_TYPE_IMAGE), "b.png,g.jpg" },
		{ NULL, FERRY_FILTER_TYPE(FERRY_TYPE_VIDEO) |
		    FERRY_FILTER_TYPE(FERRY_TYPE_AUDIO), "d.mp4,zebra" },
		{ NULL, FERRY_FILTER_TYPE(FERRY_TYPE_ARCHIVE), "e.zip" },
		{ "b", FERRY_FILTER_TYPE(FERRY_TYPE_TEXT), "a_b,axb" },
		{ "zzz", 0, "" },
	};
	struct store		*s;
	char			*dir, root[STORE_ID_SIZE], d[STORE_ID_SIZE];
	char			*got;
	uint64_t		 total;
	size_t			 i, n;

	s = su_open(&dir);
	snprintf(root, sizeof root, "%s", store_root_id(s));
	CHECK_CODE(su_mkdir(s, root, "mixed", d), FERRY_OK);
	fill_mixed(s, d);
	for (i = 0; i < FERRY_NELEM(rows); i++) {
		total = 999;
		got = search(s, d, rows[i].text, rows[i].filter, &total);
		if (strcmp(got, rows[i].want) != 0)
			printf("# search \"%s\" filter %#x\n",
			    rows[i].text ? rows[i].text : "", rows[i].filter);
		CHECK_STR(got, rows[i].want);
		/* the total counts the matches */
		n = *rows[i].want != '\0';
		for (const char *p = rows[i].want; *p != '\0'; p++)
			n += *p == ',';
		CHECK_INT(total, n);
		free(got);
	}
	store_close(s);
	su_rmdir(dir);
}

/* Each listing statement walks an index: no sort of the folder. */
static void
test_query_plans(void)
{
	struct ferry_query	 q;
	struct ferry_entry_list	 l;
	struct store		*s;
	sqlite3_stmt		*st, *plan;
	char			*dir, root[STORE_ID_SIZE], d[STORE_ID_SIZE];
	char			*sql, details[2048];
	size_t			 pages;
	int			 order, desc, keyed, checked = 0;

	s = su_open(&dir);
	snprintf(root, sizeof root, "%s", store_root_id(s));
	CHECK_CODE(su_mkdir(s, root, "mixed", d), FERRY_OK);
	fill_mixed(s, d);
	/* ANALYZE-free: the plan must be right without statistics */
	for (order = FERRY_ORDER_NAME; order <= FERRY_ORDER_TYPE; order++)
		for (desc = 0; desc < 2; desc++) {
			ferry_query_init(&q);
			q.order = (enum ferry_order)order;
			q.desc = desc;
			q.limit = 3;
			q.search = "a";
			ferry_entry_list_init(&l);
			CHECK_CODE(page_all(s, d, &q, &l, &pages), FERRY_OK);
			ferry_entry_list_done(&l);
			for (keyed = 0; keyed < 2; keyed++) {
				st = s->list_stmts[order][desc][keyed];
				CHECK(st != NULL);
				if (st == NULL)
					continue;
				sql = xasprintf("EXPLAIN QUERY PLAN %s",
				    sqlite3_sql(st));
				CHECK(sqlite3_prepare_v2(s->db, sql, -1, &plan,
				    NULL) == SQLITE_OK);
				details[0] = '\0';
				while (sqlite3_step(plan) == SQLITE_ROW) {
					strncat(details, (const char *)
					    sqlite3_column_text(plan, 3),
					    sizeof details - strlen(details)
					    - 2);
					strcat(details, ";");
				}
				sqlite3_finalize(plan);
				free(sql);
				if (strstr(details, "TEMP B-TREE") != NULL ||
				    strstr(details, "INDEX nodes_by_") ==
				    NULL)
					printf("# order %d desc %d keyed %d:"
					    " %s\n", order, desc, keyed,
					    details);
				CHECK(strstr(details, "TEMP B-TREE") == NULL);
				CHECK(strstr(details, "INDEX nodes_by_") !=
				    NULL);
				CHECK(strstr(details, "(parent=? AND kind=?")
				    != NULL);
				/* a later page seeks to its key */
				if (keyed)
					CHECK(strstr(details, ")>(") != NULL ||
					    strstr(details, ")<(") != NULL);
				checked++;
			}
		}
	CHECK_INT(checked, 16);
	store_close(s);
	su_rmdir(dir);
}

/* A page from the middle of a big folder is quick, in every order. */
static void
test_big_folder(void)
{
	struct ferry_query	 q;
	struct ferry_page	 p;
	struct ferry_error	 err;
	struct timespec		 t0, t1;
	struct store		*s;
	char			*dir, root[STORE_ID_SIZE], d[STORE_ID_SIZE];
	struct ferry_write_opts	 o;
	char			 name[32], *cursor;
	int			 i, order, n = 12000;
	double			 ms, worst = 0;

	memset(&o, 0, sizeof o);
	o.mime = "text/plain";
	s = su_open(&dir);
	store_set_durable(s, false);
	snprintf(root, sizeof root, "%s", store_root_id(s));
	CHECK_CODE(su_mkdir(s, root, "big", d), FERRY_OK);
	CHECK_CODE(store_begin(s, &err), FERRY_OK);
	for (i = 0; i < n; i++) {
		snprintf(name, sizeof name, "item-%06d", (i * 7919) % n);
		CHECK_CODE(su_put_opts(s, d, name, name, (size_t)(i % 7), &o,
		    NULL, &err), FERRY_OK);
	}
	CHECK_CODE(store_commit(s, &err), FERRY_OK);
	for (order = FERRY_ORDER_NAME; order <= FERRY_ORDER_TYPE; order++) {
		ferry_query_init(&q);
		q.order = (enum ferry_order)order;
		q.limit = 1000;
		cursor = NULL;
		for (i = 0; i < 11; i++) {
			ferry_page_init(&p);
			q.cursor = cursor;
			clock_gettime(CLOCK_MONOTONIC, &t0);
			CHECK_CODE(store_list(s, d, &q, &p, &err), FERRY_OK);
			clock_gettime(CLOCK_MONOTONIC, &t1);
			ms = (t1.tv_sec - t0.tv_sec) * 1e3 +
			    (t1.tv_nsec - t0.tv_nsec) / 1e6;
			if (i > 0 && ms > worst)	/* the first counts */
				worst = ms;
			CHECK_INT(p.n, 1000);
			free(cursor);
			cursor = p.next_cursor ? strdup(p.next_cursor) : NULL;
			ferry_page_done(&p);
		}
		free(cursor);
	}
	printf("# slowest page of 1000 (after the first): %.1f ms\n", worst);
	CHECK(worst < 250);
	store_close(s);
	su_rmdir(dir);
}

/* Paging while another handle inserts: each original child once. */
static void
test_paging_while_inserting(void)
{
	struct ferry_query	 q;
	struct ferry_page	 p;
	struct ferry_error	 err;
	struct store		*s, *w;
	char			*dir, root[STORE_ID_SIZE], d[STORE_ID_SIZE];
	char			 name[32], *cursor = NULL, last[64] = "";
	int			 i, seen[300], order, extra = 0, dup = 0;
	int			 unordered = 0, pages = 0;

	for (order = 0; order < 2; order++) {
		s = su_open(&dir);
		CHECK_CODE(store_open(su_sdir(dir), &w, &err), FERRY_OK);
		snprintf(root, sizeof root, "%s", store_root_id(s));
		CHECK_CODE(su_mkdir(s, root, "f", d), FERRY_OK);
		for (i = 0; i < 300; i++) {
			snprintf(name, sizeof name, "n%04d", i * 10);
			CHECK_CODE(su_put(s, d, name, "x", NULL), FERRY_OK);
		}
		memset(seen, 0, sizeof seen);
		ferry_query_init(&q);
		q.limit = 7;
		q.desc = order == 1;
		last[0] = '\0';
		do {
			ferry_page_init(&p);
			q.cursor = cursor;
			CHECK_CODE(store_list(s, d, &q, &p, &err), FERRY_OK);
			pages++;
			for (i = 0; i < (int)p.n; i++) {
				int k = atoi(p.v[i].name + 1);

				if (last[0] != '\0' && (q.desc ?
				    strcmp(p.v[i].name, last) >= 0 :
				    strcmp(p.v[i].name, last) <= 0))
					unordered++;
				snprintf(last, sizeof last, "%s",
				    p.v[i].name);
				if (k % 10 != 0) {
					extra++;
					continue;
				}
				if (seen[k / 10]++)
					dup++;
			}
			free(cursor);
			cursor = p.next_cursor ? strdup(p.next_cursor) : NULL;
			ferry_page_done(&p);
			/* the other handle inserts between every page */
			snprintf(name, sizeof name, "n%04d", pages * 7 % 3000 +
			    1);
			su_put(w, d, name, "y", NULL);
			snprintf(name, sizeof name, "n%04d", 2999 - pages);
			su_put(w, d, name, "y", NULL);
		} while (cursor != NULL);
		for (i = 0; i < 300; i++)
			CHECK_INT(seen[i], 1);
		store_close(w);
		store_close(s);
		su_rmdir(dir);
	}
	CHECK_INT(dup, 0);
	CHECK_INT(unordered, 0);
	CHECK(extra > 0);	/* some inserted ones were seen too */
}

struct found {
	char	 buf[4096];
	int	 n;
	int	 stop_after;
};

static enum ferry_code
find_cb(const char *path, const struct ferry_entry *e, void *ud)
{
	struct found	*f = ud;

	(void)e;
	if (f->stop_after && f->n >= f->stop_after)
		return FERRY_E_CANCELLED;
	if (f->n++ > 0)
		strncat(f->buf, ",", sizeof f->buf - strlen(f->buf) - 1);
	strncat(f->buf, path, sizeof f->buf - strlen(f->buf) - 1);
	return FERRY_OK;
}

static void
test_find(void)
{
	struct ferry_mkdir_opts	 o;
	struct ferry_find	 f;
	struct ferry_error	 err;
	struct found		 got;
	struct store		*s;
	char			*dir, root[STORE_ID_SIZE], a[STORE_ID_SIZE];
	char			 b[STORE_ID_SIZE], c[STORE_ID_SIZE];
	int64_t			 mid;

	s = su_open(&dir);
	snprintf(root, sizeof root, "%s", store_root_id(s));
	memset(&o, 0, sizeof o);
	o.tags = "[\"work\",\"2024\"]";
	CHECK_CODE(store_folder_create(s, root, "a", &o, NULL, NULL, &err),
	    FERRY_OK);
	CHECK_CODE(store_resolve(s, "/a", a, NULL, &err), FERRY_OK);
	CHECK_CODE(su_mkdir(s, a, "b", b), FERRY_OK);
	CHECK_CODE(store_folder_create(s, b, "c", &o, NULL, NULL, &err),
	    FERRY_OK);
	CHECK_CODE(store_resolve(s, "/a/b/c", c, NULL, &err), FERRY_OK);
	CHECK_CODE(su_put(s, a, "x.txt", "1", NULL), FERRY_OK);
	CHECK_CODE(su_put(s, b, "y.txt", "2", NULL), FERRY_OK);
	usleep(5000);
	mid = ferry_now_ms();
	usleep(5000);
	CHECK_CODE(su_put(s, c, "z.txt", "3", NULL), FERRY_OK);
	{
		struct ferry_write_opts wo;

		memset(&wo, 0, sizeof wo);
		wo.mime = "image/png";
		CHECK_CODE(su_put_opts(s, c, "z.png", "png", 3, &wo, NULL,
		    &err), FERRY_OK);
	}
	/* everything, depth first, folders before items */
	ferry_find_init(&f);
	memset(&got, 0, sizeof got);
	CHECK_CODE(store_find(s, root, &f, find_cb, &got, &err), FERRY_OK);
	CHECK_STR(got.buf, "a,a/b,a/b/c,a/b/c/z.png,a/b/c/z.txt,a/b/y.txt,"
	    "a/x.txt");
	/* a glob */
	f.name = "*.txt";
	memset(&got, 0, sizeof got);
	CHECK_CODE(store_find(s, root, &f, find_cb, &got, &err), FERRY_OK);
	CHECK_STR(got.buf, "a/b/c/z.txt,a/b/y.txt,a/x.txt");
	/* max depth, from a subfolder */
	f.max_depth = 2;
	memset(&got, 0, sizeof got);
	CHECK_CODE(store_find(s, a, &f, find_cb, &got, &err), FERRY_OK);
	CHECK_STR(got.buf, "b/y.txt,x.txt");
	/* type filter and time */
	ferry_find_init(&f);
	f.filter = FERRY_FILTER_TYPE(FERRY_TYPE_IMAGE);
	memset(&got, 0, sizeof got);
	CHECK_CODE(store_find(s, root, &f, find_cb, &got, &err), FERRY_OK);
	CHECK_STR(got.buf, "a/b/c/z.png");
	ferry_find_init(&f);
	f.newer = mid;
	f.filter = FERRY_FILTER_ITEMS;
	memset(&got, 0, sizeof got);
	CHECK_CODE(store_find(s, root, &f, find_cb, &got, &err), FERRY_OK);
	CHECK_STR(got.buf, "a/b/c/z.png,a/b/c/z.txt");
	ferry_find_init(&f);
	f.older = mid;
	f.filter = FERRY_FILTER_ITEMS;
	memset(&got, 0, sizeof got);
	CHECK_CODE(store_find(s, root, &f, find_cb, &got, &err), FERRY_OK);
	CHECK_STR(got.buf, "a/b/y.txt,a/x.txt");
	/* a tag */
	ferry_find_init(&f);
	f.tag = "work";
	memset(&got, 0, sizeof got);
	CHECK_CODE(store_find(s, root, &f, find_cb, &got, &err), FERRY_OK);
	CHECK_STR(got.buf, "a,a/b/c");
	/* the callback stops it */
	ferry_find_init(&f);
	memset(&got, 0, sizeof got);
	got.stop_after = 2;
	CHECK_CODE(store_find(s, root, &f, find_cb, &got, &err),
	    FERRY_E_CANCELLED);
	CHECK_INT(got.n, 2);
	/* find in an item */
	CHECK_CODE(store_resolve(s, "/a/x.txt", b, NULL, &err), FERRY_OK);
	CHECK_CODE(store_find(s, b, &f, find_cb, &got, &err),
	    FERRY_E_NOT_FOLDER);
	store_close(s);
	su_rmdir(dir);
}

static void
test_summary(void)
{
	struct ferry_summary	 sum;
	struct ferry_error	 err;
	struct store		*s;
	char			*dir, root[STORE_ID_SIZE], a[STORE_ID_SIZE];
	char			 b[STORE_ID_SIZE], x[STORE_ID_SIZE];

	s = su_open(&dir);
	snprintf(root, sizeof root, "%s", store_root_id(s));
	CHECK_CODE(su_mkdir(s, root, "a", a), FERRY_OK);
	CHECK_CODE(su_mkdir(s, a, "b", b), FERRY_OK);
	CHECK_CODE(su_mkdir(s, b, "empty", NULL), FERRY_OK);
	CHECK_CODE(su_put(s, a, "x.txt", "hello world\n", x), FERRY_OK);
	CHECK_CODE(su_put(s, b, "same.txt", "hello world\n", NULL), FERRY_OK);
	{
		struct ferry_write_opts o;

		memset(&o, 0, sizeof o);
		o.mime = "image/png";
		CHECK_CODE(su_put_opts(s, b, "p.png", "\x89PNG\r\n\x1a\n0000",
		    12, &o, NULL, &err), FERRY_OK);
	}
	CHECK_CODE(su_put(s, root, "top", "t", NULL), FERRY_OK);
	CHECK_CODE(store_summary(s, a, &sum, &err), FERRY_OK);
	CHECK_INT(sum.items, 3);
	CHECK_INT(sum.folders, 2);
	CHECK_INT(sum.bytes, 12 + 12 + 12);
	CHECK_INT(sum.stored_bytes, 12 + 12);	/* one copy of hello */
	CHECK_INT(sum.type_items[FERRY_TYPE_TEXT], 2);
	CHECK_INT(sum.type_bytes[FERRY_TYPE_TEXT], 24);
	CHECK_INT(sum.type_items[FERRY_TYPE_IMAGE], 1);
	CHECK_CODE(store_summary(s, root, &sum, &err), FERRY_OK);
	CHECK_INT(sum.items, 4);
	CHECK_INT(sum.folders, 3);
	CHECK_INT(sum.bytes, 37);
	CHECK_CODE(store_summary(s, x, &sum, &err), FERRY_OK);
	CHECK_INT(sum.items, 1);
	CHECK_INT(sum.bytes, 12);
	CHECK_INT(sum.folders, 0);
	CHECK_CODE(store_summary(s, "nope", &sum, &err), FERRY_E_NOT_FOUND);
	store_close(s);
	su_rmdir(dir);
}

static const struct check_test tests[] = {
	CHECK_TEST(test_orders),
	CHECK_TEST(test_fold_order),
	CHECK_TEST(test_bad_cursors),
	CHECK_TEST(test_search_filter),
	CHECK_TEST(test_query_plans),
	CHECK_TEST(test_big_folder),
	CHECK_TEST(test_paging_while_inserting),
	CHECK_TEST(test_find),
	CHECK_TEST(test_summary),
	{ NULL, NULL },
};

int
main(int argc, char **argv)
{
	return check_main(tests, argc, argv);
}
