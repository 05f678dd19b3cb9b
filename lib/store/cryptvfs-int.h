/* What cryptvfs.c (registry, VFS) and cryptvfs-page.c (page format, reads
 * and writes per file role) share; nothing else includes this. */
#ifndef TG_CRYPTVFS_INT_H
#define TG_CRYPTVFS_INT_H

#include <sqlite3.h>

#include "store/cryptvfs.h"

struct tg_cv_keyent; /* a registry entry (cryptvfs.c) */

/* An open file of the VFS; the underlying file follows it in memory. */
struct tg_cv_file {
	sqlite3_file base;
	sqlite3_file *real;
	struct tg_cv_keyent *ent; /* NULL: passed through (super-journal) */
	const uint8_t *key;       /* the entry's key, valid while ent is held */
	int role;                 /* enum tg_cryptvfs_role; 0 for pass-through */
	int pgsz;
	uint8_t *buf;             /* scratch: pgsz + TG_CV_FRAME_HDR bytes */
	/* WAL: offset and page number of the last frame header written;
	 * journal: of the last 4-byte write (a record's page number). */
	sqlite3_int64 last4_off;
	uint32_t last4_pgno;
};

#define TG_CV_FRAME_HDR 24

/* Records a fault on the file's database (cryptvfs.c). */
void tg_cv_fault(struct tg_cv_file *f, enum tg_cryptvfs_fault_kind kind, uint32_t pgno);

/* xRead and xWrite of a sealed file, by role (cryptvfs-page.c). */
int tg_cv_read(struct tg_cv_file *f, uint8_t *out, int amt, sqlite3_int64 off);
int tg_cv_write(struct tg_cv_file *f, const uint8_t *in, int amt, sqlite3_int64 off);

#endif
