/*
 * What the accountability figures (lib/stats/accountability.c) are made
 * of: the live acts, proceedings and places a reader of a clearance may
 * see, with only the columns the figures need.  The counting itself is in
 * C, not SQL: it walks each proceeding's stages in order, which SQLite
 * 3.40 cannot do inside an aggregate.
 */
#include "store/store-int.h"

/* A record at or below clearance ?1 (its confidentiality column col). */
#define VISIBLE(col) \
	"(CASE " col " WHEN 'public' THEN 0 WHEN 'restricted' THEN 1 ELSE 2 END) <= ?1"

static int step_rows(tg_store *st, sqlite3_stmt *s, int (*row)(void *ctx, sqlite3_stmt *s),
                     void *ctx, tg_error *err)
{
	int rc = 0, step;
	while (!rc && (step = sqlite3_step(s)) == SQLITE_ROW)
		rc = row(ctx, s);
	if (!rc && step != SQLITE_DONE)
		rc = tg_store_dberr(st, err);
	sqlite3_reset(s);
	return rc;
}

static const char *text(sqlite3_stmt *s, int col)
{
	return (const char *)sqlite3_column_text(s, col);
}

struct act_walk {
	int (*cb)(void *ctx, const tg_acc_act *a);
	void *ctx;
};

static int act_row(void *ctx, sqlite3_stmt *s)
{
	struct act_walk *w = ctx;
	tg_acc_act a = {text(s, 0), text(s, 1), text(s, 2), text(s, 3)};
	return w->cb(w->ctx, &a);
}

int tg_store_acc_acts(tg_store *st, int clearance, int (*cb)(void *ctx, const tg_acc_act *a),
                      void *ctx, tg_error *err)
{
	/* The event's place stands in only when the act names none; a place
	 * above the clearance is no place at all. */
	sqlite3_stmt *s = tg_store_stmt(st,
		"SELECT a.uid, a.type, a.victim, pl.uid FROM act a"
		" LEFT JOIN event e ON e.uid = a.event AND e.deleted IS NULL AND " VISIBLE("e.confidentiality")
		" LEFT JOIN place pl ON pl.uid = coalesce(a.place, e.place) AND pl.deleted IS NULL"
		"  AND " VISIBLE("pl.confidentiality")
		" WHERE a.deleted IS NULL AND " VISIBLE("a.confidentiality") " ORDER BY a.uid", err);
	if (!s)
		return TG_EDB;
	sqlite3_bind_int(s, 1, clearance);
	struct act_walk w = {cb, ctx};
	return step_rows(st, s, act_row, &w, err);
}

struct place_walk {
	int (*cb)(void *ctx, const tg_acc_place *p);
	void *ctx;
};

static int place_row(void *ctx, sqlite3_stmt *s)
{
	struct place_walk *w = ctx;
	tg_acc_place p = {text(s, 0), text(s, 1), text(s, 2), text(s, 3),
	                  text(s, 4), text(s, 5), text(s, 6), text(s, 7)};
	return w->cb(w->ctx, &p);
}

int tg_store_acc_places(tg_store *st, int clearance,
                        int (*cb)(void *ctx, const tg_acc_place *p), void *ctx, tg_error *err)
{
	sqlite3_stmt *s = tg_store_stmt(st,
		"SELECT uid, code, name, name_kk, name_ru, name_en, type, parent FROM place"
		" WHERE deleted IS NULL AND " VISIBLE("confidentiality") " ORDER BY uid", err);
	if (!s)
		return TG_EDB;
	sqlite3_bind_int(s, 1, clearance);
	struct place_walk w = {cb, ctx};
	return step_rows(st, s, place_row, &w, err);
}

/* Proceedings come as one ordered stream of rows: the proceeding (kind
 * 0), then its stages (1), acts (2) and defendants (3), each in position
 * order; a proceeding's document is complete when the next one starts. */
struct proc_walk {
	int (*cb)(void *ctx, const json_t *p);
	void *ctx;
	json_t *cur;
};

static int flush_proceeding(struct proc_walk *w)
{
	int rc = w->cur ? w->cb(w->ctx, w->cur) : 0;
	json_decref(w->cur);
	w->cur = NULL;
	return rc;
}

static int proc_row(void *ctx, sqlite3_stmt *s)
{
	struct proc_walk *w = ctx;
	int kind = sqlite3_column_int(s, 1);
	const char *v = text(s, 2);
	int rc = 0;
	if (kind == 0) {
		rc = flush_proceeding(w);
		w->cur = json_pack("{s:s, s:s, s:[], s:[], s:[]}", "id", text(s, 0), "type", v,
		                   "stages", "acts", "defendants");
		if (!w->cur)
			return TG_ENOMEM;
		if (sqlite3_column_type(s, 3) == SQLITE_INTEGER)
			json_object_set_new(w->cur, "sentence_months",
			                    json_integer(sqlite3_column_int64(s, 3)));
		return rc;
	}
	if (!w->cur || !v)
		return 0;
	static const char *const lists[] = {NULL, "stages", "acts", "defendants"};
	json_t *item = kind == 1 ? json_pack("{s:s, s:s*}", "stage", v, "reason", text(s, 3))
	                         : json_string(v);
	json_array_append_new(json_object_get(w->cur, lists[kind]), item);
	return 0;
}

int tg_store_acc_proceedings(tg_store *st, int clearance,
                             int (*cb)(void *ctx, const json_t *p), void *ctx, tg_error *err)
{
	sqlite3_stmt *s = tg_store_stmt(st,
		"WITH p AS (SELECT uid, type, sentence_months FROM proceeding"
		"  WHERE deleted IS NULL AND " VISIBLE("confidentiality") ")"
		" SELECT uid, 0, type, sentence_months, 0 FROM p"
		" UNION ALL SELECT s.owner, 1, s.stage, s.reason, s.pos FROM proceeding_stage s"
		"  JOIN p ON p.uid = s.owner"
		" UNION ALL SELECT a.owner, 2, a.act, NULL, a.pos FROM proceeding_act a"
		"  JOIN p ON p.uid = a.owner"
		" UNION ALL SELECT d.owner, 3, d.person, NULL, d.pos FROM proceeding_party d"
		"  JOIN p ON p.uid = d.owner WHERE d.role = 'defendant'"
		" ORDER BY 1, 2, 5", err);
	if (!s)
		return TG_EDB;
	sqlite3_bind_int(s, 1, clearance);
	struct proc_walk w = {cb, ctx, NULL};
	int rc = step_rows(st, s, proc_row, &w, err);
	if (!rc)
		rc = flush_proceeding(&w);
	json_decref(w.cur);
	return rc;
}
