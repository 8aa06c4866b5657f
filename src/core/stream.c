/* SPDX-License-Identifier: MIT */
/*
 * Pull streams (see include/ferry/stream.h): the memory and file
 * descriptor readers every backend builds on, and the hashing and progress
 * wrappers the copy engine stacks on top.  A reader belongs to one thread
 * at a time; wrappers own the reader they wrap.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "core/util.h"
#include "ferry/stream.h"

enum ferry_code
ferry_reader_read(struct ferry_reader *r, void *buf, size_t len, size_t *got,
    struct ferry_error *err)
{
	*got = 0;
	if (len == 0)
		return FERRY_OK;
	return r->ops->read(r, buf, len, got, err);
}

enum ferry_code
ferry_reader_read_full(struct ferry_reader *r, void *buf, size_t len,
    size_t *got, struct ferry_error *err)
{
	enum ferry_code	 result;
	size_t		 n, total = 0;

	while (total < len) {
		result = ferry_reader_read(r, (char *)buf + total,
		    len - total, &n, err);
		if (result != FERRY_OK) {
			*got = total;
			return result;
		}
		if (n == 0)
			break;
		total += n;
	}
	*got = total;
	return FERRY_OK;
}

void
ferry_reader_close(struct ferry_reader *r)
{
	if (r != NULL)
		r->ops->close(r);
}

/* -------- memory -------- */

struct mem_reader {
	struct ferry_reader	 r;
	const unsigned char	*buf;
	size_t			 len, off;
};

static enum ferry_code
mem_read(struct ferry_reader *r, void *buf, size_t len, size_t *got,
    struct ferry_error *err)
{
	struct mem_reader *m = (struct mem_reader *)r;
	size_t		 n;

	(void)err;
	n = m->len - m->off;
	if (n > len)
		n = len;
	memcpy(buf, m->buf + m->off, n);
	m->off += n;
	*got = n;
	return FERRY_OK;
}

static void
mem_close(struct ferry_reader *r)
{
	free(r);
}

static const struct ferry_reader_ops mem_ops = { mem_read, mem_close };

struct ferry_reader *
ferry_reader_mem(const void *buf, size_t len)
{
	struct mem_reader *m;

	m = xcalloc(1, sizeof *m);
	m->r.ops = &mem_ops;
	m->r.size = len;
	m->r.size_known = true;
	m->buf = buf;
	m->len = len;
	return &m->r;
}

/* -------- file descriptor -------- */

struct fd_reader {
	struct ferry_reader	 r;
	int			 fd;
	uint64_t		 off, left;
	char			*name;
};

static enum ferry_code
fd_read(struct ferry_reader *r, void *buf, size_t len, size_t *got,
    struct ferry_error *err)
{
	struct fd_reader *f = (struct fd_reader *)r;
	ssize_t		 n;

	if ((uint64_t)len > f->left)
		len = (size_t)f->left;
	if (len == 0) {
		*got = 0;
		return FERRY_OK;
	}
	do
		n = pread(f->fd, buf, len, (off_t)f->off);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return ferry_error_errno(err, errno, "%s: read at offset %llu",
		    f->name, (unsigned long long)f->off);
	f->off += (uint64_t)n;
	f->left -= (uint64_t)n;
	*got = (size_t)n;
	return FERRY_OK;
}

static void
fd_close(struct ferry_reader *r)
{
	struct fd_reader *f = (struct fd_reader *)r;

	close(f->fd);
	free(f->name);
	free(f);
}

static const struct ferry_reader_ops fd_ops = { fd_read, fd_close };

struct ferry_reader *
ferry_reader_fd(int fd, uint64_t offset, uint64_t len, const char *name)
{
	struct fd_reader *f;

	f = xcalloc(1, sizeof *f);
	f->r.ops = &fd_ops;
	f->fd = fd;
	f->off = offset;
	f->left = len;
	f->name = xstrdup(name != NULL ? name : "file");
	f->r.name = f->name;
	if (len != UINT64_MAX) {
		f->r.size = len;
		f->r.size_known = true;
	}
	return &f->r;
}

/* -------- sha256 while passing through -------- */

struct hash_reader {
	struct ferry_reader	 r;
	struct ferry_reader	*inner;
	EVP_MD_CTX		*ctx;
	uint64_t		 bytes;
	bool			 done;
	char			 hex[65];
};

static enum ferry_code
hash_read(struct ferry_reader *r, void *buf, size_t len, size_t *got,
    struct ferry_error *err)
{
	struct hash_reader *h = (struct hash_reader *)r;
	enum ferry_code	 result;

	result = ferry_reader_read(h->inner, buf, len, got, err);
	if (result != FERRY_OK)
		return result;
	if (*got > 0) {
		EVP_DigestUpdate(h->ctx, buf, *got);
		h->bytes += *got;
	}
	return FERRY_OK;
}

static void
hash_close(struct ferry_reader *r)
{
	struct hash_reader *h = (struct hash_reader *)r;

	ferry_reader_close(h->inner);
	EVP_MD_CTX_free(h->ctx);
	free(h);
}

static const struct ferry_reader_ops hash_ops = { hash_read, hash_close };

struct ferry_reader *
ferry_reader_hash(struct ferry_reader *inner)
{
	struct hash_reader *h;

	h = xcalloc(1, sizeof *h);
	h->r.ops = &hash_ops;
	h->r.size = inner->size;
	h->r.size_known = inner->size_known;
	h->r.name = inner->name;
	h->inner = inner;
	h->ctx = EVP_MD_CTX_new();
	if (h->ctx == NULL ||
	    EVP_DigestInit_ex(h->ctx, EVP_sha256(), NULL) != 1)
		ferry_assert_fail("EVP sha256 init", __FILE__, __LINE__);
	return &h->r;
}

const char *
ferry_reader_hash_hex(struct ferry_reader *r)
{
	struct hash_reader *h = (struct hash_reader *)r;
	unsigned char	 md[EVP_MAX_MD_SIZE];
	unsigned int	 n, i;

	FERRY_ASSERT(r->ops == &hash_ops);
	if (!h->done) {
		EVP_DigestFinal_ex(h->ctx, md, &n);
		for (i = 0; i < n && i < 32; i++)
			snprintf(h->hex + 2 * i, 3, "%02x", md[i]);
		h->done = true;
	}
	return h->hex;
}

uint64_t
ferry_reader_hash_bytes(struct ferry_reader *r)
{
	FERRY_ASSERT(r->ops == &hash_ops);
	return ((struct hash_reader *)r)->bytes;
}

/* -------- progress and cancellation -------- */

struct progress_reader {
	struct ferry_reader	 r;
	struct ferry_reader	*inner;
	ferry_progress_cb	 cb;
	void			*ud;
	uint64_t		 done;
};

static enum ferry_code
progress_read(struct ferry_reader *r, void *buf, size_t len, size_t *got,
    struct ferry_error *err)
{
	struct progress_reader *p = (struct progress_reader *)r;
	enum ferry_code	 result;

	result = ferry_reader_read(p->inner, buf, len, got, err);
	if (result != FERRY_OK)
		return result;
	p->done += *got;
	result = p->cb(p->done, p->r.size_known ? p->r.size : 0, p->ud);
	if (result != FERRY_OK)
		return ferry_error_set(err, result, "%s: %s",
		    p->r.name != NULL ? p->r.name : "transfer",
		    ferry_strerror(result));
	return FERRY_OK;
}

static void
progress_close(struct ferry_reader *r)
{
	struct progress_reader *p = (struct progress_reader *)r;

	ferry_reader_close(p->inner);
	free(p);
}

static const struct ferry_reader_ops progress_ops = {
	progress_read, progress_close
};

struct ferry_reader *
ferry_reader_progress(struct ferry_reader *inner, ferry_progress_cb cb,
    void *ud)
{
	struct progress_reader *p;

	p = xcalloc(1, sizeof *p);
	p->r.ops = &progress_ops;
	p->r.size = inner->size;
	p->r.size_known = inner->size_known;
	p->r.name = inner->name;
	p->inner = inner;
	p->cb = cb;
	p->ud = ud;
	return &p->r;
}
