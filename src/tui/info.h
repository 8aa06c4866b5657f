/* SPDX-License-Identifier: MIT */
/*
 * The info view (Ctrl-L or i): the other pane shows the entry under the
 * active pane's cursor in full, and follows the cursor as it moves.
 *
 * A folder shows its breadcrumb (path_to_root), id, description, tags,
 * created/updated/user, starred, ttl, client_metadata as indented JSON,
 * and on demand (S) its summary: bytes, items, folders, and by type.  An
 * item shows its size, MIME type, type class, checksum, times, user and
 * metadata.  A local entry shows what the local backend knows (mode, link
 * target, mtime).  With no entry under the cursor (an empty folder) the
 * folder itself is shown.
 *
 * What the listing already knows is shown at once; the full entry comes
 * from a STAT (and the breadcrumb from a PATH_TO_ROOT) on the worker, sent
 * once the cursor has rested for INFO_DEBOUNCE_MS, so scrolling through a
 * folder sends one request, not hundreds.  Every move to another entry
 * starts a new generation, so late answers about an earlier entry are
 * dropped.  The summary can take long on a big local tree: a spinner runs
 * while it does and Esc cancels it.
 *
 * Keys while it is shown (the browser keeps all the others): S summary,
 * J/K or Shift-Down/Shift-Up scroll the info, Esc stops a summary, i or
 * Ctrl-L closes it.  Every string is drawn through draw.h.
 *
 * UI thread only.  Worker events come back on TUI_WPANE_INFO and
 * TUI_WPANE_SUMMARY.
 */
#ifndef FERRY_TUI_INFO_H
#define FERRY_TUI_INFO_H

#include <curses.h>
#include <stdbool.h>
#include <wchar.h>

#include "jobs/worker.h"

#define INFO_DEBOUNCE_MS	80

struct app;

/* Open or close the info view. */
void	 info_toggle(struct app *app);
void	 info_close(struct app *app);

/*
 * Follow the active pane's cursor: call after keys and events.  A new
 * entry is shown at once from the listing; its requests wait for the
 * debounce.
 */
void	 info_follow(struct app *app);
/* Milliseconds until info_tick() has work, or -1. */
int	 info_timeout(const struct app *app);
/* Send the requests the debounce held back, when it is time. */
void	 info_tick(struct app *app);

/* A key while the view is shown; false when it is not the view's. */
bool	 info_key(struct app *app, bool fkey, wint_t ch);
/* Esc: stop a running summary; false when none ran. */
bool	 info_cancel(struct app *app);
/* An event of TUI_WPANE_INFO or TUI_WPANE_SUMMARY. */
void	 info_event(struct app *app, struct worker_event *ev);
/* True while a request runs (for the spinner). */
bool	 info_busy(const struct app *app);

/* Draw the view in the h x w cells at (y, x). */
void	 info_draw(struct app *app, WINDOW *win, int y, int x, int h, int w,
	    char spin);

/*
 * Pure helpers (unit-tested): cJSON's indented text of a JSON value with
 * its tabs made two spaces (malloc'd), or NULL when text is not JSON; and
 * "a, b" from a JSON array of strings (malloc'd; NULL when not one).
 */
char	*info_json_pretty(const char *text);
char	*info_tags_text(const char *tags);

/* Bytes of s (n bytes) for one row of width cells, broken at a space
 * when one fits (at least one character). */
size_t	 info_wrap(const char *s, size_t n, int width);

#endif
