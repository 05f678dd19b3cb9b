/* What the store's files share; not part of the public API. */
#ifndef TG_STORE_INT_H
#define TG_STORE_INT_H

#include <sqlite3.h>

#include "store/store.h"

struct term_slot; /* vocab.c */
struct term_stem;       /* search-query.c */
struct tg_ledger_state; /* ledger.c */

struct stmt_slot {
	const char *sql;    /* owned */
	const char *caller; /* the pointer the SQL was last asked for with */
	uint32_t hash;
	sqlite3_stmt *st;
};

struct tg_store {
	sqlite3 *db;
	char *actor;
	int depth;   /* open batches */
	bool snapshot; /* a read transaction of tg_store_snapshot_begin is open */
	bool ledger_synced; /* the ledger frontier was checked in the open batch */
	bool failed; /* a write in the open batch failed after writing rows */
	char fail_msg[512]; /* why the first one failed */
	struct stmt_slot *stmts;
	size_t nstmts, capstmts;
	struct term_slot *terms;
	size_t nterms, capterms;
	uint32_t *term_index; /* slots hold term index + 1; 0 is empty */
	size_t term_index_cap;
	tg_lookup lookup;
	/* SQL built from the entity tables, made once: insert and select per
	 * entity and child table, indexed by tg_store_sql_slot(). */
	char *sql_cache[80];
	/* Characters of the indexed name keys, for near-key edits; "" until
	 * the first search needs it (search-query.c). */
	char key_alphabet[128];
	/* Stems of the words of every term label, made when a search first
	 * needs them (search-query.c). */
	struct term_stem *term_stems;
	size_t nterm_stems;
	/* search_doc rows written in the open batch but not yet given to FTS5:
	 * ids lo..hi (none when hi < lo). FTS5 flushes its pending terms at
	 * every statement savepoint, so one INSERT ... SELECT per run of rows
	 * is many times cheaper than one INSERT per row. */
	sqlite3_int64 fts_lo, fts_hi;
	struct tg_ledger_state *ledger;
	uint8_t *ledger_wrap; /* subkey sealing the ledger's secrets, or NULL */
	uint8_t *vault_key;   /* subkey of the evidence vault, or NULL */
	char *vfs_path;       /* the database path the encrypting VFS knows */
	bool ledger_stale; /* a rollback undid leaves the in-memory tree has */
	char ref_buf[TG_UUID_LEN], entity_buf[32], parent_buf[TG_UUID_LEN];
};

/* A cached prepared statement, reset and with bindings cleared. NULL on
 * error (err set). */
sqlite3_stmt *tg_store_stmt(tg_store *st, const char *sql, tg_error *err);
/* Sets err from the connection's last error. Returns TG_EDB. */
int tg_store_dberr(tg_store *st, tg_error *err);
/* Runs sql (several statements, no parameters). */
int tg_store_exec(tg_store *st, const char *sql, tg_error *err);

/* Around the rows of one write: outside a batch a savepoint makes it
 * atomic; inside one, a failure dooms the batch (see store.c). */
int tg_store_enter(tg_store *st, tg_error *err);
int tg_store_leave(tg_store *st, int rc, tg_error *err);

int tg_store_migrate(tg_store *st, tg_error *err);
int tg_vocab_load(tg_store *st, tg_error *err);
void tg_vocab_free(tg_store *st);

/* As tg_record_entity for a look-up whose "no such record" is an answer,
 * not a failure: TG_ENOTFOUND leaves err as it was; a storage error fills
 * it. */
int tg_store_find_entity(tg_store *st, const char *uid, const char **entity, tg_error *err);

/* Appends a change entry. */
int tg_store_log(tg_store *st, const char *entity, const char *uid, const char *op,
                 const char *doc, const char *reason, tg_error *err);

/* Reads the canonical document of uid of entity e. */
int tg_store_read(tg_store *st, const tg_entity *e, const char *uid, json_t **out,
                  tg_error *err);
/* Steps s, whose first column is the id of a record of e, and calls cb
 * with each record read, until cb returns non-zero (returned). s is not
 * reset or finalized. */
int tg_store_each_uid(tg_store *st, const tg_entity *e, sqlite3_stmt *s, tg_record_cb cb,
                      void *ctx, tg_error *err);

/* SQL of kind for entity or child table e, made by build on first use and
 * kept for the life of the store. */
enum tg_sql_kind {
	TG_SQL_INSERT,
	TG_SQL_UPDATE,
	TG_SQL_SELECT,
	TG_SQL_DELETE_CHILDREN,
	TG_SQL_KINDS
};
const char *tg_store_sql(tg_store *st, const tg_entity *e, enum tg_sql_kind kind,
                         void (*build)(tg_strbuf *sb, const tg_entity *e));

/* Search index (search.c): brings the index entry of a canonical record up
 * to date (drops it for deleted records); rebuilds the whole index when a
 * migration asked for it. */
int tg_search_index(tg_store *st, const tg_entity *e, const json_t *doc, bool fresh,
                    tg_error *err);
int tg_search_rebuild_if_marked(tg_store *st, tg_error *err);

/* Writes s as one FTS token: prefix, then letters and digits lowered, any
 * other byte as 'x' and two hex digits ('x' itself too), so name keys and
 * vocabulary codes stay single tokens whatever characters they use. */
void tg_search_token(tg_strbuf *sb, char prefix, const char *s);
/* Gives the pending rows of the batch to FTS5 (before a commit, a search,
 * or a change to an indexed row); tg_search_discard drops them (rollback). */
int tg_search_flush(tg_store *st, tg_error *err);
void tg_search_discard(tg_store *st);
/* Registers the ranking function of searches on a new connection. */
int tg_search_register(tg_store *st, tg_error *err);
/* Forgets the stems of vocabulary labels (a term was added). */
void tg_search_forget_terms(tg_store *st);

/* The id of a place given by id or code in *uid, valid until the next
 * look-up: 0; TG_ENOTFOUND ("no place PLACE" at "place"), or a storage
 * error when the database could not be read. */
int tg_store_place_uid(tg_store *st, const char *place, const char **uid, tg_error *err);
/* A partial date padded to the start ("-00-00") or end ("-99-99") of the
 * interval it covers, for string comparisons in SQL; "" for NULL. */
void tg_store_pad_date(char out[16], const char *date, const char *tail);
/* Adds the characters of a newly indexed key to a computed alphabet. */
void tg_store_note_key_chars(tg_store *st, const char *key);

/* Ledger (ledger.c): opened after migrations; every change entry becomes a
 * leaf in the same transaction. */
int tg_ledger_open(tg_store *st, tg_error *err);
void tg_ledger_free(tg_store *st);
int tg_ledger_append(tg_store *st, int64_t seq, const char *at, const char *actor,
                     const char *entity, const char *uid, const char *op, const char *doc,
                     const char *reason, tg_error *err);
int tg_ledger_check_rollback(tg_store *st, tg_error *err);

/* Writes a quoted identifier. */
void tg_sql_ident(tg_strbuf *sb, const char *name);

#endif
