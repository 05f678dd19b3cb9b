/* The latent-class estimator (LCMCR): covers the true N on data drawn from
 * the model, agrees with an independent sampler, gives a sane estimate on a
 * published table, repeats itself under a seed, warns when its chain or its
 * lists are weak, and rejects bad tables. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "stats/stats.h"

/* ---- fixtures ---- */

/* Capture probabilities of the four lists in two latent classes. */
static const double lam_a[4] = {0.5, 0.4, 0.6, 0.45};
static const double lam_b[4] = {0.25, 0.3, 0.2, 0.3};
static const double lam_hard[4] = {0.15, 0.25, 0.2, 0.1}; /* seldom reached */

/* N persons of two equally likely latent classes; within a class the four
 * lists capture independently. */
static void simulate_two_classes(tg_capture *t, uint64_t seed, int N, const double a[4],
                                 const double b[4])
{
	tg_rng r;
	tg_rng_seed(&r, seed);
	*t = (tg_capture){.k = 4};
	for (int i = 0; i < N; i++) {
		const double *lam = tg_rng_unit(&r) < 0.5 ? a : b;
		int p = 0;
		for (int j = 0; j < 4; j++)
			if (tg_rng_unit(&r) < lam[j])
				p |= 1 << j;
		t->count[p]++;
	}
}

static void estimate_ok(const tg_capture *t, const tg_lcmcr_opts *o, tg_estimate *e,
                        json_t **diag)
{
	tg_error err = {0};
	int rc = tg_estimate_lcmcr(t, o, e, diag, &err);
	if (rc)
		fail_msg("tg_estimate_lcmcr: %s: %s", err.path, err.msg);
}

/* People who inject drugs in Scotland, 2006 (King et al. 2013; the table
 * ScotPWID of the R package conting, summed over region, sex and age):
 * social enquiry reports, hospital records, the drug misuse database and
 * the hepatitis C database; bit i = list i + 1. */
static const double scot_pwid[16] = {0,  654, 751, 19, 3092, 198, 121, 8,
                                     684, 13,  43,  2,  69,   7,   9,   0};

/* ---- behaviour ---- */

static void test_lcmcr_interval_covers_true_n_on_data_from_the_model(void **state)
{
	/* Two well separated classes. Short chains: the test runs under the
	 * sanitizers too; bench-lcmcr runs 200 replicates of this and of
	 * harder cases. */
	static const double often[4] = {0.7, 0.6, 0.65, 0.7}, seldom[4] = {0.3, 0.35, 0.25, 0.3};
	enum { REPS = 40, N = 2000 };
	int covered = 0;
	double bias = 0;
	for (int r = 0; r < REPS; r++) {
		tg_capture t;
		tg_estimate e;
		simulate_two_classes(&t, 1000 + (uint64_t)r, N, often, seldom);
		tg_lcmcr_opts o = {.burnin = 2000, .samples = 2000, .thin = 5, .seed = 7 + (uint64_t)r};
		estimate_ok(&t, &o, &e, NULL);
		assert_true(e.lower <= e.estimate && e.estimate <= e.upper);
		assert_true(e.lower >= e.observed);
		covered += e.lower <= N && N <= e.upper;
		bias += (e.estimate - N) / N / REPS;
	}
	print_message("coverage %d/%d, mean relative bias %+.3f\n", covered, REPS, bias);
	assert_true(covered >= REPS * 85 / 100);
	assert_true(fabs(bias) < 0.03);
}

static void test_lcmcr_agrees_with_an_independent_sampler(void **state)
{
	/* Class b hard to reach. An independent per-person Gibbs sampler of
	 * the same model, written in R with R's own variates (2 x 40,000
	 * iterations), puts the posterior median of N at 1,812 and the 95%
	 * interval at [1,703, 1,964]. */
	tg_capture t;
	tg_estimate e;
	simulate_two_classes(&t, 1001, 2000, lam_a, lam_hard);
	tg_lcmcr_opts o = {.burnin = 5000, .samples = 10000, .thin = 5, .seed = 3};
	estimate_ok(&t, &o, &e, NULL);
	assert_float_equal(e.observed, 1462, 0);
	assert_float_equal(e.estimate, 1812, 1812 * 0.015);
	assert_float_equal(e.lower, 1703, 1703 * 0.02);
	assert_float_equal(e.upper, 1964, 1964 * 0.03);
}

static void test_lcmcr_published_table_gives_a_sane_estimate(void **state)
{
	tg_capture t = {.k = 4};
	memcpy(t.count, scot_pwid, sizeof scot_pwid);
	tg_estimate e;
	json_t *diag;
	estimate_ok(&t, NULL, &e, &diag);
	assert_string_equal(e.method, "lcmcr");
	assert_float_equal(e.observed, 5670, 0);
	/* Little overlap between the lists: far more persons than observed, a
	 * long upper tail, a posterior with two modes the chain visits
	 * seldom (the warning may say so), but no absurd value. */
	assert_true(e.lower > 2 * e.observed);
	assert_true(e.lower < e.estimate && e.estimate < e.upper);
	assert_true(e.estimate < 10 * e.observed);
	assert_true(e.upper < 20 * e.observed);
	assert_true(e.se > 0);
	json_decref(diag);
}

static void test_lcmcr_same_seed_gives_same_result(void **state)
{
	tg_capture t;
	tg_estimate a, b, c;
	simulate_two_classes(&t, 5, 2000, lam_a, lam_hard);
	tg_lcmcr_opts o = {.burnin = 500, .samples = 1000, .thin = 2, .seed = 42};
	estimate_ok(&t, &o, &a, NULL);
	estimate_ok(&t, &o, &b, NULL);
	assert_memory_equal(&a.estimate, &b.estimate, sizeof a.estimate);
	assert_memory_equal(&a.lower, &b.lower, sizeof a.lower);
	assert_memory_equal(&a.upper, &b.upper, sizeof a.upper);
	assert_memory_equal(&a.se, &b.se, sizeof a.se);
	assert_string_equal(a.warning, b.warning);
	o.seed = 43;
	estimate_ok(&t, &o, &c, NULL);
	assert_true(a.se != c.se);
}

static void test_lcmcr_diagnostics_have_the_documented_fields(void **state)
{
	tg_capture t;
	tg_estimate e;
	json_t *d;
	simulate_two_classes(&t, 9, 2000, lam_a, lam_b);
	tg_lcmcr_opts o = {.burnin = 1000, .samples = 3000, .thin = 3, .seed = 1};
	estimate_ok(&t, &o, &e, &d);
	assert_int_equal(json_integer_value(json_object_get(d, "sweeps")), 1000 + 3000 * 3);
	assert_true(json_is_real(json_object_get(d, "effective_sample_size")));
	assert_true(json_is_real(json_object_get(d, "seconds")));
	assert_true(json_is_boolean(json_object_get(d, "converged")));
	json_t *tr = json_object_get(d, "trace");
	const char *keys[] = {"mean", "sd", "first_half_mean", "second_half_mean"};
	for (size_t i = 0; i < sizeof keys / sizeof *keys; i++)
		assert_true(json_is_real(json_object_get(tr, keys[i])));
	assert_float_equal(json_real_value(json_object_get(tr, "sd")), e.se, 1e-9);
	double ess = json_real_value(json_object_get(d, "effective_sample_size"));
	assert_true(ess > 0 && ess <= 3000);
	json_decref(d);
}

static void test_lcmcr_warns_when_the_chain_is_short(void **state)
{
	tg_capture t;
	tg_estimate e;
	json_t *d;
	simulate_two_classes(&t, 5, 2000, lam_a, lam_hard);
	tg_lcmcr_opts o = {.burnin = 10, .samples = 60, .thin = 1, .seed = 1};
	estimate_ok(&t, &o, &e, &d);
	assert_false(json_is_true(json_object_get(d, "converged")));
	assert_non_null(strstr(e.warning, "effective sample size"));
	assert_non_null(strstr(e.warning, "converged"));
	json_decref(d);
}

static void test_lcmcr_warns_on_a_list_with_few_captures(void **state)
{
	tg_capture t = {.k = 3};
	t.names[2] = "media";
	t.count[1] = 300, t.count[2] = 250, t.count[3] = 90;
	t.count[4] = 2, t.count[5] = 1;
	tg_estimate e;
	tg_lcmcr_opts o = {.burnin = 500, .samples = 500, .thin = 2};
	estimate_ok(&t, &o, &e, NULL);
	assert_non_null(strstr(e.warning, "\"media\" captured fewer than 5"));
}

static void count_progress(void *ctx, const char *what, uint64_t done, uint64_t total)
{
	uint64_t *seen = ctx;
	assert_string_equal(what, "lcmcr");
	assert_true(done <= total && done > seen[1]);
	seen[0]++;
	seen[1] = done;
	seen[2] = total;
}

static void test_lcmcr_reports_progress(void **state)
{
	tg_capture t;
	tg_estimate e;
	uint64_t seen[3] = {0};
	simulate_two_classes(&t, 2, 500, lam_a, lam_b);
	tg_lcmcr_opts o = {.burnin = 2000, .samples = 1000, .thin = 10, .progress = count_progress,
	                   .progress_ctx = seen};
	estimate_ok(&t, &o, &e, NULL);
	assert_true(seen[0] >= 2);
	assert_int_equal(seen[1], 12000);
	assert_int_equal(seen[2], 12000);
}

static void expect_einval(const tg_capture *t, const tg_lcmcr_opts *o, const char *path)
{
	tg_estimate e;
	json_t *d = (json_t *)1;
	tg_error err = {0};
	assert_int_equal(tg_estimate_lcmcr(t, o, &e, &d, &err), TG_EINVAL);
	assert_int_equal(err.code, TG_EINVAL);
	assert_string_equal(err.path, path);
	assert_true(err.msg[0]);
	assert_null(d);
}

static void test_lcmcr_rejects_fewer_than_three_lists(void **state)
{
	tg_capture t = {.k = 2};
	t.count[1] = 10, t.count[2] = 20, t.count[3] = 5;
	expect_einval(&t, NULL, "k");
	t.k = 7;
	expect_einval(&t, NULL, "k");
}

static void test_lcmcr_rejects_a_negative_or_fractional_count(void **state)
{
	tg_capture t = {.k = 3};
	t.count[1] = 10, t.count[2] = 20, t.count[3] = -1;
	expect_einval(&t, NULL, "count[3]");
	t.count[3] = 2.5;
	expect_einval(&t, NULL, "count[3]");
	t.count[3] = NAN;
	expect_einval(&t, NULL, "count[3]");
}

static void test_lcmcr_rejects_an_empty_table_and_bad_options(void **state)
{
	tg_capture t = {.k = 3};
	expect_einval(&t, NULL, "count");
	t.count[1] = 10, t.count[2] = 20, t.count[3] = 5;
	expect_einval(&t, &(tg_lcmcr_opts){.K = -1}, "K");
	expect_einval(&t, &(tg_lcmcr_opts){.K = 65}, "K");
	expect_einval(&t, &(tg_lcmcr_opts){.a_alpha = -1}, "a_alpha");
	expect_einval(&t, &(tg_lcmcr_opts){.samples = -5}, "samples");
	tg_error err = {0};
	assert_int_equal(tg_estimate_lcmcr(NULL, NULL, NULL, NULL, &err), TG_EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lcmcr_interval_covers_true_n_on_data_from_the_model),
		cmocka_unit_test(test_lcmcr_agrees_with_an_independent_sampler),
		cmocka_unit_test(test_lcmcr_published_table_gives_a_sane_estimate),
		cmocka_unit_test(test_lcmcr_same_seed_gives_same_result),
		cmocka_unit_test(test_lcmcr_diagnostics_have_the_documented_fields),
		cmocka_unit_test(test_lcmcr_warns_when_the_chain_is_short),
		cmocka_unit_test(test_lcmcr_warns_on_a_list_with_few_captures),
		cmocka_unit_test(test_lcmcr_reports_progress),
		cmocka_unit_test(test_lcmcr_rejects_fewer_than_three_lists),
		cmocka_unit_test(test_lcmcr_rejects_a_negative_or_fractional_count),
		cmocka_unit_test(test_lcmcr_rejects_an_empty_table_and_bad_options),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
