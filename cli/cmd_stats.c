/* tergeu stats [--by DIM[,DIM...]] [--format table|csv|json]: documented
 * victims (distinct persons after linkage, records before it) by fate,
 * place, region, period, sex and age group, with the lists behind each
 * number and the unknowns as their own rows. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "io/io.h"
#include "text/text.h"

/* The dimensions, for the headers in the reader's language. */
static const char *const dimensions[] = {N_("fate"), N_("place"), N_("region"), N_("period"),
                                         N_("sex"), N_("age")};

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
};

static const char *shown(struct table *t, int d, const char *v)
{
	if (!v)
		return _("unknown");
	if (!strcmp(t->dims[d], "fate"))
		return cli_fate_label(v);
	if (!strcmp(t->dims[d], "sex"))
		return tg_term_label(t->st, "sex", v, t->c->lang);
	return v;
}

static int row(void *ctx, const char *const *values, long long n, const char *lists)
{
	struct table *t = ctx;
	t->total += n;
	if (!strcmp(t->format, "json")) {
		json_t *r = json_object();
		for (int d = 0; d < t->ndims; d++)
			json_object_set_new(r, t->dims[d], values[d] ? json_string(values[d]) : json_null());
		json_object_set_new(r, "victims", json_integer(n));
		json_t *l = json_array();
		char *copy = strdup(lists ? lists : ""), *save = NULL;
		for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
			json_array_append_new(l, json_string(tok));
		free(copy);
		json_object_set_new(r, "lists", l);
		json_array_append_new(t->rows, r);
	} else if (!strcmp(t->format, "csv")) {
		for (int d = 0; d < t->ndims; d++)
			tg_csv_write_field(stdout, values[d] ? values[d] : "", false);
		printf("%lld,", n);
		tg_csv_write_field(stdout, lists, true);
	} else {
		for (int d = 0; d < t->ndims; d++) {
			const char *v = shown(t, d, values[d]);
			printf("%-*s ", cli_width(v, 28), v);
		}
		char *num = tg_text_format_int(n, t->c->lang);
		printf("%10s  %s\n", num ? num : "?", lists ? lists : "");
		free(num);
	}
	return 0;
}

CLI_CMD(stats)
{
	const char *by = "fate,region", *format = NULL;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--by") && i + 1 < argc)
			by = argv[++i];
		else if (!strcmp(argv[i], "--format") && i + 1 < argc &&
		         (!strcmp(argv[i + 1], "table") || !strcmp(argv[i + 1], "csv") ||
		          !strcmp(argv[i + 1], "json")))
			format = argv[++i];
		else
			return cli_usage_error("stats", _("unexpected argument \"%s\""), argv[i]);
	}
	if (!format)
		format = c->json ? "json" : "table";
	char *copy = strdup(by), *save = NULL;
	const char *dims[7];
	int n = 0;
	for (char *tok = strtok_r(copy, ",", &save); tok && n < 7; tok = strtok_r(NULL, ",", &save))
		dims[n++] = tok;
	tg_store *st;
	int rc = cli_open(c, 0, &st);
	if (rc) {
		free(copy);
		return rc;
	}
	struct table t = {c, st, format, n, dims, json_array(), 0};
	bool linked;
	tg_error err = {0};
	if (!strcmp(format, "csv")) {
		for (int d = 0; d < n; d++)
			tg_csv_write_field(stdout, dims[d], false);
		printf("victims,lists\n");
	} else if (!strcmp(format, "table")) {
		for (int d = 0; d < n; d++) {
			const char *h = header(dims[d]);
			printf("%-*s ", cli_width(h, 28), h);
		}
		const char *v = _("victims");
		printf("%*s  %s\n", cli_width(v, 10), v, _("lists"));
	}
	rc = tg_store_victim_counts(st, dims, n, &linked, row, &t, &err);
	tg_store_close(st);
	if (rc) {
		json_decref(t.rows);
		free(copy);
		return cli_fail(&err);
	}
	if (!strcmp(format, "json")) {
		json_t *out = json_pack("{s:s, s:I, s:o}", "unit", linked ? "persons" : "records",
		                        "total", (json_int_t)t.total, "rows", t.rows);
		cli_print_json(out);
		json_decref(out);
	} else {
		json_decref(t.rows);
		if (!strcmp(format, "table")) {
			char *num = tg_text_format_int(t.total, c->lang);
			printf(linked ? _("%s distinct persons after linkage\n")
			              : _("%s list records (no linkage has run: records, not persons)\n"),
			       num ? num : "?");
			free(num);
		}
	}
	free(copy);
	return CLI_OK;
}
