/* What the files of the public export share (public.c: what may leave;
 * public-files.c: the files it is written to); not part of the API. */
#ifndef TG_PUBLIC_INT_H
#define TG_PUBLIC_INT_H

#include <limits.h>

#include "io/io.h"
#include "vault/vault.h"

struct pub {
	tg_store *st;
	const tg_public_opts *o;
	tg_public_report *rep;
	tg_error *err;
	int min_cell;    /* counts under it are suppressed */
	uint8_t *key;    /* the pseudonym key, in guarded memory */
	json_t *docs;    /* id -> canonical document of each live public record */
	json_t *list;    /* the same documents, in list order */
	json_t *out;     /* their public forms, in the same order */
	json_t *files;   /* the manifest's entries */
	json_t *derived; /* custody to record: [evidence id, parent sha, derived sha] */
	tg_vault *vault;
	char dir[PATH_MAX]; /* the temporary directory the export is made in */
};

/* Reads every live public record into x->docs and x->list (a
 * tg_record_list callback). */
int tg_pub_collect(void *ctx, const json_t *doc);
/* Makes x->out: the public form of each record of x->list that keeps one,
 * evidence with its derived file (tg_pub_evidence_file). */
int tg_pub_transform(struct pub *x);
/* The fields of path ("act", "proceeding.stages") a public record shows,
 * in order: those that are lists when lists, else the others. At most max
 * names in out; returns how many. */
size_t tg_pub_fields(const char *path, bool lists, const char **out, size_t max);

/* The public file of evidence doc (public-files.c): its JPEG without
 * metadata, noted in form ("file", "file_sha256"); anything else is left
 * out and counted. */
int tg_pub_evidence_file(struct pub *x, const json_t *doc, json_t *form);

#endif
