/* The evidence vault against its records: files no evidence names are
 * found and removed, and nothing else ever is. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "io/io.h"

struct fixture {
	char dir[64], db[96], vault[128], src[128];
	tg_store *st;
	tg_vault *v;
	char source[TG_UUID_LEN];
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	snprintf(f->dir, sizeof f->dir, "/tmp/tg-orphans-XXXXXX");
	if (!f || !mkdtemp(f->dir))
		return -1;
	snprintf(f->db, sizeof f->db, "%s/db.sqlite", f->dir);
	snprintf(f->vault, sizeof f->vault, "%s/db.sqlite-vault", f->dir);
	snprintf(f->src, sizeof f->src, "%s/photo.jpg", f->dir);
	tg_error err = {0};
	uint8_t key[32];
	if (tg_store_open(f->db, TG_OPEN_CREATE, &f->st, &err) ||
	    tg_store_vault_key(f->st, key, &err) || tg_vault_open(f->vault, key, &f->v, &err)) {
		fprintf(stderr, "setup: %s\n", err.msg);
		return -1;
	}
	json_t *doc = json_pack("{s:s, s:s}", "type", "photo_video", "title", "Phone video");
	int rc = tg_record_create(f->st, "source", doc, f->source, &err);
	json_decref(doc);
	FILE *out = fopen(f->src, "wb");
	if (rc || !out)
		return -1;
	uint8_t bytes[5000];
	randombytes_buf(bytes, sizeof bytes);
	fwrite(bytes, 1, sizeof bytes, out);
	fclose(out);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	tg_vault_close(f->v);
	tg_store_close(f->st);
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
	int rc = system(cmd);
	free(f);
	return rc ? -1 : 0;
}

/* A file sealed into the vault and, if recorded, an evidence record
 * naming it; *uid gets the record's id. */
static tg_vault_blob seal(struct fixture *f, bool recorded, char uid[TG_UUID_LEN])
{
	tg_vault_blob b;
	tg_error err = {0};
	assert_int_equal(tg_vault_put(f->v, f->src, &b, NULL, NULL, &err), TG_OK);
	if (recorded) {
		json_t *meta = json_pack("{s:s}", "source", f->source);
		assert_int_equal(tg_evidence_intake(f->st, meta, "photo.jpg", b.id, b.sha256_hex,
		                                    b.size, "documenter", uid, &err),
		                 TG_OK);
		json_decref(meta);
	}
	return b;
}

static void path_of(const struct fixture *f, const char *name, char *out, size_t n)
{
	snprintf(out, n, "%s/%s", f->vault, name);
}

/* Makes name look last written seconds ago. */
static void age(const struct fixture *f, const char *name, long seconds)
{
	char p[256];
	path_of(f, name, p, sizeof p);
	struct timespec t[2];
	clock_gettime(CLOCK_REALTIME, &t[0]);
	t[0].tv_sec -= seconds;
	t[1] = t[0];
	assert_int_equal(utimensat(AT_FDCWD, p, t, 0), 0);
}

static bool exists(const struct fixture *f, const char *name)
{
	char p[256];
	path_of(f, name, p, sizeof p);
	return access(p, F_OK) == 0;
}

static void write_vault_file(const struct fixture *f, const char *name)
{
	char p[256];
	path_of(f, name, p, sizeof p);
	FILE *out = fopen(p, "wb");
	assert_non_null(out);
	fputs("sealed bytes", out);
	fclose(out);
}

static int last_doc(void *ctx, const tg_change *c)
{
	free(*(char **)ctx);
	*(char **)ctx = strdup(c->doc);
	return 0;
}

static void test_orphans_are_the_files_no_evidence_names(void **state)
{
	struct fixture *f = *state;
	char uid[TG_UUID_LEN];
	tg_vault_blob kept = seal(f, true, uid), lost = seal(f, false, NULL);
	char temp[64];
	snprintf(temp, sizeof temp, "tmp-%s", "0123456789abcdef0123456789abcdef");
	write_vault_file(f, temp);
	write_vault_file(f, "notes.txt"); /* not tergeu's: never looked at */
	age(f, kept.id, 7200);
	age(f, lost.id, 7200);
	age(f, temp, 7200);
	tg_orphan_report rep;
	tg_error err = {0};
	assert_int_equal(tg_io_vault_orphans(f->st, f->v, 3600, NULL, NULL, &rep, &err), TG_OK);
	assert_int_equal(rep.files, 3);
	assert_int_equal(rep.orphans, 2);
	assert_int_equal(rep.temps, 1);
	assert_int_equal(rep.young, 0);
	assert_int_equal(rep.removed, 0);
	assert_true(exists(f, lost.id) && exists(f, temp));
}

static void test_gc_removes_old_orphans_and_records_them_in_the_ledger(void **state)
{
	struct fixture *f = *state;
	char uid[TG_UUID_LEN];
	tg_vault_blob kept = seal(f, true, uid), lost = seal(f, false, NULL);
	age(f, kept.id, 7200);
	age(f, lost.id, 7200);
	tg_orphan_report rep;
	tg_error err = {0};
	assert_int_equal(tg_io_vault_gc(f->st, f->v, 3600, NULL, NULL, &rep, &err), TG_OK);
	assert_int_equal(rep.orphans, 1);
	assert_int_equal(rep.removed, 1);
	assert_false(exists(f, lost.id));
	assert_true(exists(f, kept.id));
	assert_int_equal(tg_vault_verify(f->v, kept.id, kept.sha256, &err), TG_OK);
	/* The entry names the file, written before it went. */
	assert_true(*rep.entry);
	char *text = NULL;
	assert_int_equal(tg_record_history(f->st, rep.entry, last_doc, &text, &err), TG_OK);
	assert_non_null(text);
	assert_non_null(strstr(text, lost.id));
	assert_null(strstr(text, kept.id));
	free(text);
	/* Nothing left: a second run removes and records nothing. */
	assert_int_equal(tg_io_vault_gc(f->st, f->v, 3600, NULL, NULL, &rep, &err), TG_OK);
	assert_int_equal(rep.orphans, 0);
	assert_string_equal(rep.entry, "");
}

static void test_gc_leaves_files_within_the_grace_period(void **state)
{
	struct fixture *f = *state;
	tg_vault_blob fresh = seal(f, false, NULL), old = seal(f, false, NULL);
	age(f, old.id, 600);
	tg_orphan_report rep;
	tg_error err = {0};
	assert_int_equal(tg_io_vault_gc(f->st, f->v, 3600, NULL, NULL, &rep, &err), TG_OK);
	assert_int_equal(rep.orphans, 2);
	assert_int_equal(rep.young, 2);
	assert_int_equal(rep.removed, 0);
	assert_string_equal(rep.entry, ""); /* nothing removed: no entry */
	assert_int_equal(tg_io_vault_gc(f->st, f->v, 300, NULL, NULL, &rep, &err), TG_OK);
	assert_int_equal(rep.removed, 1);
	assert_true(exists(f, fresh.id));
	assert_false(exists(f, old.id));
}

static void test_gc_keeps_the_blob_of_deleted_evidence(void **state)
{
	struct fixture *f = *state;
	char uid[TG_UUID_LEN];
	tg_vault_blob b = seal(f, true, uid);
	tg_error err = {0};
	assert_int_equal(tg_record_delete(f->st, uid, "entered twice", &err), TG_OK);
	age(f, b.id, 7200);
	tg_orphan_report rep;
	assert_int_equal(tg_io_vault_gc(f->st, f->v, 0, NULL, NULL, &rep, &err), TG_OK);
	assert_int_equal(rep.orphans, 0);
	assert_true(exists(f, b.id));
}

static void test_gc_waits_for_no_one_while_another_handle_is_open(void **state)
{
	struct fixture *f = *state;
	tg_vault_blob lost = seal(f, false, NULL);
	age(f, lost.id, 7200);
	/* Another process's intake between sealing and recording holds a
	 * handle: the clean-up refuses, and removes nothing. */
	uint8_t key[32];
	tg_error err = {0};
	tg_vault *other;
	assert_int_equal(tg_store_vault_key(f->st, key, &err), TG_OK);
	assert_int_equal(tg_vault_open(f->vault, key, &other, &err), TG_OK);
	tg_orphan_report rep;
	assert_int_equal(tg_io_vault_gc(f->st, f->v, 0, NULL, NULL, &rep, &err), TG_EIO);
	assert_non_null(strstr(err.msg, "in use"));
	assert_true(exists(f, lost.id));
	/* A report needs no lock. */
	assert_int_equal(tg_io_vault_orphans(f->st, other, 0, NULL, NULL, &rep, &err), TG_OK);
	assert_int_equal(rep.orphans, 1);
	tg_vault_close(other);
	assert_int_equal(tg_io_vault_gc(f->st, f->v, 0, NULL, NULL, &rep, &err), TG_OK);
	assert_int_equal(rep.removed, 1);
}

static void test_gc_removes_nothing_when_the_ledger_does_not_verify(void **state)
{
	struct fixture *f = *state;
	char uid[TG_UUID_LEN];
	seal(f, true, uid);
	tg_vault_blob lost = seal(f, false, NULL);
	age(f, lost.id, 7200);
	/* An attacker with the file rewrites a change entry. */
	sqlite3 *db;
	assert_int_equal(sqlite3_open(f->db, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "DROP TRIGGER change_append_only_u;"
	                                  "UPDATE change SET actor = 'someone' WHERE seq = 1",
	                              NULL, NULL, NULL),
	                 SQLITE_OK);
	sqlite3_close(db);
	tg_orphan_report rep;
	tg_error err = {0};
	assert_int_equal(tg_io_vault_gc(f->st, f->v, 0, NULL, NULL, &rep, &err), TG_EINTEGRITY);
	assert_non_null(strstr(err.msg, "nothing removed"));
	assert_true(exists(f, lost.id));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
		T(test_orphans_are_the_files_no_evidence_names),
		T(test_gc_removes_old_orphans_and_records_them_in_the_ledger),
		T(test_gc_leaves_files_within_the_grace_period),
		T(test_gc_keeps_the_blob_of_deleted_evidence),
		T(test_gc_waits_for_no_one_while_another_handle_is_open),
		T(test_gc_removes_nothing_when_the_ledger_does_not_verify),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
