/* tergeu import FILE|-: a JSON export, all or nothing.
 * tergeu import FILE --list NAME --map MAPPING.json [--format csv|tsv|json]
 *               [--lang kk|ru|en]: a victim list as raw records. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "io/io.h"

static int import_list(struct cli *c, tg_store *st, const tg_list_import *o)
{
	tg_error err = {0};
	tg_list_report rep;
	int rc = tg_io_import_list(st, o, &rep, cli_progress, NULL, &err);
	cli_progress_done();
	if (rc)
		return cli_fail(&err);
	if (c->json) {
		json_t *out = json_pack("{s:s, s:s, s:I, s:I, s:I, s:I, s:I}", "list", o->list, "source",
		                        rep.list_uid, "rows", (json_int_t)rep.rows, "unreadable_dates",
		                        (json_int_t)rep.bad_dates, "unreadable_ages",
		                        (json_int_t)rep.bad_ages, "unreadable_sexes",
		                        (json_int_t)rep.bad_sexes, "invalid_iins", (json_int_t)rep.bad_iins);
		cli_print_json(out);
		json_decref(out);
		return CLI_OK;
	}
	printf(_("imported %lld rows of the list \"%s\" (source %s)\n"), rep.rows, o->list,
	       rep.list_uid);
	if (rep.bad_dates || rep.bad_ages || rep.bad_sexes || rep.bad_iins)
		printf(_("kept as written: %lld unreadable dates, %lld ages, %lld sexes;"
		         " %lld IINs fail their check digit\n"),
		       rep.bad_dates, rep.bad_ages, rep.bad_sexes, rep.bad_iins);
	return CLI_OK;
}

CLI_CMD(import)
{
	tg_list_import o = {0};
	const char **dests[] = {&o.list, &o.map_path, &o.format, &o.lang};
	static const char *const flags[] = {"--list", "--map", "--format", "--lang"};
	for (int i = 1; i < argc; i++) {
		int k = 0;
		while (k < 4 && strcmp(argv[i], flags[k]))
			k++;
		if (k < 4 && i + 1 < argc)
			*dests[k] = argv[++i];
		else if (k == 4 && !o.path && (argv[i][0] != '-' || !strcmp(argv[i], "-")))
			o.path = argv[i];
		else
			return cli_usage_error("import", _("unexpected argument \"%s\""), argv[i]);
	}
	if (!o.path)
		return cli_usage_error("import", _("give one file to import"));
	if ((o.list || o.map_path || o.format) && !(o.list && o.map_path))
		return cli_usage_error("import", _("a list needs both --list NAME and --map MAPPING.json"));
	if (o.lang && strcmp(o.lang, "kk") && strcmp(o.lang, "ru") && strcmp(o.lang, "en"))
		return cli_usage_error("import", _("--lang: kk, ru or en"));
	tg_store *st;
	int rc = cli_open(c, 0, &st);
	if (rc)
		return rc;
	tg_error err = {0};
	if (o.list) {
		rc = import_list(c, st, &o);
	} else {
		rc = tg_io_import_json(st, o.path, cli_progress, NULL, &err);
		cli_progress_done();
		rc = rc ? cli_fail(&err) : cli_print_summary(c, st);
	}
	tg_store_close(st);
	return rc;
}
