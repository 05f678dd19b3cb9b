/*
 * Jaro–Winkler similarity: every pair of jw-fixture.csv (made by
 * make-jw-fixture.R from R's stringdist, method "jw", p = 0.1) to 1e-12,
 * the same pairs swapped and inside [0, 1], and a few pairs worked out by
 * hand.
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

#include "link/link.h"

#define TOLERANCE 1e-12
#define MAX_PAIRS 4000
#define MAX_REPORTED 20

struct pair {
	const char *a, *b;
	double jw;
};

struct fixture {
	char *buf;
	struct pair pair[MAX_PAIRS];
	int n;
};

static double jw(const char *a, const char *b)
{
	return tg_jaro_winkler(a, strlen(a), b, strlen(b));
}

/* cmocka 1.1.5's assert_float_equal works in float: too coarse here. */
#define assert_near(got, want) assert_near_at((got), (want), #got, __FILE__, __LINE__)

static void assert_near_at(double got, double want, const char *expr, const char *file, int line)
{
	if (!(fabs(got - want) <= TOLERANCE))
		fail_msg("%s:%d: %s = %.17g, want %.17g", file, line, expr, got, want);
}

static char *slurp(const char *path)
{
	char *buf;
	size_t len;
	tg_error err = {0};
	if (tg_read_file(path, &buf, &len, &err))
		fail_msg("cannot open %s: %s", path, err.msg);
	return buf;
}

/* Splits one "a,b,jw" line in place; a and b may be empty. The fixture's
 * keys are upper-case letters and spaces, never commas or quotes. */
static struct pair parse_line(char *line, int lineno)
{
	char *c1 = strchr(line, ',');
	char *c2 = c1 ? strchr(c1 + 1, ',') : NULL;
	if (!c2)
		fail_msg("jw-fixture.csv:%d: not a,b,jw: %s", lineno, line);
	*c1 = *c2 = '\0';
	char *end;
	double v = strtod(c2 + 1, &end);
	if (end == c2 + 1 || *end)
		fail_msg("jw-fixture.csv:%d: bad number %s", lineno, c2 + 1);
	return (struct pair){line, c1 + 1, v};
}

static int load_fixture(void **state)
{
	struct fixture *fx = calloc(1, sizeof *fx);
	assert_non_null(fx);
	fx->buf = slurp(TG_JW_FIXTURE);
	int lineno = 0;
	char *save = NULL;
	for (char *l = strtok_r(fx->buf, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		if (++lineno == 1) {
			assert_string_equal(l, "a,b,jw");
			continue;
		}
		assert_true(fx->n < MAX_PAIRS);
		fx->pair[fx->n++] = parse_line(l, lineno);
	}
	*state = fx;
	return 0;
}

static int free_fixture(void **state)
{
	struct fixture *fx = *state;
	free(fx->buf);
	free(fx);
	return 0;
}

/* Prints the first failing pairs by name, then fails with the count. */
static void report(int *failed, const char *what, const struct pair *p, double got,
                   double want)
{
	if (++*failed <= MAX_REPORTED)
		print_error("%s: \"%s\" vs \"%s\": %.17g, want %.17g (off by %.3g)\n", what, p->a,
		            p->b, got, want, fabs(got - want));
}

static void done(int failed, int n, const char *what)
{
	if (failed)
		fail_msg("%d of %d pairs: %s", failed, n, what);
}

static void test_every_fixture_pair_matches_stringdist(void **state)
{
	const struct fixture *fx = *state;
	int failed = 0;
	for (int i = 0; i < fx->n; i++) {
		const struct pair *p = &fx->pair[i];
		double got = jw(p->a, p->b);
		if (!(fabs(got - p->jw) <= TOLERANCE))
			report(&failed, "differs from stringdist", p, got, p->jw);
	}
	print_message("%d pairs checked against stringdist\n", fx->n);
	assert_true(fx->n >= 400);
	done(failed, fx->n, "differ from stringdist");
}

static void test_swapping_the_strings_changes_nothing(void **state)
{
	const struct fixture *fx = *state;
	int failed = 0;
	for (int i = 0; i < fx->n; i++) {
		const struct pair *p = &fx->pair[i];
		double ab = jw(p->a, p->b), ba = jw(p->b, p->a);
		if (!(fabs(ab - ba) <= TOLERANCE))
			report(&failed, "not symmetric", p, ba, ab);
	}
	done(failed, fx->n, "not symmetric");
}

static void test_similarity_stays_between_zero_and_one(void **state)
{
	const struct fixture *fx = *state;
	int failed = 0;
	for (int i = 0; i < fx->n; i++) {
		const struct pair *p = &fx->pair[i];
		double got = jw(p->a, p->b);
		if (!(got >= 0 && got <= 1))
			report(&failed, "outside [0, 1]", p, got, p->jw);
	}
	done(failed, fx->n, "outside [0, 1]");
}

static void test_textbook_pairs(void **state)
{
	(void)state;
	/* Winkler's examples: MARTHA/MARHTA has 6 matches, 1 transposition
	 * (2 half ones) and a prefix of 3: 17/18 + 0.3 * 1/18. */
	assert_near(jw("MARTHA", "MARHTA"), 173.0 / 180);
	assert_near(jw("DWAYNE", "DUANE"), 0.84);
	assert_near(jw("DIXON", "DICKSONX"), 0.81333333333333333);
	/* no common first letter: plain Jaro, (4/5 + 4/5 + 4/4) / 3 */
	assert_near(jw("XSAEV", "ISAEV"), 2.6 / 3);
}

static void test_empty_strings(void **state)
{
	(void)state;
	assert_near(jw("", ""), 1);
	assert_near(jw("", "ISAEV"), 0);
	assert_near(jw("ISAEV", ""), 0);
}

static void test_identical_and_disjoint_strings(void **state)
{
	(void)state;
	assert_near(jw("KAIRATOVICH", "KAIRATOVICH"), 1);
	assert_near(jw("A", "A"), 1);
	assert_near(jw("KUL", "ISAEV"), 0);
	/* one-letter strings have a window of 0: only the same place matches */
	assert_near(jw("A", "BA"), 0);
}

static void test_only_the_given_lengths_are_read(void **state)
{
	(void)state;
	assert_near(tg_jaro_winkler("ISAEVA", 5, "ISAEVXYZ", 5), 1);
	assert_near(tg_jaro_winkler("ISAEV", 0, "ISAEV", 0), 1);
	/* bytes, not characters: embedded NULs and high bytes compare as any */
	assert_near(tg_jaro_winkler("A\0B", 3, "A\0B", 3), 1);
	assert_near(jw("\xd0\x98\xd1\x81", "\xd0\x98\xd1\x81"), 1);
}

/* Past 128 bytes the match flags move from the stack to the heap. */
static void test_long_strings_score_like_short_ones(void **state)
{
	(void)state;
	char a[301], b[301];
	for (int i = 0; i < 300; i++)
		a[i] = b[i] = (char)('A' + i % 26);
	a[300] = b[300] = '\0';
	assert_near(jw(a, b), 1);
	/* the last letter: every other one keeps its match in place (an
	 * inner one would pull the matches of its later copies along) */
	b[299] = '#';
	double one_off = jw(a, b);
	assert_true(one_off < 1 && one_off > 0.99);
	/* 299 matches of 300, no transposition, prefix 4 */
	double jaro = (299.0 / 300 + 299.0 / 300 + 1) / 3;
	assert_near(one_off, jaro + 0.4 * (1 - jaro));
	assert_near(jw(a, "ABCD"), jw("ABCD", a));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_fixture_pair_matches_stringdist),
		cmocka_unit_test(test_swapping_the_strings_changes_nothing),
		cmocka_unit_test(test_similarity_stays_between_zero_and_one),
		cmocka_unit_test(test_textbook_pairs),
		cmocka_unit_test(test_empty_strings),
		cmocka_unit_test(test_identical_and_disjoint_strings),
		cmocka_unit_test(test_only_the_given_lengths_are_read),
		cmocka_unit_test(test_long_strings_score_like_short_ones),
	};
	return cmocka_run_group_tests(tests, load_fixture, free_fixture);
}
