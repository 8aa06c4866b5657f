/* SPDX-License-Identifier: MIT */
/*
 * The arena (a bump allocator for the strings of entries), entry copies,
 * entry lists, listing pages, type classes and tags.  Pure; an arena, list
 * or page is used by one thread at a time.
 *
 * Arena blocks grow geometrically from 4 KiB to 1 MiB; a request larger than
 * a block gets a block of its own.  Nothing is freed until
 * ferry_arena_done().
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cjson/cJSON.h>

#include "core/util.h"
#include "ferry/entry.h"

struct ferry_arena_block {
	struct ferry_arena_block *next;
	size_t		 size;
	size_t		 off;
	max_align_t	 data[];
};

#define ARENA_MIN	4096u
#define ARENA_MAX	(1024u * 1024u)

void
ferry_arena_init(struct ferry_arena *a)
{
	a->head = NULL;
	a->used = 0;
}

void
ferry_arena_done(struct ferry_arena *a)
{
	struct ferry_arena_block *b, *next;

	for (b = a->head; b != NULL; b = next) {
		next = b->next;
		free(b);
	}
	a->head = NULL;
	a->used = 0;
}

void *
ferry_arena_alloc(struct ferry_arena *a, size_t n)
{
	struct ferry_arena_block *b;
	size_t		 align = sizeof(max_align_t), size;
	void		*p;

	n = (n + align - 1) & ~(align - 1);
	if (n == 0)
		n = align;
	b = a->head;
	if (b == NULL || b->size - b->off < n) {
		size = b == NULL ? ARENA_MIN : b->size * 2;
		if (size > ARENA_MAX)
			size = ARENA_MAX;
		if (size < n)
			size = n;
		b = xmalloc(sizeof *b + size);
		b->size = size;
		b->off = 0;
		if (a->head != NULL && n > ARENA_MAX / 2) {
			/* A big one-off: keep the current block in front. */
			b->next = a->head->next;
			a->head->next = b;
		} else {
			b->next = a->head;
			a->head = b;
		}
	}
	p = (char *)b->data + b->off;
	b->off += n;
	a->used += n;
	memset(p, 0, n);
	return p;
}

char *
ferry_arena_strndup(struct ferry_arena *a, const char *s, size_t n)
{
	char	*p;

	p = ferry_arena_alloc(a, n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *
ferry_arena_strdup(struct ferry_arena *a, const char *s)
{
	if (s == NULL)
		return NULL;
	return ferry_arena_strndup(a, s, strlen(s));
}

char *
ferry_arena_printf(struct ferry_arena *a, const char *fmt, ...)
{
	va_list	 ap;
	char	*s, *p;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		ferry_assert_fail("vasprintf", __FILE__, __LINE__);
	va_end(ap);
	p = ferry_arena_strdup(a, s);
	free(s);
	return p;
}

void
ferry_entry_copy(struct ferry_entry *dst, const struct ferry_entry *src,
    struct ferry_arena *a)
{
	*dst = *src;
	dst->name = ferry_arena_strdup(a, src->name != NULL ? src->name : "");
	dst->id = ferry_arena_strdup(a, src->id);
	dst->parent_id = ferry_arena_strdup(a, src->parent_id);
	dst->mime = ferry_arena_strdup(a, src->mime);
	dst->checksum = ferry_arena_strdup(a, src->checksum);
	dst->description = ferry_arena_strdup(a, src->description);
	dst->metadata = ferry_arena_strdup(a, src->metadata);
	dst->tags = ferry_arena_strdup(a, src->tags);
	dst->user = ferry_arena_strdup(a, src->user);
	dst->link_target = ferry_arena_strdup(a, src->link_target);
}

static const char *const type_names[FERRY_TYPE__COUNT] = {
	[FERRY_TYPE_OTHER] = "other",
	[FERRY_TYPE_IMAGE] = "image",
	[FERRY_TYPE_VIDEO] = "video",
	[FERRY_TYPE_AUDIO] = "audio",
	[FERRY_TYPE_DICOM] = "dicom",
	[FERRY_TYPE_ARCHIVE] = "archive",
	[FERRY_TYPE_TEXT] = "text",
	[FERRY_TYPE_DOCUMENT] = "document",
};

const char *
ferry_type_name(enum ferry_type t)
{
	if ((unsigned)t >= FERRY_TYPE__COUNT)
		return "other";
	return type_names[t];
}

int
ferry_type_from_name(const char *name)
{
	int	 i;

	for (i = 0; i < FERRY_TYPE__COUNT; i++)
		if (strcasecmp(name, type_names[i]) == 0)
			return i;
	return -1;
}

/* Exact MIME types (after any ";" parameters are cut) and their class. */
static const struct {
	const char	*mime;
	enum ferry_type	 type;
} mime_types[] = {
	{ "application/dicom", FERRY_TYPE_DICOM },
	{ "application/zip", FERRY_TYPE_ARCHIVE },
	{ "application/x-zip-compressed", FERRY_TYPE_ARCHIVE },
	{ "application/x-tar", FERRY_TYPE_ARCHIVE },
	{ "application/gzip", FERRY_TYPE_ARCHIVE },
	{ "application/x-gzip", FERRY_TYPE_ARCHIVE },
	{ "application/x-bzip2", FERRY_TYPE_ARCHIVE },
	{ "application/x-xz", FERRY_TYPE_ARCHIVE },
	{ "application/zstd", FERRY_TYPE_ARCHIVE },
	{ "application/x-7z-compressed", FERRY_TYPE_ARCHIVE },
	{ "application/x-rar", FERRY_TYPE_ARCHIVE },
	{ "application/vnd.rar", FERRY_TYPE_ARCHIVE },
	{ "application/x-lzma", FERRY_TYPE_ARCHIVE },
	{ "application/java-archive", FERRY_TYPE_ARCHIVE },
	{ "application/json", FERRY_TYPE_TEXT },
	{ "application/xml", FERRY_TYPE_TEXT },
	{ "application/javascript", FERRY_TYPE_TEXT },
	{ "application/x-yaml", FERRY_TYPE_TEXT },
	{ "application/yaml", FERRY_TYPE_TEXT },
	{ "application/toml", FERRY_TYPE_TEXT },
	{ "application/x-sh", FERRY_TYPE_TEXT },
	{ "application/x-ndjson", FERRY_TYPE_TEXT },
	{ "application/csv", FERRY_TYPE_TEXT },
	{ "application/pdf", FERRY_TYPE_DOCUMENT },
	{ "application/postscript", FERRY_TYPE_DOCUMENT },
	{ "application/rtf", FERRY_TYPE_DOCUMENT },
	{ "application/msword", FERRY_TYPE_DOCUMENT },
	{ "application/epub+zip", FERRY_TYPE_DOCUMENT },
	{ "application/vnd.ms-excel", FERRY_TYPE_DOCUMENT },
	{ "application/vnd.ms-powerpoint", FERRY_TYPE_DOCUMENT },
};

enum ferry_type
ferry_type_from_mime(const char *mime)
{
	char	 buf[128];
	size_t	 n, i;

	if (mime == NULL)
		return FERRY_TYPE_OTHER;
	n = strcspn(mime, "; \t");
	if (n >= sizeof buf)
		return FERRY_TYPE_OTHER;
	memcpy(buf, mime, n);
	buf[n] = '\0';
	for (i = 0; i < FERRY_NELEM(mime_types); i++)
		if (strcasecmp(buf, mime_types[i].mime) == 0)
			return mime_types[i].type;
	if (strncasecmp(buf, "image/", 6) == 0)
		return FERRY_TYPE_IMAGE;
	if (strncasecmp(buf, "video/", 6) == 0)
		return FERRY_TYPE_VIDEO;
	if (strncasecmp(buf, "audio/", 6) == 0)
		return FERRY_TYPE_AUDIO;
	if (strncasecmp(buf, "text/", 5) == 0)
		return FERRY_TYPE_TEXT;
	if (strncasecmp(buf, "application/vnd.openxmlformats-officedocument.",
	    46) == 0 ||
	    strncasecmp(buf, "application/vnd.oasis.opendocument.", 35) == 0)
		return FERRY_TYPE_DOCUMENT;
	if (n > 5 && (strcasecmp(buf + n - 5, "+json") == 0 ||
	    strcasecmp(buf + n - 4, "+xml") == 0))
		return FERRY_TYPE_TEXT;
	return FERRY_TYPE_OTHER;
}

void
ferry_entry_list_init(struct ferry_entry_list *l)
{
	l->v = NULL;
	l->n = l->cap = 0;
	ferry_arena_init(&l->arena);
}

void
ferry_entry_list_done(struct ferry_entry_list *l)
{
	free(l->v);
	ferry_arena_done(&l->arena);
	l->v = NULL;
	l->n = l->cap = 0;
}

struct ferry_entry *
ferry_entry_list_push(struct ferry_entry_list *l, const struct ferry_entry *e)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 8;
		l->v = xreallocarray(l->v, l->cap, sizeof *l->v);
	}
	ferry_entry_copy(&l->v[l->n], e, &l->arena);
	return &l->v[l->n++];
}

void
ferry_page_init(struct ferry_page *p)
{
	memset(p, 0, sizeof *p);
	ferry_arena_init(&p->arena);
}

void
ferry_page_done(struct ferry_page *p)
{
	free(p->v);
	ferry_arena_done(&p->arena);
	memset(p, 0, sizeof *p);
}

struct ferry_entry *
ferry_page_add(struct ferry_page *p)
{
	if (p->n == p->cap) {
		p->cap = p->cap ? p->cap * 2 : 64;
		p->v = xreallocarray(p->v, p->cap, sizeof *p->v);
	}
	memset(&p->v[p->n], 0, sizeof p->v[p->n]);
	p->v[p->n].name = "";
	return &p->v[p->n++];
}

bool
ferry_tags_has(const char *tags, const char *tag)
{
	cJSON	*arr, *it;
	bool	 found = false;

	if (tags == NULL || tag == NULL)
		return false;
	arr = cJSON_Parse(tags);
	if (arr == NULL)
		return false;
	if (cJSON_IsArray(arr)) {
		cJSON_ArrayForEach(it, arr) {
			if (cJSON_IsString(it) &&
			    strcmp(it->valuestring, tag) == 0) {
				found = true;
				break;
			}
		}
	}
	cJSON_Delete(arr);
	return found;
}
