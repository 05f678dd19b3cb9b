/*
 * Latin back to Cyrillic, best effort (tg_translit_to_cyrillic): NFC, then
 * a greedy reading of each Latin word, longest sequence first (schtsch,
 * shch, zh, kh, ...), with the glides decided by their neighbours (ya is я
 * at the start, ья after a consonant) and the Kazakh letters kept for
 * "kk".  Other text, Cyrillic included, passes through.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>

#include "text/text-int.h"
#include "text/text.h"
#include "util/util.h"


/* Lowercase of a Latin letter (ASCII, Latin-1, Extended-A and the few of
 * Extended-B the schemes use); *upper tells the case. Others unchanged. */
static uint32_t lower_latin(uint32_t c, bool *upper)
{
	uint32_t l = c;
	if ((c >= 'A' && c <= 'Z') || (c >= 0xC0 && c <= 0xDE && c != 0xD7))
		l = c + 0x20;
	else if (c == 0x130)
		l = 'i';
	else if (c == 0x178)
		l = 0xFF;
	else if (c == 0x18F)
		l = 0x259;
	else if (((c >= 0x100 && c <= 0x137) || (c >= 0x14A && c <= 0x177) ||
	          (c >= 0x1E6 && c <= 0x1E7) || (c >= 0x1F4 && c <= 0x1F5) ||
	          (c >= 0x218 && c <= 0x21B)) && !(c & 1) && c != 0x131)
		l = c + 1;
	else if (((c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17E) ||
	          (c >= 0x1CD && c <= 0x1DC)) && (c & 1))
		l = c + 1;
	*upper = l != c;
	return l;
}

static bool is_latin_letter(uint32_t c)
{
	return (c < 0x80 && ((c | 0x20) >= 'a' && (c | 0x20) <= 'z')) ||
	       (c >= 0xC0 && c <= 0x24F && c != 0xD7 && c != 0xF7) || c == 0x259;
}

/* Apostrophes (kz2017 and MVD 310) read as '; primes stay themselves. */
static bool is_apostrophe(uint32_t c)
{
	return c == '\'' || c == 0x2019 || c == 0x2018 || c == 0x2BC || c == 0x2BB;
}

static bool latin_vowel(uint32_t c)
{
	static const uint32_t v[] = {'a', 'e', 'i', 'o', 'u', 'y', 0xE0, 0xE1, 0xE2, 0xE3, 0xE4,
	                             0xE5, 0xE8, 0xE9, 0xEA, 0xEB, 0xEC, 0xED, 0xEE, 0xEF, 0xF2,
	                             0xF3, 0xF4, 0xF5, 0xF6, 0xF9, 0xFA, 0xFB, 0xFC, 0xFD, 0x101,
	                             0x103, 0x113, 0x12B, 0x12D, 0x131, 0x14D, 0x16B, 0x259};
	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
		if (v[i] == c)
			return true;
	return false;
}

typedef struct cyr_rule {
	const char *lat; /* lowercase; ' stands for any apostrophe */
	const char *ru, *kk;
} cyr_rule;

/* Longest first where one is a prefix of another. */
static const cyr_rule cyr_rules[] = {
	{"schtsch", "щ", "щ"}, {"shch", "щ", "щ"}, {"tsch", "ч", "ч"}, {"sch", "ш", "ш"},
	{"tch", "ч", "ч"}, {"şş", "щ", "щ"}, {"zh", "ж", "ж"}, {"kh", "х", "х"}, {"sh", "ш", "ш"},
	{"ch", "ч", "ч"}, {"ts", "ц", "ц"}, {"tz", "ц", "ц"}, {"gh", "г", "ғ"}, {"ph", "ф", "ф"},
	{"ck", "к", "к"}, {"ou", "у", "у"}, {"s'", "ш", "ш"}, {"c'", "ч", "ч"}, {"g'", "г", "ғ"},
	{"n'", "н", "ң"}, {"a'", "а", "ә"}, {"o'", "о", "ө"}, {"u'", "у", "ү"}, {"y'", "у", "у"},
	{"a", "а", "а"}, {"b", "б", "б"}, {"c", "ц", "ц"}, {"d", "д", "д"}, {"e", "е", "е"},
	{"f", "ф", "ф"}, {"g", "г", "г"}, {"h", "х", "х"}, {"k", "к", "к"}, {"l", "л", "л"},
	{"m", "м", "м"}, {"n", "н", "н"}, {"o", "о", "о"}, {"p", "п", "п"}, {"q", "к", "қ"},
	{"r", "р", "р"}, {"s", "с", "с"}, {"t", "т", "т"}, {"u", "у", "у"}, {"v", "в", "в"},
	{"w", "в", "у"}, {"x", "кс", "кс"}, {"z", "з", "з"}, {"ä", "а", "ә"}, {"á", "а", "ә"},
	{"ə", "а", "ә"}, {"à", "а", "а"}, {"ā", "а", "а"}, {"â", "я", "я"}, {"ç", "ч", "ч"},
	{"č", "ч", "ч"}, {"ć", "ч", "ч"}, {"ğ", "г", "ғ"}, {"ǵ", "г", "ғ"}, {"ġ", "г", "ғ"},
	{"ñ", "н", "ң"}, {"ń", "н", "ң"}, {"ö", "о", "ө"}, {"ó", "о", "ө"}, {"ô", "о", "о"},
	{"ō", "о", "о"}, {"ü", "у", "ү"}, {"ú", "у", "ү"}, {"ū", "у", "ұ"}, {"û", "ю", "ю"},
	{"ù", "у", "у"}, {"ý", "у", "у"}, {"ş", "ш", "ш"}, {"š", "ш", "ш"}, {"ș", "ш", "ш"},
	{"ŝ", "щ", "щ"}, {"ž", "ж", "ж"}, {"ź", "з", "з"}, {"ż", "з", "з"}, {"é", "е", "е"},
	{"è", "э", "э"}, {"ê", "е", "е"}, {"ë", "ё", "ё"}, {"ē", "е", "е"}, {"ì", "и", "и"},
	{"í", "и", "и"}, {"î", "и", "и"}, {"ï", "и", "и"}, {"ī", "и", "и"}, {"ĭ", "й", "й"},
	{"ț", "ц", "ц"}, {"ʹ", "ь", "ь"}, {"ʺ", "ъ", "ъ"},
};

/* Length in code points of pat if lc[i..] starts with it, else 0. */
static int match_at(const uint32_t *lc, int n, int i, const char *pat)
{
	const unsigned char *p = (const unsigned char *)pat;
	int k = 0;
	while (*p) {
		uint32_t c;
		p += tg_utf8_decode(p, &c);
		if (i + k >= n || lc[i + k] != c)
			return 0;
		k++;
	}
	return k;
}

/* Glides and the letters read by their neighbours: i, ı, y, j. Returns
 * the code points taken (0: none of these) and sets *out. */
static int cyr_context(const uint32_t *lc, int n, int i, bool kk, const char **out)
{
	uint32_t c = lc[i], nx = i + 1 < n ? lc[i + 1] : 0;
	bool start = i == 0, after_v = i > 0 && latin_vowel(lc[i - 1]);
	bool end_or_cons = !nx || (!latin_vowel(nx) && nx != '\'');
	if (c == 'y' && (nx == 'a' || nx == 'u' || nx == 'e' || nx == 'o')) {
		bool soft = !start && !after_v && lc[i - 1] != '\'' && lc[i - 1] != 0x2B9;
		*out = nx == 'a' ? (soft ? "ья" : "я") : nx == 'u' ? (soft ? "ью" : "ю")
		     : nx == 'e' ? (soft ? "ье" : "е") : "ё";
		return 2;
	}
	if (c == 'i' && nx == 'i' && i + 2 < n && lc[i + 2] == 'a') {
		*out = "ия";
		return 3;
	}
	if (c == 'i' && (nx == 'a' || nx == 'u' || nx == 'o' || nx == 'e')) {
		if (nx == 'u')
			*out = "ю";
		else if (nx == 'a')
			*out = start || after_v ? "я" : i + 2 == n ? "ия" : "иа";
		else if (nx == 'o')
			*out = start ? "ио" : after_v ? "йо" : "ё";
		else
			*out = start || after_v ? "е" : "ие";
		return 2;
	}
	if (c == 'w' && kk && !nx && i > 0 && lc[i - 1] == 'o') {
		*out = "в"; /* -ow is -ов (Iwanow), else QazAqparat's у */
		return 1;
	}
	if ((c == 'i' || c == 0x131 || c == 'y' || c == 'j') && !(c == 'y' && nx == '\'')) {
		bool apos = nx == '\'';
		if (after_v && (apos || end_or_cons))
			*out = "й";
		else
			*out = c == 'y' ? "ы" : c == 'j' ? "ж" : c == 0x131 && kk ? "і" : "и";
		return apos ? 2 : 1;
	}
	return 0;
}

/* Writes the Cyrillic of one Latin word (lowercase letters lc, their case
 * in up). */
static void put_cyrillic_word(tg_strbuf *sb, const uint32_t *lc, const bool *up, int n, bool kk)
{
	bool caps = n > 1;
	for (int i = 0; i < n && caps; i++)
		caps = up[i] || !is_latin_letter(lc[i]);
	for (int i = 0; i < n;) {
		const char *out = NULL;
		int k = cyr_context(lc, n, i, kk, &out);
		for (size_t r = 0; !k && r < sizeof cyr_rules / sizeof cyr_rules[0]; r++)
			if ((k = match_at(lc, n, i, cyr_rules[r].lat)))
				out = kk ? cyr_rules[r].kk : cyr_rules[r].ru;
		if (!k && lc[i] == '\'') {
			/* a soft sign after a consonant (Il'yas), else nothing */
			out = i > 0 && !latin_vowel(lc[i - 1]) && i + 1 < n ? "ь" : "";
			k = 1;
		}
		if (!k) {
			tg_utf8_put(sb, up[i] ? tg_upper_of(lc[i]) : lc[i]);
			i++;
			continue;
		}
		tg_put_cased(sb, out, up[i], caps);
		i += k;
	}
}

/* NFC of s (so that u + U+0308 is ü), or NULL when ICU cannot. */
static char *nfc(const char *s)
{
	UErrorCode st = U_ZERO_ERROR;
	int32_t n = (int32_t)strlen(s), ulen = 0, clen, olen;
	UChar *u = malloc(sizeof(UChar) * ((size_t)n + 1));
	UChar *c = malloc(sizeof(UChar) * ((size_t)n * 2 + 1));
	char *out = NULL;
	if (u && c) {
		u_strFromUTF8(u, n + 1, &ulen, s, n, &st);
		const UNormalizer2 *norm = unorm2_getNFCInstance(&st);
		clen = U_SUCCESS(st) ? unorm2_normalize(norm, u, ulen, c, n * 2 + 1, &st) : 0;
		out = U_SUCCESS(st) ? malloc((size_t)n * 3 + 1) : NULL;
		if (out)
			u_strToUTF8(out, n * 3 + 1, &olen, c, clen, &st);
		if (out && U_FAILURE(st)) {
			free(out);
			out = NULL;
		}
	}
	free(u);
	free(c);
	return out;
}

char *tg_translit_to_cyrillic(const char *s, const char *lang)
{
	bool kk = lang && !strcmp(lang, "kk");
	char *norm = nfc(s);
	const unsigned char *p = (const unsigned char *)(norm ? norm : s);
	size_t len = strlen((const char *)p);
	uint32_t *lc = malloc((len + 1) * sizeof *lc);
	bool *up = malloc(len + 1);
	if (!lc || !up)
		abort();
	tg_strbuf sb = TG_STRBUF_INIT;
	int n = 0;
	for (;;) {
		uint32_t c = 0;
		size_t k = *p ? tg_utf8_decode(p, &c) : 0;
		bool in_word = k && (is_latin_letter(c) || c == 0x2B9 || c == 0x2BA ||
		                     (n && is_apostrophe(c)));
		if (in_word) {
			lc[n] = is_apostrophe(c) ? '\'' : lower_latin(c, &up[n]);
			if (is_apostrophe(c) || c == 0x2B9 || c == 0x2BA)
				up[n] = false;
			n++;
			p += k;
			continue;
		}
		if (k && n && c >= 0x300 && c <= 0x36F) { /* marks NFC left: ī̆, i͡a */
			if (c == 0x306 && (lc[n - 1] == 'i' || lc[n - 1] == 0x12B))
				lc[n - 1] = 0x12D; /* ICU's BGN й */
			p += k;
			continue;
		}
		if (n)
			put_cyrillic_word(&sb, lc, up, n, kk);
		n = 0;
		if (!*p)
			break;
		if (!k) {
			tg_strbuf_addc(&sb, (char)*p++);
			continue;
		}
		tg_utf8_put(&sb, c);
		p += k;
	}
	free(lc);
	free(up);
	free(norm);
	return tg_strbuf_detach(&sb);
}
