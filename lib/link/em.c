/*
 * The Fellegi–Sunter model.  u (how often non-matches agree at each
 * level) comes from random pairs, which are almost all non-matches; m
 * (how often matches do) and the share of matches among the blocked
 * pairs come from EM.  EM runs on the counts of distinct comparison
 * patterns, a few thousand numbers however many pairs there are; then
 * the prior of each pair of lists is fitted on the kept pairs.  Common
 * names agree by chance more often than rare ones: agreement on a name
 * is weighed by how frequent that very name is (term frequency).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "link/link-int.h"

void lk_model_default(tg_link *lk)
{
	lk_model *m = &lk->model;
	/* Before training: m as guessed, u roughly what random pairs give. */
	m->lambda = 0.001;
	for (int c = 0; c < NCMP; c++)
		for (int l = 0; l < lk_comparisons[c].nlevels; l++) {
			m->m[c][l] = lk_comparisons[c].m0[l];
			m->u[c][l] = lk_comparisons[c].u0[l];
		}
	m->trained = false;
	m->nlists = 0;
}

struct usample {
	tg_link *lk;
	long npairs;
	uint64_t seed;
	uint64_t (*counts)[NCMP][LK_MAXLEVEL + 1];
};

static void sample(void *ctx, int t, int nt)
{
	struct usample *s = ctx;
	tg_rng r;
	tg_rng_seed(&r, s->seed * 1000003u + (uint64_t)t);
	long todo = s->npairs / nt + (t < s->npairs % nt);
	uint32_t n = (uint32_t)s->lk->n;
	int level[NCMP];
	for (long k = 0; k < todo; k++) {
		uint32_t a = tg_rng_below(&r, n), b = tg_rng_below(&r, n);
		if (a == b)
			continue;
		lk_compare(&s->lk->keys, &s->lk->rec[a], &s->lk->rec[b], level);
		for (int c = 0; c < NCMP; c++)
			s->counts[t][c][level[c] + 1]++;
	}
}

void lk_estimate_u(tg_link *lk, long npairs, uint64_t seed, int nthreads)
{
	if (lk->n < 2)
		return;
	uint64_t (*counts)[NCMP][LK_MAXLEVEL + 1] = calloc((size_t)nthreads, sizeof *counts);
	if (!counts)
		abort();
	struct usample s = {lk, npairs, seed, counts};
	lk_parallel(nthreads, sample, &s);
	for (int c = 0; c < NCMP; c++) {
		int nl = lk_comparisons[c].nlevels;
		double total = 0, seen[LK_MAXLEVEL] = {0};
		for (int t = 0; t < nthreads; t++)
			for (int l = 0; l < nl; l++)
				seen[l] += (double)counts[t][c][l + 1];
		for (int l = 0; l < nl; l++)
			total += seen[l];
		if (total < 1)
			continue; /* nobody has the field: keep the defaults */
		/* Levels random pairs never reach still happen by chance:
		 * half a pair in the sample, at the least. */
		for (int l = 0; l < nl; l++)
			lk->model.u[c][l] = (seen[l] > 0 ? seen[l] : 0.5) / (total + 0.5 * nl);
	}
	free(counts);
}

/* Product of m (or u) over the comparisons present in a pattern. */
static void likelihoods(const lk_model *m, const int level[NCMP], double *pm, double *pu)
{
	double a = 1, b = 1;
	for (int c = 0; c < NCMP; c++)
		if (level[c] >= 0) {
			a *= m->m[c][level[c]];
			b *= m->u[c][level[c]];
		}
	*pm = a;
	*pu = b;
}

/*
 * Blocked pairs are not random pairs: a non-match that shares a name word
 * and a birth year with its partner is common among them and rare among
 * random pairs, and what a rule blocked on says nothing there.  So, as
 * Splink does, EM runs once per training rule on the pairs that rule
 * made, fitting m and the pairs' own u for the comparisons the rule did
 * not block on (those it did are left out of the likelihood), and each
 * comparison takes its m from the sessions that could see it.  Scoring
 * then weighs m against the random pairs' u, with the prior of a random
 * pair: the Bayes factor the patterns really carry.
 */
static void em_session(lk_model *out, const lk_model *start, const uint64_t *counts,
                       const bool *blocked, int max_iterations, double *matches_out,
                       double *pairs_out)
{
	uint32_t npat = lk_npatterns();
	double strict = 0, total = 0;
	int level[NCMP];
	for (uint32_t p = 0; p < npat; p++) {
		if (!counts[p])
			continue;
		lk_unpattern(p, level);
		total += (double)counts[p];
		if ((level[CMP_NAME] <= 1 && level[CMP_BIRTH] == 0) || level[CMP_IIN] == 0)
			strict += (double)counts[p];
	}
	*out = *start;
	*pairs_out = total;
	*matches_out = 0;
	if (total < 1)
		return;
	lk_model b = *start;
	b.lambda = strict > 0 ? strict / total : 1 / total;
	if (b.lambda > 0.9)
		b.lambda = 0.9;
	b.iterations = 0;
	b.converged = false;
	while (b.iterations < max_iterations && !b.converged) {
		double nm[NCMP][LK_MAXLEVEL] = {{0}}, nu[NCMP][LK_MAXLEVEL] = {{0}}, matches = 0;
		for (uint32_t p = 0; p < npat; p++) {
			if (!counts[p])
				continue;
			lk_unpattern(p, level);
			for (int k = 0; k < NCMP; k++)
				if (blocked[k])
					level[k] = -1;
			double pm, pu;
			likelihoods(&b, level, &pm, &pu);
			double num = b.lambda * pm, den = num + (1 - b.lambda) * pu;
			double w = den > 0 ? num / den : 0, c = (double)counts[p];
			matches += w * c;
			for (int k = 0; k < NCMP; k++)
				if (level[k] >= 0) {
					nm[k][level[k]] += w * c;
					nu[k][level[k]] += (1 - w) * c;
				}
		}
		double change = fabs(matches / total - b.lambda);
		b.lambda = matches / total;
		for (int k = 0; k < NCMP; k++) {
			int nl = lk_comparisons[k].nlevels;
			double sm = 0, su = 0;
			for (int l = 0; l < nl; l++) {
				sm += nm[k][l];
				su += nu[k][l];
			}
			for (int l = 0; l < nl && sm > 0 && su > 0; l++) {
				double vm = nm[k][l] / sm, vu = nu[k][l] / su;
				vm = vm < 1e-6 ? 1e-6 : vm;
				vu = vu < 1e-6 ? 1e-6 : vu;
				if (fabs(vm - b.m[k][l]) > change)
					change = fabs(vm - b.m[k][l]);
				b.m[k][l] = vm;
				b.u[k][l] = vu;
			}
		}
		b.iterations++;
		b.converged = change < 1e-7;
	}
	*out = b;
	*matches_out = b.lambda * total;
}

void lk_em(tg_link *lk, const uint64_t *counts, int max_iterations)
{
	lk_model *m = &lk->model;
	uint32_t npat = lk_npatterns();
	/* Training rules and the comparisons each blocked on. */
	static const struct {
		int rule;
		bool blocked[NCMP];
	} sessions[] = {
		{RULE_NAMES, {[CMP_NAME] = true, [CMP_PATR] = true}},
		{RULE_NAME_YEAR, {[CMP_BIRTH] = true}},
	};
	enum { NSESSIONS = sizeof sessions / sizeof sessions[0] };
	lk_model fit[NSESSIONS];
	double matches = 0, all_pairs = 0;
	for (int r = 0; r < NRULES; r++)
		for (uint32_t p = 0; p < npat; p++)
			all_pairs += (double)counts[(size_t)r * npat + p];
	m->iterations = 0;
	m->converged = true;
	for (int s = 0; s < NSESSIONS; s++) {
		double found, pairs;
		em_session(&fit[s], m, counts + (size_t)sessions[s].rule * npat, sessions[s].blocked,
		           max_iterations, &found, &pairs);
		matches += found;
		m->iterations += fit[s].iterations;
		m->converged = m->converged && fit[s].converged;
	}
	for (int k = 0; k < NCMP; k++) {
		int seen = 0;
		double sum[LK_MAXLEVEL] = {0};
		for (int s = 0; s < NSESSIONS; s++) {
			if (sessions[s].blocked[k])
				continue;
			seen++;
			for (int l = 0; l < lk_comparisons[k].nlevels; l++)
				sum[l] += fit[s].m[k][l];
		}
		for (int l = 0; seen && l < lk_comparisons[k].nlevels; l++)
			m->m[k][l] = sum[l] / seen;
	}
	/* Matches lie almost all in the pairs the training rules made; the
	 * prior is their share of all possible pairs. */
	double n = (double)lk->n, possible = n * (n - 1) / 2;
	m->blocked_lambda = all_pairs > 0 ? matches / all_pairs : 0;
	m->lambda = possible > 0 ? matches / possible : 0.5;
	if (m->lambda <= 0)
		m->lambda = 1 / (possible > 1 ? possible : 2);
	if (m->lambda > 0.5)
		m->lambda = 0.5;
	m->trained = true;
}

/* How often a random record has this name word. */
static double tf(const tg_link *lk, uint32_t id)
{
	double f = (double)lk->keys.v[id].count / (double)(lk->n ? lk->n : 1);
	return f > 0 ? f : 1 / (double)(lk->n ? lk->n : 1);
}

/* Agreement on a rare name says more than the average agreement, on a
 * common one less; the adjustment is bounded so that one rare name
 * cannot outweigh everything else. */
#define TF_MAX_BOOST 4.0

double lk_weight(const tg_link *lk, const lrec *a, const lrec *b, int c, int l)
{
	const lk_model *m = &lk->model;
	double w = log2(m->m[c][l] / m->u[c][l]);
	double u_tf = 0;
	/* Swapped names are rare by chance whatever the names: no adjustment. */
	if (c == CMP_NAME && l == 0 && a->given && a->family)
		u_tf = tf(lk, a->given) * tf(lk, a->family);
	else if (c == CMP_PATR && l == 0 && a->patr && a->patr == b->patr)
		u_tf = tf(lk, a->patr);
	if (u_tf > 0) {
		double adj = log2(m->u[c][l] / u_tf);
		if (adj > TF_MAX_BOOST)
			adj = TF_MAX_BOOST;
		w += adj;
	}
	return w;
}

double lk_prior(const tg_link *lk, const lrec *a, const lrec *b)
{
	const lk_model *m = &lk->model;
	if (a->list < (uint32_t)m->nlists && b->list < (uint32_t)m->nlists)
		return m->lp[a->list][b->list];
	return m->lambda;
}

double lk_evidence(const tg_link *lk, const lrec *a, const lrec *b, const int level[NCMP])
{
	double w = 0;
	for (int c = 0; c < NCMP; c++)
		if (level[c] >= 0)
			w += lk_weight(lk, a, b, c, level[c]);
	return w;
}

static double posterior(double prior, double bits)
{
	return 1 / (1 + (1 - prior) / prior * exp2(-bits));
}

double lk_probability(const tg_link *lk, const lrec *a, const lrec *b, const int level[NCMP])
{
	return posterior(lk_prior(lk, a, b), lk_evidence(lk, a, b, level));
}

/* Evidence in bins of 1/16 bit from -64 to +64 bits. */
#define BINS 2048
static int bin_of(double bits)
{
	int b = (int)lround((bits + 64) * 16);
	return b < 0 ? 0 : b >= BINS ? BINS - 1 : b;
}

void lk_list_priors(tg_link *lk, const lk_pairs *pairs, const float *evidence)
{
	lk_model *m = &lk->model;
	int nl = 0;
	for (size_t i = 0; i < lk->n; i++)
		if ((int)lk->rec[i].list + 1 > nl)
			nl = (int)lk->rec[i].list + 1;
	m->nlists = 0;
	if (nl > LK_MAXLISTS || !m->trained)
		return; /* too many lists to tell apart: one prior for all */
	double size[LK_MAXLISTS] = {0};
	for (size_t i = 0; i < lk->n; i++)
		size[lk->rec[i].list]++;
	uint32_t (*hist)[BINS] = calloc((size_t)nl * (size_t)nl, sizeof *hist);
	if (!hist)
		abort();
	for (size_t k = 0; k < pairs->n; k++) {
		uint32_t x = lk->rec[pairs->v[k].a].list, y = lk->rec[pairs->v[k].b].list;
		uint32_t lo = x < y ? x : y, hi = x ^ y ^ lo;
		hist[lo * (uint32_t)nl + hi][bin_of(evidence[k])]++;
	}
	double floor = m->lambda / LK_LP_RATIO, ceil = fmin(0.5, m->lambda * LK_LP_RATIO);
	for (int x = 0; x < nl; x++)
		for (int y = x; y < nl; y++) {
			double possible = x == y ? size[x] * (size[x] - 1) / 2 : size[x] * size[y];
			double prior = m->lambda;
			const uint32_t *h = hist[x * nl + y];
			for (int it = 0; it < 200 && possible > 0; it++) {
				double matches = 0;
				for (int b = 0; b < BINS; b++)
					if (h[b])
						matches += h[b] * posterior(prior, b / 16.0 - 64);
				double next = fmax(floor, fmin(ceil, matches / possible));
				bool done = fabs(next - prior) <= 1e-9 * prior;
				prior = next;
				if (done)
					break;
			}
			m->lp[x][y] = m->lp[y][x] = prior;
		}
	m->nlists = nl;
	free(hist);
}

double lk_max_probability(const tg_link *lk, const int level[NCMP])
{
	const lk_model *m = &lk->model;
	double prior = fmin(0.5, m->lambda * LK_LP_RATIO); /* the largest a list pair may have */
	double w = log2(prior / (1 - prior));
	for (int c = 0; c < NCMP; c++)
		if (level[c] >= 0)
			w += log2(m->m[c][level[c]] / m->u[c][level[c]]);
	if (level[CMP_NAME] == 0)
		w += TF_MAX_BOOST;
	if (level[CMP_PATR] == 0)
		w += TF_MAX_BOOST;
	return 1 / (1 + exp2(-w));
}
