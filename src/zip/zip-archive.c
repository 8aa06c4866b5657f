/* SPDX-License-Identifier: MIT */
/*
 * Opening an archive and its members through a struct zip_io.
 *
 * Opening reads, and nothing else:
 *   1. the last 64 KiB (one prefetch request), where the EOCD lies unless
 *      the archive comment is longer than ~64 KiB, in which case the last
 *      ZIP_TAIL_MAX bytes are read instead (a second request);
 *   2. the ZIP64 end record, when a locator points at it and it is not in
 *      the tail already (usually it is);
 *   3. the central directory as one stream (the block cache serves the
 *      part of it that the tail holds, so those bytes are not fetched
 *      twice), parsed record by record through a 256 KiB buffer.
 * So a listing costs at most three requests, and the bytes fetched are
 * the directory plus the end records, or 64 KiB when that is more.
 *
 * A member is read by reading its local header (30 bytes plus name and
 * extra, through the cache), checking it against the central directory
 * and the neighbouring members, then streaming exactly its compressed
 * bytes into the decoder.
 *
 * One thread at a time (see zip.h).
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ferry/error.h"
#include "ferry/stream.h"
#include "core/util.h"
#include "zip/zip.h"

#define ZIP_TAIL_FIRST	65536		/* first tail read */
#define ZIP_CDBUF	(256 * 1024)	/* > the largest record, 196,651 */
#define ZIP_SIG_LFH	0x04034b50u

static uint16_t
zip_get16(const uint8_t *p)
{
	return (uint16_t)(p[0] | (p[1] << 8));
}

/* Read the last len bytes into buf, as one request. */
static enum ferry_code
zip_read_tail(const struct zip_io *io, uint64_t size, size_t len,
    uint8_t *buf, struct ferry_error *err)
{
	enum ferry_code	 result;

	if (io->prefetch != NULL) {
		result = io->prefetch(io->ud, size - len, len, err);
		if (result != FERRY_OK)
			return result;
	}
	return io->read(io->ud, size - len, buf, len, err);
}

/* Steps 1 and 2: the end records into *e. */
static enum ferry_code
zip_read_end(const struct zip_io *io, uint64_t size, const char *name,
    const struct zip_limits *lim, struct zip_eocd *e,
    struct ferry_error *err)
{
	enum ferry_code	 result;
	uint8_t		*buf, rec[ZIP_EOCD64_SIZE];
	uint64_t	 tail_off, limit;
	size_t		 len;

	buf = xmalloc(ZIP_TAIL_MAX);
	len = size < ZIP_TAIL_FIRST ? (size_t)size : ZIP_TAIL_FIRST;
	if (size >= ZIP_EOCD_SIZE &&
	    (result = zip_read_tail(io, size, len, buf, err)) != FERRY_OK)
		goto out;
	result = zip_eocd_find(buf, len, size, name, e, err);
	if (result == FERRY_E_NOT_FOUND) {
		len = size < ZIP_TAIL_MAX ? (size_t)size : ZIP_TAIL_MAX;
		if ((result = zip_read_tail(io, size, len, buf, err)) !=
		    FERRY_OK)
			goto out;
		result = zip_eocd_find(buf, len, size, name, e, err);
	}
	if (result != FERRY_OK)
		goto out;
	tail_off = size - len;
	if (e->zip64) {
		if (e->z64_offset >= tail_off)
			memcpy(rec, buf + (e->z64_offset - tail_off),
			    ZIP_EOCD64_SIZE);
		else if ((result = io->read(io->ud, e->z64_offset, rec,
		    ZIP_EOCD64_SIZE, err)) != FERRY_OK)
			goto out;
		if ((result = zip_eocd64_parse(rec, name, e, err)) != FERRY_OK)
			goto out;
	}
	limit = e->zip64 ? e->z64_offset : e->eocd_offset;
	if (e->cd_offset > limit || e->cd_size > limit - e->cd_offset) {
		result = ferry_error_set(err, FERRY_E_CORRUPT,
		    "%s: its central directory (offset %llu, %llu bytes) "
		    "runs past %s at %llu: a truncated or damaged archive",
		    name, (unsigned long long)e->cd_offset,
		    (unsigned long long)e->cd_size,
		    e->cd_offset > size || e->cd_size > size - e->cd_offset ?
		    "the end of the archive" : "the end records",
		    (unsigned long long)(e->cd_offset > size ||
		    e->cd_size > size - e->cd_offset ? size : limit));
		goto out;
	}
	if (e->cd_size > lim->max_cd_bytes) {
		result = ferry_error_set(err, FERRY_E_LIMIT,
		    "%s: its central directory is %llu bytes, more than the "
		    "limit of %llu ([zip] max_directory_bytes in the config)",
		    name, (unsigned long long)e->cd_size,
		    (unsigned long long)lim->max_cd_bytes);
		goto out;
	}
	if (e->entries > e->cd_size / ZIP_CDH_SIZE)
		result = ferry_error_set(err, FERRY_E_CORRUPT,
		    "%s: the end record declares %llu members, but a %llu-byte "
		    "central directory holds at most %llu", name,
		    (unsigned long long)e->entries,
		    (unsigned long long)e->cd_size,
		    (unsigned long long)(e->cd_size / ZIP_CDH_SIZE));
out:
	free(buf);
	return result;
}

/* Pull more of the directory stream: have >= need, or an error. */
static enum ferry_code
zip_cd_more(struct ferry_reader *st, uint8_t *buf, size_t *have,
    size_t need, const char *name, uint64_t pos, struct ferry_error *err)
{
	enum ferry_code	 result;
	size_t		 got;

	while (*have < need) {
		result = ferry_reader_read(st, buf + *have, ZIP_CDBUF - *have,
		    &got, err);
		if (result != FERRY_OK)
			return result;
		if (got == 0)
			return ferry_error_set(err, FERRY_E_CORRUPT,
			    "%s: the central directory ends early, in the "
			    "record at offset %llu (truncated archive?)",
			    name, (unsigned long long)pos);
		*have += got;
	}
	return FERRY_OK;
}

/* Step 3: every record of the central directory into ar. */
static enum ferry_code
zip_read_cd(const struct zip_io *io, struct zip_archive *ar,
    struct ferry_error *err)
{
	struct ferry_reader *st = NULL;
	struct zip_cdent ce;
	enum ferry_code	 result;
	uint8_t		*buf;
	uint64_t	 pos = ar->eocd.cd_offset, end, count = 0;
	size_t		 have = 0, o = 0, used, need;

	end = ar->eocd.cd_offset + ar->eocd.cd_size;
	/* Both hints are bounded by the checked directory size. */
	zip_archive_reserve(ar, ar->eocd.entries, ar->eocd.cd_size -
	    ar->eocd.entries * ZIP_CDH_SIZE + ar->eocd.entries + 1);
	buf = xmalloc(ZIP_CDBUF);
	if (pos < end) {
		result = io->stream(io->ud, pos, ar->eocd.cd_size, &st, err);
		if (result != FERRY_OK)
			goto out;
	}
	while (pos < end) {
		result = zip_cdent_parse(buf + o, have - o, pos, &ce, &used,
		    &need, err);
		if (result != FERRY_OK) {
			ferry_error_prefix(err, "%s", ar->name);
			goto out;
		}
		if (used > 0) {
			if ((result = zip_archive_add(ar, &ce, err)) !=
			    FERRY_OK)
				goto out;
			o += used;
			pos += used;
			count++;
			continue;
		}
		if (need > end - pos) {
			result = ferry_error_set(err, FERRY_E_CORRUPT,
			    "%s: the central directory record at offset %llu "
			    "(%zu bytes) runs past the end of the directory "
			    "at %llu", ar->name, (unsigned long long)pos,
			    need, (unsigned long long)end);
			goto out;
		}
		memmove(buf, buf + o, have - o);
		have -= o;
		o = 0;
		if ((result = zip_cd_more(st, buf, &have, need, ar->name, pos,
		    err)) != FERRY_OK)
			goto out;
	}
	result = FERRY_OK;
	if (ar->eocd.zip64 ? count != ar->eocd.entries :
	    (count & 0xffff) != ar->eocd.entries)
		result = ferry_error_set(err, FERRY_E_CORRUPT,
		    "%s: the central directory holds %llu records where the "
		    "end record declares %llu", ar->name,
		    (unsigned long long)count,
		    (unsigned long long)ar->eocd.entries);
out:
	ferry_reader_close(st);
	free(buf);
	return result;
}

enum ferry_code
zip_archive_open(const struct zip_io *io, uint64_t size, const char *name,
    const struct zip_limits *limits, struct zip_archive **out,
    struct ferry_error *err)
{
	struct zip_archive *ar;
	enum ferry_code	 result;

	*out = NULL;
	ar = zip_archive_new(name, size, limits);
	result = zip_read_end(io, size, name, &ar->limits, &ar->eocd, err);
	if (result == FERRY_OK)
		result = zip_read_cd(io, ar, err);
	if (result == FERRY_OK)
		result = zip_archive_finish(ar, err);
	if (result != FERRY_OK) {
		zip_archive_free(ar);
		return result;
	}
	*out = ar;
	return FERRY_OK;
}

/* -------- members -------- */

/* The first member after mi in local-header order, or ZIP_NONE. */
static uint32_t
zip_next_by_lho(const struct zip_archive *ar, uint32_t mi)
{
	const struct zip_member *m = &ar->m[mi], *c;
	uint32_t	 lo = 0, hi = ar->nm, mid;

	while (lo < hi) {	/* the position of mi: sorted by lho, index */
		mid = lo + (hi - lo) / 2;
		c = &ar->m[ar->by_lho[mid]];
		if (c->lho < m->lho ||
		    (c->lho == m->lho && ar->by_lho[mid] < mi))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo + 1 < ar->nm ? ar->by_lho[lo + 1] : ZIP_NONE;
}

/* "ARCHIVE: member 'PATH'" for messages, in a. */
static const char *
zip_label(const struct zip_archive *ar, uint32_t mi, struct ferry_arena *a)
{
	return ferry_arena_printf(a, "%s: member '%s'", ar->name,
	    zip_node_path(ar, mi, a) + 1);
}

enum ferry_code
zip_member_range(const struct zip_archive *ar, const struct zip_io *io,
    uint32_t mi, struct zip_range *out, struct ferry_error *err)
{
	const struct zip_member *m = &ar->m[mi];
	struct ferry_arena a = FERRY_ARENA_INIT;
	enum ferry_code	 result;
	uint8_t		 h[ZIP_LFH_SIZE];
	uint64_t	 limit;
	uint32_t	 next;
	char		 m1[32], m2[32];

	memset(out, 0, sizeof *out);
	if (m->flags & ZIP_M_OVERLAP) {
		result = ferry_error_set(err, FERRY_E_CORRUPT, "%s overlaps "
		    "another member's bytes (local header at %llu): refused, "
		    "as a ZIP bomb pattern or a damaged archive",
		    zip_label(ar, mi, &a), (unsigned long long)m->lho);
		goto out;
	}
	if (m->flags & ZIP_M_PASTCD) {
		result = ferry_error_set(err, FERRY_E_CORRUPT, "%s (local "
		    "header at %llu, %llu compressed bytes) runs into the "
		    "central directory at %llu", zip_label(ar, mi, &a),
		    (unsigned long long)m->lho, (unsigned long long)m->csize,
		    (unsigned long long)ar->eocd.cd_offset);
		goto out;
	}
	if ((result = io->read(io->ud, m->lho, h, sizeof h, err)) != FERRY_OK)
		goto out;
	if (h[0] != 'P' || h[1] != 'K' || h[2] != 3 || h[3] != 4) {
		result = ferry_error_set(err, FERRY_E_CORRUPT, "%s: no local "
		    "header at offset %llu, where the central directory "
		    "points", zip_label(ar, mi, &a),
		    (unsigned long long)m->lho);
		goto out;
	}
	if (zip_get16(h + 8) != m->method) {
		result = ferry_error_set(err, FERRY_E_CORRUPT, "%s: its local "
		    "header says method %s, the central directory %s",
		    zip_label(ar, mi, &a), zip_method_name(zip_get16(h + 8),
		    m1, sizeof m1), zip_method_name(m->method, m2,
		    sizeof m2));
		goto out;
	}
	out->header = m->lho;
	out->start = m->lho + ZIP_LFH_SIZE + zip_get16(h + 26) +
	    zip_get16(h + 28);
	out->end = out->start + m->csize;
	next = zip_next_by_lho(ar, mi);
	limit = next != ZIP_NONE ? ar->m[next].lho : ar->eocd.cd_offset;
	if (out->end > limit || out->end < out->start) {
		result = ferry_error_set(err, FERRY_E_CORRUPT, "%s: its data "
		    "(bytes %llu to %llu) runs into %s at %llu",
		    zip_label(ar, mi, &a), (unsigned long long)out->start,
		    (unsigned long long)out->end, next != ZIP_NONE ?
		    "the next member" : "the central directory",
		    (unsigned long long)limit);
		goto out;
	}
	out->csize = m->csize;
	out->usize = m->usize;
	out->method = m->method;
	out->crc = m->crc;
out:
	ferry_arena_done(&a);
	return result;
}

/* The reasons a member is not read, checked before any I/O. */
static enum ferry_code
zip_member_check(const struct zip_archive *ar, uint32_t mi, unsigned flags,
    struct ferry_arena *a, struct ferry_error *err)
{
	const struct zip_member *m = &ar->m[mi];
	char		 why[160], mb[32];

	if (m->flags & ZIP_M_DIR)
		return ferry_error_set(err, FERRY_E_IS_FOLDER,
		    "%s is a folder", zip_label(ar, mi, a));
	if (m->problems != 0 && !(flags & ZIP_OPEN_UNSAFE)) {
		zip_problems_str(m->problems, why, sizeof why);
		return ferry_error_set(err, FERRY_E_PERMISSION,
		    "%s: its name in the archive, '%s', has %s; ferry shows "
		    "it under a safe name and refuses to extract it",
		    zip_label(ar, mi, a), zip_member_raw(ar, mi), why);
	}
	if ((m->flags & ZIP_M_SYMLINK) && !(flags & ZIP_OPEN_LINK))
		return ferry_error_set(err, FERRY_E_UNSUPPORTED,
		    "%s is a symbolic link: ferry lists links in archives "
		    "but never creates or follows them", zip_label(ar, mi, a));
	if (m->flags & ZIP_M_ENCRYPTED)
		return ferry_error_set(err, FERRY_E_UNSUPPORTED,
		    "%s is encrypted (method %s): ferry cannot decrypt "
		    "archive members", zip_label(ar, mi, a),
		    zip_method_name(m->method, mb, sizeof mb));
	if (m->method != ZIP_METHOD_STORE && m->method != ZIP_METHOD_DEFLATE)
		return ferry_error_set(err, FERRY_E_UNSUPPORTED,
		    "%s uses compression method %s (%u), which ferry cannot "
		    "read: it reads stored and deflated members",
		    zip_label(ar, mi, a), zip_method_name(m->method, mb,
		    sizeof mb), (unsigned)m->method);
	return FERRY_OK;
}

enum ferry_code
zip_member_open(const struct zip_archive *ar, const struct zip_io *io,
    uint32_t mi, uint64_t offset, uint64_t len, unsigned flags,
    struct ferry_reader **out, struct ferry_error *err)
{
	const struct zip_member *m = &ar->m[mi];
	struct ferry_arena a = FERRY_ARENA_INIT;
	struct ferry_reader *src, *dec;
	struct zip_range rg;
	enum ferry_code	 result;
	const char	*label;

	*out = NULL;
	if ((result = zip_member_check(ar, mi, flags, &a, err)) != FERRY_OK)
		goto out;
	label = zip_label(ar, mi, &a);
	if (offset > m->usize) {
		result = ferry_error_set(err, FERRY_E_INVALID, "%s: offset "
		    "%llu is past its end (%llu bytes)", label,
		    (unsigned long long)offset, (unsigned long long)m->usize);
		goto out;
	}
	if (len > m->usize - offset)
		len = m->usize - offset;
	if ((result = zip_member_range(ar, io, mi, &rg, err)) != FERRY_OK)
		goto out;
	if (m->method == ZIP_METHOD_STORE && m->csize == m->usize &&
	    (offset > 0 || len < m->usize)) {
		/* A part of a stored member: a plain range, no CRC. */
		result = io->stream(io->ud, rg.start + offset, len, out, err);
		goto out;
	}
	if ((result = io->stream(io->ud, rg.start, rg.csize, &src, err)) !=
	    FERRY_OK)
		goto out;
	result = zip_decoder_new(src, m->method, m->csize, m->usize, m->crc,
	    ar->limits.max_ratio, label, &dec, err);
	if (result != FERRY_OK)
		goto out;
	*out = offset > 0 || len < m->usize ? zip_window_new(dec, offset, len) :
	    dec;
out:
	ferry_arena_done(&a);
	return result;
}
