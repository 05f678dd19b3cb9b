/* tergeu name-key [--all] NAME... */
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "text/text.h"

#define MAX_TOKENS 32

/* Appends key to the JSON array and the text line; with distinct, only
 * if the array does not hold it yet. */
static void add_key(json_t *keys, tg_strbuf *line, const char *key, bool distinct)
{
	size_t i;
	json_t *v;
	json_array_foreach(keys, i, v)
		if (distinct && !strcmp(json_string_value(v), key))
			return;
	if (line->len)
		tg_strbuf_addc(line, ' ');
	tg_strbuf_adds(line, key);
	json_array_append_new(keys, json_string(key));
}

/* The primary keys of name's tokens and (all) the other keys. */
static json_t *name_keys(const char *name, bool all, tg_strbuf *out)
{
	tg_name_token tok[MAX_TOKENS];
	char keys[MAX_TOKENS][TG_NAMEKEY_ALTS][TG_NAMEKEY_LEN];
	int nk[MAX_TOKENS];
	int n = tg_name_tokens(name, NULL, tok, MAX_TOKENS);
	json_t *prim = json_array(), *alts = json_array();
	tg_strbuf line = TG_STRBUF_INIT, alt_line = TG_STRBUF_INIT;
	for (int i = 0; i < n; i++) {
		nk[i] = tg_name_keys_n(tok[i].start, tok[i].len, keys[i], TG_NAMEKEY_ALTS);
		if (nk[i])
			add_key(prim, &line, keys[i][0], false);
	}
	for (int i = 0; all && i < n; i++)
		for (int k = 1; k < nk[i]; k++) {
			bool primary = false;
			for (int j = 0; j < n && !primary; j++)
				primary = nk[j] && !strcmp(keys[j][0], keys[i][k]);
			if (!primary)
				add_key(alts, &alt_line, keys[i][k], true);
		}
	tg_strbuf_adds(out, tg_strbuf_str(&line));
	if (all) {
		tg_strbuf_addc(out, '\t');
		tg_strbuf_adds(out, tg_strbuf_str(&alt_line));
	}
	tg_strbuf_release(&line);
	tg_strbuf_release(&alt_line);
	json_t *o = json_pack("{s:s, s:o}", "name", name, "keys", prim);
	if (all)
		json_object_set_new(o, "alternatives", alts);
	else
		json_decref(alts);
	return o;
}

CLI_CMD(namekey)
{
	bool all = false;
	int first = argc;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--")) {
			first = i + 1;
			break;
		}
		if (!strcmp(argv[i], "--all")) {
			all = true;
		} else if (argv[i][0] == '-' && argv[i][1]) {
			return cli_usage_error("name-key", _("unknown option %s"), argv[i]);
		} else {
			first = i;
			break;
		}
	}
	if (first >= argc)
		return cli_usage_error("name-key", _("give at least one name"));
	int rc = cli_check_utf8("name-key", argc - first, argv + first);
	if (rc)
		return rc;
	json_t *arr = c->json ? json_array() : NULL;
	tg_strbuf sb = TG_STRBUF_INIT;
	for (int i = first; i < argc; i++) {
		tg_strbuf_reset(&sb);
		json_t *o = name_keys(argv[i], all, &sb);
		if (arr)
			json_array_append_new(arr, o);
		else {
			puts(tg_strbuf_str(&sb));
			json_decref(o);
		}
	}
	tg_strbuf_release(&sb);
	if (arr) {
		cli_print_json(arr);
		json_decref(arr);
	}
	return CLI_OK;
}
