/*
 * Full-text search.  Each live record has one row in search_doc with four
 * indexed columns: names (folded verbatim names and their
 * transliterations), keys (name keys, so every spelling of a name meets
 * every other), body (stemmed narrative text) and terms (its vocabulary
 * codes: a query word matches them through the terms' kk/ru/en labels, so
 * labels are not repeated in every record), and meta (entity and clearance
 * as tokens, for filters inside the match), plus the columns filters need.  search_fts (FTS5,
 * external content) indexes them; the write path keeps both current in its
 * transaction.  A name that is slightly misspelt still finds records: keys
 * one edit away from the query's keys are looked up in search_key and
 * searched in a second pass, ranked below exact matches.
 */
#include <stdlib.h>
#include <string.h>
#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include "store/store-int.h"
#include "text/text.h"

#define MAX_TOKENS 32
#define NEAR_MAX 64

void tg_search_token(tg_strbuf *sb, char prefix, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	tg_strbuf_addc(sb, prefix);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		bool plain = (*p >= 'a' && *p <= 'w') || (*p >= 'y' && *p <= 'z') ||
		             (*p >= 'A' && *p <= 'W') || (*p >= 'Y' && *p <= 'Z') ||
		             (*p >= '0' && *p <= '9');
		if (plain) {
			tg_strbuf_addc(sb, (char)(*p | 0x20));
		} else {
			tg_strbuf_addc(sb, 'x');
			tg_strbuf_addc(sb, hex[*p >> 4]);
			tg_strbuf_addc(sb, hex[*p & 15]);
		}
	}
}

int tg_clearance_level(const char *code)
{
	static const char *const levels[] = {"public", "restricted", "confidential"};
	for (int i = 0; i < 3; i++)
		if (code && !strcmp(code, levels[i]))
			return i;
	return -1;
}

/* What is indexed of one record. */
struct entry {
	tg_strbuf names, keys, body, terms;
	tg_store *st;
	tg_error *err;
	int rc;
};

static void add_folded(tg_strbuf *sb, const char *text)
{
	char *f = tg_text_fold(text);
	if (f) {
		tg_strbuf_adds(sb, f);
		tg_strbuf_addc(sb, ' ');
		free(f);
	}
}

static int remember_key(tg_store *st, const char *key, tg_error *err)
{
	sqlite3_stmt *s = tg_store_stmt(st, "INSERT OR IGNORE INTO search_key (key) VALUES (?)", err);
	if (!s)
		return TG_EDB;
	sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
	int rc = sqlite3_step(s) == SQLITE_DONE ? TG_OK : tg_store_dberr(st, err);
	sqlite3_reset(s);
	if (!rc && sqlite3_changes(st->db))
		tg_store_note_key_chars(st, key);
	return rc;
}

static void add_name(struct entry *x, const char *text)
{
	add_folded(&x->names, text);
	char *alt[2] = {NULL, NULL};
	if (!strcmp(tg_text_script(text), "Cyrl")) {
		alt[0] = tg_translit(text, TG_TR_PRESS);
		alt[1] = tg_translit(text, TG_TR_ICAO);
	} else {
		alt[0] = tg_translit_to_cyrillic(text, "kk");
	}
	for (int i = 0; i < 2; i++)
		if (alt[i] && strcmp(alt[i], text) && (!i || !alt[0] || strcmp(alt[i], alt[0])))
			add_folded(&x->names, alt[i]);
	free(alt[0]);
	free(alt[1]);
	tg_name_token tok[MAX_TOKENS];
	int n = tg_name_tokens(text, NULL, tok, MAX_TOKENS);
	for (int i = 0; i < n && !x->rc; i++) {
		char word[256], keys[TG_NAMEKEY_ALTS][TG_NAMEKEY_LEN];
		snprintf(word, sizeof word, "%.*s", (int)tok[i].len, tok[i].start);
		int nk = tg_name_keys(word, keys, TG_NAMEKEY_ALTS);
		for (int k = 0; k < nk && !x->rc; k++) {
			tg_search_token(&x->keys, 'k', keys[k]);
			tg_strbuf_addc(&x->keys, ' ');
			x->rc = remember_key(x->st, keys[k], x->err);
		}
	}
}

/* Folds and stems every word of text into the body. */
static void add_body(struct entry *x, const char *text)
{
	int32_t i = 0, n = (int32_t)strlen(text);
	tg_strbuf word = TG_STRBUF_INIT;
	while (i <= n) {
		int32_t at = i;
		UChar32 c = 0;
		if (i < n)
			U8_NEXT(text, i, n, c);
		else
			i++;
		if (c > 0 && u_isalnum(c)) {
			tg_strbuf_add(&word, text + at, (size_t)(i - at));
			continue;
		}
		if (!word.len)
			continue;
		char *f = tg_text_fold(tg_strbuf_str(&word));
		char *st = f ? tg_text_stem(f, NULL) : NULL;
		if (st) {
			tg_strbuf_adds(&x->body, st);
			tg_strbuf_addc(&x->body, ' ');
		}
		free(st);
		free(f);
		tg_strbuf_reset(&word);
	}
	tg_strbuf_release(&word);
}

static void add_term(struct entry *x, const char *code)
{
	tg_search_token(&x->terms, 't', code);
	tg_strbuf_addc(&x->terms, ' ');
}

static bool is_name(const tg_entity *e, const tg_field *f)
{
	return (!strcmp(e->name, "name") && !strcmp(f->name, "text")) ||
	       (!strcmp(e->name, "place") && !strncmp(f->name, "name", 4));
}

static void add_fields(struct entry *x, const tg_entity *e, const json_t *o)
{
	for (int i = 0; i < e->nfields && !x->rc; i++) {
		const tg_field *f = &e->fields[i];
		const json_t *v = json_object_get(o, f->name);
		if (!v)
			continue;
		if (f->type == TG_FT_LIST) {
			size_t k;
			const json_t *el;
			json_array_foreach(v, k, el) {
				if (!f->child->scalar) {
					add_fields(x, f->child, el);
				} else if (f->child->fields[0].type == TG_FT_TERM) {
					add_term(x, json_string_value(el));
				}
			}
		} else if (f->type == TG_FT_TERM && strcmp(f->name, "confidentiality")) {
			add_term(x, json_string_value(v));
		} else if (f->type == TG_FT_TEXT && is_name(e, f)) {
			add_name(x, json_string_value(v));
		} else if (f->type == TG_FT_TEXT && strcmp(f->name, "url")) {
			add_body(x, json_string_value(v));
		}
	}
}

/* The place and first date a record is filtered by. */
static const char *filter_place(const tg_entity *e, const json_t *doc)
{
	if (!strcmp(e->name, "place"))
		return json_string_value(json_object_get(doc, "id"));
	unsigned bit = tg_model_refbit("place");
	for (int i = 0; i < e->nfields; i++)
		if (e->fields[i].type == TG_FT_REF && e->fields[i].refs == bit &&
		    json_object_get(doc, e->fields[i].name))
			return json_string_value(json_object_get(doc, e->fields[i].name));
	return NULL;
}

static const char *filter_date(const tg_entity *e, const json_t *doc)
{
	for (int i = 0; i < e->nfields; i++) {
		const char *d = e->fields[i].type == TG_FT_DATE
		                        ? json_string_value(json_object_get(doc, e->fields[i].name))
		                        : NULL;
		if (d)
			return d + (*d == '~');
	}
	return NULL;
}

static int step(tg_store *st, sqlite3_stmt *s, tg_error *err)
{
	int rc = sqlite3_step(s) == SQLITE_DONE ? TG_OK : tg_store_dberr(st, err);
	sqlite3_reset(s);
	return rc;
}

/* Removes the FTS entry of the search_doc row id (external content: the
 * old text must be given back to FTS5). */
static int unindex(tg_store *st, sqlite3_int64 id, tg_error *err)
{
	sqlite3_stmt *s = tg_store_stmt(st,
		"INSERT INTO search_fts (search_fts, rowid, names, keys, body, terms, meta)"
		" SELECT 'delete', id, names, keys, body, terms, meta FROM search_doc WHERE id = ?", err);
	if (!s)
		return TG_EDB;
	sqlite3_bind_int64(s, 1, id);
	return step(st, s, err);
}

/* The search_doc row of uid, 0 if none, -1 on a read error. */
static sqlite3_int64 existing_row(tg_store *st, const char *uid)
{
	sqlite3_stmt *s = tg_store_stmt(st, "SELECT id FROM search_doc WHERE uid = ?", NULL);
	if (!s)
		return -1;
	sqlite3_bind_text(s, 1, uid, -1, SQLITE_STATIC);
	int step = sqlite3_step(s);
	sqlite3_int64 id = step == SQLITE_ROW ? sqlite3_column_int64(s, 0)
	                   : step == SQLITE_DONE ? 0
	                                         : -1;
	sqlite3_reset(s);
	return id;
}

/* Gives search_doc rows lo..hi to FTS5 in one statement. */
static int fts_insert(tg_store *st, sqlite3_int64 lo, sqlite3_int64 hi, tg_error *err)
{
	sqlite3_stmt *s = tg_store_stmt(st,
		"INSERT INTO search_fts (rowid, names, keys, body, terms, meta)"
		" SELECT id, names, keys, body, terms, meta FROM search_doc WHERE id BETWEEN ? AND ?", err);
	if (!s)
		return TG_EDB;
	sqlite3_bind_int64(s, 1, lo);
	sqlite3_bind_int64(s, 2, hi);
	return step(st, s, err);
}

int tg_search_flush(tg_store *st, tg_error *err)
{
	if (st->fts_hi < st->fts_lo)
		return TG_OK;
	int rc = fts_insert(st, st->fts_lo, st->fts_hi, err);
	tg_search_discard(st);
	return rc;
}

void tg_search_discard(tg_store *st)
{
	st->fts_lo = 1;
	st->fts_hi = 0;
}

static int write_entry(tg_store *st, const tg_entity *e, const json_t *doc, struct entry *x,
                       sqlite3_int64 old, tg_error *err)
{
	sqlite3_stmt *s = tg_store_stmt(st, old ?
		"UPDATE search_doc SET id = ?1, uid = ?2, entity = ?3, conf = ?4, place = ?5,"
		" date = ?6, names = ?7, keys = ?8, body = ?9, terms = ?10, meta = ?11 WHERE id = ?1" :
		"INSERT INTO search_doc (id, uid, entity, conf, place, date, names, keys, body, terms,"
		" meta) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", err);
	if (!s)
		return TG_EDB;
	if (old)
		sqlite3_bind_int64(s, 1, old);
	sqlite3_bind_text(s, 2, json_string_value(json_object_get(doc, "id")), -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, e->name, -1, SQLITE_STATIC);
	int conf = tg_clearance_level(json_string_value(json_object_get(doc, "confidentiality")));
	sqlite3_bind_int(s, 4, conf);
	sqlite3_bind_text(s, 5, filter_place(e, doc), -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 6, filter_date(e, doc), -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 7, tg_strbuf_str(&x->names), -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 8, tg_strbuf_str(&x->keys), -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 9, tg_strbuf_str(&x->body), -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 10, tg_strbuf_str(&x->terms), -1, SQLITE_STATIC);
	/* Entity and clearance as tokens, so filters narrow the match inside
	 * FTS5 before any ranking. */
	char meta[64];
	snprintf(meta, sizeof meta, "e%s c%d", e->name, conf);
	sqlite3_bind_text(s, 11, meta, -1, SQLITE_STATIC);
	int rc = step(st, s, err);
	sqlite3_int64 id = old ? old : sqlite3_last_insert_rowid(st->db);
	if (rc)
		return rc;
	if (st->depth && !old) {
		/* Inside a batch fresh rows queue up; see store-int.h. */
		if (st->fts_hi >= st->fts_lo && id != st->fts_hi + 1 && (rc = tg_search_flush(st, err)))
			return rc;
		if (st->fts_hi < st->fts_lo)
			st->fts_lo = id;
		st->fts_hi = id;
		return TG_OK;
	}
	return fts_insert(st, id, id, err);
}

int tg_search_index(tg_store *st, const tg_entity *e, const json_t *doc, bool fresh,
                    tg_error *err)
{
	const char *uid = json_string_value(json_object_get(doc, "id"));
	int rc = fresh ? TG_OK : tg_search_flush(st, err);
	sqlite3_int64 old = fresh || rc ? 0 : existing_row(st, uid);
	if (old < 0)
		return tg_store_dberr(st, err);
	if (!rc && old)
		rc = unindex(st, old, err);
	if (rc)
		return rc;
	if (json_object_get(doc, "deleted")) {
		sqlite3_stmt *s = old ? tg_store_stmt(st, "DELETE FROM search_doc WHERE id = ?", err)
		                      : NULL;
		if (!old)
			return TG_OK;
		if (!s)
			return TG_EDB;
		sqlite3_bind_int64(s, 1, old);
		return step(st, s, err);
	}
	struct entry x = {TG_STRBUF_INIT, TG_STRBUF_INIT, TG_STRBUF_INIT, TG_STRBUF_INIT,
	                  st, err, TG_OK};
	add_fields(&x, e, doc);
	rc = x.rc ? x.rc : write_entry(st, e, doc, &x, old, err);
	tg_strbuf_release(&x.names);
	tg_strbuf_release(&x.keys);
	tg_strbuf_release(&x.body);
	tg_strbuf_release(&x.terms);
	return rc;
}

static int rebuild(tg_store *st, tg_progress_fn progress, void *ctx, tg_error *err)
{
	int rc = tg_store_exec(st, "DELETE FROM search_doc; DELETE FROM search_key;"
	                           "INSERT INTO search_fts (search_fts) VALUES ('delete-all');", err);
	sqlite3_stmt *count;
	uint64_t total = 0, done = 0;
	if (!rc && sqlite3_prepare_v2(st->db, "SELECT count(*) FROM record", -1, &count, NULL) ==
	                   SQLITE_OK) {
		if (sqlite3_step(count) == SQLITE_ROW)
			total = (uint64_t)sqlite3_column_int64(count, 0);
		else
			rc = tg_store_dberr(st, err);
		sqlite3_finalize(count);
	}
	int n;
	const tg_entity *const *all = tg_model_entities(&n);
	for (int i = 0; i < n && !rc; i++) {
		tg_strbuf sql = TG_STRBUF_INIT;
		tg_strbuf_adds(&sql, "SELECT uid FROM ");
		tg_sql_ident(&sql, all[i]->table);
		tg_strbuf_adds(&sql, " WHERE deleted IS NULL ORDER BY uid");
		sqlite3_stmt *s;
		if (sqlite3_prepare_v2(st->db, tg_strbuf_str(&sql), -1, &s, NULL) != SQLITE_OK)
			rc = tg_store_dberr(st, err);
		tg_strbuf_release(&sql);
		int step = SQLITE_DONE;
		while (!rc && (step = sqlite3_step(s)) == SQLITE_ROW) {
			json_t *doc;
			rc = tg_store_read(st, all[i], (const char *)sqlite3_column_text(s, 0), &doc, err);
			if (!rc) {
				rc = tg_search_index(st, all[i], doc, true, err);
				json_decref(doc);
			}
			if (progress && ++done % 4096 == 0)
				progress(ctx, "index", done, total);
		}
		/* A read error must not leave a partial index marked whole. */
		if (!rc && step != SQLITE_DONE)
			rc = tg_store_dberr(st, err);
		if (!rc || s)
			sqlite3_finalize(s);
	}
	if (!rc)
		rc = tg_store_exec(st, "DELETE FROM meta WHERE key = 'rebuild_search';"
		                       "INSERT INTO search_fts (search_fts) VALUES ('optimize');", err);
	return rc;
}

int tg_search_rebuild(tg_store *st, tg_progress_fn progress, void *ctx, tg_error *err)
{
	int rc = tg_store_begin(st, err);
	if (rc)
		return rc;
	rc = rebuild(st, progress, ctx, err);
	if (rc) {
		tg_store_rollback(st);
		return rc;
	}
	return tg_store_commit(st, err);
}

int tg_search_rebuild_if_marked(tg_store *st, tg_error *err)
{
	sqlite3_stmt *s = tg_store_stmt(st, "SELECT 1 FROM meta WHERE key = 'rebuild_search'", err);
	if (!s)
		return TG_EDB;
	int step = sqlite3_step(s);
	int rc = step == SQLITE_ROW || step == SQLITE_DONE ? TG_OK : tg_store_dberr(st, err);
	sqlite3_reset(s);
	return !rc && step == SQLITE_ROW ? tg_search_rebuild(st, NULL, NULL, err) : rc;
}
