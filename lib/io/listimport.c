/*
 * Victim lists in: a CSV, TSV or JSON file and a mapping that names which
 * column holds which standard field.  Rows become immutable raw records
 * of the list (a source), all in one transaction.
 */
#include <ctype.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "io/io-int.h"
#include "text/text.h"

enum field { F_ID, F_FULL, F_FAMILY, F_GIVEN, F_PATRONYMIC, F_BIRTH, F_AGE, F_SEX, F_IIN,
             F_PLACE, F_DEATH, F_EVENT, F_FATE, F_NOTE, F_COUNT };
static const char *const field_names[F_COUNT] = {
	"id", "full_name", "family", "given", "patronymic", "birth_date", "age", "sex", "iin",
	"place", "death_date", "event_date", "fate", "note"};

struct import {
	const tg_list_import *o;
	tg_store *st;
	tg_list_report *rep;
	tg_error *err;
	char *column[F_COUNT]; /* mapped column names, or NULL */
	char *list_type;
};

static int map_error(struct import *im, const char *key, const char *fmt, const char *arg)
{
	tg_error_set(im->err, TG_EINVAL, key, fmt, arg);
	snprintf(im->err->file, sizeof im->err->file, "%s", im->o->map_path);
	return TG_EINVAL;
}

static int read_mapping(struct import *im)
{
	json_error_t jerr;
	json_t *m = json_load_file(im->o->map_path, JSON_REJECT_DUPLICATES, &jerr);
	if (!m) {
		tg_error_set(im->err, jerr.line < 0 ? TG_EIO : TG_EJSON, NULL, "%s", jerr.text);
		im->err->line = jerr.line > 0 ? jerr.line : 0;
		snprintf(im->err->file, sizeof im->err->file, "%s", im->o->map_path);
		return im->err->code;
	}
	const char *key;
	json_t *v;
	int rc = json_is_object(m) ? TG_OK
	                           : map_error(im, "", _("%sthe mapping must be a JSON object"), "");
	json_object_foreach(m, key, v) {
		if (rc)
			break;
		if (!strcmp(key, "list_type")) {
			if (!json_is_string(v))
				rc = map_error(im, key, _("%s: give the column name as a string"), key);
			else if (!(im->list_type = strdup(json_string_value(v))))
				abort();
			continue;
		}
		int f = 0;
		while (f < F_COUNT && strcmp(field_names[f], key))
			f++;
		if (f == F_COUNT)
			rc = map_error(im, key, _("%s is not a standard field (id, full_name, family, given,"
			                          " patronymic, birth_date, age, sex, iin, place, death_date, event_date, fate,"
			                          " note, list_type)"), key);
		else if (!json_is_string(v))
			rc = map_error(im, key, _("%s: give the column name as a string"), key);
		else if (!(im->column[f] = strdup(json_string_value(v))))
			abort();
	}
	if (!rc && im->list_type && !tg_term_exists(im->st, "source_type", im->list_type))
		rc = map_error(im, "list_type", _("list_type: \"%s\" is not a source type"),
		               im->list_type);
	json_decref(m);
	return rc;
}

static bool blank(const char *s)
{
	return !s || strspn(s, " \t\r\n") == strlen(s);
}

static const char *sex_of(const char *s)
{
	char *f = tg_text_fold(s);
	const char *r = NULL;
	static const char *const male[] = {"m", "м", "male", "man", "муж", "мужской", "ер", "er",
	                                   "еркек", "erkek"};
	static const char *const female[] = {"f", "ж", "female", "woman", "жен", "женский", "әйел",
	                                     "aiel", "äiel"};
	for (size_t i = 0; f && !r && i < sizeof male / sizeof male[0]; i++)
		if (!strcmp(f, male[i]))
			r = "male";
	for (size_t i = 0; f && !r && i < sizeof female / sizeof female[0]; i++)
		if (!strcmp(f, female[i]))
			r = "female";
	free(f);
	return r;
}

/* What happened to the person, as linkage compares it: "killed",
 * "died_in_custody", "dead" (a death, no more said) or "alive" (torture,
 * detention or injury only); NULL when the text says none of these.
 * Stems, so that every form of the word counts, in the three languages
 * lists are kept in. */
static bool mentions(const char *folded, const char *const *stems, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strstr(folded, stems[i]))
			return true;
	return false;
}

static const char *fate_of(const char *s)
{
	static const char *const killed[] = {"kill", "shot", "murder", "убит", "убий", "застрел",
	                                     "погиб", "өлтір", "атып"};
	static const char *const custody[] = {"custody", "detention", "страж", "изолятор", "сизо",
	                                      "задержан", "қамау", "изоляторында", "ұстау"};
	static const char *const died[] = {"died", "dead", "death", "умер", "смерт", "скончал",
	                                   "қаза", "қайтыс", "өлді", "көз жұм"};
	static const char *const alive[] = {"tortur", "detain", "arrest", "injur", "wound", "beat",
	                                    "alive", "surviv", "пытк", "задерж", "арест", "ранен",
	                                    "избит", "жив", "азапта", "ұстал", "қамал", "жарақат",
	                                    "соққы", "тірі"};
#define N(a) (sizeof a / sizeof a[0])
	char *f = tg_text_fold(s);
	const char *r = NULL;
	if (f && mentions(f, killed, N(killed)))
		r = "killed";
	else if (f && mentions(f, died, N(died)))
		r = mentions(f, custody, N(custody)) ? "died_in_custody" : "dead";
	else if (f && mentions(f, alive, N(alive)))
		r = "alive";
#undef N
	free(f);
	return r;
}

/* One data row: the value of each standard field (NULL when not mapped
 * or blank) and the other columns. */
struct row {
	const char *v[F_COUNT];
	json_t *extra;
};

static int insert_row(struct import *im, long row_no, struct row *r)
{
	tg_list_report *rep = im->rep;
	tg_raw_record rec = {.list = rep->list_uid, .row = row_no, .age = -1};
	char birth[16] = "", death[16] = "", iin[16] = "";
	tg_pdate d;
	const char *raw;
	if ((raw = r->v[F_BIRTH])) {
		if (tg_pdate_parse(raw, &d, NULL)) {
			rep->bad_dates++;
			json_object_set_new(r->extra, "birth_date", json_string(raw));
		} else {
			tg_pdate_format(&d, birth, sizeof birth, false);
			rec.birth_date = birth;
			rec.birth_approx = d.approx;
		}
	}
	if ((raw = r->v[F_DEATH])) {
		if (tg_pdate_parse(raw, &d, NULL)) {
			rep->bad_dates++;
			json_object_set_new(r->extra, "death_date", json_string(raw));
		} else {
			tg_pdate_format(&d, death, sizeof death, true);
			rec.death_date = death;
		}
	}
	char event[16] = "";
	if ((raw = r->v[F_EVENT])) {
		if (tg_pdate_parse(raw, &d, NULL)) {
			rep->bad_dates++;
			json_object_set_new(r->extra, "event_date", json_string(raw));
		} else {
			tg_pdate_format(&d, event, sizeof event, true);
			rec.event_date = event;
		}
	}
	if ((raw = r->v[F_AGE])) {
		char *end;
		long a = strtol(raw, &end, 10);
		if (*end || a < 0 || a > 130) {
			rep->bad_ages++;
			json_object_set_new(r->extra, "age", json_string(raw));
		} else {
			rec.age = (int)a;
		}
	}
	if ((raw = r->v[F_FATE]) && !(rec.fate = fate_of(raw)))
		json_object_set_new(r->extra, "fate", json_string(raw));
	if ((raw = r->v[F_SEX]) && !(rec.sex = sex_of(raw))) {
		rep->bad_sexes++;
		json_object_set_new(r->extra, "sex", json_string(raw));
	}
	if ((raw = r->v[F_IIN])) {
		size_t n = 0;
		for (const char *p = raw; *p && n < sizeof iin - 1; p++)
			if (!isspace((unsigned char)*p))
				iin[n++] = *p;
		iin[n] = '\0';
		rec.iin = iin;
		rec.iin_valid = tg_iin_valid(iin);
		rep->bad_iins += !rec.iin_valid;
	}
	rec.rec_id = r->v[F_ID];
	rec.full_name = r->v[F_FULL];
	rec.family = r->v[F_FAMILY];
	rec.given = r->v[F_GIVEN];
	rec.patronymic = r->v[F_PATRONYMIC];
	rec.place = r->v[F_PLACE];
	rec.note = r->v[F_NOTE];
	char *extra = json_object_size(r->extra) ? tg_model_canonical(r->extra) : NULL;
	rec.extra = extra;
	int rc = tg_raw_insert(im->st, &rec, im->err);
	free(extra);
	rep->rows++;
	return rc;
}

/* Column index of each mapped field in the header, or a mapping error. */
static int find_columns(struct import *im, char **header, size_t n, int index[F_COUNT])
{
	for (int f = 0; f < F_COUNT; f++) {
		index[f] = -1;
		for (size_t k = 0; im->column[f] && k < n && index[f] < 0; k++)
			if (!strcmp(header[k], im->column[f]))
				index[f] = (int)k;
		if (im->column[f] && index[f] < 0)
			return map_error(im, field_names[f],
			                 _("%s: the list has no column of that name"), field_names[f]);
	}
	return TG_OK;
}

static int import_csv(struct import *im, const char *text, size_t len, char sep,
                      tg_progress_fn progress, void *ctx)
{
	tg_csv c;
	tg_csv_init(&c, text, len, sep);
	int rc = tg_csv_row(&c, im->err), index[F_COUNT];
	if (rc <= 0) {
		tg_csv_free(&c);
		return rc < 0 ? im->err->code
		              : tg_error_set(im->err, TG_EINVAL, NULL, _("the list is empty"));
	}
	size_t ncol = c.n;
	char **header = calloc(ncol, sizeof *header);
	for (size_t k = 0; k < ncol; k++)
		header[k] = strdup(tg_strbuf_str(&c.field[k]));
	rc = find_columns(im, header, ncol, index);
	long row_no = 0;
	int got;
	while (!rc && (got = tg_csv_row(&c, im->err)) > 0) {
		if (c.n == 1 && c.field[0].len == 0)
			continue; /* a blank line */
		if (c.n != ncol) {
			rc = tg_error_set(im->err, TG_EINVAL, NULL,
			                  _("line %d: %zu fields, the header has %zu"), c.row_line, c.n,
			                  ncol);
			im->err->line = c.row_line;
			break;
		}
		struct row r = {.extra = json_object()};
		for (size_t k = 0; k < ncol; k++) {
			const char *v = tg_strbuf_str(&c.field[k]);
			int f = 0;
			while (f < F_COUNT && index[f] != (int)k)
				f++;
			if (f < F_COUNT)
				r.v[f] = blank(v) ? NULL : v;
			else if (!blank(v))
				json_object_set_new(r.extra, header[k], json_string(v));
		}
		rc = insert_row(im, ++row_no, &r);
		json_decref(r.extra);
		if (progress && row_no % 4096 == 0)
			progress(ctx, "rows", (uint64_t)row_no, 0);
	}
	if (!rc && got < 0)
		rc = im->err->code;
	for (size_t k = 0; k < ncol; k++)
		free(header[k]);
	free(header);
	tg_csv_free(&c);
	return rc;
}

static int import_json(struct import *im, const char *text, size_t len)
{
	json_error_t jerr;
	json_t *all = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!all) {
		tg_error_set(im->err, TG_EJSON, NULL, _("column %d: %s"), jerr.column, jerr.text);
		im->err->line = jerr.line;
		return TG_EJSON;
	}
	int rc = json_is_array(all) ? TG_OK
	                            : tg_error_set(im->err, TG_ETYPE, "", _("the list must be a JSON"
	                                                                    " array of objects"));
	size_t i;
	json_t *obj;
	json_array_foreach(all, i, obj) {
		if (rc)
			break;
		char at[64];
		snprintf(at, sizeof at, "[%zu]", i);
		if (!json_is_object(obj)) {
			rc = tg_error_set(im->err, TG_ETYPE, at, _("%s must be an object"), at);
			break;
		}
		struct row r = {.extra = json_object()};
		char num[F_COUNT][32]; /* numbers given as JSON numbers, as text */
		const char *key;
		json_t *v;
		json_object_foreach(obj, key, v) {
			const char *s = json_string_value(v);
			int f = 0;
			while (f < F_COUNT && !(im->column[f] && !strcmp(im->column[f], key)))
				f++;
			if (!s && json_is_integer(v) && f < F_COUNT) {
				snprintf(num[f], sizeof num[f], "%lld", (long long)json_integer_value(v));
				s = num[f];
			}
			if (f < F_COUNT)
				r.v[f] = blank(s) ? NULL : s;
			else if (!json_is_null(v))
				json_object_set(r.extra, key, v);
		}
		rc = insert_row(im, (long)i + 1, &r);
		json_decref(r.extra);
	}
	json_decref(all);
	return rc;
}

static const char *format_of(const tg_list_import *o)
{
	if (o->format)
		return o->format;
	const char *dot = strrchr(o->path, '.');
	return dot && !strcmp(dot, ".tsv") ? "tsv" : dot && !strcmp(dot, ".json") ? "json" : "csv";
}

static int make_source(struct import *im, const char *text, size_t len)
{
	uint8_t hash[32];
	char hex[65];
	crypto_hash_sha256(hash, (const uint8_t *)text, len);
	sodium_bin2hex(hex, sizeof hex, hash, sizeof hash);
	int found = tg_store_find_source(im->st, im->o->list, im->rep->list_uid, im->err);
	long long have = found == 1 ? tg_raw_count(im->st, im->rep->list_uid, im->err) : 0;
	if (found < 0 || have < 0)
		return im->err->code;
	if (have > 0)
		return tg_error_set(im->err, TG_EEXIST, "list", _("a list named \"%s\" is already"
		                                                  " imported"), im->o->list);
	tg_strbuf note = TG_STRBUF_INIT;
	const char *base = strrchr(im->o->path, '/');
	tg_strbuf_addf(&note, "Imported from %s (SHA-256 %s).", base ? base + 1 : im->o->path, hex);
	json_t *doc = json_pack("{s:s, s:s, s:s?, s:s}", "type",
	                        im->list_type ? im->list_type : "ngo_list", "title", im->o->list,
	                        "language", im->o->lang, "note", note.buf);
	int rc = tg_record_create(im->st, "source", doc, im->rep->list_uid, im->err);
	json_decref(doc);
	tg_strbuf_release(&note);
	return rc;
}

int tg_io_import_list(tg_store *st, const tg_list_import *o, tg_list_report *rep,
                      tg_progress_fn progress, void *ctx, tg_error *err)
{
	tg_error local;
	if (!err)
		err = &local;
	memset(rep, 0, sizeof *rep);
	struct import im = {.o = o, .st = st, .rep = rep, .err = err};
	const char *format = format_of(o);
	int rc = strcmp(format, "csv") && strcmp(format, "tsv") && strcmp(format, "json")
	                 ? tg_error_set(err, TG_EUSAGE, "format", _("--format: csv, tsv or json"))
	                 : read_mapping(&im);
	char *text = NULL;
	size_t len = 0;
	if (!rc)
		rc = tg_read_file(o->path, &text, &len, err);
	if (!rc)
		rc = tg_store_begin(st, err);
	if (!rc) {
		rc = make_source(&im, text, len);
		if (!rc && !strcmp(format, "json"))
			rc = import_json(&im, text, len);
		else if (!rc)
			rc = import_csv(&im, text, len, strcmp(format, "tsv") ? ',' : '\t', progress, ctx);
		if (rc)
			tg_store_rollback(st);
		else
			rc = tg_store_commit(st, err);
		if (rc && !*err->file)
			snprintf(err->file, sizeof err->file, "%s", o->path);
	}
	free(text);
	for (int f = 0; f < F_COUNT; f++)
		free(im.column[f]);
	free(im.list_type);
	return rc;
}
