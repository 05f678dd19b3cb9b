/*
 * The records that refer to a record: the acts, proceedings, sources and
 * evidence a dossier gathers around a person.  Walks the model's reference
 * fields (those of child tables too: a proceeding's parties and acts)
 * whose targets include the record's entity, so a new reference field
 * takes part without a change here.
 */
#include <stdlib.h>
#include <string.h>

#include "store/store-int.h"

/* SQL for the owners of rows whose field f of table tbl (a child table of
 * owner when owner is not NULL) holds the id. */
static void related_sql(tg_strbuf *sql, const tg_entity *top, const tg_entity *child,
                        const tg_field *f)
{
	if (!child) {
		tg_strbuf_adds(sql, "SELECT uid FROM ");
		tg_sql_ident(sql, top->table);
		tg_strbuf_adds(sql, " WHERE deleted IS NULL AND ");
		tg_sql_ident(sql, f->name);
		tg_strbuf_adds(sql, " = ? ORDER BY uid");
		return;
	}
	tg_strbuf_adds(sql, "SELECT DISTINCT c.owner FROM ");
	tg_sql_ident(sql, child->table);
	tg_strbuf_adds(sql, " c JOIN ");
	tg_sql_ident(sql, top->table);
	tg_strbuf_adds(sql, " t ON t.uid = c.owner WHERE t.deleted IS NULL AND c.");
	tg_sql_ident(sql, f->name);
	tg_strbuf_adds(sql, " = ? ORDER BY c.owner");
}

static int walk(tg_store *st, const tg_entity *top, const tg_entity *child, const tg_field *f,
                const char *uid, tg_related_cb cb, void *ctx, tg_error *err)
{
	tg_strbuf sql = TG_STRBUF_INIT;
	related_sql(&sql, top, child, f);
	/* Prepared once per connection: a dossier walks every field. */
	sqlite3_stmt *s = tg_store_stmt(st, sql.buf, err);
	tg_strbuf_release(&sql);
	if (!s)
		return TG_EDB;
	int rc = 0;
	sqlite3_bind_text(s, 1, uid, -1, SQLITE_STATIC);
	char path[128];
	if (child)
		snprintf(path, sizeof path, "%s.%s.%s", top->name, child->name, f->name);
	else
		snprintf(path, sizeof path, "%s.%s", top->name, f->name);
	/* Ids first: reading a record uses other statements, and a callback
	 * may walk again. */
	char (*ids)[TG_UUID_LEN] = NULL;
	size_t n = 0, cap = 0;
	int step;
	while ((step = sqlite3_step(s)) == SQLITE_ROW) {
		if (n == cap) {
			cap = cap ? cap * 2 : 8;
			ids = realloc(ids, cap * sizeof *ids);
			if (!ids)
				abort();
		}
		snprintf(ids[n++], TG_UUID_LEN, "%s", (const char *)sqlite3_column_text(s, 0));
	}
	if (step != SQLITE_DONE)
		rc = tg_store_dberr(st, err);
	sqlite3_reset(s);
	for (size_t i = 0; !rc && i < n; i++) {
		json_t *doc;
		rc = tg_store_read(st, top, ids[i], &doc, err);
		if (!rc) {
			rc = cb(ctx, path, doc);
			json_decref(doc);
		}
	}
	free(ids);
	return rc;
}

int tg_record_related(tg_store *st, const char *uid, tg_related_cb cb, void *ctx,
                      tg_error *err)
{
	const char *entity;
	int rc = tg_record_entity(st, uid, &entity, err);
	if (rc)
		return rc;
	unsigned bit = tg_model_refbit(entity);
	int n;
	const tg_entity *const *all = tg_model_entities(&n);
	for (int i = 0; !rc && i < n; i++) {
		const tg_entity *e = all[i];
		for (int j = 0; !rc && j < e->nfields; j++) {
			const tg_field *f = &e->fields[j];
			if (f->type == TG_FT_REF && (f->refs & bit)) {
				rc = walk(st, e, NULL, f, uid, cb, ctx, err);
			} else if (f->type == TG_FT_LIST && f->child) {
				const tg_entity *c = f->child;
				for (int k = 0; !rc && k < c->nfields; k++)
					if (c->fields[k].type == TG_FT_REF && (c->fields[k].refs & bit) &&
					    strcmp(c->name, "name"))
						rc = walk(st, e, c, &c->fields[k], uid, cb, ctx, err);
			}
		}
	}
	return rc;
}
