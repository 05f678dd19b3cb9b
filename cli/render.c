/* Human-readable records: vocabulary codes with their labels in the
 * chosen language, references with the title of what they point to. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "text/text.h"

/* A name as written, and with --translit a Cyrillic one also in that
 * Latin scheme: "Нұрсұлтан Исаев (Nursultan Isaev)". Caller frees. */
static char *shown_name(struct cli *c, const char *name)
{
	if (c->translit < 0 || strcmp(tg_text_script(name), "Cyrl"))
		return strdup(name);
	char *latin = tg_translit(name, c->translit);
	tg_strbuf sb = TG_STRBUF_INIT;
	tg_strbuf_addf(&sb, "%s (%s)", name, latin ? latin : "?");
	free(latin);
	return tg_strbuf_detach(&sb);
}

/* A record's title, a place's name in the reader's language when known. */
static char *title_of(struct cli *c, const json_t *doc)
{
	char key[16];
	snprintf(key, sizeof key, "name_%s", c->lang);
	const char *local = json_string_value(json_object_get(doc, key));
	char *title = local ? strdup(local) : tg_model_title(doc);
	if (!json_object_get(doc, "names"))
		return title;
	char *shown = shown_name(c, title);
	free(title);
	return shown;
}

/* Writes one value of field f. */
static void value_text(struct cli *c, tg_store *st, const tg_field *f, const json_t *v,
                       tg_strbuf *sb)
{
	switch (f->type) {
	case TG_FT_TERM: {
		const char *code = json_string_value(v);
		const char *label = tg_term_label(st, f->vocab, code, c->lang);
		tg_strbuf_adds(sb, label);
		if (strcmp(label, code))
			tg_strbuf_addf(sb, " [%s]", code);
		return;
	}
	case TG_FT_REF: {
		json_t *doc;
		tg_strbuf_adds(sb, json_string_value(v));
		if (!tg_record_get(st, json_string_value(v), &doc, NULL)) {
			char *title = title_of(c, doc);
			tg_strbuf_addf(sb, " (%s)", title);
			free(title);
			json_decref(doc);
		}
		return;
	}
	case TG_FT_LIST:
		return;
	case TG_FT_DATE: {
		char *d = tg_text_format_date(json_string_value(v), c->lang);
		tg_strbuf_adds(sb, d ? d : json_string_value(v));
		free(d);
		return;
	}
	case TG_FT_TEXT:
		if (f->flags & TG_FF_NAME) {
			char *shown = shown_name(c, json_string_value(v));
			tg_strbuf_adds(sb, shown);
			free(shown);
			return;
		}
		/* fall through */
	default: {
		char *text = json_dumps(v, JSON_ENCODE_ANY | JSON_REAL_PRECISION(12));
		if (json_is_string(v))
			tg_strbuf_adds(sb, json_string_value(v));
		else if (text)
			tg_strbuf_adds(sb, text);
		free(text);
	}
	}
}

static void element_text(struct cli *c, tg_store *st, const tg_entity *child, const json_t *el,
                         tg_strbuf *sb)
{
	if (child->scalar) {
		value_text(c, st, &child->fields[0], el, sb);
		return;
	}
	bool first = true;
	for (int k = 0; k < child->nfields; k++) {
		const json_t *v = json_object_get(el, child->fields[k].name);
		if (!v)
			continue;
		if (!first)
			tg_strbuf_addf(sb, ", %s: ", child->fields[k].name);
		value_text(c, st, &child->fields[k], v, sb);
		first = false;
	}
}

void cli_render_field(struct cli *c, tg_store *st, const tg_field *f, const json_t *v,
                      tg_strbuf *sb)
{
	if (f->type != TG_FT_LIST) {
		value_text(c, st, f, v, sb);
		return;
	}
	size_t i;
	const json_t *el;
	json_array_foreach(v, i, el) {
		tg_strbuf_adds(sb, "\n      • ");
		element_text(c, st, f->child, el, sb);
	}
}

void cli_render_record(struct cli *c, tg_store *st, const json_t *doc)
{
	const tg_entity *e = tg_model_entity(json_string_value(json_object_get(doc, "entity")));
	char *title = title_of(c, doc);
	printf("%s %s  %s\n", e->name, json_string_value(json_object_get(doc, "id")), title);
	free(title);
	const char *deleted = json_string_value(json_object_get(doc, "deleted"));
	if (deleted)
		printf(_("  DELETED %s: %s\n"), deleted,
		       json_string_value(json_object_get(doc, "deleted_reason")));
	tg_strbuf sb = TG_STRBUF_INIT;
	for (int i = 0; i < e->nfields; i++) {
		const json_t *v = json_object_get(doc, e->fields[i].name);
		if (!v)
			continue;
		tg_strbuf_reset(&sb);
		cli_render_field(c, st, &e->fields[i], v, &sb);
		printf("  %s:%s%s\n", e->fields[i].name, e->fields[i].type == TG_FT_LIST ? "" : " ",
		       tg_strbuf_str(&sb));
	}
	tg_strbuf_release(&sb);
}

/* First date of a record, or "". */
static const char *first_date(const tg_entity *e, const json_t *doc)
{
	for (int i = 0; i < e->nfields; i++)
		if (e->fields[i].type == TG_FT_DATE && json_object_get(doc, e->fields[i].name))
			return json_string_value(json_object_get(doc, e->fields[i].name));
	return "";
}

/* Title of the record the first reference of doc points to, or NULL. */
static char *first_ref_title(struct cli *c, tg_store *st, const tg_entity *e, const json_t *doc)
{
	for (int i = 0; i < e->nfields; i++) {
		const char *ref = json_string_value(json_object_get(doc, e->fields[i].name));
		json_t *target;
		if (e->fields[i].type != TG_FT_REF || !ref || tg_record_get(st, ref, &target, NULL))
			continue;
		char *title = title_of(c, target);
		json_decref(target);
		return title;
	}
	return NULL;
}

void cli_render_line(struct cli *c, tg_store *st, const json_t *doc)
{
	const tg_entity *e = tg_model_entity(json_string_value(json_object_get(doc, "entity")));
	char *title = title_of(c, doc);
	/* The kind of record: its type, or else its first vocabulary field. */
	const tg_field *tf = tg_model_field(e, "type");
	for (int i = 0; !tf && i < e->nfields; i++)
		if (e->fields[i].type == TG_FT_TERM && strcmp(e->fields[i].name, "confidentiality"))
			tf = &e->fields[i];
	const char *type = tf ? json_string_value(json_object_get(doc, tf->name)) : NULL;
	const char *label = type && tf->type == TG_FT_TERM
	                            ? tg_term_label(st, tf->vocab, type, c->lang) : "";
	if (type && (!strcmp(title, type) || !*title)) {
		free(title);
		title = first_ref_title(c, st, e, doc);
	}
	printf("%s  %-12s %-11s %s%s%s\n", json_string_value(json_object_get(doc, "id")), e->name,
	       first_date(e, doc), label, *label && title ? ": " : "", title ? title : "");
	free(title);
}

int cli_width(const char *s, int columns)
{
	for (; s && *s; s++)
		columns += ((unsigned char)*s & 0xc0) == 0x80;
	return columns;
}
