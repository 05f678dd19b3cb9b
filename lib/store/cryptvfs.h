/*
 * cryptvfs — an SQLite VFS that seals every page of a database, every WAL
 * frame's page image and every rollback-journal page image with
 * XChaCha20-Poly1305 before the bytes reach the file system (T1, T2).
 * Internal to the store; docs/crypto.md has the on-disk format.
 *
 * Keys never travel through SQLite.  A process-wide registry maps the full
 * path of a database (as the unix VFS computes it) to a 32-byte key held in
 * guarded, locked memory (sodium_malloc).  The caller sets the key, then
 * opens the database through TG_CRYPTVFS_NAME:
 *
 *	if (tg_cryptvfs_set_key(path, key, err))
 *		return ...;
 *	sqlite3_open_v2(path, &db, flags, TG_CRYPTVFS_NAME);
 *	sqlite3_exec(db, "PRAGMA temp_store = MEMORY", ...);   (first thing)
 *
 * The WAL and rollback journal of that database find the same entry.  The
 * VFS fixes the page size of a new database at 4096 with 40 reserved bytes
 * per page; it refuses temporary files (temp_store must be MEMORY), a
 * page-1 write without the reserve, writes of unexpected shape, and a file
 * system without SQLITE_IOCAP_POWERSAFE_OVERWRITE.  A page that fails
 * authentication makes xRead return SQLITE_IOERR_AUTH; the page is recorded
 * as the database's last fault.
 *
 * Thread safety: the registry is guarded by a mutex; each open file is used
 * as SQLite uses it (one connection at a time).
 */
#ifndef TG_CRYPTVFS_H
#define TG_CRYPTVFS_H

#include <stdbool.h>
#include <stdint.h>

#include "util/util.h"

#define TG_CRYPTVFS_NAME "tergeu-crypt"
#define TG_CRYPTVFS_KEY_LEN 32
#define TG_CRYPTVFS_PAGE_SIZE 4096 /* of every database the VFS creates */
#define TG_CRYPTVFS_RESERVE 40     /* nonce (24) + tag (16) at each page's end */

/* What a sealed page belongs to; bound into its associated data. */
enum tg_cryptvfs_role {
	TG_CRYPTVFS_MAIN = 1,
	TG_CRYPTVFS_WAL = 2,
	TG_CRYPTVFS_JOURNAL = 3,
};

enum tg_cryptvfs_fault_kind {
	TG_CRYPTVFS_NO_FAULT = 0,
	TG_CRYPTVFS_AUTH,       /* a page failed authentication (read refused) */
	TG_CRYPTVFS_TORN_FRAME, /* a WAL frame failed authentication during
	                           recovery: the log was taken to end there */
	TG_CRYPTVFS_TORN_HEADER, /* page 1 failed authentication when SQLite
	                            read the file header at open: only its
	                            plaintext fields were given, and the page
	                            itself is read from the log or refused */
	TG_CRYPTVFS_NO_RESERVE, /* page 1 written without 40 reserved bytes */
	TG_CRYPTVFS_LAYOUT,     /* a read or write of a shape SQLite never uses */
	TG_CRYPTVFS_NO_PSOW,    /* the file system lacks powersafe overwrite */
};

typedef struct tg_cryptvfs_fault {
	enum tg_cryptvfs_fault_kind kind;
	enum tg_cryptvfs_role role;
	uint32_t pgno; /* 0 when the fault is not about one page */
} tg_cryptvfs_fault;

/* Registers the VFS (not as the default) on top of the default VFS and
 * starts libsodium.  Idempotent and thread-safe; tg_cryptvfs_set_key calls
 * it.  Errors: TG_EIO (libsodium or SQLite refused). */
int tg_cryptvfs_register(tg_error *err);

/* Copies key into the registry for the database at db_path (a plain path,
 * not a "file:" URI; relative paths resolve against the current directory
 * now, as SQLite would at open).  Setting the same key again is harmless;
 * it also revives a key forgotten while files were still open.  Errors:
 * TG_EINVAL (a different key is in use by open files of that database),
 * TG_ENOMEM, TG_EIO (as tg_cryptvfs_register). */
int tg_cryptvfs_set_key(const char *db_path, const uint8_t key[TG_CRYPTVFS_KEY_LEN],
                        tg_error *err);

/* Forgets the key of db_path: no new connection can open the database.
 * The key memory is wiped and freed now, or when the last open file of the
 * database closes (open connections keep working until closed, so that a
 * connection never writes pages nobody can read).  Unknown paths and NULL
 * are a no-op. */
void tg_cryptvfs_forget_key(const char *db_path);

/* The last fault recorded for db_path since its key was set.  Returns true
 * and fills *out when there is one; false (and *out zeroed) otherwise. */
bool tg_cryptvfs_last_fault(const char *db_path, tg_cryptvfs_fault *out);

/* For a failed SQLite call on db_path with extended result code
 * sqlite_rc: if it is the VFS's doing (an authentication failure, or a
 * refused write), fills err with a translated message naming the page and
 * returns TG_EINTEGRITY (authentication) or TG_EDB (refused write); else
 * returns TG_OK and leaves err alone, so the caller reports the SQLite
 * error itself. */
int tg_cryptvfs_error(const char *db_path, int sqlite_rc, tg_error *err);

#endif
