/* SPDX-License-Identifier: MIT */
/*
 * ferryd, the folder service: the store engine (src/store/) behind an
 * HTTP/JSON API served with libmicrohttpd.  This header joins the parts:
 *
 *   main.c      command line, subcommands
 *   settings.c  the configuration file and flags
 *   admin.c     `ferryd token|group|user|gc|check ...`
 *   server.c    the daemon: MHD callbacks, per-thread store handles,
 *               request lifecycle, logging, drain on SIGTERM
 *   request.c   what a request carries: path segments, query, headers,
 *               the JSON body
 *   json.c      typed, strict access to JSON request fields
 *   reply.c     JSON replies and JSON errors
 *   render.c    entries, summaries, grants, operations as JSON
 *   access.c    authentication (bearer token, signed URL) and roles
 *   sign.c      signed URLs (HMAC-SHA256 with the server secret)
 *   range.c     Range and If-None-Match parsing (pure)
 *   ops.c       the worker thread that runs long operations
 *   route.c     the route table and matching; route-*.c the handlers
 *
 * Threads: MHD runs a pool of threads (epoll); each owns one store handle
 * (struct server_thread, kept under a pthread key and opened on first
 * use), and a connection is served by one pool thread from start to end,
 * so a request's state never crosses threads.  The operations worker
 * (ops.c) has its own handle.  The main thread only starts, waits for a
 * signal and drains.
 */
#ifndef FERRY_SERVER_H
#define FERRY_SERVER_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>
#include <microhttpd.h>

#include "ferry/error.h"
#include "store/store-acl.h"
#include "store/store.h"

#define SERVER_SECRET_SIZE	32
#define SERVER_PARAMS_MAX	4	/* captured path segments */
#define SERVER_SEGMENTS_MAX	300	/* segments in one URL path */
#define SERVER_ARGS_MAX		32	/* query parameters */
#define SERVER_DISCARD_MAX	(1024 * 1024)	/* body bytes read after an
						   error before closing */

/* What ferryd is told at startup (defaults in settings.c). */
struct server_config {
	char		*store_dir;
	char		*listen;		/* "ADDR:PORT" */
	char		*tls_cert;		/* PEM files, or NULL */
	char		*tls_key;
	char		*port_file;		/* write the bound port here */
	char		*log_file;		/* NULL: stderr */
	uint64_t	 max_upload;		/* bytes of one upload; 0 none */
	uint64_t	 max_json;		/* bytes of a JSON body */
	unsigned	 threads;		/* MHD pool size */
	unsigned	 timeout;		/* idle connection, seconds */
	unsigned	 conn_limit;
	unsigned	 per_ip_limit;		/* 0: none */
	unsigned	 drain_timeout;		/* seconds */
	uint64_t	 async_threshold;	/* entries; above: 202 */
	int64_t		 upload_expiry;		/* seconds idle; 0: never */
	int64_t		 signed_max;		/* longest signed URL, s */
	bool		 durable;		/* fsync (default on) */
	bool		 limits_given;		/* set the store's limits */
	uint64_t	 max_items_per_folder;
	uint64_t	 max_bytes_per_folder;
};

/* One pool thread's handles. */
struct server_thread {
	struct store	*store;
	struct store_acl *acl;
};

struct ops;

struct server {
	struct server_config cfg;
	struct MHD_Daemon *mhd;
	pthread_key_t	 key;		/* struct server_thread * */
	unsigned char	 secret[SERVER_SECRET_SIZE];
	char		 root_id[STORE_ID_SIZE];
	atomic_int	 inflight;	/* requests begun, not completed */
	atomic_bool	 draining;
	struct ops	*ops;
	int		 log_fd;
	pthread_mutex_t	 log_lock;
	uint16_t	 port;
	char		*tls_cert_pem;
	char		*tls_key_pem;
};

struct route;
struct request;
struct render_buf;

/* A streaming handler's per-request state: freed by the request. */
typedef void (*request_state_free_cb)(void *state);

struct request_arg {
	char		*key;
	char		*value;		/* percent-decoded, '+' is a space */
};

struct request {
	struct server	*srv;
	struct MHD_Connection *conn;
	const struct route *route;
	const char	*method;	/* "HEAD" is served by GET routes */
	bool		 head;
	char		*path;		/* the raw path, for the log */
	char		*segs[SERVER_SEGMENTS_MAX];
	size_t		 nsegs;
	const char	*params[SERVER_PARAMS_MAX];	/* into segs */
	size_t		 nparams;
	char		*tail;		/* "*" routes: "/a/b" decoded */
	struct request_arg args[SERVER_ARGS_MAX];
	size_t		 nargs;
	struct server_thread *t;
	struct store_user user;
	bool		 authed;
	bool		 by_signature;	/* a signed URL, not a token */
	uint64_t	 t0;		/* ns, monotonic */
	bool		 body_expected;
	/* JSON body */
	char		*body;
	size_t		 body_len;
	size_t		 body_cap;
	cJSON		*json;
	/* streaming handlers */
	void		*state;
	request_state_free_cb state_free;
	/* an error met while the body arrives, answered at its end */
	bool		 failed;
	struct ferry_error fail;
	uint64_t	 discarded;
	/* the answer */
	struct MHD_Response *resp;
	int		 status;
	uint64_t	 bytes_out;
	bool		 queued;
};

/* -------- server.c -------- */

int		 server_run(struct server_config *cfg);
/* The calling pool thread's store handles, opened on first use. */
struct server_thread *server_thread_get(struct server *srv,
		    struct ferry_error *err);
/* Write one line to the log (adds the newline). */
void		 server_log(struct server *srv, const char *fmt, ...)
		    __attribute__((format(printf, 2, 3)));

/* -------- settings.c -------- */

void		 settings_defaults(struct server_config *cfg);
void		 settings_done(struct server_config *cfg);
/* Read an INI file ([ferryd] section); errors name FILE:LINE. */
enum ferry_code	 settings_load(struct server_config *cfg, const char *path,
		    struct ferry_error *err);
/* Parse "123", "64K", "1G" (powers of 1024) into *out. */
bool		 settings_bytes(const char *v, uint64_t *out);
bool		 settings_uint(const char *v, uint64_t max, uint64_t *out);
/*
 * Set a numeric setting by its config key ("max_upload", "threads", ...);
 * -1 for an unknown key, 0 for a bad value, 1 when set.
 */
int		 settings_set_number(struct server_config *c, const char *key,
		    const char *v);

/* -------- admin.c -------- */

/* `ferryd --store DIR <command> ...`; returns the exit status. */
int		 admin_main(const char *store_dir, int argc, char **argv);
/* Whether argv[0] names an admin command. */
bool		 admin_is_command(const char *name);

/* -------- request.c -------- */

struct request	*request_new(struct server *srv, struct MHD_Connection *conn,
		    const char *method, const char *url);
void		 request_free(struct request *r);
/* Split and decode the raw path; 400 on a bad one. */
enum ferry_code	 request_parse_path(struct request *r, const char *url,
		    struct ferry_error *err);
/* Collect and decode the query parameters; 400 on duplicates. */
enum ferry_code	 request_parse_args(struct request *r,
		    struct ferry_error *err);
/* A query parameter, decoded, or NULL. */
const char	*request_arg(const struct request *r, const char *key);
/* A header, or NULL. */
const char	*request_header(const struct request *r, const char *name);
/* Append body bytes (capped at max_json: FERRY_E_LIMIT, 413). */
enum ferry_code	 request_body_append(struct request *r, const char *data,
		    size_t len, struct ferry_error *err);
/* Parse the body as one JSON object into r->json. */
enum ferry_code	 request_body_parse(struct request *r,
		    struct ferry_error *err);
/* Percent-decode s (len bytes) into a new string; NUL is refused. */
char		*request_decode(const char *s, size_t len, bool plus,
		    struct ferry_error *err);
/* Record an error met during the body; it is answered at the end. */
void		 request_fail(struct request *r, const struct ferry_error *e);

/* Parse query booleans ("true", "false", "1", "0"). */
enum ferry_code	 request_arg_bool(const struct request *r, const char *key,
		    bool *out, struct ferry_error *err);
/* Parse a whole-number query parameter within [min, max]. */
enum ferry_code	 request_arg_int(const struct request *r, const char *key,
		    int64_t min, int64_t max, int64_t *out,
		    struct ferry_error *err);

/* -------- json.c -------- */

#define JSON_REQUIRED	0x1u	/* absent is an error */
#define JSON_NULLABLE	0x2u	/* null is accepted (as "clear") */

/* Refuse fields of o not in the NULL-terminated list (typos). */
enum ferry_code	 json_only(const cJSON *o, const char *const *known,
		    struct ferry_error *err);
/*
 * A string field: *out NULL when absent or null; *present (may be NULL)
 * says it was there (null included).  Longer than max bytes is refused.
 */
enum ferry_code	 json_string(const cJSON *o, const char *key, unsigned flags,
		    size_t max, const char **out, bool *present,
		    struct ferry_error *err);
enum ferry_code	 json_bool(const cJSON *o, const char *key, unsigned flags,
		    bool *out, bool *present, struct ferry_error *err);
/* A whole number in [min, max]; null gives *out = 0 when nullable. */
enum ferry_code	 json_int(const cJSON *o, const char *key, unsigned flags,
		    int64_t min, int64_t max, int64_t *out, bool *present,
		    struct ferry_error *err);
/* An object field printed back as compact text (malloc'd), or NULL. */
enum ferry_code	 json_object_text(const cJSON *o, const char *key,
		    unsigned flags, char **out, bool *present,
		    struct ferry_error *err);
/* An array of strings printed back as compact text (malloc'd). */
enum ferry_code	 json_tags_text(const cJSON *o, const char *key,
		    unsigned flags, char **out, bool *present,
		    struct ferry_error *err);
/* An array of up to max strings; *out (malloc'd) points into o. */
enum ferry_code	 json_string_array(const cJSON *o, const char *key,
		    size_t max, const char ***out, size_t *n,
		    struct ferry_error *err);

/* -------- reply.c -------- */

/* The HTTP status for an error (limits: 406 for counts, 507 for bytes). */
int		 reply_status(const struct ferry_error *e);
void		 reply_json(struct request *r, int status, cJSON *body);
void		 reply_error(struct request *r, const struct ferry_error *e);
void		 reply_errorf(struct request *r, enum ferry_code code,
		    const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void		 reply_empty(struct request *r, int status);
/* Reply with the JSON text in b (taken; b is left empty). */
void		 reply_buf(struct request *r, int status, struct render_buf *b);
/* Attach a ready response (takes it). */
void		 reply_response(struct request *r, int status,
		    struct MHD_Response *resp, uint64_t bytes);

/* -------- render.c -------- */

/* A growing buffer of JSON text (owned; freed by render_buf_done). */
struct render_buf {
	char		*buf;
	size_t		 len;
	size_t		 cap;
};

/* Time in ms as "2026-01-02T03:04:05.678Z". */
void		 render_time(int64_t ms, char out[32]);
void		 render_buf_init(struct render_buf *b);
void		 render_buf_done(struct render_buf *b);
void		 render_raw(struct render_buf *b, const char *text, size_t len);
void		 render_cstr(struct render_buf *b, const char *text);
/* A JSON string (escaped; invalid UTF-8 as U+FFFD), or null for NULL. */
void		 render_str(struct render_buf *b, const char *s);
/* ,"key":"value" inside an open object (no comma after '{'). */
void		 render_field_str(struct render_buf *b, const char *key,
		    const char *value);
void		 render_field_i64(struct render_buf *b, const char *key,
		    int64_t value);
/*
 * An entry as a JSON object left open, so that the caller may add fields
 * and must add the closing '}': all fields, or with brief only kind, id,
 * parent_id, name (and path when not NULL).
 */
void		 render_entry_open(struct render_buf *b,
		    const struct ferry_entry *e, const char *path, bool brief);
cJSON		*render_summary(const struct ferry_summary *s);
cJSON		*render_grant(const struct store_grant *g);
cJSON		*render_op(const struct store_op *op);
/* "/a" + "b" -> "/a/b"; "/" + "b" -> "/b" (malloc'd). */
char		*render_join(const char *dir, const char *name);

/* -------- access.c -------- */

/* Authenticate r (token or, where allowed, signature); 401 on failure. */
bool		 access_authenticate(struct request *r);
/*
 * The caller's role on entry id; replies 403/404 and returns false when it
 * is below want.  *role (may be NULL) gets the role.
 */
bool		 access_require(struct request *r, const char *id,
		    enum store_role want, const char *what,
		    enum store_role *role);
/* The role, and whether id may be passed through; replies on errors. */
bool		 access_role(struct request *r, const char *id,
		    enum store_role *role, bool *passthrough);

/* -------- sign.c -------- */

/* Load DIR/ferryd.secret, creating it (0600) when missing. */
enum ferry_code	 sign_load_secret(const char *dir,
		    unsigned char secret[SERVER_SECRET_SIZE],
		    struct ferry_error *err);
/*
 * The signature (base64url) of op ("get" or "put") on target (an item id,
 * or a folder id with name for put) for user until expires (s).
 */
void		 sign_make(const unsigned char secret[SERVER_SECRET_SIZE],
		    const char *op, const char *target, const char *name,
		    int64_t expires, const char *user, char out[64]);
/* Constant-time check of a signature given in a URL. */
bool		 sign_check(const unsigned char secret[SERVER_SECRET_SIZE],
		    const char *op, const char *target, const char *name,
		    int64_t expires, const char *user, const char *sig);
/* Percent-encode a path segment or query value (malloc'd). */
char		*sign_escape(const char *s);

/* -------- range.c -------- */

enum range_result {
	RANGE_NONE = 0,		/* no usable Range: send everything */
	RANGE_OK = 1,		/* one satisfiable range */
	RANGE_UNSATISFIABLE = 2,/* 416 */
};

/* Parse a Range header against size into [*start, *start + *len). */
enum range_result range_parse(const char *header, uint64_t size,
		    uint64_t *start, uint64_t *len);
/* Whether an If-None-Match header matches etag ("\"<hex>\""). */
bool		 range_etag_match(const char *header, const char *etag);
/* Whether Accept-Encoding allows gzip (q > 0). */
bool		 range_accepts_gzip(const char *header);

/* -------- ops.c -------- */

struct ops	*ops_start(struct server *srv, struct ferry_error *err);
/* Ask the worker to stop after its current step and join it. */
void		 ops_stop(struct ops *ops);
/*
 * Queue a recursive delete of folder target, or a copy of target into
 * folder dst as name (NULL: same name), on behalf of user.  id receives
 * the operation id (already recorded in the store as "queued").
 */
enum ferry_code	 ops_submit(struct ops *ops, struct server_thread *t,
		    const char *kind, const char *user, const char *target,
		    const char *dst, const char *name, uint64_t total,
		    char id[STORE_ID_SIZE], struct ferry_error *err);

#endif
