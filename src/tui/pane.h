/* SPDX-License-Identifier: MIT */
/*
 * One browser pane: a location and a folder in it, the entries listed so
 * far, the view of them (filtered, in the pane's sort order), the cursor,
 * the marks, and how the pane is drawn.
 *
 * Data.  Listing pages arrive from the worker as events and are kept
 * whole (their entries and string arenas are never copied); `rows` points
 * into them, one per entry, with the mark; `view` holds the indexes of
 * the rows that pass the filter, in display order.  A new page appends to
 * both, so a listing costs O(entries) in all and drawing costs O(visible
 * rows).  Re-sorting a complete listing sorts `rows` in memory; changing
 * the sort while pages still arrive starts the listing again.
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

struct pane_row {
	struct ferry_entry *e;		/* in one of the pane's pages */
	bool		 marked;
};

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

	struct ferry_page **pages;
	size_t		 npages, cappages;
	struct pane_row	*rows;
	size_t		 nrows, caprows;
	uint32_t	*view;
	size_t		 nview, capview;
	uint64_t	 total;		/* from the backend, when known */
	bool		 total_known;

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

/* The entry under the cursor, or NULL. */
struct ferry_entry *pane_current(const struct pane *p);
/* The full path of e in this pane's folder (malloc'd). */
char	*pane_entry_path(const struct pane *p, const struct ferry_entry *e);

/* Cursor moves (the view is clamped). */
void	 pane_move(struct pane *p, long delta);
void	 pane_move_to(struct pane *p, size_t index);
void	 pane_page(struct pane *p, int dir);

/* Toggle the mark of the cursor's entry and move down. */
void	 pane_mark(struct pane *p);
/* Invert every mark in the view. */
void	 pane_invert(struct pane *p);
/* Marked rows in view order: an array of row pointers (malloc'd). */
struct pane_row **pane_marked(const struct pane *p, size_t *n);

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
