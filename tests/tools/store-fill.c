/* SPDX-License-Identifier: MIT */
/*
 * store-fill: insert small items into a folder of an embedded store, for
 * the paging and concurrency tests.
 *
 *   store-fill [--batch] [--distinct] [--delay-us N] STOREDIR /folder/path
 *       COUNT [PREFIX]
 *
 * Items are named PREFIX followed by a 7-digit number from 0 (PREFIX
 * defaults to "item-"); the folder and its parents are created when
 * missing.  Each item is its own transaction, as a real client's put,
 * unless --batch puts them all in one transaction with durability off
 * (a quick initial fill).  Content is the same few bytes for every item
 * (one blob) unless --distinct makes it the item's name.  COUNT 0 inserts
 * until the process is killed.  Prints "inserted N" at the end.
 *
 * Uses the store engine API directly (src/store/store.h).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ferry/stream.h"
#include "store/store.h"

static void
usage(void)
{
	fprintf(stderr, "usage: store-fill [--batch] [--distinct]"
	    " [--delay-us N] STOREDIR /folder/path COUNT [PREFIX]\n");
	exit(2);
}

static void
die(const char *what, const struct ferry_error *err)
{
	fprintf(stderr, "store-fill: %s: %s\n", what, err->msg);
	exit(1);
}

/* Resolve path, creating each missing folder (mkdir -p). */
static void
make_folder(struct store *s, const char *path, char id[STORE_ID_SIZE])
{
	struct ferry_mkdir_opts	 o;
	struct ferry_arena	 a = FERRY_ARENA_INIT;
	struct ferry_entry	 e;
	struct ferry_error	 err;
	char			*copy, *name, *save = NULL;

	memset(&o, 0, sizeof o);
	o.exist_ok = true;
	snprintf(id, STORE_ID_SIZE, "%s", store_root_id(s));
	copy = strdup(path);
	for (name = strtok_r(copy, "/", &save); name != NULL;
	    name = strtok_r(NULL, "/", &save)) {
		if (store_folder_create(s, id, name, &o, &e, &a, &err) !=
		    FERRY_OK)
			die(path, &err);
		snprintf(id, STORE_ID_SIZE, "%s", e.id);
		ferry_arena_done(&a);
	}
	free(copy);
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "batch", no_argument, NULL, 'b' },
		{ "distinct", no_argument, NULL, 'd' },
		{ "delay-us", required_argument, NULL, 'w' },
		{ NULL, 0, NULL, 0 },
	};
	struct ferry_write_opts	 o;
	struct ferry_error	 err;
	struct ferry_reader	*r;
	struct store		*s;
	const char		*prefix = "item-";
	char			 folder[STORE_ID_SIZE], name[300];
	unsigned long		 count, i, delay = 0;
	int			 opt, batch = 0, distinct = 0;

	while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (opt) {
		case 'b':
			batch = 1;
			break;
		case 'd':
			distinct = 1;
			break;
		case 'w':
			delay = strtoul(optarg, NULL, 10);
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 3 || argc > 4)
		usage();
	count = strtoul(argv[2], NULL, 10);
	if (argc == 4)
		prefix = argv[3];
	if (store_open(argv[0], &s, &err) != FERRY_OK)
		die(argv[0], &err);
	make_folder(s, argv[1], folder);
	memset(&o, 0, sizeof o);
	o.mime = "text/plain";	/* no libmagic: this measures the store */
	if (batch) {
		store_set_durable(s, 0);
		if (store_begin(s, &err) != FERRY_OK)
			die("begin", &err);
	}
	for (i = 0; count == 0 || i < count; i++) {
		snprintf(name, sizeof name, "%s%07lu", prefix, i);
		r = distinct ? ferry_reader_mem(name, strlen(name)) :
		    ferry_reader_mem("small item\n", 11);
		if (store_put(s, folder, name, r, &o, NULL, NULL, &err) !=
		    FERRY_OK)
			die(name, &err);
		ferry_reader_close(r);
		if (delay > 0)
			usleep((useconds_t)delay);
	}
	if (batch && store_commit(s, &err) != FERRY_OK)
		die("commit", &err);
	store_close(s);
	printf("inserted %lu\n", i);
	return 0;
}
