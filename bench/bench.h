/* What the benchmarks share: a monotonic clock, fatal errors, order
 * statistics. */
#ifndef TG_BENCH_H
#define TG_BENCH_H

/* Seconds on a monotonic clock. */
double bench_now(void);
/* Prints "bench: what: msg" and exits 1. */
void bench_die(const char *what, const char *msg) __attribute__((noreturn));
/* Median of v[0..n) (sorts v). */
double bench_median(double *v, int n);
/* The p-quantile (0..1) of v[0..n), nearest rank (sorts v). */
double bench_quantile(double *v, int n, double p);
/* The i-th synthetic person of the write benchmarks: a Kazakh or Russian
 * full name (100 combinations) and a birth date. */
void bench_person(int i, char *name, size_t name_len, char birth[16]);

#endif
