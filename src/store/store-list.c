/* SPDX-License-Identifier: MIT */
/*
 * Reading the tree of the store: listing a folder's children a page at a
 * time, recursive find, and summaries.
 *
 * Listing is keyset paging over one index per order: folders come first
 * (kind 1, then kind 2), then the order key (nothing, size, created, or
 * type and MIME), then the folded name (store_fold), then the name, which
 * is unique in a folder and so makes the order total; desc reverses all
 * but folders-first.  This is the order of ferry_query_cmp().  A page asks for the rows
 * strictly after the last key of the previous page, so a child present
 * for the whole walk is returned exactly once, whatever is inserted or
 * deleted meanwhile, and a page costs an index walk of `limit` rows.
 *
 * The cursor is text: "v1.<order><dir>.<kind>.<key>.<mime hex>.<name hex>",
 * for example "v1.sa.2.1024..6e6f7465732e747874".  It is opaque to callers
 * and checked strictly when it comes back.
 *
 * Threads: the handle's thread (see store.h).
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "store/store-int.h"

#define STORE_CURSOR_MAX	2048
#define STORE_SEARCH_MAX	1024
#define STORE_FIND_DEPTH	4096

/* A decoded cursor: the sort key of the last entry of a page. */
struct store_cursor {
	int		 order;
	bool		 desc;
	int		 kind;
	int64_t		 key;
	char		 mime[FERRY_NAME_MAX + 1];
	char		 name[FERRY_NAME_MAX + 1];
	char		*fold;		/* store_fold(name), malloc'd */
};

static const char store_order_chars[] = "nsct";

static const char *const store_list_keys[4] = {
	[FERRY_ORDER_NAME] = NULL,
	[FERRY_ORDER_SIZE] = "n.size",
	[FERRY_ORDER_CREATED] = "n.created",
	[FERRY_ORDER_TYPE] = "n.type",
};

/*
 * The listing statement for an order, direction and whether it starts
 * after a key.  Its text is made from the fixed fragments above; the
 * folder, kind, search, filter, key and limit are bound:
 *   ?1 parent  ?2 kind  ?3 folded search text or NULL  ?4 filter bits
 *   ?5 key  ?6 name  ?7 mime  ?8 limit  ?9 folded name
 */
static sqlite3_stmt *
store_list_stmt(struct store *s, int order, bool desc, bool keyed,
    struct ferry_error *err)
{
	sqlite3_stmt	**slot, *st;
	const char	*key = store_list_keys[order], *dir, *op;
	char		 cond[160], sort[128], *sql;
	int		 rc;

	slot = &s->list_stmts[order][desc][keyed];
	if (*slot != NULL) {
		sqlite3_reset(*slot);
		sqlite3_clear_bindings(*slot);
		return *slot;
	}
	dir = desc ? " DESC" : "";
	op = desc ? "<" : ">";
	cond[0] = '\0';
	if (keyed && order == FERRY_ORDER_NAME)
		snprintf(cond, sizeof cond, " AND (n.fold, n.name) %s (?9, ?6)",
		    op);
	else if (keyed && order == FERRY_ORDER_TYPE)
		snprintf(cond, sizeof cond, " AND (n.type, n.mime, n.fold,"
		    " n.name) %s (?5, ?7, ?9, ?6)", op);
	else if (keyed)
		snprintf(cond, sizeof cond,
		    " AND (%s, n.fold, n.name) %s (?5, ?9, ?6)", key, op);
	if (order == FERRY_ORDER_NAME)
		snprintf(sort, sizeof sort, "n.fold%s, n.name%s", dir, dir);
	else if (order == FERRY_ORDER_TYPE)
		snprintf(sort, sizeof sort,
		    "n.type%s, n.mime%s, n.fold%s, n.name%s", dir, dir, dir,
		    dir);
	else
		snprintf(sort, sizeof sort, "%s%s, n.fold%s, n.name%s", key,
		    dir, dir, dir);
	sql = xasprintf("SELECT " STORE_COLS " FROM nodes n"
	    " WHERE n.parent = ?1 AND n.kind = ?2"
	    " AND (?3 IS NULL OR instr(n.fold, ?3) > 0)"
	    " AND (n.kind = 1 OR (?4 >> n.type) & 1)%s"
	    " ORDER BY %s LIMIT ?8", cond, sort);
	rc = sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT,
	    &st, NULL);
	free(sql);
	if (rc != SQLITE_OK) {
		store_sql_error(s, rc, err, "store %s: preparing a listing",
		    s->dir);
		return NULL;
	}
	*slot = st;
	return st;
}

static void
store_hex(char *out, const char *in)
{
	static const char	 digits[] = "0123456789abcdef";
	const unsigned char	*p;

	for (p = (const unsigned char *)in; *p != '\0'; p++) {
		*out++ = digits[*p >> 4];
		*out++ = digits[*p & 15];
	}
	*out = '\0';
}

/* The cursor that continues after entry e. */
static char *
store_cursor_encode(const struct ferry_query *q, const struct ferry_entry *e,
    struct ferry_arena *a)
{
	char	 name[2 * FERRY_NAME_MAX + 1], mime[2 * FERRY_NAME_MAX + 1];
	int64_t	 key = 0;

	store_hex(name, e->name);
	mime[0] = '\0';
	switch (q->order) {
	case FERRY_ORDER_SIZE:
		key = (int64_t)e->size;
		break;
	case FERRY_ORDER_CREATED:
		key = e->created;
		break;
	case FERRY_ORDER_TYPE:
		key = e->type;
		if (e->mime != NULL && strlen(e->mime) <= FERRY_NAME_MAX)
			store_hex(mime, e->mime);
		break;
	default:
		break;
	}
	return ferry_arena_printf(a, "v1.%c%c.%d.%lld.%s.%s",
	    store_order_chars[q->order], q->desc ? 'd' : 'a', e->kind,
	    (long long)key, mime, name);
}

/* Decode lower-case hex from p up to '.' or the end into out. */
static const char *
store_unhex(const char *p, char *out, size_t outsize)
{
	size_t	 n = 0;
	int	 hi, lo;

	while (*p != '\0' && *p != '.') {
		if (!isxdigit((unsigned char)p[0]) ||
		    !isxdigit((unsigned char)p[1]) || n + 1 >= outsize)
			return NULL;
		hi = isdigit((unsigned char)p[0]) ? p[0] - '0' :
		    tolower((unsigned char)p[0]) - 'a' + 10;
		lo = isdigit((unsigned char)p[1]) ? p[1] - '0' :
		    tolower((unsigned char)p[1]) - 'a' + 10;
		out[n] = (char)(hi << 4 | lo);
		if (out[n] == '\0')
			return NULL;
		n++;
		p += 2;
	}
	out[n] = '\0';
	return p;
}

static enum ferry_code
store_cursor_decode(const struct ferry_query *q, const char *text,
    struct store_cursor *c, struct ferry_error *err)
{
	const char	*p, *oc;
	char		*end;
	long long	 key;

	memset(c, 0, sizeof *c);
	if (strlen(text) > STORE_CURSOR_MAX || strncmp(text, "v1.", 3) != 0)
		goto bad;
	p = text + 3;
	if (*p == '\0' || (oc = strchr(store_order_chars, *p)) == NULL)
		goto bad;
	c->order = (int)(oc - store_order_chars);
	if (p[1] != 'a' && p[1] != 'd')
		goto bad;
	c->desc = p[1] == 'd';
	if (c->order != (int)q->order || c->desc != q->desc)
		return ferry_error_set(err, FERRY_E_INVALID,
		    "paging cursor was made for another order or direction;"
		    " start from the first page");
	if (p[2] != '.' || (p[3] != '1' && p[3] != '2') || p[4] != '.')
		goto bad;
	c->kind = p[3] - '0';
	p += 5;
	errno = 0;
	key = strtoll(p, &end, 10);
	if (errno != 0 || end == p || *end != '.')
		goto bad;
	c->key = key;
	p = store_unhex(end + 1, c->mime, sizeof c->mime);
	if (p == NULL || *p != '.')
		goto bad;
	p = store_unhex(p + 1, c->name, sizeof c->name);
	if (p == NULL || *p != '\0' || c->name[0] == '\0')
		goto bad;
	if ((c->fold = store_fold(c->name)) == NULL)
		goto bad;
	return FERRY_OK;
bad:
	return ferry_error_set(err, FERRY_E_INVALID,
	    "malformed paging cursor \"%.40s%s\"", text,
	    strlen(text) > 40 ? "..." : "");
}

/* Run one kind's part of a page; *more is set when rows remain. */
static enum ferry_code
store_list_kind(struct store *s, int64_t folder, const char *parent_id,
    int kind, const struct ferry_query *q, const char *pattern,
    uint32_t filter, const struct store_cursor *c, uint32_t limit,
    struct ferry_page *out, bool *more, struct ferry_error *err)
{
	sqlite3_stmt		*st;
	struct ferry_entry	*e;
	bool			 keyed = c != NULL && c->kind == kind;
	int			 rc;

	st = store_list_stmt(s, q->order, q->desc, keyed, err);
	if (st == NULL)
		return STORE_ERR(err);
	sqlite3_bind_int64(st, 1, folder);
	sqlite3_bind_int(st, 2, kind);
	if (pattern != NULL)
		sqlite3_bind_text(st, 3, pattern, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, filter);
	if (keyed) {
		sqlite3_bind_int64(st, 5, c->key);
		sqlite3_bind_text(st, 6, c->name, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 7, c->mime, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 9, c->fold, -1, SQLITE_STATIC);
	}
	/* one row more than fits tells whether another page follows */
	sqlite3_bind_int64(st, 8, (int64_t)(limit - out->n) + 1);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (out->n == limit) {
			*more = true;
			break;
		}
		e = ferry_page_add(out);
		store_row_entry(st, e, &out->arena);
		e->parent_id = parent_id;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_sql_error(s, rc, err, "store %s: listing",
		    s->dir);
	return FERRY_OK;
}

static enum ferry_code
store_list_total(struct store *s, int64_t folder, const char *pattern,
    uint32_t filter, struct ferry_page *out, struct ferry_error *err)
{
	sqlite3_stmt	*st;
	int		 rc;

	if ((st = store_stmt(s, ST_LIST_COUNT, err)) == NULL)
		return STORE_ERR(err);
	sqlite3_bind_int64(st, 1, folder);
	sqlite3_bind_int(st, 2, (filter & FERRY_FILTER_FOLDERS) != 0);
	if (pattern != NULL)
		sqlite3_bind_text(st, 3, pattern, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, filter);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		out->total = (uint64_t)sqlite3_column_int64(st, 0);
		out->total_known = true;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW)
		return store_sql_error(s, rc, err, "store %s: counting",
		    s->dir);
	return FERRY_OK;
}

static enum ferry_code
store_list_folder(struct store *s, const char *id, struct store_node *n,
    struct ferry_error *err)
{
	enum ferry_code	 result;
	char		*path;

	if ((result = store_lookup(s, id, n, err)) != FERRY_OK)
		return result;
	if (n->kind == FERRY_KIND_FOLDER)
		return FERRY_OK;
	path = store_nid_path(s, n->nid);
	result = ferry_error_set(err, FERRY_E_NOT_FOLDER,
	    "\"%s\": not a folder, cannot list it", path);
	free(path);
	return result;
}

enum ferry_code
store_list(struct store *s, const char *id, const struct ferry_query *q,
    struct ferry_page *out, struct ferry_error *err)
{
	enum ferry_code		 result;
	struct store_node	 n;
	struct store_cursor	 c, *cp = NULL;
	char			*pattern = NULL;
	const char		*parent_id;
	uint32_t		 filter, limit;
	bool			 more = false;

	if ((unsigned)q->order > FERRY_ORDER_TYPE)
		return ferry_error_set(err, FERRY_E_INVALID,
		    "unknown listing order %d", (int)q->order);
	if (q->search != NULL && strlen(q->search) > STORE_SEARCH_MAX)
		return ferry_error_set(err, FERRY_E_INVALID,
		    "search text longer than %d bytes", STORE_SEARCH_MAX);
	/*
	 * The search is a substring of the folded name: instr(), so '%'
	 * and '_' are plain characters, with no pattern syntax at all.
	 */
	if (q->search != NULL && *q->search != '\0' &&
	    (pattern = store_fold(q->search)) == NULL)
		return ferry_error_set(err, FERRY_E_INVALID,
		    "search text is not valid UTF-8");
	memset(&c, 0, sizeof c);
	if (q->cursor != NULL) {
		if ((result = store_cursor_decode(q, q->cursor, &c, err)) !=
		    FERRY_OK)
			goto out;
		cp = &c;
	}
	filter = q->filter != 0 ? q->filter : FERRY_FILTER_ALL;
	limit = q->limit == 0 || q->limit > FERRY_PAGE_MAX ? FERRY_PAGE_MAX :
	    q->limit;
	if ((result = store_read_begin(s, err)) != FERRY_OK)
		goto out;
	if ((result = store_list_folder(s, id, &n, err)) != FERRY_OK)
		goto end;
	parent_id = ferry_arena_strdup(&out->arena, id);
	if ((filter & FERRY_FILTER_FOLDERS) &&
	    (cp == NULL || cp->kind == FERRY_KIND_FOLDER))
		result = store_list_kind(s, n.nid, parent_id, FERRY_KIND_FOLDER,
		    q, pattern, filter, cp, limit, out, &more, err);
	if (result == FERRY_OK && !more && (filter & FERRY_FILTER_ITEMS))
		result = store_list_kind(s, n.nid, parent_id, FERRY_KIND_ITEM,
		    q, pattern, filter, cp, limit, out, &more, err);
	if (result == FERRY_OK && cp == NULL)
		result = store_list_total(s, n.nid, pattern, filter, out, err);
	if (result == FERRY_OK && more && out->n > 0)
		out->next_cursor = store_cursor_encode(q, &out->v[out->n - 1],
		    &out->arena);
end:
	store_read_end(s);
out:
	free(c.fold);
	free(pattern);
	return result;
}

/* -------- find -------- */

struct store_find_ctx {
	struct store		*s;
	const struct ferry_find	*f;
	ferry_find_cb		 cb;
	void			*ud;
};

/* The children of folder nid, folders first (entries in a). */
static enum ferry_code
store_find_children(struct store *s, int64_t nid, struct ferry_entry **v,
    int64_t **nids, size_t *n, struct ferry_arena *a, struct ferry_error *err)
{
	sqlite3_stmt	*st;
	size_t		 cap = 0;
	int		 rc;

	*v = NULL;
	*nids = NULL;
	*n = 0;
	if ((st = store_stmt(s, ST_FIND_CHILDREN, err)) == NULL)
		return STORE_ERR(err);
	sqlite3_bind_int64(st, 1, nid);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 32;
			*v = xreallocarray(*v, cap, sizeof **v);
			*nids = xreallocarray(*nids, cap, sizeof **nids);
		}
		store_row_entry(st, &(*v)[*n], a);
		(*nids)[*n] = sqlite3_column_int64(st, 0);
		(*n)++;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return store_sql_error(s, rc, err, "store %s: finding",
		    s->dir);
	return FERRY_OK;
}

/*
 * Visit the children of folder nid (at depth `depth`, 1 for the folder
 * searched), then recurse into subfolders.  A folder's children are read
 * into memory before the callbacks run, so a callback holds no statement.
 */
static enum ferry_code
store_find_walk(struct store_find_ctx *ctx, int64_t nid, const char *prefix,
    uint32_t depth, struct ferry_error *err)
{
	enum ferry_code		 result;
	struct ferry_arena	 a;
	struct ferry_entry	*v = NULL;
	int64_t			*nids = NULL;
	size_t			 n = 0, i;
	char			*path;
	bool			 deeper;

	if (depth > STORE_FIND_DEPTH)
		return ferry_error_set(err, FERRY_E_LIMIT,
		    "find: folders nested deeper than %d under \"%s\"",
		    STORE_FIND_DEPTH, prefix);
	ferry_arena_init(&a);
	result = store_find_children(ctx->s, nid, &v, &nids, &n, &a, err);
	deeper = ctx->f->max_depth == 0 || depth < ctx->f->max_depth;
	for (i = 0; result == FERRY_OK && i < n; i++) {
		path = *prefix != '\0' ? xasprintf("%s/%s", prefix,
		    v[i].name) : xstrdup(v[i].name);
		if (ferry_find_match(ctx->f, &v[i])) {
			result = ctx->cb(path, &v[i], ctx->ud);
			if (result != FERRY_OK)
				ferry_error_set(err, result,
				    "find stopped at \"%s\"", path);
		}
		if (result == FERRY_OK && v[i].kind == FERRY_KIND_FOLDER &&
		    deeper)
			result = store_find_walk(ctx, nids[i], path, depth + 1,
			    err);
		free(path);
	}
	free(v);
	free(nids);
	ferry_arena_done(&a);
	return result;
}

enum ferry_code
store_find(struct store *s, const char *id, const struct ferry_find *f,
    ferry_find_cb cb, void *ud, struct ferry_error *err)
{
	enum ferry_code		 result;
	struct store_node	 n;
	struct store_find_ctx	 ctx;

	if ((result = store_list_folder(s, id, &n, err)) != FERRY_OK)
		return result;
	ctx.s = s;
	ctx.f = f;
	ctx.cb = cb;
	ctx.ud = ud;
	return store_find_walk(&ctx, n.nid, "", 1, err);
}

/* -------- summary -------- */

static enum ferry_code
store_sum_step(struct store *s, enum store_stmt which, int64_t nid,
    struct ferry_summary *out, struct ferry_error *err)
{
	sqlite3_stmt	*st;
	int		 rc, t;

	if ((st = store_stmt(s, which, err)) == NULL)
		return STORE_ERR(err);
	sqlite3_bind_int64(st, 1, nid);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		switch (which) {
		case ST_SUM_TYPES:
			t = sqlite3_column_int(st, 0);
			if (t < 0 || t >= FERRY_TYPE__COUNT)
				t = FERRY_TYPE_OTHER;
			out->type_items[t] +=
			    (uint64_t)sqlite3_column_int64(st, 1);
			out->type_bytes[t] +=
			    (uint64_t)sqlite3_column_int64(st, 2);
			out->items += (uint64_t)sqlite3_column_int64(st, 1);
			out->bytes += (uint64_t)sqlite3_column_int64(st, 2);
			break;
		case ST_SUM_FOLDERS:
			out->folders = (uint64_t)sqlite3_column_int64(st, 0);
			break;
		default:
			out->stored_bytes =
			    (uint64_t)sqlite3_column_int64(st, 0);
			break;
		}
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return store_sql_error(s, rc, err, "store %s: summing",
		    s->dir);
	return FERRY_OK;
}

enum ferry_code
store_summary(struct store *s, const char *id, struct ferry_summary *out,
    struct ferry_error *err)
{
	enum ferry_code		 result;
	struct store_node	 n;

	memset(out, 0, sizeof *out);
	if ((result = store_read_begin(s, err)) != FERRY_OK)
		return result;
	if ((result = store_lookup(s, id, &n, err)) != FERRY_OK)
		goto out;
	result = store_sum_step(s, ST_SUM_TYPES, n.nid, out, err);
	if (result == FERRY_OK && n.kind == FERRY_KIND_FOLDER) {
		result = store_sum_step(s, ST_SUM_FOLDERS, n.nid, out, err);
		/* the walk counts the folder itself */
		if (out->folders > 0)
			out->folders--;
	}
	if (result == FERRY_OK)
		result = store_sum_step(s, ST_SUM_STORED, n.nid, out, err);
out:
	store_read_end(s);
	return result;
}
