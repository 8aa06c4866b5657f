/* SPDX-License-Identifier: MIT */
/*
 * The entry model shared by every location kind: an entry is a folder or an
 * item (a file).  Strings in an entry are borrowed: they live in a struct
 * ferry_arena that the caller owns and frees, so that a listing page of
 * 100,000 entries is one array plus a few big string blocks, not 100,000
 * mallocs (see nnn's compact entries).
 *
 * Also here: the listing query (search, type filter, order, cursor paging),
 * a listing page, the find query, a folder summary, and a list of entries.
 * Pure data and helpers: no I/O, no threads.
 */
#ifndef FERRY_ENTRY_H
#define FERRY_ENTRY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ferry/error.h"

/* -------- arena: bump allocator for strings and small records -------- */

struct ferry_arena_block;

struct ferry_arena {
	struct ferry_arena_block *head;
	size_t		 used;		/* bytes handed out, for accounting */
};

#define FERRY_ARENA_INIT { NULL, 0 }

void	 ferry_arena_init(struct ferry_arena *a);
/* Free every block; the arena is empty and reusable afterwards. */
void	 ferry_arena_done(struct ferry_arena *a);
/* Aligned allocation of n bytes (zeroed); aborts on out-of-memory. */
void	*ferry_arena_alloc(struct ferry_arena *a, size_t n);
/* Copy of s (NULL stays NULL). */
char	*ferry_arena_strdup(struct ferry_arena *a, const char *s);
/* Copy of the first n bytes of s, NUL-terminated. */
char	*ferry_arena_strndup(struct ferry_arena *a, const char *s, size_t n);
char	*ferry_arena_printf(struct ferry_arena *a, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

/* -------- entries -------- */

enum ferry_kind {
	FERRY_KIND_FOLDER = 1,
	FERRY_KIND_ITEM = 2,
};

/* The type class of an item, derived from its MIME type. */
enum ferry_type {
	FERRY_TYPE_OTHER = 0,
	FERRY_TYPE_IMAGE = 1,
	FERRY_TYPE_VIDEO = 2,
	FERRY_TYPE_AUDIO = 3,
	FERRY_TYPE_DICOM = 4,
	FERRY_TYPE_ARCHIVE = 5,
	FERRY_TYPE_TEXT = 6,
	FERRY_TYPE_DOCUMENT = 7,
	FERRY_TYPE__COUNT
};

/* Entry flags. */
#define FERRY_ENTRY_STARRED	0x01u	/* folder is starred */
#define FERRY_ENTRY_SYMLINK	0x02u	/* local: a symbolic link */
#define FERRY_ENTRY_SPECIAL	0x04u	/* local: device, fifo, socket */
#define FERRY_ENTRY_NO_STAT	0x08u	/* size/times not known (names only) */
#define FERRY_ENTRY_NO_SIZE	0x10u	/* size not known */

struct ferry_entry {
	const char	*name;		/* never NULL; "" only for a root */
	const char	*id;		/* UUID where the backend has ids */
	const char	*parent_id;	/* UUID of the parent folder */
	const char	*mime;		/* items: MIME type */
	const char	*checksum;	/* items: lower-case hex sha256 */
	const char	*description;	/* folders: text */
	const char	*metadata;	/* client_metadata: JSON object text */
	const char	*tags;		/* folders: JSON array of strings */
	const char	*user;		/* who created it */
	const char	*link_target;	/* local symlinks */
	uint64_t	 size;		/* items: bytes */
	int64_t		 created;	/* ms since the epoch, 0 = unknown */
	int64_t		 modified;	/* ms since the epoch (updated) */
	int64_t		 ttl;		/* folders: seconds, 0 = none */
	uint32_t	 mode;		/* local: st_mode permission bits */
	uint8_t		 kind;		/* enum ferry_kind */
	uint8_t		 type;		/* enum ferry_type (items) */
	uint16_t	 flags;		/* FERRY_ENTRY_* */
};

/* Deep-copy src into *dst with strings in arena a. */
void		 ferry_entry_copy(struct ferry_entry *dst,
		    const struct ferry_entry *src, struct ferry_arena *a);

const char	*ferry_type_name(enum ferry_type t);	/* "image", ... */
/* Parse a type class name; returns -1 when unknown. */
int		 ferry_type_from_name(const char *name);
/* The type class of a MIME type ("image/png" -> FERRY_TYPE_IMAGE). */
enum ferry_type	 ferry_type_from_mime(const char *mime);

/* A growable array of entries; strings in its own arena. */
struct ferry_entry_list {
	struct ferry_entry *v;
	size_t		 n;
	size_t		 cap;
	struct ferry_arena arena;
};

void		 ferry_entry_list_init(struct ferry_entry_list *l);
void		 ferry_entry_list_done(struct ferry_entry_list *l);
/* Append a deep copy of e; returns the stored entry. */
struct ferry_entry *ferry_entry_list_push(struct ferry_entry_list *l,
		    const struct ferry_entry *e);

/* -------- names -------- */

#define FERRY_NAME_MAX 255	/* bytes */

/*
 * Check a folder or item name against the naming rules: valid UTF-8,
 * 1-255 bytes, no '/', no NUL or control characters (C0, DEL, C1), not
 * "." or "..".  Each rule broken gives its own FERRY_E_INVALID_NAME message
 * naming the offending byte offset.  len is the byte length (a NUL inside
 * is reported, not treated as the end).
 */
enum ferry_code	 ferry_name_check(const char *name, size_t len,
		    struct ferry_error *err);

/* -------- listing query -------- */

enum ferry_order {
	FERRY_ORDER_NAME = 0,
	FERRY_ORDER_SIZE = 1,
	FERRY_ORDER_CREATED = 2,	/* created, or modified for local */
	FERRY_ORDER_TYPE = 3,		/* type class, then MIME, then name */
};

const char	*ferry_order_name(enum ferry_order o);
int		 ferry_order_from_name(const char *name);	/* -1 if bad */

/* Type filter bits: 1u << enum ferry_type, plus folders. */
#define FERRY_FILTER_TYPE(t)	(1u << (t))
#define FERRY_FILTER_FOLDERS	(1u << 16)
#define FERRY_FILTER_ITEMS	((1u << FERRY_TYPE__COUNT) - 1)
#define FERRY_FILTER_ALL	(FERRY_FILTER_FOLDERS | FERRY_FILTER_ITEMS)

#define FERRY_PAGE_MAX 1000	/* largest page a backend must serve */

/*
 * A listing query.  Folders always come before items; within each kind,
 * entries are ordered by `order` (then by name, then by id/name bytes so
 * that the order is total), descending when `desc`.  Paging is by keyset:
 * `cursor` is the opaque next_cursor of the previous page, so that every
 * child is returned exactly once even while others are inserted.
 */
struct ferry_query {
	const char	*search;	/* case-insensitive substring, or NULL */
	uint32_t	 filter;	/* FERRY_FILTER_*; 0 means ALL */
	enum ferry_order order;
	bool		 desc;
	const char	*cursor;	/* NULL: first page */
	uint32_t	 limit;		/* 0: backend default (FERRY_PAGE_MAX) */
	bool		 names_only;	/* a hint: size/times may be left out */
};

void		 ferry_query_init(struct ferry_query *q);

/* One page of a listing; free with ferry_page_done(). */
struct ferry_page {
	struct ferry_entry *v;
	size_t		 n;
	size_t		 cap;
	char		*next_cursor;	/* in arena; NULL on the last page */
	uint64_t	 total;		/* children in all, when known */
	bool		 total_known;
	struct ferry_arena arena;
};

void		 ferry_page_init(struct ferry_page *p);
void		 ferry_page_done(struct ferry_page *p);
/* Append a slot (zeroed) to the page and return it; strings go in arena. */
struct ferry_entry *ferry_page_add(struct ferry_page *p);

/*
 * Total order used by queries: folders first, then by q->order (reversed
 * when q->desc), then name bytes.  Backends that sort in memory use it.
 */
int		 ferry_query_cmp(const struct ferry_query *q,
		    const struct ferry_entry *a, const struct ferry_entry *b);
/*
 * The simple lower-case folding that name order and search use: ASCII,
 * Latin-1, Latin Extended-A, basic Greek and Cyrillic, fullwidth Latin.
 * Fixed (not the locale's), so that every process orders names alike and
 * a cursor made by one is valid in another; the store indexes names
 * folded with it, so changing it needs a store schema version bump.
 */
uint32_t	 ferry_fold_cp(uint32_t c);

/* True when e passes q's search and filter. */
bool		 ferry_query_match(const struct ferry_query *q,
		    const struct ferry_entry *e);

/*
 * Generic keyset cursors for in-memory backends: encode the sort key of
 * the last entry of a page, and decode it back to a key entry (strings
 * in a) that ferry_query_cmp() can compare against.  A cursor that does
 * not parse is FERRY_E_INVALID.
 */
char		*ferry_cursor_encode(const struct ferry_query *q,
		    const struct ferry_entry *last, struct ferry_arena *a);
enum ferry_code	 ferry_cursor_decode(const struct ferry_query *q,
		    const char *cursor, struct ferry_entry *key,
		    struct ferry_arena *a, struct ferry_error *err);

/* -------- find -------- */

struct ferry_find {
	const char	*name;		/* glob (fnmatch) on the name, or NULL */
	uint32_t	 filter;	/* FERRY_FILTER_*; 0 means ALL */
	int64_t		 newer;		/* ms; 0 = no bound (created/modified) */
	int64_t		 older;		/* ms; 0 = no bound */
	const char	*tag;		/* folders having this tag, or NULL */
	uint32_t	 max_depth;	/* 0 = unlimited */
};

void		 ferry_find_init(struct ferry_find *f);
bool		 ferry_find_match(const struct ferry_find *f,
		    const struct ferry_entry *e);

/*
 * Called for every entry found; `path` is the entry's path relative to
 * the folder searched ("a/b/c.txt").  Return FERRY_OK to continue, or a
 * code (FERRY_E_CANCELLED) to stop the search and have find return it.
 */
typedef enum ferry_code (*ferry_find_cb)(const char *path,
		    const struct ferry_entry *e, void *ud);

/* -------- summary -------- */

struct ferry_summary {
	uint64_t	 bytes;		/* content bytes in the subtree */
	uint64_t	 items;
	uint64_t	 folders;	/* below the folder, not counting it */
	uint64_t	 type_items[FERRY_TYPE__COUNT];
	uint64_t	 type_bytes[FERRY_TYPE__COUNT];
	uint64_t	 stored_bytes;	/* bytes used on disk (dedup), if known */
};

/* -------- tags helpers (tags travel as JSON array text) -------- */

/* True when the JSON array text `tags` contains `tag`. */
bool		 ferry_tags_has(const char *tags, const char *tag);

/* -------- brief listings -------- */

/*
 * A brief listing holds a whole folder of many entries in little memory
 * (a browser's rows): per entry 16 bytes plus its name, NUL-terminated,
 * in one buffer shared by all; size, time and mode only for the entries
 * whose details are known, in a table on the side.  A local folder of
 * 1,000,000 short names fits in about 35 MB, against 120 bytes and an
 * arena string per struct ferry_entry.  Entries are addressed by index;
 * a name's offset never changes, so it names the entry across sorts.
 */

/* Bits of ferry_brief.flags that no backend sets: the holder's own. */
#define FERRY_BRIEF_USER1	0x4000u
#define FERRY_BRIEF_USER2	0x8000u

struct ferry_brief {
	uint32_t	 name;		/* offset of the name in the names */
	uint16_t	 flags;		/* FERRY_ENTRY_*, FERRY_BRIEF_USER* */
	uint8_t		 kind;		/* enum ferry_kind */
	uint8_t		 type;		/* enum ferry_type (items) */
	uint64_t	 key;		/* scratch of ferry_brief_sort() */
};

/* What a stat adds to a brief entry; details are kept sorted by name. */
struct ferry_brief_detail {
	uint32_t	 name;		/* the entry's name offset */
	uint32_t	 mode;		/* permission bits */
	uint64_t	 size;		/* items: bytes */
	int64_t		 time;		/* modified, else created (ms), 0 = ? */
};

struct ferry_brief_list {
	struct ferry_brief *v;
	size_t		 n, cap;
	char		*names;
	size_t		 names_len, names_cap;
	struct ferry_brief_detail *d;	/* ascending name offsets */
	size_t		 nd, capd;
};

void		 ferry_brief_list_init(struct ferry_brief_list *l);
void		 ferry_brief_list_done(struct ferry_brief_list *l);
/*
 * Append an entry named by the len bytes at name (zeroed but for the
 * name).  NULL when the names would pass 4 GiB: the caller fails with
 * FERRY_E_LIMIT.  The pointer is valid until the next add.
 */
struct ferry_brief *ferry_brief_add(struct ferry_brief_list *l,
		    const char *name, size_t len);
/* Drop the last entry added (and its details). */
void		 ferry_brief_drop_last(struct ferry_brief_list *l);
const char	*ferry_brief_name(const struct ferry_brief_list *l,
		    const struct ferry_brief *b);
/* Set (or replace) b's details. */
void		 ferry_brief_set_detail(struct ferry_brief_list *l,
		    const struct ferry_brief *b, uint64_t size, int64_t time,
		    uint32_t mode);
/* b's details, or NULL when they are not known. */
const struct ferry_brief_detail *ferry_brief_detail(
		    const struct ferry_brief_list *l,
		    const struct ferry_brief *b);
/*
 * b as an entry: name (borrowed from l), kind, type, flags (without the
 * user bits), and size, modified and mode from its details.
 */
void		 ferry_brief_entry(const struct ferry_brief_list *l,
		    const struct ferry_brief *b, struct ferry_entry *out);
/* True when b passes q's search and filter (ferry_query_match). */
bool		 ferry_brief_match(const struct ferry_query *q,
		    const struct ferry_brief_list *l,
		    const struct ferry_brief *b);
/*
 * Sort the entries in the order ferry_query_cmp() gives their entries
 * (ferry_brief_entry) for a query of order o and desc; a TYPE order sees
 * no MIME types.  In place, O(n log n), with no allocation: names are
 * compared 8 folded bytes at a time through `key` (see core/brief.c).
 */
void		 ferry_brief_sort(struct ferry_brief_list *l,
		    enum ferry_order o, bool desc);

#endif
