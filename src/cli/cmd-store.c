/* SPDX-License-Identifier: MIT */
/*
 * Store administration: `ferry check` (verify rows against blobs and
 * leftovers; exit 1 when anything is wrong), `ferry gc` (remove blobs
 * nothing references and stale temp files) and `ferry limits` (show or
 * set the per-folder limits).  They work on the embedded store chosen by
 * --store, FERRY_STORE or the configuration, through src/store/store.h.
 *
 * Main thread.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "ferry/error.h"

#include "cli/cli.h"
#include "core/util.h"
#include "store/store.h"

/* Open the configured store; prints the error. */
static enum ferry_code
cmd_store_open(struct cli *c, struct store **out)
{
	struct ferry_error err;
	enum ferry_code	 result;

	*out = NULL;
	result = cli_config(c);
	if (result != FERRY_OK)
		return result;
	result = store_open(c->cfg.store_dir, out, &err);
	if (result != FERRY_OK)
		cli_error(c->cfg.store_dir, &err);
	return result;
}

static void
cmd_store_msgs(const struct store_report *r)
{
	size_t	 i;

	for (i = 0; i < r->nmsgs; i++) {
		cli_put(stdout, r->msgs[i]);
		fputc('\n', stdout);
	}
	if (r->msgs_dropped != 0)
		printf("... and %" PRIu64 " more\n", r->msgs_dropped);
}

static cJSON *
cmd_store_json(const char *dir, const struct store_report *r, bool gc)
{
	cJSON	*o, *m;
	size_t	 i;

	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "store", dir);
	cJSON_AddBoolToObject(o, "clean", store_report_clean(r));
	cJSON_AddNumberToObject(o, "missing_blobs", (double)r->missing_blobs);
	cJSON_AddNumberToObject(o, "bad_blobs", (double)r->bad_blobs);
	cJSON_AddNumberToObject(o, "orphan_rows", (double)r->orphan_rows);
	cJSON_AddNumberToObject(o, "unreferenced", (double)r->unreferenced);
	cJSON_AddNumberToObject(o, "tmp_files", (double)r->tmp_files);
	if (gc) {
		cJSON_AddNumberToObject(o, "removed_blobs",
		    (double)r->removed_blobs);
		cJSON_AddNumberToObject(o, "removed_tmp",
		    (double)r->removed_tmp);
		cJSON_AddNumberToObject(o, "freed_bytes",
		    (double)r->freed_bytes);
	}
	m = cJSON_AddArrayToObject(o, "messages");
	for (i = 0; i < r->nmsgs; i++)
		cJSON_AddItemToArray(m, cJSON_CreateString(r->msgs[i]));
	return o;
}

static const struct option cmd_store_longopts[] = {
	{ "json", no_argument, NULL, 'j' },
	{ "help", no_argument, NULL, CLI_OPT_HELP },
	{ NULL, 0, NULL, 0 }
};

/* Options of check and gc: --json only.  CLI_OK, usage, or -1. */
static int
cmd_store_parse(struct cli *c, int argc, char **argv, bool *json)
{
	int	opt;

	while ((opt = getopt_long(argc, argv, ":j", cmd_store_longopts,
	    NULL)) != -1) {
		switch (opt) {
		case 'j':
			*json = true;
			break;
		case CLI_OPT_HELP:
			cli_help(c->cmd, stdout);
			return -1;
		default:
			return cli_bad_option(c, argv, opt);
		}
	}
	if (optind != argc)
		return cli_usage(c, "unexpected argument '%s' (use --store "
		    "DIR before the command to choose a store)", argv[optind]);
	return CLI_OK;
}

static int
cmd_check_exec(struct cli *c, int argc, char **argv)
{
	struct store	*s;
	struct store_report r;
	struct ferry_error err;
	bool		 json = false;
	int		 status;

	status = cmd_store_parse(c, argc, argv, &json);
	if (status != CLI_OK)
		return status < 0 ? CLI_OK : status;
	if (cmd_store_open(c, &s) != FERRY_OK)
		return CLI_FAILED;
	store_report_init(&r);
	if (store_check(s, &r, &err) != FERRY_OK) {
		cli_error(c->cfg.store_dir, &err);
		status = CLI_FAILED;
		goto out;
	}
	status = store_report_clean(&r) ? CLI_OK : CLI_FAILED;
	if (json) {
		cli_json_print(cmd_store_json(c->cfg.store_dir, &r, false));
		goto out;
	}
	cmd_store_msgs(&r);
	fputs("store ", stdout);
	cli_put(stdout, c->cfg.store_dir);
	if (status == CLI_OK)
		fputs(": consistent\n", stdout);
	else
		printf(": NOT consistent: %" PRIu64 " missing blobs, %" PRIu64
		    " bad blobs, %" PRIu64 " orphan rows, %" PRIu64
		    " unreferenced blobs, %" PRIu64 " temp files\n",
		    r.missing_blobs, r.bad_blobs, r.orphan_rows,
		    r.unreferenced, r.tmp_files);
	if (status != CLI_OK && r.missing_blobs + r.bad_blobs +
	    r.orphan_rows == 0)
		fputs("'ferry gc' removes unreferenced blobs and stale temp "
		    "files\n", stdout);
out:
	store_report_done(&r);
	store_close(s);
	return status;
}

const struct cli_cmd cli_cmd_check = {
	"check", "[--json]",
	"Verify the embedded store; exit 1 and list the problems if any.",
	"Checks every item row against its blob file (present, right size),\n"
	"every row against its parent folder, every blob file against the\n"
	"rows, and looks for leftover temp files.\n"
	"\n"
	"Options:\n"
	"      --json   the counts and messages as a JSON object\n"
	"\n"
	"Examples:\n"
	"  ferry check\n"
	"  ferry --store /srv/ferry check --json\n",
	cmd_check_exec,
};

static int
cmd_gc_exec(struct cli *c, int argc, char **argv)
{
	struct store	*s;
	struct store_report r;
	struct ferry_error err;
	char		 size[32];
	bool		 json = false;
	int		 status;

	status = cmd_store_parse(c, argc, argv, &json);
	if (status != CLI_OK)
		return status < 0 ? CLI_OK : status;
	if (cmd_store_open(c, &s) != FERRY_OK)
		return CLI_FAILED;
	store_report_init(&r);
	if (store_gc(s, &r, &err) != FERRY_OK) {
		cli_error(c->cfg.store_dir, &err);
		status = CLI_FAILED;
		goto out;
	}
	if (json) {
		cli_json_print(cmd_store_json(c->cfg.store_dir, &r, true));
		goto out;
	}
	cmd_store_msgs(&r);
	cli_size_long(size, sizeof size, r.freed_bytes);
	printf("removed %" PRIu64 " unreferenced blob%s and %" PRIu64
	    " temp file%s, freed %s\n", r.removed_blobs,
	    r.removed_blobs == 1 ? "" : "s", r.removed_tmp,
	    r.removed_tmp == 1 ? "" : "s", size);
	if (r.missing_blobs + r.bad_blobs + r.orphan_rows != 0)
		printf("not fixed: %" PRIu64 " missing blobs, %" PRIu64
		    " bad blobs, %" PRIu64 " orphan rows (see ferry check)\n",
		    r.missing_blobs, r.bad_blobs, r.orphan_rows);
out:
	store_report_done(&r);
	store_close(s);
	return status;
}

const struct cli_cmd cli_cmd_gc = {
	"gc", "[--json]",
	"Remove unreferenced blobs and stale temp files from the store.",
	"Blobs are removed only when no item refers to them (checked under\n"
	"the store's write lock, so a running ferry or ferryd is safe); temp\n"
	"files only when the process that wrote them is gone or they are\n"
	"older than a day.  Prints what was removed.\n"
	"\n"
	"Options:\n"
	"      --json   the counts and messages as a JSON object\n"
	"\n"
	"Example:\n"
	"  ferry gc\n",
	cmd_gc_exec,
};

/* -------- limits -------- */

static void
cmd_limits_line(const char *what, uint64_t v)
{
	if (v == 0)
		printf("%-18s none\n", what);
	else
		printf("%-18s %" PRIu64 "\n", what, v);
}

static const struct option cmd_limits_longopts[] = {
	{ "items", required_argument, NULL, 'i' },
	{ "bytes", required_argument, NULL, 'b' },
	{ "json", no_argument, NULL, 'j' },
	{ "help", no_argument, NULL, CLI_OPT_HELP },
	{ NULL, 0, NULL, 0 }
};

static int
cmd_limits_exec(struct cli *c, int argc, char **argv)
{
	struct store	*s;
	struct store_limits lim;
	struct ferry_error err;
	uint64_t	 items = 0, bytes = 0;
	bool		 set_items = false, set_bytes = false, json = false;
	cJSON		*o;
	int		 opt, status = CLI_OK;

	while ((opt = getopt_long(argc, argv, ":j", cmd_limits_longopts,
	    NULL)) != -1) {
		switch (opt) {
		case 'i':
			if (cli_parse_uint(c, "--items", optarg, false,
			    &items) != 0)
				return CLI_USAGE;
			set_items = true;
			break;
		case 'b':
			if (cli_parse_uint(c, "--bytes", optarg, true,
			    &bytes) != 0)
				return CLI_USAGE;
			set_bytes = true;
			break;
		case 'j':
			json = true;
			break;
		case CLI_OPT_HELP:
			cli_help(c->cmd, stdout);
			return CLI_OK;
		default:
			return cli_bad_option(c, argv, opt);
		}
	}
	if (optind != argc)
		return cli_usage(c, "unexpected argument '%s'", argv[optind]);
	if (cmd_store_open(c, &s) != FERRY_OK)
		return CLI_FAILED;
	if (store_limits_get(s, &lim, &err) != FERRY_OK)
		goto fail;
	if (set_items)
		lim.max_items = items;
	if (set_bytes)
		lim.max_bytes = bytes;
	if ((set_items || set_bytes) &&
	    store_limits_set(s, &lim, &err) != FERRY_OK)
		goto fail;
	if (json) {
		o = cJSON_CreateObject();
		cJSON_AddNumberToObject(o, "max_items", (double)lim.max_items);
		cJSON_AddNumberToObject(o, "max_bytes", (double)lim.max_bytes);
		cli_json_print(o);
	} else {
		cmd_limits_line("items per folder", lim.max_items);
		cmd_limits_line("bytes per folder", lim.max_bytes);
	}
	goto out;
fail:
	cli_error(c->cfg.store_dir, &err);
	status = CLI_FAILED;
out:
	store_close(s);
	return status;
}

const struct cli_cmd cli_cmd_limits = {
	"limits", "[--items N] [--bytes N] [--json]",
	"Show or set the store's per-folder limits.",
	"Without options, shows the limits.  A limit of 0 means none.\n"
	"Adding past a limit fails with its own error (\"limit reached\").\n"
	"\n"
	"Options:\n"
	"      --items N  at most N entries (folders and items) per folder\n"
	"      --bytes N  at most N bytes of items per folder (K, M, G, T\n"
	"                 suffixes: powers of 1024)\n"
	"      --json     the limits as a JSON object\n"
	"\n"
	"Examples:\n"
	"  ferry limits\n"
	"  ferry limits --items 10000 --bytes 10G\n",
	cmd_limits_exec,
};
