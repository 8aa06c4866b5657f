/* SPDX-License-Identifier: MIT */
/*
 * MIME detection with libmagic.  A magic_t is not thread-safe, so each
 * thread opens its own on first use (MAGIC_MIME_TYPE, database loaded
 * once per thread) and a pthread key closes it when the thread exits.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <magic.h>

#include "mime/mime.h"

struct mime_tls {
	magic_t		 cookie;
	int		 failed;
	char		 last[128];
};

static pthread_key_t	 mime_key;
static pthread_once_t	 mime_once = PTHREAD_ONCE_INIT;

static void
mime_tls_free(void *p)
{
	struct mime_tls *t = p;

	if (t->cookie != NULL)
		magic_close(t->cookie);
	free(t);
}

static void
mime_key_init(void)
{
	pthread_key_create(&mime_key, mime_tls_free);
}

static struct mime_tls *
mime_tls(void)
{
	struct mime_tls *t;

	pthread_once(&mime_once, mime_key_init);
	t = pthread_getspecific(mime_key);
	if (t != NULL)
		return t;
	t = calloc(1, sizeof *t);
	if (t == NULL)
		return NULL;
	t->cookie = magic_open(MAGIC_MIME_TYPE | MAGIC_ERROR |
	    MAGIC_NO_CHECK_COMPRESS);
	if (t->cookie == NULL || magic_load(t->cookie, NULL) != 0) {
		if (t->cookie != NULL)
			magic_close(t->cookie);
		t->cookie = NULL;
		t->failed = 1;
	}
	pthread_setspecific(mime_key, t);
	return t;
}

const char *
mime_detect(const void *buf, size_t len)
{
	static const char fallback[] = "application/octet-stream";
	struct mime_tls	*t;
	const char	*m;

	if (len == 0)
		return fallback;
	if (len > MIME_SNIFF_BYTES)
		len = MIME_SNIFF_BYTES;
	t = mime_tls();
	if (t == NULL || t->failed)
		return fallback;
	m = magic_buffer(t->cookie, buf, len);
	/* Anything odd from the database is not worth trusting. */
	if (m == NULL || strlen(m) >= sizeof t->last || strchr(m, '/') == NULL)
		return fallback;
	strcpy(t->last, m);
	return t->last;
}
