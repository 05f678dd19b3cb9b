/*
 * The OpenAPI 3.0.3 document of the API, made at each request from the
 * same route table the dispatcher reads (so every route served is
 * documented and nothing else is) and from the model's field tables (so
 * each entity's schema has the fields validation knows, with their types
 * and which are required).  Descriptions are in the reader's language
 * where a translation exists.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "web/api-int.h"

static const char DATE_PATTERN[] = "^~?[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$";

static json_t *ref(const char *schema)
{
	char buf[160];
	snprintf(buf, sizeof buf, "#/components/schemas/%s", schema);
	return json_pack("{s:s}", "$ref", buf);
}

/* ---- schemas of records, from the model ---- */

static json_t *object_schema(const tg_entity *e, bool patch);

/* "id of a person or event" for a reference field. */
static json_t *ref_description(const tg_field *f)
{
	tg_strbuf sb = TG_STRBUF_INIT;
	int n, k = 0;
	const tg_entity *const *all = tg_model_entities(&n);
	for (int i = 0; i < n; i++)
		if (f->refs & tg_model_refbit(all[i]->name))
			tg_strbuf_addf(&sb, "%s%s", k++ ? ", " : "", all[i]->name);
	json_t *d = json_sprintf("%s (%s: %s)", _(f->help), _("id of a record"), sb.buf);
	tg_strbuf_release(&sb);
	return d;
}

static json_t *field_schema(const tg_field *f, bool patch)
{
	json_t *s = json_object();
	switch (f->type) {
	case TG_FT_INT:
	case TG_FT_REAL:
		json_object_set_new(s, "type", json_string(f->type == TG_FT_INT ? "integer" : "number"));
		if (f->min < f->max) {
			json_object_set_new(s, "minimum", json_real(f->min));
			json_object_set_new(s, "maximum", json_real(f->max));
		}
		break;
	case TG_FT_BOOL:
		json_object_set_new(s, "type", json_string("boolean"));
		break;
	case TG_FT_LIST:
		json_object_set_new(s, "type", json_string("array"));
		json_object_set_new(s, "items", f->child->scalar
		                                    ? field_schema(&f->child->fields[0], false)
		                                    : object_schema(f->child, false));
		break;
	default:
		json_object_set_new(s, "type", json_string("string"));
	}
	if (f->type == TG_FT_DATE)
		json_object_set_new(s, "pattern", json_string(DATE_PATTERN));
	if (f->type == TG_FT_REF)
		json_object_set_new(s, "description", ref_description(f));
	else if (f->type == TG_FT_TERM)
		json_object_set_new(s, "description", json_sprintf("%s (%s: %s)", _(f->help),
		                                                   _("a term of the vocabulary"),
		                                                   f->vocab));
	else if (f->help)
		json_object_set_new(s, "description", json_string(_(f->help)));
	/* In a merge patch, null removes a field. */
	if (patch)
		json_object_set_new(s, "nullable", json_true());
	return s;
}

/* The object of entity e (or of a child list's element); a patch has
 * every field optional and nullable, and no fixed keys. */
static json_t *object_schema(const tg_entity *e, bool patch)
{
	json_t *props = json_object(), *required = json_array();
	if (!e->is_child && !patch) {
		json_object_set_new(props, "entity",
		                    json_pack("{s:s, s:[s]}", "type", "string", "enum", e->name));
		json_object_set_new(props, "id", json_pack("{s:s, s:s, s:s}", "type", "string",
		                                           "format", "uuid", "description",
		                                           _("UUIDv7, made at creation when not given")));
		json_object_set_new(props, "deleted", json_pack("{s:s, s:s, s:b}", "type", "string",
		                                                "format", "date-time", "readOnly", 1));
		json_object_set_new(props, "deleted_reason",
		                    json_pack("{s:s, s:b}", "type", "string", "readOnly", 1));
	}
	for (int i = 0; i < e->nfields; i++) {
		const tg_field *f = &e->fields[i];
		json_object_set_new(props, f->name, field_schema(f, patch));
		if ((f->flags & TG_FF_REQUIRED) && !patch)
			json_array_append_new(required, json_string(f->name));
	}
	json_t *s = json_pack("{s:s, s:o, s:b}", "type", "object", "properties", props,
	                      "additionalProperties", 0);
	if (json_array_size(required))
		json_object_set_new(s, "required", required);
	else
		json_decref(required);
	if (e->help)
		json_object_set_new(s, "description", json_string(_(e->help)));
	return s;
}

static json_t *list_schema(const char *entity)
{
	return json_pack("{s:s, s:[s,s,s,s], s:{s:{s:s, s:o}, s:{s:s}, s:{s:s}, s:{s:s, s:b}}}",
	                 "type", "object", "required", "items", "limit", "offset", "next_offset",
	                 "properties", "items", "type", "array", "items", ref(entity), "limit",
	                 "type", "integer", "offset", "type", "integer", "next_offset", "type",
	                 "integer", "nullable", 1);
}

static bool json_schema_type(const char *t)
{
	static const char *const types[] = {"string", "integer", "number", "boolean", "object"};
	for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
		if (!strcmp(t, types[i]))
			return true;
	return false;
}

/* A type of props: a JSON type, another schema by name, or [type] for an
 * array of it; a JSON type ending in ? may be null. */
static json_t *type_schema(const char *t, size_t n)
{
	char name[64];
	if (n > 1 && t[n - 1] == '?') {
		json_t *s = type_schema(t, n - 1);
		json_object_set_new(s, "nullable", json_true());
		return s;
	}
	if (n > 2 && t[0] == '[' && t[n - 1] == ']')
		return json_pack("{s:s, s:o}", "type", "array", "items", type_schema(t + 1, n - 2));
	snprintf(name, sizeof name, "%.*s", (int)n, t);
	return json_schema_type(name) ? json_pack("{s:s}", "type", name) : ref(name);
}

/* An object schema from "name:type ..." and the required names "a b". */
static json_t *props(const char *spec, const char *required)
{
	json_t *p = json_object(), *req = json_array();
	for (const char *s = spec; *s; s += strspn(s, " ")) {
		size_t n = strcspn(s, " "), k = strcspn(s, ":");
		char name[64];
		snprintf(name, sizeof name, "%.*s", (int)k, s);
		json_object_set_new(p, name, type_schema(s + k + 1, n - k - 1));
		s += n;
	}
	for (const char *s = required; *s; s += strspn(s, " ")) {
		size_t n = strcspn(s, " ");
		json_array_append_new(req, json_stringn(s, n));
		s += n;
	}
	json_t *o = json_pack("{s:s, s:o}", "type", "object", "properties", p);
	if (json_array_size(req))
		json_object_set_new(o, "required", req);
	else
		json_decref(req);
	return o;
}

/* The documents of the other routes: the keys the handlers write. */
static json_t *fixed_schemas(void)
{
	static const struct { const char *name, *props, *required; } fixed[] = {
		{"ErrorDetail", "code:string message:string field:string line:integer column:integer",
		 "code message"},
		{"Error", "error:ErrorDetail", "error"},
		{"Me", "name:string role:string clearance:string via:string second_factor:boolean"
		       " may:[string]", "name role clearance"},
		{"SearchHit", "id:string entity:string title:string score:number near:boolean"
		              " doc:object", "id entity doc"},
		{"SearchResult", "q:string type:string? limit:integer items:[SearchHit]", "items"},
		{"RelatedItem", "path:string doc:object", "path doc"},
		{"Related", "id:string items:[RelatedItem]", "id items"},
		{"Stats", "unit:string by:[string] total:integer rows:[object]", "unit total rows"},
		{"Stratum", "stratum:string? observed:number lists:[string] method:string"
		            " estimate:number lower:number upper:number se:number model:string"
		            " warnings:[string] error:string diagnostics:object", "observed lists"},
		{"Estimate", "by:string method:string strata:[Stratum]", "strata"},
		{"ReviewItem", "pos:integer probability:number a:object b:object explanation:object",
		 "pos probability a b"},
		{"ReviewQueue", "items:[ReviewItem] limit:integer offset:integer next_offset:integer?",
		 "items limit offset"},
		{"DecisionBody", "a:integer b:integer decision:string note:string", "a b decision"},
		{"Decision", "id:string a:integer b:integer decision:string note:string?",
		 "id a b decision"},
		{"Agenda", "from:string to:string? items:[proceeding]", "from items"},
		{"Ledger", "vkey:string size:integer? root:string? ok:boolean checkpoints:integer"
		           " problem:string", "ok"},
		{"DeleteBody", "reason:string", "reason"},
		{"Version", "seq:integer at:string actor:string op:string doc:object reason:string?",
		 "seq at op doc"},
		{"History", "id:string versions:[Version]", "id versions"},
		{"OpenAPI", "openapi:string info:object paths:object components:object",
		 "openapi info paths"},
	};
	json_t *s = json_object();
	for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
		json_object_set_new(s, fixed[i].name, props(fixed[i].props, fixed[i].required));
	json_t *pp = json_object_get(json_object_get(s, "DecisionBody"), "properties");
	json_object_set_new(json_object_get(pp, "decision"), "enum", json_pack("[s,s]", "link",
	                                                                       "not-link"));
	return s;
}

/* ---- operations ---- */

static json_t *query_param(const struct api_param *p)
{
	json_t *schema = json_pack("{s:s}", "type", p->type == API_INT ? "integer" : "string");
	if (p->type == API_INT) {
		json_object_set_new(schema, "minimum", json_integer(p->min));
		json_object_set_new(schema, "maximum", json_integer(p->max));
		if (p->def)
			json_object_set_new(schema, "default", json_integer(strtoll(p->def, NULL, 10)));
	} else if (p->def) {
		json_object_set_new(schema, "default", json_string(p->def));
	}
	if (p->type == API_DATE)
		json_object_set_new(schema, "pattern", json_string(DATE_PATTERN));
	if (p->choices) {
		json_t *e = json_array();
		for (const char *c = p->choices; *c;) {
			size_t k = strcspn(c, "|");
			json_array_append_new(e, json_stringn(c, k));
			c += k + (c[k] == '|');
		}
		json_object_set_new(schema, "enum", e);
	}
	return json_pack("{s:s, s:s, s:b, s:s, s:o}", "name", p->name, "in", "query", "required",
	                 p->required, "description", _(p->help), "schema", schema);
}

static json_t *request_body(const struct api_route *rt, const char *entity)
{
	char patch[64];
	snprintf(patch, sizeof patch, "%sPatch", entity ? entity : "");
	switch (rt->body) {
	case API_BODY_RECORD:
		return json_pack("{s:b, s:{s:{s:o}}}", "required", 1, "content", "application/json",
		                 "schema", ref(entity));
	case API_BODY_PATCH:
		return json_pack("{s:b, s:{s:{s:o}, s:{s:o}}}", "required", 1, "content",
		                 "application/merge-patch+json", "schema", ref(patch),
		                 "application/json", "schema", ref(patch));
	case API_BODY_REASON:
		return json_pack("{s:b, s:{s:{s:o}}}", "required", 1, "content", "application/json",
		                 "schema", ref("DeleteBody"));
	case API_BODY_DECISION:
		return json_pack("{s:b, s:{s:{s:o}}}", "required", 1, "content", "application/json",
		                 "schema", ref("DecisionBody"));
	default:
		return NULL;
	}
}

static void add_error(json_t *responses, const char *status)
{
	char key[8];
	snprintf(key, sizeof key, "%.3s", status);
	json_object_set_new(responses, key, json_pack("{s:s}", "$ref", "#/components/responses/Error"));
}

static json_t *responses_of(const struct api_route *rt, const char *entity)
{
	char reply[96];
	const char *e = strstr(rt->reply, "{entity}");
	if (e)
		snprintf(reply, sizeof reply, "%s%s", entity, e + 8);
	else
		snprintf(reply, sizeof reply, "%s", rt->reply);
	char ok[8];
	snprintf(ok, sizeof ok, "%d", rt->ok);
	json_t *rs = json_pack("{s:{s:s, s:{s:{s:o}}}}", ok, "description", _("Success"), "content",
	                       "application/json", "schema", ref(reply));
	if (rt->need != API_PUBLIC) {
		add_error(rs, "401");
		add_error(rs, "403");
		add_error(rs, "503");
	}
	for (const char *p = rt->fails; *p; p += strspn(p, " ")) {
		add_error(rs, p);
		p += strcspn(p, " ");
	}
	if (rt->ok == 201 && entity)
		json_object_set_new(json_object_get(rs, ok), "headers",
		                    json_pack("{s:{s:s, s:{s:s}}}", "Location", "description",
		                              _("where the new record is"), "schema", "type", "string"));
	return rs;
}

/* path with {entity} replaced; *entity NULL when it has none. */
static void expand(const char *path, const char *entity, char *out, size_t n)
{
	const char *e = strstr(path, "{entity}");
	if (e)
		snprintf(out, n, "/api/%.*s%s%s", (int)(e - path), path, entity, e + 8);
	else
		snprintf(out, n, "/api/%s", path);
}

static json_t *operation(const struct api_route *rt, const char *entity, const char *path)
{
	char opid[200];
	size_t k = 0;
	for (const char *p = rt->method; *p && k < sizeof opid - 1; p++)
		opid[k++] = (char)tolower((unsigned char)*p);
	for (const char *p = path + 4; *p && k < sizeof opid - 1; p++)
		if (isalnum((unsigned char)*p))
			opid[k++] = *p;
		else if (*p == '/' || *p == '.')
			opid[k++] = '_';
	opid[k] = '\0';
	/* Tags group by entity, else by the route's own name. */
	char tag[64];
	snprintf(tag, sizeof tag, "%s", entity ? entity : rt->path + 3);
	tag[strcspn(tag, "/")] = '\0';
	json_t *op = json_pack("{s:s, s:s, s:[s], s:o}", "operationId", opid, "summary",
	                       _(rt->summary), "tags", tag, "responses", responses_of(rt, entity));
	json_t *params = json_array();
	if (strstr(rt->path, "{id}"))
		json_array_append_new(params, json_pack("{s:s, s:s, s:b, s:{s:s, s:s}}", "name", "id",
		                                        "in", "path", "required", 1, "schema", "type",
		                                        "string", "format", "uuid"));
	for (const struct api_param *p = rt->params; p && p->name; p++)
		json_array_append_new(params, query_param(p));
	if (json_array_size(params))
		json_object_set_new(op, "parameters", params);
	else
		json_decref(params);
	json_t *body = request_body(rt, entity);
	if (body)
		json_object_set_new(op, "requestBody", body);
	if (rt->need == API_PUBLIC)
		json_object_set_new(op, "security", json_array());
	return op;
}

static void add_operation(json_t *paths, const struct api_route *rt, const char *entity)
{
	char path[200], method[16];
	expand(rt->path, entity, path, sizeof path);
	json_t *item = json_object_get(paths, path);
	if (!item) {
		item = json_object();
		json_object_set_new(paths, path, item);
	}
	size_t i = 0;
	for (; i < sizeof method - 1 && rt->method[i]; i++)
		method[i] = (char)tolower((unsigned char)rt->method[i]);
	method[i] = '\0';
	json_object_set_new(item, method, operation(rt, entity, path));
}

int web_api_openapi(struct api_call *c)
{
	int n;
	const tg_entity *const *all = tg_model_entities(&n);
	json_t *paths = json_object(), *schemas = fixed_schemas();
	for (size_t i = 0; i < web_api_nroutes; i++) {
		const struct api_route *rt = &web_api_routes[i];
		if (!strstr(rt->path, "{entity}")) {
			add_operation(paths, rt, NULL);
			continue;
		}
		for (int e = 0; e < n; e++)
			add_operation(paths, rt, all[e]->name);
	}
	for (int e = 0; e < n; e++) {
		char name[64];
		json_object_set_new(schemas, all[e]->name, object_schema(all[e], false));
		snprintf(name, sizeof name, "%sPatch", all[e]->name);
		json_object_set_new(schemas, name, object_schema(all[e], true));
		snprintf(name, sizeof name, "%sList", all[e]->name);
		json_object_set_new(schemas, name, list_schema(all[e]->name));
	}
	json_t *doc = json_pack(
		"{s:s, s:{s:s, s:s, s:s}, s:[{s:s}], s:o,"
		" s:{s:o, s:{s:{s:s, s:{s:{s:o}}}},"
		"    s:{s:{s:s, s:s}, s:{s:s, s:s, s:s, s:s}}},"
		" s:[{s:[]}, {s:[]}]}",
		"openapi", "3.0.3", "info", "title", "tergeu", "version", "1", "description",
		_("Records of human-rights violations, their sources and proceedings; the imported"
		  " lists, their linkage and estimates. A record above the caller's clearance is"
		  " answered as if it did not exist. Sessions send X-CSRF-Token with every change."),
		"servers", "url", "/", "paths", paths, "components", "schemas", schemas, "responses",
		"Error", "description", _("An error, naming the field or parameter at fault"),
		"content", "application/json", "schema", ref("Error"), "securitySchemes", "token",
		"type", "http", "scheme", "bearer", "session", "type", "apiKey", "in", "cookie", "name",
		"__Host-sid", "description", _("the session of a signed-in browser"), "security",
		"token", "session");
	return web_json(c->r, 200, doc);
}
