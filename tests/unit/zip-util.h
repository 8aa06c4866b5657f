/* SPDX-License-Identifier: MIT */
/*
 * Test helpers for the ZIP reader: a small archive writer that can also
 * lie (sizes, CRCs, offsets, names, methods), and a struct zip_io over a
 * memory buffer that counts its calls.  Header-only, for the zip-*-test.c
 * files.
 */
#ifndef FERRY_TEST_ZIP_UTIL_H
#define FERRY_TEST_ZIP_UTIL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "ferry/stream.h"
#include "core/util.h"
#include "zip/zip.h"

struct zw_buf {
	uint8_t		*p;
	size_t		 n, cap;
};

static inline void
zw_put(struct zw_buf *b, const void *p, size_t n)
{
	if (b->n + n > b->cap) {
		b->cap = (b->n + n) * 2 + 64;
		b->p = xrealloc(b->p, b->cap);
	}
	if (n > 0)
		memcpy(b->p + b->n, p, n);
	b->n += n;
}

static inline void
zw_u16(struct zw_buf *b, uint32_t v)
{
	uint8_t	 x[2] = { (uint8_t)v, (uint8_t)(v >> 8) };

	zw_put(b, x, 2);
}

static inline void
zw_u32(struct zw_buf *b, uint32_t v)
{
	zw_u16(b, v & 0xffff);
	zw_u16(b, v >> 16);
}

static inline void
zw_u64(struct zw_buf *b, uint64_t v)
{
	zw_u32(b, (uint32_t)v);
	zw_u32(b, (uint32_t)(v >> 32));
}

/* Options of one member; zero means "the truth". */
struct zw_opts {
	uint16_t	 method;	/* 0 store, 8 deflate, others raw */
	bool		 usize_set;
	uint64_t	 usize;		/* a lie for the central directory */
	bool		 csize_set;
	uint64_t	 csize;
	bool		 crc_set;
	uint32_t	 crc;
	bool		 lho_set;
	uint64_t	 lho;
	uint16_t	 gpflags;
	uint16_t	 made_by;	/* 0: 0x031e (Unix, 3.0) */
	uint32_t	 ext_attr;
	bool		 zip64;		/* ZIP64 extra with all 3 values */
	uint16_t	 local_method;	/* != method when set (+1) */
	uint16_t	 local_xlen;	/* a lying extra length, none written */
};

struct zw {
	struct zw_buf	 out;		/* the archive so far */
	struct zw_buf	 cd;		/* central directory records */
	uint64_t	 count;
};

static inline void
zw_init(struct zw *w)
{
	memset(w, 0, sizeof *w);
}

static inline void
zw_free(struct zw *w)
{
	free(w->out.p);
	free(w->cd.p);
	memset(w, 0, sizeof *w);
}

/* Raw deflate of data into a malloc'd buffer. */
static inline uint8_t *
zw_deflate(const void *data, size_t len, size_t *outlen)
{
	z_stream	 z;
	uint8_t		*out;
	size_t		 cap = len + len / 100 + 64;

	memset(&z, 0, sizeof z);
	deflateInit2(&z, 9, Z_DEFLATED, -MAX_WBITS, 9, Z_DEFAULT_STRATEGY);
	out = xmalloc(cap);
	z.next_in = (Bytef *)(uintptr_t)data;
	z.avail_in = (uInt)len;
	z.next_out = out;
	z.avail_out = (uInt)cap;
	deflate(&z, Z_FINISH);
	*outlen = cap - z.avail_out;
	deflateEnd(&z);
	return out;
}

/* Add a member: local header + data now, its record for zw_finish. */
static inline uint64_t
zw_add(struct zw *w, const char *name, size_t nlen, const void *data,
    size_t len, const struct zw_opts *o)
{
	struct zw_opts	 none;
	uint8_t		*comp = NULL;
	const uint8_t	*payload = data;
	size_t		 plen = len;
	uint64_t	 lho = w->out.n, usize, csize;
	uint32_t	 crc;
	uint16_t	 lmethod;

	if (o == NULL) {
		memset(&none, 0, sizeof none);
		o = &none;
	}
	if (o->method == 8) {
		comp = zw_deflate(data, len, &plen);
		payload = comp;
	}
	crc = o->crc_set ? o->crc : (uint32_t)crc32(0, data, (uInt)len);
	usize = o->usize_set ? o->usize : len;
	csize = o->csize_set ? o->csize : plen;
	lmethod = o->local_method != 0 ? o->local_method - 1 : o->method;
	zw_u32(&w->out, 0x04034b50);
	zw_u16(&w->out, 20);
	zw_u16(&w->out, o->gpflags);
	zw_u16(&w->out, lmethod);
	zw_u16(&w->out, 0x6000);	/* 12:00 */
	zw_u16(&w->out, 0x5821);	/* 2024-01-01 */
	zw_u32(&w->out, crc);
	zw_u32(&w->out, (uint32_t)plen);
	zw_u32(&w->out, (uint32_t)len);
	zw_u16(&w->out, (uint32_t)nlen);
	zw_u16(&w->out, o->local_xlen);
	zw_put(&w->out, name, nlen);
	zw_put(&w->out, payload, plen);
	free(comp);
	if (o->lho_set)
		lho = o->lho;
	zw_u32(&w->cd, 0x02014b50);
	zw_u16(&w->cd, o->made_by != 0 ? o->made_by : 0x031e);
	zw_u16(&w->cd, o->zip64 ? 45 : 20);
	zw_u16(&w->cd, o->gpflags);
	zw_u16(&w->cd, o->method);
	zw_u16(&w->cd, 0x6000);
	zw_u16(&w->cd, 0x5821);
	zw_u32(&w->cd, crc);
	zw_u32(&w->cd, o->zip64 ? 0xffffffffu : (uint32_t)csize);
	zw_u32(&w->cd, o->zip64 ? 0xffffffffu : (uint32_t)usize);
	zw_u16(&w->cd, (uint32_t)nlen);
	zw_u16(&w->cd, o->zip64 ? 28 : 0);
	zw_u16(&w->cd, 0);
	zw_u16(&w->cd, 0);
	zw_u16(&w->cd, 0);
	zw_u32(&w->cd, o->ext_attr != 0 ? o->ext_attr : 0100644u << 16);
	zw_u32(&w->cd, o->zip64 ? 0xffffffffu : (uint32_t)lho);
	zw_put(&w->cd, name, nlen);
	if (o->zip64) {
		zw_u16(&w->cd, 1);
		zw_u16(&w->cd, 24);
		zw_u64(&w->cd, usize);
		zw_u64(&w->cd, csize);
		zw_u64(&w->cd, lho);
	}
	w->count++;
	return lho;
}

static inline uint64_t
zw_add_str(struct zw *w, const char *name, const char *data,
    const struct zw_opts *o)
{
	return zw_add(w, name, strlen(name), data, strlen(data), o);
}

/* Append the central directory and the end records. */
static inline void
zw_finish(struct zw *w, const char *comment, bool zip64)
{
	uint64_t	 cd_off = w->out.n, z64_off;
	size_t		 clen = comment != NULL ? strlen(comment) : 0;

	zw_put(&w->out, w->cd.p, w->cd.n);
	if (zip64) {
		z64_off = w->out.n;
		zw_u32(&w->out, 0x06064b50);
		zw_u64(&w->out, 44);
		zw_u16(&w->out, 45);
		zw_u16(&w->out, 45);
		zw_u32(&w->out, 0);
		zw_u32(&w->out, 0);
		zw_u64(&w->out, w->count);
		zw_u64(&w->out, w->count);
		zw_u64(&w->out, w->cd.n);
		zw_u64(&w->out, cd_off);
		zw_u32(&w->out, 0x07064b50);
		zw_u32(&w->out, 0);
		zw_u64(&w->out, z64_off);
		zw_u32(&w->out, 1);
	}
	zw_u32(&w->out, 0x06054b50);
	zw_u16(&w->out, 0);
	zw_u16(&w->out, 0);
	zw_u16(&w->out, zip64 ? 0xffff : (uint32_t)(w->count & 0xffff));
	zw_u16(&w->out, zip64 ? 0xffff : (uint32_t)(w->count & 0xffff));
	zw_u32(&w->out, zip64 ? 0xffffffffu : (uint32_t)w->cd.n);
	zw_u32(&w->out, zip64 ? 0xffffffffu : (uint32_t)cd_off);
	zw_u16(&w->out, (uint32_t)clen);
	zw_put(&w->out, comment, clen);
}

/* -------- a counting zip_io over memory -------- */

struct memio {
	const uint8_t	*p;
	size_t		 n;
	unsigned	 reads, streams, prefetches;
	uint64_t	 bytes;		/* bytes handed out by read/stream */
};

static inline enum ferry_code
memio_read(void *ud, uint64_t off, void *buf, size_t len,
    struct ferry_error *err)
{
	struct memio	*m = ud;

	if (off > m->n || len > m->n - off)
		return ferry_error_set(err, FERRY_E_CORRUPT, "memio: read "
		    "past the end");
	memcpy(buf, m->p + off, len);
	m->reads++;
	m->bytes += len;
	return FERRY_OK;
}

static inline enum ferry_code
memio_prefetch(void *ud, uint64_t off, size_t len, struct ferry_error *err)
{
	struct memio	*m = ud;

	(void)err;
	(void)off;
	(void)len;
	m->prefetches++;
	return FERRY_OK;
}

static inline enum ferry_code
memio_stream(void *ud, uint64_t off, uint64_t len, struct ferry_reader **out,
    struct ferry_error *err)
{
	struct memio	*m = ud;

	if (off > m->n || len > m->n - off)
		return ferry_error_set(err, FERRY_E_CORRUPT, "memio: stream "
		    "past the end");
	m->streams++;
	m->bytes += len;
	*out = ferry_reader_mem(m->p + off, (size_t)len);
	return FERRY_OK;
}

static inline struct zip_io
memio_io(struct memio *m, const void *p, size_t n)
{
	struct zip_io	 io = { memio_prefetch, memio_read, memio_stream, m };

	memset(m, 0, sizeof *m);
	m->p = p;
	m->n = n;
	return io;
}

/* Read a whole reader into a malloc'd buffer; *n its length. */
static inline enum ferry_code
zw_slurp(struct ferry_reader *r, char **out, size_t *n,
    struct ferry_error *err)
{
	struct zw_buf	 b = { NULL, 0, 0 };
	enum ferry_code	 result;
	char		 tmp[4096];
	size_t		 got;

	for (;;) {
		result = ferry_reader_read(r, tmp, sizeof tmp, &got, err);
		if (result != FERRY_OK || got == 0)
			break;
		zw_put(&b, tmp, got);
	}
	zw_put(&b, "", 1);
	*out = (char *)b.p;
	*n = b.n - 1;
	return result;
}

#endif
