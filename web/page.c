/*
 * The frame of every page: head, the navigation a user's role allows, the
 * language switch (links, so it works without JavaScript), and the
 * closing.  Scripts and styles come from /static only, as the CSP demands.
 */
#include <string.h>

#include "web/web-int.h"

struct nav {
	const char *path;
	const char *label; /* N_() */
	enum web_action need;
};

static const struct nav navs[] = {
	{"/", N_("Dashboard"), WEB_READ},
	{"/agenda", N_("Agenda"), WEB_READ},
	{"/people", N_("People"), WEB_READ},
	{"/records", N_("Records"), WEB_READ},
	{"/lists", N_("Lists"), WEB_READ},
	{"/review", N_("Linkage review"), WEB_REVIEW},
	{"/stats", N_("Statistics"), WEB_STATS},
	{"/accountability", N_("Accountability"), WEB_STATS},
	{"/export", N_("Export"), WEB_EXPORT},
	{"/ledger", N_("Ledger"), WEB_LEDGER},
	{"/users", N_("Users"), WEB_USERS},
	{"/sessions", N_("Sessions"), WEB_READ},
};

/* The current path with ?lang=L, keeping the other arguments. */
static void lang_link(struct web_req *r, const char *l)
{
	tg_strbuf *o = &r->out;
	web_esc(o, r->url);
	tg_strbuf_adds(o, "?lang=");
	tg_strbuf_adds(o, l);
	static const char *const keep[] = {"q", "id", "by", "page", "method", "figure", "from", "to"};
	for (size_t i = 0; i < sizeof keep / sizeof keep[0]; i++) {
		const char *v = web_arg(r, keep[i]);
		if (v) {
			tg_strbuf_addf(o, "&amp;%s=", keep[i]);
			tg_strbuf tmp = TG_STRBUF_INIT;
			web_urlenc(&tmp, v);
			web_esc(o, tmp.buf);
			tg_strbuf_release(&tmp);
		}
	}
}

void web_page_begin(struct web_req *r, const char *title)
{
	tg_strbuf *o = &r->out;
	tg_strbuf_reset(o);
	r->ctype = "text/html; charset=utf-8";
	tg_strbuf_addf(o, "<!DOCTYPE html>\n<html lang=\"%s\"><head><meta charset=\"utf-8\">"
	                  "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
	                  "<title>", r->lang ? r->lang : "en");
	web_esc(o, title);
	tg_strbuf_adds(o, " · tergeu</title><link rel=\"stylesheet\" href=\"/static/style.css\">"
	                  "<script src=\"/static/app.js\" defer></script></head><body>"
	                  "<a class=\"skip\" href=\"#main\">");
	web_esc(o, _("Skip to content"));
	tg_strbuf_adds(o, "</a><header><a class=\"brand\" href=\"/\">tergeu</a>");
	if (r->authed) {
		tg_strbuf_addf(o, "<nav aria-label=\"%s\"><ul>", _("Main"));
		for (size_t i = 0; i < sizeof navs / sizeof navs[0]; i++) {
			if (!web_authorize(&r->user, navs[i].need, NULL))
				continue;
			bool here = !strcmp(r->url, navs[i].path);
			tg_strbuf_addf(o, "<li><a href=\"%s\"%s>", navs[i].path,
			               here ? " aria-current=\"page\"" : "");
			web_esc(o, _(navs[i].label));
			tg_strbuf_adds(o, "</a></li>");
		}
		tg_strbuf_adds(o, "</ul></nav><form method=\"post\" action=\"/logout\" class=\"inline\">");
		web_csrf_field(r);
		tg_strbuf_adds(o, "<span class=\"who\">");
		web_esc(o, r->user.name);
		tg_strbuf_adds(o, "</span> <button type=\"submit\">");
		web_esc(o, _("Sign out"));
		tg_strbuf_adds(o, "</button></form>");
	}
	tg_strbuf_addf(o, "<ul class=\"langs\" aria-label=\"%s\">", _("Language"));
	static const char *const langs[][2] = {{"kk", "Қазақша"}, {"ru", "Русский"}, {"en", "English"}};
	for (int i = 0; i < 3; i++) {
		bool cur = r->lang && !strcmp(r->lang, langs[i][0]);
		tg_strbuf_addf(o, "<li><a lang=\"%s\" hreflang=\"%s\" href=\"", langs[i][0], langs[i][0]);
		lang_link(r, langs[i][0]);
		tg_strbuf_addf(o, "\"%s>%s</a></li>", cur ? " aria-current=\"true\"" : "", langs[i][1]);
	}
	tg_strbuf_adds(o, "</ul></header><main id=\"main\"><h1>");
	web_esc(o, title);
	tg_strbuf_adds(o, "</h1>");
}

int web_page_end(struct web_req *r)
{
	tg_strbuf_adds(&r->out, "</main><footer>");
	web_esc(&r->out, _("tergeu: documentation of human-rights violations"));
	tg_strbuf_adds(&r->out, "</footer></body></html>\n");
	return r->status;
}

void web_csrf_field(struct web_req *r)
{
	if (!r->has_sess)
		return;
	tg_strbuf_addf(&r->out, "<input type=\"hidden\" name=\"csrf\" value=\"%s\">", r->sess.csrf);
}

void web_field_error(struct web_req *r, const char *msg)
{
	if (!msg || !*msg)
		return;
	tg_strbuf_adds(&r->out, "<span class=\"field-error\" role=\"alert\">");
	web_esc(&r->out, msg);
	tg_strbuf_adds(&r->out, "</span>");
}

int web_enter(struct web_req *r, enum web_action action, bool reauth, tg_store **st)
{
	*st = NULL;
	if (!r->authed)
		return web_redirect_next(r, "/login");
	if (!web_authorize(&r->user, action, NULL))
		return web_error(r, 403, NULL);
	if (reauth && !web_reauthed(r))
		return web_need_reauth(r);
	*st = web_store(r);
	return *st ? 0 : web_redirect(r, "/unlock");
}
