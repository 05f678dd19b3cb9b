/* Case folding and script detection with ICU. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/uscript.h>
#include <unicode/ustring.h>
#include <unicode/utf8.h>

#include "text/text.h"

char *tg_text_fold(const char *s)
{
	UErrorCode st = U_ZERO_ERROR;
	int32_t n = (int32_t)strlen(s);
	UChar *u = malloc(sizeof(UChar) * ((size_t)n + 1));
	UChar *f = malloc(sizeof(UChar) * ((size_t)n * 3 + 1));
	UChar *c = malloc(sizeof(UChar) * ((size_t)n * 3 + 1));
	char *out = NULL;
	if (!u || !f || !c)
		goto done;
	int32_t ulen;
	u_strFromUTF8(u, n + 1, &ulen, s, n, &st);
	int32_t flen = u_strFoldCase(f, n * 3 + 1, u, ulen, U_FOLD_CASE_DEFAULT, &st);
	const UNormalizer2 *nfc = unorm2_getNFCInstance(&st);
	int32_t clen = U_SUCCESS(st) ? unorm2_normalize(nfc, f, flen, c, n * 3 + 1, &st) : 0;
	if (U_FAILURE(st))
		goto done;
	int32_t olen;
	u_strToUTF8(NULL, 0, &olen, c, clen, &st);
	st = U_ZERO_ERROR;
	out = malloc((size_t)olen + 1);
	if (out)
		u_strToUTF8(out, olen + 1, NULL, c, clen, &st);
	if (U_FAILURE(st)) {
		free(out);
		out = NULL;
	}
done:
	free(u);
	free(f);
	free(c);
	return out;
}

const char *tg_text_script(const char *s)
{
	int32_t i = 0, n = (int32_t)strlen(s);
	bool cyrl = false, latn = false, other = false;
	while (i < n) {
		UChar32 ch;
		U8_NEXT(s, i, n, ch);
		if (ch < 0 || !u_isalpha(ch))
			continue;
		UErrorCode st = U_ZERO_ERROR;
		UScriptCode sc = uscript_getScript(ch, &st);
		if (sc == USCRIPT_CYRILLIC)
			cyrl = true;
		else if (sc == USCRIPT_LATIN)
			latn = true;
		else
			other = true;
	}
	if (cyrl + latn + other > 1)
		return "Mixd";
	return cyrl ? "Cyrl" : latn ? "Latn" : other ? "Mixd" : "Zyyy";
}
