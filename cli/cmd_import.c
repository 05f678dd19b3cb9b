/* tergeu import FILE|-: a JSON export, all or nothing. */
#include "cli/cli.h"
#include "io/io.h"

CLI_CMD(import)
{
	if (argc != 2)
		return cli_usage_error("import", _("give one file to import"));
	tg_store *st;
	int rc = cli_open(c, 0, &st);
	if (rc)
		return rc;
	tg_error err = {0};
	rc = tg_io_import_json(st, argv[1], cli_progress, NULL, &err);
	cli_progress_done();
	if (rc)
		rc = cli_fail(&err);
	else
		rc = cli_print_summary(c, st);
	tg_store_close(st);
	return rc;
}
