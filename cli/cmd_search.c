/* tergeu search QUERY... [--type ENTITY] [--place P] [--from D] [--to D]
 *                        [--clearance LEVEL] [--limit N]
 * tergeu reindex */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

struct search_out {
	struct cli *c;
	tg_store *st;
	json_t *all;
	bool near_shown;
	tg_error *err; /* a record that could not be read */
	bool read_failed;
};

static int print_hit(void *ctx, const tg_search_hit *h)
{
	struct search_out *o = ctx;
	json_t *doc;
	int rc = tg_record_get(o->st, h->uid, &doc, o->err);
	if (rc == TG_ENOTFOUND) { /* deleted since it was indexed */
		tg_error_clear(o->err);
		return 0;
	}
	if (rc) {
		o->read_failed = true;
		return rc;
	}
	if (o->all) {
		json_array_append_new(o->all, json_pack("{s:f, s:b, s:o}", "score", h->score, "near",
		                                        h->near, "record", doc));
		return 0;
	}
	if (h->near && !o->near_shown) {
		printf(_("-- near spellings:\n"));
		o->near_shown = true;
	}
	cli_render_line(o->c, o->st, doc);
	json_decref(doc);
	return 0;
}

CLI_CMD(search)
{
	static const struct option opts[] = {
		{"type", required_argument, NULL, 'y'},  {"place", required_argument, NULL, 'p'},
		{"from", required_argument, NULL, 'f'},  {"to", required_argument, NULL, 't'},
		{"clearance", required_argument, NULL, 'c'},
		{"limit", required_argument, NULL, 'l'}, {0},
	};
	tg_search_opts o = {.clearance = TG_CLEAR_RESTRICTED, .limit = 20};
	int ch;
	opterr = 0;
	optind = 1;
	while ((ch = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		char *end;
		switch (ch) {
		case 'y': o.entity = optarg; break;
		case 'p': o.place = optarg; break;
		case 'f': o.from = optarg; break;
		case 't': o.to = optarg; break;
		case 'c':
			if ((o.clearance = tg_clearance_level(optarg)) < 0)
				return cli_usage_error("search", _("--clearance must be public, restricted"
				                                   " or confidential"));
			break;
		case 'l':
			o.limit = (int)strtol(optarg, &end, 10);
			if (!*optarg || *end || o.limit < 1 || o.limit > 10000)
				return cli_usage_error("search", _("--%s: \"%s\" is not a count"), "limit",
				                       optarg);
			break;
		case ':':
			return cli_usage_error("search", _("%s needs a value"), argv[optind - 1]);
		default:
			return cli_usage_error("search", _("unknown option %s"), argv[optind - 1]);
		}
	}
	if (optind >= argc)
		return cli_usage_error("search", _("what should be searched for?"));
	tg_strbuf q = TG_STRBUF_INIT;
	for (int i = optind; i < argc; i++) {
		tg_strbuf_adds(&q, argv[i]);
		tg_strbuf_addc(&q, ' ');
	}
	o.query = tg_strbuf_str(&q);
	tg_store *st;
	int rc = cli_open(c, 0, &st);
	if (rc) {
		tg_strbuf_release(&q);
		return rc;
	}
	tg_error err = {0};
	struct search_out out = {c, st, c->json ? json_array() : NULL, false, &err, false};
	if (tg_search(st, &o, print_hit, &out, &err)) {
		if (!out.read_failed && *err.path && strcmp(err.path, "query")) {
			char flag[sizeof err.path];
			snprintf(flag, sizeof flag, "--%s", err.path);
			memcpy(err.path, flag, sizeof err.path);
		}
		rc = cli_fail(&err);
	} else if (out.all) {
		cli_print_json(out.all);
	}
	json_decref(out.all);
	tg_strbuf_release(&q);
	tg_store_close(st);
	return rc;
}

CLI_CMD(reindex)
{
	if (argc != 1)
		return cli_usage_error("reindex", _("unexpected argument \"%s\""), argv[1]);
	tg_store *st;
	int rc = cli_open(c, 0, &st);
	if (rc)
		return rc;
	tg_error err = {0};
	rc = tg_search_rebuild(st, cli_progress, NULL, &err);
	cli_progress_done();
	rc = rc ? cli_fail(&err) : CLI_OK;
	tg_store_close(st);
	return rc;
}
