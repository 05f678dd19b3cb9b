/*
 * The search query parser and both search passes over a small in-memory
 * store.  Input: a first byte choosing clearance, entity filter and limit,
 * then lines: the query, from, to, place (missing lines are NULL).
 */
#include <assert.h>

#include "fuzz.h"
#include "store/store.h"

static tg_store *st;

static void create(const char *entity, const char *json)
{
	json_error_t jerr;
	json_t *doc = json_loads(json, 0, &jerr);
	char uid[TG_UUID_LEN];
	tg_error err;
	if (!doc || tg_record_create(st, entity, doc, uid, &err)) {
		fprintf(stderr, "fuzz-search-query: %s: %s\n", json, doc ? err.msg : jerr.text);
		abort();
	}
	json_decref(doc);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	st = fuzz_store();
	create("place", "{\"code\":\"kz-almaty\",\"name\":\"Алматы\",\"name_en\":\"Almaty\"}");
	create("person", "{\"names\":[{\"text\":\"Нұрсұлтан Исаев\"}]}");
	create("person", "{\"names\":[{\"text\":\"Yerlan Sarsenbayev\"}],"
	                 "\"confidentiality\":\"public\"}");
	create("person", "{\"names\":[{\"text\":\"Иванов Иван Иванович\"}],"
	                 "\"confidentiality\":\"confidential\"}");
	create("event", "{\"title\":\"Задержание на площади\",\"start\":\"2022-01-05\","
	                "\"place\":\"kz-almaty\",\"description\":\"Protesters were detained"
	                " and beaten near the square.\"}");
	return 0;
}

static int count(void *ctx, const tg_search_hit *hit)
{
	assert(hit->uid && hit->entity);
	++*(int *)ctx;
	return 0;
}

/* The next line of [*p, end) as a heap string, or NULL past the end. */
static char *line(const char **p, const char *end)
{
	if (*p > end)
		return NULL;
	const char *nl = memchr(*p, '\n', (size_t)(end - *p));
	const char *stop = nl ? nl : end;
	char *s = fuzz_cstr((const uint8_t *)*p, (size_t)(stop - *p));
	*p = nl ? nl + 1 : end + 1;
	return s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1 || size > 1024)
		return 0;
	static const char *const entities[] = {NULL, "person", "event", "place"};
	const char *p = (const char *)data + 1, *end = (const char *)data + size;
	char *query = line(&p, end), *from = line(&p, end), *to = line(&p, end),
	     *place = line(&p, end);
	tg_search_opts o = {.query = query, .from = from, .to = to, .place = place,
	                    .clearance = data[0] % 3, .entity = entities[(data[0] >> 2) % 4],
	                    .limit = (data[0] >> 4) % 4};
	int n = 0;
	tg_error err;
	int rc = tg_search(st, &o, count, &n, &err);
	assert(rc <= 0);
	assert(n <= (o.limit ? o.limit : 20));
	free(query);
	free(from);
	free(to);
	free(place);
	return 0;
}
