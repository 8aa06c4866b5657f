/* SPDX-License-Identifier: MIT */
/*
 * Helpers shared by the store engine's unit tests (store-*-test.c): a
 * private store directory per test, shortcuts for creating folders and
 * items, and counting files on disk.  Header-only so that each test binary
 * stays one file plus this.
 */
#ifndef FERRY_STORE_UTIL_H
#define FERRY_STORE_UTIL_H

#include <sys/stat.h>

#include <dirent.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "ferry/entry.h"
#include "ferry/stream.h"
#include "core/util.h"
#include "store/store.h"

static inline int
su_rm_cb(const char *path, const struct stat *sb, int flag, struct FTW *f)
{
	(void)sb;
	(void)flag;
	(void)f;
	chmod(path, 0700);
	return remove(path);
}

/* A fresh directory for one test's store (malloc'd). */
static inline char *
su_tmpdir(void)
{
	const char	*base = getenv("TMPDIR");
	char		*t;
	size_t		 n;

	if (base == NULL || *base == '\0')
		base = "/tmp";
	n = strlen(base) + 32;
	t = malloc(n);
	snprintf(t, n, "%s/store-test.XXXXXX", base);
	if (mkdtemp(t) == NULL) {
		perror("mkdtemp");
		exit(2);
	}
	return t;
}

static inline void
su_rmdir(char *dir)
{
	nftw(dir, su_rm_cb, 16, FTW_DEPTH | FTW_PHYS);
	free(dir);
}

/* Open a new store in a new directory; *dirp gets the directory. */
static inline struct store *
su_open(char **dirp)
{
	struct ferry_error	 err;
	struct store		*s = NULL;
	char			*dir, *sdir;

	dir = su_tmpdir();
	sdir = malloc(strlen(dir) + 8);
	sprintf(sdir, "%s/store", dir);
	if (store_open(sdir, &s, &err) != FERRY_OK) {
		printf("# store_open %s: %s\n", sdir, err.msg);
		exit(2);
	}
	free(sdir);
	*dirp = dir;
	return s;
}

/* The store directory of a test directory (static buffer). */
static inline const char *
su_sdir(const char *dir)
{
	static char	 buf[4096];

	snprintf(buf, sizeof buf, "%s/store", dir);
	return buf;
}

/* Create folder name in parent; id (may be NULL) gets its id. */
static inline enum ferry_code
su_mkdir(struct store *s, const char *parent, const char *name,
    char id[STORE_ID_SIZE])
{
	struct ferry_arena	 a = FERRY_ARENA_INIT;
	struct ferry_entry	 e;
	struct ferry_error	 err;
	enum ferry_code		 result;

	result = store_folder_create(s, parent, name, NULL, &e, &a, &err);
	if (result == FERRY_OK && id != NULL)
		snprintf(id, STORE_ID_SIZE, "%s", e.id);
	ferry_arena_done(&a);
	return result;
}

/* Put len bytes as item name in folder; id (may be NULL) gets its id. */
static inline enum ferry_code
su_put_opts(struct store *s, const char *folder, const char *name,
    const void *data, size_t len, const struct ferry_write_opts *o,
    char id[STORE_ID_SIZE], struct ferry_error *err)
{
	struct ferry_arena	 a = FERRY_ARENA_INIT;
	struct ferry_entry	 e;
	struct ferry_reader	*r;
	enum ferry_code		 result;

	r = ferry_reader_mem(data, len);
	result = store_put(s, folder, name, r, o, &e, &a, err);
	if (result == FERRY_OK && id != NULL)
		snprintf(id, STORE_ID_SIZE, "%s", e.id);
	ferry_reader_close(r);
	ferry_arena_done(&a);
	return result;
}

static inline enum ferry_code
su_put(struct store *s, const char *folder, const char *name,
    const char *text, char id[STORE_ID_SIZE])
{
	struct ferry_error	 err;

	return su_put_opts(s, folder, name, text, strlen(text), NULL, id,
	    &err);
}

/* Read the whole content of item id into a malloc'd NUL-terminated buf. */
static inline char *
su_read(struct store *s, const char *id, uint64_t off, uint64_t len,
    size_t *n)
{
	struct ferry_reader	*r;
	struct ferry_error	 err;
	char			*buf;
	size_t			 got, cap = 4 << 20;

	*n = 0;
	if (store_open_read(s, id, off, len, &r, &err) != FERRY_OK)
		return NULL;
	buf = malloc(cap + 1);
	if (ferry_reader_read_full(r, buf, cap, &got, &err) != FERRY_OK) {
		free(buf);
		ferry_reader_close(r);
		return NULL;
	}
	buf[got] = '\0';
	*n = got;
	ferry_reader_close(r);
	return buf;
}

/* Files under dir (recursively, not counting directories). */
static inline int
su_count_files(const char *dir)
{
	DIR		*d;
	struct dirent	*e;
	struct stat	 sb;
	char		*path;
	int		 n = 0;

	if ((d = opendir(dir)) == NULL)
		return 0;
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		path = xasprintf("%s/%s", dir, e->d_name);
		if (lstat(path, &sb) == 0 && S_ISDIR(sb.st_mode))
			n += su_count_files(path);
		else
			n++;
		free(path);
	}
	closedir(d);
	return n;
}

static inline int
su_blobs(const char *dir)
{
	char	 p[4096];

	snprintf(p, sizeof p, "%s/store/blobs", dir);
	return su_count_files(p);
}

static inline int
su_tmps(const char *dir)
{
	char	 p[4096];

	snprintf(p, sizeof p, "%s/store/tmp", dir);
	return su_count_files(p);
}

/* Lower-case hex sha256 of buf into out[65]. */
static inline void
su_sha256(const void *buf, size_t len, char out[65])
{
	unsigned char	 d[EVP_MAX_MD_SIZE];
	unsigned int	 n = 0, i;

	EVP_Digest(buf, len, d, &n, EVP_sha256(), NULL);
	for (i = 0; i < n; i++)
		snprintf(out + 2 * i, 3, "%02x", d[i]);
}

#endif
