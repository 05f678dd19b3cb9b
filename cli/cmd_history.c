/* tergeu history ID: every version of a record and what changed in it. */
#include <string.h>

#include "cli/cli.h"

struct hist {
	struct cli *c;
	tg_store *st;
	json_t *prev, *all;
};

static void diff_line(struct hist *h, const tg_field *f, char mark, const json_t *v)
{
	tg_strbuf sb = TG_STRBUF_INIT;
	cli_render_field(h->c, h->st, f, v, &sb);
	printf("    %c %s:%s%s\n", mark, f->name, f->type == TG_FT_LIST ? "" : " ",
	       tg_strbuf_str(&sb));
	tg_strbuf_release(&sb);
}

/* Prints fields that differ between the previous version and doc. */
static void print_diff(struct hist *h, const json_t *doc)
{
	const tg_entity *e = tg_model_entity(json_string_value(json_object_get(doc, "entity")));
	for (int i = 0; i < e->nfields; i++) {
		const tg_field *f = &e->fields[i];
		const json_t *a = h->prev ? json_object_get(h->prev, f->name) : NULL;
		const json_t *b = json_object_get(doc, f->name);
		if (a && b && json_equal(a, b))
			continue;
		if (a)
			diff_line(h, f, '-', a);
		if (b)
			diff_line(h, f, '+', b);
	}
}

static int print_change(void *ctx, const tg_change *ch)
{
	struct hist *h = ctx;
	json_t *doc = json_loads(ch->doc, 0, NULL);
	if (h->all) {
		json_t *row = json_pack("{s:I, s:s, s:s, s:s, s:s?, s:o?}", "seq", (json_int_t)ch->seq,
		                        "at", ch->at, "actor", ch->actor, "op", ch->op, "reason",
		                        ch->reason, "doc", json_incref(doc));
		json_array_append_new(h->all, row);
	} else {
		printf("#%lld  %s  %s  %s%s%s\n", (long long)ch->seq, ch->at, ch->actor, ch->op,
		       ch->reason ? ": " : "", ch->reason ? ch->reason : "");
		if (doc && !tg_model_entity(ch->entity)) /* a term, an account, a decision */
			printf("    + %s\n", ch->doc);
		else if (doc)
			print_diff(h, doc);
	}
	json_decref(h->prev);
	h->prev = doc;
	return 0;
}

CLI_CMD(history)
{
	if (argc != 2)
		return cli_usage_error("history", _("give one record id"));
	tg_store *st;
	int rc = cli_open(c, 0, &st);
	if (rc)
		return rc;
	struct hist h = {c, st, NULL, c->json ? json_array() : NULL};
	tg_error err = {0};
	if (tg_record_history(st, argv[1], print_change, &h, &err))
		rc = cli_fail(&err);
	else if (h.all)
		cli_print_json(h.all);
	json_decref(h.prev);
	json_decref(h.all);
	tg_store_close(st);
	return rc;
}
