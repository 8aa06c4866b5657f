/* SPDX-License-Identifier: MIT */
/*
 * The two-pane browser: what `ferry` runs with no subcommand.
 *
 * tui_main() takes the location arguments (none: the current directory
 * and store:/; one: it and store:/; two: both) and `--theme NAME|PATH`
 * (anywhere before "--"; it wins over cfg->theme, which a caller may also
 * set), runs the browser on the terminal until the user quits, restores
 * the terminal on every way out (fatal signals included) and returns the
 * exit status: 0, 1 when the browser could not start (no terminal, no
 * worker), 2 for bad arguments or a bad configuration: a theme that is
 * missing or broken ("FILE:LINE: ...") or a bad [keys] binding, found
 * before the screen is touched.
 *
 * Environment knobs for tests: FERRY_TEST_FREEZE=1 stops the spinner so
 * that screens settle; FERRY_TEST_PAGE_SIZE=N pages every listing by N
 * entries and FERRY_TEST_PAGE_DELAY_MS=M waits M ms before each page, so
 * a listing can be watched (and resized, cancelled) while it arrives.
 *
 * Threads: called on the main thread before any other thread exists;
 * starts the worker pool and joins it before returning.
 */
#ifndef FERRY_TUI_TUI_H
#define FERRY_TUI_TUI_H

#include "ferry/config.h"

int	 tui_main(struct ferry_config *cfg, int argc, char **argv);

#endif
