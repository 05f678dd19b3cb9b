/* tergeu backup --out FILE [--force]
 *
 * A backup is one file (docs/store.md, "Backup and restore"):
 *
 *	"TERGEU-BACKUP\n"  u32 version (1)
 *	entries: u16 name length, name, u64 size, data, SHA-256 of data (32)
 *
 * all integers big-endian; the entries are "manifest.json", "database",
 * "key" (encrypted databases only) and "vault/<blob id>" per evidence
 * blob, in the manifest's order.  The database is a consistent copy made
 * online (tg_store_backup), sealed page by page under the database key;
 * blobs are already sealed and copied as they are, after verification.
 * The key file holds the master key only wrapped by the passphrase and by
 * the recovery code, so a clean machine restores with either. */
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/backup-file.h"
#include "cli/cli.h"
#include "ledger/ledger.h"
#include "vault/vault.h"

/* One entry of the container, as the manifest lists it. */
struct entry {
	char name[48];
	const char *src; /* file to copy, or NULL: data */
	const char *data;
	uint64_t size;
	uint8_t sha[32];
};

struct plan {
	struct entry *e;
	size_t n, cap;
	tg_vault *vault;
	const char *vault_dir;
	tg_error *err;
};

static int hash_file(const char *path, uint8_t sha[32], uint64_t *size, tg_error *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return tg_error_set(err, TG_EIO, NULL, _("cannot read %s: %s"), path, strerror(errno));
	crypto_hash_sha256_state h;
	crypto_hash_sha256_init(&h);
	uint8_t *buf = malloc(CHUNK);
	ssize_t r = buf ? 0 : -1;
	*size = 0;
	while (buf && (r = read(fd, buf, CHUNK)) > 0) {
		crypto_hash_sha256_update(&h, buf, (size_t)r);
		*size += (uint64_t)r;
	}
	free(buf);
	close(fd);
	if (r < 0)
		return tg_error_set(err, TG_EIO, NULL, _("cannot read %s: %s"), path, strerror(errno));
	crypto_hash_sha256_final(&h, sha);
	return TG_OK;
}

static struct entry *new_entry(struct plan *p, const char *name)
{
	if (p->n == p->cap) {
		size_t cap = p->cap ? 2 * p->cap : 8;
		struct entry *e = realloc(p->e, cap * sizeof *e);
		if (!e)
			return NULL;
		p->e = e;
		p->cap = cap;
	}
	struct entry *e = &p->e[p->n++];
	memset(e, 0, sizeof *e);
	snprintf(e->name, sizeof e->name, "%s", name);
	return e;
}

static int add_file(struct plan *p, const char *name, const char *src)
{
	struct entry *e = new_entry(p, name);
	if (!e)
		return tg_error_set(p->err, TG_ENOMEM, NULL, "%s", tg_strerror(TG_ENOMEM));
	e->src = src;
	return hash_file(src, e->sha, &e->size, p->err);
}

/* An evidence record of the snapshot: its blob is verified against the
 * record's hash, then listed.  A deleted record whose blob was shredded
 * has nothing to copy. */
static int add_blob(void *ctx, const json_t *doc)
{
	struct plan *p = ctx;
	uint8_t want[32];
	const char *blob = bk_record_blob(doc, want, p->err);
	if (!blob)
		return TG_EINTEGRITY;
	tg_error verr = {0};
	int rc = tg_vault_verify(p->vault, blob, want, &verr);
	if (rc == TG_ENOTFOUND && json_object_get(doc, "deleted"))
		return 0;
	if (rc) {
		*p->err = verr;
		return rc;
	}
	for (size_t i = 0; i < p->n; i++)
		if (!strcmp(p->e[i].name + 6, blob) && !strncmp(p->e[i].name, "vault/", 6))
			return 0; /* two records of one blob */
	tg_strbuf name = TG_STRBUF_INIT, path = TG_STRBUF_INIT;
	tg_strbuf_addf(&name, "vault/%s", blob);
	tg_strbuf_addf(&path, "%s/%s", p->vault_dir, blob);
	rc = add_file(p, name.buf, path.buf);
	if (!rc)
		p->e[p->n - 1].src = tg_strbuf_detach(&path);
	tg_strbuf_release(&name);
	tg_strbuf_release(&path);
	return rc;
}

static void plan_free(struct plan *p)
{
	for (size_t i = 0; i < p->n; i++)
		if (!strncmp(p->e[i].name, "vault/", 6))
			free((char *)p->e[i].src);
	free(p->e);
}

/* Signs a checkpoint of the snapshot (so its size is the snapshot's) and
 * lists the blobs its evidence records name, each verified. */
static int seal_snapshot(struct cli *c, const char *snap, const tg_keys *keys, struct plan *p,
                         char **note)
{
	tg_store *st;
	tg_error *err = p->err;
	int rc = tg_store_open_keys(snap, 0, keys, &st, err);
	if (rc)
		return rc;
	rc = tg_ledger_sign_checkpoint(st, note, err);
	tg_strbuf side = TG_STRBUF_INIT;
	tg_strbuf_addf(&side, "%s-checkpoint", snap);
	unlink(side.buf);
	tg_strbuf_release(&side);
	tg_strbuf dir = TG_STRBUF_INIT;
	tg_strbuf_addf(&dir, "%s-vault", c->db);
	p->vault_dir = dir.buf;
	uint8_t *key = sodium_malloc(32);
	if (!rc && !key)
		rc = tg_error_set(err, TG_ENOMEM, NULL, "%s", tg_strerror(TG_ENOMEM));
	/* no vault directory: no evidence was ever added (and none is made) */
	if (!rc && access(dir.buf, F_OK) == 0 && !(rc = tg_store_vault_key(st, key, err)))
		rc = tg_vault_open(dir.buf, key, &p->vault, err);
	sodium_free(key);
	if (!rc && p->vault) {
		tg_filter all = {.entity = "evidence", .include_deleted = true};
		rc = tg_record_list(st, &all, add_blob, p, err);
	}
	tg_vault_close(p->vault);
	p->vault = NULL;
	tg_store_close(st);
	tg_strbuf_release(&dir);
	p->vault_dir = NULL;
	return rc;
}

static int put_entry_head(int fd, const char *out, const struct entry *e, tg_error *err)
{
	uint8_t h[2 + 48 + 8];
	size_t len = strlen(e->name);
	bk_put_be(h, len, 2);
	memcpy(h + 2, e->name, len);
	bk_put_be(h + 2 + len, e->size, 8);
	return bk_write_all(fd, h, 2 + len + 8, out, err);
}

/* Copies e's file into the container, hashing it again: a file changed
 * since it was listed fails the backup rather than giving a bad entry. */
static int put_entry(int fd, const char *out, const struct entry *e, tg_error *err)
{
	int rc = put_entry_head(fd, out, e, err);
	if (!rc && !e->src)
		rc = bk_write_all(fd, e->data, e->size, out, err);
	if (!rc && e->src) {
		int in = open(e->src, O_RDONLY | O_CLOEXEC);
		uint8_t *buf = malloc(CHUNK), sha[32];
		crypto_hash_sha256_state h;
		crypto_hash_sha256_init(&h);
		uint64_t left = e->size;
		ssize_t r = 0;
		while (in >= 0 && buf && !rc && left && (r = read(in, buf, CHUNK)) > 0) {
			size_t n = (uint64_t)r < left ? (size_t)r : (size_t)left;
			crypto_hash_sha256_update(&h, buf, n);
			rc = bk_write_all(fd, buf, n, out, err);
			left -= n;
		}
		crypto_hash_sha256_final(&h, sha);
		if (!rc && (in < 0 || !buf || r < 0 || left || memcmp(sha, e->sha, 32)))
			rc = tg_error_set(err, TG_EIO, e->name, _("%s changed while it was copied"),
			                  e->name);
		free(buf);
		if (in >= 0)
			close(in);
	}
	return rc ? rc : bk_write_all(fd, e->sha, 32, out, err);
}

static json_t *manifest(const struct plan *p, const char *note, bool encrypted)
{
	char now[TG_TIME_LEN], h[65];
	tg_now_utc(now);
	json_t *entries = json_array();
	size_t blobs = 0;
	for (size_t i = 0; i < p->n; i++) {
		bk_hex(p->e[i].sha, h);
		json_array_append_new(entries, json_pack("{s:s, s:I, s:s}", "name", p->e[i].name,
		                                         "size", (json_int_t)p->e[i].size,
		                                         "sha256", h));
		blobs += !strncmp(p->e[i].name, "vault/", 6);
	}
	return json_pack("{s:s, s:i, s:s, s:b, s:s, s:I, s:I, s:o}", "format", "tergeu-backup",
	                 "version", FORMAT_VERSION, "made_at", now, "encrypted", encrypted,
	                 "checkpoint", note, "database_size", (json_int_t)p->e[0].size, "blobs",
	                 (json_int_t)blobs, "entries", entries);
}

static int write_container(const char *out, const char *tmp, const struct plan *p,
                           const char *man, tg_error *err)
{
	int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return tg_error_set(err, TG_EIO, NULL, _("cannot write %s: %s"), out, strerror(errno));
	uint8_t head[MAGIC_LEN + 4];
	memcpy(head, MAGIC, MAGIC_LEN);
	bk_put_be(head + MAGIC_LEN, FORMAT_VERSION, 4);
	int rc = bk_write_all(fd, head, sizeof head, out, err);
	struct entry m = {.name = MANIFEST, .data = man, .size = strlen(man)};
	crypto_hash_sha256(m.sha, (const uint8_t *)man, m.size);
	if (!rc)
		rc = put_entry(fd, out, &m, err);
	for (size_t i = 0; !rc && i < p->n; i++)
		rc = put_entry(fd, out, &p->e[i], err);
	if (!rc && fsync(fd))
		rc = tg_error_set(err, TG_EIO, NULL, _("cannot write %s: %s"), out, strerror(errno));
	if (close(fd) && !rc)
		rc = tg_error_set(err, TG_EIO, NULL, _("cannot write %s: %s"), out, strerror(errno));
	if (!rc && rename(tmp, out))
		rc = tg_error_set(err, TG_EIO, NULL, _("cannot write %s: %s"), out, strerror(errno));
	if (!rc)
		bk_sync_dir(out);
	return rc;
}

/* The source database, unlocked, with the keys kept for the copy. */
static int open_source(struct cli *c, tg_store **st, tg_keys **keys)
{
	tg_error err = {0};
	if (access(c->db, F_OK)) {
		fprintf(stderr, _("tergeu: no database at %s (create one with 'tergeu init')\n"), c->db);
		return tg_error_exit_status(TG_ENOTFOUND);
	}
	int rc = cli_unlock(c, keys);
	if (!rc && tg_store_open_keys(c->db, 0, *keys, st, &err))
		rc = cli_fail(&err);
	return rc;
}

static int backup(struct cli *c, const char *out, bool force)
{
	tg_error err = {0};
	if (!force && access(out, F_OK) == 0) {
		tg_error_set(&err, TG_EEXIST, NULL, _("%s already exists (say --force to replace it)"),
		             out);
		return cli_fail(&err);
	}
	tg_store *st;
	tg_keys *keys = NULL;
	int rc = open_source(c, &st, &keys);
	if (rc)
		return rc;
	tg_strbuf snap = TG_STRBUF_INIT, tmp = TG_STRBUF_INIT, key_path = TG_STRBUF_INIT;
	tg_strbuf_addf(&snap, "%s.snapshot-%d", out, (int)getpid());
	tg_strbuf_addf(&tmp, "%s.tmp-%d", out, (int)getpid());
	tg_strbuf_addf(&key_path, "%s.key", c->db);
	rc = tg_store_backup(st, snap.buf, keys, &err);
	tg_store_close(st);
	struct plan p = {.err = &err};
	char *note = NULL, *man = NULL;
	if (!rc)
		rc = add_file(&p, "database", snap.buf);
	if (!rc && keys)
		rc = add_file(&p, "key", key_path.buf);
	if (!rc)
		rc = seal_snapshot(c, snap.buf, keys, &p, &note);
	/* the checkpoint was signed into the snapshot: hash it as it is now */
	if (!rc)
		rc = hash_file(snap.buf, p.e[0].sha, &p.e[0].size, &err);
	json_t *m = rc ? NULL : manifest(&p, note, keys != NULL);
	if (!rc && (!m || !(man = json_dumps(m, JSON_INDENT(2) | JSON_SORT_KEYS))))
		rc = tg_error_set(&err, TG_ENOMEM, NULL, "%s", tg_strerror(TG_ENOMEM));
	if (!rc)
		rc = write_container(out, tmp.buf, &p, man, &err);
	unlink(tmp.buf);
	unlink(snap.buf);
	for (const char *side = "-wal"; side; side = *side == '-' && side[1] == 'w' ? "-shm" : NULL) {
		tg_strbuf_reset(&tmp);
		tg_strbuf_addf(&tmp, "%s%s", snap.buf, side);
		unlink(tmp.buf);
	}
	if (rc) {
		rc = cli_fail(&err);
	} else if (c->json) {
		json_object_del(m, "entries");
		json_object_set_new(m, "out", json_string(out));
		cli_print_json(m);
	} else {
		tg_ledger_checkpoint cp = {0};
		const char *body_end = strstr(note, "\n\n"); /* the signed text ends there */
		tg_ledger_checkpoint_parse(note, body_end ? (size_t)(body_end - note) + 1 : 0, &cp,
		                           NULL);
		printf(_("backup written to %s: database of %llu bytes (%s), %zu evidence file(s),"
		         " ledger checkpoint at %llu entries\n"),
		       out, (unsigned long long)p.e[0].size,
		       keys ? _("encrypted") : _("NOT encrypted: the database was made with --no-encrypt"),
		       p.n - 1 - (keys != NULL), (unsigned long long)cp.size);
	}
	json_decref(m);
	free(man);
	free(note);
	plan_free(&p);
	tg_keys_free(keys);
	tg_strbuf_release(&snap);
	tg_strbuf_release(&tmp);
	tg_strbuf_release(&key_path);
	return rc;
}

CLI_CMD(backup)
{
	const char *out = NULL;
	bool force = false;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--out") && i + 1 < argc)
			out = argv[++i];
		else if (!strcmp(argv[i], "--force"))
			force = true;
		else
			return cli_usage_error("backup", _("unexpected argument \"%s\""), argv[i]);
	}
	if (!out)
		return cli_usage_error("backup", _("say where: --out FILE"));
	return backup(c, out, force);
}
