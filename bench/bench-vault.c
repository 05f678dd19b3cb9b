/*
 * Evidence intake throughput: tg_vault_put (read once, SHA-256, encrypt,
 * pad, write, fsync, rename) of one large file against `sha256sum` of the
 * same file run as a child process in the same run, the least any intake
 * that hashes must do.  The file is real data (a 1 MiB random buffer
 * repeated, each copy stamped with its index), not sparse, in $TMPDIR, and
 * is in the page cache for both.  The two alternate for three rounds and
 * the medians are compared; the goal is at least 0.8 of sha256sum's
 * throughput.  Verification (decrypt and hash, nothing written) is timed
 * too.  CPU time (user + system, all threads; the child's for sha256sum)
 * is reported beside wall time: on a shared machine it says what the work
 * costs when the wall clock says what other load left.  Peak RSS is
 * reported before and after the rounds to show that memory does not grow
 * with the file.
 *
 *   bench-vault [MiB]     (default 1024)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include <sodium.h>

#include "bench.h"
#include "vault/vault.h"

enum { MIB = 1 << 20, ROUNDS = 3 };

static long peak_rss_kib(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

/* User + system seconds of this process (who = RUSAGE_SELF) or of its
 * waited-for children (RUSAGE_CHILDREN). */
static double cpu_seconds(int who)
{
	struct rusage ru;
	getrusage(who, &ru);
	return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
	       (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

static void make_input(const char *path, long mib)
{
	uint8_t *buf = malloc(MIB);
	FILE *fp = fopen(path, "wb");
	if (!buf || !fp)
		bench_die(path, "cannot create the input file");
	randombytes_buf(buf, MIB);
	for (long i = 0; i < mib; i++) {
		memcpy(buf, &i, sizeof i);
		if (fwrite(buf, 1, MIB, fp) != MIB)
			bench_die(path, "write failed");
	}
	if (fflush(fp) != 0 || fsync(fileno(fp)) != 0 || fclose(fp) != 0)
		bench_die(path, "write failed");
	free(buf);
}

/* Runs sha256sum on path; returns its seconds, stores its CPU seconds in
 * *cpu and checks its hash. */
static double time_sha256sum(const char *path, const char *want_hex, double *cpu)
{
	char cmd[4200], out[200] = "";
	snprintf(cmd, sizeof cmd, "sha256sum -- '%s'", path);
	double c0 = cpu_seconds(RUSAGE_CHILDREN), t0 = bench_now();
	FILE *p = popen(cmd, "r");
	if (!p)
		bench_die("sha256sum", "popen failed");
	if (!fgets(out, sizeof out, p))
		out[0] = '\0';
	if (pclose(p) != 0)
		bench_die("sha256sum", "failed");
	double t = bench_now() - t0;
	*cpu = cpu_seconds(RUSAGE_CHILDREN) - c0;
	if (strncmp(out, want_hex, 64) != 0)
		bench_die("sha256sum", "hash differs from tg_vault_put's");
	return t;
}

int main(int argc, char **argv)
{
	long mib = argc > 1 ? atol(argv[1]) : 1024;
	if (mib <= 0 || sodium_init() < 0)
		bench_die("usage", "bench-vault [MiB]");
	const char *tmpdir = getenv("TMPDIR") && *getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	if (strchr(tmpdir, '\'') || strlen(tmpdir) > 3900)
		bench_die("TMPDIR", "unusable path");
	char dir[4000], input[4100], blobs[4100], blob[4200];
	snprintf(dir, sizeof dir, "%s/tergeu-bench-XXXXXX", tmpdir);
	if (!mkdtemp(dir))
		bench_die(dir, "cannot create");
	snprintf(input, sizeof input, "%s/input", dir);
	snprintf(blobs, sizeof blobs, "%s/blobs", dir);
	make_input(input, mib);

	uint8_t key[TG_VAULT_KEY_LEN];
	randombytes_buf(key, sizeof key);
	tg_vault *v;
	tg_error err = {0};
	if (tg_vault_open(blobs, key, &v, &err) != 0)
		bench_die("tg_vault_open", err.msg);
	long rss_before = peak_rss_kib();
	double put[ROUNDS], ver[ROUNDS], sum[ROUNDS], put_cpu[ROUNDS], sum_cpu[ROUNDS];
	for (int r = 0; r < ROUNDS; r++) {
		tg_vault_blob b;
		double c0 = cpu_seconds(RUSAGE_SELF), t0 = bench_now();
		if (tg_vault_put(v, input, &b, NULL, NULL, &err) != 0)
			bench_die("tg_vault_put", err.msg);
		put[r] = bench_now() - t0;
		put_cpu[r] = cpu_seconds(RUSAGE_SELF) - c0;
		t0 = bench_now();
		if (tg_vault_verify(v, b.id, b.sha256, &err) != 0)
			bench_die("tg_vault_verify", err.msg);
		ver[r] = bench_now() - t0;
		sum[r] = time_sha256sum(input, b.sha256_hex, &sum_cpu[r]);
		snprintf(blob, sizeof blob, "%s/%s", blobs, b.id);
		unlink(blob);
		fprintf(stderr, "round %d: put %.3f s (CPU %.3f s), verify %.3f s, "
		        "sha256sum %.3f s (CPU %.3f s)\n",
		        r + 1, put[r], put_cpu[r], ver[r], sum[r], sum_cpu[r]);
	}
	long rss_after = peak_rss_kib();
	tg_vault_close(v);
	unlink(input);
	rmdir(blobs);
	rmdir(dir);

	double mb = (double)mib * MIB / 1e6;
	double mp = bench_median(put, ROUNDS), mv = bench_median(ver, ROUNDS),
	       ms = bench_median(sum, ROUNDS);
	printf("%ld MiB file, medians of %d rounds\n", mib, ROUNDS);
	printf("  tg_vault_put:    %.3f s  (%.0f MB/s)\n", mp, mb / mp);
	printf("  tg_vault_verify: %.3f s  (%.0f MB/s)\n", mv, mb / mv);
	printf("  sha256sum:       %.3f s  (%.0f MB/s)\n", ms, mb / ms);
	printf("  ratio put / sha256sum throughput: %.2f (goal: >= 0.8)\n", ms / mp);
	double cp = bench_median(put_cpu, ROUNDS), cs = bench_median(sum_cpu, ROUNDS);
	printf("  CPU time: put %.3f s, sha256sum %.3f s (ratio %.2f)\n", cp, cs, cp / cs);
	printf("  peak RSS: %ld KiB before the rounds, %ld KiB after\n", rss_before, rss_after);
	return 0;
}
