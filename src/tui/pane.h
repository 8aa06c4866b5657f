/* SPDX-License-Identifier: MIT */
/*
 * One browser pane: a location and a folder in it, the entries listed so
 * far, the view of them (filtered, in the pane's sort order), the cursor,
 * the marks, and how the pane is drawn.
 *
 * Data.  The rows are one brief listing (entry.h): 16 bytes per entry
 * plus its name in a shared buffer, sizes and dates on the side for the
 * rows that have them, always in display order.  A local folder comes
 * from the worker as one such listing (WORKER_F_BRIEF), sorted, with
 * names and kinds only; the pane keeps it as it comes.  Other backends
 * send pages of full entries: those pages are kept whole and `full`
 * points each row at its entry (what a row shows comes from there).
 * `view` lists the rows that pass the filter, in display order; without
 * a filter it is not kept (NULL) and view index = row index, so a
 * listing of 1,000,000 rows costs about 16 bytes a row and its names.
 * The marks live in the rows' flags (PANE_MARKED); nmarked and
 * marked_bytes count them as they change, so nothing walks the rows for
 * a key or a frame: drawing costs O(visible rows).  Re-sorting a
 * complete listing of up to PANE_SORT_HERE_MAX rows sorts them in
 * memory; a bigger one, one that lacks the sizes or dates an order
 * needs, or one whose pages still arrive is listed again (the worker
 * sorts, the keys stay free).
 *
 * Details.  A names-first listing draws without sizes and dates; every
 * draw asks the worker (one STATS request at a time) for the details of
 * the rows on screen that lack them (PANE_ASKED marks those asked for)
 * and the answer fills them in, so scrolling costs a stat per row shown,
 * never one per row listed.  `epoch` changes whenever rows move or go,
 * and an answer for an older epoch is dropped.
 *
 * Generations.  Every load bumps `gen` and tells the worker, so events of
 * an older listing are dropped before they reach the pane.
 *
 * UI thread only: the pane never calls a backend, it sends requests.
 */
#ifndef FERRY_TUI_PANE_H
#define FERRY_TUI_PANE_H

#include <curses.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ferry/entry.h"
#include "ferry/location.h"
#include "jobs/worker.h"

/* The pane's own bits in a row's flags. */
#define PANE_MARKED	FERRY_BRIEF_USER2	/* the row is marked */
#define PANE_ASKED	FERRY_BRIEF_USER1	/* its details are asked for */

struct pane {
	int		 id;		/* the worker's pane id */
	struct ferry_location loc;	/* owned; loc.path is the start */
	char		*path;		/* the folder shown */
	char		*label;		/* location text of path */
	char		*crumb;		/* from path_to_root, or NULL */

	uint64_t	 gen;
	uint64_t	 list_id;	/* the running listing, or 0 */
	bool		 loading;
	bool		 complete;	/* the last listing ended well */
	bool		 cancelled;
	bool		 replace;	/* reload: old rows until a page comes */
	char		*error;		/* why the last listing failed */

	struct ferry_brief_list rows;	/* every row, in display order */
	size_t		 nrows;		/* rows.n */
	const struct ferry_entry **full; /* per row, in pages; or NULL */
	size_t		 capfull;
	struct ferry_page **pages;	/* pages of full entries, whole */
	size_t		 npages, cappages;
	uint32_t	*view;		/* with a filter: its rows */
	size_t		 nview, capview; /* nview == nrows without one */
	uint64_t	 total;		/* from the backend, when known */
	bool		 total_known;
	size_t		 nostat;	/* rows without details */
	struct worker	*worker;	/* for STATS (set by pane_load) */
	uint64_t	 epoch;		/* changes when rows move or go */
	uint64_t	 fill_id;	/* the STATS in flight, or 0 */
	uint64_t	 fill_epoch;	/* its epoch */
	uint32_t	*fill_rows;	/* its rows, one per name */
	size_t		 nfill;
	struct ferry_entry cur_entry;	/* pane_current()'s answer */

	enum ferry_order order;
	bool		 desc;
	char		*filter;	/* NULL: none */

	size_t		 cur;		/* index in view */
	size_t		 top;		/* first visible view index */
	int		 height;	/* visible rows at the last draw */
	bool		 user_moved;	/* keys moved the cursor since load */
	char		*want;		/* select this name when it comes */
	char		**keep;		/* marked names to restore (sorted) */
	size_t		 nkeep;

	size_t		 nmarked;
	uint64_t	 marked_bytes;
	size_t		 nmarked_unsized; /* marked items, size not read */

	/* Where the last draw put the pane, for the mouse: tui_draw()
	   zeroes draw_w first, so a pane not drawn has draw_w == 0. */
	int		 draw_y, draw_x, draw_h, draw_w;
};

/* Set up pane id on loc (taken: the pane frees it). */
void	 pane_init(struct pane *p, int id, struct ferry_location *loc);
void	 pane_done(struct pane *p);

/*
 * Show the folder at path: a new generation and a LIST request.  want:
 * a name to put the cursor on when it arrives (or NULL).  reload: keep
 * the rows (and the marks, by name) on screen until the first page.
 */
void	 pane_load(struct pane *p, struct worker *w, const char *path,
	    const char *want, bool reload);

/* Reload the current folder, keeping the cursor's entry and the marks. */
void	 pane_reload(struct pane *p, struct worker *w);

/*
 * Stop the running listing now: what arrived stays, later pages are
 * dropped (even from a backend that takes its time to notice).  False
 * when nothing was loading.
 */
bool	 pane_cancel(struct pane *p, struct worker *w);

/*
 * Apply an event of this pane's current generation (PAGE or PATH).
 * Returns true when the pane changed.
 */
bool	 pane_event(struct pane *p, struct worker_event *ev);

/*
 * The entry under the cursor, or NULL: the pane's copy (strings
 * borrowed from the rows), valid until the pane next changes.
 */
struct ferry_entry *pane_current(struct pane *p);
/*
 * Row row (an index in rows, not in the view) as an entry into *out
 * (strings borrowed from the pane), for as long as the rows stay.
 */
void	 pane_row_entry(const struct pane *p, size_t row,
	    struct ferry_entry *out);
/* The row of view index i. */
size_t	 pane_view_row(const struct pane *p, size_t i);
/* The full path of e in this pane's folder (malloc'd). */
char	*pane_entry_path(const struct pane *p, const struct ferry_entry *e);

/* True while a STATS request for the rows on screen is out. */
bool	 pane_filling(const struct pane *p);

/* Cursor moves (the view is clamped). */
void	 pane_move(struct pane *p, long delta);
void	 pane_move_to(struct pane *p, size_t index);
void	 pane_page(struct pane *p, int dir);

/* Toggle the mark of the cursor's entry and move down. */
void	 pane_mark(struct pane *p);
/* Invert every mark in the view. */
void	 pane_invert(struct pane *p);
/*
 * The marked entries, in view order and then those the filter hides,
 * appended to out as copies (free it with ferry_entry_list_done).
 */
void	 pane_marked(const struct pane *p, struct ferry_entry_list *out);

/*
 * Mark (on) or unmark the rows of the view whose names match the shell
 * pattern (fnmatch(3), no flags: '*' matches a leading dot too).  Returns
 * how many rows match; *changed says how many were not so already.
 */
size_t	 pane_mark_glob(struct pane *p, const char *pattern, bool on,
	    size_t *changed);

/*
 * Move the cursor to the next (dir > 0) or previous (dir < 0) row of the
 * view that match accepts, starting after the cursor and wrapping round
 * (the cursor's own row last).  False, and no move, when none does.
 */
typedef bool pane_match_cb(const struct ferry_entry *e, void *arg);
bool	 pane_find(struct pane *p, int dir, pane_match_cb *match, void *arg);

/* Scroll the view by delta rows; the cursor stays on screen. */
void	 pane_scroll(struct pane *p, long delta);

/* The view index of the row the last draw put at screen line y, or -1. */
long	 pane_row_at(const struct pane *p, int y);

/* Show the folder loc->path of another location (taken: the pane frees
 * it), as pane_load() does. */
void	 pane_goto(struct pane *p, struct worker *w,
	    struct ferry_location *loc);

/* Filter the view by a case-insensitive substring ("" or NULL: none). */
void	 pane_set_filter(struct pane *p, const char *filter);

/*
 * Change the order: in memory when the listing is complete, else by
 * listing again.
 */
void	 pane_set_sort(struct pane *p, struct worker *w, enum ferry_order o,
	    bool desc);

/* True when this pane shows the same folder as path in loc's namespace. */
bool	 pane_shows(const struct pane *p, const struct pane *other);

/*
 * Draw the pane in the h x w cells at (y, x).  spin: the spinner frame
 * (a character), shown in the header while loading.
 */
void	 pane_draw(struct pane *p, WINDOW *win, int y, int x, int h, int w,
	    bool active, char spin);

const char *pane_order_label(enum ferry_order o);

#endif
