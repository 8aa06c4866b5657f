/* SPDX-License-Identifier: MIT */
/*
 * `ferry jobs`: the transfer jobs the journal remembers (src/jobs/
 * journal.h), from this and earlier runs of ferry.
 *
 *   ferry jobs [list] [--json]     one line per job
 *   ferry jobs resume [ID...]      run interrupted (or failed) jobs again
 *   ferry jobs errors ID           the entries of a job that failed
 *   ferry jobs cancel ID...        give up interrupted jobs: their partial
 *                                  writes are removed
 *   ferry jobs clear [ID...]       forget finished jobs (all by default)
 *
 * Also cli_jobs_notice(), which every other command calls first: one line
 * on stderr when the journal holds interrupted jobs.  It never waits on
 * the journal's lock.
 *
 * Main thread (resume runs the engine's threads).
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "cli/cli.h"
#include "cli/cli-transfer.h"
#include "core/util.h"
#include "jobs/journal.h"
#include "jobs/transfer.h"

struct cmd_jobs {
	bool		 json;
	bool		 verbose;
	bool		 quiet;
	unsigned	 jobs;
	cJSON		*arr;		/* list --json */
	size_t		 n;
};

void
cli_jobs_notice(struct cli *c)
{
	uint64_t	 n = 0;

	if (c->quiet)
		return;
	(void)journal_count_interrupted(NULL, &n, NULL);
	if (n == 0)
		return;
	fprintf(stderr, "ferry: %" PRIu64 " interrupted transfer job%s: "
	    "'ferry jobs' lists %s, 'ferry jobs resume' continues %s\n", n,
	    n == 1 ? "" : "s", n == 1 ? "it" : "them", n == 1 ? "it" : "them");
}

/* The state shown for a job: "interrupted" when its process is gone. */
static const char *
cmd_jobs_state(const struct journal_job *j)
{
	if (journal_job_interrupted(j))
		return "interrupted";
	return j->state;
}

static enum ferry_code
cmd_jobs_json_cb(const struct journal_job *j, void *ud)
{
	struct cmd_jobs	*cj = ud;
	cJSON		*o, *srcs;
	size_t		 i;
	char		 t[64];

	o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "id", (double)j->id);
	cJSON_AddStringToObject(o, "kind", j->kind);
	cJSON_AddStringToObject(o, "state", cmd_jobs_state(j));
	srcs = cJSON_AddArrayToObject(o, "from");
	for (i = 0; i < j->nsrcs; i++)
		cJSON_AddItemToArray(srcs, cJSON_CreateString(j->srcs[i]));
	if (j->dst != NULL)
		cJSON_AddStringToObject(o, "to", j->dst);
	else
		cJSON_AddNullToObject(o, "to");
	cJSON_AddStringToObject(o, "conflict", j->conflict);
	cJSON_AddNumberToObject(o, "bytes_done", (double)j->bytes_done);
	cJSON_AddNumberToObject(o, "bytes_total", (double)j->bytes_total);
	cJSON_AddNumberToObject(o, "items_done", (double)j->items_done);
	cJSON_AddNumberToObject(o, "items_total", (double)j->items_total);
	cJSON_AddNumberToObject(o, "items_failed", (double)j->items_failed);
	cJSON_AddNumberToObject(o, "items_skipped",
	    (double)j->items_skipped);
	cJSON_AddNumberToObject(o, "pid", (double)j->owner_pid);
	cli_time_iso(t, sizeof t, j->created);
	cJSON_AddStringToObject(o, "created", t);
	cli_time_iso(t, sizeof t, j->updated);
	cJSON_AddStringToObject(o, "updated", t);
	if (j->error != NULL)
		cJSON_AddStringToObject(o, "error", j->error);
	else
		cJSON_AddNullToObject(o, "error");
	cJSON_AddItemToArray(cj->arr, o);
	return FERRY_OK;
}

static enum ferry_code
cmd_jobs_line_cb(const struct journal_job *j, void *ud)
{
	struct cmd_jobs	*cj = ud;
	char		 done[32], total[32], items[48], *from, *to, *e;

	if (cj->n++ == 0)
		printf("%4s  %-8s  %-11s  %17s  %13s  %6s  %s\n", "ID", "KIND",
		    "STATE", "BYTES DONE/TOTAL", "ITEMS", "FAILED",
		    "FROM -> TO");
	cli_size_short(done, sizeof done, j->bytes_done);
	cli_size_short(total, sizeof total, j->bytes_total);
	snprintf(items, sizeof items, "%" PRIu64 "/%" PRIu64, j->items_done,
	    j->items_total);
	from = cli_escape(j->nsrcs > 0 ? j->srcs[0] : "?");
	to = cli_escape(j->dst != NULL ? j->dst : "");
	printf("%4" PRId64 "  %-8s  %-11s  %7s / %-7s  %13s  %6" PRIu64
	    "  %s%s%s%s\n", j->id, j->kind, cmd_jobs_state(j), done, total,
	    items, j->items_failed, from, j->nsrcs > 1 ? " (+more)" : "",
	    *to != '\0' ? " -> " : "", to);
	if (j->error != NULL && *j->error != '\0') {
		e = cli_escape(j->error);
		printf("%6serror: %s\n", "", e);
		free(e);
	}
	free(from);
	free(to);
	return FERRY_OK;
}

static int
cmd_jobs_list(struct cli *c, struct cmd_jobs *cj)
{
	struct journal		*j;
	struct ferry_error	 err;
	enum ferry_code		 result;

	(void)c;
	if (journal_open(NULL, &j, &err) != FERRY_OK) {
		cli_error(NULL, &err);
		return CLI_FAILED;
	}
	if (cj->json) {
		cj->arr = cJSON_CreateArray();
		result = journal_jobs(j, cmd_jobs_json_cb, cj, &err);
		if (result == FERRY_OK)
			cli_json_print(cj->arr);
		else
			cJSON_Delete(cj->arr);
	} else {
		result = journal_jobs(j, cmd_jobs_line_cb, cj, &err);
		if (result == FERRY_OK && cj->n == 0)
			printf("no jobs in %s\n", journal_path(j));
	}
	journal_close(j);
	if (result != FERRY_OK) {
		cli_error(NULL, &err);
		return CLI_FAILED;
	}
	return CLI_OK;
}

/* Parse "ID" into *id; a usage error otherwise. */
static int
cmd_jobs_id(struct cli *c, const char *arg, uint64_t *id)
{
	if (cli_parse_uint(c, "job ID", arg, false, id) != 0)
		return CLI_USAGE;
	if (*id == 0)
		return cli_usage(c, "job IDs start at 1");
	return CLI_OK;
}

static int
cmd_jobs_resume(struct cli *c, struct cmd_jobs *cj, int argc, char **argv)
{
	struct cli_run		 run;
	struct ferry_error	 err;
	uint64_t		*ids = NULL, id;
	size_t			 n = 0, i;
	int			 status = CLI_OK, k;

	cli_run_signals();
	for (k = 0; k < argc; k++)
		if (cmd_jobs_id(c, argv[k], &id) != CLI_OK)
			return CLI_USAGE;
	if (cli_config(c) != FERRY_OK)
		return CLI_FAILED;
	memset(&run, 0, sizeof run);
	run.verbose = cj->verbose;
	run.quiet = cj->quiet;
	if ((status = cli_run_start(c, &run, cj->jobs)) != CLI_OK)
		return status;
	if (argc == 0 && transfer_interrupted(run.t, &ids, &n, &err) !=
	    FERRY_OK) {
		cli_error(NULL, &err);
		cli_run_done(&run);
		return CLI_FAILED;
	}
	for (k = 0; k < argc; k++) {
		ids = xreallocarray(ids, n + 1, sizeof *ids);
		(void)cmd_jobs_id(c, argv[k], &ids[n++]);
	}
	if (n == 0 && !cj->quiet)
		fprintf(stderr, "ferry: no interrupted jobs to resume\n");
	for (i = 0; i < n; i++) {
		if (transfer_adopt(run.t, ids[i], &err) != FERRY_OK) {
			cli_errorf(NULL, "job %" PRIu64 ": %s", ids[i],
			    err.msg);
			status = CLI_FAILED;
			continue;
		}
		cli_run_add(&run, ids[i]);
	}
	if (run.nids > 0 && cli_run_wait(&run) != CLI_OK)
		status = CLI_FAILED;
	cli_run_done(&run);
	free(ids);
	return status;
}

static enum ferry_code
cmd_jobs_error_cb(const struct journal_item *it, void *ud)
{
	struct ferry_error	 err;

	(void)ud;
	err.code = FERRY_E_IO;
	snprintf(err.msg, sizeof err.msg, "%s", it->error != NULL ?
	    it->error : "failed");
	cli_error(it->src, &err);
	return FERRY_OK;
}

static int
cmd_jobs_errors(struct cli *c, int argc, char **argv)
{
	struct journal		*j;
	struct journal_job	 job;
	struct ferry_error	 err;
	enum ferry_code		 result;
	uint64_t		 id;

	if (argc != 1)
		return cli_usage(c, "errors: give one job ID");
	if (cmd_jobs_id(c, argv[0], &id) != CLI_OK)
		return CLI_USAGE;
	if (journal_open(NULL, &j, &err) != FERRY_OK) {
		cli_error(NULL, &err);
		return CLI_FAILED;
	}
	result = journal_job_get(j, (int64_t)id, &job, &err);
	if (result == FERRY_OK) {
		if (job.error != NULL && job.items_failed == 0)
			cli_errorf(NULL, "job %" PRIu64 ": %s", id, job.error);
		journal_job_done(&job);
		result = journal_items(j, (int64_t)id, JOURNAL_FAILED,
		    cmd_jobs_error_cb, NULL, &err);
	}
	journal_close(j);
	if (result != FERRY_OK) {
		cli_error(NULL, &err);
		return CLI_FAILED;
	}
	return CLI_OK;
}

static int
cmd_jobs_cancel(struct cli *c, int argc, char **argv)
{
	struct transfer		*t;
	struct transfer_opts	 o;
	struct ferry_error	 err;
	uint64_t		 id;
	int			 k, status = CLI_OK;

	if (argc == 0)
		return cli_usage(c, "cancel: which job? (give its ID)");
	for (k = 0; k < argc; k++)
		if (cmd_jobs_id(c, argv[k], &id) != CLI_OK)
			return CLI_USAGE;
	if (cli_config(c) != FERRY_OK)
		return CLI_FAILED;
	memset(&o, 0, sizeof o);
	o.concurrency = 1;
	if (transfer_new(&c->cfg, &o, &t, &err) != FERRY_OK) {
		cli_error(NULL, &err);
		return CLI_FAILED;
	}
	for (k = 0; k < argc; k++) {
		(void)cmd_jobs_id(c, argv[k], &id);
		if (transfer_abandon(t, id, &err) != FERRY_OK) {
			cli_errorf(NULL, "job %" PRIu64 ": %s", id, err.msg);
			status = CLI_FAILED;
		}
	}
	transfer_free(t);
	return status;
}

static int
cmd_jobs_clear(struct cli *c, int argc, char **argv)
{
	struct journal		*j;
	struct ferry_error	 err;
	uint64_t		 id, n = 0, total = 0;
	int			 k, status = CLI_OK;

	for (k = 0; k < argc; k++)
		if (cmd_jobs_id(c, argv[k], &id) != CLI_OK)
			return CLI_USAGE;
	if (journal_open(NULL, &j, &err) != FERRY_OK) {
		cli_error(NULL, &err);
		return CLI_FAILED;
	}
	if (argc == 0 && journal_clear(j, 0, false, &total, &err) !=
	    FERRY_OK) {
		cli_error(NULL, &err);
		status = CLI_FAILED;
	}
	for (k = 0; k < argc; k++) {
		(void)cmd_jobs_id(c, argv[k], &id);
		if (journal_clear(j, (int64_t)id, false, &n, &err) !=
		    FERRY_OK) {
			cli_errorf(NULL, "job %" PRIu64 ": %s%s", id, err.msg,
			    err.code == FERRY_E_BUSY ? " (resume it, or "
			    "'ferry jobs cancel' it first)" : "");
			status = CLI_FAILED;
		}
		total += n;
	}
	journal_close(j);
	if (!c->quiet && status == CLI_OK)
		printf("cleared %" PRIu64 " job%s\n", total,
		    total == 1 ? "" : "s");
	return status;
}

static const struct option cmd_jobs_longopts[] = {
	{ "json", no_argument, NULL, 'J' },
	{ "jobs", required_argument, NULL, 'j' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "help", no_argument, NULL, CLI_OPT_HELP },
	{ NULL, 0, NULL, 0 }
};

/* Options; CLI_OK, CLI_USAGE, or -1 after --help. */
static int
cmd_jobs_parse(struct cli *c, struct cmd_jobs *cj, int argc, char **argv)
{
	uint64_t	 n;
	int		 opt;

	while ((opt = getopt_long(argc, argv, ":j:vq", cmd_jobs_longopts,
	    NULL)) != -1) {
		switch (opt) {
		case 'J':
			cj->json = true;
			break;
		case 'j':
			if (cli_parse_uint(c, "--jobs", optarg, false, &n) != 0)
				return CLI_USAGE;
			if (n < 1 || n > TRANSFER_CONCURRENCY_MAX)
				return cli_usage(c, "--jobs: %s is out of "
				    "range (1 to %d)", optarg,
				    TRANSFER_CONCURRENCY_MAX);
			cj->jobs = (unsigned)n;
			break;
		case 'v':
			cj->verbose = true;
			break;
		case 'q':
			cj->quiet = true;
			break;
		case CLI_OPT_HELP:
			cli_help(c->cmd, stdout);
			return -1;
		default:
			return cli_bad_option(c, argv, opt);
		}
	}
	cj->quiet |= c->quiet;
	return CLI_OK;
}

static int
cmd_jobs_exec(struct cli *c, int argc, char **argv)
{
	struct cmd_jobs	 cj;
	const char	*sub;
	int		 status, n;
	char		**rest;

	memset(&cj, 0, sizeof cj);
	status = cmd_jobs_parse(c, &cj, argc, argv);
	if (status != CLI_OK)
		return status < 0 ? CLI_OK : status;
	n = argc - optind;
	rest = argv + optind;
	sub = n > 0 ? rest[0] : "list";
	if (n > 0) {
		rest++;
		n--;
	}
	if (strcmp(sub, "list") == 0 || strcmp(sub, "ls") == 0) {
		if (n != 0)
			return cli_usage(c, "list takes no operands");
		return cmd_jobs_list(c, &cj);
	}
	if (strcmp(sub, "resume") == 0)
		return cmd_jobs_resume(c, &cj, n, rest);
	if (strcmp(sub, "errors") == 0)
		return cmd_jobs_errors(c, n, rest);
	if (strcmp(sub, "cancel") == 0)
		return cmd_jobs_cancel(c, n, rest);
	if (strcmp(sub, "clear") == 0)
		return cmd_jobs_clear(c, n, rest);
	return cli_usage(c, "unknown jobs command '%s' (use list, resume, "
	    "errors, cancel or clear)", sub);
}

const struct cli_cmd cli_cmd_jobs = {
	"jobs", "[list | resume [ID...] | errors ID | cancel ID... | "
	"clear [ID...]]",
	"List, resume, cancel or clear the transfer jobs in the journal.",
	"Every cp, mv, put and get is a job recorded in the journal\n"
	"($XDG_STATE_HOME/ferry/jobs.db, ~/.local/state/ferry/jobs.db),\n"
	"with the state of each entry.  A job whose ferry was killed, or\n"
	"whose machine restarted, is \"interrupted\": resume continues it,\n"
	"skipping what is done and continuing large files from where they\n"
	"stopped.\n"
	"\n"
	"Commands:\n"
	"  list             one line per job (the default): ID, kind, state,\n"
	"                   bytes done/total, items, from -> to\n"
	"  resume [ID...]   run the interrupted jobs (or those named, also\n"
	"                   failed ones) again, with a progress bar\n"
	"  errors ID        the entries of job ID that failed, and why\n"
	"  cancel ID...     give up interrupted jobs; their partial files\n"
	"                   are removed\n"
	"  clear [ID...]    forget finished jobs (done, failed, cancelled)\n"
	"\n"
	"Options:\n"
	"      --json       list: a JSON array\n"
	"  -j, --jobs N     resume: move up to N items at once\n"
	"  -v, --verbose    resume: print each entry copied\n"
	"  -q, --quiet      resume: no progress\n"
	"\n"
	"Examples:\n"
	"  ferry jobs\n"
	"  ferry jobs resume\n"
	"  ferry jobs errors 12\n"
	"  ferry jobs clear\n",
	cmd_jobs_exec,
};
