/*
 * Linkage review (the pairs linkage could not decide, side by side with
 * the score's explanation, decided by link / not-link buttons) and the
 * statistics page (documented victims by a dimension, and, on request,
 * estimated totals with their intervals and a chart).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/io.h"
#include "link/link.h"
#include "stats/stats.h"
#include "text/text.h"
#include "web/web-int.h"

static const char *str(const json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

static void side_by_side(struct web_req *r, tg_store *st, const json_t *a, const json_t *b)
{
	tg_strbuf *o = &r->out;
	tg_strbuf_addf(o, "<table class=\"pair\"><thead><tr><th scope=\"col\"></th>"
	                  "<th scope=\"col\">%s</th><th scope=\"col\">%s</th></tr></thead><tbody>",
	               _("First record"), _("Second record"));
	const char *label, *key;
	for (int k = 0; (key = tg_link_review_field(k, &label)); k++) {
		char *v[2] = {
			tg_link_review_value(st, key, str(a, key), r->lang),
			tg_link_review_value(st, key, str(b, key), r->lang),
		};
		if (v[0] || v[1]) {
			tg_strbuf_adds(o, "<tr><th scope=\"row\">");
			web_esc(o, label);
			tg_strbuf_adds(o, "</th>");
			for (int s = 0; s < 2; s++) {
				tg_strbuf_adds(o, "<td>");
				web_esc(o, v[s] ? v[s] : "—");
				tg_strbuf_adds(o, "</td>");
			}
			tg_strbuf_adds(o, "</tr>");
		}
		free(v[0]);
		free(v[1]);
	}
	tg_strbuf_adds(o, "</tbody></table>");
}

static void explanation(struct web_req *r, const json_t *x)
{
	tg_strbuf *o = &r->out;
	tg_strbuf_addf(o, "<h2>%s</h2><table><thead><tr><th scope=\"col\">%s</th>"
	                  "<th scope=\"col\">%s</th><th scope=\"col\" class=\"num\">%s</th>"
	                  "</tr></thead><tbody>",
	               _("Why this score"), _("Comparison"), _("Outcome"), _("Weight (bits)"));
	const json_t *c;
	size_t i;
	json_array_foreach(json_object_get(x, "comparisons"), i, c) {
		tg_strbuf_adds(o, "<tr><td>");
		web_esc(o, _(str(c, "name")));
		tg_strbuf_adds(o, "</td><td>");
		web_esc(o, str(c, "label"));
		tg_strbuf_addf(o, "</td><td class=\"num\">%+.2f</td></tr>",
		               json_number_value(json_object_get(c, "weight")));
	}
	tg_strbuf_adds(o, "<tr><td colspan=\"2\">");
	web_esc(o, _("prior (how often two records of these lists are one person)"));
	tg_strbuf_addf(o, "</td><td class=\"num\">%+.2f</td></tr><tr><th scope=\"row\" colspan=\"2\">",
	               json_number_value(json_object_get(x, "prior")));
	web_esc(o, _("total (log2 of the odds)"));
	tg_strbuf_addf(o, "</th><td class=\"num\"><strong>%+.2f</strong></td></tr></tbody></table>",
	               json_number_value(json_object_get(x, "total")));
	if (str(x, "cannot_link")) {
		tg_strbuf_adds(o, "<p class=\"error\">");
		web_esc(o, _("Kept apart:"));
		tg_strbuf_adds(o, " ");
		web_esc(o, str(x, "cannot_link"));
		tg_strbuf_adds(o, "</p>");
	}
}

struct first_item {
	struct web_req *r;
	tg_store *st;
	long skip; /* items to pass over */
	long n;    /* items in the queue the reader may see */
	tg_review_item it;
	json_t *a, *b;
	char *explain;
};

static int take(void *ctx, const tg_review_item *it)
{
	struct first_item *f = ctx;
	json_t *a = tg_raw_json(f->st, it->a), *b = tg_raw_json(f->st, it->b);
	bool ok = web_raw_visible(&f->r->user, f->st, a) && web_raw_visible(&f->r->user, f->st, b);
	if (ok && f->n++ == f->skip) {
		f->it = *it;
		f->a = json_incref(a);
		f->b = json_incref(b);
		f->explain = strdup(it->explain);
	}
	json_decref(a);
	json_decref(b);
	return 0;
}

static int decide(struct web_req *r, tg_store *st)
{
	const char *a = web_form(r, "a"), *b = web_form(r, "b"), *d = web_form(r, "decision");
	char *end1 = NULL, *end2 = NULL;
	long long ia = a ? strtoll(a, &end1, 10) : 0, ib = b ? strtoll(b, &end2, 10) : 0;
	if (!a || !b || *end1 || *end2 || !d || (strcmp(d, "link") && strcmp(d, "not-link")))
		return web_error(r, 400, _("A decision names two records and link or not-link."));
	json_t *ra = tg_raw_json(st, ia), *rb = tg_raw_json(st, ib);
	bool ok = web_raw_visible(&r->user, st, ra) && web_raw_visible(&r->user, st, rb);
	json_decref(ra);
	json_decref(rb);
	if (!ok)
		return web_error(r, 404, NULL);
	tg_store_set_actor(st, r->user.name);
	tg_error err = {0};
	char uid[TG_UUID_LEN];
	const char *note = web_form(r, "note");
	if (tg_linkdb_decide(st, ia, ib, !strcmp(d, "link"), note && *note ? note : NULL, uid, &err))
		return web_error(r, err.code == TG_EEXIST ? 409 : 400, err.msg);
	return web_redirect(r, "/review");
}

int web_page_review(struct web_req *r, const char *rest)
{
	tg_store *st;
	int entered = web_enter(r, WEB_REVIEW, false, &st);
	if (entered)
		return entered;
	if (!strcmp(r->method, "POST"))
		return decide(r, st);
	struct first_item f = {r, st, 0, 0, {0}, NULL, NULL, NULL};
	const char *skip = web_arg(r, "skip");
	f.skip = skip ? strtol(skip, NULL, 10) : 0;
	if (f.skip < 0)
		f.skip = 0;
	tg_error err = {0};
	tg_linkdb_review(st, take, &f, &err);
	web_page_begin(r, _("Linkage review"));
	tg_strbuf *o = &r->out;
	if (!f.a) {
		tg_strbuf_addf(o, "<p>%s</p>", f.n ? _("No more pairs after this one.")
		                                   : _("No pair is waiting for review."));
		if (f.n)
			tg_strbuf_addf(o, "<p><a href=\"/review\">%s</a></p>", _("Back to the first pair"));
		web_page_end(r);
		return r->status;
	}
	tg_strbuf_adds(o, "<p>");
	char *left = tg_text_format_int(f.n, r->lang);
	web_escf(o, _("Pair %ld of %s waiting; match probability %.3f."), f.skip + 1,
	         left ? left : "?", f.it.prob);
	free(left);
	tg_strbuf_adds(o, "</p>");
	side_by_side(r, st, f.a, f.b);
	json_t *x = json_loads(f.explain, 0, NULL);
	if (x)
		explanation(r, x);
	json_decref(x);
	tg_strbuf_addf(o, "<form method=\"post\" action=\"/review\" data-review class=\"card\">");
	web_csrf_field(r);
	tg_strbuf_addf(o, "<input type=\"hidden\" name=\"a\" value=\"%lld\">"
	                  "<input type=\"hidden\" name=\"b\" value=\"%lld\">", f.it.a, f.it.b);
	tg_strbuf_addf(o, "<p><label for=\"f-note\">%s</label><input id=\"f-note\" name=\"note\"></p>",
	               _("Note (optional)"));
	tg_strbuf_addf(o, "<p><button type=\"submit\" name=\"decision\" value=\"link\">%s</button> "
	                  "<button type=\"submit\" name=\"decision\" value=\"not-link\" "
	                  "class=\"secondary\">%s</button> <a href=\"/review?skip=%ld\">%s</a></p>",
	               _("Same person (l)"), _("Not the same (n)"), f.skip + 1, _("Skip"));
	tg_strbuf_adds(o, "</form>");
	json_decref(f.a);
	json_decref(f.b);
	free(f.explain);
	web_page_end(r);
	return r->status;
}

/* ---- the imported lists ---- */

struct lists_page {
	struct web_req *r;
	tg_store *st;
	int shown;
	tg_error *err; /* a list that could not be read */
};

static int list_row(void *ctx, const char *uid, const char *title)
{
	struct lists_page *l = ctx;
	json_t *src = NULL;
	int rc = tg_record_get(l->st, uid, &src, l->err);
	if (rc == TG_ENOTFOUND)
		tg_error_clear(l->err);
	if (rc && rc != TG_ENOTFOUND)
		return rc;
	bool ok = !rc && web_authorize(&l->r->user, WEB_READ, src);
	json_decref(src);
	if (!ok)
		return 0;
	long long count = tg_raw_count(l->st, uid, l->err);
	if (count < 0)
		return l->err->code;
	tg_strbuf *o = &l->r->out;
	char *n = tg_text_format_int(count, l->r->lang);
	tg_strbuf_addf(o, "<tr><td><a href=\"/record/%s\">", uid);
	web_esc(o, title);
	tg_strbuf_adds(o, "</a></td><td class=\"num\">");
	web_esc(o, n);
	tg_strbuf_adds(o, "</td></tr>");
	free(n);
	l->shown++;
	return 0;
}

int web_page_lists(struct web_req *r, const char *rest)
{
	tg_store *st;
	int entered = web_enter(r, WEB_READ, false, &st);
	if (entered)
		return entered;
	web_page_begin(r, _("Lists"));
	tg_strbuf *o = &r->out;
	tg_strbuf_addf(o, "<p>%s</p><table><thead><tr><th scope=\"col\">%s</th>"
	                  "<th scope=\"col\" class=\"num\">%s</th></tr></thead><tbody>",
	               _("Victim lists imported as they were written; linkage finds the same"
	                 " person across them."),
	               _("List"), _("Records"));
	tg_error err = {0};
	struct lists_page l = {r, st, 0, &err};
	if (tg_linkdb_lists(st, list_row, &l, &err))
		return web_error(r, 500, err.msg);
	tg_strbuf_adds(o, "</tbody></table>");
	if (!l.shown)
		tg_strbuf_addf(o, "<p>%s</p>", _("No list has been imported."));
	json_t *run;
	if (tg_linkdb_last_run(st, &run, &err))
		run = NULL; /* the section is left out; the lists above still show */
	json_t *rep = run ? json_object_get(run, "report") : NULL;
	json_t *report = json_is_string(rep) ? json_loads(json_string_value(rep), 0, NULL)
	                                     : json_incref(rep);
	if (run && report) {
		char *recs = tg_text_format_int(json_integer_value(json_object_get(report, "records")),
		                                r->lang);
		char *persons = tg_text_format_int(
			json_integer_value(json_object_get(report, "clusters")), r->lang);
		tg_strbuf_addf(o, "<h2>%s</h2><p>", _("Last linkage"));
		web_escf(o, _("%s: %s records linked into %s persons, by %s."),
		         json_string_value(json_object_get(run, "at")), recs, persons,
		         json_string_value(json_object_get(run, "actor")));
		tg_strbuf_adds(o, "</p>");
		free(recs);
		free(persons);
	}
	json_decref(report);
	json_decref(run);
	if (web_authorize(&r->user, WEB_REVIEW, NULL))
		tg_strbuf_addf(o, "<p><a href=\"/review\">%s</a></p>", _("Review the undecided pairs"));
	web_page_end(r);
	return r->status;
}

/* ---- statistics ---- */

static const char *const dims[] = {"fate", "place", "region", "period", "sex", "age"};

static const char *dim_label(const char *d)
{
	return !strcmp(d, "fate")     ? _("what happened")
	     : !strcmp(d, "place")    ? _("place")
	     : !strcmp(d, "region")   ? _("region")
	     : !strcmp(d, "period")   ? _("month")
	     : !strcmp(d, "sex")      ? _("sex")
	                              : _("age group");
}

static const char *value_label(struct web_req *r, tg_store *st, const char *dim, const char *v)
{
	if (!v)
		return _("unknown");
	if (!strcmp(dim, "fate"))
		return tg_link_fate_label(v);
	if (!strcmp(dim, "sex"))
		return tg_term_label(st, "sex", v, r->lang);
	if (!strcmp(dim, "place") || !strcmp(dim, "region"))
		return tg_link_place_label(v, r->lang);
	return v;
}

struct counts {
	struct web_req *r;
	tg_store *st;
	const char *dim;
	long long total;
};

static int count_row(void *ctx, const char *const *values, long long n, const char *lists)
{
	struct counts *c = ctx;
	tg_strbuf *o = &c->r->out;
	char *num = tg_text_format_int(n, c->r->lang);
	tg_strbuf_adds(o, "<tr><td>");
	web_esc(o, value_label(c->r, c->st, c->dim, values[0]));
	tg_strbuf_adds(o, "</td><td class=\"num\">");
	web_esc(o, num);
	tg_strbuf_adds(o, "</td><td>");
	json_t *names = json_loads(lists, 0, NULL);
	size_t i;
	json_t *name;
	json_array_foreach(names, i, name) {
		if (i)
			tg_strbuf_adds(o, ", ");
		web_esc(o, json_string_value(name));
	}
	if (!json_is_array(names))
		web_esc(o, lists);
	json_decref(names);
	tg_strbuf_adds(o, "</td></tr>");
	free(num);
	c->total += n;
	return 0;
}

struct strata {
	struct web_req *r;
	tg_store *st;
	const char *dim;
	tg_svg_stratum s[64];
	char *labels[64];
	size_t n;
};

static int estimate_row(void *ctx, const char *stratum, const tg_capture *t)
{
	struct strata *e = ctx;
	tg_strbuf *o = &e->r->out;
	tg_estimate est;
	tg_error err = {0};
	bool ok = !tg_estimate_loglinear(t, "bic", &est, NULL, &err) && isfinite(est.estimate);
	const char *label = value_label(e->r, e->st, e->dim, stratum);
	tg_strbuf_adds(o, "<tr><td>");
	web_esc(o, label);
	tg_strbuf_addf(o, "</td><td class=\"num\">%.0f</td>", tg_capture_observed(t));
	if (ok)
		tg_strbuf_addf(o, "<td class=\"num\">%.0f</td><td class=\"num\">%.0f–%.0f</td><td>",
		               est.estimate, est.lower, est.upper);
	else
		tg_strbuf_adds(o, "<td class=\"num\">—</td><td class=\"num\">—</td><td>");
	web_esc(o, ok ? est.warning : err.msg);
	tg_strbuf_adds(o, "</td></tr>");
	if (e->n < 64) {
		e->labels[e->n] = strdup(label);
		e->s[e->n] = (tg_svg_stratum){e->labels[e->n], tg_capture_observed(t),
		                              ok ? est.estimate : NAN, ok ? est.lower : NAN,
		                              ok ? est.upper : NAN};
		e->n++;
	}
	return 0;
}

static void estimates(struct web_req *r, tg_store *st, const char *dim)
{
	tg_strbuf *o = &r->out;
	tg_strbuf_addf(o, "<h2>%s</h2><p class=\"small\">%s</p>", _("Estimated totals"),
	               /* xgettext:no-c-format */
	               _("Log-linear models chosen by BIC over the linked lists, with 95% profile"
	                 " likelihood intervals. An estimate assumes the lists cover one"
	                 " population; read the warnings."));
	tg_strbuf_addf(o, "<table><thead><tr><th scope=\"col\">%s</th><th scope=\"col\" class=\"num\">"
	                  "%s</th><th scope=\"col\" class=\"num\">%s</th><th scope=\"col\" "
	                  "class=\"num\">%s</th><th scope=\"col\">%s</th></tr></thead><tbody>",
	               dim_label(dim), _("documented"), _("estimate"),
	               /* xgettext:no-c-format */
	               _("95% interval"),
	               _("warnings"));
	struct strata e = {.r = r, .st = st, .dim = dim};
	tg_error err = {0};
	int rc = tg_stats_capture_by(st, dim, estimate_row, &e, &err);
	tg_strbuf_adds(o, "</tbody></table>");
	if (rc) {
		tg_strbuf_adds(o, "<p class=\"error\">");
		web_esc(o, err.msg);
		tg_strbuf_adds(o, "</p>");
	} else if (e.n) {
		char *svg = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&svg, &len);
		if (f && !tg_io_svg_estimates(f, e.s, e.n, NULL, &err)) {
			fclose(f);
			/* Drop the XML declaration: the SVG goes inline. */
			const char *start = strstr(svg, "<svg");
			tg_strbuf_addf(o, "<figure>%s<figcaption>%s</figcaption></figure>", start ? start : "",
			               /* xgettext:no-c-format */
			               _("Documented and estimated victims, with 95% intervals"));
		} else if (f) {
			fclose(f);
		}
		free(svg);
	}
	for (size_t i = 0; i < e.n; i++)
		free(e.labels[i]);
}

int web_page_stats(struct web_req *r, const char *rest)
{
	tg_store *st;
	int entered = web_enter(r, WEB_STATS, false, &st);
	if (entered)
		return entered;
	const char *by = web_arg(r, "by");
	const char *dim = "fate";
	for (size_t i = 0; by && i < sizeof dims / sizeof dims[0]; i++)
		if (!strcmp(by, dims[i]))
			dim = dims[i];
	web_page_begin(r, _("Statistics"));
	tg_strbuf *o = &r->out;
	tg_strbuf_addf(o, "<p><a href=\"/report\">%s</a> · <a href=\"/report?public=1\">%s</a></p>",
	               _("The report, to print or save"), _("its public version"));
	tg_strbuf_addf(o, "<form method=\"get\" action=\"/stats\"><label for=\"by\">%s</label>"
	                  "<select id=\"by\" name=\"by\">", _("Count by"));
	for (size_t i = 0; i < sizeof dims / sizeof dims[0]; i++) {
		tg_strbuf_addf(o, "<option value=\"%s\"%s>", dims[i],
		               !strcmp(dim, dims[i]) ? " selected" : "");
		web_esc(o, dim_label(dims[i]));
		tg_strbuf_adds(o, "</option>");
	}
	tg_strbuf_addf(o, "</select> <label><input type=\"checkbox\" name=\"estimate\" value=\"1\"%s> %s"
	                  "</label> <button type=\"submit\">%s</button></form>",
	               web_arg(r, "estimate") ? " checked" : "", _("with estimated totals"),
	               _("Show"));
	tg_error lerr = {0};
	if (web_lists_visible(&r->user, st, &lerr) != 1) {
		tg_strbuf_addf(o, "<p>%s</p>", _("Some lists are above your clearance, so counts over"
		                                 " the lists are not shown to you."));
		web_page_end(r);
		return r->status;
	}
	bool linked = false;
	struct counts c = {r, st, dim, 0};
	tg_strbuf_addf(o, "<h2>%s</h2>", _("Documented victims"));
	size_t at = o->len;
	tg_strbuf_addf(o, "<table><thead><tr><th scope=\"col\">%s</th><th scope=\"col\" class=\"num\">"
	                  "%s</th><th scope=\"col\">%s</th></tr></thead><tbody>",
	               dim_label(dim), _("persons"), _("lists behind the number"));
	tg_error err = {0};
	const char *d[1] = {dim};
	int rc = tg_store_victim_counts(st, d, 1, &linked, count_row, &c, &err);
	tg_strbuf_adds(o, "</tbody></table>");
	if (rc) {
		o->len = at;
		o->buf[at] = '\0';
		tg_strbuf_adds(o, "<p class=\"error\">");
		web_esc(o, err.msg);
		tg_strbuf_adds(o, "</p>");
	} else {
		char *total = tg_text_format_int(c.total, r->lang);
		tg_strbuf_adds(o, "<p>");
		web_esc(o, linked ? _("Distinct persons after linking the lists:")
		                  : _("Records of the lists (not yet linked):"));
		tg_strbuf_adds(o, " <strong>");
		web_esc(o, total);
		tg_strbuf_adds(o, "</strong></p>");
		free(total);
	}
	if (web_arg(r, "estimate") && strcmp(dim, "age"))
		estimates(r, st, !strcmp(dim, "fate") ? "fate" : dim);
	web_page_end(r);
	return r->status;
}

/* ---- the report ---- */

int web_page_report(struct web_req *r, const char *rest)
{
	tg_store *st;
	int entered = web_enter(r, WEB_STATS, false, &st);
	if (entered)
		return entered;
	tg_error err = {0};
	if (web_lists_visible(&r->user, st, &err) < 0)
		return web_error(r, 500, err.msg);
	/* The reader's clearance; no new checkpoint: a GET changes nothing. */
	tg_report_opts o = {.lang = r->lang, .clearance = r->user.clearance,
	                    .public_only = web_arg(r, "public") != NULL};
	char *html = NULL;
	json_t *data = NULL;
	if (tg_io_report(st, &o, &html, &data, &err))
		return web_error(r, 500, err.msg);
	web_document(r, html);
	free(html);
	json_decref(data);
	return r->status;
}
