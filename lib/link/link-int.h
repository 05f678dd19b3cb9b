/*
 * Inside the linker: standardised records, interned name keys, the
 * comparison levels and the trained model.
 */
#ifndef TG_LINK_INT_H
#define TG_LINK_INT_H

#include "link/link.h"

#define LK_MAXTOK 4

enum { LK_FATE_UNKNOWN, LK_FATE_DEAD, LK_FATE_KILLED, LK_FATE_CUSTODY, LK_FATE_ALIVE };

/* A standardised record. Name parts are interned key ids (0: none). */
typedef struct lrec {
	long long id;
	uint32_t list;
	uint32_t tok[LK_MAXTOK]; /* keys of the name's words, patronymic left out */
	uint8_t ntok;
	uint8_t sex;             /* 0 unknown, 1 male, 2 female */
	uint8_t bm, bd;          /* birth month and day, 0 unknown */
	int16_t by;              /* birth year, 0 unknown */
	uint8_t yfuzzy;          /* from an age: the year is by or by - 1 */
	uint8_t iin_valid;
	uint32_t given, family;  /* key ids */
	uint32_t patr;           /* the patronymic's stem (the father's name) */
	uint32_t fstem;          /* the family name's stem (Кайратов: KAIRAT) */
	uint32_t place, region;  /* interned place and region */
	int32_t event;           /* day number of the event (death, detention), 0 unknown */
	uint8_t event_prec;      /* 1 year, 2 month, 3 day */
	int16_t ey;              /* the event date as given: year, month, day (0 unknown) */
	uint8_t em, ed;
	uint8_t fate;            /* LK_FATE_* */
	uint64_t iin;            /* the 12 digits as a number, 0 if none */
} lrec;

/* Interned strings (name keys, stems, places): id 0 is "none". */
typedef struct lk_str {
	const char *s;
	uint32_t len;
	uint32_t count; /* records that use it, for term frequencies */
} lk_str;

typedef struct lk_intern {
	lk_str *v;
	uint32_t n, cap;
	uint32_t *slot; /* open addressing: ids, 0 empty */
	uint32_t nslot;
	tg_arena *arena;
} lk_intern;

uint32_t lk_intern_get(lk_intern *t, const char *s, size_t len);
void lk_intern_free(lk_intern *t);

/* Comparisons, their levels, and the pattern code of a pair. */
enum { CMP_NAME, CMP_PATR, CMP_BIRTH, CMP_SEX, CMP_IIN, CMP_PLACE, CMP_EVENT, CMP_FATE, NCMP };
#define LK_MAXLEVEL 6
typedef struct lk_comparison {
	const char *name;
	int nlevels; /* not counting "missing" */
	const char *levels[LK_MAXLEVEL];
	double m0[LK_MAXLEVEL]; /* starting m-probabilities */
	double u0[LK_MAXLEVEL]; /* u before the random pairs are drawn */
} lk_comparison;
extern const lk_comparison lk_comparisons[NCMP];
/* Level of each comparison for a pair, -1 when a side lacks the field. */
void lk_compare(const lk_intern *keys, const lrec *a, const lrec *b, int level[NCMP]);
/* Packs levels into one pattern code and back. */
uint32_t lk_pattern(const int level[NCMP]);
void lk_unpattern(uint32_t p, int level[NCMP]);
uint32_t lk_npatterns(void);

/* Cannot-link by attributes: two different valid IINs, full birth dates
 * no typo explains, different sex; a bit each. */
enum { LK_CONFLICT_IIN = 1, LK_CONFLICT_BIRTH = 2, LK_CONFLICT_SEX = 4, LK_CONFLICT_PATR = 8,
       LK_CONFLICT_SCORE = 16, LK_CONFLICT_DECIDED = 32 };
int lk_conflict_kind(const lk_intern *keys, const lrec *a, const lrec *b);
/* The reason for the first bit of kind, untranslated (N_), or NULL. */
const char *lk_conflict_name(int kind);

#define LK_MAXLISTS 16
/* A list pair's prior stays within this factor of the global one. */
#define LK_LP_RATIO 100.0

/* Blocking rules, in the order they are applied. */
enum { RULE_IIN, RULE_NAMES, RULE_NAME_YEAR, RULE_NAME_PREFIX, RULE_NAME_PLACE, NRULES };

typedef struct lk_model {
	double lambda;         /* prior: a random pair matches */
	double blocked_lambda; /* share of matches among the compared pairs */
	/* The prior of a pair by the lists its records come from (lists
	 * differ in scope: a list of the dead shares few people with one of
	 * torture complainants); 0 lists: the global prior for every pair. */
	int nlists;
	double lp[LK_MAXLISTS][LK_MAXLISTS];
	double m[NCMP][LK_MAXLEVEL], u[NCMP][LK_MAXLEVEL];
	int iterations;
	bool converged, trained;
} lk_model;

struct tg_link {
	lrec *rec;
	size_t n, cap;
	lk_intern keys;   /* name keys and stems */
	lk_intern places; /* place keys and gazetteer codes */
	/* gazetteer: place key id -> place code id, region code id */
	uint32_t *gaz_place, *gaz_region;
	uint32_t ngaz;
	struct lk_constraint {
		long long a, b;
		bool must;
	} *cons;
	size_t ncons, capcons;
	/* results */
	lk_model model;
	uint32_t *cluster;
	struct lk_review {
		uint32_t a, b;
		float p;
	} *review;
	size_t nreview;
	json_t *report;
	uint32_t *by_id_sorted; /* record indexes sorted by id, for tg_link_find */
	struct lk_keys {
		uint64_t *v;
		size_t n, cap;
	} capped[NRULES]; /* per blocking rule: keys of the blocks skipped, ascending */
};

/* A compared pair: record indexes a < b and the pattern of its levels. */
typedef struct lk_pair {
	uint32_t a, b, pat;
} lk_pair;
typedef struct lk_pairs {
	lk_pair *v;
	size_t n, cap;
} lk_pairs;
void lk_pairs_push(lk_pairs *p, uint32_t a, uint32_t b, uint32_t pat);

/* Seconds on a monotonic clock. */
double lk_now(void);
/* Threads to use: asked if positive, else the online CPUs (at most 8). */
int lk_threads(int asked);
/* Runs fn(ctx, t, nthreads) on nthreads threads (t = 0..nthreads-1). */
void lk_parallel(int nthreads, void (*fn)(void *ctx, int t, int nthreads), void *ctx);

/* Training in the middle of blocking: after the last training rule,
 * train(ctx, counts) fits the model and returns, per pattern, whether a
 * pair with it can reach the review band (the array lives on). */
#define LK_LAST_TRAINING_RULE RULE_NAME_YEAR
typedef struct lk_training {
	const uint8_t *(*train)(void *ctx, const uint64_t *counts);
	void *ctx;
} lk_training;

/* Blocking and comparison: every pair that some rule puts in one block,
 * once, compared; counts[rule * npatterns + pattern] gets the number of
 * pairs the rule made with each pattern (for the training rules, every
 * pair in their blocks, also those an earlier rule made). With tr, only
 * the pairs whose pattern may reach the review band are kept in out. Adds the per-rule figures to
 * rules (a JSON array). */
void lk_block_compare(tg_link *lk, int nthreads, int cap, lk_pairs *out, uint64_t *counts,
                      const lk_training *tr, json_t *rules, tg_progress_fn progress,
                      void *pctx);

/* u from random pairs, then m and the prior by EM over the pattern
 * counts. */
void lk_estimate_u(tg_link *lk, long npairs, uint64_t seed, int nthreads);
void lk_em(tg_link *lk, const uint64_t *counts, int max_iterations);
void lk_model_default(tg_link *lk);

/* Clusters from the links (pairs above the upper threshold, sorted best
 * first) and the reviewers' constraints; fills lk->cluster and returns
 * the unions refused for each conflict (IIN, birth, sex, patronymic,
 * records that speak against each other, decision) in refused[6]. */
void lk_cluster(tg_link *lk, const lk_pair *links, size_t nlinks, long refused[6]);

/* Standardises in into r. */
void lk_standardise(tg_link *lk, const tg_link_input *in, lrec *r);
void lk_gazetteer_load(tg_link *lk);

/* Weight (log2 Bayes factor) of comparison c at level l for the pair,
 * term-frequency adjusted where it applies. */
double lk_weight(const tg_link *lk, const lrec *a, const lrec *b, int c, int l);
/* The highest match probability a pair with these levels can have,
 * whatever its names' frequencies. */
double lk_max_probability(const tg_link *lk, const int level[NCMP]);
/* The prior of a pair: its lists' when known, else the global one. */
double lk_prior(const tg_link *lk, const lrec *a, const lrec *b);
/* The evidence of a pair in bits: its weights summed, without the prior. */
double lk_evidence(const tg_link *lk, const lrec *a, const lrec *b, const int level[NCMP]);
/* Fits the prior of every pair of lists by EM over the kept pairs'
 * evidence (bits, one per pair), the m and u being fixed. */
void lk_list_priors(tg_link *lk, const lk_pairs *pairs, const float *evidence);
/* Match probability of a pair with these levels. */
double lk_probability(const tg_link *lk, const lrec *a, const lrec *b, const int level[NCMP]);

#endif
