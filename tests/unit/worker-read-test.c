/* SPDX-License-Identifier: MIT */
/*
 * Tests for the worker's requests for the viewer and the info view, on
 * the local backend in a temporary directory: READ returns the range
 * asked for (short at the end, refused over the limit), SEARCH finds a
 * match across its read windows forward and backward, posts progress on
 * a long search and stops promptly when cancelled, and SUMMARY counts a
 * tree, its answer dropped when its pane has moved on, its error naming
 * the folder.
 */
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/check.h"
#include "core/util.h"
#include "ferry/location.h"
#include "jobs/search.h"
#include "jobs/worker.h"

static char	 tmpdir[256];

static struct worker *
start(void)
{
	struct worker_opts	 o;
	struct ferry_error	 err;
	struct worker		*w = NULL;

	memset(&o, 0, sizeof o);
	if (worker_new(NULL, &o, &w, &err) != FERRY_OK) {
		printf("# worker_new: %s\n", err.msg);
		exit(2);
	}
	return w;
}

static struct worker_req *
req(enum worker_op op, int pane, uint64_t gen, const char *path)
{
	struct ferry_location	 loc;
	struct ferry_error	 err;
	struct worker_req	*r;

	if (ferry_location_parse(path, &loc, &err) != FERRY_OK) {
		printf("# parse %s: %s\n", path, err.msg);
		exit(2);
	}
	r = worker_req_new(op, pane, gen, &loc, loc.path);
	ferry_location_done(&loc);
	return r;
}

/*
 * Wait until request id posts an event of type `type` (or any type with
 * type 0 and `last` set), or ms pass.  Other events are freed.
 */
static struct worker_event *
wait_for(struct worker *w, uint64_t id, enum worker_ev_type type, int ms)
{
	struct pollfd		 pfd;
	struct worker_event	*list, *ev, *found = NULL;
	uint64_t		 deadline, now;

	deadline = ferry_mono_ns() / 1000000 + (uint64_t)ms;
	while (found == NULL) {
		now = ferry_mono_ns() / 1000000;
		if (now >= deadline)
			return NULL;
		pfd.fd = worker_fd(w);
		pfd.events = POLLIN;
		poll(&pfd, 1, (int)(deadline - now));
		list = worker_take(w);
		while (list != NULL) {
			ev = list;
			list = ev->next;
			ev->next = NULL;
			if (found == NULL && ev->req_id == id &&
			    (type != 0 ? ev->type == type : ev->last))
				found = ev;
			else
				worker_event_free(ev);
		}
	}
	return found;
}

static char *
write_file(const char *name, const char *data, size_t n)
{
	char	*path = xasprintf("%s/%s", tmpdir, name);
	FILE	*f = fopen(path, "w");

	if (f == NULL || fwrite(data, 1, n, f) != n) {
		perror(path);
		exit(2);
	}
	fclose(f);
	return path;
}

static void
test_read(void)
{
	struct worker		*w = start();
	struct worker_event	*ev;
	struct worker_req	*r;
	char			*data, *path;
	size_t			 i, n = 200000;
	uint64_t		 id;

	data = xmalloc(n);
	for (i = 0; i < n; i++)
		data[i] = (char)(i * 7 + i / 256);
	path = write_file("read.bin", data, n);

	r = req(WORKER_READ, 4, 1, path);
	r->offset = 100000;
	r->length = 1000;
	id = worker_submit(w, r);
	ev = wait_for(w, id, WORKER_EV_DATA, 5000);
	CHECK(ev != NULL);
	if (ev != NULL) {
		CHECK_CODE(ev->code, FERRY_OK);
		CHECK_INT(ev->offset, 100000);
		CHECK_INT(ev->data_len, 1000);
		CHECK(ev->data != NULL &&
		    memcmp(ev->data, data + 100000, 1000) == 0);
		worker_event_free(ev);
	}

	/* Short at the end. */
	r = req(WORKER_READ, 4, 1, path);
	r->offset = n - 10;
	r->length = 65536;
	id = worker_submit(w, r);
	ev = wait_for(w, id, WORKER_EV_DATA, 5000);
	CHECK(ev != NULL && ev->code == FERRY_OK && ev->data_len == 10 &&
	    memcmp(ev->data, data + n - 10, 10) == 0);
	worker_event_free(ev);

	/* Over the limit: refused, naming the item. */
	r = req(WORKER_READ, 4, 1, path);
	r->length = (uint64_t)WORKER_READ_MAX + 1;
	id = worker_submit(w, r);
	ev = wait_for(w, id, WORKER_EV_DATA, 5000);
	CHECK(ev != NULL && ev->code == FERRY_E_LIMIT &&
	    strstr(ev->err.msg, "read.bin") != NULL && ev->data == NULL);
	worker_event_free(ev);

	worker_free(w);
	free(path);
	free(data);
}

static int64_t
search(struct worker *w, const char *path, const char *pat, uint64_t from,
    uint64_t size, uint32_t flags)
{
	struct worker_event	*ev;
	struct worker_req	*r;
	int64_t			 found = -2;

	r = req(WORKER_SEARCH, 5, 1, path);
	r->search = xstrdup(pat);
	r->offset = from;
	r->length = size;
	r->flags = flags;
	ev = wait_for(w, worker_submit(w, r), WORKER_EV_FOUND, 10000);
	CHECK(ev != NULL && ev->code == FERRY_OK);
	if (ev != NULL)
		found = ev->found;
	worker_event_free(ev);
	return found;
}

static void
test_search(void)
{
	struct worker	*w = start();
	char		*data, *path;
	size_t		 n = 3 * SEARCH_BLOCK;
	size_t		 at1 = SEARCH_BLOCK - 3, at2 = 2 * SEARCH_BLOCK + 5;

	data = xmalloc(n);
	memset(data, '.', n);
	/* One across the first window boundary, one later in capitals. */
	memcpy(data + at1, "needle", 6);
	memcpy(data + at2, "NEEDLE", 6);
	path = write_file("search.txt", data, n);

	CHECK_INT(search(w, path, "needle", 0, n, 0), (int64_t)at1);
	CHECK_INT(search(w, path, "needle", at1 + 1, n, 0), -1);
	CHECK_INT(search(w, path, "needle", at1 + 1, n, WORKER_F_ICASE),
	    (int64_t)at2);
	CHECK_INT(search(w, path, "needle", n, n, WORKER_F_BACKWARD |
	    WORKER_F_ICASE), (int64_t)at2);
	CHECK_INT(search(w, path, "needle", at2, n, WORKER_F_BACKWARD),
	    (int64_t)at1);
	worker_free(w);
	free(path);
	free(data);
}

/* A long search posts progress and stops soon after a cancel. */
static void
test_search_cancel(void)
{
	struct worker		*w = start();
	struct worker_event	*ev;
	struct worker_req	*r;
	char			*path = xasprintf("%s/sparse.bin", tmpdir);
	uint64_t		 size = 16ull << 30, id, t0;
	int			 fd;

	fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0600);
	if (fd < 0 || ftruncate(fd, (off_t)size) != 0) {
		printf("# cannot make a sparse file in %s\n", tmpdir);
		exit(2);
	}
	close(fd);
	r = req(WORKER_SEARCH, 5, 1, path);
	r->search = xstrdup("absent");
	r->length = size;
	id = worker_submit(w, r);
	ev = wait_for(w, id, WORKER_EV_PROGRESS, 10000);
	CHECK(ev != NULL);
	if (ev != NULL) {
		CHECK(ev->done > 0 && ev->done < ev->total);
		CHECK_INT(ev->total, size);
		worker_event_free(ev);
	}
	t0 = ferry_mono_ns();
	CHECK(worker_cancel(w, id));
	ev = wait_for(w, id, WORKER_EV_FOUND, 5000);
	CHECK(ev != NULL && ev->code == FERRY_E_CANCELLED && ev->found == -1);
	worker_event_free(ev);
	CHECK((ferry_mono_ns() - t0) / 1000000 < 2000);
	worker_free(w);
	unlink(path);
	free(path);
}

static void
test_summary(void)
{
	struct worker		*w = start();
	struct worker_event	*ev;
	struct worker_req	*r;
	char			*dir = xasprintf("%s/tree", tmpdir), *sub;
	char			*p1, *p2;
	uint64_t		 id;

	mkdir(dir, 0700);
	sub = xasprintf("%s/tree/sub", tmpdir);
	mkdir(sub, 0700);
	p1 = write_file("tree/a.txt", "hello", 5);
	p2 = write_file("tree/sub/b.txt", "abc", 3);

	r = req(WORKER_SUMMARY, 3, 1, dir);
	id = worker_submit(w, r);
	ev = wait_for(w, id, WORKER_EV_SUMMARY, 5000);
	CHECK(ev != NULL && ev->code == FERRY_OK && ev->has_summary);
	if (ev != NULL) {
		CHECK_INT(ev->summary.items, 2);
		CHECK_INT(ev->summary.folders, 1);
		CHECK_INT(ev->summary.bytes, 8);
	}
	worker_event_free(ev);

	/* The pane moved on before the answer was taken: dropped. */
	r = req(WORKER_SUMMARY, 3, 2, dir);
	id = worker_submit(w, r);
	usleep(200000);
	worker_pane_gen(w, 3, 3);
	CHECK(wait_for(w, id, WORKER_EV_SUMMARY, 300) == NULL);

	/* A missing folder: the error names it. */
	r = req(WORKER_SUMMARY, 3, 3, "/nonexistent-ferry-dir");
	id = worker_submit(w, r);
	ev = wait_for(w, id, WORKER_EV_SUMMARY, 5000);
	CHECK(ev != NULL && ev->code == FERRY_E_NOT_FOUND &&
	    !ev->has_summary &&
	    strstr(ev->err.msg, "nonexistent-ferry-dir") != NULL);
	worker_event_free(ev);
	worker_free(w);
	free(p1);
	free(p2);
	free(sub);
	free(dir);
}

static const struct check_test tests[] = {
	CHECK_TEST(test_read),
	CHECK_TEST(test_search),
	CHECK_TEST(test_search_cancel),
	CHECK_TEST(test_summary),
	{ NULL, NULL },
};

int
main(int argc, char **argv)
{
	int	 status;
	char	*cmd;

	snprintf(tmpdir, sizeof tmpdir, "%s/ferry-wr.XXXXXX",
	    getenv("TMPDIR") != NULL ? getenv("TMPDIR") : "/tmp");
	if (mkdtemp(tmpdir) == NULL) {
		perror("mkdtemp");
		return 2;
	}
	status = check_main(tests, argc, argv);
	cmd = xasprintf("rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		fprintf(stderr, "# could not remove %s\n", tmpdir);
	free(cmd);
	return status;
}
