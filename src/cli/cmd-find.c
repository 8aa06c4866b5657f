/* SPDX-License-Identifier: MIT */
/*
 * `ferry find` (a recursive search by name glob, type, date, tag and
 * depth, done by the backend) and `ferry du` (the summary of a subtree:
 * bytes, items, folders, by type).
 *
 * find prints one full location per line ("store:/a/b.txt"), escaped; or
 * one JSON array of entry objects.
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

struct cmd_find {
	const struct cli_loc *l;
	cJSON		*arr;		/* --json, or NULL */
	uint64_t	 found;
};

static enum ferry_code
cmd_find_cb(const char *path, const struct ferry_entry *e, void *ud)
{
	struct cmd_find	*f = ud;
	char		*full, *where;

	full = ferry_path_join(f->l->path, path);
	where = cli_loc_format(f->l, full);
	if (f->arr != NULL)
		cJSON_AddItemToArray(f->arr, cli_json_entry(e, where));
	else {
		cli_put(stdout, where);
		fputs(e->kind == FERRY_KIND_FOLDER ? "/\n" : "\n", stdout);
	}
	free(where);
	free(full);
	f->found++;
	return FERRY_OK;
}

static const struct option cmd_find_longopts[] = {
	{ "name", required_argument, NULL, 'n' },
	{ "type", required_argument, NULL, 't' },
	{ "newer", required_argument, NULL, 'N' },
	{ "older", required_argument, NULL, 'O' },
	{ "tag", required_argument, NULL, 'T' },
	{ "maxdepth", required_argument, NULL, 'd' },
	{ "json", no_argument, NULL, 'j' },
	{ "help", no_argument, NULL, CLI_OPT_HELP },
	{ NULL, 0, NULL, 0 }
};

static int
cmd_find_parse(struct cli *c, int argc, char **argv, struct ferry_find *f,
    bool *json)
{
	uint64_t	 depth;
	int		 opt;

	while ((opt = getopt_long(argc, argv, ":n:t:d:j", cmd_find_longopts,
	    NULL)) != -1) {
		switch (opt) {
		case 'n': f->name = optarg; break;
		case 'T': f->tag = optarg; break;
		case 'j': *json = true; break;
		case 't':
			if (cli_parse_types(c, "--type", optarg,
			    &f->filter) != 0)
				return CLI_USAGE;
			break;
		case 'N':
			if (cli_parse_date(c, "--newer", optarg,
			    &f->newer) != 0)
				return CLI_USAGE;
			break;
		case 'O':
			if (cli_parse_date(c, "--older", optarg,
			    &f->older) != 0)
				return CLI_USAGE;
			break;
		case 'd':
			if (cli_parse_uint(c, "--maxdepth", optarg, false,
			    &depth) != 0)
				return CLI_USAGE;
			if (depth == 0 || depth > UINT32_MAX)
				return cli_usage(c, "--maxdepth: use 1 or "
				    "more (1: only the folder's children)");
			f->max_depth = (uint32_t)depth;
			break;
		case CLI_OPT_HELP:
			cli_help(c->cmd, stdout);
			return -1;
		default:
			return cli_bad_option(c, argv, opt);
		}
	}
	if (f->newer != 0 && f->older != 0 && f->newer >= f->older)
		return cli_usage(c, "--newer and --older leave no time in "
		    "between");
	return CLI_OK;
}

static int
cmd_find_exec(struct cli *c, int argc, char **argv)
{
	struct ferry_find f;
	struct cmd_find	 cf;
	struct cli_loc	 l;
	struct ferry_error err;
	const char	*def[] = { "store:/" };
	const char	*const *locs;
	bool		 json = false;
	int		 status, i, n;

	ferry_find_init(&f);
	status = cmd_find_parse(c, argc, argv, &f, &json);
	if (status != CLI_OK)
		return status < 0 ? CLI_OK : status;
	n = argc - optind;
	locs = n > 0 ? (const char *const *)argv + optind : def;
	if (n == 0)
		n = 1;
	memset(&cf, 0, sizeof cf);
	if (json)
		cf.arr = cJSON_CreateArray();
	for (i = 0; i < n; i++) {
		if (cli_open(c, locs[i], 0, &l) != FERRY_OK) {
			status = CLI_FAILED;
			continue;
		}
		cf.l = &l;
		if (ferry_backend_find(l.b, l.path, &f, cmd_find_cb, &cf,
		    &err) != FERRY_OK) {
			cli_error(l.where, &err);
			status = CLI_FAILED;
		}
		cli_loc_done(&l);
	}
	if (cf.arr != NULL)
		cli_json_print(cf.arr);
	return status;
}

const struct cli_cmd cli_cmd_find = {
	"find", "[OPTIONS] [LOC...]",
	"Search below each LOC (default store:/) for folders and items.",
	"Options (all must match):\n"
	"      --name GLOB     the name matches GLOB (*, ?, [...])\n"
	"      --type T,...    folder, item, image, video, audio, dicom,\n"
	"                      archive, text, document, other (repeatable)\n"
	"      --newer DATE    created/modified after DATE\n"
	"      --older DATE    created/modified before DATE\n"
	"      --tag TAG       folders with this tag\n"
	"      --maxdepth N    at most N levels down (1: the children)\n"
	"      --json          one JSON array of entry objects\n"
	"\n"
	"DATE is YYYY-MM-DD (local midnight), an ISO 8601 time\n"
	"(2024-05-01T12:00:00Z, 2024-05-01 12:00), @UNIXSECONDS, or an age:\n"
	"30s, 15m, 12h, 7d, 2w ago.\n"
	"\n"
	"Output is one location per line, folders ending in '/'.\n"
	"\n"
	"Examples:\n"
	"  ferry find --name '*.png' store:/\n"
	"  ferry find --type image,video --newer 7d store:/photos\n"
	"  ferry find --tag ct --type folder --json store:/\n",
	cmd_find_exec,
};

/* -------- du -------- */

static void
cmd_du_size(char *buf, size_t len, uint64_t n, bool human)
{
	if (human)
		cli_size_long(buf, len, n);
	else
		snprintf(buf, len, "%" PRIu64, n);
}

static void
cmd_du_text(const char *text, const struct ferry_summary *s, bool human)
{
	char	 size[32];
	size_t	 i;

	cli_put(stdout, text);
	fputc('\n', stdout);
	cmd_du_size(size, sizeof size, s->bytes, human);
	printf("  %-10s %s\n", "bytes", size);
	if (s->stored_bytes != 0) {
		cmd_du_size(size, sizeof size, s->stored_bytes, human);
		printf("  %-10s %s\n", "stored", size);
	}
	printf("  %-10s %" PRIu64 "\n", "items", s->items);
	printf("  %-10s %" PRIu64 "\n", "folders", s->folders);
	for (i = 0; i < FERRY_TYPE__COUNT; i++) {
		if (s->type_items[i] == 0)
			continue;
		cmd_du_size(size, sizeof size, s->type_bytes[i], human);
		printf("  %-10s %" PRIu64 " item%s, %s\n",
		    ferry_type_name((enum ferry_type)i), s->type_items[i],
		    s->type_items[i] == 1 ? "" : "s", size);
	}
}

static const struct option cmd_du_longopts[] = {
	{ "human", no_argument, NULL, 'h' },
	{ "json", no_argument, NULL, 'j' },
	{ "help", no_argument, NULL, CLI_OPT_HELP },
	{ NULL, 0, NULL, 0 }
};

static int
cmd_du_exec(struct cli *c, int argc, char **argv)
{
	struct ferry_summary s;
	struct ferry_error err;
	struct cli_loc	 l;
	cJSON		*arr = NULL, *o;
	const char	*def[] = { "store:/" };
	const char	*const *locs;
	bool		 human = false, json = false;
	int		 opt, i, n, status = CLI_OK;

	while ((opt = getopt_long(argc, argv, ":hj", cmd_du_longopts,
	    NULL)) != -1) {
		switch (opt) {
		case 'h': human = true; break;
		case 'j': json = true; break;
		case CLI_OPT_HELP:
			cli_help(c->cmd, stdout);
			return CLI_OK;
		default:
			return cli_bad_option(c, argv, opt);
		}
	}
	n = argc - optind;
	locs = n > 0 ? (const char *const *)argv + optind : def;
	if (n == 0)
		n = 1;
	if (json)
		arr = cJSON_CreateArray();
	for (i = 0; i < n; i++) {
		if (cli_open(c, locs[i], 0, &l) != FERRY_OK) {
			status = CLI_FAILED;
			continue;
		}
		memset(&s, 0, sizeof s);
		if (ferry_backend_summary(l.b, l.path, &s, &err) != FERRY_OK) {
			cli_error(l.where, &err);
			status = CLI_FAILED;
		} else if (json) {
			o = cli_json_summary(&s);
			cJSON_AddStringToObject(o, "location", locs[i]);
			cJSON_AddItemToArray(arr, o);
		} else
			cmd_du_text(locs[i], &s, human);
		cli_loc_done(&l);
	}
	if (arr != NULL && n == 1 && cJSON_GetArraySize(arr) == 1) {
		o = cJSON_DetachItemFromArray(arr, 0);
		cJSON_Delete(arr);
		arr = o;
	}
	if (arr != NULL)
		cli_json_print(arr);
	return status;
}

const struct cli_cmd cli_cmd_du = {
	"du", "[-h] [--json] [LOC...]",
	"Summarise the space used below each LOC (default store:/).",
	"Prints bytes (content), stored bytes (on disk, after sharing\n"
	"identical content; store only), items, folders, and items and bytes\n"
	"per type class.\n"
	"\n"
	"Options:\n"
	"  -h, --human  sizes like 1.5 MiB\n"
	"      --json   a JSON object (an array for several LOCs): bytes,\n"
	"               stored_bytes, items, folders, by_type, location\n"
	"\n"
	"Examples:\n"
	"  ferry du -h store:/photos\n"
	"  ferry du --json store:/\n",
	cmd_du_exec,
};
