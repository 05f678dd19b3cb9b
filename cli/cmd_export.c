/* tergeu export [--format json] [--out FILE]: to stdout, or to FILE written
 * whole or not at all (a temporary file renamed into place). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "io/io.h"

CLI_CMD(export)
{
	const char *format = "json", *out = NULL;
	for (int i = 1; i < argc; i++) {
		const char **dest = !strcmp(argv[i], "--format") ? &format
		                    : !strcmp(argv[i], "--out") ? &out : NULL;
		if (!dest)
			return cli_usage_error("export", _("unexpected argument \"%s\""), argv[i]);
		if (i + 1 >= argc)
			return cli_usage_error("export", _("%s needs a value"), argv[i]);
		*dest = argv[++i];
	}
	if (strcmp(format, "json"))
		return cli_usage_error("export", _("--format: only json is supported"));
	tg_store *st;
	int rc = cli_open(c, 0, &st);
	if (rc)
		return rc;
	tg_error err = {0};
	char tmp[4096] = "";
	FILE *f = stdout;
	if (out) {
		snprintf(tmp, sizeof tmp, "%s.tmp-XXXXXX", out);
		int fd = mkstemp(tmp);
		f = fd < 0 ? NULL : fdopen(fd, "w");
		if (!f) {
			tg_error_set(&err, TG_EIO, NULL, _("cannot write %s"), out);
			tg_store_close(st);
			return cli_fail(&err);
		}
	}
	rc = tg_io_export_json(st, f, &err);
	if (out) {
		if (fclose(f) && !rc)
			rc = tg_error_set(&err, TG_EIO, NULL, _("cannot write %s"), out);
		if (!rc && rename(tmp, out))
			rc = tg_error_set(&err, TG_EIO, NULL, _("cannot write %s"), out);
		if (!rc)
			rc = tg_store_note_backup(st, &err);
		if (rc)
			unlink(tmp);
	}
	tg_store_close(st);
	return rc ? cli_fail(&err) : CLI_OK;
}
