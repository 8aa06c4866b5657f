/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for brief listings of local folders (local.c list_brief,
 * through ferry_backend_list_brief) and the worker requests built on
 * them: names first (no stat where d_type tells the kind) but a stat for
 * links, sizes and dates when the order needs them, the same order as
 * the paged listing in every order and direction, search and type
 * filters, errors naming the folder, cancellation; then a WORKER_LIST
 * with WORKER_F_BRIEF (one PAGE event holding the brief listing) and a
 * WORKER_STATS request (one entry per name, in order; kind 0 for a name
 * that is gone).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ferry/backend.h"
#include "ferry/location.h"
#include "core/util.h"
#include "jobs/worker.h"
#include "lib/check.h"

static char			 root[] = "/tmp/ferry-lbrief-XXXXXX";
static struct ferry_backend	*b;

static char *
P(const char *rel)
{
	return xasprintf("%s/%s", root, rel);
}

static void
mkfile(const char *rel, size_t size, time_t mtime)
{
	struct timespec	 ts[2];
	char		*path = P(rel);
	FILE		*f;

	if ((f = fopen(path, "w")) == NULL) {
		perror(path);
		exit(1);
	}
	while (size-- > 0)
		fputc('x', f);
	fclose(f);
	ts[0].tv_sec = ts[1].tv_sec = mtime;
	ts[0].tv_nsec = ts[1].tv_nsec = 0;
	utimensat(AT_FDCWD, path, ts, 0);
	free(path);
}

static void
setup(void)
{
	char	*p, *q;

	if (mkdtemp(root) == NULL) {
		perror("mkdtemp");
		exit(1);
	}
	p = P("d");
	mkdir(p, 0755);
	free(p);
	mkfile("d/beta.txt", 30, 1000);
	mkfile("d/Alpha.jpg", 10, 3000);
	mkfile("d/gamma", 20, 2000);
	mkfile("d/\xc3\x89t\xc3\xa9.pdf", 5, 4000);
	p = P("d/Sub");
	mkdir(p, 0755);
	free(p);
	p = P("d/zfolder");
	mkdir(p, 0755);
	free(p);
	/* A link to a folder is a folder; a dangling one an item. */
	p = P("d/link-to-sub");
	symlink("Sub", p);
	free(p);
	p = P("d/dangling");
	symlink("nowhere", p);
	free(p);
	p = P("d/fifo");
	mkfifo(p, 0644);
	free(p);
	q = P("empty");
	mkdir(q, 0755);
	free(q);
}

static void
cleanup(void)
{
	char	*cmd = xasprintf("rm -rf '%s'", root);

	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", root);
	free(cmd);
}

static const struct ferry_brief *
find(const struct ferry_brief_list *l, const char *name)
{
	size_t	 i;

	for (i = 0; i < l->n; i++)
		if (strcmp(ferry_brief_name(l, &l->v[i]), name) == 0)
			return &l->v[i];
	return NULL;
}

static void
test_names_first(void)
{
	struct ferry_brief_list l;
	const struct ferry_brief *e;
	const struct ferry_brief_detail *d;
	struct ferry_query q;
	struct ferry_error err;
	char		*path = P("d");

	ferry_brief_list_init(&l);
	ferry_query_init(&q);
	q.names_only = true;
	CHECK_CODE(ferry_backend_list_brief(b, path, &q, &l, &err), FERRY_OK);
	CHECK_INT(l.n, 9);
	/* Plain files and folders: from the name and d_type alone. */
	e = find(&l, "beta.txt");
	CHECK(e != NULL && e->kind == FERRY_KIND_ITEM &&
	    e->type == FERRY_TYPE_TEXT &&
	    (e->flags & FERRY_ENTRY_NO_STAT) &&
	    ferry_brief_detail(&l, e) == NULL);
	e = find(&l, "Sub");
	CHECK(e != NULL && e->kind == FERRY_KIND_FOLDER &&
	    (e->flags & FERRY_ENTRY_NO_STAT));
	/* Links and the rest: stat'ed, with details. */
	e = find(&l, "link-to-sub");
	CHECK(e != NULL && e->kind == FERRY_KIND_FOLDER &&
	    (e->flags & FERRY_ENTRY_SYMLINK) &&
	    !(e->flags & FERRY_ENTRY_NO_STAT));
	e = find(&l, "dangling");
	CHECK(e != NULL && e->kind == FERRY_KIND_ITEM &&
	    (e->flags & FERRY_ENTRY_SYMLINK) &&
	    (e->flags & FERRY_ENTRY_NO_SIZE));
	e = find(&l, "fifo");
	CHECK(e != NULL && (e->flags & FERRY_ENTRY_SPECIAL));
	d = e != NULL ? ferry_brief_detail(&l, e) : NULL;
	CHECK(d != NULL);
	/* Folders first, then names folded: Alpha before beta before Été. */
	CHECK_STR(ferry_brief_name(&l, &l.v[0]), "link-to-sub");
	CHECK_STR(ferry_brief_name(&l, &l.v[1]), "Sub");
	CHECK_STR(ferry_brief_name(&l, &l.v[2]), "zfolder");
	CHECK_STR(ferry_brief_name(&l, &l.v[3]), "Alpha.jpg");
	CHECK_STR(ferry_brief_name(&l, &l.v[4]), "beta.txt");
	CHECK_STR(ferry_brief_name(&l, &l.v[8]), "\xc3\x89t\xc3\xa9.pdf");
	ferry_brief_list_done(&l);
	free(path);
}

/* Every order and direction: the names in the paged listing's order. */
static void
test_same_order_as_list(void)
{
	struct ferry_brief_list l;
	struct ferry_page page;
	struct ferry_query q;
	struct ferry_error err;
	const struct ferry_brief_detail *d;
	char		*path = P("d");
	size_t		 i;
	int		 o, desc;

	for (o = FERRY_ORDER_NAME; o <= FERRY_ORDER_TYPE; o++) {
		for (desc = 0; desc < 2; desc++) {
			ferry_query_init(&q);
			q.order = (enum ferry_order)o;
			q.desc = desc != 0;
			q.names_only = true;	/* ignored for size, date */
			ferry_brief_list_init(&l);
			ferry_page_init(&page);
			CHECK_CODE(ferry_backend_list_brief(b, path, &q, &l,
			    &err), FERRY_OK);
			q.names_only = false;
			CHECK_CODE(ferry_backend_list(b, path, &q, &page,
			    &err), FERRY_OK);
			CHECK_INT(l.n, page.n);
			for (i = 0; i < l.n && i < page.n; i++) {
				if (strcmp(ferry_brief_name(&l, &l.v[i]),
				    page.v[i].name) != 0) {
					check_failf(__FILE__, __LINE__,
					    "order %d desc %d: row %zu is %s, "
					    "wanted %s", o, desc, i,
					    ferry_brief_name(&l, &l.v[i]),
					    page.v[i].name);
					break;
				}
				/* Sizes and dates when the order needs them. */
				d = ferry_brief_detail(&l, &l.v[i]);
				if (o == FERRY_ORDER_SIZE ||
				    o == FERRY_ORDER_CREATED) {
					CHECK(d != NULL);
					if (d != NULL) {
						CHECK_INT(d->size,
						    page.v[i].size);
						CHECK_INT(d->time,
						    page.v[i].modified);
					}
				}
			}
			ferry_page_done(&page);
			ferry_brief_list_done(&l);
		}
	}
	free(path);
}

static void
test_filters_and_errors(void)
{
	struct ferry_brief_list l;
	struct ferry_query q;
	struct ferry_error err;
	char		*path = P("d"), *missing = P("nope"), *file;
	int		 cancel = 1;

	ferry_brief_list_init(&l);
	ferry_query_init(&q);
	q.search = "ETA";	/* beta.txt, and Été.pdf folded */
	CHECK_CODE(ferry_backend_list_brief(b, path, &q, &l, &err), FERRY_OK);
	CHECK_INT(l.n, 1);
	if (l.n == 1)
		CHECK_STR(ferry_brief_name(&l, &l.v[0]), "beta.txt");
	ferry_brief_list_done(&l);
	ferry_query_init(&q);
	q.filter = FERRY_FILTER_FOLDERS;
	CHECK_CODE(ferry_backend_list_brief(b, path, &q, &l, &err), FERRY_OK);
	CHECK_INT(l.n, 3);
	ferry_brief_list_done(&l);
	ferry_query_init(&q);
	q.names_only = true;
	CHECK_CODE(ferry_backend_list_brief(b, missing, &q, &l, &err),
	    FERRY_E_NOT_FOUND);
	CHECK(strstr(err.msg, "nope") != NULL);
	CHECK_INT(l.n, 0);
	file = P("d/beta.txt");
	CHECK(ferry_backend_list_brief(b, file, &q, &l, &err) != FERRY_OK);
	CHECK(strstr(err.msg, "beta.txt") != NULL);
	free(file);
	file = P("empty");
	CHECK_CODE(ferry_backend_list_brief(b, file, &q, &l, &err), FERRY_OK);
	CHECK_INT(l.n, 0);
	free(file);
	b->cancel = &cancel;
	CHECK_CODE(ferry_backend_list_brief(b, path, &q, &l, &err),
	    FERRY_E_CANCELLED);
	CHECK_INT(l.n, 0);
	b->cancel = NULL;
	free(path);
	free(missing);
}

/* -------- the worker -------- */

/* Wait for the events of request id; the last one is returned. */
static struct worker_event *
wait_event(struct worker *w, uint64_t id, enum worker_ev_type type)
{
	struct worker_event *list, *ev, *found = NULL;
	struct pollfd	 pfd;
	int		 tries;

	for (tries = 0; tries < 500 && found == NULL; tries++) {
		pfd.fd = worker_fd(w);
		pfd.events = POLLIN;
		poll(&pfd, 1, 20);
		list = worker_take(w);
		while ((ev = list) != NULL) {
			list = ev->next;
			ev->next = NULL;
			if (ev->req_id == id && ev->type == type &&
			    found == NULL)
				found = ev;
			else
				worker_event_free(ev);
		}
	}
	return found;
}

static void
test_worker_brief_and_stats(void)
{
	struct worker	*w;
	struct worker_opts o;
	struct worker_req *r;
	struct worker_event *ev;
	struct ferry_location loc;
	struct ferry_error err;
	const struct ferry_brief *e;
	char		*path = P("d"), *gone = P("d/gamma");
	uint64_t	 id;

	memset(&o, 0, sizeof o);
	CHECK_CODE(worker_new(NULL, &o, &w, &err), FERRY_OK);
	CHECK_CODE(ferry_location_parse(path, &loc, &err), FERRY_OK);

	r = worker_req_new(WORKER_LIST, 0, 1, &loc, path);
	r->flags = WORKER_F_BRIEF;
	id = worker_submit(w, r);
	ev = wait_event(w, id, WORKER_EV_PAGE);
	CHECK(ev != NULL);
	if (ev != NULL) {
		CHECK(ev->last);
		CHECK_CODE(ev->code, FERRY_OK);
		CHECK_INT(ev->page.n, 0);
		CHECK_INT(ev->brief.n, 9);
		CHECK(ev->page.total_known && ev->page.total == 9);
		e = find(&ev->brief, "gamma");
		CHECK(e != NULL && (e->flags & FERRY_ENTRY_NO_STAT));
		worker_event_free(ev);
	}

	/* Details of three names, one of them gone meanwhile. */
	unlink(gone);
	r = worker_req_new(WORKER_STATS, 0, 1, &loc, path);
	r->names = xcalloc(3, sizeof *r->names);
	r->names[0] = xstrdup("beta.txt");
	r->names[1] = xstrdup("gamma");
	r->names[2] = xstrdup("Sub");
	r->nnames = 3;
	id = worker_submit(w, r);
	ev = wait_event(w, id, WORKER_EV_STATS);
	CHECK(ev != NULL);
	if (ev != NULL) {
		CHECK_CODE(ev->code, FERRY_OK);
		CHECK_INT(ev->list.n, 3);
		if (ev->list.n == 3) {
			CHECK_STR(ev->list.v[0].name, "beta.txt");
			CHECK_INT(ev->list.v[0].size, 30);
			CHECK_INT(ev->list.v[0].modified, 1000 * 1000);
			CHECK_STR(ev->list.v[1].name, "gamma");
			CHECK_INT(ev->list.v[1].kind, 0);
			CHECK_INT(ev->list.v[2].kind, FERRY_KIND_FOLDER);
		}
		worker_event_free(ev);
	}
	/* A newer generation drops a STATS like any read. */
	r = worker_req_new(WORKER_STATS, 0, 1, &loc, path);
	r->names = xcalloc(1, sizeof *r->names);
	r->names[0] = xstrdup("beta.txt");
	r->nnames = 1;
	worker_pane_gen(w, 0, 2);
	id = worker_submit(w, r);
	CHECK(!worker_busy(w, id));
	mkfile("d/gamma", 20, 2000);
	ferry_location_done(&loc);
	worker_free(w);
	free(path);
	free(gone);
}

static const struct check_test tests[] = {
	CHECK_TEST(test_names_first),
	CHECK_TEST(test_same_order_as_list),
	CHECK_TEST(test_filters_and_errors),
	CHECK_TEST(test_worker_brief_and_stats),
	{ NULL, NULL },
};

int
main(int argc, char **argv)
{
	struct ferry_location	 loc;
	struct ferry_error	 err;
	int			 rc;

	setup();
	if (ferry_location_parse(root, &loc, &err) != FERRY_OK ||
	    ferry_backend_open(&loc, NULL, &b, &err) != FERRY_OK) {
		fprintf(stderr, "%s\n", err.msg);
		cleanup();
		return 1;
	}
	ferry_location_done(&loc);
	rc = check_main(tests, argc, argv);
	ferry_backend_close(b);
	cleanup();
	return rc;
}
