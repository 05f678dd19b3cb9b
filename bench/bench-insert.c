/*
 * Bulk insert of N persons, each with one act, through the library (the
 * one write path: validation, rows, change entries) against raw SQLite
 * inserts of the same rows into the same schema, measured in the same run.
 * Prints both times and their ratio; the goal is a ratio within 3.  The two
 * paths alternate for several rounds and the medians are compared, so a
 * burst of load on a shared machine moves both or neither.
 *
 *   bench-insert [N [ROUNDS]]     (default 100000 persons, 3 rounds)
 */
#include <jansson.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"
#include "store/store.h"

static void remove_db(const char *path)
{
	char side[512];
	unlink(path);
	snprintf(side, sizeof side, "%s-wal", path);
	unlink(side);
	snprintf(side, sizeof side, "%s-shm", path);
	unlink(side);
}

/* Creates an empty database with the schema and one place; returns the
 * place id in place_uid. */
static void fresh_db(const char *path, char place_uid[TG_UUID_LEN])
{
	remove_db(path);
	tg_store *st;
	tg_error err = {0};
	if (tg_store_open(path, TG_OPEN_CREATE, &st, &err))
		bench_die("open", err.msg);
	json_t *place = json_pack("{s:s, s:s, s:s}", "code", "kz-almaty", "name", "Алматы", "type",
	                          "city");
	if (tg_record_create(st, "place", place, place_uid, &err))
		bench_die("place", err.msg);
	json_decref(place);
	tg_store_close(st);
}

static double run_library(const char *path, int n)
{
	char place[TG_UUID_LEN];
	fresh_db(path, place);
	tg_store *st;
	tg_error err = {0};
	if (tg_store_open(path, 0, &st, &err))
		bench_die("open", err.msg);
	char name[128], bd[16], uid[TG_UUID_LEN];
	double t0 = bench_now();
	if (tg_store_begin(st, &err))
		bench_die("begin", err.msg);
	for (int i = 0; i < n; i++) {
		bench_person(i, name, sizeof name, bd);
		json_t *person = json_pack("{s:[{s:s, s:s, s:s}], s:s, s:s, s:s}", "names", "text", name,
		                           "role", "full", "lang", "kk", "sex", i % 7 ? "male" : "female",
		                           "birth_date", bd, "residence", place);
		if (tg_record_create(st, "person", person, uid, &err))
			bench_die("person", err.msg);
		json_decref(person);
		json_t *act = json_pack("{s:s, s:s, s:s, s:s, s:[s]}", "type", "arbitrary_detention",
		                        "victim", uid, "start", "2022-01-06", "place", place, "methods",
		                        "beating");
		if (tg_record_create(st, "act", act, NULL, &err))
			bench_die("act", err.msg);
		json_decref(act);
	}
	if (tg_store_commit(st, &err))
		bench_die("commit", err.msg);
	double t = bench_now() - t0;
	tg_store_close(st);
	return t;
}

static sqlite3_stmt *prep(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *s;
	if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
		bench_die(sql, sqlite3_errmsg(db));
	return s;
}

static void step(sqlite3 *db, sqlite3_stmt *s)
{
	if (sqlite3_step(s) != SQLITE_DONE)
		bench_die("step", sqlite3_errmsg(db));
	sqlite3_reset(s);
}

/* The same rows, written with prepared statements and no validation or
 * change entries. */
static double run_raw(const char *path, int n)
{
	char place[TG_UUID_LEN];
	fresh_db(path, place);
	sqlite3 *db;
	if (sqlite3_open(path, &db) != SQLITE_OK)
		bench_die("open", sqlite3_errmsg(db));
	sqlite3_exec(db, "PRAGMA foreign_keys = ON; PRAGMA journal_mode = WAL;"
	                 "PRAGMA synchronous = FULL; PRAGMA cache_size = -32768", NULL, NULL, NULL);
	sqlite3_stmt *rec = prep(db, "INSERT INTO record (uid, entity) VALUES (?, ?)");
	sqlite3_stmt *per = prep(db, "INSERT INTO person (uid, sex, birth_date, birth_date_approx,"
	                             " residence, confidentiality) VALUES (?, ?, ?, 0, ?, 'restricted')");
	sqlite3_stmt *nam = prep(db, "INSERT INTO person_name (owner, pos, text, role, script, lang)"
	                             " VALUES (?, 0, ?, 'full', 'Cyrl', 'kk')");
	sqlite3_stmt *act = prep(db, "INSERT INTO act (uid, type, victim, start, start_approx, place,"
	                             " confidentiality) VALUES (?, 'arbitrary_detention', ?,"
	                             " '2022-01-06', 0, ?, 'restricted')");
	sqlite3_stmt *met = prep(db, "INSERT INTO act_method (owner, pos, method) VALUES (?, 0, 'beating')");
	char name[128], bd[16], pu[TG_UUID_LEN], au[TG_UUID_LEN];
	double t0 = bench_now();
	sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
	for (int i = 0; i < n; i++) {
		bench_person(i, name, sizeof name, bd);
		tg_uuid7(pu);
		tg_uuid7(au);
		sqlite3_bind_text(rec, 1, pu, -1, SQLITE_STATIC);
		sqlite3_bind_text(rec, 2, "person", -1, SQLITE_STATIC);
		step(db, rec);
		sqlite3_bind_text(per, 1, pu, -1, SQLITE_STATIC);
		sqlite3_bind_text(per, 2, i % 7 ? "male" : "female", -1, SQLITE_STATIC);
		sqlite3_bind_text(per, 3, bd, -1, SQLITE_STATIC);
		sqlite3_bind_text(per, 4, place, -1, SQLITE_STATIC);
		step(db, per);
		sqlite3_bind_text(nam, 1, pu, -1, SQLITE_STATIC);
		sqlite3_bind_text(nam, 2, name, -1, SQLITE_STATIC);
		step(db, nam);
		sqlite3_bind_text(rec, 1, au, -1, SQLITE_STATIC);
		sqlite3_bind_text(rec, 2, "act", -1, SQLITE_STATIC);
		step(db, rec);
		sqlite3_bind_text(act, 1, au, -1, SQLITE_STATIC);
		sqlite3_bind_text(act, 2, pu, -1, SQLITE_STATIC);
		sqlite3_bind_text(act, 3, place, -1, SQLITE_STATIC);
		step(db, act);
		sqlite3_bind_text(met, 1, au, -1, SQLITE_STATIC);
		step(db, met);
	}
	if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		bench_die("commit", sqlite3_errmsg(db));
	double t = bench_now() - t0;
	sqlite3_stmt *all[] = {rec, per, nam, act, met};
	for (int i = 0; i < 5; i++)
		sqlite3_finalize(all[i]);
	sqlite3_close(db);
	return t;
}

#define MAX_ROUNDS 15

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 100000;
	int rounds = argc > 2 ? atoi(argv[2]) : 3;
	if (n <= 0 || rounds <= 0 || rounds > MAX_ROUNDS)
		bench_die("usage", "bench-insert [N [ROUNDS]]");
	char path[256];
	const char *dir = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	snprintf(path, sizeof path, "%s/tergeu-bench-%d.db", dir, (int)getpid());
	double raw[MAX_ROUNDS], lib[MAX_ROUNDS];
	for (int r = 0; r < rounds; r++) {
		raw[r] = run_raw(path, n);
		lib[r] = run_library(path, n);
		fprintf(stderr, "round %d: raw %.3f s, library %.3f s\n", r + 1, raw[r], lib[r]);
	}
	remove_db(path);
	double mr = bench_median(raw, rounds), ml = bench_median(lib, rounds);
	printf("bulk insert of %d persons with one act each, median of %d rounds\n", n, rounds);
	printf("  raw SQLite:  %.3f s  (%.0f persons/s)\n", mr, n / mr);
	printf("  library:     %.3f s  (%.0f persons/s)\n", ml, n / ml);
	printf("  ratio library/raw: %.2f (goal: <= 3)\n", ml / mr);
	return 0;
}
