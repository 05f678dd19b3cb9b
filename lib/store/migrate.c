/*
 * Numbered migrations.  PRAGMA user_version holds how many have run; each
 * runs in its own transaction.  A migration, once released, never changes:
 * schema changes are new entries at the end of the list.
 */
#include <stdio.h>

#include "store/store-int.h"

/* A migration that needs derived data rebuilt (the search index, computed
 * in C) sets meta.rebuild_search; tg_store_open rebuilds once the
 * vocabularies are loaded, and clears the mark in the same transaction. */
static const char *const migrations[] = {
	/* 1: the events-based record, vocabularies and the change log. */
	"CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT) WITHOUT ROWID;"
	"CREATE TABLE vocabulary (name TEXT PRIMARY KEY, kk TEXT, ru TEXT, en TEXT) WITHOUT ROWID;"
	"CREATE TABLE term (vocab TEXT NOT NULL REFERENCES vocabulary(name), code TEXT NOT NULL,"
	"  parent TEXT, kk TEXT, ru TEXT, en TEXT, builtin INTEGER NOT NULL DEFAULT 0,"
	"  PRIMARY KEY (vocab, code));"
	/* Every record's id and entity, so that a reference can point to
	 * records of several entities. */
	"CREATE TABLE record (uid TEXT PRIMARY KEY, entity TEXT NOT NULL) WITHOUT ROWID;"
	"CREATE TABLE change (seq INTEGER PRIMARY KEY, at TEXT NOT NULL, actor TEXT NOT NULL,"
	"  entity TEXT NOT NULL, uid TEXT NOT NULL,"
	"  op TEXT NOT NULL CHECK (op IN ('create', 'update', 'delete', 'term')),"
	"  doc TEXT NOT NULL, reason TEXT);"
	"CREATE INDEX change_uid ON change (uid, seq);"
	"CREATE TRIGGER change_append_only_u BEFORE UPDATE ON change"
	"  BEGIN SELECT RAISE(ABORT, 'change entries are append-only'); END;"
	"CREATE TRIGGER change_append_only_d BEFORE DELETE ON change"
	"  BEGIN SELECT RAISE(ABORT, 'change entries are append-only'); END;"

	"CREATE TABLE place (uid TEXT PRIMARY KEY REFERENCES record(uid), code TEXT UNIQUE,"
	"  name TEXT NOT NULL, name_kk TEXT, name_ru TEXT, name_en TEXT, type TEXT,"
	"  parent TEXT REFERENCES place(uid), lat REAL, lon REAL,"
	"  confidentiality TEXT NOT NULL, deleted TEXT, deleted_reason TEXT);"
	"CREATE INDEX place_parent ON place (parent);"

	"CREATE TABLE source (uid TEXT PRIMARY KEY REFERENCES record(uid), type TEXT NOT NULL,"
	"  title TEXT NOT NULL, author TEXT, organisation TEXT, date TEXT, date_approx INTEGER,"
	"  language TEXT, url TEXT, reliability TEXT, note TEXT,"
	"  confidentiality TEXT NOT NULL, deleted TEXT, deleted_reason TEXT);"

	"CREATE TABLE person (uid TEXT PRIMARY KEY REFERENCES record(uid), type TEXT, sex TEXT,"
	"  birth_date TEXT, birth_date_approx INTEGER, birth_place TEXT REFERENCES place(uid),"
	"  residence TEXT REFERENCES place(uid), occupation TEXT, unit_type TEXT, note TEXT,"
	"  confidentiality TEXT NOT NULL, deleted TEXT, deleted_reason TEXT);"
	"CREATE TABLE person_name (owner TEXT NOT NULL REFERENCES person(uid), pos INTEGER NOT NULL,"
	"  text TEXT NOT NULL, role TEXT, script TEXT, lang TEXT,"
	"  source TEXT REFERENCES source(uid), PRIMARY KEY (owner, pos));"
	"CREATE INDEX person_name_source ON person_name (source);"

	"CREATE TABLE relation (uid TEXT PRIMARY KEY REFERENCES record(uid), type TEXT NOT NULL,"
	"  \"from\" TEXT NOT NULL REFERENCES person(uid), \"to\" TEXT NOT NULL REFERENCES person(uid),"
	"  start TEXT, start_approx INTEGER, \"end\" TEXT, end_approx INTEGER, note TEXT,"
	"  confidentiality TEXT NOT NULL, deleted TEXT, deleted_reason TEXT);"
	"CREATE INDEX relation_from ON relation (\"from\");"
	"CREATE INDEX relation_to ON relation (\"to\");"

	"CREATE TABLE event (uid TEXT PRIMARY KEY REFERENCES record(uid), title TEXT NOT NULL,"
	"  start TEXT, start_approx INTEGER, \"end\" TEXT, end_approx INTEGER,"
	"  place TEXT REFERENCES place(uid), description TEXT, parent TEXT REFERENCES event(uid),"
	"  relation TEXT, confidentiality TEXT NOT NULL, deleted TEXT, deleted_reason TEXT);"
	"CREATE INDEX event_parent ON event (parent);"

	"CREATE TABLE act (uid TEXT PRIMARY KEY REFERENCES record(uid), type TEXT NOT NULL,"
	"  victim TEXT NOT NULL REFERENCES person(uid), event TEXT REFERENCES event(uid),"
	"  start TEXT, start_approx INTEGER, \"end\" TEXT, end_approx INTEGER,"
	"  place TEXT REFERENCES place(uid), physical_consequences TEXT,"
	"  psychological_consequences TEXT, status TEXT, description TEXT,"
	"  confidentiality TEXT NOT NULL, deleted TEXT, deleted_reason TEXT);"
	"CREATE INDEX act_victim ON act (victim);"
	"CREATE INDEX act_type ON act (type, start);"
	"CREATE INDEX act_event ON act (event);"
	"CREATE INDEX act_place ON act (place);"
	"CREATE TABLE act_method (owner TEXT NOT NULL REFERENCES act(uid), pos INTEGER NOT NULL,"
	"  method TEXT NOT NULL, PRIMARY KEY (owner, pos));"

	"CREATE TABLE involvement (uid TEXT PRIMARY KEY REFERENCES record(uid),"
	"  act TEXT NOT NULL REFERENCES act(uid), perpetrator TEXT NOT NULL REFERENCES person(uid),"
	"  degree TEXT, note TEXT, confidentiality TEXT NOT NULL, deleted TEXT, deleted_reason TEXT);"
	"CREATE INDEX involvement_act ON involvement (act);"
	"CREATE INDEX involvement_perpetrator ON involvement (perpetrator);"

	"CREATE TABLE proceeding (uid TEXT PRIMARY KEY REFERENCES record(uid), type TEXT NOT NULL,"
	"  title TEXT, case_number TEXT, authority TEXT, place TEXT REFERENCES place(uid),"
	"  sentence TEXT, sentence_months INTEGER, fine REAL, currency TEXT,"
	"  next_hearing TEXT, next_hearing_approx INTEGER, note TEXT,"
	"  confidentiality TEXT NOT NULL, deleted TEXT, deleted_reason TEXT);"
	"CREATE INDEX proceeding_next_hearing ON proceeding (next_hearing);"
	"CREATE TABLE proceeding_party (owner TEXT NOT NULL REFERENCES proceeding(uid),"
	"  pos INTEGER NOT NULL, person TEXT NOT NULL REFERENCES person(uid), role TEXT NOT NULL,"
	"  PRIMARY KEY (owner, pos));"
	"CREATE INDEX proceeding_party_person ON proceeding_party (person);"
	"CREATE TABLE proceeding_charge (owner TEXT NOT NULL REFERENCES proceeding(uid),"
	"  pos INTEGER NOT NULL, article TEXT, label TEXT NOT NULL, PRIMARY KEY (owner, pos));"
	"CREATE TABLE proceeding_stage (owner TEXT NOT NULL REFERENCES proceeding(uid),"
	"  pos INTEGER NOT NULL, stage TEXT NOT NULL, date TEXT, date_approx INTEGER,"
	"  authority TEXT, reason TEXT, note TEXT, PRIMARY KEY (owner, pos));"
	"CREATE INDEX proceeding_stage_date ON proceeding_stage (date);"
	"CREATE TABLE proceeding_act (owner TEXT NOT NULL REFERENCES proceeding(uid),"
	"  pos INTEGER NOT NULL, act TEXT NOT NULL REFERENCES act(uid), PRIMARY KEY (owner, pos));"
	"CREATE INDEX proceeding_act_act ON proceeding_act (act);"

	"CREATE TABLE information (uid TEXT PRIMARY KEY REFERENCES record(uid),"
	"  source TEXT NOT NULL REFERENCES source(uid), subject TEXT NOT NULL REFERENCES record(uid),"
	"  facts TEXT, reliability TEXT, locator TEXT,"
	"  confidentiality TEXT NOT NULL, deleted TEXT, deleted_reason TEXT);"
	"CREATE INDEX information_source ON information (source);"
	"CREATE INDEX information_subject ON information (subject);"

	"CREATE TABLE intervention (uid TEXT PRIMARY KEY REFERENCES record(uid),"
	"  type TEXT NOT NULL, subject TEXT NOT NULL REFERENCES record(uid), by TEXT,"
	"  date TEXT, date_approx INTEGER, response TEXT, note TEXT,"
	"  confidentiality TEXT NOT NULL, deleted TEXT, deleted_reason TEXT);"
	"CREATE INDEX intervention_subject ON intervention (subject);",

	/* 2: full-text search. search_doc holds each live record's indexed
	 * text and filter columns; search_fts indexes it (external content);
	 * search_key lists every name key, for near-miss look-ups. */
	"CREATE TABLE search_doc (id INTEGER PRIMARY KEY, uid TEXT NOT NULL UNIQUE,"
	"  entity TEXT NOT NULL, conf INTEGER NOT NULL, place TEXT, date TEXT,"
	"  names TEXT, keys TEXT, body TEXT, terms TEXT, meta TEXT);"
	"CREATE INDEX search_doc_place ON search_doc (place);"
	"CREATE VIRTUAL TABLE search_fts USING fts5 (names, keys, body, terms, meta,"
	"  content = 'search_doc', content_rowid = 'id',"
	"  tokenize = 'unicode61 remove_diacritics 0');"
	"CREATE TABLE search_key (key TEXT PRIMARY KEY) WITHOUT ROWID;"
	"INSERT OR REPLACE INTO meta (key, value) VALUES ('rebuild_search', '1');",

	/* 3: the ledger: a Merkle log leaf per change entry (ids and keyed
	 * hashes only), the cache of its complete subtrees, and the signed
	 * checkpoints. Existing entries get their leaves when the store opens. */
	/* No index but the leaf number: leaf i is change entry seq i + 1, which
	 * verify checks; look-ups by record go through change_uid. */
	"CREATE TABLE tlog_leaf (idx INTEGER PRIMARY KEY, seq INTEGER NOT NULL,"
	"  doc_mac BLOB NOT NULL, hash BLOB NOT NULL, clock_regression INTEGER NOT NULL);"
	"CREATE TRIGGER tlog_leaf_append_only_u BEFORE UPDATE ON tlog_leaf"
	"  BEGIN SELECT RAISE(ABORT, 'ledger entries are append-only'); END;"
	"CREATE TRIGGER tlog_leaf_append_only_d BEFORE DELETE ON tlog_leaf"
	"  BEGIN SELECT RAISE(ABORT, 'ledger entries are append-only'); END;"
	"CREATE TABLE tlog_node (level INTEGER NOT NULL, idx INTEGER NOT NULL, hash BLOB NOT NULL,"
	"  PRIMARY KEY (level, idx)) WITHOUT ROWID;"
	"CREATE TABLE tlog_checkpoint (size INTEGER PRIMARY KEY, at TEXT NOT NULL, note TEXT NOT NULL);",

	/* 4: the evidence vault's records: a file (its blob in the vault beside
	 * the database) and its chain of custody. */
	"CREATE TABLE evidence (uid TEXT PRIMARY KEY REFERENCES record(uid),"
	"  source TEXT NOT NULL REFERENCES source(uid), subject TEXT REFERENCES record(uid),"
	"  filename TEXT, blob TEXT NOT NULL, sha256 TEXT NOT NULL, size INTEGER,"
	"  captured_at TEXT, captured_by TEXT, url TEXT, note TEXT,"
	"  confidentiality TEXT NOT NULL, deleted TEXT, deleted_reason TEXT);"
	"CREATE INDEX evidence_subject ON evidence (subject);"
	"CREATE TABLE custody (uid TEXT PRIMARY KEY REFERENCES record(uid),"
	"  evidence TEXT NOT NULL REFERENCES evidence(uid), action TEXT NOT NULL, by TEXT, at TEXT,"
	"  note TEXT, confidentiality TEXT NOT NULL, deleted TEXT, deleted_reason TEXT);"
	"CREATE INDEX custody_evidence ON custody (evidence);",

	/* 5: raw records of imported lists: immutable rows, each tied to its
	 * list (a source), for record linkage. */
	"CREATE TABLE raw_record (id INTEGER PRIMARY KEY, list TEXT NOT NULL REFERENCES source(uid),"
	"  row INTEGER NOT NULL, rec_id TEXT, full_name TEXT, family TEXT, given TEXT,"
	"  patronymic TEXT, birth_date TEXT, birth_date_approx INTEGER, age INTEGER, sex TEXT,"
	"  iin TEXT, iin_valid INTEGER, place TEXT, death_date TEXT, note TEXT, extra TEXT,"
	"  UNIQUE (list, row));"
	"CREATE TRIGGER raw_record_immutable_u BEFORE UPDATE ON raw_record"
	"  BEGIN SELECT RAISE(ABORT, 'raw records are immutable'); END;"
	"CREATE TRIGGER raw_record_immutable_d BEFORE DELETE ON raw_record"
	"  BEGIN SELECT RAISE(ABORT, 'raw records are immutable'); END;",

	/* 6: record linkage: reviewers' decisions (undone, never deleted),
	 * the runs, the current persons (clusters of raw records) and the
	 * review queue of the last run. */
	"ALTER TABLE raw_record ADD COLUMN event_date TEXT;"
	"CREATE TABLE link_decision (uid TEXT PRIMARY KEY,"
	"  a INTEGER NOT NULL REFERENCES raw_record(id), b INTEGER NOT NULL REFERENCES raw_record(id),"
	"  decision TEXT NOT NULL CHECK (decision IN ('link', 'not_link')), note TEXT,"
	"  actor TEXT NOT NULL, at TEXT NOT NULL, undone TEXT, undone_by TEXT);"
	"CREATE INDEX link_decision_pair ON link_decision (a, b);"
	"CREATE TABLE link_run (uid TEXT PRIMARY KEY, at TEXT NOT NULL, actor TEXT NOT NULL,"
	"  params TEXT NOT NULL, report TEXT NOT NULL, clusters_sha256 TEXT NOT NULL);"
	"CREATE TABLE link_member (raw INTEGER PRIMARY KEY REFERENCES raw_record(id),"
	"  person TEXT NOT NULL);"
	"CREATE INDEX link_member_person ON link_member (person);"
	"CREATE TABLE link_review (pos INTEGER PRIMARY KEY, a INTEGER NOT NULL REFERENCES raw_record(id),"
	"  b INTEGER NOT NULL REFERENCES raw_record(id), prob REAL NOT NULL, explain TEXT NOT NULL);",

	/* 7: what a list says happened to the person. */
	"ALTER TABLE raw_record ADD COLUMN fate TEXT"
	"  CHECK (fate IN ('killed', 'died_in_custody', 'dead', 'alive'));",

	/* 8: what linkage knows of each person, for counts and strata. */
	"CREATE TABLE link_person (person TEXT PRIMARY KEY, place TEXT, region TEXT, event TEXT,"
	"  sex TEXT, birth_year INTEGER, fate TEXT) WITHOUT ROWID;",

	/* 9: accounts of the web interface; disabled, never deleted. */
	"CREATE TABLE app_user (uid TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE,"
	"  role TEXT NOT NULL CHECK (role IN ('admin', 'editor', 'analyst', 'viewer')),"
	"  clearance TEXT NOT NULL CHECK (clearance IN ('public', 'restricted', 'confidential')),"
	"  password TEXT NOT NULL, created TEXT NOT NULL, disabled TEXT) WITHOUT ROWID;",

	/* 10: tokens for scripts using the JSON API (only a hash is kept),
	 * and the TOTP secret of a user's second factor. */
	"CREATE TABLE api_token (uid TEXT PRIMARY KEY, user TEXT NOT NULL,"
	"  label TEXT NOT NULL, hash BLOB NOT NULL UNIQUE, created TEXT NOT NULL, revoked TEXT)"
	"  WITHOUT ROWID;"
	"ALTER TABLE app_user ADD COLUMN totp TEXT;",

	/* 11: live records in list order (date, unknown dates last, then id),
	 * so a page of a list reads its rows in order instead of sorting the
	 * whole table (the web's and the API's lists). */
	"CREATE INDEX source_list ON source (date IS NULL, date, uid) WHERE deleted IS NULL;"
	"CREATE INDEX person_list ON person (birth_date IS NULL, birth_date, uid)"
	"  WHERE deleted IS NULL;"
	"CREATE INDEX relation_list ON relation (start IS NULL, start, uid) WHERE deleted IS NULL;"
	"CREATE INDEX event_list ON event (start IS NULL, start, uid) WHERE deleted IS NULL;"
	"CREATE INDEX act_list ON act (start IS NULL, start, uid) WHERE deleted IS NULL;"
	"CREATE INDEX proceeding_list ON proceeding (next_hearing IS NULL, next_hearing, uid)"
	"  WHERE deleted IS NULL;"
	"CREATE INDEX intervention_list ON intervention (date IS NULL, date, uid)"
	"  WHERE deleted IS NULL;",

	/* 12: the key of the pseudonyms of public exports (pseudonym.c): one
	 * random row, made at the first public export. */
	"CREATE TABLE pseudonym_key (id INTEGER PRIMARY KEY CHECK (id = 1), key BLOB NOT NULL);",
};

#define NMIGRATIONS ((int)(sizeof migrations / sizeof migrations[0]))

int tg_store_migrate(tg_store *st, tg_error *err)
{
	int have = tg_store_schema_version(st);
	if (have < 0)
		return tg_store_dberr(st, err);
	if (have > NMIGRATIONS)
		return tg_error_set(err, TG_ESCHEMA, NULL,
		                    _("the database has schema version %d; this program knows %d"),
		                    have, NMIGRATIONS);
	for (int v = have; v < NMIGRATIONS; v++) {
		char bump[64];
		snprintf(bump, sizeof bump, "PRAGMA user_version = %d;", v + 1);
		int rc = tg_store_exec(st, "BEGIN IMMEDIATE", err);
		if (!rc)
			rc = tg_store_exec(st, migrations[v], err);
		if (!rc)
			rc = tg_store_exec(st, bump, err);
		if (!rc)
			rc = tg_store_exec(st, "COMMIT", err);
		if (rc) {
			sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
			return rc;
		}
	}
	return TG_OK;
}
