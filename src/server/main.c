/* SPDX-License-Identifier: MIT */
/*
 * ferryd's command line.  Without a command it serves the store over
 * HTTP until SIGTERM or SIGINT; with one (token, group, user, grant, gc,
 * check; see admin.c) it administers the store and exits.
 *
 * Settings come from the defaults, then the --config file, then the
 * flags, whatever their order on the line.  Threads: main only; the
 * server starts its own.
 */
#include <getopt.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "server/server.h"

#define MAIN_USAGE \
"usage: ferryd --store DIR [options]            serve the store\n" \
"       ferryd --store DIR COMMAND ...          administer it\n" \
"options:\n" \
"  --config FILE            read settings from FILE ([ferryd] section)\n" \
"  --listen ADDR:PORT       where to listen (default 127.0.0.1:8420;\n" \
"                           port 0 picks a free one)\n" \
"  --port-file FILE         write the port bound to FILE\n" \
"  --tls-cert FILE --tls-key FILE   serve HTTPS\n" \
"  --log FILE               access log (default: stderr)\n" \
"  --max-upload SIZE        largest upload or part (default 16G)\n" \
"  --max-json SIZE          largest JSON body (default 1M)\n" \
"  --max-items-per-folder N --max-bytes-per-folder SIZE\n" \
"                           per-folder limits, kept in the store\n" \
"  --threads N              server threads (default 4)\n" \
"  --timeout SECONDS        idle connection timeout (default 30)\n" \
"  --connection-limit N     --per-ip-limit N\n" \
"  --drain-timeout SECONDS  wait on SIGTERM for requests (default 30)\n" \
"  --async-threshold N      entries above which a recursive delete or\n" \
"                           copy runs as an operation (default 10000)\n" \
"  --upload-expiry SECONDS  idle multipart uploads are removed after\n" \
"  --signed-url-max SECONDS longest signed URL lifetime\n" \
"  --no-fsync               skip fsync (tests and benchmarks only)\n" \
"commands:\n" \
"  token add USER [--admin] | token list | token revoke ID\n" \
"  user admin USER on|off\n" \
"  group add NAME | group list | group member add|remove GROUP USER\n" \
"  grant PATH user|group NAME viewer|editor|owner\n" \
"  gc [--upload-expiry SECONDS] | check\n"

enum {
	OPT_STORE = 256, OPT_CONFIG, OPT_LISTEN, OPT_PORT_FILE, OPT_TLS_CERT,
	OPT_TLS_KEY, OPT_LOG, OPT_NUMBER, OPT_NO_FSYNC, OPT_HELP,
};

/* Numeric flags and the setting each one sets. */
static const struct {
	const char	*flag;
	const char	*key;
} main_numbers[] = {
	{ "max-upload", "max_upload" },
	{ "max-json", "max_json" },
	{ "max-items-per-folder", "max_items_per_folder" },
	{ "max-bytes-per-folder", "max_bytes_per_folder" },
	{ "threads", "threads" },
	{ "timeout", "connection_timeout" },
	{ "connection-limit", "connection_limit" },
	{ "per-ip-limit", "per_ip_connection_limit" },
	{ "drain-timeout", "drain_timeout" },
	{ "async-threshold", "async_threshold" },
	{ "upload-expiry", "upload_expiry" },
	{ "signed-url-max", "signed_url_max" },
};

static const struct option main_options[] = {
	{ "store", required_argument, NULL, OPT_STORE },
	{ "config", required_argument, NULL, OPT_CONFIG },
	{ "listen", required_argument, NULL, OPT_LISTEN },
	{ "port-file", required_argument, NULL, OPT_PORT_FILE },
	{ "tls-cert", required_argument, NULL, OPT_TLS_CERT },
	{ "tls-key", required_argument, NULL, OPT_TLS_KEY },
	{ "log", required_argument, NULL, OPT_LOG },
	{ "max-upload", required_argument, NULL, OPT_NUMBER },
	{ "max-json", required_argument, NULL, OPT_NUMBER },
	{ "max-items-per-folder", required_argument, NULL, OPT_NUMBER },
	{ "max-bytes-per-folder", required_argument, NULL, OPT_NUMBER },
	{ "threads", required_argument, NULL, OPT_NUMBER },
	{ "timeout", required_argument, NULL, OPT_NUMBER },
	{ "connection-limit", required_argument, NULL, OPT_NUMBER },
	{ "per-ip-limit", required_argument, NULL, OPT_NUMBER },
	{ "drain-timeout", required_argument, NULL, OPT_NUMBER },
	{ "async-threshold", required_argument, NULL, OPT_NUMBER },
	{ "upload-expiry", required_argument, NULL, OPT_NUMBER },
	{ "signed-url-max", required_argument, NULL, OPT_NUMBER },
	{ "no-fsync", no_argument, NULL, OPT_NO_FSYNC },
	{ "help", no_argument, NULL, OPT_HELP },
	{ NULL, 0, NULL, 0 },
};

static void
main_set(char **slot, const char *v)
{
	free(*slot);
	*slot = xstrdup(v);
}

/* Apply one flag; returns false on a bad value. */
static bool
main_flag(struct server_config *cfg, int opt, int index, const char *arg)
{
	const char	*name = main_options[index].name;
	size_t		 i;

	switch (opt) {
	case OPT_STORE:
		main_set(&cfg->store_dir, arg);
		return true;
	case OPT_LISTEN:
		main_set(&cfg->listen, arg);
		return true;
	case OPT_PORT_FILE:
		main_set(&cfg->port_file, arg);
		return true;
	case OPT_TLS_CERT:
		main_set(&cfg->tls_cert, arg);
		return true;
	case OPT_TLS_KEY:
		main_set(&cfg->tls_key, arg);
		return true;
	case OPT_LOG:
		main_set(&cfg->log_file, arg);
		return true;
	case OPT_NO_FSYNC:
		cfg->durable = false;
		return true;
	case OPT_NUMBER:
		for (i = 0; i < FERRY_NELEM(main_numbers); i++)
			if (strcmp(main_numbers[i].flag, name) == 0 &&
			    settings_set_number(cfg, main_numbers[i].key,
			    arg) == 1)
				return true;
		fprintf(stderr, "ferryd: --%s: \"%s\" is not a valid value\n",
		    name, arg);
		return false;
	}
	return true;
}

/* First pass: only --config and --help. */
static int
main_config_path(int argc, char **argv, const char **config)
{
	int	 opt, index;

	opterr = 0;
	optind = 1;
	while ((opt = getopt_long(argc, argv, "+h", main_options, &index)) !=
	    -1) {
		if (opt == OPT_CONFIG)
			*config = optarg;
		else if (opt == OPT_HELP || opt == 'h') {
			fputs(MAIN_USAGE, stdout);
			return 0;
		}
	}
	return -1;
}

int
main(int argc, char **argv)
{
	struct server_config	 cfg;
	struct ferry_error	 e;
	const char		*config = NULL;
	int			 opt, index, rc;

	if ((rc = main_config_path(argc, argv, &config)) >= 0)
		return rc;
	/*
	 * Every request allocates and frees a few hundred KiB (JSON pages,
	 * SQLite pages); glibc would give that back to the kernel after
	 * each request (madvise, a TLB flush on every CPU: a quarter of the
	 * time of a listing, measured).  Keep it: a fixed mmap threshold
	 * and a high trim threshold.
	 */
	mallopt(M_MMAP_THRESHOLD, 4 * 1024 * 1024);
	mallopt(M_TRIM_THRESHOLD, 64 * 1024 * 1024);
	settings_defaults(&cfg);
	if (config != NULL && settings_load(&cfg, config, &e) != FERRY_OK) {
		fprintf(stderr, "ferryd: %s\n", e.msg);
		settings_done(&cfg);
		return 2;
	}
	opterr = 1;
	optind = 1;
	while ((opt = getopt_long(argc, argv, "+h", main_options, &index)) !=
	    -1) {
		if (opt == '?' || !main_flag(&cfg, opt, index, optarg)) {
			fputs(MAIN_USAGE, stderr);
			settings_done(&cfg);
			return 2;
		}
	}
	if (cfg.store_dir == NULL) {
		fprintf(stderr, "ferryd: no store: give --store DIR (or"
		    " store = DIR in the [ferryd] section of --config)\n");
		settings_done(&cfg);
		return 2;
	}
	if (optind < argc) {
		if (!admin_is_command(argv[optind])) {
			fprintf(stderr, "ferryd: unknown command \"%s\"\n%s",
			    argv[optind], MAIN_USAGE);
			rc = 2;
		} else
			rc = admin_main(cfg.store_dir, argc - optind,
			    argv + optind);
	} else
		rc = server_run(&cfg);
	settings_done(&cfg);
	return rc;
}
