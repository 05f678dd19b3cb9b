/*
 * The key hierarchy: key file, unlock, recovery code, passphrase change,
 * the Argon2id floor, tampering, quick-delete, the passphrase policy and
 * reading passphrases.  Runs with TERGEU_TEST_WEAK_KDF=1 (INTERACTIVE
 * parameters) to stay fast; one test checks the production floor.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <fcntl.h>
#include <pty.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "store/cryptvfs.h"
#include "store/keys.h"

#define PASS "tulip river anvil 1987"
#define PASS2 "seven quiet herons at dusk"
#define KEYFILE_SIZE 240

static char dir[64], db_path[96], key_path[128];
static char *common;

static int setup(void **state)
{
	snprintf(dir, sizeof dir, "/tmp/tg-keys-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(db_path, sizeof db_path, "%s/db.sqlite", dir);
	char *kp = tg_keys_path(db_path);
	snprintf(key_path, sizeof key_path, "%s", kp);
	free(kp);
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static size_t slurp(const char *path, uint8_t *buf, size_t cap)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return 0;
	size_t n = fread(buf, 1, cap, f);
	fclose(f);
	return n;
}

static void spit(const char *path, const uint8_t *buf, size_t n)
{
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(buf, 1, n, f), n);
	fclose(f);
}

static tg_keys *create(bool recovery, char **code)
{
	tg_keys *k = NULL;
	tg_error err = {0};
	int rc = tg_keys_create(key_path, PASS, common, recovery ? code : NULL, &k, &err);
	if (rc)
		fail_msg("create: %s", err.msg);
	return k;
}

static void assert_same_keys(const tg_keys *a, const tg_keys *b)
{
	uint8_t x[32], y[32];
	tg_keys_fingerprint(a, x);
	tg_keys_fingerprint(b, y);
	assert_memory_equal(x, y, 16);
	tg_keys_derive(a, TG_KEY_DB, x);
	tg_keys_derive(b, TG_KEY_DB, y);
	assert_memory_equal(x, y, 32);
}

static void test_wrong_passphrase_changes_nothing(void **state)
{
	tg_keys *k = create(false, NULL), *k2 = NULL;
	uint8_t before[512], after[512];
	size_t n = slurp(key_path, before, sizeof before);
	assert_int_equal(n, KEYFILE_SIZE);
	struct stat st;
	assert_int_equal(stat(key_path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);

	tg_error err = {0};
	for (int i = 0; i < 3; i++) {
		assert_int_equal(tg_keys_unlock(key_path, "tulip river anvil 1988", &k2, &err),
		                 TG_EKEYS_WRONG);
		assert_null(k2);
		assert_string_equal(err.msg, "wrong passphrase");
	}
	assert_int_equal(slurp(key_path, after, sizeof after), n);
	assert_memory_equal(before, after, n);

	assert_int_equal(tg_keys_unlock(key_path, PASS, &k2, &err), TG_OK);
	assert_same_keys(k, k2);
	assert_int_equal(tg_keys_create(key_path, PASS, common, NULL, NULL, &err), TG_EEXIST);
	tg_keys_free(k);
	tg_keys_free(k2);
	tg_keys_free(NULL);
}

static void test_subkeys_differ_by_use(void **state)
{
	tg_keys *k = create(false, NULL);
	uint8_t a[32], b[32];
	for (int u = TG_KEY_DB; u <= TG_KEY_BACKUP; u++) {
		tg_keys_derive(k, (enum tg_key_use)u, a);
		tg_keys_derive(k, (enum tg_key_use)u, b);
		assert_memory_equal(a, b, 32);
		for (int v = TG_KEY_DB; v < u; v++) {
			tg_keys_derive(k, (enum tg_key_use)v, b);
			assert_memory_not_equal(a, b, 32);
		}
	}
	tg_keys_free(k);
}

static void test_recovery_code_unlocks(void **state)
{
	char *code = NULL;
	tg_keys *k = create(true, &code), *k2 = NULL;
	assert_non_null(code);
	assert_int_equal(strlen(code), 69); /* 14 groups of 4, dashes between */
	tg_error err = {0};
	assert_int_equal(tg_keys_unlock_recovery(key_path, code, &k2, &err), TG_OK);
	assert_same_keys(k, k2);
	tg_keys_free(k2);

	/* Lower case, spaces instead of dashes, O for 0: still the code. */
	char loose[80];
	size_t j = 0;
	for (const char *p = code; *p; p++)
		loose[j++] = *p == '-' ? ' ' : *p == '0' ? 'o' : (char)(*p | 0x20);
	loose[j] = '\0';
	assert_int_equal(tg_keys_unlock_recovery(key_path, loose, &k2, &err), TG_OK);
	tg_keys_free(k2);

	char typo[80];
	strcpy(typo, code);
	typo[0] = typo[0] == 'A' ? 'B' : 'A';
	assert_int_equal(tg_keys_unlock_recovery(key_path, typo, &k2, &err), TG_EINVAL);
	assert_int_equal(tg_keys_unlock_recovery(key_path, "ABCD-EFGH", &k2, &err), TG_EINVAL);
	tg_keys_secret_free(code);
	tg_keys_free(k);

	/* A key file made without one has no recovery slot. */
	unlink(key_path);
	k = create(false, NULL);
	assert_int_equal(tg_keys_unlock_recovery(key_path, loose, &k2, &err), TG_EINVAL);
	tg_keys_free(k);
}

/* Writes rows into an encrypted database under k's database key. */
static int64_t db_rows(const tg_keys *k, int add)
{
	uint8_t dbkey[32];
	tg_keys_derive(k, TG_KEY_DB, dbkey);
	assert_int_equal(tg_cryptvfs_set_key(db_path, dbkey, NULL), TG_OK);
	sodium_memzero(dbkey, sizeof dbkey);
	sqlite3 *db;
	assert_int_equal(sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
	                                 TG_CRYPTVFS_NAME),
	                 SQLITE_OK);
	char sql[256];
	snprintf(sql, sizeof sql, "PRAGMA temp_store = MEMORY; CREATE TABLE IF NOT EXISTS t(x);"
	                          "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n "
	                          "WHERE i < %d) INSERT INTO t SELECT i FROM n", add);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_stmt *s;
	sqlite3_prepare_v2(db, "SELECT count(*) FROM t", -1, &s, NULL);
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	int64_t n = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	sqlite3_close(db);
	tg_cryptvfs_forget_key(db_path);
	return n;
}

static void test_change_passphrase_keeps_master_key(void **state)
{
	char *code = NULL;
	tg_keys *k = create(true, &code), *k2 = NULL;
	assert_int_equal(db_rows(k, 100), 100);
	tg_error err = {0};
	assert_int_equal(tg_keys_change_passphrase(key_path, k, "password1234", common, &err),
	                 TG_EINVAL);
	assert_int_equal(tg_keys_change_passphrase(key_path, k, PASS2, common, &err), TG_OK);
	tg_keys_free(k);

	assert_int_equal(tg_keys_unlock(key_path, PASS, &k2, &err), TG_EKEYS_WRONG);
	assert_int_equal(tg_keys_unlock(key_path, PASS2, &k2, &err), TG_OK);
	assert_int_equal(db_rows(k2, 1), 101);
	tg_keys_free(k2);
	assert_int_equal(tg_keys_unlock_recovery(key_path, code, &k2, &err), TG_OK);
	assert_int_equal(db_rows(k2, 1), 102);

	/* Keys of another key file cannot be written into this one. */
	char other[160];
	snprintf(other, sizeof other, "%s/other.key", dir);
	tg_keys *k3;
	assert_int_equal(tg_keys_create(other, PASS, common, NULL, &k3, &err), TG_OK);
	assert_int_equal(tg_keys_change_passphrase(key_path, k3, PASS, common, &err), TG_EINVAL);
	tg_keys_free(k3);
	tg_keys_free(k2);
	tg_keys_secret_free(code);

	/* No temporary file is left beside the key file. */
	char cmd[200];
	snprintf(cmd, sizeof cmd, "ls '%s' | grep -q tmp", dir);
	assert_int_not_equal(system(cmd), 0);
}

static void put_be64(uint8_t *p, uint64_t v)
{
	for (int i = 7; i >= 0; i--, v >>= 8)
		p[i] = (uint8_t)v;
}

static void rewrite(const uint8_t *f, int field, uint64_t value, bool fix_sum)
{
	uint8_t g[KEYFILE_SIZE];
	memcpy(g, f, sizeof g);
	put_be64(g + field, value);
	if (fix_sum)
		crypto_generichash(g + 208, 32, g, 208, NULL, 0);
	spit(key_path, g, sizeof g);
}

static void test_weak_parameters_are_refused(void **state)
{
	tg_keys *k = create(false, NULL), *k2 = NULL;
	tg_keys_free(k);
	uint8_t f[KEYFILE_SIZE];
	assert_int_equal(slurp(key_path, f, sizeof f), KEYFILE_SIZE);
	tg_error err = {0};
	rewrite(f, 16, 1, true); /* ops below the floor */
	assert_int_equal(tg_keys_unlock(key_path, PASS, &k2, &err), TG_EINTEGRITY);
	assert_non_null(strstr(err.msg, "Argon2id"));
	rewrite(f, 24, 8u << 20, true); /* 8 MiB */
	assert_int_equal(tg_keys_unlock(key_path, PASS, &k2, &err), TG_EINTEGRITY);
	rewrite(f, 24, 1ULL << 40, true); /* 1 TiB: refused, not attempted */
	assert_int_equal(tg_keys_unlock(key_path, PASS, &k2, &err), TG_EINTEGRITY);

	/* The production floor (MODERATE) refuses this test's INTERACTIVE file. */
	spit(key_path, f, sizeof f);
	unsetenv("TERGEU_TEST_WEAK_KDF");
	int rc = tg_keys_unlock(key_path, PASS, &k2, &err);
	setenv("TERGEU_TEST_WEAK_KDF", "1", 1);
	assert_int_equal(rc, TG_EINTEGRITY);
	assert_int_equal(tg_keys_unlock(key_path, PASS, &k2, &err), TG_OK);
	tg_keys_free(k2);
}

static void test_tampered_key_file_is_refused(void **state)
{
	tg_keys *k = create(true, NULL), *k2 = NULL;
	tg_keys_free(k);
	uint8_t f[KEYFILE_SIZE], g[KEYFILE_SIZE];
	assert_int_equal(slurp(key_path, f, sizeof f), KEYFILE_SIZE);
	tg_error err = {0};
	for (size_t i = 0; i < KEYFILE_SIZE; i += 7) {
		memcpy(g, f, sizeof g);
		g[i] ^= 0x01;
		spit(key_path, g, sizeof g);
		assert_int_equal(tg_keys_unlock(key_path, PASS, &k2, &err), TG_EINTEGRITY);
	}
	/* With the checksum fixed, the AEAD still catches a changed salt or
	 * sealed key. */
	for (size_t i = 32; i < 136; i += 13) {
		memcpy(g, f, sizeof g);
		g[i] ^= 0x01;
		crypto_generichash(g + 208, 32, g, 208, NULL, 0);
		spit(key_path, g, sizeof g);
		int rc = tg_keys_unlock(key_path, PASS, &k2, &err);
		assert_true(rc == TG_EKEYS_WRONG || rc == TG_EINTEGRITY);
		assert_null(k2);
	}
	spit(key_path, f, 100);
	assert_int_equal(tg_keys_unlock(key_path, PASS, &k2, &err), TG_EINTEGRITY);
	assert_int_equal(tg_keys_unlock(db_path, PASS, &k2, &err), TG_ENOTFOUND);
}

static void test_quick_delete_destroys_the_key(void **state)
{
	tg_keys *k = create(true, NULL);
	assert_int_equal(db_rows(k, 1000), 1000);
	/* A large database: quick-delete does not depend on its size. */
	int fd = open(db_path, O_WRONLY | O_APPEND);
	static uint8_t junk[1 << 20];
	for (int i = 0; i < 64; i++)
		assert_int_equal(write(fd, junk, sizeof junk), (ssize_t)sizeof junk);
	close(fd);

	struct timespec a, b;
	tg_error err = {0};
	clock_gettime(CLOCK_MONOTONIC, &a);
	assert_int_equal(tg_keys_quick_delete(key_path, db_path, &k, &err), TG_OK);
	clock_gettime(CLOCK_MONOTONIC, &b);
	double s = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
	print_message("quick-delete of a 64 MiB store: %.3f s\n", s);
	assert_true(s < 2.0);
	assert_null(k);
	assert_int_not_equal(access(key_path, F_OK), 0);
	assert_int_not_equal(access(db_path, F_OK), 0);
	assert_int_equal(tg_keys_unlock(key_path, PASS, &k, &err), TG_ENOTFOUND);
	assert_null(k);
	/* Nothing is left to find. */
	char cmd[128];
	snprintf(cmd, sizeof cmd, "test -z \"$(ls -A '%s')\"", dir);
	assert_int_equal(system(cmd), 0);
}

static void test_passphrase_policy(void **state)
{
	static const char *bad[] = {
		"password", "short", "", "passwordpassword", "Password1234!", "QWERTYUIOP1234",
		"aaaaaaaaaaaaaaaa", "abcabcabcabc", "abababababababab", "correct horse battery staple",
		"парольпароль", "qandyqantar2022",
	};
	static const char *good[] = {PASS, PASS2, "Жазғы таң, үш қарға ұшты", "x7#Lq9!mT2@vB4"};
	tg_error err = {0};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		if (tg_keys_check_passphrase(bad[i], common, &err) != TG_EINVAL)
			fail_msg("accepted: %s", bad[i]);
		assert_string_equal(err.path, "passphrase");
	}
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
		if (tg_keys_check_passphrase(good[i], common, &err))
			fail_msg("refused: %s (%s)", good[i], err.msg);
	/* Every listed entry long enough to pass the length rule is refused. */
	int n = 0;
	for (const char *line = common; *line; n++) {
		const char *end = strchr(line, '\n');
		char one[128];
		snprintf(one, sizeof one, "%.*s", (int)(end ? end - line : (long)strlen(line)), line);
		if (*one != '#' && tg_keys_check_passphrase(one, common, &err) != TG_EINVAL)
			fail_msg("listed but accepted: %s", one);
		line = end ? end + 1 : line + strlen(line);
	}
	assert_true(n > 500);
	/* Refused at set time: nothing written. */
	assert_int_equal(tg_keys_create(key_path, "password", common, NULL, NULL, &err), TG_EINVAL);
	assert_int_not_equal(access(key_path, F_OK), 0);
}

static void test_read_passphrase_from_fd_and_file(void **state)
{
	int p[2];
	assert_int_equal(pipe(p), 0);
	assert_int_equal(write(p[1], "first line\r\nrest", 16), 16);
	close(p[1]);
	char *s = NULL;
	tg_error err = {0};
	assert_int_equal(tg_keys_read_passphrase(p[0], NULL, &s, &err), TG_OK);
	assert_string_equal(s, "first line");
	tg_keys_secret_free(s);
	char rest[8] = {0};
	assert_int_equal(read(p[0], rest, sizeof rest), 4); /* nothing read past the line */
	close(p[0]);

	char file[160];
	snprintf(file, sizeof file, "%s/pass", dir);
	spit(file, (const uint8_t *)PASS "\n", strlen(PASS) + 1);
	setenv("TERGEU_PASSPHRASE_FILE", file, 1);
	assert_int_equal(tg_keys_read_passphrase(-1, NULL, &s, &err), TG_OK);
	assert_string_equal(s, PASS);
	tg_keys_secret_free(s);
	spit(file, (const uint8_t *)"\n", 1);
	assert_int_equal(tg_keys_read_passphrase(-1, NULL, &s, &err), TG_EINVAL);
	assert_null(s);
	unsetenv("TERGEU_PASSPHRASE_FILE");
}

/* On a terminal: the prompt appears, the passphrase is not echoed. */
static void test_read_passphrase_from_terminal(void **state)
{
	int master;
	pid_t pid = forkpty(&master, NULL, NULL, NULL);
	assert_true(pid >= 0);
	if (pid == 0) {
		char *s = NULL;
		int rc = tg_keys_read_passphrase(-1, "Passphrase: ", &s, NULL);
		_exit(rc == TG_OK && !strcmp(s, PASS) ? 0 : 1);
	}
	char out[512];
	size_t n = 0;
	while (n < 12) {
		ssize_t r = read(master, out + n, sizeof out - 1 - n);
		assert_true(r > 0);
		n += (size_t)r;
	}
	assert_int_equal(write(master, PASS "\n", strlen(PASS) + 1), (ssize_t)strlen(PASS) + 1);
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	for (ssize_t r; (r = read(master, out + n, sizeof out - 1 - n)) > 0;)
		n += (size_t)r;
	out[n] = '\0';
	close(master);
	assert_int_equal(status, 0);
	assert_non_null(strstr(out, "Passphrase: "));
	assert_null(strstr(out, "tulip"));

	/* Without a terminal, and nothing else: a usage error, not a hang. */
	pid = fork();
	if (pid == 0) {
		setsid();
		char *s = NULL;
		_exit(tg_keys_read_passphrase(-1, "x", &s, NULL) == TG_EUSAGE ? 0 : 1);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_int_equal(status, 0);
}

static void test_harden_process(void **state)
{
	pid_t pid = fork();
	if (pid == 0) {
		struct rlimit rl;
		bool ok = tg_keys_harden_process(NULL) == TG_OK && prctl(PR_GET_DUMPABLE) == 0 &&
		          getrlimit(RLIMIT_CORE, &rl) == 0 && rl.rlim_cur == 0 && rl.rlim_max == 0;
		_exit(ok ? 0 : 1);
	}
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_int_equal(status, 0);
}

int main(void)
{
	setenv("TERGEU_TEST", "1", 1);
	setenv("TERGEU_TEST_WEAK_KDF", "1", 1);
	unsetenv("TERGEU_PASSPHRASE_FILE");
	size_t len;
	tg_error err = {0};
	if (tg_read_file(TG_SOURCE_ROOT "/data/common-passwords.txt", &common, &len, &err)) {
		fprintf(stderr, "%s\n", err.msg);
		return 1;
	}
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_wrong_passphrase_changes_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_subkeys_differ_by_use, setup, teardown),
		cmocka_unit_test_setup_teardown(test_recovery_code_unlocks, setup, teardown),
		cmocka_unit_test_setup_teardown(test_change_passphrase_keeps_master_key, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(test_weak_parameters_are_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tampered_key_file_is_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_quick_delete_destroys_the_key, setup, teardown),
		cmocka_unit_test_setup_teardown(test_passphrase_policy, setup, teardown),
		cmocka_unit_test_setup_teardown(test_read_passphrase_from_fd_and_file, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(test_read_passphrase_from_terminal, setup, teardown),
		cmocka_unit_test_setup_teardown(test_harden_process, setup, teardown),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	free(common);
	return rc;
}
