/*
 * The source lists: who each list records and how it writes them.
 *
 * A list takes a person with a probability set by its coverage of the
 * person's fate and by the person's latent visibility, so captures are
 * heterogeneous and positively dependent across lists, as in real
 * documentation.  Each list then spells the person its own way: Russian
 * or Kazakh Cyrillic, a Latin scheme, an English press spelling; with
 * typos, dropped patronymics, swapped name order, partial or transposed
 * dates and missing fields at the rates of the tables below.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "gen/population.h"
#include "text/text.h"

static const char *const gov_columns[] = {"id", "full_name", "birth_date", "sex", "iin",
                                          "place", "death_date"};
static const char *const ngo_a_columns[] = {"id", "family", "given", "patronymic",
                                            "birth_date", "age", "sex", "place",
                                            "date", "violation", "note"};
static const char *const ngo_b_columns[] = {"id", "name", "birth_year", "sex", "city",
                                            "detained", "torture", "methods"};
static const char *const media_columns[] = {"id", "name", "age", "city", "date", "summary"};

#define COLS(c) c, (int)(sizeof c / sizeof c[0])
const gen_list_info gen_lists[GEN_NLISTS] = {
	{"government", "official_list", "List of persons who died in the January 2022 events",
	 "Prosecutor General's Office (synthetic)", "ru", COLS(gov_columns)},
	{"ngo-a", "ngo_list", "Victims of Qandy Qantar: killed, died in custody, tortured",
	 "Human rights NGO A (synthetic)", "kk", COLS(ngo_a_columns)},
	{"ngo-b", "ngo_list", "Detainees of January 2022 and their torture complaints",
	 "Human rights NGO B (synthetic)", "en", COLS(ngo_b_columns)},
	{"media", "media", "Press reports on deaths and torture, January 2022",
	 "Media monitoring (synthetic)", "en", COLS(media_columns)},
};

/* Coverage of each list by fate (tortured detainees count apart) and how
 * strongly visibility moves it. */
typedef struct coverage {
	double killed, custody, tortured, detained, slope;
} coverage;
static const coverage coverages[GEN_NLISTS] = {
	{0.85, 0, 0, 0, 0.8},
	{0.60, 0.9, 0.55, 0, 1.0},
	{0, 0.9, 0.65, 0.45, 1.0},
	{0.30, 0.8, 0.20, 0, 1.5},
};

static bool captured(int list, const gen_person *w, tg_rng *r)
{
	const coverage *c = &coverages[list];
	double base = w->fate == GEN_KILLED ? c->killed
	            : w->fate == GEN_DIED_IN_CUSTODY ? c->custody
	            : w->fate != GEN_DETAINED ? 0
	            : w->tortured ? c->tortured : c->detained;
	double u = tg_rng_unit(r);
	if (base <= 0)
		return false;
	double logit = log(base / (1 - base)) + c->slope * w->visibility;
	return u < 1 / (1 + exp(-logit));
}

int gen_opts_resolve(const tg_gen_opts *in, tg_gen_opts *out, tg_error *err)
{
	*out = (tg_gen_opts){.seed = 1, .size = 2000, .nlists = 4};
	if (!in)
		return 0;
	if (in->seed)
		out->seed = in->seed;
	if (in->size)
		out->size = in->size;
	if (in->nlists)
		out->nlists = in->nlists;
	if (out->size < 1 || out->size > 100000000)
		return tg_error_set(err, TG_EINVAL, "size",
		                    _("population size %d is out of range 1..100000000"), out->size);
	if (out->nlists != 3 && out->nlists != 4)
		return tg_error_set(err, TG_EINVAL, "nlists", _("%d lists asked for; 3 or 4 are made"),
		                    out->nlists);
	return 0;
}

/* ---- spelling ---- */

static const char *latin_subs = "aeioulnrsky";
static const char *cyrillic_subs[] = {"а", "е", "и", "о", "у", "ы", "н", "л", "р", "с", "к"};

/* Applies one edit (substitution, deletion, doubling or swap of letters)
 * to the UTF-8 text in s; edits work on whole characters and keep the
 * first letter and the spaces between words. */
static void typo(tg_strbuf *s, tg_rng *r)
{
	const char *str = tg_strbuf_str(s);
	size_t at[256], n = 0, i;
	for (i = 0; str[i]; i++) {
		if (((unsigned char)str[i] & 0xC0) == 0x80)
			continue;
		if (n == 255)
			break;
		at[n++] = i;
	}
	at[n] = i;
	if (n < 3)
		return;
	size_t k = 0;
	for (int tries = 0; tries < 8 && !k; tries++) {
		k = 1 + tg_rng_below(r, (uint32_t)(n - 1));
		if (str[at[k]] == ' ' || str[at[k - 1]] == ' ')
			k = 0;
	}
	if (!k)
		return;
	const char *prev = str + at[k - 1], *c = str + at[k], *next = str + at[k + 1];
	tg_strbuf out = TG_STRBUF_INIT;
	switch (tg_rng_below(r, 4)) {
	case 0: /* substitution */
		tg_strbuf_add(&out, str, at[k]);
		if ((unsigned char)*c >= 0xD0 && (unsigned char)*c <= 0xD3) /* Cyrillic */
			tg_strbuf_adds(&out, cyrillic_subs[tg_rng_below(r, 11)]);
		else
			tg_strbuf_addc(&out, latin_subs[tg_rng_below(r, 11)]);
		break;
	case 1: /* deletion */
		tg_strbuf_add(&out, str, at[k]);
		break;
	case 2: /* doubling */
		tg_strbuf_add(&out, str, at[k + 1]);
		tg_strbuf_add(&out, c, (size_t)(next - c));
		break;
	default: /* swap with the previous letter */
		tg_strbuf_add(&out, str, at[k - 1]);
		tg_strbuf_add(&out, c, (size_t)(next - c));
		tg_strbuf_add(&out, prev, (size_t)(c - prev));
	}
	tg_strbuf_adds(&out, next);
	tg_strbuf_reset(s);
	tg_strbuf_adds(s, tg_strbuf_str(&out));
	tg_strbuf_release(&out);
}

static void add_translit(tg_strbuf *sb, const char *s, int scheme)
{
	char *t = tg_translit(s, scheme);
	tg_strbuf_adds(sb, t);
	free(t);
}

static void add_methods(tg_strbuf *sb, const gen_person *w, const char *sep, bool words)
{
	bool first = true;
	for (int m = 0; m < GEN_NMETHODS; m++) {
		if (!(w->methods & (1u << m)))
			continue;
		if (!first)
			tg_strbuf_adds(sb, sep);
		first = false;
		for (const char *c = gen_method_codes[m]; *c; c++)
			tg_strbuf_addc(sb, words && *c == '_' ? ' ' : *c);
	}
}

/* The date of the main act: month only with probability partial, and
 * always when the date is approximate. */
static void add_act_date(tg_strbuf *sb, const gen_person *w, tg_rng *r, double partial)
{
	if (gen_chance(r, partial) || w->date_approx)
		tg_strbuf_addf(sb, "2022-%02d", w->month);
	else
		tg_strbuf_addf(sb, "2022-%02d-%02d", w->month, w->day);
}

static void fmt_gov(const gen_pools *p, const gen_person *w, tg_rng *r, gen_record *rec)
{
	tg_strbuf *name = &rec->col[1];
	tg_strbuf patr = TG_STRBUF_INIT;
	gen_patronymic(p, w, &patr);
	add_translit(name, gen_family(p, w), TG_TR_RU_CYRL);
	tg_strbuf_addc(name, ' ');
	add_translit(name, gen_given(p, w), TG_TR_RU_CYRL);
	if (!gen_chance(r, 0.05)) {
		tg_strbuf_addc(name, ' ');
		add_translit(name, tg_strbuf_str(&patr), TG_TR_RU_CYRL);
	}
	tg_strbuf_release(&patr);
	if (gen_chance(r, 0.01))
		typo(name, r);
	double u = tg_rng_unit(r);
	if (u < 0.10)
		tg_strbuf_addf(&rec->col[2], "%d", w->by);
	else if (u < 0.105 && w->bd <= 12 && w->bd != w->bm)
		tg_strbuf_addf(&rec->col[2], "%02d.%02d.%d", w->bm, w->bd, w->by);
	else
		tg_strbuf_addf(&rec->col[2], "%02d.%02d.%d", w->bd, w->bm, w->by);
	if (!gen_chance(r, 0.02))
		tg_strbuf_adds(&rec->col[3], w->female ? "Ж" : "М");
	if (gen_chance(r, 0.7)) {
		tg_strbuf_adds(&rec->col[4], w->iin);
		if (gen_chance(r, 0.01)) {
			/* A digit typo the check digit catches, as most do. */
			char bad[13];
			do {
				memcpy(bad, w->iin, 13);
				int at = (int)tg_rng_below(r, 12);
				bad[at] = (char)('0' + (bad[at] - '0' + 1 + (int)tg_rng_below(r, 9)) % 10);
			} while (tg_iin_valid(bad));
			tg_strbuf_reset(&rec->col[4]);
			tg_strbuf_adds(&rec->col[4], bad);
		}
	}
	tg_strbuf_adds(&rec->col[5], p->cities[gen_act_city(w)].ru);
	tg_strbuf_addf(&rec->col[6], "%02d.%02d.2022", w->day, w->month);
	tg_strbuf_adds(&rec->spelling, tg_strbuf_str(name));
	rec->lang = "ru";
}

static void fmt_ngo_a(const gen_pools *p, const gen_person *w, tg_rng *r, gen_record *rec)
{
	tg_strbuf_adds(&rec->col[1], gen_family(p, w));
	tg_strbuf_adds(&rec->col[2], gen_given(p, w));
	if (!gen_chance(r, 0.25))
		gen_patronymic(p, w, &rec->col[3]);
	if (gen_chance(r, 0.03))
		typo(&rec->col[1 + tg_rng_below(r, 2)], r);
	double u = tg_rng_unit(r);
	if (u < 0.55)
		tg_strbuf_addf(&rec->col[4], "%d-%02d-%02d", w->by, w->bm, w->bd);
	else if (u < 0.95)
		tg_strbuf_addf(&rec->col[5], "%d", gen_age(w));
	if (!gen_chance(r, 0.05))
		tg_strbuf_adds(&rec->col[6], w->female ? "әйел" : "ер");
	tg_strbuf_adds(&rec->col[7], p->cities[gen_act_city(w)].kk);
	add_act_date(&rec->col[8], w, r, 0.1);
	bool killed = w->fate == GEN_KILLED;
	tg_strbuf_adds(&rec->col[9], killed ? "killing"
	                             : w->fate == GEN_DIED_IN_CUSTODY ? "death_in_custody" : "torture");
	if (!killed)
		add_methods(&rec->col[10], w, "; ", true);
	tg_strbuf_addf(&rec->spelling, "%s %s", tg_strbuf_str(&rec->col[2]),
	               tg_strbuf_str(&rec->col[1]));
	rec->lang = w->kazakh ? "kk" : "ru";
}

/* "Given Family" in scheme, swapped to "Family Given" with probability swap. */
static void add_latin_name(tg_strbuf *sb, const gen_pools *p, const gen_person *w, int scheme,
                           tg_rng *r, double swap)
{
	bool swapped = gen_chance(r, swap);
	add_translit(sb, swapped ? gen_family(p, w) : gen_given(p, w), scheme);
	tg_strbuf_addc(sb, ' ');
	add_translit(sb, swapped ? gen_given(p, w) : gen_family(p, w), scheme);
}

static void fmt_ngo_b(const gen_pools *p, const gen_person *w, tg_rng *r, gen_record *rec)
{
	double u = tg_rng_unit(r);
	int scheme = u < 0.4 ? TG_TR_KZ2021 : u < 0.8 ? TG_TR_ICAO : TG_TR_BGN;
	add_latin_name(&rec->col[1], p, w, scheme, r, 0.05);
	if (gen_chance(r, 0.035))
		typo(&rec->col[1], r);
	if (!gen_chance(r, 0.1))
		tg_strbuf_addf(&rec->col[2], "%d", w->by);
	if (!gen_chance(r, 0.1))
		tg_strbuf_adds(&rec->col[3], w->female ? "F" : "M");
	tg_strbuf_adds(&rec->col[4], p->cities[w->city].en);
	add_act_date(&rec->col[5], w, r, 0.15);
	tg_strbuf_adds(&rec->col[6], w->tortured ? "yes" : "no");
	add_methods(&rec->col[7], w, ";", false);
	tg_strbuf_adds(&rec->spelling, tg_strbuf_str(&rec->col[1]));
	rec->lang = NULL;
}

static void fmt_media(const gen_pools *p, const gen_person *w, tg_rng *r, gen_record *rec)
{
	add_latin_name(&rec->col[1], p, w, TG_TR_PRESS, r, 0.15);
	if (gen_chance(r, 0.03))
		typo(&rec->col[1], r);
	if (gen_chance(r, 0.7))
		tg_strbuf_addf(&rec->col[2], "%d", gen_age(w));
	tg_strbuf_adds(&rec->col[3], p->cities[w->city].en);
	add_act_date(&rec->col[4], w, r, 0.5);
	if (w->fate == GEN_KILLED) {
		tg_strbuf_adds(&rec->col[5], "killed during the January events");
	} else if (w->fate == GEN_DIED_IN_CUSTODY) {
		tg_strbuf_adds(&rec->col[5], "died in police custody");
	} else {
		tg_strbuf_adds(&rec->col[5], "alleges torture in detention: ");
		add_methods(&rec->col[5], w, ", ", true);
	}
	tg_strbuf_adds(&rec->spelling, tg_strbuf_str(&rec->col[1]));
	rec->lang = "en";
}

typedef void (*fmt_fn)(const gen_pools *, const gen_person *, tg_rng *, gen_record *);
static const fmt_fn formats[GEN_NLISTS] = {fmt_gov, fmt_ngo_a, fmt_ngo_b, fmt_media};

/* ---- list order ---- */

/* A keyed permutation of [0, n): a 4-round Feistel network on the
 * smallest even number of bits that holds n, walked until it lands
 * inside [0, n). */
typedef struct perm {
	uint32_t n, half;
	uint64_t key[4];
} perm;

static void perm_init(perm *pm, uint64_t seed, int list, uint32_t n)
{
	tg_rng r;
	gen_rng_for(&r, seed, 0xFFFFFFu, (uint32_t)list + 0x80);
	pm->n = n;
	pm->half = 1;
	while (pm->half < 16 && ((uint64_t)1 << (2 * pm->half)) < n)
		pm->half++;
	for (int i = 0; i < 4; i++)
		pm->key[i] = tg_rng_next(&r);
}

static uint32_t perm_at(const perm *pm, uint32_t x)
{
	uint32_t mask = (1u << pm->half) - 1;
	do {
		uint32_t l = x >> pm->half, rt = x & mask;
		for (int i = 0; i < 4; i++) {
			uint64_t h = (pm->key[i] ^ rt) * 0x9e3779b97f4a7c15ULL;
			uint32_t t = l ^ ((uint32_t)(h >> 32) & mask);
			l = rt;
			rt = t;
		}
		x = (l << pm->half) | rt;
	} while (x >= pm->n);
	return x;
}

int gen_list_walk(const gen_pools *p, const tg_gen_opts *o, int list, gen_record_fn fn,
                  void *ctx, tg_progress_fn progress, void *pctx)
{
	perm pm;
	perm_init(&pm, o->seed, list, (uint32_t)o->size);
	gen_record rec = {0};
	gen_person w;
	int rc = 0;
	for (uint32_t k = 0; k < (uint32_t)o->size && !rc; k++) {
		if (progress && (k & 0xFFFF) == 0)
			progress(pctx, gen_lists[list].name, k, (uint64_t)o->size);
		uint32_t i = perm_at(&pm, k);
		gen_person_make(p, o->seed, i, &w);
		tg_rng r;
		gen_rng_for(&r, o->seed, i, 1 + (uint32_t)list);
		if (!captured(list, &w, &r))
			continue;
		for (int c = 0; c < GEN_MAXCOL; c++)
			tg_strbuf_reset(&rec.col[c]);
		tg_strbuf_reset(&rec.spelling);
		rec.no++;
		rec.person = &w;
		tg_strbuf_addf(&rec.col[0], "%u", rec.no);
		formats[list](p, &w, &r, &rec);
		rc = fn(ctx, &rec);
	}
	for (int c = 0; c < GEN_MAXCOL; c++)
		tg_strbuf_release(&rec.col[c]);
	tg_strbuf_release(&rec.spelling);
	return rc;
}
