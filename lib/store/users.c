/*
 * Accounts of the people who use tergeu through its web interface: a
 * name, a role with a confidentiality clearance, an Argon2id hash of the
 * password (never the password), and a disabled mark instead of deletion.
 * Every change is a change entry in the ledger, without the hash.
 */
#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "store/store-int.h"
#include "util/data.h"

static const char *const roles[] = {"admin", "editor", "analyst", "viewer"};
/* What each role may see unless told otherwise. */
static const char *const role_clearance[] = {"confidential", "restricted", "restricted", "public"};

static int role_index(const char *role)
{
	for (int i = 0; i < 4; i++)
		if (role && !strcmp(role, roles[i]))
			return i;
	return -1;
}

/* Argon2id at the interactive limits (about 0.1 s and 64 MiB a login);
 * the test suite's floor only with both test variables set. */
static void kdf_limits(unsigned long long *ops, size_t *mem)
{
	const char *t = getenv("TERGEU_TEST"), *w = getenv("TERGEU_TEST_WEAK_KDF");
	bool weak = t && !strcmp(t, "1") && w && !strcmp(w, "1");
	*ops = weak ? crypto_pwhash_OPSLIMIT_MIN : crypto_pwhash_OPSLIMIT_INTERACTIVE;
	*mem = weak ? crypto_pwhash_MEMLIMIT_MIN : crypto_pwhash_MEMLIMIT_INTERACTIVE;
}

static int hash_password(const char *password, char out[crypto_pwhash_STRBYTES], tg_error *err)
{
	int rc = tg_keys_check_passphrase(password, tg_data_common_passwords_txt, err);
	if (rc) {
		snprintf(err->path, sizeof err->path, "password");
		return rc;
	}
	unsigned long long ops;
	size_t mem;
	kdf_limits(&ops, &mem);
	if (crypto_pwhash_str(out, password, strlen(password), ops, mem))
		return tg_error_set(err, TG_ENOMEM, "password", "%s", tg_strerror(TG_ENOMEM));
	return 0;
}

/* The change entry of user name, as it now is (no hash). */
static int log_user(tg_store *st, const char *name, const char *op, tg_error *err)
{
	sqlite3_stmt *s = tg_store_stmt(st, "SELECT uid, role, clearance, disabled FROM app_user"
	                                    " WHERE name = ?", err);
	if (!s)
		return TG_EDB;
	sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
	int rc = TG_EDB;
	if (sqlite3_step(s) == SQLITE_ROW) {
		const char *uid = (const char *)sqlite3_column_text(s, 0);
		json_t *doc = json_pack("{s:s, s:s, s:s, s:s}", "id", uid, "name", name,
		                        "role", (const char *)sqlite3_column_text(s, 1),
		                        "clearance", (const char *)sqlite3_column_text(s, 2));
		if (sqlite3_column_type(s, 3) != SQLITE_NULL)
			json_object_set_new(doc, "disabled",
			                    json_string((const char *)sqlite3_column_text(s, 3)));
		char *text = tg_model_canonical(doc);
		char id[TG_UUID_LEN];
		snprintf(id, sizeof id, "%s", uid);
		json_decref(doc);
		sqlite3_reset(s);
		rc = tg_store_log(st, "user", id, op, text, NULL, err);
		free(text);
	} else {
		sqlite3_reset(s);
		rc = tg_store_dberr(st, err);
	}
	return rc;
}

static int not_found(const char *name, tg_error *err)
{
	return tg_error_set(err, TG_ENOTFOUND, "name", _("no user %s"), name);
}

static int clearance_of(const char *role, const char *clearance, const char **out,
                        tg_error *err)
{
	int r = role_index(role);
	if (r < 0)
		return tg_error_set(err, TG_EINVAL, "role",
		                    _("role \"%s\": give admin, editor, analyst or viewer"), role);
	if (clearance && tg_clearance_level(clearance) < 0)
		return tg_error_set(err, TG_EINVAL, "clearance",
		                    _("clearance \"%s\": give public, restricted or confidential"),
		                    clearance);
	*out = clearance ? clearance : role_clearance[r];
	return 0;
}

/* Runs a write of user name: s bound by the caller, then the change entry. */
static int write_user(tg_store *st, sqlite3_stmt *s, const char *name, const char *op,
                      tg_error *err)
{
	int step = sqlite3_step(s);
	int changed = sqlite3_changes(st->db);
	sqlite3_reset(s);
	int rc = step == SQLITE_DONE ? TG_OK : tg_store_dberr(st, err);
	if (!rc && !changed)
		rc = not_found(name, err);
	if (!rc)
		rc = log_user(st, name, op, err);
	return tg_store_leave(st, rc, err);
}

int tg_user_add(tg_store *st, const char *name, const char *role, const char *clearance,
                const char *password, tg_error *err)
{
	if (!name || !*name || strlen(name) > 64 || strpbrk(name, " \t\r\n/:"))
		return tg_error_set(err, TG_EINVAL, "name",
		                    _("a user name is 1 to 64 characters without spaces, / or :"));
	const char *level;
	int rc = clearance_of(role, clearance, &level, err);
	char hash[crypto_pwhash_STRBYTES];
	if (!rc)
		rc = hash_password(password, hash, err);
	if (rc)
		return rc;
	char uid[TG_UUID_LEN], now[TG_TIME_LEN];
	tg_uuid7(uid);
	tg_now_utc(now);
	if ((rc = tg_store_enter(st, err)))
		return rc;
	sqlite3_stmt *s = tg_store_stmt(st, "INSERT INTO app_user (uid, name, role, clearance,"
	                                    " password, created) VALUES (?, ?, ?, ?, ?, ?)", err);
	if (!s)
		return tg_store_leave(st, TG_EDB, err);
	const char *v[] = {uid, name, role, level, hash, now};
	for (int i = 0; i < 6; i++)
		sqlite3_bind_text(s, i + 1, v[i], -1, SQLITE_STATIC);
	int step = sqlite3_step(s);
	sqlite3_reset(s);
	sodium_memzero(hash, sizeof hash);
	if (step == SQLITE_CONSTRAINT)
		rc = tg_error_set(err, TG_EEXIST, "name", _("there is already a user %s"), name);
	else if (step != SQLITE_DONE)
		rc = tg_store_dberr(st, err);
	if (!rc)
		rc = log_user(st, name, "create", err);
	return tg_store_leave(st, rc, err);
}

int tg_user_passwd(tg_store *st, const char *name, const char *password, tg_error *err)
{
	char hash[crypto_pwhash_STRBYTES];
	int rc = hash_password(password, hash, err);
	if (rc || (rc = tg_store_enter(st, err)))
		return rc;
	sqlite3_stmt *s = tg_store_stmt(st, "UPDATE app_user SET password = ? WHERE name = ?", err);
	if (!s)
		return tg_store_leave(st, TG_EDB, err);
	sqlite3_bind_text(s, 1, hash, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 2, name, -1, SQLITE_STATIC);
	sodium_memzero(hash, sizeof hash);
	return write_user(st, s, name, "update", err);
}

int tg_user_role(tg_store *st, const char *name, const char *role, const char *clearance,
                 tg_error *err)
{
	const char *level;
	int rc = clearance_of(role, clearance, &level, err);
	if (rc || (rc = tg_store_enter(st, err)))
		return rc;
	sqlite3_stmt *s = tg_store_stmt(st, "UPDATE app_user SET role = ?, clearance = ?"
	                                    " WHERE name = ?", err);
	if (!s)
		return tg_store_leave(st, TG_EDB, err);
	sqlite3_bind_text(s, 1, role, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, level, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, name, -1, SQLITE_STATIC);
	return write_user(st, s, name, "update", err);
}

int tg_user_disable(tg_store *st, const char *name, tg_error *err)
{
	char now[TG_TIME_LEN];
	tg_now_utc(now);
	int rc = tg_store_enter(st, err);
	if (rc)
		return rc;
	sqlite3_stmt *s = tg_store_stmt(st, "UPDATE app_user SET disabled = ? WHERE name = ?"
	                                    " AND disabled IS NULL", err);
	if (!s)
		return tg_store_leave(st, TG_EDB, err);
	sqlite3_bind_text(s, 1, now, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, name, -1, SQLITE_STATIC);
	return write_user(st, s, name, "update", err);
}

int tg_user_list(tg_store *st, int (*cb)(void *ctx, const tg_user *u), void *ctx, tg_error *err)
{
	sqlite3_stmt *s;
	if (sqlite3_prepare_v2(st->db, "SELECT uid, name, role, clearance, created, disabled,"
	                               " totp IS NOT NULL FROM app_user ORDER BY name", -1, &s, NULL))
		return tg_store_dberr(st, err);
	int rc = 0, step;
	while (!rc && (step = sqlite3_step(s)) == SQLITE_ROW) {
		tg_user u = {(const char *)sqlite3_column_text(s, 0),
		             (const char *)sqlite3_column_text(s, 1),
		             (const char *)sqlite3_column_text(s, 2),
		             (const char *)sqlite3_column_text(s, 3),
		             (const char *)sqlite3_column_text(s, 4),
		             (const char *)sqlite3_column_text(s, 5),
		             sqlite3_column_int(s, 6) != 0};
		rc = cb(ctx, &u);
	}
	if (!rc && step != SQLITE_DONE)
		rc = tg_store_dberr(st, err);
	sqlite3_finalize(s);
	return rc;
}

static char dummy_hash[crypto_pwhash_STRBYTES];

static void make_dummy_hash(void)
{
	unsigned long long ops;
	size_t mem;
	kdf_limits(&ops, &mem);
	if (crypto_pwhash_str(dummy_hash, "tergeu: no such user", 20, ops, mem))
		dummy_hash[0] = '\0';
}

int tg_user_get(tg_store *st, const char *name, tg_user *out, tg_error *err)
{
	sqlite3_stmt *s = tg_store_stmt(st, "SELECT uid, name, role, clearance, created, disabled,"
	                                    " totp IS NOT NULL FROM app_user WHERE name = ?", err);
	if (!s)
		return TG_EDB;
	sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
	int step = sqlite3_step(s);
	int rc = step == SQLITE_DONE ? not_found(name, err) : tg_store_dberr(st, err);
	if (step == SQLITE_ROW) {
		static _Thread_local char buf[6][72];
		for (int i = 0; i < 6; i++) {
			const char *v = (const char *)sqlite3_column_text(s, i);
			snprintf(buf[i], sizeof buf[i], "%s", v ? v : "");
		}
		*out = (tg_user){buf[0], buf[1], buf[2], buf[3], buf[4], *buf[5] ? buf[5] : NULL,
		                 sqlite3_column_int(s, 6) != 0};
		tg_error_clear(err);
		rc = 0;
	}
	sqlite3_reset(s);
	return rc;
}

int tg_user_check(tg_store *st, const char *name, const char *password, tg_error *err)
{
	sqlite3_stmt *s = tg_store_stmt(st, "SELECT password, disabled FROM app_user WHERE name = ?",
	                                err);
	if (!s)
		return TG_EDB;
	sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
	char hash[crypto_pwhash_STRBYTES] = "";
	bool enabled = false;
	int step = sqlite3_step(s);
	if (step == SQLITE_ROW) {
		snprintf(hash, sizeof hash, "%s", (const char *)sqlite3_column_text(s, 0));
		enabled = sqlite3_column_type(s, 1) == SQLITE_NULL;
	} else if (step != SQLITE_DONE) {
		/* A failed read is not a wrong password. */
		int rc = tg_store_dberr(st, err);
		sqlite3_reset(s);
		return rc;
	}
	sqlite3_reset(s);
	/* One answer for a wrong name, a wrong password and a disabled
	 * account, so that none can be told from another. */
	if (!*hash) {
		/* An unknown name costs what a known one costs. */
		static pthread_once_t once = PTHREAD_ONCE_INIT;
		pthread_once(&once, make_dummy_hash);
		snprintf(hash, sizeof hash, "%s", dummy_hash);
		int spent = crypto_pwhash_str_verify(hash, password, strlen(password));
		(void)spent;
		*hash = '\0';
	}
	bool ok = *hash && !crypto_pwhash_str_verify(hash, password, strlen(password)) && enabled;
	sodium_memzero(hash, sizeof hash);
	return ok ? 0 : tg_error_set(err, TG_EAUTH, "password", _("wrong user name or password"));
}
