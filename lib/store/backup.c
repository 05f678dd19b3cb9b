/*
 * A consistent copy of an open database through SQLite's online backup
 * API, while other connections (the web server, a writer) go on.  The copy
 * is made in one backup step, so it holds one read transaction on the
 * source from start to end: every page comes from the same moment, and in
 * WAL mode writers are not held up.
 *
 * The destination goes through the encrypting VFS under the same database
 * key as the source when there are keys: the backup API writes plaintext
 * page images into whatever the destination is, so only a destination
 * opened through the VFS keeps the copy sealed.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "store/cryptvfs.h"
#include "store/store-int.h"

/* Removes dest and what SQLite may have left beside it. */
static void remove_copy(const char *dest)
{
	static const char *const sides[] = {"", "-journal", "-wal", "-shm"};
	tg_strbuf p = TG_STRBUF_INIT;
	for (size_t i = 0; i < sizeof sides / sizeof sides[0]; i++) {
		tg_strbuf_reset(&p);
		tg_strbuf_addf(&p, "%s%s", dest, sides[i]);
		unlink(p.buf);
	}
	tg_strbuf_release(&p);
}

static int open_dest(const char *dest, const tg_keys *keys, sqlite3 **db, tg_error *err)
{
	int rc = TG_OK;
	if (keys) {
		uint8_t *k = sodium_malloc(TG_KEYS_KEY_LEN);
		if (!k)
			return tg_error_set(err, TG_ENOMEM, NULL, "%s", tg_strerror(TG_ENOMEM));
		tg_keys_derive(keys, TG_KEY_DB, k);
		rc = tg_cryptvfs_set_key(dest, k, err);
		sodium_free(k);
		if (rc)
			return rc;
	}
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
	if (sqlite3_open_v2(dest, db, flags, keys ? TG_CRYPTVFS_NAME : NULL) != SQLITE_OK ||
	    sqlite3_exec(*db, "PRAGMA temp_store = MEMORY", NULL, NULL, NULL) != SQLITE_OK)
		rc = tg_error_set(err, TG_EIO, NULL, _("cannot create %s: %s"), dest,
		                  *db ? sqlite3_errmsg(*db) : tg_strerror(TG_ENOMEM));
	return rc;
}

int tg_store_backup(tg_store *st, const char *dest, const tg_keys *keys, tg_error *err)
{
	if (access(dest, F_OK) == 0)
		return tg_error_set(err, TG_EEXIST, NULL, _("%s already exists"), dest);
	if (!keys != !st->vfs_path)
		return tg_error_set(err, TG_EINVAL, NULL, "%s",
		                    _("a backup of an encrypted database needs its keys"));
	sqlite3 *db = NULL;
	int rc = open_dest(dest, keys, &db, err);
	sqlite3_backup *b = rc ? NULL : sqlite3_backup_init(db, "main", st->db, "main");
	if (!rc && !b)
		rc = tg_error_set(err, TG_EDB, NULL, _("database: %s"), sqlite3_errmsg(db));
	int step = SQLITE_OK;
	for (int tries = 0; b && tries < 600; tries++) {
		step = sqlite3_backup_step(b, -1);
		if (step != SQLITE_BUSY && step != SQLITE_LOCKED)
			break;
		sqlite3_sleep(50); /* a writer holds the source: try again */
	}
	if (b && step != SQLITE_DONE) {
		/* errors of the source are reported on the source connection */
		if (st->vfs_path && tg_cryptvfs_error(st->vfs_path, step, err))
			rc = err ? err->code : TG_EINTEGRITY;
		else
			rc = tg_error_set(err, TG_EDB, NULL, _("database: %s"), sqlite3_errstr(step));
	}
	if (b && sqlite3_backup_finish(b) != SQLITE_OK && !rc)
		rc = tg_error_set(err, TG_EDB, NULL, _("database: %s"), sqlite3_errmsg(db));
	if (db && sqlite3_close(db) != SQLITE_OK && !rc)
		rc = tg_error_set(err, TG_EIO, NULL, _("cannot write %s"), dest);
	if (keys)
		tg_cryptvfs_forget_key(dest);
	if (rc)
		remove_copy(dest);
	return rc;
}
