/*
 * vault — the blob layer of the evidence vault: encrypted, padded,
 * randomly named files holding the originals of evidence.
 *
 * A blob is one source file encrypted with XChaCha20-Poly1305 secretstream
 * under the vault key, in 1 MiB chunks, its last chunk padded to a multiple
 * of 4 KiB (docs/vault.md has the format).  The SHA-256 of the plaintext is
 * computed while the file is read, once, so the hash recorded at intake is
 * the hash of exactly the bytes that were sealed (T8).  Plaintext never
 * touches the disk inside the vault: no temporary file, no file name or
 * extension taken from the source (T1, T13).  Metadata, custody and ledger
 * entries live in the database; this layer knows only blob ids.
 *
 * Functions return 0 or a negative TG_E* code and fill err.  Errors about a
 * blob put its id in err->path and in the message; errors never name the
 * source or destination path, which may hold a victim's name.  A handle may
 * be used from several threads at once: it holds only the key and the
 * directory.
 */
#ifndef TG_VAULT_H
#define TG_VAULT_H

#include <stdint.h>

#include "util/util.h"

/* A blob id: 32 random lowercase hex characters (128 bits) plus NUL. */
#define TG_VAULT_ID_LEN 33
#define TG_VAULT_KEY_LEN 32

typedef struct tg_vault tg_vault;

/* What tg_vault_put sealed. */
typedef struct tg_vault_blob {
	char id[TG_VAULT_ID_LEN];
	uint64_t size;          /* plaintext bytes */
	uint8_t sha256[32];     /* SHA-256 of the plaintext */
	char sha256_hex[65];    /* the same, lowercase hex */
} tg_vault_blob;

/* Opens the blob store in dir, creating the directory with mode 0700 when
 * it is missing (its parent must exist).  key is the 32-byte vault key the
 * caller derived; the handle keeps a copy in guarded, locked memory
 * (sodium_malloc) that tg_vault_close wipes.  The handle holds a shared
 * lock on the directory until it is closed: a caller that seals a blob
 * closes the handle only after recording the blob (or shredding it), so
 * that a clean-up (tg_vault_lock_exclusive) never sees a blob between the
 * two.  Waits up to 30 s for a clean-up to end.  On success *out owns the
 * handle.  Errors: TG_EIO (directory cannot be made or opened, libsodium
 * fails to start, a clean-up still running), TG_ENOMEM. */
int tg_vault_open(const char *dir, const uint8_t key[TG_VAULT_KEY_LEN], tg_vault **out,
                  tg_error *err);

/* Wipes the key and frees the handle.  tg_vault_close(NULL) is a no-op. */
void tg_vault_close(tg_vault *v);

/* Seals the file src_path as a new blob and fills *out.  The file is read
 * once with constant memory (three 1 MiB buffers and a hashing thread)
 * whatever its size; the
 * blob is written under a temporary name, fsync'd, then renamed, so a blob
 * under its final name is always complete.  progress, when not NULL, is
 * called after every chunk with what = "intake", the bytes read so far and
 * the file's size (0 when unknown, e.g. a pipe).  Errors: TG_EIO (source
 * unreadable, disk full; nothing is left in the vault), TG_ENOMEM. */
int tg_vault_put(tg_vault *v, const char *src_path, tg_vault_blob *out,
                 tg_progress_fn progress, void *ctx, tg_error *err);

/* As tg_vault_put, reading the plaintext from the open descriptor src
 * (a pipe fed by an upload, say) to its end; total is its size if known,
 * else 0. src is not closed. */
int tg_vault_put_fd(tg_vault *v, int src, uint64_t total, tg_vault_blob *out,
                    tg_progress_fn progress, void *ctx, tg_error *err);

/* Decrypts blob blob_id into dst_path (through a temporary file in dst's
 * directory, then rename: an existing dst is replaced only by a complete,
 * authenticated plaintext) and stores the SHA-256 of the plaintext in
 * sha256_out when not NULL.  Errors: TG_EINVAL (malformed id), TG_ENOTFOUND
 * (no such blob), TG_EINTEGRITY (a chunk fails authentication, the final
 * chunk is missing, data follows it, or the key is not the vault's; the
 * message names the blob; dst is left untouched), TG_EIO, TG_ENOMEM. */
int tg_vault_get(tg_vault *v, const char *blob_id, const char *dst_path,
                 uint8_t sha256_out[32], tg_error *err);

/* Decrypts blob blob_id in memory only and compares the SHA-256 of its
 * plaintext with expected_sha256.  Errors: those of tg_vault_get, and
 * TG_EINTEGRITY when the hashes differ (the message names the blob). */
int tg_vault_verify(tg_vault *v, const char *blob_id, const uint8_t expected_sha256[32],
                    tg_error *err);

/* Overwrites blob blob_id with zeros, syncs, and unlinks it.  Best effort:
 * on SSDs and journaling or copy-on-write file systems old blocks may
 * survive; only destroying the key makes a blob unreadable for sure.
 * Errors: TG_EINVAL, TG_ENOTFOUND, TG_EIO (the blob is unlinked whenever
 * possible, even when the overwrite fails). */
int tg_vault_shred(tg_vault *v, const char *blob_id, tg_error *err);

/* True if s has the form of a blob id (32 lowercase hex characters). */
bool tg_vault_id_valid(const char *s);

/* A file of the vault: a blob, or the temporary file an intake writes
 * before renaming it to its id ("tmp-" and the id). */
typedef struct tg_vault_file {
	char name[4 + TG_VAULT_ID_LEN]; /* as in the directory */
	char id[TG_VAULT_ID_LEN];       /* the blob id, without "tmp-" */
	bool temp;                      /* an unfinished intake's temporary file */
	uint64_t size;                  /* bytes on disk */
	int64_t changed;                /* when last written (Unix time) */
} tg_vault_file;

/* Calls cb with every blob and temporary file of the vault, in directory
 * order; any other name (a file tergeu did not write) is left out, and
 * so never removed by a clean-up.  cb returns 0 to go on; non-zero stops
 * the walk and is returned.  Errors: TG_EIO. */
int tg_vault_each(tg_vault *v, int (*cb)(void *ctx, const tg_vault_file *f), void *ctx,
                  tg_error *err);

/* Takes the vault for this handle alone, before removing files no record
 * names: without waiting; TG_EIO ("in use") while another handle, in any
 * process of this machine, has the vault open (an intake between sealing
 * a blob and recording it, an export, a verification). Closing the handle
 * releases it. */
int tg_vault_lock_exclusive(tg_vault *v, tg_error *err);

/* As tg_vault_shred, for a blob or a temporary file of tg_vault_each.
 * Errors: TG_EINVAL for a name that is neither, and those of shred. */
int tg_vault_shred_file(tg_vault *v, const tg_vault_file *f, tg_error *err);

#endif
