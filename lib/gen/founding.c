/*
 * The founding case, entered as the system would hold it: Nursultan
 * Isayev, as told by Human Rights Watch ("Longing for Justice in
 * Kazakhstan", Mihra Rittmann, 29 January 2024).  Only what the column
 * reports is entered; unknown dates are left out or partial.
 */
#include "gen/population.h"

static const char hrw_facts_case[] =
	"Sentenced in February 2023 by a court in Aktobe to 15 years for \"encroaching on the "
	"life of police officers\" and \"mass rioting\"; a court-commissioned expert analysis "
	"and testimony showed the two officers he allegedly hit suffered no serious harm; the "
	"appeal court upheld the conviction; the Supreme Court scheduled a preliminary review "
	"for 5 February 2024.";

static int write_context(tg_store *st, gen_ids *ids, gen_founding *f, tg_error *err)
{
	int rc = gen_create(st, ids, "source", json_pack(
		"{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}",
		"type", "ngo_report", "title", "Longing for Justice in Kazakhstan",
		"author", "Mihra Rittmann", "organisation", "Human Rights Watch",
		"date", "2024-01-29", "language", "en", "reliability", "high",
		"url", "https://www.hrw.org/news/2024/01/29/longing-justice-kazakhstan",
		"confidentiality", "public"), f->source, err);
	if (!rc)
		rc = gen_create(st, ids, "event", json_pack(
			"{s:s, s:s, s:s, s:s, s:s}",
			"title", "January 2022 events in Kazakhstan (Qandy Qantar)",
			"start", "2022-01", "place", "kz",
			"description", "Protests across the country put down by force. Public "
			"reporting: at least 238 people killed, at least 6 deaths in custody, "
			"nearly 1,400 people prosecuted, several hundred allegations of torture "
			"or ill-treatment, about two dozen police officers held accountable.",
			"confidentiality", "public"), f->nationwide, err);
	if (!rc)
		rc = gen_create(st, ids, "event", json_pack(
			"{s:s, s:s, s:s, s:s, s:s, s:s}",
			"title", "Protests in Aktobe, January 2022", "start", "2022-01",
			"place", "kz-aktobe", "parent", f->nationwide, "relation", "part_of",
			"confidentiality", "public"), f->aktobe_event, err);
	if (!rc)
		rc = gen_create(st, ids, "person", json_pack(
			"{s:s, s:s, s:[{s:s, s:s, s:s}, {s:s, s:s, s:s}], s:s}",
			"type", "unit", "unit_type", "police", "names",
			"text", "Aktobe police", "role", "full", "lang", "en",
			"text", "Полиция Актобе", "role", "full", "lang", "ru",
			"confidentiality", "public"), f->aktobe_police, err);
	return rc;
}

static int write_person(tg_store *st, gen_ids *ids, gen_founding *f, tg_error *err)
{
	return gen_create(st, ids, "person", json_pack(
		"{s:[{s:s, s:s, s:s}, {s:s, s:s, s:s}, {s:s, s:s, s:s, s:s},"
		"   {s:s, s:s, s:s}, {s:s, s:s, s:s}, {s:s, s:s, s:s}, {s:s, s:s, s:s}],"
		" s:s, s:s, s:s, s:s, s:s}",
		"names",
		"text", "Нұрсұлтан Исаев", "role", "full", "lang", "kk",
		"text", "Нурсултан Исаев", "role", "full", "lang", "ru",
		"text", "Nursultan Isayev", "role", "full", "lang", "en", "source", f->source,
		"text", "Нұрсұлтан", "role", "given", "lang", "kk",
		"text", "Исаев", "role", "family", "lang", "kk",
		"text", "Nursultan", "role", "given", "lang", "en",
		"text", "Isayev", "role", "family", "lang", "en",
		"sex", "male", "birth_date", "~1990", "residence", "kz-aktobe-region",
		"note", "From western Kazakhstan; 33 in January 2024.",
		"confidentiality", "public"), f->person, err);
}

typedef struct case_ids {
	char act[TG_UUID_LEN], trial[TG_UUID_LEN], complaint[TG_UUID_LEN];
} case_ids;

static int write_torture(tg_store *st, gen_ids *ids, const gen_founding *f, case_ids *c,
                         tg_error *err)
{
	int rc = gen_create(st, ids, "act", json_pack(
		"{s:s, s:s, s:s, s:[s], s:s, s:s, s:s, s:s, s:s, s:s}",
		"type", "torture", "victim", f->person, "event", f->aktobe_event,
		"methods", "beating", "start", "~2022-01", "place", "kz-aktobe",
		"physical_consequences", "broken ribs, lost teeth, concussion",
		"status", "convicted",
		"description", "He alleges police beat him to force a confession; medical "
		"reports corroborate it.",
		"confidentiality", "public"), c->act, err);
	if (!rc)
		rc = gen_create(st, ids, "involvement", json_pack(
			"{s:s, s:s, s:s, s:s, s:s}",
			"act", c->act, "perpetrator", f->aktobe_police, "degree", "direct",
			"note", "as alleged by the victim", "confidentiality", "public"), NULL, err);
	return rc;
}

static int write_proceedings(tg_store *st, gen_ids *ids, const gen_founding *f, case_ids *c,
                             tg_error *err)
{
	int rc = gen_create(st, ids, "proceeding", json_pack(
		"{s:s, s:s, s:s, s:s, s:[{s:s, s:s}],"
		" s:[{s:s}, {s:s, s:s}],"
		" s:[{s:s, s:s}, {s:s}, {s:s}, {s:s, s:s, s:s, s:s}, {s:s},"
		"    {s:s, s:s}, {s:s}, {s:s, s:s, s:s, s:s}],"
		" s:s, s:i, s:s, s:s, s:s}",
		"type", "criminal_case", "title", "Criminal case against Nursultan Isayev",
		"authority", "court in Aktobe", "place", "kz-aktobe",
		"parties", "person", f->person, "role", "defendant",
		"charges", "label", "encroaching on the life of police officers",
		"article", "272", "label", "mass rioting",
		"stages", "stage", "detained", "date", "~2022-01", "stage", "charged",
		"stage", "trial",
		"stage", "verdict", "date", "2023-02", "authority", "court in Aktobe",
		"note", "15 years",
		"stage", "appeal_filed", "stage", "appeal_decision", "note", "conviction upheld",
		"stage", "cassation_filed",
		"stage", "supreme_court_review", "date", "2024-02-05", "authority",
		"Supreme Court", "note", "preliminary review",
		"sentence", "15 years", "sentence_months", 180, "next_hearing", "2024-02-05",
		"note", "A court-commissioned expert analysis and testimony showed the two "
		"officers he allegedly hit suffered no serious harm.",
		"confidentiality", "public"), c->trial, err);
	if (!rc)
		rc = gen_create(st, ids, "proceeding", json_pack(
			"{s:s, s:s, s:[{s:s, s:s}],"
			" s:[{s:s}, {s:s, s:s}, {s:s, s:s, s:s, s:s}], s:[s], s:s}",
			"type", "complaint", "title", "Torture complaint of Nursultan Isayev",
			"parties", "person", f->person, "role", "complainant",
			"stages", "stage", "complaint_filed",
			"stage", "investigation", "note", "preliminary investigation",
			"stage", "closed", "authority", "prosecutor", "reason", "no_crime",
			"note", "\"there was no crime\"",
			"acts", c->act, "confidentiality", "public"), c->complaint, err);
	return rc;
}

/* The source behind each part of the case. */
static int write_information(tg_store *st, gen_ids *ids, const gen_founding *f,
                             const case_ids *c, tg_error *err)
{
	const struct {
		const char *subject, *facts;
	} links[] = {
		{f->person, "Nursultan Isayev, 33, from western Kazakhstan"},
		{c->act, "beating to force a confession; broken ribs, lost teeth, concussion; "
		         "medical reports corroborate"},
		{c->trial, hrw_facts_case},
		{c->complaint, "the prosecutor closed the preliminary investigation of his "
		               "complaint: \"there was no crime\""},
		{f->aktobe_event, "his prosecution in Aktobe after the January 2022 protests"},
	};
	int rc = 0;
	for (size_t i = 0; i < sizeof links / sizeof links[0] && !rc; i++)
		rc = gen_create(st, ids, "information", json_pack(
			"{s:s, s:s, s:s, s:s, s:s}",
			"source", f->source, "subject", links[i].subject, "facts", links[i].facts,
			"reliability", "high", "confidentiality", "public"), NULL, err);
	/* The column itself is an intervention: a public appeal on his case. */
	if (!rc)
		rc = gen_create(st, ids, "intervention", json_pack(
			"{s:s, s:s, s:s, s:s, s:s, s:s}",
			"type", "media_publication", "subject", c->trial, "by", "Human Rights Watch",
			"date", "2024-01-29", "note", "Column \"Longing for Justice in Kazakhstan\" "
			"calling for accountability for his torture and a fair review of his case.",
			"confidentiality", "public"), NULL, err);
	return rc;
}

int gen_founding_write(tg_store *st, gen_ids *ids, gen_founding *f, tg_error *err)
{
	case_ids c;
	int rc = write_context(st, ids, f, err);
	if (!rc)
		rc = write_person(st, ids, f, err);
	if (!rc)
		rc = write_torture(st, ids, f, &c, err);
	if (!rc)
		rc = write_proceedings(st, ids, f, &c, err);
	if (!rc)
		rc = write_information(st, ids, f, &c, err);
	return rc;
}

int tg_gen_founding(tg_store *st, tg_error *err)
{
	gen_ids ids;
	gen_founding f;
	gen_ids_init(&ids, 0);
	int rc = tg_store_begin(st, err);
	if (rc)
		return rc;
	rc = gen_founding_write(st, &ids, &f, err);
	if (rc) {
		tg_store_rollback(st);
		return rc;
	}
	return tg_store_commit(st, err);
}
