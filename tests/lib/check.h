/* SPDX-License-Identifier: MIT */
/*
 * A tiny table-driven unit test harness.  Each test is a function; CHECK*
 * macros record failures with file:line and keep going.  Output is TAP-like
 * ("ok - name" / "not ok - name") so tests/run.sh can count it, and the
 * binary exits 1 when any test failed.
 *
 *	static void test_x(void) { CHECK(1 + 1 == 2); }
 *	static const struct check_test tests[] = { CHECK_TEST(test_x), {0} };
 *	int main(int argc, char **argv) { return check_main(tests, argc, argv); }
 */
#ifndef FERRY_CHECK_H
#define FERRY_CHECK_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct check_test {
	const char	*name;
	void		(*fn)(void);
};

#define CHECK_TEST(f) { #f, f }

static int check_cur_failed;

static inline void __attribute__((format(printf, 3, 4)))
check_failf(const char *file, int line, const char *fmt, ...)
{
	va_list	 ap;

	check_cur_failed++;
	printf("#   %s:%d: ", file, line);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

#define CHECK(c) do { if (!(c)) check_failf(__FILE__, __LINE__, "%s", #c); } \
	while (0)

/* expr returns an enum ferry_code that must equal want. */
#define CHECK_CODE(expr, want) do {					\
	int check_got_ = (int)(expr);					\
	if (check_got_ != (int)(want))					\
		check_failf(__FILE__, __LINE__,				\
		    "%s gave %d, wanted %d (%s)", #expr, check_got_,	\
		    (int)(want), #want);				\
} while (0)

#define CHECK_STR(a, b) do {						\
	const char *check_a_ = (a), *check_b_ = (b);			\
	if (check_a_ == NULL || check_b_ == NULL ||			\
	    strcmp(check_a_, check_b_) != 0)				\
		check_failf(__FILE__, __LINE__,				\
		    "%s == \"%s\", wanted \"%s\"", #a,			\
		    check_a_ ? check_a_ : "(null)",			\
		    check_b_ ? check_b_ : "(null)");			\
} while (0)

#define CHECK_INT(a, b) do {						\
	long long check_a_ = (long long)(a), check_b_ = (long long)(b);	\
	if (check_a_ != check_b_)					\
		check_failf(__FILE__, __LINE__,				\
		    "%s == %lld, wanted %lld", #a, check_a_, check_b_);	\
} while (0)

/* Run every test, or only those named on the command line. */
static inline int
check_main(const struct check_test *tests, int argc, char **argv)
{
	int	 failed = 0, passed = 0, i, j, want;

	for (i = 0; tests[i].name != NULL; i++) {
		want = argc < 2;
		for (j = 1; j < argc; j++)
			if (strcmp(argv[j], tests[i].name) == 0)
				want = 1;
		if (!want)
			continue;
		check_cur_failed = 0;
		tests[i].fn();
		if (check_cur_failed) {
			printf("not ok - %s\n", tests[i].name);
			failed++;
		} else {
			printf("ok - %s\n", tests[i].name);
			passed++;
		}
		fflush(stdout);
	}
	printf("# %d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}

#endif
