/* SPDX-License-Identifier: MIT */
/*
 * The copy-location key (y): the location of the entry under the cursor
 * ("store:/a/b", "/home/me/x"; the folder's when it is empty) goes to the
 * terminal's clipboard with OSC 52 (clip.h), and the message line says
 * "copied LOCATION" (drawn escaped, like every name).
 *
 * Curses and the sequence.  The action only builds the bytes; the loop
 * calls tui_clip_flush() right after the next refresh, which writes them
 * straight to the terminal once curses' own output is flushed.  OSC 52
 * prints nothing and moves no cursor, so curses' picture of the screen
 * stays true and nothing needs redrawing.
 *
 * UI thread only.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/util.h"
#include "ferry/location.h"
#include "tui/clip.h"
#include "tui/tui-int.h"

void
tui_act_copy_location(struct app *app)
{
	struct pane		*p = &app->panes[app->active];
	struct ferry_entry	*e = pane_current(p);
	char			*path, *text, *seq;
	size_t			 len;

	if (e != NULL) {
		path = pane_entry_path(p, e);
		text = ferry_location_format(&p->loc, path);
		free(path);
	} else
		text = xstrdup(p->label);
	seq = clip_osc52(text, strlen(text), clip_wrap_for(getenv("TERM"),
	    getenv("TMUX"), getenv("STY")), &len);
	if (seq == NULL) {
		tui_message(app, true, "Not copied: the location is longer "
		    "than %d bytes.", CLIP_TEXT_MAX);
		free(text);
		return;
	}
	free(app->clip);
	app->clip = seq;
	app->clip_len = len;
	tui_message(app, false, "copied %s", text);
	free(text);
}

void
tui_clip_flush(struct app *app)
{
	size_t	 off = 0;
	ssize_t	 w;

	if (app->clip == NULL)
		return;
	fflush(stdout);
	while (off < app->clip_len) {
		w = write(STDOUT_FILENO, app->clip + off, app->clip_len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break;
		off += (size_t)w;
	}
	free(app->clip);
	app->clip = NULL;
	app->clip_len = 0;
}
