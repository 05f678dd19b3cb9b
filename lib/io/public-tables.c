/*
 * The count tables of a public export, with small-cell suppression.
 *
 * A count under the threshold (default 5) can point to a person: "one
 * woman tortured in this village in March".  Such a cell is shown as "<5".
 * A table row is published with its total, so one hidden cell could be
 * worked out from the total and the cells beside it; then the smallest
 * shown cell of the row is hidden too (secondary suppression).  Counts are
 * of distinct victims, so a total is not always the sum of its cells, but
 * the rule does not rely on that.
 *
 * The counts come from tg_store_act_victim_counts at the public clearance
 * (public acts of public victims).  Its place and region columns are the
 * names of the places joined, whatever their own confidentiality: a name
 * that is not the name of a public place is shown as unknown, and rows
 * that then share a key are added up.
 */
#include <stdlib.h>
#include <string.h>

#include "io/io.h"

int tg_io_suppress_row(const long long *cells, size_t n, long long total, int min_cell,
                       bool *hide, bool *hide_total)
{
	int hidden = 0;
	for (size_t i = 0; i < n; i++) {
		hide[i] = cells[i] > 0 && cells[i] < min_cell;
		hidden += hide[i];
	}
	*hide_total = total > 0 && total < min_cell;
	if (hidden != 1 || *hide_total)
		return hidden + *hide_total;
	/* One hidden cell beside a shown total: hide the smallest shown cell
	 * (the first of equals), or the total when there is none. */
	size_t pick = n;
	for (size_t i = 0; i < n; i++)
		if (!hide[i] && cells[i] > 0 && (pick == n || cells[i] < cells[pick]))
			pick = i;
	if (pick < n)
		hide[pick] = true;
	else
		*hide_total = true;
	return 2;
}

#define MAXD 3

struct row {
	char *v[MAXD]; /* NULL: unknown */
	long long n;
};

struct rows {
	struct row *r;
	size_t n, cap;
	int ndims;
	int place_dim; /* the dimension holding place names, or -1 */
	const json_t *places;
};

static int add_row(void *ctx, const char *const *values, long long n, const char *sources)
{
	(void)sources;
	struct rows *t = ctx;
	if (t->n == t->cap) {
		t->cap = t->cap ? 2 * t->cap : 64;
		struct row *r = realloc(t->r, t->cap * sizeof *r);
		if (!r)
			return TG_ENOMEM;
		t->r = r;
	}
	struct row *r = &t->r[t->n++];
	memset(r, 0, sizeof *r);
	r->n = n;
	for (int d = 0; d < t->ndims; d++) {
		const char *v = values[d];
		if (d == t->place_dim && v && !json_object_get(t->places, v))
			v = NULL;
		r->v[d] = v ? strdup(v) : NULL;
	}
	return 0;
}

static int cmp_values(char *const *a, char *const *b, int ndims)
{
	for (int d = 0; d < ndims; d++) {
		if (!a[d] || !b[d]) {
			if (a[d] || b[d])
				return a[d] ? -1 : 1; /* unknown last */
			continue;
		}
		int c = strcmp(a[d], b[d]);
		if (c)
			return c;
	}
	return 0;
}

/* Dimensions past a table's are NULL in every row, so comparing all of
 * them orders by the table's. */
static int cmp_rows(const void *a, const void *b)
{
	return cmp_values(((const struct row *)a)->v, ((const struct row *)b)->v, MAXD);
}

/* Sorts the rows and adds up those with the same key. */
static void merge_rows(struct rows *t)
{
	if (!t->n)
		return; /* t->r is NULL: qsort may not be given it */
	qsort(t->r, t->n, sizeof *t->r, cmp_rows);
	size_t w = 0;
	for (size_t i = 0; i < t->n; i++) {
		if (w && !cmp_values(t->r[w - 1].v, t->r[i].v, t->ndims)) {
			t->r[w - 1].n += t->r[i].n;
			for (int d = 0; d < t->ndims; d++)
				free(t->r[i].v[d]);
		} else {
			t->r[w++] = t->r[i];
		}
	}
	t->n = w;
}

static void free_rows(struct rows *t)
{
	for (size_t i = 0; i < t->n; i++)
		for (int d = 0; d < t->ndims; d++)
			free(t->r[i].v[d]);
	free(t->r);
}

static int load(tg_store *st, const char *const *dims, int ndims, int place_dim,
                const json_t *places, struct rows *t, tg_error *err)
{
	*t = (struct rows){.ndims = ndims, .place_dim = place_dim, .places = places};
	int rc = tg_store_act_victim_counts(st, dims, ndims, TG_CLEAR_PUBLIC, NULL, add_row, t,
	                                    err);
	if (rc == TG_ENOMEM)
		return tg_error_set(err, rc, NULL, "%s", tg_strerror(rc));
	if (!rc)
		merge_rows(t);
	return rc;
}

static json_t *count_json(long long n, bool hidden, int min_cell)
{
	if (!hidden)
		return json_integer(n);
	char mark[24];
	snprintf(mark, sizeof mark, "<%d", min_cell);
	return json_string(mark);
}

static json_t *value_json(const char *v)
{
	return v ? json_string(v) : json_null();
}

/* One table: the cells of dims grouped in rows by all dimensions but the
 * last, each row with its total (the counts by the other dimensions). */
static int make_table(tg_store *st, const char *name, const char *const *dims,
                      const char *const *columns, int ndims, int place_dim,
                      const json_t *places, int min_cell, json_t *tables, long long *hidden,
                      tg_error *err)
{
	struct rows cells, totals;
	int rc = load(st, dims, ndims, place_dim, places, &cells, err);
	if (rc)
		return rc;
	if ((rc = load(st, dims, ndims - 1, place_dim, places, &totals, err))) {
		free_rows(&cells);
		return rc;
	}
	json_t *cols = json_array(), *rows = json_array();
	for (int d = 0; d < ndims; d++)
		json_array_append_new(cols, json_string(columns[d]));
	size_t i = 0, k = 0;
	long long *n = malloc((cells.n + 1) * sizeof *n);
	bool *hide = malloc((cells.n + 1) * sizeof *hide);
	if (!n || !hide)
		rc = tg_error_set(err, TG_ENOMEM, NULL, "%s", tg_strerror(TG_ENOMEM));
	while (!rc && i < cells.n) {
		size_t j = i;
		while (j < cells.n && !cmp_values(cells.r[j].v, cells.r[i].v, ndims - 1))
			j++;
		while (k < totals.n && cmp_values(totals.r[k].v, cells.r[i].v, ndims - 1) < 0)
			k++;
		long long total = k < totals.n && !cmp_values(totals.r[k].v, cells.r[i].v, ndims - 1)
		                      ? totals.r[k].n : 0;
		for (size_t c = i; c < j; c++)
			n[c - i] = cells.r[c].n;
		bool hide_total;
		*hidden += tg_io_suppress_row(n, j - i, total, min_cell, hide, &hide_total);
		json_t *key = json_array(), *row_cells = json_array();
		for (int d = 0; d < ndims - 1; d++)
			json_array_append_new(key, value_json(cells.r[i].v[d]));
		for (size_t c = i; c < j; c++)
			json_array_append_new(row_cells,
			                      json_pack("[o, o]", value_json(cells.r[c].v[ndims - 1]),
			                                count_json(n[c - i], hide[c - i], min_cell)));
		json_array_append_new(rows, json_pack("{s:o, s:o, s:o}", "key", key, "cells", row_cells,
		                                      "total", count_json(total, hide_total, min_cell)));
		i = j;
	}
	free(n);
	free(hide);
	free_rows(&cells);
	free_rows(&totals);
	json_array_append_new(tables, json_pack("{s:s, s:o, s:o}", "name", name, "columns", cols,
	                                        "rows", rows));
	return rc;
}

int tg_io_public_tables(tg_store *st, const json_t *places, int min_cell, json_t **out,
                        long long *hidden, tg_error *err)
{
	static const char *const by_month[] = {"act_type", "region", "period"};
	static const char *const by_month_cols[] = {"act_type", "region", "month"};
	static const char *const by_place[] = {"place", "act_type"};
	json_t *tables = json_array();
	*hidden = 0;
	int rc = make_table(st, "victims_by_type_region_month", by_month, by_month_cols, 3, 1,
	                    places, min_cell, tables, hidden, err);
	if (!rc)
		rc = make_table(st, "victims_by_place_type", by_place, by_place, 2, 0, places, min_cell,
		                tables, hidden, err);
	if (rc) {
		json_decref(tables);
		tables = NULL;
	}
	*out = tables;
	return rc;
}
