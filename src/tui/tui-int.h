/* SPDX-License-Identifier: MIT */
/*
 * Inside the browser: the application state shared by the loop (tui.c),
 * the key actions (tui-keys.c) and the operations run on the worker
 * (tui-ops.c).  Everything here belongs to the UI thread.
 */
#ifndef FERRY_TUI_INT_H
#define FERRY_TUI_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <wchar.h>

#include "ferry/config.h"
#include "ferry/entry.h"
#include "jobs/worker.h"
#include "tui/bookmarks.h"
#include "tui/dialog.h"
#include "tui/keymap.h"
#include "tui/mouse.h"
#include "tui/pane.h"

#define TUI_PANES	2
#define TUI_NARROW	80	/* below this many columns: one pane */

/*
 * Worker pane ids beyond the two panes (0 and 1): each has its own
 * generation, so the info view's and the viewer's requests are dropped
 * when they move on, and reads of one never wait behind another's.
 */
#define TUI_WPANE_INFO		2	/* info view: stat, path_to_root */
#define TUI_WPANE_SUMMARY	3	/* info view: a folder's summary */
#define TUI_WPANE_VIEW		4	/* viewer: stat and blocks */
#define TUI_WPANE_SEARCH	5	/* viewer: a search */

/* What an open dialog is for. */
enum tui_action {
	TUI_ACT_MKDIR = 1,
	TUI_ACT_RENAME,
	TUI_ACT_DELETE,
	TUI_ACT_DELETE_AGAIN,	/* non-empty folders: delete recursively? */
	TUI_ACT_HELP,
	TUI_ACT_MARK_GLOB,	/* tui-marks.c: + and - */
	TUI_ACT_UNMARK_GLOB,
	TUI_ACT_BOOKMARK_ADD,	/* tui-bookmarks.c */
	TUI_ACT_BOOKMARKS,
};

/* The mouse (tui-mouse.c): the report being read, the button held. */
struct tui_mouse {
	bool		 on;		/* reports were asked for */
	bool		 parsing;	/* a report's characters are coming */
	struct mouse_parser parser;
	bool		 down;		/* the left button is held */
	int		 down_pane;	/* where it went down: a pane or -1 */
	long		 down_row;	/* the view index there, or -1 */
	bool		 dragging;	/* it went over the other pane */
	struct mouse_clicks clicks;
};

/* A mutation in flight: one or more requests whose results we count. */
struct tui_op {
	enum worker_op	 op;		/* 0: none */
	int		 pane;		/* the pane it was started from */
	char		*folder;	/* label of the folder it changes */
	size_t		 pending;	/* requests not answered yet */
	size_t		 total;
	size_t		 ok;
	size_t		 failed;
	char		*first_error;
	char		*select;	/* name for the cursor afterwards */
	char		*what;		/* "NAME" or "3 entries", for messages */
	char		**again;	/* REMOVE: paths of non-empty folders */
	size_t		 nagain;
	size_t		 kept;		/* non-empty folders the user kept */
	struct ferry_summary again_sum;
	bool		 again_sum_known;
};

struct app {
	struct ferry_config *cfg;
	struct worker	*worker;
	struct pane	 panes[TUI_PANES];
	int		 active;

	char		*msg;		/* the message line (untrusted ok) */
	bool		 msg_error;
	struct dialog	*dialog;	/* a modal dialog, or NULL */
	char		*target;	/* the entry the dialog is about: the
					   cursor may move under it as pages
					   arrive, the name does not */
	bool		 filtering;	/* the filter prompt has the keys */
	struct line	 filter;
	struct tui_op	 op;

	bool		 freeze;	/* FERRY_TEST_FREEZE: no animation */
	unsigned int	 spin;		/* spinner frame */
	bool		 dirty;		/* redraw before sleeping */
	bool		 quit;
	int		 status;	/* exit status */

	struct info	*info;		/* the info view (info.c), or NULL */
	struct viewer	*viewer;	/* the viewer (viewer.c), or NULL */
	uint64_t	 mode_gen;	/* generations for the TUI_WPANE_*
					   ids: only ever grows */

	struct keymap	*keymap;	/* the bindings (tui-keys.c) */
	struct keymap_def *keydefs;	/* its table of actions */
	char		**help;		/* what F1 shows, built with them */
	size_t		 nhelp;

	struct tui_mouse mouse;
	char		*search;	/* the last filter typed, for n/N */
	char		*glob;		/* the last + or - pattern */
	char		*clip;		/* OSC 52 bytes to write after the
					   next refresh (tui-clip.c) */
	size_t		 clip_len;
	struct bookmarks bookmarks;	/* as last read (tui-bookmarks.c) */
	char		**bm_lines;	/* the list dialog's lines */
	size_t		 nbm_lines;

	long		 bench_keys;	/* FERRY_BENCH_KEYS (tui.c), or 0 */
};

/* tui.c */
void	 tui_message(struct app *app, bool error, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
bool	 tui_any_loading(const struct app *app);

/* tui-keys.c */
/* Bindings from the table and cfg's [keys]; an error names the culprit. */
enum ferry_code tui_keys_init(struct app *app, struct ferry_error *err);
void	 tui_keys_done(struct app *app);
void	 tui_key(struct app *app, bool fkey, wint_t ch);
void	 tui_interrupt(struct app *app);
/* Run the action called name (a [keys] name); false when none is. */
bool	 tui_run_action(struct app *app, const char *name);
/* The keys bound to the action called name: "F5" or "" (for messages). */
const char *tui_action_keys(struct app *app, const char *name);
/* A dialog was answered (ok) or cancelled: its action's handler. */
void	 tui_dialog_done(struct app *app, struct dialog *d, bool ok);

/* tui-mouse.c */
/* Ask for mouse reports unless [ferry] mouse = off (after curses
 * starts), and stop them (before endwin). */
void	 tui_mouse_start(struct app *app);
void	 tui_mouse_stop(struct app *app);
/* Every key get_wch() gives: mouse reports and Alt-letter are taken
 * here, the rest goes to tui_key(). */
void	 tui_input(struct app *app, bool fkey, wint_t ch);

/* tui-marks.c */
void	 tui_act_mark_glob(struct app *app);
void	 tui_act_unmark_glob(struct app *app);
void	 tui_act_next_match(struct app *app);
void	 tui_act_prev_match(struct app *app);
/* Alt-letter: the next name that starts with ch. */
void	 tui_jump_letter(struct app *app, wint_t ch);
/* The filter prompt ended with text: n and N look for it later. */
void	 tui_search_remember(struct app *app, const char *text);
void	 tui_marks_dialog_done(struct app *app, struct dialog *d, bool ok);
/* Free what tui-marks.c, tui-clip.c and tui-bookmarks.c keep in app. */
void	 tui_extras_done(struct app *app);

/* tui-clip.c */
void	 tui_act_copy_location(struct app *app);
/* Write a pending OSC 52 sequence (after a refresh). */
void	 tui_clip_flush(struct app *app);

/* tui-bookmarks.c */
void	 tui_act_bookmark_add(struct app *app);
void	 tui_act_bookmarks(struct app *app);
/* A key while the bookmarks list is open (d deletes); false if not its. */
bool	 tui_bookmarks_key(struct app *app, bool fkey, wint_t ch);
void	 tui_bookmarks_dialog_done(struct app *app, struct dialog *d,
	    bool ok);

/* tui-ops.c */
void	 tui_op_mkdir(struct app *app);
void	 tui_op_rename(struct app *app);
void	 tui_op_delete(struct app *app);
void	 tui_op_dialog_done(struct app *app, struct dialog *d, bool ok);
void	 tui_op_event(struct app *app, struct worker_event *ev);
void	 tui_op_done(struct tui_op *op);

#endif
