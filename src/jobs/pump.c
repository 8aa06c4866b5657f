/* SPDX-License-Identifier: MIT */
/*
 * The pump (see pump.h): a producer thread reading a stream into a ring
 * of chunks, a consumer taking them out.
 *
 * Invariants, under p->lock: 0 <= count <= nslots; the slots tail ..
 * tail+count-1 (mod nslots) hold data in order; `done` is set once, after
 * the last chunk is published, together with `code` (FERRY_OK at the end
 * of the stream, or the source's error).  The producer alone touches md
 * until `done`, the consumer alone after.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/util.h"
#include "jobs/pump.h"

struct pump_rd {
	struct ferry_reader	 r;
	struct pump		*p;
	const unsigned char	*cur;
	size_t			 left;
	bool			 holding;
};

struct pump {
	pthread_t		 thread;
	pthread_mutex_t		 lock;
	pthread_cond_t		 data;
	pthread_cond_t		 space;
	struct ferry_reader	*src;
	EVP_MD_CTX		*md;
	unsigned char		*buf;
	size_t			*lens;
	size_t			 chunk;
	unsigned		 nslots;
	unsigned		 head, tail, count;
	bool			 done;		/* no more chunks will come */
	bool			 stop;		/* pump_free: producer, go */
	bool			 holding;	/* the consumer has tail */
	enum ferry_code		 code;
	struct ferry_error	 err;
	uint32_t		 delay_ms;
	uint64_t		 bytes;		/* atomic */
	bool			 hexed;
	char			 hex[65];
	struct pump_rd		 rd;
};

static bool
pump_stopping(struct pump *p)
{
	bool	 stop;

	pthread_mutex_lock(&p->lock);
	stop = p->stop;
	pthread_mutex_unlock(&p->lock);
	return stop;
}

/* Tests: sleep ms in short slices, waking early on stop. */
static void
pump_nap(struct pump *p, uint32_t ms)
{
	struct timespec	 ts;
	uint32_t	 slice;

	while (ms > 0 && !pump_stopping(p)) {
		slice = ms < 20 ? ms : 20;
		ts.tv_sec = 0;
		ts.tv_nsec = (long)slice * 1000000L;
		nanosleep(&ts, NULL);
		ms -= slice;
	}
}

/* Record the end (or the source's error) and wake the consumer. */
static void
pump_end(struct pump *p, enum ferry_code code, const struct ferry_error *err)
{
	p->done = true;
	p->code = code;
	if (code != FERRY_OK && err != NULL)
		p->err = *err;
	pthread_cond_signal(&p->data);
}

static void *
pump_main(void *arg)
{
	struct pump		*p = arg;
	struct ferry_error	 err;
	enum ferry_code		 result;
	unsigned char		*slot;
	unsigned		 at;
	size_t			 got;

	pthread_mutex_lock(&p->lock);
	for (;;) {
		while (p->count == p->nslots && !p->stop)
			pthread_cond_wait(&p->space, &p->lock);
		if (p->stop)
			break;
		at = p->head;
		pthread_mutex_unlock(&p->lock);

		slot = p->buf + (size_t)at * p->chunk;
		ferry_error_clear(&err);
		result = ferry_reader_read_full(p->src, slot, p->chunk, &got,
		    &err);
		if (result == FERRY_OK && got > 0) {
			EVP_DigestUpdate(p->md, slot, got);
			__atomic_add_fetch(&p->bytes, got, __ATOMIC_RELAXED);
			if (p->delay_ms != 0)
				pump_nap(p, p->delay_ms);
		}

		pthread_mutex_lock(&p->lock);
		if (result != FERRY_OK) {
			pump_end(p, result, &err);
			break;
		}
		if (got > 0) {
			p->lens[at] = got;
			p->head = (at + 1) % p->nslots;
			p->count++;
			pthread_cond_signal(&p->data);
		}
		/* read_full is short only at the end of the stream */
		if (got < p->chunk) {
			pump_end(p, FERRY_OK, NULL);
			break;
		}
	}
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

static enum ferry_code
pump_rd_read(struct ferry_reader *r, void *buf, size_t len, size_t *got,
    struct ferry_error *err)
{
	struct pump_rd	*rd = (struct pump_rd *)r;
	enum ferry_code	 result;
	const void	*chunk;
	size_t		 n;

	*got = 0;
	if (rd->left == 0) {
		if (rd->holding) {
			pump_release(rd->p);
			rd->holding = false;
		}
		result = pump_get(rd->p, &chunk, &n, err);
		if (result != FERRY_OK || n == 0)
			return result;
		rd->holding = true;
		rd->cur = chunk;
		rd->left = n;
	}
	n = len < rd->left ? len : rd->left;
	memcpy(buf, rd->cur, n);
	rd->cur += n;
	rd->left -= n;
	*got = n;
	return FERRY_OK;
}

static void
pump_rd_close(struct ferry_reader *r)
{
	(void)r;	/* owned by the pump */
}

static const struct ferry_reader_ops pump_rd_ops = {
	pump_rd_read, pump_rd_close
};

/* Block the signals the UI or the CLI handles, as worker threads do. */
static void
pump_sigset(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGWINCH);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGTERM);
	sigaddset(set, SIGHUP);
	sigaddset(set, SIGQUIT);
	sigaddset(set, SIGTSTP);
	sigaddset(set, SIGCONT);
	sigaddset(set, SIGPIPE);
	sigaddset(set, SIGCHLD);
	sigaddset(set, SIGALRM);
}

enum ferry_code
pump_start(struct ferry_reader *src, EVP_MD_CTX *md,
    const struct pump_opts *o, struct pump **out, struct ferry_error *err)
{
	struct pump	*p;
	sigset_t	 block, old;
	int		 rc;

	*out = NULL;
	p = xcalloc(1, sizeof *p);
	p->src = src;
	p->chunk = o != NULL && o->chunk != 0 ? o->chunk : PUMP_CHUNK;
	p->nslots = o != NULL && o->slots != 0 ? o->slots : PUMP_SLOTS;
	p->delay_ms = o != NULL ? o->delay_ms : 0;
	p->md = md;
	if (p->md == NULL) {
		p->md = EVP_MD_CTX_new();
		if (p->md == NULL || EVP_DigestInit_ex(p->md, EVP_sha256(),
		    NULL) != 1)
			ferry_assert_fail("EVP sha256 init", __FILE__,
			    __LINE__);
	}
	p->buf = xmalloc(p->chunk * p->nslots);
	p->lens = xcalloc(p->nslots, sizeof *p->lens);
	p->rd.r.ops = &pump_rd_ops;
	p->rd.r.size = src->size;
	p->rd.r.size_known = src->size_known;
	p->rd.r.name = src->name;
	p->rd.p = p;
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->data, NULL);
	pthread_cond_init(&p->space, NULL);
	pump_sigset(&block);
	pthread_sigmask(SIG_BLOCK, &block, &old);
	rc = pthread_create(&p->thread, NULL, pump_main, p);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0) {
		pthread_cond_destroy(&p->space);
		pthread_cond_destroy(&p->data);
		pthread_mutex_destroy(&p->lock);
		ferry_reader_close(src);
		EVP_MD_CTX_free(p->md);
		free(p->lens);
		free(p->buf);
		free(p);
		return ferry_error_set(err, FERRY_E_INTERNAL, "cannot start a "
		    "reader thread: %s", strerror(rc));
	}
	*out = p;
	return FERRY_OK;
}

enum ferry_code
pump_get(struct pump *p, const void **buf, size_t *len,
    struct ferry_error *err)
{
	enum ferry_code	 result = FERRY_OK;

	FERRY_ASSERT(!p->holding);
	*buf = NULL;
	*len = 0;
	pthread_mutex_lock(&p->lock);
	while (p->count == 0 && !p->done)
		pthread_cond_wait(&p->data, &p->lock);
	if (p->count > 0) {
		*buf = p->buf + (size_t)p->tail * p->chunk;
		*len = p->lens[p->tail];
		p->holding = true;
	} else if (p->code != FERRY_OK) {
		result = p->code;
		if (err != NULL)
			*err = p->err;
	}
	pthread_mutex_unlock(&p->lock);
	return result;
}

void
pump_release(struct pump *p)
{
	pthread_mutex_lock(&p->lock);
	FERRY_ASSERT(p->holding && p->count > 0);
	p->holding = false;
	p->tail = (p->tail + 1) % p->nslots;
	p->count--;
	pthread_cond_signal(&p->space);
	pthread_mutex_unlock(&p->lock);
}

struct ferry_reader *
pump_reader(struct pump *p)
{
	return &p->rd.r;
}

uint64_t
pump_bytes(const struct pump *p)
{
	return __atomic_load_n(&p->bytes, __ATOMIC_RELAXED);
}

const char *
pump_hex(struct pump *p)
{
	unsigned char	 md[EVP_MAX_MD_SIZE];
	unsigned int	 n = 0, i;
	bool		 end;

	if (p->hexed)
		return p->hex;
	pthread_mutex_lock(&p->lock);
	end = p->done && p->code == FERRY_OK && p->count == 0;
	pthread_mutex_unlock(&p->lock);
	if (!end)
		return NULL;
	EVP_DigestFinal_ex(p->md, md, &n);
	for (i = 0; i < n && i < 32; i++)
		snprintf(p->hex + 2 * i, 3, "%02x", md[i]);
	p->hexed = true;
	return p->hex;
}

void
pump_free(struct pump *p)
{
	if (p == NULL)
		return;
	pthread_mutex_lock(&p->lock);
	p->stop = true;
	pthread_cond_broadcast(&p->space);
	pthread_mutex_unlock(&p->lock);
	pthread_join(p->thread, NULL);
	ferry_reader_close(p->src);
	EVP_MD_CTX_free(p->md);
	pthread_cond_destroy(&p->space);
	pthread_cond_destroy(&p->data);
	pthread_mutex_destroy(&p->lock);
	free(p->lens);
	free(p->buf);
	free(p);
}
