/*
 * The CSV/TSV reader and the victim-list import: the input is read as
 * CSV and as TSV row by row, then imported as a list (TSV when its first
 * line holds a tab) under a fixed mapping into an in-memory store, in a
 * batch rolled back after each input.
 */
#include <assert.h>

#include "fuzz.h"
#include "io/io-int.h"

static tg_store *st;
static char map_path[32];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static const char map[] =
	        "{\"id\":\"id\",\"full_name\":\"name\",\"family\":\"family\",\"given\":\"given\","
	        "\"patronymic\":\"patronymic\",\"birth_date\":\"born\",\"age\":\"age\","
	        "\"sex\":\"sex\",\"iin\":\"iin\",\"place\":\"place\",\"death_date\":\"died\","
	        "\"note\":\"note\",\"list_type\":\"ngo_list\"}";
	st = fuzz_store();
	fuzz_memfile(map, sizeof map - 1, map_path); /* kept open for the run */
	return 0;
}

static void read_rows(const uint8_t *data, size_t size, char sep)
{
	tg_csv c;
	tg_error err;
	tg_csv_init(&c, (const char *)data, size, sep);
	int rc, last_line = 0;
	while ((rc = tg_csv_row(&c, &err)) > 0) {
		assert(c.n >= 1 && c.n <= c.cap);
		assert(c.row_line > last_line && c.line >= c.row_line);
		last_line = c.row_line;
	}
	assert(rc == 0 || err.code < 0);
	tg_csv_free(&c);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	read_rows(data, size, ',');
	read_rows(data, size, '\t');

	const uint8_t *eol = memchr(data, '\n', size);
	bool tsv = memchr(data, '\t', eol ? (size_t)(eol - data) : size) != NULL;
	char path[32];
	int fd = fuzz_memfile(data, size, path);
	tg_list_import o = {.path = path, .list = "fuzz", .map_path = map_path,
	                    .format = tsv ? "tsv" : "csv", .lang = "ru"};
	tg_list_report rep;
	tg_error err;
	if (tg_store_begin(st, &err))
		abort();
	int rc = tg_io_import_list(st, &o, &rep, NULL, NULL, &err);
	assert(rc <= 0);
	tg_store_rollback(st);
	close(fd);
	return 0;
}
