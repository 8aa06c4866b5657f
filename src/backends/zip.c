/* SPDX-License-Identifier: MIT */
/*
 * The zip backend: a ZIP archive on any other backend, seen as a
 * read-only folder tree (see backend_zip_open() in backends.h).
 *
 * It wraps a borrowed base backend and the path of the archive there.
 * Opening stats the archive (its size), puts a block cache over base's
 * range reads, and reads the end records and the central directory
 * through it (src/zip/zip-archive.c); the counters of the cache right
 * after that are "what it cost to list".  Everything after is in memory:
 * stat, list (keyset paging over sorted children), path_to_root, summary
 * and find.  open_read fetches the member's local header and compressed
 * bytes only, and inflates as it is pulled.
 *
 * Safety: entries always carry the safe shown names (zip.h); open_read
 * refuses members whose archive name is unsafe and symlinks, so the copy
 * engine (which extracts through open_read) never writes them; encrypted
 * members and other methods are FERRY_E_UNSUPPORTED naming the method.
 * Nothing can be written: mkdir, update, remove and write are absent.
 *
 * Thread: one at a time, like every backend, and the same as base's.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ferry/backend.h"
#include "ferry/config.h"
#include "ferry/entry.h"
#include "ferry/error.h"
#include "ferry/location.h"
#include "backends/backends.h"
#include "backends/blockcache.h"
#include "core/util.h"
#include "zip/zip.h"

struct zip_backend {
	struct ferry_backend b;		/* first */
	struct ferry_backend *base;	/* borrowed */
	char		*path;		/* of the archive on base */
	struct blockcache *bc;
	struct zip_archive *ar;
	struct zip_io	 io;
	struct blockcache_stats listed;	/* what opening cost */
	int64_t		 mtime;
};

static const struct ferry_backend_ops zip_backend_ops;

static struct zip_backend *
zip_of(struct ferry_backend *b)
{
	return (struct zip_backend *)b;
}

/* -------- the io over the block cache -------- */

static enum ferry_code
zip_io_prefetch(void *ud, uint64_t off, size_t len, struct ferry_error *err)
{
	return blockcache_prefetch(ud, off, len, err);
}

static enum ferry_code
zip_io_read(void *ud, uint64_t off, void *buf, size_t len,
    struct ferry_error *err)
{
	return blockcache_read(ud, off, buf, len, err);
}

static enum ferry_code
zip_io_stream(void *ud, uint64_t off, uint64_t len,
    struct ferry_reader **out, struct ferry_error *err)
{
	return blockcache_stream(ud, off, len, out, err);
}

/* -------- lookups -------- */

/* The node at path, or FERRY_E_NOT_FOUND naming it. */
static enum ferry_code
zip_node(struct zip_backend *z, const char *path, uint32_t *node,
    struct ferry_error *err)
{
	*node = zip_lookup(z->ar, path);
	if (*node == ZIP_NONE)
		return ferry_error_set(err, FERRY_E_NOT_FOUND,
		    "%s%s: no such member in the archive", z->b.label, path);
	return FERRY_OK;
}

static void
zip_entry(struct zip_backend *z, uint32_t node, bool meta,
    struct ferry_entry *e, struct ferry_arena *a)
{
	zip_node_entry(z->ar, node, meta, e, a);
	if (node == (0 | ZIP_KID_FOLDER))
		e->modified = z->mtime;
}

static void
zip_close(struct ferry_backend *b)
{
	struct zip_backend *z = zip_of(b);

	zip_archive_free(z->ar);
	blockcache_free(z->bc);
	free(z->path);
	free(z);
}

static enum ferry_code
zip_stat(struct ferry_backend *b, const char *path, struct ferry_entry *out,
    struct ferry_arena *a, struct ferry_error *err)
{
	struct zip_backend *z = zip_of(b);
	enum ferry_code	 result;
	uint32_t	 node;

	if ((result = zip_node(z, path, &node, err)) != FERRY_OK)
		return result;
	zip_entry(z, node, true, out, a);
	return FERRY_OK;
}

/* The first index in sorted[0..n) that comes after the cursor's key. */
static enum ferry_code
zip_list_start(struct zip_backend *z, const struct ferry_query *q,
    const uint32_t *sorted, uint32_t n, uint32_t *start,
    struct ferry_error *err)
{
	struct ferry_entry key, e;
	struct ferry_arena a = FERRY_ARENA_INIT, tmp = FERRY_ARENA_INIT;
	enum ferry_code	 result;
	uint32_t	 lo = 0, hi = n, mid;

	*start = 0;
	if (q->cursor == NULL)
		return FERRY_OK;
	result = ferry_cursor_decode(q, q->cursor, &key, &a, err);
	if (result != FERRY_OK) {
		ferry_arena_done(&a);
		return result;
	}
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		zip_entry(z, sorted[mid], false, &e, &tmp);
		if (ferry_query_cmp(q, &e, &key) <= 0)
			lo = mid + 1;
		else
			hi = mid;
		ferry_arena_done(&tmp);
	}
	*start = lo;
	ferry_arena_done(&a);
	return FERRY_OK;
}

static enum ferry_code
zip_list(struct ferry_backend *b, const char *path,
    const struct ferry_query *q, struct ferry_page *out,
    struct ferry_error *err)
{
	struct zip_backend *z = zip_of(b);
	struct ferry_entry *e;
	const uint32_t	*sorted;
	enum ferry_code	 result;
	uint32_t	 node, n, start, limit, i;

	if ((result = zip_node(z, path, &node, err)) != FERRY_OK)
		return result;
	if (!(node & ZIP_KID_FOLDER))
		return ferry_error_set(err, FERRY_E_NOT_FOLDER,
		    "%s%s: a member, not a folder", b->label, path);
	zip_children_sorted(z->ar, ZIP_KID_INDEX(node), q, &sorted, &n);
	if ((result = zip_list_start(z, q, sorted, n, &start, err)) !=
	    FERRY_OK)
		return result;
	limit = q->limit == 0 || q->limit > FERRY_PAGE_MAX ? FERRY_PAGE_MAX :
	    q->limit;
	for (i = start; i < n && i - start < limit; i++) {
		e = ferry_page_add(out);
		zip_entry(z, sorted[i], !q->names_only, e, &out->arena);
	}
	if (i < n && out->n > 0)
		out->next_cursor = ferry_cursor_encode(q, &out->v[out->n - 1],
		    &out->arena);
	out->total = n;
	out->total_known = true;
	return FERRY_OK;
}

static enum ferry_code
zip_path_to_root(struct ferry_backend *b, const char *path,
    struct ferry_entry_list *out, struct ferry_error *err)
{
	struct zip_backend *z = zip_of(b);
	struct ferry_entry e;
	struct ferry_arena a = FERRY_ARENA_INIT;
	enum ferry_code	 result;
	uint32_t	 node, *chain = NULL, n = 0, cur;

	if ((result = zip_node(z, path, &node, err)) != FERRY_OK)
		return result;
	for (cur = node; ; ) {
		chain = xreallocarray(chain, n + 1, sizeof *chain);
		chain[n++] = cur;
		if (cur == (0 | ZIP_KID_FOLDER))
			break;
		cur = (cur & ZIP_KID_FOLDER ?
		    z->ar->f[ZIP_KID_INDEX(cur)].parent :
		    z->ar->m[cur].parent) | ZIP_KID_FOLDER;
	}
	while (n-- > 0) {
		zip_entry(z, chain[n], true, &e, &a);
		ferry_entry_list_push(out, &e);
		ferry_arena_done(&a);
	}
	free(chain);
	return FERRY_OK;
}

static enum ferry_code
zip_open_read(struct ferry_backend *b, const char *path, uint64_t offset,
    uint64_t len, struct ferry_reader **out, struct ferry_error *err)
{
	return backend_zip_read(b, path, offset, len, 0, out, err);
}

/* Add node (not its subtree) to a summary. */
static void
zip_sum_one(struct zip_backend *z, uint32_t node, struct ferry_summary *s)
{
	const struct zip_member *m;
	struct ferry_entry e;
	struct ferry_arena a = FERRY_ARENA_INIT;

	if (node & ZIP_KID_FOLDER) {
		s->folders++;
		return;
	}
	m = &z->ar->m[node];
	zip_node_entry(z->ar, node, false, &e, &a);
	s->items++;
	s->bytes += m->usize;
	s->stored_bytes += m->csize;
	s->type_items[e.type]++;
	s->type_bytes[e.type] += m->usize;
	ferry_arena_done(&a);
}

static enum ferry_code
zip_summary(struct ferry_backend *b, const char *path,
    struct ferry_summary *out, struct ferry_error *err)
{
	struct zip_backend *z = zip_of(b);
	const struct zip_folder *f;
	enum ferry_code	 result;
	uint32_t	 node, *stack, n = 0, i, dir;

	if ((result = zip_node(z, path, &node, err)) != FERRY_OK)
		return result;
	if (!(node & ZIP_KID_FOLDER)) {
		zip_sum_one(z, node, out);
		return FERRY_OK;
	}
	/* Iterative: a hostile archive may nest very deep. */
	stack = xreallocarray(NULL, z->ar->nf, sizeof *stack);
	stack[n++] = ZIP_KID_INDEX(node);
	while (n > 0) {
		dir = stack[--n];
		f = &z->ar->f[dir];
		for (i = 0; i < f->nkids; i++) {
			node = z->ar->kids[f->first + i];
			zip_sum_one(z, node, out);
			if (node & ZIP_KID_FOLDER)
				stack[n++] = ZIP_KID_INDEX(node);
		}
	}
	free(stack);
	return FERRY_OK;
}

/* One level of a find walk: a folder and how far its children are. */
struct zip_find_frame {
	uint32_t	 dir;
	uint32_t	 next;		/* next child index */
	size_t		 plen;		/* length of the folder's own path */
};

/* Set the path buffer to its first len bytes plus "/name". */
static void
zip_find_path(char **buf, size_t *cap, size_t len, const char *name,
    size_t *outlen)
{
	size_t	 n = strlen(name);

	if (len + n + 2 > *cap) {
		*cap = (len + n + 2) * 2;
		*buf = xrealloc(*buf, *cap);
	}
	if (len > 0)
		(*buf)[len++] = '/';
	memcpy(*buf + len, name, n);
	len += n;
	(*buf)[len] = '\0';
	*outlen = len;
}

static enum ferry_code
zip_find(struct ferry_backend *b, const char *path, const struct ferry_find *f,
    ferry_find_cb cb, void *ud, struct ferry_error *err)
{
	struct zip_backend *z = zip_of(b);
	struct zip_find_frame *st, *top;
	const struct zip_folder *fo;
	struct ferry_entry e;
	struct ferry_arena a = FERRY_ARENA_INIT;
	enum ferry_code	 result;
	uint32_t	 node, n = 0;
	char		*pbuf;
	size_t		 plen, pcap = 256;

	if ((result = zip_node(z, path, &node, err)) != FERRY_OK)
		return result;
	if (!(node & ZIP_KID_FOLDER))
		return ferry_error_set(err, FERRY_E_NOT_FOLDER,
		    "%s%s: a member, not a folder", b->label, path);
	pbuf = xmalloc(pcap);
	/* Iterative, with an explicit stack: hostile nesting is deep. */
	st = xreallocarray(NULL, z->ar->nf + 1, sizeof *st);
	st[n++] = (struct zip_find_frame){ ZIP_KID_INDEX(node), 0, 0 };
	while (n > 0 && result == FERRY_OK) {
		top = &st[n - 1];
		fo = &z->ar->f[top->dir];
		if (top->next == fo->nkids) {
			n--;
			continue;
		}
		node = z->ar->kids[fo->first + top->next++];
		zip_find_path(&pbuf, &pcap, top->plen,
		    zip_node_name(z->ar, node), &plen);
		zip_entry(z, node, true, &e, &a);
		if (ferry_find_match(f, &e))
			result = cb(pbuf, &e, ud);
		ferry_arena_done(&a);
		if ((node & ZIP_KID_FOLDER) && (f->max_depth == 0 ||
		    n < f->max_depth))
			st[n++] = (struct zip_find_frame){ ZIP_KID_INDEX(node),
			    0, plen };
		if (result == FERRY_OK && b->cancel != NULL && *b->cancel != 0)
			result = ferry_error_set(err, FERRY_E_CANCELLED,
			    "%s%s: cancelled", b->label, path);
	}
	free(st);
	free(pbuf);
	return result;
}

static const struct ferry_backend_ops zip_backend_ops = {
	.name = "zip",
	.caps = FERRY_CAP_METADATA | FERRY_CAP_PAGING | FERRY_CAP_SUMMARY |
	    FERRY_CAP_FIND | FERRY_CAP_EMPTY_FOLDERS,
	.close = zip_close,
	.stat = zip_stat,
	.list = zip_list,
	.path_to_root = zip_path_to_root,
	.open_read = zip_open_read,
	.summary = zip_summary,
	.find = zip_find,
};

/* -------- opening -------- */

/* A [zip] size or number from the config; 0 when unset. */
static enum ferry_code
zip_cfg_uint(const struct ferry_config *cfg, const char *key, uint64_t *out,
    struct ferry_error *err)
{
	const char	*v;
	char		*end;
	unsigned long long n;
	unsigned	 shift = 0;

	*out = 0;
	if (cfg == NULL || (v = ferry_config_get(cfg, "zip", key)) == NULL)
		return FERRY_OK;
	n = strtoull(v, &end, 10);
	switch (*end) {
	case 'K': case 'k': shift = 10; end++; break;
	case 'M': case 'm': shift = 20; end++; break;
	case 'G': case 'g': shift = 30; end++; break;
	default: break;
	}
	if (end == v || *end != '\0' || v[0] == '-' ||
	    n > (UINT64_MAX >> shift))
		return ferry_error_set(err, FERRY_E_INVALID,
		    "%s: [zip] %s = '%s' is not a number (N, NK, NM or NG)",
		    cfg->path != NULL ? cfg->path : "config", key, v);
	*out = (uint64_t)n << shift;
	return FERRY_OK;
}

static enum ferry_code
zip_limits(const struct ferry_config *cfg, struct zip_limits *l,
    struct ferry_error *err)
{
	enum ferry_code	 result;
	uint64_t	 ratio;

	memset(l, 0, sizeof *l);
	result = zip_cfg_uint(cfg, "max_directory_bytes", &l->max_cd_bytes,
	    err);
	if (result == FERRY_OK)
		result = zip_cfg_uint(cfg, "max_ratio", &ratio, err);
	if (result == FERRY_OK && ratio > UINT32_MAX)
		result = ferry_error_set(err, FERRY_E_INVALID, "[zip] "
		    "max_ratio is at most %u", (unsigned)UINT32_MAX);
	if (result == FERRY_OK)
		l->max_ratio = (uint32_t)ratio;
	return result;
}

enum ferry_code
backend_zip_open(struct ferry_backend *base, const char *archive_path,
    const struct ferry_config *cfg, struct ferry_backend **out,
    struct ferry_error *err)
{
	struct zip_backend *z;
	struct ferry_entry e;
	struct ferry_arena a = FERRY_ARENA_INIT;
	struct zip_limits lim;
	enum ferry_code	 result;
	char		*label = NULL, *path;

	*out = NULL;
	if ((result = zip_limits(cfg, &lim, err)) != FERRY_OK)
		return result;
	if ((path = ferry_path_normalize(archive_path, err)) == NULL)
		return err != NULL ? err->code : FERRY_E_INVALID;
	result = ferry_backend_stat(base, path, &e, &a, err);
	if (result == FERRY_OK && e.kind == FERRY_KIND_FOLDER)
		result = ferry_error_set(err, FERRY_E_IS_FOLDER, "%s%s: a "
		    "folder, not a ZIP archive", base->label != NULL ?
		    base->label : "", path);
	if (result != FERRY_OK)
		goto fail;
	z = xcalloc(1, sizeof *z);
	z->b.ops = &zip_backend_ops;
	z->base = base;
	z->path = path;
	path = NULL;
	z->mtime = e.modified != 0 ? e.modified : e.created;
	label = xasprintf("%s%s", base->label != NULL ? base->label : "",
	    z->path);
	z->b.label = label;
	z->bc = blockcache_new(base, z->path, e.size, NULL, &z->b.cancel);
	z->io = (struct zip_io){ zip_io_prefetch, zip_io_read, zip_io_stream,
	    z->bc };
	result = zip_archive_open(&z->io, e.size, label, &lim, &z->ar, err);
	if (result != FERRY_OK) {
		zip_close(&z->b);
		free(label);
		goto fail;
	}
	blockcache_stats(z->bc, &z->listed);
	ferry_arena_done(&a);
	*out = &z->b;
	return FERRY_OK;
fail:
	free(path);
	ferry_arena_done(&a);
	return result;
}

bool
backend_is_zip(const struct ferry_backend *b)
{
	return b != NULL && b->ops == &zip_backend_ops;
}

enum ferry_code
backend_zip_split(struct ferry_backend *base, const char *path,
    char **archive, char **inner, struct ferry_error *err)
{
	struct ferry_entry e;
	struct ferry_arena a = FERRY_ARENA_INIT;
	struct ferry_error e2;
	enum ferry_code	 result, first;
	char		*p, *parent, *norm;
	const char	*rest;

	*archive = *inner = NULL;
	if ((p = ferry_path_normalize(path, err)) == NULL)
		return err != NULL ? err->code : FERRY_E_INVALID;
	first = ferry_backend_stat(base, p, &e, &a, err);
	result = first;
	while (result == FERRY_E_NOT_FOUND || result == FERRY_E_NOT_FOLDER) {
		if (strcmp(p, "/") == 0)
			break;
		parent = ferry_path_parent(p);
		free(p);
		p = parent;
		ferry_arena_done(&a);
		result = ferry_backend_stat(base, p, &e, &a, &e2);
	}
	if (result == FERRY_OK && e.kind == FERRY_KIND_ITEM) {
		/* p is a prefix of the normalised path: the rest is inner. */
		norm = ferry_path_normalize(path, NULL);
		rest = norm + strlen(p);
		*inner = xstrdup(*rest != '\0' ? rest : "/");
		*archive = p;
		free(norm);
		ferry_arena_done(&a);
		return FERRY_OK;
	}
	if (result == FERRY_OK && first == FERRY_OK)
		result = ferry_error_set(err, FERRY_E_IS_FOLDER, "%s%s: a "
		    "folder, not a ZIP archive", base->label != NULL ?
		    base->label : "", path);
	else if (result == FERRY_OK || result == FERRY_E_NOT_FOUND ||
	    result == FERRY_E_NOT_FOLDER)
		result = first;	/* err holds the first stat's message */
	else if (err != NULL)
		*err = e2;
	free(p);
	ferry_arena_done(&a);
	return result;
}

enum ferry_code
backend_zip_info(struct ferry_backend *zb, struct backend_zip_info *out,
    struct ferry_error *err)
{
	struct zip_backend *z;
	struct blockcache_stats now;
	const struct zip_totals *t;

	memset(out, 0, sizeof *out);
	if (!backend_is_zip(zb))
		return ferry_error_set(err, FERRY_E_INVALID, "%s: not a ZIP "
		    "archive backend", zb->label != NULL ? zb->label : "");
	z = zip_of(zb);
	t = &z->ar->totals;
	blockcache_stats(z->bc, &now);
	out->archive_size = z->ar->size;
	out->members = t->members;
	out->items = t->items;
	out->folders = t->folders;
	out->bytes = t->bytes;
	out->compressed = t->compressed;
	out->cd_offset = z->ar->eocd.cd_offset;
	out->cd_size = z->ar->eocd.cd_size;
	out->zip64 = z->ar->eocd.zip64;
	out->unsafe = t->unsafe;
	out->duplicates = t->duplicates;
	out->overlapping = t->overlapping;
	out->symlinks = t->symlinks;
	out->encrypted = t->encrypted;
	out->list_requests = z->listed.requests;
	out->list_bytes = z->listed.bytes;
	out->fetch_requests = now.requests;
	out->fetch_bytes = now.bytes;
	return FERRY_OK;
}

/* The member at path (a folder is FERRY_E_IS_FOLDER). */
static enum ferry_code
zip_member_at(struct ferry_backend *zb, const char *path, uint32_t *mi,
    struct ferry_error *err)
{
	struct zip_backend *z = zip_of(zb);
	enum ferry_code	 result;
	char		*p;

	if (!backend_is_zip(zb))
		return ferry_error_set(err, FERRY_E_INVALID, "%s: not a ZIP "
		    "archive backend", zb->label != NULL ? zb->label : "");
	if ((p = ferry_path_normalize(path, err)) == NULL)
		return err != NULL ? err->code : FERRY_E_INVALID;
	result = zip_node(z, p, mi, err);
	if (result == FERRY_OK && (*mi & ZIP_KID_FOLDER))
		result = ferry_error_set(err, FERRY_E_IS_FOLDER,
		    "%s%s: a folder, not a member with data", zb->label, p);
	free(p);
	return result;
}

enum ferry_code
backend_zip_range(struct ferry_backend *zb, const char *path,
    struct backend_zip_range *out, struct ferry_error *err)
{
	struct zip_backend *z = zip_of(zb);
	struct zip_range rg;
	enum ferry_code	 result;
	uint32_t	 mi;

	memset(out, 0, sizeof *out);
	if ((result = zip_member_at(zb, path, &mi, err)) != FERRY_OK)
		return result;
	if ((result = zip_member_range(z->ar, &z->io, mi, &rg, err)) !=
	    FERRY_OK)
		return result;
	out->header = rg.header;
	out->start = rg.start;
	out->end = rg.end;
	out->compressed = rg.csize;
	out->size = rg.usize;
	out->crc = rg.crc;
	out->method_id = rg.method;
	snprintf(out->method, sizeof out->method, "%s",
	    zip_method_name(rg.method, out->method, sizeof out->method));
	return FERRY_OK;
}

enum ferry_code
backend_zip_read(struct ferry_backend *zb, const char *path,
    uint64_t offset, uint64_t len, unsigned flags, struct ferry_reader **out,
    struct ferry_error *err)
{
	struct zip_backend *z = zip_of(zb);
	enum ferry_code	 result;
	uint32_t	 mi;
	unsigned	 zf = 0;

	*out = NULL;
	if ((result = zip_member_at(zb, path, &mi, err)) != FERRY_OK)
		return result;
	if (flags & BACKEND_ZIP_UNSAFE)
		zf |= ZIP_OPEN_UNSAFE;
	if (flags & BACKEND_ZIP_LINK)
		zf |= ZIP_OPEN_LINK;
	return zip_member_open(z->ar, &z->io, mi, offset, len, zf, out, err);
}
