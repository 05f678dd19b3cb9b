#include <stdio.h>
#include <stdlib.h>
/* Record linkage: standardising and comparison levels seen through a
 * pair's explanation, cannot-link constraints at union time, reviewers'
 * decisions, and a small run that finds the people it should. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "link/link.h"
#include "text/text.h"

static tg_link_input person(long long id, int list, const char *full, const char *birth,
                            const char *sex, const char *place)
{
	return (tg_link_input){.id = id, .list = list, .full_name = full, .birth_date = birth,
	                       .sex = sex, .place = place, .age = -1};
}

/* The level of comparison name for records i and j (-1: missing). */
static int level(tg_link *lk, size_t i, size_t j, const char *name)
{
	json_t *x = tg_link_explain(lk, i, j), *c;
	size_t k;
	int l = -2;
	json_array_foreach(json_object_get(x, "comparisons"), k, c)
		if (!strcmp(json_string_value(json_object_get(c, "name")), name))
			l = json_is_integer(json_object_get(c, "level"))
			        ? (int)json_integer_value(json_object_get(c, "level")) : -1;
	json_decref(x);
	return l;
}

static void test_names_compare_across_scripts_orders_and_patronymic_forms(void **state)
{
	(void)state;
	tg_link *lk = tg_link_new();
	tg_link_input in[] = {
		person(1, 0, "Исаев Нұрсұлтан Қайратұлы", NULL, NULL, NULL),
		person(2, 1, "Nursultan Isayev", NULL, NULL, NULL),
		person(3, 1, "Isayev Nursultan", NULL, NULL, NULL),
		person(4, 2, "Исаев Нурсултан Кайратович", NULL, NULL, NULL),
		person(5, 2, "Исаев Нурсултан Ерланович", NULL, NULL, NULL),
		person(6, 3, "Nursultan Isaeva", NULL, NULL, NULL),
		person(7, 3, "Бекова Айгүл", NULL, NULL, NULL),
		person(8, 1, "Dana Aigul", NULL, NULL, NULL),
		person(9, 1, "Aigul Dana", NULL, NULL, NULL),
	};
	in[1].lang = in[7].lang = in[8].lang = "en";
	in[0].lang = in[3].lang = in[4].lang = "ru";
	for (size_t i = 0; i < sizeof in / sizeof in[0]; i++)
		tg_link_add(lk, &in[i]);
	assert_int_equal(level(lk, 0, 1, "name"), 0);       /* scripts and schemes */
	assert_int_equal(level(lk, 1, 2, "name"), 0);       /* -ev tells the family name */
	assert_int_equal(level(lk, 7, 8, "name"), 1);       /* given and family swapped */
	assert_int_equal(level(lk, 0, 3, "patronymic"), 0); /* Қайратұлы = Кайратович */
	assert_int_equal(level(lk, 3, 4, "patronymic"), 2); /* different fathers */
	assert_int_equal(level(lk, 0, 1, "patronymic"), -1);
	assert_int_equal(level(lk, 1, 5, "name"), 2);       /* one letter: similar */
	assert_int_equal(level(lk, 0, 6, "name"), 5);
	tg_link_free(lk);
}

static void test_birth_dates_compare_partial_transposed_and_from_age(void **state)
{
	(void)state;
	tg_link *lk = tg_link_new();
	const char *dates[] = {"1988-03-12", "1988-03-12", "1988", "1988-12-03", "1989-03-12",
	                       "1998-03-12", "1975-06-01"};
	for (int i = 0; i < 7; i++) {
		tg_link_input in = person(i + 1, 0, "Асель Нурланова", dates[i], NULL, NULL);
		tg_link_add(lk, &in);
	}
	tg_link_input aged = person(8, 1, "Асель Нурланова", NULL, NULL, NULL);
	aged.age = 33;
	aged.event_date = "2022-01-05";
	tg_link_add(lk, &aged);
	assert_int_equal(level(lk, 0, 1, "birth"), 0);
	assert_int_equal(level(lk, 0, 2, "birth"), 1);
	assert_int_equal(level(lk, 0, 3, "birth"), 2);
	assert_int_equal(level(lk, 0, 4, "birth"), 3);
	assert_int_equal(level(lk, 0, 5, "birth"), 4);
	assert_int_equal(level(lk, 0, 6, "birth"), 5);
	assert_int_equal(level(lk, 0, 7, "birth"), 1); /* 33 in 2022: born 1988 or 1989 */
	tg_link_input slip = person(9, 1, "Асель Нурланова", NULL, NULL, NULL);
	slip.age = 38; /* born 1983 or 1984: 1988 is one digit off 1983 */
	tg_link_add(lk, &slip);
	assert_int_equal(level(lk, 0, 8, "birth"), 4);
	tg_link_free(lk);
}

static void test_fate_compares_deaths_and_survivors(void **state)
{
	(void)state;
	tg_link *lk = tg_link_new();
	const char *fates[] = {"killed", "died_in_custody", "dead", "alive", NULL};
	for (int i = 0; i < 5; i++) {
		tg_link_input in = person(i + 1, i, "Ерлан Серіков", NULL, NULL, NULL);
		in.fate = fates[i];
		if (i == 4)
			in.death_date = "2022-01-06"; /* a death date says he died */
		tg_link_add(lk, &in);
	}
	assert_int_equal(level(lk, 0, 1, "fate"), 1); /* killed, died in custody */
	assert_int_equal(level(lk, 0, 2, "fate"), 0); /* a death fits a killing */
	assert_int_equal(level(lk, 0, 3, "fate"), 2);
	assert_int_equal(level(lk, 3, 4, "fate"), 2);
	assert_int_equal(level(lk, 1, 4, "fate"), 0);
	tg_link_free(lk);
}

static void test_iin_sex_and_place_levels(void **state)
{
	(void)state;
	tg_link *lk = tg_link_new();
	tg_link_input a = person(1, 0, "Ерлан Серіков", NULL, "male", "Алматы");
	tg_link_input b = person(2, 1, "Yerlan Serikov", NULL, "male", "Almaty");
	tg_link_input c = person(3, 2, "Ерлан Сериков", NULL, "female", "Талдыкорган");
	a.iin = "880312300015";
	b.iin = "880312300025";
	tg_link_add(lk, &a);
	tg_link_add(lk, &b);
	tg_link_add(lk, &c);
	assert_int_equal(level(lk, 0, 1, "iin"), 1);
	assert_int_equal(level(lk, 0, 2, "iin"), -1);
	assert_int_equal(level(lk, 0, 1, "place"), 0); /* Алматы = Almaty */
	assert_int_equal(level(lk, 0, 2, "place"), 2);
	assert_int_equal(level(lk, 0, 1, "sex"), 0);
	assert_int_equal(level(lk, 0, 2, "sex"), 1);
	json_t *x = tg_link_explain(lk, 0, 2);
	assert_non_null(json_string_value(json_object_get(x, "cannot_link")));
	json_decref(x);
	tg_link_free(lk);
}

/* A small population: each person on two or three lists, spelt as each
 * list spells, among namesakes that differ in birth date or father. */
static tg_link *population(void)
{
	tg_link *lk = tg_link_new();
	static const char *const given[] = {"Нурлан", "Асель", "Ерлан", "Айгуль", "Бауыржан", "Динара",
	                                    "Серик", "Жанар", "Талгат", "Гульнара"};
	static const char *const family[] = {"Ахметов", "Садыкова", "Жумабаев", "Омарова", "Касымов",
	                                     "Абенова", "Тулегенов", "Искакова", "Ермеков", "Нурланова"};
	char buf[3][64][128];
	long long id = 1;
	for (int p = 0; p < 60; p++) {
		const char *g = given[p % 10], *f = family[(p / 10 + p) % 10];
		char birth[16];
		snprintf(birth, sizeof birth, "%d-%02d-%02d", 1960 + p % 37, 1 + p % 12, 1 + p % 28);
		const char *sex = p % 2 ? "female" : "male";
		for (int l = 0; l < 2 + p % 2; l++) {
			char *name = buf[l][p];
			if (l == 1) {
				char *t = tg_translit(g, TG_TR_ICAO), *u = tg_translit(f, TG_TR_ICAO);
				snprintf(name, 128, "%s %s", t, u);
				free(t);
				free(u);
			} else {
				snprintf(name, 128, "%s %s", f, g);
			}
			tg_link_input in = person(id++, l, name, l == 2 ? NULL : birth, sex, "Алматы");
			in.lang = l == 1 ? "en" : "ru";
			if (l == 2) {
				in.age = 2022 - (1960 + p % 37) - (1 + p % 12 > 1);
				in.event_date = "2022-01-05";
			}
			tg_link_add(lk, &in);
		}
	}
	return lk;
}

static void test_run_links_the_same_people_and_keeps_namesakes_apart(void **state)
{
	(void)state;
	tg_link *lk = population();
	tg_error err = {0};
	tg_link_opts o = {.threads = 2, .u_pairs = 20000};
	assert_int_equal(tg_link_run(lk, &o, &err), 0);
	json_t *r = tg_link_report(lk);
	assert_int_equal(json_integer_value(json_object_get(r, "records")), (json_int_t)tg_link_size(lk));
	assert_int_equal(json_array_size(json_object_get(r, "blocking")), 5);
	json_decref(r);
	/* Records of one person share a cluster; namesakes with other birth
	 * dates do not. */
	size_t n = tg_link_size(lk), same = 0, wrong = 0;
	for (size_t i = 0; i < n; i++)
		for (size_t j = i + 1; j < n; j++) {
			bool linked = tg_link_cluster(lk, i) == tg_link_cluster(lk, j);
			/* Ids are consecutive per person: 2 or 3 records each. */
			long pi = -1, pj = -1, id = 1;
			for (int p = 0; p < 60; p++) {
				int k = 2 + p % 2;
				if ((long)i + 1 >= id && (long)i + 1 < id + k)
					pi = p;
				if ((long)j + 1 >= id && (long)j + 1 < id + k)
					pj = p;
				id += k;
			}
			if (pi == pj)
				same += linked;
			else
				wrong += linked;
		}
	assert_int_equal(wrong, 0);
	assert_true(same >= 80); /* of 90 true pairs */
	tg_link_free(lk);
}

static void test_decisions_join_and_part_whatever_the_score(void **state)
{
	(void)state;
	tg_link *lk = tg_link_new();
	tg_link_input a = person(10, 0, "Ахметов Нурлан", "1980-05-05", "male", "Алматы");
	tg_link_input b = person(20, 1, "Ахметов Нурлан", "1980-05-05", "male", "Алматы");
	tg_link_input c = person(30, 2, "Садыкова Асель", "1990-01-01", "female", "Астана");
	tg_link_add(lk, &a);
	tg_link_add(lk, &b);
	tg_link_add(lk, &c);
	tg_link_constrain(lk, 10, 20, false);
	tg_link_constrain(lk, 10, 30, true);
	tg_error err = {0};
	tg_link_opts o = {.threads = 1, .u_pairs = 1000};
	assert_int_equal(tg_link_run(lk, &o, &err), 0);
	assert_true(tg_link_cluster(lk, 0) != tg_link_cluster(lk, 1));
	assert_int_equal(tg_link_cluster(lk, 2), tg_link_cluster(lk, 0));
	assert_int_equal(tg_link_find(lk, 30), 2);
	assert_int_equal(tg_link_find(lk, 31), -1);
	tg_link_opts bad = {.upper = 0.4, .lower = 0.6};
	assert_int_equal(tg_link_run(lk, &bad, &err), TG_EINVAL);
	tg_link_free(lk);
}

static void test_place_codes_have_names_in_three_languages(void **state)
{
	(void)state;
	assert_string_equal(tg_link_place_label("kz-almaty-region", "ru"), "Алматинская область");
	assert_string_equal(tg_link_place_label("kz-almaty-region", "kk"), "Алматы облысы");
	assert_string_equal(tg_link_place_label("kz-almaty-region", NULL), "Almaty Region");
	assert_string_equal(tg_link_place_label("ALMATI", "ru"), "ALMATI"); /* not a code */
	assert_null(tg_link_place_label(NULL, "ru"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names_compare_across_scripts_orders_and_patronymic_forms),
		cmocka_unit_test(test_birth_dates_compare_partial_transposed_and_from_age),
		cmocka_unit_test(test_iin_sex_and_place_levels),
		cmocka_unit_test(test_fate_compares_deaths_and_survivors),
		cmocka_unit_test(test_place_codes_have_names_in_three_languages),
		cmocka_unit_test(test_run_links_the_same_people_and_keeps_namesakes_apart),
		cmocka_unit_test(test_decisions_join_and_part_whatever_the_score),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
