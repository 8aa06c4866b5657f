/* SPDX-License-Identifier: MIT */
/*
 * The configuration file (see include/ferry/config.h for its keys), read
 * with inih.
 *
 * Parsing is strict in the sections ferry owns: [ferry], [store] and
 * [profile NAME] accept only their known keys, numbers must be whole
 * numbers (byte limits may end in K, M, G or T, powers of 1024), booleans
 * are true/false/yes/no/on/off/1/0, and each mistake is reported as
 * "FILE:LINE: what is wrong".  Keys of any other section are kept in
 * cfg->extra for modules that come later (keys, themes, jobs).  A value
 * wrapped in one pair of double quotes loses the quotes.  When a key
 * appears twice, the later value wins.
 *
 * inih is fed through our own line reader, which counts lines (inih's
 * handler is not told the line number in this build) and refuses a line
 * longer than CONFIG_LINE_MAX instead of letting inih cut it in two.  The
 * Debian build of inih keeps its options in process globals; they are set
 * to the same values on every load.  Load the configuration from the main
 * thread before other threads start.
 *
 * A file that holds a credential (a profile's token or secret_key) must
 * not be readable by group or others; checked on the open descriptor.
 */
#include <errno.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ini.h>

#include "ferry/config.h"
#include "core/util.h"

#define CONFIG_LINE_MAX		8192	/* bytes in one line, newline included */
#define CONFIG_PROFILE_MAX	64	/* bytes in a profile name */

/* State of one parse. */
struct config_parse {
	struct ferry_config	*cfg;
	const char		*file;		/* for messages */
	FILE			*f;
	int			 line;		/* lines read so far */
	enum ferry_code		 code;		/* first error */
	struct ferry_error	*err;
	char			*store;		/* [ferry] store */
	char			*linebuf;
	size_t			 linecap;
	struct ferry_config_kv	**extra_tail;
};

/* Record the first error of a parse as "FILE:LINE: message". */
static int __attribute__((format(printf, 2, 3)))
config_fail(struct config_parse *cp, const char *fmt, ...)
{
	char	 msg[FERRY_ERROR_MSG_MAX];
	va_list	 ap;

	if (cp->code != FERRY_OK)
		return 0;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	cp->code = ferry_error_set(cp->err, FERRY_E_INVALID, "%s:%d: %s",
	    cp->file, cp->line, msg);
	return 0;
}

/* inih's fgets-style reader: one whole line per call, or NULL. */
static char *
config_reader(char *str, int num, void *stream)
{
	struct config_parse	*cp = stream;
	ssize_t			 n;

	if (cp->code != FERRY_OK)
		return NULL;
	n = getline(&cp->linebuf, &cp->linecap, cp->f);
	if (n < 0) {
		if (ferror(cp->f))
			cp->code = ferry_error_errno(cp->err, errno,
			    "%s: cannot read line %d", cp->file, cp->line + 1);
		return NULL;
	}
	cp->line++;
	if (n >= num || n >= CONFIG_LINE_MAX) {
		config_fail(cp, "line too long (the limit is %d bytes)",
		    CONFIG_LINE_MAX - 1);
		return NULL;
	}
	if (memchr(cp->linebuf, '\0', (size_t)n) != NULL) {
		config_fail(cp, "NUL byte in the line");
		return NULL;
	}
	memcpy(str, cp->linebuf, (size_t)n + 1);
	return str;
}

/* A copy of value without one pair of surrounding double quotes. */
static char *
config_value(const char *value)
{
	size_t	 n;

	n = strlen(value);
	if (n >= 2 && value[0] == '"' && value[n - 1] == '"')
		return xstrndup(value + 1, n - 2);
	return xstrdup(value);
}

/* Replace *slot with a copy of value. */
static void
config_set(char **slot, const char *value)
{
	free(*slot);
	*slot = config_value(value);
}

/*
 * Parse a whole number; with bytes, a K/M/G/T suffix (powers of 1024,
 * optionally followed by "B" or "iB") is accepted.
 */
static bool
config_parse_u64(const char *v, bool bytes, uint64_t *out)
{
	static const char	 units[] = "KMGT";
	const char		*u;
	unsigned long long	 n;
	uint64_t		 mul = 1;
	char			*end;

	if (v[0] < '0' || v[0] > '9')
		return false;
	errno = 0;
	n = strtoull(v, &end, 10);
	if (errno != 0)
		return false;
	if (*end != '\0' && bytes &&
	    (u = strchr(units, *end & ~0x20)) != NULL) {
		mul = (uint64_t)1 << (10 * (u - units + 1));
		end++;
		if (strcasecmp(end, "B") == 0 || strcasecmp(end, "iB") == 0)
			end += strlen(end);
	}
	if (*end != '\0' || n > UINT64_MAX / mul)
		return false;
	*out = (uint64_t)n * mul;
	return true;
}

static bool
config_parse_bool(const char *v, bool *out)
{
	static const char *const yes[] = { "true", "yes", "on", "1" };
	static const char *const no[] = { "false", "no", "off", "0" };
	size_t	 i;

	for (i = 0; i < FERRY_NELEM(yes); i++) {
		if (strcasecmp(v, yes[i]) == 0) {
			*out = true;
			return true;
		}
		if (strcasecmp(v, no[i]) == 0) {
			*out = false;
			return true;
		}
	}
	return false;
}

/* Keep section.key = value for ferry_config_get(). */
static void
config_extra(struct config_parse *cp, const char *section, const char *key,
    char *value)
{
	struct ferry_config_kv	*kv;

	kv = xcalloc(1, sizeof *kv);
	kv->section = xstrdup(section);
	kv->key = xstrdup(key);
	kv->value = value;
	*cp->extra_tail = kv;
	cp->extra_tail = &kv->next;
}

/* [ferry] keys. */
static int
config_ferry_key(struct config_parse *cp, const char *name,
    const char *value)
{
	char	*v;
	bool	 on;

	if (strcmp(name, "mouse") == 0) {
		/* The browser reads it with ferry_config_get(): "on"/"off". */
		v = config_value(value);
		if (!config_parse_bool(v, &on)) {
			free(v);
			return config_fail(cp, "mouse: '%s' is not on or off",
			    value);
		}
		free(v);
		config_extra(cp, "ferry", name, xstrdup(on ? "on" : "off"));
	} else if (strcmp(name, "store") == 0) {
		if (value[0] == '\0')
			return config_fail(cp, "store: empty path");
		config_set(&cp->store, value);
	} else if (strcmp(name, "theme") == 0) {
		if (value[0] == '\0')
			return config_fail(cp, "theme: empty name");
		config_set(&cp->cfg->theme, value);
	} else
		return config_fail(cp, "unknown key '%s' in [ferry] (known: "
		    "store, theme, mouse)", name);
	return 1;
}

/* [store] keys. */
static int
config_store_key(struct config_parse *cp, const char *name,
    const char *value)
{
	uint64_t	*slot;
	bool		 bytes;
	char		*v;
	bool		 ok;

	if (strcmp(name, "max_items_per_folder") == 0) {
		slot = &cp->cfg->max_items_per_folder;
		bytes = false;
	} else if (strcmp(name, "max_bytes_per_folder") == 0) {
		slot = &cp->cfg->max_bytes_per_folder;
		bytes = true;
	} else
		return config_fail(cp, "unknown key '%s' in [store] (known: "
		    "max_items_per_folder, max_bytes_per_folder)", name);
	v = config_value(value);
	ok = config_parse_u64(v, bytes, slot);
	free(v);
	if (!ok)
		return config_fail(cp, "%s: '%s' is not a whole number%s",
		    name, value, bytes ? " of bytes (suffixes K, M, G, T)" : "");
	return 1;
}

/* The profile called name, created at the end of the list if new. */
static struct ferry_profile *
config_profile_get(struct ferry_config *cfg, const char *name)
{
	struct ferry_profile	**pp;

	for (pp = &cfg->profiles; *pp != NULL; pp = &(*pp)->next)
		if (strcmp((*pp)->name, name) == 0)
			return *pp;
	*pp = xcalloc(1, sizeof **pp);
	(*pp)->name = xstrdup(name);
	return *pp;
}

/* Check a profile name from a section header. */
static int
config_profile_name(struct config_parse *cp, const char *name)
{
	size_t	 n;

	n = strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789_-");
	if (n == 0 || name[n] != '\0' || n > CONFIG_PROFILE_MAX)
		return config_fail(cp, "[profile %s]: a profile name is 1-%d "
		    "letters, digits, '-' or '_'", name, CONFIG_PROFILE_MAX);
	if (strcmp(name, "store") == 0)
		return config_fail(cp, "[profile store]: 'store' names the "
		    "embedded store and cannot be a profile");
	return 1;
}

/* [profile NAME] keys. */
static int
config_profile_key(struct config_parse *cp, const char *pname,
    const char *name, const char *value)
{
	struct ferry_profile	*p;
	char			*v;
	bool			 ok;

	if (!config_profile_name(cp, pname))
		return 0;
	p = config_profile_get(cp->cfg, pname);
	if (strcmp(name, "type") == 0) {
		v = config_value(value);
		ok = strcmp(v, "http") == 0 || strcmp(v, "s3") == 0;
		free(v);
		if (!ok)
			return config_fail(cp, "[profile %s] type: '%s' is not "
			    "'http' or 's3'", pname, value);
		config_set(&p->type, value);
	} else if (strcmp(name, "url") == 0)
		config_set(&p->url, value);
	else if (strcmp(name, "token") == 0)
		config_set(&p->token, value);
	else if (strcmp(name, "token_command") == 0)
		config_set(&p->token_command, value);
	else if (strcmp(name, "ca_file") == 0)
		config_set(&p->ca_file, value);
	else if (strcmp(name, "region") == 0)
		config_set(&p->region, value);
	else if (strcmp(name, "access_key") == 0)
		config_set(&p->access_key, value);
	else if (strcmp(name, "secret_key") == 0)
		config_set(&p->secret_key, value);
	else if (strcmp(name, "insecure") == 0) {
		if (!config_parse_bool(value, &p->insecure))
			return config_fail(cp, "[profile %s] insecure: '%s' is "
			    "not true or false", pname, value);
	} else
		return config_fail(cp, "unknown key '%s' in [profile %s] "
		    "(known: type, url, token, token_command, ca_file, "
		    "region, access_key, secret_key, insecure)", name, pname);
	return 1;
}

/* inih's handler: one key=value of section. */
static int
config_handler(void *user, const char *section, const char *name,
    const char *value)
{
	struct config_parse	*cp = user;
	const char		*pname;

	if (cp->code != FERRY_OK)
		return 0;
	if (section[0] == '\0')
		return config_fail(cp, "'%s' is outside any [section]", name);
	if (strcmp(section, "ferry") == 0)
		return config_ferry_key(cp, name, value);
	if (strcmp(section, "store") == 0)
		return config_store_key(cp, name, value);
	if (strncmp(section, "profile", 7) == 0 &&
	    (section[7] == '\0' || section[7] == ' ' || section[7] == '\t')) {
		pname = section + 7;
		pname += strspn(pname, " \t");
		return config_profile_key(cp, pname, name, value);
	}
	config_extra(cp, section, name, config_value(value));
	return 1;
}

/* Checks after a successful parse: complete profiles, file mode. */
static enum ferry_code
config_check(struct config_parse *cp)
{
	struct ferry_profile	*p;
	struct stat		 st;
	bool			 secret = false;

	for (p = cp->cfg->profiles; p != NULL; p = p->next) {
		if (p->type == NULL)
			p->type = xstrdup("http");
		if (p->url == NULL && strcmp(p->type, "http") == 0)
			return ferry_error_set(cp->err, FERRY_E_INVALID,
			    "%s: [profile %s] has no url", cp->file, p->name);
		if (p->token != NULL && p->token_command != NULL)
			return ferry_error_set(cp->err, FERRY_E_INVALID,
			    "%s: [profile %s] has both token and "
			    "token_command; keep one", cp->file, p->name);
		if (p->token != NULL || p->secret_key != NULL)
			secret = true;
	}
	if (fstat(fileno(cp->f), &st) != 0)
		return ferry_error_errno(cp->err, errno, "%s", cp->file);
	if (secret && (st.st_mode & 077) != 0)
		return ferry_error_set(cp->err, FERRY_E_PERMISSION,
		    "%s is readable by others and holds credentials; run: "
		    "chmod 600 %s", cp->file, cp->file);
	return FERRY_OK;
}

/* Parse the open file f into cfg; *store gets the [ferry] store value. */
static enum ferry_code
config_parse_file(struct ferry_config *cfg, const char *file, FILE *f,
    char **store, struct ferry_error *err)
{
	struct config_parse	 cp;
	struct stat		 st;
	int			 rc;

	if (fstat(fileno(f), &st) != 0)
		return ferry_error_errno(err, errno, "%s", file);
	if (!S_ISREG(st.st_mode))
		return ferry_error_set(err, FERRY_E_INVALID,
		    "%s: the config is not a regular file", file);

	memset(&cp, 0, sizeof cp);
	cp.cfg = cfg;
	cp.file = file;
	cp.f = f;
	cp.err = err;
	cp.extra_tail = &cfg->extra;

	ini_use_stack = false;
	ini_allow_realloc = false;
	ini_max_line = CONFIG_LINE_MAX;
	ini_initial_alloc = CONFIG_LINE_MAX;	/* the buffer inih reads into */
	ini_allow_multiline = false;
	ini_stop_on_first_error = true;
	ini_allow_no_value = false;
	rc = ini_parse_stream(config_reader, &cp, config_handler, &cp);
	if (cp.code == FERRY_OK && rc == -2)
		cp.code = ferry_error_set(err, FERRY_E_INTERNAL,
		    "%s: out of memory while parsing", file);
	else if (cp.code == FERRY_OK && rc != 0)
		cp.code = ferry_error_set(err, FERRY_E_INVALID,
		    "%s:%d: syntax error", file, rc);
	if (cp.code == FERRY_OK)
		cp.code = config_check(&cp);
	free(cp.linebuf);
	*store = cp.store;
	return cp.code;
}

/* $HOME, or the password database's home, or NULL. */
static const char *
config_home(void)
{
	const char	*home;
	struct passwd	*pw;

	home = getenv("HOME");
	if (home != NULL && home[0] == '/')
		return home;
	pw = getpwuid(getuid());
	if (pw != NULL && pw->pw_dir != NULL && pw->pw_dir[0] == '/')
		return pw->pw_dir;
	return NULL;
}

/* $VAR/rest when VAR is an absolute path, else $HOME/fallback/rest. */
static char *
config_xdg(const char *var, const char *fallback, const char *rest)
{
	const char	*v, *home;

	v = getenv(var);
	if (v != NULL && v[0] == '/')
		return xasprintf("%s/%s", v, rest);
	if ((home = config_home()) == NULL)
		return NULL;
	return xasprintf("%s/%s/%s", home, fallback, rest);
}

char *
ferry_config_default_store(void)
{
	char	*dir;

	dir = config_xdg("XDG_DATA_HOME", ".local/share", "ferry/store");
	return dir != NULL ? dir : xstrdup("ferry-store");
}

char *
ferry_config_default_path(void)
{
	return config_xdg("XDG_CONFIG_HOME", ".config", "ferry/config");
}

/* The store directory given in a config file: "~/x" expands; absolute. */
static enum ferry_code
config_store_path(const char *file, const char *value, char **out,
    struct ferry_error *err)
{
	const char	*home;

	if (value[0] == '~' && (value[1] == '/' || value[1] == '\0')) {
		if ((home = config_home()) == NULL)
			return ferry_error_set(err, FERRY_E_INVALID,
			    "%s: store = %s: HOME is not set", file, value);
		*out = xasprintf("%s%s", home, value + 1);
		return FERRY_OK;
	}
	if (value[0] != '/')
		return ferry_error_set(err, FERRY_E_INVALID,
		    "%s: store = %s: give an absolute path (or ~/...)", file,
		    value);
	*out = xstrdup(value);
	return FERRY_OK;
}

/* Free what a parse added to cfg (after an error). */
static void
config_reset(struct ferry_config *cfg)
{
	char	*store_dir;

	store_dir = cfg->store_dir;
	cfg->store_dir = NULL;
	ferry_config_done(cfg);
	cfg->store_dir = store_dir;
	cfg->theme = xstrdup("default");
}

/* Open and parse file into cfg; a missing file is fine unless explicit. */
static enum ferry_code
config_read(struct ferry_config *cfg, const char *file, bool explicit,
    char **store, struct ferry_error *err)
{
	enum ferry_code	 result;
	char		*value = NULL;
	FILE		*f;

	f = fopen(file, "re");
	if (f == NULL) {
		if (errno == ENOENT && !explicit)
			return FERRY_OK;
		if (errno == ENOENT)
			return ferry_error_set(err, FERRY_E_NOT_FOUND,
			    "%s: no such config file", file);
		return ferry_error_errno(err, errno, "config file %s", file);
	}
	result = config_parse_file(cfg, file, f, &value, err);
	fclose(f);
	if (result == FERRY_OK && value != NULL)
		result = config_store_path(file, value, store, err);
	free(value);
	if (result == FERRY_OK)
		cfg->path = xstrdup(file);
	return result;
}

enum ferry_code
ferry_config_load(struct ferry_config *cfg, const char *path,
    const char *store_override, struct ferry_error *err)
{
	enum ferry_code	 result = FERRY_OK;
	const char	*env;
	char		*file, *store = NULL;

	memset(cfg, 0, sizeof *cfg);
	cfg->theme = xstrdup("default");
	file = path != NULL ? xstrdup(path) : ferry_config_default_path();
	if (file != NULL)
		result = config_read(cfg, file, path != NULL, &store, err);
	free(file);
	if (result != FERRY_OK) {
		config_reset(cfg);
		free(store);
		store = NULL;
	}

	env = getenv("FERRY_STORE");
	if (store_override != NULL && store_override[0] != '\0')
		cfg->store_dir = xstrdup(store_override);
	else if (env != NULL && env[0] != '\0')
		cfg->store_dir = xstrdup(env);
	else if (store != NULL) {
		cfg->store_dir = store;
		store = NULL;
	} else
		cfg->store_dir = ferry_config_default_store();
	free(store);
	return result;
}

static void
config_profile_free(struct ferry_profile *p)
{
	free(p->name);
	free(p->type);
	free(p->url);
	free(p->token);
	free(p->token_command);
	free(p->ca_file);
	free(p->region);
	free(p->access_key);
	free(p->secret_key);
	free(p);
}

void
ferry_config_done(struct ferry_config *cfg)
{
	struct ferry_profile	*p, *pnext;
	struct ferry_config_kv	*kv, *kvnext;

	if (cfg == NULL)
		return;
	for (p = cfg->profiles; p != NULL; p = pnext) {
		pnext = p->next;
		/* Credentials do not linger in freed memory. */
		if (p->token != NULL)
			explicit_bzero(p->token, strlen(p->token));
		if (p->secret_key != NULL)
			explicit_bzero(p->secret_key, strlen(p->secret_key));
		config_profile_free(p);
	}
	for (kv = cfg->extra; kv != NULL; kv = kvnext) {
		kvnext = kv->next;
		free(kv->section);
		free(kv->key);
		free(kv->value);
		free(kv);
	}
	free(cfg->path);
	free(cfg->store_dir);
	free(cfg->theme);
	memset(cfg, 0, sizeof *cfg);
}

const struct ferry_profile *
ferry_config_profile(const struct ferry_config *cfg, const char *name)
{
	const struct ferry_profile	*p;

	if (cfg == NULL || name == NULL)
		return NULL;
	for (p = cfg->profiles; p != NULL; p = p->next)
		if (strcmp(p->name, name) == 0)
			return p;
	return NULL;
}

const char *
ferry_config_get(const struct ferry_config *cfg, const char *section,
    const char *key)
{
	const struct ferry_config_kv	*kv;
	const char			*found = NULL;

	if (cfg == NULL)
		return NULL;
	for (kv = cfg->extra; kv != NULL; kv = kv->next)
		if (strcmp(kv->section, section) == 0 &&
		    strcmp(kv->key, key) == 0)
			found = kv->value;	/* the later one wins */
	return found;
}
