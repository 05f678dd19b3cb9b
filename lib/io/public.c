/*
 * Public data (T12): the records a database marks public, in CSV or JSON,
 * without exposing anyone.
 *
 * What leaves is decided default-deny by the table below: a field is
 * written only when the record is public, live, and its entity and field
 * are listed; a field added to the model stays out until someone lists
 * it here.  References keep only public records, as pseudonyms; a record
 * whose reason to exist is a reference (an involvement, a relation) goes
 * when that reference does.  Identities become keyed hashes of the ids
 * (pseudonym.c), individuals lose their names, dates of birth keep their
 * year, places of birth and residence rise to city level.
 *
 * The export is made in a temporary directory beside --out and renamed
 * into place in the same transaction that writes its ledger entry and the
 * custody entries of its derived images: there is either a whole export
 * with its entries, or neither.  docs/io.md lists the fields.
 */
#include <string.h>

#include "io/public-int.h"

enum rule {
	KEEP,    /* as it is */
	YEAR,    /* a date cut to its year */
	MONTH,   /* a date cut to its month */
	REF,     /* a public record's pseudonym, else left out */
	NEED,    /* as REF, and without it the record (or list element) goes */
	CITY,    /* a place raised to its nearest public city, region or country */
	EACH,    /* a list: each element by its own lines */
	UNIT,    /* a person's names: for units only, each element by its lines */
	DERIVED, /* made by the export (a derived file), not read */
};

/* Entity (or entity.list) and field: what a public record may show. */
static const struct allow {
	const char *entity, *field;
	enum rule rule;
} allow[] = {
	{"place", "code", KEEP},
	{"place", "name", KEEP},
	{"place", "name_kk", KEEP},
	{"place", "name_ru", KEEP},
	{"place", "name_en", KEEP},
	{"place", "type", KEEP},
	{"place", "parent", REF},
	{"place", "lat", KEEP},
	{"place", "lon", KEEP},
	{"source", "type", KEEP},
	{"source", "title", KEEP},
	{"source", "organisation", KEEP},
	{"source", "date", KEEP},
	{"source", "language", KEEP},
	{"source", "url", KEEP},
	{"source", "reliability", KEEP},
	{"person", "type", KEEP},
	{"person", "names", UNIT},
	{"person.names", "text", KEEP},
	{"person.names", "role", KEEP},
	{"person.names", "script", KEEP},
	{"person.names", "lang", KEEP},
	{"person.names", "source", REF},
	{"person", "sex", KEEP},
	{"person", "birth_date", YEAR},
	{"person", "birth_place", CITY},
	{"person", "residence", CITY},
	{"person", "unit_type", KEEP},
	{"relation", "type", KEEP},
	{"relation", "from", NEED},
	{"relation", "to", NEED},
	{"relation", "start", KEEP},
	{"relation", "end", KEEP},
	{"event", "title", KEEP},
	{"event", "start", KEEP},
	{"event", "end", KEEP},
	{"event", "place", REF},
	{"event", "parent", REF},
	{"event", "relation", KEEP},
	{"act", "type", KEEP},
	{"act", "victim", REF},
	{"act", "event", REF},
	{"act", "methods", EACH},
	{"act.methods", "method", KEEP},
	{"act", "start", MONTH},
	{"act", "end", MONTH},
	{"act", "place", REF},
	{"act", "status", KEEP},
	{"involvement", "act", NEED},
	{"involvement", "perpetrator", NEED},
	{"involvement", "degree", KEEP},
	{"proceeding", "type", KEEP},
	{"proceeding", "authority", KEEP},
	{"proceeding", "place", REF},
	{"proceeding", "parties", EACH},
	{"proceeding.parties", "person", NEED},
	{"proceeding.parties", "role", KEEP},
	{"proceeding", "charges", EACH},
	{"proceeding.charges", "article", KEEP},
	{"proceeding.charges", "label", KEEP},
	{"proceeding", "stages", EACH},
	{"proceeding.stages", "stage", KEEP},
	{"proceeding.stages", "date", KEEP},
	{"proceeding.stages", "authority", KEEP},
	{"proceeding.stages", "reason", KEEP},
	{"proceeding", "acts", EACH},
	{"proceeding.acts", "act", NEED},
	{"proceeding", "sentence_months", KEEP},
	{"proceeding", "fine", KEEP},
	{"proceeding", "currency", KEEP},
	{"proceeding", "next_hearing", KEEP},
	{"information", "source", NEED},
	{"information", "subject", NEED},
	{"information", "reliability", KEEP},
	{"information", "locator", KEEP},
	{"intervention", "type", KEEP},
	{"intervention", "subject", NEED},
	{"intervention", "date", KEEP},
	{"evidence", "source", REF},
	{"evidence", "subject", REF},
	{"evidence", "sha256", KEEP},
	{"evidence", "size", KEEP},
	{"evidence", "file", DERIVED},
	{"evidence", "file_sha256", DERIVED},
	{"custody", "evidence", NEED},
	{"custody", "action", KEEP},
	{"custody", "at", KEEP},
};
#define NALLOW (sizeof allow / sizeof allow[0])

/* The pseudonym prefix of each entity's records. */
static const char *prefix_of(const char *entity)
{
	static const char *const p[][2] = {
		{"place", "pl"}, {"source", "s"}, {"person", "p"}, {"relation", "r"},
		{"event", "e"}, {"act", "a"}, {"involvement", "i"}, {"proceeding", "pr"},
		{"information", "in"}, {"intervention", "iv"}, {"evidence", "ev"}, {"custody", "c"},
	};
	for (size_t i = 0; i < sizeof p / sizeof p[0]; i++)
		if (!strcmp(entity, p[i][0]))
			return p[i][1];
	return "x";
}

static enum rule rule_of(const char *entity, const char *field, bool *listed)
{
	for (size_t i = 0; i < NALLOW; i++)
		if (!strcmp(allow[i].entity, entity) && !strcmp(allow[i].field, field)) {
			*listed = true;
			return allow[i].rule;
		}
	*listed = false;
	return KEEP;
}

/* The pseudonym of a public live record, or NULL. */
static const char *public_ref(struct pub *x, const char *uid, char out[TG_PSEUDONYM_LEN])
{
	const json_t *doc = uid ? json_object_get(x->docs, uid) : NULL;
	if (!doc)
		return NULL;
	tg_pseudonym(x->key, prefix_of(json_string_value(json_object_get(doc, "entity"))), uid, out);
	return out;
}

/* Places under a city (a district, a village, a street) can point to a
 * house; a person's places rise to the first public city, region or
 * country above them. */
static const char *city_of(struct pub *x, const char *uid, char out[TG_PSEUDONYM_LEN])
{
	for (int depth = 0; uid && depth < 32; depth++) {
		const json_t *doc = json_object_get(x->docs, uid);
		const char *type = json_string_value(json_object_get(doc, "type"));
		if (!doc)
			return NULL;
		if (type && (!strcmp(type, "city") || !strcmp(type, "region") || !strcmp(type, "country")))
			return public_ref(x, uid, out);
		uid = json_string_value(json_object_get(doc, "parent"));
	}
	return NULL;
}

/* A partial date cut to its first n characters, an approximation mark
 * kept. */
static json_t *cut_date(const json_t *v, size_t n)
{
	const char *s = json_string_value(v);
	size_t mark = s[0] == '~';
	return json_stringn(s, strlen(s) < mark + n ? strlen(s) : mark + n);
}

static json_t *public_form(struct pub *x, const tg_entity *e, const char *path, const json_t *doc);

/* The public form of a list of e's field f: NULL when it has none. */
static json_t *public_list(struct pub *x, const tg_field *f, const char *path, const json_t *v)
{
	char sub[96];
	snprintf(sub, sizeof sub, "%s.%s", path, f->name);
	const tg_entity *c = f->child;
	json_t *out = json_array(), *elem;
	size_t i;
	json_array_foreach(v, i, elem) {
		json_t *one = NULL;
		if (c->scalar) {
			bool listed;
			enum rule r = rule_of(sub, c->fields[0].name, &listed);
			char ps[TG_PSEUDONYM_LEN];
			if (listed && r == KEEP)
				one = json_incref(elem);
			else if (listed && (r == REF || r == NEED) && public_ref(x, json_string_value(elem), ps))
				one = json_string(ps);
		} else {
			one = public_form(x, c, sub, elem);
		}
		if (one)
			json_array_append_new(out, one);
	}
	if (!json_array_size(out)) {
		json_decref(out);
		out = NULL;
	}
	return out;
}

/* The public form of doc, a record of e or an element of a list (path
 * "entity.list"): NULL when a reference it needs is not public. */
static json_t *public_form(struct pub *x, const tg_entity *e, const char *path, const json_t *doc)
{
	json_t *out = json_object();
	if (!e->is_child) {
		char ps[TG_PSEUDONYM_LEN];
		json_object_set_new(out, "entity", json_string(e->name));
		json_object_set_new(out, "id", json_string(public_ref(x, json_string_value(
		                                               json_object_get(doc, "id")), ps)));
	}
	const char *type = json_string_value(json_object_get(doc, "type"));
	for (int i = 0; i < e->nfields; i++) {
		const tg_field *f = &e->fields[i];
		const json_t *v = json_object_get(doc, f->name);
		bool listed;
		enum rule r = rule_of(path, f->name, &listed);
		if (!v || !listed)
			continue;
		char ps[TG_PSEUDONYM_LEN];
		json_t *to = NULL;
		switch (r) {
		case KEEP:
			to = json_incref((json_t *)v);
			break;
		case YEAR:
		case MONTH:
			to = cut_date(v, r == YEAR ? 4 : 7);
			break;
		case REF:
		case NEED:
			if (public_ref(x, json_string_value(v), ps))
				to = json_string(ps);
			else if (r == NEED) {
				json_decref(out);
				return NULL;
			}
			break;
		case CITY:
			if (city_of(x, json_string_value(v), ps))
				to = json_string(ps);
			break;
		case UNIT:
			if (!type || strcmp(type, "unit"))
				break;
			/* fall through */
		case EACH:
			to = public_list(x, f, path, v);
			break;
		case DERIVED:
			break;
		}
		if (to)
			json_object_set_new(out, f->name, to);
	}
	return out;
}

/* ---- reading ---- */

int tg_pub_collect(void *ctx, const json_t *doc)
{
	struct pub *x = ctx;
	const char *level = json_string_value(json_object_get(doc, "confidentiality"));
	if (!level || strcmp(level, "public"))
		return 0;
	json_object_set(x->docs, json_string_value(json_object_get(doc, "id")), (json_t *)doc);
	json_array_append(x->list, (json_t *)doc);
	return 0;
}

int tg_pub_transform(struct pub *x)
{
	json_t *doc;
	size_t i;
	json_array_foreach(x->list, i, doc) {
		const tg_entity *e = tg_model_entity(json_string_value(json_object_get(doc, "entity")));
		json_t *form = public_form(x, e, e->name, doc);
		if (!form)
			continue;
		int rc = strcmp(e->name, "evidence") ? TG_OK : tg_pub_evidence_file(x, doc, form);
		if (rc) {
			json_decref(form);
			return rc;
		}
		json_array_append_new(x->out, form);
		x->rep->records++;
	}
	return TG_OK;
}

size_t tg_pub_fields(const char *path, bool lists, const char **out, size_t max)
{
	size_t n = 0;
	for (size_t i = 0; i < NALLOW && n < max; i++)
		if (!strcmp(allow[i].entity, path) &&
		    lists == (allow[i].rule == EACH || allow[i].rule == UNIT))
			out[n++] = allow[i].field;
	return n;
}
