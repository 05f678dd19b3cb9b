/*
 * JSON in: the input is imported as an export file into an in-memory
 * store (in a batch rolled back after each input), and validated as a
 * record of every entity.  A record that validates validates again to the
 * same canonical form.
 */
#include <assert.h>

#include "fuzz.h"
#include "io/io.h"
#include "model/model.h"

static tg_store *st;

/* Records the lookup knows: one of each entity referred to most. */
static const struct {
	const char *uid, *entity;
} known[] = {
	{"01890000-0000-7000-8000-000000000001", "person"},
	{"01890000-0000-7000-8000-000000000002", "event"},
	{"01890000-0000-7000-8000-000000000003", "place"},
	{"01890000-0000-7000-8000-000000000004", "source"},
	{"01890000-0000-7000-8000-000000000005", "act"},
};
static const char *const self = "01890000-0000-7000-8000-0000000000ff";

static bool term_exists(void *ctx, const char *vocab, const char *code)
{
	return tg_term_exists(st, vocab, code);
}

static int ref_entity(void *ctx, const char *uid, const char **entity, tg_error *err)
{
	for (size_t i = 0; i < sizeof known / sizeof known[0]; i++) {
		if (!strcmp(uid, known[i].uid)) {
			*entity = known[i].entity;
			return TG_OK;
		}
	}
	*entity = NULL;
	return TG_ENOTFOUND;
}

static int place_by_code(void *ctx, const char *code, const char **uid, tg_error *err)
{
	*uid = !strcmp(code, "kz-almaty") ? known[2].uid : NULL;
	return *uid ? TG_OK : TG_ENOTFOUND;
}

static int parent_of(void *ctx, const char *entity, const char *uid, const char **parent,
                     tg_error *err)
{
	*parent = NULL;
	return TG_OK;
}

static const tg_lookup lookup = {NULL, term_exists, ref_entity, place_by_code, parent_of};

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	st = fuzz_store();
	return 0;
}

static void normalize_all(const json_t *doc)
{
	int n;
	const tg_entity *const *ents = tg_model_entities(&n);
	for (int i = 0; i < n; i++) {
		json_t *out = NULL, *again = NULL;
		tg_error err;
		if (tg_model_normalize(ents[i], doc, self, &lookup, &out, &err)) {
			assert(!out && err.code < 0);
			continue;
		}
		int rc = tg_model_normalize(ents[i], out, self, &lookup, &again, &err);
		if (rc)
			fprintf(stderr, "%s: %s (%s)\n", ents[i]->name, err.msg, err.path);
		assert(rc == 0);
		char *a = tg_model_canonical(out), *b = tg_model_canonical(again);
		assert(a && b && !strcmp(a, b));
		free(a);
		free(b);
		json_decref(out);
		json_decref(again);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 16384)
		return 0;
	char path[32];
	int fd = fuzz_memfile(data, size, path);
	tg_error err;
	if (tg_store_begin(st, &err))
		abort();
	int rc = tg_io_import_json(st, path, NULL, NULL, &err);
	assert(rc <= 0);
	tg_store_rollback(st);
	close(fd);

	json_error_t jerr;
	json_t *doc = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, &jerr);
	if (doc) {
		normalize_all(doc);
		/* the records of an export, each as it stands */
		json_t *rec;
		size_t i;
		json_array_foreach(json_object_get(doc, "records"), i, rec)
			if (i < 8)
				normalize_all(rec);
		json_decref(doc);
	}
	return 0;
}
