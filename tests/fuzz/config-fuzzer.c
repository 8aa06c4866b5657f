/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target for the configuration parser (src/core/config.c): each input
 * is the text of a config file.
 *
 * config.c reads only from a path, so the input is written to one memfd
 * (mode 0600, so that credentials are accepted) and loaded as
 * /proc/self/fd/N; no file is created on disk.  HOME and the XDG
 * variables point into an empty private directory and FERRY_STORE is
 * unset, so nothing real is read and "~/x" store paths expand to a known
 * place.
 *
 * Checked on every input: a load either succeeds with a complete, valid
 * configuration (profiles with known types, http profiles with a url, not
 * both token and token_command, an absolute store directory, a theme), or
 * fails with FERRY_E_INVALID / FERRY_E_PERMISSION and a message that names
 * the file, while *cfg still holds usable defaults and no profile.
 *
 * Single-threaded; the memfd and the directory live for the process.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ferry/config.h"
#include "core/util.h"

int	LLVMFuzzerInitialize(int *argc, char ***argv);
int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int	 config_fuzz_fd = -1;
static char	 config_fuzz_path[64];
static char	 config_fuzz_dir[] = "/tmp/ferry-config-fuzz.XXXXXX";

static void
config_fuzz_cleanup(void)
{
	rmdir(config_fuzz_dir);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char	*v;

	(void)argc;
	(void)argv;
	if (mkdtemp(config_fuzz_dir) == NULL) {
		perror("config-fuzzer: mkdtemp");
		abort();
	}
	atexit(config_fuzz_cleanup);
	setenv("HOME", config_fuzz_dir, 1);
	v = xasprintf("%s/config", config_fuzz_dir);
	setenv("XDG_CONFIG_HOME", v, 1);
	free(v);
	v = xasprintf("%s/data", config_fuzz_dir);
	setenv("XDG_DATA_HOME", v, 1);
	free(v);
	unsetenv("FERRY_STORE");

	config_fuzz_fd = memfd_create("ferry-config-fuzz", MFD_CLOEXEC);
	if (config_fuzz_fd == -1 || fchmod(config_fuzz_fd, 0600) == -1) {
		perror("config-fuzzer: memfd");
		abort();
	}
	snprintf(config_fuzz_path, sizeof config_fuzz_path,
	    "/proc/self/fd/%d", config_fuzz_fd);
	return 0;
}

/* Replace the memfd's content with the input. */
static void
config_fuzz_write(const uint8_t *data, size_t size)
{
	size_t	 off = 0;
	ssize_t	 n;

	FERRY_ASSERT(ftruncate(config_fuzz_fd, 0) == 0);
	while (off < size) {
		n = pwrite(config_fuzz_fd, data + off, size - off, (off_t)off);
		FERRY_ASSERT(n > 0);
		off += (size_t)n;
	}
}

/* A configuration that loaded: every promise of config.h holds. */
static void
config_fuzz_check_ok(const struct ferry_config *cfg)
{
	const struct ferry_profile	*p, *q;
	const struct ferry_config_kv	*kv;

	FERRY_ASSERT(cfg->path != NULL &&
	    strcmp(cfg->path, config_fuzz_path) == 0);
	FERRY_ASSERT(cfg->store_dir != NULL && cfg->store_dir[0] == '/');
	FERRY_ASSERT(cfg->theme != NULL && cfg->theme[0] != '\0');
	for (p = cfg->profiles; p != NULL; p = p->next) {
		FERRY_ASSERT(p->name != NULL && p->name[0] != '\0');
		FERRY_ASSERT(strcmp(p->name, "store") != 0);
		FERRY_ASSERT(strspn(p->name, "abcdefghijklmnopqrstuvwxyz"
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") ==
		    strlen(p->name));
		FERRY_ASSERT(p->type != NULL);
		FERRY_ASSERT(strcmp(p->type, "http") == 0 ||
		    strcmp(p->type, "s3") == 0);
		if (strcmp(p->type, "http") == 0)
			FERRY_ASSERT(p->url != NULL);
		FERRY_ASSERT(p->token == NULL || p->token_command == NULL);
		/* Names are unique: the lookup finds this very profile. */
		q = ferry_config_profile(cfg, p->name);
		FERRY_ASSERT(q == p);
	}
	for (kv = cfg->extra; kv != NULL; kv = kv->next) {
		FERRY_ASSERT(kv->section != NULL && kv->key != NULL &&
		    kv->value != NULL);
		FERRY_ASSERT(strcmp(kv->section, "ferry") != 0 &&
		    strcmp(kv->section, "store") != 0);
		FERRY_ASSERT(ferry_config_get(cfg, kv->section,
		    kv->key) != NULL);
	}
}

/* A configuration that failed: a clear error, and usable defaults. */
static void
config_fuzz_check_fail(enum ferry_code code, const struct ferry_config *cfg,
    const struct ferry_error *err)
{
	if (code != FERRY_E_INVALID && code != FERRY_E_PERMISSION) {
		fprintf(stderr, "config-fuzzer: unexpected code %d: %s\n",
		    (int)code, err->msg);
		abort();
	}
	FERRY_ASSERT(err->code == code);
	FERRY_ASSERT(strstr(err->msg, config_fuzz_path) != NULL);
	FERRY_ASSERT(cfg->path == NULL);
	FERRY_ASSERT(cfg->profiles == NULL && cfg->extra == NULL);
	FERRY_ASSERT(cfg->theme != NULL && strcmp(cfg->theme, "default") == 0);
	FERRY_ASSERT(cfg->store_dir != NULL && cfg->store_dir[0] == '/');
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ferry_config	 cfg;
	struct ferry_error	 err;
	enum ferry_code		 code;

	if (config_fuzz_fd == -1)
		LLVMFuzzerInitialize(NULL, NULL);
	config_fuzz_write(data, size);
	ferry_error_clear(&err);
	code = ferry_config_load(&cfg, config_fuzz_path, NULL, &err);
	if (code == FERRY_OK)
		config_fuzz_check_ok(&cfg);
	else
		config_fuzz_check_fail(code, &cfg, &err);
	ferry_config_done(&cfg);

	/* An explicit --store wins over whatever the file said. */
	(void)ferry_config_load(&cfg, config_fuzz_path, "/fuzz/store", &err);
	FERRY_ASSERT(strcmp(cfg.store_dir, "/fuzz/store") == 0);
	ferry_config_done(&cfg);
	return 0;
}
