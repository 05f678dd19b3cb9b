/*
 * tg_gen_lists: the source lists as CSV files, streamed person by person:
 * RFC 4180 quoting (a field with a comma, quote or line break is quoted,
 * quotes doubled), a header row, UTF-8 without a BOM; rows end in LF.
 * Beside them, truth.csv maps each list entry to the person it records and
 * population.csv holds every person of the population, listed or not, so
 * that linkage and estimates of the total can be scored.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "gen/population.h"
#include "io/io.h"

typedef struct out_file {
	FILE *f;
	char path[4096];
} out_file;

static int out_open(out_file *o, const char *dir, const char *name, tg_error *err)
{
	if ((size_t)snprintf(o->path, sizeof o->path, "%s/%s", dir, name) >= sizeof o->path)
		return tg_error_set(err, TG_EIO, dir, _("directory path is too long"));
	o->f = fopen(o->path, "w");
	if (!o->f)
		return tg_error_set(err, TG_EIO, o->path, _("cannot write: %s"), strerror(errno));
	setvbuf(o->f, NULL, _IOFBF, 1 << 20);
	return 0;
}

/* Closes o; rc is the result so far, kept if it is already an error. */
static int out_close(out_file *o, int rc, tg_error *err)
{
	if (!o->f)
		return rc;
	bool bad = ferror(o->f) != 0;
	bad = fclose(o->f) != 0 || bad;
	o->f = NULL;
	if (bad && !rc)
		rc = tg_error_set(err, TG_EIO, o->path, _("write failed: %s"), strerror(errno));
	return rc;
}

typedef struct list_writer {
	out_file list, *truth;
	const gen_list_info *info;
} list_writer;

static int write_entry(void *ctx, const gen_record *r)
{
	list_writer *w = ctx;
	for (int c = 0; c < w->info->ncolumns; c++)
		tg_csv_write_field(w->list.f, tg_strbuf_str(&r->col[c]), c == w->info->ncolumns - 1);
	fprintf(w->truth->f, "%s,%u,%u\n", w->info->name, r->no, r->person->index + 1);
	return ferror(w->list.f) || ferror(w->truth->f) ? TG_EIO : 0;
}

/* The mapping of each list's columns to the standard fields, for
 * tergeu import --map: written as map-<name>.json beside the list. */
static const char *const mappings[GEN_NLISTS] = {
	"\"id\": \"id\", \"full_name\": \"full_name\", \"birth_date\": \"birth_date\","
	" \"sex\": \"sex\", \"iin\": \"iin\", \"place\": \"place\","
	" \"death_date\": \"death_date\"",
	"\"id\": \"id\", \"family\": \"family\", \"given\": \"given\","
	" \"patronymic\": \"patronymic\", \"birth_date\": \"birth_date\", \"age\": \"age\","
	" \"sex\": \"sex\", \"place\": \"place\", \"event_date\": \"date\", \"fate\": \"violation\","
	" \"note\": \"note\"",
	"\"id\": \"id\", \"full_name\": \"name\", \"birth_date\": \"birth_year\","
	" \"sex\": \"sex\", \"place\": \"city\", \"event_date\": \"detained\"",
	"\"id\": \"id\", \"full_name\": \"name\", \"age\": \"age\", \"place\": \"city\","
	" \"event_date\": \"date\", \"fate\": \"summary\"",
};

static int write_mapping(int list, const char *dir, tg_error *err)
{
	char name[64];
	out_file map = {0};
	snprintf(name, sizeof name, "map-%s.json", gen_lists[list].name);
	int rc = out_open(&map, dir, name, err);
	if (rc)
		return rc;
	fprintf(map.f, "{%s, \"list_type\": \"%s\"}\n", mappings[list], gen_lists[list].source_type);
	return out_close(&map, 0, err);
}

static int write_list(const gen_pools *p, const tg_gen_opts *o, int list, const char *dir,
                      out_file *truth, tg_progress_fn progress, void *ctx, tg_error *err)
{
	list_writer w = {.truth = truth, .info = &gen_lists[list]};
	char name[64];
	snprintf(name, sizeof name, "list-%s.csv", w.info->name);
	int rc = out_open(&w.list, dir, name, err);
	if (rc)
		return rc;
	for (int c = 0; c < w.info->ncolumns; c++)
		tg_csv_write_field(w.list.f, w.info->columns[c], c == w.info->ncolumns - 1);
	rc = gen_list_walk(p, o, list, write_entry, &w, progress, ctx);
	if (rc)
		rc = tg_error_set(err, rc, w.list.path, _("write failed: %s"), strerror(errno));
	return out_close(&w.list, rc, err);
}

static void write_person(FILE *f, const gen_pools *p, const gen_person *w, tg_strbuf *sb)
{
	tg_strbuf_reset(sb);
	tg_strbuf_adds(sb, gen_given(p, w));
	tg_strbuf_addc(sb, ' ');
	gen_patronymic(p, w, sb);
	tg_strbuf_addc(sb, ' ');
	tg_strbuf_adds(sb, gen_family(p, w));
	fprintf(f, "%u,%s,%s,%d-%02d-%02d,%s,%s,%s,2022-%02d-%02d,%d,%d,", w->index + 1,
	        tg_strbuf_str(sb), w->female ? "female" : "male", w->by, w->bm, w->bd,
	        w->kazakh ? "kk" : "ru", p->cities[gen_act_city(w)].code, gen_fate_codes[w->fate],
	        w->month, w->day, w->tortured, w->ill_treated);
	for (int m = 0, first = 1; m < GEN_NMETHODS; m++)
		if (w->methods & (1u << m)) {
			fprintf(f, "%s%s", first ? "" : ";", gen_method_codes[m]);
			first = 0;
		}
	fprintf(f, ",%d\n", w->posthumous);
}

static int write_population(const gen_pools *p, const tg_gen_opts *o, const char *dir,
                            tg_progress_fn progress, void *ctx, tg_error *err)
{
	out_file pop = {0};
	int rc = out_open(&pop, dir, "population.csv", err);
	if (rc)
		return rc;
	fputs("person_id,name,sex,birth_date,origin,place,fate,date,tortured,ill_treated,"
	      "methods,posthumous\n", pop.f);
	tg_strbuf sb = TG_STRBUF_INIT;
	gen_person w;
	for (uint32_t i = 0; i < (uint32_t)o->size; i++) {
		if (progress && (i & 0xFFFF) == 0)
			progress(ctx, "population", i, (uint64_t)o->size);
		gen_person_make(p, o->seed, i, &w);
		write_person(pop.f, p, &w, &sb);
	}
	tg_strbuf_release(&sb);
	return out_close(&pop, 0, err);
}

int tg_gen_lists(const tg_gen_opts *opts, const char *dir, tg_progress_fn progress, void *ctx,
                 tg_error *err)
{
	tg_gen_opts o;
	int rc = gen_opts_resolve(opts, &o, err);
	if (rc)
		return rc;
	if (mkdir(dir, 0777) != 0 && errno != EEXIST)
		return tg_error_set(err, TG_EIO, dir, _("cannot create directory: %s"), strerror(errno));
	gen_pools *p;
	if ((rc = gen_pools_load(&p, err)))
		return rc;
	out_file truth = {0};
	if (!(rc = out_open(&truth, dir, "truth.csv", err))) {
		fputs("list,record_id,person_id\n", truth.f);
		for (int l = 0; l < o.nlists && !rc; l++)
			if (!(rc = write_list(p, &o, l, dir, &truth, progress, ctx, err)))
				rc = write_mapping(l, dir, err);
		rc = out_close(&truth, rc, err);
	}
	if (!rc)
		rc = write_population(p, &o, dir, progress, ctx, err);
	gen_pools_free(p);
	return rc;
}
