/* SPDX-License-Identifier: MIT */
/*
 * The member tree of an archive: members as compact records, folders
 * (explicit directory records and the ones member names imply), children
 * lists, a hash from (parent folder, name) to node, sorted listings, the
 * overlap checks on member byte ranges, and entries for the backend.
 *
 * Invariants once zip_archive_finish() has run:
 * - names in one folder are unique: a later member whose shown path is
 *   taken (by a folder or an earlier member) is shown as "stem (N).ext",
 *   N being its record number, and flagged ZIP_M_DUP;
 * - a node is found by walking (parent, component) pairs, so the cost of a
 *   lookup and of building the tree is linear in the names' bytes, however
 *   deep a hostile name nests (full paths are never stored);
 * - every member's lower-bound byte range [lho, lho + 30 + name + csize)
 *   lies before the central directory and overlaps no other member's, or
 *   the member carries ZIP_M_PASTCD / ZIP_M_OVERLAP and is refused when
 *   read.
 *
 * One thread at a time (see zip.h).
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cjson/cJSON.h>

#include "ferry/entry.h"
#include "ferry/error.h"
#include "core/util.h"
#include "zip/zip.h"

#define ZIP_BLOB_MAX	(UINT32_MAX - 1)	/* offsets are 32-bit */
#define ZIP_NODES_MAX	(ZIP_KID_FOLDER - 1)
#define ZIP_HOST_UNIX	3
#define ZIP_HOST_OSX	19
#define ZIP_S_IFMT	0170000u
#define ZIP_S_IFDIR	0040000u
#define ZIP_S_IFLNK	0120000u

struct zip_archive *
zip_archive_new(const char *name, uint64_t size,
    const struct zip_limits *limits)
{
	struct zip_archive *ar;

	ar = xcalloc(1, sizeof *ar);
	ar->name = xstrdup(name);
	ar->size = size;
	if (limits != NULL)
		ar->limits = *limits;
	if (ar->limits.max_cd_bytes == 0)
		ar->limits.max_cd_bytes = ZIP_DEFAULT_MAX_CD;
	if (ar->limits.max_ratio == 0)
		ar->limits.max_ratio = ZIP_DEFAULT_MAX_RATIO;
	ar->blob_cap = 4096;
	ar->blob = xmalloc(ar->blob_cap);
	ar->blob[0] = '\0';	/* offset 0 is the empty name */
	ar->blob_len = 1;
	ar->cap_f = 16;
	ar->f = xcalloc(ar->cap_f, sizeof *ar->f);
	ar->nf = 1;
	ar->f[0].name = 0;
	ar->f[0].parent = ZIP_NONE;
	ar->f[0].member = ZIP_NONE;
	ar->sorted_dir = ZIP_NONE;
	return ar;
}

void
zip_archive_free(struct zip_archive *ar)
{
	if (ar == NULL)
		return;
	free(ar->name);
	free(ar->m);
	free(ar->f);
	free(ar->kids);
	free(ar->blob);
	free(ar->hash);
	free(ar->by_lho);
	free(ar->sorted);
	free(ar->sorted_key);
	free(ar);
}

void
zip_archive_reserve(struct zip_archive *ar, uint64_t members,
    uint64_t name_bytes)
{
	/* Hints come from the end record: bounded by the directory cap. */
	if (members > ZIP_NODES_MAX)
		members = ZIP_NODES_MAX;
	if (members > ar->cap_m) {
		ar->cap_m = (size_t)members;
		ar->m = xreallocarray(ar->m, ar->cap_m, sizeof *ar->m);
	}
	if (name_bytes > ZIP_BLOB_MAX / 2)
		name_bytes = ZIP_BLOB_MAX / 2;
	if (name_bytes > ar->blob_cap) {
		ar->blob_cap = (size_t)name_bytes;
		ar->blob = xrealloc(ar->blob, ar->blob_cap);
	}
}

/* Copy n bytes of s into the blob; ZIP_NONE when it is full. */
static uint32_t
zip_blob_add(struct zip_archive *ar, const char *s, size_t n)
{
	uint32_t	 off;

	if (n > ZIP_BLOB_MAX || ar->blob_len > ZIP_BLOB_MAX - n - 1)
		return ZIP_NONE;
	if (ar->blob_len + n + 1 > ar->blob_cap) {
		while (ar->blob_len + n + 1 > ar->blob_cap)
			ar->blob_cap *= 2;
		ar->blob = xrealloc(ar->blob, ar->blob_cap);
	}
	off = (uint32_t)ar->blob_len;
	memcpy(ar->blob + off, s, n);
	ar->blob[off + n] = '\0';
	ar->blob_len += n + 1;
	return off;
}

/* Copy n blob bytes at src into a new blob string (src may move). */
static uint32_t
zip_blob_dup(struct zip_archive *ar, size_t src, size_t n)
{
	uint32_t	 off;

	if (n > ZIP_BLOB_MAX || ar->blob_len > ZIP_BLOB_MAX - n - 1)
		return ZIP_NONE;
	while (ar->blob_len + n + 1 > ar->blob_cap) {
		ar->blob_cap *= 2;
		ar->blob = xrealloc(ar->blob, ar->blob_cap);
	}
	off = (uint32_t)ar->blob_len;
	memmove(ar->blob + off, ar->blob + src, n);
	ar->blob[off + n] = '\0';
	ar->blob_len += n + 1;
	return off;
}

/* The raw name with NUL bytes made visible, for messages. */
static uint32_t
zip_blob_raw(struct zip_archive *ar, const uint8_t *raw, size_t n)
{
	char	*tmp, *o;
	size_t	 i;
	uint32_t off;

	o = tmp = xmalloc(n * 3 + 1);
	for (i = 0; i < n; i++) {
		if (raw[i] == '\0') {
			memcpy(o, "%00", 3);
			o += 3;
		} else
			*o++ = (char)raw[i];
	}
	off = zip_blob_add(ar, tmp, (size_t)(o - tmp));
	free(tmp);
	return off;
}

static enum ferry_code
zip_full(struct zip_archive *ar, struct ferry_error *err)
{
	return ferry_error_set(err, FERRY_E_LIMIT,
	    "%s: the archive's names need more than 4 GiB of memory", ar->name);
}

/* Kind of a record: directory, symlink, permission bits. */
static void
zip_record_kind(const struct zip_cdent *ce, bool named_dir, uint8_t *flags,
    uint32_t *mode)
{
	uint8_t		 host = (uint8_t)(ce->made_by >> 8);
	uint32_t	 umode = ce->ext_attr >> 16;

	*mode = 0;
	if (named_dir)
		*flags |= ZIP_M_DIR;
	if (host == ZIP_HOST_UNIX || host == ZIP_HOST_OSX) {
		*mode = umode & 07777;
		if ((umode & ZIP_S_IFMT) == ZIP_S_IFLNK && !named_dir)
			*flags |= ZIP_M_SYMLINK;
		else if ((umode & ZIP_S_IFMT) == ZIP_S_IFDIR)
			*flags |= ZIP_M_DIR;
	} else if ((ce->ext_attr & 0x10) && ce->usize == 0)
		*flags |= ZIP_M_DIR;	/* MS-DOS directory attribute */
	if (ce->gpflags & 0x0001)
		*flags |= ZIP_M_ENCRYPTED;
}

/*
 * A DOS time in ms.  mktime() stats the zone file on every call, so the
 * conversion is cached per date and hour: a million members with a few
 * distinct hours cost a few mktime calls, and DST changes, which happen
 * on the hour, are still exact.
 */
static int64_t
zip_archive_dostime(struct zip_archive *ar, uint16_t date, uint16_t time)
{
	uint32_t	 key = ((uint32_t)date << 5 | (time >> 11)) + 1;
	int64_t		 base;

	if (key != ar->dos_key) {
		ar->dos_key = key;
		ar->dos_ms = zip_dos_time(date, time & 0xf800);
	}
	base = ar->dos_ms;
	if (base == 0 || ((time >> 5) & 0x3f) > 59 || (time & 0x1f) > 29)
		return 0;
	return base + (((time >> 5) & 0x3f) * 60 + (time & 0x1f) * 2) * 1000;
}

enum ferry_code
zip_archive_add(struct zip_archive *ar, const struct zip_cdent *ce,
    struct ferry_error *err)
{
	struct zip_member *m;
	char		*shown;
	uint16_t	 problems;
	bool		 named_dir;
	uint32_t	 off;

	if (ar->nm >= ZIP_NODES_MAX)
		return ferry_error_set(err, FERRY_E_LIMIT, "%s: more than "
		    "%u members", ar->name, (unsigned)ZIP_NODES_MAX);
	if (ar->nm == ar->cap_m) {
		ar->cap_m = ar->cap_m == 0 ? 64 : ar->cap_m * 2;
		ar->m = xreallocarray(ar->m, ar->cap_m, sizeof *ar->m);
	}
	m = &ar->m[ar->nm];
	memset(m, 0, sizeof *m);
	shown = zip_name_shown(ce->name, ce->name_len, ce->gpflags,
	    &problems, &named_dir);
	zip_record_kind(ce, named_dir, &m->flags, &m->mode);
	if (shown[0] == '\0' && !(m->flags & ZIP_M_DIR)) {
		problems |= ZIP_P_EMPTY;
		free(shown);
		shown = xstrdup("(unnamed)");
	}
	/* The full shown path for now; finish() splits it. */
	off = zip_blob_add(ar, shown, strlen(shown));
	m->raw = ZIP_NONE;
	if (off != ZIP_NONE && (strlen(shown) != ce->name_len ||
	    memcmp(shown, ce->name, ce->name_len) != 0))
		m->raw = zip_blob_raw(ar, ce->name, ce->name_len);
	free(shown);
	if (off == ZIP_NONE || (m->raw == ZIP_NONE && problems != 0 &&
	    ar->blob_len > ZIP_BLOB_MAX - 4))
		return zip_full(ar, err);
	m->name = off;
	m->parent = ZIP_NONE;
	m->lho = ce->lho;
	m->csize = ce->csize;
	m->usize = ce->usize;
	m->mtime = ce->mtime != 0 ? ce->mtime :
	    zip_archive_dostime(ar, ce->dos_date, ce->dos_time);
	m->crc = ce->crc;
	m->method = ce->method;
	m->gpflags = ce->gpflags;
	m->problems = problems;
	m->cname_len = ce->name_len;
	ar->nm++;
	return FERRY_OK;
}

/* -------- the (parent, name) hash -------- */

static uint32_t
zip_node_parent(const struct zip_archive *ar, uint32_t node)
{
	if (node & ZIP_KID_FOLDER)
		return ar->f[ZIP_KID_INDEX(node)].parent;
	return ar->m[node].parent;
}

const char *
zip_node_name(const struct zip_archive *ar, uint32_t node)
{
	if (node & ZIP_KID_FOLDER)
		return ar->blob + ar->f[ZIP_KID_INDEX(node)].name;
	return ar->blob + ar->m[node].name;
}

const char *
zip_member_raw(const struct zip_archive *ar, uint32_t mi)
{
	if (ar->m[mi].raw != ZIP_NONE)
		return ar->blob + ar->m[mi].raw;
	return ar->blob + ar->m[mi].name;
}

static uint64_t
zip_hash_key(uint32_t parent, const char *name, size_t n)
{
	uint64_t	 h = 0xcbf29ce484222325ULL ^ ((uint64_t)parent << 7);
	size_t		 i;

	for (i = 0; i < n; i++) {
		h ^= (uint8_t)name[i];
		h *= 0x100000001b3ULL;
	}
	return h ^ (h >> 29);
}

static void
zip_hash_put(struct zip_archive *ar, uint32_t node)
{
	const char	*name = zip_node_name(ar, node);
	size_t		 i;

	i = zip_hash_key(zip_node_parent(ar, node), name, strlen(name)) &
	    (ar->hash_cap - 1);
	while (ar->hash[i] != ZIP_NONE)
		i = (i + 1) & (ar->hash_cap - 1);
	ar->hash[i] = node;
	ar->hash_used++;
}

/* Keep the load under one half. */
static void
zip_hash_grow(struct zip_archive *ar)
{
	uint32_t	*old = ar->hash;
	size_t		 oldcap = ar->hash_cap, i;

	if (ar->hash != NULL && (ar->hash_used + 1) * 2 <= ar->hash_cap)
		return;
	ar->hash_cap = ar->hash_cap == 0 ? 1024 : ar->hash_cap * 2;
	ar->hash = xreallocarray(NULL, ar->hash_cap, sizeof *ar->hash);
	memset(ar->hash, 0xff, ar->hash_cap * sizeof *ar->hash);
	ar->hash_used = 0;
	for (i = 0; i < oldcap; i++)
		if (old[i] != ZIP_NONE)
			zip_hash_put(ar, old[i]);
	free(old);
}

/* The node named name (n bytes) in folder parent, or ZIP_NONE. */
static uint32_t
zip_hash_find(const struct zip_archive *ar, uint32_t parent,
    const char *name, size_t n)
{
	const char	*cand;
	size_t		 i;
	uint32_t	 node;

	if (ar->hash == NULL)
		return ZIP_NONE;
	i = zip_hash_key(parent, name, n) & (ar->hash_cap - 1);
	while ((node = ar->hash[i]) != ZIP_NONE) {
		cand = zip_node_name(ar, node);
		if (zip_node_parent(ar, node) == parent &&
		    strncmp(cand, name, n) == 0 && cand[n] == '\0')
			return node;
		i = (i + 1) & (ar->hash_cap - 1);
	}
	return ZIP_NONE;
}

/* -------- building the tree -------- */

/*
 * A new folder in parent, named by the n blob bytes at name_off; its id,
 * or ZIP_NONE when full.
 */
static uint32_t
zip_folder_new(struct zip_archive *ar, uint32_t parent, size_t name_off,
    size_t n)
{
	struct zip_folder *f;
	uint32_t	 off;

	if (ar->nf >= ZIP_NODES_MAX ||
	    (off = zip_blob_dup(ar, name_off, n)) == ZIP_NONE)
		return ZIP_NONE;
	if (ar->nf == ar->cap_f) {
		ar->cap_f *= 2;
		ar->f = xreallocarray(ar->f, ar->cap_f, sizeof *ar->f);
	}
	f = &ar->f[ar->nf];
	memset(f, 0, sizeof *f);
	f->name = off;
	f->parent = parent;
	f->member = ZIP_NONE;
	zip_hash_grow(ar);
	zip_hash_put(ar, ar->nf | ZIP_KID_FOLDER);
	return ar->nf++;
}

/*
 * Walk (creating folders when create) the first n bytes of path, a
 * '/'-separated shown path; the folder reached, or ZIP_NONE.
 */
static uint32_t
zip_walk(struct zip_archive *ar, size_t path_off, size_t n, bool create)
{
	uint32_t	 cur = 0, node;
	size_t		 i = 0, k;
	const char	*c;

	while (i < n) {
		c = ar->blob + path_off + i;
		k = 0;
		while (i + k < n && c[k] != '/')
			k++;
		node = zip_hash_find(ar, cur, c, k);
		if (node == ZIP_NONE && create) {
			node = zip_folder_new(ar, cur, path_off + i, k);
			if (node == ZIP_NONE)
				return ZIP_NONE;
			node |= ZIP_KID_FOLDER;
		}
		if (node == ZIP_NONE || !(node & ZIP_KID_FOLDER))
			return ZIP_NONE;
		cur = ZIP_KID_INDEX(node);
		i += k + 1;
	}
	return cur;
}

/* Pass A: every folder that a record names or implies. */
static enum ferry_code
zip_make_folders(struct zip_archive *ar, struct ferry_error *err)
{
	struct zip_member *m;
	const char	*path, *slash;
	uint32_t	 i, dir;
	size_t		 n;

	for (i = 0; i < ar->nm; i++) {
		m = &ar->m[i];
		path = ar->blob + m->name;
		if (m->flags & ZIP_M_DIR)
			n = strlen(path);
		else {
			slash = strrchr(path, '/');
			n = slash == NULL ? 0 : (size_t)(slash - path);
		}
		/* The blob may move while folders are added: pass offsets. */
		dir = zip_walk(ar, m->name, n, true);
		if (dir == ZIP_NONE)
			return zip_full(ar, err);
		m->parent = dir;
		if ((m->flags & ZIP_M_DIR) && dir != 0 &&
		    ar->f[dir].member == ZIP_NONE)
			ar->f[dir].member = i;
	}
	return FERRY_OK;
}

/* The name "stem (N).ext" for a duplicate (malloc'd). */
static char *
zip_dup_name(const char *name, uint64_t n)
{
	const char	*dot;

	dot = strrchr(name, '.');
	if (dot == NULL || dot == name)
		return xasprintf("%s (%llu)", name, (unsigned long long)n);
	return xasprintf("%.*s (%llu)%s", (int)(dot - name), name,
	    (unsigned long long)n, dot);
}

/* Pass B: put every item in its folder under a unique name. */
static enum ferry_code
zip_place_items(struct zip_archive *ar, struct ferry_error *err)
{
	struct zip_member *m;
	const char	*path, *base;
	char		*alt = NULL;
	uint32_t	 i, off;
	uint64_t	 k;

	for (i = 0; i < ar->nm; i++) {
		m = &ar->m[i];
		if (m->flags & ZIP_M_DIR)
			continue;
		path = ar->blob + m->name;
		base = strrchr(path, '/');
		base = base == NULL ? path : base + 1;
		m->name = (uint32_t)(base - ar->blob);
		if (zip_hash_find(ar, m->parent, base, strlen(base)) !=
		    ZIP_NONE) {
			/* Record number, then lower ones: see the top. */
			for (k = 1; k <= (uint64_t)i + 1; k++) {
				alt = zip_dup_name(ar->blob + m->name,
				    (uint64_t)i + 2 - k);
				if (zip_hash_find(ar, m->parent, alt,
				    strlen(alt)) == ZIP_NONE)
					break;
				free(alt);
				alt = NULL;
			}
			if (alt == NULL)	/* every one planted: give up */
				alt = xasprintf("%s (#%u)", ar->blob +
				    m->name, (unsigned)i + 1);
			off = zip_blob_add(ar, alt, strlen(alt));
			free(alt);
			if (off == ZIP_NONE)
				return zip_full(ar, err);
			m->name = off;
			m->flags |= ZIP_M_DUP;
		}
		zip_hash_grow(ar);
		zip_hash_put(ar, i);
	}
	return FERRY_OK;
}

/* Children lists: kids[f.first ..], folders first, in record order. */
static void
zip_make_kids(struct zip_archive *ar)
{
	uint32_t	 i, p, total = 0, *fill;

	for (i = 1; i < ar->nf; i++) {
		ar->f[ar->f[i].parent].nkids++;
		ar->f[ar->f[i].parent].nsub++;
	}
	for (i = 0; i < ar->nm; i++)
		if (!(ar->m[i].flags & ZIP_M_DIR))
			ar->f[ar->m[i].parent].nkids++;
	for (i = 0; i < ar->nf; i++) {
		ar->f[i].first = total;
		total += ar->f[i].nkids;
	}
	ar->kids = xreallocarray(NULL, total + 1, sizeof *ar->kids);
	fill = xcalloc(ar->nf, sizeof *fill);
	for (i = 1; i < ar->nf; i++) {
		p = ar->f[i].parent;
		ar->kids[ar->f[p].first + fill[p]++] = i | ZIP_KID_FOLDER;
	}
	for (i = 0; i < ar->nm; i++) {
		if (ar->m[i].flags & ZIP_M_DIR)
			continue;
		p = ar->m[i].parent;
		ar->kids[ar->f[p].first + fill[p]++] = i;
	}
	free(fill);
}

/* Member a's lower-bound end: header + central name + compressed. */
static uint64_t
zip_min_end(const struct zip_member *m)
{
	uint64_t	 hdr = ZIP_LFH_SIZE + (uint64_t)m->cname_len;

	if (m->lho > UINT64_MAX - hdr || m->csize > UINT64_MAX - hdr - m->lho)
		return UINT64_MAX;
	return m->lho + hdr + m->csize;
}

static int
zip_cmp_lho(const void *a, const void *b, void *ud)
{
	const struct zip_archive *ar = ud;
	const struct zip_member	*ma = &ar->m[*(const uint32_t *)a];
	const struct zip_member	*mb = &ar->m[*(const uint32_t *)b];

	if (ma->lho != mb->lho)
		return ma->lho < mb->lho ? -1 : 1;
	return *(const uint32_t *)a < *(const uint32_t *)b ? -1 : 1;
}

/* Flag members whose byte ranges overlap or reach the directory. */
static void
zip_check_ranges(struct zip_archive *ar)
{
	uint64_t	 maxend = 0, end;
	uint32_t	 i, mi, owner = ZIP_NONE;

	ar->by_lho = xreallocarray(NULL, ar->nm + 1, sizeof *ar->by_lho);
	for (i = 0; i < ar->nm; i++)
		ar->by_lho[i] = i;
	qsort_r(ar->by_lho, ar->nm, sizeof *ar->by_lho, zip_cmp_lho, ar);
	for (i = 0; i < ar->nm; i++) {
		mi = ar->by_lho[i];
		end = zip_min_end(&ar->m[mi]);
		if (end > ar->eocd.cd_offset)
			ar->m[mi].flags |= ZIP_M_PASTCD;
		if (owner != ZIP_NONE && ar->m[mi].lho < maxend) {
			ar->m[mi].flags |= ZIP_M_OVERLAP;
			ar->m[owner].flags |= ZIP_M_OVERLAP;
		}
		if (owner == ZIP_NONE || end > maxend) {
			maxend = end;
			owner = mi;
		}
	}
}

static void
zip_count(struct zip_archive *ar)
{
	struct zip_totals *t = &ar->totals;
	const struct zip_member *m;
	uint32_t	 i;

	memset(t, 0, sizeof *t);
	t->members = ar->nm;
	t->folders = ar->nf - 1;
	for (i = 0; i < ar->nm; i++) {
		m = &ar->m[i];
		t->compressed += m->csize;
		if (m->problems != 0)
			t->unsafe++;
		if (m->flags & ZIP_M_OVERLAP)
			t->overlapping++;
		if (m->flags & ZIP_M_DIR)
			continue;
		t->items++;
		t->bytes += m->usize;
		t->duplicates += (m->flags & ZIP_M_DUP) != 0;
		t->symlinks += (m->flags & ZIP_M_SYMLINK) != 0;
		t->encrypted += (m->flags & ZIP_M_ENCRYPTED) != 0;
	}
}

enum ferry_code
zip_archive_finish(struct zip_archive *ar, struct ferry_error *err)
{
	enum ferry_code	 result;

	zip_hash_grow(ar);
	if ((result = zip_make_folders(ar, err)) != FERRY_OK)
		return result;
	if ((result = zip_place_items(ar, err)) != FERRY_OK)
		return result;
	zip_make_kids(ar);
	zip_check_ranges(ar);
	zip_count(ar);
	return FERRY_OK;
}

/* -------- lookups and entries -------- */

uint32_t
zip_lookup(const struct zip_archive *ar, const char *path)
{
	uint32_t	 cur = 0 | ZIP_KID_FOLDER, node;
	size_t		 k;

	while (*path == '/')
		path++;
	while (*path != '\0') {
		if (!(cur & ZIP_KID_FOLDER))
			return ZIP_NONE;	/* a member has no children */
		k = strcspn(path, "/");
		node = zip_hash_find(ar, ZIP_KID_INDEX(cur), path, k);
		if (node == ZIP_NONE)
			return ZIP_NONE;
		cur = node;
		path += k;
		while (*path == '/')
			path++;
	}
	return cur;
}

char *
zip_node_path(const struct zip_archive *ar, uint32_t node,
    struct ferry_arena *a)
{
	size_t		 len = 0, n;
	uint32_t	 cur;
	char		*out, *o;

	for (cur = node; ; cur = zip_node_parent(ar, cur) | ZIP_KID_FOLDER) {
		if (cur == (0 | ZIP_KID_FOLDER))
			break;
		len += strlen(zip_node_name(ar, cur)) + 1;
	}
	if (len == 0)
		return ferry_arena_strdup(a, "/");
	out = ferry_arena_alloc(a, len + 1);
	o = out + len;
	*o = '\0';
	for (cur = node; cur != (0 | ZIP_KID_FOLDER);
	    cur = zip_node_parent(ar, cur) | ZIP_KID_FOLDER) {
		n = strlen(zip_node_name(ar, cur));
		o -= n;
		memcpy(o, zip_node_name(ar, cur), n);
		*--o = '/';
	}
	return out;
}

/* The type class by extension: listing must not read member data. */
static enum ferry_type
zip_type_of(const char *name)
{
	static const struct {
		const char	*ext;
		enum ferry_type	 type;
	} exts[] = {
		{ "png", FERRY_TYPE_IMAGE }, { "jpg", FERRY_TYPE_IMAGE },
		{ "jpeg", FERRY_TYPE_IMAGE }, { "gif", FERRY_TYPE_IMAGE },
		{ "bmp", FERRY_TYPE_IMAGE }, { "webp", FERRY_TYPE_IMAGE },
		{ "tif", FERRY_TYPE_IMAGE }, { "tiff", FERRY_TYPE_IMAGE },
		{ "svg", FERRY_TYPE_IMAGE }, { "mp4", FERRY_TYPE_VIDEO },
		{ "mkv", FERRY_TYPE_VIDEO }, { "mov", FERRY_TYPE_VIDEO },
		{ "avi", FERRY_TYPE_VIDEO }, { "webm", FERRY_TYPE_VIDEO },
		{ "mp3", FERRY_TYPE_AUDIO }, { "wav", FERRY_TYPE_AUDIO },
		{ "flac", FERRY_TYPE_AUDIO }, { "ogg", FERRY_TYPE_AUDIO },
		{ "dcm", FERRY_TYPE_DICOM }, { "zip", FERRY_TYPE_ARCHIVE },
		{ "tar", FERRY_TYPE_ARCHIVE }, { "gz", FERRY_TYPE_ARCHIVE },
		{ "tgz", FERRY_TYPE_ARCHIVE }, { "bz2", FERRY_TYPE_ARCHIVE },
		{ "xz", FERRY_TYPE_ARCHIVE }, { "zst", FERRY_TYPE_ARCHIVE },
		{ "7z", FERRY_TYPE_ARCHIVE }, { "jar", FERRY_TYPE_ARCHIVE },
		{ "txt", FERRY_TYPE_TEXT }, { "md", FERRY_TYPE_TEXT },
		{ "csv", FERRY_TYPE_TEXT }, { "tsv", FERRY_TYPE_TEXT },
		{ "log", FERRY_TYPE_TEXT }, { "json", FERRY_TYPE_TEXT },
		{ "xml", FERRY_TYPE_TEXT }, { "yaml", FERRY_TYPE_TEXT },
		{ "yml", FERRY_TYPE_TEXT }, { "toml", FERRY_TYPE_TEXT },
		{ "ini", FERRY_TYPE_TEXT }, { "cfg", FERRY_TYPE_TEXT },
		{ "c", FERRY_TYPE_TEXT }, { "h", FERRY_TYPE_TEXT },
		{ "py", FERRY_TYPE_TEXT }, { "sh", FERRY_TYPE_TEXT },
		{ "out", FERRY_TYPE_TEXT }, { "err", FERRY_TYPE_TEXT },
		{ "html", FERRY_TYPE_TEXT }, { "pdf", FERRY_TYPE_DOCUMENT },
		{ "docx", FERRY_TYPE_DOCUMENT }, { "xlsx", FERRY_TYPE_DOCUMENT },
		{ "pptx", FERRY_TYPE_DOCUMENT }, { "odt", FERRY_TYPE_DOCUMENT },
	};
	const char	*dot;
	size_t		 i;

	dot = strrchr(name, '.');
	if (dot == NULL || dot == name || dot[1] == '\0')
		return FERRY_TYPE_OTHER;
	for (i = 0; i < FERRY_NELEM(exts); i++)
		if (strcasecmp(dot + 1, exts[i].ext) == 0)
			return exts[i].type;
	return FERRY_TYPE_OTHER;
}

/* The fields that order and filter by (no strings copied). */
static void
zip_stub(const struct zip_archive *ar, uint32_t node, struct ferry_entry *e)
{
	const struct zip_folder *f;
	const struct zip_member *m;

	memset(e, 0, sizeof *e);
	e->name = zip_node_name(ar, node);
	if (node & ZIP_KID_FOLDER) {
		f = &ar->f[ZIP_KID_INDEX(node)];
		e->kind = FERRY_KIND_FOLDER;
		if (f->member != ZIP_NONE)
			e->modified = ar->m[f->member].mtime;
		return;
	}
	m = &ar->m[node];
	e->kind = FERRY_KIND_ITEM;
	e->size = m->usize;
	e->modified = m->mtime;
	e->type = (uint8_t)zip_type_of(e->name);
	if (m->flags & ZIP_M_SYMLINK)
		e->flags |= FERRY_ENTRY_SYMLINK;
}

/* The ZIP fields of member mi as JSON members of o. */
static void
zip_meta_member(const struct zip_archive *ar, uint32_t mi, cJSON *o)
{
	const struct zip_member *m = &ar->m[mi];
	char		 buf[32], why[160];

	cJSON_AddStringToObject(o, "method", zip_method_name(m->method, buf,
	    sizeof buf));
	cJSON_AddNumberToObject(o, "method_id", m->method);
	cJSON_AddNumberToObject(o, "compressed_size", (double)m->csize);
	snprintf(buf, sizeof buf, "%08x", (unsigned)m->crc);
	cJSON_AddStringToObject(o, "crc32", buf);
	cJSON_AddNumberToObject(o, "local_header_offset", (double)m->lho);
	if (m->flags & ZIP_M_ENCRYPTED)
		cJSON_AddBoolToObject(o, "encrypted", 1);
	if (m->flags & ZIP_M_SYMLINK)
		cJSON_AddBoolToObject(o, "symlink", 1);
	if (m->raw != ZIP_NONE)
		cJSON_AddStringToObject(o, "raw_name", zip_member_raw(ar, mi));
	if (m->problems != 0) {
		zip_problems_str(m->problems, why, sizeof why);
		cJSON_AddStringToObject(o, "unsafe_name", why);
	}
	if (m->flags & ZIP_M_DUP)
		cJSON_AddBoolToObject(o, "duplicate", 1);
	if (m->flags & ZIP_M_OVERLAP)
		cJSON_AddBoolToObject(o, "overlapping", 1);
	if (m->flags & ZIP_M_PASTCD)
		cJSON_AddBoolToObject(o, "past_directory", 1);
}

/* client_metadata text for a node, in arena a. */
static const char *
zip_meta(const struct zip_archive *ar, uint32_t node, struct ferry_arena *a)
{
	const struct zip_folder *f;
	cJSON		*o;
	char		*txt;
	const char	*out;

	o = cJSON_CreateObject();
	if (!(node & ZIP_KID_FOLDER))
		zip_meta_member(ar, node, o);
	else if (node == (0 | ZIP_KID_FOLDER)) {
		cJSON_AddNumberToObject(o, "members",
		    (double)ar->totals.members);
		cJSON_AddNumberToObject(o, "compressed_size",
		    (double)ar->totals.compressed);
		cJSON_AddNumberToObject(o, "directory_size",
		    (double)ar->eocd.cd_size);
		cJSON_AddBoolToObject(o, "zip64", ar->eocd.zip64);
	} else {
		f = &ar->f[ZIP_KID_INDEX(node)];
		if (f->member == ZIP_NONE)
			cJSON_AddBoolToObject(o, "implied", 1);
		else
			zip_meta_member(ar, f->member, o);
	}
	txt = cJSON_PrintUnformatted(o);
	out = ferry_arena_strdup(a, txt != NULL ? txt : "{}");
	cJSON_free(txt);
	cJSON_Delete(o);
	return out;
}

void
zip_node_entry(const struct zip_archive *ar, uint32_t node, bool with_meta,
    struct ferry_entry *e, struct ferry_arena *a)
{
	const struct zip_folder *f;
	uint32_t	 rec = ZIP_NONE;

	zip_stub(ar, node, e);
	e->name = ferry_arena_strdup(a, e->name);
	if (node & ZIP_KID_FOLDER) {
		f = &ar->f[ZIP_KID_INDEX(node)];
		rec = f->member;
	} else
		rec = node;
	if (rec != ZIP_NONE)
		e->mode = ar->m[rec].mode;
	if (with_meta)
		e->metadata = zip_meta(ar, node, a);
}

/* -------- sorted listings -------- */

struct zip_sort {
	const struct zip_archive *ar;
	const struct ferry_query *q;
};

static int
zip_cmp_query(const void *a, const void *b, void *ud)
{
	const struct zip_sort *s = ud;
	struct ferry_entry ea, eb;

	zip_stub(s->ar, *(const uint32_t *)a, &ea);
	zip_stub(s->ar, *(const uint32_t *)b, &eb);
	return ferry_query_cmp(s->q, &ea, &eb);
}

void
zip_children_sorted(struct zip_archive *ar, uint32_t dir,
    const struct ferry_query *q, const uint32_t **out, uint32_t *n)
{
	const struct zip_folder *f = &ar->f[dir];
	struct ferry_entry e;
	struct zip_sort	 s;
	char		*key;
	uint32_t	 i, node;

	key = xasprintf("%u|%d|%d|%u|%s", (unsigned)dir, (int)q->order,
	    (int)q->desc, (unsigned)q->filter, q->search != NULL ?
	    q->search : "");
	if (ar->sorted_key != NULL && strcmp(key, ar->sorted_key) == 0) {
		free(key);
		*out = ar->sorted;
		*n = ar->nsorted;
		return;
	}
	free(ar->sorted_key);
	ar->sorted_key = key;
	ar->sorted = xreallocarray(ar->sorted, f->nkids + 1,
	    sizeof *ar->sorted);
	ar->nsorted = 0;
	for (i = 0; i < f->nkids; i++) {
		node = ar->kids[f->first + i];
		zip_stub(ar, node, &e);
		if (ferry_query_match(q, &e))
			ar->sorted[ar->nsorted++] = node;
	}
	s.ar = ar;
	s.q = q;
	qsort_r(ar->sorted, ar->nsorted, sizeof *ar->sorted, zip_cmp_query,
	    &s);
	ar->sorted_dir = dir;
	*out = ar->sorted;
	*n = ar->nsorted;
}
