/*
 * Search queries.  Each word of the query must match a record in one of
 * four ways: its folded form in the names, one of its name
 * keys, its stem in the body, or a vocabulary term with a
 * label word of that stem in any of the three languages.  Ranking
 * (tg_rank) adds, for each query term, the weight of the best column it
 * matched: names 10, keys 4, terms 2, body 1.  (bm25 would weigh rare
 * words more, but its IDF reads the whole posting list of every term,
 * clearance and entity tokens included: hundreds of milliseconds on a
 * million records for a query that matches a hundred.)  When the exact pass leaves room, a
 * second pass replaces each word's keys by the keys one edit away that
 * exist in the index, so "Nusrultan" still finds Nursultan, ranked after
 * every exact hit.  Records above the caller's clearance are removed inside
 * FTS5 (NOT on the clearance tokens of the meta column) and again in SQL;
 * the entity filter applies in SQL.  A match too broad to rank (over
 * RANK_MAX records) lists the newest records first.
 */
#include <stdlib.h>
#include <string.h>

#include "store/store-int.h"
#include "text/text.h"

#define MAX_WORDS 16
#define DEFAULT_LIMIT 20

/* An FTS5 string literal: the text in double quotes, quotes doubled. */
static void add_literal(tg_strbuf *sb, const char *s)
{
	tg_strbuf_addc(sb, '"');
	for (; *s; s++) {
		if (*s == '"')
			tg_strbuf_addc(sb, '"');
		tg_strbuf_addc(sb, *s);
	}
	tg_strbuf_addc(sb, '"');
}

/* tg_rank(search_fts): see the head of this file. */
static void rank(const Fts5ExtensionApi *api, Fts5Context *fts, sqlite3_context *ctx, int argc,
                 sqlite3_value **argv)
{
	static const double weight[] = {10.0, 4.0, 1.0, 2.0, 0.0}; /* names keys body terms meta */
	double best[64] = {0};
	int n = 0, phrases = api->xPhraseCount(fts);
	if (api->xInstCount(fts, &n) != SQLITE_OK) {
		sqlite3_result_error(ctx, "tg_rank", -1);
		return;
	}
	for (int i = 0; i < n; i++) {
		int phrase, col, off;
		if (api->xInst(fts, i, &phrase, &col, &off) == SQLITE_OK && phrase < 64 && col < 5 &&
		    weight[col] > best[phrase])
			best[phrase] = weight[col];
	}
	double score = 0;
	for (int p = 0; p < phrases && p < 64; p++)
		score += best[p];
	sqlite3_result_double(ctx, score);
}

int tg_search_register(tg_store *st, tg_error *err)
{
	fts5_api *api = NULL;
	sqlite3_stmt *s;
	if (sqlite3_prepare_v2(st->db, "SELECT fts5(?1)", -1, &s, NULL) != SQLITE_OK)
		return tg_store_dberr(st, err);
	sqlite3_bind_pointer(s, 1, (void *)&api, "fts5_api_ptr", NULL);
	sqlite3_step(s);
	sqlite3_finalize(s);
	if (!api || api->xCreateFunction(api, "tg_rank", NULL, rank, NULL) != SQLITE_OK)
		return tg_error_set(err, TG_EDB, NULL, _("database: full-text search is unavailable"));
	return TG_OK;
}

static void add_token_literal(tg_strbuf *sb, char prefix, const char *s)
{
	tg_strbuf_addc(sb, '"');
	tg_search_token(sb, prefix, s);
	tg_strbuf_addc(sb, '"');
}

struct term_stem {
	char *stem;
	const char *code;
};

struct stems_ctx {
	tg_store *st;
	size_t cap;
};

static void add_term_stems(struct stems_ctx *c, const char *label, const char *code)
{
	tg_store *st = c->st;
	char *folded = label ? tg_text_fold(label) : NULL;
	/* strtok_r: the server's threads build their stores' stems at once,
	 * and strtok's one saved position would cross them. */
	static const char seps[] = " ,.;:()/-'\"";
	char *save = NULL;
	for (char *w = folded ? strtok_r(folded, seps, &save) : NULL; w;
	     w = strtok_r(NULL, seps, &save)) {
		if (st->nterm_stems == c->cap) {
			c->cap = c->cap ? c->cap * 2 : 512;
			st->term_stems = realloc(st->term_stems, c->cap * sizeof *st->term_stems);
			if (!st->term_stems)
				abort();
		}
		st->term_stems[st->nterm_stems++] = (struct term_stem){tg_text_stem(w, NULL), code};
	}
	free(folded);
}

static int collect_term(void *ctx, const tg_term *t)
{
	const char *labels[] = {t->kk, t->ru, t->en};
	for (int i = 0; i < 3; i++)
		add_term_stems(ctx, labels[i], t->code);
	return 0;
}

void tg_search_forget_terms(tg_store *st)
{
	for (size_t i = 0; i < st->nterm_stems; i++)
		free(st->term_stems[i].stem);
	free(st->term_stems);
	st->term_stems = NULL;
	st->nterm_stems = 0;
}

/* Adds to sb the codes of terms whose labels have a word starting with
 * stem; returns how many. */
static int matching_terms(tg_store *st, const char *stem, tg_strbuf *sb)
{
	if (!st->term_stems) {
		struct stems_ctx c = {st, 0};
		tg_term_list(st, NULL, collect_term, &c, NULL);
	}
	size_t len = strlen(stem);
	int n = 0;
	const char *last = NULL;
	for (size_t i = 0; i < st->nterm_stems && len >= 3; i++) {
		const struct term_stem *t = &st->term_stems[i];
		if (!t->stem || strncmp(t->stem, stem, len) || (last && !strcmp(last, t->code)))
			continue;
		tg_strbuf_adds(sb, n++ ? " OR " : "");
		add_token_literal(sb, 't', t->code);
		last = t->code;
	}
	return n;
}

struct word {
	char *folded, *stem;
	char keys[TG_NAMEKEY_ALTS][TG_NAMEKEY_LEN];
	int nkeys;
	char (*near)[TG_NAMEKEY_LEN];
	int nnear;
};

/* 1 if key is indexed, 0 if not, -1 on a read error (in err): a key
 * that could not be looked up is not one the index lacks. */
static int key_known(tg_store *st, const char *key, tg_error *err)
{
	sqlite3_stmt *s = tg_store_stmt(st, "SELECT 1 FROM search_key WHERE key = ?", err);
	if (!s)
		return -1;
	sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
	int step = sqlite3_step(s);
	if (step != SQLITE_ROW && step != SQLITE_DONE)
		tg_store_dberr(st, err);
	sqlite3_reset(s);
	return step == SQLITE_ROW ? 1 : step == SQLITE_DONE ? 0 : -1;
}

void tg_store_note_key_chars(tg_store *st, const char *key)
{
	size_t n = strlen(st->key_alphabet);
	if (!n)
		return;
	for (const char *p = key; *p && n < sizeof st->key_alphabet - 1; p++) {
		if (!strchr(st->key_alphabet, *p)) {
			st->key_alphabet[n++] = *p;
			st->key_alphabet[n] = '\0';
		}
	}
}

/* Characters that occur in any indexed key: the alphabet of near-key
 * edits, read once per store and extended as keys are added. NULL on a
 * read error (in err): a partial alphabet would be kept as the whole. */
static const char *key_alphabet(tg_store *st, tg_error *err)
{
	if (*st->key_alphabet)
		return st->key_alphabet;
	bool seen[256] = {false};
	sqlite3_stmt *s = tg_store_stmt(st, "SELECT key FROM search_key", err);
	if (!s)
		return NULL;
	int step = SQLITE_DONE;
	while ((step = sqlite3_step(s)) == SQLITE_ROW)
		for (const unsigned char *p = sqlite3_column_text(s, 0); p && *p; p++)
			seen[*p] = true;
	if (step != SQLITE_DONE)
		tg_store_dberr(st, err);
	sqlite3_reset(s);
	if (step != SQLITE_DONE)
		return NULL;
	size_t n = 0;
	for (int c = 1; c < 256 && n < sizeof st->key_alphabet - 1; c++)
		if (seen[c])
			st->key_alphabet[n++] = (char)c;
	st->key_alphabet[n] = '\0';
	return st->key_alphabet;
}

static bool is_exact_key(const struct word *w, const char *k)
{
	for (int i = 0; i < w->nkeys; i++)
		if (!strcmp(w->keys[i], k))
			return true;
	for (int i = 0; i < w->nnear; i++)
		if (!strcmp(w->near[i], k))
			return true;
	return false;
}

static int try_near(tg_store *st, struct word *w, const char *cand, tg_error *err)
{
	if (w->nnear >= TG_NAMEKEY_ALTS * 4 || !*cand || is_exact_key(w, cand))
		return TG_OK;
	int known = key_known(st, cand, err);
	if (known < 0)
		return err ? err->code : TG_EDB;
	if (known)
		snprintf(w->near[w->nnear++], TG_NAMEKEY_LEN, "%s", cand);
	return TG_OK;
}

/* Keys one deletion, substitution, insertion or transposition away from
 * the word's primary key that the index knows. Unless every word is to be
 * stretched (the exact pass found nothing), only a word none of whose own
 * keys the index knows (it looks misspelt) is. Short keys are left alone:
 * one edit in three letters is another name. */
static int find_near(tg_store *st, struct word *w, bool all, tg_error *err)
{
	const char *key = w->keys[0];
	size_t len = strlen(key);
	if (!w->nkeys || len < 4)
		return TG_OK;
	for (int i = 0; i < w->nkeys && !all; i++) {
		int known = key_known(st, w->keys[i], err);
		if (known < 0)
			return err ? err->code : TG_EDB;
		if (known)
			return TG_OK;
	}
	w->near = calloc(TG_NAMEKEY_ALTS * 4, TG_NAMEKEY_LEN);
	if (!w->near)
		return tg_error_set(err, TG_ENOMEM, NULL, "%s", tg_strerror(TG_ENOMEM));
	const char *abc = key_alphabet(st, err);
	if (!abc)
		return err ? err->code : TG_EDB;
	char cand[TG_NAMEKEY_LEN + 1];
	int rc = TG_OK;
	for (size_t i = 0; !rc && i < len; i++) {
		memcpy(cand, key, i);
		memcpy(cand + i, key + i + 1, len - i); /* deletion */
		rc = try_near(st, w, cand, err);
		if (!rc && i + 1 < len) { /* transposition */
			memcpy(cand, key, len + 1);
			cand[i] = key[i + 1];
			cand[i + 1] = key[i];
			rc = try_near(st, w, cand, err);
		}
	}
	for (const char *c = abc; !rc && *c; c++) {
		for (size_t i = 0; !rc && i <= len && len + 1 < TG_NAMEKEY_LEN; i++) {
			memcpy(cand, key, i); /* insertion */
			cand[i] = *c;
			memcpy(cand + i + 1, key + i, len - i + 1);
			rc = try_near(st, w, cand, err);
			if (!rc && i < len && key[i] != *c) { /* substitution */
				memcpy(cand, key, len + 1);
				cand[i] = *c;
				rc = try_near(st, w, cand, err);
			}
		}
	}
	return rc;
}

/* The MATCH expression; in the near pass, words with near keys match
 * through those as well as their own. Returns false when the near pass
 * has nothing to add. */
static bool build_match(tg_store *st, const tg_search_opts *o, const struct word *w, int n,
                        bool near, tg_strbuf *sb)
{
	bool any_near = false;
	for (int i = 0; i < n; i++) {
		if (i)
			tg_strbuf_adds(sb, " AND ");
		bool use_near = near && w[i].nnear;
		any_near |= use_near;
		tg_strbuf_adds(sb, "(names : ");
		add_literal(sb, w[i].folded);
		int nk = w[i].nkeys + (use_near ? w[i].nnear : 0);
		if (nk) {
			tg_strbuf_adds(sb, " OR keys : (");
			for (int k = 0; k < nk; k++) {
				if (k)
					tg_strbuf_adds(sb, " OR ");
				add_token_literal(sb, 'k', k < w[i].nkeys ? w[i].keys[k]
				                                          : w[i].near[k - w[i].nkeys]);
			}
			tg_strbuf_addc(sb, ')');
		}
		if (w[i].stem && *w[i].stem) {
			/* The stem as a whole token: a prefix query would merge the
			 * posting lists of every word it starts, for all records. */
			tg_strbuf_adds(sb, " OR body : ");
			add_literal(sb, w[i].stem);
			tg_strbuf terms = TG_STRBUF_INIT;
			if (matching_terms(st, w[i].stem, &terms))
				tg_strbuf_addf(sb, " OR terms : (%s)", tg_strbuf_str(&terms));
			tg_strbuf_release(&terms);
		}
		tg_strbuf_addc(sb, ')');
	}
	/* Levels above the clearance leave the match inside FTS5: NOT costs
	 * nothing like an AND with the posting list of every record would. */
	for (int c = o->clearance + 1; c <= TG_CLEAR_CONFIDENTIAL; c++)
		tg_strbuf_addf(sb, " NOT meta : \"c%d\"", c);
	return !near || any_near;
}

static int parse_words(tg_store *st, const char *q, struct word *w, int *n, tg_error *err)
{
	tg_name_token tok[MAX_WORDS];
	int nt = tg_name_tokens(q, NULL, tok, MAX_WORDS);
	*n = 0;
	for (int i = 0; i < nt; i++) {
		char text[256];
		snprintf(text, sizeof text, "%.*s", (int)tok[i].len, tok[i].start);
		char *f = tg_text_fold(text);
		if (!f || !*f) {
			free(f);
			continue;
		}
		struct word *x = &w[(*n)++];
		*x = (struct word){.folded = f, .stem = tg_text_stem(f, NULL)};
		x->nkeys = tg_name_keys(text, x->keys, TG_NAMEKEY_ALTS);
	}
	(void)st;
	if (!*n)
		return tg_error_set(err, TG_EINVAL, "query", _("the query has no words to search for"));
	return TG_OK;
}

static void free_words(struct word *w, int n)
{
	for (int i = 0; i < n; i++) {
		free(w[i].folded);
		free(w[i].stem);
		free(w[i].near);
	}
}

/* The uids already reported, so the near pass adds only new records. */
struct seen {
	char (*uid)[TG_UUID_LEN];
	int n;
};

static bool seen_before(const struct seen *s, const char *uid)
{
	for (int i = 0; i < s->n; i++)
		if (!strcmp(s->uid[i], uid))
			return true;
	return false;
}

static void filters_sql(const tg_search_opts *o, const char *place, tg_strbuf *sb,
                        const char **bind, int *nb, char lo[16], char hi[16])
{
	if (o->entity) {
		tg_strbuf_adds(sb, " AND d.entity = ?");
		bind[(*nb)++] = o->entity;
	}
	if (place)
		tg_strbuf_adds(sb, " AND d.place IN sub");
	if (o->from) {
		tg_strbuf_adds(sb, " AND d.date || substr('-99-99', length(d.date) - 3) >= ?");
		bind[(*nb)++] = lo;
	}
	if (o->to) {
		tg_strbuf_adds(sb, " AND d.date || substr('-00-00', length(d.date) - 3) <= ?");
		bind[(*nb)++] = hi;
	}
}

/* Ranking scores every match, so a word found in most records (a method,
 * a city) would take seconds on a large database; past this many matches
 * the newest records come first instead. */
#define RANK_MAX 500

/* Whether match has at most RANK_MAX matches: FTS5 hands rowids in
 * order, so counting stops early. */
static int small_match(tg_store *st, const char *match, bool *small, tg_error *err)
{
	sqlite3_stmt *s = tg_store_stmt(st, "SELECT count(*) FROM (SELECT rowid FROM search_fts"
	                                    " WHERE search_fts MATCH ? LIMIT ?)", err);
	if (!s)
		return TG_EDB;
	sqlite3_bind_text(s, 1, match, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 2, RANK_MAX + 1);
	int step = sqlite3_step(s);
	*small = step != SQLITE_ROW || sqlite3_column_int(s, 0) <= RANK_MAX;
	int rc = step == SQLITE_ROW ? TG_OK : tg_store_dberr(st, err);
	sqlite3_reset(s);
	return rc;
}

static int run_pass(tg_store *st, const tg_search_opts *o, const char *place, const char *match,
                    bool near, struct seen *seen, int limit, tg_search_cb cb, void *ctx,
                    tg_error *err)
{
	bool ranked;
	int rc = small_match(st, match, &ranked, err);
	if (rc)
		return rc;
	tg_strbuf sql = TG_STRBUF_INIT;
	const char *bind[8];
	int nb = 0;
	char lo[16], hi[16];
	tg_store_pad_date(lo, o->from, "-00-00");
	tg_store_pad_date(hi, o->to, "-99-99");
	if (place) {
		tg_strbuf_adds(&sql, "WITH RECURSIVE sub(uid) AS (SELECT ? UNION"
		                     " SELECT p.uid FROM place p JOIN sub ON p.parent = sub.uid) ");
		bind[nb++] = place;
	}
	tg_strbuf_adds(&sql, ranked ? "SELECT d.uid, d.entity, -tg_rank(search_fts)"
	                              : "SELECT d.uid, d.entity, 0.0");
	tg_strbuf_adds(&sql, " AS r FROM search_fts JOIN search_doc d ON d.id = search_fts.rowid"
	                     " WHERE search_fts MATCH ? AND d.conf <= ?");
	int match_at = nb++;
	bind[match_at] = match;
	int conf_at = nb++;
	filters_sql(o, place, &sql, bind, &nb, lo, hi);
	tg_strbuf_adds(&sql, ranked ? " ORDER BY r LIMIT ?" : " ORDER BY search_fts.rowid DESC LIMIT ?");
	sqlite3_stmt *s;
	if (sqlite3_prepare_v2(st->db, tg_strbuf_str(&sql), -1, &s, NULL) != SQLITE_OK) {
		tg_strbuf_release(&sql);
		return tg_store_dberr(st, err);
	}
	tg_strbuf_release(&sql);
	for (int i = 0; i < nb; i++) {
		if (i == conf_at)
			sqlite3_bind_int(s, i + 1, o->clearance);
		else
			sqlite3_bind_text(s, i + 1, bind[i], -1, SQLITE_STATIC);
	}
	sqlite3_bind_int(s, nb + 1, limit + seen->n);
	int step = SQLITE_DONE;
	while (!rc && seen->n < limit && (step = sqlite3_step(s)) == SQLITE_ROW) {
		const char *uid = (const char *)sqlite3_column_text(s, 0);
		if (seen_before(seen, uid))
			continue;
		snprintf(seen->uid[seen->n++], TG_UUID_LEN, "%s", uid);
		tg_search_hit hit = {uid, (const char *)sqlite3_column_text(s, 1),
		                     -sqlite3_column_double(s, 2), near};
		rc = cb(ctx, &hit);
	}
	if (!rc && step != SQLITE_DONE && step != SQLITE_ROW)
		rc = tg_store_dberr(st, err);
	sqlite3_finalize(s);
	return rc;
}

int tg_search(tg_store *st, const tg_search_opts *o, tg_search_cb cb, void *ctx, tg_error *err)
{
	if (o->entity && !tg_model_entity(o->entity))
		return tg_error_set(err, TG_EINVAL, "type", _("no entity named %s"), o->entity);
	const char *place = NULL;
	if (o->place) {
		int rc = tg_store_place_uid(st, o->place, &place, err);
		if (rc)
			return rc;
	}
	const char *dates[] = {o->from, o->to};
	for (int i = 0; i < 2; i++) {
		tg_pdate d;
		if (dates[i] && tg_pdate_parse(dates[i], &d, err)) {
			snprintf(err->path, sizeof err->path, "%s", i ? "to" : "from");
			return TG_EDATE;
		}
	}
	char place_uid[TG_UUID_LEN];
	if (place) {
		snprintf(place_uid, sizeof place_uid, "%s", place);
		place = place_uid;
	}
	struct word w[MAX_WORDS];
	int n, rc = tg_search_flush(st, err);
	if (!rc)
		rc = parse_words(st, o->query ? o->query : "", w, &n, err);
	if (rc)
		return rc;
	int limit = o->limit > 0 ? o->limit : DEFAULT_LIMIT;
	struct seen seen = {calloc((size_t)limit, TG_UUID_LEN), 0};
	if (!seen.uid) {
		free_words(w, n);
		return tg_error_set(err, TG_ENOMEM, NULL, "%s", tg_strerror(TG_ENOMEM));
	}
	tg_strbuf match = TG_STRBUF_INIT;
	build_match(st, o, w, n, false, &match);
	rc = run_pass(st, o, place, tg_strbuf_str(&match), false, &seen, limit, cb, ctx, err);
	if (!rc && seen.n < limit) {
		for (int i = 0; !rc && i < n; i++)
			rc = find_near(st, &w[i], seen.n == 0, err);
		tg_strbuf_reset(&match);
		if (!rc && build_match(st, o, w, n, true, &match))
			rc = run_pass(st, o, place, tg_strbuf_str(&match), true, &seen, limit, cb, ctx,
			              err);
	}
	tg_strbuf_release(&match);
	free(seen.uid);
	free_words(w, n);
	return rc;
}
