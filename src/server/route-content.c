/* SPDX-License-Identifier: MIT */
/*
 * Item content: upload (PUT /v1/folders/{id}/items/{name}) streamed into
 * the store as it arrives, and download (GET or HEAD
 * /v1/items/{id}/content) with Range, ETag / If-None-Match and gzip.
 *
 * Upload: the headers are checked before any byte is accepted (the name,
 * the caller's role, Content-Length against the size limit: refused with
 * 413 before the body is sent, as MHD sends no "100 Continue" then);
 * then every chunk goes to a push upload (store-upload.h), hashed and
 * written to a tmp file, and the last call commits it.  The declared
 * type comes from Content-Type (parameters dropped; the form type curl
 * sends by default is ignored) and is detected from the content
 * otherwise; client metadata comes from the X-Ferry-Metadata header or
 * the client_metadata parameter (a JSON object); an expected sha256 from
 * X-Ferry-Sha256 or sha256.  A body without Content-Length (chunked) is
 * cut off with 413 once it passes the limit.
 *
 * Download: the ETag is the quoted sha256, so it never changes while the
 * content does not.  One byte range is served from the blob file with
 * sendfile (206, Content-Range); an unsatisfiable one is 416 with
 * "Content-Range: bytes * /size".  With "Accept-Encoding: gzip" and no
 * Range, the content is compressed as it is sent (zlib, chunked; its
 * ETag gets a "-gzip" suffix).  The blob is opened once per response and
 * MHD closes it; a deleted item's blob stays readable until then.
 *
 * Threads: the request's pool thread (and MHD's for the gzip callback,
 * which is the same thread).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <zlib.h>

#include "core/util.h"
#include "server/route.h"
#include "store/store-upload.h"

#define CONTENT_GZ_IN		(256 * 1024)
#define CONTENT_GZ_BLOCK	(64 * 1024)
#define CONTENT_META_MAX	65536

/* -------- download -------- */

struct content_gz {
	int		 fd;
	z_stream	 z;
	unsigned char	*in;
	bool		 eof;
	bool		 done;
	uint64_t	*counter;	/* the request's bytes_out */
};

static ssize_t
content_gz_read(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct content_gz	*gz = cls;
	ssize_t			 n;
	int			 rc;

	(void)pos;
	if (gz->done)
		return MHD_CONTENT_READER_END_OF_STREAM;
	gz->z.next_out = (unsigned char *)buf;
	gz->z.avail_out = (uInt)max;
	while (gz->z.avail_out > 0 && !gz->done) {
		if (gz->z.avail_in == 0 && !gz->eof) {
			do
				n = read(gz->fd, gz->in, CONTENT_GZ_IN);
			while (n == -1 && errno == EINTR);
			if (n < 0)
				return MHD_CONTENT_READER_END_WITH_ERROR;
			gz->eof = n == 0;
			gz->z.next_in = gz->in;
			gz->z.avail_in = (uInt)n;
		}
		rc = deflate(&gz->z, gz->eof ? Z_FINISH : Z_NO_FLUSH);
		if (rc == Z_STREAM_END)
			gz->done = true;
		else if (rc != Z_OK && rc != Z_BUF_ERROR)
			return MHD_CONTENT_READER_END_WITH_ERROR;
	}
	n = (ssize_t)(max - gz->z.avail_out);
	*gz->counter += (uint64_t)n;
	if (n == 0 && gz->done)
		return MHD_CONTENT_READER_END_OF_STREAM;
	return n;
}

static void
content_gz_free(void *cls)
{
	struct content_gz	*gz = cls;

	deflateEnd(&gz->z);
	close(gz->fd);
	free(gz->in);
	free(gz);
}

/* A gzip response over fd (which it takes), or NULL. */
static struct MHD_Response *
content_gz_response(struct request *r, int fd)
{
	struct content_gz	*gz;
	struct MHD_Response	*resp;

	gz = xcalloc(1, sizeof *gz);
	gz->fd = fd;
	gz->counter = &r->bytes_out;
	if (deflateInit2(&gz->z, Z_BEST_SPEED, Z_DEFLATED, 15 + 16, 8,
	    Z_DEFAULT_STRATEGY) != Z_OK) {
		close(fd);
		free(gz);
		return NULL;
	}
	gz->in = xmalloc(CONTENT_GZ_IN);
	resp = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN,
	    CONTENT_GZ_BLOCK, content_gz_read, gz, content_gz_free);
	if (resp == NULL)
		content_gz_free(gz);
	return resp;
}

/* Headers every content answer carries. */
static void
content_headers(struct MHD_Response *resp, const struct ferry_entry *e,
    const char *etag, bool gz)
{
	char	*name, *disp;

	MHD_add_response_header(resp, "ETag", etag);
	MHD_add_response_header(resp, "Accept-Ranges", "bytes");
	MHD_add_response_header(resp, "Vary", "Accept-Encoding");
	MHD_add_response_header(resp, "Cache-Control", "private, no-cache");
	if (e->checksum != NULL)
		MHD_add_response_header(resp, "X-Ferry-Sha256", e->checksum);
	if (gz)
		MHD_add_response_header(resp, "Content-Encoding", "gzip");
	MHD_add_response_header(resp, "Content-Type", e->mime != NULL ?
	    e->mime : "application/octet-stream");
	name = sign_escape(e->name);
	disp = xasprintf("attachment; filename*=UTF-8''%s", name);
	MHD_add_response_header(resp, "Content-Disposition", disp);
	free(disp);
	free(name);
}

/* 416 with the size, or 206/200 for [start, start + len). */
static void
content_send_range(struct request *r, const struct ferry_entry *e,
    const char *etag, int fd, enum range_result rr, uint64_t start,
    uint64_t len)
{
	struct MHD_Response	*resp;
	char			 cr[96];

	if (rr == RANGE_UNSATISFIABLE) {
		close(fd);
		reply_errorf(r, FERRY_E_INVALID, "the range is outside the"
		    " %llu bytes of \"%s\"", (unsigned long long)e->size,
		    e->name);
		r->status = 416;
		snprintf(cr, sizeof cr, "bytes */%llu",
		    (unsigned long long)e->size);
		MHD_add_response_header(r->resp, "Content-Range", cr);
		return;
	}
	if (len == 0) {
		close(fd);
		resp = MHD_create_response_from_buffer(0, NULL,
		    MHD_RESPMEM_PERSISTENT);
	} else
		resp = MHD_create_response_from_fd_at_offset64(len, fd,
		    start);
	if (resp == NULL) {
		reply_errorf(r, FERRY_E_INTERNAL, "cannot make a response");
		return;
	}
	content_headers(resp, e, etag, false);
	if (rr == RANGE_OK) {
		snprintf(cr, sizeof cr, "bytes %llu-%llu/%llu",
		    (unsigned long long)start,
		    (unsigned long long)(start + len - 1),
		    (unsigned long long)e->size);
		MHD_add_response_header(resp, "Content-Range", cr);
	}
	reply_response(r, rr == RANGE_OK ? 206 : 200, resp, r->head ? 0 : len);
}

static void
content_get(struct request *r, const struct ferry_entry *e)
{
	struct MHD_Response	*resp;
	struct ferry_error	 err;
	enum range_result	 rr;
	const char		*range, *ifr;
	char			 etag[80], gztag[88];
	uint64_t		 start, len;
	bool			 gz;
	int			 fd;

	snprintf(etag, sizeof etag, "\"%s\"", e->checksum);
	snprintf(gztag, sizeof gztag, "\"%s-gzip\"", e->checksum);
	range = request_header(r, "Range");
	ifr = request_header(r, "If-Range");
	if (range != NULL && ifr != NULL && strcmp(ifr, etag) != 0)
		range = NULL;	/* changed since: send it all */
	gz = range == NULL && e->size > 0 &&
	    range_accepts_gzip(request_header(r, "Accept-Encoding"));
	if (range_etag_match(request_header(r, "If-None-Match"), etag) ||
	    range_etag_match(request_header(r, "If-None-Match"), gztag)) {
		reply_empty(r, 304);
		MHD_add_response_header(r->resp, "ETag", gz ? gztag : etag);
		return;
	}
	if (store_blob_open(r->t->store, e->checksum, e->size, &fd, &err) !=
	    FERRY_OK) {
		reply_error(r, &err);
		return;
	}
	rr = range_parse(range, e->size, &start, &len);
	if (!gz || rr != RANGE_NONE) {
		content_send_range(r, e, etag, fd, rr, start, len);
		return;
	}
	if ((resp = content_gz_response(r, fd)) == NULL) {
		reply_errorf(r, FERRY_E_INTERNAL, "cannot start gzip");
		return;
	}
	content_headers(resp, e, gztag, true);
	reply_response(r, 200, resp, 0);
}

void
route_content_get(struct request *r)
{
	struct ferry_entry	 e;
	struct ferry_arena	 a;
	struct ferry_error	 err;
	const char		*id = route_id(r, 0);

	ferry_arena_init(&a);
	if (store_get(r->t->store, id, &e, &a, &err) != FERRY_OK)
		reply_error(r, &err);
	else if (e.kind != FERRY_KIND_ITEM)
		reply_errorf(r, FERRY_E_IS_FOLDER, "%.40s is a folder; only"
		    " items have content", id);
	else if (access_require(r, id, STORE_ROLE_VIEWER, "downloading it",
	    NULL))
		content_get(r, &e);
	ferry_arena_done(&a);
}

/* -------- upload -------- */

struct content_put {
	struct store_push *push;
	bool		 replaces;
	enum store_role	 role;
};

static void
content_put_free(void *p)
{
	struct content_put	*cp = p;

	store_push_abort(cp->push);
	free(cp);
}

/* The declared MIME type: Content-Type without parameters, or NULL. */
static char *
content_mime(struct request *r, bool *bad)
{
	const char	*ct = request_header(r, "Content-Type");
	size_t		 len;

	*bad = false;
	if (ct == NULL)
		return NULL;
	len = strcspn(ct, "; \t");
	if (len == 0 || (len == 33 && strncasecmp(ct,
	    "application/x-www-form-urlencoded", 33) == 0))
		return NULL;
	if (len == 19 && strncasecmp(ct, "multipart/form-data", 19) == 0) {
		*bad = true;
		return NULL;
	}
	return xstrndup(ct, len);
}

/* The write options from headers and query; replies on errors. */
static bool
content_opts(struct request *r, struct ferry_write_opts *o, char **mime)
{
	struct ferry_error	 err;
	bool			 overwrite = r->by_signature, bad;

	memset(o, 0, sizeof *o);
	if (request_arg_bool(r, "overwrite", &overwrite, &err) != FERRY_OK) {
		reply_error(r, &err);
		return false;
	}
	o->exists = overwrite ? FERRY_EXISTS_OVERWRITE : FERRY_EXISTS_FAIL;
	o->metadata = request_header(r, "X-Ferry-Metadata");
	if (o->metadata == NULL)
		o->metadata = request_arg(r, "client_metadata");
	if (o->metadata != NULL && strlen(o->metadata) > CONTENT_META_MAX) {
		reply_errorf(r, FERRY_E_LIMIT, "client_metadata is longer"
		    " than %d bytes", CONTENT_META_MAX);
		return false;
	}
	o->expect_sha256 = request_header(r, "X-Ferry-Sha256");
	if (o->expect_sha256 == NULL)
		o->expect_sha256 = request_arg(r, "sha256");
	*mime = content_mime(r, &bad);
	if (bad) {
		reply_errorf(r, FERRY_E_INVALID, "multipart/form-data bodies"
		    " are not read: send the raw bytes as the body");
		return false;
	}
	o->mime = *mime;
	return true;
}

bool
route_content_put_start(struct request *r)
{
	struct ferry_write_opts	 o;
	struct ferry_error	 err;
	struct content_put	*cp;
	const char		*folder = route_id(r, 0), *name = r->params[1];
	const char		*cl;
	char			*mime = NULL, *end;
	unsigned long long	 len;
	bool			 ok = false;

	cp = xcalloc(1, sizeof *cp);
	if (ferry_name_check(name, strlen(name), &err) != FERRY_OK) {
		reply_error(r, &err);
		goto out;
	}
	if (!access_require(r, folder, STORE_ROLE_EDITOR,
	    "uploading into it", &cp->role) || !content_opts(r, &o, &mime))
		goto out;
	cl = request_header(r, "Content-Length");
	if (cl != NULL && r->srv->cfg.max_upload > 0) {
		len = strtoull(cl, &end, 10);
		if (*end == '\0' && len > r->srv->cfg.max_upload) {
			reply_errorf(r, FERRY_E_LIMIT, "upload of %llu bytes is"
			    " larger than the limit of %llu bytes; use a"
			    " multipart upload or ask for a higher max_upload",
			    len, (unsigned long long)r->srv->cfg.max_upload);
			goto out;
		}
	}
	if (store_push_begin(r->t->store, folder, name, &o, &cp->push,
	    &cp->replaces, &err) != FERRY_OK) {
		reply_error(r, &err);
		goto out;
	}
	r->state = cp;
	r->state_free = content_put_free;
	cp = NULL;
	ok = true;
out:
	free(mime);
	free(cp);
	return ok;
}

bool
route_content_put_data(struct request *r, const char *data, size_t len)
{
	struct content_put	*cp = r->state;
	struct ferry_error	 err;
	uint64_t		 max = r->srv->cfg.max_upload;

	if (max > 0 && store_push_size(cp->push) + len > max) {
		ferry_error_set(&err, FERRY_E_LIMIT, "the upload is larger"
		    " than the limit of %llu bytes", (unsigned long long)max);
		request_fail(r, &err);
	} else if (store_push_write(cp->push, data, len, &err) != FERRY_OK)
		request_fail(r, &err);
	else
		return true;
	/* drop what arrived so far now; the rest is discarded */
	store_push_abort(cp->push);
	cp->push = NULL;
	return false;
}

void
route_content_put(struct request *r)
{
	struct content_put	*cp = r->state;
	struct ferry_entry	 e;
	struct ferry_arena	 a;
	struct ferry_error	 err;
	struct store_push	*push = cp->push;

	cp->push = NULL;	/* commit frees it whatever happens */
	ferry_arena_init(&a);
	if (store_push_commit(push, &e, &a, &err) != FERRY_OK)
		reply_error(r, &err);
	else
		route_reply_entry(r, cp->replaces ? 200 : 201, e.id, cp->role);
	ferry_arena_done(&a);
}
