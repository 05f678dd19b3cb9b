/*
 * The encrypting VFS: nothing readable on disk (T1), every kill -9 leaves a
 * consistent database with no plaintext (T2), tampering is detected.  The
 * same tests run without the VFS must find the canary, which shows that the
 * greps can fail.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "store/cryptvfs.h"

#define BATCH 10 /* rows per transaction in the crash test */

static char dir[64], db_path[96];
static uint8_t key[32];
static char canary[64];   /* "Victim-Name-ZXQ-" + token */
static const char *token; /* its random, lowercase part: what FTS5 indexes */

static int setup(void **state)
{
	snprintf(dir, sizeof dir, "/tmp/tg-cryptvfs-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(db_path, sizeof db_path, "%s/db.sqlite", dir);
	randombytes_buf(key, sizeof key);
	strcpy(canary, "Victim-Name-ZXQ-");
	size_t n = strlen(canary);
	for (int i = 0; i < 16; i++)
		canary[n + i] = (char)('a' + randombytes_uniform(26));
	canary[n + 16] = '\0';
	token = canary + n;
	return 0;
}

/* Removes the test directory and forgets the key. */
static int teardown(void **state)
{
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	tg_cryptvfs_forget_key(db_path);
	return system(cmd) == 0 ? 0 : -1;
}

static size_t count_in_file(const char *path, const char *needle)
{
	char *buf;
	size_t len, n = 0, nl = strlen(needle);
	if (tg_read_file(path, &buf, &len, NULL))
		return 0;
	for (const char *p = buf; (p = memmem(p, len - (size_t)(p - buf), needle, nl)); p++)
		n++;
	free(buf);
	return n;
}

/* Occurrences of the canary's token in every file of the test directory:
 * the database, -wal, -shm, -journal and anything else. */
static size_t canary_hits(void)
{
	DIR *d = opendir(dir);
	assert_non_null(d);
	struct dirent *de;
	size_t n = 0;
	char p[512];
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(p, sizeof p, "%s/%s", dir, de->d_name);
		n += count_in_file(p, token);
	}
	closedir(d);
	return n;
}

static bool exists(const char *suffix)
{
	char p[128];
	snprintf(p, sizeof p, "%s%s", db_path, suffix);
	return access(p, F_OK) == 0;
}

/* Opens the test database, through the VFS when encrypted; returns the
 * SQLite result of the open and the first statement. */
static int open_db(sqlite3 **db, bool encrypted, const uint8_t *k)
{
	if (encrypted)
		assert_int_equal(tg_cryptvfs_set_key(db_path, k, NULL), TG_OK);
	int rc = sqlite3_open_v2(db_path, db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
	                         encrypted ? TG_CRYPTVFS_NAME : NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(*db, "PRAGMA temp_store = MEMORY", NULL, NULL, NULL);
	return rc == SQLITE_OK ? rc : sqlite3_extended_errcode(*db);
}

static void exec(sqlite3 *db, const char *sql)
{
	char *msg = NULL;
	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("%s: %s", sql, msg);
}

static int64_t one_int(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *s;
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &s, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	int64_t v = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return v;
}

static void assert_integrity_ok(sqlite3 *db)
{
	sqlite3_stmt *s;
	assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &s, NULL),
	                 SQLITE_OK);
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(s, 0), "ok");
	sqlite3_finalize(s);
}

static const char schema[] =
	"CREATE TABLE IF NOT EXISTS t(id INTEGER PRIMARY KEY, name TEXT, body TEXT);"
	"CREATE INDEX IF NOT EXISTS t_name ON t(name);"
	"CREATE VIRTUAL TABLE IF NOT EXISTS f USING fts5(body);";

/* Inserts n rows carrying the canary into t and f, in one transaction. */
static int insert_rows(sqlite3 *db, int n)
{
	sqlite3_stmt *a, *b;
	if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
		return -1;
	sqlite3_prepare_v2(db, "INSERT INTO t(name, body) VALUES (?1 || random(), ?2)", -1, &a,
	                   NULL);
	sqlite3_prepare_v2(db, "INSERT INTO f(rowid, body) VALUES (last_insert_rowid(), ?1)", -1,
	                   &b, NULL);
	char body[256];
	int rc = 0;
	for (int i = 0; i < n && !rc; i++) {
		snprintf(body, sizeof body, "Beaten in custody, %d witnesses: %s, cell %d", i, canary,
		         i * 7);
		sqlite3_bind_text(a, 1, canary, -1, SQLITE_STATIC);
		sqlite3_bind_text(a, 2, body, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(b, 1, body, -1, SQLITE_TRANSIENT);
		rc = sqlite3_step(a) != SQLITE_DONE || sqlite3_step(b) != SQLITE_DONE;
		sqlite3_reset(a);
		sqlite3_reset(b);
	}
	sqlite3_finalize(a);
	sqlite3_finalize(b);
	if (rc || sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
		return -1;
	}
	return 0;
}

/* Writes rows in journal mode `mode` and greps every file while the
 * connection is open, inside an open write transaction (the journal holds
 * page images then) and after closing.  Returns the most hits seen. */
static size_t write_and_grep(bool encrypted, const char *mode)
{
	sqlite3 *db;
	char sql[128];
	assert_int_equal(open_db(&db, encrypted, key), SQLITE_OK);
	snprintf(sql, sizeof sql, "PRAGMA journal_mode = %s; PRAGMA wal_autocheckpoint = 0;",
	         mode);
	exec(db, sql);
	exec(db, schema);
	for (int i = 0; i < 5; i++)
		assert_int_equal(insert_rows(db, 100), 0);
	exec(db, "DELETE FROM t WHERE id % 3 = 0");
	size_t most = canary_hits();
	exec(db, "BEGIN IMMEDIATE; UPDATE t SET body = upper(body);"
	         "INSERT INTO f(f) VALUES ('optimize');");
	if (!strcmp(mode, "WAL"))
		assert_true(exists("-wal") && exists("-shm"));
	else
		assert_true(exists("-journal"));
	size_t n = canary_hits();
	most = n > most ? n : most;
	exec(db, "COMMIT");
	assert_int_equal(sqlite3_close(db), SQLITE_OK);
	if (!strcmp(mode, "PERSIST"))
		assert_true(exists("-journal"));
	n = canary_hits();
	return n > most ? n : most;
}

static void test_no_canary_on_disk_in_any_journal_mode(void **state)
{
	static const char *modes[] = {"WAL", "DELETE", "PERSIST", "TRUNCATE"};
	for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++) {
		size_t plain = write_and_grep(false, modes[i]);
		teardown(state);
		setup(state);
		size_t sealed = write_and_grep(true, modes[i]);
		print_message("journal_mode=%s: canary hits %zu without the VFS, %zu with it\n",
		              modes[i], plain, sealed);
		assert_true(plain > 0);
		assert_int_equal(sealed, 0);
		teardown(state);
		setup(state);
	}
}

static void test_reopen_with_key_reads_everything(void **state)
{
	sqlite3 *db, *db2;
	assert_int_equal(open_db(&db, true, key), SQLITE_OK);
	exec(db, "PRAGMA journal_mode = WAL");
	exec(db, schema);
	assert_int_equal(insert_rows(db, 300), 0);
	/* A second connection shares the WAL and its index. */
	assert_int_equal(open_db(&db2, true, key), SQLITE_OK);
	assert_int_equal(one_int(db2, "SELECT count(*) FROM t"), 300);
	assert_int_equal(insert_rows(db2, 20), 0);
	assert_int_equal(one_int(db, "SELECT count(*) FROM t"), 320);
	sqlite3_close(db2);
	sqlite3_close(db);

	assert_int_equal(open_db(&db, true, key), SQLITE_OK);
	assert_int_equal(one_int(db, "PRAGMA page_size"), TG_CRYPTVFS_PAGE_SIZE);
	assert_int_equal(one_int(db, "SELECT count(*) FROM t"), 320);
	char sql[256];
	snprintf(sql, sizeof sql, "SELECT count(*) FROM f WHERE f MATCH '%s'", token);
	assert_int_equal(one_int(db, sql), 320);
	snprintf(sql, sizeof sql, "SELECT count(*) FROM t WHERE name >= '%s' AND name < '%s~'",
	         canary, canary);
	assert_int_equal(one_int(db, sql), 320);
	exec(db, "VACUUM");
	assert_integrity_ok(db);
	assert_int_equal(one_int(db, "SELECT count(*) FROM t"), 320);
	/* A transaction that spills its cache to the WAL and then changes the
	 * same pages again rewrites page images without their frame headers,
	 * and rewrites the checksums of those frames at commit. */
	exec(db, "PRAGMA cache_size = 5; BEGIN; UPDATE t SET body = body || 'x';"
	         "UPDATE t SET body = body || 'y'; UPDATE t SET body = body || 'z'; COMMIT;"
	         "PRAGMA cache_size = -2000");
	sqlite3_close(db);
	assert_int_equal(open_db(&db, true, key), SQLITE_OK);
	assert_integrity_ok(db);
	assert_int_equal(one_int(db, "SELECT count(*) FROM t WHERE body LIKE '%xyz'"), 320);
	sqlite3_close(db);

	/* The file is not SQLite's to anyone without the key. */
	FILE *f = fopen(db_path, "rb");
	uint8_t head[24];
	assert_int_equal(fread(head, 1, sizeof head, f), sizeof head);
	fclose(f);
	assert_memory_not_equal(head, "SQLite format 3", 16);
	assert_int_equal(head[20], TG_CRYPTVFS_RESERVE);
}

static void test_wrong_key_fails_cleanly(void **state)
{
	sqlite3 *db;
	assert_int_equal(open_db(&db, true, key), SQLITE_OK);
	exec(db, schema);
	assert_int_equal(insert_rows(db, 10), 0);
	sqlite3_close(db);

	uint8_t wrong[32];
	memcpy(wrong, key, sizeof wrong);
	wrong[5] ^= 1;
	tg_cryptvfs_forget_key(db_path);
	int rc = open_db(&db, true, wrong);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(db, "SELECT count(*) FROM t", NULL, NULL, NULL) == SQLITE_OK
		             ? SQLITE_OK
		             : sqlite3_extended_errcode(db);
	assert_int_equal(rc, SQLITE_IOERR_AUTH);
	tg_error err = {0};
	assert_int_equal(tg_cryptvfs_error(db_path, rc, &err), TG_EINTEGRITY);
	assert_non_null(strstr(err.msg, "page 1 "));
	sqlite3_close(db);

	/* No key at all: the open is refused. */
	tg_cryptvfs_forget_key(db_path);
	assert_int_not_equal(sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READWRITE,
	                                     TG_CRYPTVFS_NAME),
	                     SQLITE_OK);
	assert_int_equal(sqlite3_errcode(db), SQLITE_CANTOPEN);
	sqlite3_close(db);
}

static void flip_byte(long off)
{
	int fd = open(db_path, O_RDWR);
	uint8_t b;
	assert_int_equal(pread(fd, &b, 1, off), 1);
	b ^= 0x20;
	assert_int_equal(pwrite(fd, &b, 1, off), 1);
	close(fd);
}

static void test_tampered_page_is_reported(void **state)
{
	sqlite3 *db;
	assert_int_equal(open_db(&db, true, key), SQLITE_OK);
	exec(db, schema);
	assert_int_equal(insert_rows(db, 200), 0);
	sqlite3_close(db);

	flip_byte(2L * TG_CRYPTVFS_PAGE_SIZE + 1000); /* page 3 */
	assert_int_equal(open_db(&db, true, key), SQLITE_OK);
	int rc = sqlite3_exec(db, "PRAGMA integrity_check", NULL, NULL, NULL);
	assert_int_equal(sqlite3_extended_errcode(db), SQLITE_IOERR_AUTH);
	assert_int_not_equal(rc, SQLITE_OK);
	tg_cryptvfs_fault ft;
	assert_true(tg_cryptvfs_last_fault(db_path, &ft));
	assert_int_equal(ft.kind, TG_CRYPTVFS_AUTH);
	assert_int_equal(ft.role, TG_CRYPTVFS_MAIN);
	assert_int_equal(ft.pgno, 3);
	tg_error err = {0};
	assert_int_equal(tg_cryptvfs_error(db_path, SQLITE_IOERR_AUTH, &err), TG_EINTEGRITY);
	assert_non_null(strstr(err.msg, "page 3 "));
	sqlite3_close(db);

	/* The plaintext header bytes of page 1 are authenticated too. */
	flip_byte(2L * TG_CRYPTVFS_PAGE_SIZE + 1000);
	flip_byte(21);
	rc = open_db(&db, true, key);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(db, "SELECT count(*) FROM t", NULL, NULL, NULL) == SQLITE_OK
		             ? SQLITE_OK
		             : sqlite3_extended_errcode(db);
	assert_int_equal(rc, SQLITE_IOERR_AUTH);
	sqlite3_close(db);
}

static void test_temp_files_are_refused(void **state)
{
	sqlite3_vfs *vfs = sqlite3_vfs_find(TG_CRYPTVFS_NAME);
	assert_non_null(vfs);
	static const int kinds[] = {SQLITE_OPEN_TEMP_DB, SQLITE_OPEN_TEMP_JOURNAL,
	                            SQLITE_OPEN_SUBJOURNAL, SQLITE_OPEN_TRANSIENT_DB};
	sqlite3_file *f = calloc(1, (size_t)vfs->szOsFile);
	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
		int flags = kinds[i] | SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
		            SQLITE_OPEN_DELETEONCLOSE;
		assert_int_equal(vfs->xOpen(vfs, NULL, f, flags, NULL), SQLITE_CANTOPEN);
		assert_null(f->pMethods);
	}
	free(f);

	/* Through SQL: a temporary table that outgrows its cache needs a file. */
	sqlite3 *db;
	assert_int_equal(open_db(&db, true, key), SQLITE_OK);
	static const char fill[] = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 "
	                           "FROM n WHERE i < 2000) INSERT INTO x SELECT zeroblob(1000) FROM n";
	exec(db, "CREATE TEMP TABLE x(a)");
	exec(db, fill);
	exec(db, "DROP TABLE x; PRAGMA temp_store = FILE; PRAGMA temp.cache_size = 10;"
	         "CREATE TEMP TABLE x(a)");
	assert_int_not_equal(sqlite3_exec(db, fill, NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_errcode(db), SQLITE_CANTOPEN);
	sqlite3_close(db);
}

/* Writes SQLite never makes, sent to the VFS directly. */
static void test_unexpected_writes_are_refused(void **state)
{
	sqlite3 *db;
	assert_int_equal(open_db(&db, true, key), SQLITE_OK);
	sqlite3_file *f = NULL;
	assert_int_equal(sqlite3_file_control(db, "main", SQLITE_FCNTL_FILE_POINTER, &f),
	                 SQLITE_OK);
	uint8_t page[TG_CRYPTVFS_PAGE_SIZE] = {0};
	memcpy(page, "SQLite format 3", 16);
	page[16] = TG_CRYPTVFS_PAGE_SIZE >> 8;
	page[18] = page[19] = 1;
	page[20] = 0; /* no reserve */
	assert_int_equal(f->pMethods->xWrite(f, page, sizeof page, 0), SQLITE_IOERR_WRITE);
	tg_cryptvfs_fault ft;
	assert_true(tg_cryptvfs_last_fault(db_path, &ft));
	assert_int_equal(ft.kind, TG_CRYPTVFS_NO_RESERVE);
	assert_int_equal(f->pMethods->xWrite(f, page, 100, 0), SQLITE_IOERR_WRITE);
	assert_true(tg_cryptvfs_last_fault(db_path, &ft));
	assert_int_equal(ft.kind, TG_CRYPTVFS_LAYOUT);
	tg_error err = {0};
	assert_int_equal(tg_cryptvfs_error(db_path, SQLITE_IOERR_WRITE, &err), TG_EDB);
	sqlite3_close(db);
	struct stat st;
	assert_int_equal(stat(db_path, &st), 0);
	assert_int_equal(st.st_size, 0); /* nothing reached the file */
}

/* A crash between a frame header write and its image write leaves the
 * header next to an old image.  Recovery must end the log there, as plain
 * SQLite does on a checksum mismatch, rather than fail the open. */
/* Runs work in a child on a new encrypted database in WAL mode with no
 * automatic checkpoint, which then ends without closing it: the WAL stays,
 * as after a crash. */
static void crash_leaving_wal(int (*work)(sqlite3 *db))
{
	pid_t pid = fork();
	if (pid == 0) {
		sqlite3 *db;
		if (open_db(&db, true, key) != SQLITE_OK ||
		    sqlite3_exec(db, "PRAGMA journal_mode = WAL; PRAGMA wal_autocheckpoint = 0;",
		                 NULL, NULL, NULL) != SQLITE_OK ||
		    sqlite3_exec(db, schema, NULL, NULL, NULL) != SQLITE_OK || work(db))
			_exit(1);
		_exit(0);
	}
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_int_equal(status, 0);
}

static int two_batches(sqlite3 *db)
{
	return insert_rows(db, 50) || insert_rows(db, 50);
}

static void test_torn_wal_frame_ends_the_log(void **state)
{
	crash_leaving_wal(two_batches);

	char wal[128];
	snprintf(wal, sizeof wal, "%s-wal", db_path);
	int fd = open(wal, O_RDWR);
	assert_true(fd >= 0);
	long fsz = TG_CRYPTVFS_PAGE_SIZE + 24, n = (lseek(fd, 0, SEEK_END) - 32) / fsz;
	assert_true(n > 2);
	uint8_t last[4], other[4], img[TG_CRYPTVFS_PAGE_SIZE];
	assert_int_equal(pread(fd, last, 4, 32 + (n - 1) * fsz), 4);
	long j = 0;
	do
		assert_int_equal(pread(fd, other, 4, 32 + j * fsz), 4);
	while (!memcmp(other, last, 4) && ++j < n - 1);
	assert_int_equal(pread(fd, img, sizeof img, 32 + j * fsz + 24), (ssize_t)sizeof img);
	assert_int_equal(pwrite(fd, img, sizeof img, 32 + (n - 1) * fsz + 24), (ssize_t)sizeof img);
	close(fd);

	sqlite3 *db;
	assert_int_equal(open_db(&db, true, key), SQLITE_OK);
	assert_int_equal(one_int(db, "SELECT count(*) FROM t"), 50);
	assert_integrity_ok(db);
	tg_cryptvfs_fault ft;
	assert_true(tg_cryptvfs_last_fault(db_path, &ft));
	assert_int_equal(ft.kind, TG_CRYPTVFS_TORN_FRAME);
	assert_int_equal(ft.role, TG_CRYPTVFS_WAL);
	sqlite3_close(db);
}

/* A crash while a checkpoint writes page 1 leaves its second half old:
 * page 1 of the file fails authentication while the log still holds it
 * whole.  The database must open from the log, and the next checkpoint
 * repairs the file.  Without the log, the damaged page is refused. */
/* Rows checkpointed into the file, then more that grow page 1 in the log
 * only. */
static int grow_page_1_in_the_log(sqlite3 *db)
{
	return insert_rows(db, 50) ||
	       sqlite3_exec(db, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL) != SQLITE_OK ||
	       insert_rows(db, 150);
}

static void test_torn_page_1_is_read_from_the_log(void **state)
{
	crash_leaving_wal(grow_page_1_in_the_log);

	/* The torn write: the first half of a new page 1, the rest old. */
	int fd = open(db_path, O_RDWR);
	assert_true(fd >= 0);
	uint8_t half[TG_CRYPTVFS_PAGE_SIZE / 2];
	randombytes_buf(half, sizeof half);
	assert_int_equal(pwrite(fd, half, sizeof half, TG_CRYPTVFS_PAGE_SIZE / 2),
	                 (ssize_t)sizeof half);
	close(fd);

	sqlite3 *db;
	assert_int_equal(open_db(&db, true, key), SQLITE_OK);
	assert_int_equal(one_int(db, "SELECT count(*) FROM t"), 200);
	assert_integrity_ok(db);
	tg_cryptvfs_fault ft;
	assert_true(tg_cryptvfs_last_fault(db_path, &ft));
	assert_int_equal(ft.kind, TG_CRYPTVFS_TORN_HEADER);
	assert_int_equal(ft.pgno, 1);
	sqlite3_close(db); /* the checkpoint at close rewrites page 1 */

	char wal[128];
	snprintf(wal, sizeof wal, "%s-wal", db_path);
	assert_int_not_equal(access(wal, F_OK), 0);
	tg_cryptvfs_forget_key(db_path);
	assert_int_equal(open_db(&db, true, key), SQLITE_OK);
	assert_int_equal(one_int(db, "SELECT count(*) FROM t"), 200);
	assert_integrity_ok(db);
	assert_false(tg_cryptvfs_last_fault(db_path, &ft));
	sqlite3_close(db);

	/* With no log to read it from, a damaged page 1 is refused. */
	flip_byte(TG_CRYPTVFS_PAGE_SIZE - 100);
	tg_cryptvfs_forget_key(db_path);
	int rc = open_db(&db, true, key);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(db, "SELECT count(*) FROM t", NULL, NULL, NULL) == SQLITE_OK
		             ? SQLITE_OK
		             : sqlite3_extended_errcode(db);
	assert_int_equal(rc, SQLITE_IOERR_AUTH);
	assert_true(tg_cryptvfs_last_fault(db_path, &ft));
	assert_int_equal(ft.kind, TG_CRYPTVFS_AUTH);
	assert_int_equal(ft.pgno, 1);
	sqlite3_close(db);
}

/* Without powersafe overwrite SQLite would split page writes at sector
 * boundaries: the open is refused. */
static void test_no_powersafe_overwrite_is_refused(void **state)
{
	assert_int_equal(tg_cryptvfs_set_key(db_path, key, NULL), TG_OK);
	char uri[160];
	snprintf(uri, sizeof uri, "file:%s?psow=0", db_path);
	sqlite3 *db;
	int rc = sqlite3_open_v2(uri, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
	                                           SQLITE_OPEN_URI,
	                         TG_CRYPTVFS_NAME);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(db, "CREATE TABLE t(x)", NULL, NULL, NULL);
	assert_int_equal(rc, SQLITE_CANTOPEN);
	tg_cryptvfs_fault ft;
	assert_true(tg_cryptvfs_last_fault(db_path, &ft));
	assert_int_equal(ft.kind, TG_CRYPTVFS_NO_PSOW);
	tg_error err = {0};
	assert_int_equal(tg_cryptvfs_error(db_path, rc, &err), TG_EDB);
	sqlite3_close(db);
}

/* The child of a crash round: commits BATCH rows at a time and reports
 * the committed count after each COMMIT, until killed. */
static void crash_child(bool encrypted, const char *mode, int fd)
{
	sqlite3 *db;
	char sql[128];
	if (open_db(&db, encrypted, key) != SQLITE_OK)
		_exit(3);
	snprintf(sql, sizeof sql, "PRAGMA journal_mode = %s; PRAGMA synchronous = FULL;", mode);
	if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
		_exit(4);
	sqlite3_stmt *s;
	sqlite3_prepare_v2(db, "SELECT count(*) FROM t", -1, &s, NULL);
	if (sqlite3_step(s) != SQLITE_ROW)
		_exit(5);
	int64_t n = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	for (int i = 0;; i++) {
		if (insert_rows(db, BATCH))
			_exit(6);
		n += BATCH;
		if (write(fd, &n, sizeof n) != (ssize_t)sizeof n)
			_exit(7);
		if (i % 8 == 7 && sqlite3_exec(db, "UPDATE t SET body = body || '.' WHERE id % 5 = 0",
		                               NULL, NULL, NULL) != SQLITE_OK)
			_exit(8);
	}
}

/* Kills a writing child `rounds` times at random points; after each kill
 * checks the files for the canary, then reopens and checks the database.
 * Returns the canary hits summed over the rounds. */
static size_t crash_rounds(bool encrypted, const char *mode, int rounds)
{
	sqlite3 *db;
	assert_int_equal(open_db(&db, encrypted, key), SQLITE_OK);
	exec(db, schema);
	sqlite3_close(db);
	size_t hits = 0;
	int64_t committed = 0;
	int recovered = 0; /* kills that left a hot journal or a WAL to replay */
	for (int r = 0; r < rounds; r++) {
		int p[2];
		assert_int_equal(pipe(p), 0);
		pid_t pid = fork();
		assert_true(pid >= 0);
		if (pid == 0) {
			close(p[0]);
			crash_child(encrypted, mode, p[1]);
		}
		close(p[1]);
		struct timespec ts = {0, (long)(10 + randombytes_uniform(90)) * 1000000L};
		nanosleep(&ts, NULL);
		kill(pid, SIGKILL);
		int status;
		assert_int_equal(waitpid(pid, &status, 0), pid);
		if (!WIFSIGNALED(status))
			fail_msg("crash child exited early with status %d", WEXITSTATUS(status));
		int64_t v;
		while (read(p[0], &v, sizeof v) == (ssize_t)sizeof v)
			committed = v;
		close(p[0]);
		hits += canary_hits();
		recovered += exists("-journal") || exists("-wal");

		assert_int_equal(open_db(&db, encrypted, key), SQLITE_OK);
		assert_integrity_ok(db);
		int64_t n = one_int(db, "SELECT count(*) FROM t");
		if (n < committed || n > committed + BATCH || n % BATCH)
			fail_msg("round %d: %lld rows after the kill, %lld reported committed", r,
			         (long long)n, (long long)committed);
		assert_int_equal(one_int(db, "SELECT count(*) FROM f"), n);
		committed = n;
		sqlite3_close(db);
		hits += canary_hits();
	}
	print_message("journal_mode=%s, %s: %d kills (%d left a journal or WAL), %lld rows, "
	              "canary hits %zu\n",
	              mode, encrypted ? "encrypted" : "plain", rounds, recovered,
	              (long long)committed, hits);
	return hits;
}

static void test_kill9_wal(void **state)
{
	assert_int_equal(crash_rounds(true, "WAL", 20), 0);
}

static void test_kill9_rollback_journal(void **state)
{
	assert_int_equal(crash_rounds(true, "DELETE", 20), 0);
}

static void test_kill9_without_vfs_leaves_canary(void **state)
{
	assert_true(crash_rounds(false, "WAL", 3) > 0);
}

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_no_canary_on_disk_in_any_journal_mode, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(test_reopen_with_key_reads_everything, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wrong_key_fails_cleanly, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tampered_page_is_reported, setup, teardown),
		cmocka_unit_test_setup_teardown(test_temp_files_are_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unexpected_writes_are_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_powersafe_overwrite_is_refused, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(test_torn_wal_frame_ends_the_log, setup, teardown),
		cmocka_unit_test_setup_teardown(test_torn_page_1_is_read_from_the_log, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(test_kill9_wal, setup, teardown),
		cmocka_unit_test_setup_teardown(test_kill9_rollback_journal, setup, teardown),
		cmocka_unit_test_setup_teardown(test_kill9_without_vfs_leaves_canary, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
