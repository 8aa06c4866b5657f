/* SPDX-License-Identifier: MIT */
/*
 * How the CLI shows things: escaped names, sizes, dates, the class column,
 * and entries and summaries as JSON objects (cJSON escapes control
 * characters in strings, so JSON output is always safe to print).
 *
 * JSON entry objects have the same keys whatever the backend, with null
 * for what it does not know, so scripts can rely on the shape:
 *   name location kind id parent_id size mime type checksum description
 *   metadata tags user created modified ttl starred mode link_target
 * metadata and tags are embedded JSON (object, array), times are ISO 8601
 * UTC strings with milliseconds.
 *
 * Pure formatting, no I/O besides the print functions; main thread.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "ferry/entry.h"

#include "cli/cli.h"
#include "core/escape.h"
#include "core/util.h"

char *
cli_escape(const char *s)
{
	if (s == NULL)
		return xstrdup("");
	return escape_display_flags(s, strlen(s), ESCAPE_UNAMBIGUOUS);
}

void
cli_put(FILE *f, const char *s)
{
	char	*e;

	e = cli_escape(s);
	fputs(e, f);
	free(e);
}

static const char *const cli_units[] = { "K", "M", "G", "T", "P", "E" };

void
cli_size_short(char *buf, size_t len, uint64_t n)
{
	double	 v = (double)n;
	size_t	 u = 0;

	if (n < 1024) {
		snprintf(buf, len, "%" PRIu64, n);
		return;
	}
	v /= 1024;
	while (v >= 1024 && u + 1 < FERRY_NELEM(cli_units)) {
		v /= 1024;
		u++;
	}
	if (v < 10)
		snprintf(buf, len, "%.1f%s", v, cli_units[u]);
	else
		snprintf(buf, len, "%.0f%s", v, cli_units[u]);
}

void
cli_size_long(char *buf, size_t len, uint64_t n)
{
	double	 v = (double)n;
	size_t	 u = 0;

	if (n < 1024) {
		snprintf(buf, len, "%" PRIu64 " B", n);
		return;
	}
	v /= 1024;
	while (v >= 1024 && u + 1 < FERRY_NELEM(cli_units)) {
		v /= 1024;
		u++;
	}
	snprintf(buf, len, "%.1f %siB", v, cli_units[u]);
}

void
cli_time_local(char *buf, size_t len, int64_t ms)
{
	struct tm	 tm;
	time_t		 t;

	if (ms == 0) {
		snprintf(buf, len, "-");
		return;
	}
	t = (time_t)(ms / 1000);
	if (localtime_r(&t, &tm) == NULL ||
	    strftime(buf, len, "%Y-%m-%d %H:%M", &tm) == 0)
		snprintf(buf, len, "?");
}

void
cli_time_iso(char *buf, size_t len, int64_t ms)
{
	struct tm	 tm;
	time_t		 t;
	char		 base[32];
	int64_t		 frac;

	t = (time_t)(ms / 1000);
	frac = ms % 1000;
	if (frac < 0) {
		frac += 1000;
		t--;
	}
	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(base, sizeof base, "%Y-%m-%dT%H:%M:%S", &tm) == 0) {
		snprintf(buf, len, "?");
		return;
	}
	snprintf(buf, len, "%s.%03dZ", base, (int)frac);
}

int64_t
cli_entry_time(const struct ferry_entry *e)
{
	return e->modified != 0 ? e->modified : e->created;
}

const char *
cli_entry_class(const struct ferry_entry *e)
{
	if (e->kind == FERRY_KIND_FOLDER)
		return "folder";
	if (e->mime != NULL && *e->mime != '\0')
		return e->mime;
	return ferry_type_name((enum ferry_type)e->type);
}

static void
cli_json_str(cJSON *o, const char *key, const char *v)
{
	if (v != NULL)
		cJSON_AddStringToObject(o, key, v);
	else
		cJSON_AddNullToObject(o, key);
}

static void
cli_json_time(cJSON *o, const char *key, int64_t ms)
{
	char	buf[48];

	if (ms == 0) {
		cJSON_AddNullToObject(o, key);
		return;
	}
	cli_time_iso(buf, sizeof buf, ms);
	cJSON_AddStringToObject(o, key, buf);
}

/* Embed JSON text (metadata, tags); text that does not parse stays text. */
static void
cli_json_embed(cJSON *o, const char *key, const char *text)
{
	cJSON	*j;

	if (text == NULL || *text == '\0') {
		cJSON_AddNullToObject(o, key);
		return;
	}
	j = cJSON_Parse(text);
	if (j == NULL)
		cJSON_AddStringToObject(o, key, text);
	else
		cJSON_AddItemToObject(o, key, j);
}

cJSON *
cli_json_entry(const struct ferry_entry *e, const char *location)
{
	cJSON	*o;
	char	 mode[16];
	bool	 folder = e->kind == FERRY_KIND_FOLDER;
	bool	 sized = !folder && !(e->flags &
		    (FERRY_ENTRY_NO_SIZE | FERRY_ENTRY_NO_STAT));

	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "name", e->name);
	cli_json_str(o, "location", location);
	cJSON_AddStringToObject(o, "kind", folder ? "folder" : "item");
	cli_json_str(o, "id", e->id);
	cli_json_str(o, "parent_id", e->parent_id);
	if (sized)
		cJSON_AddNumberToObject(o, "size", (double)e->size);
	else
		cJSON_AddNullToObject(o, "size");
	cli_json_str(o, "mime", folder ? NULL : e->mime);
	cli_json_str(o, "type", folder ? NULL :
	    ferry_type_name((enum ferry_type)e->type));
	cli_json_str(o, "checksum", e->checksum);
	cli_json_str(o, "description", e->description);
	cli_json_embed(o, "metadata", e->metadata);
	cli_json_embed(o, "tags", e->tags);
	cli_json_str(o, "user", e->user);
	cli_json_time(o, "created", e->created);
	cli_json_time(o, "modified", e->modified);
	if (folder)
		cJSON_AddNumberToObject(o, "ttl", (double)e->ttl);
	else
		cJSON_AddNullToObject(o, "ttl");
	if (folder)
		cJSON_AddBoolToObject(o, "starred",
		    (e->flags & FERRY_ENTRY_STARRED) != 0);
	else
		cJSON_AddNullToObject(o, "starred");
	if (e->mode != 0) {
		snprintf(mode, sizeof mode, "%04o", (unsigned)(e->mode & 07777));
		cJSON_AddStringToObject(o, "mode", mode);
	} else
		cJSON_AddNullToObject(o, "mode");
	cli_json_str(o, "link_target", e->link_target);
	return o;
}

cJSON *
cli_json_summary(const struct ferry_summary *s)
{
	cJSON	*o, *by, *t;
	size_t	 i;

	o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "bytes", (double)s->bytes);
	cJSON_AddNumberToObject(o, "stored_bytes", (double)s->stored_bytes);
	cJSON_AddNumberToObject(o, "items", (double)s->items);
	cJSON_AddNumberToObject(o, "folders", (double)s->folders);
	by = cJSON_AddObjectToObject(o, "by_type");
	for (i = 0; i < FERRY_TYPE__COUNT; i++) {
		if (s->type_items[i] == 0)
			continue;
		t = cJSON_AddObjectToObject(by,
		    ferry_type_name((enum ferry_type)i));
		cJSON_AddNumberToObject(t, "items", (double)s->type_items[i]);
		cJSON_AddNumberToObject(t, "bytes", (double)s->type_bytes[i]);
	}
	return o;
}

void
cli_json_print(cJSON *j)
{
	char	*text;

	text = cJSON_Print(j);
	if (text != NULL) {
		fputs(text, stdout);
		fputc('\n', stdout);
		free(text);
	}
	cJSON_Delete(j);
}
