/*
 * API tokens for scripts, and the second factor of web accounts.  A token
 * is 32 random bytes shown once; the database keeps its BLAKE2b hash, which
 * is enough for a secret of that strength.  Creating and revoking one is a
 * change entry without the token.
 */
#include <sodium.h>
#include <string.h>

#include "store/store-int.h"

enum { HASH_LEN = 32 };

static void token_hash(const char *token, uint8_t out[HASH_LEN])
{
	crypto_generichash(out, HASH_LEN, (const uint8_t *)token, strlen(token),
	                   (const uint8_t *)"tergeu api token", 16);
}

static int log_token(tg_store *st, const char *uid, const char *name, const char *label,
                     const char *op, tg_error *err)
{
	json_t *doc = json_pack("{s:s, s:s, s:s}", "id", uid, "user", name, "label", label);
	char *text = tg_model_canonical(doc);
	json_decref(doc);
	int rc = tg_store_log(st, "api_token", uid, op, text, NULL, err);
	free(text);
	return rc;
}

int tg_token_create(tg_store *st, const char *name, const char *label, char *out,
                    size_t outlen, tg_error *err)
{
	tg_user u;
	int rc = tg_user_get(st, name, &u, err);
	if (rc)
		return rc;
	if (u.disabled)
		return tg_error_set(err, TG_ENOTFOUND, "name", _("no user %s"), name);
	if (outlen < 48)
		return tg_error_set(err, TG_EINVAL, NULL, "token buffer too small");
	if (!label || strlen(label) > 200)
		return tg_error_set(err, TG_EINVAL, "label", _("a label is at most 200 characters"));
	uint8_t raw[32], hash[HASH_LEN];
	randombytes_buf(raw, sizeof raw);
	memcpy(out, "tgk_", 4);
	sodium_bin2base64(out + 4, outlen - 4, raw, sizeof raw,
	                  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(raw, sizeof raw);
	token_hash(out, hash);
	char uid[TG_UUID_LEN], now[TG_TIME_LEN];
	tg_uuid7(uid);
	tg_now_utc(now);
	if ((rc = tg_store_enter(st, err)))
		return rc;
	sqlite3_stmt *s = tg_store_stmt(st, "INSERT INTO api_token (uid, user, label, hash, created)"
	                                    " VALUES (?, ?, ?, ?, ?)", err);
	if (!s)
		return tg_store_leave(st, TG_EDB, err);
	sqlite3_bind_text(s, 1, uid, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, label, -1, SQLITE_STATIC);
	sqlite3_bind_blob(s, 4, hash, HASH_LEN, SQLITE_STATIC);
	sqlite3_bind_text(s, 5, now, -1, SQLITE_STATIC);
	int step = sqlite3_step(s);
	sqlite3_reset(s);
	rc = step == SQLITE_DONE ? log_token(st, uid, name, label, "create", err)
	                         : tg_store_dberr(st, err);
	return tg_store_leave(st, rc, err);
}

int tg_token_check(tg_store *st, const char *token, tg_user *user, tg_error *err)
{
	uint8_t hash[HASH_LEN];
	token_hash(token, hash);
	sqlite3_stmt *s = tg_store_stmt(st, "SELECT user FROM api_token WHERE hash = ?"
	                                    " AND revoked IS NULL", err);
	if (!s)
		return TG_EDB;
	sqlite3_bind_blob(s, 1, hash, HASH_LEN, SQLITE_STATIC);
	char name[72] = "";
	int step = sqlite3_step(s);
	if (step == SQLITE_ROW)
		snprintf(name, sizeof name, "%s", (const char *)sqlite3_column_text(s, 0));
	int rc = step == SQLITE_ROW || step == SQLITE_DONE ? TG_OK : tg_store_dberr(st, err);
	sqlite3_reset(s);
	if (rc) /* a failed read is not a wrong token */
		return rc;
	if (*name) {
		rc = tg_user_get(st, name, user, err);
		if (!rc && !user->disabled)
			return 0;
		if (rc && rc != TG_ENOTFOUND)
			return rc;
	}
	return tg_error_set(err, TG_EAUTH, "token", _("the token is not valid"));
}

int tg_token_revoke(tg_store *st, const char *name, const char *uid, tg_error *err)
{
	char now[TG_TIME_LEN];
	tg_now_utc(now);
	int rc = tg_store_enter(st, err);
	if (rc)
		return rc;
	sqlite3_stmt *s = tg_store_stmt(st, "UPDATE api_token SET revoked = ? WHERE uid = ?"
	                                    " AND user = ? AND revoked IS NULL RETURNING label", err);
	if (!s)
		return tg_store_leave(st, TG_EDB, err);
	sqlite3_bind_text(s, 1, now, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, uid, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, name, -1, SQLITE_STATIC);
	char label[256] = "";
	int step = sqlite3_step(s);
	if (step == SQLITE_ROW)
		snprintf(label, sizeof label, "%s", (const char *)sqlite3_column_text(s, 0));
	sqlite3_reset(s);
	if (step == SQLITE_ROW)
		rc = log_token(st, uid, name, label, "delete", err);
	else if (step == SQLITE_DONE)
		rc = tg_error_set(err, TG_ENOTFOUND, "token", _("no live token %s of %s"), uid, name);
	else
		rc = tg_store_dberr(st, err);
	return tg_store_leave(st, rc, err);
}

int tg_token_list(tg_store *st, const char *name, int (*cb)(void *ctx, const tg_token *t),
                  void *ctx, tg_error *err)
{
	sqlite3_stmt *s;
	if (sqlite3_prepare_v2(st->db, "SELECT uid, user, label, created, revoked FROM api_token"
	                               " WHERE ?1 IS NULL OR user = ?1 ORDER BY uid DESC",
	                       -1, &s, NULL))
		return tg_store_dberr(st, err);
	sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
	int rc = 0, step;
	while (!rc && (step = sqlite3_step(s)) == SQLITE_ROW) {
		tg_token t = {(const char *)sqlite3_column_text(s, 0),
		              (const char *)sqlite3_column_text(s, 1),
		              (const char *)sqlite3_column_text(s, 2),
		              (const char *)sqlite3_column_text(s, 3),
		              (const char *)sqlite3_column_text(s, 4)};
		rc = cb(ctx, &t);
	}
	if (!rc && step != SQLITE_DONE)
		rc = tg_store_dberr(st, err);
	sqlite3_finalize(s);
	return rc;
}

int tg_user_totp_set(tg_store *st, const char *name, const char *secret, tg_error *err)
{
	int rc = tg_store_enter(st, err);
	if (rc)
		return rc;
	sqlite3_stmt *s = tg_store_stmt(st, "UPDATE app_user SET totp = ? WHERE name = ?", err);
	if (!s)
		return tg_store_leave(st, TG_EDB, err);
	sqlite3_bind_text(s, 1, secret, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, name, -1, SQLITE_STATIC);
	int step = sqlite3_step(s);
	int changed = sqlite3_changes(st->db);
	sqlite3_reset(s);
	if (step != SQLITE_DONE)
		rc = tg_store_dberr(st, err);
	else if (!changed)
		rc = tg_error_set(err, TG_ENOTFOUND, "name", _("no user %s"), name);
	else {
		json_t *doc = json_pack("{s:s, s:b}", "name", name, "second_factor", secret != NULL);
		char *text = tg_model_canonical(doc);
		json_decref(doc);
		tg_user u;
		rc = tg_user_get(st, name, &u, err);
		if (!rc) {
			char uid[TG_UUID_LEN];
			snprintf(uid, sizeof uid, "%s", u.uid);
			rc = tg_store_log(st, "user", uid, "update", text, NULL, err);
		}
		free(text);
	}
	return tg_store_leave(st, rc, err);
}

int tg_user_totp_get(tg_store *st, const char *name, char *out, size_t outlen)
{
	sqlite3_stmt *s = tg_store_stmt(st, "SELECT totp FROM app_user WHERE name = ?", NULL);
	if (!s)
		return -1;
	sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
	int rc = 0, step = sqlite3_step(s);
	if (step == SQLITE_ROW && sqlite3_column_type(s, 0) != SQLITE_NULL) {
		snprintf(out, outlen, "%s", (const char *)sqlite3_column_text(s, 0));
		rc = 1;
	} else if (step != SQLITE_ROW && step != SQLITE_DONE) {
		rc = -1;
	}
	sqlite3_reset(s);
	return rc;
}
