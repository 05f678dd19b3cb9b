/* tergeu quick-delete [--force]: crypto-shreds the database. The key file
 * is overwritten and removed and the keys wiped, so that nothing decrypts
 * afterwards, even with the right passphrase; then the database files are
 * unlinked. Without --force it first opens the database and refuses when
 * changes exist that no export has captured. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"

CLI_CMD(quick_delete)
{
	bool force = argc == 2 && !strcmp(argv[1], "--force");
	if (argc > 2 || (argc == 2 && !force))
		return cli_usage_error("quick-delete", _("unexpected argument \"%s\""), argv[argc - 1]);
	tg_error err = {0};
	if (!force) {
		tg_store *st;
		int rc = cli_open(c, 0, &st);
		if (rc)
			return rc;
		long long unsaved = tg_store_unsaved_changes(st);
		tg_store_close(st);
		if (unsaved) {
			fprintf(stderr, _("tergeu: %lld changes are in no export yet; export them first, or"
			                  " use --force to destroy them too\n"),
			        unsaved);
			return tg_error_exit_status(TG_EINVAL);
		}
	}
	char *key_path = tg_keys_path(c->db);
	bool encrypted = key_path && access(key_path, F_OK) == 0;
	int rc = CLI_OK;
	if (encrypted && tg_keys_quick_delete(key_path, c->db, NULL, &err))
		rc = cli_fail(&err);
	cli_remove_db(c->db);
	if (!rc && !encrypted)
		fprintf(stderr, _("tergeu: %s was not encrypted: its files are unlinked, but their"
		                  " contents may be recoverable from the disk\n"),
		        c->db);
	else if (!rc && !c->json)
		printf(_("destroyed: the key is gone and nothing in %s can be decrypted\n"), c->db);
	free(key_path);
	return rc;
}
