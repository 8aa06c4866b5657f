/* SPDX-License-Identifier: MIT */
/*
 * Who is asking, and may they: authentication by bearer token
 * ("Authorization: Bearer TOKEN", 401 with WWW-Authenticate otherwise) or,
 * on the two content routes, by a signed URL (sign.c; 403 when expired,
 * tampered with, or used for another operation); then role checks on the
 * entry a request touches (store-acl.h: roles are inherited down the
 * tree, admins are owners everywhere).  A role too low is 403 naming the
 * user, the role held, the entry id and the role needed.  The root folder
 * can always be passed through, so that everyone can list it and find
 * what they were granted (the listing shows nothing else).
 *
 * Threads: the request's pool thread.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/util.h"
#include "server/route.h"

/* The signed-URL parameters of r, checked; replies 403 on failure. */
static bool
access_signed(struct request *r)
{
	struct ferry_error	 e;
	const char		*op, *want, *user, *sig, *name = NULL;
	int64_t			 expires = 0;
	char			 when[32];

	want = strcmp(r->route->method, "PUT") == 0 ? "put" : "get";
	op = request_arg(r, "op");
	user = request_arg(r, "user");
	sig = request_arg(r, "signature");
	if (op == NULL || strcmp(op, want) != 0) {
		reply_errorf(r, FERRY_E_PERMISSION, "this URL is signed for"
		    " \"%.8s\", not for \"%s\"", op != NULL ? op : "(none)",
		    want);
		return false;
	}
	if (request_arg_int(r, "expires", 0, INT64_MAX, &expires, &e) !=
	    FERRY_OK || request_arg(r, "expires") == NULL || user == NULL) {
		reply_errorf(r, FERRY_E_PERMISSION, "a signed URL needs op,"
		    " expires, user and signature");
		return false;
	}
	if (strcmp(want, "put") == 0)
		name = r->nparams > 1 ? r->params[1] : "";
	if (!sign_check(r->srv->secret, want, route_id(r, 0), name, expires,
	    user, sig)) {
		reply_errorf(r, FERRY_E_PERMISSION, "the URL signature does not"
		    " match (the URL was changed, or signed by another"
		    " server)");
		return false;
	}
	if (expires < ferry_now_ms() / 1000) {
		render_time(expires * 1000, when);
		reply_errorf(r, FERRY_E_PERMISSION, "this signed URL expired"
		    " at %s", when);
		return false;
	}
	if (store_user_get(r->t->acl, user, &r->user, &e) != FERRY_OK) {
		reply_errorf(r, FERRY_E_PERMISSION, "the user who signed this"
		    " URL (%.64s) no longer exists", user);
		return false;
	}
	r->by_signature = true;
	r->authed = true;
	return true;
}

bool
access_authenticate(struct request *r)
{
	struct ferry_error	 e;
	const char		*h;

	if (r->route->flags & ROUTE_PUBLIC)
		return true;
	if (request_arg(r, "signature") != NULL) {
		if (r->route->flags & ROUTE_SIGNED)
			return access_signed(r);
		reply_errorf(r, FERRY_E_PERMISSION, "signed URLs are accepted"
		    " only to download or upload content");
		return false;
	}
	h = request_header(r, "Authorization");
	if (h == NULL) {
		reply_errorf(r, FERRY_E_AUTH, "no credentials: send"
		    " \"Authorization: Bearer TOKEN\" (make a token with"
		    " `ferryd token add USER`)");
		return false;
	}
	if (strncasecmp(h, "Bearer ", 7) != 0) {
		reply_errorf(r, FERRY_E_AUTH, "the Authorization header must"
		    " use the Bearer scheme");
		return false;
	}
	for (h += 7; *h == ' '; h++)
		;
	if (store_token_auth(r->t->acl, h, &r->user, &e) != FERRY_OK) {
		if (e.code != FERRY_E_AUTH) {
			reply_error(r, &e);
			return false;
		}
		reply_error(r, &e);
		MHD_add_response_header(r->resp, "WWW-Authenticate",
		    "Bearer realm=\"ferryd\", error=\"invalid_token\"");
		return false;
	}
	r->authed = true;
	return true;
}

bool
access_role(struct request *r, const char *id, enum store_role *role,
    bool *passthrough)
{
	struct ferry_error	 e;

	if (store_role_at(r->t->acl, &r->user, id, role, passthrough, &e) !=
	    FERRY_OK) {
		reply_error(r, &e);
		return false;
	}
	/* everyone may look at the root, to find what they may see */
	if (passthrough != NULL && strcmp(id, r->srv->root_id) == 0)
		*passthrough = true;
	return true;
}

bool
access_require(struct request *r, const char *id, enum store_role want,
    const char *what, enum store_role *role)
{
	enum store_role	 have;

	if (!access_role(r, id, &have, NULL))
		return false;
	if (role != NULL)
		*role = have;
	if (have >= want)
		return true;
	if (have == STORE_ROLE_NONE)
		reply_errorf(r, FERRY_E_PERMISSION, "%s has no role on %.40s;"
		    " %s needs %s", r->user.name, id, what,
		    store_role_name(want));
	else
		reply_errorf(r, FERRY_E_PERMISSION, "%s is %s on %.40s; %s"
		    " needs %s", r->user.name, store_role_name(have), id,
		    what, store_role_name(want));
	return false;
}
