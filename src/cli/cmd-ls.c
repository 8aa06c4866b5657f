/* SPDX-License-Identifier: MIT */
/*
 * `ferry ls` and `ferry tree`: listings of folders on any backend.
 *
 * ls walks every page of a folder with keyset cursors (so it never holds
 * more than one page) and stops at --limit entries; tree keeps one
 * folder's children per level in memory to know which child is the last.
 * Local dotfiles are hidden unless -a.  Every name printed is escaped.
 *
 * Main thread.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "ferry/backend.h"
#include "ferry/entry.h"
#include "ferry/location.h"

#include "cli/cli.h"
#include "core/util.h"

struct cmd_ls_opts {
	bool		 llong;
	bool		 all;
	bool		 human;
	bool		 json;
	uint64_t	 limit;		/* 0: no limit */
	struct ferry_query q;
};

/* True when e is a local dotfile that -a would show. */
static bool
cmd_ls_hidden(const struct cli_loc *l, const struct ferry_entry *e,
    bool all)
{
	return !all && e->name[0] == '.' &&
	    ferry_backend_has(l->b, FERRY_CAP_LOCAL_FILES);
}

/* Print one entry (text or JSON); path is its backend path. */
static void
cmd_ls_emit(const struct cmd_ls_opts *o, const struct cli_loc *l,
    const struct ferry_entry *e, const char *path, cJSON *arr)
{
	char	*where, *cls, size[32], date[32], mark;

	if (o->json) {
		where = cli_loc_format(l, path);
		cJSON_AddItemToArray(arr, cli_json_entry(e, where));
		free(where);
		return;
	}
	if (!o->llong) {
		cli_put(stdout, e->name);
		fputs(e->kind == FERRY_KIND_FOLDER ? "/\n" : "\n", stdout);
		return;
	}
	if (e->kind == FERRY_KIND_FOLDER)
		mark = 'd';
	else if (e->flags & FERRY_ENTRY_SYMLINK)
		mark = 'l';
	else if (e->flags & FERRY_ENTRY_SPECIAL)
		mark = 's';
	else
		mark = '-';
	if (e->kind == FERRY_KIND_FOLDER ||
	    (e->flags & (FERRY_ENTRY_NO_SIZE | FERRY_ENTRY_NO_STAT)))
		snprintf(size, sizeof size, "-");
	else if (o->human)
		cli_size_short(size, sizeof size, e->size);
	else
		snprintf(size, sizeof size, "%" PRIu64, e->size);
	cli_time_local(date, sizeof date, cli_entry_time(e));
	cls = cli_escape(cli_entry_class(e));
	printf("%c %12s  %-16s  %-24s  ", mark, size, date, cls);
	free(cls);
	cli_put(stdout, e->name);
	if (e->kind == FERRY_KIND_FOLDER)
		fputc('/', stdout);
	if (e->link_target != NULL) {
		fputs(" -> ", stdout);
		cli_put(stdout, e->link_target);
	}
	fputc('\n', stdout);
}

/* List one folder, every page, up to o->limit entries. */
static enum ferry_code
cmd_ls_folder(const struct cmd_ls_opts *o, const struct cli_loc *l,
    cJSON *arr)
{
	struct ferry_query q = o->q;
	struct ferry_page page;
	struct ferry_error err;
	enum ferry_code	 result;
	uint64_t	 shown = 0;
	char		*cursor = NULL, *path;
	size_t		 i;

	if (o->limit != 0 && o->limit < FERRY_PAGE_MAX)
		q.limit = (uint32_t)o->limit;
	do {
		q.cursor = cursor;
		ferry_page_init(&page);
		result = ferry_backend_list(l->b, l->path, &q, &page, &err);
		free(cursor);
		cursor = NULL;
		if (result != FERRY_OK) {
			cli_error(l->where, &err);
			ferry_page_done(&page);
			return result;
		}
		for (i = 0; i < page.n; i++) {
			if (o->limit != 0 && shown == o->limit)
				break;
			if (cmd_ls_hidden(l, &page.v[i], o->all))
				continue;
			path = ferry_path_join(l->path, page.v[i].name);
			cmd_ls_emit(o, l, &page.v[i], path, arr);
			free(path);
			shown++;
		}
		if (page.next_cursor != NULL &&
		    (o->limit == 0 || shown < o->limit))
			cursor = xstrdup(page.next_cursor);
		ferry_page_done(&page);
	} while (cursor != NULL);
	return FERRY_OK;
}

/* ls of one operand: a folder's children, or the item itself. */
static enum ferry_code
cmd_ls_one(const struct cmd_ls_opts *o, const struct cli_loc *l,
    bool header, cJSON *arr)
{
	struct ferry_entry e;
	struct ferry_arena a;
	struct ferry_error err;
	enum ferry_code	 result;

	ferry_arena_init(&a);
	result = ferry_backend_stat(l->b, l->path, &e, &a, &err);
	if (result != FERRY_OK) {
		cli_error(l->where, &err);
		goto out;
	}
	if (e.kind != FERRY_KIND_FOLDER) {
		if (ferry_query_match(&o->q, &e))
			cmd_ls_emit(o, l, &e, l->path, arr);
		goto out;
	}
	if (header) {
		cli_put(stdout, l->text);
		fputs(":\n", stdout);
	}
	result = cmd_ls_folder(o, l, arr);
out:
	ferry_arena_done(&a);
	return result;
}

static const struct option cmd_ls_longopts[] = {
	{ "long", no_argument, NULL, 'l' },
	{ "all", no_argument, NULL, 'a' },
	{ "human", no_argument, NULL, 'h' },
	{ "json", no_argument, NULL, 'j' },
	{ "sort", required_argument, NULL, 's' },
	{ "reverse", no_argument, NULL, 'r' },
	{ "limit", required_argument, NULL, 'n' },
	{ "search", required_argument, NULL, 'S' },
	{ "type", required_argument, NULL, 't' },
	{ "help", no_argument, NULL, CLI_OPT_HELP },
	{ NULL, 0, NULL, 0 }
};

static int
cmd_ls_exec(struct cli *c, int argc, char **argv)
{
	struct cmd_ls_opts o;
	struct cli_loc	 l;
	cJSON		*arr = NULL;
	const char	*def[] = { "store:/" };
	const char	*const *locs;
	int		 opt, nlocs, i, status = CLI_OK;

	memset(&o, 0, sizeof o);
	ferry_query_init(&o.q);
	while ((opt = getopt_long(argc, argv, ":lahjs:rn:S:t:",
	    cmd_ls_longopts, NULL)) != -1) {
		switch (opt) {
		case 'l': o.llong = true; break;
		case 'a': o.all = true; break;
		case 'h': o.human = true; break;
		case 'j': o.json = true; break;
		case 'r': o.q.desc = true; break;
		case 'S': o.q.search = optarg; break;
		case 's':
			if (cli_parse_order(c, optarg, &o.q.order) != 0)
				return CLI_USAGE;
			break;
		case 'n':
			if (cli_parse_uint(c, "--limit", optarg, false,
			    &o.limit) != 0)
				return CLI_USAGE;
			break;
		case 't':
			if (cli_parse_types(c, "--type", optarg,
			    &o.q.filter) != 0)
				return CLI_USAGE;
			break;
		case CLI_OPT_HELP:
			cli_help(c->cmd, stdout);
			return CLI_OK;
		default:
			return cli_bad_option(c, argv, opt);
		}
	}
	nlocs = argc - optind;
	locs = nlocs > 0 ? (const char *const *)argv + optind : def;
	if (nlocs == 0)
		nlocs = 1;
	if (o.json)
		arr = cJSON_CreateArray();
	for (i = 0; i < nlocs; i++) {
		if (i > 0 && !o.json)
			fputc('\n', stdout);
		if (cli_open(c, locs[i], 0, &l) != FERRY_OK) {
			status = CLI_FAILED;
			continue;
		}
		if (cmd_ls_one(&o, &l, nlocs > 1 && !o.json, arr) != FERRY_OK)
			status = CLI_FAILED;
		cli_loc_done(&l);
	}
	if (arr != NULL)
		cli_json_print(arr);
	return status;
}

const struct cli_cmd cli_cmd_ls = {
	"ls", "[OPTIONS] [LOC...]",
	"List the folders and items in each LOC (default store:/).",
	"Options:\n"
	"  -l, --long         long format: type (d folder, - item, l link),\n"
	"                     size, date, MIME type or class, name\n"
	"  -h, --human        sizes like 1.5K, 12M in the long format\n"
	"  -a, --all          show local dotfiles too\n"
	"      --json         one JSON array of entry objects (every field)\n"
	"      --sort KEY     name, size, created or type (default name);\n"
	"                     folders always come first\n"
	"  -r, --reverse      descending order\n"
	"      --limit N      show at most N entries\n"
	"      --search TEXT  only names containing TEXT (any case)\n"
	"      --type T,...   only these: folder, item, image, video, audio,\n"
	"                     dicom, archive, text, document, other\n"
	"                     (repeatable, or a comma list)\n"
	"\n"
	"Plain output is one name per line, folders ending in '/'; names are\n"
	"escaped (\\n, \\xHH, \\\\) so that every line is one entry.\n"
	"\n"
	"Examples:\n"
	"  ferry ls -l store:/photos\n"
	"  ferry ls --sort size --reverse --limit 10 store:/\n"
	"  ferry ls --type image,video --json store:/photos\n",
	cmd_ls_exec,
};

/* -------- tree -------- */

struct cmd_tree {
	const struct cli_loc *l;
	uint64_t	 max_depth;	/* 0: unlimited */
	bool		 all;
	bool		 json;
	uint64_t	 folders;
	uint64_t	 items;
	char		 prefix[4096];
};

/* All the children of path, every page, into *out. */
static enum ferry_code
cmd_tree_list(struct cmd_tree *t, const char *path,
    struct ferry_entry_list *out)
{
	struct ferry_query q;
	struct ferry_page page;
	struct ferry_error err;
	enum ferry_code	 result;
	char		*cursor = NULL, *where;
	size_t		 i;

	ferry_query_init(&q);
	do {
		q.cursor = cursor;
		ferry_page_init(&page);
		result = ferry_backend_list(t->l->b, path, &q, &page, &err);
		free(cursor);
		cursor = NULL;
		if (result != FERRY_OK) {
			where = cli_loc_format(t->l, path);
			cli_error(where, &err);
			free(where);
			ferry_page_done(&page);
			return result;
		}
		for (i = 0; i < page.n; i++) {
			if (!cmd_ls_hidden(t->l, &page.v[i], t->all))
				ferry_entry_list_push(out, &page.v[i]);
		}
		if (page.next_cursor != NULL)
			cursor = xstrdup(page.next_cursor);
		ferry_page_done(&page);
	} while (cursor != NULL);
	return FERRY_OK;
}

/*
 * Print (or add to the JSON array `arr`) the subtree of folder path at
 * depth (1 for the children of the root operand).
 */
static enum ferry_code
cmd_tree_walk(struct cmd_tree *t, const char *path, uint64_t depth,
    cJSON *arr)
{
	struct ferry_entry_list kids;
	enum ferry_code	 result, worst = FERRY_OK;
	cJSON		*o, *sub;
	size_t		 i, plen;
	char		*child, *where;
	bool		 last, descend;

	ferry_entry_list_init(&kids);
	result = cmd_tree_list(t, path, &kids);
	if (result != FERRY_OK)
		goto out;
	plen = strlen(t->prefix);
	for (i = 0; i < kids.n; i++) {
		const struct ferry_entry *e = &kids.v[i];

		last = i + 1 == kids.n;
		if (e->kind == FERRY_KIND_FOLDER)
			t->folders++;
		else
			t->items++;
		child = ferry_path_join(path, e->name);
		descend = e->kind == FERRY_KIND_FOLDER &&
		    !(e->flags & FERRY_ENTRY_SYMLINK) &&
		    (t->max_depth == 0 || depth < t->max_depth);
		if (t->json) {
			where = cli_loc_format(t->l, child);
			o = cli_json_entry(e, where);
			free(where);
			cJSON_AddItemToArray(arr, o);
			if (descend) {
				sub = cJSON_AddArrayToObject(o, "children");
				if (cmd_tree_walk(t, child, depth + 1, sub) !=
				    FERRY_OK)
					worst = FERRY_E_IO;
			}
			free(child);
			continue;
		}
		printf("%s%s", t->prefix, last ? "└── " : "├── ");
		cli_put(stdout, e->name);
		fputs(e->kind == FERRY_KIND_FOLDER ? "/\n" : "\n", stdout);
		if (descend && plen + 8 < sizeof t->prefix) {
			strcat(t->prefix, last ? "    " : "│   ");
			if (cmd_tree_walk(t, child, depth + 1, NULL) !=
			    FERRY_OK)
				worst = FERRY_E_IO;
			t->prefix[plen] = '\0';
		}
		free(child);
	}
	result = worst;
out:
	ferry_entry_list_done(&kids);
	return result;
}

static const struct option cmd_tree_longopts[] = {
	{ "level", required_argument, NULL, 'L' },
	{ "all", no_argument, NULL, 'a' },
	{ "json", no_argument, NULL, 'j' },
	{ "help", no_argument, NULL, CLI_OPT_HELP },
	{ NULL, 0, NULL, 0 }
};

static int
cmd_tree_exec(struct cli *c, int argc, char **argv)
{
	struct cmd_tree	 t;
	struct cli_loc	 l;
	struct ferry_entry e;
	struct ferry_arena a;
	struct ferry_error err;
	cJSON		*root = NULL, *arr = NULL;
	const char	*text;
	int		 opt, status = CLI_OK;

	memset(&t, 0, sizeof t);
	while ((opt = getopt_long(argc, argv, ":L:aj", cmd_tree_longopts,
	    NULL)) != -1) {
		switch (opt) {
		case 'L':
			if (cli_parse_uint(c, "-L", optarg, false,
			    &t.max_depth) != 0)
				return CLI_USAGE;
			break;
		case 'a': t.all = true; break;
		case 'j': t.json = true; break;
		case CLI_OPT_HELP:
			cli_help(c->cmd, stdout);
			return CLI_OK;
		default:
			return cli_bad_option(c, argv, opt);
		}
	}
	if (argc - optind > 1)
		return cli_usage(c, "one location at a time");
	text = optind < argc ? argv[optind] : "store:/";
	if (cli_open(c, text, 0, &l) != FERRY_OK)
		return CLI_FAILED;
	t.l = &l;
	ferry_arena_init(&a);
	if (ferry_backend_stat(l.b, l.path, &e, &a, &err) != FERRY_OK) {
		cli_error(l.where, &err);
		status = CLI_FAILED;
		goto out;
	}
	if (t.json) {
		root = cli_json_entry(&e, text);
		if (e.kind == FERRY_KIND_FOLDER)
			arr = cJSON_AddArrayToObject(root, "children");
	} else {
		cli_put(stdout, text);
		fputc('\n', stdout);
	}
	if (e.kind == FERRY_KIND_FOLDER &&
	    cmd_tree_walk(&t, l.path, 1, arr) != FERRY_OK)
		status = CLI_FAILED;
	if (root != NULL)
		cli_json_print(root);
	else
		printf("\n%" PRIu64 " folder%s, %" PRIu64 " item%s\n",
		    t.folders, t.folders == 1 ? "" : "s", t.items,
		    t.items == 1 ? "" : "s");
out:
	ferry_arena_done(&a);
	cli_loc_done(&l);
	return status;
}

const struct cli_cmd cli_cmd_tree = {
	"tree", "[-L DEPTH] [-a] [--json] [LOC]",
	"Show the folders and items below LOC (default store:/) as a tree.",
	"Options:\n"
	"  -L, --level DEPTH  descend at most DEPTH levels\n"
	"  -a, --all          show local dotfiles too\n"
	"      --json         nested JSON: each folder has \"children\"\n"
	"\n"
	"Examples:\n"
	"  ferry tree store:/projects\n"
	"  ferry tree -L 2 --json ~/data\n",
	cmd_tree_exec,
};
