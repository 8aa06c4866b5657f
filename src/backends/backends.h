/* SPDX-License-Identifier: MIT */
/*
 * For backend implementers only: how ferry_backend_open() reaches each
 * implementation, and helpers they share.  Users include ferry/backend.h.
 */
#ifndef FERRY_BACKENDS_H
#define FERRY_BACKENDS_H

#include "ferry/backend.h"
#include "ferry/config.h"

/* The local filesystem; paths are absolute local paths. */
enum ferry_code	 backend_local_open(const struct ferry_config *cfg,
		    struct ferry_backend **out, struct ferry_error *err);

/*
 * The embedded store in directory dir (created when missing), with the
 * limits from cfg (may be NULL).
 */
enum ferry_code	 backend_store_open(const char *dir,
		    const struct ferry_config *cfg, struct ferry_backend **out,
		    struct ferry_error *err);

#endif
