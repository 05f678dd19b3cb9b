/*
 * io — moving records in and out: the JSON export of a whole database and
 * its import.  Export → import into a new database → export gives
 * byte-identical output.
 */
#ifndef TG_IO_H
#define TG_IO_H

#include <stdio.h>

#include "stats/stats.h"
#include "store/store.h"
#include "util/util.h"

/*
 * Writes every record (soft-deleted ones too, with their deletion marks)
 * and every user-added vocabulary term as one JSON document:
 *   {"format":"tergeu-export","version":1,
 *    "terms":[...],
 *    "records":[...]}
 * one term or record per line, in canonical form, ordered by entity
 * (dependencies first) and id.  History is not part of the export.
 */
int tg_io_export_json(tg_store *st, FILE *out, tg_error *err);
/* As tg_io_export_json, with only the records keep(ctx, doc) accepts
 * (what a reader's clearance allows). References to records left out stay
 * as they are. */
int tg_io_export_json_if(tg_store *st, FILE *out, bool (*keep)(void *ctx, const json_t *doc),
                         void *ctx, tg_error *err);

/*
 * Imports a file written by tg_io_export_json through the normal write
 * path, in one transaction: on any error nothing is imported and err names
 * the file and the JSON path ("records[12].names[0].role") or line.
 * Records keep their ids; an id already in the database is an error.
 */
int tg_io_import_json(tg_store *st, const char *path, tg_progress_fn progress, void *ctx,
                      tg_error *err);

/* Import of a victim list (CSV, TSV or JSON) as immutable raw records. */
typedef struct tg_list_import {
	const char *path;     /* the list file, "-" for standard input */
	const char *list;     /* the list's name: title of the source made for it */
	const char *map_path; /* mapping JSON: standard field -> column name */
	const char *format;   /* "csv", "tsv" or "json"; NULL: from the extension */
	const char *lang;     /* language of the list: kk, ru, en or NULL */
} tg_list_import;

typedef struct tg_list_report {
	char list_uid[TG_UUID_LEN]; /* the source made for the list */
	long long rows;
	/* Values kept only as written (in the record's extra fields). */
	long long bad_dates, bad_ages, bad_sexes, bad_iins;
} tg_list_report;

/*
 * Reads the list whole and, in one transaction, makes a source for it
 * (its note names the file and its SHA-256) and one raw record per data
 * row: the mapped standard fields (id, full_name, family, given,
 * patronymic, birth_date, age, sex, iin, place, death_date, note)
 * standardised, every other column kept as a free field. A partial date,
 * age, sex or IIN that cannot be read is kept as written and counted in
 * rep; an IIN is checked against its check digit. Malformed CSV or JSON,
 * a mapping naming an unknown field or a missing column, or a list name
 * already imported is an error naming the file, line and field; nothing
 * is imported then.
 */
int tg_io_import_list(tg_store *st, const tg_list_import *o, tg_list_report *rep,
                      tg_progress_fn progress, void *ctx, tg_error *err);

/* Writes list,record_id,person_id for every raw record (the persons of
 * the last linkage run) to path, atomically; *rows gets the line count. */
int tg_io_write_clusters(tg_store *st, const char *path, long long *rows, tg_error *err);

/* Writes one CSV field (RFC 4180: quoted when it holds a comma, quote or
 * line break, quotes doubled; NULL is empty) and then a comma, or a line
 * feed after the last field of a row. */
void tg_csv_write_field(FILE *f, const char *s, bool last);

/* Reads a capture table: one 0/1 column per list (2 to 6), a "count"
 * column, one row per observed pattern (repeated patterns add up). Errors
 * (EINVAL) name the file, line and column: a value other than 0 or 1, a
 * count that is not a whole number, an all-zero row, no count column,
 * fewer than 2 or more than 6 lists, nobody recorded. */
int tg_io_read_capture(const char *path, tg_capture *t, tg_error *err);

/* Charts (svg.c). A stratum's documented count and its estimate with the
 * 95% interval (estimate NAN when there is none). */
typedef struct tg_svg_stratum {
	const char *label;
	double documented, estimate, lower, upper;
} tg_svg_stratum;
/* Writes one self-contained SVG: documented against estimated totals for
 * the n strata, and, if overall is not NULL, the overlap of its lists
 * (persons per combination of lists). EIO when the write fails. */
int tg_io_svg_estimates(FILE *f, const tg_svg_stratum *s, size_t n, const tg_capture *overall,
                        tg_error *err);

#endif
