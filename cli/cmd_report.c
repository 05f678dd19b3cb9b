/* tergeu report --out DIR [--public] [--min-cell N] [--clearance LEVEL]
 * The report in the reader's language (--lang): DIR/report.html, one
 * self-contained file with its charts; DIR/data.json, the same figures;
 * DIR/checkpoint.txt, the signed ledger checkpoint they were taken at. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "io/io.h"

CLI_CMD(report)
{
	const char *out = NULL, *clear = "restricted";
	tg_report_opts o = {.lang = c->lang};
	for (int i = 1; i < argc; i++) {
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		char *end = NULL;
		if (!strcmp(argv[i], "--out") && v) {
			out = argv[++i];
		} else if (!strcmp(argv[i], "--public")) {
			o.public_only = true;
		} else if (!strcmp(argv[i], "--clearance") && v) {
			clear = argv[++i];
		} else if (!strcmp(argv[i], "--min-cell") && v) {
			long n = strtol(v, &end, 10);
			if (*end || n < 1 || n > 1000)
				return cli_usage_error("report", _("--min-cell takes a whole number from 1 to 1000"));
			o.min_cell = (int)n;
			i++;
		} else {
			return cli_usage_error("report", _("unexpected argument \"%s\""), argv[i]);
		}
	}
	if (!out)
		return cli_usage_error("report", _("--out DIR is required: where the report goes"));
	o.clearance = tg_clearance_level(clear);
	if (o.clearance < 0)
		return cli_usage_error("report", _("--clearance: give public, restricted or confidential"));
	if (o.min_cell && !o.public_only)
		return cli_usage_error("report", _("--min-cell goes with --public"));
	tg_error err = {0};
	bool made = !mkdir(out, 0700);
	if (!made && errno != EEXIST) {
		tg_error_set(&err, TG_EIO, "--out", _("cannot create directory %s: %s"), out,
		             strerror(errno));
		return cli_fail(&err);
	}
	tg_store *st;
	int rc = cli_open(c, 0, &st);
	if (rc) {
		if (made)
			rmdir(out);
		return rc;
	}
	char *note = NULL, *html = NULL, *text = NULL;
	json_t *data = NULL;
	rc = tg_ledger_sign_checkpoint(st, &note, &err);
	o.checkpoint = note;
	if (!rc)
		rc = tg_io_report(st, &o, &html, &data, &err);
	tg_store_close(st);
	if (!rc)
		text = json_dumps(data, JSON_INDENT(2) | JSON_SORT_KEYS);
	tg_strbuf path = TG_STRBUF_INIT;
	const char *files[][2] = {{"checkpoint.txt", note}, {"data.json", text},
	                          {"report.html", html}};
	size_t written = 0;
	for (; !rc && written < sizeof files / sizeof files[0]; written++) {
		tg_strbuf_reset(&path);
		tg_strbuf_addf(&path, "%s/%s", out, files[written][0]);
		rc = cli_write_file(path.buf, files[written][1] ? files[written][1] : "", &err);
	}
	/* A report that failed leaves nothing of itself: no half a report. */
	for (size_t i = 0; rc && i < written; i++) {
		tg_strbuf_reset(&path);
		tg_strbuf_addf(&path, "%s/%s", out, files[i][0]);
		unlink(path.buf);
	}
	if (rc && made)
		rmdir(out);
	if (!rc)
		printf(_("report written to %s/report.html (figures in data.json)\n"), out);
	tg_strbuf_release(&path);
	free(note);
	free(html);
	free(text);
	json_decref(data);
	return rc ? cli_fail(&err) : CLI_OK;
}
