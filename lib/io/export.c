/* JSON export of a whole database, one canonical record per line. */
#include <stdlib.h>
#include <string.h>

#include "io/io.h"

struct writer {
	FILE *out;
	bool first;
	bool (*keep)(void *ctx, const json_t *doc);
	void *ctx;
};

static int put_line(struct writer *w, const json_t *doc)
{
	char *text = tg_model_canonical(doc);
	if (!text)
		return TG_ENOMEM;
	fprintf(w->out, "%s\n%s", w->first ? "" : ",", text);
	w->first = false;
	free(text);
	return TG_OK;
}

static int put_record(void *ctx, const json_t *doc)
{
	struct writer *w = ctx;
	return !w->keep || w->keep(w->ctx, doc) ? put_line(w, doc) : TG_OK;
}

static int put_term(void *ctx, const tg_term *t)
{
	if (t->builtin)
		return TG_OK;
	json_t *doc = json_pack("{s:s, s:s, s:s?, s:s?, s:s?, s:s?}", "vocab", t->vocab, "code",
	                        t->code, "parent", t->parent, "kk", t->kk, "ru", t->ru, "en", t->en);
	int rc = put_line(ctx, doc);
	json_decref(doc);
	return rc;
}

int tg_io_export_json(tg_store *st, FILE *out, tg_error *err)
{
	return tg_io_export_json_if(st, out, NULL, NULL, err);
}

int tg_io_export_json_if(tg_store *st, FILE *out, bool (*keep)(void *ctx, const json_t *doc),
                         void *ctx, tg_error *err)
{
	struct writer w = {out, true, keep, ctx};
	fputs("{\"format\":\"tergeu-export\",\"version\":1,\n\"terms\":[", out);
	int rc = tg_term_list(st, NULL, put_term, &w, err);
	fputs("\n],\n\"records\":[", out);
	w.first = true;
	tg_filter f = {.include_deleted = true};
	if (!rc)
		rc = tg_record_list(st, &f, put_record, &w, err);
	fputs("\n]}\n", out);
	if (!rc && (fflush(out) || ferror(out)))
		rc = tg_error_set(err, TG_EIO, NULL, _("cannot write the export"));
	return rc == TG_ENOMEM ? tg_error_set(err, rc, NULL, "%s", tg_strerror(rc)) : rc;
}
