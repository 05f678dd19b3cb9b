/*
 * Records of every entity through the API: list, create, read, change
 * (RFC 7386 merge patch), soft delete, history, what refers to a record,
 * and search.
 *
 * Clearance is decided record by record: a record the caller may not see
 * is answered exactly like one that does not exist (404 on its routes,
 * absent from lists and search, "no record" when a new record refers to
 * it), so ids cannot be probed.  A record may not be written above the
 * writer's clearance, before or after the change.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "web/api-int.h"

static bool visible(const struct api_call *c, const json_t *doc)
{
	return web_authorize(&c->r->user, WEB_READ, doc);
}

/* The record of the path, or NULL with 404 answered: missing, of another
 * entity than the path's (if it names one), or above the caller's
 * clearance, alike; 500 when it could not be read. */
static json_t *path_record(struct api_call *c)
{
	json_t *doc = NULL;
	const char *entity = NULL;
	int rc = tg_uuid_valid(c->id) ? tg_record_get(c->st, c->id, &doc, NULL) : TG_ENOTFOUND;
	if (rc || !(entity = json_string_value(json_object_get(doc, "entity"))) ||
	    (c->entity && strcmp(entity, c->entity->name)) ||
	    !visible(c, doc)) {
		json_decref(doc);
		web_error(c->r, web_record_status(rc), NULL);
		return NULL;
	}
	return doc;
}

/* May the caller write doc (a new record or a changed one), by its
 * confidentiality?  0, or the answer given: 422 for a level that is none
 * (an access decision needs a known level), 403 above the clearance. */
static int check_level(struct api_call *c, enum web_action action, const json_t *doc)
{
	const json_t *v = json_object_get(doc, "confidentiality");
	if (v && !json_is_null(v) && tg_clearance_level(json_string_value(v)) < 0)
		return web_api_error(c, 422, "invalid",
		                     _("confidentiality: give public, restricted or confidential"),
		                     "confidentiality");
	if (!web_authorize(&c->r->user, action, doc))
		return web_api_error(c, 403, "above_clearance", _("This is above your clearance."),
		                     "confidentiality");
	return 0;
}

/* References in body (a new record or a patch) to records the caller may
 * not see get the store's answer for a missing record. */
static int check_refs(struct api_call *c, const tg_entity *e, const json_t *body,
                      const char *path)
{
	for (int i = 0; i < e->nfields; i++) {
		const tg_field *f = &e->fields[i];
		const json_t *v = json_object_get(body, f->name);
		char sub[256];
		snprintf(sub, sizeof sub, "%s%s%s", path, *path ? "." : "", f->name);
		if (f->type == TG_FT_LIST && json_is_array(v)) {
			size_t k;
			const json_t *el;
			json_array_foreach(v, k, el) {
				char item[300];
				snprintf(item, sizeof item, "%s[%zu]", sub, k);
				/* A scalar list's elements are bare values of its one field. */
				json_t *wrap = f->child->scalar
				                   ? json_pack("{s:O}", f->child->fields[0].name, el)
				                   : json_incref((json_t *)el);
				int rc = check_refs(c, f->child, wrap, item);
				json_decref(wrap);
				if (rc)
					return rc;
			}
			continue;
		}
		const char *uid = json_string_value(v);
		json_t *target = NULL;
		if (f->type != TG_FT_REF || !uid || !tg_uuid_valid(uid))
			continue;
		tg_error err = {0};
		int rc = tg_record_get(c->st, uid, &target, &err);
		if (rc == TG_ENOTFOUND)
			continue; /* the store's own answer follows */
		if (rc)
			return web_api_fail(c, &err);
		bool ok = visible(c, target);
		json_decref(target);
		if (!ok) {
			/* A scalar list element is named by its index alone. */
			const char *name = e->scalar ? path : sub;
			char msg[400];
			snprintf(msg, sizeof msg, _("%s: no record %s"), name, uid);
			return web_api_error(c, 422, "invalid", msg, name);
		}
	}
	return 0;
}

static int refs_ok(struct api_call *c, const json_t *body)
{
	return check_refs(c, c->entity, body, "");
}

/* ---- list ---- */

struct listing {
	struct api_call *c;
	struct api_page page;
};

/* Pages count only what the caller may see, so the store walks every
 * match and this skips and stops. The records come as their canonical
 * texts: nothing is built or parsed on the way. */
static int list_one(void *ctx, const char *uid, int level, const char *doc)
{
	struct listing *l = ctx;
	if (!web_authorize_level(&l->c->r->user, WEB_READ, level) || !doc)
		return 0;
	switch (web_api_page_slot(&l->page)) {
	case API_SKIP:
		return 0;
	case API_FULL:
		return 1;
	default:
		web_api_page_text(&l->page, doc);
		return 0;
	}
}

int web_api_list(struct api_call *c)
{
	struct listing l = {.c = c};
	web_api_page_init_text(c, &l.page);
	tg_filter f = {.entity = c->entity->name, .place = web_api_arg(c, "place"),
	               .from = web_api_arg(c, "from"), .to = web_api_arg(c, "to"),
	               .term = web_api_arg(c, "term"), .text = web_api_arg(c, "text")};
	tg_error err = {0};
	if (tg_record_list_text(c->st, &f, list_one, &l, &err) < 0) {
		tg_strbuf_release(&l.page.text);
		/* A filter the store refuses names its query parameter. */
		if (err.code != TG_EDB && err.code != TG_ENOMEM && err.code != TG_EIO && *err.path)
			return web_api_error(c, 400, "bad_request", err.msg, err.path);
		return web_api_fail(c, &err);
	}
	return web_api_page_answer(c, &l.page);
}

/* ---- one record ---- */

static void set_location(struct api_call *c, const char *uid)
{
	char loc[128];
	snprintf(loc, sizeof loc, "/api/v1/%s/%s", c->entity->name, uid);
	web_add_header(c->r, MHD_HTTP_HEADER_LOCATION, loc);
}

/* The canonical record uid as the answer. */
static int answer_record(struct api_call *c, int status, const char *uid)
{
	json_t *doc;
	tg_error err = {0};
	if (tg_record_get(c->st, uid, &doc, &err))
		return web_api_fail(c, &err);
	return web_json(c->r, status, doc);
}

int web_api_create(struct api_call *c)
{
	json_t *doc = web_api_body(c, false);
	if (!doc)
		return c->r->status;
	int rc = check_level(c, WEB_CREATE, doc);
	if (!rc)
		rc = refs_ok(c, doc);
	char uid[TG_UUID_LEN];
	tg_error err = {0};
	if (!rc && tg_record_create(c->st, c->entity->name, doc, uid, &err))
		rc = web_api_fail(c, &err);
	json_decref(doc);
	if (rc)
		return rc;
	set_location(c, uid);
	return answer_record(c, 201, uid);
}

int web_api_read(struct api_call *c)
{
	json_t *doc = path_record(c);
	return doc ? web_json(c->r, 200, doc) : c->r->status;
}

int web_api_update(struct api_call *c)
{
	json_t *old = path_record(c);
	if (!old)
		return c->r->status;
	json_t *patch = web_api_body(c, false), *merged = NULL;
	int rc = patch ? 0 : c->r->status;
	/* The old version passed path_record; the new one is checked here. */
	if (!rc && !web_authorize(&c->r->user, WEB_UPDATE, old))
		rc = web_error(c->r, 403, NULL);
	if (!rc) {
		merged = tg_model_merge_patch(old, patch);
		rc = check_level(c, WEB_UPDATE, merged);
	}
	if (!rc)
		rc = refs_ok(c, patch);
	tg_error err = {0};
	if (!rc && tg_record_update(c->st, c->id, patch, &err))
		rc = web_api_fail(c, &err);
	json_decref(merged);
	json_decref(patch);
	json_decref(old);
	return rc ? rc : answer_record(c, 200, c->id);
}

int web_api_delete(struct api_call *c)
{
	json_t *doc = path_record(c);
	if (!doc)
		return c->r->status;
	int rc = web_authorize(&c->r->user, WEB_DELETE, doc) ? 0 : web_error(c->r, 403, NULL);
	json_decref(doc);
	json_t *body = rc ? NULL : web_api_body(c, true);
	if (!rc && !body)
		return c->r->status;
	const json_t *reason = json_object_get(body, "reason");
	const char *why = json_string_value(reason);
	if (!rc && (!why || !*why))
		rc = web_api_error(c, 422, "invalid", reason && !json_is_string(reason)
		                                          ? _("reason: give the reason as text")
		                                          : _("a reason for the deletion is required"),
		                   "reason");
	/* Deleting is not undone lightly: a session proves its password again. */
	if (!rc && !web_reauthed(c->r))
		rc = web_need_reauth(c->r);
	tg_error err = {0};
	if (!rc && tg_record_delete(c->st, c->id, why, &err))
		rc = web_api_fail(c, &err);
	json_decref(body);
	return rc ? rc : answer_record(c, 200, c->id);
}

/* ---- history and related records ---- */

/* What a walk of the store gathers for the caller. */
struct gather {
	struct api_call *c;
	json_t *items;
};

static int version(void *ctx, const tg_change *ch)
{
	struct gather *v = ctx;
	json_t *doc = ch->doc ? json_loads(ch->doc, 0, NULL) : NULL;
	/* A version above the clearance (it was confidential once, say) is
	 * left out; one whose document cannot be read is not shown either. */
	if (!json_is_object(doc) || !visible(v->c, doc)) {
		json_decref(doc);
		return 0;
	}
	json_array_append_new(v->items,
	                      json_pack("{s:I, s:s?, s:s?, s:s?, s:o, s:s?}", "seq",
	                                (json_int_t)ch->seq, "at", ch->at, "actor", ch->actor, "op",
	                                ch->op, "doc", doc, "reason", ch->reason));
	return 0;
}

int web_api_history(struct api_call *c)
{
	json_t *doc = path_record(c);
	if (!doc)
		return c->r->status;
	json_decref(doc);
	struct gather v = {c, json_array()};
	tg_error err = {0};
	if (tg_record_history(c->st, c->id, version, &v, &err)) {
		json_decref(v.items);
		return web_api_fail(c, &err);
	}
	return web_json(c->r, 200, json_pack("{s:s, s:o}", "id", c->id, "versions", v.items));
}

static int related_one(void *ctx, const char *path, const json_t *doc)
{
	struct gather *rel = ctx;
	if (visible(rel->c, doc))
		json_array_append_new(rel->items, json_pack("{s:s, s:O}", "path", path, "doc", doc));
	return 0;
}

int web_api_related(struct api_call *c)
{
	json_t *doc = path_record(c);
	if (!doc)
		return c->r->status;
	json_decref(doc);
	struct gather rel = {c, json_array()};
	tg_error err = {0};
	if (tg_record_related(c->st, c->id, related_one, &rel, &err)) {
		json_decref(rel.items);
		return web_api_fail(c, &err);
	}
	return web_json(c->r, 200, json_pack("{s:s, s:o}", "id", c->id, "items", rel.items));
}

/* ---- search ---- */

static int hit(void *ctx, const tg_search_hit *h)
{
	struct gather *s = ctx;
	json_t *doc;
	int rc = tg_record_get(s->c->st, h->uid, &doc, NULL);
	if (rc)
		return rc == TG_ENOTFOUND ? 0 : rc; /* a read error ends the search: 500 */
	/* The search applies the clearance already; this is the one access
	 * decision all the same, and drops a record deleted meanwhile. */
	if (visible(s->c, doc) && !json_object_get(doc, "deleted")) {
		char *title = tg_model_title(doc);
		json_array_append_new(s->items,
		                      json_pack("{s:s, s:s, s:s?, s:f, s:b, s:o}", "id", h->uid, "entity",
		                                h->entity, "title", title, "score", h->score, "near",
		                                h->near, "doc", doc));
		free(title);
	} else {
		json_decref(doc);
	}
	return 0;
}

int web_api_search(struct api_call *c)
{
	const char *type = web_api_arg(c, "type");
	if (type && !tg_model_entity(type)) {
		char msg[200];
		snprintf(msg, sizeof msg, _("type: no entity named %s"), type);
		return web_api_error(c, 400, "bad_request", msg, "type");
	}
	tg_search_opts o = {.query = web_api_arg(c, "q"), .entity = type,
	                    .clearance = c->r->user.clearance, .limit = (int)web_api_int(c, "limit")};
	struct gather s = {c, json_array()};
	tg_error err = {0};
	if (tg_search(c->st, &o, hit, &s, &err)) {
		json_decref(s.items);
		if (err.code == TG_EINVAL)
			return web_api_error(c, 400, "bad_request", err.msg, "q");
		return web_api_fail(c, &err);
	}
	return web_json(c->r, 200, json_pack("{s:s, s:s?, s:I, s:o}", "q", o.query, "type", type,
	                                     "limit", (json_int_t)o.limit, "items", s.items));
}
