/* SPDX-License-Identifier: MIT */
/*
 * store-page: page through a folder of an embedded store with keyset
 * cursors and print one name per line (stdout flushed after each page).
 *
 *   store-page [--stats] [--delay-ms N] [--search TEXT] STOREDIR
 *       /folder/path PAGESIZE [name|size|created|type] [desc]
 *   store-page --count STOREDIR /folder/path
 *
 * --stats prints to stderr, at the end: the number of pages, the folder's
 * child count when the walk started and when it ended, and the slowest
 * and mean time per page.  --delay-ms sleeps between pages (to let a
 * concurrent writer work).  --count prints the number of children.
 *
 * Uses the store engine API directly (src/store/store.h).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ferry/entry.h"
#include "store/store.h"

static void
usage(void)
{
	fprintf(stderr, "usage: store-page [--stats] [--delay-ms N]"
	    " [--search TEXT] STOREDIR /folder PAGESIZE [order] [desc]\n"
	    "       store-page --count STOREDIR /folder\n");
	exit(2);
}

static void
die(const char *what, const struct ferry_error *err)
{
	fprintf(stderr, "store-page: %s: %s\n", what, err->msg);
	exit(1);
}

static double
now_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* The number of children of folder id, from a first page's total. */
static uint64_t
count_children(struct store *s, const char *id)
{
	struct ferry_query	 q;
	struct ferry_page	 p;
	struct ferry_error	 err;
	uint64_t		 n;

	ferry_query_init(&q);
	q.limit = 1;
	ferry_page_init(&p);
	if (store_list(s, id, &q, &p, &err) != FERRY_OK)
		die("count", &err);
	n = p.total;
	ferry_page_done(&p);
	return n;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "stats", no_argument, NULL, 's' },
		{ "count", no_argument, NULL, 'c' },
		{ "delay-ms", required_argument, NULL, 'd' },
		{ "search", required_argument, NULL, 'q' },
		{ NULL, 0, NULL, 0 },
	};
	struct ferry_query	 q;
	struct ferry_page	 p;
	struct ferry_error	 err;
	struct store		*s;
	char			 id[STORE_ID_SIZE], *cursor = NULL;
	uint64_t		 first_total = 0, pages = 0, names = 0;
	double			 t, worst = 0, sum = 0;
	size_t			 i;
	int			 opt, stats = 0, count = 0, order;
	unsigned long		 delay = 0;
	const char		*search = NULL;

	while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (opt) {
		case 's':
			stats = 1;
			break;
		case 'c':
			count = 1;
			break;
		case 'd':
			delay = strtoul(optarg, NULL, 10);
			break;
		case 'q':
			search = optarg;
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < (count ? 2 : 3) || argc > 5)
		usage();
	if (store_open(argv[0], &s, &err) != FERRY_OK)
		die(argv[0], &err);
	if (store_resolve(s, argv[1], id, NULL, &err) != FERRY_OK)
		die(argv[1], &err);
	if (count) {
		printf("%llu\n", (unsigned long long)count_children(s, id));
		store_close(s);
		return 0;
	}
	ferry_query_init(&q);
	q.limit = (uint32_t)strtoul(argv[2], NULL, 10);
	q.search = search;
	if (argc > 3) {
		if ((order = ferry_order_from_name(argv[3])) < 0)
			usage();
		q.order = (enum ferry_order)order;
	}
	q.desc = argc > 4 && strcmp(argv[4], "desc") == 0;
	do {
		ferry_page_init(&p);
		q.cursor = cursor;
		t = now_ms();
		if (store_list(s, id, &q, &p, &err) != FERRY_OK)
			die(argv[1], &err);
		t = now_ms() - t;
		if (t > worst)
			worst = t;
		sum += t;
		if (cursor == NULL)
			first_total = p.total;
		pages++;
		for (i = 0; i < p.n; i++)
			puts(p.v[i].name);
		names += p.n;
		fflush(stdout);
		free(cursor);
		cursor = p.next_cursor != NULL ? strdup(p.next_cursor) : NULL;
		ferry_page_done(&p);
		if (cursor != NULL && delay > 0)
			usleep((useconds_t)(delay * 1000));
	} while (cursor != NULL);
	if (stats)
		fprintf(stderr, "pages=%llu names=%llu first_total=%llu"
		    " last_total=%llu worst_ms=%.2f mean_ms=%.2f\n",
		    (unsigned long long)pages, (unsigned long long)names,
		    (unsigned long long)first_total,
		    (unsigned long long)count_children(s, id), worst,
		    sum / (double)pages);
	store_close(s);
	return 0;
}
