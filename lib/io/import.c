/*
 * Import of a JSON export.  Records go through the normal write path.  A
 * record may refer to one later in the file (an event whose parent was
 * created after it); such records wait and are retried until a pass makes
 * no progress, and only then is a dangling reference an error.
 */
#include <stdlib.h>
#include <string.h>

#include "io/io.h"

static int fail_at(tg_error *err, const char *path, const char *prefix)
{
	char sub[sizeof err->path];
	snprintf(sub, sizeof sub, "%s%s%s", prefix, *err->path ? "." : "", err->path);
	snprintf(err->path, sizeof err->path, "%s", sub);
	return err->code;
}

static int import_terms(tg_store *st, const json_t *terms, tg_error *err)
{
	size_t i;
	const json_t *t;
	char at[64];
	json_array_foreach(terms, i, t) {
		snprintf(at, sizeof at, "terms[%zu]", i);
		const char *f[6];
		static const char *const keys[] = {"vocab", "code", "parent", "kk", "ru", "en"};
		for (int k = 0; k < 6; k++)
			f[k] = json_string_value(json_object_get(t, keys[k]));
		if (!json_is_object(t) || !f[0] || !f[1])
			return tg_error_set(err, TG_EINVAL, at, _("%s: a term needs vocab and code"), at);
		if (tg_term_exists(st, f[0], f[1]))
			continue;
		int rc = tg_term_add(st, f[0], f[1], f[2], f[3], f[4], f[5], err);
		if (rc)
			return fail_at(err, err->path, at);
	}
	return TG_OK;
}

static int import_records(tg_store *st, const json_t *records, tg_progress_fn progress,
                          void *ctx, tg_error *err)
{
	size_t n = json_array_size(records), done = 0, waiting;
	unsigned char *state = calloc(n ? n : 1, 1); /* 0 pending, 1 done */
	if (!state)
		return tg_error_set(err, TG_ENOMEM, NULL, "%s", tg_strerror(TG_ENOMEM));
	int rc = TG_OK;
	char at[64];
	do {
		waiting = 0;
		size_t before = done;
		for (size_t i = 0; i < n && !rc; i++) {
			if (state[i])
				continue;
			const json_t *doc = json_array_get(records, i);
			snprintf(at, sizeof at, "records[%zu]", i);
			const char *entity = json_string_value(json_object_get(doc, "entity"));
			if (!json_is_object(doc) || !entity) {
				rc = tg_error_set(err, TG_EINVAL, at, _("%s: a record needs \"entity\""), at);
				break;
			}
			tg_error e = {0};
			int r = tg_record_create(st, entity, doc, NULL, &e);
			if (r == TG_EREF) {
				waiting++;
				continue;
			}
			if (r) {
				*err = e;
				rc = fail_at(err, err->path, at);
				break;
			}
			state[i] = 1;
			if (progress && (++done % 1024 == 0 || done == n))
				progress(ctx, "records", done, n);
		}
		if (!rc && waiting && done == before) {
			/* No progress: report the first record still waiting. */
			for (size_t i = 0; i < n; i++) {
				if (state[i])
					continue;
				snprintf(at, sizeof at, "records[%zu]", i);
				const json_t *doc = json_array_get(records, i);
				rc = tg_record_create(st, json_string_value(json_object_get(doc, "entity")),
				                      doc, NULL, err);
				rc = fail_at(err, err->path, at);
				break;
			}
		}
	} while (!rc && waiting);
	free(state);
	return rc;
}

int tg_io_import_json(tg_store *st, const char *path, tg_progress_fn progress, void *ctx,
                      tg_error *err)
{
	tg_error local;
	if (!err)
		err = &local;
	char *text;
	size_t len;
	int rc = tg_read_file(path, &text, &len, err);
	if (rc)
		return rc;
	json_error_t jerr;
	json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	free(text);
	if (!root) {
		tg_error_set(err, TG_EJSON, NULL, _("column %d: %s"), jerr.column, jerr.text);
		err->line = jerr.line;
	} else if (!json_is_object(root) ||
	           !json_is_string(json_object_get(root, "format")) ||
	           strcmp(json_string_value(json_object_get(root, "format")), "tergeu-export")) {
		tg_error_set(err, TG_EINVAL, "format", _("not a tergeu export (format is missing)"));
	} else if (json_integer_value(json_object_get(root, "version")) != 1) {
		tg_error_set(err, TG_EINVAL, "version", _("unsupported export version"));
	} else if (!json_is_array(json_object_get(root, "records")) ||
	           (json_object_get(root, "terms") &&
	            !json_is_array(json_object_get(root, "terms")))) {
		tg_error_set(err, TG_ETYPE, "records", _("records and terms must be arrays"));
	} else {
		rc = tg_store_begin(st, err);
		if (!rc)
			rc = import_terms(st, json_object_get(root, "terms"), err);
		if (!rc)
			rc = import_records(st, json_object_get(root, "records"), progress, ctx, err);
		if (!rc)
			rc = tg_store_commit(st, err);
		else
			tg_store_rollback(st);
		json_decref(root);
		if (rc && err)
			snprintf(err->file, sizeof err->file, "%s", path);
		return rc;
	}
	json_decref(root);
	snprintf(err->file, sizeof err->file, "%s", path);
	return err->code;
}
