/* Internal to lib/gen: the state of one tg_gen_demo run. */
#ifndef TG_GEN_DEMO_H
#define TG_GEN_DEMO_H

#include "gen/population.h"

/* A person's entry in one list. */
typedef struct gen_appearance {
	uint32_t no; /* 0: not in the list */
	char *spelling;
	const char *lang;
} gen_appearance;

typedef struct gen_demo {
	tg_store *st;
	gen_ids ids;
	const gen_pools *pools;
	tg_gen_opts o;
	tg_error *err;
	gen_founding founding;
	char list_source[GEN_NLISTS][TG_UUID_LEN];
	char city_event[GEN_NCITIES][TG_UUID_LEN];
	char relatives_event[TG_UUID_LEN];
	char unit[GEN_NCITIES][GEN_NUNIT_KINDS][TG_UUID_LEN]; /* "" until made */
	char national[GEN_NUNIT_KINDS][TG_UUID_LEN];          /* the units' head bodies */
	char last_killed[TG_UUID_LEN]; /* whose relatives the next relative stands for */
	gen_appearance *seen; /* size * GEN_NLISTS, by person and list */
} gen_demo;

/* Writes person who of the population: the person record with every list
 * spelling, the acts, perpetrators' involvements, proceedings and one
 * information record per list entry. */
int gen_demo_person(gen_demo *d, const gen_person *who);

/* Id of the unit of kind in city, made on first use. */
int gen_demo_unit(gen_demo *d, int city, int kind, const char **uid);

#endif
