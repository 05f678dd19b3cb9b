/*
 * Comparison vectors: each field of a pair of standardised records
 * compared into ordered levels, best first.  This is the inner loop of
 * linkage (tens of millions of pairs), so it works on interned ids and
 * small integers and reaches for Jaro–Winkler only when keys differ.
 */
#include <math.h>
#include <stdlib.h>

#include "link/link-int.h"

/* Each comparison: its levels, best first, the m to start EM from and the
 * u used before random pairs are drawn (explanations without a run). */
const lk_comparison lk_comparisons[NCMP] = {
	{N_("name"), 6,
	 {N_("given and family equal"), N_("given and family swapped"),
	  N_("both similar (Jaro-Winkler >= 0.94)"), N_("both similar (Jaro-Winkler >= 0.85)"),
	  N_("one word only"), N_("different")},
	 {0.80, 0.05, 0.07, 0.04, 0.03, 0.01},
	 {0.0005, 0.0001, 0.001, 0.01, 0.2, 0.7887}},
	{N_("patronymic"), 3,
	 {N_("same father's name"), N_("similar (Jaro-Winkler >= 0.9)"), N_("different")},
	 {0.93, 0.05, 0.02},
	 {0.02, 0.05, 0.93}},
	{N_("birth"), 6,
	 {N_("same date"), N_("compatible (one is partial)"), N_("day and month transposed"),
	  N_("one year apart"), N_("one digit differs"), N_("different")},
	 {0.55, 0.38, 0.01, 0.04, 0.01, 0.01},
	 {0.0005, 0.02, 0.0001, 0.04, 0.02, 0.9194}},
	{N_("sex"), 2, {N_("same"), N_("different")}, {0.99, 0.01}, {0.5, 0.5}},
	{N_("iin"), 3,
	 {N_("same"), N_("one digit differs"), N_("different")},
	 {0.97, 0.02, 0.01},
	 {0.000001, 0.00001, 0.999989}},
	{N_("place"), 3,
	 {N_("same place"), N_("same region"), N_("different")},
	 {0.85, 0.05, 0.10},
	 {0.15, 0.05, 0.8}},
	{N_("event"), 4,
	 {N_("same day"), N_("within three days"), N_("compatible (one is partial)"),
	  N_("different")},
	 {0.80, 0.10, 0.08, 0.02},
	 {0.05, 0.2, 0.3, 0.45}},
	{N_("fate"), 3,
	 {N_("same"), N_("both died, in different ways"), N_("one died, the other did not")},
	 {0.95, 0.03, 0.02},
	 {0.6, 0.1, 0.3}},
};


static double jw_ids(const lk_intern *k, uint32_t a, uint32_t b)
{
	if (a == b)
		return 1;
	return tg_jaro_winkler(k->v[a].s, k->v[a].len, k->v[b].s, k->v[b].len);
}

/* The smaller similarity of two pairs of words, or 0 as soon as the
 * first is below every band: Jaro–Winkler is the costly part. */
static double both_similar(const lk_intern *k, uint32_t a1, uint32_t b1, uint32_t a2,
                           uint32_t b2)
{
	double x = jw_ids(k, a1, b1);
	if (x < 0.85)
		return 0;
	double y = jw_ids(k, a2, b2);
	return x < y ? x : y;
}

static bool shares_token(const lrec *a, const lrec *b)
{
	for (int i = 0; i < a->ntok; i++)
		for (int j = 0; j < b->ntok; j++)
			if (a->tok[i] == b->tok[j])
				return true;
	return false;
}

static int cmp_name(const lk_intern *k, const lrec *a, const lrec *b)
{
	if (!a->ntok || !b->ntok)
		return -1;
	if (a->given && a->family && b->given && b->family) {
		if (a->given == b->given && a->family == b->family)
			return 0;
		if (a->given == b->family && a->family == b->given)
			return 1;
		double s1 = both_similar(k, a->given, b->given, a->family, b->family);
		double s = s1 >= 0.94 ? s1 : fmax(s1, both_similar(k, a->given, b->family, a->family,
		                                                   b->given));
		if (s >= 0.94)
			return 2;
		if (s >= 0.85)
			return 3;
	}
	/* A family name made from the father's name (Елдосов for the son
	 * of Елдос) on one list, the patronymic (Елдосұлы) on the other. */
	if (a->given && a->given == b->given &&
	    ((a->fstem && a->fstem == b->patr) || (b->fstem && b->fstem == a->patr)))
		return 3;
	return shares_token(a, b) ? 4 : 5;
}

/* Fathers' names: a Russian patronymic keeps less of a name ending in a
 * vowel (Сергеевич: SERG, Сергейұлы: SERGEI), so a stem that begins the
 * other counts as the same. */
static int cmp_patr(const lk_intern *k, const lrec *a, const lrec *b)
{
	uint32_t pa = a->patr, pb = b->patr;
	if (!pa || !pb)
		return -1;
	if (pa == pb)
		return 0;
	const lk_str *x = &k->v[pa], *y = &k->v[pb];
	const lk_str *s = x->len < y->len ? x : y, *l = x->len < y->len ? y : x;
	bool prefix = s->len >= 4 && l->len - s->len <= 2;
	for (uint32_t i = 0; prefix && i < s->len; i++)
		prefix = s->s[i] == l->s[i];
	if (prefix)
		return 0;
	return tg_jaro_winkler(x->s, x->len, y->s, y->len) >= 0.9 ? 1 : 2;
}

static bool one_digit(int x, int y)
{
	int diff = 0;
	for (; x || y; x /= 10, y /= 10)
		diff += x % 10 != y % 10;
	return diff == 1;
}

static int cmp_birth(const lrec *a, const lrec *b)
{
	if (!a->by || !b->by)
		return -1;
	if (a->yfuzzy || b->yfuzzy) {
		/* A year from an age is one of two years. */
		int alo = a->by - a->yfuzzy, blo = b->by - b->yfuzzy;
		if (alo <= b->by && blo <= a->by)
			return 1;
		int gap = alo > b->by ? alo - b->by : blo - a->by;
		if (gap == 1)
			return 3;
		/* A mistyped digit in either of the years the age allows. */
		for (int x = alo; x <= a->by; x++)
			for (int y = blo; y <= b->by; y++)
				if (one_digit(x, y))
					return 4;
		return 5;
	}
	bool md = a->bm && b->bm, dd = md && a->bd && b->bd;
	if (a->by == b->by) {
		if (dd && a->bm == b->bm && a->bd == b->bd)
			return 0;
		if ((!md || a->bm == b->bm) && (!dd || a->bd == b->bd))
			return 1;
		if (dd && a->bm == b->bd && a->bd == b->bm)
			return 2;
		if (dd && ((a->bm == b->bm) + (a->bd == b->bd)) == 1 &&
		    (one_digit(a->bm, b->bm) || one_digit(a->bd, b->bd)))
			return 4;
		return 5;
	}
	bool rest = (!md || a->bm == b->bm) && (!dd || a->bd == b->bd);
	if (rest && abs(a->by - b->by) == 1)
		return 3;
	if (rest && one_digit(a->by, b->by))
		return 4;
	return 5;
}

static int cmp_iin(const lrec *a, const lrec *b)
{
	if (!a->iin || !b->iin)
		return -1;
	if (a->iin == b->iin)
		return 0;
	int diff = 0;
	uint64_t x = a->iin, y = b->iin;
	int pos[12], np = 0;
	for (int i = 0; i < 12; i++, x /= 10, y /= 10)
		if (x % 10 != y % 10) {
			diff++;
			if (np < 12)
				pos[np++] = i;
		}
	if (diff == 1)
		return 1;
	if (diff == 2 && pos[1] == pos[0] + 1) { /* two neighbours swapped */
		uint64_t p = 1;
		for (int i = 0; i < pos[0]; i++)
			p *= 10;
		int a0 = (int)(a->iin / p % 10), a1 = (int)(a->iin / (p * 10) % 10);
		int b0 = (int)(b->iin / p % 10), b1 = (int)(b->iin / (p * 10) % 10);
		if (a0 == b1 && a1 == b0)
			return 1;
	}
	return 2;
}

/* Events are day numbers with a precision: a month-only date is the
 * month's first day. */
static int cmp_event(const lrec *a, const lrec *b)
{
	if (!a->event || !b->event)
		return -1;
	int prec = a->event_prec < b->event_prec ? a->event_prec : b->event_prec;
	int gap = abs(a->event - b->event);
	if (prec == 3)
		return gap == 0 ? 0 : gap <= 3 ? 1 : 3;
	/* Compare at the coarser precision: the same month (or year). */
	const lrec *fine = a->event_prec >= b->event_prec ? a : b, *coarse = fine == a ? b : a;
	int span = prec == 2 ? 31 : 366;
	int off = fine->event - coarse->event;
	return off >= 0 && off < span ? 2 : 3;
}

/* A death with no more said fits either way of dying. */
static int cmp_fate(int a, int b)
{
	if (!a || !b)
		return -1;
	if (a == b || (a == LK_FATE_DEAD && b != LK_FATE_ALIVE) ||
	    (b == LK_FATE_DEAD && a != LK_FATE_ALIVE))
		return 0;
	return a == LK_FATE_ALIVE || b == LK_FATE_ALIVE ? 2 : 1;
}

void lk_compare(const lk_intern *keys, const lrec *a, const lrec *b, int level[NCMP])
{
	level[CMP_NAME] = cmp_name(keys, a, b);
	level[CMP_PATR] = cmp_patr(keys, a, b);
	level[CMP_BIRTH] = cmp_birth(a, b);
	level[CMP_SEX] = !a->sex || !b->sex ? -1 : a->sex == b->sex ? 0 : 1;
	level[CMP_IIN] = cmp_iin(a, b);
	level[CMP_PLACE] = !a->place || !b->place ? -1
	                 : a->place == b->place ? 0
	                 : a->region && a->region == b->region ? 1 : 2;
	level[CMP_EVENT] = cmp_event(a, b);
	level[CMP_FATE] = cmp_fate(a->fate, b->fate);
}

uint32_t lk_pattern(const int level[NCMP])
{
	uint32_t p = 0;
	for (int c = NCMP - 1; c >= 0; c--)
		p = p * (uint32_t)(lk_comparisons[c].nlevels + 1) + (uint32_t)(level[c] + 1);
	return p;
}

void lk_unpattern(uint32_t p, int level[NCMP])
{
	for (int c = 0; c < NCMP; c++) {
		uint32_t radix = (uint32_t)lk_comparisons[c].nlevels + 1;
		level[c] = (int)(p % radix) - 1;
		p /= radix;
	}
}

uint32_t lk_npatterns(void)
{
	uint32_t n = 1;
	for (int c = 0; c < NCMP; c++)
		n *= (uint32_t)lk_comparisons[c].nlevels + 1;
	return n;
}

int lk_conflict_kind(const lk_intern *keys, const lrec *a, const lrec *b)
{
	int kind = 0;
	if (a->iin_valid && b->iin_valid && a->iin != b->iin)
		kind |= LK_CONFLICT_IIN;
	if (!a->yfuzzy && !b->yfuzzy && cmp_birth(a, b) == 5)
		kind |= LK_CONFLICT_BIRTH;
	if (cmp_patr(keys, a, b) == 2)
		kind |= LK_CONFLICT_PATR;
	if (a->sex && b->sex && a->sex != b->sex)
		kind |= LK_CONFLICT_SEX;
	return kind;
}

const char *lk_conflict_name(int kind)
{
	return kind & LK_CONFLICT_IIN     ? N_("different valid IINs")
	     : kind & LK_CONFLICT_BIRTH   ? N_("birth dates that no slip of the pen explains")
	     : kind & LK_CONFLICT_PATR    ? N_("different fathers' names")
	     : kind & LK_CONFLICT_SCORE   ? N_("the two groups' fullest records disagree")
	     : kind & LK_CONFLICT_SEX     ? N_("different sex")
	     : kind & LK_CONFLICT_DECIDED ? N_("a reviewer decided: not the same person")
	                                  : NULL;
}
