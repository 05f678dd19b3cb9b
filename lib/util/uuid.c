/* UUIDv7 (RFC 9562 §5.7): 48-bit Unix milliseconds, version 7, 74 random
 * bits. Time-ordered ids keep inserts local in SQLite's B-trees. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "util/util.h"

void tg_uuid7_from(uint64_t ms, const uint8_t rnd[10], char out[TG_UUID_LEN])
{
	uint8_t b[16];
	for (int i = 0; i < 6; i++)
		b[i] = (uint8_t)(ms >> (40 - 8 * i));
	memcpy(b + 6, rnd, 10);
	b[6] = (uint8_t)(0x70 | (b[6] & 0x0f));
	b[8] = (uint8_t)(0x80 | (b[8] & 0x3f));
	static const char hex[] = "0123456789abcdef";
	char *o = out;
	for (int i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			*o++ = '-';
		*o++ = hex[b[i] >> 4];
		*o++ = hex[b[i] & 15];
	}
	*o = '\0';
}

void tg_uuid7(char out[TG_UUID_LEN])
{
	uint8_t rnd[10];
	if (getrandom(rnd, sizeof rnd, 0) != (ssize_t)sizeof rnd)
		abort();
	tg_uuid7_from(tg_now_ms(), rnd, out);
}

bool tg_uuid_valid(const char *s)
{
	if (strlen(s) != 36)
		return false;
	for (int i = 0; i < 36; i++) {
		char c = s[i];
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (c != '-')
				return false;
		} else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
			return false;
		}
	}
	return true;
}
