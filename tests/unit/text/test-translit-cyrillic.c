/* Latin back to Cyrillic, best effort: Russian and Kazakh letters, glides
 * read by their neighbours, case kept. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>

#include "text/text.h"

static void check(const char *in, const char *lang, const char *want)
{
	char *got = tg_translit_to_cyrillic(in, lang);
	assert_non_null(got);
	assert_string_equal(got, want);
	free(got);
}

static void test_plain_latin_reads_as_russian(void **state)
{
	(void)state;
	check("Nursultan", "ru", "Нурсултан");
	check("Isayev", "ru", "Исаев");
	check("Isaev", "ru", "Исаев");
	check("Zhanbolat", "ru", "Жанболат");
	check("Shevchuk", "ru", "Шевчук");
	check("Shcherbakov", "ru", "Щербаков");
}

static void test_kazakh_latin_restores_kazakh_letters(void **state)
{
	(void)state;
	check("Nūrsūltan", "kk", "Нұрсұлтан");
	check("Qasym", "kk", "Қасым");
	check("Şyñğys", "kk", "Шыңғыс");
	check("Äsel", "kk", "Әсел");
	check("Serık", "kk", "Серік");
	check("Ömırzaq", "kk", "Өмірзақ");
	check("Aigül", "kk", "Айгүл");
	check("Talg'at", "kk", "Талғат");
}

static void test_russian_gets_no_kazakh_letters(void **state)
{
	(void)state;
	check("Nūrsūltan", "ru", "Нурсултан");
	check("Qasym", "ru", "Касым");
	check("Äsel", "ru", "Асел");
}

static void test_glides_are_read_by_their_neighbours(void **state)
{
	(void)state;
	check("Yuliya", "ru", "Юлия");
	check("Iuliia", "ru", "Юлия");
	check("Yerlan", "ru", "Ерлан");
	check("Natalya", "ru", "Наталья");
	check("Il'yas", "ru", "Ильяс");
	check("Fyodor", "ru", "Фёдор");
	check("Aliona", "ru", "Алёна");
	check("Sergey", "ru", "Сергей");
	check("Dmitrii", "ru", "Дмитрий");
	check("Aidar", "ru", "Айдар");
	check("Diana", "ru", "Диана");
	check("Maria", "ru", "Мария");
}

static void test_case_is_kept(void **state)
{
	(void)state;
	check("ISAEV Nursultan", "ru", "ИСАЕВ Нурсултан");
	check("Zh.", "ru", "Ж.");
	check("SHYNGYS", "kk", "ШЫНГЫС");
}

static void test_other_text_passes_through(void **state)
{
	(void)state;
	check("Исаев, 1990 (Aktobe)", "ru", "Исаев, 1990 (Актобе)");
	check("", "kk", "");
	check("Nu\xcc\x84rsu\xcc\x84ltan", "kk", "Нұрсұлтан"); /* decomposed ū */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_latin_reads_as_russian),
		cmocka_unit_test(test_kazakh_latin_restores_kazakh_letters),
		cmocka_unit_test(test_russian_gets_no_kazakh_letters),
		cmocka_unit_test(test_glides_are_read_by_their_neighbours),
		cmocka_unit_test(test_case_is_kept),
		cmocka_unit_test(test_other_text_passes_through),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
