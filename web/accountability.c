/*
 * The accountability page: the funnel of the acts as a table and a bar
 * chart, the prosecutions of victims beside the complaints against
 * officials, and behind every number a list of the records it counts
 * (/accountability/records?figure=KEY).  Figures are computed at the
 * reader's clearance, so a number never counts a record its reader may
 * not open; the list asks web_authorize of each record all the same.
 */
#include <stdlib.h>
#include <string.h>

#include "stats/stats.h"
#include "text/text.h"
#include "web/web-int.h"

static const char *const bys[] = {"type", "place", "both"};

static long long count(const json_t *fig)
{
	return (long long)json_integer_value(json_object_get(fig, "count"));
}

/* A figure's number, a link to the records behind it when there are any.
 * n is what is shown (the years of "sentences", else the count). */
static void number(struct web_req *r, const json_t *fig, long long n)
{
	tg_strbuf *o = &r->out;
	char *num = tg_text_format_int(n, r->lang);
	if (json_array_size(json_object_get(fig, "ids"))) {
		tg_strbuf href = TG_STRBUF_INIT;
		tg_strbuf_adds(&href, "/accountability/records?figure=");
		web_urlenc(&href, json_string_value(json_object_get(fig, "key")));
		tg_strbuf_adds(o, "<a href=\"");
		web_esc(o, tg_strbuf_str(&href));
		tg_strbuf_adds(o, "\">");
		web_esc(o, num);
		tg_strbuf_adds(o, "</a>");
		tg_strbuf_release(&href);
	} else {
		web_esc(o, num);
	}
	free(num);
}

/* The reasons of a closure figure, under its number. */
static void reasons(struct web_req *r, tg_store *st, const json_t *fig)
{
	const json_t *rs = json_object_get(fig, "reasons");
	if (!json_object_size(rs))
		return;
	tg_strbuf *o = &r->out;
	tg_strbuf_adds(o, "<ul class=\"plain small\">");
	const char *code;
	json_t *f;
	json_object_foreach((json_t *)rs, code, f) {
		tg_strbuf_adds(o, "<li>");
		web_esc(o, tg_accountability_reason_label(st, code, r->lang));
		tg_strbuf_adds(o, ": ");
		number(r, f, count(f));
		tg_strbuf_adds(o, "</li>");
	}
	tg_strbuf_adds(o, "</ul>");
}

/* What a funnel row is about, in the reader's language. */
static void row_title(struct web_req *r, tg_store *st, const json_t *row, tg_strbuf *out)
{
	const char *type = json_string_value(json_object_get(row, "act_type"));
	if (type)
		tg_strbuf_adds(out, tg_term_label(st, "act_type", type, r->lang));
	if (json_object_get(row, "place"))
		tg_strbuf_addf(out, "%s%s", type ? " · " : "",
		               tg_accountability_place_label(json_object_get(row, "place"), r->lang));
	if (!out->len)
		tg_strbuf_adds(out, _("All acts"));
}

static void funnel_tr(struct web_req *r, tg_store *st, const json_t *acc, const json_t *row,
                      bool total)
{
	tg_strbuf *o = &r->out;
	tg_strbuf title = TG_STRBUF_INIT;
	row_title(r, st, row, &title);
	tg_strbuf_adds(o, total ? "<tr><th scope=\"row\"><strong>" : "<tr><th scope=\"row\">");
	web_esc(o, tg_strbuf_str(&title));
	tg_strbuf_adds(o, total ? "</strong></th>" : "</th>");
	tg_strbuf_release(&title);
	size_t i;
	json_t *stage;
	json_array_foreach(json_object_get(acc, "stages"), i, stage) {
		const json_t *fig = json_object_get(row, json_string_value(stage));
		tg_strbuf_adds(o, "<td class=\"num\">");
		number(r, fig, count(fig));
		reasons(r, st, fig);
		tg_strbuf_adds(o, "</td>");
	}
	tg_strbuf_adds(o, "</tr>");
}

static void funnel_table(struct web_req *r, tg_store *st, const json_t *acc)
{
	tg_strbuf *o = &r->out;
	tg_strbuf_addf(o, "<table><caption>%s</caption><thead><tr><th scope=\"col\"></th>",
	               _("Acts at each stage"));
	size_t i;
	json_t *v;
	json_array_foreach(json_object_get(acc, "stages"), i, v) {
		tg_strbuf_adds(o, "<th scope=\"col\" class=\"num\">");
		web_esc(o, tg_accountability_label("funnel", json_string_value(v)));
		tg_strbuf_adds(o, "</th>");
	}
	tg_strbuf_adds(o, "</tr></thead><tbody>");
	funnel_tr(r, st, acc, json_object_get(acc, "total"), true);
	json_array_foreach(json_object_get(acc, "funnel"), i, v)
		funnel_tr(r, st, acc, v, false);
	tg_strbuf_adds(o, "</tbody></table>");
}

/* The total funnel as horizontal bars: no script, the numbers in the
 * picture and its title for those who cannot see it. */
static void funnel_chart(struct web_req *r, const json_t *acc)
{
	enum { LABEL = 290, BARS = 330, ROW = 26, WIDTH = LABEL + BARS + 70 };
	tg_strbuf *o = &r->out;
	const json_t *total = json_object_get(acc, "total"), *stages = json_object_get(acc, "stages");
	long long most = count(json_object_get(total, "alleged"));
	size_t n = json_array_size(stages);
	tg_strbuf_addf(o, "<figure><svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\""
	                  " aria-labelledby=\"funnel-title\" width=\"%d\" height=\"%zu\""
	                  " viewBox=\"0 0 %d %zu\"><title id=\"funnel-title\">",
	               WIDTH, n * ROW + 8, WIDTH, n * ROW + 8);
	web_esc(o, _("Acts at each stage of the accountability funnel"));
	size_t i;
	json_t *v;
	json_array_foreach(stages, i, v) {
		const char *name = json_string_value(v);
		char *num = tg_text_format_int(count(json_object_get(total, name)), r->lang);
		tg_strbuf_adds(o, i ? "; " : ": ");
		web_esc(o, tg_accountability_label("funnel", name));
		tg_strbuf_adds(o, " ");
		web_esc(o, num);
		free(num);
	}
	tg_strbuf_adds(o, "</title>");
	json_array_foreach(stages, i, v) {
		const char *name = json_string_value(v);
		long long c = count(json_object_get(total, name));
		int y = (int)i * ROW + 4;
		int w = most > 0 ? (int)(c * BARS / most) : 0;
		char *num = tg_text_format_int(c, r->lang);
		tg_strbuf_addf(o, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">", LABEL - 8, y + 16);
		web_esc(o, tg_accountability_label("funnel", name));
		tg_strbuf_addf(o, "</text><rect class=\"bar\" x=\"%d\" y=\"%d\" width=\"%d\""
		                  " height=\"%d\"/><text x=\"%d\" y=\"%d\">",
		               LABEL, y, w > 0 || c == 0 ? w : 1, ROW - 6, LABEL + w + 6, y + 16);
		web_esc(o, num);
		tg_strbuf_adds(o, "</text>");
		free(num);
	}
	tg_strbuf_addf(o, "</svg><figcaption>%s</figcaption></figure>",
	               _("Acts by the furthest stage reached (all acts you may see)"));
}

static void side(struct web_req *r, tg_store *st, const json_t *sec, const char *name,
                 const char *heading, const char *const *figs)
{
	tg_strbuf *o = &r->out;
	tg_strbuf_adds(o, "<section class=\"card\"><h3>");
	web_esc(o, heading);
	tg_strbuf_adds(o, "</h3><table><tbody>");
	for (; *figs; figs++) {
		const json_t *fig = json_object_get(sec, *figs);
		long long n = !strcmp(*figs, "sentences")
		            ? (json_integer_value(json_object_get(fig, "months")) + 6) / 12
		            : count(fig);
		tg_strbuf_adds(o, "<tr><th scope=\"row\">");
		web_esc(o, tg_accountability_label(name, *figs));
		tg_strbuf_adds(o, "</th><td class=\"num\">");
		number(r, fig, n);
		reasons(r, st, fig);
		tg_strbuf_adds(o, "</td></tr>");
	}
	tg_strbuf_adds(o, "</tbody></table></section>");
}

static void asymmetry(struct web_req *r, tg_store *st, const json_t *acc)
{
	static const char *const pros[] = {"charged", "convicted", "sentences", "closed",
	                                   "amnesty", "pending", NULL};
	static const char *const comp[] = {"total", "refused_to_open", "closed_no_crime",
	                                   "closed_other", "pending", "charged", "convicted", NULL};
	tg_strbuf *o = &r->out;
	tg_strbuf_addf(o, "<h2>%s</h2><div class=\"grid\">", _("The asymmetry"));
	side(r, st, json_object_get(acc, "prosecutions"), "prosecutions",
	     _("Prosecutions of victims (persons; sentences in years)"), pros);
	side(r, st, json_object_get(acc, "complaints"), "complaints",
	     _("Complaints against officials (proceedings)"), comp);
	tg_strbuf_adds(o, "</div><p>");
	web_esc(o, tg_accountability_label("posthumous", "posthumous"));
	tg_strbuf_adds(o, ": <strong>");
	const json_t *post = json_object_get(acc, "posthumous");
	number(r, post, count(post));
	tg_strbuf_adds(o, "</strong></p>");
}

/* The figures at the reader's clearance, or NULL with the error page. */
static json_t *figures(struct web_req *r, tg_store *st, const char *by, int *status)
{
	tg_accountability_opts opts = {.clearance = r->user.clearance, .by = by};
	json_t *acc = NULL;
	tg_error err = {0};
	if (tg_stats_accountability(st, &opts, &acc, &err))
		*status = web_error(r, 500, err.msg);
	return acc;
}

int web_page_accountability(struct web_req *r, const char *rest)
{
	(void)rest;
	tg_store *st;
	int status = web_enter(r, WEB_STATS, false, &st);
	if (status)
		return status;
	const char *by = "type", *want = web_arg(r, "by");
	for (size_t i = 0; want && i < sizeof bys / sizeof bys[0]; i++)
		if (!strcmp(want, bys[i]))
			by = bys[i];
	json_t *acc = figures(r, st, by, &status);
	if (!acc)
		return status;
	web_page_begin(r, _("Accountability"));
	tg_strbuf *o = &r->out;
	tg_strbuf_addf(o, "<form method=\"get\" action=\"/accountability\" class=\"filters\">"
	                  "<div><label for=\"by\">%s</label><select id=\"by\" name=\"by\">",
	               _("Rows by"));
	const char *by_labels[] = {_("violation type"), _("place"), _("violation type and place")};
	for (size_t i = 0; i < sizeof bys / sizeof bys[0]; i++) {
		tg_strbuf_addf(o, "<option value=\"%s\"%s>", bys[i], !strcmp(by, bys[i]) ? " selected" : "");
		web_esc(o, by_labels[i]);
		tg_strbuf_adds(o, "</option>");
	}
	tg_strbuf_addf(o, "</select></div><button type=\"submit\">%s</button></form>", _("Show"));
	tg_strbuf_addf(o, "<h2>%s</h2><p>", _("The funnel"));
	web_esc(o, json_string_value(json_object_get(acc, "note")));
	tg_strbuf_adds(o, " ");
	web_esc(o, _("Every number links to the records behind it. Only records you may see are"
	             " counted."));
	tg_strbuf_adds(o, "</p>");
	funnel_chart(r, acc);
	funnel_table(r, st, acc);
	asymmetry(r, st, acc);
	json_decref(acc);
	return web_page_end(r);
}

/* What figure key names, for the heading of its records: the row and
 * stage of a funnel figure, the side and line of the asymmetry. */
static void figure_title(struct web_req *r, tg_store *st, const json_t *acc, const char *key,
                         tg_strbuf *out)
{
	char *copy = strdup(key), *save = NULL, *part[5] = {0};
	if (!copy)
		abort();
	int n = 0;
	for (char *t = strtok_r(copy, ":", &save); t && n < 5; t = strtok_r(NULL, ":", &save))
		part[n++] = t;
	const char *section = part[0], *name = NULL, *reason = NULL;
	if (!strcmp(section, "funnel") && n >= 4) {
		tg_strbuf group = TG_STRBUF_INIT;
		tg_strbuf_addf(&group, "%s:%s", part[1], part[2]);
		const json_t *row = json_object_get(acc, "total"), *x;
		size_t i;
		json_array_foreach(json_object_get(acc, "funnel"), i, x)
			if (!strcmp(json_string_value(json_object_get(x, "group")), group.buf))
				row = x;
		tg_strbuf_release(&group);
		row_title(r, st, row, out);
		name = part[3];
		reason = part[4];
	} else if (strcmp(section, "posthumous")) {
		tg_strbuf_adds(out, !strcmp(section, "prosecutions")
		                    ? _("Prosecutions of victims") : _("Complaints against officials"));
		name = part[1];
		reason = part[2];
	} else {
		name = section;
	}
	if (name)
		tg_strbuf_addf(out, "%s%s", out->len ? " — " : "", tg_accountability_label(section, name));
	if (reason)
		tg_strbuf_addf(out, " — %s", tg_accountability_reason_label(st, reason, r->lang));
	free(copy);
}

enum { PAGE_SIZE = 100 };

/* Links to the pages before and after page of a figure's n records. */
static void pages(struct web_req *r, const char *key, long page, size_t n)
{
	tg_strbuf *o = &r->out;
	tg_strbuf enc = TG_STRBUF_INIT;
	web_urlenc(&enc, key);
	tg_strbuf_adds(o, "<p>");
	if (page > 0) {
		tg_strbuf_adds(o, "<a rel=\"prev\" href=\"");
		web_escf(o, "/accountability/records?figure=%s&page=%ld", tg_strbuf_str(&enc), page - 1);
		tg_strbuf_addf(o, "\">%s</a> ", _("Previous"));
	}
	if ((size_t)(page + 1) * PAGE_SIZE < n) {
		tg_strbuf_adds(o, "<a rel=\"next\" href=\"");
		web_escf(o, "/accountability/records?figure=%s&page=%ld", tg_strbuf_str(&enc), page + 1);
		tg_strbuf_addf(o, "\">%s</a>", _("Next"));
	}
	tg_strbuf_adds(o, "</p>");
	tg_strbuf_release(&enc);
}

/* The rows a funnel figure's key ("funnel:TYPE:PLACE:...") comes from:
 * "*" stands for every type or place. */
static const char *by_of(const char *key)
{
	if (strncmp(key, "funnel:", 7))
		return "type";
	const char *place = strchr(key + 7, ':');
	bool type = strncmp(key + 7, "*:", 2) != 0, where = place && strncmp(place, ":*:", 3);
	return type && where ? "both" : where ? "place" : "type";
}

int web_page_accountability_records(struct web_req *r, const char *rest)
{
	(void)rest;
	tg_store *st;
	int status = web_enter(r, WEB_STATS, false, &st);
	if (status)
		return status;
	const char *key = web_arg(r, "figure");
	if (!key || !*key)
		return web_error(r, 400, _("Which figure? The link names it with figure=."));
	json_t *acc = figures(r, st, by_of(key), &status);
	if (!acc)
		return status;
	const json_t *fig = tg_accountability_figure(acc, key);
	if (!fig) {
		json_decref(acc);
		return web_error(r, 404, _("There is no such figure, or none you may see."));
	}
	tg_strbuf title = TG_STRBUF_INIT;
	figure_title(r, st, acc, key, &title);
	web_page_begin(r, tg_strbuf_str(&title));
	tg_strbuf_release(&title);
	tg_strbuf *o = &r->out;
	const json_t *ids = json_object_get(fig, "ids");
	size_t n = json_array_size(ids), hidden = 0;
	long page = web_arg(r, "page") ? strtol(web_arg(r, "page"), NULL, 10) : 0;
	if (page < 0 || (size_t)page * PAGE_SIZE >= n)
		page = 0;
	char *total = tg_text_format_int((long long)n, r->lang);
	tg_strbuf_addf(o, "<p><a href=\"/accountability\">%s</a></p><p>", _("Back to the figures"));
	web_esc(o, _("Records behind this figure:"));
	tg_strbuf_adds(o, " ");
	web_esc(o, total);
	tg_strbuf_adds(o, "</p><ul>");
	free(total);
	for (size_t i = (size_t)page * PAGE_SIZE; i < n && i < (size_t)(page + 1) * PAGE_SIZE; i++) {
		const json_t *id = json_array_get(ids, i);
		json_t *doc;
		int rc = tg_record_get(st, json_string_value(id), &doc, NULL);
		if (rc == TG_ENOTFOUND)
			continue;
		if (rc) {
			json_decref(acc);
			return web_error(r, 500, NULL);
		}
		if (!web_authorize(&r->user, WEB_READ, doc)) {
			hidden++;
			json_decref(doc);
			continue;
		}
		char *t = web_title(r, doc);
		tg_strbuf_adds(o, "<li><a href=\"/record/");
		web_esc(o, json_string_value(id));
		tg_strbuf_adds(o, "\">");
		web_esc(o, t ? t : json_string_value(id));
		tg_strbuf_adds(o, "</a> <span class=\"small\">");
		web_esc(o, web_entity_label(json_string_value(json_object_get(doc, "entity"))));
		tg_strbuf_adds(o, "</span></li>");
		free(t);
		json_decref(doc);
	}
	tg_strbuf_adds(o, "</ul>");
	if (hidden) {
		char *num = tg_text_format_int((long long)hidden, r->lang);
		tg_strbuf_adds(o, "<p class=\"small\">");
		web_esc(o, _("Records left out because you may not see them:"));
		tg_strbuf_adds(o, " ");
		web_esc(o, num);
		tg_strbuf_adds(o, "</p>");
		free(num);
	}
	pages(r, key, page, n);
	json_decref(acc);
	return web_page_end(r);
}
