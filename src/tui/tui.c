/* SPDX-License-Identifier: MIT */
/*
 * The browser's main loop: terminal set-up and restore, signals, the poll
 * loop, routing of worker events, and the screen around the panes (the
 * message line and the function-key bar).
 *
 * DESIGN.  The UI thread owns curses and never calls a backend.  It polls
 * three fds: the terminal (stdin), the worker's eventfd and a self-pipe
 * that the SIGINT handler writes to; the timeout is the spinner's tick
 * while something loads, else infinite.  After every wake-up it drains
 * every key ncurses has (get_wch until ERR: ncurses buffers input, so a
 * readable stdin is not the only sign of a key), then every worker event,
 * then redraws once if anything changed.  SIGWINCH is left to ncurses,
 * which turns it into KEY_RESIZE; the worker threads block it (and the
 * other job-control signals) so that it interrupts this thread's poll.
 *
 * Every way out restores the terminal: the normal return (endwin), and
 * the handlers of SIGTERM, SIGHUP, SIGQUIT and the fatal signals (SEGV,
 * BUS, FPE, ILL, ABRT), which write the terminfo sequences endwin would
 * (prepared at start: endwin is not async-signal-safe), put the saved
 * termios back and re-raise with the default action.  SIGINT is a key: it cancels a listing, or quits when nothing
 * runs; three unanswered ones in a row restore the terminal and exit.
 *
 * File-scope state is limited to what the signal handlers need.
 */
#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <curses.h>

#include "core/util.h"
#include "ferry/location.h"
#include "jobs/worker.h"
#include "tui/draw.h"
#include "tui/info.h"
#include "tui/mouse.h"
#include "tui/style.h"
#include "tui/tui-int.h"
#include "tui/tui.h"
#include "tui/viewer.h"

#define TUI_SPIN_MS	120

/* For the signal handlers only. */
static volatile sig_atomic_t	 tui_curses_on;
static volatile sig_atomic_t	 tui_sigints;
static int			 tui_sigfd[2] = { -1, -1 };
static struct termios		 tui_saved_tio;
static bool			 tui_have_tio;
static char			 tui_restore_seq[256];
static size_t			 tui_restore_len;

/*
 * What endwin() would send to leave the screen (attributes off, cursor
 * shown, keypad off, alternate screen off), from terminfo, kept for the
 * signal handlers: endwin() itself is not async-signal-safe and may find
 * curses in the middle of a refresh.
 */
static void
tui_restore_prepare(void)
{
	static const char *const caps[] = { "sgr0", "cnorm", "rmkx",
	    "rmcup" };
	char	*v;
	size_t	 i, n;

	tui_restore_len = 0;
	for (i = 0; i < FERRY_NELEM(caps); i++) {
		v = tigetstr(caps[i]);
		if (v == NULL || v == (char *)-1)
			continue;
		n = strlen(v);
		if (tui_restore_len + n >= sizeof tui_restore_seq)
			break;
		memcpy(tui_restore_seq + tui_restore_len, v, n);
		tui_restore_len += n;
	}
	/* Mouse reports off (tui-mouse.c; harmless when never on). */
	n = strlen(mouse_off_seq());
	if (tui_restore_len + n < sizeof tui_restore_seq) {
		memcpy(tui_restore_seq + tui_restore_len, mouse_off_seq(), n);
		tui_restore_len += n;
	}
}

/* Give the terminal back from a signal handler (async-signal-safe). */
static void
tui_restore_now(void)
{
	if (!tui_curses_on)
		return;
	tui_curses_on = 0;
	if (tui_restore_len > 0 &&
	    write(STDOUT_FILENO, tui_restore_seq, tui_restore_len) < 0) {
		/* Nothing more can be done from here. */
	}
	if (tui_have_tio)
		tcsetattr(STDIN_FILENO, TCSANOW, &tui_saved_tio);
}

static void
tui_fatal(int sig)
{
	tui_restore_now();
	signal(sig, SIG_DFL);
	raise(sig);
}

static void
tui_sigint(int sig)
{
	int	 saved = errno;
	char	 c = 'i';

	(void)sig;
	if (++tui_sigints >= 3) {
		/* The loop is not answering: get the terminal back. */
		tui_restore_now();
		_exit(130);
	}
	if (write(tui_sigfd[1], &c, 1) < 0) {
		/* The pipe is full: a wake-up is pending anyway. */
	}
	errno = saved;
}

static void
tui_signals(bool on)
{
	static const int fatal[] = { SIGTERM, SIGHUP, SIGQUIT, SIGSEGV,
	    SIGBUS, SIGFPE, SIGILL, SIGABRT };
	struct sigaction sa;
	size_t		 i;

	memset(&sa, 0, sizeof sa);
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on ? tui_fatal : SIG_DFL;
	sa.sa_flags = on ? SA_RESETHAND | SA_NODEFER : 0;
	for (i = 0; i < FERRY_NELEM(fatal); i++)
		sigaction(fatal[i], &sa, NULL);
	sa.sa_handler = on ? tui_sigint : SIG_DFL;
	sa.sa_flags = 0;
	sigaction(SIGINT, &sa, NULL);
}

void
tui_message(struct app *app, bool error, const char *fmt, ...)
{
	va_list	 ap;
	char	*s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		ferry_assert_fail("vasprintf", __FILE__, __LINE__);
	va_end(ap);
	free(app->msg);
	app->msg = s;
	app->msg_error = error;
	app->dirty = true;
}

bool
tui_any_loading(const struct app *app)
{
	int	 i;

	for (i = 0; i < TUI_PANES; i++)
		if (app->panes[i].loading)
			return true;
	return info_busy(app) || viewer_busy(app);
}

static void
tui_draw_fkeys(int y, int cols)
{
	static const char *const labels[10] = { "Help", "Rename", "View",
	    "Edit", "Copy", "Move", "Mkdir", "Delete", "Jobs", "Quit" };
	char	 num[16];
	int	 i, x, next, nw;

	draw_blank(stdscr, y, 0, cols, style_attr(STYLE_FKEY_NUM));
	for (i = 0; i < 10; i++) {
		x = i * cols / 10;
		next = (i + 1) * cols / 10;
		snprintf(num, sizeof num, "%d", i + 1);
		nw = (int)strlen(num);
		if (next - x <= nw)
			continue;
		draw_str(stdscr, y, x, nw, num, 0,
		    style_attr(STYLE_FKEY_NUM), style_attr(STYLE_FKEY_NUM));
		draw_str(stdscr, y, x + nw, next - x - nw - (i < 9),
		    labels[i], DRAW_PAD, style_attr(STYLE_FKEY_LABEL),
		    style_attr(STYLE_FKEY_LABEL));
	}
}

/* The message line: the filter prompt, or the last message. */
static int
tui_draw_message(struct app *app, int y, int cols)
{
	enum style_role	 role = app->msg_error ? STYLE_ERROR : STYLE_MESSAGE;
	attr_t		 a = style_attr(STYLE_MESSAGE);

	draw_blank(stdscr, y, 0, cols, a);
	if (app->filtering) {
		draw_str(stdscr, y, 0, 8, "Filter: ", 0, a, a);
		return line_draw(&app->filter, stdscr, y, 8, cols - 8,
		    style_attr(STYLE_INPUT), style_escape(STYLE_INPUT));
	}
	if (app->msg != NULL)
		draw_str(stdscr, y, 0, cols, app->msg, 0, style_attr(role),
		    style_escape(role));
	return -1;
}

/* Pane i, or the info view in the pane that is not active. */
static void
tui_draw_side(struct app *app, int i, int x, int h, int w, char spin)
{
	if (app->info != NULL && i != app->active)
		info_draw(app, stdscr, 0, x, h, w, spin);
	else
		pane_draw(&app->panes[i], stdscr, 0, x, h, w,
		    app->active == i, spin);
}

static void
tui_draw(struct app *app)
{
	static const char frames[] = "|/-\\";
	int	 lines = LINES, cols = COLS, ph, lw, cx;
	char	 spin;

	erase();
	/* The panes say where they went (for the mouse); not drawn: 0. */
	app->panes[0].draw_w = app->panes[1].draw_w = 0;
	if (lines < 6 || cols < 20) {
		draw_str(stdscr, 0, 0, cols, "Terminal too small", 0,
		    style_attr(STYLE_ERROR), style_attr(STYLE_ERROR));
		refresh();
		return;
	}
	spin = app->freeze ? '*' : frames[app->spin % 4];
	ph = lines - 2;
	if (app->viewer != NULL)
		cx = viewer_draw(app, stdscr, lines, cols, spin);
	else {
		if (cols < TUI_NARROW && app->info != NULL)
			info_draw(app, stdscr, 0, 0, ph, cols, spin);
		else if (cols < TUI_NARROW)
			pane_draw(&app->panes[app->active], stdscr, 0, 0, ph,
			    cols, true, spin);
		else {
			lw = (cols - 1) / 2;
			tui_draw_side(app, 0, 0, ph, lw, spin);
			wattrset(stdscr, (int)style_attr(STYLE_BORDER));
			mvwvline(stdscr, 0, lw, ACS_VLINE, ph);
			tui_draw_side(app, 1, lw + 1, ph, cols - lw - 1, spin);
		}
		cx = tui_draw_message(app, lines - 2, cols);
		tui_draw_fkeys(lines - 1, cols);
	}
	if (app->dialog != NULL) {
		dialog_draw(app->dialog, stdscr, lines, cols);
		if (app->dialog->cursor_y >= 0) {
			curs_set(1);
			move(app->dialog->cursor_y, app->dialog->cursor_x);
		} else
			curs_set(0);
	} else if (cx >= 0) {
		curs_set(1);
		move(lines - 2, cx);
	} else
		curs_set(0);
	refresh();
}

/* What a finished listing says on the message line. */
static void
tui_list_end(struct app *app, struct pane *p, const struct worker_event *ev)
{
	if (ev->code == FERRY_E_CANCELLED)
		tui_message(app, false, "Listing of %s cancelled: showing %zu "
		    "entries.", p->label, p->nrows);
	else if (ev->code != FERRY_OK && strstr(ev->err.msg, p->path) != NULL)
		/* The backend's message names the folder already. */
		tui_message(app, true, "Cannot list: %s", ev->err.msg);
	else if (ev->code != FERRY_OK)
		tui_message(app, true, "Cannot list %s: %s", p->label,
		    ev->err.msg[0] != '\0' ? ev->err.msg :
		    ferry_strerror(ev->code));
}

static void
tui_events(struct app *app)
{
	struct worker_event	*list, *ev;
	struct pane		*p;

	list = worker_take(app->worker);
	for (ev = list; ev != NULL; ev = ev->next) {
		/*
		 * Results may open a dialog or change a message: redraw.
		 * Details of rows (STATS) only when they reach the screen.
		 */
		if (ev->type != WORKER_EV_STATS)
			app->dirty = true;
		if (ev->pane == TUI_WPANE_INFO ||
		    ev->pane == TUI_WPANE_SUMMARY) {
			info_event(app, ev);
			continue;
		}
		if (ev->pane == TUI_WPANE_VIEW ||
		    ev->pane == TUI_WPANE_SEARCH) {
			viewer_event(app, ev);
			continue;
		}
		if (ev->type == WORKER_EV_DONE) {
			tui_op_event(app, ev);
			continue;
		}
		if (ev->pane < 0 || ev->pane >= TUI_PANES)
			continue;
		p = &app->panes[ev->pane];
		if (!pane_event(p, ev))
			continue;
		app->dirty = true;
		if (ev->type == WORKER_EV_PAGE && ev->last)
			tui_list_end(app, p, ev);
	}
	worker_event_free_all(list);
}

static void
tui_keys(struct app *app)
{
	wint_t	 ch;
	int	 rc;

	while ((rc = get_wch(&ch)) != ERR) {
		if (rc == KEY_CODE_YES && ch == KEY_RESIZE) {
			app->dirty = true;
			continue;
		}
		tui_input(app, rc == KEY_CODE_YES, ch);
		app->dirty = true;
		if (app->quit)
			break;
	}
}

static void
tui_drain_signals(struct app *app)
{
	char	 buf[16];
	ssize_t	 n;
	int	 count = 0;

	while ((n = read(tui_sigfd[0], buf, sizeof buf)) > 0)
		count += (int)n;
	if (count == 0)
		return;
	tui_sigints = 0;
	tui_interrupt(app);
	app->dirty = true;
}

static void
tui_tick(struct app *app)
{
	unsigned int	 frame;

	if (app->freeze || !tui_any_loading(app))
		return;
	frame = (unsigned int)(ferry_mono_ns() / (TUI_SPIN_MS * 1000000ull));
	if (frame != app->spin) {
		app->spin = frame;
		app->dirty = true;
	}
}

/* Wait for the details of the rows on screen, apply them and draw. */
static void
tui_bench_settle(struct app *app)
{
	struct pollfd	 pfd;
	int		 i, tries;

	for (i = 0; i < TUI_PANES; i++) {
		for (tries = 0; pane_filling(&app->panes[i]) && tries < 100;
		    tries++) {
			pfd.fd = worker_fd(app->worker);
			pfd.events = POLLIN;
			poll(&pfd, 1, 100);
			tui_events(app);
		}
	}
	if (app->dirty) {
		app->dirty = false;
		tui_draw(app);
	}
}

/*
 * One keypress for bench/tui-keypress.sh: Down, drawn, and the details
 * of the row it brought on screen asked for, applied and drawn, as the
 * loop would do them.  Never inlined: callgrind counts its instructions
 * (--toggle-collect=tui_bench_press*).
 */
static void __attribute__((noinline))
tui_bench_press(struct app *app)
{
	tui_input(app, true, KEY_DOWN);
	tui_draw(app);
	tui_bench_settle(app);
}

/*
 * FERRY_BENCH_KEYS=N: once both panes are listed and drawn with their
 * details, put the cursor on the last row on screen, then press Down N
 * times (tui_bench_press: each scrolls by a row) and quit.
 */
static bool
tui_bench(struct app *app)
{
	struct pane	*p = &app->panes[app->active];
	long		 i;

	if (app->bench_keys <= 0 || app->dirty || tui_any_loading(app) ||
	    pane_filling(&app->panes[0]) || pane_filling(&app->panes[1]))
		return false;
	pane_move(p, p->height - 1);
	app->dirty = true;
	tui_bench_settle(app);
	for (i = 0; i < app->bench_keys; i++)
		tui_bench_press(app);
	app->quit = true;
	return true;
}

static void
tui_loop(struct app *app)
{
	struct pollfd	 pfd[3];
	int		 timeout;

	while (!app->quit) {
		/* The info view follows the cursor wherever it went. */
		info_follow(app);
		if (app->dirty) {
			app->dirty = false;
			tui_draw(app);
		}
		if (tui_bench(app))
			break;
		/* OSC 52 goes out after a refresh, never inside one. */
		tui_clip_flush(app);
		timeout = !app->freeze && tui_any_loading(app) ?
		    TUI_SPIN_MS : -1;
		if (info_timeout(app) >= 0 &&
		    (timeout < 0 || info_timeout(app) < timeout))
			timeout = info_timeout(app);
		pfd[0].fd = STDIN_FILENO;
		pfd[0].events = POLLIN;
		pfd[1].fd = worker_fd(app->worker);
		pfd[1].events = POLLIN;
		pfd[2].fd = tui_sigfd[0];
		pfd[2].events = POLLIN;
		if (poll(pfd, 3, timeout) < 0 && errno != EINTR) {
			tui_message(app, true, "poll: %s", strerror(errno));
			app->status = 1;
			break;
		}
		if ((pfd[0].revents & (POLLHUP | POLLERR | POLLNVAL)) &&
		    !(pfd[0].revents & POLLIN)) {
			app->status = 1;	/* the terminal went away */
			break;
		}
		tui_drain_signals(app);
		tui_keys(app);
		tui_events(app);
		info_tick(app);
		tui_tick(app);
	}
}

static long
tui_env_num(const char *name, long dflt, long max)
{
	const char	*v = getenv(name);
	char		*end;
	long		 n;

	if (v == NULL || *v == '\0')
		return dflt;
	n = strtol(v, &end, 10);
	if (*end != '\0' || n < 0 || n > max)
		return dflt;
	return n;
}

/*
 * Parse the arguments: up to two locations, one per pane, and --theme
 * NAME|PATH (or --theme=...) anywhere before "--".
 */
static int
tui_parse_args(int argc, char **argv, struct ferry_location loc[TUI_PANES],
    const char **theme)
{
	const char		*text[TUI_PANES] = { ".", "store:/" };
	struct ferry_error	 err;
	int			 i, n = 0;
	bool			 opts = true;

	*theme = NULL;
	for (i = 0; i < argc; i++) {
		if (opts && strcmp(argv[i], "--") == 0)
			opts = false;
		else if (opts && (strcmp(argv[i], "--theme") == 0 ||
		    strncmp(argv[i], "--theme=", 8) == 0)) {
			if (argv[i][7] == '=')
				*theme = argv[i] + 8;
			else
				*theme = i + 1 < argc ? argv[++i] : NULL;
			if (*theme == NULL || **theme == '\0') {
				fprintf(stderr, "ferry: --theme needs a theme "
				    "name or the path of a .theme file\n");
				return 2;
			}
		} else if (n++ < TUI_PANES)
			text[n - 1] = argv[i];
	}
	if (n > TUI_PANES) {
		fprintf(stderr, "ferry: too many locations (%d): the browser "
		    "takes at most two, one per pane\n", n);
		return 2;
	}
	for (i = 0; i < TUI_PANES; i++) {
		memset(&loc[i], 0, sizeof loc[i]);
		if (ferry_location_parse(text[i], &loc[i], &err) != FERRY_OK) {
			fprintf(stderr, "ferry: %s\n", err.msg);
			while (i-- > 0)
				ferry_location_done(&loc[i]);
			return 2;
		}
	}
	return 0;
}

/* Start curses; false (with a message on stderr) when it cannot. */
static bool
tui_curses_start(SCREEN **scr, const struct theme *theme)
{
	const char	*term = getenv("TERM");
	char		*cup;

	tui_have_tio = tcgetattr(STDIN_FILENO, &tui_saved_tio) == 0;
	*scr = newterm(NULL, stdout, stdin);
	if (*scr == NULL) {
		fprintf(stderr, "ferry: cannot use the terminal (TERM=%s)\n",
		    term != NULL ? term : "(unset)");
		return false;
	}
	set_term(*scr);
	cup = tigetstr("cup");
	if (cup == NULL || cup == (char *)-1) {
		/* dumb and the like: nothing could be drawn in place. */
		endwin();
		delscreen(*scr);
		fprintf(stderr, "ferry: the terminal (TERM=%s) cannot move "
		    "the cursor, which the browser needs; set TERM to your "
		    "terminal's type, or use the subcommands (ferry ls, ...)\n",
		    term != NULL ? term : "(unset)");
		return false;
	}
	tui_curses_on = 1;
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	set_escdelay(25);
	curs_set(0);
	style_init(theme);
	tui_restore_prepare();
	return true;
}

static void
tui_curses_stop(SCREEN *scr)
{
	if (tui_curses_on) {
		tui_curses_on = 0;
		endwin();
	}
	delscreen(scr);
}

static void
tui_app_done(struct app *app)
{
	int	 i;

	for (i = 0; i < TUI_PANES; i++)
		pane_done(&app->panes[i]);
	dialog_free(app->dialog);
	free(app->target);
	line_done(&app->filter);
	tui_op_done(&app->op);
	free(app->msg);
	tui_extras_done(app);
	tui_keys_done(app);
}

int
tui_main(struct ferry_config *cfg, int argc, char **argv)
{
	struct ferry_location	 loc[TUI_PANES];
	struct worker_opts	 wo;
	struct ferry_error	 err;
	struct app		 app;
	struct theme		 theme;
	SCREEN			*scr;
	const char		*theme_arg;
	int			 i, result;

	if ((result = tui_parse_args(argc, argv, loc, &theme_arg)) != 0)
		return result;
	memset(&app, 0, sizeof app);
	app.cfg = cfg;
	for (i = 0; i < TUI_PANES; i++)
		pane_init(&app.panes[i], i, &loc[i]);
	line_init(&app.filter, NULL);
	/* Configuration mistakes end here, before the screen is touched. */
	if (tui_keys_init(&app, &err) != FERRY_OK ||
	    theme_load(&theme, theme_arg != NULL ? theme_arg : cfg->theme,
	    &err) != FERRY_OK) {
		fprintf(stderr, "ferry: %s\n", err.msg);
		result = 2;
		goto out;
	}
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		fprintf(stderr, "ferry: the browser needs a terminal on stdin "
		    "and stdout (for scripts, use a subcommand: ferry ls, "
		    "ferry cp, ...)\n");
		result = 1;
		goto out;
	}
	setlocale(LC_ALL, "");
	draw_init();
	app.freeze = getenv("FERRY_TEST_FREEZE") != NULL &&
	    strcmp(getenv("FERRY_TEST_FREEZE"), "1") == 0;
	app.bench_keys = tui_env_num("FERRY_BENCH_KEYS", 0, 1000000);

	memset(&wo, 0, sizeof wo);
	wo.threads = 2;
	wo.page_size = (uint32_t)tui_env_num("FERRY_TEST_PAGE_SIZE", 0,
	    FERRY_PAGE_MAX);
	wo.page_all = wo.page_size != 0;
	wo.page_delay_ms = (uint32_t)tui_env_num("FERRY_TEST_PAGE_DELAY_MS",
	    0, 60000);
	wo.stop_grace_ms = 1000;
	/* Before the signal handlers: the threads block those signals. */
	if (worker_new(cfg, &wo, &app.worker, &err) != FERRY_OK) {
		fprintf(stderr, "ferry: %s\n", err.msg);
		result = 1;
		goto out;
	}
	if (pipe2(tui_sigfd, O_NONBLOCK | O_CLOEXEC) != 0) {
		fprintf(stderr, "ferry: pipe: %s\n", strerror(errno));
		result = 1;
		goto out;
	}
	tui_signals(true);
	if (!tui_curses_start(&scr, &theme)) {
		result = 1;
		goto out;
	}
	tui_mouse_start(&app);
	for (i = 0; i < TUI_PANES; i++)
		pane_load(&app.panes[i], app.worker, app.panes[i].path, NULL,
		    false);
	app.dirty = true;
	tui_loop(&app);
	/* While the worker runs: they drop their generations. */
	viewer_close(&app);
	info_close(&app);
	result = app.status;
	tui_mouse_stop(&app);
	tui_curses_stop(scr);
out:
	tui_signals(false);
	/* Stop the worker before the panes: no event may outlive them. */
	worker_free(app.worker);
	tui_app_done(&app);
	for (i = 0; i < 2; i++) {
		if (tui_sigfd[i] != -1)
			close(tui_sigfd[i]);
		tui_sigfd[i] = -1;
	}
	return result;
}
