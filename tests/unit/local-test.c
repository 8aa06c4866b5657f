/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the local filesystem backend (src/backends/local.c)
 * through the ferry_backend_* wrappers (src/backends/backend.c), in a
 * temporary directory: listing in every order with paging, search and
 * filters; stat of files, folders and links; mkdir -p; atomic writes that
 * never overwrite without OVERWRITE and leave no temporary file behind;
 * writes refused in a read-only folder; range reads; rename and move;
 * recursive remove that does not follow a link out of the tree; find;
 * summary; path_to_root; and the dispatch of other location kinds.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ferry/backend.h"
#include "ferry/config.h"
#include "ferry/location.h"
#include "core/util.h"
#include "lib/check.h"

static char			 root[] = "/tmp/ferry-local-XXXXXX";
static struct ferry_backend	*b;

/* root + "/" + rel, malloc'd. */
static char *
P(const char *rel)
{
	return xasprintf("%s/%s", root, rel);
}

static void
mkfile(const char *rel, size_t size, int64_t mtime_s)
{
	struct timespec	 ts[2];
	char		*path;
	FILE		*f;
	size_t		 i;

	path = P(rel);
	f = fopen(path, "w");
	if (f == NULL) {
		perror(path);
		exit(1);
	}
	for (i = 0; i < size; i++)
		fputc('a' + (int)(i % 26), f);
	fclose(f);
	if (mtime_s != 0) {
		ts[0].tv_sec = ts[1].tv_sec = mtime_s;
		ts[0].tv_nsec = ts[1].tv_nsec = 0;
		utimensat(AT_FDCWD, path, ts, AT_SYMLINK_NOFOLLOW);
	}
	free(path);
}

static void
mkdirp(const char *rel, int64_t mtime_s)
{
	struct timespec	 ts[2];
	char		*path;

	path = P(rel);
	mkdir(path, 0755);
	if (mtime_s != 0) {
		ts[0].tv_sec = ts[1].tv_sec = mtime_s;
		ts[0].tv_nsec = ts[1].tv_nsec = 0;
		utimensat(AT_FDCWD, path, ts, 0);
	}
	free(path);
}

static int
exists(const char *rel)
{
	struct stat	 st;
	char		*path;
	int		 r;

	path = P(rel);
	r = lstat(path, &st) == 0;
	free(path);
	return r;
}

/* The content of a file (NUL-terminated, malloc'd), or NULL. */
static char *
slurp(const char *rel)
{
	char	*path, *buf;
	FILE	*f;
	size_t	 n;

	path = P(rel);
	f = fopen(path, "r");
	free(path);
	if (f == NULL)
		return NULL;
	buf = xmalloc(65536);
	n = fread(buf, 1, 65535, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* Count names in the folder rel containing "needle". */
static int
count_names(const char *rel, const char *needle)
{
	struct dirent	*d;
	DIR		*dir;
	char		*path;
	int		 n = 0;

	path = P(rel);
	dir = opendir(path);
	free(path);
	if (dir == NULL)
		return -1;
	while ((d = readdir(dir)) != NULL)
		if (strstr(d->d_name, needle) != NULL)
			n++;
	closedir(dir);
	return n;
}

/* List rel with q into names joined by ","; malloc'd. */
static char *
list_names(const char *rel, const struct ferry_query *q, uint64_t *total)
{
	struct ferry_page	 page;
	struct ferry_error	 err;
	char			*path, *s, *t;
	size_t			 i;

	path = P(rel);
	ferry_page_init(&page);
	s = xstrdup("");
	if (ferry_backend_list(b, path, q, &page, &err) != FERRY_OK) {
		printf("#   list %s: %s\n", path, err.msg);
		free(s);
		s = xstrdup("(error)");
	}
	for (i = 0; i < page.n; i++) {
		t = xasprintf("%s%s%s", s, i ? "," : "", page.v[i].name);
		free(s);
		s = t;
	}
	if (total != NULL)
		*total = page.total_known ? page.total : UINT64_MAX;
	CHECK(page.next_cursor == NULL);
	ferry_page_done(&page);
	free(path);
	return s;
}

static void
test_list_orders(void)
{
	static const struct {
		int		 order;
		int		 desc;
		const char	*want;
	} rows[] = {
		{ FERRY_ORDER_NAME, 0, "Adir,zdir,A.png,b.txt,c.jpg,d" },
		{ FERRY_ORDER_NAME, 1, "zdir,Adir,d,c.jpg,b.txt,A.png" },
		{ FERRY_ORDER_SIZE, 0, "Adir,zdir,d,A.png,c.jpg,b.txt" },
		{ FERRY_ORDER_SIZE, 1, "zdir,Adir,b.txt,c.jpg,A.png,d" },
		{ FERRY_ORDER_CREATED, 0, "zdir,Adir,A.png,c.jpg,b.txt,d" },
		{ FERRY_ORDER_CREATED, 1, "Adir,zdir,d,b.txt,c.jpg,A.png" },
		{ FERRY_ORDER_TYPE, 0, "Adir,zdir,d,A.png,c.jpg,b.txt" },
		{ FERRY_ORDER_TYPE, 1, "zdir,Adir,b.txt,c.jpg,A.png,d" },
	};
	struct ferry_query	 q;
	uint64_t		 total;
	size_t			 i;
	char			*got;

	mkdirp("orders", 0);
	mkdirp("orders/zdir", 100000);
	mkdirp("orders/Adir", 500000);
	mkfile("orders/A.png", 10, 1000000);
	mkfile("orders/b.txt", 30, 3000000);
	mkfile("orders/c.jpg", 20, 2000000);
	mkfile("orders/d", 0, 4000000);
	for (i = 0; i < FERRY_NELEM(rows); i++) {
		ferry_query_init(&q);
		q.order = (enum ferry_order)rows[i].order;
		q.desc = rows[i].desc;
		got = list_names("orders", &q, &total);
		if (strcmp(got, rows[i].want) != 0)
			printf("#   order %d desc %d\n", rows[i].order,
			    rows[i].desc);
		CHECK_STR(got, rows[i].want);
		CHECK_INT(total, 6);
		free(got);
	}

	/* Search and filters. */
	ferry_query_init(&q);
	q.search = "PNG";
	got = list_names("orders", &q, &total);
	CHECK_STR(got, "A.png");
	CHECK_INT(total, 1);
	free(got);
	q.search = "DIR";
	got = list_names("orders", &q, NULL);
	CHECK_STR(got, "Adir,zdir");
	free(got);
	q.search = NULL;
	q.filter = FERRY_FILTER_FOLDERS;
	got = list_names("orders", &q, NULL);
	CHECK_STR(got, "Adir,zdir");
	free(got);
	q.filter = FERRY_FILTER_TYPE(FERRY_TYPE_IMAGE);
	got = list_names("orders", &q, NULL);
	CHECK_STR(got, "A.png,c.jpg");
	free(got);
	q.filter = FERRY_FILTER_TYPE(FERRY_TYPE_OTHER) | FERRY_FILTER_FOLDERS;
	got = list_names("orders", &q, NULL);
	CHECK_STR(got, "Adir,zdir,d");
	free(got);
}

static void
test_list_names_only(void)
{
	struct ferry_page	 page;
	struct ferry_query	 q;
	struct ferry_error	 err;
	char			*path;
	size_t			 i;

	ferry_query_init(&q);
	q.names_only = true;
	path = P("orders");
	ferry_page_init(&page);
	CHECK_CODE(ferry_backend_list(b, path, &q, &page, &err), FERRY_OK);
	CHECK_INT(page.n, 6);
	for (i = 0; i < page.n; i++) {
		if (strcmp(page.v[i].name, "Adir") == 0)
			CHECK_INT(page.v[i].kind, FERRY_KIND_FOLDER);
		if (strcmp(page.v[i].name, "c.jpg") == 0) {
			CHECK_INT(page.v[i].kind, FERRY_KIND_ITEM);
			CHECK_INT(page.v[i].type, FERRY_TYPE_IMAGE);
		}
	}
	ferry_page_done(&page);
	free(path);
}

/* Page through dir with limit; every name must come exactly once. */
static void
page_all(const char *rel, struct ferry_query *q, int n_expected,
    int insert_after_first)
{
	struct ferry_page	 page;
	struct ferry_error	 err;
	struct ferry_entry	 prev;
	struct ferry_arena	 a;
	char			*path, *cursor = NULL, name[64];
	int			 seen[200], pages = 0, i, got = 0, k;
	bool			 have_prev = false;

	memset(seen, 0, sizeof seen);
	ferry_arena_init(&a);
	path = P(rel);
	for (;;) {
		ferry_page_init(&page);
		q->cursor = cursor;
		if (ferry_backend_list(b, path, q, &page, &err) != FERRY_OK) {
			printf("#   %s\n", err.msg);
			CHECK(0);
			ferry_page_done(&page);
			break;
		}
		CHECK(page.n <= q->limit);
		for (i = 0; i < (int)page.n; i++) {
			if (have_prev)
				CHECK(ferry_query_cmp(q, &prev,
				    &page.v[i]) < 0);
			ferry_entry_copy(&prev, &page.v[i], &a);
			have_prev = true;
			if (sscanf(page.v[i].name, "f%d", &k) == 1 &&
			    k >= 0 && k < 200)
				seen[k]++;
			got++;
		}
		free(cursor);
		cursor = page.next_cursor ? xstrdup(page.next_cursor) : NULL;
		ferry_page_done(&page);
		if (pages++ == 0 && insert_after_first) {
			/* New entries before and after the cursor. */
			snprintf(name, sizeof name, "%s/f150", rel);
			mkfile(name, 1, 0);
			snprintf(name, sizeof name, "%s/f000new", rel);
			mkfile(name, 1, 0);
		}
		if (cursor == NULL || pages > 100)
			break;
	}
	for (i = 0; i < n_expected; i++) {
		if (seen[i] != 1)
			printf("#   f%03d seen %d times\n", i, seen[i]);
		CHECK_INT(seen[i], 1);
	}
	CHECK(got >= n_expected);
	free(path);
	ferry_arena_done(&a);
}

static void
test_list_paging(void)
{
	struct ferry_query	 q;
	char			 name[64];
	int			 i, o, d;

	mkdirp("many", 0);
	for (i = 0; i < 57; i++) {
		snprintf(name, sizeof name, "many/f%03d", i);
		mkfile(name, (size_t)(i * 37) % 11, 1000 + (i * 13) % 7);
	}
	for (o = 0; o < 4; o++)
		for (d = 0; d < 2; d++) {
			ferry_query_init(&q);
			q.order = (enum ferry_order)o;
			q.desc = d;
			q.limit = 10;
			page_all("many", &q, 57, 0);
		}
	/* Inserts while paging by name: the 57 still come once each. */
	ferry_query_init(&q);
	q.limit = 10;
	page_all("many", &q, 57, 1);

	/* A malformed cursor is refused, naming the folder. */
	{
		struct ferry_page	 page;
		struct ferry_error	 err;
		char			*path = P("many");

		ferry_query_init(&q);
		q.cursor = "garbage!";
		ferry_page_init(&page);
		CHECK_CODE(ferry_backend_list(b, path, &q, &page, &err),
		    FERRY_E_INVALID);
		CHECK(strstr(err.msg, "malformed cursor") != NULL);
		CHECK(strstr(err.msg, path) != NULL);
		ferry_page_done(&page);
		free(path);
	}
}

static void
test_stat(void)
{
	struct ferry_entry	 e;
	struct ferry_arena	 a;
	struct ferry_error	 err;
	char			*path, *target;

	ferry_arena_init(&a);
	mkdirp("st", 0);
	mkfile("st/file.txt", 123, 1700000000);
	mkdirp("st/dir", 0);
	path = P("st/file.txt");
	CHECK_CODE(ferry_backend_stat(b, path, &e, &a, &err), FERRY_OK);
	CHECK_STR(e.name, "file.txt");
	CHECK_INT(e.kind, FERRY_KIND_ITEM);
	CHECK_INT(e.size, 123);
	CHECK_INT(e.type, FERRY_TYPE_TEXT);
	CHECK(e.mime == NULL);
	CHECK_INT(e.modified, 1700000000000LL);
	CHECK_INT(e.created, 0);
	CHECK(e.flags == 0);
	free(path);

	path = P("st/dir");
	CHECK_CODE(ferry_backend_stat(b, path, &e, &a, &err), FERRY_OK);
	CHECK_INT(e.kind, FERRY_KIND_FOLDER);
	free(path);

	/* Links: to a file, to a folder, dangling. */
	target = P("st/file.txt");
	path = P("st/link-file");
	CHECK(symlink(target, path) == 0);
	CHECK_CODE(ferry_backend_stat(b, path, &e, &a, &err), FERRY_OK);
	CHECK(e.flags & FERRY_ENTRY_SYMLINK);
	CHECK_STR(e.link_target, target);
	CHECK_INT(e.kind, FERRY_KIND_ITEM);
	CHECK_INT(e.size, 123);
	free(path);
	free(target);
	path = P("st/link-dir");
	CHECK(symlink("dir", path) == 0);
	CHECK_CODE(ferry_backend_stat(b, path, &e, &a, &err), FERRY_OK);
	CHECK(e.flags & FERRY_ENTRY_SYMLINK);
	CHECK_INT(e.kind, FERRY_KIND_FOLDER);
	free(path);
	path = P("st/dangling");
	CHECK(symlink("nowhere", path) == 0);
	CHECK_CODE(ferry_backend_stat(b, path, &e, &a, &err), FERRY_OK);
	CHECK(e.flags & FERRY_ENTRY_SYMLINK);
	CHECK(e.flags & FERRY_ENTRY_NO_SIZE);
	CHECK_INT(e.kind, FERRY_KIND_ITEM);
	CHECK_STR(e.link_target, "nowhere");
	free(path);
	path = P("st/fifo");
	CHECK(mkfifo(path, 0600) == 0);
	CHECK_CODE(ferry_backend_stat(b, path, &e, &a, &err), FERRY_OK);
	CHECK(e.flags & FERRY_ENTRY_SPECIAL);
	free(path);

	path = P("st/missing");
	CHECK_CODE(ferry_backend_stat(b, path, &e, &a, &err),
	    FERRY_E_NOT_FOUND);
	CHECK(strstr(err.msg, path) != NULL);
	free(path);

	/* The wrapper normalises the path. */
	path = P("st/./dir/../file.txt");
	CHECK_CODE(ferry_backend_stat(b, path, &e, &a, &err), FERRY_OK);
	CHECK_STR(e.name, "file.txt");
	free(path);
	CHECK_CODE(ferry_backend_stat(b, "/", &e, &a, &err), FERRY_OK);
	CHECK_STR(e.name, "");
	CHECK_INT(e.kind, FERRY_KIND_FOLDER);
	ferry_arena_done(&a);
}

static void
test_mkdir(void)
{
	struct ferry_mkdir_opts	 o;
	struct ferry_entry	 e;
	struct ferry_arena	 a;
	struct ferry_error	 err;
	char			*path;

	ferry_arena_init(&a);
	memset(&o, 0, sizeof o);
	path = P("mk");
	CHECK_CODE(ferry_backend_mkdir(b, path, &o, &e, &a, &err), FERRY_OK);
	CHECK_INT(e.kind, FERRY_KIND_FOLDER);
	CHECK_STR(e.name, "mk");
	CHECK_CODE(ferry_backend_mkdir(b, path, &o, NULL, NULL, &err),
	    FERRY_E_EXISTS);
	CHECK(strstr(err.msg, "already exists") != NULL);
	o.exist_ok = true;
	CHECK_CODE(ferry_backend_mkdir(b, path, &o, NULL, NULL, &err),
	    FERRY_OK);
	free(path);

	o.exist_ok = false;
	path = P("mk/x/y/z");
	CHECK_CODE(ferry_backend_mkdir(b, path, &o, NULL, NULL, &err),
	    FERRY_E_NOT_FOUND);
	o.parents = true;
	CHECK_CODE(ferry_backend_mkdir(b, path, &o, NULL, NULL, &err),
	    FERRY_OK);
	CHECK(exists("mk/x/y/z"));
	CHECK_CODE(ferry_backend_mkdir(b, path, &o, NULL, NULL, &err),
	    FERRY_OK);
	free(path);

	mkfile("mk/file", 1, 0);
	path = P("mk/file/sub");
	CHECK_CODE(ferry_backend_mkdir(b, path, &o, NULL, NULL, &err),
	    FERRY_E_EXISTS);
	CHECK(strstr(err.msg, "not a folder") != NULL);
	free(path);

	path = P("mk/bad\001name");
	CHECK_CODE(ferry_backend_mkdir(b, path, &o, NULL, NULL, &err),
	    FERRY_E_INVALID_NAME);
	CHECK(!exists("mk/bad\001name"));
	free(path);

	o.description = "hello";
	path = P("mk/desc");
	CHECK_CODE(ferry_backend_mkdir(b, path, &o, NULL, NULL, &err),
	    FERRY_E_UNSUPPORTED);
	CHECK(strstr(err.msg, "local folders do not keep descriptions") !=
	    NULL);
	CHECK(!exists("mk/desc"));
	free(path);
	ferry_arena_done(&a);
}

/* A reader that gives n bytes of 'x' and then fails. */
struct bad_reader {
	struct ferry_reader	 r;
	size_t			 left;
};

static enum ferry_code
bad_read(struct ferry_reader *r, void *buf, size_t len, size_t *got,
    struct ferry_error *err)
{
	struct bad_reader	*br = (struct bad_reader *)r;

	if (br->left == 0) {
		*got = 0;
		return ferry_error_set(err, FERRY_E_NETWORK,
		    "source: connection reset");
	}
	if (len > br->left)
		len = br->left;
	memset(buf, 'x', len);
	br->left -= len;
	*got = len;
	return FERRY_OK;
}

static void
bad_close(struct ferry_reader *r)
{
	(void)r;
}

static const struct ferry_reader_ops bad_ops = { bad_read, bad_close };

/* Write text to rel with opts; returns the code. */
static enum ferry_code
write_text(const char *rel, const char *text,
    const struct ferry_write_opts *o, struct ferry_error *err)
{
	struct ferry_reader	*r;
	enum ferry_code		 rc;
	char			*path;

	path = P(rel);
	r = ferry_reader_mem(text, strlen(text));
	rc = ferry_backend_write(b, path, r, o, NULL, NULL, err);
	ferry_reader_close(r);
	free(path);
	return rc;
}

static void
test_write(void)
{
	struct ferry_write_opts	 o;
	struct ferry_error	 err;
	struct ferry_entry	 e;
	struct ferry_arena	 a;
	struct bad_reader	 br;
	struct ferry_reader	*r;
	struct stat		 st;
	char			*s, *path;

	ferry_arena_init(&a);
	mkdirp("w", 0);
	memset(&o, 0, sizeof o);
	CHECK_CODE(write_text("w/new.txt", "first", &o, &err), FERRY_OK);
	s = slurp("w/new.txt");
	CHECK_STR(s, "first");
	free(s);

	/* Without OVERWRITE nothing is replaced. */
	CHECK_CODE(write_text("w/new.txt", "second", &o, &err),
	    FERRY_E_EXISTS);
	CHECK(strstr(err.msg, "new.txt already exists") != NULL);
	s = slurp("w/new.txt");
	CHECK_STR(s, "first");
	free(s);
	o.exists = FERRY_EXISTS_OVERWRITE;
	CHECK_CODE(write_text("w/new.txt", "second", &o, &err), FERRY_OK);
	s = slurp("w/new.txt");
	CHECK_STR(s, "second");
	free(s);

	/* A folder is never replaced. */
	mkdirp("w/folder", 0);
	CHECK_CODE(write_text("w/folder", "x", &o, &err), FERRY_E_IS_FOLDER);
	o.exists = FERRY_EXISTS_FAIL;
	CHECK_CODE(write_text("w/folder", "x", &o, &err), FERRY_E_IS_FOLDER);

	/* A source failing midway leaves nothing, not even a temp. */
	memset(&br, 0, sizeof br);
	br.r.ops = &bad_ops;
	br.left = 300000;
	path = P("w/broken.bin");
	CHECK_CODE(ferry_backend_write(b, path, &br.r, &o, NULL, NULL, &err),
	    FERRY_E_NETWORK);
	CHECK(!exists("w/broken.bin"));
	free(path);
	CHECK_INT(count_names("w", ".ferry-"), 0);

	/* Names are checked: a remote name cannot escape or hide. */
	CHECK_CODE(write_text("w/a\nb", "x", &o, &err), FERRY_E_INVALID_NAME);
	CHECK_CODE(write_text("w/\xff", "x", &o, &err), FERRY_E_INVALID_NAME);
	CHECK_CODE(write_text("w/missing/x", "x", &o, &err),
	    FERRY_E_NOT_FOUND);
	CHECK(strstr(err.msg, "missing") != NULL);

	/* Mode and mtime. */
	o.mode = 04751;			/* setuid is dropped */
	o.mtime = 1600000000123;
	path = P("w/mode");
	r = ferry_reader_mem("abc", 3);
	CHECK_CODE(ferry_backend_write(b, path, r, &o, &e, &a, &err), FERRY_OK);
	ferry_reader_close(r);
	CHECK_INT(e.size, 3);
	CHECK_STR(e.name, "mode");
	CHECK(stat(path, &st) == 0);
	CHECK_INT(st.st_mode & 07777, 0751);
	CHECK_INT(st.st_mtim.tv_sec, 1600000000);
	CHECK_INT(st.st_mtim.tv_nsec / 1000000, 123);
	free(path);

	/* Expected sha256. */
	memset(&o, 0, sizeof o);
	o.expect_sha256 = "ba7816bf8f01cfea414140de5dae2223"
	    "b00361a396177a9cb410ff61f20015ad";	/* "abc" */
	CHECK_CODE(write_text("w/sha-ok", "abc", &o, &err), FERRY_OK);
	CHECK_CODE(write_text("w/sha-bad", "abd", &o, &err), FERRY_E_CORRUPT);
	CHECK(strstr(err.msg, "sha256") != NULL);
	CHECK(!exists("w/sha-bad"));
	CHECK_INT(count_names("w", ".ferry-"), 0);

	/* Empty file. */
	memset(&o, 0, sizeof o);
	CHECK_CODE(write_text("w/empty", "", &o, &err), FERRY_OK);
	s = slurp("w/empty");
	CHECK_STR(s, "");
	free(s);
	ferry_arena_done(&a);
}

/* In a child without root's powers, write into a read-only folder. */
static void
test_write_readonly(void)
{
	struct ferry_write_opts	 o;
	struct ferry_error	 err;
	char			*dir, *path;
	pid_t			 pid;
	int			 status;

	mkdirp("ro", 0);
	dir = P("ro");
	chmod(root, 0755);
	chmod(dir, 0555);
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		if (geteuid() == 0 && (setgid(65534) != 0 ||
		    setuid(65534) != 0))
			_exit(3);
		memset(&o, 0, sizeof o);
		if (write_text("ro/file", "x", &o, &err) !=
		    FERRY_E_PERMISSION) {
			printf("#   child: %d %s\n", err.code, err.msg);
			_exit(1);
		}
		if (strstr(err.msg, dir) == NULL ||
		    strstr(err.msg, "ermission") == NULL) {
			printf("#   child message: %s\n", err.msg);
			_exit(2);
		}
		path = P("ro/sub");
		if (ferry_backend_mkdir(b, path, NULL, NULL, NULL, &err) !=
		    FERRY_E_PERMISSION)
			_exit(4);
		_exit(0);
	}
	CHECK(pid > 0);
	CHECK(waitpid(pid, &status, 0) == pid);
	CHECK(WIFEXITED(status));
	CHECK_INT(WEXITSTATUS(status), 0);
	CHECK(!exists("ro/file"));
	CHECK_INT(count_names("ro", ".ferry-"), 0);
	chmod(dir, 0755);
	free(dir);
}

/* A full disk (here: a file size limit) is NO_SPACE naming the file. */
static void
test_write_no_space(void)
{
	struct ferry_write_opts	 o;
	struct ferry_error	 err;
	struct rlimit		 old, lim;
	char			*big, *path;

	mkdirp("full", 0);
	big = xmalloc(100001);
	memset(big, 'q', 100000);
	big[100000] = '\0';
	memset(&o, 0, sizeof o);
	CHECK(getrlimit(RLIMIT_FSIZE, &old) == 0);
	lim = old;
	lim.rlim_cur = 4096;
	signal(SIGXFSZ, SIG_IGN);
	CHECK(setrlimit(RLIMIT_FSIZE, &lim) == 0);
	CHECK_CODE(write_text("full/big", big, &o, &err), FERRY_E_NO_SPACE);
	CHECK(setrlimit(RLIMIT_FSIZE, &old) == 0);
	signal(SIGXFSZ, SIG_DFL);
	path = P("full/big");
	CHECK(strstr(err.msg, path) != NULL);
	CHECK(!exists("full/big"));
	CHECK_INT(count_names("full", ".ferry-"), 0);
	free(path);
	free(big);
}

/* A cancelled write stops and leaves nothing behind. */
static void
test_write_cancel(void)
{
	struct ferry_write_opts	 o;
	struct ferry_error	 err;
	volatile int		 flag = 1;

	mkdirp("cancel", 0);
	memset(&o, 0, sizeof o);
	b->cancel = &flag;
	CHECK_CODE(write_text("cancel/x", "data", &o, &err),
	    FERRY_E_CANCELLED);
	b->cancel = NULL;
	CHECK(!exists("cancel/x"));
	CHECK_INT(count_names("cancel", ".ferry-"), 0);
	CHECK_CODE(write_text("cancel/x", "data", &o, &err), FERRY_OK);
}

static void
test_read(void)
{
	struct ferry_reader	*r;
	struct ferry_error	 err;
	char			*path, buf[64];
	size_t			 got;

	mkdirp("rd", 0);
	mkfile("rd/abc", 26, 0);
	path = P("rd/abc");
	CHECK_CODE(ferry_backend_read(b, path, 0, buf, 5, &got, &err),
	    FERRY_OK);
	CHECK_INT(got, 5);
	CHECK(memcmp(buf, "abcde", 5) == 0);
	CHECK_CODE(ferry_backend_read(b, path, 24, buf, 10, &got, &err),
	    FERRY_OK);
	CHECK_INT(got, 2);
	CHECK(memcmp(buf, "yz", 2) == 0);
	CHECK_CODE(ferry_backend_read(b, path, 26, buf, 10, &got, &err),
	    FERRY_OK);
	CHECK_INT(got, 0);
	CHECK_CODE(ferry_backend_read(b, path, 27, buf, 10, &got, &err),
	    FERRY_E_INVALID);
	CHECK(strstr(err.msg, "past the end") != NULL);

	CHECK_CODE(ferry_backend_open_read(b, path, 10, UINT64_MAX, &r, &err),
	    FERRY_OK);
	CHECK(r->size_known);
	CHECK_INT(r->size, 16);
	CHECK_CODE(ferry_reader_read_full(r, buf, sizeof buf, &got, &err),
	    FERRY_OK);
	CHECK_INT(got, 16);
	CHECK(memcmp(buf, "klmnopqrstuvwxyz", 16) == 0);
	ferry_reader_close(r);
	free(path);

	path = P("rd");
	CHECK_CODE(ferry_backend_open_read(b, path, 0, 1, &r, &err),
	    FERRY_E_IS_FOLDER);
	CHECK(r == NULL);
	free(path);
	path = P("rd/fifo");
	CHECK(mkfifo(path, 0600) == 0);
	CHECK_CODE(ferry_backend_open_read(b, path, 0, 1, &r, &err),
	    FERRY_E_UNSUPPORTED);
	free(path);
	path = P("rd/none");
	CHECK_CODE(ferry_backend_open_read(b, path, 0, 1, &r, &err),
	    FERRY_E_NOT_FOUND);
	free(path);
}

static void
test_rename_move(void)
{
	struct ferry_update	 u;
	struct ferry_error	 err;
	char			*src, *dst;

	mkdirp("mv", 0);
	mkfile("mv/a", 1, 0);
	mkfile("mv/b", 2, 0);
	mkdirp("mv/d", 0);
	mkdirp("mv/d/sub", 0);

	memset(&u, 0, sizeof u);
	u.fields = FERRY_UPDATE_NAME;
	u.name = "a2";
	src = P("mv/a");
	CHECK_CODE(ferry_backend_update(b, src, &u, &err), FERRY_OK);
	CHECK(!exists("mv/a") && exists("mv/a2"));
	free(src);
	src = P("mv/a2");
	u.name = "b";
	CHECK_CODE(ferry_backend_update(b, src, &u, &err), FERRY_E_EXISTS);
	CHECK(exists("mv/a2") && exists("mv/b"));
	u.name = "../escape";
	CHECK_CODE(ferry_backend_update(b, src, &u, &err),
	    FERRY_E_INVALID_NAME);
	u.name = "..";
	CHECK_CODE(ferry_backend_update(b, src, &u, &err),
	    FERRY_E_INVALID_NAME);
	u.fields = FERRY_UPDATE_DESCRIPTION;
	u.description = "x";
	CHECK_CODE(ferry_backend_update(b, src, &u, &err),
	    FERRY_E_UNSUPPORTED);
	free(src);

	/* Move a file into a folder; onto an existing name. */
	src = P("mv/a2");
	dst = P("mv/d/a3");
	CHECK_CODE(ferry_backend_move(b, src, dst, FERRY_EXISTS_FAIL, &err),
	    FERRY_OK);
	CHECK(exists("mv/d/a3") && !exists("mv/a2"));
	free(src);
	free(dst);
	src = P("mv/b");
	dst = P("mv/d/a3");
	CHECK_CODE(ferry_backend_move(b, src, dst, FERRY_EXISTS_FAIL, &err),
	    FERRY_E_EXISTS);
	CHECK(exists("mv/b"));
	CHECK_CODE(ferry_backend_move(b, src, dst, FERRY_EXISTS_OVERWRITE,
	    &err), FERRY_OK);
	CHECK(!exists("mv/b"));
	free(dst);
	free(src);

	/* A folder into its own subtree; a folder is never replaced. */
	src = P("mv/d");
	dst = P("mv/d/sub/d");
	CHECK_CODE(ferry_backend_move(b, src, dst, FERRY_EXISTS_FAIL, &err),
	    FERRY_E_CONFLICT);
	CHECK(strstr(err.msg, "into itself") != NULL);
	free(dst);
	mkfile("mv/f", 1, 0);
	dst = P("mv/f");
	free(src);
	src = P("mv/d/a3");
	free(dst);
	dst = P("mv/d/sub");
	CHECK_CODE(ferry_backend_move(b, src, dst, FERRY_EXISTS_OVERWRITE,
	    &err), FERRY_E_IS_FOLDER);
	CHECK(exists("mv/d/sub") && exists("mv/d/a3"));
	free(src);
	free(dst);

	/* The local backend has no server-side copy. */
	src = P("mv/f");
	dst = P("mv/g");
	CHECK_CODE(ferry_backend_copy(b, src, dst, FERRY_EXISTS_FAIL, &err),
	    FERRY_E_UNSUPPORTED);
	CHECK(strstr(err.msg, "local does not support") != NULL);
	free(src);
	free(dst);
}

static void
test_remove(void)
{
	struct ferry_error	 err;
	char			*path, *outside, *link;

	mkdirp("rm", 0);
	mkfile("rm/file", 1, 0);
	mkdirp("rm/empty", 0);
	mkdirp("rm/full", 0);
	mkdirp("rm/full/deeper", 0);
	mkfile("rm/full/deeper/x", 5, 0);
	mkfile("rm/full/y", 5, 0);
	/* A link inside the tree to a folder outside it. */
	mkdirp("keep", 0);
	mkfile("keep/precious", 7, 0);
	outside = P("keep");
	link = P("rm/full/deeper/link-out");
	CHECK(symlink(outside, link) == 0);

	path = P("rm/file");
	CHECK_CODE(ferry_backend_remove(b, path, 0, &err), FERRY_OK);
	CHECK(!exists("rm/file"));
	CHECK_CODE(ferry_backend_remove(b, path, 0, &err), FERRY_E_NOT_FOUND);
	free(path);
	path = P("rm/empty");
	CHECK_CODE(ferry_backend_remove(b, path, 0, &err), FERRY_OK);
	free(path);
	path = P("rm/full");
	CHECK_CODE(ferry_backend_remove(b, path, 0, &err), FERRY_E_NOT_EMPTY);
	CHECK(strstr(err.msg, path) != NULL);
	CHECK(exists("rm/full/y"));
	CHECK_CODE(ferry_backend_remove(b, path, FERRY_REMOVE_RECURSIVE, &err),
	    FERRY_OK);
	CHECK(!exists("rm/full"));
	CHECK(exists("keep/precious"));
	free(path);

	/* A link to a folder: the link goes, not what it points to. */
	free(link);
	link = P("rm/link");
	CHECK(symlink(outside, link) == 0);
	CHECK_CODE(ferry_backend_remove(b, link, FERRY_REMOVE_RECURSIVE, &err),
	    FERRY_OK);
	CHECK(!exists("rm/link") && exists("keep/precious"));
	CHECK_CODE(ferry_backend_remove(b, "/", FERRY_REMOVE_RECURSIVE, &err),
	    FERRY_E_PERMISSION);
	free(link);
	free(outside);
}

struct found {
	char	 buf[1024];
	int	 n;
	int	 stop_at;
};

static enum ferry_code
found_cb(const char *path, const struct ferry_entry *e, void *ud)
{
	struct found	*f = ud;
	size_t		 len = strlen(f->buf);

	snprintf(f->buf + len, sizeof f->buf - len, "%s%s%s", len ? "," : "",
	    path, e->kind == FERRY_KIND_FOLDER ? "/" : "");
	if (++f->n == f->stop_at)
		return FERRY_E_CANCELLED;
	return FERRY_OK;
}

/* The tree find, summary and path_to_root look at. */
static void
make_find_tree(void)
{
	mkdirp("fd", 0);
	mkdirp("fd/a", 0);
	mkdirp("fd/a/b", 0);
	mkfile("fd/a/b/deep.txt", 1, 0);
	mkfile("fd/a/one.txt", 1, 0);
	mkfile("fd/top.jpg", 1, 0);
	mkfile("fd/z.txt", 1, 0);
}

static void
test_find(void)
{
	struct ferry_find	 q;
	struct ferry_error	 err;
	struct found		 f;
	char			*path;

	make_find_tree();
	path = P("fd");

	ferry_find_init(&q);
	memset(&f, 0, sizeof f);
	CHECK_CODE(ferry_backend_find(b, path, &q, found_cb, &f, &err),
	    FERRY_OK);
	CHECK_STR(f.buf, "a/,a/b/,a/b/deep.txt,a/one.txt,top.jpg,z.txt");

	q.name = "*.txt";
	memset(&f, 0, sizeof f);
	CHECK_CODE(ferry_backend_find(b, path, &q, found_cb, &f, &err),
	    FERRY_OK);
	CHECK_STR(f.buf, "a/b/deep.txt,a/one.txt,z.txt");

	q.max_depth = 2;
	memset(&f, 0, sizeof f);
	CHECK_CODE(ferry_backend_find(b, path, &q, found_cb, &f, &err),
	    FERRY_OK);
	CHECK_STR(f.buf, "a/one.txt,z.txt");

	q.name = NULL;
	q.max_depth = 0;
	q.filter = FERRY_FILTER_FOLDERS;
	memset(&f, 0, sizeof f);
	CHECK_CODE(ferry_backend_find(b, path, &q, found_cb, &f, &err),
	    FERRY_OK);
	CHECK_STR(f.buf, "a/,a/b/");

	q.filter = 0;
	memset(&f, 0, sizeof f);
	f.stop_at = 2;
	CHECK_CODE(ferry_backend_find(b, path, &q, found_cb, &f, &err),
	    FERRY_E_CANCELLED);
	CHECK_INT(f.n, 2);
	free(path);

	path = P("fd/z.txt");
	CHECK_CODE(ferry_backend_find(b, path, &q, found_cb, &f, &err),
	    FERRY_E_NOT_FOLDER);
	free(path);
}

static void
test_summary(void)
{
	struct ferry_summary	 s;
	struct ferry_error	 err;
	char			*path, *link;

	make_find_tree();
	path = P("fd");
	link = P("fd/a/link-out");
	CHECK(symlink(root, link) == 0);	/* not followed */
	CHECK_CODE(ferry_backend_summary(b, path, &s, &err), FERRY_OK);
	CHECK_INT(s.folders, 2);
	CHECK_INT(s.items, 5);		/* 4 files and the link */
	CHECK_INT(s.bytes, 4);
	CHECK_INT(s.type_items[FERRY_TYPE_TEXT], 3);
	CHECK_INT(s.type_items[FERRY_TYPE_IMAGE], 1);
	CHECK_INT(s.type_bytes[FERRY_TYPE_TEXT], 3);
	free(path);
	unlink(link);
	free(link);

	path = P("fd/top.jpg");
	CHECK_CODE(ferry_backend_summary(b, path, &s, &err), FERRY_OK);
	CHECK_INT(s.items, 1);
	CHECK_INT(s.bytes, 1);
	free(path);
}

static void
test_path_to_root(void)
{
	struct ferry_entry_list	 l;
	struct ferry_error	 err;
	char			*path;
	size_t			 depth = 0;
	const char		*p;

	make_find_tree();
	path = P("fd/a/b/deep.txt");
	for (p = path; *p != '\0'; p++)
		depth += *p == '/';
	ferry_entry_list_init(&l);
	CHECK_CODE(ferry_backend_path_to_root(b, path, &l, &err), FERRY_OK);
	CHECK_INT(l.n, depth + 1);
	if (l.n == depth + 1) {
		CHECK_STR(l.v[0].name, "");
		CHECK_INT(l.v[0].kind, FERRY_KIND_FOLDER);
		CHECK_STR(l.v[l.n - 1].name, "deep.txt");
		CHECK_INT(l.v[l.n - 1].kind, FERRY_KIND_ITEM);
		CHECK_STR(l.v[l.n - 2].name, "b");
		CHECK_INT(l.v[l.n - 2].kind, FERRY_KIND_FOLDER);
	}
	ferry_entry_list_done(&l);
	free(path);

	ferry_entry_list_init(&l);
	CHECK_CODE(ferry_backend_path_to_root(b, "/", &l, &err), FERRY_OK);
	CHECK_INT(l.n, 1);
	ferry_entry_list_done(&l);

	path = P("fd/nope/x");
	ferry_entry_list_init(&l);
	CHECK_CODE(ferry_backend_path_to_root(b, path, &l, &err),
	    FERRY_E_NOT_FOUND);
	ferry_entry_list_done(&l);
	free(path);
}

static void
test_dispatch(void)
{
	struct ferry_location	 loc;
	struct ferry_config	 cfg;
	struct ferry_error	 err;
	struct ferry_backend	*x;
	char			*file;
	FILE			*f;

	CHECK(ferry_backend_has(b, FERRY_CAP_WRITE | FERRY_CAP_LOCAL_FILES));
	CHECK(!ferry_backend_has(b, FERRY_CAP_IDS));
	CHECK_STR(b->label, "");

	file = P("config");
	f = fopen(file, "w");
	fputs("[profile work]\nurl = https://h:1\n", f);
	fclose(f);
	CHECK_CODE(ferry_config_load(&cfg, file, NULL, &err), FERRY_OK);

	CHECK_CODE(ferry_location_parse("nosuch:/x", &loc, &err), FERRY_OK);
	CHECK_CODE(ferry_backend_open(&loc, &cfg, &x, &err),
	    FERRY_E_NOT_FOUND);
	CHECK(strstr(err.msg, "unknown profile 'nosuch': add a "
	    "[profile nosuch] section to") != NULL);
	CHECK(strstr(err.msg, file) != NULL);
	CHECK(strstr(err.msg, "./nosuch:/x") != NULL);
	CHECK(x == NULL);
	ferry_location_done(&loc);

	CHECK_CODE(ferry_location_parse("work:/x", &loc, &err), FERRY_OK);
	CHECK_CODE(ferry_backend_open(&loc, &cfg, &x, &err),
	    FERRY_E_UNSUPPORTED);
	CHECK_STR(err.msg, "profile 'work' (type http) needs the ferryd "
	    "client, which this build does not have yet");
	ferry_location_done(&loc);

	CHECK_CODE(ferry_location_parse("s3://bucket/x", &loc, &err),
	    FERRY_OK);
	CHECK_CODE(ferry_backend_open(&loc, &cfg, &x, &err),
	    FERRY_E_UNSUPPORTED);
	CHECK(strstr(err.msg, "s3://bucket/x") != NULL);
	ferry_location_done(&loc);

	CHECK_CODE(ferry_location_parse("https://h/x", &loc, &err), FERRY_OK);
	CHECK_CODE(ferry_backend_open(&loc, &cfg, &x, &err),
	    FERRY_E_UNSUPPORTED);
	ferry_location_done(&loc);

	/* Without a config, the message points at the default file. */
	setenv("XDG_CONFIG_HOME", "/cfg-home", 1);
	CHECK_CODE(ferry_location_parse("other:", &loc, &err), FERRY_OK);
	CHECK_CODE(ferry_backend_open(&loc, NULL, &x, &err),
	    FERRY_E_NOT_FOUND);
	CHECK(strstr(err.msg, "/cfg-home/ferry/config") != NULL);
	ferry_location_done(&loc);

	ferry_config_done(&cfg);
	unlink(file);
	free(file);
}

static const struct check_test tests[] = {
	CHECK_TEST(test_list_orders),
	CHECK_TEST(test_list_names_only),
	CHECK_TEST(test_list_paging),
	CHECK_TEST(test_stat),
	CHECK_TEST(test_mkdir),
	CHECK_TEST(test_write),
	CHECK_TEST(test_write_readonly),
	CHECK_TEST(test_write_no_space),
	CHECK_TEST(test_write_cancel),
	CHECK_TEST(test_read),
	CHECK_TEST(test_rename_move),
	CHECK_TEST(test_remove),
	CHECK_TEST(test_find),
	CHECK_TEST(test_summary),
	CHECK_TEST(test_path_to_root),
	CHECK_TEST(test_dispatch),
	{ NULL, NULL },
};

int
main(int argc, char **argv)
{
	struct ferry_location	 loc;
	struct ferry_error	 err;
	char			*cmd;
	int			 rc;

	if (mkdtemp(root) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	if (ferry_location_parse(root, &loc, &err) != FERRY_OK ||
	    ferry_backend_open(&loc, NULL, &b, &err) != FERRY_OK) {
		printf("# cannot open the local backend: %s\n", err.msg);
		return 1;
	}
	ferry_location_done(&loc);
	rc = check_main(tests, argc, argv);
	ferry_backend_close(b);
	cmd = xasprintf("chmod -R u+w '%s'; rm -rf '%s'", root, root);
	if (system(cmd) != 0)
		rc = 1;
	free(cmd);
	return rc;
}
