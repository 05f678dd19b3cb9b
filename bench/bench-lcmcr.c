/*
 * The latent-class estimator (LCMCR): speed and calibration.
 *   bench-lcmcr [REPLICATES] [ROUNDS]   (default 200 3)
 *
 * Speed: 100,000 sweeps (10,000 burn-in, then 9,000 kept, one in 10) of
 * two published tables (4 lists: people who inject drugs in Scotland,
 * 2006, 5,670 observed; 6 lists: potential victims of modern slavery, UK
 * 2013, 2,744 observed) and of 4- and 6-list tables drawn from a 3-class
 * model (N = 10,000), one core, default K = 10; ROUNDS rounds, medians. Prints
 * sweeps per second and effective samples of N per second (the ESS of the
 * kept trace over the run's time).
 *
 * Calibration: REPLICATES tables per scenario with a known N = 2,000, each
 * estimated with 5,000 burn-in sweeps and 5,000 kept, one in 5: mean
 * bias, relative bias, RMSE, coverage of the 95% interval, mean interval
 * width, share of chains that look converged. Scenarios:
 *   model     the model holds: two equally large latent classes, capture
 *             probabilities 0.6-0.7 and 0.25-0.35 (the unit test's case);
 *   close     the model holds, classes closer and harder to reach:
 *             0.4-0.6 and 0.2-0.3;
 *   dependent list dependence with heterogeneity: a person's capture
 *             log-odds on each list are the list's effect plus a personal
 *             N(0, 1) effect; being on list 1 raises the odds of list 2
 *             (x e), being on list 3 lowers those of list 4 (x 1/e).
 * Prints lines ready for BENCHMARKS.md.
 */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "stats/stats.h"

enum { POP = 2000 };

/* People who inject drugs in Scotland, 2006 (King et al. 2013; conting's
 * ScotPWID summed over region, sex and age); bit i = list i + 1. */
static const double scot_pwid[16] = {0,  654, 751, 19, 3092, 198, 121, 8,
                                     684, 13,  43,  2,  69,   7,   9,   0};
/* Potential victims of modern slavery, UK 2013, six lists (Silverman 2014;
 * tests/unit/stats/fixtures/DATASETS.md). */
static const double uk6[64] = {
	0, 54, 463, 15, 907, 19, 56, 1, 695, 3, 19, 1, 69, 0, 4, 1,
	316, 0, 1, 0, 10, 0, 0, 0, 8, 0, 0, 0, 0, 0, 0, 0,
	57, 0, 3, 0, 31, 0, 3, 0, 6, 0, 0, 0, 1, 0, 0, 0,
	1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
};

/* N persons of the latent classes with weights w and capture
 * probabilities lam[class][list]. */
static void draw_classes(tg_capture *t, tg_rng *r, int k, int N, int classes, const double *w,
                         const double lam[][6])
{
	*t = (tg_capture){.k = k};
	for (int i = 0; i < N; i++) {
		double u = tg_rng_unit(r);
		int c = 0;
		while (c < classes - 1 && u >= w[c])
			u -= w[c++];
		int p = 0;
		for (int j = 0; j < k; j++)
			if (tg_rng_unit(r) < lam[c][j])
				p |= 1 << j;
		t->count[p]++;
	}
}

static double normal(tg_rng *r)
{
	double u = 1 - tg_rng_unit(r), v = tg_rng_unit(r);
	return sqrt(-2 * log(u)) * cos(2 * M_PI * v);
}

/* Heterogeneity and dependence: see the header. */
static void draw_dependent(tg_capture *t, tg_rng *r, int N)
{
	static const double effect[4] = {-1.0, -1.2, -0.8, -1.4};
	*t = (tg_capture){.k = 4};
	for (int i = 0; i < N; i++) {
		double person = normal(r);
		int p = 0;
		for (int j = 0; j < 4; j++) {
			double logit = effect[j] + person;
			if (j == 1 && (p & 1))
				logit += 1;
			if (j == 3 && (p & 4))
				logit -= 1;
			if (tg_rng_unit(r) < 1 / (1 + exp(-logit)))
				p |= 1 << j;
		}
		t->count[p]++;
	}
}

static void scenario_table(const char *name, tg_capture *t, uint64_t seed)
{
	static const double w2[2] = {0.5, 0.5};
	static const double model[2][6] = {{0.7, 0.6, 0.65, 0.7}, {0.3, 0.35, 0.25, 0.3}};
	static const double close[2][6] = {{0.5, 0.4, 0.6, 0.45}, {0.25, 0.3, 0.2, 0.3}};
	tg_rng r;
	tg_rng_seed(&r, seed);
	if (!strcmp(name, "model"))
		draw_classes(t, &r, 4, POP, 2, w2, model);
	else if (!strcmp(name, "close"))
		draw_classes(t, &r, 4, POP, 2, w2, close);
	else
		draw_dependent(t, &r, POP);
}

static void estimate(const tg_capture *t, const tg_lcmcr_opts *o, tg_estimate *e, json_t **d)
{
	tg_error err = {0};
	if (tg_estimate_lcmcr(t, o, e, d, &err))
		bench_die("tg_estimate_lcmcr", err.msg);
}

static void speed(const char *label, const tg_capture *t, int rounds)
{
	double *secs = calloc((size_t)rounds, sizeof *secs), *ess = calloc((size_t)rounds, sizeof *ess);
	if (!secs || !ess)
		abort();
	tg_estimate e;
	for (int i = 0; i < rounds; i++) {
		tg_lcmcr_opts o = {.burnin = 10000, .samples = 9000, .thin = 10, .seed = 1 + (uint64_t)i};
		json_t *d;
		double t0 = bench_now();
		estimate(t, &o, &e, &d);
		secs[i] = bench_now() - t0;
		ess[i] = json_real_value(json_object_get(d, "effective_sample_size")) / secs[i];
		json_decref(d);
	}
	double s = bench_median(secs, rounds), es = bench_median(ess, rounds);
	printf("| %s | %.0f | %.3f s | %.0f sweeps/s | %.0f ESS/s | N %.0f [%.0f, %.0f] |\n", label,
	       e.observed, s, 100000 / s, es, e.estimate, e.lower, e.upper);
	free(secs);
	free(ess);
}

static void calibration(const char *name, int reps)
{
	double bias = 0, sq = 0, width = 0, t0 = bench_now();
	int covered = 0, converged = 0;
	for (int r = 0; r < reps; r++) {
		tg_capture t;
		tg_estimate e;
		json_t *d;
		scenario_table(name, &t, 100000 + (uint64_t)r);
		tg_lcmcr_opts o = {.burnin = 5000, .samples = 5000, .thin = 5, .seed = 1 + (uint64_t)r};
		estimate(&t, &o, &e, &d);
		bias += e.estimate - POP;
		sq += (e.estimate - POP) * (e.estimate - POP);
		width += e.upper - e.lower;
		covered += e.lower <= POP && POP <= e.upper;
		converged += json_is_true(json_object_get(d, "converged"));
		json_decref(d);
	}
	printf("| %s | %d | %+.0f (%+.1f%%) | %.0f | %.1f%% | %.0f | %.0f%% | %.0f s |\n", name, reps,
	       bias / reps, 100 * bias / reps / POP, sqrt(sq / reps), 100.0 * covered / reps,
	       width / reps, 100.0 * converged / reps, bench_now() - t0);
}

int main(int argc, char **argv)
{
	int reps = argc > 1 ? atoi(argv[1]) : 200, rounds = argc > 2 ? atoi(argv[2]) : 3;
	if (reps < 1 || rounds < 1)
		bench_die("usage", "bench-lcmcr [REPLICATES] [ROUNDS]");
	static const double w3[3] = {0.3, 0.4, 0.3};
	static const double lam3[3][6] = {{0.5, 0.4, 0.6, 0.45, 0.3, 0.5},
	                                  {0.2, 0.3, 0.25, 0.1, 0.15, 0.2},
	                                  {0.05, 0.1, 0.08, 0.3, 0.1, 0.05}};
	tg_capture scot = {.k = 4}, uk = {.k = 6}, four, six;
	memcpy(scot.count, scot_pwid, sizeof scot_pwid);
	memcpy(uk.count, uk6, sizeof uk6);
	tg_rng r;
	tg_rng_seed(&r, 5);
	draw_classes(&four, &r, 4, 10000, 3, w3, lam3);
	draw_classes(&six, &r, 6, 10000, 3, w3, lam3);

	printf("100,000 sweeps, K = 10, one core, median of %d rounds\n\n", rounds);
	printf("| table | observed | time | speed | effective samples of N | estimate |\n");
	printf("|---|---|---|---|---|---|\n");
	speed("4 lists, Scottish PWID 2006", &scot, rounds);
	speed("4 lists, 3 classes, N = 10,000", &four, rounds);
	speed("6 lists, UK modern slavery 2013", &uk, rounds);
	speed("6 lists, 3 classes, N = 10,000", &six, rounds);

	printf("\n%d replicates per scenario, N = %d, 5,000 + 5,000 x 5 sweeps each\n\n", reps, POP);
	printf("| scenario | replicates | mean bias | RMSE | 95%% coverage | mean width | converged "
	       "| time |\n");
	printf("|---|---|---|---|---|---|---|---|\n");
	calibration("model", reps);
	calibration("close", reps);
	calibration("dependent", reps);
	return 0;
}
