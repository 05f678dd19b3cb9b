/*
 * Partial dates: whatever tg_pdate_parse accepts formats to a canonical
 * text that parses back to the same date and formats to the same text;
 * any text goes through the dates-for-people formatter of each language.
 */
#include <assert.h>

#include "fuzz.h"
#include "text/text.h"
#include "util/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 64)
		return 0; /* a date is short; longer inputs add nothing */
	char *s = fuzz_cstr(data, size);
	tg_pdate d, again;
	tg_error err;
	if (!tg_pdate_parse(s, &d, &err)) {
		assert(d.year >= 1 && d.year <= 9999);
		assert(d.month >= 0 && d.month <= 12 && d.day >= 0 && d.day <= 31);
		assert(d.month || !d.day);
		for (int approx = 0; approx <= 1; approx++) {
			char text[16], text2[16];
			tg_pdate_format(&d, text, sizeof text, approx);
			int rc = tg_pdate_parse(text, &again, &err);
			assert(rc == 0);
			assert(again.year == d.year && again.month == d.month && again.day == d.day);
			assert(again.approx == (approx && d.approx));
			assert(tg_pdate_cmp(&d, &again) == 0 && tg_pdate_compatible(&d, &again));
			tg_pdate_format(&again, text2, sizeof text2, approx);
			assert(!strcmp(text, text2));
		}
	}
	static const char *const langs[] = {"kk", "ru", "en"};
	for (int i = 0; i < 3; i++)
		free(tg_text_format_date(s, langs[i]));
	free(s);
	return 0;
}
