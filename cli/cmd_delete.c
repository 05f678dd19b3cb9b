/* tergeu delete ID --reason TEXT */
#include <string.h>

#include "cli/cli.h"

CLI_CMD(delete)
{
	const char *id = NULL, *reason = NULL;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--reason") && i + 1 < argc)
			reason = argv[++i];
		else if (!strncmp(argv[i], "--reason=", 9))
			reason = argv[i] + 9;
		else if (!id && argv[i][0] != '-')
			id = argv[i];
		else
			return cli_usage_error("delete", _("unexpected argument \"%s\""), argv[i]);
	}
	if (!id)
		return cli_usage_error("delete", _("give the id of the record to delete"));
	if (!reason || !*reason)
		return cli_usage_error("delete", _("--reason is required: say why the record goes"));
	tg_store *st;
	int rc = cli_open(c, 0, &st);
	if (rc)
		return rc;
	tg_error err = {0};
	if (tg_record_delete(st, id, reason, &err))
		rc = cli_fail(&err);
	tg_store_close(st);
	return rc;
}
