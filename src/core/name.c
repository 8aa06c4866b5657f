/* SPDX-License-Identifier: MIT */
/*
 * The naming rules for folders and items, shared by every backend that
 * creates names and by the copy engine before it writes a name that came
 * from elsewhere.  A name is valid UTF-8 (shortest form, no surrogates, at
 * most U+10FFFF), 1-255 bytes, with no '/', no NUL, no C0 control, no DEL,
 * no C1 control, and is not "." or "..".  Each broken rule has its own
 * message, naming the byte offset.  Pure and thread-safe.
 */
#include <stdint.h>
#include <string.h>

#include "ferry/entry.h"

/*
 * Decode one UTF-8 sequence at s (n bytes left).  Returns its length and
 * stores the code point, or returns 0 for an invalid sequence (bad lead,
 * truncated, bad continuation, overlong, surrogate, > U+10FFFF).
 */
static size_t
utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
	uint32_t	 c, min;
	size_t		 len, i;

	c = s[0];
	if (c < 0x80) {
		*cp = c;
		return 1;
	} else if ((c & 0xe0) == 0xc0) {
		len = 2; c &= 0x1f; min = 0x80;
	} else if ((c & 0xf0) == 0xe0) {
		len = 3; c &= 0x0f; min = 0x800;
	} else if ((c & 0xf8) == 0xf0) {
		len = 4; c &= 0x07; min = 0x10000;
	} else
		return 0;
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return len;
}

enum ferry_code
ferry_name_check(const char *name, size_t len, struct ferry_error *err)
{
	const unsigned char *s = (const unsigned char *)name;
	uint32_t	 cp;
	size_t		 i, n;

	if (name == NULL || len == 0)
		return ferry_error_set(err, FERRY_E_INVALID_NAME,
		    "name is empty");
	if (len > FERRY_NAME_MAX)
		return ferry_error_set(err, FERRY_E_INVALID_NAME,
		    "name is %zu bytes long; the limit is %d bytes", len,
		    FERRY_NAME_MAX);
	if ((len == 1 && s[0] == '.') || (len == 2 && s[0] == '.' &&
	    s[1] == '.'))
		return ferry_error_set(err, FERRY_E_INVALID_NAME,
		    "name '%.*s' is reserved", (int)len, name);
	for (i = 0; i < len; i += n) {
		if (s[i] == '\0')
			return ferry_error_set(err, FERRY_E_INVALID_NAME,
			    "name has a NUL byte at offset %zu", i);
		if (s[i] == '/')
			return ferry_error_set(err, FERRY_E_INVALID_NAME,
			    "name has a '/' at offset %zu; names cannot "
			    "contain slashes", i);
		if (s[i] < 0x20 || s[i] == 0x7f)
			return ferry_error_set(err, FERRY_E_INVALID_NAME,
			    "name has control character 0x%02x at offset %zu",
			    s[i], i);
		n = utf8_decode(s + i, len - i, &cp);
		if (n == 0)
			return ferry_error_set(err, FERRY_E_INVALID_NAME,
			    "name is not valid UTF-8 at offset %zu (byte "
			    "0x%02x)", i, s[i]);
		if (cp >= 0x80 && cp <= 0x9f)
			return ferry_error_set(err, FERRY_E_INVALID_NAME,
			    "name has control character U+%04X at offset %zu",
			    (unsigned)cp, i);
	}
	return FERRY_OK;
}
