/*
 * The record page.  For a person it is the dossier: all names (with their
 * Latin transliteration), a timeline of acts and proceeding stages, the
 * sources behind each fact, and the evidence with its SHA-256.  Any other
 * record shows its fields and what refers to it.  A record the reader may
 * not see is "not found", the same answer as for an id that does not
 * exist, so ids cannot be probed.
 */
#include <stdlib.h>
#include <string.h>

#include "text/text.h"
#include "web/web-int.h"

struct related {
	struct web_req *r;
	json_t *items; /* [{"path", "doc"}] the reader may see */
};

static int collect(void *ctx, const char *path, const json_t *doc)
{
	struct related *rel = ctx;
	if (web_authorize(&rel->r->user, WEB_READ, doc))
		json_array_append_new(rel->items, json_pack("{s:s, s:O}", "path", path, "doc", doc));
	return 0;
}

static json_t *related_of(struct web_req *r, tg_store *st, const char *uid)
{
	struct related rel = {r, json_array()};
	tg_error err = {0};
	tg_record_related(st, uid, collect, &rel, &err);
	return rel.items;
}

/* A timeline entry: its date (sort key without '~'), text and link. */
static void add_event(json_t *tl, const char *date, const char *what, const char *detail,
                      const char *link)
{
	json_array_append_new(tl, json_pack("{s:s, s:s, s:s, s:s}", "date", date ? date : "",
	                                    "what", what, "detail", detail ? detail : "", "link",
	                                    link));
}

static int by_date(const void *a, const void *b)
{
	const char *x = json_string_value(json_object_get(*(json_t *const *)a, "date"));
	const char *y = json_string_value(json_object_get(*(json_t *const *)b, "date"));
	x += *x == '~';
	y += *y == '~';
	return strcmp(x, y);
}

static void timeline(struct web_req *r, tg_store *st, json_t *tl)
{
	size_t n = json_array_size(tl);
	json_t **items = calloc(n ? n : 1, sizeof *items);
	for (size_t i = 0; i < n; i++)
		items[i] = json_array_get(tl, i);
	qsort(items, n, sizeof *items, by_date);
	tg_strbuf *o = &r->out;
	tg_strbuf_addf(o, "<h2>%s</h2>", _("Timeline"));
	if (!n)
		tg_strbuf_addf(o, "<p>%s</p>", _("Nothing recorded yet."));
	else
		tg_strbuf_adds(o, "<ol class=\"timeline\">");
	for (size_t i = 0; i < n; i++) {
		const char *date = json_string_value(json_object_get(items[i], "date"));
		char *d = *date ? tg_text_format_date(date, r->lang) : NULL;
		tg_strbuf_adds(o, "<li><strong>");
		web_esc(o, d ? d : *date ? date : _("date unknown"));
		free(d);
		tg_strbuf_addf(o, "</strong> — <a href=\"%s\">",
		               json_string_value(json_object_get(items[i], "link")));
		web_esc(o, json_string_value(json_object_get(items[i], "what")));
		tg_strbuf_adds(o, "</a>");
		const char *detail = json_string_value(json_object_get(items[i], "detail"));
		if (*detail) {
			tg_strbuf_adds(o, ": ");
			web_esc(o, detail);
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
static void person_timeline(struct web_req *r, tg_store *st, json_t *rel, json_t *tl)
{
	size_t i;
	json_t *it;
	char link[64];
	json_array_foreach(rel, i, it) {
		const char *path = str(it, "path");
		json_t *doc = json_object_get(it, "doc");
		snprintf(link, sizeof link, "/record/%s", str(doc, "id"));
		if (!strcmp(path, "act.victim")) {
			add_event(tl, str(doc, "start"), tg_term_label(st, "act_type", str(doc, "type"),
			                                               r->lang),
			          str(doc, "description"), link);
		} else if (!strcmp(path, "proceeding.party.person")) {
			const json_t *stages = json_object_get(doc, "stages"), *s;
			size_t j;
			const char *title = str(doc, "title") ? str(doc, "title") : str(doc, "case_number");
			json_array_foreach(stages, j, s) {
				char what[512];
				snprintf(what, sizeof what, "%s: %s",
				         tg_term_label(st, "proceeding_type", str(doc, "type"), r->lang),
				         tg_term_label(st, "stage", str(s, "stage"), r->lang));
				add_event(tl, str(s, "date"), what, title, link);
			}
			if (str(doc, "next_hearing"))
				add_event(tl, str(doc, "next_hearing"), _("Next hearing"), title, link);
		}
	}
}

static void names_table(struct web_req *r, tg_store *st, const json_t *doc)
{
	tg_strbuf *o = &r->out;
	tg_strbuf_addf(o, "<h2>%s</h2><table><thead><tr><th scope=\"col\">%s</th>"
	                  "<th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
	                  "<th scope=\"col\">%s</th></tr></thead><tbody>",
	               _("Names"), _("Name"), _("Latin"), _("Role"), _("Source"));
	const json_t *n;
	size_t i;
	json_array_foreach(json_object_get(doc, "names"), i, n) {
		const char *text = str(n, "text");
		tg_strbuf_adds(o, "<tr><td>");
		web_esc(o, text);
		tg_strbuf_adds(o, "</td><td>");
		if (text && !strcmp(tg_text_script(text), "Cyrl")) {
			char *latin = tg_translit(text, tg_translit_scheme_by_name("kz2021"));
			web_esc(o, latin);
			free(latin);
		}
		tg_strbuf_adds(o, "</td><td>");
		if (str(n, "role"))
			web_esc(o, tg_term_label(st, "name_role", str(n, "role"), r->lang));
		tg_strbuf_adds(o, "</td><td>");
		web_ref_link(r, st, str(n, "source"));
		tg_strbuf_adds(o, "</td></tr>");
	}
	tg_strbuf_adds(o, "</tbody></table>");
}

/* The sources (information records) and evidence about subject. */
static void support(struct web_req *r, tg_store *st, const char *heading, json_t *rel,
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

static void sources_table(struct web_req *r, tg_store *st, json_t *sources)
{
	tg_strbuf *o = &r->out;
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
		web_esc(o, str(it, "about"));
		tg_strbuf_adds(o, "</td><td>");
		web_ref_link(r, st, str(doc, "source"));
		if (str(doc, "locator")) {
			tg_strbuf_adds(o, " <span class=\"small\">");
			web_esc(o, str(doc, "locator"));
			tg_strbuf_adds(o, "</span>");
		}
		tg_strbuf_adds(o, "</td><td>");
		web_esc(o, str(doc, "facts"));
		tg_strbuf_adds(o, "</td><td>");
		if (str(doc, "reliability"))
			web_esc(o, tg_term_label(st, "reliability", str(doc, "reliability"), r->lang));
		tg_strbuf_adds(o, "</td></tr>");
	}
	tg_strbuf_adds(o, "</tbody></table>");
}

static void evidence_table(struct web_req *r, const char *subject, json_t *evidence)
{
	tg_strbuf *o = &r->out;
	tg_strbuf_addf(o, "<h2>%s</h2>", _("Evidence"));
	if (web_authorize(&r->user, WEB_CREATE, NULL))
		tg_strbuf_addf(o, "<p><a href=\"/evidence/new?subject=%s\">%s</a></p>", subject,
		               _("Add evidence"));
	if (!json_array_size(evidence)) {
		tg_strbuf_addf(o, "<p>%s</p>", _("No evidence is recorded."));
		return;
	}
	tg_strbuf_addf(o, "<table><thead><tr><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
	                  "<th scope=\"col\">%s</th></tr></thead><tbody>",
	               _("About"), _("File"), _("SHA-256"));
	size_t i;
	json_t *it;
	json_array_foreach(evidence, i, it) {
		json_t *doc = json_object_get(it, "doc");
		tg_strbuf_adds(o, "<tr><td>");
		web_esc(o, str(it, "about"));
		tg_strbuf_addf(o, "</td><td><a href=\"/record/%s\">", str(doc, "id"));
		web_esc(o, str(doc, "filename") ? str(doc, "filename") : str(doc, "id"));
		tg_strbuf_adds(o, "</a></td><td><code>");
		web_esc(o, str(doc, "sha256"));
		tg_strbuf_adds(o, "</code></td></tr>");
	}
	tg_strbuf_adds(o, "</tbody></table>");
}

/* Everything else that refers to the record, by kind. */
static void others(struct web_req *r, tg_store *st, json_t *rel, bool person)
{
	tg_strbuf *o = &r->out;
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
		char *title = web_title(r, doc);
		tg_strbuf_adds(o, "<li>");
		web_esc(o, web_entity_label(str(doc, "entity")));
		tg_strbuf_addf(o, ": <a href=\"/record/%s\">", str(doc, "id"));
		web_esc(o, title && *title ? title : str(doc, "id"));
		tg_strbuf_adds(o, "</a></li>");
		free(title);
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

static void dossier(struct web_req *r, tg_store *st, const json_t *doc, json_t *rel)
{
	names_table(r, st, doc);
	tg_strbuf_addf(&r->out, "<h2>%s</h2>", _("Facts"));
	web_render_fields(r, st, doc, "names");
	json_t *sources = json_array(), *evidence = json_array();
	support(r, st, _("the person"), rel, sources, evidence);
	/* The acts the person suffered bring their own sources, evidence and
	 * the proceedings about them (a complaint of torture names the act,
	 * not always the victim as a party). */
	size_t nrel = json_array_size(rel);
	for (size_t i = 0; i < nrel; i++) {
		json_t *it = json_array_get(rel, i), *act = json_object_get(it, "doc");
		if (strcmp(str(it, "path"), "act.victim"))
			continue;
		json_t *arel = related_of(r, st, str(act, "id"));
		support(r, st, tg_term_label(st, "act_type", str(act, "type"), r->lang), arel, sources,
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
	person_timeline(r, st, rel, tl);
	timeline(r, st, tl);
	sources_table(r, st, sources);
	evidence_table(r, str(doc, "id"), evidence);
	others(r, st, rel, true);
	json_decref(tl);
	json_decref(sources);
	json_decref(evidence);
}

/* Edit and delete, for who may. */
static void actions(struct web_req *r, const char *id, const json_t *doc)
{
	tg_strbuf *o = &r->out;
	if (str(doc, "deleted"))
		return;
	bool upd = web_authorize(&r->user, WEB_UPDATE, doc);
	bool del = web_authorize(&r->user, WEB_DELETE, doc);
	if (!upd && !del)
		return;
	tg_strbuf_adds(o, "<div class=\"actions\">");
	if (upd)
		tg_strbuf_addf(o, "<p><a href=\"/record/%s/edit\">%s</a></p>", id, _("Edit"));
	if (del) {
		tg_strbuf_addf(o, "<form method=\"post\" action=\"/record/%s/delete\" class=\"card\""
		                  " data-confirm=\"", id);
		web_esc(o, _("Delete this record? It stays in the history."));
		tg_strbuf_adds(o, "\">");
		web_csrf_field(r);
		tg_strbuf_addf(o, "<p><label for=\"f-reason\">%s</label><input id=\"f-reason\""
		                  " name=\"reason\" required></p><p><button type=\"submit\""
		                  " class=\"secondary\">%s</button></p></form>",
		               _("Why delete it"), _("Delete"));
	}
	tg_strbuf_adds(o, "</div>");
}

int web_page_record(struct web_req *r, const char *rest)
{
	char id[TG_UUID_LEN];
	const char *slash = strchr(rest, '/');
	size_t len = slash ? (size_t)(slash - rest) : strlen(rest);
	snprintf(id, sizeof id, "%.*s", (int)(len < sizeof id ? len : 0), rest);
	const char *what = slash ? slash + 1 : NULL;
	if (!r->authed)
		return web_redirect_next(r, "/login");
	tg_store *st = web_store(r);
	if (!st)
		return web_redirect(r, "/unlock");
	json_t *doc = NULL;
	if (!tg_uuid_valid(id) || tg_record_get(st, id, &doc, NULL) ||
	    !web_authorize(&r->user, WEB_READ, doc)) {
		json_decref(doc);
		return web_error(r, 404, NULL);
	}
	if (what) {
		int status = web_record_action(r, st, id, what, doc);
		json_decref(doc);
		return status;
	}
	if (strcmp(r->method, "GET") && strcmp(r->method, "HEAD")) {
		json_decref(doc);
		return web_error(r, 405, NULL);
	}
	char *title = web_title(r, doc);
	web_page_begin(r, title && *title ? title : id);
	free(title);
	tg_strbuf *o = &r->out;
	const char *entity = str(doc, "entity");
	tg_strbuf_adds(o, "<p class=\"muted\">");
	web_esc(o, web_entity_label(entity));
	tg_strbuf_addf(o, " · <code>%s</code>", id);
	if (str(doc, "deleted")) {
		tg_strbuf_adds(o, " · <strong>");
		web_esc(o, _("deleted"));
		tg_strbuf_adds(o, "</strong>: ");
		web_esc(o, str(doc, "deleted_reason"));
	}
	tg_strbuf_adds(o, "</p>");
	json_t *rel = related_of(r, st, id);
	if (!strcmp(entity, "person")) {
		dossier(r, st, doc, rel);
	} else {
		web_render_fields(r, st, doc, NULL);
		others(r, st, rel, false);
	}
	actions(r, id, doc);
	json_decref(rel);
	json_decref(doc);
	web_page_end(r);
	return r->status;
}
