/*
 * Internal to lib/gen: the synthetic population and its source lists.
 *
 * A person is a pure function of (seed, index): every draw comes from a
 * generator seeded by both, so any person can be made again at any time,
 * in any order, and the lists can be written by streaming over the
 * population without holding it in memory.
 */
#ifndef TG_GEN_POPULATION_H
#define TG_GEN_POPULATION_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "gen/gen.h"
#include "store/store.h"
#include "util/util.h"

/* What happened to a person, one fate each; the acts follow from it. */
enum gen_fate {
	GEN_KILLED,
	GEN_DIED_IN_CUSTODY,
	GEN_INJURED,   /* wounded in the streets, not detained */
	GEN_DETAINED,  /* detained; maybe tortured or ill-treated */
	GEN_RELATIVE,  /* relative arrested or fined for a meeting in Astana */
	GEN_NFATES
};
extern const char *const gen_fate_codes[GEN_NFATES];

enum gen_method {
	GEN_M_BEATING, GEN_M_HOODING, GEN_M_BURNS_WITH_IRON, GEN_M_ELECTRIC_SHOCK,
	GEN_M_SEXUAL_VIOLENCE, GEN_M_STRESS_POSITIONS, GEN_M_THREATS, GEN_M_SUFFOCATION,
	GEN_NMETHODS
};
extern const char *const gen_method_codes[GEN_NMETHODS];

/* Outcome of the criminal case against a detainee. */
enum gen_case { GEN_CASE_NONE, GEN_CASE_PENDING, GEN_CASE_CONVICTED, GEN_CASE_AMNESTY,
                GEN_CASE_CLOSED };
/* Outcome of a torture complaint or of the investigation of a death. */
enum gen_probe { GEN_PROBE_NONE, GEN_PROBE_NO_CRIME, GEN_PROBE_REFUSED, GEN_PROBE_OPEN,
                 GEN_PROBE_CONVICTED };

enum gen_unit_kind { GEN_UNIT_POLICE, GEN_UNIT_NATIONAL_GUARD, GEN_UNIT_SPECIAL_FORCES,
                     GEN_UNIT_KNB, GEN_UNIT_MILITARY, GEN_NUNIT_KINDS };
extern const char *const gen_unit_types[GEN_NUNIT_KINDS];

#define GEN_NCITIES 12

typedef struct gen_city {
	const char *code, *kk, *ru, *en;
} gen_city;

typedef struct gen_person {
	uint32_t index;    /* person id is index + 1 */
	uint8_t kazakh;    /* else Russian or another non-Kazakh origin */
	uint8_t female;
	uint8_t fate;      /* enum gen_fate */
	uint8_t city;      /* index into the pools' cities */
	uint8_t patr_russified; /* Kazakh patronymic written -ович/-овна */
	uint16_t given, father, family; /* pool indexes */
	int16_t by;
	int8_t bm, bd;
	int8_t month, day; /* when the main act began, in 2022 (January but for
	                    * the relatives' meetings) */
	bool tortured, ill_treated, posthumous, date_approx;
	uint16_t methods;  /* bits of enum gen_method */
	uint8_t case_outcome; /* enum gen_case */
	uint8_t appeal;
	uint8_t probe;     /* enum gen_probe: complaint or death investigation */
	uint8_t unit_kind; /* perpetrator of the main act */
	uint8_t arrest_days; /* relatives: administrative arrest, 0 for a fine */
	uint16_t sentence_months;
	float visibility;  /* latent: how likely any list is to record them */
	char iin[13];
} gen_person;

typedef struct gen_russian_name {
	const char *name, *son, *daughter; /* Сергей, Сергеевич, Сергеевна */
} gen_russian_name;

typedef struct gen_surname {
	const char *male, *female;
} gen_surname;

/* The name pools of data/names.json and the cities of data/places.json;
 * strings are owned by the parsed documents. */
typedef struct gen_pools {
	json_t *names_doc, *places_doc;
	const char **kz_male, **kz_female, **ru_female;
	gen_russian_name *ru_male;
	gen_surname *sur_kk, *sur_ru;
	int n_kz_male, n_kz_female, n_ru_female, n_ru_male, n_sur_kk, n_sur_ru;
	gen_city cities[GEN_NCITIES];
} gen_pools;

/* Codes (data/places.json) of the cities of the January 2022 events, and
 * each one's share of the victims; the order is the city index. */
extern const char *const gen_city_codes[GEN_NCITIES];
extern const double gen_city_weights[GEN_NCITIES];

/* Parses the embedded names.json and places.json. EJSON/EINVAL if either
 * is malformed or lacks a city the model needs. */
int gen_pools_load(gen_pools **out, tg_error *err);
void gen_pools_free(gen_pools *p);

/* The person's names in their own script (Kazakh Cyrillic for Kazakhs). */
const char *gen_given(const gen_pools *p, const gen_person *who);
const char *gen_family(const gen_pools *p, const gen_person *who);
/* Appends the patronymic as the person's documents write it: -ұлы/-қызы
 * or -ович/-овна from the father's name. */
void gen_patronymic(const gen_pools *p, const gen_person *who, tg_strbuf *out);
/* Forms of a Kazakh patronymic; a Russian one has only the Russian form. */
enum gen_patr_form { GEN_PATR_KAZAKH, GEN_PATR_RUSSIAN };
/* Appends the patronymic in form (ignored for non-Kazakhs): Қайратұлы or
 * Қайратович for a son of Қайрат. */
void gen_patronymic_form(const gen_pools *p, const gen_person *who, enum gen_patr_form form,
                         tg_strbuf *out);
/* Appends a surname made from the father's name, as Soviet registrars did:
 * Қайратов(а) for Қайрат, Сергеев(а) for Сергей, Ильин(а) for Илья. */
void gen_family_from_father(const gen_pools *p, const gen_person *who, tg_strbuf *out);

/* Person index of a population of size n made from seed. */
void gen_person_make(const gen_pools *p, uint64_t seed, uint32_t index, gen_person *out);
/* City index where the main act happened (relatives: Astana). */
int gen_act_city(const gen_person *who);
/* Age in full years on 5 January 2022. */
int gen_age(const gen_person *who);
/* A generator for draws about person index that are not part of the
 * person (list captures, spellings): stream 0 is the person itself. */
void gen_rng_for(tg_rng *r, uint64_t seed, uint32_t index, uint32_t stream);
/* Standard normal draw. */
double gen_normal(tg_rng *r);
/* True with probability p. */
bool gen_chance(tg_rng *r, double p);

/* Fills out (13 bytes) with a valid IIN for the birth date and sex. */
void gen_iin_make(int by, int bm, int bd, bool female, tg_rng *r, char out[13]);

enum gen_list { GEN_GOV, GEN_NGO_A, GEN_NGO_B, GEN_MEDIA, GEN_NLISTS };

typedef struct gen_list_info {
	const char *name;        /* file list-<name>.csv */
	const char *source_type; /* source vocabulary code */
	const char *title;
	const char *organisation;
	const char *language;
	const char *const *columns;
	int ncolumns;
} gen_list_info;
extern const gen_list_info gen_lists[GEN_NLISTS];

#define GEN_MAXCOL 12

/* One list entry as it is written. */
typedef struct gen_record {
	uint32_t no;              /* record id within its list, from 1 */
	const gen_person *person;
	tg_strbuf col[GEN_MAXCOL]; /* values in the list's column order */
	tg_strbuf spelling;       /* the person's name as the list writes it */
	const char *lang;         /* language of that spelling, or NULL */
	bool duplicate;           /* the person's second entry in the list */
} gen_record;

typedef int (*gen_record_fn)(void *ctx, const gen_record *r);

/* Checks and fills in defaults for zero fields and a NULL in (seed 1,
 * size 2000, 4 lists). */
int gen_opts_resolve(const tg_gen_opts *in, tg_gen_opts *out, tg_error *err);

/* Slips (slips.c): one typing error in the UTF-8 text of s (keeping its
 * first letter and the spaces), one OCR confusion if s has a letter that
 * scanners confuse, a year with one of its last two digits mistyped. */
void gen_typo(tg_strbuf *s, tg_rng *r);
void gen_ocr(tg_strbuf *s, tg_rng *r);
int gen_year_typo(int y, tg_rng *r);

/* Calls fn for every entry of list in the list's order (a seeded
 * permutation of the population, so list order tells nothing about
 * identity). A few persons have a second entry, spelled anew, somewhere
 * else in the list (r->duplicate). A non-zero return from fn stops the
 * walk and is returned. */
int gen_list_walk(const gen_pools *p, const tg_gen_opts *o, int list, gen_record_fn fn,
                  void *ctx, tg_progress_fn progress, void *pctx);

/* ---- writing to a store ---- */

/* Deterministic record ids: UUIDv7 from a fixed base time plus a counter
 * and bytes from a generator seeded by the run's seed. */
typedef struct gen_ids {
	tg_rng rng;
	uint64_t ms;
} gen_ids;
void gen_ids_init(gen_ids *ids, uint64_t seed);

/* Creates a record of entity from doc with the next id, written into uid
 * (may be NULL). Takes doc's reference; a NULL doc (a failed json_pack)
 * is ENOMEM. */
int gen_create(tg_store *st, gen_ids *ids, const char *entity, json_t *doc,
               char uid[TG_UUID_LEN], tg_error *err);

/* Ids of the founding case's records that the demo builds on. */
typedef struct gen_founding {
	char source[TG_UUID_LEN], person[TG_UUID_LEN], nationwide[TG_UUID_LEN],
	     aktobe_event[TG_UUID_LEN], aktobe_police[TG_UUID_LEN];
} gen_founding;
int gen_founding_write(tg_store *st, gen_ids *ids, gen_founding *out, tg_error *err);

#endif
