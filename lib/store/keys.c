/*
 * The key file and the key hierarchy: create, unlock with the passphrase or
 * the recovery code, change the passphrase, derive subkeys, crypto-shred.
 *
 * Key file, version 1: 240 bytes, integers big-endian.
 *
 *     0   8  magic "tergeuky"
 *     8   1  version (1)
 *     9   1  flags: bit 0 = the recovery slot is filled
 *    10   1  KDF: 2 = crypto_pwhash_ALG_ARGON2ID13 (passed explicitly: in
 *            libsodium 1.0.18 the default primitive's name says "argon2i")
 *    11   5  zero
 *    16   8  Argon2id opslimit
 *    24   8  Argon2id memlimit, bytes
 *    32  16  salt
 *    48  16  key id: BLAKE2b-128 keyed with MK of "tergeu key id v1"
 *    64  24  nonce  \  passphrase slot: MK sealed with XChaCha20-Poly1305
 *    88  48  sealed /  under KEK = Argon2id(passphrase), AD = bytes 0..63
 *   136  24  nonce  \  recovery slot: MK sealed under BLAKE2b(key = RK,
 *   160  48  sealed /  "tergeu recovery v1"), AD = bytes 0..15 and 48..63
 *   208  32  BLAKE2b-256 of bytes 0..207: tells a damaged file from a
 *            wrong passphrase (an attacker can recompute it; the AEAD is
 *            what authenticates)
 *
 * The recovery slot's AD leaves out the salt and parameters, so a new
 * passphrase does not need the recovery code.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/cryptvfs.h"
#include "store/keys.h"

enum {
	KF_VERSION = 8, KF_FLAGS = 9, KF_ALG = 10, KF_OPS = 16, KF_MEM = 24, KF_SALT = 32,
	KF_ID = 48, KF_PW_NONCE = 64, KF_PW_BOX = 88, KF_RC_NONCE = 136, KF_RC_BOX = 160,
	KF_SUM = 208, KF_SIZE = 240,
};
#define KF_MAGIC "tergeuky"
#define BOX_LEN (TG_KEYS_KEY_LEN + crypto_aead_xchacha20poly1305_ietf_ABYTES)
#define FLAG_RECOVERY 1
#define MAX_OPS 64
#define MAX_MEM (4ULL << 30)
#define CODE_BYTES 35 /* 32 of RK and 3 check bytes: 56 base32 characters */
#define CODE_LEN (56 + 13)

_Static_assert(KF_PW_BOX - KF_PW_NONCE == crypto_aead_xchacha20poly1305_ietf_NPUBBYTES, "");
_Static_assert(KF_RC_NONCE - KF_PW_BOX == BOX_LEN, "");
_Static_assert(KF_ID - KF_SALT == crypto_pwhash_SALTBYTES, "");

struct tg_keys {
	uint8_t mk[TG_KEYS_KEY_LEN];
	uint8_t id[16];
};

/* Transient secrets of one operation, in guarded memory. */
struct secrets {
	uint8_t kek[TG_KEYS_KEY_LEN];
	uint8_t rk[CODE_BYTES];
	uint8_t wrap[TG_KEYS_KEY_LEN];
};

static const struct {
	char ctx[crypto_kdf_CONTEXTBYTES + 1];
	uint64_t id;
} uses[] = {
	[TG_KEY_DB] = {"tergeudb", 1},     [TG_KEY_VAULT] = {"tgvault_", 1},
	[TG_KEY_LEDGER] = {"tgledger", 1}, [TG_KEY_BLIND] = {"tgblindx", 1},
	[TG_KEY_BACKUP] = {"tgbackup", 1},
};

static const char b32[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"; /* Crockford */

static void put_be64(uint8_t *p, uint64_t v)
{
	for (int i = 7; i >= 0; i--, v >>= 8)
		p[i] = (uint8_t)v;
}

static uint64_t get_be64(const uint8_t *p)
{
	uint64_t v = 0;
	for (int i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

/* The floor, which is also what new key files use. */
static void kdf_params(uint64_t *ops, uint64_t *mem)
{
	const char *t = getenv("TERGEU_TEST"), *w = getenv("TERGEU_TEST_WEAK_KDF");
	bool weak = t && !strcmp(t, "1") && w && !strcmp(w, "1");
	*ops = weak ? crypto_pwhash_OPSLIMIT_INTERACTIVE : crypto_pwhash_OPSLIMIT_MODERATE;
	*mem = weak ? crypto_pwhash_MEMLIMIT_INTERACTIVE : crypto_pwhash_MEMLIMIT_MODERATE;
}

static int nomem(tg_error *err)
{
	return tg_error_set(err, TG_ENOMEM, NULL, "%s", tg_strerror(TG_ENOMEM));
}

static int damaged(tg_error *err, const char *path, const char *why)
{
	int rc = tg_error_set(err, TG_EINTEGRITY, NULL, _("the key file is damaged: %s"), why);
	if (err)
		snprintf(err->file, sizeof err->file, "%s", path);
	return rc;
}

static void checksum(uint8_t f[KF_SIZE])
{
	crypto_generichash(f + KF_SUM, 32, f, KF_SUM, NULL, 0);
}

static void key_id(const uint8_t mk[TG_KEYS_KEY_LEN], uint8_t id[16])
{
	static const char msg[] = "tergeu key id v1";
	crypto_generichash(id, 16, (const uint8_t *)msg, sizeof msg - 1, mk, TG_KEYS_KEY_LEN);
}

static void recovery_wrap_key(const uint8_t rk[TG_KEYS_KEY_LEN], uint8_t out[TG_KEYS_KEY_LEN])
{
	static const char msg[] = "tergeu recovery v1";
	crypto_generichash(out, TG_KEYS_KEY_LEN, (const uint8_t *)msg, sizeof msg - 1, rk,
	                   TG_KEYS_KEY_LEN);
}

/* AD of the recovery slot: magic, version, flags, KDF id, and key id. */
static void recovery_ad(const uint8_t f[KF_SIZE], uint8_t ad[32])
{
	memcpy(ad, f, 16);
	memcpy(ad + 16, f + KF_ID, 16);
}

static int derive_kek(const char *passphrase, const uint8_t f[KF_SIZE], uint8_t kek[32],
                      tg_error *err)
{
	if (crypto_pwhash(kek, TG_KEYS_KEY_LEN, passphrase, strlen(passphrase), f + KF_SALT,
	                  get_be64(f + KF_OPS), (size_t)get_be64(f + KF_MEM),
	                  crypto_pwhash_ALG_ARGON2ID13) != 0)
		return tg_error_set(err, TG_ENOMEM, NULL,
		                    _("not enough memory to derive the key from the passphrase"));
	return TG_OK;
}

static void seal(uint8_t *box, uint8_t *nonce, const uint8_t *mk, const uint8_t *ad,
                 size_t adlen, const uint8_t key[32])
{
	randombytes_buf(nonce, crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
	crypto_aead_xchacha20poly1305_ietf_encrypt(box, NULL, mk, TG_KEYS_KEY_LEN, ad, adlen,
	                                           NULL, nonce, key);
}

/* Reads and checks the key file: size, magic, version, checksum, KDF and
 * its parameters against the floor. */
static int read_keyfile(const char *path, uint8_t f[KF_SIZE], tg_error *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		int rc = errno == ENOENT
		                 ? tg_error_set(err, TG_ENOTFOUND, NULL, _("no key file"))
		                 : tg_error_set(err, TG_EIO, NULL, _("cannot read the key file: %s"),
		                                strerror(errno));
		if (err)
			snprintf(err->file, sizeof err->file, "%s", path);
		return rc;
	}
	uint8_t extra;
	ssize_t n = read(fd, f, KF_SIZE);
	bool longer = n == KF_SIZE && read(fd, &extra, 1) == 1;
	close(fd);
	if (n != KF_SIZE || longer)
		return damaged(err, path, _("wrong size"));
	if (memcmp(f, KF_MAGIC, 8))
		return damaged(err, path, _("not a tergeu key file"));
	if (f[KF_VERSION] != 1)
		return damaged(err, path, _("unknown version"));
	uint8_t sum[32];
	crypto_generichash(sum, sizeof sum, f, KF_SUM, NULL, 0);
	if (sodium_memcmp(sum, f + KF_SUM, 32))
		return damaged(err, path, _("checksum mismatch"));
	if (f[KF_ALG] != crypto_pwhash_ALG_ARGON2ID13)
		return damaged(err, path, _("unknown key derivation"));
	uint64_t ops = get_be64(f + KF_OPS), mem = get_be64(f + KF_MEM), min_ops, min_mem;
	kdf_params(&min_ops, &min_mem);
	if (ops < min_ops || mem < min_mem || ops > MAX_OPS || mem > MAX_MEM) {
		int rc = tg_error_set(err, TG_EINTEGRITY, NULL,
		                      _("the key file's Argon2id parameters (%llu passes, %llu MiB) "
		                        "are outside the accepted range (at least %llu passes and "
		                        "%llu MiB)"),
		                      (unsigned long long)ops, (unsigned long long)(mem >> 20),
		                      (unsigned long long)min_ops, (unsigned long long)(min_mem >> 20));
		if (err)
			snprintf(err->file, sizeof err->file, "%s", path);
		return rc;
	}
	return TG_OK;
}

static int sync_dir_of(const char *path)
{
	char *copy = strdup(path);
	if (!copy)
		return -1;
	int fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	free(copy);
	if (fd < 0)
		return -1;
	int rc = fsync(fd);
	close(fd);
	return rc;
}

static int write_all(int fd, const uint8_t *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Overwrites the open file fd (size bytes at least) with random bytes and
 * syncs it. */
static int overwrite_random(int fd, off_t size)
{
	uint8_t junk[512];
	if (lseek(fd, 0, SEEK_SET) < 0)
		return -1;
	for (off_t done = 0; done < size; done += (off_t)sizeof junk) {
		randombytes_buf(junk, sizeof junk);
		if (write_all(fd, junk, sizeof junk))
			return -1;
	}
	return fsync(fd);
}

/* Writes f under a temporary name, syncs it, then links it to path (new
 * file: fails if path exists) or renames it over path (replace: the old
 * file's bytes are then overwritten through a descriptor held open). */
static int write_keyfile(const char *path, const uint8_t f[KF_SIZE], bool replace,
                         tg_error *err)
{
	size_t n = strlen(path) + 16;
	char *tmp = malloc(n);
	if (!tmp)
		return nomem(err);
	snprintf(tmp, n, "%s.tmp-XXXXXX", path);
	int fd = mkstemp(tmp), rc = TG_OK, old = -1;
	if (fd < 0 || fchmod(fd, 0600) || write_all(fd, f, KF_SIZE) || fsync(fd)) {
		rc = tg_error_set(err, TG_EIO, NULL, _("cannot write the key file: %s"), strerror(errno));
	} else if (replace) {
		old = open(path, O_RDWR | O_CLOEXEC | O_NOFOLLOW);
		if (rename(tmp, path))
			rc = tg_error_set(err, TG_EIO, NULL, _("cannot replace the key file: %s"),
			                  strerror(errno));
	} else if (link(tmp, path)) {
		rc = errno == EEXIST ? tg_error_set(err, TG_EEXIST, NULL, _("a key file already exists"))
		                     : tg_error_set(err, TG_EIO, NULL, _("cannot write the key file: %s"),
		                                    strerror(errno));
	}
	if (fd >= 0)
		close(fd);
	if (rc || !replace)
		unlink(tmp);
	if (!rc && sync_dir_of(path))
		rc = tg_error_set(err, TG_EIO, NULL, _("cannot sync the key file's directory: %s"),
		                  strerror(errno));
	if (old >= 0) {
		/* The replaced file held MK sealed under the old passphrase. */
		if (!rc)
			overwrite_random(old, KF_SIZE);
		close(old);
	}
	if (rc && err)
		snprintf(err->file, sizeof err->file, "%s", path);
	free(tmp);
	return rc;
}

static tg_keys *keys_from(const uint8_t mk[TG_KEYS_KEY_LEN])
{
	tg_keys *k = sodium_malloc(sizeof *k);
	if (!k)
		return NULL;
	memcpy(k->mk, mk, TG_KEYS_KEY_LEN);
	key_id(k->mk, k->id);
	sodium_mprotect_readonly(k);
	return k;
}

/* Seals mk into the passphrase slot of f under a new salt and the current
 * parameters; the header must be complete but for those. */
static int seal_passphrase_slot(uint8_t f[KF_SIZE], const char *passphrase, const uint8_t *mk,
                                struct secrets *s, tg_error *err)
{
	uint64_t ops, mem;
	kdf_params(&ops, &mem);
	f[KF_ALG] = crypto_pwhash_ALG_ARGON2ID13;
	put_be64(f + KF_OPS, ops);
	put_be64(f + KF_MEM, mem);
	randombytes_buf(f + KF_SALT, crypto_pwhash_SALTBYTES);
	int rc = derive_kek(passphrase, f, s->kek, err);
	if (!rc)
		seal(f + KF_PW_BOX, f + KF_PW_NONCE, mk, f, KF_PW_NONCE, s->kek);
	return rc;
}

static void encode_code(const uint8_t in[CODE_BYTES], char out[CODE_LEN + 1])
{
	unsigned acc = 0, bits = 0;
	size_t o = 0, sym = 0;
	for (size_t i = 0; i < CODE_BYTES; i++) {
		acc = (acc << 8 | in[i]) & 0xFFFF;
		bits += 8;
		while (bits >= 5) {
			if (sym && sym % 4 == 0)
				out[o++] = '-';
			out[o++] = b32[(acc >> (bits - 5)) & 31];
			bits -= 5;
			sym++;
		}
	}
	out[o] = '\0';
}

/* Decodes a recovery code into out; false if it is not 56 symbols. */
static bool decode_code(const char *code, uint8_t out[CODE_BYTES])
{
	unsigned acc = 0, bits = 0;
	size_t n = 0, sym = 0;
	for (const char *p = code; *p; p++) {
		char c = *p >= 'a' && *p <= 'z' ? (char)(*p - 32) : *p;
		if (c == '-' || c == ' ')
			continue;
		c = c == 'O' ? '0' : c == 'I' || c == 'L' ? '1' : c;
		const char *q = strchr(b32, c);
		if (!c || !q || ++sym > 56)
			return false;
		acc = (acc << 5 | (unsigned)(q - b32)) & 0xFFFF;
		bits += 5;
		if (bits >= 8) {
			out[n++] = (uint8_t)(acc >> (bits - 8));
			bits -= 8;
		}
	}
	return sym == 56;
}

static void code_check(const uint8_t rk[TG_KEYS_KEY_LEN], uint8_t out[3])
{
	uint8_t h[16];
	crypto_generichash(h, sizeof h, rk, TG_KEYS_KEY_LEN, NULL, 0);
	memcpy(out, h, 3);
}

char *tg_keys_path(const char *db_path)
{
	size_t n = strlen(db_path) + 5;
	char *p = malloc(n);
	if (p)
		snprintf(p, n, "%s.key", db_path);
	return p;
}

int tg_keys_create(const char *key_path, const char *passphrase, const char *common_list,
                   char **recovery_code, tg_keys **out, tg_error *err)
{
	if (out)
		*out = NULL;
	if (recovery_code)
		*recovery_code = NULL;
	int rc = tg_keys_check_passphrase(passphrase, common_list, err);
	if (rc)
		return rc;
	if (sodium_init() < 0)
		return tg_error_set(err, TG_EIO, NULL, _("cannot start the cryptography library"));
	if (access(key_path, F_OK) == 0)
		return tg_error_set(err, TG_EEXIST, NULL, _("a key file already exists"));
	struct secrets *s = sodium_malloc(sizeof *s);
	char *code = recovery_code ? sodium_malloc(CODE_LEN + 1) : NULL;
	tg_keys *k = NULL;
	uint8_t f[KF_SIZE] = KF_MAGIC;
	if (!s || (recovery_code && !code)) {
		rc = nomem(err);
		goto done;
	}
	randombytes_buf(s->wrap, TG_KEYS_KEY_LEN); /* MK until it is in k */
	k = keys_from(s->wrap);
	if (!k) {
		rc = nomem(err);
		goto done;
	}
	f[KF_VERSION] = 1;
	f[KF_FLAGS] = recovery_code ? FLAG_RECOVERY : 0;
	f[KF_ALG] = crypto_pwhash_ALG_ARGON2ID13;
	memcpy(f + KF_ID, k->id, 16);
	rc = seal_passphrase_slot(f, passphrase, k->mk, s, err);
	if (!rc && recovery_code) {
		uint8_t ad[32];
		randombytes_buf(s->rk, TG_KEYS_KEY_LEN);
		code_check(s->rk, s->rk + TG_KEYS_KEY_LEN);
		recovery_wrap_key(s->rk, s->wrap);
		recovery_ad(f, ad);
		seal(f + KF_RC_BOX, f + KF_RC_NONCE, k->mk, ad, sizeof ad, s->wrap);
		encode_code(s->rk, code);
	}
	if (!rc) {
		checksum(f);
		rc = write_keyfile(key_path, f, false, err);
	}
done:
	sodium_free(s);
	if (rc || !out)
		tg_keys_free(k);
	else
		*out = k;
	if (rc)
		sodium_free(code);
	else if (recovery_code)
		*recovery_code = code;
	return rc;
}

/* Opens the slot at box/nonce with key into new keys. */
static int open_slot(const uint8_t f[KF_SIZE], const uint8_t *box, const uint8_t *nonce,
                     const uint8_t *ad, size_t adlen, const uint8_t key[32], tg_keys **out,
                     tg_error *err, const char *wrong_msg)
{
	uint8_t *mk = sodium_malloc(TG_KEYS_KEY_LEN);
	if (!mk)
		return nomem(err);
	int rc = TG_OK;
	if (crypto_aead_xchacha20poly1305_ietf_decrypt(mk, NULL, NULL, box, BOX_LEN, ad, adlen,
	                                               nonce, key) != 0) {
		rc = tg_error_set(err, TG_EKEYS_WRONG, NULL, "%s", wrong_msg);
	} else if (!(*out = keys_from(mk))) {
		rc = nomem(err);
	} else if (sodium_memcmp((*out)->id, f + KF_ID, 16)) {
		tg_keys_free(*out);
		*out = NULL;
		rc = tg_error_set(err, TG_EINTEGRITY, NULL, _("the key file is damaged: key id"));
	}
	sodium_free(mk);
	return rc;
}

int tg_keys_unlock(const char *key_path, const char *passphrase, tg_keys **out, tg_error *err)
{
	*out = NULL;
	uint8_t f[KF_SIZE];
	if (sodium_init() < 0)
		return tg_error_set(err, TG_EIO, NULL, _("cannot start the cryptography library"));
	int rc = read_keyfile(key_path, f, err);
	if (rc)
		return rc;
	struct secrets *s = sodium_malloc(sizeof *s);
	if (!s)
		return nomem(err);
	rc = derive_kek(passphrase, f, s->kek, err);
	if (!rc)
		rc = open_slot(f, f + KF_PW_BOX, f + KF_PW_NONCE, f, KF_PW_NONCE, s->kek, out, err,
		               _("wrong passphrase"));
	sodium_free(s);
	return rc;
}

int tg_keys_unlock_recovery(const char *key_path, const char *code, tg_keys **out,
                            tg_error *err)
{
	*out = NULL;
	uint8_t f[KF_SIZE], ad[32], check[3];
	if (sodium_init() < 0)
		return tg_error_set(err, TG_EIO, NULL, _("cannot start the cryptography library"));
	int rc = read_keyfile(key_path, f, err);
	if (rc)
		return rc;
	if (!(f[KF_FLAGS] & FLAG_RECOVERY))
		return tg_error_set(err, TG_EINVAL, NULL, _("this key file has no recovery code"));
	struct secrets *s = sodium_malloc(sizeof *s);
	if (!s)
		return nomem(err);
	if (!decode_code(code, s->rk)) {
		rc = tg_error_set(err, TG_EINVAL, "recovery code",
		                  _("a recovery code has 56 letters and digits"));
	} else {
		code_check(s->rk, check);
		if (sodium_memcmp(check, s->rk + TG_KEYS_KEY_LEN, 3))
			rc = tg_error_set(err, TG_EINVAL, "recovery code",
			                  _("the recovery code is mistyped"));
	}
	if (!rc) {
		recovery_wrap_key(s->rk, s->wrap);
		recovery_ad(f, ad);
		rc = open_slot(f, f + KF_RC_BOX, f + KF_RC_NONCE, ad, sizeof ad, s->wrap, out, err,
		               _("wrong recovery code"));
	}
	sodium_free(s);
	return rc;
}

int tg_keys_change_passphrase(const char *key_path, const tg_keys *k, const char *passphrase,
                              const char *common_list, tg_error *err)
{
	uint8_t f[KF_SIZE];
	int rc = tg_keys_check_passphrase(passphrase, common_list, err);
	if (!rc)
		rc = read_keyfile(key_path, f, err);
	if (rc)
		return rc;
	if (sodium_memcmp(k->id, f + KF_ID, 16))
		return tg_error_set(err, TG_EINVAL, NULL,
		                    _("these keys do not belong to this key file"));
	struct secrets *s = sodium_malloc(sizeof *s);
	if (!s)
		return nomem(err);
	rc = seal_passphrase_slot(f, passphrase, k->mk, s, err);
	sodium_free(s);
	if (!rc) {
		checksum(f);
		rc = write_keyfile(key_path, f, true, err);
	}
	return rc;
}

void tg_keys_derive(const tg_keys *k, enum tg_key_use use, uint8_t out[TG_KEYS_KEY_LEN])
{
	if (use < TG_KEY_DB || use > TG_KEY_BACKUP)
		abort();
	crypto_kdf_derive_from_key(out, TG_KEYS_KEY_LEN, uses[use].id, uses[use].ctx, k->mk);
}

void tg_keys_fingerprint(const tg_keys *k, uint8_t out[16])
{
	memcpy(out, k->id, 16);
}

void tg_keys_free(tg_keys *k)
{
	sodium_free(k); /* zeroes the memory first; NULL is a no-op */
}

static int unlink_quietly(const char *path)
{
	return unlink(path) && errno != ENOENT ? -1 : 0;
}

int tg_keys_quick_delete(const char *key_path, const char *db_path, tg_keys **k,
                         tg_error *err)
{
	int rc = TG_OK;
	int fd = open(key_path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
	struct stat st;
	if (fd >= 0) {
		off_t size = fstat(fd, &st) == 0 && st.st_size > KF_SIZE ? st.st_size : KF_SIZE;
		if (overwrite_random(fd, size))
			rc = tg_error_set(err, TG_EIO, NULL, _("cannot overwrite the key file: %s"),
			                  strerror(errno));
		close(fd);
	} else if (errno != ENOENT) {
		rc = tg_error_set(err, TG_EIO, NULL, _("cannot open the key file: %s"), strerror(errno));
	}
	if (unlink_quietly(key_path) && !rc)
		rc = tg_error_set(err, TG_EIO, NULL, _("cannot remove the key file: %s"),
		                  strerror(errno));
	sync_dir_of(key_path);
	if (rc && err)
		snprintf(err->file, sizeof err->file, "%s", key_path);
	if (k) {
		tg_keys_free(*k);
		*k = NULL;
	}
	if (!db_path)
		return rc;
	tg_cryptvfs_forget_key(db_path);
	static const char *const suffixes[] = {"", "-wal", "-shm", "-journal"};
	size_t n = strlen(db_path) + 16;
	char *p = malloc(n);
	for (size_t i = 0; p && i < sizeof suffixes / sizeof suffixes[0]; i++) {
		snprintf(p, n, "%s%s", db_path, suffixes[i]);
		unlink(p);
	}
	free(p);
	return rc;
}
