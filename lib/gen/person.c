/*
 * The population model: each person of a synthetic population shaped
 * like the January 2022 events in Kazakhstan, made from (seed, index)
 * alone.  The shares follow public reporting at the scale of the real
 * events (about 2000 victims known by name): 238 killed (12%), at least 6
 * deaths in custody, most victims detained, a fifth to a quarter of the
 * detained alleging torture, about 15 people prosecuted after death, and
 * only about two dozen convictions of officers across the country.
 */
#include <math.h>

#include "gen/population.h"

const char *const gen_city_codes[GEN_NCITIES] = {
	"kz-almaty-city", "kz-taldykorgan", "kz-shymkent", "kz-taraz",
	"kz-kyzylorda", "kz-aktobe", "kz-zhanaozen", "kz-aktau",
	"kz-uralsk", "kz-atyrau", "kz-astana", "kz-karaganda",
};
const double gen_city_weights[GEN_NCITIES] = {42, 9, 8, 9, 5, 6, 3, 5, 3, 3, 4, 3};
enum { CITY_ASTANA = 10 };

const char *const gen_fate_codes[GEN_NFATES] = {
	"killed", "died_in_custody", "injured", "detained", "relative",
};
const char *const gen_method_codes[GEN_NMETHODS] = {
	"beating", "hooding", "burns_with_iron", "electric_shock",
	"sexual_violence", "stress_positions", "threats", "suffocation",
};
static const double method_share[GEN_NMETHODS] = {0.9, 0.2, 0.08, 0.12, 0.05, 0.15, 0.3, 0.05};

const char *const gen_unit_types[GEN_NUNIT_KINDS] = {
	"police", "national_guard", "special_forces", "national_security", "military",
};

/* Shares of the fates, in enum order. */
static const double fate_share[GEN_NFATES] = {0.12, 0.004, 0.09, 0.756, 0.03};

/* Weights of the days of January 2022 from the 4th on: killings and
 * injuries cluster on 5–7 January, detentions run to the 19th. */
static const double street_days[] = {5, 30, 30, 20, 8, 3, 2, 1, 1};
static const double detention_days[] = {0, 15, 20, 18, 12, 8, 6, 5, 4, 3, 3, 2, 1, 1, 1, 1};

/* murmur3's 64-bit finaliser: a cheap bijection that mixes all bits. */
static uint64_t mix64(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	return x ^ (x >> 33);
}

void gen_rng_for(tg_rng *r, uint64_t seed, uint32_t index, uint32_t stream)
{
	tg_rng_seed(r, mix64(mix64(seed) ^ ((uint64_t)index << 8 | stream)));
}

double gen_normal(tg_rng *r)
{
	double u = 1.0 - tg_rng_unit(r), v = tg_rng_unit(r);
	return sqrt(-2.0 * log(u)) * cos(2.0 * M_PI * v);
}

bool gen_chance(tg_rng *r, double p)
{
	return tg_rng_unit(r) < p;
}

static int pick_weighted(tg_rng *r, const double *w, int n)
{
	double total = 0;
	for (int i = 0; i < n; i++)
		total += w[i];
	double x = tg_rng_unit(r) * total;
	for (int i = 0; i < n - 1; i++) {
		if (x < w[i])
			return i;
		x -= w[i];
	}
	return n - 1;
}

/* An index into a pool of n names ordered from common to rare, on a long
 * tail: rank i (from 0) has weight about 1/(i + k), k = cn with c = 3%
 * (a Zipf–Mandelbrot law), drawn by inverting the distribution function
 * of the continuous law on [0, n): x = k((1 + 1/c)^u - 1), no table.
 * The head is 34 times as likely as the tail whatever the size, so the
 * most common name's share falls as the pool grows: 1.2% of Kazakhs bear
 * the most common of 742 surnames, 4% of Russian men the most common of
 * 200 given names.  It takes two draws, the second unused, as the
 * steeper skew before it did: every later draw of a person stays in place,
 * so a seed makes the same persons but for their names as before the
 * pools grew, and figures measured on a seed stay comparable. */
static uint16_t pick_name(tg_rng *r, int n)
{
	static const double c = 0.03;
	double x = c * n * expm1(tg_rng_unit(r) * log1p(1 / c));
	(void)tg_rng_next(r);
	return (uint16_t)(x < n - 1 ? x : n - 1);
}

static int days_in_month(int y, int m)
{
	static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return m == 2 && leap ? 29 : days[m - 1];
}

int gen_age(const gen_person *who)
{
	bool had_birthday = who->bm == 1 && who->bd <= 5;
	return 2022 - who->by - (had_birthday ? 0 : 1);
}

static void make_identity(const gen_pools *p, tg_rng *r, gen_person *o)
{
	double female = o->fate == GEN_RELATIVE ? 0.6 : o->fate == GEN_KILLED ? 0.08 : 0.12;
	o->female = gen_chance(r, female);
	o->kazakh = gen_chance(r, 0.7);
	if (o->kazakh) {
		o->given = pick_name(r, o->female ? p->n_kz_female : p->n_kz_male);
		o->father = pick_name(r, p->n_kz_male);
		o->patr_russified = gen_chance(r, 0.55);
		o->family = pick_name(r, p->n_sur_kk);
	} else {
		o->given = pick_name(r, o->female ? p->n_ru_female : p->n_ru_male);
		o->father = pick_name(r, p->n_ru_male);
		o->family = pick_name(r, p->n_sur_ru);
	}
	/* A son named after his father is rare enough to leave out. */
	int fathers = o->kazakh ? p->n_kz_male : p->n_ru_male;
	if (!o->female && o->father == o->given)
		o->father = (uint16_t)((o->father + 1) % fathers);
	/* Protesters were mostly young men; relatives span older ages. */
	double u = tg_rng_unit(r);
	int age = o->fate == GEN_RELATIVE ? 30 + (int)(35 * u) : 18 + (int)(47 * u * u);
	o->bm = (int8_t)(1 + tg_rng_below(r, 12));
	int by = 2021 - age;
	o->bd = (int8_t)(1 + tg_rng_below(r, (uint32_t)days_in_month(by, o->bm)));
	if (o->bm == 1 && o->bd <= 5)
		by++;
	if (o->bm == 2 && o->bd == 29 && days_in_month(by, 2) == 28)
		o->bd = 28;
	o->by = (int16_t)by;
	o->city = (uint8_t)pick_weighted(r, gen_city_weights, GEN_NCITIES);
}

static uint8_t pick_probe(tg_rng *r, double no_crime, double refused, double open)
{
	double u = tg_rng_unit(r);
	if (u < no_crime)
		return GEN_PROBE_NO_CRIME;
	if (u < no_crime + refused)
		return GEN_PROBE_REFUSED;
	return u < no_crime + refused + open ? GEN_PROBE_OPEN : GEN_PROBE_CONVICTED;
}

static void make_detention(tg_rng *r, gen_person *o)
{
	o->tortured = gen_chance(r, o->fate == GEN_DIED_IN_CUSTODY ? 0.7 : 0.22);
	o->ill_treated = !o->tortured && gen_chance(r, 0.15);
	if (o->tortured) {
		for (int m = 0; m < GEN_NMETHODS; m++)
			if (gen_chance(r, method_share[m]))
				o->methods |= (uint16_t)(1u << m);
		if (!o->methods)
			o->methods = 1u << GEN_M_BEATING;
	}
	if (o->fate == GEN_DIED_IN_CUSTODY) {
		o->probe = pick_probe(r, 0.6, 0, 0.15);
		return;
	}
	/* A criminal case against most detainees; torture complaints mostly
	 * closed for "no crime", about one in ten ending in a conviction. */
	if (gen_chance(r, 0.8)) {
		double u = tg_rng_unit(r);
		o->case_outcome = u < 0.55 ? GEN_CASE_CONVICTED : u < 0.8 ? GEN_CASE_AMNESTY
		                : u < 0.92 ? GEN_CASE_CLOSED : GEN_CASE_PENDING;
	}
	if (o->case_outcome == GEN_CASE_CONVICTED) {
		double v = tg_rng_unit(r);
		o->sentence_months = v < 0.25 ? 0 : (uint16_t)(24 + 12 * (int)(12 * v * v) +
		                                                  6 * (int)tg_rng_below(r, 2));
		o->appeal = gen_chance(r, 0.35);
	}
	if (o->tortured && gen_chance(r, 0.7))
		o->probe = pick_probe(r, 0.78, 0.07, 0.05);
}

static void make_acts(tg_rng *r, gen_person *o)
{
	o->month = 1;
	switch (o->fate) {
	case GEN_KILLED:
	case GEN_INJURED:
		o->day = (int8_t)(4 + pick_weighted(r, street_days, 9));
		break;
	case GEN_RELATIVE:
		o->month = (int8_t)(2 + tg_rng_below(r, 11));
		o->day = (int8_t)(1 + tg_rng_below(r, 28));
		o->arrest_days = gen_chance(r, 0.6) ? (uint8_t)(5 + tg_rng_below(r, 11)) : 0;
		break;
	default:
		o->day = (int8_t)(4 + pick_weighted(r, detention_days, 16));
		make_detention(r, o);
	}
	o->date_approx = gen_chance(r, 0.05);
	if (o->fate == GEN_KILLED) {
		o->posthumous = gen_chance(r, 0.063);
		if (gen_chance(r, 0.7))
			o->probe = pick_probe(r, 0.85, 0, 0.1);
	}
	static const double street_units[GEN_NUNIT_KINDS] = {30, 35, 20, 0, 15};
	static const double custody_units[GEN_NUNIT_KINDS] = {80, 0, 5, 15, 0};
	bool street = o->fate == GEN_KILLED || o->fate == GEN_INJURED;
	o->unit_kind = o->fate == GEN_RELATIVE ? GEN_UNIT_POLICE
	             : (uint8_t)pick_weighted(r, street ? street_units : custody_units,
	                                      GEN_NUNIT_KINDS);
}

void gen_person_make(const gen_pools *p, uint64_t seed, uint32_t index, gen_person *o)
{
	tg_rng r;
	gen_rng_for(&r, seed, index, 0);
	*o = (gen_person){.index = index};
	o->fate = (uint8_t)pick_weighted(&r, fate_share, GEN_NFATES);
	make_identity(p, &r, o);
	make_acts(&r, o);
	o->visibility = (float)gen_normal(&r);
	gen_iin_make(o->by, o->bm, o->bd, o->female, &r, o->iin);
}

int gen_act_city(const gen_person *who)
{
	return who->fate == GEN_RELATIVE ? CITY_ASTANA : who->city;
}
