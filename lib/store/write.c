/*
 * The one write path: every create, update and soft delete of a record
 * validates through the model, writes its row and child rows, and appends
 * a change entry holding the canonical new version, all in one savepoint.
 */
#include <stdlib.h>
#include <string.h>

#include "store/store-int.h"

int tg_store_log(tg_store *st, const char *entity, const char *uid, const char *op,
                 const char *doc, const char *reason, tg_error *err)
{
	sqlite3_stmt *s = tg_store_stmt(st,
		"INSERT INTO change (at, actor, entity, uid, op, doc, reason) VALUES (?,?,?,?,?,?,?)",
		err);
	if (!s)
		return TG_EDB;
	char now[TG_TIME_LEN];
	tg_now_utc(now);
	sqlite3_bind_text(s, 1, now, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, st->actor, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, entity, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, uid, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 5, op, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 6, doc, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 7, reason, -1, SQLITE_STATIC);
	int rc = sqlite3_step(s) == SQLITE_DONE ? TG_OK : tg_store_dberr(st, err);
	sqlite3_reset(s);
	if (!rc)
		rc = tg_ledger_append(st, sqlite3_last_insert_rowid(st->db), now, st->actor, entity,
		                      uid, op, doc, reason, err);
	return rc;
}

int tg_store_log_event(tg_store *st, const char *entity, const char *uid, const json_t *doc,
                       tg_error *err)
{
	char *text = tg_model_canonical(doc);
	if (!text)
		return tg_error_set(err, TG_ENOMEM, NULL, "%s", tg_strerror(TG_ENOMEM));
	int rc = tg_store_enter(st, err);
	if (!rc)
		rc = tg_store_leave(st, tg_store_log(st, entity, uid, "create", text, NULL, err), err);
	free(text);
	return rc;
}

/* Binds field f of doc at *col (and its _approx column for dates). */
static void bind_field(sqlite3_stmt *s, int *col, const tg_field *f, const json_t *doc)
{
	const json_t *v = json_object_get(doc, f->name);
	int i = (*col)++;
	switch (f->type) {
	case TG_FT_INT:
		if (v)
			sqlite3_bind_int64(s, i, json_integer_value(v));
		return;
	case TG_FT_REAL:
		if (v)
			sqlite3_bind_double(s, i, json_real_value(v));
		return;
	case TG_FT_BOOL:
		if (v)
			sqlite3_bind_int(s, i, json_is_true(v));
		return;
	case TG_FT_DATE: {
		const char *d = json_string_value(v);
		bool approx = d && *d == '~';
		if (d)
			sqlite3_bind_text(s, i, d + approx, -1, SQLITE_STATIC);
		sqlite3_bind_int(s, (*col)++, approx);
		return;
	}
	default:
		if (v)
			sqlite3_bind_text(s, i, json_string_value(v), -1, SQLITE_STATIC);
	}
}

/* "INSERT INTO t (owner|uid, [pos,] cols...) VALUES (?...)". */
static void insert_sql(tg_strbuf *sb, const tg_entity *e)
{
	tg_strbuf_adds(sb, "INSERT INTO ");
	tg_sql_ident(sb, e->table);
	tg_strbuf_adds(sb, e->is_child ? " (owner, pos" : " (uid");
	int n = e->is_child ? 2 : 1;
	for (int i = 0; i < e->nfields; i++) {
		const tg_field *f = &e->fields[i];
		if (f->type == TG_FT_LIST)
			continue;
		tg_strbuf_adds(sb, ", ");
		tg_sql_ident(sb, f->name);
		n++;
		if (f->type == TG_FT_DATE) {
			tg_strbuf_addf(sb, ", \"%s_approx\"", f->name);
			n++;
		}
	}
	if (!e->is_child) {
		tg_strbuf_adds(sb, ", deleted, deleted_reason");
		n += 2;
	}
	tg_strbuf_adds(sb, ") VALUES (?");
	for (int i = 1; i < n; i++)
		tg_strbuf_adds(sb, ", ?");
	tg_strbuf_addc(sb, ')');
}

/* "UPDATE t SET cols... = ? WHERE uid = ?": the same columns in the same
 * order as insert_sql, the id last. */
static void update_sql(tg_strbuf *sb, const tg_entity *e)
{
	tg_strbuf_adds(sb, "UPDATE ");
	tg_sql_ident(sb, e->table);
	tg_strbuf_adds(sb, " SET ");
	for (int i = 0; i < e->nfields; i++) {
		const tg_field *f = &e->fields[i];
		if (f->type == TG_FT_LIST)
			continue;
		tg_sql_ident(sb, f->name);
		tg_strbuf_adds(sb, " = ?, ");
		if (f->type == TG_FT_DATE)
			tg_strbuf_addf(sb, "\"%s_approx\" = ?, ", f->name);
	}
	tg_strbuf_adds(sb, "deleted = ?, deleted_reason = ? WHERE uid = ?");
}

static int step_done(tg_store *st, sqlite3_stmt *s, tg_error *err)
{
	int rc = sqlite3_step(s) == SQLITE_DONE ? TG_OK : tg_store_dberr(st, err);
	sqlite3_reset(s);
	return rc;
}

static void delete_children_sql(tg_strbuf *sb, const tg_entity *c)
{
	tg_strbuf_adds(sb, "DELETE FROM ");
	tg_sql_ident(sb, c->table);
	tg_strbuf_adds(sb, " WHERE owner = ?");
}

/* Replaces the child rows of uid; fresh records have none to delete. */
static int write_children(tg_store *st, const tg_field *lf, const char *uid, const json_t *arr,
                          bool fresh, tg_error *err)
{
	const tg_entity *c = lf->child;
	sqlite3_stmt *s;
	int rc = TG_OK;
	if (!fresh) {
		s = tg_store_stmt(st, tg_store_sql(st, c, TG_SQL_DELETE_CHILDREN, delete_children_sql),
		                  err);
		if (!s)
			return TG_EDB;
		sqlite3_bind_text(s, 1, uid, -1, SQLITE_STATIC);
		rc = step_done(st, s, err);
	}
	const char *sql = tg_store_sql(st, c, TG_SQL_INSERT, insert_sql);
	size_t i;
	const json_t *el;
	json_array_foreach(arr, i, el) {
		if (rc || !(s = tg_store_stmt(st, sql, err))) {
			rc = rc ? rc : TG_EDB;
			break;
		}
		sqlite3_bind_text(s, 1, uid, -1, SQLITE_STATIC);
		sqlite3_bind_int64(s, 2, (sqlite3_int64)i);
		int col = 3;
		if (c->scalar) {
			sqlite3_bind_text(s, col, json_string_value(el), -1, SQLITE_STATIC);
		} else {
			for (int k = 0; k < c->nfields; k++)
				bind_field(s, &col, &c->fields[k], el);
		}
		rc = step_done(st, s, err);
	}
	return rc;
}

/* Writes the rows of a canonical document: inserts a fresh record,
 * updates an existing one. */
static int write_rows(tg_store *st, const tg_entity *e, const json_t *doc, bool fresh,
                      tg_error *err)
{
	const char *uid = json_string_value(json_object_get(doc, "id"));
	const char *sql = fresh ? tg_store_sql(st, e, TG_SQL_INSERT, insert_sql)
	                        : tg_store_sql(st, e, TG_SQL_UPDATE, update_sql);
	sqlite3_stmt *s = tg_store_stmt(st, sql, err);
	if (!s)
		return TG_EDB;
	int col = 1;
	if (fresh)
		sqlite3_bind_text(s, col++, uid, -1, SQLITE_STATIC);
	for (int i = 0; i < e->nfields; i++)
		if (e->fields[i].type != TG_FT_LIST)
			bind_field(s, &col, &e->fields[i], doc);
	const char *del = json_string_value(json_object_get(doc, "deleted"));
	if (del) {
		sqlite3_bind_text(s, col, del, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, col + 1, json_string_value(json_object_get(doc, "deleted_reason")),
		                  -1, SQLITE_STATIC);
	}
	if (!fresh)
		sqlite3_bind_text(s, col + 2, uid, -1, SQLITE_STATIC);
	int rc = step_done(st, s, err);
	for (int i = 0; !rc && i < e->nfields; i++) {
		const tg_field *f = &e->fields[i];
		if (f->type == TG_FT_LIST)
			rc = write_children(st, f, uid, json_object_get(doc, f->name), fresh, err);
	}
	return rc;
}

/* Writes doc and its change entry inside the caller's savepoint. */
static int commit_version(tg_store *st, const tg_entity *e, const json_t *doc, const char *op,
                          const char *reason, tg_error *err)
{
	bool fresh = !strcmp(op, "create");
	int rc = write_rows(st, e, doc, fresh, err);
	if (!rc)
		rc = tg_search_index(st, e, doc, fresh, err);
	if (rc)
		return rc;
	char *text = tg_model_canonical(doc);
	if (!text)
		return tg_error_set(err, TG_ENOMEM, NULL, "%s", tg_strerror(TG_ENOMEM));
	rc = tg_store_log(st, e->name, json_string_value(json_object_get(doc, "id")), op, text,
	                  reason, err);
	free(text);
	return rc;
}

int tg_record_create(tg_store *st, const char *entity, const json_t *doc,
                     char uid_out[TG_UUID_LEN], tg_error *err)
{
	const tg_entity *e = tg_model_entity(entity);
	if (!e)
		return tg_error_set(err, TG_EINVAL, "entity", _("no entity named %s"), entity);
	char uid[TG_UUID_LEN];
	const json_t *id = json_object_get(doc, "id");
	if (json_is_string(id)) {
		if (!tg_uuid_valid(json_string_value(id)))
			return tg_error_set(err, TG_EINVAL, "id", _("id: \"%s\" is not a UUID"),
			                    json_string_value(id));
		snprintf(uid, sizeof uid, "%s", json_string_value(id));
		const char *taken;
		int found = tg_store_find_entity(st, uid, &taken, err);
		if (!found)
			return tg_error_set(err, TG_EEXIST, "id", _("id: %s already exists"), uid);
		if (found != TG_ENOTFOUND)
			return found;
	} else {
		tg_uuid7(uid);
	}
	json_t *canon;
	int rc = tg_model_normalize(e, doc, uid, &st->lookup, &canon, err);
	if (rc)
		return rc;
	rc = tg_store_enter(st, err);
	if (!rc) {
		sqlite3_stmt *s = tg_store_stmt(st, "INSERT INTO record (uid, entity) VALUES (?, ?)",
		                                err);
		if (s) {
			sqlite3_bind_text(s, 1, uid, -1, SQLITE_STATIC);
			sqlite3_bind_text(s, 2, e->name, -1, SQLITE_STATIC);
			rc = step_done(st, s, err);
		} else {
			rc = TG_EDB;
		}
		if (!rc)
			rc = commit_version(st, e, canon, "create", NULL, err);
		rc = tg_store_leave(st, rc, err);
	}
	json_decref(canon);
	if (!rc && uid_out)
		memcpy(uid_out, uid, TG_UUID_LEN);
	return rc;
}

/* The live record uid, its entity in *e. */
static int load_live(tg_store *st, const char *uid, const tg_entity **e, json_t **doc,
                     tg_error *err)
{
	const char *name;
	int rc = tg_record_entity(st, uid, &name, err);
	if (rc)
		return rc;
	*e = tg_model_entity(name);
	rc = tg_store_read(st, *e, uid, doc, err);
	if (rc)
		return rc;
	if (json_object_get(*doc, "deleted")) {
		json_decref(*doc);
		*doc = NULL;
		return tg_error_set(err, TG_EDELETED, "id", _("%s is deleted"), uid);
	}
	return TG_OK;
}

int tg_record_update(tg_store *st, const char *uid, const json_t *patch, tg_error *err)
{
	if (!json_is_object(patch))
		return tg_error_set(err, TG_ETYPE, "", _("a change must be a JSON object"));
	const tg_entity *e;
	json_t *old;
	int rc = load_live(st, uid, &e, &old, err);
	if (rc)
		return rc;
	static const char *const fixed[] = {"entity", "id", "deleted", "deleted_reason"};
	for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++) {
		if (json_object_get(patch, fixed[i])) {
			json_decref(old);
			return tg_error_set(err, TG_EINVAL, fixed[i], _("%s cannot be changed"),
			                    fixed[i]);
		}
	}
	json_t *merged = tg_model_merge_patch(old, patch), *canon = NULL;
	rc = tg_model_normalize(e, merged, uid, &st->lookup, &canon, err);
	if (!rc && !json_equal(canon, old)) {
		rc = tg_store_enter(st, err);
		if (!rc)
			rc = tg_store_leave(st, commit_version(st, e, canon, "update", NULL, err), err);
	}
	json_decref(canon);
	json_decref(merged);
	json_decref(old);
	return rc;
}

int tg_record_delete(tg_store *st, const char *uid, const char *reason, tg_error *err)
{
	if (!reason || !*reason)
		return tg_error_set(err, TG_EINVAL, "reason", _("a reason for the deletion is required"));
	const tg_entity *e;
	json_t *doc;
	int rc = load_live(st, uid, &e, &doc, err);
	if (rc)
		return rc;
	char now[TG_TIME_LEN];
	tg_now_utc(now);
	json_object_set_new(doc, "deleted", json_string(now));
	json_object_set_new(doc, "deleted_reason", json_string(reason));
	rc = tg_store_enter(st, err);
	if (!rc)
		rc = tg_store_leave(st, commit_version(st, e, doc, "delete", reason, err), err);
	json_decref(doc);
	return rc;
}
