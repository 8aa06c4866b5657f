/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target for locations and backend paths (src/core/location.c): the
 * input, cut at its first NUL, is the text a user typed.
 *
 * Checked on every input:
 * - ferry_location_parse either fails with FERRY_E_INVALID, a message and
 *   an empty *loc, or gives a location whose fields fit its kind, whose
 *   path is normalised, and whose display form (ferry_location_format)
 *   parses back to the same location;
 * - ferry_path_normalize either fails with FERRY_E_INVALID (only for a
 *   ".." above the root) or gives a normalised path that normalises to
 *   itself, and that ferry_path_parent/base/join take apart and put back
 *   together.
 *
 * HOME is set to a fixed path that does not exist, so "~" expands the
 * same way everywhere.  Single-threaded.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ferry/location.h"
#include "core/util.h"

#define LOCATION_FUZZ_HOME	"/nonexistent/ferry-fuzz-home"

int	LLVMFuzzerInitialize(int *argc, char ***argv);
int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	setenv("HOME", LOCATION_FUZZ_HOME, 1);
	return 0;
}

/* True when p is absolute, with no empty, "." or ".." component and no
 * trailing '/' (besides "/" itself). */
static bool
location_fuzz_normal(const char *p)
{
	const char	*c;
	size_t		 n;

	if (p == NULL || p[0] != '/')
		return false;
	if (p[1] == '\0')
		return true;
	for (c = p + 1;; c += n + 1) {
		n = strcspn(c, "/");
		if (n == 0 || (n == 1 && c[0] == '.') ||
		    (n == 2 && c[0] == '.' && c[1] == '.'))
			return false;
		if (c[n] == '\0')
			return true;
	}
}

static bool
location_fuzz_streq(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

/* A parsed location: fields fit the kind; the display form parses back. */
static void
location_fuzz_check(const char *text, const struct ferry_location *loc)
{
	struct ferry_location	 again;
	struct ferry_error	 err;
	char			*shown, *other;
	size_t			 n;

	FERRY_ASSERT(loc->kind >= FERRY_LOC_LOCAL &&
	    loc->kind <= FERRY_LOC_HTTP);
	FERRY_ASSERT(location_fuzz_normal(loc->path));
	FERRY_ASSERT(loc->text != NULL && strcmp(loc->text, text) == 0);
	FERRY_ASSERT((loc->profile != NULL) ==
	    (loc->kind == FERRY_LOC_PROFILE));
	if (loc->profile != NULL) {
		n = strlen(loc->profile);
		FERRY_ASSERT(n >= 1 && n <= 64 && strcmp(loc->profile,
		    "store") != 0);
		FERRY_ASSERT(strspn(loc->profile, "abcdefghijklmnopqrstuvwxyz"
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") == n);
	}
	FERRY_ASSERT((loc->authority != NULL) ==
	    (loc->kind == FERRY_LOC_S3 || loc->kind == FERRY_LOC_HTTP));
	if (loc->kind == FERRY_LOC_HTTP)
		FERRY_ASSERT(strncmp(loc->authority, "http://", 7) == 0 ||
		    strncmp(loc->authority, "https://", 8) == 0);

	shown = ferry_location_format(loc, NULL);
	if (ferry_location_parse(shown, &again, &err) != FERRY_OK) {
		fprintf(stderr, "location-fuzzer: '%s' shown as '%s' does not "
		    "parse: %s\n", text, shown, err.msg);
		abort();
	}
	if (again.kind != loc->kind ||
	    !location_fuzz_streq(again.profile, loc->profile) ||
	    !location_fuzz_streq(again.authority, loc->authority) ||
	    strcmp(again.path, loc->path) != 0) {
		fprintf(stderr, "location-fuzzer: '%s' shown as '%s' parses "
		    "to another location (kind %d path '%s')\n", text, shown,
		    (int)again.kind, again.path);
		abort();
	}
	ferry_location_done(&again);
	free(shown);

	/* Another path in the same namespace ends the display form. */
	other = ferry_location_format(loc, "/fuzz/x");
	n = strlen(other);
	FERRY_ASSERT(n >= 7 && strcmp(other + n - 7, "/fuzz/x") == 0);
	free(other);
}

/* ferry_path_normalize and the helpers built on normalised paths. */
static void
location_fuzz_path(const char *text)
{
	struct ferry_error	 err;
	char			*norm, *again, *parent, *joined, *rooted;
	const char		*base;

	ferry_error_clear(&err);
	norm = ferry_path_normalize(text, &err);
	if (norm == NULL) {
		FERRY_ASSERT(err.code == FERRY_E_INVALID && err.msg[0] != '\0');
		FERRY_ASSERT(strstr(text, "..") != NULL);
		return;
	}
	FERRY_ASSERT(location_fuzz_normal(norm));
	FERRY_ASSERT(strlen(norm) <= strlen(text) + 1);
	again = ferry_path_normalize(norm, &err);
	FERRY_ASSERT(again != NULL && strcmp(again, norm) == 0);
	free(again);

	/* A path is taken from the root whether or not it starts with '/'. */
	rooted = xasprintf("/%s", text);
	again = ferry_path_normalize(rooted, &err);
	FERRY_ASSERT(again != NULL && strcmp(again, norm) == 0);
	free(again);
	free(rooted);

	base = ferry_path_base(norm);
	parent = ferry_path_parent(norm);
	FERRY_ASSERT(strchr(base, '/') == NULL);
	FERRY_ASSERT(location_fuzz_normal(parent));
	if (strcmp(norm, "/") == 0)
		FERRY_ASSERT(base[0] == '\0' && strcmp(parent, "/") == 0);
	else {
		joined = ferry_path_join(parent, base);
		FERRY_ASSERT(strcmp(joined, norm) == 0);
		free(joined);
	}
	free(parent);
	free(norm);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ferry_location	 loc;
	struct ferry_error	 err;
	enum ferry_code		 code;
	char			*text;

	if (size > 16384)
		return 0;
	text = xmalloc(size + 1);
	memcpy(text, data, size);
	text[size] = '\0';

	ferry_error_clear(&err);
	code = ferry_location_parse(text, &loc, &err);
	if (code == FERRY_OK)
		location_fuzz_check(text, &loc);
	else {
		FERRY_ASSERT(err.code == code && err.msg[0] != '\0');
		FERRY_ASSERT(code == FERRY_E_INVALID);
		FERRY_ASSERT(loc.path == NULL && loc.text == NULL &&
		    loc.profile == NULL && loc.authority == NULL);
	}
	ferry_location_done(&loc);

	location_fuzz_path(text);
	free(text);
	return 0;
}
