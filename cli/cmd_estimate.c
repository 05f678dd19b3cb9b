/* tergeu estimate [--table FILE.csv | --by place|region|period|fate|sex]
 *                 [--method chapman|loglinear|lcmcr] [--criterion aic|bic]
 *                 [--seed N] [--models] [--average] [--svg FILE] */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "io/io.h"
#include "link/link.h"
#include "stats/stats.h"
#include "text/text.h"

struct request {
	struct cli *c;
	const char *method, *criterion;
	uint64_t seed;
	bool models, average;
	const char *by; /* strata, or NULL for the whole */
	json_t *out; /* array of results */
	int failed;
	tg_capture overall; /* the whole table, for the overlap chart */
	bool have_overall;
};

/* A stratum this small gives an estimate with little meaning. */
#define SMALL_STRATUM 20

static int estimate(struct request *q, const char *stratum, const tg_capture *t)
{
	const char *method = q->method ? q->method : t->k == 2 ? "chapman" : "loglinear";
	tg_estimate e = {0};
	tg_error err = {0};
	json_t *models = NULL, *diag = NULL;
	int rc;
	if (!strcmp(method, "chapman")) {
		rc = tg_estimate_chapman(t, &e, &err);
	} else if (!strcmp(method, "loglinear")) {
		rc = (q->average ? tg_estimate_loglinear_average : tg_estimate_loglinear)(
			t, q->criterion, &e, q->models ? &models : NULL, &err);
	} else {
		tg_lcmcr_opts o = {.seed = q->seed, .progress = cli_progress};
		rc = tg_estimate_lcmcr(t, &o, &e, &diag, &err);
		cli_progress_done();
	}
	json_t *r = json_pack("{s:s?, s:s, s:f}", "stratum", stratum, "method", rc ? method : e.method,
	                      "observed", tg_capture_observed(t));
	json_t *lists = json_array();
	for (int l = 0; l < t->k; l++)
		json_array_append_new(lists, json_string(t->names[l]));
	json_object_set_new(r, "lists", lists);
	if (rc) {
		json_object_set_new(r, "error", json_string(err.msg));
		q->failed = q->failed ? q->failed : rc;
	} else {
		json_object_set_new(r, "estimate", json_real(e.estimate));
		json_object_set_new(r, "lower", json_real(e.lower));
		json_object_set_new(r, "upper", json_real(e.upper));
		if (isfinite(e.se))
			json_object_set_new(r, "se", json_real(e.se));
		if (e.model[0]) {
			json_object_set_new(r, "model", json_string(e.model));
			json_object_set_new(r, "aic", json_real(e.aic));
			json_object_set_new(r, "bic", json_real(e.bic));
			json_object_set_new(r, "deviance", json_real(e.deviance));
			json_object_set_new(r, "df", json_integer(e.df));
		}
		json_t *warnings = json_array();
		if (e.warning[0])
			json_array_append_new(warnings, json_string(e.warning));
		if (tg_capture_observed(t) < SMALL_STRATUM)
			json_array_append_new(warnings, json_string(_("the stratum is too small for a"
			                                              " reliable estimate")));
		json_object_set_new(r, "warnings", warnings);
	}
	if (models)
		json_object_set_new(r, "models", models);
	if (diag)
		json_object_set_new(r, "diagnostics", diag);
	json_array_append_new(q->out, r);
	return 0;
}

static int per_stratum(void *ctx, const char *stratum, const tg_capture *t)
{
	struct request *q = ctx;
	return estimate(q, !q->by ? NULL : stratum ? stratum : _("unknown"), t);
}

/* A stratum for people: places by name in the reader's language. */
static const char *stratum_label(const struct request *q, const char *stratum)
{
	if (q->by && (!strcmp(q->by, "place") || !strcmp(q->by, "region")))
		return tg_link_place_label(stratum, q->c->lang);
	if (q->by && !strcmp(q->by, "fate"))
		return tg_link_fate_label(stratum);
	return stratum;
}

static int keep_overall(void *ctx, const char *stratum, const tg_capture *t)
{
	struct request *q = ctx;
	(void)stratum;
	q->overall = *t;
	for (int l = 0; l < t->k; l++)
		if (!(q->overall.names[l] = strdup(t->names[l])))
			abort();
	q->have_overall = true;
	return 0;
}

/* The chart of the results, written beside path and renamed into place. */
static int write_svg(struct request *q, const char *path)
{
	size_t n = json_array_size(q->out);
	tg_svg_stratum *s = calloc(n ? n : 1, sizeof *s);
	if (!s)
		abort();
	for (size_t i = 0; i < n; i++) {
		json_t *r = json_array_get(q->out, i);
		const char *label = json_string_value(json_object_get(r, "stratum"));
		s[i] = (tg_svg_stratum){label ? stratum_label(q, label) : _("all"),
		                        json_number_value(json_object_get(r, "observed")), NAN, NAN, NAN};
		if (json_object_get(r, "estimate")) {
			s[i].estimate = json_number_value(json_object_get(r, "estimate"));
			s[i].lower = json_number_value(json_object_get(r, "lower"));
			s[i].upper = json_number_value(json_object_get(r, "upper"));
		}
	}
	char tmp[4096];
	snprintf(tmp, sizeof tmp, "%s.tmp", path);
	tg_error err = {0};
	FILE *f = fopen(tmp, "w");
	int rc = f ? tg_io_svg_estimates(f, s, n, q->have_overall ? &q->overall : NULL, &err)
	           : tg_error_set(&err, TG_EIO, NULL, "%s: %s", path, strerror(errno));
	if (f && fclose(f) && !rc)
		rc = tg_error_set(&err, TG_EIO, NULL, "%s: %s", path, strerror(errno));
	if (!rc && rename(tmp, path))
		rc = tg_error_set(&err, TG_EIO, NULL, "%s: %s", path, strerror(errno));
	if (rc) {
		unlink(tmp);
		snprintf(err.file, sizeof err.file, "%s", path);
	}
	free(s);
	return rc ? cli_fail(&err) : 0;
}

static void print_results(const struct request *q, const json_t *out)
{
	struct cli *c = q->c;
	size_t i;
	json_t *r;
	json_array_foreach(out, i, r) {
		const char *stratum = json_string_value(json_object_get(r, "stratum"));
		if (stratum)
			printf("%s\n", stratum_label(q, stratum));
		char *obs = tg_text_format_int((long long)json_number_value(json_object_get(r, "observed")),
		                               c->lang);
		printf(_("  documented: %s persons on %zu lists\n"), obs,
		       json_array_size(json_object_get(r, "lists")));
		free(obs);
		const char *error = json_string_value(json_object_get(r, "error"));
		if (error) {
			printf(_("  no estimate: %s\n"), error);
			continue;
		}
		char *est = tg_text_format_int(llround(json_number_value(json_object_get(r, "estimate"))),
		                               c->lang);
		char *lo = tg_text_format_int(llround(json_number_value(json_object_get(r, "lower"))),
		                              c->lang);
		char *hi = tg_text_format_int(llround(json_number_value(json_object_get(r, "upper"))),
		                              c->lang);
		printf(_("  estimated total: %s (95%% interval %s to %s), %s"), est, lo, hi,
		       json_string_value(json_object_get(r, "method")));
		const char *model = json_string_value(json_object_get(r, "model"));
		if (model)
			printf(_(", model %s"), model);
		printf("\n");
		free(est);
		free(lo);
		free(hi);
		size_t w;
		json_t *warning;
		json_array_foreach(json_object_get(r, "warnings"), w, warning)
			printf(_("  warning: %s\n"), json_string_value(warning));
	}
}

CLI_CMD(estimate)
{
	struct request q = {.c = c, .criterion = "aic", .seed = 1, .out = json_array()};
	const char *table = NULL, *by = NULL, *svg = NULL;
	int rc = 0;
	for (int i = 1; i < argc && !rc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (!strcmp(a, "--models")) {
			q.models = true;
			continue;
		}
		if (!strcmp(a, "--average")) {
			q.average = true;
			continue;
		}
		if (!v)
			rc = cli_usage_error("estimate", _("unexpected argument \"%s\""), a);
		else if (!strcmp(a, "--table"))
			table = v;
		else if (!strcmp(a, "--by"))
			by = v;
		else if (!strcmp(a, "--svg"))
			svg = v;
		else if (!strcmp(a, "--method") && (!strcmp(v, "chapman") || !strcmp(v, "loglinear") ||
		                                    !strcmp(v, "lcmcr")))
			q.method = v;
		else if (!strcmp(a, "--criterion") && (!strcmp(v, "aic") || !strcmp(v, "bic")))
			q.criterion = v;
		else if (!strcmp(a, "--seed")) {
			char *end;
			errno = 0;
			q.seed = strtoull(v, &end, 10);
			if (*end || errno || !*v || *v == '-' || !q.seed)
				rc = cli_usage_error("estimate", _("--seed: a whole number above 0, not \"%s\""), v);
		} else if (!strcmp(a, "--method") || !strcmp(a, "--criterion"))
			rc = cli_usage_error("estimate", _("%s: \"%s\" is not one of the choices"), a, v);
		else
			rc = cli_usage_error("estimate", _("unexpected argument \"%s\""), a);
		i++;
	}
	q.by = by;
	if (!rc && q.average && q.method && strcmp(q.method, "loglinear"))
		rc = cli_usage_error("estimate", _("--average applies to log-linear models"));
	if (!rc && table && by)
		rc = cli_usage_error("estimate", _("give --table or --by, not both"));
	if (rc) {
		json_decref(q.out);
		return rc;
	}
	tg_error err = {0};
	if (table) {
		tg_capture t;
		if ((rc = tg_io_read_capture(table, &t, &err))) {
			json_decref(q.out);
			return cli_fail(&err);
		}
		estimate(&q, NULL, &t);
		keep_overall(&q, NULL, &t);
		tg_capture_release(&t);
	} else {
		tg_store *st;
		if ((rc = cli_open(c, 0, &st))) {
			json_decref(q.out);
			return rc;
		}
		rc = tg_stats_capture_by(st, by, per_stratum, &q, &err);
		if (!rc && svg)
			rc = tg_stats_capture_by(st, NULL, keep_overall, &q, &err);
		tg_store_close(st);
		if (rc) {
			json_decref(q.out);
			return cli_fail(&err);
		}
	}
	if (c->json)
		cli_print_json(table ? json_array_get(q.out, 0) : q.out);
	else
		print_results(&q, q.out);
	rc = svg ? write_svg(&q, svg) : 0;
	json_decref(q.out);
	tg_capture_release(&q.overall);
	return rc ? rc : q.failed ? tg_error_exit_status(q.failed) : CLI_OK;
}
