/*
 * Slips of the pen and of the scanner, as lists make them: typing errors
 * (a letter changed, dropped, doubled or swapped), OCR confusions
 * (rn/m, l/1, ш/щ, з/3 ...) and a mistyped digit of a year.
 */
#include <stdlib.h>
#include <string.h>

#include "gen/population.h"

static const char *latin_subs = "aeioulnrsky";
static const char *cyrillic_subs[] = {"а", "е", "и", "о", "у", "ы", "н", "л", "р", "с", "к"};

/* Applies one edit (substitution, deletion, doubling or swap of letters)
 * to the UTF-8 text in s; edits work on whole characters and keep the
 * first letter and the spaces between words. */
void gen_typo(tg_strbuf *s, tg_rng *r)
{
	const char *str = tg_strbuf_str(s);
	size_t at[256], n = 0, i;
	for (i = 0; str[i]; i++) {
		if (((unsigned char)str[i] & 0xC0) == 0x80)
			continue;
		if (n == 255)
			break;
		at[n++] = i;
	}
	at[n] = i;
	if (n < 3)
		return;
	size_t k = 0;
	for (int tries = 0; tries < 8 && !k; tries++) {
		k = 1 + tg_rng_below(r, (uint32_t)(n - 1));
		if (str[at[k]] == ' ' || str[at[k - 1]] == ' ')
			k = 0;
	}
	if (!k)
		return;
	const char *prev = str + at[k - 1], *c = str + at[k], *next = str + at[k + 1];
	tg_strbuf out = TG_STRBUF_INIT;
	switch (tg_rng_below(r, 4)) {
	case 0: /* substitution */
		tg_strbuf_add(&out, str, at[k]);
		if ((unsigned char)*c >= 0xD0 && (unsigned char)*c <= 0xD3) /* Cyrillic */
			tg_strbuf_adds(&out, cyrillic_subs[tg_rng_below(r, 11)]);
		else
			tg_strbuf_addc(&out, latin_subs[tg_rng_below(r, 11)]);
		break;
	case 1: /* deletion */
		tg_strbuf_add(&out, str, at[k]);
		break;
	case 2: /* doubling */
		tg_strbuf_add(&out, str, at[k + 1]);
		tg_strbuf_add(&out, c, (size_t)(next - c));
		break;
	default: /* swap with the previous letter */
		tg_strbuf_add(&out, str, at[k - 1]);
		tg_strbuf_add(&out, c, (size_t)(next - c));
		tg_strbuf_add(&out, prev, (size_t)(c - prev));
	}
	tg_strbuf_adds(&out, next);
	tg_strbuf_reset(s);
	tg_strbuf_adds(s, tg_strbuf_str(&out));
	tg_strbuf_release(&out);
}

/* What OCR of a scanned list reads a glyph or a pair of them as. */
static const struct {
	const char *from, *to;
} ocr_confusions[] = {
	{"rn", "m"}, {"m", "rn"}, {"cl", "d"}, {"d", "cl"}, {"l", "1"}, {"l", "I"}, {"I", "l"},
	{"I", "1"}, {"O", "0"}, {"o", "0"}, {"e", "c"}, {"c", "e"},
	{"ш", "щ"}, {"щ", "ш"}, {"и", "н"}, {"н", "и"}, {"е", "ё"}, {"ё", "е"}, {"з", "3"},
	{"З", "3"}, {"б", "6"}, {"о", "0"}, {"О", "0"},
};
enum { NOCR = sizeof ocr_confusions / sizeof ocr_confusions[0] };

/* Index of the OCR confusion that matches at c, from k on; NOCR if none. */
static size_t ocr_match(const char *c, size_t k)
{
	for (; k < NOCR; k++)
		if (!strncmp(c, ocr_confusions[k].from, strlen(ocr_confusions[k].from)))
			return k;
	return NOCR;
}

static uint32_t ocr_matches(const char *c)
{
	uint32_t n = 0;
	for (size_t k = ocr_match(c, 0); k < NOCR; k = ocr_match(c, k + 1))
		n++;
	return n;
}

/* Makes one of the mistakes OCR could make in s, chosen uniformly among
 * them; leaves s as it is if there is none. */
void gen_ocr(tg_strbuf *s, tg_rng *r)
{
	const char *str = tg_strbuf_str(s), *c;
	uint32_t n = 0;
	for (c = str; *c; c++)
		n += ocr_matches(c);
	if (!n)
		return;
	uint32_t pick = tg_rng_below(r, n);
	for (c = str; pick >= ocr_matches(c); c++)
		pick -= ocr_matches(c);
	size_t k = ocr_match(c, 0);
	while (pick--)
		k = ocr_match(c, k + 1);
	tg_strbuf out = TG_STRBUF_INIT;
	tg_strbuf_add(&out, str, (size_t)(c - str));
	tg_strbuf_adds(&out, ocr_confusions[k].to);
	tg_strbuf_adds(&out, c + strlen(ocr_confusions[k].from));
	tg_strbuf_reset(s);
	tg_strbuf_adds(s, tg_strbuf_str(&out));
	tg_strbuf_release(&out);
}

/* One digit of the year's last two changed, the year still plausible. */
int gen_year_typo(int y, tg_rng *r)
{
	for (;;) {
		int unit = tg_rng_below(r, 2) ? 1 : 10, digit = y / unit % 10;
		int t = y + ((digit + 1 + (int)tg_rng_below(r, 9)) % 10 - digit) * unit;
		if (t >= 1920 && t <= 2021)
			return t;
	}
}

