/*
 * Jaro–Winkler similarity on bytes (name keys are ASCII).
 */
#include <stdbool.h>
#include <stdlib.h>

#include "link/link.h"

double tg_jaro_winkler(const char *a, size_t alen, const char *b, size_t blen)
{
	if (!alen && !blen)
		return 1;
	if (!alen || !blen)
		return 0;
	bool small[2][128];
	bool *am = small[0], *bm = small[1];
	bool *heap = NULL;
	if (alen > 128 || blen > 128) {
		if (!(heap = calloc(alen + blen, sizeof *heap)))
			abort();
		am = heap;
		bm = heap + alen;
	} else {
		for (size_t i = 0; i < alen; i++)
			am[i] = false;
		for (size_t i = 0; i < blen; i++)
			bm[i] = false;
	}
	size_t longer = alen > blen ? alen : blen;
	size_t window = longer / 2 > 0 ? longer / 2 - 1 : 0;
	size_t m = 0;
	for (size_t i = 0; i < alen; i++) {
		size_t lo = i > window ? i - window : 0;
		size_t hi = i + window + 1 < blen ? i + window + 1 : blen;
		for (size_t j = lo; j < hi; j++) {
			if (bm[j] || a[i] != b[j])
				continue;
			am[i] = bm[j] = true;
			m++;
			break;
		}
	}
	double sim = 0;
	if (m) {
		size_t t = 0, j = 0;
		for (size_t i = 0; i < alen; i++) {
			if (!am[i])
				continue;
			while (!bm[j])
				j++;
			if (a[i] != b[j])
				t++;
			j++;
		}
		double md = (double)m;
		sim = (md / (double)alen + md / (double)blen + (md - (double)t / 2) / md) / 3;
		size_t l = 0;
		while (l < 4 && l < alen && l < blen && a[l] == b[l])
			l++;
		sim += (double)l * 0.1 * (1 - sim);
	}
	free(heap);
	return sim;
}
