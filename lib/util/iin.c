/*
 * Kazakhstan's individual identification number (ЖСН/ИИН): YYMMDD of
 * birth, a digit for century and sex (3/4 born in the 1900s, 5/6 in the
 * 2000s, odd for men), a 4-digit serial and a check digit.  The check is
 * the weighted digit sum mod 11 with weights 1..11; a result of 10 is
 * recomputed with weights 3..11,1,2, and a second 10 means the number is
 * never issued.
 */
#include <string.h>

#include "util/util.h"

int tg_iin_check_digit(const char *d)
{
	static const int w1[11] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11};
	static const int w2[11] = {3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2};
	int s1 = 0, s2 = 0;
	for (int i = 0; i < 11; i++) {
		s1 += (d[i] - '0') * w1[i];
		s2 += (d[i] - '0') * w2[i];
	}
	if (s1 % 11 != 10)
		return s1 % 11;
	return s2 % 11 == 10 ? -1 : s2 % 11;
}

bool tg_iin_valid(const char *iin)
{
	if (!iin || strlen(iin) != 12)
		return false;
	for (int i = 0; i < 12; i++)
		if (iin[i] < '0' || iin[i] > '9')
			return false;
	int month = (iin[2] - '0') * 10 + (iin[3] - '0');
	int day = (iin[4] - '0') * 10 + (iin[5] - '0');
	if (iin[6] < '1' || iin[6] > '6' || month < 1 || month > 12 || day < 1 || day > 31)
		return false;
	return tg_iin_check_digit(iin) == iin[11] - '0';
}
