/*
 * The imported lists through the API: documented victims by dimensions,
 * estimated totals by multiple systems estimation, and the linkage review
 * queue with its decisions.
 *
 * Counts and estimates mix every list, so they are given only to a caller
 * who may read each list's source record, as on the statistics page.  A
 * list record (raw record) is visible when its list's source is.
 */
#include <stdlib.h>
#include <string.h>

#include "stats/stats.h"
#include "web/api-int.h"

/* LCMCR in a request: enough sweeps for a usable interval in about a
 * second per stratum, not the CLI's 110,000. */
enum { LCMCR_BURNIN = 2000, LCMCR_SAMPLES = 2000, LCMCR_THIN = 2 };
/* A stratum this small gives an estimate with little meaning (as the CLI). */
enum { SMALL_STRATUM = 20 };

static const char *str(const json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

/* 0 when the caller may see every list, else the 403 answered. */
static int lists_visible(struct api_call *c)
{
	tg_error err = {0};
	int all = web_lists_visible(&c->r->user, c->st, &err);
	if (all < 0)
		return web_api_fail(c, &err);
	if (!all)
		return web_api_error(c, 403, "above_clearance",
		                     _("Some lists are above your clearance, so counts over the lists"
		                       " are not shown to you."),
		                     NULL);
	return 0;
}

/* ---- documented victims ---- */

struct count_rows {
	const char *const *dims;
	int ndims;
	json_t *rows;
	long long total;
};

static int count_row(void *ctx, const char *const *values, long long n, const char *lists)
{
	struct count_rows *t = ctx;
	json_t *row = json_object();
	for (int d = 0; d < t->ndims; d++)
		json_object_set_new(row, t->dims[d], values[d] ? json_string(values[d]) : json_null());
	json_object_set_new(row, "victims", json_integer(n));
	/* The store gives the lists' titles as a JSON array. */
	json_t *names = lists ? json_loads(lists, 0, NULL) : NULL;
	json_object_set_new(row, "lists", json_is_array(names) ? names : json_array());
	if (!json_is_array(names))
		json_decref(names);
	json_array_append_new(t->rows, row);
	t->total += n;
	return 0;
}

int web_api_stats(struct api_call *c)
{
	int rc = lists_visible(c);
	if (rc)
		return rc;
	char *by = tg_arena_strdup(c->r->arena, web_api_arg(c, "by"));
	const char *dims[7];
	int n = 0;
	for (char *save = NULL, *d = strtok_r(by, ",", &save); d; d = strtok_r(NULL, ",", &save)) {
		if (n == 6)
			return web_api_error(c, 400, "bad_request", _("by: give at most 6 dimensions."),
			                     "by");
		dims[n++] = d;
	}
	if (!n)
		return web_api_error(c, 400, "bad_request", _("by: give at least one dimension."), "by");
	struct count_rows t = {dims, n, json_array(), 0};
	bool linked = false;
	tg_error err = {0};
	if (tg_store_victim_counts(c->st, dims, n, &linked, count_row, &t, &err)) {
		json_decref(t.rows);
		if (err.code == TG_EINVAL)
			return web_api_error(c, 400, "bad_request", err.msg, "by");
		return web_api_fail(c, &err);
	}
	json_t *jdims = json_array();
	for (int d = 0; d < n; d++)
		json_array_append_new(jdims, json_string(dims[d]));
	return web_json(c->r, 200,
	                json_pack("{s:s, s:o, s:I, s:o}", "unit", linked ? "persons" : "records",
	                          "by", jdims, "total", (json_int_t)t.total, "rows", t.rows));
}

/* ---- estimates ---- */

struct estimates {
	struct api_call *c;
	const char *by, *method, *criterion;
	uint64_t seed;
	json_t *strata;
};

static void estimate_fields(json_t *o, const tg_estimate *e)
{
	json_object_set_new(o, "method", json_string(e->method));
	json_object_set_new(o, "estimate", web_api_real(e->estimate));
	json_object_set_new(o, "lower", web_api_real(e->lower));
	json_object_set_new(o, "upper", web_api_real(e->upper));
	json_object_set_new(o, "se", web_api_real(e->se));
	if (e->model[0]) {
		json_object_set_new(o, "model", json_string(e->model));
		json_object_set_new(o, "aic", web_api_real(e->aic));
		json_object_set_new(o, "bic", web_api_real(e->bic));
		json_object_set_new(o, "deviance", web_api_real(e->deviance));
		json_object_set_new(o, "df", json_integer(e->df));
	}
}

static int stratum(void *ctx, const char *value, const tg_capture *t)
{
	struct estimates *q = ctx;
	const char *method = q->method ? q->method : t->k == 2 ? "chapman" : "loglinear";
	tg_estimate e = {0};
	tg_error err = {0};
	json_t *diag = NULL;
	int rc;
	if (!strcmp(method, "chapman")) {
		rc = tg_estimate_chapman(t, &e, &err);
	} else if (!strcmp(method, "loglinear")) {
		rc = tg_estimate_loglinear(t, q->criterion, &e, NULL, &err);
	} else {
		tg_lcmcr_opts o = {.burnin = LCMCR_BURNIN, .samples = LCMCR_SAMPLES,
		                   .thin = LCMCR_THIN, .seed = q->seed};
		rc = tg_estimate_lcmcr(t, &o, &e, &diag, &err);
	}
	json_t *lists = json_array();
	for (int l = 0; l < t->k; l++)
		json_array_append_new(lists, json_string(t->names[l]));
	double observed = tg_capture_observed(t);
	json_t *o = json_pack("{s:o, s:f, s:o}", "stratum",
	                      q->by && value ? json_string(value) : json_null(), "observed", observed,
	                      "lists", lists);
	if (rc) {
		/* One stratum that cannot be estimated does not spoil the others. */
		json_object_set_new(o, "method", json_string(method));
		json_object_set_new(o, "error", json_string(err.msg));
	} else {
		estimate_fields(o, &e);
		json_t *warnings = json_array();
		if (e.warning[0])
			json_array_append_new(warnings, json_string(e.warning));
		if (observed < SMALL_STRATUM)
			json_array_append_new(warnings, json_string(_("the stratum is too small for a"
			                                              " reliable estimate")));
		json_object_set_new(o, "warnings", warnings);
	}
	if (diag)
		json_object_set_new(o, "diagnostics", diag);
	json_array_append_new(q->strata, o);
	return 0;
}

int web_api_estimate(struct api_call *c)
{
	int rc = lists_visible(c);
	if (rc)
		return rc;
	struct estimates q = {c, web_api_arg(c, "by"), web_api_arg(c, "method"),
	                      web_api_arg(c, "criterion"), (uint64_t)web_api_int(c, "seed"),
	                      json_array()};
	tg_error err = {0};
	if (tg_stats_capture_by(c->st, q.by, stratum, &q, &err)) {
		json_decref(q.strata);
		/* by was checked: what is left is the state of the lists (no
		 * linkage yet, too few or too many lists). */
		if (err.code == TG_EINVAL)
			return web_api_error(c, 409, "no_estimate", err.msg, NULL);
		return web_api_fail(c, &err);
	}
	return web_json(c->r, 200, json_pack("{s:s?, s:s?, s:o}", "by", q.by, "method", q.method,
	                                     "strata", q.strata));
}

/* ---- linkage review ---- */

struct queue {
	struct api_call *c;
	struct api_page page;
};

static int queued(void *ctx, const tg_review_item *it)
{
	struct queue *q = ctx;
	json_t *a = tg_raw_json(q->c->st, it->a), *b = tg_raw_json(q->c->st, it->b);
	enum api_slot slot = web_raw_visible(&q->c->r->user, q->c->st, a) && web_raw_visible(&q->c->r->user, q->c->st, b)
	                         ? web_api_page_slot(&q->page) : API_SKIP;
	if (slot == API_TAKE) {
		json_t *why = it->explain ? json_loads(it->explain, 0, NULL) : NULL;
		json_array_append_new(q->page.items,
		                      json_pack("{s:I, s:f, s:O, s:O, s:o}", "pos", (json_int_t)it->pos,
		                                "probability", it->prob, "a", a, "b", b, "explanation",
		                                why ? why : json_null()));
	}
	json_decref(a);
	json_decref(b);
	return slot == API_FULL;
}

int web_api_review(struct api_call *c)
{
	struct queue q = {.c = c};
	web_api_page_init(c, &q.page);
	tg_error err = {0};
	if (tg_linkdb_review(c->st, queued, &q, &err) < 0) {
		json_decref(q.page.items);
		return web_api_fail(c, &err);
	}
	return web_api_page_answer(c, &q.page);
}

/* A raw record id of the body: 0, or the 422 naming field answered. */
static int raw_id(struct api_call *c, const json_t *body, const char *field, long long *out)
{
	const json_t *v = json_object_get(body, field);
	if (json_is_integer(v) && json_integer_value(v) > 0) {
		*out = json_integer_value(v);
		return 0;
	}
	char msg[200];
	snprintf(msg, sizeof msg, _("%s: give the number of a list record"), field);
	return web_api_error(c, 422, "invalid", msg, field);
}

int web_api_decide(struct api_call *c)
{
	json_t *body = web_api_body(c, false);
	if (!body)
		return c->r->status;
	long long a = 0, b = 0;
	const char *d = str(body, "decision");
	const json_t *note = json_object_get(body, "note");
	int rc = raw_id(c, body, "a", &a);
	if (!rc)
		rc = raw_id(c, body, "b", &b);
	if (!rc && (!d || (strcmp(d, "link") && strcmp(d, "not-link"))))
		rc = web_api_error(c, 422, "invalid", _("decision: give link or not-link"), "decision");
	if (!rc && note && !json_is_null(note) && !json_is_string(note))
		rc = web_api_error(c, 422, "invalid", _("note: give the note as text"), "note");
	if (!rc) {
		json_t *ra = tg_raw_json(c->st, a), *rb = tg_raw_json(c->st, b);
		bool ok = web_raw_visible(&c->r->user, c->st, ra) && web_raw_visible(&c->r->user, c->st, rb);
		json_decref(ra);
		json_decref(rb);
		if (!ok)
			rc = web_error(c->r, 404, NULL);
	}
	char uid[TG_UUID_LEN];
	tg_error err = {0};
	const char *text = json_string_value(note);
	if (!rc && tg_linkdb_decide(c->st, a, b, !strcmp(d, "link"), text && *text ? text : NULL,
	                            uid, &err))
		rc = err.code == TG_EINVAL ? web_api_error(c, 422, "invalid", err.msg, "b")
		                           : web_api_fail(c, &err);
	if (rc) {
		json_decref(body);
		return rc;
	}
	json_t *out = json_pack("{s:s, s:I, s:I, s:s, s:s?}", "id", uid, "a", (json_int_t)a, "b",
	                        (json_int_t)b, "decision", d, "note", text && *text ? text : NULL);
	json_decref(body);
	return web_json(c->r, 201, out);
}
