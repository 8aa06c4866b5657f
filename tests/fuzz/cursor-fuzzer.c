/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target for the keyset paging cursor (src/core/query.c).  A cursor
 * comes back from a client (the CLI, later ferryd's ?cursor=), so it is
 * outside input.
 *
 * 1. The input, cut at its first NUL, is decoded as a cursor under every
 *    order and direction.  A cursor decodes for at most one of them (it
 *    records the order it was made for); when it does, the key has a
 *    valid kind and type and a non-empty name, it re-encodes to a cursor
 *    that decodes to a key equal under ferry_query_cmp, and a cursor in
 *    the canonical form ferry_cursor_encode writes re-encodes to the very
 *    same text.
 * 2. The input is also read as an entry (kind, type, size, times, MIME
 *    and name from its bytes); its cursor under every order must decode,
 *    be base64url only, and give a key that compares equal to the entry.
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

#define CURSOR_FUZZ_NAME_MAX	1024	/* name bytes a cursor keeps */
#define CURSOR_FUZZ_MIME_MAX	255	/* MIME bytes a cursor keeps */

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
cursor_fuzz_query(struct ferry_query *q, int order, bool desc)
{
	ferry_query_init(q);
	q->order = (enum ferry_order)order;
	q->desc = desc;
}

/* True when ferry_cursor_encode would write exactly this key's record. */
static bool
cursor_fuzz_canonical(const struct ferry_query *q,
    const struct ferry_entry *key)
{
	if (q->order != FERRY_ORDER_SIZE && q->order != FERRY_ORDER_CREATED &&
	    key->size != 0)
		return false;
	if (q->order != FERRY_ORDER_TYPE && key->mime != NULL)
		return false;
	if (strlen(key->name) > CURSOR_FUZZ_NAME_MAX)
		return false;
	return key->mime == NULL || strlen(key->mime) <= CURSOR_FUZZ_MIME_MAX;
}

/* Part 1: decode text as a cursor under every order and direction. */
static void
cursor_fuzz_decode(const char *text)
{
	struct ferry_query	 q;
	struct ferry_entry	 key, key2;
	struct ferry_arena	 a;
	struct ferry_error	 err;
	enum ferry_code		 code;
	char			*again;
	int			 order, decoded = 0;
	bool			 desc;

	ferry_arena_init(&a);
	for (order = 0; order <= FERRY_ORDER_TYPE; order++)
	for (desc = false;; desc = true) {
		cursor_fuzz_query(&q, order, desc);
		ferry_error_clear(&err);
		code = ferry_cursor_decode(&q, text, &key, &a, &err);
		if (code != FERRY_OK) {
			FERRY_ASSERT(code == FERRY_E_INVALID &&
			    err.code == code && err.msg[0] != '\0');
			FERRY_ASSERT(key.name != NULL && key.kind == 0);
		} else {
			decoded++;
			FERRY_ASSERT(key.kind == FERRY_KIND_FOLDER ||
			    key.kind == FERRY_KIND_ITEM);
			FERRY_ASSERT(key.type < FERRY_TYPE__COUNT);
			FERRY_ASSERT(key.name != NULL && key.name[0] != '\0');
			again = ferry_cursor_encode(&q, &key, &a);
			if (ferry_cursor_decode(&q, again, &key2, &a,
			    &err) != FERRY_OK) {
				fprintf(stderr, "cursor-fuzzer: '%s' re-encoded "
				    "as '%s' does not decode: %s\n", text,
				    again, err.msg);
				abort();
			}
			FERRY_ASSERT(ferry_query_cmp(&q, &key, &key2) == 0);
			FERRY_ASSERT(key2.kind == key.kind &&
			    key2.type == key.type);
			if (cursor_fuzz_canonical(&q, &key) &&
			    strcmp(again, text) != 0) {
				fprintf(stderr, "cursor-fuzzer: canonical '%s' "
				    "re-encoded as '%s'\n", text, again);
				abort();
			}
		}
		if (desc)
			break;
	}
	FERRY_ASSERT(decoded <= 1);
	ferry_arena_done(&a);
}

/* Take n bytes of input (fewer at the end) into *v, big-endian. */
static uint64_t
cursor_fuzz_take(const uint8_t **p, const uint8_t *end, size_t n)
{
	uint64_t	 v = 0;

	while (n-- > 0 && *p < end)
		v = (v << 8) | *(*p)++;
	return v;
}

/* Part 2: the input read as an entry; its cursors decode back to it. */
static void
cursor_fuzz_encode(const uint8_t *data, size_t size)
{
	const uint8_t		*p = data, *end = data + size;
	struct ferry_query	 q;
	struct ferry_entry	 e, key;
	struct ferry_arena	 a;
	struct ferry_error	 err;
	const char		*c;
	char			*cur, *mime = NULL, *name;
	size_t			 mlen, nlen;
	int			 order;
	bool			 desc;

	if (size < 12)
		return;
	memset(&e, 0, sizeof e);
	e.kind = (*p & 1) ? FERRY_KIND_FOLDER : FERRY_KIND_ITEM;
	e.type = (uint8_t)((*p++ >> 1) % FERRY_TYPE__COUNT);
	e.size = cursor_fuzz_take(&p, end, 4) << (*p & 31);
	e.created = (int64_t)cursor_fuzz_take(&p, end, 3) - 0x100000;
	e.modified = (int64_t)cursor_fuzz_take(&p, end, 3);
	mlen = cursor_fuzz_take(&p, end, 1) % 32;
	if (mlen > (size_t)(end - p))
		mlen = (size_t)(end - p);
	if (mlen > 0) {
		mime = xstrndup((const char *)p, mlen);
		p += mlen;
	}
	nlen = (size_t)(end - p);
	if (nlen > FERRY_NAME_MAX)
		nlen = FERRY_NAME_MAX;
	name = xstrndup((const char *)p, nlen);
	if (name[0] == '\0')
		goto out;
	e.name = name;
	e.mime = mime;

	ferry_arena_init(&a);
	for (order = 0; order <= FERRY_ORDER_TYPE; order++)
	for (desc = false;; desc = true) {
		cursor_fuzz_query(&q, order, desc);
		cur = ferry_cursor_encode(&q, &e, &a);
		for (c = cur; *c != '\0'; c++)
			FERRY_ASSERT(strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZ"
			    "abcdefghijklmnopqrstuvwxyz0123456789-_", *c) !=
			    NULL);
		if (ferry_cursor_decode(&q, cur, &key, &a, &err) !=
		    FERRY_OK) {
			fprintf(stderr, "cursor-fuzzer: cursor '%s' of an "
			    "entry does not decode: %s\n", cur, err.msg);
			abort();
		}
		FERRY_ASSERT(key.kind == e.kind && key.type == e.type);
		FERRY_ASSERT(strcmp(key.name, e.name) == 0);
		FERRY_ASSERT(ferry_query_cmp(&q, &key, &e) == 0);
		if (desc)
			break;
	}
	ferry_arena_done(&a);
out:
	free(name);
	free(mime);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	*text;

	if (size > 8192)
		return 0;
	text = xmalloc(size + 1);
	memcpy(text, data, size);
	text[size] = '\0';
	cursor_fuzz_decode(text);
	free(text);
	cursor_fuzz_encode(data, size);
	return 0;
}
