/* tergeu summary: how many records of each kind, and acts by type. */
#include <stdio.h>
#include <stdlib.h>

#include "cli/cli.h"
#include "text/text.h"

/* A label and a count in the reader's number format, columns aligned on
 * characters rather than bytes (labels may be Cyrillic). */
static void print_count(struct cli *c, const char *label, long long count)
{
	char *n = tg_text_format_int(count, c->lang);
	printf("  %-*s %10s\n", cli_width(label, 34), label, n ? n : "?");
	free(n);
}

int cli_print_summary(struct cli *c, tg_store *st)
{
	tg_error err = {0};
	json_t *sum;
	if (tg_store_summary(st, &sum, &err))
		return cli_fail(&err);
	if (c->json) {
		json_object_set_new(sum, "db", json_string(c->db));
		cli_print_json(sum);
		json_decref(sum);
		return CLI_OK;
	}
	printf(_("Database %s (schema %d)\n"), c->db, tg_store_schema_version(st));
	printf(_("Records:\n"));
	const char *key;
	json_t *v;
	json_object_foreach(json_object_get(sum, "records"), key, v)
		print_count(c, key, json_integer_value(v));
	printf(_("Acts by type:\n"));
	json_object_foreach(json_object_get(sum, "acts"), key, v)
		print_count(c, tg_term_label(st, "act_type", key, c->lang), json_integer_value(v));
	json_t *lists = json_object_get(sum, "lists");
	if (json_integer_value(json_object_get(lists, "raw_records"))) {
		printf(_("Imported lists:\n"));
		print_count(c, _("records of the lists"),
		            json_integer_value(json_object_get(lists, "raw_records")));
		print_count(c, _("persons found by linkage"),
		            json_integer_value(json_object_get(lists, "persons")));
		print_count(c, _("pairs waiting for review"),
		            json_integer_value(json_object_get(lists, "review")));
	}
	long long changes = 0;
	json_object_foreach(json_object_get(sum, "changes"), key, v)
		changes += json_integer_value(v);
	char *n = tg_text_format_int(changes, c->lang);
	printf(_("Change entries: %s\n"), n ? n : "?");
	free(n);
	json_decref(sum);
	return CLI_OK;
}

CLI_CMD(summary)
{
	if (argc != 1)
		return cli_usage_error("summary", _("unexpected argument \"%s\""), argv[1]);
	tg_store *st;
	int rc = cli_open(c, 0, &st);
	if (rc)
		return rc;
	rc = cli_print_summary(c, st);
	tg_store_close(st);
	return rc;
}
