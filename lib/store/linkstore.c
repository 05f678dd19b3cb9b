/*
 * Record linkage in the database: reviewers' decisions (each a change
 * entry in the ledger, undone rather than deleted), the persons of the
 * last run as a raw record -> person table, the runs themselves and the
 * review queue.
 */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "store/store-int.h"

static int decision_json(tg_store *st, const char *uid, char **out, tg_error *err)
{
	sqlite3_stmt *s = tg_store_stmt(st,
		"SELECT a, b, decision, note, undone, undone_by FROM link_decision WHERE uid = ?", err);
	if (!s)
		return TG_EDB;
	sqlite3_bind_text(s, 1, uid, -1, SQLITE_STATIC);
	int rc = TG_OK, step = sqlite3_step(s);
	if (step == SQLITE_ROW) {
		json_t *doc = json_pack("{s:s, s:I, s:I, s:s}", "id", uid,
			"a", (json_int_t)sqlite3_column_int64(s, 0),
			"b", (json_int_t)sqlite3_column_int64(s, 1),
			"decision", (const char *)sqlite3_column_text(s, 2));
		const char *note = (const char *)sqlite3_column_text(s, 3);
		const char *undone = (const char *)sqlite3_column_text(s, 4);
		if (note)
			json_object_set_new(doc, "note", json_string(note));
		if (undone) {
			json_object_set_new(doc, "undone", json_string(undone));
			json_object_set_new(doc, "undone_by",
			                    json_string((const char *)sqlite3_column_text(s, 5)));
		}
		*out = tg_model_canonical(doc);
		json_decref(doc);
	} else if (step != SQLITE_DONE) {
		rc = tg_store_dberr(st, err);
	} else {
		rc = tg_error_set(err, TG_ENOTFOUND, "id", _("no linkage decision %s"), uid);
	}
	sqlite3_reset(s);
	return rc;
}

/* Runs the bound statement s that writes decision uid, then its change
 * entry, and leaves the write (entered by the caller). */
static int write_decision(tg_store *st, sqlite3_stmt *s, const char *uid, const char *op,
                          const char *note, tg_error *err)
{
	int rc = sqlite3_step(s) == SQLITE_DONE ? TG_OK : tg_store_dberr(st, err);
	sqlite3_reset(s);
	char *doc = NULL;
	if (!rc)
		rc = decision_json(st, uid, &doc, err);
	if (!rc)
		rc = tg_store_log(st, "link_decision", uid, op, doc, note, err);
	free(doc);
	return tg_store_leave(st, rc, err);
}

/* 1 if raw record id exists, 0 if not, -1 on a read error. */
static int raw_exists(tg_store *st, long long id)
{
	sqlite3_stmt *s = tg_store_stmt(st, "SELECT 1 FROM raw_record WHERE id = ?", NULL);
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	int step = sqlite3_step(s);
	sqlite3_reset(s);
	return step == SQLITE_ROW ? 1 : step == SQLITE_DONE ? 0 : -1;
}

static int live_decision(tg_store *st, long long a, long long b)
{
	sqlite3_stmt *s = tg_store_stmt(st,
		"SELECT 1 FROM link_decision WHERE undone IS NULL AND"
		" ((a = ?1 AND b = ?2) OR (a = ?2 AND b = ?1))", NULL);
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, a);
	sqlite3_bind_int64(s, 2, b);
	int step = sqlite3_step(s);
	sqlite3_reset(s);
	return step == SQLITE_ROW ? 1 : step == SQLITE_DONE ? 0 : -1;
}

int tg_linkdb_decide(tg_store *st, long long a, long long b, bool link, const char *note,
                     char uid_out[TG_UUID_LEN], tg_error *err)
{
	if (a == b)
		return tg_error_set(err, TG_EINVAL, "b", _("a record cannot be decided against itself"));
	for (int i = 0; i < 2; i++) {
		int e = raw_exists(st, i ? b : a);
		if (e < 0)
			return tg_store_dberr(st, err);
		if (!e)
			return tg_error_set(err, TG_EREF, i ? "b" : "a", _("no raw record %lld"),
			                    i ? b : a);
	}
	int live = live_decision(st, a, b);
	if (live < 0)
		return tg_store_dberr(st, err);
	if (live > 0)
		return tg_error_set(err, TG_EEXIST, NULL,
		                    _("records %lld and %lld already have a decision; undo it first"),
		                    a, b);
	char uid[TG_UUID_LEN], now[TG_TIME_LEN];
	tg_uuid7(uid);
	tg_now_utc(now);
	int rc = tg_store_enter(st, err);
	if (rc)
		return rc;
	sqlite3_stmt *s = tg_store_stmt(st,
		"INSERT INTO link_decision (uid, a, b, decision, note, actor, at)"
		" VALUES (?, ?, ?, ?, ?, ?, ?)", err);
	if (!s)
		return tg_store_leave(st, TG_EDB, err);
	sqlite3_bind_text(s, 1, uid, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, a);
	sqlite3_bind_int64(s, 3, b);
	sqlite3_bind_text(s, 4, link ? "link" : "not_link", -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 5, note, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 6, st->actor, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 7, now, -1, SQLITE_STATIC);
	rc = write_decision(st, s, uid, "create", note, err);
	if (!rc && uid_out)
		memcpy(uid_out, uid, TG_UUID_LEN);
	return rc;
}

int tg_linkdb_undo(tg_store *st, const char *uid, tg_error *err)
{
	sqlite3_stmt *s = tg_store_stmt(st, "SELECT undone FROM link_decision WHERE uid = ?", err);
	if (!s)
		return TG_EDB;
	sqlite3_bind_text(s, 1, uid, -1, SQLITE_STATIC);
	int step = sqlite3_step(s);
	bool undone = step == SQLITE_ROW && sqlite3_column_type(s, 0) != SQLITE_NULL;
	sqlite3_reset(s);
	if (step != SQLITE_ROW)
		return tg_error_set(err, TG_ENOTFOUND, "id", _("no linkage decision %s"), uid);
	if (undone)
		return tg_error_set(err, TG_EDELETED, "id", _("decision %s is already undone"), uid);
	char now[TG_TIME_LEN];
	tg_now_utc(now);
	int rc = tg_store_enter(st, err);
	if (rc)
		return rc;
	s = tg_store_stmt(st, "UPDATE link_decision SET undone = ?, undone_by = ? WHERE uid = ?",
	                  err);
	if (!s)
		return tg_store_leave(st, TG_EDB, err);
	sqlite3_bind_text(s, 1, now, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, st->actor, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, uid, -1, SQLITE_STATIC);
	return write_decision(st, s, uid, "update", NULL, err);
}

int tg_linkdb_decisions(tg_store *st, bool with_undone,
                        int (*cb)(void *ctx, const tg_link_decision *d), void *ctx,
                        tg_error *err)
{
	sqlite3_stmt *s;
	if (sqlite3_prepare_v2(st->db,
	                       "SELECT uid, a, b, decision, note, actor, at, undone FROM link_decision"
	                       " WHERE ? OR undone IS NULL ORDER BY at, uid", -1, &s, NULL))
		return tg_store_dberr(st, err);
	sqlite3_bind_int(s, 1, with_undone);
	int rc = 0, step;
	while (!rc && (step = sqlite3_step(s)) == SQLITE_ROW) {
		tg_link_decision d = {
			.uid = (const char *)sqlite3_column_text(s, 0),
			.a = sqlite3_column_int64(s, 1), .b = sqlite3_column_int64(s, 2),
			.link = !strcmp((const char *)sqlite3_column_text(s, 3), "link"),
			.note = (const char *)sqlite3_column_text(s, 4),
			.actor = (const char *)sqlite3_column_text(s, 5),
			.at = (const char *)sqlite3_column_text(s, 6),
			.undone = (const char *)sqlite3_column_text(s, 7)};
		rc = cb(ctx, &d);
	}
	if (!rc && step != SQLITE_DONE)
		rc = tg_store_dberr(st, err);
	sqlite3_finalize(s);
	return rc;
}

int tg_linkdb_members(tg_store *st, int (*cb)(void *ctx, long long raw, const char *person),
                      void *ctx, tg_error *err)
{
	sqlite3_stmt *s;
	if (sqlite3_prepare_v2(st->db, "SELECT raw, person FROM link_member ORDER BY raw", -1, &s,
	                       NULL))
		return tg_store_dberr(st, err);
	int rc = 0, step;
	while (!rc && (step = sqlite3_step(s)) == SQLITE_ROW)
		rc = cb(ctx, sqlite3_column_int64(s, 0), (const char *)sqlite3_column_text(s, 1));
	if (!rc && step != SQLITE_DONE)
		rc = tg_store_dberr(st, err);
	sqlite3_finalize(s);
	return rc;
}

static int save_rows(tg_store *st, const tg_linkdb_run *run, const char *uid, tg_error *err)
{
	int rc = tg_store_exec(st, "DELETE FROM link_member; DELETE FROM link_review;"
	                           " DELETE FROM link_person;", err);
	if (rc)
		return rc;
	sqlite3_stmt *ps = tg_store_stmt(st, "INSERT INTO link_person (person, place, region, event,"
	                                 " sex, birth_year, fate) VALUES (?, ?, ?, ?, ?, ?, ?)", err);
	if (!ps)
		return TG_EDB;
	for (size_t i = 0; i < run->nprofiles && !rc; i++) {
		const tg_link_profile *p = &run->profiles[i];
		const char *text[] = {p->person, p->place, p->region, p->event, p->sex};
		for (int c = 0; c < 5; c++)
			sqlite3_bind_text(ps, c + 1, text[c], -1, SQLITE_STATIC);
		if (p->birth_year)
			sqlite3_bind_int(ps, 6, p->birth_year);
		else
			sqlite3_bind_null(ps, 6);
		sqlite3_bind_text(ps, 7, p->fate, -1, SQLITE_STATIC);
		rc = sqlite3_step(ps) == SQLITE_DONE ? TG_OK : tg_store_dberr(st, err);
		sqlite3_reset(ps);
	}
	if (rc)
		return rc;
	sqlite3_stmt *s = tg_store_stmt(st, "INSERT INTO link_member (raw, person) VALUES (?, ?)",
	                                err);
	if (!s)
		return TG_EDB;
	crypto_hash_sha256_state h;
	crypto_hash_sha256_init(&h);
	for (size_t i = 0; i < run->n && !rc; i++) {
		sqlite3_bind_int64(s, 1, run->raw[i]);
		sqlite3_bind_text(s, 2, run->person[i], -1, SQLITE_STATIC);
		rc = sqlite3_step(s) == SQLITE_DONE ? TG_OK : tg_store_dberr(st, err);
		sqlite3_reset(s);
		char line[96];
		int len = snprintf(line, sizeof line, "%lld,%s\n", run->raw[i], run->person[i]);
		crypto_hash_sha256_update(&h, (const unsigned char *)line, (unsigned long long)len);
	}
	s = rc ? NULL : tg_store_stmt(st,
		"INSERT INTO link_review (pos, a, b, prob, explain) VALUES (?, ?, ?, ?, ?)", err);
	if (!rc && !s)
		rc = TG_EDB;
	for (size_t k = 0; k < run->nreview && !rc; k++) {
		sqlite3_bind_int64(s, 1, (sqlite3_int64)k + 1);
		sqlite3_bind_int64(s, 2, run->review_a[k]);
		sqlite3_bind_int64(s, 3, run->review_b[k]);
		sqlite3_bind_double(s, 4, run->review_prob[k]);
		sqlite3_bind_text(s, 5, run->review_explain[k], -1, SQLITE_STATIC);
		rc = sqlite3_step(s) == SQLITE_DONE ? TG_OK : tg_store_dberr(st, err);
		sqlite3_reset(s);
	}
	if (rc)
		return rc;
	unsigned char digest[crypto_hash_sha256_BYTES];
	char hex[2 * crypto_hash_sha256_BYTES + 1], now[TG_TIME_LEN];
	crypto_hash_sha256_final(&h, digest);
	sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
	tg_now_utc(now);
	s = tg_store_stmt(st, "INSERT INTO link_run (uid, at, actor, params, report, clusters_sha256)"
	                      " VALUES (?, ?, ?, ?, ?, ?)", err);
	if (!s)
		return TG_EDB;
	sqlite3_bind_text(s, 1, uid, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, now, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, st->actor, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, run->params, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 5, run->report, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 6, hex, -1, SQLITE_STATIC);
	rc = sqlite3_step(s) == SQLITE_DONE ? TG_OK : tg_store_dberr(st, err);
	sqlite3_reset(s);
	if (rc)
		return rc;
	json_t *doc = json_pack("{s:s, s:o, s:I, s:I, s:s}", "id", uid,
		"params", json_loads(run->params, 0, NULL), "records", (json_int_t)run->n,
		"review", (json_int_t)run->nreview, "clusters_sha256", hex);
	char *text = tg_model_canonical(doc);
	json_decref(doc);
	rc = tg_store_log(st, "link_run", uid, "create", text, NULL, err);
	free(text);
	return rc;
}

int tg_linkdb_save(tg_store *st, const tg_linkdb_run *run, char uid_out[TG_UUID_LEN],
                   tg_error *err)
{
	char uid[TG_UUID_LEN];
	tg_uuid7(uid);
	int rc = tg_store_begin(st, err);
	if (rc)
		return rc;
	rc = save_rows(st, run, uid, err);
	if (rc) {
		tg_store_rollback(st);
		return rc;
	}
	rc = tg_store_commit(st, err);
	if (!rc && uid_out)
		memcpy(uid_out, uid, TG_UUID_LEN);
	return rc;
}

int tg_linkdb_last_run(tg_store *st, json_t **out, tg_error *err)
{
	*out = NULL;
	sqlite3_stmt *s = tg_store_stmt(st,
		"SELECT uid, at, actor, params, report, clusters_sha256 FROM link_run"
		" ORDER BY at DESC, uid DESC LIMIT 1", err);
	if (!s)
		return TG_EDB;
	int step = sqlite3_step(s), rc = TG_OK;
	if (step == SQLITE_ROW)
		*out = json_pack("{s:s, s:s, s:s, s:o, s:o, s:s}",
			"id", (const char *)sqlite3_column_text(s, 0),
			"at", (const char *)sqlite3_column_text(s, 1),
			"actor", (const char *)sqlite3_column_text(s, 2),
			"params", json_loads((const char *)sqlite3_column_text(s, 3), 0, NULL),
			"report", json_loads((const char *)sqlite3_column_text(s, 4), 0, NULL),
			"clusters_sha256", (const char *)sqlite3_column_text(s, 5));
	else if (step != SQLITE_DONE)
		rc = tg_store_dberr(st, err);
	sqlite3_reset(s);
	return rc;
}

int tg_linkdb_review(tg_store *st, int (*cb)(void *ctx, const tg_review_item *it), void *ctx,
                     tg_error *err)
{
	sqlite3_stmt *s;
	if (sqlite3_prepare_v2(st->db,
	                       "SELECT pos, a, b, prob, explain FROM link_review r WHERE NOT EXISTS"
	                       " (SELECT 1 FROM link_decision d WHERE d.undone IS NULL AND"
	                       "  ((d.a = r.a AND d.b = r.b) OR (d.a = r.b AND d.b = r.a)))"
	                       " ORDER BY pos", -1, &s, NULL))
		return tg_store_dberr(st, err);
	int rc = 0, step;
	while (!rc && (step = sqlite3_step(s)) == SQLITE_ROW) {
		tg_review_item it = {.pos = (long)sqlite3_column_int64(s, 0),
		                     .a = sqlite3_column_int64(s, 1), .b = sqlite3_column_int64(s, 2),
		                     .prob = sqlite3_column_double(s, 3),
		                     .explain = (const char *)sqlite3_column_text(s, 4)};
		rc = cb(ctx, &it);
	}
	if (!rc && step != SQLITE_DONE)
		rc = tg_store_dberr(st, err);
	sqlite3_finalize(s);
	return rc;
}

int tg_linkdb_clusters(tg_store *st,
                       int (*cb)(void *ctx, const char *list, const char *rec_id,
                                 const char *person),
                       void *ctx, tg_error *err)
{
	sqlite3_stmt *s;
	if (sqlite3_prepare_v2(st->db,
	                       "SELECT s.title, coalesce(r.rec_id, r.row), m.person FROM raw_record r"
	                       " JOIN source s ON s.uid = r.list LEFT JOIN link_member m ON m.raw = r.id"
	                       " ORDER BY r.id", -1, &s, NULL))
		return tg_store_dberr(st, err);
	int rc = 0, step;
	while (!rc && (step = sqlite3_step(s)) == SQLITE_ROW)
		rc = cb(ctx, (const char *)sqlite3_column_text(s, 0),
		        (const char *)sqlite3_column_text(s, 1), (const char *)sqlite3_column_text(s, 2));
	if (!rc && step != SQLITE_DONE)
		rc = tg_store_dberr(st, err);
	sqlite3_finalize(s);
	return rc;
}

int tg_linkdb_person_of(tg_store *st, long long raw, char out[TG_UUID_LEN])
{
	sqlite3_stmt *s = tg_store_stmt(st, "SELECT person FROM link_member WHERE raw = ?", NULL);
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, raw);
	int step = sqlite3_step(s), found = step == SQLITE_ROW ? 1 : step == SQLITE_DONE ? 0 : -1;
	if (found > 0)
		snprintf(out, TG_UUID_LEN, "%s", (const char *)sqlite3_column_text(s, 0));
	sqlite3_reset(s);
	return found;
}

int tg_linkdb_lists(tg_store *st, int (*cb)(void *ctx, const char *uid, const char *title),
                    void *ctx, tg_error *err)
{
	sqlite3_stmt *s;
	if (sqlite3_prepare_v2(st->db,
	                       "SELECT r.list, s.title FROM raw_record r JOIN source s ON s.uid = r.list"
	                       " GROUP BY r.list ORDER BY min(r.id)", -1, &s, NULL))
		return tg_store_dberr(st, err);
	int rc = 0, step;
	while (!rc && (step = sqlite3_step(s)) == SQLITE_ROW)
		rc = cb(ctx, (const char *)sqlite3_column_text(s, 0),
		        (const char *)sqlite3_column_text(s, 1));
	if (!rc && step != SQLITE_DONE)
		rc = tg_store_dberr(st, err);
	sqlite3_finalize(s);
	return rc;
}

/* The person's value for a stratum: a whitelist, so by never reaches SQL
 * as text. */
static const char *stratum_sql(const char *by)
{
	static const char *const names[] = {"place", "region", "period", "fate", "sex"};
	static const char *const sql[] = {"p.place", "p.region", "substr(p.event, 1, 7)", "p.fate",
	                                  "p.sex"};
	for (size_t i = 0; by && i < sizeof names / sizeof names[0]; i++)
		if (!strcmp(by, names[i]))
			return sql[i];
	return by ? NULL : "NULL";
}

int tg_linkdb_memberships(tg_store *st, const char *by,
                          int (*cb)(void *ctx, const char *stratum, const char *person,
                                    const char *list),
                          void *ctx, tg_error *err)
{
	const char *col = stratum_sql(by);
	if (!col)
		return tg_error_set(err, TG_EINVAL, "by",
		                    _("--by: \"%s\" is not place, region, period, fate or sex"), by);
	char sql[512];
	snprintf(sql, sizeof sql,
	         "SELECT %s AS stratum, m.person, r.list FROM link_member m"
	         " JOIN raw_record r ON r.id = m.raw JOIN link_person p ON p.person = m.person"
	         " ORDER BY stratum, m.person", col);
	sqlite3_stmt *s;
	if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL))
		return tg_store_dberr(st, err);
	int rc = 0, step;
	while (!rc && (step = sqlite3_step(s)) == SQLITE_ROW)
		rc = cb(ctx, (const char *)sqlite3_column_text(s, 0),
		        (const char *)sqlite3_column_text(s, 1), (const char *)sqlite3_column_text(s, 2));
	if (!rc && step != SQLITE_DONE)
		rc = tg_store_dberr(st, err);
	sqlite3_finalize(s);
	return rc;
}

/* The SQL of a count dimension, for persons (p: link_person) or records
 * (r: raw_record): a whitelist, so no text from outside reaches SQL. */
static const char *dimension_sql(const char *dim, bool persons)
{
	static const struct {
		const char *name, *person, *record;
	} dims[] = {
		{"fate", "p.fate", "r.fate"},
		{"place", "p.place", "r.place"},
		{"region", "p.region", "NULL"},
		{"period", "substr(p.event, 1, 7)",
		 "substr(coalesce(r.event_date, r.death_date), 1, 7)"},
		{"sex", "p.sex", "r.sex"},
		{"age", "CASE WHEN p.birth_year IS NULL OR p.event IS NULL THEN NULL"
		        " ELSE CAST(substr(p.event, 1, 4) AS INTEGER) - p.birth_year END",
		 "CASE WHEN r.age IS NOT NULL THEN r.age WHEN r.birth_date IS NULL"
		 " OR coalesce(r.event_date, r.death_date) IS NULL THEN NULL"
		 " ELSE CAST(substr(coalesce(r.event_date, r.death_date), 1, 4) AS INTEGER)"
		 " - CAST(substr(r.birth_date, 1, 4) AS INTEGER) END"},
	};
	for (size_t i = 0; i < sizeof dims / sizeof dims[0]; i++)
		if (!strcmp(dim, dims[i].name))
			return persons ? dims[i].person : dims[i].record;
	return NULL;
}

static void age_group(tg_strbuf *sql, const char *age)
{
	tg_strbuf_addf(sql, "CASE WHEN (%s) IS NULL THEN NULL WHEN (%s) < 18 THEN '0-17'"
	                    " WHEN (%s) < 30 THEN '18-29' WHEN (%s) < 45 THEN '30-44'"
	                    " WHEN (%s) < 60 THEN '45-59' ELSE '60+' END", age, age, age, age, age);
}

int tg_store_victim_counts(tg_store *st, const char *const *dims, int ndims, bool *linked,
                           int (*cb)(void *ctx, const char *const *values, long long n,
                                     const char *lists),
                           void *ctx, tg_error *err)
{
	json_t *last;
	int lrc = tg_linkdb_last_run(st, &last, err);
	bool persons = last != NULL;
	json_decref(last);
	*linked = persons;
	if (lrc)
		return lrc;
	if (ndims < 0 || ndims > 6)
		return tg_error_set(err, TG_EINVAL, "by", _("--by: at most 6 dimensions"));
	tg_strbuf sql = TG_STRBUF_INIT;
	tg_strbuf_adds(&sql, "SELECT ");
	for (int d = 0; d < ndims; d++) {
		const char *col = dimension_sql(dims[d], persons);
		if (!col) {
			tg_strbuf_release(&sql);
			return tg_error_set(err, TG_EINVAL, "by",
			                    _("--by: \"%s\" is not fate, place, region, period, sex or age"),
			                    dims[d]);
		}
		if (!strcmp(dims[d], "age"))
			age_group(&sql, col);
		else
			tg_strbuf_adds(&sql, col);
		tg_strbuf_addf(&sql, " AS d%d, ", d);
	}
	tg_strbuf_adds(&sql, persons ? "count(DISTINCT p.person)" : "count(*)");
	tg_strbuf_adds(&sql, ", json_group_array(DISTINCT s.title) FROM ");
	tg_strbuf_adds(&sql, persons ? "link_person p JOIN link_member m ON m.person = p.person"
	                               " JOIN raw_record r ON r.id = m.raw"
	                             : "raw_record r");
	tg_strbuf_adds(&sql, " JOIN source s ON s.uid = r.list");
	for (int d = 0; d < ndims; d++)
		tg_strbuf_addf(&sql, "%s d%d", d ? "," : " GROUP BY", d);
	for (int d = 0; d < ndims; d++)
		tg_strbuf_addf(&sql, "%s d%d IS NULL, d%d", d ? "," : " ORDER BY", d, d);
	sqlite3_stmt *s;
	int rc = sqlite3_prepare_v2(st->db, tg_strbuf_str(&sql), -1, &s, NULL)
	             ? tg_store_dberr(st, err) : 0;
	tg_strbuf_release(&sql);
	if (rc)
		return rc;
	int step;
	const char *values[6];
	while (!rc && (step = sqlite3_step(s)) == SQLITE_ROW) {
		for (int d = 0; d < ndims; d++)
			values[d] = (const char *)sqlite3_column_text(s, d);
		rc = cb(ctx, values, sqlite3_column_int64(s, ndims),
		        (const char *)sqlite3_column_text(s, ndims + 1));
	}
	if (!rc && step != SQLITE_DONE)
		rc = tg_store_dberr(st, err);
	sqlite3_finalize(s);
	return rc;
}

/* The SQL of a dimension over acts (a), their events (e), victims (v),
 * places (pl) and the places above them (up); place names in lang (kk,
 * ru or en) where the place has one, else its own name. */
static const char *act_dimension_sql(const char *dim, const char *lang)
{
	static const struct {
		const char *name, *sql;
	} dims[] = {
		{"act_type", "a.type"},
		{"place", "pl.name"},
		{"region", "coalesce(up.name, pl.name)"},
		{"place:kk", "coalesce(pl.name_kk, pl.name)"},
		{"region:kk", "coalesce(up.name_kk, up.name, pl.name_kk, pl.name)"},
		{"place:ru", "coalesce(pl.name_ru, pl.name)"},
		{"region:ru", "coalesce(up.name_ru, up.name, pl.name_ru, pl.name)"},
		{"place:en", "coalesce(pl.name_en, pl.name)"},
		{"region:en", "coalesce(up.name_en, up.name, pl.name_en, pl.name)"},
		{"period", "substr(coalesce(a.start, e.start), 1, 7)"},
		{"sex", "v.sex"},
		{"age", "CASE WHEN v.birth_date IS NULL OR coalesce(a.start, e.start) IS NULL THEN NULL"
		        " ELSE CAST(substr(coalesce(a.start, e.start), 1, 4) AS INTEGER)"
		        " - CAST(substr(v.birth_date, 1, 4) AS INTEGER) END"},
	};
	char key[32];
	bool named = lang && (!strcmp(dim, "place") || !strcmp(dim, "region"));
	snprintf(key, sizeof key, "%s%s%s", dim, named ? ":" : "", named ? lang : "");
	for (size_t i = 0; i < sizeof dims / sizeof dims[0]; i++)
		if (!strcmp(key, dims[i].name))
			return dims[i].sql;
	return named ? act_dimension_sql(dim, NULL) : NULL;
}

#define LEVEL(col) \
	"CASE " col " WHEN 'public' THEN 0 WHEN 'restricted' THEN 1 ELSE 2 END"

int tg_store_act_victim_counts(tg_store *st, const char *const *dims, int ndims, int clearance,
                               const char *lang,
                               int (*cb)(void *ctx, const char *const *values, long long n,
                                         const char *sources),
                               void *ctx, tg_error *err)
{
	if (ndims < 0 || ndims > 6)
		return tg_error_set(err, TG_EINVAL, "by", _("--by: at most 6 dimensions"));
	tg_strbuf sql = TG_STRBUF_INIT;
	tg_strbuf_adds(&sql, "SELECT ");
	for (int d = 0; d < ndims; d++) {
		const char *col = act_dimension_sql(dims[d], lang);
		if (!col) {
			tg_strbuf_release(&sql);
			return tg_error_set(err, TG_EINVAL, "by",
			                    _("--by: \"%s\" is not act_type, place, region, period, sex or"
			                      " age"), dims[d]);
		}
		if (!strcmp(dims[d], "age"))
			age_group(&sql, col);
		else
			tg_strbuf_adds(&sql, col);
		tg_strbuf_addf(&sql, " AS d%d, ", d);
	}
	tg_strbuf_adds(&sql,
		"count(DISTINCT a.victim), json_group_array(DISTINCT s.title) FROM act a"
		" JOIN person v ON v.uid = a.victim AND v.deleted IS NULL AND " LEVEL("v.confidentiality")
		" <= ?1"
		" LEFT JOIN event e ON e.uid = a.event AND e.deleted IS NULL"
		" LEFT JOIN place pl ON pl.uid = coalesce(a.place, e.place)"
		" LEFT JOIN place up ON up.uid = pl.parent AND up.type IN ('region', 'city')"
		" LEFT JOIN information i ON i.subject IN (a.uid, a.victim) AND i.deleted IS NULL"
		"  AND " LEVEL("i.confidentiality") " <= ?1"
		" LEFT JOIN source s ON s.uid = i.source AND s.deleted IS NULL"
		"  AND " LEVEL("s.confidentiality") " <= ?1"
		" WHERE a.deleted IS NULL AND " LEVEL("a.confidentiality") " <= ?1");
	for (int d = 0; d < ndims; d++)
		tg_strbuf_addf(&sql, "%s d%d", d ? "," : " GROUP BY", d);
	for (int d = 0; d < ndims; d++)
		tg_strbuf_addf(&sql, "%s d%d IS NULL, d%d", d ? "," : " ORDER BY", d, d);
	sqlite3_stmt *s;
	int rc = sqlite3_prepare_v2(st->db, tg_strbuf_str(&sql), -1, &s, NULL)
	             ? tg_store_dberr(st, err) : 0;
	tg_strbuf_release(&sql);
	if (rc)
		return rc;
	sqlite3_bind_int(s, 1, clearance);
	int step;
	const char *values[6];
	while (!rc && (step = sqlite3_step(s)) == SQLITE_ROW) {
		for (int d = 0; d < ndims; d++)
			values[d] = (const char *)sqlite3_column_text(s, d);
		rc = cb(ctx, values, sqlite3_column_int64(s, ndims),
		        (const char *)sqlite3_column_text(s, ndims + 1));
	}
	if (!rc && step != SQLITE_DONE)
		rc = tg_store_dberr(st, err);
	sqlite3_finalize(s);
	return rc;
}
