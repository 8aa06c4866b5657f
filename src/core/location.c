/* SPDX-License-Identifier: MIT */
/*
 * Parsing and formatting of locations, and the path helpers every backend
 * uses (see include/ferry/location.h for the syntax).
 *
 * The rules, in the order they are tried:
 *   1. empty text is an error;
 *   2. text starting with '/', '.' or '~' is a local path ("~" and "~/x"
 *      expand with $HOME; "~user" is refused rather than guessed);
 *   3. "scheme://..." is a URL: s3:// and http(s):// are known, any other
 *      scheme is an error;
 *   4. a colon before the first '/' makes the text NAME:PATH, where NAME
 *      must be 1-64 of [A-Za-z0-9_-]; "store" is the embedded store, any
 *      other NAME a profile (whether it exists is checked on open);
 *   5. anything else is a local path relative to the current directory.
 *
 * Invariant of the result: loc->path is normalised (absolute, no "." or
 * ".." or empty components, no trailing '/').  A ".." that would climb
 * above the root is an error in a store, profile or S3 path; in a local
 * path it stays at "/" as the kernel does.
 *
 * Pure functions (besides getcwd() and getenv("HOME")); any thread.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "ferry/location.h"
#include "core/util.h"

#define LOCATION_NAME_MAX	64	/* bytes in a profile name */

/*
 * Normalise path (absolute or not; it is taken from the root).  When clamp
 * is set, ".." at the root stays at the root; otherwise it is an error.
 * Returns a malloc'd string, or NULL with *err set.
 */
static char *
location_normalize(const char *path, bool clamp, struct ferry_error *err)
{
	const char	*p, *start;
	char		*out;
	size_t		 o, n;

	if (path == NULL) {
		ferry_error_set(err, FERRY_E_INVALID, "no path given");
		return NULL;
	}
	out = xmalloc(strlen(path) + 2);
	o = 0;
	for (p = path; *p != '\0'; p += n) {
		while (*p == '/')
			p++;
		start = p;
		n = strcspn(start, "/");
		if (n == 0 || (n == 1 && start[0] == '.'))
			continue;
		if (n == 2 && start[0] == '.' && start[1] == '.') {
			if (o == 0 && !clamp) {
				free(out);
				ferry_error_set(err, FERRY_E_INVALID,
				    "path '%s' goes above the root", path);
				return NULL;
			}
			while (o > 0 && out[o - 1] != '/')
				o--;
			if (o > 0)
				o--;	/* the '/' before the component */
			continue;
		}
		out[o++] = '/';
		memcpy(out + o, start, n);
		o += n;
	}
	if (o == 0)
		out[o++] = '/';
	out[o] = '\0';
	return out;
}

char *
ferry_path_normalize(const char *path, struct ferry_error *err)
{
	return location_normalize(path, false, err);
}

char *
ferry_path_join(const char *dir, const char *name)
{
	size_t	 n;

	n = strlen(dir);
	while (n > 0 && dir[n - 1] == '/')
		n--;
	while (*name == '/')
		name++;
	return xasprintf("%.*s/%s", (int)n, dir, name);
}

const char *
ferry_path_base(const char *path)
{
	const char	*slash;

	slash = strrchr(path, '/');
	return slash == NULL ? path : slash + 1;
}

char *
ferry_path_parent(const char *path)
{
	const char	*slash;

	slash = strrchr(path, '/');
	if (slash == NULL || slash == path)
		return xstrdup("/");
	return xstrndup(path, (size_t)(slash - path));
}

/* The current directory, malloc'd, or NULL with *err set. */
static char *
location_cwd(struct ferry_error *err)
{
	char	*cwd;

	cwd = getcwd(NULL, 0);
	if (cwd == NULL)
		ferry_error_errno(err, errno, "cannot find the current "
		    "directory for a relative path");
	return cwd;
}

/* Parse a local path (absolute, "./x", "~/x" or relative) into loc. */
static enum ferry_code
location_parse_local(const char *text, struct ferry_location *loc,
    struct ferry_error *err)
{
	const char	*home;
	char		*joined, *cwd;

	if (text[0] == '/')
		joined = xstrdup(text);
	else if (text[0] == '~') {
		if (text[1] != '\0' && text[1] != '/') {
			return ferry_error_set(err, FERRY_E_INVALID,
			    "'%s': only ~ and ~/ are expanded; write ./%s for "
			    "a name starting with '~'", text, text);
		}
		home = getenv("HOME");
		if (home == NULL || home[0] != '/') {
			return ferry_error_set(err, FERRY_E_INVALID,
			    "'%s': HOME is not set to an absolute path", text);
		}
		joined = xasprintf("%s/%s", home, text + 1);
	} else {
		if ((cwd = location_cwd(err)) == NULL)
			return err != NULL ? err->code : FERRY_E_IO;
		joined = xasprintf("%s/%s", cwd, text);
		free(cwd);
	}
	loc->kind = FERRY_LOC_LOCAL;
	loc->path = location_normalize(joined, true, err);
	free(joined);
	return FERRY_OK;
}

/* The port part of an authority: 1-65535, digits only. */
static bool
location_valid_port(const char *p, size_t n)
{
	unsigned long	 v = 0;
	size_t		 i;

	if (n == 0 || n > 5)
		return false;
	for (i = 0; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return false;
		v = v * 10 + (unsigned long)(p[i] - '0');
	}
	return v >= 1 && v <= 65535;
}

/* Parse the host[:port] of an http(s) URL (auth is n bytes at a). */
static enum ferry_code
location_check_host(const char *text, const char *a, size_t n,
    struct ferry_error *err)
{
	const char	*colon, *end;
	size_t		 i;

	if (n == 0)
		return ferry_error_set(err, FERRY_E_INVALID,
		    "'%s': the URL has no host", text);
	if (memchr(a, '@', n) != NULL)
		return ferry_error_set(err, FERRY_E_INVALID,
		    "'%s': credentials in a URL are not accepted; put a "
		    "token in a [profile] section of the config", text);
	if (a[0] == '[') {
		end = memchr(a, ']', n);
		if (end == NULL || end == a + 1)
			return ferry_error_set(err, FERRY_E_INVALID,
			    "'%s': malformed IPv6 address in the URL", text);
		colon = end + 1 < a + n ? end + 1 : NULL;
		if (colon != NULL && *colon != ':')
			return ferry_error_set(err, FERRY_E_INVALID,
			    "'%s': malformed host in the URL", text);
	} else {
		colon = memchr(a, ':', n);
		for (i = 0; i < (colon ? (size_t)(colon - a) : n); i++) {
			if (strchr("abcdefghijklmnopqrstuvwxyz"
			    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_",
			    a[i]) == NULL)
				return ferry_error_set(err, FERRY_E_INVALID,
				    "'%s': invalid character in the host "
				    "name", text);
		}
		if (colon == a)
			return ferry_error_set(err, FERRY_E_INVALID,
			    "'%s': the URL has no host", text);
	}
	if (colon != NULL &&
	    !location_valid_port(colon + 1, (size_t)(a + n - colon - 1)))
		return ferry_error_set(err, FERRY_E_INVALID,
		    "'%s': the port must be a number from 1 to 65535", text);
	return FERRY_OK;
}

/* An S3 bucket name: 1-255 of [a-z0-9.-_] (S3 itself is stricter). */
static enum ferry_code
location_check_bucket(const char *text, const char *b, size_t n,
    struct ferry_error *err)
{
	size_t	 i;

	if (n == 0)
		return ferry_error_set(err, FERRY_E_INVALID,
		    "'%s': the S3 location has no bucket", text);
	for (i = 0; i < n; i++) {
		if (strchr("abcdefghijklmnopqrstuvwxyz"
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_", b[i]) == NULL)
			return ferry_error_set(err, FERRY_E_INVALID,
			    "'%s': invalid character in the bucket name",
			    text);
	}
	return FERRY_OK;
}

/* Parse "scheme://rest" (slen bytes of scheme at text) into loc. */
static enum ferry_code
location_parse_url(const char *text, size_t slen, struct ferry_location *loc,
    struct ferry_error *err)
{
	const char	*auth, *path;
	enum ferry_code	 result;
	size_t		 alen;
	bool		 s3, http, https;

	s3 = slen == 2 && strncasecmp(text, "s3", 2) == 0;
	http = slen == 4 && strncasecmp(text, "http", 4) == 0;
	https = slen == 5 && strncasecmp(text, "https", 5) == 0;
	if (!s3 && !http && !https)
		return ferry_error_set(err, FERRY_E_INVALID,
		    "'%s': unknown scheme '%.*s://' (known: s3://, http://, "
		    "https://; write ./%s for a local path)", text, (int)slen,
		    text, text);

	auth = text + slen + 3;
	alen = strcspn(auth, "/");
	path = auth + alen;
	if (s3)
		result = location_check_bucket(text, auth, alen, err);
	else
		result = location_check_host(text, auth, alen, err);
	if (result != FERRY_OK)
		return result;
	if (strpbrk(path, "?#") != NULL && !s3)
		return ferry_error_set(err, FERRY_E_INVALID,
		    "'%s': a query or fragment is not part of a location",
		    text);
	if ((loc->path = location_normalize(path, false, err)) == NULL)
		return err != NULL ? err->code : FERRY_E_INVALID;
	if (s3) {
		loc->kind = FERRY_LOC_S3;
		loc->authority = xstrndup(auth, alen);
	} else {
		loc->kind = FERRY_LOC_HTTP;
		loc->authority = xasprintf("%s://%.*s", https ? "https" :
		    "http", (int)alen, auth);
	}
	return FERRY_OK;
}

/* Parse "NAME:rest" (nlen bytes of name at text) into loc. */
static enum ferry_code
location_parse_named(const char *text, size_t nlen,
    struct ferry_location *loc, struct ferry_error *err)
{
	size_t	 i;

	for (i = 0; i < nlen; i++) {
		if (strchr("abcdefghijklmnopqrstuvwxyz"
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-", text[i]) == NULL)
			break;
	}
	if (nlen == 0 || nlen > LOCATION_NAME_MAX || i != nlen)
		return ferry_error_set(err, FERRY_E_INVALID,
		    "'%s': '%.*s' is not a valid profile name (1-%d letters, "
		    "digits, '-' or '_'); write ./%s for a local path", text,
		    (int)nlen, text, LOCATION_NAME_MAX, text);
	if ((loc->path = location_normalize(text + nlen + 1, false,
	    err)) == NULL)
		return err != NULL ? err->code : FERRY_E_INVALID;
	if (nlen == 5 && strncmp(text, "store", 5) == 0)
		loc->kind = FERRY_LOC_STORE;
	else {
		loc->kind = FERRY_LOC_PROFILE;
		loc->profile = xstrndup(text, nlen);
	}
	return FERRY_OK;
}

enum ferry_code
ferry_location_parse(const char *text, struct ferry_location *loc,
    struct ferry_error *err)
{
	enum ferry_code	 result;
	size_t		 n;

	memset(loc, 0, sizeof *loc);
	if (text == NULL || text[0] == '\0')
		return ferry_error_set(err, FERRY_E_INVALID, "empty location");

	n = strcspn(text, ":/");
	if (text[0] == '/' || text[0] == '.' || text[0] == '~')
		result = location_parse_local(text, loc, err);
	else if (text[n] == ':' && strncmp(text + n, "://", 3) == 0)
		result = location_parse_url(text, n, loc, err);
	else if (text[n] == ':')
		result = location_parse_named(text, n, loc, err);
	else
		result = location_parse_local(text, loc, err);
	if (result == FERRY_OK && loc->path == NULL)
		result = err != NULL ? err->code : FERRY_E_INVALID;
	if (result != FERRY_OK) {
		ferry_location_done(loc);
		return result;
	}
	loc->text = xstrdup(text);
	return FERRY_OK;
}

void
ferry_location_done(struct ferry_location *loc)
{
	if (loc == NULL)
		return;
	free(loc->profile);
	free(loc->authority);
	free(loc->path);
	free(loc->text);
	memset(loc, 0, sizeof *loc);
}

char *
ferry_location_format(const struct ferry_location *loc, const char *path)
{
	if (path == NULL)
		path = loc->path != NULL ? loc->path : "/";
	switch (loc->kind) {
	case FERRY_LOC_LOCAL:
		return xstrdup(path);
	case FERRY_LOC_STORE:
		return xasprintf("store:%s", path);
	case FERRY_LOC_PROFILE:
		return xasprintf("%s:%s", loc->profile, path);
	case FERRY_LOC_S3:
		return xasprintf("s3://%s%s", loc->authority, path);
	case FERRY_LOC_HTTP:
		return xasprintf("%s%s", loc->authority, path);
	}
	return xstrdup(path);
}
