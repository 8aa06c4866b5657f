/* SPDX-License-Identifier: MIT */
/*
 * Small internal helpers used by every module: allocation that aborts on
 * out-of-memory (for small, internally sized data only; outside-sized data
 * grows in bounded buffers that fail with FERRY_E_LIMIT), clocks, and an
 * assert that reports file:line.
 */
#ifndef FERRY_UTIL_H
#define FERRY_UTIL_H

#include <stddef.h>
#include <stdint.h>

void	*xmalloc(size_t n);
void	*xcalloc(size_t nmemb, size_t size);
void	*xrealloc(void *p, size_t n);
/* Grow an array: xreallocarray(p, nmemb, size) with overflow check. */
void	*xreallocarray(void *p, size_t nmemb, size_t size);
char	*xstrdup(const char *s);
char	*xstrndup(const char *s, size_t n);
char	*xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Wall clock in ms since the epoch. */
int64_t	 ferry_now_ms(void);
/* Monotonic clock in ns. */
uint64_t ferry_mono_ns(void);

/* Called on a programmer error: prints file:line and aborts. */
void	 ferry_assert_fail(const char *expr, const char *file, int line)
	    __attribute__((noreturn));

#define FERRY_ASSERT(x) \
	((x) ? (void)0 : ferry_assert_fail(#x, __FILE__, __LINE__))

#define FERRY_NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* For unit tests: statics are visible when built with -DFERRY_UNITTEST. */
#ifdef FERRY_UNITTEST
#define FERRY_STATIC
#else
#define FERRY_STATIC static
#endif

#endif
