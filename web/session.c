/*
 * Sessions live in the server's memory only: a restart or the idle lock
 * ends them all, and nothing about who was signed in reaches the disk.
 * Ids and CSRF tokens are 32 random bytes each; a login makes a new id.
 * Failed logins are counted per account and per address over a sliding
 * hour: past the limit the answer is 429 until old failures age out, so
 * an attacker can slow a user down but never lock them out for good.
 * An address ("ip:..." keys) may fail ADDRESS_WEIGHT times as often as an
 * account: on loopback every client has the same address, and one account
 * under attack must not lock every other account out.
 */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "web/web-int.h"

enum { SESSIONS_MAX = 10000, KEYS_MAX = 4096, HOUR_MS = 3600 * 1000, ADDRESS_WEIGHT = 10 };

struct fails {
	char key[96];
	uint64_t at[WEB_LOGIN_FAILS_MAX]; /* ring of failure times */
	int n, head;
	int pending; /* an address's failures not yet in the ring */
	uint64_t last;
};

struct web_sessions {
	pthread_mutex_t mu;
	uint64_t idle_ms, max_ms;
	struct web_session *s;
	int n;
	struct fails *f;
	int nf;
};

struct web_sessions *web_sessions_new(int idle_s, int max_s)
{
	struct web_sessions *s = calloc(1, sizeof *s);
	if (!s || sodium_init() < 0)
		abort();
	pthread_mutex_init(&s->mu, NULL);
	s->idle_ms = (uint64_t)(idle_s > 0 ? idle_s : 1800) * 1000;
	s->max_ms = (uint64_t)(max_s > 0 ? max_s : 12 * 3600) * 1000;
	/* Session ids are secrets: keep them out of swap and core files. */
	s->s = sodium_allocarray(SESSIONS_MAX, sizeof *s->s);
	s->f = calloc(KEYS_MAX, sizeof *s->f);
	if (!s->s || !s->f)
		abort();
	return s;
}

void web_sessions_free(struct web_sessions *s)
{
	if (!s)
		return;
	sodium_free(s->s);
	free(s->f);
	pthread_mutex_destroy(&s->mu);
	free(s);
}

static bool expired(const struct web_sessions *s, const struct web_session *ss, uint64_t now)
{
	/* Another thread may have stamped a later time than now: not idle. */
	return (now > ss->seen && now - ss->seen > s->idle_ms) ||
	       (now > ss->created && now - ss->created > s->max_ms);
}

static void drop(struct web_sessions *s, int i)
{
	s->s[i] = s->s[--s->n];
	sodium_memzero(&s->s[s->n], sizeof s->s[s->n]);
}

static int find(struct web_sessions *s, const char *id)
{
	if (!id || strlen(id) != WEB_SESSION_ID_LEN)
		return -1;
	for (int i = 0; i < s->n; i++)
		if (!sodium_memcmp(s->s[i].id, id, WEB_SESSION_ID_LEN))
			return i;
	return -1;
}

bool web_session_get(struct web_sessions *s, const char *id, struct web_session *out)
{
	pthread_mutex_lock(&s->mu);
	uint64_t now = tg_now_ms();
	int i = find(s, id);
	if (i >= 0 && expired(s, &s->s[i], now)) {
		drop(s, i);
		i = -1;
	}
	if (i >= 0) {
		s->s[i].seen = now;
		*out = s->s[i];
	}
	pthread_mutex_unlock(&s->mu);
	return i >= 0;
}

static void random_token(char *out, size_t len)
{
	uint8_t raw[32];
	randombytes_buf(raw, sizeof raw);
	sodium_bin2base64(out, len + 1, raw, sizeof raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(raw, sizeof raw);
}

void web_session_new(struct web_sessions *s, const struct web_user *u, bool authed,
                     const struct web_req *r, struct web_session *out)
{
	memset(out, 0, sizeof *out);
	random_token(out->id, WEB_SESSION_ID_LEN);
	random_token(out->csrf, WEB_CSRF_LEN);
	if (u)
		out->user = *u;
	out->authed = authed;
	out->created = out->seen = tg_now_ms();
	out->reauth = authed ? out->created : 0;
	const char *agent = r ? MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND,
	                                                    MHD_HTTP_HEADER_USER_AGENT)
	                      : NULL;
	snprintf(out->agent, sizeof out->agent, "%s", agent ? agent : "");
	snprintf(out->ip, sizeof out->ip, "%s", r ? r->ip : "");
	pthread_mutex_lock(&s->mu);
	for (int i = s->n - 1; i >= 0; i--)
		if (expired(s, &s->s[i], out->created))
			drop(s, i);
	if (s->n == SESSIONS_MAX) {
		/* Full: the visitor session seen least recently makes room, else
		 * the oldest of all. */
		int victim = 0;
		for (int i = 1; i < s->n; i++)
			if (s->s[i].authed < s->s[victim].authed ||
			    (s->s[i].authed == s->s[victim].authed && s->s[i].seen < s->s[victim].seen))
				victim = i;
		drop(s, victim);
	}
	s->s[s->n++] = *out;
	pthread_mutex_unlock(&s->mu);
}

void web_session_put(struct web_sessions *s, const struct web_session *in)
{
	pthread_mutex_lock(&s->mu);
	int i = find(s, in->id);
	if (i >= 0) {
		memcpy(s->s[i].lang, in->lang, sizeof in->lang);
		s->s[i].reauth = in->reauth;
		s->s[i].totp_pending = in->totp_pending;
		s->s[i].authed = in->authed;
		s->s[i].user = in->user;
	}
	pthread_mutex_unlock(&s->mu);
}

void web_session_end(struct web_sessions *s, const char *id)
{
	pthread_mutex_lock(&s->mu);
	int i = find(s, id);
	if (i >= 0)
		drop(s, i);
	pthread_mutex_unlock(&s->mu);
}

void web_sessions_end_all(struct web_sessions *s, const char *name)
{
	pthread_mutex_lock(&s->mu);
	for (int i = s->n - 1; i >= 0; i--)
		if (!name || (s->s[i].authed && !strcmp(s->s[i].user.name, name)))
			drop(s, i);
	pthread_mutex_unlock(&s->mu);
}

static int by_created_desc(const void *a, const void *b)
{
	const struct web_session *x = a, *y = b;
	return x->created < y->created ? 1 : x->created > y->created ? -1 : 0;
}

void web_sessions_of(struct web_sessions *s, const char *name,
                     void (*cb)(void *ctx, const struct web_session *ss), void *ctx)
{
	pthread_mutex_lock(&s->mu);
	uint64_t now = tg_now_ms();
	int n = 0;
	struct web_session *mine = sodium_allocarray((size_t)(s->n ? s->n : 1), sizeof *mine);
	if (!mine)
		abort();
	for (int i = 0; i < s->n; i++)
		if (s->s[i].authed && !strcmp(s->s[i].user.name, name) && !expired(s, &s->s[i], now))
			mine[n++] = s->s[i];
	pthread_mutex_unlock(&s->mu);
	qsort(mine, (size_t)n, sizeof *mine, by_created_desc);
	for (int i = 0; i < n; i++)
		cb(ctx, &mine[i]);
	sodium_free(mine);
}

/* The failure record of key, made when missing and make is set. */
static struct fails *fails_of(struct web_sessions *s, const char *key, bool make)
{
	int oldest = 0;
	for (int i = 0; i < s->nf; i++) {
		if (!strcmp(s->f[i].key, key))
			return &s->f[i];
		if (s->f[i].last < s->f[oldest].last)
			oldest = i;
	}
	if (!make)
		return NULL;
	struct fails *f = s->nf < KEYS_MAX ? &s->f[s->nf++] : &s->f[oldest];
	memset(f, 0, sizeof *f);
	snprintf(f->key, sizeof f->key, "%s", key);
	return f;
}

static int recent(const struct fails *f, uint64_t now)
{
	int n = 0;
	for (int i = 0; i < f->n; i++)
		if (now - f->at[i] < HOUR_MS)
			n++;
	return n;
}

bool web_throttled(struct web_sessions *s, const char *key)
{
	pthread_mutex_lock(&s->mu);
	struct fails *f = fails_of(s, key, false);
	bool t = f && recent(f, tg_now_ms()) >= WEB_LOGIN_FAILS_MAX;
	pthread_mutex_unlock(&s->mu);
	return t;
}

void web_login_failed(struct web_sessions *s, const char *key)
{
	uint64_t now = tg_now_ms();
	pthread_mutex_lock(&s->mu);
	struct fails *f = fails_of(s, key, true);
	f->last = now;
	/* An address takes a slot of its ring every ADDRESS_WEIGHT failures. */
	if (!strncmp(key, "ip:", 3) && ++f->pending < ADDRESS_WEIGHT) {
		pthread_mutex_unlock(&s->mu);
		return;
	}
	f->pending = 0;
	f->at[f->head] = now;
	f->head = (f->head + 1) % WEB_LOGIN_FAILS_MAX;
	if (f->n < WEB_LOGIN_FAILS_MAX)
		f->n++;
	f->last = now;
	pthread_mutex_unlock(&s->mu);
}

void web_set_cookie(struct web_req *r, const char *id)
{
	/* __Host-: Secure, Path=/ and no Domain, so no other site or subdomain
	 * can set or read it. Chromium and curl accept Secure cookies from
	 * http://127.0.0.1 and localhost, so loopback works without TLS. */
	char v[256];
	snprintf(v, sizeof v, "__Host-sid=%s; Path=/; Secure; HttpOnly; SameSite=Strict%s", id,
	         *id ? "" : "; Max-Age=0");
	web_add_header(r, MHD_HTTP_HEADER_SET_COOKIE, v);
}

bool web_csrf_ok(struct web_req *r)
{
	if (!r->has_sess)
		return false;
	const char *sent = web_form(r, "csrf");
	if (!sent)
		sent = web_header(r, "X-CSRF-Token");
	return sent && strlen(sent) == WEB_CSRF_LEN &&
	       !sodium_memcmp(sent, r->sess.csrf, WEB_CSRF_LEN);
}
