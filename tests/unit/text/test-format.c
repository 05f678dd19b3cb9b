/* Locale formatting: partial dates and integers in Kazakh, Russian and
 * English, exactly as pages and exports show them. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <limits.h>
#include <stdlib.h>
#include <unicode/ucal.h>
#include <unicode/ustring.h>

#include "text/text.h"

#define NBSP "\u00a0"

static void date(const char *in, const char *lang, const char *want)
{
	char *got = tg_text_format_date(in, lang);
	assert_non_null(got);
	assert_string_equal(got, want);
	assert_ptr_not_equal(got, in);
	free(got);
}

static void num(long long n, const char *lang, const char *want)
{
	char *got = tg_text_format_int(n, lang);
	assert_non_null(got);
	assert_string_equal(got, want);
	free(got);
}

static void test_full_date_in_kazakh_uses_nominative_month(void **state)
{
	(void)state;
	date("2024-02-05", "kk", "5 ақпан 2024 ж.");
	date("2024-09-30", "kk", "30 қыркүйек 2024 ж.");
}

static void test_full_date_in_russian_uses_genitive_month(void **state)
{
	(void)state;
	date("2024-02-05", "ru", "5 февраля 2024 г.");
	date("2024-03-08", "ru", "8 марта 2024 г.");
}

static void test_full_date_in_english_puts_the_day_first(void **state)
{
	(void)state;
	date("2024-02-05", "en", "5 February 2024");
}

static void test_month_in_kazakh_is_lowercase_nominative(void **state)
{
	(void)state;
	date("2023-02", "kk", "ақпан 2023 ж.");
}

static void test_month_in_russian_uses_standalone_nominative(void **state)
{
	(void)state;
	date("2023-02", "ru", "февраль 2023 г.");
	date("2023-05", "ru", "май 2023 г.");
}

static void test_month_in_english_has_no_day(void **state)
{
	(void)state;
	date("2023-02", "en", "February 2023");
}

static void test_year_alone_gets_the_year_abbreviation(void **state)
{
	(void)state;
	date("2022", "kk", "2022 ж.");
	date("2022", "ru", "2022 г.");
	date("2022", "en", "2022");
}

static void test_leap_day_is_formatted_as_written(void **state)
{
	(void)state;
	date("2024-02-29", "kk", "29 ақпан 2024 ж.");
	date("2024-02-29", "ru", "29 февраля 2024 г.");
	date("2024-02-29", "en", "29 February 2024");
}

static void test_approximate_date_gets_a_prefix(void **state)
{
	(void)state;
	date("~2024-02-05", "kk", "шамамен 5 ақпан 2024 ж.");
	date("~2024-02-05", "ru", "около 5 февраля 2024 г.");
	date("~2024-02-05", "en", "about 5 February 2024");
	date("~2022", "kk", "шамамен 2022 ж.");
	date("~2022", "ru", "около 2022 г.");
	date("~2022", "en", "about 2022");
}

/* «около» governs the genitive: «около февраля», not «около февраль». */
static void test_approximate_month_in_russian_uses_genitive(void **state)
{
	(void)state;
	date("~2023-02", "ru", "около февраля 2023 г.");
	date("~2023-02", "kk", "шамамен ақпан 2023 ж.");
	date("~2023-02", "en", "about February 2023");
}

static void test_dotted_date_is_formatted_like_iso(void **state)
{
	(void)state;
	date("05.02.2024", "ru", "5 февраля 2024 г.");
	date("02.2023", "en", "February 2023");
}

static void test_unknown_language_falls_back_to_english(void **state)
{
	(void)state;
	date("2024-02-05", "de", "5 February 2024");
	date("2024-02-05", "", "5 February 2024");
	date("2024-02-05", NULL, "5 February 2024");
	date("~2023-02", "KK", "about February 2023");
	num(1234567, "fr", "1,234,567");
}

static void test_invalid_date_is_returned_unchanged(void **state)
{
	(void)state;
	const char *bad[] = {"2022-02-30", "2023-02-29", "2024-13", "2024-00-10", "yesterday",
	                     "", "~", "2024-02-05x", " 2024", "0000", "~~2022"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		date(bad[i], "ru", bad[i]);
		date(bad[i], "kk", bad[i]);
	}
	assert_null(tg_text_format_date(NULL, "en"));
}

/* The calendar is UTC whatever the process time zone is, so the first and
 * last day of a year never move across midnight. */
static void test_date_does_not_shift_with_the_default_time_zone(void **state)
{
	(void)state;
	const char *zones[] = {"Pacific/Kiritimati", "Pacific/Pago_Pago", "Asia/Almaty"};
	for (size_t i = 0; i < sizeof zones / sizeof zones[0]; i++) {
		UChar zone[32];
		UErrorCode st = U_ZERO_ERROR;
		u_uastrcpy(zone, zones[i]);
		ucal_setDefaultTimeZone(zone, &st);
		assert_false(U_FAILURE(st));
		date("2024-01-01", "en", "1 January 2024");
		date("2023-12-31", "ru", "31 декабря 2023 г.");
		date("2024-01", "kk", "қаңтар 2024 ж.");
	}
}

/* No Julian period: 1582-10-10 exists and early years keep their day. */
static void test_early_dates_use_the_proleptic_gregorian_calendar(void **state)
{
	(void)state;
	date("1582-10-10", "en", "10 October 1582");
	date("0900-03-01", "en", "1 March 900");
	date("0001-01-01", "ru", "1 января 1 г.");
	date("9999-12-31", "en", "31 December 9999");
}

static void test_int_in_english_groups_with_commas(void **state)
{
	(void)state;
	num(1234567, "en", "1,234,567");
	num(1000, "en", "1,000");
	num(999, "en", "999");
}

static void test_int_in_kazakh_and_russian_groups_with_no_break_space(void **state)
{
	(void)state;
	num(1234567, "kk", "1" NBSP "234" NBSP "567");
	num(1234567, "ru", "1" NBSP "234" NBSP "567");
	num(1000, "kk", "1" NBSP "000");
	num(999, "ru", "999");
}

static void test_negative_int_keeps_its_sign_and_grouping(void **state)
{
	(void)state;
	num(-1234567, "en", "-1,234,567");
	num(-1234567, "ru", "-1" NBSP "234" NBSP "567");
	num(-1234567, "kk", "-1" NBSP "234" NBSP "567");
	num(-5, "kk", "-5");
	num(LLONG_MIN, "en", "-9,223,372,036,854,775,808");
	num(LLONG_MAX, "ru", "9" NBSP "223" NBSP "372" NBSP "036" NBSP "854" NBSP "775" NBSP "807");
}

static void test_zero_is_a_plain_zero(void **state)
{
	(void)state;
	num(0, "kk", "0");
	num(0, "ru", "0");
	num(0, "en", "0");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_full_date_in_kazakh_uses_nominative_month),
		cmocka_unit_test(test_full_date_in_russian_uses_genitive_month),
		cmocka_unit_test(test_full_date_in_english_puts_the_day_first),
		cmocka_unit_test(test_month_in_kazakh_is_lowercase_nominative),
		cmocka_unit_test(test_month_in_russian_uses_standalone_nominative),
		cmocka_unit_test(test_month_in_english_has_no_day),
		cmocka_unit_test(test_year_alone_gets_the_year_abbreviation),
		cmocka_unit_test(test_leap_day_is_formatted_as_written),
		cmocka_unit_test(test_approximate_date_gets_a_prefix),
		cmocka_unit_test(test_approximate_month_in_russian_uses_genitive),
		cmocka_unit_test(test_dotted_date_is_formatted_like_iso),
		cmocka_unit_test(test_unknown_language_falls_back_to_english),
		cmocka_unit_test(test_invalid_date_is_returned_unchanged),
		cmocka_unit_test(test_date_does_not_shift_with_the_default_time_zone),
		cmocka_unit_test(test_early_dates_use_the_proleptic_gregorian_calendar),
		cmocka_unit_test(test_int_in_english_groups_with_commas),
		cmocka_unit_test(test_int_in_kazakh_and_russian_groups_with_no_break_space),
		cmocka_unit_test(test_negative_int_keeps_its_sign_and_grouping),
		cmocka_unit_test(test_zero_is_a_plain_zero),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
