/*
 * Name keys per second on one core against plain ICU case folding of the
 * same names (tg_text_fold: NFC and case folding, the least any matching
 * of names must do), measured in the same run.  The names are the demo
 * generator's pools (data/names.json: Kazakh and Russian given names,
 * patronymics, surnames) in Cyrillic and in the ICAO, BGN, kz2021 and
 * press spellings, as imported lists write them.  The two alternate for
 * several rounds and the medians are compared.  The goal is at least one
 * million keys a second.
 *
 *   bench-namekey [N [ROUNDS]]     (default 2000000 names, 5 rounds)
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench.h"
#include "text/text.h"
#include "util/data.h"

typedef struct pool {
	char **s;
	size_t n, cap;
} pool;

static void add(pool *p, const char *s)
{
	if (p->n == p->cap) {
		p->cap = p->cap ? 2 * p->cap : 1024;
		p->s = realloc(p->s, p->cap * sizeof *p->s);
		if (!p->s)
			bench_die("names", "out of memory");
	}
	p->s[p->n++] = strdup(s);
}

/* Every string of the pools (nested arrays too), in Cyrillic and in four
 * Latin schemes. */
static void add_strings(pool *p, const json_t *v)
{
	static const int schemes[] = {TG_TR_ICAO, TG_TR_BGN, TG_TR_KZ2021, TG_TR_PRESS};
	size_t i;
	const json_t *x;
	if (json_is_array(v)) {
		json_array_foreach(v, i, x)
			add_strings(p, x);
		return;
	}
	const char *s = json_string_value(v);
	if (!s || strlen(s) < 3) /* the "kk" / "ru" origin tags */
		return;
	add(p, s);
	for (size_t k = 0; k < sizeof schemes / sizeof schemes[0]; k++) {
		char *t = tg_translit(s, schemes[k]);
		add(p, t);
		free(t);
	}
}

static pool load(void)
{
	json_error_t e;
	json_t *root = json_loads(tg_data_names_json, 0, &e);
	if (!root)
		bench_die("names.json", e.text);
	pool p = {0};
	const char *k;
	json_t *v;
	json_object_foreach(root, k, v)
		if (json_is_array(v))
			add_strings(&p, v);
	json_decref(root);
	return p;
}

static volatile size_t sink;

static double run_keys(const pool *p, long n)
{
	char key[TG_NAMEKEY_LEN];
	size_t acc = 0;
	double t0 = bench_now();
	for (long i = 0; i < n; i++)
		acc += tg_name_key(p->s[(size_t)i % p->n], key);
	double t = bench_now() - t0;
	sink += acc;
	return t;
}

static double run_all_keys(const pool *p, long n)
{
	char keys[TG_NAMEKEY_ALTS][TG_NAMEKEY_LEN];
	size_t acc = 0;
	double t0 = bench_now();
	for (long i = 0; i < n; i++)
		acc += (size_t)tg_name_keys(p->s[(size_t)i % p->n], keys, TG_NAMEKEY_ALTS);
	double t = bench_now() - t0;
	sink += acc;
	return t;
}

static double run_fold(const pool *p, long n)
{
	size_t acc = 0;
	double t0 = bench_now();
	for (long i = 0; i < n; i++) {
		char *f = tg_text_fold(p->s[(size_t)i % p->n]);
		acc += f ? strlen(f) : 0;
		free(f);
	}
	double t = bench_now() - t0;
	sink += acc;
	return t;
}

#define MAX_ROUNDS 15

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 2000000;
	int rounds = argc > 2 ? atoi(argv[2]) : 5;
	if (n <= 0 || rounds <= 0 || rounds > MAX_ROUNDS)
		bench_die("usage", "bench-namekey [N [ROUNDS]]");
	pool p = load();
	double fold[MAX_ROUNDS], key[MAX_ROUNDS], all[MAX_ROUNDS];
	for (int r = 0; r < rounds; r++) {
		fold[r] = run_fold(&p, n);
		key[r] = run_keys(&p, n);
		all[r] = run_all_keys(&p, n);
		fprintf(stderr, "round %d: fold %.3f s, key %.3f s, all keys %.3f s\n", r + 1, fold[r],
		        key[r], all[r]);
	}
	double mf = bench_median(fold, rounds), mk = bench_median(key, rounds), ma = bench_median(all, rounds);
	printf("%ld names (%zu distinct: pools of data/names.json in Cyrillic, ICAO, BGN, kz2021,"
	       " press), one core, median of %d rounds\n", n, p.n, rounds);
	printf("  ICU fold (tg_text_fold):       %.3f s  (%.0f names/s)\n", mf, n / mf);
	printf("  name key (tg_name_key):        %.3f s  (%.0f names/s)\n", mk, n / mk);
	printf("  all keys (tg_name_keys, max %d): %.3f s  (%.0f names/s)\n", TG_NAMEKEY_ALTS, ma,
	       n / ma);
	printf("  ratio fold time / key time: %.2f (goal: >= 1M keys/s)\n", mf / mk);
	for (size_t i = 0; i < p.n; i++)
		free(p.s[i]);
	free(p.s);
	return 0;
}
