/*
 * Test-only fault injection for the vault's file I/O (see vault-int.h):
 * a full disk, a torn write, a failed fsync or a failed read at a chosen
 * point of an intake, an export or a verification, so tests can check
 * that each gives a clean error and leaves no half-written file behind.
 * Inert unless TERGEU_TEST=1 and TERGEU_TEST_FAULT=vault-KIND:N[+] (or
 * count) are set.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/util.h"
#include "vault/vault-int.h"

enum kind { ENOSPC_W, SHORT_W, EIO_SYNC, EIO_R };

static const char *const names[] = {"vault-enospc", "vault-short", "vault-sync", "vault-eio"};
static const enum tg_vault_io ops[] = {TG_VIO_WRITE, TG_VIO_WRITE, TG_VIO_SYNC, TG_VIO_READ};

static pthread_once_t once = PTHREAD_ONCE_INIT;
static int kind = TG_FAULT_NONE;
static long nth;
static bool sticky;
static atomic_long counts[3];

static void print_counts(void)
{
	fprintf(stderr, "tergeu: test fault: vault: %ld writes, %ld syncs, %ld reads\n",
	        atomic_load(&counts[TG_VIO_WRITE]), atomic_load(&counts[TG_VIO_SYNC]),
	        atomic_load(&counts[TG_VIO_READ]));
}

/* Specs for the database's VFS (cryptvfs-fault.c) are left to it. */
static void parse(void)
{
	const char *bad;
	kind = tg_test_fault_spec(names, sizeof names / sizeof names[0], &nth, &sticky, &bad);
	if (kind == TG_FAULT_COUNT)
		atexit(print_counts);
	if (bad && !strncmp(bad, "vault-", 6))
		fprintf(stderr, "tergeu: TERGEU_TEST_FAULT=%s ignored: expected"
		                " vault-enospc|vault-short|vault-sync|vault-eio:N[+] or count\n",
		        bad);
}

int tg_vault_fault(enum tg_vault_io op, size_t *n)
{
	pthread_once(&once, parse);
	if (kind == TG_FAULT_NONE)
		return 0;
	long i = atomic_fetch_add(&counts[op], 1) + 1;
	if (kind == TG_FAULT_COUNT || op != ops[kind] || (i != nth && !(sticky && i > nth)))
		return 0;
	fprintf(stderr, "tergeu: test fault: %s at vault %s %ld (%zu bytes)\n", names[kind],
	        op == TG_VIO_WRITE ? "write" : op == TG_VIO_SYNC ? "sync" : "read", i,
	        n ? *n : (size_t)0);
	switch (kind) {
	case ENOSPC_W:
		*n = 0;
		return ENOSPC;
	case SHORT_W:
		*n /= 2;
		return ENOSPC;
	default:
		return EIO;
	}
}
