/* SPDX-License-Identifier: MIT */
/*
 * The ZIP reader (src/zip/) on archives built in memory: end records
 * (comments, trailing bytes, long comments, ZIP64), shown names of
 * hostile member names, the tree (implied and explicit folders,
 * duplicates), listing order, member reads (stored, deflate, lies about
 * sizes and CRCs, unsupported methods, overlaps) and the limits.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/check.h"
#include "ferry/entry.h"
#include "zip/zip.h"
#include "unit/zip-util.h"

/* Open the archive in w (finished) through a memory io. */
static enum ferry_code
open_mem(struct zw *w, struct memio *m, struct zip_io *io,
    const struct zip_limits *lim, struct zip_archive **ar,
    struct ferry_error *err)
{
	*io = memio_io(m, w->out.p, w->out.n);
	return zip_archive_open(io, w->out.n, "t.zip", lim, ar, err);
}

/* The content of the member at path, or NULL with *err set. */
static char *
read_member(struct zip_archive *ar, struct zip_io *io, const char *path,
    unsigned flags, struct ferry_error *err)
{
	struct ferry_reader *r;
	uint32_t	 node;
	char		*out;
	size_t		 n;

	node = zip_lookup(ar, path);
	if (node == ZIP_NONE || (node & ZIP_KID_FOLDER)) {
		ferry_error_set(err, FERRY_E_NOT_FOUND, "no member %s", path);
		return NULL;
	}
	if (zip_member_open(ar, io, node, 0, UINT64_MAX, flags, &r, err) !=
	    FERRY_OK)
		return NULL;
	if (zw_slurp(r, &out, &n, err) != FERRY_OK) {
		free(out);
		out = NULL;
	}
	ferry_reader_close(r);
	return out;
}

static void
test_names(void)
{
	static const struct {
		const char	*raw;
		uint16_t	 gp;
		const char	*shown;
		uint16_t	 problems;
		int		 dir;
	} rows[] = {
		{ "a/b.txt", 0, "a/b.txt", 0, 0 },
		{ "dir/", 0, "dir", 0, 1 },
		{ "./a//b", 0, "a/b", 0, 0 },
		{ "../../etc/passwd", 0, "%2E%2E/%2E%2E/etc/passwd",
		    ZIP_P_DOTDOT, 0 },
		{ "/etc/passwd", 0, "etc/passwd", ZIP_P_ABSOLUTE, 0 },
		{ "a\\b.txt", 0, "a%5Cb.txt", ZIP_P_BACKSLASH, 0 },
		{ "C:/win.ini", 0, "C%3A/win.ini", ZIP_P_DRIVE, 0 },
		{ "esc\x1b[31m", 0, "esc%1B[31m", ZIP_P_CONTROL, 0 },
		{ "caf\xc3\xa9", 0x800, "caf\xc3\xa9", 0, 0 },
		{ "caf\x82", 0, "caf\xc3\xa9", 0, 0 },		/* CP437 */
		{ "bad\xff", 0x800, "bad%FF", ZIP_P_UTF8, 0 },
		{ "c1\xc2\x85", 0x800, "c1%C2%85", ZIP_P_CONTROL, 0 },
		{ "a/../b", 0, "a/%2E%2E/b", ZIP_P_DOTDOT, 0 },
		{ "", 0, "", 0, 0 },
	};
	char		*s;
	uint16_t	 p;
	bool		 dir;
	size_t		 i;

	for (i = 0; i < FERRY_NELEM(rows); i++) {
		s = zip_name_shown((const uint8_t *)rows[i].raw,
		    strlen(rows[i].raw), rows[i].gp, &p, &dir);
		CHECK_STR(s, rows[i].shown);
		CHECK_INT(p, rows[i].problems);
		CHECK_INT(dir, rows[i].dir);
		free(s);
	}
}

static void
test_long_component(void)
{
	char		 raw[400], *s;
	uint16_t	 p;
	bool		 dir;

	memset(raw, 'x', sizeof raw);
	s = zip_name_shown((uint8_t *)raw, sizeof raw, 0, &p, &dir);
	CHECK(p == ZIP_P_LONG);
	CHECK(strlen(s) <= FERRY_NAME_MAX);
	CHECK(ferry_name_check(s, strlen(s), NULL) == FERRY_OK);
	free(s);
}

static void
test_basic_tree(void)
{
	struct zw	 w;
	struct memio	 m;
	struct zip_io	 io;
	struct zip_archive *ar = NULL;
	struct ferry_error err;
	struct ferry_query q;
	struct ferry_entry e;
	struct ferry_arena a = FERRY_ARENA_INIT;
	struct zw_opts	 defl = { .method = 8 };
	struct zw_opts	 dir = { .ext_attr = 040755u << 16 };
	const uint32_t	*kids;
	uint32_t	 n, node;
	char		*s;

	zw_init(&w);
	zw_add_str(&w, "readme.txt", "hello\n", NULL);
	zw_add_str(&w, "logs/run.log", "line 1\nline 2\nline 2\nline 2\n",
	    &defl);
	zw_add_str(&w, "logs/deep/x.csv", "a,b\n", NULL);
	zw_add_str(&w, "empty/", "", &dir);
	zw_finish(&w, "a comment", false);
	CHECK_CODE(open_mem(&w, &m, &io, NULL, &ar, &err), FERRY_OK);
	if (ar == NULL)
		goto out;
	CHECK(m.prefetches == 1 && m.streams == 1);
	CHECK_INT(ar->totals.members, 4);
	CHECK_INT(ar->totals.items, 3);
	CHECK_INT(ar->totals.folders, 3);	/* logs, logs/deep, empty */
	ferry_query_init(&q);
	zip_children_sorted(ar, 0, &q, &kids, &n);
	CHECK_INT(n, 3);
	if (n == 3) {
		CHECK_STR(zip_node_name(ar, kids[0]), "empty");
		CHECK_STR(zip_node_name(ar, kids[1]), "logs");
		CHECK_STR(zip_node_name(ar, kids[2]), "readme.txt");
	}
	node = zip_lookup(ar, "/logs/deep/x.csv");
	CHECK(node != ZIP_NONE && !(node & ZIP_KID_FOLDER));
	CHECK_STR(zip_node_path(ar, node, &a), "/logs/deep/x.csv");
	zip_node_entry(ar, node, true, &e, &a);
	CHECK_INT(e.size, 4);
	CHECK(e.kind == FERRY_KIND_ITEM && e.type == FERRY_TYPE_TEXT);
	CHECK(strstr(e.metadata, "\"method\":\"store\"") != NULL);
	CHECK(zip_lookup(ar, "/logs/nope") == ZIP_NONE);
	CHECK(zip_lookup(ar, "/readme.txt/x") == ZIP_NONE);
	node = zip_lookup(ar, "/empty");
	CHECK(node != ZIP_NONE && (node & ZIP_KID_FOLDER));
	s = read_member(ar, &io, "/logs/run.log", 0, &err);
	CHECK_STR(s, "line 1\nline 2\nline 2\nline 2\n");
	free(s);
	s = read_member(ar, &io, "/readme.txt", 0, &err);
	CHECK_STR(s, "hello\n");
	free(s);
out:
	ferry_arena_done(&a);
	zip_archive_free(ar);
	zw_free(&w);
}

static void
test_not_zip(void)
{
	static const char junk[] = "this is not an archive at all, really";
	struct memio	 m;
	struct zip_io	 io;
	struct zip_archive *ar;
	struct ferry_error err;

	io = memio_io(&m, junk, sizeof junk);
	CHECK_CODE(zip_archive_open(&io, sizeof junk, "j.zip", NULL, &ar,
	    &err), FERRY_E_CORRUPT);
	CHECK(strstr(err.msg, "j.zip: not a ZIP archive") != NULL);
	io = memio_io(&m, junk, 5);
	CHECK_CODE(zip_archive_open(&io, 5, "j.zip", NULL, &ar, &err),
	    FERRY_E_CORRUPT);
	CHECK(strstr(err.msg, "too short") != NULL);
}

static void
test_long_comment(void)
{
	struct zw	 w;
	struct memio	 m;
	struct zip_io	 io;
	struct zip_archive *ar = NULL;
	struct ferry_error err;
	char		*comment, *pad;

	/* Data before, and a comment that pushes the EOCD out of 64 KiB. */
	pad = xmalloc(200000);
	memset(pad, 'p', 200000);
	comment = xmalloc(65530 + 1);
	memset(comment, 'c', 65530);
	comment[65530] = '\0';
	zw_init(&w);
	zw_add(&w, "pad.bin", 7, pad, 200000, NULL);
	zw_finish(&w, comment, false);
	CHECK_CODE(open_mem(&w, &m, &io, NULL, &ar, &err), FERRY_OK);
	CHECK_INT(m.prefetches, 2);
	if (ar != NULL)
		CHECK_INT(ar->totals.items, 1);
	zip_archive_free(ar);
	/* Trailing bytes after the comment are tolerated. */
	zw_put(&w.out, "trailing", 8);
	CHECK_CODE(open_mem(&w, &m, &io, NULL, &ar, &err), FERRY_OK);
	zip_archive_free(ar);
	zw_free(&w);
	free(pad);
	free(comment);
}

static void
test_zip64(void)
{
	struct zw	 w;
	struct memio	 m;
	struct zip_io	 io;
	struct zip_archive *ar = NULL;
	struct ferry_error err;
	struct zw_opts	 z64 = { .zip64 = true, .method = 8 };
	char		*s;

	zw_init(&w);
	zw_add_str(&w, "a.txt", "zip64 member\n", &z64);
	zw_add_str(&w, "b.txt", "plain member\n", NULL);
	zw_finish(&w, NULL, true);
	CHECK_CODE(open_mem(&w, &m, &io, NULL, &ar, &err), FERRY_OK);
	if (ar == NULL)
		goto out;
	CHECK(ar->eocd.zip64);
	CHECK_INT(ar->eocd.entries, 2);
	s = read_member(ar, &io, "/a.txt", 0, &err);
	CHECK_STR(s, "zip64 member\n");
	free(s);
out:
	zip_archive_free(ar);
	zw_free(&w);
}

/* A member whose declared sizes or CRC lie. */
static void
check_lie(const struct zw_opts *o, enum ferry_code want, const char *msg)
{
	struct zw	 w;
	struct memio	 m;
	struct zip_io	 io;
	struct zip_archive *ar = NULL;
	struct ferry_error err;
	char		*s, data[5000];

	memset(data, 'z', sizeof data);
	memcpy(data, "head", 4);
	zw_init(&w);
	zw_add(&w, "m.txt", 5, data, sizeof data, o);
	zw_add_str(&w, "next.txt", "next", NULL);
	zw_finish(&w, NULL, false);
	CHECK_CODE(open_mem(&w, &m, &io, NULL, &ar, &err), FERRY_OK);
	if (ar == NULL)
		goto out;
	err.code = FERRY_OK;
	s = read_member(ar, &io, "/m.txt", 0, &err);
	CHECK(s == NULL);
	CHECK_CODE(err.code, want);
	if (strstr(err.msg, msg) == NULL)
		printf("#   message: %s (wanted %s)\n", err.msg, msg);
	CHECK(strstr(err.msg, msg) != NULL);
	CHECK(strstr(err.msg, "m.txt") != NULL);
	free(s);
out:
	zip_archive_free(ar);
	zw_free(&w);
}

static void
test_lies(void)
{
	struct zw_opts	 o;

	memset(&o, 0, sizeof o);
	o.method = 8;
	o.usize_set = true;
	o.usize = 100;
	check_lie(&o, FERRY_E_CORRUPT, "inflates past its declared size");
	o.usize = 9000;
	check_lie(&o, FERRY_E_CORRUPT, "inflates to only 5000");
	memset(&o, 0, sizeof o);
	o.method = 8;
	o.crc_set = true;
	o.crc = 0x12345678;
	check_lie(&o, FERRY_E_CORRUPT, "CRC-32 mismatch");
	memset(&o, 0, sizeof o);
	o.usize_set = true;	/* stored, sizes disagree */
	o.usize = 4000;
	check_lie(&o, FERRY_E_CORRUPT, "refused");
	memset(&o, 0, sizeof o);
	o.method = 8;		/* a bomb's ratio */
	o.usize_set = true;
	o.usize = 0xf0000000u;
	check_lie(&o, FERRY_E_CORRUPT, "ZIP bomb");
	memset(&o, 0, sizeof o);
	o.method = 12;
	check_lie(&o, FERRY_E_UNSUPPORTED, "bzip2");
	o.method = 14;
	check_lie(&o, FERRY_E_UNSUPPORTED, "lzma");
	o.method = 93;
	check_lie(&o, FERRY_E_UNSUPPORTED, "zstd");
	memset(&o, 0, sizeof o);
	o.gpflags = 1;
	check_lie(&o, FERRY_E_UNSUPPORTED, "encrypted");
	memset(&o, 0, sizeof o);
	o.local_method = 8 + 1;	/* local header disagrees */
	check_lie(&o, FERRY_E_CORRUPT, "local header says method deflate");
	memset(&o, 0, sizeof o);
	o.csize_set = true;	/* seen from the directory alone */
	o.csize = 5020;
	o.usize_set = true;
	o.usize = 5020;
	check_lie(&o, FERRY_E_CORRUPT, "overlaps another member");
	memset(&o, 0, sizeof o);
	o.local_xlen = 100;	/* seen once the local header is read */
	check_lie(&o, FERRY_E_CORRUPT, "runs into the next member");
}

static void
test_hostile_members(void)
{
	struct zw	 w;
	struct memio	 m;
	struct zip_io	 io;
	struct zip_archive *ar = NULL;
	struct ferry_error err;
	struct ferry_query q;
	struct zw_opts	 link = { .ext_attr = 0120777u << 16 };
	struct zw_opts	 same = { .lho_set = true, .lho = 0 };
	const uint32_t	*kids;
	uint32_t	 n, i, node;
	char		*s;

	zw_init(&w);
	zw_add_str(&w, "../evil.txt", "evil", NULL);
	zw_add_str(&w, "dup.txt", "first", NULL);
	zw_add_str(&w, "dup.txt", "second", NULL);
	zw_add_str(&w, "link", "/etc/passwd", &link);
	zw_add_str(&w, "bomb1.txt", "x", &same);	/* overlaps member 0 */
	zw_finish(&w, NULL, false);
	CHECK_CODE(open_mem(&w, &m, &io, NULL, &ar, &err), FERRY_OK);
	if (ar == NULL)
		goto out;
	ferry_query_init(&q);
	zip_children_sorted(ar, 0, &q, &kids, &n);
	for (i = 0; i < n; i++)	/* every shown name is a valid name */
		CHECK(ferry_name_check(zip_node_name(ar, kids[i]),
		    strlen(zip_node_name(ar, kids[i])), NULL) == FERRY_OK);
	CHECK_INT(ar->totals.duplicates, 1);
	CHECK(zip_lookup(ar, "/dup (3).txt") != ZIP_NONE);
	s = read_member(ar, &io, "/dup (3).txt", 0, &err);
	CHECK_STR(s, "second");
	free(s);
	s = read_member(ar, &io, "/dup.txt", 0, &err);
	CHECK_STR(s, "first");
	free(s);
	/* ".." is a folder "%2E%2E" holding evil.txt; read is refused. */
	node = zip_lookup(ar, "/%2E%2E/evil.txt");
	CHECK(node != ZIP_NONE);
	s = read_member(ar, &io, "/%2E%2E/evil.txt", 0, &err);
	CHECK(s == NULL && err.code == FERRY_E_PERMISSION);
	CHECK(strstr(err.msg, "'../evil.txt'") != NULL);
	CHECK(strstr(err.msg, "a '..' component") != NULL);
	/* ... but overlapping: the bomb pattern wins even when allowed. */
	s = read_member(ar, &io, "/%2E%2E/evil.txt", ZIP_OPEN_UNSAFE, &err);
	CHECK(s == NULL && err.code == FERRY_E_CORRUPT);
	CHECK(strstr(err.msg, "overlaps") != NULL);
	s = read_member(ar, &io, "/link", 0, &err);
	CHECK(s == NULL && err.code == FERRY_E_UNSUPPORTED);
	CHECK(strstr(err.msg, "symbolic link") != NULL);
	s = read_member(ar, &io, "/link", ZIP_OPEN_LINK, &err);
	CHECK_STR(s, "/etc/passwd");
	free(s);
	CHECK_INT(ar->totals.overlapping, 2);
	CHECK_INT(ar->totals.symlinks, 1);
out:
	zip_archive_free(ar);
	zw_free(&w);
}

static void
test_broken_directory(void)
{
	struct zw	 w;
	struct memio	 m;
	struct zip_io	 io;
	struct zip_archive *ar = NULL;
	struct ferry_error err;
	struct zip_limits lim = { .max_cd_bytes = 40 };
	size_t		 eocd;

	zw_init(&w);
	zw_add_str(&w, "a.txt", "aaaa", NULL);
	zw_add_str(&w, "b.txt", "bbbb", NULL);
	zw_finish(&w, NULL, false);
	CHECK_CODE(open_mem(&w, &m, &io, &lim, &ar, &err), FERRY_E_LIMIT);
	CHECK(strstr(err.msg, "max_directory_bytes") != NULL);
	eocd = w.out.n - ZIP_EOCD_SIZE;
	/* The directory's offset pointing past the end. */
	w.out.p[eocd + 16] = 0xff;
	w.out.p[eocd + 17] = 0xff;
	CHECK_CODE(open_mem(&w, &m, &io, NULL, &ar, &err), FERRY_E_CORRUPT);
	CHECK(strstr(err.msg, "runs past") != NULL);
	w.out.p[eocd + 16] = 0;
	w.out.p[eocd + 17] = 0;
	/* An offset that lands on member data, not a record. */
	CHECK_CODE(open_mem(&w, &m, &io, NULL, &ar, &err), FERRY_E_CORRUPT);
	CHECK(strstr(err.msg, "no central directory record") != NULL);
	/* More entries declared than records. */
	zw_free(&w);
	zw_init(&w);
	zw_add_str(&w, "a.txt", "aaaa", NULL);
	zw_finish(&w, NULL, false);
	w.count = 0;
	eocd = w.out.n - ZIP_EOCD_SIZE;
	w.out.p[eocd + 10] = 1;	/* already 1: make it 0 records instead */
	w.out.p[eocd + 12] = 0;	/* cd_size 0 */
	CHECK_CODE(open_mem(&w, &m, &io, NULL, &ar, &err), FERRY_E_CORRUPT);
	CHECK(strstr(err.msg, "declares 1 members") != NULL);
	zip_archive_free(ar);
	zw_free(&w);
}

static void
test_truncated(void)
{
	struct zw	 w;
	struct memio	 m;
	struct zip_io	 io;
	struct zip_archive *ar = NULL;
	struct ferry_error err;
	size_t		 cut;

	zw_init(&w);
	zw_add_str(&w, "a.txt", "aaaa", NULL);
	zw_finish(&w, NULL, false);
	/* Every prefix of the archive fails cleanly. */
	for (cut = 0; cut < w.out.n; cut++) {
		io = memio_io(&m, w.out.p, cut);
		CHECK(zip_archive_open(&io, cut, "t.zip", NULL, &ar, &err) !=
		    FERRY_OK);
		CHECK(ar == NULL);
	}
	zw_free(&w);
}

static void
test_offset_reads(void)
{
	struct zw	 w;
	struct memio	 m;
	struct zip_io	 io;
	struct zip_archive *ar = NULL;
	struct ferry_error err;
	struct ferry_reader *r;
	struct zw_opts	 defl = { .method = 8 };
	struct zip_range rg;
	char		 data[3000], *s;
	size_t		 n, i;
	uint32_t	 node;

	for (i = 0; i < sizeof data; i++)
		data[i] = (char)('a' + i % 26);
	zw_init(&w);
	zw_add(&w, "s.txt", 5, data, sizeof data, NULL);
	zw_add(&w, "d.txt", 5, data, sizeof data, &defl);
	zw_finish(&w, NULL, false);
	CHECK_CODE(open_mem(&w, &m, &io, NULL, &ar, &err), FERRY_OK);
	if (ar == NULL)
		goto out;
	node = zip_lookup(ar, "/s.txt");
	CHECK_CODE(zip_member_range(ar, &io, node, &rg, &err), FERRY_OK);
	CHECK_INT(rg.start, 30 + 5);
	CHECK_INT(rg.end - rg.start, sizeof data);
	CHECK(memcmp(w.out.p + rg.start, data, sizeof data) == 0);
	for (node = 0; node < 2; node++) {
		CHECK_CODE(zip_member_open(ar, &io, node, 1000, 10, 0, &r,
		    &err), FERRY_OK);
		zw_slurp(r, &s, &n, &err);
		CHECK_INT(n, 10);
		CHECK(memcmp(s, data + 1000, 10) == 0);
		free(s);
		ferry_reader_close(r);
	}
	CHECK_CODE(zip_member_open(ar, &io, 0, 3001, 1, 0, &r, &err),
	    FERRY_E_INVALID);
out:
	zip_archive_free(ar);
	zw_free(&w);
}

static void
test_paging_many(void)
{
	struct zw	 w;
	struct memio	 m;
	struct zip_io	 io;
	struct zip_archive *ar = NULL;
	struct ferry_error err;
	struct ferry_query q;
	const uint32_t	*kids;
	uint32_t	 n, i;
	char		 name[32];

	zw_init(&w);
	for (i = 0; i < 70000; i++) {	/* past 65,535: needs counts mod */
		snprintf(name, sizeof name, "d%u/f%05u", i % 7, i);
		zw_add_str(&w, name, "", NULL);
	}
	zw_finish(&w, NULL, false);
	CHECK_CODE(open_mem(&w, &m, &io, NULL, &ar, &err), FERRY_OK);
	if (ar == NULL)
		goto out;
	CHECK_INT(ar->totals.items, 70000);
	ferry_query_init(&q);
	q.order = FERRY_ORDER_NAME;
	q.desc = true;
	zip_children_sorted(ar, 1, &q, &kids, &n);
	CHECK_INT(n, 10000);
	CHECK_STR(zip_node_name(ar, kids[0]), "f69993");
out:
	zip_archive_free(ar);
	zw_free(&w);
}

static const struct check_test tests[] = {
	CHECK_TEST(test_names),
	CHECK_TEST(test_long_component),
	CHECK_TEST(test_basic_tree),
	CHECK_TEST(test_not_zip),
	CHECK_TEST(test_long_comment),
	CHECK_TEST(test_zip64),
	CHECK_TEST(test_lies),
	CHECK_TEST(test_hostile_members),
	CHECK_TEST(test_broken_directory),
	CHECK_TEST(test_truncated),
	CHECK_TEST(test_offset_reads),
	CHECK_TEST(test_paging_many),
	{ NULL, NULL }
};

int
main(int argc, char **argv)
{
	return check_main(tests, argc, argv);
}
