/*
 * The agenda page (GET /agenda) and its calendar (GET /agenda.ics): the
 * hearings and deadlines of the proceedings the reader may see, between
 * two dates of a GET form; passed deadlines with no action recorded come
 * first, as warnings. The library (lib/io/agenda.c) decides everything;
 * the page only shows it, so the CLI and the web never disagree.
 */
#include <stdlib.h>
#include <string.h>

#include "io/io.h"
#include "text/text.h"
#include "web/web-int.h"

/* As the CLI: passed deadlines of the 90 days before "from" still warn. */
enum { OVERDUE_DAYS = 90 };

static bool readable(void *ctx, const json_t *doc)
{
	return web_authorize(ctx, WEB_READ, doc);
}

static const char *arg(struct web_req *r, const char *name)
{
	const char *v = web_arg(r, name);
	return v && *v ? v : NULL;
}

/* The gate of both routes, then the agenda of the request's dates: 0
 * with *rc the library's answer (*a, or err filled), or the status of the
 * answer the gate gave. */
static int build(struct web_req *r, tg_store **st, tg_agenda **a, int *rc, tg_error *err)
{
	*a = NULL;
	int entered = web_enter(r, WEB_READ, false, st);
	if (entered)
		return entered;
	tg_agenda_opts o = {.from = arg(r, "from"), .to = arg(r, "to"),
	                    .overdue_days = OVERDUE_DAYS, .lang = r->lang,
	                    .visible = readable, .ctx = &r->user};
	*rc = tg_agenda_build(*st, &o, a, err);
	return 0;
}

static void date_cell(struct web_req *r, const char *date)
{
	char *shown = tg_text_format_date(date, r->lang);
	tg_strbuf_addf(&r->out, "<td><time datetime=\"%s\">", date + (date[0] == '~'));
	web_esc(&r->out, shown ? shown : date);
	tg_strbuf_adds(&r->out, "</time></td>");
	free(shown);
}

static void row(struct web_req *r, tg_store *st, const tg_agenda_item *it)
{
	tg_strbuf *o = &r->out;
	tg_strbuf_adds(o, "<tr>");
	date_cell(r, it->date);
	tg_strbuf_adds(o, "<td>");
	if (it->kind == TG_AGENDA_HEARING) {
		web_esc(o, it->stage_label);
	} else {
		web_esc(o, it->label);
		tg_strbuf_adds(o, "<br><span class=\"small\">");
		char *when = tg_text_format_date(it->stage_date, r->lang);
		web_escf(o, _("%d days after %s (%s)"), it->days, it->stage_label,
		         when ? when : it->stage_date);
		free(when);
		tg_strbuf_adds(o, "</span>");
	}
	if (!it->whole_day) {
		tg_strbuf_adds(o, "<br><span class=\"small\">");
		web_esc(o, _("No day known: not in the calendar file."));
		tg_strbuf_adds(o, "</span>");
	}
	tg_strbuf_adds(o, "</td><td>");
	if (it->status == TG_AGENDA_PASSED) {
		tg_strbuf_adds(o, "<strong class=\"error\">⚠ ");
		web_esc(o, _("passed, nothing recorded"));
		tg_strbuf_adds(o, "</strong>");
	} else if (it->status == TG_AGENDA_MET) {
		tg_strbuf_adds(o, "<span class=\"ok\">");
		web_esc(o, tg_agenda_status_label(it->status));
		tg_strbuf_adds(o, "</span>");
	} else {
		web_esc(o, it->kind == TG_AGENDA_HEARING ? tg_agenda_kind_label(it->kind)
		                                         : tg_agenda_status_label(it->status));
	}
	tg_strbuf_addf(o, "</td><td><a href=\"/record/%s\">", it->proceeding);
	web_esc(o, it->title);
	tg_strbuf_adds(o, "</a>");
	if (it->case_number) {
		tg_strbuf_adds(o, "<br><span class=\"small\">");
		web_esc(o, it->case_number);
		tg_strbuf_adds(o, "</span>");
	}
	tg_strbuf_adds(o, "</td><td>");
	web_esc(o, it->authority ? it->authority : "");
	tg_strbuf_adds(o, "</td><td>");
	for (size_t i = 0; i < it->nparties; i++) {
		if (i)
			tg_strbuf_adds(o, "<br>");
		web_ref_link(r, st, it->parties[i].person);
		if (it->parties[i].role) {
			tg_strbuf_adds(o, " <span class=\"small\">(");
			web_esc(o, tg_term_label(st, "party_role", it->parties[i].role, r->lang));
			tg_strbuf_adds(o, ")</span>");
		}
	}
	tg_strbuf_adds(o, "</td></tr>");
}

/* Each rule behind the deadlines shown, once, with its basis. */
static void rules(struct web_req *r, const tg_agenda *a)
{
	const tg_agenda_item *seen[64];
	size_t nseen = 0;
	for (size_t i = 0; i < a->n && nseen < sizeof seen / sizeof seen[0]; i++) {
		bool done = !a->items[i].rule;
		for (size_t j = 0; j < nseen && !done; j++)
			done = !strcmp(seen[j]->rule, a->items[i].rule);
		if (!done)
			seen[nseen++] = &a->items[i];
	}
	if (!nseen)
		return;
	tg_strbuf *o = &r->out;
	tg_strbuf_addf(o, "<h2>%s</h2><p class=\"small\">%s</p><dl>", _("Deadline rules"),
	               _("Deadlines come from configurable rules: a stage, a number of days, the"
	                 " stages that show the window was used. Their default windows must be"
	                 " checked by a lawyer."));
	for (size_t i = 0; i < nseen; i++) {
		tg_strbuf_adds(o, "<dt>");
		web_esc(o, seen[i]->label);
		tg_strbuf_adds(o, "</dt><dd>");
		web_escf(o, _("%d days after %s"), seen[i]->days, seen[i]->stage_label);
		if (seen[i]->basis) {
			tg_strbuf_adds(o, ". ");
			web_esc(o, seen[i]->basis);
		}
		tg_strbuf_adds(o, "</dd>");
	}
	tg_strbuf_adds(o, "</dl>");
}

static void form(struct web_req *r, const tg_agenda *a)
{
	tg_strbuf *o = &r->out;
	tg_strbuf_adds(o, "<form method=\"get\" action=\"/agenda\" class=\"filters\">");
	static const char *const names[] = {"from", "to"};
	const char *labels[] = {_("From (date)"), _("To (date)")};
	for (int i = 0; i < 2; i++) {
		const char *v = web_arg(r, names[i]) ? web_arg(r, names[i])
		              : a                    ? (i ? a->to : a->from)
		                                     : "";
		tg_strbuf_addf(o, "<p><label for=\"q-%s\">", names[i]);
		web_esc(o, labels[i]);
		tg_strbuf_addf(o, "</label><input id=\"q-%s\" name=\"%s\" value=\"", names[i], names[i]);
		web_esc(o, v);
		tg_strbuf_adds(o, "\" placeholder=\"2024-02-05\"></p>");
	}
	tg_strbuf_addf(o, "<p><button type=\"submit\">%s</button></p></form>", _("Show"));
}

int web_page_agenda(struct web_req *r, const char *rest)
{
	tg_store *st;
	tg_agenda *a;
	tg_error err = {0};
	int rc, entered = build(r, &st, &a, &rc, &err);
	if (entered)
		return entered;
	web_page_begin(r, _("Agenda"));
	tg_strbuf *o = &r->out;
	form(r, a);
	if (rc) {
		tg_strbuf_adds(o, "<p class=\"error\" role=\"alert\">");
		web_esc(o, err.msg);
		tg_strbuf_adds(o, "</p>");
		r->status = 400;
		return web_page_end(r);
	}
	tg_strbuf q = TG_STRBUF_INIT;
	tg_strbuf_adds(&q, "/agenda.ics?from=");
	web_urlenc(&q, a->from);
	tg_strbuf_adds(&q, "&to=");
	web_urlenc(&q, a->to);
	tg_strbuf_adds(o, "<p><a href=\"");
	web_esc(o, q.buf);
	tg_strbuf_adds(o, "\" download=\"tergeu-agenda.ics\">");
	web_esc(o, _("Download these dates as a calendar (iCalendar)"));
	tg_strbuf_adds(o, "</a></p>");
	tg_strbuf_release(&q);
	size_t passed = 0;
	for (size_t i = 0; i < a->n; i++)
		passed += a->items[i].status == TG_AGENDA_PASSED;
	if (passed) {
		tg_strbuf_adds(o, "<p class=\"error\" role=\"status\">⚠ ");
		web_escf(o, _("%zu deadline(s) passed with no action recorded, in these dates or the %d"
		              " days before."), passed, OVERDUE_DAYS);
		tg_strbuf_adds(o, "</p>");
	}
	if (!a->n) {
		tg_strbuf_addf(o, "<p>%s</p>", _("Nothing is scheduled and no deadline falls in these"
		                                 " dates."));
	} else {
		tg_strbuf_addf(o, "<table><thead><tr><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
		                  "<th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
		                  "<th scope=\"col\">%s</th><th scope=\"col\">%s</th></tr></thead><tbody>",
		               _("Date"), _("What"), _("Status"), _("Proceeding"), _("Authority"),
		               _("People"));
		for (size_t i = 0; i < a->n; i++)
			row(r, st, &a->items[i]);
		tg_strbuf_adds(o, "</tbody></table>");
	}
	rules(r, a);
	tg_agenda_free(a);
	return web_page_end(r);
}

int web_page_agenda_ics(struct web_req *r, const char *rest)
{
	tg_store *st;
	tg_agenda *a;
	tg_error err = {0};
	int rc, entered = build(r, &st, &a, &rc, &err);
	if (entered)
		return entered;
	if (rc)
		return web_error(r, 400, err.msg);
	tg_strbuf_reset(&r->out);
	tg_io_agenda_ics(a, &r->out);
	tg_agenda_free(a);
	r->ctype = "text/calendar; charset=utf-8";
	web_add_header(r, "Content-Disposition", "attachment; filename=\"tergeu-agenda.ics\"");
	return r->status = 200;
}
