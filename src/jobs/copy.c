/* SPDX-License-Identifier: MIT */
/*
 * The copy engine (see copy.h for the rules it follows).
 *
 * A job walks its sources depth first.  copy_entry() decides what happens
 * to one source entry at one target path (conflict policy, "into itself"
 * refusal), then copy_item() or copy_folder() does it: server-side when
 * both ends are the same backend instance and it can, by streaming
 * otherwise.  Folders are listed a page at a time (keyset cursors, so a
 * move that deletes children as it goes still sees each child once), and
 * only one page per level of the tree is in memory.
 *
 * Invariants: a source is deleted (move) only after its copy is verified;
 * a folder only when nothing inside it failed or was skipped.  Every entry
 * visited ends in exactly one result callback.
 *
 * Threads: one thread runs a job; o.cancel may be set from another.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ferry/backend.h"
#include "ferry/entry.h"
#include "ferry/error.h"
#include "ferry/location.h"
#include "ferry/stream.h"

#include "core/util.h"
#include "jobs/copy.h"

#define COPY_RENAME_MAX	1000	/* "name (1)" ... "name (999)" */
#define COPY_SHA256_HEX	64

struct copy_src {
	struct ferry_backend *b;
	char		*path;
};

struct copy_job {
	struct copy_opts o;
	struct copy_src	*srcs;
	size_t		 nsrcs;
	struct ferry_backend *dst_b;
	char		*dst_path;
	struct copy_stats stats;
	struct copy_progress prog;
	char		*prog_name;	/* owns prog.name */
	uint64_t	 prog_base;	/* bytes_done before the current item */
	enum ferry_code	 first;		/* first failure */
	bool		 cancelled;	/* the cancel flag was seen */
	bool		 interrupted;	/* and work was left undone */
};

/* One source entry and where it goes. */
struct copy_step {
	struct ferry_backend *sb;
	const char	*spath;
	const struct ferry_entry *se;
	struct ferry_backend *db;
	const char	*dpath;		/* the final target path */
};

static enum ferry_code copy_entry(struct copy_job *, struct ferry_backend *,
		    const char *, const struct ferry_entry *,
		    struct ferry_backend *, const char *);

static const char *const copy_conflict_names[] = {
	"fail", "overwrite", "skip", "rename"
};

const char *
copy_conflict_name(enum copy_conflict c)
{
	if ((size_t)c >= FERRY_NELEM(copy_conflict_names))
		return "?";
	return copy_conflict_names[c];
}

int
copy_conflict_from_name(const char *name)
{
	size_t	i;

	for (i = 0; i < FERRY_NELEM(copy_conflict_names); i++) {
		if (strcmp(name, copy_conflict_names[i]) == 0)
			return (int)i;
	}
	return -1;
}

char *
copy_suffix_name(const char *name, unsigned n)
{
	const char	*dot;

	/* A leading dot starts a hidden name, not an extension. */
	dot = strrchr(name, '.');
	if (dot == NULL || dot == name)
		return xasprintf("%s (%u)", name, n);
	return xasprintf("%.*s (%u)%s", (int)(dot - name), name, n, dot);
}

struct copy_job *
copy_job_new(const struct copy_opts *o)
{
	struct copy_job	*j;

	j = xcalloc(1, sizeof *j);
	if (o != NULL)
		j->o = *o;
	return j;
}

void
copy_job_free(struct copy_job *j)
{
	size_t	i;

	if (j == NULL)
		return;
	for (i = 0; i < j->nsrcs; i++)
		free(j->srcs[i].path);
	free(j->srcs);
	free(j->dst_path);
	free(j->prog_name);
	free(j);
}

void
copy_job_add(struct copy_job *j, struct ferry_backend *b, const char *path)
{
	j->srcs = xreallocarray(j->srcs, j->nsrcs + 1, sizeof *j->srcs);
	j->srcs[j->nsrcs].b = b;
	j->srcs[j->nsrcs].path = xstrdup(path);
	j->nsrcs++;
}

void
copy_job_set_dest(struct copy_job *j, struct ferry_backend *b,
    const char *path)
{
	free(j->dst_path);
	j->dst_b = b;
	j->dst_path = xstrdup(path);
}

const struct copy_stats *
copy_job_stats(const struct copy_job *j)
{
	return &j->stats;
}

/* The location prefix of b ("store:", "" for local). */
static const char *
copy_label(const struct ferry_backend *b)
{
	return b->label != NULL ? b->label : "";
}

/* "store:/a/b" for path on b. malloc'd. */
static char *
copy_display(struct ferry_backend *b, const char *path)
{
	return xasprintf("%s%s", copy_label(b), path);
}

static bool
copy_cancelled(struct copy_job *j)
{
	if (j->o.cancel != NULL && *j->o.cancel != 0)
		j->cancelled = true;
	return j->cancelled;
}

/*
 * Asked before starting more work: true when cancelled, and then that
 * work is left undone.  A cancel that comes after the last entry has
 * finished interrupts nothing, and the job still succeeds.
 */
static bool
copy_stop(struct copy_job *j)
{
	if (!copy_cancelled(j))
		return false;
	j->interrupted = true;
	return true;
}

/* True when path is below (not equal to) folder dir. */
static bool
copy_is_below(const char *path, const char *dir)
{
	size_t	n;

	if (strcmp(dir, "/") == 0)
		return strcmp(path, "/") != 0;
	n = strlen(dir);
	return strncmp(path, dir, n) == 0 && path[n] == '/';
}

/* Hand one finished entry to the result callback and count it. */
static void
copy_report(struct copy_job *j, const struct copy_step *st,
    enum copy_status status, bool server_side, const struct ferry_error *err)
{
	struct copy_result r;
	char		*src, *dst;

	memset(&r, 0, sizeof r);
	r.status = status;
	r.kind = st->se != NULL ? st->se->kind : FERRY_KIND_ITEM;
	r.bytes = st->se != NULL && r.kind == FERRY_KIND_ITEM ?
	    st->se->size : 0;
	r.server_side = server_side;
	if (err != NULL)
		r.err = *err;
	switch (status) {
	case COPY_DONE:
		r.err.code = FERRY_OK;
		if (r.kind == FERRY_KIND_FOLDER)
			j->stats.folders++;
		else {
			j->stats.items++;
			j->stats.bytes += r.bytes;
		}
		if (server_side)
			j->stats.server_side++;
		break;
	case COPY_SKIPPED:
		j->stats.skipped++;
		break;
	case COPY_FAILED:
		if (r.err.code == FERRY_E_CANCELLED)
			j->interrupted = true;
		j->stats.failed++;
		if (r.err.code == FERRY_OK)
			r.err.code = FERRY_E_INTERNAL;
		if (j->first == FERRY_OK)
			j->first = r.err.code;
		break;
	}
	if (r.kind == FERRY_KIND_ITEM)
		j->prog.items_done++;
	if (j->o.result == NULL)
		return;
	src = copy_display(st->sb, st->spath);
	dst = st->dpath != NULL ? copy_display(st->db, st->dpath) : NULL;
	r.src = src;
	r.dst = dst;
	j->o.result(&r, j->o.ud);
	free(dst);
	free(src);
}

static void
copy_fail(struct copy_job *j, const struct copy_step *st,
    const struct ferry_error *err)
{
	copy_report(j, st, COPY_FAILED, false, err);
}

/* Skip an entry this engine does not copy (links, devices). */
static void
copy_skip(struct copy_job *j, const struct copy_step *st, const char *why)
{
	struct ferry_error err;

	ferry_error_set(&err, FERRY_E_UNSUPPORTED, "%s", why);
	copy_report(j, st, COPY_SKIPPED, false, &err);
}

/* Reader progress hook: account bytes, honour cancel, tell the caller. */
static enum ferry_code
copy_on_read(uint64_t done, uint64_t total, void *ud)
{
	struct copy_job	*j = ud;

	(void)total;
	if (copy_cancelled(j))
		return FERRY_E_CANCELLED;
	j->prog.item_done = done;
	j->prog.bytes_done = j->prog_base + done;
	if (j->o.progress != NULL)
		return j->o.progress(&j->prog, j->o.ud);
	return FERRY_OK;
}

static void
copy_progress_start(struct copy_job *j, const struct copy_step *st)
{
	free(j->prog_name);
	j->prog_name = copy_display(st->sb, st->spath);
	j->prog.name = j->prog_name;
	j->prog.item_done = 0;
	j->prog.item_total = st->se->size;
	j->prog.item_total_known = (st->se->flags &
	    (FERRY_ENTRY_NO_SIZE | FERRY_ENTRY_NO_STAT)) == 0;
	j->prog_base = j->prog.bytes_done;
}

/* Fill write options from the source entry and the job's overrides. */
static void
copy_write_opts(struct copy_job *j, const struct copy_step *st,
    enum ferry_exists exists, struct ferry_write_opts *wo)
{
	const struct ferry_entry *se = st->se;

	memset(wo, 0, sizeof *wo);
	wo->exists = exists;
	wo->size_known = (se->flags &
	    (FERRY_ENTRY_NO_SIZE | FERRY_ENTRY_NO_STAT)) == 0;
	wo->size_hint = wo->size_known ? se->size : 0;
	if (j->o.mime != NULL)
		wo->mime = j->o.mime;
	else if (se->mime != NULL && *se->mime != '\0')
		wo->mime = se->mime;
	if (j->o.metadata != NULL)
		wo->metadata = j->o.metadata;
	else if (ferry_backend_has(st->sb, FERRY_CAP_METADATA) &&
	    ferry_backend_has(st->db, FERRY_CAP_METADATA))
		wo->metadata = se->metadata;
	if (se->checksum != NULL && strlen(se->checksum) == COPY_SHA256_HEX)
		wo->expect_sha256 = se->checksum;
	wo->mtime = se->modified;
	if (ferry_backend_has(st->sb, FERRY_CAP_LOCAL_FILES))
		wo->mode = se->mode & 07777;
}

/*
 * Check what was written against what was read: the byte count against
 * the source's size, the digest against the destination's checksum (or
 * the source's when the destination keeps none).
 */
static enum ferry_code
copy_verify(const struct copy_step *st, const struct ferry_write_opts *wo,
    uint64_t bytes, const char *hex, const struct ferry_entry *out,
    struct ferry_error *err)
{
	const char	*want, *whose;

	if (wo->size_known && bytes != st->se->size) {
		return ferry_error_set(err, FERRY_E_CONFLICT,
		    "%s%s changed while being copied: read %llu bytes, "
		    "expected %llu", copy_label(st->sb), st->spath, (unsigned long long)bytes,
		    (unsigned long long)st->se->size);
	}
	if (out->checksum != NULL && *out->checksum != '\0') {
		want = out->checksum;
		whose = "the destination";
	} else if (st->se->checksum != NULL && *st->se->checksum != '\0') {
		want = st->se->checksum;
		whose = "the source";
	} else
		return FERRY_OK;
	if (strcasecmp(want, hex) != 0) {
		return ferry_error_set(err, FERRY_E_CORRUPT,
		    "checksum mismatch: read sha256 %s but %s has %s",
		    hex, whose, want);
	}
	return FERRY_OK;
}

/*
 * Stream one item: source -> sha256 -> progress -> destination write,
 * then verify.  A copy that fails verification is removed.
 */
static enum ferry_code
copy_stream(struct copy_job *j, const struct copy_step *st,
    enum ferry_exists exists, struct ferry_error *err)
{
	struct ferry_reader *raw, *hash, *prog;
	struct ferry_write_opts wo;
	struct ferry_entry out;
	struct ferry_arena a;
	enum ferry_code	 result;
	char		 hex[COPY_SHA256_HEX + 1];
	uint64_t	 bytes;

	result = ferry_backend_open_read(st->sb, st->spath, 0, UINT64_MAX,
	    &raw, err);
	if (result != FERRY_OK)
		return result;
	hash = ferry_reader_hash(raw);
	prog = ferry_reader_progress(hash, copy_on_read, j);
	copy_write_opts(j, st, exists, &wo);
	copy_progress_start(j, st);

	ferry_arena_init(&a);
	memset(&out, 0, sizeof out);
	result = ferry_backend_write(st->db, st->dpath, prog, &wo, &out, &a,
	    err);
	bytes = ferry_reader_hash_bytes(hash);
	snprintf(hex, sizeof hex, "%s", result == FERRY_OK ?
	    ferry_reader_hash_hex(hash) : "");
	ferry_reader_close(prog);
	if (result == FERRY_OK) {
		result = copy_verify(st, &wo, bytes, hex, &out, err);
		if (result != FERRY_OK)
			(void)ferry_backend_remove(st->db, st->dpath, 0, NULL);
	}
	ferry_arena_done(&a);
	j->prog.bytes_done = j->prog_base + bytes;
	return result;
}

/* Copy or move one item to st->dpath. */
static enum ferry_code
copy_item(struct copy_job *j, const struct copy_step *st,
    enum ferry_exists exists)
{
	struct ferry_error err;
	enum ferry_code	 result;
	uint32_t	 cap;

	cap = j->o.move ? FERRY_CAP_SERVER_MOVE : FERRY_CAP_SERVER_COPY;
	if (st->sb == st->db && ferry_backend_has(st->sb, cap)) {
		if (j->o.move)
			result = ferry_backend_move(st->sb, st->spath,
			    st->dpath, exists, &err);
		else
			result = ferry_backend_copy(st->sb, st->spath,
			    st->dpath, exists, &err);
		if (result == FERRY_OK) {
			copy_report(j, st, COPY_DONE, true, NULL);
			return FERRY_OK;
		}
		if (result != FERRY_E_UNSUPPORTED) {
			copy_fail(j, st, &err);
			return result;
		}
		/* e.g. a rename across filesystems: stream instead */
	}
	result = copy_stream(j, st, exists, &err);
	if (result != FERRY_OK) {
		copy_fail(j, st, &err);
		return result;
	}
	if (j->o.move) {
		result = ferry_backend_remove(st->sb, st->spath, 0, &err);
		if (result != FERRY_OK) {
			ferry_error_prefix(&err, "copied, but the source "
			    "was not removed");
			copy_fail(j, st, &err);
			return result;
		}
	}
	copy_report(j, st, COPY_DONE, false, NULL);
	return FERRY_OK;
}

/* Create the target folder with the attributes both ends support. */
static enum ferry_code
copy_mkdir(const struct copy_step *st, struct ferry_error *err)
{
	struct ferry_mkdir_opts mo;
	const struct ferry_entry *se = st->se;

	memset(&mo, 0, sizeof mo);
	if (ferry_backend_has(st->db, FERRY_CAP_DESCRIPTION) &&
	    se->description != NULL && *se->description != '\0')
		mo.description = se->description;
	if (ferry_backend_has(st->sb, FERRY_CAP_METADATA) &&
	    ferry_backend_has(st->db, FERRY_CAP_METADATA))
		mo.metadata = se->metadata;
	if (ferry_backend_has(st->sb, FERRY_CAP_TAGS) &&
	    ferry_backend_has(st->db, FERRY_CAP_TAGS))
		mo.tags = se->tags;
	return ferry_backend_mkdir(st->db, st->dpath, &mo, NULL, NULL, err);
}

/*
 * Why a child found in a listing is not copied, or NULL.  Links named on
 * the command line are followed; links met inside a tree are not when
 * they lead to a folder (loops, escapes), nor when they lead nowhere.
 */
static const char *
copy_child_skip(const struct ferry_entry *e)
{
	if (!(e->flags & FERRY_ENTRY_SYMLINK))
		return NULL;
	if (e->kind == FERRY_KIND_FOLDER)
		return "symbolic link to a folder, not followed";
	if (e->flags & FERRY_ENTRY_NO_SIZE)
		return "dangling symbolic link";
	return NULL;
}

/* Copy every child of a folder, a page at a time. */
static enum ferry_code
copy_children(struct copy_job *j, const struct copy_step *st)
{
	struct ferry_query q;
	struct ferry_page page;
	struct ferry_error err;
	struct copy_step child;
	enum ferry_code	 result = FERRY_OK;
	char		*cursor = NULL, *spath, *dpath;
	size_t		 i;

	ferry_query_init(&q);	/* the backend's own page size */
	do {
		q.cursor = cursor;
		ferry_page_init(&page);
		result = ferry_backend_list(st->sb, st->spath, &q, &page,
		    &err);
		free(cursor);
		cursor = NULL;
		if (result != FERRY_OK) {
			ferry_page_done(&page);
			copy_fail(j, st, &err);
			return result;
		}
		for (i = 0; i < page.n && !copy_stop(j); i++) {
			const struct ferry_entry *e = &page.v[i];

			spath = ferry_path_join(st->spath, e->name);
			dpath = ferry_path_join(st->dpath, e->name);
			child = *st;
			child.spath = spath;
			child.se = e;
			child.dpath = NULL;
			if (ferry_name_check(e->name, strlen(e->name),
			    &err) != FERRY_OK)
				copy_fail(j, &child, &err);
			else if (copy_child_skip(e) != NULL)
				copy_skip(j, &child, copy_child_skip(e));
			else
				(void)copy_entry(j, st->sb, spath, e, st->db,
				    dpath);
			free(dpath);
			free(spath);
		}
		if (page.next_cursor != NULL && !copy_stop(j))
			cursor = xstrdup(page.next_cursor);
		ferry_page_done(&page);
	} while (cursor != NULL);
	return j->interrupted ? FERRY_E_CANCELLED : FERRY_OK;
}

/*
 * Copy or move a folder to st->dpath; merge into an existing folder when
 * `merge`.  A moved folder is removed once everything in it has moved.
 */
static enum ferry_code
copy_folder(struct copy_job *j, const struct copy_step *st, bool merge)
{
	struct ferry_error err;
	enum ferry_code	 result;
	uint64_t	 failed, skipped;
	uint32_t	 cap;

	cap = j->o.move ? FERRY_CAP_SERVER_MOVE : FERRY_CAP_SERVER_COPY;
	if (!merge && st->sb == st->db && ferry_backend_has(st->sb, cap)) {
		if (j->o.move)
			result = ferry_backend_move(st->sb, st->spath,
			    st->dpath, FERRY_EXISTS_FAIL, &err);
		else
			result = ferry_backend_copy(st->sb, st->spath,
			    st->dpath, FERRY_EXISTS_FAIL, &err);
		if (result == FERRY_OK) {
			copy_report(j, st, COPY_DONE, true, NULL);
			return FERRY_OK;
		}
		if (result != FERRY_E_UNSUPPORTED) {
			copy_fail(j, st, &err);
			return result;
		}
	}
	if (!merge) {
		result = copy_mkdir(st, &err);
		if (result != FERRY_OK) {
			copy_fail(j, st, &err);
			return result;
		}
	}
	failed = j->stats.failed;
	skipped = j->stats.skipped;
	result = copy_children(j, st);
	if (result != FERRY_OK)
		return result;
	if (j->o.move && j->stats.failed != failed) {
		ferry_error_set(&err, FERRY_E_NOT_EMPTY, "folder kept: not "
		    "everything inside it was moved");
		copy_fail(j, st, &err);
		return FERRY_E_NOT_EMPTY;
	}
	if (j->o.move && j->stats.skipped != skipped) {
		/* what was skipped stays where it was, and so its folder */
		ferry_error_set(&err, FERRY_E_NOT_EMPTY, "folder kept: "
		    "entries inside it were skipped");
		copy_report(j, st, COPY_SKIPPED, false, &err);
		return FERRY_OK;
	}
	if (j->o.move) {
		result = ferry_backend_remove(st->sb, st->spath, 0, &err);
		if (result != FERRY_OK) {
			ferry_error_prefix(&err, "moved its contents, but the "
			    "folder was not removed");
			copy_fail(j, st, &err);
			return result;
		}
	}
	copy_report(j, st, COPY_DONE, false, NULL);
	return FERRY_OK;
}

/*
 * Find a free "name (n).ext" next to st->dpath; *out is malloc'd.
 */
static enum ferry_code
copy_free_name(const struct copy_step *st, char **out,
    struct ferry_error *err)
{
	struct ferry_entry e;
	struct ferry_arena a;
	enum ferry_code	 result = FERRY_E_EXISTS;
	char		*parent, *name, *path;
	unsigned	 n;

	*out = NULL;
	parent = ferry_path_parent(st->dpath);
	ferry_arena_init(&a);
	for (n = 1; n < COPY_RENAME_MAX; n++) {
		name = copy_suffix_name(ferry_path_base(st->dpath), n);
		path = ferry_path_join(parent, name);
		result = ferry_name_check(name, strlen(name), err);
		free(name);
		if (result == FERRY_OK)
			result = ferry_backend_stat(st->db, path, &e, &a, err);
		if (result == FERRY_E_NOT_FOUND) {
			*out = path;
			result = FERRY_OK;
			break;
		}
		free(path);
		if (result != FERRY_OK)
			break;
		result = FERRY_E_EXISTS;
	}
	if (result == FERRY_E_EXISTS)
		ferry_error_set(err, result, "%s%s exists, and so do %u "
		    "renamed copies", copy_label(st->db), st->dpath,
		    COPY_RENAME_MAX - 1);
	ferry_arena_done(&a);
	free(parent);
	return result;
}

/* What to do at a target that exists. */
enum copy_action {
	COPY_ACT_WRITE,		/* write (create, or overwrite an item) */
	COPY_ACT_MERGE,		/* folder onto folder */
	COPY_ACT_RENAME,
	COPY_ACT_SKIP,
	COPY_ACT_FAIL,
};

static enum copy_action
copy_decide(struct copy_job *j, const struct copy_step *st,
    const struct ferry_entry *te, struct ferry_error *err)
{
	bool	 same, src_folder, dst_folder;

	same = st->sb == st->db && strcmp(st->spath, st->dpath) == 0;
	src_folder = st->se->kind == FERRY_KIND_FOLDER;
	dst_folder = te->kind == FERRY_KIND_FOLDER;
	if (j->o.conflict == COPY_CONFLICT_RENAME)
		return COPY_ACT_RENAME;
	if (same && j->o.conflict != COPY_CONFLICT_SKIP) {
		ferry_error_set(err, FERRY_E_CONFLICT, "%s%s: source and "
		    "destination are the same", copy_label(st->db), st->dpath);
		return COPY_ACT_FAIL;
	}
	/* Folders merge, so that skip can resume an interrupted copy. */
	if (src_folder && dst_folder && !same)
		return COPY_ACT_MERGE;
	if (j->o.conflict == COPY_CONFLICT_SKIP) {
		ferry_error_set(err, FERRY_E_EXISTS, "%s%s exists",
		    copy_label(st->db), st->dpath);
		return COPY_ACT_SKIP;
	}
	if (dst_folder) {
		ferry_error_set(err, FERRY_E_IS_FOLDER, "%s%s exists and is a "
		    "folder", copy_label(st->db), st->dpath);
		return COPY_ACT_FAIL;
	}
	if (src_folder) {
		ferry_error_set(err, FERRY_E_EXISTS, "%s%s exists and is not a "
		    "folder", copy_label(st->db), st->dpath);
		return COPY_ACT_FAIL;
	}
	if (j->o.conflict == COPY_CONFLICT_OVERWRITE)
		return COPY_ACT_WRITE;
	ferry_error_set(err, FERRY_E_EXISTS, "%s%s exists", copy_label(st->db),
	    st->dpath);
	return COPY_ACT_FAIL;
}

/* Copy source entry se at spath on sb to dpath on db. */
static enum ferry_code
copy_entry(struct copy_job *j, struct ferry_backend *sb, const char *spath,
    const struct ferry_entry *se, struct ferry_backend *db, const char *dpath)
{
	struct copy_step st = { sb, spath, se, db, dpath };
	struct ferry_entry te;
	struct ferry_arena a;
	struct ferry_error err;
	enum ferry_code	 result;
	enum copy_action act = COPY_ACT_WRITE;
	enum ferry_exists exists = FERRY_EXISTS_FAIL;
	char		*renamed = NULL;
	bool		 taken = false;

	if (copy_stop(j))
		return FERRY_E_CANCELLED;
	if (se->flags & FERRY_ENTRY_SPECIAL) {
		copy_skip(j, &st, "not a regular file or folder");
		return FERRY_OK;
	}
	if (se->kind == FERRY_KIND_FOLDER && sb == db &&
	    copy_is_below(dpath, spath)) {
		ferry_error_set(&err, FERRY_E_CONFLICT, "cannot %s folder "
		    "%s%s into itself", j->o.move ? "move" : "copy",
		    copy_label(sb), spath);
		copy_fail(j, &st, &err);
		return FERRY_E_CONFLICT;
	}

	ferry_arena_init(&a);
	result = ferry_backend_stat(db, dpath, &te, &a, &err);
	if (result == FERRY_OK) {
		taken = true;
		act = copy_decide(j, &st, &te, &err);
		if (act == COPY_ACT_RENAME)
			result = copy_free_name(&st, &renamed, &err);
	} else if (result == FERRY_E_NOT_FOUND)
		result = FERRY_OK;
	ferry_arena_done(&a);
	if (result != FERRY_OK || act == COPY_ACT_FAIL) {
		copy_fail(j, &st, &err);
		return result != FERRY_OK ? result : err.code;
	}
	if (act == COPY_ACT_SKIP) {
		copy_report(j, &st, COPY_SKIPPED, false, &err);
		return FERRY_OK;
	}
	if (renamed != NULL)
		st.dpath = renamed;
	else if (taken && act == COPY_ACT_WRITE)
		exists = FERRY_EXISTS_OVERWRITE;

	if (se->kind == FERRY_KIND_FOLDER)
		result = copy_folder(j, &st, act == COPY_ACT_MERGE);
	else
		result = copy_item(j, &st, exists);
	free(renamed);
	return result;
}

/*
 * Where the sources go: *inside is true when the destination is an
 * existing folder; otherwise there must be one source and the
 * destination's parent must be a folder.
 */
static enum ferry_code
copy_resolve_dest(struct copy_job *j, bool *inside, struct ferry_error *err)
{
	struct ferry_entry e;
	struct ferry_arena a;
	enum ferry_code	 result;
	char		*disp, *parent = NULL;

	*inside = false;
	disp = copy_display(j->dst_b, j->dst_path);
	ferry_arena_init(&a);
	result = ferry_backend_stat(j->dst_b, j->dst_path, &e, &a, err);
	if (result == FERRY_OK && e.kind == FERRY_KIND_FOLDER) {
		*inside = true;
		goto out;
	}
	if (result != FERRY_OK && result != FERRY_E_NOT_FOUND)
		goto out;
	if (j->nsrcs > 1) {
		result = ferry_error_set(err, result == FERRY_OK ?
		    FERRY_E_NOT_FOLDER : FERRY_E_NOT_FOUND, "%s is not an "
		    "existing folder; several sources need one", disp);
		goto out;
	}
	if (result == FERRY_OK)
		goto out;	/* an item: the conflict policy decides */
	parent = ferry_path_parent(j->dst_path);
	result = ferry_backend_stat(j->dst_b, parent, &e, &a, err);
	if (result == FERRY_OK && e.kind != FERRY_KIND_FOLDER)
		result = ferry_error_set(err, FERRY_E_NOT_FOLDER, "%s: %s%s "
		    "is not a folder", disp, copy_label(j->dst_b), parent);
	else if (result == FERRY_E_NOT_FOUND)
		result = ferry_error_set(err, result, "%s: its parent folder "
		    "%s%s does not exist", disp, copy_label(j->dst_b), parent);
out:
	ferry_arena_done(&a);
	free(parent);
	free(disp);
	return result;
}

/* Copy source number i. */
static void
copy_source(struct copy_job *j, size_t i, bool inside)
{
	struct copy_src	*s = &j->srcs[i];
	struct copy_step st;
	struct ferry_entry se;
	struct ferry_arena a;
	struct ferry_error err;
	const char	*base;
	char		*target;

	memset(&st, 0, sizeof st);
	st.sb = s->b;
	st.spath = s->path;
	st.db = j->dst_b;
	ferry_arena_init(&a);
	if (ferry_backend_stat(s->b, s->path, &se, &a, &err) != FERRY_OK) {
		copy_fail(j, &st, &err);
		goto out;
	}
	st.se = &se;
	if (!inside) {
		(void)copy_entry(j, s->b, s->path, &se, j->dst_b,
		    j->dst_path);
		goto out;
	}
	base = ferry_path_base(s->path);
	if (*base == '\0') {
		ferry_error_set(&err, FERRY_E_INVALID_NAME, "the root folder "
		    "has no name to copy under; name a new destination");
		copy_fail(j, &st, &err);
		goto out;
	}
	if (ferry_name_check(base, strlen(base), &err) != FERRY_OK) {
		copy_fail(j, &st, &err);
		goto out;
	}
	target = ferry_path_join(j->dst_path, base);
	(void)copy_entry(j, s->b, s->path, &se, j->dst_b, target);
	free(target);
out:
	ferry_arena_done(&a);
}

enum ferry_code
copy_job_run(struct copy_job *j, struct ferry_error *err)
{
	enum ferry_code	 result;
	bool		 inside;
	size_t		 i;

	FERRY_ASSERT(j->dst_b != NULL && j->nsrcs > 0);
	ferry_error_clear(err);
	result = copy_resolve_dest(j, &inside, err);
	if (result != FERRY_OK)
		return result;
	for (i = 0; i < j->nsrcs && !copy_stop(j); i++)
		copy_source(j, i, inside);
	if (j->interrupted)
		return ferry_error_set(err, FERRY_E_CANCELLED, "cancelled");
	if (j->first != FERRY_OK)
		return ferry_error_set(err, j->first, "%llu of %zu sources or "
		    "entries inside them failed",
		    (unsigned long long)j->stats.failed, j->nsrcs);
	return FERRY_OK;
}
