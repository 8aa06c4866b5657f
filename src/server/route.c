/* SPDX-License-Identifier: MIT */
/*
 * The route table of ferryd and its matcher (see route.h).  Every
 * endpoint is one row; docs/API.md documents each row.  Matching walks
 * the table in order over the decoded path segments, so literal rows
 * ("/v1/items/batch-move") come before the parameter rows they shadow.
 *
 * Threads: pure; the table is const.
 */
#include <stdio.h>
#include <string.h>

#include "core/util.h"
#include "server/route.h"

static const struct route routes[] = {
	{ "GET", "/v1", ROUTE_PUBLIC, route_service_info, NULL, NULL },
	{ "GET", "/v1/me", 0, route_service_me, NULL, NULL },
	{ "GET", "/v1/space", 0, route_service_space, NULL, NULL },
	{ "GET", "/v1/operations/:id", 0, route_ops_get, NULL, NULL },

	{ "POST", "/v1/folders", ROUTE_JSON, route_folders_create, NULL,
	    NULL },
	{ "GET", "/v1/folders/:id", 0, route_folders_get, NULL, NULL },
	{ "PATCH", "/v1/folders/:id", ROUTE_JSON, route_folders_update, NULL,
	    NULL },
	{ "DELETE", "/v1/folders/:id", 0, route_folders_delete, NULL, NULL },
	{ "GET", "/v1/folders/:id/children", 0, route_folders_children, NULL,
	    NULL },
	{ "GET", "/v1/folders/:id/path_to_root", 0,
	    route_folders_path_to_root, NULL, NULL },
	{ "GET", "/v1/folders/:id/find", 0, route_find_run, NULL, NULL },
	{ "GET", "/v1/folders/:id/summary", 0, route_find_summary, NULL,
	    NULL },
	{ "POST", "/v1/folders/:id/move", ROUTE_JSON, route_folders_move,
	    NULL, NULL },
	{ "POST", "/v1/folders/:id/copy", ROUTE_JSON, route_folders_copy,
	    NULL, NULL },
	{ "GET", "/v1/folders/:id/grants", 0, route_grants_list, NULL, NULL },
	{ "PUT", "/v1/folders/:id/grants", ROUTE_JSON, route_grants_set, NULL,
	    NULL },
	{ "DELETE", "/v1/folders/:id/grants/:kind/:name", 0,
	    route_grants_remove, NULL, NULL },
	{ "PUT", "/v1/folders/:id/items/:name", ROUTE_STREAM | ROUTE_SIGNED,
	    route_content_put, route_content_put_start,
	    route_content_put_data },
	{ "POST", "/v1/folders/:id/uploads", ROUTE_JSON, route_uploads_create,
	    NULL, NULL },
	{ "POST", "/v1/folders/:id/signed-url", ROUTE_JSON,
	    route_folders_sign, NULL, NULL },
	{ "GET", "/v1/paths/*", 0, route_paths_get, NULL, NULL },

	{ "POST", "/v1/items/batch-move", ROUTE_JSON, route_items_batch_move,
	    NULL, NULL },
	{ "POST", "/v1/items/batch-delete", ROUTE_JSON,
	    route_items_batch_delete, NULL, NULL },
	{ "GET", "/v1/items/:id", 0, route_items_get, NULL, NULL },
	{ "PATCH", "/v1/items/:id", ROUTE_JSON, route_items_update, NULL,
	    NULL },
	{ "DELETE", "/v1/items/:id", 0, route_items_delete, NULL, NULL },
	{ "GET", "/v1/items/:id/content", ROUTE_SIGNED, route_content_get,
	    NULL, NULL },
	{ "POST", "/v1/items/:id/copy", ROUTE_JSON, route_items_copy, NULL,
	    NULL },
	{ "POST", "/v1/items/:id/move", ROUTE_JSON, route_items_move, NULL,
	    NULL },
	{ "POST", "/v1/items/:id/signed-url", ROUTE_JSON | ROUTE_OPT_JSON,
	    route_items_sign, NULL, NULL },

	{ "GET", "/v1/uploads/:id", 0, route_uploads_get, NULL, NULL },
	{ "DELETE", "/v1/uploads/:id", 0, route_uploads_abort, NULL, NULL },
	{ "POST", "/v1/uploads/:id/complete", ROUTE_JSON | ROUTE_OPT_JSON,
	    route_uploads_complete, NULL, NULL },
	{ "PUT", "/v1/uploads/:id/parts/:n", ROUTE_STREAM, route_uploads_part,
	    route_uploads_part_start, route_uploads_part_data },
};

/* Match the segments of r against pattern; captures into r on success. */
static bool
route_match_path(struct request *r, const char *pattern)
{
	const char	*p = pattern, *slash;
	size_t		 i = 0, len, np = 0;
	const char	*params[SERVER_PARAMS_MAX];

	while (*p == '/') {
		p++;
		slash = strchr(p, '/');
		len = slash != NULL ? (size_t)(slash - p) : strlen(p);
		if (len == 1 && *p == '*') {
			r->nparams = np;
			memcpy(r->params, params, np * sizeof *params);
			r->tail = NULL;
			return true;	/* the rest, joined by the caller */
		}
		if (i >= r->nsegs)
			return false;
		if (*p == ':') {
			if (np == SERVER_PARAMS_MAX)
				return false;
			params[np++] = r->segs[i];
		} else if (strlen(r->segs[i]) != len ||
		    memcmp(r->segs[i], p, len) != 0)
			return false;
		i++;
		p += len;
	}
	if (i != r->nsegs)
		return false;
	r->nparams = np;
	memcpy(r->params, params, np * sizeof *params);
	return true;
}

/* For a "*" route: the segments after the pattern's prefix as "/a/b". */
static void
route_join_tail(struct request *r, const char *pattern)
{
	size_t	 skip = 0, i, len = 1;
	const char *p;
	char	*t;

	for (p = pattern; *p != '\0'; p++)
		if (*p == '/')
			skip++;
	skip--;		/* the "*" segment itself */
	for (i = skip; i < r->nsegs; i++)
		len += strlen(r->segs[i]) + 1;
	t = xmalloc(len + 1);
	t[0] = '\0';
	for (i = skip; i < r->nsegs; i++) {
		strcat(t, "/");
		strcat(t, r->segs[i]);
	}
	if (t[0] == '\0')
		strcpy(t, "/");
	r->tail = t;
}

enum route_match
route_find(struct request *r, char *allow, size_t allowsz)
{
	const char	*method = r->head ? "GET" : r->method;
	bool		 path_seen = false;
	size_t		 i, used = 0;

	allow[0] = '\0';
	for (i = 0; i < FERRY_NELEM(routes); i++) {
		if (!route_match_path(r, routes[i].pattern))
			continue;
		if (strcmp(routes[i].method, method) == 0) {
			r->route = &routes[i];
			if (strstr(routes[i].pattern, "*") != NULL)
				route_join_tail(r, routes[i].pattern);
			return ROUTE_FOUND;
		}
		path_seen = true;
		if (strstr(allow, routes[i].method) == NULL && used < allowsz)
			used += (size_t)snprintf(allow + used, allowsz - used,
			    "%s%s", used > 0 ? ", " : "", routes[i].method);
	}
	return path_seen ? ROUTE_NO_METHOD : ROUTE_NO_PATH;
}

const char *
route_id(struct request *r, size_t i)
{
	if (i >= r->nparams)
		return "";
	if (strcmp(r->params[i], "root") == 0)
		return r->srv->root_id;
	return r->params[i];
}
