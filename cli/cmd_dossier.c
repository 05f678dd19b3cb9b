/* tergeu dossier ID [--out FILE.html] [--pdf FILE.pdf] [--clearance LEVEL]
 * A person's case file to print or submit (to UN special procedures, a
 * court, a lawyer): a self-contained HTML document in the reader's
 * language, with a freshly signed ledger checkpoint; as PDF through
 * headless Chromium when it is installed. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli/cli.h"
#include "io/io.h"

/* Chromium prints html_path to pdf_path (it must be installed). */
static int print_pdf(const char *html_path, const char *pdf_path, tg_error *err)
{
	const char *chromium = getenv("TERGEU_CHROMIUM") ? getenv("TERGEU_CHROMIUM")
	                                                   : "/usr/bin/chromium";
	if (access(chromium, X_OK))
		return tg_error_set(err, TG_EIO, "--pdf",
		                    _("--pdf needs Chromium (%s), which is not installed; the HTML"
		                      " file prints from any browser"), chromium);
	char abs[4096], url[4200], out[4200];
	if (!realpath(html_path, abs))
		return tg_error_set(err, TG_EIO, NULL, _("cannot read %s"), html_path);
	snprintf(url, sizeof url, "file://%s", abs);
	snprintf(out, sizeof out, "--print-to-pdf=%s", pdf_path);
	pid_t pid = fork();
	if (pid == 0) {
		/* Chromium talks on stderr: keep the terminal for tergeu. */
		int null = open("/dev/null", O_WRONLY);
		if (null >= 0) {
			dup2(null, STDOUT_FILENO);
			dup2(null, STDERR_FILENO);
		}
		execl(chromium, chromium, "--headless", "--no-sandbox", "--disable-gpu",
		      "--no-pdf-header-footer", "--print-to-pdf-no-header", out, url, (char *)NULL);
		_exit(127);
	}
	int status = 0;
	if (pid < 0 || waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) ||
	    WEXITSTATUS(status) || access(pdf_path, F_OK))
		return tg_error_set(err, TG_EIO, "--pdf", _("Chromium could not print %s"), pdf_path);
	return 0;
}

CLI_CMD(dossier)
{
	const char *id = NULL, *out = NULL, *pdf = NULL, *clear = "restricted";
	for (int i = 1; i < argc; i++) {
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (!strcmp(argv[i], "--out") && v)
			out = argv[++i];
		else if (!strcmp(argv[i], "--pdf") && v)
			pdf = argv[++i];
		else if (!strcmp(argv[i], "--clearance") && v)
			clear = argv[++i];
		else if (argv[i][0] != '-' && !id)
			id = argv[i];
		else
			return cli_usage_error("dossier", _("unexpected argument \"%s\""), argv[i]);
	}
	if (!id)
		return cli_usage_error("dossier", _("give the id of the person (or any record)"));
	int level = tg_clearance_level(clear);
	if (level < 0)
		return cli_usage_error("dossier", _("--clearance: give public, restricted or confidential"));
	tg_store *st;
	int rc = cli_open(c, 0, &st);
	if (rc)
		return rc;
	tg_error err = {0};
	char *note = NULL, *html = NULL;
	rc = tg_ledger_sign_checkpoint(st, &note, &err);
	if (!rc)
		rc = tg_io_dossier_document(st, id, c->lang, level, note, &html, &err);
	tg_store_close(st);
	free(note);
	char *html_path = NULL;
	if (!rc && out)
		rc = cli_write_file(out, html, &err);
	if (!rc && pdf && !out) {
		/* Chromium reads a file: a temporary one beside the PDF. */
		tg_strbuf tmp = TG_STRBUF_INIT;
		tg_strbuf_addf(&tmp, "%s.html", pdf);
		html_path = tg_strbuf_detach(&tmp);
		rc = cli_write_file(html_path, html, &err);
	}
	if (!rc && pdf)
		rc = print_pdf(out ? out : html_path, pdf, &err);
	if (html_path) {
		unlink(html_path);
		free(html_path);
	}
	if (!rc && !out && !pdf)
		fputs(html, stdout);
	free(html);
	return rc ? cli_fail(&err) : CLI_OK;
}
