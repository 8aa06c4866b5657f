/* SPDX-License-Identifier: MIT */
/*
 * `ferry mkdir` and `ferry rm`: create folders (with description,
 * metadata and tags where the location keeps them) and remove entries.
 *
 * Both try every operand and report each failure; rm refuses a backend's
 * root, and a non-empty folder unless -r.
 *
 * Main thread.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "ferry/backend.h"
#include "ferry/entry.h"

#include "cli/cli.h"
#include "core/util.h"

struct cmd_mkdir {
	struct ferry_mkdir_opts o;
	char		*meta;		/* owned */
	char		*tags;		/* owned */
};

/* Refuse attributes the location kind cannot keep. */
static bool
cmd_mkdir_supported(const struct cli_loc *l, const struct ferry_mkdir_opts *o)
{
	const char	*what = NULL;

	if (o->description != NULL &&
	    !ferry_backend_has(l->b, FERRY_CAP_DESCRIPTION))
		what = "descriptions";
	else if (o->metadata != NULL &&
	    !ferry_backend_has(l->b, FERRY_CAP_METADATA))
		what = "metadata";
	else if (o->tags != NULL && !ferry_backend_has(l->b, FERRY_CAP_TAGS))
		what = "tags";
	if (what == NULL)
		return true;
	cli_errorf(l->where, "this location (%s) cannot keep %s",
	    l->b->ops->name, what);
	return false;
}

static int
cmd_mkdir_one(struct cli *c, const char *text, const struct cmd_mkdir *m)
{
	struct cli_loc	 l;
	struct ferry_error err;
	int		 status = CLI_FAILED;

	if (cli_open(c, text, 0, &l) != FERRY_OK)
		return CLI_FAILED;
	if (!cmd_mkdir_supported(&l, &m->o))
		goto out;
	if (ferry_backend_mkdir(l.b, l.path, &m->o, NULL, NULL, &err) !=
	    FERRY_OK) {
		cli_error(l.where, &err);
		goto out;
	}
	status = CLI_OK;
out:
	cli_loc_done(&l);
	return status;
}

static const struct option cmd_mkdir_longopts[] = {
	{ "parents", no_argument, NULL, 'p' },
	{ "description", required_argument, NULL, 'd' },
	{ "meta", required_argument, NULL, 'm' },
	{ "tag", required_argument, NULL, 't' },
	{ "help", no_argument, NULL, CLI_OPT_HELP },
	{ NULL, 0, NULL, 0 }
};

static int
cmd_mkdir_exec(struct cli *c, int argc, char **argv)
{
	struct cmd_mkdir m;
	cJSON		*tags;
	int		 opt, i, status = CLI_OK;

	memset(&m, 0, sizeof m);
	tags = cJSON_CreateArray();
	while ((opt = getopt_long(argc, argv, ":pd:m:t:", cmd_mkdir_longopts,
	    NULL)) != -1) {
		switch (opt) {
		case 'p':
			m.o.parents = true;
			m.o.exist_ok = true;
			break;
		case 'd':
			m.o.description = optarg;
			break;
		case 'm':
			free(m.meta);
			if (cli_parse_meta(c, "--meta", optarg, &m.meta) != 0) {
				status = CLI_USAGE;
				goto out;
			}
			break;
		case 't':
			if (cli_tags_add(c, tags, optarg) != 0) {
				status = CLI_USAGE;
				goto out;
			}
			break;
		case CLI_OPT_HELP:
			cli_help(c->cmd, stdout);
			goto out;
		default:
			status = cli_bad_option(c, argv, opt);
			goto out;
		}
	}
	if (optind == argc) {
		status = cli_usage(c, "which folder to create?");
		goto out;
	}
	m.o.metadata = m.meta;
	if (cJSON_GetArraySize(tags) > 0) {
		m.tags = cJSON_PrintUnformatted(tags);
		m.o.tags = m.tags;
	}
	for (i = optind; i < argc; i++) {
		if (cmd_mkdir_one(c, argv[i], &m) != CLI_OK)
			status = CLI_FAILED;
	}
out:
	cJSON_Delete(tags);
	free(m.meta);
	free(m.tags);
	return status;
}

const struct cli_cmd cli_cmd_mkdir = {
	"mkdir", "[-p] [--description TEXT] [--meta JSON] [--tag TAG]... LOC...",
	"Create folders.",
	"Options:\n"
	"  -p, --parents           create missing parents too; an existing\n"
	"                          folder is not an error\n"
	"      --description TEXT  the folder's description (store)\n"
	"      --meta JSON         client metadata, a JSON object (store)\n"
	"      --tag TAG           a tag (repeatable) (store)\n"
	"\n"
	"Examples:\n"
	"  ferry mkdir -p store:/projects/2024/scans\n"
	"  ferry mkdir --description 'CT series' --meta '{\"patient\": 7}' \\\n"
	"      --tag ct --tag raw store:/scans\n",
	cmd_mkdir_exec,
};

/* -------- rm -------- */

static int
cmd_rm_one(struct cli *c, const char *text, uint32_t flags, bool force)
{
	struct cli_loc	 l;
	struct ferry_error err;
	enum ferry_code	 result;
	int		 status = CLI_OK;

	if (cli_open(c, text, 0, &l) != FERRY_OK)
		return CLI_FAILED;
	if (strcmp(l.path, "/") == 0) {
		cli_errorf(l.where, "refusing to remove the root folder");
		status = CLI_FAILED;
		goto out;
	}
	result = ferry_backend_remove(l.b, l.path, flags, &err);
	if (result == FERRY_E_NOT_FOUND && force)
		goto out;
	if (result != FERRY_OK) {
		if (result == FERRY_E_NOT_EMPTY)
			snprintf(err.msg + strlen(err.msg),
			    sizeof err.msg - strlen(err.msg),
			    " (ferry rm -r)");
		cli_error(l.where, &err);
		status = CLI_FAILED;
	}
out:
	cli_loc_done(&l);
	return status;
}

static const struct option cmd_rm_longopts[] = {
	{ "recursive", no_argument, NULL, 'r' },
	{ "force", no_argument, NULL, 'f' },
	{ "help", no_argument, NULL, CLI_OPT_HELP },
	{ NULL, 0, NULL, 0 }
};

static int
cmd_rm_exec(struct cli *c, int argc, char **argv)
{
	uint32_t	 flags = 0;
	bool		 force = false;
	int		 opt, i, status = CLI_OK;

	while ((opt = getopt_long(argc, argv, ":rRf", cmd_rm_longopts,
	    NULL)) != -1) {
		switch (opt) {
		case 'r':
		case 'R':
			flags |= FERRY_REMOVE_RECURSIVE;
			break;
		case 'f':
			force = true;
			break;
		case CLI_OPT_HELP:
			cli_help(c->cmd, stdout);
			return CLI_OK;
		default:
			return cli_bad_option(c, argv, opt);
		}
	}
	if (optind == argc)
		return cli_usage(c, "what to remove?");
	for (i = optind; i < argc; i++) {
		if (cmd_rm_one(c, argv[i], flags, force) != CLI_OK)
			status = CLI_FAILED;
	}
	return status;
}

const struct cli_cmd cli_cmd_rm = {
	"rm", "[-r] [-f] LOC...",
	"Remove items and folders.",
	"Options:\n"
	"  -r, --recursive  remove folders and everything in them\n"
	"                   (without it, only empty folders)\n"
	"  -f, --force      a missing LOC is not an error\n"
	"\n"
	"The root folder of a location is never removed.\n"
	"\n"
	"Examples:\n"
	"  ferry rm store:/old.txt\n"
	"  ferry rm -r store:/scratch\n",
	cmd_rm_exec,
};
