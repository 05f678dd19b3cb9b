/*
 * Vocabularies: the shipped terms of data/vocab.json, copied into the
 * database when they change, and terms users add.  Validation asks about
 * terms for every field of every write, so all terms live in memory too,
 * behind a small hash index.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store-int.h"
#include "util/data.h"

struct term_slot {
	char *vocab, *code, *parent, *kk, *ru, *en;
	bool builtin;
};

static uint32_t hash2(const char *a, const char *b)
{
	uint32_t h = 2166136261u;
	for (const char *p = a; *p; p++)
		h = (h ^ (uint8_t)*p) * 16777619u;
	h = (h ^ 0x1f) * 16777619u;
	for (const char *p = b; *p; p++)
		h = (h ^ (uint8_t)*p) * 16777619u;
	return h;
}

static char *dup_or_null(const char *s)
{
	if (!s || !*s)
		return NULL;
	char *d = strdup(s);
	if (!d)
		abort();
	return d;
}

static struct term_slot *find(tg_store *st, const char *vocab, const char *code)
{
	if (!st->term_index_cap)
		return NULL;
	size_t mask = st->term_index_cap - 1;
	for (size_t i = hash2(vocab, code) & mask; st->term_index[i]; i = (i + 1) & mask) {
		struct term_slot *t = &st->terms[st->term_index[i] - 1];
		if (!strcmp(t->code, code) && !strcmp(t->vocab, vocab))
			return t;
	}
	return NULL;
}

static void index_put(tg_store *st, size_t i)
{
	size_t mask = st->term_index_cap - 1;
	size_t h = hash2(st->terms[i].vocab, st->terms[i].code) & mask;
	while (st->term_index[h])
		h = (h + 1) & mask;
	st->term_index[h] = (uint32_t)(i + 1);
}

static void remember(tg_store *st, const tg_term *t)
{
	if (find(st, t->vocab, t->code))
		return;
	if (st->nterms == st->capterms) {
		st->capterms = st->capterms ? st->capterms * 2 : 256;
		st->terms = realloc(st->terms, st->capterms * sizeof *st->terms);
		if (!st->terms)
			abort();
	}
	st->terms[st->nterms++] = (struct term_slot){
		dup_or_null(t->vocab), dup_or_null(t->code), dup_or_null(t->parent),
		dup_or_null(t->kk),    dup_or_null(t->ru),   dup_or_null(t->en), t->builtin};
	if (st->nterms * 2 > st->term_index_cap) {
		free(st->term_index);
		st->term_index_cap = st->term_index_cap ? st->term_index_cap * 2 : 1024;
		st->term_index = calloc(st->term_index_cap, sizeof *st->term_index);
		if (!st->term_index)
			abort();
		for (size_t i = 0; i < st->nterms; i++)
			index_put(st, i);
	} else {
		index_put(st, st->nterms - 1);
	}
}

void tg_vocab_free(tg_store *st)
{
	for (size_t i = 0; i < st->nterms; i++) {
		struct term_slot *t = &st->terms[i];
		free(t->vocab), free(t->code), free(t->parent);
		free(t->kk), free(t->ru), free(t->en);
	}
	free(st->terms);
	free(st->term_index);
}

static const char *label(const json_t *o, const char *lang)
{
	return json_string_value(json_object_get(o, lang));
}

static int put_term(tg_store *st, const tg_term *t, tg_error *err)
{
	sqlite3_stmt *s = tg_store_stmt(st,
		"INSERT INTO term (vocab, code, parent, kk, ru, en, builtin) VALUES (?,?,?,?,?,?,?)"
		" ON CONFLICT (vocab, code) DO UPDATE SET parent = excluded.parent,"
		" kk = excluded.kk, ru = excluded.ru, en = excluded.en, builtin = excluded.builtin",
		err);
	if (!s)
		return TG_EDB;
	const char *v[] = {t->vocab, t->code, t->parent, t->kk, t->ru, t->en};
	for (int i = 0; i < 6; i++)
		sqlite3_bind_text(s, i + 1, v[i], -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 7, t->builtin);
	int rc = sqlite3_step(s) == SQLITE_DONE ? TG_OK : tg_store_dberr(st, err);
	sqlite3_reset(s);
	return rc;
}

/* Copies data/vocab.json into the database; run when its hash changed. */
static int install_builtin(tg_store *st, const json_t *root, const char *hash, tg_error *err)
{
	const json_t *vocabs = json_object_get(root, "vocabularies");
	const char *name;
	const json_t *v;
	int rc = tg_store_exec(st, "BEGIN IMMEDIATE", err);
	json_object_foreach((json_t *)vocabs, name, v) {
		if (rc)
			break;
		const json_t *l = json_object_get(v, "label");
		sqlite3_stmt *s = tg_store_stmt(st,
			"INSERT OR REPLACE INTO vocabulary (name, kk, ru, en) VALUES (?,?,?,?)", err);
		if (!s) {
			rc = TG_EDB;
			break;
		}
		sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 2, label(l, "kk"), -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 3, label(l, "ru"), -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 4, label(l, "en"), -1, SQLITE_STATIC);
		rc = sqlite3_step(s) == SQLITE_DONE ? TG_OK : tg_store_dberr(st, err);
		sqlite3_reset(s);
		size_t i;
		const json_t *t;
		json_array_foreach(json_object_get(v, "terms"), i, t) {
			if (rc)
				break;
			tg_term term = {name, label(t, "code"), label(t, "parent"), label(t, "kk"),
			                label(t, "ru"), label(t, "en"), true};
			rc = put_term(st, &term, err);
		}
	}
	sqlite3_stmt *s = rc ? NULL : tg_store_stmt(st,
		"INSERT OR REPLACE INTO meta (key, value) VALUES ('vocab_hash', ?)", err);
	if (s) {
		sqlite3_bind_text(s, 1, hash, -1, SQLITE_STATIC);
		rc = sqlite3_step(s) == SQLITE_DONE ? TG_OK : tg_store_dberr(st, err);
		sqlite3_reset(s);
	} else if (!rc) {
		rc = TG_EDB;
	}
	if (!rc)
		rc = tg_store_exec(st, "COMMIT", err);
	if (rc)
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
	return rc;
}

int tg_vocab_load(tg_store *st, tg_error *err)
{
	char hash[32];
	snprintf(hash, sizeof hash, "%08x%zx", hash2(tg_data_vocab_json, ""),
	         strlen(tg_data_vocab_json));
	sqlite3_stmt *s = tg_store_stmt(st, "SELECT value FROM meta WHERE key = 'vocab_hash'", err);
	if (!s)
		return TG_EDB;
	int step = sqlite3_step(s);
	bool current = step == SQLITE_ROW && sqlite3_column_text(s, 0) &&
	               !strcmp((const char *)sqlite3_column_text(s, 0), hash);
	int rc = step == SQLITE_ROW || step == SQLITE_DONE ? TG_OK : tg_store_dberr(st, err);
	sqlite3_reset(s);
	if (rc)
		return rc;
	if (!current) {
		json_error_t jerr;
		json_t *root = json_loads(tg_data_vocab_json, 0, &jerr);
		if (!root)
			return tg_error_set(err, TG_EJSON, NULL, "vocab.json:%d: %s", jerr.line,
			                    jerr.text);
		rc = install_builtin(st, root, hash, err);
		json_decref(root);
		if (rc)
			return rc;
	}
	s = tg_store_stmt(st, "SELECT vocab, code, parent, kk, ru, en, builtin FROM term"
	                      " ORDER BY builtin DESC, vocab, rowid", err);
	if (!s)
		return TG_EDB;
	/* A read that fails midway is an error, not a shorter vocabulary:
	 * every term left out would read as "unknown term" later. */
	while ((step = sqlite3_step(s)) == SQLITE_ROW) {
		tg_term t = {0};
		const char **f[] = {&t.vocab, &t.code, &t.parent, &t.kk, &t.ru, &t.en};
		for (int i = 0; i < 6; i++)
			*f[i] = (const char *)sqlite3_column_text(s, i);
		t.builtin = sqlite3_column_int(s, 6);
		remember(st, &t);
	}
	rc = step == SQLITE_DONE ? TG_OK : tg_store_dberr(st, err);
	sqlite3_reset(s);
	return rc;
}

bool tg_term_exists(tg_store *st, const char *vocab, const char *code)
{
	return find(st, vocab, code) != NULL;
}

const char *tg_term_label(tg_store *st, const char *vocab, const char *code, const char *lang)
{
	struct term_slot *t = find(st, vocab, code);
	if (!t)
		return code;
	const char *l = !strcmp(lang, "kk") ? t->kk : !strcmp(lang, "ru") ? t->ru : t->en;
	return l ? l : t->en ? t->en : t->code;
}

static bool valid_code(const char *s)
{
	if (!*s || strlen(s) > 64)
		return false;
	for (const char *p = s; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_'))
			return false;
	return true;
}

int tg_term_add(tg_store *st, const char *vocab, const char *code, const char *parent,
                const char *kk, const char *ru, const char *en, tg_error *err)
{
	bool known = false;
	for (size_t i = 0; i < st->nterms && !known; i++)
		known = !strcmp(st->terms[i].vocab, vocab);
	if (!known)
		return tg_error_set(err, TG_EVOCAB, "vocab", _("no vocabulary named %s"), vocab);
	if (!valid_code(code))
		return tg_error_set(err, TG_EINVAL, "code",
		                    _("code: use 1 to 64 lowercase letters, digits or _"));
	if (find(st, vocab, code))
		return tg_error_set(err, TG_EEXIST, "code", _("%s already has the term %s"), vocab,
		                    code);
	if (parent && *parent && !find(st, vocab, parent))
		return tg_error_set(err, TG_EVOCAB, "parent", _("parent: %s has no term %s"), vocab,
		                    parent);
	if (!en || !*en)
		return tg_error_set(err, TG_EINVAL, "en", _("en: an English label is required"));
	tg_term t = {vocab, code, parent, kk, ru, en, false};
	json_t *doc = json_pack("{s:s, s:s, s:s?, s:s?, s:s?, s:s}", "vocab", vocab, "code", code,
	                        "parent", parent && *parent ? parent : NULL, "kk", kk, "ru", ru,
	                        "en", en);
	char *text = tg_model_canonical(doc);
	char key[160];
	snprintf(key, sizeof key, "%s/%s", vocab, code);
	int rc = tg_store_enter(st, err);
	if (!rc) {
		rc = put_term(st, &t, err);
		if (!rc)
			rc = tg_store_log(st, "term", key, "term", text, NULL, err);
		rc = tg_store_leave(st, rc, err);
	}
	free(text);
	json_decref(doc);
	if (!rc) {
		remember(st, &t);
		tg_search_forget_terms(st);
	}
	return rc;
}

int tg_term_list(tg_store *st, const char *vocab, tg_term_cb cb, void *ctx, tg_error *err)
{
	for (size_t i = 0; i < st->nterms; i++) {
		const struct term_slot *s = &st->terms[i];
		if (vocab && strcmp(s->vocab, vocab))
			continue;
		tg_term t = {s->vocab, s->code, s->parent, s->kk, s->ru, s->en, s->builtin};
		int rc = cb(ctx, &t);
		if (rc)
			return rc;
	}
	return TG_OK;
}
