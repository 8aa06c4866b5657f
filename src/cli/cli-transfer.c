/* SPDX-License-Identifier: MIT */
/*
 * Waiting for transfer jobs on the command line (see cli-transfer.h): a
 * poll loop over the engine's wake fd, with a timeout that paces the
 * progress line, and a self-contained prompt for conflict questions.
 *
 * Main thread; the engine's threads never touch the terminal.
 */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/cli-transfer.h"
#include "core/util.h"

#define CLI_RUN_REDRAW_NS	100000000ULL	/* ten redraws a second */
#define CLI_RUN_POLL_MS		100

/*
 * Set by SIGINT/SIGTERM; the wait loop polls it.  A signal flag is the
 * one kind of mutable state that has to live at file scope.
 */
static volatile sig_atomic_t cli_run_signalled;

static void
cli_run_on_signal(int sig)
{
	(void)sig;
	cli_run_signalled = 1;
}

void
cli_run_signals(void)
{
	struct sigaction sa, old;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = cli_run_on_signal;
	sa.sa_flags = SA_RESETHAND;	/* a second signal kills */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	if (sigaction(SIGINT, NULL, &old) == 0 && old.sa_handler != SIG_IGN)
		sigaction(SIGINT, &sa, NULL);
}

int
cli_run_start(struct cli *c, struct cli_run *run, unsigned jobs)
{
	struct transfer_opts	 o;
	struct ferry_error	 err;

	memset(&o, 0, sizeof o);
	o.concurrency = jobs;
	o.report_done = run->verbose;
	run->c = c;
	run->bar = !run->quiet && isatty(STDERR_FILENO);
	run->start_ns = run->last_ns = run->plain_ns = ferry_mono_ns();
	if (transfer_new(&c->cfg, &o, &run->t, &err) == FERRY_OK)
		goto ok;
	if (err.code == FERRY_E_INVALID) {
		cli_error(NULL, &err);	/* a bad [jobs] setting */
		return CLI_FAILED;
	}
	if (!run->quiet)
		cli_errorf(NULL, "%s; this transfer cannot be resumed if "
		    "interrupted", err.msg);
	o.journal = ":memory:";
	if (transfer_new(&c->cfg, &o, &run->t, &err) != FERRY_OK) {
		cli_error(NULL, &err);
		return CLI_FAILED;
	}
ok:
	return CLI_OK;
}

void
cli_run_add(struct cli_run *run, uint64_t id)
{
	run->ids = xreallocarray(run->ids, run->nids + 1, sizeof *run->ids);
	run->ids[run->nids++] = id;
}

void
cli_run_done(struct cli_run *run)
{
	transfer_free(run->t);
	run->t = NULL;
	free(run->ids);
	run->ids = NULL;
	run->nids = 0;
}

void
cli_run_clear(struct cli_run *run)
{
	if (run->drawn) {
		fputs("\r\033[K", stderr);
		fflush(stderr);
		run->drawn = false;
	}
}

static bool
cli_run_ours(const struct cli_run *run, uint64_t id)
{
	size_t	 i;

	for (i = 0; i < run->nids; i++)
		if (run->ids[i] == id)
			return true;
	return false;
}

/* -------- progress -------- */

/* Totals over the jobs we wait for. */
struct cli_run_sum {
	uint64_t	 done, total, rate, items, items_total;
	int64_t		 eta;
	bool		 known;
	char		*current;
	size_t		 open;		/* jobs not final yet */
};

static void
cli_run_sum(struct cli_run *run, const struct transfer_snapshot *s,
    struct cli_run_sum *sum)
{
	const struct transfer_info *j;
	size_t		 i;

	memset(sum, 0, sizeof *sum);
	sum->known = true;
	sum->eta = 0;
	for (i = 0; i < s->n; i++) {
		j = &s->jobs[i];
		if (!cli_run_ours(run, j->id))
			continue;
		sum->done += j->bytes_done;
		sum->total += j->bytes_total;
		sum->rate += j->rate;
		sum->items += j->items_done;
		sum->items_total += j->items_total;
		sum->known &= j->totals_known;
		if (!transfer_state_final(j->state)) {
			sum->open++;
			if (j->eta_s < 0 || sum->eta < 0)
				sum->eta = -1;
			else if (j->eta_s > sum->eta)
				sum->eta = j->eta_s;
		}
		if (sum->current == NULL && j->current != NULL)
			sum->current = j->current;
	}
	if (sum->total < sum->done)
		sum->total = sum->done;
}

static void
cli_run_eta(char *buf, size_t len, int64_t s)
{
	if (s < 0)
		snprintf(buf, len, "--:--");
	else if (s >= 3600)
		snprintf(buf, len, "%" PRId64 ":%02d:%02d", s / 3600,
		    (int)(s / 60 % 60), (int)(s % 60));
	else
		snprintf(buf, len, "%d:%02d", (int)(s / 60), (int)(s % 60));
}

static unsigned
cli_run_width(void)
{
	struct winsize	 ws;

	if (ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 20)
		return ws.ws_col;
	return 80;
}

/* The text of the numbers: "1.2 GiB / 3.0 GiB  50 MiB/s  ETA 0:40 ..." */
static void
cli_run_numbers(const struct cli_run_sum *sum, char *buf, size_t len)
{
	char	 done[32], total[40], rate[32], eta[32];

	cli_size_long(done, sizeof done, sum->done);
	if (sum->known)
		cli_size_long(total, sizeof total, sum->total);
	else
		snprintf(total, sizeof total, "%s+", done);
	cli_size_long(rate, sizeof rate, sum->rate);
	cli_run_eta(eta, sizeof eta, sum->known ? sum->eta : -1);
	snprintf(buf, len, "%s / %s  %s/s  ETA %s  %" PRIu64 "/%" PRIu64
	    "%s items", done, total, rate, eta, sum->items, sum->items_total,
	    sum->known ? "" : "+");
}

/* The progress bar on a terminal. */
static void
cli_run_bar(struct cli_run *run, const struct cli_run_sum *sum)
{
	char		 nums[160], bar[64], *name;
	unsigned	 width = cli_run_width(), pct = 0, cells, fill, i;
	size_t		 used, room, n;
	const char	*tail;

	if (sum->total > 0)
		pct = (unsigned)(sum->done * 100 / sum->total);
	cli_run_numbers(sum, nums, sizeof nums);
	cells = width >= 100 ? 30 : width >= 70 ? 20 : 10;
	fill = pct * cells / 100;
	for (i = 0; i < cells; i++)
		bar[i] = i < fill ? '#' : '.';
	bar[cells] = '\0';
	fprintf(stderr, "\r%3u%% [%s] %s", pct, bar, nums);
	used = 4 + 2 + cells + 2 + strlen(nums);
	room = width > used + 3 ? width - used - 3 : 0;
	if (room >= 10 && sum->current != NULL) {
		name = cli_escape(sum->current);
		n = strlen(name);
		tail = name;
		if (n > room) {
			tail = name + n - (room - 3);
			while (*tail != '\0' && ((unsigned char)*tail & 0xC0) ==
			    0x80)
				tail++;
		}
		fprintf(stderr, "  %s%s", tail != name ? "..." : "", tail);
		free(name);
	}
	fputs("\033[K", stderr);
	fflush(stderr);
	run->drawn = true;
}

static void
cli_run_progress(struct cli_run *run, bool force)
{
	struct transfer_snapshot s;
	struct cli_run_sum sum;
	uint64_t	 now = ferry_mono_ns();
	char		 nums[160];

	if (run->quiet)
		return;
	if (run->bar && !force && now - run->last_ns < CLI_RUN_REDRAW_NS)
		return;
	if (!run->bar && now - run->plain_ns < CLI_RUN_PLAIN_S * 1000000000ULL)
		return;
	transfer_snapshot(run->t, &s);
	cli_run_sum(run, &s, &sum);
	if (run->bar) {
		run->last_ns = now;
		if (sum.open > 0)
			cli_run_bar(run, &sum);
	} else {
		run->plain_ns = now;
		cli_run_numbers(&sum, nums, sizeof nums);
		if (sum.open > 0)
			fprintf(stderr, "ferry: %s\n", nums);
	}
	transfer_snapshot_done(&s);
}

/* -------- events -------- */

static void
cli_run_item(struct cli_run *run, const struct copy_result *r)
{
	struct ferry_error err;

	switch (r->status) {
	case COPY_DONE:
		if (!run->verbose || r->earlier)
			break;
		cli_run_clear(run);
		cli_put(stdout, r->src);
		fputs(" -> ", stdout);
		cli_put(stdout, r->dst != NULL ? r->dst : "?");
		fputs(r->server_side ? " (server-side)\n" : "\n", stdout);
		fflush(stdout);
		break;
	case COPY_SKIPPED:
		if (r->err.code != FERRY_E_EXISTS && !run->quiet) {
			/* not asked for: always say so */
			cli_run_clear(run);
			cli_errorf(r->src, "skipped: %s", r->err.msg);
		} else if (run->verbose) {
			cli_run_clear(run);
			fputs("skipped ", stdout);
			cli_put(stdout, r->src);
			fputs(": ", stdout);
			cli_put(stdout, r->err.msg);
			fputc('\n', stdout);
		}
		break;
	case COPY_FAILED:
		cli_run_clear(run);
		run->failed++;
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

/* The answer typed for a question, or 0 when it is not one. */
static enum transfer_answer
cli_run_answer_of(const char *line)
{
	static const struct {
		const char		*word;
		enum transfer_answer	 a;
	} words[] = {
		{ "o", TRANSFER_ANSWER_OVERWRITE },
		{ "overwrite", TRANSFER_ANSWER_OVERWRITE },
		{ "s", TRANSFER_ANSWER_SKIP },
		{ "skip", TRANSFER_ANSWER_SKIP },
		{ "r", TRANSFER_ANSWER_RENAME },
		{ "rename", TRANSFER_ANSWER_RENAME },
		{ "O", TRANSFER_ANSWER_OVERWRITE_ALL },
		{ "overwrite all", TRANSFER_ANSWER_OVERWRITE_ALL },
		{ "S", TRANSFER_ANSWER_SKIP_ALL },
		{ "skip all", TRANSFER_ANSWER_SKIP_ALL },
		{ "R", TRANSFER_ANSWER_RENAME_ALL },
		{ "rename all", TRANSFER_ANSWER_RENAME_ALL },
		{ "c", TRANSFER_ANSWER_CANCEL },
		{ "q", TRANSFER_ANSWER_CANCEL },
		{ "cancel", TRANSFER_ANSWER_CANCEL },
	};
	size_t	 i;

	for (i = 0; i < FERRY_NELEM(words); i++)
		if (strcmp(line, words[i].word) == 0)
			return words[i].a;
	return (enum transfer_answer)0;
}

/* Describe one side of a question: "12.0 KiB, 2024-05-01 12:03". */
static void
cli_run_side(char *buf, size_t len, bool folder, uint64_t size,
    int64_t mtime)
{
	char	 s[32], t[32];

	cli_time_local(t, sizeof t, mtime);
	if (folder)
		snprintf(buf, len, "a folder, %s", t);
	else {
		cli_size_long(s, sizeof s, size);
		snprintf(buf, len, "%s, %s", s, t);
	}
}

/* Ask on the terminal what to do with an existing target. */
static void
cli_run_ask(struct cli_run *run, const struct transfer_event *ev)
{
	enum transfer_answer a = 0;
	char		 line[64], dst[96], src[96], *d, *s;

	cli_run_clear(run);
	cli_run_side(dst, sizeof dst, ev->dst_folder, ev->dst_size,
	    ev->dst_mtime);
	cli_run_side(src, sizeof src, ev->src_folder, ev->src_size,
	    ev->src_mtime);
	d = cli_escape(ev->dst);
	s = cli_escape(ev->src);
	fprintf(stderr, "ferry: %s exists (%s)\n       source %s (%s)\n",
	    d, dst, s, src);
	free(d);
	free(s);
	while (a == 0) {
		fprintf(stderr, "[o]verwrite, [s]kip, [r]ename; O, S, R: the "
		    "same for all; [c]ancel? ");
		fflush(stderr);
		if (fgets(line, sizeof line, stdin) == NULL) {
			fputc('\n', stderr);
			a = TRANSFER_ANSWER_CANCEL;
			break;
		}
		line[strcspn(line, "\r\n")] = '\0';
		a = cli_run_answer_of(line);
	}
	(void)transfer_answer(run->t, ev->ask, a, NULL);
}

static void
cli_run_event(struct cli_run *run, const struct transfer_event *ev)
{
	if (!cli_run_ours(run, ev->job))
		return;
	switch (ev->type) {
	case TRANSFER_EV_ITEM:
		cli_run_item(run, &ev->result);
		break;
	case TRANSFER_EV_ASK:
		cli_run_ask(run, ev);
		break;
	case TRANSFER_EV_STATE:
		if (ev->state == TRANSFER_FAILED)
			run->any_failed = true;
		else if (ev->state == TRANSFER_CANCELLED)
			run->any_cancelled = true;
		break;
	default:
		break;
	}
}

/* True when every job we wait for has ended; how they ended. */
static bool
cli_run_finished(struct cli_run *run, uint64_t *items)
{
	struct transfer_snapshot s;
	size_t		 i, open = 0;

	*items = 0;
	transfer_snapshot(run->t, &s);
	for (i = 0; i < s.n; i++) {
		if (!cli_run_ours(run, s.jobs[i].id))
			continue;
		if (!transfer_state_final(s.jobs[i].state))
			open++;
		if (s.jobs[i].state == TRANSFER_FAILED)
			run->any_failed = true;
		else if (s.jobs[i].state == TRANSFER_CANCELLED)
			run->any_cancelled = true;
		*items += s.jobs[i].items_done - s.jobs[i].items_failed -
		    s.jobs[i].items_skipped;
	}
	transfer_snapshot_done(&s);
	return open == 0;
}

/* Report the jobs' own errors (those not about one entry). */
static void
cli_run_job_errors(struct cli_run *run)
{
	struct transfer_snapshot s;
	size_t		 i;

	transfer_snapshot(run->t, &s);
	for (i = 0; i < s.n; i++) {
		if (cli_run_ours(run, s.jobs[i].id) &&
		    s.jobs[i].state == TRANSFER_FAILED &&
		    s.jobs[i].items_failed == 0 && run->failed == 0)
			cli_error(s.jobs[i].to, &s.jobs[i].err);
	}
	transfer_snapshot_done(&s);
}

int
cli_run_wait(struct cli_run *run)
{
	struct transfer_event	*evs, *ev;
	struct pollfd		 pfd;
	uint64_t		 items;
	size_t			 i;

	pfd.fd = transfer_fd(run->t);
	pfd.events = POLLIN;
	for (;;) {
		if (cli_run_signalled && !run->cancelled) {
			run->cancelled = true;
			for (i = 0; i < run->nids; i++)
				(void)transfer_cancel(run->t, run->ids[i],
				    NULL);
		}
		evs = transfer_take(run->t);
		for (ev = evs; ev != NULL; ev = ev->next)
			cli_run_event(run, ev);
		transfer_event_free_all(evs);
		if (cli_run_finished(run, &items))
			break;
		cli_run_progress(run, false);
		if (poll(&pfd, 1, CLI_RUN_POLL_MS) < 0 && errno != EINTR)
			break;
	}
	/* the last events of the jobs */
	evs = transfer_take(run->t);
	for (ev = evs; ev != NULL; ev = ev->next)
		cli_run_event(run, ev);
	transfer_event_free_all(evs);
	cli_run_clear(run);
	if (run->any_cancelled || run->cancelled) {
		cli_errorf(NULL, "cancelled after %" PRIu64 " items", items);
		return CLI_FAILED;
	}
	if (run->any_failed) {
		cli_run_job_errors(run);
		return CLI_FAILED;
	}
	return CLI_OK;
}
