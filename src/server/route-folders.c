/* SPDX-License-Identifier: MIT */
/*
 * Folders: get (by id, or any entry by path), create, update, move, copy,
 * delete (recursive only when asked; big ones as a long operation), the
 * children listing and the chain to the root.
 *
 * Access: reading needs viewer on the folder; creating in, deleting from
 * or moving out of a folder needs editor on the folder that holds the
 * entry, and the destination of a move or copy needs editor too; changing
 * a folder's own fields needs editor on it.  A folder on which the caller
 * has no role but below which they hold a grant is "passed through": GET
 * shows its id and name, and its listing shows only the subfolders that
 * lead to the caller's grants (store_visible_children), paged in memory
 * with the generic keyset cursor (there are at most as many as the
 * caller's grants).
 *
 * Threads: the request's pool thread.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "server/route.h"

#define FOLDERS_PAGE_DEFAULT	100
#define FOLDERS_SEARCH_MAX	1024
#define FOLDERS_DESC_MAX	65536

static const char *const folders_fields_create[] = { "parent_id", "name",
	"description", "client_metadata", "tags", NULL };
static const char *const folders_fields_update[] = { "name", "description",
	"client_metadata", "tags", "starred", "ttl", NULL };
static const char *const folders_fields_move[] = { "parent_id", "name",
	NULL };
static const char *const folders_fields_copy[] = { "parent_id", "name",
	"async", NULL };

/* -------- shared helpers -------- */

void
route_reply_entry(struct request *r, int status, const char *id,
    enum store_role role)
{
	struct ferry_entry	 e;
	struct ferry_arena	 a;
	struct ferry_error	 err;
	struct render_buf	 b;
	char			*path = NULL;

	ferry_arena_init(&a);
	if (store_get(r->t->store, id, &e, &a, &err) != FERRY_OK ||
	    store_path(r->t->store, id, &path, &err) != FERRY_OK) {
		reply_error(r, &err);
		goto out;
	}
	render_buf_init(&b);
	render_entry_open(&b, &e, path, role == STORE_ROLE_NONE);
	if (role == STORE_ROLE_NONE)
		render_cstr(&b, ",\"role\":null}");
	else {
		render_field_str(&b, "role", store_role_name(role));
		render_cstr(&b, "}");
	}
	reply_buf(r, status, &b);
out:
	free(path);
	ferry_arena_done(&a);
}

void
route_reply_op(struct request *r, const char *id)
{
	struct store_op		 op;
	struct ferry_error	 e;
	char			*loc;

	if (store_op_get(r->t->acl, id, &op, &e) != FERRY_OK) {
		reply_error(r, &e);
		return;
	}
	reply_json(r, 202, render_op(&op));
	loc = xasprintf("/v1/operations/%s", id);
	MHD_add_response_header(r->resp, "Location", loc);
	free(loc);
}

bool
route_json_folder(struct request *r, const char *key, bool required,
    const char **id)
{
	struct ferry_error	 e;
	bool			 present;

	if (json_string(r->json, key, JSON_NULLABLE, STORE_ID_SIZE + 8, id,
	    &present, &e) != FERRY_OK) {
		reply_error(r, &e);
		return false;
	}
	if (required && !present) {
		reply_errorf(r, FERRY_E_INVALID, "field \"%s\" is required"
		    " (null for the root folder)", key);
		return false;
	}
	if (*id == NULL || strcmp(*id, "root") == 0)
		*id = r->srv->root_id;
	return true;
}

/* The entry id, which must be a folder (409 not_folder otherwise). */
static bool
folders_check_kind(struct request *r, const char *id, struct ferry_entry *e,
    struct ferry_arena *a)
{
	struct ferry_error	 err;

	if (store_get(r->t->store, id, e, a, &err) != FERRY_OK) {
		reply_error(r, &err);
		return false;
	}
	if (e->kind != FERRY_KIND_FOLDER) {
		reply_errorf(r, FERRY_E_NOT_FOLDER, "%.40s is an item, not a"
		    " folder (use /v1/items/%.40s)", id, id);
		return false;
	}
	return true;
}

/* Editor on the folder holding id (for the root: on the root). */
static bool
folders_require_parent(struct request *r, const struct ferry_entry *e,
    const char *what)
{
	return access_require(r, e->parent_id != NULL ? e->parent_id :
	    r->srv->root_id, STORE_ROLE_EDITOR, what, NULL);
}

/* -------- get -------- */

static void
folders_get_id(struct request *r, const char *id)
{
	enum store_role	 role;
	bool		 pass;

	if (!access_role(r, id, &role, &pass))
		return;
	if (role == STORE_ROLE_NONE && !pass) {
		reply_errorf(r, FERRY_E_PERMISSION, "%s has no role on"
		    " %.40s; reading it needs viewer", r->user.name, id);
		return;
	}
	route_reply_entry(r, 200, id, role);
}

void
route_folders_get(struct request *r)
{
	struct ferry_entry	 e;
	struct ferry_arena	 a;
	const char		*id = route_id(r, 0);

	ferry_arena_init(&a);
	if (folders_check_kind(r, id, &e, &a))
		folders_get_id(r, id);
	ferry_arena_done(&a);
}

void
route_paths_get(struct request *r)
{
	struct ferry_error	 e;
	char			 id[STORE_ID_SIZE];
	uint8_t			 kind;

	if (store_resolve(r->t->store, r->tail, id, &kind, &e) != FERRY_OK) {
		reply_error(r, &e);
		return;
	}
	folders_get_id(r, id);
}

/* -------- create, update -------- */

void
route_folders_create(struct request *r)
{
	struct ferry_mkdir_opts	 o;
	struct ferry_entry	 made;
	struct ferry_arena	 a;
	struct ferry_error	 e;
	enum store_role		 role;
	const char		*parent, *name;
	char			*metadata = NULL, *tags = NULL;

	memset(&o, 0, sizeof o);
	ferry_arena_init(&a);
	if (json_only(r->json, folders_fields_create, &e) != FERRY_OK ||
	    json_string(r->json, "name", JSON_REQUIRED, FERRY_NAME_MAX * 4,
	    &name, NULL, &e) != FERRY_OK ||
	    json_string(r->json, "description", JSON_NULLABLE,
	    FOLDERS_DESC_MAX, &o.description, NULL, &e) != FERRY_OK ||
	    json_object_text(r->json, "client_metadata", JSON_NULLABLE,
	    &metadata, NULL, &e) != FERRY_OK ||
	    json_tags_text(r->json, "tags", JSON_NULLABLE, &tags, NULL, &e) !=
	    FERRY_OK) {
		reply_error(r, &e);
		goto out;
	}
	if (!route_json_folder(r, "parent_id", false, &parent) ||
	    !access_require(r, parent, STORE_ROLE_EDITOR,
	    "creating a folder in it", NULL))
		goto out;
	o.metadata = metadata;
	o.tags = tags;
	if (store_folder_create(r->t->store, parent, name, &o, &made, &a,
	    &e) != FERRY_OK) {
		reply_error(r, &e);
		goto out;
	}
	if (access_role(r, made.id, &role, NULL))
		route_reply_entry(r, 201, made.id, role);
out:
	free(metadata);
	free(tags);
	ferry_arena_done(&a);
}

/* Fill u from the PATCH body; replies and returns false on errors. */
static bool
folders_update_fields(struct request *r, struct ferry_update *u,
    char **metadata, char **tags)
{
	struct ferry_error	 e;
	bool			 p_name, p_desc, p_meta, p_tags, p_star, p_ttl;

	memset(u, 0, sizeof *u);
	if (json_only(r->json, folders_fields_update, &e) != FERRY_OK ||
	    json_string(r->json, "name", 0, FERRY_NAME_MAX * 4, &u->name,
	    &p_name, &e) != FERRY_OK ||
	    json_string(r->json, "description", JSON_NULLABLE,
	    FOLDERS_DESC_MAX, &u->description, &p_desc, &e) != FERRY_OK ||
	    json_object_text(r->json, "client_metadata", JSON_NULLABLE,
	    metadata, &p_meta, &e) != FERRY_OK ||
	    json_tags_text(r->json, "tags", JSON_NULLABLE, tags, &p_tags,
	    &e) != FERRY_OK ||
	    json_bool(r->json, "starred", 0, &u->starred, &p_star, &e) !=
	    FERRY_OK ||
	    json_int(r->json, "ttl", JSON_NULLABLE, 0, INT64_MAX / 1000,
	    &u->ttl, &p_ttl, &e) != FERRY_OK) {
		reply_error(r, &e);
		return false;
	}
	u->fields = (p_name ? FERRY_UPDATE_NAME : 0) |
	    (p_desc ? FERRY_UPDATE_DESCRIPTION : 0) |
	    (p_meta ? FERRY_UPDATE_METADATA : 0) |
	    (p_tags ? FERRY_UPDATE_TAGS : 0) |
	    (p_star ? FERRY_UPDATE_STARRED : 0) |
	    (p_ttl ? FERRY_UPDATE_TTL : 0);
	u->metadata = *metadata;
	u->tags = *tags;
	if (u->fields == 0) {
		reply_errorf(r, FERRY_E_INVALID, "nothing to change: give"
		    " name, description, client_metadata, tags, starred or"
		    " ttl");
		return false;
	}
	return true;
}

void
route_folders_update(struct request *r)
{
	struct ferry_update	 u;
	struct ferry_entry	 e;
	struct ferry_arena	 a;
	struct ferry_error	 err;
	enum store_role		 role;
	const char		*id = route_id(r, 0);
	char			*metadata = NULL, *tags = NULL;

	ferry_arena_init(&a);
	if (!folders_update_fields(r, &u, &metadata, &tags) ||
	    !folders_check_kind(r, id, &e, &a) ||
	    !access_require(r, id, STORE_ROLE_EDITOR, "changing it", &role))
		goto out;
	if ((u.fields & FERRY_UPDATE_NAME) && e.parent_id != NULL &&
	    !folders_require_parent(r, &e, "renaming it"))
		goto out;
	if (store_update(r->t->store, id, &u, &err) != FERRY_OK) {
		reply_error(r, &err);
		goto out;
	}
	route_reply_entry(r, 200, id, role);
out:
	free(metadata);
	free(tags);
	ferry_arena_done(&a);
}

/* -------- delete, move, copy -------- */

/* Entries in the subtree of id, the folder included. */
static bool
folders_count(struct request *r, const char *id, uint64_t *total)
{
	struct ferry_summary	 sum;
	struct ferry_error	 e;

	if (store_summary(r->t->store, id, &sum, &e) != FERRY_OK) {
		reply_error(r, &e);
		return false;
	}
	*total = sum.items + sum.folders + 1;
	return true;
}

/* Whether to run as a long operation: asked, or too big. */
static bool
folders_async(struct request *r, bool asked, uint64_t total)
{
	return asked || total > r->srv->cfg.async_threshold;
}

void
route_folders_delete(struct request *r)
{
	struct ferry_entry	 e;
	struct ferry_arena	 a;
	struct ferry_error	 err;
	const char		*id = route_id(r, 0);
	char			 op[STORE_ID_SIZE];
	bool			 recursive = false, async = false;
	uint64_t		 total;

	ferry_arena_init(&a);
	if (request_arg_bool(r, "recursive", &recursive, &err) != FERRY_OK ||
	    request_arg_bool(r, "async", &async, &err) != FERRY_OK) {
		reply_error(r, &err);
		goto out;
	}
	if (!folders_check_kind(r, id, &e, &a) ||
	    !folders_require_parent(r, &e, "deleting a folder from it"))
		goto out;
	if (recursive && e.parent_id != NULL) {
		if (!folders_count(r, id, &total))
			goto out;
		if (folders_async(r, async, total)) {
			if (ops_submit(r->srv->ops, r->t, "delete",
			    r->user.name, id, NULL, NULL, total, op, &err) !=
			    FERRY_OK)
				reply_error(r, &err);
			else
				route_reply_op(r, op);
			goto out;
		}
	}
	if (store_delete(r->t->store, id, recursive ? FERRY_REMOVE_RECURSIVE :
	    0, &err) != FERRY_OK)
		reply_error(r, &err);
	else
		reply_empty(r, 204);
out:
	ferry_arena_done(&a);
}

void
route_folders_move(struct request *r)
{
	struct ferry_entry	 e;
	struct ferry_arena	 a;
	struct ferry_error	 err;
	enum store_role		 role;
	const char		*id = route_id(r, 0), *dst, *name;

	ferry_arena_init(&a);
	if (json_only(r->json, folders_fields_move, &err) != FERRY_OK ||
	    json_string(r->json, "name", 0, FERRY_NAME_MAX * 4, &name, NULL,
	    &err) != FERRY_OK) {
		reply_error(r, &err);
		goto out;
	}
	if (!route_json_folder(r, "parent_id", true, &dst) ||
	    !folders_check_kind(r, id, &e, &a) ||
	    !folders_require_parent(r, &e, "moving a folder out of it") ||
	    !access_require(r, dst, STORE_ROLE_EDITOR,
	    "moving a folder into it", NULL))
		goto out;
	if (store_move(r->t->store, id, dst, name, FERRY_EXISTS_FAIL, &err) !=
	    FERRY_OK) {
		reply_error(r, &err);
		goto out;
	}
	if (access_role(r, id, &role, NULL))
		route_reply_entry(r, 200, id, role);
out:
	ferry_arena_done(&a);
}

void
route_folders_copy(struct request *r)
{
	struct ferry_entry	 e;
	struct ferry_arena	 a;
	struct ferry_error	 err;
	enum store_role		 role;
	const char		*id = route_id(r, 0), *dst, *name;
	char			 made[STORE_ID_SIZE];
	bool			 async = false;
	uint64_t		 total;

	ferry_arena_init(&a);
	if (json_only(r->json, folders_fields_copy, &err) != FERRY_OK ||
	    json_string(r->json, "name", 0, FERRY_NAME_MAX * 4, &name, NULL,
	    &err) != FERRY_OK ||
	    json_bool(r->json, "async", 0, &async, NULL, &err) != FERRY_OK) {
		reply_error(r, &err);
		goto out;
	}
	if (!route_json_folder(r, "parent_id", true, &dst) ||
	    !folders_check_kind(r, id, &e, &a) ||
	    !access_require(r, id, STORE_ROLE_VIEWER, "copying it", NULL) ||
	    !access_require(r, dst, STORE_ROLE_EDITOR,
	    "copying a folder into it", NULL) ||
	    !folders_count(r, id, &total))
		goto out;
	if (folders_async(r, async, total)) {
		if (ops_submit(r->srv->ops, r->t, "copy", r->user.name, id,
		    dst, name, total, made, &err) != FERRY_OK)
			reply_error(r, &err);
		else
			route_reply_op(r, made);
		goto out;
	}
	if (store_copy(r->t->store, id, dst, name, FERRY_EXISTS_FAIL, made,
	    &err) != FERRY_OK) {
		reply_error(r, &err);
		goto out;
	}
	if (access_role(r, made, &role, NULL))
		route_reply_entry(r, 201, made, role);
out:
	ferry_arena_done(&a);
}

/* -------- listing -------- */

/* Parse "folder,image,text" into filter bits. */
static bool
folders_parse_filter(struct request *r, const char *text, uint32_t *out)
{
	char	*copy, *tok, *save = NULL;
	int	 t;
	bool	 ok = true;

	*out = 0;
	copy = xstrdup(text);
	for (tok = strtok_r(copy, ",", &save); tok != NULL && ok;
	    tok = strtok_r(NULL, ",", &save)) {
		if (strcmp(tok, "folder") == 0 || strcmp(tok, "folders") == 0)
			*out |= FERRY_FILTER_FOLDERS;
		else if (strcmp(tok, "item") == 0 || strcmp(tok, "items") == 0)
			*out |= FERRY_FILTER_ITEMS;
		else if ((t = ferry_type_from_name(tok)) >= 0)
			*out |= FERRY_FILTER_TYPE(t);
		else {
			reply_errorf(r, FERRY_E_INVALID, "type \"%.32s\" is"
			    " not folder, item, image, video, audio, dicom,"
			    " archive, text, document or other", tok);
			ok = false;
		}
	}
	free(copy);
	if (ok && *out == 0) {
		reply_errorf(r, FERRY_E_INVALID, "the type filter is empty");
		ok = false;
	}
	return ok;
}

/* The listing query from search, type, order, desc, cursor, limit. */
static bool
folders_query(struct request *r, struct ferry_query *q)
{
	struct ferry_error	 e;
	const char		*v;
	int64_t			 limit = FOLDERS_PAGE_DEFAULT;
	int			 order;

	ferry_query_init(q);
	q->search = request_arg(r, "search");
	q->cursor = request_arg(r, "cursor");
	if (q->search != NULL && strlen(q->search) > FOLDERS_SEARCH_MAX) {
		reply_errorf(r, FERRY_E_INVALID, "search is longer than %d"
		    " bytes", FOLDERS_SEARCH_MAX);
		return false;
	}
	if ((v = request_arg(r, "type")) != NULL &&
	    !folders_parse_filter(r, v, &q->filter))
		return false;
	if ((v = request_arg(r, "order")) != NULL) {
		if ((order = ferry_order_from_name(v)) < 0) {
			reply_errorf(r, FERRY_E_INVALID, "order \"%.32s\" is"
			    " not name, size, created or type", v);
			return false;
		}
		q->order = (enum ferry_order)order;
	}
	if (request_arg_bool(r, "desc", &q->desc, &e) != FERRY_OK ||
	    request_arg_int(r, "limit", 1, FERRY_PAGE_MAX, &limit, &e) !=
	    FERRY_OK) {
		reply_error(r, &e);
		return false;
	}
	q->limit = (uint32_t)limit;
	return true;
}

static void
folders_list_reply(struct request *r, const char *id,
    const struct ferry_page *p, const char *dir, bool brief)
{
	struct render_buf	 b;
	char			*path;
	size_t			 i;

	render_buf_init(&b);
	render_cstr(&b, "{");
	render_field_str(&b, "folder_id", id);
	render_cstr(&b, ",\"entries\":[");
	for (i = 0; i < p->n; i++) {
		if (i > 0)
			render_cstr(&b, ",");
		path = render_join(dir, p->v[i].name);
		render_entry_open(&b, &p->v[i], path, brief);
		render_cstr(&b, "}");
		free(path);
	}
	render_cstr(&b, "]");
	render_field_str(&b, "next_cursor", p->next_cursor);
	if (p->total_known)
		render_field_i64(&b, "total", (int64_t)p->total);
	else
		render_cstr(&b, ",\"total\":null");
	render_cstr(&b, "}");
	reply_buf(r, 200, &b);
}

static int
folders_cmp(const void *a, const void *b, void *q)
{
	return ferry_query_cmp(q, a, b);
}

/* The page of a folder passed through: its visible subfolders. */
static void
folders_list_passthrough(struct request *r, const char *id,
    const struct ferry_query *q, const char *dir)
{
	struct ferry_entry_list	 l;
	struct ferry_page	 p;
	struct ferry_entry	 key, probe, *slot;
	struct ferry_error	 e;
	size_t			 i, start = 0, n = 0;
	uint32_t		 limit = q->limit ? q->limit : FERRY_PAGE_MAX;

	ferry_entry_list_init(&l);
	ferry_page_init(&p);
	if (store_visible_children(r->t->acl, &r->user, id, &l, &e) !=
	    FERRY_OK || (q->cursor != NULL && ferry_cursor_decode(q,
	    q->cursor, &key, &p.arena, &e) != FERRY_OK)) {
		reply_error(r, &e);
		goto out;
	}
	for (i = 0; i < l.n; i++)
		if (ferry_query_match(q, &l.v[i]))
			l.v[n++] = l.v[i];
	if (n > 1)
		qsort_r(l.v, n, sizeof *l.v, folders_cmp, (void *)q);
	/* the key has no id; names are unique in a folder, so skip by name */
	for (; q->cursor != NULL && start < n; start++) {
		probe = l.v[start];
		probe.id = NULL;
		if (ferry_query_cmp(q, &probe, &key) > 0)
			break;
	}
	for (i = start; i < n && p.n < limit; i++) {
		slot = ferry_page_add(&p);
		ferry_entry_copy(slot, &l.v[i], &p.arena);
	}
	if (i < n && p.n > 0)
		p.next_cursor = ferry_cursor_encode(q, &p.v[p.n - 1],
		    &p.arena);
	p.total = n;
	p.total_known = q->cursor == NULL;
	folders_list_reply(r, id, &p, dir, true);
out:
	ferry_page_done(&p);
	ferry_entry_list_done(&l);
}

void
route_folders_children(struct request *r)
{
	struct ferry_query	 q;
	struct ferry_page	 p;
	struct ferry_error	 e;
	enum store_role		 role;
	const char		*id = route_id(r, 0);
	char			*dir = NULL;
	bool			 pass;

	if (!folders_query(r, &q) || !access_role(r, id, &role, &pass))
		return;
	if (role == STORE_ROLE_NONE && !pass) {
		reply_errorf(r, FERRY_E_PERMISSION, "%s has no role on"
		    " %.40s; listing it needs viewer", r->user.name, id);
		return;
	}
	if (store_path(r->t->store, id, &dir, &e) != FERRY_OK) {
		reply_error(r, &e);
		return;
	}
	if (role == STORE_ROLE_NONE) {
		folders_list_passthrough(r, id, &q, dir);
		free(dir);
		return;
	}
	ferry_page_init(&p);
	if (store_list(r->t->store, id, &q, &p, &e) != FERRY_OK)
		reply_error(r, &e);
	else
		folders_list_reply(r, id, &p, dir, false);
	ferry_page_done(&p);
	free(dir);
}

void
route_folders_path_to_root(struct request *r)
{
	struct ferry_entry_list	 l;
	struct ferry_error	 e;
	struct render_buf	 b;
	enum store_role		 role;
	const char		*id = route_id(r, 0);
	char			*path = xstrdup("/"), *next;
	bool			 pass;
	size_t			 i;

	ferry_entry_list_init(&l);
	if (!access_role(r, id, &role, &pass))
		goto out;
	if (role == STORE_ROLE_NONE && !pass) {
		reply_errorf(r, FERRY_E_PERMISSION, "%s has no role on"
		    " %.40s", r->user.name, id);
		goto out;
	}
	if (store_path_to_root(r->t->store, id, &l, &e) != FERRY_OK) {
		reply_error(r, &e);
		goto out;
	}
	render_buf_init(&b);
	render_cstr(&b, "{\"entries\":[");
	for (i = 0; i < l.n; i++) {
		if (i > 0) {
			render_cstr(&b, ",");
			next = render_join(path, l.v[i].name);
			free(path);
			path = next;
		}
		render_entry_open(&b, &l.v[i], path, true);
		render_cstr(&b, "}");
	}
	render_cstr(&b, "]}");
	reply_buf(r, 200, &b);
out:
	free(path);
	ferry_entry_list_done(&l);
}
