/* tergeu show ID */
#include "cli/cli.h"

CLI_CMD(show)
{
	if (argc != 2)
		return cli_usage_error("show", _("give one record id"));
	tg_store *st;
	int rc = cli_open(c, 0, &st);
	if (rc)
		return rc;
	tg_error err = {0};
	json_t *doc;
	if (tg_record_get(st, argv[1], &doc, &err)) {
		rc = cli_fail(&err);
	} else {
		if (c->json)
			cli_print_json(doc);
		else
			cli_render_record(c, st, doc);
		json_decref(doc);
	}
	tg_store_close(st);
	return rc;
}
