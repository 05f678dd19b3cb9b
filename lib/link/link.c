/*
 * The linker's handle and its run: standardised records in, clusters,
 * a review queue and a report out.
 */
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "link/link-int.h"

tg_link *tg_link_new(void)
{
	tg_link *lk = calloc(1, sizeof *lk);
	if (!lk)
		abort();
	lk_gazetteer_load(lk);
	lk_model_default(lk);
	return lk;
}

void tg_link_free(tg_link *lk)
{
	if (!lk)
		return;
	free(lk->rec);
	lk_intern_free(&lk->keys);
	lk_intern_free(&lk->places);
	free(lk->gaz_place);
	free(lk->gaz_region);
	free(lk->cons);
	free(lk->cluster);
	free(lk->review);
	free(lk->by_id_sorted);
	for (int r = 0; r < NRULES; r++)
		free(lk->capped[r].v);
	json_decref(lk->report);
	free(lk);
}

void tg_link_add(tg_link *lk, const tg_link_input *in)
{
	if (lk->n == lk->cap) {
		lk->cap = lk->cap ? lk->cap * 2 : 4096;
		if (!(lk->rec = realloc(lk->rec, lk->cap * sizeof *lk->rec)))
			abort();
	}
	lk_standardise(lk, in, &lk->rec[lk->n++]);
	free(lk->by_id_sorted);
	lk->by_id_sorted = NULL;
}

size_t tg_link_size(const tg_link *lk)
{
	return lk->n;
}

static int by_id(const void *a, const void *b, void *ctx)
{
	const tg_link *lk = ctx;
	long long x = lk->rec[*(const uint32_t *)a].id, y = lk->rec[*(const uint32_t *)b].id;
	return (x > y) - (x < y);
}

long tg_link_find(const tg_link *lk, long long id)
{
	tg_link *w = (tg_link *)lk;
	if (!w->by_id_sorted && lk->n) {
		if (!(w->by_id_sorted = malloc(lk->n * sizeof *w->by_id_sorted)))
			abort();
		for (size_t i = 0; i < lk->n; i++)
			w->by_id_sorted[i] = (uint32_t)i;
		qsort_r(w->by_id_sorted, lk->n, sizeof *w->by_id_sorted, by_id, w);
	}
	size_t lo = 0, hi = lk->n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		long long v = lk->rec[lk->by_id_sorted[mid]].id;
		if (v == id)
			return (long)lk->by_id_sorted[mid];
		if (v < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

void tg_link_constrain(tg_link *lk, long long a, long long b, bool must_link)
{
	if (lk->ncons == lk->capcons) {
		lk->capcons = lk->capcons ? lk->capcons * 2 : 16;
		if (!(lk->cons = realloc(lk->cons, lk->capcons * sizeof *lk->cons)))
			abort();
	}
	lk->cons[lk->ncons++] = (struct lk_constraint){a, b, must_link};
}

void lk_pairs_push(lk_pairs *p, uint32_t a, uint32_t b, uint32_t pat)
{
	if (p->n == p->cap) {
		p->cap = p->cap ? p->cap * 2 : 65536;
		if (!(p->v = realloc(p->v, p->cap * sizeof *p->v)))
			abort();
	}
	p->v[p->n++] = (lk_pair){a, b, pat};
}

struct thread_arg {
	void (*fn)(void *, int, int);
	void *ctx;
	int t, nt;
};

static void *thread_main(void *p)
{
	struct thread_arg *a = p;
	a->fn(a->ctx, a->t, a->nt);
	return NULL;
}

int lk_threads(int asked)
{
	if (asked > 0)
		return asked;
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	return cpus < 1 ? 1 : cpus > 8 ? 8 : (int)cpus;
}

void lk_parallel(int nthreads, void (*fn)(void *ctx, int t, int nthreads), void *ctx)
{
	if (nthreads <= 1) {
		fn(ctx, 0, 1);
		return;
	}
	pthread_t th[64];
	struct thread_arg arg[64];
	if (nthreads > 64)
		nthreads = 64;
	for (int t = 0; t < nthreads; t++) {
		arg[t] = (struct thread_arg){fn, ctx, t, nthreads};
		if (t && pthread_create(&th[t], NULL, thread_main, &arg[t]))
			abort();
	}
	thread_main(&arg[0]);
	for (int t = 1; t < nthreads; t++)
		pthread_join(th[t], NULL);
}

double lk_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

struct scoring {
	const tg_link *lk;
	const lk_pairs *pairs;
	float *val; /* evidence in, probability out */
	bool final;
};

static void score(void *ctx, int t, int nt)
{
	struct scoring *s = ctx;
	size_t n = s->pairs->n, from = n * (size_t)t / (size_t)nt, to = n * (size_t)(t + 1) / (size_t)nt;
	int level[NCMP];
	for (size_t k = from; k < to; k++) {
		const lk_pair *p = &s->pairs->v[k];
		const lrec *a = &s->lk->rec[p->a], *b = &s->lk->rec[p->b];
		if (s->final) {
			double prior = lk_prior(s->lk, a, b);
			s->val[k] = (float)(1 / (1 + (1 - prior) / prior * exp2(-s->val[k])));
		} else {
			lk_unpattern(p->pat, level);
			s->val[k] = (float)lk_evidence(s->lk, a, b, level);
		}
	}
}

/* Links and review items best first; ties by record order, so that runs
 * are reproducible whatever the threads did. */
struct scored {
	const float *prob;
	const lk_pair *pairs;
};

static int by_prob(const void *x, const void *y, void *ctx)
{
	const struct scored *sc = ctx;
	size_t i = *(const size_t *)x, j = *(const size_t *)y;
	if (sc->prob[i] != sc->prob[j])
		return sc->prob[i] > sc->prob[j] ? -1 : 1;
	const lk_pair *a = &sc->pairs[i], *b = &sc->pairs[j];
	if (a->a != b->a)
		return a->a < b->a ? -1 : 1;
	return (a->b > b->b) - (a->b < b->b);
}

static bool decided(const tg_link *lk, uint32_t a, uint32_t b)
{
	long long x = lk->rec[a].id, y = lk->rec[b].id;
	for (size_t k = 0; k < lk->ncons; k++)
		if ((lk->cons[k].a == x && lk->cons[k].b == y) ||
		    (lk->cons[k].a == y && lk->cons[k].b == x))
			return true;
	return false;
}

static json_t *model_json(const lk_model *m)
{
	json_t *cmps = json_array();
	for (int c = 0; c < NCMP; c++) {
		json_t *levels = json_array();
		for (int l = 0; l < lk_comparisons[c].nlevels; l++)
			json_array_append_new(levels, json_pack("{s:s, s:f, s:f, s:f}",
				"label", _(lk_comparisons[c].levels[l]), "m", m->m[c][l], "u", m->u[c][l],
				"weight", log2(m->m[c][l] / m->u[c][l])));
		json_array_append_new(cmps, json_pack("{s:s, s:o}", "name", lk_comparisons[c].name,
		                                      "levels", levels));
	}
	return cmps;
}

/* Training between the training rules and the rest of blocking. */
struct trainer {
	tg_link *lk;
	int iterations;
	double lower;
	uint8_t *keep;
	double seconds;
	tg_progress_fn progress;
	void *pctx;
};

static const uint8_t *train(void *ctx, const uint64_t *counts)
{
	struct trainer *tr = ctx;
	if (tr->progress)
		tr->progress(tr->pctx, _("training"), 0, 1);
	double t = lk_now();
	lk_em(tr->lk, counts, tr->iterations);
	uint32_t npat = lk_npatterns();
	if (!(tr->keep = malloc(npat)))
		abort();
	int level[NCMP];
	for (uint32_t p = 0; p < npat; p++) {
		lk_unpattern(p, level);
		tr->keep[p] = lk_max_probability(tr->lk, level) >= tr->lower;
	}
	tr->seconds = lk_now() - t;
	return tr->keep;
}

/* The options with defaults filled in. */
static int resolve(const tg_link_opts *o, tg_link_opts *opt, tg_error *err)
{
	*opt = (tg_link_opts){.upper = 0.85, .lower = 0.5, .block_cap = 300, .seed = 1,
	                      .u_pairs = 2000000, .em_iterations = 100};
	if (o) {
		opt->progress = o->progress;
		opt->progress_ctx = o->progress_ctx;
		if (o->upper > 0)
			opt->upper = o->upper;
		if (o->lower > 0)
			opt->lower = o->lower;
		if (o->block_cap > 0)
			opt->block_cap = o->block_cap;
		opt->threads = o->threads;
		if (o->seed)
			opt->seed = o->seed;
		if (o->u_pairs > 0)
			opt->u_pairs = o->u_pairs;
		if (o->em_iterations > 0)
			opt->em_iterations = o->em_iterations;
	}
	opt->threads = lk_threads(opt->threads);
	if (!(opt->upper > opt->lower && opt->upper < 1 && opt->lower > 0))
		return tg_error_set(err, TG_EINVAL, "threshold",
		                    _("the thresholds must satisfy 0 < lower < upper < 1"));
	return 0;
}

/* Scores the kept pairs and ranks those at or above the lower threshold,
 * best first: order[0..*nlinks) reach the upper one, the rest up to
 * *nranked are the review band. prob gets every pair's probability. */
static size_t *rank(tg_link *lk, const lk_pairs *pairs, const tg_link_opts *opt, float *prob,
                    size_t *nlinks, size_t *nranked)
{
	struct scoring sc = {lk, pairs, prob, false};
	lk_parallel(opt->threads, score, &sc); /* evidence */
	lk_list_priors(lk, pairs, prob);
	sc.final = true;
	lk_parallel(opt->threads, score, &sc); /* probability */
	size_t n = 0, links = 0;
	for (size_t k = 0; k < pairs->n; k++) {
		n += prob[k] >= opt->lower;
		links += prob[k] >= opt->upper;
	}
	size_t *order = malloc((n + 1) * sizeof *order), at = 0;
	if (!order)
		abort();
	for (size_t k = 0; k < pairs->n; k++)
		if (prob[k] >= opt->lower)
			order[at++] = k;
	qsort_r(order, n, sizeof *order, by_prob, &(struct scored){prob, pairs->v});
	*nlinks = links;
	*nranked = n;
	return order;
}

/* The review band's pairs whose records the clustering left apart and no
 * reviewer has decided. */
static void queue_review(tg_link *lk, const lk_pairs *pairs, const float *prob,
                         const size_t *order, size_t from, size_t to)
{
	free(lk->review);
	if (!(lk->review = malloc((to - from + 1) * sizeof *lk->review)))
		abort();
	lk->nreview = 0;
	for (size_t k = from; k < to; k++) {
		const lk_pair *p = &pairs->v[order[k]];
		if (lk->cluster[p->a] == lk->cluster[p->b] || decided(lk, p->a, p->b))
			continue;
		lk->review[lk->nreview++] = (struct lk_review){p->a, p->b, prob[order[k]]};
	}
}

/* What a run found, for tg_link_report. */
struct run_figures {
	json_t *rules, *timings;
	uint64_t compared, kept, links;
	size_t patterns;
	double compare_time;
	long refused[6];
};

static json_t *report(const tg_link *lk, const tg_link_opts *opt, const struct run_figures *f)
{
	size_t clusters = 0;
	for (size_t i = 0; i < lk->n; i++)
		clusters += lk->cluster[i] == i;
	json_t *em = json_pack("{s:i, s:f, s:f, s:b}", "iterations", lk->model.iterations,
	                       "lambda", lk->model.lambda, "blocked_lambda", lk->model.blocked_lambda,
	                       "converged", lk->model.converged);
	json_t *lp = json_array();
	for (int x = 0; x < lk->model.nlists; x++) {
		json_t *row = json_array();
		for (int y = 0; y < lk->model.nlists; y++)
			json_array_append_new(row, json_real(lk->model.lp[x][y]));
		json_array_append_new(lp, row);
	}
	json_object_set_new(em, "list_priors", lp);
	const long *r = f->refused;
	return json_pack("{s:I, s:I, s:O, s:I, s:I, s:I, s:f, s:I, s:o, s:o,"
	                 " s:I, s:{s:I, s:I, s:I, s:I, s:I, s:I}, s:I, s:o, s:O}",
		"records", (json_int_t)lk->n, "clusters", (json_int_t)clusters,
		"blocking", f->rules, "pairs", (json_int_t)f->compared, "kept_pairs", (json_int_t)f->kept,
		"patterns", (json_int_t)f->patterns,
		"comparisons_per_second_per_thread",
		f->compare_time > 0 ? (double)f->compared / f->compare_time / opt->threads : 0.0,
		"random_pairs", (json_int_t)opt->u_pairs,
		"em", em,
		"comparisons", model_json(&lk->model),
		"links", (json_int_t)f->links,
		"refused_unions", "iin", (json_int_t)r[0], "birth_date", (json_int_t)r[1],
		"sex", (json_int_t)r[2], "patronymic", (json_int_t)r[3],
		"disagreement", (json_int_t)r[4], "decision", (json_int_t)r[5],
		"review", (json_int_t)lk->nreview,
		"params", json_pack("{s:f, s:f, s:i, s:i, s:I, s:I, s:i}", "upper", opt->upper,
		                    "lower", opt->lower, "block_cap", opt->block_cap,
		                    "threads", opt->threads, "seed", (json_int_t)opt->seed,
		                    "random_pairs", (json_int_t)opt->u_pairs,
		                    "em_iterations", opt->em_iterations),
		"timings", f->timings);
}

static void progress_to(const tg_link_opts *o, const char *what)
{
	if (o->progress)
		o->progress(o->progress_ctx, what, 0, 1);
}

int tg_link_run(tg_link *lk, const tg_link_opts *o, tg_error *err)
{
	tg_link_opts opt;
	int rc = resolve(o, &opt, err);
	if (rc)
		return rc;
	if (lk->n >= UINT32_MAX)
		return tg_error_set(err, TG_EINVAL, NULL, _("too many records to link"));
	struct run_figures f = {.rules = json_array(), .timings = json_object()};
	double t0 = lk_now(), t;

	lk_model_default(lk);
	progress_to(&opt, _("random pairs"));
	t = lk_now();
	lk_estimate_u(lk, opt.u_pairs, opt.seed, opt.threads);
	json_object_set_new(f.timings, "u", json_real(lk_now() - t));

	t = lk_now();
	uint32_t npat = lk_npatterns();
	uint64_t *counts = calloc((size_t)NRULES * npat, sizeof *counts);
	lk_pairs pairs = {0};
	if (!counts)
		abort();
	struct trainer tr = {lk, opt.em_iterations, opt.lower, NULL, 0, opt.progress,
	                     opt.progress_ctx};
	lk_block_compare(lk, opt.threads, opt.block_cap, &pairs, counts,
	                 &(lk_training){train, &tr}, f.rules, opt.progress, opt.progress_ctx);
	f.compare_time = lk_now() - t - tr.seconds;
	free(tr.keep);
	json_object_set_new(f.timings, "blocking_and_comparison", json_real(f.compare_time));
	json_object_set_new(f.timings, "em", json_real(tr.seconds));
	for (uint32_t p = 0; p < npat; p++) {
		uint64_t c = 0;
		for (int r = 0; r < NRULES; r++)
			c += counts[(size_t)r * npat + p];
		f.patterns += c > 0;
	}
	free(counts);
	json_t *rule;
	size_t ri;
	json_array_foreach(f.rules, ri, rule)
		f.compared += (uint64_t)json_integer_value(json_object_get(rule, "new_pairs"));
	f.kept = pairs.n;

	progress_to(&opt, _("scoring"));
	t = lk_now();
	float *prob = malloc((pairs.n ? pairs.n : 1) * sizeof *prob);
	if (!prob)
		abort();
	size_t nlinks, nranked;
	size_t *order = rank(lk, &pairs, &opt, prob, &nlinks, &nranked);
	lk_pair *links = malloc((nlinks + 1) * sizeof *links);
	if (!links)
		abort();
	for (size_t k = 0; k < nlinks; k++)
		links[k] = pairs.v[order[k]];
	f.links = nlinks;
	json_object_set_new(f.timings, "scoring", json_real(lk_now() - t));

	progress_to(&opt, _("clustering"));
	t = lk_now();
	lk_cluster(lk, links, nlinks, f.refused);
	queue_review(lk, &pairs, prob, order, nlinks, nranked);
	free(links);
	free(order);
	free(prob);
	free(pairs.v);
	json_object_set_new(f.timings, "clustering", json_real(lk_now() - t));
	json_object_set_new(f.timings, "total", json_real(lk_now() - t0));

	json_decref(lk->report);
	lk->report = report(lk, &opt, &f);
	json_decref(f.rules);
	json_decref(f.timings);
	return 0;
}

size_t tg_link_cluster(const tg_link *lk, size_t i)
{
	return lk->cluster ? lk->cluster[i] : i;
}

size_t tg_link_review_count(const tg_link *lk)
{
	return lk->nreview;
}

void tg_link_review_at(const tg_link *lk, size_t k, size_t *a, size_t *b, double *prob)
{
	*a = lk->review[k].a;
	*b = lk->review[k].b;
	*prob = lk->review[k].p;
}

json_t *tg_link_report(const tg_link *lk)
{
	return lk->report ? json_deep_copy(lk->report) : json_object();
}

json_t *tg_link_explain(const tg_link *lk, size_t i, size_t j)
{
	const lrec *a = &lk->rec[i], *b = &lk->rec[j];
	int level[NCMP];
	lk_compare(&lk->keys, a, b, level);
	json_t *cmps = json_array();
	double lambda = lk_prior(lk, a, b), prior = log2(lambda / (1 - lambda)), total = prior;
	for (int c = 0; c < NCMP; c++) {
		int l = level[c];
		if (l < 0) {
			json_array_append_new(cmps, json_pack("{s:s, s:n, s:s, s:f}", "name",
				lk_comparisons[c].name, "level", "label", _("missing on one side"),
				"weight", 0.0));
			continue;
		}
		double w = lk_weight(lk, a, b, c, l);
		total += w;
		json_array_append_new(cmps, json_pack("{s:s, s:i, s:s, s:f, s:f, s:f}",
			"name", lk_comparisons[c].name, "level", l, "label", _(lk_comparisons[c].levels[l]),
			"m", lk->model.m[c][l], "u", lk->model.u[c][l], "weight", w));
	}
	int kind = lk_conflict_kind(&lk->keys, a, b);
	const char *decision = NULL;
	for (size_t k = 0; k < lk->ncons; k++)
		if ((lk->cons[k].a == a->id && lk->cons[k].b == b->id) ||
		    (lk->cons[k].a == b->id && lk->cons[k].b == a->id)) {
			decision = lk->cons[k].must ? "link" : "not_link";
			if (!lk->cons[k].must)
				kind = LK_CONFLICT_DECIDED;
		}
	const char *why = lk_conflict_name(kind);
	json_t *out = json_pack("{s:I, s:I, s:o, s:f, s:f, s:f, s:b, s:b}",
		"a", a->id, "b", b->id, "comparisons", cmps, "prior", prior, "total", total,
		"probability", 1 / (1 + exp2(-total)), "trained", lk->model.trained,
		"same_cluster", lk->cluster && lk->cluster[i] == lk->cluster[j]);
	json_object_set_new(out, "cannot_link", why ? json_string(_(why)) : json_null());
	json_object_set_new(out, "decision", decision ? json_string(decision) : json_null());
	return out;
}

int tg_link_set_model(tg_link *lk, const json_t *report)
{
	json_t *cmps = json_object_get(report, "comparisons");
	double lambda = json_number_value(json_object_get(json_object_get(report, "em"), "lambda"));
	if (json_array_size(cmps) != NCMP || !(lambda > 0 && lambda < 1))
		return TG_EINVAL;
	lk_model m = lk->model;
	for (int c = 0; c < NCMP; c++) {
		json_t *levels = json_object_get(json_array_get(cmps, (size_t)c), "levels");
		if ((int)json_array_size(levels) != lk_comparisons[c].nlevels)
			return TG_EINVAL;
		for (int l = 0; l < lk_comparisons[c].nlevels; l++) {
			json_t *lv = json_array_get(levels, (size_t)l);
			m.m[c][l] = json_number_value(json_object_get(lv, "m"));
			m.u[c][l] = json_number_value(json_object_get(lv, "u"));
			if (!(m.m[c][l] > 0 && m.u[c][l] > 0))
				return TG_EINVAL;
		}
	}
	m.lambda = lambda;
	m.trained = true;
	json_t *lp = json_object_get(json_object_get(report, "em"), "list_priors");
	m.nlists = json_array_size(lp) <= LK_MAXLISTS ? (int)json_array_size(lp) : 0;
	for (int x = 0; x < m.nlists; x++)
		for (int y = 0; y < m.nlists; y++) {
			m.lp[x][y] = json_number_value(json_array_get(json_array_get(lp, (size_t)x), (size_t)y));
			if (!(m.lp[x][y] > 0 && m.lp[x][y] < 1))
				return TG_EINVAL;
		}
	lk->model = m;
	return 0;
}
