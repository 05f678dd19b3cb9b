/*
 * The ledger: every change entry is also a leaf of an append-only Merkle
 * log (RFC 9162 hashing, lib/ledger), so that no entry can be altered,
 * removed or reordered without `ledger verify` noticing, and signed
 * checkpoints exported abroad let a third party check it later.
 *
 * A leaf holds ids and keyed hashes, never plaintext: the record's entity,
 * id, operation and time, and an HMAC-SHA-256 (ledger key) over the actor,
 * the canonical document and the reason.  The tree's frontier lives in
 * memory; every complete subtree is cached in tlog_node, so opening a log
 * of a million leaves costs a few dozen look-ups.  A clock that goes back
 * marks the leaf (clock_regression).
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ledger/ledger.h"
#include "store/cryptvfs.h"
#include "store/store-int.h"

struct tg_ledger_state {
	tg_merkle_frontier frontier;
	uint8_t *mac_key; /* 32 bytes, sodium_malloc */
	uint8_t *sk;      /* Ed25519, 64 bytes, sodium_malloc */
	char *vkey, *origin;
	char last_at[TG_TIME_LEN];
};

static int step(tg_store *st, sqlite3_stmt *s, tg_error *err)
{
	int rc = sqlite3_step(s) == SQLITE_DONE ? TG_OK : tg_store_dberr(st, err);
	sqlite3_reset(s);
	return rc;
}

/* The leaf's bytes: everything a verifier recomputes, no plaintext. */
static void leaf_hash(const uint8_t mac[32], int64_t seq, const char *at, const char *entity,
                      const char *uid, const char *op, uint8_t out[32])
{
	char hex[65], data[512];
	sodium_bin2hex(hex, sizeof hex, mac, 32);
	int n = snprintf(data, sizeof data, "tergeu-leaf/1\n%lld\n%s\n%s\n%s\n%s\n%s\n",
	                 (long long)seq, at, entity, uid, op, hex);
	tg_merkle_leaf_hash(data, (size_t)n, out);
}

static void doc_mac(const struct tg_ledger_state *l, const char *actor, const char *doc,
                    const char *reason, uint8_t out[32])
{
	crypto_auth_hmacsha256_state s;
	crypto_auth_hmacsha256_init(&s, l->mac_key, 32);
	const char *parts[] = {actor ? actor : "", doc ? doc : "", reason ? reason : ""};
	for (int i = 0; i < 3; i++)
		crypto_auth_hmacsha256_update(&s, (const uint8_t *)parts[i], strlen(parts[i]) + 1);
	crypto_auth_hmacsha256_final(&s, out);
}

static int put_node(void *ctx, unsigned level, uint64_t index, const uint8_t hash[32])
{
	tg_store *st = ctx;
	sqlite3_stmt *s = tg_store_stmt(st, "INSERT OR REPLACE INTO tlog_node (level, idx, hash)"
	                                    " VALUES (?, ?, ?)", NULL);
	if (!s)
		return TG_EDB;
	sqlite3_bind_int(s, 1, (int)level);
	sqlite3_bind_int64(s, 2, (sqlite3_int64)index);
	sqlite3_bind_blob(s, 3, hash, 32, SQLITE_STATIC);
	return step(st, s, NULL);
}

static int get_blob(tg_store *st, const char *sql, int64_t a, int64_t b, int nb, uint8_t out[32])
{
	sqlite3_stmt *s = tg_store_stmt(st, sql, NULL);
	if (!s)
		return TG_EDB;
	sqlite3_bind_int64(s, 1, a);
	if (nb > 1)
		sqlite3_bind_int64(s, 2, b);
	int step = sqlite3_step(s), found = 0;
	if (step == SQLITE_ROW && sqlite3_column_bytes(s, 0) == 32) {
		memcpy(out, sqlite3_column_blob(s, 0), 32);
		found = 1;
	} else if (step != SQLITE_ROW && step != SQLITE_DONE) {
		found = TG_EDB; /* a read that failed: not a missing or damaged hash */
	}
	sqlite3_reset(s);
	return found;
}

static int stored_leaf(void *ctx, uint64_t index, uint8_t out[32])
{
	int found = get_blob(ctx, "SELECT hash FROM tlog_leaf WHERE idx = ?", (int64_t)index, 0, 1,
	                     out);
	return found == 1 ? TG_OK : found < 0 ? found : TG_EINTEGRITY;
}

static int cached_node(void *ctx, unsigned level, uint64_t index, uint8_t out[32])
{
	return get_blob(ctx, "SELECT hash FROM tlog_node WHERE level = ? AND idx = ?", level,
	                (int64_t)index, 2, out);
}

static int fresh_frontier(tg_store *st, tg_error *err);
static int load_frontier(tg_store *st, tg_error *err);

int tg_ledger_append(tg_store *st, int64_t seq, const char *at, const char *actor,
                     const char *entity, const char *uid, const char *op, const char *doc,
                     const char *reason, tg_error *err)
{
	struct tg_ledger_state *l = st->ledger;
	if (!l)
		return TG_OK; /* the store is still opening: backfill adds these leaves */
	/* The write lock is held now, so the stored count is the truth. */
	int frc = fresh_frontier(st, err);
	if (frc)
		return frc;
	uint8_t mac[32], hash[32];
	doc_mac(l, actor, doc, reason, mac);
	leaf_hash(mac, seq, at, entity, uid, op, hash);
	bool regression = *l->last_at && strcmp(at, l->last_at) < 0;
	/* The ids, operation and time the leaf hashes are the change entry's:
	 * verify recomputes the leaf from them. */
	sqlite3_stmt *s = tg_store_stmt(st,
		"INSERT INTO tlog_leaf (idx, seq, doc_mac, hash, clock_regression)"
		" VALUES (?, ?, ?, ?, ?)", err);
	if (!s)
		return TG_EDB;
	sqlite3_bind_int64(s, 1, (sqlite3_int64)l->frontier.size);
	sqlite3_bind_int64(s, 2, seq);
	sqlite3_bind_blob(s, 3, mac, 32, SQLITE_STATIC);
	sqlite3_bind_blob(s, 4, hash, 32, SQLITE_STATIC);
	sqlite3_bind_int(s, 5, regression);
	int rc = step(st, s, err);
	if (!rc)
		rc = tg_merkle_frontier_append(&l->frontier, hash, put_node, st, err);
	if (!rc && !regression)
		snprintf(l->last_at, sizeof l->last_at, "%s", at);
	return rc;
}

/* 1 and the value of key appended to out; 0 when there is none; a
 * storage error (err filled) when it could not be read: never 0 then, or
 * a key that is there would be made anew. */
static int meta_get(tg_store *st, const char *key, tg_strbuf *out, tg_error *err)
{
	sqlite3_stmt *s = tg_store_stmt(st, "SELECT value FROM meta WHERE key = ?", err);
	if (!s)
		return TG_EDB;
	sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
	int step = sqlite3_step(s), found = 0;
	if (step == SQLITE_ROW && sqlite3_column_text(s, 0)) {
		tg_strbuf_adds(out, (const char *)sqlite3_column_text(s, 0));
		found = 1;
	} else if (step != SQLITE_ROW && step != SQLITE_DONE) {
		found = tg_store_dberr(st, err);
	}
	sqlite3_reset(s);
	return found;
}

static int meta_put(tg_store *st, const char *key, const char *value, tg_error *err)
{
	sqlite3_stmt *s = tg_store_stmt(st, "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)",
	                                err);
	if (!s)
		return TG_EDB;
	sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, value, -1, SQLITE_STATIC);
	return step(st, s, err);
}

#define SECRET_MAX 64
#define SEALED_LEN (crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + SECRET_MAX)

/* Reads a secret kept in meta as hex into dst (n bytes, at most
 * SECRET_MAX). In an encrypted database the secret is also sealed
 * (secretbox) under the ledger subkey of the master key: "s:" + hex of
 * nonce, tag and ciphertext. A throwaway --no-encrypt database keeps it as
 * plain hex, as readable as its records. 1 when read, 0 when there is
 * none; TG_EINTEGRITY with the message damaged when it does not decode or
 * open, or a storage error when it could not be read. */
static int secret_get(tg_store *st, const char *key, uint8_t *dst, size_t n, const char *damaged,
                      tg_error *err)
{
	tg_strbuf hex = TG_STRBUF_INIT;
	int found = meta_get(st, key, &hex, err);
	bool sealed = found == 1 && !strncmp(hex.buf, "s:", 2);
	uint8_t box[SEALED_LEN];
	size_t len = 0, want = sealed ? crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + n : n;
	const char *text = sealed ? hex.buf + 2 : hex.buf;
	if (found == 1 &&
	    (n > SECRET_MAX || (sealed && !st->ledger_wrap) ||
	     sodium_hex2bin(sealed ? box : dst, sealed ? sizeof box : n, text, strlen(text), NULL,
	                    &len, NULL) || len != want ||
	     (sealed && crypto_secretbox_open_easy(dst, box + crypto_secretbox_NONCEBYTES,
	                                           len - crypto_secretbox_NONCEBYTES, box,
	                                           st->ledger_wrap))))
		found = tg_error_set(err, TG_EINTEGRITY, key, "%s", damaged);
	if (hex.alloc)
		sodium_memzero(hex.buf, hex.len);
	sodium_memzero(box, sizeof box);
	tg_strbuf_release(&hex);
	return found;
}

static int secret_put(tg_store *st, const char *key, const uint8_t *src, size_t n, tg_error *err)
{
	uint8_t box[SEALED_LEN];
	size_t len = n;
	const uint8_t *out = src;
	if (st->ledger_wrap) {
		randombytes_buf(box, crypto_secretbox_NONCEBYTES);
		crypto_secretbox_easy(box + crypto_secretbox_NONCEBYTES, src, n, box, st->ledger_wrap);
		len = crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + n;
		out = box;
	}
	char *hex = sodium_malloc(2 * len + 3);
	if (!hex)
		return tg_error_set(err, TG_ENOMEM, NULL, "%s", tg_strerror(TG_ENOMEM));
	strcpy(hex, st->ledger_wrap ? "s:" : "");
	sodium_bin2hex(hex + strlen(hex), 2 * len + 1, out, len);
	int rc = meta_put(st, key, hex, err);
	sodium_free(hex);
	return rc;
}

/* Makes the ledger's keys and origin on first use. */
static int ensure_keys(tg_store *st, struct tg_ledger_state *l, tg_error *err)
{
	tg_strbuf sb = TG_STRBUF_INIT;
	int rc = TG_OK;
	const char *damaged = _("the ledger key is damaged");
	int have = secret_get(st, "ledger_mac_key", l->mac_key, 32, damaged, err);
	if (have == 0) {
		randombytes_buf(l->mac_key, 32);
		rc = secret_put(st, "ledger_mac_key", l->mac_key, 32, err);
	} else if (have < 0) {
		rc = have;
	}
	have = rc ? rc : meta_get(st, "ledger_origin", &sb, err);
	if (have < 0)
		rc = have;
	else if (have == 0) {
		uint8_t id[8];
		char hex[17];
		randombytes_buf(id, sizeof id);
		sodium_bin2hex(hex, sizeof hex, id, sizeof id);
		tg_strbuf_reset(&sb);
		tg_strbuf_addf(&sb, "tergeu.local/%s", hex);
		rc = meta_put(st, "ledger_origin", sb.buf, err);
	}
	if (!rc)
		l->origin = tg_strbuf_detach(&sb);
	tg_strbuf_release(&sb);
	have = rc ? rc
	          : secret_get(st, "ledger_signing_key", l->sk, TG_NOTE_SECRET_LEN, damaged, err);
	if (!rc && have == 0) {
		rc = tg_note_keygen(l->origin, l->sk, &l->vkey, err);
		if (!rc)
			rc = secret_put(st, "ledger_signing_key", l->sk, TG_NOTE_SECRET_LEN, err);
	} else if (!rc && have == 1) {
		rc = tg_note_vkey(l->origin, l->sk + 32, &l->vkey, err);
	} else if (!rc) {
		rc = have;
	}
	return rc;
}

/* Leaves are numbered from 0 without gaps (verify checks it), so the
 * count is the last index + 1: one look-up, however long the log. */
static int64_t leaf_count(tg_store *st)
{
	sqlite3_stmt *s = tg_store_stmt(st, "SELECT l.idx, c.at FROM tlog_leaf l LEFT JOIN change c"
	                                    " ON c.seq = l.seq ORDER BY l.idx DESC LIMIT 1", NULL);
	if (!s)
		return -1;
	int64_t n = 0;
	int step = sqlite3_step(s);
	if (step == SQLITE_ROW) {
		n = sqlite3_column_int64(s, 0) + 1;
		if (st->ledger && sqlite3_column_text(s, 1))
			snprintf(st->ledger->last_at, TG_TIME_LEN, "%s",
			         (const char *)sqlite3_column_text(s, 1));
	} else if (step != SQLITE_DONE) {
		n = -1; /* not 0: an empty ledger would be built anew */
	}
	sqlite3_reset(s);
	return n;
}

/* The frontier as stored: another connection (the web server's pool, a
 * CLI command while the server runs) may have appended since it was
 * built. */
static int fresh_frontier(tg_store *st, tg_error *err)
{
	/* A batch holds the write lock from its first write: one look is
	 * enough for all of it. */
	if (st->depth && st->ledger_synced && !st->ledger_stale)
		return TG_OK;
	if (!st->ledger_stale && leaf_count(st) != (int64_t)st->ledger->frontier.size)
		st->ledger_stale = true;
	st->ledger_synced = st->depth > 0;
	return st->ledger_stale ? load_frontier(st, err) : TG_OK;
}

static int load_frontier(tg_store *st, tg_error *err)
{
	int64_t n = leaf_count(st);
	if (n < 0)
		return tg_store_dberr(st, err);
	tg_merkle_src src = {stored_leaf, cached_node, st};
	st->ledger_stale = false;
	return tg_merkle_frontier_build(&src, (uint64_t)n, &st->ledger->frontier, err);
}

/* Leaves for change entries that have none: every entry when the ledger
 * was added to an existing database. */
static int backfill(tg_store *st, tg_error *err)
{
	sqlite3_stmt *s;
	if (sqlite3_prepare_v2(st->db, "SELECT seq, at, actor, entity, uid, op, doc, reason FROM change"
	                               " WHERE seq > coalesce((SELECT max(seq) FROM tlog_leaf), 0)"
	                               " ORDER BY seq", -1, &s, NULL) != SQLITE_OK)
		return tg_store_dberr(st, err);
	int rc = TG_OK, step = SQLITE_DONE;
	while (!rc && (step = sqlite3_step(s)) == SQLITE_ROW) {
		const char *c[7];
		for (int i = 0; i < 7; i++)
			c[i] = (const char *)sqlite3_column_text(s, i + 1);
		rc = tg_ledger_append(st, sqlite3_column_int64(s, 0), c[0], c[1], c[2], c[3], c[4],
		                      c[5], c[6], err);
	}
	if (!rc && step != SQLITE_DONE)
		rc = tg_store_dberr(st, err);
	sqlite3_finalize(s);
	return rc;
}

void tg_ledger_free(tg_store *st)
{
	struct tg_ledger_state *l = st->ledger;
	if (!l)
		return;
	sodium_free(l->mac_key);
	sodium_free(l->sk);
	free(l->vkey);
	free(l->origin);
	free(l);
	st->ledger = NULL;
}

int tg_ledger_open(tg_store *st, tg_error *err)
{
	struct tg_ledger_state *l = calloc(1, sizeof *l);
	if (!l || sodium_init() < 0) {
		free(l);
		return tg_error_set(err, TG_ENOMEM, NULL, "%s", tg_strerror(TG_ENOMEM));
	}
	st->ledger = l;
	l->mac_key = sodium_malloc(32);
	l->sk = sodium_malloc(TG_NOTE_SECRET_LEN);
	if (!l->mac_key || !l->sk)
		return tg_error_set(err, TG_ENOMEM, NULL, "%s", tg_strerror(TG_ENOMEM));
	int rc = tg_store_exec(st, "BEGIN IMMEDIATE", err);
	if (!rc)
		rc = ensure_keys(st, l, err);
	if (!rc)
		rc = load_frontier(st, err);
	if (!rc)
		rc = backfill(st, err);
	if (!rc)
		rc = tg_store_exec(st, "COMMIT", err);
	if (rc) {
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
		/* A page that failed authentication is the cause to name, if
		 * one did: a read that failed is no tampering. */
		tg_cryptvfs_fault ft;
		if (st->vfs_path && tg_cryptvfs_last_fault(st->vfs_path, &ft) &&
		    ft.kind == TG_CRYPTVFS_AUTH &&
		    tg_cryptvfs_error(st->vfs_path, SQLITE_IOERR_AUTH, err))
			rc = err ? err->code : TG_EINTEGRITY;
	}
	return rc ? rc : tg_ledger_check_rollback(st, err);
}

/* ---- checkpoints, proofs and verification -------------------------------- */

static char *sidecar_path(tg_store *st)
{
	const char *db = sqlite3_db_filename(st->db, "main");
	if (!db || !*db)
		return NULL;
	tg_strbuf sb = TG_STRBUF_INIT;
	tg_strbuf_addf(&sb, "%s-checkpoint", db);
	return tg_strbuf_detach(&sb);
}

/* The last checkpoint this database signed is also kept beside it: a
 * database restored from an older copy then has fewer leaves than the
 * checkpoint says, and is refused. */
int tg_ledger_check_rollback(tg_store *st, tg_error *err)
{
	char *path = sidecar_path(st), *note = NULL;
	size_t len;
	int rc = TG_OK;
	if (path && access(path, F_OK) == 0 && !(rc = tg_read_file(path, &note, &len, err))) {
		tg_ledger_checkpoint cp;
		int status;
		if (tg_ledger_checkpoint_open(note, len, st->ledger->vkey, &cp, &status, NULL))
			rc = tg_error_set(err, TG_EINTEGRITY, "ledger",
			                  _("%s is not a checkpoint signed by this database's key"), path);
		else if (cp.size > st->ledger->frontier.size)
			rc = tg_error_set(err, TG_EINTEGRITY, "ledger",
			                  _("the database has %llu ledger entries but its last checkpoint"
			                    " has %llu: it was restored from an older copy or cut short"),
			                  (unsigned long long)st->ledger->frontier.size,
			                  (unsigned long long)cp.size);
	}
	free(note);
	free(path);
	return rc;
}

static int write_sidecar(tg_store *st, const char *note, tg_error *err)
{
	char *path = sidecar_path(st);
	if (!path)
		return TG_OK;
	tg_strbuf tmp = TG_STRBUF_INIT;
	tg_strbuf_addf(&tmp, "%s.tmp", path);
	FILE *f = fopen(tmp.buf, "w");
	int rc = TG_OK;
	if (!f || fputs(note, f) < 0 || fflush(f) || fsync(fileno(f)))
		rc = tg_error_set(err, TG_EIO, NULL, _("cannot write %s"), tmp.buf);
	if (f && fclose(f) && !rc)
		rc = tg_error_set(err, TG_EIO, NULL, _("cannot write %s"), tmp.buf);
	if (!rc && rename(tmp.buf, path))
		rc = tg_error_set(err, TG_EIO, NULL, _("cannot write %s"), path);
	tg_strbuf_release(&tmp);
	free(path);
	return rc;
}

int tg_ledger_sign_checkpoint(tg_store *st, char **note, tg_error *err)
{
	int rc = fresh_frontier(st, err);
	if (rc)
		return rc;
	tg_ledger_checkpoint cp = {.size = st->ledger->frontier.size};
	snprintf(cp.origin, sizeof cp.origin, "%s", st->ledger->origin);
	tg_merkle_frontier_root(&st->ledger->frontier, cp.root);
	rc = tg_ledger_checkpoint_sign(&cp, st->ledger->origin, st->ledger->sk, note, err);
	sqlite3_stmt *s = rc ? NULL : tg_store_stmt(st,
		"INSERT OR IGNORE INTO tlog_checkpoint (size, at, note) VALUES (?, ?, ?)", err);
	if (!rc && !s)
		rc = TG_EDB;
	if (!rc) {
		char now[TG_TIME_LEN];
		tg_now_utc(now);
		sqlite3_bind_int64(s, 1, (sqlite3_int64)cp.size);
		sqlite3_bind_text(s, 2, now, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 3, *note, -1, SQLITE_STATIC);
		rc = step(st, s, err);
	}
	if (!rc)
		rc = write_sidecar(st, *note, err);
	if (rc) {
		free(*note);
		*note = NULL;
	}
	return rc;
}

const char *tg_ledger_vkey(tg_store *st)
{
	return st->ledger ? st->ledger->vkey : NULL;
}

static json_t *b64(const uint8_t *bin, size_t n)
{
	char out[sodium_base64_ENCODED_LEN(64, sodium_base64_VARIANT_ORIGINAL)];
	sodium_bin2base64(out, sizeof out, bin, n, sodium_base64_VARIANT_ORIGINAL);
	return json_string(out);
}

int tg_ledger_prove(tg_store *st, const char *uid, json_t **out, tg_error *err)
{
	*out = NULL;
	int rc = fresh_frontier(st, err);
	if (rc)
		return rc;
	sqlite3_stmt *s = tg_store_stmt(st, "SELECT l.idx, l.hash FROM change c"
	                                    " JOIN tlog_leaf l ON l.idx = c.seq - 1 AND l.seq = c.seq"
	                                    " WHERE c.uid = ? ORDER BY c.seq DESC LIMIT 1", err);
	if (!s)
		return TG_EDB;
	sqlite3_bind_text(s, 1, uid, -1, SQLITE_STATIC);
	uint64_t idx = 0;
	uint8_t leaf[32];
	int step = sqlite3_step(s);
	bool found = step == SQLITE_ROW && sqlite3_column_bytes(s, 1) == 32;
	if (found) {
		idx = (uint64_t)sqlite3_column_int64(s, 0);
		memcpy(leaf, sqlite3_column_blob(s, 1), 32);
	} else if (step != SQLITE_ROW && step != SQLITE_DONE) {
		rc = tg_store_dberr(st, err);
		sqlite3_reset(s);
		return rc;
	}
	sqlite3_reset(s);
	if (!found)
		return tg_error_set(err, TG_ENOTFOUND, "id", _("no ledger entry for %s"), uid);
	uint64_t size = st->ledger->frontier.size;
	tg_merkle_src src = {stored_leaf, cached_node, st};
	tg_merkle_proof proof;
	uint8_t root[32];
	rc = tg_merkle_inclusion_proof(&src, idx, size, &proof, err);
	if (!rc)
		rc = tg_merkle_root(&src, size, root, err);
	if (rc)
		return rc;
	json_t *path = json_array();
	for (size_t i = 0; i < proof.len; i++)
		json_array_append_new(path, b64(proof.hash[i], 32));
	*out = json_pack("{s:s, s:I, s:I, s:o, s:o, s:o, s:s}", "id", uid, "leaf_index",
	                 (json_int_t)idx, "tree_size", (json_int_t)size, "leaf_hash", b64(leaf, 32),
	                 "proof", path, "root", b64(root, 32), "vkey", st->ledger->vkey);
	return *out ? TG_OK : tg_error_set(err, TG_ENOMEM, NULL, "%s", tg_strerror(TG_ENOMEM));
}

struct hashes {
	uint8_t (*h)[32];
	uint64_t n;
};

static int array_leaf(void *ctx, uint64_t index, uint8_t out[32])
{
	const struct hashes *x = ctx;
	memcpy(out, x->h[index], 32);
	return TG_OK;
}

static int bad_entry(tg_error *err, int64_t seq, const char *uid, const char *why)
{
	char at[64];
	snprintf(at, sizeof at, "ledger[%lld]", (long long)seq);
	return tg_error_set(err, TG_EINTEGRITY, at, _("change entry %lld (%s): %s"), (long long)seq,
	                    uid ? uid : "?", why);
}

/* Recomputes every leaf from its change entry into x. */
static int recompute(tg_store *st, struct hashes *x, json_t *regressions, tg_error *err)
{
	sqlite3_stmt *s;
	if (sqlite3_prepare_v2(st->db,
	        "SELECT l.idx, l.seq, l.hash, l.clock_regression,"
	        " c.seq, c.at, c.actor, c.entity, c.uid, c.op, c.doc, c.reason"
	        " FROM tlog_leaf l LEFT JOIN change c ON c.seq = l.seq ORDER BY l.idx", -1, &s,
	        NULL) != SQLITE_OK)
		return tg_store_dberr(st, err);
	int rc = TG_OK, step = SQLITE_DONE;
	while (!rc && (step = sqlite3_step(s)) == SQLITE_ROW) {
		int64_t idx = sqlite3_column_int64(s, 0), seq = sqlite3_column_int64(s, 1);
		const char *uid = (const char *)sqlite3_column_text(s, 8);
		if ((uint64_t)idx != x->n || seq != idx + 1) {
			rc = bad_entry(err, seq, uid, _("a ledger entry before it is missing"));
			break;
		}
		if (sqlite3_column_type(s, 4) == SQLITE_NULL) {
			rc = bad_entry(err, seq, uid, _("the change entry was removed"));
			break;
		}
		const char *c[8];
		for (int i = 0; i < 8; i++)
			c[i] = (const char *)sqlite3_column_text(s, 4 + i);
		uint8_t mac[32];
		doc_mac(st->ledger, c[2], c[6], c[7], mac);
		leaf_hash(mac, seq, c[1], c[3], c[4], c[5], x->h[x->n]);
		if (sqlite3_column_bytes(s, 2) != 32 || memcmp(sqlite3_column_blob(s, 2), x->h[x->n], 32)) {
			rc = bad_entry(err, seq, uid, _("the entry does not match its ledger leaf"));
			break;
		}
		if (sqlite3_column_int(s, 3))
			json_array_append_new(regressions, json_pack("{s:I, s:s}", "seq", (json_int_t)seq,
			                                             "at", c[1]));
		x->n++;
	}
	/* A read that fails is a storage error, not a shorter ledger that
	 * would then read as rewritten history. */
	if (!rc && step != SQLITE_DONE)
		rc = tg_store_dberr(st, err);
	sqlite3_finalize(s);
	if (!rc && sqlite3_prepare_v2(st->db, "SELECT c.seq, c.uid FROM change c LEFT JOIN tlog_leaf l"
	                                      " ON l.idx = c.seq - 1 WHERE l.idx IS NULL LIMIT 1",
	                                      -1, &s, NULL) != SQLITE_OK)
		return tg_store_dberr(st, err);
	if (!rc) {
		step = sqlite3_step(s);
		if (step == SQLITE_ROW)
			rc = bad_entry(err, sqlite3_column_int64(s, 0),
			               (const char *)sqlite3_column_text(s, 1),
			               _("the change entry has no ledger leaf"));
		else if (step != SQLITE_DONE)
			rc = tg_store_dberr(st, err);
		sqlite3_finalize(s);
	}
	return rc;
}

/* A checkpoint must be signed by this database's key and agree with the
 * recomputed tree: same root at its size, and no more leaves than there
 * are. */
static int check_note(tg_store *st, const struct hashes *x, const char *note, const char *where,
                      tg_error *err)
{
	tg_ledger_checkpoint cp;
	int status;
	if (tg_ledger_checkpoint_open(note, strlen(note), st->ledger->vkey, &cp, &status, NULL))
		return tg_error_set(err, TG_EINTEGRITY, "checkpoint",
		                    status == TG_NOTE_KEY_MISMATCH || status == TG_NOTE_UNKNOWN_KEY
		                            ? _("%s: not signed by this database's ledger key")
		                            : _("%s: the checkpoint or its signature is not valid"),
		                    where);
	if (cp.size > x->n)
		return tg_error_set(err, TG_EINTEGRITY, "checkpoint",
		                    _("%s: the checkpoint has %llu entries, the database %llu: entries"
		                      " were removed or an older copy restored"),
		                    where, (unsigned long long)cp.size, (unsigned long long)x->n);
	tg_merkle_src src = {array_leaf, NULL, (void *)x};
	uint8_t root[32];
	int rc = tg_merkle_root(&src, cp.size, root, err);
	if (!rc && memcmp(root, cp.root, 32))
		rc = tg_error_set(err, TG_EINTEGRITY, "checkpoint",
		                  _("%s: the first %llu entries no longer hash to the checkpoint's root:"
		                    " history was rewritten"),
		                  where, (unsigned long long)cp.size);
	return rc;
}

/* The SQLite result code a line of quick_check or integrity_check names
 * for a page it could not get ("... error code=266"), or 0. */
static int page_error_code(const char *line)
{
	const char *at = line ? strstr(line, "error code=") : NULL;
	return at ? atoi(at + 11) : 0;
}

/* SQLite's own check of every page (quick_check), or of every page, index
 * entry and constraint too (integrity_check, full): in an encrypted
 * database a page that fails authentication is named here, whatever table
 * it belongs to. A page that cannot be read is an I/O error, not damage:
 * a failing disk is not an altered file. */
static int check_pages(tg_store *st, bool full, tg_error *err)
{
	sqlite3_stmt *s;
	if (sqlite3_prepare_v2(st->db, full ? "PRAGMA integrity_check" : "PRAGMA quick_check", -1,
	                       &s, NULL) != SQLITE_OK)
		return tg_store_dberr(st, err);
	int step, auth = 0, io = 0;
	char first[400] = "";
	while ((step = sqlite3_step(s)) == SQLITE_ROW) {
		const char *line = (const char *)sqlite3_column_text(s, 0);
		/* "*** in database main ***\n" heads the first finding. */
		const char *nl = line && !strncmp(line, "*** ", 4) ? strchr(line, '\n') : NULL;
		if (!*first)
			snprintf(first, sizeof first, "%s", nl ? nl + 1 : line ? line : "?");
		int code = page_error_code(line);
		auth += code == SQLITE_IOERR_AUTH;
		io += code && code != SQLITE_IOERR_AUTH;
	}
	int rc = step == SQLITE_DONE ? TG_OK : tg_store_dberr(st, err);
	sqlite3_finalize(s);
	if (rc || !strcmp(first, "ok"))
		return rc;
	if (auth && st->vfs_path && tg_cryptvfs_error(st->vfs_path, SQLITE_IOERR_AUTH, err))
		return err ? err->code : TG_EINTEGRITY;
	if (io && !auth)
		return tg_error_set(err, TG_EIO, "database", _("the database could not be read: %s"),
		                    first);
	return tg_error_set(err, TG_EINTEGRITY, "database", _("the database file is damaged: %s"),
	                    *first ? first : "?");
}

int tg_ledger_verify(tg_store *st, const char *note, int flags, json_t **report, tg_error *err)
{
	*report = NULL;
	int rc = fresh_frontier(st, err);
	if (!rc)
		rc = check_pages(st, flags & TG_VERIFY_FULL, err);
	if (rc)
		return rc;
	struct hashes x = {malloc((st->ledger->frontier.size + 1) * 32), 0};
	json_t *regressions = json_array();
	if (!x.h)
		return tg_error_set(err, TG_ENOMEM, NULL, "%s", tg_strerror(TG_ENOMEM));
	rc = recompute(st, &x, regressions, err);
	uint8_t root[32], stored[32];
	tg_merkle_src src = {array_leaf, NULL, &x};
	if (!rc)
		rc = tg_merkle_root(&src, x.n, root, err);
	tg_merkle_frontier_root(&st->ledger->frontier, stored);
	if (!rc && (x.n != st->ledger->frontier.size || memcmp(root, stored, 32)))
		rc = tg_error_set(err, TG_EINTEGRITY, "ledger",
		                  _("the ledger's stored tree does not match its entries"));
	int checked = 0;
	sqlite3_stmt *s = NULL;
	if (!rc && sqlite3_prepare_v2(st->db, "SELECT size, note FROM tlog_checkpoint ORDER BY size",
	                              -1, &s, NULL) != SQLITE_OK)
		rc = tg_store_dberr(st, err);
	int step = SQLITE_DONE;
	while (!rc && s && (step = sqlite3_step(s)) == SQLITE_ROW) {
		char where[64];
		snprintf(where, sizeof where, "checkpoint %lld", (long long)sqlite3_column_int64(s, 0));
		rc = check_note(st, &x, (const char *)sqlite3_column_text(s, 1), where, err);
		checked++;
	}
	if (!rc && step != SQLITE_DONE)
		rc = tg_store_dberr(st, err);
	sqlite3_finalize(s);
	if (!rc && note) {
		rc = check_note(st, &x, note, _("the given checkpoint"), err);
		checked++;
	}
	if (!rc) {
		char hex[65];
		sodium_bin2hex(hex, sizeof hex, root, 32);
		*report = json_pack("{s:b, s:I, s:s, s:i, s:o, s:s, s:s}", "ok", 1, "size",
		                    (json_int_t)x.n, "root", hex, "checkpoints", checked,
		                    "clock_regressions", regressions, "vkey", st->ledger->vkey,
		                    "pages", flags & TG_VERIFY_FULL ? "integrity_check" : "quick_check");
		regressions = NULL;
	}
	json_decref(regressions);
	free(x.h);
	return rc;
}

int tg_store_vault_key(tg_store *st, uint8_t out[32], tg_error *err)
{
	if (st->vault_key) {
		memcpy(out, st->vault_key, 32);
		return TG_OK;
	}
	int have = secret_get(st, "vault_key", out, 32, _("the vault key is damaged"), err);
	if (have == 1)
		return TG_OK;
	if (have < 0)
		return have;
	randombytes_buf(out, 32);
	return secret_put(st, "vault_key", out, 32, err);
}
