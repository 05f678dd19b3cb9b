/*
 * Signed notes and checkpoints: the Go reference note (golang.org/x/mod
 * sumdb/note) reproduced byte for byte, its malformed-note and mangled-key
 * cases, and the rejections the threat model relies on (another key under
 * the same name, a tampered size or root).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "ledger-test.h"

static json_t *vectors;
static const char *vkey, *skey, *text, *signed_note, *other_vkey, *other_line;

static int setup(void **state)
{
	vectors = load_vectors();
	json_t *n = json_object_get(vectors, "note");
	vkey = json_string_value(json_object_get(n, "vkey"));
	skey = json_string_value(json_object_get(n, "skey"));
	text = json_string_value(json_object_get(n, "text"));
	signed_note = json_string_value(json_object_get(n, "signed"));
	other_vkey = json_string_value(json_object_get(n, "other_vkey"));
	other_line = json_string_value(json_object_get(n, "other_line"));
	return sodium_init() < 0;
}

static int teardown(void **state)
{
	json_decref(vectors);
	return 0;
}

/* Opens note with key; returns the status. */
static int open_status(const char *note, const char *key)
{
	int status = -1;
	size_t tlen;
	int rc = tg_note_open(note, strlen(note), key, &tlen, &status, NULL);
	assert_int_equal(rc, status == TG_NOTE_OK ? 0 : TG_EINVAL);
	return status;
}

static char *concat(const char *a, const char *b)
{
	char *s = malloc(strlen(a) + strlen(b) + 1);
	strcpy(s, a);
	strcat(s, b);
	return s;
}

/* The secret key of the Go skey "PRIVATE+KEY+<name>+<id>+base64(0x01 || seed)"
 * (the base64 may hold '+' too). */
static void reference_secret(uint8_t sk[64])
{
	uint8_t raw[33], pub[32];
	size_t n;
	const char *b64 = skey;
	for (int i = 0; i < 4; i++)
		b64 = strchr(b64, '+') + 1;
	assert_int_equal(sodium_base642bin(raw, sizeof raw, b64, strlen(b64), NULL, &n, NULL,
	                                   sodium_base64_VARIANT_ORIGINAL), 0);
	assert_int_equal(n, 33);
	crypto_sign_seed_keypair(pub, sk, raw + 1);
}

static void test_note_reproduces_the_go_reference_signature_byte_for_byte(void **state)
{
	uint8_t sk[64];
	char *out, *vk;
	reference_secret(sk);
	assert_int_equal(tg_note_key_id("PeterNeumann", sk + 32), 0xc74f20a3);
	assert_int_equal(tg_note_vkey("PeterNeumann", sk + 32, &vk, NULL), 0);
	assert_string_equal(vk, vkey);
	assert_int_equal(tg_note_sign(text, strlen(text), "PeterNeumann", sk, &out, NULL), 0);
	assert_string_equal(out, signed_note);
	free(out);
	free(vk);
}

static void test_note_opens_with_its_key_and_ignores_other_signers(void **state)
{
	size_t tlen = 0;
	int status = -1;
	assert_int_equal(tg_note_open(signed_note, strlen(signed_note), vkey, &tlen, &status, NULL), 0);
	assert_int_equal(status, TG_NOTE_OK);
	assert_int_equal(tlen, strlen(text));
	char *both = concat(signed_note, other_line);
	assert_int_equal(open_status(both, vkey), TG_NOTE_OK);
	assert_int_equal(open_status(both, other_vkey), TG_NOTE_OK);
	assert_int_equal(open_status(signed_note, other_vkey), TG_NOTE_UNKNOWN_KEY);
	char *twice = concat(signed_note, strstr(signed_note, "\xe2\x80\x94"));
	assert_int_equal(open_status(twice, vkey), TG_NOTE_OK);
	free(both);
	free(twice);
}

static void test_mangled_verifier_keys_are_rejected(void **state)
{
	size_t n = strlen(vkey);
	char buf[128];
	for (size_t i = 0; i < n; i++) {
		for (size_t j = i + 1; j <= n; j++) {
			if (i == 0 && j == n)
				continue;
			memcpy(buf, vkey + i, j - i);
			buf[j - i] = '\0';
			assert_int_equal(open_status(signed_note, buf), TG_NOTE_BAD_VKEY);
		}
	}
	strcpy(buf, vkey);
	for (size_t i = 0; i < n; i++) {
		buf[i]++;
		assert_int_equal(open_status(signed_note, buf), TG_NOTE_BAD_VKEY);
		buf[i]--;
	}
	/* Wrong key length and unknown algorithm, each with a matching id. */
	assert_int_equal(open_status(signed_note, "PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY=="),
	                 TG_NOTE_BAD_VKEY);
	assert_int_equal(open_status(signed_note, "PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"),
	                 TG_NOTE_BAD_VKEY);
}

static void test_malformed_notes_are_rejected(void **state)
{
	const char *sig = strstr(signed_note, "\xe2\x80\x94");
	char buf[1024];
	const char *bad[] = {"%s", "%s\n", "\x01%s\n%s", "\xff%s\n%s", "%s\n\xe2\x80\x94 Bad Name x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n",
	                     "%s\n%sUnexpected line.\n", "%s\n%s\n", "%s%s", "%s\n\xe2\x80\x94 PeterNeumann AAAA\n",
	                     "%s\n\xe2\x80\x94 PeterNeumann x08go/ZJkuBS9UG/Sffc!IAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n",
	                     "%s\n- PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		snprintf(buf, sizeof buf, bad[i], text, sig);
		assert_int_equal(open_status(buf, vkey), TG_NOTE_MALFORMED);
	}
	/* Missing final newline. */
	snprintf(buf, sizeof buf, "%s\n%s", text, sig);
	buf[strlen(buf) - 1] = '\0';
	assert_int_equal(open_status(buf, vkey), TG_NOTE_MALFORMED);
	/* 100 signatures are accepted, 101 are not. */
	tg_strbuf sb = TG_STRBUF_INIT;
	tg_strbuf_adds(&sb, signed_note);
	for (int i = 1; i < 100; i++)
		tg_strbuf_adds(&sb, sig);
	assert_int_equal(open_status(tg_strbuf_str(&sb), vkey), TG_NOTE_OK);
	tg_strbuf_adds(&sb, sig);
	assert_int_equal(open_status(tg_strbuf_str(&sb), vkey), TG_NOTE_MALFORMED);
	tg_strbuf_release(&sb);
}

static void test_a_failing_signature_by_the_key_refuses_the_note(void **state)
{
	char buf[1024];
	const char *sig = strstr(signed_note, "\xe2\x80\x94");
	/* As in the Go tests: "ABCD" inserted into the signature. */
	size_t cut = (size_t)(sig - signed_note) + 60;
	snprintf(buf, sizeof buf, "%.*sABCD%s", (int)cut, signed_note, signed_note + cut);
	assert_int_equal(open_status(buf, vkey), TG_NOTE_BAD_SIGNATURE);
	strcpy(buf, signed_note);
	strstr(buf, "cryptography")[11] = 'Y';
	assert_int_equal(open_status(buf, vkey), TG_NOTE_BAD_SIGNATURE);
	/* A good copy does not excuse a bad one. */
	snprintf(buf, sizeof buf, "%.*sABCD%s%s", (int)cut, signed_note, signed_note + cut, sig);
	assert_int_equal(open_status(buf, vkey), TG_NOTE_BAD_SIGNATURE);
}

static tg_ledger_checkpoint sample_checkpoint(void)
{
	tg_ledger_checkpoint cp = {.origin = "tergeu.example/log/3f1c", .size = 20852163};
	for (int i = 0; i < 32; i++)
		cp.root[i] = (uint8_t)(i * 7 + 1);
	return cp;
}

static void test_checkpoint_sign_and_open_round_trip(void **state)
{
	uint8_t sk[64];
	char *vk, *note, *body;
	tg_ledger_checkpoint cp = sample_checkpoint(), got;
	const char *name = "tergeu.example/log/3f1c";
	assert_int_equal(tg_note_keygen(name, sk, &vk, NULL), 0);
	assert_int_equal(tg_ledger_checkpoint_sign(&cp, name, sk, &note, NULL), 0);
	assert_int_equal(tg_ledger_checkpoint_text(&cp, &body, NULL), 0);
	assert_string_equal(body, "tergeu.example/log/3f1c\n20852163\nAQgPFh0kKzI5QEdOVVxjanF4f4aNlJuiqbC3vsXM09o=\n");
	/* Layout: body, blank line, one "— name base64(id || sig)" line. */
	size_t blen = strlen(body);
	assert_memory_equal(note, body, blen);
	assert_memory_equal(note + blen, "\n\xe2\x80\x94 tergeu.example/log/3f1c ", 6 + strlen(name));
	const char *b64 = note + blen + 6 + strlen(name);
	uint8_t sig[80];
	size_t n;
	assert_int_equal(sodium_base642bin(sig, sizeof sig, b64, strlen(b64) - 1, NULL, &n, NULL,
	                                   sodium_base64_VARIANT_ORIGINAL), 0);
	assert_int_equal(n, 68);
	uint32_t id = tg_note_key_id(name, sk + 32);
	assert_int_equal((uint32_t)sig[0] << 24 | sig[1] << 16 | sig[2] << 8 | sig[3], id);
	int status = -1;
	assert_int_equal(tg_ledger_checkpoint_open(note, strlen(note), vk, &got, &status, NULL), 0);
	assert_int_equal(status, TG_NOTE_OK);
	assert_string_equal(got.origin, cp.origin);
	assert_int_equal(got.size, cp.size);
	assert_memory_equal(got.root, cp.root, 32);
	free(vk);
	free(note);
	free(body);
}

static void test_checkpoint_signed_by_another_key_with_the_same_name_is_rejected(void **state)
{
	uint8_t sk[64], forger[64];
	char *vk, *forger_vk, *genuine, *forged, *stranger_vk;
	tg_ledger_checkpoint cp = sample_checkpoint(), got;
	const char *name = "tergeu.example/log/3f1c";
	assert_int_equal(tg_note_keygen(name, sk, &vk, NULL), 0);
	assert_int_equal(tg_note_keygen(name, forger, &forger_vk, NULL), 0);
	assert_int_equal(tg_note_keygen("someone.else/log", forger, &stranger_vk, NULL), 0);
	cp.size += 1000;
	assert_int_equal(tg_ledger_checkpoint_sign(&cp, name, forger, &forged, NULL), 0);
	int status = -1;
	tg_error err = {0};
	assert_int_equal(tg_ledger_checkpoint_open(forged, strlen(forged), vk, &got, &status, &err),
	                 TG_EINVAL);
	assert_int_equal(status, TG_NOTE_KEY_MISMATCH);
	assert_string_equal(err.path, "signature");
	assert_int_equal(got.size, 0);
	assert_int_equal(open_status(forged, stranger_vk), TG_NOTE_UNKNOWN_KEY);
	/* A forged line beside a genuine signature is ignored, as the spec says. */
	cp.size -= 1000;
	assert_int_equal(tg_ledger_checkpoint_sign(&cp, name, sk, &genuine, NULL), 0);
	free(forged);
	assert_int_equal(tg_ledger_checkpoint_sign(&cp, name, forger, &forged, NULL), 0);
	char *both = concat(genuine, strstr(forged, "\xe2\x80\x94"));
	assert_int_equal(open_status(both, vk), TG_NOTE_OK);
	free(vk);
	free(forger_vk);
	free(stranger_vk);
	free(genuine);
	free(forged);
	free(both);
}

static void test_tampered_checkpoint_size_or_root_is_rejected(void **state)
{
	uint8_t sk[64];
	char *vk, *note;
	tg_ledger_checkpoint cp = sample_checkpoint(), got;
	assert_int_equal(tg_note_keygen("tergeu.example/log/3f1c", sk, &vk, NULL), 0);
	assert_int_equal(tg_ledger_checkpoint_sign(&cp, "tergeu.example/log/3f1c", sk, &note, NULL), 0);
	char *size = strstr(note, "20852163");
	size[7] = '4';
	assert_int_equal(open_status(note, vk), TG_NOTE_BAD_SIGNATURE);
	size[7] = '3';
	char *root = strchr(size, '\n') + 1;
	root[0] = root[0] == 'A' ? 'B' : 'A';
	int status;
	assert_int_equal(tg_ledger_checkpoint_open(note, strlen(note), vk, &got, &status, NULL), TG_EINVAL);
	assert_int_equal(status, TG_NOTE_BAD_SIGNATURE);
	root[0] = root[0] == 'A' ? 'B' : 'A';
	assert_int_equal(open_status(note, vk), TG_NOTE_OK);
	/* An extension line slipped into the signed text. */
	char *sigline = strstr(note, "\n\n") + 1;
	char *ext = malloc(strlen(note) + 16);
	sprintf(ext, "%.*sextra\n%s", (int)(sigline - note), note, sigline);
	assert_int_equal(open_status(ext, vk), TG_NOTE_BAD_SIGNATURE);
	free(ext);
	free(vk);
	free(note);
}

static int parses(const char *s)
{
	tg_ledger_checkpoint cp;
	return tg_ledger_checkpoint_parse(s, strlen(s), &cp, NULL) == 0;
}

static void test_checkpoint_text_follows_the_tlog_checkpoint_rules(void **state)
{
	const char *root = "AQgPFh0kKzI5QEdOVVxjanF4f4aNlJuiqbC3vsXM09o=";
	char buf[256];
	const char *good[] = {"o\n0\n%s\n", "o\n18446744073709551615\n%s\n", "o\n5\n%s\next one\next two\n"};
	const char *bad[] = {"o\n007\n%s\n", "\n5\n%s\n", "o\n5\n%s", "o\n5\n", "o\n+5\n%s\n", "o\n-1\n%s\n",
	                     "o\n18446744073709551616\n%s\n", "o\n5\n%s\n\next\n", "o\n5\n%s=\n",
	                     "o\n5\nAQgPFh0kKzI5QEdOVVxjanF4f4aNlJuiqbC3vsXM09p=\n",
	                     "o\n5\nAQgPFh0kKzI5QEdOVVxjanF4f4aNlJuiqbC3vsXM\n", "o\t1\n5\n%s\n", "o\n 5\n%s\n"};
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
		snprintf(buf, sizeof buf, good[i], root);
		assert_true(parses(buf));
	}
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		snprintf(buf, sizeof buf, bad[i], root);
		assert_false(parses(buf));
	}
	tg_ledger_checkpoint cp = {.origin = "a\nb"};
	char *out;
	assert_int_equal(tg_ledger_checkpoint_text(&cp, &out, NULL), TG_EINVAL);
	cp.origin[0] = '\0';
	assert_int_equal(tg_ledger_checkpoint_text(&cp, &out, NULL), TG_EINVAL);
	/* A note whose text is not a checkpoint. */
	int status;
	assert_int_equal(tg_ledger_checkpoint_open(signed_note, strlen(signed_note), vkey, &cp, &status, NULL),
	                 TG_EINVAL);
	assert_int_equal(status, TG_NOTE_MALFORMED);
}

static void test_bad_key_names_texts_and_keys_are_refused(void **state)
{
	uint8_t sk[64];
	char *out;
	const char *names[] = {"", "a b", "a+b", "a\tb", "a\xc2\xa0z", "a\xe3\x80\x80z", "\xff"};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		assert_int_equal(tg_note_keygen(names[i], sk, &out, NULL), TG_EINVAL);
	assert_int_equal(tg_note_keygen("tergeu.example/\xc3\xa9", sk, &out, NULL), 0);
	free(out);
	assert_int_equal(tg_note_sign("abc", 3, "n", sk, &out, NULL), TG_EINVAL);
	assert_int_equal(tg_note_sign("a\rb\n", 4, "n", sk, &out, NULL), TG_EINVAL);
	assert_int_equal(tg_note_sign("a\n", 2, "a b", sk, &out, NULL), TG_EINVAL);
	assert_null(out);
	/* A secret key whose public half does not match its seed. */
	assert_int_equal(tg_note_keygen("n", sk, &out, NULL), 0);
	free(out);
	sk[40] ^= 1;
	tg_error err = {0};
	assert_int_equal(tg_note_sign("a\n", 2, "n", sk, &out, &err), TG_EINVAL);
	assert_string_equal(err.path, "key");
	sodium_memzero(sk, sizeof sk);
}

static void test_generated_verifier_key_has_the_vkey_layout(void **state)
{
	uint8_t sk[64];
	char *vk, *note, hex[9];
	assert_int_equal(tg_note_keygen("tergeu.example/witness", sk, &vk, NULL), 0);
	snprintf(hex, sizeof hex, "%08x", (unsigned)tg_note_key_id("tergeu.example/witness", sk + 32));
	assert_int_equal(strlen(vk), strlen("tergeu.example/witness") + 1 + 8 + 1 + 44);
	assert_memory_equal(vk, "tergeu.example/witness+", 23);
	assert_memory_equal(vk + 23, hex, 8);
	assert_int_equal(vk[31], '+');
	uint8_t key[33];
	size_t n;
	assert_int_equal(sodium_base642bin(key, sizeof key, vk + 32, 44, NULL, &n, NULL,
	                                   sodium_base64_VARIANT_ORIGINAL), 0);
	assert_int_equal(n, 33);
	assert_int_equal(key[0], 0x01);
	assert_memory_equal(key + 1, sk + 32, 32);
	assert_int_equal(tg_note_sign("hello\n", 6, "tergeu.example/witness", sk, &note, NULL), 0);
	assert_int_equal(open_status(note, vk), TG_NOTE_OK);
	free(vk);
	free(note);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_note_reproduces_the_go_reference_signature_byte_for_byte),
		cmocka_unit_test(test_note_opens_with_its_key_and_ignores_other_signers),
		cmocka_unit_test(test_mangled_verifier_keys_are_rejected),
		cmocka_unit_test(test_malformed_notes_are_rejected),
		cmocka_unit_test(test_a_failing_signature_by_the_key_refuses_the_note),
		cmocka_unit_test(test_checkpoint_sign_and_open_round_trip),
		cmocka_unit_test(test_checkpoint_signed_by_another_key_with_the_same_name_is_rejected),
		cmocka_unit_test(test_tampered_checkpoint_size_or_root_is_rejected),
		cmocka_unit_test(test_checkpoint_text_follows_the_tlog_checkpoint_rules),
		cmocka_unit_test(test_bad_key_names_texts_and_keys_are_refused),
		cmocka_unit_test(test_generated_verifier_key_has_the_vkey_layout),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
