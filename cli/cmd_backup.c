/* tergeu backup --out FILE [--force] | restore FILE [--force] [--recovery]
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
 * the recovery code, so a clean machine restores with either.
 *
 * Restore checks every entry against the manifest while writing it under
 * temporary names beside the target, unlocks, verifies the ledger against
 * the backup's checkpoint and every evidence file, and only then renames
 * into place; any failure removes all it wrote. */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "ledger/ledger.h"
#include "vault/vault.h"

#define MAGIC "TERGEU-BACKUP\n"
#define MAGIC_LEN 14
#define FORMAT_VERSION 1
#define MANIFEST "manifest.json"
#define MAX_MANIFEST (64u << 20)
#define CHUNK (1u << 16)

static void put_be(uint8_t *p, uint64_t v, int n)
{
	for (int i = n - 1; i >= 0; i--, v >>= 8)
		p[i] = (uint8_t)v;
}

static uint64_t get_be(const uint8_t *p, int n)
{
	uint64_t v = 0;
	for (int i = 0; i < n; i++)
		v = v << 8 | p[i];
	return v;
}

static void hex(const uint8_t sha[32], char out[65])
{
	sodium_bin2hex(out, 65, sha, 32);
}

static int write_all(int fd, const void *buf, size_t n, const char *path, tg_error *err)
{
	for (const uint8_t *p = buf; n;) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return tg_error_set(err, TG_EIO, NULL, _("cannot write %s: %s"), path,
			                    strerror(errno));
		p += w;
		n -= (size_t)w;
	}
	return TG_OK;
}

/* Syncs the directory holding path, so a rename into it is durable. */
static void sync_dir(const char *path)
{
	char buf[PATH_MAX];
	snprintf(buf, sizeof buf, "%s", path);
	int fd = open(dirname(buf), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
}

/* ---- backup ---------------------------------------------------------- */

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

/* The blob id and expected SHA-256 of evidence record doc; NULL (err
 * filled) when the record's hash or blob id is damaged. */
static const char *record_blob(const json_t *doc, uint8_t want[32], tg_error *err)
{
	const char *blob = json_string_value(json_object_get(doc, "blob"));
	const char *sha = json_string_value(json_object_get(doc, "sha256"));
	size_t n = 0;
	if (blob && tg_vault_id_valid(blob) && sha &&
	    !sodium_hex2bin(want, 32, sha, strlen(sha), NULL, &n, NULL) && n == 32)
		return blob;
	tg_error_set(err, TG_EINTEGRITY, "sha256", _("evidence %s: %s"),
	             json_string_value(json_object_get(doc, "id")),
	             _("the evidence record's hash is damaged"));
	return NULL;
}

/* An evidence record of the snapshot: its blob is verified against the
 * record's hash, then listed.  A deleted record whose blob was shredded
 * has nothing to copy. */
static int add_blob(void *ctx, const json_t *doc)
{
	struct plan *p = ctx;
	uint8_t want[32];
	const char *blob = record_blob(doc, want, p->err);
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
	put_be(h, len, 2);
	memcpy(h + 2, e->name, len);
	put_be(h + 2 + len, e->size, 8);
	return write_all(fd, h, 2 + len + 8, out, err);
}

/* Copies e's file into the container, hashing it again: a file changed
 * since it was listed fails the backup rather than giving a bad entry. */
static int put_entry(int fd, const char *out, const struct entry *e, tg_error *err)
{
	int rc = put_entry_head(fd, out, e, err);
	if (!rc && !e->src)
		rc = write_all(fd, e->data, e->size, out, err);
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
			rc = write_all(fd, buf, n, out, err);
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
	return rc ? rc : write_all(fd, e->sha, 32, out, err);
}

static json_t *manifest(const struct plan *p, const char *note, bool encrypted)
{
	char now[TG_TIME_LEN], h[65];
	tg_now_utc(now);
	json_t *entries = json_array();
	size_t blobs = 0;
	for (size_t i = 0; i < p->n; i++) {
		hex(p->e[i].sha, h);
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
	put_be(head + MAGIC_LEN, FORMAT_VERSION, 4);
	int rc = write_all(fd, head, sizeof head, out, err);
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
		sync_dir(out);
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

/* ---- restore --------------------------------------------------------- */

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
	size_t len = (size_t)get_be(b, 2);
	if (len > 255 || !read_exact(r, name, len) || !read_exact(r, b, 8))
		return damaged(r, expect, _("malformed entry header"));
	name[len] = '\0';
	*size = get_be(b, 8);
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
			rc = write_all(fd, buf, n, dst, r->err);
		left -= n;
	}
	if (fd < 0)
		buf[size] = '\0';
	else
		free(buf);
	crypto_hash_sha256_final(&h, sha);
	char got[65];
	hex(sha, got);
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
	if (get_be(head + MAGIC_LEN, 4) != FORMAT_VERSION)
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
	const char *blob = record_blob(doc, want, x->err);
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
	sync_dir(db);
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
