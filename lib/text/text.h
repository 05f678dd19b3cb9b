/*
 * text — Unicode text for names and search: case folding, script
 * detection and transliteration between Cyrillic (Kazakh, Russian) and
 * the Latin schemes people use.
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

#endif
