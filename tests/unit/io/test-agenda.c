/* The agenda: deadline statuses, partial dates, the window's bounds,
 * clearance, the rules file's errors, and the iCalendar text's folding
 * and escaping. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "io/io.h"

static tg_store *open_mem(void)
{
	tg_store *st;
	tg_error err = {0};
	if (tg_store_open(":memory:", TG_OPEN_CREATE, &st, &err))
		fail_msg("open: %s", err.msg);
	return st;
}

static void add(tg_store *st, const char *entity, const char *json, char uid[TG_UUID_LEN])
{
	json_error_t jerr;
	json_t *doc = json_loads(json, 0, &jerr);
	if (!doc)
		fail_msg("bad test JSON: %s", jerr.text);
	tg_error err = {0};
	if (tg_record_create(st, entity, doc, uid, &err))
		fail_msg("%s: %s (%s)", entity, err.msg, err.path);
	json_decref(doc);
}

/* A criminal case with the given stages (a JSON array's inside). */
static void criminal(tg_store *st, const char *stages, const char *more)
{
	char json[2048];
	snprintf(json, sizeof json,
	         "{\"type\":\"criminal_case\",\"title\":\"Case\",\"authority\":\"court\","
	         "\"stages\":[%s]%s%s}", stages, more ? "," : "", more ? more : "");
	add(st, "proceeding", json, NULL);
}

static tg_agenda *build(tg_store *st, const char *from, const char *to, const char *today)
{
	tg_agenda_opts o = {.from = from, .to = to, .today = today, .lang = "en",
	                    .clearance = TG_CLEAR_CONFIDENTIAL};
	tg_agenda *a;
	tg_error err = {0};
	if (tg_agenda_build(st, &o, &a, &err))
		fail_msg("agenda: %s", err.msg);
	return a;
}

static const tg_agenda_item *find(const tg_agenda *a, const char *rule)
{
	for (size_t i = 0; i < a->n; i++)
		if (a->items[i].rule && !strcmp(a->items[i].rule, rule))
			return &a->items[i];
	return NULL;
}

/* The status of the appeal deadline of one criminal case on today. */
static int appeal_status(const char *stages, const char *today)
{
	tg_store *st = open_mem();
	criminal(st, stages, NULL);
	tg_agenda *a = build(st, "2024-01-01", "2024-01-31", today);
	const tg_agenda_item *it = find(a, "appeal");
	int status = it ? it->status : -1;
	tg_agenda_free(a);
	tg_store_close(st);
	return status;
}

static void test_appeal_deadline_is_open_then_passed(void **state)
{
	(void)state;
	tg_store *st = open_mem();
	criminal(st, "{\"stage\":\"verdict\",\"date\":\"2024-01-10\"}", NULL);
	tg_agenda *a = build(st, "2024-01-01", "2024-01-31", "2024-01-20");
	const tg_agenda_item *it = find(a, "appeal");
	assert_non_null(it);
	assert_string_equal(it->date, "2024-01-25");
	assert_int_equal(it->status, TG_AGENDA_OPEN);
	assert_true(it->whole_day);
	assert_string_equal(it->stage, "verdict");
	assert_string_equal(it->stage_date, "2024-01-10");
	assert_int_equal(it->days, 15);
	tg_agenda_free(a);
	tg_store_close(st);
	/* The day after the deadline it has passed; on the day it is open. */
	static const char verdict[] = "{\"stage\":\"verdict\",\"date\":\"2024-01-10\"}";
	assert_int_equal(appeal_status(verdict, "2024-01-26"), TG_AGENDA_PASSED);
	assert_int_equal(appeal_status(verdict, "2024-01-25"), TG_AGENDA_OPEN);
}

static void test_expected_stage_after_the_trigger_meets_the_deadline(void **state)
{
	(void)state;
	/* Undated but listed after the verdict: met. */
	assert_int_equal(appeal_status("{\"stage\":\"verdict\",\"date\":\"2024-01-10\"},"
	                               "{\"stage\":\"appeal_filed\"}", "2024-03-01"),
	                 TG_AGENDA_MET);
	/* Listed after, but dated before the verdict (an earlier appeal): not
	 * met. */
	assert_int_equal(appeal_status("{\"stage\":\"verdict\",\"date\":\"2024-01-10\"},"
	                               "{\"stage\":\"appeal_filed\",\"date\":\"2023-05-01\"}",
	                               "2024-03-01"),
	                 TG_AGENDA_PASSED);
	/* Listed before, but dated after it: met. */
	assert_int_equal(appeal_status("{\"stage\":\"appeal_filed\",\"date\":\"2024-01-20\"},"
	                               "{\"stage\":\"verdict\",\"date\":\"2024-01-10\"}",
	                               "2024-03-01"),
	                 TG_AGENDA_MET);
	/* A stage the rule does not expect does not meet it. */
	assert_int_equal(appeal_status("{\"stage\":\"verdict\",\"date\":\"2024-01-10\"},"
	                               "{\"stage\":\"pardon\"}", "2024-03-01"),
	                 TG_AGENDA_PASSED);
}

static void test_rules_apply_to_their_proceeding_types(void **state)
{
	(void)state;
	tg_store *st = open_mem();
	add(st, "proceeding", "{\"type\":\"administrative\",\"stages\":"
	                      "[{\"stage\":\"verdict\",\"date\":\"2024-01-10\"}]}", NULL);
	tg_agenda *a = build(st, "2024-01-01", "2024-01-31", "2024-01-12");
	assert_null(find(a, "appeal"));
	const tg_agenda_item *it = find(a, "administrative-appeal");
	assert_non_null(it);
	assert_string_equal(it->date, "2024-01-20");
	/* No title: the proceeding type's label stands for it. */
	assert_string_equal(it->title, "Administrative case");
	tg_agenda_free(a);
	tg_store_close(st);
}

static void test_month_only_stage_gives_month_only_deadline(void **state)
{
	(void)state;
	tg_store *st = open_mem();
	criminal(st, "{\"stage\":\"verdict\",\"date\":\"2024-01\"}", NULL);
	/* The deadline may fall from 16 January to 15 February. */
	tg_agenda *a = build(st, "2024-01-01", "2024-03-31", "2024-02-10");
	const tg_agenda_item *it = find(a, "appeal");
	assert_non_null(it);
	assert_string_equal(it->date, "~2024-01");
	assert_false(it->whole_day);
	assert_int_equal(it->status, TG_AGENDA_OPEN);
	tg_agenda_free(a);
	/* Passed only once its latest possible day is gone. */
	a = build(st, "2024-01-01", "2024-03-31", "2024-02-15");
	assert_int_equal(find(a, "appeal")->status, TG_AGENDA_OPEN);
	tg_agenda_free(a);
	a = build(st, "2024-01-01", "2024-03-31", "2024-02-16");
	assert_int_equal(find(a, "appeal")->status, TG_AGENDA_PASSED);
	tg_agenda_free(a);
	/* A window that only its latest days reach still shows it. */
	a = build(st, "2024-02-14", "2024-02-20", "2024-02-10");
	assert_non_null(find(a, "appeal"));
	tg_agenda_free(a);
	/* An undated stage starts no deadline. */
	tg_store_close(st);
	st = open_mem();
	criminal(st, "{\"stage\":\"verdict\"}", NULL);
	a = build(st, "1900", "2100", "2024-02-10");
	assert_int_equal(a->n, 0);
	tg_agenda_free(a);
	tg_store_close(st);
}

static void test_window_bounds_are_inclusive_and_partial(void **state)
{
	(void)state;
	tg_store *st = open_mem();
	criminal(st, "{\"stage\":\"charged\",\"date\":\"2023-01-01\"}",
	         "\"next_hearing\":\"2024-03-01\"");
	struct {
		const char *from, *to;
		size_t n;
	} cases[] = {
		{"2024-03-01", "2024-03-01", 1}, {"2024-02-01", "2024-03-01", 1},
		{"2024-03-02", "2024-04-01", 0}, {"2024-01", "2024-02", 0},
		{"2024-03", "2024-03", 1},       {"2024", NULL, 1},
		{"2024-02-29", NULL, 1},         {NULL, NULL, 1},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		tg_agenda *a = build(st, cases[i].from, cases[i].to, "2024-02-01");
		if (a->n != cases[i].n)
			fail_msg("window %s..%s: %zu items, expected %zu", cases[i].from, cases[i].to,
			         a->n, cases[i].n);
		if (a->n) {
			assert_int_equal(a->items[0].kind, TG_AGENDA_HEARING);
			assert_string_equal(a->items[0].field, "next_hearing");
			assert_string_equal(a->items[0].stage, "hearing");
		}
		tg_agenda_free(a);
	}
	/* Defaults: from today, to 90 days on. */
	tg_agenda *a = build(st, NULL, NULL, "2024-02-01");
	assert_string_equal(a->from, "2024-02-01");
	assert_string_equal(a->to, "2024-05-01");
	tg_agenda_free(a);
	/* A hearing known to the month overlaps a window within it. */
	tg_store_close(st);
	st = open_mem();
	criminal(st, "{\"stage\":\"trial\",\"date\":\"2024-03\"}", NULL);
	a = build(st, "2024-03-15", "2024-03-20", "2024-02-01");
	assert_int_equal(a->n, 1);
	assert_string_equal(a->items[0].date, "2024-03");
	assert_false(a->items[0].whole_day);
	tg_agenda_free(a);
	tg_store_close(st);
}

static void test_bad_window_names_the_bound(void **state)
{
	(void)state;
	tg_store *st = open_mem();
	tg_agenda *a = NULL;
	tg_error err = {0};
	tg_agenda_opts o = {.from = "2024-13-01", .today = "2024-01-01"};
	assert_int_equal(tg_agenda_build(st, &o, &a, &err), TG_EDATE);
	assert_string_equal(err.path, "from");
	assert_null(a);
	o = (tg_agenda_opts){.from = "2024-03-01", .to = "2024-02", .today = "2024-01-01"};
	assert_int_equal(tg_agenda_build(st, &o, &a, &err), TG_EINVAL);
	assert_string_equal(err.path, "to");
	tg_store_close(st);
}

static void test_next_hearing_on_a_recorded_stage_is_listed_once(void **state)
{
	(void)state;
	tg_store *st = open_mem();
	criminal(st, "{\"stage\":\"supreme_court_review\",\"date\":\"2024-02-05\","
	             "\"authority\":\"Supreme Court\"}", "\"next_hearing\":\"2024-02-05\"");
	tg_agenda *a = build(st, "2024-02", "2024-02", "2024-01-01");
	assert_int_equal(a->n, 1);
	assert_string_equal(a->items[0].stage, "supreme_court_review");
	assert_string_equal(a->items[0].stage_label, "Supreme Court preliminary review");
	assert_string_equal(a->items[0].authority, "Supreme Court");
	tg_agenda_free(a);
	tg_store_close(st);
}

static void test_passed_deadlines_come_first_and_overdue_reach_back(void **state)
{
	(void)state;
	tg_store *st = open_mem();
	criminal(st, "{\"stage\":\"verdict\",\"date\":\"2024-01-01\"}", NULL);
	criminal(st, "{\"stage\":\"trial\",\"date\":\"2024-02-01\"}", NULL);
	/* The appeal window closed on 16 January, before the window: shown
	 * only as an overdue warning. */
	tg_agenda_opts o = {.from = "2024-02-01", .to = "2024-02-28", .today = "2024-02-01",
	                    .overdue_days = 30, .clearance = TG_CLEAR_CONFIDENTIAL};
	tg_agenda *a;
	assert_int_equal(tg_agenda_build(st, &o, &a, NULL), 0);
	assert_int_equal(a->n, 2);
	assert_int_equal(a->items[0].status, TG_AGENDA_PASSED);
	assert_string_equal(a->items[0].date, "2024-01-16");
	assert_int_equal(a->items[1].kind, TG_AGENDA_HEARING);
	tg_agenda_free(a);
	o.overdue_days = 0;
	assert_int_equal(tg_agenda_build(st, &o, &a, NULL), 0);
	assert_int_equal(a->n, 1);
	assert_int_equal(a->items[0].kind, TG_AGENDA_HEARING);
	tg_agenda_free(a);
	tg_store_close(st);
}

static bool only_public(void *ctx, const json_t *doc)
{
	(*(int *)ctx)++;
	return !strcmp(json_string_value(json_object_get(doc, "confidentiality")), "public");
}

static void test_proceedings_above_the_clearance_never_appear(void **state)
{
	(void)state;
	tg_store *st = open_mem();
	char person[TG_UUID_LEN];
	add(st, "person", "{\"names\":[{\"text\":\"Asel\",\"role\":\"full\"}]}", person);
	char json[512];
	static const char *const levels[] = {"public", "restricted", "confidential"};
	for (int i = 0; i < 3; i++) {
		snprintf(json, sizeof json,
		         "{\"type\":\"criminal_case\",\"title\":\"%s\",\"next_hearing\":\"2024-02-0%d\","
		         "\"parties\":[{\"person\":\"%s\",\"role\":\"defendant\"}],"
		         "\"confidentiality\":\"%s\"}", levels[i], i + 1, person, levels[i]);
		add(st, "proceeding", json, NULL);
	}
	for (int level = 0; level < 3; level++) {
		tg_agenda_opts o = {.from = "2024-02", .to = "2024-02", .today = "2024-01-01",
		                    .clearance = level};
		tg_agenda *a;
		assert_int_equal(tg_agenda_build(st, &o, &a, NULL), 0);
		assert_int_equal(a->n, (size_t)level + 1);
		for (size_t i = 0; i < a->n; i++) {
			assert_int_equal(tg_clearance_level(a->items[i].title), (int)i);
			assert_int_equal(a->items[i].nparties, 1);
			assert_string_equal(a->items[i].parties[0].person, person);
			assert_string_equal(a->items[i].parties[0].role, "defendant");
		}
		tg_agenda_free(a);
	}
	/* A callback decides instead of the level when given. */
	int calls = 0;
	tg_agenda_opts o = {.from = "2024-02", .to = "2024-02", .today = "2024-01-01",
	                    .clearance = TG_CLEAR_CONFIDENTIAL, .visible = only_public, .ctx = &calls};
	tg_agenda *a;
	assert_int_equal(tg_agenda_build(st, &o, &a, NULL), 0);
	assert_int_equal(a->n, 1);
	assert_string_equal(a->items[0].title, "public");
	assert_int_equal(calls, 3);
	tg_agenda_free(a);
	tg_store_close(st);
}

static const char *write_temp(const char *text)
{
	static char path[64];
	snprintf(path, sizeof path, "/tmp/tergeu-agenda-%d.json", (int)getpid());
	FILE *f = fopen(path, "w");
	fputs(text, f);
	fclose(f);
	return path;
}

static void expect_rules_error(tg_store *st, const char *text, int code, const char *path,
                               int line)
{
	tg_agenda_rules *r = NULL;
	tg_error err = {0};
	const char *file = write_temp(text);
	int rc = tg_agenda_rules_load(st, file, &r, &err);
	unlink(file);
	if (rc != code || strcmp(err.path, path) || err.line != line || strcmp(err.file, file))
		fail_msg("%s: got %d %s:%d (%s), expected %d %s:%d", text, rc, err.file, err.line,
		         err.path, code, path, line);
	assert_null(r);
}

static void test_rules_errors_name_file_line_and_field(void **state)
{
	(void)state;
	tg_store *st = open_mem();
	static const char ok[] = "{\"id\":\"a\",\"after\":\"verdict\",\"days\":5,"
	                         "\"expect\":[\"appeal_filed\"],\"label\":{\"en\":\"A\"}}";
	char text[1024];
	snprintf(text, sizeof text, "{\"rules\": [\n%s,\n{\"id\": \"b\",\n \"after\": \"verdict\",\n"
	                            " \"days\": -1}]}", ok);
	expect_rules_error(st, text, TG_EINVAL, "rules[1].days", 5);
	snprintf(text, sizeof text, "{\"rules\": [\n%s,\n%s]}", ok, ok);
	expect_rules_error(st, text, TG_EINVAL, "rules[1].id", 3);
	snprintf(text, sizeof text, "{\"rules\": [\n{\"id\": \"x\",\n\"after\": \"verdicts\"}]}");
	expect_rules_error(st, text, TG_EVOCAB, "rules[0].after", 3);
	snprintf(text, sizeof text, "{\"rules\": [%s,\n{\"id\":\"c\",\"after\":\"verdict\","
	                            "\"days\":1,\"expect\":[],\"label\":{\"en\":\"C\"}}]}", ok);
	expect_rules_error(st, text, TG_ETYPE, "rules[1].expect", 2);
	snprintf(text, sizeof text, "{\"rules\": [\n%s,\n{\"id\":\"d\",\n\"colour\":1}]}", ok);
	expect_rules_error(st, text, TG_EINVAL, "rules[1].colour", 4);
	expect_rules_error(st, "{\"rules\": [\n{\"id\": \"x\",,}]}", TG_EJSON, "", 2);
	expect_rules_error(st, "{\"rules\": 3}", TG_ETYPE, "rules", 0);
	/* A valid file replaces the defaults. */
	snprintf(text, sizeof text, "{\"format\":\"tergeu-deadlines\",\"version\":1,\"rules\":[%s]}",
	         ok);
	const char *file = write_temp(text);
	tg_agenda_rules *r = NULL;
	assert_int_equal(tg_agenda_rules_load(st, file, &r, NULL), 0);
	unlink(file);
	criminal(st, "{\"stage\":\"verdict\",\"date\":\"2024-01-10\"}", NULL);
	tg_agenda_opts o = {.from = "2024-01", .to = "2024-01", .today = "2024-01-01", .rules = r,
	                    .clearance = TG_CLEAR_CONFIDENTIAL};
	tg_agenda *a;
	assert_int_equal(tg_agenda_build(st, &o, &a, NULL), 0);
	assert_int_equal(a->n, 1);
	assert_string_equal(a->items[0].rule, "a");
	assert_string_equal(a->items[0].date, "2024-01-15");
	tg_agenda_free(a);
	tg_agenda_rules_free(r);
	/* The shipped rules load and name known stages. */
	assert_int_equal(tg_agenda_rules_load(st, NULL, &r, NULL), 0);
	tg_agenda_rules_free(r);
	tg_agenda_rules_free(NULL);
	tg_agenda_free(NULL);
	tg_store_close(st);
}

/* Checks RFC 5545's line rules on text and returns it unfolded: every
 * line ends in CRLF, holds at most 75 octets and whole UTF-8 characters,
 * and continuation lines start with one space. */
static char *unfold_checked(const char *text)
{
	tg_strbuf out = TG_STRBUF_INIT;
	const char *p = text;
	while (*p) {
		const char *end = strstr(p, "\r\n");
		assert_non_null(end);
		size_t n = (size_t)(end - p);
		if (n > 75)
			fail_msg("line of %zu octets: %.*s", n, (int)n, p);
		assert_null(memchr(p, '\n', n));
		/* Neither end of a physical line splits a character. */
		size_t from = p != text && *p == ' ' ? 1 : 0;
		if (n > from)
			assert_true(((unsigned char)p[from] & 0xC0) != 0x80);
		for (size_t i = 0; i < n;) {
			unsigned char c = (unsigned char)p[i];
			size_t k = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
			assert_true(i + k <= n);
			i += k;
		}
		if (p != text && *p == ' ')
			tg_strbuf_add(&out, p + 1, n - 1);
		else {
			if (out.len)
				tg_strbuf_addc(&out, '\n');
			tg_strbuf_add(&out, p, n);
		}
		p = end + 2;
	}
	return tg_strbuf_detach(&out);
}

static void test_ics_folds_escapes_and_names_every_event(void **state)
{
	(void)state;
	setenv("TERGEU_NOW", "2024-02-01T10:20:30", 1);
	tg_store *st = open_mem();
	const char *title = "Іс: Нұрсұлтан Исаев; a\\\\b, \\\"c\\\"\\nжаңа жол — "
	                    "ұзын атау ұзын атау ұзын атау ұзын атау 😀 ұзын атау";
	char json[1024];
	snprintf(json, sizeof json,
	         "{\"type\":\"criminal_case\",\"title\":\"%s\",\"case_number\":\"1-2/3\","
	         "\"stages\":[{\"stage\":\"verdict\",\"date\":\"2024-02-01\"},"
	         "{\"stage\":\"trial\",\"date\":\"2024-02\"}],\"next_hearing\":\"2024-02-20\"}",
	         title);
	add(st, "proceeding", json, NULL);
	tg_agenda *a = build(st, "2024-02", "2024-02", "2024-02-01");
	assert_int_equal(a->n, 3);
	tg_strbuf ics = TG_STRBUF_INIT;
	assert_int_equal(tg_io_agenda_ics(a, &ics), 2); /* the month-only trial is no event */
	assert_non_null(strstr(ics.buf, "\r\n ")); /* the long title was folded */
	char *text = unfold_checked(ics.buf);
	assert_non_null(strstr(text, "BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//tergeu//agenda//EN\n"));
	assert_non_null(strstr(text, "\nDTSTAMP:20240201T102030Z\n"));
	assert_non_null(strstr(text, "\nDTSTART;VALUE=DATE:20240216\n"));
	assert_non_null(strstr(text, "\nDTSTART;VALUE=DATE:20240220\n"));
	assert_null(strstr(text, "DTSTART;VALUE=DATE:202402\n"));
	char uid[128];
	snprintf(uid, sizeof uid, "\nUID:%s-deadline-20240216-appeal@tergeu\n", a->items[0].proceeding);
	assert_non_null(strstr(text, uid));
	/* Backslash, semicolon, comma and the line break escaped, once. */
	assert_non_null(strstr(text, "Іс: Нұрсұлтан Исаев\\; a\\\\b\\, \"c\"\\nжаңа жол"));
	assert_non_null(strstr(text, "Proceeding: Іс: Нұрсұлтан Исаев\\; a\\\\b"));
	assert_non_null(strstr(text, "(case 1-2/3)"));
	assert_non_null(strstr(text, "😀"));
	assert_non_null(strstr(text, "END:VCALENDAR"));
	assert_string_equal(ics.buf + ics.len - 15, "END:VCALENDAR\r\n");
	free(text);
	tg_strbuf_release(&ics);
	tg_agenda_free(a);
	tg_store_close(st);
	unsetenv("TERGEU_NOW");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_appeal_deadline_is_open_then_passed),
		cmocka_unit_test(test_expected_stage_after_the_trigger_meets_the_deadline),
		cmocka_unit_test(test_rules_apply_to_their_proceeding_types),
		cmocka_unit_test(test_month_only_stage_gives_month_only_deadline),
		cmocka_unit_test(test_window_bounds_are_inclusive_and_partial),
		cmocka_unit_test(test_bad_window_names_the_bound),
		cmocka_unit_test(test_next_hearing_on_a_recorded_stage_is_listed_once),
		cmocka_unit_test(test_passed_deadlines_come_first_and_overdue_reach_back),
		cmocka_unit_test(test_proceedings_above_the_clearance_never_appear),
		cmocka_unit_test(test_rules_errors_name_file_line_and_field),
		cmocka_unit_test(test_ics_folds_escapes_and_names_every_event),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
