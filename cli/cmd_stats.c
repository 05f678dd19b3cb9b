/* tergeu stats [--from lists|records] [--by DIM[,DIM...]]
 *              [--format table|csv|json] [--clearance LEVEL]: documented
 * victims with the unknowns as their own rows: from the imported lists
 * (distinct persons after linkage, records before it) by fate, place,
 * region, period, sex and age group, with the lists behind each number;
 * or from the event-based records (victims of acts) by act type, place,
 * region, period, sex and age group, with the sources behind each. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "io/io.h"
#include "link/link.h"
#include "text/text.h"

/* The dimensions, for the headers in the reader's language. */
static const char *const dimensions[] = {N_("fate"), N_("act_type"), N_("place"),
                                         N_("region"), N_("period"), N_("sex"), N_("age")};

static const char *header(const char *dim)
{
	for (size_t i = 0; i < sizeof dimensions / sizeof dimensions[0]; i++)
		if (!strcmp(dim, dimensions[i]))
			return _(dimensions[i]);
	return dim;
}

struct table {
	struct cli *c;
	tg_store *st;
	const char *format;
	int ndims;
	const char *const *dims;
	json_t *rows;
	long long total;
	bool records; /* victims of acts, not list entries */
};

static const char *shown(struct table *t, int d, const char *v)
{
	if (!v)
		return _("unknown");
	if (!strcmp(t->dims[d], "fate"))
		return tg_link_fate_label(v);
	if (!strcmp(t->dims[d], "act_type"))
		return tg_term_label(t->st, "act_type", v, t->c->lang);
	if (!t->records && (!strcmp(t->dims[d], "place") || !strcmp(t->dims[d], "region")))
		return tg_link_place_label(v, t->c->lang);
	if (!strcmp(t->dims[d], "sex"))
		return tg_term_label(t->st, "sex", v, t->c->lang);
	return v;
}

static int row(void *ctx, const char *const *values, long long n, const char *behind)
{
	struct table *t = ctx;
	t->total += n;
	json_t *names = behind ? json_loads(behind, 0, NULL) : NULL;
	if (!json_is_array(names)) {
		json_decref(names);
		names = json_array();
	}
	/* A source with no information behind it comes out as null. */
	for (size_t i = json_array_size(names); i-- > 0;)
		if (!json_is_string(json_array_get(names, i)))
			json_array_remove(names, i);
	tg_strbuf joined = TG_STRBUF_INIT;
	size_t i;
	json_t *name;
	json_array_foreach(names, i, name)
		tg_strbuf_addf(&joined, "%s%s", i ? "; " : "", json_string_value(name));
	if (!strcmp(t->format, "json")) {
		json_t *r = json_object();
		for (int d = 0; d < t->ndims; d++)
			json_object_set_new(r, t->dims[d], values[d] ? json_string(values[d]) : json_null());
		json_object_set_new(r, "victims", json_integer(n));
		json_object_set(r, t->records ? "sources" : "lists", names);
		json_array_append_new(t->rows, r);
	} else if (!strcmp(t->format, "csv")) {
		for (int d = 0; d < t->ndims; d++)
			tg_csv_write_field(stdout, values[d] ? values[d] : "", false);
		printf("%lld,", n);
		tg_csv_write_field(stdout, tg_strbuf_str(&joined), true);
	} else {
		for (int d = 0; d < t->ndims; d++) {
			const char *v = shown(t, d, values[d]);
			printf("%-*s ", cli_width(v, 28), v);
		}
		char *num = tg_text_format_int(n, t->c->lang);
		printf("%10s  %s\n", num ? num : "?", tg_strbuf_str(&joined));
		free(num);
	}
	tg_strbuf_release(&joined);
	json_decref(names);
	return 0;
}

CLI_CMD(stats)
{
	const char *by = NULL, *format = NULL, *from = NULL;
	int clearance = TG_CLEAR_RESTRICTED;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (!strcmp(a, "--by") && v)
			by = v;
		else if (!strcmp(a, "--format") && v &&
		         (!strcmp(v, "table") || !strcmp(v, "csv") || !strcmp(v, "json")))
			format = v;
		else if (!strcmp(a, "--from") && v && (!strcmp(v, "lists") || !strcmp(v, "records")))
			from = v;
		else if (!strcmp(a, "--clearance") && v && (clearance = tg_clearance_level(v)) >= 0)
			;
		else
			return cli_usage_error("stats", _("unexpected argument \"%s\""), a);
		i++;
	}
	if (!format)
		format = c->json ? "json" : "table";
	tg_store *st;
	int rc = cli_open(c, 0, &st);
	if (rc)
		return rc;
	tg_error err = {0};
	long long raw = from ? 0 : tg_raw_count(st, NULL, &err);
	if (raw < 0) {
		rc = cli_fail(&err);
		tg_store_close(st);
		return rc;
	}
	bool records = from ? !strcmp(from, "records") : raw == 0;
	char *copy = strdup(by ? by : records ? "act_type,region" : "fate,region"), *save = NULL;
	const char *dims[7];
	int n = 0;
	for (char *tok = strtok_r(copy, ",", &save); tok && n < 7; tok = strtok_r(NULL, ",", &save))
		dims[n++] = tok;
	struct table t = {c, st, format, n, dims, json_array(), 0, records};
	bool linked = false;
	if (!strcmp(format, "csv")) {
		for (int d = 0; d < n; d++)
			tg_csv_write_field(stdout, dims[d], false);
		printf(records ? "victims,sources\n" : "victims,lists\n");
	} else if (!strcmp(format, "table")) {
		for (int d = 0; d < n; d++) {
			const char *h = header(dims[d]);
			printf("%-*s ", cli_width(h, 28), h);
		}
		const char *v = _("victims");
		printf("%*s  %s\n", cli_width(v, 10), v, records ? _("sources") : _("lists"));
	}
	rc = records ? tg_store_act_victim_counts(st, dims, n, clearance, c->lang, row, &t, &err)
	             : tg_store_victim_counts(st, dims, n, &linked, row, &t, &err);
	tg_store_close(st);
	free(copy);
	if (rc) {
		json_decref(t.rows);
		return cli_fail(&err);
	}
	const char *unit = records ? "victims" : linked ? "persons" : "records";
	if (!strcmp(format, "json")) {
		json_t *out = json_pack("{s:s, s:I, s:o}", "unit", unit, "total", (json_int_t)t.total,
		                        "rows", t.rows);
		cli_print_json(out);
		json_decref(out);
		return CLI_OK;
	}
	json_decref(t.rows);
	if (!strcmp(format, "table")) {
		char *num = tg_text_format_int(t.total, c->lang);
		printf(records  ? _("%s distinct victims of documented acts\n")
		       : linked ? _("%s distinct persons after linkage\n")
		                : _("%s list records (no linkage has run: records, not persons)\n"),
		       num ? num : "?");
		free(num);
	}
	return CLI_OK;
}
