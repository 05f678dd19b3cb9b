/*
 * The record page: the body comes from lib/io (a person's dossier, or a
 * record's fields, then what refers to it); here the page around it, and
 * edit, delete and add-evidence for who may. A record the reader may not
 * see is "not found", the same answer as for an id that does not exist,
 * so ids cannot be probed.
 */
#include <stdlib.h>
#include <string.h>

#include "io/io.h"
#include "web/web-int.h"

static const char *str(const json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

/* Edit and delete, for who may. */
static void actions(struct web_req *r, const char *id, const json_t *doc)
{
	tg_strbuf *o = &r->out;
	if (str(doc, "deleted"))
		return;
	bool upd = web_authorize(&r->user, WEB_UPDATE, doc);
	bool del = web_authorize(&r->user, WEB_DELETE, doc);
	tg_strbuf_adds(o, "<div class=\"actions\">");
	tg_strbuf_addf(o, "<p><a href=\"/record/%s/dossier\">%s</a></p>", id,
	               _("The dossier to print or submit"));
	if (web_authorize(&r->user, WEB_CREATE, NULL) && !strcmp(str(doc, "entity"), "person"))
		tg_strbuf_addf(o, "<p><a href=\"/evidence/new?subject=%s\">%s</a></p>", id,
		               _("Add evidence"));
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
	int rc = tg_uuid_valid(id) ? tg_record_get(st, id, &doc, NULL) : TG_ENOTFOUND;
	if (rc || !web_authorize(&r->user, WEB_READ, doc)) {
		json_decref(doc);
		return web_error(r, web_record_status(rc), NULL);
	}
	if (what && !strcmp(what, "dossier") && !strcmp(r->method, "GET")) {
		/* The printable file of the CLI's dossier, at the reader's
		 * clearance; without a new checkpoint: a GET changes nothing. */
		char *html = NULL;
		tg_error err = {0};
		rc = tg_io_dossier_document(st, id, r->lang, r->user.clearance, NULL, &html, &err);
		json_decref(doc);
		if (rc)
			return web_error(r, web_record_status(rc), NULL);
		web_document(r, html);
		free(html);
		return r->status;
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
	web_render_dossier(r, st, doc);
	actions(r, id, doc);
	json_decref(doc);
	web_page_end(r);
	return r->status;
}
