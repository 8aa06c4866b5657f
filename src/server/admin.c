/* SPDX-License-Identifier: MIT */
/*
 * ferryd's administration commands, run against the store directory
 * (while a server runs or not: SQLite serialises them):
 *
 *   token add USER [--admin]   make a token; its text is the LAST line
 *   token list                 id, user, admin, created, last used
 *   token revoke ID
 *   user admin USER on|off     set or clear the admin flag
 *   group add NAME | group list
 *   group member add|remove GROUP USER
 *   grant PATH user|group NAME viewer|editor|owner
 *   gc [--upload-expiry SECONDS]   remove unreferenced blobs, dead tmp
 *                              files, idle multipart uploads
 *   check                      verify the store; exit 1 on a finding
 *
 * Errors go to stderr as "ferryd: <message>" with exit status 1; usage
 * mistakes exit 2.  Threads: the main thread only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "server/server.h"
#include "store/store-upload.h"

struct admin_ctx {
	struct store		*s;
	struct store_acl	*acl;
	struct ferry_error	 err;
};

typedef int (*admin_cb)(struct admin_ctx *ctx, int argc, char **argv);

static int
admin_usage(const char *msg)
{
	fprintf(stderr, "ferryd: %s\n", msg);
	return 2;
}

static int
admin_fail(struct admin_ctx *ctx)
{
	fprintf(stderr, "ferryd: %s\n", ctx->err.msg);
	return 1;
}

static int
admin_token_add(struct admin_ctx *ctx, int argc, char **argv)
{
	char	 token[STORE_TOKEN_SIZE], id[STORE_TOKEN_ID_SIZE];
	bool	 admin = false, made_admin;

	if (argc == 3 && strcmp(argv[2], "--admin") == 0)
		admin = true;
	else if (argc != 2)
		return admin_usage("usage: token add USER [--admin]");
	if (store_token_add(ctx->acl, argv[1], admin, token, id, &made_admin,
	    &ctx->err) != FERRY_OK)
		return admin_fail(ctx);
	printf("token %s for user %s%s\n", id, argv[1], admin || made_admin ?
	    " (admin)" : "");
	if (made_admin && !admin)
		printf("the first user of a store is made admin\n");
	printf("keep it secret; it is shown only this once:\n");
	printf("%s\n", token);
	fflush(stdout);
	memset(token, 0, sizeof token);
	return 0;
}

static enum ferry_code
admin_token_print(const struct store_token_info *t, void *ud)
{
	char	 created[32], used[32];

	(void)ud;
	render_time(t->created, created);
	if (t->last_used > 0)
		render_time(t->last_used, used);
	else
		snprintf(used, sizeof used, "never");
	printf("%-16s  %-20s %-5s  %s  %s\n", t->id, t->user,
	    t->admin ? "admin" : "-", created, used);
	return FERRY_OK;
}

static int
admin_token(struct admin_ctx *ctx, int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "add") == 0)
		return admin_token_add(ctx, argc - 1, argv + 1);
	if (argc == 2 && strcmp(argv[1], "list") == 0) {
		printf("%-16s  %-20s %-5s  %-24s  %s\n", "ID", "USER", "ADMIN",
		    "CREATED", "LAST USED");
		if (store_token_list(ctx->acl, admin_token_print, NULL,
		    &ctx->err) != FERRY_OK)
			return admin_fail(ctx);
		return 0;
	}
	if (argc == 3 && strcmp(argv[1], "revoke") == 0) {
		if (store_token_revoke(ctx->acl, argv[2], &ctx->err) !=
		    FERRY_OK)
			return admin_fail(ctx);
		printf("token %s revoked\n", argv[2]);
		return 0;
	}
	return admin_usage("usage: token add USER [--admin] | token list |"
	    " token revoke ID");
}

static enum ferry_code
admin_print_name(const char *name, void *ud)
{
	(void)ud;
	printf("%s\n", name);
	return FERRY_OK;
}

static int
admin_group(struct admin_ctx *ctx, int argc, char **argv)
{
	enum ferry_code	 result;

	if (argc == 3 && strcmp(argv[1], "add") == 0)
		result = store_group_add(ctx->acl, argv[2], &ctx->err);
	else if (argc == 2 && strcmp(argv[1], "list") == 0)
		result = store_group_list(ctx->acl, admin_print_name, NULL,
		    &ctx->err);
	else if (argc == 5 && strcmp(argv[1], "member") == 0 &&
	    strcmp(argv[2], "add") == 0)
		result = store_group_member_add(ctx->acl, argv[3], argv[4],
		    &ctx->err);
	else if (argc == 5 && strcmp(argv[1], "member") == 0 &&
	    strcmp(argv[2], "remove") == 0)
		result = store_group_member_remove(ctx->acl, argv[3], argv[4],
		    &ctx->err);
	else
		return admin_usage("usage: group add NAME | group list |"
		    " group member add|remove GROUP USER");
	return result == FERRY_OK ? 0 : admin_fail(ctx);
}

static int
admin_user(struct admin_ctx *ctx, int argc, char **argv)
{
	bool	 on;

	if (argc != 4 || strcmp(argv[1], "admin") != 0 ||
	    (strcmp(argv[3], "on") != 0 && strcmp(argv[3], "off") != 0))
		return admin_usage("usage: user admin USER on|off");
	on = strcmp(argv[3], "on") == 0;
	if (store_user_set_admin(ctx->acl, argv[2], on, &ctx->err) !=
	    FERRY_OK)
		return admin_fail(ctx);
	printf("user %s is %san admin\n", argv[2], on ? "" : "no longer ");
	return 0;
}

static int
admin_grant(struct admin_ctx *ctx, int argc, char **argv)
{
	char	 id[STORE_ID_SIZE];
	int	 kind, role;

	if (argc != 5)
		return admin_usage("usage: grant PATH user|group NAME"
		    " viewer|editor|owner");
	if ((kind = store_principal_from_name(argv[2])) < 0)
		return admin_usage("grant: the second word must be user or"
		    " group");
	if ((role = store_role_from_name(argv[4])) < 0)
		return admin_usage("grant: the role must be viewer, editor or"
		    " owner");
	if (store_resolve(ctx->s, argv[1], id, NULL, &ctx->err) != FERRY_OK ||
	    store_grant_set(ctx->acl, id, (enum store_principal)kind, argv[3],
	    (enum store_role)role, &ctx->err) != FERRY_OK)
		return admin_fail(ctx);
	printf("%s %s is %s on %s\n", argv[2], argv[3], argv[4], argv[1]);
	return 0;
}

static void
admin_report(const struct store_report *r)
{
	size_t	 i;

	for (i = 0; i < r->nmsgs; i++)
		printf("%s\n", r->msgs[i]);
	if (r->msgs_dropped > 0)
		printf("(%llu more findings not shown)\n",
		    (unsigned long long)r->msgs_dropped);
}

static int
admin_gc(struct admin_ctx *ctx, int argc, char **argv)
{
	struct store_report	 r;
	uint64_t		 expiry = 7 * 24 * 3600, uploads = 0;
	int			 rc = 0;

	if (argc == 3 && strcmp(argv[1], "--upload-expiry") == 0) {
		if (!settings_uint(argv[2], INT64_MAX / 1000, &expiry))
			return admin_usage("gc: --upload-expiry takes"
			    " seconds");
	} else if (argc != 1)
		return admin_usage("usage: gc [--upload-expiry SECONDS]");
	store_report_init(&r);
	if (store_upload_gc(ctx->s, (int64_t)expiry * 1000, &uploads,
	    &ctx->err) != FERRY_OK ||
	    store_gc(ctx->s, &r, &ctx->err) != FERRY_OK)
		rc = admin_fail(ctx);
	else {
		admin_report(&r);
		printf("removed %llu blob(s) (%llu bytes), %llu temporary"
		    " file(s), %llu idle upload(s)\n",
		    (unsigned long long)r.removed_blobs,
		    (unsigned long long)r.freed_bytes,
		    (unsigned long long)r.removed_tmp,
		    (unsigned long long)uploads);
	}
	store_report_done(&r);
	return rc;
}

static int
admin_check(struct admin_ctx *ctx, int argc, char **argv)
{
	struct store_report	 r;
	int			 rc;

	(void)argv;
	if (argc != 1)
		return admin_usage("usage: check");
	store_report_init(&r);
	if (store_check(ctx->s, &r, &ctx->err) != FERRY_OK)
		rc = admin_fail(ctx);
	else {
		admin_report(&r);
		printf("missing_blobs %llu bad_blobs %llu orphan_rows %llu"
		    " unreferenced %llu tmp_files %llu\n",
		    (unsigned long long)r.missing_blobs,
		    (unsigned long long)r.bad_blobs,
		    (unsigned long long)r.orphan_rows,
		    (unsigned long long)r.unreferenced,
		    (unsigned long long)r.tmp_files);
		rc = store_report_clean(&r) ? 0 : 1;
		printf("%s\n", rc == 0 ? "clean" : "NOT clean");
	}
	store_report_done(&r);
	return rc;
}

static const struct {
	const char	*name;
	admin_cb	 fn;
} admin_commands[] = {
	{ "token", admin_token },
	{ "group", admin_group },
	{ "user", admin_user },
	{ "grant", admin_grant },
	{ "gc", admin_gc },
	{ "check", admin_check },
};

bool
admin_is_command(const char *name)
{
	size_t	 i;

	for (i = 0; i < FERRY_NELEM(admin_commands); i++)
		if (strcmp(admin_commands[i].name, name) == 0)
			return true;
	return false;
}

int
admin_main(const char *store_dir, int argc, char **argv)
{
	struct admin_ctx	 ctx;
	size_t			 i;
	int			 rc = 2;

	memset(&ctx, 0, sizeof ctx);
	if (store_open(store_dir, &ctx.s, &ctx.err) != FERRY_OK)
		return admin_fail(&ctx);
	ctx.acl = store_acl_new(ctx.s);
	for (i = 0; i < FERRY_NELEM(admin_commands); i++)
		if (strcmp(admin_commands[i].name, argv[0]) == 0)
			rc = admin_commands[i].fn(&ctx, argc, argv);
	store_acl_free(ctx.acl);
	store_close(ctx.s);
	return rc;
}
