/*
 * One person of the demo population as records: the person with the true
 * name and every spelling the lists use, the acts their fate implies, the
 * units involved, the criminal case against them, the complaint or the
 * investigation of their death, and the list entries as information.
 */
#include <stdio.h>
#include <string.h>

#include "gen/demo.h"

/* Dates are days counted from 1 January 2022 (day 1); later days run on
 * into the following years. */
typedef struct date_buf {
	char s[16];
} date_buf;

static date_buf day_date(int day, bool approx)
{
	int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int y = 2022, m = 0;
	for (;;) {
		bool leap = y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
		if (day <= 365 + leap) {
			mdays[1] += leap;
			break;
		}
		day -= 365 + leap;
		y++;
	}
	while (day > mdays[m])
		day -= mdays[m++];
	date_buf b;
	snprintf(b.s, sizeof b.s, "%s%d-%02d-%02d", approx ? "~" : "", y, m + 1, day);
	return b;
}

static int start_day(const gen_person *w)
{
	static const int before[13] = {0, 0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334};
	return before[w->month] + w->day;
}

typedef struct victim {
	gen_demo *d;
	const gen_person *w;
	tg_rng r;
	char uid[TG_UUID_LEN];
	tg_strbuf name;
	const char *city_code;
	char court[96], prosecutor[96];
	char probe[TG_UUID_LEN]; /* the complaint or death investigation, if any */
} victim;

static int write_person_record(victim *v)
{
	const gen_pools *p = v->d->pools;
	const gen_person *w = v->w;
	const char *lang = w->kazakh ? "kk" : "ru";
	tg_strbuf patr = TG_STRBUF_INIT;
	gen_patronymic(p, w, &patr);
	tg_strbuf_addf(&v->name, "%s %s %s", gen_given(p, w), tg_strbuf_str(&patr), gen_family(p, w));
	json_t *names = json_pack("[{s:s, s:s, s:s}, {s:s, s:s, s:s}, {s:s, s:s, s:s}, {s:s, s:s, s:s}]",
	                          "text", tg_strbuf_str(&v->name), "role", "full", "lang", lang,
	                          "text", gen_given(p, w), "role", "given", "lang", lang,
	                          "text", tg_strbuf_str(&patr), "role", "patronymic", "lang", lang,
	                          "text", gen_family(p, w), "role", "family", "lang", lang);
	tg_strbuf_release(&patr);
	const gen_appearance *seen = v->d->seen + (size_t)w->index * GEN_NLISTS;
	for (int l = 0; l < v->d->o.nlists && names; l++)
		if (seen[l].no)
			json_array_append_new(names, json_pack("{s:s, s:s, s:s*, s:s}",
			                                       "text", seen[l].spelling, "role", "full",
			                                       "lang", seen[l].lang,
			                                       "source", v->d->list_source[l]));
	char birth[16], note[128];
	snprintf(birth, sizeof birth, "%d-%02d-%02d", w->by, w->bm, w->bd);
	snprintf(note, sizeof note, "Synthetic person %u of the demo population (seed %llu).",
	         w->index + 1, (unsigned long long)v->d->o.seed);
	return gen_create(v->d->st, &v->d->ids, "person", json_pack(
		"{s:o, s:s, s:s, s:s, s:s}", "names", names, "sex", w->female ? "female" : "male",
		"birth_date", birth, "residence", v->city_code, "note", note), v->uid, v->d->err);
}

/* An act of the person, with the unit of kind involved unless kind < 0. */
static int write_act(victim *v, const char *type, int day, const char *status, json_t *methods,
                     int kind, char uid[TG_UUID_LEN])
{
	gen_demo *d = v->d;
	const gen_person *w = v->w;
	int city = gen_act_city(w);
	const char *event = w->fate == GEN_RELATIVE ? d->relatives_event : d->city_event[city];
	date_buf start = day_date(day, w->date_approx);
	int rc = gen_create(d->st, &d->ids, "act", json_pack(
		"{s:s, s:s, s:s, s:s, s:s, s:s, s:o*}", "type", type, "victim", v->uid,
		"event", event, "start", start.s, "place", d->pools->cities[city].code,
		"status", status, "methods", methods), uid, d->err);
	const char *unit;
	if (rc || kind < 0 || (rc = gen_demo_unit(d, city, kind, &unit)))
		return rc;
	return gen_create(d->st, &d->ids, "involvement", json_pack(
		"{s:s, s:s, s:s}", "act", uid, "perpetrator", unit,
		"degree", gen_chance(&v->r, 0.8) ? "direct" : "unknown"), NULL, d->err);
}

static json_t *torture_methods(const gen_person *w)
{
	json_t *a = json_array();
	for (int m = 0; m < GEN_NMETHODS; m++)
		if (w->methods & (1u << m))
			json_array_append_new(a, json_string(gen_method_codes[m]));
	return a;
}

static json_t *stage(const char *code, int day, const char *authority, const char *reason,
                     const char *note)
{
	date_buf b = day_date(day, false);
	return json_pack("{s:s, s:s, s:s*, s:s*, s:s*}", "stage", code, "date", b.s,
	                 "authority", authority, "reason", reason, "note", note);
}

/* Stages of a trial from day on: trial, verdict, maybe an appeal. */
static void trial_stages(victim *v, json_t *stages, int day, const char *verdict_note, bool appeal)
{
	day += 30 + (int)tg_rng_below(&v->r, 200);
	json_array_append_new(stages, stage("trial", day, v->court, NULL, NULL));
	day += 7 + (int)tg_rng_below(&v->r, 50);
	json_array_append_new(stages, stage("verdict", day, v->court, NULL, verdict_note));
	if (!appeal)
		return;
	day += 10 + (int)tg_rng_below(&v->r, 10);
	json_array_append_new(stages, stage("appeal_filed", day, NULL, NULL, NULL));
	day += 40 + (int)tg_rng_below(&v->r, 50);
	json_array_append_new(stages, stage("appeal_decision", day, "appeal court", NULL,
	                                    gen_chance(&v->r, 0.9) ? "upheld" : "sentence reduced"));
}

static int write_criminal_case(victim *v)
{
	const gen_person *w = v->w;
	int day = start_day(w);
	json_t *stages = json_array();
	json_array_append_new(stages, stage("detained", day, NULL, NULL, NULL));
	day += 1 + (int)tg_rng_below(&v->r, 7);
	json_array_append_new(stages, stage("charged", day, NULL, NULL, NULL));
	char sentence[64] = "";
	int months = w->sentence_months;
	if (w->case_outcome == GEN_CASE_CONVICTED) {
		if (months % 12)
			snprintf(sentence, sizeof sentence, "%d years %d months", months / 12, months % 12);
		else if (months)
			snprintf(sentence, sizeof sentence, "%d years", months / 12);
		else
			snprintf(sentence, sizeof sentence, "suspended sentence");
		trial_stages(v, stages, day, sentence, w->appeal);
	} else if (w->case_outcome == GEN_CASE_AMNESTY) {
		json_array_append_new(stages, stage("amnesty", day + 60 + (int)tg_rng_below(&v->r, 120),
		                                    NULL, NULL, NULL));
	} else if (w->case_outcome == GEN_CASE_CLOSED) {
		json_array_append_new(stages, stage("closed", day + 30 + (int)tg_rng_below(&v->r, 150),
		                                    NULL, "no_evidence", NULL));
	}
	char title[160];
	snprintf(title, sizeof title, "Criminal case against %s", tg_strbuf_str(&v->name));
	json_t *doc = json_pack(
		"{s:s, s:s, s:s, s:s, s:[{s:s, s:s}], s:[{s:s, s:s}], s:o, s:s*}",
		"type", "criminal_case", "title", title, "authority", v->court,
		"place", v->city_code, "parties", "person", v->uid, "role", "defendant",
		"charges", "article", "272", "label", "mass riots", "stages", stages,
		"sentence", *sentence ? sentence : NULL);
	if (doc && months)
		json_object_set_new(doc, "sentence_months", json_integer(months));
	if (doc && w->case_outcome == GEN_CASE_PENDING) {
		/* Pending cases get a hearing two years on, for the agenda. */
		date_buf next = day_date(day + 730 + (int)tg_rng_below(&v->r, 60), false);
		json_object_set_new(doc, "next_hearing", json_string(next.s));
	}
	return gen_create(v->d->st, &v->d->ids, "proceeding", doc, NULL, v->d->err);
}

/* A complaint against a torture act, or the investigation of a death. */
static int write_probe(victim *v, const char *act, const char *perpetrator, bool complaint)
{
	const gen_person *w = v->w;
	int day = start_day(w) + 5 + (int)tg_rng_below(&v->r, 50);
	json_t *stages = json_array();
	json_array_append_new(stages, stage(complaint ? "complaint_filed" : "case_opened", day,
	                                    complaint ? NULL : v->prosecutor, NULL, NULL));
	day += 10 + (int)tg_rng_below(&v->r, 30);
	switch (w->probe) {
	case GEN_PROBE_REFUSED:
		json_array_append_new(stages, stage("refused_to_open", day, v->prosecutor, NULL, NULL));
		break;
	case GEN_PROBE_OPEN:
		json_array_append_new(stages, stage("investigation", day, v->prosecutor, NULL, NULL));
		break;
	case GEN_PROBE_NO_CRIME:
		json_array_append_new(stages, stage("investigation", day, v->prosecutor, NULL,
		                                    "preliminary investigation"));
		json_array_append_new(stages, stage("closed", day + 30 + (int)tg_rng_below(&v->r, 120),
		                                    v->prosecutor, "no_crime", NULL));
		break;
	default:
		json_array_append_new(stages, stage("investigation", day, v->prosecutor, NULL, NULL));
		json_array_append_new(stages, stage("charged", day + 30, NULL, NULL, "officers charged"));
		trial_stages(v, stages, day + 30, "officers convicted", false);
	}
	char title[160];
	snprintf(title, sizeof title, "%s %s",
	         complaint ? "Torture complaint of" : "Investigation of the death of",
	         tg_strbuf_str(&v->name));
	json_t *parties = json_pack("[{s:s, s:s}]", "person", v->uid,
	                            "role", complaint ? "complainant" : "victim");
	if (w->probe == GEN_PROBE_CONVICTED && parties)
		json_array_append_new(parties, json_pack("{s:s, s:s}", "person", perpetrator,
		                                         "role", "defendant"));
	return gen_create(v->d->st, &v->d->ids, "proceeding", json_pack(
		"{s:s, s:s, s:s, s:s, s:o, s:o, s:[s]}", "type", complaint ? "complaint" : "investigation",
		"title", title, "authority", v->prosecutor, "place", v->city_code, "parties", parties,
		"stages", stages, "acts", act), v->probe, v->d->err);
}

static int write_relative(victim *v)
{
	const gen_person *w = v->w;
	char act[TG_UUID_LEN];
	bool arrest = w->arrest_days > 0;
	int day = start_day(w);
	int rc = write_act(v, arrest ? "administrative_arrest" : "administrative_fine", day,
	                   arrest ? "released" : "fined", NULL, GEN_UNIT_POLICE, act);
	if (rc)
		return rc;
	char sentence[64], title[160];
	if (arrest)
		snprintf(sentence, sizeof sentence, "%d days of administrative arrest", w->arrest_days);
	else
		snprintf(sentence, sizeof sentence, "fine of 10 monthly indices");
	snprintf(title, sizeof title, "Administrative case against %s", tg_strbuf_str(&v->name));
	json_t *doc = json_pack(
		"{s:s, s:s, s:s, s:s, s:[{s:s, s:s}], s:[{s:s}], s:[o, o], s:[s], s:s}",
		"type", "administrative", "title", title, "authority", "administrative court, Astana",
		"place", "kz-astana", "parties", "person", v->uid, "role", "defendant",
		"charges", "label", "participation in an unsanctioned meeting",
		"stages", stage("hearing", day + 1, NULL, NULL, NULL),
		stage("verdict", day + 1, "administrative court, Astana", NULL, sentence),
		"acts", act, "sentence", sentence);
	if (doc && !arrest) {
		json_object_set_new(doc, "fine", json_real(30630));
		json_object_set_new(doc, "currency", json_string("KZT"));
	}
	return gen_create(v->d->st, &v->d->ids, "proceeding", doc, NULL, v->d->err);
}

static int write_street(victim *v)
{
	static const char *const street_methods[] = {"rubber_bullets", "stun_grenade", "tear_gas",
	                                              "live_ammunition"};
	const gen_person *w = v->w;
	bool killed = w->fate == GEN_KILLED;
	char act[TG_UUID_LEN];
	const char *method = killed ? (gen_chance(&v->r, 0.9) ? "live_ammunition" : "beating")
	                            : street_methods[tg_rng_below(&v->r, 4)];
	int rc = write_act(v, killed ? "killing" : "injury", start_day(w), killed ? "killed" : "injured",
	                   json_pack("[s]", method), w->unit_kind, act);
	const char *unit;
	if (!rc && w->probe && !(rc = gen_demo_unit(v->d, w->city, w->unit_kind, &unit)))
		rc = write_probe(v, act, unit, false);
	if (rc || !w->posthumous)
		return rc;
	char post[TG_UUID_LEN], title[160];
	if ((rc = write_act(v, "posthumous_prosecution", start_day(w) + 30, "killed", NULL, -1, post)))
		return rc;
	snprintf(title, sizeof title, "Posthumous criminal case against %s", tg_strbuf_str(&v->name));
	int day = start_day(w) + 30 + (int)tg_rng_below(&v->r, 60);
	return gen_create(v->d->st, &v->d->ids, "proceeding", json_pack(
		"{s:s, s:s, s:s, s:[{s:s, s:s}], s:[{s:s, s:s}], s:[o, o, o], s:[s]}",
		"type", "criminal_case", "title", title, "place", v->city_code,
		"parties", "person", v->uid, "role", "defendant",
		"charges", "article", "272", "label", "mass riots",
		"stages", stage("case_opened", day, v->prosecutor, NULL, NULL),
		stage("posthumous", day, NULL, NULL, "prosecuted after death"),
		stage("closed", day + 90 + (int)tg_rng_below(&v->r, 90), v->court, "death_of_accused", NULL),
		"acts", post), NULL, v->d->err);
}

static int write_custody(victim *v)
{
	const gen_person *w = v->w;
	bool died = w->fate == GEN_DIED_IN_CUSTODY;
	const char *status = died ? "died_in_custody"
	                   : w->case_outcome == GEN_CASE_CONVICTED ? "convicted"
	                   : w->case_outcome == GEN_CASE_PENDING ? "detained" : "released";
	int day = start_day(w);
	char act[TG_UUID_LEN], torture[TG_UUID_LEN];
	int rc = write_act(v, "arbitrary_detention", day, status, NULL, w->unit_kind, act);
	if (!rc && w->tortured)
		rc = write_act(v, "torture", day + (int)tg_rng_below(&v->r, 3), status,
		               torture_methods(w), w->unit_kind, torture);
	if (!rc && w->ill_treated)
		rc = write_act(v, "ill_treatment", day, status, NULL, w->unit_kind, act);
	if (!rc && died)
		rc = write_act(v, "death_in_custody", day + 1 + (int)tg_rng_below(&v->r, 3), status,
		               NULL, w->unit_kind, act);
	if (!rc && w->case_outcome)
		rc = write_criminal_case(v);
	const char *unit;
	if (!rc && w->probe && !(rc = gen_demo_unit(v->d, w->city, w->unit_kind, &unit)))
		rc = write_probe(v, died ? act : torture, unit, !died);
	return rc;
}

static int write_list_entries(victim *v)
{
	const gen_appearance *seen = v->d->seen + (size_t)v->w->index * GEN_NLISTS;
	int rc = 0;
	for (int l = 0; l < v->d->o.nlists && !rc; l++) {
		if (!seen[l].no)
			continue;
		char facts[256], locator[32];
		snprintf(facts, sizeof facts, "listed as %s", seen[l].spelling);
		snprintf(locator, sizeof locator, "record %u", seen[l].no);
		rc = gen_create(v->d->st, &v->d->ids, "information", json_pack(
			"{s:s, s:s, s:s, s:s}", "source", v->d->list_source[l], "subject", v->uid,
			"facts", facts, "locator", locator), NULL, v->d->err);
	}
	return rc;
}

/* A relative stands for the last person killed before them in the
 * population: the relation the meeting in Astana was about. */
static int write_kinship(victim *v)
{
	if (v->w->fate == GEN_KILLED) {
		memcpy(v->d->last_killed, v->uid, TG_UUID_LEN);
		return 0;
	}
	if (v->w->fate != GEN_RELATIVE || !*v->d->last_killed)
		return 0;
	return gen_create(v->d->st, &v->d->ids, "relation", json_pack(
		"{s:s, s:s, s:s, s:s}", "type", "relative", "from", v->uid, "to", v->d->last_killed,
		"note", "Synthetic: relative demanding accountability for the death."), NULL,
		v->d->err);
}

/* Who acted on a complaint or death investigation: a lawyer for most, an
 * NGO appeal or a UN communication for some. Drawn last, so the other
 * draws of the person stay as they are. */
static int write_interventions(victim *v)
{
	if (!*v->probe)
		return 0;
	uint32_t u = tg_rng_below(&v->r, 100);
	int day = start_day(v->w) + 20 + (int)tg_rng_below(&v->r, 60);
	int rc = 0;
	if (u < 60)
		rc = gen_create(v->d->st, &v->d->ids, "intervention", json_pack(
			"{s:s, s:s, s:s, s:s}", "type", "legal_representation", "subject", v->probe,
			"by", "lawyer (synthetic)", "date", day_date(day, false).s), NULL, v->d->err);
	if (!rc && u >= 85)
		rc = gen_create(v->d->st, &v->d->ids, "intervention", json_pack(
			"{s:s, s:s, s:s, s:s, s:s}", "type", u >= 95 ? "un_communication" : "ngo_appeal",
			"subject", v->probe, "by", "human rights NGO (synthetic)",
			"date", day_date(day + 60, true).s,
			"response", u >= 95 ? "no reply from the government within the deadline"
			                    : "the prosecutor's office replied the case was closed"),
			NULL, v->d->err);
	return rc;
}

int gen_demo_person(gen_demo *d, const gen_person *who)
{
	victim v = {.d = d, .w = who, .name = TG_STRBUF_INIT};
	gen_rng_for(&v.r, d->o.seed, who->index, 16);
	const gen_city *city = &d->pools->cities[who->city];
	v.city_code = city->code;
	snprintf(v.court, sizeof v.court, "court in %s", city->en);
	snprintf(v.prosecutor, sizeof v.prosecutor, "prosecutor's office, %s", city->en);
	int rc = write_person_record(&v);
	if (!rc) {
		switch (who->fate) {
		case GEN_KILLED:
		case GEN_INJURED:
			rc = write_street(&v);
			break;
		case GEN_RELATIVE:
			rc = write_relative(&v);
			break;
		default:
			rc = write_custody(&v);
		}
	}
	if (!rc)
		rc = write_list_entries(&v);
	if (!rc)
		rc = write_kinship(&v);
	if (!rc)
		rc = write_interventions(&v);
	tg_strbuf_release(&v.name);
	return rc;
}
