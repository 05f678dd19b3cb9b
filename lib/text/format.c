/*
 * Locale formatting of partial dates and integers for people reading
 * Kazakh, Russian or English.  ICU supplies month names in the right
 * grammatical form and the digit grouping; the date patterns are spelled
 * out here per language and precision, so the output does not move with
 * CLDR's default skeletons.
 *
 * Workload: a listing formats a few hundred dates.  Opening a UDateFormat
 * costs about 16 µs and formatting with an open one under 1 µs, so the
 * date formatters (and the calendar that carries the date to them) are
 * made on first use and kept for the life of the process, in one table
 * behind a mutex: threads take turns for that microsecond.  Per-thread
 * copies would need no lock but leave some 100 KB behind each thread that
 * ends.  A number formatter opens in about 3 µs and is opened per call.
 */
#include <float.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/uchar.h>
#include <unicode/ucal.h>
#include <unicode/udat.h>
#include <unicode/unum.h>
#include <unicode/ustring.h>

#include "text/text.h"
#include "util/util.h"

enum { PREC_YEAR, PREC_MONTH, PREC_DAY, PREC_COUNT };

/* Patterns by [approximate][precision].  Kazakh uses MMMM for the month
 * alone: its standalone form (LLLL) is capitalised in CLDR («Ақпан»).
 * Russian uses the standalone nominative (LLLL) for the month alone, but
 * the genitive after «около» («около февраля 2023 г.»). */
static const struct lang_format {
	const char *lang, *locale;
	const char *pattern[2][PREC_COUNT];
} langs[] = {
	{"kk", "kk_KZ", {
		{"y 'ж.'", "MMMM y 'ж.'", "d MMMM y 'ж.'"},
		{"'шамамен' y 'ж.'", "'шамамен' MMMM y 'ж.'", "'шамамен' d MMMM y 'ж.'"},
	}},
	{"ru", "ru_RU", {
		{"y 'г.'", "LLLL y 'г.'", "d MMMM y 'г.'"},
		{"'около' y 'г.'", "'около' MMMM y 'г.'", "'около' d MMMM y 'г.'"},
	}},
	/* Last: the fallback for any other language. */
	{"en", "en_GB", {
		{"y", "MMMM y", "d MMMM y"},
		{"'about' y", "'about' MMMM y", "'about' d MMMM y"},
	}},
};
#define LANG_COUNT (sizeof langs / sizeof langs[0])

static size_t lang_index(const char *lang)
{
	for (size_t i = 0; lang && i < LANG_COUNT - 1; i++)
		if (!strcmp(lang, langs[i].lang))
			return i;
	return LANG_COUNT - 1;
}

static const UChar utc[] = {'U', 'T', 'C', 0};

/* A UTC Gregorian calendar with no Julian period, so that every date
 * tg_date_valid accepts exists (1582-10-10 included) and reads as written.
 * It only carries the date fields: its locale does not matter. */
static UCalendar *open_calendar(void)
{
	UErrorCode st = U_ZERO_ERROR;
	UCalendar *cal = ucal_open(utc, -1, "und", UCAL_GREGORIAN, &st);
	ucal_setGregorianChange(cal, U_DATE_MIN, &st);
	if (U_FAILURE(st)) {
		ucal_close(cal);
		return NULL;
	}
	return cal;
}

static UDateFormat *open_date_format(size_t lang, int approx, int prec)
{
	const char *pat8 = langs[lang].pattern[approx][prec];
	UChar pat[64];
	UErrorCode st = U_ZERO_ERROR;
	u_strFromUTF8(pat, (int32_t)(sizeof pat / sizeof pat[0]), NULL, pat8, -1, &st);
	UDateFormat *f = udat_open(UDAT_PATTERN, UDAT_PATTERN, langs[lang].locale, utc, -1,
	                           pat, -1, &st);
	if (U_FAILURE(st)) {
		udat_close(f);
		return NULL;
	}
	return f;
}

/* Filled on first use, never closed; lock held around every use. */
static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static struct {
	UDateFormat *fmt[LANG_COUNT][2][PREC_COUNT];
	UCalendar *cal;
} cache;

static UDateFormat *date_format(size_t lang, int approx, int prec)
{
	UDateFormat **slot = &cache.fmt[lang][approx][prec];
	if (!*slot)
		*slot = open_date_format(lang, approx, prec);
	return *slot;
}

static UCalendar *calendar(void)
{
	if (!cache.cal)
		cache.cal = open_calendar();
	return cache.cal;
}

/* UTF-8 copy of u; NULL when out of memory or u is not valid UTF-16. */
static char *utf8_from_uchars(const UChar *u, int32_t n)
{
	UErrorCode st = U_ZERO_ERROR;
	int32_t len;
	u_strToUTF8(NULL, 0, &len, u, n, &st);
	if (st != U_BUFFER_OVERFLOW_ERROR && U_FAILURE(st))
		return NULL;
	char *out = malloc((size_t)len + 1);
	if (!out)
		return NULL;
	st = U_ZERO_ERROR;
	u_strToUTF8(out, len + 1, NULL, u, n, &st);
	if (U_FAILURE(st)) {
		free(out);
		return NULL;
	}
	return out;
}

/* Formats d into buf; returns its length, or -1 when ICU fails.  Called
 * with cache_lock held. */
static int32_t format_pdate(const tg_pdate *d, size_t lang, UChar *buf, int32_t cap)
{
	int prec = d->day ? PREC_DAY : d->month ? PREC_MONTH : PREC_YEAR;
	UDateFormat *fmt = date_format(lang, d->approx, prec);
	if (!fmt)
		return -1;
	UCalendar *cal = calendar();
	if (!cal)
		return -1;
	UErrorCode st = U_ZERO_ERROR;
	ucal_clear(cal);
	ucal_setDate(cal, d->year, UCAL_JANUARY + (d->month ? d->month - 1 : 0),
	             d->day ? d->day : 1, &st);
	int32_t n = udat_formatCalendar(fmt, cal, buf, cap, NULL, &st);
	return U_FAILURE(st) || st == U_STRING_NOT_TERMINATED_WARNING ? -1 : n;
}

/*
 * tg_text_format_date: pdate is anything tg_pdate_parse accepts ("2024-02-05",
 * "2023-02", "2022", "~2022", "05.02.2024"); lang is "kk", "ru" or "en", and
 * anything else (NULL included) means "en".  Returns a new string: the date
 * for people in that language, computed in UTC; a copy of pdate when it is
 * not a possible date (or ICU lacks the locale data).  NULL only when out of
 * memory or pdate is NULL.  Caller frees.
 */
char *tg_text_format_date(const char *pdate, const char *lang)
{
	if (!pdate)
		return NULL;
	tg_pdate d;
	if (tg_pdate_parse(pdate, &d, NULL) != TG_OK)
		return strdup(pdate);
	UChar buf[128];
	pthread_mutex_lock(&cache_lock);
	int32_t n = format_pdate(&d, lang_index(lang), buf, (int32_t)(sizeof buf / sizeof buf[0]));
	pthread_mutex_unlock(&cache_lock);
	return n < 0 ? strdup(pdate) : utf8_from_uchars(buf, n);
}

/*
 * tg_text_format_int: n with the digit grouping of lang ("kk", "ru": no-break
 * spaces, U+00A0, whatever space ICU's data gives; anything else: English
 * commas).  Returns a new string, NULL only when out of memory; if ICU
 * fails, the plain decimal digits.  Caller frees.
 */
char *tg_text_format_int(long long n, const char *lang)
{
	UErrorCode st = U_ZERO_ERROR;
	UNumberFormat *nf = unum_open(UNUM_DECIMAL, NULL, 0, langs[lang_index(lang)].locale,
	                              NULL, &st);
	UChar buf[64];
	int32_t len = unum_formatInt64(nf, (int64_t)n, buf, (int32_t)(sizeof buf / sizeof buf[0]),
	                               NULL, &st);
	unum_close(nf);
	if (U_FAILURE(st) || st == U_STRING_NOT_TERMINATED_WARNING) {
		char plain[24];
		snprintf(plain, sizeof plain, "%lld", n);
		return strdup(plain);
	}
	/* Separators are in the BMP; CLDR has moved between U+00A0 and U+202F
	 * for these locales, and output should not change with ICU versions. */
	for (int32_t i = 0; i < len; i++)
		if (u_charType(buf[i]) == U_SPACE_SEPARATOR)
			buf[i] = 0x00A0;
	return utf8_from_uchars(buf, len);
}
