/* SPDX-License-Identifier: MIT */
/*
 * Access data of the store, used by ferryd: users and their bearer
 * tokens, groups, grants of roles on folders, and the long operations
 * ferryd runs in the background.  The tables live in the same SQLite
 * database as the folders (schema version 2, see store.h), so a grant
 * disappears with its folder (ON DELETE CASCADE) in the same transaction.
 *
 * Model:
 * - A user has a name (1-64 bytes of [A-Za-z0-9._@+-], not starting with
 *   '-') and an admin flag.  An admin has the owner role everywhere.  The
 *   first user ever given a token becomes admin, so a new store always
 *   has someone who can grant access.
 * - A token is 32 random bytes in base64url (43 characters).  Only its
 *   sha256 is stored; the text is shown once, when it is made.
 * - A group has a name (same rules) and members (users).
 * - A grant gives a role (viewer < editor < owner) on a folder to a user
 *   or a group.  Roles are inherited down the tree: the role of a user on
 *   a folder is the highest role granted to the user or one of the user's
 *   groups on that folder or any folder above it; the role on an item is
 *   the role on its folder.  There are no denials.
 * - A folder on which a user has no role but below which the user has a
 *   grant is "passed through": the user may see that it exists (id, name)
 *   so as to reach the grant, and nothing else in it.
 *
 * A struct store_acl caches the prepared statements of this module for one
 * store handle; it is used on the handle's thread only and must be freed
 * before the store is closed.
 */
#ifndef FERRY_STORE_ACL_H
#define FERRY_STORE_ACL_H

#include <stdbool.h>
#include <stdint.h>

#include "ferry/entry.h"
#include "ferry/error.h"
#include "store/store.h"

#define STORE_PRINCIPAL_MAX	64	/* bytes in a user or group name */
#define STORE_TOKEN_ID_SIZE	17	/* 16 hex digits plus NUL */
#define STORE_TOKEN_SIZE	44	/* 43 base64url characters plus NUL */
#define STORE_OP_KIND_MAX	16

enum store_role {
	STORE_ROLE_NONE = 0,
	STORE_ROLE_VIEWER = 1,
	STORE_ROLE_EDITOR = 2,
	STORE_ROLE_OWNER = 3,
};

enum store_principal {
	STORE_PRINCIPAL_USER = 1,
	STORE_PRINCIPAL_GROUP = 2,
};

struct store_acl;

/* A user as requests see it. */
struct store_user {
	char		 name[STORE_PRINCIPAL_MAX + 1];
	bool		 admin;
};

struct store_token_info {
	const char	*id;
	const char	*user;
	bool		 admin;		/* the user's flag */
	int64_t		 created;	/* ms since the epoch */
	int64_t		 last_used;	/* ms, 0 = never; updated at most
					   once a minute */
};

/* One grant on a folder, or one inherited from a folder above it. */
struct store_grant {
	const char	*folder_id;	/* where it is granted */
	enum store_principal kind;
	const char	*name;
	enum store_role	 role;
	bool		 inherited;	/* granted on a folder above */
	int64_t		 created;
};

/* A long operation (recursive delete or copy) and how far it got. */
struct store_op {
	char		 id[STORE_ID_SIZE];
	char		 kind[STORE_OP_KIND_MAX];	/* "delete", "copy" */
	char		 state[STORE_OP_KIND_MAX];	/* "queued", "running",
							   "done", "failed" */
	char		 user[STORE_PRINCIPAL_MAX + 1];
	char		 target[STORE_ID_SIZE];		/* the folder acted on */
	char		 result[STORE_ID_SIZE];		/* copy: the new folder */
	uint64_t	 done;
	uint64_t	 total;
	enum ferry_code	 code;				/* failed: the cause */
	char		 message[FERRY_ERROR_MSG_MAX];
	int64_t		 created;
	int64_t		 updated;
};

typedef enum ferry_code (*store_token_cb)(const struct store_token_info *t,
		    void *ud);
typedef enum ferry_code (*store_grant_cb)(const struct store_grant *g,
		    void *ud);
typedef enum ferry_code (*store_name_cb)(const char *name, void *ud);

/* Names of roles ("viewer", "editor", "owner"; "none") and back (-1). */
const char	*store_role_name(enum store_role r);
int		 store_role_from_name(const char *name);
/* "user" / "group" and back (-1). */
const char	*store_principal_name(enum store_principal k);
int		 store_principal_from_name(const char *name);

/*
 * Check a user or group name (what: "user", "group") against the rules
 * above; the error names the offending byte.
 */
enum ferry_code	 store_principal_check(const char *what, const char *name,
		    struct ferry_error *err);

/*
 * Create the tables of this module (CREATE ... IF NOT EXISTS).  Called by
 * store.c inside the schema transaction; nothing else calls it.
 */
enum ferry_code	 store_acl_schema(struct store *s, struct ferry_error *err);

/* Statements for store s (same thread); free before store_close(s). */
struct store_acl *store_acl_new(struct store *s);
void		 store_acl_free(struct store_acl *acl);
struct store	*store_acl_store(struct store_acl *acl);

/* -------- users and tokens -------- */

/*
 * Make a new token for user (created when missing; admin sets the flag,
 * and the first user of the store is made admin anyway: *made_admin says
 * so).  token receives the text, shown once; id its short id.
 */
enum ferry_code	 store_token_add(struct store_acl *acl, const char *user,
		    bool admin, char token[STORE_TOKEN_SIZE],
		    char id[STORE_TOKEN_ID_SIZE], bool *made_admin,
		    struct ferry_error *err);
/* Every token, oldest first. */
enum ferry_code	 store_token_list(struct store_acl *acl, store_token_cb cb,
		    void *ud, struct ferry_error *err);
/* Delete token id (FERRY_E_NOT_FOUND naming it). */
enum ferry_code	 store_token_revoke(struct store_acl *acl, const char *id,
		    struct ferry_error *err);
/*
 * The user a token text belongs to; FERRY_E_AUTH when it is malformed or
 * unknown (the message never repeats the token).
 */
enum ferry_code	 store_token_auth(struct store_acl *acl, const char *token,
		    struct store_user *out, struct ferry_error *err);
/* A user by name (FERRY_E_NOT_FOUND). */
enum ferry_code	 store_user_get(struct store_acl *acl, const char *name,
		    struct store_user *out, struct ferry_error *err);
/* Set or clear a user's admin flag. */
enum ferry_code	 store_user_set_admin(struct store_acl *acl, const char *name,
		    bool admin, struct ferry_error *err);

/* -------- groups -------- */

enum ferry_code	 store_group_add(struct store_acl *acl, const char *name,
		    struct ferry_error *err);
/* Add user (created when missing) to group (which must exist). */
enum ferry_code	 store_group_member_add(struct store_acl *acl,
		    const char *group, const char *user,
		    struct ferry_error *err);
enum ferry_code	 store_group_member_remove(struct store_acl *acl,
		    const char *group, const char *user,
		    struct ferry_error *err);
/* Every group by name. */
enum ferry_code	 store_group_list(struct store_acl *acl, store_name_cb cb,
		    void *ud, struct ferry_error *err);
/* The groups of user, by name. */
enum ferry_code	 store_user_groups(struct store_acl *acl, const char *user,
		    store_name_cb cb, void *ud, struct ferry_error *err);

/* -------- grants and roles -------- */

/*
 * Give role to the user or group `name` on folder folder_id, replacing
 * its earlier role there.  The principal must exist; items take no
 * grants (FERRY_E_NOT_FOLDER).
 */
enum ferry_code	 store_grant_set(struct store_acl *acl, const char *folder_id,
		    enum store_principal kind, const char *name,
		    enum store_role role, struct ferry_error *err);
/* Remove the grant (FERRY_E_NOT_FOUND when there is none on the folder). */
enum ferry_code	 store_grant_remove(struct store_acl *acl,
		    const char *folder_id, enum store_principal kind,
		    const char *name, struct ferry_error *err);
/*
 * The grants that apply to folder folder_id: its own and those of every
 * folder above it (inherited), from the root down.
 */
enum ferry_code	 store_grant_list(struct store_acl *acl,
		    const char *folder_id, store_grant_cb cb, void *ud,
		    struct ferry_error *err);

/*
 * The role of user u on the entry id (an item: on its folder).  When it
 * is STORE_ROLE_NONE, *passthrough (may be NULL) says whether id is a
 * folder above one of u's grants.  Admins are owners everywhere.
 */
enum ferry_code	 store_role_at(struct store_acl *acl,
		    const struct store_user *u, const char *id,
		    enum store_role *role, bool *passthrough,
		    struct ferry_error *err);

/*
 * The subfolders of folder_id that u may pass through or has a role on,
 * when u has no role on folder_id itself: the folders on the way down to
 * u's grants.  Appended to out, in no particular order.
 */
enum ferry_code	 store_visible_children(struct store_acl *acl,
		    const struct store_user *u, const char *folder_id,
		    struct ferry_entry_list *out, struct ferry_error *err);

/* -------- long operations -------- */

/* Record a new operation in state "queued"; id receives its UUID. */
enum ferry_code	 store_op_create(struct store_acl *acl, const char *kind,
		    const char *user, const char *target, uint64_t total,
		    char id[STORE_ID_SIZE], struct ferry_error *err);
/* Mark it running with progress done of total. */
enum ferry_code	 store_op_progress(struct store_acl *acl, const char *id,
		    uint64_t done, uint64_t total, struct ferry_error *err);
/* Record what it made so far (a copy's new folder), before it is done. */
enum ferry_code	 store_op_result(struct store_acl *acl, const char *id,
		    const char *result_id, struct ferry_error *err);
/*
 * Finish it: "done" with result_id (may be NULL) when failure is NULL,
 * else "failed" with failure's code and message.
 */
enum ferry_code	 store_op_finish(struct store_acl *acl, const char *id,
		    const char *result_id, const struct ferry_error *failure,
		    struct ferry_error *err);
enum ferry_code	 store_op_get(struct store_acl *acl, const char *id,
		    struct store_op *out, struct ferry_error *err);
/*
 * Fail every operation still queued or running (a restart found them):
 * the message says why.  *n (may be NULL) gets how many.
 */
enum ferry_code	 store_op_interrupt_all(struct store_acl *acl,
		    const char *why, uint64_t *n, struct ferry_error *err);

#endif
