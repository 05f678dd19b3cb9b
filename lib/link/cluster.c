/*
 * Clustering: union-find over the links, best first.  Before two
 * clusters are joined the union is checked against cannot-link
 * constraints: each cluster remembers one record with a valid IIN, one
 * with a full birth date and its sex, and the records a reviewer said it
 * must not meet.  Reviewers' must-links are joined first, whatever the
 * score.
 */
#include <stdlib.h>

#include "link/link-int.h"

typedef struct uf {
	const lrec *rec;
	uint32_t *parent, *size;
	uint32_t *iin_rec, *birth_rec, *sex_rec, *patr_rec; /* UINT32_MAX: none */
	uint32_t *rich_rec; /* the member that tells the most */
	struct apart {
		uint32_t *v;
		uint32_t n, cap;
	} *apart;
} uf;

#define NONE UINT32_MAX

static uint32_t find(uf *u, uint32_t x)
{
	while (u->parent[x] != x) {
		u->parent[x] = u->parent[u->parent[x]];
		x = u->parent[x];
	}
	return x;
}

static void apart_add(struct apart *a, uint32_t x)
{
	if (a->n == a->cap) {
		a->cap = a->cap ? a->cap * 2 : 4;
		if (!(a->v = realloc(a->v, a->cap * sizeof *a->v)))
			abort();
	}
	a->v[a->n++] = x;
}

/* The evidence two records give, in bits, without the prior: below
 * LK_AGAINST they speak against each other too strongly for a chain of
 * links through other records to join them. */
#define LK_AGAINST (-10.0)

static double evidence(const tg_link *lk, const lrec *a, const lrec *b)
{
	int level[NCMP];
	lk_compare(&lk->keys, a, b, level);
	double w = 0;
	for (int c = 0; c < NCMP; c++)
		if (level[c] >= 0)
			w += lk_weight(lk, a, b, c, level[c]);
	return w;
}

/* How much a record tells: its known fields. */
static int richness(const lrec *r)
{
	return (r->ntok > 1) + !!r->patr + (r->by ? 1 + !!r->bm + !!r->bd : 0) + !!r->sex +
	       2 * !!r->iin_valid + !!r->place + !!r->event;
}

/* Why clusters ra and rb must stay apart: a conflict kind, 0 if they may
 * join. */
static int conflict(const tg_link *lk, uf *u, uint32_t ra, uint32_t rb)
{
	const lrec *r = lk->rec;
	const lk_intern *k = &lk->keys;
	int kind = 0;
	if (u->iin_rec[ra] != NONE && u->iin_rec[rb] != NONE)
		kind |= lk_conflict_kind(k, &r[u->iin_rec[ra]], &r[u->iin_rec[rb]]) & LK_CONFLICT_IIN;
	if (u->birth_rec[ra] != NONE && u->birth_rec[rb] != NONE)
		kind |= lk_conflict_kind(k, &r[u->birth_rec[ra]], &r[u->birth_rec[rb]]) &
		        LK_CONFLICT_BIRTH;
	if (u->sex_rec[ra] != NONE && u->sex_rec[rb] != NONE)
		kind |= lk_conflict_kind(k, &r[u->sex_rec[ra]], &r[u->sex_rec[rb]]) & LK_CONFLICT_SEX;
	if (u->patr_rec[ra] != NONE && u->patr_rec[rb] != NONE)
		kind |= lk_conflict_kind(k, &r[u->patr_rec[ra]], &r[u->patr_rec[rb]]) &
		        LK_CONFLICT_PATR;
	if (!kind && evidence(lk, &r[u->rich_rec[ra]], &r[u->rich_rec[rb]]) < LK_AGAINST)
		kind = LK_CONFLICT_SCORE;
	if (kind || !u->apart)
		return kind;
	for (int side = 0; side < 2; side++) {
		uint32_t from = side ? rb : ra, to = side ? ra : rb;
		for (uint32_t i = 0; i < u->apart[from].n; i++)
			if (find(u, u->apart[from].v[i]) == to)
				return LK_CONFLICT_DECIDED;
	}
	return 0;
}

/* How much of a birth date a record knows: year 1, month 2, day 3. */
static int precision(const lrec *r)
{
	return !r->by || r->yfuzzy ? 0 : r->bd ? 3 : r->bm ? 2 : 1;
}

static void join(uf *u, uint32_t ra, uint32_t rb)
{
	if (u->size[ra] < u->size[rb]) {
		uint32_t t = ra;
		ra = rb;
		rb = t;
	}
	u->parent[rb] = ra;
	u->size[ra] += u->size[rb];
	if (u->iin_rec[ra] == NONE)
		u->iin_rec[ra] = u->iin_rec[rb];
	if (u->birth_rec[ra] == NONE ||
	    (u->birth_rec[rb] != NONE &&
	     precision(&u->rec[u->birth_rec[rb]]) > precision(&u->rec[u->birth_rec[ra]])))
		u->birth_rec[ra] = u->birth_rec[rb];
	if (u->patr_rec[ra] == NONE)
		u->patr_rec[ra] = u->patr_rec[rb];
	if (richness(&u->rec[u->rich_rec[rb]]) > richness(&u->rec[u->rich_rec[ra]]))
		u->rich_rec[ra] = u->rich_rec[rb];
	if (u->sex_rec[ra] == NONE)
		u->sex_rec[ra] = u->sex_rec[rb];
	if (u->apart && u->apart[rb].n) {
		for (uint32_t i = 0; i < u->apart[rb].n; i++)
			apart_add(&u->apart[ra], u->apart[rb].v[i]);
		free(u->apart[rb].v);
		u->apart[rb] = (struct apart){0};
	}
}

void lk_cluster(tg_link *lk, const lk_pair *links, size_t nlinks, long refused[6])
{
	size_t n = lk->n;
	uf u = {0};
	u.parent = malloc(n * sizeof *u.parent);
	u.size = malloc(n * sizeof *u.size);
	u.iin_rec = malloc(n * sizeof *u.iin_rec);
	u.birth_rec = malloc(n * sizeof *u.birth_rec);
	u.sex_rec = malloc(n * sizeof *u.sex_rec);
	u.patr_rec = malloc(n * sizeof *u.patr_rec);
	u.rich_rec = malloc(n * sizeof *u.rich_rec);
	u.rec = lk->rec;
	if (n && (!u.parent || !u.size || !u.iin_rec || !u.birth_rec || !u.sex_rec || !u.patr_rec ||
	          !u.rich_rec))
		abort();
	for (size_t i = 0; i < n; i++) {
		const lrec *r = &lk->rec[i];
		u.parent[i] = (uint32_t)i;
		u.size[i] = 1;
		u.iin_rec[i] = r->iin_valid ? (uint32_t)i : NONE;
		u.birth_rec[i] = precision(r) ? (uint32_t)i : NONE;
		u.sex_rec[i] = r->sex ? (uint32_t)i : NONE;
		u.patr_rec[i] = r->patr ? (uint32_t)i : NONE;
		u.rich_rec[i] = (uint32_t)i;
	}
	for (size_t k = 0; k < lk->ncons; k++) {
		long a = tg_link_find(lk, lk->cons[k].a), b = tg_link_find(lk, lk->cons[k].b);
		if (a < 0 || b < 0 || lk->cons[k].must)
			continue;
		if (!u.apart && !(u.apart = calloc(n, sizeof *u.apart)))
			abort();
		apart_add(&u.apart[a], (uint32_t)b);
		apart_add(&u.apart[b], (uint32_t)a);
	}
	for (size_t k = 0; k < lk->ncons; k++) {
		long a = tg_link_find(lk, lk->cons[k].a), b = tg_link_find(lk, lk->cons[k].b);
		if (a < 0 || b < 0 || !lk->cons[k].must)
			continue;
		uint32_t ra = find(&u, (uint32_t)a), rb = find(&u, (uint32_t)b);
		if (ra != rb)
			join(&u, ra, rb);
	}
	for (size_t k = 0; k < nlinks; k++) {
		uint32_t ra = find(&u, links[k].a), rb = find(&u, links[k].b);
		if (ra == rb)
			continue;
		int kind = conflict(lk, &u, ra, rb);
		if (kind) {
			refused[kind & LK_CONFLICT_IIN ? 0 : kind & LK_CONFLICT_BIRTH ? 1
			        : kind & LK_CONFLICT_SEX ? 2 : kind & LK_CONFLICT_PATR ? 3
			        : kind & LK_CONFLICT_SCORE ? 4 : 5]++;
			continue;
		}
		join(&u, ra, rb);
	}
	/* Name each cluster by its first record. */
	uint32_t *first = malloc(n * sizeof *first);
	if (n && !first)
		abort();
	for (size_t i = 0; i < n; i++)
		first[i] = NONE;
	free(lk->cluster);
	if (!(lk->cluster = malloc((n ? n : 1) * sizeof *lk->cluster)))
		abort();
	for (size_t i = 0; i < n; i++) {
		uint32_t r = find(&u, (uint32_t)i);
		if (first[r] == NONE)
			first[r] = (uint32_t)i;
		lk->cluster[i] = first[r];
	}
	free(first);
	if (u.apart) {
		for (size_t i = 0; i < n; i++)
			free(u.apart[i].v);
		free(u.apart);
	}
	free(u.parent);
	free(u.size);
	free(u.iin_rec);
	free(u.birth_rec);
	free(u.sex_rec);
	free(u.patr_rec);
	free(u.rich_rec);
}
