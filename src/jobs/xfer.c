/* SPDX-License-Identifier: MIT */
/*
 * Moving one item (a task from a walker) on an item thread.  Three ways,
 * by size and by what the destination can do:
 * - small (one chunk at most): read it whole, hash it, check it against
 *   the source's checksum, and write it with that sha256 as the expected
 *   one, so the destination computes and checks it too;
 * - resumable (the destination has open_partial): the pump reads ahead
 *   from the source (at the offset a partial write stopped at) while
 *   this thread appends to the partial; every XFER_CHECKPOINT_BYTES or
 *   XFER_CHECKPOINT_MS the partial is synced and its size recorded in
 *   the journal; commit checks the whole content's sha256;
 * - streamed: the pump feeds the destination's write, which pulls.
 * Then the item is verified (size, sha256 against the destination's and
 * the source's checksums), and for a move the source is removed.
 *
 * Resuming a partial: the bytes it holds are trusted as far as the boot
 * is the one that wrote them (a process killed on this boot leaves its
 * page cache intact), else only up to the size the journal recorded as
 * synced; a source that changed since (size, mtime, checksum) or that
 * cannot be read from an offset starts the item over.  The prefix kept
 * is read back from the partial (never from the source) to continue the
 * sha256.
 *
 * Failures that may pass are tried again after a backoff, continuing the
 * partial write; the others fail the item and remove the partial.  A
 * pause or the engine's shutdown keeps the partial and hands the task
 * back; a cancel removes it.
 *
 * Threads: an item thread; the pump adds its reader thread per item.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/evp.h>

#include "ferry/backend.h"
#include "ferry/entry.h"
#include "ferry/error.h"
#include "ferry/location.h"

#include "core/util.h"
#include "jobs/pump.h"
#include "jobs/transfer-int.h"

#define XFER_SHA256_HEX	64

/* One item being moved. */
struct xfer {
	struct transfer_slot	*slot;
	struct transfer		*t;
	struct transfer_job	*job;
	struct xfer_task	*task;
	struct ferry_backend	*sb;
	struct ferry_backend	*db;
	uint64_t		 have;		/* resumed prefix, this try */
	uint64_t		 read;		/* from the source, this try */
	bool			 earlier;	/* done by an earlier run */
};

static bool
xfer_sha_ok(const char *s)
{
	return s != NULL && strlen(s) == XFER_SHA256_HEX &&
	    strspn(s, "0123456789abcdefABCDEF") == XFER_SHA256_HEX;
}

static bool
xfer_size_known(const struct ferry_entry *e)
{
	return (e->flags & (FERRY_ENTRY_NO_SIZE | FERRY_ENTRY_NO_STAT)) == 0;
}

/* Fill write options from the source entry and the job's overrides. */
static void
xfer_write_opts(struct xfer *x, struct ferry_write_opts *wo)
{
	const struct ferry_entry *se = &x->task->se;

	memset(wo, 0, sizeof *wo);
	wo->exists = x->task->exists;
	wo->size_known = xfer_size_known(se);
	wo->size_hint = wo->size_known ? se->size : 0;
	if (x->job->mime != NULL)
		wo->mime = x->job->mime;
	else if (se->mime != NULL && *se->mime != '\0')
		wo->mime = se->mime;
	if (x->job->metadata != NULL)
		wo->metadata = x->job->metadata;
	else if (ferry_backend_has(x->sb, FERRY_CAP_METADATA) &&
	    ferry_backend_has(x->db, FERRY_CAP_METADATA))
		wo->metadata = se->metadata;
	if (xfer_sha_ok(se->checksum))
		wo->expect_sha256 = se->checksum;
	wo->mtime = se->modified;
	if (ferry_backend_has(x->sb, FERRY_CAP_LOCAL_FILES))
		wo->mode = se->mode & 07777;
}

/*
 * Check what was written against what was read: the byte count against
 * the source's size, the digest against the destination's checksum and
 * the source's.
 */
static enum ferry_code
xfer_verify(struct xfer *x, uint64_t bytes, const char *hex,
    const char *dst_sum, struct ferry_error *err)
{
	const struct ferry_entry *se = &x->task->se;

	if (xfer_size_known(se) && bytes != se->size)
		return ferry_error_set(err, FERRY_E_CONFLICT, "%s changed while "
		    "being copied: read %llu bytes, expected %llu",
		    x->task->stext, (unsigned long long)bytes,
		    (unsigned long long)se->size);
	if (hex == NULL)
		return ferry_error_set(err, FERRY_E_INTERNAL, "%s: no sha256 "
		    "was computed", x->task->stext);
	if (dst_sum != NULL && *dst_sum != '\0' &&
	    strcasecmp(dst_sum, hex) != 0)
		return ferry_error_set(err, FERRY_E_CORRUPT, "checksum "
		    "mismatch: read sha256 %s but the destination has %s", hex,
		    dst_sum);
	if (se->checksum != NULL && *se->checksum != '\0' &&
	    strcasecmp(se->checksum, hex) != 0)
		return ferry_error_set(err, FERRY_E_CORRUPT, "checksum "
		    "mismatch: read sha256 %s but the source has %s", hex,
		    se->checksum);
	return FERRY_OK;
}

static void
xfer_hex(const unsigned char *md, unsigned int n, char hex[65])
{
	unsigned int	 i;

	for (i = 0; i < n && i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	hex[64] = '\0';
}

/* The test hook's nap; CANCELLED when the job stopped meanwhile. */
static enum ferry_code
xfer_delay(struct xfer *x, struct ferry_error *err)
{
	uint32_t	 ms = transfer_delay_ms(x->t);

	if (ms != 0 && !transfer_nap(x->job, ms))
		return ferry_error_set(err, FERRY_E_CANCELLED, "%s: stopped",
		    x->task->stext);
	return FERRY_OK;
}

/* -------- small items -------- */

static enum ferry_code
xfer_small(struct xfer *x, struct ferry_error *err)
{
	struct ferry_reader	*r;
	struct ferry_write_opts	 wo;
	struct ferry_entry	 out;
	struct ferry_arena	 a;
	enum ferry_code		 result;
	unsigned char		*buf, md[EVP_MAX_MD_SIZE];
	unsigned int		 n = 0;
	char			 hex[65];
	size_t			 got = 0;

	result = ferry_backend_open_read(x->sb, x->task->spath, 0, UINT64_MAX,
	    &r, err);
	if (result != FERRY_OK)
		return result;
	buf = xmalloc(XFER_SMALL + 1);
	result = ferry_reader_read_full(r, buf, XFER_SMALL + 1, &got, err);
	ferry_reader_close(r);
	x->read = got;
	if (result == FERRY_OK)
		result = xfer_delay(x, err);
	if (result == FERRY_OK) {
		EVP_Digest(buf, got, md, &n, EVP_sha256(), NULL);
		xfer_hex(md, n, hex);
		result = xfer_verify(x, got, hex, NULL, err);
	}
	if (result != FERRY_OK) {
		free(buf);
		return result;
	}
	xfer_write_opts(x, &wo);
	wo.expect_sha256 = hex;		/* the destination checks it */
	r = ferry_reader_mem(buf, got);
	ferry_arena_init(&a);
	memset(&out, 0, sizeof out);
	result = ferry_backend_write(x->db, x->task->dpath, r, &wo, &out, &a,
	    err);
	ferry_reader_close(r);
	if (result == FERRY_OK) {
		result = xfer_verify(x, got, hex, out.checksum, err);
		if (result != FERRY_OK)
			(void)ferry_backend_remove(x->db, x->task->dpath, 0,
			    NULL);
	}
	ferry_arena_done(&a);
	free(buf);
	if (result == FERRY_OK)
		transfer_progress(x->slot, got, got);
	return result;
}

/* -------- streamed into a pulling write -------- */

static enum ferry_code
xfer_on_read(uint64_t done, uint64_t total, void *ud)
{
	struct xfer	*x = ud;

	(void)total;
	if (transfer_stopped(x->job))
		return FERRY_E_CANCELLED;
	transfer_progress(x->slot, done, done);
	return FERRY_OK;
}

static enum ferry_code
xfer_pipe(struct xfer *x, struct ferry_error *err)
{
	struct ferry_reader	*raw, *prog;
	struct ferry_write_opts	 wo;
	struct ferry_entry	 out;
	struct ferry_arena	 a;
	struct pump_opts	 po;
	struct pump		*p;
	enum ferry_code		 result;
	const char		*hex;

	result = ferry_backend_open_read(x->sb, x->task->spath, 0, UINT64_MAX,
	    &raw, err);
	if (result != FERRY_OK)
		return result;
	memset(&po, 0, sizeof po);
	po.delay_ms = transfer_delay_ms(x->t);
	if ((result = pump_start(raw, NULL, &po, &p, err)) != FERRY_OK)
		return result;
	prog = ferry_reader_progress(pump_reader(p), xfer_on_read, x);
	xfer_write_opts(x, &wo);
	ferry_arena_init(&a);
	memset(&out, 0, sizeof out);
	result = ferry_backend_write(x->db, x->task->dpath, prog, &wo, &out,
	    &a, err);
	ferry_reader_close(prog);
	x->read = pump_bytes(p);
	if (result == FERRY_OK) {
		hex = pump_hex(p);
		result = xfer_verify(x, x->read, hex, out.checksum, err);
		if (result != FERRY_OK)
			(void)ferry_backend_remove(x->db, x->task->dpath, 0,
			    NULL);
	}
	pump_free(p);
	ferry_arena_done(&a);
	return result;
}

/* -------- resumable -------- */

/* Open the partial write of the task: reopened, or a new one. */
static enum ferry_code
xfer_partial_open(struct xfer *x, const struct ferry_write_opts *wo,
    struct ferry_partial **p, struct ferry_error *err)
{
	struct xfer_task	*task = x->task;
	const struct ferry_entry *se = &task->se;
	enum ferry_code		 result;
	uint64_t		 have;

	*p = NULL;
	x->have = 0;
	if (task->token != NULL) {
		result = ferry_backend_open_partial(x->db, task->dpath, wo,
		    task->token, p, err);
		if (result != FERRY_OK && result != FERRY_E_NOT_FOUND &&
		    result != FERRY_E_BUSY && result != FERRY_E_INVALID)
			return result;	/* the target itself is the problem */
	}
	if (*p != NULL) {
		have = (*p)->size;
		if (task->boot == NULL || strcmp(task->boot,
		    journal_boot(x->t->journal)) != 0)
			have = have < task->committed ? have : task->committed;
		if (task->then_known && (task->then_size != se->size ||
		    task->then_mtime != se->modified ||
		    (task->then_sum != NULL && se->checksum != NULL &&
		    strcmp(task->then_sum, se->checksum) != 0)))
			have = 0;	/* the source changed since */
		if ((xfer_size_known(se) && have > se->size) ||
		    !ferry_backend_has(x->sb, FERRY_CAP_RANGE))
			have = 0;
		if ((result = ferry_partial_truncate(*p, have, err)) !=
		    FERRY_OK) {
			ferry_partial_close(*p, false);
			*p = NULL;
			return result;
		}
		x->have = have;
		return FERRY_OK;
	}
	result = ferry_backend_open_partial(x->db, task->dpath, wo, NULL, p,
	    err);
	if (result != FERRY_OK)
		return result;
	free(task->token);
	task->token = xstrdup((*p)->token);
	task->committed = 0;
	free(task->boot);
	task->boot = xstrdup(journal_boot(x->t->journal));
	task->then_known = true;
	task->then_size = se->size;
	task->then_mtime = se->modified;
	free(task->then_sum);
	task->then_sum = se->checksum != NULL ? xstrdup(se->checksum) : NULL;
	(void)journal_item_partial(x->t->journal, (int64_t)x->job->id,
	    task->stext, task->token, 0, NULL);
	return FERRY_OK;
}

/* A sha256 context fed with the first `have` bytes the partial holds. */
static enum ferry_code
xfer_prefix(struct xfer *x, struct ferry_partial *p, EVP_MD_CTX **out,
    struct ferry_error *err)
{
	EVP_MD_CTX	*md;
	enum ferry_code	 result = FERRY_OK;
	unsigned char	*buf;
	uint64_t	 off = 0;
	size_t		 got;

	md = EVP_MD_CTX_new();
	if (md == NULL || EVP_DigestInit_ex(md, EVP_sha256(), NULL) != 1)
		ferry_assert_fail("EVP sha256 init", __FILE__, __LINE__);
	buf = xmalloc(PUMP_CHUNK);
	while (off < x->have && result == FERRY_OK) {
		result = ferry_partial_read(p, off, buf, PUMP_CHUNK, &got, err);
		if (result == FERRY_OK && got == 0)
			result = ferry_error_set(err, FERRY_E_CORRUPT, "%s: the "
			    "partial write is shorter than %llu bytes",
			    x->task->dtext, (unsigned long long)x->have);
		if (result == FERRY_OK) {
			if (got > x->have - off)
				got = (size_t)(x->have - off);
			EVP_DigestUpdate(md, buf, got);
			off += got;
		}
	}
	free(buf);
	if (result != FERRY_OK) {
		EVP_MD_CTX_free(md);
		md = NULL;
	}
	*out = md;
	return result;
}

/* Make the partial durable and record how much of it is. */
static enum ferry_code
xfer_checkpoint(struct xfer *x, struct ferry_partial *p,
    struct ferry_error *err)
{
	enum ferry_code	 result;

	if ((result = ferry_partial_sync(p, err)) != FERRY_OK)
		return result;
	x->task->committed = p->size;
	(void)journal_item_partial(x->t->journal, (int64_t)x->job->id,
	    x->task->stext, p->token, p->size, NULL);
	return FERRY_OK;
}

/* Pump the source into the partial until the end. */
static enum ferry_code
xfer_fill(struct xfer *x, struct pump *pu, struct ferry_partial *p,
    struct ferry_error *err)
{
	enum ferry_code	 result = FERRY_OK;
	const void	*buf;
	uint64_t	 done = 0, since = 0, last = ferry_mono_ns();
	size_t		 len;

	for (;;) {
		if (transfer_stopped(x->job))
			return ferry_error_set(err, FERRY_E_CANCELLED,
			    "%s: stopped", x->task->stext);
		if ((result = pump_get(pu, &buf, &len, err)) != FERRY_OK ||
		    len == 0)
			return result;
		result = ferry_partial_write(p, buf, len, err);
		pump_release(pu);
		if (result != FERRY_OK)
			return result;
		done += len;
		since += len;
		transfer_progress(x->slot, x->have + done, done);
		if (since >= XFER_CHECKPOINT_BYTES || ferry_mono_ns() - last >=
		    (uint64_t)XFER_CHECKPOINT_MS * 1000000u) {
			if ((result = xfer_checkpoint(x, p, err)) != FERRY_OK)
				return result;
			since = 0;
			last = ferry_mono_ns();
		}
	}
}

/* Keep the partial for later, or remove it, after a failure. */
static void
xfer_partial_drop(struct xfer *x, struct ferry_partial *p,
    enum ferry_code code)
{
	bool	 keep;

	keep = copy_transient(code) || (code == FERRY_E_CANCELLED &&
	    !transfer_discard(x->t, x->job));
	ferry_partial_close(p, keep);
	if (!keep) {
		free(x->task->token);
		x->task->token = NULL;
	}
}

static enum ferry_code
xfer_resumable(struct xfer *x, struct ferry_error *err)
{
	struct ferry_write_opts	 wo;
	struct ferry_partial	*p;
	struct ferry_reader	*raw;
	struct ferry_entry	 out;
	struct ferry_arena	 a;
	struct pump_opts	 po;
	struct pump		*pu = NULL;
	EVP_MD_CTX		*md = NULL;
	enum ferry_code		 result;
	char			 hex[65];

	xfer_write_opts(x, &wo);
	if ((result = xfer_partial_open(x, &wo, &p, err)) != FERRY_OK)
		return result;
	result = xfer_prefix(x, p, &md, err);
	if (result == FERRY_OK)
		result = ferry_backend_open_read(x->sb, x->task->spath,
		    x->have, UINT64_MAX, &raw, err);
	if (result == FERRY_OK) {
		memset(&po, 0, sizeof po);
		po.delay_ms = transfer_delay_ms(x->t);
		result = pump_start(raw, md, &po, &pu, err);
		md = NULL;	/* the pump's now */
	}
	EVP_MD_CTX_free(md);
	if (result == FERRY_OK)
		result = xfer_fill(x, pu, p, err);
	if (pu != NULL) {
		x->read = pump_bytes(pu);
		snprintf(hex, sizeof hex, "%s", pump_hex(pu) != NULL ?
		    pump_hex(pu) : "");
		pump_free(pu);
	}
	if (result == FERRY_OK)
		result = xfer_verify(x, p->size, hex, NULL, err);
	if (result != FERRY_OK) {
		xfer_partial_drop(x, p, result);
		return result;
	}
	ferry_arena_init(&a);
	memset(&out, 0, sizeof out);
	result = ferry_partial_commit(p, hex, &out, &a, err);
	free(x->task->token);
	x->task->token = NULL;
	if (result == FERRY_OK) {
		result = xfer_verify(x, x->task->se.size, hex, out.checksum,
		    err);
		if (result != FERRY_OK)
			(void)ferry_backend_remove(x->db, x->task->dpath, 0,
			    NULL);
	}
	ferry_arena_done(&a);
	return result;
}

/* -------- the item -------- */

/*
 * A resumed item whose target exists: true when it is the copy an
 * earlier run made (same size, same checksum where both have one, the
 * same mtime where the destination keeps it).
 */
static bool
xfer_target_done(struct xfer *x)
{
	const struct ferry_entry *se = &x->task->se;
	struct ferry_entry	 te;
	struct ferry_arena	 a;
	bool			 same, sums;

	ferry_arena_init(&a);
	if (ferry_backend_stat(x->db, x->task->dpath, &te, &a, NULL) !=
	    FERRY_OK) {
		ferry_arena_done(&a);
		return false;
	}
	sums = xfer_sha_ok(se->checksum) && xfer_sha_ok(te.checksum);
	same = te.kind == FERRY_KIND_ITEM && xfer_size_known(se) &&
	    te.size == se->size;
	if (same && sums)
		same = strcasecmp(se->checksum, te.checksum) == 0;
	if (same && ferry_backend_has(x->db, FERRY_CAP_LOCAL_FILES) &&
	    se->modified > 0)
		same = te.modified / 1000 == se->modified / 1000;
	if (same && x->task->exists == FERRY_EXISTS_OVERWRITE && !sums)
		same = false;	/* the old target may look the same */
	ferry_arena_done(&a);
	return same;
}

/* Stream the item once, the way its size and the destination allow. */
static enum ferry_code
xfer_once(struct xfer *x, struct ferry_error *err)
{
	const struct ferry_entry *se = &x->task->se;
	enum ferry_code	 result;

	x->have = 0;
	x->read = 0;
	if (xfer_size_known(se) && se->size <= XFER_SMALL &&
	    x->task->token == NULL)
		result = xfer_small(x, err);
	else if (ferry_backend_has(x->db, FERRY_CAP_RESUME))
		result = xfer_resumable(x, err);
	else
		result = xfer_pipe(x, err);
	x->task->bytes_read += x->read;
	transfer_stats(x->t, "item src=%s offset=%llu read=%llu size=%llu "
	    "attempt=%u result=%s", x->task->stext,
	    (unsigned long long)x->have, (unsigned long long)x->read,
	    (unsigned long long)se->size, x->task->attempts,
	    ferry_code_name(result));
	return result;
}

/* Move the item, with retries; FERRY_E_CANCELLED when stopped. */
static enum ferry_code
xfer_item(struct xfer *x, struct ferry_error *err)
{
	enum ferry_code	 result;
	unsigned	 attempt;

	if (x->task->check_target && xfer_target_done(x)) {
		x->earlier = true;
		result = FERRY_OK;
	} else {
		for (;;) {
			attempt = ++x->task->attempts;
			result = xfer_once(x, err);
			if (result == FERRY_OK || result == FERRY_E_CANCELLED ||
			    transfer_stopped(x->job) ||
			    !transfer_backoff(x->t, x->job, attempt, result))
				break;
		}
	}
	if (result != FERRY_OK)
		return transfer_stopped(x->job) ? FERRY_E_CANCELLED : result;
	if (x->job->kind != TRANSFER_MOVE)
		return FERRY_OK;
	for (attempt = 1;; attempt++) {
		result = ferry_backend_remove(x->sb, x->task->spath, 0, err);
		if (result == FERRY_OK ||
		    !transfer_backoff(x->t, x->job, attempt, result))
			break;
	}
	if (result != FERRY_OK)
		ferry_error_prefix(err, "copied, but the source was not "
		    "removed");
	return result;
}

/* The backends of the task, with retries on transient failures. */
static enum ferry_code
xfer_open(struct xfer *x, struct ferry_error *err)
{
	enum ferry_code	 result;
	unsigned	 attempt;

	for (attempt = 1;; attempt++) {
		result = transfer_conn(&x->slot->conns, x->job,
		    &x->job->srcs[x->task->sns], &x->sb, err);
		if (result == FERRY_OK)
			result = transfer_conn(&x->slot->conns, x->job,
			    &x->job->dst, &x->db, err);
		if (result == FERRY_OK ||
		    !transfer_backoff(x->t, x->job, attempt, result))
			break;
	}
	if (result != FERRY_OK)
		return result;
	x->sb->cancel = &x->job->stop;
	x->db->cancel = &x->job->stop;
	return FERRY_OK;
}

void
xfer_run(struct transfer_slot *slot, struct xfer_task *task)
{
	struct xfer		 x;
	struct copy_result	 r;
	struct ferry_error	 err;
	enum ferry_code		 result;

	memset(&x, 0, sizeof x);
	x.slot = slot;
	x.t = slot->t;
	x.job = task->job;
	x.task = task;
	ferry_error_clear(&err);
	result = xfer_open(&x, &err);
	if (result == FERRY_OK)
		result = xfer_item(&x, &err);
	if (x.sb != NULL)
		x.sb->cancel = NULL;
	if (x.db != NULL)
		x.db->cancel = NULL;
	/*
	 * Stopped (a pause, a cancel, the engine's shutdown): hand the task
	 * back, to be queued again or dropped; even when a resume came
	 * meanwhile, the item is not a failure.
	 */
	if (result == FERRY_E_CANCELLED)
		return;
	transfer_slot_release(slot);
	memset(&r, 0, sizeof r);
	r.status = result == FERRY_OK ? COPY_DONE : COPY_FAILED;
	r.kind = FERRY_KIND_ITEM;
	r.src = task->stext;
	r.dst = task->dtext;
	r.bytes = task->se.size;
	r.earlier = x.earlier;
	r.attempts = task->attempts;
	if (result != FERRY_OK) {
		r.err = err;
		if (r.err.code == FERRY_OK)
			r.err.code = result;
	}
	transfer_report(x.t, x.job, &r, task->bytes_read);
	copy_dir_release(x.t, task->dir, result != FERRY_OK, false, x.sb);
	xfer_task_free(task);
}
