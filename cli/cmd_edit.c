/* tergeu edit ID [--FIELD VALUE]... [--unset FIELD]... | ID --file PATCH.json|- */
#include "cli/cli.h"

CLI_CMD(edit)
{
	if (argc < 3)
		return cli_usage_error("edit", _("give a record id and the fields to change"));
	tg_store *st;
	int rc = cli_open(c, 0, &st);
	if (rc)
		return rc;
	tg_error err = {0};
	const char *entity;
	json_t *patch = NULL;
	const char *file = NULL;
	if (tg_record_entity(st, argv[1], &entity, &err)) {
		rc = cli_fail(&err);
	} else {
		rc = cli_doc_arg("edit", tg_model_entity(entity), argc - 2, argv + 2, true, &patch,
		                 &file);
	}
	if (!rc && tg_record_update(st, argv[1], patch, &err)) {
		if (file)
			snprintf(err.file, sizeof err.file, "%s", file);
		rc = cli_fail(&err);
	}
	if (!rc && c->json) {
		json_t *doc;
		if (!tg_record_get(st, argv[1], &doc, &err)) {
			cli_print_json(doc);
			json_decref(doc);
		}
	}
	json_decref(patch);
	tg_store_close(st);
	return rc;
}
