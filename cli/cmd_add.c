/* tergeu add ENTITY [--FIELD VALUE]... | --file FILE.json|- */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

int cli_read_doc(const char *path, json_t **out)
{
	tg_error err = {0};
	char *text;
	size_t len;
	if (tg_read_file(path, &text, &len, &err))
		return cli_fail(&err);
	json_error_t jerr;
	json_t *doc = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	free(text);
	snprintf(err.file, sizeof err.file, "%s", strcmp(path, "-") ? path : "<stdin>");
	if (!doc) {
		tg_error_set(&err, TG_EJSON, NULL, _("column %d: %s"), jerr.column, jerr.text);
		err.line = jerr.line;
		return cli_fail(&err);
	}
	if (!json_is_object(doc)) {
		json_decref(doc);
		tg_error_set(&err, TG_ETYPE, "", _("the document must be a JSON object"));
		return cli_fail(&err);
	}
	*out = doc;
	return CLI_OK;
}

int cli_doc_arg(const char *cmd, const tg_entity *e, int argc, char **argv, bool patch,
                json_t **out, const char **file)
{
	*file = NULL;
	if (argc >= 1 && !strncmp(argv[0], "--file", 6)) {
		const char *path = argv[0][6] == '=' ? argv[0] + 7 : argc >= 2 ? argv[1] : NULL;
		int used = argv[0][6] == '=' ? 1 : 2;
		if (!path || !*path || (argv[0][6] && argv[0][6] != '='))
			return cli_usage_error(cmd, _("--file needs a file name"));
		if (argc > used)
			return cli_usage_error(cmd, _("--file cannot be combined with other fields"));
		*file = path;
		return cli_read_doc(path, out);
	}
	return cli_doc_from_flags(cmd, e, argc, argv, patch, out);
}

CLI_CMD(add)
{
	if (argc < 2)
		return cli_usage_error("add", _("which entity? (place, source, person, relation, event,"
		                                " act, involvement, proceeding, information, intervention)"));
	const tg_entity *e = tg_model_entity(argv[1]);
	if (!e)
		return cli_usage_error("add", _("no entity named %s"), argv[1]);
	json_t *doc;
	const char *file;
	int rc = cli_doc_arg("add", e, argc - 2, argv + 2, false, &doc, &file);
	if (rc)
		return rc;
	tg_store *st;
	if ((rc = cli_open(c, 0, &st))) {
		json_decref(doc);
		return rc;
	}
	tg_error err = {0};
	char uid[TG_UUID_LEN];
	if (tg_record_create(st, e->name, doc, uid, &err)) {
		if (file)
			snprintf(err.file, sizeof err.file, "%s", file);
		rc = cli_fail(&err);
	} else if (c->json) {
		json_t *out;
		if (!tg_record_get(st, uid, &out, &err)) {
			cli_print_json(out);
			json_decref(out);
		}
	} else {
		printf("%s\n", uid);
	}
	json_decref(doc);
	tg_store_close(st);
	return rc;
}
