/*
 * link — record linkage: which raw records of the imported lists are the
 * same person.  Records are standardised (name tokens and their keys,
 * partial birth dates, sex, IIN, place), paired by a union of blocking
 * rules (each pair made once), compared field by field into ordered
 * levels, scored by Fellegi–Sunter weights (u from random pairs, m and
 * the prior by EM over the distinct comparison patterns, term-frequency
 * adjustment for common names) and clustered by union-find over the
 * links above the upper threshold, refusing unions that a cannot-link
 * constraint forbids.  Pairs between the thresholds form the review
 * queue.
 *
 * The module works in memory on records handed to it; the store loads
 * them and keeps the results.
 */
#ifndef TG_LINK_H
#define TG_LINK_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/util.h"

/* Jaro–Winkler similarity of two byte strings (prefix scale 0.1, common
 * prefix up to 4, the boost always applied), as R's stringdist method
 * "jw" with p = 0.1 gives 1 - distance. Two empty strings are 1. */
double tg_jaro_winkler(const char *a, size_t alen, const char *b, size_t blen);

typedef struct tg_link tg_link;

/* One raw record as imported (see tg_raw_record): text as written, dates
 * as canonical partial dates. NULL for what the list does not give. */
typedef struct tg_link_input {
	long long id;     /* the raw record's id */
	int list;         /* the list's index, 0..; lists are numbered by the caller */
	const char *lang; /* the list's language: "ru" puts the family name first */
	const char *full_name, *family, *given, *patronymic;
	const char *birth_date; /* partial date "1988", "1988-03", "1988-03-12" */
	int age;                /* -1 when not given */
	const char *event_date; /* the event the list records (and the age refers to) */
	const char *death_date; /* the event, for lists of the dead, when event_date is NULL */
	const char *sex;        /* "male", "female" or NULL */
	const char *iin;
	const char *place;
	const char *fate; /* "killed", "died_in_custody", "dead", "alive" or NULL;
	                   * a death date says "dead" */
} tg_link_input;

tg_link *tg_link_new(void);
void tg_link_free(tg_link *lk);
/* Adds and standardises one record. Records keep the order of addition:
 * record i is the i-th added. */
void tg_link_add(tg_link *lk, const tg_link_input *in);
size_t tg_link_size(const tg_link *lk);
/* Index of the record with raw id id, or -1. */
long tg_link_find(const tg_link *lk, long long id);

/* A reviewer's decision about two records (by raw id): must_link true
 * joins them whatever the score, false keeps them apart. */
void tg_link_constrain(tg_link *lk, long long a, long long b, bool must_link);

typedef struct tg_link_opts {
	double upper;   /* auto-link at or above this match probability (default 0.85) */
	double lower;   /* review between lower and upper (default 0.5) */
	int block_cap;  /* blocks larger than this are skipped and reported (default 300) */
	int threads;    /* comparison threads (default: online CPUs, at most 8) */
	uint64_t seed;  /* for the random pairs that estimate u (default 1) */
	long u_pairs;   /* random pairs for u (default 2,000,000) */
	int em_iterations; /* at most (default 100) */
	tg_progress_fn progress;
	void *progress_ctx;
} tg_link_opts;

/* Runs blocking, comparison, EM and clustering. */
int tg_link_run(tg_link *lk, const tg_link_opts *o, tg_error *err);

/* After a run: the cluster of record i, as the index of its smallest
 * member (so clusters are named by their first-added record). */
size_t tg_link_cluster(const tg_link *lk, size_t i);
/* Pairs in the review band, highest probability first. */
size_t tg_link_review_count(const tg_link *lk);
void tg_link_review_at(const tg_link *lk, size_t k, size_t *a, size_t *b, double *prob);
/* The run in figures: {"records", "clusters", "blocking": [{"rule",
 * "pairs", "new_pairs", "reduction_ratio", "capped_blocks",
 * "capped_records"}], "pairs", "patterns", "em": {"iterations",
 * "lambda", "converged"}, "comparisons": [{"name", "levels": [{"label",
 * "m", "u"}]}], "links", "refused_unions", "review", "timings": {phase:
 * seconds}}. New reference. */
json_t *tg_link_report(const tg_link *lk);
/* The first blocking rule that pairs records i and j (its index in the
 * report's "blocking"), or -1 when no rule does (or only in a block over
 * the cap of the last run). */
int tg_link_blocked_by(const tg_link *lk, size_t i, size_t j);
const char *tg_link_rule_name(int rule);
/* Why records i and j score what they score: the level of each
 * comparison, its m and u, its weight (log2 m/u, term-frequency adjusted
 * where it applies), the prior, the total and the match probability; and
 * the constraint that keeps them apart, if any. Works after a run (the
 * trained weights) or before (the default ones). New reference. */
json_t *tg_link_explain(const tg_link *lk, size_t i, size_t j);

/* Uses the trained model of an earlier run (its report) instead of the
 * defaults, for explanations without a new run; EINVAL if the report
 * holds no model. */
int tg_link_set_model(tg_link *lk, const json_t *report);

/* The name of a gazetteer place code (data/places.json: "kz-almaty-city")
 * in lang (kk, ru, en; NULL: en); anything else comes back as it is. */
const char *tg_link_place_label(const char *code, const char *lang);
/* What happened to a person (killed, died_in_custody, dead, alive) in the
 * reader's language; another code as it is. */
const char *tg_link_fate_label(const char *code);
/* The fields of a list record a reviewer compares, in order: the i-th key
 * of tg_raw_json's object and its label in the reader's language (NULL
 * past the last). */
const char *tg_link_review_field(int i, const char **label);

/* ---- over the database ---- */
typedef struct tg_store tg_store;
/* A list record's value of key as a reviewer reads it: dates written out,
 * sex and fate in words. NULL for NULL; caller frees. */
char *tg_link_review_value(tg_store *st, const char *key, const char *value, const char *lang);
/* A linker holding every raw record of the database (lists numbered in
 * the order their first record was imported) and every live reviewer's
 * decision as a constraint. */
int tg_link_load(tg_store *st, tg_link **out, tg_error *err);
/* Loads, runs and keeps the results: the persons (a person keeps its id
 * when its cluster is unchanged), the review queue with each pair's
 * explanation, and the run (a ledger entry). *report as
 * tg_link_report plus "run" (the run's id). With keep, *keep gets the
 * linker after the run (the caller frees it). EINVAL when there is
 * nothing to link. */
int tg_link_database(tg_store *st, const tg_link_opts *o, json_t **report, tg_link **keep,
                     tg_error *err);

#endif
