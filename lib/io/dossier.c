/*
 * A record's page body.  For a person it is the dossier: every name (with
 * its Latin transliteration), a timeline of acts and proceeding stages,
 * the sources behind each fact, the evidence with its SHA-256 and chain of
 * custody.  Any other record shows its fields.  Then what refers to it.
 * Records above the reader's clearance are left out.  The web's record
 * page and the dossier file of `tergeu dossier` are both this.
 */
#include <stdlib.h>
#include <string.h>

#include "io/io.h"
#include "text/text.h"

struct related {
	const tg_html *h;
	json_t *items; /* [{"path", "doc"}] the reader may see */
};

static int collect(void *ctx, const char *path, const json_t *doc)
{
	struct related *rel = ctx;
	if (tg_html_visible(rel->h, doc))
		json_array_append_new(rel->items, json_pack("{s:s, s:O}", "path", path, "doc", doc));
	return 0;
}

static json_t *related_of(const tg_html *h, const char *uid)
{
	struct related rel = {h, json_array()};
	tg_error err = {0};
	tg_record_related(h->st, uid, collect, &rel, &err);
	return rel.items;
}

/* A timeline entry: its date (sort key without '~'), text and link. */
/* A timeline entry: its date (shown), the date it sorts by (an undated
 * stage sorts just after the dated stage before it in its proceeding),
 * its place in the order it was added (stages keep their order), text
 * and link. */
static void add_event(json_t *tl, const char *date, const char *sort, const char *what,
                      const char *detail, const char *link)
{
	json_array_append_new(tl, json_pack("{s:s, s:s, s:I, s:s, s:s, s:s}", "date",
	                                    date ? date : "", "sort", sort ? sort : "", "seq",
	                                    (json_int_t)json_array_size(tl), "what", what, "detail",
	                                    detail ? detail : "", "link", link));
}

static int by_date(const void *a, const void *b)
{
	const json_t *p = *(json_t *const *)a, *q = *(json_t *const *)b;
	const char *x = json_string_value(json_object_get(p, "sort"));
	const char *y = json_string_value(json_object_get(q, "sort"));
	x += *x == '~';
	y += *y == '~';
	int c = strcmp(x, y);
	if (c)
		return c;
	json_int_t i = json_integer_value(json_object_get(p, "seq"));
	json_int_t j = json_integer_value(json_object_get(q, "seq"));
	return i < j ? -1 : i > j;
}

static void timeline(const tg_html *h, json_t *tl)
{
	size_t n = json_array_size(tl);
	json_t **items = calloc(n ? n : 1, sizeof *items);
	for (size_t i = 0; i < n; i++)
		items[i] = json_array_get(tl, i);
	qsort(items, n, sizeof *items, by_date);
	tg_strbuf *o = h->out;
	tg_strbuf_addf(o, "<h2>%s</h2>", _("Timeline"));
	if (!n)
		tg_strbuf_addf(o, "<p>%s</p>", _("Nothing recorded yet."));
	else
		tg_strbuf_adds(o, "<ol class=\"timeline\">");
	for (size_t i = 0; i < n; i++) {
		const char *date = json_string_value(json_object_get(items[i], "date"));
		char *d = *date ? tg_text_format_date(date, h->lang) : NULL;
		tg_strbuf_adds(o, "<li><strong>");
		tg_html_esc(o, d ? d : *date ? date : _("date unknown"));
		free(d);
		tg_strbuf_adds(o, "</strong> — ");
		if (h->links)
			tg_strbuf_addf(o, "<a href=\"%s\">",
			               json_string_value(json_object_get(items[i], "link")));
		tg_html_esc(o, json_string_value(json_object_get(items[i], "what")));
		if (h->links)
			tg_strbuf_adds(o, "</a>");
		const char *detail = json_string_value(json_object_get(items[i], "detail"));
		if (*detail) {
			tg_strbuf_adds(o, ": ");
			tg_html_esc(o, detail);
		}
		tg_strbuf_adds(o, "</li>");
	}
	if (n)
		tg_strbuf_adds(o, "</ol>");
	free(items);
}

static const char *str(const json_t *doc, const char *key)
{
	return json_string_value(json_object_get(doc, key));
}

/* The acts and proceedings of a person, for the timeline. */
static void person_timeline(const tg_html *h, json_t *rel, json_t *tl)
{
	size_t i;
	json_t *it;
	char link[64];
	json_array_foreach(rel, i, it) {
		const char *path = str(it, "path");
		json_t *doc = json_object_get(it, "doc");
		snprintf(link, sizeof link, "/record/%s", str(doc, "id"));
		if (!strcmp(path, "act.victim")) {
			add_event(tl, str(doc, "start"), str(doc, "start"),
			          tg_term_label(h->st, "act_type", str(doc, "type"), h->lang),
			          str(doc, "description"), link);
		} else if (!strcmp(path, "proceeding.party.person")) {
			const json_t *stages = json_object_get(doc, "stages"), *s;
			size_t j;
			const char *title = str(doc, "title") ? str(doc, "title") : str(doc, "case_number");
			/* Undated stages before the first dated one sort with it. */
			const char *last = NULL;
			json_array_foreach(stages, j, s)
				if (!last && str(s, "date"))
					last = str(s, "date");
			json_array_foreach(stages, j, s) {
				char what[512];
				snprintf(what, sizeof what, "%s: %s",
				         tg_term_label(h->st, "proceeding_type", str(doc, "type"), h->lang),
				         tg_term_label(h->st, "stage", str(s, "stage"), h->lang));
				if (str(s, "date"))
					last = str(s, "date");
				add_event(tl, str(s, "date"), last, what, title, link);
			}
			if (str(doc, "next_hearing"))
				add_event(tl, str(doc, "next_hearing"), str(doc, "next_hearing"),
				          _("Next hearing"), title, link);
		}
	}
}

static void names_table(const tg_html *h, const json_t *doc)
{
	tg_strbuf *o = h->out;
	tg_strbuf_addf(o, "<h2>%s</h2><table><thead><tr><th scope=\"col\">%s</th>"
	                  "<th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
	                  "<th scope=\"col\">%s</th></tr></thead><tbody>",
	               _("Names"), _("Name"), _("Latin"), _("Role"), _("Source"));
	const json_t *n;
	size_t i;
	json_array_foreach(json_object_get(doc, "names"), i, n) {
		const char *text = str(n, "text");
		tg_strbuf_adds(o, "<tr><td>");
		tg_html_esc(o, text);
		tg_strbuf_adds(o, "</td><td>");
		if (text && !strcmp(tg_text_script(text), "Cyrl")) {
			char *latin = tg_translit(text, tg_translit_scheme_by_name("kz2021"));
			tg_html_esc(o, latin);
			free(latin);
		}
		tg_strbuf_adds(o, "</td><td>");
		if (str(n, "role"))
			tg_html_esc(o, tg_term_label(h->st, "name_role", str(n, "role"), h->lang));
		tg_strbuf_adds(o, "</td><td>");
		tg_html_ref(h, str(n, "source"));
		tg_strbuf_adds(o, "</td></tr>");
	}
	tg_strbuf_adds(o, "</tbody></table>");
}

/* The sources (information records) and evidence about subject. */
static void support(const tg_html *h, const char *heading, json_t *rel,
                    json_t *sources, json_t *evidence)
{
	size_t i;
	json_t *it;
	json_array_foreach(rel, i, it) {
		const char *path = str(it, "path");
		json_t *doc = json_object_get(it, "doc");
		if (!strcmp(path, "information.subject"))
			json_array_append_new(sources, json_pack("{s:s, s:O}", "about", heading, "doc", doc));
		else if (!strcmp(path, "evidence.subject"))
			json_array_append_new(evidence, json_pack("{s:s, s:O}", "about", heading, "doc", doc));
	}
}

static void sources_table(const tg_html *h, json_t *sources)
{
	tg_strbuf *o = h->out;
	tg_strbuf_addf(o, "<h2>%s</h2>", _("Sources behind the facts"));
	if (!json_array_size(sources)) {
		tg_strbuf_addf(o, "<p>%s</p>", _("No source is recorded."));
		return;
	}
	tg_strbuf_addf(o, "<table><thead><tr><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
	                  "<th scope=\"col\">%s</th><th scope=\"col\">%s</th></tr></thead><tbody>",
	               _("About"), _("Source"), _("Facts"), _("Reliability"));
	size_t i;
	json_t *it;
	json_array_foreach(sources, i, it) {
		json_t *doc = json_object_get(it, "doc");
		tg_strbuf_adds(o, "<tr><td>");
		tg_html_esc(o, str(it, "about"));
		tg_strbuf_adds(o, "</td><td>");
		tg_html_ref(h, str(doc, "source"));
		if (str(doc, "locator")) {
			tg_strbuf_adds(o, " <span class=\"small\">");
			tg_html_esc(o, str(doc, "locator"));
			tg_strbuf_adds(o, "</span>");
		}
		tg_strbuf_adds(o, "</td><td>");
		tg_html_esc(o, str(doc, "facts"));
		tg_strbuf_adds(o, "</td><td>");
		if (str(doc, "reliability"))
			tg_html_esc(o, tg_term_label(h->st, "reliability", str(doc, "reliability"), h->lang));
		tg_strbuf_adds(o, "</td></tr>");
	}
	tg_strbuf_adds(o, "</tbody></table>");
}

struct custody_line {
	const tg_html *h;
	int n;
};

static int custody_line(void *ctx, const json_t *doc)
{
	struct custody_line *c = ctx;
	if (!tg_html_visible(c->h, doc))
		return 0;
	tg_strbuf *o = c->h->out;
	tg_strbuf_adds(o, c->n++ ? "; " : "");
	tg_html_esc(o, tg_term_label(c->h->st, "custody_action", str(doc, "action"), c->h->lang));
	if (str(doc, "by")) {
		tg_strbuf_adds(o, ", ");
		tg_html_esc(o, str(doc, "by"));
	}
	if (str(doc, "at")) {
		tg_strbuf_adds(o, ", ");
		tg_html_esc(o, str(doc, "at"));
	}
	return 0;
}

static void evidence_table(const tg_html *h, json_t *evidence)
{
	tg_strbuf *o = h->out;
	tg_strbuf_addf(o, "<h2>%s</h2>", _("Evidence"));
	if (!json_array_size(evidence)) {
		tg_strbuf_addf(o, "<p>%s</p>", _("No evidence is recorded."));
		return;
	}
	tg_strbuf_addf(o, "<table><thead><tr><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
	                  "<th scope=\"col\">%s</th><th scope=\"col\">%s</th></tr></thead><tbody>",
	               _("About"), _("File"), _("SHA-256"), _("Chain of custody"));
	size_t i;
	json_t *it;
	json_array_foreach(evidence, i, it) {
		json_t *doc = json_object_get(it, "doc");
		tg_strbuf_adds(o, "<tr><td>");
		tg_html_esc(o, str(it, "about"));
		tg_strbuf_adds(o, "</td><td>");
		tg_html_record(h, str(doc, "id"), doc);
		tg_strbuf_adds(o, "</td><td><code>");
		tg_html_esc(o, str(doc, "sha256"));
		tg_strbuf_adds(o, "</code></td><td>");
		struct custody_line c = {h, 0};
		tg_error err = {0};
		tg_record_refs(h->st, "custody", "evidence", str(doc, "id"), custody_line, &c, &err);
		tg_strbuf_adds(o, "</td></tr>");
	}
	tg_strbuf_adds(o, "</tbody></table>");
}

/* Everything else that refers to the record, by kind. */
static void others(const tg_html *h, json_t *rel, bool person)
{
	tg_strbuf *o = h->out;
	bool any = false;
	size_t i;
	json_t *it;
	json_array_foreach(rel, i, it) {
		const char *path = str(it, "path");
		if (person && (!strcmp(path, "act.victim") || !strcmp(path, "information.subject") ||
		               !strcmp(path, "evidence.subject")))
			continue;
		json_t *doc = json_object_get(it, "doc");
		if (!any)
			tg_strbuf_addf(o, "<h2>%s</h2><ul>", _("Linked records"));
		any = true;
		tg_strbuf_adds(o, "<li>");
		tg_html_esc(o, tg_html_entity_label(str(doc, "entity")));
		tg_strbuf_adds(o, ": ");
		tg_html_record(h, str(doc, "id"), doc);
		tg_strbuf_adds(o, "</li>");
	}
	if (any)
		tg_strbuf_adds(o, "</ul>");
}

static bool has_doc(json_t *rel, const char *id)
{
	size_t i;
	json_t *it;
	json_array_foreach(rel, i, it)
		if (!strcmp(str(json_object_get(it, "doc"), "id"), id))
			return true;
	return false;
}

static void dossier(const tg_html *h, const json_t *doc, json_t *rel)
{
	names_table(h, doc);
	tg_strbuf_addf(h->out, "<h2>%s</h2>", _("Facts"));
	tg_html_fields(h, doc, "names");
	json_t *sources = json_array(), *evidence = json_array();
	support(h, _("the person"), rel, sources, evidence);
	/* The acts the person suffered bring their own sources, evidence and
	 * the proceedings about them (a complaint of torture names the act,
	 * not always the victim as a party). */
	size_t nrel = json_array_size(rel);
	for (size_t i = 0; i < nrel; i++) {
		json_t *it = json_array_get(rel, i), *act = json_object_get(it, "doc");
		if (strcmp(str(it, "path"), "act.victim"))
			continue;
		json_t *arel = related_of(h, str(act, "id"));
		support(h, tg_term_label(h->st, "act_type", str(act, "type"), h->lang), arel, sources,
		        evidence);
		size_t j;
		json_t *a;
		json_array_foreach(arel, j, a) {
			json_t *proc = json_object_get(a, "doc");
			if (!strcmp(str(a, "path"), "proceeding.act.act") && !has_doc(rel, str(proc, "id")))
				json_array_append_new(rel, json_pack("{s:s, s:O}", "path",
				                                     "proceeding.party.person", "doc", proc));
		}
		json_decref(arel);
	}
	json_t *tl = json_array();
	person_timeline(h, rel, tl);
	timeline(h, tl);
	sources_table(h, sources);
	evidence_table(h, evidence);
	others(h, rel, true);
	json_decref(tl);
	json_decref(sources);
	json_decref(evidence);
}


int tg_html_dossier(const tg_html *h, const json_t *doc, tg_error *err)
{
	const char *id = str(doc, "id"), *entity = str(doc, "entity");
	if (!id || !entity)
		return tg_error_set(err, TG_EINVAL, "id", _("not a record"));
	json_t *rel = related_of(h, id);
	if (!strcmp(entity, "person")) {
		dossier(h, doc, rel);
	} else {
		tg_html_fields(h, doc, NULL);
		others(h, rel, false);
	}
	json_decref(rel);
	return 0;
}

int tg_io_dossier_document(tg_store *st, const char *id, const char *lang, int clearance,
                           const char *checkpoint, char **html, tg_error *err)
{
	tg_strbuf out = TG_STRBUF_INIT;
	tg_html h = {st, lang, clearance, &out, false};
	json_t *doc = NULL;
	int rc = tg_uuid_valid(id) ? tg_record_get(st, id, &doc, err) : TG_ENOTFOUND;
	if (rc && rc != TG_ENOTFOUND)
		return rc; /* the database could not be read: not "no record" */
	if (rc || !tg_html_visible(&h, doc)) {
		json_decref(doc);
		return tg_error_set(err, TG_ENOTFOUND, "id", _("no record %s"), id);
	}
	char *title = tg_html_title(&h, doc);
	tg_html_document_begin(&h, title && *title ? title : id);
	free(title);
	char now[TG_TIME_LEN];
	tg_now_utc(now);
	static const char *const levels[] = {N_("public"), N_("restricted"), N_("confidential")};
	tg_strbuf_adds(&out, "<p class=\"meta\">");
	tg_html_esc(&out, tg_html_entity_label(str(doc, "entity")));
	tg_strbuf_addf(&out, " · <code>%s</code> · ", id);
	tg_html_esc(&out, _("made"));
	tg_strbuf_addf(&out, " %s · ", now);
	tg_html_esc(&out, _("records up to"));
	tg_strbuf_adds(&out, " ");
	tg_html_esc(&out, _(levels[clearance < 0 ? 0 : clearance > 2 ? 2 : clearance]));
	tg_strbuf_adds(&out, "</p>");
	rc = tg_html_dossier(&h, doc, err);
	if (!rc && checkpoint) {
		tg_strbuf_addf(&out, "<h2>%s</h2><p>", _("Ledger checkpoint"));
		tg_html_esc(&out, _("Every change to these records is a leaf of the database's signed,"
		                    " append-only log. This checkpoint, signed when the dossier was made,"
		                    " lets anyone check later with 'tergeu ledger verify --checkpoint'"
		                    " that none of them was altered or removed."));
		tg_strbuf_adds(&out, "</p><pre>");
		tg_html_esc(&out, checkpoint);
		tg_strbuf_adds(&out, "</pre>");
	}
	tg_html_document_end(&h);
	json_decref(doc);
	if (rc) {
		tg_strbuf_release(&out);
		return rc;
	}
	*html = tg_strbuf_detach(&out);
	return 0;
}
