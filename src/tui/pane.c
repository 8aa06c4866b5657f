/* SPDX-License-Identifier: MIT */
/*
 * One browser pane: its listing data, view, cursor and marks, and its
 * drawing (see pane.h for the data layout and the generations).
 *
 * Invariants: every view index is < nrows; cur < nview or cur == 0 when
 * the view is empty; nmarked and marked_bytes count the marked rows (in
 * or out of the view); list_id != 0 exactly while loading.
 *
 * UI thread only.
 */
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "ferry/location.h"
#include "tui/draw.h"
#include "tui/pane.h"
#include "tui/style.h"

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

/* Forget every row and page (the cursor index stays, clamped later). */
static void
pane_clear(struct pane *p)
{
	size_t	 i;

	for (i = 0; i < p->npages; i++) {
		ferry_page_done(p->pages[i]);
		free(p->pages[i]);
	}
	p->npages = 0;
	p->nrows = 0;
	p->nview = 0;
	p->nmarked = 0;
	p->marked_bytes = 0;
	p->total = 0;
	p->total_known = false;
}

void
pane_done(struct pane *p)
{
	pane_clear(p);
	free(p->pages);
	free(p->rows);
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
		if (p->rows[i].marked)
			p->keep[p->nkeep++] = xstrdup(p->rows[i].e->name);
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
	r->flags = WORKER_F_PATH;
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

static bool
pane_match(const struct pane *p, const struct ferry_entry *e)
{
	struct ferry_query q;

	if (p->filter == NULL)
		return true;
	ferry_query_init(&q);
	q.search = p->filter;
	return ferry_query_match(&q, e);
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
pane_row_mark(struct pane *p, struct pane_row *row, bool on)
{
	if (row->marked == on)
		return;
	row->marked = on;
	if (on) {
		p->nmarked++;
		if (row->e->kind == FERRY_KIND_ITEM)
			p->marked_bytes += row->e->size;
	} else {
		p->nmarked--;
		if (row->e->kind == FERRY_KIND_ITEM)
			p->marked_bytes -= row->e->size;
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

/* Take the page out of ev and append its entries. */
static void
pane_add_page(struct pane *p, struct worker_event *ev)
{
	struct ferry_page *pg;
	struct pane_row	*row;
	size_t		 i, first = p->nview;

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
	if (p->nrows + pg->n > p->caprows) {
		while (p->nrows + pg->n > p->caprows)
			p->caprows = p->caprows ? p->caprows * 2 : 256;
		p->rows = xreallocarray(p->rows, p->caprows, sizeof *p->rows);
	}
	for (i = 0; i < pg->n; i++) {
		row = &p->rows[p->nrows];
		row->e = &pg->v[i];
		row->marked = false;
		if (p->nkeep != 0 && bsearch(&row->e->name, p->keep, p->nkeep,
		    sizeof *p->keep, pane_strcmp) != NULL)
			pane_row_mark(p, row, true);
		if (pane_match(p, row->e))
			pane_view_push(p, p->nrows);
		p->nrows++;
	}
	/* Put the cursor on the wanted name if this page brought it. */
	if (p->want != NULL && !p->user_moved) {
		for (i = first; i < p->nview; i++) {
			if (strcmp(p->rows[p->view[i]].e->name, p->want) == 0) {
				p->cur = i;
				free(p->want);
				p->want = NULL;
				break;
			}
		}
	}
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
	if (ev->type != WORKER_EV_PAGE || ev->req_id != p->list_id)
		return false;
	if (p->replace) {
		pane_clear(p);
		p->replace = false;
	}
	if (ev->page.n > 0)
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
pane_current(const struct pane *p)
{
	if (p->nview == 0 || p->cur >= p->nview)
		return NULL;
	return p->rows[p->view[p->cur]].e;
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
	if (p->nview == 0)
		return;
	pane_row_mark(p, &p->rows[p->view[p->cur]],
	    !p->rows[p->view[p->cur]].marked);
	pane_move(p, 1);
}

void
pane_invert(struct pane *p)
{
	struct pane_row	*row;
	size_t		 i;

	for (i = 0; i < p->nview; i++) {
		row = &p->rows[p->view[i]];
		pane_row_mark(p, row, !row->marked);
	}
}

struct pane_row **
pane_marked(const struct pane *p, size_t *n)
{
	struct pane_row	**v;
	size_t		 i;

	*n = 0;
	v = xreallocarray(NULL, p->nmarked ? p->nmarked : 1, sizeof *v);
	for (i = 0; i < p->nview && *n < p->nmarked; i++)
		if (p->rows[p->view[i]].marked)
			v[(*n)++] = &p->rows[p->view[i]];
	/* Marked rows hidden by the filter count too. */
	if (*n < p->nmarked && p->filter != NULL) {
		for (i = 0; i < p->nrows && *n < p->nmarked; i++)
			if (p->rows[i].marked && !pane_match(p, p->rows[i].e))
				v[(*n)++] = &p->rows[i];
	}
	return v;
}

/* Rebuild the view from the rows, keeping the cursor on entry keep. */
static void
pane_rebuild(struct pane *p, const struct ferry_entry *keep)
{
	size_t	 i;

	p->nview = 0;
	for (i = 0; i < p->nrows; i++)
		if (pane_match(p, p->rows[i].e))
			pane_view_push(p, i);
	if (keep != NULL) {
		for (i = 0; i < p->nview; i++) {
			if (p->rows[p->view[i]].e == keep) {
				p->cur = i;
				break;
			}
		}
	}
	pane_fix(p);
}

void
pane_set_filter(struct pane *p, const char *filter)
{
	struct ferry_entry *keep = pane_current(p);

	free(p->filter);
	p->filter = filter != NULL && filter[0] != '\0' ?
	    xstrdup(filter) : NULL;
	pane_rebuild(p, keep);
}

static int
pane_cmp(const void *a, const void *b, void *arg)
{
	const struct pane_row *ra = a, *rb = b;

	return ferry_query_cmp(arg, ra->e, rb->e);
}

void
pane_set_sort(struct pane *p, struct worker *w, enum ferry_order o,
    bool desc)
{
	struct ferry_entry *keep = pane_current(p);
	struct ferry_query q;

	p->order = o;
	p->desc = desc;
	if (p->loading) {
		pane_reload(p, w);
		return;
	}
	ferry_query_init(&q);
	q.order = o;
	q.desc = desc;
	if (p->nrows > 1)
		qsort_r(p->rows, p->nrows, sizeof *p->rows, pane_cmp, &q);
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
pane_row_role(const struct pane_row *row, bool cursor, bool active)
{
	if (cursor && active)
		return row->marked ? STYLE_MARKED_CURSOR : STYLE_CURSOR;
	if (cursor)
		return STYLE_CURSOR_INACTIVE;
	if (row->marked)
		return STYLE_MARKED;
	if (row->e->flags & FERRY_ENTRY_SYMLINK)
		return STYLE_LINK;
	if (row->e->kind == FERRY_KIND_FOLDER)
		return STYLE_FOLDER;
	return theme_type_role(row->e->type);
}

static void
pane_draw_row(WINDOW *win, int y, int x, int w, const struct pane_cols *c,
    const struct pane_row *row, enum style_role role)
{
	const struct ferry_entry *e = row->e;
	attr_t		 a = style_attr(role), ea = style_escape(role);
	char		 buf[32], mark[3];
	const char	*type;
	int		 cx = x + 2;

	draw_blank(win, y, x, w, a);
	mark[0] = row->marked ? '*' : ' ';
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
	size_t		 i;
	int		 row;

	if (h < 3 || w < 4)
		return;
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
	    row++, i++)
		pane_draw_row(win, y + 2 + row, x, w, &c,
		    &p->rows[p->view[i]],
		    pane_row_role(&p->rows[p->view[i]], i == p->cur, active));
	pane_draw_footer(p, win, y + h - 1, x, w);
}
