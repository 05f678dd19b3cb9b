/*
 * The entity tables.  Field order is the column order of the migration that
 * creates the table and the order fields are shown in; names are the JSON
 * keys and the SQL column names.  tests/unit/model checks that every field
 * here has its column in the schema.
 */
#include "model/model.h"

#define REF(mask) TG_FT_REF, NULL, (mask), 0
#define REQREF(mask) TG_FT_REF, NULL, (mask), TG_FF_REQUIRED
#define TERM(v) TG_FT_TERM, (v), 0, 0
#define REQTERM(v) TG_FT_TERM, (v), 0, TG_FF_REQUIRED
#define PLAIN(t) (t), NULL, 0, 0
#define LIST(c) TG_FT_LIST, NULL, 0, 0, &(c)

/* Entity indexes: the order of all_entities below. */
enum { E_PLACE, E_SOURCE, E_PERSON, E_RELATION, E_EVENT, E_ACT, E_INVOLVEMENT,
       E_PROCEEDING, E_INFORMATION, E_INTERVENTION, E_EVIDENCE, E_CUSTODY };
#define B(e) (1u << (e))
#define ANY_SUBJECT (B(E_EVENT) | B(E_ACT) | B(E_PERSON) | B(E_PROCEEDING))

#define CONF {"confidentiality", TERM("confidentiality"), .help = N_("public, restricted or confidential")}
#define NOTE {"note", TG_FT_TEXT, NULL, 0, TG_FF_MULTILINE, .help = N_("free note")}

static const tg_field place_fields[] = {
	{"code", PLAIN(TG_FT_TEXT), .help = N_("short unique code, e.g. kz-almaty")},
	{"name", TG_FT_TEXT, NULL, 0, TG_FF_REQUIRED, .help = N_("name in its usual form")},
	{"name_kk", PLAIN(TG_FT_TEXT), .help = N_("name in Kazakh")},
	{"name_ru", PLAIN(TG_FT_TEXT), .help = N_("name in Russian")},
	{"name_en", PLAIN(TG_FT_TEXT), .help = N_("name in English")},
	{"type", TERM("place_type"), .help = N_("country, region, city, district, ...")},
	{"parent", REF(B(E_PLACE)), .help = N_("the place it lies within")},
	{"lat", PLAIN(TG_FT_REAL), .min = -90, .max = 90, .help = N_("latitude (WGS 84)")},
	{"lon", PLAIN(TG_FT_REAL), .min = -180, .max = 180, .help = N_("longitude (WGS 84)")},
	CONF,
};

static const tg_field source_fields[] = {
	{"type", REQTERM("source_type"), .help = N_("testimony, medical report, court document, ...")},
	{"title", TG_FT_TEXT, NULL, 0, TG_FF_REQUIRED, .help = N_("title")},
	{"author", PLAIN(TG_FT_TEXT), .help = N_("author")},
	{"organisation", PLAIN(TG_FT_TEXT), .help = N_("organisation that issued it")},
	{"date", PLAIN(TG_FT_DATE), .help = N_("date issued")},
	{"language", TERM("language"), .help = N_("language of the source")},
	{"url", PLAIN(TG_FT_TEXT), .help = N_("where it was published")},
	{"reliability", TERM("reliability"), .help = N_("how far it can be relied on")},
	NOTE,
	CONF,
};

static const tg_field name_fields[] = {
	{"text", TG_FT_TEXT, NULL, 0, TG_FF_REQUIRED | TG_FF_NAME, .help = N_("the name verbatim")},
	{"role", TERM("name_role"), .help = N_("full, given, family, patronymic, alias")},
	{"script", TERM("script"), .help = N_("Cyrl or Latn (detected when omitted)")},
	{"lang", TERM("language"), .help = N_("language of this form")},
	{"source", REF(B(E_SOURCE)), .help = N_("source that gives this form")},
};
static const tg_entity person_name = {"name", "person_name", name_fields, 5, true, false, -1, NULL};

static const tg_field person_fields[] = {
	{"type", TERM("person_type"), .help = N_("individual (default) or unit")},
	{"names", LIST(person_name), .help = N_("names, each {text, role, script, lang, source}")},
	{"sex", TERM("sex"), .help = N_("male, female, unknown")},
	{"birth_date", PLAIN(TG_FT_DATE), .help = N_("partial birth date")},
	{"birth_place", REF(B(E_PLACE)), .help = N_("place of birth")},
	{"residence", REF(B(E_PLACE)), .help = N_("place of residence")},
	{"occupation", PLAIN(TG_FT_TEXT), .help = N_("occupation")},
	{"unit_type", TERM("unit_type"), .help = N_("for units: police, national guard, ...")},
	NOTE,
	CONF,
};

static const tg_field relation_fields[] = {
	{"type", REQTERM("relation_type"), .help = N_("family, member of, commander of, ...")},
	{"from", REQREF(B(E_PERSON)), .help = N_("the person or unit the relation starts at")},
	{"to", REQREF(B(E_PERSON)), .help = N_("the person or unit it points to")},
	{"start", PLAIN(TG_FT_DATE), .help = N_("since")},
	{"end", PLAIN(TG_FT_DATE), .help = N_("until")},
	NOTE,
	CONF,
};

static const tg_field event_fields[] = {
	{"title", TG_FT_TEXT, NULL, 0, TG_FF_REQUIRED, .help = N_("title")},
	{"start", PLAIN(TG_FT_DATE), .help = N_("start date")},
	{"end", PLAIN(TG_FT_DATE), .help = N_("end date")},
	{"place", REF(B(E_PLACE)), .help = N_("place (id or code)")},
	{"description", TG_FT_TEXT, NULL, 0, TG_FF_MULTILINE, .help = N_("description")},
	{"parent", REF(B(E_EVENT)), .help = N_("the event this one belongs to or follows")},
	{"relation", TERM("event_relation"), .help = N_("how it relates to parent")},
	CONF,
};

static const tg_field method_fields[] = {
	{"method", REQTERM("act_method"), .help = N_("method")},
};
static const tg_entity act_method = {"method", "act_method", method_fields, 1, true, true, -1, NULL};

static const tg_field act_fields[] = {
	{"type", REQTERM("act_type"), .help = N_("killing, torture, arbitrary detention, ...")},
	{"victim", REQREF(B(E_PERSON)), .help = N_("the victim")},
	{"event", REF(B(E_EVENT)), .help = N_("the event it happened in")},
	{"methods", LIST(act_method), .help = N_("methods: beating, hooding, burns, ...")},
	{"start", PLAIN(TG_FT_DATE), .help = N_("start date")},
	{"end", PLAIN(TG_FT_DATE), .help = N_("end date")},
	{"place", REF(B(E_PLACE)), .help = N_("place (id or code)")},
	{"physical_consequences", TG_FT_TEXT, NULL, 0, TG_FF_MULTILINE, .help = N_("physical consequences")},
	{"psychological_consequences", TG_FT_TEXT, NULL, 0, TG_FF_MULTILINE, .help = N_("psychological consequences")},
	{"status", TERM("victim_status"), .help = N_("victim's status at the end: killed, injured, ...")},
	{"description", TG_FT_TEXT, NULL, 0, TG_FF_MULTILINE, .help = N_("description")},
	CONF,
};

static const tg_field involvement_fields[] = {
	{"act", REQREF(B(E_ACT)), .help = N_("the act")},
	{"perpetrator", REQREF(B(E_PERSON)), .help = N_("person or unit")},
	{"degree", TERM("involvement_degree"), .help = N_("direct, ordered, failed to prevent, ...")},
	NOTE,
	CONF,
};

static const tg_field party_fields[] = {
	{"person", REQREF(B(E_PERSON)), .help = N_("person or unit")},
	{"role", REQTERM("party_role"), .help = N_("defendant, complainant, lawyer, ...")},
};
static const tg_entity proc_party = {"party", "proceeding_party", party_fields, 2, true, false, -1, NULL};

static const tg_field charge_fields[] = {
	{"article", PLAIN(TG_FT_TEXT), .help = N_("article of the code, e.g. 272")},
	{"label", TG_FT_TEXT, NULL, 0, TG_FF_REQUIRED, .help = N_("what the charge is")},
};
static const tg_entity proc_charge = {"charge", "proceeding_charge", charge_fields, 2, true, false, -1, NULL};

static const tg_field stage_fields[] = {
	{"stage", REQTERM("stage"), .help = N_("complaint filed, charged, verdict, ...")},
	{"date", PLAIN(TG_FT_DATE), .help = N_("date")},
	{"authority", PLAIN(TG_FT_TEXT), .help = N_("court or body that acted")},
	{"reason", TERM("closure_reason"), .help = N_("for a closure: why")},
	{"note", PLAIN(TG_FT_TEXT), .help = N_("note")},
};
static const tg_entity proc_stage = {"stage", "proceeding_stage", stage_fields, 5, true, false, -1, NULL};

static const tg_field proc_act_fields[] = {
	{"act", REQREF(B(E_ACT)), .help = N_("act")},
};
static const tg_entity proc_act = {"act", "proceeding_act", proc_act_fields, 1, true, true, -1, NULL};

static const tg_field proceeding_fields[] = {
	{"type", REQTERM("proceeding_type"), .help = N_("criminal case, complaint, investigation, civil, administrative")},
	{"title", PLAIN(TG_FT_TEXT), .help = N_("short title")},
	{"case_number", PLAIN(TG_FT_TEXT), .help = N_("case number")},
	{"authority", PLAIN(TG_FT_TEXT), .help = N_("court, prosecutor's office or other body")},
	{"place", REF(B(E_PLACE)), .help = N_("place (id or code)")},
	{"parties", LIST(proc_party), .help = N_("parties, each {person, role}")},
	{"charges", LIST(proc_charge), .help = N_("charges, each {article, label}")},
	{"stages", LIST(proc_stage), .help = N_("dated stages, each {stage, date, authority, reason, note}")},
	{"acts", LIST(proc_act), .help = N_("acts it concerns")},
	{"sentence", PLAIN(TG_FT_TEXT), .help = N_("sentence as pronounced")},
	{"sentence_months", PLAIN(TG_FT_INT), .min = 0, .max = 1200, .help = N_("prison term in months")},
	{"fine", PLAIN(TG_FT_REAL), .min = 0, .max = 1e12, .help = N_("fine amount")},
	{"currency", PLAIN(TG_FT_TEXT), .help = N_("currency of the fine, e.g. KZT")},
	{"next_hearing", PLAIN(TG_FT_DATE), .help = N_("next scheduled hearing")},
	NOTE,
	CONF,
};

static const tg_field information_fields[] = {
	{"source", REQREF(B(E_SOURCE)), .help = N_("the source")},
	{"subject", REQREF(ANY_SUBJECT), .help = N_("event, act, person or proceeding it supports")},
	{"facts", TG_FT_TEXT, NULL, 0, TG_FF_MULTILINE, .help = N_("which facts the source supports")},
	{"reliability", TERM("reliability"), .help = N_("reliability for these facts")},
	{"locator", PLAIN(TG_FT_TEXT), .help = N_("page, paragraph or time code")},
	CONF,
};

static const tg_field intervention_fields[] = {
	{"type", REQTERM("intervention_type"), .help = N_("legal aid, NGO appeal, UN communication, ...")},
	{"subject", REQREF(ANY_SUBJECT), .help = N_("event, act, person or proceeding acted on")},
	{"by", PLAIN(TG_FT_TEXT), .help = N_("who acted")},
	{"date", PLAIN(TG_FT_DATE), .help = N_("date")},
	{"response", TG_FT_TEXT, NULL, 0, TG_FF_MULTILINE, .help = N_("response received")},
	NOTE,
	CONF,
};

static const tg_field evidence_fields[] = {
	{"source", REQREF(B(E_SOURCE)), .help = N_("the source the file comes from")},
	{"subject", REF(ANY_SUBJECT), .help = N_("event, act, person or proceeding it shows")},
	{"filename", PLAIN(TG_FT_TEXT), .help = N_("the file's name at intake")},
	{"blob", TG_FT_TEXT, NULL, 0, TG_FF_REQUIRED, .help = N_("id of the encrypted file in the vault")},
	{"sha256", TG_FT_TEXT, NULL, 0, TG_FF_REQUIRED, .help = N_("SHA-256 of the file at intake")},
	{"size", PLAIN(TG_FT_INT), .min = 0, .max = 9.2e18, .help = N_("size in bytes")},
	{"captured_at", PLAIN(TG_FT_TEXT), .help = N_("when it was captured (as the capturer says)")},
	{"captured_by", PLAIN(TG_FT_TEXT), .help = N_("who captured it")},
	{"url", PLAIN(TG_FT_TEXT), .help = N_("where it was published or fetched")},
	NOTE,
	CONF,
};

static const tg_field custody_fields[] = {
	{"evidence", REQREF(B(E_EVIDENCE)), .help = N_("the evidence")},
	{"action", REQTERM("custody_action"), .help = N_("intake, transferred, copied, examined, ...")},
	{"by", PLAIN(TG_FT_TEXT), .help = N_("who acted")},
	{"at", PLAIN(TG_FT_TEXT), .help = N_("when (UTC)")},
	NOTE,
	CONF,
};

#define ENTITY(n, tbl, f, i, h) \
	static const tg_entity n##_entity = {#n, tbl, f, sizeof f / sizeof f[0], false, false, i, h}
ENTITY(place, "place", place_fields, E_PLACE, N_("a place in the country > region > city > district hierarchy"));
ENTITY(source, "source", source_fields, E_SOURCE, N_("a source: testimony, document, list, report"));
ENTITY(person, "person", person_fields, E_PERSON, N_("a person, or a unit such as a police department"));
ENTITY(relation, "relation", relation_fields, E_RELATION, N_("a relation between persons or units"));
ENTITY(event, "event", event_fields, E_EVENT, N_("an event, possibly part of a larger one"));
ENTITY(act, "act", act_fields, E_ACT, N_("a violation suffered by a victim"));
ENTITY(involvement, "involvement", involvement_fields, E_INVOLVEMENT, N_("a perpetrator's part in an act"));
ENTITY(proceeding, "proceeding", proceeding_fields, E_PROCEEDING, N_("a criminal case, complaint, investigation or other proceeding"));
ENTITY(information, "information", information_fields, E_INFORMATION, N_("a source supporting facts about a record"));
ENTITY(intervention, "intervention", intervention_fields, E_INTERVENTION, N_("an action taken on a case"));
ENTITY(evidence, "evidence", evidence_fields, E_EVIDENCE, N_("a file in the evidence vault"));
ENTITY(custody, "custody", custody_fields, E_CUSTODY, N_("a chain-of-custody event of evidence"));

static const tg_entity *const all_entities[] = {
	&place_entity, &source_entity, &person_entity, &relation_entity,
	&event_entity, &act_entity, &involvement_entity, &proceeding_entity,
	&information_entity, &intervention_entity, &evidence_entity, &custody_entity,
};

const tg_entity *const *tg_model_entities(int *n)
{
	*n = (int)(sizeof all_entities / sizeof all_entities[0]);
	return all_entities;
}
