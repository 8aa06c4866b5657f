/* SPDX-License-Identifier: MIT */
/*
 * Changes to the tree of the store: create folders, update fields, move
 * and rename, copy (items share their blob; folders recursively), delete
 * (a folder only when empty unless recursive) and the batch forms.
 *
 * Every change runs in one write transaction (BEGIN IMMEDIATE, or a
 * savepoint inside store_begin), so it is all or nothing and serialised
 * with other processes.  Names are checked with ferry_name_check() and for
 * collisions inside the transaction.  Blobs that lose their last reference
 * are unlinked after the commit (store-blob.c).
 *
 * Threads: the handle's thread (see store.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "store/store-int.h"

/* Validated, normalised attributes of a folder or an update. */
struct store_attrs {
	char		*metadata;
	char		*tags;
};

static void
store_attrs_done(struct store_attrs *at)
{
	free(at->metadata);
	free(at->tags);
}

static enum ferry_code
store_attrs_check(const char *description, const char *metadata,
    const char *tags, struct store_attrs *at, struct ferry_error *err)
{
	enum ferry_code	 result;

	memset(at, 0, sizeof *at);
	if (description != NULL && strlen(description) > STORE_TEXT_MAX)
		return ferry_error_set(err, FERRY_E_LIMIT,
		    "description: longer than %d bytes", STORE_TEXT_MAX);
	if (metadata != NULL) {
		result = store_check_json("metadata", metadata, false,
		    &at->metadata, err);
		if (result != FERRY_OK)
			return result;
	}
	if (tags != NULL) {
		result = store_check_json("tags", tags, true, &at->tags, err);
		if (result != FERRY_OK) {
			store_attrs_done(at);
			return result;
		}
	}
	return FERRY_OK;
}

/* The folder with this id, or NOT_FOUND / NOT_FOLDER naming it. */
static enum ferry_code
store_folder_lookup(struct store *s, const char *id, struct store_node *n,
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
	    "\"%s\": not a folder", path);
	free(path);
	return result;
}

static enum ferry_code
store_folder_create_txn(struct store *s, const char *parent_id,
    const char *name, const struct ferry_mkdir_opts *o,
    const struct store_attrs *at, int64_t *nid, struct ferry_error *err)
{
	enum ferry_code		 result;
	struct store_node	 parent, old;
	struct store_row	 r;
	char			*path;

	if ((result = store_folder_lookup(s, parent_id, &parent, err)) !=
	    FERRY_OK)
		return result;
	if (o != NULL && o->exist_ok &&
	    ferry_name_check(name, strlen(name), NULL) == FERRY_OK &&
	    store_child(s, parent.nid, name, &old, NULL) == FERRY_OK) {
		if (old.kind == FERRY_KIND_FOLDER) {
			*nid = old.nid;
			return FERRY_OK;
		}
		path = store_nid_path(s, old.nid);
		result = ferry_error_set(err, FERRY_E_EXISTS,
		    "\"%s\" already exists (an item)", path);
		free(path);
		return result;
	}
	if ((result = store_check_name(s, parent.nid, name, err)) != FERRY_OK)
		return result;
	if ((result = store_check_limits(s, parent.nid, 1, 0, err)) !=
	    FERRY_OK)
		return result;
	memset(&r, 0, sizeof r);
	r.parent = parent.nid;
	r.kind = FERRY_KIND_FOLDER;
	r.name = name;
	r.description = o != NULL ? o->description : NULL;
	r.metadata = at->metadata;
	r.tags = at->tags;
	return store_insert(s, &r, nid, err);
}

enum ferry_code
store_folder_create(struct store *s, const char *parent_id, const char *name,
    const struct ferry_mkdir_opts *o, struct ferry_entry *out,
    struct ferry_arena *a, struct ferry_error *err)
{
	enum ferry_code		 result;
	struct store_attrs	 at;
	int64_t			 nid = 0;

	if (name == NULL)
		return ferry_error_set(err, FERRY_E_INVALID_NAME,
		    "no folder name given");
	result = store_attrs_check(o != NULL ? o->description : NULL,
	    o != NULL ? o->metadata : NULL, o != NULL ? o->tags : NULL, &at,
	    err);
	if (result != FERRY_OK)
		return result;
	if ((result = store_txn_begin(s, err)) != FERRY_OK)
		goto out;
	result = store_folder_create_txn(s, parent_id, name, o, &at, &nid,
	    err);
	if (result != FERRY_OK) {
		store_txn_rollback(s);
		goto out;
	}
	if ((result = store_txn_commit(s, err)) != FERRY_OK)
		goto out;
	if (out != NULL)
		result = store_entry_nid(s, nid, out, a, err);
out:
	store_attrs_done(&at);
	return result;
}

/* Refuse fields that items do not have. */
static enum ferry_code
store_update_allowed(struct store *s, const struct store_node *n,
    const struct ferry_update *u, struct ferry_error *err)
{
	enum ferry_code	 result;
	const char	*field = NULL;
	char		*path;

	if (n->parent == 0 && (u->fields & FERRY_UPDATE_NAME))
		return ferry_error_set(err, FERRY_E_INVALID,
		    "the root folder cannot be renamed");
	if (n->kind == FERRY_KIND_ITEM) {
		if (u->fields & FERRY_UPDATE_DESCRIPTION)
			field = "a description";
		else if (u->fields & FERRY_UPDATE_TAGS)
			field = "tags";
		else if (u->fields & FERRY_UPDATE_STARRED)
			field = "a star";
		else if (u->fields & FERRY_UPDATE_TTL)
			field = "a ttl";
	}
	if (field == NULL)
		return FERRY_OK;
	path = store_nid_path(s, n->nid);
	result = ferry_error_set(err, FERRY_E_INVALID,
	    "\"%s\": an item cannot have %s (only folders)", path, field);
	free(path);
	return result;
}

static enum ferry_code
store_update_txn(struct store *s, const char *id, const struct ferry_update *u,
    const struct store_attrs *at, struct ferry_error *err)
{
	enum ferry_code		 result;
	struct store_node	 n;
	sqlite3_stmt		*st;
	uint32_t		 f = u->fields;
	int			 rc;

	if ((result = store_lookup(s, id, &n, err)) != FERRY_OK)
		return result;
	if ((result = store_update_allowed(s, &n, u, err)) != FERRY_OK)
		return result;
	if ((f & FERRY_UPDATE_NAME) && strcmp(n.name, u->name) != 0 &&
	    (result = store_check_name(s, n.parent, u->name, err)) != FERRY_OK)
		return result;
	if ((st = store_stmt(s, ST_UPDATE, err)) == NULL)
		return STORE_ERR(err);
	if (f & FERRY_UPDATE_NAME)
		sqlite3_bind_text(st, 15, store_fold(u->name), -1, free);
	sqlite3_bind_int64(st, 1, n.nid);
	sqlite3_bind_int(st, 2, (f & FERRY_UPDATE_NAME) != 0);
	sqlite3_bind_text(st, 3, u->name, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 4, (f & FERRY_UPDATE_DESCRIPTION) != 0);
	sqlite3_bind_text(st, 5, u->description, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 6, (f & FERRY_UPDATE_METADATA) != 0);
	sqlite3_bind_text(st, 7, at->metadata, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 8, (f & FERRY_UPDATE_TAGS) != 0);
	sqlite3_bind_text(st, 9, at->tags, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 10, (f & FERRY_UPDATE_STARRED) != 0);
	sqlite3_bind_int(st, 11, u->starred);
	sqlite3_bind_int(st, 12, (f & FERRY_UPDATE_TTL) != 0);
	sqlite3_bind_int64(st, 13, u->ttl);
	sqlite3_bind_int64(st, 14, ferry_now_ms());
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return store_sql_error(s, rc, err, "store %s: updating \"%s\"",
		    s->dir, n.name);
	return FERRY_OK;
}

enum ferry_code
store_update(struct store *s, const char *id, const struct ferry_update *u,
    struct ferry_error *err)
{
	enum ferry_code		 result;
	struct store_attrs	 at;

	if ((u->fields & FERRY_UPDATE_NAME) && u->name == NULL)
		return ferry_error_set(err, FERRY_E_INVALID_NAME,
		    "no new name given");
	if ((u->fields & FERRY_UPDATE_TTL) && u->ttl < 0)
		return ferry_error_set(err, FERRY_E_INVALID,
		    "ttl: %lld is negative", (long long)u->ttl);
	result = store_attrs_check(
	    (u->fields & FERRY_UPDATE_DESCRIPTION) ? u->description : NULL,
	    (u->fields & FERRY_UPDATE_METADATA) ? u->metadata : NULL,
	    (u->fields & FERRY_UPDATE_TAGS) ? u->tags : NULL, &at, err);
	if (result != FERRY_OK)
		return result;
	if ((result = store_txn_begin(s, err)) != FERRY_OK)
		goto out;
	if ((result = store_update_txn(s, id, u, &at, err)) != FERRY_OK) {
		store_txn_rollback(s);
		goto out;
	}
	result = store_txn_commit(s, err);
out:
	store_attrs_done(&at);
	return result;
}

/*
 * Make room for node n as `name` in folder dst: FERRY_E_EXISTS when the
 * name is taken, unless overwriting an item with an item (then the old
 * one is deleted).  *same is set when n already is dst/name.
 */
static enum ferry_code
store_make_room(struct store *s, const struct store_node *n,
    const struct store_node *dst, const char *name, enum ferry_exists exists,
    bool *same, struct ferry_error *err)
{
	enum ferry_code		 result;
	struct store_node	 old;
	char			*path;

	*same = false;
	result = store_child(s, dst->nid, name, &old, err);
	if (result == FERRY_E_NOT_FOUND)
		return store_name_ok(s, dst->nid, name, err);
	if (result != FERRY_OK)
		return result;
	if (old.nid == n->nid) {
		*same = true;
		return FERRY_OK;
	}
	if (exists == FERRY_EXISTS_OVERWRITE && old.kind == FERRY_KIND_ITEM &&
	    n->kind == FERRY_KIND_ITEM)
		return store_delete_row(s, &old, err);
	path = store_nid_path(s, old.nid);
	result = ferry_error_set(err, FERRY_E_EXISTS,
	    "\"%s\" already exists (%s)", path,
	    old.kind == FERRY_KIND_FOLDER ? "a folder" : "an item");
	free(path);
	return result;
}

/* Refuse to put folder n inside itself or below it. */
static enum ferry_code
store_check_cycle(struct store *s, const struct store_node *n,
    const struct store_node *dst, const char *verb, struct ferry_error *err)
{
	enum ferry_code	 result;
	bool		 below;
	char		*a, *b;

	if (n->kind != FERRY_KIND_FOLDER)
		return FERRY_OK;
	if ((result = store_is_below(s, dst->nid, n->nid, &below, err)) !=
	    FERRY_OK)
		return result;
	if (!below)
		return FERRY_OK;
	a = store_nid_path(s, n->nid);
	b = store_nid_path(s, dst->nid);
	result = ferry_error_set(err, FERRY_E_CONFLICT,
	    "cannot %s folder \"%s\" into its own subtree (\"%s\")", verb, a,
	    b);
	free(a);
	free(b);
	return result;
}

static enum ferry_code
store_move_txn(struct store *s, const char *id, const char *dst_id,
    const char *new_name, enum ferry_exists exists, struct ferry_error *err)
{
	enum ferry_code		 result;
	struct store_node	 n, dst;
	sqlite3_stmt		*st;
	const char		*name;
	bool			 same;
	int			 rc;

	if ((result = store_lookup(s, id, &n, err)) != FERRY_OK)
		return result;
	if (n.parent == 0)
		return ferry_error_set(err, FERRY_E_INVALID,
		    "the root folder cannot be moved");
	if ((result = store_folder_lookup(s, dst_id, &dst, err)) != FERRY_OK)
		return result;
	if ((result = store_check_cycle(s, &n, &dst, "move", err)) != FERRY_OK)
		return result;
	name = new_name != NULL ? new_name : n.name;
	result = store_make_room(s, &n, &dst, name, exists, &same, err);
	if (result != FERRY_OK || same)
		return result;
	if (dst.nid != n.parent && (result = store_check_limits(s, dst.nid, 1,
	    n.kind == FERRY_KIND_ITEM ? n.size : 0, err)) != FERRY_OK)
		return result;
	if ((st = store_stmt(s, ST_MOVE, err)) == NULL)
		return STORE_ERR(err);
	sqlite3_bind_int64(st, 1, n.nid);
	sqlite3_bind_int64(st, 2, dst.nid);
	sqlite3_bind_text(st, 3, name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, ferry_now_ms());
	sqlite3_bind_text(st, 5, store_fold(name), -1, free);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return store_sql_error(s, rc, err, "store %s: moving \"%s\"",
		    s->dir, n.name);
	return FERRY_OK;
}

enum ferry_code
store_move(struct store *s, const char *id, const char *dst_id,
    const char *new_name, enum ferry_exists exists, struct ferry_error *err)
{
	enum ferry_code	 result;

	if ((result = store_txn_begin(s, err)) != FERRY_OK)
		return result;
	result = store_move_txn(s, id, dst_id, new_name, exists, err);
	if (result != FERRY_OK) {
		store_txn_rollback(s);
		return result;
	}
	return store_txn_commit(s, err);
}

static enum ferry_code
store_move_items_txn(struct store *s, const char *const *ids, size_t n,
    const char *dst_id, struct ferry_error *err)
{
	enum ferry_code		 result;
	struct store_node	 node, dst;
	uint64_t		 add = 0, bytes = 0;
	char			*path;
	size_t			 i;

	if ((result = store_folder_lookup(s, dst_id, &dst, err)) != FERRY_OK)
		return result;
	for (i = 0; i < n; i++) {
		if ((result = store_lookup(s, ids[i], &node, err)) != FERRY_OK)
			return result;
		if (node.kind != FERRY_KIND_ITEM) {
			path = store_nid_path(s, node.nid);
			result = ferry_error_set(err, FERRY_E_IS_FOLDER,
			    "\"%s\" is a folder; a batch moves items only",
			    path);
			free(path);
			return result;
		}
		if (node.parent != dst.nid) {
			add++;
			bytes += node.size;
		}
	}
	if ((result = store_check_limits(s, dst.nid, add, bytes, err)) !=
	    FERRY_OK)
		return result;
	for (i = 0; i < n; i++) {
		result = store_move_txn(s, ids[i], dst_id, NULL,
		    FERRY_EXISTS_FAIL, err);
		if (result != FERRY_OK)
			return result;
	}
	return FERRY_OK;
}

enum ferry_code
store_move_items(struct store *s, const char *const *ids, size_t n,
    const char *dst_id, struct ferry_error *err)
{
	enum ferry_code	 result;

	if (n > STORE_BATCH_MAX)
		return ferry_error_set(err, FERRY_E_LIMIT,
		    "a batch moves at most %d items (%zu given)",
		    STORE_BATCH_MAX, n);
	if ((result = store_txn_begin(s, err)) != FERRY_OK)
		return result;
	result = store_move_items_txn(s, ids, n, dst_id, err);
	if (result != FERRY_OK) {
		store_txn_rollback(s);
		return result;
	}
	return store_txn_commit(s, err);
}

/* The ids of the children of kind `kind` of folder nid (malloc'd). */
static enum ferry_code
store_children_nids(struct store *s, int64_t nid, int kind, int64_t **out,
    size_t *n, struct ferry_error *err)
{
	sqlite3_stmt	*st;
	size_t		 cap = 0;
	int		 rc;

	*out = NULL;
	*n = 0;
	if ((st = store_stmt(s, ST_FOLDER_CHILDREN, err)) == NULL)
		return STORE_ERR(err);
	sqlite3_bind_int64(st, 1, nid);
	sqlite3_bind_int(st, 2, kind);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 16;
			*out = xreallocarray(*out, cap, sizeof **out);
		}
		(*out)[(*n)++] = sqlite3_column_int64(st, 0);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		free(*out);
		*out = NULL;
		*n = 0;
		return store_sql_error(s, rc, err, "store %s: listing",
		    s->dir);
	}
	return FERRY_OK;
}

/* Copy row src (and, for a folder, its subtree) into folder dst. */
static enum ferry_code
store_copy_tree(struct store *s, int64_t src, int kind, int64_t dst,
    const char *name, int64_t *new_nid, struct ferry_error *err)
{
	enum ferry_code	 result;
	sqlite3_stmt	*st;
	char		 id[STORE_ID_SIZE];
	int64_t		*subs = NULL, now = ferry_now_ms(), child;
	size_t		 nsubs = 0, i;
	int		 rc;

	if ((st = store_stmt(s, ST_COPY_ROW, err)) == NULL)
		return STORE_ERR(err);
	store_uuid(id);
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, dst);
	if (name != NULL) {
		sqlite3_bind_text(st, 3, name, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 7, store_fold(name), -1, free);
	}
	sqlite3_bind_int64(st, 4, now);
	sqlite3_bind_text(st, 5, s->user, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 6, src);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return store_sql_error(s, rc, err, "store %s: copying",
		    s->dir);
	*new_nid = sqlite3_last_insert_rowid(s->db);
	if (kind != FERRY_KIND_FOLDER)
		return FERRY_OK;
	if ((st = store_stmt(s, ST_COPY_ITEMS, err)) == NULL)
		return STORE_ERR(err);
	sqlite3_bind_int64(st, 1, *new_nid);
	sqlite3_bind_int64(st, 2, now);
	sqlite3_bind_text(st, 3, s->user, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, src);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return store_sql_error(s, rc, err, "store %s: copying items",
		    s->dir);
	result = store_children_nids(s, src, FERRY_KIND_FOLDER, &subs, &nsubs,
	    err);
	for (i = 0; result == FERRY_OK && i < nsubs; i++)
		result = store_copy_tree(s, subs[i], FERRY_KIND_FOLDER,
		    *new_nid, NULL, &child, err);
	free(subs);
	return result;
}

static enum ferry_code
store_copy_txn(struct store *s, const char *id, const char *dst_id,
    const char *new_name, enum ferry_exists exists, int64_t *new_nid,
    struct ferry_error *err)
{
	enum ferry_code		 result;
	struct store_node	 n, dst;
	const char		*name;
	bool			 same;
	char			*path;

	if ((result = store_lookup(s, id, &n, err)) != FERRY_OK)
		return result;
	if (n.parent == 0)
		return ferry_error_set(err, FERRY_E_INVALID,
		    "the root folder cannot be copied; copy its children");
	if ((result = store_folder_lookup(s, dst_id, &dst, err)) != FERRY_OK)
		return result;
	if ((result = store_check_cycle(s, &n, &dst, "copy", err)) != FERRY_OK)
		return result;
	name = new_name != NULL ? new_name : n.name;
	result = store_make_room(s, &n, &dst, name, exists, &same, err);
	if (result != FERRY_OK)
		return result;
	if (same) {
		path = store_nid_path(s, n.nid);
		result = ferry_error_set(err, FERRY_E_EXISTS,
		    "\"%s\": cannot copy onto itself", path);
		free(path);
		return result;
	}
	if ((result = store_check_limits(s, dst.nid, 1,
	    n.kind == FERRY_KIND_ITEM ? n.size : 0, err)) != FERRY_OK)
		return result;
	return store_copy_tree(s, n.nid, n.kind, dst.nid, name, new_nid, err);
}

enum ferry_code
store_copy(struct store *s, const char *id, const char *dst_id,
    const char *new_name, enum ferry_exists exists,
    char new_id[STORE_ID_SIZE], struct ferry_error *err)
{
	enum ferry_code		 result;
	int64_t			 nid = 0;

	if ((result = store_txn_begin(s, err)) != FERRY_OK)
		return result;
	result = store_copy_txn(s, id, dst_id, new_name, exists, &nid, err);
	if (result == FERRY_OK && new_id != NULL)
		result = store_nid_id(s, nid, new_id, err);
	if (result != FERRY_OK) {
		store_txn_rollback(s);
		return result;
	}
	return store_txn_commit(s, err);
}

/* Delete folder n and everything below it, releasing their blobs. */
static enum ferry_code
store_delete_subtree(struct store *s, const struct store_node *n,
    struct ferry_error *err)
{
	enum ferry_code	 result = FERRY_OK;
	sqlite3_stmt	*st;
	char		**shas = NULL;
	size_t		 nshas = 0, cap = 0, i;
	int		 rc;

	if ((st = store_stmt(s, ST_SUBTREE_SHAS, err)) == NULL)
		return STORE_ERR(err);
	sqlite3_bind_int64(st, 1, n->nid);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (nshas == cap) {
			cap = cap ? cap * 2 : 64;
			shas = xreallocarray(shas, cap, sizeof *shas);
		}
		shas[nshas++] = xstrdup((const char *)
		    sqlite3_column_text(st, 0));
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		result = store_sql_error(s, rc, err, "store %s: deleting",
		    s->dir);
		goto out;
	}
	if ((st = store_stmt(s, ST_SUBTREE_DELETE, err)) == NULL) {
		result = STORE_ERR(err);
		goto out;
	}
	sqlite3_bind_int64(st, 1, n->nid);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		result = store_sql_error(s, rc, err,
		    "store %s: deleting \"%s\"", s->dir, n->name);
		goto out;
	}
	for (i = 0; result == FERRY_OK && i < nshas; i++)
		result = store_blob_release(s, shas[i], err);
out:
	for (i = 0; i < nshas; i++)
		free(shas[i]);
	free(shas);
	return result;
}

static enum ferry_code
store_delete_txn(struct store *s, const char *id, uint32_t flags,
    bool items_only, struct ferry_error *err)
{
	enum ferry_code		 result;
	struct store_node	 n;
	sqlite3_stmt		*st;
	int64_t			 children = 0;
	char			*path;
	int			 rc;

	if ((result = store_lookup(s, id, &n, err)) != FERRY_OK)
		return result;
	if (n.kind == FERRY_KIND_ITEM)
		return store_delete_row(s, &n, err);
	path = store_nid_path(s, n.nid);
	if (n.parent == 0) {
		result = ferry_error_set(err, FERRY_E_INVALID,
		    "the root folder cannot be deleted");
		goto out;
	}
	if (items_only) {
		result = ferry_error_set(err, FERRY_E_IS_FOLDER,
		    "\"%s\" is a folder; a batch deletes items only", path);
		goto out;
	}
	if ((st = store_stmt(s, ST_HAS_CHILD, err)) == NULL) {
		result = STORE_ERR(err);
		goto out;
	}
	sqlite3_bind_int64(st, 1, n.nid);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		children = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (rc != SQLITE_ROW)
		result = store_sql_error(s, rc, err, "store %s: counting",
		    s->dir);
	else if (children == 0)
		result = store_delete_row(s, &n, err);
	else if (!(flags & FERRY_REMOVE_RECURSIVE))
		result = ferry_error_set(err, FERRY_E_NOT_EMPTY,
		    "folder \"%s\" is not empty (%lld %s); delete it"
		    " recursively to remove %s too", path,
		    (long long)children, children == 1 ? "entry" : "entries",
		    children == 1 ? "it" : "them");
	else
		result = store_delete_subtree(s, &n, err);
out:
	free(path);
	return result;
}

enum ferry_code
store_delete(struct store *s, const char *id, uint32_t flags,
    struct ferry_error *err)
{
	enum ferry_code	 result;

	if ((result = store_txn_begin(s, err)) != FERRY_OK)
		return result;
	if ((result = store_delete_txn(s, id, flags, false, err)) !=
	    FERRY_OK) {
		store_txn_rollback(s);
		return result;
	}
	return store_txn_commit(s, err);
}

enum ferry_code
store_delete_items(struct store *s, const char *const *ids, size_t n,
    struct ferry_error *err)
{
	enum ferry_code	 result = FERRY_OK;
	size_t		 i;

	if (n > STORE_BATCH_MAX)
		return ferry_error_set(err, FERRY_E_LIMIT,
		    "a batch deletes at most %d items (%zu given)",
		    STORE_BATCH_MAX, n);
	if ((result = store_txn_begin(s, err)) != FERRY_OK)
		return result;
	for (i = 0; i < n && result == FERRY_OK; i++)
		result = store_delete_txn(s, ids[i], 0, true, err);
	if (result != FERRY_OK) {
		store_txn_rollback(s);
		return result;
	}
	return store_txn_commit(s, err);
}
