/* tergeu demo [--size N] [--seed S] [--force] and
 * tergeu generate --out DIR [--size N] [--seed S] [--lists 3|4] */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "cli/cli.h"
#include "gen/gen.h"
#include "link/link.h"

/* Parses the options both commands share; out is set for generate. */
static int gen_options(const char *cmd, int argc, char **argv, tg_gen_opts *o,
                       const char **out, bool *force)
{
	*o = (tg_gen_opts){.seed = 1, .size = 2000, .nlists = 4};
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (force && !strcmp(a, "--force")) {
			*force = true;
			continue;
		}
		if (i + 1 >= argc)
			return cli_usage_error(cmd, _("unexpected argument \"%s\""), a);
		const char *v = argv[++i];
		char *end;
		errno = 0;
		unsigned long long n = strtoull(v, &end, 10);
		bool num = *v && !*end && !errno && *v != '-';
		if (!strcmp(a, "--size") && num && n >= 1 && n <= 10000000)
			o->size = (int)n;
		else if (!strcmp(a, "--seed") && num)
			o->seed = n;
		else if (!strcmp(a, "--lists") && num && (n == 3 || n == 4))
			o->nlists = (int)n;
		else if (out && !strcmp(a, "--out"))
			*out = v;
		else if (!strcmp(a, "--size") || !strcmp(a, "--seed") || !strcmp(a, "--lists"))
			return cli_usage_error(cmd, _("%s: \"%s\" is out of range"), a, v);
		else
			return cli_usage_error(cmd, _("unexpected argument \"%s\""), a);
	}
	return CLI_OK;
}

/* The same population's lists as raw records, linked, so that persons,
 * the review queue and explanations can be tried at once. */
static int demo_lists(tg_store *st, const tg_gen_opts *o, tg_error *err)
{
	char dir[] = "/tmp/tergeu-demo-lists.XXXXXX";
	if (!mkdtemp(dir))
		return tg_error_set(err, TG_EIO, NULL, _("cannot create a temporary directory: %s"),
		                    strerror(errno));
	int rc = tg_gen_import_lists(st, o, dir, cli_progress, NULL, err);
	json_t *report = NULL;
	tg_link_opts lo = {.progress = cli_progress};
	if (!rc)
		rc = tg_link_database(st, &lo, &report, NULL, err);
	json_decref(report);
	DIR *d = opendir(dir);
	for (struct dirent *e; d && (e = readdir(d));) {
		char path[sizeof dir + 256];
		if (e->d_name[0] != '.' && snprintf(path, sizeof path, "%s/%s", dir, e->d_name) > 0)
			unlink(path);
	}
	if (d)
		closedir(d);
	rmdir(dir);
	return rc;
}

/* The first administrator of the web interface, with a random password
 * in groups of four letters and digits. */
static int demo_admin(tg_store *st, char password[32], tg_error *err)
{
	static const char alphabet[] = "abcdefghijkmnpqrstuvwxyz23456789";
	int n = 0;
	for (int i = 0; i < 20; i++) {
		if (i && i % 4 == 0)
			password[n++] = '-';
		password[n++] = alphabet[randombytes_uniform(sizeof alphabet - 1)];
	}
	password[n] = '\0';
	return tg_user_add(st, "admin", "admin", NULL, password, err);
}

CLI_CMD(demo)
{
	tg_gen_opts o;
	bool force = false;
	int rc = gen_options("demo", argc, argv, &o, NULL, &force);
	if (rc)
		return rc;
	if (strcmp(c->db, ":memory:") && access(c->db, F_OK) == 0) {
		if (!force) {
			fprintf(stderr, _("tergeu demo: %s exists; use --force to replace it\n"), c->db);
			return tg_error_exit_status(TG_EEXIST);
		}
		cli_remove_db(c->db);
	}
	tg_store *st;
	if ((rc = cli_open(c, TG_OPEN_CREATE, &st)))
		return rc;
	tg_error err = {0};
	tg_store_set_actor(st, "demo");
	rc = tg_gen_demo(st, &o, cli_progress, NULL, &err);
	if (!rc)
		rc = demo_lists(st, &o, &err);
	cli_progress_done();
	char password[32];
	if (!rc)
		rc = demo_admin(st, password, &err);
	rc = rc ? cli_fail(&err) : cli_print_summary(c, st);
	if (!rc)
		printf(_("\nWeb sign-in: user admin, password %s (shown only now; change it with"
		         " 'tergeu user passwd admin'). An administrator adds a second factor at the"
		         " first sign-in.\n"), password);
	sodium_memzero(password, sizeof password);
	tg_store_close(st);
	return rc;
}

CLI_CMD(generate)
{
	tg_gen_opts o;
	const char *out = NULL;
	int rc = gen_options("generate", argc, argv, &o, &out, NULL);
	if (rc)
		return rc;
	if (!out)
		return cli_usage_error("generate", _("--out DIR is required"));
	tg_error err = {0};
	rc = tg_gen_lists(&o, out, cli_progress, NULL, &err);
	cli_progress_done();
	if (rc)
		return cli_fail(&err);
	if (!c->json)
		printf(_("wrote the lists and truth.csv to %s\n"), out);
	return CLI_OK;
}
