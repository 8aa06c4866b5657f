/* SPDX-License-Identifier: MIT */
/*
 * The pump: overlapping read and write for one transfer.  A thread of its
 * own reads the source stream ahead, a chunk at a time, into a bounded
 * ring of chunks and hashes every byte with sha256 on the way; the
 * transfer's thread takes the chunks out and writes them (pump_get and
 * pump_release for a push-style destination, or pump_reader() for a
 * backend's write, which pulls).  So reading the next chunk and writing
 * the last one happen at the same time, and the memory used is the ring
 * (PUMP_SLOTS chunks of PUMP_CHUNK bytes), never the file.
 *
 * DESIGN.  One mutex guards the ring indexes and the producer's result;
 * two condition variables: `data` (the consumer waits for a filled slot
 * or the end) and `space` (the producer waits for a free slot).  The
 * producer fills a slot outside the lock (only it writes the slot at
 * head, only the consumer reads the one at tail).  The end of the stream
 * or the source's error is recorded once and handed to the consumer after
 * the chunks before it.  pump_free() raises `stop`, wakes the producer
 * and joins it; a read in progress finishes first (reads block on disk
 * or on the backend's own timeouts, never for ever).
 *
 * Threads: pump_start, pump_get, pump_release, pump_reader's reads,
 * pump_hex and pump_free belong to the consumer's thread; pump_bytes may
 * be read from any thread.
 */
#ifndef FERRY_JOBS_PUMP_H
#define FERRY_JOBS_PUMP_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>

#include "ferry/error.h"
#include "ferry/stream.h"

#define PUMP_CHUNK	(1024 * 1024)	/* bytes per slot */
#define PUMP_SLOTS	8		/* slots in the ring */

struct pump;

struct pump_opts {
	size_t		 chunk;		/* 0: PUMP_CHUNK */
	unsigned	 slots;		/* 0: PUMP_SLOTS */
	uint32_t	 delay_ms;	/* tests: a nap after each chunk */
};

/*
 * Start pumping src (ownership passes to the pump).  md (may be NULL) is
 * a sha256 context already fed with bytes that come before src (a
 * resumed prefix); the pump takes it over and feeds it the rest.
 * FERRY_E_INTERNAL when the thread cannot start.
 */
enum ferry_code	 pump_start(struct ferry_reader *src, EVP_MD_CTX *md,
		    const struct pump_opts *o, struct pump **out,
		    struct ferry_error *err);

/*
 * The next chunk, waiting for it: *buf and *len (0 at the end of the
 * stream), valid until pump_release().  Returns the source's error, with
 * its message, after the chunks read before it.
 */
enum ferry_code	 pump_get(struct pump *p, const void **buf, size_t *len,
		    struct ferry_error *err);
/* Give back the chunk pump_get() handed out. */
void		 pump_release(struct pump *p);

/*
 * A pull view of the pump for a backend's write (owned by the pump: do
 * not close it).  Its size is src's.
 */
struct ferry_reader *pump_reader(struct pump *p);

/* Bytes read from the source so far (any thread). */
uint64_t	 pump_bytes(const struct pump *p);

/*
 * After the end of the stream: the lower-case sha256 of the prefix fed
 * to md plus every byte of src.  NULL before the end.
 */
const char	*pump_hex(struct pump *p);

/* Stop the producer, join it, close src and free p (NULL: no-op). */
void		 pump_free(struct pump *p);

#endif
