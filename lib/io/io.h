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
#include "vault/vault.h"

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

/* ---- records as HTML (html.c, dossier.c): the web's pages and the
 * dossier file both ---- */
typedef struct tg_html {
	tg_store *st;
	const char *lang; /* kk, ru or en */
	int clearance;    /* enum tg_clearance: records above it are left out */
	tg_strbuf *out;   /* appended to */
	bool links;       /* records as links to /record/ID (the web), else text */
} tg_html;
/* Appends s escaped for HTML text and attribute values. */
void tg_html_esc(tg_strbuf *sb, const char *s);
/* A field's or an entity's name in the reader's language. */
const char *tg_html_field_label(const char *name);
const char *tg_html_entity_label(const char *entity);
/* May the reader see doc (its confidentiality within h's clearance)? */
bool tg_html_visible(const tg_html *h, const json_t *doc);
/* A record's title: a name, a title, a place's name in the reader's
 * language, or its type in words. Caller frees. */
char *tg_html_title(const tg_html *h, const json_t *doc);
/* The title of doc (record uid), a link when h->links. */
void tg_html_record(const tg_html *h, const char *uid, const json_t *doc);
/* Record uid by its title, or a note when the reader may not see it. */
void tg_html_ref(const tg_html *h, const char *uid);
/* A table of doc's fields but skip (may be NULL). */
void tg_html_fields(const tg_html *h, const json_t *doc, const char *skip);
/* A horizontal bar chart as inline SVG (no script, its title for screen
 * readers): one bar per label, its length values[i], its text shown[i]
 * (a number as the reader writes it, or a suppression mark). */
void tg_html_bars(const tg_html *h, const char *title, const char *const *labels,
                  const double *values, const char *const *shown, size_t n);
/* A self-contained HTML document (its style inside, print-ready) with
 * title as its heading; then the body; then its end. */
void tg_html_document_begin(const tg_html *h, const char *title);
void tg_html_document_end(const tg_html *h);
/* The style inside those documents (for a Content-Security-Policy hash). */
const char *tg_html_document_css(void);
/* The body of doc's page: for a person the dossier (every name with its
 * Latin form, facts, a timeline of acts and proceeding stages, the sources
 * behind each fact, evidence with SHA-256 and custody), for any other
 * record its fields; then the records that refer to it. Records above the
 * clearance are left out. */
int tg_html_dossier(const tg_html *h, const json_t *doc, tg_error *err);
/* The dossier of record id as a document to print or submit: the record's
 * page body (tg_html_dossier without links), when it was made, at which
 * clearance, and the ledger checkpoint note (may be NULL) that lets a
 * reader check the records later. ENOTFOUND for a record the clearance
 * does not allow (as for none). *html: caller frees. */
int tg_io_dossier_document(tg_store *st, const char *id, const char *lang, int clearance,
                           const char *checkpoint, char **html, tg_error *err);

/* ---- agenda.c, deadlines.c, ics.c: hearings and deadlines ---- */

/* Deadline rules: "after" a dated stage of a proceeding, "days" calendar
 * days to act, met by any "expect" stage recorded after it. */
typedef struct tg_agenda_rules tg_agenda_rules;
/* Reads the rules of path (a tergeu-deadlines JSON file), or the shipped
 * defaults (data/deadlines.json) when path is NULL. Stage and proceeding
 * type codes are checked against st's vocabularies when st is not NULL.
 * Errors name the file and its line: EJSON for malformed JSON, EINVAL or
 * EVOCAB naming the field ("rules[2].days"), EIO when it cannot be read.
 * Free with tg_agenda_rules_free (NULL is a no-op). */
int tg_agenda_rules_load(tg_store *st, const char *path, tg_agenda_rules **out, tg_error *err);
void tg_agenda_rules_free(tg_agenda_rules *r);

enum tg_agenda_kind { TG_AGENDA_HEARING, TG_AGENDA_DEADLINE };
/* A deadline's state: open (still to come, nothing recorded), met (an
 * expected stage recorded after the one that started it), passed (gone by
 * with nothing recorded: a warning). Hearings have none. */
enum tg_agenda_status { TG_AGENDA_NONE, TG_AGENDA_OPEN, TG_AGENDA_MET, TG_AGENDA_PASSED };

typedef struct tg_agenda_party {
	const char *person, *role;
} tg_agenda_party;

/* One hearing or deadline. Strings belong to the agenda; NULL when
 * unknown. */
typedef struct tg_agenda_item {
	char date[16];  /* canonical partial date, "~" when approximate */
	bool whole_day; /* the date names a day: a calendar event */
	int kind;       /* enum tg_agenda_kind */
	int status;     /* enum tg_agenda_status */
	const char *uid;        /* stable: proceeding-kind-date-stage|rule */
	const char *proceeding; /* its id */
	const char *title;      /* title, else case number, else type label */
	const char *case_number, *authority; /* the stage's authority, else the proceeding's */
	const char *field;       /* where the date is: "next_hearing", "stages[3]" */
	const char *stage;       /* hearing: its stage; deadline: the stage it follows */
	const char *stage_label; /* in the agenda's language */
	const char *stage_date;  /* deadline: the date of the stage it follows */
	const char *rule, *label, *basis; /* deadline: the rule's id, label, basis */
	int days;
	size_t nparties;
	const tg_agenda_party *parties;
} tg_agenda_item;

typedef struct tg_agenda_opts {
	const char *from, *to; /* partial dates; NULL: today, and from + 90 days */
	const char *today;     /* "YYYY-MM-DD"; NULL: the clock (TERGEU_NOW) */
	/* Passed deadlines this many days before from are listed too, so a
	 * window starting today still warns of what was just missed. */
	int overdue_days;
	const tg_agenda_rules *rules; /* NULL: the shipped defaults */
	const char *lang;             /* labels: "kk", "ru", "en" (NULL: en) */
	/* Which proceedings may appear: visible(ctx, doc) when set, else
	 * those at or below clearance (enum tg_clearance). */
	bool (*visible)(void *ctx, const json_t *doc);
	void *ctx;
	int clearance;
} tg_agenda_opts;

/* An agenda: read-only for callers. */
typedef struct tg_agenda {
	char from[16], to[16], today[16]; /* the window as used */
	size_t n;
	tg_agenda_item *items; /* passed deadlines first, then by date */
	tg_arena *arena;
} tg_agenda;

/* The hearings (next_hearing, and dated stages the rules call hearings)
 * and the deadlines of every live proceeding the options allow, whose
 * dates may fall between from and to (a partial date covers its whole
 * month or year). EDATE naming "from" or "to" for a bad date, EINVAL for
 * to before from. Free with tg_agenda_free (NULL is a no-op). */
int tg_agenda_build(tg_store *st, const tg_agenda_opts *o, tg_agenda **out, tg_error *err);
void tg_agenda_free(tg_agenda *a);
/* Stable English names: "hearing", "deadline"; "open", "met", "passed"
 * (NULL for TG_AGENDA_NONE). */
const char *tg_agenda_kind_name(int kind);
const char *tg_agenda_status_name(int status);
/* The same in the thread's language ("" for TG_AGENDA_NONE). */
const char *tg_agenda_kind_label(int kind);
const char *tg_agenda_status_label(int status);
/* An item as JSON (its fields by the names above). New reference. */
json_t *tg_agenda_item_json(const tg_agenda_item *it);

/* Appends the items of a that name a day to out as an iCalendar object
 * (RFC 5545): one all-day VEVENT each, DTSTAMP the clock's UTC time, text
 * escaped, lines folded at 75 octets on UTF-8 boundaries, CRLF ends.
 * Words are in the thread's language; returns the events written. */
size_t tg_io_agenda_ics(const tg_agenda *a, tg_strbuf *out);


/* ---- the report (report.c) ---- */
typedef struct tg_report_opts {
	const char *lang;       /* kk, ru, en */
	int clearance;          /* records counted (enum tg_clearance) */
	bool public_only;       /* public records only, small cells suppressed */
	int min_cell;           /* with public_only: counts below it hidden (0: 5) */
	const char *checkpoint; /* the signed note the figures are taken at, or NULL */
} tg_report_opts;
/* The report as one self-contained HTML document (*html, caller frees)
 * and its figures (*data, new reference): documented victims by region,
 * month and kind of act, the documented and estimated totals when the
 * lists may be shown, proceedings by the stage they reached, the
 * accountability funnel and asymmetry, the methods and their limits, and
 * how to reproduce them. */
int tg_io_report(tg_store *st, const tg_report_opts *o, char **html, json_t **data,
                 tg_error *err);

/* ---- public data (public.c, public-files.c, public-tables.c, jpeg.c) ---- */
typedef struct tg_public_opts {
	const char *format;    /* "csv" or "json" */
	const char *out;       /* a directory: must not exist, or be empty */
	const char *vault_dir; /* the evidence vault (DB-vault); NULL: no images */
	const char *actor;     /* named in the custody entries (NULL: "cli") */
	int min_cell;          /* counts under it are suppressed; 0: 5 */
} tg_public_opts;
typedef struct tg_public_report {
	long long records;    /* public records written */
	long long files;      /* files listed in the manifest (it not counted) */
	long long images;     /* JPEGs written without their metadata */
	long long left_out;   /* public evidence whose file was not written */
	long long suppressed; /* table cells shown as "<N" */
	char id[TG_UUID_LEN]; /* the export's change entry ("public_export") */
	char manifest_sha256[65];
} tg_public_report;
/*
 * Writes the public records of the database into out, and nothing else
 * (docs/io.md lists the fields): their ids, and their references to other
 * public records, as pseudonyms (tg_pseudonym); references to records that
 * are not public left out; count tables of victims with cells under
 * min_cell suppressed (tg_io_suppress_row); public JPEG evidence copied
 * without its metadata (tg_jpeg_strip), each copy a custody entry
 * "redacted_derivative" on its original; manifest.json with every file's
 * SHA-256 and a checkpoint of the ledger signed first. The export's change
 * entry holds the manifest's SHA-256. All or nothing: on any error out is
 * not made and no entry is written (the checkpoint may be). Errors name
 * the option: EINVAL (--format, --min-cell), EUSAGE (no --out), EEXIST
 * (--out is not empty); EINTEGRITY for an original that no longer has its
 * intake hash; EIO, EDB.
 */
int tg_io_export_public(tg_store *st, const tg_public_opts *o, tg_public_report *rep,
                        tg_error *err);
/* The rule of a table row: hide[i] for each cell 0 < cells[i] < min_cell
 * and *hide_total for a total under it; then, if exactly one cell is
 * hidden and the total shown, the smallest shown cell too (the first of
 * equals), or the total when no cell is left. Returns the number hidden. */
int tg_io_suppress_row(const long long *cells, size_t n, long long total, int min_cell,
                       bool *hide, bool *hide_total);
/* The count tables of public acts and victims, suppressed: a JSON array
 * of {"name", "columns", "rows": [{"key", "cells": [[value, n]...],
 * "total"}]}, a hidden count as the string "<min_cell". A place name not
 * in places (an object keyed by the names of public places) is unknown
 * (null). *hidden counts the hidden cells. New reference in *out. */
int tg_io_public_tables(tg_store *st, const json_t *places, int min_cell, json_t **out,
                        long long *hidden, tg_error *err);
/* A copy of the JPEG in[0..n) without its metadata: every APPn but APP0
 * (JFIF), APP14 (Adobe) and an APP2 ICC profile, COM, and anything after
 * EOI, dropped; every other byte kept (jpeg.c). *out: caller frees.
 * EINVAL when the segments cannot be followed to EOI. */
int tg_jpeg_strip(const uint8_t *in, size_t n, uint8_t **out, size_t *outlen, tg_error *err);

/* ---- the evidence vault against the records (orphans.c) ---- */

/* How long a file of the vault is left alone after it was last written,
 * by default: seconds. */
#define TG_ORPHAN_GRACE 3600

/* A file of the vault that no evidence record names: a blob an intake
 * sealed but did not record (it was killed in between), or an unfinished
 * intake's temporary file. */
typedef struct tg_orphan {
	const tg_vault_file *file;
	int64_t age; /* seconds since it was last written */
	bool young;  /* changed within the grace period: left alone */
} tg_orphan;

typedef struct tg_orphan_report {
	long files;              /* blobs and temporary files in the vault */
	long orphans;            /* of those, the ones no evidence names */
	long temps;              /* of the orphans, temporary files */
	long young;              /* of the orphans, changed within the grace period */
	uint64_t bytes;          /* the size of those older than the grace period */
	long removed;            /* by tg_io_vault_gc */
	uint64_t removed_bytes;
	char entry[TG_UUID_LEN]; /* the removal's ledger entry ("vault_gc"), "" if none */
} tg_orphan_report;

/* Finds the orphans of vault v: cb (may be NULL) is called with each (it
 * returns 0 to go on), *rep gets the counts. Reads only; an intake in
 * flight in another process shows as a young orphan. */
int tg_io_vault_orphans(tg_store *st, tg_vault *v, int64_t grace,
                        int (*cb)(void *ctx, const tg_orphan *o), void *ctx,
                        tg_orphan_report *rep, tg_error *err);

/* As tg_io_vault_orphans, then removes (shreds) the orphans older than
 * grace seconds, after a ledger entry "vault_gc" that names each (name,
 * kind "blob" or "temp", size). First takes the vault exclusively
 * (TG_EIO while another process has it open: an intake, an export, a
 * verification) and verifies the ledger (its error, with nothing removed:
 * a database that lost records would make their blobs look unnamed).
 * A blob any evidence record names, live or deleted, now or in an earlier
 * version, is never removed (tg_evidence_blobs). A file that cannot be
 * removed does not stop the others; the first such error is returned. */
int tg_io_vault_gc(tg_store *st, tg_vault *v, int64_t grace,
                   int (*cb)(void *ctx, const tg_orphan *o), void *ctx, tg_orphan_report *rep,
                   tg_error *err);

#endif
