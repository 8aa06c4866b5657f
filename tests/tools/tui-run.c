/* SPDX-License-Identifier: MIT */
/*
 * tui-run: start the browser without the CLI, for the tests of the TUI
 * until `ferry` with no subcommand reaches it.  Loads the configuration
 * the way ferry does (FERRY_STORE, XDG_CONFIG_HOME) and passes its
 * arguments, the locations of the two panes, to tui_main().
 */
#include <locale.h>
#include <stdio.h>

#include "ferry/config.h"
#include "tui/tui.h"

int
main(int argc, char **argv)
{
	struct ferry_config	 cfg;
	struct ferry_error	 err;
	int			 status;

	setlocale(LC_ALL, "");
	if (ferry_config_load(&cfg, NULL, NULL, &err) != FERRY_OK) {
		fprintf(stderr, "tui-run: %s\n", err.msg);
		ferry_config_done(&cfg);
		return 1;
	}
	status = tui_main(&cfg, argc - 1, argv + 1);
	ferry_config_done(&cfg);
	return status;
}
