/*
 * The HTTP layer in process: the web server (web_server_new) over a small
 * demo database, its daemon without a listening socket.  An input is what
 * a client sends on one connection, one request or several pipelined: it
 * goes in through one end of a socketpair handed to the daemon
 * (MHD_add_connection), the write side is shut, and the daemon runs in
 * this thread until it closes the connection.
 *
 * Sessions: every input starts with the same three, made afresh: an
 * administrator's, a viewer's and a visitor's (not signed in, as the
 * login form makes).  Marks in the input stand for their ids and CSRF
 * tokens: @SID, @CSRF (the administrator's), @VSID, @VCSRF (the
 * viewer's), @GSID, @GCSRF (the visitor's), each padded with '@' to the
 * 43 characters of what it stands for, so that a Content-Length stays
 * right; and @TOKEN, padded to 47, for an API token of the
 * administrator.  So the seeds reach what is behind the sign-in.  What
 * inputs write stays, until renew() makes the server and the database
 * again.
 *
 * Checked in every response: a status line; the security headers of
 * server.c (all or, on libmicrohttpd's own error answers, none); no 5xx
 * (the database is neither locked nor failing); a redirect only to a
 * local path; the session cookie only as __Host- with Secure, HttpOnly,
 * SameSite=Strict.
 */
#include <assert.h>
#include <errno.h>
#include <ftw.h>
#include <libgen.h>
#include <limits.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "fuzz.h"
#include "gen/gen.h"
#include "web/web-int.h"

enum {
	INPUT_MAX = 64 * 1024,
	ANSWER_MAX = 1 << 20,
	IDLE_ROUNDS = 2000,
	GROWTH_MAX = 8 << 20, /* what inputs may add to the database before it is made again */
};

static char dir[PATH_MAX], db[PATH_MAX + 16];
static tg_web_opts opts;
static struct web_server *srv;
static struct MHD_Daemon *mhd;
static char token[64];
static char *pristine; /* the database as made, and its length */
static size_t pristine_len;
static bool show; /* FUZZ_HTTP_SHOW=1: the answers to stderr, to look at a finding */

struct seat {
	const char *sid_name, *csrf_name;
	struct web_user user;
	bool authed;
	char sid_mark[WEB_SESSION_ID_LEN + 1], csrf_mark[WEB_CSRF_LEN + 1];
	struct web_session sess;
};
static struct seat seats[] = {
	{.sid_name = "SID", .csrf_name = "CSRF", .authed = true,
	 .user = {.name = "admin", .role = WEB_ADMIN, .clearance = TG_CLEAR_CONFIDENTIAL,
	          .totp = true}},
	{.sid_name = "VSID", .csrf_name = "VCSRF", .authed = true,
	 .user = {.name = "viewer", .role = WEB_VIEWER, .clearance = TG_CLEAR_PUBLIC}},
	{.sid_name = "GSID", .csrf_name = "GCSRF"},
};
enum { NSEATS = sizeof seats / sizeof seats[0], TOKEN_LEN = 47 };
static char token_mark[TOKEN_LEN + 1];

/* "@" name, then '@' up to len characters. */
static void make_mark(char *out, const char *name, size_t len)
{
	memset(out, '@', len);
	memcpy(out + 1, name, strlen(name));
	out[len] = '\0';
}

static void die(const char *what, const tg_error *err)
{
	fprintf(stderr, "fuzz-http: %s: %s\n", what, err ? err->msg : strerror(errno));
	abort();
}

static int remove_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	return remove(path);
}

static void remove_dir(void)
{
	if (mhd)
		MHD_stop_daemon(mhd);
	web_server_free(srv);
	free(pristine);
	nftw(dir, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* The size of file path plus suffix, 0 when there is none. */
static off_t file_size(const char *suffix)
{
	char path[sizeof db + 16];
	struct stat sb;
	snprintf(path, sizeof path, "%s%s", db, suffix);
	return stat(path, &sb) ? 0 : sb.st_size;
}

/* The demo's founding case and a small population, two users and a token. */
static void make_database(void)
{
	tg_store *st;
	tg_error err;
	if (tg_store_open(db, TG_OPEN_CREATE, &st, &err))
		die(db, &err);
	tg_gen_opts g = {.seed = 1, .size = 40, .nlists = 3};
	if (tg_gen_demo(st, &g, NULL, NULL, &err))
		die("demo", &err);
	if (tg_user_add(st, "admin", "admin", NULL, "Kettle orchard winter 42", &err) ||
	    tg_user_add(st, "viewer", "viewer", "public", "Lantern meadow autumn 7", &err) ||
	    tg_token_create(st, "admin", "fuzz", token, sizeof token, &err))
		die("users", &err);
	assert(strlen(token) == TOKEN_LEN);
	tg_store_close(st);
	if (tg_read_file(db, &pristine, &pristine_len, &err))
		die(db, &err);
}

/* The database back as make_database left it (no connection is open):
 * its file, no WAL, no vault. */
static void restore_database(void)
{
	FILE *f = fopen(db, "wb");
	if (!f || fwrite(pristine, 1, pristine_len, f) != pristine_len || fclose(f))
		die(db, NULL);
	char path[sizeof db + 16];
	snprintf(path, sizeof path, "%s-wal", db);
	unlink(path);
	snprintf(path, sizeof path, "%s-shm", db);
	unlink(path);
	snprintf(path, sizeof path, "%s-vault", db);
	nftw(path, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* The kk, ru and en catalogs of the build tree (build-fuzz/po), when built. */
static void load_catalogs(void)
{
	char exe[PATH_MAX], po[PATH_MAX + 16];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n <= 0)
		return;
	exe[n] = '\0';
	snprintf(po, sizeof po, "%s/../po", dirname(dirname(exe)));
	tg_i18n_load(po);
}

static void start_server(void)
{
	tg_error err;
	if (web_server_new(&opts, NULL, &srv, &err))
		die("server", &err);
	mhd = web_server_start_daemon(srv, true);
	if (!mhd)
		die("daemon", NULL);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	/* Argon2id at its floor, so that a sign-in costs little. */
	setenv("TERGEU_TEST", "1", 1);
	setenv("TERGEU_TEST_WEAK_KDF", "1", 1);
	setenv("LANGUAGE", "en", 1);
	signal(SIGPIPE, SIG_IGN);
	show = getenv("FUZZ_HTTP_SHOW") && !strcmp(getenv("FUZZ_HTTP_SHOW"), "1");
	const char *tmp = getenv("TMPDIR");
	snprintf(dir, sizeof dir, "%s/tergeu-fuzz-http.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(dir))
		die("mkdtemp", NULL);
	snprintf(db, sizeof db, "%s/fuzz.db", dir);
	make_database();
	load_catalogs();
	for (int i = 0; i < NSEATS; i++) {
		make_mark(seats[i].sid_mark, seats[i].sid_name, WEB_SESSION_ID_LEN);
		make_mark(seats[i].csrf_mark, seats[i].csrf_name, WEB_CSRF_LEN);
	}
	make_mark(token_mark, "TOKEN", TOKEN_LEN);
	opts = (tg_web_opts){.db = db, .listen = "127.0.0.1:8080", .lang = "en",
	                     .session_idle = 24 * 3600, .session_max = 24 * 3600};
	start_server();
	atexit(remove_dir);
	return 0;
}

/* The sessions of the seats, made afresh: no input sees a session
 * another made, nor one another ended. */
static void reset_sessions(void)
{
	struct web_sessions *ss = web_sessions(srv);
	web_sessions_end_all(ss, NULL);
	for (int i = 0; i < NSEATS; i++)
		web_session_new(ss, seats[i].authed ? &seats[i].user : NULL, seats[i].authed, NULL,
		                &seats[i].sess);
}

/* A fresh server when what earlier inputs did would change much of what
 * the next one sees: past the sign-in limits (every login would be 429),
 * or a database grown by GROWTH_MAX (longer lists, slower pages); the
 * database is then as made again. */
static void renew(void)
{
	struct web_sessions *ss = web_sessions(srv);
	bool throttled = web_throttled(ss, "ip:127.0.0.1") || web_throttled(ss, "user:admin") ||
	                 web_throttled(ss, "user:viewer");
	if (!throttled && file_size("") + file_size("-wal") < (off_t)pristine_len + GROWTH_MAX)
		return;
	MHD_stop_daemon(mhd);
	web_server_free(srv);
	restore_database();
	start_server();
}

/* The input with the marks replaced by what they stand for, of the same
 * length. */
static void expand(const uint8_t *data, size_t size, tg_strbuf *out)
{
	tg_strbuf_add(out, (const char *)data, size);
	for (int i = 0; i <= 2 * NSEATS; i++) {
		const char *mark = i == 2 * NSEATS ? token_mark
		                   : i % 2        ? seats[i / 2].csrf_mark
		                                  : seats[i / 2].sid_mark;
		const char *value = i == 2 * NSEATS ? token
		                    : i % 2        ? seats[i / 2].sess.csrf
		                                   : seats[i / 2].sess.id;
		size_t n = strlen(mark);
		assert(strlen(value) == n);
		char *end = out->buf + out->len;
		for (char *p = out->buf; p && (p = memmem(p, (size_t)(end - p), mark, n)); p += n)
			memcpy(p, value, n);
	}
}

static size_t connections(void)
{
	const union MHD_DaemonInfo *di =
		MHD_get_daemon_info(mhd, MHD_DAEMON_INFO_CURRENT_CONNECTIONS);
	return di ? di->num_connections : 0;
}

/* Sends req on a new connection and gathers the answer until the daemon
 * closes it (true) or stays silent for IDLE_ROUNDS rounds. */
static bool exchange(const tg_strbuf *req, tg_strbuf *answer)
{
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv))
		die("socketpair", NULL);
	struct sockaddr_in peer = {.sin_family = AF_INET, .sin_port = htons(40000),
	                           .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	if (MHD_add_connection(mhd, sv[0], (const struct sockaddr *)&peer, sizeof peer) != MHD_YES)
		die("MHD_add_connection", NULL);
	size_t sent = 0;
	bool shut = false, eof = false;
	for (int idle = 0; !eof && idle < IDLE_ROUNDS; idle++) {
		if (sent < req->len) {
			ssize_t n = send(sv[1], req->buf + sent, req->len - sent,
			                 MSG_DONTWAIT | MSG_NOSIGNAL);
			if (n > 0) {
				sent += (size_t)n;
				idle = 0;
			} else if (errno != EAGAIN) {
				sent = req->len; /* the daemon closed the connection */
			}
		}
		if (sent == req->len && !shut) {
			shutdown(sv[1], SHUT_WR);
			shut = true;
		}
		MHD_run(mhd);
		for (;;) {
			char buf[16384];
			ssize_t n = recv(sv[1], buf, sizeof buf, MSG_DONTWAIT);
			if (n <= 0) {
				eof = n == 0 || errno != EAGAIN;
				break;
			}
			if (answer->len < ANSWER_MAX)
				tg_strbuf_add(answer, buf, (size_t)n);
			idle = 0;
		}
	}
	close(sv[1]);
	/* The daemon sees the end and lets the connection go. */
	for (int i = 0; connections() && i < IDLE_ROUNDS; i++)
		MHD_run(mhd);
	assert(!connections());
	return eof;
}

/* The headers every answer of server.c carries (respond()), in full but
 * the CSP, whose parts are checked apart (a document has its own). */
static const char *const security_headers[] = {
	"Content-Security-Policy: ",
	"X-Content-Type-Options: nosniff",
	"X-Frame-Options: DENY",
	"Cache-Control: no-store",
	"Referrer-Policy: no-referrer",
	"Cross-Origin-Opener-Policy: same-origin",
	"Cross-Origin-Resource-Policy: same-origin",
	"Permissions-Policy: camera=(), microphone=(), geolocation=()",
	"Vary: Cookie, Accept-Language",
};
enum { NSECURITY = sizeof security_headers / sizeof security_headers[0] };

/* Does [p, end) start with prefix, ignoring case? */
static bool starts(const char *p, const char *end, const char *prefix)
{
	size_t n = strlen(prefix);
	return (size_t)(end - p) >= n && !strncasecmp(p, prefix, n);
}

static bool contains(const char *p, const char *end, const char *part)
{
	return memmem(p, (size_t)(end - p), part, strlen(part)) != NULL;
}

/* A property of the answers: when it fails, what and where, then abort. */
static void expect(bool ok, const char *what, const char *p, const char *end)
{
	if (ok)
		return;
	fprintf(stderr, "fuzz-http: %s:\n%.*s\n", what, (int)(end - p), p);
	abort();
}

/* One header line [p, end) of an answer: which security header it is (bit
 * i of *seen), the rules of the others, the body's length. */
static void check_header(const char *p, const char *end, int status, unsigned *seen,
                         long long *length, bool *chunked)
{
	for (int i = 0; i < NSECURITY; i++) {
		/* A fixed value is the whole line, a prefix only the CSP's. */
		if (starts(p, end, security_headers[i]) &&
		    (i == 0 || (size_t)(end - p) == strlen(security_headers[i])))
			*seen |= 1u << i;
	}
	if (starts(p, end, "Content-Security-Policy: "))
		expect(contains(p, end, "default-src 'none'") &&
		       contains(p, end, "frame-ancestors 'none'") &&
		       !contains(p, end, "unsafe-inline"), "a weak CSP", p, end);
	if (starts(p, end, "Location: ")) {
		/* A redirect, or where a record was made: a path of this server. */
		const char *to = p + strlen("Location: ");
		expect(((status >= 300 && status < 400) || status == 201) && end - to >= 1 &&
		       to[0] == '/' && (end - to < 2 || (to[1] != '/' && to[1] != '\\')),
		       "a Location off this server", p, end);
	}
	if (starts(p, end, "Set-Cookie: "))
		expect(starts(p, end, "Set-Cookie: __Host-sid=") &&
		       contains(p, end, "; Path=/; Secure; HttpOnly; SameSite=Strict"),
		       "a cookie not bound to this host", p, end);
	if (starts(p, end, "Content-Length: "))
		*length = strtoll(p + strlen("Content-Length: "), NULL, 10);
	if (starts(p, end, "Transfer-Encoding: ") && contains(p, end, "chunked"))
		*chunked = true;
}

/* Answers libmicrohttpd gives itself, without the server's headers, to
 * requests it refuses before they reach the server: malformed, too long,
 * an HTTP version or transfer coding it does not know. */
static bool mhd_status(int status)
{
	/* 100 Continue is an interim answer: the final one carries the
	 * headers. */
	return status == 100 || status == 400 || status == 413 || status == 414 || status == 431 ||
	       status == 501 || status == 505;
}

/* Checks the answers in [p, p + len), one after another; truncated when
 * the gathering stopped at ANSWER_MAX. */
static void check_answers(const char *p, size_t len, bool truncated)
{
	const char *end = p + len;
	while (p < end) {
		const char *eoh = memmem(p, (size_t)(end - p), "\r\n\r\n", 4);
		expect(eoh || truncated, "an answer without the end of its headers", p, end);
		if (!eoh)
			return;
		const char *code = p + 9;
		expect((starts(p, eoh, "HTTP/1.1 ") || starts(p, eoh, "HTTP/1.0 ")) &&
		       code + 3 <= eoh && strspn(code, "0123456789") == 3 &&
		       (code[3] == ' ' || code[3] == '\r') && code[0] >= '1' && code[0] <= '5',
		       "a malformed status line", p, eoh);
		int status = (code[0] - '0') * 100 + (code[1] - '0') * 10 + (code[2] - '0');
		unsigned seen = 0;
		long long length = -1;
		bool chunked = false;
		const char *line = (const char *)memmem(p, (size_t)(eoh + 2 - p), "\r\n", 2) + 2;
		while (line < eoh) {
			const char *eol = memmem(line, (size_t)(eoh + 2 - line), "\r\n", 2);
			check_header(line, eol, status, &seen, &length, &chunked);
			line = eol + 2;
		}
		expect(seen == (1u << NSECURITY) - 1 || (!seen && mhd_status(status)),
		       "an answer without the security headers", p, eoh);
		/* Here the database is neither locked nor failing. */
		expect(status < 500 || !seen, "a server error", p, eoh);
		p = eoh + 4;
		if (status < 200 || status == 204 || status == 304)
			continue;
		if (chunked || length < 0)
			return; /* the body runs to the end */
		/* An answer to HEAD says its length and sends no body. */
		if (p == end || starts(p, end, "HTTP/1."))
			continue;
		expect(end - p >= length || truncated, "an answer shorter than its length", p, end);
		if (end - p < length)
			return;
		p += length;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > INPUT_MAX)
		return 0;
	reset_sessions();
	tg_strbuf req = TG_STRBUF_INIT, answer = TG_STRBUF_INIT;
	expand(data, size, &req);
	bool closed = exchange(&req, &answer);
	if (show)
		fwrite(answer.buf ? answer.buf : "", 1, answer.len, stderr);
	if (answer.len)
		check_answers(answer.buf, answer.len, !closed || answer.len >= ANSWER_MAX);
	tg_strbuf_release(&req);
	tg_strbuf_release(&answer);
	renew();
	return 0;
}
