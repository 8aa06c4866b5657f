/* SPDX-License-Identifier: MIT */
/*
 * Typed errors: the code table (description, JSON name, HTTP status), and
 * helpers that fill a caller's struct ferry_error.  Pure and thread-safe.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "ferry/error.h"

struct code_info {
	const char	*text;
	const char	*name;
	int		 http;
};

/* Indexed by enum ferry_code; keep in step with error.h. */
static const struct code_info codes[FERRY_E__COUNT] = {
	[FERRY_OK] = { "success", "ok", 200 },
	[FERRY_E_NOT_FOUND] = { "not found", "not_found", 404 },
	[FERRY_E_EXISTS] = { "already exists", "exists", 409 },
	[FERRY_E_INVALID_NAME] = { "invalid name", "invalid_name", 400 },
	[FERRY_E_NOT_EMPTY] = { "folder not empty", "not_empty", 409 },
	[FERRY_E_LIMIT] = { "limit reached", "limit", 507 },
	[FERRY_E_PERMISSION] = { "permission denied", "permission", 403 },
	[FERRY_E_CONFLICT] = { "conflict", "conflict", 409 },
	[FERRY_E_IO] = { "input/output error", "io", 500 },
	[FERRY_E_NETWORK] = { "network error", "network", 502 },
	[FERRY_E_PROTOCOL] = { "protocol error", "protocol", 502 },
	[FERRY_E_CANCELLED] = { "cancelled", "cancelled", 499 },
	[FERRY_E_INVALID] = { "invalid argument", "invalid", 400 },
	[FERRY_E_UNSUPPORTED] = { "not supported", "unsupported", 501 },
	[FERRY_E_NOT_FOLDER] = { "not a folder", "not_folder", 409 },
	[FERRY_E_IS_FOLDER] = { "is a folder", "is_folder", 409 },
	[FERRY_E_NO_SPACE] = { "no space left", "no_space", 507 },
	[FERRY_E_CORRUPT] = { "data corrupt", "corrupt", 500 },
	[FERRY_E_BUSY] = { "busy, try again", "busy", 503 },
	[FERRY_E_INTERNAL] = { "internal error", "internal", 500 },
	[FERRY_E_AUTH] = { "authentication required", "auth", 401 },
};

static const struct code_info *
code_info(enum ferry_code code)
{
	if ((unsigned)code >= FERRY_E__COUNT || codes[code].text == NULL)
		return &codes[FERRY_E_INTERNAL];
	return &codes[code];
}

const char *
ferry_strerror(enum ferry_code code)
{
	return code_info(code)->text;
}

const char *
ferry_code_name(enum ferry_code code)
{
	return code_info(code)->name;
}

enum ferry_code
ferry_code_from_name(const char *name)
{
	int	 i;

	if (name == NULL)
		return FERRY_E_PROTOCOL;
	for (i = 0; i < FERRY_E__COUNT; i++)
		if (codes[i].name != NULL && strcmp(codes[i].name, name) == 0)
			return (enum ferry_code)i;
	return FERRY_E_PROTOCOL;
}

int
ferry_code_http_status(enum ferry_code code)
{
	return code_info(code)->http;
}

static void
error_vset(struct ferry_error *err, enum ferry_code code, const char *fmt,
    va_list ap)
{
	err->code = code;
	vsnprintf(err->msg, sizeof err->msg, fmt, ap);
}

enum ferry_code
ferry_error_set(struct ferry_error *err, enum ferry_code code,
    const char *fmt, ...)
{
	va_list	 ap;

	if (err == NULL)
		return code;
	va_start(ap, fmt);
	error_vset(err, code, fmt, ap);
	va_end(ap);
	return code;
}

enum ferry_code
ferry_code_from_errno(int errnum)
{
	switch (errnum) {
	case 0:
		return FERRY_OK;
	case ENOENT:
		return FERRY_E_NOT_FOUND;
	case EEXIST:
		return FERRY_E_EXISTS;
	case ENOTEMPTY:
		return FERRY_E_NOT_EMPTY;
	case EACCES:
	case EPERM:
	case EROFS:
		return FERRY_E_PERMISSION;
	case ENOSPC:
	case EDQUOT:
	case EFBIG:
		return FERRY_E_NO_SPACE;
	case ENOTDIR:
		return FERRY_E_NOT_FOLDER;
	case EISDIR:
		return FERRY_E_IS_FOLDER;
	case ENAMETOOLONG:
	case EILSEQ:
		return FERRY_E_INVALID_NAME;
	case EINVAL:
		return FERRY_E_INVALID;
	case EBUSY:
	case EAGAIN:
		return FERRY_E_BUSY;
	case EXDEV:
	case ENOTSUP:
		return FERRY_E_UNSUPPORTED;
	case ECANCELED:
		return FERRY_E_CANCELLED;
	case ELOOP:
	case EMLINK:
		return FERRY_E_LIMIT;
	default:
		return FERRY_E_IO;
	}
}

enum ferry_code
ferry_error_errno(struct ferry_error *err, int errnum, const char *fmt, ...)
{
	va_list		 ap;
	enum ferry_code	 code;
	size_t		 n;

	code = ferry_code_from_errno(errnum);
	if (err == NULL)
		return code;
	va_start(ap, fmt);
	error_vset(err, code, fmt, ap);
	va_end(ap);
	n = strlen(err->msg);
	snprintf(err->msg + n, sizeof err->msg - n, ": %s", strerror(errnum));
	return code;
}

void
ferry_error_clear(struct ferry_error *err)
{
	if (err == NULL)
		return;
	err->code = FERRY_OK;
	err->msg[0] = '\0';
}

void
ferry_error_prefix(struct ferry_error *err, const char *fmt, ...)
{
	char	 prefix[FERRY_ERROR_MSG_MAX], buf[2 * FERRY_ERROR_MSG_MAX + 4];
	va_list	 ap;

	if (err == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(prefix, sizeof prefix, fmt, ap);
	va_end(ap);
	snprintf(buf, sizeof buf, "%s: %s", prefix,
	    err->msg[0] != '\0' ? err->msg : ferry_strerror(err->code));
	/* Truncate into the fixed buffer; the prefix matters most. */
	memcpy(err->msg, buf, sizeof err->msg - 1);
	err->msg[sizeof err->msg - 1] = '\0';
}
