/* Validation and canonical form, against a lookup that needs no database. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "model/model.h"

#define PERSON "0190a5d0-0000-7000-8000-000000000001"
#define PLACE "0190a5d0-0000-7000-8000-000000000002"
#define EVENT_A "0190a5d0-0000-7000-8000-000000000003"
#define EVENT_B "0190a5d0-0000-7000-8000-000000000004"
#define SELF "0190a5d0-0000-7000-8000-0000000000ff"

static bool term_exists(void *ctx, const char *vocab, const char *code)
{
	static const char *const known[] = {"sex/male", "act_type/torture", "act_method/beating",
	                                    "confidentiality/public", "name_role/full",
	                                    "script/Cyrl", "script/Latn", "proceeding_type/complaint",
	                                    "stage/closed", "closure_reason/no_crime"};
	char key[128];
	snprintf(key, sizeof key, "%s/%s", vocab, code);
	for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
		if (!strcmp(known[i], key))
			return true;
	return false;
}

static int ref_entity(void *ctx, const char *uid, const char **entity, tg_error *err)
{
	*entity = !strcmp(uid, PERSON) ? "person"
	          : !strcmp(uid, PLACE) ? "place"
	          : !strcmp(uid, EVENT_A) || !strcmp(uid, EVENT_B) || !strcmp(uid, SELF) ? "event"
	                                                                                : NULL;
	return *entity ? TG_OK : TG_ENOTFOUND;
}

static int place_by_code(void *ctx, const char *code, const char **uid, tg_error *err)
{
	*uid = strcmp(code, "kz-aktobe") ? NULL : PLACE;
	return *uid ? TG_OK : TG_ENOTFOUND;
}

/* EVENT_B's parent is SELF: giving SELF the parent EVENT_B closes a loop. */
static int parent_of(void *ctx, const char *entity, const char *uid, const char **parent,
                     tg_error *err)
{
	*parent = !strcmp(uid, EVENT_B) ? SELF : NULL;
	return TG_OK;
}

static const tg_lookup lk = {NULL, term_exists, ref_entity, place_by_code, parent_of};

static int norm(const char *entity, const char *json, json_t **out, tg_error *err)
{
	json_t *doc = json_loads(json, JSON_ALLOW_NUL, NULL);
	assert_non_null(doc);
	int rc = tg_model_normalize(tg_model_entity(entity), doc, SELF, &lk, out, err);
	json_decref(doc);
	return rc;
}

static void test_canonical_form_is_sorted_compact_and_complete(void **state)
{
	json_t *out;
	tg_error err = {0};
	assert_int_equal(norm("person", "{\"sex\":\"male\",\"names\":[{\"text\":\"Исаев\"},"
	                                "{\"text\":\"Isayev\",\"role\":\"full\"}],"
	                                "\"birth_date\":\"12.03.1988\",\"note\":\"  \","
	                                "\"occupation\":null,\"residence\":\"kz-aktobe\"}",
	                      &out, &err), TG_OK);
	char *text = tg_model_canonical(out);
	assert_string_equal(text,
	    "{\"birth_date\":\"1988-03-12\",\"confidentiality\":\"restricted\",\"entity\":\"person\","
	    "\"id\":\"" SELF "\",\"names\":[{\"script\":\"Cyrl\",\"text\":\"Исаев\"},"
	    "{\"role\":\"full\",\"script\":\"Latn\",\"text\":\"Isayev\"}],"
	    "\"residence\":\"" PLACE "\",\"sex\":\"male\"}");
	free(text);
	json_decref(out);
}

static void expect_error(const char *entity, const char *json, int code, const char *path)
{
	json_t *out = (json_t *)1;
	tg_error err = {0};
	assert_int_equal(norm(entity, json, &out, &err), code);
	assert_null(out);
	assert_string_equal(err.path, path);
}

static void test_errors_name_the_json_path(void **state)
{
	expect_error("person", "[]", TG_ETYPE, "");
	expect_error("person", "{\"entity\":\"act\"}", TG_EINVAL, "entity");
	expect_error("person", "{\"id\":\"" PERSON "\"}", TG_EINVAL, "id");
	expect_error("person", "{\"names\":[{\"text\":\"A\",\"role\":\"nick\"}]}", TG_EVOCAB,
	             "names[0].role");
	expect_error("person", "{\"names\":[\"A\"]}", TG_ETYPE, "names[0]");
	expect_error("person", "{\"names\":[{\"txt\":\"A\"}]}", TG_EINVAL, "names[0].txt");
	expect_error("act", "{\"type\":\"torture\",\"victim\":\"" PLACE "\"}", TG_EREF, "victim");
	expect_error("act", "{\"type\":\"torture\",\"victim\":\"kz-aktobe\"}", TG_EREF, "victim");
	expect_error("act", "{\"type\":\"torture\",\"victim\":\"" PERSON "\",\"methods\":[\"\"]}",
	             TG_EINVAL, "methods[0]");
	expect_error("act", "{\"type\":\"torture\",\"victim\":\"" PERSON "\",\"start\":\"2022-02-29\"}",
	             TG_EDATE, "start");
	expect_error("act", "{\"type\":\"torture\",\"victim\":\"" PERSON "\",\"start\":\"2022\","
	                    "\"end\":\"2021-12\"}", TG_EDATE, "end");
	expect_error("proceeding", "{\"type\":\"complaint\",\"stages\":[{\"stage\":\"closed\","
	                           "\"reason\":\"bored\"}]}", TG_EVOCAB, "stages[0].reason");
	expect_error("event", "{\"title\":\"Loop\",\"parent\":\"" EVENT_B "\"}", TG_EREF, "parent");
	expect_error("relation", "{\"type\":\"x\"}", TG_EVOCAB, "type");
	expect_error("person", "{\"note\":\"a\\u0000b\"}", TG_EINVAL, "note");
	expect_error("person", "{\"deleted\":\"2024-01-01T00:00:00Z\"}", TG_EINVAL, "deleted");
}

static void test_partial_dates_keep_their_approximation(void **state)
{
	json_t *out;
	assert_int_equal(norm("act", "{\"type\":\"torture\",\"victim\":\"" PERSON "\","
	                             "\"start\":\"~2022-01\",\"end\":\"2022-01-05\"}", &out, NULL),
	                 TG_OK);
	assert_string_equal(json_string_value(json_object_get(out, "start")), "~2022-01");
	json_decref(out);
}

static void test_merge_patch_follows_rfc7386(void **state)
{
	json_t *target = json_loads("{\"a\":\"b\",\"c\":{\"d\":\"e\",\"f\":\"g\"}}", 0, NULL);
	json_t *patch = json_loads("{\"a\":\"z\",\"c\":{\"f\":null}}", 0, NULL);
	json_t *out = tg_model_merge_patch(target, patch);
	json_t *want = json_loads("{\"a\":\"z\",\"c\":{\"d\":\"e\"}}", 0, NULL);
	assert_true(json_equal(out, want));
	json_decref(target), json_decref(patch), json_decref(out), json_decref(want);
}

static void test_every_entity_has_typed_fields(void **state)
{
	int n;
	const tg_entity *const *all = tg_model_entities(&n);
	assert_int_equal(n, 12);
	for (int i = 0; i < n; i++) {
		assert_int_equal(all[i]->index, i);
		assert_ptr_equal(tg_model_entity(all[i]->name), all[i]);
		for (int k = 0; k < all[i]->nfields; k++) {
			const tg_field *f = &all[i]->fields[k];
			assert_non_null(f->help);
			if (f->type == TG_FT_TERM)
				assert_non_null(f->vocab);
			if (f->type == TG_FT_REF)
				assert_true(f->refs != 0);
			if (f->type == TG_FT_LIST)
				assert_non_null(f->child);
		}
	}
	assert_null(tg_model_entity("dragon"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_canonical_form_is_sorted_compact_and_complete),
		cmocka_unit_test(test_errors_name_the_json_path),
		cmocka_unit_test(test_partial_dates_keep_their_approximation),
		cmocka_unit_test(test_merge_patch_follows_rfc7386),
		cmocka_unit_test(test_every_entity_has_typed_fields),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
