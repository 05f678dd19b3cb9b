/*
 * The list-import mapping file: the input is the mapping (JSON naming
 * which column holds each standard field), applied to a small fixed list
 * whose columns are the standard field names, imported into an in-memory
 * store in a batch rolled back after each input.
 */
#include <assert.h>

#include "fuzz.h"
#include "io/io.h"

static tg_store *st;
static char list_path[32];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static const char list[] =
	        "id,full_name,family,given,patronymic,birth_date,age,sex,iin,place,death_date,note\n"
	        "7,Иванов Иван Иванович,Иванов,Иван,Иванович,1980-03-05,44,м,800305300123,"
	        "Алматы,2022-01-05,shot\n"
	        "8,Nursultan Abenov,Abenov,Nursultan,,~1975,,male,,KZ-ALA,2022-01,detained\n";
	st = fuzz_store();
	fuzz_memfile(list, sizeof list - 1, list_path); /* kept open for the run */
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[32];
	int fd = fuzz_memfile(data, size, path);
	tg_list_import o = {.path = list_path, .list = "fuzz", .map_path = path, .format = "csv"};
	tg_list_report rep;
	tg_error err;
	if (tg_store_begin(st, &err))
		abort();
	int rc = tg_io_import_list(st, &o, &rep, NULL, NULL, &err);
	assert(rc <= 0);
	assert(rc < 0 || rep.rows == 2);
	tg_store_rollback(st);
	close(fd);
	return 0;
}
