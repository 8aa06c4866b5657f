/* SPDX-License-Identifier: MIT */
/*
 * The viewer (F3): an item's content on the whole screen, as text (with
 * scrolling, wrap and search) or as a hex dump (offset, hex bytes, ASCII),
 * chosen from the first block (NUL bytes or invalid UTF-8: hex) and
 * toggled with h or F4.
 *
 * Nothing is read on the UI thread and the item is never read whole: the
 * viewer asks the worker for a STAT (the size), then for the 64 KiB blocks
 * the screen needs (WORKER_READ, range reads), kept in a bounded LRU
 * (tui/vtext.h).  A move that needs a block not there yet waits for it:
 * the move is remembered and finished when the block comes, so keys never
 * block.  G on a 10 GiB item costs the last blocks only.  A search runs
 * on the worker over range reads (WORKER_SEARCH), reports its progress and
 * is cancelled with Esc.
 *
 * Every byte is drawn through draw.h's classifier: control characters,
 * escape sequences, bidi controls and invalid UTF-8 appear as visible
 * escapes, and tabs as spaces.
 *
 * Keys: Up/k Down/j PgUp/b PgDn/Space Home/g End/G scroll, Left/Right
 * scroll sideways (no wrap), / search, n/N next/previous match, h/F4 hex,
 * w wrap, F1/? help, q/F3/F10/Esc close (Esc first stops a search).
 *
 * UI thread only.  Worker events come back on the panes TUI_WPANE_VIEW
 * (stat and blocks) and TUI_WPANE_SEARCH; closing the viewer moves both
 * to a new generation, so nothing of it outlives it.
 */
#ifndef FERRY_TUI_VIEWER_H
#define FERRY_TUI_VIEWER_H

#include <curses.h>
#include <stdbool.h>
#include <wchar.h>

#include "ferry/entry.h"
#include "jobs/worker.h"

struct app;
struct pane;

/* Open the viewer on entry e of pane p (an item). */
void	 viewer_open(struct app *app, const struct pane *p,
	    const struct ferry_entry *e);
/* Close it (nothing when it is not open). */
void	 viewer_close(struct app *app);

/* A key while the viewer is open. */
void	 viewer_key(struct app *app, bool fkey, wint_t ch);
/* An event of TUI_WPANE_VIEW or TUI_WPANE_SEARCH. */
void	 viewer_event(struct app *app, struct worker_event *ev);
/* Ctrl-C: stop a search, else close. */
void	 viewer_interrupt(struct app *app);
/* True while something runs that the spinner should show. */
bool	 viewer_busy(const struct app *app);

/*
 * Draw the whole screen (lines x cols).  Returns the column of the text
 * cursor on the line lines - 2 (the search prompt), or -1.
 */
int	 viewer_draw(struct app *app, WINDOW *win, int lines, int cols,
	    char spin);

#endif
