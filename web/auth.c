/*
 * The one access decision.  Every page and API route asks web_authorize
 * before it reads or writes; lists, search results, dossiers and counts ask
 * it for each record they show.  What is not granted here is denied.
 *
 * A role says which actions a user may take; a clearance says which
 * records they may see: a record is visible when its confidentiality is at
 * or below the user's clearance (records without one are "restricted",
 * the model's default).
 */
#include <string.h>

#include "web/web-int.h"

static const char *const role_names[] = {"admin", "editor", "analyst", "viewer"};

/* Actions each role may take, by bit. */
#define A(x) (1u << (x))
static const unsigned role_actions[] = {
	[WEB_ADMIN] = A(WEB_READ) | A(WEB_CREATE) | A(WEB_UPDATE) | A(WEB_DELETE) | A(WEB_STATS) |
	              A(WEB_REVIEW) | A(WEB_EXPORT) | A(WEB_LEDGER) | A(WEB_USERS),
	[WEB_EDITOR] = A(WEB_READ) | A(WEB_CREATE) | A(WEB_UPDATE) | A(WEB_DELETE) | A(WEB_STATS) |
	               A(WEB_REVIEW) | A(WEB_EXPORT) | A(WEB_LEDGER),
	[WEB_ANALYST] = A(WEB_READ) | A(WEB_STATS) | A(WEB_REVIEW) | A(WEB_EXPORT) | A(WEB_LEDGER),
	[WEB_VIEWER] = A(WEB_READ) | A(WEB_STATS),
	[WEB_NOBODY] = 0,
};

enum web_role web_role_of(const char *name)
{
	for (int i = 0; i < 4; i++)
		if (name && !strcmp(name, role_names[i]))
			return (enum web_role)i;
	return WEB_NOBODY;
}

const char *web_role_name(enum web_role r)
{
	return r < WEB_NOBODY ? role_names[r] : "";
}

const char *web_clearance_name(int level)
{
	static const char *const names[] = {"public", "restricted", "confidential"};
	return level >= 0 && level <= 2 ? names[level] : "public";
}

static int record_level(const json_t *record)
{
	const char *c = json_string_value(json_object_get(record, "confidentiality"));
	int level = c ? tg_clearance_level(c) : TG_CLEAR_RESTRICTED;
	/* An unknown level is treated as the highest. */
	return level < 0 ? TG_CLEAR_CONFIDENTIAL : level;
}

bool web_authorize_level(const struct web_user *u, enum web_action action, int level)
{
	if (!u || u->role > WEB_NOBODY || action < 0 || action >= WEB_NACTIONS)
		return false;
	if (!(role_actions[u->role] & A(action)))
		return false;
	return level <= u->clearance;
}

bool web_authorize(const struct web_user *u, enum web_action action, const json_t *record)
{
	return web_authorize_level(u, action, record ? record_level(record) : TG_CLEAR_PUBLIC);
}

bool web_raw_visible(const struct web_user *u, tg_store *st, const json_t *raw)
{
	json_t *src = NULL;
	const char *list = json_is_object(raw)
	                       ? json_string_value(json_object_get(raw, "list_id")) : NULL;
	if (!list || tg_record_get(st, list, &src, NULL))
		return false;
	bool ok = web_authorize(u, WEB_READ, src);
	json_decref(src);
	return ok;
}

struct lists_seen {
	const struct web_user *u;
	tg_store *st;
	bool all;
};

static int list_seen(void *ctx, const char *uid, const char *title)
{
	struct lists_seen *l = ctx;
	json_t *src = NULL;
	if (tg_record_get(l->st, uid, &src, NULL) || !web_authorize(l->u, WEB_READ, src))
		l->all = false;
	json_decref(src);
	return 0;
}

int web_lists_visible(const struct web_user *u, tg_store *st, tg_error *err)
{
	struct lists_seen l = {u, st, true};
	int rc = tg_linkdb_lists(st, list_seen, &l, err);
	return rc ? rc : l.all;
}
