/* SPDX-License-Identifier: MIT */
/*
 * Configuration: ~/.config/ferry/config (or $XDG_CONFIG_HOME/ferry/config,
 * or --config FILE), an INI file parsed with inih.
 *
 *   [ferry]
 *   store = /path/to/store      ; the embedded store directory
 *   theme = default
 *   mouse = on                  ; off: the browser leaves the mouse alone
 *
 *   [store]
 *   max_items_per_folder = 0    ; 0 = no limit
 *   max_bytes_per_folder = 0
 *
 *   [profile work]              ; NAME:/path locations
 *   url = https://ferryd.example:8443
 *   token_command = pass show ferry/work
 *
 * Precedence for the store directory: --store, then FERRY_STORE, then the
 * config file, then $XDG_DATA_HOME/ferry/store (~/.local/share/...).
 * A config file that holds credentials and is readable by group or others
 * is refused with a message saying how to fix it.
 */
#ifndef FERRY_CONFIG_H
#define FERRY_CONFIG_H

#include <stdbool.h>
#include <stdint.h>

#include "ferry/error.h"

struct ferry_profile {
	char		*name;
	char		*type;		/* "http" (ferryd) or "s3" */
	char		*url;
	char		*token;
	char		*token_command;
	char		*ca_file;
	char		*region;
	char		*access_key;
	char		*secret_key;
	bool		 insecure;	/* TLS verification off (warned) */
	struct ferry_profile *next;
};

/* One key=value from a section other than the known ones, kept for later
 * modules (keys, themes, jobs). */
struct ferry_config_kv {
	char		*section;
	char		*key;
	char		*value;
	struct ferry_config_kv *next;
};

struct ferry_config {
	char		*path;		/* the file read, or NULL */
	char		*store_dir;	/* resolved store directory */
	char		*theme;
	uint64_t	 max_items_per_folder;	/* 0 = none */
	uint64_t	 max_bytes_per_folder;	/* 0 = none */
	struct ferry_profile *profiles;
	struct ferry_config_kv *extra;
};

/*
 * Load the configuration.  path: an explicit file (must exist) or NULL for
 * the default (may be missing).  store_override: --store or NULL.  A parse
 * error names the file and line.  *cfg is filled with defaults first, so
 * it is usable (and must be freed) even on error.
 */
enum ferry_code	 ferry_config_load(struct ferry_config *cfg, const char *path,
		    const char *store_override, struct ferry_error *err);
void		 ferry_config_done(struct ferry_config *cfg);

/* The profile named name, or NULL. */
const struct ferry_profile *ferry_config_profile(const struct ferry_config *cfg,
		    const char *name);

/* The value of an extra key, or NULL. */
const char	*ferry_config_get(const struct ferry_config *cfg,
		    const char *section, const char *key);

/* $XDG_DATA_HOME/ferry/store or ~/.local/share/ferry/store (malloc'd). */
char		*ferry_config_default_store(void);

/*
 * The config file read when no --config is given: $XDG_CONFIG_HOME/ferry/
 * config or ~/.config/ferry/config (malloc'd; NULL when HOME is unknown).
 * It need not exist; messages use it to say where a profile would go.
 */
char		*ferry_config_default_path(void);

#endif
