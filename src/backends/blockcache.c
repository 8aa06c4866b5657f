/* SPDX-License-Identifier: MIT */
/*
 * The block cache (see blockcache.h).  The cache is a short list of
 * "runs": byte ranges fetched in one request each, never overlapping,
 * with an LRU tick.  There are at most capacity / block of them, so the
 * linear scans below stay cheap.
 *
 * Invariants: runs never overlap; the bytes held never exceed the
 * capacity after a fetch completes (the run just fetched is the last to
 * go); every request to the backend is counted in stats.requests and
 * every byte received in stats.bytes.
 *
 * One thread at a time.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ferry/backend.h"
#include "ferry/error.h"
#include "ferry/stream.h"
#include "backends/blockcache.h"
#include "core/util.h"

struct bc_run {
	uint64_t	 off;
	size_t		 len;
	uint64_t	 tick;		/* last use */
	uint8_t		*data;
	struct bc_run	*next;
};

struct blockcache {
	struct ferry_backend *base;
	char		*path;
	uint64_t	 size;
	size_t		 block, capacity, ra_max;
	size_t		 held;		/* bytes in runs */
	size_t		 ra;		/* current read-ahead */
	uint64_t	 last_end;	/* end of the last miss's fetch */
	uint64_t	 tick;
	volatile int	*const *cancel;
	struct bc_run	*runs;
	struct blockcache_stats st;
};

struct blockcache *
blockcache_new(struct ferry_backend *base, const char *path, uint64_t size,
    const struct blockcache_opts *o, volatile int *const *cancel)
{
	struct blockcache *bc;

	bc = xcalloc(1, sizeof *bc);
	bc->base = base;
	bc->path = xstrdup(path);
	bc->size = size;
	bc->block = o != NULL && o->block != 0 ? o->block : BLOCKCACHE_BLOCK;
	bc->capacity = o != NULL && o->capacity != 0 ? o->capacity :
	    BLOCKCACHE_CAPACITY;
	bc->ra_max = o != NULL && o->readahead_max != 0 ? o->readahead_max :
	    BLOCKCACHE_READAHEAD;
	if (bc->capacity < 2 * bc->block)
		bc->capacity = 2 * bc->block;
	bc->last_end = UINT64_MAX;
	bc->cancel = cancel;
	return bc;
}

void
blockcache_free(struct blockcache *bc)
{
	struct bc_run	*r, *next;

	if (bc == NULL)
		return;
	for (r = bc->runs; r != NULL; r = next) {
		next = r->next;
		free(r->data);
		free(r);
	}
	free(bc->path);
	free(bc);
}

void
blockcache_stats(const struct blockcache *bc, struct blockcache_stats *out)
{
	*out = bc->st;
}

static enum ferry_code
bc_cancelled(const struct blockcache *bc, struct ferry_error *err)
{
	if (bc->cancel != NULL && *bc->cancel != NULL && **bc->cancel != 0)
		return ferry_error_set(err, FERRY_E_CANCELLED,
		    "%s%s: cancelled", bc->base->label != NULL ?
		    bc->base->label : "", bc->path);
	return FERRY_OK;
}

/* One request: open a backend stream over [off, off+len). */
static enum ferry_code
bc_open(struct blockcache *bc, uint64_t off, uint64_t len,
    struct ferry_reader **out, struct ferry_error *err)
{
	enum ferry_code	 result;

	if ((result = bc_cancelled(bc, err)) != FERRY_OK)
		return result;
	bc->st.requests++;
	return ferry_backend_open_read(bc->base, bc->path, off, len, out, err);
}

/* The error for an item that gave fewer bytes than its size says. */
static enum ferry_code
bc_short(const struct blockcache *bc, uint64_t at, struct ferry_error *err)
{
	return ferry_error_set(err, FERRY_E_CONFLICT,
	    "%s%s: the file ended at offset %llu, before its size of %llu "
	    "bytes: it changed while being read", bc->base->label != NULL ?
	    bc->base->label : "", bc->path, (unsigned long long)at,
	    (unsigned long long)bc->size);
}

/* Fetch [off, off+len) into buf in one request. */
static enum ferry_code
bc_fetch(struct blockcache *bc, uint64_t off, void *buf, size_t len,
    struct ferry_error *err)
{
	struct ferry_reader *r;
	enum ferry_code	 result;
	size_t		 got = 0;

	if ((result = bc_open(bc, off, len, &r, err)) != FERRY_OK)
		return result;
	result = ferry_reader_read_full(r, buf, len, &got, err);
	ferry_reader_close(r);
	bc->st.bytes += got;
	if (result == FERRY_OK && got < len)
		result = bc_short(bc, off + got, err);
	return result;
}

/* The run holding byte off, or NULL. */
static struct bc_run *
bc_find(struct blockcache *bc, uint64_t off)
{
	struct bc_run	*r;

	for (r = bc->runs; r != NULL; r = r->next)
		if (off >= r->off && off - r->off < r->len)
			return r;
	return NULL;
}

/* The first cached byte at or after off, below limit; else limit. */
static uint64_t
bc_next_cached(const struct blockcache *bc, uint64_t off, uint64_t limit)
{
	const struct bc_run *r;

	for (r = bc->runs; r != NULL; r = r->next)
		if (r->off >= off && r->off < limit)
			limit = r->off;
	return limit;
}

/* The end of the cached run that ends in (lo, off], else lo. */
static uint64_t
bc_prev_end(const struct blockcache *bc, uint64_t lo, uint64_t off)
{
	const struct bc_run *r;

	for (r = bc->runs; r != NULL; r = r->next)
		if (r->off + r->len > lo && r->off + r->len <= off)
			lo = r->off + r->len;
	return lo;
}

/* Drop least recently used runs (but not keep) down to the capacity. */
static void
bc_evict(struct blockcache *bc, const struct bc_run *keep)
{
	struct bc_run	**pp, **victim, *r;

	while (bc->held > bc->capacity) {
		victim = NULL;
		for (pp = &bc->runs; *pp != NULL; pp = &(*pp)->next)
			if (*pp != keep && (victim == NULL ||
			    (*pp)->tick < (*victim)->tick))
				victim = pp;
		if (victim == NULL)
			return;
		r = *victim;
		*victim = r->next;
		bc->held -= r->len;
		free(r->data);
		free(r);
	}
}

/* Fetch [off, off+len) as a new run. */
static enum ferry_code
bc_add_run(struct blockcache *bc, uint64_t off, size_t len,
    struct bc_run **out, struct ferry_error *err)
{
	struct bc_run	*r;
	enum ferry_code	 result;

	r = xcalloc(1, sizeof *r);
	r->data = xmalloc(len);
	if ((result = bc_fetch(bc, off, r->data, len, err)) != FERRY_OK) {
		free(r->data);
		free(r);
		return result;
	}
	r->off = off;
	r->len = len;
	r->tick = ++bc->tick;
	r->next = bc->runs;
	bc->runs = r;
	bc->held += len;
	bc_evict(bc, r);
	*out = r;
	return FERRY_OK;
}

static enum ferry_code
bc_range_check(const struct blockcache *bc, uint64_t off, uint64_t len,
    struct ferry_error *err)
{
	if (off > bc->size || len > bc->size - off)
		return ferry_error_set(err, FERRY_E_CORRUPT,
		    "%s%s: a read of %llu bytes at offset %llu goes past the "
		    "end of the file (%llu bytes)", bc->base->label != NULL ?
		    bc->base->label : "", bc->path, (unsigned long long)len,
		    (unsigned long long)off, (unsigned long long)bc->size);
	return FERRY_OK;
}

enum ferry_code
blockcache_prefetch(struct blockcache *bc, uint64_t off, size_t len,
    struct ferry_error *err)
{
	struct bc_run	*r;
	enum ferry_code	 result;
	uint64_t	 pos = off, next, end = off + len;

	if ((result = bc_range_check(bc, off, len, err)) != FERRY_OK)
		return result;
	/* Each uncached gap of the range is one exact request. */
	while (pos < end) {
		if ((r = bc_find(bc, pos)) != NULL) {
			r->tick = ++bc->tick;
			pos = r->off + r->len;
			continue;
		}
		next = bc_next_cached(bc, pos, end);
		if ((result = bc_add_run(bc, pos, (size_t)(next - pos), &r,
		    err)) != FERRY_OK)
			return result;
		pos = next;
	}
	return FERRY_OK;
}

/*
 * The range a miss at off (want bytes wanted) fetches: aligned blocks,
 * read-ahead when sequential, clipped to the file and to cached bytes.
 */
static void
bc_miss_range(struct blockcache *bc, uint64_t off, size_t want,
    uint64_t *start, uint64_t *end)
{
	uint64_t	 b = bc->block;

	if (off == bc->last_end)
		bc->ra = bc->ra == 0 ? bc->block : bc->ra * 2;
	else
		bc->ra = 0;
	if (bc->ra > bc->ra_max)
		bc->ra = bc->ra_max;
	*start = bc_prev_end(bc, off - off % b, off);
	*end = off + want;
	if (*end % b != 0)
		*end += b - *end % b;
	*end += bc->ra;
	if (*end > bc->size || *end < off)
		*end = bc->size;
	if (*end - *start > bc->capacity / 2)	/* keep the cache useful */
		*end = *start + bc->capacity / 2 > off + want ?
		    *start + bc->capacity / 2 : off + want;
	*end = bc_next_cached(bc, off, *end);
	bc->last_end = *end;
}

enum ferry_code
blockcache_read(struct blockcache *bc, uint64_t off, void *buf, size_t len,
    struct ferry_error *err)
{
	struct bc_run	*r;
	enum ferry_code	 result;
	uint64_t	 start, end;
	uint8_t		*o = buf;
	size_t		 n;
	bool		 missed = false;

	if ((result = bc_range_check(bc, off, len, err)) != FERRY_OK)
		return result;
	if (len > bc->capacity / 2) {	/* too big to keep: straight */
		bc->st.misses++;
		return bc_fetch(bc, off, buf, len, err);
	}
	while (len > 0) {
		if ((r = bc_find(bc, off)) == NULL) {
			missed = true;
			bc_miss_range(bc, off, len, &start, &end);
			result = bc_add_run(bc, start, (size_t)(end - start),
			    &r, err);
			if (result != FERRY_OK)
				return result;
		}
		r->tick = ++bc->tick;
		n = r->off + r->len - off;
		if (n > len)
			n = len;
		memcpy(o, r->data + (off - r->off), n);
		o += n;
		off += n;
		len -= n;
	}
	if (missed)
		bc->st.misses++;
	else
		bc->st.hits++;
	return FERRY_OK;
}

/* -------- streams -------- */

struct bc_stream {
	struct ferry_reader r;
	struct blockcache *bc;
	uint64_t	 pos, end;
	struct ferry_reader *in;	/* backend stream at pos, or NULL */
	uint64_t	 in_end;
};

static enum ferry_code
bc_stream_read(struct ferry_reader *rd, void *buf, size_t len, size_t *got,
    struct ferry_error *err)
{
	struct bc_stream *s = (struct bc_stream *)rd;
	struct blockcache *bc = s->bc;
	struct bc_run	*run;
	enum ferry_code	 result;

	*got = 0;
	if (s->pos >= s->end || len == 0)
		return FERRY_OK;
	if (len > s->end - s->pos)
		len = (size_t)(s->end - s->pos);
	if (s->in == NULL && (run = bc_find(bc, s->pos)) != NULL) {
		run->tick = ++bc->tick;
		*got = (size_t)(run->off + run->len - s->pos);
		if (*got > len)
			*got = len;
		memcpy(buf, run->data + (s->pos - run->off), *got);
		s->pos += *got;
		return FERRY_OK;
	}
	if (s->in == NULL) {
		s->in_end = bc_next_cached(bc, s->pos, s->end);
		result = bc_open(bc, s->pos, s->in_end - s->pos, &s->in, err);
		if (result != FERRY_OK)
			return result;
	} else if ((result = bc_cancelled(bc, err)) != FERRY_OK)
		return result;
	if (len > s->in_end - s->pos)
		len = (size_t)(s->in_end - s->pos);
	result = ferry_reader_read(s->in, buf, len, got, err);
	if (result != FERRY_OK)
		return result;
	bc->st.bytes += *got;
	if (*got == 0)
		return bc_short(bc, s->pos, err);
	s->pos += *got;
	if (s->pos == s->in_end) {
		ferry_reader_close(s->in);
		s->in = NULL;
	}
	return FERRY_OK;
}

static void
bc_stream_close(struct ferry_reader *rd)
{
	struct bc_stream *s = (struct bc_stream *)rd;

	ferry_reader_close(s->in);
	free(s);
}

static const struct ferry_reader_ops bc_stream_ops = {
	bc_stream_read,
	bc_stream_close,
};

enum ferry_code
blockcache_stream(struct blockcache *bc, uint64_t off, uint64_t len,
    struct ferry_reader **out, struct ferry_error *err)
{
	struct bc_stream *s;
	enum ferry_code	 result;

	*out = NULL;
	if ((result = bc_range_check(bc, off, len, err)) != FERRY_OK)
		return result;
	s = xcalloc(1, sizeof *s);
	s->r.ops = &bc_stream_ops;
	s->r.size = len;
	s->r.size_known = true;
	s->r.name = bc->path;
	s->bc = bc;
	s->pos = off;
	s->end = off + len;
	*out = &s->r;
	return FERRY_OK;
}
