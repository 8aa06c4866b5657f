/* SPDX-License-Identifier: MIT */
/*
 * The rules the store enforces on what comes in: names (the naming rules
 * and uniqueness in a folder), client metadata and tags (JSON validated
 * with cJSON and stored in compact form), the per-folder limits kept in
 * the settings table (so every process sharing the store enforces the
 * same ones), and the folded sort key of names.
 *
 * Invariants: the fold mapping equals the one of ferry_query_cmp() in
 * src/core/query.c (store-list-test checks it); a change to it needs a
 * schema version bump that recomputes nodes.fold.
 *
 * Threads: the handle's thread (see store.h); store_fold() is pure.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "core/util.h"
#include "store/store-int.h"

#define STORE_SET_MAX_ITEMS	"max_items_per_folder"
#define STORE_SET_MAX_BYTES	"max_bytes_per_folder"

/* Append code point c to out as UTF-8; returns the bytes written. */
static size_t
store_put_utf8(char *out, uint32_t c)
{
	if (c < 0x80) {
		out[0] = (char)c;
		return 1;
	}
	if (c < 0x800) {
		out[0] = (char)(0xc0 | c >> 6);
		out[1] = (char)(0x80 | (c & 0x3f));
		return 2;
	}
	if (c < 0x10000) {
		out[0] = (char)(0xe0 | c >> 12);
		out[1] = (char)(0x80 | ((c >> 6) & 0x3f));
		out[2] = (char)(0x80 | (c & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | c >> 18);
	out[1] = (char)(0x80 | ((c >> 12) & 0x3f));
	out[2] = (char)(0x80 | ((c >> 6) & 0x3f));
	out[3] = (char)(0x80 | (c & 0x3f));
	return 4;
}

/*
 * The sort and search key of a name: its code points folded, as UTF-8.
 * Comparing keys bytewise, then names bytewise, is the order of
 * ferry_query_cmp() for valid UTF-8 (the only names the store holds).
 * Returns NULL when name is not valid UTF-8.
 */
char *
store_fold(const char *name)
{
	const unsigned char	*p = (const unsigned char *)name;
	char			*out, *o;
	uint32_t		 c, min;
	size_t			 len, i;

	o = out = xmalloc(strlen(name) * 2 + 1);
	while (*p != '\0') {
		if (p[0] < 0x80) {
			*o++ = (char)ferry_fold_cp(*p++);
			continue;
		}
		if (p[0] >= 0xc2 && p[0] <= 0xdf) {
			len = 2;
			c = p[0] & 0x1f;
			min = 0x80;
		} else if (p[0] >= 0xe0 && p[0] <= 0xef) {
			len = 3;
			c = p[0] & 0x0f;
			min = 0x800;
		} else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
			len = 4;
			c = p[0] & 0x07;
			min = 0x10000;
		} else
			goto bad;
		for (i = 1; i < len; i++) {
			if ((p[i] & 0xc0) != 0x80)
				goto bad;
			c = (c << 6) | (p[i] & 0x3f);
		}
		if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
			goto bad;
		o += store_put_utf8(o, ferry_fold_cp(c));
		p += len;
	}
	*o = '\0';
	return out;
bad:
	free(out);
	return NULL;
}

/* -------- settings and limits -------- */

static enum ferry_code
store_setting_get(struct store *s, const char *key, uint64_t *out,
    struct ferry_error *err)
{
	sqlite3_stmt	*st;
	int		 rc;

	*out = 0;
	if ((st = store_stmt(s, ST_SETTING_GET, err)) == NULL)
		return STORE_ERR(err);
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*out = (uint64_t)sqlite3_column_int64(st, 0);
		rc = SQLITE_DONE;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return store_sql_error(s, rc, err,
		    "store %s: reading setting %s", s->dir, key);
	return FERRY_OK;
}

static enum ferry_code
store_setting_set(struct store *s, const char *key, uint64_t value,
    struct ferry_error *err)
{
	sqlite3_stmt	*st;
	int		 rc;

	if ((st = store_stmt(s, ST_SETTING_SET, err)) == NULL)
		return STORE_ERR(err);
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)value);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return store_sql_error(s, rc, err,
		    "store %s: saving setting %s", s->dir, key);
	return FERRY_OK;
}

enum ferry_code
store_limits_get(struct store *s, struct store_limits *out,
    struct ferry_error *err)
{
	enum ferry_code	 result;

	memset(out, 0, sizeof *out);
	result = store_setting_get(s, STORE_SET_MAX_ITEMS, &out->max_items,
	    err);
	if (result == FERRY_OK)
		result = store_setting_get(s, STORE_SET_MAX_BYTES,
		    &out->max_bytes, err);
	return result;
}

enum ferry_code
store_limits_set(struct store *s, const struct store_limits *l,
    struct ferry_error *err)
{
	enum ferry_code	 result;

	if (l->max_items > INT64_MAX || l->max_bytes > INT64_MAX)
		return ferry_error_set(err, FERRY_E_INVALID,
		    "store %s: limit too large", s->dir);
	if ((result = store_txn_begin(s, err)) != FERRY_OK)
		return result;
	result = store_setting_set(s, STORE_SET_MAX_ITEMS, l->max_items, err);
	if (result == FERRY_OK)
		result = store_setting_set(s, STORE_SET_MAX_BYTES,
		    l->max_bytes, err);
	if (result != FERRY_OK) {
		store_txn_rollback(s);
		return result;
	}
	return store_txn_commit(s, err);
}

/*
 * FERRY_E_LIMIT when adding add_items entries with add_bytes bytes to
 * folder would pass a per-folder limit.  Counts only when a limit is set.
 * Call inside the write transaction that adds them.
 */
enum ferry_code
store_check_limits(struct store *s, int64_t folder, uint64_t add_items,
    uint64_t add_bytes, struct ferry_error *err)
{
	enum ferry_code		 result;
	struct store_limits	 l;
	sqlite3_stmt		*st;
	uint64_t		 items = 0, bytes = 0;
	char			*path;
	int			 rc;

	if ((result = store_limits_get(s, &l, err)) != FERRY_OK)
		return result;
	if (l.max_items == 0 && l.max_bytes == 0)
		return FERRY_OK;
	if ((st = store_stmt(s, ST_CHILD_TOTALS, err)) == NULL)
		return STORE_ERR(err);
	sqlite3_bind_int64(st, 1, folder);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		items = (uint64_t)sqlite3_column_int64(st, 0);
		bytes = (uint64_t)sqlite3_column_int64(st, 1);
		rc = SQLITE_DONE;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return store_sql_error(s, rc, err, "store %s: counting",
		    s->dir);
	if (!(l.max_items != 0 && add_items > 0 &&
	    items + add_items > l.max_items) &&
	    !(l.max_bytes != 0 && add_bytes > 0 &&
	    bytes + add_bytes > l.max_bytes))
		return FERRY_OK;
	path = store_nid_path(s, folder);
	if (l.max_items != 0 && add_items > 0 &&
	    items + add_items > l.max_items)
		result = ferry_error_set(err, FERRY_E_LIMIT,
		    "folder \"%s\": limit of %llu entries per folder reached"
		    " (it has %llu, adding %llu)", path,
		    (unsigned long long)l.max_items,
		    (unsigned long long)items,
		    (unsigned long long)add_items);
	else
		result = ferry_error_set(err, FERRY_E_LIMIT,
		    "folder \"%s\": limit of %llu bytes per folder exceeded"
		    " (it holds %llu bytes, adding %llu)", path,
		    (unsigned long long)l.max_bytes,
		    (unsigned long long)bytes,
		    (unsigned long long)add_bytes);
	free(path);
	return result;
}

/* -------- names and JSON -------- */

/* The naming rules, with the error naming the folder. */
enum ferry_code
store_name_ok(struct store *s, int64_t parent, const char *name,
    struct ferry_error *err)
{
	enum ferry_code	 result;
	char		*path;

	if (name == NULL)
		return ferry_error_set(err, FERRY_E_INVALID_NAME,
		    "no name given");
	if ((result = ferry_name_check(name, strlen(name), err)) == FERRY_OK)
		return FERRY_OK;
	path = store_nid_path(s, parent);
	ferry_error_prefix(err, "in folder \"%s\"", path);
	free(path);
	return result;
}

/*
 * Check a new name for folder parent: the naming rules, then that no
 * folder or item there has it (FERRY_E_EXISTS naming both).
 */
enum ferry_code
store_check_name(struct store *s, int64_t parent, const char *name,
    struct ferry_error *err)
{
	enum ferry_code		 result;
	struct store_node	 n;
	char			*path;

	if ((result = store_name_ok(s, parent, name, err)) != FERRY_OK)
		return result;
	result = store_child(s, parent, name, &n, err);
	if (result == FERRY_E_NOT_FOUND)
		return FERRY_OK;
	if (result != FERRY_OK)
		return result;
	path = store_nid_path(s, parent);
	result = ferry_error_set(err, FERRY_E_EXISTS,
	    "\"%s%s%s\" already exists (%s)", path,
	    strcmp(path, "/") == 0 ? "" : "/", name,
	    n.kind == FERRY_KIND_FOLDER ? "a folder" : "an item");
	free(path);
	return result;
}

static enum ferry_code
store_check_tags(const cJSON *j, struct ferry_error *err)
{
	const cJSON	*t;
	size_t		 i = 0, len, k;

	cJSON_ArrayForEach(t, j) {
		if (!cJSON_IsString(t))
			return ferry_error_set(err, FERRY_E_INVALID,
			    "tags: element %zu is not a string", i);
		len = strlen(t->valuestring);
		if (len == 0 || len > STORE_TAG_MAX)
			return ferry_error_set(err, FERRY_E_INVALID,
			    "tags: element %zu must be 1-%d bytes", i,
			    STORE_TAG_MAX);
		for (k = 0; k < len; k++)
			if ((unsigned char)t->valuestring[k] < 0x20 ||
			    t->valuestring[k] == 0x7f)
				return ferry_error_set(err, FERRY_E_INVALID,
				    "tags: element %zu has a control"
				    " character at byte %zu", i, k);
		i++;
	}
	return FERRY_OK;
}

/*
 * Validate JSON text: an object (metadata) or an array of strings (tags).
 * *norm gets the compact form (malloc'd) to store.
 */
enum ferry_code
store_check_json(const char *what, const char *text, bool tags, char **norm,
    struct ferry_error *err)
{
	enum ferry_code	 result = FERRY_OK;
	cJSON		*j;
	const char	*end = NULL;
	char		*p;

	*norm = NULL;
	if (strlen(text) > STORE_TEXT_MAX)
		return ferry_error_set(err, FERRY_E_LIMIT,
		    "%s: longer than %d bytes", what, STORE_TEXT_MAX);
	j = cJSON_ParseWithOpts(text, &end, true);
	if (j == NULL)
		return ferry_error_set(err, FERRY_E_INVALID,
		    "%s: not valid JSON (at byte %td)", what,
		    end != NULL && end >= text ? end - text : (ptrdiff_t)0);
	if (tags && !cJSON_IsArray(j))
		result = ferry_error_set(err, FERRY_E_INVALID,
		    "%s: must be a JSON array of strings", what);
	else if (!tags && !cJSON_IsObject(j))
		result = ferry_error_set(err, FERRY_E_INVALID,
		    "%s: must be a JSON object", what);
	else if (tags)
		result = store_check_tags(j, err);
	if (result == FERRY_OK) {
		p = cJSON_PrintUnformatted(j);
		if (p == NULL)
			result = ferry_error_set(err, FERRY_E_INTERNAL,
			    "%s: cannot print JSON", what);
		else {
			*norm = xstrdup(p);
			cJSON_free(p);
		}
	}
	cJSON_Delete(j);
	return result;
}
