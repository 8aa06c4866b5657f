/* SPDX-License-Identifier: MIT */
/*
 * Internals of the store engine shared by its files (store.c: handle,
 * schema, transactions, lookups; store-rules.c: names, JSON, limits, the
 * fold key; store-tree.c: folder and item changes; store-list.c:
 * listing, find, summary; store-blob.c: content, gc, check).
 * Nothing outside src/store/ includes this.
 *
 * Rows are addressed inside the engine by their integer key (nid); the
 * UUID (id) is the public name.  Statements are prepared once per handle
 * and cached in s->stmts; every value from outside is a bound parameter.
 */
#ifndef FERRY_STORE_INT_H
#define FERRY_STORE_INT_H

#include <sqlite3.h>

#include "store/store.h"

#define STORE_BUSY_MS		10000
#define STORE_TEXT_MAX		65536	/* description, metadata, tags */
#define STORE_TAG_MAX		255	/* bytes in one tag */
#define STORE_SHA_HEX		64

/* The error code already set by a failed helper (store_stmt). */
#define STORE_ERR(err)	((err) != NULL ? (err)->code : FERRY_E_INTERNAL)

/* Cached statements with fixed SQL (see store.c for the text). */
enum store_stmt {
	ST_GET_NID,		/* node columns by nid */
	ST_GET_ID,		/* node columns by id */
	ST_LOOKUP_ID,		/* nid, kind, parent by id */
	ST_CHILD,		/* nid, kind by parent, name */
	ST_ANCESTORS,		/* nid, name, kind: root first */
	ST_INSERT,		/* a new row */
	ST_SHA_REFS,		/* 1 when a row references sha256 */
	ST_CHILD_TOTALS,	/* children, bytes of items in a folder */
	ST_HAS_CHILD,
	ST_SETTING_GET,
	ST_SETTING_SET,
	ST_DELETE_NID,
	ST_MOVE,		/* parent, name, updated by nid */
	ST_SUBTREE_SHAS,	/* distinct sha256 below a folder */
	ST_SUBTREE_DELETE,	/* every row below a folder, and it */
	ST_COPY_ROW,		/* copy one row under a new parent */
	ST_FOLDER_CHILDREN,	/* nids of the subfolders of a folder */
	ST_PUT_REPLACE,		/* new content for an existing item */
	ST_UPDATE,		/* the fields of store_update */
	ST_COPY_ITEMS,		/* copy the items of a folder */
	ST_LIST_COUNT,		/* children matching search and filter */
	ST_FIND_CHILDREN,	/* every child, folders first, by name */
	ST_SUM_TYPES,		/* items and bytes per type in a subtree */
	ST_SUM_FOLDERS,		/* folders in a subtree (with its top) */
	ST_SUM_STORED,		/* bytes of distinct blobs in a subtree */
	ST_ITEMS_ALL,		/* every item: nid, sha256, size */
	ST__COUNT
};

/* Columns every node query returns, in this order (store_row_entry). */
#define STORE_COLS \
	"n.nid, n.id, (SELECT p.id FROM nodes p WHERE p.nid = n.parent), " \
	"n.kind, n.name, n.size, n.sha256, n.mime, n.type, n.description, " \
	"n.metadata, n.tags, n.created, n.updated, n.user, n.starred, n.ttl, " \
	"n.parent"
#define STORE_NCOLS 18

/* A node as the engine sees it while deciding (no strings kept). */
struct store_node {
	int64_t		 nid;
	int64_t		 parent;	/* 0 for the root */
	int		 kind;		/* FERRY_KIND_* */
	uint64_t	 size;
	char		 sha[STORE_SHA_HEX + 1];
	char		 name[FERRY_NAME_MAX + 1];
};

/* A row to insert (store_insert); NULL strings are stored as NULL. */
struct store_row {
	int64_t		 parent;
	int		 kind;
	const char	*name;
	uint64_t	 size;
	const char	*sha;
	const char	*mime;
	int		 type;
	const char	*description;
	const char	*metadata;
	const char	*tags;
	bool		 starred;
	int64_t		 ttl;
};

struct store {
	sqlite3		*db;
	char		*dir;
	char		*blob_dir;	/* DIR/blobs */
	char		*tmp_dir;	/* DIR/tmp */
	char		*user;
	char		 root_id[STORE_ID_SIZE];
	int64_t		 root_nid;
	bool		 durable;
	int		 depth;		/* nesting of write transactions */
	int		 reading;	/* nesting of store_read_begin */
	bool		 read_txn;	/* a read transaction is open */
	sqlite3_stmt	*stmts[ST__COUNT];
	sqlite3_stmt	*list_stmts[4][2][2];	/* order, desc, has key */
	/* blobs that lost their last row in the open transaction */
	char		**dead;
	size_t		 ndead;
	size_t		 deadcap;
};

/* store.c */
sqlite3_stmt	*store_stmt(struct store *s, enum store_stmt which,
		    struct ferry_error *err);
enum ferry_code	 store_sql_error(struct store *s, int rc,
		    struct ferry_error *err, const char *fmt, ...)
		    __attribute__((format(printf, 4, 5)));
enum ferry_code	 store_txn_begin(struct store *s, struct ferry_error *err);
enum ferry_code	 store_txn_commit(struct store *s, struct ferry_error *err);
void		 store_txn_rollback(struct store *s);
enum ferry_code	 store_read_begin(struct store *s, struct ferry_error *err);
void		 store_read_end(struct store *s);
enum ferry_code	 store_lookup(struct store *s, const char *id,
		    struct store_node *out, struct ferry_error *err);
enum ferry_code	 store_node_get(struct store *s, int64_t nid,
		    struct store_node *out, struct ferry_error *err);
enum ferry_code	 store_child(struct store *s, int64_t parent,
		    const char *name, struct store_node *out,
		    struct ferry_error *err);
void		 store_row_entry(sqlite3_stmt *st, struct ferry_entry *e,
		    struct ferry_arena *a);
enum ferry_code	 store_entry_nid(struct store *s, int64_t nid,
		    struct ferry_entry *out, struct ferry_arena *a,
		    struct ferry_error *err);
char		*store_nid_path(struct store *s, int64_t nid);
enum ferry_code	 store_nid_id(struct store *s, int64_t nid,
		    char id[STORE_ID_SIZE], struct ferry_error *err);
void		 store_uuid(char out[STORE_ID_SIZE]);
char		*store_fold(const char *name);
enum ferry_code	 store_insert(struct store *s, const struct store_row *r,
		    int64_t *nid, struct ferry_error *err);
enum ferry_code	 store_delete_row(struct store *s,
		    const struct store_node *n, struct ferry_error *err);
enum ferry_code	 store_name_ok(struct store *s, int64_t parent,
		    const char *name, struct ferry_error *err);
enum ferry_code	 store_check_name(struct store *s, int64_t parent,
		    const char *name, struct ferry_error *err);
enum ferry_code	 store_check_limits(struct store *s, int64_t folder,
		    uint64_t add_items, uint64_t add_bytes,
		    struct ferry_error *err);
enum ferry_code	 store_check_json(const char *what, const char *text,
		    bool tags, char **norm, struct ferry_error *err);
enum ferry_code	 store_is_below(struct store *s, int64_t nid,
		    int64_t ancestor, bool *below, struct ferry_error *err);

/* store-blob.c */
char		*store_blob_path(const struct store *s, const char *sha);
/* True when the blob sha exists as a regular file of the given size. */
bool		 store_blob_present(struct store *s, const char *sha,
		    uint64_t size);
enum ferry_code	 store_blob_release(struct store *s, const char *sha,
		    struct ferry_error *err);
void		 store_blob_reap(struct store *s);
void		 store_dead_clear(struct store *s);
int		 store_fsync_dir(const char *path);

#endif
