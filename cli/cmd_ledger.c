/* tergeu ledger checkpoint [--out FILE] | verify [--checkpoint FILE] [--full] |
 *               prove ID | key */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"

static int checkpoint(struct cli *c, tg_store *st, const char *out)
{
	tg_error err = {0};
	char *note;
	if (tg_ledger_sign_checkpoint(st, &note, &err))
		return cli_fail(&err);
	int rc = CLI_OK;
	if (out) {
		tg_strbuf tmp = TG_STRBUF_INIT;
		tg_strbuf_addf(&tmp, "%s.tmp", out);
		FILE *f = fopen(tmp.buf, "w");
		if (!f || fputs(note, f) < 0 || fclose(f) || rename(tmp.buf, out)) {
			tg_error_set(&err, TG_EIO, NULL, _("cannot write %s"), out);
			rc = cli_fail(&err);
			unlink(tmp.buf);
		}
		tg_strbuf_release(&tmp);
	}
	if (!rc && (!out || !c->json))
		fputs(note, stdout);
	free(note);
	return rc;
}

static int verify(struct cli *c, tg_store *st, const char *file, bool full)
{
	tg_error err = {0};
	char *note = NULL;
	size_t len;
	if (file && tg_read_file(file, &note, &len, &err))
		return cli_fail(&err);
	json_t *report;
	int rc = tg_ledger_verify(st, note, full ? TG_VERIFY_FULL : 0, &report, &err);
	free(note);
	if (rc) {
		if (file && !strcmp(err.path, "checkpoint"))
			snprintf(err.file, sizeof err.file, "%s", file);
		return cli_fail(&err);
	}
	if (c->json) {
		cli_print_json(report);
	} else {
		if (full)
			printf(_("database pages, indexes and constraints: integrity check passed\n"));
		printf(_("ledger verified: %lld entries, root %s, %d checkpoint(s) consistent\n"),
		       (long long)json_integer_value(json_object_get(report, "size")),
		       json_string_value(json_object_get(report, "root")),
		       (int)json_integer_value(json_object_get(report, "checkpoints")));
		size_t i;
		json_t *r;
		json_array_foreach(json_object_get(report, "clock_regressions"), i, r)
			printf(_("clock_regression: entry %lld written at %s, earlier than the one before"
			         " it\n"),
			       (long long)json_integer_value(json_object_get(r, "seq")),
			       json_string_value(json_object_get(r, "at")));
	}
	json_decref(report);
	return CLI_OK;
}

static int prove(tg_store *st, const char *id)
{
	tg_error err = {0};
	json_t *proof;
	if (tg_ledger_prove(st, id, &proof, &err))
		return cli_fail(&err);
	cli_print_json(proof);
	json_decref(proof);
	return CLI_OK;
}

CLI_CMD(ledger)
{
	const char *sub = argc > 1 ? argv[1] : "";
	const char *opt = NULL, *want = !strcmp(sub, "checkpoint") ? "--out"
	                                : !strcmp(sub, "verify") ? "--checkpoint" : NULL;
	const char *id = NULL;
	bool full = false;
	for (int i = 2; i < argc; i++) {
		if (want && !strcmp(argv[i], want) && i + 1 < argc)
			opt = argv[++i];
		else if (!strcmp(sub, "verify") && !strcmp(argv[i], "--full"))
			full = true;
		else if (!strcmp(sub, "prove") && !id && argv[i][0] != '-')
			id = argv[i];
		else
			return cli_usage_error("ledger", _("unexpected argument \"%s\""), argv[i]);
	}
	if (strcmp(sub, "checkpoint") && strcmp(sub, "verify") && strcmp(sub, "prove") &&
	    strcmp(sub, "key"))
		return cli_usage_error("ledger", _("say checkpoint, verify, prove ID or key"));
	if (!strcmp(sub, "prove") && !id)
		return cli_usage_error("ledger", _("give the id of a record"));
	tg_store *st;
	int rc = cli_open(c, 0, &st);
	if (rc)
		return rc;
	if (!strcmp(sub, "checkpoint"))
		rc = checkpoint(c, st, opt);
	else if (!strcmp(sub, "verify"))
		rc = verify(c, st, opt, full);
	else if (!strcmp(sub, "prove"))
		rc = prove(st, id);
	else
		printf("%s\n", tg_ledger_vkey(st));
	tg_store_close(st);
	return rc;
}
