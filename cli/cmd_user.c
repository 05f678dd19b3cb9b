/* tergeu user add NAME --role ROLE [--clearance LEVEL] [--password-fd N]
 * tergeu user list | passwd NAME [--password-fd N] | role NAME ROLE [--clearance LEVEL]
 *             | disable NAME
 * Passwords come from --password-fd, the file named by
 * TERGEU_USER_PASSWORD_FILE, or the terminal (asked twice); never from the
 * command line. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

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

CLI_CMD(user)
{
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
		return cli_usage_error("user", _("say add, list, passwd, role or disable, with a user name"));
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
