/* Inside the web server: requests, responses, sessions, access. */
#ifndef TG_WEB_INT_H
#define TG_WEB_INT_H

#include <jansson.h>
#include <microhttpd.h>
#include <pthread.h>
#include <stdbool.h>

#include "store/store.h"
#include "web/web.h"

/* Limits of one request. */
enum {
	WEB_BODY_MAX = 1 << 20,     /* form or JSON body: 1 MiB, else 413 */
	WEB_UPLOAD_MAX_GIB = 4,     /* an evidence upload, streamed into the vault */
	/* Connections: all, and from one address. On a laptop every client is
	 * 127.0.0.1, so the second is high: 500 slow connections must not
	 * lock the user out. Each holds at most 32 KiB and 30 s of idleness. */
	WEB_CONNECTIONS_MAX = 2048,
	WEB_CONNECTIONS_PER_IP = 1024,
	WEB_FORM_FIELDS_MAX = 200,
	WEB_SESSION_ID_LEN = 43,    /* base64url of 32 random bytes */
	WEB_CSRF_LEN = 43,
};

/* Roles, in the order of users.c. */
enum web_role { WEB_ADMIN, WEB_EDITOR, WEB_ANALYST, WEB_VIEWER, WEB_NOBODY };

/* What a request wants to do. */
enum web_action {
	WEB_READ,   /* see a record, search, dossiers */
	WEB_CREATE, /* add a record */
	WEB_UPDATE, /* change a record */
	WEB_DELETE, /* soft-delete a record */
	WEB_STATS,  /* counts and estimates */
	WEB_REVIEW, /* decide linkage pairs */
	WEB_EXPORT, /* take data out */
	WEB_LEDGER, /* see the ledger's status */
	WEB_USERS,  /* manage accounts */
	WEB_NACTIONS
};

/* Who is asking: set from the session or API token. */
struct web_user {
	char name[72];
	enum web_role role;
	int clearance; /* enum tg_clearance */
	bool totp;
};

struct web_session {
	char id[WEB_SESSION_ID_LEN + 1];
	char csrf[WEB_CSRF_LEN + 1];
	struct web_user user;
	bool authed;        /* false: a visitor before login (login's CSRF token) */
	bool totp_pending;  /* password right, second factor not yet given */
	char lang[3];       /* remembered choice, "" when none */
	uint64_t created, seen, reauth; /* ms */
	char agent[96];     /* User-Agent, to tell sessions apart */
	char ip[48];
};

struct web_server;
struct web_upload;

struct web_req {
	struct web_server *srv;
	struct MHD_Connection *conn;
	const char *method, *url;
	char ip[48];
	tg_strbuf body;
	bool too_big;
	int nform;
	char *form_key[WEB_FORM_FIELDS_MAX], *form_val[WEB_FORM_FIELDS_MAX];
	tg_arena *arena;
	const char *lang;
	struct web_session sess; /* a copy of the session, if any */
	bool has_sess;
	struct web_user user; /* valid when authed */
	bool authed, by_token;
	bool locked; /* a token could not be checked: the database is locked */
	tg_store *st;
	struct web_upload *upload; /* POST /evidence/new */
	uint64_t upload_bytes;
	unsigned generation; /* of the store pool, when the request began */
	/* the response */
	int status;
	const char *ctype;
	const char *csp; /* this response's Content-Security-Policy, if not the usual */
	tg_strbuf out;
	int nhdr;
	char *hdr_name[8], *hdr_val[8];
};

/* ---- http.c: requests and responses ---- */
const char *web_header(struct web_req *r, const char *name);
/* A query-string argument, or NULL. */
const char *web_arg(struct web_req *r, const char *name);
/* A field of the urlencoded body, or NULL; the first of repeated ones. */
const char *web_form(struct web_req *r, const char *name);
/* Parses an application/x-www-form-urlencoded body: 0, or 400 text set. */
int web_parse_form(struct web_req *r);
void web_add_header(struct web_req *r, const char *name, const char *value);
/* Status and a plain message (HTML or JSON per the request's kind). */
int web_error(struct web_req *r, int status, const char *msg);
/* The status for a record that cannot be shown, code being what reading
 * it returned: 500 for a storage error (a database that cannot be read
 * must not pass for a missing record), else 404 (TG_ENOTFOUND, or TG_OK
 * for a record the reader may not see). */
int web_record_status(int code);
/* A 303 redirect to a local path. */
int web_redirect(struct web_req *r, const char *path);
/* A 303 to page (/login, /reauth) with next= this request's path, to come
 * back to it. */
int web_redirect_next(struct web_req *r, const char *page);
/* A self-contained document of lib/io (a dossier, the report) as the
 * answer, its style allowed by its hash in the Content-Security-Policy. */
void web_document(struct web_req *r, const char *html);
/* JSON body; takes the reference. */
int web_json(struct web_req *r, int status, json_t *v);
/* JSON error: {"error": {"code", "message", "field"}}. */
int web_json_error(struct web_req *r, int status, const char *code, const char *msg,
                   const char *field);
/* Appends s to sb, escaped for HTML text and attributes. */
void web_esc(tg_strbuf *sb, const char *s);
void web_escf(tg_strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Percent-encodes s into sb for a URL query value. */
void web_urlenc(tg_strbuf *sb, const char *s);
bool web_is_api(const struct web_req *r);

/* ---- session.c: sessions, CSRF, login throttling ---- */
struct web_sessions;
struct web_sessions *web_sessions_new(int idle_s, int max_s);
void web_sessions_free(struct web_sessions *s);
/* Copies the live session id into out (refreshing its idle time): true,
 * or false when there is none or it expired. */
bool web_session_get(struct web_sessions *s, const char *id, struct web_session *out);
/* A new session (visitor or signed in) with fresh id and CSRF token. */
void web_session_new(struct web_sessions *s, const struct web_user *u, bool authed,
                     const struct web_req *r, struct web_session *out);
/* Stores changed fields of a session (language, re-authentication). */
void web_session_put(struct web_sessions *s, const struct web_session *in);
void web_session_end(struct web_sessions *s, const char *id);
/* Ends every session (idle lock), or those of user name when not NULL
 * (a disabled account, a changed password). */
void web_sessions_end_all(struct web_sessions *s, const char *name);
/* Sessions of user name, newest first: cb for each. */
void web_sessions_of(struct web_sessions *s, const char *name,
                     void (*cb)(void *ctx, const struct web_session *ss), void *ctx);
/* Login throttling: true while key (an account or an address) has had
 * WEB_LOGIN_FAILS_MAX failures within the last hour. */
enum { WEB_LOGIN_FAILS_MAX = 100 };
bool web_throttled(struct web_sessions *s, const char *key);
void web_login_failed(struct web_sessions *s, const char *key);
/* Sets the session cookie header for id (expiring it when id is ""). */
void web_set_cookie(struct web_req *r, const char *id);
/* Constant-time comparison of the CSRF token sent with the session's. */
bool web_csrf_ok(struct web_req *r);

/* ---- auth.c: the one access decision ---- */
/* May u do action on record (a canonical document, or NULL when the
 * action is not about one record)? Deny by default. */
bool web_authorize(const struct web_user *u, enum web_action action, const json_t *record);
/* The same for a record whose confidentiality level is level. */
bool web_authorize_level(const struct web_user *u, enum web_action action, int level);
enum web_role web_role_of(const char *name);
const char *web_role_name(enum web_role r);
/* May u see list record raw (tg_raw_json; its list is a source record)? */
bool web_raw_visible(const struct web_user *u, tg_store *st, const json_t *raw);
/* Counts over the lists mix every list: 1 when u may see each of them, 0
 * when not, negative on a database error. */
int web_lists_visible(const struct web_user *u, tg_store *st, tg_error *err);
/* A confidentiality level's code: "public", "restricted", "confidential". */
const char *web_clearance_name(int level);

/* ---- server.c ---- */
/* The server's state apart from its daemon, for tg_web_serve and for a
 * harness without sockets: o (kept by pointer, as tg_web_serve takes it),
 * keys (owned from now on, also on error), the Host allow-list of
 * o->listen and o->hosts, sessions, the store pool, the TLS files read.
 * 0 and *out, or EINVAL and EIO as tg_web_serve. */
int web_server_new(const tg_web_opts *o, tg_keys *keys, struct web_server **out,
                   tg_error *err);
/* Closes the pooled stores, wipes keys, sessions and the TLS key. Any
 * daemon of s must have stopped. NULL is a no-op. */
void web_server_free(struct web_server *s);
/* A daemon of s with its limits: listening on o->listen with worker
 * threads, or with no_listen, without socket or threads of its own: the
 * caller hands it connections (MHD_add_connection) and runs it (MHD_run).
 * NULL when MHD could not start it (errno says why); MHD_stop_daemon
 * ends it. */
struct MHD_Daemon *web_server_start_daemon(struct web_server *s, bool no_listen);
/* This request's store (a connection of the pool); NULL when locked. */
tg_store *web_store(struct web_req *r);
const tg_web_opts *web_opts(const struct web_server *s);
struct web_sessions *web_sessions(struct web_server *s);
bool web_encrypted(const struct web_server *s);
/* Wipes keys and ends sessions now (the idle lock, or a user's "lock"). */
void web_lock(struct web_server *s);
bool web_locked(struct web_server *s);
/* Re-makes the keys from a passphrase: 0, or EAUTH. */
int web_unlock(struct web_server *s, const char *passphrase, tg_error *err);

/* ---- page.c: the page frame ---- */
/* The start of a page for a signed-in reader allowed action (and, with
 * reauth, who proved the password lately): 0 and *st, or the status of
 * the answer given (to sign in, to unlock, 403). */
int web_enter(struct web_req *r, enum web_action action, bool reauth, tg_store **st);
void web_page_begin(struct web_req *r, const char *title);
int web_page_end(struct web_req *r);
/* The hidden CSRF field of a form. */
void web_csrf_field(struct web_req *r);
/* A field's error, shown next to it. */
void web_field_error(struct web_req *r, const char *msg);

/* ---- render.c: records as HTML ---- */
const char *web_field_label(const char *name);
const char *web_entity_label(const char *entity);
/* A record's title, a place's name in the reader's language. Caller frees. */
char *web_title(struct web_req *r, const json_t *doc);
/* A link to record uid with its title, or a note when the reader may not
 * see it. */
void web_ref_link(struct web_req *r, tg_store *st, const char *uid);
/* A table of doc's fields but skip. */
void web_render_fields(struct web_req *r, tg_store *st, const json_t *doc, const char *skip);
/* The body of doc's record page: a person's dossier, or its fields; then
 * what refers to it (tg_html_dossier). */
int web_render_dossier(struct web_req *r, tg_store *st, const json_t *doc);

/* ---- routes: handlers return the status queued ---- */
typedef int (*web_handler)(struct web_req *r, const char *rest);
int web_route(struct web_req *r);

/* Pages (pages.c, people.c, review.c, admin.c) and the API (api.c). */
int web_page_login(struct web_req *r, const char *rest);
int web_page_logout(struct web_req *r, const char *rest);
int web_page_unlock(struct web_req *r, const char *rest);
int web_page_dashboard(struct web_req *r, const char *rest);
int web_page_people(struct web_req *r, const char *rest);
int web_page_person_new(struct web_req *r, const char *rest);
int web_page_record(struct web_req *r, const char *rest);
int web_page_records(struct web_req *r, const char *rest);
/* Edit (GET, POST) or delete (POST) record id, whose document is doc
 * (forms.c). */
int web_record_action(struct web_req *r, tg_store *st, const char *id, const char *what,
                      json_t *doc);
int web_page_review(struct web_req *r, const char *rest);
int web_page_lists(struct web_req *r, const char *rest);
int web_page_report(struct web_req *r, const char *rest);
int web_page_stats(struct web_req *r, const char *rest);
/* The accountability funnel and asymmetry, and the records behind a
 * figure (accountability.c). */
int web_page_accountability(struct web_req *r, const char *rest);
int web_page_accountability_records(struct web_req *r, const char *rest);
int web_page_agenda(struct web_req *r, const char *rest);
int web_page_agenda_ics(struct web_req *r, const char *rest);
int web_page_sessions(struct web_req *r, const char *rest);
int web_page_ledger(struct web_req *r, const char *rest);
int web_page_users(struct web_req *r, const char *rest);
int web_page_reauth(struct web_req *r, const char *rest);
int web_page_export(struct web_req *r, const char *rest);
int web_static(struct web_req *r, const char *rest);
int web_page_evidence_new(struct web_req *r, const char *rest);

/* ---- upload.c: evidence straight into the vault ---- */
/* After the gate: starts sealing; 0 to read the body, else the status
 * queued. */
int web_upload_start(struct web_req *r);
int web_upload_data(struct web_req *r, const char *data, size_t size);
/* The body is complete: the record, then a redirect to it. */
int web_upload_finish(struct web_req *r);
/* Frees what the upload holds; shreds a blob no record names. */
void web_upload_free(struct web_req *r);
int web_api(struct web_req *r, const char *rest);

/* Re-authentication: true when the session proved its password within the
 * last 5 minutes (API tokens count as proven). Otherwise the caller
 * answers with web_need_reauth. */
bool web_reauthed(struct web_req *r);
int web_need_reauth(struct web_req *r);

#endif
