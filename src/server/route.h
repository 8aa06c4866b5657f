/* SPDX-License-Identifier: MIT */
/*
 * The route table of ferryd: a const array of {method, pattern, flags,
 * handlers}, like tmux's command table.  A pattern is a path of literal
 * segments, ":name" segments (captured in order into r->params) and an
 * optional final "*" (the rest of the path, decoded, into r->tail).
 *
 * A route without a body is answered by `handle` as soon as the headers
 * are in.  ROUTE_JSON routes get the body collected (capped) and parsed
 * into r->json before `handle`.  ROUTE_STREAM routes get `start` with the
 * headers (validate, check access, open the destination; reply there to
 * refuse before the body is sent), `data` for every chunk, and `handle`
 * at the end.  Handlers reply through reply_*() and never queue on MHD
 * themselves; server.c does.
 */
#ifndef FERRY_ROUTE_H
#define FERRY_ROUTE_H

#include "server/server.h"

#define ROUTE_JSON	0x01u	/* a JSON object body */
#define ROUTE_STREAM	0x02u	/* a streamed body: start/data/handle */
#define ROUTE_PUBLIC	0x04u	/* no authentication */
#define ROUTE_SIGNED	0x08u	/* a signed URL may stand for a token */
#define ROUTE_OPT_JSON	0x10u	/* with ROUTE_JSON: the body may be empty */

typedef void	(*route_cb)(struct request *r);
/* Return false after replying to refuse the request. */
typedef bool	(*route_start_cb)(struct request *r);
/* Return false after request_fail() to stop taking the body. */
typedef bool	(*route_data_cb)(struct request *r, const char *data,
		    size_t len);

struct route {
	const char	*method;
	const char	*pattern;
	uint32_t	 flags;
	route_cb	 handle;
	route_start_cb	 start;
	route_data_cb	 data;
};

enum route_match {
	ROUTE_FOUND,
	ROUTE_NO_PATH,		/* 404 */
	ROUTE_NO_METHOD,	/* 405; allow lists the methods */
};

/* Find the route for r's method and segments; fills params and tail. */
enum route_match route_find(struct request *r, char *allow, size_t allowsz);

/* A path parameter that names a folder or item: "root" or a UUID. */
const char	*route_id(struct request *r, size_t i);

/* route-service.c */
void	route_service_info(struct request *r);
void	route_service_me(struct request *r);
void	route_service_space(struct request *r);
void	route_ops_get(struct request *r);

/* route-folders.c */
/*
 * Reply with the entry id (full, or brief for a folder passed through)
 * and the caller's role on it ("role": null when passed through).
 */
void	route_reply_entry(struct request *r, int status, const char *id,
	    enum store_role role);
/* Reply 202 with operation id and a Location header. */
void	route_reply_op(struct request *r, const char *id);
/* A parent folder id from a JSON field: absent or null is the root. */
bool	route_json_folder(struct request *r, const char *key, bool required,
	    const char **id);
void	route_folders_get(struct request *r);
void	route_folders_create(struct request *r);
void	route_folders_update(struct request *r);
void	route_folders_delete(struct request *r);
void	route_folders_children(struct request *r);
void	route_folders_path_to_root(struct request *r);
void	route_folders_move(struct request *r);
void	route_folders_copy(struct request *r);
void	route_paths_get(struct request *r);

/* route-find.c */
void	route_find_run(struct request *r);
void	route_find_summary(struct request *r);

/* route-items.c */
void	route_items_get(struct request *r);
void	route_items_update(struct request *r);
void	route_items_delete(struct request *r);
void	route_items_copy(struct request *r);
void	route_items_move(struct request *r);
void	route_items_batch_move(struct request *r);
void	route_items_batch_delete(struct request *r);
void	route_items_sign(struct request *r);
void	route_folders_sign(struct request *r);

/* route-content.c */
void	route_content_get(struct request *r);
bool	route_content_put_start(struct request *r);
bool	route_content_put_data(struct request *r, const char *data,
	    size_t len);
void	route_content_put(struct request *r);

/* route-uploads.c */
void	route_uploads_create(struct request *r);
void	route_uploads_get(struct request *r);
void	route_uploads_complete(struct request *r);
void	route_uploads_abort(struct request *r);
bool	route_uploads_part_start(struct request *r);
bool	route_uploads_part_data(struct request *r, const char *data,
	    size_t len);
void	route_uploads_part(struct request *r);

/* route-grants.c */
void	route_grants_list(struct request *r);
void	route_grants_set(struct request *r);
void	route_grants_remove(struct request *r);

#endif
