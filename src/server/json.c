/* SPDX-License-Identifier: MIT */
/*
 * Strict, typed access to the fields of a JSON request body.  Every
 * helper names the field in its error: a wrong type ("field \"ttl\" must
 * be a whole number, not a string"), a number that is not whole or is out
 * of range, an overlong string, a field nobody knows (a typo).  Numbers
 * arrive as doubles from cJSON; a whole number is accepted only when it
 * is exact (|n| <= 2^53), so "1e300" or 2^64 are refused, not rounded.
 *
 * Threads: pure.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "server/server.h"

#define JSON_EXACT_MAX	9007199254740992.0	/* 2^53 */

static const char *
json_type_name(const cJSON *v)
{
	if (cJSON_IsString(v))
		return "a string";
	if (cJSON_IsNumber(v))
		return "a number";
	if (cJSON_IsBool(v))
		return "a boolean";
	if (cJSON_IsNull(v))
		return "null";
	if (cJSON_IsArray(v))
		return "an array";
	if (cJSON_IsObject(v))
		return "an object";
	return "something else";
}

enum ferry_code
json_only(const cJSON *o, const char *const *known, struct ferry_error *err)
{
	const cJSON	*v;
	const cJSON	*w;
	size_t		 i;

	/* a known list is short; more fields than that is a hostile body */
	if (cJSON_GetArraySize(o) > 64)
		return ferry_error_set(err, FERRY_E_INVALID,
		    "the body has %d fields; at most 64 are read",
		    cJSON_GetArraySize(o));
	cJSON_ArrayForEach(v, o) {
		for (i = 0; known[i] != NULL; i++)
			if (strcmp(v->string, known[i]) == 0)
				break;
		if (known[i] == NULL)
			return ferry_error_set(err, FERRY_E_INVALID,
			    "unknown field \"%.64s\"", v->string);
		/* a key given twice: cJSON keeps both; refuse it */
		for (w = v->next; w != NULL; w = w->next)
			if (strcmp(v->string, w->string) == 0)
				return ferry_error_set(err, FERRY_E_INVALID,
				    "field \"%.64s\" is given twice",
				    v->string);
	}
	return FERRY_OK;
}

/*
 * The field, or NULL when absent (or null and nullable).  Refuses absent
 * required fields and null where null is not allowed.
 */
static enum ferry_code
json_field(const cJSON *o, const char *key, unsigned flags,
    const cJSON **out, bool *present, struct ferry_error *err)
{
	const cJSON	*v;

	*out = NULL;
	v = cJSON_GetObjectItemCaseSensitive(o, key);
	if (present != NULL)
		*present = v != NULL;
	if (v == NULL) {
		if (flags & JSON_REQUIRED)
			return ferry_error_set(err, FERRY_E_INVALID,
			    "field \"%s\" is required", key);
		return FERRY_OK;
	}
	if (cJSON_IsNull(v)) {
		if (!(flags & JSON_NULLABLE))
			return ferry_error_set(err, FERRY_E_INVALID,
			    "field \"%s\" cannot be null", key);
		return FERRY_OK;
	}
	*out = v;
	return FERRY_OK;
}

enum ferry_code
json_string(const cJSON *o, const char *key, unsigned flags, size_t max,
    const char **out, bool *present, struct ferry_error *err)
{
	const cJSON	*v;
	enum ferry_code	 result;
	size_t		 len;

	*out = NULL;
	if ((result = json_field(o, key, flags, &v, present, err)) !=
	    FERRY_OK || v == NULL)
		return result;
	if (!cJSON_IsString(v) || v->valuestring == NULL)
		return ferry_error_set(err, FERRY_E_INVALID,
		    "field \"%s\" must be a string, not %s", key,
		    json_type_name(v));
	len = strlen(v->valuestring);
	if (len > max)
		return ferry_error_set(err, FERRY_E_LIMIT,
		    "field \"%s\" is %zu bytes long; the limit is %zu", key,
		    len, max);
	*out = v->valuestring;
	return FERRY_OK;
}

enum ferry_code
json_bool(const cJSON *o, const char *key, unsigned flags, bool *out,
    bool *present, struct ferry_error *err)
{
	const cJSON	*v;
	enum ferry_code	 result;

	if ((result = json_field(o, key, flags, &v, present, err)) !=
	    FERRY_OK || v == NULL)
		return result;
	if (!cJSON_IsBool(v))
		return ferry_error_set(err, FERRY_E_INVALID,
		    "field \"%s\" must be true or false, not %s", key,
		    json_type_name(v));
	*out = cJSON_IsTrue(v);
	return FERRY_OK;
}

enum ferry_code
json_int(const cJSON *o, const char *key, unsigned flags, int64_t min,
    int64_t max, int64_t *out, bool *present, struct ferry_error *err)
{
	const cJSON	*v;
	enum ferry_code	 result;
	double		 d;

	if ((result = json_field(o, key, flags, &v, present, err)) !=
	    FERRY_OK)
		return result;
	if (v == NULL) {
		if (present != NULL && *present)
			*out = 0;	/* null */
		return FERRY_OK;
	}
	if (!cJSON_IsNumber(v))
		return ferry_error_set(err, FERRY_E_INVALID,
		    "field \"%s\" must be a whole number, not %s", key,
		    json_type_name(v));
	d = v->valuedouble;
	if (!isfinite(d) || d != floor(d) || fabs(d) >= JSON_EXACT_MAX)
		return ferry_error_set(err, FERRY_E_INVALID,
		    "field \"%s\" must be a whole number below 2^53", key);
	if (d < (double)min || d > (double)max)
		return ferry_error_set(err, FERRY_E_INVALID,
		    "field \"%s\" is %.0f; it must be between %lld and %lld",
		    key, d, (long long)min, (long long)max);
	*out = (int64_t)d;
	return FERRY_OK;
}

enum ferry_code
json_object_text(const cJSON *o, const char *key, unsigned flags, char **out,
    bool *present, struct ferry_error *err)
{
	const cJSON	*v;
	enum ferry_code	 result;

	*out = NULL;
	if ((result = json_field(o, key, flags, &v, present, err)) !=
	    FERRY_OK || v == NULL)
		return result;
	if (!cJSON_IsObject(v))
		return ferry_error_set(err, FERRY_E_INVALID,
		    "field \"%s\" must be an object, not %s", key,
		    json_type_name(v));
	if ((*out = cJSON_PrintUnformatted(v)) == NULL)
		return ferry_error_set(err, FERRY_E_INTERNAL,
		    "field \"%s\": cannot print it back", key);
	return FERRY_OK;
}

enum ferry_code
json_tags_text(const cJSON *o, const char *key, unsigned flags, char **out,
    bool *present, struct ferry_error *err)
{
	const cJSON	*v, *t;
	enum ferry_code	 result;
	int		 i = 0;

	*out = NULL;
	if ((result = json_field(o, key, flags, &v, present, err)) !=
	    FERRY_OK || v == NULL)
		return result;
	if (!cJSON_IsArray(v))
		return ferry_error_set(err, FERRY_E_INVALID,
		    "field \"%s\" must be an array of strings, not %s", key,
		    json_type_name(v));
	cJSON_ArrayForEach(t, v) {
		if (!cJSON_IsString(t))
			return ferry_error_set(err, FERRY_E_INVALID,
			    "field \"%s\": element %d must be a string, not"
			    " %s", key, i, json_type_name(t));
		i++;
	}
	if ((*out = cJSON_PrintUnformatted(v)) == NULL)
		return ferry_error_set(err, FERRY_E_INTERNAL,
		    "field \"%s\": cannot print it back", key);
	return FERRY_OK;
}

enum ferry_code
json_string_array(const cJSON *o, const char *key, size_t max,
    const char ***out, size_t *n, struct ferry_error *err)
{
	const cJSON	*v, *t;
	enum ferry_code	 result;
	size_t		 count, i = 0;

	*out = NULL;
	*n = 0;
	if ((result = json_field(o, key, JSON_REQUIRED, &v, NULL, err)) !=
	    FERRY_OK)
		return result;
	if (!cJSON_IsArray(v))
		return ferry_error_set(err, FERRY_E_INVALID,
		    "field \"%s\" must be an array of strings, not %s", key,
		    json_type_name(v));
	count = (size_t)cJSON_GetArraySize(v);
	if (count == 0)
		return ferry_error_set(err, FERRY_E_INVALID,
		    "field \"%s\" is an empty array", key);
	if (count > max)
		return ferry_error_set(err, FERRY_E_LIMIT,
		    "field \"%s\" has %zu elements; the limit is %zu", key,
		    count, max);
	*out = xcalloc(count, sizeof **out);
	cJSON_ArrayForEach(t, v) {
		if (!cJSON_IsString(t) || t->valuestring == NULL) {
			free(*out);
			*out = NULL;
			return ferry_error_set(err, FERRY_E_INVALID,
			    "field \"%s\": element %zu must be a string, not"
			    " %s", key, i, json_type_name(t));
		}
		(*out)[i++] = t->valuestring;
	}
	*n = i;
	return FERRY_OK;
}
