/*
 * Capture tables: what every estimator reads.
 */
#include <stdlib.h>

#include "stats/stats.h"

void tg_capture_release(tg_capture *t)
{
	if (!t)
		return;
	for (int i = 0; i < TG_STATS_MAXLISTS; i++) {
		free(t->names[i]);
		t->names[i] = NULL;
	}
}

double tg_capture_observed(const tg_capture *t)
{
	double n = 0;
	for (int p = 1; p < (1 << t->k); p++)
		n += t->count[p];
	return n;
}
