/*
 * The cost of encryption at rest: the same workload on an encrypted and a
 * plain database in one run — N persons each with an act inserted in one
 * batch, Q searches, one full export — alternating for several rounds;
 * medians compared. Goal: encrypted / plain ≤ 1.3.
 *
 *   bench-crypt [N [Q [ROUNDS]]]      (default 100000 persons, 10000 searches, 3)
 */
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench.h"
#include "io/io.h"
#include "store/store.h"

static const char *const queries[] = {"Nursultan Isayev", "Erlan Sarsenbaev", "Asel Akhmetova",
                                      "Dauren Kasymov", "Aigul Zhumabayeva", "пытки",
                                      "Bauyrzhan Omarov", "задержание", "Murat Tokayev", "Kim"};

static void remove_db(const char *path)
{
	static const char *const sides[] = {"", "-wal", "-shm", "-checkpoint", ".key"};
	char p[512];
	for (size_t i = 0; i < sizeof sides / sizeof sides[0]; i++) {
		snprintf(p, sizeof p, "%s%s", path, sides[i]);
		unlink(p);
	}
}

static int count(void *ctx, const tg_search_hit *h)
{
	(void)h;
	(*(int *)ctx)++;
	return 0;
}

/* Insert, search, export on a new database; times in t[0..2]. */
static void run(const char *path, bool encrypt, int n, int q, double t[3])
{
	remove_db(path);
	tg_error err = {0};
	tg_keys *keys = NULL;
	if (encrypt) {
		char *key_path = tg_keys_path(path);
		if (tg_keys_create(key_path, "Taldykorgan river stone lamp", NULL, NULL, &keys, &err))
			bench_die("keys", err.msg);
		free(key_path);
	}
	tg_store *st;
	if (tg_store_open_keys(path, TG_OPEN_CREATE, keys, &st, &err))
		bench_die("open", err.msg);
	char name[128], bd[16], uid[TG_UUID_LEN];
	double t0 = bench_now();
	if (tg_store_begin(st, &err))
		bench_die("begin", err.msg);
	for (int i = 0; i < n; i++) {
		bench_person(i, name, sizeof name, bd);
		json_t *p = json_pack("{s:[{s:s}], s:s, s:s}", "names", "text", name, "sex",
		                      i % 7 ? "male" : "female", "birth_date", bd);
		if (tg_record_create(st, "person", p, uid, &err))
			bench_die("person", err.msg);
		json_decref(p);
		json_t *a = json_pack("{s:s, s:s, s:s, s:[s]}", "type", "arbitrary_detention", "victim",
		                      uid, "start", "2022-01-06", "methods", "beating");
		if (tg_record_create(st, "act", a, NULL, &err))
			bench_die("act", err.msg);
		json_decref(a);
	}
	if (tg_store_commit(st, &err))
		bench_die("commit", err.msg);
	t[0] = bench_now() - t0;
	t0 = bench_now();
	int hits = 0;
	for (int i = 0; i < q; i++) {
		tg_search_opts o = {.query = queries[i % 10], .clearance = TG_CLEAR_CONFIDENTIAL,
		                    .limit = 20};
		if (tg_search(st, &o, count, &hits, &err))
			bench_die("search", err.msg);
	}
	t[1] = bench_now() - t0;
	t0 = bench_now();
	FILE *f = fopen("/dev/null", "w");
	if (tg_io_export_json(st, f, &err))
		bench_die("export", err.msg);
	fclose(f);
	t[2] = bench_now() - t0;
	tg_store_close(st);
	tg_keys_free(keys);
	remove_db(path);
}

#define MAX_ROUNDS 9

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 100000;
	int q = argc > 2 ? atoi(argv[2]) : 10000;
	int rounds = argc > 3 ? atoi(argv[3]) : 3;
	if (n <= 0 || q <= 0 || rounds <= 0 || rounds > MAX_ROUNDS || sodium_init() < 0)
		bench_die("usage", "bench-crypt [N [Q [ROUNDS]]]");
	char path[256];
	snprintf(path, sizeof path, "%s/tergeu-bench-crypt-%d.db",
	         getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp", (int)getpid());
	double plain[3][MAX_ROUNDS], enc[3][MAX_ROUNDS];
	for (int r = 0; r < rounds; r++) {
		double a[3], b[3];
		run(path, false, n, q, a);
		run(path, true, n, q, b);
		for (int k = 0; k < 3; k++) {
			plain[k][r] = a[k];
			enc[k][r] = b[k];
		}
		fprintf(stderr, "round %d: plain %.2f/%.2f/%.2f s, encrypted %.2f/%.2f/%.2f s\n", r + 1,
		        a[0], a[1], a[2], b[0], b[1], b[2]);
	}
	static const char *const what[] = {"insert", "searches", "export"};
	printf("%d persons with an act, %d searches, one export; median of %d rounds\n", n, q,
	       rounds);
	double tp = 0, te = 0;
	for (int k = 0; k < 3; k++) {
		double p = bench_median(plain[k], rounds), e = bench_median(enc[k], rounds);
		tp += p;
		te += e;
		printf("  %-9s plain %7.3f s  encrypted %7.3f s  ratio %.2f\n", what[k], p, e, e / p);
	}
	printf("  total     plain %7.3f s  encrypted %7.3f s  ratio %.2f (goal: <= 1.3)\n", tp, te,
	       te / tp);
	return 0;
}
