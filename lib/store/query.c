/*
 * Reads: a record's canonical document from its rows, filtered lists,
 * history and summary counts.  The document built here must equal the one
 * tg_model_normalize built when the record was written; the unit tests
 * check that they agree.
 */
#include <stdlib.h>
#include <string.h>

#include "store/store-int.h"
#include "text/text.h"

static void select_sql(tg_strbuf *sb, const tg_entity *e)
{
	tg_strbuf_adds(sb, "SELECT ");
	bool first = true;
	for (int i = 0; i < e->nfields; i++) {
		const tg_field *f = &e->fields[i];
		if (f->type == TG_FT_LIST)
			continue;
		if (!first)
			tg_strbuf_adds(sb, ", ");
		first = false;
		tg_sql_ident(sb, f->name);
		if (f->type == TG_FT_DATE)
			tg_strbuf_addf(sb, ", \"%s_approx\"", f->name);
	}
	if (!e->is_child)
		tg_strbuf_adds(sb, ", deleted, deleted_reason");
	tg_strbuf_adds(sb, " FROM ");
	tg_sql_ident(sb, e->table);
	tg_strbuf_adds(sb, e->is_child ? " WHERE owner = ? ORDER BY pos" : " WHERE uid = ?");
}

/* Reads the column(s) of f at *col into o. */
static void read_field(sqlite3_stmt *s, int *col, const tg_field *f, json_t *o)
{
	int i = (*col)++;
	int type = sqlite3_column_type(s, i);
	if (f->type == TG_FT_DATE)
		(*col)++;
	if (type == SQLITE_NULL)
		return;
	json_t *v;
	switch (f->type) {
	case TG_FT_INT:
		v = json_integer(sqlite3_column_int64(s, i));
		break;
	case TG_FT_REAL:
		v = json_real(sqlite3_column_double(s, i));
		break;
	case TG_FT_BOOL:
		v = json_boolean(sqlite3_column_int(s, i));
		break;
	case TG_FT_DATE: {
		char buf[TG_TIME_LEN];
		snprintf(buf, sizeof buf, "%s%s", sqlite3_column_int(s, i + 1) ? "~" : "",
		         (const char *)sqlite3_column_text(s, i));
		v = json_string(buf);
		break;
	}
	default:
		v = json_stringn((const char *)sqlite3_column_text(s, i),
		                 (size_t)sqlite3_column_bytes(s, i));
	}
	json_object_set_new(o, f->name, v);
}

static int read_children(tg_store *st, const tg_field *lf, const char *uid, json_t *o,
                         tg_error *err)
{
	sqlite3_stmt *s = tg_store_stmt(st, tg_store_sql(st, lf->child, TG_SQL_SELECT, select_sql),
	                                err);
	if (!s)
		return TG_EDB;
	sqlite3_bind_text(s, 1, uid, -1, SQLITE_STATIC);
	json_t *arr = json_array();
	int rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		json_t *item = json_object();
		int col = 0;
		for (int k = 0; k < lf->child->nfields; k++)
			read_field(s, &col, &lf->child->fields[k], item);
		if (lf->child->scalar) {
			json_array_append(arr, json_object_get(item, lf->child->fields[0].name));
			json_decref(item);
		} else {
			json_array_append_new(arr, item);
		}
	}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE) {
		json_decref(arr);
		return tg_store_dberr(st, err);
	}
	if (json_array_size(arr))
		json_object_set_new(o, lf->name, arr);
	else
		json_decref(arr);
	return TG_OK;
}

int tg_store_read(tg_store *st, const tg_entity *e, const char *uid, json_t **out,
                  tg_error *err)
{
	*out = NULL;
	sqlite3_stmt *s = tg_store_stmt(st, tg_store_sql(st, e, TG_SQL_SELECT, select_sql), err);
	if (!s)
		return TG_EDB;
	sqlite3_bind_text(s, 1, uid, -1, SQLITE_STATIC);
	int step = sqlite3_step(s);
	if (step != SQLITE_ROW) {
		sqlite3_reset(s);
		return step == SQLITE_DONE
		               ? tg_error_set(err, TG_ENOTFOUND, "id", _("no record %s"), uid)
		               : tg_store_dberr(st, err);
	}
	json_t *o = json_object();
	json_object_set_new(o, "entity", json_string(e->name));
	json_object_set_new(o, "id", json_string(uid));
	int col = 0;
	for (int i = 0; i < e->nfields; i++)
		if (e->fields[i].type != TG_FT_LIST)
			read_field(s, &col, &e->fields[i], o);
	if (sqlite3_column_type(s, col) != SQLITE_NULL) {
		json_object_set_new(o, "deleted", json_string((const char *)sqlite3_column_text(s, col)));
		json_object_set_new(o, "deleted_reason",
		                    json_string((const char *)sqlite3_column_text(s, col + 1)));
	}
	sqlite3_reset(s);
	int rc = TG_OK;
	for (int i = 0; !rc && i < e->nfields; i++)
		if (e->fields[i].type == TG_FT_LIST)
			rc = read_children(st, &e->fields[i], uid, o, err);
	if (rc) {
		json_decref(o);
		return rc;
	}
	*out = o;
	return TG_OK;
}

int tg_record_get(tg_store *st, const char *uid, json_t **out, tg_error *err)
{
	*out = NULL;
	const char *name;
	int rc = tg_record_entity(st, uid, &name, err);
	return rc ? rc : tg_store_read(st, tg_model_entity(name), uid, out, err);
}

/* Text of every value bound into a list query, in order. */
struct binds {
	const char *v[64];
	int n;
};

static void bind_value(struct binds *b, const char *v)
{
	if (b->n < 64)
		b->v[b->n++] = v;
}

static void bind_add(struct binds *b, tg_strbuf *sb, const char *v)
{
	bind_value(b, v);
	tg_strbuf_addc(sb, '?');
}

static bool add_place_filter(const tg_entity *e, tg_strbuf *sb)
{
	tg_strbuf_adds(sb, " AND (0");
	bool any = false;
	unsigned bit = tg_model_refbit("place");
	if (!strcmp(e->name, "place")) {
		tg_strbuf_adds(sb, " OR t.uid IN sub");
		any = true;
	}
	for (int i = 0; i < e->nfields; i++) {
		const tg_field *f = &e->fields[i];
		if (f->type == TG_FT_REF && f->refs == bit && strcmp(e->name, "place")) {
			tg_strbuf_adds(sb, " OR t.");
			tg_sql_ident(sb, f->name);
			tg_strbuf_adds(sb, " IN sub");
			any = true;
		}
	}
	tg_strbuf_addc(sb, ')');
	return any;
}

static bool add_date_filter(const tg_entity *e, tg_strbuf *sb, struct binds *b,
                            const char *lo, const char *hi)
{
	tg_strbuf_adds(sb, " AND (0");
	bool any = false;
	for (int i = 0; i < e->nfields; i++) {
		const tg_field *f = &e->fields[i];
		if (f->type != TG_FT_DATE)
			continue;
		any = true;
		/* A partial date covers an interval: "2022" is 2022-00-00..2022-99-99. */
		tg_strbuf_adds(sb, " OR (t.");
		tg_sql_ident(sb, f->name);
		tg_strbuf_adds(sb, " IS NOT NULL");
		if (lo) {
			tg_strbuf_adds(sb, " AND t.");
			tg_sql_ident(sb, f->name);
			tg_strbuf_adds(sb, " || substr('-99-99', length(t.");
			tg_sql_ident(sb, f->name);
			tg_strbuf_adds(sb, ") - 3) >= ");
			bind_add(b, sb, lo);
		}
		if (hi) {
			tg_strbuf_adds(sb, " AND t.");
			tg_sql_ident(sb, f->name);
			tg_strbuf_adds(sb, " || substr('-00-00', length(t.");
			tg_sql_ident(sb, f->name);
			tg_strbuf_adds(sb, ") - 3) <= ");
			bind_add(b, sb, hi);
		}
		tg_strbuf_addc(sb, ')');
	}
	tg_strbuf_addc(sb, ')');
	return any;
}

/* Fields of e and of its child lists that are of type t, as SQL conditions
 * joined by OR; cond has %s%s for the table alias and column and one "?"
 * for value. */
static bool add_field_filter(const tg_entity *e, tg_strbuf *sb, struct binds *b,
                             enum tg_ftype t, const char *cond, const char *value)
{
	bool any = false;
	for (int i = 0; i < e->nfields; i++) {
		const tg_field *f = &e->fields[i];
		if (f->type == TG_FT_LIST) {
			const tg_entity *c = f->child;
			for (int k = 0; k < c->nfields; k++) {
				if (c->fields[k].type != t)
					continue;
				tg_strbuf_adds(sb, " OR EXISTS (SELECT 1 FROM ");
				tg_sql_ident(sb, c->table);
				tg_strbuf_adds(sb, " c WHERE c.owner = t.uid AND ");
				tg_strbuf_addf(sb, cond, "c.", c->fields[k].name);
				bind_value(b, value);
				tg_strbuf_addc(sb, ')');
				any = true;
			}
		} else if (f->type == t) {
			tg_strbuf_adds(sb, " OR ");
			tg_strbuf_addf(sb, cond, "t.", f->name);
			bind_value(b, value);
			any = true;
		}
	}
	return any;
}

static const char *order_column(const tg_entity *e)
{
	for (int i = 0; i < e->nfields; i++)
		if (e->fields[i].type == TG_FT_DATE)
			return e->fields[i].name;
	return NULL;
}

void tg_store_pad_date(char out[16], const char *d, const char *tail)
{
	tg_pdate pd;
	if (!d) {
		*out = '\0';
		return;
	}
	if (tg_pdate_parse(d, &pd, NULL)) {
		snprintf(out, 16, "%s", d);
		return;
	}
	char buf[16];
	tg_pdate_format(&pd, buf, sizeof buf, false);
	snprintf(out, 16, "%s%s", buf, tail + (strlen(buf) - 4));
}

int tg_store_place_uid(tg_store *st, const char *place, const char **uid, tg_error *err)
{
	*uid = NULL;
	const char *id = place, *ent = NULL;
	int rc = tg_uuid_valid(place) ? TG_OK : st->lookup.place_by_code(st, place, &id, err);
	if (!rc)
		rc = tg_store_find_entity(st, id, &ent, err);
	if (!rc && strcmp(ent, "place"))
		rc = TG_ENOTFOUND;
	if (rc == TG_ENOTFOUND)
		return tg_error_set(err, TG_ENOTFOUND, "place", _("no place %s"), place);
	if (!rc)
		*uid = id;
	return rc;
}

/* Where a list goes: documents (cb) or canonical texts (tcb). */
struct list_out {
	tg_record_cb cb;
	tg_record_text_cb tcb;
	void *ctx;
};

/* skip and left count across entities; left < 0 means no limit. */
static int list_entity(tg_store *st, const tg_entity *e, const tg_filter *f, const char *place,
                       int *skip, int *left, const struct list_out *out, tg_error *err)
{
	tg_strbuf sb = TG_STRBUF_INIT;
	struct binds b = {0};
	char lo[16], hi[16];
	if (place)
		tg_strbuf_adds(&sb, "WITH RECURSIVE sub(uid) AS (SELECT ? UNION"
		                    " SELECT p.uid FROM place p JOIN sub ON p.parent = sub.uid) ");
	if (place)
		bind_value(&b, place);
	tg_strbuf_adds(&sb, "SELECT t.uid");
	/* The latest change entry holds the record as it is, canonical. */
	if (out->tcb)
		tg_strbuf_adds(&sb, ", t.confidentiality, (SELECT c.doc FROM change c WHERE c.uid = t.uid"
		                    " ORDER BY c.seq DESC LIMIT 1)");
	tg_strbuf_adds(&sb, " FROM ");
	tg_sql_ident(&sb, e->table);
	tg_strbuf_adds(&sb, " t WHERE 1");
	bool ok = true;
	if (!f->include_deleted)
		tg_strbuf_adds(&sb, " AND t.deleted IS NULL");
	if (place)
		ok &= add_place_filter(e, &sb);
	if (f->from || f->to) {
		tg_store_pad_date(lo, f->from, "-00-00");
		tg_store_pad_date(hi, f->to, "-99-99");
		ok &= add_date_filter(e, &sb, &b, f->from ? lo : NULL, f->to ? hi : NULL);
	}
	if (f->term) {
		tg_strbuf_adds(&sb, " AND (0");
		ok &= add_field_filter(e, &sb, &b, TG_FT_TERM,
		                       "%s\"%s\" IN (WITH RECURSIVE tt(c) AS (SELECT ? UNION"
		                       " SELECT code FROM term JOIN tt ON term.parent = tt.c)"
		                       " SELECT c FROM tt)",
		                       f->term);
		tg_strbuf_addc(&sb, ')');
	}
	char *needle = NULL;
	if (f->text) {
		needle = tg_text_fold(f->text);
		if (!needle)
			needle = strdup(f->text);
		tg_strbuf_adds(&sb, " AND (0");
		ok &= add_field_filter(e, &sb, &b, TG_FT_TEXT, "instr(tg_fold(%s\"%s\"), ?) > 0",
		                       needle);
		tg_strbuf_addc(&sb, ')');
	}
	const char *oc = order_column(e);
	tg_strbuf_adds(&sb, " ORDER BY ");
	if (oc) {
		tg_strbuf_adds(&sb, "t.");
		tg_sql_ident(&sb, oc);
		tg_strbuf_adds(&sb, " IS NULL, t.");
		tg_sql_ident(&sb, oc);
		tg_strbuf_adds(&sb, ", ");
	}
	tg_strbuf_adds(&sb, "t.uid");
	int rc = TG_OK;
	if (!ok || b.n >= 64)
		goto done;
	sqlite3_stmt *s;
	if (sqlite3_prepare_v2(st->db, tg_strbuf_str(&sb), -1, &s, NULL) != SQLITE_OK) {
		rc = tg_store_dberr(st, err);
		goto done;
	}
	for (int i = 0; i < b.n; i++)
		sqlite3_bind_text(s, i + 1, b.v[i], -1, SQLITE_STATIC);
	int step = SQLITE_DONE;
	while (!rc && *left != 0 && (step = sqlite3_step(s)) == SQLITE_ROW) {
		if (*skip > 0) {
			(*skip)--;
			continue;
		}
		if (out->tcb) {
			const char *conf = (const char *)sqlite3_column_text(s, 1);
			int level = conf ? tg_clearance_level(conf) : TG_CLEAR_RESTRICTED;
			rc = out->tcb(out->ctx, (const char *)sqlite3_column_text(s, 0),
			              level < 0 ? TG_CLEAR_CONFIDENTIAL : level,
			              (const char *)sqlite3_column_text(s, 2));
		} else {
			json_t *doc;
			char uid[TG_UUID_LEN];
			snprintf(uid, sizeof uid, "%s", (const char *)sqlite3_column_text(s, 0));
			rc = tg_store_read(st, e, uid, &doc, err);
			if (!rc) {
				rc = out->cb(out->ctx, doc);
				json_decref(doc);
			}
		}
		if (*left > 0)
			(*left)--;
	}
	if (!rc && step != SQLITE_ROW && step != SQLITE_DONE)
		rc = tg_store_dberr(st, err);
	sqlite3_finalize(s);
done:
	free(needle);
	tg_strbuf_release(&sb);
	return rc;
}

static int list_records(tg_store *st, const tg_filter *f, const struct list_out *out,
                        tg_error *err);

int tg_record_list(tg_store *st, const tg_filter *f, tg_record_cb cb, void *ctx, tg_error *err)
{
	struct list_out out = {cb, NULL, ctx};
	return list_records(st, f, &out, err);
}

int tg_record_list_text(tg_store *st, const tg_filter *f, tg_record_text_cb cb, void *ctx,
                        tg_error *err)
{
	if (f->include_deleted)
		return tg_error_set(err, TG_EINVAL, "deleted", "texts of live records only");
	struct list_out out = {NULL, cb, ctx};
	return list_records(st, f, &out, err);
}

static int list_records(tg_store *st, const tg_filter *f, const struct list_out *out,
                        tg_error *err)
{
	const tg_entity *only = NULL;
	if (f->entity && !(only = tg_model_entity(f->entity)))
		return tg_error_set(err, TG_EINVAL, "entity", _("no entity named %s"), f->entity);
	const char *place = NULL;
	char place_uid[TG_UUID_LEN];
	if (f->place) {
		int rc = tg_store_place_uid(st, f->place, &place, err);
		if (rc)
			return rc;
		snprintf(place_uid, sizeof place_uid, "%s", place);
		place = place_uid;
	}
	static const char *const dates[] = {"from", "to"};
	const char *dv[] = {f->from, f->to};
	for (int i = 0; i < 2; i++) {
		tg_pdate d;
		if (dv[i] && tg_pdate_parse(dv[i], &d, err)) {
			snprintf(err->path, sizeof err->path, "%s", dates[i]);
			return TG_EDATE;
		}
	}
	int skip = f->offset > 0 ? f->offset : 0, left = f->limit > 0 ? f->limit : -1;
	int n;
	const tg_entity *const *all = tg_model_entities(&n);
	int rc = TG_OK;
	for (int i = 0; !rc && i < n; i++)
		if (!only || only == all[i])
			rc = list_entity(st, all[i], f, place, &skip, &left, out, err);
	return rc;
}

/* Calls cb with each change entry s yields (seq, at, actor, entity, uid,
 * op, doc, reason) until cb returns non-zero. */
/* Calls cb with each change entry s selects; a read that fails midway is
 * a storage error, not a shorter history. */
static int walk_changes(tg_store *st, sqlite3_stmt *s, tg_change_cb cb, void *ctx,
                        tg_error *err)
{
	int rc = TG_OK, step = SQLITE_DONE;
	while (!rc && (step = sqlite3_step(s)) == SQLITE_ROW) {
		tg_change c = {.seq = sqlite3_column_int64(s, 0)};
		const char **f[] = {&c.at, &c.actor, &c.entity, &c.uid, &c.op, &c.doc, &c.reason};
		for (int i = 0; i < 7; i++)
			*f[i] = (const char *)sqlite3_column_text(s, i + 1);
		rc = cb(ctx, &c);
	}
	if (!rc && step != SQLITE_ROW && step != SQLITE_DONE)
		rc = tg_store_dberr(st, err);
	return rc;
}

/* 0 when uid has change entries, TG_ENOTFOUND when it has none, or a
 * storage error. */
static int has_change_entries(tg_store *st, const char *uid, tg_error *err)
{
	sqlite3_stmt *s = tg_store_stmt(st, "SELECT 1 FROM change WHERE uid = ? LIMIT 1", err);
	if (!s)
		return TG_EDB;
	sqlite3_bind_text(s, 1, uid, -1, SQLITE_STATIC);
	int step = sqlite3_step(s);
	int rc = step == SQLITE_ROW ? TG_OK : step == SQLITE_DONE ? TG_ENOTFOUND
	                                                          : tg_store_dberr(st, err);
	sqlite3_reset(s);
	return rc;
}

int tg_record_history(tg_store *st, const char *uid, tg_change_cb cb, void *ctx, tg_error *err)
{
	/* Accounts, tokens and decisions have change entries but no record. */
	if (uid && !strchr(uid, '/')) {
		const char *entity;
		int rc = tg_store_find_entity(st, uid, &entity, err);
		if (rc == TG_ENOTFOUND)
			rc = has_change_entries(st, uid, err);
		if (rc == TG_ENOTFOUND)
			return tg_error_set(err, TG_ENOTFOUND, "id", _("no record %s"), uid);
		if (rc)
			return rc;
	}
	sqlite3_stmt *s;
	const char *sql = uid ? "SELECT seq, at, actor, entity, uid, op, doc, reason FROM change"
	                        " WHERE uid = ? ORDER BY seq"
	                      : "SELECT seq, at, actor, entity, uid, op, doc, reason FROM change"
	                        " ORDER BY seq";
	if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK)
		return tg_store_dberr(st, err);
	if (uid)
		sqlite3_bind_text(s, 1, uid, -1, SQLITE_STATIC);
	int rc = walk_changes(st, s, cb, ctx, err);
	sqlite3_finalize(s);
	return rc;
}

int tg_record_recent(tg_store *st, int limit, tg_change_cb cb, void *ctx, tg_error *err)
{
	sqlite3_stmt *s;
	if (sqlite3_prepare_v2(st->db, "SELECT seq, at, actor, entity, uid, op, doc, reason"
	                               " FROM change ORDER BY seq DESC LIMIT ?",
	                       -1, &s, NULL) != SQLITE_OK)
		return tg_store_dberr(st, err);
	sqlite3_bind_int(s, 1, limit > 0 ? limit : 20);
	int rc = walk_changes(st, s, cb, ctx, err);
	sqlite3_finalize(s);
	return rc;
}

static int count_into(tg_store *st, const char *sql, json_t *obj, tg_error *err)
{
	sqlite3_stmt *s;
	if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK)
		return tg_store_dberr(st, err);
	while (sqlite3_step(s) == SQLITE_ROW)
		json_object_set_new(obj, (const char *)sqlite3_column_text(s, 0),
		                    json_integer(sqlite3_column_int64(s, 1)));
	sqlite3_finalize(s);
	return TG_OK;
}

int tg_store_summary(tg_store *st, json_t **out, tg_error *err)
{
	json_t *sum = json_object(), *records = json_object(), *acts = json_object(),
	       *changes = json_object();
	json_object_set_new(sum, "schema", json_integer(tg_store_schema_version(st)));
	json_object_set_new(sum, "records", records);
	json_object_set_new(sum, "acts", acts);
	json_object_set_new(sum, "changes", changes);
	int n, rc = TG_OK;
	const tg_entity *const *all = tg_model_entities(&n);
	tg_strbuf sb = TG_STRBUF_INIT;
	for (int i = 0; i < n; i++) {
		tg_strbuf_addf(&sb, "%sSELECT '%s', count(*) FROM ", i ? " UNION ALL " : "",
		               all[i]->name);
		tg_sql_ident(&sb, all[i]->table);
		tg_strbuf_adds(&sb, " WHERE deleted IS NULL");
	}
	rc = count_into(st, tg_strbuf_str(&sb), records, err);
	tg_strbuf_release(&sb);
	if (!rc)
		rc = count_into(st, "SELECT type, count(*) FROM act WHERE deleted IS NULL"
		                    " GROUP BY type ORDER BY type", acts, err);
	if (!rc)
		rc = count_into(st, "SELECT op, count(*) FROM change GROUP BY op ORDER BY op",
		                changes, err);
	json_t *lists = json_object();
	json_object_set_new(sum, "lists", lists);
	if (!rc)
		rc = count_into(st, "SELECT 'raw_records', count(*) FROM raw_record UNION ALL"
		                    " SELECT 'persons', count(DISTINCT person) FROM link_member UNION ALL"
		                    " SELECT 'review', count(*) FROM link_review", lists, err);
	if (rc) {
		json_decref(sum);
		sum = NULL;
	}
	*out = sum;
	return rc;
}

int tg_store_note_backup(tg_store *st, tg_error *err)
{
	return tg_store_exec(st, "INSERT OR REPLACE INTO meta (key, value)"
	                         " SELECT 'backup_seq', coalesce(max(seq), 0) FROM change", err);
}

long long tg_store_unsaved_changes(tg_store *st)
{
	sqlite3_stmt *s = tg_store_stmt(st,
		"SELECT count(*) FROM change WHERE seq >"
		" coalesce((SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'backup_seq'), 0)", NULL);
	long long n = s && sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int64(s, 0) : -1;
	if (s)
		sqlite3_reset(s);
	return n;
}

int tg_record_refs(tg_store *st, const char *entity, const char *field, const char *uid,
                   tg_record_cb cb, void *ctx, tg_error *err)
{
	const tg_entity *e = tg_model_entity(entity);
	const tg_field *f = e ? tg_model_field(e, field) : NULL;
	if (!f || f->type != TG_FT_REF)
		return tg_error_set(err, TG_EINVAL, field, _("%s has no reference field %s"), entity,
		                    field);
	tg_strbuf sql = TG_STRBUF_INIT;
	tg_strbuf_adds(&sql, "SELECT uid FROM ");
	tg_sql_ident(&sql, e->table);
	tg_strbuf_adds(&sql, " WHERE deleted IS NULL AND ");
	tg_sql_ident(&sql, f->name);
	tg_strbuf_adds(&sql, " = ? ORDER BY uid");
	sqlite3_stmt *s;
	int rc = TG_OK;
	if (sqlite3_prepare_v2(st->db, tg_strbuf_str(&sql), -1, &s, NULL) != SQLITE_OK)
		rc = tg_store_dberr(st, err);
	tg_strbuf_release(&sql);
	if (rc)
		return rc;
	sqlite3_bind_text(s, 1, uid, -1, SQLITE_STATIC);
	rc = tg_store_each_uid(st, e, s, cb, ctx, err);
	sqlite3_finalize(s);
	return rc;
}

int tg_store_each_uid(tg_store *st, const tg_entity *e, sqlite3_stmt *s, tg_record_cb cb,
                      void *ctx, tg_error *err)
{
	int rc = 0, step = SQLITE_DONE;
	while (!rc && (step = sqlite3_step(s)) == SQLITE_ROW) {
		json_t *doc;
		char id[TG_UUID_LEN];
		snprintf(id, sizeof id, "%s", (const char *)sqlite3_column_text(s, 0));
		rc = tg_store_read(st, e, id, &doc, err);
		if (!rc) {
			rc = cb(ctx, doc);
			json_decref(doc);
		}
	}
	if (!rc && step != SQLITE_ROW && step != SQLITE_DONE)
		rc = tg_store_dberr(st, err);
	return rc;
}

int tg_raw_insert(tg_store *st, const tg_raw_record *r, tg_error *err)
{
	sqlite3_stmt *s = tg_store_stmt(st,
		"INSERT INTO raw_record (list, row, rec_id, full_name, family, given, patronymic,"
		" birth_date, birth_date_approx, age, sex, iin, iin_valid, place, death_date, note, extra,"
		" event_date, fate) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", err);
	if (!s)
		return TG_EDB;
	const char *text[] = {r->list, NULL, r->rec_id, r->full_name, r->family, r->given,
	                      r->patronymic, r->birth_date};
	for (int i = 0; i < 8; i++)
		if (i != 1)
			sqlite3_bind_text(s, i + 1, text[i], -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, r->row);
	sqlite3_bind_int(s, 9, r->birth_approx);
	if (r->age >= 0)
		sqlite3_bind_int(s, 10, r->age);
	sqlite3_bind_text(s, 11, r->sex, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 12, r->iin, -1, SQLITE_STATIC);
	if (r->iin)
		sqlite3_bind_int(s, 13, r->iin_valid);
	sqlite3_bind_text(s, 14, r->place, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 15, r->death_date, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 16, r->note, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 17, r->extra, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 18, r->event_date, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 19, r->fate, -1, SQLITE_STATIC);
	int rc = sqlite3_step(s) == SQLITE_DONE ? TG_OK : tg_store_dberr(st, err);
	sqlite3_reset(s);
	return rc;
}

#define RAW_SELECT \
	"SELECT r.id, r.list, s.title, s.language, r.row, r.rec_id, r.full_name, r.family," \
	" r.given, r.patronymic, r.birth_date, r.birth_date_approx, r.age, r.sex, r.iin," \
	" r.iin_valid, r.place, r.death_date, r.note, r.extra, r.event_date, r.fate" \
	" FROM raw_record r JOIN source s ON s.uid = r.list"

static void raw_from_row(sqlite3_stmt *s, tg_raw_record *r)
{
	const char *t[22];
	for (int i = 0; i < 22; i++)
		t[i] = (const char *)sqlite3_column_text(s, i);
	*r = (tg_raw_record){.id = sqlite3_column_int64(s, 0), .list = t[1], .list_title = t[2],
	                     .list_lang = t[3], .row = (long)sqlite3_column_int64(s, 4),
	                     .rec_id = t[5], .full_name = t[6], .family = t[7], .given = t[8],
	                     .patronymic = t[9], .birth_date = t[10],
	                     .birth_approx = sqlite3_column_int(s, 11),
	                     .age = sqlite3_column_type(s, 12) == SQLITE_NULL
	                                ? -1 : sqlite3_column_int(s, 12),
	                     .sex = t[13], .iin = t[14], .iin_valid = sqlite3_column_int(s, 15),
	                     .place = t[16], .death_date = t[17], .note = t[18], .extra = t[19],
	                     .event_date = t[20], .fate = t[21]};
}

int tg_raw_each(tg_store *st, int (*cb)(void *ctx, const tg_raw_record *r), void *ctx,
                tg_error *err)
{
	sqlite3_stmt *s;
	if (sqlite3_prepare_v2(st->db, RAW_SELECT " ORDER BY r.id", -1, &s, NULL))
		return tg_store_dberr(st, err);
	int rc = 0, step;
	tg_raw_record r;
	while (!rc && (step = sqlite3_step(s)) == SQLITE_ROW) {
		raw_from_row(s, &r);
		rc = cb(ctx, &r);
	}
	if (!rc && step != SQLITE_DONE)
		rc = tg_store_dberr(st, err);
	sqlite3_finalize(s);
	return rc;
}

int tg_raw_get(tg_store *st, long long id, int (*cb)(void *ctx, const tg_raw_record *r),
               void *ctx, tg_error *err)
{
	sqlite3_stmt *s = tg_store_stmt(st, RAW_SELECT " WHERE r.id = ?", err);
	if (!s)
		return TG_EDB;
	sqlite3_bind_int64(s, 1, id);
	int rc, step = sqlite3_step(s);
	if (step == SQLITE_ROW) {
		tg_raw_record r;
		raw_from_row(s, &r);
		rc = cb(ctx, &r);
	} else {
		rc = step == SQLITE_DONE
		         ? tg_error_set(err, TG_ENOTFOUND, NULL, _("no raw record %lld"), id)
		         : tg_store_dberr(st, err);
	}
	sqlite3_reset(s);
	return rc;
}

long long tg_raw_find(tg_store *st, const char *list_title, const char *rec_id)
{
	sqlite3_stmt *s = tg_store_stmt(st,
		"SELECT r.id FROM raw_record r JOIN source s ON s.uid = r.list"
		" WHERE s.title = ? AND r.rec_id = ? AND s.deleted IS NULL ORDER BY r.id LIMIT 1", NULL);
	if (!s)
		return -1;
	sqlite3_bind_text(s, 1, list_title, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, rec_id, -1, SQLITE_STATIC);
	int step = sqlite3_step(s);
	long long id = step == SQLITE_ROW ? sqlite3_column_int64(s, 0) : step == SQLITE_DONE ? 0 : -1;
	sqlite3_reset(s);
	return id;
}

long long tg_raw_count(tg_store *st, const char *list, tg_error *err)
{
	sqlite3_stmt *s = tg_store_stmt(st, list ? "SELECT count(*) FROM raw_record WHERE list = ?"
	                                         : "SELECT count(*) FROM raw_record", err);
	if (!s)
		return -1;
	if (list)
		sqlite3_bind_text(s, 1, list, -1, SQLITE_STATIC);
	long long n = -1;
	if (sqlite3_step(s) == SQLITE_ROW)
		n = sqlite3_column_int64(s, 0);
	else
		tg_store_dberr(st, err);
	sqlite3_reset(s);
	return n;
}

int tg_store_find_source(tg_store *st, const char *title, char uid[TG_UUID_LEN], tg_error *err)
{
	sqlite3_stmt *s = tg_store_stmt(st, "SELECT uid FROM source WHERE title = ? AND deleted IS NULL"
	                                    " ORDER BY uid LIMIT 1", err);
	if (!s)
		return -1;
	sqlite3_bind_text(s, 1, title, -1, SQLITE_STATIC);
	int step = sqlite3_step(s), found = step == SQLITE_ROW ? 1 : step == SQLITE_DONE ? 0 : -1;
	if (found == 1)
		snprintf(uid, TG_UUID_LEN, "%s", (const char *)sqlite3_column_text(s, 0));
	else if (found < 0)
		tg_store_dberr(st, err);
	sqlite3_reset(s);
	return found;
}

static int copy_raw(void *ctx, const tg_raw_record *r)
{
	char age[16] = "";
	if (r->age >= 0)
		snprintf(age, sizeof age, "%d", r->age);
	json_t *o = json_pack("{s:I, s:s, s:s, s:s?, s:s?, s:s?, s:s?, s:s?, s:s?, s:s?, s:s?, s:s?,"
	                      " s:s?, s:s?, s:s?, s:s?}",
		"raw", (json_int_t)r->id, "list", r->list_title, "list_id", r->list,
		"record_id", r->rec_id, "full_name", r->full_name, "family", r->family,
		"given", r->given, "patronymic", r->patronymic, "birth_date", r->birth_date,
		"age", *age ? age : NULL, "sex", r->sex, "iin", r->iin, "place", r->place,
		"event_date", r->event_date, "death_date", r->death_date, "fate", r->fate);
	*(json_t **)ctx = o;
	return 0;
}

json_t *tg_raw_json(tg_store *st, long long id)
{
	json_t *o = NULL;
	if (tg_raw_get(st, id, copy_raw, &o, NULL) || !o)
		return json_null();
	return o;
}
