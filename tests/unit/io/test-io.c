/* JSON export and import: losslessness and all-or-nothing errors. */
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
	json_t *doc = json_loads(json, 0, NULL);
	tg_error err = {0};
	if (tg_record_create(st, entity, doc, uid, &err))
		fail_msg("%s: %s", entity, err.msg);
	json_decref(doc);
}

static char *export_text(tg_store *st)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	tg_error err = {0};
	if (tg_io_export_json(st, f, &err))
		fail_msg("export: %s", err.msg);
	fclose(f);
	return buf;
}

static const char *write_temp(const char *text)
{
	static char path[64];
	snprintf(path, sizeof path, "/tmp/tergeu-io-%d.json", (int)getpid());
	FILE *f = fopen(path, "w");
	fputs(text, f);
	fclose(f);
	return path;
}

static void fill(tg_store *st)
{
	char p[TG_UUID_LEN], child[TG_UUID_LEN], parent[TG_UUID_LEN], a[TG_UUID_LEN];
	tg_term_add(st, "act_method", "waterboarding", NULL, "Сумен азаптау", "Пытка водой",
	            "Waterboarding", NULL);
	add(st, "place", "{\"code\":\"kz\",\"name\":\"Қазақстан\",\"lat\":48.0192,\"lon\":66.9237}", NULL);
	add(st, "person", "{\"names\":[{\"text\":\"Нұрсұлтан Исаев\",\"role\":\"full\"}],"
	                  "\"birth_date\":\"~1990\",\"residence\":\"kz\"}", p);
	/* The child event is created first; its parent is set later, so
	 * import must cope with a reference to a record further on. */
	add(st, "event", "{\"title\":\"Child\",\"start\":\"2022-01-05\"}", child);
	add(st, "event", "{\"title\":\"Parent\",\"start\":\"2022-01-04\"}", parent);
	json_t *patch = json_pack("{s:s, s:s}", "parent", parent, "relation", "part_of");
	assert_int_equal(tg_record_update(st, child, patch, NULL), TG_OK);
	json_decref(patch);
	char json[256];
	snprintf(json, sizeof json, "{\"type\":\"torture\",\"victim\":\"%s\",\"event\":\"%s\","
	         "\"methods\":[\"waterboarding\",\"beating\"]}", p, child);
	add(st, "act", json, a);
	assert_int_equal(tg_record_delete(st, a, "duplicate", NULL), TG_OK);
}

static void test_export_import_export_is_byte_identical(void **state)
{
	tg_store *one = open_mem(), *two = open_mem();
	fill(one);
	char *first = export_text(one);
	tg_error err = {0};
	int rc = tg_io_import_json(two, write_temp(first), NULL, NULL, &err);
	if (rc)
		fail_msg("import: %s at %s", err.msg, err.path);
	char *second = export_text(two);
	assert_string_equal(first, second);
	assert_non_null(strstr(first, "\"deleted_reason\":\"duplicate\""));
	assert_non_null(strstr(first, "waterboarding"));
	free(first);
	free(second);
	tg_store_close(one);
	tg_store_close(two);
	unlink(write_temp(""));
}

static void expect_import_error(const char *text, int code, const char *path, int line)
{
	tg_store *st = open_mem();
	char *before = export_text(st);
	tg_error err = {0};
	assert_int_equal(tg_io_import_json(st, write_temp(text), NULL, NULL, &err), code);
	assert_string_equal(err.path, path);
	assert_int_equal(err.line, line);
	assert_non_null(strstr(err.file, "tergeu-io-"));
	char *after = export_text(st);
	assert_string_equal(before, after);
	free(before);
	free(after);
	tg_store_close(st);
	unlink(write_temp(""));
}

static void test_bad_imports_change_nothing_and_say_where(void **state)
{
	expect_import_error("{\"format\":\"tergeu-export\",\n\"version\":1,\n\"records\":[}", TG_EJSON,
	                    "", 3);
	expect_import_error("{\"records\":[]}", TG_EINVAL, "format", 0);
	expect_import_error("{\"format\":\"tergeu-export\",\"version\":2,\"records\":[]}", TG_EINVAL,
	                    "version", 0);
	expect_import_error("{\"format\":\"tergeu-export\",\"version\":1,\"records\":{}}", TG_ETYPE,
	                    "records", 0);
	expect_import_error("{\"format\":\"tergeu-export\",\"version\":1,\"records\":["
	                    "{\"entity\":\"place\",\"name\":\"A\"},"
	                    "{\"entity\":\"act\",\"type\":\"torture\","
	                    "\"victim\":\"0190a5d0-0000-7000-8000-000000000001\"}]}",
	                    TG_EREF, "records[1].victim", 0);
	expect_import_error("{\"format\":\"tergeu-export\",\"version\":1,\"records\":["
	                    "{\"entity\":\"place\",\"name\":\"A\"},{\"name\":\"B\"}]}",
	                    TG_EINVAL, "records[1]", 0);
	expect_import_error("{\"format\":\"tergeu-export\",\"version\":1,\"records\":["
	                    "{\"entity\":\"place\",\"name\":\"A\",\"id\":\"0190a5d0-0000-7000-8000-000000000001\"},"
	                    "{\"entity\":\"place\",\"name\":\"B\",\"id\":\"0190a5d0-0000-7000-8000-000000000001\"}]}",
	                    TG_EEXIST, "records[1].id", 0);
	expect_import_error("{\"format\":\"tergeu-export\",\"version\":1,\"terms\":[{\"vocab\":\"x\"}],"
	                    "\"records\":[]}", TG_EINVAL, "terms[0]", 0);
}

static int collect_fate(void *ctx, const tg_raw_record *r)
{
	char *out = ctx;
	strcat(out, r->fate ? r->fate : "-");
	strcat(out, r->event_date ? "|" : ",");
	if (r->event_date)
		strcat(out, r->event_date), strcat(out, ",");
	return 0;
}

static void test_list_fate_is_read_from_words_in_three_languages(void **state)
{
	(void)state;
	tg_store *st = open_mem();
	char list[64], map[64];
	snprintf(list, sizeof list, "/tmp/tergeu-io-list-%d.csv", (int)getpid());
	snprintf(map, sizeof map, "/tmp/tergeu-io-map-%d.json", (int)getpid());
	FILE *f = fopen(list, "w");
	fputs("id,name,outcome,when\n"
	      "1,Ерлан Серіков,погиб от огнестрельного ранения,05.01.2022\n"
	      "2,Асель Нұрланқызы,қамауда қайтыс болды,2022-01\n"
	      "3,Nurlan Isayev,alleges torture in detention,\n"
	      "4,Бауыржан Ахметов,Killed by a sniper,\n"
	      "5,Дана Ким,whereabouts unclear,\n", f);
	fclose(f);
	f = fopen(map, "w");
	fputs("{\"id\": \"id\", \"full_name\": \"name\", \"fate\": \"outcome\","
	      " \"event_date\": \"when\"}", f);
	fclose(f);
	tg_list_import o = {list, "Fates", map, "csv", "ru"};
	tg_list_report rep;
	tg_error err = {0};
	assert_int_equal(tg_io_import_list(st, &o, &rep, NULL, NULL, &err), 0);
	char got[256] = "";
	assert_int_equal(tg_raw_each(st, collect_fate, got, &err), 0);
	/* The unreadable one stays as written among the free fields. */
	assert_string_equal(got, "killed|2022-01-05,died_in_custody|2022-01,alive,killed,-,");
	unlink(list);
	unlink(map);
	tg_store_close(st);
}

static tg_capture read_table(const char *text, int want, const char *field, int line)
{
	char path[64];
	snprintf(path, sizeof path, "/tmp/tergeu-io-capture-%d.csv", (int)getpid());
	FILE *f = fopen(path, "w");
	fputs(text, f);
	fclose(f);
	tg_capture t;
	tg_error err = {0};
	int rc = tg_io_read_capture(path, &t, &err);
	unlink(path);
	if (rc != want)
		fail_msg("%s: got %d (%s), want %d", text, rc, err.msg, want);
	if (want) {
		assert_string_equal(err.path, field);
		assert_int_equal(err.line, line);
		assert_non_null(strstr(err.file, "tergeu-io-capture"));
	}
	return t;
}

static void test_capture_tables_read_and_bad_ones_say_where(void **state)
{
	(void)state;
	tg_capture t = read_table("A,B,C,count\n1,0,0,10\n0,1,0,5\n1,1,1,2\n1,0,0,3\n", 0, NULL, 0);
	assert_int_equal(t.k, 3);
	assert_string_equal(t.names[2], "C");
	assert_true(t.count[1] == 13 && t.count[2] == 5 && t.count[7] == 2);
	assert_true(tg_capture_observed(&t) == 20);
	tg_capture_release(&t);
	read_table("A,B,count\n1,0,4\n1,2,3\n", TG_EINVAL, "B", 3);
	read_table("A,B,count\n1,0,4\n0,0,3\n", TG_EINVAL, "", 3);
	read_table("A,B,count\n1,0,-4\n", TG_EINVAL, "count", 2);
	read_table("A,B,count\n1,0,2.5\n", TG_EINVAL, "count", 2);
	read_table("A,B\n1,0\n", TG_EINVAL, "count", 1);
	read_table("A,count\n1,4\n", TG_EINVAL, "", 1);
	read_table("A,B,C,D,E,F,G,count\n", TG_EINVAL, "G", 1);
	read_table("A,B,count\n1,0,4\n1,1\n", TG_EINVAL, "", 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_export_import_export_is_byte_identical),
		cmocka_unit_test(test_bad_imports_change_nothing_and_say_where),
		cmocka_unit_test(test_list_fate_is_read_from_words_in_three_languages),
		cmocka_unit_test(test_capture_tables_read_and_bad_ones_say_where),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
