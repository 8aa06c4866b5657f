/* SPDX-License-Identifier: MIT */
/*
 * Service-wide endpoints: GET /v1 (what this server offers, no token
 * needed), GET /v1/me (who the token belongs to), GET /v1/space (the
 * store's use of space: needs a role on the root folder) and
 * GET /v1/operations/{id} (a long operation's state and progress; only
 * its starter or an admin may see it).
 *
 * Threads: the request's pool thread.
 */
#include <sys/statvfs.h>

#include <string.h>

#include "server/route.h"

void
route_service_info(struct request *r)
{
	cJSON	*o, *f;

	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "service", "ferryd");
	cJSON_AddStringToObject(o, "api", "v1");
	cJSON_AddNumberToObject(o, "page_max", FERRY_PAGE_MAX);
	cJSON_AddNumberToObject(o, "batch_max", STORE_BATCH_MAX);
	cJSON_AddNumberToObject(o, "max_upload",
	    (double)r->srv->cfg.max_upload);
	cJSON_AddNumberToObject(o, "max_json", (double)r->srv->cfg.max_json);
	cJSON_AddNumberToObject(o, "signed_url_max",
	    (double)r->srv->cfg.signed_max);
	f = cJSON_AddArrayToObject(o, "features");
	cJSON_AddItemToArray(f, cJSON_CreateString("range"));
	cJSON_AddItemToArray(f, cJSON_CreateString("gzip"));
	cJSON_AddItemToArray(f, cJSON_CreateString("multipart"));
	cJSON_AddItemToArray(f, cJSON_CreateString("signed_urls"));
	cJSON_AddItemToArray(f, cJSON_CreateString("operations"));
	cJSON_AddItemToArray(f, cJSON_CreateString("grants"));
	reply_json(r, 200, o);
}

static enum ferry_code
route_service_group(const char *name, void *ud)
{
	cJSON_AddItemToArray(ud, cJSON_CreateString(name));
	return FERRY_OK;
}

void
route_service_me(struct request *r)
{
	struct ferry_error	 e;
	cJSON			*o, *groups;

	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "user", r->user.name);
	cJSON_AddBoolToObject(o, "admin", r->user.admin);
	cJSON_AddStringToObject(o, "root_id", r->srv->root_id);
	groups = cJSON_AddArrayToObject(o, "groups");
	if (store_user_groups(r->t->acl, r->user.name, route_service_group,
	    groups, &e) != FERRY_OK) {
		cJSON_Delete(o);
		reply_error(r, &e);
		return;
	}
	reply_json(r, 200, o);
}

void
route_service_space(struct request *r)
{
	struct ferry_summary	 sum;
	struct ferry_error	 e;
	struct statvfs		 vfs;
	cJSON			*o;

	if (!access_require(r, r->srv->root_id, STORE_ROLE_VIEWER,
	    "reading the space used by the whole store", NULL))
		return;
	if (store_summary(r->t->store, r->srv->root_id, &sum, &e) !=
	    FERRY_OK) {
		reply_error(r, &e);
		return;
	}
	o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "used_bytes", (double)sum.stored_bytes);
	cJSON_AddNumberToObject(o, "logical_bytes", (double)sum.bytes);
	cJSON_AddNumberToObject(o, "items", (double)sum.items);
	cJSON_AddNumberToObject(o, "folders", (double)sum.folders);
	if (statvfs(r->srv->cfg.store_dir, &vfs) == 0) {
		cJSON_AddNumberToObject(o, "disk_total_bytes",
		    (double)vfs.f_blocks * (double)vfs.f_frsize);
		cJSON_AddNumberToObject(o, "disk_free_bytes",
		    (double)vfs.f_bavail * (double)vfs.f_frsize);
	}
	reply_json(r, 200, o);
}

void
route_ops_get(struct request *r)
{
	struct store_op		 op;
	struct ferry_error	 e;

	if (store_op_get(r->t->acl, r->params[0], &op, &e) != FERRY_OK) {
		reply_error(r, &e);
		return;
	}
	if (!r->user.admin && strcmp(op.user, r->user.name) != 0) {
		reply_errorf(r, FERRY_E_PERMISSION, "operation %s was started"
		    " by another user; only they or an admin may follow it",
		    op.id);
		return;
	}
	reply_json(r, 200, render_op(&op));
}
