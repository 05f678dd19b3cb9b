/*
 * model — the entities of the events-based record ("who did what to whom",
 * HURIDOCS Events Standard Formats, extended for proceedings), described as
 * data: each entity is a table of typed fields.  The same tables drive
 * validation, storage, export and the CLI's flags, so adding a field is one
 * line here and one column in a migration.
 *
 * A record is a JSON object.  Its canonical form (what history, export and
 * `show --json` print) has the keys "entity", "id", every set field, and
 * "deleted"/"deleted_reason" once soft-deleted; unset fields are omitted.
 */
#ifndef TG_MODEL_H
#define TG_MODEL_H

#include <jansson.h>
#include <stdbool.h>

#include "util/util.h"

enum tg_ftype {
	TG_FT_TEXT,
	TG_FT_INT,
	TG_FT_REAL,
	TG_FT_BOOL,
	TG_FT_DATE, /* partial date, see tg_pdate */
	TG_FT_TERM, /* code from a vocabulary */
	TG_FT_REF,  /* id of another record, of the entities in refs */
	TG_FT_LIST, /* array stored in a child table */
};

enum tg_fflag {
	TG_FF_REQUIRED = 1,
	TG_FF_MULTILINE = 2, /* free text shown as a paragraph */
	TG_FF_NAME = 4,      /* a person's name as written */
};

struct tg_entity;

typedef struct tg_field {
	const char *name;
	enum tg_ftype type;
	const char *vocab;             /* TG_FT_TERM */
	unsigned refs;                 /* TG_FT_REF: mask of 1u << entity index */
	unsigned flags;                /* enum tg_fflag */
	const struct tg_entity *child; /* TG_FT_LIST */
	double min, max;               /* TG_FT_INT / TG_FT_REAL when min < max */
	const char *help;              /* untranslated, for --help */
} tg_field;

typedef struct tg_entity {
	const char *name;  /* "person" */
	const char *table; /* SQL table */
	const tg_field *fields;
	int nfields;
	/* Child tables (elements of a TG_FT_LIST field): owner, pos columns
	 * precede the fields; a scalar child's JSON elements are bare values
	 * of its single field. */
	bool is_child;
	bool scalar;
	int index; /* position in tg_model_entities(), for ref masks */
	const char *help;
} tg_entity;

/* Top-level entities in dependency order (a record only refers to
 * entities listed before it, or to its own entity). */
const tg_entity *const *tg_model_entities(int *n);
/* NULL when name is not a top-level entity. */
const tg_entity *tg_model_entity(const char *name);
const tg_field *tg_model_field(const tg_entity *e, const char *name);
/* Bit for ref masks. */
unsigned tg_model_refbit(const char *entity);

/* What validation needs from storage. */
typedef struct tg_lookup {
	void *ctx;
	bool (*term_exists)(void *ctx, const char *vocab, const char *code);
	/* The entity name of the record with this id (deleted ones too) in
	 * *entity: 0; TG_ENOTFOUND when there is none (err untouched);
	 * another code, err filled, when storage could not say. */
	int (*ref_entity)(void *ctx, const char *uid, const char **entity, tg_error *err);
	/* The id of the place with this code in *uid: 0; TG_ENOTFOUND when
	 * there is none (err untouched); another code, err filled, when
	 * storage could not say. */
	int (*place_by_code)(void *ctx, const char *code, const char **uid, tg_error *err);
	/* The parent id of an event or place in *parent, for cycle checks
	 * (NULL when it has none): 0, or a storage error with err filled. */
	int (*parent_of)(void *ctx, const char *entity, const char *uid, const char **parent,
	                 tg_error *err);
} tg_lookup;

/*
 * Validates doc as a record of entity e with id uid and builds its
 * canonical form in *out (new reference, caller decrefs).  Unknown keys,
 * wrong types, impossible dates, unknown vocabulary terms and dangling
 * references are errors naming the JSON path; "entity" and "id" in doc, if
 * present, must agree with e and uid.  Place references may be given as a
 * place code and come out as the place's id.  "confidentiality" defaults to
 * "restricted".  On error *out is NULL.
 */
int tg_model_normalize(const tg_entity *e, const json_t *doc, const char *uid,
                       const tg_lookup *lk, json_t **out, tg_error *err);

/* Canonical text of a record: sorted keys, compact, UTF-8. Caller frees. */
char *tg_model_canonical(const json_t *doc);

/* RFC 7386 merge patch of patch onto a copy of target. New reference. */
json_t *tg_model_merge_patch(const json_t *target, const json_t *patch);

/* A short human title for a record: a name, title or type. Caller frees. */
char *tg_model_title(const json_t *doc);

#endif
