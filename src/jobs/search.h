/* SPDX-License-Identifier: MIT */
/*
 * Finding a byte string in an item too big to hold in memory: the
 * viewer's search, which the worker runs over range reads.
 *
 * The item is read in windows of `block` bytes plus the pattern's length
 * less one, each window starting `block` bytes after the one before (or
 * before it, searching backward), so a match that straddles two windows is
 * whole in the first of them and is reported exactly once.  Memory is one
 * window, whatever the item's size.
 *
 * Matching is on bytes; with icase, ASCII letters match either case (the
 * viewer asks for that when the pattern has no capital letter, as vim's
 * smartcase does).
 *
 * Pure: the reads and the progress reports go through callbacks, so the
 * same loop runs on a backend (jobs/worker.c, on a worker thread) and on
 * memory (the unit tests).  No state outside the call.
 */
#ifndef FERRY_JOBS_SEARCH_H
#define FERRY_JOBS_SEARCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ferry/error.h"

#define SEARCH_PATTERN_MAX	4096		/* bytes */
#define SEARCH_BLOCK		(1024 * 1024)	/* bytes per read */
#define SEARCH_NONE		SIZE_MAX	/* search_mem: no match */

/* Read up to len bytes at off; *got < len only at the end of the item. */
typedef enum ferry_code (*search_read_cb)(void *ud, uint64_t off, void *buf,
		    size_t len, size_t *got, struct ferry_error *err);

/*
 * After each window: done of total bytes looked at.  Return false to stop
 * (the search then ends with FERRY_E_CANCELLED).
 */
typedef bool	(*search_progress_cb)(void *ud, uint64_t done, uint64_t total);

struct search_opts {
	const char	*pat;		/* the bytes to find */
	size_t		 len;		/* 1..SEARCH_PATTERN_MAX */
	bool		 icase;		/* ASCII letters in either case */
	bool		 backward;
	/*
	 * Forward: the first match starting at or after `from`.  Backward:
	 * the last match starting before `from`.
	 */
	uint64_t	 from;
	uint64_t	 size;		/* bytes in the item */
	size_t		 block;		/* bytes per window; 0: SEARCH_BLOCK */
};

/*
 * The first (or with last, the last) match of the m bytes of pat in the n
 * bytes at h that starts before index limit and ends inside h; its index,
 * or SEARCH_NONE.
 */
size_t		 search_mem(const unsigned char *h, size_t n, const char *pat,
		    size_t m, bool icase, bool last, size_t limit);

/* Smartcase: true (ignore case) when pat has no ASCII capital letter. */
bool		 search_smartcase(const char *pat, size_t len);

/*
 * Run a search.  *found is the offset of the match, or -1 when there is
 * none.  Fails with the read's error, with FERRY_E_CANCELLED when progress
 * said to stop, or FERRY_E_INVALID for an empty or too long pattern.
 */
enum ferry_code	 search_run(const struct search_opts *o, search_read_cb rd,
		    search_progress_cb progress, void *ud, int64_t *found,
		    struct ferry_error *err);

#endif
