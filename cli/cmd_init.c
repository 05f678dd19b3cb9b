/* tergeu init: a new, empty database at --db. */
#include <stdio.h>

#include "cli/cli.h"

CLI_CMD(init)
{
	if (argc != 1)
		return cli_usage_error("init", _("unexpected argument \"%s\""), argv[1]);
	tg_store *st;
	int rc = cli_open(c, TG_OPEN_CREATE | TG_OPEN_EXCLUSIVE, &st);
	if (rc)
		return rc;
	if (!c->json)
		printf(_("created %s\n"), c->db);
	else {
		json_t *o = json_pack("{s:s, s:i}", "db", c->db, "schema", tg_store_schema_version(st));
		cli_print_json(o);
		json_decref(o);
	}
	tg_store_close(st);
	return CLI_OK;
}
