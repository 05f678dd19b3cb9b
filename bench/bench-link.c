/*
 * Record linkage end to end on generated lists with known truth:
 *   bench-link [POPULATION] [SEED] [UPPER]   (default 100000 1, the linker's threshold)
 * Generates the four synthetic lists, imports them into a fresh database
 * and runs the linkage as `tergeu link` does (load, run, keep the
 * persons). Prints the time of each phase, comparisons per second per
 * thread, peak RSS, pair completeness of the blocking (per rule: which
 * rule first pairs each true pair), pairwise precision / recall / F1 at
 * the auto-link threshold and with a perfect review of the review band,
 * and review items per 1,000 records.  Baseline in the same run: reading
 * every raw record out of SQLite once, the least any linker of this
 * database does; the ratio is end-to-end linkage time over it.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "bench.h"
#include "gen/gen.h"
#include "io/io.h"
#include "link/link.h"
#include "store/store.h"

/* Truth: (list, record id) -> person, read from truth.csv. */
typedef struct truth {
	char **key; /* "list\trecord" */
	long *person;
	size_t n;
} truth;

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void truth_load(truth *t, const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f)
		bench_die(path, "cannot open");
	char line[256];
	size_t cap = 0;
	if (!fgets(line, sizeof line, f))
		bench_die(path, "empty");
	while (fgets(line, sizeof line, f)) {
		char *c1 = strchr(line, ','), *c2 = c1 ? strchr(c1 + 1, ',') : NULL;
		if (!c2)
			bench_die(path, "bad line");
		*c1 = '\t';
		*c2 = 0;
		if (t->n == cap) {
			cap = cap ? cap * 2 : 65536;
			t->key = realloc(t->key, cap * sizeof *t->key);
			t->person = realloc(t->person, cap * sizeof *t->person);
			if (!t->key || !t->person)
				abort();
		}
		/* Keys and persons sorted together: the person rides after the key. */
		size_t len = strlen(line);
		char *k = malloc(len + 1 + sizeof(long));
		if (!k)
			abort();
		memcpy(k, line, len + 1);
		long p = atol(c2 + 1);
		memcpy(k + len + 1, &p, sizeof p);
		t->key[t->n++] = k;
	}
	fclose(f);
	qsort(t->key, t->n, sizeof *t->key, cmp_str);
	for (size_t i = 0; i < t->n; i++)
		memcpy(&t->person[i], t->key[i] + strlen(t->key[i]) + 1, sizeof(long));
}

static long truth_find(const truth *t, const char *list, const char *rec)
{
	char key[256];
	snprintf(key, sizeof key, "%s\t%s", list, rec);
	char *k = key;
	char **hit = bsearch(&k, t->key, t->n, sizeof *t->key, cmp_str);
	return hit ? t->person[hit - t->key] : -1;
}

struct mapping {
	const truth *t;
	long *person; /* per raw record, in id order */
	size_t n;
};

static int map_record(void *ctx, const tg_raw_record *r)
{
	struct mapping *m = ctx;
	m->person[m->n++] = truth_find(m->t, r->list_title, r->rec_id);
	return 0;
}

static int count_record(void *ctx, const tg_raw_record *r)
{
	(void)r;
	(*(size_t *)ctx)++;
	return 0;
}

/* Pairwise figures of a clustering against the truth. */
typedef struct pairs {
	double correct, predicted, actual;
} pairs;

typedef struct cell {
	size_t cluster;
	long person;
} cell;

static int by_cell(const void *x, const void *y)
{
	const cell *a = x, *b = y;
	if (a->cluster != b->cluster)
		return a->cluster < b->cluster ? -1 : 1;
	return (a->person > b->person) - (a->person < b->person);
}

static double choose2(double k)
{
	return k * (k - 1) / 2;
}

static pairs score(const size_t *cluster, const long *person, size_t n)
{
	cell *c = malloc(n * sizeof *c);
	if (!c)
		abort();
	for (size_t i = 0; i < n; i++)
		c[i] = (cell){cluster[i], person[i]};
	qsort(c, n, sizeof *c, by_cell);
	pairs p = {0};
	for (size_t i = 0, j; i < n; i = j) {
		for (j = i; j < n && c[j].cluster == c[i].cluster; j++)
			;
		p.predicted += choose2((double)(j - i));
		for (size_t k = i, l; k < j; k = l) {
			for (l = k; l < j && c[l].person == c[k].person; l++)
				;
			p.correct += choose2((double)(l - k));
		}
	}
	for (size_t i = 0; i < n; i++)
		c[i] = (cell){(size_t)person[i], 0};
	qsort(c, n, sizeof *c, by_cell);
	for (size_t i = 0, j; i < n; i = j) {
		for (j = i; j < n && c[j].cluster == c[i].cluster; j++)
			;
		p.actual += choose2((double)(j - i));
	}
	free(c);
	return p;
}

static void print_quality(const char *what, pairs p)
{
	double pr = p.predicted ? p.correct / p.predicted : 1, re = p.actual ? p.correct / p.actual : 1;
	printf("%s: precision %.4f recall %.4f F1 %.4f\n", what, pr, re,
	       pr + re ? 2 * pr * re / (pr + re) : 0);
}

static size_t uf_find(size_t *parent, size_t x)
{
	while (parent[x] != x)
		x = parent[x] = parent[parent[x]];
	return x;
}

int main(int argc, char **argv)
{
	int size = argc > 1 ? atoi(argv[1]) : 100000;
	uint64_t seed = argc > 2 ? strtoull(argv[2], NULL, 10) : 1;
	tg_link_opts lo = {.upper = argc > 3 ? atof(argv[3]) : 0};
	char dir[] = "/tmp/tergeu-bench-link.XXXXXX";
	if (!mkdtemp(dir))
		bench_die("mkdtemp", "failed");
	char lists_dir[512], db[512], path[600];
	snprintf(lists_dir, sizeof lists_dir, "%s/lists", dir);
	snprintf(db, sizeof db, "%s/db.sqlite", dir);
	tg_error err = {0};

	tg_store *st;
	if (tg_store_open(db, TG_OPEN_CREATE | TG_OPEN_EXCLUSIVE, &st, &err))
		bench_die("open", err.msg);
	double t = bench_now();
	tg_gen_opts go = {.seed = seed, .size = size};
	if (tg_gen_import_lists(st, &go, lists_dir, NULL, NULL, &err))
		bench_die("generate and import", err.msg);
	double t_gen = bench_now() - t;

	size_t nraw = 0;
	t = bench_now();
	if (tg_raw_each(st, count_record, &nraw, &err))
		bench_die("read", err.msg);
	double t_base = bench_now() - t;

	json_t *report;
	tg_link *lk;
	t = bench_now();
	if (tg_link_database(st, &lo, &report, &lk, &err))
		bench_die("link", err.msg);
	double t_link = bench_now() - t;
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);

	truth tr = {0};
	snprintf(path, sizeof path, "%s/truth.csv", lists_dir);
	truth_load(&tr, path);
	size_t n = tg_link_size(lk);
	struct mapping m = {&tr, malloc(n * sizeof(long)), 0};
	size_t *cluster = calloc(n ? n : 1, sizeof *cluster);
	if (!m.person || !cluster || tg_raw_each(st, map_record, &m, &err) || m.n != n)
		bench_die("truth", "records and truth disagree");
	for (size_t i = 0; i < n; i++) {
		cluster[i] = tg_link_cluster(lk, i);
		if (m.person[i] < 0)
			bench_die("truth", "a record has no truth");
	}

	/* Pair completeness: every true pair, and the rule that pairs it. */
	size_t *order = malloc(n * sizeof *order);
	for (size_t i = 0; i < n; i++)
		order[i] = i;
	cell *byp = malloc(n * sizeof *byp);
	for (size_t i = 0; i < n; i++)
		byp[i] = (cell){(size_t)m.person[i], (long)i};
	qsort(byp, n, sizeof *byp, by_cell);
	double true_pairs = 0, blocked = 0, by_rule[8] = {0};
	for (size_t i = 0, j; i < n; i = j) {
		for (j = i; j < n && byp[j].cluster == byp[i].cluster; j++)
			;
		for (size_t a = i; a < j; a++)
			for (size_t b = a + 1; b < j; b++) {
				int r = tg_link_blocked_by(lk, (size_t)byp[a].person, (size_t)byp[b].person);
				true_pairs++;
				if (r >= 0) {
					blocked++;
					by_rule[r]++;
				}
			}
	}

	pairs automatic = score(cluster, m.person, n);
	/* A perfect reviewer links every true pair of the review band. */
	size_t *parent = malloc(n * sizeof *parent);
	for (size_t i = 0; i < n; i++)
		parent[i] = cluster[i];
	size_t nreview = tg_link_review_count(lk);
	for (size_t k = 0; k < nreview; k++) {
		size_t a, b;
		double p;
		tg_link_review_at(lk, k, &a, &b, &p);
		if (m.person[a] == m.person[b])
			parent[uf_find(parent, a)] = uf_find(parent, b);
	}
	for (size_t i = 0; i < n; i++)
		order[i] = uf_find(parent, i);
	pairs reviewed = score(order, m.person, n);

	json_t *tm = json_object_get(report, "timings");
	printf("bench-link: population %d (seed %llu), %zu records, %lld persons found\n", size,
	       (unsigned long long)seed, n,
	       (long long)json_integer_value(json_object_get(report, "clusters")));
	printf("generate and import %.2f s\n", t_gen);
	printf("link end to end %.2f s: load %.2f s, u %.2f s, blocking and comparison %.2f s,"
	       " em %.3f s, scoring %.2f s, clustering %.2f s, keep %.2f s\n", t_link,
	       json_number_value(json_object_get(tm, "load")),
	       json_number_value(json_object_get(tm, "u")),
	       json_number_value(json_object_get(tm, "blocking_and_comparison")),
	       json_number_value(json_object_get(tm, "em")),
	       json_number_value(json_object_get(tm, "scoring")),
	       json_number_value(json_object_get(tm, "clustering")),
	       json_number_value(json_object_get(tm, "keep")));
	printf("peak RSS %.0f MiB\n", (double)ru.ru_maxrss / 1024);
	printf("pairs compared %lld, %.2fM comparison vectors/s per thread (%d threads)\n",
	       (long long)json_integer_value(json_object_get(report, "pairs")),
	       json_number_value(json_object_get(report, "comparisons_per_second_per_thread")) / 1e6,
	       (int)json_integer_value(json_object_get(json_object_get(report, "params"), "threads")));
	json_t *rule;
	size_t ri;
	json_array_foreach(json_object_get(report, "blocking"), ri, rule)
		printf("  rule %-24s new pairs %11lld capped blocks %6lld  first pairs %.0f true pairs\n",
		       json_string_value(json_object_get(rule, "rule")),
		       (long long)json_integer_value(json_object_get(rule, "new_pairs")),
		       (long long)json_integer_value(json_object_get(rule, "capped_blocks")),
		       ri < 8 ? by_rule[ri] : 0);
	printf("pair completeness %.4f (%.0f of %.0f true pairs blocked)\n",
	       true_pairs ? blocked / true_pairs : 1, blocked, true_pairs);
	printf("review %zu pairs, %.1f per 1,000 records\n", nreview, 1000.0 * (double)nreview / (double)n);
	print_quality("auto-link threshold", automatic);
	print_quality("with perfect review", reviewed);
	printf("baseline (read every raw record) %.3f s; link / baseline %.1fx\n", t_base,
	       t_link / t_base);

	json_decref(report);
	tg_link_free(lk);
	tg_store_close(st);
	char cmd[600];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd))
		fprintf(stderr, "bench-link: could not remove %s\n", dir);
	return 0;
}
