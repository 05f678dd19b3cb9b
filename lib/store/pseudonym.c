/*
 * What a public export needs from the store: the key of the database's
 * pseudonyms (its own change entry is tg_store_log_event's).
 *
 * A pseudonym is a keyed hash of a record's id.  The key is random, made
 * once per database and kept in it (table pseudonym_key, migration 12), so
 * the pseudonyms of two exports of one database agree, while those of two
 * databases (or of a database and its JSON export imported elsewhere)
 * cannot be matched.  The key is as protected as the records: in an
 * encrypted database it is sealed with every other page.  It never enters
 * a change entry or an export.
 */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "store/store-int.h"

/* The key in out: 1 if there is one, 0 if none yet, negative on error. */
static int read_key(tg_store *st, uint8_t out[TG_PSEUDONYM_KEY_LEN], tg_error *err)
{
	sqlite3_stmt *s = tg_store_stmt(st, "SELECT key FROM pseudonym_key WHERE id = 1", err);
	if (!s)
		return TG_EDB;
	int step = sqlite3_step(s), rc = 0;
	if (step == SQLITE_ROW && sqlite3_column_bytes(s, 0) == TG_PSEUDONYM_KEY_LEN) {
		memcpy(out, sqlite3_column_blob(s, 0), TG_PSEUDONYM_KEY_LEN);
		rc = 1;
	} else if (step == SQLITE_ROW) {
		rc = tg_error_set(err, TG_EINTEGRITY, "pseudonym_key",
		                  _("the key of the pseudonyms is damaged"));
	} else if (step != SQLITE_DONE) {
		rc = tg_store_dberr(st, err);
	}
	sqlite3_reset(s);
	return rc;
}

int tg_store_pseudonym_key(tg_store *st, uint8_t out[TG_PSEUDONYM_KEY_LEN], tg_error *err)
{
	int have = read_key(st, out, err);
	if (have)
		return have < 0 ? have : TG_OK;
	if (sodium_init() < 0)
		return tg_error_set(err, TG_ENOMEM, NULL, "%s", tg_strerror(TG_ENOMEM));
	int rc = tg_store_enter(st, err);
	if (rc)
		return rc;
	/* OR IGNORE: another process may have made the key since we looked;
	 * theirs is kept and read back, so every export agrees. */
	sqlite3_stmt *s = tg_store_stmt(st, "INSERT OR IGNORE INTO pseudonym_key (id, key)"
	                                    " VALUES (1, ?)", err);
	if (!s)
		return tg_store_leave(st, TG_EDB, err);
	randombytes_buf(out, TG_PSEUDONYM_KEY_LEN);
	sqlite3_bind_blob(s, 1, out, TG_PSEUDONYM_KEY_LEN, SQLITE_TRANSIENT);
	int step = sqlite3_step(s);
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	rc = step == SQLITE_DONE ? TG_OK : tg_store_dberr(st, err);
	if (!rc)
		rc = read_key(st, out, err) == 1 ? TG_OK : tg_store_dberr(st, err);
	if (rc)
		sodium_memzero(out, TG_PSEUDONYM_KEY_LEN);
	return tg_store_leave(st, rc, err);
}

void tg_pseudonym(const uint8_t key[TG_PSEUDONYM_KEY_LEN], const char *prefix, const char *uid,
                  char out[TG_PSEUDONYM_LEN])
{
	static const char b32[] = "abcdefghijklmnopqrstuvwxyz234567";
	/* 80 bits: 16 base32 characters exactly; a collision among a
	 * million records has odds of about 1 in 2^41. */
	uint8_t h[10];
	crypto_generichash(h, sizeof h, (const unsigned char *)uid, strlen(uid), key,
	                   TG_PSEUDONYM_KEY_LEN);
	size_t n = strlen(prefix);
	if (n > 4)
		n = 4;
	memcpy(out, prefix, n);
	out[n++] = '-';
	for (int i = 0; i < 16; i++) {
		int bit = i * 5, byte = bit / 8, shift = bit % 8;
		unsigned v = (unsigned)h[byte] << 8 | (byte + 1 < 10 ? h[byte + 1] : 0);
		out[n++] = b32[(v >> (11 - shift)) & 31];
	}
	out[n] = '\0';
}
