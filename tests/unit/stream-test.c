/* SPDX-License-Identifier: MIT */
/*
 * Tests for the pull streams (memory, fd with offset/length, sha256
 * pass-through, progress with cancellation), the error table and MIME
 * detection through libmagic.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/check.h"
#include "ferry/error.h"
#include "ferry/entry.h"
#include "ferry/stream.h"
#include "mime/mime.h"

static void
test_mem_reader(void)
{
	struct ferry_reader *r;
	char		 buf[8];
	size_t		 got;

	r = ferry_reader_mem("hello world", 11);
	CHECK(r->size_known && r->size == 11);
	CHECK_CODE(ferry_reader_read_full(r, buf, 5, &got, NULL), FERRY_OK);
	CHECK(got == 5 && memcmp(buf, "hello", 5) == 0);
	CHECK_CODE(ferry_reader_read_full(r, buf, 8, &got, NULL), FERRY_OK);
	CHECK_INT(got, 6);
	CHECK_CODE(ferry_reader_read(r, buf, 8, &got, NULL), FERRY_OK);
	CHECK_INT(got, 0);
	ferry_reader_close(r);
}

static void
test_hash_reader(void)
{
	struct ferry_reader *r;
	char		 buf[3];
	size_t		 got;

	/* sha256("abc"), FIPS 180-2 test vector. */
	r = ferry_reader_hash(ferry_reader_mem("abc", 3));
	do
		CHECK_CODE(ferry_reader_read(r, buf, 1, &got, NULL), FERRY_OK);
	while (got > 0);
	CHECK_STR(ferry_reader_hash_hex(r),
	    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	CHECK_INT(ferry_reader_hash_bytes(r), 3);
	ferry_reader_close(r);

	r = ferry_reader_hash(ferry_reader_mem("", 0));
	CHECK_CODE(ferry_reader_read_full(r, buf, 3, &got, NULL), FERRY_OK);
	CHECK_STR(ferry_reader_hash_hex(r),
	    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	ferry_reader_close(r);
}

static void
test_fd_reader(void)
{
	char		 path[] = "/tmp/ferry-stream-XXXXXX", buf[64];
	struct ferry_reader *r;
	size_t		 got;
	int		 fd;

	fd = mkstemp(path);
	CHECK(fd >= 0);
	CHECK(write(fd, "0123456789", 10) == 10);
	r = ferry_reader_fd(fd, 3, 4, path);
	CHECK_CODE(ferry_reader_read_full(r, buf, sizeof buf, &got, NULL),
	    FERRY_OK);
	CHECK(got == 4 && memcmp(buf, "3456", 4) == 0);
	ferry_reader_close(r);

	fd = open(path, O_RDONLY);
	r = ferry_reader_fd(fd, 7, UINT64_MAX, path);
	CHECK(!r->size_known);
	CHECK_CODE(ferry_reader_read_full(r, buf, sizeof buf, &got, NULL),
	    FERRY_OK);
	CHECK(got == 3 && memcmp(buf, "789", 3) == 0);
	ferry_reader_close(r);

	/* A bad descriptor is an I/O error that names the file. */
	r = ferry_reader_fd(-1, 0, 10, "nowhere");
	{
		struct ferry_error err;
		CHECK(ferry_reader_read(r, buf, 4, &got, &err) != FERRY_OK);
		CHECK(strstr(err.msg, "nowhere") != NULL);
	}
	ferry_reader_close(r);
	unlink(path);
}

static enum ferry_code
stop_after_4(uint64_t done, uint64_t total, void *ud)
{
	(void)total;
	*(uint64_t *)ud = done;
	return done >= 4 ? FERRY_E_CANCELLED : FERRY_OK;
}

static void
test_progress_cancel(void)
{
	struct ferry_reader *r;
	struct ferry_error err;
	uint64_t	 seen = 0;
	char		 buf[2];
	size_t		 got;

	r = ferry_reader_progress(ferry_reader_mem("abcdefgh", 8),
	    stop_after_4, &seen);
	CHECK_CODE(ferry_reader_read(r, buf, 2, &got, &err), FERRY_OK);
	CHECK_INT(seen, 2);
	CHECK_CODE(ferry_reader_read(r, buf, 2, &got, &err),
	    FERRY_E_CANCELLED);
	CHECK(strstr(err.msg, "cancelled") != NULL);
	ferry_reader_close(r);
}

static void
test_errors(void)
{
	struct ferry_error err;
	int		 i;

	for (i = 0; i < FERRY_E__COUNT; i++) {
		CHECK(ferry_strerror(i) != NULL);
		CHECK_INT(ferry_code_from_name(ferry_code_name(i)), i);
	}
	CHECK_INT(ferry_code_from_name("bogus"), FERRY_E_PROTOCOL);
	CHECK_INT(ferry_code_http_status(FERRY_E_NOT_FOUND), 404);
	CHECK_INT(ferry_code_http_status(FERRY_E_EXISTS), 409);
	CHECK_INT(ferry_code_http_status(FERRY_E_AUTH), 401);
	CHECK_CODE(ferry_error_errno(&err, 2, "store:/x"), FERRY_E_NOT_FOUND);
	CHECK(strncmp(err.msg, "store:/x: ", 10) == 0);
	ferry_error_set(&err, FERRY_E_EXISTS, "name 'a' is taken");
	ferry_error_prefix(&err, "store:/dir");
	CHECK_STR(err.msg, "store:/dir: name 'a' is taken");
	CHECK_INT(err.code, FERRY_E_EXISTS);
	CHECK_CODE(ferry_error_set(NULL, FERRY_E_IO, "x"), FERRY_E_IO);
}

static void
test_mime(void)
{
	static const unsigned char png[] = {
		0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n',
		0, 0, 0, 13, 'I', 'H', 'D', 'R', 0, 0, 0, 1, 0, 0, 0, 1,
		8, 6, 0, 0, 0, 0x1f, 0x15, 0xc4, 0x89
	};
	static const char text[] = "hello, this is plain text\n";

	CHECK_STR(mime_detect(png, sizeof png), "image/png");
	CHECK_STR(mime_detect(text, strlen(text)), "text/plain");
	CHECK_STR(mime_detect("", 0), "application/octet-stream");
	CHECK_INT(ferry_type_from_mime(mime_detect(png, sizeof png)),
	    FERRY_TYPE_IMAGE);
	CHECK_INT(ferry_type_from_mime("application/zip"), FERRY_TYPE_ARCHIVE);
	CHECK_INT(ferry_type_from_mime("application/dicom"), FERRY_TYPE_DICOM);
	CHECK_INT(ferry_type_from_mime("text/x-c; charset=us-ascii"),
	    FERRY_TYPE_TEXT);
	CHECK_INT(ferry_type_from_mime("application/pdf"),
	    FERRY_TYPE_DOCUMENT);
	CHECK_INT(ferry_type_from_mime("application/octet-stream"),
	    FERRY_TYPE_OTHER);
	CHECK_INT(ferry_type_from_mime(NULL), FERRY_TYPE_OTHER);
}

static const struct check_test tests[] = {
	CHECK_TEST(test_mem_reader),
	CHECK_TEST(test_hash_reader),
	CHECK_TEST(test_fd_reader),
	CHECK_TEST(test_progress_cancel),
	CHECK_TEST(test_errors),
	CHECK_TEST(test_mime),
	{ NULL, NULL }
};

int
main(int argc, char **argv)
{
	return check_main(tests, argc, argv);
}
