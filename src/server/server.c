/* SPDX-License-Identifier: MIT */
/*
 * The daemon: libmicrohttpd with an internal epoll thread pool, the
 * lifecycle of a request, per-thread store handles, the access log, and
 * the drain on SIGTERM/SIGINT.
 *
 * A request goes through server_access() several times (the MHD upload
 * pattern, tech-notes §4): the first call has only the headers, and
 * decodes the path and query, finds the route, authenticates, and for a
 * streamed body calls the route's start (which may refuse: MHD then sends
 * no "100 Continue" and closes after the answer, so a 413 costs no body).
 * A request without a body is answered on the second call, because a
 * response queued on the first call makes MHD close the connection.
 * Calls with data feed the JSON buffer or the route's data callback; an
 * error met there is remembered, the rest of the body is discarded, and
 * the error is the answer once the body has ended.  MHD 0.9.75 refuses a
 * response queued while a body is still arriving (verified: it returns
 * MHD_NO), so a body that goes on past SERVER_DISCARD_MAX bytes after the
 * error is cut off by closing the connection: bounded time for endless
 * chunked bodies.  With a Content-Length, limits are checked up front.  The last call runs the handler.  MHD's
 * completion callback logs
 * one line and frees the request (aborting an unfinished upload).
 *
 * DESIGN: threads.  MHD runs `threads` pool threads, each with its own
 * epoll set; a connection stays on the thread that accepted it.  Every
 * pool thread opens its own store handle on first use (pthread key, closed
 * by the key's destructor when MHD stops the thread).  The main thread
 * blocks SIGTERM/SIGINT/SIGHUP before any thread starts (so every thread
 * inherits the mask) and waits for them with sigwait(); on SIGTERM or
 * SIGINT it quiesces MHD (no new connections), waits until the requests
 * in flight (an atomic counter: +1 on a request's first call, -1 on its
 * completion) reach zero or the drain timeout passes, stops the
 * operations worker and MHD, and returns 0.
 */
#include <sys/socket.h>
#include <sys/stat.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/util.h"
#include "server/route.h"
#include "store/store-upload.h"

#define SERVER_MEMORY_LIMIT	(256 * 1024)
#define SERVER_LOG_MAX		2048

/* -------- logging -------- */

void
server_log(struct server *srv, const char *fmt, ...)
{
	char	 line[SERVER_LOG_MAX];
	va_list	 ap;
	int	 n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof line - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n > sizeof line - 2)
		n = (int)sizeof line - 2;
	line[n++] = '\n';
	pthread_mutex_lock(&srv->log_lock);
	if (write(srv->log_fd, line, (size_t)n) == -1) {
		/* nothing better to do with a failing log */
	}
	pthread_mutex_unlock(&srv->log_lock);
}

static void
server_mhd_log(void *cls, const char *fmt, va_list ap)
{
	struct server	*srv = cls;
	char		 msg[512];
	size_t		 n;

	vsnprintf(msg, sizeof msg, fmt, ap);
	n = strlen(msg);
	while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == '\r'))
		msg[--n] = '\0';
	server_log(srv, "ferryd: mhd: %s", msg);
}

/* Append s to buf, percent-encoding bytes that would break a log line. */
static void
server_log_escape(char *buf, size_t size, size_t *used, const char *s)
{
	static const char	 hex[] = "0123456789ABCDEF";
	const unsigned char	*p;

	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if (*used + 4 >= size)
			return;
		if (*p <= 0x20 || *p >= 0x7f || *p == '"' || *p == '\\') {
			buf[(*used)++] = '%';
			buf[(*used)++] = hex[*p >> 4];
			buf[(*used)++] = hex[*p & 15];
		} else
			buf[(*used)++] = (char)*p;
	}
	buf[*used] = '\0';
}

/* The path and query for the log: signatures are never written. */
static void
server_log_target(const struct request *r, char *buf, size_t size)
{
	size_t	 used = 0, i;

	buf[0] = '\0';
	server_log_escape(buf, size, &used, r->path);
	for (i = 0; i < r->nargs && used + 8 < size; i++) {
		buf[used++] = i == 0 ? '?' : '&';
		buf[used] = '\0';
		server_log_escape(buf, size, &used, r->args[i].key);
		if (used + 2 >= size)
			break;
		buf[used++] = '=';
		buf[used] = '\0';
		if (strcmp(r->args[i].key, "signature") == 0)
			server_log_escape(buf, size, &used, "REDACTED");
		else
			server_log_escape(buf, size, &used, r->args[i].value);
	}
}

static void
server_log_request(struct server *srv, const struct request *r,
    enum MHD_RequestTerminationCode toe)
{
	const union MHD_ConnectionInfo	*ci;
	char				 target[1024], addr[64], when[32];
	const struct sockaddr		*sa;
	uint64_t			 us;

	addr[0] = '-';
	addr[1] = '\0';
	ci = MHD_get_connection_info(r->conn,
	    MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (ci != NULL && (sa = ci->client_addr) != NULL) {
		if (sa->sa_family == AF_INET)
			inet_ntop(AF_INET, &((const struct sockaddr_in *)
			    (const void *)sa)->sin_addr, addr, sizeof addr);
		else if (sa->sa_family == AF_INET6)
			inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)
			    (const void *)sa)->sin6_addr, addr, sizeof addr);
	}
	server_log_target(r, target, sizeof target);
	render_time(ferry_now_ms(), when);
	us = (ferry_mono_ns() - r->t0) / 1000;
	server_log(srv, "%s %s %s \"%s %s\" %d %llu %llu.%03llums%s", when,
	    addr, r->authed ? r->user.name : "-", r->method, target,
	    r->queued ? r->status : 0, (unsigned long long)r->bytes_out,
	    (unsigned long long)(us / 1000), (unsigned long long)(us % 1000),
	    toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? "" :
	    toe == MHD_REQUEST_TERMINATED_TIMEOUT_REACHED ? " timeout" :
	    toe == MHD_REQUEST_TERMINATED_CLIENT_ABORT ? " client-abort" :
	    " aborted");
}

/* -------- per-thread store handles -------- */

static void
server_thread_free(void *p)
{
	struct server_thread	*t = p;

	if (t == NULL)
		return;
	store_acl_free(t->acl);
	store_close(t->store);
	free(t);
}

struct server_thread *
server_thread_get(struct server *srv, struct ferry_error *err)
{
	struct server_thread	*t;

	t = pthread_getspecific(srv->key);
	if (t != NULL)
		return t;
	t = xcalloc(1, sizeof *t);
	if (store_open(srv->cfg.store_dir, &t->store, err) != FERRY_OK) {
		free(t);
		return NULL;
	}
	store_set_durable(t->store, srv->cfg.durable);
	t->acl = store_acl_new(t->store);
	pthread_setspecific(srv->key, t);
	return t;
}

/* -------- the request lifecycle -------- */

static size_t
server_unescape(void *cls, struct MHD_Connection *c, char *s)
{
	(void)cls;
	(void)c;
	return strlen(s);	/* request.c decodes, strictly */
}

/* Whether the request announces a body (length > 0 or chunked). */
static bool
server_has_body(struct request *r, uint64_t *length, bool *known)
{
	const char	*cl, *te;
	char		*end;

	*length = 0;
	*known = false;
	te = request_header(r, "Transfer-Encoding");
	if (te != NULL)
		return true;
	cl = request_header(r, "Content-Length");
	if (cl == NULL)
		return false;
	*length = strtoull(cl, &end, 10);
	*known = end != cl && *end == '\0';
	return *length > 0;
}

static void
server_finish(struct request *r)
{
	struct ferry_error	 e;

	if (r->failed) {
		reply_error(r, &r->fail);
		return;
	}
	if (r->route->flags & ROUTE_JSON) {
		if (r->body_len == 0 && (r->route->flags & ROUTE_OPT_JSON))
			r->json = cJSON_CreateObject();
		else if (request_body_parse(r, &e) != FERRY_OK) {
			reply_error(r, &e);
			return;
		}
	}
	r->route->handle(r);
	if (r->resp == NULL)
		reply_errorf(r, FERRY_E_INTERNAL, "%s %s: the handler gave no"
		    " answer", r->method, r->path);
}

/* The first call: everything that only needs the headers. */
static void
server_begin(struct request *r, const char *url)
{
	struct ferry_error	 e;
	char			 allow[64];
	uint64_t		 length;
	bool			 known;

	r->body_expected = server_has_body(r, &length, &known);
	if (request_parse_path(r, url, &e) != FERRY_OK ||
	    request_parse_args(r, &e) != FERRY_OK) {
		reply_error(r, &e);
		return;
	}
	switch (route_find(r, allow, sizeof allow)) {
	case ROUTE_NO_PATH:
		reply_errorf(r, FERRY_E_NOT_FOUND, "no endpoint %s %s (see"
		    " docs/API.md)", r->method, r->path);
		return;
	case ROUTE_NO_METHOD:
		reply_errorf(r, FERRY_E_UNSUPPORTED, "%s is not allowed on %s"
		    " (allowed: %s)", r->method, r->path, allow);
		r->status = 405;
		MHD_add_response_header(r->resp, "Allow", allow);
		return;
	case ROUTE_FOUND:
		break;
	}
	if ((r->t = server_thread_get(r->srv, &e)) == NULL) {
		e.code = FERRY_E_BUSY;
		reply_error(r, &e);
		return;
	}
	if (!access_authenticate(r))
		return;
	store_set_user(r->t->store, r->authed ? r->user.name : NULL);
	if ((r->route->flags & ROUTE_JSON) && known &&
	    length > r->srv->cfg.max_json) {
		reply_errorf(r, FERRY_E_LIMIT, "the JSON body is larger than"
		    " %llu bytes", (unsigned long long)r->srv->cfg.max_json);
		return;
	}
	if (r->route->flags & ROUTE_STREAM)
		r->route->start(r);
}

static enum MHD_Result
server_body(struct request *r, const char *data, size_t *size)
{
	struct ferry_error	 e;
	size_t			 len = *size;

	*size = 0;
	if (r->failed || !(r->route->flags & (ROUTE_JSON | ROUTE_STREAM))) {
		r->discarded += len;
		/* endless bodies after an error: stop reading, close */
		return r->discarded > SERVER_DISCARD_MAX ? MHD_NO : MHD_YES;
	}
	if (r->route->flags & ROUTE_JSON) {
		if (request_body_append(r, data, len, &e) != FERRY_OK)
			request_fail(r, &e);
	} else
		r->route->data(r, data, len);
	return MHD_YES;
}

static enum MHD_Result
server_queue(struct request *r)
{
	enum MHD_Result	 ret;

	if (r->resp == NULL)
		reply_errorf(r, FERRY_E_INTERNAL, "no answer was made");
	if (atomic_load(&r->srv->draining))
		MHD_add_response_header(r->resp, "Connection", "close");
	ret = MHD_queue_response(r->conn, (unsigned int)r->status, r->resp);
	MHD_destroy_response(r->resp);
	r->resp = NULL;
	r->queued = ret == MHD_YES;
	return ret;
}

static enum MHD_Result
server_access(void *cls, struct MHD_Connection *conn, const char *url,
    const char *method, const char *version, const char *upload_data,
    size_t *upload_data_size, void **con_cls)
{
	struct server	*srv = cls;
	struct request	*r = *con_cls;

	(void)version;
	if (r == NULL) {
		r = request_new(srv, conn, method, url);
		*con_cls = r;
		atomic_fetch_add(&srv->inflight, 1);
		server_begin(r, url);
		/*
		 * Refuse a body now (no "100 Continue"; MHD closes after the
		 * answer).  Anything else is answered on the next call: a
		 * response queued on the first call costs the keep-alive.
		 */
		if (r->resp != NULL && r->body_expected)
			return server_queue(r);
		return MHD_YES;
	}
	if (r->queued)
		return MHD_YES;
	if (*upload_data_size > 0 && r->resp == NULL)
		return server_body(r, upload_data, upload_data_size);
	*upload_data_size = 0;
	if (r->resp == NULL)
		server_finish(r);
	return server_queue(r);
}

static void
server_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
    enum MHD_RequestTerminationCode toe)
{
	struct server	*srv = cls;
	struct request	*r = *con_cls;

	(void)conn;
	if (r == NULL)
		return;
	server_log_request(srv, r, toe);
	request_free(r);
	*con_cls = NULL;
	atomic_fetch_sub(&srv->inflight, 1);
}

/* -------- startup -------- */

/* Parse "ADDR:PORT" or "[V6]:PORT" into ss. */
static enum ferry_code
server_parse_listen(const char *text, struct sockaddr_storage *ss,
    socklen_t *len, struct ferry_error *err)
{
	struct sockaddr_in	*sin = (struct sockaddr_in *)(void *)ss;
	struct sockaddr_in6	*sin6 = (struct sockaddr_in6 *)(void *)ss;
	const char		*colon;
	char			 host[64];
	uint64_t		 port;
	size_t			 hlen;

	memset(ss, 0, sizeof *ss);
	colon = strrchr(text, ':');
	if (colon == NULL || !settings_uint(colon + 1, 65535, &port))
		return ferry_error_set(err, FERRY_E_INVALID, "listen address"
		    " \"%s\" is not ADDR:PORT (port 0-65535)", text);
	hlen = (size_t)(colon - text);
	if (hlen >= 2 && text[0] == '[' && text[hlen - 1] == ']') {
		text++;
		hlen -= 2;
	}
	if (hlen == 0 || hlen >= sizeof host)
		return ferry_error_set(err, FERRY_E_INVALID, "listen address"
		    " \"%s\": bad host part", text);
	memcpy(host, text, hlen);
	host[hlen] = '\0';
	if (inet_pton(AF_INET, host, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons((uint16_t)port);
		*len = sizeof *sin;
		return FERRY_OK;
	}
	if (inet_pton(AF_INET6, host, &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons((uint16_t)port);
		*len = sizeof *sin6;
		return FERRY_OK;
	}
	return ferry_error_set(err, FERRY_E_INVALID, "listen address \"%s\":"
	    " \"%s\" is not an IPv4 or IPv6 address", text, host);
}

static char *
server_read_file(const char *path, struct ferry_error *err)
{
	FILE	*f;
	char	*buf;
	long	 n;

	if ((f = fopen(path, "rb")) == NULL) {
		ferry_error_errno(err, errno, "opening %s", path);
		return NULL;
	}
	if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 ||
	    n > 1024 * 1024 || fseek(f, 0, SEEK_SET) != 0) {
		fclose(f);
		ferry_error_set(err, FERRY_E_INVALID, "%s: not a readable PEM"
		    " file of at most 1 MiB", path);
		return NULL;
	}
	buf = xmalloc((size_t)n + 1);
	if (fread(buf, 1, (size_t)n, f) != (size_t)n) {
		ferry_error_errno(err, errno, "reading %s", path);
		free(buf);
		buf = NULL;
	} else
		buf[n] = '\0';
	fclose(f);
	return buf;
}

/* Open the store once in this thread: schema, limits, leftovers. */
static enum ferry_code
server_prepare_store(struct server *srv, struct ferry_error *err)
{
	enum ferry_code		 result;
	struct store		*s;
	struct store_acl	*acl;
	struct store_limits	 l;
	uint64_t		 n = 0;

	if ((result = store_open(srv->cfg.store_dir, &s, err)) != FERRY_OK)
		return result;
	acl = store_acl_new(s);
	snprintf(srv->root_id, sizeof srv->root_id, "%s", store_root_id(s));
	if (srv->cfg.limits_given) {
		l.max_items = srv->cfg.max_items_per_folder;
		l.max_bytes = srv->cfg.max_bytes_per_folder;
		result = store_limits_set(s, &l, err);
	}
	if (result == FERRY_OK)
		result = store_op_interrupt_all(acl, "interrupted: ferryd"
		    " stopped while it ran; run it again", &n, err);
	if (result == FERRY_OK && n > 0)
		server_log(srv, "ferryd: %llu operation(s) left unfinished by"
		    " the last run marked failed", (unsigned long long)n);
	if (result == FERRY_OK)
		result = store_upload_gc(s, srv->cfg.upload_expiry * 1000, &n,
		    err);
	if (result == FERRY_OK && n > 0)
		server_log(srv, "ferryd: %llu idle multipart upload(s)"
		    " removed", (unsigned long long)n);
	store_acl_free(acl);
	store_close(s);
	if (result == FERRY_OK)
		result = sign_load_secret(srv->cfg.store_dir, srv->secret, err);
	return result;
}

static enum ferry_code
server_write_port(const char *path, uint16_t port, struct ferry_error *err)
{
	char	*tmp;
	FILE	*f;
	int	 ok;

	tmp = xasprintf("%s.tmp", path);
	if ((f = fopen(tmp, "w")) == NULL) {
		free(tmp);
		return ferry_error_errno(err, errno, "writing %s", path);
	}
	ok = fprintf(f, "%u\n", (unsigned)port) > 0;
	ok = fclose(f) == 0 && ok;
	if (!ok || rename(tmp, path) == -1) {
		unlink(tmp);
		free(tmp);
		return ferry_error_errno(err, errno, "writing %s", path);
	}
	free(tmp);
	return FERRY_OK;
}

static struct MHD_Daemon *
server_start_mhd(struct server *srv, const struct sockaddr_storage *ss,
    struct ferry_error *err)
{
	struct MHD_OptionItem	 o[16];
	struct MHD_Daemon	*d;
	unsigned int		 flags, n = 0;

	flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL |
	    MHD_USE_ERROR_LOG | MHD_USE_ITC;
	o[n++] = (struct MHD_OptionItem){ MHD_OPTION_EXTERNAL_LOGGER,
	    (intptr_t)(void (*)(void))server_mhd_log, srv };
	if (ss->ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	if (srv->tls_cert_pem != NULL) {
		flags |= MHD_USE_TLS;
		o[n++] = (struct MHD_OptionItem){ MHD_OPTION_HTTPS_MEM_KEY, 0,
		    srv->tls_key_pem };
		o[n++] = (struct MHD_OptionItem){ MHD_OPTION_HTTPS_MEM_CERT, 0,
		    srv->tls_cert_pem };
	}
	o[n++] = (struct MHD_OptionItem){ MHD_OPTION_SOCK_ADDR, 0,
	    (void *)(uintptr_t)ss };
	o[n++] = (struct MHD_OptionItem){ MHD_OPTION_THREAD_POOL_SIZE,
	    srv->cfg.threads, NULL };
	o[n++] = (struct MHD_OptionItem){ MHD_OPTION_CONNECTION_MEMORY_LIMIT,
	    SERVER_MEMORY_LIMIT, NULL };
	o[n++] = (struct MHD_OptionItem){ MHD_OPTION_CONNECTION_TIMEOUT,
	    srv->cfg.timeout, NULL };
	o[n++] = (struct MHD_OptionItem){ MHD_OPTION_CONNECTION_LIMIT,
	    srv->cfg.conn_limit, NULL };
	if (srv->cfg.per_ip_limit > 0)
		o[n++] = (struct MHD_OptionItem){
		    MHD_OPTION_PER_IP_CONNECTION_LIMIT, srv->cfg.per_ip_limit,
		    NULL };
	o[n++] = (struct MHD_OptionItem){ MHD_OPTION_LISTEN_BACKLOG_SIZE, 512,
	    NULL };
	o[n++] = (struct MHD_OptionItem){ MHD_OPTION_NOTIFY_COMPLETED,
	    (intptr_t)(void (*)(void))server_completed, srv };
	o[n++] = (struct MHD_OptionItem){ MHD_OPTION_UNESCAPE_CALLBACK,
	    (intptr_t)(void (*)(void))server_unescape, NULL };
	o[n++] = (struct MHD_OptionItem){ MHD_OPTION_END, 0, NULL };
	d = MHD_start_daemon(flags, 0, NULL, NULL, server_access, srv,
	    MHD_OPTION_ARRAY, o, MHD_OPTION_END);
	if (d == NULL)
		ferry_error_set(err, FERRY_E_IO, "cannot listen on %s (in use,"
		    " or not an address of this machine; see the log above)",
		    srv->cfg.listen);
	return d;
}

/* Wait for a signal; drain on SIGTERM/SIGINT. */
static void
server_wait_and_drain(struct server *srv)
{
	sigset_t	 set;
	int		 sig = 0;
	uint64_t	 deadline;
	MHD_socket	 lfd;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	while (sig != SIGTERM && sig != SIGINT)
		if (sigwait(&set, &sig) != 0)
			sig = SIGTERM;
	server_log(srv, "ferryd: %s: draining %d request(s) in flight",
	    sig == SIGTERM ? "SIGTERM" : "SIGINT",
	    atomic_load(&srv->inflight));
	atomic_store(&srv->draining, true);
	lfd = MHD_quiesce_daemon(srv->mhd);
	deadline = ferry_mono_ns() +
	    (uint64_t)srv->cfg.drain_timeout * 1000000000ull;
	while (atomic_load(&srv->inflight) > 0 && ferry_mono_ns() < deadline)
		usleep(20000);
	if (atomic_load(&srv->inflight) > 0)
		server_log(srv, "ferryd: drain timeout: %d request(s) cut off",
		    atomic_load(&srv->inflight));
	ops_stop(srv->ops);
	srv->ops = NULL;
	MHD_stop_daemon(srv->mhd);
	srv->mhd = NULL;
	if (lfd != MHD_INVALID_SOCKET)
		close(lfd);
}

static enum ferry_code
server_setup(struct server *srv, struct sockaddr_storage *ss,
    struct ferry_error *err)
{
	enum ferry_code	 result;
	socklen_t	 sslen;

	if ((result = server_parse_listen(srv->cfg.listen, ss, &sslen, err)) !=
	    FERRY_OK)
		return result;
	if ((srv->cfg.tls_cert == NULL) != (srv->cfg.tls_key == NULL))
		return ferry_error_set(err, FERRY_E_INVALID, "TLS needs both"
		    " --tls-cert and --tls-key");
	if (srv->cfg.tls_cert != NULL) {
		if (MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES)
			return ferry_error_set(err, FERRY_E_UNSUPPORTED,
			    "this libmicrohttpd was built without TLS");
		if ((srv->tls_cert_pem = server_read_file(srv->cfg.tls_cert,
		    err)) == NULL ||
		    (srv->tls_key_pem = server_read_file(srv->cfg.tls_key,
		    err)) == NULL)
			return err != NULL ? err->code : FERRY_E_IO;
	}
	return server_prepare_store(srv, err);
}

static void
server_cleanup(struct server *srv)
{
	if (srv->tls_key_pem != NULL)
		explicit_bzero(srv->tls_key_pem, strlen(srv->tls_key_pem));
	free(srv->tls_key_pem);
	free(srv->tls_cert_pem);
	explicit_bzero(srv->secret, sizeof srv->secret);
	pthread_key_delete(srv->key);
	pthread_mutex_destroy(&srv->log_lock);
	if (srv->log_fd != STDERR_FILENO)
		close(srv->log_fd);
}

int
server_run(struct server_config *cfg)
{
	struct server		 srv;
	struct sockaddr_storage	 ss;
	struct ferry_error	 e;
	sigset_t		 set;
	const union MHD_DaemonInfo *di;
	int			 rc = 1;

	memset(&srv, 0, sizeof srv);
	srv.cfg = *cfg;
	srv.log_fd = STDERR_FILENO;
	pthread_mutex_init(&srv.log_lock, NULL);
	pthread_key_create(&srv.key, server_thread_free);
	ferry_error_clear(&e);
	if (cfg->log_file != NULL && (srv.log_fd = open(cfg->log_file,
	    O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600)) == -1) {
		srv.log_fd = STDERR_FILENO;
		ferry_error_errno(&e, errno, "opening the log %s",
		    cfg->log_file);
		goto out;
	}
	if (server_setup(&srv, &ss, &e) != FERRY_OK)
		goto out;
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	if ((srv.ops = ops_start(&srv, &e)) == NULL)
		goto out;
	if ((srv.mhd = server_start_mhd(&srv, &ss, &e)) == NULL) {
		ops_stop(srv.ops);
		goto out;
	}
	di = MHD_get_daemon_info(srv.mhd, MHD_DAEMON_INFO_BIND_PORT);
	srv.port = di != NULL ? di->port : 0;
	if (cfg->port_file != NULL &&
	    server_write_port(cfg->port_file, srv.port, &e) != FERRY_OK) {
		ops_stop(srv.ops);
		MHD_stop_daemon(srv.mhd);
		goto out;
	}
	fprintf(stderr, "ferryd: listening on %.*s:%u%s\n",
	    (int)(strrchr(cfg->listen, ':') - cfg->listen), cfg->listen,
	    (unsigned)srv.port, srv.tls_cert_pem != NULL ? " (TLS)" : "");
	server_wait_and_drain(&srv);
	server_log(&srv, "ferryd: stopped");
	rc = 0;
out:
	if (rc != 0)
		fprintf(stderr, "ferryd: %s\n", e.msg);
	server_cleanup(&srv);
	return rc;
}
