/* tergeu accountability [--by type|place|both] [--clearance LEVEL] [--ids]:
 * the accountability funnel of the acts (each counted once, at the
 * furthest stage any proceeding about it reached) and the asymmetry
 * between prosecutions of victims and complaints against officials, in
 * the reader's language; with --json the whole document, with the ids of
 * the records behind every figure. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "stats/stats.h"
#include "text/text.h"

struct out {
	struct cli *c;
	tg_store *st;
	bool ids;
};

/* One line: an indented label and its number, then the ids behind it. */
static void line(struct out *o, int indent, const char *label, long long n, const json_t *fig)
{
	char *num = tg_text_format_int(n, o->c->lang);
	printf("%*s%-*s %12s\n", indent, "", cli_width(label, 52 - indent), label, num ? num : "?");
	free(num);
	if (!o->ids || !json_array_size(json_object_get(fig, "ids")))
		return;
	size_t i;
	json_t *id;
	printf("%*s", indent + 4, "");
	json_array_foreach(json_object_get(fig, "ids"), i, id)
		printf("%s%s", i ? " " : "", json_string_value(id));
	printf("\n");
}

static long long count(const json_t *fig)
{
	return (long long)json_integer_value(json_object_get(fig, "count"));
}

/* The reasons of a closed figure, by the closure_reason vocabulary. */
static void reasons(struct out *o, int indent, const json_t *fig)
{
	const char *code;
	json_t *r;
	json_object_foreach(json_object_get(fig, "reasons"), code, r) {
		line(o, indent, tg_accountability_reason_label(o->st, code, o->c->lang), count(r), r);
	}
}

static void funnel_row(struct out *o, const json_t *acc, const json_t *row)
{
	tg_strbuf title = TG_STRBUF_INIT;
	const char *type = json_string_value(json_object_get(row, "act_type"));
	if (type)
		tg_strbuf_adds(&title, tg_term_label(o->st, "act_type", type, o->c->lang));
	if (json_object_get(row, "place"))
		tg_strbuf_addf(&title, "%s%s", type ? " · " : "",
		               tg_accountability_place_label(json_object_get(row, "place"), o->c->lang));
	if (!title.len)
		tg_strbuf_adds(&title, _("All acts"));
	const json_t *alleged = json_object_get(row, "alleged");
	line(o, 0, tg_strbuf_str(&title), count(alleged), alleged);
	tg_strbuf_release(&title);
	size_t i;
	json_t *stage;
	json_array_foreach(json_object_get(acc, "stages"), i, stage) {
		const char *name = json_string_value(stage);
		if (!strcmp(name, "alleged"))
			continue;
		const json_t *fig = json_object_get(row, name);
		line(o, 2, tg_accountability_label("funnel", name), count(fig), fig);
		reasons(o, 4, fig);
	}
	printf("\n");
}

static void section(struct out *o, const json_t *sec, const char *name, const char *const *figs)
{
	for (; *figs; figs++) {
		const json_t *fig = json_object_get(sec, *figs);
		long long n = count(fig);
		if (!strcmp(*figs, "sentences"))
			n = (json_integer_value(json_object_get(fig, "months")) + 6) / 12;
		line(o, 2, tg_accountability_label(name, *figs), n, fig);
		reasons(o, 4, fig);
	}
}

static void print_table(struct out *o, const json_t *acc)
{
	const char *by = json_string_value(json_object_get(acc, "by"));
	printf(!strcmp(by, "type")    ? _("Accountability funnel of the acts, by violation type")
	       : !strcmp(by, "place") ? _("Accountability funnel of the acts, by place")
	                              : _("Accountability funnel of the acts, by violation type"
	                                  " and place"));
	printf(_(" (clearance %s)\n"), json_string_value(json_object_get(acc, "clearance")));
	printf("%s\n\n", json_string_value(json_object_get(acc, "note")));
	funnel_row(o, acc, json_object_get(acc, "total"));
	size_t i;
	json_t *row;
	json_array_foreach(json_object_get(acc, "funnel"), i, row)
		funnel_row(o, acc, row);
	static const char *const pros[] = {"charged", "convicted", "sentences", "closed",
	                                   "amnesty", "pending", NULL};
	static const char *const comp[] = {"total", "refused_to_open", "closed_no_crime",
	                                   "closed_other", "pending", "charged", "convicted", NULL};
	printf("%s\n", _("Prosecutions of victims (persons; sentences in years)"));
	section(o, json_object_get(acc, "prosecutions"), "prosecutions", pros);
	printf("\n%s\n", _("Complaints against officials (proceedings)"));
	section(o, json_object_get(acc, "complaints"), "complaints", comp);
	printf("\n");
	const json_t *post = json_object_get(acc, "posthumous");
	line(o, 0, tg_accountability_label("posthumous", "posthumous"), count(post), post);
}

CLI_CMD(accountability)
{
	tg_accountability_opts opts = {.clearance = TG_CLEAR_RESTRICTED, .by = "type"};
	bool ids = false;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (!strcmp(a, "--ids")) {
			ids = true;
			continue;
		}
		if (strcmp(a, "--by") && strcmp(a, "--clearance"))
			return cli_usage_error("accountability", _("unknown option %s"), a);
		if (!v)
			return cli_usage_error("accountability", _("%s needs a value"), a);
		if (!strcmp(a, "--by") && strcmp(v, "type") && strcmp(v, "place") && strcmp(v, "both"))
			return cli_usage_error("accountability", _("--by must be type, place or both"));
		if (!strcmp(a, "--clearance") && tg_clearance_level(v) < 0)
			return cli_usage_error("accountability", _("--clearance must be public, restricted"
			                                           " or confidential"));
		if (!strcmp(a, "--by"))
			opts.by = v;
		else
			opts.clearance = tg_clearance_level(v);
		i++;
	}
	tg_store *st;
	int rc = cli_open(c, 0, &st);
	if (rc)
		return rc;
	json_t *acc = NULL;
	tg_error err = {0};
	rc = tg_stats_accountability(st, &opts, &acc, &err);
	if (rc) {
		tg_store_close(st);
		return cli_fail(&err);
	}
	if (c->json) {
		cli_print_json(acc);
	} else {
		struct out o = {c, st, ids};
		print_table(&o, acc);
	}
	json_decref(acc);
	tg_store_close(st);
	return CLI_OK;
}
