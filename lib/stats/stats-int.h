/* What the estimators share; not part of the public API. */
#ifndef TG_STATS_INT_H
#define TG_STATS_INT_H

#include "stats/stats.h"

/* Checks a capture table: 2..TG_STATS_MAXLISTS lists, every count finite
 * and >= 0, someone on some list; else EINVAL with the field ("k",
 * "count[p]"). */
int tg_capture_check(const tg_capture *t, tg_error *err);
/* Appends a translated warning to out->warning, "; " between warnings. */
void tg_estimate_warn(tg_estimate *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Warns for each of the first lists lists with fewer than 5 persons. */
void tg_estimate_warn_small_lists(const tg_capture *t, int lists, tg_estimate *out);

#endif
