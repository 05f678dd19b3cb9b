/*
 * The agenda: what a lawyer must not miss across every proceeding — the
 * next hearings, the dated stages that are hearings, and the deadlines the
 * rules (deadlines.c) derive from dated stages, each open, met or passed.
 *
 * Dates are partial, so every date is a span of days: "2024-02" is the
 * whole of February. A deadline after a stage known only to the month is
 * itself known only to the month: its text gives the earliest month it can
 * fall in (the side to act on), its span runs to the latest day it can
 * fall on, and it is "passed" only once that latest day is gone.
 *
 * The workload is every live proceeding read once (a few thousand in a
 * large database): no query narrows them, because a deadline's date is a
 * stage's date plus a rule's days and the rules are data.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/agenda-int.h"

enum { DEFAULT_DAYS = 90 };

/* Days since 1970-01-01 in the proleptic Gregorian calendar and back
 * (H. Hinnant's days_from_civil and civil_from_days). */
static long day_number(int y, int m, int d)
{
	y -= m <= 2;
	long era = (y >= 0 ? y : y - 399) / 400;
	long yoe = y - era * 400;
	long doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static tg_pdate civil(long z)
{
	z += 719468;
	long era = (z >= 0 ? z : z - 146096) / 146097;
	long doe = z - era * 146097;
	long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	long mp = (5 * doy + 2) / 153;
	tg_pdate d = {0};
	d.day = (int)(doy - (153 * mp + 2) / 5 + 1);
	d.month = (int)(mp < 10 ? mp + 3 : mp - 9);
	d.year = (int)(yoe + era * 400 + (d.month <= 2));
	return d;
}

/* The days a partial date may denote. */
struct span {
	long first, last;
};

static struct span span_of(const tg_pdate *d)
{
	struct span s;
	s.first = day_number(d->year, d->month ? d->month : 1, d->day ? d->day : 1);
	if (d->day)
		s.last = s.first;
	else if (d->month)
		s.last = (d->month == 12 ? day_number(d->year + 1, 1, 1)
		                         : day_number(d->year, d->month + 1, 1)) - 1;
	else
		s.last = day_number(d->year + 1, 1, 1) - 1;
	return s;
}

static bool parse(const char *s, tg_pdate *d)
{
	return s && !tg_pdate_parse(s, d, NULL);
}

static bool listed(const char *const *list, size_t n, const char *code)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(list[i], code))
			return true;
	return false;
}

/* An item while building: its span decides the window and the order. */
struct entry {
	tg_agenda_item it;
	struct span span;
};

struct build {
	tg_store *st;
	const tg_agenda_opts *o;
	const tg_agenda_rules *rules;
	const char *lang;
	struct span window;
	long today, overdue_from;
	tg_agenda *a;
	struct entry *e;
	size_t n, cap;
	const json_t *parties; /* of the proceeding being read */
};

/* A proceeding's stages, parsed once. */
struct stage {
	const char *code, *date, *authority;
	tg_pdate d;
	bool dated;
	struct span span;
};

/* The fields every item of one proceeding shares, pointing into doc:
 * add() copies what an item keeps, so a proceeding with nothing in the
 * window costs nothing. */
static tg_agenda_item common(struct build *b, const json_t *doc)
{
	tg_agenda_item it = {0};
	const char *type = json_string_value(json_object_get(doc, "type"));
	it.proceeding = json_string_value(json_object_get(doc, "id"));
	it.case_number = json_string_value(json_object_get(doc, "case_number"));
	it.title = json_string_value(json_object_get(doc, "title"));
	if (!it.title)
		it.title = it.case_number ? it.case_number
		         : type           ? tg_term_label(b->st, "proceeding_type", type, b->lang)
		                          : it.proceeding;
	it.authority = json_string_value(json_object_get(doc, "authority"));
	b->parties = json_object_get(doc, "parties");
	return it;
}

static const char *dup(tg_arena *ar, const char *s)
{
	return s ? tg_arena_strdup(ar, s) : NULL;
}

/* Keeps a copy of item it, dated d, whose uid ends in what. */
static void add(struct build *b, const tg_agenda_item *in, const tg_pdate *d, struct span span,
                const char *what)
{
	tg_arena *ar = b->a->arena;
	tg_agenda_item it = *in;
	tg_pdate_format(d, it.date, sizeof it.date, true);
	it.whole_day = d->day != 0;
	char compact[16];
	snprintf(compact, sizeof compact, d->day ? "%04d%02d%02d" : d->month ? "%04d%02d" : "%04d",
	         d->year, d->month, d->day);
	tg_strbuf uid = TG_STRBUF_INIT;
	tg_strbuf_addf(&uid, "%s-%s-%s-%s", it.proceeding, tg_agenda_kind_name(it.kind), compact,
	               what);
	it.uid = dup(ar, uid.buf);
	tg_strbuf_release(&uid);
	const char **text[] = {&it.proceeding, &it.title, &it.case_number, &it.authority, &it.field,
	                       &it.stage, &it.stage_label, &it.stage_date, &it.rule, &it.label,
	                       &it.basis};
	for (size_t i = 0; i < sizeof text / sizeof text[0]; i++)
		*text[i] = dup(ar, *text[i]);
	it.nparties = json_array_size(b->parties);
	tg_agenda_party *p = tg_arena_alloc(ar, (it.nparties + 1) * sizeof *p);
	for (size_t i = 0; i < it.nparties; i++) {
		const json_t *x = json_array_get(b->parties, i);
		p[i].person = dup(ar, json_string_value(json_object_get(x, "person")));
		p[i].role = dup(ar, json_string_value(json_object_get(x, "role")));
	}
	it.parties = p;
	if (b->n == b->cap) {
		b->cap = b->cap ? 2 * b->cap : 64;
		b->e = realloc(b->e, b->cap * sizeof *b->e);
		if (!b->e)
			abort();
	}
	b->e[b->n++] = (struct entry){it, span};
}

static bool in_window(const struct build *b, struct span s)
{
	return s.last >= b->window.first && s.first <= b->window.last;
}

static void hearing(struct build *b, const tg_agenda_item *base, const struct stage *s,
                    const char *field, const tg_pdate *d)
{
	struct span span = span_of(d);
	if (!in_window(b, span))
		return;
	tg_agenda_item it = *base;
	it.kind = TG_AGENDA_HEARING;
	it.status = TG_AGENDA_NONE;
	it.field = field;
	it.stage = s ? s->code : "hearing";
	it.stage_label = tg_term_label(b->st, "stage", it.stage, b->lang);
	if (s && s->authority)
		it.authority = s->authority;
	add(b, &it, d, span, it.stage);
}

/* Was an expected stage recorded after stage i? Later in the list counts
 * unless its date says it came before; earlier in the list counts when
 * its date says it came after. */
static bool met(const struct stage *s, size_t n, size_t i, const tg_agenda_rule *r)
{
	for (size_t j = 0; j < n; j++) {
		if (j == i || !listed(r->expect, r->nexpect, s[j].code))
			continue;
		bool both = s[i].dated && s[j].dated;
		if (j > i && (!both || s[j].span.last >= s[i].span.first))
			return true;
		if (j < i && both && s[j].span.first > s[i].span.last)
			return true;
	}
	return false;
}

static void deadline(struct build *b, const tg_agenda_item *base, const char *type,
                     const struct stage *s, size_t n, size_t i, const tg_agenda_rule *r)
{
	if (strcmp(r->after, s[i].code) || !s[i].dated ||
	    (r->ntypes && (!type || !listed(r->types, r->ntypes, type))))
		return;
	struct span span = {s[i].span.first + r->days, s[i].span.last + r->days};
	int status = met(s, n, i, r) ? TG_AGENDA_MET
	           : b->today > span.last ? TG_AGENDA_PASSED : TG_AGENDA_OPEN;
	bool overdue = status == TG_AGENDA_PASSED && span.last >= b->overdue_from &&
	               span.first <= b->window.last;
	if (!in_window(b, span) && !overdue)
		return;
	/* The deadline is as precise as the stage: its earliest day, month or
	 * year, approximate unless the stage's day is known for sure. */
	tg_pdate d = civil(span.first);
	if (!s[i].d.day)
		d.day = 0;
	if (!s[i].d.month)
		d.month = 0;
	d.approx = s[i].d.approx || !s[i].d.day;
	tg_agenda_item it = *base;
	char field[32];
	snprintf(field, sizeof field, "stages[%zu]", i);
	it.kind = TG_AGENDA_DEADLINE;
	it.status = status;
	it.field = field;
	it.stage = s[i].code;
	it.stage_label = tg_term_label(b->st, "stage", s[i].code, b->lang);
	it.stage_date = s[i].date;
	if (s[i].authority)
		it.authority = s[i].authority;
	it.rule = r->id;
	it.label = tg_agenda_rule_label(r, b->lang);
	it.basis = r->basis;
	it.days = r->days;
	add(b, &it, &d, span, r->id);
}

static bool visible(const struct build *b, const json_t *doc)
{
	if (b->o->visible)
		return b->o->visible(b->o->ctx, doc);
	int level = tg_clearance_level(json_string_value(json_object_get(doc, "confidentiality")));
	/* An unknown level is treated as the highest. */
	return (level < 0 ? TG_CLEAR_CONFIDENTIAL : level) <= b->o->clearance;
}

static int proceeding(void *ctx, const json_t *doc)
{
	struct build *b = ctx;
	if (!visible(b, doc))
		return 0;
	tg_agenda_item base = common(b, doc);
	const char *type = json_string_value(json_object_get(doc, "type"));
	const json_t *stages = json_object_get(doc, "stages");
	size_t n = json_array_size(stages);
	struct stage *s = calloc(n + 1, sizeof *s);
	if (!s)
		abort();
	for (size_t i = 0; i < n; i++) {
		const json_t *x = json_array_get(stages, i);
		s[i].code = json_string_value(json_object_get(x, "stage"));
		s[i].date = json_string_value(json_object_get(x, "date"));
		s[i].authority = json_string_value(json_object_get(x, "authority"));
		if (!s[i].code)
			s[i].code = "";
		s[i].dated = parse(s[i].date, &s[i].d);
		if (s[i].dated)
			s[i].span = span_of(&s[i].d);
	}
	const tg_agenda_rules *r = b->rules;
	tg_pdate next;
	bool has_next = parse(json_string_value(json_object_get(doc, "next_hearing")), &next);
	char field[32];
	for (size_t i = 0; i < n; i++) {
		if (!s[i].dated || !listed(r->hearing, r->nhearing, s[i].code))
			continue;
		snprintf(field, sizeof field, "stages[%zu]", i);
		hearing(b, &base, &s[i], field, &s[i].d);
		/* The next hearing is often the same day as a recorded stage. */
		if (has_next && !tg_pdate_cmp(&next, &s[i].d))
			has_next = false;
	}
	if (has_next)
		hearing(b, &base, NULL, "next_hearing", &next);
	for (size_t i = 0; i < n; i++)
		for (size_t k = 0; k < r->n; k++)
			deadline(b, &base, type, s, n, i, &r->rule[k]);
	free(s);
	return 0;
}

/* Passed deadlines (warnings) first, then by date, hearings before
 * deadlines of the same day; the uid last makes the order total. */
static int order(const void *pa, const void *pb)
{
	const struct entry *a = pa, *b = pb;
	bool wa = a->it.status == TG_AGENDA_PASSED, wb = b->it.status == TG_AGENDA_PASSED;
	if (wa != wb)
		return wa ? -1 : 1;
	if (a->span.first != b->span.first)
		return a->span.first < b->span.first ? -1 : 1;
	if (a->it.kind != b->it.kind)
		return a->it.kind - b->it.kind;
	int c = strcmp(a->it.title, b->it.title);
	return c ? c : strcmp(a->it.uid, b->it.uid);
}

/* The window: from (default today) to to (default from + 90 days). */
static int window(struct build *b, const tg_agenda_opts *o, tg_error *err)
{
	char now[TG_TIME_LEN];
	tg_now_utc(now);
	snprintf(b->a->today, sizeof b->a->today, "%.10s", o->today ? o->today : now);
	tg_pdate today, from, to;
	if (!parse(b->a->today, &today) || !today.day)
		return tg_error_set(err, TG_EDATE, "today", _("today must be a whole date"));
	b->today = span_of(&today).first;
	if (o->from && tg_pdate_parse(o->from, &from, err))
		return tg_error_set(err, TG_EDATE, "from", _("from: %s is not a date"), o->from);
	if (!o->from)
		from = today;
	from.approx = false;
	b->window.first = span_of(&from).first;
	if (o->to && tg_pdate_parse(o->to, &to, err))
		return tg_error_set(err, TG_EDATE, "to", _("to: %s is not a date"), o->to);
	if (!o->to)
		to = civil(b->window.first + DEFAULT_DAYS);
	to.approx = false;
	b->window.last = span_of(&to).last;
	if (b->window.last < b->window.first)
		return tg_error_set(err, TG_EINVAL, "to", _("to is before from"));
	tg_pdate_format(&from, b->a->from, sizeof b->a->from, false);
	tg_pdate_format(&to, b->a->to, sizeof b->a->to, false);
	b->overdue_from = b->window.first - (o->overdue_days > 0 ? o->overdue_days : 0);
	return 0;
}

int tg_agenda_build(tg_store *st, const tg_agenda_opts *o, tg_agenda **out, tg_error *err)
{
	*out = NULL;
	tg_agenda *a = calloc(1, sizeof *a);
	if (!a)
		abort();
	a->arena = tg_arena_new();
	tg_agenda_rules *own = NULL;
	struct build b = {.st = st, .o = o, .rules = o->rules, .lang = o->lang ? o->lang : "en",
	                  .a = a};
	int rc = window(&b, o, err);
	if (!rc && !b.rules && !(rc = tg_agenda_rules_load(st, NULL, &own, err)))
		b.rules = own;
	if (!rc) {
		tg_filter f = {.entity = "proceeding"};
		rc = tg_record_list(st, &f, proceeding, &b, err);
	}
	if (!rc) {
		if (b.n)
			qsort(b.e, b.n, sizeof *b.e, order);
		a->items = tg_arena_alloc(a->arena, (b.n + 1) * sizeof *a->items);
		for (size_t i = 0; i < b.n; i++)
			if (!i || strcmp(b.e[i].it.uid, b.e[i - 1].it.uid))
				a->items[a->n++] = b.e[i].it;
	}
	free(b.e);
	tg_agenda_rules_free(own);
	if (rc) {
		tg_agenda_free(a);
		return rc;
	}
	*out = a;
	return 0;
}

void tg_agenda_free(tg_agenda *a)
{
	if (!a)
		return;
	tg_arena_free(a->arena);
	free(a);
}

const char *tg_agenda_kind_name(int kind)
{
	return kind == TG_AGENDA_DEADLINE ? "deadline" : "hearing";
}

const char *tg_agenda_status_name(int status)
{
	static const char *const names[] = {NULL, "open", "met", "passed"};
	return status > 0 && status <= TG_AGENDA_PASSED ? names[status] : NULL;
}

const char *tg_agenda_kind_label(int kind)
{
	return kind == TG_AGENDA_DEADLINE ? _("deadline") : _("hearing");
}

const char *tg_agenda_status_label(int status)
{
	static const char *const labels[] = {"", N_("open"), N_("met"), N_("passed")};
	return status > 0 && status <= TG_AGENDA_PASSED ? _(labels[status]) : "";
}

json_t *tg_agenda_item_json(const tg_agenda_item *it)
{
	json_t *parties = json_array();
	for (size_t i = 0; i < it->nparties; i++)
		json_array_append_new(parties, json_pack("{s:s?, s:s?}", "person", it->parties[i].person,
		                                         "role", it->parties[i].role));
	json_t *o = json_pack("{s:s, s:s, s:s?, s:b, s:s, s:s, s:s, s:s?, s:s?, s:s, s:s?, s:s?}",
	                      "date", it->date, "kind", tg_agenda_kind_name(it->kind), "status",
	                      tg_agenda_status_name(it->status), "in_calendar", it->whole_day,
	                      "uid", it->uid, "proceeding", it->proceeding, "title", it->title,
	                      "case_number", it->case_number, "authority", it->authority, "field",
	                      it->field, "stage", it->stage, "stage_label", it->stage_label);
	if (it->kind == TG_AGENDA_DEADLINE) {
		json_object_set_new(o, "stage_date", json_string(it->stage_date));
		json_object_set_new(o, "rule", json_string(it->rule));
		json_object_set_new(o, "label", json_string(it->label));
		json_object_set_new(o, "days", json_integer(it->days));
		if (it->basis)
			json_object_set_new(o, "basis", json_string(it->basis));
	}
	json_object_set_new(o, "parties", parties);
	return o;
}
