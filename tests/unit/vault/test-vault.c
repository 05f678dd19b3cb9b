/* The blob layer of the vault: round trips, what a blob hides, and that
 * every kind of damage (flipped byte, lost chunk, lost byte, other key,
 * other id) is caught and names the blob.  Files live in a directory under
 * the working directory (the build tree), never in /tmp. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "vault/vault.h"

/* Format constants, as docs/vault.md states them. */
enum { CHUNK = 1 << 20, HEADER = 25, ABYTES = 17, PAD = 4096 };

struct fixture {
	char root[64];
	char blobs[96];
	uint8_t key[TG_VAULT_KEY_LEN];
	tg_vault *v;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	assert_non_null(f);
	assert_true(sodium_init() >= 0);
	snprintf(f->root, sizeof f->root, "vault-test-XXXXXX");
	assert_non_null(mkdtemp(f->root));
	snprintf(f->blobs, sizeof f->blobs, "%s/blobs", f->root);
	randombytes_buf(f->key, sizeof f->key);
	tg_error err = {0};
	assert_int_equal(tg_vault_open(f->blobs, f->key, &f->v, &err), TG_OK);
	*state = f;
	return 0;
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(path);
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	tg_vault_close(f->v);
	nftw(f->root, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	free(f);
	return 0;
}

static void write_file(const char *path, const uint8_t *buf, size_t len)
{
	FILE *fp = fopen(path, "wb");
	assert_non_null(fp);
	assert_int_equal(fwrite(buf, 1, len, fp), len);
	assert_int_equal(fclose(fp), 0);
}

/* The whole file, or NULL when it does not exist. */
static uint8_t *read_whole(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	if (!fp)
		return NULL;
	struct stat st;
	assert_int_equal(fstat(fileno(fp), &st), 0);
	*len = (size_t)st.st_size;
	uint8_t *buf = malloc(*len + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, *len, fp), *len);
	fclose(fp);
	return buf;
}

static void path_in(const struct fixture *f, const char *name, char *out, size_t n)
{
	snprintf(out, n, "%s/%s", f->root, name);
}

static void blob_path(const struct fixture *f, const char *id, char *out, size_t n)
{
	snprintf(out, n, "%s/%s", f->blobs, id);
}

static uint64_t file_size(const char *path)
{
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	return (uint64_t)st.st_size;
}

/* Seals len random bytes (or buf when not NULL) and returns the blob. */
static tg_vault_blob put_bytes(struct fixture *f, const uint8_t *buf, size_t len)
{
	char src[128];
	path_in(f, "src", src, sizeof src);
	uint8_t *rnd = NULL;
	if (!buf) {
		rnd = malloc(len + 1);
		randombytes_buf(rnd, len);
		buf = rnd;
	}
	write_file(src, buf, len);
	tg_vault_blob b;
	tg_error err = {0};
	assert_int_equal(tg_vault_put(f->v, src, &b, NULL, NULL, &err), TG_OK);
	free(rnd);
	return b;
}

static void assert_integrity_error(int rc, const tg_error *err, const char *id)
{
	assert_int_equal(rc, TG_EINTEGRITY);
	assert_int_equal(err->code, TG_EINTEGRITY);
	assert_string_equal(err->path, id);
	assert_non_null(strstr(err->msg, id));
}

/* get and verify both refuse the blob, naming it, and get leaves no file. */
static void assert_blob_refused(struct fixture *f, const tg_vault_blob *b)
{
	char dst[128];
	path_in(f, "refused", dst, sizeof dst);
	tg_error err = {0};
	assert_integrity_error(tg_vault_get(f->v, b->id, dst, NULL, &err), &err, b->id);
	assert_int_equal(access(dst, F_OK), -1);
	tg_error_clear(&err);
	assert_integrity_error(tg_vault_verify(f->v, b->id, b->sha256, &err), &err, b->id);
}

static void round_trip(struct fixture *f, size_t len)
{
	uint8_t *orig = malloc(len + 1);
	randombytes_buf(orig, len);
	uint8_t want[32];
	crypto_hash_sha256(want, orig, len);
	tg_vault_blob b = put_bytes(f, orig, len);
	assert_int_equal(b.size, len);
	assert_memory_equal(b.sha256, want, 32);
	char hex[65];
	sodium_bin2hex(hex, sizeof hex, want, 32);
	assert_string_equal(b.sha256_hex, hex);

	char dst[128];
	path_in(f, "out", dst, sizeof dst);
	uint8_t got_sha[32];
	tg_error err = {0};
	assert_int_equal(tg_vault_get(f->v, b.id, dst, got_sha, &err), TG_OK);
	assert_memory_equal(got_sha, want, 32);
	size_t got_len;
	uint8_t *got = read_whole(dst, &got_len);
	assert_non_null(got);
	assert_int_equal(got_len, len);
	if (len)
		assert_memory_equal(got, orig, len);
	assert_int_equal(tg_vault_verify(f->v, b.id, want, &err), TG_OK);
	free(got);
	free(orig);
}

static void test_round_trip_keeps_bytes_and_sha256_for_edge_sizes(void **state)
{
	const size_t sizes[] = {0, 1, PAD - 1, PAD, CHUNK - 1, CHUNK, CHUNK + 1,
	                        5 * CHUNK + 12345};
	for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++)
		round_trip(*state, sizes[i]);
}

static void test_blob_hides_canary_and_magic_bytes(void **state)
{
	struct fixture *f = *state;
	char canary[64];
	uint8_t r[8];
	randombytes_buf(r, sizeof r);
	snprintf(canary, sizeof canary, "Victim-Name-ZXQ-%02x%02x%02x%02x%02x%02x%02x%02x", r[0],
	         r[1], r[2], r[3], r[4], r[5], r[6], r[7]);
	size_t len = 2 * CHUNK + 777, clen = strlen(canary);
	uint8_t *buf = calloc(1, len);
	const uint8_t jpeg[] = {0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 'J', 'F', 'I', 'F', 0};
	memcpy(buf, jpeg, sizeof jpeg);
	for (size_t at = sizeof jpeg; at + clen < len; at += 100 * 1000)
		memcpy(buf + at, canary, clen);
	memcpy(buf + len - clen, canary, clen);
	tg_vault_blob b = put_bytes(f, buf, len);

	char path[160];
	blob_path(f, b.id, path, sizeof path);
	size_t blen;
	uint8_t *blob = read_whole(path, &blen);
	assert_non_null(blob);
	assert_null(memmem(blob, blen, canary, clen));
	assert_memory_not_equal(blob, jpeg, 4);
	free(blob);
	free(buf);
}

static void test_flipped_byte_in_the_middle_fails_get_and_verify(void **state)
{
	struct fixture *f = *state;
	tg_vault_blob b = put_bytes(f, NULL, 3 * CHUNK);
	char path[160];
	blob_path(f, b.id, path, sizeof path);
	FILE *fp = fopen(path, "r+b");
	long mid = (long)(file_size(path) / 2);
	fseek(fp, mid, SEEK_SET);
	int c = fgetc(fp);
	fseek(fp, mid, SEEK_SET);
	fputc(c ^ 0x01, fp);
	fclose(fp);
	assert_blob_refused(f, &b);
}

static void test_dropped_final_chunk_is_detected(void **state)
{
	struct fixture *f = *state;
	tg_vault_blob b = put_bytes(f, NULL, CHUNK + 1);
	char path[160];
	blob_path(f, b.id, path, sizeof path);
	assert_int_equal(file_size(path), HEADER + (CHUNK + ABYTES) + (PAD + ABYTES));
	assert_int_equal(truncate(path, HEADER + CHUNK + ABYTES), 0);
	assert_blob_refused(f, &b);

	tg_vault_blob small = put_bytes(f, NULL, 10);
	blob_path(f, small.id, path, sizeof path);
	assert_int_equal(truncate(path, HEADER), 0);
	assert_blob_refused(f, &small);
}

static void test_dropped_last_byte_is_detected(void **state)
{
	struct fixture *f = *state;
	tg_vault_blob b = put_bytes(f, NULL, CHUNK + 1);
	char path[160];
	blob_path(f, b.id, path, sizeof path);
	assert_int_equal(truncate(path, (off_t)file_size(path) - 1), 0);
	assert_blob_refused(f, &b);
}

static void test_appended_bytes_are_detected(void **state)
{
	struct fixture *f = *state;
	/* A short final chunk, and one padded to a full chunk, after which
	 * the extra byte is read on its own. */
	const size_t sizes[] = {5000, CHUNK - 10};
	for (size_t i = 0; i < 2; i++) {
		tg_vault_blob b = put_bytes(f, NULL, sizes[i]);
		char path[160];
		blob_path(f, b.id, path, sizeof path);
		FILE *fp = fopen(path, "ab");
		fputc('x', fp);
		fclose(fp);
		assert_blob_refused(f, &b);
	}
}

static void test_wrong_key_fails(void **state)
{
	struct fixture *f = *state;
	tg_vault_blob b = put_bytes(f, NULL, 2000);
	uint8_t other[TG_VAULT_KEY_LEN];
	memcpy(other, f->key, sizeof other);
	other[0] ^= 0x80;
	tg_vault *w;
	tg_error err = {0};
	assert_int_equal(tg_vault_open(f->blobs, other, &w, &err), TG_OK);
	assert_integrity_error(tg_vault_verify(w, b.id, b.sha256, &err), &err, b.id);
	tg_vault_close(w);
	assert_int_equal(tg_vault_verify(f->v, b.id, b.sha256, &err), TG_OK);
}

static void test_blob_moved_to_another_id_fails(void **state)
{
	struct fixture *f = *state;
	tg_vault_blob a = put_bytes(f, NULL, 3000), b = put_bytes(f, NULL, 3000);
	char pa[160], pb[160];
	blob_path(f, a.id, pa, sizeof pa);
	blob_path(f, b.id, pb, sizeof pb);
	assert_int_equal(rename(pa, pb), 0);
	assert_blob_refused(f, &b);
}

static void test_changed_version_byte_fails(void **state)
{
	struct fixture *f = *state;
	tg_vault_blob b = put_bytes(f, NULL, 100);
	char path[160];
	blob_path(f, b.id, path, sizeof path);
	FILE *fp = fopen(path, "r+b");
	fputc(2, fp);
	fclose(fp);
	assert_blob_refused(f, &b);
}

static void test_verify_reports_other_sha256_naming_blob(void **state)
{
	struct fixture *f = *state;
	tg_vault_blob b = put_bytes(f, NULL, 4321);
	uint8_t wrong[32];
	memcpy(wrong, b.sha256, 32);
	wrong[31] ^= 1;
	tg_error err = {0};
	assert_integrity_error(tg_vault_verify(f->v, b.id, wrong, &err), &err, b.id);
	assert_int_equal(tg_error_exit_status(TG_EINTEGRITY), 5);
	assert_string_equal(tg_error_name(TG_EINTEGRITY), "EINTEGRITY");
}

static void test_blob_names_are_32_random_hex_without_extension(void **state)
{
	struct fixture *f = *state;
	tg_vault_blob a = put_bytes(f, NULL, 10), b = put_bytes(f, NULL, 10);
	assert_string_not_equal(a.id, b.id);
	DIR *d = opendir(f->blobs);
	assert_non_null(d);
	int n = 0;
	for (struct dirent *e; (e = readdir(d));) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		assert_true(tg_vault_id_valid(e->d_name));
		assert_null(strchr(e->d_name, '.'));
		n++;
	}
	closedir(d);
	assert_true(n >= 2);
	assert_false(tg_vault_id_valid("0123456789abcdef0123456789ABCDEF"));
	assert_false(tg_vault_id_valid("0123456789abcdef0123456789abcde"));
	assert_false(tg_vault_id_valid("0123456789abcdef0123456789abcdef0"));
}

static void test_sizes_1000_and_1500_share_a_ciphertext_size(void **state)
{
	struct fixture *f = *state;
	tg_vault_blob a = put_bytes(f, NULL, 1000), b = put_bytes(f, NULL, 1500);
	tg_vault_blob c = put_bytes(f, NULL, CHUNK + 100), d = put_bytes(f, NULL, CHUNK + 4000);
	char pa[160], pb[160], pc[160], pd[160];
	blob_path(f, a.id, pa, sizeof pa);
	blob_path(f, b.id, pb, sizeof pb);
	blob_path(f, c.id, pc, sizeof pc);
	blob_path(f, d.id, pd, sizeof pd);
	assert_int_equal(file_size(pa), file_size(pb));
	assert_int_equal(file_size(pa), HEADER + PAD + ABYTES);
	assert_int_equal(file_size(pc), file_size(pd));
}

static void test_shred_removes_blob(void **state)
{
	struct fixture *f = *state;
	tg_vault_blob b = put_bytes(f, NULL, 70000);
	char path[160];
	blob_path(f, b.id, path, sizeof path);
	tg_error err = {0};
	assert_int_equal(tg_vault_shred(f->v, b.id, &err), TG_OK);
	assert_int_equal(access(path, F_OK), -1);
	assert_int_equal(tg_vault_verify(f->v, b.id, b.sha256, &err), TG_ENOTFOUND);
	assert_non_null(strstr(err.msg, b.id));
	assert_int_equal(tg_vault_shred(f->v, b.id, &err), TG_ENOTFOUND);
}

static void test_malformed_ids_are_rejected(void **state)
{
	struct fixture *f = *state;
	uint8_t sha[32] = {0};
	tg_error err = {0};
	const char *bad[] = {"../../etc/passwd", "", "0123456789abcdef0123456789abcdef/",
	                     "0123456789abcdef0123456789abcdeF"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(tg_vault_verify(f->v, bad[i], sha, &err), TG_EINVAL);
		assert_int_equal(tg_vault_get(f->v, bad[i], "x", NULL, &err), TG_EINVAL);
		assert_int_equal(tg_vault_shred(f->v, bad[i], &err), TG_EINVAL);
	}
}

static void test_open_creates_private_directory(void **state)
{
	struct fixture *f = *state;
	struct stat st;
	assert_int_equal(stat(f->blobs, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(st.st_mode & 0777, 0700);
	tg_vault_close(NULL);
}

static void progress(void *ctx, const char *what, uint64_t done, uint64_t total)
{
	uint64_t *last = ctx;
	assert_string_equal(what, "intake");
	assert_true(done >= last[0] && done <= total);
	last[0] = done;
	last[1]++;
}

static void test_progress_reports_every_byte(void **state)
{
	struct fixture *f = *state;
	char src[128];
	path_in(f, "src", src, sizeof src);
	size_t len = 2 * CHUNK + 5;
	uint8_t *buf = calloc(1, len);
	write_file(src, buf, len);
	uint64_t seen[2] = {0, 0};
	tg_vault_blob b;
	tg_error err = {0};
	assert_int_equal(tg_vault_put(f->v, src, &b, progress, seen, &err), TG_OK);
	assert_int_equal(seen[0], len);
	assert_int_equal(seen[1], 3);
	free(buf);
}

static void test_failed_get_leaves_destination_untouched(void **state)
{
	struct fixture *f = *state;
	tg_vault_blob b = put_bytes(f, NULL, CHUNK + 1);
	char path[160], dst[128];
	blob_path(f, b.id, path, sizeof path);
	assert_int_equal(truncate(path, HEADER + CHUNK + ABYTES), 0);
	path_in(f, "kept", dst, sizeof dst);
	write_file(dst, (const uint8_t *)"old", 3);
	tg_error err = {0};
	assert_int_equal(tg_vault_get(f->v, b.id, dst, NULL, &err), TG_EINTEGRITY);
	size_t len;
	uint8_t *got = read_whole(dst, &len);
	assert_int_equal(len, 3);
	assert_memory_equal(got, "old", 3);
	free(got);
	DIR *d = opendir(f->root);
	for (struct dirent *e; (e = readdir(d));)
		assert_null(strstr(e->d_name, ".tergeu-"));
	closedir(d);
}

static void test_missing_source_leaves_nothing_in_vault(void **state)
{
	struct fixture *f = *state;
	int blobs_before = 0;
	DIR *d = opendir(f->blobs);
	for (struct dirent *e; (e = readdir(d));)
		blobs_before++;
	closedir(d);
	char src[128];
	path_in(f, "no-such-file", src, sizeof src);
	tg_vault_blob b;
	tg_error err = {0};
	assert_int_equal(tg_vault_put(f->v, src, &b, NULL, NULL, &err), TG_EIO);
	assert_null(strstr(err.msg, "no-such-file"));
	int after = 0;
	d = opendir(f->blobs);
	for (struct dirent *e; (e = readdir(d));)
		after++;
	closedir(d);
	assert_int_equal(after, blobs_before);
}

struct listed {
	int blobs, temps;
	char temp_id[TG_VAULT_ID_LEN];
};

static int list_one(void *ctx, const tg_vault_file *file)
{
	struct listed *l = ctx;
	assert_true(tg_vault_id_valid(file->id));
	if (file->temp) {
		l->temps++;
		assert_string_equal(file->name + 4, file->id);
		memcpy(l->temp_id, file->id, TG_VAULT_ID_LEN);
	} else {
		l->blobs++;
		assert_string_equal(file->name, file->id);
	}
	assert_true(file->size > 0);
	return 0;
}

static void test_each_lists_blobs_and_temporary_files_only(void **state)
{
	struct fixture *f = *state;
	put_bytes(f, NULL, 100);
	put_bytes(f, NULL, 200);
	char p[160];
	static const char *const names[] = {"tmp-0123456789abcdef0123456789abcdef", "notes.txt",
	                                    "tmp-xyz", "0123456789ABCDEF0123456789ABCDEF"};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		snprintf(p, sizeof p, "%s/%s", f->blobs, names[i]);
		write_file(p, (const uint8_t *)"x", 1);
	}
	snprintf(p, sizeof p, "%s/fedcba9876543210fedcba9876543210", f->blobs);
	assert_int_equal(mkdir(p, 0700), 0); /* a directory is no blob */
	struct listed l = {0};
	tg_error err = {0};
	assert_int_equal(tg_vault_each(f->v, list_one, &l, &err), TG_OK);
	assert_int_equal(l.blobs, 2);
	assert_int_equal(l.temps, 1);
	assert_string_equal(l.temp_id, "0123456789abcdef0123456789abcdef");
	/* A temporary file is shredded by its entry, a foreign name never. */
	tg_vault_file tf = {.temp = true};
	snprintf(tf.name, sizeof tf.name, "tmp-%s", l.temp_id);
	assert_int_equal(tg_vault_shred_file(f->v, &tf, &err), TG_OK);
	snprintf(p, sizeof p, "%s/%s", f->blobs, tf.name);
	assert_int_equal(access(p, F_OK), -1);
	snprintf(tf.name, sizeof tf.name, "notes.txt");
	assert_int_equal(tg_vault_shred_file(f->v, &tf, &err), TG_EINVAL);
	rmdir(p);
}

static void test_exclusive_lock_waits_for_every_other_handle(void **state)
{
	struct fixture *f = *state;
	tg_vault *other;
	tg_error err = {0};
	assert_int_equal(tg_vault_open(f->blobs, f->key, &other, &err), TG_OK);
	assert_int_equal(tg_vault_lock_exclusive(f->v, &err), TG_EIO);
	assert_int_equal(tg_vault_lock_exclusive(other, &err), TG_EIO);
	tg_vault_close(other);
	assert_int_equal(tg_vault_lock_exclusive(f->v, &err), TG_OK);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
		T(test_round_trip_keeps_bytes_and_sha256_for_edge_sizes),
		T(test_blob_hides_canary_and_magic_bytes),
		T(test_flipped_byte_in_the_middle_fails_get_and_verify),
		T(test_dropped_final_chunk_is_detected),
		T(test_dropped_last_byte_is_detected),
		T(test_appended_bytes_are_detected),
		T(test_wrong_key_fails),
		T(test_blob_moved_to_another_id_fails),
		T(test_changed_version_byte_fails),
		T(test_verify_reports_other_sha256_naming_blob),
		T(test_blob_names_are_32_random_hex_without_extension),
		T(test_sizes_1000_and_1500_share_a_ciphertext_size),
		T(test_shred_removes_blob),
		T(test_malformed_ids_are_rejected),
		T(test_open_creates_private_directory),
		T(test_progress_reports_every_byte),
		T(test_failed_get_leaves_destination_untouched),
		T(test_missing_source_leaves_nothing_in_vault),
		T(test_each_lists_blobs_and_temporary_files_only),
		T(test_exclusive_lock_waits_for_every_other_handle),
#undef T
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
