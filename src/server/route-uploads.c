/* SPDX-License-Identifier: MIT */
/*
 * Resumable multipart uploads for large files (store-upload.h keeps the
 * state in SQLite and the parts on disk, so a restarted client or server
 * carries on):
 *
 *   POST   /v1/folders/{id}/uploads      start: the target and options
 *   PUT    /v1/uploads/{uid}/parts/{n}   one part, in any order, again
 *                                        to replace it
 *   GET    /v1/uploads/{uid}             which parts arrived
 *   POST   /v1/uploads/{uid}/complete    assemble parts 1..N into the item
 *   DELETE /v1/uploads/{uid}             abort
 *
 * An upload belongs to the user who started it (and admins).  Starting
 * and completing need editor on the folder.  Each part is at most
 * max_upload bytes (413 before its body when Content-Length says so).
 *
 * Threads: the request's pool thread.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "server/route.h"
#include "store/store-upload.h"

static const char *const uploads_fields[] = { "name", "size", "sha256",
	"mime", "client_metadata", "overwrite", NULL };

struct uploads_json {
	cJSON		*parts;
	uint64_t	 bytes;
};

static enum ferry_code
uploads_part_json(const struct store_mp_part *p, void *ud)
{
	struct uploads_json	*uj = ud;
	cJSON			*o;

	o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "number", p->n);
	cJSON_AddNumberToObject(o, "size", (double)p->size);
	cJSON_AddStringToObject(o, "sha256", p->sha256);
	cJSON_AddItemToArray(uj->parts, o);
	uj->bytes += p->size;
	return FERRY_OK;
}

static void
uploads_reply(struct request *r, int status, const struct store_mp *mp)
{
	struct uploads_json	 uj;
	struct ferry_error	 e;
	char			 when[32];
	cJSON			*o, *meta;

	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "upload_id", mp->id);
	cJSON_AddStringToObject(o, "folder_id", mp->folder);
	cJSON_AddStringToObject(o, "name", mp->name);
	cJSON_AddStringToObject(o, "user", mp->user);
	if (mp->size >= 0)
		cJSON_AddNumberToObject(o, "size", (double)mp->size);
	else
		cJSON_AddNullToObject(o, "size");
	if (mp->sha256[0] != '\0')
		cJSON_AddStringToObject(o, "sha256", mp->sha256);
	else
		cJSON_AddNullToObject(o, "sha256");
	if (mp->mime[0] != '\0')
		cJSON_AddStringToObject(o, "mime", mp->mime);
	else
		cJSON_AddNullToObject(o, "mime");
	meta = mp->metadata != NULL ? cJSON_Parse(mp->metadata) : NULL;
	cJSON_AddItemToObject(o, "client_metadata", meta != NULL ? meta :
	    cJSON_CreateNull());
	cJSON_AddBoolToObject(o, "overwrite", mp->overwrite);
	render_time(mp->created, when);
	cJSON_AddStringToObject(o, "created", when);
	render_time(mp->updated, when);
	cJSON_AddStringToObject(o, "updated", when);
	cJSON_AddNumberToObject(o, "part_max_bytes",
	    (double)r->srv->cfg.max_upload);
	cJSON_AddNumberToObject(o, "parts_max", STORE_PARTS_MAX);
	uj.parts = cJSON_AddArrayToObject(o, "parts");
	uj.bytes = 0;
	if (store_mp_parts(r->t->store, mp->id, uploads_part_json, &uj, &e) !=
	    FERRY_OK) {
		cJSON_Delete(o);
		reply_error(r, &e);
		return;
	}
	cJSON_AddNumberToObject(o, "bytes_received", (double)uj.bytes);
	reply_json(r, status, o);
}

void
route_uploads_create(struct request *r)
{
	struct ferry_write_opts	 o;
	struct ferry_error	 e;
	struct store_mp		 mp;
	const char		*folder = route_id(r, 0), *name;
	char			*metadata = NULL, id[STORE_ID_SIZE];
	int64_t			 size = -1;
	bool			 overwrite = false, p_size;

	memset(&o, 0, sizeof o);
	memset(&mp, 0, sizeof mp);
	if (json_only(r->json, uploads_fields, &e) != FERRY_OK ||
	    json_string(r->json, "name", JSON_REQUIRED, FERRY_NAME_MAX * 4,
	    &name, NULL, &e) != FERRY_OK ||
	    json_int(r->json, "size", JSON_NULLABLE, 0, INT64_MAX, &size,
	    &p_size, &e) != FERRY_OK ||
	    json_string(r->json, "sha256", JSON_NULLABLE, 64, &o.expect_sha256,
	    NULL, &e) != FERRY_OK ||
	    json_string(r->json, "mime", JSON_NULLABLE, 255, &o.mime, NULL,
	    &e) != FERRY_OK ||
	    json_object_text(r->json, "client_metadata", JSON_NULLABLE,
	    &metadata, NULL, &e) != FERRY_OK ||
	    json_bool(r->json, "overwrite", 0, &overwrite, NULL, &e) !=
	    FERRY_OK) {
		reply_error(r, &e);
		goto out;
	}
	if (!p_size || cJSON_IsNull(cJSON_GetObjectItem(r->json, "size")))
		size = -1;
	o.metadata = metadata;
	o.exists = overwrite ? FERRY_EXISTS_OVERWRITE : FERRY_EXISTS_FAIL;
	if (!access_require(r, folder, STORE_ROLE_EDITOR,
	    "uploading into it", NULL))
		goto out;
	if (store_mp_create(r->t->store, folder, name, &o, r->user.name, size,
	    id, &e) != FERRY_OK || store_mp_get(r->t->store, id, &mp, &e) !=
	    FERRY_OK) {
		reply_error(r, &e);
		goto out;
	}
	uploads_reply(r, 201, &mp);
out:
	store_mp_done(&mp);
	free(metadata);
}

/* The upload named in the path, if the caller owns it; replies if not. */
static bool
uploads_own(struct request *r, struct store_mp *mp)
{
	struct ferry_error	 e;

	if (store_mp_get(r->t->store, r->params[0], mp, &e) != FERRY_OK) {
		reply_error(r, &e);
		return false;
	}
	if (!r->user.admin && strcmp(mp->user, r->user.name) != 0) {
		store_mp_done(mp);
		reply_errorf(r, FERRY_E_PERMISSION, "upload %s belongs to"
		    " another user", r->params[0]);
		return false;
	}
	return true;
}

void
route_uploads_get(struct request *r)
{
	struct store_mp	 mp;

	if (!uploads_own(r, &mp))
		return;
	uploads_reply(r, 200, &mp);
	store_mp_done(&mp);
}

void
route_uploads_abort(struct request *r)
{
	struct store_mp		 mp;
	struct ferry_error	 e;

	if (!uploads_own(r, &mp))
		return;
	store_mp_done(&mp);
	if (store_mp_abort(r->t->store, r->params[0], &e) != FERRY_OK)
		reply_error(r, &e);
	else
		reply_empty(r, 204);
}

void
route_uploads_complete(struct request *r)
{
	struct store_mp		 mp;
	struct ferry_entry	 e;
	struct ferry_arena	 a;
	struct ferry_error	 err;
	enum store_role		 role;
	static const char *const none[] = { NULL };

	if (json_only(r->json, none, &err) != FERRY_OK) {
		reply_error(r, &err);
		return;
	}
	if (!uploads_own(r, &mp))
		return;
	ferry_arena_init(&a);
	if (!access_require(r, mp.folder, STORE_ROLE_EDITOR,
	    "completing an upload into it", &role))
		goto out;
	if (store_mp_complete(r->t->store, mp.id, &e, &a, &err) != FERRY_OK)
		reply_error(r, &err);
	else
		route_reply_entry(r, 201, e.id, role);
out:
	ferry_arena_done(&a);
	store_mp_done(&mp);
}

/* -------- parts -------- */

static void
uploads_part_free(void *p)
{
	store_part_abort(p);
}

bool
route_uploads_part_start(struct request *r)
{
	struct store_mp		 mp;
	struct store_part	*part;
	struct ferry_error	 e;
	const char		*cl, *n = r->params[1];
	char			*end;
	unsigned long long	 len, num;

	num = strtoull(n, &end, 10);
	if (*n < '1' || *n > '9' || *end != '\0' || num > STORE_PARTS_MAX) {
		reply_errorf(r, FERRY_E_INVALID, "part number \"%.16s\" is not"
		    " a whole number in 1..%d", n, STORE_PARTS_MAX);
		return false;
	}
	if (!uploads_own(r, &mp))
		return false;
	store_mp_done(&mp);
	cl = request_header(r, "Content-Length");
	if (cl != NULL && r->srv->cfg.max_upload > 0) {
		len = strtoull(cl, &end, 10);
		if (*end == '\0' && len > r->srv->cfg.max_upload) {
			reply_errorf(r, FERRY_E_LIMIT, "part of %llu bytes is"
			    " larger than the limit of %llu bytes", len,
			    (unsigned long long)r->srv->cfg.max_upload);
			return false;
		}
	}
	if (store_part_begin(r->t->store, r->params[0], (uint32_t)num, &part,
	    &e) != FERRY_OK) {
		reply_error(r, &e);
		return false;
	}
	r->state = part;
	r->state_free = uploads_part_free;
	return true;
}

bool
route_uploads_part_data(struct request *r, const char *data, size_t len)
{
	struct store_part	*part = r->state;
	struct ferry_error	 e;
	uint64_t		 max = r->srv->cfg.max_upload;

	if (max > 0 && store_part_size(part) + len > max) {
		ferry_error_set(&e, FERRY_E_LIMIT, "the part is larger than"
		    " the limit of %llu bytes", (unsigned long long)max);
		request_fail(r, &e);
	} else if (store_part_write(part, data, len, &e) != FERRY_OK)
		request_fail(r, &e);
	else
		return true;
	store_part_abort(part);
	r->state = NULL;
	return false;
}

void
route_uploads_part(struct request *r)
{
	struct store_part	*part = r->state;
	struct store_mp_part	 p;
	struct ferry_error	 e;
	cJSON			*o;

	r->state = NULL;	/* commit frees it */
	if (store_part_commit(part, &p, &e) != FERRY_OK) {
		reply_error(r, &e);
		return;
	}
	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "upload_id", r->params[0]);
	cJSON_AddNumberToObject(o, "number", p.n);
	cJSON_AddNumberToObject(o, "size", (double)p.size);
	cJSON_AddStringToObject(o, "sha256", p.sha256);
	reply_json(r, 200, o);
}
