/* Partial dates, UUIDv7, the string builder, the arena and the PRNG. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "util/util.h"

static void fmt(const char *in, char *out, size_t n)
{
	tg_pdate d;
	assert_int_equal(tg_pdate_parse(in, &d, NULL), TG_OK);
	tg_pdate_format(&d, out, n, true);
}

static void test_partial_date_accepts_year_month_day_forms(void **state)
{
	char buf[16];
	fmt("2022", buf, sizeof buf);
	assert_string_equal(buf, "2022");
	fmt("2022-01", buf, sizeof buf);
	assert_string_equal(buf, "2022-01");
	fmt("2022-01-05", buf, sizeof buf);
	assert_string_equal(buf, "2022-01-05");
	fmt("~1990", buf, sizeof buf);
	assert_string_equal(buf, "~1990");
	fmt("12.03.1988", buf, sizeof buf);
	assert_string_equal(buf, "1988-03-12");
	fmt("03.1988", buf, sizeof buf);
	assert_string_equal(buf, "1988-03");
}

static void test_partial_date_rejects_impossible_dates(void **state)
{
	tg_pdate d;
	tg_error err = {0};
	const char *bad[] = {"2022-02-30", "2021-02-29", "2022-13", "2022-00-10", "22",
	                     "2022-1-5",   "2022-01-05x", "", "~", "31.02.2022", "0000"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(tg_pdate_parse(bad[i], &d, &err), TG_EDATE);
		assert_int_equal(err.code, TG_EDATE);
	}
	assert_int_equal(tg_pdate_parse("2024-02-29", &d, NULL), TG_OK);
	assert_int_equal(tg_pdate_parse("2000-02-29", &d, NULL), TG_OK);
	assert_int_equal(tg_pdate_parse("1900-02-29", &d, NULL), TG_EDATE);
}

static void test_partial_date_orders_year_before_month(void **state)
{
	tg_pdate y, m, d, later;
	tg_pdate_parse("2022", &y, NULL);
	tg_pdate_parse("2022-01", &m, NULL);
	tg_pdate_parse("2022-01-05", &d, NULL);
	tg_pdate_parse("2022-02", &later, NULL);
	assert_true(tg_pdate_cmp(&y, &m) < 0);
	assert_true(tg_pdate_cmp(&m, &d) < 0);
	assert_true(tg_pdate_cmp(&d, &later) < 0);
	/* Canonical text sorts the same way. */
	assert_true(strcmp("2022", "2022-01") < 0 && strcmp("2022-01-05", "2022-02") < 0);
	assert_true(tg_pdate_compatible(&y, &d));
	assert_false(tg_pdate_compatible(&d, &later));
}

static void test_uuid7_is_versioned_and_time_ordered(void **state)
{
	char a[TG_UUID_LEN], b[TG_UUID_LEN];
	tg_uuid7(a);
	assert_true(tg_uuid_valid(a));
	assert_int_equal(a[14], '7');
	assert_true(strchr("89ab", a[19]) != NULL);
	uint8_t r[10] = {0};
	tg_uuid7_from(1000, r, a);
	tg_uuid7_from(1001, r, b);
	assert_true(strcmp(a, b) < 0);
	assert_string_equal(a, "00000000-03e8-7000-8000-000000000000");
	assert_false(tg_uuid_valid("00000000-03e8-7000-8000-00000000000"));
	assert_false(tg_uuid_valid("00000000-03E8-7000-8000-000000000000"));
}

static void test_strbuf_grows_and_detaches(void **state)
{
	tg_strbuf sb = TG_STRBUF_INIT;
	assert_string_equal(tg_strbuf_str(&sb), "");
	for (int i = 0; i < 1000; i++)
		tg_strbuf_addf(&sb, "%d,", i % 10);
	assert_int_equal(sb.len, 2000);
	tg_strbuf_reset(&sb);
	tg_strbuf_adds(&sb, "Нұрсұлтан");
	tg_strbuf_addc(&sb, '!');
	char *s = tg_strbuf_detach(&sb);
	assert_string_equal(s, "Нұрсұлтан!");
	assert_int_equal(sb.len, 0);
	free(s);
	tg_strbuf_release(&sb);
}

static void test_arena_keeps_allocations_apart(void **state)
{
	tg_arena *a = tg_arena_new();
	char *p = tg_arena_strdup(a, "one");
	char *big = tg_arena_alloc(a, 200000);
	memset(big, 'x', 200000);
	char *q = tg_arena_strdup(a, "two");
	assert_string_equal(p, "one");
	assert_string_equal(q, "two");
	assert_int_equal(((uintptr_t)tg_arena_alloc(a, 3)) % _Alignof(max_align_t), 0);
	tg_arena_free(a);
	tg_arena_free(NULL);
}

static void test_rng_is_deterministic_per_seed(void **state)
{
	tg_rng a, b, c;
	tg_rng_seed(&a, 42);
	tg_rng_seed(&b, 42);
	tg_rng_seed(&c, 43);
	bool differ = false;
	for (int i = 0; i < 100; i++) {
		uint64_t x = tg_rng_next(&a);
		assert_true(x == tg_rng_next(&b));
		differ |= x != tg_rng_next(&c);
		assert_true(tg_rng_below(&a, 7) < 7);
		double u = tg_rng_unit(&b);
		assert_true(u >= 0 && u < 1);
		tg_rng_below(&b, 7);
		tg_rng_unit(&a);
	}
	assert_true(differ);
}

static void test_error_codes_have_names_and_exit_statuses(void **state)
{
	assert_string_equal(tg_error_name(TG_EDATE), "EDATE");
	assert_int_equal(tg_error_exit_status(TG_OK), 0);
	assert_int_equal(tg_error_exit_status(TG_EUSAGE), 2);
	assert_int_equal(tg_error_exit_status(TG_ENOTFOUND), 3);
	assert_int_equal(tg_error_exit_status(TG_EVOCAB), 4);
	assert_int_equal(tg_error_exit_status(TG_EDB), 5);
	tg_error err = {0};
	assert_int_equal(tg_error_set(&err, TG_EREF, "victim", "no %s", "one"), TG_EREF);
	assert_string_equal(err.path, "victim");
	assert_string_equal(err.msg, "no one");
	assert_int_equal(tg_error_set(NULL, TG_EIO, NULL, "x"), TG_EIO);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_partial_date_accepts_year_month_day_forms),
		cmocka_unit_test(test_partial_date_rejects_impossible_dates),
		cmocka_unit_test(test_partial_date_orders_year_before_month),
		cmocka_unit_test(test_uuid7_is_versioned_and_time_ordered),
		cmocka_unit_test(test_strbuf_grows_and_detaches),
		cmocka_unit_test(test_arena_keeps_allocations_apart),
		cmocka_unit_test(test_rng_is_deterministic_per_seed),
		cmocka_unit_test(test_error_codes_have_names_and_exit_statuses),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
