/* The RFC 4180 reader: quoting, line ends, BOM, errors with their line. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "io/io-int.h"

static void test_quoted_fields_keep_commas_quotes_and_line_breaks(void **state)
{
	const char *text = "\xEF\xBB\xBFid,name\r\n1,\"Исаев, Нұрсұлтан\"\r\n2,\"say \"\"no\"\"\nagain\"\n";
	tg_csv c;
	tg_csv_init(&c, text, strlen(text), ',');
	assert_int_equal(tg_csv_row(&c, NULL), 1);
	assert_int_equal(c.n, 2);
	assert_string_equal(tg_strbuf_str(&c.field[0]), "id");
	assert_int_equal(tg_csv_row(&c, NULL), 1);
	assert_string_equal(tg_strbuf_str(&c.field[1]), "Исаев, Нұрсұлтан");
	assert_int_equal(tg_csv_row(&c, NULL), 1);
	assert_int_equal(c.row_line, 3);
	assert_string_equal(tg_strbuf_str(&c.field[1]), "say \"no\"\nagain");
	assert_int_equal(tg_csv_row(&c, NULL), 0);
	tg_csv_free(&c);
}

static void test_tabs_separate_tsv_and_empty_fields_stay(void **state)
{
	const char *text = "a\tb\tc\n\t\tx";
	tg_csv c;
	tg_csv_init(&c, text, strlen(text), '\t');
	assert_int_equal(tg_csv_row(&c, NULL), 1);
	assert_int_equal(tg_csv_row(&c, NULL), 1);
	assert_int_equal(c.n, 3);
	assert_string_equal(tg_strbuf_str(&c.field[0]), "");
	assert_string_equal(tg_strbuf_str(&c.field[2]), "x");
	tg_csv_free(&c);
}

static void test_broken_quotes_are_errors_naming_the_line(void **state)
{
	const char *open = "a,b\n1,\"never closed\n2,3\n";
	tg_csv c;
	tg_error err = {0};
	tg_csv_init(&c, open, strlen(open), ',');
	assert_int_equal(tg_csv_row(&c, &err), 1);
	assert_int_equal(tg_csv_row(&c, &err), -1);
	assert_int_equal(err.line, 2);
	tg_csv_free(&c);
	const char *after = "a,b\n1,\"x\"y\n";
	tg_csv_init(&c, after, strlen(after), ',');
	assert_int_equal(tg_csv_row(&c, &err), 1);
	assert_int_equal(tg_csv_row(&c, &err), -1);
	assert_int_equal(err.line, 2);
	tg_csv_free(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_quoted_fields_keep_commas_quotes_and_line_breaks),
		cmocka_unit_test(test_tabs_separate_tsv_and_empty_fields_stay),
		cmocka_unit_test(test_broken_quotes_are_errors_naming_the_line),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
