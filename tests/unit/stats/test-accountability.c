/*
 * The accountability figures on a small database built by hand: an act
 * counted once at the furthest stage any complaint about it reached, the
 * closure reasons, places rolled up to their region, the prosecutions of
 * victims with their years, the complaints against officials, posthumous
 * prosecutions, the records behind each figure, and what each clearance
 * sees.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stats/stats.h"
#include "store/store.h"

/* Record n's fixed id: ids sort in the order of n, as figures list them. */
static const char *id(int n)
{
	static char ids[64][TG_UUID_LEN];
	snprintf(ids[n], TG_UUID_LEN, "01900000-0000-7000-8000-%012d", n);
	return ids[n];
}

enum {
	COUNTRY = 1, REGION, CITY,
	V1 = 10, V2, V3, V4, POLICE, STRANGER,
	A1 = 20, A2, A3, A4, A5, A6,
	P1 = 30, P2, P3, P4, P5, P6, P7, P8, P9, P10, P11, P12,
};

static void create(tg_store *st, const char *entity, json_t *doc)
{
	tg_error err = {0};
	assert_non_null(doc);
	if (tg_record_create(st, entity, doc, NULL, &err))
		fail_msg("%s %s: %s (%s)", entity, json_string_value(json_object_get(doc, "id")),
		         err.msg, err.path);
	json_decref(doc);
}

static void place(tg_store *st, int n, const char *name, const char *type, int parent)
{
	create(st, "place", json_pack("{s:s, s:s, s:s, s:s*, s:s}", "id", id(n), "name", name,
	                              "type", type, "parent", parent ? id(parent) : NULL,
	                              "confidentiality", "public"));
}

static void person(tg_store *st, int n, const char *name)
{
	create(st, "person", json_pack("{s:s, s:[{s:s}], s:s}", "id", id(n), "names", "text", name,
	                               "confidentiality", "public"));
}

static void act(tg_store *st, int n, const char *type, int victim, int where, const char *level)
{
	create(st, "act", json_pack("{s:s, s:s, s:s, s:s*, s:s}", "id", id(n), "type", type,
	                            "victim", id(victim), "place", where ? id(where) : NULL,
	                            "confidentiality", level));
}

/* A proceeding: stages "code" or "code/reason", separated by spaces. */
static void proceeding(tg_store *st, int n, const char *type, int about, int party,
                       const char *role, const char *stages, int months, const char *level)
{
	json_t *list = json_array();
	char *copy = strdup(stages), *save = NULL;
	for (char *s = strtok_r(copy, " ", &save); s; s = strtok_r(NULL, " ", &save)) {
		char *slash = strchr(s, '/');
		if (slash)
			*slash++ = '\0';
		json_array_append_new(list, json_pack("{s:s, s:s*}", "stage", s, "reason", slash));
	}
	free(copy);
	json_t *doc = json_pack("{s:s, s:s, s:[{s:s, s:s}], s:o, s:s}", "id", id(n), "type", type,
	                        "parties", "person", id(party), "role", role, "stages", list,
	                        "confidentiality", level);
	if (about)
		json_object_set_new(doc, "acts", json_pack("[s]", id(about)));
	if (months)
		json_object_set_new(doc, "sentence_months", json_integer(months));
	create(st, "proceeding", doc);
}

static int setup(void **state)
{
	tg_store *st;
	tg_error err = {0};
	if (tg_store_open(":memory:", TG_OPEN_CREATE, &st, &err))
		return -1;
	place(st, COUNTRY, "Country", "country", 0);
	place(st, REGION, "Region", "region", COUNTRY);
	place(st, CITY, "City", "city", REGION);
	person(st, V1, "Victim One");
	person(st, V2, "Victim Two");
	person(st, V3, "Victim Three");
	person(st, V4, "Victim Four");
	person(st, POLICE, "Police");
	person(st, STRANGER, "Not a victim");
	act(st, A1, "torture", V1, CITY, "public");
	act(st, A2, "torture", V2, CITY, "public");
	act(st, A3, "killing", V3, REGION, "restricted");
	act(st, A4, "ill_treatment", V4, 0, "public");
	act(st, A5, "torture", V1, CITY, "confidential");
	act(st, A6, "posthumous_prosecution", V3, COUNTRY, "public");
	/* A1: refused, then a second complaint investigated and closed. */
	proceeding(st, P1, "complaint", A1, V1, "complainant",
	           "complaint_filed refused_to_open", 0, "public");
	proceeding(st, P2, "complaint", A1, V1, "complainant",
	           "complaint_filed investigation closed/no_crime", 0, "public");
	proceeding(st, P3, "complaint", A2, POLICE, "defendant",
	           "complaint_filed investigation charged trial verdict", 0, "public");
	proceeding(st, P4, "investigation", A3, V3, "victim", "case_opened closed/no_evidence", 0,
	           "restricted");
	proceeding(st, P5, "criminal_case", 0, V1, "defendant", "detained charged trial verdict",
	           180, "public");
	proceeding(st, P6, "criminal_case", 0, V2, "defendant", "charged amnesty", 0, "public");
	proceeding(st, P7, "criminal_case", 0, V4, "defendant", "charged verdict", 30, "restricted");
	proceeding(st, P8, "criminal_case", A6, V3, "defendant",
	           "case_opened posthumous closed/death_of_accused", 0, "public");
	proceeding(st, P9, "criminal_case", 0, STRANGER, "defendant", "charged verdict", 60, "public");
	proceeding(st, P10, "complaint", A5, V1, "complainant", "complaint_filed", 0, "public");
	proceeding(st, P11, "criminal_case", 0, V1, "defendant", "charged verdict", 1200,
	           "confidential");
	/* A4: closed, then reopened. */
	proceeding(st, P12, "complaint", A4, V4, "complainant",
	           "complaint_filed investigation closed/no_crime investigation", 0, "public");
	*state = st;
	return 0;
}

static int teardown(void **state)
{
	tg_store_close(*state);
	return 0;
}

static json_t *run(tg_store *st, int clearance, const char *by)
{
	tg_accountability_opts o = {clearance, by};
	json_t *acc = NULL;
	tg_error err = {0};
	if (tg_stats_accountability(st, &o, &acc, &err))
		fail_msg("%s", err.msg);
	return acc;
}

/* The figure at key has count n and the ids of the records numbered in
 * the list ending with 0. */
static void check_figure(const json_t *acc, const char *key, long long n, ...)
{
	const json_t *fig = tg_accountability_figure(acc, key);
	if (!fig)
		fail_msg("no figure %s", key);
	if (json_integer_value(json_object_get(fig, "count")) != n)
		fail_msg("%s: count %lld, want %lld", key,
		         (long long)json_integer_value(json_object_get(fig, "count")), n);
	const json_t *ids = json_object_get(fig, "ids");
	va_list ap;
	va_start(ap, n);
	size_t i = 0;
	for (int rec; (rec = va_arg(ap, int)); i++) {
		const char *got = json_string_value(json_array_get(ids, i));
		if (!got || strcmp(got, id(rec)))
			fail_msg("%s: ids[%zu] is %s, want %s", key, i, got ? got : "(none)", id(rec));
	}
	va_end(ap);
	if (i != json_array_size(ids))
		fail_msg("%s: %zu ids, want %zu", key, json_array_size(ids), i);
}

static void test_an_act_counts_once_at_its_furthest_stage(void **state)
{
	json_t *acc = run(*state, TG_CLEAR_RESTRICTED, "type");
	check_figure(acc, "funnel:*:*:alleged", 5, A1, A2, A3, A4, A6, 0);
	check_figure(acc, "funnel:*:*:no_proceeding", 1, A6, 0);
	check_figure(acc, "funnel:*:*:complaint_filed", 0, 0);
	/* A1 was refused once, but a later complaint got further. */
	check_figure(acc, "funnel:*:*:refused_to_open", 0, 0);
	/* A4's investigation was reopened after its closure. */
	check_figure(acc, "funnel:*:*:investigation", 1, A4, 0);
	check_figure(acc, "funnel:*:*:closed", 2, A1, A3, 0);
	check_figure(acc, "funnel:*:*:charged", 0, 0);
	check_figure(acc, "funnel:*:*:convicted", 1, A2, 0);
	check_figure(acc, "funnel:torture:*:alleged", 2, A1, A2, 0);
	check_figure(acc, "funnel:torture:*:convicted", 1, A2, 0);
	check_figure(acc, "funnel:killing:*:closed", 1, A3, 0);
	/* Every act is in exactly one stage of its row. */
	const json_t *total = json_object_get(acc, "total");
	long long sum = 0;
	size_t i;
	json_t *stage;
	json_array_foreach(json_object_get(acc, "stages"), i, stage)
		if (strcmp(json_string_value(stage), "alleged"))
			sum += json_integer_value(json_object_get(
				json_object_get(total, json_string_value(stage)), "count"));
	assert_int_equal(sum, 5);
	/* Rows come biggest first. */
	assert_string_equal(json_string_value(json_object_get(
		json_array_get(json_object_get(acc, "funnel"), 0), "act_type")), "torture");
	json_decref(acc);
}

static void test_closures_split_by_reason(void **state)
{
	json_t *acc = run(*state, TG_CLEAR_RESTRICTED, "type");
	check_figure(acc, "funnel:*:*:closed:no_crime", 1, A1, 0);
	check_figure(acc, "funnel:*:*:closed:no_evidence", 1, A3, 0);
	assert_null(tg_accountability_figure(acc, "funnel:*:*:closed:amnesty"));
	check_figure(acc, "complaints:closed_no_crime", 1, P2, 0);
	check_figure(acc, "complaints:closed_other", 1, P4, 0);
	check_figure(acc, "complaints:closed_other:no_evidence", 1, P4, 0);
	json_decref(acc);
}

static void test_places_roll_up_to_their_region(void **state)
{
	json_t *acc = run(*state, TG_CLEAR_RESTRICTED, "place");
	char key[128];
	/* A city's acts and the region's own. */
	snprintf(key, sizeof key, "funnel:*:%s:alleged", id(REGION));
	check_figure(acc, key, 3, A1, A2, A3, 0);
	/* A place in no region stays as recorded; an act with none has "-". */
	snprintf(key, sizeof key, "funnel:*:%s:alleged", id(COUNTRY));
	check_figure(acc, key, 1, A6, 0);
	check_figure(acc, "funnel:*:-:investigation", 1, A4, 0);
	const json_t *row = json_array_get(json_object_get(acc, "funnel"), 0);
	assert_string_equal(json_string_value(json_object_get(json_object_get(row, "place"), "name")),
	                    "Region");
	json_decref(acc);
	acc = run(*state, TG_CLEAR_RESTRICTED, "both");
	snprintf(key, sizeof key, "funnel:torture:%s:closed:no_crime", id(REGION));
	check_figure(acc, key, 1, A1, 0);
	json_decref(acc);
}

static void test_prosecutions_of_victims_and_their_years(void **state)
{
	json_t *acc = run(*state, TG_CLEAR_RESTRICTED, "type");
	/* P9's defendant is no victim; P8 is posthumous: neither counts. */
	check_figure(acc, "prosecutions:charged", 3, P5, P6, P7, 0);
	check_figure(acc, "prosecutions:convicted", 2, P5, P7, 0);
	check_figure(acc, "prosecutions:amnesty", 1, P6, 0);
	check_figure(acc, "prosecutions:closed", 0, 0);
	check_figure(acc, "prosecutions:pending", 0, 0);
	check_figure(acc, "prosecutions:sentences", 2, P5, P7, 0);
	const json_t *s = tg_accountability_figure(acc, "prosecutions:sentences");
	assert_int_equal(json_integer_value(json_object_get(s, "months")), 210);
	assert_true(json_real_value(json_object_get(s, "years")) == 17.5);
	assert_string_equal(json_string_value(json_object_get(json_object_get(acc, "prosecutions"),
	                                                      "unit")), "persons");
	json_decref(acc);
}

static void test_complaints_against_officials(void **state)
{
	json_t *acc = run(*state, TG_CLEAR_RESTRICTED, "type");
	check_figure(acc, "complaints:total", 6, P1, P2, P3, P4, P10, P12, 0);
	check_figure(acc, "complaints:refused_to_open", 1, P1, 0);
	check_figure(acc, "complaints:convicted", 1, P3, 0);
	check_figure(acc, "complaints:charged", 0, 0);
	check_figure(acc, "complaints:pending", 2, P10, P12, 0);
	json_decref(acc);
}

static void test_posthumous_prosecutions(void **state)
{
	json_t *acc = run(*state, TG_CLEAR_RESTRICTED, "type");
	/* The act P8 concerns is not counted twice. */
	check_figure(acc, "posthumous", 1, P8, 0);
	json_decref(acc);
	tg_store *st = *state;
	act(st, 50, "posthumous_prosecution", V2, 0, "public");
	acc = run(st, TG_CLEAR_RESTRICTED, "type");
	check_figure(acc, "posthumous", 2, P8, 50, 0);
	json_decref(acc);
	tg_error err = {0};
	assert_int_equal(tg_record_delete(st, id(50), "test over", &err), 0);
}

static void test_each_clearance_counts_what_it_may_see(void **state)
{
	json_t *acc = run(*state, TG_CLEAR_PUBLIC, "type");
	assert_string_equal(json_string_value(json_object_get(acc, "clearance")), "public");
	check_figure(acc, "funnel:*:*:alleged", 4, A1, A2, A4, A6, 0);
	assert_null(tg_accountability_figure(acc, "funnel:killing:*:alleged"));
	check_figure(acc, "prosecutions:charged", 2, P5, P6, 0);
	check_figure(acc, "prosecutions:sentences", 1, P5, 0);
	assert_true(json_real_value(json_object_get(
		tg_accountability_figure(acc, "prosecutions:sentences"), "years")) == 15);
	check_figure(acc, "complaints:total", 5, P1, P2, P3, P10, P12, 0);
	assert_null(tg_accountability_figure(acc, "complaints:closed_other:no_evidence"));
	json_decref(acc);
	acc = run(*state, TG_CLEAR_CONFIDENTIAL, "type");
	check_figure(acc, "funnel:*:*:complaint_filed", 1, A5, 0);
	/* V1 convicted twice is one person, behind two proceedings. */
	check_figure(acc, "prosecutions:convicted", 2, P5, P7, P11, 0);
	assert_int_equal(json_integer_value(json_object_get(
		tg_accountability_figure(acc, "prosecutions:sentences"), "months")), 1410);
	json_decref(acc);
}

static void test_bad_rows_are_refused(void **state)
{
	tg_accountability_opts o = {TG_CLEAR_PUBLIC, "period"};
	json_t *acc = NULL;
	tg_error err = {0};
	assert_int_equal(tg_stats_accountability(*state, &o, &acc, &err), TG_EINVAL);
	assert_string_equal(err.path, "by");
	assert_null(acc);
	assert_null(tg_accountability_figure(NULL, "posthumous"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_an_act_counts_once_at_its_furthest_stage),
		cmocka_unit_test(test_closures_split_by_reason),
		cmocka_unit_test(test_places_roll_up_to_their_region),
		cmocka_unit_test(test_prosecutions_of_victims_and_their_years),
		cmocka_unit_test(test_complaints_against_officials),
		cmocka_unit_test(test_posthumous_prosecutions),
		cmocka_unit_test(test_each_clearance_counts_what_it_may_see),
		cmocka_unit_test(test_bad_rows_are_refused),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
