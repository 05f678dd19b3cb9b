/*
 * Accountability: what became of the violations and of the people who
 * suffered them.  The funnel follows each act from the allegation to a
 * conviction of its perpetrators; the asymmetry sets the prosecutions of
 * victims beside the complaints against officials.  Every figure keeps
 * the ids of the records behind it, so that a reader can check it.
 *
 * The figures are built in one pass over the places, acts and proceedings
 * a reader may see (lib/store/accountability.c): a database of 100,000
 * records is read in well under a second, so they are computed on demand
 * rather than kept.  docs/stats.md says how each figure is counted.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stats/stats.h"
#include "store/store.h"

/* Funnel stages, in the order an act goes through them; an act counts at
 * the furthest one any proceeding about it reached. */
enum rank { R_NONE, R_COMPLAINT, R_REFUSED, R_INVESTIGATION, R_CLOSED, R_CHARGED, R_CONVICTED,
            R_NRANKS };
static const char *const rank_names[R_NRANKS] = {
	"no_proceeding", "complaint_filed", "refused_to_open", "investigation",
	"closed", "charged", "convicted",
};

/* What became of a prosecution of a victim. */
enum outcome { O_PENDING, O_CLOSED, O_AMNESTY, O_CONVICTED };

struct place {
	const char *uid, *code, *name, *kk, *ru, *en, *type, *parent;
	int region; /* index of the place it rolls up to; -1 not yet known */
};

struct act {
	const char *uid, *type, *victim;
	int place; /* region index, -1 unknown */
	int rank;
	const char *reason;   /* of the closure, at R_CLOSED */
	bool posthumous_case; /* a posthumous prosecution concerns it */
};

/* One computation: what the reader may see, looked up by id (the store
 * gives every list in id order), and the figures as they fill. */
struct acc {
	tg_arena *arena;
	struct place *places;
	size_t nplaces, capplaces;
	struct act *acts;
	size_t nacts, capacts;
	const char **victims; /* sorted, unique */
	size_t nvictims;
	json_t *prosecutions, *complaints, *posthumous;
	json_t *persons; /* figure key -> {person: true} */
};

/* A figure is {"key", "count", "ids"}; a figure counted in persons keeps
 * the set that makes its count in acc.persons, so that a person with
 * several cases counts once. */
static json_t *fig_new(const char *key)
{
	return json_pack("{s:s, s:i, s:[]}", "key", key, "count", 0, "ids");
}

static void fig_add(json_t *fig, const char *id)
{
	json_array_append_new(json_object_get(fig, "ids"), json_string(id));
	json_object_set_new(fig, "count", json_integer(json_integer_value(
	                                      json_object_get(fig, "count")) + 1));
}

/* The sub-figure name of parent's object field (made on first use). */
static json_t *sub_fig(json_t *parent, const char *field, const char *name)
{
	json_t *obj = json_object_get(parent, field);
	if (!obj) {
		obj = json_object();
		json_object_set_new(parent, field, obj);
	}
	json_t *f = json_object_get(obj, name);
	if (!f) {
		tg_strbuf key = TG_STRBUF_INIT;
		tg_strbuf_addf(&key, "%s:%s", json_string_value(json_object_get(parent, "key")), name);
		f = fig_new(tg_strbuf_str(&key));
		tg_strbuf_release(&key);
		json_object_set_new(obj, name, f);
	}
	return f;
}

/* Adds proceeding id to a figure counted in persons. */
static void fig_add_persons(struct acc *a, json_t *fig, const char *id, const json_t *persons)
{
	const char *key = json_string_value(json_object_get(fig, "key"));
	json_t *set = json_object_get(a->persons, key);
	if (!set) {
		set = json_object();
		json_object_set_new(a->persons, key, set);
	}
	size_t i;
	json_t *p;
	json_array_foreach(persons, i, p)
		json_object_set_new(set, json_string_value(p), json_true());
	json_array_append_new(json_object_get(fig, "ids"), json_string(id));
	json_object_set_new(fig, "count", json_integer((json_int_t)json_object_size(set)));
}

static int cmp_str(const void *x, const void *y)
{
	return strcmp(*(const char *const *)x, *(const char *const *)y);
}

static int cmp_place_uid(const void *key, const void *p)
{
	return strcmp(key, ((const struct place *)p)->uid);
}

static int cmp_act_uid(const void *key, const void *p)
{
	return strcmp(key, ((const struct act *)p)->uid);
}

static struct place *find_place(struct acc *a, const char *uid)
{
	return uid ? bsearch(uid, a->places, a->nplaces, sizeof *a->places, cmp_place_uid) : NULL;
}

static struct act *find_act(struct acc *a, const char *uid)
{
	return uid ? bsearch(uid, a->acts, a->nacts, sizeof *a->acts, cmp_act_uid) : NULL;
}

static bool is_victim(const struct acc *a, const char *person)
{
	return person && bsearch(&person, a->victims, a->nvictims, sizeof *a->victims, cmp_str);
}

static const char *dup(struct acc *a, const char *s)
{
	return s ? tg_arena_strdup(a->arena, s) : NULL;
}

static int add_place(void *ctx, const tg_acc_place *p)
{
	struct acc *a = ctx;
	if (a->nplaces == a->capplaces) {
		a->capplaces = a->capplaces ? 2 * a->capplaces : 64;
		if (!(a->places = realloc(a->places, a->capplaces * sizeof *a->places)))
			abort();
	}
	a->places[a->nplaces++] = (struct place){dup(a, p->uid), dup(a, p->code), dup(a, p->name),
	                                          dup(a, p->name_kk), dup(a, p->name_ru),
	                                          dup(a, p->name_en), dup(a, p->type),
	                                          dup(a, p->parent), -1};
	return 0;
}

/* The region a place rolls up to: the nearest place at or above it that
 * is a region or lies directly in a country (a city of republican
 * significance such as Almaty); the place itself when its line upwards
 * leaves what the reader may see or says neither. */
static int region_of(struct acc *a, int i)
{
	if (a->places[i].region >= 0)
		return a->places[i].region;
	int cur = i, found = i;
	for (int depth = 0; depth < 16; depth++) {
		const struct place *p = &a->places[cur];
		if (p->type && !strcmp(p->type, "region")) {
			found = cur;
			break;
		}
		const struct place *up = find_place(a, p->parent);
		if (!up)
			break;
		if (up->type && !strcmp(up->type, "country")) {
			found = cur;
			break;
		}
		cur = (int)(up - a->places);
	}
	a->places[i].region = found;
	return found;
}

static int add_act(void *ctx, const tg_acc_act *x)
{
	struct acc *a = ctx;
	if (a->nacts == a->capacts) {
		a->capacts = a->capacts ? 2 * a->capacts : 256;
		if (!(a->acts = realloc(a->acts, a->capacts * sizeof *a->acts)))
			abort();
	}
	struct place *p = find_place(a, x->place);
	a->acts[a->nacts++] = (struct act){dup(a, x->uid), dup(a, x->type), dup(a, x->victim),
	                                    p ? region_of(a, (int)(p - a->places)) : -1,
	                                    R_NONE, NULL, false};
	return 0;
}

static bool has_stage(const json_t *stages, const char *code)
{
	size_t i;
	json_t *s;
	json_array_foreach(stages, i, s)
		if (!strcmp(json_string_value(json_object_get(s, "stage")), code))
			return true;
	return false;
}

static bool is(const char *s, const char *a, const char *b, const char *c)
{
	return !strcmp(s, a) || (b && !strcmp(s, b)) || (c && !strcmp(s, c));
}

/* How far a complaint or investigation about an act got, its stages
 * read in order: a refusal or a closure ends it unless a later stage
 * reopens it; charges are never undone, a conviction only by a later
 * closure (the vocabulary has no acquittal: a verdict followed by
 * "closed" is one).  An amnesty before charges is a closure for amnesty. */
static int official_rank(const json_t *stages, const char **reason)
{
	int r = R_COMPLAINT;
	*reason = NULL;
	size_t i;
	json_t *s;
	json_array_foreach(stages, i, s) {
		const char *st = json_string_value(json_object_get(s, "stage"));
		const char *why = json_string_value(json_object_get(s, "reason"));
		if (is(st, "case_opened", "investigation", NULL)) {
			if (r < R_CHARGED)
				r = R_INVESTIGATION;
		} else if (!strcmp(st, "refused_to_open")) {
			if (r < R_CHARGED)
				r = R_REFUSED;
		} else if (is(st, "closed", "amnesty", NULL)) {
			if (r == R_CONVICTED && !strcmp(st, "closed"))
				r = R_CHARGED;
			else if (r < R_CHARGED) {
				r = R_CLOSED;
				*reason = !strcmp(st, "amnesty") ? "amnesty" : why ? why : "unspecified";
			}
		} else if (is(st, "charged", "indicted", "trial")) {
			if (r < R_CHARGED)
				r = R_CHARGED;
		} else if (!strcmp(st, "verdict")) {
			r = R_CONVICTED;
		}
	}
	return r;
}

/* What became of a prosecution of a victim: the last of verdict, closure
 * and amnesty decides, but an amnesty after a verdict leaves the
 * conviction standing. */
static enum outcome prosecution_outcome(const json_t *stages, const char **reason)
{
	enum outcome o = O_PENDING;
	*reason = NULL;
	size_t i;
	json_t *s;
	json_array_foreach(stages, i, s) {
		const char *st = json_string_value(json_object_get(s, "stage"));
		const char *why = json_string_value(json_object_get(s, "reason"));
		if (!strcmp(st, "verdict")) {
			o = O_CONVICTED;
		} else if (!strcmp(st, "closed")) {
			o = why && !strcmp(why, "amnesty") ? O_AMNESTY : O_CLOSED;
			*reason = why ? why : "unspecified";
		} else if (!strcmp(st, "amnesty") && o != O_CONVICTED) {
			o = O_AMNESTY;
		}
	}
	return o;
}

static void prosecution(struct acc *a, const json_t *p, const char *id, const json_t *victims)
{
	const char *reason;
	enum outcome o = prosecution_outcome(json_object_get(p, "stages"), &reason);
	static const char *const names[] = {"pending", "closed", "amnesty", "convicted"};
	fig_add_persons(a, json_object_get(a->prosecutions, "charged"), id, victims);
	json_t *fig = json_object_get(a->prosecutions, names[o]);
	fig_add_persons(a, fig, id, victims);
	if (o == O_CLOSED)
		fig_add_persons(a, sub_fig(fig, "reasons", reason), id, victims);
	json_t *months = json_object_get(p, "sentence_months");
	if (o == O_CONVICTED && json_is_integer(months)) {
		json_t *s = json_object_get(a->prosecutions, "sentences");
		fig_add(s, id);
		json_int_t m = json_integer_value(json_object_get(s, "months")) + json_integer_value(months);
		json_object_set_new(s, "months", json_integer(m));
		json_object_set_new(s, "years", json_real((double)m / 12));
	}
}

static void complaint(struct acc *a, const json_t *p, const char *id, const json_t *acts)
{
	const char *reason;
	int r = official_rank(json_object_get(p, "stages"), &reason);
	json_t *c = a->complaints;
	fig_add(json_object_get(c, "total"), id);
	if (r == R_CLOSED && !strcmp(reason, "no_crime")) {
		fig_add(json_object_get(c, "closed_no_crime"), id);
	} else if (r == R_CLOSED) {
		fig_add(json_object_get(c, "closed_other"), id);
		fig_add(sub_fig(json_object_get(c, "closed_other"), "reasons", reason), id);
	} else {
		const char *name = r == R_REFUSED ? "refused_to_open" : r == R_CHARGED ? "charged"
		                 : r == R_CONVICTED ? "convicted" : "pending";
		fig_add(json_object_get(c, name), id);
	}
	/* Proceedings come in id order, so among equals the latest recorded
	 * closure gives the act its reason. */
	size_t i;
	json_t *x;
	json_array_foreach(acts, i, x) {
		struct act *act = find_act(a, json_string_value(x));
		if (act && r >= act->rank) {
			act->rank = r;
			act->reason = r == R_CLOSED ? dup(a, reason) : NULL;
		}
	}
}

static int add_proceeding(void *ctx, const json_t *p)
{
	struct acc *a = ctx;
	const char *id = json_string_value(json_object_get(p, "id"));
	const char *type = json_string_value(json_object_get(p, "type"));
	const json_t *stages = json_object_get(p, "stages");
	/* Only the acts and victims the reader may see count. */
	json_t *acts = json_array(), *victims = json_array(), *x;
	size_t i;
	json_array_foreach(json_object_get(p, "acts"), i, x)
		if (find_act(a, json_string_value(x)))
			json_array_append(acts, x);
	json_array_foreach(json_object_get(p, "defendants"), i, x)
		if (is_victim(a, json_string_value(x)))
			json_array_append(victims, x);
	if (has_stage(stages, "posthumous")) {
		fig_add(a->posthumous, id);
		json_array_foreach(acts, i, x)
			find_act(a, json_string_value(x))->posthumous_case = true;
	} else if (!strcmp(type, "criminal_case") && json_array_size(victims)) {
		prosecution(a, p, id, victims);
	} else if (is(type, "complaint", "investigation", NULL) ||
	           (!strcmp(type, "criminal_case") && json_array_size(acts))) {
		complaint(a, p, id, acts);
	}
	json_decref(acts);
	json_decref(victims);
	return 0;
}

static json_t *place_json(const struct place *p)
{
	json_t *o = json_pack("{s:s, s:s}", "id", p->uid, "name", p->name);
	const char *const fields[][2] = {{"code", p->code}, {"name_kk", p->kk},
	                                 {"name_ru", p->ru}, {"name_en", p->en}};
	for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
		if (fields[i][1])
			json_object_set_new(o, fields[i][0], json_string(fields[i][1]));
	return o;
}

/* A funnel row: "group" names it ("TYPE:PLACE", "*" for all of either,
 * "-" for an unknown place), a figure per stage.  Only figures have a
 * "key". */
static json_t *funnel_row(const char *key)
{
	json_t *row = json_pack("{s:s}", "group", key);
	tg_strbuf fk = TG_STRBUF_INIT;
	for (int r = -1; r < R_NRANKS; r++) {
		const char *name = r < 0 ? "alleged" : rank_names[r];
		tg_strbuf_reset(&fk);
		tg_strbuf_addf(&fk, "funnel:%s:%s", key, name);
		json_object_set_new(row, name, fig_new(tg_strbuf_str(&fk)));
	}
	tg_strbuf_release(&fk);
	return row;
}

static void funnel_add(json_t *row, const struct act *act)
{
	fig_add(json_object_get(row, "alleged"), act->uid);
	json_t *fig = json_object_get(row, rank_names[act->rank]);
	fig_add(fig, act->uid);
	if (act->rank == R_CLOSED)
		fig_add(sub_fig(fig, "reasons", act->reason), act->uid);
}

static int cmp_rows(const void *x, const void *y)
{
	const json_t *a = *(json_t *const *)x, *b = *(json_t *const *)y;
	json_int_t na = json_integer_value(json_object_get(json_object_get(a, "alleged"), "count"));
	json_int_t nb = json_integer_value(json_object_get(json_object_get(b, "alleged"), "count"));
	if (na != nb)
		return na > nb ? -1 : 1;
	return strcmp(json_string_value(json_object_get(a, "group")),
	              json_string_value(json_object_get(b, "group")));
}

/* The funnel rows by type, place or both, biggest first. */
static json_t *funnel_rows(struct acc *a, bool by_type, bool by_place)
{
	json_t *rows = json_object();
	tg_strbuf key = TG_STRBUF_INIT;
	for (size_t i = 0; i < a->nacts; i++) {
		const struct act *act = &a->acts[i];
		const struct place *pl = act->place >= 0 ? &a->places[act->place] : NULL;
		tg_strbuf_reset(&key);
		tg_strbuf_addf(&key, "%s:%s", by_type ? act->type : "*",
		               !by_place ? "*" : pl ? pl->uid : "-");
		json_t *row = json_object_get(rows, tg_strbuf_str(&key));
		if (!row) {
			row = funnel_row(tg_strbuf_str(&key));
			if (by_type)
				json_object_set_new(row, "act_type", json_string(act->type));
			if (by_place)
				json_object_set_new(row, "place", pl ? place_json(pl) : json_null());
			json_object_set_new(rows, tg_strbuf_str(&key), row);
		}
		funnel_add(row, act);
	}
	tg_strbuf_release(&key);
	size_t n = json_object_size(rows), k = 0;
	json_t **sorted = calloc(n ? n : 1, sizeof *sorted), *row;
	if (!sorted)
		abort();
	const char *name;
	json_object_foreach(rows, name, row)
		sorted[k++] = row;
	qsort(sorted, n, sizeof *sorted, cmp_rows);
	json_t *out = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append(out, sorted[i]);
	free(sorted);
	json_decref(rows);
	return out;
}

static json_t *figures(const char *section, const char *const *names)
{
	json_t *o = json_pack("{s:s}", "key", section);
	tg_strbuf key = TG_STRBUF_INIT;
	for (; *names; names++) {
		tg_strbuf_reset(&key);
		tg_strbuf_addf(&key, "%s:%s", section, *names);
		json_object_set_new(o, *names, fig_new(tg_strbuf_str(&key)));
	}
	tg_strbuf_release(&key);
	return o;
}

static void victims_of_acts(struct acc *a)
{
	a->victims = tg_arena_alloc(a->arena, (a->nacts ? a->nacts : 1) * sizeof *a->victims);
	for (size_t i = 0; i < a->nacts; i++)
		a->victims[i] = a->acts[i].victim;
	qsort(a->victims, a->nacts, sizeof *a->victims, cmp_str);
	size_t n = 0;
	for (size_t i = 0; i < a->nacts; i++)
		if (!n || strcmp(a->victims[n - 1], a->victims[i]))
			a->victims[n++] = a->victims[i];
	a->nvictims = n;
}

static void release(struct acc *a)
{
	free(a->places);
	free(a->acts);
	tg_arena_free(a->arena);
	json_decref(a->prosecutions);
	json_decref(a->complaints);
	json_decref(a->posthumous);
	json_decref(a->persons);
}

int tg_stats_accountability(tg_store *st, const tg_accountability_opts *o, json_t **out,
                            tg_error *err)
{
	const char *by = o->by ? o->by : "type";
	bool by_type = !strcmp(by, "type") || !strcmp(by, "both");
	bool by_place = !strcmp(by, "place") || !strcmp(by, "both");
	if (!by_type && !by_place)
		return tg_error_set(err, TG_EINVAL, "by", _("--by: \"%s\" is not type, place or both"),
		                    by);
	static const char *const pros[] = {"charged", "convicted", "sentences", "closed", "amnesty",
	                                   "pending", NULL};
	static const char *const comp[] = {"total", "refused_to_open", "closed_no_crime",
	                                   "closed_other", "pending", "charged", "convicted", NULL};
	struct acc a = {.arena = tg_arena_new(), .prosecutions = figures("prosecutions", pros),
	                .complaints = figures("complaints", comp), .posthumous = fig_new("posthumous"),
	                .persons = json_object()};
	json_object_set_new(json_object_get(a.prosecutions, "sentences"), "months", json_integer(0));
	json_object_set_new(json_object_get(a.prosecutions, "sentences"), "years", json_real(0));
	int rc = tg_store_acc_places(st, o->clearance, add_place, &a, err);
	if (!rc)
		rc = tg_store_acc_acts(st, o->clearance, add_act, &a, err);
	if (!rc) {
		victims_of_acts(&a);
		rc = tg_store_acc_proceedings(st, o->clearance, add_proceeding, &a, err);
	}
	if (rc) {
		release(&a);
		return rc;
	}
	/* A posthumous prosecution recorded only as an act counts too. */
	for (size_t i = 0; i < a.nacts; i++)
		if (!strcmp(a.acts[i].type, "posthumous_prosecution") && !a.acts[i].posthumous_case)
			fig_add(a.posthumous, a.acts[i].uid);
	json_t *total = funnel_row("*:*");
	for (size_t i = 0; i < a.nacts; i++)
		funnel_add(total, &a.acts[i]);
	json_t *stages = json_pack("[s]", "alleged");
	for (int r = 0; r < R_NRANKS; r++)
		json_array_append_new(stages, json_string(rank_names[r]));
	json_object_del(a.prosecutions, "key");
	json_object_del(a.complaints, "key");
	json_object_set_new(a.prosecutions, "unit", json_string("persons"));
	json_object_set_new(a.complaints, "unit", json_string("proceedings"));
	*out = json_pack("{s:s, s:s, s:s, s:s, s:o, s:o, s:o, s:O, s:O, s:O}",
	                 "note", _("Each act is counted once, at the furthest stage any complaint or"
	                           " investigation about it reached."),
	                 "by", by, "clearance",
	                 o->clearance == TG_CLEAR_PUBLIC ? "public"
	                 : o->clearance == TG_CLEAR_RESTRICTED ? "restricted" : "confidential",
	                 "unit", "acts", "stages", stages, "funnel",
	                 funnel_rows(&a, by_type, by_place), "total", total,
	                 "prosecutions", a.prosecutions, "complaints", a.complaints,
	                 "posthumous", a.posthumous);
	release(&a);
	return *out ? 0 : tg_error_set(err, TG_ENOMEM, NULL, "%s", tg_strerror(TG_ENOMEM));
}

const json_t *tg_accountability_figure(const json_t *acc, const char *key)
{
	if (json_is_array(acc)) {
		size_t i;
		const json_t *v, *f;
		json_array_foreach(acc, i, v)
			if ((f = tg_accountability_figure(v, key)))
				return f;
		return NULL;
	}
	if (!json_is_object(acc) || !key)
		return NULL;
	const char *k = json_string_value(json_object_get(acc, "key"));
	if (k && !strcmp(k, key) && json_object_get(acc, "ids"))
		return acc;
	/* A figure's key begins with its parent's: no other branch can hold it. */
	if (k && strncmp(key, k, strlen(k)))
		return NULL;
	const char *name;
	const json_t *v, *f;
	json_object_foreach((json_t *)acc, name, v)
		if ((json_is_object(v) || json_is_array(v)) && (f = tg_accountability_figure(v, key)))
			return f;
	return NULL;
}

const char *tg_accountability_label(const char *section, const char *name)
{
	static const struct {
		const char *section, *name, *label;
	} labels[] = {
		{"funnel", "alleged", N_("Alleged")},
		{"funnel", "no_proceeding", N_("No complaint recorded")},
		{"funnel", "complaint_filed", N_("Complaint filed, no decision")},
		{"funnel", "refused_to_open", N_("Refused to open a case")},
		{"funnel", "investigation", N_("Investigation open")},
		{"funnel", "closed", N_("Investigation closed")},
		{"funnel", "charged", N_("Perpetrators charged, not convicted")},
		{"funnel", "convicted", N_("Perpetrators convicted")},
		{"prosecutions", "charged", N_("Victims prosecuted")},
		{"prosecutions", "convicted", N_("Convicted")},
		{"prosecutions", "sentences", N_("Years of prison sentences")},
		{"prosecutions", "closed", N_("Closed or acquitted")},
		{"prosecutions", "amnesty", N_("Amnestied")},
		{"prosecutions", "pending", N_("Pending")},
		{"complaints", "total", N_("Complaints and investigations")},
		{"complaints", "refused_to_open", N_("Refused to open a case")},
		{"complaints", "closed_no_crime", N_("Closed: \"no crime\"")},
		{"complaints", "closed_other", N_("Closed for other reasons")},
		{"complaints", "pending", N_("Pending")},
		{"complaints", "charged", N_("Officials charged, not convicted")},
		{"complaints", "convicted", N_("Officials convicted")},
		{"posthumous", "posthumous", N_("Posthumous prosecutions")},
		{"reason", "unspecified", N_("reason not recorded")},
	};
	for (size_t i = 0; i < sizeof labels / sizeof labels[0]; i++)
		if (!strcmp(section, labels[i].section) && !strcmp(name, labels[i].name))
			return _(labels[i].label);
	return name;
}

const char *tg_accountability_place_label(const json_t *place, const char *lang)
{
	if (!json_is_object(place))
		return _("place unknown");
	char key[16];
	snprintf(key, sizeof key, "name_%s", lang && *lang ? lang : "en");
	const char *label = json_string_value(json_object_get(place, key));
	return label ? label : json_string_value(json_object_get(place, "name"));
}

const char *tg_accountability_reason_label(tg_store *st, const char *code, const char *lang)
{
	return !strcmp(code, "unspecified") ? tg_accountability_label("reason", code)
	                                    : tg_term_label(st, "closure_reason", code, lang);
}
