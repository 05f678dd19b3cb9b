/*
 * TOTP (RFC 6238: HMAC-SHA-1, 30-second steps, 6 digits), the second
 * factor of admins.  libsodium has no HMAC-SHA-1, GnuTLS does.  A code is
 * accepted one step early or late (clock drift) and only once per step.
 */
#include <gnutls/crypto.h>
#include <sodium.h>
#include <string.h>

#include "web/totp.h"

static const char b32[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

void web_totp_new_secret(char out[WEB_TOTP_SECRET_LEN + 1])
{
	uint8_t raw[20];
	randombytes_buf(raw, sizeof raw);
	/* 20 bytes = 160 bits = 32 base32 characters, no padding. */
	int bits = 0, n = 0;
	uint32_t acc = 0;
	for (size_t i = 0; i < sizeof raw; i++) {
		acc = (acc << 8) | raw[i];
		bits += 8;
		while (bits >= 5) {
			out[n++] = b32[(acc >> (bits - 5)) & 31];
			bits -= 5;
		}
	}
	out[n] = '\0';
	sodium_memzero(raw, sizeof raw);
}

static int decode(const char *s, uint8_t *out, size_t cap)
{
	size_t n = 0;
	int bits = 0;
	uint32_t acc = 0;
	for (; *s; s++) {
		if (*s == ' ' || *s == '=')
			continue;
		const char *p = strchr(b32, *s >= 'a' && *s <= 'z' ? *s - 32 : *s);
		if (!p || !*s)
			return -1;
		acc = (acc << 5) | (uint32_t)(p - b32);
		bits += 5;
		if (bits >= 8) {
			if (n == cap)
				return -1;
			out[n++] = (uint8_t)(acc >> (bits - 8));
			bits -= 8;
		}
	}
	return (int)n;
}

int web_totp_code(const char *secret, uint64_t step)
{
	uint8_t key[64], msg[8], mac[20];
	int klen = decode(secret, key, sizeof key);
	if (klen <= 0)
		return -1;
	for (int i = 7; i >= 0; i--, step >>= 8)
		msg[i] = (uint8_t)(step & 0xff);
	int rc = gnutls_hmac_fast(GNUTLS_MAC_SHA1, key, (size_t)klen, msg, sizeof msg, mac);
	sodium_memzero(key, sizeof key);
	if (rc)
		return -1;
	int off = mac[19] & 0x0f;
	uint32_t bin = ((uint32_t)(mac[off] & 0x7f) << 24) | ((uint32_t)mac[off + 1] << 16) |
	               ((uint32_t)mac[off + 2] << 8) | mac[off + 3];
	return (int)(bin % 1000000);
}

bool web_totp_check(const char *secret, const char *code, uint64_t now_s, uint64_t *last_step)
{
	if (!code || strlen(code) != 6 || strspn(code, "0123456789") != 6)
		return false;
	int want = atoi(code);
	uint64_t step = now_s / 30;
	for (int d = -1; d <= 1; d++) {
		uint64_t s = step + (uint64_t)d;
		if (web_totp_code(secret, s) == want && s > *last_step) {
			*last_step = s;
			return true;
		}
	}
	return false;
}
