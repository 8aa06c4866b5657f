/* SPDX-License-Identifier: MIT */
/*
 * ferryd's settings: defaults, and the configuration file (INI, read with
 * inih; command-line flags given after --config win over it):
 *
 *   [ferryd]
 *   store = /srv/ferry          listen = 127.0.0.1:8420
 *   tls_cert = cert.pem         tls_key = key.pem
 *   log = /var/log/ferryd.log   port_file = /run/ferryd.port
 *   max_upload = 16G            max_json = 1M
 *   threads = 4                 connection_timeout = 30
 *   connection_limit = 1024     per_ip_connection_limit = 0
 *   drain_timeout = 30          async_threshold = 10000
 *   upload_expiry = 604800      signed_url_max = 604800
 *   durable = true
 *   max_items_per_folder = 0    max_bytes_per_folder = 0
 *
 * Parsing is strict: an unknown section or key, a number that is not
 * whole, a bad boolean is "FILE:LINE: what is wrong".  Sizes take K, M,
 * G, T (powers of 1024).  inih is fed through our own line reader so
 * that lines can be counted (this inih build does not pass line numbers).
 *
 * Threads: main thread, before the server starts.
 */
#include <errno.h>
#include <stddef.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <ini.h>

#include "core/util.h"
#include "server/server.h"

#define SETTINGS_LINE_MAX	4096

struct settings_parse {
	struct server_config	*cfg;
	const char		*file;
	FILE			*f;
	int			 line;
	enum ferry_code		 code;
	struct ferry_error	*err;
};

void
settings_defaults(struct server_config *cfg)
{
	memset(cfg, 0, sizeof *cfg);
	cfg->listen = xstrdup("127.0.0.1:8420");
	cfg->max_upload = 16ull << 30;
	cfg->max_json = 1 << 20;
	cfg->threads = 4;
	cfg->timeout = 30;
	cfg->conn_limit = 1024;
	cfg->drain_timeout = 30;
	cfg->async_threshold = 10000;
	cfg->upload_expiry = 7 * 24 * 3600;
	cfg->signed_max = 7 * 24 * 3600;
	cfg->durable = true;
}

void
settings_done(struct server_config *cfg)
{
	free(cfg->store_dir);
	free(cfg->listen);
	free(cfg->tls_cert);
	free(cfg->tls_key);
	free(cfg->port_file);
	free(cfg->log_file);
	memset(cfg, 0, sizeof *cfg);
}

bool
settings_uint(const char *v, uint64_t max, uint64_t *out)
{
	unsigned long long	 n;
	char			*end;

	if (v == NULL || v[0] < '0' || v[0] > '9')
		return false;
	errno = 0;
	n = strtoull(v, &end, 10);
	if (errno != 0 || *end != '\0' || n > max)
		return false;
	*out = n;
	return true;
}

bool
settings_bytes(const char *v, uint64_t *out)
{
	static const char	 units[] = "KMGT";
	const char		*u;
	unsigned long long	 n;
	uint64_t		 mul = 1;
	char			*end;

	if (v == NULL || v[0] < '0' || v[0] > '9')
		return false;
	errno = 0;
	n = strtoull(v, &end, 10);
	if (errno != 0)
		return false;
	if (*end != '\0') {
		if ((u = strchr(units, *end & ~0x20)) == NULL)
			return false;
		mul = (uint64_t)1 << (10 * (u - units + 1));
		end++;
		if (*end != '\0' && strcasecmp(end, "B") != 0 &&
		    strcasecmp(end, "iB") != 0)
			return false;
	}
	if (n > UINT64_MAX / mul)
		return false;
	*out = n * mul;
	return true;
}

static bool
settings_bool(const char *v, bool *out)
{
	if (strcmp(v, "true") == 0 || strcmp(v, "yes") == 0 ||
	    strcmp(v, "on") == 0 || strcmp(v, "1") == 0)
		*out = true;
	else if (strcmp(v, "false") == 0 || strcmp(v, "no") == 0 ||
	    strcmp(v, "off") == 0 || strcmp(v, "0") == 0)
		*out = false;
	else
		return false;
	return true;
}

static int __attribute__((format(printf, 2, 3)))
settings_fail(struct settings_parse *sp, const char *fmt, ...)
{
	char	 msg[FERRY_ERROR_MSG_MAX];
	va_list	 ap;

	if (sp->code != FERRY_OK)
		return 0;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	sp->code = ferry_error_set(sp->err, FERRY_E_INVALID, "%s:%d: %s",
	    sp->file, sp->line, msg);
	return 0;
}

static void
settings_str(char **slot, const char *v)
{
	free(*slot);
	*slot = xstrdup(v);
}

/* Numeric keys: where they go and their bounds. */
enum settings_kind { SK_UINT, SK_U64, SK_I64, SK_BYTES };

static const struct settings_key {
	const char		*key;
	enum settings_kind	 kind;
	size_t			 off;
	uint64_t		 min;
	uint64_t		 max;
	bool			 limit;	/* a per-folder limit of the store */
} settings_keys[] = {
	{ "max_upload", SK_BYTES, offsetof(struct server_config, max_upload),
	    0, UINT64_MAX, false },
	{ "max_json", SK_BYTES, offsetof(struct server_config, max_json),
	    1024, 64u << 20, false },
	{ "threads", SK_UINT, offsetof(struct server_config, threads), 1, 256,
	    false },
	{ "connection_timeout", SK_UINT, offsetof(struct server_config,
	    timeout), 1, 86400, false },
	{ "connection_limit", SK_UINT, offsetof(struct server_config,
	    conn_limit), 1, 1u << 20, false },
	{ "per_ip_connection_limit", SK_UINT, offsetof(struct server_config,
	    per_ip_limit), 0, 1u << 20, false },
	{ "drain_timeout", SK_UINT, offsetof(struct server_config,
	    drain_timeout), 0, 86400, false },
	{ "async_threshold", SK_U64, offsetof(struct server_config,
	    async_threshold), 0, UINT64_MAX, false },
	{ "upload_expiry", SK_I64, offsetof(struct server_config,
	    upload_expiry), 0, INT64_MAX / 1000, false },
	{ "signed_url_max", SK_I64, offsetof(struct server_config,
	    signed_max), 1, INT64_MAX / 1000, false },
	{ "max_items_per_folder", SK_U64, offsetof(struct server_config,
	    max_items_per_folder), 0, UINT64_MAX, true },
	{ "max_bytes_per_folder", SK_BYTES, offsetof(struct server_config,
	    max_bytes_per_folder), 0, UINT64_MAX, true },
};

/*
 * Set a numeric setting by name (config keys and command-line flags
 * share this).  Returns -1 for an unknown key, 0 for a bad value, 1 when
 * set.
 */
int
settings_set_number(struct server_config *c, const char *key, const char *v)
{
	const struct settings_key	*k = NULL;
	uint64_t			 n;
	char				*p = (char *)c;
	size_t				 i;

	for (i = 0; i < FERRY_NELEM(settings_keys); i++)
		if (strcmp(settings_keys[i].key, key) == 0)
			k = &settings_keys[i];
	if (k == NULL)
		return -1;
	if (!(k->kind == SK_BYTES ? settings_bytes(v, &n) :
	    settings_uint(v, UINT64_MAX, &n)) || n < k->min || n > k->max)
		return 0;
	switch (k->kind) {
	case SK_UINT:
		*(unsigned *)(void *)(p + k->off) = (unsigned)n;
		break;
	case SK_I64:
		*(int64_t *)(void *)(p + k->off) = (int64_t)n;
		break;
	default:
		*(uint64_t *)(void *)(p + k->off) = n;
		break;
	}
	if (k->limit)
		c->limits_given = true;
	return 1;
}

static int
settings_handler(void *user, const char *section, const char *key,
    const char *value)
{
	struct settings_parse	*sp = user;
	struct server_config	*c = sp->cfg;
	int			 rc;

	if (sp->code != FERRY_OK)
		return 0;
	if (strcmp(section, "ferryd") != 0)
		return settings_fail(sp, "unknown section [%s] (ferryd reads"
		    " [ferryd])", section);
	if (strcmp(key, "store") == 0)
		settings_str(&c->store_dir, value);
	else if (strcmp(key, "listen") == 0)
		settings_str(&c->listen, value);
	else if (strcmp(key, "tls_cert") == 0)
		settings_str(&c->tls_cert, value);
	else if (strcmp(key, "tls_key") == 0)
		settings_str(&c->tls_key, value);
	else if (strcmp(key, "log") == 0)
		settings_str(&c->log_file, value);
	else if (strcmp(key, "port_file") == 0)
		settings_str(&c->port_file, value);
	else if (strcmp(key, "durable") == 0) {
		if (!settings_bool(value, &c->durable))
			return settings_fail(sp, "durable: \"%s\" is not true"
			    " or false", value);
	} else if ((rc = settings_set_number(c, key, value)) != 1) {
		if (rc < 0)
			return settings_fail(sp, "unknown key \"%s\"", key);
		return settings_fail(sp, "%s: \"%s\" is not a valid value",
		    key, value);
	}
	return 1;
}

static char *
settings_reader(char *str, int num, void *stream)
{
	struct settings_parse	*sp = stream;

	if (sp->code != FERRY_OK || fgets(str, num, sp->f) == NULL)
		return NULL;
	sp->line++;
	if (strchr(str, '\n') == NULL && !feof(sp->f)) {
		settings_fail(sp, "line too long (the limit is %d bytes)",
		    SETTINGS_LINE_MAX - 1);
		return NULL;
	}
	return str;
}

enum ferry_code
settings_load(struct server_config *cfg, const char *path,
    struct ferry_error *err)
{
	struct settings_parse	 sp;
	int			 rc;

	memset(&sp, 0, sizeof sp);
	sp.cfg = cfg;
	sp.file = path;
	sp.err = err;
	if ((sp.f = fopen(path, "r")) == NULL)
		return ferry_error_errno(err, errno, "config %s", path);
	rc = ini_parse_stream(settings_reader, &sp, settings_handler, &sp);
	fclose(sp.f);
	if (sp.code != FERRY_OK)
		return sp.code;
	if (rc != 0)
		return ferry_error_set(err, FERRY_E_INVALID, "%s:%d: not a"
		    " \"key = value\" or \"[section]\" line", path,
		    rc > 0 ? rc : sp.line);
	return FERRY_OK;
}
