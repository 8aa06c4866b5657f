/* SPDX-License-Identifier: MIT */
/*
 * The member decoder: a pull reader that turns a member's compressed
 * bytes (another reader, which it owns) into its content, for the store
 * and deflate methods (raw deflate through zlib's inflate).
 *
 * Invariants, whatever the compressed bytes are:
 * - it never gives more than the declared size: if the data would inflate
 *   further, the read that reaches the declared size is followed by an
 *   error ("inflates past its declared size") instead of the end;
 * - it never reads more than the declared compressed size from src;
 * - memory is fixed: zlib's state and window (~40 KiB) plus one 64 KiB
 *   input buffer, however large the member;
 * - at the end the CRC-32 of everything given is compared with the
 *   recorded one (FERRY_E_CORRUPT on a mismatch), and a stream that ends
 *   early or is cut short is FERRY_E_CORRUPT too.
 *
 * Also here: a window reader (skip N bytes, then give at most M), used
 * for reads of a member from an offset.
 *
 * One thread at a time, like every reader.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "ferry/error.h"
#include "ferry/stream.h"
#include "core/util.h"
#include "zip/zip.h"

#define ZIP_INBUF	65536

struct zip_decoder {
	struct ferry_reader r;
	struct ferry_reader *src;
	char		*name;
	z_stream	 z;
	bool		 zinit;
	bool		 done;		/* end reached and checked */
	bool		 zend;		/* deflate stream ended */
	uint16_t	 method;
	uint32_t	 crc;		/* running */
	uint32_t	 want_crc;
	uint64_t	 csize, usize;
	uint64_t	 in_done;	/* compressed bytes taken from src */
	uint64_t	 out_done;
	uint8_t		 in[ZIP_INBUF];
};

/* Refill z.next_in from src; false at the end of the compressed bytes. */
static enum ferry_code
zip_dec_fill(struct zip_decoder *d, bool *eof, struct ferry_error *err)
{
	enum ferry_code	 result;
	size_t		 want, got;

	*eof = false;
	if (d->z.avail_in > 0)
		return FERRY_OK;
	want = ZIP_INBUF;
	if (d->csize - d->in_done < want)
		want = (size_t)(d->csize - d->in_done);
	if (want == 0) {
		*eof = true;
		return FERRY_OK;
	}
	result = ferry_reader_read(d->src, d->in, want, &got, err);
	if (result != FERRY_OK)
		return result;
	if (got == 0)
		return ferry_error_set(err, FERRY_E_CORRUPT,
		    "%s: the archive ends after %llu of the member's %llu "
		    "compressed bytes (truncated archive?)", d->name,
		    (unsigned long long)d->in_done,
		    (unsigned long long)d->csize);
	d->in_done += got;
	d->z.next_in = d->in;
	d->z.avail_in = (uInt)got;
	return FERRY_OK;
}

/* Inflate into out (at most len bytes); *got the count. */
static enum ferry_code
zip_dec_inflate(struct zip_decoder *d, uint8_t *out, size_t len,
    size_t *got, struct ferry_error *err)
{
	enum ferry_code	 result;
	bool		 eof;
	int		 zr;

	*got = 0;
	d->z.next_out = out;
	d->z.avail_out = (uInt)len;
	while (d->z.avail_out > 0 && !d->zend) {
		if ((result = zip_dec_fill(d, &eof, err)) != FERRY_OK)
			return result;
		zr = inflate(&d->z, Z_NO_FLUSH);
		if (zr == Z_STREAM_END)
			d->zend = true;
		else if (zr == Z_DATA_ERROR || zr == Z_NEED_DICT)
			return ferry_error_set(err, FERRY_E_CORRUPT,
			    "%s: invalid deflate data near compressed byte "
			    "%llu (%s)", d->name,
			    (unsigned long long)(d->in_done - d->z.avail_in),
			    d->z.msg != NULL ? d->z.msg : "bad data");
		else if (zr == Z_MEM_ERROR)
			return ferry_error_set(err, FERRY_E_INTERNAL,
			    "%s: zlib is out of memory", d->name);
		else if (zr == Z_BUF_ERROR && eof)
			return ferry_error_set(err, FERRY_E_CORRUPT,
			    "%s: its deflate data does not end within its "
			    "%llu compressed bytes (truncated or lying sizes)",
			    d->name, (unsigned long long)d->csize);
		if ((size_t)(len - d->z.avail_out) > 0)
			break;	/* give what we have */
	}
	*got = len - d->z.avail_out;
	return FERRY_OK;
}

/* At the declared size: nothing may follow, and the CRC must match. */
static enum ferry_code
zip_dec_finish(struct zip_decoder *d, struct ferry_error *err)
{
	enum ferry_code	 result;
	uint8_t		 extra;
	size_t		 got;

	if (d->method == ZIP_METHOD_DEFLATE && !d->zend) {
		result = zip_dec_inflate(d, &extra, 1, &got, err);
		if (result != FERRY_OK)
			return result;
		if (got > 0)
			return ferry_error_set(err, FERRY_E_CORRUPT,
			    "%s: the member inflates past its declared size "
			    "of %llu bytes", d->name,
			    (unsigned long long)d->usize);
	}
	if (d->crc != d->want_crc)
		return ferry_error_set(err, FERRY_E_CORRUPT,
		    "%s: CRC-32 mismatch: the content gives %08x, the "
		    "archive records %08x", d->name, (unsigned)d->crc,
		    (unsigned)d->want_crc);
	d->done = true;
	return FERRY_OK;
}

static enum ferry_code
zip_dec_read(struct ferry_reader *r, void *buf, size_t len, size_t *got,
    struct ferry_error *err)
{
	struct zip_decoder *d = (struct zip_decoder *)r;
	enum ferry_code	 result;
	uint64_t	 left = d->usize - d->out_done;

	*got = 0;
	if (d->done || len == 0)
		return FERRY_OK;
	if (left == 0)
		return zip_dec_finish(d, err);
	if (len > left)
		len = (size_t)left;
	if (len > 1u << 30)
		len = 1u << 30;
	if (d->method == ZIP_METHOD_STORE) {
		result = ferry_reader_read(d->src, buf, len, got, err);
		if (result == FERRY_OK && *got == 0)
			result = ferry_error_set(err, FERRY_E_CORRUPT,
			    "%s: the archive ends after %llu of the member's "
			    "%llu bytes (truncated archive?)", d->name,
			    (unsigned long long)d->out_done,
			    (unsigned long long)d->usize);
		d->in_done += *got;
	} else {
		result = zip_dec_inflate(d, buf, len, got, err);
		if (result == FERRY_OK && *got == 0 && d->zend)
			result = ferry_error_set(err, FERRY_E_CORRUPT,
			    "%s: the member inflates to only %llu of its "
			    "declared %llu bytes", d->name,
			    (unsigned long long)d->out_done,
			    (unsigned long long)d->usize);
	}
	if (result != FERRY_OK) {
		*got = 0;
		return result;
	}
	d->crc = (uint32_t)crc32(d->crc, buf, (uInt)*got);
	d->out_done += *got;
	return FERRY_OK;
}

static void
zip_dec_close(struct ferry_reader *r)
{
	struct zip_decoder *d = (struct zip_decoder *)r;

	if (d->zinit)
		inflateEnd(&d->z);
	ferry_reader_close(d->src);
	free(d->name);
	free(d);
}

static const struct ferry_reader_ops zip_dec_ops = {
	zip_dec_read,
	zip_dec_close,
};

enum ferry_code
zip_decoder_new(struct ferry_reader *src, uint16_t method, uint64_t csize,
    uint64_t usize, uint32_t crc, uint32_t max_ratio, const char *name,
    struct ferry_reader **out, struct ferry_error *err)
{
	struct zip_decoder *d;
	char		 mbuf[32];

	*out = NULL;
	if (method != ZIP_METHOD_STORE && method != ZIP_METHOD_DEFLATE) {
		ferry_reader_close(src);
		return ferry_error_set(err, FERRY_E_UNSUPPORTED,
		    "%s: compression method %s (%u) is not supported: ferry "
		    "reads stored and deflated members", name,
		    zip_method_name(method, mbuf, sizeof mbuf),
		    (unsigned)method);
	}
	if ((method == ZIP_METHOD_STORE && csize != usize) ||
	    (max_ratio != 0 && usize / max_ratio > csize)) {
		ferry_reader_close(src);
		return ferry_error_set(err, FERRY_E_CORRUPT,
		    "%s: declares %llu bytes from %llu compressed ones, "
		    "beyond what %s can give (ratio limit %u:1): refused as "
		    "a lie or a ZIP bomb", name, (unsigned long long)usize,
		    (unsigned long long)csize, zip_method_name(method, mbuf,
		    sizeof mbuf), (unsigned)max_ratio);
	}
	d = xcalloc(1, sizeof *d);
	d->r.ops = &zip_dec_ops;
	d->r.size = usize;
	d->r.size_known = true;
	d->name = xstrdup(name);
	d->r.name = d->name;
	d->src = src;
	d->method = method;
	d->csize = csize;
	d->usize = usize;
	d->want_crc = crc;
	if (method == ZIP_METHOD_DEFLATE) {
		if (inflateInit2(&d->z, -MAX_WBITS) != Z_OK) {
			zip_dec_close(&d->r);
			return ferry_error_set(err, FERRY_E_INTERNAL,
			    "%s: zlib would not start", name);
		}
		d->zinit = true;
	}
	*out = &d->r;
	return FERRY_OK;
}

/* -------- window: skip, then limit -------- */

struct zip_window {
	struct ferry_reader r;
	struct ferry_reader *inner;
	uint64_t	 skip;
	uint64_t	 left;
};

static enum ferry_code
zip_win_read(struct ferry_reader *r, void *buf, size_t len, size_t *got,
    struct ferry_error *err)
{
	struct zip_window *w = (struct zip_window *)r;
	enum ferry_code	 result;
	size_t		 n;

	*got = 0;
	while (w->skip > 0) {
		n = len < w->skip ? len : (size_t)w->skip;
		if (n == 0)
			return FERRY_OK;
		result = ferry_reader_read(w->inner, buf, n, got, err);
		if (result != FERRY_OK || *got == 0)
			return result;
		w->skip -= *got;
		*got = 0;
	}
	if (w->left == 0)
		return FERRY_OK;
	if (len > w->left)
		len = (size_t)w->left;
	result = ferry_reader_read(w->inner, buf, len, got, err);
	if (result == FERRY_OK)
		w->left -= *got;
	return result;
}

static void
zip_win_close(struct ferry_reader *r)
{
	struct zip_window *w = (struct zip_window *)r;

	ferry_reader_close(w->inner);
	free(w);
}

static const struct ferry_reader_ops zip_win_ops = {
	zip_win_read,
	zip_win_close,
};

struct ferry_reader *
zip_window_new(struct ferry_reader *inner, uint64_t skip, uint64_t len)
{
	struct zip_window *w;

	w = xcalloc(1, sizeof *w);
	w->r.ops = &zip_win_ops;
	w->r.name = inner->name;
	w->inner = inner;
	w->skip = skip;
	w->left = len;
	if (inner->size_known) {
		w->r.size_known = true;
		w->r.size = inner->size <= skip ? 0 : inner->size - skip;
		if (w->r.size > len)
			w->r.size = len;
	}
	return &w->r;
}
