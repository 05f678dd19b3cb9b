/*
 * The persons of the last linkage run as CSV: list,record_id,person_id,
 * one line per raw record.  Written beside the target and renamed into
 * place, so a failure never leaves half a file.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "io/io-int.h"

struct out {
	FILE *f;
	long long rows;
};

static int line(void *ctx, const char *list, const char *rec_id, const char *person)
{
	struct out *o = ctx;
	tg_csv_write_field(o->f, list, false);
	tg_csv_write_field(o->f, rec_id, false);
	tg_csv_write_field(o->f, person, true);
	o->rows++;
	return 0;
}

int tg_io_write_clusters(tg_store *st, const char *path, long long *rows, tg_error *err)
{
	size_t len = strlen(path);
	char *tmp = malloc(len + 16);
	if (!tmp)
		abort();
	snprintf(tmp, len + 16, "%s.tmp%ld", path, (long)getpid());
	struct out o = {fopen(tmp, "w"), 0};
	if (!o.f) {
		int e = errno;
		free(tmp);
		tg_error_set(err, TG_EIO, NULL, "%s: %s", path, strerror(e));
		snprintf(err->file, sizeof err->file, "%s", path);
		return TG_EIO;
	}
	fputs("list,record_id,person_id\n", o.f);
	int rc = tg_linkdb_clusters(st, line, &o, err);
	if (fclose(o.f) && !rc) {
		tg_error_set(err, TG_EIO, NULL, "%s: %s", path, strerror(errno));
		rc = TG_EIO;
	}
	if (!rc && rename(tmp, path)) {
		tg_error_set(err, TG_EIO, NULL, "%s: %s", path, strerror(errno));
		rc = TG_EIO;
	}
	if (rc)
		unlink(tmp);
	free(tmp);
	if (rc)
		snprintf(err->file, sizeof err->file, "%s", path);
	else if (rows)
		*rows = o.rows;
	return rc;
}
