/*
 * Records as HTML for the web's pages: the reader's language, clearance
 * and links over lib/io's renderer (html.c), which the dossier file of the
 * CLI shares.
 */
#include "io/io.h"
#include "web/web-int.h"

static tg_html html_of(struct web_req *r, tg_store *st)
{
	return (tg_html){st ? st : r->st, r->lang, r->user.clearance, &r->out, true};
}

const char *web_field_label(const char *name)
{
	return tg_html_field_label(name);
}

const char *web_entity_label(const char *entity)
{
	return tg_html_entity_label(entity);
}

char *web_title(struct web_req *r, const json_t *doc)
{
	tg_html h = html_of(r, NULL);
	return tg_html_title(&h, doc);
}

void web_ref_link(struct web_req *r, tg_store *st, const char *uid)
{
	tg_html h = html_of(r, st);
	tg_html_ref(&h, uid);
}

void web_render_fields(struct web_req *r, tg_store *st, const json_t *doc, const char *skip)
{
	tg_html h = html_of(r, st);
	tg_html_fields(&h, doc, skip);
}

int web_render_dossier(struct web_req *r, tg_store *st, const json_t *doc)
{
	tg_html h = html_of(r, st);
	tg_error err = {0};
	return tg_html_dossier(&h, doc, &err);
}
