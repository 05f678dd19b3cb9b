/*
 * Standardising a raw record for comparison: the words of the name as
 * name keys with their roles, the father's name behind a patronymic in
 * any form (Қайратұлы, Кайратович, Kairatuly: KAIRAT), the birth date as
 * far as it is known (or a year range from an age), sex, the IIN (and the
 * birth date and sex it encodes), and the place through the gazetteer of
 * data/places.json so that Алматы, Almaty and Алматы облысы find their
 * region.
 */
#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "link/link-int.h"
#include "store/store.h"
#include "text/text.h"
#include "util/data.h"

/* ---- interning ---- */

static uint32_t hash_bytes(const char *s, size_t len)
{
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	return h;
}

static void intern_grow(lk_intern *t)
{
	uint32_t nslot = t->nslot ? t->nslot * 2 : 1024;
	uint32_t *slot = calloc(nslot, sizeof *slot);
	if (!slot)
		abort();
	for (uint32_t id = 1; id < t->n; id++) {
		uint32_t h = hash_bytes(t->v[id].s, t->v[id].len) & (nslot - 1);
		while (slot[h])
			h = (h + 1) & (nslot - 1);
		slot[h] = id;
	}
	free(t->slot);
	t->slot = slot;
	t->nslot = nslot;
}

uint32_t lk_intern_get(lk_intern *t, const char *s, size_t len)
{
	if (!len)
		return 0;
	if (!t->n) {
		t->n = 1; /* id 0 is "none" */
		t->arena = tg_arena_new();
	}
	if ((t->n + 1) * 2 > t->nslot)
		intern_grow(t);
	uint32_t h = hash_bytes(s, len) & (t->nslot - 1);
	for (uint32_t id; (id = t->slot[h]); h = (h + 1) & (t->nslot - 1))
		if (t->v[id].len == len && !memcmp(t->v[id].s, s, len))
			return id;
	if (t->n >= t->cap) {
		t->cap = t->cap ? t->cap * 2 : 1024;
		if (!(t->v = realloc(t->v, t->cap * sizeof *t->v)))
			abort();
	}
	char *copy = tg_arena_alloc(t->arena, len + 1);
	memcpy(copy, s, len);
	copy[len] = 0;
	t->v[t->n] = (lk_str){copy, (uint32_t)len, 0};
	t->slot[h] = t->n;
	return t->n++;
}

void lk_intern_free(lk_intern *t)
{
	free(t->v);
	free(t->slot);
	tg_arena_free(t->arena);
	*t = (lk_intern){0};
}

/* ---- names ---- */

/* The father's name inside a patronymic key, or a family name built on
 * it: suffixes as name keys, longest first. */
static const char *const patr_suffixes[] = {"OVICH", "EVICH", "ICHNA", "OVNA", "EVNA", "OGLI",
                                            "KIZI", "ULI", "ICH", "KIZ", NULL};
static const char *const family_suffixes[] = {"OVA", "EVA", "INA", "OV", "EV", "IN", NULL};

static size_t strip(const char *key, size_t len, const char *const *suffixes)
{
	for (int i = 0; suffixes[i]; i++) {
		size_t sl = strlen(suffixes[i]);
		if (len >= sl + 3 && !memcmp(key + len - sl, suffixes[i], sl))
			return len - sl;
	}
	return len;
}

static uint32_t key_of(tg_link *lk, const char *word, size_t len)
{
	char key[TG_NAMEKEY_LEN];
	size_t kl = tg_name_key_n(word, len, key);
	return lk_intern_get(&lk->keys, key, kl);
}

static uint32_t stem_of(tg_link *lk, const char *word, size_t len,
                        const char *const *suffixes)
{
	char key[TG_NAMEKEY_LEN];
	size_t kl = tg_name_key_n(word, len, key);
	return lk_intern_get(&lk->keys, key, strip(key, kl, suffixes));
}

static void add_token(lrec *r, uint32_t id)
{
	if (!id || r->ntok == LK_MAXTOK)
		return;
	for (int i = 0; i < r->ntok; i++)
		if (r->tok[i] == id)
			return;
	r->tok[r->ntok++] = id;
}

/* Words of a name part (a family name may have two). */
static void add_words(tg_link *lk, lrec *r, const char *s, uint32_t *first)
{
	tg_name_token t[8];
	int n = tg_name_tokens(s, NULL, t, 8);
	for (int i = 0; i < n; i++) {
		uint32_t id = key_of(lk, t[i].start, t[i].len);
		if (!*first)
			*first = id;
		add_token(r, id);
	}
}

static void names(tg_link *lk, const tg_link_input *in, lrec *r)
{
	if (in->family || in->given || in->patronymic) {
		tg_name_token f[2];
		if (in->family && !in->patronymic && tg_name_tokens(in->family, NULL, f, 2) == 1 &&
		    f[0].role == TG_ROLE_PATRONYMIC)
			/* A patronymic written where the family name goes. */
			r->patr = stem_of(lk, f[0].start, f[0].len, patr_suffixes);
		else if (in->family)
			add_words(lk, r, in->family, &r->family);
		if (in->given)
			add_words(lk, r, in->given, &r->given);
		if (in->patronymic) {
			tg_name_token t[4];
			if (tg_name_tokens(in->patronymic, NULL, t, 4) > 0)
				r->patr = stem_of(lk, t[0].start, t[0].len, patr_suffixes);
		}
	} else if (in->full_name) {
		const char *order = in->lang && (!strcmp(in->lang, "ru") || !strcmp(in->lang, "kk"))
		                        ? "ru" : in->lang && !strcmp(in->lang, "en") ? "en" : NULL;
		tg_name_token t[8];
		int n = tg_name_tokens(in->full_name, order, t, 8);
		uint32_t unknown[8];
		int nu = 0;
		for (int i = 0; i < n; i++) {
			if (t[i].role == TG_ROLE_PATRONYMIC && !r->patr) {
				r->patr = stem_of(lk, t[i].start, t[i].len, patr_suffixes);
				continue;
			}
			uint32_t id = key_of(lk, t[i].start, t[i].len);
			add_token(r, id);
			if (t[i].role == TG_ROLE_FAMILY && !r->family)
				r->family = id;
			else if (t[i].role == TG_ROLE_GIVEN && !r->given)
				r->given = id;
			else
				unknown[nu++] = id;
		}
		for (int i = 0; i < nu; i++) {
			if (unknown[i] == r->family || unknown[i] == r->given)
				continue;
			if (!r->given)
				r->given = unknown[i];
			else if (!r->family)
				r->family = unknown[i];
		}
	}
	if (r->family)
		r->fstem = lk_intern_get(&lk->keys, lk->keys.v[r->family].s,
		                         strip(lk->keys.v[r->family].s, lk->keys.v[r->family].len,
		                               family_suffixes));
	for (int i = 0; i < r->ntok; i++)
		lk->keys.v[r->tok[i]].count++;
	if (r->patr)
		lk->keys.v[r->patr].count++;
}

/* ---- dates, sex, IIN ---- */

static int digits(const char *s, int n)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

static void birth(const tg_link_input *in, lrec *r)
{
	const char *d = in->birth_date;
	if (d && *d == '~')
		d++;
	if (d && strlen(d) >= 4 && digits(d, 4) > 0) {
		r->by = (int16_t)digits(d, 4);
		if (d[4] == '-' && digits(d + 5, 2) > 0) {
			r->bm = (uint8_t)digits(d + 5, 2);
			if (d[7] == '-' && digits(d + 8, 2) > 0)
				r->bd = (uint8_t)digits(d + 8, 2);
		}
		return;
	}
	if (in->age >= 0 && in->age < 130) {
		int year = 2022;
		const char *ev = in->event_date ? in->event_date : in->death_date;
		if (ev && *ev == '~')
			ev++;
		if (ev && strlen(ev) >= 4 && digits(ev, 4) > 0)
			year = digits(ev, 4);
		r->by = (int16_t)(year - in->age);
		r->yfuzzy = 1;
	}
}

/* An IIN is YYMMDD, a digit for century and sex (1-6: 1800s men, women,
 * 1900s ..., 2000s ...), then serial and check digits. */
static void iin(const tg_link_input *in, lrec *r)
{
	const char *s = in->iin;
	if (!s || strlen(s) != 12 || digits(s, 6) < 0 || digits(s + 6, 6) < 0)
		return;
	for (int i = 0; i < 12; i++)
		r->iin = r->iin * 10 + (uint64_t)(s[i] - '0');
	r->iin_valid = tg_iin_valid(s);
	int c = s[6] - '0';
	if (!r->iin_valid || c < 1 || c > 6)
		return;
	if (!r->sex)
		r->sex = c % 2 ? 1 : 2;
	/* The IIN's date completes a list's partial one it agrees with. */
	int y = 1800 + 100 * ((c - 1) / 2) + digits(s, 2), m = digits(s + 2, 2),
	    d = digits(s + 4, 2);
	bool agrees = r->yfuzzy ? (y == r->by || y == r->by - 1)
	                        : y == r->by && (!r->bm || r->bm == m) && (!r->bd || r->bd == d);
	if (!r->by || agrees) {
		r->by = (int16_t)y;
		r->bm = (uint8_t)m;
		r->bd = (uint8_t)d;
		r->yfuzzy = 0;
	}
}

/* ---- places ---- */

/* A place's key: the keys of its words, space-separated. */
static uint32_t place_key(lk_intern *t, const char *s)
{
	tg_name_token w[8];
	int n = tg_name_tokens(s, NULL, w, 8);
	char buf[8 * TG_NAMEKEY_LEN];
	size_t len = 0;
	for (int i = 0; i < n; i++) {
		char key[TG_NAMEKEY_LEN];
		size_t kl = tg_name_key_n(w[i].start, w[i].len, key);
		if (!kl)
			continue;
		if (len)
			buf[len++] = ' ';
		memcpy(buf + len, key, kl);
		len += kl;
	}
	return lk_intern_get(t, buf, len);
}

static void gaz_set(tg_link *lk, uint32_t key, uint32_t place, uint32_t region)
{
	if (!key)
		return;
	if (key >= lk->ngaz) {
		uint32_t n = key + 64;
		if (!(lk->gaz_place = realloc(lk->gaz_place, n * sizeof *lk->gaz_place)) ||
		    !(lk->gaz_region = realloc(lk->gaz_region, n * sizeof *lk->gaz_region)))
			abort();
		memset(lk->gaz_place + lk->ngaz, 0, (n - lk->ngaz) * sizeof *lk->gaz_place);
		memset(lk->gaz_region + lk->ngaz, 0, (n - lk->ngaz) * sizeof *lk->gaz_region);
		lk->ngaz = n;
	}
	lk->gaz_place[key] = place;
	lk->gaz_region[key] = region;
}

/* The region of a place: the nearest enclosing place of type region; a
 * city directly under the country is its own region. */
static const char *region_of(json_t *places, json_t *p)
{
	for (int depth = 0; p && depth < 8; depth++) {
		const char *type = json_string_value(json_object_get(p, "type"));
		const char *parent = json_string_value(json_object_get(p, "parent"));
		const char *code = json_string_value(json_object_get(p, "code"));
		if (type && (!strcmp(type, "region") || (!strcmp(type, "city") && parent &&
		                                         !strchr(parent, '-'))))
			return code;
		json_t *up = NULL, *q;
		size_t i;
		json_array_foreach(places, i, q)
			if (parent && !strcmp(json_string_value(json_object_get(q, "code")), parent))
				up = q;
		p = up;
	}
	return NULL;
}

void lk_gazetteer_load(tg_link *lk)
{
	json_t *doc = json_loads(tg_data_places_json, 0, NULL);
	json_t *places = json_object_get(doc, "places"), *p;
	size_t i;
	static const char *const labels[] = {"name", "name_kk", "name_ru", "name_en"};
	json_array_foreach(places, i, p) {
		const char *code = json_string_value(json_object_get(p, "code"));
		const char *type = json_string_value(json_object_get(p, "type"));
		if (!code || (type && !strcmp(type, "country")))
			continue;
		uint32_t place = lk_intern_get(&lk->places, code, strlen(code));
		const char *reg = region_of(places, p);
		uint32_t region = reg ? lk_intern_get(&lk->places, reg, strlen(reg)) : 0;
		for (size_t l = 0; l < sizeof labels / sizeof labels[0]; l++) {
			const char *label = json_string_value(json_object_get(p, labels[l]));
			if (label)
				gaz_set(lk, place_key(&lk->places, label), place, region);
		}
	}
	json_decref(doc);
}

static void place(tg_link *lk, const tg_link_input *in, lrec *r)
{
	if (!in->place)
		return;
	uint32_t key = place_key(&lk->places, in->place);
	if (key && key < lk->ngaz && lk->gaz_place[key]) {
		r->place = lk->gaz_place[key];
		r->region = lk->gaz_region[key];
	} else {
		r->place = key;
	}
}

/* Days since 1 March of year 0, for a partial date (missing parts as 1). */
static int32_t day_number(int y, int m, int d)
{
	if (m <= 2) {
		y--;
		m += 12;
	}
	return 365 * y + y / 4 - y / 100 + y / 400 + (153 * (m - 3) + 2) / 5 + d;
}

static void event(const tg_link_input *in, lrec *r)
{
	const char *d = in->event_date ? in->event_date : in->death_date;
	if (d && *d == '~')
		d++;
	if (!d || strlen(d) < 4 || digits(d, 4) <= 0)
		return;
	int y = digits(d, 4), m = 0, day = 0;
	if (d[4] == '-' && digits(d + 5, 2) > 0) {
		m = digits(d + 5, 2);
		if (d[7] == '-' && digits(d + 8, 2) > 0)
			day = digits(d + 8, 2);
	}
	r->event = day_number(y, m ? m : 1, day ? day : 1);
	r->event_prec = day ? 3 : m ? 2 : 1;
	r->ey = (int16_t)y;
	r->em = (uint8_t)m;
	r->ed = (uint8_t)day;
}

void lk_standardise(tg_link *lk, const tg_link_input *in, lrec *r)
{
	*r = (lrec){.id = in->id, .list = (uint32_t)in->list};
	names(lk, in, r);
	if (in->sex)
		r->sex = !strcmp(in->sex, "male") ? 1 : !strcmp(in->sex, "female") ? 2 : 0;
	birth(in, r);
	iin(in, r);
	place(lk, in, r);
	event(in, r);
	static const char *const fates[] = {"", "dead", "killed", "died_in_custody", "alive"};
	for (uint8_t f = 1; in->fate && f < sizeof fates / sizeof fates[0]; f++)
		if (!strcmp(in->fate, fates[f]))
			r->fate = f;
	if (in->death_date && (!r->fate || r->fate == LK_FATE_ALIVE))
		r->fate = LK_FATE_DEAD;
}

/* Labels of gazetteer codes, loaded once and kept: code -> its place,
 * with names in kk, ru and en. */
static json_t *place_labels;

static void load_place_labels(void)
{
	json_t *doc = json_loads(tg_data_places_json, 0, NULL), *p;
	size_t i;
	place_labels = json_object();
	json_array_foreach(json_object_get(doc, "places"), i, p) {
		const char *code = json_string_value(json_object_get(p, "code"));
		if (code)
			json_object_set(place_labels, code, p);
	}
	json_decref(doc);
}

const char *tg_link_place_label(const char *code, const char *lang)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, load_place_labels);
	json_t *p = code ? json_object_get(place_labels, code) : NULL;
	if (!p)
		return code;
	char key[16];
	snprintf(key, sizeof key, "name_%s", lang && *lang ? lang : "en");
	const char *label = json_string_value(json_object_get(p, key));
	return label ? label : json_string_value(json_object_get(p, "name"));
}

const char *tg_link_fate_label(const char *code)
{
	return !strcmp(code, "killed")          ? _("killed")
	     : !strcmp(code, "died_in_custody") ? _("died in custody")
	     : !strcmp(code, "dead")            ? _("died")
	     : !strcmp(code, "alive")           ? _("alive")
	                                        : code;
}

static const char *const review_keys[] = {"list", "record_id", "full_name", "family", "given",
                                          "patronymic", "birth_date", "age", "sex", "iin",
                                          "place", "event_date", "death_date", "fate"};
static const char *const review_labels[] = {N_("list"), N_("record"), N_("full name"),
                                            N_("family name"), N_("given name"),
                                            N_("patronymic"), N_("birth date"), N_("age"),
                                            N_("sex"), N_("IIN"), N_("place"), N_("event date"),
                                            N_("death date"), N_("fate")};

const char *tg_link_review_field(int i, const char **label)
{
	if (i < 0 || i >= (int)(sizeof review_keys / sizeof review_keys[0]))
		return NULL;
	*label = _(review_labels[i]);
	return review_keys[i];
}

char *tg_link_review_value(tg_store *st, const char *key, const char *value, const char *lang)
{
	if (!value)
		return NULL;
	if (strstr(key, "date")) {
		char *d = tg_text_format_date(value, lang);
		return d ? d : strdup(value);
	}
	if (!strcmp(key, "sex"))
		return strdup(tg_term_label(st, "sex", value, lang));
	if (!strcmp(key, "fate"))
		return strdup(tg_link_fate_label(value));
	return strdup(value);
}
