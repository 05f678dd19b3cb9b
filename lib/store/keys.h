/*
 * keys — the key hierarchy (THREATS.md T3, T4, T5, T14; docs/crypto.md).
 *
 *   passphrase --Argon2id(salt, ops, mem)--> KEK (never stored)
 *   recovery code (32 random bytes, shown once) --> RK
 *   MK: 32 random bytes, stored only sealed under KEK and under RK
 *   subkeys: crypto_kdf_derive_from_key(MK, purpose) for the database
 *   pages, the evidence vault, the ledger, blind indexes and backups.
 *
 * The key file (conventionally "<database>.key") holds the Argon2id
 * parameters, the salt and the two sealed copies of MK.  Changing the
 * passphrase rewrites only the key file, atomically; MK and so the data
 * stay as they are.  Quick-delete overwrites and unlinks the key file:
 * afterwards nothing decrypts, whatever copies of the data exist.
 *
 * Argon2id parameters below a floor (ops 3, mem 256 MiB: libsodium's
 * MODERATE) are refused when a key file is read, and new key files use
 * MODERATE.  Tests only: with TERGEU_TEST=1 and TERGEU_TEST_WEAK_KDF=1 in
 * the environment, the floor and the parameters of new files drop to
 * INTERACTIVE (ops 2, mem 64 MiB).
 *
 * Functions return 0 or a negative TG_E* code and fill err; secrets never
 * appear in messages.  Every secret the module hands out (keys, recovery
 * codes, passphrases read) lives in sodium_malloc'd memory: guarded,
 * locked against swapping, excluded from core dumps, zeroed when freed.
 */
#ifndef TG_KEYS_H
#define TG_KEYS_H

#include <stdbool.h>
#include <stdint.h>

#include "util/util.h"

#define TG_KEYS_KEY_LEN 32
#define TG_KEYS_MIN_PASSPHRASE 12 /* characters (code points) */
#define TG_KEYS_MAX_PASSPHRASE 1023 /* bytes */

/* A wrong passphrase or recovery code (or a key file whose sealed slots
 * were altered). */
#define TG_EKEYS_WRONG TG_EAUTH

typedef struct tg_keys tg_keys;

/* What a subkey is for.  Each maps to a crypto_kdf context and id:
 *   TG_KEY_DB      "tergeudb" 1   database pages (cryptvfs)
 *   TG_KEY_VAULT   "tgvault_" 1   evidence blobs
 *   TG_KEY_LEDGER  "tgledger" 1   wraps the ledger's Ed25519 signing key
 *   TG_KEY_BLIND   "tgblindx" 1   blind indexes
 *   TG_KEY_BACKUP  "tgbackup" 1   backups and sync bundles
 * These never change: a new purpose gets a new context. */
enum tg_key_use {
	TG_KEY_DB = 1,
	TG_KEY_VAULT,
	TG_KEY_LEDGER,
	TG_KEY_BLIND,
	TG_KEY_BACKUP,
};

/* "<db_path>.key", malloc'd; NULL when out of memory. */
char *tg_keys_path(const char *db_path);

/* Makes a new MK and writes a key file at key_path, which must not exist
 * (it is written under a temporary name, synced, then linked into place,
 * so a key file is never seen half-written).  The passphrase must pass
 * tg_keys_check_passphrase with common_list.  With recovery_code not
 * NULL, MK is also sealed under a random recovery key whose code (14
 * groups of 4 characters) is returned in *recovery_code: show it once,
 * then free it with tg_keys_secret_free.  On success *out, if not NULL,
 * holds the unlocked keys (free with tg_keys_free).  Errors: TG_EEXIST,
 * TG_EINVAL (passphrase refused by the policy; err->path "passphrase"),
 * TG_EIO, TG_ENOMEM. */
int tg_keys_create(const char *key_path, const char *passphrase, const char *common_list,
                   char **recovery_code, tg_keys **out, tg_error *err);

/* Reads key_path and unseals MK with the passphrase.  Nothing is written.
 * Errors: TG_ENOTFOUND (no key file), TG_EINTEGRITY (damaged, truncated,
 * of an unknown version, or Argon2id parameters below the floor or absurdly
 * high), TG_EKEYS_WRONG (wrong passphrase), TG_EIO, TG_ENOMEM. */
int tg_keys_unlock(const char *key_path, const char *passphrase, tg_keys **out,
                   tg_error *err);

/* As tg_keys_unlock, with the recovery code instead (case, spaces and
 * dashes do not matter; O reads as 0, I and L as 1).  Errors: those of
 * tg_keys_unlock, and TG_EINVAL when the code is mistyped (its check
 * characters disagree) or the key file has no recovery code. */
int tg_keys_unlock_recovery(const char *key_path, const char *code, tg_keys **out,
                            tg_error *err);

/* Seals the MK of k under a new passphrase (new salt, MODERATE
 * parameters) and atomically replaces key_path (temporary file, fsync,
 * rename, fsync of the directory).  The recovery slot is kept.  k must
 * come from this key file (its key id is checked).  Errors: TG_EINVAL
 * (policy, as tg_keys_create; or k belongs to another key file), and
 * those of tg_keys_unlock except TG_EKEYS_WRONG. */
int tg_keys_change_passphrase(const char *key_path, const tg_keys *k, const char *passphrase,
                              const char *common_list, tg_error *err);

/* Writes the 32-byte subkey for use into out.  The caller keeps out in
 * sodium_malloc'd memory or wipes it with sodium_memzero. */
void tg_keys_derive(const tg_keys *k, enum tg_key_use use, uint8_t out[TG_KEYS_KEY_LEN]);

/* A 16-byte public fingerprint of MK (keyed BLAKE2b; reveals nothing of
 * MK), the same as the key id stored in the key file. */
void tg_keys_fingerprint(const tg_keys *k, uint8_t out[16]);

/* Wipes and frees.  NULL is a no-op. */
void tg_keys_free(tg_keys *k);

/* Quick-delete (crypto-shred, T5): overwrites the key file with random
 * bytes, syncs, unlinks it and syncs its directory; wipes *k (set to NULL)
 * and forgets the database key of the encrypting VFS; then, best effort,
 * unlinks db_path and its -wal, -shm and -journal files (db_path may be
 * NULL).  Close every connection to the database first.  Takes well under
 * a second: data files are not overwritten, which on SSDs and journaling
 * file systems would not be reliable anyway; without the key file they are
 * noise.  The key file is gone even when an error is returned, unless the
 * error is about it.  Errors: TG_EIO. */
int tg_keys_quick_delete(const char *key_path, const char *db_path, tg_keys **k,
                         tg_error *err);

/* The passphrase policy: at least 12 characters, at least 5 different
 * ones, not a repetition of a shorter string, and not (ignoring case, or
 * after dropping trailing digits and punctuation) a line of common_list,
 * a newline-separated list such as data/common-passwords.txt (NULL skips
 * that check).  Errors: TG_EINVAL with a message saying which rule, and
 * err->path "passphrase". */
int tg_keys_check_passphrase(const char *passphrase, const char *common_list, tg_error *err);

/* Reads a passphrase for a front end, never from the command line: from
 * file descriptor fd when fd >= 0 (--passphrase-fd), else from the file
 * named by TERGEU_PASSPHRASE_FILE, else from the terminal (/dev/tty, not
 * stdin) with echo off after writing prompt there.  One line is read; its
 * newline (and a CR before it) is dropped.  While it waits on the terminal
 * it catches SIGINT, SIGTERM, SIGHUP, SIGQUIT and the job-control signals,
 * so that echo is back on before they take effect (for single-threaded
 * front ends).  *out is sodium_malloc'd: free it with tg_keys_secret_free.  Errors: TG_EINVAL (empty, or longer than
 * TG_KEYS_MAX_PASSPHRASE bytes), TG_EUSAGE (no terminal and no other
 * source), TG_EIO, TG_ENOMEM. */
int tg_keys_read_passphrase(int fd, const char *prompt, char **out, tg_error *err);

/* Wipes and frees a passphrase or recovery code from this module.  NULL is
 * a no-op. */
void tg_keys_secret_free(char *s);

/* Process hygiene for a process that will hold keys (T4): no core dumps
 * (RLIMIT_CORE 0) and not dumpable (PR_SET_DUMPABLE 0, which also stops
 * ptrace by other processes of the same user).  Errors: TG_EIO. */
int tg_keys_harden_process(tg_error *err);

#endif
