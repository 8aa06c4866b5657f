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

/* -------- ZIP archives as read-only folders (zip.c) -------- */

/*
 * Open the ZIP archive at archive_path on base as a read-only backend:
 * "/" is the archive's root, "/logs/run.log" a member.  Reads the end
 * records and the central directory through a block cache over base's
 * range reads (at most three requests), and nothing else; member data is
 * fetched only by open_read.  base is borrowed: it must outlive the zip
 * backend, and the two are used by one thread at a time (open the zip
 * backend on the worker's own base instance).  Readers returned by
 * open_read must be closed before the zip backend.  cfg (may be NULL)
 * gives [zip] max_directory_bytes (default 256M) and max_ratio (default
 * 1100).  The label is base's label plus archive_path
 * ("store:/runs/out.zip"), so messages name the archive.
 * Errors: FERRY_E_IS_FOLDER when archive_path is a folder, FERRY_E_CORRUPT
 * for what is not a (readable) ZIP, FERRY_E_LIMIT for a central directory
 * over the cap, FERRY_E_UNSUPPORTED for split archives.
 */
enum ferry_code	 backend_zip_open(struct ferry_backend *base,
		    const char *archive_path, const struct ferry_config *cfg,
		    struct ferry_backend **out, struct ferry_error *err);

/* True when b was opened by backend_zip_open(). */
bool		 backend_is_zip(const struct ferry_backend *b);

/*
 * Split a base path that leads into an archive ("/runs/out.zip/logs/a")
 * at the archive: *archive gets "/runs/out.zip" and *inner "/logs/a" ("/"
 * for the archive itself), both malloc'd.  The archive is the longest
 * prefix of path that is an item on base; it stats path and then its
 * parents, so it costs a few stat calls.  FERRY_E_NOT_FOUND when no
 * prefix is an item, FERRY_E_IS_FOLDER when path is a folder.
 */
enum ferry_code	 backend_zip_split(struct ferry_backend *base,
		    const char *path, char **archive, char **inner,
		    struct ferry_error *err);

/* What an archive holds and what reading it cost. */
struct backend_zip_info {
	uint64_t	 archive_size;
	uint64_t	 members;	/* central directory records */
	uint64_t	 items;		/* ... that are not directories */
	uint64_t	 folders;	/* explicit and implied */
	uint64_t	 bytes;		/* total size of the items */
	uint64_t	 compressed;	/* total compressed size */
	uint64_t	 cd_offset;
	uint64_t	 cd_size;	/* the least any lister must fetch */
	bool		 zip64;
	uint64_t	 unsafe;	/* members with unsafe names */
	uint64_t	 duplicates;
	uint64_t	 overlapping;
	uint64_t	 symlinks;
	uint64_t	 encrypted;
	uint64_t	 list_requests;	/* requests made to list it */
	uint64_t	 list_bytes;	/* bytes fetched to list it */
	uint64_t	 fetch_requests; /* so far, member reads included */
	uint64_t	 fetch_bytes;	/* bytes fetched so far */
};

/* Fill *out for the zip backend zb (FERRY_E_INVALID for another kind). */
enum ferry_code	 backend_zip_info(struct ferry_backend *zb,
		    struct backend_zip_info *out, struct ferry_error *err);

/* Where a member's data lies in the archive: [start, end). */
struct backend_zip_range {
	uint64_t	 header;	/* its local header */
	uint64_t	 start;
	uint64_t	 end;		/* one past the last byte */
	uint64_t	 compressed;
	uint64_t	 size;
	uint32_t	 crc;
	uint16_t	 method_id;
	char		 method[24];	/* "deflate", "store", ... */
};

/* The byte range of the member at path (reads its local header). */
enum ferry_code	 backend_zip_range(struct ferry_backend *zb,
		    const char *path, struct backend_zip_range *out,
		    struct ferry_error *err);

/* backend_zip_read flags: what open_read refuses, for viewers. */
#define BACKEND_ZIP_UNSAFE	0x01u	/* members with unsafe names */
#define BACKEND_ZIP_LINK	0x02u	/* symlinks: their target text */

/*
 * open_read with flags: open_read itself (which the copy engine uses to
 * extract) refuses members with unsafe names and symlinks; a viewer or
 * `zip cat` may read them with these flags, since showing bytes writes
 * nothing.
 */
enum ferry_code	 backend_zip_read(struct ferry_backend *zb, const char *path,
		    uint64_t offset, uint64_t len, unsigned flags,
		    struct ferry_reader **out, struct ferry_error *err);

#endif
