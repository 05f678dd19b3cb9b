/* tergeu vocab [VOCABULARY] | vocab add VOCABULARY CODE --en LABEL ... */
#include <string.h>

#include "cli/cli.h"

struct vocab_out {
	struct cli *c;
	json_t *all;
	const char *last;
};

static int print_term(void *ctx, const tg_term *t)
{
	struct vocab_out *o = ctx;
	if (o->all) {
		json_array_append_new(o->all, json_pack("{s:s, s:s, s:s?, s:s?, s:s?, s:s?, s:b}",
		                                        "vocab", t->vocab, "code", t->code, "parent",
		                                        t->parent, "kk", t->kk, "ru", t->ru, "en",
		                                        t->en, "builtin", t->builtin));
		return 0;
	}
	if (!o->last || strcmp(o->last, t->vocab))
		printf("%s%s\n", o->last ? "\n" : "", t->vocab);
	o->last = t->vocab;
	const char *l = !strcmp(o->c->lang, "kk") ? t->kk : !strcmp(o->c->lang, "ru") ? t->ru : t->en;
	printf("  %s%-24s %s\n", t->parent ? "  " : "", t->code, l ? l : t->en ? t->en : "");
	return 0;
}

static int vocab_add(struct cli *c, int argc, char **argv)
{
	const char *label[4] = {NULL}; /* kk, ru, en, parent */
	static const char *const flags[] = {"--kk", "--ru", "--en", "--parent"};
	const char *pos[2] = {NULL};
	int npos = 0;
	for (int i = 1; i < argc; i++) {
		int k = 0;
		while (k < 4 && strcmp(argv[i], flags[k]))
			k++;
		if (k < 4 && i + 1 < argc)
			label[k] = argv[++i];
		else if (k == 4 && argv[i][0] != '-' && npos < 2)
			pos[npos++] = argv[i];
		else
			return cli_usage_error("vocab", _("unexpected argument \"%s\""), argv[i]);
	}
	if (npos != 2)
		return cli_usage_error("vocab", _("give a vocabulary and a code"));
	tg_store *st;
	int rc = cli_open(c, 0, &st);
	if (rc)
		return rc;
	tg_error err = {0};
	if (tg_term_add(st, pos[0], pos[1], label[3], label[0], label[1], label[2], &err))
		rc = cli_fail(&err);
	tg_store_close(st);
	return rc;
}

CLI_CMD(vocab)
{
	if (argc >= 2 && !strcmp(argv[1], "add"))
		return vocab_add(c, argc - 1, argv + 1);
	if (argc > 2)
		return cli_usage_error("vocab", _("unexpected argument \"%s\""), argv[2]);
	tg_store *st;
	int rc = cli_open(c, 0, &st);
	if (rc)
		return rc;
	struct vocab_out o = {c, c->json ? json_array() : NULL, NULL};
	tg_error err = {0};
	const char *only = argc == 2 ? argv[1] : NULL;
	if (tg_term_list(st, only, print_term, &o, &err)) {
		rc = cli_fail(&err);
	} else if (only && !o.last && (!o.all || !json_array_size(o.all))) {
		tg_error_set(&err, TG_ENOTFOUND, "vocab", _("no vocabulary named %s"), only);
		rc = cli_fail(&err);
	} else if (o.all) {
		cli_print_json(o.all);
	}
	json_decref(o.all);
	tg_store_close(st);
	return rc;
}
