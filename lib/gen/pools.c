/*
 * The name pools (data/names.json) and the cities (data/places.json) the
 * synthetic population draws from, and the composition of names from
 * them: Kazakh patronymics are the father's name with -ұлы/-қызы, or the
 * Russified -ович/-овна that Soviet-era documents imposed; a surname made
 * from the father's name (Қайрат → Қайратов), as Soviet registrars did,
 * is one of the lists' confusions.
 */
#include <stdlib.h>
#include <string.h>

#include "gen/population.h"
#include "util/data.h"

static int fail(tg_error *err, int code, const char *path, const char *what)
{
	return tg_error_set(err, code, path, "%s", what);
}

/* Points *out at the strings of the array key; NULL on a wrong shape. */
static const char **string_array(json_t *doc, const char *key, int *n)
{
	json_t *a = json_object_get(doc, key);
	if (!json_is_array(a) || json_array_size(a) == 0)
		return NULL;
	const char **v = calloc(json_array_size(a), sizeof *v);
	if (!v)
		abort();
	size_t i;
	json_t *e;
	json_array_foreach(a, i, e) {
		if (!(v[i] = json_string_value(e))) {
			free(v);
			return NULL;
		}
	}
	*n = (int)json_array_size(a);
	return v;
}

static int load_russian_male(gen_pools *p, tg_error *err)
{
	json_t *a = json_object_get(p->names_doc, "russian_male");
	size_t n = json_array_size(a), i;
	json_t *e;
	if (!n)
		return fail(err, TG_EINVAL, "names.json:russian_male", _("missing or empty"));
	p->ru_male = calloc(n, sizeof *p->ru_male);
	if (!p->ru_male)
		abort();
	json_array_foreach(a, i, e) {
		gen_russian_name *r = &p->ru_male[i];
		r->name = json_string_value(json_array_get(e, 0));
		r->son = json_string_value(json_array_get(e, 1));
		r->daughter = json_string_value(json_array_get(e, 2));
		if (!r->name || !r->son || !r->daughter)
			return fail(err, TG_EINVAL, "names.json:russian_male",
			            _("each entry must be [name, son's patronymic, daughter's]"));
	}
	p->n_ru_male = (int)n;
	return 0;
}

static int load_surnames(gen_pools *p, tg_error *err)
{
	json_t *a = json_object_get(p->names_doc, "surnames");
	size_t n = json_array_size(a), i;
	json_t *e;
	p->sur_kk = calloc(n + 1, sizeof *p->sur_kk);
	p->sur_ru = calloc(n + 1, sizeof *p->sur_ru);
	if (!p->sur_kk || !p->sur_ru)
		abort();
	json_array_foreach(a, i, e) {
		const char *m = json_string_value(json_array_get(e, 0));
		const char *f = json_string_value(json_array_get(e, 1));
		const char *origin = json_string_value(json_array_get(e, 2));
		if (!m || !f || !origin)
			return fail(err, TG_EINVAL, "names.json:surnames",
			            _("each entry must be [male form, female form, origin]"));
		bool kk = strcmp(origin, "kk") == 0;
		gen_surname *s = kk ? &p->sur_kk[p->n_sur_kk++] : &p->sur_ru[p->n_sur_ru++];
		s->male = m;
		s->female = f;
	}
	if (!p->n_sur_kk || !p->n_sur_ru)
		return fail(err, TG_EINVAL, "names.json:surnames",
		            _("needs surnames of both origins, kk and ru"));
	return 0;
}

static int load_cities(gen_pools *p, tg_error *err)
{
	json_t *places = json_object_get(p->places_doc, "places");
	for (int c = 0; c < GEN_NCITIES; c++) {
		size_t i;
		json_t *e;
		gen_city *city = &p->cities[c];
		json_array_foreach(places, i, e) {
			const char *code = json_string_value(json_object_get(e, "code"));
			if (code && strcmp(code, gen_city_codes[c]) == 0) {
				city->code = code;
				city->kk = json_string_value(json_object_get(e, "name_kk"));
				city->ru = json_string_value(json_object_get(e, "name_ru"));
				city->en = json_string_value(json_object_get(e, "name_en"));
			}
		}
		if (!city->code || !city->kk || !city->ru || !city->en)
			return tg_error_set(err, TG_EINVAL, "places.json",
			                    _("place %s with name_kk, name_ru and name_en is missing"),
			                    gen_city_codes[c]);
	}
	return 0;
}

int gen_pools_load(gen_pools **out, tg_error *err)
{
	json_error_t je;
	gen_pools *p = calloc(1, sizeof *p);
	if (!p)
		abort();
	*out = NULL;
	p->names_doc = json_loads(tg_data_names_json, 0, &je);
	p->places_doc = json_loads(tg_data_places_json, 0, &je);
	int rc = 0;
	if (!p->names_doc || !p->places_doc)
		rc = tg_error_set(err, TG_EJSON, p->names_doc ? "places.json" : "names.json",
		                  _("line %d: %s"), je.line, je.text);
	if (!rc && (!(p->kz_male = string_array(p->names_doc, "kazakh_male", &p->n_kz_male)) ||
	            !(p->kz_female = string_array(p->names_doc, "kazakh_female", &p->n_kz_female)) ||
	            !(p->ru_female = string_array(p->names_doc, "russian_female", &p->n_ru_female))))
		rc = fail(err, TG_EINVAL, "names.json",
		          _("kazakh_male, kazakh_female and russian_female must be arrays of names"));
	if (!rc)
		rc = load_russian_male(p, err);
	if (!rc)
		rc = load_surnames(p, err);
	if (!rc)
		rc = load_cities(p, err);
	if (rc) {
		gen_pools_free(p);
		return rc;
	}
	*out = p;
	return 0;
}

void gen_pools_free(gen_pools *p)
{
	if (!p)
		return;
	free(p->kz_male);
	free(p->kz_female);
	free(p->ru_female);
	free(p->ru_male);
	free(p->sur_kk);
	free(p->sur_ru);
	json_decref(p->names_doc);
	json_decref(p->places_doc);
	free(p);
}

const char *gen_given(const gen_pools *p, const gen_person *who)
{
	if (who->kazakh)
		return who->female ? p->kz_female[who->given] : p->kz_male[who->given];
	return who->female ? p->ru_female[who->given] : p->ru_male[who->given].name;
}

const char *gen_family(const gen_pools *p, const gen_person *who)
{
	const gen_surname *s = who->kazakh ? &p->sur_kk[who->family] : &p->sur_ru[who->family];
	return who->female ? s->female : s->male;
}

/* The last code point of a UTF-8 string and where it starts. */
static uint32_t last_char(const char *s, size_t *start)
{
	size_t n = strlen(s), i = n;
	while (i > 0 && ((unsigned char)s[i - 1] & 0xC0) == 0x80)
		i--;
	if (i > 0)
		i--;
	*start = i;
	const unsigned char *u = (const unsigned char *)s + i;
	if (u[0] < 0x80)
		return u[0];
	if ((u[0] & 0xE0) == 0xC0)
		return ((uint32_t)(u[0] & 0x1F) << 6) | (u[1] & 0x3F);
	return ((uint32_t)(u[0] & 0x0F) << 12) | ((uint32_t)(u[1] & 0x3F) << 6) | (u[2] & 0x3F);
}

/* How much of a Kazakh father's name the Russian suffixes build on, and
 * whether they take the soft -ев- (after a vowel or й, which is dropped):
 * Абай → Аба-, Ерғали → Ерғали-, Қайрат → Қайрат- with -ов-. */
static size_t russian_stem(const char *father, bool *soft)
{
	size_t start;
	uint32_t c = last_char(father, &start);
	bool vowel = c == 0x430 || c == 0x435 || c == 0x438 || c == 0x456 || c == 0x43E ||
	             c == 0x443 || c == 0x44B || c == 0x4D9 || c == 0x4E9 || c == 0x4B1 ||
	             c == 0x4AF;
	*soft = vowel || c == 0x439 /* й */;
	return c == 0x439 ? start : strlen(father);
}

void gen_patronymic_form(const gen_pools *p, const gen_person *who, enum gen_patr_form form,
                         tg_strbuf *out)
{
	if (!who->kazakh) {
		const gen_russian_name *f = &p->ru_male[who->father];
		tg_strbuf_adds(out, who->female ? f->daughter : f->son);
		return;
	}
	const char *father = p->kz_male[who->father];
	if (form == GEN_PATR_KAZAKH) {
		tg_strbuf_adds(out, father);
		tg_strbuf_adds(out, who->female ? "қызы" : "ұлы");
		return;
	}
	/* Абай → Абаевич, Ерғали → Ерғалиевич, Қайрат → Қайратович */
	bool soft;
	tg_strbuf_add(out, father, russian_stem(father, &soft));
	if (soft)
		tg_strbuf_adds(out, who->female ? "евна" : "евич");
	else
		tg_strbuf_adds(out, who->female ? "овна" : "ович");
}

void gen_patronymic(const gen_pools *p, const gen_person *who, tg_strbuf *out)
{
	gen_patronymic_form(p, who, who->patr_russified ? GEN_PATR_RUSSIAN : GEN_PATR_KAZAKH, out);
}

void gen_family_from_father(const gen_pools *p, const gen_person *who, tg_strbuf *out)
{
	if (who->kazakh) {
		/* Қайрат → Қайратов, Абай → Абаев */
		const char *father = p->kz_male[who->father];
		bool soft;
		tg_strbuf_add(out, father, russian_stem(father, &soft));
		tg_strbuf_adds(out, soft ? "ев" : "ов");
	} else {
		/* Сергеевич → Сергеев, Иванович → Иванов; Илья → Ильин */
		const gen_russian_name *f = &p->ru_male[who->father];
		size_t n = strlen(f->son);
		if (n > 6 && !strcmp(f->son + n - 6, "вич")) {
			tg_strbuf_add(out, f->son, n - 4);
		} else {
			size_t start;
			last_char(f->name, &start);
			tg_strbuf_add(out, f->name, start);
			tg_strbuf_adds(out, "ин");
		}
	}
	if (who->female)
		tg_strbuf_adds(out, "а");
}
