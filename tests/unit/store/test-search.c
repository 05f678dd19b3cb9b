/* The search index: cross-script names, near spellings, clearance, and an
 * index that follows every write in its transaction. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store.h"

static int setup(void **state)
{
	tg_store *st;
	if (tg_store_open(":memory:", TG_OPEN_CREATE, &st, NULL))
		return -1;
	*state = st;
	return 0;
}

static int teardown(void **state)
{
	tg_store_close(*state);
	return 0;
}

static void person(tg_store *st, const char *name, const char *conf, char uid[TG_UUID_LEN])
{
	json_t *doc = json_pack("{s:[{s:s}], s:s}", "names", "text", name, "confidentiality", conf);
	tg_error err = {0};
	if (tg_record_create(st, "person", doc, uid, &err))
		fail_msg("%s", err.msg);
	json_decref(doc);
}

struct hits {
	char uid[8][TG_UUID_LEN];
	bool near[8];
	int n;
};

static int collect(void *ctx, const tg_search_hit *h)
{
	struct hits *x = ctx;
	if (x->n < 8) {
		snprintf(x->uid[x->n], TG_UUID_LEN, "%s", h->uid);
		x->near[x->n++] = h->near;
	}
	return 0;
}

static struct hits search(tg_store *st, const char *q, int clearance)
{
	struct hits h = {0};
	tg_search_opts o = {.query = q, .clearance = clearance};
	tg_error err = {0};
	if (tg_search(st, &o, collect, &h, &err))
		fail_msg("search %s: %s", q, err.msg);
	return h;
}

static void test_latin_query_finds_cyrillic_name_and_back(void **state)
{
	tg_store *st = *state;
	char kk[TG_UUID_LEN], lat[TG_UUID_LEN];
	person(st, "Нұрсұлтан Исаев", "restricted", kk);
	person(st, "Yerlan Sarsenbayev", "restricted", lat);
	struct hits h = search(st, "Nursultan Isaev", TG_CLEAR_RESTRICTED);
	assert_int_equal(h.n, 1);
	assert_string_equal(h.uid[0], kk);
	h = search(st, "Ерлан Сарсенбаев", TG_CLEAR_RESTRICTED);
	assert_int_equal(h.n, 1);
	assert_string_equal(h.uid[0], lat);
}

static void test_misspelt_name_is_found_after_exact_matches(void **state)
{
	tg_store *st = *state;
	char exact[TG_UUID_LEN], other[TG_UUID_LEN];
	person(st, "Нұрсұлтан Исаев", "restricted", exact);
	person(st, "Нұрлан Исаев", "restricted", other);
	struct hits h = search(st, "Nurlan Isayev", TG_CLEAR_RESTRICTED);
	assert_true(h.n >= 1);
	assert_string_equal(h.uid[0], other);
	assert_false(h.near[0]);
	h = search(st, "Nursultna Isayev", TG_CLEAR_RESTRICTED);
	assert_int_equal(h.n, 1);
	assert_string_equal(h.uid[0], exact);
	assert_true(h.near[0]);
}

static void test_clearance_hides_records_above_it(void **state)
{
	tg_store *st = *state;
	char pub[TG_UUID_LEN], conf[TG_UUID_LEN];
	person(st, "Асель Қасымова", "public", pub);
	person(st, "Асель Қасымова", "confidential", conf);
	assert_int_equal(search(st, "Asel Kasymova", TG_CLEAR_PUBLIC).n, 1);
	assert_int_equal(search(st, "Asel Kasymova", TG_CLEAR_RESTRICTED).n, 1);
	assert_int_equal(search(st, "Asel Kasymova", TG_CLEAR_CONFIDENTIAL).n, 2);
}

static void test_index_follows_writes_and_rollbacks(void **state)
{
	tg_store *st = *state;
	char uid[TG_UUID_LEN];
	assert_int_equal(tg_store_begin(st, NULL), TG_OK);
	person(st, "Дәурен Ахметов", "restricted", uid);
	assert_int_equal(search(st, "Dauren Akhmetov", TG_CLEAR_RESTRICTED).n, 1);
	tg_store_rollback(st);
	assert_int_equal(search(st, "Dauren Akhmetov", TG_CLEAR_RESTRICTED).n, 0);
	person(st, "Дәурен Ахметов", "restricted", uid);
	json_t *patch = json_pack("{s:[{s:s}]}", "names", "text", "Дәурен Омаров");
	assert_int_equal(tg_record_update(st, uid, patch, NULL), TG_OK);
	json_decref(patch);
	assert_int_equal(search(st, "Dauren Akhmetov", TG_CLEAR_RESTRICTED).n, 0);
	assert_int_equal(search(st, "Dauren Omarov", TG_CLEAR_RESTRICTED).n, 1);
	assert_int_equal(tg_record_delete(st, uid, "test", NULL), TG_OK);
	assert_int_equal(search(st, "Dauren Omarov", TG_CLEAR_RESTRICTED).n, 0);
	person(st, "Дәурен Омаров", "restricted", uid);
	assert_int_equal(tg_search_rebuild(st, NULL, NULL, NULL), TG_OK);
	assert_int_equal(search(st, "Dauren Omarov", TG_CLEAR_RESTRICTED).n, 1);
}

static void test_narrative_text_matches_by_stem_and_labels(void **state)
{
	tg_store *st = *state;
	char p[TG_UUID_LEN], a[TG_UUID_LEN];
	person(st, "Марат Бекетов", "restricted", p);
	json_t *doc = json_pack("{s:s, s:s, s:s}", "type", "torture", "victim", p,
	                        "physical_consequences", "сломанные рёбра, сотрясение мозга");
	assert_int_equal(tg_record_create(st, "act", doc, a, NULL), TG_OK);
	json_decref(doc);
	const char *queries[] = {"сломано ребро", "сотрясения", "пытки", "азаптау", "torture"};
	for (size_t i = 0; i < sizeof queries / sizeof queries[0]; i++) {
		struct hits h = search(st, queries[i], TG_CLEAR_RESTRICTED);
		if (h.n != 1 || strcmp(h.uid[0], a))
			fail_msg("'%s' found %d records", queries[i], h.n);
	}
	tg_search_opts o = {.query = " ,, ", .clearance = TG_CLEAR_RESTRICTED};
	tg_error err = {0};
	assert_int_equal(tg_search(st, &o, collect, &(struct hits){0}, &err), TG_EINVAL);
}

/* One thread's stores, one after another: each builds its terms' stems on
 * its first search by label, while the other thread builds its own. */
static void *search_in_new_stores(void *arg)
{
	int *failed = arg;
	for (int i = 0; i < 12 && !*failed; i++) {
		tg_store *st;
		if (tg_store_open(":memory:", TG_OPEN_CREATE, &st, NULL)) {
			*failed = 1;
			break;
		}
		char p[TG_UUID_LEN], a[TG_UUID_LEN];
		json_t *doc = json_pack("{s:[{s:s}]}", "names", "text", "Марат Бекетов");
		json_t *act = NULL;
		if (tg_record_create(st, "person", doc, p, NULL))
			*failed = 1;
		else if (!(act = json_pack("{s:s, s:s}", "type", "torture", "victim", p)) ||
		         tg_record_create(st, "act", act, a, NULL))
			*failed = 1;
		json_decref(doc);
		json_decref(act);
		struct hits h = {0};
		tg_search_opts o = {.query = "пытки", .clearance = TG_CLEAR_RESTRICTED};
		if (!*failed && (tg_search(st, &o, collect, &h, NULL) || h.n != 1 || strcmp(h.uid[0], a)))
			*failed = 2;
		tg_store_close(st);
	}
	return NULL;
}

/* The web server's threads each have stores: building the stems of the
 * terms must not share a tokenizer's state between them (strtok did). */
static void test_stores_in_threads_build_their_stems_apart(void **state)
{
	(void)state;
	pthread_t t[2];
	int failed[2] = {0, 0};
	for (int i = 0; i < 2; i++)
		assert_int_equal(pthread_create(&t[i], NULL, search_in_new_stores, &failed[i]), 0);
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	assert_int_equal(failed[0], 0);
	assert_int_equal(failed[1], 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_latin_query_finds_cyrillic_name_and_back, setup, teardown),
		cmocka_unit_test_setup_teardown(test_misspelt_name_is_found_after_exact_matches, setup, teardown),
		cmocka_unit_test_setup_teardown(test_clearance_hides_records_above_it, setup, teardown),
		cmocka_unit_test_setup_teardown(test_index_follows_writes_and_rollbacks, setup, teardown),
		cmocka_unit_test_setup_teardown(test_narrative_text_matches_by_stem_and_labels, setup, teardown),
		cmocka_unit_test(test_stores_in_threads_build_their_stems_apart),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
