/* tergeu agenda [--from DATE] [--to DATE] [--ics FILE|-] [--rules FILE.json]
 *               [--clearance LEVEL] [--json]: the hearings and deadlines
 * of every proceeding between two dates (default: today and 90 days on),
 * passed deadlines with no recorded action first, as warnings; and, with
 * --ics, the same as an iCalendar file for calendar apps. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "io/io.h"
#include "text/text.h"

/* Passed deadlines this many days before --from are still shown. */
enum { OVERDUE_DAYS = 90 };

static void print_date(struct cli *c, const char *date, bool mark)
{
	char *shown = tg_text_format_date(date, c->lang);
	tg_strbuf s = TG_STRBUF_INIT;
	tg_strbuf_addf(&s, "%s%s", shown ? shown : date, mark ? " *" : "");
	printf("%-*s ", cli_width(s.buf, 22), s.buf);
	tg_strbuf_release(&s);
	free(shown);
}

static void print_item(struct cli *c, const tg_agenda_item *it)
{
	bool passed = it->status == TG_AGENDA_PASSED;
	printf("%s", passed ? "! " : "  ");
	print_date(c, it->date, !it->whole_day);
	const char *kind = tg_agenda_kind_label(it->kind);
	const char *status = tg_agenda_status_label(it->status);
	printf("%-*s %-*s ", cli_width(kind, 10), kind, cli_width(status, 10), status);
	if (it->kind == TG_AGENDA_HEARING)
		printf("%s — %s\n", it->stage_label, it->title);
	else
		printf("%s — %s\n", it->label, it->title);
	printf("%*s", 48, "");
	if (it->kind == TG_AGENDA_DEADLINE) {
		char *when = tg_text_format_date(it->stage_date, c->lang);
		printf(_("%d days after %s (%s)"), it->days, it->stage_label,
		       when ? when : it->stage_date);
		printf(" · ");
		free(when);
	}
	if (it->authority)
		printf("%s · ", it->authority);
	printf("%s\n", it->proceeding);
}

static void print_table(struct cli *c, const tg_agenda *a)
{
	char *from = tg_text_format_date(a->from, c->lang), *to = tg_text_format_date(a->to, c->lang);
	printf(_("Agenda from %s to %s\n"), from ? from : a->from, to ? to : a->to);
	free(from);
	free(to);
	if (!a->n) {
		printf(_("Nothing is scheduled and no deadline falls in these dates.\n"));
		return;
	}
	const char *h[] = {_("date"), _("kind"), _("status"), _("what")};
	printf("  %-*s %-*s %-*s %s\n", cli_width(h[0], 22), h[0], cli_width(h[1], 10), h[1],
	       cli_width(h[2], 10), h[2], h[3]);
	size_t passed = 0, partial = 0;
	for (size_t i = 0; i < a->n; i++) {
		print_item(c, &a->items[i]);
		passed += a->items[i].status == TG_AGENDA_PASSED;
		partial += !a->items[i].whole_day;
	}
	if (passed)
		printf(_("! %zu deadline(s) passed with no action recorded, in these dates or the %d"
		         " days before.\n"), passed, OVERDUE_DAYS);
	if (partial)
		printf(_("* %zu date(s) without a known day: not in the calendar file.\n"), partial);
}

static json_t *agenda_json(const tg_agenda *a)
{
	json_t *items = json_array();
	for (size_t i = 0; i < a->n; i++)
		json_array_append_new(items, tg_agenda_item_json(&a->items[i]));
	return json_pack("{s:s, s:s, s:s, s:o}", "from", a->from, "to", a->to, "today", a->today,
	                 "items", items);
}

/* An error of --from or --to is the option's (exit 4). */
static int date_error(const char *opt, const tg_error *err)
{
	fprintf(stderr, "tergeu agenda: %s: %s\n", opt, *err->msg ? err->msg : tg_strerror(err->code));
	return tg_error_exit_status(err->code);
}

static int write_ics(const tg_agenda *a, const char *path)
{
	tg_strbuf ics = TG_STRBUF_INIT;
	size_t events = tg_io_agenda_ics(a, &ics);
	tg_error err = {0};
	int rc = 0;
	if (!strcmp(path, "-")) {
		if (fwrite(ics.buf, 1, ics.len, stdout) != ics.len || fflush(stdout))
			rc = cli_fail(&(tg_error){.code = TG_EIO});
	} else if (cli_write_file(path, ics.buf, &err)) {
		rc = cli_fail(&err);
	} else {
		fprintf(stderr, _("%zu event(s) written to %s\n"), events, path);
	}
	tg_strbuf_release(&ics);
	return rc;
}

CLI_CMD(agenda)
{
	static const struct option opts[] = {
		{"from", required_argument, NULL, 'f'}, {"to", required_argument, NULL, 't'},
		{"ics", required_argument, NULL, 'i'},  {"rules", required_argument, NULL, 'r'},
		{"clearance", required_argument, NULL, 'c'}, {0},
	};
	tg_agenda_opts o = {.overdue_days = OVERDUE_DAYS, .lang = c->lang,
	                    .clearance = TG_CLEAR_RESTRICTED};
	const char *ics = NULL, *rules_path = NULL;
	int ch;
	opterr = 0;
	optind = 1;
	while ((ch = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (ch) {
		case 'f': o.from = optarg; break;
		case 't': o.to = optarg; break;
		case 'i': ics = optarg; break;
		case 'r': rules_path = optarg; break;
		case 'c':
			if ((o.clearance = tg_clearance_level(optarg)) < 0)
				return cli_usage_error("agenda", _("--clearance must be public, restricted"
				                                   " or confidential"));
			break;
		case ':':
			return cli_usage_error("agenda", _("%s needs a value"), argv[optind - 1]);
		default:
			return cli_usage_error("agenda", _("unknown option %s"), argv[optind - 1]);
		}
	}
	if (optind < argc)
		return cli_usage_error("agenda", _("unexpected argument \"%s\""), argv[optind]);
	if (ics && !*ics)
		return cli_usage_error("agenda", _("--ics needs a file name"));
	if (ics && !strcmp(ics, "-") && c->json)
		return cli_usage_error("agenda", _("--ics - and --json both write to standard output"));
	/* Dates are checked before the database is opened (no passphrase is
	 * asked for a typo). */
	tg_error err = {0};
	tg_pdate d;
	if (o.from && tg_pdate_parse(o.from, &d, &err))
		return date_error("--from", &err);
	if (o.to && tg_pdate_parse(o.to, &d, &err))
		return date_error("--to", &err);
	tg_store *st;
	int rc = cli_open(c, 0, &st);
	if (rc)
		return rc;
	tg_agenda_rules *rules = NULL;
	tg_agenda *a = NULL;
	if (rules_path && tg_agenda_rules_load(st, rules_path, &rules, &err)) {
		rc = cli_fail(&err);
	} else {
		o.rules = rules;
		if (tg_agenda_build(st, &o, &a, &err))
			rc = !strcmp(err.path, "to") ? date_error("--to", &err) : cli_fail(&err);
	}
	tg_store_close(st);
	tg_agenda_rules_free(rules);
	if (!rc && ics)
		rc = write_ics(a, ics);
	if (!rc && c->json) {
		json_t *j = agenda_json(a);
		cli_print_json(j);
		json_decref(j);
	} else if (!rc && !(ics && !strcmp(ics, "-"))) {
		print_table(c, a);
	}
	tg_agenda_free(a);
	return rc;
}
