/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target for the ZIP archive reader: each input is the bytes of an
 * archive.  It goes through the whole stack a real archive does: a
 * memory backend (stat and range reads of one item, "/a.zip") under the
 * block cache (src/backends/blockcache.c), the zip backend
 * (src/backends/zip.c), the end-record and central-directory parser and
 * the member tree (src/zip/), and the member decoder (zlib inflate).
 *
 * Checked on every input:
 * - opening either succeeds or fails with a message naming the archive;
 * - listing took at most three requests and never more bytes than the
 *   input has;
 * - every name in every listed folder (walked with paged listings and
 *   cursors) passes ferry_name_check(), and a folder's pages add up to
 *   the total the listing reports;
 * - reading a member (the first 64 of them, at most 256 KiB each, unsafe
 *   names and links allowed) either fails with a message or gives bytes
 *   that never exceed the member's listed size, and exactly that size
 *   when read to the end.
 *
 * Single-threaded.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ferry/backend.h"
#include "ferry/entry.h"
#include "ferry/location.h"
#include "backends/backends.h"
#include "core/util.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define ZIP_FUZZ_MEMBERS	64
#define ZIP_FUZZ_READ		(256 * 1024)
#define ZIP_FUZZ_FOLDERS	256

struct zip_fuzz_mem {
	struct ferry_backend b;
	const uint8_t	*p;
	size_t		 n;
};

static void
zip_fuzz_close(struct ferry_backend *b)
{
	(void)b;
}

static enum ferry_code
zip_fuzz_stat(struct ferry_backend *b, const char *path,
    struct ferry_entry *out, struct ferry_arena *a, struct ferry_error *err)
{
	struct zip_fuzz_mem *m = (struct zip_fuzz_mem *)b;

	memset(out, 0, sizeof *out);
	if (strcmp(path, "/a.zip") != 0)
		return ferry_error_set(err, FERRY_E_NOT_FOUND, "mem:%s: no "
		    "such item", path);
	out->name = ferry_arena_strdup(a, "a.zip");
	out->kind = FERRY_KIND_ITEM;
	out->size = m->n;
	return FERRY_OK;
}

static enum ferry_code
zip_fuzz_open_read(struct ferry_backend *b, const char *path,
    uint64_t offset, uint64_t len, struct ferry_reader **out,
    struct ferry_error *err)
{
	struct zip_fuzz_mem *m = (struct zip_fuzz_mem *)b;

	if (strcmp(path, "/a.zip") != 0)
		return ferry_error_set(err, FERRY_E_NOT_FOUND, "mem:%s", path);
	if (offset > m->n)
		return ferry_error_set(err, FERRY_E_INVALID, "mem: offset %llu "
		    "past the end", (unsigned long long)offset);
	if (len > m->n - offset)
		len = m->n - offset;
	*out = ferry_reader_mem(m->p + offset, (size_t)len);
	return FERRY_OK;
}

static const struct ferry_backend_ops zip_fuzz_ops = {
	.name = "mem",
	.close = zip_fuzz_close,
	.stat = zip_fuzz_stat,
	.open_read = zip_fuzz_open_read,
};

/* Read one member: never more than its size; exactly it at the end. */
static void
zip_fuzz_read(struct ferry_backend *zb, const char *path, uint64_t size)
{
	static uint8_t	 buf[16384];
	struct ferry_reader *r;
	struct ferry_error err;
	enum ferry_code	 result;
	uint64_t	 total = 0;
	size_t		 got;

	result = backend_zip_read(zb, path, 0, UINT64_MAX, BACKEND_ZIP_UNSAFE |
	    BACKEND_ZIP_LINK, &r, &err);
	if (result != FERRY_OK) {
		FERRY_ASSERT(err.msg[0] != '\0');
		return;
	}
	for (;;) {
		result = ferry_reader_read(r, buf, sizeof buf, &got, &err);
		if (result != FERRY_OK) {
			FERRY_ASSERT(err.msg[0] != '\0');
			break;
		}
		total += got;
		FERRY_ASSERT(total <= size);
		if (got == 0) {
			FERRY_ASSERT(total == size);
			break;
		}
		if (total >= ZIP_FUZZ_READ)
			break;
	}
	ferry_reader_close(r);
}

/* List folder path page by page; queue subfolders; read members. */
static void
zip_fuzz_list(struct ferry_backend *zb, const char *path, char **queue,
    size_t *nq, unsigned *reads)
{
	struct ferry_query q;
	struct ferry_page page;
	struct ferry_error err;
	char		*cursor = NULL, *child;
	uint64_t	 seen = 0, total = 0;
	size_t		 i;

	ferry_query_init(&q);
	q.limit = 7;
	do {
		q.cursor = cursor;
		ferry_page_init(&page);
		FERRY_ASSERT(ferry_backend_list(zb, path, &q, &page, &err) ==
		    FERRY_OK);
		free(cursor);
		cursor = NULL;
		total = page.total;
		for (i = 0; i < page.n; i++) {
			const struct ferry_entry *e = &page.v[i];

			FERRY_ASSERT(ferry_name_check(e->name,
			    strlen(e->name), NULL) == FERRY_OK);
			child = ferry_path_join(path, e->name);
			if (e->kind == FERRY_KIND_FOLDER &&
			    *nq < ZIP_FUZZ_FOLDERS)
				queue[(*nq)++] = child;
			else {
				if (e->kind == FERRY_KIND_ITEM &&
				    (*reads)++ < ZIP_FUZZ_MEMBERS)
					zip_fuzz_read(zb, child, e->size);
				free(child);
			}
		}
		seen += page.n;
		if (page.next_cursor != NULL)
			cursor = xstrdup(page.next_cursor);
		ferry_page_done(&page);
	} while (cursor != NULL);
	FERRY_ASSERT(seen == total);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct zip_fuzz_mem m;
	struct ferry_backend *zb;
	struct ferry_error err;
	struct backend_zip_info in;
	struct ferry_summary s;
	char		*queue[ZIP_FUZZ_FOLDERS + 1];
	size_t		 nq = 0, i;
	unsigned	 reads = 0;

	memset(&m, 0, sizeof m);
	m.b.ops = &zip_fuzz_ops;
	m.b.label = (char *)"mem:";
	m.p = data;
	m.n = size;
	if (backend_zip_open(&m.b, "/a.zip", NULL, &zb, &err) != FERRY_OK) {
		FERRY_ASSERT(strstr(err.msg, "/a.zip") != NULL);
		return 0;
	}
	FERRY_ASSERT(backend_zip_info(zb, &in, &err) == FERRY_OK);
	FERRY_ASSERT(in.list_requests <= 3);
	FERRY_ASSERT(in.list_bytes <= size);
	FERRY_ASSERT(ferry_backend_summary(zb, "/", &s, &err) == FERRY_OK);
	FERRY_ASSERT(s.items == in.items && s.folders == in.folders);
	queue[nq++] = xstrdup("/");
	for (i = 0; i < nq; i++)
		zip_fuzz_list(zb, queue[i], queue, &nq, &reads);
	for (i = 0; i < nq; i++)
		free(queue[i]);
	ferry_backend_close(zb);
	return 0;
}
