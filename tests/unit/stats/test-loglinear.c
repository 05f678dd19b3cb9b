/*
 * Log-linear estimation held to R: every model of fixtures/models.csv
 * (R's glm, family poisson, made by fixtures/make-fixtures.R) has the same
 * estimate, deviance, AIC, BIC (1e-6 relative; values below 1 compared
 * absolutely) and residual df; the model selected under AIC and BIC is R's;
 * the profile-likelihood interval and the standard error agree with R's
 * own computation; the model space has 8, 113, 1,024 and 32,768 models for
 * 3, 4, 5 and 6 lists; the interval holds the estimate and widens as the
 * table thins; bad tables are refused.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stats/stats.h"

#define TOLERANCE 1e-6
#define MAXSETS 16
#define MAXFIELDS 12

struct dataset {
	char name[32];
	tg_capture t;
	tg_estimate aic, bic;
	json_t *ranked;  /* models ranked by AIC */
	json_t *by_name; /* model name -> entry of ranked */
};

struct fixture {
	struct dataset set[MAXSETS];
	int n;
	char *models, *selected, *profile;
	double worst[4]; /* of the profile checks */
};

/* cmocka 1.1.5's assert_float_equal works in float: too coarse here. */
#define assert_close(got, want, tol, what) assert_close_at((got), (want), (tol), (what), __FILE__, __LINE__)

static double rel_error(double got, double want)
{
	return fabs(got - want) / fmax(fabs(want), 1);
}

static void assert_close_at(double got, double want, double tol, const char *what,
                            const char *file, int line)
{
	if (!(rel_error(got, want) <= tol))
		fail_msg("%s:%d: %s = %.15g, want %.15g", file, line, what, got, want);
}

static char *slurp(const char *name)
{
	char path[512], *buf;
	size_t len;
	tg_error err = {0};
	snprintf(path, sizeof path, "%s/%s", TG_STATS_FIXTURES, name);
	if (tg_read_file(path, &buf, &len, &err))
		fail_msg("cannot open %s: %s", path, err.msg);
	return buf;
}

/* Splits line in place at commas; returns the number of fields. */
static int split(char *line, char **field)
{
	int n = 0;
	for (char *s = line; n < MAXFIELDS; s++) {
		field[n++] = s;
		s = strchr(s, ',');
		if (!s)
			break;
		*s = 0;
	}
	return n;
}

static double number(const char *s)
{
	char *end;
	double v = strtod(s, &end);
	if (end == s || *end)
		fail_msg("not a number: \"%s\"", s);
	return v;
}

/* Calls fn for each data line of a CSV held in buf (changed in place). */
static void each_row(char *buf, int fields, void (*fn)(void *, char **), void *ctx)
{
	char *save = NULL, *field[MAXFIELDS];
	int lineno = 0;
	for (char *line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (lineno++ == 0)
			continue;
		if (split(line, field) != fields)
			fail_msg("line %d: want %d fields", lineno, fields);
		fn(ctx, field);
	}
}

static struct dataset *find(struct fixture *fx, const char *name)
{
	for (int i = 0; i < fx->n; i++)
		if (!strcmp(fx->set[i].name, name))
			return &fx->set[i];
	return NULL;
}

static void add_cell(void *ctx, char **f)
{
	struct fixture *fx = ctx;
	struct dataset *d = find(fx, f[0]);
	if (!d) {
		assert_true(fx->n < MAXSETS);
		d = &fx->set[fx->n++];
		snprintf(d->name, sizeof d->name, "%s", f[0]);
		d->t.k = (int)strlen(f[1]);
	}
	int p = 0;
	for (int i = 0; f[1][i]; i++)
		p |= (f[1][i] == '1') << i;
	d->t.count[p] = number(f[2]);
}

static void fit(struct dataset *d)
{
	tg_error err = {0};
	if (tg_estimate_loglinear(&d->t, "aic", &d->aic, &d->ranked, &err))
		fail_msg("%s: %s", d->name, err.msg);
	if (tg_estimate_loglinear(&d->t, "bic", &d->bic, NULL, &err))
		fail_msg("%s: %s", d->name, err.msg);
	d->by_name = json_object();
	size_t i;
	json_t *m;
	json_array_foreach(d->ranked, i, m)
		json_object_set(d->by_name, json_string_value(json_object_get(m, "model")), m);
}

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof *fx);
	assert_non_null(fx);
	char *tables = slurp("tables.csv");
	each_row(tables, 3, add_cell, fx);
	free(tables);
	assert_true(fx->n >= 5);
	for (int i = 0; i < fx->n; i++)
		fit(&fx->set[i]);
	fx->models = slurp("models.csv");
	fx->selected = slurp("selected.csv");
	fx->profile = slurp("profile.csv");
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;
	for (int i = 0; i < fx->n; i++) {
		json_decref(fx->set[i].ranked);
		json_decref(fx->set[i].by_name);
	}
	free(fx->models);
	free(fx->selected);
	free(fx->profile);
	free(fx);
	return 0;
}

static double get(json_t *m, const char *key)
{
	return json_number_value(json_object_get(m, key));
}

static const char *const measures[] = {"estimate", "deviance", "aic", "bic"};

struct agreement {
	struct fixture *fx;
	int rows;
	double worst[4]; /* largest relative error of each measure */
};

static void check_model(void *ctx, char **f)
{
	struct agreement *a = ctx;
	struct dataset *d = find(a->fx, f[0]);
	assert_non_null(d);
	json_t *m = json_object_get(d->by_name, f[1]);
	if (strcmp(f[7], "1")) {
		/* No finite estimate: left out here too. */
		if (m)
			fail_msg("%s: model %s has no finite estimate in R but is ranked", f[0], f[1]);
		return;
	}
	if (!m)
		fail_msg("%s: model %s fitted by R is missing", f[0], f[1]);
	for (int i = 0; i < 4; i++) {
		char what[128];
		snprintf(what, sizeof what, "%s %s %s", f[0], f[1], measures[i]);
		assert_close(get(m, measures[i]), number(f[2 + i]), TOLERANCE, what);
		a->worst[i] = fmax(a->worst[i], rel_error(get(m, measures[i]), number(f[2 + i])));
	}
	assert_int_equal(json_integer_value(json_object_get(m, "df")), atoi(f[6]));
	a->rows++;
}

static void test_every_model_agrees_with_r_glm(void **state)
{
	struct fixture *fx = *state;
	struct agreement a = {fx, 0, {0}};
	char *buf = strdup(fx->models);
	assert_non_null(buf);
	each_row(buf, 8, check_model, &a);
	free(buf);
	assert_true(a.rows > 1000);
	print_message("%d models agree with R; largest relative errors: estimate %.2g, deviance "
	              "%.2g, AIC %.2g, BIC %.2g\n", a.rows, a.worst[0], a.worst[1], a.worst[2],
	              a.worst[3]);
}

static void check_selected(void *ctx, char **f)
{
	struct dataset *d = find(ctx, f[0]);
	assert_non_null(d);
	const tg_estimate *e = !strcmp(f[1], "bic") ? &d->bic : &d->aic;
	if (strcmp(e->model, f[2]))
		fail_msg("%s, %s: selected %s, R selects %s", f[0], f[1], e->model, f[2]);
}

static void test_selected_model_is_rs_best_under_aic_and_bic(void **state)
{
	struct fixture *fx = *state;
	char *buf = strdup(fx->selected);
	assert_non_null(buf);
	each_row(buf, 4, check_selected, fx);
	free(buf);
}

static void check_profile(void *ctx, char **f)
{
	struct dataset *d = find(ctx, f[0]);
	assert_non_null(d);
	const tg_estimate *e = !strcmp(f[1], "bic") ? &d->bic : &d->aic;
	double *worst = ((struct fixture *)ctx)->worst;
	const double got[] = {e->estimate, e->se, e->lower, e->upper};
	static const char *const names[] = {"estimate", "se", "lower", "upper"};
	for (int i = 0; i < 4; i++) {
		char what[128];
		snprintf(what, sizeof what, "%s %s %s", f[0], f[1], names[i]);
		assert_close(got[i], number(f[3 + i]), TOLERANCE, what);
		worst[i] = fmax(worst[i], rel_error(got[i], number(f[3 + i])));
	}
	assert_true(e->lower <= e->estimate && e->estimate <= e->upper);
	assert_true(e->lower >= e->observed);
}

static void test_profile_interval_and_se_agree_with_r(void **state)
{
	struct fixture *fx = *state;
	char *buf = strdup(fx->profile);
	assert_non_null(buf);
	each_row(buf, 7, check_profile, fx);
	free(buf);
	print_message("profile intervals agree with R; largest relative errors: estimate %.2g, se "
	              "%.2g, lower %.2g, upper %.2g\n", fx->worst[0], fx->worst[1], fx->worst[2],
	              fx->worst[3]);
}

static void test_model_space_has_8_113_1024_32768_models(void **state)
{
	struct fixture *fx = *state;
	const struct {
		const char *set;
		size_t models;
	} want[] = {{"hav", 8}, {"spina", 8}, {"sim5", 1024}, {"sim6", 32768}};
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
		struct dataset *d = find(fx, want[i].set);
		assert_non_null(d);
		assert_int_equal(json_array_size(d->ranked), want[i].models);
	}
	/* Four lists, every pattern well filled: every model has an estimate. */
	tg_capture four = {.k = 4, .count = {0, 120, 90, 30, 80, 25, 20, 12, 70, 22, 18, 9, 15, 7,
	                                     6, 5}};
	tg_estimate e;
	json_t *models;
	tg_error err = {0};
	assert_int_equal(tg_estimate_loglinear(&four, "aic", &e, &models, &err), 0);
	assert_int_equal(json_array_size(models), 113);
	json_decref(models);
}

static void test_models_come_ranked_with_the_selected_first(void **state)
{
	struct fixture *fx = *state;
	for (int s = 0; s < fx->n; s++) {
		struct dataset *d = &fx->set[s];
		json_t *first = json_array_get(d->ranked, 0);
		assert_string_equal(json_string_value(json_object_get(first, "model")), d->aic.model);
		assert_true(get(first, "estimate") == d->aic.estimate);
		assert_int_equal(json_integer_value(json_object_get(first, "df")), d->aic.df);
		for (size_t i = 1; i < json_array_size(d->ranked); i++) {
			json_t *a = json_array_get(d->ranked, i - 1), *b = json_array_get(d->ranked, i);
			assert_true(get(a, "aic") <= get(b, "aic") + 1e-9 * fabs(get(b, "aic")));
		}
		assert_string_equal(d->aic.method, "loglinear");
		assert_true(d->aic.observed == tg_capture_observed(&d->t));
	}
}

static tg_estimate estimate(const tg_capture *t, const char *criterion)
{
	tg_estimate e;
	tg_error err = {0};
	if (tg_estimate_loglinear(t, criterion, &e, NULL, &err))
		fail_msg("%s", err.msg);
	return e;
}

static void test_interval_holds_the_estimate_and_widens_on_a_sparser_table(void **state)
{
	(void)state;
	/* Two lists, the same 150 persons: fewer recaptures, wider interval. */
	tg_capture dense = {.k = 2, .count = {0, 50, 50, 50}};
	tg_capture sparse = {.k = 2, .count = {0, 65, 65, 20}};
	tg_estimate a = estimate(&dense, "aic"), b = estimate(&sparse, "aic");
	assert_close(a.estimate, 200, 1e-9, "dense two-list estimate"); /* n1 n2 / m */
	assert_close(b.estimate, 85.0 * 85 / 20, 1e-9, "sparse two-list estimate");
	assert_true(a.lower < a.estimate && a.estimate < a.upper);
	assert_true(b.lower < b.estimate && b.estimate < b.upper);
	assert_true(b.upper - b.lower > a.upper - a.lower);
	/* Three lists thinned to a quarter: relatively wider. */
	tg_capture full = {.k = 3, .count = {0, 244, 48, 142, 60, 111, 4, 12}};
	tg_capture thin = {.k = 3};
	for (int p = 1; p < 8; p++)
		thin.count[p] = round(full.count[p] / 4);
	tg_estimate c = estimate(&full, "bic"), d = estimate(&thin, "bic");
	assert_true(c.lower < c.estimate && c.estimate < c.upper);
	assert_true(d.lower < d.estimate && d.estimate < d.upper);
	assert_true((d.upper - d.lower) / d.estimate > (c.upper - c.lower) / c.estimate);
}

static void test_warnings_name_small_lists_sparse_cells_and_saturated_models(void **state)
{
	(void)state;
	/* List 3 holds 4 persons; 4 of the 7 patterns have fewer than 5. */
	tg_capture t = {.k = 3, .count = {0, 80, 60, 30, 2, 1, 1, 0}};
	tg_estimate e = estimate(&t, "aic");
	assert_non_null(strstr(e.warning, "list 3 captured fewer than 5"));
	assert_non_null(strstr(e.warning, "sparse table"));
	/* Two lists allow one model, which has every parameter they allow. */
	tg_capture two = {.k = 2, .count = {0, 50, 50, 50}};
	e = estimate(&two, "aic");
	assert_non_null(strstr(e.warning, "as many parameters as the lists allow"));
	assert_null(strstr(e.warning, "sparse"));
	assert_int_equal(e.df, 0);
}

static void test_bad_tables_and_criteria_are_refused(void **state)
{
	(void)state;
	tg_estimate e;
	tg_error err = {0};
	json_t *models = json_true();
	tg_capture one = {.k = 1, .count = {0, 10}};
	assert_int_equal(tg_estimate_loglinear(&one, "aic", &e, &models, &err), TG_EINVAL);
	assert_string_equal(err.path, "k");
	assert_null(models);
	tg_capture seven = {.k = 7};
	assert_int_equal(tg_estimate_loglinear(&seven, "aic", &e, NULL, &err), TG_EINVAL);
	tg_capture negative = {.k = 3, .count = {0, 10, 10, 5, 10, -1, 5, 5}};
	assert_int_equal(tg_estimate_loglinear(&negative, "aic", &e, NULL, &err), TG_EINVAL);
	assert_string_equal(err.path, "count[5]");
	tg_capture nan = {.k = 2, .count = {0, 10, NAN, 5}};
	assert_int_equal(tg_estimate_loglinear(&nan, "aic", &e, NULL, &err), TG_EINVAL);
	tg_capture empty = {.k = 3};
	assert_int_equal(tg_estimate_loglinear(&empty, "aic", &e, NULL, &err), TG_EINVAL);
	tg_capture good = {.k = 2, .count = {0, 50, 50, 50}};
	assert_int_equal(tg_estimate_loglinear(&good, "aicc", &e, NULL, &err), TG_EINVAL);
	assert_string_equal(err.path, "criterion");
	assert_int_equal(tg_estimate_loglinear(&good, "aic", NULL, NULL, &err), TG_EINVAL);
	/* Nobody on both of two lists: no model has a finite estimate. */
	tg_capture apart = {.k = 2, .count = {0, 50, 50, 0}};
	assert_int_equal(tg_estimate_loglinear(&apart, "aic", &e, NULL, &err), TG_EINVAL);
	/* The default criterion is AIC. */
	tg_capture hav = {.k = 3, .count = {0, 69, 55, 21, 63, 17, 18, 28}};
	tg_estimate x = estimate(&hav, NULL), y = estimate(&hav, "aic");
	assert_string_equal(x.model, y.model);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_model_agrees_with_r_glm),
		cmocka_unit_test(test_selected_model_is_rs_best_under_aic_and_bic),
		cmocka_unit_test(test_profile_interval_and_se_agree_with_r),
		cmocka_unit_test(test_model_space_has_8_113_1024_32768_models),
		cmocka_unit_test(test_models_come_ranked_with_the_selected_first),
		cmocka_unit_test(test_interval_holds_the_estimate_and_widens_on_a_sparser_table),
		cmocka_unit_test(test_warnings_name_small_lists_sparse_cells_and_saturated_models),
		cmocka_unit_test(test_bad_tables_and_criteria_are_refused),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
