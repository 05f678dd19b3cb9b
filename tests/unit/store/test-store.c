/* The write path, reads, history, migrations and vocabularies. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/store.h"

static int setup(void **state)
{
	tg_store *st;
	tg_error err = {0};
	if (tg_store_open(":memory:", TG_OPEN_CREATE, &st, &err)) {
		fprintf(stderr, "open: %s\n", err.msg);
		return -1;
	}
	*state = st;
	return 0;
}

static int teardown(void **state)
{
	tg_store_close(*state);
	return 0;
}

static void create(tg_store *st, const char *entity, const char *json, char uid[TG_UUID_LEN])
{
	json_t *doc = json_loads(json, 0, NULL);
	assert_non_null(doc);
	tg_error err = {0};
	int rc = tg_record_create(st, entity, doc, uid, &err);
	if (rc)
		fail_msg("%s: %s (%s)", entity, err.msg, err.path);
	json_decref(doc);
}

static int count_changes(void *ctx, const tg_change *c)
{
	(*(int *)ctx)++;
	return 0;
}

static int changes(tg_store *st)
{
	int n = 0;
	tg_record_history(st, NULL, count_changes, &n, NULL);
	return n;
}

static int last_doc(void *ctx, const tg_change *c)
{
	free(*(char **)ctx);
	*(char **)ctx = strdup(c->doc);
	return 0;
}

static void test_create_then_get_matches_the_change_entry(void **state)
{
	tg_store *st = *state;
	char place[TG_UUID_LEN], person[TG_UUID_LEN], act[TG_UUID_LEN];
	create(st, "place", "{\"code\":\"kz-aktobe\",\"name\":\"Ақтөбе\",\"type\":\"city\","
	                    "\"lat\":50.28,\"lon\":57.17}", place);
	create(st, "person", "{\"names\":[{\"text\":\"Нұрсұлтан Исаев\",\"role\":\"full\","
	                     "\"lang\":\"kk\"},{\"text\":\"Nursultan Isayev\"}],\"sex\":\"male\","
	                     "\"birth_date\":\"~1990\",\"residence\":\"kz-aktobe\"}", person);
	char json[512];
	snprintf(json, sizeof json, "{\"type\":\"torture\",\"victim\":\"%s\",\"methods\":"
	         "[\"beating\"],\"start\":\"2022-01\",\"place\":\"%s\"}", person, place);
	create(st, "act", json, act);

	json_t *doc;
	assert_int_equal(tg_record_get(st, person, &doc, NULL), TG_OK);
	assert_string_equal(json_string_value(json_object_get(doc, "residence")), place);
	assert_string_equal(json_string_value(json_object_get(doc, "birth_date")), "~1990");
	assert_string_equal(json_string_value(json_object_get(doc, "confidentiality")), "restricted");
	const json_t *n1 = json_array_get(json_object_get(doc, "names"), 1);
	assert_string_equal(json_string_value(json_object_get(n1, "script")), "Latn");
	char *canon = tg_model_canonical(doc), *logged = NULL;
	tg_record_history(st, person, last_doc, &logged, NULL);
	assert_string_equal(canon, logged);
	free(canon);
	free(logged);
	json_decref(doc);

	assert_int_equal(tg_record_get(st, act, &doc, NULL), TG_OK);
	canon = tg_model_canonical(doc);
	logged = NULL;
	tg_record_history(st, act, last_doc, &logged, NULL);
	assert_string_equal(canon, logged);
	free(canon);
	free(logged);
	json_decref(doc);
	const char *entity;
	assert_int_equal(tg_record_entity(st, act, &entity, NULL), TG_OK);
	assert_string_equal(entity, "act");
}

static void expect_rejected(tg_store *st, const char *entity, const char *json, int code,
                            const char *path)
{
	int before = changes(st);
	json_t *doc = json_loads(json, 0, NULL);
	tg_error err = {0};
	assert_int_equal(tg_record_create(st, entity, doc, NULL, &err), code);
	assert_string_equal(err.path, path);
	assert_true(*err.msg);
	json_decref(doc);
	assert_int_equal(changes(st), before);
}

static void test_bad_input_is_rejected_with_its_path(void **state)
{
	tg_store *st = *state;
	char person[TG_UUID_LEN];
	create(st, "person", "{\"names\":[{\"text\":\"Асель\"}]}", person);
	expect_rejected(st, "person", "{\"sex\":\"robot\"}", TG_EVOCAB, "sex");
	expect_rejected(st, "person", "{\"birth_date\":\"2022-02-30\"}", TG_EDATE, "birth_date");
	expect_rejected(st, "person", "{\"names\":[{\"role\":\"given\"}]}", TG_EINVAL,
	                "names[0].text");
	expect_rejected(st, "person", "{\"names\":[{\"text\":\"A\",\"role\":\"nick\"}]}",
	                TG_EVOCAB, "names[0].role");
	expect_rejected(st, "person", "{\"shoe_size\":42}", TG_EINVAL, "shoe_size");
	expect_rejected(st, "person", "{\"names\":\"Асель\"}", TG_ETYPE, "names");
	expect_rejected(st, "act", "{\"type\":\"torture\"}", TG_EINVAL, "victim");
	expect_rejected(st, "act",
	                "{\"type\":\"torture\",\"victim\":\"01890a5d-ac96-774b-bcce-b302099a8057\"}",
	                TG_EREF, "victim");
	char json[256];
	snprintf(json, sizeof json, "{\"type\":\"torture\",\"victim\":\"%s\",\"methods\":[\"x\"]}",
	         person);
	expect_rejected(st, "act", json, TG_EVOCAB, "methods[0]");
	snprintf(json, sizeof json, "{\"type\":\"torture\",\"victim\":\"%s\",\"start\":\"2022-02\","
	         "\"end\":\"2022-01-05\"}", person);
	expect_rejected(st, "act", json, TG_EDATE, "end");
	snprintf(json, sizeof json, "{\"type\":\"killing\",\"victim\":\"%s\",\"event\":\"%s\"}",
	         person, person);
	expect_rejected(st, "act", json, TG_EREF, "event");
	expect_rejected(st, "place", "{\"name\":\"X\",\"lat\":91}", TG_EINVAL, "lat");
	expect_rejected(st, "place", "{\"name\":\"X\",\"lat\":\"north\"}", TG_ETYPE, "lat");
	expect_rejected(st, "proceeding", "{\"type\":\"criminal_case\",\"sentence_months\":1.5}",
	                TG_ETYPE, "sentence_months");
}

static void test_update_and_delete_keep_history(void **state)
{
	tg_store *st = *state;
	char uid[TG_UUID_LEN];
	create(st, "source", "{\"type\":\"ngo_report\",\"title\":\"Longing for Justice\"}", uid);
	json_t *patch = json_loads("{\"author\":\"Mihra Rittmann\",\"date\":\"2024-01-29\"}", 0, NULL);
	assert_int_equal(tg_record_update(st, uid, patch, NULL), TG_OK);
	/* The same patch again changes nothing and writes nothing. */
	int before = changes(st);
	assert_int_equal(tg_record_update(st, uid, patch, NULL), TG_OK);
	assert_int_equal(changes(st), before);
	json_decref(patch);
	patch = json_loads("{\"author\":null}", 0, NULL);
	assert_int_equal(tg_record_update(st, uid, patch, NULL), TG_OK);
	json_decref(patch);
	tg_error err = {0};
	assert_int_equal(tg_record_delete(st, uid, "", &err), TG_EINVAL);
	assert_int_equal(tg_record_delete(st, uid, "duplicate entry", NULL), TG_OK);
	assert_int_equal(tg_record_delete(st, uid, "again", &err), TG_EDELETED);
	json_t *doc;
	assert_int_equal(tg_record_get(st, uid, &doc, NULL), TG_OK);
	assert_string_equal(json_string_value(json_object_get(doc, "deleted_reason")),
	                    "duplicate entry");
	assert_null(json_object_get(doc, "author"));
	json_decref(doc);
	int n = 0;
	tg_record_history(st, uid, count_changes, &n, NULL);
	assert_int_equal(n, 4);
	patch = json_loads("{\"title\":\"x\"}", 0, NULL);
	assert_int_equal(tg_record_update(st, uid, patch, NULL), TG_EDELETED);
	json_decref(patch);
}

static void test_list_filters_by_place_date_term_and_text(void **state)
{
	tg_store *st = *state;
	char kz[TG_UUID_LEN], region[TG_UUID_LEN], city[TG_UUID_LEN], p[TG_UUID_LEN];
	create(st, "place", "{\"code\":\"kz\",\"name\":\"Қазақстан\",\"type\":\"country\"}", kz);
	create(st, "place", "{\"code\":\"kz-r\",\"name\":\"R\",\"parent\":\"kz\"}", region);
	create(st, "place", "{\"code\":\"kz-c\",\"name\":\"C\",\"parent\":\"kz-r\"}", city);
	create(st, "person", "{\"names\":[{\"text\":\"НҰРСҰЛТАН\"}]}", p);
	char json[256];
	snprintf(json, sizeof json, "{\"type\":\"torture\",\"victim\":\"%s\",\"place\":\"kz-c\","
	         "\"start\":\"2022-01-05\",\"methods\":[\"burns_with_iron\"]}", p);
	create(st, "act", json, NULL);
	snprintf(json, sizeof json, "{\"type\":\"killing\",\"victim\":\"%s\",\"start\":\"2022\"}", p);
	create(st, "act", json, NULL);
	struct { tg_filter f; int n; } cases[] = {
		{{.entity = "act"}, 2},
		{{.entity = "act", .place = "kz"}, 1},
		{{.entity = "act", .place = "kz-c"}, 1},
		{{.entity = "act", .from = "2022-01-06"}, 1}, /* "2022" may be any day */
		{{.entity = "act", .from = "2022-01", .to = "2022-01"}, 2},
		{{.entity = "act", .to = "2021"}, 0},
		{{.entity = "act", .term = "burns"}, 1},
		{{.entity = "act", .term = "killing"}, 1},
		{{.entity = "person", .text = "нұрсұлтан"}, 1},
		{{.place = "kz-r"}, 3}, /* region, city, the act there */
		{{.entity = "act", .limit = 1}, 1},
		{{.entity = "act", .offset = 1}, 1},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		int n = 0;
		tg_error err = {0};
		int rc = tg_record_list(st, &cases[i].f, (tg_record_cb)count_changes, &n, &err);
		if (rc)
			fail_msg("case %zu: %s", i, err.msg);
		if (n != cases[i].n)
			fail_msg("case %zu: %d records, expected %d", i, n, cases[i].n);
	}
	tg_filter bad = {.place = "nowhere"};
	tg_error err = {0};
	assert_int_equal(tg_record_list(st, &bad, (tg_record_cb)count_changes, &(int){0}, &err),
	                 TG_ENOTFOUND);
	assert_string_equal(err.path, "place");
}

static void test_place_parent_cannot_make_a_cycle(void **state)
{
	tg_store *st = *state;
	char a[TG_UUID_LEN], b[TG_UUID_LEN];
	create(st, "place", "{\"code\":\"a\",\"name\":\"A\"}", a);
	create(st, "place", "{\"code\":\"b\",\"name\":\"B\",\"parent\":\"a\"}", b);
	json_t *patch = json_pack("{s:s}", "parent", b);
	tg_error err = {0};
	assert_int_equal(tg_record_update(st, a, patch, &err), TG_EREF);
	assert_string_equal(err.path, "parent");
	json_decref(patch);
}

static void test_vocabulary_terms_load_and_extend(void **state)
{
	tg_store *st = *state;
	assert_true(tg_term_exists(st, "act_type", "torture"));
	assert_false(tg_term_exists(st, "act_type", "robbery"));
	assert_string_equal(tg_term_label(st, "act_type", "torture", "en"), "Torture");
	assert_string_not_equal(tg_term_label(st, "act_type", "torture", "kk"),
	                        tg_term_label(st, "act_type", "torture", "ru"));
	tg_error err = {0};
	assert_int_equal(tg_term_add(st, "act_type", "Bad Code", NULL, NULL, NULL, "x", &err),
	                 TG_EINVAL);
	assert_int_equal(tg_term_add(st, "nope", "x", NULL, NULL, NULL, "x", &err), TG_EVOCAB);
	assert_int_equal(tg_term_add(st, "act_type", "torture", NULL, NULL, NULL, "x", &err),
	                 TG_EEXIST);
	assert_int_equal(tg_term_add(st, "act_type", "forced_labour", NULL, "Мәжбүрлі еңбек",
	                             "Принудительный труд", "Forced labour", &err), TG_OK);
	assert_true(tg_term_exists(st, "act_type", "forced_labour"));
	assert_string_equal(tg_term_label(st, "act_type", "forced_labour", "ru"),
	                    "Принудительный труд");
}

/* Every field of every entity has its column(s) in the schema. */
static void test_schema_has_a_column_for_every_field(void **state)
{
	const char *path = "test-schema.db";
	unlink(path);
	tg_store *st;
	assert_int_equal(tg_store_open(path, TG_OPEN_CREATE, &st, NULL), TG_OK);
	tg_store_close(st);
	sqlite3 *db;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	int n;
	const tg_entity *const *all = tg_model_entities(&n);
	char sql[256];
	for (int i = 0; i < n; i++) {
		for (int k = 0; k < all[i]->nfields; k++) {
			const tg_field *f = &all[i]->fields[k];
			const tg_entity *owner = all[i];
			const char *col = f->name;
			if (f->type == TG_FT_LIST) {
				owner = f->child;
				for (int j = 0; j < owner->nfields; j++) {
					snprintf(sql, sizeof sql, "SELECT \"%s\" FROM \"%s\"",
					         owner->fields[j].name, owner->table);
					if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
						fail_msg("%s: %s", sql, sqlite3_errmsg(db));
				}
				continue;
			}
			snprintf(sql, sizeof sql, "SELECT \"%s\"%s%s%s FROM \"%s\"", col,
			         f->type == TG_FT_DATE ? ", \"" : "", f->type == TG_FT_DATE ? col : "",
			         f->type == TG_FT_DATE ? "_approx\"" : "", owner->table);
			if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
				fail_msg("%s: %s", sql, sqlite3_errmsg(db));
		}
	}
	/* Change entries are append-only. */
	assert_int_equal(sqlite3_exec(db, "INSERT INTO change (at, actor, entity, uid, op, doc)"
	                                  " VALUES ('t', 'a', 'e', 'u', 'create', '{}')",
	                              NULL, NULL, NULL), SQLITE_OK);
	assert_int_not_equal(sqlite3_exec(db, "DELETE FROM change", NULL, NULL, NULL), SQLITE_OK);
	assert_int_not_equal(sqlite3_exec(db, "UPDATE change SET doc = '{}'", NULL, NULL, NULL),
	                     SQLITE_OK);
	/* A database from a newer program is refused. */
	sqlite3_exec(db, "PRAGMA user_version = 999", NULL, NULL, NULL);
	sqlite3_close(db);
	tg_error err = {0};
	assert_int_equal(tg_store_open(path, 0, &st, &err), TG_ESCHEMA);
	unlink(path);
	char side[64];
	snprintf(side, sizeof side, "%s-wal", path);
	unlink(side);
	snprintf(side, sizeof side, "%s-shm", path);
	unlink(side);
}

static void test_batch_rollback_discards_every_write(void **state)
{
	tg_store *st = *state;
	int before = changes(st);
	assert_int_equal(tg_store_begin(st, NULL), TG_OK);
	create(st, "place", "{\"name\":\"Temporary\"}", NULL);
	create(st, "place", "{\"name\":\"Temporary 2\"}", NULL);
	tg_store_rollback(st);
	assert_int_equal(changes(st), before);
	tg_filter f = {.entity = "place", .text = "temporary"};
	int n = 0;
	tg_record_list(st, &f, (tg_record_cb)count_changes, &n, NULL);
	assert_int_equal(n, 0);
}

static void test_user_login_checks_the_hash_and_says_nothing_more(void **state)
{
	tg_store *st = *state;
	tg_error err = {0};
	assert_int_equal(tg_user_add(st, "aigerim", "editor", NULL, "Kettle orchard winter 42", &err),
	                 0);
	assert_int_equal(tg_user_check(st, "aigerim", "Kettle orchard winter 42", &err), 0);
	assert_int_equal(tg_user_check(st, "aigerim", "Kettle orchard winter 43", &err), TG_EAUTH);
	char wrong_password[sizeof err.msg];
	snprintf(wrong_password, sizeof wrong_password, "%s", err.msg);
	assert_int_equal(tg_user_check(st, "nobody", "Kettle orchard winter 42", &err), TG_EAUTH);
	assert_string_equal(err.msg, wrong_password);
	assert_int_equal(tg_user_disable(st, "aigerim", &err), 0);
	assert_int_equal(tg_user_check(st, "aigerim", "Kettle orchard winter 42", &err), TG_EAUTH);
	assert_string_equal(err.msg, wrong_password);
	assert_int_equal(tg_user_add(st, "bolat", "viewer", NULL, "qwerty123456", &err), TG_EINVAL);
	assert_string_equal(err.path, "password");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_create_then_get_matches_the_change_entry, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_input_is_rejected_with_its_path, setup, teardown),
		cmocka_unit_test_setup_teardown(test_update_and_delete_keep_history, setup, teardown),
		cmocka_unit_test_setup_teardown(test_list_filters_by_place_date_term_and_text, setup, teardown),
		cmocka_unit_test_setup_teardown(test_place_parent_cannot_make_a_cycle, setup, teardown),
		cmocka_unit_test_setup_teardown(test_user_login_checks_the_hash_and_says_nothing_more, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(test_vocabulary_terms_load_and_extend, setup, teardown),
		cmocka_unit_test_setup_teardown(test_batch_rollback_discards_every_write, setup, teardown),
		cmocka_unit_test(test_schema_has_a_column_for_every_field),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
