/*
 * People: search across scripts and spellings, a form to add a person, and
 * the record page, which for a person is the dossier: every name, a
 * timeline of the acts suffered and the proceeding stages, the sources
 * behind each fact, and the evidence with its hash.  Every record shown
 * passes web_authorize; what the reader may not see is left out.
 */
#include <stdlib.h>
#include <string.h>

#include "text/text.h"
#include "web/web-int.h"

enum { PAGE_SIZE = 50 };

static void person_row(struct web_req *r, tg_store *st, const json_t *doc)
{
	tg_strbuf *o = &r->out;
	char *title = web_title(r, doc);
	const char *id = json_string_value(json_object_get(doc, "id"));
	tg_strbuf_addf(o, "<tr><td><a href=\"/record/%s\">", id);
	web_esc(o, title);
	tg_strbuf_adds(o, "</a>");
	/* Other spellings: a Latin query found a Cyrillic name, show both. */
	const json_t *names = json_object_get(doc, "names"), *n;
	size_t i;
	json_array_foreach(names, i, n) {
		const char *t = json_string_value(json_object_get(n, "text"));
		if (i && t && title && strcmp(t, title)) {
			tg_strbuf_adds(o, "<br><span class=\"small\">");
			web_esc(o, t);
			tg_strbuf_adds(o, "</span>");
		}
	}
	free(title);
	tg_strbuf_adds(o, "</td><td>");
	const char *birth = json_string_value(json_object_get(doc, "birth_date"));
	if (birth) {
		char *d = tg_text_format_date(birth, r->lang);
		web_esc(o, d ? d : birth);
		free(d);
	}
	tg_strbuf_adds(o, "</td><td>");
	web_ref_link(r, st, json_string_value(json_object_get(doc, "residence")));
	tg_strbuf_adds(o, "</td></tr>");
}

struct people {
	struct web_req *r;
	tg_store *st;
	int shown;
};

static int search_hit(void *ctx, const tg_search_hit *h)
{
	struct people *p = ctx;
	json_t *doc;
	int rc = tg_record_get(p->st, h->uid, &doc, NULL);
	if (rc)
		return rc == TG_ENOTFOUND ? 0 : rc; /* a read error ends the search */
	if (web_authorize(&p->r->user, WEB_READ, doc) && !json_object_get(doc, "deleted")) {
		person_row(p->r, p->st, doc);
		p->shown++;
	}
	json_decref(doc);
	return 0;
}

static int list_hit(void *ctx, const json_t *doc)
{
	struct people *p = ctx;
	if (web_authorize(&p->r->user, WEB_READ, doc)) {
		person_row(p->r, p->st, doc);
		p->shown++;
	}
	return 0;
}

int web_page_people(struct web_req *r, const char *rest)
{
	tg_store *st;
	int entered = web_enter(r, WEB_READ, false, &st);
	if (entered)
		return entered;
	const char *q = web_arg(r, "q");
	long page = web_arg(r, "page") ? strtol(web_arg(r, "page"), NULL, 10) : 0;
	if (page < 0 || page > 100000)
		page = 0;
	web_page_begin(r, _("People"));
	tg_strbuf *o = &r->out;
	tg_strbuf_addf(o, "<form method=\"get\" action=\"/people\" role=\"search\">"
	                  "<label for=\"q\">%s</label><input id=\"q\" name=\"q\" type=\"search\" value=\"",
	               _("Name or words, in any script or spelling"));
	web_esc(o, q ? q : "");
	tg_strbuf_addf(o, "\"> <button type=\"submit\">%s</button></form>", _("Search"));
	if (web_authorize(&r->user, WEB_CREATE, NULL))
		tg_strbuf_addf(o, "<p><a href=\"/people/new\">%s</a></p>", _("Add a person"));
	tg_strbuf_addf(o, "<table><thead><tr><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
	                  "<th scope=\"col\">%s</th></tr></thead><tbody>",
	               _("Name"), _("Date of birth"), _("Residence"));
	struct people p = {r, st, 0};
	tg_error err = {0};
	int rc;
	if (q && *q) {
		tg_search_opts so = {.query = q, .entity = "person", .clearance = r->user.clearance,
		                     .limit = PAGE_SIZE};
		rc = tg_search(st, &so, search_hit, &p, &err);
	} else {
		tg_filter f = {.entity = "person", .limit = PAGE_SIZE, .offset = (int)page * PAGE_SIZE};
		rc = tg_record_list(st, &f, list_hit, &p, &err);
	}
	tg_strbuf_adds(o, "</tbody></table>");
	if (rc && err.code != TG_EINVAL)
		return web_error(r, 500, NULL); /* not "No one found." */
	if (rc) {
		tg_strbuf_adds(o, "<p class=\"error\">");
		web_esc(o, err.msg);
		tg_strbuf_adds(o, "</p>");
	} else if (!p.shown) {
		tg_strbuf_addf(o, "<p>%s</p>", _("No one found."));
	}
	if (!(q && *q)) {
		tg_strbuf_adds(o, "<p>");
		if (page > 0)
			tg_strbuf_addf(o, "<a href=\"/people?page=%ld\" rel=\"prev\">%s</a> ", page - 1,
			               _("Previous"));
		if (p.shown == PAGE_SIZE || (page >= 0 && rc == 0 && p.shown > 0))
			tg_strbuf_addf(o, "<a href=\"/people?page=%ld\" rel=\"next\">%s</a>", page + 1,
			               _("Next"));
		tg_strbuf_adds(o, "</p>");
	}
	web_page_end(r);
	return r->status;
}

/* ---- adding a person ---- */

struct person_form {
	const char *name, *sex, *birth, *residence, *conf, *note;
	const char *err_field, *err_msg;
};

static void select_terms(struct web_req *r, tg_store *st, const char *vocab, const char *name,
                         const char *cur, int max_level)
{
	tg_strbuf *o = &r->out;
	tg_strbuf_addf(o, "<select id=\"f-%s\" name=\"%s\"><option value=\"\"></option>", name, name);
	static const char *const sexes[] = {"male", "female", "unknown"};
	static const char *const confs[] = {"public", "restricted", "confidential"};
	const char *const *codes = !strcmp(vocab, "sex") ? sexes : confs;
	for (int i = 0; i < 3; i++) {
		if (max_level >= 0 && i > max_level)
			break;
		tg_strbuf_addf(o, "<option value=\"%s\"%s>", codes[i],
		               cur && !strcmp(cur, codes[i]) ? " selected" : "");
		web_esc(o, tg_term_label(st, vocab, codes[i], r->lang));
		tg_strbuf_adds(o, "</option>");
	}
	tg_strbuf_adds(o, "</select>");
}

static void form_field(struct web_req *r, const struct person_form *f, const char *name,
                       const char *label, const char *val, const char *hint)
{
	tg_strbuf *o = &r->out;
	bool bad = f->err_field && !strncmp(f->err_field, name, strlen(name));
	tg_strbuf_addf(o, "<p><label for=\"f-%s\">", name);
	web_esc(o, label);
	tg_strbuf_addf(o, "</label><input id=\"f-%s\" name=\"%s\" value=\"", name, name);
	web_esc(o, val ? val : "");
	tg_strbuf_addf(o, "\"%s>", bad ? " aria-invalid=\"true\"" : "");
	if (hint) {
		tg_strbuf_adds(o, "<span class=\"small\">");
		web_esc(o, hint);
		tg_strbuf_adds(o, "</span>");
	}
	if (bad)
		web_field_error(r, f->err_msg);
	tg_strbuf_adds(o, "</p>");
}

static int person_form_page(struct web_req *r, tg_store *st, const struct person_form *f,
                            int status)
{
	web_page_begin(r, _("Add a person"));
	tg_strbuf *o = &r->out;
	if (f->err_msg && !f->err_field) {
		tg_strbuf_adds(o, "<p class=\"error\" role=\"alert\">");
		web_esc(o, f->err_msg);
		tg_strbuf_adds(o, "</p>");
	}
	tg_strbuf_adds(o, "<form method=\"post\" action=\"/people/new\" class=\"card\">");
	web_csrf_field(r);
	form_field(r, f, "names", _("Full name, as written"), f->name,
	           _("In any script: Нұрсұлтан Исаев, Nursultan Isayev"));
	tg_strbuf_addf(o, "<p><label for=\"f-sex\">%s</label>", _("Sex"));
	select_terms(r, st, "sex", "sex", f->sex, -1);
	tg_strbuf_adds(o, "</p>");
	form_field(r, f, "birth_date", _("Date of birth"), f->birth,
	           _("2022, 2022-01 or 2022-01-05; ~ before an approximate date"));
	form_field(r, f, "residence", _("Residence (place code)"), f->residence, "kz-almaty");
	tg_strbuf_addf(o, "<p><label for=\"f-confidentiality\">%s</label>", _("Confidentiality"));
	select_terms(r, st, "confidentiality", "confidentiality",
	             f->conf ? f->conf : web_clearance_name(r->user.clearance < TG_CLEAR_RESTRICTED
	                                                        ? r->user.clearance
	                                                        : TG_CLEAR_RESTRICTED),
	             r->user.clearance);
	tg_strbuf_adds(o, "</p>");
	form_field(r, f, "note", _("Note"), f->note, NULL);
	tg_strbuf_addf(o, "<p><button type=\"submit\">%s</button></p></form>", _("Add"));
	web_page_end(r);
	r->status = status;
	return status;
}

static void set_if(json_t *doc, const char *key, const char *v)
{
	if (v && *v)
		json_object_set_new(doc, key, json_string(v));
}

int web_page_person_new(struct web_req *r, const char *rest)
{
	tg_store *st;
	int entered = web_enter(r, WEB_CREATE, false, &st);
	if (entered)
		return entered;
	struct person_form f = {0};
	if (strcmp(r->method, "POST"))
		return person_form_page(r, st, &f, 200);
	f.name = web_form(r, "names");
	f.sex = web_form(r, "sex");
	f.birth = web_form(r, "birth_date");
	f.residence = web_form(r, "residence");
	f.conf = web_form(r, "confidentiality");
	f.note = web_form(r, "note");
	if (!f.name || !*f.name) {
		f.err_field = "names";
		f.err_msg = _("Give the person's name.");
		return person_form_page(r, st, &f, 422);
	}
	json_t *doc = json_object();
	json_object_set_new(doc, "names",
	                    json_pack("[{s:s, s:s}]", "text", f.name, "role", "full"));
	set_if(doc, "sex", f.sex);
	set_if(doc, "birth_date", f.birth);
	set_if(doc, "residence", f.residence);
	set_if(doc, "confidentiality", f.conf);
	set_if(doc, "note", f.note);
	if (!web_authorize(&r->user, WEB_CREATE, doc)) {
		json_decref(doc);
		f.err_field = "confidentiality";
		f.err_msg = _("This is above your clearance.");
		return person_form_page(r, st, &f, 403);
	}
	tg_store_set_actor(st, r->user.name);
	char uid[TG_UUID_LEN];
	tg_error err = {0};
	int rc = tg_record_create(st, "person", doc, uid, &err);
	json_decref(doc);
	if (rc) {
		f.err_field = *err.path ? tg_arena_strdup(r->arena, err.path) : NULL;
		f.err_msg = tg_arena_strdup(r->arena, *err.msg ? err.msg : tg_strerror(err.code));
		return person_form_page(r, st, &f, 422);
	}
	char path[64];
	snprintf(path, sizeof path, "/record/%s", uid);
	return web_redirect(r, path);
}
