/* SPDX-License-Identifier: MIT */
/*
 * Typed errors shared by every part of ferry: the backends, the store
 * engine, the CLI, the TUI and (later) ferryd and its HTTP client.
 *
 * A fallible function returns an enum ferry_code (FERRY_OK on success) and,
 * when the caller passes one, fills a struct ferry_error with the code and a
 * message a person can act on: it names the culprit (the name, the location,
 * the byte offset) and the cause.  The enum is stable: codes are never
 * renumbered; a retired code becomes FERRY_E_OBSOLETE_n.
 */
#ifndef FERRY_ERROR_H
#define FERRY_ERROR_H

#include <stddef.h>

enum ferry_code {
	FERRY_OK = 0,
	FERRY_E_NOT_FOUND = 1,		/* no such folder, item or file */
	FERRY_E_EXISTS = 2,		/* the name is taken */
	FERRY_E_INVALID_NAME = 3,	/* a name breaks the naming rules */
	FERRY_E_NOT_EMPTY = 4,		/* folder has children */
	FERRY_E_LIMIT = 5,		/* a configured or built-in limit */
	FERRY_E_PERMISSION = 6,		/* not allowed */
	FERRY_E_CONFLICT = 7,		/* state changed, or a move into itself */
	FERRY_E_IO = 8,			/* local disk or blob I/O */
	FERRY_E_NETWORK = 9,		/* connection, timeout, DNS */
	FERRY_E_PROTOCOL = 10,		/* a peer sent something malformed */
	FERRY_E_CANCELLED = 11,		/* the user or a job cancelled */
	FERRY_E_INVALID = 12,		/* a bad argument: JSON, option, query */
	FERRY_E_UNSUPPORTED = 13,	/* this location kind cannot do that */
	FERRY_E_NOT_FOLDER = 14,	/* a folder was needed */
	FERRY_E_IS_FOLDER = 15,		/* an item/file was needed */
	FERRY_E_NO_SPACE = 16,		/* disk full or quota */
	FERRY_E_CORRUPT = 17,		/* stored data fails its checks */
	FERRY_E_BUSY = 18,		/* locked by someone else; may pass */
	FERRY_E_INTERNAL = 19,		/* a bug: please report it */
	FERRY_E_AUTH = 20,		/* no or bad credentials */
	FERRY_E__COUNT
};

#define FERRY_ERROR_MSG_MAX 512

struct ferry_error {
	enum ferry_code	code;
	char		msg[FERRY_ERROR_MSG_MAX];
};

/* A short fixed description of a code ("not found"). Never NULL. */
const char	*ferry_strerror(enum ferry_code code);

/* A stable machine name for a code ("not_found"), used in JSON. */
const char	*ferry_code_name(enum ferry_code code);

/* The code for a name from ferry_code_name(), or FERRY_E_PROTOCOL. */
enum ferry_code	 ferry_code_from_name(const char *name);

/* The HTTP status that fits a code; shared by ferryd and its client. */
int		 ferry_code_http_status(enum ferry_code code);

/*
 * Set *err (when err is not NULL) to code and a printf-style message and
 * return code, so callers can write `return ferry_error_set(err, ...)`.
 */
enum ferry_code	 ferry_error_set(struct ferry_error *err, enum ferry_code code,
		    const char *fmt, ...)
		    __attribute__((format(printf, 3, 4)));

/*
 * Like ferry_error_set() with the message "<context>: <strerror(errnum)>",
 * the code chosen from errno (ENOENT -> NOT_FOUND, ENOSPC -> NO_SPACE,
 * EACCES -> PERMISSION, ...).
 */
enum ferry_code	 ferry_error_errno(struct ferry_error *err, int errnum,
		    const char *fmt, ...)
		    __attribute__((format(printf, 3, 4)));

/* Map an errno value to the code ferry_error_errno() would use. */
enum ferry_code	 ferry_code_from_errno(int errnum);

/* Reset *err to FERRY_OK and an empty message. */
void		 ferry_error_clear(struct ferry_error *err);

/*
 * Prefix the message in *err with "<prefix>: " (for adding the location
 * to an error raised deeper down).  Truncates safely.
 */
void		 ferry_error_prefix(struct ferry_error *err, const char *fmt, ...)
		    __attribute__((format(printf, 2, 3)));

#endif
