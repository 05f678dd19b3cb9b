/* tergeu user add NAME --role ROLE [--clearance LEVEL] [--password-fd N]
 * tergeu user list | passwd NAME [--password-fd N] | role NAME ROLE [--clearance LEVEL]
 *             | disable NAME | totp NAME [--off] | token NAME --label TEXT
 *             | tokens [NAME] | revoke NAME TOKEN_ID
 * Passwords come from --password-fd, the file named by
 * TERGEU_USER_PASSWORD_FILE, or the terminal (asked twice); never from the
 * command line. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "cli/cli.h"
#include "web/totp.h"

static int print_user(void *ctx, const tg_user *u)
{
	struct cli *c = ctx;
	if (c->json) {
		json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s?}", "id", u->uid, "name", u->name,
		                      "role", u->role, "clearance", u->clearance, "created", u->created,
		                      "disabled", u->disabled);
		char *s = json_dumps(o, JSON_COMPACT);
		puts(s);
		free(s);
		json_decref(o);
	} else {
		printf("%-24s %-8s %-13s %s%s\n", u->name, u->role, u->clearance, u->created,
		       u->disabled ? _("  disabled") : "");
	}
	return 0;
}

static int print_token(void *ctx, const tg_token *t)
{
	struct cli *c = ctx;
	if (c->json) {
		json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s?}", "id", t->uid, "user", t->user,
		                      "label", t->label, "created", t->created, "revoked", t->revoked);
		char *s = json_dumps(o, JSON_COMPACT);
		puts(s);
		free(s);
		json_decref(o);
	} else {
		printf("%s  %-16s %-24s %s%s\n", t->uid, t->user, t->label, t->created,
		       t->revoked ? _("  revoked") : "");
	}
	return 0;
}

/* The second factor and API tokens: totp, token, tokens, revoke. */
static int keys_cmd(struct cli *c, int argc, char **argv)
{
	const char *sub = argv[1], *name = argc > 2 ? argv[2] : NULL, *label = NULL, *id = NULL;
	bool off = false;
	int first = 3;
	if (!strcmp(sub, "tokens"))
		first = name && strncmp(name, "--", 2) ? 3 : 2;
	if (!strcmp(sub, "revoke") && argc > 3) {
		id = argv[3];
		first = 4;
	}
	for (int i = first; i < argc; i++) {
		if (!strcmp(argv[i], "--off") && !strcmp(sub, "totp"))
			off = true;
		else if (!strcmp(argv[i], "--label") && i + 1 < argc && !strcmp(sub, "token"))
			label = argv[++i];
		else
			return cli_usage_error("user", _("unexpected argument \"%s\""), argv[i]);
	}
	if (first == 2)
		name = NULL;
	if ((!name && strcmp(sub, "tokens")) || (!strcmp(sub, "revoke") && !id))
		return cli_usage_error("user", _("say totp NAME, token NAME --label TEXT, tokens [NAME]"
		                                 " or revoke NAME TOKEN_ID"));
	if (!strcmp(sub, "token") && !label)
		return cli_usage_error("user", _("a token needs --label TEXT: what it is for"));
	tg_store *st;
	int rc = cli_open(c, 0, &st);
	if (rc)
		return rc;
	tg_error err = {0};
	if (!strcmp(sub, "tokens")) {
		rc = tg_token_list(st, name, print_token, c, &err);
	} else if (!strcmp(sub, "revoke")) {
		if (!(rc = tg_token_revoke(st, name, id, &err)))
			printf(_("token %s: revoked\n"), id);
	} else if (!strcmp(sub, "token")) {
		char token[64];
		if (!(rc = tg_token_create(st, name, label, token, sizeof token, &err))) {
			printf(_("API token for %s (shown only now; send it as"
			         " \"Authorization: Bearer TOKEN\"):\n"), name);
			printf("%s\n", token);
			sodium_memzero(token, sizeof token);
		}
	} else if (off) {
		if (!(rc = tg_user_totp_set(st, name, NULL, &err)))
			printf(_("user %s: second factor removed\n"), name);
	} else {
		char secret[WEB_TOTP_SECRET_LEN + 1];
		web_totp_new_secret(secret);
		if (!(rc = tg_user_totp_set(st, name, secret, &err))) {
			printf(_("Second factor of %s: enter this key in an authenticator app (TOTP,"
			         " SHA-1, 6 digits, 30 s):\n"), name);
			printf("%s\notpauth://totp/tergeu:%s?secret=%s&issuer=tergeu\n", secret, name,
			       secret);
		}
		sodium_memzero(secret, sizeof secret);
	}
	tg_store_close(st);
	return rc ? cli_fail(&err) : CLI_OK;
}

CLI_CMD(user)
{
	if (argc > 1 && (!strcmp(argv[1], "totp") || !strcmp(argv[1], "token") ||
	                 !strcmp(argv[1], "tokens") || !strcmp(argv[1], "revoke")))
		return keys_cmd(c, argc, argv);
	const char *sub = argc > 1 ? argv[1] : NULL, *name = argc > 2 ? argv[2] : NULL;
	const char *role = NULL, *clearance = NULL;
	int fd = -1, first = 3;
	if (sub && !strcmp(sub, "role") && argc > 3) {
		role = argv[3];
		first = 4;
	}
	if (sub && !strcmp(sub, "list"))
		first = 2;
	for (int i = first; i < argc; i++) {
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (!strcmp(argv[i], "--role") && v)
			role = v;
		else if (!strcmp(argv[i], "--clearance") && v)
			clearance = v;
		else if (!strcmp(argv[i], "--password-fd") && v && atoi(v) >= 0 && *v >= '0' && *v <= '9')
			fd = atoi(v);
		else
			return cli_usage_error("user", _("unexpected argument \"%s\""), argv[i]);
		i++;
	}
	bool known = sub && (!strcmp(sub, "list") || ((!strcmp(sub, "add") || !strcmp(sub, "passwd") ||
	                                                !strcmp(sub, "role") || !strcmp(sub, "disable")) &&
	                                               name));
	if (!known)
		return cli_usage_error("user", _("say add, list, passwd, role, disable, totp, token,"
		                                 " tokens or revoke, with a user name"));
	if (!strcmp(sub, "add") && !role)
		return cli_usage_error("user", _("a new user needs --role admin|editor|analyst|viewer"));
	tg_store *st;
	int rc = cli_open(c, 0, &st);
	if (rc)
		return rc;
	tg_error err = {0};
	char *password = NULL;
	if (!strcmp(sub, "add") || !strcmp(sub, "passwd"))
		rc = cli_new_passphrase(c, fd, "TERGEU_USER_PASSWORD_FILE", &password);
	if (!rc) {
		if (!strcmp(sub, "list"))
			rc = tg_user_list(st, print_user, c, &err);
		else if (!strcmp(sub, "add"))
			rc = tg_user_add(st, name, role, clearance, password, &err);
		else if (!strcmp(sub, "passwd"))
			rc = tg_user_passwd(st, name, password, &err);
		else if (!strcmp(sub, "role"))
			rc = tg_user_role(st, name, role, clearance, &err);
		else
			rc = tg_user_disable(st, name, &err);
		rc = rc ? cli_fail(&err) : CLI_OK;
		if (!rc && strcmp(sub, "list") && !c->json)
			printf(_("user %s: done\n"), name);
	}
	tg_keys_secret_free(password);
	tg_store_close(st);
	return rc;
}
