/* Helpers of the benchmarks; see bench.h. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "bench.h"

double bench_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void bench_die(const char *what, const char *msg)
{
	fprintf(stderr, "bench: %s: %s\n", what, msg);
	exit(1);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

double bench_median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof *v, cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static const char *const given[] = {"Нұрсұлтан", "Ерлан", "Асель", "Дәурен", "Айгүл",
                                    "Сергей", "Бауыржан", "Гүлнар", "Мұрат", "Ольга"};
static const char *const family[] = {"Исаев", "Сәрсенбаев", "Ахметова", "Қасымов", "Жұмабаева",
                                     "Петров", "Омаров", "Нұрланова", "Тоқаев", "Ким"};

void bench_person(int i, char *name, size_t name_len, char birth[16])
{
	snprintf(name, name_len, "%s %s", given[i % 10], family[(i / 10) % 10]);
	snprintf(birth, 16, "19%02d-%02d-%02d", 50 + i % 50, 1 + i % 12, 1 + i % 28);
}

double bench_quantile(double *v, int n, double p)
{
	qsort(v, (size_t)n, sizeof *v, cmp_double);
	return v[(int)(p * (n - 1) + 0.5)];
}
