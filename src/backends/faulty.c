/* SPDX-License-Identifier: MIT */
/*
 * The fault-injecting wrapper backend (a TEST HOOK; see faulty.h).
 *
 * A wrapper instance owns the instance it wraps and its own copy of the
 * ops table (so that its caps and its NULL optional ops are the inner
 * backend's).  Each call bumps the process-wide counter of its OP and
 * fails when the plan says so, else passes through; streams and partials
 * the inner backend returns are wrapped too, so their reads and writes
 * can fail.  The plan is parsed once from FERRY_TEST_FAULTS.
 *
 * Threads: any; the plan is immutable after pthread_once and the
 * counters are atomics.  An instance is used by one thread at a time,
 * like the instance it wraps.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ferry/backend.h"
#include "backends/faulty.h"
#include "core/util.h"

#define FAULTY_RULES_MAX	16

enum faulty_op {
	FAULTY_STAT, FAULTY_LIST, FAULTY_MKDIR, FAULTY_REMOVE,
	FAULTY_OPEN_READ, FAULTY_READ, FAULTY_WRITE, FAULTY_COPY,
	FAULTY_MOVE, FAULTY_OPEN_PARTIAL, FAULTY_PWRITE, FAULTY_COMMIT,
	FAULTY__COUNT
};

static const char *const faulty_op_names[FAULTY__COUNT] = {
	"stat", "list", "mkdir", "remove", "open_read", "read", "write",
	"copy", "move", "open_partial", "pwrite", "commit",
};

struct faulty_rule {
	enum faulty_op	 op;
	uint64_t	 first;		/* 1-based call number */
	uint64_t	 count;		/* UINT64_MAX: every call from first */
	enum ferry_code	 code;
};

/*
 * The plan and the counters: process-wide by nature (a fault lands on the
 * Nth call whichever thread makes it), written once under pthread_once.
 */
static struct faulty_plan {
	struct faulty_rule rules[FAULTY_RULES_MAX];
	size_t		 n;
	uint64_t	 calls[FAULTY__COUNT];
} faulty_plan;
static pthread_once_t faulty_once = PTHREAD_ONCE_INIT;

/* Parse one "OP:N[:CODE[:COUNT]]"; false when malformed. */
static bool
faulty_parse_rule(char *text, struct faulty_rule *r)
{
	char	*f[4] = { NULL, NULL, NULL, NULL }, *save = NULL, *end;
	int	 i, n = 0;

	for (f[n] = strtok_r(text, ":", &save); f[n] != NULL && n < 3; )
		f[++n] = strtok_r(NULL, ":", &save);
	if (f[0] == NULL || f[1] == NULL)
		return false;
	for (i = 0; i < FAULTY__COUNT; i++)
		if (strcmp(f[0], faulty_op_names[i]) == 0)
			break;
	if (i == FAULTY__COUNT)
		return false;
	r->op = (enum faulty_op)i;
	r->first = strtoull(f[1], &end, 10);
	if (*end != '\0' || r->first == 0)
		return false;
	r->code = FERRY_E_NETWORK;
	if (f[2] != NULL) {
		r->code = ferry_code_from_name(f[2]);
		if (strcmp(ferry_code_name(r->code), f[2]) != 0)
			return false;
	}
	r->count = 1;
	if (f[3] != NULL && strcmp(f[3], "*") == 0)
		r->count = UINT64_MAX;
	else if (f[3] != NULL) {
		r->count = strtoull(f[3], &end, 10);
		if (*end != '\0' || r->count == 0)
			return false;
	}
	return true;
}

static void
faulty_load(void)
{
	const char	*env = getenv("FERRY_TEST_FAULTS");
	char		*copy, *item, *save = NULL;

	if (env == NULL || *env == '\0')
		return;
	copy = xstrdup(env);
	for (item = strtok_r(copy, ",", &save); item != NULL;
	    item = strtok_r(NULL, ",", &save)) {
		if (faulty_plan.n == FAULTY_RULES_MAX ||
		    !faulty_parse_rule(item, &faulty_plan.rules[faulty_plan.n])) {
			fprintf(stderr, "ferry: FERRY_TEST_FAULTS: ignoring "
			    "\"%s\" (want OP:N[:CODE[:COUNT]])\n", item);
			continue;
		}
		faulty_plan.n++;
	}
	free(copy);
}

bool
backend_faulty_enabled(void)
{
	pthread_once(&faulty_once, faulty_load);
	return faulty_plan.n > 0;
}

/* Count a call of op; FERRY_OK, or the planned failure. */
static enum ferry_code
faulty_hit(enum faulty_op op, const char *what, struct ferry_error *err)
{
	const struct faulty_rule *r;
	uint64_t	 n;
	size_t		 i;

	n = __atomic_add_fetch(&faulty_plan.calls[op], 1, __ATOMIC_SEQ_CST);
	for (i = 0; i < faulty_plan.n; i++) {
		r = &faulty_plan.rules[i];
		if (r->op != op || n < r->first ||
		    (r->count != UINT64_MAX && n - r->first >= r->count))
			continue;
		return ferry_error_set(err, r->code, "%s: test fault on %s "
		    "call %llu (FERRY_TEST_FAULTS): %s", what != NULL ? what :
		    "?", faulty_op_names[op], (unsigned long long)n,
		    ferry_strerror(r->code));
	}
	return FERRY_OK;
}

/* -------- streams and partials -------- */

struct faulty_reader {
	struct ferry_reader	 r;
	struct ferry_reader	*inner;
};

static enum ferry_code
faulty_reader_read(struct ferry_reader *r, void *buf, size_t len,
    size_t *got, struct ferry_error *err)
{
	struct faulty_reader	*f = (struct faulty_reader *)r;
	enum ferry_code		 result;

	*got = 0;
	if ((result = faulty_hit(FAULTY_READ, r->name, err)) != FERRY_OK)
		return result;
	return ferry_reader_read(f->inner, buf, len, got, err);
}

static void
faulty_reader_close(struct ferry_reader *r)
{
	struct faulty_reader	*f = (struct faulty_reader *)r;

	ferry_reader_close(f->inner);
	free(f);
}

static const struct ferry_reader_ops faulty_reader_ops = {
	faulty_reader_read, faulty_reader_close
};

struct faulty_partial {
	struct ferry_partial	 p;
	struct ferry_partial	*inner;
};

static enum ferry_code
faulty_partial_write(struct ferry_partial *p, const void *buf, size_t len,
    struct ferry_error *err)
{
	struct faulty_partial	*f = (struct faulty_partial *)p;
	enum ferry_code		 result;

	if ((result = faulty_hit(FAULTY_PWRITE, "partial write", err)) !=
	    FERRY_OK)
		return result;
	result = ferry_partial_write(f->inner, buf, len, err);
	p->size = f->inner->size;
	return result;
}

static enum ferry_code
faulty_partial_sync(struct ferry_partial *p, struct ferry_error *err)
{
	return ferry_partial_sync(((struct faulty_partial *)p)->inner, err);
}

static enum ferry_code
faulty_partial_read(struct ferry_partial *p, uint64_t offset, void *buf,
    size_t len, size_t *got, struct ferry_error *err)
{
	return ferry_partial_read(((struct faulty_partial *)p)->inner, offset,
	    buf, len, got, err);
}

static enum ferry_code
faulty_partial_truncate(struct ferry_partial *p, uint64_t len,
    struct ferry_error *err)
{
	struct faulty_partial	*f = (struct faulty_partial *)p;
	enum ferry_code		 result;

	result = ferry_partial_truncate(f->inner, len, err);
	p->size = f->inner->size;
	return result;
}

static enum ferry_code
faulty_partial_commit(struct ferry_partial *p, const char *expect,
    struct ferry_entry *out, struct ferry_arena *a, struct ferry_error *err)
{
	struct faulty_partial	*f = (struct faulty_partial *)p;
	enum ferry_code		 result;

	result = faulty_hit(FAULTY_COMMIT, "partial commit", err);
	if (result != FERRY_OK)
		ferry_partial_close(f->inner, false);	/* as a failed commit */
	else
		result = ferry_partial_commit(f->inner, expect, out, a, err);
	free(f);
	return result;
}

static void
faulty_partial_close(struct ferry_partial *p, bool keep)
{
	struct faulty_partial	*f = (struct faulty_partial *)p;

	ferry_partial_close(f->inner, keep);
	free(f);
}

static const struct ferry_partial_ops faulty_partial_ops = {
	.write = faulty_partial_write,
	.sync = faulty_partial_sync,
	.read = faulty_partial_read,
	.truncate = faulty_partial_truncate,
	.commit = faulty_partial_commit,
	.close = faulty_partial_close,
};

/* -------- the backend -------- */

struct faulty_backend {
	struct ferry_backend	 b;
	struct ferry_backend_ops ops;
	struct ferry_backend	*inner;
};

/* The inner instance, with the caller's cancel flag passed on. */
static struct ferry_backend *
faulty_inner(struct ferry_backend *b)
{
	struct faulty_backend	*f = (struct faulty_backend *)b;

	f->inner->cancel = b->cancel;
	return f->inner;
}

static void
faulty_close(struct ferry_backend *b)
{
	struct faulty_backend	*f = (struct faulty_backend *)b;

	ferry_backend_close(f->inner);
	free(f);
}

static enum ferry_code
faulty_stat(struct ferry_backend *b, const char *path,
    struct ferry_entry *out, struct ferry_arena *a, struct ferry_error *err)
{
	enum ferry_code	 result;

	if ((result = faulty_hit(FAULTY_STAT, path, err)) != FERRY_OK)
		return result;
	return faulty_inner(b)->ops->stat(faulty_inner(b), path, out, a, err);
}

static enum ferry_code
faulty_list(struct ferry_backend *b, const char *path,
    const struct ferry_query *q, struct ferry_page *out,
    struct ferry_error *err)
{
	enum ferry_code	 result;

	if ((result = faulty_hit(FAULTY_LIST, path, err)) != FERRY_OK)
		return result;
	return faulty_inner(b)->ops->list(faulty_inner(b), path, q, out, err);
}

static enum ferry_code
faulty_path_to_root(struct ferry_backend *b, const char *path,
    struct ferry_entry_list *out, struct ferry_error *err)
{
	return faulty_inner(b)->ops->path_to_root(faulty_inner(b), path, out,
	    err);
}

static enum ferry_code
faulty_mkdir(struct ferry_backend *b, const char *path,
    const struct ferry_mkdir_opts *o, struct ferry_entry *out,
    struct ferry_arena *a, struct ferry_error *err)
{
	enum ferry_code	 result;

	if ((result = faulty_hit(FAULTY_MKDIR, path, err)) != FERRY_OK)
		return result;
	return faulty_inner(b)->ops->mkdir(faulty_inner(b), path, o, out, a,
	    err);
}

static enum ferry_code
faulty_update(struct ferry_backend *b, const char *path,
    const struct ferry_update *u, struct ferry_error *err)
{
	return faulty_inner(b)->ops->update(faulty_inner(b), path, u, err);
}

static enum ferry_code
faulty_remove(struct ferry_backend *b, const char *path, uint32_t flags,
    struct ferry_error *err)
{
	enum ferry_code	 result;

	if ((result = faulty_hit(FAULTY_REMOVE, path, err)) != FERRY_OK)
		return result;
	return faulty_inner(b)->ops->remove(faulty_inner(b), path, flags,
	    err);
}

static enum ferry_code
faulty_open_read(struct ferry_backend *b, const char *path, uint64_t offset,
    uint64_t len, struct ferry_reader **out, struct ferry_error *err)
{
	struct faulty_reader	*f;
	struct ferry_reader	*inner;
	enum ferry_code		 result;

	if ((result = faulty_hit(FAULTY_OPEN_READ, path, err)) != FERRY_OK)
		return result;
	result = faulty_inner(b)->ops->open_read(faulty_inner(b), path,
	    offset, len, &inner, err);
	if (result != FERRY_OK)
		return result;
	f = xcalloc(1, sizeof *f);
	f->r.ops = &faulty_reader_ops;
	f->r.size = inner->size;
	f->r.size_known = inner->size_known;
	f->r.name = inner->name != NULL ? inner->name : path;
	f->inner = inner;
	*out = &f->r;
	return FERRY_OK;
}

static enum ferry_code
faulty_write(struct ferry_backend *b, const char *path,
    struct ferry_reader *src, const struct ferry_write_opts *o,
    struct ferry_entry *out, struct ferry_arena *a, struct ferry_error *err)
{
	enum ferry_code	 result;

	if ((result = faulty_hit(FAULTY_WRITE, path, err)) != FERRY_OK)
		return result;
	return faulty_inner(b)->ops->write(faulty_inner(b), path, src, o, out,
	    a, err);
}

static enum ferry_code
faulty_copy(struct ferry_backend *b, const char *src, const char *dst,
    enum ferry_exists exists, struct ferry_error *err)
{
	enum ferry_code	 result;

	if ((result = faulty_hit(FAULTY_COPY, src, err)) != FERRY_OK)
		return result;
	return faulty_inner(b)->ops->copy(faulty_inner(b), src, dst, exists,
	    err);
}

static enum ferry_code
faulty_move(struct ferry_backend *b, const char *src, const char *dst,
    enum ferry_exists exists, struct ferry_error *err)
{
	enum ferry_code	 result;

	if ((result = faulty_hit(FAULTY_MOVE, src, err)) != FERRY_OK)
		return result;
	return faulty_inner(b)->ops->move(faulty_inner(b), src, dst, exists,
	    err);
}

static enum ferry_code
faulty_summary(struct ferry_backend *b, const char *path,
    struct ferry_summary *out, struct ferry_error *err)
{
	return faulty_inner(b)->ops->summary(faulty_inner(b), path, out, err);
}

static enum ferry_code
faulty_find(struct ferry_backend *b, const char *path,
    const struct ferry_find *f, ferry_find_cb cb, void *ud,
    struct ferry_error *err)
{
	return faulty_inner(b)->ops->find(faulty_inner(b), path, f, cb, ud,
	    err);
}

static enum ferry_code
faulty_signed_url(struct ferry_backend *b, const char *path, const char *op,
    int64_t expires, char **url, struct ferry_error *err)
{
	return faulty_inner(b)->ops->signed_url(faulty_inner(b), path, op,
	    expires, url, err);
}

static enum ferry_code
faulty_open_partial(struct ferry_backend *b, const char *path,
    const struct ferry_write_opts *o, const char *token,
    struct ferry_partial **out, struct ferry_error *err)
{
	struct faulty_partial	*f;
	struct ferry_partial	*inner;
	enum ferry_code		 result;

	if ((result = faulty_hit(FAULTY_OPEN_PARTIAL, path, err)) != FERRY_OK)
		return result;
	result = faulty_inner(b)->ops->open_partial(faulty_inner(b), path, o,
	    token, &inner, err);
	if (result != FERRY_OK)
		return result;
	f = xcalloc(1, sizeof *f);
	f->p.ops = &faulty_partial_ops;
	f->p.size = inner->size;
	f->p.token = inner->token;
	f->inner = inner;
	*out = &f->p;
	return FERRY_OK;
}

/* Use fn only where the inner backend has the op. */
#define FAULTY_OP(field, fn) \
	f->ops.field = in->field != NULL ? fn : NULL

struct ferry_backend *
backend_faulty_wrap(struct ferry_backend *inner)
{
	struct faulty_backend		*f;
	const struct ferry_backend_ops	*in = inner->ops;

	if (!backend_faulty_enabled())
		return inner;
	f = xcalloc(1, sizeof *f);
	f->inner = inner;
	f->ops.name = in->name;
	f->ops.caps = in->caps;
	f->ops.close = faulty_close;
	FAULTY_OP(stat, faulty_stat);
	FAULTY_OP(list, faulty_list);
	FAULTY_OP(path_to_root, faulty_path_to_root);
	FAULTY_OP(mkdir, faulty_mkdir);
	FAULTY_OP(update, faulty_update);
	FAULTY_OP(remove, faulty_remove);
	FAULTY_OP(open_read, faulty_open_read);
	FAULTY_OP(write, faulty_write);
	FAULTY_OP(copy, faulty_copy);
	FAULTY_OP(move, faulty_move);
	FAULTY_OP(summary, faulty_summary);
	FAULTY_OP(find, faulty_find);
	FAULTY_OP(signed_url, faulty_signed_url);
	FAULTY_OP(open_partial, faulty_open_partial);
	f->b.ops = &f->ops;
	f->b.label = xstrdup(inner->label != NULL ? inner->label : "");
	f->b.cancel = inner->cancel;
	return &f->b;
}
