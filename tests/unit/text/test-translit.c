/* Transliteration: known spellings of real names under each scheme. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>

#include "text/text.h"

static void check(const char *in, int scheme, const char *want)
{
	char *got = tg_translit(in, scheme);
	assert_non_null(got);
	assert_string_equal(got, want);
	free(got);
}

static void test_ru_replaces_kazakh_letters_by_russian(void **state)
{
	(void)state;
	check("Нұрсұлтан", TG_TR_RU_CYRL, "Нурсултан");
	check("Әлихан Өмірзақ Шыңғыс Һ", TG_TR_RU_CYRL, "Алихан Омирзак Шынгыс Х");
	check("Исаев", TG_TR_RU_CYRL, "Исаев");
}

static void test_icao_writes_nursultan_and_isaev(void **state)
{
	(void)state;
	check("Нұрсұлтан", TG_TR_ICAO, "Nursultan");
	check("Исаев", TG_TR_ICAO, "Isaev");
}

static void test_icao_writes_iuliia_for_yulia(void **state)
{
	(void)state;
	check("Юлия", TG_TR_ICAO, "Iuliia");
	check("Сергей", TG_TR_ICAO, "Sergei");
}

static void test_mvd310_writes_yuliya(void **state)
{
	(void)state;
	check("Юлия", TG_TR_MVD310, "Yuliya");
	check("Воробьев", TG_TR_MVD310, "Vorobyev");
}

static void test_kz2021_keeps_kazakh_letters(void **state)
{
	(void)state;
	check("Нұрсұлтан", TG_TR_KZ2021, "Nūrsūltan");
	check("Шыңғыс", TG_TR_KZ2021, "Şyñğys");
	check("Серік", TG_TR_KZ2021, "Serık");
}

/* BGN/PCGN's Kazakh system writes ұ as u and у as ū (as ICU does), so
 * Nūrsūltan is the spelling of the Russified Нурсултан in a Kazakh text,
 * and Нұрсұлтан stays Nursultan. */
static void test_bgn_uses_kazakh_system_for_kazakh_words(void **state)
{
	(void)state;
	check("Нұрсұлтан", TG_TR_BGN, "Nursultan");
	check("Шыңғыс", TG_TR_BGN, "Shyngghys");
	check("Ілияс", TG_TR_BGN, "Ilīyas");
}

static void test_bgn_iotates_e_after_vowel_in_russian_words(void **state)
{
	(void)state;
	check("Исаев", TG_TR_BGN, "Isayev");
	check("Ерлан", TG_TR_BGN, "Yerlan");
}

static void test_press_writes_isayev(void **state)
{
	(void)state;
	check("Исаев", TG_TR_PRESS, "Isayev");
	check("Нұрсұлтан", TG_TR_PRESS, "Nursultan");
	check("Дмитрий", TG_TR_PRESS, "Dmitry");
	check("Фёдор", TG_TR_PRESS, "Fyodor");
}

static void test_iso9_uses_diacritics(void **state)
{
	(void)state;
	check("Шевчук", TG_TR_ISO9, "Ševčuk");
	check("Юлия", TG_TR_ISO9, "Ûliâ");
}

static void test_icao_writes_shevchuk(void **state)
{
	(void)state;
	check("Шевчук", TG_TR_ICAO, "Shevchuk");
}

static void test_kz2017_uses_apostrophes(void **state)
{
	(void)state;
	check("Әлихан", TG_TR_KZ2017, "A'li'han");
	check("Шевчук", TG_TR_KZ2017, "S'evc'y'k");
}

static void test_kz2018_uses_acutes(void **state)
{
	(void)state;
	check("Талғат", TG_TR_KZ2018, "Talǵat");
	check("Айгүл", TG_TR_KZ2018, "Aıgúl");
}

static void test_digraph_is_capitalised_by_context(void **state)
{
	(void)state;
	check("Жанболат", TG_TR_ICAO, "Zhanbolat");
	check("ЖАНБОЛАТ", TG_TR_ICAO, "ZHANBOLAT");
	check("Ж.", TG_TR_ICAO, "Zh.");
	check("ЮЛИЯ Шевчук", TG_TR_ICAO, "IULIIA Shevchuk");
}

static void test_other_characters_pass_through(void **state)
{
	(void)state;
	check("Исаев, 1990-01-02 (Ақтөбе)", TG_TR_ICAO, "Isaev, 1990-01-02 (Aktobe)");
	check("Nūrsūltan", TG_TR_ICAO, "Nūrsūltan");
	check("", TG_TR_ICAO, "");
}

static void test_ascii_folds_every_scheme(void **state)
{
	(void)state;
	check("Nūrsūltan Şevčuk Aıgúl", TG_TR_ASCII, "Nursultan Sevcuk Aigul");
	check("Қайратұлы", TG_TR_ASCII, "Qayratuly");
	check("Ильяс", TG_TR_ASCII, "Ilyas");
}

static void test_decomposed_short_i_is_one_letter(void **state)
{
	(void)state;
	check("Сергеи\xcc\x86", TG_TR_MVD310, "Sergey");
}

static void test_scheme_names_round_trip(void **state)
{
	(void)state;
	const char *names[] = {"ru", "icao", "mvd310", "bgn", "iso9", "kz2017", "kz2018",
	                       "kz2021", "press", "ascii"};
	for (int i = 0; i < TG_TR_COUNT; i++) {
		assert_int_equal(tg_translit_scheme_by_name(names[i]), i);
		assert_string_equal(tg_translit_scheme_name(i), names[i]);
	}
	assert_int_equal(tg_translit_scheme_by_name("klingon"), -1);
	assert_null(tg_translit_scheme_name(TG_TR_COUNT));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ru_replaces_kazakh_letters_by_russian),
		cmocka_unit_test(test_icao_writes_nursultan_and_isaev),
		cmocka_unit_test(test_icao_writes_iuliia_for_yulia),
		cmocka_unit_test(test_mvd310_writes_yuliya),
		cmocka_unit_test(test_kz2021_keeps_kazakh_letters),
		cmocka_unit_test(test_bgn_uses_kazakh_system_for_kazakh_words),
		cmocka_unit_test(test_bgn_iotates_e_after_vowel_in_russian_words),
		cmocka_unit_test(test_press_writes_isayev),
		cmocka_unit_test(test_iso9_uses_diacritics),
		cmocka_unit_test(test_icao_writes_shevchuk),
		cmocka_unit_test(test_kz2017_uses_apostrophes),
		cmocka_unit_test(test_kz2018_uses_acutes),
		cmocka_unit_test(test_digraph_is_capitalised_by_context),
		cmocka_unit_test(test_other_characters_pass_through),
		cmocka_unit_test(test_ascii_folds_every_scheme),
		cmocka_unit_test(test_decomposed_short_i_is_one_letter),
		cmocka_unit_test(test_scheme_names_round_trip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
