/*
 * Signing in and out, the unlock and re-authentication pages, the
 * account's sessions and second factor, and static files.
 */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "util/data.h"
#include "web/totp.h"
#include "web/web-int.h"
#include "web/web-data.h"

enum { REAUTH_MS = 5 * 60 * 1000 };

/* A visitor session (for the CSRF token of the sign-in form) when there is
 * none yet. */
static void ensure_session(struct web_req *r)
{
	if (r->has_sess)
		return;
	web_session_new(web_sessions(r->srv), NULL, false, r, &r->sess);
	snprintf(r->sess.lang, sizeof r->sess.lang, "%s", r->lang);
	web_session_put(web_sessions(r->srv), &r->sess);
	r->has_sess = true;
	web_set_cookie(r, r->sess.id);
}

static void input(struct web_req *r, const char *name, const char *label, const char *type,
                  const char *value, const char *autocomplete, const char *error)
{
	tg_strbuf *o = &r->out;
	tg_strbuf_addf(o, "<p><label for=\"f-%s\">", name);
	web_esc(o, label);
	tg_strbuf_addf(o, "</label><input id=\"f-%s\" name=\"%s\" type=\"%s\" autocomplete=\"%s\"",
	               name, name, type, autocomplete);
	if (value && strcmp(type, "password")) {
		tg_strbuf_adds(o, " value=\"");
		web_esc(o, value);
		tg_strbuf_adds(o, "\"");
	}
	if (error && *error)
		tg_strbuf_addf(o, " aria-invalid=\"true\" aria-describedby=\"e-%s\"", name);
	tg_strbuf_adds(o, " required>");
	if (error && *error) {
		tg_strbuf_addf(o, "<span id=\"e-%s\" class=\"field-error\" role=\"alert\">", name);
		web_esc(o, error);
		tg_strbuf_adds(o, "</span>");
	}
	tg_strbuf_adds(o, "</p>");
}

static void submit(struct web_req *r, const char *label)
{
	tg_strbuf_adds(&r->out, "<p><button type=\"submit\">");
	web_esc(&r->out, label);
	tg_strbuf_adds(&r->out, "</button></p></form>");
}

static int login_form(struct web_req *r, int status, const char *name, const char *error)
{
	ensure_session(r);
	bool code = r->sess.totp_pending;
	web_page_begin(r, _("Sign in"));
	tg_strbuf_adds(&r->out, "<form method=\"post\" action=\"/login\" class=\"card\">");
	web_csrf_field(r);
	const char *next = web_arg(r, "next") ? web_arg(r, "next") : web_form(r, "next");
	if (next && next[0] == '/' && next[1] != '/') {
		tg_strbuf_adds(&r->out, "<input type=\"hidden\" name=\"next\" value=\"");
		web_esc(&r->out, next);
		tg_strbuf_adds(&r->out, "\">");
	}
	if (code) {
		tg_strbuf_adds(&r->out, "<p>");
		web_esc(&r->out, _("Enter the 6-digit code of your authenticator app."));
		tg_strbuf_adds(&r->out, "</p>");
		input(r, "code", _("Code"), "text", NULL, "one-time-code", error);
	} else {
		input(r, "name", _("User name"), "text", name, "username", NULL);
		input(r, "password", _("Password"), "password", NULL, "current-password", error);
	}
	submit(r, _("Sign in"));
	web_page_end(r);
	r->status = status;
	return status;
}

/* Codes already used, per user: a TOTP code is good once. */
static struct {
	pthread_mutex_t mu;
	char name[64][72];
	uint64_t step[64];
	int n;
} used = {PTHREAD_MUTEX_INITIALIZER, {{0}}, {0}, 0};

static bool totp_ok(const char *name, const char *secret, const char *code)
{
	pthread_mutex_lock(&used.mu);
	int i = 0;
	while (i < used.n && strcmp(used.name[i], name))
		i++;
	if (i == used.n) {
		i = used.n < 64 ? used.n++ : 0;
		snprintf(used.name[i], sizeof used.name[i], "%s", name);
		used.step[i] = 0;
	}
	bool ok = web_totp_check(secret, code, tg_now_ms() / 1000, &used.step[i]);
	pthread_mutex_unlock(&used.mu);
	return ok;
}

/* Signed in: a new session id (the visitor's is ended), then on. */
static int signed_in(struct web_req *r, const struct web_user *u)
{
	struct web_sessions *ss = web_sessions(r->srv);
	char lang[3];
	memcpy(lang, r->sess.lang, sizeof lang);
	web_session_end(ss, r->sess.id);
	web_session_new(ss, u, true, r, &r->sess);
	memcpy(r->sess.lang, lang, sizeof lang);
	web_session_put(ss, &r->sess);
	web_set_cookie(r, r->sess.id);
	const char *next = web_form(r, "next");
	return web_redirect(r, next ? next : "/");
}

static int login_post(struct web_req *r)
{
	struct web_sessions *ss = web_sessions(r->srv);
	tg_store *st = web_store(r);
	if (!st)
		return web_redirect(r, "/unlock");
	if (r->sess.totp_pending) {
		char secret[64];
		const char *name = r->sess.user.name;
		char ukey[96];
		snprintf(ukey, sizeof ukey, "user:%s", name);
		if (web_throttled(ss, ukey))
			return web_error(r, 429, NULL);
		if (tg_user_totp_get(st, name, secret, sizeof secret) == 1 &&
		    totp_ok(name, secret, web_form(r, "code"))) {
			struct web_user u = r->sess.user;
			sodium_memzero(secret, sizeof secret);
			return signed_in(r, &u);
		}
		sodium_memzero(secret, sizeof secret);
		web_login_failed(ss, ukey);
		return login_form(r, 401, NULL, _("The code is not right, or was used already."));
	}
	const char *name = web_form(r, "name"), *pass = web_form(r, "password");
	if (!name || !pass || !*name || !*pass)
		return login_form(r, 400, name, _("Give your user name and password."));
	char ipkey[64], ukey[96];
	snprintf(ipkey, sizeof ipkey, "ip:%s", r->ip);
	snprintf(ukey, sizeof ukey, "user:%s", name);
	if (web_throttled(ss, ukey) || web_throttled(ss, ipkey))
		return web_error(r, 429, NULL);
	tg_error err = {0};
	tg_user u;
	int rc = tg_user_check(st, name, pass, &err);
	if (!rc)
		rc = tg_user_get(st, name, &u, &err);
	if (rc && rc != TG_EAUTH && rc != TG_ENOTFOUND)
		return web_error(r, 500, NULL); /* a failed read is not a wrong password */
	if (rc) {
		web_login_failed(ss, ukey);
		web_login_failed(ss, ipkey);
		return login_form(r, 401, name, _("Wrong user name or password."));
	}
	struct web_user wu = {.role = web_role_of(u.role),
	                      .clearance = tg_clearance_level(u.clearance), .totp = u.totp};
	snprintf(wu.name, sizeof wu.name, "%s", u.name);
	if (wu.totp) {
		/* Half signed in: the same visitor session waits for the code. */
		r->sess.user = wu;
		r->sess.totp_pending = true;
		r->sess.authed = true;
		web_session_put(ss, &r->sess);
		return login_form(r, 200, NULL, NULL);
	}
	return signed_in(r, &wu);
}

int web_page_login(struct web_req *r, const char *rest)
{
	if (web_locked(r->srv))
		return web_redirect(r, "/unlock");
	if (!strcmp(r->method, "POST"))
		return login_post(r);
	if (strcmp(r->method, "GET") && strcmp(r->method, "HEAD"))
		return web_error(r, 405, NULL);
	if (r->authed)
		return web_redirect(r, "/");
	return login_form(r, 200, NULL, NULL);
}

int web_page_logout(struct web_req *r, const char *rest)
{
	if (r->has_sess)
		web_session_end(web_sessions(r->srv), r->sess.id);
	r->has_sess = r->authed = false;
	web_set_cookie(r, "");
	return web_redirect(r, "/login");
}

int web_page_unlock(struct web_req *r, const char *rest)
{
	if (!web_locked(r->srv))
		return web_redirect(r, "/login");
	ensure_session(r);
	const char *error = NULL;
	int status = 200;
	if (!strcmp(r->method, "POST")) {
		struct web_sessions *ss = web_sessions(r->srv);
		if (web_throttled(ss, "unlock"))
			return web_error(r, 429, NULL);
		const char *pass = web_form(r, "passphrase");
		tg_error err = {0};
		if (pass && !web_unlock(r->srv, pass, &err))
			return web_redirect(r, "/login");
		web_login_failed(ss, "unlock");
		error = _("Wrong passphrase.");
		status = 401;
	}
	web_page_begin(r, _("Unlock the database"));
	tg_strbuf_adds(&r->out, "<p>");
	web_esc(&r->out, _("The database was locked after a time without use, and its keys were"
	                   " wiped from memory. Its passphrase unlocks it."));
	tg_strbuf_adds(&r->out, "</p><form method=\"post\" action=\"/unlock\" class=\"card\">");
	web_csrf_field(r);
	input(r, "passphrase", _("Passphrase"), "password", NULL, "current-password", error);
	submit(r, _("Unlock"));
	web_page_end(r);
	r->status = status;
	return status;
}

bool web_reauthed(struct web_req *r)
{
	return r->by_token || (r->has_sess && tg_now_ms() - r->sess.reauth < REAUTH_MS);
}

int web_need_reauth(struct web_req *r)
{
	if (web_is_api(r))
		return web_json_error(r, 401, "reauthenticate",
		                      _("Confirm your password first (POST /reauth)."), NULL);
	return web_redirect_next(r, "/reauth");
}

int web_page_reauth(struct web_req *r, const char *rest)
{
	if (!r->authed)
		return web_redirect(r, "/login");
	const char *error = NULL;
	int status = 200;
	const char *next = web_arg(r, "next") ? web_arg(r, "next") : web_form(r, "next");
	if (!strcmp(r->method, "POST")) {
		struct web_sessions *ss = web_sessions(r->srv);
		tg_store *st = web_store(r);
		tg_error err = {0};
		char ukey[96];
		snprintf(ukey, sizeof ukey, "user:%s", r->user.name);
		if (web_throttled(ss, ukey))
			return web_error(r, 429, NULL);
		if (st && !tg_user_check(st, r->user.name, web_form(r, "password") ?
		                                               web_form(r, "password") : "", &err)) {
			r->sess.reauth = tg_now_ms();
			web_session_put(ss, &r->sess);
			return web_redirect(r, next ? next : "/");
		}
		web_login_failed(ss, ukey);
		error = _("Wrong password.");
		status = 401;
	}
	web_page_begin(r, _("Confirm your password"));
	tg_strbuf_adds(&r->out, "<p>");
	web_esc(&r->out, _("Exports, deletions and account changes ask for your password again."));
	tg_strbuf_adds(&r->out, "</p><form method=\"post\" action=\"/reauth\" class=\"card\">");
	web_csrf_field(r);
	if (next) {
		tg_strbuf_adds(&r->out, "<input type=\"hidden\" name=\"next\" value=\"");
		web_esc(&r->out, next);
		tg_strbuf_adds(&r->out, "\">");
	}
	input(r, "password", _("Password"), "password", NULL, "current-password", error);
	submit(r, _("Confirm"));
	web_page_end(r);
	r->status = status;
	return status;
}

/* ---- sessions and second factor of one's own account ---- */

struct sess_list {
	struct web_req *r;
};

static void one_session(void *ctx, const struct web_session *s)
{
	struct web_req *r = ((struct sess_list *)ctx)->r;
	tg_strbuf *o = &r->out;
	char at[TG_TIME_LEN];
	time_t t = (time_t)(s->created / 1000);
	struct tm tm;
	strftime(at, sizeof at, "%Y-%m-%d %H:%M UTC", gmtime_r(&t, &tm)); /* threads */
	bool mine = !strcmp(s->id, r->sess.id);
	tg_strbuf_adds(o, "<tr><td>");
	web_esc(o, at);
	tg_strbuf_adds(o, "</td><td>");
	web_esc(o, s->ip);
	tg_strbuf_adds(o, "</td><td>");
	web_esc(o, s->agent);
	tg_strbuf_adds(o, "</td><td>");
	if (mine) {
		web_esc(o, _("this session"));
	} else {
		/* The id is never shown: a short fingerprint names the session. */
		uint8_t h[8];
		char hex[17];
		crypto_generichash(h, sizeof h, (const uint8_t *)s->id, strlen(s->id), NULL, 0);
		sodium_bin2hex(hex, sizeof hex, h, sizeof h);
		tg_strbuf_adds(o, "<form method=\"post\" action=\"/sessions\" class=\"inline\">");
		web_csrf_field(r);
		tg_strbuf_addf(o, "<input type=\"hidden\" name=\"end\" value=\"%s\">"
		                  "<button type=\"submit\">", hex);
		web_esc(o, _("End"));
		tg_strbuf_adds(o, "</button></form>");
	}
	tg_strbuf_adds(o, "</td></tr>");
}

struct end_ctx {
	const char *fp;
	char id[WEB_SESSION_ID_LEN + 1];
};

static void match_session(void *ctx, const struct web_session *s)
{
	struct end_ctx *e = ctx;
	uint8_t h[8];
	char hex[17];
	crypto_generichash(h, sizeof h, (const uint8_t *)s->id, strlen(s->id), NULL, 0);
	sodium_bin2hex(hex, sizeof hex, h, sizeof h);
	if (!strcmp(hex, e->fp))
		snprintf(e->id, sizeof e->id, "%s", s->id);
}

static void totp_section(struct web_req *r, const char *pending, const char *error)
{
	tg_strbuf *o = &r->out;
	tg_strbuf_adds(o, "<h2>");
	web_esc(o, _("Second factor"));
	tg_strbuf_adds(o, "</h2>");
	if (r->user.totp) {
		tg_strbuf_adds(o, "<p>");
		web_esc(o, _("Signing in asks for a code from your authenticator app."));
		tg_strbuf_adds(o, "</p>");
		return;
	}
	tg_strbuf_adds(o, "<p>");
	web_esc(o, r->user.role == WEB_ADMIN
	               ? _("Administrators must add a second factor: enter this key in an"
	                   " authenticator app (TOTP), then give the code it shows.")
	               : _("Add a second factor: enter this key in an authenticator app (TOTP),"
	                   " then give the code it shows."));
	tg_strbuf_adds(o, "</p><form method=\"post\" action=\"/sessions\" class=\"card\">");
	web_csrf_field(r);
	tg_strbuf_addf(o, "<p><code class=\"secret\">%s</code></p>"
	                  "<input type=\"hidden\" name=\"secret\" value=\"%s\">", pending, pending);
	tg_strbuf_adds(o, "<p class=\"small\">otpauth://totp/tergeu:");
	web_esc(o, r->user.name);
	tg_strbuf_addf(o, "?secret=%s&amp;issuer=tergeu</p>", pending);
	input(r, "code", _("Code"), "text", NULL, "one-time-code", error);
	submit(r, _("Turn on"));
}

int web_page_sessions(struct web_req *r, const char *rest)
{
	if (!r->authed)
		return web_redirect(r, "/login?next=/sessions");
	struct web_sessions *ss = web_sessions(r->srv);
	const char *totp_error = NULL;
	char secret[WEB_TOTP_SECRET_LEN + 1];
	web_totp_new_secret(secret);
	if (!strcmp(r->method, "POST")) {
		const char *end = web_form(r, "end"), *sec = web_form(r, "secret");
		if (end) {
			struct end_ctx e = {end, ""};
			web_sessions_of(ss, r->user.name, match_session, &e);
			if (*e.id)
				web_session_end(ss, e.id);
			sodium_memzero(&e, sizeof e);
			return web_redirect(r, "/sessions");
		}
		if (sec && strlen(sec) == WEB_TOTP_SECRET_LEN && !r->user.totp) {
			tg_store *st = web_store(r);
			tg_error err = {0};
			uint64_t last = 0;
			if (web_totp_check(sec, web_form(r, "code"), tg_now_ms() / 1000, &last) && st &&
			    !tg_user_totp_set(st, r->user.name, sec, &err)) {
				/* Other sessions were made without the factor. */
				web_sessions_end_all(ss, r->user.name);
				r->user.totp = true;
				return signed_in(r, &r->user);
			}
			snprintf(secret, sizeof secret, "%s", sec);
			totp_error = _("The code is not right: check the app's clock and the key.");
		} else {
			return web_error(r, 400, NULL);
		}
	}
	web_page_begin(r, _("Your sessions"));
	tg_strbuf *o = &r->out;
	tg_strbuf_addf(o, "<table><thead><tr><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
	                  "<th scope=\"col\">%s</th><th scope=\"col\"></th></tr></thead><tbody>",
	               _("Signed in"), _("Address"), _("Browser"));
	struct sess_list l = {r};
	web_sessions_of(ss, r->user.name, one_session, &l);
	tg_strbuf_adds(o, "</tbody></table>");
	totp_section(r, secret, totp_error);
	sodium_memzero(secret, sizeof secret);
	web_page_end(r);
	return r->status;
}

int web_static(struct web_req *r, const char *rest)
{
	static const struct { const char *name, *type, *body; } files[] = {
		{"style.css", "text/css; charset=utf-8", tg_data_style_css},
		{"app.js", "text/javascript; charset=utf-8", tg_data_app_js},
	};
	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
		if (strcmp(rest, files[i].name))
			continue;
		tg_strbuf_reset(&r->out);
		tg_strbuf_adds(&r->out, files[i].body);
		r->ctype = files[i].type;
		return r->status = 200;
	}
	return web_error(r, 404, NULL);
}
