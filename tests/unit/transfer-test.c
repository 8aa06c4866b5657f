/* SPDX-License-Identifier: MIT */
/*
 * Tests for the transfer engine (src/jobs/transfer.c and its walker,
 * items, pump and journal) and the resumable writes of the local and
 * store backends, in a temporary directory: the pump hands every byte
 * over in order with its sha256 and the source's error after them; the
 * journal records jobs and entries and refuses to clear what can still
 * be resumed; partial writes reopen by token, refuse foreign tokens and
 * commit only the content they were promised; jobs copy trees both ways
 * byte-identical, follow each conflict policy and the answers to
 * questions, keep the source of a move that fails verification, stop on
 * cancel without leaving partial files, pause and resume, and continue a
 * halted transfer from where it stopped without reading the source again.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "lib/check.h"
#include "unit/store-util.h"
#include "core/util.h"
#include "ferry/backend.h"
#include "ferry/config.h"
#include "ferry/location.h"
#include "jobs/journal.h"
#include "jobs/pump.h"
#include "jobs/transfer.h"

#define BIG	(6u * 1024 * 1024 + 12345)

static char		*tmp;
static struct ferry_config cfg;

/* -------- helpers -------- */

static char *
path_of(const char *rel)
{
	return xasprintf("%s/%s", tmp, rel);
}

/* Write size pseudo-random bytes (seeded) to tmp/rel. */
static void
put_file(const char *rel, size_t size, unsigned seed)
{
	char		*p = path_of(rel);
	FILE		*f = fopen(p, "w");
	unsigned	 x = seed * 2654435761u + 1;
	size_t		 i;

	if (f == NULL) {
		perror(p);
		exit(2);
	}
	for (i = 0; i < size; i++) {
		x = x * 1103515245u + 12345u;
		fputc((int)(x >> 16) & 0xff, f);
	}
	fclose(f);
	free(p);
}

static void
mk(const char *rel)
{
	char	*p = path_of(rel);

	mkdir(p, 0755);
	free(p);
}

/* True when tmp/a and tmp/b hold the same bytes. */
static bool
same_file(const char *a, const char *b)
{
	char	*pa = path_of(a), *pb = path_of(b);
	FILE	*fa = fopen(pa, "r"), *fb = fopen(pb, "r");
	int	 ca, cb;
	bool	 same = fa != NULL && fb != NULL;

	while (same) {
		ca = fgetc(fa);
		cb = fgetc(fb);
		if (ca != cb)
			same = false;
		if (ca == EOF)
			break;
	}
	if (fa != NULL)
		fclose(fa);
	if (fb != NULL)
		fclose(fb);
	free(pa);
	free(pb);
	return same;
}

static bool
exists(const char *rel)
{
	struct stat	 st;
	char		*p = path_of(rel);
	bool		 yes = lstat(p, &st) == 0;

	free(p);
	return yes;
}

/* Files in tmp/rel whose name contains `part`. */
static int
count_named(const char *rel, const char *part)
{
	DIR		*d;
	struct dirent	*e;
	char		*p = path_of(rel);
	int		 n = 0;

	if ((d = opendir(p)) != NULL) {
		while ((e = readdir(d)) != NULL)
			if (strstr(e->d_name, part) != NULL)
				n++;
		closedir(d);
	}
	free(p);
	return n;
}

static void
loc(const char *text, struct ferry_location *l)
{
	struct ferry_error	 err;

	if (ferry_location_parse(text, l, &err) != FERRY_OK) {
		printf("# %s: %s\n", text, err.msg);
		exit(2);
	}
}

static struct transfer *
engine(unsigned concurrency, bool report_done)
{
	struct transfer_opts	 o;
	struct transfer		*t = NULL;
	struct ferry_error	 err;
	char			*j = path_of("jobs.db");

	memset(&o, 0, sizeof o);
	o.concurrency = concurrency;
	o.journal = j;
	o.report_done = report_done;
	if (transfer_new(&cfg, &o, &t, &err) != FERRY_OK) {
		printf("# transfer_new: %s\n", err.msg);
		exit(2);
	}
	free(j);
	return t;
}

/* What happened while waiting for a job. */
struct seen {
	enum transfer_state	 state;
	unsigned		 done, failed, skipped, asks;
	struct ferry_error	 err;		/* the job's or the last item's */
	enum transfer_answer	 answer;	/* to give to questions */
};

/* Wait (up to a generous safety limit) for job id to end. */
static void
wait_job(struct transfer *t, uint64_t id, struct seen *s)
{
	struct transfer_event	*evs, *ev;
	struct pollfd		 pfd;
	int			 rounds;

	pfd.fd = transfer_fd(t);
	pfd.events = POLLIN;
	for (rounds = 0; rounds < 6000 && !transfer_state_final(s->state);
	    rounds++) {
		(void)poll(&pfd, 1, 20);
		evs = transfer_take(t);
		for (ev = evs; ev != NULL; ev = ev->next) {
			if (ev->job != id)
				continue;
			if (ev->type == TRANSFER_EV_STATE) {
				s->state = ev->state;
				if (ev->state == TRANSFER_FAILED &&
				    ev->err.code != FERRY_OK)
					s->err = ev->err;
			} else if (ev->type == TRANSFER_EV_ITEM) {
				if (ev->result.status == COPY_DONE)
					s->done++;
				else if (ev->result.status == COPY_SKIPPED)
					s->skipped++;
				else {
					s->failed++;
					s->err = ev->result.err;
				}
			} else if (ev->type == TRANSFER_EV_ASK) {
				s->asks++;
				CHECK_CODE(transfer_answer(t, ev->ask,
				    s->answer, NULL), FERRY_OK);
			}
		}
		transfer_event_free_all(evs);
	}
	if (!transfer_state_final(s->state))
		printf("#   job %llu did not end\n", (unsigned long long)id);
}

/* Submit a job of one or two sources and wait for it. */
static uint64_t
run_job(struct transfer *t, enum transfer_kind kind, const char *s1,
    const char *s2, const char *dst, enum copy_conflict conflict,
    struct seen *s)
{
	struct ferry_location	 srcs[2], d;
	struct transfer_spec	 spec;
	struct ferry_error	 err;
	uint64_t		 id = 0;
	size_t			 n = 1;

	loc(s1, &srcs[0]);
	if (s2 != NULL) {
		loc(s2, &srcs[1]);
		n = 2;
	}
	if (dst != NULL)
		loc(dst, &d);
	memset(&spec, 0, sizeof spec);
	spec.kind = kind;
	spec.srcs = srcs;
	spec.nsrcs = n;
	spec.dst = dst != NULL ? &d : NULL;
	spec.conflict = conflict;
	CHECK_CODE(transfer_submit(t, &spec, &id, &err), FERRY_OK);
	CHECK(id != 0);
	ferry_location_done(&srcs[0]);
	if (n == 2)
		ferry_location_done(&srcs[1]);
	if (dst != NULL)
		ferry_location_done(&d);
	if (s != NULL)
		wait_job(t, id, s);
	return id;
}

static void
sha_hex(const void *buf, size_t len, char hex[65])
{
	unsigned char	 md[EVP_MAX_MD_SIZE];
	unsigned int	 n = 0, i;

	EVP_Digest(buf, len, md, &n, EVP_sha256(), NULL);
	for (i = 0; i < n; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
}

static void
setup(void)
{
	char	*store;

	tmp = su_tmpdir();
	store = path_of("store");
	memset(&cfg, 0, sizeof cfg);
	cfg.store_dir = store;
}

static void
teardown(void)
{
	free(cfg.store_dir);
	cfg.store_dir = NULL;
	su_rmdir(tmp);
}

/* -------- names -------- */

static void
test_names(void)
{
	static const struct {
		const char	*in;
		unsigned	 n;
		const char	*out;
	} rows[] = {
		{ "a.txt", 1, "a (1).txt" },
		{ ".profile", 2, ".profile (2)" },
		{ "dir", 3, "dir (3)" },
		{ "a.tar.gz", 1, "a.tar (1).gz" },
	};
	size_t	 i;
	char	*s;

	for (i = 0; i < FERRY_NELEM(rows); i++) {
		s = copy_suffix_name(rows[i].in, rows[i].n);
		CHECK_STR(s, rows[i].out);
		free(s);
	}
	CHECK_INT(copy_conflict_from_name("ask"), COPY_CONFLICT_ASK);
	CHECK_INT(copy_conflict_from_name("clobber"), -1);
	CHECK_STR(transfer_kind_name(TRANSFER_DOWNLOAD), "download");
	CHECK_INT(transfer_state_from_name("interrupted"),
	    TRANSFER_INTERRUPTED);
	CHECK(copy_transient(FERRY_E_NETWORK) && copy_transient(FERRY_E_BUSY));
	CHECK(!copy_transient(FERRY_E_PERMISSION) &&
	    !copy_transient(FERRY_E_NO_SPACE) &&
	    !copy_transient(FERRY_E_INVALID_NAME) &&
	    !copy_transient(FERRY_E_LIMIT));
}

/* -------- the pump -------- */

/* A reader that gives `ok` bytes of a buffer, then fails. */
struct bad_reader {
	struct ferry_reader	 r;
	const unsigned char	*buf;
	size_t			 off, ok;
};

static enum ferry_code
bad_read(struct ferry_reader *r, void *buf, size_t len, size_t *got,
    struct ferry_error *err)
{
	struct bad_reader	*b = (struct bad_reader *)r;

	*got = 0;
	if (b->off >= b->ok)
		return ferry_error_set(err, FERRY_E_IO, "disk gone at offset "
		    "%zu", b->off);
	if (len > b->ok - b->off)
		len = b->ok - b->off;
	memcpy(buf, b->buf + b->off, len);
	b->off += len;
	*got = len;
	return FERRY_OK;
}

static void
bad_close(struct ferry_reader *r)
{
	free(r);
}

static const struct ferry_reader_ops bad_ops = { bad_read, bad_close };

static unsigned char *
random_buf(size_t n)
{
	unsigned char	*b = xmalloc(n);
	unsigned	 x = 7;
	size_t		 i;

	for (i = 0; i < n; i++) {
		x = x * 1103515245u + 12345u;
		b[i] = (unsigned char)(x >> 16);
	}
	return b;
}

static void
test_pump_roundtrip(void)
{
	struct pump_opts o = { 65536, 3, 0 };
	struct pump	*p;
	unsigned char	*data = random_buf(1000003), *back;
	const void	*chunk;
	size_t		 len, off = 0;
	char		 want[65];
	EVP_MD_CTX	*md;

	back = xmalloc(1000003);
	CHECK_CODE(pump_start(ferry_reader_mem(data, 1000003), NULL, &o, &p,
	    NULL), FERRY_OK);
	CHECK(pump_hex(p) == NULL);
	for (;;) {
		CHECK_CODE(pump_get(p, &chunk, &len, NULL), FERRY_OK);
		if (len == 0)
			break;
		CHECK(off + len <= 1000003);
		memcpy(back + off, chunk, len);
		off += len;
		pump_release(p);
	}
	CHECK_INT(off, 1000003);
	CHECK(memcmp(data, back, off) == 0);
	CHECK_INT(pump_bytes(p), 1000003);
	sha_hex(data, 1000003, want);
	CHECK_STR(pump_hex(p), want);
	pump_free(p);

	/* a prefix fed to the context first counts in the digest */
	md = EVP_MD_CTX_new();
	EVP_DigestInit_ex(md, EVP_sha256(), NULL);
	EVP_DigestUpdate(md, data, 1000);
	CHECK_CODE(pump_start(ferry_reader_mem(data + 1000, 1000003 - 1000),
	    md, &o, &p, NULL), FERRY_OK);
	while (pump_get(p, &chunk, &len, NULL) == FERRY_OK && len != 0)
		pump_release(p);
	CHECK_STR(pump_hex(p), want);
	CHECK_INT(pump_bytes(p), 1000003 - 1000);
	pump_free(p);
	free(back);
	free(data);
}

static void
test_pump_errors(void)
{
	struct pump_opts o = { 4096, 2, 0 };
	struct bad_reader *b;
	struct pump	*p;
	struct ferry_error err;
	unsigned char	*data = random_buf(20000);
	const void	*chunk;
	size_t		 len, total = 0;
	enum ferry_code	 result;

	b = xcalloc(1, sizeof *b);
	b->r.ops = &bad_ops;
	b->buf = data;
	b->ok = 10000;
	CHECK_CODE(pump_start(&b->r, NULL, &o, &p, NULL), FERRY_OK);
	while ((result = pump_get(p, &chunk, &len, &err)) == FERRY_OK &&
	    len != 0) {
		total += len;
		pump_release(p);
	}
	/* every byte before the error first, then the source's message */
	CHECK_INT(result, FERRY_E_IO);
	CHECK(total == 8192);
	CHECK(strstr(err.msg, "disk gone") != NULL);
	CHECK(pump_hex(p) == NULL);
	pump_free(p);

	/* freeing with the ring full and a chunk held does not hang */
	CHECK_CODE(pump_start(ferry_reader_mem(data, 20000), NULL, &o, &p,
	    NULL), FERRY_OK);
	CHECK_CODE(pump_get(p, &chunk, &len, NULL), FERRY_OK);
	CHECK_INT(len, 4096);
	pump_free(p);
	free(data);
}

/* -------- the journal -------- */

static enum ferry_code
count_cb(const struct journal_item *it, void *ud)
{
	(void)it;
	(*(int *)ud)++;
	return FERRY_OK;
}

static void
test_journal(void)
{
	struct journal		*j;
	struct journal_new	 in;
	struct journal_job	 out;
	struct journal_item	 items[2], got;
	struct ferry_arena	 a;
	struct ferry_error	 err;
	const char		*srcs[2] = { "/a/b", "store:/c" };
	char			*path;
	int64_t			 id = 0;
	uint64_t		 n;
	int			 failed = 0;

	setup();
	path = path_of("state/deep/jobs.db");
	CHECK_CODE(journal_open(path, &j, &err), FERRY_OK);
	memset(&in, 0, sizeof in);
	in.kind = "copy";
	in.srcs = srcs;
	in.nsrcs = 2;
	in.dst = "store:/x";
	in.conflict = "rename";
	CHECK_CODE(journal_job_add(j, &in, &id, &err), FERRY_OK);
	CHECK(id > 0);
	CHECK_CODE(journal_job_get(j, id, &out, &err), FERRY_OK);
	CHECK_STR(out.state, "queued");
	CHECK_INT(out.nsrcs, 2);
	CHECK_STR(out.srcs[1], "store:/c");
	CHECK(out.alive && out.mine);
	CHECK(!journal_job_interrupted(&out));
	journal_job_done(&out);

	memset(items, 0, sizeof items);
	items[0].src = "/a/b/one";
	items[0].dst = "/x/one";
	items[0].kind = FERRY_KIND_ITEM;
	items[0].size = 10;
	items[1] = items[0];
	items[1].src = "/a/b/two";
	items[1].dst = "/x/two (1)";
	CHECK_CODE(journal_items_put(j, id, items, 2, &err), FERRY_OK);
	CHECK_CODE(journal_item_partial(j, id, "/a/b/two", "tok", 5, &err),
	    FERRY_OK);
	journal_item_end(j, id, "/a/b/one", JOURNAL_FAILED, 3, "no space");
	ferry_arena_init(&a);
	/* a read sees the queued end */
	CHECK_CODE(journal_item_get(j, id, "/a/b/one", &got, &a, &err),
	    FERRY_OK);
	CHECK_INT(got.state, JOURNAL_FAILED);
	CHECK_INT(got.bytes_read, 3);
	CHECK_STR(got.error, "no space");
	CHECK_CODE(journal_item_get(j, id, "/a/b/two", &got, &a, &err),
	    FERRY_OK);
	CHECK_STR(got.dst, "/x/two (1)");
	CHECK_STR(got.token, "tok");
	CHECK_INT(got.committed, 5);
	CHECK_STR(got.boot, journal_boot(j));
	CHECK_CODE(journal_item_get(j, id, "/nope", &got, &a, &err),
	    FERRY_E_NOT_FOUND);
	ferry_arena_done(&a);
	CHECK_CODE(journal_items(j, id, JOURNAL_FAILED, count_cb, &failed,
	    &err), FERRY_OK);
	CHECK_INT(failed, 1);

	/* unfinished: not cleared by "clear all", nor by id unforced */
	CHECK_CODE(journal_clear(j, 0, false, &n, &err), FERRY_OK);
	CHECK_INT(n, 0);
	CHECK_CODE(journal_clear(j, id, false, &n, &err), FERRY_E_BUSY);
	CHECK_CODE(journal_job_claim(j, id, &err), FERRY_OK);	/* ours */
	CHECK_CODE(journal_job_mark(j, id, "paused", &err), FERRY_OK);
	CHECK_CODE(journal_job_state(j, id, "done", NULL, &err), FERRY_OK);
	/* a late passing state never hides how the job ended */
	CHECK_CODE(journal_job_mark(j, id, "running", &err), FERRY_OK);
	CHECK_CODE(journal_job_get(j, id, &out, &err), FERRY_OK);
	CHECK_STR(out.state, "done");
	journal_job_done(&out);
	CHECK_CODE(journal_job_claim(j, id, &err), FERRY_E_INVALID);
	CHECK_CODE(journal_clear(j, 0, false, &n, &err), FERRY_OK);
	CHECK_INT(n, 1);
	CHECK_CODE(journal_job_get(j, id, &out, &err), FERRY_E_NOT_FOUND);
	journal_close(j);
	free(path);
	teardown();
}

/* -------- partial writes -------- */

/* Write, keep, reopen, cut, finish and commit a partial on b at path. */
static void
partial_cycle(struct ferry_backend *b, const char *path, const char *name)
{
	struct ferry_write_opts	 wo;
	struct ferry_partial	*p, *q;
	struct ferry_entry	 e;
	struct ferry_arena	 a;
	struct ferry_error	 err;
	unsigned char		*data = random_buf(300000), back[100];
	char			*token, hex[65], bad[65];
	size_t			 got;

	memset(&wo, 0, sizeof wo);
	CHECK_CODE(ferry_backend_open_partial(b, path, &wo, NULL, &p, &err),
	    FERRY_OK);
	CHECK(p != NULL && p->token != NULL && p->size == 0);
	CHECK_CODE(ferry_partial_write(p, data, 100000, &err), FERRY_OK);
	CHECK_CODE(ferry_partial_write(p, data + 100000, 100000, &err),
	    FERRY_OK);
	CHECK_CODE(ferry_partial_sync(p, &err), FERRY_OK);
	token = xstrdup(p->token);
	ferry_partial_close(p, true);
	/* a second writer is refused while it is open */
	CHECK_CODE(ferry_backend_open_partial(b, path, &wo, token, &p, &err),
	    FERRY_OK);
	CHECK_INT(p->size, 200000);
	CHECK_CODE(ferry_backend_open_partial(b, path, &wo, token, &q, &err),
	    FERRY_E_BUSY);
	CHECK_CODE(ferry_partial_read(p, 150000, back, sizeof back, &got,
	    &err), FERRY_OK);
	CHECK(got == sizeof back && memcmp(back, data + 150000, got) == 0);
	CHECK_CODE(ferry_partial_truncate(p, 150000, &err), FERRY_OK);
	CHECK_CODE(ferry_partial_write(p, data + 150000, 150000, &err),
	    FERRY_OK);
	sha_hex(data, 300000, hex);
	ferry_arena_init(&a);
	CHECK_CODE(ferry_partial_commit(p, hex, &e, &a, &err), FERRY_OK);
	CHECK_STR(e.checksum, hex);
	CHECK_INT(e.size, 300000);
	ferry_arena_done(&a);
	/* the token is used up (and the name is taken now) */
	CHECK_CODE(ferry_backend_open_partial(b, path, &wo, token, &p, &err),
	    FERRY_E_EXISTS);
	wo.exists = FERRY_EXISTS_OVERWRITE;
	CHECK_CODE(ferry_backend_open_partial(b, path, &wo, token, &p, &err),
	    FERRY_E_NOT_FOUND);
	free(token);

	/* a commit promised other content stores nothing */
	memset(bad, '0', 64);
	bad[64] = '\0';
	CHECK_CODE(ferry_backend_open_partial(b, name, &wo, NULL, &p, &err),
	    FERRY_OK);
	CHECK_CODE(ferry_partial_write(p, data, 1000, &err), FERRY_OK);
	CHECK_CODE(ferry_partial_commit(p, bad, NULL, NULL, &err),
	    FERRY_E_CORRUPT);
	ferry_arena_init(&a);
	CHECK_CODE(ferry_backend_stat(b, name, &e, &a, &err),
	    FERRY_E_NOT_FOUND);
	ferry_arena_done(&a);
	/* a token that is not one of ours reaches nothing */
	CHECK(ferry_backend_open_partial(b, path, &wo, "../../etc/passwd",
	    &p, &err) == FERRY_E_INVALID);
	free(data);
}

static void
test_partial_local(void)
{
	struct ferry_location	 l;
	struct ferry_backend	*b;
	struct ferry_error	 err;
	char			*dir, *target, *other;

	setup();
	mk("out");
	dir = path_of("out");
	target = path_of("out/file.bin");
	other = path_of("out/other.bin");
	loc(dir, &l);
	CHECK_CODE(ferry_backend_open(&l, &cfg, &b, &err), FERRY_OK);
	CHECK(ferry_backend_has(b, FERRY_CAP_RESUME));
	partial_cycle(b, target, other);
	CHECK(exists("out/file.bin"));
	CHECK_INT(count_named("out", ".ferry-part-"), 0);
	ferry_backend_close(b);
	ferry_location_done(&l);
	free(dir);
	free(target);
	free(other);
	teardown();
}

static void
test_partial_store(void)
{
	struct ferry_location	 l;
	struct ferry_backend	*b;
	struct ferry_error	 err;

	setup();
	loc("store:/", &l);
	CHECK_CODE(ferry_backend_open(&l, &cfg, &b, &err), FERRY_OK);
	CHECK(ferry_backend_has(b, FERRY_CAP_RESUME));
	partial_cycle(b, "/file.bin", "/other.bin");
	CHECK_INT(count_named("store/tmp", ".tmp"), 0);
	ferry_backend_close(b);
	ferry_location_done(&l);
	teardown();
}

/* -------- jobs -------- */

/* A tree of files: sizes around the chunk and small-item edges. */
static void
make_tree(void)
{
	mk("src");
	mk("src/a");
	mk("src/a/b");
	mk("src/empty");
	put_file("src/zero", 0, 1);
	put_file("src/one", 1, 2);
	put_file("src/a/mib", 1024 * 1024, 3);
	put_file("src/a/mib1", 1024 * 1024 + 1, 4);
	put_file("src/a/b/big", 3 * 1024 * 1024 + 7, 5);
	put_file("src/a/b/small.txt", 4096, 6);
}

static void
test_job_tree(void)
{
	struct transfer		*t;
	struct transfer_snapshot s;
	struct seen		 up, down;
	char			*src, *back;
	uint64_t		 id;

	setup();
	make_tree();
	src = path_of("src");
	back = path_of("back");
	t = engine(3, true);
	memset(&up, 0, sizeof up);
	id = run_job(t, TRANSFER_UPLOAD, src, NULL, "store:/", 0, &up);
	CHECK_INT(up.state, TRANSFER_DONE);
	CHECK_INT(up.failed, 0);
	CHECK_INT(up.done, 6 + 4);	/* items and folders */
	transfer_snapshot(t, &s);
	CHECK_INT(s.n, 1);
	CHECK(s.jobs[0].id == id && s.jobs[0].totals_known);
	CHECK_INT(s.jobs[0].items_total, 6);
	CHECK_INT(s.jobs[0].items_done, 6);
	CHECK(s.jobs[0].bytes_done == s.jobs[0].bytes_total &&
	    s.jobs[0].bytes_total == 1 + 2 * 1024 * 1024 + 1 +
	    3 * 1024 * 1024 + 7 + 4096);
	transfer_snapshot_done(&s);
	memset(&down, 0, sizeof down);
	run_job(t, TRANSFER_DOWNLOAD, "store:/src", NULL, back, 0, &down);
	CHECK_INT(down.state, TRANSFER_DONE);
	CHECK(same_file("src/a/b/big", "back/a/b/big"));
	CHECK(same_file("src/a/mib1", "back/a/mib1"));
	CHECK(same_file("src/a/mib", "back/a/mib"));
	CHECK(same_file("src/zero", "back/zero"));
	CHECK(same_file("src/one", "back/one"));
	CHECK(exists("back/empty"));
	CHECK_INT(count_named("back/a/b", ".ferry-"), 0);
	/* a move of the tree removes each source once copied */
	memset(&down, 0, sizeof down);
	run_job(t, TRANSFER_MOVE, back, NULL, "store:/moved", 0, &down);
	CHECK_INT(down.state, TRANSFER_DONE);
	CHECK(!exists("back"));
	transfer_clear(t, 0, NULL);
	transfer_snapshot(t, &s);
	CHECK_INT(s.n, 0);
	transfer_snapshot_done(&s);
	transfer_free(t);
	free(src);
	free(back);
	teardown();
}

static void
test_job_conflicts(void)
{
	struct transfer	*t;
	struct seen	 s;
	char		*a, *b, *out, *outb;

	setup();
	mk("out");
	put_file("a.txt", 100, 1);
	put_file("b.txt", 200, 2);
	put_file("out/a.txt", 50, 3);
	a = path_of("a.txt");
	b = path_of("b.txt");
	out = path_of("out");
	outb = path_of("out/a.txt");
	t = engine(2, false);

	memset(&s, 0, sizeof s);
	run_job(t, TRANSFER_COPY, a, NULL, out, COPY_CONFLICT_FAIL, &s);
	CHECK_INT(s.state, TRANSFER_FAILED);
	CHECK_INT(s.err.code, FERRY_E_EXISTS);
	CHECK(!same_file("a.txt", "out/a.txt"));

	memset(&s, 0, sizeof s);
	run_job(t, TRANSFER_COPY, a, NULL, out, COPY_CONFLICT_SKIP, &s);
	CHECK_INT(s.state, TRANSFER_DONE);
	CHECK_INT(s.skipped, 1);
	CHECK(!same_file("a.txt", "out/a.txt"));

	memset(&s, 0, sizeof s);
	run_job(t, TRANSFER_COPY, a, NULL, out, COPY_CONFLICT_RENAME, &s);
	CHECK_INT(s.state, TRANSFER_DONE);
	CHECK(same_file("a.txt", "out/a (1).txt"));

	memset(&s, 0, sizeof s);
	run_job(t, TRANSFER_COPY, a, NULL, out, COPY_CONFLICT_OVERWRITE, &s);
	CHECK_INT(s.state, TRANSFER_DONE);
	CHECK(same_file("a.txt", "out/a.txt"));

	/* ask: one question, answered "rename, for all" */
	put_file("out/b.txt", 10, 4);
	memset(&s, 0, sizeof s);
	s.answer = TRANSFER_ANSWER_RENAME_ALL;
	run_job(t, TRANSFER_COPY, a, b, out, COPY_CONFLICT_ASK, &s);
	CHECK_INT(s.state, TRANSFER_DONE);
	CHECK_INT(s.asks, 1);
	CHECK(same_file("a.txt", "out/a (2).txt"));
	CHECK(same_file("b.txt", "out/b (1).txt"));
	/* ask, answered "cancel" */
	memset(&s, 0, sizeof s);
	s.answer = TRANSFER_ANSWER_CANCEL;
	run_job(t, TRANSFER_COPY, b, NULL, out, COPY_CONFLICT_ASK, &s);
	CHECK_INT(s.state, TRANSFER_CANCELLED);
	CHECK(!exists("out/b (2).txt"));

	/* a destination whose parent is missing fails the job */
	free(outb);
	outb = path_of("nowhere/x.txt");
	memset(&s, 0, sizeof s);
	run_job(t, TRANSFER_COPY, a, NULL, outb, 0, &s);
	CHECK_INT(s.state, TRANSFER_FAILED);
	CHECK(strstr(s.err.msg, "does not exist") != NULL);
	transfer_free(t);
	free(a);
	free(b);
	free(out);
	free(outb);
	teardown();
}

static void
test_job_verify(void)
{
	struct ferry_location	 l;
	struct ferry_backend	*sb;
	struct ferry_entry	 e;
	struct ferry_arena	 a;
	struct ferry_error	 err;
	struct transfer		*t;
	struct seen		 s;
	char			*src, *blob, *out;
	FILE			*f;

	setup();
	put_file("big.bin", BIG, 9);
	src = path_of("big.bin");
	out = path_of("out.bin");
	t = engine(2, false);
	memset(&s, 0, sizeof s);
	run_job(t, TRANSFER_UPLOAD, src, NULL, "store:/big.bin", 0, &s);
	CHECK_INT(s.state, TRANSFER_DONE);
	/* corrupt the blob: same size, other bytes */
	loc("store:/", &l);
	CHECK_CODE(ferry_backend_open(&l, &cfg, &sb, &err), FERRY_OK);
	ferry_arena_init(&a);
	CHECK_CODE(ferry_backend_stat(sb, "/big.bin", &e, &a, &err),
	    FERRY_OK);
	blob = xasprintf("%s/store/blobs/%.2s/%s", tmp, e.checksum,
	    e.checksum);
	chmod(blob, 0600);
	f = fopen(blob, "r+");
	CHECK(f != NULL);
	if (f != NULL) {
		fseek(f, BIG / 2, SEEK_SET);
		fputs("CORRUPTED", f);
		fclose(f);
	}
	memset(&s, 0, sizeof s);
	run_job(t, TRANSFER_MOVE, "store:/big.bin", NULL, out, 0, &s);
	CHECK_INT(s.state, TRANSFER_FAILED);
	CHECK_INT(s.err.code, FERRY_E_CORRUPT);
	CHECK(strstr(s.err.msg, "checksum") != NULL);
	/* the source stays, nothing is left at the target */
	CHECK_CODE(ferry_backend_stat(sb, "/big.bin", &e, &a, &err),
	    FERRY_OK);
	CHECK(!exists("out.bin"));
	CHECK_INT(count_named("", ".ferry-"), 0);
	ferry_arena_done(&a);
	ferry_backend_close(sb);
	ferry_location_done(&l);
	transfer_free(t);
	free(blob);
	free(src);
	free(out);
	teardown();
}

/* Wait until job id has `moving` items in flight, or give up. */
static void
wait_moving(struct transfer *t, uint64_t id, unsigned moving, bool bytes)
{
	struct transfer_snapshot s;
	int			 i;
	bool			 ok = false;

	for (i = 0; i < 3000 && !ok; i++) {
		transfer_snapshot(t, &s);
		ok = s.n > 0 && s.jobs[s.n - 1].id == id &&
		    s.jobs[s.n - 1].moving == moving &&
		    (!bytes || s.jobs[s.n - 1].bytes_done > 0);
		transfer_snapshot_done(&s);
		if (!ok)
			usleep(5000);
	}
	CHECK(ok);
}

static void
test_job_cancel_pause(void)
{
	struct transfer		*t;
	struct transfer_snapshot s;
	struct seen		 seen;
	char			*src;
	uint64_t		 id;

	setup();
	put_file("big.bin", BIG, 11);
	src = path_of("big.bin");
	setenv("FERRY_TEST_CHUNK_DELAY_MS", "30", 1);
	t = engine(2, false);
	unsetenv("FERRY_TEST_CHUNK_DELAY_MS");

	/* cancel: no item, no partial left behind */
	id = run_job(t, TRANSFER_UPLOAD, src, NULL, "store:/big.bin", 0,
	    NULL);
	wait_moving(t, id, 1, true);
	CHECK_CODE(transfer_cancel(t, id, NULL), FERRY_OK);
	memset(&seen, 0, sizeof seen);
	wait_job(t, id, &seen);
	CHECK_INT(seen.state, TRANSFER_CANCELLED);
	CHECK_INT(count_named("store/tmp", ".tmp"), 0);
	CHECK_CODE(transfer_cancel(t, id, NULL), FERRY_E_INVALID);

	/* pause: it stops moving; resume: it ends, whole */
	id = run_job(t, TRANSFER_UPLOAD, src, NULL, "store:/big.bin", 0,
	    NULL);
	wait_moving(t, id, 1, true);
	CHECK_CODE(transfer_pause(t, id, NULL), FERRY_OK);
	wait_moving(t, id, 0, false);
	transfer_snapshot(t, &s);
	CHECK_INT(s.jobs[s.n - 1].state, TRANSFER_PAUSED);
	transfer_snapshot_done(&s);
	CHECK_INT(count_named("store/tmp", ".tmp"), 1);	/* kept */
	CHECK_CODE(transfer_resume(t, id, NULL), FERRY_OK);
	memset(&seen, 0, sizeof seen);
	wait_job(t, id, &seen);
	CHECK_INT(seen.state, TRANSFER_DONE);
	CHECK_INT(count_named("store/tmp", ".tmp"), 0);
	transfer_free(t);
	free(src);
	teardown();
}

/* The offset and bytes read of the last stats line naming src. */
static bool
last_stats(const char *file, uint64_t *offset, uint64_t *read)
{
	char		 line[1024];
	FILE		*f = fopen(file, "r");
	bool		 found = false;
	unsigned long long o, r;

	while (f != NULL && fgets(line, sizeof line, f) != NULL) {
		if (sscanf(strstr(line, "offset="), "offset=%llu read=%llu",
		    &o, &r) == 2) {
			*offset = o;
			*read = r;
			found = true;
		}
	}
	if (f != NULL)
		fclose(f);
	return found;
}

static void
test_job_resume(void)
{
	struct transfer	*t;
	struct seen	 seen;
	char		*src, *stats, *back;
	uint64_t	 id, offset = 0, read = 0;

	setup();
	put_file("big.bin", BIG, 13);
	src = path_of("big.bin");
	stats = path_of("stats");
	back = path_of("back.bin");
	setenv("FERRY_TEST_CHUNK_DELAY_MS", "30", 1);
	setenv("FERRY_DEBUG_STATS", stats, 1);
	t = engine(1, false);
	id = run_job(t, TRANSFER_UPLOAD, src, NULL, "store:/big.bin", 0,
	    NULL);
	wait_moving(t, id, 1, true);
	usleep(100000);
	transfer_free(t);	/* halted, as if ferry had been stopped */
	unsetenv("FERRY_TEST_CHUNK_DELAY_MS");
	CHECK_INT(count_named("store/tmp", ".tmp"), 1);

	t = engine(1, false);
	CHECK_CODE(transfer_adopt(t, id, NULL), FERRY_OK);
	memset(&seen, 0, sizeof seen);
	wait_job(t, id, &seen);
	CHECK_INT(seen.state, TRANSFER_DONE);
	CHECK(last_stats(stats, &offset, &read));
	/* it went on from where it stopped, reading only the rest */
	CHECK(offset > 0);
	CHECK_INT(offset + read, BIG);
	memset(&seen, 0, sizeof seen);
	run_job(t, TRANSFER_DOWNLOAD, "store:/big.bin", NULL, back, 0, &seen);
	CHECK(same_file("big.bin", "back.bin"));
	CHECK_CODE(transfer_adopt(t, id, NULL), FERRY_E_INVALID);
	transfer_free(t);
	unsetenv("FERRY_DEBUG_STATS");
	free(src);
	free(stats);
	free(back);
	teardown();
}

static void
test_job_delete(void)
{
	struct transfer	*t;
	struct seen	 s;
	char		*src;

	setup();
	make_tree();
	src = path_of("src");
	t = engine(1, false);
	memset(&s, 0, sizeof s);
	run_job(t, TRANSFER_DELETE, src, NULL, NULL, 0, &s);
	CHECK_INT(s.state, TRANSFER_DONE);
	CHECK(!exists("src"));
	transfer_free(t);
	free(src);
	teardown();
}

static const struct check_test tests[] = {
	CHECK_TEST(test_names),
	CHECK_TEST(test_pump_roundtrip),
	CHECK_TEST(test_pump_errors),
	CHECK_TEST(test_journal),
	CHECK_TEST(test_partial_local),
	CHECK_TEST(test_partial_store),
	CHECK_TEST(test_job_tree),
	CHECK_TEST(test_job_conflicts),
	CHECK_TEST(test_job_verify),
	CHECK_TEST(test_job_cancel_pause),
	CHECK_TEST(test_job_resume),
	CHECK_TEST(test_job_delete),
	{ NULL, NULL }
};

int
main(int argc, char **argv)
{
	unsetenv("FERRY_TEST_FAULTS");
	return check_main(tests, argc, argv);
}
