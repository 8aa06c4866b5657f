/* SPDX-License-Identifier: MIT */
/*
 * Running transfer jobs from the command line: the part that `ferry cp`,
 * `mv`, `put`, `get` (cmd-copy.c) and `ferry jobs resume` (cmd-jobs.c)
 * share.  It starts the transfer engine (src/jobs/transfer.h), then waits
 * for the jobs it was given while it
 * - draws one progress line on stderr when stderr is a terminal (bytes,
 *   rate, ETA, items done/total, the item moving), redrawn at most ten
 *   times a second and erased at the end; prints a plain progress line
 *   every CLI_RUN_PLAIN_S seconds when it is not a terminal; nothing with
 *   --quiet;
 * - prints each failed or skipped entry ("ferry: SOURCE: cause") and,
 *   with -v, each entry done ("SOURCE -> TARGET");
 * - answers the engine's conflict questions by asking on the terminal;
 * - turns SIGINT (unless ignored) and SIGTERM into a cancel of the jobs;
 *   a second signal kills at once.
 *
 * Main thread.
 */
#ifndef FERRY_CLI_TRANSFER_H
#define FERRY_CLI_TRANSFER_H

#include <stdbool.h>
#include <stdint.h>

#include "cli/cli.h"
#include "jobs/transfer.h"

#define CLI_RUN_PLAIN_S		5	/* between plain progress lines */

struct cli_run {
	struct cli	*c;
	struct transfer	*t;
	bool		 verbose;	/* -v: every entry done */
	bool		 quiet;		/* -q: no progress, no notes */
	bool		 bar;		/* stderr is a terminal */
	bool		 drawn;		/* a progress line is on screen */
	uint64_t	*ids;		/* the jobs to wait for */
	size_t		 nids;
	uint64_t	 start_ns;
	uint64_t	 last_ns;	/* last redraw */
	uint64_t	 plain_ns;	/* last plain line */
	uint64_t	 failed;	/* entries reported failed */
	bool		 cancelled;	/* a signal asked to stop */
	bool		 any_failed;	/* a job ended FAILED */
	bool		 any_cancelled;
};

/*
 * Turn SIGTERM, and SIGINT unless it is ignored, into a cancel of the
 * jobs cli_run_wait() waits for; a second signal kills.  Called first
 * thing, so that a signal during the set-up cancels too.
 */
void		 cli_run_signals(void);

/*
 * Start the engine for c (its configuration must be loaded) with `jobs`
 * items at once (0: the configuration's).  When the journal cannot be
 * opened, says so once and keeps it in memory.  CLI_OK or CLI_FAILED.
 */
int		 cli_run_start(struct cli *c, struct cli_run *run,
		    unsigned jobs);
/* Wait for job id too. */
void		 cli_run_add(struct cli_run *run, uint64_t id);
/*
 * Wait until every job added has ended.  CLI_OK when all are done,
 * CLI_FAILED otherwise (failures were reported as they came).
 */
int		 cli_run_wait(struct cli_run *run);
/* Stop the engine and free what run holds. */
void		 cli_run_done(struct cli_run *run);

/* Erase the progress line before writing anything else to stderr. */
void		 cli_run_clear(struct cli_run *run);

#endif
