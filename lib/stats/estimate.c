/*
 * Two-list estimators: Lincoln–Petersen and Chapman, with the checks and
 * warnings every estimator of a capture table shares.
 *
 * Two lists give n1 and n2 persons, m of them on both. A bigger table is
 * collapsed onto its first two lists: a person counts for list 1 if list 1
 * recorded them, whatever the other lists did, and the other lists are
 * ignored — "observed" is then the persons on list 1 or list 2, which may
 * be fewer than the persons of the whole table.
 *
 * Both intervals are the log-normal interval of Chao (1987), built on the
 * unseen part f0 = N - observed rather than on N: it never goes below the
 * persons already seen and is skewed upwards as the sampling distribution
 * of N is. With C = exp(1.96 sqrt(log(1 + var / f0^2))) the interval is
 * [observed + f0 / C, observed + f0 C]. Chao, A. (1987) Estimating the
 * population size for capture-recapture data with unequal catchability.
 * Biometrics 43, 783-791.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "stats/stats-int.h"

#define Z95 1.959963984540054   /* qnorm(0.975) */
#define FEW_RECAPTURES 7        /* below this m the two-list estimate is unstable */
#define SMALL_LIST 5            /* a list with fewer persons says little */

int tg_capture_check(const tg_capture *t, tg_error *err)
{
	if (!t)
		return tg_error_set(err, TG_EINVAL, "capture", "%s", _("no capture table"));
	if (t->k < 2 || t->k > TG_STATS_MAXLISTS)
		return tg_error_set(err, TG_EINVAL, "k",
		                    _("a capture table needs 2 to %d lists, not %d"),
		                    TG_STATS_MAXLISTS, t->k);
	double n = 0;
	for (int p = 1; p < (1 << t->k); p++) {
		double c = t->count[p];
		if (!isfinite(c) || c < 0) {
			char path[32];
			snprintf(path, sizeof path, "count[%d]", p);
			return tg_error_set(err, TG_EINVAL, path,
			                    _("the count of capture pattern %d is %g: counts are "
			                      "numbers of persons, zero or more"), p, c);
		}
		n += c;
	}
	if (n <= 0)
		return tg_error_set(err, TG_EINVAL, "count", "%s",
		                    _("the capture table is empty: no person is on any list"));
	return 0;
}

void tg_estimate_warn(tg_estimate *out, const char *fmt, ...)
{
	size_t len = strlen(out->warning);
	if (len + 3 >= sizeof out->warning)
		return;
	if (len) {
		memcpy(out->warning + len, "; ", 3);
		len += 2;
	}
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(out->warning + len, sizeof out->warning - len, fmt, ap);
	va_end(ap);
	if (n >= 0 && (size_t)n >= sizeof out->warning - len) {
		/* Cut: end at a whole character, not inside a Cyrillic one. */
		size_t end = strlen(out->warning);
		size_t start = end;
		while (start > 0 && ((unsigned char)out->warning[start - 1] & 0xc0) == 0x80)
			start--;
		if (start > 0 && ((unsigned char)out->warning[start - 1] & 0x80)) {
			unsigned char lead = (unsigned char)out->warning[start - 1];
			size_t need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : 2;
			if (end - (start - 1) < need)
				out->warning[start - 1] = '\0';
		}
	}
}

/* Persons on list i, whatever the other lists did. */
static double list_size(const tg_capture *t, int i)
{
	double n = 0;
	for (int p = 1; p < (1 << t->k); p++)
		if (p & (1 << i))
			n += t->count[p];
	return n;
}

void tg_estimate_warn_small_lists(const tg_capture *t, int lists, tg_estimate *out)
{
	for (int i = 0; i < lists; i++) {
		double n = list_size(t, i);
		if (n >= SMALL_LIST)
			continue;
		if (t->names[i] && *t->names[i])
			tg_estimate_warn(out, _("list \"%s\" captured fewer than %d persons (%g)"),
			                 t->names[i], SMALL_LIST, n);
		else
			tg_estimate_warn(out, _("list %d captured fewer than %d persons (%g)"), i + 1,
			                 SMALL_LIST, n);
	}
}

/* The two-list table of lists 1 and 2. */
struct two_lists {
	double n1, n2, m;
};

static struct two_lists collapse(const tg_capture *t)
{
	struct two_lists s = {list_size(t, 0), list_size(t, 1), 0};
	for (int p = 3; p < (1 << t->k); p++)
		if ((p & 3) == 3)
			s.m += t->count[p];
	return s;
}

/* Fills everything but method, estimate and se; var is N's variance. */
static void fill(const tg_capture *t, const struct two_lists *s, double n, double var,
                 tg_estimate *out)
{
	out->observed = s->n1 + s->n2 - s->m;
	out->estimate = n;
	out->se = sqrt(var);
	double f0 = n - out->observed;
	if (f0 > 0 && var > 0) {
		double c = exp(Z95 * sqrt(log(1 + var / (f0 * f0))));
		out->lower = out->observed + f0 / c;
		out->upper = out->observed + f0 * c;
	} else {
		/* Every person of one list is on the other: nobody is unseen. */
		out->lower = out->upper = n;
	}
	out->aic = out->bic = out->deviance = NAN;
	out->df = 0;
	if (s->m < FEW_RECAPTURES)
		tg_estimate_warn(out, _("few recaptures: the estimate is unstable (%g persons on "
		                        "both lists)"), s->m);
	tg_estimate_warn_small_lists(t, 2, out);
}

static int start(const tg_capture *t, const char *method, tg_estimate *out, tg_error *err)
{
	if (!out)
		return tg_error_set(err, TG_EINVAL, "estimate", "%s", _("nowhere to put the estimate"));
	memset(out, 0, sizeof *out);
	out->method = method;
	return tg_capture_check(t, err);
}

/* Lincoln–Petersen: N = n1 n2 / m, var = n1 n2 (n1 - m)(n2 - m) / m^3. */
int tg_estimate_lincoln_petersen(const tg_capture *t, tg_estimate *out, tg_error *err)
{
	int rc = start(t, "lincoln_petersen", out, err);
	if (rc)
		return rc;
	struct two_lists s = collapse(t);
	if (s.m <= 0)
		return tg_error_set(err, TG_EINVAL, "count", "%s",
		                    _("nobody is on both lists: Lincoln-Petersen needs at least one "
		                      "recapture (Chapman does not)"));
	double n = s.n1 * s.n2 / s.m;
	double var = s.n1 * s.n2 * (s.n1 - s.m) * (s.n2 - s.m) / (s.m * s.m * s.m);
	fill(t, &s, n, var, out);
	return 0;
}

/* Chapman: N = (n1 + 1)(n2 + 1) / (m + 1) - 1, with Seber's (1970) variance
 * (n1 + 1)(n2 + 1)(n1 - m)(n2 - m) / ((m + 1)^2 (m + 2)). */
int tg_estimate_chapman(const tg_capture *t, tg_estimate *out, tg_error *err)
{
	int rc = start(t, "chapman", out, err);
	if (rc)
		return rc;
	struct two_lists s = collapse(t);
	double a = s.n1 + 1, b = s.n2 + 1, m1 = s.m + 1;
	double n = a * b / m1 - 1;
	double var = a * b * (s.n1 - s.m) * (s.n2 - s.m) / (m1 * m1 * (s.m + 2));
	fill(t, &s, n, var, out);
	return 0;
}
