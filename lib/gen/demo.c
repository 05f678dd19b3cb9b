/*
 * tg_gen_demo: a whole demonstration database in one batch — the places,
 * the founding case, the January 2022 events by city, the perpetrator
 * units, the source lists as source records, and the synthetic population
 * with its acts, proceedings and list entries.  Every id is drawn from the
 * seed, so the same options give the same content.
 */
#include <stdlib.h>
#include <string.h>

#include "gen/demo.h"
#include "util/data.h"

static int write_places(gen_demo *d)
{
	json_error_t je;
	json_t *doc = json_loads(tg_data_places_json, 0, &je);
	if (!doc)
		return tg_error_set(d->err, TG_EJSON, "places.json", _("line %d: %s"), je.line, je.text);
	json_t *places = json_object_get(doc, "places"), *pl;
	size_t i;
	int rc = 0;
	json_array_foreach(places, i, pl) {
		json_t *copy = json_deep_copy(pl);
		if (!json_object_get(copy, "confidentiality"))
			json_object_set_new(copy, "confidentiality", json_string("public"));
		if ((rc = gen_create(d->st, &d->ids, "place", copy, NULL, d->err)))
			break;
	}
	json_decref(doc);
	return rc;
}

static int write_sources(gen_demo *d)
{
	static const char *const reliability[GEN_NLISTS] = {"medium", "high", "medium", "low"};
	char note[160];
	snprintf(note, sizeof note,
	         "Synthetic list made by tergeu's generator (seed %llu, %d victims); "
	         "the people in it are not real.", (unsigned long long)d->o.seed, d->o.size);
	int rc = 0;
	for (int l = 0; l < d->o.nlists && !rc; l++) {
		const gen_list_info *li = &gen_lists[l];
		rc = gen_create(d->st, &d->ids, "source", json_pack(
			"{s:s, s:s, s:s, s:s, s:s, s:s, s:s}",
			"type", li->source_type, "title", li->title, "organisation", li->organisation,
			"date", "2022", "language", li->language, "reliability", reliability[l],
			"note", note), d->list_source[l], d->err);
	}
	return rc;
}

static int write_events(gen_demo *d)
{
	int rc = 0;
	for (int c = 0; c < GEN_NCITIES && !rc; c++) {
		const gen_city *city = &d->pools->cities[c];
		if (!strcmp(city->code, "kz-aktobe")) {
			memcpy(d->city_event[c], d->founding.aktobe_event, TG_UUID_LEN);
			continue;
		}
		char title[128];
		snprintf(title, sizeof title, "January 2022 events in %s", city->en);
		rc = gen_create(d->st, &d->ids, "event", json_pack(
			"{s:s, s:s, s:s, s:s, s:s, s:s}",
			"title", title, "start", "2022-01", "place", city->code,
			"parent", d->founding.nationwide, "relation", "part_of",
			"confidentiality", "public"), d->city_event[c], d->err);
	}
	if (!rc)
		rc = gen_create(d->st, &d->ids, "event", json_pack(
			"{s:s, s:s, s:s, s:s, s:s, s:s}",
			"title", "Relatives' meetings in Astana demanding accountability",
			"start", "2022", "place", "kz-astana", "parent", d->founding.nationwide,
			"relation", "response_to", "description",
			"Synthetic: relatives of victims arrested or fined for an unsanctioned "
			"meeting."), d->relatives_event, d->err);
	return rc;
}

/* The national body a city's unit of kind answers to, made on first use. */
static int national_body(gen_demo *d, int kind, const char **uid)
{
	static const char *const en[GEN_NUNIT_KINDS] = {
		"Ministry of Internal Affairs", "National Guard of Kazakhstan",
		"Ministry of Internal Affairs, special forces command", "National Security Committee (KNB)",
		"Ministry of Defence"};
	static const char *const ru[GEN_NUNIT_KINDS] = {
		"Министерство внутренних дел", "Национальная гвардия Казахстана",
		"МВД, командование спецподразделений", "Комитет национальной безопасности",
		"Министерство обороны"};
	*uid = d->national[kind];
	if (*d->national[kind])
		return 0;
	return gen_create(d->st, &d->ids, "person", json_pack(
		"{s:s, s:s, s:[{s:s, s:s, s:s}, {s:s, s:s, s:s}], s:s, s:s}",
		"type", "unit", "unit_type", gen_unit_types[kind], "names",
		"text", en[kind], "role", "full", "lang", "en",
		"text", ru[kind], "role", "full", "lang", "ru",
		"residence", "kz-astana", "confidentiality", "public"), d->national[kind], d->err);
}

/* Records that a city unit is subordinate to its national body. */
static int subordinate(gen_demo *d, int kind, const char *unit)
{
	const char *head;
	int rc = national_body(d, kind, &head);
	if (!rc)
		rc = gen_create(d->st, &d->ids, "relation", json_pack(
			"{s:s, s:s, s:s, s:s}", "type", "subordinate_unit_of", "from", unit, "to", head,
			"confidentiality", "public"), NULL, d->err);
	return rc;
}

int gen_demo_unit(gen_demo *d, int city, int kind, const char **uid)
{
	static const char *const en[GEN_NUNIT_KINDS] = {
		"%s police", "National Guard unit, %s", "Police special forces (SOBR), %s",
		"KNB department, %s", "Armed forces unit, %s"};
	static const char *const ru[GEN_NUNIT_KINDS] = {
		"Полиция %s", "Национальная гвардия, %s", "СОБР, %s", "ДКНБ, %s",
		"Воинская часть, %s"};
	char *id = d->unit[city][kind];
	*uid = id;
	if (*id)
		return 0;
	const gen_city *c = &d->pools->cities[city];
	if (kind == GEN_UNIT_POLICE && !strcmp(c->code, "kz-aktobe")) {
		memcpy(id, d->founding.aktobe_police, TG_UUID_LEN);
		return subordinate(d, kind, id);
	}
	char name_en[128], name_ru[128];
	snprintf(name_en, sizeof name_en, en[kind], c->en);
	snprintf(name_ru, sizeof name_ru, ru[kind], c->ru);
	int rc = gen_create(d->st, &d->ids, "person", json_pack(
		"{s:s, s:s, s:[{s:s, s:s, s:s}, {s:s, s:s, s:s}], s:s, s:s}",
		"type", "unit", "unit_type", gen_unit_types[kind], "names",
		"text", name_en, "role", "full", "lang", "en",
		"text", name_ru, "role", "full", "lang", "ru", "residence", c->code,
		"note", "Synthetic unit of the demo population."), id, d->err);
	return rc ? rc : subordinate(d, kind, id);
}

/* Collects who appears in which list under which spelling; the demo keeps
 * one entry per person and list, not a list's duplicates. */
static int note_appearance(void *ctx, const gen_record *r)
{
	gen_appearance *a = ctx;
	if (r->duplicate)
		return 0;
	a += (size_t)r->person->index * GEN_NLISTS;
	a->no = r->no;
	a->spelling = strdup(tg_strbuf_str(&r->spelling));
	a->lang = r->lang;
	return a->spelling ? 0 : TG_ENOMEM;
}

static int collect_appearances(gen_demo *d, tg_progress_fn progress, void *ctx)
{
	d->seen = calloc((size_t)d->o.size * GEN_NLISTS, sizeof *d->seen);
	if (!d->seen)
		return tg_error_set(d->err, TG_ENOMEM, "size", _("population too large for memory"));
	for (int l = 0; l < d->o.nlists; l++) {
		/* Each list's walk sees its own column of d->seen. */
		int rc = gen_list_walk(d->pools, &d->o, l, note_appearance, d->seen + l, progress, ctx);
		if (rc)
			return tg_error_set(d->err, rc, gen_lists[l].name, _("out of memory"));
	}
	return 0;
}

static void free_appearances(gen_demo *d)
{
	if (!d->seen)
		return;
	for (size_t i = 0; i < (size_t)d->o.size * GEN_NLISTS; i++)
		free(d->seen[i].spelling);
	free(d->seen);
}

static int write_all(gen_demo *d, tg_progress_fn progress, void *ctx)
{
	int rc;
	if (progress)
		progress(ctx, "places", 0, 1);
	if ((rc = write_places(d)) || (rc = gen_founding_write(d->st, &d->ids, &d->founding, d->err)) ||
	    (rc = write_sources(d)) || (rc = write_events(d)) ||
	    (rc = collect_appearances(d, progress, ctx)))
		return rc;
	gen_person who;
	for (uint32_t i = 0; i < (uint32_t)d->o.size && !rc; i++) {
		if (progress && i % 256 == 0)
			progress(ctx, "persons", i, (uint64_t)d->o.size);
		gen_person_make(d->pools, d->o.seed, i, &who);
		rc = gen_demo_person(d, &who);
	}
	if (progress && !rc)
		progress(ctx, "persons", (uint64_t)d->o.size, (uint64_t)d->o.size);
	return rc;
}

int tg_gen_demo(tg_store *st, const tg_gen_opts *opts, tg_progress_fn progress, void *ctx,
                tg_error *err)
{
	gen_demo *d = calloc(1, sizeof *d);
	if (!d)
		return tg_error_set(err, TG_ENOMEM, NULL, _("out of memory"));
	d->st = st;
	d->err = err;
	int rc = gen_opts_resolve(opts, &d->o, err);
	gen_pools *pools = NULL;
	if (!rc)
		rc = gen_pools_load(&pools, err);
	d->pools = pools;
	gen_ids_init(&d->ids, d->o.seed);
	if (!rc && !(rc = tg_store_begin(st, err))) {
		rc = write_all(d, progress, ctx);
		if (rc)
			tg_store_rollback(st);
		else
			rc = tg_store_commit(st, err);
	}
	free_appearances(d);
	gen_pools_free(pools);
	free(d);
	return rc;
}
