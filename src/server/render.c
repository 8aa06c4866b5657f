/* SPDX-License-Identifier: MIT */
/*
 * The JSON shapes of ferryd's answers (docs/API.md describes each):
 * entries (folders and items), summaries, grants and operations.
 * Entries, which listings send by the thousand, are written straight
 * into a growing buffer (render_entry_open): no tree of nodes, numbers
 * without floating point, stored client_metadata and tags copied as the
 * compact JSON the store validated; strings are escaped here, invalid
 * UTF-8 becoming U+FFFD, so the output is always valid JSON.  The other,
 * small shapes are built with cJSON.  Times
 * are given twice, as ISO 8601 UTC text with milliseconds ("created") and
 * as milliseconds since the epoch ("created_ms"), so that a C client
 * needs no date parser.  client_metadata and tags are stored as validated
 * JSON text and returned as JSON values, never as strings.
 *
 * Threads: pure.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "server/server.h"

/* Days since 1970-01-01 to a civil date (H. Hinnant's algorithm). */
static void
render_civil(int64_t days, int64_t *y, unsigned *m, unsigned *d)
{
	int64_t		 era, z = days + 719468;
	unsigned	 doe, yoe, doy, mp;

	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int64_t)yoe + era * 400 + (*m <= 2);
}

static char *
render_digits(char *p, unsigned v, int n)
{
	while (n-- > 0) {
		p[n] = (char)('0' + v % 10);
		v /= 10;
	}
	return p;
}

void
render_time(int64_t ms, char out[32])
{
	int64_t		 days, secs, y;
	unsigned	 m, d;

	/* beyond years 0..9999 nothing is in the store: clamp */
	if (ms < -62167219200000LL || ms > 253402300799999LL)
		ms = 0;
	secs = ms / 1000;
	if (ms % 1000 < 0)
		secs--;
	days = secs / 86400;
	if (secs % 86400 < 0)
		days--;
	render_civil(days, &y, &m, &d);
	secs -= days * 86400;
	render_digits(out, (unsigned)y, 4);
	out[4] = '-';
	render_digits(out + 5, m, 2);
	out[7] = '-';
	render_digits(out + 8, d, 2);
	out[10] = 'T';
	render_digits(out + 11, (unsigned)(secs / 3600), 2);
	out[13] = ':';
	render_digits(out + 14, (unsigned)(secs / 60 % 60), 2);
	out[16] = ':';
	render_digits(out + 17, (unsigned)(secs % 60), 2);
	out[19] = '.';
	render_digits(out + 20, (unsigned)(((ms % 1000) + 1000) % 1000), 3);
	out[23] = 'Z';
	out[24] = '\0';
}

char *
render_join(const char *dir, const char *name)
{
	if (strcmp(dir, "/") == 0)
		return xasprintf("/%s", name);
	return xasprintf("%s/%s", dir, name);
}

static void
render_grow(struct render_buf *b, size_t more)
{
	if (b->len + more + 1 <= b->cap)
		return;
	b->cap = b->cap ? b->cap : 4096;
	while (b->cap < b->len + more + 1)
		b->cap *= 2;
	b->buf = xrealloc(b->buf, b->cap);
}

void
render_buf_init(struct render_buf *b)
{
	memset(b, 0, sizeof *b);
}

void
render_buf_done(struct render_buf *b)
{
	free(b->buf);
	b->buf = NULL;
	b->len = b->cap = 0;
}

void
render_raw(struct render_buf *b, const char *text, size_t len)
{
	render_grow(b, len);
	memcpy(b->buf + b->len, text, len);
	b->len += len;
	b->buf[b->len] = '\0';
}

void
render_cstr(struct render_buf *b, const char *text)
{
	render_raw(b, text, strlen(text));
}

/* The length of the valid UTF-8 sequence at p (0: invalid). */
static size_t
render_utf8_len(const unsigned char *p)
{
	uint32_t	 c;
	size_t		 n, i;

	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		n = 2;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		n = 3;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		n = 4;
	else
		return 0;
	c = p[0] & (0x3f >> (n - 1));
	for (i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (p[i] & 0x3f);
	}
	if ((n == 3 && c < 0x800) || (n == 4 && (c < 0x10000 ||
	    c > 0x10ffff)) || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	return n;
}

void
render_str(struct render_buf *b, const char *s)
{
	static const char	 hex[] = "0123456789abcdef";
	const unsigned char	*p, *run;
	char			 esc[8];
	size_t			 n;

	if (s == NULL) {
		render_raw(b, "null", 4);
		return;
	}
	render_raw(b, "\"", 1);
	for (p = run = (const unsigned char *)s; *p != '\0'; p += n) {
		/* the common case: printable ASCII that needs no escape */
		if (*p >= 0x20 && *p < 0x80 && *p != '"' && *p != '\\') {
			n = 1;
			continue;
		}
		n = render_utf8_len(p);
		if (n > 1 || (n == 1 && *p >= 0x20 && *p != '"' &&
		    *p != '\\'))
			continue;
		render_raw(b, (const char *)run, (size_t)(p - run));
		if (n == 0) {
			render_raw(b, "\\ufffd", 6);	/* invalid UTF-8 */
			n = 1;
		} else if (*p == '"' || *p == '\\') {
			esc[0] = '\\';
			esc[1] = (char)*p;
			render_raw(b, esc, 2);
		} else {
			memcpy(esc, "\\u00", 4);
			esc[4] = hex[*p >> 4];
			esc[5] = hex[*p & 15];
			render_raw(b, esc, 6);
		}
		run = p + n;
	}
	render_raw(b, (const char *)run, (size_t)(p - run));
	render_raw(b, "\"", 1);
}

/* ,"key": (no comma for the first field of an object). */
static void
render_key(struct render_buf *b, const char *key)
{
	if (b->len > 0 && b->buf[b->len - 1] != '{')
		render_raw(b, ",", 1);
	render_str(b, key);
	render_raw(b, ":", 1);
}

void
render_field_str(struct render_buf *b, const char *key, const char *value)
{
	render_key(b, key);
	render_str(b, value);
}

void
render_field_i64(struct render_buf *b, const char *key, int64_t value)
{
	char		 num[24];
	char		*p = num + sizeof num;
	uint64_t	 v;

	render_key(b, key);
	v = value < 0 ? 0 - (uint64_t)value : (uint64_t)value;
	do {
		*--p = (char)('0' + v % 10);
		v /= 10;
	} while (v > 0);
	if (value < 0)
		*--p = '-';
	render_raw(b, p, (size_t)(num + sizeof num - p));
}

static void
render_field_raw(struct render_buf *b, const char *key, const char *json)
{
	render_key(b, key);
	render_cstr(b, json);
}

static void
render_field_time(struct render_buf *b, const char *key, int64_t ms)
{
	char	 text[32], ms_key[32];

	render_time(ms, text);
	render_field_str(b, key, text);
	snprintf(ms_key, sizeof ms_key, "%s_ms", key);
	render_field_i64(b, ms_key, ms);
}

/*
 * Stored JSON text (client_metadata, tags): the store validated it and
 * keeps it compact, so it goes out as it is; none is null (or []).
 */
static void
render_field_json(struct render_buf *b, const char *key, const char *text,
    bool array)
{
	if (text == NULL || *text == '\0')
		render_field_raw(b, key, array ? "[]" : "null");
	else
		render_field_raw(b, key, text);
}

void
render_entry_open(struct render_buf *b, const struct ferry_entry *e,
    const char *path, bool brief)
{
	render_raw(b, "{", 1);
	render_field_str(b, "kind", e->kind == FERRY_KIND_FOLDER ? "folder" :
	    "item");
	render_field_str(b, "id", e->id);
	render_field_str(b, "parent_id", e->parent_id);
	render_field_str(b, "name", e->name);
	if (path != NULL)
		render_field_str(b, "path", path);
	if (brief)
		return;
	if (e->kind == FERRY_KIND_FOLDER) {
		render_field_str(b, "description", e->description);
		render_field_json(b, "tags", e->tags, true);
		render_field_raw(b, "starred", (e->flags & FERRY_ENTRY_STARRED) ?
		    "true" : "false");
		if (e->ttl > 0)
			render_field_i64(b, "ttl", e->ttl);
		else
			render_field_raw(b, "ttl", "null");
	} else {
		render_field_i64(b, "size", (int64_t)e->size);
		render_field_str(b, "sha256", e->checksum);
		render_field_str(b, "mime", e->mime != NULL ? e->mime :
		    "application/octet-stream");
		render_field_str(b, "type",
		    ferry_type_name((enum ferry_type)e->type));
	}
	render_field_json(b, "client_metadata", e->metadata, false);
	render_field_time(b, "created", e->created);
	render_field_time(b, "updated", e->modified);
	render_field_str(b, "user", e->user);
}

static void
render_add_time(cJSON *o, const char *key, int64_t ms)
{
	char	 text[32], ms_key[32];

	render_time(ms, text);
	cJSON_AddStringToObject(o, key, text);
	snprintf(ms_key, sizeof ms_key, "%s_ms", key);
	cJSON_AddNumberToObject(o, ms_key, (double)ms);
}

static void
render_add_nullable(cJSON *o, const char *key, const char *text)
{
	if (text != NULL)
		cJSON_AddStringToObject(o, key, text);
	else
		cJSON_AddNullToObject(o, key);
}

cJSON *
render_summary(const struct ferry_summary *s)
{
	cJSON	*o, *types, *t;
	int	 i;

	o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "bytes", (double)s->bytes);
	cJSON_AddNumberToObject(o, "items", (double)s->items);
	cJSON_AddNumberToObject(o, "folders", (double)s->folders);
	cJSON_AddNumberToObject(o, "stored_bytes", (double)s->stored_bytes);
	types = cJSON_AddObjectToObject(o, "types");
	for (i = 0; i < FERRY_TYPE__COUNT; i++) {
		t = cJSON_AddObjectToObject(types,
		    ferry_type_name((enum ferry_type)i));
		cJSON_AddNumberToObject(t, "items", (double)s->type_items[i]);
		cJSON_AddNumberToObject(t, "bytes", (double)s->type_bytes[i]);
	}
	return o;
}

cJSON *
render_grant(const struct store_grant *g)
{
	cJSON	*o;
	char	 text[32];

	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "principal",
	    store_principal_name(g->kind));
	cJSON_AddStringToObject(o, "name", g->name);
	cJSON_AddStringToObject(o, "role", store_role_name(g->role));
	cJSON_AddStringToObject(o, "folder_id", g->folder_id);
	cJSON_AddBoolToObject(o, "inherited", g->inherited);
	render_time(g->created, text);
	cJSON_AddStringToObject(o, "created", text);
	return o;
}

cJSON *
render_op(const struct store_op *op)
{
	cJSON	*o, *e;

	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "id", op->id);
	cJSON_AddStringToObject(o, "kind", op->kind);
	cJSON_AddStringToObject(o, "state", op->state);
	cJSON_AddNumberToObject(o, "done", (double)op->done);
	cJSON_AddNumberToObject(o, "total", (double)op->total);
	render_add_nullable(o, "target_id", op->target[0] != '\0' ?
	    op->target : NULL);
	render_add_nullable(o, "result_id", op->result[0] != '\0' ?
	    op->result : NULL);
	cJSON_AddStringToObject(o, "user", op->user);
	render_add_time(o, "created", op->created);
	render_add_time(o, "updated", op->updated);
	if (strcmp(op->state, "failed") == 0) {
		e = cJSON_AddObjectToObject(o, "error");
		cJSON_AddStringToObject(e, "code", ferry_code_name(op->code));
		cJSON_AddStringToObject(e, "message", op->message);
	} else
		cJSON_AddNullToObject(o, "error");
	return o;
}
