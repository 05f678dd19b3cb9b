/* tergeu restore FILE [--force] [--recovery]: the backup container of
 * cmd_backup.c into the database named by --db.
 *
 * Restore checks every entry against the manifest while writing it under
 * temporary names beside the target, unlocks, verifies the ledger against
 * the backup's checkpoint and every evidence file, and only then renames
 * into place; any failure removes all it wrote. */
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/backup-file.h"
#include "cli/cli.h"
#include "ledger/ledger.h"
#include "vault/vault.h"

struct reader {
	FILE *f;
	const char *path;
	tg_error *err;
};

static bool read_exact(struct reader *r, void *buf, size_t n)
{
	return fread(buf, 1, n, r->f) == n;
}

static int damaged(struct reader *r, const char *entry, const char *why)
{
	int rc = tg_error_set(r->err, TG_EINTEGRITY, entry, _("backup entry \"%s\": %s"), entry,
	                      why);
	snprintf(r->err->file, sizeof r->err->file, "%s", r->path);
	return rc;
}

/* Reads an entry's name and size. */
static int read_head(struct reader *r, const char *expect, char name[256], uint64_t *size)
{
	uint8_t b[8];
	if (!read_exact(r, b, 2))
		return damaged(r, expect, _("missing: the backup is cut short"));
	size_t len = (size_t)bk_get_be(b, 2);
	if (len > 255 || !read_exact(r, name, len) || !read_exact(r, b, 8))
		return damaged(r, expect, _("malformed entry header"));
	name[len] = '\0';
	*size = bk_get_be(b, 8);
	if (strcmp(name, expect))
		return damaged(r, expect, _("malformed entry header"));
	return TG_OK;
}

/* Reads the data of entry name (size bytes) and its SHA-256, into fd (or
 * into *mem when fd < 0), checking the hash against the entry's own and,
 * when want_hex is not NULL, the manifest's. */
static int read_body(struct reader *r, const char *name, uint64_t size, const char *want_hex,
                     int fd, const char *dst, char **mem)
{
	crypto_hash_sha256_state h;
	crypto_hash_sha256_init(&h);
	uint8_t *buf = fd >= 0 ? malloc(CHUNK) : NULL, sha[32], stored[32];
	if (fd < 0)
		*mem = (char *)(buf = size <= MAX_MANIFEST ? malloc(size + 1) : NULL);
	if (!buf)
		return size > MAX_MANIFEST ? damaged(r, name, _("malformed entry header"))
		                           : tg_error_set(r->err, TG_ENOMEM, NULL, "%s",
		                                          tg_strerror(TG_ENOMEM));
	int rc = TG_OK;
	for (uint64_t left = size; !rc && left;) {
		size_t n = fd < 0 ? (size_t)size : left < CHUNK ? (size_t)left : CHUNK;
		if (!read_exact(r, buf, n))
			rc = damaged(r, name, _("missing: the backup is cut short"));
		crypto_hash_sha256_update(&h, buf, n);
		if (!rc && fd >= 0)
			rc = bk_write_all(fd, buf, n, dst, r->err);
		left -= n;
	}
	if (fd < 0)
		buf[size] = '\0';
	else
		free(buf);
	crypto_hash_sha256_final(&h, sha);
	char got[65];
	bk_hex(sha, got);
	if (!rc && !read_exact(r, stored, 32))
		rc = damaged(r, name, _("missing: the backup is cut short"));
	if (!rc && (memcmp(sha, stored, 32) || (want_hex && strcmp(got, want_hex))))
		rc = damaged(r, name, _("its SHA-256 differs from the manifest's: the backup is"
		                        " damaged or was altered"));
	return rc;
}

/* Where entry name goes under the staging base S: S, S.key, S-vault/ID. */
static int staged_path(const char *stage, const char *name, tg_strbuf *out)
{
	tg_strbuf_reset(out);
	if (!strcmp(name, "database"))
		tg_strbuf_adds(out, stage);
	else if (!strcmp(name, "key"))
		tg_strbuf_addf(out, "%s.key", stage);
	else if (!strncmp(name, "vault/", 6) && tg_vault_id_valid(name + 6))
		tg_strbuf_addf(out, "%s-vault/%s", stage, name + 6);
	else
		return -1;
	return 0;
}

static int stage_entry(struct reader *r, const char *stage, json_t *e)
{
	const char *name = json_string_value(json_object_get(e, "name"));
	const char *want = json_string_value(json_object_get(e, "sha256"));
	tg_strbuf dst = TG_STRBUF_INIT;
	if (!name || !want || staged_path(stage, name, &dst)) {
		tg_strbuf_release(&dst);
		return damaged(r, MANIFEST, _("malformed manifest"));
	}
	char got[256];
	uint64_t size;
	int rc = read_head(r, name, got, &size);
	if (!rc && !strncmp(name, "vault/", 6)) {
		tg_strbuf dir = TG_STRBUF_INIT;
		tg_strbuf_addf(&dir, "%s-vault", stage);
		if (mkdir(dir.buf, 0700) && errno != EEXIST)
			rc = tg_error_set(r->err, TG_EIO, NULL, _("cannot create directory %s: %s"),
			                  dir.buf, strerror(errno));
		tg_strbuf_release(&dir);
	}
	int fd = rc ? -1 : open(dst.buf, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (!rc && fd < 0)
		rc = tg_error_set(r->err, TG_EIO, NULL, _("cannot write %s: %s"), dst.buf,
		                  strerror(errno));
	if (!rc)
		rc = read_body(r, name, size, want, fd, dst.buf, NULL);
	if (!rc && fsync(fd))
		rc = tg_error_set(r->err, TG_EIO, NULL, _("cannot write %s: %s"), dst.buf,
		                  strerror(errno));
	if (fd >= 0)
		close(fd);
	tg_strbuf_release(&dst);
	return rc;
}

/* Reads and checks the container, writing its entries under the stage
 * base; on success *man is the manifest. */
static int stage(struct reader *r, const char *stage, json_t **man)
{
	uint8_t head[MAGIC_LEN + 4];
	*man = NULL;
	if (!read_exact(r, head, sizeof head) || memcmp(head, MAGIC, MAGIC_LEN))
		return damaged(r, "header", _("not a tergeu backup"));
	if (bk_get_be(head + MAGIC_LEN, 4) != FORMAT_VERSION)
		return damaged(r, "header", _("a backup format this program does not know"));
	char name[256], *text = NULL;
	uint64_t size;
	int rc = read_head(r, MANIFEST, name, &size);
	if (!rc)
		rc = read_body(r, MANIFEST, size, NULL, -1, NULL, &text);
	json_t *m = rc ? NULL : json_loads(text, 0, NULL);
	free(text);
	json_t *entries = json_object_get(m, "entries");
	if (!rc && (!json_is_array(entries) || json_array_size(entries) < 1 ||
	            !json_is_string(json_object_get(m, "checkpoint")) ||
	            json_integer_value(json_object_get(m, "version")) != FORMAT_VERSION))
		rc = damaged(r, MANIFEST, _("malformed manifest"));
	size_t i;
	json_t *e;
	json_array_foreach(entries, i, e) {
		if (rc)
			break;
		const char *n = json_string_value(json_object_get(e, "name"));
		bool ok = n && !strcmp(n, i == 0 ? "database" : i == 1 && json_is_true(json_object_get(m, "encrypted")) ? "key" : n);
		rc = ok ? stage_entry(r, stage, e) : damaged(r, MANIFEST, _("malformed manifest"));
	}
	if (!rc && fgetc(r->f) != EOF)
		rc = damaged(r, "end", _("data after the last entry"));
	if (!rc && ferror(r->f))
		rc = tg_error_set(r->err, TG_EIO, NULL, _("cannot read %s: %s"), r->path,
		                  strerror(errno));
	if (rc)
		json_decref(m);
	else
		*man = m;
	return rc;
}

/* Unlocks the staged key file with the passphrase, or with the recovery
 * code (TERGEU_RECOVERY_FILE, --passphrase-fd or the terminal). */
static int unlock_staged(struct cli *c, bool recovery, const char *key_path, tg_keys **keys,
                         tg_error *err)
{
	char *secret = NULL;
	int fd = c->passphrase_fd;
	const char *file = recovery ? getenv("TERGEU_RECOVERY_FILE") : NULL;
	if (file && *file && (fd = open(file, O_RDONLY | O_CLOEXEC)) < 0)
		return tg_error_set(err, TG_EIO, NULL, _("cannot open: %s"), file);
	int rc = tg_keys_read_passphrase(
		fd, recovery ? _("Recovery code: ") : _("Passphrase of the backed-up database: "),
		&secret, err);
	if (file && *file)
		close(fd);
	if (!rc)
		rc = recovery ? tg_keys_unlock_recovery(key_path, secret, keys, err)
		              : tg_keys_unlock(key_path, secret, keys, err);
	tg_keys_secret_free(secret);
	return rc;
}

struct ev_check {
	tg_vault *v;
	int checked;
	tg_error *err;
};

static int check_evidence(void *ctx, const json_t *doc)
{
	struct ev_check *x = ctx;
	uint8_t want[32];
	const char *blob = bk_record_blob(doc, want, x->err);
	x->checked++;
	if (!blob)
		return TG_EINTEGRITY;
	if (!x->v)
		return tg_error_set(x->err, TG_ENOTFOUND, blob, _("evidence %s: its file %s is not"
		                                                  " in the backup"),
		                    json_string_value(json_object_get(doc, "id")), blob);
	return tg_vault_verify(x->v, blob, want, x->err);
}

/* Opens the staged database and verifies its ledger against the backup's
 * checkpoint and every live evidence file; fills the report. */
static int verify_staged(const char *stage, const tg_keys *keys, const char *note,
                         json_t *report, tg_error *err)
{
	tg_store *st;
	int rc = tg_store_open_keys(stage, 0, keys, &st, err);
	if (rc)
		return rc;
	json_t *lv = NULL, *sum = NULL;
	rc = tg_ledger_verify(st, note, TG_VERIFY_FULL, &lv, err);
	tg_strbuf dir = TG_STRBUF_INIT;
	tg_strbuf_addf(&dir, "%s-vault", stage);
	struct ev_check x = {NULL, 0, err};
	uint8_t *key = sodium_malloc(32);
	if (!rc && !key)
		rc = tg_error_set(err, TG_ENOMEM, NULL, "%s", tg_strerror(TG_ENOMEM));
	if (!rc && access(dir.buf, F_OK) == 0 && !(rc = tg_store_vault_key(st, key, err)))
		rc = tg_vault_open(dir.buf, key, &x.v, err);
	sodium_free(key);
	tg_filter f = {.entity = "evidence"};
	if (!rc)
		rc = tg_record_list(st, &f, check_evidence, &x, err);
	if (!rc)
		rc = tg_store_summary(st, &sum, err);
	if (!rc) {
		json_object_set(report, "ledger", lv);
		json_object_set_new(report, "evidence_verified", json_integer(x.checked));
		json_object_set(report, "records", json_object_get(sum, "records"));
	}
	json_decref(lv);
	json_decref(sum);
	tg_vault_close(x.v);
	tg_strbuf_release(&dir);
	tg_store_close(st);
	return rc;
}

/* Moves the staged files to the database's names, the database last. */
static int place(const char *stage, const char *db, tg_error *err)
{
	static const char *const sides[] = {"-vault", ".key", "-checkpoint", "-wal", ""};
	tg_strbuf from = TG_STRBUF_INIT, to = TG_STRBUF_INIT;
	int rc = TG_OK;
	for (size_t i = 0; !rc && i < sizeof sides / sizeof sides[0]; i++) {
		tg_strbuf_reset(&from);
		tg_strbuf_reset(&to);
		tg_strbuf_addf(&from, "%s%s", stage, sides[i]);
		tg_strbuf_addf(&to, "%s%s", db, sides[i]);
		if (access(from.buf, F_OK) == 0 && rename(from.buf, to.buf))
			rc = tg_error_set(err, TG_EIO, NULL, _("cannot write %s: %s"), to.buf,
			                  strerror(errno));
	}
	tg_strbuf_reset(&from);
	tg_strbuf_addf(&from, "%s-shm", stage);
	unlink(from.buf);
	tg_strbuf_release(&from);
	tg_strbuf_release(&to);
	bk_sync_dir(db);
	return rc;
}

static void print_restored(const char *db, const json_t *report)
{
	const json_t *records = json_object_get(report, "records"), *ledger = json_object_get(report, "ledger");
	long long n = 0;
	const char *k;
	json_t *v;
	json_object_foreach((json_t *)records, k, v)
		n += json_integer_value(v);
	printf(_("restored %s: %lld record(s), %lld evidence file(s) verified, ledger verified"
	         " (%lld entries, consistent with the backup's checkpoint)%s\n"),
	       db, n, (long long)json_integer_value(json_object_get(report, "evidence_verified")),
	       (long long)json_integer_value(json_object_get(ledger, "size")),
	       json_is_true(json_object_get(report, "encrypted")) ? "" : _("; NOT encrypted"));
}

static int restore(struct cli *c, const char *file, bool force, bool recovery)
{
	tg_error err = {0};
	static const char *const sides[] = {"", ".key", "-vault", "-wal"};
	for (size_t i = 0; !force && i < sizeof sides / sizeof sides[0]; i++) {
		tg_strbuf p = TG_STRBUF_INIT;
		tg_strbuf_addf(&p, "%s%s", c->db, sides[i]);
		bool there = access(p.buf, F_OK) == 0;
		tg_strbuf_release(&p);
		if (there) {
			tg_error_set(&err, TG_EEXIST, NULL,
			             _("a database is already at %s (say --force to replace it)"), c->db);
			return cli_fail(&err);
		}
	}
	FILE *f = fopen(file, "rb");
	if (!f) {
		tg_error_set(&err, TG_EIO, NULL, _("cannot read %s: %s"), file, strerror(errno));
		return cli_fail(&err);
	}
	if (cli_make_parent(c->db, &err)) {
		fclose(f);
		return cli_fail(&err);
	}
	tg_strbuf st = TG_STRBUF_INIT, key_path = TG_STRBUF_INIT;
	tg_strbuf_addf(&st, "%s.restore-%d", c->db, (int)getpid());
	tg_strbuf_addf(&key_path, "%s.key", st.buf);
	cli_remove_db(st.buf); /* a leftover of a killed restore of this pid */
	struct reader r = {f, file, &err};
	json_t *man = NULL;
	int rc = stage(&r, st.buf, &man);
	fclose(f);
	bool encrypted = json_is_true(json_object_get(man, "encrypted"));
	const char *note = json_string_value(json_object_get(man, "checkpoint"));
	if (!rc) {
		tg_strbuf side = TG_STRBUF_INIT;
		tg_strbuf_addf(&side, "%s-checkpoint", st.buf);
		rc = cli_write_file(side.buf, note, &err);
		tg_strbuf_release(&side);
	}
	tg_keys *keys = NULL;
	if (!rc && encrypted)
		rc = unlock_staged(c, recovery, key_path.buf, &keys, &err);
	const char *made_at = json_string_value(json_object_get(man, "made_at"));
	json_t *report = json_pack("{s:s, s:b, s:s}", "db", c->db, "encrypted", encrypted,
	                           "made_at", made_at ? made_at : "");
	if (!rc)
		rc = verify_staged(st.buf, keys, note, report, &err);
	tg_keys_free(keys);
	if (!rc && force)
		cli_remove_db(c->db);
	if (!rc && (rc = place(st.buf, c->db, &err)))
		cli_remove_db(c->db);
	cli_remove_db(st.buf);
	if (rc)
		rc = cli_fail(&err);
	else if (c->json)
		cli_print_json(report);
	else
		print_restored(c->db, report);
	json_decref(report);
	json_decref(man);
	tg_strbuf_release(&st);
	tg_strbuf_release(&key_path);
	return rc;
}

CLI_CMD(restore)
{
	const char *file = NULL;
	bool force = false, recovery = false;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--force"))
			force = true;
		else if (!strcmp(argv[i], "--recovery"))
			recovery = true;
		else if (!file && argv[i][0] != '-')
			file = argv[i];
		else
			return cli_usage_error("restore", _("unexpected argument \"%s\""), argv[i]);
	}
	if (!file)
		return cli_usage_error("restore", _("give the backup file"));
	return restore(c, file, force, recovery);
}
