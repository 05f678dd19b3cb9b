/* tergeu init [--no-encrypt]: a new, empty database at --db, encrypted
 * under a passphrase unless --no-encrypt; the recovery code is shown once. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "cli/cli.h"
#include "util/data.h"

/* A new passphrase, asked twice on a terminal. */
int cli_new_passphrase(struct cli *c, int fd, const char *env, char **out)
{
	tg_error err = {0};
	const char *file = getenv(env);
	char *again = NULL;
	int rc;
	if (fd < 0 && file && *file) {
		char *text;
		size_t len;
		if ((rc = tg_read_file(file, &text, &len, &err)))
			return cli_fail(&err);
		text[strcspn(text, "\r\n")] = '\0';
		*out = sodium_malloc(strlen(text) + 1);
		if (*out)
			strcpy(*out, text);
		sodium_memzero(text, len);
		free(text);
		return *out ? CLI_OK : cli_fail(&err);
	}
	rc = tg_keys_read_passphrase(fd >= 0 ? fd : c->passphrase_fd, _("New passphrase: "), out,
	                             &err);
	bool tty = fd < 0 && c->passphrase_fd < 0 && !(getenv("TERGEU_PASSPHRASE_FILE") &&
	                                                *getenv("TERGEU_PASSPHRASE_FILE"));
	if (!rc && tty)
		rc = tg_keys_read_passphrase(-1, _("The same again: "), &again, &err);
	if (!rc && again && strcmp(*out, again))
		rc = tg_error_set(&err, TG_EINVAL, "passphrase", _("the two passphrases differ"));
	if (!rc)
		rc = tg_keys_check_passphrase(*out, tg_data_common_passwords_txt, &err);
	tg_keys_secret_free(again);
	if (rc) {
		tg_keys_secret_free(*out);
		*out = NULL;
		return cli_fail(&err);
	}
	return CLI_OK;
}

CLI_CMD(init)
{
	bool encrypt = true;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--no-encrypt"))
			encrypt = false;
		else
			return cli_usage_error("init", _("unexpected argument \"%s\""), argv[i]);
	}
	tg_error err = {0};
	if (strcmp(c->db, ":memory:") && access(c->db, F_OK) == 0) {
		tg_error_set(&err, TG_EEXIST, NULL, _("%s already exists"), c->db);
		return cli_fail(&err);
	}
	if (cli_make_parent(c->db, &err))
		return cli_fail(&err);
	char *key_path = tg_keys_path(c->db), *pass = NULL, *code = NULL;
	tg_keys *keys = NULL;
	int rc = CLI_OK;
	if (encrypt) {
		rc = cli_new_passphrase(c, -1, "TERGEU_PASSPHRASE_FILE", &pass);
		if (!rc && tg_keys_create(key_path, pass, tg_data_common_passwords_txt, &code, &keys,
		                          &err))
			rc = cli_fail(&err);
	}
	tg_store *st = NULL;
	if (!rc && tg_store_open_keys(c->db, TG_OPEN_CREATE | TG_OPEN_EXCLUSIVE, keys, &st, &err)) {
		rc = cli_fail(&err);
		if (keys)
			unlink(key_path); /* no key file without its database */
	}
	if (!rc && c->json) {
		json_t *o = json_pack("{s:s, s:i, s:b, s:s?}", "db", c->db, "schema",
		                      tg_store_schema_version(st), "encrypted", encrypt, "recovery_code",
		                      code);
		cli_print_json(o);
		json_decref(o);
	} else if (!rc) {
		printf(encrypt ? _("created %s, encrypted (key file %s)\n")
		               : _("created %s, NOT encrypted\n"),
		       c->db, key_path);
		if (code)
			printf(_("\nRecovery code (shown once: write it down and keep it apart from this"
			         " computer;\nit opens the database if the passphrase is lost):\n\n    %s\n\n"),
			       code);
	}
	tg_store_close(st);
	tg_keys_free(keys);
	tg_keys_secret_free(pass);
	tg_keys_secret_free(code);
	free(key_path);
	return rc;
}
