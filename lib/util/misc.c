/* Clock, PRNG, whole-file reads and the test fault spec. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/util.h"

uint64_t tg_now_ms(void)
{
	const char *fixed = getenv("TERGEU_NOW");
	if (fixed && *fixed) {
		struct tm tm = {0};
		if (strptime(fixed, "%Y-%m-%dT%H:%M:%S", &tm))
			return (uint64_t)timegm(&tm) * 1000;
	}
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

void tg_now_utc(char out[TG_TIME_LEN])
{
	uint64_t ms = tg_now_ms();
	time_t t = (time_t)(ms / 1000);
	struct tm tm;
	gmtime_r(&t, &tm);
	snprintf(out, TG_TIME_LEN, "%04d-%02d-%02dT%02d:%02d:%02d.%03uZ", tm.tm_year + 1900,
	         tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
	         (unsigned)(ms % 1000));
}

static uint64_t splitmix(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

void tg_rng_seed(tg_rng *r, uint64_t seed)
{
	for (int i = 0; i < 4; i++)
		r->s[i] = splitmix(&seed);
}

static uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

uint64_t tg_rng_next(tg_rng *r)
{
	uint64_t *s = r->s;
	uint64_t result = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return result;
}

uint32_t tg_rng_below(tg_rng *r, uint32_t n)
{
	/* Lemire's multiply-shift with rejection: unbiased. */
	uint64_t m = (uint64_t)(uint32_t)tg_rng_next(r) * n;
	uint32_t low = (uint32_t)m;
	if (low < n) {
		uint32_t threshold = -n % n;
		while (low < threshold) {
			m = (uint64_t)(uint32_t)tg_rng_next(r) * n;
			low = (uint32_t)m;
		}
	}
	return (uint32_t)(m >> 32);
}

double tg_rng_unit(tg_rng *r)
{
	return (double)(tg_rng_next(r) >> 11) * 0x1.0p-53;
}

int tg_read_file(const char *path, char **out, size_t *len, tg_error *err)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	if (!f) {
		tg_error_set(err, TG_EIO, NULL, _("cannot open: %s"), strerror(errno));
		if (err)
			snprintf(err->file, sizeof err->file, "%s", path);
		return TG_EIO;
	}
	tg_strbuf sb = TG_STRBUF_INIT;
	char buf[65536];
	size_t n;
	while ((n = fread(buf, 1, sizeof buf, f)) > 0)
		tg_strbuf_add(&sb, buf, n);
	int failed = ferror(f);
	if (f != stdin)
		fclose(f);
	if (failed) {
		tg_strbuf_release(&sb);
		tg_error_set(err, TG_EIO, NULL, _("cannot read: %s"), strerror(errno));
		if (err)
			snprintf(err->file, sizeof err->file, "%s", path);
		return TG_EIO;
	}
	if (len)
		*len = sb.len;
	*out = tg_strbuf_detach(&sb);
	return TG_OK;
}

int tg_test_fault_spec(const char *const names[], size_t n, long *nth, bool *sticky,
                       const char **spec)
{
	const char *t = getenv("TERGEU_TEST"), *s = getenv("TERGEU_TEST_FAULT");
	*spec = NULL;
	if (!t || strcmp(t, "1") || !s || !*s)
		return TG_FAULT_NONE;
	if (!strcmp(s, "count"))
		return TG_FAULT_COUNT;
	const char *colon = strchr(s, ':');
	for (size_t i = 0; colon && i < n; i++) {
		if (strlen(names[i]) != (size_t)(colon - s) ||
		    strncmp(s, names[i], (size_t)(colon - s)))
			continue;
		char *end;
		long v = strtol(colon + 1, &end, 10);
		if (v < 1 || (*end && strcmp(end, "+")))
			break;
		*nth = v;
		*sticky = *end == '+';
		return (int)i;
	}
	*spec = s;
	return TG_FAULT_NONE;
}
