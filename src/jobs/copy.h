/* SPDX-License-Identifier: MIT */
/*
 * The copy rules and their vocabulary, shared by the transfer engine
 * (transfer.h), its walker (copy.c) and the front ends.
 *
 * Destination rules (those of cp, mc and rclone):
 * - the destination exists and is a folder: each source goes inside it
 *   under its own name;
 * - it does not exist: the (single) source is copied under that name; its
 *   parent folder must exist;
 * - it exists and is an item: the conflict policy decides (fail, which is
 *   FERRY_E_EXISTS, overwrite, skip, rename to "name (1).ext", or ask).
 * Several sources need an existing destination folder.  A folder is never
 * copied or moved into itself.  A folder copied onto an existing folder
 * merges into it (its items follow the conflict policy), unless the policy
 * is rename, which makes "name (1)".
 *
 * Every entry visited ends in exactly one struct copy_result.
 *
 * Pure data and helpers: no I/O, no threads.
 */
#ifndef FERRY_JOBS_COPY_H
#define FERRY_JOBS_COPY_H

#include <stdbool.h>
#include <stdint.h>

#include "ferry/backend.h"
#include "ferry/entry.h"
#include "ferry/error.h"

/* What to do when the target name is taken. */
enum copy_conflict {
	COPY_CONFLICT_FAIL = 0,		/* FERRY_E_EXISTS */
	COPY_CONFLICT_OVERWRITE = 1,	/* replace an item (never a folder) */
	COPY_CONFLICT_SKIP = 2,		/* leave the target, count as skipped */
	COPY_CONFLICT_RENAME = 3,	/* "name (1).ext", "name (2).ext", ... */
	COPY_CONFLICT_ASK = 4,		/* ask the front end, entry by entry */
};

/* "fail", "overwrite", "skip", "rename", "ask"; and back (-1: unknown). */
const char	*copy_conflict_name(enum copy_conflict c);
int		 copy_conflict_from_name(const char *name);

enum copy_status {
	COPY_DONE = 0,
	COPY_SKIPPED = 1,
	COPY_FAILED = 2,
};

/* How one entry ended. */
struct copy_result {
	enum copy_status status;
	uint8_t		 kind;		/* FERRY_KIND_* of the source */
	const char	*src;		/* display form: "store:/a/b.txt" */
	const char	*dst;		/* display form of the target, or NULL */
	uint64_t	 bytes;		/* item bytes */
	bool		 server_side;	/* no bytes moved through us */
	bool		 earlier;	/* done by an earlier run of the job */
	unsigned	 attempts;	/* tries it took (retries + 1) */
	struct ferry_error err;		/* why it failed or was skipped:
					 * skipped by the conflict policy is
					 * FERRY_E_EXISTS, an entry the engine
					 * does not copy (a link to a folder,
					 * a device) FERRY_E_UNSUPPORTED */
};

/*
 * The name with a " (n)" suffix before its extension: "a.txt" -> "a (2).txt",
 * ".profile" -> ".profile (2)", "dir" -> "dir (2)".  malloc'd.
 */
char		*copy_suffix_name(const char *name, unsigned n);

/* True when a failure with this code may pass when tried again. */
bool		 copy_transient(enum ferry_code code);

#endif
