/*
 * A read the database cannot do is a storage error (exit status 5), never
 * "no such record" (3) nor "reference to a record that does not exist" (4):
 * every look-up of a record by id, through a file system whose reads fail
 * on demand.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/store.h"

/* The default VFS with reads that fail while fail_reads is set: each file
 * is the real VFS's file, its methods copied with xRead replaced (one copy
 * per method table the real VFS uses: database, WAL, ...). */
static sqlite3_vfs *real_vfs;
static sqlite3_vfs failing_vfs;
static struct {
	const sqlite3_io_methods *real;
	sqlite3_io_methods copy;
} tables[4];
static bool fail_reads;
static int failed_reads;

static int failing_read(sqlite3_file *f, void *buf, int amt, sqlite3_int64 off)
{
	if (fail_reads) {
		failed_reads++;
		return SQLITE_IOERR_READ;
	}
	for (size_t i = 0; i < sizeof tables / sizeof tables[0]; i++)
		if (f->pMethods == &tables[i].copy)
			return tables[i].real->xRead(f, buf, amt, off);
	return SQLITE_IOERR_READ;
}

static int failing_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *f, int flags,
                        int *out_flags)
{
	int rc = real_vfs->xOpen(real_vfs, name, f, flags, out_flags);
	if (rc != SQLITE_OK || !f->pMethods)
		return rc;
	size_t i = 0;
	while (tables[i].real && tables[i].real != f->pMethods)
		i++;
	assert_true(i < sizeof tables / sizeof tables[0]);
	if (!tables[i].real) {
		tables[i].real = f->pMethods;
		tables[i].copy = *f->pMethods;
		tables[i].copy.xRead = failing_read;
		/* No memory-mapped reads around xRead. */
		if (tables[i].copy.iVersion > 2)
			tables[i].copy.iVersion = 2;
	}
	f->pMethods = &tables[i].copy;
	return rc;
}

static char dir[64], db_path[96];
static char person[TG_UUID_LEN], event[TG_UUID_LEN];

static void create(tg_store *st, const char *entity, const char *json, char uid[TG_UUID_LEN])
{
	json_t *doc = json_loads(json, 0, NULL);
	assert_non_null(doc);
	tg_error err = {0};
	if (tg_record_create(st, entity, doc, uid, &err))
		fail_msg("%s: %s (%s)", entity, err.msg, err.path);
	json_decref(doc);
}

static int setup(void **state)
{
	real_vfs = sqlite3_vfs_find(NULL);
	failing_vfs = *real_vfs;
	failing_vfs.zName = "tg-test-failing";
	failing_vfs.xOpen = failing_open;
	if (sqlite3_vfs_register(&failing_vfs, 1) != SQLITE_OK)
		return -1;
	snprintf(dir, sizeof dir, "/tmp/tg-read-errors-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(db_path, sizeof db_path, "%s/db.sqlite", dir);
	tg_store *st;
	tg_error err = {0};
	if (tg_store_open(db_path, TG_OPEN_CREATE, &st, &err)) {
		fprintf(stderr, "open: %s\n", err.msg);
		return -1;
	}
	create(st, "person", "{\"names\":[{\"text\":\"Нұрсұлтан Исаев\"}],\"sex\":\"male\"}",
	       person);
	create(st, "event", "{\"title\":\"Protest in Aktobe\",\"start\":\"2022-01-05\"}", event);
	tg_store_close(st);
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	sqlite3_vfs_unregister(&failing_vfs);
	return system(cmd) == 0 ? 0 : -1;
}

/* The database opened afresh (nothing of the records in its cache), with
 * reads failing from now on. */
static tg_store *open_failing(void)
{
	fail_reads = false;
	tg_store *st;
	tg_error err = {0};
	if (tg_store_open(db_path, 0, &st, &err))
		fail_msg("open: %s", err.msg);
	fail_reads = true;
	failed_reads = 0;
	return st;
}

/* rc and err are a storage error: exit status 5, not "not found". */
static void expect_storage_error(int rc, const tg_error *err)
{
	assert_int_not_equal(rc, TG_OK);
	assert_int_equal(err->code, rc);
	assert_int_equal(tg_error_exit_status(rc), 5);
	assert_null(strstr(err->msg, "no record"));
	assert_true(failed_reads > 0);
}

static void test_missing_record_is_not_found_while_reads_work(void **state)
{
	tg_store *st = open_failing();
	fail_reads = false;
	const char *entity = "?";
	tg_error err = {0};
	assert_int_equal(tg_record_entity(st, "01890000-0000-7000-8000-00000000dead", &entity, &err),
	                 TG_ENOTFOUND);
	assert_null(entity);
	assert_string_equal(err.path, "id");
	assert_non_null(strstr(err.msg, "no record"));
	assert_int_equal(tg_record_entity(st, person, &entity, &err), TG_OK);
	assert_string_equal(entity, "person");
	tg_store_close(st);
}

static void test_record_entity_reports_a_failed_read_as_a_storage_error(void **state)
{
	tg_store *st = open_failing();
	const char *entity = "?";
	tg_error err = {0};
	expect_storage_error(tg_record_entity(st, person, &entity, &err), &err);
	assert_null(entity);
	/* An id that is not there cannot be told apart either. */
	tg_error_clear(&err);
	expect_storage_error(
		tg_record_entity(st, "01890000-0000-7000-8000-00000000dead", &entity, &err), &err);
	tg_store_close(st);
}

static void test_record_get_reports_a_failed_read_as_a_storage_error(void **state)
{
	tg_store *st = open_failing();
	json_t *doc = NULL;
	tg_error err = {0};
	expect_storage_error(tg_record_get(st, person, &doc, &err), &err);
	assert_null(doc);
	tg_store_close(st);
}

static void test_update_and_delete_report_a_failed_read_as_a_storage_error(void **state)
{
	tg_store *st = open_failing();
	tg_error err = {0};
	json_t *patch = json_pack("{s:s}", "occupation", "teacher");
	expect_storage_error(tg_record_update(st, person, patch, &err), &err);
	json_decref(patch);
	tg_error_clear(&err);
	expect_storage_error(tg_record_delete(st, event, "entered twice", &err), &err);
	tg_store_close(st);
}

static void test_history_and_related_report_a_failed_read_as_a_storage_error(void **state)
{
	tg_store *st = open_failing();
	tg_error err = {0};
	expect_storage_error(tg_record_history(st, person, NULL, NULL, &err), &err);
	tg_error_clear(&err);
	expect_storage_error(tg_record_related(st, person, NULL, NULL, &err), &err);
	tg_store_close(st);
}

static void test_a_reference_that_cannot_be_read_is_no_dangling_reference(void **state)
{
	tg_store *st = open_failing();
	char json[256], uid[TG_UUID_LEN];
	snprintf(json, sizeof json,
	         "{\"type\":\"torture\",\"victim\":\"%s\",\"event\":\"%s\",\"start\":\"2022-01\"}",
	         person, event);
	json_t *doc = json_loads(json, 0, NULL);
	tg_error err = {0};
	int rc = tg_record_create(st, "act", doc, uid, &err);
	assert_int_not_equal(rc, TG_EREF);
	expect_storage_error(rc, &err);
	json_decref(doc);
	tg_store_close(st);
	/* With reads working again, the same record is accepted. */
	st = open_failing();
	fail_reads = false;
	doc = json_loads(json, 0, NULL);
	assert_int_equal(tg_record_create(st, "act", doc, uid, &err), TG_OK);
	json_decref(doc);
	tg_store_close(st);
}

static void test_a_given_id_that_cannot_be_checked_is_not_taken_as_free(void **state)
{
	tg_store *st = open_failing();
	json_t *doc = json_pack("{s:s, s:[{s:s}]}", "id", person, "names", "text", "Isayev");
	tg_error err = {0};
	int rc = tg_record_create(st, "person", doc, NULL, &err);
	assert_int_not_equal(rc, TG_EEXIST);
	expect_storage_error(rc, &err);
	json_decref(doc);
	tg_store_close(st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_missing_record_is_not_found_while_reads_work),
		cmocka_unit_test(test_record_entity_reports_a_failed_read_as_a_storage_error),
		cmocka_unit_test(test_record_get_reports_a_failed_read_as_a_storage_error),
		cmocka_unit_test(test_update_and_delete_report_a_failed_read_as_a_storage_error),
		cmocka_unit_test(test_history_and_related_report_a_failed_read_as_a_storage_error),
		cmocka_unit_test(test_a_reference_that_cannot_be_read_is_no_dangling_reference),
		cmocka_unit_test(test_a_given_id_that_cannot_be_checked_is_not_taken_as_free),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
