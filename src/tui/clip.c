/* SPDX-License-Identifier: MIT */
/*
 * OSC 52 sequences (see clip.h).  Base64 comes from OpenSSL's
 * EVP_EncodeBlock (one line, no newlines).  Pure.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "core/util.h"
#include "tui/clip.h"

#define CLIP_HEAD	"\033]52;c;"
#define CLIP_BEL	"\a"
#define CLIP_DCS	"\033P"
#define CLIP_ST		"\033\\"

enum clip_wrap
clip_wrap_for(const char *term, const char *tmux, const char *sty)
{
	/* tmux sets TERM=screen* too: it understands plain OSC 52. */
	if (tmux != NULL && *tmux != '\0')
		return CLIP_PLAIN;
	if (sty != NULL && *sty != '\0')
		return CLIP_SCREEN;
	if (term != NULL && strncmp(term, "screen", 6) == 0)
		return CLIP_SCREEN;
	return CLIP_PLAIN;
}

/* Append n bytes of s at *pos in buf. */
static void
clip_put(char *buf, size_t *pos, const char *s, size_t n)
{
	memcpy(buf + *pos, s, n);
	*pos += n;
}

char *
clip_osc52(const char *text, size_t n, enum clip_wrap wrap, size_t *len)
{
	char	*b64, *out;
	size_t	 blen, cap, pos = 0, off, k;

	*len = 0;
	if (n > CLIP_TEXT_MAX)
		return NULL;
	b64 = xmalloc(4 * ((n + 2) / 3) + 1);
	blen = (size_t)EVP_EncodeBlock((unsigned char *)b64,
	    (const unsigned char *)text, (int)n);
	/* Each chunk costs at most an ST and a DCS besides itself. */
	cap = blen + sizeof CLIP_HEAD + sizeof CLIP_DCS + 2 * sizeof CLIP_ST +
	    sizeof CLIP_BEL + (blen / CLIP_SCREEN_CHUNK + 1) *
	    (sizeof CLIP_ST + sizeof CLIP_DCS);
	out = xmalloc(cap);
	if (wrap == CLIP_SCREEN)
		clip_put(out, &pos, CLIP_DCS, strlen(CLIP_DCS));
	clip_put(out, &pos, CLIP_HEAD, strlen(CLIP_HEAD));
	for (off = 0; off < blen; off += k) {
		k = blen - off;
		if (wrap == CLIP_SCREEN && k > CLIP_SCREEN_CHUNK)
			k = CLIP_SCREEN_CHUNK;
		if (wrap == CLIP_SCREEN && off > 0) {
			clip_put(out, &pos, CLIP_ST, strlen(CLIP_ST));
			clip_put(out, &pos, CLIP_DCS, strlen(CLIP_DCS));
		}
		clip_put(out, &pos, b64 + off, k);
	}
	clip_put(out, &pos, CLIP_BEL, strlen(CLIP_BEL));
	if (wrap == CLIP_SCREEN)
		clip_put(out, &pos, CLIP_ST, strlen(CLIP_ST));
	FERRY_ASSERT(pos < cap);
	out[pos] = '\0';
	free(b64);
	*len = pos;
	return out;
}
