/* SPDX-License-Identifier: MIT */
/*
 * Replies: JSON bodies and the JSON error shape
 *   {"error": {"code": "not_found", "message": "..."}}
 * with the HTTP status of ferry_code_http_status() (include/ferry/
 * error.h), so ferryd and its client agree by construction.  One
 * refinement for FERRY_E_LIMIT ("limit"): a folder's entry count is 406
 * Not Acceptable (as the seed services answer), a folder's bytes 507
 * Insufficient Storage (like a full disk, "no_space"), and a request that
 * is itself too large (body, upload, field, batch) 413.
 * Handlers build the response here; server.c queues it.
 *
 * Threads: the request's pool thread.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/server.h"

/*
 * The store words its per-folder limits "... entries per folder ..." and
 * "... bytes per folder ..." (store-rules.c); server-reply-test pins that
 * wording.  Any other limit is about the size of the request or of one
 * of its fields (a JSON body, an upload, a description, a batch): 413.
 */
#define REPLY_COUNT_LIMIT	"entries per folder"
#define REPLY_BYTES_LIMIT	"bytes per folder"

int
reply_status(const struct ferry_error *e)
{
	if (e->code == FERRY_E_LIMIT) {
		if (strstr(e->msg, REPLY_COUNT_LIMIT) != NULL)
			return 406;
		if (strstr(e->msg, REPLY_BYTES_LIMIT) != NULL)
			return 507;
		return 413;
	}
	return ferry_code_http_status(e->code);
}

static void	 reply_text(struct request *r, int status, char *text,
		    size_t len);

void
reply_response(struct request *r, int status, struct MHD_Response *resp,
    uint64_t bytes)
{
	if (r->resp != NULL)
		MHD_destroy_response(r->resp);
	r->resp = resp;
	r->status = status;
	r->bytes_out = bytes;
}

void
reply_json(struct request *r, int status, cJSON *body)
{
	char			*text;
	size_t			 len;

	text = cJSON_PrintUnformatted(body);
	cJSON_Delete(body);
	if (text == NULL) {
		text = strdup("{\"error\":{\"code\":\"internal\","
		    "\"message\":\"out of memory\"}}");
		status = 500;
		if (text == NULL)
			abort();
	}
	len = strlen(text);
	reply_text(r, status, text, len);
}

static void
reply_text(struct request *r, int status, char *text, size_t len)
{
	struct MHD_Response	*resp;

	resp = MHD_create_response_from_buffer(len, text,
	    MHD_RESPMEM_MUST_FREE);
	if (resp == NULL)
		abort();
	MHD_add_response_header(resp, "Content-Type",
	    "application/json; charset=utf-8");
	MHD_add_response_header(resp, "Cache-Control", "no-store");
	reply_response(r, status, resp, len);
}

void
reply_buf(struct request *r, int status, struct render_buf *b)
{
	if (b->buf == NULL)
		render_raw(b, "", 0);
	reply_text(r, status, b->buf, b->len);
	b->buf = NULL;
	b->len = b->cap = 0;
}

void
reply_error(struct request *r, const struct ferry_error *e)
{
	cJSON	*body, *err;
	int	 status;

	status = reply_status(e);
	body = cJSON_CreateObject();
	err = cJSON_AddObjectToObject(body, "error");
	cJSON_AddStringToObject(err, "code", ferry_code_name(e->code));
	cJSON_AddStringToObject(err, "message", e->msg[0] != '\0' ? e->msg :
	    ferry_strerror(e->code));
	reply_json(r, status, body);
	if (status == 401)
		MHD_add_response_header(r->resp, "WWW-Authenticate",
		    "Bearer realm=\"ferryd\"");
}

void
reply_errorf(struct request *r, enum ferry_code code, const char *fmt, ...)
{
	struct ferry_error	 e;
	va_list			 ap;

	e.code = code;
	va_start(ap, fmt);
	vsnprintf(e.msg, sizeof e.msg, fmt, ap);
	va_end(ap);
	reply_error(r, &e);
}

void
reply_empty(struct request *r, int status)
{
	struct MHD_Response	*resp;

	resp = MHD_create_response_from_buffer(0, NULL,
	    MHD_RESPMEM_PERSISTENT);
	if (resp == NULL)
		abort();
	reply_response(r, status, resp, 0);
}
