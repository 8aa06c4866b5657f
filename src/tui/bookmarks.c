/* SPDX-License-Identifier: MIT */
/*
 * The bookmarks file (see bookmarks.h for its format).
 *
 * Invariant: every bookmark has a non-empty name and location, and no
 * two have the same name.  UI thread by use; the file I/O is a few
 * hundred bytes, read when the user opens the list or saves one.
 */
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/util.h"
#include "tui/bookmarks.h"

#define BOOKMARKS_HEADER \
	"# ferry bookmarks: NAME<TAB>LOCATION, one a line; \\\\ \\t \\n " \
	"\\r \\xHH are escapes\n"

char *
bookmarks_default_path(void)
{
	const char	*v;
	struct passwd	*pw;

	v = getenv("XDG_DATA_HOME");
	if (v != NULL && v[0] == '/')
		return xasprintf("%s/ferry/bookmarks", v);
	v = getenv("HOME");
	if (v == NULL || v[0] != '/') {
		pw = getpwuid(getuid());
		v = pw != NULL ? pw->pw_dir : NULL;
	}
	if (v == NULL || v[0] != '/')
		return NULL;
	return xasprintf("%s/.local/share/ferry/bookmarks", v);
}

char *
bookmarks_escape(const char *s)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p;
	char		*out, *o;

	out = o = xmalloc(strlen(s) * 4 + 1);
	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if (*p == '\\' || *p == '\t' || *p == '\n' || *p == '\r') {
			*o++ = '\\';
			*o++ = *p == '\\' ? '\\' : *p == '\t' ? 't' :
			    *p == '\n' ? 'n' : 'r';
		} else if (*p < 0x20 || *p == 0x7f ||
		    (*p == '#' && p == (const unsigned char *)s)) {
			*o++ = '\\';
			*o++ = 'x';
			*o++ = hex[*p >> 4];
			*o++ = hex[*p & 0xf];
		} else
			*o++ = (char)*p;
	}
	*o = '\0';
	return out;
}

static int
bookmarks_hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

char *
bookmarks_unescape(const char *s, size_t n, const char **why)
{
	char	*out, *o;
	size_t	 i;
	int	 hi, lo;

	out = o = xmalloc(n + 1);
	for (i = 0; i < n; i++) {
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f) {
			*why = "a control byte that is not escaped";
			goto fail;
		}
		if (s[i] != '\\') {
			*o++ = s[i];
			continue;
		}
		if (++i == n) {
			*why = "a backslash at the end";
			goto fail;
		}
		switch (s[i]) {
		case '\\': *o++ = '\\'; break;
		case 't': *o++ = '\t'; break;
		case 'n': *o++ = '\n'; break;
		case 'r': *o++ = '\r'; break;
		case 'x':
			if (i + 2 >= n ||
			    (hi = bookmarks_hexval(s[i + 1])) < 0 ||
			    (lo = bookmarks_hexval(s[i + 2])) < 0 ||
			    (hi == 0 && lo == 0)) {
				*why = "a bad \\x escape (two hex digits, not "
				    "00)";
				goto fail;
			}
			*o++ = (char)(hi << 4 | lo);
			i += 2;
			break;
		default:
			*why = "an unknown escape (\\\\ \\t \\n \\r \\xHH)";
			goto fail;
		}
	}
	*o = '\0';
	return out;
fail:
	free(out);
	return NULL;
}

void
bookmarks_done(struct bookmarks *bm)
{
	size_t	 i;

	for (i = 0; i < bm->n; i++) {
		free(bm->v[i].name);
		free(bm->v[i].location);
	}
	free(bm->v);
	free(bm->path);
	memset(bm, 0, sizeof *bm);
}

long
bookmarks_find(const struct bookmarks *bm, const char *name)
{
	size_t	 i;

	for (i = 0; i < bm->n; i++)
		if (strcmp(bm->v[i].name, name) == 0)
			return (long)i;
	return -1;
}

enum ferry_code
bookmarks_set(struct bookmarks *bm, const char *name, const char *location,
    bool *replaced, struct ferry_error *err)
{
	long	 i;

	FERRY_ASSERT(name[0] != '\0' && location[0] != '\0');
	*replaced = false;
	if ((i = bookmarks_find(bm, name)) >= 0) {
		free(bm->v[i].location);
		bm->v[i].location = xstrdup(location);
		*replaced = true;
		return FERRY_OK;
	}
	if (bm->n >= BOOKMARKS_MAX)
		return ferry_error_set(err, FERRY_E_LIMIT, "%s: already %d "
		    "bookmarks, the most kept; delete some first",
		    bm->path != NULL ? bm->path : "bookmarks", BOOKMARKS_MAX);
	if (bm->n == bm->cap) {
		bm->cap = bm->cap ? bm->cap * 2 : 16;
		bm->v = xreallocarray(bm->v, bm->cap, sizeof *bm->v);
	}
	bm->v[bm->n].name = xstrdup(name);
	bm->v[bm->n].location = xstrdup(location);
	bm->n++;
	return FERRY_OK;
}

void
bookmarks_remove(struct bookmarks *bm, size_t i)
{
	FERRY_ASSERT(i < bm->n);
	free(bm->v[i].name);
	free(bm->v[i].location);
	memmove(&bm->v[i], &bm->v[i + 1], (bm->n - i - 1) * sizeof *bm->v);
	bm->n--;
}

/* One line (without its newline) of the file; lineno for messages. */
static enum ferry_code
bookmarks_line(struct bookmarks *bm, const char *s, size_t n, size_t lineno,
    struct ferry_error *err)
{
	const char	*file = bm->path != NULL ? bm->path : "bookmarks";
	const char	*tab, *why = NULL;
	char		*name = NULL, *loc = NULL;
	enum ferry_code	 result = FERRY_OK;
	bool		 replaced;

	if (n == 0 || s[0] == '#')
		return FERRY_OK;
	if ((tab = memchr(s, '\t', n)) == NULL) {
		result = ferry_error_set(err, FERRY_E_INVALID, "%s:%zu: no TAB "
		    "between the name and the location", file, lineno);
		goto out;
	}
	if ((name = bookmarks_unescape(s, (size_t)(tab - s), &why)) == NULL ||
	    (loc = bookmarks_unescape(tab + 1, n - (size_t)(tab - s) - 1,
	    &why)) == NULL) {
		result = ferry_error_set(err, FERRY_E_INVALID, "%s:%zu: %s",
		    file, lineno, why);
		goto out;
	}
	if (name[0] == '\0' || loc[0] == '\0') {
		result = ferry_error_set(err, FERRY_E_INVALID, "%s:%zu: an "
		    "empty %s", file, lineno, name[0] == '\0' ? "name" :
		    "location");
		goto out;
	}
	if (bookmarks_find(bm, name) >= 0) {
		result = ferry_error_set(err, FERRY_E_INVALID, "%s:%zu: the "
		    "name is used twice", file, lineno);
		goto out;
	}
	result = bookmarks_set(bm, name, loc, &replaced, err);
out:
	free(name);
	free(loc);
	return result;
}

/* Read all of the file f (at most BOOKMARKS_FILE_MAX bytes). */
static enum ferry_code
bookmarks_read(FILE *f, const char *path, char **buf, size_t *len,
    struct ferry_error *err)
{
	size_t	 n;

	*buf = xmalloc(BOOKMARKS_FILE_MAX + 1);
	n = fread(*buf, 1, BOOKMARKS_FILE_MAX + 1, f);
	if (ferror(f)) {
		free(*buf);
		*buf = NULL;
		return ferry_error_errno(err, errno, "%s", path);
	}
	if (n > BOOKMARKS_FILE_MAX) {
		free(*buf);
		*buf = NULL;
		return ferry_error_set(err, FERRY_E_LIMIT, "%s: longer than "
		    "%d bytes: not a bookmarks file?", path,
		    BOOKMARKS_FILE_MAX);
	}
	*len = n;
	return FERRY_OK;
}

enum ferry_code
bookmarks_parse(struct bookmarks *bm, const char *buf, size_t len,
    struct ferry_error *err)
{
	const char	*nl;
	size_t		 off, lineno = 0;
	enum ferry_code	 result = FERRY_OK;

	FERRY_ASSERT(bm->n == 0);
	for (off = 0; result == FERRY_OK && off < len; off = nl - buf + 1) {
		lineno++;
		if ((nl = memchr(buf + off, '\n', len - off)) == NULL)
			nl = buf + len;
		result = bookmarks_line(bm, buf + off, (size_t)(nl - buf) - off,
		    lineno, err);
	}
	if (result != FERRY_OK) {
		/* Nothing half-read: the list is empty. */
		while (bm->n > 0)
			bookmarks_remove(bm, bm->n - 1);
	}
	return result;
}

enum ferry_code
bookmarks_load(struct bookmarks *bm, const char *path,
    struct ferry_error *err)
{
	FILE		*f;
	char		*buf = NULL;
	size_t		 len = 0;
	enum ferry_code	 result;

	bookmarks_done(bm);
	bm->path = xstrdup(path);
	if ((f = fopen(path, "r")) == NULL) {
		if (errno == ENOENT)
			return FERRY_OK;
		return ferry_error_errno(err, errno, "%s", path);
	}
	result = bookmarks_read(f, path, &buf, &len, err);
	fclose(f);
	if (result == FERRY_OK)
		result = bookmarks_parse(bm, buf, len, err);
	free(buf);
	return result;
}

/* Make the directories above path (0700); false with err set. */
static bool
bookmarks_mkdirs(const char *path, struct ferry_error *err)
{
	char	*dir, *p, c;
	bool	 ok = true;

	dir = xstrdup(path);
	if ((p = strrchr(dir, '/')) == NULL || p == dir) {
		free(dir);
		return true;
	}
	*p = '\0';
	for (p = dir + 1; ok; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		c = *p;
		*p = '\0';
		if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
			ferry_error_errno(err, errno, "cannot make %s for the "
			    "bookmarks", dir);
			ok = false;
		}
		if (c == '\0')
			break;
		*p = c;
	}
	free(dir);
	return ok;
}

/* Write every line to fd; false with errno set. */
static bool
bookmarks_write_all(int fd, const struct bookmarks *bm)
{
	char	*name, *loc, *line;
	size_t	 i, n, off;
	ssize_t	 w;
	bool	 ok = true;

	for (i = 0; ok && i <= bm->n; i++) {
		if (i == 0)
			line = xstrdup(BOOKMARKS_HEADER);
		else {
			name = bookmarks_escape(bm->v[i - 1].name);
			loc = bookmarks_escape(bm->v[i - 1].location);
			line = xasprintf("%s\t%s\n", name, loc);
			free(name);
			free(loc);
		}
		n = strlen(line);
		for (off = 0; ok && off < n; off += (size_t)w) {
			w = write(fd, line + off, n - off);
			if (w < 0 && errno == EINTR)
				w = 0;
			else if (w <= 0)
				ok = false;
		}
		free(line);
	}
	return ok;
}

enum ferry_code
bookmarks_save(const struct bookmarks *bm, struct ferry_error *err)
{
	char		*tmp;
	int		 fd, saved;
	enum ferry_code	 result = FERRY_OK;

	FERRY_ASSERT(bm->path != NULL);
	if (!bookmarks_mkdirs(bm->path, err))
		return err->code;
	tmp = xasprintf("%s.XXXXXX", bm->path);
	if ((fd = mkstemp(tmp)) == -1) {
		result = ferry_error_errno(err, errno, "cannot write the "
		    "bookmarks beside %s", bm->path);
		free(tmp);
		return result;
	}
	if (!bookmarks_write_all(fd, bm) || fsync(fd) != 0) {
		saved = errno;
		close(fd);
		unlink(tmp);
		result = ferry_error_errno(err, saved, "cannot write %s", tmp);
	} else if (close(fd) != 0 || rename(tmp, bm->path) != 0) {
		saved = errno;
		unlink(tmp);
		result = ferry_error_errno(err, saved, "cannot replace %s",
		    bm->path);
	}
	free(tmp);
	return result;
}
