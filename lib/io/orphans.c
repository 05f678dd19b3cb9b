/*
 * The evidence vault against the records: files no evidence names, and
 * their removal.
 *
 * An intake seals a file into the vault (tmp-<id>, renamed to <id>) and
 * then records it; a process killed between the two leaves a blob no
 * record names, one killed before the rename a temporary file.  They hold
 * only ciphertext, but take space and show that an intake was tried.
 * Removing them must never take a blob an intake is about to record, nor
 * evidence whose record the database should have:
 *   - the vault is taken exclusively first (vault.h): no intake is between
 *     sealing and recording while the clean-up runs, and none starts;
 *   - the ledger must verify: a database that lost records is no guide;
 *   - a blob is kept if any evidence record names it, live or deleted, in
 *     its row or in any of its change entries (tg_evidence_blobs);
 *   - a file changed within the grace period is left alone, for writers
 *     the lock does not reach (another machine on a shared disk);
 *   - files whose names are not a blob id or tmp-<blob id> are not looked at.
 * The ledger entry naming the files is written before they go, so no
 * removal is unrecorded; a file that could not be removed is named again
 * by the next run.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "io/io.h"

struct scan {
	tg_vault_file *files;
	size_t n, cap;
	char (*refs)[TG_VAULT_ID_LEN];
	size_t nrefs, caprefs;
};

static int add_file(void *ctx, const tg_vault_file *f)
{
	struct scan *s = ctx;
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 64;
		if (!(s->files = realloc(s->files, s->cap * sizeof *s->files)))
			abort();
	}
	s->files[s->n++] = *f;
	return 0;
}

static int add_ref(void *ctx, const char *blob)
{
	struct scan *s = ctx;
	if (!tg_vault_id_valid(blob))
		return 0; /* names no file the vault could hold */
	if (s->nrefs == s->caprefs) {
		s->caprefs = s->caprefs ? s->caprefs * 2 : 64;
		if (!(s->refs = realloc(s->refs, s->caprefs * sizeof *s->refs)))
			abort();
	}
	memcpy(s->refs[s->nrefs++], blob, TG_VAULT_ID_LEN);
	return 0;
}

static int cmp_id(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* The files first, then what the records name: a blob recorded in
 * between is then seen as named, never the reverse. */
static int scan(tg_store *st, tg_vault *v, struct scan *s, tg_error *err)
{
	int rc = tg_vault_each(v, add_file, s, err);
	if (!rc)
		rc = tg_evidence_blobs(st, add_ref, s, err);
	if (!rc && s->nrefs)
		qsort(s->refs, s->nrefs, sizeof *s->refs, cmp_id);
	return rc;
}

static void scan_free(struct scan *s)
{
	free(s->files);
	free(s->refs);
}

static bool named(const struct scan *s, const char *id)
{
	return s->nrefs && bsearch(id, s->refs, s->nrefs, sizeof *s->refs, cmp_id);
}

/* Classifies every file, calling cb with each orphan; marks in old which
 * orphans may go. */
static int classify(const struct scan *s, int64_t grace, bool *old,
                    int (*cb)(void *ctx, const tg_orphan *o), void *ctx,
                    tg_orphan_report *rep)
{
	int64_t now = (int64_t)time(NULL);
	int rc = 0;
	for (size_t i = 0; i < s->n && !rc; i++) {
		const tg_vault_file *f = &s->files[i];
		rep->files++;
		/* A temporary file of a recorded id would be the only copy. */
		if (named(s, f->id))
			continue;
		int64_t age = now - f->changed;
		tg_orphan o = {f, age, age < grace};
		rep->orphans++;
		rep->temps += f->temp;
		rep->young += o.young;
		rep->bytes += o.young ? 0 : f->size;
		old[i] = !o.young;
		if (cb)
			rc = cb(ctx, &o);
	}
	return rc;
}

int tg_io_vault_orphans(tg_store *st, tg_vault *v, int64_t grace,
                        int (*cb)(void *ctx, const tg_orphan *o), void *ctx,
                        tg_orphan_report *rep, tg_error *err)
{
	memset(rep, 0, sizeof *rep);
	struct scan s = {0};
	int rc = scan(st, v, &s, err);
	bool *old = rc ? NULL : calloc(s.n + 1, sizeof *old);
	if (!rc && !old)
		abort();
	if (!rc)
		rc = classify(&s, grace, old, cb, ctx, rep);
	free(old);
	scan_free(&s);
	return rc;
}

/* The ledger entry of a clean-up: the files it removes. */
static int log_removal(tg_store *st, const struct scan *s, const bool *old, int64_t grace,
                       char id[TG_UUID_LEN], tg_error *err)
{
	json_t *files = json_array();
	for (size_t i = 0; i < s->n; i++)
		if (old[i])
			json_array_append_new(files, json_pack("{s:s, s:s, s:I}", "name", s->files[i].name,
			                                       "kind", s->files[i].temp ? "temp" : "blob",
			                                       "size", (json_int_t)s->files[i].size));
	tg_uuid7(id);
	json_t *doc = json_pack("{s:s, s:I, s:o}", "id", id, "grace_seconds", (json_int_t)grace,
	                        "files", files);
	int rc = tg_store_log_event(st, "vault_gc", id, doc, err);
	json_decref(doc);
	if (rc)
		*id = '\0';
	return rc;
}

/* A ledger that does not verify means records may be missing: their
 * blobs would look unnamed. */
static int ledger_sound(tg_store *st, tg_error *err)
{
	json_t *report;
	int rc = tg_ledger_verify(st, NULL, 0, &report, err);
	json_decref(report);
	if (rc && err) {
		char why[sizeof err->msg];
		snprintf(why, sizeof why, "%s", err->msg);
		tg_error_set(err, rc, err->path, _("nothing removed from the vault: %s"), why);
	}
	return rc;
}

int tg_io_vault_gc(tg_store *st, tg_vault *v, int64_t grace,
                   int (*cb)(void *ctx, const tg_orphan *o), void *ctx, tg_orphan_report *rep,
                   tg_error *err)
{
	memset(rep, 0, sizeof *rep);
	int rc = tg_vault_lock_exclusive(v, err);
	if (!rc)
		rc = ledger_sound(st, err);
	struct scan s = {0};
	if (!rc)
		rc = scan(st, v, &s, err);
	bool *old = rc ? NULL : calloc(s.n + 1, sizeof *old);
	if (!rc && !old)
		abort();
	if (!rc)
		rc = classify(&s, grace, old, cb, ctx, rep);
	if (!rc && rep->orphans > rep->young)
		rc = log_removal(st, &s, old, grace, rep->entry, err);
	bool logged = !rc;
	for (size_t i = 0; logged && i < s.n; i++) {
		if (!old[i])
			continue;
		tg_error e = {0};
		int r = tg_vault_shred_file(v, &s.files[i], &e);
		if (r == TG_ENOTFOUND)
			continue; /* gone meanwhile: nothing to do */
		if (r) {
			/* The others still go; the first failure is the answer. */
			if (!rc && err)
				*err = e;
			rc = rc ? rc : r;
			continue;
		}
		rep->removed++;
		rep->removed_bytes += s.files[i].size;
	}
	free(old);
	scan_free(&s);
	return rc;
}
