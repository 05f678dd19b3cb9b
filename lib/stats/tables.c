/*
 * Capture tables from linkage: which lists recorded each person, counted
 * by capture pattern, for every stratum.
 */
#include <stdlib.h>
#include <string.h>

#include "stats/stats.h"
#include "store/store.h"

struct lists {
	char *uid[TG_STATS_MAXLISTS];
	char *title[TG_STATS_MAXLISTS];
	int n, total;
};

static int add_list(void *ctx, const char *uid, const char *title)
{
	struct lists *l = ctx;
	if (l->n < TG_STATS_MAXLISTS) {
		if (!(l->uid[l->n] = strdup(uid)) || !(l->title[l->n] = strdup(title)))
			abort();
		l->n++;
	}
	l->total++;
	return 0;
}

struct builder {
	struct lists *lists;
	int (*cb)(void *ctx, const char *stratum, const tg_capture *t);
	void *ctx;
	char *stratum, *person;
	bool started;
	unsigned pattern;
	tg_capture t;
};

static int flush_person(struct builder *b)
{
	if (b->person && b->pattern)
		b->t.count[b->pattern]++;
	b->pattern = 0;
	free(b->person);
	b->person = NULL;
	return 0;
}

static int flush_stratum(struct builder *b)
{
	flush_person(b);
	int rc = b->started ? b->cb(b->ctx, b->stratum, &b->t) : 0;
	memset(b->t.count, 0, sizeof b->t.count);
	free(b->stratum);
	b->stratum = NULL;
	return rc;
}

static bool same(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

static int membership(void *ctx, const char *stratum, const char *person, const char *list)
{
	struct builder *b = ctx;
	int rc = 0;
	if (!b->started || !same(stratum, b->stratum)) {
		rc = flush_stratum(b);
		if (stratum && !(b->stratum = strdup(stratum)))
			abort();
		b->started = true;
	}
	if (!same(person, b->person)) {
		flush_person(b);
		if (!(b->person = strdup(person)))
			abort();
	}
	for (int l = 0; l < b->lists->n; l++)
		if (!strcmp(list, b->lists->uid[l]))
			b->pattern |= 1u << l;
	return rc;
}

int tg_stats_capture_by(tg_store *st, const char *by,
                        int (*cb)(void *ctx, const char *stratum, const tg_capture *t), void *ctx,
                        tg_error *err)
{
	json_t *last;
	int lrc = tg_linkdb_last_run(st, &last, err);
	json_decref(last);
	if (lrc)
		return lrc;
	if (!last)
		return tg_error_set(err, TG_EINVAL, NULL,
		                    _("no linkage has run: link the lists first (tergeu link)"));
	struct lists l = {0};
	int rc = tg_linkdb_lists(st, add_list, &l, err);
	if (!rc && (l.total < 2 || l.total > TG_STATS_MAXLISTS))
		rc = tg_error_set(err, TG_EINVAL, NULL,
		                  _("the persons come from %d lists; estimation takes 2 to 6"), l.total);
	struct builder b = {.lists = &l, .cb = cb, .ctx = ctx};
	if (!rc) {
		b.t.k = l.n;
		for (int i = 0; i < l.n; i++)
			b.t.names[i] = l.title[i];
		rc = tg_linkdb_memberships(st, by, membership, &b, err);
		if (!rc)
			rc = flush_stratum(&b);
	}
	free(b.stratum);
	free(b.person);
	for (int i = 0; i < l.n; i++) {
		free(l.uid[i]);
		free(l.title[i]);
	}
	return rc;
}
