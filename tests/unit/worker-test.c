/* SPDX-License-Identifier: MIT */
/*
 * Tests for the background worker (src/jobs/worker.c) against the local
 * backend in a temporary directory: listings arrive page by page (the
 * first before the rest), path_to_root comes first, cancellation stops a
 * listing between pages, stale generations are dropped (and mutations
 * never are), mutations report their results and errors, the threads
 * block the UI's signals, and shutdown is prompt and leak-free with
 * requests still queued.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/check.h"
#include "core/util.h"
#include "ferry/location.h"
#include "jobs/worker.h"

static char	 tmpdir[256];

static void
touch(const char *dir, const char *name, size_t size)
{
	char	 path[512];
	char	 buf[256];
	FILE	*f;

	memset(buf, 'x', sizeof buf);
	snprintf(path, sizeof path, "%s/%s", dir, name);
	f = fopen(path, "w");
	if (f == NULL) {
		perror(path);
		exit(2);
	}
	while (size > 0) {
		size_t n = size < sizeof buf ? size : sizeof buf;
		fwrite(buf, 1, n, f);
		size -= n;
	}
	fclose(f);
}

static char *
sub(const char *name)
{
	return xasprintf("%s/%s", tmpdir, name);
}

/* A folder with 25 items f00..f24 (f07 is 7 bytes) and folders d0, d1. */
static char *
make_tree(const char *name)
{
	char	*dir = sub(name), *d, fn[16];
	int	 i;

	mkdir(dir, 0700);
	for (i = 0; i < 25; i++) {
		snprintf(fn, sizeof fn, "f%02d", i);
		touch(dir, fn, (size_t)i);
	}
	for (i = 0; i < 2; i++) {
		d = xasprintf("%s/d%d", dir, i);
		mkdir(d, 0700);
		free(d);
	}
	return dir;
}

static void
rm_rf(const char *path)
{
	char	*cmd = xasprintf("rm -rf '%s'", path);

	if (system(cmd) != 0)
		fprintf(stderr, "# could not remove %s\n", path);
	free(cmd);
}

static struct worker *
start(uint32_t page_size, uint32_t delay_ms)
{
	struct worker_opts	 o;
	struct ferry_error	 err;
	struct worker		*w = NULL;

	memset(&o, 0, sizeof o);
	o.page_size = page_size;
	o.page_all = page_size != 0;
	o.page_delay_ms = delay_ms;
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

/* Collected events, in arrival order. */
struct got {
	struct worker_event	*head;
	struct worker_event	**tail;
	size_t			 n;
};

static void
got_init(struct got *g)
{
	g->head = NULL;
	g->tail = &g->head;
	g->n = 0;
}

static void
got_done(struct got *g)
{
	worker_event_free_all(g->head);
	got_init(g);
}

/* The last event of request id, or NULL. */
static struct worker_event *
got_last(const struct got *g, uint64_t id)
{
	struct worker_event *ev;

	for (ev = g->head; ev != NULL; ev = ev->next)
		if (ev->req_id == id && ev->last)
			return ev;
	return NULL;
}

/*
 * Wait (polling the wake fd, as the UI does) until request id has posted
 * its last event, or ms pass.  Returns that event or NULL.
 */
static struct worker_event *
wait_last(struct worker *w, struct got *g, uint64_t id, int ms)
{
	struct pollfd		 pfd;
	struct worker_event	*list, *ev;
	uint64_t		 deadline = ferry_mono_ns() / 1000000 + (uint64_t)ms;
	uint64_t		 now;

	while ((ev = got_last(g, id)) == NULL) {
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
			*g->tail = ev;
			g->tail = &ev->next;
			g->n++;
		}
	}
	return ev;
}

/* True once request id is neither queued nor running (within ms). */
static bool
wait_idle(struct worker *w, uint64_t id, int ms)
{
	int	 i;

	for (i = 0; i < ms; i++) {
		if (!worker_busy(w, id))
			return true;
		usleep(1000);
	}
	return false;
}

static size_t
count_pages(const struct got *g, uint64_t id, size_t *entries)
{
	struct worker_event *ev;
	size_t		 n = 0;

	*entries = 0;
	for (ev = g->head; ev != NULL; ev = ev->next) {
		if (ev->req_id == id && ev->type == WORKER_EV_PAGE) {
			n++;
			*entries += ev->page.n;
		}
	}
	return n;
}

static void
test_list_pages(void)
{
	struct worker		*w = start(10, 0);
	struct worker_event	*ev, *last;
	struct worker_req	*r;
	struct got		 g;
	char			*dir = make_tree("list"), prev[64] = "";
	size_t			 pages, entries, i;
	uint64_t		 id, seq = 0;
	bool			 first = true;

	got_init(&g);
	r = req(WORKER_LIST, 0, 1, dir);
	r->flags = WORKER_F_PATH;
	id = worker_submit(w, r);
	CHECK(id != 0);
	last = wait_last(w, &g, id, 5000);
	CHECK(last != NULL);
	CHECK(last != NULL && last->code == FERRY_OK);
	pages = count_pages(&g, id, &entries);
	CHECK_INT(pages, 3);		/* 27 entries by 10 */
	CHECK_INT(entries, 27);
	/* path_to_root first, ending with this folder. */
	CHECK(g.head != NULL && g.head->type == WORKER_EV_PATH);
	if (g.head != NULL && g.head->type == WORKER_EV_PATH) {
		CHECK(g.head->list.n >= 2);
		CHECK_STR(g.head->list.v[g.head->list.n - 1].name, "list");
	}
	/* Pages in order, folders first, names ascending, one last page. */
	for (ev = g.head; ev != NULL; ev = ev->next) {
		if (ev->type != WORKER_EV_PAGE)
			continue;
		CHECK_INT(ev->seq, seq);
		CHECK(ev->last == (seq == pages - 1));
		seq++;
		for (i = 0; i < ev->page.n; i++) {
			if (first) {
				CHECK_STR(ev->page.v[i].name, "d0");
				CHECK(ev->page.v[i].kind == FERRY_KIND_FOLDER);
				first = false;
			} else
				CHECK(strcmp(prev, ev->page.v[i].name) < 0);
			snprintf(prev, sizeof prev, "%s", ev->page.v[i].name);
		}
	}
	CHECK_STR(prev, "f24");
	CHECK(wait_idle(w, id, 1000));
	got_done(&g);
	worker_free(w);
	free(dir);
}

/* Without page_all, a local folder comes in one page. */
static void
test_list_one_page(void)
{
	struct worker		*w = start(0, 0);
	struct worker_event	*last;
	struct got		 g;
	char			*dir = make_tree("onepage");
	size_t			 entries;
	uint64_t		 id;

	got_init(&g);
	id = worker_submit(w, req(WORKER_LIST, 1, 1, dir));
	last = wait_last(w, &g, id, 5000);
	CHECK(last != NULL && last->code == FERRY_OK);
	CHECK_INT(count_pages(&g, id, &entries), 1);
	CHECK_INT(entries, 27);
	CHECK(last != NULL && last->page.total_known &&
	    last->page.total == 27);
	got_done(&g);
	worker_free(w);
	free(dir);
}

/* The first page is handed over while the rest is still coming. */
static void
test_first_page_early(void)
{
	struct worker		*w = start(10, 150);
	struct worker_event	*list, *ev;
	struct pollfd		 pfd;
	struct got		 g;
	char			*dir = make_tree("early");
	uint64_t		 id, t0, t_first = 0;
	bool			 saw_last_early = false;

	got_init(&g);
	t0 = ferry_mono_ns();
	id = worker_submit(w, req(WORKER_LIST, 0, 1, dir));
	while (t_first == 0 && ferry_mono_ns() - t0 < 5000000000ull) {
		pfd.fd = worker_fd(w);
		pfd.events = POLLIN;
		poll(&pfd, 1, 100);
		list = worker_take(w);
		for (ev = list; ev != NULL; ev = ev->next) {
			if (ev->type == WORKER_EV_PAGE && t_first == 0) {
				t_first = ferry_mono_ns();
				saw_last_early = ev->last;
			}
		}
		worker_event_free_all(list);
	}
	CHECK(t_first != 0);
	CHECK(!saw_last_early);
	CHECK(worker_busy(w, id));	/* two more pages to come */
	CHECK(wait_last(w, &g, id, 5000) != NULL);
	/* The other two pages took at least two more delays. */
	CHECK(ferry_mono_ns() - t_first >= 250000000ull);
	got_done(&g);
	worker_free(w);
	free(dir);
}

static void
test_cancel(void)
{
	struct worker		*w = start(5, 100);
	struct worker_event	*last, *list, *ev;
	struct pollfd		 pfd;
	struct got		 g;
	char			*dir = make_tree("cancel");
	size_t			 entries, pages;
	uint64_t		 id;
	bool			 first = false;
	int			 i;

	got_init(&g);
	id = worker_submit(w, req(WORKER_LIST, 0, 1, dir));
	for (i = 0; i < 50 && !first; i++) {
		pfd.fd = worker_fd(w);
		pfd.events = POLLIN;
		poll(&pfd, 1, 100);
		list = worker_take(w);
		for (ev = list; ev != NULL; ev = ev->next)
			if (ev->type == WORKER_EV_PAGE)
				first = true;
		worker_event_free_all(list);
	}
	CHECK(first);
	CHECK(worker_cancel(w, id));
	last = wait_last(w, &g, id, 5000);
	CHECK(last != NULL);
	CHECK(last != NULL && last->code == FERRY_E_CANCELLED);
	pages = count_pages(&g, id, &entries);
	CHECK(pages <= 2);		/* 6 pages were due, 1 went before */
	CHECK(entries < 27);
	CHECK(wait_idle(w, id, 1000));
	CHECK(!worker_cancel(w, id));
	got_done(&g);
	worker_free(w);
	free(dir);
}

/* A newer generation drops every event of the older listing. */
static void
test_stale_dropped(void)
{
	struct worker		*w = start(5, 60);
	struct worker_event	*ev, *last;
	struct worker_stats	 st;
	struct got		 g;
	char			*a = make_tree("stale-a"), *b = sub("stale-b");
	uint64_t		 id1, id2, id3;

	mkdir(b, 0700);
	touch(b, "only", 1);
	got_init(&g);
	id1 = worker_submit(w, req(WORKER_LIST, 2, 1, a));
	/* Let it post a page or two, unread, then move on. */
	usleep(150000);
	worker_pane_gen(w, 2, 2);
	id2 = worker_submit(w, req(WORKER_LIST, 2, 2, b));
	/* An old-generation request submitted late never runs. */
	id3 = worker_submit(w, req(WORKER_LIST, 2, 1, a));
	last = wait_last(w, &g, id2, 5000);
	CHECK(last != NULL && last->code == FERRY_OK);
	usleep(200000);		/* give a straggler of id1 time to post */
	wait_last(w, &g, 0, 50);
	for (ev = g.head; ev != NULL; ev = ev->next) {
		CHECK(ev->req_id != id1);
		CHECK(ev->req_id != id3);
		CHECK_INT(ev->gen, 2);
	}
	CHECK(wait_idle(w, id1, 1000));
	CHECK(!worker_busy(w, id3));
	worker_stats(w, &st);
	CHECK(st.dropped >= 2);		/* id1's pages and id3 */
	got_done(&g);
	worker_free(w);
	free(a);
	free(b);
}

static void
test_mutations(void)
{
	struct worker		*w = start(0, 0);
	struct worker_event	*ev;
	struct worker_req	*r;
	struct got		 g;
	struct stat		 st;
	char			*dir = make_tree("mut"), *p, *q;
	uint64_t		 id;

	got_init(&g);
	/* mkdir, then mkdir again: exists. */
	p = xasprintf("%s/new", dir);
	id = worker_submit(w, req(WORKER_MKDIR, 0, 1, p));
	ev = wait_last(w, &g, id, 5000);
	CHECK(ev != NULL && ev->type == WORKER_EV_DONE &&
	    ev->code == FERRY_OK);
	CHECK(stat(p, &st) == 0 && S_ISDIR(st.st_mode));
	id = worker_submit(w, req(WORKER_MKDIR, 0, 1, p));
	ev = wait_last(w, &g, id, 5000);
	CHECK(ev != NULL && ev->code == FERRY_E_EXISTS);
	CHECK(ev != NULL && strstr(ev->err.msg, "new") != NULL);

	/* rename */
	r = req(WORKER_RENAME, 0, 1, p);
	r->name = xstrdup("renamed");
	id = worker_submit(w, r);
	ev = wait_last(w, &g, id, 5000);
	CHECK(ev != NULL && ev->code == FERRY_OK);
	CHECK(ev != NULL && ev->name != NULL &&
	    strcmp(ev->name, "renamed") == 0);
	q = xasprintf("%s/renamed", dir);
	CHECK(stat(q, &st) == 0 && S_ISDIR(st.st_mode));
	CHECK(stat(p, &st) != 0);

	/* remove a non-empty folder: refused, with a summary; then -r. */
	touch(q, "inside", 100);
	r = req(WORKER_REMOVE, 0, 1, q);
	r->flags = WORKER_F_SUMMARY;
	id = worker_submit(w, r);
	ev = wait_last(w, &g, id, 5000);
	CHECK(ev != NULL && ev->code == FERRY_E_NOT_EMPTY);
	CHECK(ev != NULL && ev->has_summary && ev->summary.items == 1 &&
	    ev->summary.bytes == 100);
	r = req(WORKER_REMOVE, 0, 1, q);
	r->flags = WORKER_F_RECURSIVE;
	id = worker_submit(w, r);
	ev = wait_last(w, &g, id, 5000);
	CHECK(ev != NULL && ev->code == FERRY_OK);
	CHECK(stat(q, &st) != 0);

	/* stat and path_to_root */
	free(p);
	p = xasprintf("%s/f07", dir);
	id = worker_submit(w, req(WORKER_STAT, 0, 1, p));
	ev = wait_last(w, &g, id, 5000);
	CHECK(ev != NULL && ev->type == WORKER_EV_STAT &&
	    ev->code == FERRY_OK);
	CHECK(ev != NULL && ev->entry.kind == FERRY_KIND_ITEM &&
	    ev->entry.size == 7);
	id = worker_submit(w, req(WORKER_PATH_TO_ROOT, 0, 1, p));
	ev = wait_last(w, &g, id, 5000);
	CHECK(ev != NULL && ev->type == WORKER_EV_PATH && ev->list.n >= 3);
	if (ev != NULL && ev->list.n >= 2)
		CHECK_STR(ev->list.v[ev->list.n - 1].name, "f07");

	/* a listing of a missing folder fails with the path in the message */
	free(q);
	q = xasprintf("%s/missing", dir);
	id = worker_submit(w, req(WORKER_LIST, 0, 1, q));
	ev = wait_last(w, &g, id, 5000);
	CHECK(ev != NULL && ev->type == WORKER_EV_PAGE && ev->last);
	CHECK(ev != NULL && ev->code == FERRY_E_NOT_FOUND);
	CHECK(ev != NULL && strstr(ev->err.msg, "missing") != NULL);
	got_done(&g);
	worker_free(w);
	free(p);
	free(q);
	free(dir);
}

/* A mutation's result comes back even after its pane moved on. */
static void
test_mutation_not_dropped(void)
{
	struct worker		*w = start(0, 0);
	struct worker_event	*ev;
	struct got		 g;
	char			*p = sub("keep-me");
	uint64_t		 id;

	got_init(&g);
	worker_pane_gen(w, 3, 5);
	/* Submitted with an old generation: still runs and reports. */
	id = worker_submit(w, req(WORKER_MKDIR, 3, 4, p));
	ev = wait_last(w, &g, id, 5000);
	CHECK(ev != NULL && ev->code == FERRY_OK);
	got_done(&g);
	worker_free(w);
	free(p);
}

/*
 * A second read for a busy pane waits; the other pane's read does not
 * wait behind it (two threads, pane 0 slow).
 */
static void
test_pane_fairness(void)
{
	struct worker		*w = start(5, 400);
	struct worker_event	*ev;
	struct got		 g;
	char			*slow = make_tree("fair-slow"), *fast = sub("fair");
	uint64_t		 id1, id2, id3, t0;

	mkdir(fast, 0700);
	touch(fast, "one", 1);
	got_init(&g);
	t0 = ferry_mono_ns();
	id1 = worker_submit(w, req(WORKER_LIST, 0, 1, slow));
	id2 = worker_submit(w, req(WORKER_LIST, 0, 1, slow));
	id3 = worker_submit(w, req(WORKER_LIST, 1, 1, fast));
	ev = wait_last(w, &g, id3, 5000);
	CHECK(ev != NULL && ev->code == FERRY_OK);
	/* One page after one delay, not behind six pages of pane 0. */
	CHECK(ferry_mono_ns() - t0 < 1500000000ull);
	CHECK(worker_busy(w, id1));
	CHECK(worker_busy(w, id2));
	/* The waiting read is dropped when its pane moves on. */
	worker_pane_gen(w, 0, 2);
	CHECK(!worker_busy(w, id2));
	CHECK(wait_idle(w, id1, 2000));
	got_done(&g);
	worker_free(w);
	free(slow);
	free(fast);
}

/* The worker threads block SIGWINCH and SIGINT (read from /proc). */
static void
test_signals_blocked(void)
{
	struct worker	*w = start(0, 0);
	struct dirent	*d;
	DIR		*dir;
	FILE		*f;
	char		 path[320], line[256];
	unsigned long long mask;
	int		 others = 0, blocked = 0;
	pid_t		 self = getpid();

	dir = opendir("/proc/self/task");
	CHECK(dir != NULL);
	while (dir != NULL && (d = readdir(dir)) != NULL) {
		if (d->d_name[0] == '.' || atoi(d->d_name) == self)
			continue;
		others++;
		snprintf(path, sizeof path, "/proc/self/task/%s/status",
		    d->d_name);
		if ((f = fopen(path, "r")) == NULL)
			continue;
		while (fgets(line, sizeof line, f) != NULL) {
			if (sscanf(line, "SigBlk: %llx", &mask) == 1 &&
			    (mask & (1ull << (SIGWINCH - 1))) &&
			    (mask & (1ull << (SIGINT - 1))) &&
			    (mask & (1ull << (SIGTERM - 1))))
				blocked++;
		}
		fclose(f);
	}
	if (dir != NULL)
		closedir(dir);
	/* Two workers (a sanitizer may add a thread of its own). */
	CHECK(others >= 2);
	CHECK_INT(blocked, others);
	worker_free(w);
}

/* Shutdown with requests queued and running is prompt and clean. */
static void
test_shutdown(void)
{
	struct worker	*w = start(2, 100);
	char		*dir = make_tree("shutdown");
	uint64_t	 t0;
	int		 i;

	for (i = 0; i < 40; i++)
		worker_submit(w, req(WORKER_LIST, i % WORKER_PANES, 1, dir));
	usleep(50000);
	t0 = ferry_mono_ns();
	worker_free(w);
	/* Running listings stop at their next page: well under a second. */
	CHECK(ferry_mono_ns() - t0 < 1000000000ull);
	worker_free(NULL);
	free(dir);
}

static const struct check_test tests[] = {
	CHECK_TEST(test_list_pages),
	CHECK_TEST(test_list_one_page),
	CHECK_TEST(test_first_page_early),
	CHECK_TEST(test_cancel),
	CHECK_TEST(test_stale_dropped),
	CHECK_TEST(test_mutations),
	CHECK_TEST(test_mutation_not_dropped),
	CHECK_TEST(test_pane_fairness),
	CHECK_TEST(test_signals_blocked),
	CHECK_TEST(test_shutdown),
	{ NULL, NULL },
};

int
main(int argc, char **argv)
{
	const char	*t = getenv("TMPDIR");
	int		 rc;

	snprintf(tmpdir, sizeof tmpdir, "%s/ferry-worker-XXXXXX",
	    t != NULL && *t != '\0' ? t : "/tmp");
	if (mkdtemp(tmpdir) == NULL) {
		perror("mkdtemp");
		return 2;
	}
	rc = check_main(tests, argc, argv);
	rm_rf(tmpdir);
	return rc;
}
