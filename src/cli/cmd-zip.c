/* SPDX-License-Identifier: MIT */
/*
 * `ferry zip`: ZIP archives on any location, read without downloading
 * them (src/backends/zip.c):
 *
 *   ferry zip ls LOCATION [PATH] [-r] [--json]   members as a folder tree
 *   ferry zip info LOCATION [--json]             totals and fetch costs
 *   ferry zip range LOCATION MEMBER [--json]     a member's byte range
 *   ferry zip cat LOCATION MEMBER                a member's content
 *   ferry zip get LOCATION MEMBER... DEST        extract (CRC checked)
 *
 * LOCATION is the archive (`store:/runs/out.zip`, `./out.zip`), or a path
 * into it (`store:/runs/out.zip/logs`); the archive is found by stat'ing
 * the path and its parents (backend_zip_split).  get extracts with the
 * zip backend's open_read (which refuses members with unsafe names and
 * symlinks, and checks each CRC) and the destination backend's atomic
 * write, so a member that fails leaves nothing behind; DEST follows cp's
 * rules and every name is checked before anything is written.
 *
 * Main thread.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "ferry/backend.h"
#include "ferry/entry.h"
#include "ferry/error.h"
#include "ferry/location.h"
#include "backends/backends.h"
#include "cli/cli.h"
#include "core/util.h"

#define CMD_ZIP_CHUNK	(1024 * 1024)	/* cat's reads and writes */

/* An archive opened from a LOCATION operand. */
struct cmd_zip {
	struct cli_loc	 l;		/* the operand, on its base backend */
	struct ferry_backend *zb;
	char		*archive;	/* path of the archive on l.b */
	char		*inner;		/* path inside it from the operand */
	char		*where;		/* display form of the archive */
};

static void
cmd_zip_done(struct cmd_zip *z)
{
	ferry_backend_close(z->zb);
	free(z->archive);
	free(z->inner);
	free(z->where);
	cli_loc_done(&z->l);
	memset(z, 0, sizeof *z);
}

/* Open the archive that text names or leads into. */
static enum ferry_code
cmd_zip_open(struct cli *c, const char *text, struct cmd_zip *z)
{
	struct ferry_error err;
	enum ferry_code	 result;

	memset(z, 0, sizeof *z);
	if ((result = cli_open(c, text, 0, &z->l)) != FERRY_OK)
		return result;
	result = backend_zip_split(z->l.b, z->l.path, &z->archive, &z->inner,
	    &err);
	if (result == FERRY_OK) {
		z->where = cli_loc_format(&z->l, z->archive);
		result = backend_zip_open(z->l.b, z->archive, &c->cfg, &z->zb,
		    &err);
	}
	if (result != FERRY_OK) {
		cli_error(z->where != NULL ? z->where : z->l.where, &err);
		cmd_zip_done(z);
	}
	return result;
}

/* The archive path of operand `rel` under z->inner (malloc'd). */
static char *
cmd_zip_path(const struct cmd_zip *z, const char *rel)
{
	return ferry_path_join(z->inner, rel != NULL ? rel : "");
}

/* A string field of a metadata object, or def. */
static const char *
cmd_zip_meta_str(const cJSON *m, const char *key, const char *def)
{
	const cJSON	*v = cJSON_GetObjectItemCaseSensitive(m, key);

	return cJSON_IsString(v) ? v->valuestring : def;
}

/* One line of `zip ls`: type, size, compressed, method, date, crc, path. */
static void
cmd_zip_line(const struct ferry_entry *e, const char *path)
{
	cJSON		*m;
	const cJSON	*cs;
	char		 size[32], csize[32], date[32];
	char		 type;

	m = e->metadata != NULL ? cJSON_Parse(e->metadata) : NULL;
	if (e->kind == FERRY_KIND_FOLDER)
		type = 'd';
	else
		type = e->flags & FERRY_ENTRY_SYMLINK ? 'l' : '-';
	snprintf(size, sizeof size, "-");
	snprintf(csize, sizeof csize, "-");
	if (e->kind != FERRY_KIND_FOLDER) {
		snprintf(size, sizeof size, "%" PRIu64, e->size);
		cs = cJSON_GetObjectItemCaseSensitive(m, "compressed_size");
		if (cJSON_IsNumber(cs))
			snprintf(csize, sizeof csize, "%.0f", cs->valuedouble);
	}
	cli_time_local(date, sizeof date, e->modified);
	printf("%c %12s %12s  %-8s  %-16s  %-8s  ", type, size, csize,
	    e->kind == FERRY_KIND_FOLDER ? "-" :
	    cmd_zip_meta_str(m, "method", "-"), date,
	    e->kind == FERRY_KIND_FOLDER ? "-" :
	    cmd_zip_meta_str(m, "crc32", "-"));
	cli_put(stdout, path);
	if (e->kind == FERRY_KIND_FOLDER)
		fputc('/', stdout);
	if (cJSON_GetObjectItemCaseSensitive(m, "unsafe_name") != NULL) {
		fputs("  (unsafe name: ", stdout);
		cli_put(stdout, cmd_zip_meta_str(m, "raw_name", "?"));
		fputc(')', stdout);
	}
	fputc('\n', stdout);
	cJSON_Delete(m);
}

/* Print (or add to arr) one entry; rel is its path below the listing. */
static void
cmd_zip_emit(const struct cmd_zip *z, const struct ferry_entry *e,
    const char *dir, const char *rel, cJSON *arr)
{
	cJSON	*o;
	char	*full, *loc;

	if (arr == NULL) {
		cmd_zip_line(e, rel);
		return;
	}
	full = ferry_path_join(dir, rel);
	loc = xasprintf("%s%s", z->where, full);
	o = cli_json_entry(e, loc);
	cJSON_AddStringToObject(o, "path", full);
	cJSON_AddItemToArray(arr, o);
	free(loc);
	free(full);
}

struct cmd_zip_walk {
	const struct cmd_zip *z;
	const char	*dir;
	cJSON		*arr;
};

static enum ferry_code
cmd_zip_found(const char *path, const struct ferry_entry *e, void *ud)
{
	struct cmd_zip_walk *w = ud;

	cmd_zip_emit(w->z, e, w->dir, path, w->arr);
	return FERRY_OK;
}

/* The children of dir, a page at a time. */
static enum ferry_code
cmd_zip_list(const struct cmd_zip *z, const char *dir, cJSON *arr)
{
	struct ferry_query q;
	struct ferry_page page;
	struct ferry_error err;
	enum ferry_code	 result;
	char		*cursor = NULL;
	size_t		 i;

	ferry_query_init(&q);
	do {
		q.cursor = cursor;
		ferry_page_init(&page);
		result = ferry_backend_list(z->zb, dir, &q, &page, &err);
		free(cursor);
		cursor = NULL;
		if (result != FERRY_OK) {
			cli_error(NULL, &err);
			ferry_page_done(&page);
			return result;
		}
		for (i = 0; i < page.n; i++)
			cmd_zip_emit(z, &page.v[i], dir, page.v[i].name, arr);
		if (page.next_cursor != NULL)
			cursor = xstrdup(page.next_cursor);
		ferry_page_done(&page);
	} while (cursor != NULL);
	return FERRY_OK;
}

/* The archive-wide numbers as JSON. */
static cJSON *
cmd_zip_info_json(const struct cmd_zip *z, const struct backend_zip_info *in)
{
	cJSON	*o;

	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "archive", z->where);
	cJSON_AddNumberToObject(o, "archive_size", (double)in->archive_size);
	cJSON_AddNumberToObject(o, "members", (double)in->members);
	cJSON_AddNumberToObject(o, "items", (double)in->items);
	cJSON_AddNumberToObject(o, "folders", (double)in->folders);
	cJSON_AddNumberToObject(o, "size", (double)in->bytes);
	cJSON_AddNumberToObject(o, "compressed_size", (double)in->compressed);
	cJSON_AddNumberToObject(o, "directory_offset", (double)in->cd_offset);
	cJSON_AddNumberToObject(o, "directory_size", (double)in->cd_size);
	cJSON_AddBoolToObject(o, "zip64", in->zip64);
	cJSON_AddNumberToObject(o, "list_requests", (double)in->list_requests);
	cJSON_AddNumberToObject(o, "list_bytes", (double)in->list_bytes);
	cJSON_AddNumberToObject(o, "fetch_requests",
	    (double)in->fetch_requests);
	cJSON_AddNumberToObject(o, "fetch_bytes", (double)in->fetch_bytes);
	cJSON_AddNumberToObject(o, "unsafe_names", (double)in->unsafe);
	cJSON_AddNumberToObject(o, "duplicates", (double)in->duplicates);
	cJSON_AddNumberToObject(o, "overlapping", (double)in->overlapping);
	cJSON_AddNumberToObject(o, "symlinks", (double)in->symlinks);
	cJSON_AddNumberToObject(o, "encrypted", (double)in->encrypted);
	return o;
}

/* Common options of the zip subcommands. */
struct cmd_zip_opts {
	bool		 json;
	bool		 recursive;
	bool		 force;
	bool		 verbose;
};

static const struct option cmd_zip_longopts[] = {
	{ "json", no_argument, NULL, 'j' },
	{ "recursive", no_argument, NULL, 'r' },
	{ "force", no_argument, NULL, 'f' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, CLI_OPT_HELP },
	{ NULL, 0, NULL, 0 }
};

/* Parse the options after the action; -1 after help, else the status. */
static int
cmd_zip_options(struct cli *c, int argc, char **argv, struct cmd_zip_opts *o)
{
	int	 opt;

	memset(o, 0, sizeof *o);
	while ((opt = getopt_long(argc, argv, ":jrfv", cmd_zip_longopts,
	    NULL)) != -1) {
		switch (opt) {
		case 'j': o->json = true; break;
		case 'r': o->recursive = true; break;
		case 'f': o->force = true; break;
		case 'v': o->verbose = true; break;
		case CLI_OPT_HELP:
			cli_help(c->cmd, stdout);
			return -1;
		default:
			return cli_bad_option(c, argv, opt);
		}
	}
	return CLI_OK;
}

static int
cmd_zip_ls(struct cli *c, const struct cmd_zip_opts *o, int argc,
    char **argv)
{
	struct cmd_zip	 z;
	struct ferry_entry e;
	struct ferry_arena a = FERRY_ARENA_INIT;
	struct ferry_find f;
	struct ferry_error err;
	struct backend_zip_info info;
	struct cmd_zip_walk w;
	enum ferry_code	 result;
	cJSON		*top = NULL, *arr = NULL;
	char		*dir;

	if (argc < 1 || argc > 2)
		return cli_usage(c, "ls: give LOCATION and an optional PATH");
	if (cmd_zip_open(c, argv[0], &z) != FERRY_OK)
		return CLI_FAILED;
	dir = cmd_zip_path(&z, argc > 1 ? argv[1] : NULL);
	if (o->json) {
		(void)backend_zip_info(z.zb, &info, &err);
		top = cmd_zip_info_json(&z, &info);
		cJSON_AddStringToObject(top, "path", dir);
		arr = cJSON_AddArrayToObject(top, "entries");
	}
	result = ferry_backend_stat(z.zb, dir, &e, &a, &err);
	if (result != FERRY_OK)
		cli_error(NULL, &err);
	else if (e.kind != FERRY_KIND_FOLDER)
		cmd_zip_emit(&z, &e, "/", dir + 1, arr);
	else if (o->recursive) {
		ferry_find_init(&f);
		w = (struct cmd_zip_walk){ &z, dir, arr };
		result = ferry_backend_find(z.zb, dir, &f, cmd_zip_found, &w,
		    &err);
		if (result != FERRY_OK)
			cli_error(NULL, &err);
	} else
		result = cmd_zip_list(&z, dir, arr);
	if (top != NULL)
		cli_json_print(top);
	ferry_arena_done(&a);
	free(dir);
	cmd_zip_done(&z);
	return result == FERRY_OK ? CLI_OK : CLI_FAILED;
}

static int
cmd_zip_info(struct cli *c, const struct cmd_zip_opts *o, int argc,
    char **argv)
{
	struct cmd_zip	 z;
	struct backend_zip_info in;
	struct ferry_error err;
	char		 a[32], b[32];

	if (argc != 1)
		return cli_usage(c, "info: give one LOCATION");
	if (cmd_zip_open(c, argv[0], &z) != FERRY_OK)
		return CLI_FAILED;
	(void)backend_zip_info(z.zb, &in, &err);
	if (o->json)
		cli_json_print(cmd_zip_info_json(&z, &in));
	else {
		fputs("archive      ", stdout);
		cli_put(stdout, z.where);
		cli_size_long(a, sizeof a, in.archive_size);
		printf("\nsize         %s (%" PRIu64 " bytes)%s\n", a,
		    in.archive_size, in.zip64 ? ", ZIP64" : "");
		printf("members      %" PRIu64 " (%" PRIu64 " items, %" PRIu64
		    " folders)\n", in.members, in.items, in.folders);
		cli_size_long(a, sizeof a, in.bytes);
		cli_size_long(b, sizeof b, in.compressed);
		printf("content      %s, compressed %s\n", a, b);
		printf("directory    %" PRIu64 " bytes at offset %" PRIu64 "\n",
		    in.cd_size, in.cd_offset);
		printf("listing cost %" PRIu64 " bytes in %" PRIu64
		    " requests\n", in.list_bytes, in.list_requests);
		if (in.unsafe + in.duplicates + in.overlapping + in.symlinks +
		    in.encrypted > 0)
			printf("warnings     %" PRIu64 " unsafe names, %" PRIu64
			    " duplicates, %" PRIu64 " overlapping, %" PRIu64
			    " symlinks, %" PRIu64 " encrypted\n", in.unsafe,
			    in.duplicates, in.overlapping, in.symlinks,
			    in.encrypted);
	}
	cmd_zip_done(&z);
	return CLI_OK;
}

static int
cmd_zip_range(struct cli *c, const struct cmd_zip_opts *o, int argc,
    char **argv)
{
	struct cmd_zip	 z;
	struct backend_zip_range r;
	struct ferry_error err;
	cJSON		*j;
	char		*path, crc[16];
	int		 status = CLI_OK;

	if (argc != 2)
		return cli_usage(c, "range: give LOCATION and one MEMBER");
	if (cmd_zip_open(c, argv[0], &z) != FERRY_OK)
		return CLI_FAILED;
	path = cmd_zip_path(&z, argv[1]);
	if (backend_zip_range(z.zb, path, &r, &err) != FERRY_OK) {
		cli_error(NULL, &err);
		status = CLI_FAILED;
	} else if (o->json) {
		j = cJSON_CreateObject();
		cJSON_AddStringToObject(j, "archive", z.where);
		cJSON_AddStringToObject(j, "member", path);
		cJSON_AddNumberToObject(j, "start", (double)r.start);
		cJSON_AddNumberToObject(j, "end", (double)r.end);
		cJSON_AddNumberToObject(j, "length", (double)(r.end - r.start));
		cJSON_AddNumberToObject(j, "header", (double)r.header);
		cJSON_AddStringToObject(j, "method", r.method);
		cJSON_AddNumberToObject(j, "method_id", r.method_id);
		cJSON_AddNumberToObject(j, "compressed_size",
		    (double)r.compressed);
		cJSON_AddNumberToObject(j, "size", (double)r.size);
		snprintf(crc, sizeof crc, "%08x", (unsigned)r.crc);
		cJSON_AddStringToObject(j, "crc32", crc);
		cli_json_print(j);
	} else {
		fputs("member           ", stdout);
		cli_put(stdout, path);
		printf("\nstart            %" PRIu64 "\nend              %" PRIu64
		    "  (exclusive)\nlength           %" PRIu64
		    "\nmethod           %s (%u)\ncompressed_size  %" PRIu64
		    "\nsize             %" PRIu64 "\ncrc32            %08x\n"
		    "header           %" PRIu64 "\n", r.start, r.end,
		    r.end - r.start, r.method, (unsigned)r.method_id,
		    r.compressed, r.size, (unsigned)r.crc, r.header);
		if (r.end > r.start)
			printf("http_range       bytes=%" PRIu64 "-%" PRIu64
			    "\n", r.start, r.end - 1);
	}
	free(path);
	cmd_zip_done(&z);
	return status;
}

/* All of buf to fd 1: big writes, not stdio's pipe-sized ones. */
static int
cmd_zip_write(const char *buf, size_t n)
{
	ssize_t	 w;

	while (n > 0) {
		w = write(STDOUT_FILENO, buf, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		buf += w;
		n -= (size_t)w;
	}
	return 0;
}

static int
cmd_zip_cat(struct cli *c, int argc, char **argv)
{
	struct cmd_zip	 z;
	struct ferry_reader *r = NULL;
	struct ferry_error err;
	enum ferry_code	 result;
	char		*path, *buf;
	size_t		 got;

	if (argc != 2)
		return cli_usage(c, "cat: give LOCATION and one MEMBER");
	if (cmd_zip_open(c, argv[0], &z) != FERRY_OK)
		return CLI_FAILED;
	path = cmd_zip_path(&z, argv[1]);
	buf = xmalloc(CMD_ZIP_CHUNK);
	fflush(stdout);
	/* Showing bytes writes no file: unsafe names and links are fine. */
	result = backend_zip_read(z.zb, path, 0, UINT64_MAX,
	    BACKEND_ZIP_UNSAFE | BACKEND_ZIP_LINK, &r, &err);
	while (result == FERRY_OK) {
		result = ferry_reader_read(r, buf, CMD_ZIP_CHUNK, &got, &err);
		if (result != FERRY_OK || got == 0)
			break;
		if (cmd_zip_write(buf, got) != 0) {
			result = ferry_error_errno(&err, errno, "stdout");
			break;
		}
	}
	if (result != FERRY_OK)
		cli_error(NULL, &err);
	ferry_reader_close(r);
	free(buf);
	free(path);
	cmd_zip_done(&z);
	return result == FERRY_OK ? CLI_OK : CLI_FAILED;
}

/* State of one `zip get`. */
struct cmd_zip_get {
	struct cmd_zip	*z;
	struct cli_loc	*dl;
	const struct cmd_zip_opts *o;
	const char	*src;		/* member path being extracted */
	const char	*dst;		/* its target path on dl */
	uint64_t	 items, bytes, failed;
};

/* Every component of rel must be a valid name (defence in depth). */
static enum ferry_code
cmd_zip_rel_check(const char *rel, struct ferry_error *err)
{
	const char	*p = rel;
	size_t		 n;

	while (*p != '\0') {
		n = strcspn(p, "/");
		if (ferry_name_check(p, n, err) != FERRY_OK)
			return err->code;
		p += n;
		if (*p == '/')
			p++;
	}
	return FERRY_OK;
}

/* Extract one item (member src) to dst: atomic, CRC checked. */
static enum ferry_code
cmd_zip_item(struct cmd_zip_get *g, const char *src,
    const struct ferry_entry *e, const char *dst)
{
	struct ferry_reader *r = NULL;
	struct ferry_write_opts wo;
	struct ferry_error err;
	enum ferry_code	 result;
	char		*from, *to;

	from = xasprintf("%s%s", g->z->where, src);
	to = cli_loc_format(g->dl, dst);
	memset(&wo, 0, sizeof wo);
	wo.size_hint = e->size;
	wo.size_known = true;
	wo.mtime = e->modified;
	wo.exists = g->o->force ? FERRY_EXISTS_OVERWRITE : FERRY_EXISTS_FAIL;
	/* open_read refuses unsafe names and links: nothing is written. */
	result = ferry_backend_open_read(g->z->zb, src, 0, UINT64_MAX, &r,
	    &err);
	if (result == FERRY_OK)
		result = ferry_backend_write(g->dl->b, dst, r, &wo, NULL, NULL,
		    &err);
	ferry_reader_close(r);
	if (result != FERRY_OK) {
		/* The zip backend's messages name the archive and member. */
		cli_error(NULL, &err);
		g->failed++;
	} else {
		g->items++;
		g->bytes += e->size;
		if (g->o->verbose) {
			cli_put(stdout, from);
			fputs(" -> ", stdout);
			cli_put(stdout, to);
			fputc('\n', stdout);
		}
	}
	free(from);
	free(to);
	return result;
}

/* A folder's subtree (find callback): mkdir folders, extract items. */
static enum ferry_code
cmd_zip_get_found(const char *rel, const struct ferry_entry *e, void *ud)
{
	struct cmd_zip_get *g = ud;
	struct ferry_mkdir_opts mo;
	struct ferry_error err;
	char		*src, *dst;

	if (cmd_zip_rel_check(rel, &err) != FERRY_OK) {
		cli_error(g->src, &err);
		g->failed++;
		return FERRY_OK;
	}
	src = ferry_path_join(g->src, rel);
	dst = ferry_path_join(g->dst, rel);
	if (e->kind == FERRY_KIND_FOLDER) {
		memset(&mo, 0, sizeof mo);
		mo.exist_ok = true;
		if (ferry_backend_mkdir(g->dl->b, dst, &mo, NULL, NULL, &err) !=
		    FERRY_OK) {
			cli_error(NULL, &err);
			g->failed++;
		}
	} else
		(void)cmd_zip_item(g, src, e, dst);
	free(src);
	free(dst);
	return FERRY_OK;
}

/* Extract member src (item or folder) to dst. */
static void
cmd_zip_get_one(struct cmd_zip_get *g, const char *src, const char *dst)
{
	struct ferry_entry e;
	struct ferry_arena a = FERRY_ARENA_INIT;
	struct ferry_mkdir_opts mo;
	struct ferry_find f;
	struct ferry_error err;
	enum ferry_code	 result;

	result = ferry_backend_stat(g->z->zb, src, &e, &a, &err);
	if (result == FERRY_OK && e.kind == FERRY_KIND_FOLDER) {
		memset(&mo, 0, sizeof mo);
		mo.exist_ok = true;
		result = ferry_backend_mkdir(g->dl->b, dst, &mo, NULL, NULL,
		    &err);
		if (result == FERRY_OK) {
			ferry_find_init(&f);
			g->src = src;
			g->dst = dst;
			result = ferry_backend_find(g->z->zb, src, &f,
			    cmd_zip_get_found, g, &err);
		}
	} else if (result == FERRY_OK) {
		(void)cmd_zip_item(g, src, &e, dst);
		result = FERRY_OK;	/* reported */
	}
	if (result != FERRY_OK) {
		cli_error(NULL, &err);
		g->failed++;
	}
	ferry_arena_done(&a);
}

/*
 * cp's destination rules: into an existing folder under the member's
 * name; else (one member) as dst itself, whose parent must exist.
 */
static int
cmd_zip_get(struct cli *c, struct cmd_zip_opts *o, int argc, char **argv)
{
	struct cmd_zip	 z;
	struct cli_loc	 dl;
	struct cmd_zip_get g;
	struct ferry_entry e;
	struct ferry_arena a = FERRY_ARENA_INIT;
	struct ferry_error err;
	enum ferry_code	 result;
	char		*src, *dst;
	bool		 into;
	int		 i, n, status = CLI_OK;

	if (argc < 3)
		return cli_usage(c, "get: give LOCATION, MEMBER... and DEST");
	if (cmd_zip_open(c, argv[0], &z) != FERRY_OK)
		return CLI_FAILED;
	if (cli_open(c, argv[argc - 1], 0, &dl) != FERRY_OK) {
		cmd_zip_done(&z);
		return CLI_FAILED;
	}
	n = argc - 2;
	result = ferry_backend_stat(dl.b, dl.path, &e, &a, &err);
	into = result == FERRY_OK && e.kind == FERRY_KIND_FOLDER;
	if (!into && (n > 1 || result != FERRY_E_NOT_FOUND)) {
		if (result == FERRY_OK)
			cli_errorf(dl.where, "exists and is not a folder (use "
			    "a folder to extract into)");
		else if (result != FERRY_E_NOT_FOUND)
			cli_error(dl.where, &err);
		else
			cli_errorf(dl.where, "no such folder to extract %d "
			    "members into", n);
		status = CLI_FAILED;
		goto out;
	}
	memset(&g, 0, sizeof g);
	g.z = &z;
	g.dl = &dl;
	g.o = o;
	for (i = 0; i < n; i++) {
		src = cmd_zip_path(&z, argv[i + 1]);
		if (strcmp(src, "/") == 0 && into)
			dst = ferry_path_join(dl.path, ferry_path_base(
			    z.archive));	/* the whole archive: a folder */
		else
			dst = into ? ferry_path_join(dl.path,
			    ferry_path_base(src)) : xstrdup(dl.path);
		cmd_zip_get_one(&g, src, dst);
		free(src);
		free(dst);
	}
	if (g.failed > 0)
		status = CLI_FAILED;
	if (o->verbose)
		printf("%" PRIu64 " items, %" PRIu64 " bytes extracted, %"
		    PRIu64 " failed\n", g.items, g.bytes, g.failed);
out:
	ferry_arena_done(&a);
	cli_loc_done(&dl);
	cmd_zip_done(&z);
	return status;
}

static int
cmd_zip_exec(struct cli *c, int argc, char **argv)
{
	struct cmd_zip_opts o;
	const char	*action;
	int		 status;

	if (argc < 2 || argv[1][0] == '-') {
		if (argc >= 2 && strcmp(argv[1], "--help") == 0) {
			cli_help(c->cmd, stdout);
			return CLI_OK;
		}
		return cli_usage(c, "give an action: ls, info, range, cat or "
		    "get");
	}
	action = argv[1];
	if ((status = cmd_zip_options(c, argc - 1, argv + 1, &o)) != CLI_OK)
		return status < 0 ? CLI_OK : status;
	argc -= optind + 1;
	argv += optind + 1;
	if (strcmp(action, "ls") == 0)
		return cmd_zip_ls(c, &o, argc, argv);
	if (strcmp(action, "info") == 0)
		return cmd_zip_info(c, &o, argc, argv);
	if (strcmp(action, "range") == 0)
		return cmd_zip_range(c, &o, argc, argv);
	if (strcmp(action, "cat") == 0)
		return cmd_zip_cat(c, argc, argv);
	if (strcmp(action, "get") == 0)
		return cmd_zip_get(c, &o, argc, argv);
	return cli_usage(c, "unknown action '%s' (use ls, info, range, cat "
	    "or get)", action);
}

const struct cli_cmd cli_cmd_zip = {
	"zip", "ACTION [OPTIONS] LOCATION [ARGS...]",
	"Look inside ZIP archives on any location without downloading them.",
	"Actions:\n"
	"  ls LOCATION [PATH]     the members in PATH (default: the root) as\n"
	"                         a folder tree: type (d folder, - item,\n"
	"                         l link), size, compressed size, method,\n"
	"                         date, CRC-32, name\n"
	"  info LOCATION          member count, sizes, the central directory\n"
	"                         and the bytes and requests it took to list\n"
	"  range LOCATION MEMBER  the member's data byte range in the archive\n"
	"                         (start, end exclusive, length), method,\n"
	"                         sizes and CRC-32\n"
	"  cat LOCATION MEMBER    the member's content on stdout (inflated,\n"
	"                         CRC checked)\n"
	"  get LOCATION MEMBER... DEST\n"
	"                         extract members (folders recursively) to\n"
	"                         DEST with cp's rules, CRC checked\n"
	"\n"
	"Options:\n"
	"  -r, --recursive        ls: the whole subtree, with paths\n"
	"  -j, --json             ls, info, range: JSON output\n"
	"  -f, --force            get: overwrite existing items\n"
	"  -v, --verbose          get: print each member extracted\n"
	"\n"
	"LOCATION is the archive, or a path leading into it\n"
	"(store:/runs/out.zip/logs).  Listing reads only the archive's end\n"
	"and its central directory; a member's bytes are read only by cat and\n"
	"get.  Members whose names are unsafe (.., absolute, backslashes,\n"
	"control characters) are listed under a safe name and never\n"
	"extracted; symbolic links are listed and never created.\n"
	"\n"
	"Examples:\n"
	"  ferry zip ls store:/runs/out.zip logs\n"
	"  ferry zip range ./out.zip logs/run.log\n"
	"  ferry zip cat store:/runs/out.zip logs/run.log | less\n"
	"  ferry zip get store:/runs/out.zip logs ~/restore/\n",
	cmd_zip_exec,
};
