/* Name tokens: splitting, roles from suffixes in every script, and the
 * order of Russian and English lists. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "text/text.h"

enum { U = TG_ROLE_UNKNOWN, G = TG_ROLE_GIVEN, F = TG_ROLE_FAMILY, P = TG_ROLE_PATRONYMIC };

/* Checks the tokens of name: their text (space-separated in words), roles
 * and sexes (a string of 'm', 'f' or '-'). */
static void check(const char *name, const char *order, const char *words, const int *roles,
                  const char *sexes)
{
	tg_name_token t[8];
	int n = tg_name_tokens(name, order, t, 8);
	char got[256] = "";
	for (int i = 0; i < n; i++) {
		if (i)
			strcat(got, "|");
		strncat(got, t[i].start, t[i].len);
	}
	assert_string_equal(got, words);
	assert_int_equal(n, (int)strlen(sexes));
	for (int i = 0; i < n; i++) {
		if ((int)t[i].role != roles[i])
			fail_msg("%s: token %d (%.*s) has role %d, not %d", name, i, (int)t[i].len,
			         t[i].start, t[i].role, roles[i]);
		assert_int_equal(t[i].sex, sexes[i] == '-' ? 0 : sexes[i]);
	}
}

static void test_russian_list_is_family_given_patronymic(void **state)
{
	(void)state;
	check("Исаев Нурсултан Кайратович", "ru", "Исаев|Нурсултан|Кайратович", (int[]){F, G, P},
	      "m-m");
	check("Ким Алексей Петрович", "ru", "Ким|Алексей|Петрович", (int[]){F, G, P}, "--m");
	check("Ким Алексей", "ru", "Ким|Алексей", (int[]){F, G}, "--");
	check("Исаев Н. К.", "ru", "Исаев|Н|К", (int[]){F, G, P}, "m--");
}

static void test_english_order_is_given_family(void **state)
{
	(void)state;
	check("Nursultan Isayev", "en", "Nursultan|Isayev", (int[]){G, F}, "-m");
	check("Aleksey Kim", "en", "Aleksey|Kim", (int[]){G, F}, "--");
	check("Nursultan Kairatuly Isayev", "en", "Nursultan|Kairatuly|Isayev", (int[]){G, P, F},
	      "-mm");
}

static void test_surname_suffix_wins_over_list_order(void **state)
{
	(void)state;
	check("Isayev Nursultan", "en", "Isayev|Nursultan", (int[]){F, G}, "m-");
	check("Нурсултан Исаев", "ru", "Нурсултан|Исаев", (int[]){G, F}, "-m");
}

static void test_suffixes_tell_roles_without_order(void **state)
{
	(void)state;
	check("Нұрсұлтан Қайратұлы Исаев", NULL, "Нұрсұлтан|Қайратұлы|Исаев", (int[]){G, P, F},
	      "-mm");
	check("Ахметова Айгүл Серікқызы", NULL, "Ахметова|Айгүл|Серікқызы", (int[]){F, G, P},
	      "f-f");
	check("Ирина Сергеевна", NULL, "Ирина|Сергеевна", (int[]){G, P}, "-f");
	check("Пушкин Александр Сергеевич", NULL, "Пушкин|Александр|Сергеевич", (int[]){F, G, P},
	      "m-m");
	check("Марина Ковальская", NULL, "Марина|Ковальская", (int[]){G, F}, "-f");
	check("Ким Алексей", NULL, "Ким|Алексей", (int[]){U, U}, "--");
	check("Яков Шевченко", NULL, "Яков|Шевченко", (int[]){G, F}, "--");
}

static void test_latin_suffixes_are_read_in_every_scheme(void **state)
{
	(void)state;
	const char *patronymics[] = {"Kairatovich", "Kajratovič", "Kai'ratovi'c'", "Qairatūly",
	                             "Kayratwlı", "Kairatuli", "Kayratovïç"};
	for (size_t i = 0; i < sizeof patronymics / sizeof patronymics[0]; i++) {
		tg_name_token t[4];
		char name[64];
		strcpy(name, "Isaev Nursultan ");
		strcat(name, patronymics[i]);
		assert_int_equal(tg_name_tokens(name, NULL, t, 4), 3);
		if (t[2].role != TG_ROLE_PATRONYMIC || t[0].role != TG_ROLE_FAMILY)
			fail_msg("%s: roles %d %d %d", name, t[0].role, t[1].role, t[2].role);
		assert_int_equal(t[2].sex, 'm');
	}
	check("Zhumabaikyzy Aigul", NULL, "Zhumabaikyzy|Aigul", (int[]){P, G}, "f-");
}

static void test_separate_kazakh_patronymic_is_one_token(void **state)
{
	(void)state;
	check("Серік Нұрлан ұлы Ахметов", NULL, "Серік|Нұрлан ұлы|Ахметов", (int[]){G, P, F},
	      "-mm");
	check("Aigul Serik kyzy", "en", "Aigul|Serik kyzy", (int[]){G, P}, "-f");
	check("Ахметова Айгүл Серік қызы", "ru", "Ахметова|Айгүл|Серік қызы", (int[]){F, G, P},
	      "f-f");
}

static void test_punctuation_separates_and_apostrophes_stay(void **state)
{
	(void)state;
	check("«Исаев», Нурсултан (Nursultan)", NULL, "Исаев|Нурсултан|Nursultan",
	      (int[]){F, G, G}, "m--");
	check("Ny'rsy'ltan  I'saev", "en", "Ny'rsy'ltan|I'saev", (int[]){G, F}, "-m");
	check("", NULL, "", (int[]){0}, "");
	check(" - 1990 ", NULL, "", (int[]){0}, "");
}

static void test_at_most_max_tokens(void **state)
{
	(void)state;
	tg_name_token t[2];
	assert_int_equal(tg_name_tokens("Исаев Нурсултан Кайратович", "ru", t, 2), 2);
	assert_int_equal(tg_name_tokens("Исаев", NULL, t, 0), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_russian_list_is_family_given_patronymic),
		cmocka_unit_test(test_english_order_is_given_family),
		cmocka_unit_test(test_surname_suffix_wins_over_list_order),
		cmocka_unit_test(test_suffixes_tell_roles_without_order),
		cmocka_unit_test(test_latin_suffixes_are_read_in_every_scheme),
		cmocka_unit_test(test_separate_kazakh_patronymic_is_one_token),
		cmocka_unit_test(test_punctuation_separates_and_apostrophes_stay),
		cmocka_unit_test(test_at_most_max_tokens),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
