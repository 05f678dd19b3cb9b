/*
 * What a dashboard shows: counts of live records at or below a clearance
 * and the hearings ahead (the latest change entries: query.c).
 */
#include <string.h>

#include "store/store-int.h"

/* SQL condition on a table's confidentiality for clearance. */
static const char *visible(int clearance)
{
	return clearance >= TG_CLEAR_CONFIDENTIAL ? "1"
	     : clearance == TG_CLEAR_RESTRICTED   ? "confidentiality IN ('public', 'restricted')"
	                                          : "confidentiality = 'public'";
}

int tg_store_counts(tg_store *st, int clearance, json_t **out, tg_error *err)
{
	json_t *records = json_object(), *acts = json_object();
	int n, rc = 0;
	const tg_entity *const *all = tg_model_entities(&n);
	tg_strbuf sql = TG_STRBUF_INIT;
	for (int i = 0; !rc && i < n; i++) {
		tg_strbuf_reset(&sql);
		tg_strbuf_adds(&sql, "SELECT count(*) FROM ");
		tg_sql_ident(&sql, all[i]->table);
		tg_strbuf_addf(&sql, " WHERE deleted IS NULL AND %s", visible(clearance));
		sqlite3_stmt *s;
		if (sqlite3_prepare_v2(st->db, sql.buf, -1, &s, NULL) != SQLITE_OK) {
			rc = tg_store_dberr(st, err);
			break;
		}
		if (sqlite3_step(s) == SQLITE_ROW)
			json_object_set_new(records, all[i]->name, json_integer(sqlite3_column_int64(s, 0)));
		else
			rc = tg_store_dberr(st, err); /* a count always has its row */
		sqlite3_finalize(s);
	}
	if (!rc) {
		tg_strbuf_reset(&sql);
		tg_strbuf_addf(&sql, "SELECT type, count(*) FROM act WHERE deleted IS NULL AND %s"
		                     " GROUP BY type ORDER BY count(*) DESC", visible(clearance));
		sqlite3_stmt *s;
		if (sqlite3_prepare_v2(st->db, sql.buf, -1, &s, NULL) != SQLITE_OK) {
			rc = tg_store_dberr(st, err);
		} else {
			int step;
			while ((step = sqlite3_step(s)) == SQLITE_ROW)
				json_object_set_new(acts, (const char *)sqlite3_column_text(s, 0),
				                    json_integer(sqlite3_column_int64(s, 1)));
			if (step != SQLITE_DONE)
				rc = tg_store_dberr(st, err);
			sqlite3_finalize(s);
		}
	}
	tg_strbuf_release(&sql);
	if (rc) {
		json_decref(records);
		json_decref(acts);
		return rc;
	}
	*out = json_pack("{s:o, s:o}", "records", records, "acts", acts);
	return 0;
}

int tg_store_upcoming(tg_store *st, const char *from, int limit, tg_record_cb cb, void *ctx,
                      tg_error *err)
{
	sqlite3_stmt *s;
	if (sqlite3_prepare_v2(st->db, "SELECT uid FROM proceeding WHERE deleted IS NULL"
	                               " AND next_hearing >= ? ORDER BY next_hearing, uid LIMIT ?",
	                       -1, &s, NULL) != SQLITE_OK)
		return tg_store_dberr(st, err);
	sqlite3_bind_text(s, 1, from, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 2, limit > 0 ? limit : 10);
	int rc = tg_store_each_uid(st, tg_model_entity("proceeding"), s, cb, ctx, err);
	sqlite3_finalize(s);
	return rc;
}

int tg_store_proceeding_stages(tg_store *st, int clearance,
                               int (*cb)(void *ctx, const char *type, const char *stage,
                                         long long n),
                               void *ctx, tg_error *err)
{
	tg_strbuf sql = TG_STRBUF_INIT;
	tg_strbuf_addf(&sql, "SELECT p.type, (SELECT s.stage FROM proceeding_stage s"
	                     " WHERE s.owner = p.uid ORDER BY s.pos DESC LIMIT 1) AS last, count(*)"
	                     " FROM proceeding p WHERE p.deleted IS NULL AND %s"
	                     " GROUP BY p.type, last ORDER BY p.type, count(*) DESC, last",
	               visible(clearance));
	sqlite3_stmt *s;
	int rc = 0;
	if (sqlite3_prepare_v2(st->db, sql.buf, -1, &s, NULL) != SQLITE_OK)
		rc = tg_store_dberr(st, err);
	tg_strbuf_release(&sql);
	int step = SQLITE_DONE;
	while (!rc && (step = sqlite3_step(s)) == SQLITE_ROW)
		rc = cb(ctx, (const char *)sqlite3_column_text(s, 0),
		        (const char *)sqlite3_column_text(s, 1), sqlite3_column_int64(s, 2));
	if (!rc && step != SQLITE_DONE)
		rc = tg_store_dberr(st, err);
	if (s)
		sqlite3_finalize(s);
	return rc;
}
