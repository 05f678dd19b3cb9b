/*
 * Records as HTML: field labels in the reader's language, vocabulary codes
 * as their labels, dates written the reader's way, references with the
 * title of what they point to when the reader may see it.  The web pages
 * and the files the CLI writes (a dossier) both come through here, so a
 * record reads the same everywhere.
 */
#include <stdlib.h>
#include <string.h>

#include "io/io.h"
#include "text/text.h"

void tg_html_esc(tg_strbuf *sb, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '&': tg_strbuf_adds(sb, "&amp;"); break;
		case '<': tg_strbuf_adds(sb, "&lt;"); break;
		case '>': tg_strbuf_adds(sb, "&gt;"); break;
		case '"': tg_strbuf_adds(sb, "&quot;"); break;
		case '\'': tg_strbuf_adds(sb, "&#39;"); break;
		default: tg_strbuf_addc(sb, *s);
		}
	}
}

static const char *const field_labels[][2] = {
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

const char *tg_html_field_label(const char *name)
{
	for (size_t i = 0; i < sizeof field_labels / sizeof field_labels[0]; i++)
		if (!strcmp(field_labels[i][0], name))
			return _(field_labels[i][1]);
	return name;
}

const char *tg_html_entity_label(const char *entity)
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

bool tg_html_visible(const tg_html *h, const json_t *doc)
{
	const char *c = json_string_value(json_object_get(doc, "confidentiality"));
	int level = c ? tg_clearance_level(c) : TG_CLEAR_RESTRICTED;
	return (level < 0 ? TG_CLEAR_CONFIDENTIAL : level) <= h->clearance;
}

char *tg_html_title(const tg_html *h, const json_t *doc)
{
	char key[16];
	snprintf(key, sizeof key, "name_%s", h->lang);
	const char *local = json_string_value(json_object_get(doc, key));
	if (local)
		return strdup(local);
	char *title = tg_model_title(doc);
	/* A record without a name or title is called by its type: in words. */
	const tg_entity *e = tg_model_entity(json_string_value(json_object_get(doc, "entity")));
	const tg_field *tf = e ? tg_model_field(e, "type") : NULL;
	const char *type = json_string_value(json_object_get(doc, "type"));
	if (title && type && tf && tf->type == TG_FT_TERM && !strcmp(title, type)) {
		free(title);
		title = strdup(tg_term_label(h->st, tf->vocab, type, h->lang));
	}
	return title;
}

void tg_html_record(const tg_html *h, const char *uid, const json_t *doc)
{
	char *title = tg_html_title(h, doc);
	if (h->links)
		tg_strbuf_addf(h->out, "<a href=\"/record/%s\">", uid);
	tg_html_esc(h->out, title && *title ? title : uid);
	if (h->links)
		tg_strbuf_adds(h->out, "</a>");
	free(title);
}

void tg_html_ref(const tg_html *h, const char *uid)
{
	json_t *doc;
	if (!uid || tg_record_get(h->st, uid, &doc, NULL))
		return;
	if (!tg_html_visible(h, doc)) {
		tg_strbuf_adds(h->out, "<span class=\"muted\">");
		tg_html_esc(h->out, _("(not shown at your clearance)"));
		tg_strbuf_adds(h->out, "</span>");
	} else {
		tg_html_record(h, uid, doc);
	}
	json_decref(doc);
}

static void value(const tg_html *h, const tg_field *f, const json_t *v)
{
	tg_strbuf *o = h->out;
	switch (f->type) {
	case TG_FT_TERM:
		tg_html_esc(o, tg_term_label(h->st, f->vocab, json_string_value(v), h->lang));
		return;
	case TG_FT_REF:
		tg_html_ref(h, json_string_value(v));
		return;
	case TG_FT_DATE: {
		char *d = tg_text_format_date(json_string_value(v), h->lang);
		tg_html_esc(o, d ? d : json_string_value(v));
		free(d);
		return;
	}
	case TG_FT_LIST:
		return;
	default:
		if (json_is_string(v)) {
			tg_html_esc(o, json_string_value(v));
		} else {
			char *text = json_dumps(v, JSON_ENCODE_ANY | JSON_REAL_PRECISION(12));
			tg_html_esc(o, text);
			free(text);
		}
	}
}

static void element(const tg_html *h, const tg_entity *child, const json_t *el)
{
	if (child->scalar) {
		value(h, &child->fields[0], el);
		return;
	}
	bool first = true;
	for (int k = 0; k < child->nfields; k++) {
		const json_t *v = json_object_get(el, child->fields[k].name);
		if (!v)
			continue;
		if (!first) {
			tg_strbuf_adds(h->out, "; ");
			tg_html_esc(h->out, tg_html_field_label(child->fields[k].name));
			tg_strbuf_adds(h->out, ": ");
		}
		value(h, &child->fields[k], v);
		first = false;
	}
}

void tg_html_fields(const tg_html *h, const json_t *doc, const char *skip)
{
	const tg_entity *e = tg_model_entity(json_string_value(json_object_get(doc, "entity")));
	if (!e)
		return;
	tg_strbuf *o = h->out;
	tg_strbuf_adds(o, "<table class=\"fields\"><tbody>");
	for (int i = 0; i < e->nfields; i++) {
		const tg_field *f = &e->fields[i];
		const json_t *v = json_object_get(doc, f->name);
		if (!v || (skip && !strcmp(skip, f->name)))
			continue;
		tg_strbuf_adds(o, "<tr><th scope=\"row\">");
		tg_html_esc(o, tg_html_field_label(f->name));
		tg_strbuf_adds(o, "</th><td>");
		if (f->type == TG_FT_LIST) {
			tg_strbuf_adds(o, "<ul>");
			size_t j;
			const json_t *el;
			json_array_foreach(v, j, el) {
				tg_strbuf_adds(o, "<li>");
				element(h, f->child, el);
				tg_strbuf_adds(o, "</li>");
			}
			tg_strbuf_adds(o, "</ul>");
		} else {
			value(h, f, v);
		}
		tg_strbuf_adds(o, "</td></tr>");
	}
	tg_strbuf_adds(o, "</tbody></table>");
}

/* Self-contained documents (a dossier, a report) carry their style: they
 * are opened from a disk, mailed, printed. */
static const char document_css[] =
	"body{font:11pt/1.45 'Noto Sans','DejaVu Sans',sans-serif;color:#111;max-width:48rem;"
	"margin:2rem auto;padding:0 1rem}"
	"h1{font-size:1.6em;margin:.2em 0}h2{font-size:1.2em;margin-top:1.6em;"
	"border-bottom:1px solid #999}"
	"table{border-collapse:collapse;width:100%;margin:.4em 0}"
	"th,td{text-align:left;vertical-align:top;padding:4px 6px;border-bottom:1px solid #ccc}"
	"td.num,th.num{text-align:right}code,pre{font-family:'DejaVu Sans Mono',monospace;"
	"font-size:.85em;word-break:break-all;white-space:pre-wrap}"
	".timeline{padding-left:1.2em}.muted,.meta{color:#555}.meta{font-size:.9em}"
	"svg{max-width:100%;height:auto}"
	"@media print{body{margin:0;max-width:none}a{color:inherit;text-decoration:none}"
	"h2{break-after:avoid}tr,li,figure{break-inside:avoid}@page{size:A4;margin:18mm}}";

const char *tg_html_document_css(void)
{
	return document_css;
}

void tg_html_document_begin(const tg_html *h, const char *title)
{
	tg_strbuf *o = h->out;
	tg_strbuf_addf(o, "<!DOCTYPE html>\n<html lang=\"%s\"><head><meta charset=\"utf-8\">"
	                  "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
	                  "<title>", h->lang);
	tg_html_esc(o, title);
	tg_strbuf_addf(o, "</title><style>%s</style></head><body><h1>", document_css);
	tg_html_esc(o, title);
	tg_strbuf_adds(o, "</h1>");
}

void tg_html_document_end(const tg_html *h)
{
	tg_strbuf_adds(h->out, "</body></html>\n");
}

void tg_html_bars(const tg_html *h, const char *title, const char *const *labels,
                  const double *values, const char *const *shown, size_t n)
{
	if (!n)
		return;
	tg_strbuf *o = h->out;
	double max = 0;
	for (size_t i = 0; i < n; i++)
		if (values[i] > max)
			max = values[i];
	if (max <= 0)
		max = 1;
	enum { ROW_H = 24, WIDTH = 720, LABEL_W = 290, ROOM = 70 };
	/* Unique per document: several charts may share a page. */
	static _Thread_local unsigned serial;
	unsigned id = ++serial;
	tg_strbuf_addf(o, "<figure><svg role=\"img\" aria-labelledby=\"bars-%u\" viewBox=\"0 0 %d %zu\""
	                  " width=\"100%%\" xmlns=\"http://www.w3.org/2000/svg\"><title id=\"bars-%u\">",
	               id, (int)WIDTH, n * (size_t)ROW_H + 4, id);
	tg_html_esc(o, title);
	tg_strbuf_adds(o, "</title>");
	for (size_t i = 0; i < n; i++) {
		double len = values[i] / max * (WIDTH - LABEL_W - ROOM);
		tg_strbuf_addf(o, "<text x=\"%d\" y=\"%zu\" text-anchor=\"end\" font-size=\"12\">",
		               LABEL_W - 6, i * ROW_H + 16);
		tg_html_esc(o, labels[i]);
		tg_strbuf_addf(o, "</text><rect class=\"bar\" fill=\"#0b5394\" x=\"%d\" y=\"%zu\""
		                  " width=\"%.1f\" height=\"%d\"></rect><text x=\"%.1f\" y=\"%zu\""
		                  " font-size=\"12\">",
		               LABEL_W, i * ROW_H + 4, len, ROW_H - 6, LABEL_W + len + 4, i * ROW_H + 16);
		tg_html_esc(o, shown[i]);
		tg_strbuf_adds(o, "</text>");
	}
	tg_strbuf_adds(o, "</svg><figcaption>");
	tg_html_esc(o, title);
	tg_strbuf_adds(o, "</figcaption></figure>");
}
