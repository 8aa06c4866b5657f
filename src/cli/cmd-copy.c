/* SPDX-License-Identifier: MIT */
/*
 * `ferry put`, `get`, `cp` and `mv`: one front end over the copy engine
 * (src/jobs/copy.h), which holds the destination rules, the conflict
 * policy and the verification.  put's sources and get's destination are
 * always local paths ("a:b" is a file there, not a profile).
 *
 * Output: nothing on success unless -v; each failed entry on stderr as
 * "ferry: SOURCE: cause"; on a terminal (and without -q) one progress line
 * on stderr, redrawn with \r at most ten times a second and erased at the
 * end.  Issue 4 replaces this with the jobs panel.
 *
 * SIGINT (unless the shell ignores it for a background job) and SIGTERM
 * cancel the job: the engine stops at the next chunk and the backend
 * removes what it was writing, so no temp file is left behind.  A second
 * signal kills at once.
 *
 * Main thread.
 */
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ferry/backend.h"
#include "ferry/error.h"

#include "cli/cli.h"
#include "core/util.h"
#include "jobs/copy.h"

#define CMD_COPY_REDRAW_NS	100000000ULL	/* 10 redraws a second */
#define CMD_COPY_NAME_COLS	40

enum cmd_copy_mode {
	CMD_COPY_CP,
	CMD_COPY_MV,
	CMD_COPY_PUT,
	CMD_COPY_GET,
};

/*
 * Set by SIGINT/SIGTERM; the engine polls it.  A signal flag is the one
 * kind of mutable state that has to live at file scope.
 */
static volatile int cmd_copy_cancel;

struct cmd_copy {
	enum cmd_copy_mode mode;
	bool		 verbose;
	bool		 quiet;		/* -q: no progress, no notes */
	bool		 progress;	/* draw the progress line */
	bool		 drawn;		/* a progress line is on screen */
	uint64_t	 start_ns;
	uint64_t	 last_ns;
	struct copy_opts o;
	char		*meta;		/* owned --meta */
};

static void
cmd_copy_on_signal(int sig)
{
	(void)sig;
	cmd_copy_cancel = 1;
}

/* Cancel on SIGTERM, and on SIGINT unless it is ignored. */
static void
cmd_copy_signals(void)
{
	struct sigaction sa, old;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = cmd_copy_on_signal;
	sa.sa_flags = SA_RESETHAND;	/* a second signal kills */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	if (sigaction(SIGINT, NULL, &old) == 0 && old.sa_handler != SIG_IGN)
		sigaction(SIGINT, &sa, NULL);
}

/* Erase the progress line before anything else goes to the terminal. */
static void
cmd_copy_clear(struct cmd_copy *cc)
{
	if (cc->drawn) {
		fputs("\r\033[K", stderr);
		fflush(stderr);
		cc->drawn = false;
	}
}

/* The last CMD_COPY_NAME_COLS bytes of s, cut at a character start. */
static const char *
cmd_copy_tail(const char *s)
{
	size_t	 n = strlen(s);
	const char *p;

	if (n <= CMD_COPY_NAME_COLS)
		return s;
	p = s + n - CMD_COPY_NAME_COLS;
	while (*p != '\0' && ((unsigned char)*p & 0xC0) == 0x80)
		p++;
	return p;
}

static enum ferry_code
cmd_copy_progress(const struct copy_progress *p, void *ud)
{
	struct cmd_copy	*cc = ud;
	uint64_t	 now = ferry_mono_ns();
	double		 secs;
	char		 done[32], total[32], rate[32], pct[8], *name;

	if (!cc->progress || now - cc->last_ns < CMD_COPY_REDRAW_NS)
		return FERRY_OK;
	cc->last_ns = now;
	secs = (double)(now - cc->start_ns) / 1e9;
	cli_size_long(done, sizeof done, p->item_done);
	pct[0] = '\0';
	if (p->item_total_known) {
		cli_size_long(total, sizeof total, p->item_total);
		if (p->item_total != 0)
			snprintf(pct, sizeof pct, "%3u%%  ", (unsigned)
			    (p->item_done * 100 / p->item_total));
	} else
		snprintf(total, sizeof total, "?");
	cli_size_long(rate, sizeof rate, secs > 0 ?
	    (uint64_t)((double)p->bytes_done / secs) : 0);
	name = cli_escape(p->name);
	fprintf(stderr, "\r%s%s  %s%s / %s  %s/s\033[K",
	    cmd_copy_tail(name) != name ? "..." : "", cmd_copy_tail(name),
	    pct, done, total, rate);
	free(name);
	fflush(stderr);
	cc->drawn = true;
	return FERRY_OK;
}

static void
cmd_copy_result(const struct copy_result *r, void *ud)
{
	struct cmd_copy	*cc = ud;
	struct ferry_error err;

	switch (r->status) {
	case COPY_DONE:
		if (!cc->verbose)
			break;
		cmd_copy_clear(cc);
		cli_put(stdout, r->src);
		fputs(" -> ", stdout);
		cli_put(stdout, r->dst);
		fputs(r->server_side ? " (server-side)\n" : "\n", stdout);
		fflush(stdout);
		break;
	case COPY_SKIPPED:
		if (r->err.code != FERRY_E_EXISTS && !cc->quiet) {
			/* not asked for: always say so */
			cmd_copy_clear(cc);
			cli_errorf(r->src, "skipped: %s", r->err.msg);
		} else if (cc->verbose) {
			cmd_copy_clear(cc);
			fputs("skipped ", stdout);
			cli_put(stdout, r->src);
			fputs(": ", stdout);
			cli_put(stdout, r->err.msg);
			fputc('\n', stdout);
		}
		break;
	case COPY_FAILED:
		cmd_copy_clear(cc);
		if (r->err.code == FERRY_E_CANCELLED)
			break;	/* said once at the end */
		err = r->err;
		if (err.code == FERRY_E_EXISTS &&
		    strstr(err.msg, "renamed copies") == NULL)
			snprintf(err.msg + strlen(err.msg),
			    sizeof err.msg - strlen(err.msg),
			    "; use --on-conflict overwrite, skip or rename");
		cli_error(r->src, &err);
		break;
	}
}

/* Refuse --meta/--mime when the destination cannot keep them. */
static bool
cmd_copy_dest_ok(const struct cmd_copy *cc, const struct cli_loc *d)
{
	const char	*what = NULL;

	if (cc->o.metadata != NULL &&
	    !ferry_backend_has(d->b, FERRY_CAP_METADATA))
		what = "metadata (--meta)";
	else if (cc->o.mime != NULL && !ferry_backend_has(d->b, FERRY_CAP_MIME))
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

/* Open the operands, run the job, report. */
static int
cmd_copy_run(struct cli *c, struct cmd_copy *cc, char **srcs, int nsrcs,
    const char *dst)
{
	struct cli_loc	*ls, dl;
	struct copy_job	*job;
	struct ferry_error err;
	enum ferry_code	 result;
	int		 i, nopen = 0, status = CLI_OK;

	if (cli_open(c, dst, cc->mode == CMD_COPY_GET ? CLI_OPEN_LOCAL : 0,
	    &dl) != FERRY_OK)
		return CLI_FAILED;
	if (!cmd_copy_dest_ok(cc, &dl) || !cmd_copy_dest_folder(&dl)) {
		cli_loc_done(&dl);
		return CLI_FAILED;
	}
	ls = xcalloc((size_t)nsrcs, sizeof *ls);
	job = copy_job_new(&cc->o);
	for (i = 0; i < nsrcs; i++) {
		if (cli_open(c, srcs[i], cc->mode == CMD_COPY_PUT ?
		    CLI_OPEN_LOCAL : 0, &ls[i]) != FERRY_OK) {
			status = CLI_FAILED;
			continue;
		}
		copy_job_add(job, ls[i].b, ls[i].path);
		nopen++;
	}
	copy_job_set_dest(job, dl.b, dl.path);
	cc->start_ns = cc->last_ns = ferry_mono_ns();
	cmd_copy_signals();
	if (nopen > 0) {
		result = copy_job_run(job, &err);
		cmd_copy_clear(cc);
		if (result != FERRY_OK) {
			status = CLI_FAILED;
			/* entry failures were reported one by one */
			if (result == FERRY_E_CANCELLED)
				cli_errorf(NULL, "cancelled after %" PRIu64
				    " items", copy_job_stats(job)->items);
			else if (copy_job_stats(job)->failed == 0)
				cli_error(dl.where, &err);
		}
	}
	copy_job_free(job);
	for (i = 0; i < nsrcs; i++)
		cli_loc_done(&ls[i]);
	free(ls);
	cli_loc_done(&dl);
	return status;
}

static const struct option cmd_copy_longopts[] = {
	{ "on-conflict", required_argument, NULL, 'c' },
	{ "recursive", no_argument, NULL, 'r' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "meta", required_argument, NULL, 'm' },
	{ "mime", required_argument, NULL, 'M' },
	{ "help", no_argument, NULL, CLI_OPT_HELP },
	{ NULL, 0, NULL, 0 }
};

/* Parse options into *cc; CLI_OK, CLI_USAGE, or -1 after --help. */
static int
cmd_copy_parse(struct cli *c, struct cmd_copy *cc, int argc, char **argv)
{
	int	opt, policy;
	bool	quiet = c->quiet;

	while ((opt = getopt_long(argc, argv, ":c:rRvqm:M:",
	    cmd_copy_longopts, NULL)) != -1) {
		switch (opt) {
		case 'c':
			policy = copy_conflict_from_name(optarg);
			if (policy < 0)
				return cli_usage(c, "--on-conflict: unknown "
				    "policy '%s' (use fail, overwrite, skip "
				    "or rename)", optarg);
			cc->o.conflict = (enum copy_conflict)policy;
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
			if (cli_parse_meta(c, "--meta", optarg, &cc->meta) != 0)
				return CLI_USAGE;
			cc->o.metadata = cc->meta;
			break;
		case 'M':
			if (strchr(optarg, '/') == NULL || optarg[0] == '/')
				return cli_usage(c, "--mime: '%s' is not a "
				    "MIME type like text/plain", optarg);
			cc->o.mime = optarg;
			break;
		case CLI_OPT_HELP:
			cli_help(c->cmd, stdout);
			return -1;
		default:
			return cli_bad_option(c, argv, opt);
		}
	}
	cc->quiet = quiet;
	cc->progress = !quiet && isatty(STDERR_FILENO);
	return CLI_OK;
}

static int
cmd_copy_exec(struct cli *c, int argc, char **argv, enum cmd_copy_mode mode)
{
	struct cmd_copy	 cc;
	const char	*dst;
	int		 status, n;

	memset(&cc, 0, sizeof cc);
	cc.mode = mode;
	cc.o.move = mode == CMD_COPY_MV;
	cc.o.progress = cmd_copy_progress;
	cc.o.result = cmd_copy_result;
	cc.o.ud = &cc;
	cc.o.cancel = &cmd_copy_cancel;
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
	"                       overwrite, skip, or rename (\"a (1).txt\")\n" \
	"      --meta JSON      client metadata (a JSON object) for every\n" \
	"                       item written\n" \
	"      --mime TYPE      MIME type for every item written (wins over\n" \
	"                       detection from the content)\n" \
	"  -v, --verbose        print each entry copied\n" \
	"  -q, --quiet          no progress line, no notes about skipped\n" \
	"                       links and devices\n" \
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
	"Copies are verified with sha256.\n" \
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
