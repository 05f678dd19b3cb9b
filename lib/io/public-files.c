/*
 * The files of a public export: records, count tables and derived images
 * written into a temporary directory, each hashed into the manifest, then
 * renamed into place with the export's ledger entry (see public.c).
 */
#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io/public-int.h"

/* Public evidence files larger than this are left out: the derivative is
 * made in memory, and a JPEG is never this large. */
#define MAX_IMAGE (64u << 20)

static int remove_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb, (void)flag, (void)ftw;
	return remove(path);
}

static void remove_tree(const char *dir)
{
	nftw(dir, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

static void hex_sha256(const void *data, size_t len, char hex[65])
{
	uint8_t h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(h, data, len);
	sodium_bin2hex(hex, 65, h, sizeof h);
}

/* Writes rel (a path inside the export) and lists it in the manifest;
 * parent is the SHA-256 of the original a derived file comes from. */
static int put_file(struct pub *x, const char *rel, const void *data, size_t len,
                    const char *parent, char sha[65])
{
	char path[PATH_MAX + 64];
	const char *slash = strchr(rel, '/');
	if (slash) {
		snprintf(path, sizeof path, "%s/%.*s", x->dir, (int)(slash - rel), rel);
		if (mkdir(path, 0755) && errno != EEXIST)
			return tg_error_set(x->err, TG_EIO, NULL, _("cannot write %s"), rel);
	}
	snprintf(path, sizeof path, "%s/%s", x->dir, rel);
	FILE *f = fopen(path, "wx");
	bool ok = f && fwrite(data, 1, len, f) == len && !fflush(f) && !fsync(fileno(f));
	if ((f && fclose(f)) || !ok)
		return tg_error_set(x->err, TG_EIO, NULL, _("cannot write %s"), rel);
	hex_sha256(data, len, sha);
	json_array_append_new(x->files, json_pack("{s:s, s:s, s:I, s:s*}", "file", rel, "sha256", sha,
	                                          "bytes", (json_int_t)len, "derived_from", parent));
	x->rep->files++;
	return TG_OK;
}

/* A stream into memory, written out as rel when done. */
struct membuf {
	char *buf;
	size_t len;
	FILE *f;
};

static FILE *mem_open(struct membuf *m)
{
	*m = (struct membuf){0};
	m->f = open_memstream(&m->buf, &m->len);
	return m->f;
}

static int mem_put(struct pub *x, struct membuf *m, const char *rel)
{
	char sha[65];
	int rc = fclose(m->f) ? tg_error_set(x->err, TG_ENOMEM, NULL, "%s", tg_strerror(TG_ENOMEM))
	                      : put_file(x, rel, m->buf, m->len, NULL, sha);
	free(m->buf);
	return rc;
}

/* ---- evidence images ---- */

static int open_vault(struct pub *x)
{
	if (x->vault)
		return TG_OK;
	uint8_t *key = sodium_malloc(TG_VAULT_KEY_LEN);
	int rc = key ? tg_store_vault_key(x->st, key, x->err)
	             : tg_error_set(x->err, TG_ENOMEM, NULL, "%s", tg_strerror(TG_ENOMEM));
	if (!rc)
		rc = tg_vault_open(x->o->vault_dir, key, &x->vault, x->err);
	sodium_free(key);
	return rc;
}

/* The original of public evidence doc, decrypted: its bytes in *data
 * (caller wipes and frees), 0; 1 when it is not there to be read. */
static int read_original(struct pub *x, const json_t *doc, char **data, size_t *len)
{
	const char *blob = json_string_value(json_object_get(doc, "blob"));
	const char *want = json_string_value(json_object_get(doc, "sha256"));
	char plain[PATH_MAX + 16], got_hex[65];
	uint8_t got[32];
	snprintf(plain, sizeof plain, "%s/.original", x->dir);
	if (!x->vault && access(x->o->vault_dir, F_OK))
		return 1; /* no vault (a database imported without it): not made for this */
	int rc = open_vault(x);
	if (!rc)
		rc = tg_vault_get(x->vault, blob, plain, got, x->err);
	if (rc == TG_ENOTFOUND)
		return 1;
	if (!rc)
		rc = tg_read_file(plain, data, len, x->err);
	unlink(plain); /* the plaintext leaves the disk at once */
	if (rc)
		return rc;
	sodium_bin2hex(got_hex, sizeof got_hex, got, sizeof got);
	if (!want || strcmp(want, got_hex)) {
		sodium_memzero(*data, *len);
		free(*data);
		*data = NULL;
		return tg_error_set(x->err, TG_EINTEGRITY, "sha256",
		                    _("evidence %s no longer has its intake hash"),
		                    json_string_value(json_object_get(doc, "id")));
	}
	return TG_OK;
}

/* Named by the evidence's pseudonym; an original missing from the vault
 * (a database imported without its vault) is left out like a non-JPEG. */
int tg_pub_evidence_file(struct pub *x, const json_t *doc, json_t *form)
{
	json_int_t size = json_integer_value(json_object_get(doc, "size"));
	char *data = NULL;
	size_t len = 0;
	int rc = size > 0 && size <= MAX_IMAGE && x->o->vault_dir ? read_original(x, doc, &data, &len)
	                                                            : 1;
	uint8_t *clean = NULL;
	size_t clean_len = 0;
	if (!rc && tg_jpeg_strip((const uint8_t *)data, len, &clean, &clean_len, NULL))
		rc = 1;
	if (data) {
		sodium_memzero(data, len);
		free(data);
	}
	if (rc) {
		x->rep->left_out += rc == 1;
		return rc == 1 ? TG_OK : rc;
	}
	char rel[64], sha[65];
	snprintf(rel, sizeof rel, "evidence/%s.jpg", json_string_value(json_object_get(form, "id")));
	const char *parent = json_string_value(json_object_get(doc, "sha256"));
	rc = put_file(x, rel, clean, clean_len, parent, sha);
	free(clean);
	if (rc)
		return rc;
	json_object_set_new(form, "file", json_string(rel));
	json_object_set_new(form, "file_sha256", json_string(sha));
	json_array_append_new(x->derived, json_pack("[O, s, s]", json_object_get(doc, "id"), parent,
	                                            sha));
	x->rep->images++;
	return TG_OK;
}


/* ---- records and tables ---- */

static void csv_value(FILE *f, const json_t *v, bool last)
{
	if (!v || json_is_null(v) || json_is_string(v)) {
		tg_csv_write_field(f, json_string_value(v), last);
		return;
	}
	char *t = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT | JSON_REAL_PRECISION(12));
	tg_csv_write_field(f, t, last);
	free(t);
}

static FILE *mem_or_fail(struct pub *x, struct membuf *m)
{
	FILE *f = mem_open(m);
	if (!f)
		tg_error_set(x->err, TG_ENOMEM, NULL, "%s", tg_strerror(TG_ENOMEM));
	return f;
}

/* entity_list.csv: the elements of one list field, each with its record's
 * id; a list of bare values (methods) has one column for them. */
static int csv_list(struct pub *x, const char *entity, const char *list)
{
	char path[96], rel[128];
	snprintf(path, sizeof path, "%s.%s", entity, list);
	snprintf(rel, sizeof rel, "%s_%s.csv", entity, list);
	const char *cols[16];
	size_t nc = tg_pub_fields(path, false, cols, 16);
	struct membuf m;
	FILE *f = mem_or_fail(x, &m);
	if (!f)
		return TG_ENOMEM;
	tg_csv_write_field(f, entity, !nc);
	for (size_t c = 0; c < nc; c++)
		tg_csv_write_field(f, cols[c], c + 1 == nc);
	json_t *form, *elem;
	size_t i, k;
	json_array_foreach(x->out, i, form) {
		if (strcmp(json_string_value(json_object_get(form, "entity")), entity))
			continue;
		json_array_foreach(json_object_get(form, list), k, elem) {
			csv_value(f, json_object_get(form, "id"), !nc);
			for (size_t c = 0; c < nc; c++)
				csv_value(f, json_is_object(elem) ? json_object_get(elem, cols[c]) : elem,
				          c + 1 == nc);
		}
	}
	return mem_put(x, &m, rel);
}

/* entity.csv for every entity (a header alone when none is public), and
 * a file per list field. */
static int write_records_csv(struct pub *x)
{
	int n, rc = TG_OK;
	const tg_entity *const *all = tg_model_entities(&n);
	for (int e = 0; e < n && !rc; e++) {
		const char *cols[32], *lists[8];
		size_t nc = tg_pub_fields(all[e]->name, false, cols, 32);
		size_t nl = tg_pub_fields(all[e]->name, true, lists, 8);
		struct membuf m;
		FILE *f = mem_or_fail(x, &m);
		if (!f)
			return TG_ENOMEM;
		tg_csv_write_field(f, "id", !nc);
		for (size_t c = 0; c < nc; c++)
			tg_csv_write_field(f, cols[c], c + 1 == nc);
		json_t *form;
		size_t i;
		json_array_foreach(x->out, i, form) {
			if (strcmp(json_string_value(json_object_get(form, "entity")), all[e]->name))
				continue;
			csv_value(f, json_object_get(form, "id"), !nc);
			for (size_t c = 0; c < nc; c++)
				csv_value(f, json_object_get(form, cols[c]), c + 1 == nc);
		}
		char rel[64];
		snprintf(rel, sizeof rel, "%s.csv", all[e]->name);
		rc = mem_put(x, &m, rel);
		for (size_t l = 0; l < nl && !rc; l++)
			rc = csv_list(x, all[e]->name, lists[l]);
	}
	return rc;
}

/* records.json: shaped like the full export, one canonical record a line. */
static int write_records_json(struct pub *x)
{
	struct membuf m;
	FILE *f = mem_or_fail(x, &m);
	if (!f)
		return TG_ENOMEM;
	fputs("{\"format\":\"tergeu-public\",\"version\":1,\n\"records\":[", f);
	json_t *form;
	size_t i;
	json_array_foreach(x->out, i, form) {
		char *t = tg_model_canonical(form);
		fprintf(f, "%s\n%s", i ? "," : "", t);
		free(t);
	}
	fputs("\n]}\n", f);
	return mem_put(x, &m, "records.json");
}

/* One CSV per table: its columns and "victims"; each row's cells, then
 * its total with "total" in the last column. */
static int write_tables_csv(struct pub *x, const json_t *tables)
{
	json_t *t, *row, *cell, *v;
	size_t i, r, c, k;
	int rc = TG_OK;
	json_array_foreach(tables, i, t) {
		struct membuf m;
		FILE *f = mem_or_fail(x, &m);
		if (!f)
			return TG_ENOMEM;
		json_array_foreach(json_object_get(t, "columns"), c, v)
			tg_csv_write_field(f, json_string_value(v), false);
		tg_csv_write_field(f, "victims", true);
		json_array_foreach(json_object_get(t, "rows"), r, row) {
			json_array_foreach(json_object_get(row, "cells"), c, cell) {
				json_array_foreach(json_object_get(row, "key"), k, v)
					csv_value(f, v, false);
				csv_value(f, json_array_get(cell, 0), false);
				csv_value(f, json_array_get(cell, 1), true);
			}
			json_array_foreach(json_object_get(row, "key"), k, v)
				csv_value(f, v, false);
			tg_csv_write_field(f, "total", false);
			csv_value(f, json_object_get(row, "total"), true);
		}
		char rel[96];
		snprintf(rel, sizeof rel, "%s.csv", json_string_value(json_object_get(t, "name")));
		if ((rc = mem_put(x, &m, rel)))
			break;
	}
	return rc;
}

static int write_tables_json(struct pub *x, json_t *tables)
{
	json_t *doc = json_pack("{s:s, s:i, s:i, s:O}", "format", "tergeu-public-tables", "version",
	                        1, "min_cell", x->min_cell, "tables", tables);
	char *text = json_dumps(doc, JSON_INDENT(1) | JSON_SORT_KEYS);
	json_decref(doc);
	if (!text)
		return tg_error_set(x->err, TG_ENOMEM, NULL, "%s", tg_strerror(TG_ENOMEM));
	char sha[65];
	tg_strbuf sb = TG_STRBUF_INIT;
	tg_strbuf_addf(&sb, "%s\n", text);
	free(text);
	int rc = put_file(x, "tables.json", sb.buf, sb.len, NULL, sha);
	tg_strbuf_release(&sb);
	return rc;
}

/* Reads what goes out in one snapshot, so the counts and the records
 * agree: the public records, then the count tables (whose place names
 * must be public places' names). */
static int read_all(struct pub *x, json_t **tables)
{
	int rc = tg_store_snapshot_begin(x->st, x->err);
	if (rc)
		return rc;
	tg_filter all = {0};
	rc = tg_record_list(x->st, &all, tg_pub_collect, x, x->err);
	json_t *places = json_object(), *doc;
	const char *uid;
	json_object_foreach(x->docs, uid, doc)
		if (!strcmp(json_string_value(json_object_get(doc, "entity")), "place"))
			json_object_set_new(places, json_string_value(json_object_get(doc, "name")),
			                    json_true());
	if (!rc)
		rc = tg_io_public_tables(x->st, places, x->min_cell, tables, &x->rep->suppressed, x->err);
	json_decref(places);
	tg_store_snapshot_end(x->st);
	return rc;
}

/* ---- the export as a whole ---- */

static int check_opts(const tg_public_opts *o, tg_error *err)
{
	if (!o->format || (strcmp(o->format, "csv") && strcmp(o->format, "json")))
		return tg_error_set(err, TG_EINVAL, "--format", _("--format: give csv or json"));
	if (o->min_cell && (o->min_cell < 2 || o->min_cell > 1000))
		return tg_error_set(err, TG_EINVAL, "--min-cell",
		                    _("--min-cell: give a whole number from 2 to 1000"));
	if (!o->out || !*o->out)
		return tg_error_set(err, TG_EUSAGE, "--out",
		                    _("--out DIR is needed: a public export is several files"));
	struct stat sb;
	if (stat(o->out, &sb))
		return errno == ENOENT ? TG_OK
		                       : tg_error_set(err, TG_EIO, "--out", _("cannot write %s"), o->out);
	DIR *d = S_ISDIR(sb.st_mode) ? opendir(o->out) : NULL;
	bool empty = d != NULL;
	for (struct dirent *de; d && (de = readdir(d));)
		empty = empty && (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."));
	if (d)
		closedir(d);
	return empty ? TG_OK
	             : tg_error_set(err, TG_EEXIST, "--out",
	                            _("--out: %s exists and is not an empty directory"), o->out);
}

/* The temporary directory beside --out: on the same file system, so the
 * finished export is renamed into place in one step. */
static int make_dir(struct pub *x)
{
	size_t n = strlen(x->o->out);
	while (n > 1 && x->o->out[n - 1] == '/')
		n--;
	snprintf(x->dir, sizeof x->dir, "%.*s.tmp-XXXXXX", (int)n, x->o->out);
	if (!mkdtemp(x->dir)) {
		x->dir[0] = '\0';
		return tg_error_set(x->err, TG_EIO, "--out", _("cannot write %s"), x->o->out);
	}
	return TG_OK;
}

/* manifest.json: every file with its SHA-256 and size, when the export
 * was made and the checkpoint of the ledger it was made from. */
static int write_manifest(struct pub *x, const char *id, const char *made_at, const char *note,
                          char sha[65])
{
	json_t *m = json_pack("{s:s, s:i, s:s, s:s, s:s, s:i, s:s, s:O}", "format",
	                      "tergeu-public-manifest", "version", 1, "export", id, "made_at", made_at,
	                      "data_format", x->o->format, "min_cell",
	                      x->min_cell, "checkpoint", note, "files",
	                      x->files);
	char *text = json_dumps(m, JSON_INDENT(2) | JSON_SORT_KEYS);
	json_decref(m);
	if (!text)
		return tg_error_set(x->err, TG_ENOMEM, NULL, "%s", tg_strerror(TG_ENOMEM));
	tg_strbuf sb = TG_STRBUF_INIT;
	tg_strbuf_addf(&sb, "%s\n", text);
	free(text);
	char path[PATH_MAX + 16];
	snprintf(path, sizeof path, "%s/manifest.json", x->dir);
	FILE *f = fopen(path, "wx");
	bool ok = f && fwrite(sb.buf, 1, sb.len, f) == sb.len && !fflush(f) && !fsync(fileno(f));
	int rc = (f && fclose(f)) || !ok
	             ? tg_error_set(x->err, TG_EIO, NULL, _("cannot write %s"), "manifest.json")
	             : TG_OK;
	hex_sha256(sb.buf, sb.len, sha);
	tg_strbuf_release(&sb);
	return rc;
}

/* In one transaction: the custody entry of each derived image on its
 * original, the export's own entry naming the manifest's hash, and the
 * rename of the finished directory into place. */
static int record(struct pub *x, const char *id, const char *made_at, const char *sha)
{
	int rc = tg_store_begin(x->st, x->err);
	if (rc)
		return rc;
	json_t *d;
	size_t i;
	json_array_foreach(x->derived, i, d) {
		char note[512];
		snprintf(note, sizeof note, "public export %s: copy without metadata, sha256 %s,"
		         " derived from sha256 %s", id, json_string_value(json_array_get(d, 2)),
		         json_string_value(json_array_get(d, 1)));
		rc = tg_custody_add(x->st, json_string_value(json_array_get(d, 0)), "redacted_derivative",
		                    x->o->actor ? x->o->actor : "cli", note, x->err);
		if (rc)
			break;
	}
	json_t *doc = json_pack("{s:s, s:s, s:s, s:s, s:I, s:I, s:I, s:i}", "id", id, "made_at",
	                        made_at, "format", x->o->format, "manifest_sha256", sha, "records",
	                        (json_int_t)x->rep->records, "files", (json_int_t)x->rep->files,
	                        "images", (json_int_t)x->rep->images, "min_cell",
	                        x->min_cell);
	if (!rc)
		rc = tg_store_log_event(x->st, "public_export", id, doc, x->err);
	json_decref(doc);
	if (!rc && rename(x->dir, x->o->out))
		rc = tg_error_set(x->err, TG_EIO, "--out", _("cannot write %s"), x->o->out);
	if (rc) {
		tg_store_rollback(x->st);
		return rc;
	}
	if ((rc = tg_store_commit(x->st, x->err)))
		remove_tree(x->o->out); /* no entry: no export */
	x->dir[0] = '\0';
	return rc;
}

int tg_io_export_public(tg_store *st, const tg_public_opts *o, tg_public_report *rep,
                        tg_error *err)
{
	memset(rep, 0, sizeof *rep);
	int rc = check_opts(o, err);
	if (rc)
		return rc;
	if (sodium_init() < 0)
		return tg_error_set(err, TG_ENOMEM, NULL, "%s", tg_strerror(TG_ENOMEM));
	struct pub x = {.st = st, .o = o, .rep = rep, .err = err,
	                .min_cell = o->min_cell ? o->min_cell : 5, .docs = json_object(),
	                .list = json_array(), .out = json_array(), .files = json_array(),
	                .derived = json_array()};
	x.key = sodium_malloc(TG_PSEUDONYM_KEY_LEN);
	char *note = NULL, made_at[TG_TIME_LEN], sha[65];
	json_t *tables = NULL;
	tg_uuid7(rep->id);
	tg_now_utc(made_at);
	rc = x.key ? tg_store_pseudonym_key(st, x.key, err)
	           : tg_error_set(err, TG_ENOMEM, NULL, "%s", tg_strerror(TG_ENOMEM));
	/* Signed before reading: the checkpoint vouches for the records read. */
	if (!rc)
		rc = tg_ledger_sign_checkpoint(st, &note, err);
	if (!rc)
		rc = make_dir(&x);
	if (!rc)
		rc = read_all(&x, &tables);
	if (!rc)
		rc = tg_pub_transform(&x);
	bool csv = !strcmp(o->format, "csv");
	if (!rc)
		rc = csv ? write_records_csv(&x) : write_records_json(&x);
	if (!rc)
		rc = csv ? write_tables_csv(&x, tables) : write_tables_json(&x, tables);
	if (!rc)
		rc = write_manifest(&x, rep->id, made_at, note, sha);
	if (!rc)
		rc = record(&x, rep->id, made_at, sha);
	if (!rc)
		memcpy(rep->manifest_sha256, sha, sizeof sha);
	if (x.dir[0])
		remove_tree(x.dir);
	tg_vault_close(x.vault);
	sodium_free(x.key);
	free(note);
	json_decref(tables);
	json_decref(x.docs);
	json_decref(x.list);
	json_decref(x.out);
	json_decref(x.files);
	json_decref(x.derived);
	return rc;
}
