/* SPDX-License-Identifier: MIT */
/*
 * The `ferry` command line: shared state and helpers for the subcommands.
 *
 * Each subcommand is one const struct cli_cmd (name, synopsis, help text,
 * exec function) in a cmd-*.c file; main.c holds the table, the global
 * options and the dispatch.  A subcommand parses its own options with
 * getopt_long, opens its locations through cli_open() (which keeps one
 * backend instance per location kind, so two store: locations share one
 * and a store -> store copy is server-side), does its work and returns an
 * exit status: CLI_OK, CLI_FAILED after trying every operand, CLI_USAGE
 * for a bad command line.
 *
 * Output rules: every string that came from a backend (names, messages,
 * descriptions) goes through escape_display before reaching stdout or
 * stderr; --json output is built with cJSON.  Errors read
 * "ferry: LOCATION: message" on stderr.
 *
 * Single-threaded: all of this runs on the main thread.
 */
#ifndef FERRY_CLI_H
#define FERRY_CLI_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <cjson/cJSON.h>

#include "ferry/backend.h"
#include "ferry/config.h"
#include "ferry/entry.h"
#include "ferry/error.h"
#include "ferry/location.h"

#ifndef FERRY_VERSION
#define FERRY_VERSION "0.1.0"
#endif

/* Exit statuses. */
#define CLI_OK		0
#define CLI_FAILED	1	/* an operation failed */
#define CLI_USAGE	2	/* bad command line */

struct cli;

struct cli_cmd {
	const char	*name;
	const char	*args;		/* synopsis after the name */
	const char	*summary;	/* one line */
	const char	*help;		/* options, notes, then examples */
	int		(*exec)(struct cli *c, int argc, char **argv);
};

/* One open backend, shared by every location of the same kind. */
struct cli_conn {
	enum ferry_loc_kind kind;
	char		*key;		/* profile or authority, or NULL */
	struct ferry_backend *b;
	struct cli_conn	*next;
};

struct cli {
	const char	*store_dir;	/* --store, or NULL */
	const char	*config_path;	/* --config, or NULL */
	const char	*theme;		/* --theme (the browser), or NULL */
	bool		 quiet;		/* -q: no progress, no notes */
	bool		 cfg_loaded;
	struct ferry_config cfg;
	struct cli_conn	*conns;
	const struct cli_cmd *cmd;	/* the subcommand running */
};

/* A location operand, opened. */
struct cli_loc {
	struct ferry_location loc;
	struct ferry_backend *b;	/* borrowed from the cli */
	const char	*path;		/* loc.path: the backend path */
	const char	*text;		/* as the user typed it */
	char		*where;		/* normalised display form, for errors */
};

/* The getopt_long value of --help in every subcommand. */
#define CLI_OPT_HELP	0x100

/* Flags for cli_open(). */
#define CLI_OPEN_LOCAL	0x01u	/* the operand is a local path, always */

/* The subcommands (cmd-*.c). */
extern const struct cli_cmd cli_cmd_ls, cli_cmd_tree, cli_cmd_info,
		    cli_cmd_mkdir, cli_cmd_put, cli_cmd_get, cli_cmd_cp,
		    cli_cmd_mv, cli_cmd_rm, cli_cmd_find, cli_cmd_du,
		    cli_cmd_meta, cli_cmd_gc, cli_cmd_check, cli_cmd_limits;
extern const struct cli_cmd cli_cmd_zip;	/* cmd-zip.c */
extern const struct cli_cmd cli_cmd_jobs;	/* cmd-jobs.c */

/*
 * One line on stderr when the jobs journal holds interrupted jobs
 * (cmd-jobs.c); never waits on a lock, says nothing with -q.
 */
void		 cli_jobs_notice(struct cli *c);

/* -------- cli.c: state, locations, errors, option values -------- */

void		 cli_init(struct cli *c);
/* Close every backend and free the configuration. */
void		 cli_done(struct cli *c);

/* Load the configuration once; prints the error and returns it. */
enum ferry_code	 cli_config(struct cli *c);

/*
 * Parse and open the location text into *out (cli_loc_done frees it).
 * Prints "ferry: TEXT: cause" and returns the code on failure.
 */
enum ferry_code	 cli_open(struct cli *c, const char *text, unsigned flags,
		    struct cli_loc *out);
void		 cli_loc_done(struct cli_loc *l);
/* Display form of another path in l's namespace ("store:/a"). malloc'd. */
char		*cli_loc_format(const struct cli_loc *l, const char *path);

/* "ferry: WHERE: message" on stderr (escaped; WHERE may be NULL). */
void		 cli_error(const char *where, const struct ferry_error *err);
/* "ferry: WHERE: message" from a format. */
void		 cli_errorf(const char *where, const char *fmt, ...)
		    __attribute__((format(printf, 2, 3)));
/*
 * A usage error: "ferry CMD: message" and a hint to --help on stderr.
 * Returns CLI_USAGE.
 */
int		 cli_usage(struct cli *c, const char *fmt, ...)
		    __attribute__((format(printf, 2, 3)));
/* The full help of cmd on f. */
void		 cli_help(const struct cli_cmd *cmd, FILE *f);
/* getopt_long's answer for an unknown option or missing argument. */
int		 cli_bad_option(struct cli *c, char **argv, int opt);

/*
 * Option values.  Each returns 0, or -1 after printing a usage error that
 * names the option and what is wrong with the value.
 */
int		 cli_parse_types(struct cli *c, const char *opt,
		    const char *arg, uint32_t *filter);
int		 cli_parse_order(struct cli *c, const char *arg,
		    enum ferry_order *order);
/* A JSON object; *out gets it re-printed compactly (malloc'd). */
int		 cli_parse_meta(struct cli *c, const char *opt, const char *arg,
		    char **out);
/* N, with an optional K/M/G/T suffix (powers of 1024) when sizes. */
int		 cli_parse_uint(struct cli *c, const char *opt, const char *arg,
		    bool sizes, uint64_t *out);
/* YYYY-MM-DD, ISO 8601, or a relative age (30s 15m 12h 7d 2w). */
int		 cli_parse_date(struct cli *c, const char *opt, const char *arg,
		    int64_t *ms);
/* Pure form of cli_parse_date() for unit tests: -1 when bad. */
int		 cli_date_parse(const char *arg, int64_t now_ms, int64_t *ms);

/* -------- tags: JSON array text helpers (cli.c) -------- */

/* Append tag to the cJSON array tags unless it is there; checks it. */
int		 cli_tags_add(struct cli *c, cJSON *tags, const char *tag);
/* The tags of a comma list ("a,b") as a cJSON array. */
cJSON		*cli_tags_from_list(struct cli *c, const char *list);

/* -------- cli-print.c: display and JSON -------- */

/* The display form of an untrusted string (unambiguous). malloc'd. */
char		*cli_escape(const char *s);
/* Print an untrusted string escaped. */
void		 cli_put(FILE *f, const char *s);

/* "1.5K", "12M", "999" (short form). */
void		 cli_size_short(char *buf, size_t len, uint64_t n);
/* "1.5 KiB", "12.0 MiB", "999 B". */
void		 cli_size_long(char *buf, size_t len, uint64_t n);
/* Local time "2024-05-01 12:03", or "-" when ms is 0. */
void		 cli_time_local(char *buf, size_t len, int64_t ms);
/* ISO 8601 UTC "2024-05-01T12:03:04.123Z". */
void		 cli_time_iso(char *buf, size_t len, int64_t ms);

/* The class column of ls -l: MIME type, else type class, or "folder". */
const char	*cli_entry_class(const struct ferry_entry *e);

/*
 * A JSON object with every field of e; `location` (may be NULL) is the
 * full location of the entry ("store:/a/b.txt").
 */
cJSON		*cli_json_entry(const struct ferry_entry *e,
		    const char *location);
/* A summary as a JSON object. */
cJSON		*cli_json_summary(const struct ferry_summary *s);
/* Print j (pretty) and a newline on stdout, then free it. */
void		 cli_json_print(cJSON *j);

/* The date an entry sorts and shows by: modified, else created. */
int64_t		 cli_entry_time(const struct ferry_entry *e);

#endif
