/* Test-only I/O fault injection for the encrypting VFS (cryptvfs-fault.c).
 * Only cryptvfs.c and cryptvfs-fault.c include this. */
#ifndef TG_CRYPTVFS_FAULT_H
#define TG_CRYPTVFS_FAULT_H

#include <stdbool.h>

#include "store/cryptvfs-int.h"

/* Called by xRead (write false) and xWrite (write true) before the real
 * I/O.  With TERGEU_TEST=1 and TERGEU_TEST_FAULT=KIND:N[+] in the
 * environment, the Nth read or write of the process (counted from 1 over
 * every file of the VFS) fails, and with "+" every later one too:
 *   enospc:N   the Nth write fails with SQLITE_FULL, nothing written;
 *   ewrite:N   the Nth write fails with SQLITE_IOERR_WRITE, nothing written;
 *   short:N    the Nth write is torn: the first half of its (sealed) bytes
 *              reaches the file, the rest keeps its old content, and the
 *              write reports SQLITE_FULL, as a short write does;
 *   eio:N      the Nth read fails with SQLITE_IOERR_READ;
 *   count      nothing fails; the counts of reads and writes are printed
 *              at exit, to choose N.
 * A line on stderr names each injected fault.  Returns the SQLite result
 * code of an injected fault, or -1: no fault, do the I/O. */
int tg_cv_inject(struct tg_cv_file *f, bool write, const void *buf, int amt,
                 sqlite3_int64 off);

#endif
