/*
 * stats — numbers that hold up: documented counts of distinct victims and
 * multiple systems estimation of the total from overlapping lists.
 *
 * A capture table: k lists (2..6); for each observed capture pattern (a
 * bit per list, bit i set when list i recorded the person, pattern 0 is
 * never observed) the count of persons with it.
 */
#ifndef TG_STATS_H
#define TG_STATS_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "util/util.h"

#define TG_STATS_MAXLISTS 6

typedef struct tg_capture {
	int k;                               /* lists */
	char *names[TG_STATS_MAXLISTS];      /* list names (owned) */
	double count[1 << TG_STATS_MAXLISTS]; /* by pattern; count[0] unused */
} tg_capture;

/* Frees the list names. */
void tg_capture_release(tg_capture *t);
/* Persons observed: the sum of the counts. */
double tg_capture_observed(const tg_capture *t);

/* The capture table of the last linkage run's persons, one per stratum
 * of by (NULL: the whole; "place", "region", "period", "fate", "sex"):
 * cb(stratum, table), stratum NULL for the unknown one. The table's list
 * names are the lists' titles. EINVAL when no linkage has run or the
 * persons come from fewer than 2 or more than 6 lists. */
typedef struct tg_store tg_store;
int tg_stats_capture_by(tg_store *st, const char *by,
                        int (*cb)(void *ctx, const char *stratum, const tg_capture *t), void *ctx,
                        tg_error *err);

/* An estimate of the total N with a 95% interval. */
typedef struct tg_estimate {
	const char *method;  /* "lincoln_petersen", "chapman", "loglinear", "lcmcr" */
	double observed;     /* persons on at least one list */
	double estimate;     /* N */
	double lower, upper; /* 95% interval for N */
	double se;           /* standard error where the method gives one, else NAN */
	char model[256];     /* log-linear: the selected model, e.g. "[12][13][4]" */
	double aic, bic, deviance;
	int df;
	char warning[1536];  /* shaky assumptions, "" if none (whole UTF-8 characters) */
} tg_estimate;

/* Two lists (k == 2, or lists a and b of a bigger table, collapsed):
 * Lincoln–Petersen and Chapman with their variances and 95% intervals. */
int tg_estimate_lincoln_petersen(const tg_capture *t, tg_estimate *out, tg_error *err);
int tg_estimate_chapman(const tg_capture *t, tg_estimate *out, tg_error *err);

/* Log-linear: fits every hierarchical model the table allows (k <= 4:
 * every hierarchical model without the k-way term; k = 5, 6: every model
 * with main effects and any set of two-way terms) as a Poisson GLM by
 * IRLS on the observed cells, ranks them by criterion ("aic" or "bic"),
 * and gives the selected model's estimate with a profile-likelihood 95%
 * interval. models, if not NULL, gets every fitted model ranked:
 * [{"model", "estimate", "aic", "bic", "deviance", "df"}]; models that do
 * not converge or give no finite estimate are left out and counted in
 * out->warning. */
int tg_estimate_loglinear(const tg_capture *t, const char *criterion, tg_estimate *out,
                          json_t **models, tg_error *err);

/* The same search, the estimate averaged over every fitted model with
 * weights exp(-delta/2) of the criterion (Buckland et al. 1997), its
 * unconditional standard error and a log-normal 95% interval; model names
 * the best model and its weight. method "loglinear_average". */
int tg_estimate_loglinear_average(const tg_capture *t, const char *criterion, tg_estimate *out,
                                  json_t **models, tg_error *err);

/* Bayesian non-parametric latent-class model (LCMCR, Manrique-Vallier
 * 2016): a stick-breaking prior on up to K latent classes, each with its
 * own capture probability per list; a Gibbs sampler that augments the
 * unobserved persons. The estimate is the posterior median of N, the
 * interval the 95% credible interval. */
typedef struct tg_lcmcr_opts {
	int K;                    /* latent classes (default 10) */
	double a_alpha, b_alpha;  /* gamma prior of the stick-breaking concentration (0.25, 0.25) */
	long burnin;              /* sweeps discarded (default 10,000) */
	long samples;             /* sweeps kept after thinning (default 10,000) */
	int thin;                 /* keep one sweep in thin (default 10) */
	uint64_t seed;            /* default 1 */
	tg_progress_fn progress;
	void *progress_ctx;
} tg_lcmcr_opts;
/* Zero options take the defaults (seed 0 is 1; K at most 64). diagnostics,
 * if not NULL: {"sweeps", "effective_sample_size", "trace": {"mean", "sd",
 * "mcse", "first_half_mean", "second_half_mean"}, "geweke_z", "converged",
 * "seconds"}. A chain that does not look converged sets out->warning. */
int tg_estimate_lcmcr(const tg_capture *t, const tg_lcmcr_opts *o, tg_estimate *out,
                      json_t **diagnostics, tg_error *err);

/*
 * Accountability (accountability.c; docs/stats.md says how each figure is
 * counted).  A figure is {"key", "count", "ids"}: ids are the records
 * behind it (acts or proceedings), key names it for
 * tg_accountability_figure.
 */
typedef struct tg_accountability_opts {
	int clearance;  /* enum tg_clearance: records above it are left out */
	const char *by; /* funnel rows by "type" (NULL), "place" or "both" */
} tg_accountability_opts;
/* The funnel and the asymmetry of the acts and proceedings at or below
 * the clearance, as {"note" (how the funnel counts, in the reader's
 * language), "by", "clearance", "unit": "acts", "stages" (the
 * funnel's figures in order), "funnel": [row], "total": row,
 * "prosecutions", "complaints", "posthumous"}.  A row has "group"
 * ("TYPE:PLACE", "*" for all, "-" for no place), "act_type" and/or
 * "place" ({"id", "code", "name", "name_kk", ...} or null) as by says,
 * and a figure per stage; every act counts in "alleged" and once more at
 * the furthest stage any proceeding about it reached; "closed" has
 * "reasons": {closure_reason: figure}.  "prosecutions" (criminal cases
 * with a victim as defendant; counts are persons, ids proceedings):
 * "charged", "convicted", "closed" (with "reasons"), "amnesty",
 * "pending", "sentences" (counts proceedings, with "months" and
 * "years").  "complaints" (complaints and investigations of acts;
 * counts are proceedings): "total", "refused_to_open",
 * "closed_no_crime", "closed_other" (with "reasons"), "pending",
 * "charged", "convicted".  "posthumous": proceedings with a posthumous
 * stage and posthumous_prosecution acts none of them concerns.  EINVAL
 * (field "by") for another by.  *out is a new reference. */
int tg_stats_accountability(tg_store *st, const tg_accountability_opts *o, json_t **out,
                            tg_error *err);
/* The figure of acc (a tg_stats_accountability result) named key,
 * borrowed from acc; NULL when there is none. */
const json_t *tg_accountability_figure(const json_t *acc, const char *key);
/* A figure's label in the reader's language: section "funnel",
 * "prosecutions", "complaints", "posthumous" or "reason" (for
 * "unspecified"); name itself when unknown. */
const char *tg_accountability_label(const char *section, const char *name);
/* A closure reason of a "reasons" object in lang: the closure_reason
 * term's label, or "reason not recorded" for "unspecified". */
const char *tg_accountability_reason_label(tg_store *st, const char *code, const char *lang);
/* A row's place in lang (kk, ru, en), its usual name, or "place unknown"
 * for null. */
const char *tg_accountability_place_label(const json_t *place, const char *lang);

#endif
