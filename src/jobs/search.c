/* SPDX-License-Identifier: MIT */
/*
 * Byte-string search over windows of range reads (see search.h).
 *
 * Invariant of the loop: every offset a match may start at is looked at
 * in exactly one window.  Forward, window k covers starts in
 * [from + k*block, from + (k+1)*block) and reads block + len - 1 bytes;
 * backward, windows cover starts in [end - block, end) walking down from
 * min(from, size - len + 1).  Pure, no state; any thread.
 */
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "jobs/search.h"

static unsigned char
search_lower(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c - 'A' + 'a') : c;
}

static bool
search_eq(const unsigned char *h, const char *pat, size_t m, bool icase)
{
	size_t	 i;

	if (!icase)
		return memcmp(h, pat, m) == 0;
	for (i = 0; i < m; i++)
		if (search_lower(h[i]) !=
		    search_lower((unsigned char)pat[i]))
			return false;
	return true;
}

size_t
search_mem(const unsigned char *h, size_t n, const char *pat, size_t m,
    bool icase, bool last, size_t limit)
{
	const unsigned char	*p;
	size_t			 i, starts;

	if (m == 0 || m > n)
		return SEARCH_NONE;
	starts = n - m + 1;	/* starts where the match ends inside h */
	if (limit < starts)
		starts = limit;
	if (starts == 0)
		return SEARCH_NONE;
	if (!last && !icase) {
		p = memmem(h, starts + m - 1, pat, m);
		return p != NULL ? (size_t)(p - h) : SEARCH_NONE;
	}
	if (!last) {
		for (i = 0; i < starts; i++)
			if (search_eq(h + i, pat, m, true))
				return i;
		return SEARCH_NONE;
	}
	for (i = starts; i-- > 0; )
		if (search_eq(h + i, pat, m, icase))
			return i;
	return SEARCH_NONE;
}

bool
search_smartcase(const char *pat, size_t len)
{
	size_t	 i;

	for (i = 0; i < len; i++)
		if (pat[i] >= 'A' && pat[i] <= 'Z')
			return false;
	return true;
}

/* Read exactly [off, off + len) or less at the end; loops on short reads. */
static enum ferry_code
search_read(search_read_cb rd, void *ud, uint64_t off, unsigned char *buf,
    size_t len, size_t *got, struct ferry_error *err)
{
	enum ferry_code	 result;
	size_t		 n;

	*got = 0;
	while (*got < len) {
		result = rd(ud, off + *got, buf + *got, len - *got, &n, err);
		if (result != FERRY_OK)
			return result;
		if (n == 0)
			break;
		*got += n;
	}
	return FERRY_OK;
}

static enum ferry_code
search_forward(const struct search_opts *o, size_t block, unsigned char *buf,
    search_read_cb rd, search_progress_cb progress, void *ud, int64_t *found,
    struct ferry_error *err)
{
	enum ferry_code	 result;
	uint64_t	 pos = o->from, want;
	size_t		 got, i, limit;

	while (pos < o->size && o->size - pos >= o->len) {
		want = o->size - pos;
		if (want > block + o->len - 1)
			want = block + o->len - 1;
		result = search_read(rd, ud, pos, buf, (size_t)want, &got,
		    err);
		if (result != FERRY_OK)
			return result;
		if (got < o->len)
			break;
		limit = got - o->len + 1 < block ? got - o->len + 1 : block;
		i = search_mem(buf, got, o->pat, o->len, o->icase, false,
		    limit);
		if (i != SEARCH_NONE) {
			*found = (int64_t)(pos + i);
			return FERRY_OK;
		}
		if (got < want)
			break;		/* the item ended early */
		pos += block;
		if (progress != NULL && !progress(ud, pos - o->from,
		    o->size - o->from))
			return ferry_error_set(err, FERRY_E_CANCELLED,
			    "search cancelled at offset %llu",
			    (unsigned long long)pos);
	}
	return FERRY_OK;
}

static enum ferry_code
search_backward(const struct search_opts *o, size_t block, unsigned char *buf,
    search_read_cb rd, search_progress_cb progress, void *ud, int64_t *found,
    struct ferry_error *err)
{
	enum ferry_code	 result;
	uint64_t	 end, start, total;
	size_t		 got, i, limit;

	if (o->size < o->len)
		return FERRY_OK;
	end = o->size - o->len + 1;	/* one past the last possible start */
	if (o->from < end)
		end = o->from;
	total = end;
	while (end > 0) {
		start = end > block ? end - block : 0;
		result = search_read(rd, ud, start, buf,
		    (size_t)(end - start) + o->len - 1, &got, err);
		if (result != FERRY_OK)
			return result;
		limit = got >= o->len ? got - o->len + 1 : 0;
		if (limit > end - start)
			limit = (size_t)(end - start);
		i = search_mem(buf, got, o->pat, o->len, o->icase, true,
		    limit);
		if (i != SEARCH_NONE) {
			*found = (int64_t)(start + i);
			return FERRY_OK;
		}
		end = start;
		if (end > 0 && progress != NULL &&
		    !progress(ud, total - end, total))
			return ferry_error_set(err, FERRY_E_CANCELLED,
			    "search cancelled at offset %llu",
			    (unsigned long long)end);
	}
	return FERRY_OK;
}

enum ferry_code
search_run(const struct search_opts *o, search_read_cb rd,
    search_progress_cb progress, void *ud, int64_t *found,
    struct ferry_error *err)
{
	enum ferry_code	 result;
	unsigned char	*buf;
	size_t		 block = o->block != 0 ? o->block : SEARCH_BLOCK;

	*found = -1;
	if (o->len == 0)
		return ferry_error_set(err, FERRY_E_INVALID,
		    "search: the pattern is empty");
	if (o->len > SEARCH_PATTERN_MAX)
		return ferry_error_set(err, FERRY_E_INVALID,
		    "search: the pattern is %zu bytes, longer than the "
		    "limit of %d", o->len, SEARCH_PATTERN_MAX);
	buf = xmalloc(block + o->len);
	if (o->backward)
		result = search_backward(o, block, buf, rd, progress, ud,
		    found, err);
	else
		result = search_forward(o, block, buf, rd, progress, ud,
		    found, err);
	free(buf);
	return result;
}
