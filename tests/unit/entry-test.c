/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for src/core/entry.c: the arena (zeroed, aligned, large
 * requests, copies), deep entry copies, entry lists, listing pages, type
 * class names and the MIME type table, and ferry_tags_has().
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ferry/entry.h"
#include "core/util.h"
#include "lib/check.h"

static void
test_arena(void)
{
	struct ferry_arena	 a = FERRY_ARENA_INIT;
	unsigned char		*p, *big;
	char			*s, src[16];
	size_t			 i, j, misaligned = 0, dirty = 0;

	ferry_arena_init(&a);
	for (i = 1; i < 200; i++) {
		p = ferry_arena_alloc(&a, i);
		if ((uintptr_t)p % _Alignof(max_align_t) != 0)
			misaligned++;
		for (j = 0; j < i; j++)
			if (p[j] != 0)
				dirty++;
		memset(p, 0xab, i);	/* ASan catches overruns */
	}
	CHECK_INT(misaligned, 0);
	CHECK_INT(dirty, 0);
	CHECK(a.used >= 199 * 200 / 2);

	/* Larger than any block. */
	big = ferry_arena_alloc(&a, 3 * 1024 * 1024);
	CHECK(big != NULL && big[0] == 0 && big[3 * 1024 * 1024 - 1] == 0);
	memset(big, 1, 3 * 1024 * 1024);

	CHECK(ferry_arena_strdup(&a, NULL) == NULL);
	strcpy(src, "hello");
	s = ferry_arena_strdup(&a, src);
	src[0] = 'j';
	CHECK_STR(s, "hello");
	s = ferry_arena_strndup(&a, "abcdef", 3);
	CHECK_STR(s, "abc");
	s = ferry_arena_strndup(&a, "abcdef", 0);
	CHECK_STR(s, "");
	s = ferry_arena_printf(&a, "%s-%d", "x", 42);
	CHECK_STR(s, "x-42");
	ferry_arena_done(&a);
	CHECK(a.head == NULL && a.used == 0);

	/* Reusable after done. */
	s = ferry_arena_strdup(&a, "again");
	CHECK_STR(s, "again");
	ferry_arena_done(&a);
}

static void
test_entry_copy(void)
{
	struct ferry_entry	 src, dst;
	struct ferry_arena	 a;
	char			 name[8], mime[16];

	ferry_arena_init(&a);
	memset(&src, 0, sizeof src);
	strcpy(name, "a.png");
	strcpy(mime, "image/png");
	src.name = name;
	src.mime = mime;
	src.size = 99;
	src.kind = FERRY_KIND_ITEM;
	src.type = FERRY_TYPE_IMAGE;
	src.tags = NULL;
	ferry_entry_copy(&dst, &src, &a);
	name[0] = 'X';
	mime[0] = 'X';
	CHECK_STR(dst.name, "a.png");
	CHECK_STR(dst.mime, "image/png");
	CHECK(dst.tags == NULL && dst.id == NULL);
	CHECK_INT(dst.size, 99);
	CHECK_INT(dst.type, FERRY_TYPE_IMAGE);

	/* A NULL name becomes "". */
	src.name = NULL;
	ferry_entry_copy(&dst, &src, &a);
	CHECK_STR(dst.name, "");
	ferry_arena_done(&a);
}

static void
test_entry_list(void)
{
	struct ferry_entry_list	 l;
	struct ferry_entry	 e, *got;
	char			 buf[32];
	size_t			 i;

	ferry_entry_list_init(&l);
	memset(&e, 0, sizeof e);
	for (i = 0; i < 1000; i++) {
		snprintf(buf, sizeof buf, "name-%zu", i);
		e.name = buf;
		e.size = i;
		got = ferry_entry_list_push(&l, &e);
		CHECK(got == &l.v[i]);
	}
	CHECK_INT(l.n, 1000);
	for (i = 0; i < 1000; i += 111) {
		snprintf(buf, sizeof buf, "name-%zu", i);
		CHECK_STR(l.v[i].name, buf);
		CHECK_INT(l.v[i].size, i);
	}
	ferry_entry_list_done(&l);
	CHECK(l.n == 0 && l.v == NULL);
}

static void
test_page(void)
{
	struct ferry_page	 p;
	struct ferry_entry	*e;
	size_t			 i;

	ferry_page_init(&p);
	CHECK(p.n == 0 && p.next_cursor == NULL && !p.total_known);
	for (i = 0; i < 500; i++) {
		e = ferry_page_add(&p);
		CHECK(e != NULL && e->name != NULL && e->name[0] == '\0');
		CHECK(e->size == 0 && e->kind == 0 && e->mime == NULL);
		e->name = ferry_arena_printf(&p.arena, "%zu", i);
		e->size = i;
	}
	CHECK_INT(p.n, 500);
	CHECK_STR(p.v[499].name, "499");
	CHECK_STR(p.v[0].name, "0");
	p.next_cursor = ferry_arena_strdup(&p.arena, "c");
	ferry_page_done(&p);
	CHECK(p.n == 0 && p.v == NULL && p.next_cursor == NULL);
}

static void
test_types(void)
{
	static const struct {
		const char	*mime;
		int		 type;
	} rows[] = {
		{ "image/png", FERRY_TYPE_IMAGE },
		{ "IMAGE/JPEG", FERRY_TYPE_IMAGE },
		{ "image/svg+xml", FERRY_TYPE_IMAGE },
		{ "video/mp4", FERRY_TYPE_VIDEO },
		{ "audio/mpeg", FERRY_TYPE_AUDIO },
		{ "application/dicom", FERRY_TYPE_DICOM },
		{ "application/zip", FERRY_TYPE_ARCHIVE },
		{ "application/gzip", FERRY_TYPE_ARCHIVE },
		{ "application/x-tar", FERRY_TYPE_ARCHIVE },
		{ "text/plain", FERRY_TYPE_TEXT },
		{ "text/plain; charset=utf-8", FERRY_TYPE_TEXT },
		{ "application/json", FERRY_TYPE_TEXT },
		{ "application/ld+json", FERRY_TYPE_TEXT },
		{ "application/pdf", FERRY_TYPE_DOCUMENT },
		{ "application/vnd.openxmlformats-officedocument."
		  "wordprocessingml.document", FERRY_TYPE_DOCUMENT },
		{ "application/vnd.oasis.opendocument.text",
		  FERRY_TYPE_DOCUMENT },
		{ "application/octet-stream", FERRY_TYPE_OTHER },
		{ "application/x-empty", FERRY_TYPE_OTHER },
		{ "", FERRY_TYPE_OTHER },
		{ "garbage", FERRY_TYPE_OTHER },
		{ NULL, FERRY_TYPE_OTHER },
	};
	size_t	 i;
	int	 t;

	for (i = 0; i < FERRY_NELEM(rows); i++) {
		if ((int)ferry_type_from_mime(rows[i].mime) != rows[i].type)
			printf("#   row %zu: %s\n", i, rows[i].mime ?
			    rows[i].mime : "(null)");
		CHECK_INT(ferry_type_from_mime(rows[i].mime), rows[i].type);
	}
	for (t = 0; t < FERRY_TYPE__COUNT; t++)
		CHECK_INT(ferry_type_from_name(ferry_type_name(
		    (enum ferry_type)t)), t);
	CHECK_STR(ferry_type_name(FERRY_TYPE_IMAGE), "image");
	CHECK_STR(ferry_type_name(FERRY_TYPE_DICOM), "dicom");
	CHECK_STR(ferry_type_name((enum ferry_type)99), "other");
	CHECK_INT(ferry_type_from_name("Image"), FERRY_TYPE_IMAGE);
	CHECK_INT(ferry_type_from_name("pictures"), -1);
	CHECK_INT(ferry_type_from_name(""), -1);
}

static void
test_tags(void)
{
	CHECK(ferry_tags_has("[\"a\",\"b\"]", "a"));
	CHECK(ferry_tags_has("[\"a\",\"b\"]", "b"));
	CHECK(!ferry_tags_has("[\"a\",\"b\"]", "c"));
	CHECK(!ferry_tags_has("[\"ab\"]", "a"));
	CHECK(ferry_tags_has("[1, null, \"x\"]", "x"));
	CHECK(!ferry_tags_has("[]", "a"));
	CHECK(!ferry_tags_has("{\"a\":1}", "a"));
	CHECK(!ferry_tags_has("\"a\"", "a"));
	CHECK(!ferry_tags_has("[\"a\"", "a"));	/* malformed */
	CHECK(!ferry_tags_has(NULL, "a"));
	CHECK(!ferry_tags_has("[\"a\"]", NULL));
	CHECK(ferry_tags_has("[\"caf\\u00e9\"]", "caf\xc3\xa9"));
}

static const struct check_test tests[] = {
	CHECK_TEST(test_arena),
	CHECK_TEST(test_entry_copy),
	CHECK_TEST(test_entry_list),
	CHECK_TEST(test_page),
	CHECK_TEST(test_types),
	CHECK_TEST(test_tags),
	{ NULL, NULL },
};

int
main(int argc, char **argv)
{
	return check_main(tests, argc, argv);
}
