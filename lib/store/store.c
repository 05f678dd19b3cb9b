/*
 * Opening the database, the statement cache, transactions, and the lookups
 * the model's validation asks of storage.
 */
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "store/cryptvfs.h"
#include "store/store-int.h"
#include "text/text.h"

int tg_store_dberr(tg_store *st, tg_error *err)
{
	if (st->vfs_path && tg_cryptvfs_error(st->vfs_path, sqlite3_extended_errcode(st->db), err))
		return err ? err->code : TG_EINTEGRITY;
	return tg_error_set(err, TG_EDB, NULL, _("database: %s"), sqlite3_errmsg(st->db));
}

int tg_store_exec(tg_store *st, const char *sql, tg_error *err)
{
	if (sqlite3_exec(st->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return tg_store_dberr(st, err);
	return TG_OK;
}

static uint32_t sql_hash(const char *s)
{
	uint32_t h = 2166136261u;
	for (; *s; s++)
		h = (h ^ (uint8_t)*s) * 16777619u;
	return h;
}

sqlite3_stmt *tg_store_stmt(tg_store *st, const char *sql, tg_error *err)
{
	/* Callers pass literals or SQL cached in the store: the same pointer
	 * again, verified by content, spares hashing long SQL on every write. */
	for (size_t i = 0; i < st->nstmts; i++) {
		if (st->stmts[i].caller == sql && !strcmp(st->stmts[i].sql, sql)) {
			sqlite3_reset(st->stmts[i].st);
			sqlite3_clear_bindings(st->stmts[i].st);
			return st->stmts[i].st;
		}
	}
	uint32_t h = sql_hash(sql);
	for (size_t i = 0; i < st->nstmts; i++) {
		if (st->stmts[i].hash == h && !strcmp(st->stmts[i].sql, sql)) {
			st->stmts[i].caller = sql;
			sqlite3_reset(st->stmts[i].st);
			sqlite3_clear_bindings(st->stmts[i].st);
			return st->stmts[i].st;
		}
	}
	sqlite3_stmt *s;
	if (sqlite3_prepare_v3(st->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &s, NULL) != SQLITE_OK) {
		tg_store_dberr(st, err);
		return NULL;
	}
	if (st->nstmts == st->capstmts) {
		st->capstmts = st->capstmts ? st->capstmts * 2 : 32;
		st->stmts = realloc(st->stmts, st->capstmts * sizeof *st->stmts);
		if (!st->stmts)
			abort();
	}
	char *copy = strdup(sql);
	if (!copy)
		abort();
	st->stmts[st->nstmts++] = (struct stmt_slot){copy, sql, h, s};
	return s;
}

/* The one text column sql (one parameter: key) selects, copied to buf:
 * 0 and *out = buf; TG_ENOTFOUND (err untouched) when there is no row or
 * the value is NULL; a storage error, err filled, when the read failed. */
static int one_text(tg_store *st, const char *sql, const char *key, char *buf, size_t n,
                    const char **out, tg_error *err)
{
	*out = NULL;
	/* The storage error's code and words come from the statement that
	 * failed, whether or not the caller keeps them. */
	tg_error local;
	if (!err)
		err = &local;
	sqlite3_stmt *s = tg_store_stmt(st, sql, err);
	if (!s)
		return err->code;
	sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
	int step = sqlite3_step(s), rc = TG_ENOTFOUND;
	if (step == SQLITE_ROW && sqlite3_column_text(s, 0)) {
		snprintf(buf, n, "%s", (const char *)sqlite3_column_text(s, 0));
		*out = buf;
		rc = TG_OK;
	} else if (step != SQLITE_ROW && step != SQLITE_DONE) {
		rc = tg_store_dberr(st, err);
	}
	sqlite3_reset(s);
	return rc;
}

int tg_store_find_entity(tg_store *st, const char *uid, const char **entity, tg_error *err)
{
	return one_text(st, "SELECT entity FROM record WHERE uid = ?", uid, st->entity_buf,
	                sizeof st->entity_buf, entity, err);
}

static int lk_ref_entity(void *ctx, const char *uid, const char **entity, tg_error *err)
{
	return tg_store_find_entity(ctx, uid, entity, err);
}

static bool lk_term_exists(void *ctx, const char *vocab, const char *code)
{
	return tg_term_exists(ctx, vocab, code);
}

static int lk_place_by_code(void *ctx, const char *code, const char **uid, tg_error *err)
{
	tg_store *st = ctx;
	return one_text(st, "SELECT uid FROM place WHERE code = ?", code, st->ref_buf,
	                sizeof st->ref_buf, uid, err);
}

static int lk_parent_of(void *ctx, const char *entity, const char *uid, const char **parent,
                        tg_error *err)
{
	tg_store *st = ctx;
	const char *sql = !strcmp(entity, "place") ? "SELECT parent FROM place WHERE uid = ?"
	                                           : "SELECT parent FROM event WHERE uid = ?";
	int rc = one_text(st, sql, uid, st->parent_buf, sizeof st->parent_buf, parent, err);
	return rc == TG_ENOTFOUND ? TG_OK : rc;
}

int tg_record_entity(tg_store *st, const char *uid, const char **entity, tg_error *err)
{
	int rc = tg_store_find_entity(st, uid, entity, err);
	if (rc == TG_ENOTFOUND)
		tg_error_set(err, TG_ENOTFOUND, "id", _("no record %s"), uid);
	return rc;
}

/* tg_fold(text): the same folding the library uses, for searches in SQL. */
static void sql_fold(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const unsigned char *s = sqlite3_value_text(argv[0]);
	if (!s) {
		sqlite3_result_null(ctx);
		return;
	}
	char *f = tg_text_fold((const char *)s);
	if (f)
		sqlite3_result_text(ctx, f, -1, free);
	else
		sqlite3_result_null(ctx);
}

static int configure(tg_store *st, bool memory, tg_error *err)
{
	sqlite3_busy_timeout(st->db, 5000);
	sqlite3_db_config(st->db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL);
	sqlite3_db_config(st->db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
	sqlite3_create_function(st->db, "tg_fold", 1,
	                        SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, NULL,
	                        sql_fold, NULL, NULL);
	int rc = tg_store_exec(st, "PRAGMA foreign_keys = ON; PRAGMA temp_store = MEMORY;"
	                           "PRAGMA synchronous = FULL; PRAGMA cache_size = -32768;", err);
	if (!rc && !memory)
		rc = tg_store_exec(st, "PRAGMA journal_mode = WAL;", err);
	if (!rc)
		rc = tg_search_register(st, err);
	return rc;
}

int tg_store_open(const char *path, int flags, tg_store **out, tg_error *err)
{
	return tg_store_open_keys(path, flags, NULL, out, err);
}

/* With keys, the database goes through the encrypting VFS under the
 * database subkey, and the ledger's secrets are sealed under theirs. */
static int use_keys(tg_store *st, const char *path, const tg_keys *keys, tg_error *err)
{
	uint8_t *k = sodium_malloc(TG_KEYS_KEY_LEN);
	if (!k)
		return tg_error_set(err, TG_ENOMEM, NULL, "%s", tg_strerror(TG_ENOMEM));
	tg_keys_derive(keys, TG_KEY_DB, k);
	int rc = tg_cryptvfs_set_key(path, k, err);
	tg_keys_derive(keys, TG_KEY_LEDGER, k);
	st->ledger_wrap = k;
	if ((st->vault_key = sodium_malloc(TG_KEYS_KEY_LEN)))
		tg_keys_derive(keys, TG_KEY_VAULT, st->vault_key);
	if (!rc && !(st->vfs_path = strdup(path)))
		rc = tg_error_set(err, TG_ENOMEM, NULL, "%s", tg_strerror(TG_ENOMEM));
	return rc;
}

int tg_store_open_keys(const char *path, int flags, const tg_keys *keys, tg_store **out,
                       tg_error *err)
{
	*out = NULL;
	bool memory = !strcmp(path, ":memory:");
	if (keys && memory)
		return tg_error_set(err, TG_EINVAL, NULL, _("a database in memory is not encrypted"));
	if ((flags & TG_OPEN_EXCLUSIVE) && !memory && access(path, F_OK) == 0)
		return tg_error_set(err, TG_EEXIST, NULL, _("%s already exists"), path);
	tg_store *st = calloc(1, sizeof *st);
	if (!st)
		return tg_error_set(err, TG_ENOMEM, NULL, "%s", tg_strerror(TG_ENOMEM));
	st->actor = strdup("cli");
	tg_search_discard(st);
	st->lookup = (tg_lookup){st, lk_term_exists, lk_ref_entity, lk_place_by_code,
	                         lk_parent_of};
	int oflags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
	if (flags & TG_OPEN_CREATE)
		oflags |= SQLITE_OPEN_CREATE;
	int rc = keys ? use_keys(st, path, keys, err) : TG_OK;
	if (rc) {
		/* reported below */
	} else if (sqlite3_open_v2(path, &st->db, oflags, keys ? TG_CRYPTVFS_NAME : NULL) !=
	           SQLITE_OK) {
		rc = keys ? tg_cryptvfs_error(path, sqlite3_extended_errcode(st->db), err) : TG_OK;
		if (!rc)
			rc = tg_error_set(err, TG_EIO, NULL, _("cannot open database %s: %s"), path,
			                  st->db ? sqlite3_errmsg(st->db) : tg_strerror(TG_ENOMEM));
	} else {
		rc = configure(st, memory, err);
		if (!rc)
			rc = tg_store_migrate(st, err);
		if (!rc)
			rc = tg_vocab_load(st, err);
		if (!rc)
			rc = tg_search_rebuild_if_marked(st, err);
		if (!rc)
			rc = tg_ledger_open(st, err);
		if (rc && keys && err && err->code == TG_EDB &&
		    tg_cryptvfs_error(path, sqlite3_extended_errcode(st->db), err))
			rc = err->code;
	}
	if (rc) {
		if (err && !*err->file)
			snprintf(err->file, sizeof err->file, "%s", path);
		tg_store_close(st);
		return rc;
	}
	*out = st;
	return TG_OK;
}

void tg_store_close(tg_store *st)
{
	if (!st)
		return;
	if (st->depth)
		tg_store_rollback(st);
	for (size_t i = 0; i < st->nstmts; i++) {
		sqlite3_finalize(st->stmts[i].st);
		free((char *)st->stmts[i].sql);
	}
	free(st->stmts);
	tg_search_forget_terms(st);
	tg_ledger_free(st);
	for (size_t i = 0; i < sizeof st->sql_cache / sizeof st->sql_cache[0]; i++)
		free(st->sql_cache[i]);
	tg_vocab_free(st);
	sqlite3_close(st->db);
	tg_cryptvfs_forget_key(st->vfs_path);
	free(st->vfs_path);
	sodium_free(st->ledger_wrap);
	sodium_free(st->vault_key);
	free(st->actor);
	free(st);
}

void tg_store_set_actor(tg_store *st, const char *actor)
{
	char *copy = strdup(actor);
	if (!copy)
		abort();
	free(st->actor);
	st->actor = copy;
}

int tg_store_schema_version(tg_store *st)
{
	sqlite3_stmt *s = tg_store_stmt(st, "PRAGMA user_version", NULL);
	int v = s && sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int(s, 0) : -1;
	if (s)
		sqlite3_reset(s);
	return v;
}

int tg_store_begin(tg_store *st, tg_error *err)
{
	if (st->depth == 0) {
		int rc = tg_store_exec(st, "BEGIN IMMEDIATE", err);
		if (rc)
			return rc;
		st->ledger_synced = false;
	}
	st->depth++;
	return TG_OK;
}

int tg_store_commit(tg_store *st, tg_error *err)
{
	if (st->depth == 0)
		return TG_OK;
	if (--st->depth > 0)
		return TG_OK;
	if (!st->failed && tg_search_flush(st, err)) {
		st->failed = true;
		snprintf(st->fail_msg, sizeof st->fail_msg, "%s", err ? err->msg : "");
	}
	if (st->failed) {
		st->failed = false;
		st->ledger_stale = true;
		tg_search_discard(st);
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
		if (*st->fail_msg)
			return tg_error_set(err, TG_EDB, NULL,
			                    _("a write in this batch failed (%s); nothing was saved"),
			                    st->fail_msg);
		return tg_error_set(err, TG_EDB, NULL,
		                    _("a write in this batch failed; nothing was saved"));
	}
	int rc = tg_store_exec(st, "COMMIT", err);
	if (rc) {
		st->ledger_stale = true;
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
	}
	return rc;
}

void tg_store_rollback(tg_store *st)
{
	if (st->depth == 0)
		return;
	st->depth = 0;
	st->failed = false;
	st->ledger_stale = true;
	tg_search_discard(st);
	sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
}

/* Runs one cached statement that returns no rows. */
static int run(tg_store *st, const char *sql, tg_error *err)
{
	sqlite3_stmt *s = tg_store_stmt(st, sql, err);
	if (!s)
		return TG_EDB;
	int rc = sqlite3_step(s) == SQLITE_DONE ? TG_OK : tg_store_dberr(st, err);
	sqlite3_reset(s);
	return rc;
}

int tg_store_snapshot_begin(tg_store *st, tg_error *err)
{
	if (st->depth || st->snapshot)
		return TG_OK;
	int rc = run(st, "BEGIN", err);
	st->snapshot = rc == TG_OK;
	return rc;
}

void tg_store_snapshot_end(tg_store *st)
{
	if (st && st->snapshot && !st->depth)
		run(st, "COMMIT", NULL);
	if (st)
		st->snapshot = false;
}

/* Validation runs before the first row is written, so a write fails
 * half-way only on a storage error.  Outside a batch the write is its own
 * transaction, and it takes the write lock first (BEGIN IMMEDIATE): with
 * several connections (the web server's pool, a CLI command) a writer
 * then waits its turn (the busy timeout) instead of failing when another
 * wrote since it began reading.  Inside a batch, the batch is marked
 * failed and its commit rolls back, which spares every write the cost of a
 * savepoint journal. */
int tg_store_enter(tg_store *st, tg_error *err)
{
	if (st->depth)
		return TG_OK;
	return run(st, st->snapshot ? "SAVEPOINT tg_write" : "BEGIN IMMEDIATE", err);
}

int tg_store_leave(tg_store *st, int rc, tg_error *err)
{
	if (st->depth) {
		if (rc && !st->failed)
			snprintf(st->fail_msg, sizeof st->fail_msg, "%s", err ? err->msg : "");
		if (rc)
			st->failed = true;
		return rc;
	}
	if (rc) {
		st->ledger_stale = true;
		if (st->snapshot) {
			run(st, "ROLLBACK TO tg_write", NULL);
			run(st, "RELEASE tg_write", NULL);
		} else {
			run(st, "ROLLBACK", NULL);
		}
		return rc;
	}
	if (st->snapshot)
		return run(st, "RELEASE tg_write", err);
	rc = run(st, "COMMIT", err);
	if (rc)
		run(st, "ROLLBACK", NULL);
	return rc;
}

/* Position of e among the entities and their child tables. */
static int table_slot(const tg_entity *e)
{
	int n, pos = 0;
	const tg_entity *const *all = tg_model_entities(&n);
	for (int i = 0; i < n; i++) {
		if (all[i] == e)
			return pos;
		pos++;
		for (int k = 0; k < all[i]->nfields; k++) {
			if (all[i]->fields[k].child == e)
				return pos;
			pos += all[i]->fields[k].type == TG_FT_LIST;
		}
	}
	abort();
}

const char *tg_store_sql(tg_store *st, const tg_entity *e, enum tg_sql_kind kind,
                         void (*build)(tg_strbuf *sb, const tg_entity *e))
{
	size_t slot = (size_t)table_slot(e) * TG_SQL_KINDS + kind;
	if (slot >= sizeof st->sql_cache / sizeof st->sql_cache[0])
		abort();
	if (!st->sql_cache[slot]) {
		tg_strbuf sb = TG_STRBUF_INIT;
		build(&sb, e);
		st->sql_cache[slot] = tg_strbuf_detach(&sb);
	}
	return st->sql_cache[slot];
}

void tg_sql_ident(tg_strbuf *sb, const char *name)
{
	tg_strbuf_addc(sb, '"');
	tg_strbuf_adds(sb, name);
	tg_strbuf_addc(sb, '"');
}
