/*
 * A simulation study of the estimators: populations of known size N are
 * captured by four lists under three scenarios, and each estimator's bias
 * and the coverage of its 95% interval are measured over many replicates.
 *   bench-mse [REPLICATES] [SEED]      (default 200 1)
 * Scenarios:
 *   independent  — every person has the same capture probability per list
 *                  and lists are independent (every estimator's model holds);
 *   heterogeneous — two latent groups, one visible (captured often), one
 *                  hidden (rarely): LCMCR's model holds, Chapman's does not;
 *   dependent    — list 2 finds the people list 1 found far more often
 *                  (positive dependence): a two-way term covers it.
 * Baseline in the same run: the time of Chapman over all replicates; the
 * other estimators' times are given as ratios to it.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "stats/stats.h"

#define N 2000
#define LISTS 4

enum { INDEPENDENT, HETEROGENEOUS, DEPENDENT, NSCEN };
static const char *const scenario_names[NSCEN] = {"independent", "heterogeneous", "dependent"};

static void simulate(int scenario, tg_rng *r, tg_capture *t)
{
	static const double p[LISTS] = {0.30, 0.25, 0.20, 0.35};
	memset(t->count, 0, sizeof t->count);
	t->k = LISTS;
	for (int i = 0; i < N; i++) {
		unsigned pattern = 0;
		bool visible = tg_rng_unit(r) < 0.3;
		for (int l = 0; l < LISTS; l++) {
			double q = p[l];
			if (scenario == HETEROGENEOUS)
				q = visible ? 0.55 : 0.10;
			if (scenario == DEPENDENT && l == 1)
				q = pattern & 1 ? 0.60 : 0.15;
			if (tg_rng_unit(r) < q)
				pattern |= 1u << l;
		}
		if (pattern)
			t->count[pattern]++;
	}
}

enum { CHAPMAN, LOGLINEAR, AVERAGED, LCMCR, NEST };
static const char *const estimator_names[NEST] = {"chapman (lists 1-2)", "loglinear (AIC)",
                                                  "loglinear averaged (AIC)", "lcmcr"};

typedef struct tally {
	double sum, sumsq, covered, width, seconds;
	int n, failed;
} tally;

int main(int argc, char **argv)
{
	int reps = argc > 1 ? atoi(argv[1]) : 200;
	uint64_t seed = argc > 2 ? strtoull(argv[2], NULL, 10) : 1;
	if (reps < 1)
		bench_die("replicates", "give a positive number");
	static char *names[LISTS] = {"A", "B", "C", "D"};
	tally tl[NSCEN][NEST] = {{{0}}};
	for (int s = 0; s < NSCEN; s++) {
		tg_rng r;
		tg_rng_seed(&r, seed * 7919 + (uint64_t)s);
		for (int rep = 0; rep < reps; rep++) {
			tg_capture t = {0};
			for (int l = 0; l < LISTS; l++)
				t.names[l] = names[l];
			simulate(s, &r, &t);
			for (int e = 0; e < NEST; e++) {
				tg_estimate est = {0};
				tg_error err = {0};
				double t0 = bench_now();
				int rc;
				if (e == CHAPMAN) {
					rc = tg_estimate_chapman(&t, &est, &err);
				} else if (e == LOGLINEAR) {
					rc = tg_estimate_loglinear(&t, "aic", &est, NULL, &err);
				} else if (e == AVERAGED) {
					rc = tg_estimate_loglinear_average(&t, "aic", &est, NULL, &err);
				} else {
					tg_lcmcr_opts o = {.seed = seed + (uint64_t)rep, .burnin = 2000,
					                   .samples = 2000, .thin = 5};
					rc = tg_estimate_lcmcr(&t, &o, &est, NULL, &err);
				}
				tally *x = &tl[s][e];
				x->seconds += bench_now() - t0;
				if (rc || !isfinite(est.estimate)) {
					x->failed++;
					continue;
				}
				x->n++;
				x->sum += est.estimate;
				x->sumsq += (est.estimate - N) * (est.estimate - N);
				x->covered += est.lower <= N && N <= est.upper;
				x->width += est.upper - est.lower;
			}
		}
	}
	printf("bench-mse: N = %d, %d lists, %d replicates per scenario, seed %llu\n", N, LISTS, reps,
	       (unsigned long long)seed);
	printf("| scenario | estimator | mean estimate | relative bias | RMSE | coverage of 95%% "
	       "interval | mean width | failed | seconds (vs Chapman) |\n|---|---|---|---|---|---|---|---|---|\n");
	for (int s = 0; s < NSCEN; s++)
		for (int e = 0; e < NEST; e++) {
			tally *x = &tl[s][e];
			double mean = x->n ? x->sum / x->n : NAN;
			printf("| %s | %s | %.0f | %+.3f | %.0f | %.3f | %.0f | %d | %.2f (%.0fx) |\n",
			       scenario_names[s], estimator_names[e], mean, (mean - N) / N,
			       x->n ? sqrt(x->sumsq / x->n) : NAN, x->n ? x->covered / x->n : NAN,
			       x->n ? x->width / x->n : NAN, x->failed, x->seconds,
			       x->seconds / (tl[s][CHAPMAN].seconds > 0 ? tl[s][CHAPMAN].seconds : 1));
		}
	return 0;
}
