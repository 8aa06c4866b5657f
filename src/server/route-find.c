/* SPDX-License-Identifier: MIT */
/*
 * Recursive find (GET /v1/folders/{id}/find) and summaries
 * (GET /v1/folders/{id}/summary).  Both need viewer on the folder, which
 * covers everything below it, so nothing has to be filtered out.
 *
 * Find walks the subtree depth first (folders before items, by name; see
 * store_find) and pages with a cursor that counts the matches already
 * returned ("f1.<n>"): a page re-walks from the top and stops as soon as
 * it has limit + 1 matches, so a page costs the walk up to its end.
 * Entries added or removed between pages may shift later pages.
 *
 * Threads: the request's pool thread.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "server/route.h"

#define FIND_PAGE_DEFAULT	100
#define FIND_NAME_MAX		1024

struct find_ctx {
	const char	*base;		/* path of the folder searched */
	struct render_buf b;		/* the entries, comma separated */
	uint64_t	 skip;
	uint64_t	 seen;
	uint32_t	 limit;
	uint32_t	 n;
	bool		 more;
};

static enum ferry_code
find_cb(const char *path, const struct ferry_entry *e, void *ud)
{
	struct find_ctx	*ctx = ud;
	char		*abs;

	if (ctx->seen < ctx->skip) {
		ctx->seen++;
		return FERRY_OK;
	}
	if (ctx->n == ctx->limit) {
		ctx->more = true;
		return FERRY_E_CANCELLED;	/* enough: stop the walk */
	}
	abs = render_join(ctx->base, path);
	if (ctx->n > 0)
		render_cstr(&ctx->b, ",");
	render_entry_open(&ctx->b, e, abs, false);
	render_field_str(&ctx->b, "relative_path", path);
	render_cstr(&ctx->b, "}");
	free(abs);
	ctx->n++;
	ctx->seen++;
	return FERRY_OK;
}

/* The find query from name, type, newer, older, tag, max_depth. */
static bool
find_query(struct request *r, struct ferry_find *f)
{
	struct ferry_error	 e;
	const char		*type;
	int64_t			 depth = 0;
	char			*copy, *tok, *save = NULL;
	int			 t;

	ferry_find_init(f);
	f->name = request_arg(r, "name");
	f->tag = request_arg(r, "tag");
	if ((f->name != NULL && strlen(f->name) > FIND_NAME_MAX) ||
	    (f->tag != NULL && strlen(f->tag) > FIND_NAME_MAX)) {
		reply_errorf(r, FERRY_E_INVALID, "name or tag is longer than"
		    " %d bytes", FIND_NAME_MAX);
		return false;
	}
	if (request_arg_int(r, "newer", 0, INT64_MAX, &f->newer, &e) !=
	    FERRY_OK || request_arg_int(r, "older", 0, INT64_MAX, &f->older,
	    &e) != FERRY_OK || request_arg_int(r, "max_depth", 0, 4096,
	    &depth, &e) != FERRY_OK) {
		reply_error(r, &e);
		return false;
	}
	f->max_depth = (uint32_t)depth;
	if ((type = request_arg(r, "type")) == NULL)
		return true;
	copy = xstrdup(type);
	for (tok = strtok_r(copy, ",", &save); tok != NULL;
	    tok = strtok_r(NULL, ",", &save)) {
		if (strcmp(tok, "folder") == 0 || strcmp(tok, "folders") == 0)
			f->filter |= FERRY_FILTER_FOLDERS;
		else if (strcmp(tok, "item") == 0 || strcmp(tok, "items") == 0)
			f->filter |= FERRY_FILTER_ITEMS;
		else if ((t = ferry_type_from_name(tok)) >= 0)
			f->filter |= FERRY_FILTER_TYPE(t);
		else {
			reply_errorf(r, FERRY_E_INVALID, "type \"%.32s\" is"
			    " not folder, item or a type class", tok);
			free(copy);
			return false;
		}
	}
	free(copy);
	return true;
}

/* The cursor "f1.<n>" into n; absent is 0. */
static bool
find_cursor(struct request *r, uint64_t *skip)
{
	const char	*c = request_arg(r, "cursor");
	char		*end;

	*skip = 0;
	if (c == NULL)
		return true;
	if (strncmp(c, "f1.", 3) == 0 && c[3] >= '0' && c[3] <= '9') {
		*skip = strtoull(c + 3, &end, 10);
		if (*end == '\0')
			return true;
	}
	reply_errorf(r, FERRY_E_INVALID, "malformed find cursor \"%.40s\"",
	    c);
	return false;
}

void
route_find_run(struct request *r)
{
	struct ferry_find	 f;
	struct ferry_error	 e;
	struct find_ctx		 ctx;
	const char		*id = route_id(r, 0);
	enum ferry_code		 result;
	int64_t			 limit = FIND_PAGE_DEFAULT;
	char			*base = NULL, cursor[32];

	memset(&ctx, 0, sizeof ctx);
	if (!find_query(r, &f) || !find_cursor(r, &ctx.skip))
		return;
	if (request_arg_int(r, "limit", 1, FERRY_PAGE_MAX, &limit, &e) !=
	    FERRY_OK) {
		reply_error(r, &e);
		return;
	}
	if (!access_require(r, id, STORE_ROLE_VIEWER, "searching it", NULL))
		return;
	if (store_path(r->t->store, id, &base, &e) != FERRY_OK) {
		reply_error(r, &e);
		return;
	}
	render_buf_init(&ctx.b);
	render_cstr(&ctx.b, "{");
	render_field_str(&ctx.b, "folder_id", id);
	render_cstr(&ctx.b, ",\"entries\":[");
	ctx.base = base;
	ctx.limit = (uint32_t)limit;
	result = store_find(r->t->store, id, &f, find_cb, &ctx, &e);
	if (result != FERRY_OK && !(result == FERRY_E_CANCELLED && ctx.more))
		reply_error(r, &e);
	else {
		snprintf(cursor, sizeof cursor, "f1.%llu",
		    (unsigned long long)(ctx.skip + ctx.n));
		render_cstr(&ctx.b, "]");
		render_field_str(&ctx.b, "next_cursor", ctx.more ? cursor :
		    NULL);
		render_cstr(&ctx.b, "}");
		reply_buf(r, 200, &ctx.b);
	}
	render_buf_done(&ctx.b);
	free(base);
}

void
route_find_summary(struct request *r)
{
	struct ferry_summary	 sum;
	struct ferry_error	 e;
	const char		*id = route_id(r, 0);
	cJSON			*o;

	if (!access_require(r, id, STORE_ROLE_VIEWER, "summing it up", NULL))
		return;
	if (store_summary(r->t->store, id, &sum, &e) != FERRY_OK) {
		reply_error(r, &e);
		return;
	}
	o = render_summary(&sum);
	cJSON_AddStringToObject(o, "id", id);
	reply_json(r, 200, o);
}
