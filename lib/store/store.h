/*
 * store — the SQLite database: schema and numbered migrations, the one
 * write path, reads and queries.  SQL lives here and nowhere else.
 *
 * Every write (create, update, soft delete, vocabulary addition) validates
 * through the model, writes the rows and appends a change entry (actor,
 * UTC time, entity, id, operation, canonical JSON of the new version) in
 * the same transaction.  Change entries are append-only: triggers refuse
 * UPDATE and DELETE on them.
 */
#ifndef TG_STORE_H
#define TG_STORE_H

#include <jansson.h>
#include <stdint.h>

#include "model/model.h"
#include "store/keys.h"
#include "util/util.h"

typedef struct tg_store tg_store;

enum tg_open_flags {
	TG_OPEN_CREATE = 1,   /* create the file if missing */
	TG_OPEN_EXCLUSIVE = 2 /* with CREATE: fail if it exists */
};

/* Opens (and with TG_OPEN_CREATE creates) a database, turns on foreign
 * keys and WAL, applies pending migrations and loads the shipped
 * vocabularies. ESCHEMA if the file is newer than this program. */
int tg_store_open(const char *path, int flags, tg_store **out, tg_error *err);
/* As tg_store_open, for a database encrypted under keys (see keys.h):
 * every page, WAL frame and journal page is sealed by the encrypting VFS.
 * A tampered page is EINTEGRITY naming the page. */
int tg_store_open_keys(const char *path, int flags, const tg_keys *keys, tg_store **out,
                       tg_error *err);
/* Closes; rolls back an open batch. NULL is a no-op. */
void tg_store_close(tg_store *st);
/* Who is writing, recorded in change entries (default "cli"). Copied. */
void tg_store_set_actor(tg_store *st, const char *actor);
/* Schema version after migrations. */
int tg_store_schema_version(tg_store *st);

/* A batch groups many writes in one transaction (bulk import, demo).
 * Without a batch each write is its own transaction. Batches nest. A
 * write refused by validation leaves the batch as it was; one that fails
 * in storage after writing makes tg_store_commit roll the batch back and
 * return TG_EDB. */
int tg_store_begin(tg_store *st, tg_error *err);
int tg_store_commit(tg_store *st, tg_error *err);
void tg_store_rollback(tg_store *st);

/* A read snapshot: every read until tg_store_snapshot_end sees the same
 * database and pays for its locks once (a web page makes dozens of
 * reads). Writes must not happen inside one. A no-op inside a batch. */
int tg_store_snapshot_begin(tg_store *st, tg_error *err);
void tg_store_snapshot_end(tg_store *st);

/* Creates a record of entity from doc (see tg_model_normalize). A doc
 * with an "id" keeps it (EEXIST if taken); otherwise a new UUIDv7 is
 * made. uid_out, if not NULL, receives the id. */
int tg_record_create(tg_store *st, const char *entity, const json_t *doc,
                     char uid_out[TG_UUID_LEN], tg_error *err);
/* Applies an RFC 7386 merge patch to the live record uid and validates
 * the result. A patch that changes nothing writes nothing. */
int tg_record_update(tg_store *st, const char *uid, const json_t *patch, tg_error *err);
/* Soft delete: the record stays, marked deleted with reason (required). */
int tg_record_delete(tg_store *st, const char *uid, const char *reason, tg_error *err);
/* Canonical document of a record (deleted ones too). New reference.
 * TG_ENOTFOUND only when there is no record uid; a read that fails is a
 * storage error (see tg_record_entity). */
int tg_record_get(tg_store *st, const char *uid, json_t **out, tg_error *err);
/* The entity name of record uid (deleted ones too) in *entity, valid until
 * the next call on st. 0 when found; TG_ENOTFOUND ("no record UID" at
 * "id") when the database has no such record; a storage error (TG_EDB,
 * TG_EINTEGRITY for a page that fails authentication) when it could not
 * be read, never TG_ENOTFOUND then. *entity is NULL on any error. */
int tg_record_entity(tg_store *st, const char *uid, const char **entity, tg_error *err);

typedef struct tg_filter {
	const char *entity; /* NULL: every entity */
	const char *place;  /* place id or code; includes places within it */
	const char *from;   /* partial dates bounding the record's date(s) */
	const char *to;
	const char *term; /* a vocabulary code any TERM field of the record has */
	const char *text; /* case-insensitive substring of any text field */
	bool include_deleted;
	int limit; /* 0: no limit */
	int offset;
} tg_filter;

/* Calls cb with each matching canonical document, ordered by entity and
 * then by date and id. cb returns 0 to go on; non-zero stops the walk
 * and is returned. */
typedef int (*tg_record_cb)(void *ctx, const json_t *doc);
int tg_record_list(tg_store *st, const tg_filter *f, tg_record_cb cb, void *ctx,
                   tg_error *err);

/* As tg_record_list for live records, giving each as its canonical text
 * (the document of its latest change entry, which is the record as it
 * is) with its confidentiality level (enum tg_clearance), without
 * building it: the fast way to a page of a list. */
typedef int (*tg_record_text_cb)(void *ctx, const char *uid, int level, const char *doc);
int tg_record_list_text(tg_store *st, const tg_filter *f, tg_record_text_cb cb, void *ctx,
                        tg_error *err);

typedef struct tg_change {
	int64_t seq;
	const char *at, *actor, *entity, *uid, *op, *doc, *reason;
} tg_change;
typedef int (*tg_change_cb)(void *ctx, const tg_change *c);
/* Change entries of uid (every record when uid is NULL) in order. */
int tg_record_history(tg_store *st, const char *uid, tg_change_cb cb, void *ctx,
                      tg_error *err);

/* Vocabularies. Terms shipped in data/vocab.json are loaded at open;
 * users add their own through tg_term_add, which writes a change entry. */
int tg_term_add(tg_store *st, const char *vocab, const char *code, const char *parent,
                const char *kk, const char *ru, const char *en, tg_error *err);
bool tg_term_exists(tg_store *st, const char *vocab, const char *code);
/* Label in lang ("kk", "ru", "en"), falling back to English, then code. */
const char *tg_term_label(tg_store *st, const char *vocab, const char *code,
                          const char *lang);
typedef struct tg_term {
	const char *vocab, *code, *parent, *kk, *ru, *en;
	bool builtin;
} tg_term;
typedef int (*tg_term_cb)(void *ctx, const tg_term *t);
/* Terms of vocab (every vocabulary when NULL), builtin ones first. */
int tg_term_list(tg_store *st, const char *vocab, tg_term_cb cb, void *ctx, tg_error *err);

/*
 * Full-text search over names (verbatim, transliterated, name keys, so a
 * Latin query finds Cyrillic names and the reverse) and the narrative text
 * of every live record (stemmed). The index is kept by the write path in
 * the same transaction.
 */
enum tg_clearance { TG_CLEAR_PUBLIC, TG_CLEAR_RESTRICTED, TG_CLEAR_CONFIDENTIAL };
typedef struct tg_search_opts {
	const char *query;
	const char *entity;   /* NULL: every entity */
	const char *place;    /* place id or code, with the places within it */
	const char *from, *to; /* partial dates bounding the record's first date */
	int clearance;        /* enum tg_clearance: records above it never appear */
	int limit;            /* 0: 20 */
} tg_search_opts;
typedef struct tg_search_hit {
	const char *uid, *entity;
	double score; /* higher is better */
	bool near;    /* found only through a near spelling of a name */
} tg_search_hit;
typedef int (*tg_search_cb)(void *ctx, const tg_search_hit *hit);
/* Calls cb with the best hits, exact matches first, then records found
 * through near spellings of the query's names (one edit away in the name
 * key). A query matching over 500 records is not ranked: the newest
 * records come first and their score is 0. EINVAL for a query with no
 * words. */
int tg_search(tg_store *st, const tg_search_opts *o, tg_search_cb cb, void *ctx, tg_error *err);
/* Rebuilds the whole index (after a bulk load, or to repair it). */
int tg_search_rebuild(tg_store *st, tg_progress_fn progress, void *ctx, tg_error *err);
/* Confidentiality code ("public", ...) to its level; -1 if unknown. */
int tg_clearance_level(const char *code);

/*
 * The ledger: every change entry is a leaf of an append-only Merkle log
 * (RFC 9162), with signed checkpoints in the C2SP tlog-checkpoint format.
 */
/* Signs a checkpoint of the whole log now, keeps it, and writes it beside
 * the database (DB-checkpoint) to detect restored older copies. *note is
 * the signed note text (caller frees). */
int tg_ledger_sign_checkpoint(tg_store *st, char **note, tg_error *err);
/* Checks every page of the database first, with SQLite's quick_check, or
 * with TG_VERIFY_FULL in flags its integrity_check (every index entry and
 * constraint too: slower, for after a crash); then recomputes every leaf
 * from its change entry and the tree from the leaves, and checks every
 * kept checkpoint and note (may be NULL) against it. On success *report
 * is {"ok", "size", "root", "checkpoints", "clock_regressions", "vkey",
 * "pages" ("quick_check" or "integrity_check")}; otherwise EINTEGRITY
 * naming a page that failed authentication, the damage SQLite found, the
 * first bad entry ("ledger[SEQ]") or the checkpoint, or EIO for a page
 * that could not be read. */
enum tg_verify_flags { TG_VERIFY_FULL = 1 };
int tg_ledger_verify(tg_store *st, const char *note, int flags, json_t **report,
                     tg_error *err);
/* Inclusion proof of the latest ledger entry of record uid in the current
 * tree: {"id", "leaf_index", "tree_size", "leaf_hash", "proof", "root",
 * "vkey"}, hashes in base64. */
int tg_ledger_prove(tg_store *st, const char *uid, json_t **out, tg_error *err);
/* The verifier key of this database's checkpoints (name+id+key). */
const char *tg_ledger_vkey(tg_store *st);

/* The key of the evidence vault beside the database (DB-vault): a subkey
 * of the master key of an encrypted database; in a --no-encrypt database a
 * random key kept in it, as protected as its records. */
int tg_store_vault_key(tg_store *st, uint8_t out[32], tg_error *err);
/* Records a file sealed in the vault: an evidence record from meta
 * (source, subject, captured_at, captured_by, url, note, confidentiality)
 * with the blob's id, SHA-256 (hex), size and filename, and its custody
 * entry "intake" by by, in one transaction (nothing written on error). */
int tg_evidence_intake(tg_store *st, const json_t *meta, const char *filename, const char *blob,
                       const char *sha256_hex, uint64_t size, const char *by,
                       char uid_out[TG_UUID_LEN], tg_error *err);
/* Calls cb with every blob id an evidence record names, live or deleted,
 * in its row or in any of its change entries (so a blob an older version
 * named is kept too): what the vault's clean-up must never remove. cb
 * returns 0 to go on; non-zero stops the walk and is returned. */
int tg_evidence_blobs(tg_store *st, int (*cb)(void *ctx, const char *blob), void *ctx,
                      tg_error *err);
/* A custody entry of evidence: action (a custody_action term) by by, now. */
int tg_custody_add(tg_store *st, const char *evidence, const char *action, const char *by,
                   const char *note, tg_error *err);
/* Calls cb with each live record of entity whose reference field equals
 * uid (the custody entries of an evidence, ...), oldest first. */
int tg_record_refs(tg_store *st, const char *entity, const char *field, const char *uid,
                   tg_record_cb cb, void *ctx, tg_error *err);

/* Every live record that refers to uid, by each reference field (a
 * child table's too) whose targets include uid's entity: cb(path, doc),
 * path naming the field ("act.victim", "proceeding.party.person"). A
 * person's names citing a source are left out. ENOTFOUND for no record
 * uid. */
typedef int (*tg_related_cb)(void *ctx, const char *path, const json_t *doc);
int tg_record_related(tg_store *st, const char *uid, tg_related_cb cb, void *ctx,
                      tg_error *err);

/* A row of an imported list, standardised (raw text where a value could
 * not be read: extra keeps every column as written, as a JSON object). */
typedef struct tg_raw_record {
	const char *list; /* the list's source id */
	long row;         /* data row number in the file, from 1 */
	const char *rec_id, *full_name, *family, *given, *patronymic;
	const char *birth_date; /* canonical partial date, or NULL */
	bool birth_approx;
	int age; /* -1 when not given */
	const char *sex, *iin;
	bool iin_valid;
	const char *place, *death_date, *note, *extra;
	const char *event_date; /* what the age refers to */
	const char *fate;       /* "killed", "died_in_custody", "dead", "alive" or NULL */
	/* filled when reading: */
	long long id;
	const char *list_title, *list_lang;
} tg_raw_record;
/* Appends a raw record. Raw records are never changed or removed. */
int tg_raw_insert(tg_store *st, const tg_raw_record *r, tg_error *err);
/* Calls cb with every raw record, in id order (list_title and list_lang
 * filled; pointers valid during the call). Stops at a nonzero return. */
int tg_raw_each(tg_store *st, int (*cb)(void *ctx, const tg_raw_record *r), void *ctx,
                tg_error *err);
/* One raw record by id; ENOTFOUND if there is none. */
int tg_raw_get(tg_store *st, long long id, int (*cb)(void *ctx, const tg_raw_record *r),
               void *ctx, tg_error *err);
/* Raw record id as JSON: {"raw", "list" (title), "list_id" (source id),
 * "record_id", and each field given}; JSON null if there is none. */
json_t *tg_raw_json(tg_store *st, long long id);
/* The raw record of list (its title) with rec_id (its id in the list):
 * its id, 0 if there is none, -1 on a database error. */
long long tg_raw_find(tg_store *st, const char *list_title, const char *rec_id);
/* Raw records of a list (every list when NULL); -1 on a read error (in
 * err). */
long long tg_raw_count(tg_store *st, const char *list, tg_error *err);
/* The id of the live source titled title, if any: 1 and uid filled, 0 if
 * there is none, -1 on a read error (in err). */
int tg_store_find_source(tg_store *st, const char *title, char uid[TG_UUID_LEN],
                         tg_error *err);

/* ---- record linkage: decisions, persons, the review queue ---- */

/* A reviewer's decision that two raw records are (link) or are not the
 * same person. Decisions are undone, never deleted. */
typedef struct tg_link_decision {
	const char *uid;
	long long a, b;
	bool link;
	const char *note, *actor, *at, *undone;
} tg_link_decision;
/* Records a decision (a change entry in the ledger like any record);
 * EREF if a raw record does not exist, EINVAL if a == b, EEXIST if the
 * pair already has a live decision. */
int tg_linkdb_decide(tg_store *st, long long a, long long b, bool link, const char *note,
                     char uid_out[TG_UUID_LEN], tg_error *err);
/* Undoes decision uid (a change entry too); ENOTFOUND, or EDELETED when
 * it was already undone. */
int tg_linkdb_undo(tg_store *st, const char *uid, tg_error *err);
/* Calls cb with each decision, oldest first; undone ones only if
 * with_undone. */
int tg_linkdb_decisions(tg_store *st, bool with_undone,
                        int (*cb)(void *ctx, const tg_link_decision *d), void *ctx,
                        tg_error *err);

/* The persons of the last linkage run: cb(raw id, person id) in raw id
 * order. */
int tg_linkdb_members(tg_store *st, int (*cb)(void *ctx, long long raw, const char *person),
                      void *ctx, tg_error *err);

/* The person raw record raw belongs to after the last run: 1 and out
 * filled, 0 if none, -1 on a database error. */
int tg_linkdb_person_of(tg_store *st, long long raw, char out[TG_UUID_LEN]);

/* What linkage knows of a person (the best its records say). */
typedef struct tg_link_profile {
	const char *person;
	const char *place, *region; /* gazetteer codes, or a place's key when unknown */
	const char *event;          /* partial date of the event */
	const char *sex, *fate;
	int birth_year;             /* 0 unknown */
} tg_link_profile;

/* A linkage run's results, replacing the last run's persons and review
 * queue in one transaction, with a change entry naming the run, its
 * parameters and the SHA-256 of its raw,person lines. */
typedef struct tg_linkdb_run {
	size_t n; /* every raw record */
	const long long *raw;
	const char *const *person;
	size_t nreview;
	const long long *review_a, *review_b;
	const double *review_prob;
	const char *const *review_explain; /* JSON */
	const char *params, *report;       /* JSON */
	size_t nprofiles;                  /* one per person */
	const tg_link_profile *profiles;
} tg_linkdb_run;
int tg_linkdb_save(tg_store *st, const tg_linkdb_run *run, char uid_out[TG_UUID_LEN],
                   tg_error *err);
/* The last run: *out = {"id", "at", "actor", "params", "report",
 * "clusters_sha256"} (a new reference), or NULL if there has been none.
 * Errors: TG_EDB (a read error is not "no run"). */
int tg_linkdb_last_run(tg_store *st, json_t **out, tg_error *err);

/* Every raw record with the person it belongs to (NULL if it came in
 * after the last run): its list's title, its id in the list (its row when
 * it has none), in import order. */
int tg_linkdb_clusters(tg_store *st,
                       int (*cb)(void *ctx, const char *list, const char *rec_id,
                                 const char *person),
                       void *ctx, tg_error *err);

/* The lists that have raw records, in the order of their first record:
 * cb(source id, title). */
int tg_linkdb_lists(tg_store *st, int (*cb)(void *ctx, const char *uid, const char *title),
                    void *ctx, tg_error *err);
/* Every (person, list) of the last linkage run with the person's value of
 * the stratum by (NULL: none; "place", "region", "period" (the event's
 * month), "fate", "sex"; NULL values are unknown), ordered by stratum and
 * person. EINVAL for another by. */
int tg_linkdb_memberships(tg_store *st, const char *by,
                          int (*cb)(void *ctx, const char *stratum, const char *person,
                                    const char *list),
                          void *ctx, tg_error *err);

/* Documented victims by dimensions (each "fate", "place", "region",
 * "period" (month of the event), "sex" or "age" (group: 0-17, 18-29,
 * 30-44, 45-59, 60+)): distinct persons of the last linkage run, or raw
 * records when none has run (*linked says which). cb(values, n, lists)
 * per combination, NULL values are unknown (sorted last), lists the
 * titles of the lists behind the number (a JSON array). EINVAL for an
 * unknown dimension or more than 6. */
int tg_store_victim_counts(tg_store *st, const char *const *dims, int ndims, bool *linked,
                           int (*cb)(void *ctx, const char *const *values, long long n,
                                     const char *lists),
                           void *ctx, tg_error *err);

/* Documented victims of acts (the event-based records): distinct victims
 * by dimensions ("act_type", "place", "region", "period", "sex", "age"),
 * counting only acts, victims and sources at or below clearance; places
 * are named in lang (kk, ru, en) where they have such a name, or by their
 * own name when lang is NULL.  cb gets the titles of the sources whose
 * information is about the acts or the victims (a JSON array). EINVAL for
 * an unknown dimension. */
int tg_store_act_victim_counts(tg_store *st, const char *const *dims, int ndims, int clearance,
                               const char *lang,
                               int (*cb)(void *ctx, const char *const *values, long long n,
                                         const char *sources),
                               void *ctx, tg_error *err);

/* The review queue of the last run, best first, without the pairs
 * decided since. */
typedef struct tg_review_item {
	long pos;
	long long a, b;
	double prob;
	const char *explain; /* JSON */
} tg_review_item;
int tg_linkdb_review(tg_store *st, int (*cb)(void *ctx, const tg_review_item *it), void *ctx,
                     tg_error *err);

/* ---- accounts of the web interface ---- */

typedef struct tg_user {
	const char *uid, *name, *role, *clearance, *created, *disabled;
	bool totp; /* has a second factor */
} tg_user;
/* Adds a user: role admin, editor, analyst or viewer; clearance public,
 * restricted or confidential (NULL: the role's: admin confidential,
 * viewer public, else restricted); the password must pass the passphrase
 * policy (12 characters or more, not a common password) and is kept as an
 * Argon2id hash. EINVAL naming "name", "role", "clearance" or "password";
 * EEXIST for a name taken. A change entry records the user, not the hash. */
int tg_user_add(tg_store *st, const char *name, const char *role, const char *clearance,
                const char *password, tg_error *err);
/* A new password (same policy); ENOTFOUND for no such user. */
int tg_user_passwd(tg_store *st, const char *name, const char *password, tg_error *err);
/* A new role and clearance (NULL: the role's). */
int tg_user_role(tg_store *st, const char *name, const char *role, const char *clearance,
                 tg_error *err);
/* Disables a user (ENOTFOUND if none, or already disabled). */
int tg_user_disable(tg_store *st, const char *name, tg_error *err);
/* Every user by name (disabled ones too). */
int tg_user_list(tg_store *st, int (*cb)(void *ctx, const tg_user *u), void *ctx, tg_error *err);
/* 0 when name and password match an enabled user; else EAUTH, the same
 * for every reason. */
int tg_user_check(tg_store *st, const char *name, const char *password, tg_error *err);

/* The user called name (disabled ones too): ENOTFOUND if none. The
 * strings stay valid until this thread's next call. */
int tg_user_get(tg_store *st, const char *name, tg_user *out, tg_error *err);

/* A new API token for user name, labelled label: "tgk_" and 43 URL-safe
 * characters, written to out (at least 48 bytes) and shown only now; only
 * its hash is kept. ENOTFOUND for no such enabled user. */
int tg_token_create(tg_store *st, const char *name, const char *label, char *out,
                    size_t outlen, tg_error *err);
/* The user a live token belongs to (an enabled user): 0 and *user filled
 * as tg_user_get does; EAUTH otherwise. */
int tg_token_check(tg_store *st, const char *token, tg_user *user, tg_error *err);
/* Revokes token uid of user name (ENOTFOUND if none is live). */
int tg_token_revoke(tg_store *st, const char *name, const char *uid, tg_error *err);
typedef struct tg_token {
	const char *uid, *user, *label, *created, *revoked;
} tg_token;
/* The tokens of user name (every user's when NULL), newest first. */
int tg_token_list(tg_store *st, const char *name, int (*cb)(void *ctx, const tg_token *t),
                  void *ctx, tg_error *err);
/* The TOTP secret (RFC 6238, base32) of user name: set (NULL removes it),
 * and read (1 and out filled, 0 when the user has none, negative on
 * error). */
int tg_user_totp_set(tg_store *st, const char *name, const char *secret, tg_error *err);
int tg_user_totp_get(tg_store *st, const char *name, char *out, size_t outlen);

/* Live records at or below clearance: {"records": {entity: n}, "acts":
 * {type: n}}. New reference. */
int tg_store_counts(tg_store *st, int clearance, json_t **out, tg_error *err);
/* The latest limit change entries, newest first. */
int tg_record_recent(tg_store *st, int limit, tg_change_cb cb, void *ctx, tg_error *err);
/* Live proceedings at or below clearance by type and the last stage
 * recorded (NULL when none): cb(type, stage, n), by type and then most
 * frequent first. */
int tg_store_proceeding_stages(tg_store *st, int clearance,
                               int (*cb)(void *ctx, const char *type, const char *stage,
                                         long long n),
                               void *ctx, tg_error *err);
/* Live proceedings whose next hearing is on or after from (a partial
 * date), soonest first, at most limit. */
int tg_store_upcoming(tg_store *st, const char *from, int limit, tg_record_cb cb, void *ctx,
                      tg_error *err);

/* Appends a change entry (a ledger leaf) that is no record's version:
 * housekeeping the ledger keeps, such as a public export (entity
 * "public_export") or a clean-up of the evidence vault ("vault_gc"), with
 * id uid, op "create" and the canonical text of doc. */
int tg_store_log_event(tg_store *st, const char *entity, const char *uid, const json_t *doc,
                       tg_error *err);

/* Remembers that every change so far is in a backup or full export. */
int tg_store_note_backup(tg_store *st, tg_error *err);
/* Change entries made since the last noted backup (all, if none). */
long long tg_store_unsaved_changes(tg_store *st);

/* Counts for a summary: {"records": {entity: n}, "acts": {type: n},
 * "changes": {op: n}, "lists": {"raw_records", "persons" (of the last
 * linkage run), "review" (pairs queued by it)}, "schema": v}. New
 * reference. */
int tg_store_summary(tg_store *st, json_t **out, tg_error *err);

/* ---- public data: pseudonyms (pseudonym.c) ---- */

#define TG_PSEUDONYM_KEY_LEN 32
/* A pseudonym: a prefix of up to 4 characters, '-', 16 base32 characters. */
#define TG_PSEUDONYM_LEN 24
/* The key of this database's pseudonyms in out: made at the first call
 * (random) and kept in the database, so later calls give the same key;
 * another database has another. EINTEGRITY if the kept key is damaged. */
int tg_store_pseudonym_key(tg_store *st, uint8_t out[TG_PSEUDONYM_KEY_LEN], tg_error *err);
/* The pseudonym of record id uid under key: prefix, '-' and the keyed
 * BLAKE2b hash of uid (80 bits) in lowercase base32. */
void tg_pseudonym(const uint8_t key[TG_PSEUDONYM_KEY_LEN], const char *prefix, const char *uid,
                  char out[TG_PSEUDONYM_LEN]);

/* ---- accountability: what lib/stats/accountability.c counts ---- */

/* A live act at or below clearance; place is the act's, else its event's,
 * NULL when neither is given or visible. */
typedef struct tg_acc_act {
	const char *uid, *type, *victim, *place;
} tg_acc_act;
/* Every such act, in id order; strings valid during the call. */
int tg_store_acc_acts(tg_store *st, int clearance, int (*cb)(void *ctx, const tg_acc_act *a),
                      void *ctx, tg_error *err);
/* A live place at or below clearance (parent may name one that is not). */
typedef struct tg_acc_place {
	const char *uid, *code, *name, *name_kk, *name_ru, *name_en, *type, *parent;
} tg_acc_place;
int tg_store_acc_places(tg_store *st, int clearance,
                        int (*cb)(void *ctx, const tg_acc_place *p), void *ctx, tg_error *err);
/* Every live proceeding at or below clearance, in id order, as {"id",
 * "type", "sentence_months" (when recorded), "stages": [{"stage",
 * "reason"}] in order, "acts": [act id] (whatever their clearance),
 * "defendants": [person id]}, borrowed for the call. */
int tg_store_acc_proceedings(tg_store *st, int clearance,
                             int (*cb)(void *ctx, const json_t *p), void *ctx, tg_error *err);

/* ---- backup (backup.c) ---- */

/* Copies the database of st, as it is at one moment, into a new database
 * file dest (which must not exist) through SQLite's online backup API;
 * other connections keep reading and writing meanwhile.  keys must be
 * those st was opened with (NULL for a --no-encrypt database): dest is
 * then written through the encrypting VFS under the same database key, so
 * every page of the copy is sealed.  Nothing of dest is left on error.
 * Errors: TG_EEXIST, TG_EINVAL (keys missing for an encrypted database),
 * TG_EINTEGRITY (a page of st fails authentication), TG_EDB, TG_EIO,
 * TG_ENOMEM. */
int tg_store_backup(tg_store *st, const char *dest, const tg_keys *keys, tg_error *err);

#endif
