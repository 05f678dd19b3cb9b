/* The web module's pieces that need no socket: the access decision, TOTP
 * against RFC 6238's vectors, sessions and login throttling, escaping. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "web/totp.h"
#include "web/web-int.h"

static json_t *record(const char *conf)
{
	return conf ? json_pack("{s:s, s:s}", "entity", "person", "confidentiality", conf)
	            : json_pack("{s:s}", "entity", "person");
}

static void test_authorize_denies_what_the_role_lacks(void **state)
{
	(void)state;
	struct web_user viewer = {"v", WEB_VIEWER, TG_CLEAR_CONFIDENTIAL, false};
	struct web_user analyst = {"a", WEB_ANALYST, TG_CLEAR_RESTRICTED, false};
	struct web_user editor = {"e", WEB_EDITOR, TG_CLEAR_RESTRICTED, false};
	struct web_user admin = {"x", WEB_ADMIN, TG_CLEAR_CONFIDENTIAL, true};
	assert_true(web_authorize(&viewer, WEB_READ, NULL));
	assert_true(web_authorize(&viewer, WEB_STATS, NULL));
	for (int a = WEB_CREATE; a < WEB_NACTIONS; a++)
		if (a != WEB_STATS)
			assert_false(web_authorize(&viewer, (enum web_action)a, NULL));
	assert_false(web_authorize(&analyst, WEB_CREATE, NULL));
	assert_true(web_authorize(&analyst, WEB_REVIEW, NULL));
	assert_true(web_authorize(&editor, WEB_DELETE, NULL));
	assert_false(web_authorize(&editor, WEB_USERS, NULL));
	for (int a = 0; a < WEB_NACTIONS; a++)
		assert_true(web_authorize(&admin, (enum web_action)a, NULL));
	assert_false(web_authorize(&admin, WEB_NACTIONS, NULL));
	assert_false(web_authorize(NULL, WEB_READ, NULL));
	struct web_user nobody = {"n", WEB_NOBODY, TG_CLEAR_CONFIDENTIAL, false};
	assert_false(web_authorize(&nobody, WEB_READ, NULL));
}

static void test_authorize_hides_records_above_the_clearance(void **state)
{
	(void)state;
	static const char *const conf[] = {"public", "restricted", "confidential"};
	for (int level = 0; level < 3; level++) {
		struct web_user u = {"e", WEB_EDITOR, level, false};
		for (int c = 0; c < 3; c++) {
			json_t *doc = record(conf[c]);
			assert_int_equal(web_authorize(&u, WEB_READ, doc), c <= level);
			assert_int_equal(web_authorize(&u, WEB_UPDATE, doc), c <= level);
			json_decref(doc);
		}
		/* No level is restricted; an unknown one is the highest. */
		json_t *doc = record(NULL);
		assert_int_equal(web_authorize(&u, WEB_READ, doc), level >= TG_CLEAR_RESTRICTED);
		json_decref(doc);
		doc = record("secret");
		assert_int_equal(web_authorize(&u, WEB_READ, doc), level == TG_CLEAR_CONFIDENTIAL);
		json_decref(doc);
	}
}

/* RFC 6238 appendix B, SHA-1, the last 6 of the 8 digits. */
static void test_totp_matches_rfc_6238(void **state)
{
	(void)state;
	const char *secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"; /* "12345678901234567890" */
	static const struct { uint64_t t; int code; } v[] = {
		{59, 287082}, {1111111109, 81804}, {1111111111, 50471},
		{1234567890, 5924}, {2000000000, 279037}, {20000000000ull, 353130},
	};
	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
		assert_int_equal(web_totp_code(secret, v[i].t / 30), v[i].code);
	assert_int_equal(web_totp_code("not base32!", 1), -1);
}

static void test_totp_code_is_good_once_and_near_in_time(void **state)
{
	(void)state;
	const char *secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
	uint64_t last = 0;
	assert_true(web_totp_check(secret, "050471", 1111111111, &last));
	assert_false(web_totp_check(secret, "050471", 1111111111, &last)); /* replayed */
	last = 0;
	assert_true(web_totp_check(secret, "050471", 1111111111 + 30, &last)); /* a step late */
	last = 0;
	assert_false(web_totp_check(secret, "050471", 1111111111 + 90, &last));
	assert_false(web_totp_check(secret, "50471", 1111111111, &last));
	assert_false(web_totp_check(secret, "05047a", 1111111111, &last));
	assert_false(web_totp_check(secret, NULL, 1111111111, &last));
	char fresh[WEB_TOTP_SECRET_LEN + 1], other[WEB_TOTP_SECRET_LEN + 1];
	web_totp_new_secret(fresh);
	web_totp_new_secret(other);
	assert_int_equal(strlen(fresh), WEB_TOTP_SECRET_LEN);
	assert_string_not_equal(fresh, other);
	assert_true(web_totp_code(fresh, 1) >= 0);
}

static void test_sessions_get_new_ids_and_end(void **state)
{
	(void)state;
	struct web_sessions *s = web_sessions_new(60, 3600);
	struct web_user u = {"aigerim", WEB_EDITOR, TG_CLEAR_RESTRICTED, false};
	struct web_session a, b, got;
	web_session_new(s, NULL, false, NULL, &a);
	web_session_new(s, &u, true, NULL, &b);
	assert_int_equal(strlen(a.id), WEB_SESSION_ID_LEN);
	assert_string_not_equal(a.id, b.id);
	assert_string_not_equal(a.csrf, b.csrf);
	assert_true(web_session_get(s, b.id, &got));
	assert_string_equal(got.user.name, "aigerim");
	assert_true(got.authed);
	assert_false(web_session_get(s, "short", &got));
	char wrong[WEB_SESSION_ID_LEN + 1];
	memcpy(wrong, b.id, sizeof wrong);
	wrong[0] = wrong[0] == 'A' ? 'B' : 'A';
	assert_false(web_session_get(s, wrong, &got));
	snprintf(got.lang, sizeof got.lang, "kk");
	web_session_put(s, &got);
	assert_true(web_session_get(s, b.id, &got));
	assert_string_equal(got.lang, "kk");
	web_sessions_end_all(s, "aigerim");
	assert_false(web_session_get(s, b.id, &got));
	assert_true(web_session_get(s, a.id, &got)); /* a visitor's stays */
	web_session_end(s, a.id);
	assert_false(web_session_get(s, a.id, &got));
	web_sessions_free(s);
}

static void test_sessions_expire_when_idle(void **state)
{
	(void)state;
	struct web_sessions *s = web_sessions_new(60, 3600);
	struct web_session a, got;
	setenv("TERGEU_NOW", "2026-01-01T10:00:00.000Z", 1);
	web_session_new(s, NULL, false, NULL, &a);
	assert_true(web_session_get(s, a.id, &got));
	unsetenv("TERGEU_NOW");
	/* Now is years after 2026-01-01 10:00 in the test's clock: idle. */
	assert_false(web_session_get(s, a.id, &got));
	web_sessions_free(s);
}

/* Threads stamp sessions with their own clock readings: a reading a
 * moment older than the session's last one is not idleness. */
static void test_sessions_survive_an_earlier_clock_reading(void **state)
{
	(void)state;
	struct web_sessions *s = web_sessions_new(60, 3600);
	struct web_session a, got;
	setenv("TERGEU_NOW", "2099-01-01T10:00:00.000Z", 1);
	web_session_new(s, NULL, false, NULL, &a);
	unsetenv("TERGEU_NOW");
	assert_true(web_session_get(s, a.id, &got));
	web_sessions_free(s);
}

static void test_throttling_starts_at_the_limit_and_per_key(void **state)
{
	(void)state;
	struct web_sessions *s = web_sessions_new(60, 3600);
	for (int i = 0; i < WEB_LOGIN_FAILS_MAX - 1; i++)
		web_login_failed(s, "bolat");
	assert_false(web_throttled(s, "bolat"));
	web_login_failed(s, "bolat");
	assert_true(web_throttled(s, "bolat"));
	assert_false(web_throttled(s, "aigerim"));
	web_sessions_free(s);
}

static void test_html_escaping_covers_markup_and_quotes(void **state)
{
	(void)state;
	tg_strbuf sb = TG_STRBUF_INIT;
	web_esc(&sb, "<script>alert('x') & \"y\"</script> Исаев");
	assert_string_equal(sb.buf, "&lt;script&gt;alert(&#39;x&#39;) &amp; &quot;y&quot;&lt;/script&gt;"
	                            " Исаев");
	tg_strbuf_reset(&sb);
	web_urlenc(&sb, "Нұр a/b?c=d&e");
	assert_string_equal(sb.buf, "%D0%9D%D2%B1%D1%80%20a%2Fb%3Fc%3Dd%26e");
	tg_strbuf_release(&sb);
}

static void test_a_record_that_cannot_be_read_is_a_server_error_not_404(void **state)
{
	(void)state;
	assert_int_equal(web_record_status(TG_ENOTFOUND), 404);
	assert_int_equal(web_record_status(TG_OK), 404); /* there, but not for this reader */
	assert_int_equal(web_record_status(TG_EDB), 500);
	assert_int_equal(web_record_status(TG_EINTEGRITY), 500);
	assert_int_equal(web_record_status(TG_EIO), 500);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_authorize_denies_what_the_role_lacks),
		cmocka_unit_test(test_authorize_hides_records_above_the_clearance),
		cmocka_unit_test(test_totp_matches_rfc_6238),
		cmocka_unit_test(test_totp_code_is_good_once_and_near_in_time),
		cmocka_unit_test(test_sessions_get_new_ids_and_end),
		cmocka_unit_test(test_sessions_expire_when_idle),
		cmocka_unit_test(test_sessions_survive_an_earlier_clock_reading),
		cmocka_unit_test(test_throttling_starts_at_the_limit_and_per_key),
		cmocka_unit_test(test_html_escaping_covers_markup_and_quotes),
		cmocka_unit_test(test_a_record_that_cannot_be_read_is_a_server_error_not_404),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
