/*
 * The dashboard (counts at the reader's clearance, acts by type as a
 * chart, hearings ahead, recent changes), the ledger's status, user
 * administration and the export.  Exports and account changes ask for the
 * password again (web_reauthed).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/io.h"
#include "text/text.h"
#include "web/web-int.h"

static const char *str(const json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

static void num(struct web_req *r, long long n)
{
	char *s = tg_text_format_int(n, r->lang);
	web_esc(&r->out, s);
	free(s);
}

/* Acts by type as horizontal bars: an inline SVG needs no script. */
static void acts_chart(struct web_req *r, tg_store *st, json_t *acts)
{
	size_t n = json_object_size(acts), i = 0;
	const char **labels = calloc(n + 1, sizeof *labels), **shown = calloc(n + 1, sizeof *shown);
	double *values = calloc(n + 1, sizeof *values);
	const char *k;
	json_t *v;
	json_object_foreach(acts, k, v) {
		labels[i] = tg_term_label(st, "act_type", k, r->lang);
		values[i] = (double)json_integer_value(v);
		char *num = tg_text_format_int(json_integer_value(v), r->lang);
		shown[i++] = tg_arena_strdup(r->arena, num ? num : "");
		free(num);
	}
	tg_html h = {st, r->lang, r->user.clearance, &r->out, true};
	tg_html_bars(&h, _("Acts by type"), labels, values, shown, n);
	free(labels);
	free(shown);
	free(values);
}

struct dash {
	struct web_req *r;
	tg_store *st;
	int shown;
};

static int hearing(void *ctx, const json_t *doc)
{
	struct dash *d = ctx;
	if (!web_authorize(&d->r->user, WEB_READ, doc))
		return 0;
	tg_strbuf *o = &d->r->out;
	char *date = tg_text_format_date(str(doc, "next_hearing"), d->r->lang);
	char *title = web_title(d->r, doc);
	tg_strbuf_adds(o, "<li><strong>");
	web_esc(o, date);
	tg_strbuf_addf(o, "</strong> — <a href=\"/record/%s\">", str(doc, "id"));
	web_esc(o, title && *title ? title : str(doc, "case_number"));
	tg_strbuf_adds(o, "</a>");
	if (str(doc, "authority")) {
		tg_strbuf_adds(o, ", ");
		web_esc(o, str(doc, "authority"));
	}
	tg_strbuf_adds(o, "</li>");
	free(date);
	free(title);
	d->shown++;
	return 0;
}

static int change(void *ctx, const tg_change *c)
{
	struct dash *d = ctx;
	json_t *doc = c->doc ? json_loads(c->doc, 0, NULL) : NULL;
	bool record = doc && tg_model_entity(c->entity);
	if (!record || !web_authorize(&d->r->user, WEB_READ, doc)) {
		json_decref(doc);
		return 0;
	}
	tg_strbuf *o = &d->r->out;
	const char *op = !strcmp(c->op, "create") ? _("added")
	               : !strcmp(c->op, "update") ? _("changed")
	               : !strcmp(c->op, "delete") ? _("deleted") : c->op;
	char *title = web_title(d->r, doc);
	tg_strbuf_adds(o, "<tr><td>");
	web_esc(o, c->at);
	tg_strbuf_adds(o, "</td><td>");
	web_esc(o, c->actor);
	tg_strbuf_adds(o, "</td><td>");
	web_esc(o, op);
	tg_strbuf_adds(o, "</td><td>");
	web_esc(o, web_entity_label(c->entity));
	tg_strbuf_addf(o, ": <a href=\"/record/%s\">", c->uid);
	web_esc(o, title && *title ? title : c->uid);
	tg_strbuf_adds(o, "</a></td></tr>");
	free(title);
	json_decref(doc);
	d->shown++;
	return 0;
}

int web_page_dashboard(struct web_req *r, const char *rest)
{
	tg_store *st;
	int entered = web_enter(r, WEB_READ, false, &st);
	if (entered)
		return entered;
	json_t *counts = NULL;
	tg_error err = {0};
	if (tg_store_counts(st, r->user.clearance, &counts, &err))
		return web_error(r, 500, err.msg);
	web_page_begin(r, _("Dashboard"));
	tg_strbuf *o = &r->out;
	static const char *const shown[][2] = {
		{"person", N_("people")}, {"act", N_("acts")}, {"proceeding", N_("proceedings")},
		{"source", N_("sources")}, {"evidence", N_("pieces of evidence")},
	};
	tg_strbuf_adds(o, "<div class=\"grid\">");
	json_t *records = json_object_get(counts, "records");
	for (size_t i = 0; i < sizeof shown / sizeof shown[0]; i++) {
		tg_strbuf_adds(o, "<div class=\"card\"><div class=\"stat\">");
		num(r, json_integer_value(json_object_get(records, shown[i][0])));
		tg_strbuf_adds(o, "</div>");
		web_esc(o, _(shown[i][1]));
		tg_strbuf_adds(o, "</div>");
	}
	tg_strbuf_adds(o, "</div>");
	acts_chart(r, st, json_object_get(counts, "acts"));
	json_decref(counts);

	char today[TG_TIME_LEN];
	tg_now_utc(today);
	today[10] = '\0';
	tg_strbuf_addf(o, "<h2>%s</h2><ul>", _("Hearings ahead"));
	struct dash d = {r, st, 0};
	tg_store_upcoming(st, today, 10, hearing, &d, &err);
	tg_strbuf_adds(o, "</ul>");
	if (!d.shown)
		tg_strbuf_addf(o, "<p>%s</p>", _("No hearing is scheduled."));

	tg_strbuf_addf(o, "<h2>%s</h2><table><thead><tr><th scope=\"col\">%s</th>"
	                  "<th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
	                  "<th scope=\"col\">%s</th></tr></thead><tbody>",
	               _("Recent changes"), _("When (UTC)"), _("Who"), _("What"), _("Record"));
	d.shown = 0;
	tg_record_recent(st, 15, change, &d, &err);
	tg_strbuf_adds(o, "</tbody></table>");
	web_page_end(r);
	return r->status;
}

int web_page_ledger(struct web_req *r, const char *rest)
{
	tg_store *st;
	int entered = web_enter(r, WEB_LEDGER, false, &st);
	if (entered)
		return entered;
	web_page_begin(r, _("Ledger"));
	tg_strbuf *o = &r->out;
	tg_strbuf_addf(o, "<p>%s</p>", _("Every change is a leaf of an append-only Merkle log"
	                                 " (RFC 9162); signed checkpoints let anyone check later"
	                                 " that nothing was altered, removed or rolled back."));
	tg_strbuf_addf(o, "<p>%s <code>", _("Verifier key:"));
	web_esc(o, tg_ledger_vkey(st));
	tg_strbuf_adds(o, "</code></p>");
	if (!web_arg(r, "verify")) {
		tg_strbuf_addf(o, "<form method=\"get\" action=\"/ledger\"><input type=\"hidden\""
		                  " name=\"verify\" value=\"1\"><button type=\"submit\">%s</button></form>",
		               _("Verify the whole ledger now"));
		web_page_end(r);
		return r->status;
	}
	json_t *rep = NULL;
	tg_error err = {0};
	if (tg_ledger_verify(st, NULL, 0, &rep, &err)) {
		tg_strbuf_adds(o, "<p class=\"error\" role=\"alert\">");
		web_esc(o, err.msg);
		tg_strbuf_adds(o, "</p>");
	} else {
		tg_strbuf_addf(o, "<p class=\"ok\" role=\"status\">%s</p><table><tbody>",
		               _("The ledger verifies."));
		tg_strbuf_addf(o, "<tr><th scope=\"row\">%s</th><td>", _("Entries"));
		num(r, json_integer_value(json_object_get(rep, "size")));
		tg_strbuf_addf(o, "</td></tr><tr><th scope=\"row\">%s</th><td><code>", _("Root hash"));
		web_esc(o, str(rep, "root"));
		tg_strbuf_addf(o, "</code></td></tr><tr><th scope=\"row\">%s</th><td>",
		               _("Checkpoints checked"));
		num(r, json_integer_value(json_object_get(rep, "checkpoints")));
		tg_strbuf_addf(o, "</td></tr><tr><th scope=\"row\">%s</th><td>", _("Clock regressions"));
		num(r, (long long)json_array_size(json_object_get(rep, "clock_regressions")));
		tg_strbuf_adds(o, "</td></tr></tbody></table>");
	}
	json_decref(rep);
	web_page_end(r);
	return r->status;
}

/* ---- users ---- */

struct users {
	struct web_req *r;
};

static int user_row(void *ctx, const tg_user *u)
{
	struct web_req *r = ((struct users *)ctx)->r;
	tg_strbuf *o = &r->out;
	tg_strbuf_adds(o, "<tr><td>");
	web_esc(o, u->name);
	tg_strbuf_adds(o, "</td><td>");
	web_esc(o, u->role);
	tg_strbuf_adds(o, "</td><td>");
	web_esc(o, u->clearance);
	tg_strbuf_adds(o, "</td><td>");
	web_esc(o, u->totp ? _("yes") : _("no"));
	tg_strbuf_adds(o, "</td><td>");
	if (u->disabled) {
		web_esc(o, _("disabled"));
	} else if (strcmp(u->name, r->user.name)) {
		tg_strbuf_adds(o, "<form method=\"post\" action=\"/users\" class=\"inline\">");
		web_csrf_field(r);
		tg_strbuf_adds(o, "<input type=\"hidden\" name=\"disable\" value=\"");
		web_esc(o, u->name);
		tg_strbuf_addf(o, "\"><button type=\"submit\" class=\"secondary\">%s</button></form>",
		               _("Disable"));
	}
	tg_strbuf_adds(o, "</td></tr>");
	return 0;
}

static void select_of(struct web_req *r, const char *name, const char *const *vals, int n,
                      const char *cur)
{
	tg_strbuf_addf(&r->out, "<select id=\"f-%s\" name=\"%s\">", name, name);
	for (int i = 0; i < n; i++)
		tg_strbuf_addf(&r->out, "<option%s>%s</option>",
		               cur && !strcmp(cur, vals[i]) ? " selected" : "", vals[i]);
	tg_strbuf_adds(&r->out, "</select>");
}

int web_page_users(struct web_req *r, const char *rest)
{
	tg_store *st;
	int entered = web_enter(r, WEB_USERS, true, &st);
	if (entered)
		return entered;
	const char *name = web_form(r, "name"), *role = web_form(r, "role"),
	           *clear = web_form(r, "clearance");
	tg_error err = {0};
	int status = 200;
	if (!strcmp(r->method, "POST")) {
		tg_store_set_actor(st, r->user.name);
		const char *off = web_form(r, "disable");
		if (off) {
			if (!strcmp(off, r->user.name) || tg_user_disable(st, off, &err))
				return web_error(r, 400, *err.msg ? err.msg : NULL);
			web_sessions_end_all(web_sessions(r->srv), off);
			return web_redirect(r, "/users");
		}
		const char *pass = web_form(r, "password");
		if (!tg_user_add(st, name ? name : "", role ? role : "", clear && *clear ? clear : NULL,
		                 pass ? pass : "", &err))
			return web_redirect(r, "/users");
		status = 422;
	}
	web_page_begin(r, _("Users"));
	tg_strbuf *o = &r->out;
	tg_strbuf_addf(o, "<table><thead><tr><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
	                  "<th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\"></th>"
	                  "</tr></thead><tbody>",
	               _("User name"), _("Role"), _("Clearance"), _("Second factor"));
	struct users u = {r};
	tg_user_list(st, user_row, &u, &err);
	tg_strbuf_addf(o, "</tbody></table><h2>%s</h2>", _("Add a user"));
	tg_strbuf_adds(o, "<form method=\"post\" action=\"/users\" class=\"card\">");
	web_csrf_field(r);
	const char *bad = status == 422 ? err.path : "";
	tg_strbuf_addf(o, "<p><label for=\"f-name\">%s</label><input id=\"f-name\" name=\"name\" value=\"",
	               _("User name"));
	web_esc(o, name ? name : "");
	tg_strbuf_adds(o, "\" autocomplete=\"off\" required>");
	if (!strcmp(bad, "name"))
		web_field_error(r, err.msg);
	tg_strbuf_addf(o, "</p><p><label for=\"f-role\">%s</label>", _("Role"));
	static const char *const roles[] = {"viewer", "analyst", "editor", "admin"};
	static const char *const levels[] = {"", "public", "restricted", "confidential"};
	select_of(r, "role", roles, 4, role);
	if (!strcmp(bad, "role"))
		web_field_error(r, err.msg);
	tg_strbuf_addf(o, "</p><p><label for=\"f-clearance\">%s</label>", _("Clearance"));
	select_of(r, "clearance", levels, 4, clear);
	if (!strcmp(bad, "clearance"))
		web_field_error(r, err.msg);
	tg_strbuf_addf(o, "</p><p><label for=\"f-password\">%s</label><input id=\"f-password\""
	                  " name=\"password\" type=\"password\" autocomplete=\"new-password\""
	                  " minlength=\"12\" required><span class=\"small\">%s</span>",
	               _("Password"), _("At least 12 characters; common passwords are refused."));
	if (!strcmp(bad, "password"))
		web_field_error(r, err.msg);
	tg_strbuf_addf(o, "</p><p><button type=\"submit\">%s</button></p></form>", _("Add"));
	web_page_end(r);
	r->status = status;
	return status;
}

/* ---- export ---- */

static bool visible(void *ctx, const json_t *doc)
{
	return web_authorize(ctx, WEB_READ, doc);
}

int web_page_export(struct web_req *r, const char *rest)
{
	tg_store *st;
	int entered = web_enter(r, WEB_EXPORT, true, &st);
	if (entered)
		return entered;
	if (strcmp(r->method, "POST")) {
		web_page_begin(r, _("Export"));
		tg_strbuf_addf(&r->out, "<p>%s</p><form method=\"post\" action=\"/export\">",
		               _("A JSON export of the records your clearance allows, which"
		                 " 'tergeu import' reads. References to records above your clearance"
		                 " stay in it as ids."));
		web_csrf_field(r);
		tg_strbuf_addf(&r->out, "<button type=\"submit\">%s</button></form>",
		               _("Download the export"));
		web_page_end(r);
		return r->status;
	}
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	tg_error err = {0};
	int rc = f ? tg_io_export_json_if(st, f, visible, &r->user, &err) : TG_ENOMEM;
	if (f)
		fclose(f);
	if (rc) {
		free(buf);
		return web_error(r, 500, err.msg);
	}
	tg_strbuf_reset(&r->out);
	tg_strbuf_add(&r->out, buf, len);
	free(buf);
	r->ctype = "application/json";
	web_add_header(r, "Content-Disposition", "attachment; filename=\"tergeu-export.json\"");
	return r->status = 200;
}
