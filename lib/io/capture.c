/*
 * A capture table in CSV, for tergeu estimate --table: one 0/1 column per
 * list, a "count" column, one row per observed capture pattern. Errors
 * name the file, the line and the column.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "io/io-int.h"

static int fail(tg_error *err, const char *path, int line, const char *field, const char *fmt,
                const char *arg)
{
	tg_error_set(err, TG_EINVAL, field, fmt, arg);
	snprintf(err->file, sizeof err->file, "%s", path);
	err->line = line;
	return TG_EINVAL;
}

static int read_rows(tg_csv *c, const char *path, tg_capture *t, int count_col, int ncol,
                     const int *list_col, tg_error *err)
{
	int got;
	while ((got = tg_csv_row(c, err)) > 0) {
		if (c->n == 1 && c->field[0].len == 0)
			continue;
		if ((int)c->n != ncol) {
			char n[32];
			snprintf(n, sizeof n, "%zu", c->n);
			return fail(err, path, c->row_line, NULL, _("%s fields, not as many as the header"),
			            n);
		}
		unsigned pattern = 0;
		for (int l = 0; l < t->k; l++) {
			const char *v = tg_strbuf_str(&c->field[list_col[l]]);
			if (strcmp(v, "0") && strcmp(v, "1"))
				return fail(err, path, c->row_line, t->names[l],
				            _("%s: give 0 or 1"), t->names[l]);
			pattern |= (unsigned)(v[0] == '1') << l;
		}
		const char *v = tg_strbuf_str(&c->field[count_col]);
		char *end;
		errno = 0;
		double n = strtod(v, &end);
		if (!*v || *end || errno || !(n >= 0) || n != floor(n) || n > 1e12)
			return fail(err, path, c->row_line, "count",
			            _("count: \"%s\" is not a whole number of persons"), v);
		if (!pattern)
			return fail(err, path, c->row_line, NULL,
			            _("%sa row with no list is a person nobody recorded"), "");
		t->count[pattern] += n;
	}
	return got < 0 ? err->code : 0;
}

int tg_io_read_capture(const char *path, tg_capture *t, tg_error *err)
{
	*t = (tg_capture){0};
	char *text;
	size_t len;
	int rc = tg_read_file(path, &text, &len, err);
	if (rc)
		return rc;
	tg_csv c;
	tg_csv_init(&c, text, len, ',');
	rc = tg_csv_row(&c, err);
	if (rc <= 0) {
		if (!rc)
			fail(err, path, 1, NULL, _("%sthe table is empty"), "");
		tg_csv_free(&c);
		free(text);
		return err->code;
	}
	int ncol = (int)c.n, count_col = -1, list_col[TG_STATS_MAXLISTS];
	rc = 0;
	for (int i = 0; i < ncol && !rc; i++) {
		const char *h = tg_strbuf_str(&c.field[i]);
		if (!strcmp(h, "count")) {
			count_col = i;
		} else if (t->k == TG_STATS_MAXLISTS) {
			rc = fail(err, path, 1, h, _("%s: at most 6 lists"), h);
		} else {
			list_col[t->k] = i;
			if (!(t->names[t->k++] = strdup(h)))
				abort();
		}
	}
	if (!rc && count_col < 0)
		rc = fail(err, path, 1, "count", _("%sthe table needs a \"count\" column"), "");
	if (!rc && t->k < 2)
		rc = fail(err, path, 1, NULL, _("%sthe table needs at least two list columns"), "");
	if (!rc)
		rc = read_rows(&c, path, t, count_col, ncol, list_col, err);
	if (!rc && tg_capture_observed(t) <= 0)
		rc = fail(err, path, 0, "count", _("%snobody was recorded"), "");
	tg_csv_free(&c);
	free(text);
	if (rc)
		tg_capture_release(t);
	return rc;
}
