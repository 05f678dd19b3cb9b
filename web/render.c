/*
 * Records as HTML: field labels in the reader's language, vocabulary codes
 * as their labels, dates written the reader's way, references as links
 * with the title of what they point to, when the reader may see it.
 */
#include <stdlib.h>
#include <string.h>

#include "text/text.h"
#include "web/web-int.h"

static const char *const labels[][2] = {
	{"act", N_("Act")}, {"action", N_("Action")}, {"acts", N_("Acts")},
	{"article", N_("Article")}, {"at", N_("At")}, {"author", N_("Author")},
	{"authority", N_("Authority")}, {"birth_date", N_("Date of birth")},
	{"birth_place", N_("Place of birth")}, {"blob", N_("File in the vault")},
	{"by", N_("By")}, {"captured_at", N_("Captured at")}, {"captured_by", N_("Captured by")},
	{"case_number", N_("Case number")}, {"charges", N_("Charges")}, {"code", N_("Code")},
	{"confidentiality", N_("Confidentiality")}, {"currency", N_("Currency")},
	{"date", N_("Date")}, {"degree", N_("Degree of involvement")},
	{"description", N_("Description")}, {"end", N_("End")}, {"event", N_("Event")},
	{"evidence", N_("Evidence")}, {"facts", N_("Facts")}, {"filename", N_("File name")},
	{"fine", N_("Fine")}, {"from", N_("From")}, {"label", N_("Charge")},
	{"lang", N_("Language")}, {"language", N_("Language")}, {"lat", N_("Latitude")},
	{"locator", N_("Locator")}, {"lon", N_("Longitude")}, {"method", N_("Method")},
	{"methods", N_("Methods")}, {"name", N_("Name")}, {"name_en", N_("Name in English")},
	{"name_kk", N_("Name in Kazakh")}, {"name_ru", N_("Name in Russian")},
	{"names", N_("Names")}, {"next_hearing", N_("Next hearing")}, {"note", N_("Note")},
	{"occupation", N_("Occupation")}, {"organisation", N_("Organisation")},
	{"parent", N_("Part of")}, {"parties", N_("Parties")}, {"perpetrator", N_("Perpetrator")},
	{"person", N_("Person")}, {"physical_consequences", N_("Physical consequences")},
	{"place", N_("Place")}, {"psychological_consequences", N_("Psychological consequences")},
	{"reason", N_("Reason")}, {"relation", N_("Relation")}, {"reliability", N_("Reliability")},
	{"residence", N_("Residence")}, {"response", N_("Response")}, {"role", N_("Role")},
	{"script", N_("Script")}, {"sentence", N_("Sentence")},
	{"sentence_months", N_("Prison term (months)")}, {"sex", N_("Sex")},
	{"sha256", N_("SHA-256")}, {"size", N_("Size (bytes)")}, {"source", N_("Source")},
	{"stage", N_("Stage")}, {"stages", N_("Stages")}, {"start", N_("Start")},
	{"status", N_("Status")}, {"subject", N_("Subject")}, {"text", N_("Name")},
	{"title", N_("Title")}, {"to", N_("To")}, {"type", N_("Type")},
	{"unit_type", N_("Kind of unit")}, {"url", N_("Address (URL)")},
	{"victim", N_("Victim")},
};

const char *web_field_label(const char *name)
{
	for (size_t i = 0; i < sizeof labels / sizeof labels[0]; i++)
		if (!strcmp(labels[i][0], name))
			return _(labels[i][1]);
	return name;
}

const char *web_entity_label(const char *entity)
{
	static const char *const names[][2] = {
		{"place", N_("Place")}, {"source", N_("Source")}, {"person", N_("Person")},
		{"relation", N_("Relation")}, {"event", N_("Event")}, {"act", N_("Act")},
		{"involvement", N_("Involvement")}, {"proceeding", N_("Proceeding")},
		{"information", N_("Information from a source")},
		{"intervention", N_("Intervention")}, {"evidence", N_("Evidence")},
		{"custody", N_("Custody event")},
	};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (!strcmp(names[i][0], entity))
			return _(names[i][1]);
	return entity;
}

char *web_title(struct web_req *r, const json_t *doc)
{
	char key[16];
	snprintf(key, sizeof key, "name_%s", r->lang);
	const char *local = json_string_value(json_object_get(doc, key));
	if (local)
		return strdup(local);
	char *title = tg_model_title(doc);
	/* A record without a name or title is called by its type: in words. */
	const tg_entity *e = tg_model_entity(json_string_value(json_object_get(doc, "entity")));
	const tg_field *tf = e ? tg_model_field(e, "type") : NULL;
	const char *type = json_string_value(json_object_get(doc, "type"));
	if (title && type && tf && tf->type == TG_FT_TERM && !strcmp(title, type) && r->st) {
		free(title);
		title = strdup(tg_term_label(r->st, tf->vocab, type, r->lang));
	}
	return title;
}

void web_ref_link(struct web_req *r, tg_store *st, const char *uid)
{
	json_t *doc;
	tg_strbuf *o = &r->out;
	if (!uid || tg_record_get(st, uid, &doc, NULL))
		return;
	if (!web_authorize(&r->user, WEB_READ, doc)) {
		tg_strbuf_adds(o, "<span class=\"muted\">");
		web_esc(o, _("(not shown at your clearance)"));
		tg_strbuf_adds(o, "</span>");
	} else {
		char *title = web_title(r, doc);
		tg_strbuf_addf(o, "<a href=\"/record/%s\">", uid);
		web_esc(o, title && *title ? title : uid);
		tg_strbuf_adds(o, "</a>");
		free(title);
	}
	json_decref(doc);
}

static void value(struct web_req *r, tg_store *st, const tg_field *f, const json_t *v)
{
	tg_strbuf *o = &r->out;
	switch (f->type) {
	case TG_FT_TERM:
		web_esc(o, tg_term_label(st, f->vocab, json_string_value(v), r->lang));
		return;
	case TG_FT_REF:
		web_ref_link(r, st, json_string_value(v));
		return;
	case TG_FT_DATE: {
		char *d = tg_text_format_date(json_string_value(v), r->lang);
		web_esc(o, d ? d : json_string_value(v));
		free(d);
		return;
	}
	case TG_FT_LIST:
		return;
	default:
		if (json_is_string(v)) {
			web_esc(o, json_string_value(v));
		} else {
			char *text = json_dumps(v, JSON_ENCODE_ANY | JSON_REAL_PRECISION(12));
			web_esc(o, text);
			free(text);
		}
	}
}

static void element(struct web_req *r, tg_store *st, const tg_entity *child, const json_t *el)
{
	if (child->scalar) {
		value(r, st, &child->fields[0], el);
		return;
	}
	bool first = true;
	for (int k = 0; k < child->nfields; k++) {
		const json_t *v = json_object_get(el, child->fields[k].name);
		if (!v)
			continue;
		if (!first) {
			tg_strbuf_adds(&r->out, "; ");
			web_esc(&r->out, web_field_label(child->fields[k].name));
			tg_strbuf_adds(&r->out, ": ");
		}
		value(r, st, &child->fields[k], v);
		first = false;
	}
}

void web_render_fields(struct web_req *r, tg_store *st, const json_t *doc, const char *skip)
{
	const tg_entity *e = tg_model_entity(json_string_value(json_object_get(doc, "entity")));
	if (!e)
		return;
	tg_strbuf *o = &r->out;
	tg_strbuf_adds(o, "<table class=\"fields\"><tbody>");
	for (int i = 0; i < e->nfields; i++) {
		const tg_field *f = &e->fields[i];
		const json_t *v = json_object_get(doc, f->name);
		if (!v || (skip && !strcmp(skip, f->name)))
			continue;
		tg_strbuf_adds(o, "<tr><th scope=\"row\">");
		web_esc(o, web_field_label(f->name));
		tg_strbuf_adds(o, "</th><td>");
		if (f->type == TG_FT_LIST) {
			tg_strbuf_adds(o, "<ul>");
			size_t j;
			const json_t *el;
			json_array_foreach(v, j, el) {
				tg_strbuf_adds(o, "<li>");
				element(r, st, f->child, el);
				tg_strbuf_adds(o, "</li>");
			}
			tg_strbuf_adds(o, "</ul>");
		} else {
			value(r, st, f, v);
		}
		tg_strbuf_adds(o, "</td></tr>");
	}
	tg_strbuf_adds(o, "</tbody></table>");
}
