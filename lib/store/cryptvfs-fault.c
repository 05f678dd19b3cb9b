/*
 * Test-only I/O fault injection for the encrypting VFS (see
 * cryptvfs-fault.h): disk full, I/O errors and torn (short) writes at a
 * chosen read or write, so tests can check that every one gives a clean
 * error and leaves the database as it was or as it would be, never
 * corrupted.  Inert unless TERGEU_TEST=1 and TERGEU_TEST_FAULT are set.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/cryptvfs-fault.h"
#include "util/util.h"

enum inject_kind { INJ_ENOSPC, INJ_EWRITE, INJ_SHORT, INJ_EIO };

static const char *const names[] = {"enospc", "ewrite", "short", "eio"};

static pthread_once_t once = PTHREAD_ONCE_INIT;
static int kind = TG_FAULT_NONE;
static long nth;
static bool sticky;
static atomic_long writes, reads;

static void print_counts(void)
{
	fprintf(stderr, "tergeu: test fault: count: %ld writes, %ld reads\n", atomic_load(&writes),
	        atomic_load(&reads));
}

/* Specs for the vault (lib/vault/fault.c) are left to it. */
static void parse(void)
{
	const char *bad;
	kind = tg_test_fault_spec(names, sizeof names / sizeof names[0], &nth, &sticky, &bad);
	if (kind == TG_FAULT_COUNT)
		atexit(print_counts);
	if (bad && strncmp(bad, "vault-", 6))
		fprintf(stderr, "tergeu: TERGEU_TEST_FAULT=%s ignored: expected"
		                " enospc|ewrite|short|eio:N[+] or count\n",
		        bad);
}

/* Writes the first half of buf's sealed form and keeps the old bytes of
 * the rest (or the old end of the file), as a write torn by a crash or cut
 * short by a full disk leaves it. */
static int torn_write(struct tg_cv_file *f, const void *buf, int amt, sqlite3_int64 off)
{
	sqlite3_file *r = f->real;
	int keep = amt / 2, tail = amt - keep;
	sqlite3_int64 size = 0;
	if (r->pMethods->xFileSize(r, &size) != SQLITE_OK)
		return SQLITE_IOERR_WRITE;
	sqlite3_int64 from = off + keep;
	int have = size > from ? (int)(size - from < tail ? size - from : tail) : 0;
	unsigned char *old = have ? malloc((size_t)have) : NULL;
	if (have && (!old || r->pMethods->xRead(r, old, have, from) != SQLITE_OK)) {
		free(old);
		return SQLITE_IOERR_WRITE;
	}
	int rc = tg_cv_write(f, buf, amt, off);
	if (rc == SQLITE_OK && have)
		rc = r->pMethods->xWrite(r, old, have, from);
	if (rc == SQLITE_OK && size < off + amt)
		rc = r->pMethods->xTruncate(r, size > from ? size : from);
	free(old);
	return rc == SQLITE_OK ? SQLITE_FULL : rc;
}

int tg_cv_inject(struct tg_cv_file *f, bool write, const void *buf, int amt,
                 sqlite3_int64 off)
{
	pthread_once(&once, parse);
	if (kind == TG_FAULT_NONE)
		return -1;
	long n = atomic_fetch_add(write ? &writes : &reads, 1) + 1;
	if (kind == TG_FAULT_COUNT || write != (kind != INJ_EIO) || (n != nth && !(sticky && n > nth)))
		return -1;
	fprintf(stderr, "tergeu: test fault: %s at %s %ld (%d bytes at offset %lld)\n", names[kind],
	        write ? "write" : "read", n, amt, (long long)off);
	switch (kind) {
	case INJ_ENOSPC:
		return SQLITE_FULL;
	case INJ_EWRITE:
		return SQLITE_IOERR_WRITE;
	case INJ_SHORT:
		return torn_write(f, buf, amt, off);
	default:
		memset((void *)buf, 0, (size_t)amt);
		return SQLITE_IOERR_READ;
	}
}
