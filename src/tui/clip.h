/* SPDX-License-Identifier: MIT */
/*
 * The terminal's clipboard through OSC 52: ESC ] 52 ; c ; BASE64 BEL sets
 * the clipboard ("c") of the terminal the user sits at, over SSH too, when
 * the terminal allows it (xterm: allowWindowOps; tmux: set-clipboard on,
 * which makes a paste buffer and passes it on to the outer terminal).
 *
 * Under GNU screen (STY set, not inside tmux) the sequence is wrapped in
 * DCS passthrough (ESC P ... ESC \), cut into pieces of 76 base64 bytes,
 * each in its own DCS: screen drops strings longer than its buffer (768
 * bytes since 4.2.1).  The text is base64-encoded, so no byte of it ever
 * reaches the terminal raw.
 *
 * Pure (no I/O); the caller writes the bytes after a refresh.
 */
#ifndef FERRY_TUI_CLIP_H
#define FERRY_TUI_CLIP_H

#include <stddef.h>

/*
 * The most text sent: its base64 stays under 100000 bytes, a common
 * terminal limit (and far above any location).
 */
#define CLIP_TEXT_MAX	74994
#define CLIP_SCREEN_CHUNK 76

enum clip_wrap {
	CLIP_PLAIN = 0,		/* the terminal itself, or tmux */
	CLIP_SCREEN,		/* GNU screen: chunked DCS passthrough */
};

/* The wrapping for an environment's $TERM, $TMUX and $STY (may be NULL). */
enum clip_wrap	 clip_wrap_for(const char *term, const char *tmux,
		    const char *sty);

/*
 * The bytes to write for the n bytes of text (malloc'd, NUL-terminated,
 * length in *len), or NULL when n > CLIP_TEXT_MAX.
 */
char		*clip_osc52(const char *text, size_t n, enum clip_wrap wrap,
		    size_t *len);

#endif
