/*
 * The report: one self-contained HTML file (its style and SVG charts
 * inside, no script) of what the database documents, in the reader's
 * language, with the figures again as data.json and the signed checkpoint
 * the figures were taken at, so that anyone can reproduce them.  Sections:
 * documented victims by region and by month, act types, documented
 * against estimated totals (when the lists may be shown), proceedings by
 * the stage they reached, and the methods with their limits.  A public
 * report counts public records only and suppresses small cells.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/io.h"
#include "link/link.h"
#include "stats/stats.h"
#include "text/text.h"

struct report {
	tg_html h;
	const tg_report_opts *o;
	int clearance;
	json_t *data; /* the figures, for data.json */
};

/* A table of (label, n), its bar chart, and its figures in data. */
struct table {
	char **labels;
	double *values;
	char **shown;
	size_t n, cap;
};

static void table_add(struct table *t, const char *label, double v)
{
	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 16;
		t->labels = realloc(t->labels, t->cap * sizeof *t->labels);
		t->values = realloc(t->values, t->cap * sizeof *t->values);
		t->shown = realloc(t->shown, t->cap * sizeof *t->shown);
		if (!t->labels || !t->values || !t->shown)
			abort();
	}
	t->labels[t->n] = strdup(label);
	t->values[t->n] = v;
	t->shown[t->n++] = NULL;
}

static void table_free(struct table *t)
{
	for (size_t i = 0; i < t->n; i++) {
		free(t->labels[i]);
		free(t->shown[i]);
	}
	free(t->labels);
	free(t->values);
	free(t->shown);
}

/* Cells under min_cell become "<N"; when one cell alone is hidden its
 * value would follow from the total, so the next smallest goes too. */
static void suppress(struct report *rp, struct table *t, json_t *cells)
{
	int min = rp->o->public_only ? (rp->o->min_cell > 0 ? rp->o->min_cell : 5) : 0;
	/* The public export's rule (tg_io_suppress_row); a cell hidden only
	 * because of another is marked "*", not "<min": it is not small. */
	long long *counts = calloc(t->n + 1, sizeof *counts), total = 0;
	bool *hide = calloc(t->n + 1, sizeof *hide), hide_total = false;
	for (size_t i = 0; i < t->n; i++)
		total += counts[i] = (long long)t->values[i];
	if (min > 0)
		tg_io_suppress_row(counts, t->n, total, min, hide, &hide_total);
	free(counts);
	for (size_t i = 0; i < t->n; i++) {
		char buf[32];
		if (hide[i]) {
			if (t->values[i] < min)
				snprintf(buf, sizeof buf, "<%d", min);
			else
				snprintf(buf, sizeof buf, "*");
			t->shown[i] = strdup(buf);
			t->values[i] = 0;
			json_array_append_new(cells, json_pack("{s:s, s:s}", "label", t->labels[i],
			                                       "n", buf));
		} else {
			char *f = tg_text_format_int((long long)t->values[i], rp->h.lang);
			t->shown[i] = f ? f : strdup("?");
			json_array_append_new(cells, json_pack("{s:s, s:I}", "label", t->labels[i], "n",
			                                       (json_int_t)t->values[i]));
		}
	}
	free(hide);
}

static void section(struct report *rp, const char *key, const char *title, const char *what,
                    struct table *t)
{
	tg_strbuf *o = rp->h.out;
	tg_strbuf_adds(o, "<h2>");
	tg_html_esc(o, title);
	tg_strbuf_adds(o, "</h2>");
	json_t *cells = json_array();
	suppress(rp, t, cells);
	json_object_set_new(rp->data, key, cells);
	if (!t->n) {
		tg_strbuf_adds(o, "<p>");
		tg_html_esc(o, _("Nothing is recorded."));
		tg_strbuf_adds(o, "</p>");
		return;
	}
	tg_html_bars(&rp->h, title, (const char *const *)t->labels, t->values,
	             (const char *const *)t->shown, t->n);
	tg_strbuf_adds(o, "<table><thead><tr><th scope=\"col\"></th><th scope=\"col\" class=\"num\">");
	tg_html_esc(o, what);
	tg_strbuf_adds(o, "</th></tr></thead><tbody>");
	for (size_t i = 0; i < t->n; i++) {
		tg_strbuf_adds(o, "<tr><td>");
		tg_html_esc(o, t->labels[i]);
		tg_strbuf_adds(o, "</td><td class=\"num\">");
		tg_html_esc(o, t->shown[i]);
		tg_strbuf_adds(o, "</td></tr>");
	}
	tg_strbuf_adds(o, "</tbody></table>");
}

struct victims {
	struct report *rp;
	const char *dim;
	struct table t;
};

static int victim_row(void *ctx, const char *const *values, long long n, const char *sources)
{
	struct victims *v = ctx;
	const char *label = values[0] ? values[0] : _("unknown");
	char *date = NULL;
	if (values[0] && !strcmp(v->dim, "act_type"))
		label = tg_term_label(v->rp->h.st, "act_type", values[0], v->rp->h.lang);
	else if (values[0] && !strcmp(v->dim, "period"))
		label = date = tg_text_format_date(values[0], v->rp->h.lang);
	table_add(&v->t, label ? label : values[0], (double)n);
	free(date);
	return 0;
}

static int victims_by(struct report *rp, const char *dim, const char *key, const char *title,
                      tg_error *err)
{
	struct victims v = {rp, dim, {0}};
	const char *dims[1] = {dim};
	int rc = tg_store_act_victim_counts(rp->h.st, dims, 1, rp->clearance, rp->h.lang,
	                                    victim_row, &v, err);
	if (!rc)
		section(rp, key, title, _("victims"), &v.t);
	table_free(&v.t);
	return rc;
}

struct stages {
	struct report *rp;
	struct table t;
};

static int stage_row(void *ctx, const char *type, const char *stage, long long n)
{
	struct stages *s = ctx;
	char label[256];
	snprintf(label, sizeof label, "%s: %s",
	         tg_term_label(s->rp->h.st, "proceeding_type", type, s->rp->h.lang),
	         stage ? tg_term_label(s->rp->h.st, "stage", stage, s->rp->h.lang)
	               : _("no stage recorded"));
	table_add(&s->t, label, (double)n);
	return 0;
}

/* Documented against estimated, over the linked lists, when the report's
 * readers may see every list. */
struct estimate_ctx {
	struct report *rp;
	tg_capture overall;
	bool have;
};

static int take_overall(void *ctx, const char *stratum, const tg_capture *t)
{
	struct estimate_ctx *e = ctx;
	e->overall = *t;
	for (int i = 0; i < t->k; i++)
		e->overall.names[i] = strdup(t->names[i]);
	e->have = true;
	return 0;
}

struct lists_ok {
	tg_store *st;
	int clearance;
	bool all;
	tg_error *err;
};

static int list_ok(void *ctx, const char *uid, const char *title)
{
	struct lists_ok *l = ctx;
	json_t *src = NULL;
	const char *c = NULL;
	int rc = tg_record_get(l->st, uid, &src, l->err);
	if (rc && rc != TG_ENOTFOUND)
		return rc; /* a list that could not be read is not a hidden one */
	if (rc)
		tg_error_clear(l->err);
	else
		c = json_string_value(json_object_get(src, "confidentiality"));
	if (!c || tg_clearance_level(c) < 0 || tg_clearance_level(c) > l->clearance)
		l->all = false;
	json_decref(src);
	return 0;
}

/* Errors of storage end the report; others (too few lists, a model that
 * does not fit) are why the estimate is missing, said in its place. */
static bool storage_error(int rc)
{
	return rc == TG_EDB || rc == TG_EIO || rc == TG_EINTEGRITY || rc == TG_ENOMEM;
}

static int estimates(struct report *rp, tg_error *fail)
{
	tg_strbuf *o = rp->h.out;
	tg_strbuf_adds(o, "<h2>");
	tg_html_esc(o, _("Documented and estimated totals"));
	tg_strbuf_adds(o, "</h2>");
	tg_error err = {0};
	struct lists_ok l = {rp->h.st, rp->clearance, true, &err};
	int rc = tg_linkdb_lists(rp->h.st, list_ok, &l, &err);
	long long raw = rc ? -1 : tg_raw_count(rp->h.st, NULL, &err);
	struct estimate_ctx e = {rp, {0}, false};
	bool any = raw > 0;
	if (!rc && raw < 0)
		rc = err.code ? err.code : TG_EDB;
	if (!rc && any && l.all)
		rc = tg_stats_capture_by(rp->h.st, NULL, take_overall, &e, &err);
	if (rc && storage_error(rc)) {
		if (fail)
			*fail = err;
		if (e.have)
			tg_capture_release(&e.overall);
		return rc;
	}
	tg_estimate est;
	if (!e.have || tg_estimate_loglinear(&e.overall, "bic", &est, NULL, &err) ||
	    !isfinite(est.estimate)) {
		tg_strbuf_adds(o, "<p>");
		tg_html_esc(o, !any ? _("No victim lists were imported: there is nothing to estimate from.")
		             : !l.all ? _("Not in this report: the lists it would be estimated from are"
		                          " not shown at this report's level.")
		                      : err.msg);
		tg_strbuf_adds(o, "</p>");
		json_object_set_new(rp->data, "estimate", json_null());
		if (e.have)
			tg_capture_release(&e.overall);
		return TG_OK;
	}
	char *doc = tg_text_format_int((long long)tg_capture_observed(&e.overall), rp->h.lang);
	char *n = tg_text_format_int((long long)llround(est.estimate), rp->h.lang);
	char *lo = tg_text_format_int((long long)llround(est.lower), rp->h.lang);
	char *hi = tg_text_format_int((long long)llround(est.upper), rp->h.lang);
	tg_strbuf_adds(o, "<p>");
	char line[512];
	snprintf(line, sizeof line,
	         _("Persons on at least one of %d lists: %s. Estimated total: %s (95%% interval %s to"
	           " %s), log-linear model %s chosen by BIC."),
	         e.overall.k, doc, n, lo, hi, est.model);
	tg_html_esc(o, line);
	tg_strbuf_adds(o, "</p>");
	if (*est.warning) {
		tg_strbuf_adds(o, "<p class=\"muted\">");
		tg_html_esc(o, est.warning);
		tg_strbuf_adds(o, "</p>");
	}
	free(doc);
	free(n);
	free(lo);
	free(hi);
	char *svg = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&svg, &len);
	tg_svg_stratum s = {_("all"), tg_capture_observed(&e.overall), est.estimate, est.lower,
	                    est.upper};
	if (f && !tg_io_svg_estimates(f, &s, 1, &e.overall, &err)) {
		fclose(f);
		const char *start = strstr(svg, "<svg");
		tg_strbuf_addf(o, "<figure>%s</figure>", start ? start : "");
	} else if (f) {
		fclose(f);
	}
	free(svg);
	json_object_set_new(rp->data, "estimate",
	                    json_pack("{s:s, s:i, s:f, s:f, s:f, s:f, s:s, s:s}", "method", est.method,
	                              "lists", e.overall.k, "observed", tg_capture_observed(&e.overall),
	                              "estimate", est.estimate, "lower", est.lower, "upper",
	                              est.upper, "model", est.model, "criterion", "bic"));
	tg_capture_release(&e.overall);
	return TG_OK;
}

/* The accountability funnel of every act (each counted once, at the
 * furthest stage any complaint about it reached) and the asymmetry:
 * victims prosecuted against complaints about officials. */
static int accountability(struct report *rp, tg_error *err)
{
	tg_accountability_opts ao = {rp->clearance, NULL};
	json_t *acc = NULL;
	int rc = tg_stats_accountability(rp->h.st, &ao, &acc, err);
	if (rc)
		return rc;
	struct table funnel = {0};
	json_t *total = json_object_get(acc, "total"), *stage;
	size_t i;
	json_array_foreach(json_object_get(acc, "stages"), i, stage) {
		const char *name = json_string_value(stage);
		table_add(&funnel, tg_accountability_label("funnel", name),
		          (double)json_integer_value(json_object_get(json_object_get(total, name),
		                                                     "count")));
	}
	section(rp, "accountability_funnel", _("What became of the violations"), _("acts"), &funnel);
	tg_strbuf_adds(rp->h.out, "<p class=\"muted\">");
	tg_html_esc(rp->h.out, json_string_value(json_object_get(acc, "note")));
	tg_strbuf_adds(rp->h.out, "</p>");
	table_free(&funnel);
	static const char *const sides[][3] = {
		{"prosecutions", "charged", N_("victims prosecuted")},
		{"prosecutions", "convicted", N_("victims convicted")},
		{"prosecutions", "sentences", N_("years of prison they were sentenced to")},
		{"complaints", "total", N_("complaints and investigations about officials")},
		{"complaints", "closed_no_crime", N_("closed as \"no crime\"")},
		{"complaints", "refused_to_open", N_("refused to open")},
		{"complaints", "charged", N_("officials charged, not convicted")},
		{"complaints", "convicted", N_("ending in officials convicted")},
		{"posthumous", NULL, N_("posthumous prosecutions")},
	};
	struct table asym = {0};
	for (i = 0; i < sizeof sides / sizeof sides[0]; i++) {
		const json_t *f = json_object_get(acc, sides[i][0]);
		if (sides[i][1])
			f = json_object_get(f, sides[i][1]);
		double v = sides[i][1] && !strcmp(sides[i][1], "sentences")
		               ? round(json_number_value(json_object_get(f, "years")))
		               : (double)json_integer_value(json_object_get(f, "count"));
		table_add(&asym, _(sides[i][2]), v);
	}
	section(rp, "accountability_asymmetry", _("Victims prosecuted, officials held to account"),
	        _("number"), &asym);
	table_free(&asym);
	json_decref(acc);
	return 0;
}

static int summary(struct report *rp, tg_error *err)
{
	json_t *counts = NULL;
	int rc = tg_store_counts(rp->h.st, rp->clearance, &counts, err);
	if (rc)
		return rc;
	static const char *const shown[][2] = {
		{"person", N_("people")}, {"act", N_("acts")}, {"proceeding", N_("proceedings")},
		{"source", N_("sources")}, {"evidence", N_("pieces of evidence")},
	};
	tg_strbuf *o = rp->h.out;
	tg_strbuf_adds(o, "<table><tbody>");
	json_t *records = json_object_get(counts, "records"), *fig = json_object();
	for (size_t i = 0; i < sizeof shown / sizeof shown[0]; i++) {
		json_int_t n = json_integer_value(json_object_get(records, shown[i][0]));
		char *num = tg_text_format_int(n, rp->h.lang);
		tg_strbuf_adds(o, "<tr><th scope=\"row\">");
		tg_html_esc(o, _(shown[i][1]));
		tg_strbuf_adds(o, "</th><td class=\"num\">");
		tg_html_esc(o, num);
		tg_strbuf_adds(o, "</td></tr>");
		json_object_set_new(fig, shown[i][0], json_integer(n));
		free(num);
	}
	tg_strbuf_adds(o, "</tbody></table>");
	json_object_set_new(rp->data, "records", fig);
	json_decref(counts);
	return TG_OK;
}

static void methods(struct report *rp)
{
	tg_strbuf *o = rp->h.out;
	tg_strbuf_adds(o, "<h2>");
	tg_html_esc(o, _("How these figures were made, and their limits"));
	tg_strbuf_adds(o, "</h2><ul><li>");
	tg_html_esc(o, _("Documented victims are distinct persons who suffered at least one recorded"
	                 " act, counted by the act's region and month; a person in two regions counts"
	                 " in each, so the rows can add up to more than the persons."));
	tg_strbuf_adds(o, "</li><li>");
	tg_html_esc(o, _("Documented counts are a floor: they hold what sources reported and"
	                 " documenters could record, not every victim."));
	tg_strbuf_adds(o, "</li><li>");
	tg_html_esc(o, _("The estimated total comes from the overlap of independent victim lists"
	                 " after linkage (multiple systems estimation): every hierarchical log-linear"
	                 " model is fitted and the one with the lowest BIC is used, with a profile"
	                 " likelihood interval. It assumes the lists cover one closed population and"
	                 " that linkage is right; lists that all miss the same people make it too"
	                 " low."));
	tg_strbuf_adds(o, "</li><li>");
	tg_html_esc(o, _("Proceedings are counted by the last stage recorded for each; a stage not"
	                 " recorded is not known to have happened."));
	tg_strbuf_adds(o, "</li>");
	if (rp->o->public_only) {
		char line[256];
		snprintf(line, sizeof line,
		         _("Only public records are counted. Counts below %d are shown as \"<%d\", and"
		           " when one cell alone would be hidden the next smallest is hidden too"
		           " (shown as \"*\"), so that no hidden count follows from a total."),
		         rp->o->min_cell > 0 ? rp->o->min_cell : 5, rp->o->min_cell > 0 ? rp->o->min_cell : 5);
		tg_strbuf_adds(o, "<li>");
		tg_html_esc(o, line);
		tg_strbuf_adds(o, "</li>");
	}
	tg_strbuf_adds(o, "</ul>");
}

int tg_io_report(tg_store *st, const tg_report_opts *o, char **html, json_t **data,
                 tg_error *err)
{
	tg_strbuf out = TG_STRBUF_INIT;
	struct report rp = {{st, o->lang, o->public_only ? TG_CLEAR_PUBLIC : o->clearance, &out,
	                     false},
	                    o, o->public_only ? TG_CLEAR_PUBLIC : o->clearance, json_object()};
	char now[TG_TIME_LEN];
	tg_now_utc(now);
	tg_html_document_begin(&rp.h, o->public_only ? _("Documented violations: public report")
	                                             : _("Documented violations: report"));
	tg_strbuf_adds(&out, "<p class=\"meta\">");
	tg_html_esc(&out, _("made"));
	tg_strbuf_addf(&out, " %s · tergeu %s", now, TG_VERSION);
	tg_strbuf_adds(&out, "</p>");
	int rc = summary(&rp, err);
	if (!rc)
		rc = victims_by(&rp, "region", "victims_by_region", _("Documented victims by region"), err);
	if (!rc)
		rc = victims_by(&rp, "period", "victims_by_month", _("Documented victims by month"), err);
	if (!rc)
		rc = victims_by(&rp, "act_type", "victims_by_act_type",
		                _("Documented victims by kind of act"), err);
	if (!rc)
		rc = estimates(&rp, err);
	struct stages stg = {&rp, {0}};
	if (!rc)
		rc = tg_store_proceeding_stages(st, rp.clearance, stage_row, &stg, err);
	if (!rc)
		section(&rp, "proceedings_by_stage", _("Proceedings by the stage they reached"),
		        _("proceedings"), &stg.t);
	table_free(&stg.t);
	if (!rc)
		rc = accountability(&rp, err);
	if (!rc) {
		methods(&rp);
		tg_strbuf_adds(&out, "<h2>");
		tg_html_esc(&out, _("To reproduce these figures"));
		tg_strbuf_adds(&out, "</h2><p>");
		tg_html_esc(&out, _("The figures are also in data.json beside this file. They were taken"
		                    " at the ledger checkpoint below: 'tergeu ledger verify --checkpoint'"
		                    " on the database checks that it holds the same records, and"
		                    " 'tergeu report' with the same options makes the same figures."));
		tg_strbuf_adds(&out, "</p>");
		if (o->checkpoint) {
			tg_strbuf_adds(&out, "<pre>");
			tg_html_esc(&out, o->checkpoint);
			tg_strbuf_adds(&out, "</pre>");
		}
		json_object_set_new(rp.data, "made", json_string(now));
		json_object_set_new(rp.data, "params",
		                    json_pack("{s:s, s:b, s:i, s:s, s:s}", "lang", o->lang, "public",
		                              o->public_only, "min_cell",
		                              o->public_only ? (o->min_cell > 0 ? o->min_cell : 5) : 0,
		                              "clearance",
		                              rp.clearance == TG_CLEAR_PUBLIC ? "public"
		                              : rp.clearance == TG_CLEAR_RESTRICTED ? "restricted"
		                                                                     : "confidential",
		                              "criterion", "bic"));
		json_object_set_new(rp.data, "checkpoint",
		                    o->checkpoint ? json_string(o->checkpoint) : json_null());
	}
	tg_html_document_end(&rp.h);
	if (rc) {
		tg_strbuf_release(&out);
		json_decref(rp.data);
		return rc;
	}
	*html = tg_strbuf_detach(&out);
	*data = rp.data;
	return 0;
}
