/* SPDX-License-Identifier: MIT */
/*
 * The info view (see info.h): which entry it follows, its requests and
 * their answers, the lines it shows and how they are drawn.
 *
 * Invariants: `label` names the entry shown (the follow key); `e` and its
 * strings live in `arena` (from the listing until the STAT answers, then
 * from the STAT); `gen` is the generation of both TUI_WPANE_INFO and
 * TUI_WPANE_SUMMARY, bumped for every new entry; `due_ns` is non-zero
 * exactly while requests wait for the debounce; `lines` is rebuilt from
 * the data whenever `built` is false.
 *
 * UI thread only.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "core/util.h"
#include "ferry/location.h"
#include "tui/draw.h"
#include "tui/info.h"
#include "tui/pane.h"
#include "tui/style.h"
#include "tui/tui-int.h"

#define INFO_LABEL	12	/* cells of the label column */

enum info_sum {
	INFO_SUM_NONE = 0,
	INFO_SUM_RUNNING,
	INFO_SUM_DONE,
	INFO_SUM_FAILED,
};

/* One thing shown: a label and its text (which may wrap). */
struct info_line {
	const char	*label;		/* static; "" continues the one above */
	char		*text;
	enum style_role	 role;
};

/* One screen row of a line. */
struct info_row {
	const char	*label;		/* NULL on continuation rows */
	const char	*s;
	size_t		 n;
	enum style_role	 role;
};

struct info {
	int		 pane;		/* the pane followed */
	char		*label;		/* location text of the entry */
	struct ferry_location loc;	/* its namespace (for requests) */
	char		*path;
	struct ferry_entry e;
	struct ferry_arena arena;
	bool		 have_entry;
	bool		 full;		/* e is the STAT's */
	char		*error;
	struct ferry_entry_list chain;
	bool		 have_chain;

	uint64_t	 gen;
	uint64_t	 due_ns;	/* send the requests then; 0: sent */
	uint64_t	 stat_id;
	uint64_t	 path_id;
	bool		 waiting;	/* STAT sent, not answered */

	enum info_sum	 sum_state;
	struct ferry_summary sum;
	char		*sum_error;
	uint64_t	 sum_id;

	struct info_line *lines;
	size_t		 nlines, caplines;
	bool		 built;
	struct info_row	*rows;
	size_t		 nrows, caprows;
	size_t		 scroll;
	int		 body;		/* rows shown at the last draw */
};

/* -------- pure helpers -------- */

char *
info_json_pretty(const char *text)
{
	cJSON	*j;
	char	*s, *out, *o;
	size_t	 tabs = 0, i;

	if (text == NULL || (j = cJSON_Parse(text)) == NULL)
		return NULL;
	s = cJSON_Print(j);
	cJSON_Delete(j);
	if (s == NULL)
		return NULL;
	/* cJSON escapes tabs inside strings: a raw one is layout. */
	for (i = 0; s[i] != '\0'; i++)
		tabs += s[i] == '\t';
	out = o = xmalloc(strlen(s) + tabs + 1);
	for (i = 0; s[i] != '\0'; i++) {
		if (s[i] != '\t') {
			*o++ = s[i];
			continue;
		}
		*o++ = ' ';
		/* Indentation doubles; after "key": one space. */
		if (i == 0 || s[i - 1] == '\n' || s[i - 1] == '\t')
			*o++ = ' ';
	}
	*o = '\0';
	free(s);
	return out;
}

char *
info_tags_text(const char *tags)
{
	cJSON	*j, *t;
	char	*out = NULL, *next;

	if (tags == NULL || (j = cJSON_Parse(tags)) == NULL)
		return NULL;
	if (!cJSON_IsArray(j)) {
		cJSON_Delete(j);
		return NULL;
	}
	cJSON_ArrayForEach(t, j) {
		if (!cJSON_IsString(t))
			continue;
		next = xasprintf("%s%s%s", out != NULL ? out : "",
		    out != NULL ? ", " : "", t->valuestring);
		free(out);
		out = next;
	}
	cJSON_Delete(j);
	return out != NULL ? out : xstrdup("");
}

size_t
info_wrap(const char *s, size_t n, int width)
{
	struct draw_unit u;
	size_t		 i = 0, space = 0;
	int		 used = 0;
	bool		 base = false;

	while (i < n) {
		draw_classify(s + i, n - i, base, &u);
		if (u.width > 0 && used + u.width > width && i > 0) {
			/* Break after the last space, when there was one. */
			return space > 0 ? space : i;
		}
		base = u.esc[0] == '\0';
		used += u.width;
		if (s[i] == ' ' && u.len == 1)
			space = i + 1;
		i += u.len;
	}
	return n;
}

/* -------- state -------- */

/* Forget the entry shown (not the pane followed). */
static void
info_reset(struct info *in)
{
	size_t	 i;

	free(in->label);
	free(in->path);
	free(in->error);
	free(in->sum_error);
	ferry_location_done(&in->loc);
	ferry_arena_done(&in->arena);
	ferry_entry_list_done(&in->chain);
	for (i = 0; i < in->nlines; i++)
		free(in->lines[i].text);
	in->label = in->path = in->error = in->sum_error = NULL;
	memset(&in->e, 0, sizeof in->e);
	in->have_entry = in->full = in->have_chain = in->waiting = false;
	in->due_ns = in->stat_id = in->path_id = in->sum_id = 0;
	in->sum_state = INFO_SUM_NONE;
	memset(&in->sum, 0, sizeof in->sum);
	in->nlines = 0;
	in->built = false;
	in->scroll = 0;
}

static void
info_free(struct info *in)
{
	if (in == NULL)
		return;
	info_reset(in);
	free(in->lines);
	free(in->rows);
	free(in);
}

void
info_close(struct app *app)
{
	if (app->info == NULL)
		return;
	/* Nothing it asked for may come back to a later view. */
	app->mode_gen++;
	worker_pane_gen(app->worker, TUI_WPANE_INFO, app->mode_gen);
	worker_pane_gen(app->worker, TUI_WPANE_SUMMARY, app->mode_gen);
	info_free(app->info);
	app->info = NULL;
}

void
info_toggle(struct app *app)
{
	struct info	*in;

	if (app->info != NULL) {
		info_close(app);
		return;
	}
	in = xcalloc(1, sizeof *in);
	in->pane = -1;
	ferry_arena_init(&in->arena);
	ferry_entry_list_init(&in->chain);
	app->info = in;
	info_follow(app);
}

void
info_follow(struct app *app)
{
	struct info		*in = app->info;
	struct pane		*p;
	struct ferry_entry	*e;
	char			*path, *label;

	if (in == NULL)
		return;
	p = &app->panes[app->active];
	e = pane_current(p);
	path = e != NULL ? pane_entry_path(p, e) : xstrdup(p->path);
	label = ferry_location_format(&p->loc, path);
	if (in->label != NULL && in->pane == app->active &&
	    strcmp(label, in->label) == 0) {
		free(path);
		free(label);
		return;
	}
	info_reset(in);
	in->pane = app->active;
	in->label = label;
	in->path = path;
	in->loc.kind = p->loc.kind;
	in->loc.profile = p->loc.profile != NULL ?
	    xstrdup(p->loc.profile) : NULL;
	in->loc.authority = p->loc.authority != NULL ?
	    xstrdup(p->loc.authority) : NULL;
	in->loc.path = xstrdup(path);
	if (e != NULL) {
		/* What the listing knows, until the STAT answers. */
		ferry_entry_copy(&in->e, e, &in->arena);
		in->have_entry = true;
	}
	in->gen = ++app->mode_gen;
	worker_pane_gen(app->worker, TUI_WPANE_INFO, in->gen);
	worker_pane_gen(app->worker, TUI_WPANE_SUMMARY, in->gen);
	in->due_ns = ferry_mono_ns() + INFO_DEBOUNCE_MS * 1000000ull;
	in->waiting = true;
	app->dirty = true;
}

int
info_timeout(const struct app *app)
{
	uint64_t	 now;

	if (app->info == NULL || app->info->due_ns == 0)
		return -1;
	now = ferry_mono_ns();
	if (now >= app->info->due_ns)
		return 0;
	return (int)((app->info->due_ns - now) / 1000000u) + 1;
}

void
info_tick(struct app *app)
{
	struct info		*in = app->info;
	struct worker_req	*r;

	if (in == NULL || in->due_ns == 0 || ferry_mono_ns() < in->due_ns)
		return;
	in->due_ns = 0;
	r = worker_req_new(WORKER_STAT, TUI_WPANE_INFO, in->gen, &in->loc,
	    in->path);
	in->stat_id = worker_submit(app->worker, r);
	r = worker_req_new(WORKER_PATH_TO_ROOT, TUI_WPANE_INFO, in->gen,
	    &in->loc, in->path);
	in->path_id = worker_submit(app->worker, r);
	app->dirty = true;
}

bool
info_busy(const struct app *app)
{
	const struct info *in = app->info;

	return in != NULL && ((in->waiting && in->due_ns == 0) ||
	    in->sum_state == INFO_SUM_RUNNING);
}

static bool
info_is_folder(const struct info *in)
{
	/* No entry: the pane's own folder is shown. */
	return !in->have_entry || in->e.kind == FERRY_KIND_FOLDER;
}

static void
info_summary(struct app *app)
{
	struct info		*in = app->info;
	struct worker_req	*r;

	if (!info_is_folder(in)) {
		tui_message(app, false, "A summary is for folders: %s is an "
		    "item.", in->label);
		return;
	}
	if (in->sum_state == INFO_SUM_RUNNING)
		return;
	r = worker_req_new(WORKER_SUMMARY, TUI_WPANE_SUMMARY, in->gen,
	    &in->loc, in->path);
	in->sum_id = worker_submit(app->worker, r);
	in->sum_state = INFO_SUM_RUNNING;
	in->built = false;
}

bool
info_cancel(struct app *app)
{
	struct info	*in = app->info;

	if (in == NULL || in->sum_state != INFO_SUM_RUNNING)
		return false;
	worker_cancel(app->worker, in->sum_id);
	in->sum_id = 0;
	in->sum_state = INFO_SUM_NONE;
	in->built = false;
	tui_message(app, false, "Summary of %s cancelled.", in->label);
	return true;
}

bool
info_key(struct app *app, bool fkey, wint_t ch)
{
	struct info	*in = app->info;
	size_t		 page;

	if (in == NULL)
		return false;
	page = in->body > 1 ? (size_t)in->body - 1 : 1;
	if (!fkey && ch == 'S')
		info_summary(app);
	else if ((!fkey && ch == 'J') || (fkey && ch == KEY_SF))
		in->scroll++;
	else if ((!fkey && ch == 'K') || (fkey && ch == KEY_SR))
		in->scroll = in->scroll > 0 ? in->scroll - 1 : 0;
	else if (fkey && ch == KEY_SNEXT)
		in->scroll += page;
	else if (fkey && ch == KEY_SPREVIOUS)
		in->scroll = in->scroll > page ? in->scroll - page : 0;
	else
		return false;
	return true;
}

static void
info_event_stat(struct info *in, struct worker_event *ev)
{
	struct ferry_arena	 a;
	struct ferry_entry	 e;

	in->waiting = false;
	if (ev->code != FERRY_OK) {
		free(in->error);
		in->error = xstrdup(ev->err.msg[0] != '\0' ? ev->err.msg :
		    ferry_strerror(ev->code));
		return;
	}
	ferry_arena_init(&a);
	ferry_entry_copy(&e, &ev->entry, &a);
	ferry_arena_done(&in->arena);
	in->arena = a;
	in->e = e;
	in->have_entry = true;
	in->full = true;
}

void
info_event(struct app *app, struct worker_event *ev)
{
	struct info	*in = app->info;

	if (in == NULL || ev->gen != in->gen)
		return;
	in->built = false;
	if (ev->type == WORKER_EV_STAT && ev->req_id == in->stat_id)
		info_event_stat(in, ev);
	else if (ev->type == WORKER_EV_PATH && ev->req_id == in->path_id &&
	    ev->code == FERRY_OK) {
		ferry_entry_list_done(&in->chain);
		in->chain = ev->list;
		ferry_entry_list_init(&ev->list);
		in->have_chain = true;
	} else if (ev->type == WORKER_EV_SUMMARY &&
	    ev->req_id == in->sum_id) {
		in->sum_id = 0;
		if (ev->code == FERRY_OK) {
			in->sum = ev->summary;
			in->sum_state = INFO_SUM_DONE;
		} else {
			in->sum_state = ev->code == FERRY_E_CANCELLED ?
			    INFO_SUM_NONE : INFO_SUM_FAILED;
			free(in->sum_error);
			in->sum_error = xstrdup(ev->err.msg[0] != '\0' ?
			    ev->err.msg : ferry_strerror(ev->code));
		}
	}
}

/* -------- the lines shown -------- */

static void
info_add(struct info *in, const char *label, enum style_role role,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void
info_add(struct info *in, const char *label, enum style_role role,
    const char *fmt, ...)
{
	va_list		 ap;
	char		*s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		ferry_assert_fail("vasprintf", __FILE__, __LINE__);
	va_end(ap);
	if (in->nlines == in->caplines) {
		in->caplines = in->caplines ? in->caplines * 2 : 32;
		in->lines = xreallocarray(in->lines, in->caplines,
		    sizeof *in->lines);
	}
	in->lines[in->nlines].label = label;
	in->lines[in->nlines].text = s;
	in->lines[in->nlines].role = role;
	in->nlines++;
}

/* Text of several lines (a description, JSON): one line each. */
static void
info_add_lines(struct info *in, const char *label, const char *text)
{
	const char	*nl;

	do {
		nl = strchr(text, '\n');
		info_add(in, label, STYLE_NORMAL, "%.*s",
		    nl != NULL ? (int)(nl - text) : (int)strlen(text), text);
		label = "";
		text = nl != NULL ? nl + 1 : NULL;
	} while (text != NULL);
}

static void
info_add_date(struct info *in, const char *label, int64_t ms)
{
	char	 buf[32];

	if (ms == 0)
		return;
	draw_date(ms, false, buf, sizeof buf);
	info_add(in, label, STYLE_NORMAL, "%s", buf);
}

static void
info_add_mode(struct info *in, const struct ferry_entry *e)
{
	static const char rwx[] = "rwxrwxrwx";
	char		 m[11];
	int		 i;

	m[0] = (e->flags & FERRY_ENTRY_SYMLINK) ? 'l' :
	    e->kind == FERRY_KIND_FOLDER ? 'd' : '-';
	for (i = 0; i < 9; i++)
		m[i + 1] = (e->mode & (0400u >> i)) ? rwx[i] : '-';
	m[10] = '\0';
	info_add(in, "mode", STYLE_NORMAL, "%s (%04o)", m,
	    (unsigned int)(e->mode & 07777));
}

static void
info_add_crumb(struct info *in)
{
	char	*s, *t;
	size_t	 i;

	if (!in->have_chain) {
		info_add(in, "path", STYLE_NORMAL, "%s", in->label);
		return;
	}
	s = xstrdup("/");
	for (i = 0; i < in->chain.n; i++) {
		if (in->chain.v[i].name == NULL ||
		    in->chain.v[i].name[0] == '\0')
			continue;
		t = xasprintf("%s > %s", s,
		    in->chain.v[i].name);
		free(s);
		s = t;
	}
	info_add(in, "path", STYLE_NORMAL, "%s", s);
	free(s);
}

static void
info_add_summary(struct info *in)
{
	const struct ferry_summary *s = &in->sum;
	char		 sz[32];
	int		 t;

	switch (in->sum_state) {
	case INFO_SUM_NONE:
		info_add(in, "summary", STYLE_HINT, "press S to count what "
		    "it holds");
		return;
	case INFO_SUM_RUNNING:
		info_add(in, "summary", STYLE_HINT, "counting... (Esc stops)");
		return;
	case INFO_SUM_FAILED:
		info_add(in, "summary", STYLE_ERROR, "%s", in->sum_error);
		return;
	case INFO_SUM_DONE:
		break;
	}
	draw_size(s->bytes, sz, sizeof sz);
	info_add(in, "bytes", STYLE_NORMAL, "%" PRIu64 " (%s)", s->bytes, sz);
	info_add(in, "items", STYLE_NORMAL, "%" PRIu64, s->items);
	info_add(in, "folders", STYLE_NORMAL, "%" PRIu64, s->folders);
	if (s->stored_bytes != 0) {
		draw_size(s->stored_bytes, sz, sizeof sz);
		info_add(in, "stored", STYLE_NORMAL, "%" PRIu64 " (%s)",
		    s->stored_bytes, sz);
	}
	for (t = 0; t < FERRY_TYPE__COUNT; t++) {
		if (s->type_items[t] == 0)
			continue;
		draw_size(s->type_bytes[t], sz, sizeof sz);
		info_add(in, "", STYLE_NORMAL, "%-9s %" PRIu64 " item%s, %s",
		    ferry_type_name((enum ferry_type)t), s->type_items[t],
		    s->type_items[t] == 1 ? "" : "s", sz);
	}
}

/* The fields of an item, or of a folder (with its summary). */
static void
info_add_fields(struct info *in)
{
	const struct ferry_entry *e = &in->e;
	char		*pretty, sz[32];
	bool		 folder = e->kind == FERRY_KIND_FOLDER;

	if (e->id != NULL)
		info_add(in, "id", STYLE_NORMAL, "%s", e->id);
	if (!folder &&
	    !(e->flags & (FERRY_ENTRY_NO_STAT | FERRY_ENTRY_NO_SIZE))) {
		draw_size(e->size, sz, sizeof sz);
		info_add(in, "size", STYLE_NORMAL, "%" PRIu64 " bytes (%s)",
		    e->size, sz);
	}
	if (!folder && e->mime != NULL && e->mime[0] != '\0')
		info_add(in, "mime", STYLE_NORMAL, "%s", e->mime);
	if (!folder)
		info_add(in, "type", STYLE_NORMAL, "%s",
		    ferry_type_name((enum ferry_type)e->type));
	if (e->checksum != NULL)
		info_add(in, "sha256", STYLE_NORMAL, "%s", e->checksum);
	if (e->link_target != NULL)
		info_add(in, "link to", STYLE_NORMAL, "%s", e->link_target);
	if (e->mode != 0)
		info_add_mode(in, e);
	info_add_date(in, "created", e->created);
	info_add_date(in, folder && e->id != NULL ? "updated" : "modified",
	    e->modified);
	if (e->user != NULL)
		info_add(in, "user", STYLE_NORMAL, "%s", e->user);
	if (e->description != NULL && e->description[0] != '\0')
		info_add_lines(in, "description", e->description);
	if (e->tags != NULL) {
		pretty = info_tags_text(e->tags);
		info_add(in, "tags", STYLE_NORMAL, "%s", pretty != NULL ?
		    pretty : e->tags);
		free(pretty);
	}
	if (folder && e->id != NULL)
		info_add(in, "starred", STYLE_NORMAL, "%s",
		    (e->flags & FERRY_ENTRY_STARRED) ? "yes" : "no");
	if (e->ttl != 0)
		info_add(in, "ttl", STYLE_NORMAL, "%" PRId64 " s", e->ttl);
	else if (folder && e->id != NULL)
		info_add(in, "ttl", STYLE_NORMAL, "none");
	if (e->metadata != NULL && strcmp(e->metadata, "{}") != 0) {
		if ((pretty = info_json_pretty(e->metadata)) != NULL)
			info_add_lines(in, "metadata", pretty);
		else
			info_add(in, "metadata", STYLE_NORMAL, "%s (not valid "
			    "JSON)", e->metadata);
		free(pretty);
	}
}

static void
info_build(struct info *in)
{
	size_t	 i;

	for (i = 0; i < in->nlines; i++)
		free(in->lines[i].text);
	in->nlines = 0;
	in->built = true;
	info_add(in, "name", STYLE_NORMAL, "%s", in->have_entry ?
	    (in->e.name[0] != '\0' ? in->e.name : "/") :
	    (strcmp(in->path, "/") == 0 ? "/" : ferry_path_base(in->path)));
	info_add(in, "kind", STYLE_NORMAL, "%s", info_is_folder(in) ?
	    "folder" : "item");
	info_add_crumb(in);
	if (in->error != NULL)
		info_add(in, "error", STYLE_ERROR, "%s", in->error);
	if (in->have_entry)
		info_add_fields(in);
	if (!in->full && in->error == NULL)
		info_add(in, "", STYLE_HINT, "loading the full entry...");
	if (info_is_folder(in))
		info_add_summary(in);
}

/* -------- drawing -------- */

static void
info_push_row(struct info *in, const char *label, const char *s, size_t n,
    enum style_role role)
{
	if (in->nrows == in->caprows) {
		in->caprows = in->caprows ? in->caprows * 2 : 64;
		in->rows = xreallocarray(in->rows, in->caprows,
		    sizeof *in->rows);
	}
	in->rows[in->nrows].label = label;
	in->rows[in->nrows].s = s;
	in->rows[in->nrows].n = n;
	in->rows[in->nrows].role = role;
	in->nrows++;
}

/* Cut every line into rows of tw cells. */
static void
info_layout(struct info *in, int tw)
{
	const struct info_line *l;
	const char	*s;
	size_t		 i, n, k;

	in->nrows = 0;
	for (i = 0; i < in->nlines; i++) {
		l = &in->lines[i];
		s = l->text;
		n = strlen(s);
		if (n == 0) {
			info_push_row(in, l->label, s, 0, l->role);
			continue;
		}
		for (k = 0; n > 0; k++) {
			size_t cut = info_wrap(s, n, tw);

			info_push_row(in, k == 0 ? l->label : NULL, s, cut,
			    l->role);
			s += cut;
			n -= cut;
		}
	}
}

static void
info_draw_frame(struct info *in, WINDOW *win, int y, int x, int h, int w,
    char spin, bool more)
{
	attr_t	 a = style_attr(STYLE_HEADER), fa = style_attr(STYLE_FOOTER);
	char	*title, sp[4];
	int	 room = w - 2;

	draw_blank(win, y, x, w, a);
	if (in->sum_state == INFO_SUM_RUNNING ||
	    (in->waiting && in->due_ns == 0)) {
		snprintf(sp, sizeof sp, " %c ", spin);
		draw_str(win, y, x + w - 3, 3, sp, 0, a, a);
		room -= 3;
	}
	title = xasprintf("Info: %s", in->label != NULL ? in->label : "");
	draw_str(win, y, x + 1, room, title, DRAW_CUT_LEFT, a,
	    style_escape(STYLE_HEADER));
	free(title);
	draw_blank(win, y + h - 1, x, w, fa);
	draw_str(win, y + h - 1, x + 1, w - 2, more ?
	    "S summary  J/K scroll  i close" : "S summary  i close", 0, fa,
	    fa);
}

void
info_draw(struct app *app, WINDOW *win, int y, int x, int h, int w,
    char spin)
{
	struct info	*in = app->info;
	struct info_row	*r;
	int		 lw, tw, i;
	size_t		 max;

	if (in == NULL || h < 3 || w < 8)
		return;
	if (!in->built)
		info_build(in);
	lw = w / 3 < INFO_LABEL ? w / 3 : INFO_LABEL;
	tw = w - 2 - lw;
	info_layout(in, tw);
	in->body = h - 2;
	max = in->nrows > (size_t)in->body ? in->nrows - (size_t)in->body : 0;
	if (in->scroll > max)
		in->scroll = max;
	info_draw_frame(in, win, y, x, h, w, spin, max > 0);
	for (i = 0; i < in->body; i++) {
		draw_blank(win, y + 1 + i, x, w, style_attr(STYLE_NORMAL));
		if (in->scroll + (size_t)i >= in->nrows)
			continue;
		r = &in->rows[in->scroll + (size_t)i];
		if (r->label != NULL)
			draw_str(win, y + 1 + i, x + 1, lw - 1, r->label, 0,
			    style_attr(STYLE_TITLES), style_attr(STYLE_TITLES));
		draw_text(win, y + 1 + i, x + 1 + lw, tw, r->s, r->n, 0,
		    style_attr(r->role), style_escape(r->role));
	}
}
