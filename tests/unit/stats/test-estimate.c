/*
 * Two-list estimators: Lincoln–Petersen and Chapman against the values of
 * fixtures/chapman.csv (lists 1 and 2 of every fixture table, computed by
 * make-fixtures.R) to 1e-10, a case worked by hand, the collapse of a
 * bigger table onto its first two lists, the warnings, and the refusals.
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
#include "stats/stats-int.h"

#define TOLERANCE 1e-10

#define assert_close(got, want, what) assert_close_at((got), (want), (what), __FILE__, __LINE__)

static void assert_close_at(double got, double want, const char *what, const char *file, int line)
{
	if (!(fabs(got - want) <= TOLERANCE * fmax(fabs(want), 1)))
		fail_msg("%s:%d: %s = %.15g, want %.15g", file, line, what, got, want);
}

/* The two-list table with n1, n2 and m. */
static tg_capture two_lists(double n1, double n2, double m)
{
	return (tg_capture){.k = 2, .count = {0, n1 - m, n2 - m, m}};
}

static tg_estimate run(int (*fn)(const tg_capture *, tg_estimate *, tg_error *),
                       const tg_capture *t)
{
	tg_estimate e;
	tg_error err = {0};
	if (fn(t, &e, &err))
		fail_msg("%s", err.msg);
	return e;
}

static double number(const char *s)
{
	if (!strcmp(s, "NA"))
		return NAN;
	char *end;
	double v = strtod(s, &end);
	if (end == s || *end)
		fail_msg("not a number: \"%s\"", s);
	return v;
}

/* dataset,n1,n2,m,lp,lp_var,lp_lower,lp_upper,chapman,chapman_var,
 * chapman_lower,chapman_upper */
static void check_row(char *line)
{
	double v[11];
	char *save = NULL, *name = strtok_r(line, ",", &save);
	for (int i = 0; i < 11; i++) {
		char *f = strtok_r(NULL, ",", &save);
		if (!f)
			fail_msg("%s: short line", name);
		v[i] = number(f);
	}
	tg_capture t = two_lists(v[0], v[1], v[2]);
	char what[64];
	if (!isnan(v[3])) {
		tg_estimate lp = run(tg_estimate_lincoln_petersen, &t);
		snprintf(what, sizeof what, "%s Lincoln-Petersen", name);
		assert_close(lp.estimate, v[3], what);
		assert_close(lp.se * lp.se, v[4], what);
		assert_close(lp.lower, v[5], what);
		assert_close(lp.upper, v[6], what);
	}
	tg_estimate ch = run(tg_estimate_chapman, &t);
	snprintf(what, sizeof what, "%s Chapman", name);
	assert_close(ch.estimate, v[7], what);
	assert_close(ch.se * ch.se, v[8], what);
	assert_close(ch.lower, v[9], what);
	assert_close(ch.upper, v[10], what);
}

static void test_fixture_tables_agree_with_r(void **state)
{
	(void)state;
	char *buf;
	size_t len;
	tg_error err = {0};
	if (tg_read_file(TG_STATS_FIXTURES "/chapman.csv", &buf, &len, &err))
		fail_msg("%s", err.msg);
	char *save = NULL;
	int rows = 0;
	strtok_r(buf, "\n", &save);
	for (char *line = strtok_r(NULL, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		check_row(line);
		rows++;
	}
	free(buf);
	assert_true(rows >= 5);
}

static void test_a_case_worked_by_hand(void **state)
{
	(void)state;
	tg_capture t = two_lists(100, 80, 40);
	tg_estimate lp = run(tg_estimate_lincoln_petersen, &t);
	assert_string_equal(lp.method, "lincoln_petersen");
	assert_close(lp.observed, 140, "observed");
	assert_close(lp.estimate, 200, "N");                     /* 100 * 80 / 40 */
	assert_close(lp.se, sqrt(300), "se");                    /* 100*80*60*40 / 40^3 */
	double c = exp(1.959963984540054 * sqrt(log(1 + 300.0 / 3600)));  /* f0 = 60 */
	assert_close(lp.lower, 140 + 60 / c, "lower");
	assert_close(lp.upper, 140 + 60 * c, "upper");
	assert_true(isnan(lp.aic) && lp.model[0] == 0 && lp.warning[0] == 0);
	tg_estimate ch = run(tg_estimate_chapman, &t);
	assert_string_equal(ch.method, "chapman");
	assert_close(ch.estimate, 101.0 * 81 / 41 - 1, "Chapman N");
	assert_close(ch.se * ch.se, 101.0 * 81 * 60 * 40 / (41.0 * 41 * 42), "Chapman var");
}

static void test_bigger_tables_collapse_onto_lists_1_and_2(void **state)
{
	(void)state;
	/* Lists 1, 2 and 3: n1 = 10 + 5 + 7 + 3 = 25, n2 = 8 + 5 + 4 + 3 = 20,
	 * m = 5 + 3 = 8; the 9 persons on list 3 alone are not seen. */
	tg_capture t = {.k = 3, .count = {0, 10, 8, 5, 9, 7, 4, 3}};
	tg_estimate e = run(tg_estimate_lincoln_petersen, &t);
	assert_close(e.observed, 37, "observed");
	assert_close(e.estimate, 25.0 * 20 / 8, "N");
	tg_estimate c = run(tg_estimate_chapman, &t);
	assert_close(c.estimate, 26.0 * 21 / 9 - 1, "Chapman N");
}

static void test_one_list_inside_the_other_leaves_nobody_unseen(void **state)
{
	(void)state;
	tg_capture t = two_lists(30, 50, 30);
	tg_estimate e = run(tg_estimate_chapman, &t);
	assert_close(e.estimate, 50, "N");
	assert_close(e.lower, 50, "lower");
	assert_close(e.upper, 50, "upper");
	assert_close(e.se, 0, "se");
}

static void test_warnings_for_few_recaptures_and_small_lists(void **state)
{
	(void)state;
	tg_capture t = two_lists(4, 60, 3);
	tg_estimate e = run(tg_estimate_chapman, &t);
	assert_non_null(strstr(e.warning, "few recaptures"));
	assert_non_null(strstr(e.warning, "list 1 captured fewer than 5"));
	assert_null(strstr(e.warning, "list 2"));
	char name[] = "hospital";
	t.names[1] = name;
	t.count[2] = 1; /* n2 = 4 */
	e = run(tg_estimate_lincoln_petersen, &t);
	assert_non_null(strstr(e.warning, "list \"hospital\" captured fewer than 5"));
	tg_capture seven = two_lists(50, 50, 7);
	e = run(tg_estimate_lincoln_petersen, &seven);
	assert_string_equal(e.warning, "");
}

static void test_no_recapture_stops_lincoln_petersen_but_not_chapman(void **state)
{
	(void)state;
	tg_capture t = two_lists(40, 30, 0);
	tg_estimate e;
	tg_error err = {0};
	assert_int_equal(tg_estimate_lincoln_petersen(&t, &e, &err), TG_EINVAL);
	assert_int_equal(err.code, TG_EINVAL);
	assert_true(err.msg[0] != 0);
	e = run(tg_estimate_chapman, &t);
	assert_close(e.estimate, 41.0 * 31 - 1, "Chapman N");
	assert_true(e.lower >= 70 && e.upper > e.estimate);
}

static void test_bad_tables_are_refused(void **state)
{
	(void)state;
	tg_estimate e;
	tg_error err = {0};
	tg_capture one = {.k = 1, .count = {0, 10}};
	assert_int_equal(tg_estimate_chapman(&one, &e, &err), TG_EINVAL);
	assert_string_equal(err.path, "k");
	assert_int_equal(tg_estimate_lincoln_petersen(&one, &e, &err), TG_EINVAL);
	tg_capture negative = two_lists(10, 10, 5);
	negative.count[2] = -3;
	assert_int_equal(tg_estimate_chapman(&negative, &e, &err), TG_EINVAL);
	assert_string_equal(err.path, "count[2]");
	tg_capture empty = {.k = 2};
	assert_int_equal(tg_estimate_chapman(&empty, &e, &err), TG_EINVAL);
	assert_int_equal(tg_estimate_chapman(NULL, &e, &err), TG_EINVAL);
	tg_capture good = two_lists(10, 10, 5);
	assert_int_equal(tg_estimate_chapman(&good, NULL, &err), TG_EINVAL);
}

/* Warnings in Kazakh and Russian take two bytes a letter: however many
 * pile up, the text ends at a whole character. */
static void test_long_warnings_end_at_a_whole_character(void **state)
{
	(void)state;
	tg_estimate e = {0};
	for (int i = 0; i < 200; i++)
		tg_estimate_warn(&e, "%s", i % 2 ? "сирек кесте: ұяшықтардың көпшілігінде 5 адамнан аз"
		                                 : "aé");
	size_t n = strlen(e.warning);
	assert_true(n > sizeof e.warning / 2);
	for (size_t i = 0; i < n;) {
		unsigned char c = (unsigned char)e.warning[i];
		size_t len = c < 0x80 ? 1 : c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
		assert_true(c < 0x80 || c >= 0xc0);
		assert_true(i + len <= n);
		for (size_t k = 1; k < len; k++)
			assert_int_equal((unsigned char)e.warning[i + k] & 0xc0, 0x80);
		i += len;
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixture_tables_agree_with_r),
		cmocka_unit_test(test_long_warnings_end_at_a_whole_character),
		cmocka_unit_test(test_a_case_worked_by_hand),
		cmocka_unit_test(test_bigger_tables_collapse_onto_lists_1_and_2),
		cmocka_unit_test(test_one_list_inside_the_other_leaves_nobody_unseen),
		cmocka_unit_test(test_warnings_for_few_recaptures_and_small_lists),
		cmocka_unit_test(test_no_recapture_stops_lincoln_petersen_but_not_chapman),
		cmocka_unit_test(test_bad_tables_are_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
