/*
 * Records of any entity in the browser: a list with filters and pages,
 * and one form for creating and editing, both made from the model's field
 * tables (so events, acts, proceedings, sources and the rest need no page
 * of their own).  A form posted with errors comes back with what was typed
 * in every field and each error next to its field.  Deleting asks for a
 * reason and a recent password.
 *
 * Form field names: a field "start", a row of a list "stages.0.date", an
 * element of a list of codes "methods.1".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text/text.h"
#include "web/web-int.h"

enum { PAGE_SIZE = 50, EXTRA_ROWS = 2, MAX_ROWS = 40 };

static const char *str(const json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

/* A value of doc as form text (caller frees), or NULL. */
static char *as_text(const json_t *v)
{
	if (!v || json_is_null(v))
		return NULL;
	if (json_is_string(v))
		return strdup(json_string_value(v));
	if (json_is_true(v))
		return strdup("true");
	if (json_is_false(v))
		return strdup("false");
	return json_dumps(v, JSON_ENCODE_ANY | JSON_REAL_PRECISION(15));
}

struct form {
	struct web_req *r;
	tg_store *st;
	const tg_entity *e;
	const json_t *doc; /* values to show when nothing was posted */
	bool posted;
	const char *bad;   /* form name of the field at fault */
	const char *msg;
};

struct terms {
	struct web_req *r;
	const char *cur;
	int max_level; /* confidentiality: up to the user's clearance */
};

static int term_option(void *ctx, const tg_term *t)
{
	struct terms *x = ctx;
	if (x->max_level >= 0 && tg_clearance_level(t->code) > x->max_level)
		return 0;
	tg_strbuf *o = &x->r->out;
	tg_strbuf_adds(o, "<option value=\"");
	web_esc(o, t->code);
	tg_strbuf_addf(o, "\"%s>", x->cur && !strcmp(x->cur, t->code) ? " selected" : "");
	const char *l = !strcmp(x->r->lang, "kk") ? t->kk : !strcmp(x->r->lang, "ru") ? t->ru : t->en;
	web_esc(o, l && *l ? l : t->en && *t->en ? t->en : t->code);
	tg_strbuf_adds(o, "</option>");
	return 0;
}

/* One input for field f named name, showing cur. */
static void control(struct form *fm, const tg_field *f, const char *name, const char *cur)
{
	struct web_req *r = fm->r;
	tg_strbuf *o = &r->out;
	bool bad = fm->bad && !strcmp(fm->bad, name);
	const char *invalid = bad ? " aria-invalid=\"true\"" : "";
	if (f->type == TG_FT_TERM) {
		tg_strbuf_addf(o, "<select id=\"f-%s\" name=\"%s\"%s><option value=\"\"></option>", name,
		               name, invalid);
		struct terms x = {r, cur, !strcmp(f->name, "confidentiality") ? r->user.clearance : -1};
		tg_error err = {0};
		tg_term_list(fm->st, f->vocab, term_option, &x, &err);
		tg_strbuf_adds(o, "</select>");
	} else if (f->type == TG_FT_BOOL) {
		tg_strbuf_addf(o, "<select id=\"f-%s\" name=\"%s\"%s><option value=\"\"></option>"
		                  "<option value=\"true\"%s>%s</option><option value=\"false\"%s>%s"
		                  "</option></select>",
		               name, name, invalid, cur && !strcmp(cur, "true") ? " selected" : "",
		               _("yes"), cur && !strcmp(cur, "false") ? " selected" : "", _("no"));
	} else if (f->flags & TG_FF_MULTILINE) {
		tg_strbuf_addf(o, "<textarea id=\"f-%s\" name=\"%s\" rows=\"4\"%s>", name, name, invalid);
		web_esc(o, cur ? cur : "");
		tg_strbuf_adds(o, "</textarea>");
	} else {
		tg_strbuf_addf(o, "<input id=\"f-%s\" name=\"%s\"%s%s value=\"", name, name, invalid,
		               f->type == TG_FT_INT || f->type == TG_FT_REAL ? " inputmode=\"decimal\"" : "");
		web_esc(o, cur ? cur : "");
		tg_strbuf_adds(o, "\">");
	}
	if (bad)
		web_field_error(r, fm->msg);
}

/* The text to show in the control named name: what was posted, else the
 * record's value. Caller frees. */
static char *shown(struct form *fm, const char *name, const json_t *v)
{
	if (fm->posted) {
		const char *p = web_form(fm->r, name);
		return p ? strdup(p) : NULL;
	}
	return as_text(v);
}

static const char *hint(const tg_field *f)
{
	switch (f->type) {
	case TG_FT_DATE: return _("2022, 2022-01 or 2022-01-05; ~ before an approximate date");
	case TG_FT_REF: return _("the record's id (a place's code also works)");
	default: return NULL;
	}
}

/* Rows a list field shows: as many as posted or stored, plus empty ones. */
static int list_rows(struct form *fm, const tg_field *f, const json_t *v)
{
	int n = (int)json_array_size(v);
	if (fm->posted) {
		n = 0;
		size_t len = strlen(f->name);
		for (int i = 0; i < fm->r->nform; i++) {
			const char *k = fm->r->form_key[i];
			if (!strncmp(k, f->name, len) && k[len] == '.') {
				int row = atoi(k + len + 1) + 1;
				if (row > n && row <= MAX_ROWS)
					n = row;
			}
		}
	}
	return n + EXTRA_ROWS > MAX_ROWS ? MAX_ROWS : n + EXTRA_ROWS;
}

static void list_field(struct form *fm, const tg_field *f, const json_t *v)
{
	tg_strbuf *o = &fm->r->out;
	const tg_entity *c = f->child;
	tg_strbuf_addf(o, "<fieldset><legend>");
	web_esc(o, web_field_label(f->name));
	tg_strbuf_adds(o, "</legend>");
	int rows = list_rows(fm, f, v);
	for (int i = 0; i < rows; i++) {
		const json_t *el = json_array_get(v, (size_t)i);
		tg_strbuf_adds(o, "<div class=\"row\">");
		for (int k = 0; k < c->nfields; k++) {
			char name[128];
			if (c->scalar)
				snprintf(name, sizeof name, "%s.%d", f->name, i);
			else
				snprintf(name, sizeof name, "%s.%d.%s", f->name, i, c->fields[k].name);
			char *cur = shown(fm, name, c->scalar ? el : json_object_get(el, c->fields[k].name));
			tg_strbuf_addf(o, "<label for=\"f-%s\">", name);
			web_escf(o, "%s %d", web_field_label(c->fields[k].name), i + 1);
			tg_strbuf_adds(o, "</label>");
			control(fm, &c->fields[k], name, cur);
			free(cur);
		}
		tg_strbuf_adds(o, "</div>");
	}
	tg_strbuf_adds(o, "</fieldset>");
}

static void form_fields(struct form *fm)
{
	tg_strbuf *o = &fm->r->out;
	for (int i = 0; i < fm->e->nfields; i++) {
		const tg_field *f = &fm->e->fields[i];
		const json_t *v = fm->doc ? json_object_get(fm->doc, f->name) : NULL;
		if (f->type == TG_FT_LIST) {
			list_field(fm, f, v);
			continue;
		}
		char *cur = shown(fm, f->name, v);
		tg_strbuf_addf(o, "<p><label for=\"f-%s\">", f->name);
		web_esc(o, web_field_label(f->name));
		if (f->flags & TG_FF_REQUIRED)
			tg_strbuf_adds(o, " *");
		tg_strbuf_adds(o, "</label>");
		control(fm, f, f->name, cur);
		if (hint(f)) {
			tg_strbuf_adds(o, "<span class=\"small\">");
			web_esc(o, hint(f));
			tg_strbuf_adds(o, "</span>");
		}
		tg_strbuf_adds(o, "</p>");
		free(cur);
	}
}

/* Reads one posted value of field f into out[key]: 0, or the field's
 * name when it is not a number it should be. */
static const char *read_value(const tg_field *f, const char *text, json_t *out, const char *key)
{
	if (!text || !*text)
		return NULL;
	json_t *v = NULL;
	char *end = NULL;
	if (f->type == TG_FT_INT) {
		long long n = strtoll(text, &end, 10);
		if (*end)
			return key;
		v = json_integer(n);
	} else if (f->type == TG_FT_REAL) {
		double d = strtod(text, &end);
		if (*end)
			return key;
		v = json_real(d);
	} else if (f->type == TG_FT_BOOL) {
		v = json_boolean(!strcmp(text, "true"));
	} else {
		v = json_string(text);
	}
	if (json_is_array(out))
		json_array_append_new(out, v);
	else
		json_object_set_new(out, key, v);
	return NULL;
}

/* The posted form as a record document; *bad names a field that is not
 * a number. */
static json_t *posted_doc(struct form *fm, const char **bad)
{
	struct web_req *r = fm->r;
	json_t *doc = json_object();
	*bad = NULL;
	for (int i = 0; i < fm->e->nfields; i++) {
		const tg_field *f = &fm->e->fields[i];
		if (f->type != TG_FT_LIST) {
			const char *b = read_value(f, web_form(r, f->name), doc, f->name);
			if (b && !*bad)
				*bad = tg_arena_strdup(r->arena, b);
			continue;
		}
		const tg_entity *c = f->child;
		json_t *arr = json_array();
		for (int row = 0; row < MAX_ROWS; row++) {
			char name[128];
			json_t *el = c->scalar ? arr : json_object();
			for (int k = 0; k < c->nfields; k++) {
				if (c->scalar)
					snprintf(name, sizeof name, "%s.%d", f->name, row);
				else
					snprintf(name, sizeof name, "%s.%d.%s", f->name, row, c->fields[k].name);
				const char *b = read_value(&c->fields[k], web_form(r, name), el,
				                           c->fields[k].name);
				if (b && !*bad)
					*bad = tg_arena_strdup(r->arena, name);
			}
			if (!c->scalar && json_object_size(el))
				json_array_append(arr, el);
			if (!c->scalar)
				json_decref(el);
		}
		if (json_array_size(arr))
			json_object_set(doc, f->name, arr);
		json_decref(arr);
	}
	return doc;
}

/* "names[1].role" (a model error's path) as a form name "names.1.role". */
static const char *form_name(struct web_req *r, const char *path)
{
	if (!path || !*path)
		return NULL;
	char *s = tg_arena_strdup(r->arena, path), *w = s;
	for (const char *p = path; *p; p++) {
		if (*p == '[')
			*w++ = '.';
		else if (*p != ']')
			*w++ = *p;
	}
	*w = '\0';
	return s;
}

static int form_page(struct form *fm, const char *action, const char *title, int status)
{
	struct web_req *r = fm->r;
	web_page_begin(r, title);
	tg_strbuf *o = &r->out;
	if (fm->msg) {
		tg_strbuf_adds(o, "<p class=\"error\" role=\"alert\">");
		web_esc(o, fm->msg);
		tg_strbuf_adds(o, "</p>");
	}
	tg_strbuf_adds(o, "<form method=\"post\" class=\"card wide\" action=\"");
	web_esc(o, action);
	tg_strbuf_adds(o, "\">");
	web_csrf_field(r);
	form_fields(fm);
	tg_strbuf_addf(o, "<p><button type=\"submit\">%s</button></p></form>", _("Save"));
	web_page_end(r);
	r->status = status;
	return status;
}

/* Saves the posted form: a new record of fm->e, or, when old is given, a
 * merge patch of record id (null for each field the form cleared). On
 * success a redirect to the record; else the form again, as typed, with
 * the error next to its field. */
static int save(struct form *fm, const char *action, const char *title, const json_t *old,
                const char *id)
{
	struct web_req *r = fm->r;
	enum web_action act = old ? WEB_UPDATE : WEB_CREATE;
	const char *bad;
	json_t *doc = posted_doc(fm, &bad);
	int status = 422;
	if (bad) {
		fm->bad = bad;
		fm->msg = _("Give a number here.");
	} else if (!web_authorize(&r->user, act, doc)) {
		fm->bad = "confidentiality";
		fm->msg = _("This is above your clearance.");
		status = 403;
	} else {
		for (int i = 0; old && i < fm->e->nfields; i++)
			if (!json_object_get(doc, fm->e->fields[i].name) &&
			    json_object_get(old, fm->e->fields[i].name))
				json_object_set_new(doc, fm->e->fields[i].name, json_null());
		tg_store_set_actor(fm->st, r->user.name);
		char uid[TG_UUID_LEN];
		tg_error err = {0};
		int rc = old ? tg_record_update(fm->st, id, doc, &err)
		             : tg_record_create(fm->st, fm->e->name, doc, uid, &err);
		if (!rc) {
			json_decref(doc);
			char path[64];
			snprintf(path, sizeof path, "/record/%s", old ? id : uid);
			return web_redirect(r, path);
		}
		fm->bad = form_name(r, err.path);
		fm->msg = tg_arena_strdup(r->arena, *err.msg ? err.msg : tg_strerror(err.code));
	}
	json_decref(doc);
	return form_page(fm, action, title, status);
}

static int create(struct web_req *r, tg_store *st, const tg_entity *e)
{
	if (!web_authorize(&r->user, WEB_CREATE, NULL))
		return web_error(r, 403, NULL);
	char action[96], title[160];
	snprintf(action, sizeof action, "/records/%s/new", e->name);
	snprintf(title, sizeof title, "%s: %s", web_entity_label(e->name), _("new record"));
	if (!strcmp(r->method, "POST")) {
		struct form fm = {r, st, e, NULL, true, NULL, NULL};
		return save(&fm, action, title, NULL, NULL);
	}
	/* A new record starts at restricted, or lower when the reader's
	 * clearance is lower: a form sent as it loads is always allowed. */
	json_t *start = json_pack("{s:s}", "confidentiality",
	                          web_clearance_name(r->user.clearance < TG_CLEAR_RESTRICTED
	                                                 ? r->user.clearance
	                                                 : TG_CLEAR_RESTRICTED));
	struct form fm = {r, st, e, start, false, NULL, NULL};
	int status = form_page(&fm, action, title, 200);
	json_decref(start);
	return status;
}

static int edit(struct web_req *r, tg_store *st, const char *id, json_t *old)
{
	if (!web_authorize(&r->user, WEB_UPDATE, old))
		return web_error(r, 403, NULL);
	char action[96];
	snprintf(action, sizeof action, "/record/%s/edit", id);
	char *title = web_title(r, old);
	char *t = tg_arena_strdup(r->arena, title && *title ? title : id);
	free(title);
	struct form fm = {r, st, tg_model_entity(str(old, "entity")), old,
	                  !strcmp(r->method, "POST"), NULL, NULL};
	return fm.posted ? save(&fm, action, t, old, id) : form_page(&fm, action, t, 200);
}

static int delete(struct web_req *r, tg_store *st, const char *id, json_t *old)
{
	if (!web_authorize(&r->user, WEB_DELETE, old))
		return web_error(r, 403, NULL);
	if (!web_reauthed(r))
		return web_need_reauth(r);
	const char *reason = web_form(r, "reason");
	char path[64];
	snprintf(path, sizeof path, "/record/%s", id);
	if (!reason || !*reason)
		return web_error(r, 422, _("Say why the record is deleted."));
	tg_store_set_actor(st, r->user.name);
	tg_error err = {0};
	if (tg_record_delete(st, id, reason, &err))
		return web_error(r, err.code == TG_EDELETED ? 409 : 422, err.msg);
	return web_redirect(r, path);
}

int web_record_action(struct web_req *r, tg_store *st, const char *id, const char *what,
                      json_t *doc)
{
	if (!strcmp(what, "edit"))
		return edit(r, st, id, doc);
	if (!strcmp(what, "delete") && !strcmp(r->method, "POST"))
		return delete(r, st, id, doc);
	return web_error(r, strcmp(what, "delete") ? 404 : 405, NULL);
}

/* ---- the list ---- */

struct rows {
	struct web_req *r;
	tg_store *st;
	int shown;
};

static int row(void *ctx, const json_t *doc)
{
	struct rows *x = ctx;
	if (!web_authorize(&x->r->user, WEB_READ, doc))
		return 0;
	tg_strbuf *o = &x->r->out;
	const tg_entity *e = tg_model_entity(str(doc, "entity"));
	char *title = web_title(x->r, doc);
	tg_strbuf_addf(o, "<tr><td><a href=\"/record/%s\">", str(doc, "id"));
	web_esc(o, title && *title ? title : str(doc, "id"));
	tg_strbuf_adds(o, "</a></td><td>");
	free(title);
	for (int i = 0; i < e->nfields; i++) {
		if (e->fields[i].type != TG_FT_DATE || !str(doc, e->fields[i].name))
			continue;
		char *d = tg_text_format_date(str(doc, e->fields[i].name), x->r->lang);
		web_esc(o, d);
		free(d);
		break;
	}
	tg_strbuf_adds(o, "</td><td>");
	const tg_field *tf = tg_model_field(e, "type");
	if (tf && tf->type == TG_FT_TERM && str(doc, "type"))
		web_esc(o, tg_term_label(x->st, tf->vocab, str(doc, "type"), x->r->lang));
	tg_strbuf_adds(o, "</td></tr>");
	x->shown++;
	return 0;
}

static void filter_input(struct web_req *r, const char *name, const char *label)
{
	tg_strbuf *o = &r->out;
	tg_strbuf_addf(o, "<p><label for=\"q-%s\">", name);
	web_esc(o, label);
	tg_strbuf_addf(o, "</label><input id=\"q-%s\" name=\"%s\" value=\"", name, name);
	web_esc(o, web_arg(r, name) ? web_arg(r, name) : "");
	tg_strbuf_adds(o, "\"></p>");
}

static int list(struct web_req *r, tg_store *st, const tg_entity *e)
{
	if (!web_authorize(&r->user, WEB_READ, NULL))
		return web_error(r, 403, NULL);
	long page = web_arg(r, "page") ? strtol(web_arg(r, "page"), NULL, 10) : 0;
	if (page < 0 || page > 100000)
		page = 0;
	tg_filter f = {.entity = e->name, .limit = PAGE_SIZE, .offset = (int)page * PAGE_SIZE};
	const char *keys[] = {"text", "from", "to", "place", "term"};
	const char **dest[] = {&f.text, &f.from, &f.to, &f.place, &f.term};
	for (int i = 0; i < 5; i++) {
		const char *v = web_arg(r, keys[i]);
		*dest[i] = v && *v ? v : NULL;
	}
	web_page_begin(r, web_entity_label(e->name));
	tg_strbuf *o = &r->out;
	tg_strbuf_addf(o, "<form method=\"get\" action=\"/records/%s\" class=\"filters\">", e->name);
	filter_input(r, "text", _("Text"));
	filter_input(r, "from", _("From (date)"));
	filter_input(r, "to", _("To (date)"));
	filter_input(r, "place", _("Place (code or id)"));
	filter_input(r, "term", _("Term (vocabulary code)"));
	tg_strbuf_addf(o, "<p><button type=\"submit\">%s</button></p></form>", _("Filter"));
	if (web_authorize(&r->user, WEB_CREATE, NULL))
		tg_strbuf_addf(o, "<p><a href=\"/records/%s/new\">%s</a></p>", e->name, _("New record"));
	tg_strbuf_addf(o, "<table><thead><tr><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
	                  "<th scope=\"col\">%s</th></tr></thead><tbody>",
	               _("Record"), _("Date"), _("Type"));
	struct rows x = {r, st, 0};
	tg_error err = {0};
	int rc = tg_record_list(st, &f, row, &x, &err);
	tg_strbuf_adds(o, "</tbody></table>");
	if (rc) {
		tg_strbuf_adds(o, "<p class=\"error\" role=\"alert\">");
		web_esc(o, *err.path ? err.path : "");
		tg_strbuf_adds(o, ": ");
		web_esc(o, err.msg);
		tg_strbuf_adds(o, "</p>");
		r->status = 400;
	} else if (!x.shown) {
		tg_strbuf_addf(o, "<p>%s</p>", _("Nothing found."));
	}
	/* The filters travel with the pages. */
	tg_strbuf q = TG_STRBUF_INIT;
	for (int i = 0; i < 5; i++)
		if (*dest[i]) {
			tg_strbuf_addf(&q, "&%s=", keys[i]);
			web_urlenc(&q, *dest[i]);
		}
	tg_strbuf_adds(o, "<p>");
	if (page > 0) {
		tg_strbuf_addf(o, "<a rel=\"prev\" href=\"/records/%s?page=%ld", e->name, page - 1);
		web_esc(o, q.buf);
		tg_strbuf_addf(o, "\">%s</a> ", _("Previous"));
	}
	if (!rc && x.shown > 0) {
		tg_strbuf_addf(o, "<a rel=\"next\" href=\"/records/%s?page=%ld", e->name, page + 1);
		web_esc(o, q.buf);
		tg_strbuf_addf(o, "\">%s</a>", _("Next"));
	}
	tg_strbuf_adds(o, "</p>");
	tg_strbuf_release(&q);
	web_page_end(r);
	return r->status;
}

/* Every kind of record, with how many the reader may see. */
static int index_page(struct web_req *r, tg_store *st)
{
	if (!web_authorize(&r->user, WEB_READ, NULL))
		return web_error(r, 403, NULL);
	json_t *counts = NULL;
	tg_error err = {0};
	if (tg_store_counts(st, r->user.clearance, &counts, &err))
		return web_error(r, 500, err.msg);
	web_page_begin(r, _("Records"));
	tg_strbuf *o = &r->out;
	tg_strbuf_adds(o, "<ul class=\"grid plain\">");
	int n;
	const tg_entity *const *all = tg_model_entities(&n);
	for (int i = 0; i < n; i++) {
		json_int_t c = json_integer_value(json_object_get(json_object_get(counts, "records"),
		                                                  all[i]->name));
		char *num = tg_text_format_int(c, r->lang);
		tg_strbuf_addf(o, "<li class=\"card\"><a href=\"/records/%s\">", all[i]->name);
		web_esc(o, web_entity_label(all[i]->name));
		tg_strbuf_adds(o, "</a> <span class=\"muted\">");
		web_esc(o, num);
		tg_strbuf_adds(o, "</span><br><span class=\"small\">");
		web_esc(o, _(all[i]->help));
		tg_strbuf_adds(o, "</span></li>");
		free(num);
	}
	tg_strbuf_adds(o, "</ul>");
	json_decref(counts);
	web_page_end(r);
	return r->status;
}

int web_page_records(struct web_req *r, const char *rest)
{
	tg_store *st;
	int entered = web_enter(r, WEB_READ, false, &st);
	if (entered)
		return entered;
	if (*rest == '/')
		rest++;
	char name[32];
	const char *slash = strchr(rest, '/');
	size_t len = slash ? (size_t)(slash - rest) : strlen(rest);
	snprintf(name, sizeof name, "%.*s", (int)(len < sizeof name ? len : 0), rest);
	if (!*rest)
		return index_page(r, st);
	const tg_entity *e = tg_model_entity(name);
	if (!e)
		return web_error(r, 404, NULL);
	if (slash && !strcmp(slash, "/new") && !strcmp(e->name, "evidence"))
		return web_redirect(r, "/evidence/new"); /* a file, not a form */
	if (slash && !strcmp(slash, "/new"))
		return create(r, st, e);
	if (slash || strcmp(r->method, "GET"))
		return web_error(r, slash ? 404 : 405, NULL);
	return list(r, st, e);
}
