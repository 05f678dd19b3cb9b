/* tergeu link [--upper P] [--lower P] [--block-cap N] [--threads N] [--seed N]
 *             [--clusters-out FILE.csv]
 * tergeu link --explain RECORD RECORD */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "io/io.h"
#include "link/link.h"

static int raw_exists(void *ctx, const tg_raw_record *r)
{
	(void)ctx;
	(void)r;
	return 0;
}

int cli_raw_id(tg_store *st, const char *param, const char *arg, long long *id)
{
	char *end;
	errno = 0;
	long long v = strtoll(arg, &end, 10);
	tg_error err = {0};
	if (!*end && !errno && v > 0 && !tg_raw_get(st, v, raw_exists, NULL, &err)) {
		*id = v;
		return 0;
	}
	const char *colon = strrchr(arg, ':');
	if (colon && colon > arg && colon[1]) {
		char *list = strndup(arg, (size_t)(colon - arg));
		if (!list)
			abort();
		v = tg_raw_find(st, list, colon + 1);
		free(list);
		if (v > 0) {
			*id = v;
			return 0;
		}
	}
	fprintf(stderr, _("tergeu: %s: no raw record \"%s\" (give its number or LIST:RECORD_ID)\n"),
	        param, arg);
	return 3;
}

static int parse_real(const char *flag, const char *arg, double *out)
{
	char *end;
	errno = 0;
	double v = strtod(arg, &end);
	if (*end || errno || !(v > 0 && v < 1))
		return cli_usage_error("link", _("%s: a probability between 0 and 1, not \"%s\""), flag,
		                       arg);
	*out = v;
	return 0;
}

static int parse_int(const char *flag, const char *arg, long max, long *out)
{
	char *end;
	errno = 0;
	long v = strtol(arg, &end, 10);
	if (*end || errno || v < 1 || v > max)
		return cli_usage_error("link", _("%s: a whole number from 1 to %ld, not \"%s\""), flag,
		                       max, arg);
	*out = v;
	return 0;
}

static int explain(struct cli *c, tg_store *st, const char *x, const char *y)
{
	long long a, b;
	int rc = cli_raw_id(st, "--explain", x, &a);
	if (!rc)
		rc = cli_raw_id(st, "--explain", y, &b);
	if (rc)
		return rc;
	tg_error err = {0};
	tg_link *lk;
	if ((rc = tg_link_load(st, &lk, &err)))
		return cli_fail(&err);
	json_t *last;
	if ((rc = tg_linkdb_last_run(st, &last, &err))) {
		tg_link_free(lk);
		return cli_fail(&err);
	}
	if (last)
		tg_link_set_model(lk, json_object_get(last, "report"));
	json_decref(last);
	long i = tg_link_find(lk, a), j = tg_link_find(lk, b);
	if (i < 0 || j < 0) { /* cannot happen: both were found above */
		tg_link_free(lk);
		return 3;
	}
	json_t *out = tg_link_explain(lk, (size_t)i, (size_t)j);
	tg_link_free(lk);
	char pa[TG_UUID_LEN], pb[TG_UUID_LEN];
	bool same = tg_linkdb_person_of(st, a, pa) > 0 && tg_linkdb_person_of(st, b, pb) > 0 &&
	            !strcmp(pa, pb);
	json_object_set_new(out, "same_cluster", json_boolean(same));
	if (c->json)
		cli_print_json(out);
	else
		cli_print_explanation(out);
	json_decref(out);
	return CLI_OK;
}

void cli_print_explanation(const json_t *x)
{
	printf(_("records %lld and %lld\n"),
	       (long long)json_integer_value(json_object_get(x, "a")),
	       (long long)json_integer_value(json_object_get(x, "b")));
	json_t *cmp;
	size_t i;
	json_array_foreach(json_object_get(x, "comparisons"), i, cmp) {
		const char *label = json_string_value(json_object_get(cmp, "label"));
		const char *name = _(json_string_value(json_object_get(cmp, "name")));
		printf("  %-*s %-*s %+7.2f\n", cli_width(name, 11), name, cli_width(label, 40), label,
		       json_number_value(json_object_get(cmp, "weight")));
	}
	const char *prior = _("prior (how often two records of these lists are one person)");
	const char *total = _("total (log2 of the odds)");
	printf("  %-*s %+7.2f\n", cli_width(prior, 52), prior,
	       json_number_value(json_object_get(x, "prior")));
	printf("  %-*s %+7.2f\n", cli_width(total, 52), total,
	       json_number_value(json_object_get(x, "total")));
	printf(_("  match probability %.4f%s\n"), json_number_value(json_object_get(x, "probability")),
	       json_is_true(json_object_get(x, "trained")) ? "" : _(" (untrained weights: no run yet)"));
	const char *why = json_string_value(json_object_get(x, "cannot_link"));
	if (why)
		printf(_("  kept apart: %s\n"), why);
	if (json_is_true(json_object_get(x, "same_cluster")))
		printf(_("  the two records are one person\n"));
}

static void print_report(const json_t *r)
{
	printf(_("linked %lld records into %lld persons\n"),
	       (long long)json_integer_value(json_object_get(r, "records")),
	       (long long)json_integer_value(json_object_get(r, "clusters")));
	printf(_("blocking rules:\n"));
	const char *h[] = {_("rule"), _("pairs"), _("new pairs"), _("reduction"), _("capped")};
	printf("  %-*s %*s %*s %*s %*s\n", cli_width(h[0], 34), h[0], cli_width(h[1], 12), h[1],
	       cli_width(h[2], 12), h[2], cli_width(h[3], 10), h[3], cli_width(h[4], 8), h[4]);
	json_t *rule;
	size_t i;
	json_array_foreach(json_object_get(r, "blocking"), i, rule) {
		const char *name = _(json_string_value(json_object_get(rule, "rule")));
		printf("  %-*s %12lld %12lld %10.6f %8lld\n", cli_width(name, 34), name,
		       (long long)json_integer_value(json_object_get(rule, "pairs")),
		       (long long)json_integer_value(json_object_get(rule, "new_pairs")),
		       json_number_value(json_object_get(rule, "reduction_ratio")),
		       (long long)json_integer_value(json_object_get(rule, "capped_blocks")));
	}
	json_t *em = json_object_get(r, "em"), *ref = json_object_get(r, "refused_unions");
	printf(_("compared %lld pairs (%lld distinct patterns); EM: %d iterations%s, share of"
	         " matches %.5f\n"),
	       (long long)json_integer_value(json_object_get(r, "pairs")),
	       (long long)json_integer_value(json_object_get(r, "patterns")),
	       (int)json_integer_value(json_object_get(em, "iterations")),
	       json_is_true(json_object_get(em, "converged")) ? "" : _(" (not converged)"),
	       json_number_value(json_object_get(em, "lambda")));
	printf(_("links above the upper threshold: %lld; unions refused: %lld different IINs,"
	         " %lld birth dates, %lld sex, %lld fathers' names, %lld disagreeing records,"
	         " %lld reviewers' decisions\n"),
	       (long long)json_integer_value(json_object_get(r, "links")),
	       (long long)json_integer_value(json_object_get(ref, "iin")),
	       (long long)json_integer_value(json_object_get(ref, "birth_date")),
	       (long long)json_integer_value(json_object_get(ref, "sex")),
	       (long long)json_integer_value(json_object_get(ref, "patronymic")),
	       (long long)json_integer_value(json_object_get(ref, "disagreement")),
	       (long long)json_integer_value(json_object_get(ref, "decision")));
	printf(_("review queue: %lld pairs (tergeu review)\n"),
	       (long long)json_integer_value(json_object_get(r, "review")));
	printf(_("time: %.2f s\n"),
	       json_number_value(json_object_get(json_object_get(r, "timings"), "total")));
}

CLI_CMD(link)
{
	tg_link_opts o = {0};
	const char *clusters_out = NULL, *ex[2] = {NULL, NULL};
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		long n;
		int rc = 0;
		if (!strcmp(a, "--explain") && i + 2 < argc) {
			ex[0] = argv[++i];
			ex[1] = argv[++i];
			continue;
		}
		if (!v || a[0] != '-' || a[1] != '-')
			return cli_usage_error("link", _("unexpected argument \"%s\""), a);
		i++;
		if (!strcmp(a, "--upper"))
			rc = parse_real(a, v, &o.upper);
		else if (!strcmp(a, "--lower"))
			rc = parse_real(a, v, &o.lower);
		else if (!strcmp(a, "--block-cap") && !(rc = parse_int(a, v, 100000, &n)))
			o.block_cap = (int)n;
		else if (!strcmp(a, "--threads") && !(rc = parse_int(a, v, 64, &n)))
			o.threads = (int)n;
		else if (!strcmp(a, "--seed") && !(rc = parse_int(a, v, 2147483647L, &n)))
			o.seed = (uint64_t)n;
		else if (!strcmp(a, "--clusters-out"))
			clusters_out = v;
		else if (strcmp(a, "--block-cap") && strcmp(a, "--threads") && strcmp(a, "--seed"))
			return cli_usage_error("link", _("unexpected argument \"%s\""), a);
		if (rc)
			return rc;
	}
	if (o.upper && o.lower && o.lower >= o.upper)
		return cli_usage_error("link", _("--lower must be below --upper"));
	if (clusters_out) {
		/* Fail before the run, not after it. */
		char *dir = strdup(clusters_out);
		if (!dir)
			abort();
		char *slash = strrchr(dir, '/');
		int ok = access(slash ? (slash == dir ? "/" : (*slash = 0, dir)) : ".", W_OK);
		free(dir);
		if (ok) {
			fprintf(stderr, _("tergeu: --clusters-out: cannot write %s: %s\n"), clusters_out,
			        strerror(errno));
			return 5;
		}
	}
	tg_store *st;
	int rc = cli_open(c, 0, &st);
	if (rc)
		return rc;
	if (ex[0]) {
		rc = explain(c, st, ex[0], ex[1]);
		tg_store_close(st);
		return rc;
	}
	o.progress = cli_progress;
	tg_error err = {0};
	json_t *report = NULL;
	rc = tg_link_database(st, &o, &report, NULL, &err);
	cli_progress_done();
	long long rows = 0;
	if (!rc && clusters_out)
		rc = tg_io_write_clusters(st, clusters_out, &rows, &err);
	tg_store_close(st);
	if (rc) {
		json_decref(report);
		return cli_fail(&err);
	}
	if (c->json) {
		cli_print_json(report);
	} else {
		print_report(report);
		if (clusters_out)
			printf(_("persons written to %s (%lld records)\n"), clusters_out, rows);
	}
	json_decref(report);
	return CLI_OK;
}
