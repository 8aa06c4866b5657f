/* SPDX-License-Identifier: MIT */
/*
 * Pull streams.  A ferry_reader hands out bytes on request; it is what a
 * backend returns from open_read and what a backend's write consumes, so
 * copying between any two locations is `dst->write(src->open_read(...))`
 * with no buffer of the whole file anywhere.  Wrappers (hashing, progress,
 * cancellation, read-ahead) are readers over readers.
 *
 * A reader is used by one thread at a time.
 */
#ifndef FERRY_STREAM_H
#define FERRY_STREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ferry/error.h"

struct ferry_reader;

struct ferry_reader_ops {
	/*
	 * Read up to len bytes into buf; *got is set to the count, 0 at the
	 * end of the stream.  Short reads are allowed.  May block.
	 */
	enum ferry_code	(*read)(struct ferry_reader *r, void *buf, size_t len,
			    size_t *got, struct ferry_error *err);
	/* Release everything; r is invalid afterwards. */
	void		(*close)(struct ferry_reader *r);
};

struct ferry_reader {
	const struct ferry_reader_ops *ops;
	uint64_t	 size;		/* bytes this stream will give, if known */
	bool		 size_known;
	const char	*name;		/* for messages; may be NULL */
};

/* Read through the stream's ops. */
enum ferry_code	 ferry_reader_read(struct ferry_reader *r, void *buf,
		    size_t len, size_t *got, struct ferry_error *err);
/* Fill buf completely unless the stream ends first; *got says how much. */
enum ferry_code	 ferry_reader_read_full(struct ferry_reader *r, void *buf,
		    size_t len, size_t *got, struct ferry_error *err);
/* Close r (NULL is a no-op). */
void		 ferry_reader_close(struct ferry_reader *r);

/* A reader over a memory buffer (not copied: buf must outlive it). */
struct ferry_reader *ferry_reader_mem(const void *buf, size_t len);

/*
 * A reader over an open file descriptor, from `offset` for `len` bytes
 * (UINT64_MAX: to the end).  The reader owns fd and closes it.
 */
struct ferry_reader *ferry_reader_fd(int fd, uint64_t offset, uint64_t len,
		    const char *name);

/*
 * A reader that passes `inner` through and hashes it with sha256.  It owns
 * inner.  After the end of the stream, ferry_reader_hash_hex() gives the
 * 64-char lower-case digest and ferry_reader_hash_bytes() the byte count.
 */
struct ferry_reader *ferry_reader_hash(struct ferry_reader *inner);
const char	*ferry_reader_hash_hex(struct ferry_reader *hash_reader);
uint64_t	 ferry_reader_hash_bytes(struct ferry_reader *hash_reader);

/*
 * Progress and cancellation hook: called after every read with the bytes
 * read so far; return FERRY_E_CANCELLED (or any code) to abort the read.
 */
typedef enum ferry_code (*ferry_progress_cb)(uint64_t done, uint64_t total,
		    void *ud);
/* A reader that reports progress for inner (which it owns). */
struct ferry_reader *ferry_reader_progress(struct ferry_reader *inner,
		    ferry_progress_cb cb, void *ud);

#endif
