/* Public data: what may leave, pseudonyms, small-cell suppression and the
 * JPEG metadata filter. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "io/io.h"

static tg_store *open_mem(void)
{
	tg_store *st;
	tg_error err = {0};
	if (tg_store_open(":memory:", TG_OPEN_CREATE, &st, &err))
		fail_msg("open: %s", err.msg);
	return st;
}

static void add(tg_store *st, const char *entity, const char *json, char uid[TG_UUID_LEN])
{
	json_t *doc = json_loads(json, 0, NULL);
	tg_error err = {0};
	if (!doc || tg_record_create(st, entity, doc, uid, &err))
		fail_msg("%s: %s", entity, err.msg);
	json_decref(doc);
}

static int remove_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb, (void)flag, (void)ftw;
	return remove(path);
}

/* Every file of a public export of st, one after the other. */
static char *export_all(tg_store *st, const char *format)
{
	char dir[64];
	snprintf(dir, sizeof dir, "/tmp/tergeu-public-%d", (int)getpid());
	tg_public_opts o = {.format = format, .out = dir};
	tg_public_report rep;
	tg_error err = {0};
	if (tg_io_export_public(st, &o, &rep, &err))
		fail_msg("export: %s", err.msg);
	tg_strbuf all = TG_STRBUF_INIT;
	const char *files[] = {"manifest.json", "records.json", "tables.json", "person.csv",
	                       "person_names.csv", "act.csv", "source.csv", "proceeding_parties.csv",
	                       "victims_by_type_region_month.csv"};
	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
		char path[128], *text;
		size_t len;
		snprintf(path, sizeof path, "%s/%s", dir, files[i]);
		if (!tg_read_file(path, &text, &len, NULL)) {
			tg_strbuf_addf(&all, "== %s\n%s", files[i], text);
			free(text);
		}
	}
	nftw(dir, remove_one, 8, FTW_DEPTH | FTW_PHYS);
	return tg_strbuf_detach(&all);
}

static void test_fields_not_listed_and_records_not_public_never_leave(void **state)
{
	(void)state;
	tg_store *st = open_mem();
	char src[TG_UUID_LEN], pub[TG_UUID_LEN], secret[TG_UUID_LEN], unit[TG_UUID_LEN],
	     json[1024];
	add(st, "source", "{\"type\":\"testimony\",\"title\":\"Statement\",\"author\":\"Leak-author\","
	                  "\"note\":\"Leak-source-note\",\"confidentiality\":\"public\"}", src);
	add(st, "person", "{\"names\":[{\"text\":\"Leak-name\"}],\"birth_date\":\"1980-07-23\","
	                  "\"occupation\":\"Leak-occupation\",\"note\":\"Leak-note\","
	                  "\"confidentiality\":\"public\"}", pub);
	add(st, "person", "{\"names\":[{\"text\":\"Leak-confidential\"}],"
	                  "\"confidentiality\":\"confidential\"}", secret);
	add(st, "person", "{\"type\":\"unit\",\"names\":[{\"text\":\"Aktobe police\"}],"
	                  "\"note\":\"Leak-unit-note\",\"confidentiality\":\"public\"}", unit);
	snprintf(json, sizeof json, "{\"type\":\"torture\",\"victim\":\"%s\",\"start\":\"2022-01-06\","
	         "\"description\":\"Leak-description\",\"physical_consequences\":\"Leak-injury\","
	         "\"confidentiality\":\"public\"}", pub);
	add(st, "act", json, NULL);
	snprintf(json, sizeof json, "{\"type\":\"killing\",\"victim\":\"%s\","
	         "\"status\":\"killed\",\"confidentiality\":\"restricted\"}", pub);
	add(st, "act", json, NULL);
	snprintf(json, sizeof json, "{\"type\":\"complaint\",\"title\":\"Leak-title\","
	         "\"parties\":[{\"person\":\"%s\",\"role\":\"witness\"},{\"person\":\"%s\","
	         "\"role\":\"complainant\"}],\"confidentiality\":\"public\"}", secret, pub);
	add(st, "proceeding", json, NULL);
	const char *formats[] = {"csv", "json"};
	for (int f = 0; f < 2; f++) {
		char *out = export_all(st, formats[f]);
		assert_null(strstr(out, "Leak-"));
		assert_null(strstr(out, "killing"));
		assert_null(strstr(out, "1980-07"));
		assert_null(strstr(out, pub));
		assert_null(strstr(out, secret));
		assert_non_null(strstr(out, "torture"));
		assert_non_null(strstr(out, "2022-01"));
		assert_non_null(strstr(out, "Aktobe police"));
		assert_non_null(strstr(out, "1980"));
		assert_non_null(strstr(out, "complainant"));
		assert_null(strstr(out, "witness"));
		free(out);
	}
	tg_store_close(st);
}

static void test_pseudonyms_are_stable_keyed_and_base32(void **state)
{
	(void)state;
	tg_store *one = open_mem(), *two = open_mem();
	uint8_t k1[TG_PSEUDONYM_KEY_LEN], again[TG_PSEUDONYM_KEY_LEN], k2[TG_PSEUDONYM_KEY_LEN];
	assert_int_equal(tg_store_pseudonym_key(one, k1, NULL), TG_OK);
	assert_int_equal(tg_store_pseudonym_key(one, again, NULL), TG_OK);
	assert_int_equal(tg_store_pseudonym_key(two, k2, NULL), TG_OK);
	assert_memory_equal(k1, again, sizeof k1);
	assert_memory_not_equal(k1, k2, sizeof k1);
	const char *uid = "01890a5d-ac96-774b-bcce-b302099a8057";
	char a[TG_PSEUDONYM_LEN], b[TG_PSEUDONYM_LEN], c[TG_PSEUDONYM_LEN], d[TG_PSEUDONYM_LEN];
	tg_pseudonym(k1, "p", uid, a);
	tg_pseudonym(again, "p", uid, b);
	tg_pseudonym(k2, "p", uid, c);
	tg_pseudonym(k1, "p", "01890a5d-ac96-774b-bcce-b302099a8058", d);
	assert_string_equal(a, b);
	assert_string_not_equal(a, c);
	assert_string_not_equal(a, d);
	assert_int_equal(strlen(a), 18);
	assert_true(a[0] == 'p' && a[1] == '-');
	assert_int_equal(strspn(a + 2, "abcdefghijklmnopqrstuvwxyz234567"), 16);
	/* A known key gives a known pseudonym: the hash is not reseeded. */
	uint8_t zero[TG_PSEUDONYM_KEY_LEN] = {0};
	tg_pseudonym(zero, "ev", uid, a);
	tg_pseudonym(zero, "ev", uid, b);
	assert_string_equal(a, b);
	tg_store_close(one);
	tg_store_close(two);
}

/* Runs the rule on one row and gives it as a string: '.' shown, 'x'
 * hidden, then '|' and the total's mark. */
static const char *suppress(const long long *cells, size_t n, long long total, int min,
                            int want_hidden)
{
	static char out[32];
	bool hide[16], hide_total;
	assert_int_equal(tg_io_suppress_row(cells, n, total, min, hide, &hide_total), want_hidden);
	for (size_t i = 0; i < n; i++)
		out[i] = hide[i] ? 'x' : '.';
	snprintf(out + n, sizeof out - n, "|%c", hide_total ? 'x' : '.');
	return out;
}

static void test_small_cells_hidden_and_one_more_where_the_total_would_tell(void **state)
{
	(void)state;
	assert_string_equal(suppress((long long[]){6, 8}, 2, 14, 5, 0), "..|.");
	/* One small cell beside a total: the smallest other cell goes too. */
	assert_string_equal(suppress((long long[]){12, 3, 7}, 3, 22, 5, 2), ".xx|.");
	/* Equal candidates: the first. */
	assert_string_equal(suppress((long long[]){3, 9, 9}, 3, 21, 5, 2), "xx.|.");
	/* Two small cells already hide each other. */
	assert_string_equal(suppress((long long[]){12, 3, 2}, 3, 17, 5, 2), ".xx|.");
	/* A small total is hidden, and then no second cell is needed. */
	assert_string_equal(suppress((long long[]){3}, 1, 3, 5, 2), "x|x");
	assert_string_equal(suppress((long long[]){1, 2}, 2, 3, 5, 3), "xx|x");
	/* No other cell to hide: the total goes. */
	assert_string_equal(suppress((long long[]){3}, 1, 8, 5, 2), "x|x");
	/* The threshold is a parameter; zero cells are not small. */
	assert_string_equal(suppress((long long[]){9, 20, 0}, 3, 29, 10, 2), "xx.|.");
	assert_string_equal(suppress((long long[]){9, 20}, 2, 29, 2, 0), "..|.");
}

/* A marker segment: FF, marker, big-endian length, body. */
static void seg(tg_strbuf *sb, int marker, const char *body, size_t n)
{
	tg_strbuf_addc(sb, (char)0xFF);
	tg_strbuf_addc(sb, (char)marker);
	tg_strbuf_addc(sb, (char)((n + 2) >> 8));
	tg_strbuf_addc(sb, (char)((n + 2) & 0xFF));
	tg_strbuf_add(sb, body, n);
}
#define SEG(sb, marker, lit) seg(sb, marker, lit, sizeof lit - 1)

/* Exif: a TIFF header, IFD0 whose one entry points to a GPS IFD holding
 * a latitude reference and a latitude (43 14 20). */
static const char exif[] =
	"Exif\0\0II*\0\x08\0\0\0"
	"\x01\0\x25\x88\x04\0\x01\0\0\0\x1a\0\0\0\0\0\0\0"
	"\x02\0\x01\0\x02\0\x02\0\0\0N\0\0\0\x02\0\x05\0\x03\0\0\0\x38\0\0\0\0\0\0\0"
	"\x2b\0\0\0\x01\0\0\0\x0e\0\0\0\x01\0\0\0\x14\0\0\0\x01\0\0\0";

static void image(tg_strbuf *sb)
{
	SEG(sb, 0xDB, "\0abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijkl");
	SEG(sb, 0xC2, "\x08\0\x10\0\x10\x01\x01\x11\0");
	SEG(sb, 0xC4, "\0\0\x01\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0");
	SEG(sb, 0xDA, "\x01\x01\0\0\x3f\0");
	tg_strbuf_add(sb, "\x12\xff\x00\x34\xff\xd3\x56", 7); /* stuffed 0xFF, RST3 */
	SEG(sb, 0xC4, "\x10\0\x01\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0"); /* a second scan */
	SEG(sb, 0xDA, "\x01\x01\x10\0\x3f\0");
	tg_strbuf_add(sb, "\x77\x88\xff\x00", 4);
}

static void test_jpeg_loses_exif_gps_and_comments_and_keeps_the_image(void **state)
{
	(void)state;
	tg_strbuf in = TG_STRBUF_INIT, want = TG_STRBUF_INIT;
	tg_strbuf_add(&in, "\xff\xd8", 2);
	tg_strbuf_add(&want, "\xff\xd8", 2);
	SEG(&in, 0xE0, "JFIF\0\x01\x02\0\0\x01\0\x01\0\0");
	SEG(&want, 0xE0, "JFIF\0\x01\x02\0\0\x01\0\x01\0\0");
	SEG(&in, 0xE1, exif);
	SEG(&in, 0xE1, "http://ns.adobe.com/xap/1.0/\0<x:xmpmeta/>");
	SEG(&in, 0xE2, "ICC_PROFILE\0\x01\x01profile");
	SEG(&want, 0xE2, "ICC_PROFILE\0\x01\x01profile");
	SEG(&in, 0xE2, "MPF\0II*\0");
	SEG(&in, 0xED, "Photoshop 3.0\0");
	SEG(&in, 0xFE, "Taken at Abay street 12");
	tg_strbuf_add(&in, "\xff\xff", 2); /* fill bytes before a kept marker stay */
	tg_strbuf_add(&want, "\xff\xff", 2);
	SEG(&in, 0xEE, "Adobe\0\x64\0\0\0\0\x01");
	SEG(&want, 0xEE, "Adobe\0\x64\0\0\0\0\x01");
	image(&in);
	image(&want);
	tg_strbuf_add(&in, "\xff\xd9second image after EOI", 24);
	tg_strbuf_add(&want, "\xff\xd9", 2);
	uint8_t *out;
	size_t len;
	assert_int_equal(tg_jpeg_strip((const uint8_t *)in.buf, in.len, &out, &len, NULL), TG_OK);
	assert_int_equal(len, want.len);
	assert_memory_equal(out, want.buf, len);
	/* Walked as a reader would: no APP1, so no GPS IFD, no COM. */
	for (size_t p = 2; p + 4 <= len && out[p + 1] != 0xDA;) {
		assert_int_equal(out[p], 0xFF);
		while (out[p + 1] == 0xFF)
			p++;
		assert_true(out[p + 1] != 0xE1 && out[p + 1] != 0xED && out[p + 1] != 0xFE);
		p += 2 + (size_t)(out[p + 2] << 8 | out[p + 3]);
	}
	assert_null(memmem(out, len, "\x25\x88", 2));
	free(out);

	/* Not a JPEG, a segment running past the end, no EOI: refused. */
	tg_error err = {0};
	assert_int_equal(tg_jpeg_strip((const uint8_t *)"GIF89a", 6, &out, &len, &err), TG_EINVAL);
	assert_null(out);
	assert_int_equal(tg_jpeg_strip((const uint8_t *)in.buf, 40, &out, &len, NULL), TG_EINVAL);
	assert_int_equal(tg_jpeg_strip((const uint8_t *)in.buf, in.len - 24, &out, &len, NULL),
	                 TG_EINVAL);
	tg_strbuf_release(&in);
	tg_strbuf_release(&want);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fields_not_listed_and_records_not_public_never_leave),
		cmocka_unit_test(test_pseudonyms_are_stable_keyed_and_base32),
		cmocka_unit_test(test_small_cells_hidden_and_one_more_where_the_total_would_tell),
		cmocka_unit_test(test_jpeg_loses_exif_gps_and_comments_and_keeps_the_image),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
