/* tergeu list [ENTITY] [--place P] [--from D] [--to D] [--term T] [--text S]
 *             [--deleted] [--limit N] [--offset N] */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

struct list_out {
	struct cli *c;
	tg_store *st;
	json_t *all;
	size_t n;
};

static int print_one(void *ctx, const json_t *doc)
{
	struct list_out *o = ctx;
	o->n++;
	if (o->all)
		json_array_append(o->all, (json_t *)doc);
	else
		cli_render_line(o->c, o->st, doc);
	return 0;
}

static int parse_count(const char *flag, const char *v, int *out)
{
	char *end;
	long n = strtol(v, &end, 10);
	if (!*v || *end || n < 0 || n > 1000000000)
		return cli_usage_error("list", _("--%s: \"%s\" is not a count"), flag, v);
	*out = (int)n;
	return CLI_OK;
}

CLI_CMD(list)
{
	static const struct option opts[] = {
		{"place", required_argument, NULL, 'p'}, {"from", required_argument, NULL, 'f'},
		{"to", required_argument, NULL, 't'},    {"term", required_argument, NULL, 'm'},
		{"text", required_argument, NULL, 'x'},  {"deleted", no_argument, NULL, 'd'},
		{"limit", required_argument, NULL, 'l'}, {"offset", required_argument, NULL, 'o'},
		{0},
	};
	tg_filter f = {0};
	int ch, rc = CLI_OK;
	opterr = 0;
	optind = 1;
	while (!rc && (ch = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (ch) {
		case 'p': f.place = optarg; break;
		case 'f': f.from = optarg; break;
		case 't': f.to = optarg; break;
		case 'm': f.term = optarg; break;
		case 'x': f.text = optarg; break;
		case 'd': f.include_deleted = true; break;
		case 'l': rc = parse_count("limit", optarg, &f.limit); break;
		case 'o': rc = parse_count("offset", optarg, &f.offset); break;
		case ':':
			return cli_usage_error("list", _("%s needs a value"), argv[optind - 1]);
		default:
			return cli_usage_error("list", _("unknown option %s"), argv[optind - 1]);
		}
	}
	if (rc)
		return rc;
	if (optind < argc)
		f.entity = argv[optind++];
	if (optind < argc)
		return cli_usage_error("list", _("unexpected argument \"%s\""), argv[optind]);
	if (f.entity && !tg_model_entity(f.entity))
		return cli_usage_error("list", _("no entity named %s"), f.entity);
	tg_store *st;
	if ((rc = cli_open(c, 0, &st)))
		return rc;
	struct list_out o = {c, st, c->json ? json_array() : NULL, 0};
	tg_error err = {0};
	if (tg_record_list(st, &f, print_one, &o, &err)) {
		if (!strcmp(err.path, "place") || !strcmp(err.path, "from") || !strcmp(err.path, "to")) {
			char flag[sizeof err.path];
			snprintf(flag, sizeof flag, "--%s", err.path);
			memcpy(err.path, flag, sizeof err.path);
		}
		rc = cli_fail(&err);
	} else if (o.all) {
		cli_print_json(o.all);
	}
	json_decref(o.all);
	tg_store_close(st);
	return rc;
}
