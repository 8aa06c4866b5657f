/* SPDX-License-Identifier: MIT */
/*
 * A block cache over range reads of one item on any backend, for readers
 * of structured files (the ZIP reader) that make many small reads: it
 * turns them into few, larger requests to the backend and counts what it
 * fetched.
 *
 * Three ways to read:
 * - blockcache_prefetch(): fetch exactly this range in one request and
 *   keep it (the tail of an archive, whose position is known up front);
 * - blockcache_read(): small reads through the cache; a miss fetches the
 *   aligned blocks around it, plus a read-ahead window that doubles while
 *   misses are sequential, and never bytes that are cached already;
 * - blockcache_stream(): a long sequential range (a central directory, a
 *   member's data) as one stream: cached parts are served from memory and
 *   each uncached run is one request streamed straight through, never
 *   held whole in memory.
 * Memory is bounded by the capacity (LRU eviction of fetched runs) plus
 * one buffer per open stream on the backend's side.
 *
 * A cache and its streams are used by one thread at a time; streams must
 * be closed before the cache is freed.  The backend stays the caller's.
 */
#ifndef FERRY_BLOCKCACHE_H
#define FERRY_BLOCKCACHE_H

#include <stddef.h>
#include <stdint.h>

#include "ferry/backend.h"
#include "ferry/error.h"
#include "ferry/stream.h"

#define BLOCKCACHE_BLOCK	(64 * 1024)
#define BLOCKCACHE_CAPACITY	(8 * 1024 * 1024)
#define BLOCKCACHE_READAHEAD	(1024 * 1024)

struct blockcache_opts {
	size_t		 block;		/* alignment; 0: BLOCKCACHE_BLOCK */
	size_t		 capacity;	/* bytes kept; 0: BLOCKCACHE_CAPACITY */
	size_t		 readahead_max;	/* 0: BLOCKCACHE_READAHEAD */
};

/* What went to the backend, and what did not need to. */
struct blockcache_stats {
	uint64_t	 requests;	/* open_read calls on the backend */
	uint64_t	 bytes;		/* bytes received from them */
	uint64_t	 hits;		/* reads served from memory alone */
	uint64_t	 misses;	/* reads that needed a request */
};

struct blockcache;

/*
 * A cache over the item at path on base, `size` bytes long (known from a
 * stat).  o may be NULL.  cancel, when not NULL, points at a pointer to a
 * flag (a backend's `cancel` field): nonzero makes the next request fail
 * with FERRY_E_CANCELLED.
 */
struct blockcache *blockcache_new(struct ferry_backend *base,
		    const char *path, uint64_t size,
		    const struct blockcache_opts *o,
		    volatile int *const *cancel);
/* Free bc and its blocks (NULL is a no-op). */
void		 blockcache_free(struct blockcache *bc);

/* Fetch [off, off+len) in one request unless it is all cached. */
enum ferry_code	 blockcache_prefetch(struct blockcache *bc, uint64_t off,
		    size_t len, struct ferry_error *err);
/*
 * Exactly len bytes at off into buf.  A range past the item's end is
 * FERRY_E_CORRUPT (the caller's offsets come from the file itself); an
 * item that turns out shorter than its size is FERRY_E_CONFLICT.
 */
enum ferry_code	 blockcache_read(struct blockcache *bc, uint64_t off,
		    void *buf, size_t len, struct ferry_error *err);
/* A reader of [off, off+len) (see above).  Blocking. */
enum ferry_code	 blockcache_stream(struct blockcache *bc, uint64_t off,
		    uint64_t len, struct ferry_reader **out,
		    struct ferry_error *err);

void		 blockcache_stats(const struct blockcache *bc,
		    struct blockcache_stats *out);

#endif
