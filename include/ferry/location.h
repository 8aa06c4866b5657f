/* SPDX-License-Identifier: MIT */
/*
 * Locations: the strings a user types to name a place.
 *
 *   /abs/path, ./rel, ../rel, ~/x, plain/rel   local filesystem
 *   store:/a/b  (store:, store:a/b)          embedded store
 *   NAME:/a/b                                a configured [profile NAME]
 *   s3://bucket/prefix                        S3 (reserved: later issue)
 *   http://host:port/a, https://...           ferryd (reserved: later issue)
 *
 * A path that starts with '/' or '.' or '~' is always local, so `./a:b`
 * names a local file with a colon.  Parsing is pure (no I/O besides
 * getcwd/HOME for relative local paths).
 */
#ifndef FERRY_LOCATION_H
#define FERRY_LOCATION_H

#include "ferry/error.h"

enum ferry_loc_kind {
	FERRY_LOC_LOCAL = 1,
	FERRY_LOC_STORE = 2,
	FERRY_LOC_PROFILE = 3,	/* resolved through the config */
	FERRY_LOC_S3 = 4,
	FERRY_LOC_HTTP = 5,
};

struct ferry_location {
	enum ferry_loc_kind kind;
	char		*profile;	/* PROFILE: the name; else NULL */
	char		*authority;	/* S3: bucket; HTTP: scheme://host:port */
	char		*path;		/* normalised, absolute, starts with '/' */
	char		*text;		/* the original text, for messages */
};

/*
 * Parse text into *loc (which the caller frees with ferry_location_done).
 * Relative local paths are made absolute against the current directory.
 * Errors: empty text, a malformed URL, an invalid profile name
 * (FERRY_E_INVALID).  Whether a profile exists is checked on open.
 */
enum ferry_code	 ferry_location_parse(const char *text,
		    struct ferry_location *loc, struct ferry_error *err);
void		 ferry_location_done(struct ferry_location *loc);

/*
 * Display form of a location with another path in the same namespace
 * ("store:/a/b", "/home/x").  Returns a malloc'd string.
 */
char		*ferry_location_format(const struct ferry_location *loc,
		    const char *path);

/*
 * Normalise a backend path: collapse "//", drop ".", resolve ".." without
 * going above the root (FERRY_E_INVALID if it would), ensure a leading '/'
 * and no trailing '/'.  Returns a malloc'd string or NULL with *err set.
 */
char		*ferry_path_normalize(const char *path, struct ferry_error *err);

/* Join a folder path and a name: "/a" + "b" -> "/a/b". malloc'd. */
char		*ferry_path_join(const char *dir, const char *name);

/* The last component of a normalised path ("" for "/"). Borrowed. */
const char	*ferry_path_base(const char *path);

/* The parent of a normalised path ("/" for "/x" and "/"). malloc'd. */
char		*ferry_path_parent(const char *path);

#endif
