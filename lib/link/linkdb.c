/*
 * Linkage over the database: raw records and reviewers' decisions in,
 * persons and the review queue out.  A person keeps its id from run to
 * run when its cluster has not changed: each new cluster takes the id
 * most of its records had, unless a bigger share of another cluster
 * claims it first.
 */
#include <stdlib.h>
#include <string.h>

#include "link/link-int.h"
#include "store/store.h"

struct loader {
	tg_link *lk;
	char **lists; /* list ids seen, by index */
	int nlists;
};

static int list_index(struct loader *l, const char *uid)
{
	for (int i = l->nlists - 1; i >= 0; i--)
		if (!strcmp(l->lists[i], uid))
			return i;
	if (!(l->lists = realloc(l->lists, (size_t)(l->nlists + 1) * sizeof *l->lists)) ||
	    !(l->lists[l->nlists] = strdup(uid)))
		abort();
	return l->nlists++;
}

static int add_raw(void *ctx, const tg_raw_record *r)
{
	struct loader *l = ctx;
	tg_link_input in = {.id = r->id, .list = list_index(l, r->list), .lang = r->list_lang,
	                    .full_name = r->full_name, .family = r->family, .given = r->given,
	                    .patronymic = r->patronymic, .birth_date = r->birth_date, .age = r->age,
	                    .event_date = r->event_date, .death_date = r->death_date, .sex = r->sex, .iin = r->iin,
	                    .place = r->place, .fate = r->fate};
	tg_link_add(l->lk, &in);
	return 0;
}

static int add_decision(void *ctx, const tg_link_decision *d)
{
	tg_link_constrain(ctx, d->a, d->b, d->link);
	return 0;
}

int tg_link_load(tg_store *st, tg_link **out, tg_error *err)
{
	struct loader l = {tg_link_new(), NULL, 0};
	int rc = tg_raw_each(st, add_raw, &l, err);
	if (!rc)
		rc = tg_linkdb_decisions(st, false, add_decision, l.lk, err);
	for (int i = 0; i < l.nlists; i++)
		free(l.lists[i]);
	free(l.lists);
	if (rc) {
		tg_link_free(l.lk);
		return rc;
	}
	*out = l.lk;
	return 0;
}

/* ---- stable person ids ---- */

struct previous {
	const tg_link *lk;
	size_t at;
	uint32_t *person; /* per record: interned previous person id, 0 none */
	lk_intern ids;
};

static int previous_member(void *ctx, long long raw, const char *person)
{
	struct previous *p = ctx;
	while (p->at < p->lk->n && p->lk->rec[p->at].id < raw)
		p->at++;
	if (p->at < p->lk->n && p->lk->rec[p->at].id == raw)
		p->person[p->at] = lk_intern_get(&p->ids, person, strlen(person));
	return 0;
}

typedef struct vote {
	uint32_t cluster, person, count;
} vote;

static int by_cluster_person(const void *x, const void *y)
{
	const vote *a = x, *b = y;
	if (a->cluster != b->cluster)
		return a->cluster < b->cluster ? -1 : 1;
	return (a->person > b->person) - (a->person < b->person);
}

static int by_count(const void *x, const void *y)
{
	const vote *a = x, *b = y;
	if (a->count != b->count)
		return a->count > b->count ? -1 : 1;
	return by_cluster_person(x, y);
}

/* Person id of every cluster (indexed by the cluster's first record). */
static int person_ids(tg_store *st, const tg_link *lk, char (*ids)[TG_UUID_LEN], tg_error *err)
{
	size_t n = lk->n;
	struct previous p = {.lk = lk, .person = calloc(n ? n : 1, sizeof *p.person)};
	if (!p.person)
		abort();
	int rc = tg_linkdb_members(st, previous_member, &p, err);
	vote *v = malloc((n ? n : 1) * sizeof *v);
	if (!v)
		abort();
	size_t nv = 0;
	for (size_t i = 0; i < n; i++)
		if (p.person[i])
			v[nv++] = (vote){lk->cluster[i], p.person[i], 1};
	qsort(v, nv, sizeof *v, by_cluster_person);
	size_t m = 0;
	for (size_t i = 0; i < nv; i++) {
		if (m && v[m - 1].cluster == v[i].cluster && v[m - 1].person == v[i].person)
			v[m - 1].count++;
		else
			v[m++] = v[i];
	}
	qsort(v, m, sizeof *v, by_count);
	bool *taken = calloc(p.ids.n + 1, sizeof *taken);
	if (!taken)
		abort();
	for (size_t i = 0; i < n; i++)
		ids[i][0] = 0;
	for (size_t k = 0; k < m; k++) {
		if (taken[v[k].person] || ids[v[k].cluster][0])
			continue;
		taken[v[k].person] = true;
		memcpy(ids[v[k].cluster], p.ids.v[v[k].person].s, TG_UUID_LEN);
		ids[v[k].cluster][TG_UUID_LEN - 1] = 0;
	}
	for (size_t i = 0; i < n; i++)
		if (lk->cluster[i] == i && !ids[i][0])
			tg_uuid7(ids[i]);
	free(taken);
	free(v);
	free(p.person);
	lk_intern_free(&p.ids);
	return rc;
}

/* ---- person profiles ---- */

/* How much a record's birth date tells: day 4, month 3, year 2, age 1. */
static int birth_precision(const lrec *r)
{
	return !r->by ? 0 : r->yfuzzy ? 1 : r->bd ? 4 : r->bm ? 3 : 2;
}

/* The profile of the person made of members[0..n): the most precise
 * event date and birth year, the place most members give (the first of
 * them on a tie), sex by majority, and a death if any member records one
 * (a killing over a death in custody over a death with no more said). */
static void profile(const tg_link *lk, const uint32_t *members, size_t n, tg_link_profile *p,
                    char event[11])
{
	static const char *const fates[] = {NULL, "dead", "killed", "died_in_custody", "alive"};
	static const int fate_rank[] = {0, 2, 4, 3, 1};
	const lrec *best_event = NULL, *best_birth = NULL;
	uint32_t place = 0, region = 0;
	int place_votes = 0, sex = 0, fate = 0;
	for (size_t i = 0; i < n; i++) {
		const lrec *r = &lk->rec[members[i]];
		if (r->event && (!best_event || r->event_prec > best_event->event_prec))
			best_event = r;
		if (birth_precision(r) > (best_birth ? birth_precision(best_birth) : 0))
			best_birth = r;
		int votes = 0;
		for (size_t j = 0; r->place && j < n; j++)
			votes += lk->rec[members[j]].place == r->place;
		if (votes > place_votes) {
			place = r->place;
			region = r->region;
			place_votes = votes;
		}
		sex += r->sex == 1 ? 1 : r->sex == 2 ? -1 : 0;
		if (fate_rank[r->fate] > fate_rank[fate])
			fate = r->fate;
	}
	event[0] = 0;
	if (best_event && best_event->event_prec == 3)
		snprintf(event, 11, "%04d-%02d-%02d", best_event->ey, best_event->em, best_event->ed);
	else if (best_event && best_event->event_prec == 2)
		snprintf(event, 11, "%04d-%02d", best_event->ey, best_event->em);
	else if (best_event)
		snprintf(event, 11, "%04d", best_event->ey);
	p->place = place ? lk->places.v[place].s : NULL;
	p->region = region ? lk->places.v[region].s : NULL;
	p->event = event[0] ? event : NULL;
	p->sex = sex > 0 ? "male" : sex < 0 ? "female" : NULL;
	p->birth_year = best_birth ? best_birth->by : 0;
	p->fate = fates[fate];
}

/* Profiles of every person: clusters[i] names record i's person. */
static tg_link_profile *profiles(const tg_link *lk, char (*ids)[TG_UUID_LEN],
                                 char (**events)[11], size_t *count)
{
	size_t n = lk->n, np = 0;
	uint32_t *order = malloc((n ? n : 1) * sizeof *order), *start = calloc(n + 1, sizeof *start);
	if (!order || !start)
		abort();
	for (size_t i = 0; i < n; i++)
		start[lk->cluster[i] + 1]++;
	for (size_t c = 0; c < n; c++)
		start[c + 1] += start[c];
	uint32_t *fill = malloc((n ? n : 1) * sizeof *fill);
	if (!fill)
		abort();
	memcpy(fill, start, (n ? n : 1) * sizeof *fill);
	for (size_t i = 0; i < n; i++)
		order[fill[lk->cluster[i]]++] = (uint32_t)i;
	free(fill);
	for (size_t c = 0; c < n; c++)
		np += start[c + 1] > start[c];
	tg_link_profile *p = calloc(np ? np : 1, sizeof *p);
	*events = calloc(np ? np : 1, sizeof **events);
	if (!p || !*events)
		abort();
	size_t k = 0;
	for (size_t c = 0; c < n; c++) {
		if (start[c + 1] == start[c])
			continue;
		p[k].person = ids[c];
		profile(lk, order + start[c], start[c + 1] - start[c], &p[k], (*events)[k]);
		k++;
	}
	free(order);
	free(start);
	*count = np;
	return p;
}

/* Each review item with its explanation, on every thread. */
struct explainer {
	const tg_link *lk;
	long long *a, *b;
	double *prob;
	char **text;
};

static void explain_review(void *ctx, int t, int nt)
{
	struct explainer *x = ctx;
	size_t n = x->lk->nreview;
	for (size_t k = n * (size_t)t / (size_t)nt; k < n * (size_t)(t + 1) / (size_t)nt; k++) {
		size_t a, b;
		tg_link_review_at(x->lk, k, &a, &b, &x->prob[k]);
		x->a[k] = x->lk->rec[a].id;
		x->b[k] = x->lk->rec[b].id;
		json_t *j = tg_link_explain(x->lk, a, b);
		x->text[k] = json_dumps(j, JSON_COMPACT);
		json_decref(j);
	}
}

int tg_link_database(tg_store *st, const tg_link_opts *o, json_t **report, tg_link **keep,
                     tg_error *err)
{
	tg_link *lk;
	double t0 = lk_now();
	int rc = tg_link_load(st, &lk, err);
	if (rc)
		return rc;
	double t_load = lk_now() - t0;
	if (!lk->n) {
		tg_link_free(lk);
		return tg_error_set(err, TG_EINVAL, NULL,
		                    _("there are no imported list records to link; import a list first"));
	}
	rc = tg_link_run(lk, o, err);
	double t_keep = lk_now();
	size_t n = lk->n, nr = lk->nreview;
	char (*ids)[TG_UUID_LEN] = malloc(n * sizeof *ids);
	long long *raw = malloc(n * sizeof *raw);
	const char **person = malloc(n * sizeof *person);
	long long *ra = malloc((nr + 1) * sizeof *ra), *rb = malloc((nr + 1) * sizeof *rb);
	double *rp = malloc((nr + 1) * sizeof *rp);
	char **rx = calloc(nr + 1, sizeof *rx);
	if (!ids || !raw || !person || !ra || !rb || !rp || !rx)
		abort();
	if (!rc)
		rc = person_ids(st, lk, ids, err);
	json_t *rep = NULL;
	if (!rc) {
		for (size_t i = 0; i < n; i++) {
			raw[i] = lk->rec[i].id;
			person[i] = ids[lk->cluster[i]];
		}
		struct explainer ex = {lk, ra, rb, rp, rx};
		lk_parallel(lk_threads(o ? o->threads : 0), explain_review, &ex);
		rep = tg_link_report(lk);
		json_t *params = json_object_get(rep, "params");
		char *ptext = json_dumps(params, JSON_COMPACT | JSON_SORT_KEYS);
		char *rtext = json_dumps(rep, JSON_COMPACT);
		size_t np;
		char(*events)[11];
		tg_link_profile *prof = profiles(lk, ids, &events, &np);
		tg_linkdb_run run = {n, raw, person, nr, ra, rb, rp, (const char *const *)rx,
		                     ptext, rtext, np, prof};
		char uid[TG_UUID_LEN];
		rc = tg_linkdb_save(st, &run, uid, err);
		if (!rc) {
			json_t *tm = json_object_get(rep, "timings");
			json_object_set_new(rep, "run", json_string(uid));
			json_object_set_new(tm, "load", json_real(t_load));
			json_object_set_new(tm, "keep", json_real(lk_now() - t_keep));
		}
		free(ptext);
		free(rtext);
		free(prof);
		free(events);
	}
	for (size_t k = 0; k < nr; k++)
		free(rx[k]);
	free(rx);
	free(ra);
	free(rb);
	free(rp);
	free(person);
	free(raw);
	free(ids);
	if (keep && !rc)
		*keep = lk;
	else
		tg_link_free(lk);
	if (rc) {
		json_decref(rep);
		return rc;
	}
	*report = rep;
	return 0;
}
