/* SPDX-License-Identifier: MIT */
/*
 * A folder's grants: list them (its own and those inherited from the
 * folders above; needs viewer), give a role to a user or group (replaces
 * the earlier one there; needs owner), remove one (needs owner).
 *
 * Threads: the request's pool thread.
 */
#include <string.h>

#include "server/route.h"

static const char *const grants_fields[] = { "principal", "name", "role",
	NULL };

static enum ferry_code
grants_add(const struct store_grant *g, void *ud)
{
	cJSON_AddItemToArray(ud, render_grant(g));
	return FERRY_OK;
}

static void
grants_reply(struct request *r, const char *id)
{
	struct ferry_error	 e;
	cJSON			*o, *arr;

	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "folder_id", id);
	arr = cJSON_AddArrayToObject(o, "grants");
	if (store_grant_list(r->t->acl, id, grants_add, arr, &e) != FERRY_OK) {
		cJSON_Delete(o);
		reply_error(r, &e);
		return;
	}
	reply_json(r, 200, o);
}

void
route_grants_list(struct request *r)
{
	const char	*id = route_id(r, 0);

	if (access_require(r, id, STORE_ROLE_VIEWER, "listing its grants",
	    NULL))
		grants_reply(r, id);
}

void
route_grants_set(struct request *r)
{
	struct ferry_error	 e;
	const char		*id = route_id(r, 0), *principal, *name, *role;
	int			 kind, level;

	if (json_only(r->json, grants_fields, &e) != FERRY_OK ||
	    json_string(r->json, "principal", JSON_REQUIRED, 16, &principal,
	    NULL, &e) != FERRY_OK ||
	    json_string(r->json, "name", JSON_REQUIRED, STORE_PRINCIPAL_MAX,
	    &name, NULL, &e) != FERRY_OK ||
	    json_string(r->json, "role", JSON_REQUIRED, 16, &role, NULL,
	    &e) != FERRY_OK) {
		reply_error(r, &e);
		return;
	}
	if ((kind = store_principal_from_name(principal)) < 0) {
		reply_errorf(r, FERRY_E_INVALID, "field \"principal\" must be"
		    " \"user\" or \"group\", not \"%s\"", principal);
		return;
	}
	if ((level = store_role_from_name(role)) < 0) {
		reply_errorf(r, FERRY_E_INVALID, "field \"role\" must be"
		    " \"viewer\", \"editor\" or \"owner\", not \"%s\"", role);
		return;
	}
	if (!access_require(r, id, STORE_ROLE_OWNER, "granting roles on it",
	    NULL))
		return;
	if (store_grant_set(r->t->acl, id, (enum store_principal)kind, name,
	    (enum store_role)level, &e) != FERRY_OK) {
		reply_error(r, &e);
		return;
	}
	grants_reply(r, id);
}

void
route_grants_remove(struct request *r)
{
	struct ferry_error	 e;
	const char		*id = route_id(r, 0);
	int			 kind;

	if ((kind = store_principal_from_name(r->params[1])) < 0) {
		reply_errorf(r, FERRY_E_INVALID, "the principal kind must be"
		    " \"user\" or \"group\", not \"%.16s\"", r->params[1]);
		return;
	}
	if (!access_require(r, id, STORE_ROLE_OWNER, "removing roles on it",
	    NULL))
		return;
	if (store_grant_remove(r->t->acl, id, (enum store_principal)kind,
	    r->params[2], &e) != FERRY_OK)
		reply_error(r, &e);
	else
		reply_empty(r, 204);
}
