/* SPDX-License-Identifier: MIT */
/*
 * The `store:` backend: the backend interface over the embedded store
 * engine (src/store/).  Paths ("/a/b") are resolved to ids through names
 * on every call; the engine does the work, in its own transactions, so a
 * second process (ferryd, another ferry) can share the store.
 *
 * Limits: nonzero max_items_per_folder / max_bytes_per_folder from the
 * configuration are written into the store's settings when they differ,
 * so every process using the store enforces the same limits.
 *
 * Resumable writes (open_partial) are store-resume.h sessions: their
 * token is the session's UUID.
 *
 * Threads: an instance holds one SQLite connection and is used by one
 * thread at a time, like every backend instance.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ferry/backend.h"
#include "ferry/config.h"
#include "ferry/location.h"
#include "backends/backends.h"
#include "core/util.h"
#include "store/store.h"
#include "store/store-resume.h"

struct backend_store {
	struct ferry_backend	 b;
	struct store		*s;
};

static struct store *
backend_store_of(struct ferry_backend *b)
{
	return ((struct backend_store *)b)->s;
}

static void
backend_store_close(struct ferry_backend *b)
{
	store_close(backend_store_of(b));
	free(b);
}

static enum ferry_code
backend_store_resolve(struct ferry_backend *b, const char *path,
    char id[STORE_ID_SIZE], uint8_t *kind, struct ferry_error *err)
{
	return store_resolve(backend_store_of(b), path, id, kind, err);
}

/*
 * Split path into its parent folder (resolved to folder_id) and its last
 * component.  The root has no parent: FERRY_E_INVALID naming the op.
 */
static enum ferry_code
backend_store_parent(struct ferry_backend *b, const char *path,
    const char *op, char folder_id[STORE_ID_SIZE], const char **name,
    struct ferry_error *err)
{
	enum ferry_code	 result;
	char		*parent;
	uint8_t		 kind;

	*name = ferry_path_base(path);
	if (**name == '\0')
		return ferry_error_set(err, FERRY_E_INVALID,
		    "store:/: the root folder cannot be %s", op);
	parent = ferry_path_parent(path);
	result = backend_store_resolve(b, parent, folder_id, &kind, err);
	if (result == FERRY_OK && kind != FERRY_KIND_FOLDER)
		result = ferry_error_set(err, FERRY_E_NOT_FOLDER,
		    "store:%s: not a folder", parent);
	free(parent);
	return result;
}

static enum ferry_code
backend_store_stat(struct ferry_backend *b, const char *path,
    struct ferry_entry *out, struct ferry_arena *a, struct ferry_error *err)
{
	return store_get_path(backend_store_of(b), path, out, a, err);
}

static enum ferry_code
backend_store_list(struct ferry_backend *b, const char *path,
    const struct ferry_query *q, struct ferry_page *out,
    struct ferry_error *err)
{
	enum ferry_code	 result;
	char		 id[STORE_ID_SIZE];

	if ((result = backend_store_resolve(b, path, id, NULL, err)) !=
	    FERRY_OK)
		return result;
	return store_list(backend_store_of(b), id, q, out, err);
}

static enum ferry_code
backend_store_path_to_root(struct ferry_backend *b, const char *path,
    struct ferry_entry_list *out, struct ferry_error *err)
{
	enum ferry_code	 result;
	char		 id[STORE_ID_SIZE];

	if ((result = backend_store_resolve(b, path, id, NULL, err)) !=
	    FERRY_OK)
		return result;
	return store_path_to_root(backend_store_of(b), id, out, err);
}

/* mkdir -p: create each missing folder down to path, o for the last. */
static enum ferry_code
backend_store_mkdir_p(struct ferry_backend *b, const char *path,
    const struct ferry_mkdir_opts *o, struct ferry_entry *out,
    struct ferry_arena *a, struct ferry_error *err)
{
	struct ferry_mkdir_opts	 mid, last;
	struct ferry_entry	 e, *ep;
	struct ferry_arena	 tmp, *ap;
	enum ferry_code		 result = FERRY_OK;
	char			*copy, *name, *next, *save = NULL;
	char			 id[STORE_ID_SIZE];

	memset(&mid, 0, sizeof mid);
	mid.exist_ok = true;
	last = *o;
	last.exist_ok = true;
	snprintf(id, sizeof id, "%s", store_root_id(backend_store_of(b)));
	ferry_arena_init(&tmp);
	copy = xstrdup(path);
	for (name = strtok_r(copy, "/", &save); name != NULL; name = next) {
		next = strtok_r(NULL, "/", &save);
		ep = next == NULL && out != NULL ? out : &e;
		ap = next == NULL && out != NULL ? a : &tmp;
		result = store_folder_create(backend_store_of(b), id, name,
		    next == NULL ? &last : &mid, ep, ap, err);
		if (result != FERRY_OK)
			break;
		snprintf(id, sizeof id, "%s", ep->id);
		ferry_arena_done(&tmp);
	}
	ferry_arena_done(&tmp);
	free(copy);
	return result;
}

static enum ferry_code
backend_store_mkdir(struct ferry_backend *b, const char *path,
    const struct ferry_mkdir_opts *o, struct ferry_entry *out,
    struct ferry_arena *a, struct ferry_error *err)
{
	enum ferry_code	 result;
	char		 id[STORE_ID_SIZE];
	const char	*name;

	if (strcmp(path, "/") == 0) {
		if (!o->exist_ok && !o->parents)
			return ferry_error_set(err, FERRY_E_EXISTS,
			    "store:/ already exists");
		return out != NULL ? store_get(backend_store_of(b),
		    store_root_id(backend_store_of(b)), out, a, err) :
		    FERRY_OK;
	}
	if (o->parents)
		return backend_store_mkdir_p(b, path, o, out, a, err);
	result = backend_store_parent(b, path, "created", id, &name, err);
	if (result != FERRY_OK)
		return result;
	return store_folder_create(backend_store_of(b), id, name, o, out, a,
	    err);
}

static enum ferry_code
backend_store_update(struct ferry_backend *b, const char *path,
    const struct ferry_update *u, struct ferry_error *err)
{
	enum ferry_code	 result;
	char		 id[STORE_ID_SIZE];

	if ((result = backend_store_resolve(b, path, id, NULL, err)) !=
	    FERRY_OK)
		return result;
	return store_update(backend_store_of(b), id, u, err);
}

static enum ferry_code
backend_store_remove(struct ferry_backend *b, const char *path,
    uint32_t flags, struct ferry_error *err)
{
	enum ferry_code	 result;
	char		 id[STORE_ID_SIZE];

	if ((result = backend_store_resolve(b, path, id, NULL, err)) !=
	    FERRY_OK)
		return result;
	return store_delete(backend_store_of(b), id, flags, err);
}

static enum ferry_code
backend_store_open_read(struct ferry_backend *b, const char *path,
    uint64_t offset, uint64_t len, struct ferry_reader **out,
    struct ferry_error *err)
{
	enum ferry_code	 result;
	char		 id[STORE_ID_SIZE];

	if ((result = backend_store_resolve(b, path, id, NULL, err)) !=
	    FERRY_OK)
		return result;
	return store_open_read(backend_store_of(b), id, offset, len, out,
	    err);
}

static enum ferry_code
backend_store_write(struct ferry_backend *b, const char *path,
    struct ferry_reader *src, const struct ferry_write_opts *o,
    struct ferry_entry *out, struct ferry_arena *a, struct ferry_error *err)
{
	enum ferry_code	 result;
	char		 id[STORE_ID_SIZE];
	const char	*name;

	result = backend_store_parent(b, path, "written", id, &name, err);
	if (result != FERRY_OK)
		return result;
	return store_put(backend_store_of(b), id, name, src, o, out, a, err);
}

static enum ferry_code
backend_store_copy(struct ferry_backend *b, const char *src, const char *dst,
    enum ferry_exists exists, struct ferry_error *err)
{
	enum ferry_code	 result;
	char		 id[STORE_ID_SIZE], dir[STORE_ID_SIZE];
	const char	*name;

	if ((result = backend_store_resolve(b, src, id, NULL, err)) !=
	    FERRY_OK)
		return result;
	result = backend_store_parent(b, dst, "a copy target", dir, &name,
	    err);
	if (result != FERRY_OK)
		return result;
	return store_copy(backend_store_of(b), id, dir, name, exists, NULL,
	    err);
}

static enum ferry_code
backend_store_move(struct ferry_backend *b, const char *src, const char *dst,
    enum ferry_exists exists, struct ferry_error *err)
{
	enum ferry_code	 result;
	char		 id[STORE_ID_SIZE], dir[STORE_ID_SIZE];
	const char	*name;

	if ((result = backend_store_resolve(b, src, id, NULL, err)) !=
	    FERRY_OK)
		return result;
	result = backend_store_parent(b, dst, "a move target", dir, &name,
	    err);
	if (result != FERRY_OK)
		return result;
	return store_move(backend_store_of(b), id, dir, name, exists, err);
}

static enum ferry_code
backend_store_summary(struct ferry_backend *b, const char *path,
    struct ferry_summary *out, struct ferry_error *err)
{
	enum ferry_code	 result;
	char		 id[STORE_ID_SIZE];

	if ((result = backend_store_resolve(b, path, id, NULL, err)) !=
	    FERRY_OK)
		return result;
	return store_summary(backend_store_of(b), id, out, err);
}

/* find: stop when the instance's cancel flag is raised. */
struct backend_store_find {
	struct ferry_backend	*b;
	ferry_find_cb		 cb;
	void			*ud;
};

static enum ferry_code
backend_store_find_cb(const char *path, const struct ferry_entry *e,
    void *ud)
{
	struct backend_store_find	*f = ud;

	if (f->b->cancel != NULL && *f->b->cancel)
		return FERRY_E_CANCELLED;
	return f->cb(path, e, f->ud);
}

static enum ferry_code
backend_store_find(struct ferry_backend *b, const char *path,
    const struct ferry_find *f, ferry_find_cb cb, void *ud,
    struct ferry_error *err)
{
	enum ferry_code			 result;
	struct backend_store_find	 ctx;
	char				 id[STORE_ID_SIZE];

	if ((result = backend_store_resolve(b, path, id, NULL, err)) !=
	    FERRY_OK)
		return result;
	ctx.b = b;
	ctx.cb = cb;
	ctx.ud = ud;
	return store_find(backend_store_of(b), id, f, backend_store_find_cb,
	    &ctx, err);
}

/* -------- resumable writes -------- */

struct backend_store_partial {
	struct ferry_partial	 p;
	struct store_resume	*r;
};

static const struct ferry_partial_ops backend_store_partial_ops;

static enum ferry_code
backend_store_open_partial(struct ferry_backend *b, const char *path,
    const struct ferry_write_opts *o, const char *token,
    struct ferry_partial **out, struct ferry_error *err)
{
	struct backend_store_partial	*bp;
	struct store_resume		*r;
	enum ferry_code			 result;
	char				 id[STORE_ID_SIZE];
	const char			*name;

	*out = NULL;
	result = backend_store_parent(b, path, "written", id, &name, err);
	if (result != FERRY_OK)
		return result;
	result = store_resume_open(backend_store_of(b), id, name, o, token,
	    &r, err);
	if (result != FERRY_OK)
		return result;
	bp = xcalloc(1, sizeof *bp);
	bp->p.ops = &backend_store_partial_ops;
	bp->p.size = store_resume_size(r);
	bp->p.token = store_resume_token(r);
	bp->r = r;
	*out = &bp->p;
	return FERRY_OK;
}

static enum ferry_code
backend_store_partial_write(struct ferry_partial *p, const void *buf,
    size_t len, struct ferry_error *err)
{
	struct backend_store_partial	*bp = (void *)p;
	enum ferry_code			 result;

	result = store_resume_write(bp->r, buf, len, err);
	p->size = store_resume_size(bp->r);
	return result;
}

static enum ferry_code
backend_store_partial_sync(struct ferry_partial *p, struct ferry_error *err)
{
	return store_resume_sync(((struct backend_store_partial *)p)->r, err);
}

static enum ferry_code
backend_store_partial_read(struct ferry_partial *p, uint64_t offset,
    void *buf, size_t len, size_t *got, struct ferry_error *err)
{
	return store_resume_read(((struct backend_store_partial *)p)->r,
	    offset, buf, len, got, err);
}

static enum ferry_code
backend_store_partial_truncate(struct ferry_partial *p, uint64_t len,
    struct ferry_error *err)
{
	struct backend_store_partial	*bp = (void *)p;
	enum ferry_code			 result;

	result = store_resume_truncate(bp->r, len, err);
	p->size = store_resume_size(bp->r);
	return result;
}

static enum ferry_code
backend_store_partial_commit(struct ferry_partial *p, const char *expect,
    struct ferry_entry *out, struct ferry_arena *a, struct ferry_error *err)
{
	struct backend_store_partial	*bp = (void *)p;
	enum ferry_code			 result;

	result = store_resume_commit(bp->r, expect, out, a, err);
	free(bp);
	return result;
}

static void
backend_store_partial_close(struct ferry_partial *p, bool keep)
{
	struct backend_store_partial	*bp = (void *)p;

	store_resume_close(bp->r, keep);
	free(bp);
}

static const struct ferry_partial_ops backend_store_partial_ops = {
	.write = backend_store_partial_write,
	.sync = backend_store_partial_sync,
	.read = backend_store_partial_read,
	.truncate = backend_store_partial_truncate,
	.commit = backend_store_partial_commit,
	.close = backend_store_partial_close,
};

const struct ferry_backend_ops ferry_backend_store_ops = {
	.name = "store",
	.caps = FERRY_CAP_WRITE | FERRY_CAP_RANGE | FERRY_CAP_IDS |
	    FERRY_CAP_DESCRIPTION | FERRY_CAP_METADATA | FERRY_CAP_TAGS |
	    FERRY_CAP_CHECKSUM | FERRY_CAP_SERVER_COPY |
	    FERRY_CAP_SERVER_MOVE | FERRY_CAP_PAGING | FERRY_CAP_SUMMARY |
	    FERRY_CAP_FIND | FERRY_CAP_MIME | FERRY_CAP_EMPTY_FOLDERS |
	    FERRY_CAP_RESUME,
	.close = backend_store_close,
	.stat = backend_store_stat,
	.list = backend_store_list,
	.path_to_root = backend_store_path_to_root,
	.mkdir = backend_store_mkdir,
	.update = backend_store_update,
	.remove = backend_store_remove,
	.open_read = backend_store_open_read,
	.write = backend_store_write,
	.copy = backend_store_copy,
	.move = backend_store_move,
	.summary = backend_store_summary,
	.find = backend_store_find,
	.signed_url = NULL,
	.open_partial = backend_store_open_partial,
};

/* Write the configured (nonzero) limits into the store when they differ. */
static enum ferry_code
backend_store_limits(struct store *s, const struct ferry_config *cfg,
    struct ferry_error *err)
{
	enum ferry_code		 result;
	struct store_limits	 l, want;

	if (cfg == NULL || (cfg->max_items_per_folder == 0 &&
	    cfg->max_bytes_per_folder == 0))
		return FERRY_OK;
	if ((result = store_limits_get(s, &l, err)) != FERRY_OK)
		return result;
	want = l;
	if (cfg->max_items_per_folder != 0)
		want.max_items = cfg->max_items_per_folder;
	if (cfg->max_bytes_per_folder != 0)
		want.max_bytes = cfg->max_bytes_per_folder;
	if (want.max_items == l.max_items && want.max_bytes == l.max_bytes)
		return FERRY_OK;
	return store_limits_set(s, &want, err);
}

enum ferry_code
backend_store_open(const char *dir, const struct ferry_config *cfg,
    struct ferry_backend **out, struct ferry_error *err)
{
	enum ferry_code		 result;
	struct backend_store	*bs;
	struct store		*s;

	*out = NULL;
	if ((result = store_open(dir, &s, err)) != FERRY_OK)
		return result;
	if ((result = backend_store_limits(s, cfg, err)) != FERRY_OK) {
		store_close(s);
		return result;
	}
	bs = xcalloc(1, sizeof *bs);
	bs->b.ops = &ferry_backend_store_ops;
	bs->s = s;
	*out = &bs->b;
	return FERRY_OK;
}
