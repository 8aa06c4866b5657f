/* SPDX-License-Identifier: MIT */
/*
 * A TEST HOOK, not a location kind: a wrapper backend that makes chosen
 * calls of the backend it wraps fail (curl's torture runs, STYLE.md).
 * It is active only when the environment variable FERRY_TEST_FAULTS is
 * set, and only where a caller asks for it (the jobs engine wraps every
 * backend it opens); without the variable nothing changes.
 *
 *   FERRY_TEST_FAULTS="OP:N[:CODE[:COUNT]][,OP:N...]"
 *
 * OP is one of stat list mkdir remove open_read read write copy move
 * open_partial pwrite commit; N counts the calls of that OP made by the
 * whole process (1 = the first); CODE is a ferry_code_name() ("network",
 * "busy", "permission", "no_space"...; default "network"); COUNT is how
 * many calls fail from the Nth on ("*" = every one; default 1).  `read`
 * is a read of a stream from open_read, `pwrite` a write of a partial.
 * So "read:3:network:2" fails the 3rd and 4th stream reads with
 * FERRY_E_NETWORK.  A malformed value is reported once on stderr and
 * ignored.
 *
 * Threads: the call counters are process-wide atomics, so faults land on
 * the Nth call whichever thread makes it.
 */
#ifndef FERRY_BACKENDS_FAULTY_H
#define FERRY_BACKENDS_FAULTY_H

#include <stdbool.h>

#include "ferry/backend.h"

/* True when FERRY_TEST_FAULTS asks for faults. */
bool		 backend_faulty_enabled(void);

/*
 * Wrap inner (ownership passes to the wrapper, which closes it), or
 * return inner itself when faults are not enabled.
 */
struct ferry_backend *backend_faulty_wrap(struct ferry_backend *inner);

#endif
