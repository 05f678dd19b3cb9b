/* Valid IINs for synthetic persons (the rules: lib/util/iin.c). */
#include "gen/population.h"

void gen_iin_make(int by, int bm, int bd, bool female, tg_rng *r, char out[13])
{
	int century = by < 1900 ? 1 : by < 2000 ? 3 : 5;
	for (;;) {
		unsigned serial = tg_rng_below(r, 10000);
		out[0] = (char)('0' + by % 100 / 10);
		out[1] = (char)('0' + by % 10);
		out[2] = (char)('0' + bm / 10);
		out[3] = (char)('0' + bm % 10);
		out[4] = (char)('0' + bd / 10);
		out[5] = (char)('0' + bd % 10);
		out[6] = (char)('0' + century + (female ? 1 : 0));
		for (int i = 0; i < 4; i++) {
			out[10 - i] = (char)('0' + serial % 10);
			serial /= 10;
		}
		int c = tg_iin_check_digit(out);
		if (c >= 0) {
			out[11] = (char)('0' + c);
			out[12] = '\0';
			return;
		}
	}
}
