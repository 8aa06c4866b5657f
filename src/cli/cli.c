/* SPDX-License-Identifier: MIT */
/*
 * Shared CLI state and helpers: the configuration, the cache of open
 * backends (one per location kind, so that locations of one kind share an
 * instance and same-backend copies stay server-side), error and usage
 * messages, and the parsers of option values (types, orders, JSON, sizes,
 * dates, tags).
 *
 * Invariant: a parser of an option value either succeeds or prints one
 * usage error naming the option and the problem, and returns -1.
 *
 * Single-threaded (main thread).
 */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "ferry/backend.h"
#include "ferry/config.h"
#include "ferry/entry.h"
#include "ferry/error.h"
#include "ferry/location.h"

#include "cli/cli.h"
#include "core/escape.h"
#include "core/util.h"

void
cli_init(struct cli *c)
{
	memset(c, 0, sizeof *c);
}

void
cli_done(struct cli *c)
{
	struct cli_conn	*conn, *next;

	for (conn = c->conns; conn != NULL; conn = next) {
		next = conn->next;
		ferry_backend_close(conn->b);
		free(conn->key);
		free(conn);
	}
	c->conns = NULL;
	if (c->cfg_loaded)
		ferry_config_done(&c->cfg);
	c->cfg_loaded = false;
}

enum ferry_code
cli_config(struct cli *c)
{
	struct ferry_error err;
	enum ferry_code	 result;

	if (c->cfg_loaded)
		return FERRY_OK;
	result = ferry_config_load(&c->cfg, c->config_path, c->store_dir,
	    &err);
	c->cfg_loaded = true;	/* usable and to be freed even on error */
	if (result != FERRY_OK) {
		cli_error(c->config_path != NULL ? c->config_path : "config",
		    &err);
	}
	return result;
}

/* The key that tells backends of one kind apart. */
static const char *
cli_conn_key(const struct ferry_location *loc)
{
	switch (loc->kind) {
	case FERRY_LOC_PROFILE:
		return loc->profile;
	case FERRY_LOC_S3:
	case FERRY_LOC_HTTP:
		return loc->authority;
	default:
		return NULL;
	}
}

static bool
cli_key_eq(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

/* The open backend for loc, opening it on first use. */
static enum ferry_code
cli_backend(struct cli *c, const struct ferry_location *loc,
    struct ferry_backend **out, struct ferry_error *err)
{
	struct cli_conn	*conn;
	struct ferry_backend *b;
	enum ferry_code	 result;
	const char	*key = cli_conn_key(loc);

	for (conn = c->conns; conn != NULL; conn = conn->next) {
		if (conn->kind == loc->kind && cli_key_eq(conn->key, key)) {
			*out = conn->b;
			return FERRY_OK;
		}
	}
	result = ferry_backend_open(loc, &c->cfg, &b, err);
	if (result != FERRY_OK)
		return result;
	conn = xcalloc(1, sizeof *conn);
	conn->kind = loc->kind;
	conn->key = key != NULL ? xstrdup(key) : NULL;
	conn->b = b;
	conn->next = c->conns;
	c->conns = conn;
	*out = b;
	return FERRY_OK;
}

/*
 * put's sources and get's destination are local paths whatever they look
 * like: "a:b" is a file, not profile a.
 */
static char *
cli_local_text(const char *text)
{
	if (text[0] == '/' || text[0] == '.' ||
	    (text[0] == '~' && (text[1] == '/' || text[1] == '\0')))
		return xstrdup(text);
	return xasprintf("./%s", text);
}

enum ferry_code
cli_open(struct cli *c, const char *text, unsigned flags,
    struct cli_loc *out)
{
	struct ferry_error err;
	enum ferry_code	 result;
	char		*t;

	memset(out, 0, sizeof *out);
	t = (flags & CLI_OPEN_LOCAL) ? cli_local_text(text) : xstrdup(text);
	result = ferry_location_parse(t, &out->loc, &err);
	free(t);
	if (result != FERRY_OK) {
		cli_error(text, &err);
		return result;
	}
	out->path = out->loc.path;
	out->text = text;
	out->where = ferry_location_format(&out->loc, NULL);
	result = cli_config(c);
	if (result != FERRY_OK)
		goto fail;
	result = cli_backend(c, &out->loc, &out->b, &err);
	if (result != FERRY_OK) {
		cli_error(text, &err);
		goto fail;
	}
	return FERRY_OK;
fail:
	ferry_location_done(&out->loc);
	free(out->where);
	memset(out, 0, sizeof *out);
	return result;
}

void
cli_loc_done(struct cli_loc *l)
{
	if (l->text != NULL)
		ferry_location_done(&l->loc);
	free(l->where);
	memset(l, 0, sizeof *l);
}

char *
cli_loc_format(const struct cli_loc *l, const char *path)
{
	return ferry_location_format(&l->loc, path);
}

void
cli_error(const char *where, const struct ferry_error *err)
{
	const char	*msg = err->msg;
	char		*w, *m;
	size_t		 n;

	if (*msg == '\0')
		msg = ferry_strerror(err->code);
	/* Messages from deeper down often name the location already. */
	n = where != NULL ? strlen(where) : 0;
	if (n != 0 && strncmp(msg, where, n) == 0 &&
	    (msg[n] == ':' || msg[n] == ' '))
		where = NULL;
	m = escape_display(msg, strlen(msg));
	if (where != NULL) {
		w = escape_display(where, strlen(where));
		fprintf(stderr, "ferry: %s: %s\n", w, m);
		free(w);
	} else
		fprintf(stderr, "ferry: %s\n", m);
	free(m);
}

void
cli_errorf(const char *where, const char *fmt, ...)
{
	struct ferry_error err;
	va_list		 ap;

	err.code = FERRY_E_INVALID;
	va_start(ap, fmt);
	vsnprintf(err.msg, sizeof err.msg, fmt, ap);
	va_end(ap);
	cli_error(where, &err);
}

int
cli_usage(struct cli *c, const char *fmt, ...)
{
	const char	*name = c->cmd != NULL ? c->cmd->name : NULL;
	char		 buf[FERRY_ERROR_MSG_MAX], *m;
	va_list		 ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	m = escape_display(buf, strlen(buf));
	if (name != NULL) {
		fprintf(stderr, "ferry %s: %s\n", name, m);
		fprintf(stderr, "Try 'ferry %s --help'.\n", name);
	} else {
		fprintf(stderr, "ferry: %s\n", m);
		fprintf(stderr, "Try 'ferry --help'.\n");
	}
	free(m);
	return CLI_USAGE;
}

void
cli_help(const struct cli_cmd *cmd, FILE *f)
{
	fprintf(f, "usage: ferry %s %s\n\n%s\n", cmd->name, cmd->args,
	    cmd->summary);
	if (cmd->help != NULL && *cmd->help != '\0')
		fprintf(f, "\n%s", cmd->help);
}

int
cli_bad_option(struct cli *c, char **argv, int opt)
{
	const char	*arg = argv[optind - 1];
	bool		 is_long = strncmp(arg, "--", 2) == 0;

	if (opt == ':') {
		if (is_long)
			return cli_usage(c, "option %s needs an argument", arg);
		return cli_usage(c, "option -%c needs an argument", optopt);
	}
	if (!is_long && optopt != 0)
		return cli_usage(c, "unknown option -%c", optopt);
	return cli_usage(c, "unknown option %.*s", (int)strcspn(arg, "="),
	    arg);
}

/* -------- option values -------- */

int
cli_parse_types(struct cli *c, const char *opt, const char *arg,
    uint32_t *filter)
{
	char	*copy, *tok, *save = NULL;
	int	 t, rc = 0;

	copy = xstrdup(arg);
	for (tok = strtok_r(copy, ",", &save); tok != NULL;
	    tok = strtok_r(NULL, ",", &save)) {
		while (*tok == ' ')
			tok++;
		if (strcmp(tok, "folder") == 0 || strcmp(tok, "folders") == 0)
			*filter |= FERRY_FILTER_FOLDERS;
		else if (strcmp(tok, "item") == 0 || strcmp(tok, "file") == 0)
			*filter |= FERRY_FILTER_ITEMS;
		else if ((t = ferry_type_from_name(tok)) >= 0)
			*filter |= FERRY_FILTER_TYPE(t);
		else {
			rc = -1;
			cli_usage(c, "%s: unknown type '%s' (use folder, item, "
			    "image, video, audio, dicom, archive, text, "
			    "document or other)", opt, tok);
			break;
		}
	}
	if (rc == 0 && *filter == 0) {
		rc = -1;
		cli_usage(c, "%s: no type given", opt);
	}
	free(copy);
	return rc;
}

int
cli_parse_order(struct cli *c, const char *arg, enum ferry_order *order)
{
	int	o;

	o = ferry_order_from_name(arg);
	if (o < 0) {
		cli_usage(c, "--sort: unknown order '%s' (use name, size, "
		    "created or type)", arg);
		return -1;
	}
	*order = (enum ferry_order)o;
	return 0;
}

int
cli_parse_meta(struct cli *c, const char *opt, const char *arg, char **out)
{
	const char	*end = NULL;
	cJSON		*j;

	*out = NULL;
	j = cJSON_ParseWithOpts(arg, &end, 1);
	if (j == NULL) {
		if (end == NULL)
			end = cJSON_GetErrorPtr();
		if (end == NULL || end < arg || end > arg + strlen(arg))
			end = arg;
		if (*end == '\0')
			cli_usage(c, "%s: not valid JSON: it ends too early "
			    "(after %zu bytes)", opt, strlen(arg));
		else
			cli_usage(c, "%s: not valid JSON: unexpected '%.16s' "
			    "at byte %zu", opt, end, (size_t)(end - arg));
		return -1;
	}
	if (!cJSON_IsObject(j)) {
		cli_usage(c, "%s: must be a JSON object like {\"key\": "
		    "\"value\"}, not %s", opt, cJSON_IsArray(j) ? "an array" :
		    cJSON_IsString(j) ? "a string" : cJSON_IsNumber(j) ?
		    "a number" : "a scalar");
		cJSON_Delete(j);
		return -1;
	}
	*out = cJSON_PrintUnformatted(j);
	cJSON_Delete(j);
	if (*out == NULL) {
		cli_usage(c, "%s: cannot re-encode the JSON", opt);
		return -1;
	}
	return 0;
}

int
cli_parse_uint(struct cli *c, const char *opt, const char *arg, bool sizes,
    uint64_t *out)
{
	unsigned long long v;
	uint64_t	 mul = 1;
	char		*end;

	errno = 0;
	if (!isdigit((unsigned char)arg[0]))
		goto bad;
	v = strtoull(arg, &end, 10);
	if (errno != 0)
		goto bad;
	if (sizes && *end != '\0') {
		switch (toupper((unsigned char)*end)) {
		case 'K': mul = 1ULL << 10; break;
		case 'M': mul = 1ULL << 20; break;
		case 'G': mul = 1ULL << 30; break;
		case 'T': mul = 1ULL << 40; break;
		default: goto bad;
		}
		end++;
		if (toupper((unsigned char)*end) == 'I')
			end++;
		if (toupper((unsigned char)*end) == 'B')
			end++;
	}
	if (*end != '\0' || (mul > 1 && v > UINT64_MAX / mul))
		goto bad;
	*out = (uint64_t)v * mul;
	return 0;
bad:
	cli_usage(c, "%s: '%s' is not a %s", opt, arg, sizes ?
	    "size (a number of bytes, with an optional K, M, G or T)" :
	    "non-negative whole number");
	return -1;
}

/* Parse exactly n digits at *p into *v. */
static bool
cli_digits(const char **p, int n, int *v)
{
	int	i;

	*v = 0;
	for (i = 0; i < n; i++) {
		if (!isdigit((unsigned char)(*p)[i]))
			return false;
		*v = *v * 10 + ((*p)[i] - '0');
	}
	*p += n;
	return true;
}

/* "Z", "+HH:MM", "-HHMM" at p into *off (seconds east); false if bad. */
static bool
cli_zone(const char *p, bool *has, long *off)
{
	int	hh, mm = 0, sign;

	*has = false;
	*off = 0;
	if (*p == '\0')
		return true;
	*has = true;
	if ((p[0] == 'Z' || p[0] == 'z') && p[1] == '\0')
		return true;
	if (*p != '+' && *p != '-')
		return false;
	sign = *p++ == '-' ? -1 : 1;
	if (!cli_digits(&p, 2, &hh))
		return false;
	if (*p == ':')
		p++;
	if (*p != '\0' && !cli_digits(&p, 2, &mm))
		return false;
	if (*p != '\0' || hh > 23 || mm > 59)
		return false;
	*off = sign * (hh * 3600L + mm * 60L);
	return true;
}

/* An absolute date: YYYY-MM-DD[( |T)HH:MM[:SS[.fff]]][zone]. */
static int
cli_date_abs(const char *p, int64_t *ms)
{
	struct tm	 tm;
	time_t		 t;
	int		 y, mo, d, h = 0, mi = 0, s = 0, frac = 0, nd = 0;
	bool		 has_zone;
	long		 off;

	if (!cli_digits(&p, 4, &y) || *p++ != '-' || !cli_digits(&p, 2, &mo) ||
	    *p++ != '-' || !cli_digits(&p, 2, &d))
		return -1;
	if (*p == 'T' || *p == 't' || *p == ' ') {
		p++;
		if (!cli_digits(&p, 2, &h) || *p++ != ':' ||
		    !cli_digits(&p, 2, &mi))
			return -1;
		if (*p == ':') {
			p++;
			if (!cli_digits(&p, 2, &s))
				return -1;
			if (*p == '.' || *p == ',') {
				for (p++; isdigit((unsigned char)*p); p++) {
					if (nd++ < 3)
						frac = frac * 10 + (*p - '0');
				}
				for (; nd < 3; nd++)
					frac *= 10;
			}
		}
	}
	if (!cli_zone(p, &has_zone, &off))
		return -1;
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 ||
	    s > 60)
		return -1;
	memset(&tm, 0, sizeof tm);
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = s;
	tm.tm_isdst = -1;
	t = has_zone ? timegm(&tm) - off : mktime(&tm);
	if (t == (time_t)-1 && !(y == 1969 && mo == 12 && d == 31))
		return -1;
	*ms = (int64_t)t * 1000 + frac;
	return 0;
}

int
cli_date_parse(const char *arg, int64_t now_ms, int64_t *ms)
{
	unsigned long long n;
	int64_t		 unit;
	char		*end;

	if (arg[0] == '@' && isdigit((unsigned char)arg[1])) {
		errno = 0;
		n = strtoull(arg + 1, &end, 10);
		if (errno != 0 || *end != '\0' || n > INT64_MAX / 1000)
			return -1;
		*ms = (int64_t)n * 1000;
		return 0;
	}
	if (strlen(arg) >= 10 && arg[4] == '-')
		return cli_date_abs(arg, ms);
	if (!isdigit((unsigned char)arg[0]))
		return -1;
	errno = 0;
	n = strtoull(arg, &end, 10);
	if (errno != 0)
		return -1;
	switch (*end) {
	case 's': unit = 1000; break;
	case 'm': unit = 60 * 1000; break;
	case 'h': unit = 3600 * 1000; break;
	case 'd': unit = 86400 * 1000; break;
	case 'w': unit = 7 * 86400 * 1000; break;
	default: return -1;
	}
	if (end[1] != '\0' || n > (unsigned long long)(now_ms / unit))
		return -1;
	*ms = now_ms - (int64_t)n * unit;
	return 0;
}

int
cli_parse_date(struct cli *c, const char *opt, const char *arg, int64_t *ms)
{
	if (cli_date_parse(arg, ferry_now_ms(), ms) == 0)
		return 0;
	cli_usage(c, "%s: '%s' is not a date (use YYYY-MM-DD, an ISO 8601 "
	    "time like 2024-05-01T12:00:00Z, @SECONDS, or an age like 30m, "
	    "12h, 7d, 2w)", opt, arg);
	return -1;
}

/* -------- tags -------- */

int
cli_tags_add(struct cli *c, cJSON *tags, const char *tag)
{
	cJSON	*t;

	if (*tag == '\0') {
		cli_usage(c, "a tag cannot be empty");
		return -1;
	}
	if (strlen(tag) > FERRY_NAME_MAX) {
		cli_usage(c, "tag '%.32s...' is longer than %d bytes", tag,
		    FERRY_NAME_MAX);
		return -1;
	}
	cJSON_ArrayForEach(t, tags) {
		if (cJSON_IsString(t) && strcmp(t->valuestring, tag) == 0)
			return 0;
	}
	cJSON_AddItemToArray(tags, cJSON_CreateString(tag));
	return 0;
}

cJSON *
cli_tags_from_list(struct cli *c, const char *list)
{
	cJSON	*tags;
	char	*copy, *tok, *save = NULL;

	tags = cJSON_CreateArray();
	copy = xstrdup(list);
	for (tok = strtok_r(copy, ",", &save); tok != NULL;
	    tok = strtok_r(NULL, ",", &save)) {
		if (cli_tags_add(c, tags, tok) != 0) {
			cJSON_Delete(tags);
			tags = NULL;
			break;
		}
	}
	free(copy);
	return tags;
}
