/* What the text module's files share; not part of the public API. */
#ifndef TG_TEXT_INT_H
#define TG_TEXT_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/util.h"

/* The code point at s into *cp; returns its length in bytes, 0 if the
 * bytes at s are not UTF-8 (s is NUL-terminated). */
size_t tg_utf8_decode(const unsigned char *s, uint32_t *cp);
void tg_utf8_put(tg_strbuf *sb, uint32_t c);
/* Uppercase of the letters the transliteration tables emit (ASCII,
 * Latin-1, Latin Extended-A and B as used, Cyrillic); others unchanged. */
uint32_t tg_upper_of(uint32_t c);
/* Appends out with its first letter (or, with all, every letter) in
 * uppercase when upper. */
void tg_put_cased(tg_strbuf *sb, const char *out, bool upper, bool all);

/* Name keys (namekey.c, letters.c).  Sound classes: vowels, the glide Y,
 * consonants. */
enum {
	X_NONE,
	X_A, X_E, X_I, X_O, X_U, X_Y,
	X_B, X_V, X_G, X_D, X_Z, X_ZH, X_K, X_L, X_M, X_N, X_P, X_R, X_S, X_T, X_F,
	X_KH, X_CH, X_SH,
	NCLASSES
};

/* What a code point is to the name key lexer. */
enum { U_SKIP, U_LATIN, U_FIXED, U_APOS, U_SIGN };

typedef struct nk_unit {
	uint8_t kind;
	uint8_t a, b; /* U_FIXED: one or two classes */
	char ch;      /* U_LATIN: the lowercase ASCII letter */
} nk_unit;

#define NK_MAXU 64

typedef struct nk_units {
	nk_unit u[NK_MAXU];
	int n;
} nk_units;

/* The units of the len bytes of UTF-8 at s, at most NK_MAXU; invalid bytes
 * and characters that are no letter, sign or apostrophe are skipped, and
 * combining marks fold into their letter. */
void tg_nk_decode(const char *s, size_t len, nk_units *us);

#endif
