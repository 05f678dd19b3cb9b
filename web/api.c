/*
 * The JSON API under /api/v1/: the table of routes, the dispatcher, the
 * helpers every handler shares, and the small routes (who am I, the
 * ledger's status, the agenda of hearings).
 *
 * The gate in server.c has already checked the Host, identified the caller
 * (API token or session) and, for a session, the CSRF token of any state
 * change.  Here a request is matched to one route, 404 when no path fits,
 * 405 with Allow when the path fits another method; then the caller must
 * be signed in (401) and their role allow the route's action (403); then
 * the query parameters are checked against the route's table (400 naming
 * the parameter).  Handlers decide on each record themselves.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "web/api-int.h"

/* ---- the routes ---- */

static const struct api_param list_params[] = {
	{"limit", API_INT, false, 1, 500, "50", NULL, N_("how many records to return")},
	{"offset", API_INT, false, 0, 1000000000, "0", NULL, N_("records to pass over")},
	{"place", API_STR, false, 0, 0, NULL, NULL,
	 N_("records at this place (id or code) or a place within it")},
	{"from", API_DATE, false, 0, 0, NULL, NULL,
	 N_("records with a date on or after this partial date")},
	{"to", API_DATE, false, 0, 0, NULL, NULL,
	 N_("records with a date on or before this partial date")},
	{"term", API_STR, false, 0, 0, NULL, NULL,
	 N_("records with this vocabulary term (or one below it) in any field")},
	{"text", API_STR, false, 0, 0, NULL, NULL,
	 N_("records with this text in any text field, ignoring case")},
	{NULL},
};

static const struct api_param search_params[] = {
	{"q", API_STR, true, 0, 0, NULL, NULL,
	 N_("names or words, in any script or spelling")},
	{"type", API_STR, false, 0, 0, NULL, NULL, N_("only records of this entity")},
	{"limit", API_INT, false, 1, 500, "20", NULL, N_("how many hits to return")},
	{NULL},
};

static const struct api_param stats_params[] = {
	{"by", API_STR, false, 0, 0, "fate", NULL,
	 N_("dimensions, comma-separated: fate, place, region, period, sex, age")},
	{NULL},
};

static const struct api_param estimate_params[] = {
	{"by", API_STR, false, 0, 0, NULL, "place|region|period|fate|sex",
	 N_("estimate per stratum of this dimension (default: the whole)")},
	{"method", API_STR, false, 0, 0, NULL, "chapman|loglinear|lcmcr",
	 N_("estimator (default: chapman for two lists, else loglinear)")},
	{"criterion", API_STR, false, 0, 0, "aic", "aic|bic",
	 N_("how log-linear models are ranked")},
	{"seed", API_INT, false, 0, 1000000000, "1", NULL, N_("seed of the LCMCR sampler")},
	{NULL},
};

static const struct api_param review_params[] = {
	{"limit", API_INT, false, 1, 500, "50", NULL, N_("how many pairs to return")},
	{"offset", API_INT, false, 0, 1000000000, "0", NULL, N_("pairs to pass over")},
	{NULL},
};

static const struct api_param agenda_params[] = {
	{"from", API_DATE, false, 0, 0, NULL, NULL, N_("hearings on or after this date (default: today)")},
	{"to", API_DATE, false, 0, 0, NULL, NULL, N_("hearings on or before this date")},
	{"limit", API_INT, false, 1, 500, "50", NULL, N_("how many hearings to return")},
	{NULL},
};

static int api_me(struct api_call *c);
static int api_ledger(struct api_call *c);
static int api_agenda(struct api_call *c);

/* Literal paths come before {entity}: no entity is named like them. */
const struct api_route web_api_routes[] = {
	{"GET", "v1/openapi.json", API_PUBLIC, web_api_openapi,
	 N_("This API described in OpenAPI 3.0"), NULL, API_BODY_NONE, 200, "OpenAPI", ""},
	{"GET", "v1/me", WEB_READ, api_me, N_("Who is asking: name, role, clearance"), NULL,
	 API_BODY_NONE, 200, "Me", ""},
	{"GET", "v1/search", WEB_READ, web_api_search,
	 N_("Search names (across scripts and spellings) and narrative text"), search_params,
	 API_BODY_NONE, 200, "SearchResult", "400"},
	{"GET", "v1/records/{id}/related", WEB_READ, web_api_related,
	 N_("Records that refer to a record"), NULL, API_BODY_NONE, 200, "Related", "404"},
	{"GET", "v1/stats", WEB_STATS, web_api_stats,
	 N_("Documented victims of the imported lists by dimensions"), stats_params,
	 API_BODY_NONE, 200, "Stats", "400"},
	{"GET", "v1/estimate", WEB_STATS, web_api_estimate,
	 /* xgettext:no-c-format */
	 N_("Estimated total victims from the linked lists, with 95% intervals"),
	 estimate_params, API_BODY_NONE, 200, "Estimate", "400 409"},
	{"GET", "v1/review", WEB_REVIEW, web_api_review,
	 N_("The linkage review queue: pairs of list records with the score's explanation"),
	 review_params, API_BODY_NONE, 200, "ReviewQueue", "400"},
	{"POST", "v1/review", WEB_REVIEW, web_api_decide,
	 N_("Decide whether two list records are the same person"), NULL, API_BODY_DECISION,
	 201, "Decision", "400 404 409 415 422"},
	{"GET", "v1/agenda", WEB_READ, api_agenda, N_("Upcoming hearings of proceedings"),
	 agenda_params, API_BODY_NONE, 200, "Agenda", "400"},
	{"GET", "v1/ledger", WEB_LEDGER, api_ledger,
	 N_("The ledger's verifier key, size, root and whether it verifies"), NULL, API_BODY_NONE,
	 200, "Ledger", ""},
	{"GET", "v1/{entity}", WEB_READ, web_api_list, N_("List records"), list_params,
	 API_BODY_NONE, 200, "{entity}List", "400"},
	{"POST", "v1/{entity}", WEB_CREATE, web_api_create, N_("Create a record"), NULL,
	 API_BODY_RECORD, 201, "{entity}", "400 409 415 422"},
	{"GET", "v1/{entity}/{id}", WEB_READ, web_api_read, N_("Read a record (deleted ones too)"),
	 NULL, API_BODY_NONE, 200, "{entity}", "404"},
	{"PATCH", "v1/{entity}/{id}", WEB_UPDATE, web_api_update,
	 N_("Change a record by an RFC 7386 merge patch"), NULL, API_BODY_PATCH, 200, "{entity}",
	 "400 404 409 415 422"},
	{"DELETE", "v1/{entity}/{id}", WEB_DELETE, web_api_delete,
	 N_("Delete a record (it stays, marked deleted with the reason); asks for"
	    " re-authentication of a session"),
	 NULL, API_BODY_REASON, 200, "{entity}", "400 404 409 415 422"},
	{"GET", "v1/{entity}/{id}/history", WEB_READ, web_api_history,
	 N_("Every version of a record the caller may see"), NULL, API_BODY_NONE, 200, "History",
	 "404"},
};
const size_t web_api_nroutes = sizeof web_api_routes / sizeof web_api_routes[0];

/* ---- helpers ---- */

int web_api_error(struct api_call *c, int status, const char *code, const char *msg,
                  const char *field)
{
	return web_json_error(c->r, status, code, msg, field);
}

int web_api_fail(struct api_call *c, const tg_error *err)
{
	const char *msg = *err->msg ? err->msg : tg_strerror(err->code);
	switch (err->code) {
	case TG_EJSON:
		return web_api_error(c, 400, "malformed_json", msg, err->path);
	case TG_EUSAGE:
	case TG_EINVAL:
	case TG_ETYPE:
	case TG_EDATE:
	case TG_EVOCAB:
	case TG_EREF:
		return web_api_error(c, 422, "invalid", msg, err->path);
	case TG_EEXIST:
		return web_api_error(c, 409, "conflict", msg, err->path);
	case TG_EDELETED:
		return web_api_error(c, 409, "deleted", msg, err->path);
	case TG_ENOTFOUND:
		return web_error(c->r, 404, NULL);
	default:
		/* The store's own words may name files or SQL: not for the caller. */
		return web_error(c->r, 500, NULL);
	}
}

static bool is_json_type(const char *ct)
{
	size_t n = strcspn(ct, ";");
	while (n && ct[n - 1] == ' ')
		n--;
	return (n == 16 && !strncasecmp(ct, "application/json", 16)) ||
	       (n > 17 && !strncasecmp(ct, "application/", 12) && !strncasecmp(ct + n - 5, "+json", 5));
}

json_t *web_api_body(struct api_call *c, bool empty_ok)
{
	struct web_req *r = c->r;
	const char *ct = web_header(r, MHD_HTTP_HEADER_CONTENT_TYPE);
	if (ct && !is_json_type(ct)) {
		web_api_error(c, 415, "unsupported_media_type",
		              _("Send the body as application/json."), NULL);
		return NULL;
	}
	if (!r->body.len) {
		if (empty_ok)
			return json_object();
		web_api_error(c, 400, "bad_request", _("The request needs a JSON object as its body."),
		              NULL);
		return NULL;
	}
	json_error_t je;
	json_t *v = json_loadb(r->body.buf, r->body.len, JSON_REJECT_DUPLICATES, &je);
	if (!v) {
		char msg[400];
		snprintf(msg, sizeof msg, _("Malformed JSON at line %d, column %d: %s"), je.line,
		         je.column, je.text);
		json_t *e = json_pack("{s:s, s:s, s:i, s:i}", "code", "malformed_json", "message", msg,
		                      "line", je.line, "column", je.column);
		web_json(r, 400, json_pack("{s:o}", "error", e));
		return NULL;
	}
	if (!json_is_object(v)) {
		json_decref(v);
		web_api_error(c, 400, "bad_request", _("The body must be a JSON object."), NULL);
		return NULL;
	}
	return v;
}

static const struct api_param *param_of(const struct api_call *c, const char *name)
{
	for (const struct api_param *p = c->route->params; p && p->name; p++)
		if (!strcmp(p->name, name))
			return p;
	return NULL;
}

const char *web_api_arg(struct api_call *c, const char *name)
{
	const char *v = web_arg(c->r, name);
	if (v && *v)
		return v;
	const struct api_param *p = param_of(c, name);
	return p ? p->def : NULL;
}

long long web_api_int(struct api_call *c, const char *name)
{
	const char *v = web_api_arg(c, name);
	return v ? strtoll(v, NULL, 10) : 0;
}

json_t *web_api_real(double v)
{
	return isfinite(v) ? json_real(v) : json_null();
}

void web_api_page_init(struct api_call *c, struct api_page *p)
{
	*p = (struct api_page){.offset = web_api_int(c, "offset"), .limit = web_api_int(c, "limit"),
	                       .items = json_array()};
}

void web_api_page_init_text(struct api_call *c, struct api_page *p)
{
	web_api_page_init(c, p);
	json_decref(p->items);
	p->items = NULL;
}

void web_api_page_text(struct api_page *p, const char *json)
{
	if (p->text.len)
		tg_strbuf_addc(&p->text, ',');
	tg_strbuf_adds(&p->text, json);
}

enum api_slot web_api_page_slot(struct api_page *p)
{
	if (p->seen++ < p->offset)
		return API_SKIP;
	if (p->taken < p->limit) {
		p->taken++;
		return API_TAKE;
	}
	p->more = true;
	return API_FULL;
}

int web_api_page_answer(struct api_call *c, struct api_page *p)
{
	if (!p->items) {
		/* Texts of canonical records, written around as they are. */
		struct web_req *r = c->r;
		tg_strbuf_reset(&r->out);
		tg_strbuf_adds(&r->out, "{\"items\":[");
		tg_strbuf_add(&r->out, p->text.buf ? p->text.buf : "", p->text.len);
		tg_strbuf_addf(&r->out, "],\"limit\":%lld,\"offset\":%lld,\"next_offset\":", p->limit,
		               p->offset);
		if (p->more)
			tg_strbuf_addf(&r->out, "%lld}", p->offset + p->limit);
		else
			tg_strbuf_adds(&r->out, "null}");
		tg_strbuf_release(&p->text);
		r->ctype = "application/json";
		return r->status = 200;
	}
	json_t *next = p->more ? json_integer(p->offset + p->limit) : json_null();
	return web_json(c->r, 200, json_pack("{s:o, s:I, s:I, s:o}", "items", p->items, "limit",
	                                     (json_int_t)p->limit, "offset", (json_int_t)p->offset,
	                                     "next_offset", next));
}

/* Is value one of choices "a|b|c"? */
static bool one_of(const char *choices, const char *value)
{
	size_t n = strlen(value);
	for (const char *p = choices; *p;) {
		size_t k = strcspn(p, "|");
		if (k == n && !strncmp(p, value, n))
			return true;
		p += k + (p[k] == '|');
	}
	return false;
}

/* Checks the query parameters of the route: 0, or the 400 answered. */
static int check_params(struct api_call *c)
{
	for (const struct api_param *p = c->route->params; p && p->name; p++) {
		const char *v = web_arg(c->r, p->name);
		char msg[300];
		if (!v || !*v) {
			if (!p->required)
				continue;
			snprintf(msg, sizeof msg, _("Give the parameter %s."), p->name);
			return web_api_error(c, 400, "bad_request", msg, p->name);
		}
		char *end = NULL;
		long long n = p->type == API_INT ? strtoll(v, &end, 10) : 0;
		tg_pdate d;
		if (p->type == API_INT && (*end || n < p->min || n > p->max))
			snprintf(msg, sizeof msg, _("%s: give a whole number from %lld to %lld."), p->name,
			         p->min, p->max);
		else if (p->type == API_STR && p->choices && !one_of(p->choices, v))
			snprintf(msg, sizeof msg, _("%s: give one of %s."), p->name, p->choices);
		else if (p->type == API_DATE && tg_pdate_parse(v, &d, NULL))
			snprintf(msg, sizeof msg, _("%s: give a date such as 2022, 2022-01 or 2022-01-05."),
			         p->name);
		else
			continue;
		return web_api_error(c, 400, "bad_request", msg, p->name);
	}
	return 0;
}

/* ---- the dispatcher ---- */

/* Does path (below /api/) fit pattern?  Fills c's entity and id. */
static bool path_fits(const char *pattern, const char *path, struct api_call *c, tg_arena *a)
{
	for (;;) {
		size_t pn = strcspn(pattern, "/"), sn = strcspn(path, "/");
		if (pn == 8 && !strncmp(pattern, "{entity}", 8)) {
			char name[32];
			if (!sn || sn >= sizeof name)
				return false;
			memcpy(name, path, sn);
			name[sn] = '\0';
			if (!(c->entity = tg_model_entity(name)))
				return false;
		} else if (pn == 4 && !strncmp(pattern, "{id}", 4)) {
			if (!sn)
				return false;
			char *id = tg_arena_alloc(a, sn + 1);
			memcpy(id, path, sn);
			id[sn] = '\0';
			c->id = id;
		} else if (pn != sn || strncmp(pattern, path, pn)) {
			return false;
		}
		pattern += pn;
		path += sn;
		if (!*pattern || !*path)
			return !*pattern && !*path;
		pattern++;
		path++;
	}
}

static void allow_add(tg_strbuf *allow, const char *method)
{
	/* Each method once: several routes may share a path. */
	for (const char *p = allow->len ? allow->buf : ""; *p;) {
		size_t k = strcspn(p, ",");
		if (k == strlen(method) && !strncmp(p, method, k))
			return;
		p += k;
		p += strspn(p, ", ");
	}
	tg_strbuf_addf(allow, "%s%s", allow->len ? ", " : "", method);
	if (!strcmp(method, "GET"))
		allow_add(allow, "HEAD");
}

int web_api(struct web_req *r, const char *rest)
{
	const char *method = !strcmp(r->method, "HEAD") ? "GET" : r->method;
	struct api_call c = {.r = r};
	tg_strbuf allow = TG_STRBUF_INIT;
	for (size_t i = 0; i < web_api_nroutes && !c.route; i++) {
		struct api_call t = {.r = r, .route = &web_api_routes[i]};
		if (!path_fits(t.route->path, rest, &t, r->arena))
			continue;
		if (!strcmp(t.route->method, method))
			c = t;
		else
			allow_add(&allow, t.route->method);
	}
	if (!c.route) {
		int status = allow.len ? 405 : 404;
		if (allow.len)
			web_add_header(r, "Allow", allow.buf);
		tg_strbuf_release(&allow);
		return web_error(r, status, NULL);
	}
	tg_strbuf_release(&allow);
	if (c.route->need == API_PUBLIC)
		return c.route->fn(&c);
	if (!r->authed) {
		web_add_header(r, "WWW-Authenticate", "Bearer realm=\"tergeu\"");
		return web_error(r, 401, _("Sign in, or send an API token as Authorization: Bearer."));
	}
	if (!web_authorize(&r->user, (enum web_action)c.route->need, NULL))
		return web_error(r, 403, _("Your role does not allow this."));
	int rc = check_params(&c);
	if (rc)
		return rc;
	if (!(c.st = web_store(r)))
		return web_error(r, 503, NULL);
	/* The ledger names who wrote: the caller, never the pooled
	 * connection's previous user. */
	if (strcmp(method, "GET"))
		tg_store_set_actor(c.st, r->user.name);
	return c.route->fn(&c);
}

/* ---- small routes ---- */

static int api_me(struct api_call *c)
{
	static const char *const actions[WEB_NACTIONS] = {
		[WEB_READ] = "read", [WEB_CREATE] = "create", [WEB_UPDATE] = "update",
		[WEB_DELETE] = "delete", [WEB_STATS] = "stats", [WEB_REVIEW] = "review",
		[WEB_EXPORT] = "export", [WEB_LEDGER] = "ledger", [WEB_USERS] = "users",
	};
	const struct web_user *u = &c->r->user;
	json_t *may = json_array();
	for (int a = 0; a < WEB_NACTIONS; a++)
		if (web_authorize(u, (enum web_action)a, NULL))
			json_array_append_new(may, json_string(actions[a]));
	return web_json(c->r, 200,
	                json_pack("{s:s, s:s, s:s, s:s, s:b, s:o}", "name", u->name, "role",
	                          web_role_name(u->role), "clearance",
	                          web_clearance_name(u->clearance), "via",
	                          c->r->by_token ? "token" : "session", "second_factor", u->totp,
	                          "may", may));
}

static int api_ledger(struct api_call *c)
{
	json_t *rep = NULL;
	tg_error err = {0};
	const char *vkey = tg_ledger_vkey(c->st);
	if (tg_ledger_verify(c->st, NULL, 0, &rep, &err)) {
		if (err.code != TG_EINTEGRITY)
			return web_api_fail(c, &err);
		/* A ledger that does not verify is an answer, not a failure. */
		return web_json(c->r, 200, json_pack("{s:s?, s:n, s:n, s:b, s:s}", "vkey", vkey,
		                                     "size", "root", "ok", 0, "problem", err.msg));
	}
	json_t *out = json_pack("{s:s?, s:O?, s:O?, s:b}", "vkey", vkey, "size",
	                        json_object_get(rep, "size"), "root", json_object_get(rep, "root"),
	                        "ok", json_is_true(json_object_get(rep, "ok")));
	json_object_set(out, "checkpoints", json_object_get(rep, "checkpoints"));
	json_decref(rep);
	return web_json(c->r, 200, out);
}

struct agenda {
	struct api_call *c;
	tg_pdate to;
	bool has_to;
	long long limit;
	json_t *items;
};

static int agenda_item(void *ctx, const json_t *doc)
{
	struct agenda *a = ctx;
	tg_pdate d;
	const char *next = json_string_value(json_object_get(doc, "next_hearing"));
	/* Soonest first: past "to" every later one is too. */
	if (a->has_to && next && !tg_pdate_parse(next, &d, NULL) && tg_pdate_cmp(&d, &a->to) > 0 &&
	    !tg_pdate_compatible(&d, &a->to))
		return 1;
	if (!web_authorize(&a->c->r->user, WEB_READ, doc))
		return 0;
	if ((long long)json_array_size(a->items) == a->limit)
		return 1;
	json_array_append_new(a->items, json_deep_copy(doc));
	return 0;
}

static int api_agenda(struct api_call *c)
{
	char today[TG_TIME_LEN];
	tg_now_utc(today);
	today[10] = '\0';
	const char *from = web_api_arg(c, "from"), *to = web_api_arg(c, "to");
	struct agenda a = {c, {0}, to != NULL, web_api_int(c, "limit"), json_array()};
	if (to)
		tg_pdate_parse(to, &a.to, NULL);
	tg_error err = {0};
	/* The store counts hearings before the clearance is applied: ask for
	 * the most a page may hold. */
	int rc = tg_store_upcoming(c->st, from ? from : today, 500, agenda_item, &a, &err);
	if (rc < 0) {
		json_decref(a.items);
		return web_api_fail(c, &err);
	}
	return web_json(c->r, 200, json_pack("{s:s, s:s?, s:o}", "from", from ? from : today, "to",
	                                     to, "items", a.items));
}
