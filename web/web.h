/*
 * web — the HTTP server: server-rendered pages in kk/ru/en that work
 * without JavaScript, and a JSON API under /api/v1/, both over the same
 * library calls as the CLI.  One entry point for the `serve` command.
 */
#ifndef TG_WEB_H
#define TG_WEB_H

#include "store/keys.h"
#include "util/util.h"

typedef struct tg_web_opts {
	const char *db;               /* database path */
	const char *listen;           /* "ADDR:PORT"; default 127.0.0.1:8080 */
	const char *tls_cert, *tls_key; /* PEM files, both or neither */
	const char *hosts;            /* extra names allowed in Host, comma-separated */
	const char *lang;             /* language before the reader chooses */
	int threads;                  /* worker threads (0: 2) */
	int idle_lock;                /* seconds without a request before keys are wiped (0: off) */
	int session_idle, session_max; /* seconds */
	/* Called once the server listens, with its address. */
	void (*ready)(void *ctx, const char *url);
	void *ctx;
} tg_web_opts;

/* Serves until SIGTERM or SIGINT, then finishes the requests in progress
 * and returns 0.  keys (NULL for a database made with --no-encrypt) are
 * owned by the server from now on: wiped at the idle lock, re-made from the
 * passphrase a user gives on the unlock page, freed at the end.  EINVAL for
 * bad options (naming the option), EIO when the address cannot be bound. */
int tg_web_serve(const tg_web_opts *o, tg_keys *keys, tg_error *err);

#endif
