/* SPDX-License-Identifier: MIT */
/*
 * MIME detection with libmagic, from content.  A leaf module: one magic_t
 * per thread, opened on first use and closed when the thread exits.
 */
#ifndef FERRY_MIME_H
#define FERRY_MIME_H

#include <stddef.h>

/* How many leading bytes of a stream are enough for detection. */
#define MIME_SNIFF_BYTES 65536

/*
 * The MIME type ("image/png", "text/plain") of content starting with buf.
 * Never NULL: "application/octet-stream" when unknown or libmagic fails,
 * "application/x-empty" for len 0 is reported as "application/octet-stream".
 * The string is valid until the next call in the same thread.
 */
const char	*mime_detect(const void *buf, size_t len);

#endif
