/*
 * The first step of name keys: what each code point of a token is.  ASCII
 * letters stay letters for the lexer (namekey.c), which reads Latin
 * digraphs; а..я are looked up by index; every other code point in a
 * sorted table of ranges: Cyrillic letters and Latin letters with
 * diacritics become their sound classes (я is glide + A, ş is SH, ý is
 * kz2018's U), apostrophes and signs become markers, the rest nothing.
 */
#include <stdbool.h>
#include <stdint.h>

#include "text/text-int.h"

/* Runs of non-ASCII code points with one reading, sorted; both cases. */
typedef struct cp_range {
	uint16_t lo, hi;
	uint8_t kind, a, b;
} cp_range;

static const cp_range cp_table[] = {
	{0x00B4, 0x00B4, U_APOS, 0, 0},
	/* Latin-1: â û are ISO 9's я ю, ý is kz2018's у, ç is ч */
	{0x00C0, 0x00C1, U_FIXED, X_A, 0}, {0x00C2, 0x00C2, U_FIXED, X_Y, X_A},
	{0x00C3, 0x00C6, U_FIXED, X_A, 0}, {0x00C7, 0x00C7, U_FIXED, X_CH, 0},
	{0x00C8, 0x00CB, U_FIXED, X_E, 0}, {0x00CC, 0x00CF, U_FIXED, X_I, 0},
	{0x00D0, 0x00D0, U_FIXED, X_D, 0}, {0x00D1, 0x00D1, U_FIXED, X_N, 0},
	{0x00D2, 0x00D6, U_FIXED, X_O, 0}, {0x00D8, 0x00D8, U_FIXED, X_O, 0},
	{0x00D9, 0x00DA, U_FIXED, X_U, 0}, {0x00DB, 0x00DB, U_FIXED, X_Y, X_U},
	{0x00DC, 0x00DD, U_FIXED, X_U, 0}, {0x00DE, 0x00DE, U_FIXED, X_T, 0},
	{0x00DF, 0x00DF, U_FIXED, X_S, 0},
	{0x00E0, 0x00E1, U_FIXED, X_A, 0}, {0x00E2, 0x00E2, U_FIXED, X_Y, X_A},
	{0x00E3, 0x00E6, U_FIXED, X_A, 0}, {0x00E7, 0x00E7, U_FIXED, X_CH, 0},
	{0x00E8, 0x00EB, U_FIXED, X_E, 0}, {0x00EC, 0x00EF, U_FIXED, X_I, 0},
	{0x00F0, 0x00F0, U_FIXED, X_D, 0}, {0x00F1, 0x00F1, U_FIXED, X_N, 0},
	{0x00F2, 0x00F6, U_FIXED, X_O, 0}, {0x00F8, 0x00F8, U_FIXED, X_O, 0},
	{0x00F9, 0x00FA, U_FIXED, X_U, 0}, {0x00FB, 0x00FB, U_FIXED, X_Y, X_U},
	{0x00FC, 0x00FD, U_FIXED, X_U, 0}, {0x00FE, 0x00FE, U_FIXED, X_T, 0},
	{0x00FF, 0x00FF, U_FIXED, X_I, 0},
	/* Latin Extended-A and B: ŝ ş š ș are ш, ž ĵ ж, ğ ġ ǵ г, ə ǝ а */
	{0x0100, 0x0105, U_FIXED, X_A, 0}, {0x0106, 0x010D, U_FIXED, X_CH, 0},
	{0x010E, 0x0111, U_FIXED, X_D, 0}, {0x0112, 0x011B, U_FIXED, X_E, 0},
	{0x011C, 0x0123, U_FIXED, X_G, 0}, {0x0124, 0x0127, U_FIXED, X_KH, 0},
	{0x0128, 0x0131, U_FIXED, X_I, 0}, {0x0134, 0x0135, U_FIXED, X_ZH, 0},
	{0x0136, 0x0138, U_FIXED, X_K, 0}, {0x0139, 0x0142, U_FIXED, X_L, 0},
	{0x0143, 0x014B, U_FIXED, X_N, 0}, {0x014C, 0x0151, U_FIXED, X_O, 0},
	{0x0154, 0x0159, U_FIXED, X_R, 0}, {0x015A, 0x015B, U_FIXED, X_S, 0},
	{0x015C, 0x0161, U_FIXED, X_SH, 0}, {0x0162, 0x0167, U_FIXED, X_T, 0},
	{0x0168, 0x0173, U_FIXED, X_U, 0}, {0x0174, 0x0175, U_FIXED, X_V, 0},
	{0x0176, 0x0178, U_FIXED, X_I, 0}, {0x0179, 0x017C, U_FIXED, X_Z, 0},
	{0x017D, 0x017E, U_FIXED, X_ZH, 0}, {0x017F, 0x017F, U_FIXED, X_S, 0},
	{0x018F, 0x018F, U_FIXED, X_A, 0}, {0x01CD, 0x01CE, U_FIXED, X_A, 0},
	{0x01CF, 0x01D0, U_FIXED, X_I, 0}, {0x01D1, 0x01D2, U_FIXED, X_O, 0},
	{0x01D3, 0x01DC, U_FIXED, X_U, 0}, {0x01DD, 0x01DD, U_FIXED, X_A, 0},
	{0x01E6, 0x01E7, U_FIXED, X_G, 0}, {0x01F4, 0x01F5, U_FIXED, X_G, 0},
	{0x0218, 0x0219, U_FIXED, X_SH, 0}, {0x021A, 0x021B, U_FIXED, X_CH, 0},
	{0x0259, 0x0259, U_FIXED, X_A, 0},
	/* primes (BGN, ISO 9 signs) and apostrophes (Uzbek, kz2017) */
	{0x02B9, 0x02BA, U_SIGN, 0, 0}, {0x02BB, 0x02BC, U_APOS, 0, 0},
	/* Cyrillic outside а..я (indexed directly): ё, Ukrainian є і ї ґ,
	 * Belarusian and Uzbek ў, Kazakh, Tatar, Bashkir and Uzbek letters */
	{0x0400, 0x0401, U_FIXED, X_E, 0}, {0x0402, 0x0402, U_FIXED, X_D, 0},
	{0x0403, 0x0403, U_FIXED, X_G, 0}, {0x0404, 0x0404, U_FIXED, X_Y, X_E},
	{0x0405, 0x0405, U_FIXED, X_Z, 0}, {0x0406, 0x0406, U_FIXED, X_I, 0},
	{0x0407, 0x0407, U_FIXED, X_Y, X_I}, {0x0408, 0x0408, U_FIXED, X_I, 0},
	{0x0409, 0x0409, U_FIXED, X_L, 0}, {0x040A, 0x040A, U_FIXED, X_N, 0},
	{0x040B, 0x040B, U_FIXED, X_CH, 0}, {0x040C, 0x040C, U_FIXED, X_K, 0},
	{0x040D, 0x040D, U_FIXED, X_I, 0}, {0x040E, 0x040E, U_FIXED, X_U, 0},
	{0x040F, 0x040F, U_FIXED, X_ZH, 0},
	{0x0450, 0x0451, U_FIXED, X_E, 0}, {0x0452, 0x0452, U_FIXED, X_D, 0},
	{0x0453, 0x0453, U_FIXED, X_G, 0}, {0x0454, 0x0454, U_FIXED, X_Y, X_E},
	{0x0455, 0x0455, U_FIXED, X_Z, 0}, {0x0456, 0x0456, U_FIXED, X_I, 0},
	{0x0457, 0x0457, U_FIXED, X_Y, X_I}, {0x0458, 0x0458, U_FIXED, X_I, 0},
	{0x0459, 0x0459, U_FIXED, X_L, 0}, {0x045A, 0x045A, U_FIXED, X_N, 0},
	{0x045B, 0x045B, U_FIXED, X_CH, 0}, {0x045C, 0x045C, U_FIXED, X_K, 0},
	{0x045D, 0x045D, U_FIXED, X_I, 0}, {0x045E, 0x045E, U_FIXED, X_U, 0},
	{0x045F, 0x045F, U_FIXED, X_ZH, 0},
	{0x0490, 0x0493, U_FIXED, X_G, 0}, {0x0496, 0x0497, U_FIXED, X_ZH, 0},
	{0x0498, 0x0499, U_FIXED, X_Z, 0}, {0x049A, 0x049B, U_FIXED, X_K, 0},
	{0x04A0, 0x04A1, U_FIXED, X_K, 0}, {0x04A2, 0x04A3, U_FIXED, X_N, 0},
	{0x04AA, 0x04AB, U_FIXED, X_S, 0}, {0x04AE, 0x04B1, U_FIXED, X_U, 0},
	{0x04B2, 0x04B3, U_FIXED, X_KH, 0}, {0x04BA, 0x04BB, U_FIXED, X_KH, 0},
	{0x04D8, 0x04D9, U_FIXED, X_A, 0}, {0x04E8, 0x04E9, U_FIXED, X_O, 0},
	/* curly apostrophes; double quotes are MVD 310's hard sign */
	{0x2018, 0x2019, U_APOS, 0, 0}, {0x201C, 0x201D, U_SIGN, 0, 0},
};

/* а..я: classes of each letter (ъ and ь are signs, я and ю a glide and a
 * vowel). */
static const uint8_t cyr_table[32][2] = {
	{X_A, 0}, {X_B, 0}, {X_V, 0}, {X_G, 0}, {X_D, 0}, {X_E, 0}, {X_ZH, 0}, {X_Z, 0},
	{X_I, 0}, {X_I, 0}, {X_K, 0}, {X_L, 0}, {X_M, 0}, {X_N, 0}, {X_O, 0}, {X_P, 0},
	{X_R, 0}, {X_S, 0}, {X_T, 0}, {X_U, 0}, {X_F, 0}, {X_KH, 0}, {X_CH, 0}, {X_CH, 0},
	{X_SH, 0}, {X_SH, 0}, {0, 0}, {X_I, 0}, {0, 0}, {X_E, 0}, {X_Y, X_U}, {X_Y, X_A}};

static nk_unit unit_of(uint32_t c)
{
	nk_unit u = {U_SKIP, 0, 0, 0};
	if (c < 0x80) {
		if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') {
			u.kind = U_LATIN;
			u.ch = (char)(c | 0x20);
		} else if (c == '\'' || c == '`') {
			u.kind = U_APOS;
		} else if (c == '"') {
			u.kind = U_SIGN;
		}
		return u;
	}
	if (c >= 0x410 && c <= 0x44F) {
		unsigned i = (c - 0x410) & 31;
		u.kind = cyr_table[i][0] ? U_FIXED : U_SIGN;
		u.a = cyr_table[i][0];
		u.b = cyr_table[i][1];
		return u;
	}
	size_t lo = 0, hi = sizeof cp_table / sizeof cp_table[0];
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (cp_table[mid].hi < c) {
			lo = mid + 1;
		} else if (cp_table[mid].lo > c) {
			hi = mid;
		} else {
			u.kind = cp_table[mid].kind;
			u.a = cp_table[mid].a;
			u.b = cp_table[mid].b;
			break;
		}
	}
	return u;
}

/* A decomposed letter whose mark changes its class: s or z with a caron
 * (š ž), s with a cedilla, comma or circumflex (ş ș ŝ), c with a caron or
 * cedilla, a and u with ISO 9's circumflex (я ю), y with kz2018's acute
 * (у).  Other marks are dropped. */
static bool compose(nk_unit *u, uint32_t mark)
{
	if (u->kind != U_LATIN)
		return false;
	uint8_t a = 0, b = 0;
	switch (u->ch) {
	case 's':
		a = mark == 0x30C || mark == 0x327 || mark == 0x326 || mark == 0x302 ? X_SH : 0;
		break;
	case 'z':
		a = mark == 0x30C ? X_ZH : 0;
		break;
	case 'c':
		a = mark == 0x30C || mark == 0x327 ? X_CH : 0;
		break;
	case 'a':
	case 'u':
		if (mark == 0x302) {
			a = X_Y;
			b = u->ch == 'a' ? X_A : X_U;
		}
		break;
	case 'y':
		a = mark == 0x301 ? X_U : 0;
		break;
	default:
		break;
	}
	if (!a)
		return false;
	u->kind = U_FIXED;
	u->a = a;
	u->b = b;
	return true;
}

/* Decodes UTF-8 (invalid bytes are skipped); returns the code point and
 * advances *i, or returns UINT32_MAX at the end. */
static uint32_t next_cp(const unsigned char *s, size_t n, size_t *i)
{
	while (*i < n) {
		unsigned char b = s[*i];
		if (b < 0x80) {
			(*i)++;
			return b;
		}
		int k = (b & 0xE0) == 0xC0 ? 2 : (b & 0xF0) == 0xE0 ? 3 : (b & 0xF8) == 0xF0 ? 4 : 0;
		if (!k || *i + (size_t)k > n) {
			(*i)++;
			continue;
		}
		uint32_t c = b & (0x7F >> k);
		int j = 1;
		for (; j < k && (s[*i + (size_t)j] & 0xC0) == 0x80; j++)
			c = (c << 6) | (s[*i + (size_t)j] & 0x3F);
		if (j < k) {
			(*i)++;
			continue;
		}
		*i += (size_t)k;
		return c;
	}
	return UINT32_MAX;
}

void tg_nk_decode(const char *s, size_t len, nk_units *us)
{
	size_t i = 0;
	uint32_t c;
	us->n = 0;
	while (us->n < NK_MAXU && (c = next_cp((const unsigned char *)s, len, &i)) != UINT32_MAX) {
		if (c >= 0x300 && c <= 0x36F) {
			if (us->n)
				compose(&us->u[us->n - 1], c);
			continue;
		}
		nk_unit u = unit_of(c);
		if (u.kind != U_SKIP)
			us->u[us->n++] = u;
	}
}
