/* SPDX-License-Identifier: MIT */
/*
 * `ferry put`, `get`, `cp` and `mv`: one front end over the transfer
 * engine (src/jobs/transfer.h), which holds the destination rules, the
 * conflict policy, the verification, the concurrency and the journal;
 * cli-transfer.c draws the progress and reports what happens.  put's
 * sources and get's destination are always local paths ("a:b" is a file
 * there, not a profile).
 *
 * Output: nothing on success unless -v; each failed entry on stderr as
 * "ferry: SOURCE: cause"; a progress line on stderr while it runs (see
 * cli-transfer.h).  With --on-conflict ask, each conflict is asked on the
 * terminal, so stdin must be one.
 *
 * SIGINT (unless the shell ignores it for a background job) and SIGTERM
 * cancel the job: the engine stops at the next chunk and removes what it
 * was writing, so no temp file is left behind.  SIGKILL leaves the job in
 * the journal, and `ferry jobs resume` continues it.
 *
 * Main thread (the engine runs its own).
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ferry/backend.h"
#include "ferry/error.h"

#include "cli/cli.h"
#include "cli/cli-transfer.h"
#include "core/util.h"
#include "jobs/transfer.h"

enum cmd_copy_mode {
	CMD_COPY_CP,
	CMD_COPY_MV,
	CMD_COPY_PUT,
	CMD_COPY_GET,
};

struct cmd_copy {
	enum cmd_copy_mode mode;
	bool		 verbose;
	bool		 quiet;		/* -q: no progress, no notes */
	unsigned	 jobs;		/* --jobs: 0 = the config's */
	enum copy_conflict conflict;
	const char	*mime;
	char		*meta;		/* owned --meta */
};

/* Refuse --meta/--mime when the destination cannot keep them. */
static bool
cmd_copy_dest_ok(const struct cmd_copy *cc, const struct cli_loc *d)
{
	const char	*what = NULL;

	if (cc->meta != NULL && !ferry_backend_has(d->b, FERRY_CAP_METADATA))
		what = "metadata (--meta)";
	else if (cc->mime != NULL && !ferry_backend_has(d->b, FERRY_CAP_MIME))
		what = "MIME types (--mime)";
	if (what == NULL)
		return true;
	cli_errorf(d->where, "this location (%s) cannot keep %s",
	    d->b->ops->name, what);
	return false;
}

/*
 * "DEST/" asks for an existing folder: refuse anything else rather than
 * create an item named DEST.
 */
static bool
cmd_copy_dest_folder(const struct cli_loc *d)
{
	struct ferry_entry e;
	struct ferry_arena a;
	struct ferry_error err;
	enum ferry_code	 result;
	size_t		 n = strlen(d->text);

	if (n < 2 || d->text[n - 1] != '/')
		return true;
	ferry_arena_init(&a);
	result = ferry_backend_stat(d->b, d->path, &e, &a, &err);
	if (result == FERRY_OK && e.kind != FERRY_KIND_FOLDER)
		cli_errorf(d->where, "not a folder (a destination ending in "
		    "'/' must be an existing folder)");
	else if (result == FERRY_E_NOT_FOUND)
		cli_errorf(d->where, "no such folder (a destination ending in "
		    "'/' must be an existing folder)");
	else if (result != FERRY_OK)
		cli_error(d->where, &err);
	ferry_arena_done(&a);
	return result == FERRY_OK && e.kind == FERRY_KIND_FOLDER;
}

static enum transfer_kind
cmd_copy_kind(enum cmd_copy_mode mode)
{
	switch (mode) {
	case CMD_COPY_MV:
		return TRANSFER_MOVE;
	case CMD_COPY_PUT:
		return TRANSFER_UPLOAD;
	case CMD_COPY_GET:
		return TRANSFER_DOWNLOAD;
	default:
		return TRANSFER_COPY;
	}
}

/* Submit the job of the opened operands and wait for it. */
static int
cmd_copy_job(struct cli *c, struct cmd_copy *cc, struct cli_loc *ls,
    int nsrcs, struct cli_loc *dl)
{
	struct ferry_location	*srcs;
	struct transfer_spec	 spec;
	struct ferry_error	 err;
	struct cli_run		 run;
	uint64_t		 id;
	int			 i, n = 0, status;

	srcs = xcalloc((size_t)nsrcs, sizeof *srcs);
	for (i = 0; i < nsrcs; i++)
		if (ls[i].b != NULL)
			srcs[n++] = ls[i].loc;
	memset(&spec, 0, sizeof spec);
	spec.kind = cmd_copy_kind(cc->mode);
	spec.srcs = srcs;
	spec.nsrcs = (size_t)n;
	spec.dst = &dl->loc;
	spec.conflict = cc->conflict;
	spec.mime = cc->mime;
	spec.metadata = cc->meta;
	memset(&run, 0, sizeof run);
	run.verbose = cc->verbose;
	run.quiet = cc->quiet;
	if ((status = cli_run_start(c, &run, cc->jobs)) != CLI_OK) {
		free(srcs);
		return status;
	}
	if (transfer_submit(run.t, &spec, &id, &err) != FERRY_OK) {
		cli_error(dl->where, &err);
		status = CLI_FAILED;
	} else {
		cli_run_add(&run, id);
		status = cli_run_wait(&run);
	}
	cli_run_done(&run);
	free(srcs);
	return status;
}

/* Open the operands, run the job, report. */
static int
cmd_copy_run(struct cli *c, struct cmd_copy *cc, char **srcs, int nsrcs,
    const char *dst)
{
	struct cli_loc	*ls, dl;
	int		 i, nopen = 0, status = CLI_OK;

	if (cli_open(c, dst, cc->mode == CMD_COPY_GET ? CLI_OPEN_LOCAL : 0,
	    &dl) != FERRY_OK)
		return CLI_FAILED;
	if (!cmd_copy_dest_ok(cc, &dl) || !cmd_copy_dest_folder(&dl)) {
		cli_loc_done(&dl);
		return CLI_FAILED;
	}
	ls = xcalloc((size_t)nsrcs, sizeof *ls);
	for (i = 0; i < nsrcs; i++) {
		if (cli_open(c, srcs[i], cc->mode == CMD_COPY_PUT ?
		    CLI_OPEN_LOCAL : 0, &ls[i]) != FERRY_OK) {
			status = CLI_FAILED;
			continue;
		}
		nopen++;
	}
	if (nopen > 0 && cmd_copy_job(c, cc, ls, nsrcs, &dl) != CLI_OK)
		status = CLI_FAILED;
	for (i = 0; i < nsrcs; i++)
		cli_loc_done(&ls[i]);
	free(ls);
	cli_loc_done(&dl);
	return status;
}

static const struct option cmd_copy_longopts[] = {
	{ "on-conflict", required_argument, NULL, 'c' },
	{ "jobs", required_argument, NULL, 'j' },
	{ "recursive", no_argument, NULL, 'r' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "meta", required_argument, NULL, 'm' },
	{ "mime", required_argument, NULL, 'M' },
	{ "help", no_argument, NULL, CLI_OPT_HELP },
	{ NULL, 0, NULL, 0 }
};

/* --on-conflict P */
static int
cmd_copy_conflict(struct cli *c, struct cmd_copy *cc, const char *arg)
{
	int	 policy = copy_conflict_from_name(arg);

	if (policy < 0)
		return cli_usage(c, "--on-conflict: unknown policy '%s' (use "
		    "fail, overwrite, skip, rename or ask)", arg);
	if (policy == COPY_CONFLICT_ASK && !isatty(STDIN_FILENO))
		return cli_usage(c, "--on-conflict ask needs a terminal on "
		    "stdin to ask on; use overwrite, skip or rename");
	cc->conflict = (enum copy_conflict)policy;
	return CLI_OK;
}

/* --jobs N */
static int
cmd_copy_jobs(struct cli *c, struct cmd_copy *cc, const char *arg)
{
	uint64_t	 n;

	if (cli_parse_uint(c, "--jobs", arg, false, &n) != 0)
		return CLI_USAGE;
	if (n < 1 || n > TRANSFER_CONCURRENCY_MAX)
		return cli_usage(c, "--jobs: %s is out of range (1 to %d)",
		    arg, TRANSFER_CONCURRENCY_MAX);
	cc->jobs = (unsigned)n;
	return CLI_OK;
}

/* Parse options into *cc; CLI_OK, CLI_USAGE, or -1 after --help. */
static int
cmd_copy_parse(struct cli *c, struct cmd_copy *cc, int argc, char **argv)
{
	int	opt;
	bool	quiet = c->quiet;

	while ((opt = getopt_long(argc, argv, ":c:j:rRvqm:M:",
	    cmd_copy_longopts, NULL)) != -1) {
		switch (opt) {
		case 'c':
			if (cmd_copy_conflict(c, cc, optarg) != CLI_OK)
				return CLI_USAGE;
			break;
		case 'j':
			if (cmd_copy_jobs(c, cc, optarg) != CLI_OK)
				return CLI_USAGE;
			break;
		case 'r':
		case 'R':
			break;	/* folders always copy recursively */
		case 'v':
			cc->verbose = true;
			break;
		case 'q':
			quiet = true;
			break;
		case 'm':
			free(cc->meta);
			cc->meta = NULL;
			if (cli_parse_meta(c, "--meta", optarg, &cc->meta) != 0)
				return CLI_USAGE;
			break;
		case 'M':
			if (strchr(optarg, '/') == NULL || optarg[0] == '/')
				return cli_usage(c, "--mime: '%s' is not a "
				    "MIME type like text/plain", optarg);
			cc->mime = optarg;
			break;
		case CLI_OPT_HELP:
			cli_help(c->cmd, stdout);
			return -1;
		default:
			return cli_bad_option(c, argv, opt);
		}
	}
	cc->quiet = quiet;
	return CLI_OK;
}

static int
cmd_copy_exec(struct cli *c, int argc, char **argv, enum cmd_copy_mode mode)
{
	struct cmd_copy	 cc;
	const char	*dst;
	int		 status, n;

	cli_run_signals();
	memset(&cc, 0, sizeof cc);
	cc.mode = mode;
	status = cmd_copy_parse(c, &cc, argc, argv);
	if (status != CLI_OK) {
		free(cc.meta);
		return status < 0 ? CLI_OK : status;
	}
	n = argc - optind;
	if (n == 0 || (n == 1 && (mode == CMD_COPY_CP ||
	    mode == CMD_COPY_MV))) {
		free(cc.meta);
		return cli_usage(c, n == 0 ? "what to copy, and where?" :
		    "where to? (give a destination after the sources)");
	}
	if (n == 1)
		dst = mode == CMD_COPY_PUT ? "store:/" : ".";
	else
		dst = argv[argc - 1];
	status = cmd_copy_run(c, &cc, argv + optind, n == 1 ? 1 : n - 1, dst);
	free(cc.meta);
	return status;
}

static int
cmd_cp_exec(struct cli *c, int argc, char **argv)
{
	return cmd_copy_exec(c, argc, argv, CMD_COPY_CP);
}

static int
cmd_mv_exec(struct cli *c, int argc, char **argv)
{
	return cmd_copy_exec(c, argc, argv, CMD_COPY_MV);
}

static int
cmd_put_exec(struct cli *c, int argc, char **argv)
{
	return cmd_copy_exec(c, argc, argv, CMD_COPY_PUT);
}

static int
cmd_get_exec(struct cli *c, int argc, char **argv)
{
	return cmd_copy_exec(c, argc, argv, CMD_COPY_GET);
}

#define CMD_COPY_OPTIONS \
	"Options:\n" \
	"      --on-conflict P  when the target name exists: fail (default),\n" \
	"                       overwrite, skip, rename (\"a (1).txt\"), or\n" \
	"                       ask (on the terminal, each time or for all)\n" \
	"  -j, --jobs N         move up to N items at once (default: [jobs]\n" \
	"                       concurrency in the config, else 4)\n" \
	"      --meta JSON      client metadata (a JSON object) for every\n" \
	"                       item written\n" \
	"      --mime TYPE      MIME type for every item written (wins over\n" \
	"                       detection from the content)\n" \
	"  -v, --verbose        print each entry copied\n" \
	"  -q, --quiet          no progress, no notes about skipped links\n" \
	"                       and devices\n" \
	"  -r, -R, --recursive  accepted; folders always copy recursively\n"

#define CMD_COPY_RULES \
	"\n" \
	"Destination rules: an existing folder receives the sources inside\n" \
	"it under their own names; a name that does not exist becomes the\n" \
	"copy's name (its parent must exist); an existing item is an error\n" \
	"unless --on-conflict says otherwise.  Several sources need an\n" \
	"existing folder.  A folder onto an existing folder merges into it\n" \
	"(with skip, an interrupted copy resumes).  A folder is never copied\n" \
	"into itself.  A DEST ending in '/' must be an existing folder.\n" \
	"Copies are verified with sha256.  Large files are written\n" \
	"resumably: if ferry is killed, 'ferry jobs resume' continues them\n" \
	"from where they stopped.  Progress goes to stderr: a bar on a\n" \
	"terminal, a plain line every few seconds otherwise.\n" \
	"\n"

const struct cli_cmd cli_cmd_cp = {
	"cp", "[OPTIONS] SOURCE... DEST",
	"Copy items and folders (recursively) between any two locations.",
	CMD_COPY_OPTIONS CMD_COPY_RULES
	"Inside one store, copies are server-side: no bytes move, and the\n"
	"copy shares the original's blob.\n"
	"\n"
	"Examples:\n"
	"  ferry cp store:/photos store:/backup/\n"
	"  ferry cp store:/photos store:/photos-2024\n"
	"  ferry cp ~/report.pdf ./notes.txt store:/docs\n"
	"  ferry cp --on-conflict rename store:/a.txt store:/a.txt\n",
	cmd_cp_exec,
};

const struct cli_cmd cli_cmd_mv = {
	"mv", "[OPTIONS] SOURCE... DEST",
	"Move or rename items and folders between any two locations.",
	CMD_COPY_OPTIONS CMD_COPY_RULES
	"Inside one location a move is a rename; across locations each\n"
	"source is deleted only after its copy is verified.\n"
	"\n"
	"Examples:\n"
	"  ferry mv store:/draft.txt store:/final.txt\n"
	"  ferry mv ~/scans store:/archive/\n",
	cmd_mv_exec,
};

const struct cli_cmd cli_cmd_put = {
	"put", "[OPTIONS] LOCAL... [DEST]",
	"Upload local files and directories (default DEST: store:/).",
	CMD_COPY_OPTIONS CMD_COPY_RULES
	"The sources are always local paths, even with a ':' in the name.\n"
	"The MIME type of each item is detected from its content.\n"
	"\n"
	"Examples:\n"
	"  ferry put ~/photos store:/\n"
	"  ferry put --meta '{\"source\": \"scanner\"}' scan.tiff "
	"store:/scans/\n"
	"  ferry put --mime text/markdown README store:/docs/README.md\n",
	cmd_put_exec,
};

const struct cli_cmd cli_cmd_get = {
	"get", "[OPTIONS] SOURCE... [LOCAL]",
	"Download items and folders to a local path (default: .).",
	CMD_COPY_OPTIONS CMD_COPY_RULES
	"LOCAL is always a local path, even with a ':' in the name.\n"
	"\n"
	"Examples:\n"
	"  ferry get store:/photos/cat.png\n"
	"  ferry get store:/photos ~/restore/\n",
	cmd_get_exec,
};
