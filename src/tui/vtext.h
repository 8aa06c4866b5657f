/* SPDX-License-Identifier: MIT */
/*
 * The viewer's text model, without curses: a bounded LRU cache of the
 * item's blocks (filled by range reads the worker makes), the rows of
 * text laid out over those blocks, the hex dump rows, and the test that
 * tells binary content from text.
 *
 * Rows.  A row is a run of bytes [start, end) of the item.  Without wrap,
 * a row is a line: it ends after a '\n', or after line_max bytes when the
 * line is longer (so no row ever needs more than line_max bytes in
 * memory).  With wrap, a line is further cut where its cells would pass
 * the width (tabs to the next multiple of 8, escapes as wide as their
 * text, see draw.h).  Rows are found forward from a row start
 * (vtext_row_end) and backward from any byte (vtext_row_start: the start
 * of the row holding it, from the line start found by scanning back for a
 * '\n' at most line_max bytes); lines and characters may cross block
 * boundaries.
 *
 * Missing data.  The item is never read whole: a function that needs a
 * byte that is not cached returns VTEXT_MISSING with the offset it needs
 * in *need; the viewer asks the worker for that block and tries again
 * when it comes.  So moving to the end of a 10 GiB item costs the blocks
 * of the last screen.
 *
 * Pure and single-threaded (the UI thread owns a vtext).
 */
#ifndef FERRY_TUI_VTEXT_H
#define FERRY_TUI_VTEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tui/draw.h"

#define VTEXT_BLOCK	(64 * 1024)	/* bytes per cached block */
#define VTEXT_BLOCKS	64		/* blocks kept: 4 MiB */
#define VTEXT_LINE_MAX	8192		/* longest row, in bytes */
#define VTEXT_TAB	8

enum vtext_result {
	VTEXT_OK = 0,
	VTEXT_MISSING = 1,		/* *need is not cached */
};

struct vtext_block {
	uint64_t	 index;		/* offset / block */
	unsigned char	*data;
	size_t		 len;		/* < block only for the last one */
	uint64_t	 used;		/* LRU clock of the last use */
};

struct vtext {
	size_t		 block;		/* bytes per block */
	size_t		 max;		/* blocks kept at most */
	size_t		 line_max;	/* bytes per row at most */
	uint64_t	 size;		/* bytes in the item */

	struct vtext_block *v;
	size_t		 n;
	uint64_t	 clock;
	unsigned char	*scratch;	/* line_max bytes: a gathered row */

	bool		 wrap;
	int		 width;		/* cells per row, with wrap */
};

/* Set up an empty cache (0 for any value: the default). */
void	 vtext_init(struct vtext *vt, size_t block, size_t max,
	    size_t line_max);
void	 vtext_done(struct vtext *vt);

/* Forget every block (the item changed or was reopened). */
void	 vtext_clear(struct vtext *vt);

/*
 * Keep len bytes of block index (data is taken, malloc'd); the least
 * recently used block goes when the cache is full.  A block already
 * cached is replaced.
 */
void	 vtext_put(struct vtext *vt, uint64_t index, unsigned char *data,
	    size_t len);
bool	 vtext_has(const struct vtext *vt, uint64_t index);

/*
 * The cached bytes from off to the end of its block (*avail of them), or
 * NULL when that block is not cached.  Marks the block used.
 */
const unsigned char *vtext_span(struct vtext *vt, uint64_t off,
	    size_t *avail);

/*
 * The len (<= line_max) bytes at off as one contiguous buffer (vt's
 * scratch, valid until the next call), or NULL with *need set.
 */
const unsigned char *vtext_gather(struct vtext *vt, uint64_t off,
	    size_t len, uint64_t *need);

/* The end of the row that starts at s (s itself when s >= size). */
enum vtext_result vtext_row_end(struct vtext *vt, uint64_t s, uint64_t *end,
	    uint64_t *need);

/* The start of the row that holds byte x (x < size). */
enum vtext_result vtext_row_start(struct vtext *vt, uint64_t x,
	    uint64_t *start, uint64_t *need);

/*
 * One unit of row text as drawn at column col: a tab (as spaces), the
 * "\n" or "\r\n" that ends a line (nothing), else draw_classify().
 * *blank is set for a tab (u->width spaces).
 */
void	 vtext_unit(const unsigned char *s, size_t n, int col, bool base,
	    struct draw_unit *u, bool *blank);

/* Bytes of s (n bytes) that fit in a row of width cells (at least 1). */
size_t	 vtext_cut(const unsigned char *s, size_t n, int width);

/*
 * Hex dump.  digits: the offset's hex digits for an item of size bytes
 * (at least 8).  bpr: bytes per row that fit in cols (16, 8 or 4).
 * vtext_hex_row writes the row for the n (<= bpr) bytes at off into out
 * (plain ASCII: offset, hex bytes in groups of 8, the printable ASCII
 * column with '.' for the rest) and returns its length.
 */
int	 vtext_hex_digits(uint64_t size);
int	 vtext_hex_bpr(int cols, int digits);
int	 vtext_hex_width(int bpr, int digits);
int	 vtext_hex_col(int i, int bpr, int digits, bool ascii);
size_t	 vtext_hex_row(uint64_t off, const unsigned char *b, size_t n,
	    int bpr, int digits, char *out, size_t outlen);

/*
 * True when the first n bytes of an item look binary: a NUL byte, or
 * UTF-8 that is not valid (a sequence cut by the end counts only when
 * the item ends there, !more).
 */
bool	 vtext_is_binary(const unsigned char *b, size_t n, bool more);

#endif
