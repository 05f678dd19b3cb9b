/* tergeu serve [--listen ADDRESS:PORT] [--tls-cert FILE --tls-key FILE]
 *              [--hosts NAME,...] [--threads N] [--idle-lock MINUTES]
 *              [--session-idle MINUTES] [--session-max HOURS]
 * The web interface and JSON API on the database, until SIGTERM or ^C. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "web/web.h"

static void ready(void *ctx, const char *url)
{
	struct cli *c = ctx;
	printf(_("tergeu: serving %s at %s (Ctrl-C stops)\n"), c->db, url);
	fflush(stdout);
}

/* A whole number in [lo, hi] for option opt, or prints a usage error. */
static int number(const char *opt, const char *v, int lo, int hi, int *out)
{
	char *end = NULL;
	long n = v ? strtol(v, &end, 10) : 0;
	if (!v || !*v || *end || n < lo || n > hi)
		return cli_usage_error("serve", _("%s takes a whole number from %d to %d"), opt, lo, hi);
	*out = (int)n;
	return 0;
}

/* Freed memory must not keep names after the idle lock (T4): glibc's
 * per-thread cache keeps freed chunks as they were, so the server runs
 * without it and with freed chunks overwritten (perturb); and the stacks
 * of the worker threads the lock ends are unmapped, not kept for the next
 * ones (they hold what the HTTP library copied there). Tunables are read
 * at start-up only: the process starts itself again once with them. */
static void reexec_with_wiping_malloc(char **argv_all)
{
	static const char tunables[] =
		"glibc.malloc.tcache_count=0:glibc.malloc.perturb=165:glibc.pthread.stack_cache_size=0";
	const char *have = getenv("GLIBC_TUNABLES");
	if (have && strstr(have, "glibc.malloc.perturb="))
		return;
	char *both = NULL;
	if (have && *have && asprintf(&both, "%s:%s", have, tunables) < 0)
		return;
	setenv("GLIBC_TUNABLES", both ? both : tunables, 1);
	free(both);
	execv("/proc/self/exe", argv_all);
	/* On failure, serve as it is. */
}

CLI_CMD(serve)
{
	reexec_with_wiping_malloc(cli_argv());
	tg_web_opts o = {.db = c->db, .lang = c->lang, .idle_lock = 15 * 60,
	                 .session_idle = 30 * 60, .session_max = 12 * 3600, .ready = ready, .ctx = c};
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		int n, rc = 0;
		if (!v)
			return cli_usage_error("serve", _("unexpected argument \"%s\""), a);
		if (!strcmp(a, "--listen"))
			o.listen = v;
		else if (!strcmp(a, "--tls-cert"))
			o.tls_cert = v;
		else if (!strcmp(a, "--tls-key"))
			o.tls_key = v;
		else if (!strcmp(a, "--hosts"))
			o.hosts = v;
		else if (!strcmp(a, "--threads"))
			rc = number(a, v, 1, 16, &o.threads);
		else if (!strcmp(a, "--idle-lock") && !(rc = number(a, v, 0, 24 * 60, &n)))
			o.idle_lock = n * 60;
		else if (!strcmp(a, "--session-idle") && !(rc = number(a, v, 1, 24 * 60, &n)))
			o.session_idle = n * 60;
		else if (!strcmp(a, "--session-max") && !(rc = number(a, v, 1, 24 * 30, &n)))
			o.session_max = n * 3600;
		else if (!rc && strcmp(a, "--idle-lock") && strcmp(a, "--session-idle") &&
		         strcmp(a, "--session-max"))
			return cli_usage_error("serve", _("unexpected argument \"%s\""), a);
		if (rc)
			return rc;
		i++;
	}
	/* Tests shorten the idle lock below a minute. */
	const char *t = getenv("TERGEU_TEST"), *idle = getenv("TERGEU_TEST_IDLE_LOCK_SECONDS");
	if (t && !strcmp(t, "1") && idle)
		o.idle_lock = atoi(idle);
	tg_error err = {0};
	if (tg_keys_harden_process(&err))
		return cli_fail(&err);
	if (access(c->db, F_OK)) {
		fprintf(stderr, _("tergeu: no database at %s (create one with 'tergeu init')\n"), c->db);
		return tg_error_exit_status(TG_ENOTFOUND);
	}
	tg_keys *keys = NULL;
	int rc = cli_unlock(c, &keys);
	if (rc)
		return rc;
	/* Migrations now, once; the server opens its own connections. */
	tg_store *st;
	if (tg_store_open_keys(c->db, 0, keys, &st, &err)) {
		tg_keys_free(keys);
		return cli_fail(&err);
	}
	tg_store_close(st);
	tg_i18n_load(cli_localedir());
	if (tg_web_serve(&o, keys, &err))
		return cli_fail(&err);
	printf(_("tergeu: stopped\n"));
	return CLI_OK;
}
