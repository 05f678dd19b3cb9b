/*
 * text — Unicode text for names and search: case folding, script
 * detection, transliteration between Cyrillic (Kazakh, Russian) and the
 * Latin schemes people use, name keys shared by every spelling of a name,
 * name token roles, stemming, and locale formatting of dates and numbers.
 */
#ifndef TG_TEXT_H
#define TG_TEXT_H

#include <stddef.h>

/* NFC-normalised, case-folded copy of s (UTF-8). Caller frees; NULL on
 * invalid UTF-8. */
char *tg_text_fold(const char *s);

/* "Cyrl", "Latn", "Zyyy" (no letters) or "Mixd" for mixed scripts. */
const char *tg_text_script(const char *s);

/* Transliteration schemes of Cyrillic into Latin (and Kazakh into Russian
 * Cyrillic), named as on the command line. */
enum tg_translit_scheme {
	TG_TR_RU_CYRL,   /* Kazakh letters replaced by the nearest Russian ones */
	TG_TR_ICAO,      /* ICAO Doc 9303 passports (2013 on): IULIIA */
	TG_TR_MVD310,    /* older Soviet/Russian passports: YULIYA */
	TG_TR_BGN,       /* BGN/PCGN (Kazakh letters per BGN/PCGN 1979) */
	TG_TR_ISO9,      /* ISO 9 / scientific, with diacritics */
	TG_TR_KZ2017,    /* Kazakh Latin 2017 (apostrophes) */
	TG_TR_KZ2018,    /* Kazakh Latin 2018 (acute accents) */
	TG_TR_KZ2021,    /* Kazakh Latin 2021 (ä ğ q ñ ö ū ü ı ş) */
	TG_TR_PRESS,     /* English press usage: Isayev, Nursultan */
	TG_TR_ASCII,     /* folded to plain ASCII */
	TG_TR_COUNT
};
/* Scheme by its command-line name ("icao", "kz2021", ...); -1 if unknown. */
int tg_translit_scheme_by_name(const char *name);
const char *tg_translit_scheme_name(int scheme);
/* Transliterates UTF-8 text; characters with no rule pass through
 * unchanged, and the case of each letter is kept. Caller frees. */
char *tg_translit(const char *s, int scheme);
/* Latin to Cyrillic, best effort: reads any of the schemes above (and
 * plain English spellings) back into Cyrillic; lang "kk" restores Kazakh
 * letters where the Latin shows them (ä ğ q ñ ö ū ü ı, a' g' ...), "ru"
 * gives Russian letters only. Cyrillic input passes through. Caller frees. */
char *tg_translit_to_cyrillic(const char *s, const char *lang);

/*
 * Name keys: a phonetic skeleton shared by the spellings of one name
 * token (a word) in Kazakh or Russian Cyrillic and in the Latin schemes
 * above, ASCII-folded data included: Нұрсұлтан, Нурсултан, Nursultan,
 * Nūrsūltan, Noursoultan share one key; so do Исаев, Isayev, Isaev, Isaiev.
 * Keys are ASCII, at most TG_NAMEKEY_LEN - 1 bytes.
 */
#define TG_NAMEKEY_LEN 48
#define TG_NAMEKEY_ALTS 8
/* The primary key of one token into out (TG_NAMEKEY_LEN bytes); returns
 * its length, 0 when the token has no letters. */
size_t tg_name_key(const char *token, char out[TG_NAMEKEY_LEN]);
/* The primary key first, then alternative keys for ambiguous Latin
 * spellings (j, x, w, s+h, ...), distinct; returns how many (0 when no
 * letters, at most max). */
int tg_name_keys(const char *token, char out[][TG_NAMEKEY_LEN], int max);
/* The same for the len bytes at token (a tg_name_token, say), which need
 * not be NUL-terminated. */
size_t tg_name_key_n(const char *token, size_t len, char out[TG_NAMEKEY_LEN]);
int tg_name_keys_n(const char *token, size_t len, char out[][TG_NAMEKEY_LEN], int max);

/* Name tokens and their roles. */
enum tg_token_role {
	TG_ROLE_UNKNOWN,
	TG_ROLE_GIVEN,
	TG_ROLE_FAMILY,
	TG_ROLE_PATRONYMIC,
};
typedef struct tg_name_token {
	const char *start; /* into the parsed name, not NUL-terminated */
	size_t len;
	enum tg_token_role role;
	int sex; /* 'm', 'f' when a suffix tells (-ова, -қызы, -овна), else 0 */
} tg_name_token;
/* Splits name into word tokens (at most max) and assigns roles from
 * patronymic suffixes (-ович/-евич/-овна/-евна/-ич, -ұлы/-улы/-uly/-uli,
 * -қызы/-кызы/-qyzy/-kyzy), surname suffixes (-ов/-ев/-ова/-ева/-ин/-ина/
 * -ский and Latin forms) and name order: order "ru" is a Russian list
 * (family given patronymic), "en" given family, NULL guesses from the
 * suffixes. Returns the number of tokens. */
int tg_name_tokens(const char *name, const char *order, tg_name_token *out, int max);

/* Stems a folded word for full-text search: Snowball for "ru" and "en",
 * a light suffix stripper for "kk"; unknown lang guesses from the script.
 * Caller frees. */
char *tg_text_stem(const char *word, const char *lang);

/* Dates and numbers for people, per language ("kk", "ru", "en"), through
 * ICU: "2024-02-05" is «5 ақпан 2024 ж.», «5 февраля 2024 г.», "5 February
 * 2024"; "2023-02" is «ақпан 2023 ж.», «февраль 2023 г.», "February 2023";
 * "2022" stays; "~" becomes «шамамен», «около», "about". Invalid input is
 * returned as is. Caller frees. */
char *tg_text_format_date(const char *pdate, const char *lang);
/* 1234567 as «1 234 567» (kk, ru) or "1,234,567" (en). Caller frees. */
char *tg_text_format_int(long long n, const char *lang);

#endif
