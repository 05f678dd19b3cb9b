/*
 * The server: libmicrohttpd with a small thread pool, bounded in every
 * resource an attacker on the network (or a web page in the user's own
 * browser) could spend: connections overall and per address, memory and
 * time per connection, body size.  Every request passes the same gate:
 * the Host allow-list (DNS rebinding), the session or API token, CSRF and
 * Origin checks on any state change, then one route.  Every response
 * carries the same security headers.
 *
 * Database connections come from a pool, one per worker at most.  The idle
 * lock closes them all and wipes the keys; the unlock page re-makes them
 * from the passphrase.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <malloc.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <sodium.h>

#include "web/web-int.h"

enum { HOSTS_MAX = 16, POOL_MAX = 16 };

struct web_server {
	const tg_web_opts *o;
	struct MHD_Daemon *d;
	struct sockaddr_storage addr; /* o->listen */
	char host[128];
	int port;
	bool tls;
	char *cert, *key; /* PEM text */
	char hosts[HOSTS_MAX][160];
	int nhosts;
	char origin[HOSTS_MAX][200]; /* scheme://host of every allowed host */
	struct web_sessions *sessions;
	pthread_mutex_t mu; /* the fields below */
	tg_keys *keys;
	bool encrypted, locked;
	unsigned generation;
	tg_store *pool[POOL_MAX];
	int npool;
	uint64_t last_request;
};

const tg_web_opts *web_opts(const struct web_server *s) { return s->o; }
struct web_sessions *web_sessions(struct web_server *s) { return s->sessions; }
bool web_encrypted(const struct web_server *s) { return s->encrypted; }

bool web_locked(struct web_server *s)
{
	pthread_mutex_lock(&s->mu);
	bool l = s->locked;
	pthread_mutex_unlock(&s->mu);
	return l;
}

static tg_store *acquire(struct web_req *r);

tg_store *web_store(struct web_req *r)
{
	if (r->st)
		return r->st;
	tg_store *st = acquire(r);
	/* A page reads many times: one read transaction for all of it. */
	if (st && (!strcmp(r->method, "GET") || !strcmp(r->method, "HEAD")))
		tg_store_snapshot_begin(st, NULL);
	return st;
}

static tg_store *acquire(struct web_req *r)
{
	struct web_server *s = r->srv;
	pthread_mutex_lock(&s->mu);
	if (s->locked) {
		pthread_mutex_unlock(&s->mu);
		return NULL;
	}
	if (s->npool) {
		r->st = s->pool[--s->npool];
		pthread_mutex_unlock(&s->mu);
		return r->st;
	}
	tg_error err = {0};
	/* Opening under the lock keeps the keys alive while they are used. */
	if (tg_store_open_keys(s->o->db, 0, s->keys, &r->st, &err))
		r->st = NULL;
	pthread_mutex_unlock(&s->mu);
	return r->st;
}

static void store_release(struct web_req *r, unsigned generation)
{
	struct web_server *s = r->srv;
	if (!r->st)
		return;
	tg_store_snapshot_end(r->st);
	tg_store_rollback(r->st);
	tg_store_set_actor(r->st, "web"); /* the next request names its own */
	pthread_mutex_lock(&s->mu);
	if (!s->locked && s->generation == generation && s->npool < POOL_MAX) {
		s->pool[s->npool++] = r->st;
		r->st = NULL;
	}
	pthread_mutex_unlock(&s->mu);
	tg_store_close(r->st);
	r->st = NULL;
}

void web_lock(struct web_server *s)
{
	pthread_mutex_lock(&s->mu);
	for (int i = 0; i < s->npool; i++)
		tg_store_close(s->pool[i]);
	s->npool = 0;
	s->generation++;
	if (s->encrypted) {
		tg_keys_free(s->keys);
		s->keys = NULL;
		s->locked = true;
	}
	s->last_request = tg_now_ms();
	pthread_mutex_unlock(&s->mu);
	web_sessions_end_all(s->sessions, NULL);
	/* Freed pages go back to the system (serve runs with freed chunks
	 * overwritten, see cmd_serve.c). */
	malloc_trim(0);
}

int web_unlock(struct web_server *s, const char *passphrase, tg_error *err)
{
	char *key_path = tg_keys_path(s->o->db);
	tg_keys *k = NULL;
	int rc = key_path ? tg_keys_unlock(key_path, passphrase, &k, err) : TG_ENOMEM;
	free(key_path);
	if (rc)
		return rc;
	pthread_mutex_lock(&s->mu);
	tg_keys_free(s->keys);
	s->keys = k;
	s->locked = false;
	s->generation++;
	s->last_request = tg_now_ms();
	pthread_mutex_unlock(&s->mu);
	return 0;
}

/* ---- the gate ---- */

static bool host_allowed(struct web_server *s, const char *host)
{
	if (!host)
		return false;
	for (int i = 0; i < s->nhosts; i++)
		if (!strcasecmp(host, s->hosts[i]))
			return true;
	return false;
}

static bool origin_allowed(struct web_server *s, const char *origin)
{
	for (int i = 0; i < s->nhosts; i++)
		if (!strcasecmp(origin, s->origin[i]))
			return true;
	return false;
}

/* kk, ru or en from an Accept-Language header, by the order given (the
 * q-values of browsers follow it). */
static const char *accept_lang(const char *h)
{
	for (const char *p = h; p && *p;) {
		while (*p == ' ' || *p == ',')
			p++;
		if (!strncasecmp(p, "kk", 2))
			return "kk";
		if (!strncasecmp(p, "ru", 2))
			return "ru";
		if (!strncasecmp(p, "en", 2))
			return "en";
		p = strchr(p, ',');
	}
	return NULL;
}

static const char *valid_lang(const char *l)
{
	static const char *const langs[] = {"kk", "ru", "en"};
	for (int i = 0; l && i < 3; i++)
		if (!strcmp(l, langs[i]))
			return langs[i];
	return NULL;
}

static void pick_lang(struct web_req *r)
{
	const char *q = valid_lang(web_arg(r, "lang"));
	if (q && r->has_sess && strcmp(r->sess.lang, q)) {
		snprintf(r->sess.lang, sizeof r->sess.lang, "%s", q);
		web_session_put(r->srv->sessions, &r->sess);
	}
	r->lang = q ? q : r->has_sess && *r->sess.lang ? valid_lang(r->sess.lang) : NULL;
	if (!r->lang)
		r->lang = accept_lang(web_header(r, MHD_HTTP_HEADER_ACCEPT_LANGUAGE));
	if (!r->lang)
		r->lang = valid_lang(r->srv->o->lang) ? valid_lang(r->srv->o->lang) : "en";
	tg_i18n_thread_lang(r->lang);
}

static void identify(struct web_req *r)
{
	const char *authz = web_header(r, MHD_HTTP_HEADER_AUTHORIZATION);
	if (authz && !strncasecmp(authz, "Bearer ", 7) && web_is_api(r)) {
		tg_store *st = web_store(r);
		tg_user u;
		tg_error err = {0};
		if (!st)
			r->locked = true; /* the API answers 503, not 401 */
		else if (!tg_token_check(st, authz + 7, &u, &err)) {
			snprintf(r->user.name, sizeof r->user.name, "%s", u.name);
			r->user.role = web_role_of(u.role);
			r->user.clearance = tg_clearance_level(u.clearance);
			r->authed = r->by_token = true;
		}
		return;
	}
	const char *sid = MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, "__Host-sid");
	if (sid && web_session_get(r->srv->sessions, sid, &r->sess)) {
		r->has_sess = true;
		if (r->sess.authed && !r->sess.totp_pending) {
			r->user = r->sess.user;
			r->authed = true;
		}
	}
}

static bool unsafe_method(const char *m)
{
	return strcmp(m, "GET") && strcmp(m, "HEAD") && strcmp(m, "OPTIONS");
}

/* A state change from a browser must come from our own pages: the
 * Origin and Sec-Fetch-Site headers (sent by every current browser) name
 * where the request started, and the CSRF token proves the form was ours. */
static int check_origin(struct web_req *r)
{
	if (r->by_token)
		return 0;
	const char *origin = web_header(r, "Origin");
	const char *site = web_header(r, "Sec-Fetch-Site");
	if (origin && strcmp(origin, "null") && !origin_allowed(r->srv, origin))
		return web_error(r, 403, _("This request came from another site."));
	/* Under Referrer-Policy: no-referrer a browser sends "Origin: null"
	 * with its own forms; it then says same-origin in Sec-Fetch-Site,
	 * which no page can forge. */
	if (origin && !strcmp(origin, "null") && !(site && !strcmp(site, "same-origin")))
		return web_error(r, 403, _("This request came from another site."));
	if (site && strcmp(site, "same-origin") && strcmp(site, "none"))
		return web_error(r, 403, _("This request came from another site."));
	return 0;
}

struct route {
	const char *method; /* NULL: any */
	const char *prefix;
	bool exact;
	web_handler fn;
};

static const struct route routes[] = {
	{"GET", "/static/", false, web_static},
	{NULL, "/api/", false, web_api},
	{NULL, "/login", true, web_page_login},
	{"POST", "/logout", true, web_page_logout},
	{NULL, "/unlock", true, web_page_unlock},
	{NULL, "/reauth", true, web_page_reauth},
	{"GET", "/", true, web_page_dashboard},
	{"GET", "/people", true, web_page_people},
	{NULL, "/people/new", true, web_page_person_new},
	{NULL, "/record/", false, web_page_record},
	{"GET", "/records", true, web_page_records},
	{"GET", "/evidence/new", true, web_page_evidence_new},
	{NULL, "/records/", false, web_page_records},
	{NULL, "/review", true, web_page_review},
	{"GET", "/lists", true, web_page_lists},
	{"GET", "/stats", true, web_page_stats},
	{"GET", "/accountability", true, web_page_accountability},
	{"GET", "/accountability/records", true, web_page_accountability_records},
	{"GET", "/agenda", true, web_page_agenda},
	{"GET", "/agenda.ics", true, web_page_agenda_ics},
	{"GET", "/report", true, web_page_report},
	{NULL, "/sessions", true, web_page_sessions},
	{"GET", "/ledger", true, web_page_ledger},
	{NULL, "/users", true, web_page_users},
	{NULL, "/export", true, web_page_export},
};

int web_route(struct web_req *r)
{
	bool path_known = false;
	for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++) {
		const struct route *rt = &routes[i];
		size_t n = strlen(rt->prefix);
		bool match = rt->exact ? !strcmp(r->url, rt->prefix) : !strncmp(r->url, rt->prefix, n);
		if (!match)
			continue;
		path_known = true;
		if (rt->method && strcmp(rt->method, r->method) &&
		    !(!strcmp(rt->method, "GET") && !strcmp(r->method, "HEAD")))
			continue;
		return rt->fn(r, r->url + n);
	}
	return web_error(r, path_known ? 405 : 404, NULL);
}

static const char *const security_headers[][2] = {
	{"Content-Security-Policy",
	 "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
	 " connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"},
	{"X-Content-Type-Options", "nosniff"},
	{"X-Frame-Options", "DENY"},
	{"Cache-Control", "no-store"},
	{"Referrer-Policy", "no-referrer"},
	{"Cross-Origin-Opener-Policy", "same-origin"},
	{"Cross-Origin-Resource-Policy", "same-origin"},
	{"Permissions-Policy", "camera=(), microphone=(), geolocation=()"},
};

/* Pages hold names: a response body is wiped when MHD is done with it, so
 * that freed memory does not keep it after the idle lock. */
static void wipe_free(void *p)
{
	sodium_memzero(p, malloc_usable_size(p));
	free(p);
}

static enum MHD_Result respond(struct web_req *r)
{
	struct MHD_Response *resp;
	if (r->out.alloc) {
		size_t len = r->out.len;
		char *body = tg_strbuf_detach(&r->out);
		resp = MHD_create_response_from_buffer_with_free_callback(len, body, wipe_free);
		if (!resp)
			wipe_free(body);
	} else {
		resp = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
	}
	if (!resp)
		return MHD_NO;
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
	                        r->ctype ? r->ctype : "text/html; charset=utf-8");
	for (size_t i = 0; i < sizeof security_headers / sizeof security_headers[0]; i++)
		MHD_add_response_header(resp, security_headers[i][0],
		                        i == 0 && r->csp ? r->csp : security_headers[i][1]);
	if (r->srv->tls)
		MHD_add_response_header(resp, "Strict-Transport-Security", "max-age=31536000");
	MHD_add_response_header(resp, "Vary", "Cookie, Accept-Language");
	if (r->lang)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_LANGUAGE, r->lang);
	for (int i = 0; i < r->nhdr; i++)
		MHD_add_response_header(resp, r->hdr_name[i], r->hdr_val[i]);
	enum MHD_Result ok = MHD_queue_response(r->conn, (unsigned)r->status, resp);
	MHD_destroy_response(resp);
	return ok;
}

/* An administrator signed in by password alone may only add the second
 * factor (or leave). */
static bool second_factor_missing(struct web_req *r)
{
	if (!r->authed || r->by_token || r->user.role != WEB_ADMIN || r->user.totp)
		return false;
	return strcmp(r->url, "/sessions") && strcmp(r->url, "/logout") &&
	       strncmp(r->url, "/static/", 8);
}

static void handle(struct web_req *r)
{
	struct web_server *s = r->srv;
	pthread_mutex_lock(&s->mu);
	s->last_request = tg_now_ms();
	unsigned generation = s->generation;
	pthread_mutex_unlock(&s->mu);
	identify(r);
	pick_lang(r);
	r->status = 200;
	if (r->too_big)
		web_error(r, 413, NULL);
	else if (r->locked && web_is_api(r))
		web_error(r, 503, NULL);
	else if (second_factor_missing(r))
		web_is_api(r) ? web_json_error(r, 403, "second_factor_required",
		                               _("Administrators add a second factor first."), NULL)
		              : web_redirect(r, "/sessions");
	else if (unsafe_method(r->method) && check_origin(r))
		; /* answered */
	else if (unsafe_method(r->method) && !r->by_token && !web_is_api(r) && web_parse_form(r))
		; /* answered */
	else if (unsafe_method(r->method) && !r->by_token && !web_csrf_ok(r) &&
	         !(web_is_api(r) && !r->authed)) /* the API answers 401 itself */
		web_error(r, 403, _("The form has expired or did not come from this site: reload the"
		                    " page and try again."));
	else
		web_route(r);
	store_release(r, generation);
	tg_i18n_thread_lang(NULL);
}

/* The gate of an evidence upload, before its body: what handle() checks
 * for any POST, with the CSRF token from the form's URL. 0 when the body
 * may come, else the answer is in r. */
static int upload_gate(struct web_req *r)
{
	struct web_server *s = r->srv;
	pthread_mutex_lock(&s->mu);
	s->last_request = tg_now_ms();
	r->generation = s->generation;
	pthread_mutex_unlock(&s->mu);
	identify(r);
	pick_lang(r);
	int status = 0;
	const char *csrf = web_arg(r, "csrf");
	if (!r->authed)
		status = web_error(r, 401, NULL);
	else if (second_factor_missing(r))
		status = web_error(r, 403, _("Administrators add a second factor first."));
	else if (check_origin(r))
		status = r->status;
	else if (!csrf || strlen(csrf) != WEB_CSRF_LEN ||
	         sodium_memcmp(csrf, r->sess.csrf, WEB_CSRF_LEN))
		status = web_error(r, 403, _("The form has expired or did not come from this site:"
		                             " reload the page and try again."));
	else
		status = web_upload_start(r);
	if (status) {
		web_upload_free(r);
		store_release(r, r->generation);
		return status;
	}
	r->status = 0;
	return 0;
}

static void client_ip(struct web_req *r)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(r->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	const struct sockaddr *sa = ci ? ci->client_addr : NULL;
	if (sa && sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, r->ip,
		          sizeof r->ip);
	else if (sa && sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, r->ip,
		          sizeof r->ip);
}

/* What the deeper calls of a request left on this thread's stack (search
 * words, names copied into local buffers) is overwritten before the
 * thread waits for the next one: stacks are never freed, and the idle
 * lock must leave no names in memory. */
static __attribute__((noinline)) void scrub_stack(void)
{
	unsigned char below[96 * 1024];
	sodium_memzero(below, sizeof below);
	__asm__ volatile("" : : "r"(below) : "memory");
}

static enum MHD_Result serve_request(void *cls, struct MHD_Connection *conn, const char *url,
                                     const char *method, const char *version,
                                     const char *upload, size_t *upload_size, void **con_cls)
{
	struct web_server *s = cls;
	struct web_req *r = *con_cls;
	if (!r) {
		r = calloc(1, sizeof *r);
		if (!r)
			return MHD_NO;
		r->srv = s;
		r->conn = conn;
		r->url = url;
		r->method = method;
		r->arena = tg_arena_new();
		client_ip(r);
		*con_cls = r;
		const char *len = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
		                                              MHD_HTTP_HEADER_CONTENT_LENGTH);
		bool evidence = !strcmp(method, "POST") && !strcmp(url, "/evidence/new");
		uint64_t cap = evidence ? (uint64_t)WEB_UPLOAD_MAX_GIB << 30 : WEB_BODY_MAX;
		if (len && strtoull(len, NULL, 10) > cap)
			r->too_big = true;
		if (!host_allowed(s, MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
		                                                 MHD_HTTP_HEADER_HOST))) {
			r->status = 0;
			web_error(r, 421, NULL);
			return respond(r);
		}
		if (r->too_big) {
			handle(r);
			return respond(r);
		}
		if (evidence && upload_gate(r))
			return respond(r);
		return MHD_YES;
	}
	if (r->status) /* answered already */
		return MHD_YES;
	if (r->upload) {
		tg_i18n_thread_lang(r->lang);
		if (*upload_size) {
			size_t n = *upload_size;
			*upload_size = 0;
			r->upload_bytes += n;
			if (r->upload_bytes > (uint64_t)WEB_UPLOAD_MAX_GIB << 30)
				web_error(r, 413, NULL);
			else if (!web_upload_data(r, upload, n))
				return MHD_YES;
		} else {
			web_upload_finish(r);
		}
		web_upload_free(r);
		store_release(r, r->generation);
		return respond(r);
	}
	if (*upload_size) {
		if (r->body.len + *upload_size > WEB_BODY_MAX)
			r->too_big = true;
		else
			tg_strbuf_add(&r->body, upload, *upload_size);
		*upload_size = 0;
		return MHD_YES;
	}
	handle(r);
	return respond(r);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version,
                                  const char *upload, size_t *upload_size, void **con_cls)
{
	enum MHD_Result res = serve_request(cls, conn, url, method, version, upload, upload_size,
	                                    con_cls);
	scrub_stack();
	return res;
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
	struct web_req *r = *con_cls;
	if (!r)
		return;
	web_upload_free(r); /* an upload cut short */
	if (r->st)
		tg_store_close(r->st);
	if (r->body.buf) {
		/* The decoded copy of a form (web_parse_form): passwords, the
		 * passphrase, names. It starts at the first field and runs to the
		 * end of the body's text. */
		size_t n = strlen(r->body.buf), skip = strspn(r->body.buf, "&");
		if (r->nform && n > skip)
			sodium_memzero(r->form_key[0], n - skip);
		sodium_memzero(r->body.buf, r->body.len);
	}
	tg_strbuf_release(&r->body);
	if (r->out.alloc)
		sodium_memzero(r->out.buf, r->out.alloc);
	tg_strbuf_release(&r->out);
	tg_arena_free(r->arena);
	free(r);
	*con_cls = NULL;
}

/* ---- start and stop ---- */

static int parse_listen(const char *listen, struct sockaddr_storage *ss, socklen_t *len,
                        char *host, size_t hostlen, int *port, tg_error *err)
{
	char buf[160];
	snprintf(buf, sizeof buf, "%s", listen ? listen : "127.0.0.1:8080");
	char *colon = strrchr(buf, ':');
	char *end = NULL;
	long p = colon ? strtol(colon + 1, &end, 10) : -1;
	if (!colon || !end || *end || p < 0 || p > 65535)
		return tg_error_set(err, TG_EINVAL, "--listen",
		                    _("--listen %s: give ADDRESS:PORT, e.g. 127.0.0.1:8080"), buf);
	*colon = '\0';
	char *addr = buf;
	if (*addr == '[' && colon[-1] == ']') {
		colon[-1] = '\0';
		addr++;
	}
	memset(ss, 0, sizeof *ss);
	struct sockaddr_in *in4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;
	if (inet_pton(AF_INET, addr, &in4->sin_addr) == 1) {
		in4->sin_family = AF_INET;
		in4->sin_port = htons((uint16_t)p);
		*len = sizeof *in4;
	} else if (inet_pton(AF_INET6, addr, &in6->sin6_addr) == 1) {
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons((uint16_t)p);
		*len = sizeof *in6;
	} else {
		return tg_error_set(err, TG_EINVAL, "--listen",
		                    _("--listen: %s is not an IP address"), addr);
	}
	snprintf(host, hostlen, "%s", addr);
	*port = (int)p;
	return 0;
}

static bool loopback(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET)
		return (ntohl(((const struct sockaddr_in *)ss)->sin_addr.s_addr) >> 24) == 127;
	return IN6_IS_ADDR_LOOPBACK(&((const struct sockaddr_in6 *)ss)->sin6_addr);
}

static void add_host(struct web_server *s, const char *host, int port)
{
	if (s->nhosts == HOSTS_MAX)
		return;
	bool v6 = strchr(host, ':') != NULL;
	char hp[160];
	snprintf(hp, sizeof hp, v6 ? "[%s]:%d" : "%s:%d", host, port);
	snprintf(s->hosts[s->nhosts], sizeof s->hosts[0], "%s", hp);
	snprintf(s->origin[s->nhosts], sizeof s->origin[0], "%s://%s", s->tls ? "https" : "http", hp);
	s->nhosts++;
}

static int read_pem(const char *path, const char *opt, char **out, tg_error *err)
{
	size_t len;
	if (tg_read_file(path, out, &len, err))
		return tg_error_set(err, TG_EIO, opt, _("%s: cannot read %s"), opt, path);
	return 0;
}

int web_server_new(const tg_web_opts *o, tg_keys *keys, struct web_server **out, tg_error *err)
{
	*out = NULL;
	socklen_t addrlen;
	char host[128];
	int port = 0;
	struct sockaddr_storage ss;
	int rc = parse_listen(o->listen, &ss, &addrlen, host, sizeof host, &port, err);
	if (!rc && !o->tls_cert != !o->tls_key)
		rc = tg_error_set(err, TG_EINVAL, o->tls_cert ? "--tls-key" : "--tls-cert",
		                  _("give both --tls-cert and --tls-key"));
	if (!rc && !o->tls_cert && !loopback(&ss))
		rc = tg_error_set(err, TG_EINVAL, "--listen",
		                  _("plain HTTP is served only on a loopback address: give"
		                    " --tls-cert and --tls-key to listen on %s"), host);
	if (rc) {
		tg_keys_free(keys);
		return rc;
	}
	struct web_server *s = calloc(1, sizeof *s);
	if (!s)
		abort();
	s->o = o;
	s->addr = ss;
	snprintf(s->host, sizeof s->host, "%s", host);
	s->port = port;
	s->tls = o->tls_cert != NULL;
	s->keys = keys;
	s->encrypted = keys != NULL;
	pthread_mutex_init(&s->mu, NULL);
	s->sessions = web_sessions_new(o->session_idle, o->session_max);
	s->last_request = tg_now_ms();
	add_host(s, host, port);
	if (loopback(&ss)) {
		add_host(s, "localhost", port);
		add_host(s, ss.ss_family == AF_INET ? "::1" : "127.0.0.1", port);
	}
	char hosts[512];
	snprintf(hosts, sizeof hosts, "%s", o->hosts ? o->hosts : "");
	for (char *save = NULL, *h = strtok_r(hosts, ",", &save); h; h = strtok_r(NULL, ",", &save))
		add_host(s, h, port);
	if (s->tls && (read_pem(o->tls_cert, "--tls-cert", &s->cert, err) ||
	               read_pem(o->tls_key, "--tls-key", &s->key, err))) {
		rc = err->code;
		web_server_free(s);
		return rc;
	}
	*out = s;
	return 0;
}

void web_server_free(struct web_server *s)
{
	if (!s)
		return;
	if (s->cert)
		sodium_memzero(s->cert, strlen(s->cert));
	if (s->key)
		sodium_memzero(s->key, strlen(s->key));
	free(s->cert);
	free(s->key);
	for (int i = 0; i < s->npool; i++)
		tg_store_close(s->pool[i]);
	tg_keys_free(s->keys);
	web_sessions_free(s->sessions);
	pthread_mutex_destroy(&s->mu);
	free(s);
}

/* The daemon: listening on s->addr, or on fd when valid (the socket of the
 * daemon before), with a pool of worker threads; or, with no_listen, with
 * neither socket nor threads of its own. */
static struct MHD_Daemon *start_daemon(struct web_server *s, MHD_socket fd, bool no_listen)
{
	unsigned flags = no_listen ? MHD_USE_NO_LISTEN_SOCKET
	                           : MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ITC;
	if (s->tls)
		flags |= MHD_USE_TLS;
	if (!no_listen && s->addr.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	unsigned threads = (unsigned)(s->o->threads > 0 ? s->o->threads : 2);
	struct MHD_OptionItem opts[12];
	int n = 0;
	if (fd != MHD_INVALID_SOCKET)
		opts[n++] = (struct MHD_OptionItem){MHD_OPTION_LISTEN_SOCKET, fd, NULL};
	else if (!no_listen)
		opts[n++] = (struct MHD_OptionItem){MHD_OPTION_SOCK_ADDR, 0, &s->addr};
	if (!no_listen)
		opts[n++] = (struct MHD_OptionItem){MHD_OPTION_THREAD_POOL_SIZE, threads, NULL};
	opts[n++] = (struct MHD_OptionItem){MHD_OPTION_CONNECTION_LIMIT, WEB_CONNECTIONS_MAX, NULL};
	opts[n++] = (struct MHD_OptionItem){MHD_OPTION_PER_IP_CONNECTION_LIMIT,
	                                    WEB_CONNECTIONS_PER_IP, NULL};
	/* Connection memory of 32 KiB or less comes from malloc, so it is
	 * overwritten when freed (see cmd_serve.c); above, MHD maps it. */
	opts[n++] = (struct MHD_OptionItem){MHD_OPTION_CONNECTION_MEMORY_LIMIT, 32 * 1024, NULL};
	opts[n++] = (struct MHD_OptionItem){MHD_OPTION_CONNECTION_TIMEOUT, 30, NULL};
	opts[n++] = (struct MHD_OptionItem){MHD_OPTION_NOTIFY_COMPLETED, (intptr_t)on_completed, s};
	if (s->tls) {
		opts[n++] = (struct MHD_OptionItem){MHD_OPTION_HTTPS_MEM_CERT, 0, s->cert};
		opts[n++] = (struct MHD_OptionItem){MHD_OPTION_HTTPS_MEM_KEY, 0, s->key};
	}
	opts[n] = (struct MHD_OptionItem){MHD_OPTION_END, 0, NULL};
	return MHD_start_daemon(flags, no_listen ? 0 : (uint16_t)s->port, NULL, NULL, on_request, s,
	                        MHD_OPTION_ARRAY, opts, MHD_OPTION_END);
}

struct MHD_Daemon *web_server_start_daemon(struct web_server *s, bool no_listen)
{
	return start_daemon(s, MHD_INVALID_SOCKET, no_listen);
}

/* The idle lock: keys and sessions go (web_lock), and so does everything
 * the HTTP side still holds of past requests (URLs with search words,
 * headers, buffers): the daemon stops and a new one takes over the same
 * listening socket, so no request finds the port closed. Non-zero when
 * no daemon could be started again. */
static int restart_locked(struct web_server *s)
{
	web_lock(s);
	MHD_socket fd = MHD_quiesce_daemon(s->d);
	MHD_stop_daemon(s->d);
	s->d = fd == MHD_INVALID_SOCKET ? NULL : start_daemon(s, fd, false);
	/* Should the socket not pass to the new daemon, a new socket on the
	 * same address: a moment closed rather than a server gone. */
	for (int i = 0; !s->d && i < 50; i++) {
		if (fd != MHD_INVALID_SOCKET) {
			close(fd);
			fd = MHD_INVALID_SOCKET;
		}
		s->d = start_daemon(s, MHD_INVALID_SOCKET, false);
		if (!s->d)
			usleep(100 * 1000);
	}
	malloc_trim(0);
	if (!s->d)
		fprintf(stderr, _("tergeu: the web service could not start again after the idle lock:"
		                  " %s\n"), strerror(errno));
	return s->d == NULL;
}

/* Room for the connections allowed: slow clients hold descriptors, and
 * the usual soft limit (1024) is below WEB_CONNECTIONS_MAX. */
static void raise_fd_limit(void)
{
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl))
		return;
	rlim_t want = WEB_CONNECTIONS_MAX + 256;
	if (rl.rlim_cur < want) {
		rl.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max > want ? want : rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

int tg_web_serve(const tg_web_opts *o, tg_keys *keys, tg_error *err)
{
	raise_fd_limit();
	struct web_server *s;
	int rc = web_server_new(o, keys, &s, err);
	if (rc)
		return rc;
	/* Signals are taken by sigwait below, never by a worker thread. */
	sigset_t sigs;
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	signal(SIGPIPE, SIG_IGN);
	s->d = start_daemon(s, MHD_INVALID_SOCKET, false);
	if (!s->d)
		goto fail;
	if (o->ready) {
		char url[200];
		snprintf(url, sizeof url, "%s://%s/", s->tls ? "https" : "http", s->hosts[0]);
		o->ready(o->ctx, url);
	}
	for (;;) {
		struct timespec tick = {1, 0};
		int sig = sigtimedwait(&sigs, NULL, &tick);
		if (sig == SIGTERM || sig == SIGINT)
			break;
		pthread_mutex_lock(&s->mu);
		bool idle = o->idle_lock > 0 && !s->locked &&
		            tg_now_ms() - s->last_request > (uint64_t)o->idle_lock * 1000;
		pthread_mutex_unlock(&s->mu);
		if (idle && restart_locked(s))
			goto fail;
	}
	/* Stop accepting, let the requests in progress finish (5 s at most),
	 * then close. */
	MHD_socket fd = MHD_quiesce_daemon(s->d);
	for (int i = 0; i < 50; i++) {
		const union MHD_DaemonInfo *di =
			MHD_get_daemon_info(s->d, MHD_DAEMON_INFO_CURRENT_CONNECTIONS);
		if (!di || !di->num_connections)
			break;
		usleep(100 * 1000);
	}
	MHD_stop_daemon(s->d);
	if (fd != MHD_INVALID_SOCKET)
		close(fd);
	web_server_free(s);
	return 0;
fail:
	rc = tg_error_set(err, TG_EIO, "--listen", _("cannot listen on %s:%d: %s"), s->host, s->port,
	                  strerror(errno ? errno : EADDRINUSE));
	web_server_free(s);
	return rc;
}
