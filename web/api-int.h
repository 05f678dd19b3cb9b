/*
 * Inside the JSON API: one table of routes, read by both the dispatcher
 * (api.c) and the OpenAPI document (openapi.c), so that what is served and
 * what is documented cannot drift apart; and the helpers every handler
 * shares (errors, the JSON body, checked query parameters).
 */
#ifndef TG_WEB_API_INT_H
#define TG_WEB_API_INT_H

#include "web/web-int.h"

/* A route open to everyone (the OpenAPI document) instead of an action. */
enum { API_PUBLIC = -1 };

/* A query parameter.  The dispatcher checks every one before the handler
 * runs (required, whole numbers in range, one of the choices, partial
 * dates), so a handler reads values it can trust. */
enum api_ptype { API_INT, API_STR, API_DATE };
struct api_param {
	const char *name;
	enum api_ptype type;
	bool required;
	long long min, max;  /* API_INT */
	const char *def;     /* the default, as text, or NULL */
	const char *choices; /* API_STR: the allowed values "a|b|c", or NULL */
	const char *help;    /* N_() */
};

/* What a route takes as its body. */
enum api_body { API_BODY_NONE, API_BODY_RECORD, API_BODY_PATCH, API_BODY_REASON,
                API_BODY_DECISION };

struct api_route;

/* One call of a route: the request and what its path named. */
struct api_call {
	struct web_req *r;
	tg_store *st;                 /* NULL for public routes */
	const struct api_route *route;
	const tg_entity *entity;      /* the {entity} of the path */
	const char *id;               /* the {id} of the path */
};

typedef int (*api_handler)(struct api_call *c);

struct api_route {
	const char *method;
	/* Below /api/: segments that are literal, {entity} (a top-level entity
	 * of the model: the document repeats the path for each) or {id}. */
	const char *path;
	int need; /* enum web_action, or API_PUBLIC */
	api_handler fn;
	const char *summary;            /* N_() */
	const struct api_param *params; /* ends with a NULL name; NULL for none */
	enum api_body body;
	int ok;            /* the status of success */
	const char *reply; /* a schema of the document, "{entity}" or "{entity}List" */
	const char *fails; /* other statuses it answers besides 401/403/503: "400 404" */
};

extern const struct api_route web_api_routes[];
extern const size_t web_api_nroutes;

/* ---- api.c: helpers of the handlers ---- */
/* An error answer {"error": {code, message, field}}; returns status. */
int web_api_error(struct api_call *c, int status, const char *code, const char *msg,
                  const char *field);
/* The answer for a failed library call: 422 naming the field for bad
 * input, 404, 409, or 500 for trouble in the store. */
int web_api_fail(struct api_call *c, const tg_error *err);
/* The body as a JSON object (new reference), or NULL with the answer
 * given (415, 400 naming line and column).  An empty body is {} when
 * empty_ok, else 400. */
json_t *web_api_body(struct api_call *c, bool empty_ok);
/* A checked query parameter: its value or default; "" counts as absent. */
const char *web_api_arg(struct api_call *c, const char *name);
long long web_api_int(struct api_call *c, const char *name);
/* JSON for a number that may be NaN or infinite (then null). */
json_t *web_api_real(double v);

/* A page of the items the caller may see, by the query's limit and
 * offset: a handler walks every item, asks web_api_page_slot of each one
 * the caller may see, and appends to items the ones to take. */
struct api_page {
	long long offset, limit, seen, taken;
	json_t *items;   /* the items taken, or NULL when they are text: */
	tg_strbuf text;  /* the JSON texts of the items, comma-separated */
	bool more;
};
enum api_slot { API_SKIP, API_TAKE, API_FULL /* one past the page: stop walking */ };
void web_api_page_init(struct api_call *c, struct api_page *p);
/* A page of items given as JSON texts (web_api_page_text). */
void web_api_page_init_text(struct api_call *c, struct api_page *p);
void web_api_page_text(struct api_page *p, const char *json);
enum api_slot web_api_page_slot(struct api_page *p);
/* Answers {"items", "limit", "offset", "next_offset" (null on the last
 * page)}; takes items. */
int web_api_page_answer(struct api_call *c, struct api_page *p);

/* ---- api-records.c: records of every entity ---- */
int web_api_list(struct api_call *c);
int web_api_create(struct api_call *c);
int web_api_read(struct api_call *c);
int web_api_update(struct api_call *c);
int web_api_delete(struct api_call *c);
int web_api_history(struct api_call *c);
int web_api_related(struct api_call *c);
int web_api_search(struct api_call *c);

/* ---- api-lists.c: the imported lists: counts, estimates, review ---- */
int web_api_stats(struct api_call *c);
int web_api_estimate(struct api_call *c);
int web_api_review(struct api_call *c);
int web_api_decide(struct api_call *c);

/* ---- openapi.c ---- */
int web_api_openapi(struct api_call *c);

#endif
