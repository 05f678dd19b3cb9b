/* tergeu translit --to SCHEME TEXT... */
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "text/text.h"

#define SCHEMES "ru, icao, mvd310, bgn, iso9, kz2017, kz2018, kz2021, press, ascii, cyrillic, kk-cyrillic"

int cli_check_utf8(const char *cmd, int n, char **args)
{
	for (int i = 0; i < n; i++) {
		char *f = tg_text_fold(args[i]);
		if (!f) {
			tg_error err = {0};
			tg_error_set(&err, TG_EINVAL, NULL, _("%s: argument %d is not valid UTF-8"), cmd,
			             i + 1);
			return cli_fail(&err);
		}
		free(f);
	}
	return CLI_OK;
}

/* The scheme's number, or -1 for Latin to Russian Cyrillic and -2 for
 * Latin to Kazakh Cyrillic; -3 if unknown. */
static int scheme_of(const char *name)
{
	if (!strcmp(name, "cyrillic"))
		return -1;
	if (!strcmp(name, "kk-cyrillic"))
		return -2;
	int s = tg_translit_scheme_by_name(name);
	return s >= 0 ? s : -3;
}

CLI_CMD(translit)
{
	const char *to = NULL;
	int first = argc;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--")) {
			first = i + 1;
			break;
		}
		if (!strcmp(argv[i], "--to")) {
			if (i + 1 >= argc)
				return cli_usage_error("translit", _("--to needs a scheme (%s)"), SCHEMES);
			to = argv[++i];
		} else if (!strncmp(argv[i], "--to=", 5)) {
			to = argv[i] + 5;
		} else if (argv[i][0] == '-' && argv[i][1]) {
			return cli_usage_error("translit", _("unknown option %s"), argv[i]);
		} else {
			first = i;
			break;
		}
	}
	if (!to)
		return cli_usage_error("translit", _("--to is required (%s)"), SCHEMES);
	int scheme = scheme_of(to);
	if (scheme == -3)
		return cli_usage_error("translit", _("--to: unknown scheme \"%s\" (%s)"), to, SCHEMES);
	if (first >= argc)
		return cli_usage_error("translit", _("give at least one text"));
	int rc = cli_check_utf8("translit", argc - first, argv + first);
	if (rc)
		return rc;
	json_t *arr = c->json ? json_array() : NULL;
	for (int i = first; i < argc; i++) {
		char *out = scheme >= 0 ? tg_translit(argv[i], scheme)
		                        : tg_translit_to_cyrillic(argv[i], scheme == -2 ? "kk" : "ru");
		if (arr)
			json_array_append_new(arr, json_pack("{s:s, s:s, s:s}", "text", argv[i], "to", to,
			                                     "result", out));
		else
			puts(out);
		free(out);
	}
	if (arr) {
		cli_print_json(arr);
		json_decref(arr);
	}
	return CLI_OK;
}
