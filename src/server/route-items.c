/* SPDX-License-Identifier: MIT */
/*
 * Items: metadata (get, update name and client_metadata), delete,
 * server-side copy and move, batch move and batch delete (all or nothing:
 * one store transaction), and signed URLs (for an item's download, and
 * for an upload into a folder).
 *
 * Access: reading or signing a download needs viewer on the item's
 * folder; changing, deleting or moving it needs editor there; the
 * destination of a copy or move needs editor.  A batch checks every item
 * before anything changes (roles are looked up once per folder).
 *
 * Threads: the request's pool thread.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "server/route.h"

#define ITEMS_SIGN_DEFAULT	3600	/* seconds */

static const char *const items_fields_update[] = { "name",
	"client_metadata", NULL };
static const char *const items_fields_copy[] = { "folder_id", "name",
	"overwrite", NULL };
static const char *const items_fields_batch_move[] = { "ids", "folder_id",
	NULL };
static const char *const items_fields_batch_delete[] = { "ids", NULL };
static const char *const items_fields_sign_get[] = { "expires_in", NULL };
static const char *const items_fields_sign_put[] = { "name", "expires_in",
	NULL };

/* The entry id, which must be an item (409 is_folder otherwise). */
static bool
items_check_kind(struct request *r, const char *id, struct ferry_entry *e,
    struct ferry_arena *a)
{
	struct ferry_error	 err;

	if (store_get(r->t->store, id, e, a, &err) != FERRY_OK) {
		reply_error(r, &err);
		return false;
	}
	if (e->kind != FERRY_KIND_ITEM) {
		reply_errorf(r, FERRY_E_IS_FOLDER, "%.40s is a folder, not an"
		    " item (use /v1/folders/%.40s)", id, id);
		return false;
	}
	return true;
}

void
route_items_get(struct request *r)
{
	struct ferry_entry	 e;
	struct ferry_arena	 a;
	enum store_role		 role;
	const char		*id = route_id(r, 0);

	ferry_arena_init(&a);
	if (items_check_kind(r, id, &e, &a) &&
	    access_require(r, id, STORE_ROLE_VIEWER, "reading it", &role))
		route_reply_entry(r, 200, id, role);
	ferry_arena_done(&a);
}

void
route_items_update(struct request *r)
{
	struct ferry_update	 u;
	struct ferry_entry	 e;
	struct ferry_arena	 a;
	struct ferry_error	 err;
	enum store_role		 role;
	const char		*id = route_id(r, 0);
	char			*metadata = NULL;
	bool			 p_name, p_meta;

	memset(&u, 0, sizeof u);
	ferry_arena_init(&a);
	if (json_only(r->json, items_fields_update, &err) != FERRY_OK ||
	    json_string(r->json, "name", 0, FERRY_NAME_MAX * 4, &u.name,
	    &p_name, &err) != FERRY_OK ||
	    json_object_text(r->json, "client_metadata", JSON_NULLABLE,
	    &metadata, &p_meta, &err) != FERRY_OK) {
		reply_error(r, &err);
		goto out;
	}
	u.fields = (p_name ? FERRY_UPDATE_NAME : 0) |
	    (p_meta ? FERRY_UPDATE_METADATA : 0);
	u.metadata = metadata;
	if (u.fields == 0) {
		reply_errorf(r, FERRY_E_INVALID, "nothing to change: give name"
		    " or client_metadata");
		goto out;
	}
	if (!items_check_kind(r, id, &e, &a) ||
	    !access_require(r, id, STORE_ROLE_EDITOR, "changing it", &role))
		goto out;
	if (store_update(r->t->store, id, &u, &err) != FERRY_OK)
		reply_error(r, &err);
	else
		route_reply_entry(r, 200, id, role);
out:
	free(metadata);
	ferry_arena_done(&a);
}

void
route_items_delete(struct request *r)
{
	struct ferry_entry	 e;
	struct ferry_arena	 a;
	struct ferry_error	 err;
	const char		*id = route_id(r, 0);

	ferry_arena_init(&a);
	if (items_check_kind(r, id, &e, &a) &&
	    access_require(r, id, STORE_ROLE_EDITOR, "deleting it", NULL)) {
		if (store_delete(r->t->store, id, 0, &err) != FERRY_OK)
			reply_error(r, &err);
		else
			reply_empty(r, 204);
	}
	ferry_arena_done(&a);
}

/* Copy (copy true) or move the item to folder_id, maybe renamed. */
static void
items_copy_or_move(struct request *r, bool copy)
{
	struct ferry_entry	 e;
	struct ferry_arena	 a;
	struct ferry_error	 err;
	enum store_role		 role;
	const char		*id = route_id(r, 0), *dst, *name;
	char			 made[STORE_ID_SIZE];
	bool			 overwrite = false;
	enum ferry_code		 result;

	ferry_arena_init(&a);
	if (json_only(r->json, items_fields_copy, &err) != FERRY_OK ||
	    json_string(r->json, "name", 0, FERRY_NAME_MAX * 4, &name, NULL,
	    &err) != FERRY_OK ||
	    json_bool(r->json, "overwrite", 0, &overwrite, NULL, &err) !=
	    FERRY_OK) {
		reply_error(r, &err);
		goto out;
	}
	if (!route_json_folder(r, "folder_id", true, &dst) ||
	    !items_check_kind(r, id, &e, &a) ||
	    !access_require(r, id, copy ? STORE_ROLE_VIEWER :
	    STORE_ROLE_EDITOR, copy ? "copying it" : "moving it", NULL) ||
	    !access_require(r, dst, STORE_ROLE_EDITOR, copy ?
	    "copying an item into it" : "moving an item into it", &role))
		goto out;
	if (copy)
		result = store_copy(r->t->store, id, dst, name, overwrite ?
		    FERRY_EXISTS_OVERWRITE : FERRY_EXISTS_FAIL, made, &err);
	else
		result = store_move(r->t->store, id, dst, name, overwrite ?
		    FERRY_EXISTS_OVERWRITE : FERRY_EXISTS_FAIL, &err);
	if (result != FERRY_OK)
		reply_error(r, &err);
	else
		route_reply_entry(r, copy ? 201 : 200, copy ? made : id, role);
out:
	ferry_arena_done(&a);
}

void
route_items_copy(struct request *r)
{
	items_copy_or_move(r, true);
}

void
route_items_move(struct request *r)
{
	items_copy_or_move(r, false);
}

/* -------- batches -------- */

/* Roles already looked up during one batch, by folder id. */
struct items_roles {
	char		(*folder)[STORE_ID_SIZE];
	enum store_role	*role;
	size_t		 n;
};

/*
 * Check that every id is an item on whose folder the caller is editor;
 * replies and returns false at the first that is not.
 */
static bool
items_check_batch(struct request *r, const char *const *ids, size_t n,
    const char *what)
{
	struct items_roles	 c;
	struct ferry_entry	 e;
	struct ferry_arena	 a;
	enum store_role		 role = STORE_ROLE_NONE;
	bool			 ok = true;
	size_t			 i, j;

	memset(&c, 0, sizeof c);
	ferry_arena_init(&a);
	for (i = 0; ok && i < n; i++) {
		ok = items_check_kind(r, ids[i], &e, &a);
		for (j = 0; ok && j < c.n; j++)
			if (strcmp(c.folder[j], e.parent_id) == 0)
				break;
		if (ok && j < c.n)
			role = c.role[j];
		else if (ok) {
			ok = access_role(r, ids[i], &role, NULL);
			c.folder = xreallocarray(c.folder, c.n + 1,
			    sizeof *c.folder);
			c.role = xreallocarray(c.role, c.n + 1, sizeof *c.role);
			snprintf(c.folder[c.n], STORE_ID_SIZE, "%s",
			    e.parent_id);
			c.role[c.n++] = role;
		}
		if (ok && role < STORE_ROLE_EDITOR) {
			reply_errorf(r, FERRY_E_PERMISSION, "%s is %s on item"
			    " %.40s (element %zu); %s needs editor; nothing"
			    " was changed", r->user.name,
			    store_role_name(role), ids[i], i, what);
			ok = false;
		}
		ferry_arena_done(&a);
	}
	free(c.folder);
	free(c.role);
	return ok;
}

void
route_items_batch_move(struct request *r)
{
	struct ferry_error	 err;
	const char		**ids = NULL, *dst;
	size_t			 n;
	cJSON			*o;

	if (json_only(r->json, items_fields_batch_move, &err) != FERRY_OK ||
	    json_string_array(r->json, "ids", STORE_BATCH_MAX, &ids, &n,
	    &err) != FERRY_OK) {
		reply_error(r, &err);
		goto out;
	}
	if (!route_json_folder(r, "folder_id", true, &dst) ||
	    !access_require(r, dst, STORE_ROLE_EDITOR,
	    "moving items into it", NULL) ||
	    !items_check_batch(r, ids, n, "moving it"))
		goto out;
	if (store_move_items(r->t->store, ids, n, dst, &err) != FERRY_OK) {
		reply_error(r, &err);
		goto out;
	}
	o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "moved", (double)n);
	cJSON_AddStringToObject(o, "folder_id", dst);
	reply_json(r, 200, o);
out:
	free(ids);
}

void
route_items_batch_delete(struct request *r)
{
	struct ferry_error	 err;
	const char		**ids = NULL;
	size_t			 n;
	cJSON			*o;

	if (json_only(r->json, items_fields_batch_delete, &err) != FERRY_OK ||
	    json_string_array(r->json, "ids", STORE_BATCH_MAX, &ids, &n,
	    &err) != FERRY_OK) {
		reply_error(r, &err);
		goto out;
	}
	if (!items_check_batch(r, ids, n, "deleting it"))
		goto out;
	if (store_delete_items(r->t->store, ids, n, &err) != FERRY_OK) {
		reply_error(r, &err);
		goto out;
	}
	o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "deleted", (double)n);
	reply_json(r, 200, o);
out:
	free(ids);
}

/* -------- signed URLs -------- */

static bool
items_expiry(struct request *r, int64_t *expires)
{
	struct ferry_error	 err;
	int64_t			 in = ITEMS_SIGN_DEFAULT;

	if (json_int(r->json, "expires_in", 0, 1, r->srv->cfg.signed_max, &in,
	    NULL, &err) != FERRY_OK) {
		reply_error(r, &err);
		return false;
	}
	*expires = ferry_now_ms() / 1000 + in;
	return true;
}

/* Reply with the URL for path (already escaped) and its signature. */
static void
items_sign_reply(struct request *r, const char *method, const char *path,
    const char *op, const char *target, const char *name, int64_t expires)
{
	const char	*host;
	char		 sig[64], when[32], *user, *rel, *abs;
	cJSON		*o;

	sign_make(r->srv->secret, op, target, name, expires, r->user.name,
	    sig);
	user = sign_escape(r->user.name);
	rel = xasprintf("%s?op=%s&expires=%lld&user=%s&signature=%s", path,
	    op, (long long)expires, user, sig);
	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "method", method);
	cJSON_AddStringToObject(o, "path", rel);
	host = request_header(r, "Host");
	if (host != NULL && strlen(host) < 256 && strpbrk(host, " /\\\"") ==
	    NULL) {
		abs = xasprintf("%s://%s%s", r->srv->tls_cert_pem != NULL ?
		    "https" : "http", host, rel);
		cJSON_AddStringToObject(o, "url", abs);
		free(abs);
	} else
		cJSON_AddNullToObject(o, "url");
	cJSON_AddNumberToObject(o, "expires", (double)expires);
	render_time(expires * 1000, when);
	cJSON_AddStringToObject(o, "expires_at", when);
	reply_json(r, 200, o);
	free(user);
	free(rel);
}

void
route_items_sign(struct request *r)
{
	struct ferry_entry	 e;
	struct ferry_arena	 a;
	struct ferry_error	 err;
	const char		*id = route_id(r, 0);
	char			*path;
	int64_t			 expires;

	ferry_arena_init(&a);
	if (json_only(r->json, items_fields_sign_get, &err) != FERRY_OK) {
		reply_error(r, &err);
		goto out;
	}
	if (!items_expiry(r, &expires) || !items_check_kind(r, id, &e, &a) ||
	    !access_require(r, id, STORE_ROLE_VIEWER,
	    "signing a download URL for it", NULL))
		goto out;
	path = xasprintf("/v1/items/%s/content", e.id);
	items_sign_reply(r, "GET", path, "get", e.id, NULL, expires);
	free(path);
out:
	ferry_arena_done(&a);
}

void
route_folders_sign(struct request *r)
{
	struct ferry_error	 err;
	const char		*id = route_id(r, 0), *name;
	char			*path, *ename;
	int64_t			 expires;

	if (json_only(r->json, items_fields_sign_put, &err) != FERRY_OK ||
	    json_string(r->json, "name", JSON_REQUIRED, FERRY_NAME_MAX * 4,
	    &name, NULL, &err) != FERRY_OK ||
	    ferry_name_check(name, strlen(name), &err) != FERRY_OK) {
		reply_error(r, &err);
		return;
	}
	if (!items_expiry(r, &expires) ||
	    !access_require(r, id, STORE_ROLE_EDITOR,
	    "signing an upload URL into it", NULL))
		return;
	ename = sign_escape(name);
	path = xasprintf("/v1/folders/%s/items/%s", id, ename);
	items_sign_reply(r, "PUT", path, "put", id, name, expires);
	free(path);
	free(ename);
}
