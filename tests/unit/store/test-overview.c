/* What the web interface reads from the store: API tokens and second
 * factors, the records that refer to a record (dossiers), counts at a
 * clearance, recent changes and hearings ahead. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/store.h"

static int setup(void **state)
{
	tg_store *st;
	tg_error err = {0};
	if (tg_store_open(":memory:", TG_OPEN_CREATE, &st, &err))
		return -1;
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
	if (tg_record_create(st, entity, doc, uid, &err))
		fail_msg("%s: %s (%s)", entity, err.msg, err.path);
	json_decref(doc);
}

static int no_token_in(void *ctx, const tg_change *c)
{
	assert_null(c->doc ? strstr(c->doc, ctx) : NULL);
	return 0;
}

static void test_tokens_are_shown_once_and_revoked(void **state)
{
	tg_store *st = *state;
	tg_error err = {0};
	assert_int_equal(tg_user_add(st, "aigerim", "analyst", NULL, "Kettle orchard winter 42", &err), 0);
	char token[64];
	assert_int_equal(tg_token_create(st, "nobody", "x", token, sizeof token, &err), TG_ENOTFOUND);
	assert_int_equal(tg_token_create(st, "aigerim", "scripts", token, sizeof token, &err), 0);
	assert_int_equal(strncmp(token, "tgk_", 4), 0);
	assert_int_equal(strlen(token), 47);
	tg_user u;
	assert_int_equal(tg_token_check(st, token, &u, &err), 0);
	assert_string_equal(u.name, "aigerim");
	assert_string_equal(u.role, "analyst");
	char wrong[64];
	snprintf(wrong, sizeof wrong, "%s", token);
	wrong[10] = wrong[10] == 'A' ? 'B' : 'A';
	assert_int_equal(tg_token_check(st, wrong, &u, &err), TG_EAUTH);
	/* The change log records the token's label, never the token. */
	assert_int_equal(tg_record_history(st, NULL, no_token_in, token, &err), 0);
	assert_int_equal(tg_token_revoke(st, "aigerim", "01900000-0000-7000-8000-000000000000", &err),
	                 TG_ENOTFOUND);
	tg_user_disable(st, "aigerim", &err);
	assert_int_equal(tg_token_check(st, token, &u, &err), TG_EAUTH);
}

static int first_token(void *ctx, const tg_token *t)
{
	snprintf(ctx, TG_UUID_LEN, "%s", t->uid);
	return 0;
}

static void test_revoked_tokens_stop_working(void **state)
{
	tg_store *st = *state;
	tg_error err = {0};
	assert_int_equal(tg_user_add(st, "bolat", "editor", NULL, "Kettle orchard winter 42", &err), 0);
	char token[64], uid[TG_UUID_LEN] = "";
	assert_int_equal(tg_token_create(st, "bolat", "backup", token, sizeof token, &err), 0);
	assert_int_equal(tg_token_list(st, "bolat", first_token, uid, &err), 0);
	assert_true(tg_uuid_valid(uid));
	assert_int_equal(tg_token_revoke(st, "bolat", uid, &err), 0);
	tg_user u;
	assert_int_equal(tg_token_check(st, token, &u, &err), TG_EAUTH);
	assert_int_equal(tg_token_revoke(st, "bolat", uid, &err), TG_ENOTFOUND);
}

static void test_second_factor_secret_is_kept_and_removed(void **state)
{
	tg_store *st = *state;
	tg_error err = {0};
	assert_int_equal(tg_user_add(st, "root", "admin", NULL, "Kettle orchard winter 42", &err), 0);
	char secret[64];
	assert_int_equal(tg_user_totp_get(st, "root", secret, sizeof secret), 0);
	assert_int_equal(tg_user_totp_set(st, "root", "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", &err), 0);
	assert_int_equal(tg_user_totp_get(st, "root", secret, sizeof secret), 1);
	assert_string_equal(secret, "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
	tg_user u;
	assert_int_equal(tg_user_get(st, "root", &u, &err), 0);
	assert_true(u.totp);
	assert_int_equal(tg_user_totp_set(st, "root", NULL, &err), 0);
	assert_int_equal(tg_user_get(st, "root", &u, &err), 0);
	assert_false(u.totp);
	assert_int_equal(tg_user_totp_set(st, "ghost", "X", &err), TG_ENOTFOUND);
	assert_int_equal(tg_user_get(st, "ghost", &u, &err), TG_ENOTFOUND);
}

struct paths {
	char s[16][64];
	int n;
};

static int add_path(void *ctx, const char *path, const json_t *doc)
{
	struct paths *p = ctx;
	if (p->n < 16)
		snprintf(p->s[p->n++], sizeof p->s[0], "%s", path);
	return 0;
}

static bool has(const struct paths *p, const char *path)
{
	for (int i = 0; i < p->n; i++)
		if (!strcmp(p->s[i], path))
			return true;
	return false;
}

static void test_related_finds_references_in_fields_and_lists(void **state)
{
	tg_store *st = *state;
	char person[TG_UUID_LEN], act[TG_UUID_LEN], src[TG_UUID_LEN], proc[TG_UUID_LEN], tmp[TG_UUID_LEN];
	char json[1024];
	create(st, "person", "{\"names\":[{\"text\":\"Нұрсұлтан Исаев\"}]}", person);
	create(st, "source", "{\"type\":\"testimony\",\"title\":\"HRW 2024\"}", src);
	snprintf(json, sizeof json, "{\"type\":\"torture\",\"victim\":\"%s\",\"start\":\"2022-01\"}", person);
	create(st, "act", json, act);
	snprintf(json, sizeof json, "{\"source\":\"%s\",\"subject\":\"%s\",\"facts\":\"beaten\"}", src, act);
	create(st, "information", json, tmp);
	snprintf(json, sizeof json, "{\"type\":\"criminal_case\",\"parties\":[{\"person\":\"%s\","
	                            "\"role\":\"defendant\"}],\"acts\":[\"%s\"]}", person, act);
	create(st, "proceeding", json, proc);
	struct paths p = {.n = 0};
	tg_error err = {0};
	assert_int_equal(tg_record_related(st, person, add_path, &p, &err), 0);
	assert_int_equal(p.n, 2);
	assert_true(has(&p, "act.victim"));
	assert_true(has(&p, "proceeding.party.person"));
	p.n = 0;
	assert_int_equal(tg_record_related(st, act, add_path, &p, &err), 0);
	assert_true(has(&p, "information.subject"));
	assert_true(has(&p, "proceeding.act.act"));
	/* Deleted records do not count. */
	assert_int_equal(tg_record_delete(st, proc, "entered twice", &err), 0);
	p.n = 0;
	assert_int_equal(tg_record_related(st, person, add_path, &p, &err), 0);
	assert_int_equal(p.n, 1);
	assert_int_equal(tg_record_related(st, "01900000-0000-7000-8000-000000000000", add_path, &p,
	                                   &err), TG_ENOTFOUND);
}

static int count_change(void *ctx, const tg_change *c)
{
	(*(int *)ctx)++;
	return 0;
}

static int count_doc(void *ctx, const json_t *doc)
{
	(*(int *)ctx)++;
	return 0;
}

static void test_counts_recent_and_upcoming_respect_their_limits(void **state)
{
	tg_store *st = *state;
	char uid[TG_UUID_LEN];
	create(st, "person", "{\"names\":[{\"text\":\"A\"}],\"confidentiality\":\"public\"}", uid);
	create(st, "person", "{\"names\":[{\"text\":\"B\"}]}", uid);
	create(st, "person", "{\"names\":[{\"text\":\"C\"}],\"confidentiality\":\"confidential\"}", uid);
	create(st, "proceeding", "{\"type\":\"criminal_case\",\"next_hearing\":\"2099-02-05\"}", uid);
	create(st, "proceeding", "{\"type\":\"criminal_case\",\"next_hearing\":\"2001-02-05\"}", uid);
	json_t *c;
	tg_error err = {0};
	int want[] = {1, 2, 3};
	for (int level = 0; level < 3; level++) {
		assert_int_equal(tg_store_counts(st, level, &c, &err), 0);
		assert_int_equal(json_integer_value(json_object_get(json_object_get(c, "records"), "person")),
		                 want[level]);
		json_decref(c);
	}
	int n = 0;
	assert_int_equal(tg_record_recent(st, 3, count_change, &n, &err), 0);
	assert_int_equal(n, 3);
	n = 0;
	assert_int_equal(tg_store_upcoming(st, "2026-11-29", 10, count_doc, &n, &err), 0);
	assert_int_equal(n, 1);
}

struct texts {
	tg_store *st;
	int n, hidden;
};

static int same_as_read(void *ctx, const char *uid, int level, const char *doc)
{
	struct texts *t = ctx;
	json_t *read;
	tg_error err = {0};
	assert_int_equal(tg_record_get(t->st, uid, &read, &err), 0);
	char *canon = tg_model_canonical(read);
	assert_string_equal(doc, canon);
	free(canon);
	const char *conf = json_string_value(json_object_get(read, "confidentiality"));
	assert_int_equal(level, tg_clearance_level(conf));
	json_decref(read);
	t->n++;
	return 0;
}

/* A list's texts are the records as reading them gives them, after
 * changes too, and leave deleted ones out. */
static void test_list_texts_are_the_canonical_records(void **state)
{
	tg_store *st = *state;
	char place[TG_UUID_LEN], a[TG_UUID_LEN], b[TG_UUID_LEN], json[512];
	create(st, "place", "{\"code\":\"kz-aktobe\",\"name\":\"Ақтөбе\"}", place);
	create(st, "person", "{\"names\":[{\"text\":\"Нұрсұлтан Исаев\"}],\"residence\":"
	                     "\"kz-aktobe\",\"birth_date\":\"~1990\"}", a);
	snprintf(json, sizeof json, "{\"names\":[{\"text\":\"B\"}],\"confidentiality\":\"public\"}");
	create(st, "person", json, b);
	tg_error err = {0};
	json_t *patch = json_pack("{s:s, s:n}", "sex", "male", "birth_date");
	assert_int_equal(tg_record_update(st, a, patch, &err), 0);
	json_decref(patch);
	char c[TG_UUID_LEN];
	create(st, "person", "{\"names\":[{\"text\":\"C\"}]}", c);
	assert_int_equal(tg_record_delete(st, c, "entered twice", &err), 0);
	struct texts t = {st, 0, 0};
	tg_filter f = {.entity = "person"};
	assert_int_equal(tg_record_list_text(st, &f, same_as_read, &t, &err), 0);
	assert_int_equal(t.n, 2);
	f.include_deleted = true;
	assert_int_equal(tg_record_list_text(st, &f, same_as_read, &t, &err), TG_EINVAL);
}

/* The web server's pool and a CLI command write to one database through
 * different connections: each append must see the others' leaves. */
static void test_two_connections_append_to_one_ledger(void **state)
{
	(void)state;
	char path[] = "/tmp/tergeu-ledger-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	unlink(path);
	tg_store *a, *b;
	tg_error err = {0};
	assert_int_equal(tg_store_open(path, TG_OPEN_CREATE, &a, &err), 0);
	assert_int_equal(tg_store_open(path, 0, &b, &err), 0);
	char uid[TG_UUID_LEN];
	for (int i = 0; i < 3; i++) {
		create(a, "person", "{\"names\":[{\"text\":\"A\"}]}", uid);
		create(b, "person", "{\"names\":[{\"text\":\"B\"}]}", uid);
		create(b, "person", "{\"names\":[{\"text\":\"C\"}]}", uid);
	}
	json_t *rep = NULL;
	assert_int_equal(tg_ledger_verify(a, NULL, 0, &rep, &err), 0);
	json_t *rep2 = NULL;
	assert_int_equal(tg_ledger_verify(b, NULL, 0, &rep2, &err), 0);
	assert_string_equal(json_string_value(json_object_get(rep, "root")),
	                    json_string_value(json_object_get(rep2, "root")));
	json_decref(rep);
	json_decref(rep2);
	tg_store_close(a);
	tg_store_close(b);
	const char *sides[] = {"", "-wal", "-shm", "-checkpoint"};
	for (int i = 0; i < 4; i++) {
		char p[64];
		snprintf(p, sizeof p, "%s%s", path, sides[i]);
		unlink(p);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_tokens_are_shown_once_and_revoked, setup, teardown),
		cmocka_unit_test_setup_teardown(test_revoked_tokens_stop_working, setup, teardown),
		cmocka_unit_test_setup_teardown(test_second_factor_secret_is_kept_and_removed, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(test_related_finds_references_in_fields_and_lists, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(test_counts_recent_and_upcoming_respect_their_limits, setup,
		                                teardown),
		cmocka_unit_test(test_two_connections_append_to_one_ledger),
		cmocka_unit_test_setup_teardown(test_list_texts_are_the_canonical_records, setup,
		                                teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
