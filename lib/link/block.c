/*
 * Blocking: only pairs that agree on some cheap key are compared.  Each
 * rule gives every record a few keys (hashes); records sharing a key form
 * a block.  Rules are a union, and a pair is made once: by the first rule
 * and, within it, the smallest key the two records share.  Blocks larger
 * than the cap are skipped and reported (a common name in a big city
 * would otherwise pair everyone with everyone).
 *
 * Blocks are found by radix-sorting (key, record) entries; the pairs of
 * each block are compared on all threads at once, each thread counting
 * comparison patterns on its own.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "link/link-int.h"

static const char *const rule_names[NRULES] = {
	N_("iin"), N_("two name words"), N_("name word + birth year"),
	N_("name word + start of another"), N_("name word + place")};

static uint64_t mix(uint64_t a, uint64_t b, uint64_t c)
{
	uint64_t h = a * 0x9E3779B97F4A7C15ULL ^ (b + 0x632BE59BD9B4E019ULL) * 0xC2B2AE3D27D4EB4FULL;
	h ^= (c + 0x165667B19E3779F9ULL) * 0x27D4EB2F165667C5ULL;
	h ^= h >> 31;
	h *= 0x94D049BB133111EBULL;
	return h ^ (h >> 29);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return (x > y) - (x < y);
}

/* The keys of record r under rule, distinct and ascending; returns how
 * many (at most 32). */
static int rule_keys(const lk_intern *keys, const lrec *r, int rule, uint64_t out[32])
{
	int n = 0;
	uint32_t w[LK_MAXTOK + 1];
	int nw = 0;
	for (int i = 0; i < r->ntok; i++)
		w[nw++] = r->tok[i];
	switch (rule) {
	case RULE_IIN:
		if (r->iin)
			out[n++] = mix(RULE_IIN, r->iin, 0);
		break;
	case RULE_NAMES:
		if (r->patr)
			w[nw++] = r->patr;
		for (int i = 0; i < nw; i++)
			for (int j = i + 1; j < nw; j++) {
				uint32_t lo = w[i] < w[j] ? w[i] : w[j], hi = w[i] ^ w[j] ^ lo;
				out[n++] = mix(RULE_NAMES, lo, hi);
			}
		break;
	case RULE_NAME_YEAR:
		for (int i = 0; r->by && i < nw; i++) {
			out[n++] = mix(RULE_NAME_YEAR, w[i], (uint64_t)r->by);
			if (r->yfuzzy)
				out[n++] = mix(RULE_NAME_YEAR, w[i], (uint64_t)r->by - 1);
		}
		break;
	case RULE_NAME_PREFIX:
		/* One word whole, the beginning of another: a slip in the rest
		 * of the other still meets. */
		if (r->patr)
			w[nw++] = r->patr;
		for (int i = 0; i < nw; i++)
			for (int j = 0; j < nw; j++) {
				if (i == j)
					continue;
				const lk_str *o = &keys->v[w[j]];
				uint64_t pre = 0;
				for (uint32_t c = 0; c < 3 && c < o->len; c++)
					pre = pre << 8 | (unsigned char)o->s[c];
				out[n++] = mix(RULE_NAME_PREFIX, w[i], pre);
			}
		break;
	case RULE_NAME_PLACE:
		for (int i = 0; r->place && i < nw; i++)
			out[n++] = mix(RULE_NAME_PLACE, w[i], r->place);
		break;
	}
	qsort(out, (size_t)n, sizeof *out, cmp_u64);
	int d = 0;
	for (int i = 0; i < n; i++)
		if (!d || out[d - 1] != out[i])
			out[d++] = out[i];
	return d;
}

static void lk_capped_add(tg_link *lk, int rule, uint64_t key)
{
	struct lk_keys *c = &lk->capped[rule];
	if (c->n == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 64;
		if (!(c->v = realloc(c->v, c->cap * sizeof *c->v)))
			abort();
	}
	c->v[c->n++] = key; /* keys come sorted: the entries are */
}

static bool capped(const tg_link *lk, int rule, uint64_t key)
{
	const struct lk_keys *c = &lk->capped[rule];
	size_t lo = 0, hi = c->n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (c->v[mid] == key)
			return true;
		if (c->v[mid] < key)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

int tg_link_blocked_by(const tg_link *lk, size_t i, size_t j)
{
	uint64_t a[32], b[32];
	for (int r = 0; r < NRULES; r++) {
		int na = rule_keys(&lk->keys, &lk->rec[i], r, a),
		    nb = rule_keys(&lk->keys, &lk->rec[j], r, b);
		for (int x = 0, y = 0; x < na && y < nb;) {
			if (a[x] == b[y] && !capped(lk, r, a[x]))
				return r;
			if (a[x] <= b[y])
				x++;
			else
				y++;
		}
	}
	return -1;
}

const char *tg_link_rule_name(int rule)
{
	return rule >= 0 && rule < NRULES ? rule_names[rule] : NULL;
}

typedef struct entry {
	uint64_t key;
	uint32_t rec;
} entry;

static void radix_sort(entry *v, entry *tmp, size_t n)
{
	size_t *count = malloc(65536 * sizeof *count);
	if (!count)
		abort();
	for (int pass = 0; pass < 4; pass++) {
		int shift = pass * 16;
		memset(count, 0, 65536 * sizeof *count);
		for (size_t i = 0; i < n; i++)
			count[(v[i].key >> shift) & 0xFFFF]++;
		size_t sum = 0;
		for (size_t d = 0; d < 65536; d++) {
			size_t c = count[d];
			count[d] = sum;
			sum += c;
		}
		for (size_t i = 0; i < n; i++)
			tmp[count[(v[i].key >> shift) & 0xFFFF]++] = v[i];
		entry *t = v;
		v = tmp;
		tmp = t;
	}
	free(count);
}

/* Keys of every record under every rule, kept for the "made once" test. */
typedef struct keyset {
	uint32_t *off; /* n + 1 */
	uint64_t *key;
} keyset;

typedef struct block {
	uint32_t start, size;
} block;

struct job {
	tg_link *lk;
	const keyset *ks;
	int rule;
	bool train; /* count every pair of the rule, not only its new ones */
	const entry *e;
	const block *blocks;
	size_t nblocks;
	atomic_size_t next;
	lk_pairs *pairs;   /* per thread */
	uint64_t **counts; /* per thread */
	uint64_t *made;    /* per thread: pairs this rule made */
	const uint8_t *keep; /* patterns worth keeping, once trained */
};

static bool share(const keyset *ks, uint32_t a, uint32_t b, uint64_t below)
{
	const uint64_t *x = ks->key + ks->off[a], *xe = ks->key + ks->off[a + 1];
	const uint64_t *y = ks->key + ks->off[b], *ye = ks->key + ks->off[b + 1];
	while (x < xe && y < ye && *x < below && *y < below) {
		if (*x == *y)
			return true;
		if (*x < *y)
			x++;
		else
			y++;
	}
	return false;
}

static void compare_blocks(void *ctx, int t, int nt)
{
	struct job *j = ctx;
	tg_link *lk = j->lk;
	lk_pairs *out = &j->pairs[t];
	uint64_t *counts = j->counts[t] + (size_t)j->rule * lk_npatterns();
	int level[NCMP];
	for (;;) {
		size_t first = atomic_fetch_add(&j->next, 64);
		if (first >= j->nblocks)
			break;
		size_t last = first + 64 < j->nblocks ? first + 64 : j->nblocks;
		for (size_t g = first; g < last; g++) {
			const entry *e = j->e + j->blocks[g].start;
			uint32_t size = j->blocks[g].size;
			uint64_t key = e[0].key;
			for (uint32_t x = 0; x < size; x++)
				for (uint32_t y = x + 1; y < size; y++) {
					uint32_t a = e[x].rec, b = e[y].rec;
					if (a > b) {
						uint32_t s = a;
						a = b;
						b = s;
					}
					if (share(&j->ks[j->rule], a, b, key))
						continue;
					bool seen = false;
					for (int r = 0; r < j->rule && !seen; r++)
						seen = share(&j->ks[r], a, b, UINT64_MAX);
					if (seen && !j->train)
						continue;
					lk_compare(&lk->keys, &lk->rec[a], &lk->rec[b], level);
					uint32_t pat = lk_pattern(level);
					counts[pat]++;
					if (seen)
						continue;
					j->made[t]++;
					if (!j->keep || j->keep[pat])
						lk_pairs_push(out, a, b, pat);
				}
		}
	}
	(void)nt;
}

/* Drops the pairs whose pattern cannot reach the review band. */
static void drop_hopeless(lk_pairs *p, const uint8_t *keep)
{
	size_t m = 0;
	for (size_t i = 0; i < p->n; i++)
		if (keep[p->v[i].pat])
			p->v[m++] = p->v[i];
	p->n = m;
}

void lk_block_compare(tg_link *lk, int nthreads, int cap, lk_pairs *out, uint64_t *counts,
                      const lk_training *tr, json_t *rules, tg_progress_fn progress,
                      void *pctx)
{
	size_t n = lk->n;
	keyset ks[NRULES];
	for (int r = 0; r < NRULES; r++)
		lk->capped[r].n = 0;
	uint64_t k[32];
	for (int r = 0; r < NRULES; r++) {
		size_t total = 0;
		for (size_t i = 0; i < n; i++)
			total += (size_t)rule_keys(&lk->keys, &lk->rec[i], r, k);
		ks[r].off = malloc((n + 1) * sizeof *ks[r].off);
		ks[r].key = malloc((total ? total : 1) * sizeof *ks[r].key);
		if (!ks[r].off || !ks[r].key)
			abort();
		size_t at = 0;
		for (size_t i = 0; i < n; i++) {
			ks[r].off[i] = (uint32_t)at;
			int m = rule_keys(&lk->keys, &lk->rec[i], r, k);
			memcpy(ks[r].key + at, k, (size_t)m * sizeof *k);
			at += (size_t)m;
		}
		ks[r].off[n] = (uint32_t)at;
	}
	lk_pairs *tp = calloc((size_t)nthreads, sizeof *tp);
	uint64_t **tc = calloc((size_t)nthreads, sizeof *tc);
	uint32_t npat = lk_npatterns();
	for (int t = 0; t < nthreads; t++)
		if (!(tc[t] = calloc((size_t)NRULES * npat, sizeof **tc)))
			abort();
	double all = (double)n * ((double)n - 1) / 2;
	uint64_t cumulative = 0, *made = calloc((size_t)nthreads, sizeof *made);
	const uint8_t *keep = NULL;
	if (!made)
		abort();
	for (int r = 0; r < NRULES; r++) {
		if (progress)
			progress(pctx, rule_names[r], (uint64_t)r, NRULES);
		size_t ne = ks[r].off[n];
		entry *e = malloc((ne ? ne : 1) * sizeof *e), *tmp = malloc((ne ? ne : 1) * sizeof *e);
		if (!e || !tmp)
			abort();
		for (size_t i = 0, at = 0; i < n; i++)
			for (uint32_t x = ks[r].off[i]; x < ks[r].off[i + 1]; x++)
				e[at++] = (entry){ks[r].key[x], (uint32_t)i};
		radix_sort(e, tmp, ne);
		free(tmp);
		block *blocks = malloc((ne / 2 + 1) * sizeof *blocks);
		size_t nb = 0;
		uint64_t pairs = 0, capped = 0, capped_records = 0, largest = 0;
		for (size_t i = 0; i < ne;) {
			size_t j = i + 1;
			while (j < ne && e[j].key == e[i].key)
				j++;
			size_t size = j - i;
			if (size > (size_t)cap) {
				capped++;
				capped_records += size;
				lk_capped_add(lk, r, e[i].key);
			} else if (size > 1) {
				blocks[nb++] = (block){(uint32_t)i, (uint32_t)size};
				pairs += size * (size - 1) / 2;
				if (size > largest)
					largest = size;
			}
			i = j;
		}
		memset(made, 0, (size_t)nthreads * sizeof *made);
		struct job job = {.lk = lk, .ks = ks, .rule = r,
		                  .train = r == RULE_NAMES || r == RULE_NAME_YEAR, .e = e, .blocks = blocks,
		                  .nblocks = nb, .pairs = tp, .counts = tc, .made = made, .keep = keep};
		atomic_init(&job.next, 0);
		lk_parallel(nthreads, compare_blocks, &job);
		uint64_t rule_made = 0;
		for (int t = 0; t < nthreads; t++)
			rule_made += made[t];
		cumulative += rule_made;
		if (r == LK_LAST_TRAINING_RULE && tr) {
			/* The model is trained on the training rules' counts; from
			 * here on pairs that cannot reach the review band are not
			 * kept, which holds memory to the pairs that matter. */
			for (int t = 0; t < nthreads; t++)
				for (size_t p = 0; p < (size_t)NRULES * npat; p++)
					counts[p] += tc[t][p], tc[t][p] = 0;
			keep = tr->train(tr->ctx, counts);
			for (int t = 0; t < nthreads; t++)
				drop_hopeless(&tp[t], keep);
		}
		json_array_append_new(rules, json_pack("{s:s, s:I, s:I, s:f, s:I, s:I, s:I}",
			"rule", rule_names[r], "pairs", (json_int_t)pairs, "new_pairs", (json_int_t)rule_made,
			"reduction_ratio", all > 0 ? 1 - (double)cumulative / all : 1.0,
			"largest_block", (json_int_t)largest, "capped_blocks", (json_int_t)capped,
			"capped_records", (json_int_t)capped_records));
		free(blocks);
		free(e);
	}
	free(made);
	size_t total = 0;
	for (int t = 0; t < nthreads; t++)
		total += tp[t].n;
	out->v = malloc((total ? total : 1) * sizeof *out->v);
	if (!out->v)
		abort();
	out->n = out->cap = 0;
	for (int t = 0; t < nthreads; t++) {
		if (tp[t].n)
			memcpy(out->v + out->n, tp[t].v, tp[t].n * sizeof *tp[t].v);
		out->n += tp[t].n;
		free(tp[t].v);
		for (size_t p = 0; p < (size_t)NRULES * npat; p++)
			counts[p] += tc[t][p];
		free(tc[t]);
	}
	out->cap = total;
	free(tp);
	free(tc);
	for (int r = 0; r < NRULES; r++) {
		free(ks[r].off);
		free(ks[r].key);
	}
}
