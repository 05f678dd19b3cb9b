/*
 * LCMCR: the Bayesian non-parametric latent-class model of capture
 * patterns of Manrique-Vallier (2016, Biometrics 72(4)), the model of the
 * R package LCMCR, fitted by Gibbs sampling with data augmentation.
 *
 * Each person belongs to one of K latent classes; within class k list j
 * records a person with probability lambda[j][k], independently of the
 * other lists, so dependence between lists and heterogeneity between
 * persons both come from the mixture. The class weights follow a
 * truncated stick-breaking prior whose concentration alpha has a gamma
 * prior; N has the prior p(N) ∝ 1/N, under which the unobserved count n0
 * is negative binomial given the rest. The sampler keeps counts per
 * (capture pattern, class), never persons, so a sweep costs
 * O(2^lists × K) whatever N is. How it works: docs/lcmcr.md.
 */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "stats/stats-int.h"

enum {
	LC_KMAX = 64,           /* latent classes at most */
	LC_CELLS = 1 << TG_STATS_MAXLISTS,
	LC_SMALL = 32,          /* multinomials of at most this many go person by person */
	LC_PROGRESS = 5000,     /* sweeps between progress calls */
	LC_MAX_SAMPLES = 10000000,
};
/* Past this many unobserved persons the chain is lost anyway; the cap keeps
 * the integer counts far from overflow and is reported. */
#define LC_N0_MAX 1e9

/* ---- random variates ---- */

typedef struct lc_rng {
	tg_rng r;
	double spare; /* the second normal of the last polar pair */
	bool has_spare;
} lc_rng;

static double unit(lc_rng *g)
{
	return tg_rng_unit(&g->r);
}

/* Uniform in (0, 1): never 0, so its log is finite. */
static double unit_open(lc_rng *g)
{
	return ((double)(tg_rng_next(&g->r) >> 11) + 0.5) * 0x1.0p-53;
}

/* Standard normal: Marsaglia's polar method, both values of a pair used. */
static double normal(lc_rng *g)
{
	if (g->has_spare) {
		g->has_spare = false;
		return g->spare;
	}
	double u, v, s;
	do {
		u = 2 * unit(g) - 1;
		v = 2 * unit(g) - 1;
		s = u * u + v * v;
	} while (s >= 1 || s == 0);
	double f = sqrt(-2 * log(s) / s);
	g->spare = v * f;
	g->has_spare = true;
	return u * f;
}

/* Gamma(a, 1) for a >= 1: Marsaglia and Tsang (2000). */
static double gamma_mt(lc_rng *g, double a)
{
	double d = a - 1.0 / 3, c = 1 / sqrt(9 * d);
	for (;;) {
		double x, v;
		do {
			x = normal(g);
			v = 1 + c * x;
		} while (v <= 0);
		v = v * v * v;
		double u = unit_open(g), x2 = x * x;
		if (u < 1 - 0.0331 * x2 * x2 || log(u) < 0.5 * x2 + d * (1 - v + log(v)))
			return d * v;
	}
}

/* log of a Gamma(a, 1) variate, a > 0. Below 1 the boost
 * Gamma(a) = Gamma(a + 1) U^(1/a) is kept in logs: the stick of an empty
 * class under a small alpha can lie far below the smallest double. */
static double log_gamma_variate(lc_rng *g, double a)
{
	if (a >= 1)
		return log(gamma_mt(g, a));
	return log(gamma_mt(g, a + 1)) + log(unit_open(g)) / a;
}

static double gamma_variate(lc_rng *g, double a)
{
	return a >= 1 ? gamma_mt(g, a) : exp(log_gamma_variate(g, a));
}

/* Beta(a, b) for a, b >= 1, from two gammas. */
static double beta_variate(lc_rng *g, double a, double b)
{
	double x = gamma_mt(g, a), y = gamma_mt(g, b);
	return x / (x + y);
}

/* log k! - [(k + 1/2) log(k + 1) - (k + 1) + log(2 pi) / 2]: the tail of
 * Stirling's series that BTRD needs. */
static double stirling_tail(double k)
{
	static const double small[10] = {
		0.0810614667953272582, 0.0413406959554092940, 0.0276779256849983391,
		0.0207906721037650931, 0.0166446911898211922, 0.0138761288230707480,
		0.0118967099458917701, 0.0104112652619720965, 0.0092554621827127329,
		0.0083305634333594131,
	};
	if (k < 10)
		return small[(int)k];
	double k1 = k + 1, r = 1 / (k1 * k1);
	return (1.0 / 12 - (1.0 / 360 - r / 1260) * r) / k1;
}

/* Binomial(n, p), n p >= 10, p <= 1/2: Hörmann's BTRD (1993), transformed
 * rejection with decomposition. Most draws take two uniforms; the rest
 * are settled near the mode by the ratio of probabilities, or by a squeeze,
 * before the last resort of Stirling's series. */
static int64_t binomial_btrd(lc_rng *g, int64_t n, double p)
{
	double dn = (double)n, npq = dn * p * (1 - p), spq = sqrt(npq);
	double b = 1.15 + 2.53 * spq, a = -0.0873 + 0.0248 * b + 0.01 * p;
	double c = dn * p + 0.5, vr = 0.92 - 4.2 / b, r = p / (1 - p), nr = (dn + 1) * r;
	double alpha = (2.83 + 5.1 / b) * spq, m = floor((dn + 1) * p);
	for (;;) {
		double u = unit_open(g) - 0.5, v = unit_open(g);
		double us = 0.5 - fabs(u), k = floor((2 * a / us + b) * u + c);
		if (k < 0 || k > dn)
			continue;
		if (us >= 0.07 && v <= vr)
			return (int64_t)k;
		v *= alpha / (a / (us * us) + b);
		double km = fabs(k - m);
		if (km <= 15) {
			/* f(k) / f(m) by the recursion f(i) / f(i - 1) = nr / i - r */
			double f = 1;
			for (double i = m + 1; i <= k; i++)
				f *= nr / i - r;
			for (double i = k + 1; i <= m; i++)
				v *= nr / i - r;
			if (v <= f)
				return (int64_t)k;
			continue;
		}
		v = log(v);
		double rho = (km / npq) * (((km / 3 + 0.625) * km + 1.0 / 6) / npq + 0.5);
		double t = -km * km / (2 * npq);
		if (v < t - rho)
			return (int64_t)k;
		if (v > t + rho)
			continue;
		double h = (m + 0.5) * log((m + 1) / (r * (dn - m + 1))) + stirling_tail(m) +
		           stirling_tail(dn - m);
		if (v <= h + (dn + 1) * log((dn - m + 1) / (dn - k + 1)) +
		             (k + 0.5) * log(r * (dn - k + 1) / (k + 1)) - stirling_tail(k) -
		             stirling_tail(dn - k))
			return (int64_t)k;
	}
}

/* b^e by squaring: exact enough for the inversion below, and cheaper
 * than exp(e log1p(-p)). */
static double pow_int(double b, int64_t e)
{
	double r = 1;
	for (; e; e >>= 1, b *= b)
		if (e & 1)
			r *= b;
	return r;
}

/* Binomial(n, p), n p < 10, p <= 1/2: inversion. (1 - p)^n >= 1 - n p, so
 * a uniform below 1 - n p is a 0 without computing the power: most draws
 * for the small classes. */
static int64_t binomial_inversion(lc_rng *g, int64_t n, double p)
{
	double u = unit(g);
	if (u <= 1 - (double)n * p)
		return 0;
	double s = p / (1 - p), a = (double)(n + 1) * s, r0 = pow_int(1 - p, n);
	for (;;) {
		double r = r0;
		int64_t x = 0;
		while (u > r && r > 0) {
			u -= r;
			x++;
			r *= a / (double)x - s;
		}
		if (u <= r)
			return x;
		u = unit(g); /* rounding left mass past n or the doubles: draw again */
	}
}

static int64_t binomial(lc_rng *g, int64_t n, double p)
{
	if (n <= 0 || !(p > 0))
		return 0;
	if (p >= 1)
		return n;
	double q = p > 0.5 ? 1 - p : p;
	int64_t x = (double)n * q < 10 ? binomial_inversion(g, n, q) : binomial_btrd(g, n, q);
	return p > 0.5 ? n - x : x;
}

/* Poisson(mu): inversion below 10, Hörmann's PTRS (1993) above. */
static int64_t poisson(lc_rng *g, double mu)
{
	if (!(mu > 0))
		return 0;
	if (mu < 10) {
		double p = exp(-mu), u = unit(g);
		int64_t x = 0;
		while (u > p && x < 1000) {
			u -= p;
			x++;
			p *= mu / (double)x;
		}
		return x;
	}
	double slam = sqrt(mu), loglam = log(mu), b = 0.931 + 2.53 * slam;
	double a = -0.059 + 0.02483 * b, inv_alpha = 1.1239 + 1.1328 / (b - 3.4);
	double vr = 0.9277 - 3.6224 / (b - 2);
	for (;;) {
		double u = unit_open(g) - 0.5, v = unit_open(g);
		double us = 0.5 - fabs(u), k = floor((2 * a / us + b) * u + mu + 0.43);
		if (us >= 0.07 && v <= vr)
			return (int64_t)k;
		if (k < 0 || (us < 0.013 && v > us))
			continue;
		int sign;
		if (log(v) + log(inv_alpha) - log(a / (us * us) + b) <=
		    -mu + k * loglam - lgamma_r(k + 1, &sign))
			return (int64_t)k;
	}
}

/* Splits n persons among K classes in proportion to w (not normalised,
 * not all zero) into out, visiting the classes in order (heaviest first,
 * so that the persons run out early): one by one when few, else by
 * conditional binomials. */
static void multinomial(lc_rng *g, int64_t n, const double *w, const int *order, int K,
                        int64_t *out)
{
	double suffix[LC_KMAX + 1], prefix[LC_KMAX];
	memset(out, 0, (size_t)K * sizeof *out);
	suffix[K] = 0;
	for (int i = K - 1; i >= 0; i--)
		suffix[i] = suffix[i + 1] + w[order[i]];
	if (!(suffix[0] > 0)) {
		out[order[0]] = n;
		return;
	}
	if (n <= LC_SMALL) {
		prefix[0] = w[order[0]];
		for (int i = 1; i < K; i++)
			prefix[i] = prefix[i - 1] + w[order[i]];
		prefix[K - 1] = INFINITY;
		for (int64_t m = 0; m < n; m++) {
			double u = unit(g) * suffix[0];
			int i = 0;
			while (u >= prefix[i])
				i++;
			out[order[i]]++;
		}
		return;
	}
	int i = 0;
	for (; i < K - 1 && n > 0; i++) {
		int k = order[i];
		if (w[k] > 0) {
			out[k] = binomial(g, n, w[k] / suffix[i]);
			n -= out[k];
		}
	}
	out[order[i]] += n;
}

/* ---- the chain ---- */

typedef struct lc_chain {
	int J, K, M;                     /* lists, classes, observed patterns */
	int pattern[LC_CELLS];           /* the observed patterns with a count */
	int64_t freq[LC_CELLS];          /* their counts */
	int64_t n, n0;                   /* observed, unobserved */
	double alpha, a_alpha, b_alpha;
	double lam[TG_STATS_MAXLISTS][LC_KMAX];  /* capture probability by list, class */
	double pi[LC_KMAX], logpi[LC_KMAX];      /* class weights */
	int order[LC_KMAX];                      /* classes, heaviest first */
	double cell[LC_CELLS][LC_KMAX];          /* pi[k] P(pattern | class k) */
	int64_t z[LC_CELLS][LC_KMAX];            /* observed persons by pattern, class */
	int64_t z0[LC_KMAX];                     /* unobserved persons by class */
	bool capped;                             /* n0 hit LC_N0_MAX */
	lc_rng g;
} lc_chain;

static void chain_init(lc_chain *c, const tg_capture *t, const tg_lcmcr_opts *o)
{
	c->J = t->k;
	c->K = o->K;
	c->a_alpha = o->a_alpha;
	c->b_alpha = o->b_alpha;
	tg_rng_seed(&c->g.r, o->seed);
	for (int p = 1; p < 1 << c->J; p++)
		if (t->count[p] > 0) {
			c->pattern[c->M] = p;
			c->freq[c->M++] = (int64_t)t->count[p];
			c->n += (int64_t)t->count[p];
		}
	/* Classes start alike, equally weighted, each list near its share of
	 * the observed; the first sweeps pull them apart. */
	c->alpha = 1;
	for (int k = 0; k < c->K; k++) {
		c->pi[k] = 1.0 / c->K;
		c->logpi[k] = -log((double)c->K);
		c->order[k] = k;
	}
	for (int j = 0; j < c->J; j++) {
		double on = 0;
		for (int m = 0; m < c->M; m++)
			if (c->pattern[m] >> j & 1)
				on += (double)c->freq[m];
		for (int k = 0; k < c->K; k++)
			c->lam[j][k] = fmin(0.98, fmax(0.02, on / (double)c->n * (0.5 + unit(&c->g))));
	}
}

/* order = the classes by decreasing weight (insertion sort: K is small
 * and the order changes little from sweep to sweep). */
static void order_classes(lc_chain *c)
{
	for (int i = 1; i < c->K; i++) {
		int k = c->order[i], h = i;
		for (; h > 0 && c->pi[c->order[h - 1]] < c->pi[k]; h--)
			c->order[h] = c->order[h - 1];
		c->order[h] = k;
	}
}

/* cell[s][k] = pi[k] prod_j P(bit j of s | class k), built list by list. */
static void update_cells(lc_chain *c)
{
	int K = c->K;
	memcpy(c->cell[0], c->pi, (size_t)K * sizeof(double));
	for (int j = 0, size = 1; j < c->J; j++, size *= 2)
		for (int s = 0; s < size; s++) {
			double *off = c->cell[s], *on = c->cell[s + size];
			const double *l = c->lam[j];
			for (int k = 0; k < K; k++) {
				on[k] = off[k] * l[k];
				off[k] *= 1 - l[k];
			}
		}
}

/* n0 | rest: the 1/N prior makes it NegBin(n, 1 - p0), the failures
 * before n successes (Manrique-Vallier 2016, sec. 3); drawn as a Poisson
 * with a gamma mean. */
static int64_t sample_n0(lc_chain *c)
{
	double p0 = 0;
	for (int k = 0; k < c->K; k++)
		p0 += c->cell[0][k];
	if (p0 >= 1) {
		c->capped = true;
		return (int64_t)LC_N0_MAX;
	}
	double mu = gamma_mt(&c->g, (double)c->n) * p0 / (1 - p0);
	if (mu > 10 * LC_N0_MAX) {
		c->capped = true;
		return (int64_t)LC_N0_MAX;
	}
	int64_t n0 = poisson(&c->g, mu);
	if (n0 > (int64_t)LC_N0_MAX) {
		c->capped = true;
		n0 = (int64_t)LC_N0_MAX;
	}
	return n0;
}

static double log_sum_exp(double a, double b)
{
	double hi = fmax(a, b);
	return hi + log1p(exp(fmin(a, b) - hi));
}

/* One Gibbs sweep: classes of the observed, the unobserved and their
 * classes, capture probabilities, stick-breaking weights, alpha. */
static void sweep(lc_chain *c)
{
	int J = c->J, K = c->K;
	int64_t nk[LC_KMAX], cap[TG_STATS_MAXLISTS][LC_KMAX];

	update_cells(c);
	for (int m = 0; m < c->M; m++)
		multinomial(&c->g, c->freq[m], c->cell[c->pattern[m]], c->order, K, c->z[m]);
	c->n0 = sample_n0(c);
	multinomial(&c->g, c->n0, c->cell[0], c->order, K, c->z0);

	memcpy(nk, c->z0, (size_t)K * sizeof *nk);
	memset(cap, 0, sizeof cap);
	for (int m = 0; m < c->M; m++) {
		const int64_t *z = c->z[m];
		for (int k = 0; k < K; k++)
			nk[k] += z[k];
		for (int j = 0; j < J; j++)
			if (c->pattern[m] >> j & 1)
				for (int k = 0; k < K; k++)
					cap[j][k] += z[k];
	}
	for (int j = 0; j < J; j++)
		for (int k = 0; k < K; k++)
			c->lam[j][k] = beta_variate(&c->g, 1 + (double)cap[j][k],
			                            1 + (double)(nk[k] - cap[j][k]));

	/* V_k ~ Beta(1 + n_k, alpha + persons in later classes), in logs. */
	int64_t rest = c->n + c->n0;
	double stick = 0; /* log of what is left of the stick */
	for (int k = 0; k < K - 1; k++) {
		rest -= nk[k];
		double g1 = log_gamma_variate(&c->g, 1 + (double)nk[k]);
		double g2 = log_gamma_variate(&c->g, c->alpha + (double)rest);
		double s = log_sum_exp(g1, g2);
		c->logpi[k] = stick + g1 - s;
		stick += g2 - s;
	}
	c->logpi[K - 1] = stick;
	for (int k = 0; k < K; k++)
		c->pi[k] = exp(c->logpi[k]);
	order_classes(c);
	c->alpha = gamma_variate(&c->g, c->a_alpha + K - 1) / (c->b_alpha - stick);
	if (!(c->alpha > 1e-300))
		c->alpha = 1e-300;
}

/* ---- summaries of the trace ---- */

static double mean_of(const double *x, long n)
{
	double s = 0;
	for (long i = 0; i < n; i++)
		s += x[i];
	return s / (double)n;
}

static double sd_of(const double *x, long n)
{
	if (n < 2)
		return 0;
	double mu = mean_of(x, n), s = 0;
	for (long i = 0; i < n; i++)
		s += (x[i] - mu) * (x[i] - mu);
	return sqrt(s / (double)(n - 1));
}

/* Effective sample size by Geyer's (1992) initial monotone sequence
 * estimator, at most n. A constant trace counts as n. */
static double ess_geyer(const double *x, long n)
{
	if (n < 4)
		return (double)n;
	double mu = mean_of(x, n);
	double *d = malloc((size_t)n * sizeof *d);
	if (!d)
		return NAN;
	for (long i = 0; i < n; i++)
		d[i] = x[i] - mu;
	double acov[2], gamma0 = 0, sum = 0, prev = INFINITY;
	for (long i = 0; i < n; i++)
		gamma0 += d[i] * d[i];
	gamma0 /= (double)n;
	for (long m = 0; gamma0 > 0 && 2 * m + 1 < n; m++) {
		for (int h = 0; h < 2; h++) {
			long lag = 2 * m + h;
			double s = 0;
			for (long i = 0; i + lag < n; i++)
				s += d[i] * d[i + lag];
			acov[h] = s / (double)n;
		}
		double pair = fmin(acov[0] + acov[1], prev);
		if (pair <= 0)
			break;
		sum += pair;
		prev = pair;
	}
	free(d);
	double var = 2 * sum - gamma0;
	if (!(gamma0 > 0) || !(var > 0))
		return (double)n;
	return fmin((double)n, (double)n * gamma0 / var);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* The p-quantile of sorted x, interpolated as R's default (type 7). */
static double quantile(const double *x, long n, double p)
{
	double h = (double)(n - 1) * p;
	long lo = (long)floor(h);
	if (lo + 1 >= n)
		return x[n - 1];
	return x[lo] + (h - (double)lo) * (x[lo + 1] - x[lo]);
}

typedef struct lc_trace {
	double mean, sd, ess, mcse, first, second, z;
	bool converged;
} lc_trace;

/* Convergence: enough effective samples, and the two halves of the trace
 * agree within twice their pooled Monte Carlo error (a Geweke z on halves). */
static void trace_summary(const double *x, long n, lc_trace *s)
{
	long h = n / 2;
	s->mean = mean_of(x, n);
	s->sd = sd_of(x, n);
	s->ess = ess_geyer(x, n);
	s->mcse = s->sd / sqrt(s->ess);
	s->first = s->second = s->mean;
	s->z = 0;
	if (h >= 2) {
		s->first = mean_of(x, h);
		s->second = mean_of(x + n - h, h);
		double e1 = sd_of(x, h) / sqrt(ess_geyer(x, h));
		double e2 = sd_of(x + n - h, h) / sqrt(ess_geyer(x + n - h, h));
		double pooled = sqrt(e1 * e1 + e2 * e2), diff = s->first - s->second;
		s->z = diff == 0 ? 0 : diff / pooled;
	}
	s->converged = s->ess >= 100 && fabs(s->z) < 2;
}

static json_t *real_or_null(double v)
{
	return isfinite(v) ? json_real(v) : json_null();
}

static json_t *diagnostics_json(long sweeps, const lc_trace *s, double seconds)
{
	json_t *trace = json_object(), *d = json_object();
	if (!trace || !d) {
		json_decref(trace);
		json_decref(d);
		return NULL;
	}
	json_object_set_new(trace, "mean", real_or_null(s->mean));
	json_object_set_new(trace, "sd", real_or_null(s->sd));
	json_object_set_new(trace, "mcse", real_or_null(s->mcse));
	json_object_set_new(trace, "first_half_mean", real_or_null(s->first));
	json_object_set_new(trace, "second_half_mean", real_or_null(s->second));
	json_object_set_new(d, "sweeps", json_integer(sweeps));
	json_object_set_new(d, "effective_sample_size", real_or_null(s->ess));
	json_object_set_new(d, "trace", trace);
	json_object_set_new(d, "geweke_z", real_or_null(s->z));
	json_object_set_new(d, "converged", json_boolean(s->converged));
	json_object_set_new(d, "seconds", json_real(seconds));
	return d;
}

/* ---- the estimator ---- */

static int check_input(const tg_capture *t, const tg_lcmcr_opts *in, tg_lcmcr_opts *o,
                       tg_estimate *out, tg_error *err)
{
	*o = in ? *in : (tg_lcmcr_opts){0};
	if (!out)
		return tg_error_set(err, TG_EINVAL, "estimate", "%s", _("nowhere to put the estimate"));
	int rc = tg_capture_check(t, err);
	if (rc)
		return rc;
	if (t->k < 3)
		return tg_error_set(err, TG_EINVAL, "k",
		                    _("the latent-class model needs 3 to %d lists, not %d"),
		                    TG_STATS_MAXLISTS, t->k);
	for (int p = 1; p < 1 << t->k; p++)
		if (t->count[p] > 1e9 || t->count[p] != floor(t->count[p])) {
			char path[32];
			snprintf(path, sizeof path, "count[%d]", p);
			return tg_error_set(err, TG_EINVAL, path,
			                    _("the latent-class model needs whole counts up to 10^9, "
			                      "not %g"),
			                    t->count[p]);
		}
	if (o->K < 0 || o->K > LC_KMAX)
		return tg_error_set(err, TG_EINVAL, "K", _("latent classes must be 1 to %d"), LC_KMAX);
	if (!(o->a_alpha >= 0 && o->b_alpha >= 0 && isfinite(o->a_alpha) && isfinite(o->b_alpha)))
		return tg_error_set(err, TG_EINVAL, "a_alpha", "%s",
		                    _("the prior of alpha needs a positive shape and rate"));
	if (o->burnin < 0 || o->samples < 0 || o->samples > LC_MAX_SAMPLES || o->thin < 0)
		return tg_error_set(err, TG_EINVAL, "samples",
		                    _("burn-in, thinning and samples (at most %d) must be positive"),
		                    LC_MAX_SAMPLES);
	if (!o->K)
		o->K = 10;
	if (!o->a_alpha)
		o->a_alpha = 0.25;
	if (!o->b_alpha)
		o->b_alpha = 0.25;
	if (!o->burnin)
		o->burnin = 10000;
	if (!o->samples)
		o->samples = 10000;
	if (!o->thin)
		o->thin = 10;
	if (!o->seed)
		o->seed = 1;
	return TG_OK;
}

static double now_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Runs the chain; trace gets N after each kept sweep. */
static void run_chain(lc_chain *c, const tg_lcmcr_opts *o, double *trace)
{
	long total = o->burnin + o->samples * o->thin, kept = 0;
	for (long i = 1; i <= total; i++) {
		sweep(c);
		if (i > o->burnin && (i - o->burnin) % o->thin == 0)
			trace[kept++] = (double)(c->n + c->n0);
		if (o->progress && (i % LC_PROGRESS == 0 || i == total))
			o->progress(o->progress_ctx, "lcmcr", (uint64_t)i, (uint64_t)total);
	}
}

int tg_estimate_lcmcr(const tg_capture *t, const tg_lcmcr_opts *opts, tg_estimate *out,
                      json_t **diagnostics, tg_error *err)
{
	tg_lcmcr_opts o;
	if (diagnostics)
		*diagnostics = NULL;
	int rc = check_input(t, opts, &o, out, err);
	if (rc)
		return rc;
	lc_chain *c = calloc(1, sizeof *c);
	double *trace = malloc((size_t)o.samples * sizeof *trace);
	if (!c || !trace) {
		free(c);
		free(trace);
		return tg_error_set(err, TG_ENOMEM, NULL, "%s", tg_strerror(TG_ENOMEM));
	}
	double start = now_seconds();
	chain_init(c, t, &o);
	run_chain(c, &o, trace);
	double seconds = now_seconds() - start;

	lc_trace s;
	trace_summary(trace, o.samples, &s);
	qsort(trace, (size_t)o.samples, sizeof *trace, cmp_double);
	memset(out, 0, sizeof *out);
	out->method = "lcmcr";
	out->observed = (double)c->n;
	out->estimate = quantile(trace, o.samples, 0.5);
	out->lower = quantile(trace, o.samples, 0.025);
	out->upper = quantile(trace, o.samples, 0.975);
	out->se = s.sd;
	out->aic = out->bic = out->deviance = NAN;
	tg_estimate_warn_small_lists(t, t->k, out);
	if (s.ess < 100)
		tg_estimate_warn(out, _("effective sample size of N is %.0f, below 100: run more samples"),
		            s.ess);
	if (!s.converged)
		tg_estimate_warn(out, _("the chain does not look converged (halves differ, z = %.1f): "
		                   "run a longer burn-in"),
		            s.z);
	if (c->capped)
		tg_estimate_warn(out, _("the unobserved count reached %.0f: the lists say too little "
		                   "about who is missing"),
		            LC_N0_MAX);
	free(trace);
	free(c);
	if (diagnostics) {
		*diagnostics = diagnostics_json(o.burnin + o.samples * o.thin, &s, seconds);
		if (!*diagnostics)
			return tg_error_set(err, TG_ENOMEM, NULL, "%s", tg_strerror(TG_ENOMEM));
	}
	return TG_OK;
}
