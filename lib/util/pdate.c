/*
 * Partial dates.  Sources give "2022", "January 2022", "12.03.1988"; the
 * canonical text is ISO 8601 truncated to what is known, so string order is
 * date order and an unknown part sorts before any known one.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "util/util.h"

bool tg_date_valid(int year, int month, int day)
{
	static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (year < 1 || year > 9999)
		return false;
	if (month == 0)
		return day == 0;
	if (month < 1 || month > 12)
		return false;
	if (day == 0)
		return true;
	int max = mdays[month - 1];
	if (month == 2 && (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)))
		max = 29;
	return day >= 1 && day <= max;
}

/* Reads exactly n digits. */
static bool digits(const char **p, int n, int *out)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (!isdigit((unsigned char)(*p)[i]))
			return false;
		v = v * 10 + ((*p)[i] - '0');
	}
	*p += n;
	*out = v;
	return true;
}

static bool parse_iso(const char *p, tg_pdate *d)
{
	if (!digits(&p, 4, &d->year))
		return false;
	if (*p == '-') {
		p++;
		if (!digits(&p, 2, &d->month))
			return false;
		if (*p == '-') {
			p++;
			if (!digits(&p, 2, &d->day))
				return false;
		}
	}
	return *p == '\0';
}

/* DD.MM.YYYY or MM.YYYY, as Kazakh and Russian documents write dates. */
static bool parse_dotted(const char *p, tg_pdate *d)
{
	int a, b;
	if (!digits(&p, 2, &a) || *p++ != '.')
		return false;
	if (digits(&p, 4, &b) && *p == '\0') {
		d->month = a;
		d->year = b;
		return true;
	}
	if (!digits(&p, 2, &b) || *p++ != '.' || !digits(&p, 4, &d->year) || *p)
		return false;
	d->day = a;
	d->month = b;
	return true;
}

int tg_pdate_parse(const char *s, tg_pdate *out, tg_error *err)
{
	tg_pdate d = {0};
	const char *p = s;
	if (*p == '~') {
		d.approx = true;
		p++;
	}
	bool ok = strchr(p, '.') ? parse_dotted(p, &d) : parse_iso(p, &d);
	if (!ok)
		return tg_error_set(err, TG_EDATE, NULL,
		                    _("\"%s\" is not a date (use YYYY, YYYY-MM or YYYY-MM-DD)"), s);
	if (!tg_date_valid(d.year, d.month, d.day))
		return tg_error_set(err, TG_EDATE, NULL, _("\"%s\" is not a possible date"), s);
	*out = d;
	return TG_OK;
}

void tg_pdate_format(const tg_pdate *d, char *out, size_t n, bool with_approx)
{
	const char *tilde = with_approx && d->approx ? "~" : "";
	if (d->month == 0)
		snprintf(out, n, "%s%04d", tilde, d->year);
	else if (d->day == 0)
		snprintf(out, n, "%s%04d-%02d", tilde, d->year, d->month);
	else
		snprintf(out, n, "%s%04d-%02d-%02d", tilde, d->year, d->month, d->day);
}

int tg_pdate_cmp(const tg_pdate *a, const tg_pdate *b)
{
	if (a->year != b->year)
		return a->year < b->year ? -1 : 1;
	if (a->month != b->month)
		return a->month < b->month ? -1 : 1;
	if (a->day != b->day)
		return a->day < b->day ? -1 : 1;
	return 0;
}

bool tg_pdate_compatible(const tg_pdate *a, const tg_pdate *b)
{
	if (a->year != b->year)
		return false;
	if (!a->month || !b->month)
		return true;
	if (a->month != b->month)
		return false;
	return !a->day || !b->day || a->day == b->day;
}
