/*
 * Signed notes (c2sp.org/signed-note) with Ed25519 keys, and the
 * checkpoints (c2sp.org/tlog-checkpoint) carried in them.
 *
 * The parsing rules follow the Go reference (golang.org/x/mod/sumdb/note):
 * the whole note is UTF-8 without control characters other than newline,
 * the signatures follow the last blank line, each line is
 * "— <name> <base64>\n" and decodes to a 4-byte key id and at least one
 * signature byte. A verifier key is the Go "vkey" string.
 */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "ledger/ledger.h"

#define EM_DASH_SPACE "\xe2\x80\x94 "
#define SIG_TYPE_ED25519 0x01
#define MAX_SIGNATURES 100
/* Longest signature line payload decoded (post-quantum signatures are
 * about 5 kB; ours are 68 bytes). */
#define MAX_SIG_BYTES 8192

typedef struct vkey {
	char name[TG_NOTE_NAME_MAX + 1];
	uint32_t id;
	uint8_t pub[32];
} vkey;

static int sodium_ready(tg_error *err)
{
	if (sodium_init() < 0)
		return tg_error_set(err, TG_EIO, "sodium", _("cannot initialise libsodium"));
	return 0;
}

/* Decodes one UTF-8 sequence at s[*i]; 0 for an invalid, overlong or
 * surrogate sequence. */
static int utf8_next(const unsigned char *s, size_t len, size_t *i, uint32_t *cp)
{
	unsigned char c = s[*i];
	size_t n = c < 0x80 ? 1 : (c & 0xe0) == 0xc0 ? 2 : (c & 0xf0) == 0xe0 ? 3
	                                  : (c & 0xf8) == 0xf0 ? 4 : 0;
	if (n == 0 || *i + n > len)
		return 0;
	uint32_t v = n == 1 ? c : c & (0x7f >> n);
	for (size_t k = 1; k < n; k++) {
		if ((s[*i + k] & 0xc0) != 0x80)
			return 0;
		v = v << 6 | (s[*i + k] & 0x3f);
	}
	static const uint32_t min[5] = {0, 0, 0x80, 0x800, 0x10000};
	if (v < min[n] || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
		return 0;
	*i += n;
	*cp = v;
	return 1;
}

/* Go's unicode.IsSpace. */
static int is_space(uint32_t c)
{
	return c == ' ' || (c >= 0x09 && c <= 0x0d) || c == 0x85 || c == 0xa0 || c == 0x1680 ||
	       (c >= 0x2000 && c <= 0x200a) || c == 0x2028 || c == 0x2029 || c == 0x202f ||
	       c == 0x205f || c == 0x3000;
}

/* UTF-8 without control characters; newline allowed when newline_ok. */
static int valid_text(const char *s, size_t len, int newline_ok)
{
	for (size_t i = 0; i < len;) {
		uint32_t c;
		if (!utf8_next((const unsigned char *)s, len, &i, &c))
			return 0;
		if (c < 0x20 && !(newline_ok && c == '\n'))
			return 0;
	}
	return 1;
}

/* Key names: non-empty UTF-8, no spaces, control characters or '+'. */
static int valid_name(const char *s, size_t len)
{
	if (len == 0 || len > TG_NOTE_NAME_MAX)
		return 0;
	for (size_t i = 0; i < len;) {
		uint32_t c;
		if (!utf8_next((const unsigned char *)s, len, &i, &c))
			return 0;
		if (c < 0x20 || c == '+' || is_space(c))
			return 0;
	}
	return 1;
}

/* Strict standard base64 (padding required, no stray bits) into at most
 * cap bytes. Returns the length decoded, or -1. */
static long base64_decode(const char *s, size_t len, uint8_t *out, size_t cap)
{
	size_t n;
	const char *end;
	if (len == 0 || sodium_base642bin(out, cap, s, len, NULL, &n, &end,
	                                  sodium_base64_VARIANT_ORIGINAL) != 0 ||
	    end != s + len)
		return -1;
	return (long)n;
}

/* Appends base64 of at most 96 bytes (keys, roots, our signatures). */
static void base64_add(tg_strbuf *sb, const uint8_t *bin, size_t len)
{
	char b64[sodium_base64_ENCODED_LEN(96, sodium_base64_VARIANT_ORIGINAL)];
	assert(len <= 96);
	sodium_bin2base64(b64, sizeof b64, bin, len, sodium_base64_VARIANT_ORIGINAL);
	tg_strbuf_adds(sb, b64);
}

uint32_t tg_note_key_id(const char *name, const uint8_t pub[32])
{
	static const uint8_t sep[2] = {'\n', SIG_TYPE_ED25519};
	uint8_t h[32];
	crypto_hash_sha256_state st;
	crypto_hash_sha256_init(&st);
	crypto_hash_sha256_update(&st, (const uint8_t *)name, strlen(name));
	crypto_hash_sha256_update(&st, sep, sizeof sep);
	crypto_hash_sha256_update(&st, pub, 32);
	crypto_hash_sha256_final(&st, h);
	return (uint32_t)h[0] << 24 | (uint32_t)h[1] << 16 | (uint32_t)h[2] << 8 | h[3];
}

int tg_note_vkey(const char *name, const uint8_t pub[32], char **out, tg_error *err)
{
	*out = NULL;
	if (!valid_name(name, strlen(name)))
		return tg_error_set(err, TG_EINVAL, "name", _("invalid key name"));
	uint8_t key[33] = {SIG_TYPE_ED25519};
	memcpy(key + 1, pub, 32);
	tg_strbuf sb = TG_STRBUF_INIT;
	tg_strbuf_addf(&sb, "%s+%08x+", name, (unsigned)tg_note_key_id(name, pub));
	base64_add(&sb, key, sizeof key);
	*out = tg_strbuf_detach(&sb);
	return 0;
}

int tg_note_keygen(const char *name, uint8_t sk[TG_NOTE_SECRET_LEN], char **vkey_out,
                   tg_error *err)
{
	*vkey_out = NULL;
	int rc = sodium_ready(err);
	if (rc)
		return rc;
	if (!valid_name(name, strlen(name)))
		return tg_error_set(err, TG_EINVAL, "name", _("invalid key name"));
	uint8_t pub[32];
	crypto_sign_keypair(pub, sk);
	return tg_note_vkey(name, pub, vkey_out, err);
}

static int hex_digit(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
	                                    : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* "<name>+<8 hex>+<base64(0x01 || pub)>", the id matching name and key. */
static int parse_vkey(const char *s, vkey *v)
{
	const char *plus1 = strchr(s, '+');
	if (!plus1 || !valid_name(s, (size_t)(plus1 - s)))
		return 0;
	memcpy(v->name, s, (size_t)(plus1 - s));
	v->name[plus1 - s] = '\0';
	const char *hex = plus1 + 1;
	v->id = 0;
	for (int i = 0; i < 8; i++) {
		int d = hex_digit(hex[i]);
		if (d < 0)
			return 0;
		v->id = v->id << 4 | (uint32_t)d;
	}
	if (hex[8] != '+')
		return 0;
	const char *b64 = hex + 9;
	uint8_t key[34];
	if (base64_decode(b64, strlen(b64), key, sizeof key) != 33 || key[0] != SIG_TYPE_ED25519)
		return 0;
	memcpy(v->pub, key + 1, 32);
	return tg_note_key_id(v->name, v->pub) == v->id &&
	       crypto_core_ed25519_is_valid_point(v->pub);
}

/* A damaged public half would make signatures nobody can verify, under a
 * key id nobody expects: rederive it from the seed before signing. */
static int key_pair_matches(const uint8_t sk[TG_NOTE_SECRET_LEN])
{
	uint8_t pub[32], again[TG_NOTE_SECRET_LEN];
	crypto_sign_seed_keypair(pub, again, sk);
	sodium_memzero(again, sizeof again);
	return memcmp(pub, sk + 32, 32) == 0;
}

int tg_note_sign(const char *text, size_t len, const char *name,
                 const uint8_t sk[TG_NOTE_SECRET_LEN], char **out, tg_error *err)
{
	*out = NULL;
	int rc = sodium_ready(err);
	if (rc)
		return rc;
	if (len == 0 || text[len - 1] != '\n' || !valid_text(text, len, 1))
		return tg_error_set(err, TG_EINVAL, "text",
		                    _("note text must be UTF-8 lines without control characters"));
	if (!valid_name(name, strlen(name)))
		return tg_error_set(err, TG_EINVAL, "name", _("invalid key name"));
	if (!key_pair_matches(sk))
		return tg_error_set(err, TG_EINVAL, "key", _("the signing key is damaged"));
	uint32_t id = tg_note_key_id(name, sk + 32);
	uint8_t sig[4 + crypto_sign_BYTES] = {id >> 24, id >> 16 & 0xff, id >> 8 & 0xff, id & 0xff};
	crypto_sign_detached(sig + 4, NULL, (const uint8_t *)text, len, sk);
	tg_strbuf sb = TG_STRBUF_INIT;
	tg_strbuf_add(&sb, text, len);
	tg_strbuf_adds(&sb, "\n" EM_DASH_SPACE);
	tg_strbuf_adds(&sb, name);
	tg_strbuf_addc(&sb, ' ');
	base64_add(&sb, sig, sizeof sig);
	tg_strbuf_addc(&sb, '\n');
	*out = tg_strbuf_detach(&sb);
	return 0;
}

/* What the signature lines say about the verifier's key. */
typedef struct sig_scan {
	int verified, bad, mismatch, count;
} sig_scan;

/* Checks one signature line (without its newline) against v. 0 if it is
 * malformed. */
static int scan_line(const char *line, size_t len, const char *text, size_t text_len,
                     const vkey *v, sig_scan *scan)
{
	uint8_t sig[MAX_SIG_BYTES];
	size_t dash = sizeof EM_DASH_SPACE - 1;
	if (len < dash || memcmp(line, EM_DASH_SPACE, dash) != 0)
		return 0;
	const char *name = line + dash, *sp = memchr(name, ' ', len - dash);
	if (!sp || !valid_name(name, (size_t)(sp - name)))
		return 0;
	long n = base64_decode(sp + 1, len - (size_t)(sp + 1 - line), sig, sizeof sig);
	if (n < 5)
		return 0;
	uint32_t id = (uint32_t)sig[0] << 24 | (uint32_t)sig[1] << 16 | (uint32_t)sig[2] << 8 | sig[3];
	size_t name_len = (size_t)(sp - name);
	int same_name = name_len == strlen(v->name) && memcmp(name, v->name, name_len) == 0;
	int same_id = id == v->id;
	if (same_name && same_id) {
		if (n == 4 + crypto_sign_BYTES &&
		    crypto_sign_verify_detached(sig + 4, (const uint8_t *)text, text_len, v->pub) == 0)
			scan->verified = 1;
		else
			scan->bad = 1;
	} else if (same_name || same_id) {
		scan->mismatch = 1;
	}
	return 1;
}

static int refuse(int *status, int why, tg_error *err, const char *path, const char *msg)
{
	if (status)
		*status = why;
	return tg_error_set(err, TG_EINVAL, path, "%s", msg);
}

int tg_note_open(const char *note, size_t len, const char *vkey_s, size_t *text_len,
                 int *status, tg_error *err)
{
	if (status)
		*status = TG_NOTE_MALFORMED;
	if (text_len)
		*text_len = 0;
	int rc = sodium_ready(err);
	if (rc)
		return rc;
	vkey v;
	if (!parse_vkey(vkey_s, &v))
		return refuse(status, TG_NOTE_BAD_VKEY, err, "vkey", _("malformed verifier key"));
	if (len == 0 || note[len - 1] != '\n' || !valid_text(note, len, 1))
		return refuse(status, TG_NOTE_MALFORMED, err, "note", _("malformed signed note"));
	/* The text ends at the last blank line (its newline included). */
	size_t split = len - 1;
	while (split > 0 && !(note[split - 1] == '\n' && note[split] == '\n'))
		split--;
	if (split == 0 || split + 1 == len)
		return refuse(status, TG_NOTE_MALFORMED, err, "note", _("malformed signed note"));
	size_t tlen = split;
	sig_scan scan = {0};
	for (size_t at = split + 1; at < len;) {
		const char *nl = memchr(note + at, '\n', len - at);
		if (++scan.count > MAX_SIGNATURES ||
		    !scan_line(note + at, (size_t)(nl - (note + at)), note, tlen, &v, &scan))
			return refuse(status, TG_NOTE_MALFORMED, err, "note",
			              _("malformed signature line"));
		at = (size_t)(nl - note) + 1;
	}
	if (scan.bad)
		return refuse(status, TG_NOTE_BAD_SIGNATURE, err, "signature",
		              _("the signature does not verify"));
	if (!scan.verified && scan.mismatch)
		return refuse(status, TG_NOTE_KEY_MISMATCH, err, "signature",
		              _("signed by another key with the same name or key id"));
	if (!scan.verified)
		return refuse(status, TG_NOTE_UNKNOWN_KEY, err, "signature",
		              _("not signed by the expected key"));
	if (status)
		*status = TG_NOTE_OK;
	if (text_len)
		*text_len = tlen;
	return 0;
}

int tg_ledger_checkpoint_text(const tg_ledger_checkpoint *cp, char **out, tg_error *err)
{
	*out = NULL;
	size_t olen = strnlen(cp->origin, sizeof cp->origin);
	if (olen == 0 || olen > TG_NOTE_NAME_MAX || !valid_text(cp->origin, olen, 0))
		return tg_error_set(err, TG_EINVAL, "origin", _("invalid log origin"));
	tg_strbuf sb = TG_STRBUF_INIT;
	tg_strbuf_addf(&sb, "%s\n%llu\n", cp->origin, (unsigned long long)cp->size);
	base64_add(&sb, cp->root, 32);
	tg_strbuf_addc(&sb, '\n');
	*out = tg_strbuf_detach(&sb);
	return 0;
}

/* Decimal without sign or leading zeros, within uint64_t. */
static int parse_size(const char *s, size_t len, uint64_t *out)
{
	if (len == 0 || len > 20 || (len > 1 && s[0] == '0'))
		return 0;
	uint64_t v = 0;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		unsigned d = (unsigned)(s[i] - '0');
		if (v > (UINT64_MAX - d) / 10)
			return 0;
		v = v * 10 + d;
	}
	*out = v;
	return 1;
}

int tg_ledger_checkpoint_parse(const char *text, size_t len, tg_ledger_checkpoint *out,
                               tg_error *err)
{
	memset(out, 0, sizeof *out);
	const char *line[3];
	size_t llen[3], at = 0;
	int n = 0;
	if (len == 0 || text[len - 1] != '\n' || !valid_text(text, len, 1))
		goto bad;
	while (at < len) {
		const char *nl = memchr(text + at, '\n', len - at);
		size_t l = (size_t)(nl - (text + at));
		if (l == 0)
			goto bad; /* every line, extensions too, is non-empty */
		if (n < 3) {
			line[n] = text + at;
			llen[n] = l;
		}
		n++;
		at += l + 1;
	}
	if (n < 3 || llen[0] > TG_NOTE_NAME_MAX || !parse_size(line[1], llen[1], &out->size) ||
	    llen[2] != 44 || base64_decode(line[2], 44, out->root, 32) != 32)
		goto bad;
	memcpy(out->origin, line[0], llen[0]);
	out->origin[llen[0]] = '\0';
	return 0;
bad:
	memset(out, 0, sizeof *out);
	return tg_error_set(err, TG_EINVAL, "checkpoint", _("malformed checkpoint"));
}

int tg_ledger_checkpoint_sign(const tg_ledger_checkpoint *cp, const char *name,
                              const uint8_t sk[TG_NOTE_SECRET_LEN], char **out,
                              tg_error *err)
{
	char *text;
	*out = NULL;
	int rc = tg_ledger_checkpoint_text(cp, &text, err);
	if (rc)
		return rc;
	rc = tg_note_sign(text, strlen(text), name, sk, out, err);
	free(text);
	return rc;
}

int tg_ledger_checkpoint_open(const char *note, size_t len, const char *vkey_s,
                              tg_ledger_checkpoint *out, int *status, tg_error *err)
{
	size_t tlen;
	memset(out, 0, sizeof *out);
	int rc = tg_note_open(note, len, vkey_s, &tlen, status, err);
	if (rc)
		return rc;
	rc = tg_ledger_checkpoint_parse(note, tlen, out, err);
	if (rc && status)
		*status = TG_NOTE_MALFORMED;
	return rc;
}
