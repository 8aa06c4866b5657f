/* SPDX-License-Identifier: MIT */
/*
 * Parsing of the request headers that shape a download (RFC 9110):
 * Range (one byte range: "bytes=a-b", "bytes=a-", "bytes=-n"; several
 * ranges, other units or a malformed header are ignored and the whole
 * content is sent, as the RFC allows), If-None-Match (a list of entity
 * tags, weak or strong, or "*") and Accept-Encoding (gzip with q > 0).
 * MHD leaves all of these to the application.
 *
 * Numbers saturate instead of overflowing: a first byte past the end is
 * unsatisfiable (416), a last byte past the end is clamped.
 *
 * Threads: pure.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "server/server.h"

/* Parse digits at *p into *out (saturating); false when there are none. */
static bool
range_number(const char **p, uint64_t *out)
{
	uint64_t	 n = 0;
	const char	*s = *p;

	if (!isdigit((unsigned char)*s))
		return false;
	for (; isdigit((unsigned char)*s); s++) {
		if (n > (UINT64_MAX - 9) / 10)
			n = UINT64_MAX;
		else
			n = n * 10 + (uint64_t)(*s - '0');
	}
	*p = s;
	*out = n;
	return true;
}

static const char *
range_skip_space(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

enum range_result
range_parse(const char *header, uint64_t size, uint64_t *start,
    uint64_t *len)
{
	const char	*p;
	uint64_t	 a, b;
	bool		 has_a, has_b;

	*start = 0;
	*len = size;
	if (header == NULL)
		return RANGE_NONE;
	p = range_skip_space(header);
	if (strncasecmp(p, "bytes", 5) != 0)
		return RANGE_NONE;
	p = range_skip_space(p + 5);
	if (*p++ != '=' || strchr(p, ',') != NULL)
		return RANGE_NONE;
	p = range_skip_space(p);
	has_a = range_number(&p, &a);
	p = range_skip_space(p);
	if (*p++ != '-')
		return RANGE_NONE;
	p = range_skip_space(p);
	has_b = range_number(&p, &b);
	p = range_skip_space(p);
	if (*p != '\0' || (!has_a && !has_b))
		return RANGE_NONE;
	if (!has_a) {
		/* suffix: the last b bytes */
		if (b == 0 || size == 0)
			return RANGE_UNSATISFIABLE;
		if (b > size)
			b = size;
		*start = size - b;
		*len = b;
		return RANGE_OK;
	}
	if (has_b && b < a)
		return RANGE_NONE;	/* invalid: ignored */
	if (a >= size)
		return RANGE_UNSATISFIABLE;
	if (!has_b || b >= size)
		b = size - 1;
	*start = a;
	*len = b - a + 1;
	return RANGE_OK;
}

bool
range_etag_match(const char *header, const char *etag)
{
	const char	*p = header, *q, *end;
	size_t		 elen = strlen(etag), len;

	if (header == NULL)
		return false;
	while (*p != '\0') {
		p = range_skip_space(p);
		end = strchr(p, ',');
		if (end == NULL)
			end = p + strlen(p);
		q = end;
		while (q > p && (q[-1] == ' ' || q[-1] == '\t'))
			q--;
		if (q - p == 1 && *p == '*')
			return true;
		if (q - p >= 2 && strncmp(p, "W/", 2) == 0)
			p += 2;		/* weak comparison */
		len = (size_t)(q - p);
		if (len == elen && memcmp(p, etag, len) == 0)
			return true;
		p = *end == ',' ? end + 1 : end;
	}
	return false;
}

bool
range_accepts_gzip(const char *header)
{
	const char	*p = header, *end, *q;
	size_t		 len;
	double		 qv;

	if (header == NULL)
		return false;
	while (*p != '\0') {
		p = range_skip_space(p);
		end = strchr(p, ',');
		if (end == NULL)
			end = p + strlen(p);
		len = strcspn(p, ";, \t");
		if ((len == 4 && strncasecmp(p, "gzip", 4) == 0) ||
		    (len == 6 && strncasecmp(p, "x-gzip", 6) == 0)) {
			qv = 1.0;
			q = strchr(p, ';');
			if (q != NULL && q < end) {
				q = range_skip_space(q + 1);
				if (strncasecmp(q, "q=", 2) == 0)
					qv = strtod(q + 2, NULL);
			}
			return qv > 0.0;
		}
		p = *end == ',' ? end + 1 : end;
	}
	return false;
}
