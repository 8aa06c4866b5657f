/* SPDX-License-Identifier: MIT */
/*
 * main() of `ferry`: the global options, the table of subcommands and the
 * dispatch.  With no subcommand, or with locations instead of one, ferry
 * starts the two-pane browser (src/tui/).
 *
 * Exit statuses: 0 success, 1 an operation failed, 2 a usage error.
 *
 * Main thread only; the commands start no threads (the browser starts
 * its worker pool and joins it before returning).
 */
#include <errno.h>
#include <getopt.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sys/stat.h>

#include "cli/cli.h"
#include "tui/tui.h"
#include "core/util.h"

static const struct cli_cmd *const main_cmds[] = {
	&cli_cmd_ls, &cli_cmd_tree, &cli_cmd_info, &cli_cmd_find,
	&cli_cmd_du, &cli_cmd_mkdir, &cli_cmd_put, &cli_cmd_get,
	&cli_cmd_cp, &cli_cmd_mv, &cli_cmd_rm, &cli_cmd_meta,
	&cli_cmd_gc, &cli_cmd_check, &cli_cmd_limits, &cli_cmd_zip,
	&cli_cmd_jobs,
};

static const struct cli_cmd *
main_find(const char *name)
{
	size_t	i;

	for (i = 0; i < FERRY_NELEM(main_cmds); i++) {
		if (strcmp(main_cmds[i]->name, name) == 0)
			return main_cmds[i];
	}
	return NULL;
}

static void
main_usage(FILE *f)
{
	size_t	i;

	fprintf(f,
	    "usage: ferry [--store DIR] [--config FILE] [-q] COMMAND "
	    "[ARGS...]\n"
	    "       ferry [--store DIR] [--config FILE] [--theme NAME|FILE] "
	    "[LOC [LOC]]\n"
	    "       ferry --help | --version | help COMMAND\n"
	    "\n"
	    "ferry browses and moves data between storage folders: local\n"
	    "directories and the embedded folder store.\n"
	    "\n"
	    "Commands:\n");
	for (i = 0; i < FERRY_NELEM(main_cmds); i++)
		fprintf(f, "  %-8s %s\n", main_cmds[i]->name,
		    main_cmds[i]->summary);
	fprintf(f,
	    "\n"
	    "Global options (before the command):\n"
	    "      --store DIR    the embedded store directory (default:\n"
	    "                     $FERRY_STORE, the config, or\n"
	    "                     $XDG_DATA_HOME/ferry/store)\n"
	    "      --config FILE  the configuration file (default:\n"
	    "                     $XDG_CONFIG_HOME/ferry/config)\n"
	    "      --theme NAME   the browser's colours: default, light, mono,\n"
	    "                     high-contrast, classic, or a .theme file\n"
	    "  -q, --quiet        no progress lines\n"
	    "  -h, --help         this help\n"
	    "  -V, --version      the version\n"
	    "\n"
	    "Locations: /path, ./path, ~/path (local files), store:/a/b (the\n"
	    "embedded store), NAME:/a/b (a [profile NAME] of the config).\n"
	    "\n"
	    "Exit status: 0 success, 1 an operation failed, 2 a usage error.\n"
	    "Run 'ferry help COMMAND' for the options of a command.\n");
}

/* `ferry help [COMMAND]` */
static int
main_help(struct cli *c, int argc, char **argv)
{
	const struct cli_cmd *cmd;

	if (argc < 2) {
		main_usage(stdout);
		return CLI_OK;
	}
	cmd = main_find(argv[1]);
	if (cmd == NULL)
		return cli_usage(c, "help: unknown command '%s'", argv[1]);
	cli_help(cmd, stdout);
	return CLI_OK;
}

static const struct option main_longopts[] = {
	{ "store", required_argument, NULL, 's' },
	{ "config", required_argument, NULL, 'c' },
	{ "theme", required_argument, NULL, 'T' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 }
};

/* Global options; returns CLI_OK, CLI_USAGE, or -1 after --help/-V. */
static int
main_options(struct cli *c, int argc, char **argv)
{
	int	opt;

	opterr = 0;
	while ((opt = getopt_long(argc, argv, "+:qhV", main_longopts,
	    NULL)) != -1) {
		switch (opt) {
		case 's':
			c->store_dir = optarg;
			break;
		case 'c':
			c->config_path = optarg;
			break;
		case 'T':
			c->theme = optarg;
			break;
		case 'q':
			c->quiet = true;
			break;
		case 'h':
			main_usage(stdout);
			return -1;
		case 'V':
			printf("ferry %s\n", FERRY_VERSION);
			return -1;
		default:
			return cli_bad_option(c, argv, opt);
		}
	}
	return CLI_OK;
}

/* Flush stdout; a write error (disk full) fails the command. */
static int
main_flush(int status)
{
	if (fflush(stdout) != 0 || ferror(stdout)) {
		if (errno != EPIPE)
			fprintf(stderr, "ferry: writing the output: %s\n",
			    strerror(errno));
		return status == CLI_OK ? CLI_FAILED : status;
	}
	return status;
}

/*
 * True when a first operand names a location rather than a command: it
 * has a '/' or ':' or starts with '.' or '~', or exists as a local path.
 * So `ferry . store:/x` opens the browser and `ferry lss` is an error.
 */
static bool
main_is_location(const char *arg)
{
	struct stat	 st;

	if (main_find(arg) != NULL || strcmp(arg, "help") == 0)
		return false;
	if (strpbrk(arg, "/:") != NULL || arg[0] == '.' || arg[0] == '~')
		return true;
	return lstat(arg, &st) == 0;
}

/* No command: the two-pane browser on up to two locations. */
static int
main_browser(struct cli *c, int argc, char **argv)
{
	int	 status;

	if (cli_config(c) != FERRY_OK) {
		cli_done(c);
		return CLI_USAGE;
	}
	if (c->theme != NULL) {	/* --theme wins over the config */
		free(c->cfg.theme);
		c->cfg.theme = xstrdup(c->theme);
	}
	status = tui_main(&c->cfg, argc, argv);
	cli_done(c);
	return status;
}

int
main(int argc, char **argv)
{
	struct cli	 c;
	const struct cli_cmd *cmd;
	int		 status, cargc;
	char		**cargv;

	setlocale(LC_CTYPE, "");
	cli_init(&c);
	status = main_options(&c, argc, argv);
	if (status != CLI_OK)
		return main_flush(status < 0 ? CLI_OK : status);
	if (optind == argc || main_is_location(argv[optind]))
		return main_browser(&c, argc - optind, argv + optind);
	cargc = argc - optind;
	cargv = argv + optind;
	if (strcmp(cargv[0], "help") == 0)
		return main_flush(main_help(&c, cargc, cargv));
	cmd = main_find(cargv[0]);
	if (cmd == NULL)
		return cli_usage(&c, "unknown command '%s'", cargv[0]);
	c.cmd = cmd;
	if (cmd != &cli_cmd_jobs)
		cli_jobs_notice(&c);
	optind = 0;	/* glibc: full reinitialisation for the command */
	status = cmd->exec(&c, cargc, cargv);
	cli_done(&c);
	return main_flush(status);
}
