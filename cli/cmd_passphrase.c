/* tergeu passphrase change [--recovery] [--new-passphrase-fd N]: seals
 * the master key under a new passphrase; only the key file is rewritten.
 * The key is unlocked with the current passphrase, or with --recovery by
 * the recovery code (from the terminal or the file named by
 * TERGEU_RECOVERY_FILE). The new passphrase comes from the terminal
 * (twice), --new-passphrase-fd, or the file named by
 * TERGEU_NEW_PASSPHRASE_FILE. */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "util/data.h"

static int unlock_recovery(const char *key_path, tg_keys **keys)
{
	tg_error err = {0};
	char *code = NULL;
	const char *file = getenv("TERGEU_RECOVERY_FILE");
	int fd = file && *file ? open(file, O_RDONLY | O_CLOEXEC) : -1;
	if (file && *file && fd < 0) {
		tg_error_set(&err, TG_EIO, NULL, _("cannot open: %s"), file);
		return cli_fail(&err);
	}
	int rc = tg_keys_read_passphrase(fd, _("Recovery code: "), &code, &err);
	if (fd >= 0)
		close(fd);
	if (!rc)
		rc = tg_keys_unlock_recovery(key_path, code, keys, &err);
	tg_keys_secret_free(code);
	return rc ? cli_fail(&err) : CLI_OK;
}

CLI_CMD(passphrase)
{
	int fd = -1;
	bool recovery = false;
	if (argc < 2 || strcmp(argv[1], "change"))
		return cli_usage_error("passphrase", _("say 'passphrase change'"));
	for (int i = 2; i < argc; i++) {
		char *end;
		if (!strcmp(argv[i], "--recovery"))
			recovery = true;
		else if (!strcmp(argv[i], "--new-passphrase-fd") && i + 1 < argc &&
		    (fd = (int)strtol(argv[i + 1], &end, 10)) >= 0 && !*end && *argv[i + 1])
			i++;
		else
			return cli_usage_error("passphrase", _("unexpected argument \"%s\""), argv[i]);
	}
	char *key_path = tg_keys_path(c->db);
	tg_error err = {0};
	if (!key_path || access(key_path, F_OK)) {
		tg_error_set(&err, TG_ENOTFOUND, NULL, _("%s is not encrypted (no key file)"), c->db);
		free(key_path);
		return cli_fail(&err);
	}
	tg_keys *keys = NULL;
	int rc = recovery ? unlock_recovery(key_path, &keys) : cli_unlock(c, &keys);
	char *pass = NULL;
	if (!rc)
		rc = cli_new_passphrase(c, fd, "TERGEU_NEW_PASSPHRASE_FILE", &pass);
	if (!rc && tg_keys_change_passphrase(key_path, keys, pass, tg_data_common_passwords_txt,
	                                     &err))
		rc = cli_fail(&err);
	if (!rc && !c->json)
		printf(_("passphrase changed; the recovery code stays valid\n"));
	tg_keys_secret_free(pass);
	tg_keys_free(keys);
	free(key_path);
	return rc;
}
