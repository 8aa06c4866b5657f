/* SPDX-License-Identifier: MIT */
/*
 * Resumable writes, the caller's side: ferry_backend_open_partial() (a
 * NULL op becomes FERRY_E_UNSUPPORTED naming the location, and the path
 * is normalised as by every ferry_backend_* wrapper) and thin wrappers
 * over struct ferry_partial_ops, so that the jobs engine never calls
 * through a vtable by hand.
 *
 * No state and no locking: a partial is used by one thread at a time,
 * like the backend instance that opened it.
 */
#include <stdlib.h>

#include "ferry/backend.h"
#include "ferry/location.h"

enum ferry_code
ferry_backend_open_partial(struct ferry_backend *b, const char *path,
    const struct ferry_write_opts *o, const char *token,
    struct ferry_partial **out, struct ferry_error *err)
{
	enum ferry_code	 result;
	char		*norm;

	*out = NULL;
	if (b->ops->open_partial == NULL)
		return ferry_error_set(err, FERRY_E_UNSUPPORTED,
		    "%s%s: this location (%s) cannot resume writes",
		    b->label != NULL ? b->label : "", path, b->ops->name);
	if ((norm = ferry_path_normalize(path, err)) == NULL)
		return err != NULL ? err->code : FERRY_E_INVALID;
	result = b->ops->open_partial(b, norm, o, token, out, err);
	free(norm);
	if (result != FERRY_OK)
		*out = NULL;
	return result;
}

enum ferry_code
ferry_partial_write(struct ferry_partial *p, const void *buf, size_t len,
    struct ferry_error *err)
{
	return p->ops->write(p, buf, len, err);
}

enum ferry_code
ferry_partial_sync(struct ferry_partial *p, struct ferry_error *err)
{
	return p->ops->sync(p, err);
}

enum ferry_code
ferry_partial_read(struct ferry_partial *p, uint64_t offset, void *buf,
    size_t len, size_t *got, struct ferry_error *err)
{
	return p->ops->read(p, offset, buf, len, got, err);
}

enum ferry_code
ferry_partial_truncate(struct ferry_partial *p, uint64_t len,
    struct ferry_error *err)
{
	if (len > p->size)
		return ferry_error_set(err, FERRY_E_INVALID,
		    "cannot cut a partial write of %llu bytes to %llu",
		    (unsigned long long)p->size, (unsigned long long)len);
	return p->ops->truncate(p, len, err);
}

enum ferry_code
ferry_partial_commit(struct ferry_partial *p, const char *expect_sha256,
    struct ferry_entry *out, struct ferry_arena *a, struct ferry_error *err)
{
	return p->ops->commit(p, expect_sha256, out, a, err);
}

void
ferry_partial_close(struct ferry_partial *p, bool keep)
{
	if (p != NULL)
		p->ops->close(p, keep);
}
