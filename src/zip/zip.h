/* SPDX-License-Identifier: MIT */
/*
 * The ZIP archive reader: the parser of the archive's end records (EOCD,
 * ZIP64 locator and record), of its central directory and of local
 * headers, the member tree built from the central directory, and the
 * member decoder (stored and deflate, through zlib).
 *
 * It does no I/O of its own: the caller hands it a struct zip_io, whose
 * callbacks fetch byte ranges of the archive (src/backends/zip.c puts a
 * block cache over any backend's range reads behind them; the fuzzer and
 * the unit tests put a memory buffer).  Listing reads only the end of the
 * archive and its central directory; a member's local header and data are
 * read when the member is opened, never before.
 *
 * Everything an archive says is untrusted.  Invariants kept whatever the
 * bytes are:
 * - memory is bounded by the configured central-directory cap (a member
 *   costs about its central-directory record plus 64 bytes) and by fixed
 *   buffers while streaming; nothing is sized from a declared count;
 * - every offset and size is checked against the archive's size before it
 *   is used, and a member whose byte range overlaps another member or the
 *   central directory is flagged and refused when read;
 * - shown names are always valid ferry names: a name with "..", an
 *   absolute path, a drive letter, a backslash, a control character,
 *   invalid UTF-8 or an over-long component is shown with the offending
 *   bytes percent-encoded ("%2E%2E", "%5C", "%1B") and flagged unsafe, and
 *   duplicates get a " (2)" suffix; nothing here ever writes a file;
 * - a member's decoded output stops at its declared size (more is an
 *   error), and its CRC-32 is checked when it has been read to the end.
 *
 * Not thread-safe: an archive is used by one thread at a time (a reader it
 * returned counts as a use).
 */
#ifndef FERRY_ZIP_H
#define FERRY_ZIP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ferry/entry.h"
#include "ferry/error.h"
#include "ferry/stream.h"

/* Fixed sizes from APPNOTE.TXT. */
#define ZIP_EOCD_SIZE		22	/* end of central directory record */
#define ZIP_LOC64_SIZE		20	/* ZIP64 end of central dir locator */
#define ZIP_EOCD64_SIZE		56	/* ZIP64 end record, fixed part */
#define ZIP_CDH_SIZE		46	/* central directory file header */
#define ZIP_LFH_SIZE		30	/* local file header */
#define ZIP_COMMENT_MAX		65535
/* The EOCD lies within this many bytes of the end (22 + a comment). */
#define ZIP_EOCD_SEARCH		(ZIP_EOCD_SIZE + ZIP_COMMENT_MAX)
/* ... and with the ZIP64 locator and record before it, these. */
#define ZIP_TAIL_MAX		(ZIP_EOCD_SEARCH + ZIP_LOC64_SIZE + \
				 ZIP_EOCD64_SIZE)

/* Compression methods with names (zip_method_name). */
#define ZIP_METHOD_STORE	0
#define ZIP_METHOD_DEFLATE	8

/* Defaults of struct zip_limits. */
#define ZIP_DEFAULT_MAX_CD	(256ULL << 20)	/* central directory bytes */
#define ZIP_DEFAULT_MAX_RATIO	1100	/* deflate's own limit is ~1032 */

struct zip_limits {
	uint64_t	 max_cd_bytes;	/* 0: ZIP_DEFAULT_MAX_CD */
	uint32_t	 max_ratio;	/* size / compressed size; 0: default */
};

/* What an archive's end records say. */
struct zip_eocd {
	uint64_t	 eocd_offset;	/* where the EOCD record starts */
	uint64_t	 cd_offset;
	uint64_t	 cd_size;
	uint64_t	 entries;	/* as declared */
	uint64_t	 z64_offset;	/* ZIP64 record, when zip64 */
	uint16_t	 comment_len;
	bool		 zip64;
};

/*
 * Find the EOCD in buf, the last len bytes of an archive of `size` bytes
 * (buf_off = size - len).  Sets out->zip64 and out->z64_offset when a
 * ZIP64 locator precedes it; the ZIP64 record itself is then read with
 * zip_eocd64_parse.  FERRY_E_NOT_FOUND when buf holds no EOCD (the caller
 * may retry with ZIP_TAIL_MAX bytes); FERRY_E_CORRUPT or
 * FERRY_E_UNSUPPORTED (split archives) with a message naming `name`.
 */
enum ferry_code	 zip_eocd_find(const uint8_t *buf, size_t len,
		    uint64_t size, const char *name, struct zip_eocd *out,
		    struct ferry_error *err);
/* Parse the 56-byte ZIP64 end record at out->z64_offset into out. */
enum ferry_code	 zip_eocd64_parse(const uint8_t *rec, const char *name,
		    struct zip_eocd *out, struct ferry_error *err);

/* One central directory record, parsed (pointers into the input). */
struct zip_cdent {
	const uint8_t	*name;
	const uint8_t	*extra;
	uint64_t	 csize;
	uint64_t	 usize;
	uint64_t	 lho;		/* local header offset */
	int64_t		 mtime;		/* ms since the epoch; 0 unknown */
	uint32_t	 crc;
	uint32_t	 ext_attr;
	uint16_t	 made_by;
	uint16_t	 gpflags;
	uint16_t	 method;
	uint16_t	 name_len;
	uint16_t	 extra_len;
	uint16_t	 comment_len;
	uint16_t	 dos_date;	/* mtime stays 0 without a timestamp */
	uint16_t	 dos_time;	/* extra: zip_archive_add converts */
};

/*
 * Parse the record at buf (avail bytes there).  *used gets its full
 * length; when avail is too short, returns FERRY_OK with *used = 0 and
 * *need set to the bytes it needs.
 * A bad signature or ZIP64 field is FERRY_E_CORRUPT naming `where` (the
 * record's offset in the archive).
 */
enum ferry_code	 zip_cdent_parse(const uint8_t *buf, size_t avail,
		    uint64_t where, struct zip_cdent *out, size_t *used,
		    size_t *need, struct ferry_error *err);

/* DOS date and time (local time) to ms since the epoch; 0 if invalid. */
int64_t		 zip_dos_time(uint16_t date, uint16_t time);

/* "store", "deflate", "bzip2", "lzma", "zstd", ...; "method N" else. */
const char	*zip_method_name(uint16_t method, char *buf, size_t len);

/* Why a name is unsafe to write (zip_member.problems bits). */
#define ZIP_P_ABSOLUTE	0x0001u	/* starts with '/' */
#define ZIP_P_DOTDOT	0x0002u	/* a ".." component */
#define ZIP_P_BACKSLASH	0x0004u	/* a '\' (a Windows separator) */
#define ZIP_P_CONTROL	0x0008u	/* a control character or NUL */
#define ZIP_P_UTF8	0x0010u	/* flagged UTF-8 but is not */
#define ZIP_P_DRIVE	0x0020u	/* "C:" first component */
#define ZIP_P_LONG	0x0040u	/* a component over 255 bytes */
#define ZIP_P_EMPTY	0x0080u	/* no name at all */

/* Describe problem bits ("'..' component, backslash"). */
void		 zip_problems_str(uint16_t problems, char *buf, size_t len);

/*
 * The shown path of a raw member name: '/'-separated, no leading or
 * trailing '/', every component a valid ferry name.  *problems gets the
 * ZIP_P_* bits; *dir is set when the raw name ends with '/'.  A name that
 * is not UTF-8 and not flagged so (gpflags bit 11) is read as CP437.
 * Returns a malloc'd string.
 */
char		*zip_name_shown(const uint8_t *raw, size_t len, uint16_t gpflags,
		    uint16_t *problems, bool *dir);

#define ZIP_NONE	UINT32_MAX	/* no such node / none */

/* Member flags. */
#define ZIP_M_SYMLINK	0x01u	/* Unix symbolic link */
#define ZIP_M_ENCRYPTED	0x02u	/* gpflags bit 0 */
#define ZIP_M_DUP	0x04u	/* same shown path as an earlier one */
#define ZIP_M_OVERLAP	0x08u	/* its bytes overlap another member */
#define ZIP_M_PASTCD	0x10u	/* its bytes run into the central dir */
#define ZIP_M_DIR	0x20u	/* a directory record */

/*
 * One central directory record.  A directory record (ZIP_M_DIR) is shown
 * as its folder, not as an item; its name and parent then describe that
 * folder (parent is the folder itself), and the tree never lists it.
 */
struct zip_member {
	uint64_t	 lho;
	uint64_t	 csize;
	uint64_t	 usize;
	int64_t		 mtime;		/* ms; 0 unknown */
	uint32_t	 crc;
	uint32_t	 name;		/* shown name (last component): blob */
	uint32_t	 raw;		/* stored name in the blob when it
					   differs from the shown path */
	uint32_t	 parent;	/* its folder's index */
	uint32_t	 mode;		/* Unix permission bits, or 0 */
	uint16_t	 method;
	uint16_t	 gpflags;
	uint16_t	 problems;	/* ZIP_P_* */
	uint16_t	 cname_len;	/* raw name length (range bound) */
	uint8_t		 flags;		/* ZIP_M_* */
};

/* A folder of the tree: explicit (a directory record) or implied. */
struct zip_folder {
	uint32_t	 name;		/* shown name in the blob ("" = root) */
	uint32_t	 parent;	/* ZIP_NONE for the root */
	uint32_t	 member;	/* its directory record, or ZIP_NONE */
	uint32_t	 first;		/* its children: kids[first..+nkids) */
	uint32_t	 nkids;
	uint32_t	 nsub;		/* folders among them (they come first) */
};

/* A child reference in zip_archive.kids: a folder when the bit is set. */
#define ZIP_KID_FOLDER	0x80000000u
#define ZIP_KID_INDEX(k) ((k) & ~ZIP_KID_FOLDER)

/* What the archive holds, counted once the tree is built. */
struct zip_totals {
	uint64_t	 members;	/* records, directories included */
	uint64_t	 items;		/* members that are not directories */
	uint64_t	 folders;	/* explicit and implied, root excluded */
	uint64_t	 bytes;		/* sum of sizes */
	uint64_t	 compressed;	/* sum of compressed sizes */
	uint64_t	 unsafe;	/* members with unsafe names */
	uint64_t	 duplicates;
	uint64_t	 overlapping;
	uint64_t	 symlinks;
	uint64_t	 encrypted;
};

/* The I/O an archive is read through. */
struct zip_io {
	/*
	 * Fetch [off, off+len) in one request and keep it (the tail).
	 * Optional: NULL means read() is used.
	 */
	enum ferry_code	(*prefetch)(void *ud, uint64_t off, size_t len,
			    struct ferry_error *err);
	/* Exactly len bytes at off (all inside the archive). */
	enum ferry_code	(*read)(void *ud, uint64_t off, void *buf,
			    size_t len, struct ferry_error *err);
	/* A stream of [off, off+len), ideally one request. */
	enum ferry_code	(*stream)(void *ud, uint64_t off, uint64_t len,
			    struct ferry_reader **out, struct ferry_error *err);
	void		*ud;
};

struct zip_archive {
	char		*name;		/* for messages */
	uint64_t	 size;
	struct zip_eocd	 eocd;
	struct zip_limits limits;
	struct zip_member *m;
	uint32_t	 nm;
	struct zip_folder *f;		/* f[0] is the root */
	uint32_t	 nf;
	uint32_t	*kids;		/* children of every folder */
	char		*blob;		/* NUL-terminated names */
	size_t		 blob_len, blob_cap;
	uint32_t	*hash;		/* (parent, name) -> node */
	size_t		 hash_cap, hash_used;
	uint32_t	*by_lho;	/* members sorted by local header */
	struct zip_totals totals;
	uint32_t	 sorted_dir;	/* cache of the last sorted listing */
	uint32_t	*sorted;
	uint32_t	 nsorted;
	char		*sorted_key;
	size_t		 cap_m, cap_f;	/* internal growth state */
	uint32_t	 dos_key;	/* last DOS date and hour converted */
	int64_t		 dos_ms;	/* ... and its time at minute 0 */
};

/*
 * Read the end records and the central directory of an archive of `size`
 * bytes through io, and build the member tree.  name is used in messages.
 * On failure *out is NULL and *err says what is wrong and where.
 */
enum ferry_code	 zip_archive_open(const struct zip_io *io, uint64_t size,
		    const char *name, const struct zip_limits *limits,
		    struct zip_archive **out, struct ferry_error *err);
void		 zip_archive_free(struct zip_archive *ar);

/* -------- building (zip-tree.c; also used by the open above) -------- */

struct zip_archive *zip_archive_new(const char *name, uint64_t size,
		    const struct zip_limits *limits);
/* Room for about this many members and name bytes (hints only). */
void		 zip_archive_reserve(struct zip_archive *ar, uint64_t members,
		    uint64_t name_bytes);
/* Add one central directory record. */
enum ferry_code	 zip_archive_add(struct zip_archive *ar,
		    const struct zip_cdent *ce, struct ferry_error *err);
/* Build the tree, the lookups and the overlap checks once all are in. */
enum ferry_code	 zip_archive_finish(struct zip_archive *ar,
		    struct ferry_error *err);

/* -------- the tree -------- */

/* A node: a member (index) or a folder (index | ZIP_KID_FOLDER). */

/* The node at a normalised path ("/", "/a/b"), or ZIP_NONE. */
uint32_t	 zip_lookup(const struct zip_archive *ar, const char *path);
/* The shown path of a node with a leading '/' ("/" for the root). */
char		*zip_node_path(const struct zip_archive *ar, uint32_t node,
		    struct ferry_arena *a);
/* Its shown name, the last component ("" for the root). */
const char	*zip_node_name(const struct zip_archive *ar, uint32_t node);
/* The raw name of member mi as the archive has it (escaped NULs). */
const char	*zip_member_raw(const struct zip_archive *ar, uint32_t mi);

/*
 * Fill e (strings in a) for node: name, kind, size, modified, mode, type
 * class from the extension, flags (FERRY_ENTRY_SYMLINK), and, when
 * with_meta, the ZIP fields as a client_metadata JSON object (see
 * docs/ARCHITECTURE.md: method, compressed_size, crc32, ...).
 */
void		 zip_node_entry(const struct zip_archive *ar, uint32_t node,
		    bool with_meta, struct ferry_entry *e, struct ferry_arena *a);

/*
 * The children of folder `dir` in query order (folders first), after the
 * query's search and filter: *out points into storage the archive owns
 * until the next call.  The last order is cached, so paging through a
 * large folder sorts it once.
 */
void		 zip_children_sorted(struct zip_archive *ar, uint32_t dir,
		    const struct ferry_query *q, const uint32_t **out,
		    uint32_t *n);

/* -------- members -------- */

/* Where a member's data lies in the archive (reads its local header). */
struct zip_range {
	uint64_t	 header;	/* local header offset */
	uint64_t	 start;		/* first data byte */
	uint64_t	 end;		/* one past the last */
	uint64_t	 csize;
	uint64_t	 usize;
	uint16_t	 method;
	uint32_t	 crc;
};

enum ferry_code	 zip_member_range(const struct zip_archive *ar,
		    const struct zip_io *io, uint32_t mi, struct zip_range *out,
		    struct ferry_error *err);

/* zip_member_open flags: reading what extraction refuses. */
#define ZIP_OPEN_UNSAFE		0x01u	/* unsafe names (cat, viewer) */
#define ZIP_OPEN_LINK		0x02u	/* symlinks: the target text */

/*
 * A reader of member mi's content from byte `offset` for `len` bytes
 * (UINT64_MAX: to the end): it fetches only the local header and the
 * compressed bytes, inflates as it is pulled, stops at the declared size
 * and checks the CRC-32 when it reaches the end.  Refused with a clear
 * error: encrypted members and methods other than store and deflate
 * (FERRY_E_UNSUPPORTED, naming the method), overlapping ones and lying
 * ratios (FERRY_E_CORRUPT), and, unless flags allow them, unsafe names
 * (FERRY_E_PERMISSION) and symlinks (FERRY_E_UNSUPPORTED).  The reader
 * uses io until it is closed.
 */
enum ferry_code	 zip_member_open(const struct zip_archive *ar,
		    const struct zip_io *io, uint32_t mi, uint64_t offset,
		    uint64_t len, unsigned flags, struct ferry_reader **out,
		    struct ferry_error *err);

/*
 * The decoder alone (zip-inflate.c): a reader of the decoded bytes of src
 * (the compressed data, which it owns), for method `method`; it gives
 * usize bytes, fails past them, and checks crc at the end.  name is for
 * messages.  FERRY_E_UNSUPPORTED for methods other than store/deflate.
 */
enum ferry_code	 zip_decoder_new(struct ferry_reader *src, uint16_t method,
		    uint64_t csize, uint64_t usize, uint32_t crc,
		    uint32_t max_ratio, const char *name,
		    struct ferry_reader **out, struct ferry_error *err);

/* A reader of inner's bytes [skip, skip + len); it owns inner. */
struct ferry_reader *zip_window_new(struct ferry_reader *inner,
		    uint64_t skip, uint64_t len);

#endif
