/*
 * gen — demo and test data: the founding case (Nursultan Isayev, as told
 * by Human Rights Watch, 29 January 2024) entered in full, and a seeded
 * synthetic population shaped like the January 2022 events in Kazakhstan,
 * with 3–4 overlapping source lists that spell the same people differently
 * and keep the true identity of every list entry so that linkage and
 * estimation can be scored.  Deterministic per seed.
 */
#ifndef TG_GEN_H
#define TG_GEN_H

#include <stdint.h>

#include "store/store.h"
#include "util/util.h"

typedef struct tg_gen_opts {
	uint64_t seed; /* default 1 */
	int size;      /* distinct victims in the population; default 2000 */
	int nlists;    /* source lists, 3 or 4; default 4 */
} tg_gen_opts;

/* Fills st (an empty, open store) with the places of data/places.json,
 * the founding case and the synthetic population, in one batch: on error
 * nothing is written. */
int tg_gen_demo(tg_store *st, const tg_gen_opts *o, tg_progress_fn progress, void *ctx,
                tg_error *err);

/* Enters only the founding case (its places must exist). */
int tg_gen_founding(tg_store *st, tg_error *err);

/* Writes the source lists as CSV files list-<name>.csv into dir (created
 * if missing), the mapping of each for tergeu import (map-<name>.json),
 * truth.csv (list,record_id,person_id) and population.csv, without a
 * database. The same seed and size give the same files byte for byte. */
int tg_gen_lists(const tg_gen_opts *o, const char *dir, tg_progress_fn progress, void *ctx,
                 tg_error *err);

/* Writes the source lists into dir (as tg_gen_lists) and imports each as
 * raw records of a list named government, ngo-a, ngo-b or media (as
 * tergeu import --list does), ready for linkage. */
int tg_gen_import_lists(tg_store *st, const tg_gen_opts *o, const char *dir,
                        tg_progress_fn progress, void *ctx, tg_error *err);

#endif
