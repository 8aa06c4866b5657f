/* SPDX-License-Identifier: MIT */
/*
 * The zip backend and its block cache over a real backend: a counting
 * wrapper around the local backend measures the requests and bytes that
 * reach it, so the listing budget (at most three requests, and bytes
 * within 5% + 64 KiB of the central directory) is checked as counts.
 * Also: the cache's merging and read-ahead, paging with cursors, stat,
 * path_to_root, summary, find, splitting a path at its archive,
 * cancellation, and refusals through open_read.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/check.h"
#include "ferry/backend.h"
#include "ferry/entry.h"
#include "backends/backends.h"
#include "backends/blockcache.h"
#include "unit/zip-util.h"

/* -------- a counting wrapper backend -------- */

struct cnt {
	struct ferry_backend b;
	struct ferry_backend *inner;
	uint64_t	 opens;
	uint64_t	 bytes;
};

struct cnt_reader {
	struct ferry_reader r;
	struct ferry_reader *in;
	struct cnt	*c;
};

static enum ferry_code
cnt_rread(struct ferry_reader *r, void *buf, size_t len, size_t *got,
    struct ferry_error *err)
{
	struct cnt_reader *cr = (struct cnt_reader *)r;
	enum ferry_code	 result;

	result = ferry_reader_read(cr->in, buf, len, got, err);
	cr->c->bytes += *got;
	return result;
}

static void
cnt_rclose(struct ferry_reader *r)
{
	struct cnt_reader *cr = (struct cnt_reader *)r;

	ferry_reader_close(cr->in);
	free(cr);
}

static const struct ferry_reader_ops cnt_rops = { cnt_rread, cnt_rclose };

static void
cnt_close(struct ferry_backend *b)
{
	struct cnt	*c = (struct cnt *)b;

	ferry_backend_close(c->inner);
	free(c);
}

static enum ferry_code
cnt_stat(struct ferry_backend *b, const char *path, struct ferry_entry *out,
    struct ferry_arena *a, struct ferry_error *err)
{
	return ferry_backend_stat(((struct cnt *)b)->inner, path, out, a, err);
}

static enum ferry_code
cnt_open_read(struct ferry_backend *b, const char *path, uint64_t offset,
    uint64_t len, struct ferry_reader **out, struct ferry_error *err)
{
	struct cnt	*c = (struct cnt *)b;
	struct cnt_reader *cr;
	enum ferry_code	 result;

	c->opens++;
	result = ferry_backend_open_read(c->inner, path, offset, len, out,
	    err);
	if (result != FERRY_OK)
		return result;
	cr = xcalloc(1, sizeof *cr);
	cr->r.ops = &cnt_rops;
	cr->r.size = (*out)->size;
	cr->r.size_known = (*out)->size_known;
	cr->in = *out;
	cr->c = c;
	*out = &cr->r;
	return FERRY_OK;
}

static const struct ferry_backend_ops cnt_ops = {
	.name = "counting",
	.close = cnt_close,
	.stat = cnt_stat,
	.open_read = cnt_open_read,
};

static struct cnt *
cnt_new(void)
{
	struct cnt	*c;
	struct ferry_error err;

	c = xcalloc(1, sizeof *c);
	c->b.ops = &cnt_ops;
	c->b.label = xstrdup("");
	if (backend_local_open(NULL, &c->inner, &err) != FERRY_OK) {
		printf("# local backend: %s\n", err.msg);
		exit(1);
	}
	c->inner->label = xstrdup("");
	return c;
}

/* -------- helpers -------- */

static char	 tmpdir[] = "/tmp/ferry-zip-test.XXXXXX";

static char *
write_file(const char *name, const void *p, size_t n)
{
	char	*path;
	FILE	*f;

	path = xasprintf("%s/%s", tmpdir, name);
	f = fopen(path, "wb");
	if (f == NULL || fwrite(p, 1, n, f) != n || fclose(f) != 0) {
		printf("# cannot write %s\n", path);
		exit(1);
	}
	return path;
}

/* An archive of n members in folders, written to a file. */
static char *
make_archive(const char *name, unsigned n, size_t *cd_size, size_t *size)
{
	struct zw	 w;
	char		 mname[64], data[64];
	unsigned	 i;
	char		*path;

	zw_init(&w);
	for (i = 0; i < n; i++) {
		snprintf(mname, sizeof mname, "run-%u/out/step-%06u.log",
		    i % 10, i);
		snprintf(data, sizeof data, "step %u done\n", i);
		zw_add_str(&w, mname, data, NULL);
	}
	zw_finish(&w, NULL, false);
	*cd_size = w.cd.n;
	*size = w.out.n;
	path = write_file(name, w.out.p, w.out.n);
	zw_free(&w);
	return path;
}

/* -------- tests -------- */

static void
test_listing_budget(void)
{
	static const unsigned counts[] = { 10, 3000, 20000 };
	struct cnt	*c;
	struct ferry_backend *zb;
	struct ferry_error err;
	struct backend_zip_info in;
	size_t		 cd, size, i;
	char		*path, name[32];

	for (i = 0; i < FERRY_NELEM(counts); i++) {
		snprintf(name, sizeof name, "n%u.zip", counts[i]);
		path = make_archive(name, counts[i], &cd, &size);
		c = cnt_new();
		CHECK_CODE(backend_zip_open(&c->b, path, NULL, &zb, &err),
		    FERRY_OK);
		if (zb == NULL)
			goto next;
		printf("# %u members: cd %zu B, fetched %llu B in %llu "
		    "requests\n", counts[i], cd, (unsigned long long)c->bytes,
		    (unsigned long long)c->opens);
		CHECK(c->opens <= 3);
		CHECK(c->bytes <= cd + cd / 20 + 65536);
		CHECK(c->bytes >= cd || size < 65536);
		CHECK_CODE(backend_zip_info(zb, &in, &err), FERRY_OK);
		CHECK_INT(in.list_requests, c->opens);
		CHECK_INT(in.list_bytes, c->bytes);
		CHECK_INT(in.items, counts[i]);
		CHECK_INT(in.cd_size, cd);
		if (size < 65536) {
			CHECK_INT(c->opens, 1);
			CHECK_INT(c->bytes, size);
		}
		ferry_backend_close(zb);
next:
		ferry_backend_close(&c->b);
		free(path);
	}
}

static void
test_member_read_cost(void)
{
	struct cnt	*c;
	struct ferry_backend *zb = NULL;
	struct ferry_error err;
	struct ferry_reader *r;
	struct zw	 w;
	struct zw_opts	 defl = { .method = 8 };
	char		*path, *big, *got;
	size_t		 n, i;
	uint64_t	 opens, bytes;

	big = xmalloc(1 << 20);
	for (i = 0; i < (1 << 20); i++)
		big[i] = (char)(i * 7 % 251);
	zw_init(&w);
	zw_add_str(&w, "small.txt", "tiny\n", NULL);
	zw_add(&w, "big.bin", 7, big, 1 << 20, NULL);
	zw_add(&w, "big.z", 5, big, 1 << 20, &defl);
	zw_finish(&w, NULL, false);
	path = write_file("members.zip", w.out.p, w.out.n);
	c = cnt_new();
	CHECK_CODE(backend_zip_open(&c->b, path, NULL, &zb, &err), FERRY_OK);
	if (zb == NULL)
		goto out;
	opens = c->opens;
	bytes = c->bytes;
	CHECK_CODE(ferry_backend_open_read(zb, "/big.bin", 0, UINT64_MAX, &r,
	    &err), FERRY_OK);
	zw_slurp(r, &got, &n, &err);
	ferry_reader_close(r);
	CHECK_INT(n, 1 << 20);
	CHECK(memcmp(got, big, n) == 0);
	free(got);
	/* The local header's block, then one stream for the rest. */
	CHECK(c->opens - opens <= 2);
	CHECK(c->bytes - bytes <= (1 << 20) + 65536 + 64);
	CHECK_CODE(ferry_backend_open_read(zb, "/big.z", 0, UINT64_MAX, &r,
	    &err), FERRY_OK);
	zw_slurp(r, &got, &n, &err);
	ferry_reader_close(r);
	CHECK_INT(n, 1 << 20);
	CHECK(memcmp(got, big, n) == 0);
	free(got);
	/* A part of the deflated member: inflated from its start. */
	CHECK_CODE(ferry_backend_open_read(zb, "/big.z", 500000, 16, &r,
	    &err), FERRY_OK);
	zw_slurp(r, &got, &n, &err);
	ferry_reader_close(r);
	CHECK_INT(n, 16);
	CHECK(memcmp(got, big + 500000, 16) == 0);
	free(got);
	ferry_backend_close(zb);
out:
	ferry_backend_close(&c->b);
	zw_free(&w);
	free(big);
	free(path);
}

static void
test_cache(void)
{
	struct cnt	*c;
	struct blockcache *bc;
	struct blockcache_stats st;
	struct ferry_error err;
	struct ferry_reader *r;
	char		*path, *data, buf[100], *got;
	size_t		 n, i;
	uint64_t	 opens;

	data = xmalloc(1 << 20);
	for (i = 0; i < (1 << 20); i++)
		data[i] = (char)(i % 253);
	path = write_file("cache.bin", data, 1 << 20);
	c = cnt_new();
	bc = blockcache_new(&c->b, path, 1 << 20, NULL, NULL);
	/* Small reads in one block: one request. */
	for (i = 0; i < 100; i++) {
		CHECK_CODE(blockcache_read(bc, 1000 + i * 100, buf, 50, &err),
		    FERRY_OK);
		CHECK(memcmp(buf, data + 1000 + i * 100, 50) == 0);
	}
	CHECK_INT(c->opens, 1);
	CHECK_INT(c->bytes, 65536);
	blockcache_stats(bc, &st);
	CHECK_INT(st.requests, 1);
	CHECK_INT(st.hits, 99);
	/* Sequential misses: read-ahead grows, so requests stay few. */
	opens = c->opens;
	for (i = 65536; i + 100 <= (1 << 20); i += 100)
		CHECK_CODE(blockcache_read(bc, i, buf, 100, &err), FERRY_OK);
	CHECK(c->opens - opens <= 5);
	/* Past the end. */
	CHECK_CODE(blockcache_read(bc, (1 << 20) - 10, buf, 20, &err),
	    FERRY_E_CORRUPT);
	blockcache_free(bc);
	/* A stream over a range whose end is cached fetches only the rest. */
	bc = blockcache_new(&c->b, path, 1 << 20, NULL, NULL);
	opens = c->opens;
	c->bytes = 0;
	CHECK_CODE(blockcache_prefetch(bc, (1 << 20) - 65536, 65536, &err),
	    FERRY_OK);
	CHECK_CODE(blockcache_stream(bc, 100000, (1 << 20) - 100000, &r,
	    &err), FERRY_OK);
	zw_slurp(r, &got, &n, &err);
	ferry_reader_close(r);
	CHECK_INT(n, (1 << 20) - 100000);
	CHECK(memcmp(got, data + 100000, n) == 0);
	free(got);
	CHECK_INT(c->opens - opens, 2);
	CHECK_INT(c->bytes, (1 << 20) - 100000);
	blockcache_free(bc);
	ferry_backend_close(&c->b);
	free(data);
	free(path);
}

/* Page through /run-3/out with small pages: each child once, in order. */
static void
test_paging(void)
{
	struct cnt	*c;
	struct ferry_backend *zb = NULL;
	struct ferry_error err;
	struct ferry_query q;
	struct ferry_page page;
	char		*path, *cursor = NULL, prev[256] = "";
	size_t		 cd, size, i, seen = 0;

	path = make_archive("page.zip", 5000, &cd, &size);
	c = cnt_new();
	CHECK_CODE(backend_zip_open(&c->b, path, NULL, &zb, &err), FERRY_OK);
	if (zb == NULL)
		goto out;
	ferry_query_init(&q);
	q.limit = 77;
	do {
		q.cursor = cursor;
		ferry_page_init(&page);
		CHECK_CODE(ferry_backend_list(zb, "/run-3/out", &q, &page,
		    &err), FERRY_OK);
		free(cursor);
		cursor = NULL;
		for (i = 0; i < page.n; i++) {
			CHECK(strcmp(prev, page.v[i].name) < 0);
			snprintf(prev, sizeof prev, "%s", page.v[i].name);
			seen++;
		}
		CHECK(page.total_known && page.total == 500);
		if (page.next_cursor != NULL)
			cursor = xstrdup(page.next_cursor);
		ferry_page_done(&page);
	} while (cursor != NULL && seen < 10000);
	CHECK_INT(seen, 500);
	ferry_page_init(&page);
	CHECK_CODE(ferry_backend_list(zb, "/run-3/out/step-000003.log", &q,
	    &page, &err), FERRY_E_NOT_FOLDER);
	CHECK_CODE(ferry_backend_list(zb, "/nope", &q, &page, &err),
	    FERRY_E_NOT_FOUND);
	ferry_page_done(&page);
	ferry_backend_close(zb);
out:
	ferry_backend_close(&c->b);
	free(path);
}

static enum ferry_code
count_cb(const char *path, const struct ferry_entry *e, void *ud)
{
	size_t	*n = ud;

	(void)e;
	if (strcmp(path, "out/step-000007.log") == 0)
		n[1]++;
	n[0]++;
	return FERRY_OK;
}

static void
test_tree_ops(void)
{
	struct cnt	*c;
	struct ferry_backend *zb = NULL;
	struct ferry_error err;
	struct ferry_entry e;
	struct ferry_entry_list l;
	struct ferry_arena a = FERRY_ARENA_INIT;
	struct ferry_summary s;
	struct ferry_find f;
	struct ferry_reader *r;
	char		*path, *arch, *inner, *rest;
	size_t		 cd, size, n[2] = { 0, 0 };

	path = make_archive("tree.zip", 100, &cd, &size);
	c = cnt_new();
	CHECK_CODE(backend_zip_open(&c->b, path, NULL, &zb, &err), FERRY_OK);
	if (zb == NULL)
		goto out;
	CHECK(backend_is_zip(zb) && !backend_is_zip(&c->b));
	CHECK(strcmp(zb->label, path) == 0);
	CHECK_CODE(ferry_backend_stat(zb, "/", &e, &a, &err), FERRY_OK);
	CHECK(e.kind == FERRY_KIND_FOLDER && e.name[0] == '\0');
	CHECK(strstr(e.metadata, "\"members\":100") != NULL);
	ferry_entry_list_init(&l);
	CHECK_CODE(ferry_backend_path_to_root(zb, "/run-7/out/step-000007.log",
	    &l, &err), FERRY_OK);
	CHECK_INT(l.n, 4);
	if (l.n == 4) {
		CHECK_STR(l.v[0].name, "");
		CHECK_STR(l.v[2].name, "out");
		CHECK_STR(l.v[3].name, "step-000007.log");
	}
	ferry_entry_list_done(&l);
	CHECK_CODE(ferry_backend_summary(zb, "/run-7", &s, &err), FERRY_OK);
	CHECK_INT(s.items, 10);
	CHECK_INT(s.folders, 1);
	ferry_find_init(&f);
	CHECK_CODE(ferry_backend_find(zb, "/run-7", &f, count_cb, n, &err),
	    FERRY_OK);
	CHECK_INT(n[0], 11);
	CHECK_INT(n[1], 1);
	f.max_depth = 1;
	n[0] = 0;
	CHECK_CODE(ferry_backend_find(zb, "/run-7", &f, count_cb, n, &err),
	    FERRY_OK);
	CHECK_INT(n[0], 1);
	CHECK_CODE(ferry_backend_mkdir(zb, "/x", NULL, NULL, NULL, &err),
	    FERRY_E_UNSUPPORTED);
	CHECK_CODE(ferry_backend_open_read(zb, "/run-7", 0, 1, &r, &err),
	    FERRY_E_IS_FOLDER);
	/* A path that leads into the archive. */
	rest = xasprintf("%s/run-7/out", path);
	CHECK_CODE(backend_zip_split(&c->b, rest, &arch, &inner, &err),
	    FERRY_OK);
	free(rest);
	CHECK_STR(arch, zb->label);
	CHECK_STR(inner, "/run-7/out");
	free(arch);
	free(inner);
	CHECK_CODE(backend_zip_split(&c->b, tmpdir, &arch, &inner, &err),
	    FERRY_E_IS_FOLDER);
	ferry_backend_close(zb);
	CHECK_CODE(backend_zip_open(&c->b, tmpdir, NULL, &zb, &err),
	    FERRY_E_IS_FOLDER);
out:
	ferry_arena_done(&a);
	ferry_backend_close(&c->b);
	free(path);
}

static void
test_cancel_and_config(void)
{
	struct cnt	*c;
	struct ferry_backend *zb = NULL;
	struct ferry_error err;
	struct ferry_config cfg;
	struct ferry_config_kv kv = { (char *)"zip", (char *)"max_directory_bytes",
	    (char *)"1K", NULL };
	volatile int	 stop = 1;
	char		*path;
	size_t		 cd, size;

	path = make_archive("cfg.zip", 5000, &cd, &size);
	c = cnt_new();
	memset(&cfg, 0, sizeof cfg);
	cfg.extra = &kv;
	CHECK_CODE(backend_zip_open(&c->b, path, &cfg, &zb, &err),
	    FERRY_E_LIMIT);
	CHECK(strstr(err.msg, "1024") != NULL);
	kv.value = (char *)"lots";
	CHECK_CODE(backend_zip_open(&c->b, path, &cfg, &zb, &err),
	    FERRY_E_INVALID);
	CHECK(strstr(err.msg, "max_directory_bytes") != NULL);
	CHECK_CODE(backend_zip_open(&c->b, path, NULL, &zb, &err), FERRY_OK);
	if (zb != NULL) {
		zb->cancel = &stop;
		CHECK_CODE(backend_zip_range(zb, "/run-1/out/step-000001.log",
		    &(struct backend_zip_range){ 0 }, &err),
		    FERRY_E_CANCELLED);
		ferry_backend_close(zb);
	}
	ferry_backend_close(&c->b);
	free(path);
}

static const struct check_test tests[] = {
	CHECK_TEST(test_listing_budget),
	CHECK_TEST(test_member_read_cost),
	CHECK_TEST(test_cache),
	CHECK_TEST(test_paging),
	CHECK_TEST(test_tree_ops),
	CHECK_TEST(test_cancel_and_config),
	{ NULL, NULL }
};

int
main(int argc, char **argv)
{
	int	 rc;
	char	*cmd;

	if (mkdtemp(tmpdir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	rc = check_main(tests, argc, argv);
	cmd = xasprintf("rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		rc = 1;
	free(cmd);
	return rc;
}
