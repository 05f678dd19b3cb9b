/*
 * The source lists: who each list records and how it writes them.
 *
 * A list takes a person with a probability set by its coverage of the
 * person's fate and by the person's latent visibility, so captures are
 * heterogeneous and positively dependent across lists, as in real
 * documentation.  Each list then writes the person its own way, with the
 * errors real lists carry, drawn per entry at these rates:
 *
 *                        government     ngo-a           ngo-b          media
 *   script or scheme     ru 85, kk 15   kk 85, ru 15    kz2021 30,     press 80,
 *                                                       icao 30,       icao 12,
 *                                                       mvd310 15,     ascii 8
 *                                                       ascii 15,
 *                                                       bgn 10
 *   patronymic written   95%            75%             10%            never
 *     -ұлы → -ович       40%            5%              20%            -
 *     -ович → -ұлы       5%             35%             20%            -
 *   name order swapped   2%             1.5% (columns)  5%             10%
 *   family/patronymic    0.5%           1%              0.5%           0.5%
 *   typo                 1%             3%              3.5%           3%
 *   OCR confusion        2%             0.5%            1%             0.5%
 *   birth: missing       3%             5%              10%            30%
 *     age, no date       -              37%             -              (age only)
 *     year only          8%             3%              (year only)    -
 *     year and month     2%             3%              -              -
 *     day/month swapped  2% *           2% *            -              -
 *     year digit typo    1%             1%              1.5%           -
 *     age off by one     -              -               -              5% of ages
 *   sex missing          2%             5%              10%            -
 *   IIN                  70%, 1% of them with a typo the check digit catches
 *   entered twice        0.5%           2%              1.5%           2%
 *
 * ru is Russian Cyrillic with Kazakh names Russified (Нұрсұлтан →
 * Нурсултан), kk Kazakh Cyrillic; the Latin schemes are those of
 * text/text.h.  A switch changes a Kazakh patronymic's form (Қайратұлы ↔
 * Қайратович; Russians keep theirs); family/patronymic confusion writes,
 * half the time each, the patronymic in the family's place (the family
 * name lost) or a surname made from the father's name (Қайратов).  Typos
 * and OCR confusions (rn→m, l→1, O→0, cl→d, e→c; ш→щ, и→н, е→ё, з→3,
 * б→6, о→0 and back) change one letter or pair of a name.  * marks a
 * share of the dates that can be swapped (day 12 or less, not the month).
 * "Entered twice" is a share of the persons a list records: the second
 * entry is spelled anew, its errors drawn again, and placed elsewhere in
 * the list.  Name-destroying errors stay at a few percent of entries, so
 * a good linker can still find nearly every match.
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

/* ---- what each list gets wrong ---- */

/* Kazakh Cyrillic as the name is, without transliteration. */
enum { AS_IS = TG_TR_COUNT };

typedef struct scheme_share {
	int scheme;
	double p;
} scheme_share;

/* Shares of the entries, drawn in this order, one per entry; dates that
 * escape them are written in full. */
typedef struct birth_errors {
	double missing, age, year, month, swapped, year_typo;
	double age_off; /* of the ages written */
} birth_errors;

typedef struct list_errors {
	scheme_share scripts[5];       /* shares summing to 1 */
	double patronymic;             /* a patronymic is written */
	double to_russian, to_kazakh;  /* a Kazakh patronymic changes form */
	double swap, confusion, typo, ocr;
	birth_errors birth;
	double sex_missing, duplicate;
} list_errors;

static const list_errors list_errs[GEN_NLISTS] = {
	[GEN_GOV] = {
		.scripts = {{TG_TR_RU_CYRL, 0.85}, {AS_IS, 0.15}},
		.patronymic = 0.95, .to_russian = 0.40, .to_kazakh = 0.05,
		.swap = 0.02, .confusion = 0.005, .typo = 0.01, .ocr = 0.02,
		.birth = {.missing = 0.03, .year = 0.08, .month = 0.02, .swapped = 0.02,
		          .year_typo = 0.01},
		.sex_missing = 0.02, .duplicate = 0.005,
	},
	[GEN_NGO_A] = {
		.scripts = {{AS_IS, 0.85}, {TG_TR_RU_CYRL, 0.15}},
		.patronymic = 0.75, .to_russian = 0.05, .to_kazakh = 0.35,
		.swap = 0.015, .confusion = 0.01, .typo = 0.03, .ocr = 0.005,
		.birth = {.missing = 0.05, .age = 0.37, .year = 0.03, .month = 0.03, .swapped = 0.02,
		          .year_typo = 0.01},
		.sex_missing = 0.05, .duplicate = 0.02,
	},
	[GEN_NGO_B] = {
		.scripts = {{TG_TR_KZ2021, 0.30}, {TG_TR_ICAO, 0.30}, {TG_TR_MVD310, 0.15},
		            {TG_TR_ASCII, 0.15}, {TG_TR_BGN, 0.10}},
		.patronymic = 0.10, .to_russian = 0.20, .to_kazakh = 0.20,
		.swap = 0.05, .confusion = 0.005, .typo = 0.035, .ocr = 0.01,
		.birth = {.missing = 0.10, .year_typo = 0.015},
		.sex_missing = 0.10, .duplicate = 0.015,
	},
	[GEN_MEDIA] = {
		.scripts = {{TG_TR_PRESS, 0.80}, {TG_TR_ICAO, 0.12}, {TG_TR_ASCII, 0.08}},
		.swap = 0.10, .confusion = 0.005, .typo = 0.03, .ocr = 0.005,
		.birth = {.missing = 0.30, .age_off = 0.05},
		.duplicate = 0.02,
	},
};

/* ---- spelling ---- */

/* The typos and OCR confusions of list e, each with its own chance. */
static void misspell(tg_strbuf *s, const list_errors *e, tg_rng *r)
{
	if (gen_chance(r, e->typo))
		gen_typo(s, r);
	if (gen_chance(r, e->ocr))
		gen_ocr(s, r);
}

static void add_script(tg_strbuf *sb, const char *s, int scheme)
{
	if (scheme == AS_IS) {
		tg_strbuf_adds(sb, s);
		return;
	}
	char *t = tg_translit(s, scheme);
	tg_strbuf_adds(sb, t);
	free(t);
}

/* One of the list's scripts by its share; the last takes what rounding
 * leaves. */
static int pick_scheme(const list_errors *e, tg_rng *r)
{
	double u = tg_rng_unit(r);
	int i = 0;
	while (i < 4 && e->scripts[i + 1].p > 0 && (u -= e->scripts[i].p) >= 0)
		i++;
	return e->scripts[i].scheme;
}

/* A person's name as a list writes it, part by part, in the list's script
 * for this entry; the buffers are reused from entry to entry. */
typedef struct name_parts {
	tg_strbuf given, family, patr;
	tg_strbuf cyr; /* a part in Cyrillic before its script */
	int scheme;
} name_parts;

static void name_parts_release(name_parts *n)
{
	tg_strbuf_release(&n->given);
	tg_strbuf_release(&n->family);
	tg_strbuf_release(&n->patr);
	tg_strbuf_release(&n->cyr);
}

/* Fills n with w's name as list e writes it: the script, the patronymic's
 * form or none, and the family/patronymic confusion. */
static void make_name(const gen_pools *p, const gen_person *w, const list_errors *e, tg_rng *r,
                      name_parts *n)
{
	n->scheme = pick_scheme(e, r);
	tg_strbuf_reset(&n->given);
	tg_strbuf_reset(&n->family);
	tg_strbuf_reset(&n->patr);
	tg_strbuf_reset(&n->cyr);
	add_script(&n->given, gen_given(p, w), n->scheme);
	bool russian = w->patr_russified;
	if (gen_chance(r, russian ? e->to_kazakh : e->to_russian))
		russian = !russian;
	enum gen_patr_form form = russian ? GEN_PATR_RUSSIAN : GEN_PATR_KAZAKH;
	bool has_patr = gen_chance(r, e->patronymic);
	if (gen_chance(r, e->confusion)) {
		if (gen_chance(r, 0.5)) {
			/* The patronymic takes the family's place. */
			gen_patronymic_form(p, w, form, &n->cyr);
			has_patr = false;
		} else {
			gen_family_from_father(p, w, &n->cyr);
		}
		add_script(&n->family, tg_strbuf_str(&n->cyr), n->scheme);
		tg_strbuf_reset(&n->cyr);
	} else {
		add_script(&n->family, gen_family(p, w), n->scheme);
	}
	if (has_patr) {
		gen_patronymic_form(p, w, form, &n->cyr);
		add_script(&n->patr, tg_strbuf_str(&n->cyr), n->scheme);
	}
}

/* Appends the non-empty parts, a space between them. */
static void add_words(tg_strbuf *sb, const tg_strbuf *a, const tg_strbuf *b, const tg_strbuf *c)
{
	const tg_strbuf *parts[3] = {a, b, c};
	for (int i = 0; i < 3; i++) {
		if (!parts[i]->len)
			continue;
		if (sb->len)
			tg_strbuf_addc(sb, ' ');
		tg_strbuf_adds(sb, tg_strbuf_str(parts[i]));
	}
}

/* How a list writes dates of birth. */
enum date_style {
	DOTTED, /* DD.MM.YYYY, MM.YYYY or YYYY */
	ISO,    /* YYYY-MM-DD, YYYY-MM or YYYY */
	YEAR,   /* YYYY only */
	AGE,    /* the age only */
};

/* Writes w's date of birth into date, or the age into age, as style and
 * with the errors of b. */
static void add_birth(tg_strbuf *date, tg_strbuf *age, const gen_person *w, tg_rng *r,
                      const birth_errors *b, enum date_style style)
{
	double u = tg_rng_unit(r);
	if ((u -= b->missing) < 0)
		return;
	if ((u -= b->age) < 0 || style == AGE) {
		int years = gen_age(w);
		if (gen_chance(r, b->age_off))
			years += tg_rng_below(r, 2) ? 1 : -1;
		tg_strbuf_addf(age, "%d", years);
		return;
	}
	int y = w->by, m = w->bm, d = w->bd;
	if ((u -= b->year) < 0 || style == YEAR) {
		m = d = 0;
	} else if ((u -= b->month) < 0) {
		d = 0;
	} else if ((u -= b->swapped) < 0) {
		if (d <= 12 && d != m) {
			d = w->bm;
			m = w->bd;
		}
	}
	if (u >= 0 && (u -= b->year_typo) < 0) {
		int t = gen_year_typo(y, r);
		if (tg_date_valid(t, m, d))
			y = t;
	}
	if (!m)
		tg_strbuf_addf(date, "%d", y);
	else if (style == ISO && d)
		tg_strbuf_addf(date, "%d-%02d-%02d", y, m, d);
	else if (style == ISO)
		tg_strbuf_addf(date, "%d-%02d", y, m);
	else if (d)
		tg_strbuf_addf(date, "%02d.%02d.%d", d, m, y);
	else
		tg_strbuf_addf(date, "%02d.%d", m, y);
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

static void add_iin(tg_strbuf *sb, const gen_person *w, tg_rng *r)
{
	if (!gen_chance(r, 0.7))
		return;
	if (!gen_chance(r, 0.01)) {
		tg_strbuf_adds(sb, w->iin);
		return;
	}
	/* A digit typo the check digit catches, as most do. */
	char bad[13];
	do {
		memcpy(bad, w->iin, 13);
		int at = (int)tg_rng_below(r, 12);
		bad[at] = (char)('0' + (bad[at] - '0' + 1 + (int)tg_rng_below(r, 9)) % 10);
	} while (tg_iin_valid(bad));
	tg_strbuf_adds(sb, bad);
}

static void fmt_gov(const gen_pools *p, const gen_person *w, tg_rng *r, name_parts *n,
                    gen_record *rec)
{
	const list_errors *e = &list_errs[GEN_GOV];
	tg_strbuf *name = &rec->col[1];
	make_name(p, w, e, r, n);
	if (gen_chance(r, e->swap))
		add_words(name, &n->given, &n->patr, &n->family);
	else
		add_words(name, &n->family, &n->given, &n->patr);
	misspell(name, e, r);
	add_birth(&rec->col[2], NULL, w, r, &e->birth, DOTTED);
	if (!gen_chance(r, e->sex_missing))
		tg_strbuf_adds(&rec->col[3], w->female ? "Ж" : "М");
	add_iin(&rec->col[4], w, r);
	tg_strbuf_adds(&rec->col[5], p->cities[gen_act_city(w)].ru);
	tg_strbuf_addf(&rec->col[6], "%02d.%02d.2022", w->day, w->month);
	tg_strbuf_adds(&rec->spelling, tg_strbuf_str(name));
	rec->lang = n->scheme == AS_IS && w->kazakh ? "kk" : "ru";
}

static void fmt_ngo_a(const gen_pools *p, const gen_person *w, tg_rng *r, name_parts *n,
                      gen_record *rec)
{
	const list_errors *e = &list_errs[GEN_NGO_A];
	make_name(p, w, e, r, n);
	bool swap = gen_chance(r, e->swap);
	tg_strbuf_adds(&rec->col[1], tg_strbuf_str(swap ? &n->given : &n->family));
	tg_strbuf_adds(&rec->col[2], tg_strbuf_str(swap ? &n->family : &n->given));
	tg_strbuf_adds(&rec->col[3], tg_strbuf_str(&n->patr));
	if (gen_chance(r, e->typo))
		gen_typo(&rec->col[1 + tg_rng_below(r, 2)], r);
	if (gen_chance(r, e->ocr))
		gen_ocr(&rec->col[1 + tg_rng_below(r, n->patr.len ? 3 : 2)], r);
	add_birth(&rec->col[4], &rec->col[5], w, r, &e->birth, ISO);
	if (!gen_chance(r, e->sex_missing))
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
	rec->lang = n->scheme == AS_IS && w->kazakh ? "kk" : "ru";
}

/* "Given [Patronymic] Family" in the entry's scheme, or the Russian order
 * "Family Given [Patronymic]" when swapped. */
static void add_latin_name(tg_strbuf *sb, const gen_pools *p, const gen_person *w,
                           const list_errors *e, tg_rng *r, name_parts *n)
{
	make_name(p, w, e, r, n);
	if (gen_chance(r, e->swap))
		add_words(sb, &n->family, &n->given, &n->patr);
	else
		add_words(sb, &n->given, &n->patr, &n->family);
	misspell(sb, e, r);
}

static void fmt_ngo_b(const gen_pools *p, const gen_person *w, tg_rng *r, name_parts *n,
                      gen_record *rec)
{
	const list_errors *e = &list_errs[GEN_NGO_B];
	add_latin_name(&rec->col[1], p, w, e, r, n);
	add_birth(&rec->col[2], NULL, w, r, &e->birth, YEAR);
	if (!gen_chance(r, e->sex_missing))
		tg_strbuf_adds(&rec->col[3], w->female ? "F" : "M");
	tg_strbuf_adds(&rec->col[4], p->cities[w->city].en);
	add_act_date(&rec->col[5], w, r, 0.15);
	tg_strbuf_adds(&rec->col[6], w->tortured ? "yes" : "no");
	add_methods(&rec->col[7], w, ";", false);
	tg_strbuf_adds(&rec->spelling, tg_strbuf_str(&rec->col[1]));
	rec->lang = NULL;
}

static void fmt_media(const gen_pools *p, const gen_person *w, tg_rng *r, name_parts *n,
                      gen_record *rec)
{
	const list_errors *e = &list_errs[GEN_MEDIA];
	add_latin_name(&rec->col[1], p, w, e, r, n);
	add_birth(NULL, &rec->col[2], w, r, &e->birth, AGE);
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

typedef void (*fmt_fn)(const gen_pools *, const gen_person *, tg_rng *, name_parts *,
                       gen_record *);
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

/* Each list walks slots 2i (person i's entry) and 2i + 1 (a second entry
 * of person i, made with a chance of the list's duplicate rate) in one
 * permutation, so a duplicate lands anywhere in the list. */
int gen_list_walk(const gen_pools *p, const tg_gen_opts *o, int list, gen_record_fn fn,
                  void *ctx, tg_progress_fn progress, void *pctx)
{
	perm pm;
	uint32_t slots = 2 * (uint32_t)o->size;
	perm_init(&pm, o->seed, list, slots);
	gen_record rec = {0};
	name_parts names = {0};
	gen_person w;
	int rc = 0;
	for (uint32_t k = 0; k < slots && !rc; k++) {
		if (progress && (k & 0x1FFFF) == 0)
			progress(pctx, gen_lists[list].name, k / 2, (uint64_t)o->size);
		uint32_t slot = perm_at(&pm, k), i = slot / 2;
		bool second = slot & 1;
		tg_rng r, again;
		if (second) {
			gen_rng_for(&again, o->seed, i, 0x40 + (uint32_t)list);
			if (!gen_chance(&again, list_errs[list].duplicate))
				continue;
		}
		gen_person_make(p, o->seed, i, &w);
		gen_rng_for(&r, o->seed, i, 1 + (uint32_t)list);
		if (!captured(list, &w, &r))
			continue;
		for (int c = 0; c < GEN_MAXCOL; c++)
			tg_strbuf_reset(&rec.col[c]);
		tg_strbuf_reset(&rec.spelling);
		rec.no++;
		rec.person = &w;
		rec.duplicate = second;
		tg_strbuf_addf(&rec.col[0], "%u", rec.no);
		formats[list](p, &w, second ? &again : &r, &names, &rec);
		rc = fn(ctx, &rec);
	}
	for (int c = 0; c < GEN_MAXCOL; c++)
		tg_strbuf_release(&rec.col[c]);
	tg_strbuf_release(&rec.spelling);
	name_parts_release(&names);
	return rc;
}
