/*
 * The synthetic lists as a documenter would bring them in: written as CSV
 * with their mappings, then imported as raw records, each under its short
 * name (government, ngo-a, ngo-b, media) in its language.
 */
#include <stdio.h>

#include "gen/population.h"
#include "io/io.h"

int tg_gen_import_lists(tg_store *st, const tg_gen_opts *opts, const char *dir,
                        tg_progress_fn progress, void *ctx, tg_error *err)
{
	tg_gen_opts o;
	int rc = gen_opts_resolve(opts, &o, err);
	if (!rc)
		rc = tg_gen_lists(&o, dir, progress, ctx, err);
	for (int l = 0; l < o.nlists && !rc; l++) {
		char list[4096], map[4096];
		snprintf(list, sizeof list, "%s/list-%s.csv", dir, gen_lists[l].name);
		snprintf(map, sizeof map, "%s/map-%s.json", dir, gen_lists[l].name);
		tg_list_import in = {list, gen_lists[l].name, map, "csv", gen_lists[l].language};
		tg_list_report rep;
		rc = tg_io_import_list(st, &in, &rep, progress, ctx, err);
	}
	return rc;
}
