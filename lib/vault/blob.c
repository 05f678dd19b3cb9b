/*
 * Blobs: sealing a file into the vault, opening it again, verifying and
 * shredding it.  See vault.h for the contract and docs/vault.md for the
 * format.
 *
 * The workload is few, possibly large files (phone videos of several GB),
 * read once at intake.  Memory stays at three 1 MiB buffers whatever the
 * size: two for plaintext, so that one chunk is hashed on the hasher's
 * thread while the next is read and encrypted, and one for ciphertext.
 */
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "vault/hasher.h"
#include "vault/vault-int.h"

#define SS(name) crypto_secretstream_xchacha20poly1305_##name

enum {
	FORMAT_VERSION = 1,
	ID_BYTES = 16,
	CHUNK = 1 << 20,        /* plaintext bytes per chunk */
	PAD_BLOCK = 4096,       /* the final chunk is padded to a multiple */
	HEADER_LEN = 1 + crypto_secretstream_xchacha20poly1305_HEADERBYTES,
	AD_LEN = 1 + 2 * ID_BYTES,
	CIPHER_CHUNK = CHUNK + crypto_secretstream_xchacha20poly1305_ABYTES,
};

/* The chunk buffers of one operation.  Plaintext buffers are guarded,
 * locked in memory where the system allows, and wiped when freed.  A
 * plaintext buffer handed to the hasher is reused two chunks later, after
 * the hasher has taken the next one, hence two. */
struct buffers {
	uint8_t *plain[2];
	uint8_t *cipher;
};

/* Reads up to n bytes, fewer only at end of file.  Returns the count, or
 * -1 with errno set. */
static ssize_t read_full(int fd, uint8_t *buf, size_t n)
{
	int e = tg_vault_fault(TG_VIO_READ, &n);
	if (e) {
		errno = e;
		return -1;
	}
	size_t got = 0;
	while (got < n) {
		ssize_t r = read(fd, buf + got, n - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		if (r == 0)
			break;
		got += (size_t)r;
	}
	return (ssize_t)got;
}

/* Returns 0, or -1 with errno set. */
static int write_all(int fd, const uint8_t *buf, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, buf, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -1;
		buf += w;
		n -= (size_t)w;
	}
	return 0;
}

static int write_full(int fd, const uint8_t *buf, size_t n)
{
	size_t part = n;
	int e = tg_vault_fault(TG_VIO_WRITE, &part);
	if (e) {
		if (part)
			(void)write_all(fd, buf, part); /* a torn write: its first part */
		errno = e;
		return -1;
	}
	return write_all(fd, buf, n);
}

static int sync_fd(int fd)
{
	int e = tg_vault_fault(TG_VIO_SYNC, NULL);
	if (e) {
		errno = e;
		return -1;
	}
	return fsync(fd);
}

/* Asks the kernel to start writing a range back now, so that the fsync at
 * the end of a large intake has little left to wait for. */
static void start_writeback(int fd, uint64_t off, size_t len)
{
#ifdef SYNC_FILE_RANGE_WRITE
	(void)sync_file_range(fd, (off_t)off, (off_t)len, SYNC_FILE_RANGE_WRITE);
#else
	(void)fd, (void)off, (void)len;
#endif
}

static void buffers_free(struct buffers *b)
{
	sodium_free(b->plain[0]);
	sodium_free(b->plain[1]);
	free(b->cipher);
}

static int buffers_alloc(struct buffers *b, tg_error *err)
{
	b->plain[0] = sodium_malloc(CHUNK);
	b->plain[1] = sodium_malloc(CHUNK);
	b->cipher = malloc(CIPHER_CHUNK);
	if (b->plain[0] && b->plain[1] && b->cipher)
		return 0;
	buffers_free(b);
	return tg_error_set(err, TG_ENOMEM, NULL, "%s", tg_strerror(TG_ENOMEM));
}

/* The additional data of every chunk: the format version and the blob id,
 * so a blob renamed to another id, or relabelled as another version, fails
 * authentication. */
static void make_ad(uint8_t ad[AD_LEN], const char *id)
{
	ad[0] = FORMAT_VERSION;
	memcpy(ad + 1, id, 2 * ID_BYTES);
}

bool tg_vault_id_valid(const char *s)
{
	if (!s)
		return false;
	for (int i = 0; i < 2 * ID_BYTES; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return s[2 * ID_BYTES] == '\0';
}

static int bad_id(tg_error *err)
{
	return tg_error_set(err, TG_EINVAL, "blob_id", "%s", _("invalid blob id"));
}

/* errno after a failed write, create, sync or rename in the vault. */
static int vault_write_error(tg_error *err)
{
	return tg_error_set(err, TG_EIO, NULL, _("cannot write to the vault: %s"), strerror(errno));
}

/* Encrypts src into the empty file dst, filling out's size and hash. */
static int seal(const tg_vault *v, int src, int dst, const char *id, struct buffers *b,
                tg_vault_blob *out, tg_progress_fn progress, void *ctx, uint64_t total,
                tg_error *err)
{
	SS(state) ss;
	uint8_t head[HEADER_LEN], ad[AD_LEN];
	head[0] = FORMAT_VERSION;
	make_ad(ad, id);
	SS(init_push)(&ss, head + 1, v->key);
	tg_vault_hasher hs;
	tg_vault_hasher_start(&hs);
	int rc = 0;
	if (write_full(dst, head, sizeof head) != 0)
		rc = vault_write_error(err);
	uint64_t done = 0, off = sizeof head;
	for (int i = 0, final = 0; rc == 0 && !final; i ^= 1) {
		uint8_t *plain = b->plain[i];
		ssize_t n = read_full(src, plain, CHUNK);
		if (n < 0) {
			rc = tg_error_set(err, TG_EIO, "src", _("cannot read the source file: %s"),
			                  strerror(errno));
			break;
		}
		/* A short read is the end; a file of whole chunks ends with an
		 * empty final chunk, so the final chunk always fits its pad. */
		final = n < CHUNK;
		size_t mlen = (size_t)n;
		if (final) {
			int padded = sodium_pad(&mlen, plain, (size_t)n, PAD_BLOCK, CHUNK);
			assert(padded == 0);
			(void)padded;
		}
		tg_vault_hasher_add(&hs, plain, (size_t)n);
		unsigned long long clen;
		SS(push)(&ss, b->cipher, &clen, plain, mlen, ad, sizeof ad,
		         final ? SS(TAG_FINAL) : SS(TAG_MESSAGE));
		if (write_full(dst, b->cipher, (size_t)clen) != 0)
			rc = vault_write_error(err);
		else
			start_writeback(dst, off, (size_t)clen);
		off += clen;
		done += (uint64_t)n;
		if (rc == 0 && progress)
			progress(ctx, "intake", done, total);
	}
	tg_vault_hasher_end(&hs, rc == 0 ? out->sha256 : NULL);
	out->size = done;
	sodium_memzero(&ss, sizeof ss);
	return rc;
}

int tg_vault_put(tg_vault *v, const char *src_path, tg_vault_blob *out,
                 tg_progress_fn progress, void *ctx, tg_error *err)
{
	assert(v && src_path && out);
	memset(out, 0, sizeof *out);
	int src = open(src_path, O_RDONLY | O_CLOEXEC);
	if (src < 0)
		return tg_error_set(err, TG_EIO, "src", _("cannot open the source file: %s"),
		                    strerror(errno));
	struct stat st;
	uint64_t total = fstat(src, &st) == 0 && S_ISREG(st.st_mode) ? (uint64_t)st.st_size : 0;
	(void)posix_fadvise(src, 0, 0, POSIX_FADV_SEQUENTIAL);
	int rc = tg_vault_put_fd(v, src, total, out, progress, ctx, err);
	close(src);
	return rc;
}

int tg_vault_put_fd(tg_vault *v, int src, uint64_t total, tg_vault_blob *out,
                    tg_progress_fn progress, void *ctx, tg_error *err)
{
	assert(v && src >= 0 && out);
	memset(out, 0, sizeof *out);
	struct buffers b;
	int rc = buffers_alloc(&b, err);
	if (rc != 0)
		return rc;
	uint8_t rnd[ID_BYTES];
	randombytes_buf(rnd, sizeof rnd);
	sodium_bin2hex(out->id, sizeof out->id, rnd, sizeof rnd);
	char tmp[8 + TG_VAULT_ID_LEN];
	snprintf(tmp, sizeof tmp, "tmp-%s", out->id);
	int fd = openat(v->dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		rc = vault_write_error(err);
	else
		rc = seal(v, src, fd, out->id, &b, out, progress, ctx, total, err);
	if (rc == 0 && sync_fd(fd) != 0)
		rc = vault_write_error(err);
	if (fd >= 0 && close(fd) != 0 && rc == 0)
		rc = vault_write_error(err);
	if (rc == 0 && renameat(v->dirfd, tmp, v->dirfd, out->id) != 0)
		rc = vault_write_error(err);
	else if (rc == 0 && sync_fd(v->dirfd) != 0) {
		rc = vault_write_error(err);
		unlinkat(v->dirfd, out->id, 0);
	}
	if (rc != 0 && fd >= 0)
		unlinkat(v->dirfd, tmp, 0);
	if (rc == 0)
		sodium_bin2hex(out->sha256_hex, sizeof out->sha256_hex, out->sha256, 32);
	else
		memset(out, 0, sizeof *out);
	buffers_free(&b);
	return rc;
}

/* errno after a failed write, create, sync or rename of the destination. */
static int dst_write_error(tg_error *err)
{
	return tg_error_set(err, TG_EIO, "dst", _("cannot write the destination file: %s"),
	                    strerror(errno));
}

/* errno after a failed open or read of blob id. */
static int read_error(tg_error *err, const char *id)
{
	return tg_error_set(err, TG_EIO, id, _("cannot read blob %s: %s"), id, strerror(errno));
}

/* Opens the vault's file name (a blob id, or a temporary file's name,
 * checked by the caller) for reading, or writing for shred. */
static int open_name(const tg_vault *v, const char *name, int flags, int *fd, tg_error *err)
{
	*fd = openat(v->dirfd, name, flags | O_CLOEXEC | O_NOFOLLOW);
	if (*fd >= 0)
		return 0;
	if (errno == ENOENT)
		return tg_error_set(err, TG_ENOTFOUND, name, _("blob %s does not exist"), name);
	return read_error(err, name);
}

static int open_blob(const tg_vault *v, const char *id, int flags, int *fd, tg_error *err)
{
	return tg_vault_id_valid(id) ? open_name(v, id, flags, fd, err) : bad_id(err);
}

/* A chunk or the header does not authenticate: changed bytes, bytes of
 * another blob, or another key. */
static int auth_failed(tg_error *err, const char *id)
{
	return tg_error_set(err, TG_EINTEGRITY, id,
	                    _("blob %s failed authentication: it was altered or damaged, "
	                      "or the key is not this vault's"),
	                    id);
}

/* The blob ends before its final chunk: a chunk was cut off. */
static int truncated(tg_error *err, const char *id)
{
	return tg_error_set(err, TG_EINTEGRITY, id,
	                    _("blob %s is truncated: its final chunk is missing"), id);
}

/* After the final chunk the file must end. */
static int expect_end(int in, const char *id, tg_error *err)
{
	uint8_t extra;
	ssize_t n = read_full(in, &extra, 1);
	if (n < 0)
		return read_error(err, id);
	if (n > 0)
		return tg_error_set(err, TG_EINTEGRITY, id,
		                    _("blob %s has data after its final chunk"), id);
	return 0;
}

/* Decrypts blob id from in, writing the plaintext to out unless out < 0,
 * and stores its SHA-256.  Only authenticated plaintext reaches out; a
 * blob without a final chunk is an error. */
static int unseal(const tg_vault *v, const char *id, int in, int out, struct buffers *b,
                  uint8_t sha256[32], tg_error *err)
{
	uint8_t head[HEADER_LEN], ad[AD_LEN];
	ssize_t n = read_full(in, head, sizeof head);
	if (n < 0)
		return read_error(err, id);
	if (n < HEADER_LEN)
		return truncated(err, id);
	if (head[0] != FORMAT_VERSION)
		return tg_error_set(err, TG_EINTEGRITY, id,
		                    _("blob %s has an unknown format version"), id);
	SS(state) ss;
	make_ad(ad, id);
	int rc = 0;
	if (SS(init_pull)(&ss, head + 1, v->key) != 0)
		rc = auth_failed(err, id);
	tg_vault_hasher hs;
	tg_vault_hasher_start(&hs);
	for (int i = 0, final = 0; rc == 0 && !final; i ^= 1) {
		uint8_t *plain = b->plain[i];
		n = read_full(in, b->cipher, CIPHER_CHUNK);
		if (n < 0) {
			rc = read_error(err, id);
			break;
		}
		if (n == 0) {
			rc = truncated(err, id);
			break;
		}
		unsigned long long mlen;
		unsigned char tag;
		if (SS(pull)(&ss, plain, &mlen, &tag, b->cipher, (unsigned long long)n, ad,
		             sizeof ad) != 0) {
			rc = auth_failed(err, id);
			break;
		}
		final = tag == SS(TAG_FINAL);
		size_t len = (size_t)mlen;
		if ((!final && tag != SS(TAG_MESSAGE)) ||
		    (final && sodium_unpad(&len, plain, (size_t)mlen, PAD_BLOCK) != 0)) {
			rc = tg_error_set(err, TG_EINTEGRITY, id, _("blob %s is malformed"), id);
			break;
		}
		tg_vault_hasher_add(&hs, plain, len);
		if (out >= 0 && write_full(out, plain, len) != 0)
			rc = dst_write_error(err);
		if (rc == 0 && final)
			rc = expect_end(in, id, err);
	}
	tg_vault_hasher_end(&hs, rc == 0 ? sha256 : NULL);
	sodium_memzero(&ss, sizeof ss);
	return rc;
}

/* Makes a temporary file next to dst: "<dir of dst>/.tergeu-XXXXXX". */
static int dst_temp(const char *dst, char **tmp, int *fd, tg_error *err)
{
	const char *slash = strrchr(dst, '/');
	size_t dirlen = slash ? (size_t)(slash - dst) + 1 : 0;
	static const char name[] = ".tergeu-XXXXXX";
	*tmp = malloc(dirlen + sizeof name);
	if (!*tmp)
		return tg_error_set(err, TG_ENOMEM, NULL, "%s", tg_strerror(TG_ENOMEM));
	memcpy(*tmp, dst, dirlen);
	memcpy(*tmp + dirlen, name, sizeof name);
	*fd = mkostemp(*tmp, O_CLOEXEC);
	if (*fd >= 0)
		return 0;
	int rc = dst_write_error(err);
	free(*tmp);
	*tmp = NULL;
	return rc;
}

int tg_vault_get(tg_vault *v, const char *blob_id, const char *dst_path,
                 uint8_t sha256_out[32], tg_error *err)
{
	assert(v && dst_path);
	int in, out = -1;
	int rc = open_blob(v, blob_id, O_RDONLY, &in, err);
	if (rc != 0)
		return rc;
	struct buffers b;
	char *tmp = NULL;
	uint8_t sha[32];
	rc = buffers_alloc(&b, err);
	if (rc == 0) {
		rc = dst_temp(dst_path, &tmp, &out, err);
		if (rc == 0)
			rc = unseal(v, blob_id, in, out, &b, sha, err);
		buffers_free(&b);
	}
	if (rc == 0 && sync_fd(out) != 0)
		rc = dst_write_error(err);
	if (out >= 0 && close(out) != 0 && rc == 0)
		rc = dst_write_error(err);
	if (rc == 0 && rename(tmp, dst_path) != 0)
		rc = dst_write_error(err);
	if (rc != 0 && tmp)
		unlink(tmp);
	if (rc == 0 && sha256_out)
		memcpy(sha256_out, sha, sizeof sha);
	free(tmp);
	close(in);
	return rc;
}

int tg_vault_verify(tg_vault *v, const char *blob_id, const uint8_t expected_sha256[32],
                    tg_error *err)
{
	assert(v && expected_sha256);
	int in;
	int rc = open_blob(v, blob_id, O_RDONLY, &in, err);
	if (rc != 0)
		return rc;
	struct buffers b;
	uint8_t sha[32];
	rc = buffers_alloc(&b, err);
	if (rc == 0) {
		(void)posix_fadvise(in, 0, 0, POSIX_FADV_SEQUENTIAL);
		rc = unseal(v, blob_id, in, -1, &b, sha, err);
		buffers_free(&b);
	}
	close(in);
	if (rc == 0 && sodium_memcmp(sha, expected_sha256, sizeof sha) != 0)
		rc = tg_error_set(err, TG_EINTEGRITY, blob_id,
		                  _("blob %s does not match the expected SHA-256"), blob_id);
	return rc;
}

/* Overwrites the file name (a blob or a temporary file) with zeros,
 * syncs, unlinks it and syncs the directory. */
static int shred_name(tg_vault *v, const char *name, tg_error *err)
{
	static const uint8_t zeros[64 * 1024];
	int fd;
	int rc = open_name(v, name, O_WRONLY, &fd, err);
	if (rc != 0)
		return rc;
	struct stat st;
	int e = fstat(fd, &st) != 0 ? errno : 0;
	for (off_t left = e ? 0 : st.st_size; left > 0 && !e;) {
		size_t n = left < (off_t)sizeof zeros ? (size_t)left : sizeof zeros;
		if (write_full(fd, zeros, n) != 0)
			e = errno;
		left -= (off_t)n;
	}
	if (!e && sync_fd(fd) != 0)
		e = errno;
	close(fd);
	if (unlinkat(v->dirfd, name, 0) != 0 && !e)
		e = errno;
	if (!e && sync_fd(v->dirfd) != 0)
		e = errno;
	if (e)
		return tg_error_set(err, TG_EIO, name, _("cannot shred blob %s: %s"), name,
		                    strerror(e));
	return 0;
}

int tg_vault_shred(tg_vault *v, const char *blob_id, tg_error *err)
{
	assert(v);
	return tg_vault_id_valid(blob_id) ? shred_name(v, blob_id, err) : bad_id(err);
}

int tg_vault_shred_file(tg_vault *v, const tg_vault_file *f, tg_error *err)
{
	assert(v && f);
	bool temp = !strncmp(f->name, "tmp-", 4);
	return tg_vault_id_valid(temp ? f->name + 4 : f->name) ? shred_name(v, f->name, err)
	                                                       : bad_id(err);
}
