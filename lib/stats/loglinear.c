/*
 * Log-linear models of a capture table (Fienberg 1972; Cormack 1989): the
 * counts of the 2^k - 1 observed capture patterns are Poisson with
 * log mu = X beta, X holding an intercept, a main effect per list and the
 * model's interactions (a term is a set of lists; its column is 1 on the
 * patterns holding every list of the set). The unobserved pattern 0 has
 * every column 0 but the intercept's, so the model's count of persons no
 * list recorded is exp(intercept).
 *
 * Model space: k <= 4, every hierarchical model (a term in means all its
 * subsets are in) with the main effects and without the k-way term — 1
 * model for two lists, 8 for three, 113 for four; k = 5 and 6, the main
 * effects and any set of two-way terms (1,024 and 32,768 models).
 *
 * Each model is fitted by Poisson IRLS (Newton's method): started from
 * log(y + 0.5), stopped when the deviance changes by less than 1e-10 of
 * itself (R's test: |D - D_old| / (|D| + 0.1)) and the estimate by less
 * than 1e-9 of itself, at most 100 iterations. The second test catches the
 * models whose estimate has no finite maximum (a zero where the model needs
 * a count, e.g. nobody on all four lists under the model of every
 * three-way term): their deviance settles while the intercept keeps
 * growing by 1 an iteration. (Where the maximum is at no unobserved person,
 * exp(intercept) shrinks by e an iteration and the estimate settles at the
 * observed count.) A model that does not converge or gives no finite
 * estimate is left out and counted. Every column is a 0/1 product, so X'WX[a][b] is the sum of the
 * weights over the patterns holding terms a and b together — one superset
 * sum over the 2^k patterns gives the whole matrix, and a subset sum gives
 * X beta; the p x p normal equations are solved by Cholesky.
 *
 * Criteria are R's for a Poisson glm: AIC = -2 log L + 2p, BIC = -2 log L +
 * p log(2^k - 1). Models are ranked by the criterion, ties by fewer
 * parameters, then by the order of the model space.
 *
 * The selected model's 95% interval is a profile-likelihood interval for N
 * (Cormack 1992, as Rcapture's profileCI): for a candidate count n0 of the
 * unobserved, the model is fitted to the complete 2^k table with pattern
 * 0 holding n0, and the multinomial log-likelihood of N = observed + n0 is
 *   log L(N) = -D(n0)/2 + n0 log n0 - log n0! + log N! - N log N + const,
 * D the deviance of that fit. The interval is the two n0 where -2 log L
 * rises qchisq(0.95, 1) = 3.84 above its minimum, found by bisection; when
 * n0 = 0 is still inside, the lower end is the observed count. Cormack, R.
 * M. (1992) Interval estimation for mark-recapture studies of closed
 * populations. Biometrics 48, 567-576.
 */
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stats/stats-int.h"

#define NPAT (1 << TG_STATS_MAXLISTS)
#define MAXP 22 /* six lists: 1 + 6 + 15; four lists: 1 + 4 + 6 + 4 = 15 */
#define MAXIT 100
#define EPS 1e-10
#define EPS_N0 1e-9 /* and the estimate settled: exp(intercept) no longer grows */
#define ETA_MAX 700.0               /* exp() overflows a little above 709 */
#define CHISQ95 3.841458820694124   /* qchisq(0.95, 1) */
#define SPARSE_CELL 5
#define THREADS 2

/* A model: its terms as list masks, term[0] = 0 the intercept, then the
 * main effects, then the interactions. */
typedef struct llm {
	uint8_t term[MAXP];
	uint8_t p;
} llm;

/* What the ranking needs of one fitted model. */
typedef struct llfit {
	double estimate, se, deviance, aic, bic;
	bool ok;
} llfit;

/* The table being fitted: counts by pattern from pattern first on (1: the
 * observed patterns; 0: the complete table of the profile). */
typedef struct table {
	int k, first;
	double y[NPAT];
} table;

typedef struct irls {
	double beta[MAXP];
	double mu[NPAT];
	double deviance, loglik;
} irls;

/* s[m] becomes the sum of s[c] over the patterns c that hold m. */
static void superset_sums(int k, double *s)
{
	for (int b = 1; b < (1 << k); b <<= 1)
		for (int m = 0; m < (1 << k); m++)
			if (!(m & b))
				s[m] += s[m | b];
}

/* s[c] becomes the sum of s[m] over the masks m inside c. */
static void subset_sums(int k, double *s)
{
	for (int b = 1; b < (1 << k); b <<= 1)
		for (int m = 0; m < (1 << k); m++)
			if (m & b)
				s[m] += s[m ^ b];
}

/* In place: the lower triangle of a becomes L with L L' = a. False when a
 * is not (numerically) positive definite. */
static bool cholesky(double *a, int p)
{
	for (int j = 0; j < p; j++) {
		double d = a[j * p + j];
		for (int i = 0; i < j; i++)
			d -= a[j * p + i] * a[j * p + i];
		if (!(d > 1e-14 * a[j * p + j]) || !isfinite(d))
			return false;
		d = sqrt(d);
		a[j * p + j] = d;
		for (int i = j + 1; i < p; i++) {
			double s = a[i * p + j];
			for (int q = 0; q < j; q++)
				s -= a[i * p + q] * a[j * p + q];
			a[i * p + j] = s / d;
		}
	}
	return true;
}

/* Solves L L' x = b in place. */
static void cholesky_solve(const double *l, int p, double *b)
{
	for (int i = 0; i < p; i++) {
		for (int q = 0; q < i; q++)
			b[i] -= l[i * p + q] * b[q];
		b[i] /= l[i * p + i];
	}
	for (int i = p - 1; i >= 0; i--) {
		for (int q = i + 1; q < p; q++)
			b[i] -= l[q * p + i] * b[q];
		b[i] /= l[i * p + i];
	}
}

/* X'WX of model md with weights w by pattern (w is overwritten). */
static void normal_matrix(const table *tb, const llm *md, double *w, double *a)
{
	superset_sums(tb->k, w);
	for (int i = 0; i < md->p; i++)
		for (int j = 0; j <= i; j++)
			a[i * md->p + j] = a[j * md->p + i] = w[md->term[i] | md->term[j]];
}

/* Deviance and log-likelihood of the fitted mu. */
static void measure(const table *tb, irls *r)
{
	double dev = 0, ll = 0;
	for (int c = tb->first; c < (1 << tb->k); c++) {
		double y = tb->y[c], mu = r->mu[c];
		if (y > 0) {
			dev += 2 * (y * log(y / mu) - (y - mu));
			ll += y * log(mu) - mu - lgamma(y + 1);
		} else {
			dev += 2 * mu;
			ll -= mu;
		}
	}
	r->deviance = dev;
	r->loglik = ll;
}

/* Fits md to tb by IRLS; false when it does not converge. The first step
 * regresses the working response of the start; later ones add the Newton
 * step X'WX \ X'(y - mu), whose fixed point is the score equation itself. */
static bool fit(const table *tb, const llm *md, irls *r)
{
	int n = 1 << tb->k, p = md->p;
	double eta[NPAT] = {0}, w[NPAT], g[NPAT], a[MAXP * MAXP], step[MAXP];
	for (int c = tb->first; c < n; c++) {
		eta[c] = log(tb->y[c] + 0.5);
		r->mu[c] = tb->y[c] + 0.5;
	}
	measure(tb, r);
	double devold = r->deviance, total = 0;
	for (int c = tb->first; c < n; c++)
		total += tb->y[c];
	for (int it = 0; it < MAXIT; it++) {
		memset(w, 0, sizeof w);
		memset(g, 0, sizeof g);
		for (int c = tb->first; c < n; c++) {
			w[c] = r->mu[c];
			g[c] = tb->y[c] - r->mu[c] + (it ? 0 : r->mu[c] * eta[c]);
		}
		normal_matrix(tb, md, w, a);
		superset_sums(tb->k, g);
		for (int i = 0; i < p; i++)
			step[i] = g[md->term[i]];
		if (!cholesky(a, p))
			return false;
		cholesky_solve(a, p, step);
		for (int i = 0; i < p; i++)
			r->beta[i] = it ? r->beta[i] + step[i] : step[i];
		double b[NPAT] = {0};
		for (int i = 0; i < p; i++)
			b[md->term[i]] = r->beta[i];
		subset_sums(tb->k, b);
		for (int c = tb->first; c < n; c++) {
			if (!(b[c] < ETA_MAX))
				return false;
			r->mu[c] = exp(b[c]);
		}
		measure(tb, r);
		if (!isfinite(r->deviance))
			return false;
		double n0 = exp(r->beta[0]), moved = n0 - exp(r->beta[0] - step[0]);
		if (fabs(r->deviance - devold) / (fabs(r->deviance) + 0.1) < EPS && it &&
		    fabs(moved) <= EPS_N0 * (total + n0))
			return true;
		devold = r->deviance;
	}
	return false;
}

/* The standard error of N = observed + exp(b0) at the fit (Sandland and
 * Cormack 1984): var = exp(b0) + exp(2 b0) var(b0). */
static double standard_error(const table *tb, const llm *md, const irls *r)
{
	double w[NPAT] = {0}, a[MAXP * MAXP], e[MAXP] = {1};
	for (int c = tb->first; c < (1 << tb->k); c++)
		w[c] = r->mu[c];
	normal_matrix(tb, md, w, a);
	if (!cholesky(a, md->p))
		return NAN;
	cholesky_solve(a, md->p, e);
	double n0 = exp(r->beta[0]);
	return sqrt(n0 + n0 * n0 * e[0]);
}

/* The model space for k lists; *out is the caller's to free. */
static int model_space(int k, llm **out, size_t *count)
{
	uint8_t cand[NPAT];
	int index[NPAT], nc = 0, maxorder = k <= 4 ? k - 1 : 2;
	for (int order = 2; order <= maxorder; order++)
		for (int m = 0; m < (1 << k); m++)
			if (__builtin_popcount((unsigned)m) == order) {
				index[m] = nc;
				cand[nc++] = (uint8_t)m;
			}
	llm *v = malloc(((size_t)1 << nc) * sizeof *v);
	if (!v)
		return TG_ENOMEM;
	size_t n = 0;
	for (uint32_t s = 0; s < (1u << nc); s++) {
		bool hierarchical = true;
		for (int i = 0; i < nc && hierarchical; i++) {
			if (!(s >> i & 1) || __builtin_popcount(cand[i]) < 3)
				continue;
			for (int b = 1; b < (1 << k); b <<= 1)
				if ((cand[i] & b) && !(s >> index[cand[i] & ~b] & 1))
					hierarchical = false;
		}
		if (!hierarchical)
			continue;
		llm *md = &v[n++];
		md->p = 0;
		md->term[md->p++] = 0;
		for (int i = 0; i < k; i++)
			md->term[md->p++] = (uint8_t)(1 << i);
		for (int i = 0; i < nc; i++)
			if (s >> i & 1)
				md->term[md->p++] = cand[i];
	}
	*out = v;
	*count = n;
	return 0;
}

static int by_text(const void *a, const void *b)
{
	return strcmp((const char *)a, (const char *)b);
}

/* Bracket notation of the model's maximal terms, lists numbered from 1:
 * "[12][13][4]". */
static void model_name(const llm *md, char *buf, size_t size)
{
	char terms[MAXP][TG_STATS_MAXLISTS + 1];
	int nt = 0;
	for (int i = 1; i < md->p; i++) {
		bool maximal = true;
		for (int j = 1; j < md->p && maximal; j++)
			if (j != i && (md->term[j] & md->term[i]) == md->term[i])
				maximal = false;
		if (!maximal)
			continue;
		int len = 0;
		for (int b = 0; b < TG_STATS_MAXLISTS; b++)
			if (md->term[i] >> b & 1)
				terms[nt][len++] = (char)('1' + b);
		terms[nt++][len] = 0;
	}
	qsort(terms, (size_t)nt, sizeof terms[0], by_text);
	size_t len = 0;
	buf[0] = 0;
	for (int i = 0; i < nt && len < size; i++)
		len += (size_t)snprintf(buf + len, size - len, "[%s]", terms[i]);
}

/* Fits and measures one model on the observed patterns. */
static void fit_model(const table *tb, const llm *md, double observed, llfit *f)
{
	irls r;
	int cells = (1 << tb->k) - 1;
	f->ok = fit(tb, md, &r) && isfinite(exp(r.beta[0]));
	if (!f->ok)
		return;
	f->estimate = observed + exp(r.beta[0]);
	f->se = standard_error(tb, md, &r);
	f->deviance = r.deviance;
	f->aic = -2 * r.loglik + 2 * md->p;
	f->bic = -2 * r.loglik + md->p * log(cells);
}

struct job {
	const table *tb;
	const llm *models;
	llfit *fits;
	size_t first, n;
	double observed;
};

static void *fit_share(void *arg)
{
	struct job *j = arg;
	for (size_t i = j->first; i < j->n; i += THREADS)
		fit_model(j->tb, &j->models[i], j->observed, &j->fits[i]);
	return NULL;
}

/* Fits every model; from five lists on, on two threads taking every other
 * model (neighbours in the space cost about the same). */
static void fit_all(const table *tb, const llm *models, llfit *fits, size_t n, double observed)
{
	struct job jobs[THREADS];
	pthread_t th[THREADS];
	bool started[THREADS] = {false};
	int threads = tb->k >= 5 ? THREADS : 1;
	for (int i = 0; i < THREADS; i++)
		jobs[i] = (struct job){tb, models, fits, (size_t)i, n, observed};
	if (threads == 1) {
		for (size_t i = 0; i < n; i++)
			fit_model(tb, &models[i], observed, &fits[i]);
		return;
	}
	for (int i = 1; i < threads; i++)
		started[i] = !pthread_create(&th[i], NULL, fit_share, &jobs[i]);
	fit_share(&jobs[0]);
	for (int i = 1; i < threads; i++)
		if (started[i])
			pthread_join(th[i], NULL);
		else
			fit_share(&jobs[i]);
}

struct rank {
	double crit;
	int p;
	size_t i;
};

static int by_rank(const void *x, const void *y)
{
	const struct rank *a = x, *b = y;
	double tol = 1e-9 * fmax(1, fmax(fabs(a->crit), fabs(b->crit)));
	if (fabs(a->crit - b->crit) > tol)
		return a->crit < b->crit ? -1 : 1;
	if (a->p != b->p)
		return a->p - b->p;
	return (a->i > b->i) - (a->i < b->i);
}

/* -2 log L(observed + n0) of model md, up to a constant (see the top). */
static bool profile(table *full, const llm *md, double observed, double n0, double *out)
{
	irls r;
	full->y[0] = n0;
	if (!fit(full, md, &r))
		return false;
	double n = observed + n0;
	double ct = (n0 > 0 ? n0 * log(n0) : 0) - lgamma(n0 + 1) + lgamma(n + 1) - n * log(n);
	*out = r.deviance - 2 * ct;
	return true;
}

/* The n0 in [lo, hi] where the profile crosses level, lo inside and hi
 * outside the interval (or the reverse). */
static bool crossing(table *full, const llm *md, double observed, double lo, double hi,
                     double level, double *out)
{
	for (int i = 0; i < 200 && fabs(hi - lo) > 1e-10 * fmax(1, fabs(hi)); i++) {
		double mid = (lo + hi) / 2, g;
		if (!profile(full, md, observed, mid, &g))
			return false;
		if (g <= level)
			lo = mid;
		else
			hi = mid;
	}
	*out = (lo + hi) / 2;
	return true;
}

/* Golden-section search for the n0 in [0, b] that minimises -2 log L. */
static bool profile_minimum(table *full, const llm *md, double observed, double b, double *at,
                            double *gmin)
{
	const double gr = (sqrt(5) - 1) / 2;
	double a = 0, x[2] = {b - gr * b, gr * b}, g[2];
	for (int i = 0; i < 2; i++)
		if (!profile(full, md, observed, x[i], &g[i]))
			return false;
	while (b - a > 1e-10 * fmax(1, b)) {
		int fresh;
		if (g[0] <= g[1]) { /* the minimum is left of x[1] */
			b = x[1];
			x[1] = x[0];
			g[1] = g[0];
			x[0] = b - gr * (b - a);
			fresh = 0;
		} else {
			a = x[0];
			x[0] = x[1];
			g[0] = g[1];
			x[1] = a + gr * (b - a);
			fresh = 1;
		}
		if (!profile(full, md, observed, x[fresh], &g[fresh]))
			return false;
	}
	int best = g[0] <= g[1] ? 0 : 1;
	*at = x[best];
	*gmin = g[best];
	return true;
}

/* The profile-likelihood interval of N for model md, around the Poisson
 * estimate n0hat of the unobserved. */
static bool profile_interval(const tg_capture *t, const llm *md, double observed, double n0hat,
                             double *lower, double *upper)
{
	table full = {.k = t->k, .first = 0};
	memcpy(full.y, t->count, sizeof full.y);
	double at, gmin, g0;
	if (!profile_minimum(&full, md, observed, 2 * n0hat + 10, &at, &gmin) ||
	    !profile(&full, md, observed, 0, &g0))
		return false;
	double level = gmin + CHISQ95, n0lo = 0;
	if (g0 > level && !crossing(&full, md, observed, at, 0, level, &n0lo))
		return false;
	*lower = observed + n0lo;
	/* Double until the likelihood has fallen far enough, or give up. */
	double hi = 2 * at + 1, ghi;
	for (int i = 0;; i++, hi *= 2) {
		if (!profile(&full, md, observed, hi, &ghi))
			return false;
		if (ghi > level)
			break;
		if (i == 60) {
			*upper = INFINITY;
			return true;
		}
	}
	double n0hi;
	if (!crossing(&full, md, observed, at, hi, level, &n0hi))
		return false;
	*upper = observed + n0hi;
	return true;
}

static int ranked_json(const llm *models, const llfit *fits, const struct rank *rk, size_t n,
                       int cells, json_t **out, tg_error *err)
{
	json_t *a = json_array();
	if (!a)
		return tg_error_set(err, TG_ENOMEM, "models", "%s", tg_strerror(TG_ENOMEM));
	for (size_t i = 0; i < n; i++) {
		const llfit *f = &fits[rk[i].i];
		char name[256];
		model_name(&models[rk[i].i], name, sizeof name);
		json_t *o = json_pack("{s:s, s:f, s:f, s:f, s:f, s:i}", "model", name, "estimate",
		                      f->estimate, "aic", f->aic, "bic", f->bic, "deviance",
		                      f->deviance, "df", cells - models[rk[i].i].p);
		if (!o || json_array_append_new(a, o)) {
			json_decref(a);
			return tg_error_set(err, TG_ENOMEM, "models", "%s", tg_strerror(TG_ENOMEM));
		}
	}
	*out = a;
	return 0;
}

static void sparse_warning(const tg_capture *t, tg_estimate *out)
{
	int cells = (1 << t->k) - 1, sparse = 0;
	for (int c = 1; c <= cells; c++)
		sparse += t->count[c] < SPARSE_CELL;
	if (2 * sparse > cells)
		tg_estimate_warn(out, _("sparse table: %d of the %d capture patterns hold fewer than "
		                        "%d persons"), sparse, cells, SPARSE_CELL);
}

/* Fills out from the selected model: its fit, se and interval. */
static void describe_selected(const tg_capture *t, const llm *md, const llfit *f, int maxp,
                              tg_estimate *out)
{
	table tb = {.k = t->k, .first = 1};
	memcpy(tb.y, t->count, sizeof tb.y);
	int cells = (1 << t->k) - 1;
	irls r;
	out->estimate = f->estimate;
	out->deviance = f->deviance;
	out->aic = f->aic;
	out->bic = f->bic;
	out->df = cells - md->p;
	model_name(md, out->model, sizeof out->model);
	out->se = fit(&tb, md, &r) ? standard_error(&tb, md, &r) : NAN;
	if (!profile_interval(t, md, out->observed, f->estimate - out->observed, &out->lower,
	                      &out->upper)) {
		out->lower = out->upper = NAN;
		tg_estimate_warn(out, "%s", _("the profile-likelihood interval could not be computed"));
	} else if (isinf(out->upper)) {
		tg_estimate_warn(out, "%s", _("the likelihood does not bound N from above: the "
		                              "upper end of the interval is infinite"));
	}
	if (md->p == maxp)
		tg_estimate_warn(out, _("the selected model %s has as many parameters as the lists "
		                        "allow: the estimate rests on %d degrees of freedom"),
		                 out->model, out->df);
}

/* Model averaging (Buckland, Burnham and Augustin 1997): weights
 * exp(-delta/2) over the criterion's differences to the best model, the
 * averaged N, its unconditional standard error sum w_i sqrt(se_i^2 +
 * (N_i - N)^2), and the log-normal interval on the unseen part as for
 * Chapman. */
static void average(const llfit *fits, const struct rank *rk, size_t ok, tg_estimate *out)
{
	double wsum = 0, n = 0, se = 0;
	for (size_t j = 0; j < ok; j++)
		wsum += exp(-(rk[j].crit - rk[0].crit) / 2);
	for (size_t j = 0; j < ok; j++)
		n += exp(-(rk[j].crit - rk[0].crit) / 2) / wsum * fits[rk[j].i].estimate;
	for (size_t j = 0; j < ok; j++) {
		const llfit *f = &fits[rk[j].i];
		double w = exp(-(rk[j].crit - rk[0].crit) / 2) / wsum, d = f->estimate - n;
		se += w * sqrt((isfinite(f->se) ? f->se * f->se : 0) + d * d);
	}
	double f0 = n - out->observed;
	out->estimate = n;
	out->se = se;
	if (f0 > 0) {
		double c = exp(1.959963984540054 * sqrt(log(1 + se * se / (f0 * f0))));
		out->lower = out->observed + f0 / c;
		out->upper = out->observed + f0 * c;
	} else {
		out->lower = out->upper = n;
	}
	snprintf(out->model + strlen(out->model), sizeof out->model - strlen(out->model),
	         _(" (the best of %zu models averaged, its weight %.2f)"), ok, 1 / wsum);
}

static int search(const tg_capture *t, const char *criterion, bool averaged, tg_estimate *out,
                  json_t **models_out, tg_error *err)
{
	if (models_out)
		*models_out = NULL;
	if (!out)
		return tg_error_set(err, TG_EINVAL, "estimate", "%s", _("nowhere to put the estimate"));
	memset(out, 0, sizeof *out);
	out->method = averaged ? "loglinear_average" : "loglinear";
	int rc = tg_capture_check(t, err);
	if (rc)
		return rc;
	bool bic = criterion && !strcmp(criterion, "bic");
	if (criterion && !bic && strcmp(criterion, "aic"))
		return tg_error_set(err, TG_EINVAL, "criterion",
		                    _("unknown model selection criterion \"%s\" (aic or bic)"), criterion);
	llm *models;
	size_t n;
	if ((rc = model_space(t->k, &models, &n)))
		return tg_error_set(err, rc, "models", "%s", tg_strerror(rc));
	llfit *fits = calloc(n, sizeof *fits);
	struct rank *rk = calloc(n, sizeof *rk);
	if (!fits || !rk) {
		rc = tg_error_set(err, TG_ENOMEM, "models", "%s", tg_strerror(TG_ENOMEM));
		goto done;
	}
	table tb = {.k = t->k, .first = 1};
	memcpy(tb.y, t->count, sizeof tb.y);
	out->observed = tg_capture_observed(t);
	fit_all(&tb, models, fits, n, out->observed);
	size_t ok = 0;
	int maxp = 0;
	for (size_t i = 0; i < n; i++) {
		maxp = models[i].p > maxp ? models[i].p : maxp;
		if (fits[i].ok)
			rk[ok++] = (struct rank){bic ? fits[i].bic : fits[i].aic, models[i].p, i};
	}
	if (!ok) {
		rc = tg_error_set(err, TG_EINVAL, "count", "%s",
		                  _("no log-linear model could be fitted to this table"));
		goto done;
	}
	qsort(rk, ok, sizeof *rk, by_rank);
	describe_selected(t, &models[rk[0].i], &fits[rk[0].i], maxp, out);
	if (averaged)
		average(fits, rk, ok, out);
	tg_estimate_warn_small_lists(t, t->k, out);
	sparse_warning(t, out);
	if (ok < n)
		tg_estimate_warn(out, _("%zu of the %zu models did not converge or gave no finite "
		                        "estimate and were left out"), n - ok, n);
	if (models_out)
		rc = ranked_json(models, fits, rk, ok, (1 << t->k) - 1, models_out, err);
done:
	free(models);
	free(fits);
	free(rk);
	return rc;
}

int tg_estimate_loglinear(const tg_capture *t, const char *criterion, tg_estimate *out,
                          json_t **models_out, tg_error *err)
{
	return search(t, criterion, false, out, models_out, err);
}

int tg_estimate_loglinear_average(const tg_capture *t, const char *criterion, tg_estimate *out,
                                  json_t **models_out, tg_error *err)
{
	return search(t, criterion, true, out, models_out, err);
}
