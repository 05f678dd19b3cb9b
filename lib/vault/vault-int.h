/* What the vault's files share; not part of the public API. */
#ifndef TG_VAULT_INT_H
#define TG_VAULT_INT_H

#include <stdint.h>

#include "vault/vault.h"

struct tg_vault {
	int dirfd;    /* the directory, flock'ed shared (exclusive for a clean-up) */
	uint8_t *key; /* sodium_malloc'd, read-only */
};

enum tg_vault_io { TG_VIO_WRITE, TG_VIO_SYNC, TG_VIO_READ };

/* Test-only (fault.c): called before each write, fsync and read of the
 * vault's files.  With TERGEU_TEST=1 and TERGEU_TEST_FAULT=KIND:N[+] in the
 * environment, the Nth operation of its kind in the process (and with "+"
 * every later one) fails:
 *   vault-enospc:N  the Nth write writes nothing and fails with ENOSPC;
 *   vault-short:N   the Nth write is torn: *n is halved, the caller writes
 *                   that much and then fails with ENOSPC;
 *   vault-sync:N    the Nth fsync fails with EIO;
 *   vault-eio:N     the Nth read fails with EIO;
 *   count           nothing fails; the counts are printed at exit.
 * Returns 0 (do the I/O) or the errno to fail with; n (a write's or read's
 * size, NULL for fsync) may be lowered. */
int tg_vault_fault(enum tg_vault_io op, size_t *n);

#endif
