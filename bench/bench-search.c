/*
 * Search over a synthetic database of N persons made by the demo generator
 * (default 1,000,000): latency of name queries written in Latin for
 * Cyrillic records and of full-text queries, against a plain LIKE scan of
 * the same tables measured in the same run; and the time to rebuild the
 * whole index.  The database is kept between runs (same N and seed).
 *
 *   bench-search [N [QUERIES [DB]]]
 *
 * With BENCH_KEEP_INDEX=1 the index of a kept database is not rebuilt
 * (queries only).
 */
#include <jansson.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "gen/gen.h"
#include "bench.h"
#include "store/store.h"
#include "text/text.h"

static void progress(void *ctx, const char *what, uint64_t done, uint64_t total)
{
	(void)ctx;
	if (isatty(2))
		fprintf(stderr, "\r%s %llu/%llu   ", what, (unsigned long long)done,
		        (unsigned long long)total);
}

static int count_hit(void *ctx, const tg_search_hit *h)
{
	(void)h;
	(*(int *)ctx)++;
	return 0;
}

/* Sample family names of persons (Cyrillic) spread over the table. */
static int sample_names(sqlite3 *db, int want, char ***out)
{
	sqlite3_stmt *s;
	const char *sql = "SELECT text FROM person_name WHERE pos = 0 AND script = 'Cyrl'"
	                  " AND rowid % ? = 0 LIMIT ?";
	if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
		bench_die("sample", sqlite3_errmsg(db));
	sqlite3_int64 rows = 0;
	sqlite3_stmt *c;
	sqlite3_prepare_v2(db, "SELECT max(rowid) FROM person_name", -1, &c, NULL);
	if (sqlite3_step(c) == SQLITE_ROW)
		rows = sqlite3_column_int64(c, 0);
	sqlite3_finalize(c);
	/* About one row in three is a first, Cyrillic name: over-sample. */
	sqlite3_bind_int64(s, 1, rows / (4 * want) > 1 ? rows / (4 * want) : 1);
	sqlite3_bind_int(s, 2, want);
	char **names = calloc((size_t)want, sizeof *names);
	int n = 0;
	while (n < want && sqlite3_step(s) == SQLITE_ROW)
		names[n++] = strdup((const char *)sqlite3_column_text(s, 0));
	sqlite3_finalize(s);
	*out = names;
	return n;
}

/* The last word of a full name: the family name in "Given Patronymic Family". */
static const char *last_word(const char *s)
{
	const char *sp = strrchr(s, ' ');
	return sp ? sp + 1 : s;
}

static double like_scan(sqlite3 *db, const char *sql, const char *needle)
{
	sqlite3_stmt *s;
	if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
		bench_die("like", sqlite3_errmsg(db));
	char pat[256];
	snprintf(pat, sizeof pat, "%%%s%%", needle);
	double t0 = bench_now();
	sqlite3_bind_text(s, 1, pat, -1, SQLITE_STATIC);
	int n = 0;
	while (sqlite3_step(s) == SQLITE_ROW && n < 20)
		n++;
	double t = bench_now() - t0;
	sqlite3_finalize(s);
	return t;
}

static double timed_search(tg_store *st, const char *q, const char *entity)
{
	tg_search_opts o = {.query = q, .entity = entity, .clearance = TG_CLEAR_CONFIDENTIAL,
	                    .limit = 20};
	int n = 0;
	tg_error err = {0};
	double t0 = bench_now();
	if (tg_search(st, &o, count_hit, &n, &err))
		bench_die("search", err.msg);
	return bench_now() - t0;
}

static void report(const char *what, double *fts, double *like, int n)
{
	double f50 = bench_quantile(fts, n, 0.5), f95 = bench_quantile(fts, n, 0.95);
	double l50 = bench_quantile(like, n, 0.5), l95 = bench_quantile(like, n, 0.95);
	printf("%s (%d queries)\n", what, n);
	printf("  index:     p50 %7.2f ms  p95 %7.2f ms\n", f50 * 1e3, f95 * 1e3);
	printf("  LIKE scan: p50 %7.2f ms  p95 %7.2f ms\n", l50 * 1e3, l95 * 1e3);
	printf("  ratio LIKE/index at p95: %.0f (goal: index p95 <= 10 ms)\n", l95 / f95);
}

int main(int argc, char **argv)
{
	int size = argc > 1 ? atoi(argv[1]) : 1000000;
	int nq = argc > 2 ? atoi(argv[2]) : 200;
	char path[512];
	if (argc > 3)
		snprintf(path, sizeof path, "%s", argv[3]);
	else
		snprintf(path, sizeof path, "%s/tergeu-bench-search-%d.db",
		         getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp", size);
	if (size <= 0 || nq <= 0)
		bench_die("usage", "bench-search [N [QUERIES [DB]]]");
	tg_store *st;
	tg_error err = {0};
	if (access(path, F_OK)) {
		if (tg_store_open(path, TG_OPEN_CREATE, &st, &err))
			bench_die("open", err.msg);
		tg_gen_opts o = {.seed = 1, .size = size, .nlists = 4};
		double t0 = bench_now();
		if (tg_gen_demo(st, &o, progress, NULL, &err))
			bench_die("demo", err.msg);
		fprintf(stderr, "\rdemo database of %d victims made in %.1f s\n", size, bench_now() - t0);
		tg_store_close(st);
	}
	if (tg_store_open(path, 0, &st, &err))
		bench_die("open", err.msg);
	double t0 = bench_now();
	bool keep = getenv("BENCH_KEEP_INDEX") && !strcmp(getenv("BENCH_KEEP_INDEX"), "1");
	if (!keep && tg_search_rebuild(st, progress, NULL, &err))
		bench_die("rebuild", err.msg);
	double build = bench_now() - t0;
	sqlite3 *db;
	sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL);
	sqlite3_stmt *c;
	sqlite3_prepare_v2(db, "SELECT count(*) FROM person", -1, &c, NULL);
	long long persons = sqlite3_step(c) == SQLITE_ROW ? sqlite3_column_int64(c, 0) : 0;
	sqlite3_finalize(c);
	fprintf(stderr, "\r");
	if (keep)
		printf("database: %lld persons; index kept\n", persons);
	else
		printf("database: %lld persons; index rebuilt in %.1f s\n", persons, build);

	char **names;
	int n = sample_names(db, nq, &names);
	double *fts = calloc((size_t)n, sizeof *fts), *like = calloc((size_t)n, sizeof *like);
	for (int i = 0; i < n; i++) {
		char *latin = tg_translit(names[i], TG_TR_PRESS);
		fts[i] = timed_search(st, latin, "person");
		like[i] = like_scan(db, "SELECT owner FROM person_name WHERE text LIKE ?",
		                    last_word(names[i]));
		free(latin);
	}
	report("Latin queries for Cyrillic names (full name, press spelling)", fts, like, n);

	static const char *const words[] = {
		"beating", "hooding", "concussion", "confession", "broken", "iron", "shock",
		"пытки", "задержание", "азаптау", "ribs", "teeth", "rioting", "amnesty", "appeal"};
	int nw = (int)(sizeof words / sizeof words[0]);
	for (int i = 0; i < n; i++) {
		const char *w = words[i % nw];
		fts[i] = timed_search(st, w, NULL);
		like[i] = like_scan(db, "SELECT uid FROM act WHERE description LIKE ?1"
		                        " OR physical_consequences LIKE ?1", w);
	}
	report("Full-text queries (one word, any entity)", fts, like, n);
	for (int i = 0; i < n; i++)
		free(names[i]);
	free(names);
	free(fts);
	free(like);
	sqlite3_close(db);
	tg_store_close(st);
	return 0;
}
