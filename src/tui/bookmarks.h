/* SPDX-License-Identifier: MIT */
/*
 * Bookmarks: named locations ("store:/projects", "/home/me/src") kept in
 * $XDG_DATA_HOME/ferry/bookmarks (~/.local/share/ferry/bookmarks).
 *
 * The file is text, one bookmark a line, the name and the location
 * separated by a TAB:
 *
 *	# ferry bookmarks: NAME<TAB>LOCATION, one a line
 *	projects	store:/projects
 *	src	/home/me/src
 *
 * Names and locations are bytes: anything but NUL round-trips.  The bytes
 * the format needs are escaped when written, and only they: \\ for a
 * backslash, \t \n \r, \xHH for the other control bytes and DEL, and a
 * '#' that would start the line.  Reading is strict: an unknown escape, a
 * raw control byte, a line without a TAB, an empty name or location, a
 * file over BOOKMARKS_FILE_MAX bytes, are errors naming the file and the
 * line.  Blank lines and lines starting with '#' are skipped.
 *
 * Saving writes a temporary file beside the real one (mkstemp), syncs it
 * and renames it over, so a crash leaves the old list or the new one,
 * never half of one; the directory is made (0700) when missing.
 *
 * No curses; the caller shows names through draw.h.  UI thread by use.
 */
#ifndef FERRY_TUI_BOOKMARKS_H
#define FERRY_TUI_BOOKMARKS_H

#include <stdbool.h>
#include <stddef.h>

#include "ferry/error.h"

#define BOOKMARKS_FILE_MAX	(1024 * 1024)
#define BOOKMARKS_MAX		10000

struct bookmark {
	char		*name;
	char		*location;
};

struct bookmarks {
	char		*path;		/* the file */
	struct bookmark	*v;
	size_t		 n, cap;
};

/* $XDG_DATA_HOME/ferry/bookmarks or ~/.local/share/... (malloc'd), or
 * NULL when neither XDG_DATA_HOME nor a home directory is known. */
char		*bookmarks_default_path(void);

/*
 * Read the file at path into bm (emptied first; bm->path becomes a copy
 * of path).  A missing file is an empty list.
 */
enum ferry_code	 bookmarks_load(struct bookmarks *bm, const char *path,
		    struct ferry_error *err);
/*
 * Parse the len bytes of a bookmarks file at buf into bm, which must be
 * empty; messages name bm->path (or "bookmarks").  On error bm is empty.
 */
enum ferry_code	 bookmarks_parse(struct bookmarks *bm, const char *buf,
		    size_t len, struct ferry_error *err);
/* Write bm to bm->path atomically. */
enum ferry_code	 bookmarks_save(const struct bookmarks *bm,
		    struct ferry_error *err);
void		 bookmarks_done(struct bookmarks *bm);

/* The index of the bookmark called name, or -1. */
long		 bookmarks_find(const struct bookmarks *bm, const char *name);
/*
 * Point name at location: replaces the bookmark of that name (true), or
 * adds one at the end (false).  FERRY_E_LIMIT past BOOKMARKS_MAX.
 */
enum ferry_code	 bookmarks_set(struct bookmarks *bm, const char *name,
		    const char *location, bool *replaced,
		    struct ferry_error *err);
/* Remove bookmark i (< n). */
void		 bookmarks_remove(struct bookmarks *bm, size_t i);

/* The file form of s (malloc'd), and back; unescape is NULL on an error
 * (a bad escape or a raw control byte) with *why saying which. */
char		*bookmarks_escape(const char *s);
char		*bookmarks_unescape(const char *s, size_t n, const char **why);

#endif
