/* SPDX-License-Identifier: MIT */
/*
 * The byte formats of a ZIP archive (PKWARE APPNOTE.TXT): the end of
 * central directory record (EOCD), the ZIP64 locator and record, central
 * directory records with their ZIP64, extended-timestamp and Unicode-path
 * extra fields, DOS times, method names, and the shown form of a member
 * name.
 *
 * Pure functions over byte buffers whose length is always passed in: a
 * field is read only after the bytes holding it are known to be there.
 * Any thread.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <zlib.h>

#include "ferry/error.h"
#include "core/util.h"
#include "zip/zip.h"

#define ZIP_SIG_EOCD	0x06054b50u
#define ZIP_SIG_LOC64	0x07064b50u
#define ZIP_SIG_EOCD64	0x06064b50u
#define ZIP_SIG_CDH	0x02014b50u

#define ZIP_X_ZIP64	0x0001u
#define ZIP_X_TIME	0x5455u
#define ZIP_X_UPATH	0x7075u

#define ZIP_GP_UTF8	0x0800u

static uint16_t
zip_le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | (p[1] << 8));
}

static uint32_t
zip_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | ((uint32_t)p[1] << 8) |
	    ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

static uint64_t
zip_le64(const uint8_t *p)
{
	return (uint64_t)zip_le32(p) | ((uint64_t)zip_le32(p + 4) << 32);
}

/* -------- end records -------- */

/* Look for a ZIP64 locator right before the EOCD at buf[i]. */
static enum ferry_code
zip_eocd_locator(const uint8_t *buf, size_t i, const char *name,
    struct zip_eocd *out, struct ferry_error *err)
{
	const uint8_t	*l;

	if (i < ZIP_LOC64_SIZE)
		return FERRY_OK;
	l = buf + i - ZIP_LOC64_SIZE;
	if (zip_le32(l) != ZIP_SIG_LOC64)
		return FERRY_OK;
	if (zip_le32(l + 4) != 0 || zip_le32(l + 16) > 1)
		return ferry_error_set(err, FERRY_E_UNSUPPORTED,
		    "%s: a split (multi-part) ZIP64 archive of %u parts: "
		    "ferry reads single-file archives only", name,
		    (unsigned)zip_le32(l + 16));
	out->zip64 = true;
	out->z64_offset = zip_le64(l + 8);
	if (out->z64_offset > out->eocd_offset - ZIP_LOC64_SIZE ||
	    out->eocd_offset - ZIP_LOC64_SIZE - out->z64_offset <
	    ZIP_EOCD64_SIZE)
		return ferry_error_set(err, FERRY_E_CORRUPT,
		    "%s: the ZIP64 locator points at offset %llu, where no "
		    "ZIP64 end record fits before it", name,
		    (unsigned long long)out->z64_offset);
	return FERRY_OK;
}

/* Fill out from the EOCD at buf[i] (whose file offset is pos). */
static enum ferry_code
zip_eocd_fill(const uint8_t *buf, size_t i, uint64_t pos, const char *name,
    struct zip_eocd *out, struct ferry_error *err)
{
	const uint8_t	*p = buf + i;
	enum ferry_code	 result;

	memset(out, 0, sizeof *out);
	out->eocd_offset = pos;
	out->entries = zip_le16(p + 10);
	out->cd_size = zip_le32(p + 12);
	out->cd_offset = zip_le32(p + 16);
	out->comment_len = zip_le16(p + 20);
	if ((result = zip_eocd_locator(buf, i, name, out, err)) != FERRY_OK)
		return result;
	if (!out->zip64 && (zip_le16(p + 4) != 0 || zip_le16(p + 6) != 0 ||
	    zip_le16(p + 8) != zip_le16(p + 10)))
		return ferry_error_set(err, FERRY_E_UNSUPPORTED,
		    "%s: this is one part of a split (multi-part) archive "
		    "(part %u): ferry reads single-file archives only", name,
		    (unsigned)zip_le16(p + 4) + 1);
	return FERRY_OK;
}

enum ferry_code
zip_eocd_find(const uint8_t *buf, size_t len, uint64_t size,
    const char *name, struct zip_eocd *out, struct ferry_error *err)
{
	uint64_t	 buf_off, pos, end;
	size_t		 i, fallback = SIZE_MAX;

	memset(out, 0, sizeof *out);
	if (len > size)
		return ferry_error_set(err, FERRY_E_INTERNAL,
		    "%s: tail of %zu bytes is longer than the archive", name,
		    len);
	if (size < ZIP_EOCD_SIZE)
		return ferry_error_set(err, FERRY_E_CORRUPT,
		    "%s: not a ZIP archive: %llu bytes is too short to hold "
		    "an end-of-central-directory record", name,
		    (unsigned long long)size);
	buf_off = size - len;
	/* From the end: the first record whose comment ends the file. */
	for (i = len - ZIP_EOCD_SIZE + 1; i-- > 0;) {
		if (buf[i] != 'P' || zip_le32(buf + i) != ZIP_SIG_EOCD)
			continue;
		pos = buf_off + i;
		end = pos + ZIP_EOCD_SIZE + zip_le16(buf + i + 20);
		if (end == size)
			break;
		if (end < size && fallback == SIZE_MAX)
			fallback = i;	/* trailing bytes after the comment */
	}
	if (i == SIZE_MAX)
		i = fallback;
	if (i == SIZE_MAX) {
		if (buf_off > 0 && len < ZIP_TAIL_MAX)
			return FERRY_E_NOT_FOUND;	/* fetch more */
		return ferry_error_set(err, FERRY_E_CORRUPT,
		    "%s: not a ZIP archive, or a truncated one: no "
		    "end-of-central-directory record in its last %zu bytes",
		    name, len);
	}
	/* The locator must be in the buffer when it can exist at all. */
	if (i < ZIP_LOC64_SIZE && buf_off > 0 && len < ZIP_TAIL_MAX)
		return FERRY_E_NOT_FOUND;
	return zip_eocd_fill(buf, i, buf_off + i, name, out, err);
}

enum ferry_code
zip_eocd64_parse(const uint8_t *rec, const char *name, struct zip_eocd *out,
    struct ferry_error *err)
{
	if (zip_le32(rec) != ZIP_SIG_EOCD64)
		return ferry_error_set(err, FERRY_E_CORRUPT,
		    "%s: no ZIP64 end record at offset %llu, where the "
		    "locator points", name,
		    (unsigned long long)out->z64_offset);
	if (zip_le32(rec + 16) != 0 || zip_le32(rec + 20) != 0)
		return ferry_error_set(err, FERRY_E_UNSUPPORTED,
		    "%s: a split (multi-part) ZIP64 archive: ferry reads "
		    "single-file archives only", name);
	out->entries = zip_le64(rec + 32);
	out->cd_size = zip_le64(rec + 40);
	out->cd_offset = zip_le64(rec + 48);
	return FERRY_OK;
}

/* -------- central directory records -------- */

/* The ZIP64 extra field: 8-byte values for the saturated fields. */
static enum ferry_code
zip_extra_zip64(const uint8_t *d, size_t n, uint64_t where,
    struct zip_cdent *out, uint32_t raw_usize, uint32_t raw_csize,
    uint32_t raw_lho, struct ferry_error *err)
{
	size_t	 o = 0;

	if (raw_usize == UINT32_MAX) {
		if (o + 8 > n)
			goto short_field;
		out->usize = zip_le64(d + o);
		o += 8;
	}
	if (raw_csize == UINT32_MAX) {
		if (o + 8 > n)
			goto short_field;
		out->csize = zip_le64(d + o);
		o += 8;
	}
	if (raw_lho == UINT32_MAX) {
		if (o + 8 > n)
			goto short_field;
		out->lho = zip_le64(d + o);
	}
	return FERRY_OK;
short_field:
	return ferry_error_set(err, FERRY_E_CORRUPT,
	    "central directory record at offset %llu: its ZIP64 extra field "
	    "(%zu bytes) is too short for the sizes it must hold",
	    (unsigned long long)where, n);
}

/* Walk the extra fields; lenient about a torn last field. */
static enum ferry_code
zip_extras(struct zip_cdent *out, uint64_t where, uint32_t raw_usize,
    uint32_t raw_csize, uint32_t raw_lho, struct ferry_error *err)
{
	const uint8_t	*x = out->extra;
	size_t		 o = 0, n;
	uint16_t	 id;
	bool		 z64 = false;

	while (o + 4 <= out->extra_len) {
		id = zip_le16(x + o);
		n = zip_le16(x + o + 2);
		o += 4;
		if (o + n > out->extra_len)
			break;
		if (id == ZIP_X_ZIP64 && !z64) {
			z64 = true;
			if (zip_extra_zip64(x + o, n, where, out, raw_usize,
			    raw_csize, raw_lho, err) != FERRY_OK)
				return FERRY_E_CORRUPT;
		} else if (id == ZIP_X_TIME && n >= 5 && (x[o] & 1))
			out->mtime = (int64_t)(int32_t)zip_le32(x + o + 1) *
			    1000;
		else if (id == ZIP_X_UPATH && n >= 5 && x[o] == 1 &&
		    zip_le32(x + o + 1) == (uint32_t)crc32(0, out->name,
		    out->name_len)) {
			/* A UTF-8 name for a name in a legacy code page. */
			out->name = x + o + 5;
			out->name_len = (uint16_t)(n - 5);
			out->gpflags |= ZIP_GP_UTF8;
		}
		o += n;
	}
	/* Without a ZIP64 field, 0xffffffff is taken literally: range
	 * checks catch it when it is a lie. */
	return FERRY_OK;
}

enum ferry_code
zip_cdent_parse(const uint8_t *buf, size_t avail, uint64_t where,
    struct zip_cdent *out, size_t *used, size_t *need,
    struct ferry_error *err)
{
	uint32_t	 raw_usize, raw_csize, raw_lho;
	size_t		 total;

	*used = 0;
	*need = ZIP_CDH_SIZE;
	if (avail < ZIP_CDH_SIZE)
		return FERRY_OK;
	if (zip_le32(buf) != ZIP_SIG_CDH)
		return ferry_error_set(err, FERRY_E_CORRUPT,
		    "no central directory record at offset %llu (found bytes "
		    "%02x %02x %02x %02x): the directory is truncated or its "
		    "offset is wrong", (unsigned long long)where, buf[0],
		    buf[1], buf[2], buf[3]);
	total = ZIP_CDH_SIZE + (size_t)zip_le16(buf + 28) +
	    zip_le16(buf + 30) + zip_le16(buf + 32);
	*need = total;
	if (avail < total)
		return FERRY_OK;
	memset(out, 0, sizeof *out);
	out->made_by = zip_le16(buf + 4);
	out->gpflags = zip_le16(buf + 8);
	out->method = zip_le16(buf + 10);
	out->crc = zip_le32(buf + 16);
	out->csize = raw_csize = zip_le32(buf + 20);
	out->usize = raw_usize = zip_le32(buf + 24);
	out->name_len = zip_le16(buf + 28);
	out->extra_len = zip_le16(buf + 30);
	out->comment_len = zip_le16(buf + 32);
	out->ext_attr = zip_le32(buf + 38);
	out->lho = raw_lho = zip_le32(buf + 42);
	out->name = buf + ZIP_CDH_SIZE;
	out->extra = out->name + out->name_len;
	if (zip_extras(out, where, raw_usize, raw_csize, raw_lho, err) !=
	    FERRY_OK)
		return FERRY_E_CORRUPT;
	out->dos_date = zip_le16(buf + 14);
	out->dos_time = zip_le16(buf + 12);
	*used = total;
	return FERRY_OK;
}

int64_t
zip_dos_time(uint16_t date, uint16_t time)
{
	struct tm	 tm;
	time_t		 t;

	memset(&tm, 0, sizeof tm);
	tm.tm_year = ((date >> 9) & 0x7f) + 80;
	tm.tm_mon = ((date >> 5) & 0x0f) - 1;
	tm.tm_mday = date & 0x1f;
	tm.tm_hour = (time >> 11) & 0x1f;
	tm.tm_min = (time >> 5) & 0x3f;
	tm.tm_sec = (time & 0x1f) * 2;
	tm.tm_isdst = -1;
	if (tm.tm_mon < 0 || tm.tm_mon > 11 || tm.tm_mday == 0 ||
	    tm.tm_hour > 23 || tm.tm_min > 59 || tm.tm_sec > 59)
		return 0;
	t = mktime(&tm);	/* DOS times are local wall-clock times */
	if (t == (time_t)-1)
		return 0;
	return (int64_t)t * 1000;
}

const char *
zip_method_name(uint16_t method, char *buf, size_t len)
{
	static const struct {
		uint16_t	 id;
		const char	*name;
	} names[] = {
		{ 0, "store" }, { 1, "shrink" }, { 2, "reduce" },
		{ 3, "reduce" }, { 4, "reduce" }, { 5, "reduce" },
		{ 6, "implode" }, { 8, "deflate" }, { 9, "deflate64" },
		{ 10, "pkware-implode" }, { 12, "bzip2" }, { 14, "lzma" },
		{ 18, "ibm-terse" }, { 19, "lz77" }, { 20, "zstd" },
		{ 93, "zstd" }, { 94, "mp3" }, { 95, "xz" }, { 96, "jpeg" },
		{ 97, "wavpack" }, { 98, "ppmd" }, { 99, "aes" },
	};
	size_t	 i;

	for (i = 0; i < FERRY_NELEM(names); i++)
		if (names[i].id == method)
			return names[i].name;
	snprintf(buf, len, "method %u", (unsigned)method);
	return buf;
}

void
zip_problems_str(uint16_t problems, char *buf, size_t len)
{
	static const struct {
		uint16_t	 bit;
		const char	*what;
	} why[] = {
		{ ZIP_P_ABSOLUTE, "an absolute path" },
		{ ZIP_P_DOTDOT, "a '..' component" },
		{ ZIP_P_BACKSLASH, "a backslash" },
		{ ZIP_P_CONTROL, "a control character" },
		{ ZIP_P_UTF8, "invalid UTF-8" },
		{ ZIP_P_DRIVE, "a drive letter" },
		{ ZIP_P_LONG, "a component longer than 255 bytes" },
		{ ZIP_P_EMPTY, "no name" },
	};
	size_t	 i, o = 0;
	int	 n;

	if (len == 0)
		return;
	buf[0] = '\0';
	for (i = 0; i < FERRY_NELEM(why); i++) {
		if (!(problems & why[i].bit))
			continue;
		n = snprintf(buf + o, len - o, "%s%s", o > 0 ? ", " : "",
		    why[i].what);
		if (n < 0 || (size_t)n >= len - o)
			return;
		o += (size_t)n;
	}
}

/* -------- names -------- */

/* Code points of CP437 bytes 0x80-0xff (the IBM PC code page). */
static const uint16_t zip_cp437[128] = {
	0x00c7, 0x00fc, 0x00e9, 0x00e2, 0x00e4, 0x00e0, 0x00e5, 0x00e7,
	0x00ea, 0x00eb, 0x00e8, 0x00ef, 0x00ee, 0x00ec, 0x00c4, 0x00c5,
	0x00c9, 0x00e6, 0x00c6, 0x00f4, 0x00f6, 0x00f2, 0x00fb, 0x00f9,
	0x00ff, 0x00d6, 0x00dc, 0x00a2, 0x00a3, 0x00a5, 0x20a7, 0x0192,
	0x00e1, 0x00ed, 0x00f3, 0x00fa, 0x00f1, 0x00d1, 0x00aa, 0x00ba,
	0x00bf, 0x2310, 0x00ac, 0x00bd, 0x00bc, 0x00a1, 0x00ab, 0x00bb,
	0x2591, 0x2592, 0x2593, 0x2502, 0x2524, 0x2561, 0x2562, 0x2556,
	0x2555, 0x2563, 0x2551, 0x2557, 0x255d, 0x255c, 0x255b, 0x2510,
	0x2514, 0x2534, 0x252c, 0x251c, 0x2500, 0x253c, 0x255e, 0x255f,
	0x255a, 0x2554, 0x2569, 0x2566, 0x2560, 0x2550, 0x256c, 0x2567,
	0x2568, 0x2564, 0x2565, 0x2559, 0x2558, 0x2552, 0x2553, 0x256b,
	0x256a, 0x2518, 0x250c, 0x2588, 0x2584, 0x258c, 0x2590, 0x2580,
	0x03b1, 0x00df, 0x0393, 0x03c0, 0x03a3, 0x03c3, 0x00b5, 0x03c4,
	0x03a6, 0x0398, 0x03a9, 0x03b4, 0x221e, 0x03c6, 0x03b5, 0x2229,
	0x2261, 0x00b1, 0x2265, 0x2264, 0x2320, 0x2321, 0x00f7, 0x2248,
	0x00b0, 0x2219, 0x00b7, 0x221a, 0x207f, 0x00b2, 0x25a0, 0x00a0,
};

/*
 * The length of the valid shortest-form UTF-8 sequence at p (n bytes
 * left), or 0 when the byte there starts none.  *cp gets the code point.
 */
static size_t
zip_utf8_len(const uint8_t *p, size_t n, uint32_t *cp)
{
	uint32_t	 c;
	size_t		 len, i;

	if (p[0] < 0x80) {
		*cp = p[0];
		return 1;
	}
	if (p[0] >= 0xc2 && p[0] <= 0xdf) {
		len = 2;
		c = p[0] & 0x1f;
	} else if (p[0] >= 0xe0 && p[0] <= 0xef) {
		len = 3;
		c = p[0] & 0x0f;
	} else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
		len = 4;
		c = p[0] & 0x07;
	} else
		return 0;
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (p[i] & 0x3f);
	}
	if ((len == 3 && (c < 0x800 || (c >= 0xd800 && c <= 0xdfff))) ||
	    (len == 4 && (c < 0x10000 || c > 0x10ffff)))
		return 0;
	*cp = c;
	return len;
}

static bool
zip_utf8_valid(const uint8_t *p, size_t n)
{
	uint32_t	 cp;
	size_t		 k;

	while (n > 0) {
		if ((k = zip_utf8_len(p, n, &cp)) == 0)
			return false;
		p += k;
		n -= k;
	}
	return true;
}

/* CP437 bytes as UTF-8 (malloc'd, *outn bytes, NUL-terminated). */
static uint8_t *
zip_from_cp437(const uint8_t *raw, size_t len, size_t *outn)
{
	uint8_t		*out, *o;
	uint32_t	 c;
	size_t		 i;

	o = out = xmalloc(len * 3 + 1);
	for (i = 0; i < len; i++) {
		c = raw[i] < 0x80 ? raw[i] : zip_cp437[raw[i] - 0x80];
		if (c < 0x80)
			*o++ = (uint8_t)c;
		else if (c < 0x800) {
			*o++ = (uint8_t)(0xc0 | (c >> 6));
			*o++ = (uint8_t)(0x80 | (c & 0x3f));
		} else {
			*o++ = (uint8_t)(0xe0 | (c >> 12));
			*o++ = (uint8_t)(0x80 | ((c >> 6) & 0x3f));
			*o++ = (uint8_t)(0x80 | (c & 0x3f));
		}
	}
	*o = '\0';
	*outn = (size_t)(o - out);
	return out;
}

/* A growing output string. */
struct zip_sbuf {
	char	*s;
	size_t	 n, cap;
};

static void
zip_sbuf_put(struct zip_sbuf *b, const void *p, size_t n)
{
	if (b->n + n + 1 > b->cap) {
		b->cap = (b->n + n + 1) * 2;
		b->s = xrealloc(b->s, b->cap);
	}
	memcpy(b->s + b->n, p, n);
	b->n += n;
	b->s[b->n] = '\0';
}

static void
zip_sbuf_pct(struct zip_sbuf *b, uint8_t c)
{
	char	 e[4];

	snprintf(e, sizeof e, "%%%02X", c);
	zip_sbuf_put(b, e, 3);
}

/* Append the shown form of one component c (n bytes, n > 0). */
static void
zip_component(struct zip_sbuf *b, const uint8_t *c, size_t n, bool first,
    uint16_t *problems)
{
	size_t		 start = b->n, k, i, cut;
	uint32_t	 cp;

	if (n == 2 && c[0] == '.' && c[1] == '.') {
		*problems |= ZIP_P_DOTDOT;
		zip_sbuf_put(b, "%2E%2E", 6);
		return;
	}
	if (first && n == 2 && c[1] == ':' &&
	    ((c[0] | 0x20) >= 'a' && (c[0] | 0x20) <= 'z')) {
		*problems |= ZIP_P_DRIVE;
		zip_sbuf_put(b, c, 1);
		zip_sbuf_put(b, "%3A", 3);
		return;
	}
	for (i = 0; i < n; i += k) {
		k = zip_utf8_len(c + i, n - i, &cp);
		if (k == 0) {
			*problems |= ZIP_P_UTF8;
			zip_sbuf_pct(b, c[i]);
			k = 1;
		} else if (cp == '\\') {
			*problems |= ZIP_P_BACKSLASH;
			zip_sbuf_pct(b, c[i]);
		} else if (cp < 0x20 || cp == 0x7f ||
		    (cp >= 0x80 && cp <= 0x9f)) {
			*problems |= ZIP_P_CONTROL;
			while (k-- > 0)
				zip_sbuf_pct(b, c[i++]);
			k = 0;
		} else
			zip_sbuf_put(b, c + i, k);
	}
	if (b->n - start <= FERRY_NAME_MAX)
		return;
	/* Too long: cut at a character boundary and mark the cut. */
	*problems |= ZIP_P_LONG;
	cut = start + FERRY_NAME_MAX - 3;
	while (cut > start && ((uint8_t)b->s[cut] & 0xc0) == 0x80)
		cut--;
	b->n = cut;
	zip_sbuf_put(b, "\xe2\x80\xa6", 3);	/* U+2026 ellipsis */
}

char *
zip_name_shown(const uint8_t *raw, size_t len, uint16_t gpflags,
    uint16_t *problems, bool *dir)
{
	struct zip_sbuf	 b = { NULL, 0, 0 };
	uint8_t		*dec = NULL;
	const uint8_t	*s = raw, *c;
	size_t		 n = len, i, k;
	bool		 first = true;

	*problems = 0;
	*dir = len > 0 && raw[len - 1] == '/';
	if (!(gpflags & ZIP_GP_UTF8) && !zip_utf8_valid(raw, len))
		s = dec = zip_from_cp437(raw, len, &n);
	if (n > 0 && s[0] == '/')
		*problems |= ZIP_P_ABSOLUTE;
	zip_sbuf_put(&b, "", 0);
	for (i = 0; i < n; i += k + 1) {
		c = s + i;
		k = 0;
		while (i + k < n && c[k] != '/')
			k++;
		if (k == 0 || (k == 1 && c[0] == '.'))
			continue;
		if (!first)
			zip_sbuf_put(&b, "/", 1);
		zip_component(&b, c, k, first, problems);
		first = false;
	}
	free(dec);
	return b.s;
}
