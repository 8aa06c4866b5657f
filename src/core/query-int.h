/* SPDX-License-Identifier: MIT */
/*
 * Inside core/: the name order of query.c, shared with brief.c so that a
 * brief listing sorts exactly as ferry_query_cmp() does.  Pure; any
 * thread.
 */
#ifndef FERRY_CORE_QUERY_INT_H
#define FERRY_CORE_QUERY_INT_H

#include <stdint.h>

/*
 * Decode the code point at *sp and advance past it; a byte that starts
 * no valid UTF-8 sequence is 0x110000 + the byte (above every code
 * point).  *sp must not point at the terminating NUL.
 */
uint32_t	 query_next(const unsigned char **sp);

/* Names folded (ferry_fold_cp), then by bytes: <0, 0 or >0. */
int		 query_name_cmp(const char *a, const char *b);

#endif
