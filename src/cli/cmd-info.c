/* SPDX-License-Identifier: MIT */
/*
 * `ferry info` (everything about an entry: breadcrumb, ids, attributes,
 * and a summary for folders) and `ferry meta get|set` (description,
 * client metadata, tags, star).
 *
 * Text output escapes every backend string; multi-line metadata is
 * re-printed from JSON and escaped line by line.  --json output is cJSON.
 *
 * Main thread.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "ferry/backend.h"
#include "ferry/entry.h"
#include "ferry/location.h"

#include "cli/cli.h"
#include "core/escape.h"
#include "core/util.h"

#define CMD_INFO_LABEL	"  %-12s "

/* "  label        value" with the value escaped. */
static void
cmd_info_line(const char *label, const char *value)
{
	printf(CMD_INFO_LABEL, label);
	cli_put(stdout, value);
	fputc('\n', stdout);
}

/* Pretty JSON text under a label, one escaped line at a time. */
static void
cmd_info_json_text(const char *label, const char *text)
{
	cJSON	*j;
	char	*pretty, *line, *save = NULL, *e;
	bool	 first = true;

	j = cJSON_Parse(text);
	pretty = j != NULL ? cJSON_Print(j) : xstrdup(text);
	cJSON_Delete(j);
	if (pretty == NULL)
		return;
	for (line = strtok_r(pretty, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		printf(CMD_INFO_LABEL, first ? label : "");
		e = escape_display(line, strlen(line));
		printf("%s\n", e);
		free(e);
		first = false;
	}
	free(pretty);
}

/* Tags as "a, b, c". */
static void
cmd_info_tags(const char *tags)
{
	cJSON	*j, *t;
	bool	 first = true;

	j = cJSON_Parse(tags);
	if (!cJSON_IsArray(j) || cJSON_GetArraySize(j) == 0) {
		cJSON_Delete(j);
		return;
	}
	printf(CMD_INFO_LABEL, "tags");
	cJSON_ArrayForEach(t, j) {
		if (!cJSON_IsString(t))
			continue;
		if (!first)
			fputs(", ", stdout);
		cli_put(stdout, t->valuestring);
		first = false;
	}
	fputc('\n', stdout);
	cJSON_Delete(j);
}

static void
cmd_info_summary(const struct ferry_summary *s)
{
	char	 size[32];
	size_t	 i;

	cli_size_long(size, sizeof size, s->bytes);
	printf(CMD_INFO_LABEL "%" PRIu64 " item%s, %" PRIu64 " folder%s, "
	    "%s\n", "summary", s->items, s->items == 1 ? "" : "s",
	    s->folders, s->folders == 1 ? "" : "s", size);
	for (i = 0; i < FERRY_TYPE__COUNT; i++) {
		if (s->type_items[i] == 0)
			continue;
		cli_size_long(size, sizeof size, s->type_bytes[i]);
		printf(CMD_INFO_LABEL "%-9s %" PRIu64 " item%s, %s\n", "",
		    ferry_type_name((enum ferry_type)i), s->type_items[i],
		    s->type_items[i] == 1 ? "" : "s", size);
	}
}

/* The breadcrumb "/ > a > b" of a path_to_root chain. */
static void
cmd_info_crumbs(const struct ferry_entry_list *chain)
{
	size_t	i;

	printf(CMD_INFO_LABEL "/", "path");
	for (i = 0; i < chain->n; i++) {
		if (*chain->v[i].name == '\0')
			continue;
		fputs(" > ", stdout);
		cli_put(stdout, chain->v[i].name);
	}
	fputc('\n', stdout);
}

static void
cmd_info_text(const char *text, const struct ferry_entry *e,
    const struct ferry_entry_list *chain, const struct ferry_summary *s)
{
	char	 buf[64], size[32];

	cli_put(stdout, text);
	fputc('\n', stdout);
	cmd_info_line("kind", e->kind == FERRY_KIND_FOLDER ? "folder" :
	    "item");
	if (chain != NULL)
		cmd_info_crumbs(chain);
	if (e->id != NULL)
		cmd_info_line("id", e->id);
	if (e->parent_id != NULL)
		cmd_info_line("parent id", e->parent_id);
	if (e->kind == FERRY_KIND_ITEM) {
		cli_size_long(size, sizeof size, e->size);
		printf(CMD_INFO_LABEL "%" PRIu64 " (%s)\n", "size", e->size,
		    size);
		if (e->mime != NULL)
			cmd_info_line("mime", e->mime);
		cmd_info_line("type", ferry_type_name((enum ferry_type)e->type));
		if (e->checksum != NULL)
			cmd_info_line("sha256", e->checksum);
	}
	if (e->link_target != NULL)
		cmd_info_line("link to", e->link_target);
	if (e->created != 0) {
		cli_time_local(buf, sizeof buf, e->created);
		cmd_info_line("created", buf);
	}
	if (e->modified != 0) {
		cli_time_local(buf, sizeof buf, e->modified);
		cmd_info_line(e->kind == FERRY_KIND_FOLDER ? "updated" :
		    "modified", buf);
	}
	if (e->user != NULL)
		cmd_info_line("user", e->user);
	if (e->description != NULL && *e->description != '\0')
		cmd_info_line("description", e->description);
	if (e->tags != NULL)
		cmd_info_tags(e->tags);
	if (e->flags & FERRY_ENTRY_STARRED)
		cmd_info_line("starred", "yes");
	if (e->ttl != 0)
		printf(CMD_INFO_LABEL "%" PRId64 " s\n", "ttl", e->ttl);
	if (e->metadata != NULL && strcmp(e->metadata, "{}") != 0)
		cmd_info_json_text("metadata", e->metadata);
	if (s != NULL)
		cmd_info_summary(s);
}

static cJSON *
cmd_info_json(const char *text, const struct ferry_entry *e,
    const struct ferry_entry_list *chain, const struct ferry_summary *s)
{
	cJSON	*o, *arr, *c;
	size_t	 i;

	o = cli_json_entry(e, text);
	if (chain != NULL) {
		arr = cJSON_AddArrayToObject(o, "path_to_root");
		for (i = 0; i < chain->n; i++) {
			c = cJSON_CreateObject();
			cJSON_AddStringToObject(c, "name", chain->v[i].name);
			if (chain->v[i].id != NULL)
				cJSON_AddStringToObject(c, "id",
				    chain->v[i].id);
			else
				cJSON_AddNullToObject(c, "id");
			cJSON_AddItemToArray(arr, c);
		}
	}
	if (s != NULL)
		cJSON_AddItemToObject(o, "summary", cli_json_summary(s));
	return o;
}

/* info for one operand; adds to arr (JSON) or prints. */
static int
cmd_info_one(struct cli *c, const char *text, bool json, cJSON *arr)
{
	struct cli_loc	 l;
	struct ferry_entry e;
	struct ferry_arena a;
	struct ferry_error err;
	struct ferry_entry_list chain;
	struct ferry_summary s;
	bool		 have_chain, have_sum = false;
	int		 status = CLI_OK;

	if (cli_open(c, text, 0, &l) != FERRY_OK)
		return CLI_FAILED;
	ferry_arena_init(&a);
	ferry_entry_list_init(&chain);
	if (ferry_backend_stat(l.b, l.path, &e, &a, &err) != FERRY_OK) {
		cli_error(l.where, &err);
		status = CLI_FAILED;
		goto out;
	}
	have_chain = ferry_backend_path_to_root(l.b, l.path, &chain,
	    &err) == FERRY_OK;
	if (!have_chain)
		cli_error(l.where, &err);
	if (e.kind == FERRY_KIND_FOLDER) {
		memset(&s, 0, sizeof s);
		have_sum = ferry_backend_summary(l.b, l.path, &s, &err) ==
		    FERRY_OK;
		if (!have_sum) {
			cli_error(l.where, &err);
			status = CLI_FAILED;
		}
	}
	if (json)
		cJSON_AddItemToArray(arr, cmd_info_json(text, &e,
		    have_chain ? &chain : NULL, have_sum ? &s : NULL));
	else
		cmd_info_text(text, &e, have_chain ? &chain : NULL,
		    have_sum ? &s : NULL);
out:
	ferry_entry_list_done(&chain);
	ferry_arena_done(&a);
	cli_loc_done(&l);
	return status;
}

static const struct option cmd_info_longopts[] = {
	{ "json", no_argument, NULL, 'j' },
	{ "help", no_argument, NULL, CLI_OPT_HELP },
	{ NULL, 0, NULL, 0 }
};

static int
cmd_info_exec(struct cli *c, int argc, char **argv)
{
	cJSON	*arr = NULL;
	bool	 json = false;
	int	 opt, i, status = CLI_OK;

	while ((opt = getopt_long(argc, argv, ":j", cmd_info_longopts,
	    NULL)) != -1) {
		switch (opt) {
		case 'j': json = true; break;
		case CLI_OPT_HELP:
			cli_help(c->cmd, stdout);
			return CLI_OK;
		default:
			return cli_bad_option(c, argv, opt);
		}
	}
	if (optind == argc)
		return cli_usage(c, "which location?");
	if (json)
		arr = cJSON_CreateArray();
	for (i = optind; i < argc; i++) {
		if (!json && i > optind)
			fputc('\n', stdout);
		if (cmd_info_one(c, argv[i], json, arr) != CLI_OK)
			status = CLI_FAILED;
	}
	if (arr != NULL && argc - optind == 1) {
		/* one operand: the object itself */
		cJSON *o = cJSON_DetachItemFromArray(arr, 0);

		cJSON_Delete(arr);
		arr = o;
	}
	if (arr != NULL)
		cli_json_print(arr);
	return status;
}

const struct cli_cmd cli_cmd_info = {
	"info", "[--json] LOC...",
	"Show everything known about each folder or item.",
	"Shows the path from the root, id, description, tags, metadata,\n"
	"created/updated times and user; for items the size, MIME type,\n"
	"type class and sha256; for folders a summary of the subtree.\n"
	"\n"
	"Options:\n"
	"      --json   a JSON object (an array of them for several LOCs),\n"
	"               with \"path_to_root\" and, for folders, \"summary\"\n"
	"\n"
	"Examples:\n"
	"  ferry info store:/photos\n"
	"  ferry info --json store:/photos/cat.png\n",
	cmd_info_exec,
};

/* -------- meta -------- */

static int
cmd_meta_get(struct cli *c, const char *text)
{
	struct cli_loc	 l;
	struct ferry_entry e;
	struct ferry_arena a;
	struct ferry_error err;
	cJSON		*o, *full;
	int		 status = CLI_OK;

	if (cli_open(c, text, 0, &l) != FERRY_OK)
		return CLI_FAILED;
	ferry_arena_init(&a);
	if (ferry_backend_stat(l.b, l.path, &e, &a, &err) != FERRY_OK) {
		cli_error(l.where, &err);
		status = CLI_FAILED;
		goto out;
	}
	full = cli_json_entry(&e, text);
	o = cJSON_CreateObject();
	cJSON_AddItemReferenceToObject(o, "location",
	    cJSON_GetObjectItem(full, "location"));
	cJSON_AddItemReferenceToObject(o, "kind",
	    cJSON_GetObjectItem(full, "kind"));
	cJSON_AddItemReferenceToObject(o, "description",
	    cJSON_GetObjectItem(full, "description"));
	cJSON_AddItemReferenceToObject(o, "metadata",
	    cJSON_GetObjectItem(full, "metadata"));
	cJSON_AddItemReferenceToObject(o, "tags",
	    cJSON_GetObjectItem(full, "tags"));
	cJSON_AddItemReferenceToObject(o, "starred",
	    cJSON_GetObjectItem(full, "starred"));
	cli_json_print(o);
	cJSON_Delete(full);
out:
	ferry_arena_done(&a);
	cli_loc_done(&l);
	return status;
}

struct cmd_meta_set {
	struct ferry_update u;
	char		*meta;		/* owned */
	const char	*tags_list;	/* --tags */
	cJSON		*add;		/* --tag values */
	cJSON		*del;		/* --untag values */
};

/* The new tag list: --tags (or the current tags), + --tag, - --untag. */
static int
cmd_meta_tags(struct cli *c, struct cmd_meta_set *m, const char *current,
    char **out)
{
	cJSON	*tags, *t, *d;
	int	 i;

	if (m->tags_list != NULL)
		tags = cli_tags_from_list(c, m->tags_list);
	else {
		tags = current != NULL ? cJSON_Parse(current) : NULL;
		if (!cJSON_IsArray(tags)) {
			cJSON_Delete(tags);
			tags = cJSON_CreateArray();
		}
	}
	if (tags == NULL)
		return -1;
	cJSON_ArrayForEach(t, m->add) {
		if (cli_tags_add(c, tags, t->valuestring) != 0) {
			cJSON_Delete(tags);
			return -1;
		}
	}
	cJSON_ArrayForEach(d, m->del) {
		for (i = cJSON_GetArraySize(tags) - 1; i >= 0; i--) {
			t = cJSON_GetArrayItem(tags, i);
			if (cJSON_IsString(t) &&
			    strcmp(t->valuestring, d->valuestring) == 0)
				cJSON_DeleteItemFromArray(tags, i);
		}
	}
	*out = cJSON_PrintUnformatted(tags);
	cJSON_Delete(tags);
	return 0;
}

/* Refuse fields the location kind cannot keep, with a clear message. */
static bool
cmd_meta_supported(const struct cli_loc *l, uint32_t fields)
{
	static const struct {
		uint32_t	 field;
		uint32_t	 cap;
		const char	*what;
	} need[] = {
		{ FERRY_UPDATE_DESCRIPTION, FERRY_CAP_DESCRIPTION,
		    "descriptions" },
		{ FERRY_UPDATE_METADATA, FERRY_CAP_METADATA, "metadata" },
		{ FERRY_UPDATE_TAGS, FERRY_CAP_TAGS, "tags" },
	};
	size_t	i;

	for (i = 0; i < FERRY_NELEM(need); i++) {
		if ((fields & need[i].field) &&
		    !ferry_backend_has(l->b, need[i].cap)) {
			cli_errorf(l->where, "this location (%s) cannot keep "
			    "%s", l->b->ops->name, need[i].what);
			return false;
		}
	}
	return true;
}

static int
cmd_meta_apply(struct cli *c, const char *text, struct cmd_meta_set *m)
{
	struct cli_loc	 l;
	struct ferry_entry e;
	struct ferry_arena a;
	struct ferry_error err;
	char		*tags = NULL;
	int		 status = CLI_FAILED;

	if (cli_open(c, text, 0, &l) != FERRY_OK)
		return CLI_FAILED;
	ferry_arena_init(&a);
	if (!cmd_meta_supported(&l, m->u.fields))
		goto out;
	if (m->u.fields & FERRY_UPDATE_TAGS) {
		if (ferry_backend_stat(l.b, l.path, &e, &a, &err) !=
		    FERRY_OK) {
			cli_error(l.where, &err);
			goto out;
		}
		if (cmd_meta_tags(c, m, e.tags, &tags) != 0) {
			status = CLI_USAGE;
			goto out;
		}
		m->u.tags = tags;
	}
	if (ferry_backend_update(l.b, l.path, &m->u, &err) != FERRY_OK) {
		cli_error(l.where, &err);
		goto out;
	}
	status = CLI_OK;
out:
	free(tags);
	ferry_arena_done(&a);
	cli_loc_done(&l);
	return status;
}

static const struct option cmd_meta_longopts[] = {
	{ "description", required_argument, NULL, 'd' },
	{ "meta", required_argument, NULL, 'm' },
	{ "tags", required_argument, NULL, 'T' },
	{ "tag", required_argument, NULL, 't' },
	{ "untag", required_argument, NULL, 'u' },
	{ "star", no_argument, NULL, 's' },
	{ "unstar", no_argument, NULL, 'S' },
	{ "ttl", required_argument, NULL, 'L' },
	{ "help", no_argument, NULL, CLI_OPT_HELP },
	{ NULL, 0, NULL, 0 }
};

/* Parse the options of `meta set` into *m; CLI_OK or an exit status. */
static int
cmd_meta_parse(struct cli *c, int argc, char **argv, struct cmd_meta_set *m)
{
	uint64_t	 ttl;
	int		 opt;

	while ((opt = getopt_long(argc, argv, ":d:m:T:t:u:sS",
	    cmd_meta_longopts, NULL)) != -1) {
		switch (opt) {
		case 'd':
			m->u.fields |= FERRY_UPDATE_DESCRIPTION;
			m->u.description = optarg;
			break;
		case 'm':
			free(m->meta);
			if (cli_parse_meta(c, "--meta", optarg, &m->meta) != 0)
				return CLI_USAGE;
			m->u.fields |= FERRY_UPDATE_METADATA;
			m->u.metadata = m->meta;
			break;
		case 'T':
			m->u.fields |= FERRY_UPDATE_TAGS;
			m->tags_list = optarg;
			break;
		case 't':
		case 'u':
			if (*optarg == '\0')
				return cli_usage(c, "a tag cannot be empty");
			m->u.fields |= FERRY_UPDATE_TAGS;
			cJSON_AddItemToArray(opt == 't' ? m->add : m->del,
			    cJSON_CreateString(optarg));
			break;
		case 's':
		case 'S':
			m->u.fields |= FERRY_UPDATE_STARRED;
			m->u.starred = opt == 's';
			break;
		case 'L':
			if (cli_parse_uint(c, "--ttl", optarg, false,
			    &ttl) != 0 || ttl > INT64_MAX)
				return CLI_USAGE;
			m->u.fields |= FERRY_UPDATE_TTL;
			m->u.ttl = (int64_t)ttl;
			break;
		case CLI_OPT_HELP:
			cli_help(c->cmd, stdout);
			return -1;
		default:
			return cli_bad_option(c, argv, opt);
		}
	}
	return CLI_OK;
}

static int
cmd_meta_exec(struct cli *c, int argc, char **argv)
{
	struct cmd_meta_set m;
	int		 status, i;

	if (argc < 2)
		return cli_usage(c, "meta get or meta set?");
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		cli_help(c->cmd, stdout);
		return CLI_OK;
	}
	memset(&m, 0, sizeof m);
	m.add = cJSON_CreateArray();
	m.del = cJSON_CreateArray();
	status = cmd_meta_parse(c, argc - 1, argv + 1, &m);
	if (status != CLI_OK) {
		status = status < 0 ? CLI_OK : status;
		goto out;
	}
	argc--;
	argv++;
	if (optind == argc) {
		status = cli_usage(c, "meta %s: which location?", argv[0]);
		goto out;
	}
	if (strcmp(argv[0], "get") == 0) {
		if (m.u.fields != 0) {
			status = cli_usage(c, "meta get takes no options but "
			    "--help");
			goto out;
		}
		for (i = optind; i < argc; i++)
			if (cmd_meta_get(c, argv[i]) != CLI_OK)
				status = CLI_FAILED;
	} else if (strcmp(argv[0], "set") == 0) {
		if (m.u.fields == 0) {
			status = cli_usage(c, "meta set: nothing to set (use "
			    "--description, --meta, --tags, --tag, --untag, "
			    "--star or --unstar)");
			goto out;
		}
		for (i = optind; i < argc && status != CLI_USAGE; i++) {
			int rc = cmd_meta_apply(c, argv[i], &m);

			if (rc != CLI_OK && status != CLI_USAGE)
				status = rc;
		}
	} else
		status = cli_usage(c, "unknown action '%s' (use get or set)",
		    argv[0]);
out:
	cJSON_Delete(m.add);
	cJSON_Delete(m.del);
	free(m.meta);
	return status;
}

const struct cli_cmd cli_cmd_meta = {
	"meta", "get LOC... | set [OPTIONS] LOC...",
	"Read or change the description, metadata, tags and star of entries.",
	"meta get prints a JSON object: location, kind, description,\n"
	"metadata, tags, starred.\n"
	"\n"
	"Options of meta set:\n"
	"      --description TEXT  set the description (folders)\n"
	"      --meta JSON         replace the client metadata (a JSON object)\n"
	"      --tags A,B          replace the tags with exactly these\n"
	"                          (\"\" clears them)\n"
	"      --tag TAG           add a tag (repeatable)\n"
	"      --untag TAG         remove a tag (repeatable)\n"
	"      --star, --unstar    star or unstar a folder\n"
	"      --ttl SECONDS       set a folder's time to live (0: none)\n"
	"\n"
	"Items in the store keep metadata only; folders keep all of these.\n"
	"\n"
	"Examples:\n"
	"  ferry meta get store:/photos\n"
	"  ferry meta set --description 'Holiday 2024' --tag trip "
	"store:/photos\n"
	"  ferry meta set --meta '{\"camera\": \"x100\"}' "
	"store:/photos/cat.png\n",
	cmd_meta_exec,
};
