/* SPDX-License-Identifier: MIT */
/*
 * Backend dispatch: ferry_backend_open() picks the implementation a
 * location names, and the ferry_backend_* wrappers normalise every path
 * (so an implementation never sees "." or ".." or "//") and turn a NULL
 * optional operation into FERRY_E_UNSUPPORTED naming the location.
 *
 * Ownership: b->label ("store:", "work:", "" for local) is set here after
 * the implementation's open and freed here in ferry_backend_close(); an
 * implementation leaves it alone.
 *
 * Every call may block; the wrappers add no state and no locking (an
 * instance is used by one thread at a time).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ferry/backend.h"
#include "ferry/config.h"
#include "ferry/location.h"
#include "backends/backends.h"
#include "core/util.h"

/* Open a PROFILE location: the client backends come in later issues. */
static enum ferry_code
backend_open_profile(const struct ferry_location *loc,
    const struct ferry_config *cfg, struct ferry_error *err)
{
	const struct ferry_profile	*p;
	enum ferry_code			 result;
	char				*path;

	p = ferry_config_profile(cfg, loc->profile);
	if (p == NULL) {
		if (cfg != NULL && cfg->path != NULL)
			path = xstrdup(cfg->path);
		else if ((path = ferry_config_default_path()) == NULL)
			path = xstrdup("the config file");
		result = ferry_error_set(err, FERRY_E_NOT_FOUND,
		    "unknown profile '%s': add a [profile %s] section to %s, "
		    "or write ./%s for a local path", loc->profile,
		    loc->profile, path, loc->text != NULL ? loc->text :
		    loc->profile);
		free(path);
		return result;
	}
	if (p->type != NULL && strcmp(p->type, "s3") == 0)
		return ferry_error_set(err, FERRY_E_UNSUPPORTED,
		    "profile '%s' (type s3) needs the S3 backend, which this "
		    "build does not have yet", p->name);
	return ferry_error_set(err, FERRY_E_UNSUPPORTED,
	    "profile '%s' (type %s) needs the ferryd client, which this build "
	    "does not have yet", p->name, p->type != NULL ? p->type : "http");
}

enum ferry_code
ferry_backend_open(const struct ferry_location *loc,
    const struct ferry_config *cfg, struct ferry_backend **out,
    struct ferry_error *err)
{
	enum ferry_code	 result;
	const char	*text;
	char		*dir = NULL;

	*out = NULL;
	text = loc->text != NULL ? loc->text : "location";
	switch (loc->kind) {
	case FERRY_LOC_LOCAL:
		result = backend_local_open(cfg, out, err);
		break;
	case FERRY_LOC_STORE:
		if (cfg == NULL || cfg->store_dir == NULL)
			dir = ferry_config_default_store();
		result = backend_store_open(dir != NULL ? dir : cfg->store_dir,
		    cfg, out, err);
		free(dir);
		break;
	case FERRY_LOC_PROFILE:
		return backend_open_profile(loc, cfg, err);
	case FERRY_LOC_S3:
		return ferry_error_set(err, FERRY_E_UNSUPPORTED,
		    "%s: S3 locations need the S3 backend, which this build "
		    "does not have yet", text);
	case FERRY_LOC_HTTP:
		return ferry_error_set(err, FERRY_E_UNSUPPORTED,
		    "%s: http(s) locations need the ferryd client, which "
		    "this build does not have yet", text);
	default:
		return ferry_error_set(err, FERRY_E_INTERNAL,
		    "%s: unknown location kind %d", text, (int)loc->kind);
	}
	if (result != FERRY_OK) {
		*out = NULL;
		return result;
	}
	switch (loc->kind) {
	case FERRY_LOC_STORE:
		(*out)->label = xstrdup("store:");
		break;
	default:
		(*out)->label = xstrdup("");
		break;
	}
	return FERRY_OK;
}

void
ferry_backend_close(struct ferry_backend *b)
{
	char	*label;

	if (b == NULL)
		return;
	label = b->label;
	b->label = NULL;
	b->ops->close(b);
	free(label);
}

bool
ferry_backend_has(const struct ferry_backend *b, uint32_t caps)
{
	return (b->ops->caps & caps) == caps;
}

/* Normalise path into *out, or fail with the code of the problem. */
static enum ferry_code
backend_path(struct ferry_backend *b, const char *path, char **out,
    struct ferry_error *err)
{
	struct ferry_error	 e;

	*out = ferry_path_normalize(path, &e);
	if (*out != NULL)
		return FERRY_OK;
	return ferry_error_set(err, e.code, "%s%s: %s", b->label != NULL ?
	    b->label : "", path != NULL ? path : "", e.msg);
}

/* The error for an operation that b does not offer. */
static enum ferry_code
backend_unsupported(struct ferry_backend *b, const char *path,
    const char *op, struct ferry_error *err)
{
	return ferry_error_set(err, FERRY_E_UNSUPPORTED,
	    "%s%s: %s does not support %s", b->label != NULL ? b->label : "",
	    path, b->ops->name, op);
}

/*
 * The body shared by the wrappers: normalise path into p, check that the
 * op exists, then run call.
 */
#define BACKEND_CALL(b, path, op, opname, call) do {			\
	enum ferry_code	 result_;					\
	char		*p;						\
									\
	if ((b)->ops->op == NULL)					\
		return backend_unsupported((b), (path), (opname), err);	\
	if ((result_ = backend_path((b), (path), &p, err)) != FERRY_OK)	\
		return result_;						\
	result_ = (call);						\
	free(p);							\
	return result_;							\
} while (0)

enum ferry_code
ferry_backend_stat(struct ferry_backend *b, const char *path,
    struct ferry_entry *out, struct ferry_arena *a, struct ferry_error *err)
{
	BACKEND_CALL(b, path, stat, "stat",
	    b->ops->stat(b, p, out, a, err));
}

enum ferry_code
ferry_backend_list(struct ferry_backend *b, const char *path,
    const struct ferry_query *q, struct ferry_page *out,
    struct ferry_error *err)
{
	BACKEND_CALL(b, path, list, "listing",
	    b->ops->list(b, p, q, out, err));
}

enum ferry_code
ferry_backend_list_brief(struct ferry_backend *b, const char *path,
    const struct ferry_query *q, struct ferry_brief_list *out,
    struct ferry_error *err)
{
	struct ferry_query	 dflt;

	if (q == NULL) {
		ferry_query_init(&dflt);
		q = &dflt;
	}
	BACKEND_CALL(b, path, list_brief, "brief listing",
	    b->ops->list_brief(b, p, q, out, err));
}

enum ferry_code
ferry_backend_path_to_root(struct ferry_backend *b, const char *path,
    struct ferry_entry_list *out, struct ferry_error *err)
{
	BACKEND_CALL(b, path, path_to_root, "path_to_root",
	    b->ops->path_to_root(b, p, out, err));
}

enum ferry_code
ferry_backend_mkdir(struct ferry_backend *b, const char *path,
    const struct ferry_mkdir_opts *o, struct ferry_entry *out,
    struct ferry_arena *a, struct ferry_error *err)
{
	struct ferry_mkdir_opts	 none;

	if (o == NULL) {
		memset(&none, 0, sizeof none);
		o = &none;
	}
	BACKEND_CALL(b, path, mkdir, "creating folders",
	    b->ops->mkdir(b, p, o, out, a, err));
}

enum ferry_code
ferry_backend_update(struct ferry_backend *b, const char *path,
    const struct ferry_update *u, struct ferry_error *err)
{
	BACKEND_CALL(b, path, update, "updates",
	    b->ops->update(b, p, u, err));
}

enum ferry_code
ferry_backend_remove(struct ferry_backend *b, const char *path,
    uint32_t flags, struct ferry_error *err)
{
	BACKEND_CALL(b, path, remove, "removing",
	    b->ops->remove(b, p, flags, err));
}

enum ferry_code
ferry_backend_open_read(struct ferry_backend *b, const char *path,
    uint64_t offset, uint64_t len, struct ferry_reader **out,
    struct ferry_error *err)
{
	*out = NULL;
	BACKEND_CALL(b, path, open_read, "reading",
	    b->ops->open_read(b, p, offset, len, out, err));
}

enum ferry_code
ferry_backend_write(struct ferry_backend *b, const char *path,
    struct ferry_reader *src, const struct ferry_write_opts *o,
    struct ferry_entry *out, struct ferry_arena *a, struct ferry_error *err)
{
	struct ferry_write_opts	 none;

	if (o == NULL) {
		memset(&none, 0, sizeof none);
		o = &none;
	}
	BACKEND_CALL(b, path, write, "writing",
	    b->ops->write(b, p, src, o, out, a, err));
}

/* Copy and move take two paths: normalise both. */
static enum ferry_code
backend_two_paths(struct ferry_backend *b, const char *src, const char *dst,
    char **psrc, char **pdst, struct ferry_error *err)
{
	enum ferry_code	 result;

	*pdst = NULL;
	if ((result = backend_path(b, src, psrc, err)) != FERRY_OK)
		return result;
	if ((result = backend_path(b, dst, pdst, err)) != FERRY_OK) {
		free(*psrc);
		*psrc = NULL;
	}
	return result;
}

enum ferry_code
ferry_backend_copy(struct ferry_backend *b, const char *src,
    const char *dst, enum ferry_exists exists, struct ferry_error *err)
{
	enum ferry_code	 result;
	char		*s, *d;

	if (b->ops->copy == NULL)
		return backend_unsupported(b, src, "server-side copy", err);
	if ((result = backend_two_paths(b, src, dst, &s, &d, err)) != FERRY_OK)
		return result;
	result = b->ops->copy(b, s, d, exists, err);
	free(s);
	free(d);
	return result;
}

enum ferry_code
ferry_backend_move(struct ferry_backend *b, const char *src,
    const char *dst, enum ferry_exists exists, struct ferry_error *err)
{
	enum ferry_code	 result;
	char		*s, *d;

	if (b->ops->move == NULL)
		return backend_unsupported(b, src, "server-side move", err);
	if ((result = backend_two_paths(b, src, dst, &s, &d, err)) != FERRY_OK)
		return result;
	result = b->ops->move(b, s, d, exists, err);
	free(s);
	free(d);
	return result;
}

enum ferry_code
ferry_backend_summary(struct ferry_backend *b, const char *path,
    struct ferry_summary *out, struct ferry_error *err)
{
	memset(out, 0, sizeof *out);
	BACKEND_CALL(b, path, summary, "summaries",
	    b->ops->summary(b, p, out, err));
}

enum ferry_code
ferry_backend_find(struct ferry_backend *b, const char *path,
    const struct ferry_find *f, ferry_find_cb cb, void *ud,
    struct ferry_error *err)
{
	BACKEND_CALL(b, path, find, "find",
	    b->ops->find(b, p, f, cb, ud, err));
}

enum ferry_code
ferry_backend_read(struct ferry_backend *b, const char *path,
    uint64_t offset, void *buf, size_t len, size_t *got,
    struct ferry_error *err)
{
	struct ferry_reader	*r;
	enum ferry_code		 result;

	*got = 0;
	result = ferry_backend_open_read(b, path, offset, (uint64_t)len, &r,
	    err);
	if (result != FERRY_OK)
		return result;
	result = ferry_reader_read_full(r, buf, len, got, err);
	ferry_reader_close(r);
	return result;
}
