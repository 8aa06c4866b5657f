/* SPDX-License-Identifier: MIT */
/*
 * The local filesystem backend.  Paths are absolute local paths, already
 * normalised by the ferry_backend_* wrappers.
 *
 * Entries: stat() and list() look at an entry with lstat semantics, so a
 * symbolic link is always flagged FERRY_ENTRY_SYMLINK with its target
 * text, but its kind, size and times come from what it points to: a link
 * to a directory is a folder one can enter, a link to a file an item of
 * the file's size, and a dangling link an item with FERRY_ENTRY_NO_SIZE.
 * Devices, FIFOs and sockets are items flagged FERRY_ENTRY_SPECIAL and are
 * never opened.  "created" is left 0 (local files have no creation time we
 * trust); "modified" is the mtime, and ordering by date uses it.  The
 * type class comes from the file name's extension only: running libmagic
 * on every file of a listing would read every file; the store detects
 * content when a file is put into it.
 *
 * Brief listings (list_brief, for the browser's big folders): the whole
 * folder in one struct ferry_brief_list, sorted; with names_only and an
 * order by name or type, entries whose d_type says folder or regular
 * file are not stat'ed at all (FERRY_ENTRY_NO_STAT), so a folder of
 * 1,000,000 files costs a readdir and a sort.
 *
 * Walks (recursive remove, summary, find) go through directory file
 * descriptors with openat(O_NOFOLLOW) and fstatat(AT_SYMLINK_NOFOLLOW):
 * they never follow a symbolic link, so a link inside the tree can never
 * lead a recursive remove outside it.
 *
 * Writes are atomic: the bytes go to a temporary ".NAME.ferry-XXXXXX"
 * beside the target, are fsync'd, then renamed into place; without
 * FERRY_EXISTS_OVERWRITE the rename is renameat2(RENAME_NOREPLACE) (or
 * link()+unlink() where the filesystem lacks it) so that nothing is ever
 * replaced silently, and a directory is never replaced by a file.  Every
 * name written must pass ferry_name_check(), so a name that came from
 * elsewhere cannot reach outside the chosen directory.
 *
 * Resumable writes (open_partial) keep their bytes in ".NAME.ferry-part-
 * XXXXXX" beside the target, named by that base name as token, under an
 * flock held while open (a second opener gets FERRY_E_BUSY); commit
 * renames it into place exactly as write does.
 *
 * An instance holds no state besides the cancel flag; calls block on the
 * disk and run on a worker thread or in the CLI.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "ferry/backend.h"
#include "ferry/location.h"
#include "backends/backends.h"
#include "core/util.h"

#define LOCAL_COPY_BUF		(256 * 1024)
#define LOCAL_TEMP_TRIES	100
#define LOCAL_TEMP_NAME_MAX	200	/* bytes of NAME kept in a temp name */

#define LOCAL_CAPS (FERRY_CAP_WRITE | FERRY_CAP_RANGE | \
	FERRY_CAP_SERVER_MOVE | FERRY_CAP_EMPTY_FOLDERS | \
	FERRY_CAP_LOCAL_FILES | FERRY_CAP_RESUME)

struct local_backend {
	struct ferry_backend	 b;
};

/* True when the caller asked to stop. */
static int
local_cancelled(struct ferry_backend *b)
{
	return b->cancel != NULL && *b->cancel != 0;
}

/* -------- type class by extension -------- */

static const struct {
	const char	*ext;
	enum ferry_type	 type;
} local_exts[] = {
	{ "png", FERRY_TYPE_IMAGE }, { "jpg", FERRY_TYPE_IMAGE },
	{ "jpeg", FERRY_TYPE_IMAGE }, { "gif", FERRY_TYPE_IMAGE },
	{ "bmp", FERRY_TYPE_IMAGE }, { "webp", FERRY_TYPE_IMAGE },
	{ "tif", FERRY_TYPE_IMAGE }, { "tiff", FERRY_TYPE_IMAGE },
	{ "svg", FERRY_TYPE_IMAGE }, { "ico", FERRY_TYPE_IMAGE },
	{ "heic", FERRY_TYPE_IMAGE }, { "avif", FERRY_TYPE_IMAGE },
	{ "mp4", FERRY_TYPE_VIDEO }, { "mkv", FERRY_TYPE_VIDEO },
	{ "mov", FERRY_TYPE_VIDEO }, { "avi", FERRY_TYPE_VIDEO },
	{ "webm", FERRY_TYPE_VIDEO }, { "m4v", FERRY_TYPE_VIDEO },
	{ "mpg", FERRY_TYPE_VIDEO }, { "mpeg", FERRY_TYPE_VIDEO },
	{ "wmv", FERRY_TYPE_VIDEO }, { "mp3", FERRY_TYPE_AUDIO },
	{ "wav", FERRY_TYPE_AUDIO }, { "flac", FERRY_TYPE_AUDIO },
	{ "ogg", FERRY_TYPE_AUDIO }, { "oga", FERRY_TYPE_AUDIO },
	{ "opus", FERRY_TYPE_AUDIO }, { "m4a", FERRY_TYPE_AUDIO },
	{ "aac", FERRY_TYPE_AUDIO }, { "dcm", FERRY_TYPE_DICOM },
	{ "dicom", FERRY_TYPE_DICOM }, { "zip", FERRY_TYPE_ARCHIVE },
	{ "tar", FERRY_TYPE_ARCHIVE }, { "gz", FERRY_TYPE_ARCHIVE },
	{ "tgz", FERRY_TYPE_ARCHIVE }, { "bz2", FERRY_TYPE_ARCHIVE },
	{ "xz", FERRY_TYPE_ARCHIVE }, { "txz", FERRY_TYPE_ARCHIVE },
	{ "zst", FERRY_TYPE_ARCHIVE }, { "7z", FERRY_TYPE_ARCHIVE },
	{ "rar", FERRY_TYPE_ARCHIVE }, { "jar", FERRY_TYPE_ARCHIVE },
	{ "txt", FERRY_TYPE_TEXT }, { "md", FERRY_TYPE_TEXT },
	{ "csv", FERRY_TYPE_TEXT }, { "tsv", FERRY_TYPE_TEXT },
	{ "log", FERRY_TYPE_TEXT }, { "json", FERRY_TYPE_TEXT },
	{ "xml", FERRY_TYPE_TEXT }, { "yaml", FERRY_TYPE_TEXT },
	{ "yml", FERRY_TYPE_TEXT }, { "toml", FERRY_TYPE_TEXT },
	{ "ini", FERRY_TYPE_TEXT }, { "conf", FERRY_TYPE_TEXT },
	{ "c", FERRY_TYPE_TEXT }, { "h", FERRY_TYPE_TEXT },
	{ "py", FERRY_TYPE_TEXT }, { "sh", FERRY_TYPE_TEXT },
	{ "rs", FERRY_TYPE_TEXT }, { "go", FERRY_TYPE_TEXT },
	{ "js", FERRY_TYPE_TEXT }, { "ts", FERRY_TYPE_TEXT },
	{ "html", FERRY_TYPE_TEXT }, { "htm", FERRY_TYPE_TEXT },
	{ "css", FERRY_TYPE_TEXT }, { "pdf", FERRY_TYPE_DOCUMENT },
	{ "doc", FERRY_TYPE_DOCUMENT }, { "docx", FERRY_TYPE_DOCUMENT },
	{ "odt", FERRY_TYPE_DOCUMENT }, { "xls", FERRY_TYPE_DOCUMENT },
	{ "xlsx", FERRY_TYPE_DOCUMENT }, { "ods", FERRY_TYPE_DOCUMENT },
	{ "ppt", FERRY_TYPE_DOCUMENT }, { "pptx", FERRY_TYPE_DOCUMENT },
	{ "odp", FERRY_TYPE_DOCUMENT }, { "rtf", FERRY_TYPE_DOCUMENT },
	{ "epub", FERRY_TYPE_DOCUMENT },
};

/*
 * The type class a file name suggests (".bashrc" has no extension).  It
 * runs for every entry of a listing: the extension is folded to lower
 * case once (ASCII: the table's are) and only then compared.
 */
static enum ferry_type
local_type_of(const char *name)
{
	const char	*dot;
	char		 ext[8];
	size_t		 i, n;

	dot = strrchr(name, '.');
	if (dot == NULL || dot == name || dot[1] == '\0')
		return FERRY_TYPE_OTHER;
	for (n = 0; dot[1 + n] != '\0'; n++) {
		if (n + 1 >= sizeof ext)
			return FERRY_TYPE_OTHER;	/* longer than any */
		ext[n] = (char)(dot[1 + n] >= 'A' && dot[1 + n] <= 'Z' ?
		    dot[1 + n] + 32 : dot[1 + n]);
	}
	ext[n] = '\0';
	for (i = 0; i < FERRY_NELEM(local_exts); i++)
		if (local_exts[i].ext[0] == ext[0] &&
		    strcmp(ext, local_exts[i].ext) == 0)
			return local_exts[i].type;
	return FERRY_TYPE_OTHER;
}

/* -------- entries -------- */

static int64_t
local_ms(const struct timespec *ts)
{
	return (int64_t)ts->tv_sec * 1000 + ts->tv_nsec / 1000000;
}

/*
 * The kind, flags, size, type, time and mode of e (zeroed first; no
 * strings) from the lstat result lst of name (relative to dirfd), shown
 * as shown_name.  Links are followed for kind and size.
 */
static void
local_fill_stat(int dirfd, const char *name, const char *shown_name,
    const struct stat *lst, struct ferry_entry *e)
{
	struct stat	 st;
	const struct stat *use = lst;

	memset(e, 0, sizeof *e);
	if (S_ISLNK(lst->st_mode)) {
		e->flags |= FERRY_ENTRY_SYMLINK;
		if (fstatat(dirfd, name, &st, 0) == 0)
			use = &st;
		else
			e->flags |= FERRY_ENTRY_NO_SIZE;
	}
	if (S_ISDIR(use->st_mode))
		e->kind = FERRY_KIND_FOLDER;
	else {
		e->kind = FERRY_KIND_ITEM;
		if (S_ISREG(use->st_mode))
			e->size = (uint64_t)use->st_size;
		else if (!S_ISLNK(use->st_mode))
			e->flags |= FERRY_ENTRY_SPECIAL | FERRY_ENTRY_NO_SIZE;
		e->type = local_type_of(shown_name);
	}
	e->modified = local_ms(&use->st_mtim);
	e->mode = use->st_mode & 07777;
}

/*
 * Fill e from the lstat result lst of name (relative to dirfd) and show it
 * as shown_name; strings go in a.  Links are followed for kind and size.
 */
static void
local_fill(int dirfd, const char *name, const char *shown_name,
    const struct stat *lst, struct ferry_entry *e, struct ferry_arena *a)
{
	char		 target[PATH_MAX];
	ssize_t		 n;

	local_fill_stat(dirfd, name, shown_name, lst, e);
	e->name = ferry_arena_strdup(a, shown_name);
	if (S_ISLNK(lst->st_mode)) {
		n = readlinkat(dirfd, name, target, sizeof target - 1);
		if (n >= 0)
			e->link_target = ferry_arena_strndup(a, target,
			    (size_t)n);
	}
}

/* Describe the entry at path into *out. */
static enum ferry_code
local_stat_path(const char *path, struct ferry_entry *out,
    struct ferry_arena *a, struct ferry_error *err)
{
	struct stat	 st;

	if (lstat(path, &st) != 0)
		return ferry_error_errno(err, errno, "%s", path);
	local_fill(AT_FDCWD, path, ferry_path_base(path), &st, out, a);
	return FERRY_OK;
}

static enum ferry_code
local_stat(struct ferry_backend *b, const char *path, struct ferry_entry *out,
    struct ferry_arena *a, struct ferry_error *err)
{
	(void)b;
	return local_stat_path(path, out, a, err);
}

/* Check the last component of path against the naming rules. */
static enum ferry_code
local_check_name(const char *path, const char *name, struct ferry_error *err)
{
	enum ferry_code	 result;

	result = ferry_name_check(name, strlen(name), err);
	if (result != FERRY_OK)
		ferry_error_prefix(err, "%s", path);
	return result;
}

/* -------- listing -------- */

/* A growable array of entries whose strings live in an arena. */
struct local_entries {
	struct ferry_entry	*v;
	size_t			 n, cap;
	struct ferry_arena	 arena;
};

static struct ferry_entry *
local_entries_add(struct local_entries *l)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 256;
		l->v = xreallocarray(l->v, l->cap, sizeof *l->v);
	}
	return &l->v[l->n++];
}

static int
local_sort_cb(const void *a, const void *b, void *q)
{
	return ferry_query_cmp(q, a, b);
}

/*
 * Describe the directory entry d (in dirfd) into e.  When names are enough
 * for q and d_type says what the entry is, skip the stat.  Returns false
 * when the entry vanished.
 */
static bool
local_list_entry(int dirfd, const struct dirent *d,
    const struct ferry_query *q, struct ferry_entry *e, struct ferry_arena *a)
{
	struct stat	 st;

	if (q->names_only && (q->order == FERRY_ORDER_NAME ||
	    q->order == FERRY_ORDER_TYPE) &&
	    (d->d_type == DT_DIR || d->d_type == DT_REG)) {
		memset(e, 0, sizeof *e);
		e->name = ferry_arena_strdup(a, d->d_name);
		e->flags = FERRY_ENTRY_NO_STAT;
		if (d->d_type == DT_DIR)
			e->kind = FERRY_KIND_FOLDER;
		else {
			e->kind = FERRY_KIND_ITEM;
			e->flags |= FERRY_ENTRY_NO_SIZE;
			e->type = local_type_of(d->d_name);
		}
		return true;
	}
	if (fstatat(dirfd, d->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0)
		return false;	/* removed meanwhile: not listed */
	local_fill(dirfd, d->d_name, d->d_name, &st, e, a);
	return true;
}

/*
 * Read the directory at path: the entries that match q and sort after the
 * cursor key (when have_key) into l; *total counts every match.
 */
static enum ferry_code
local_read_dir(struct ferry_backend *b, const char *path,
    const struct ferry_query *q, const struct ferry_entry *key,
    struct local_entries *l, uint64_t *total, struct ferry_error *err)
{
	struct ferry_entry	 e;
	struct dirent		*d;
	DIR			*dir;
	int			 fd;

	fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return ferry_error_errno(err, errno, "%s", path);
	if ((dir = fdopendir(fd)) == NULL) {
		close(fd);
		return ferry_error_errno(err, errno, "%s", path);
	}
	for (;;) {
		errno = 0;
		if ((d = readdir(dir)) == NULL)
			break;
		if (strcmp(d->d_name, ".") == 0 || strcmp(d->d_name, "..") == 0)
			continue;
		if (local_cancelled(b)) {
			closedir(dir);
			return ferry_error_set(err, FERRY_E_CANCELLED,
			    "%s: listing cancelled", path);
		}
		if (!local_list_entry(fd, d, q, &e, &l->arena))
			continue;
		if (!ferry_query_match(q, &e))
			continue;
		(*total)++;
		if (key != NULL && ferry_query_cmp(q, &e, key) <= 0)
			continue;
		*local_entries_add(l) = e;
	}
	if (errno != 0) {
		closedir(dir);
		return ferry_error_errno(err, errno, "%s: reading the folder",
		    path);
	}
	closedir(dir);
	return FERRY_OK;
}

static enum ferry_code
local_list(struct ferry_backend *b, const char *path,
    const struct ferry_query *q, struct ferry_page *out,
    struct ferry_error *err)
{
	struct ferry_query	 dflt;
	struct local_entries	 l;
	struct ferry_entry	 key, *slot;
	enum ferry_code		 result;
	uint64_t		 total = 0;
	size_t			 i, limit;

	if (q == NULL) {
		ferry_query_init(&dflt);
		q = &dflt;
	}
	memset(&l, 0, sizeof l);
	ferry_arena_init(&l.arena);
	if (q->cursor != NULL) {
		result = ferry_cursor_decode(q, q->cursor, &key, &l.arena, err);
		if (result != FERRY_OK) {
			ferry_error_prefix(err, "%s", path);
			goto out;
		}
	}
	result = local_read_dir(b, path, q, q->cursor ? &key : NULL, &l,
	    &total, err);
	if (result != FERRY_OK)
		goto out;
	/* qsort_r with a NULL base is undefined even for 0 elements. */
	if (l.n > 1)
		qsort_r(l.v, l.n, sizeof *l.v, local_sort_cb, (void *)q);

	/* Local folders come in one page unless a limit is asked for. */
	limit = q->limit != 0 && q->limit < l.n ? q->limit : l.n;
	for (i = 0; i < limit; i++) {
		slot = ferry_page_add(out);
		ferry_entry_copy(slot, &l.v[i], &out->arena);
	}
	out->next_cursor = NULL;
	if (limit < l.n)
		out->next_cursor = ferry_cursor_encode(q, &l.v[limit - 1],
		    &out->arena);
	out->total = total;
	out->total_known = true;
out:
	free(l.v);
	ferry_arena_done(&l.arena);
	return result;
}

/*
 * Add the directory entry d (in dirfd) to the brief listing l: with
 * names_only and a d_type that says folder or regular file, from the
 * name alone (no stat: FERRY_ENTRY_NO_STAT); else stat'ed, with details.
 * An entry removed meanwhile is left out.
 */
static enum ferry_code
local_brief_add(int dirfd, const struct dirent *d, bool names_only,
    struct ferry_brief_list *l, const char *path, struct ferry_error *err)
{
	struct ferry_entry	 e;
	struct ferry_brief	*br;
	struct stat		 st;
	bool			 quick;

	quick = names_only && (d->d_type == DT_DIR || d->d_type == DT_REG);
	if (!quick && fstatat(dirfd, d->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0)
		return FERRY_OK;
	if ((br = ferry_brief_add(l, d->d_name, strlen(d->d_name))) == NULL)
		return ferry_error_set(err, FERRY_E_LIMIT, "%s: the names in "
		    "the folder pass 4 GiB", path);
	if (quick) {
		br->flags = FERRY_ENTRY_NO_STAT;
		if (d->d_type == DT_DIR)
			br->kind = FERRY_KIND_FOLDER;
		else {
			br->kind = FERRY_KIND_ITEM;
			br->flags |= FERRY_ENTRY_NO_SIZE;
			br->type = local_type_of(d->d_name);
		}
		return FERRY_OK;
	}
	local_fill_stat(dirfd, d->d_name, d->d_name, &st, &e);
	br->kind = e.kind;
	br->type = e.type;
	br->flags = e.flags;
	ferry_brief_set_detail(l, br, e.size, e.modified, e.mode);
	return FERRY_OK;
}

/*
 * The whole folder at path as a brief listing: readdir, a stat only for
 * the entries whose kind d_type does not give (or for every entry when
 * the order needs sizes or dates), and one sort in memory.
 */
static enum ferry_code
local_list_brief(struct ferry_backend *b, const char *path,
    const struct ferry_query *q, struct ferry_brief_list *out,
    struct ferry_error *err)
{
	enum ferry_code	 result = FERRY_OK;
	struct dirent	*d;
	DIR		*dir;
	size_t		 before;
	bool		 names_only;
	int		 fd;

	names_only = q->names_only && (q->order == FERRY_ORDER_NAME ||
	    q->order == FERRY_ORDER_TYPE);
	fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return ferry_error_errno(err, errno, "%s", path);
	if ((dir = fdopendir(fd)) == NULL) {
		close(fd);
		return ferry_error_errno(err, errno, "%s", path);
	}
	for (;;) {
		errno = 0;
		if ((d = readdir(dir)) == NULL)
			break;
		if (d->d_name[0] == '.' && (d->d_name[1] == '\0' ||
		    (d->d_name[1] == '.' && d->d_name[2] == '\0')))
			continue;
		if (local_cancelled(b)) {
			result = ferry_error_set(err, FERRY_E_CANCELLED,
			    "%s: listing cancelled", path);
			break;
		}
		before = out->n;
		result = local_brief_add(fd, d, names_only, out, path, err);
		if (result != FERRY_OK)
			break;
		if (out->n > before &&
		    !ferry_brief_match(q, out, &out->v[out->n - 1]))
			ferry_brief_drop_last(out);
	}
	if (result == FERRY_OK && errno != 0)
		result = ferry_error_errno(err, errno, "%s: reading the "
		    "folder", path);
	closedir(dir);
	if (result != FERRY_OK) {
		ferry_brief_list_done(out);
		return result;
	}
	ferry_brief_sort(out, q->order, q->desc);
	return FERRY_OK;
}

static enum ferry_code
local_path_to_root(struct ferry_backend *b, const char *path,
    struct ferry_entry_list *out, struct ferry_error *err)
{
	struct ferry_entry	 e;
	struct ferry_arena	 a;
	enum ferry_code		 result;
	char			*prefix;
	const char		*p;

	(void)b;
	ferry_arena_init(&a);
	prefix = xstrdup(path);
	result = local_stat_path("/", &e, &a, err);
	if (result == FERRY_OK)
		ferry_entry_list_push(out, &e);
	for (p = path + 1; result == FERRY_OK && *p != '\0'; p++) {
		p += strcspn(p, "/");
		memcpy(prefix, path, (size_t)(p - path));
		prefix[p - path] = '\0';
		result = local_stat_path(prefix, &e, &a, err);
		if (result == FERRY_OK)
			ferry_entry_list_push(out, &e);
		if (*p == '\0')
			break;
	}
	free(prefix);
	ferry_arena_done(&a);
	return result;
}

/* -------- mkdir, rename, update -------- */

/* Whether the folder at path exists: FERRY_OK when it does and that is
 * fine, FERRY_E_NOT_FOUND when it does not, else an error. */
static enum ferry_code
local_mkdir_exists(const char *path, bool exist_ok, struct ferry_error *err)
{
	struct stat	 st;

	if (stat(path, &st) != 0) {
		if (errno == ENOENT)
			return FERRY_E_NOT_FOUND;
		return ferry_error_errno(err, errno, "%s", path);
	}
	if (!S_ISDIR(st.st_mode))
		return ferry_error_set(err, FERRY_E_EXISTS,
		    "%s already exists and is not a folder", path);
	if (!exist_ok)
		return ferry_error_set(err, FERRY_E_EXISTS,
		    "%s already exists", path);
	return FERRY_OK;
}

/*
 * Create one directory; an existing one is fine when exist_ok.  Only a
 * name being created is checked against the naming rules: an existing
 * parent with an odd name is still a fine place to create in.
 */
static enum ferry_code
local_mkdir_one(const char *path, bool exist_ok, struct ferry_error *err)
{
	enum ferry_code	 result;

	result = local_mkdir_exists(path, exist_ok, err);
	if (result != FERRY_E_NOT_FOUND)
		return result;
	result = local_check_name(path, ferry_path_base(path), err);
	if (result != FERRY_OK)
		return result;
	if (mkdir(path, 0777) == 0)
		return FERRY_OK;
	if (errno == EEXIST) {
		/* Created by someone else meanwhile. */
		result = local_mkdir_exists(path, exist_ok, err);
		if (result != FERRY_E_NOT_FOUND)
			return result;
		errno = EEXIST;
	}
	return ferry_error_errno(err, errno, "cannot create folder %s", path);
}

static enum ferry_code
local_mkdir(struct ferry_backend *b, const char *path,
    const struct ferry_mkdir_opts *o, struct ferry_entry *out,
    struct ferry_arena *a, struct ferry_error *err)
{
	enum ferry_code	 result = FERRY_OK;
	char		*prefix;
	const char	*p;
	bool		 exist_ok;

	(void)b;
	if (o->description != NULL || o->metadata != NULL || o->tags != NULL)
		return ferry_error_set(err, FERRY_E_UNSUPPORTED,
		    "%s: local folders do not keep descriptions, metadata or "
		    "tags", path);
	/* Like mkdir -p, parents implies that an existing folder is fine. */
	exist_ok = o->exist_ok || o->parents;
	if (strcmp(path, "/") == 0)
		result = exist_ok ? FERRY_OK : ferry_error_set(err,
		    FERRY_E_EXISTS, "/ already exists");
	prefix = xstrdup(path);
	for (p = path + 1; result == FERRY_OK && *p != '\0'; p++) {
		p += strcspn(p, "/");
		memcpy(prefix, path, (size_t)(p - path));
		prefix[p - path] = '\0';
		if (*p != '\0' && !o->parents)
			continue;
		result = local_mkdir_one(prefix, *p != '\0' || exist_ok, err);
		if (*p == '\0')
			break;
	}
	free(prefix);
	if (result == FERRY_OK && out != NULL)
		result = local_stat_path(path, out, a, err);
	return result;
}

/*
 * Rename src to dst without ever replacing dst: renameat2 with
 * RENAME_NOREPLACE, or on filesystems without it link()+unlink() for
 * files and a checked rename() for directories.
 */
static enum ferry_code
local_rename_noreplace(const char *src, const char *dst,
    struct ferry_error *err)
{
	struct stat	 s1, s2;

	if (renameat2(AT_FDCWD, src, AT_FDCWD, dst, RENAME_NOREPLACE) == 0)
		return FERRY_OK;
	if (errno == EEXIST) {
		/* A case-only rename on a case-insensitive filesystem. */
		if (lstat(src, &s1) == 0 && lstat(dst, &s2) == 0 &&
		    s1.st_dev == s2.st_dev && s1.st_ino == s2.st_ino &&
		    rename(src, dst) == 0)
			return FERRY_OK;
		return ferry_error_set(err, FERRY_E_EXISTS,
		    "%s already exists", dst);
	}
	if (errno != EINVAL && errno != ENOSYS && errno != ENOTSUP)
		goto fail;
	if (lstat(src, &s1) != 0)
		goto fail;
	if (!S_ISDIR(s1.st_mode)) {
		if (link(src, dst) == 0) {
			if (unlink(src) == 0)
				return FERRY_OK;
			(void)unlink(dst);
			goto fail;
		}
		if (errno == EEXIST)
			return ferry_error_set(err, FERRY_E_EXISTS,
			    "%s already exists", dst);
		if (errno != EPERM && errno != ENOTSUP && errno != EMLINK)
			goto fail;
	}
	/* No atomic way left: check, then rename (a narrow race). */
	if (lstat(dst, &s2) == 0)
		return ferry_error_set(err, FERRY_E_EXISTS,
		    "%s already exists", dst);
	if (rename(src, dst) == 0)
		return FERRY_OK;
fail:
	if (errno == EXDEV)
		return ferry_error_set(err, FERRY_E_UNSUPPORTED,
		    "cannot move %s to %s: they are on different filesystems",
		    src, dst);
	if (errno == EINVAL)
		return ferry_error_set(err, FERRY_E_CONFLICT,
		    "cannot move %s into itself (%s)", src, dst);
	return ferry_error_errno(err, errno, "cannot rename %s to %s", src,
	    dst);
}

static enum ferry_code
local_update(struct ferry_backend *b, const char *path,
    const struct ferry_update *u, struct ferry_error *err)
{
	enum ferry_code	 result;
	struct stat	 st;
	char		*parent, *dst;

	(void)b;
	if ((u->fields & ~FERRY_UPDATE_NAME) != 0)
		return ferry_error_set(err, FERRY_E_UNSUPPORTED,
		    "%s: local files do not keep descriptions, metadata, "
		    "tags, stars or a ttl", path);
	if ((u->fields & FERRY_UPDATE_NAME) == 0)
		return FERRY_OK;
	if (u->name == NULL)
		return ferry_error_set(err, FERRY_E_INVALID_NAME,
		    "%s: no new name given", path);
	if (strcmp(path, "/") == 0)
		return ferry_error_set(err, FERRY_E_INVALID,
		    "/ cannot be renamed");
	result = ferry_name_check(u->name, strlen(u->name), err);
	if (result != FERRY_OK) {
		ferry_error_prefix(err, "%s: new name", path);
		return result;
	}
	if (lstat(path, &st) != 0)
		return ferry_error_errno(err, errno, "%s", path);
	parent = ferry_path_parent(path);
	dst = ferry_path_join(parent, u->name);
	result = FERRY_OK;
	if (strcmp(dst, path) != 0)
		result = local_rename_noreplace(path, dst, err);
	free(dst);
	free(parent);
	return result;
}

/* -------- walks -------- */

struct local_walk;

/* Called for each entry below the root; st is its lstat. */
typedef enum ferry_code (*local_visit_cb)(struct local_walk *w, int dirfd,
		    const char *name, const struct stat *st,
		    struct ferry_error *err);

struct local_walk {
	struct ferry_backend	*b;
	char			*path;		/* full path of the entry */
	size_t			 len, cap;
	size_t			 root_len;	/* rel path starts after it */
	uint32_t		 depth;		/* 1 = a child of the root */
	uint32_t		 max_depth;	/* 0 = unlimited */
	bool			 sorted;	/* visit names in byte order */
	local_visit_cb		 pre;		/* every entry, before */
	local_visit_cb		 post;		/* folders, after children */
	void			*ud;
};

static void
local_walk_init(struct local_walk *w, struct ferry_backend *b,
    const char *root)
{
	memset(w, 0, sizeof *w);
	w->b = b;
	w->len = strcmp(root, "/") == 0 ? 0 : strlen(root);
	w->cap = w->len + 256;
	w->path = xmalloc(w->cap);
	memcpy(w->path, root, w->len);
	w->path[w->len] = '\0';
	w->root_len = w->len;
}

/* The entry's path relative to the root. */
static const char *
local_walk_rel(const struct local_walk *w)
{
	return w->path + w->root_len + 1;
}

static int
local_name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every name in the directory fd (not "." or ".."), malloc'd. */
static enum ferry_code
local_walk_names(struct local_walk *w, int fd, char ***out, size_t *n,
    struct ferry_error *err)
{
	struct dirent	*d;
	DIR		*dir;
	char		**v = NULL;
	size_t		 cap = 0;
	int		 dfd;

	*out = NULL;
	*n = 0;
	if ((dfd = dup(fd)) < 0 || (dir = fdopendir(dfd)) == NULL) {
		if (dfd >= 0)
			close(dfd);
		return ferry_error_errno(err, errno, "%s", w->path);
	}
	for (;;) {
		errno = 0;
		if ((d = readdir(dir)) == NULL)
			break;
		if (strcmp(d->d_name, ".") == 0 || strcmp(d->d_name, "..") == 0)
			continue;
		if (*n == cap) {
			cap = cap ? cap * 2 : 32;
			v = xreallocarray(v, cap, sizeof *v);
		}
		v[(*n)++] = xstrdup(d->d_name);
	}
	if (errno != 0) {
		ferry_error_errno(err, errno, "%s: reading the folder",
		    w->path[0] ? w->path : "/");
		closedir(dir);
		while (*n > 0)
			free(v[--*n]);
		free(v);
		return err != NULL ? err->code : FERRY_E_IO;
	}
	closedir(dir);
	if (w->sorted && *n > 1)
		qsort(v, *n, sizeof *v, local_name_cmp);
	*out = v;
	return FERRY_OK;
}

/* Append "/name" to the walk's path; returns the old length. */
static size_t
local_walk_push(struct local_walk *w, const char *name)
{
	size_t	 old = w->len, n = strlen(name);

	if (w->len + n + 2 > w->cap) {
		w->cap = (w->len + n + 2) * 2;
		w->path = xrealloc(w->path, w->cap);
	}
	w->path[w->len++] = '/';
	memcpy(w->path + w->len, name, n + 1);
	w->len += n;
	return old;
}

static enum ferry_code local_walk_dir(struct local_walk *, int,
		    struct ferry_error *);

/* Descend into the directory name (in dirfd) whose lstat is st. */
static enum ferry_code
local_walk_into(struct local_walk *w, int dirfd, const char *name,
    const struct stat *st, struct ferry_error *err)
{
	enum ferry_code	 result;
	struct stat	 now;
	int		 fd;

	fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC);
	if (fd < 0)
		return ferry_error_errno(err, errno, "%s", w->path);
	/* Replaced by something else since the fstatat? Do not enter. */
	if (fstat(fd, &now) != 0 || now.st_dev != st->st_dev ||
	    now.st_ino != st->st_ino) {
		close(fd);
		return ferry_error_set(err, FERRY_E_CONFLICT,
		    "%s changed during the walk", w->path);
	}
	w->depth++;
	result = local_walk_dir(w, fd, err);
	w->depth--;
	close(fd);
	return result;
}

/* Visit every entry of the directory fd, depth first. */
static enum ferry_code
local_walk_dir(struct local_walk *w, int fd, struct ferry_error *err)
{
	enum ferry_code	 result;
	struct stat	 st;
	char		**names = NULL;
	size_t		 n, i, old;

	if ((result = local_walk_names(w, fd, &names, &n, err)) != FERRY_OK)
		return result;
	for (i = 0; i < n && result == FERRY_OK; i++) {
		old = local_walk_push(w, names[i]);
		if (local_cancelled(w->b))
			result = ferry_error_set(err, FERRY_E_CANCELLED,
			    "%s: cancelled", w->path);
		else if (fstatat(fd, names[i], &st, AT_SYMLINK_NOFOLLOW) != 0) {
			if (errno != ENOENT)	/* gone meanwhile: skip */
				result = ferry_error_errno(err, errno, "%s",
				    w->path);
		} else {
			if (w->pre != NULL)
				result = w->pre(w, fd, names[i], &st, err);
			if (result == FERRY_OK && S_ISDIR(st.st_mode) &&
			    (w->max_depth == 0 || w->depth < w->max_depth))
				result = local_walk_into(w, fd, names[i], &st,
				    err);
			if (result == FERRY_OK && S_ISDIR(st.st_mode) &&
			    w->post != NULL)
				result = w->post(w, fd, names[i], &st, err);
		}
		w->len = old;
		w->path[old] = '\0';
	}
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return result;
}

/* Walk the directory at root (never through a symlink). */
static enum ferry_code
local_walk_run(struct local_walk *w, const char *root,
    struct ferry_error *err)
{
	enum ferry_code	 result;
	int		 fd;

	fd = open(root, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return ferry_error_errno(err, errno, "%s", root);
	w->depth = 1;
	result = local_walk_dir(w, fd, err);
	close(fd);
	return result;
}

/* -------- remove -------- */

static enum ferry_code
local_remove_pre(struct local_walk *w, int dirfd, const char *name,
    const struct stat *st, struct ferry_error *err)
{
	if (S_ISDIR(st->st_mode))
		return FERRY_OK;
	if (unlinkat(dirfd, name, 0) != 0 && errno != ENOENT)
		return ferry_error_errno(err, errno, "cannot remove %s",
		    w->path);
	return FERRY_OK;
}

static enum ferry_code
local_remove_post(struct local_walk *w, int dirfd, const char *name,
    const struct stat *st, struct ferry_error *err)
{
	(void)st;
	if (unlinkat(dirfd, name, AT_REMOVEDIR) != 0 && errno != ENOENT)
		return ferry_error_errno(err, errno, "cannot remove %s",
		    w->path);
	return FERRY_OK;
}

static enum ferry_code
local_remove(struct ferry_backend *b, const char *path, uint32_t flags,
    struct ferry_error *err)
{
	struct local_walk	 w;
	enum ferry_code		 result;
	struct stat		 st;

	if (strcmp(path, "/") == 0)
		return ferry_error_set(err, FERRY_E_PERMISSION,
		    "refusing to remove /");
	if (lstat(path, &st) != 0)
		return ferry_error_errno(err, errno, "%s", path);
	if (!S_ISDIR(st.st_mode)) {
		if (unlink(path) != 0)
			return ferry_error_errno(err, errno, "cannot remove %s",
			    path);
		return FERRY_OK;
	}
	if (rmdir(path) == 0)
		return FERRY_OK;
	if (errno != ENOTEMPTY && errno != EEXIST)
		return ferry_error_errno(err, errno, "cannot remove %s", path);
	if ((flags & FERRY_REMOVE_RECURSIVE) == 0)
		return ferry_error_set(err, FERRY_E_NOT_EMPTY,
		    "%s is not empty; remove it recursively to delete what "
		    "it holds", path);
	local_walk_init(&w, b, path);
	w.pre = local_remove_pre;
	w.post = local_remove_post;
	result = local_walk_run(&w, path, err);
	free(w.path);
	if (result == FERRY_OK && rmdir(path) != 0)
		result = ferry_error_errno(err, errno, "cannot remove %s",
		    path);
	return result;
}

/* -------- reading -------- */

static enum ferry_code
local_open_read(struct ferry_backend *b, const char *path, uint64_t offset,
    uint64_t len, struct ferry_reader **out, struct ferry_error *err)
{
	struct ferry_reader	*r;
	struct stat		 st;
	uint64_t		 left;
	int			 fd;

	(void)b;
	/* O_NONBLOCK: opening a FIFO must not hang; it is refused below. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return ferry_error_errno(err, errno, "%s", path);
	if (fstat(fd, &st) != 0) {
		close(fd);
		return ferry_error_errno(err, errno, "%s", path);
	}
	if (S_ISDIR(st.st_mode) || !S_ISREG(st.st_mode)) {
		close(fd);
		if (S_ISDIR(st.st_mode))
			return ferry_error_set(err, FERRY_E_IS_FOLDER,
			    "%s is a folder", path);
		return ferry_error_set(err, FERRY_E_UNSUPPORTED,
		    "%s is not a regular file (device, FIFO or socket)", path);
	}
	if (offset > (uint64_t)st.st_size) {
		close(fd);
		return ferry_error_set(err, FERRY_E_INVALID,
		    "%s: offset %llu is past the end (%llu bytes)", path,
		    (unsigned long long)offset,
		    (unsigned long long)st.st_size);
	}
	(void)fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	r = ferry_reader_fd(fd, offset, len, path);
	left = (uint64_t)st.st_size - offset;
	r->size = len < left ? len : left;
	r->size_known = true;
	*out = r;
	return FERRY_OK;
}

/* -------- writing -------- */

/*
 * Create a new temporary file ".NAME.ferry-XXXXXX" in dir for the target
 * name.  Not mkstemp(): it creates mode 0600 whatever the umask, and
 * reading the umask to fix that needs umask(), which is process-wide and
 * races with other threads; open(O_EXCL, 0666) lets the kernel apply it.
 */
static int
local_temp(const char *dir, const char *name, char **tmp,
    struct ferry_error *err)
{
	static const char	 chars[] = "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
	unsigned char		 rnd[6];
	char			 suffix[7];
	size_t			 i;
	int			 fd, tries;

	for (tries = 0; tries < LOCAL_TEMP_TRIES; tries++) {
		if (getrandom(rnd, sizeof rnd, 0) != (ssize_t)sizeof rnd) {
			ferry_error_errno(err, errno, "getrandom");
			return -1;
		}
		for (i = 0; i < sizeof rnd; i++)
			suffix[i] = chars[rnd[i] % (sizeof chars - 1)];
		suffix[sizeof rnd] = '\0';
		*tmp = xasprintf("%s/.%.*s.ferry-%s", strcmp(dir, "/") == 0 ?
		    "" : dir, LOCAL_TEMP_NAME_MAX, name, suffix);
		fd = open(*tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
		    O_CLOEXEC, 0666);
		if (fd >= 0)
			return fd;
		free(*tmp);
		*tmp = NULL;
		if (errno != EEXIST) {
			ferry_error_errno(err, errno, "cannot create a file in "
			    "%s", dir);
			return -1;
		}
	}
	ferry_error_set(err, FERRY_E_IO, "cannot find a free temporary name "
	    "in %s", dir);
	return -1;
}

/* Write all n bytes of buf to fd. */
static enum ferry_code
local_write_all(int fd, const char *buf, size_t n, const char *path,
    struct ferry_error *err)
{
	ssize_t	 w;

	while (n > 0) {
		w = write(fd, buf, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return ferry_error_errno(err, errno, "%s", path);
		buf += w;
		n -= (size_t)w;
	}
	return FERRY_OK;
}

/* Compare the digest in ctx with the expected lower-case hex. */
static enum ferry_code
local_check_sha256(EVP_MD_CTX *ctx, const char *want, const char *path,
    struct ferry_error *err)
{
	unsigned char	 md[EVP_MAX_MD_SIZE];
	char		 hex[2 * EVP_MAX_MD_SIZE + 1];
	unsigned int	 n, i;

	EVP_DigestFinal_ex(ctx, md, &n);
	for (i = 0; i < n; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	if (strcasecmp(hex, want) != 0)
		return ferry_error_set(err, FERRY_E_CORRUPT,
		    "%s: the content's sha256 is %s, expected %s", path, hex,
		    want);
	return FERRY_OK;
}

/* Copy src into fd, then set mode and mtime and fsync. */
static enum ferry_code
local_fill_file(struct ferry_backend *b, int fd, struct ferry_reader *src,
    const struct ferry_write_opts *o, const char *path,
    struct ferry_error *err)
{
	struct timespec	 ts[2];
	enum ferry_code	 result = FERRY_OK;
	EVP_MD_CTX	*ctx = NULL;
	char		*buf;
	size_t		 got;

	buf = xmalloc(LOCAL_COPY_BUF);
	if (o->expect_sha256 != NULL) {
		ctx = EVP_MD_CTX_new();
		if (ctx == NULL || EVP_DigestInit_ex(ctx, EVP_sha256(),
		    NULL) != 1)
			ferry_assert_fail("EVP sha256 init", __FILE__,
			    __LINE__);
	}
	for (;;) {
		if (local_cancelled(b)) {
			result = ferry_error_set(err, FERRY_E_CANCELLED,
			    "%s: writing cancelled", path);
			break;
		}
		result = ferry_reader_read(src, buf, LOCAL_COPY_BUF, &got, err);
		if (result != FERRY_OK || got == 0)
			break;
		if (ctx != NULL)
			EVP_DigestUpdate(ctx, buf, got);
		if ((result = local_write_all(fd, buf, got, path, err)) !=
		    FERRY_OK)
			break;
	}
	free(buf);
	if (result == FERRY_OK && ctx != NULL)
		result = local_check_sha256(ctx, o->expect_sha256, path, err);
	EVP_MD_CTX_free(ctx);
	if (result != FERRY_OK)
		return result;
	/* Never take setuid/setgid/sticky bits from elsewhere. */
	if (o->mode != 0 && fchmod(fd, o->mode & 0777) != 0)
		return ferry_error_errno(err, errno, "%s: setting its mode",
		    path);
	if (o->mtime > 0) {
		ts[0].tv_sec = 0;
		ts[0].tv_nsec = UTIME_OMIT;
		ts[1].tv_sec = (time_t)(o->mtime / 1000);
		ts[1].tv_nsec = (long)(o->mtime % 1000) * 1000000;
		if (futimens(fd, ts) != 0)
			return ferry_error_errno(err, errno, "%s: setting its "
			    "modification time", path);
	}
	if (fsync(fd) != 0)
		return ferry_error_errno(err, errno, "%s", path);
	return FERRY_OK;
}

/* Rename the finished temporary tmp to path per o->exists. */
static enum ferry_code
local_commit(const char *tmp, const char *path,
    const struct ferry_write_opts *o, struct ferry_error *err)
{
	if (o->exists != FERRY_EXISTS_OVERWRITE)
		return local_rename_noreplace(tmp, path, err);
	if (rename(tmp, path) == 0)
		return FERRY_OK;
	if (errno == EISDIR || errno == ENOTEMPTY || errno == EEXIST)
		return ferry_error_set(err, FERRY_E_IS_FOLDER,
		    "%s is a folder; a file never replaces a folder", path);
	return ferry_error_errno(err, errno, "%s", path);
}

/* What stands at path already: refuse a folder, or any entry without
 * OVERWRITE (the final rename checks again, atomically). */
static enum ferry_code
local_write_target(const char *path, const struct ferry_write_opts *o,
    struct ferry_error *err)
{
	struct stat	 st;

	if (lstat(path, &st) != 0) {
		if (errno == ENOENT)
			return FERRY_OK;
		return ferry_error_errno(err, errno, "%s", path);
	}
	if (S_ISDIR(st.st_mode))
		return ferry_error_set(err, FERRY_E_IS_FOLDER,
		    "%s is a folder; a file never replaces a folder", path);
	if (o->exists != FERRY_EXISTS_OVERWRITE)
		return ferry_error_set(err, FERRY_E_EXISTS,
		    "%s already exists", path);
	return FERRY_OK;
}

static enum ferry_code
local_write(struct ferry_backend *b, const char *path,
    struct ferry_reader *src, const struct ferry_write_opts *o,
    struct ferry_entry *out, struct ferry_arena *a, struct ferry_error *err)
{
	enum ferry_code	 result;
	char		*dir, *tmp = NULL;
	int		 fd;

	if (strcmp(path, "/") == 0)
		return ferry_error_set(err, FERRY_E_IS_FOLDER,
		    "/ is a folder; a file never replaces a folder");
	result = local_check_name(path, ferry_path_base(path), err);
	if (result == FERRY_OK)
		result = local_write_target(path, o, err);
	if (result != FERRY_OK)
		return result;
	dir = ferry_path_parent(path);
	fd = local_temp(dir, ferry_path_base(path), &tmp, err);
	free(dir);
	if (fd < 0)
		return err != NULL ? err->code : FERRY_E_IO;
	result = local_fill_file(b, fd, src, o, path, err);
	if (close(fd) != 0 && result == FERRY_OK)
		result = ferry_error_errno(err, errno, "%s", path);
	if (result == FERRY_OK)
		result = local_commit(tmp, path, o, err);
	if (result != FERRY_OK)
		(void)unlink(tmp);
	free(tmp);
	if (result == FERRY_OK && out != NULL)
		result = local_stat_path(path, out, a, err);
	return result;
}

/* -------- resumable writes -------- */

#define LOCAL_PART_TAG	".ferry-part-"
#define LOCAL_PART_BUF	(1024 * 1024)

struct local_partial {
	struct ferry_partial	 p;
	char			*path;		/* the target */
	char			*tmp;		/* the partial file beside it */
	char			*token;		/* base name of tmp */
	int			 fd;
	enum ferry_exists	 exists;
	int64_t			 mtime;
	uint32_t		 mode;
	EVP_MD_CTX		*md;
	uint64_t		 hashed;	/* bytes of the file fed to md */
};

static const struct ferry_partial_ops local_partial_ops;

/* A new partial file ".NAME.ferry-part-XXXXXX" in dir, locked. */
static int
local_part_create(const char *dir, const char *name, char **tmp,
    struct ferry_error *err)
{
	static const char	 chars[] = "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
	unsigned char		 rnd[6];
	char			 suffix[7];
	size_t			 i;
	int			 fd, tries;

	for (tries = 0; tries < LOCAL_TEMP_TRIES; tries++) {
		if (getrandom(rnd, sizeof rnd, 0) != (ssize_t)sizeof rnd) {
			ferry_error_errno(err, errno, "getrandom");
			return -1;
		}
		for (i = 0; i < sizeof rnd; i++)
			suffix[i] = chars[rnd[i] % (sizeof chars - 1)];
		suffix[sizeof rnd] = '\0';
		*tmp = xasprintf("%s/.%.*s" LOCAL_PART_TAG "%s",
		    strcmp(dir, "/") == 0 ? "" : dir, LOCAL_TEMP_NAME_MAX,
		    name, suffix);
		fd = open(*tmp, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW |
		    O_CLOEXEC, 0666);
		if (fd >= 0) {
			(void)flock(fd, LOCK_EX | LOCK_NB);
			return fd;
		}
		free(*tmp);
		*tmp = NULL;
		if (errno != EEXIST) {
			ferry_error_errno(err, errno, "cannot create a file in "
			    "%s", dir);
			return -1;
		}
	}
	ferry_error_set(err, FERRY_E_IO, "cannot find a free temporary name "
	    "in %s", dir);
	return -1;
}

/*
 * Reopen the partial file `token` of target name in dir.  The token is
 * only ever a base name of the form this backend makes for that name, so
 * a journal cannot point a write anywhere else.
 */
static int
local_part_reopen(const char *dir, const char *name, const char *token,
    char **tmp, struct ferry_error *err)
{
	struct stat	 st;
	char		*want;
	size_t		 n;
	int		 fd;

	want = xasprintf(".%.*s" LOCAL_PART_TAG, LOCAL_TEMP_NAME_MAX, name);
	n = strlen(want);
	if (strncmp(token, want, n) != 0 || strlen(token) != n + 6 ||
	    strchr(token, '/') != NULL) {
		free(want);
		ferry_error_set(err, FERRY_E_INVALID, "%s: \"%.80s\" is not a "
		    "partial write of this file", dir, token);
		return -1;
	}
	free(want);
	*tmp = xasprintf("%s/%s", strcmp(dir, "/") == 0 ? "" : dir, token);
	fd = open(*tmp, O_RDWR | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		if (fd >= 0) {
			close(fd);
			errno = EINVAL;
		}
		ferry_error_errno(err, errno == EINVAL || errno == ELOOP ?
		    ENOENT : errno, "partial write %s", *tmp);
		free(*tmp);
		*tmp = NULL;
		return -1;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
		close(fd);
		ferry_error_set(err, FERRY_E_BUSY, "partial write %s is being "
		    "written by another process", *tmp);
		free(*tmp);
		*tmp = NULL;
		return -1;
	}
	return fd;
}

static void
local_partial_free(struct local_partial *lp, bool keep)
{
	if (lp->fd != -1)
		close(lp->fd);
	if (!keep && lp->tmp != NULL)
		(void)unlink(lp->tmp);
	EVP_MD_CTX_free(lp->md);
	free(lp->path);
	free(lp->tmp);
	free(lp->token);
	free(lp);
}

static enum ferry_code
local_open_partial(struct ferry_backend *b, const char *path,
    const struct ferry_write_opts *o, const char *token,
    struct ferry_partial **out, struct ferry_error *err)
{
	struct local_partial	*lp;
	struct stat		 st;
	enum ferry_code		 result;
	char			*dir;
	int			 fd;

	(void)b;
	*out = NULL;
	if (strcmp(path, "/") == 0)
		return ferry_error_set(err, FERRY_E_IS_FOLDER,
		    "/ is a folder; a file never replaces a folder");
	result = local_check_name(path, ferry_path_base(path), err);
	if (result == FERRY_OK)
		result = local_write_target(path, o, err);
	if (result != FERRY_OK)
		return result;
	dir = ferry_path_parent(path);
	lp = xcalloc(1, sizeof *lp);
	lp->fd = token == NULL ?
	    local_part_create(dir, ferry_path_base(path), &lp->tmp, err) :
	    local_part_reopen(dir, ferry_path_base(path), token, &lp->tmp,
	    err);
	free(dir);
	if ((fd = lp->fd) < 0) {
		local_partial_free(lp, true);
		return err != NULL ? err->code : FERRY_E_IO;
	}
	lp->md = EVP_MD_CTX_new();
	if (lp->md == NULL || EVP_DigestInit_ex(lp->md, EVP_sha256(),
	    NULL) != 1)
		ferry_assert_fail("EVP sha256 init", __FILE__, __LINE__);
	if (fstat(fd, &st) != 0) {
		result = ferry_error_errno(err, errno, "%s", lp->tmp);
		local_partial_free(lp, token != NULL);
		return result;
	}
	lp->path = xstrdup(path);
	lp->token = xstrdup(ferry_path_base(lp->tmp));
	lp->exists = o->exists;
	lp->mtime = o->mtime;
	lp->mode = o->mode;
	lp->p.ops = &local_partial_ops;
	lp->p.size = (uint64_t)st.st_size;
	lp->p.token = lp->token;
	*out = &lp->p;
	return FERRY_OK;
}

/* Feed md the bytes of the file it has not seen (a reopened prefix). */
static enum ferry_code
local_partial_catch_up(struct local_partial *lp, struct ferry_error *err)
{
	char	*buf;
	ssize_t	 n;
	size_t	 want;

	if (lp->hashed >= lp->p.size)
		return FERRY_OK;
	buf = xmalloc(LOCAL_PART_BUF);
	while (lp->hashed < lp->p.size) {
		want = lp->p.size - lp->hashed < LOCAL_PART_BUF ?
		    (size_t)(lp->p.size - lp->hashed) : LOCAL_PART_BUF;
		n = pread(lp->fd, buf, want, (off_t)lp->hashed);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			free(buf);
			if (n == 0)
				return ferry_error_set(err, FERRY_E_IO, "%s: "
				    "shorter than expected", lp->tmp);
			return ferry_error_errno(err, errno, "%s", lp->tmp);
		}
		EVP_DigestUpdate(lp->md, buf, (size_t)n);
		lp->hashed += (uint64_t)n;
	}
	free(buf);
	return FERRY_OK;
}

static enum ferry_code
local_partial_write(struct ferry_partial *p, const void *buf, size_t len,
    struct ferry_error *err)
{
	struct local_partial	*lp = (struct local_partial *)p;
	const char		*c = buf;
	enum ferry_code		 result;
	ssize_t			 n;

	if ((result = local_partial_catch_up(lp, err)) != FERRY_OK)
		return result;
	EVP_DigestUpdate(lp->md, buf, len);
	while (len > 0) {
		n = pwrite(lp->fd, c, len, (off_t)p->size);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return ferry_error_errno(err, errno, "%s", lp->path);
		c += n;
		len -= (size_t)n;
		p->size += (uint64_t)n;
		lp->hashed += (uint64_t)n;
	}
	return FERRY_OK;
}

static enum ferry_code
local_partial_sync(struct ferry_partial *p, struct ferry_error *err)
{
	struct local_partial	*lp = (struct local_partial *)p;

	if (fdatasync(lp->fd) != 0)
		return ferry_error_errno(err, errno, "%s", lp->path);
	return FERRY_OK;
}

static enum ferry_code
local_partial_read(struct ferry_partial *p, uint64_t offset, void *buf,
    size_t len, size_t *got, struct ferry_error *err)
{
	struct local_partial	*lp = (struct local_partial *)p;
	ssize_t			 n;

	*got = 0;
	if (offset >= p->size)
		return FERRY_OK;
	if (len > p->size - offset)
		len = (size_t)(p->size - offset);
	do
		n = pread(lp->fd, buf, len, (off_t)offset);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return ferry_error_errno(err, errno, "%s", lp->tmp);
	*got = (size_t)n;
	return FERRY_OK;
}

static enum ferry_code
local_partial_truncate(struct ferry_partial *p, uint64_t len,
    struct ferry_error *err)
{
	struct local_partial	*lp = (struct local_partial *)p;

	if (ftruncate(lp->fd, (off_t)len) != 0)
		return ferry_error_errno(err, errno, "%s", lp->tmp);
	p->size = len;
	if (lp->hashed > len) {
		EVP_DigestInit_ex(lp->md, EVP_sha256(), NULL);
		lp->hashed = 0;
	}
	return FERRY_OK;
}

/* Check the content's sha256 against expect (when given). */
static enum ferry_code
local_partial_check(struct local_partial *lp, const char *expect,
    char hex[65], struct ferry_error *err)
{
	unsigned char	 md[EVP_MAX_MD_SIZE];
	unsigned int	 n = 0, i;
	enum ferry_code	 result;

	if ((result = local_partial_catch_up(lp, err)) != FERRY_OK)
		return result;
	EVP_DigestFinal_ex(lp->md, md, &n);
	for (i = 0; i < n && i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	hex[64] = '\0';
	if (expect != NULL && strcasecmp(hex, expect) != 0)
		return ferry_error_set(err, FERRY_E_CORRUPT, "%s: the "
		    "content's sha256 is %s, expected %s; nothing written",
		    lp->path, hex, expect);
	return FERRY_OK;
}

static enum ferry_code
local_partial_commit(struct ferry_partial *p, const char *expect,
    struct ferry_entry *out, struct ferry_arena *a, struct ferry_error *err)
{
	struct local_partial	*lp = (struct local_partial *)p;
	struct ferry_write_opts	 o;
	struct timespec		 ts[2];
	enum ferry_code		 result;
	char			 hex[65];

	result = local_partial_check(lp, expect, hex, err);
	/* Never take setuid/setgid/sticky bits from elsewhere. */
	if (result == FERRY_OK && lp->mode != 0 &&
	    fchmod(lp->fd, lp->mode & 0777) != 0)
		result = ferry_error_errno(err, errno, "%s: setting its mode",
		    lp->path);
	if (result == FERRY_OK && lp->mtime > 0) {
		ts[0].tv_sec = 0;
		ts[0].tv_nsec = UTIME_OMIT;
		ts[1].tv_sec = (time_t)(lp->mtime / 1000);
		ts[1].tv_nsec = (long)(lp->mtime % 1000) * 1000000;
		if (futimens(lp->fd, ts) != 0)
			result = ferry_error_errno(err, errno, "%s: setting "
			    "its modification time", lp->path);
	}
	if (result == FERRY_OK && fsync(lp->fd) != 0)
		result = ferry_error_errno(err, errno, "%s", lp->path);
	if (close(lp->fd) != 0 && result == FERRY_OK)
		result = ferry_error_errno(err, errno, "%s", lp->path);
	lp->fd = -1;
	memset(&o, 0, sizeof o);
	o.exists = lp->exists;
	if (result == FERRY_OK)
		result = local_commit(lp->tmp, lp->path, &o, err);
	if (result == FERRY_OK && out != NULL) {
		result = local_stat_path(lp->path, out, a, err);
		if (result == FERRY_OK)
			out->checksum = ferry_arena_strdup(a, hex);
	}
	/* committed: the temp name is gone; failed: remove the bytes */
	local_partial_free(lp, false);
	return result;
}

static void
local_partial_close(struct ferry_partial *p, bool keep)
{
	local_partial_free((struct local_partial *)p, keep);
}

static const struct ferry_partial_ops local_partial_ops = {
	.write = local_partial_write,
	.sync = local_partial_sync,
	.read = local_partial_read,
	.truncate = local_partial_truncate,
	.commit = local_partial_commit,
	.close = local_partial_close,
};

/* -------- move -------- */

static enum ferry_code
local_move(struct ferry_backend *b, const char *src, const char *dst,
    enum ferry_exists exists, struct ferry_error *err)
{
	enum ferry_code	 result;
	struct stat	 st;
	size_t		 n;

	(void)b;
	if (strcmp(src, dst) == 0)
		return FERRY_OK;
	n = strlen(src);
	if (strcmp(src, "/") == 0 ||
	    (strncmp(dst, src, n) == 0 && dst[n] == '/'))
		return ferry_error_set(err, FERRY_E_CONFLICT,
		    "cannot move %s into itself (%s)", src, dst);
	if (strcmp(dst, "/") == 0)
		return ferry_error_set(err, FERRY_E_EXISTS,
		    "/ already exists");
	if ((result = local_check_name(dst, ferry_path_base(dst), err)) !=
	    FERRY_OK)
		return result;
	if (lstat(src, &st) != 0)
		return ferry_error_errno(err, errno, "%s", src);
	if (exists != FERRY_EXISTS_OVERWRITE)
		return local_rename_noreplace(src, dst, err);
	if (lstat(dst, &st) == 0 && S_ISDIR(st.st_mode))
		return ferry_error_set(err, FERRY_E_IS_FOLDER,
		    "%s is a folder; it is never replaced", dst);
	if (rename(src, dst) == 0)
		return FERRY_OK;
	if (errno == EXDEV)
		return ferry_error_set(err, FERRY_E_UNSUPPORTED,
		    "cannot move %s to %s: they are on different filesystems",
		    src, dst);
	if (errno == EINVAL)
		return ferry_error_set(err, FERRY_E_CONFLICT,
		    "cannot move %s into itself (%s)", src, dst);
	return ferry_error_errno(err, errno, "cannot move %s to %s", src,
	    dst);
}

/* -------- summary -------- */

/* Count one entry (st is its lstat) into the summary s. */
static void
local_count(struct ferry_summary *s, const char *name, const struct stat *st)
{
	enum ferry_type	 t;
	uint64_t	 size = 0;

	s->stored_bytes += (uint64_t)st->st_blocks * 512;
	if (S_ISDIR(st->st_mode)) {
		s->folders++;
		return;
	}
	if (S_ISREG(st->st_mode))
		size = (uint64_t)st->st_size;
	t = local_type_of(name);
	s->items++;
	s->bytes += size;
	s->type_items[t]++;
	s->type_bytes[t] += size;
}

static enum ferry_code
local_summary_pre(struct local_walk *w, int dirfd, const char *name,
    const struct stat *st, struct ferry_error *err)
{
	(void)dirfd;
	(void)err;
	local_count(w->ud, name, st);
	return FERRY_OK;
}

static enum ferry_code
local_summary(struct ferry_backend *b, const char *path,
    struct ferry_summary *out, struct ferry_error *err)
{
	struct local_walk	 w;
	enum ferry_code		 result;
	struct stat		 st;

	memset(out, 0, sizeof *out);
	if (lstat(path, &st) != 0)
		return ferry_error_errno(err, errno, "%s", path);
	if (!S_ISDIR(st.st_mode)) {
		local_count(out, ferry_path_base(path), &st);
		return FERRY_OK;
	}
	local_walk_init(&w, b, path);
	w.pre = local_summary_pre;
	w.ud = out;
	result = local_walk_run(&w, path, err);
	free(w.path);
	return result;
}

/* -------- find -------- */

struct local_find {
	const struct ferry_find	*f;
	ferry_find_cb		 cb;
	void			*ud;
};

static enum ferry_code
local_find_pre(struct local_walk *w, int dirfd, const char *name,
    const struct stat *st, struct ferry_error *err)
{
	struct local_find	*lf = w->ud;
	struct ferry_entry	 e;
	struct ferry_arena	 a;
	enum ferry_code		 result = FERRY_OK;

	ferry_arena_init(&a);
	local_fill(dirfd, name, name, st, &e, &a);
	if (ferry_find_match(lf->f, &e)) {
		result = lf->cb(local_walk_rel(w), &e, lf->ud);
		if (result != FERRY_OK)
			ferry_error_set(err, result, "%s: search stopped",
			    w->path);
	}
	ferry_arena_done(&a);
	return result;
}

static enum ferry_code
local_find(struct ferry_backend *b, const char *path,
    const struct ferry_find *f, ferry_find_cb cb, void *ud,
    struct ferry_error *err)
{
	struct local_walk	 w;
	struct local_find	 lf;
	struct ferry_find	 all;
	enum ferry_code		 result;

	if (f == NULL) {
		ferry_find_init(&all);
		f = &all;
	}
	lf.f = f;
	lf.cb = cb;
	lf.ud = ud;
	local_walk_init(&w, b, path);
	w.pre = local_find_pre;
	w.ud = &lf;
	w.sorted = true;
	w.max_depth = f->max_depth;
	result = local_walk_run(&w, path, err);
	free(w.path);
	return result;
}

/* -------- instance -------- */

static void
local_close(struct ferry_backend *b)
{
	free(b);
}

const struct ferry_backend_ops ferry_backend_local_ops = {
	.name = "local",
	.caps = LOCAL_CAPS,
	.close = local_close,
	.stat = local_stat,
	.list = local_list,
	.path_to_root = local_path_to_root,
	.mkdir = local_mkdir,
	.update = local_update,
	.remove = local_remove,
	.open_read = local_open_read,
	.write = local_write,
	.copy = NULL,		/* the copy engine streams */
	.move = local_move,
	.summary = local_summary,
	.find = local_find,
	.signed_url = NULL,
	.open_partial = local_open_partial,
	.list_brief = local_list_brief,
};

enum ferry_code
backend_local_open(const struct ferry_config *cfg, struct ferry_backend **out,
    struct ferry_error *err)
{
	struct local_backend	*lb;

	(void)cfg;
	(void)err;
	lb = xcalloc(1, sizeof *lb);
	lb->b.ops = &ferry_backend_local_ops;
	*out = &lb->b;
	return FERRY_OK;
}
