/*
 * Validation and canonical form of records, driven by the entity tables
 * in entities.c.  Storage is asked only through tg_lookup, so this file
 * knows nothing of SQL.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/model.h"
#include "text/text.h"

#define MAX_TEXT 65536
#define MAX_PARENT_DEPTH 64

const tg_entity *tg_model_entity(const char *name)
{
	int n;
	const tg_entity *const *all = tg_model_entities(&n);
	for (int i = 0; i < n; i++)
		if (strcmp(all[i]->name, name) == 0)
			return all[i];
	return NULL;
}

const tg_field *tg_model_field(const tg_entity *e, const char *name)
{
	for (int i = 0; i < e->nfields; i++)
		if (strcmp(e->fields[i].name, name) == 0)
			return &e->fields[i];
	return NULL;
}

unsigned tg_model_refbit(const char *entity)
{
	const tg_entity *e = tg_model_entity(entity);
	return e ? 1u << e->index : 0;
}

static const char *type_name(enum tg_ftype t)
{
	switch (t) {
	case TG_FT_TEXT: return _("a string");
	case TG_FT_INT: return _("an integer");
	case TG_FT_REAL: return _("a number");
	case TG_FT_BOOL: return _("true or false");
	case TG_FT_DATE: return _("a date string");
	case TG_FT_TERM: return _("a vocabulary code");
	case TG_FT_REF: return _("a record id");
	case TG_FT_LIST: return _("an array");
	}
	return "?";
}

static int wrong_type(tg_error *err, const char *path, const tg_field *f)
{
	return tg_error_set(err, TG_ETYPE, path, _("%s must be %s"), path, type_name(f->type));
}

static int check_range(const tg_field *f, double v, const char *path, tg_error *err)
{
	if (f->min < f->max && (v < f->min || v > f->max || isnan(v)))
		return tg_error_set(err, TG_EINVAL, path, _("%s must be between %g and %g"), path,
		                    f->min, f->max);
	return TG_OK;
}

static int norm_ref(const tg_field *f, const char *s, const char *path, const tg_lookup *lk,
                    json_t **out, tg_error *err)
{
	const char *uid = s;
	int rc = TG_OK;
	if (!tg_uuid_valid(s)) {
		rc = (f->refs & tg_model_refbit("place")) ? lk->place_by_code(lk->ctx, s, &uid, err)
		                                          : TG_ENOTFOUND;
		if (rc == TG_ENOTFOUND)
			return tg_error_set(err, TG_EREF, path,
			                    _("%s: \"%s\" is neither a record id nor a place code"),
			                    path, s);
		if (rc)
			return rc;
	}
	const char *ent;
	rc = lk->ref_entity(lk->ctx, uid, &ent, err);
	if (rc == TG_ENOTFOUND)
		return tg_error_set(err, TG_EREF, path, _("%s: no record %s"), path, s);
	if (rc)
		return rc; /* a storage error is no dangling reference */
	if (!(f->refs & tg_model_refbit(ent)))
		return tg_error_set(err, TG_EREF, path, _("%s: %s is a %s, which cannot be used here"),
		                    path, s, ent);
	*out = json_string(uid);
	return TG_OK;
}

/* Normalises one scalar value; *out stays NULL for an empty value. */
static int norm_scalar(const tg_field *f, const json_t *v, const char *path,
                       const tg_lookup *lk, json_t **out, tg_error *err)
{
	*out = NULL;
	switch (f->type) {
	case TG_FT_INT:
		if (!json_is_integer(v))
			return wrong_type(err, path, f);
		if (check_range(f, (double)json_integer_value(v), path, err))
			return err ? err->code : TG_EINVAL;
		*out = json_integer(json_integer_value(v));
		return TG_OK;
	case TG_FT_REAL:
		if (!json_is_number(v))
			return wrong_type(err, path, f);
		if (check_range(f, json_number_value(v), path, err))
			return err ? err->code : TG_EINVAL;
		*out = json_real(json_number_value(v));
		return TG_OK;
	case TG_FT_BOOL:
		if (!json_is_boolean(v))
			return wrong_type(err, path, f);
		*out = json_boolean(json_is_true(v));
		return TG_OK;
	case TG_FT_LIST:
		return wrong_type(err, path, f);
	default:
		break;
	}
	if (!json_is_string(v))
		return wrong_type(err, path, f);
	const char *s = json_string_value(v);
	size_t len = json_string_length(v);
	if (strlen(s) != len)
		return tg_error_set(err, TG_EINVAL, path, _("%s contains a NUL character"), path);
	if (len > MAX_TEXT)
		return tg_error_set(err, TG_EINVAL, path, _("%s is longer than %d bytes"), path,
		                    MAX_TEXT);
	if (strspn(s, " \t\r\n") == len)
		return TG_OK;
	switch (f->type) {
	case TG_FT_DATE: {
		tg_pdate d;
		char buf[16];
		int rc = tg_pdate_parse(s, &d, err);
		if (rc) {
			if (err)
				snprintf(err->path, sizeof err->path, "%s", path);
			return rc;
		}
		tg_pdate_format(&d, buf, sizeof buf, true);
		*out = json_string(buf);
		return TG_OK;
	}
	case TG_FT_TERM:
		if (!lk->term_exists(lk->ctx, f->vocab, s))
			return tg_error_set(err, TG_EVOCAB, path,
			                    _("%s: \"%s\" is not a term of the vocabulary %s"), path, s,
			                    f->vocab);
		*out = json_string(s);
		return TG_OK;
	case TG_FT_REF:
		return norm_ref(f, s, path, lk, out, err);
	default:
		*out = json_stringn(s, len);
		return TG_OK;
	}
}

static int norm_object(const tg_entity *e, const json_t *in, const char *path,
                       const tg_lookup *lk, json_t *out, tg_error *err);

static int norm_list(const tg_field *f, const json_t *v, const char *path, const tg_lookup *lk,
                     json_t **out, tg_error *err)
{
	*out = NULL;
	if (!json_is_array(v))
		return wrong_type(err, path, f);
	const tg_entity *c = f->child;
	json_t *arr = json_array();
	size_t i;
	const json_t *el;
	char sub[256];
	json_array_foreach(v, i, el) {
		snprintf(sub, sizeof sub, "%s[%zu]", path, i);
		json_t *item = NULL;
		int rc;
		if (c->scalar) {
			rc = norm_scalar(&c->fields[0], el, sub, lk, &item, err);
			if (!rc && !item)
				rc = tg_error_set(err, TG_EINVAL, sub, _("%s is empty"), sub);
		} else if (!json_is_object(el)) {
			rc = tg_error_set(err, TG_ETYPE, sub, _("%s must be an object"), sub);
		} else {
			item = json_object();
			rc = norm_object(c, el, sub, lk, item, err);
		}
		if (rc) {
			json_decref(item);
			json_decref(arr);
			return rc;
		}
		json_array_append_new(arr, item);
	}
	if (json_array_size(arr) == 0)
		json_decref(arr);
	else
		*out = arr;
	return TG_OK;
}

static void join_path(char *buf, size_t n, const char *base, const char *key)
{
	snprintf(buf, n, "%s%s%s", base, *base ? "." : "", key);
}

/* Copies the known, non-empty fields of in into out and checks required
 * ones. "entity", "id" and deletion marks are handled by the caller. */
static int norm_object(const tg_entity *e, const json_t *in, const char *path,
                       const tg_lookup *lk, json_t *out, tg_error *err)
{
	const char *key;
	const json_t *v;
	char sub[256];
	json_object_foreach((json_t *)in, key, v) {
		join_path(sub, sizeof sub, path, key);
		if (!e->is_child && (!strcmp(key, "entity") || !strcmp(key, "id") ||
		                     !strcmp(key, "deleted") || !strcmp(key, "deleted_reason")))
			continue;
		const tg_field *f = tg_model_field(e, key);
		if (!f)
			return tg_error_set(err, TG_EINVAL, sub, _("%s: unknown field"), sub);
		if (json_is_null(v))
			continue;
		json_t *nv = NULL;
		int rc = f->type == TG_FT_LIST ? norm_list(f, v, sub, lk, &nv, err)
		                               : norm_scalar(f, v, sub, lk, &nv, err);
		if (rc)
			return rc;
		if (nv)
			json_object_set_new(out, key, nv);
	}
	for (int i = 0; i < e->nfields; i++) {
		const tg_field *f = &e->fields[i];
		if ((f->flags & TG_FF_REQUIRED) && !json_object_get(out, f->name)) {
			join_path(sub, sizeof sub, path, f->name);
			return tg_error_set(err, TG_EINVAL, sub, _("%s is required"), sub);
		}
	}
	if (!strcmp(e->name, "name") && !json_object_get(out, "script")) {
		const char *script = tg_text_script(json_string_value(json_object_get(out, "text")));
		if (lk->term_exists(lk->ctx, "script", script))
			json_object_set_new(out, "script", json_string(script));
	}
	return TG_OK;
}

static int check_dates(const json_t *doc, const char *a, const char *b, tg_error *err)
{
	const char *sa = json_string_value(json_object_get(doc, a));
	const char *sb = json_string_value(json_object_get(doc, b));
	tg_pdate da, db;
	if (!sa || !sb || tg_pdate_parse(sa, &da, NULL) || tg_pdate_parse(sb, &db, NULL))
		return TG_OK;
	if (tg_pdate_cmp(&db, &da) < 0 && !tg_pdate_compatible(&da, &db))
		return tg_error_set(err, TG_EDATE, b, _("%s (%s) is before %s (%s)"), b, sb, a, sa);
	return TG_OK;
}

/* A record may not be its own ancestor through "parent". */
static int check_parent(const tg_entity *e, const json_t *doc, const char *uid,
                        const tg_lookup *lk, tg_error *err)
{
	const char *p = json_string_value(json_object_get(doc, "parent"));
	for (int depth = 0; p && depth < MAX_PARENT_DEPTH; depth++) {
		if (!strcmp(p, uid))
			return tg_error_set(err, TG_EREF, "parent",
			                    _("parent: %s would be its own ancestor"), uid);
		int rc = lk->parent_of(lk->ctx, e->name, p, &p, err);
		if (rc)
			return rc;
	}
	return p ? tg_error_set(err, TG_EREF, "parent", _("parent: hierarchy is too deep"))
	         : TG_OK;
}

static int check_marks(const json_t *doc, json_t *out, tg_error *err)
{
	const json_t *at = json_object_get(doc, "deleted");
	const json_t *why = json_object_get(doc, "deleted_reason");
	if ((!at || json_is_null(at)) && (!why || json_is_null(why)))
		return TG_OK;
	if (!json_is_string(at) || !json_is_string(why) || !json_string_length(why) ||
	    json_string_length(at) >= TG_TIME_LEN)
		return tg_error_set(err, TG_EINVAL, "deleted",
		                    _("deleted and deleted_reason go together, as strings"));
	json_object_set(out, "deleted", (json_t *)at);
	json_object_set(out, "deleted_reason", (json_t *)why);
	return TG_OK;
}

int tg_model_normalize(const tg_entity *e, const json_t *doc, const char *uid,
                       const tg_lookup *lk, json_t **out, tg_error *err)
{
	*out = NULL;
	if (!json_is_object(doc))
		return tg_error_set(err, TG_ETYPE, "", _("a record must be a JSON object"));
	const json_t *ent = json_object_get(doc, "entity");
	if (ent && !json_is_null(ent) &&
	    (!json_is_string(ent) || strcmp(json_string_value(ent), e->name)))
		return tg_error_set(err, TG_EINVAL, "entity", _("entity: expected \"%s\""), e->name);
	const json_t *id = json_object_get(doc, "id");
	if (id && !json_is_null(id) && (!json_is_string(id) || strcmp(json_string_value(id), uid)))
		return tg_error_set(err, TG_EINVAL, "id", _("id: expected %s"), uid);

	json_t *o = json_object();
	int rc = norm_object(e, doc, "", lk, o, err);
	if (!rc)
		rc = check_marks(doc, o, err);
	if (!rc)
		rc = check_dates(o, "start", "end", err);
	if (!rc && tg_model_field(e, "parent"))
		rc = check_parent(e, o, uid, lk, err);
	if (!rc && !strcmp(e->name, "relation") &&
	    !strcmp(json_string_value(json_object_get(o, "from")),
	            json_string_value(json_object_get(o, "to"))))
		rc = tg_error_set(err, TG_EREF, "to", _("to: a relation needs two different records"));
	if (rc) {
		json_decref(o);
		return rc;
	}
	if (tg_model_field(e, "confidentiality") && !json_object_get(o, "confidentiality"))
		json_object_set_new(o, "confidentiality", json_string("restricted"));
	json_object_set_new(o, "entity", json_string(e->name));
	json_object_set_new(o, "id", json_string(uid));
	*out = o;
	return TG_OK;
}

char *tg_model_canonical(const json_t *doc)
{
	return json_dumps(doc, JSON_COMPACT | JSON_SORT_KEYS | JSON_REAL_PRECISION(12));
}

json_t *tg_model_merge_patch(const json_t *target, const json_t *patch)
{
	if (!json_is_object(patch))
		return json_deep_copy(patch);
	json_t *out = json_is_object(target) ? json_deep_copy(target) : json_object();
	const char *key;
	const json_t *v;
	json_object_foreach((json_t *)patch, key, v) {
		if (json_is_null(v)) {
			json_object_del(out, key);
		} else {
			json_t *merged = tg_model_merge_patch(json_object_get(out, key), v);
			json_object_set_new(out, key, merged);
		}
	}
	return out;
}

char *tg_model_title(const json_t *doc)
{
	const json_t *names = json_object_get(doc, "names");
	const char *s = NULL;
	if (json_array_size(names))
		s = json_string_value(json_object_get(json_array_get(names, 0), "text"));
	static const char *const keys[] = {"title", "name", "type"};
	for (size_t i = 0; !s && i < sizeof keys / sizeof keys[0]; i++)
		s = json_string_value(json_object_get(doc, keys[i]));
	return strdup(s ? s : "");
}
