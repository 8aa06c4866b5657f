/* SPDX-License-Identifier: MIT */
/*
 * One browser pane: its listing data, view, cursor and marks, and its
 * drawing (see pane.h for the data layout, the details asked for the rows
 * on screen, and the generations).
 *
 * Invariants: nrows == rows.n; full is NULL or has nrows entries; every
 * view index is < nrows (view is NULL and nview == nrows without a
 * filter); cur < nview or cur == 0 when the view is empty; nmarked and
 * marked_bytes count the rows with PANE_MARKED (in or out of the view),
 * nmarked_unsized those of them that are items with FERRY_ENTRY_NO_STAT;
 * nostat counts the rows with FERRY_ENTRY_NO_STAT; list_id != 0 exactly
 * while loading; fill_id != 0 exactly while a STATS request is out, and
 * then its rows (fill_rows, when fill_epoch == epoch) carry PANE_ASKED.
 *
 * UI thread only.
 */
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "ferry/location.h"
#include "tui/draw.h"
#include "tui/pane.h"
#include "tui/style.h"

/* Rows sorted on the UI thread at most (a few milliseconds' work). */
#define PANE_SORT_HERE_MAX	50000

void
pane_init(struct pane *p, int id, struct ferry_location *loc)
{
	memset(p, 0, sizeof *p);
	p->id = id;
	p->loc = *loc;
	memset(loc, 0, sizeof *loc);
	p->path = xstrdup(p->loc.path != NULL ? p->loc.path : "/");
	p->label = ferry_location_format(&p->loc, p->path);
	p->order = FERRY_ORDER_NAME;
	p->height = 10;
	ferry_brief_list_init(&p->rows);
}

static void
pane_free_keep(struct pane *p)
{
	size_t	 i;

	for (i = 0; i < p->nkeep; i++)
		free(p->keep[i]);
	free(p->keep);
	p->keep = NULL;
	p->nkeep = 0;
}

/* Forget the STATS request in flight (its answer will be ignored). */
static void
pane_fill_drop(struct pane *p)
{
	size_t	 i;

	if (p->fill_id != 0 && p->worker != NULL)
		worker_cancel(p->worker, p->fill_id);
	if (p->fill_id != 0 && p->fill_epoch == p->epoch)
		for (i = 0; i < p->nfill; i++)
			p->rows.v[p->fill_rows[i]].flags &= ~PANE_ASKED;
	p->fill_id = 0;
	free(p->fill_rows);
	p->fill_rows = NULL;
	p->nfill = 0;
}

/* Forget every row and page (the cursor index stays, clamped later). */
static void
pane_clear(struct pane *p)
{
	size_t	 i;

	pane_fill_drop(p);
	for (i = 0; i < p->npages; i++) {
		ferry_page_done(p->pages[i]);
		free(p->pages[i]);
	}
	p->npages = 0;
	ferry_brief_list_done(&p->rows);
	free(p->full);
	p->full = NULL;
	p->capfull = 0;
	p->nrows = 0;
	p->nview = 0;
	p->nmarked = 0;
	p->marked_bytes = 0;
	p->nmarked_unsized = 0;
	p->nostat = 0;
	p->total = 0;
	p->total_known = false;
	p->epoch++;
}

void
pane_done(struct pane *p)
{
	/* The worker is gone by now (it stops before the panes). */
	p->worker = NULL;
	pane_clear(p);
	free(p->pages);
	free(p->view);
	pane_free_keep(p);
	free(p->path);
	free(p->label);
	free(p->crumb);
	free(p->error);
	free(p->filter);
	free(p->want);
	ferry_location_done(&p->loc);
	memset(p, 0, sizeof *p);
}

static const char *
pane_row_name(const struct pane *p, size_t row)
{
	return ferry_brief_name(&p->rows, &p->rows.v[row]);
}

size_t
pane_view_row(const struct pane *p, size_t i)
{
	return p->filter != NULL ? p->view[i] : i;
}

void
pane_row_entry(const struct pane *p, size_t row, struct ferry_entry *out)
{
	if (p->full != NULL)
		*out = *p->full[row];
	else
		ferry_brief_entry(&p->rows, &p->rows.v[row], out);
}

/* True when the row is an item whose size has not been read. */
static bool
pane_row_unsized(const struct pane *p, size_t row)
{
	return p->rows.v[row].kind == FERRY_KIND_ITEM &&
	    (p->rows.v[row].flags & FERRY_ENTRY_NO_STAT) != 0;
}

/* What marking the row adds to marked_bytes. */
static uint64_t
pane_row_bytes(const struct pane *p, size_t row)
{
	const struct ferry_brief_detail *d;

	if (p->rows.v[row].kind != FERRY_KIND_ITEM)
		return 0;
	if (p->full != NULL)
		return p->full[row]->size;
	d = ferry_brief_detail(&p->rows, &p->rows.v[row]);
	return d != NULL ? d->size : 0;
}

static int
pane_strcmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Remember the marked names, to mark them again when a reload brings them. */
static void
pane_save_marks(struct pane *p)
{
	size_t	 i;

	pane_free_keep(p);
	if (p->nmarked == 0)
		return;
	p->keep = xreallocarray(NULL, p->nmarked, sizeof *p->keep);
	for (i = 0; i < p->nrows && p->nkeep < p->nmarked; i++)
		if (p->rows.v[i].flags & PANE_MARKED)
			p->keep[p->nkeep++] = xstrdup(pane_row_name(p, i));
	qsort(p->keep, p->nkeep, sizeof *p->keep, pane_strcmp);
}

void
pane_load(struct pane *p, struct worker *w, const char *path,
    const char *want, bool reload)
{
	struct worker_req *r;
	char		*copy;

	if (p->list_id != 0)
		worker_cancel(w, p->list_id);
	p->worker = w;
	copy = xstrdup(path);
	if (!reload || strcmp(copy, p->path) != 0) {
		free(p->crumb);
		p->crumb = NULL;
	}
	free(p->path);
	p->path = copy;
	free(p->label);
	p->label = ferry_location_format(&p->loc, p->path);
	free(p->want);
	p->want = want != NULL ? xstrdup(want) : NULL;
	free(p->error);
	p->error = NULL;
	p->user_moved = false;
	p->complete = false;
	p->cancelled = false;
	/* The old rows' details will not come: the generation moves on. */
	pane_fill_drop(p);
	if (reload) {
		pane_save_marks(p);
		p->replace = true;
	} else {
		pane_free_keep(p);
		pane_clear(p);
		p->replace = false;
		p->cur = p->top = 0;
	}

	p->gen++;
	worker_pane_gen(w, p->id, p->gen);
	r = worker_req_new(WORKER_LIST, p->id, p->gen, &p->loc, p->path);
	r->flags = WORKER_F_PATH | WORKER_F_BRIEF;
	r->order = p->order;
	r->desc = p->desc;
	p->list_id = worker_submit(w, r);
	p->loading = true;
}

void
pane_reload(struct pane *p, struct worker *w)
{
	struct ferry_entry *e = pane_current(p);
	char		*path, *name;

	path = xstrdup(p->path);
	name = e != NULL ? xstrdup(e->name) : NULL;
	pane_load(p, w, path, name, true);
	free(path);
	free(name);
}

bool
pane_cancel(struct pane *p, struct worker *w)
{
	if (p->list_id == 0)
		return false;
	worker_cancel(w, p->list_id);
	/*
	 * Done now, whatever the backend does: a new generation drops
	 * whatever the stopped listing still posts.
	 */
	p->gen++;
	worker_pane_gen(w, p->id, p->gen);
	p->list_id = 0;
	p->loading = false;
	p->cancelled = true;
	p->replace = false;
	pane_free_keep(p);
	free(p->want);
	p->want = NULL;
	return true;
}

/* True when row passes the filter. */
static bool
pane_match(const struct pane *p, size_t row)
{
	struct ferry_query q;
	struct ferry_entry e;

	if (p->filter == NULL)
		return true;
	ferry_query_init(&q);
	q.search = p->filter;
	pane_row_entry(p, row, &e);
	return ferry_query_match(&q, &e);
}

static void
pane_view_push(struct pane *p, size_t row)
{
	if (p->nview == p->capview) {
		p->capview = p->capview ? p->capview * 2 : 256;
		p->view = xreallocarray(p->view, p->capview, sizeof *p->view);
	}
	p->view[p->nview++] = (uint32_t)row;
}

static void
pane_row_mark(struct pane *p, size_t row, bool on)
{
	struct ferry_brief *b = &p->rows.v[row];

	if (((b->flags & PANE_MARKED) != 0) == on)
		return;
	if (on) {
		b->flags |= PANE_MARKED;
		p->nmarked++;
		p->marked_bytes += pane_row_bytes(p, row);
		p->nmarked_unsized += pane_row_unsized(p, row);
	} else {
		b->flags &= ~PANE_MARKED;
		p->nmarked--;
		p->marked_bytes -= pane_row_bytes(p, row);
		p->nmarked_unsized -= pane_row_unsized(p, row);
	}
}

/* Keep the cursor in the view and on screen. */
static void
pane_fix(struct pane *p)
{
	size_t	 h = p->height > 0 ? (size_t)p->height : 1;

	if (p->nview == 0) {
		p->cur = p->top = 0;
		return;
	}
	if (p->cur >= p->nview)
		p->cur = p->nview - 1;
	if (p->top > p->cur)
		p->top = p->cur;
	if (p->cur >= p->top + h)
		p->top = p->cur - h + 1;
	if (p->nview >= h && p->top + h > p->nview)
		p->top = p->nview - h;
	if (p->nview < h)
		p->top = 0;
}

/*
 * Rows first..nrows just arrived: marks to restore, the filter, the
 * rows without details, and the cursor on the wanted name.
 */
static void
pane_rows_added(struct pane *p, size_t first)
{
	const char	*name;
	size_t		 i, vfirst = p->nview;

	for (i = first; i < p->nrows; i++) {
		if (p->rows.v[i].flags & FERRY_ENTRY_NO_STAT)
			p->nostat++;
		if (p->nkeep != 0) {
			name = pane_row_name(p, i);
			if (bsearch(&name, p->keep, p->nkeep,
			    sizeof *p->keep, pane_strcmp) != NULL)
				pane_row_mark(p, i, true);
		}
	}
	if (p->filter != NULL) {
		for (i = first; i < p->nrows; i++)
			if (pane_match(p, i))
				pane_view_push(p, i);
	} else
		p->nview = p->nrows;
	/* Put the cursor on the wanted name if these rows brought it. */
	if (p->want != NULL && !p->user_moved) {
		for (i = vfirst; i < p->nview; i++) {
			if (strcmp(pane_row_name(p, pane_view_row(p, i)),
			    p->want) == 0) {
				p->cur = i;
				free(p->want);
				p->want = NULL;
				break;
			}
		}
	}
}

/* Take the page out of ev and append its entries. */
static void
pane_add_page(struct pane *p, struct worker_event *ev)
{
	struct ferry_page *pg;
	struct ferry_brief *b;
	size_t		 i, first = p->nrows;

	if (p->nrows > 0 && p->full == NULL)
		return;		/* brief rows: a listing comes whole */
	pg = xmalloc(sizeof *pg);
	*pg = ev->page;
	ferry_page_init(&ev->page);
	if (p->npages == p->cappages) {
		p->cappages = p->cappages ? p->cappages * 2 : 16;
		p->pages = xreallocarray(p->pages, p->cappages,
		    sizeof *p->pages);
	}
	p->pages[p->npages++] = pg;
	if (pg->total_known) {
		p->total = pg->total;
		p->total_known = true;
	}
	if (p->nrows + pg->n > p->capfull) {
		while (p->nrows + pg->n > p->capfull)
			p->capfull = p->capfull ? p->capfull * 2 : 256;
		p->full = xreallocarray(p->full, p->capfull, sizeof *p->full);
	}
	for (i = 0; i < pg->n; i++) {
		b = ferry_brief_add(&p->rows, pg->v[i].name,
		    strlen(pg->v[i].name));
		if (b == NULL)
			break;	/* 4 GiB of names: keep what fits */
		b->kind = pg->v[i].kind;
		b->type = pg->v[i].type;
		b->flags = pg->v[i].flags & ~(PANE_MARKED | PANE_ASKED);
		p->full[p->nrows++] = &pg->v[i];
	}
	pane_rows_added(p, first);
}

/* Take the brief listing out of ev: it is the whole folder. */
static void
pane_add_brief(struct pane *p, struct worker_event *ev)
{
	if (p->nrows > 0)
		pane_clear(p);
	ferry_brief_list_done(&p->rows);
	p->rows = ev->brief;
	ferry_brief_list_init(&ev->brief);
	p->nrows = p->rows.n;
	p->total = ev->page.total;
	p->total_known = ev->page.total_known;
	pane_rows_added(p, 0);
}

/* The breadcrumb from a path_to_root chain: "store:/a/b". */
static void
pane_set_crumb(struct pane *p, const struct ferry_entry_list *l)
{
	char	*root, *s, *t;
	size_t	 i;

	root = ferry_location_format(&p->loc, "/");
	s = xstrdup(root);
	for (i = 0; i < l->n; i++) {
		if (l->v[i].name == NULL || l->v[i].name[0] == '\0')
			continue;
		t = xasprintf("%s%s%s", s,
		    s[0] != '\0' && s[strlen(s) - 1] == '/' ? "" : "/",
		    l->v[i].name);
		free(s);
		s = t;
	}
	free(root);
	free(p->crumb);
	p->crumb = s;
}

/* A stat answered for the row: its details, unless it changed kind. */
static void
pane_row_stat(struct pane *p, size_t row, const struct ferry_entry *e)
{
	struct ferry_brief *b = &p->rows.v[row];
	bool		 marked = (b->flags & PANE_MARKED) != 0;

	if (e->kind != b->kind)
		return;		/* gone, or replaced: a reload will tell */
	if (marked) {
		p->marked_bytes -= pane_row_bytes(p, row);
		p->nmarked_unsized -= pane_row_unsized(p, row);
	}
	if (b->flags & FERRY_ENTRY_NO_STAT)
		p->nostat--;
	b->flags = (uint16_t)((b->flags & (PANE_MARKED | PANE_ASKED)) |
	    (e->flags & ~(FERRY_ENTRY_NO_STAT | PANE_MARKED | PANE_ASKED)));
	b->type = e->type;
	ferry_brief_set_detail(&p->rows, b, e->size,
	    e->modified != 0 ? e->modified : e->created, e->mode);
	if (marked)
		p->marked_bytes += pane_row_bytes(p, row);
}

static void	 pane_fill(struct pane *);

/*
 * The answer to the STATS request in flight.  True (redraw) when a row
 * on screen got its details, or when the rows on screen may want more.
 */
static bool
pane_stats_event(struct pane *p, struct worker_event *ev)
{
	const struct ferry_entry *e;
	size_t		 i, row;
	bool		 shown = false;

	if (ev->req_id != p->fill_id)
		return false;
	if (p->fill_epoch == p->epoch) {
		for (i = 0; i < p->nfill; i++) {
			row = p->fill_rows[i];
			/*
			 * Not answered (cancelled): ask again later.  An
			 * answer that cannot be used (the name failed, or
			 * is something else now) stays asked: asking again
			 * would only loop.
			 */
			if (i >= ev->list.n) {
				p->rows.v[row].flags &= ~PANE_ASKED;
				continue;
			}
			e = &ev->list.v[i];
			if (e->kind != 0 &&
			    strcmp(e->name, pane_row_name(p, row)) == 0)
				pane_row_stat(p, row, e);
			/* With a filter, view indexes are not row numbers. */
			if (p->filter != NULL || (row >= p->top &&
			    row < p->top + (size_t)p->height))
				shown = true;
		}
	}
	p->fill_id = 0;
	free(p->fill_rows);
	p->fill_rows = NULL;
	p->nfill = 0;
	/* Rows around the screen may lack details still: ask now. */
	if (!shown)
		pane_fill(p);
	return shown;
}

/* True when a view row in [lo, hi) lacks details and is not asked for. */
static bool
pane_fill_wanted(const struct pane *p, size_t lo, size_t hi)
{
	size_t	 i;

	for (i = lo; i < hi && i < p->nview; i++)
		if ((p->rows.v[pane_view_row(p, i)].flags &
		    (FERRY_ENTRY_NO_STAT | PANE_ASKED)) == FERRY_ENTRY_NO_STAT)
			return true;
	return false;
}

/*
 * Ask for missing details around the screen, unless a STATS request is
 * out already (its answer brings a redraw, and the redraw asks for the
 * rest).  When a row on screen, or within half a screen of it, lacks
 * details, ask for every row that lacks them from a screen above to two
 * screens below: scrolling then finds its rows filled in, and asks again
 * once in a screen and a half rather than at every key.  O(rows on
 * screen).
 */
static void
pane_fill(struct pane *p)
{
	struct worker_req *r;
	size_t		 i, row, lo, hi, h, n = 0;
	uint32_t	*rows;

	if (p->nostat == 0 || p->fill_id != 0 || p->worker == NULL ||
	    p->full != NULL || p->replace || p->height <= 0 ||
	    p->top >= p->nview)
		return;
	h = (size_t)p->height;
	lo = p->top > h / 2 ? p->top - h / 2 : 0;
	if (!pane_fill_wanted(p, lo, p->top + h + h / 2))
		return;
	lo = p->top > h ? p->top - h : 0;
	hi = p->top + 2 * h < p->nview ? p->top + 2 * h : p->nview;
	rows = xreallocarray(NULL, hi - lo, sizeof *rows);
	for (i = lo; i < hi; i++) {
		row = pane_view_row(p, i);
		if ((p->rows.v[row].flags &
		    (FERRY_ENTRY_NO_STAT | PANE_ASKED)) == FERRY_ENTRY_NO_STAT)
			rows[n++] = (uint32_t)row;
	}
	r = worker_req_new(WORKER_STATS, p->id, p->gen, &p->loc, p->path);
	r->names = xreallocarray(NULL, n, sizeof *r->names);
	for (i = 0; i < n; i++) {
		r->names[i] = xstrdup(pane_row_name(p, rows[i]));
		p->rows.v[rows[i]].flags |= PANE_ASKED;
	}
	r->nnames = n;
	p->fill_rows = rows;
	p->nfill = n;
	p->fill_epoch = p->epoch;
	p->fill_id = worker_submit(p->worker, r);
}

bool
pane_filling(const struct pane *p)
{
	return p->fill_id != 0;
}

bool
pane_event(struct pane *p, struct worker_event *ev)
{
	if (ev->gen != p->gen)
		return false;
	if (ev->type == WORKER_EV_PATH) {
		if (ev->code == FERRY_OK)
			pane_set_crumb(p, &ev->list);
		return true;
	}
	if (ev->type == WORKER_EV_STATS)
		return pane_stats_event(p, ev);
	if (ev->type != WORKER_EV_PAGE || ev->req_id != p->list_id)
		return false;
	if (p->replace) {
		pane_clear(p);
		p->replace = false;
	}
	if (ev->brief.n > 0)
		pane_add_brief(p, ev);
	else if (ev->page.n > 0)
		pane_add_page(p, ev);
	if (ev->last) {
		p->loading = false;
		p->list_id = 0;
		if (ev->code == FERRY_OK)
			p->complete = true;
		else if (ev->code == FERRY_E_CANCELLED)
			p->cancelled = true;
		else
			p->error = xstrdup(ev->err.msg[0] != '\0' ?
			    ev->err.msg : ferry_strerror(ev->code));
		pane_free_keep(p);
		free(p->want);
		p->want = NULL;
	}
	pane_fix(p);
	return true;
}

struct ferry_entry *
pane_current(struct pane *p)
{
	if (p->nview == 0 || p->cur >= p->nview)
		return NULL;
	pane_row_entry(p, pane_view_row(p, p->cur), &p->cur_entry);
	return &p->cur_entry;
}

char *
pane_entry_path(const struct pane *p, const struct ferry_entry *e)
{
	return ferry_path_join(p->path, e->name);
}

void
pane_move(struct pane *p, long delta)
{
	p->user_moved = true;
	if (p->nview == 0)
		return;
	if (delta < 0 && (size_t)-delta > p->cur)
		p->cur = 0;
	else if (delta > 0 && (size_t)delta >= p->nview - p->cur)
		p->cur = p->nview - 1;
	else
		p->cur = (size_t)((long)p->cur + delta);
	pane_fix(p);
}

void
pane_move_to(struct pane *p, size_t index)
{
	p->user_moved = true;
	p->cur = index;
	pane_fix(p);
}

void
pane_page(struct pane *p, int dir)
{
	long	 h = p->height > 1 ? p->height - 1 : 1;

	pane_move(p, dir < 0 ? -h : h);
}

void
pane_mark(struct pane *p)
{
	size_t	 row;

	if (p->nview == 0)
		return;
	row = pane_view_row(p, p->cur);
	pane_row_mark(p, row, !(p->rows.v[row].flags & PANE_MARKED));
	pane_move(p, 1);
}

void
pane_invert(struct pane *p)
{
	size_t	 i, row;

	for (i = 0; i < p->nview; i++) {
		row = pane_view_row(p, i);
		pane_row_mark(p, row, !(p->rows.v[row].flags & PANE_MARKED));
	}
}

void
pane_marked(const struct pane *p, struct ferry_entry_list *out)
{
	struct ferry_entry e;
	size_t		 i, row, n = 0;

	for (i = 0; i < p->nview && n < p->nmarked; i++) {
		row = pane_view_row(p, i);
		if (p->rows.v[row].flags & PANE_MARKED) {
			pane_row_entry(p, row, &e);
			ferry_entry_list_push(out, &e);
			n++;
		}
	}
	/* Marked rows hidden by the filter count too. */
	if (n < p->nmarked && p->filter != NULL) {
		for (i = 0; i < p->nrows && n < p->nmarked; i++) {
			if ((p->rows.v[i].flags & PANE_MARKED) &&
			    !pane_match(p, i)) {
				pane_row_entry(p, i, &e);
				ferry_entry_list_push(out, &e);
				n++;
			}
		}
	}
}

size_t
pane_mark_glob(struct pane *p, const char *pattern, bool on, size_t *changed)
{
	size_t		 i, row, n = 0;

	*changed = 0;
	for (i = 0; i < p->nview; i++) {
		row = pane_view_row(p, i);
		if (fnmatch(pattern, pane_row_name(p, row), 0) != 0)
			continue;
		if (((p->rows.v[row].flags & PANE_MARKED) != 0) != on)
			(*changed)++;
		pane_row_mark(p, row, on);
		n++;
	}
	return n;
}

bool
pane_find(struct pane *p, int dir, pane_match_cb *match, void *arg)
{
	struct ferry_entry e;
	size_t		 k, i;

	for (k = 1; k <= p->nview; k++) {
		if (dir > 0)
			i = (p->cur + k) % p->nview;
		else
			i = (p->cur + p->nview - k % p->nview) % p->nview;
		pane_row_entry(p, pane_view_row(p, i), &e);
		if (match(&e, arg)) {
			pane_move_to(p, i);
			return true;
		}
	}
	return false;
}

void
pane_scroll(struct pane *p, long delta)
{
	size_t	 h = p->height > 0 ? (size_t)p->height : 1;
	size_t	 max = p->nview > h ? p->nview - h : 0;

	if (p->nview == 0)
		return;
	if (p->top > max)
		p->top = max;
	if (delta < 0)
		p->top = (size_t)-delta > p->top ? 0 : p->top - (size_t)-delta;
	else
		p->top = (size_t)delta > max - p->top ? max :
		    p->top + (size_t)delta;
	/* The cursor goes along when it would leave the screen. */
	if (p->cur < p->top)
		p->cur = p->top;
	if (p->cur >= p->top + h)
		p->cur = p->top + h - 1;
	p->user_moved = true;
	pane_fix(p);
}

long
pane_row_at(const struct pane *p, int y)
{
	long	 row = (long)y - p->draw_y - 2;

	if (p->draw_w <= 0 || row < 0 || row >= p->height ||
	    p->top + (size_t)row >= p->nview)
		return -1;
	return (long)(p->top + (size_t)row);
}

void
pane_goto(struct pane *p, struct worker *w, struct ferry_location *loc)
{
	char	*path;

	path = xstrdup(loc->path != NULL ? loc->path : "/");
	ferry_location_done(&p->loc);
	p->loc = *loc;
	memset(loc, 0, sizeof *loc);
	pane_load(p, w, path, NULL, false);
	free(path);
}

/*
 * Rebuild the view from the rows (none kept without a filter), keeping
 * the cursor on the row named at offset keep (UINT32_MAX: none).
 */
static void
pane_rebuild(struct pane *p, uint32_t keep)
{
	size_t	 i;

	p->nview = 0;
	if (p->filter == NULL) {
		free(p->view);
		p->view = NULL;
		p->capview = 0;
		p->nview = p->nrows;
	} else
		for (i = 0; i < p->nrows; i++)
			if (pane_match(p, i))
				pane_view_push(p, i);
	if (keep != UINT32_MAX) {
		for (i = 0; i < p->nview; i++) {
			if (p->rows.v[pane_view_row(p, i)].name == keep) {
				p->cur = i;
				break;
			}
		}
	}
	pane_fix(p);
}

/* The name offset of the cursor's row (it names the row across sorts). */
static uint32_t
pane_cur_key(const struct pane *p)
{
	if (p->nview == 0 || p->cur >= p->nview)
		return UINT32_MAX;
	return p->rows.v[pane_view_row(p, p->cur)].name;
}

void
pane_set_filter(struct pane *p, const char *filter)
{
	uint32_t keep = pane_cur_key(p);

	free(p->filter);
	p->filter = filter != NULL && filter[0] != '\0' ?
	    xstrdup(filter) : NULL;
	pane_rebuild(p, keep);
}

struct pane_sort {
	const struct ferry_query *q;
	const struct ferry_entry **full;
};

static int
pane_cmp(const void *a, const void *b, void *arg)
{
	const struct pane_sort *s = arg;

	return ferry_query_cmp(s->q, s->full[*(const uint32_t *)a],
	    s->full[*(const uint32_t *)b]);
}

/*
 * Sort rows of full entries in q's order (MIME types and all): sort the
 * row numbers by their entries, then lay the rows and entries out again.
 */
static void
pane_sort_full(struct pane *p, const struct ferry_query *q)
{
	struct pane_sort	 s = { q, p->full };
	struct ferry_brief	*v;
	const struct ferry_entry **f;
	uint32_t		*perm;
	size_t			 i;

	perm = xreallocarray(NULL, p->nrows, sizeof *perm);
	for (i = 0; i < p->nrows; i++)
		perm[i] = (uint32_t)i;
	qsort_r(perm, p->nrows, sizeof *perm, pane_cmp, &s);
	v = xreallocarray(NULL, p->nrows, sizeof *v);
	f = xreallocarray(NULL, p->nrows, sizeof *f);
	for (i = 0; i < p->nrows; i++) {
		v[i] = p->rows.v[perm[i]];
		f[i] = p->full[perm[i]];
	}
	memcpy(p->rows.v, v, p->nrows * sizeof *v);
	memcpy(p->full, f, p->nrows * sizeof *f);
	free(v);
	free(f);
	free(perm);
}

void
pane_set_sort(struct pane *p, struct worker *w, enum ferry_order o,
    bool desc)
{
	uint32_t	 keep = pane_cur_key(p);
	struct ferry_query q;

	p->order = o;
	p->desc = desc;
	/*
	 * Sizes and dates that were never read must be read first; and a
	 * big listing is sorted again by the worker, not here: sorting a
	 * million names would hold the keys for most of a second.
	 */
	if (p->loading || p->nrows > PANE_SORT_HERE_MAX ||
	    (p->nostat > 0 && (o == FERRY_ORDER_SIZE ||
	    o == FERRY_ORDER_CREATED))) {
		pane_reload(p, w);
		return;
	}
	if (p->nrows > 1) {
		ferry_query_init(&q);
		q.order = o;
		q.desc = desc;
		/* The rows move: a STATS answer would land on others. */
		pane_fill_drop(p);
		p->epoch++;
		if (p->full != NULL)
			pane_sort_full(p, &q);
		else
			ferry_brief_sort(&p->rows, o, desc);
	}
	pane_rebuild(p, keep);
}

bool
pane_shows(const struct pane *p, const struct pane *other)
{
	return strcmp(p->label, other->label) == 0;
}

const char *
pane_order_label(enum ferry_order o)
{
	switch (o) {
	case FERRY_ORDER_NAME:
		return "name";
	case FERRY_ORDER_SIZE:
		return "size";
	case FERRY_ORDER_CREATED:
		return "date";
	case FERRY_ORDER_TYPE:
		return "type";
	}
	return "?";
}

/* Column widths for a pane of w cells (the name takes the rest). */
struct pane_cols {
	int	 name;
	int	 size;		/* with its leading space */
	int	 date;		/* with its leading space */
	int	 type;		/* with its leading space */
	bool	 long_date;
};

static void
pane_columns(int w, struct pane_cols *c)
{
	int	 avail = w - 2;	/* the mark and the type mark */

	memset(c, 0, sizeof *c);
	if (avail >= 20)
		c->size = 6;
	if (avail >= 60) {
		c->date = 17;
		c->long_date = true;
	} else if (avail >= 34)
		c->date = 12;
	if (avail >= 70)
		c->type = 1 + (avail / 5 < 24 ? avail / 5 : 24);
	c->name = avail - c->size - c->date - c->type;
	if (c->name < 1)
		c->name = 1;
}

/*
 * The header's text: the path up to the folder in the breadcrumb role,
 * the folder in the header's.  Cut from the left when too long; a folder
 * name that does not fit alone is drawn cut, all in the header's role.
 */
static void
pane_draw_path(WINDOW *win, int y, int x, int room, const char *text,
    enum style_role role)
{
	attr_t		 a = style_attr(role), ea = style_escape(role);
	attr_t		 ca = style_over(STYLE_BREADCRUMB, role);
	const char	*slash, *folder;
	size_t		 len = strlen(text), plen;
	int		 fw, used;

	slash = len > 1 ? memrchr(text, '/', len - 1) : NULL;
	if (slash == NULL) {
		draw_str(win, y, x, room, text, DRAW_CUT_LEFT, a, ea);
		return;
	}
	folder = slash + 1;
	plen = (size_t)(folder - text);
	fw = draw_width(folder, strlen(folder));
	if (fw + 2 > room) {
		draw_str(win, y, x, room, text, DRAW_CUT_LEFT, a, ea);
		return;
	}
	used = draw_text(win, y, x, room - fw, text, plen, DRAW_CUT_LEFT, ca,
	    ea);
	draw_str(win, y, x + used, fw, folder, 0, a, ea);
}

static void
pane_draw_header(struct pane *p, WINDOW *win, int y, int x, int w,
    bool active, char spin)
{
	enum style_role	 role = active ? STYLE_HEADER_ACTIVE : STYLE_HEADER;
	attr_t		 a = style_attr(role);
	const char	*text = p->crumb != NULL ? p->crumb : p->label;
	int		 room = w - 2;
	char		 sp[2];

	draw_blank(win, y, x, w, a);
	if (p->loading && room > 4) {
		room -= 3;
		sp[0] = spin;
		sp[1] = '\0';
		draw_str(win, y, x + w - 2, 1, sp, 0,
		    style_over(STYLE_SPINNER, role), a);
	}
	pane_draw_path(win, y, x + 1, room, text, role);
}

static void
pane_draw_titles(WINDOW *win, int y, int x, int w, const struct pane_cols *c)
{
	attr_t	 a = style_attr(STYLE_TITLES);
	int	 cx = x + 2;

	draw_blank(win, y, x, w, a);
	draw_str(win, y, cx, c->name, "Name", 0, a, a);
	cx += c->name;
	if (c->size) {
		draw_str(win, y, cx, c->size, "Size", DRAW_RIGHT, a, a);
		cx += c->size;
	}
	if (c->date) {
		draw_str(win, y, cx + 1, c->date - 1, "Modified", 0, a, a);
		cx += c->date;
	}
	if (c->type)
		draw_str(win, y, cx + 1, c->type - 1, "Type", 0, a, a);
}

static enum style_role
pane_row_role(const struct ferry_entry *e, bool marked, bool cursor,
    bool active)
{
	if (cursor && active)
		return marked ? STYLE_MARKED_CURSOR : STYLE_CURSOR;
	if (cursor)
		return STYLE_CURSOR_INACTIVE;
	if (marked)
		return STYLE_MARKED;
	if (e->flags & FERRY_ENTRY_SYMLINK)
		return STYLE_LINK;
	if (e->kind == FERRY_KIND_FOLDER)
		return STYLE_FOLDER;
	return theme_type_role(e->type);
}

static void
pane_draw_row(WINDOW *win, int y, int x, int w, const struct pane_cols *c,
    const struct ferry_entry *e, bool marked, enum style_role role)
{
	attr_t		 a = style_attr(role), ea = style_escape(role);
	char		 buf[32], mark[3];
	const char	*type;
	int		 cx = x + 2;

	draw_blank(win, y, x, w, a);
	mark[0] = marked ? '*' : ' ';
	mark[1] = (e->flags & FERRY_ENTRY_SYMLINK) ? '@' :
	    e->kind == FERRY_KIND_FOLDER ? '/' : ' ';
	mark[2] = '\0';
	draw_str(win, y, x, 2, mark, 0, a, a);
	draw_str(win, y, cx, c->name - 1, e->name, 0, a, ea);
	cx += c->name;
	if (c->size) {
		if (e->kind == FERRY_KIND_FOLDER)
			snprintf(buf, sizeof buf, "<dir>");
		else if (e->flags & (FERRY_ENTRY_NO_STAT | FERRY_ENTRY_NO_SIZE))
			buf[0] = '\0';
		else
			draw_size(e->size, buf, sizeof buf);
		draw_str(win, y, cx, c->size, buf, DRAW_RIGHT, a, a);
		cx += c->size;
	}
	if (c->date) {
		if (e->flags & FERRY_ENTRY_NO_STAT)
			buf[0] = '\0';
		else
			draw_date(e->modified != 0 ? e->modified : e->created,
			    !c->long_date, buf, sizeof buf);
		draw_str(win, y, cx + 1, c->date - 1, buf, 0, a, a);
		cx += c->date;
	}
	if (c->type) {
		if (e->kind == FERRY_KIND_FOLDER)
			type = "folder";
		else if (e->mime != NULL && e->mime[0] != '\0')
			type = e->mime;
		else
			type = ferry_type_name(e->type);
		draw_str(win, y, cx + 1, c->type - 1, type, 0, a, ea);
	}
}

/* What an empty pane says. */
static void
pane_draw_empty(struct pane *p, WINDOW *win, int y, int x, int w, int rows)
{
	const char	*msg = NULL;
	enum style_role	 role = STYLE_HINT;

	if (p->error != NULL) {
		msg = p->error;
		role = STYLE_ERROR;
	} else if (p->loading)
		msg = "Loading...";
	else if (p->nrows > 0)
		msg = "No entries match the filter.";
	else if (p->loc.kind == FERRY_LOC_STORE && strcmp(p->path, "/") == 0)
		msg = "Empty. Mark items in the other pane and press F5 to "
		    "copy them here.";
	else if (p->complete)
		msg = "Empty folder.";
	if (msg != NULL)
		draw_wrapped(win, y, x + 2, w - 3, rows, msg, style_attr(role),
		    style_escape(role));
}

static void
pane_draw_footer(struct pane *p, WINDOW *win, int y, int x, int w)
{
	attr_t	 a = style_attr(STYLE_FOOTER), ea = style_escape(STYLE_FOOTER);
	char	 left[160], sz[32], *right;
	int	 rw;

	if (p->nview != p->nrows)
		snprintf(left, sizeof left, "%zu/%zu entries", p->nview,
		    p->nrows);
	else
		snprintf(left, sizeof left, "%zu entries", p->nrows);
	if (p->loading)
		snprintf(left + strlen(left), sizeof left - strlen(left),
		    ", loading...");
	else if (p->cancelled)
		snprintf(left + strlen(left), sizeof left - strlen(left),
		    " (cancelled)");
	if (p->nmarked > 0) {
		draw_size(p->marked_bytes, sz, sizeof sz);
		/* Some sizes are not read yet: at least that much. */
		if (p->nmarked_unsized > 0 && strlen(sz) + 1 < sizeof sz)
			strcat(sz, "+");
		snprintf(left + strlen(left), sizeof left - strlen(left),
		    ", %zu marked (%s)", p->nmarked, sz);
	}
	right = xasprintf("%s%s%ssort:%s%s",
	    p->filter != NULL ? "filter:" : "",
	    p->filter != NULL ? p->filter : "",
	    p->filter != NULL ? "  " : "", pane_order_label(p->order),
	    p->desc ? (draw_utf8() ? "\xe2\x86\x93" : "-") :
	    (draw_utf8() ? "\xe2\x86\x91" : "+"));
	draw_blank(win, y, x, w, a);
	rw = draw_width(right, strlen(right));
	if (rw > w / 2)
		rw = w / 2;
	if (w >= 24) {
		draw_str(win, y, x + w - rw - 1, rw, right, DRAW_RIGHT, a, ea);
		rw += 2;
	} else
		rw = 0;
	draw_str(win, y, x + 1, w - rw - 1, left, 0, a, a);
	free(right);
}

void
pane_draw(struct pane *p, WINDOW *win, int y, int x, int h, int w,
    bool active, char spin)
{
	struct pane_cols c;
	struct ferry_entry e;
	size_t		 i;
	int		 row;
	bool		 marked;

	if (h < 3 || w < 4)
		return;
	p->draw_y = y;
	p->draw_x = x;
	p->draw_h = h;
	p->draw_w = w;
	pane_columns(w, &c);
	p->height = h - 3 > 0 ? h - 3 : 1;
	pane_fix(p);
	pane_draw_header(p, win, y, x, w, active, spin);
	pane_draw_titles(win, y + 1, x, w, &c);
	for (row = 0; row < h - 3; row++)
		draw_blank(win, y + 2 + row, x, w, style_attr(STYLE_NORMAL));
	if (p->nview == 0)
		pane_draw_empty(p, win, y + 2, x, w, p->height);
	for (row = 0, i = p->top; row < p->height && i < p->nview;
	    row++, i++) {
		pane_row_entry(p, pane_view_row(p, i), &e);
		marked = (p->rows.v[pane_view_row(p, i)].flags &
		    PANE_MARKED) != 0;
		pane_draw_row(win, y + 2 + row, x, w, &c, &e, marked,
		    pane_row_role(&e, marked, i == p->cur, active));
	}
	pane_draw_footer(p, win, y + h - 1, x, w);
	/* The rows just drawn that lack sizes and dates: ask for them. */
	pane_fill(p);
}
