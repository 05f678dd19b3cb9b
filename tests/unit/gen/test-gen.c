/* The generator: deterministic lists with a complete truth table, shaped
 * like the January 2022 events, and a demo database built from them. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gen/gen.h"
#include "util/data.h"

static const char *const files[] = {"list-government.csv", "list-ngo-a.csv", "list-ngo-b.csv",
                                    "list-media.csv", "truth.csv", "population.csv"};
enum { NFILES = sizeof files / sizeof files[0] };

/* ---- fixtures ---- */

static char *make_lists(uint64_t seed, int size, int nlists)
{
	char *dir = strdup("/tmp/tg-gen-XXXXXX");
	assert_non_null(mkdtemp(dir));
	tg_gen_opts o = {.seed = seed, .size = size, .nlists = nlists};
	tg_error err = {0};
	int rc = tg_gen_lists(&o, dir, NULL, NULL, &err);
	if (rc)
		fail_msg("tg_gen_lists: %s: %s", err.path, err.msg);
	return dir;
}

static void remove_lists(char *dir)
{
	char path[512];
	for (int i = 0; i < NFILES; i++) {
		snprintf(path, sizeof path, "%s/%s", dir, files[i]);
		unlink(path);
	}
	rmdir(dir);
	free(dir);
}

static char *slurp(const char *dir, const char *name, size_t *len)
{
	char path[512], *text;
	size_t n;
	tg_error err = {0};
	snprintf(path, sizeof path, "%s/%s", dir, name);
	if (tg_read_file(path, &text, &n, &err))
		return NULL;
	if (len)
		*len = n;
	return text;
}

/* A parsed CSV file: rows of fields, RFC 4180 quoting. */
typedef struct csv {
	char ***rows;
	int *nfields;
	int nrows;
} csv;

static csv parse_csv(char *text)
{
	csv c = {0};
	int cap = 0;
	char *p = text;
	while (*p) {
		if (c.nrows == cap) {
			cap = cap ? 2 * cap : 256;
			c.rows = realloc(c.rows, (size_t)cap * sizeof *c.rows);
			c.nfields = realloc(c.nfields, (size_t)cap * sizeof *c.nfields);
		}
		char **fields = calloc(64, sizeof *fields);
		int nf = 0;
		for (;;) {
			char *out = p, *start = p;
			if (*p == '"') {
				for (p++; *p && !(*p == '"' && p[1] != '"'); p++) {
					if (*p == '"')
						p++;
					*out++ = *p;
				}
				p++;
			} else {
				while (*p && *p != ',' && *p != '\n')
					*out++ = *p++;
			}
			char end = *p;
			*out = '\0';
			fields[nf++] = start;
			if (end)
				p++;
			if (end != ',')
				break;
		}
		c.rows[c.nrows] = fields;
		c.nfields[c.nrows++] = nf;
	}
	return c;
}

static void free_csv(csv *c)
{
	for (int i = 0; i < c->nrows; i++)
		free(c->rows[i]);
	free(c->rows);
	free(c->nfields);
}

static int column(const csv *c, const char *name)
{
	for (int i = 0; i < c->nfields[0]; i++)
		if (!strcmp(c->rows[0][i], name))
			return i;
	fail_msg("no column %s", name);
	return -1;
}

/* ---- lists ---- */

static void test_same_seed_writes_identical_files(void **state)
{
	(void)state;
	char *a = make_lists(5, 3000, 4), *b = make_lists(5, 3000, 4);
	for (int i = 0; i < NFILES; i++) {
		size_t na, nb;
		char *ta = slurp(a, files[i], &na), *tb = slurp(b, files[i], &nb);
		assert_non_null(ta);
		assert_non_null(tb);
		assert_int_equal(na, nb);
		assert_memory_equal(ta, tb, na);
		free(ta);
		free(tb);
	}
	remove_lists(a);
	remove_lists(b);
}

static void test_different_seed_writes_different_lists(void **state)
{
	(void)state;
	char *a = make_lists(5, 1000, 4), *b = make_lists(6, 1000, 4);
	size_t na, nb;
	char *ta = slurp(a, "list-ngo-b.csv", &na), *tb = slurp(b, "list-ngo-b.csv", &nb);
	assert_true(na != nb || memcmp(ta, tb, na) != 0);
	free(ta);
	free(tb);
	remove_lists(a);
	remove_lists(b);
}

static void test_truth_covers_every_record_once(void **state)
{
	(void)state;
	char *dir = make_lists(2, 4000, 4);
	char *tt = slurp(dir, "truth.csv", NULL);
	csv truth = parse_csv(tt);
	assert_string_equal(truth.rows[0][0], "list");
	for (int l = 0; l < 4; l++) {
		const char *name = files[l] + 5; /* after "list-" */
		size_t nlen = strlen(name) - 4;  /* without ".csv" */
		char *lt = slurp(dir, files[l], NULL);
		csv list = parse_csv(lt);
		int nrec = list.nrows - 1;
		assert_true(nrec > 0);
		char *hits = calloc((size_t)nrec + 1, 1);
		for (int i = 1; i < truth.nrows; i++) {
			if (strncmp(truth.rows[i][0], name, nlen) || truth.rows[i][0][nlen])
				continue;
			int id = atoi(truth.rows[i][1]);
			assert_in_range(id, 1, nrec);
			assert_int_equal(hits[id], 0);
			hits[id] = 1;
			assert_true(atoi(truth.rows[i][2]) >= 1);
		}
		for (int r = 1; r <= nrec; r++) {
			assert_int_equal(hits[r], 1);
			assert_int_equal(list.nfields[r], list.nfields[0]);
			assert_int_equal(atoi(list.rows[r][0]), r);
		}
		free(hits);
		free_csv(&list);
		free(lt);
	}
	free_csv(&truth);
	free(tt);
	remove_lists(dir);
}

static void test_lists_overlap(void **state)
{
	(void)state;
	char *dir = make_lists(3, 3000, 4);
	char *tt = slurp(dir, "truth.csv", NULL);
	csv truth = parse_csv(tt);
	unsigned char *in = calloc(3001, 1);
	for (int i = 1; i < truth.nrows; i++) {
		int l = truth.rows[i][0][0] == 'g' ? 0 : truth.rows[i][0][0] == 'm' ? 3
		      : truth.rows[i][0][4] == 'a' ? 1 : 2;
		in[atoi(truth.rows[i][2])] |= (unsigned char)(1u << l);
	}
	int gov_ngo_a = 0, ngo_a_b = 0, three = 0;
	for (int p = 1; p <= 3000; p++) {
		gov_ngo_a += (in[p] & 3) == 3;
		ngo_a_b += (in[p] & 6) == 6;
		three += __builtin_popcount(in[p]) >= 3;
	}
	assert_true(gov_ngo_a > 20);
	assert_true(ngo_a_b > 10);
	assert_true(three > 5);
	free(in);
	free_csv(&truth);
	free(tt);
	remove_lists(dir);
}

static void test_iins_validate_except_planted_typos(void **state)
{
	(void)state;
	char *dir = make_lists(4, 20000, 3);
	char *text = slurp(dir, "list-government.csv", NULL);
	csv gov = parse_csv(text);
	int ci = column(&gov, "iin"), cs = column(&gov, "sex");
	int n = 0, invalid = 0;
	for (int r = 1; r < gov.nrows; r++) {
		const char *iin = gov.rows[r][ci], *sex = gov.rows[r][cs];
		if (!*iin)
			continue;
		n++;
		assert_int_equal(strlen(iin), 12);
		if (!tg_iin_valid(iin)) {
			invalid++;
			continue;
		}
		if (*sex) /* odd century digit for men */
			assert_int_equal((iin[6] - '0') % 2, strcmp(sex, "М") == 0);
	}
	/* IINs on about 70% of the killed; about 1% carry a typo. */
	assert_true(n > (gov.nrows - 1) / 2);
	assert_true(invalid <= n / 40);
	free_csv(&gov);
	free(text);
	remove_lists(dir);
}

static void test_iin_check_digit_rules(void **state)
{
	(void)state;
	assert_true(tg_iin_valid("900101300126"));
	assert_false(tg_iin_valid("900101300127"));
	/* First pass gives 10: the second weights decide. */
	assert_true(tg_iin_valid("900101300811"));
	/* Both passes give 10: never issued. */
	for (char c = '0'; c <= '9'; c++) {
		char iin[13] = "90010130080";
		iin[11] = c;
		assert_false(tg_iin_valid(iin));
	}
	assert_false(tg_iin_valid("90010130012"));
	assert_false(tg_iin_valid("9001013001a6"));
}

static void test_population_is_shaped_like_january_2022(void **state)
{
	(void)state;
	char *dir = make_lists(1, 20000, 4);
	char *text = slurp(dir, "population.csv", NULL);
	csv pop = parse_csv(text);
	int cf = column(&pop, "fate"), cs = column(&pop, "sex"), ct = column(&pop, "tortured");
	int n = pop.nrows - 1, killed = 0, male = 0, detained = 0, tortured = 0, custody = 0;
	for (int r = 1; r <= n; r++) {
		const char *fate = pop.rows[r][cf];
		killed += !strcmp(fate, "killed");
		custody += !strcmp(fate, "died_in_custody");
		male += !strcmp(pop.rows[r][cs], "male");
		if (!strcmp(fate, "detained")) {
			detained++;
			tortured += pop.rows[r][ct][0] == '1';
		}
	}
	assert_int_equal(n, 20000);
	assert_in_range(killed * 100 / n, 8, 16);
	assert_in_range(custody * 1000 / n, 2, 7);
	assert_in_range(male * 100 / n, 80, 92);
	assert_in_range(tortured * 100 / detained, 17, 28);
	free_csv(&pop);
	free(text);
	remove_lists(dir);
}

static void test_three_lists_leave_out_media(void **state)
{
	(void)state;
	char *dir = make_lists(1, 500, 3);
	char *t = slurp(dir, "list-media.csv", NULL);
	assert_null(t);
	t = slurp(dir, "list-ngo-b.csv", NULL);
	assert_non_null(t);
	free(t);
	remove_lists(dir);
}

static void test_bad_options_are_refused(void **state)
{
	(void)state;
	tg_error err = {0};
	tg_gen_opts o = {.seed = 1, .size = 10, .nlists = 5};
	assert_int_equal(tg_gen_lists(&o, "/tmp", NULL, NULL, &err), TG_EINVAL);
	assert_string_equal(err.path, "nlists");
	o = (tg_gen_opts){.seed = 1, .size = -3};
	assert_int_equal(tg_gen_lists(&o, "/tmp", NULL, NULL, &err), TG_EINVAL);
	o = (tg_gen_opts){.seed = 1, .size = 10};
	assert_int_equal(tg_gen_lists(&o, "/nonexistent/dir/lists", NULL, NULL, &err), TG_EIO);
}

/* ---- database ---- */

static tg_store *open_memory(void)
{
	tg_store *st;
	tg_error err = {0};
	if (tg_store_open(":memory:", TG_OPEN_CREATE, &st, &err))
		fail_msg("open: %s", err.msg);
	return st;
}

static json_int_t count(const json_t *summary, const char *group, const char *key)
{
	return json_integer_value(json_object_get(json_object_get(summary, group), key));
}

static void progress_counter(void *ctx, const char *what, uint64_t done, uint64_t total)
{
	(void)what;
	assert_true(done <= total);
	(*(int *)ctx)++;
}

static void test_demo_fills_the_store(void **state)
{
	(void)state;
	tg_store *st = open_memory();
	tg_error err = {0};
	tg_gen_opts o = {.seed = 2, .size = 200, .nlists = 4};
	int calls = 0;
	if (tg_gen_demo(st, &o, progress_counter, &calls, &err))
		fail_msg("demo: %s: %s", err.path, err.msg);
	assert_true(calls > 0);
	json_t *sum;
	assert_int_equal(tg_store_summary(st, &sum, &err), 0);
	json_error_t je;
	json_t *places = json_loads(tg_data_places_json, 0, &je);
	assert_int_equal(count(sum, "records", "place"),
	                 json_array_size(json_object_get(places, "places")));
	json_decref(places);
	assert_int_equal(count(sum, "records", "source"), 1 + 4);
	assert_true(count(sum, "records", "person") > 200);
	assert_true(count(sum, "records", "information") > 50);
	assert_true(count(sum, "records", "proceeding") > 100);
	assert_in_range(count(sum, "acts", "killing"), 10, 40);
	assert_int_equal(count(sum, "acts", "torture") > 20, 1);
	json_decref(sum);
	tg_store_close(st);
}

static int append_canonical(void *ctx, const json_t *doc)
{
	char *s = tg_model_canonical(doc);
	tg_strbuf_adds(ctx, s);
	tg_strbuf_addc(ctx, '\n');
	free(s);
	return 0;
}

static char *demo_content(uint64_t seed)
{
	tg_store *st = open_memory();
	tg_error err = {0};
	tg_gen_opts o = {.seed = seed, .size = 60};
	if (tg_gen_demo(st, &o, NULL, NULL, &err))
		fail_msg("demo: %s", err.msg);
	tg_strbuf sb = TG_STRBUF_INIT;
	tg_filter f = {0};
	assert_int_equal(tg_record_list(st, &f, append_canonical, &sb, &err), 0);
	tg_store_close(st);
	return tg_strbuf_detach(&sb);
}

static void test_demo_with_same_seed_has_same_content(void **state)
{
	(void)state;
	char *a = demo_content(9), *b = demo_content(9), *c = demo_content(10);
	assert_string_equal(a, b);
	assert_string_not_equal(a, c);
	free(a);
	free(b);
	free(c);
}

static void test_founding_case_enters_in_full(void **state)
{
	(void)state;
	tg_store *st = open_memory();
	tg_error err = {0};
	static const char *const places[][3] = {
		{"kz", NULL, "Kazakhstan"},
		{"kz-aktobe-region", "kz", "Aktobe Region"},
		{"kz-aktobe", "kz-aktobe-region", "Aktobe"},
	};
	for (int i = 0; i < 3; i++) {
		json_t *doc = json_pack("{s:s, s:s, s:s*}", "code", places[i][0], "name", places[i][2],
		                        "parent", places[i][1]);
		assert_int_equal(tg_record_create(st, "place", doc, NULL, &err), 0);
		json_decref(doc);
	}
	if (tg_gen_founding(st, &err))
		fail_msg("founding: %s: %s", err.path, err.msg);
	json_t *sum;
	assert_int_equal(tg_store_summary(st, &sum, &err), 0);
	assert_int_equal(count(sum, "records", "person"), 2); /* Isayev and the police */
	assert_int_equal(count(sum, "records", "proceeding"), 2);
	assert_int_equal(count(sum, "records", "event"), 2);
	assert_int_equal(count(sum, "records", "involvement"), 1);
	assert_int_equal(count(sum, "records", "information"), 5);
	assert_int_equal(count(sum, "acts", "torture"), 1);
	json_decref(sum);
	tg_store_close(st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_same_seed_writes_identical_files),
		cmocka_unit_test(test_different_seed_writes_different_lists),
		cmocka_unit_test(test_truth_covers_every_record_once),
		cmocka_unit_test(test_lists_overlap),
		cmocka_unit_test(test_iins_validate_except_planted_typos),
		cmocka_unit_test(test_iin_check_digit_rules),
		cmocka_unit_test(test_population_is_shaped_like_january_2022),
		cmocka_unit_test(test_three_lists_leave_out_media),
		cmocka_unit_test(test_bad_options_are_refused),
		cmocka_unit_test(test_demo_fills_the_store),
		cmocka_unit_test(test_demo_with_same_seed_has_same_content),
		cmocka_unit_test(test_founding_case_enters_in_full),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
