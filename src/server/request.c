/* SPDX-License-Identifier: MIT */
/*
 * What a request carries, decoded and checked before any handler runs:
 * the path split into percent-decoded segments, the query parameters,
 * headers, and a JSON body collected up to a cap.
 *
 * MHD is told not to unescape anything (server.c installs a no-op
 * unescaper), so this file sees the raw bytes and can refuse what a
 * decoder would hide: "%00" (which would cut a C string short), "%2F"
 * inside a segment, "." and ".." segments however they are spelled
 * ("%2e%2e"), empty segments ("//"), bad escapes, duplicated query
 * parameters.  Each refusal is a 400 naming the problem.
 *
 * Threads: a request belongs to the pool thread serving its connection.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/util.h"
#include "server/server.h"

struct request *
request_new(struct server *srv, struct MHD_Connection *conn,
    const char *method, const char *url)
{
	struct request	*r;

	r = xcalloc(1, sizeof *r);
	r->srv = srv;
	r->conn = conn;
	r->method = xstrdup(method);
	r->head = strcmp(method, "HEAD") == 0;
	r->path = xstrndup(url, 1024);
	r->t0 = ferry_mono_ns();
	return r;
}

void
request_free(struct request *r)
{
	size_t	 i;

	if (r == NULL)
		return;
	if (r->state != NULL && r->state_free != NULL)
		r->state_free(r->state);
	for (i = 0; i < r->nsegs; i++)
		free(r->segs[i]);
	for (i = 0; i < r->nargs; i++) {
		free(r->args[i].key);
		free(r->args[i].value);
	}
	if (r->resp != NULL)
		MHD_destroy_response(r->resp);
	cJSON_Delete(r->json);
	free(r->body);
	free(r->tail);
	free(r->path);
	free((char *)r->method);
	free(r);
}

static int
request_hex(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

char *
request_decode(const char *s, size_t len, bool plus, struct ferry_error *err)
{
	char	*out, *o;
	size_t	 i;
	int	 hi, lo;

	out = o = xmalloc(len + 1);
	for (i = 0; i < len; i++) {
		if (s[i] == '+' && plus) {
			*o++ = ' ';
			continue;
		}
		if (s[i] != '%') {
			*o++ = s[i];
			continue;
		}
		hi = i + 2 < len ? request_hex(s[i + 1]) : -1;
		lo = i + 2 < len ? request_hex(s[i + 2]) : -1;
		if (hi < 0 || lo < 0) {
			ferry_error_set(err, FERRY_E_INVALID,
			    "bad percent-escape at byte %zu of \"%.*s\"", i,
			    len > 64 ? 64 : (int)len, s);
			free(out);
			return NULL;
		}
		if (hi == 0 && lo == 0) {
			ferry_error_set(err, FERRY_E_INVALID,
			    "NUL byte (%%00) at byte %zu of \"%.*s\"", i,
			    len > 64 ? 64 : (int)len, s);
			free(out);
			return NULL;
		}
		*o++ = (char)(hi << 4 | lo);
		i += 2;
	}
	*o = '\0';
	return out;
}

/* Check one decoded segment. */
static enum ferry_code
request_check_segment(const char *seg, size_t index, struct ferry_error *err)
{
	const unsigned char	*p;

	if (strcmp(seg, ".") == 0 || strcmp(seg, "..") == 0)
		return ferry_error_set(err, FERRY_E_INVALID,
		    "path segment %zu is \"%s\"; \".\" and \"..\" are not"
		    " allowed", index + 1, seg);
	if (strchr(seg, '/') != NULL)
		return ferry_error_set(err, FERRY_E_INVALID,
		    "path segment %zu contains an encoded '/' (%%2F)",
		    index + 1);
	for (p = (const unsigned char *)seg; *p != '\0'; p++)
		if (*p < 0x20 || *p == 0x7f)
			return ferry_error_set(err, FERRY_E_INVALID,
			    "path segment %zu contains a control character"
			    " at byte %td", index + 1, (const char *)p - seg);
	return FERRY_OK;
}

enum ferry_code
request_parse_path(struct request *r, const char *url,
    struct ferry_error *err)
{
	const char	*p, *slash, *end;
	size_t		 len;
	char		*seg;

	if (url == NULL || url[0] != '/')
		return ferry_error_set(err, FERRY_E_INVALID,
		    "the request path must start with '/'");
	end = url + strlen(url);
	if (end - url > 1 && end[-1] == '/')
		end--;		/* one trailing slash is ignored */
	for (p = url + 1; p < end; p = slash + 1) {
		slash = memchr(p, '/', (size_t)(end - p));
		if (slash == NULL)
			slash = end;
		len = (size_t)(slash - p);
		if (len == 0)
			return ferry_error_set(err, FERRY_E_INVALID,
			    "empty path segment (\"//\") after byte %td",
			    p - url);
		if (r->nsegs == SERVER_SEGMENTS_MAX)
			return ferry_error_set(err, FERRY_E_INVALID,
			    "the path has more than %d segments",
			    SERVER_SEGMENTS_MAX);
		if ((seg = request_decode(p, len, false, err)) == NULL)
			return FERRY_E_INVALID;
		r->segs[r->nsegs++] = seg;
		if (request_check_segment(seg, r->nsegs - 1, err) != FERRY_OK)
			return FERRY_E_INVALID;
		if (slash == end)
			break;
	}
	return FERRY_OK;
}

struct request_args_ctx {
	struct request		*r;
	struct ferry_error	*err;
	enum ferry_code		 result;
};

static enum MHD_Result
request_arg_cb(void *cls, enum MHD_ValueKind kind, const char *key,
    const char *value)
{
	struct request_args_ctx	*ctx = cls;
	struct request		*r = ctx->r;
	char			*k, *v;
	size_t			 i;

	(void)kind;
	if (r->nargs == SERVER_ARGS_MAX) {
		ctx->result = ferry_error_set(ctx->err, FERRY_E_INVALID,
		    "more than %d query parameters", SERVER_ARGS_MAX);
		return MHD_NO;
	}
	if ((k = request_decode(key, strlen(key), true, ctx->err)) == NULL) {
		ctx->result = FERRY_E_INVALID;
		return MHD_NO;
	}
	v = request_decode(value != NULL ? value : "", value != NULL ?
	    strlen(value) : 0, true, ctx->err);
	if (v == NULL) {
		free(k);
		ctx->result = FERRY_E_INVALID;
		return MHD_NO;
	}
	for (i = 0; i < r->nargs; i++)
		if (strcmp(r->args[i].key, k) == 0) {
			ctx->result = ferry_error_set(ctx->err,
			    FERRY_E_INVALID, "query parameter \"%.64s\" is"
			    " given twice", k);
			free(k);
			free(v);
			return MHD_NO;
		}
	r->args[r->nargs].key = k;
	r->args[r->nargs++].value = v;
	return MHD_YES;
}

enum ferry_code
request_parse_args(struct request *r, struct ferry_error *err)
{
	struct request_args_ctx	 ctx;

	ctx.r = r;
	ctx.err = err;
	ctx.result = FERRY_OK;
	MHD_get_connection_values(r->conn, MHD_GET_ARGUMENT_KIND,
	    request_arg_cb, &ctx);
	return ctx.result;
}

const char *
request_arg(const struct request *r, const char *key)
{
	size_t	 i;

	for (i = 0; i < r->nargs; i++)
		if (strcmp(r->args[i].key, key) == 0)
			return r->args[i].value;
	return NULL;
}

const char *
request_header(const struct request *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

enum ferry_code
request_arg_bool(const struct request *r, const char *key, bool *out,
    struct ferry_error *err)
{
	const char	*v = request_arg(r, key);

	if (v == NULL)
		return FERRY_OK;
	if (strcmp(v, "true") == 0 || strcmp(v, "1") == 0 ||
	    strcmp(v, "yes") == 0 || *v == '\0')
		*out = true;
	else if (strcmp(v, "false") == 0 || strcmp(v, "0") == 0 ||
	    strcmp(v, "no") == 0)
		*out = false;
	else
		return ferry_error_set(err, FERRY_E_INVALID,
		    "query parameter \"%s\" must be true or false, not"
		    " \"%.32s\"", key, v);
	return FERRY_OK;
}

enum ferry_code
request_arg_int(const struct request *r, const char *key, int64_t min,
    int64_t max, int64_t *out, struct ferry_error *err)
{
	const char	*v = request_arg(r, key);
	long long	 n;
	char		*end;

	if (v == NULL)
		return FERRY_OK;
	errno = 0;
	n = strtoll(v, &end, 10);
	if (*v == '\0' || *end != '\0' || errno != 0 ||
	    (*v != '-' && (*v < '0' || *v > '9')))
		return ferry_error_set(err, FERRY_E_INVALID,
		    "query parameter \"%s\" must be a whole number, not"
		    " \"%.32s\"", key, v);
	if (n < min || n > max)
		return ferry_error_set(err, FERRY_E_INVALID,
		    "query parameter \"%s\" is %lld; it must be between %lld"
		    " and %lld", key, n, (long long)min, (long long)max);
	*out = n;
	return FERRY_OK;
}

enum ferry_code
request_body_append(struct request *r, const char *data, size_t len,
    struct ferry_error *err)
{
	size_t	 max = r->srv->cfg.max_json;

	if (len > max || r->body_len > max - len)
		return ferry_error_set(err, FERRY_E_LIMIT,
		    "the JSON body is larger than %zu bytes", max);
	if (r->body_len + len + 1 > r->body_cap) {
		r->body_cap = r->body_cap ? r->body_cap : 4096;
		while (r->body_cap < r->body_len + len + 1)
			r->body_cap *= 2;
		r->body = xrealloc(r->body, r->body_cap);
	}
	memcpy(r->body + r->body_len, data, len);
	r->body_len += len;
	r->body[r->body_len] = '\0';
	return FERRY_OK;
}

/* Whether the JSON text has a \u0000 escape (outside escaped '\'). */
static bool
request_has_nul_escape(const char *s, size_t len)
{
	size_t	 i, back;

	for (i = 0; i + 6 <= len; i++) {
		if (s[i] != '\\' || strncasecmp(s + i + 1, "u0000", 5) != 0)
			continue;
		for (back = 0; back < i && s[i - 1 - back] == '\\'; back++)
			;
		if (back % 2 == 0)
			return true;
	}
	return false;
}

enum ferry_code
request_body_parse(struct request *r, struct ferry_error *err)
{
	const char	*end = NULL, *p;

	if (r->body_len == 0)
		return ferry_error_set(err, FERRY_E_INVALID,
		    "a JSON object body is required");
	if (memchr(r->body, '\0', r->body_len) != NULL)
		return ferry_error_set(err, FERRY_E_INVALID,
		    "malformed JSON: NUL byte in the body");
	if (request_has_nul_escape(r->body, r->body_len))
		return ferry_error_set(err, FERRY_E_INVALID,
		    "a JSON string holds a NUL character (\\u0000)");
	r->json = cJSON_ParseWithLengthOpts(r->body, r->body_len, &end, 0);
	if (r->json == NULL)
		return ferry_error_set(err, FERRY_E_INVALID,
		    "malformed JSON at byte %td of %zu", end != NULL &&
		    end >= r->body ? end - r->body : 0, r->body_len);
	for (p = end; p != NULL && p < r->body + r->body_len; p++)
		if (*p != ' ' && *p != '\t' && *p != '\r' && *p != '\n')
			return ferry_error_set(err, FERRY_E_INVALID,
			    "malformed JSON: more data after the value at"
			    " byte %td", p - r->body);
	if (!cJSON_IsObject(r->json))
		return ferry_error_set(err, FERRY_E_INVALID,
		    "the JSON body must be an object ({...})");
	return FERRY_OK;
}

void
request_fail(struct request *r, const struct ferry_error *e)
{
	if (r->failed)
		return;
	r->failed = true;
	r->fail = *e;
}
