/* tergeu export [--format json] [--out FILE]: to stdout, or to FILE written
 * whole or not at all (a temporary file renamed into place).
 * tergeu export --public [--format csv|json] --out DIR [--min-cell N]: the
 * public records, pseudonymised, with suppressed count tables and images
 * without metadata (tg_io_export_public). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "io/io.h"

static int export_public(struct cli *c, int argc, char **argv)
{
	tg_public_opts o = {.format = "json", .actor = c->actor};
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--public"))
			continue;
		const char *flag = argv[i];
		if (strcmp(flag, "--format") && strcmp(flag, "--out") && strcmp(flag, "--min-cell"))
			return cli_usage_error("export", _("unexpected argument \"%s\""), flag);
		if (i + 1 >= argc)
			return cli_usage_error("export", _("%s needs a value"), flag);
		const char *v = argv[++i];
		if (!strcmp(flag, "--format")) {
			o.format = v;
		} else if (!strcmp(flag, "--out")) {
			o.out = v;
		} else {
			char *end;
			long n = strtol(v, &end, 10);
			if (!*v || *end || n < 2 || n > 1000)
				return cli_usage_error("export", _("--min-cell: give a whole number from 2"
				                                   " to 1000, not \"%s\""), v);
			o.min_cell = (int)n;
		}
	}
	if (strcmp(o.format, "csv") && strcmp(o.format, "json"))
		return cli_usage_error("export", _("--format: give csv or json, not \"%s\""), o.format);
	if (!o.out)
		return cli_usage_error("export", _("--public needs --out DIR: the export is several files"));
	tg_store *st;
	int rc = cli_open(c, 0, &st);
	if (rc)
		return rc;
	tg_strbuf vault = TG_STRBUF_INIT;
	tg_strbuf_addf(&vault, "%s-vault", c->db);
	o.vault_dir = vault.buf;
	tg_public_report rep;
	tg_error err = {0};
	rc = tg_io_export_public(st, &o, &rep, &err);
	tg_strbuf_release(&vault);
	tg_store_close(st);
	if (rc)
		return cli_fail(&err);
	printf(_("%s: %lld public records, %lld files, %lld images without metadata,"
	         " %lld table cells suppressed\n"), o.out, rep.records, rep.files, rep.images,
	       rep.suppressed);
	if (rep.left_out)
		printf(_("%lld public evidence files left out: not a JPEG whose metadata can be"
		         " removed\n"), rep.left_out);
	printf(_("manifest sha256 %s, ledger entry %s\n"), rep.manifest_sha256, rep.id);
	return CLI_OK;
}

CLI_CMD(export)
{
	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--public"))
			return export_public(c, argc, argv);
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
