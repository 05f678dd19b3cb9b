/*
 * Evidence records: a file sealed in the vault becomes an evidence record
 * and its first custody entry ("intake") in one transaction, so there is
 * never a record without its intake or the reverse.  The CLI and the web
 * upload both come through here.  What the vault's clean-up must keep is
 * asked here too.
 */
#include <string.h>

#include "store/store-int.h"

int tg_custody_add(tg_store *st, const char *evidence, const char *action, const char *by,
                   const char *note, tg_error *err)
{
	char now[TG_TIME_LEN];
	tg_now_utc(now);
	json_t *doc = json_pack("{s:s, s:s, s:s?, s:s, s:s?}", "evidence", evidence, "action", action,
	                        "by", by, "at", now, "note", note);
	int rc = tg_record_create(st, "custody", doc, NULL, err);
	json_decref(doc);
	return rc;
}

int tg_evidence_intake(tg_store *st, const json_t *meta, const char *filename, const char *blob,
                       const char *sha256_hex, uint64_t size, const char *by,
                       char uid_out[TG_UUID_LEN], tg_error *err)
{
	json_t *doc = json_deep_copy(meta);
	json_object_set_new(doc, "blob", json_string(blob));
	json_object_set_new(doc, "sha256", json_string(sha256_hex));
	json_object_set_new(doc, "size", json_integer((json_int_t)size));
	if (filename && *filename)
		json_object_set_new(doc, "filename", json_string(filename));
	int rc = tg_store_begin(st, err);
	if (!rc)
		rc = tg_record_create(st, "evidence", doc, uid_out, err);
	if (!rc)
		rc = tg_custody_add(st, uid_out, "intake", by, NULL, err);
	if (!rc)
		rc = tg_store_commit(st, err);
	else
		tg_store_rollback(st);
	json_decref(doc);
	return rc;
}

int tg_evidence_blobs(tg_store *st, int (*cb)(void *ctx, const char *blob), void *ctx,
                      tg_error *err)
{
	/* The change entries are append-only and in the ledger: a blob any
	 * version of any evidence record named is kept even if its row were
	 * gone. An evidence entry's document is the record as written. */
	sqlite3_stmt *s;
	if (sqlite3_prepare_v2(st->db,
	        "SELECT blob FROM evidence WHERE blob IS NOT NULL"
	        " UNION SELECT json_extract(doc, '$.blob') FROM change"
	        " WHERE entity = 'evidence' AND json_valid(doc)"
	        "  AND json_extract(doc, '$.blob') IS NOT NULL",
	        -1, &s, NULL) != SQLITE_OK)
		return tg_store_dberr(st, err);
	int rc = TG_OK, step = SQLITE_DONE;
	while (!rc && (step = sqlite3_step(s)) == SQLITE_ROW)
		rc = cb(ctx, (const char *)sqlite3_column_text(s, 0));
	if (!rc && step != SQLITE_DONE)
		rc = tg_store_dberr(st, err);
	sqlite3_finalize(s);
	return rc;
}
