/*
 * Deadline rules: a JSON file saying how many days a party has after a
 * procedural stage, and which later stages show it acted.  Law changes and
 * lawyers disagree, so the windows are data (data/deadlines.json ships the
 * defaults) that a user replaces with --rules FILE.  A rules file is small
 * and written by hand: every error names the file, the line and the field.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/agenda-int.h"
#include "util/data.h"

static const char *const langs[] = {"kk", "ru", "en"};

const char *tg_agenda_rule_label(const tg_agenda_rule *r, const char *lang)
{
	for (int i = 0; i < 2; i++)
		if (lang && !strcmp(lang, langs[i]) && r->label[i])
			return r->label[i];
	return r->label[2];
}

/*
 * Jansson keeps no positions, so the line of a field is found in the text:
 * the line of key inside the index-th element of the top-level "rules"
 * array (of the element itself when key is NULL or absent), 0 when there is
 * no such element. The text has already parsed as JSON.
 */
static int line_of(const char *text, size_t index, const char *key)
{
	int line = 1, depth = 0, elem_line = 0;
	bool in_rules = false, want_elem = false;
	size_t count = 0;
	char last_key[64] = "";
	for (const char *p = text; *p; p++) {
		if (*p == '\n') {
			line++;
			continue;
		}
		if (*p == ' ' || *p == '\t' || *p == '\r' || *p == ',' || *p == ':') {
			if (*p == ',' && in_rules && depth == 2)
				want_elem = true;
			continue;
		}
		if (in_rules && depth == 2 && want_elem && *p != ']') {
			want_elem = false;
			if (count++ == index)
				elem_line = line;
		}
		if (*p == '"') {
			const char *s = ++p;
			while (*p && *p != '"')
				p += (*p == '\\' && p[1]) ? 2 : 1;
			size_t n = (size_t)(p - s);
			const char *q = p + 1;
			while (*q == ' ' || *q == '\t' || *q == '\r' || *q == '\n')
				q++;
			if (*q != ':')
				continue;
			if (depth == 1)
				snprintf(last_key, sizeof last_key, "%.*s", (int)n, s);
			if (elem_line && depth == 3 && key && strlen(key) == n && !strncmp(s, key, n))
				return line;
		} else if (*p == '[' || *p == '{') {
			depth++;
			if (depth == 2 && *p == '[' && !strcmp(last_key, "rules"))
				in_rules = want_elem = true;
		} else if (*p == ']' || *p == '}') {
			depth--;
			if (depth == 1)
				in_rules = false;
			if (elem_line && depth == 2)
				return elem_line;
		}
	}
	return elem_line;
}

struct reader {
	tg_store *st;
	const char *text;
	tg_agenda_rules *r;
	tg_error *err;
};

/* An error at field of rule i (i < 0: a top-level field). */
static int bad(struct reader *rd, long i, const char *field, int code, const char *msg)
{
	char path[128];
	if (i < 0)
		snprintf(path, sizeof path, "%s", field);
	else
		snprintf(path, sizeof path, "rules[%ld].%s", i, field);
	tg_error_set(rd->err, code, path, "%s: %s", path, msg);
	if (i >= 0)
		rd->err->line = line_of(rd->text, (size_t)i, field);
	return code;
}

static int unknown(struct reader *rd, long i, const char *field, const char *vocab,
                   const char *code)
{
	char msg[200];
	snprintf(msg, sizeof msg, _("\"%s\" is not a term of the vocabulary %s"), code, vocab);
	return bad(rd, i, field, TG_EVOCAB, msg);
}

/* A list of vocabulary codes, copied into the arena. */
static int codes(struct reader *rd, long i, const char *field, const json_t *v,
                 const char *vocab, bool required, const char ***out, size_t *n)
{
	*out = NULL;
	*n = 0;
	if (!v && !required)
		return 0;
	if (!json_is_array(v) || (required && !json_array_size(v)))
		return bad(rd, i, field, TG_ETYPE, _("must be a list of codes"));
	*out = tg_arena_alloc(rd->r->arena, (json_array_size(v) + 1) * sizeof **out);
	size_t k;
	const json_t *c;
	json_array_foreach(v, k, c) {
		const char *code = json_string_value(c);
		if (!code)
			return bad(rd, i, field, TG_ETYPE, _("must be a list of codes"));
		if (rd->st && !tg_term_exists(rd->st, vocab, code))
			return unknown(rd, i, field, vocab, code);
		(*out)[(*n)++] = tg_arena_strdup(rd->r->arena, code);
	}
	return 0;
}

/* Rule ids go into calendar UIDs: letters, digits, '-' and '_' only. */
static bool id_ok(const char *s)
{
	if (!s || !*s || strlen(s) > 40)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '-' || *s == '_'))
			return false;
	return true;
}

static int read_rule(struct reader *rd, long i, const json_t *o, tg_agenda_rule *rule)
{
	if (!json_is_object(o))
		return bad(rd, i, "id", TG_ETYPE, _("a rule must be an object"));
	static const char *const known[] = {"id", "after", "days", "expect", "proceeding_type",
	                                    "label", "basis"};
	const char *k;
	const json_t *v;
	json_object_foreach((json_t *)o, k, v) {
		bool ok = false;
		for (size_t j = 0; j < sizeof known / sizeof known[0]; j++)
			ok |= !strcmp(k, known[j]);
		if (!ok)
			return bad(rd, i, k, TG_EINVAL, _("unknown field"));
	}
	const char *id = json_string_value(json_object_get(o, "id"));
	if (!id_ok(id))
		return bad(rd, i, "id", TG_EINVAL,
		           _("needs an id of lowercase letters, digits, '-' and '_'"));
	for (size_t j = 0; j < rd->r->n; j++)
		if (!strcmp(rd->r->rule[j].id, id))
			return bad(rd, i, "id", TG_EINVAL, _("another rule has this id"));
	rule->id = tg_arena_strdup(rd->r->arena, id);
	const char *after = json_string_value(json_object_get(o, "after"));
	if (!after)
		return bad(rd, i, "after", TG_EINVAL, _("needs the stage the window follows"));
	if (rd->st && !tg_term_exists(rd->st, "stage", after))
		return unknown(rd, i, "after", "stage", after);
	rule->after = tg_arena_strdup(rd->r->arena, after);
	const json_t *days = json_object_get(o, "days");
	if (!json_is_integer(days) || json_integer_value(days) < 0 ||
	    json_integer_value(days) > 3660)
		return bad(rd, i, "days", TG_EINVAL, _("must be a whole number of days from 0 to 3660"));
	rule->days = (int)json_integer_value(days);
	int rc = codes(rd, i, "expect", json_object_get(o, "expect"), "stage", true, &rule->expect,
	               &rule->nexpect);
	if (!rc)
		rc = codes(rd, i, "proceeding_type", json_object_get(o, "proceeding_type"),
		           "proceeding_type", false, &rule->types, &rule->ntypes);
	if (rc)
		return rc;
	const json_t *label = json_object_get(o, "label");
	if (!json_is_object(label) || !json_string_value(json_object_get(label, "en")))
		return bad(rd, i, "label", TG_EINVAL, _("needs an English label, {\"en\": ...}"));
	for (int l = 0; l < 3; l++) {
		const json_t *t = json_object_get(label, langs[l]);
		if (t && !json_is_string(t))
			return bad(rd, i, "label", TG_ETYPE, _("labels must be text"));
		rule->label[l] = t ? tg_arena_strdup(rd->r->arena, json_string_value(t)) : NULL;
	}
	const json_t *basis = json_object_get(o, "basis");
	if (basis && !json_is_string(basis))
		return bad(rd, i, "basis", TG_ETYPE, _("must be text"));
	rule->basis = basis ? tg_arena_strdup(rd->r->arena, json_string_value(basis)) : NULL;
	return 0;
}

static int read_rules(struct reader *rd, const json_t *root)
{
	if (!json_is_object(root))
		return bad(rd, -1, "rules", TG_ETYPE, _("not a deadline rules file (an object)"));
	const json_t *fmt = json_object_get(root, "format");
	if (fmt && (!json_is_string(fmt) || strcmp(json_string_value(fmt), "tergeu-deadlines")))
		return bad(rd, -1, "format", TG_EINVAL, _("must be \"tergeu-deadlines\""));
	const json_t *ver = json_object_get(root, "version");
	if (ver && json_integer_value(ver) != 1)
		return bad(rd, -1, "version", TG_EINVAL, _("unsupported version"));
	const json_t *rules = json_object_get(root, "rules");
	if (!json_is_array(rules))
		return bad(rd, -1, "rules", TG_ETYPE, _("must be a list of rules"));
	const json_t *hearing = json_object_get(root, "hearing_stages");
	if (hearing) {
		int rc = codes(rd, -1, "hearing_stages", hearing, "stage", false, &rd->r->hearing,
		               &rd->r->nhearing);
		if (rc)
			return rc;
	} else {
		static const char *defaults[] = {"hearing", "trial", "supreme_court_review"};
		rd->r->hearing = (const char **)defaults;
		rd->r->nhearing = 3;
	}
	rd->r->rule = tg_arena_alloc(rd->r->arena, (json_array_size(rules) + 1) * sizeof *rd->r->rule);
	size_t i;
	const json_t *o;
	json_array_foreach(rules, i, o) {
		tg_agenda_rule *rule = &rd->r->rule[rd->r->n];
		memset(rule, 0, sizeof *rule);
		int rc = read_rule(rd, (long)i, o, rule);
		if (rc)
			return rc;
		rd->r->n++;
	}
	return 0;
}

int tg_agenda_rules_load(tg_store *st, const char *path, tg_agenda_rules **out, tg_error *err)
{
	tg_error local;
	if (!err)
		err = &local;
	*out = NULL;
	char *text = NULL;
	size_t len;
	if (path) {
		int rc = tg_read_file(path, &text, &len, err);
		if (rc)
			return rc;
	}
	const char *src = path ? text : tg_data_deadlines_json;
	const char *name = path ? path : "data/deadlines.json";
	json_error_t jerr;
	json_t *root = json_loads(src, JSON_REJECT_DUPLICATES, &jerr);
	tg_agenda_rules *r = calloc(1, sizeof *r);
	if (!r)
		abort();
	r->arena = tg_arena_new();
	struct reader rd = {st, src, r, err};
	int rc;
	if (!root) {
		rc = tg_error_set(err, TG_EJSON, NULL, _("column %d: %s"), jerr.column, jerr.text);
		err->line = jerr.line;
	} else {
		rc = read_rules(&rd, root);
	}
	json_decref(root);
	free(text);
	if (rc) {
		snprintf(err->file, sizeof err->file, "%s", name);
		tg_agenda_rules_free(r);
		return rc;
	}
	*out = r;
	return 0;
}

void tg_agenda_rules_free(tg_agenda_rules *r)
{
	if (!r)
		return;
	tg_arena_free(r->arena);
	free(r);
}
