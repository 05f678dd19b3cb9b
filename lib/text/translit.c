/*
 * Transliteration of Kazakh and Russian Cyrillic into the Latin schemes
 * names are actually written in (passports old and new, BGN/PCGN, ISO 9,
 * the three Kazakh Latin alphabets, the English press) and of Kazakh
 * Cyrillic into Russian Cyrillic.
 *
 * Each scheme is a table from the 42 lowercase Cyrillic letters to output
 * strings plus an optional context rule for the few letters whose
 * spelling depends on their neighbours (Russian е → "ye" after a vowel).
 * Schemes with no Kazakh letters of their own (ICAO, MVD 310, ISO 9 as
 * used in practice, the press) apply to the Russified form.  BGN/PCGN has
 * separate Russian and Kazakh systems: a word with a Kazakh-only letter
 * takes the Kazakh one.  Case is applied to the output: "Ж" becomes "Zh"
 * before a lowercase letter and "ZH" inside an all-caps word.

 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "text/text-int.h"
#include "text/text.h"
#include "util/util.h"

/* Letter order of every table: а..я, ё, then the Kazakh letters. */
enum {
	C_A, C_B, C_V, C_G, C_D, C_E, C_ZH, C_Z, C_I, C_J, C_K, C_L, C_M, C_N,
	C_O, C_P, C_R, C_S, C_T, C_U, C_F, C_KH, C_TS, C_CH, C_SH, C_SHCH,
	C_HARD, C_Y, C_SOFT, C_EH, C_YU, C_YA, C_YO,
	K_AE, K_GH, K_Q, K_NG, K_OE, K_UU, K_UE, K_H, K_II,
	NLETTERS
};

/* Nearest Russian letter of each Kazakh one (K_AE .. K_II). */
static const int russified[NLETTERS - K_AE] = {C_A, C_G, C_K, C_N, C_O, C_U, C_U, C_KH, C_I};

typedef struct word {
	const int *l; /* letter indexes */
	int n;
} word;

typedef const char *(*context_fn)(const word *w, int i);

typedef struct scheme {
	const char *name;
	const char *const *map; /* NLETTERS entries; only the Russian 33 where
	                         * Kazakh letters never reach the table */
	bool russify;           /* look Kazakh letters up as their Russian ones */
	context_fn context;     /* may return NULL: use map */
	const struct scheme *kazakh; /* used instead for words with Kazakh letters */
	bool fold_latin;        /* also fold Latin diacritics to ASCII */
} scheme;

static bool is_vowel(int l)
{
	switch (l) {
	case C_A: case C_E: case C_I: case C_O: case C_U: case C_Y: case C_EH:
	case C_YU: case C_YA: case C_YO: case K_AE: case K_OE: case K_UU:
	case K_UE: case K_II:
		return true;
	default:
		return false;
	}
}

static int at(const word *w, int i)
{
	return i >= 0 && i < w->n ? w->l[i] : -1;
}

/* е/ё are iotated at the start of a word and after a vowel or a sign. */
static bool iotated(const word *w, int i)
{
	int p = at(w, i - 1);
	return p < 0 || is_vowel(p) || p == C_J || p == C_HARD || p == C_SOFT;
}

static const char *bgn_ru_context(const word *w, int i)
{
	int l = at(w, i), p = at(w, i - 1), nx = at(w, i + 1);
	bool next_hard = nx == C_A || nx == C_U || nx == C_Y || nx == C_EH;
	switch (l) {
	case C_E:
		return iotated(w, i) ? "ye" : NULL;
	case C_YO:
		return iotated(w, i) ? "yë" : NULL;
	case C_Y:
		if (next_hard)
			return "y·";
		return p >= 0 && is_vowel(p) ? "·y" : NULL;
	case C_J:
		return next_hard ? "y·" : NULL;
	case C_EH:
		return p >= 0 && !is_vowel(p) && p != C_J && p != C_HARD && p != C_SOFT ? "·e" : NULL;
	case C_T:
		return nx == C_S ? "t·" : NULL;
	case C_SH:
		return nx == C_CH ? "sh·" : NULL;
	default:
		return NULL;
	}
}

static const char *bgn_kk_context(const word *w, int i)
{
	return at(w, i) == C_N && at(w, i + 1) == C_G ? "n·" : NULL;
}

static const char *mvd310_context(const word *w, int i)
{
	int l = at(w, i);
	if ((l == C_SOFT || l == C_HARD) && at(w, i + 1) == C_E)
		return "";
	if (l == C_E && (at(w, i - 1) == C_SOFT || at(w, i - 1) == C_HARD))
		return "ye";
	return NULL;
}

static const char *press_context(const word *w, int i)
{
	int l = at(w, i);
	bool last = i == w->n - 1;
	switch (l) {
	case C_E:
		return iotated(w, i) ? "ye" : NULL;
	case C_J:
		return last ? "y" : NULL;
	case C_I:
	case C_Y:
		/* Dmitriy, Krasnyy → Dmitry, Krasny */
		return i == w->n - 2 && at(w, i + 1) == C_J && i > 0 ? "" : NULL;
	default:
		return NULL;
	}
}

/* Tables, in enum order:
 * а б в г д е ж з и й к л м н о п р с т у ф х ц ч ш щ ъ ы ь э ю я ё
 * ә ғ қ ң ө ұ ү һ і */
static const char *const map_ru[NLETTERS] = {
	"а", "б", "в", "г", "д", "е", "ж", "з", "и", "й", "к", "л", "м", "н", "о",
	"п", "р", "с", "т", "у", "ф", "х", "ц", "ч", "ш", "щ", "ъ", "ы", "ь", "э",
	"ю", "я", "ё", "а", "г", "к", "н", "о", "у", "у", "х", "и"};
static const char *const map_icao[NLETTERS] = {
	"a", "b", "v", "g", "d", "e", "zh", "z", "i", "i", "k", "l", "m", "n", "o",
	"p", "r", "s", "t", "u", "f", "kh", "ts", "ch", "sh", "shch", "ie", "y", "", "e",
	"iu", "ia", "e"};
static const char *const map_mvd310[NLETTERS] = {
	"a", "b", "v", "g", "d", "e", "zh", "z", "i", "y", "k", "l", "m", "n", "o",
	"p", "r", "s", "t", "u", "f", "kh", "ts", "ch", "sh", "shch", "\"", "y", "'", "e",
	"yu", "ya", "e"};
static const char *const map_bgn_ru[NLETTERS] = {
	"a", "b", "v", "g", "d", "e", "zh", "z", "i", "y", "k", "l", "m", "n", "o",
	"p", "r", "s", "t", "u", "f", "kh", "ts", "ch", "sh", "shch", "”", "y", "’", "e",
	"yu", "ya", "ë"};
static const char *const map_bgn_kk[NLETTERS] = {
	"a", "b", "v", "g", "d", "e", "zh", "z", "ī", "ĭ", "k", "l", "m", "n", "o",
	"p", "r", "s", "t", "ū", "f", "kh", "ts", "ch", "sh", "shch", "ʺ", "y", "ʹ", "e",
	"yu", "ya", "ë", "ä", "gh", "q", "ng", "ö", "u", "ü", "h", "i"};
static const char *const map_iso9[NLETTERS] = {
	"a", "b", "v", "g", "d", "e", "ž", "z", "i", "j", "k", "l", "m", "n", "o",
	"p", "r", "s", "t", "u", "f", "h", "c", "č", "š", "ŝ", "ʺ", "y", "ʹ", "è",
	"û", "â", "ë"};
static const char *const map_kz2017[NLETTERS] = {
	"a", "b", "v", "g", "d", "e", "j", "z", "i'", "i'", "k", "l", "m", "n", "o",
	"p", "r", "s", "t", "y'", "f", "h", "ts", "c'", "s'", "s'", "", "y", "", "e",
	"i'y'", "i'a", "i'o", "a'", "g'", "q", "n'", "o'", "u", "u'", "h", "i"};
static const char *const map_kz2018[NLETTERS] = {
	"a", "b", "v", "g", "d", "e", "j", "z", "ı", "ı", "k", "l", "m", "n", "o",
	"p", "r", "s", "t", "ý", "f", "h", "ts", "ch", "sh", "sh", "", "y", "", "e",
	"ıý", "ıa", "ıo", "á", "ǵ", "q", "ń", "ó", "u", "ú", "h", "i"};
static const char *const map_kz2021[NLETTERS] = {
	"a", "b", "v", "g", "d", "e", "j", "z", "i", "i", "k", "l", "m", "n", "o",
	"p", "r", "s", "t", "u", "f", "h", "ts", "ch", "ş", "ş", "", "y", "", "e",
	"iu", "ia", "io", "ä", "ğ", "q", "ñ", "ö", "ū", "ü", "h", "ı"};
static const char *const map_press[NLETTERS] = {
	"a", "b", "v", "g", "d", "e", "zh", "z", "i", "i", "k", "l", "m", "n", "o",
	"p", "r", "s", "t", "u", "f", "kh", "ts", "ch", "sh", "shch", "", "y", "", "e",
	"yu", "ya", "yo"};
/* ASCII: the US government's 2015 Kazakh romanization, which keeps the
 * Kazakh letters apart without diacritics (q, gh, ng). */
static const char *const map_ascii[NLETTERS] = {
	"a", "b", "v", "g", "d", "e", "zh", "z", "i", "y", "k", "l", "m", "n", "o",
	"p", "r", "s", "t", "u", "f", "kh", "ts", "ch", "sh", "shch", "", "y", "", "e",
	"yu", "ya", "yo", "a", "gh", "q", "ng", "o", "u", "u", "h", "i"};

static const scheme bgn_kk = {"bgn", map_bgn_kk, false, bgn_kk_context, NULL, false};

static const scheme schemes[TG_TR_COUNT] = {
	[TG_TR_RU_CYRL] = {"ru", map_ru, false, NULL, NULL, false},
	[TG_TR_ICAO] = {"icao", map_icao, true, NULL, NULL, false},
	[TG_TR_MVD310] = {"mvd310", map_mvd310, true, mvd310_context, NULL, false},
	[TG_TR_BGN] = {"bgn", map_bgn_ru, false, bgn_ru_context, &bgn_kk, false},
	[TG_TR_ISO9] = {"iso9", map_iso9, true, NULL, NULL, false},
	[TG_TR_KZ2017] = {"kz2017", map_kz2017, false, NULL, NULL, false},
	[TG_TR_KZ2018] = {"kz2018", map_kz2018, false, NULL, NULL, false},
	[TG_TR_KZ2021] = {"kz2021", map_kz2021, false, NULL, NULL, false},
	[TG_TR_PRESS] = {"press", map_press, true, press_context, NULL, false},
	[TG_TR_ASCII] = {"ascii", map_ascii, false, NULL, NULL, true},
};

int tg_translit_scheme_by_name(const char *name)
{
	for (int i = 0; i < TG_TR_COUNT; i++)
		if (name && strcmp(name, schemes[i].name) == 0)
			return i;
	return -1;
}

const char *tg_translit_scheme_name(int scheme_id)
{
	return scheme_id >= 0 && scheme_id < TG_TR_COUNT ? schemes[scheme_id].name : NULL;
}

/* Letter index of a Cyrillic code point, or -1; *upper tells its case. */
static int letter_of(uint32_t c, bool *upper)
{
	static const uint32_t kazakh[NLETTERS - K_AE] = {0x4D9, 0x493, 0x49B, 0x4A3, 0x4E9,
	                                                  0x4B1, 0x4AF, 0x4BB, 0x456};
	*upper = false;
	if (c >= 0x430 && c <= 0x44F)
		return (int)(c - 0x430);
	if (c >= 0x410 && c <= 0x42F) {
		*upper = true;
		return (int)(c - 0x410);
	}
	if (c == 0x451 || c == 0x401) {
		*upper = c == 0x401;
		return C_YO;
	}
	for (int i = 0; i < NLETTERS - K_AE; i++) {
		/* Kazakh capitals are one below their small letters, except І. */
		uint32_t cap = kazakh[i] == 0x456 ? 0x406 : kazakh[i] - 1;
		if (c == kazakh[i] || c == cap) {
			*upper = c == cap;
			return K_AE + i;
		}
	}
	return -1;
}

/* Uppercase of the letters the tables emit (ASCII, Latin-1, Latin
 * Extended-A and B as used, Cyrillic); others are returned unchanged. */
uint32_t tg_upper_of(uint32_t c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 0xE0 && c <= 0xFE && c != 0xF7) ||
	    (c >= 0x430 && c <= 0x44F))
		return c - 0x20;
	if (c >= 0x450 && c <= 0x45F)
		return c - 0x50;
	if (c == 0x131)
		return 'I';
	if (c == 0x1F5)
		return 0x1F4;
	if ((c >= 0x100 && c <= 0x137) || (c >= 0x14A && c <= 0x177))
		return c & 1 ? c - 1 : c;
	if ((c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17E))
		return c & 1 ? c : c - 1;
	if (c >= 0x4D0 && c <= 0x4FF)
		return c & 1 ? c - 1 : c;
	if (c >= 0x490 && c <= 0x4BF)
		return c & 1 ? c - 1 : c;
	return c;
}

/* ASCII base of each Latin letter U+00C0..U+017F; * marks ligatures and
 * signs. */
static const char latin_base[] =
	"AAAAAA*CEEEEIIIIDNOOOOO*OUUUUYT*aaaaaa*ceeeeiiiidnooooo*ouuuuyty"
	"AaAaAaCcCcCcCcDdDdEeEeEeEeEeGgGgGgGgHhHhIiIiIiIiIi**JjKkkLlLlLlL"
	"lLlNnNnNnnNnOoOoOo**RrRrRrSsSsSsSsTtTtTtUuUuUuUuUuUuWwYyYZzZzZzs";

size_t tg_utf8_decode(const unsigned char *s, uint32_t *cp)
{
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	int n = (s[0] & 0xE0) == 0xC0 ? 2 : (s[0] & 0xF0) == 0xE0 ? 3 : (s[0] & 0xF8) == 0xF0 ? 4 : 0;
	if (!n)
		return 0;
	uint32_t c = s[0] & (0x7F >> n);
	for (int i = 1; i < n; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3F);
	}
	*cp = c;
	return (size_t)n;
}

void tg_utf8_put(tg_strbuf *sb, uint32_t c)
{
	char b[4];
	size_t n;
	if (c < 0x80) {
		b[0] = (char)c;
		n = 1;
	} else if (c < 0x800) {
		b[0] = (char)(0xC0 | (c >> 6));
		b[1] = (char)(0x80 | (c & 0x3F));
		n = 2;
	} else if (c < 0x10000) {
		b[0] = (char)(0xE0 | (c >> 12));
		b[1] = (char)(0x80 | ((c >> 6) & 0x3F));
		b[2] = (char)(0x80 | (c & 0x3F));
		n = 3;
	} else {
		b[0] = (char)(0xF0 | (c >> 18));
		b[1] = (char)(0x80 | ((c >> 12) & 0x3F));
		b[2] = (char)(0x80 | ((c >> 6) & 0x3F));
		b[3] = (char)(0x80 | (c & 0x3F));
		n = 4;
	}
	tg_strbuf_add(sb, b, n);
}

/* Appends a non-Cyrillic code point, folded to ASCII when asked. */
static void put_other(tg_strbuf *sb, uint32_t c, bool fold)
{
	if (!fold || c < 0x80) {
		tg_utf8_put(sb, c);
		return;
	}
	if (c >= 0xC0 && c <= 0x17F) {
		static const struct { uint32_t c; const char *s; } lig[] = {
			{0xC6, "AE"}, {0xE6, "ae"}, {0xDF, "ss"}, {0x132, "IJ"},
			{0x133, "ij"}, {0x152, "OE"}, {0x153, "oe"}};
		char b = latin_base[c - 0xC0];
		if (b != '*') {
			tg_strbuf_addc(sb, b);
			return;
		}
		for (size_t i = 0; i < sizeof lig / sizeof lig[0]; i++)
			if (lig[i].c == c) {
				tg_strbuf_adds(sb, lig[i].s);
				return;
			}
		tg_utf8_put(sb, c); /* × and ÷ */
		return;
	}
	if (c == 0x1F4 || c == 0x1F5)
		tg_strbuf_addc(sb, c == 0x1F4 ? 'G' : 'g');
	else if (c == 0x2018 || c == 0x2019 || c == 0x2BC)
		tg_strbuf_addc(sb, '\'');
	else if (c == 0x201C || c == 0x201D)
		tg_strbuf_addc(sb, '"');
	/* Modifier primes, middle dots and combining marks fold to nothing. */
	else if (!(c == 0x2B9 || c == 0x2BA || c == 0xB7 || (c >= 0x300 && c <= 0x36F)))
		tg_utf8_put(sb, c);
}

/* Appends out with its first letter (or all letters) in uppercase. */
void tg_put_cased(tg_strbuf *sb, const char *out, bool upper, bool all)
{
	const unsigned char *p = (const unsigned char *)out;
	bool first = true;
	while (*p) {
		uint32_t c;
		size_t n = tg_utf8_decode(p, &c);
		if (!n) {
			c = *p;
			n = 1;
		}
		tg_utf8_put(sb, upper && (all || first) ? tg_upper_of(c) : c);
		if (c != '\'' && c != '"')
			first = false;
		p += n;
	}
}

static bool has_kazakh(const word *w)
{
	for (int i = 0; i < w->n; i++)
		if (w->l[i] >= K_AE)
			return true;
	return false;
}

/* Transliterates one run of Cyrillic letters; rl is scratch space for
 * the Russified letters (w->n entries). */
static void put_word(tg_strbuf *sb, const scheme *sc, const word *w, const bool *up, int *rl)
{
	if (sc->kazakh && has_kazakh(w))
		sc = sc->kazakh;
	word rw = {w->l, w->n};
	if (sc->russify) {
		for (int i = 0; i < w->n; i++)
			rl[i] = w->l[i] >= K_AE ? russified[w->l[i] - K_AE] : w->l[i];
		rw.l = rl;
	}
	for (int i = 0; i < w->n; i++) {
		const char *out = sc->context ? sc->context(&rw, i) : NULL;
		if (!out)
			out = sc->map[rw.l[i]];
		bool next_up = i + 1 < w->n && up[i + 1];
		bool next_low = i + 1 < w->n && !up[i + 1];
		bool all = next_up || (!next_low && i > 0 && up[i - 1]);
		tg_put_cased(sb, out, up[i], all);
	}
}

char *tg_translit(const char *s, int scheme_id)
{
	if (scheme_id < 0 || scheme_id >= TG_TR_COUNT)
		scheme_id = TG_TR_ASCII;
	const scheme *sc = &schemes[scheme_id];
	size_t len = strlen(s);
	int *letters = malloc(2 * (len + 1) * sizeof *letters);
	bool *up = malloc(len + 1);
	if (!letters || !up)
		abort();
	tg_strbuf sb = TG_STRBUF_INIT;
	const unsigned char *p = (const unsigned char *)s;
	int n = 0;
	for (;;) {
		uint32_t c = 0;
		size_t k = *p ? tg_utf8_decode(p, &c) : 0;
		bool u = false;
		int l = *p && k ? letter_of(c, &u) : -1;
		if (l >= 0) {
			/* Decomposed й and ё: и/е followed by a combining breve/diaeresis. */
			uint32_t m;
			size_t km = p[k] ? tg_utf8_decode(p + k, &m) : 0;
			if (km && ((l == C_I && m == 0x306) || (l == C_E && m == 0x308))) {
				l = l == C_I ? C_J : C_YO;
				k += km;
			}
			letters[n] = l;
			up[n++] = u;
			p += k;
			continue;
		}
		if (n) {
			word w = {letters, n};
			put_word(&sb, sc, &w, up, letters + len + 1);
			n = 0;
		}
		if (!*p)
			break;
		if (!k) {
			tg_strbuf_addc(&sb, (char)*p++); /* invalid UTF-8: pass the byte */
			continue;
		}
		put_other(&sb, c, sc->fold_latin);
		p += k;
	}
	free(letters);
	free(up);
	return tg_strbuf_detach(&sb);
}
