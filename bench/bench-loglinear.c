/*
 * Log-linear model search against R's glm:
 *   bench-loglinear [ROUNDS] [TABLES]   (default 5, tests/unit/stats/fixtures/tables.csv)
 * Run from the repository root. For a 4-, 5- and 6-list table of the
 * fixtures (scotpwid: 113 models; sim5: 1,024; sim6 and uk6: 32,768)
 * times tg_estimate_loglinear — every model fitted and ranked by AIC, the
 * selected model's profile interval — as the median of ROUNDS runs. The
 * baseline in the same run: R's glm(count ~ ..., family = poisson) fitting
 * the selected model alone, timed inside one Rscript over enough repeats to
 * last a second (R's start-up left out). The ratio is R's time for one
 * model over ours per model (the search time divided by the models); R's
 * figure is skipped with a note when Rscript is missing. Prints the lines
 * for BENCHMARKS.md.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"
#include "stats/stats.h"

static const char *const sets[] = {"scotpwid", "sim5", "sim6", "uk6"};
#define NSETS (sizeof sets / sizeof sets[0])

static tg_capture tables[NSETS];

static void load(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f)
		bench_die(path, "cannot open (run from the repository root)");
	char line[256];
	while (fgets(line, sizeof line, f)) {
		char *c1 = strchr(line, ','), *c2 = c1 ? strchr(c1 + 1, ',') : NULL;
		if (!c2)
			continue;
		*c1 = *c2 = 0;
		for (size_t s = 0; s < NSETS; s++) {
			if (strcmp(line, sets[s]))
				continue;
			int p = 0, k = (int)strlen(c1 + 1);
			for (int i = 0; i < k; i++)
				p |= (c1[1 + i] == '1') << i;
			tables[s].k = k;
			tables[s].count[p] = atof(c2 + 1);
		}
	}
	fclose(f);
	for (size_t s = 0; s < NSETS; s++)
		if (!tables[s].k)
			bench_die(sets[s], "not in the tables file");
}

/* R's formula of a model in bracket notation: "[12][3]" -> L1*L2 + L3. */
static void formula(const char *model, char *out, size_t n)
{
	size_t len = (size_t)snprintf(out, n, "count ~ ");
	for (const char *s = model; *s && len < n; s++) {
		if (*s == '[')
			len += (size_t)snprintf(out + len, n - len, "%s", s == model ? "" : " + ");
		else if (*s != ']')
			len += (size_t)snprintf(out + len, n - len, "%sL%c",
			                        s[-1] == '[' ? "" : "*", *s);
	}
}

/* Seconds R's glm takes to fit one model of t, or a negative number. */
static double r_glm_seconds(const tg_capture *t, const char *model)
{
	if (system("command -v Rscript > /dev/null 2>&1"))
		return -1;
	char path[] = "/tmp/bench-loglinear-XXXXXX";
	int fd = mkstemp(path);
	if (fd < 0)
		return -1;
	FILE *f = fdopen(fd, "w");
	for (int i = 0; i < t->k; i++)
		fprintf(f, "L%d,", i + 1);
	fprintf(f, "count\n");
	for (int p = 1; p < (1 << t->k); p++) {
		for (int i = 0; i < t->k; i++)
			fprintf(f, "%d,", p >> i & 1);
		fprintf(f, "%.17g\n", t->count[p]);
	}
	fclose(f);
	char form[512], cmd[2048];
	formula(model, form, sizeof form);
	snprintf(cmd, sizeof cmd,
	         "Rscript -e 'd <- read.csv(\"%s\"); f <- %s; n <- 1; "
	         "repeat { s <- system.time(for (i in 1:n) glm(f, family = poisson, data = d))"
	         "[[\"elapsed\"]]; if (s > 1) break; n <- n * 4 }; cat(s / n)' 2>/dev/null",
	         path, form);
	FILE *r = popen(cmd, "r");
	double sec = -1;
	if (r) {
		if (fscanf(r, "%lf", &sec) != 1)
			sec = -1;
		pclose(r);
	}
	unlink(path);
	return sec;
}

/* Models in the space searched for k lists (docs/stats.md). */
static size_t space(int k)
{
	return k == 6 ? 32768 : k == 5 ? 1024 : k == 4 ? 113 : k == 3 ? 8 : 1;
}

static const char *goal(int k)
{
	return k == 6 ? "≤ 20 s" : k == 5 ? "≤ 0.5 s" : "—";
}

int main(int argc, char **argv)
{
	int rounds = argc > 1 ? atoi(argv[1]) : 5;
	load(argc > 2 ? argv[2] : "tests/unit/stats/fixtures/tables.csv");
	if (rounds < 1)
		bench_die("rounds", "must be at least 1");
	char date[16];
	time_t now = time(NULL);
	strftime(date, sizeof date, "%Y-%m-%d", gmtime(&now));
	printf("## Log-linear model search vs R's glm\n\n`build/bench/bench-loglinear %d` "
	       "(from the repository root)\n\n", rounds);
	printf("| date | table | lists | models ranked | search (median of %d) | per model | R glm, "
	       "one model | ratio R/ours per model | goal |\n|---|---|---|---|---|---|---|---|---|\n",
	       rounds);
	for (size_t s = 0; s < NSETS; s++) {
		double *sec = malloc((size_t)rounds * sizeof *sec);
		tg_estimate e;
		tg_error err = {0};
		json_t *models = NULL;
		if (!sec)
			bench_die("malloc", "out of memory");
		if (tg_estimate_loglinear(&tables[s], "aic", &e, &models, &err))
			bench_die(sets[s], err.msg);
		size_t n = json_array_size(models);
		json_decref(models);
		for (int r = 0; r < rounds; r++) {
			double t0 = bench_now();
			if (tg_estimate_loglinear(&tables[s], "aic", &e, NULL, &err))
				bench_die(sets[s], err.msg);
			sec[r] = bench_now() - t0;
		}
		double med = bench_median(sec, rounds), per = med / (double)n;
		double rsec = r_glm_seconds(&tables[s], e.model);
		char rtext[320], ratio[64];
		if (rsec > 0) {
			snprintf(rtext, sizeof rtext, "%.2f ms (%s)", rsec * 1e3, e.model);
			snprintf(ratio, sizeof ratio, "**%.0f**", rsec / per);
		} else {
			snprintf(rtext, sizeof rtext, "skipped: no Rscript");
			snprintf(ratio, sizeof ratio, "—");
		}
		printf("| %s | %s | %d | %zu of %zu | %.3f s | %.1f µs | %s | %s | %s |\n", date,
		       sets[s], tables[s].k, n, space(tables[s].k), med, per * 1e6, rtext, ratio,
		       goal(tables[s].k));
		fflush(stdout);
		free(sec);
	}
	return 0;
}
