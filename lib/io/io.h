/*
 * io — moving records in and out: the JSON export of a whole database and
 * its import.  Export → import into a new database → export gives
 * byte-identical output.
 */
#ifndef TG_IO_H
#define TG_IO_H

#include <stdio.h>

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

/*
 * Imports a file written by tg_io_export_json through the normal write
 * path, in one transaction: on any error nothing is imported and err names
 * the file and the JSON path ("records[12].names[0].role") or line.
 * Records keep their ids; an id already in the database is an error.
 */
int tg_io_import_json(tg_store *st, const char *path, tg_progress_fn progress, void *ctx,
                      tg_error *err);

#endif
