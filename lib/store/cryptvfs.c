/*
 * The encrypting VFS: the key registry, the VFS registered over the default
 * one, and io_methods (version 2, without xFetch, so SQLite never maps
 * ciphertext into memory) whose reads and writes go through the page
 * format of cryptvfs-page.c.  The -shm file passes through: it holds the
 * wal-index (page numbers, frame counts, salts, checksums, locks), no page
 * content.
 */
#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "store/cryptvfs-fault.h"

#define OPEN_TYPES 0x0FFF00

/* One database known to the registry. */
struct tg_cv_keyent {
	struct tg_cv_keyent *next;
	char *path;     /* full path, as the underlying VFS computes it */
	uint8_t *key;   /* sodium_malloc'd, read-only */
	int refs;       /* open files using the key */
	bool forgotten; /* no new connection may open the database */
	int pgsz;       /* page size of the main file, learnt at its open */
	tg_cryptvfs_fault fault;
};

static pthread_mutex_t reg_lock = PTHREAD_MUTEX_INITIALIZER;
static struct tg_cv_keyent *registry;
static sqlite3_vfs cvfs;
static sqlite3_vfs *root;
static pthread_once_t reg_once = PTHREAD_ONCE_INIT;
static int reg_rc = SQLITE_ERROR;

/* ---- registry ---- */

static struct tg_cv_keyent *find_locked(const char *full)
{
	for (struct tg_cv_keyent *e = registry; e; e = e->next)
		if (!strcmp(e->path, full))
			return e;
	return NULL;
}

static void free_locked(struct tg_cv_keyent *e)
{
	for (struct tg_cv_keyent **p = &registry; *p; p = &(*p)->next) {
		if (*p == e) {
			*p = e->next;
			break;
		}
	}
	sodium_free(e->key);
	free(e->path);
	free(e);
}

/* The full path SQLite will compute for db_path; caller frees. */
static char *full_path(const char *db_path)
{
	char *out = malloc((size_t)root->mxPathname + 1);
	if (out && root->xFullPathname(root, db_path, root->mxPathname + 1, out) != SQLITE_OK) {
		free(out);
		out = NULL;
	}
	return out;
}

static struct tg_cv_keyent *acquire(const char *full, bool main_db, int *pgsz)
{
	pthread_mutex_lock(&reg_lock);
	struct tg_cv_keyent *e = find_locked(full);
	if (e && main_db && e->forgotten)
		e = NULL;
	if (e) {
		e->refs++;
		*pgsz = e->pgsz;
	}
	pthread_mutex_unlock(&reg_lock);
	return e;
}

static void release(struct tg_cv_keyent *e)
{
	if (!e)
		return;
	pthread_mutex_lock(&reg_lock);
	if (--e->refs == 0 && e->forgotten)
		free_locked(e);
	pthread_mutex_unlock(&reg_lock);
}

void tg_cv_fault(struct tg_cv_file *f, enum tg_cryptvfs_fault_kind kind, uint32_t pgno)
{
	pthread_mutex_lock(&reg_lock);
	f->ent->fault = (tg_cryptvfs_fault){kind, (enum tg_cryptvfs_role)f->role, pgno};
	pthread_mutex_unlock(&reg_lock);
}

/* ---- io_methods ---- */

#define CF(p) ((struct tg_cv_file *)(p))
#define REAL(p) (CF(p)->real)

static int cv_close(sqlite3_file *file)
{
	struct tg_cv_file *f = CF(file);
	int rc = f->real->pMethods ? f->real->pMethods->xClose(f->real) : SQLITE_OK;
	if (f->buf) {
		sodium_memzero(f->buf, (size_t)f->pgsz + TG_CV_FRAME_HDR);
		free(f->buf);
	}
	release(f->ent);
	f->ent = NULL;
	f->buf = NULL;
	return rc;
}

static int cv_read(sqlite3_file *file, void *buf, int amt, sqlite3_int64 off)
{
	int rc = tg_cv_inject(CF(file), false, buf, amt, off); /* test-only faults */
	return rc >= 0 ? rc : tg_cv_read(CF(file), buf, amt, off);
}

static int cv_write(sqlite3_file *file, const void *buf, int amt, sqlite3_int64 off)
{
	int rc = tg_cv_inject(CF(file), true, buf, amt, off); /* test-only faults */
	return rc >= 0 ? rc : tg_cv_write(CF(file), buf, amt, off);
}

static int cv_truncate(sqlite3_file *f, sqlite3_int64 size)
{
	return REAL(f)->pMethods->xTruncate(REAL(f), size);
}

static int cv_sync(sqlite3_file *f, int flags)
{
	return REAL(f)->pMethods->xSync(REAL(f), flags);
}

static int cv_file_size(sqlite3_file *f, sqlite3_int64 *size)
{
	return REAL(f)->pMethods->xFileSize(REAL(f), size);
}

static int cv_lock(sqlite3_file *f, int level)
{
	return REAL(f)->pMethods->xLock(REAL(f), level);
}

static int cv_unlock(sqlite3_file *f, int level)
{
	return REAL(f)->pMethods->xUnlock(REAL(f), level);
}

static int cv_check_reserved_lock(sqlite3_file *f, int *out)
{
	return REAL(f)->pMethods->xCheckReservedLock(REAL(f), out);
}

static int cv_file_control(sqlite3_file *f, int op, void *arg)
{
	int rc = REAL(f)->pMethods->xFileControl(REAL(f), op, arg);
	if (op == SQLITE_FCNTL_VFSNAME && rc == SQLITE_OK)
		*(char **)arg = sqlite3_mprintf("%s/%z", TG_CRYPTVFS_NAME, *(char **)arg);
	return rc;
}

static int cv_sector_size(sqlite3_file *f)
{
	return REAL(f)->pMethods->xSectorSize(REAL(f));
}

/* Atomic-write and safe-append capabilities would change how SQLite
 * shapes its writes and journal headers; the shim supports only the
 * ordinary shapes. */
static int cv_device_characteristics(sqlite3_file *f)
{
	int mask = SQLITE_IOCAP_ATOMIC | SQLITE_IOCAP_ATOMIC512 | SQLITE_IOCAP_ATOMIC1K |
	           SQLITE_IOCAP_ATOMIC2K | SQLITE_IOCAP_ATOMIC4K | SQLITE_IOCAP_ATOMIC8K |
	           SQLITE_IOCAP_ATOMIC16K | SQLITE_IOCAP_ATOMIC32K | SQLITE_IOCAP_ATOMIC64K |
	           SQLITE_IOCAP_SAFE_APPEND | SQLITE_IOCAP_SEQUENTIAL |
	           SQLITE_IOCAP_BATCH_ATOMIC;
	return REAL(f)->pMethods->xDeviceCharacteristics(REAL(f)) & ~mask;
}

/* The -shm file holds the wal-index (page numbers, frame counts, salts,
 * checksums, locks): no page content, so it passes through. */
static int cv_shm_map(sqlite3_file *f, int pg, int pgsz, int extend, void volatile **pp)
{
	return REAL(f)->pMethods->xShmMap(REAL(f), pg, pgsz, extend, pp);
}

static int cv_shm_lock(sqlite3_file *f, int offset, int n, int flags)
{
	return REAL(f)->pMethods->xShmLock(REAL(f), offset, n, flags);
}

static void cv_shm_barrier(sqlite3_file *f)
{
	REAL(f)->pMethods->xShmBarrier(REAL(f));
}

static int cv_shm_unmap(sqlite3_file *f, int delete_flag)
{
	return REAL(f)->pMethods->xShmUnmap(REAL(f), delete_flag);
}

static const sqlite3_io_methods cv_methods = {
	2, cv_close, cv_read, cv_write, cv_truncate, cv_sync, cv_file_size, cv_lock, cv_unlock,
	cv_check_reserved_lock, cv_file_control, cv_sector_size, cv_device_characteristics,
	cv_shm_map, cv_shm_lock, cv_shm_barrier, cv_shm_unmap, NULL, NULL,
};

/* Page size from the plaintext bytes 16..23 of page 1 on disk; 0 if the
 * file is empty or they are not a valid page size. */
static int stored_page_size(sqlite3_file *real)
{
	sqlite3_int64 size = 0;
	uint8_t h[8];
	if (real->pMethods->xFileSize(real, &size) != SQLITE_OK || size < 24 ||
	    real->pMethods->xRead(real, h, 8, 16) != SQLITE_OK)
		return 0;
	int p = h[0] << 8 | h[1] << 16;
	return p >= 1024 && p <= 65536 && !(p & (p - 1)) ? p : 0;
}

static int cv_open(sqlite3_vfs *vfs, sqlite3_filename name, sqlite3_file *file, int flags,
                   int *out_flags)
{
	struct tg_cv_file *f = CF(file);
	memset(f, 0, sizeof *f);
	f->real = (sqlite3_file *)(f + 1);
	f->last4_off = -1;
	int type = flags & OPEN_TYPES;
	if (type == SQLITE_OPEN_MAIN_DB)
		f->role = TG_CRYPTVFS_MAIN;
	else if (type == SQLITE_OPEN_WAL)
		f->role = TG_CRYPTVFS_WAL;
	else if (type == SQLITE_OPEN_MAIN_JOURNAL)
		f->role = TG_CRYPTVFS_JOURNAL;
	else if (type != SQLITE_OPEN_SUPER_JOURNAL)
		return SQLITE_CANTOPEN; /* temporary files: temp_store must be MEMORY */
	if (!name)
		return SQLITE_CANTOPEN;
	int pgsz = 0;
	if (f->role) {
		const char *db = f->role == TG_CRYPTVFS_MAIN ? name : sqlite3_filename_database(name);
		f->ent = acquire(db, f->role == TG_CRYPTVFS_MAIN, &pgsz);
		if (!f->ent)
			return SQLITE_CANTOPEN;
	}
	int rc = root->xOpen(root, name, f->real, flags, out_flags);
	if (rc != SQLITE_OK) {
		release(f->ent);
		f->ent = NULL;
		return rc;
	}
	f->base.pMethods = &cv_methods;
	if (!f->ent)
		return SQLITE_OK; /* a super-journal: file names only */
	if (f->role == TG_CRYPTVFS_MAIN) {
		if (!(f->real->pMethods->xDeviceCharacteristics(f->real) &
		      SQLITE_IOCAP_POWERSAFE_OVERWRITE)) {
			tg_cv_fault(f, TG_CRYPTVFS_NO_PSOW, 0);
			rc = SQLITE_CANTOPEN;
		}
		pgsz = stored_page_size(f->real);
		if (!pgsz)
			pgsz = TG_CRYPTVFS_PAGE_SIZE;
		pthread_mutex_lock(&reg_lock);
		f->ent->pgsz = pgsz;
		pthread_mutex_unlock(&reg_lock);
	} else if (!pgsz) {
		pgsz = TG_CRYPTVFS_PAGE_SIZE;
	}
	f->pgsz = pgsz;
	f->key = f->ent->key;
	f->buf = malloc((size_t)pgsz + TG_CV_FRAME_HDR);
	if (!rc && !f->buf)
		rc = SQLITE_NOMEM;
	if (rc) {
		cv_close(file);
		f->base.pMethods = NULL;
	}
	return rc;
}

static int cv_delete(sqlite3_vfs *v, const char *name, int sync_dir)
{
	return root->xDelete(root, name, sync_dir);
}

static int cv_access(sqlite3_vfs *v, const char *name, int flags, int *out)
{
	return root->xAccess(root, name, flags, out);
}

static int cv_full_pathname(sqlite3_vfs *v, const char *name, int n, char *out)
{
	return root->xFullPathname(root, name, n, out);
}

static void *cv_dlopen(sqlite3_vfs *v, const char *name)
{
	return root->xDlOpen(root, name);
}

static void cv_dlerror(sqlite3_vfs *v, int n, char *msg)
{
	root->xDlError(root, n, msg);
}

static void (*cv_dlsym(sqlite3_vfs *v, void *h, const char *sym))(void)
{
	return root->xDlSym(root, h, sym);
}

static void cv_dlclose(sqlite3_vfs *v, void *h)
{
	root->xDlClose(root, h);
}

static int cv_randomness(sqlite3_vfs *v, int n, char *out)
{
	return root->xRandomness(root, n, out);
}

static int cv_sleep(sqlite3_vfs *v, int us)
{
	return root->xSleep(root, us);
}

static int cv_current_time(sqlite3_vfs *v, double *out)
{
	return root->xCurrentTime(root, out);
}

static int cv_get_last_error(sqlite3_vfs *v, int n, char *out)
{
	return root->xGetLastError(root, n, out);
}

static int cv_current_time_int64(sqlite3_vfs *v, sqlite3_int64 *out)
{
	return root->xCurrentTimeInt64(root, out);
}

static void register_once(void)
{
	root = sqlite3_vfs_find(NULL);
	if (sodium_init() < 0 || !root || root->iVersion < 2)
		return;
	cvfs = (sqlite3_vfs){
		.iVersion = 2,
		.szOsFile = (int)sizeof(struct tg_cv_file) + root->szOsFile,
		.mxPathname = root->mxPathname,
		.zName = TG_CRYPTVFS_NAME,
		.xOpen = cv_open,
		.xDelete = cv_delete,
		.xAccess = cv_access,
		.xFullPathname = cv_full_pathname,
		.xDlOpen = cv_dlopen,
		.xDlError = cv_dlerror,
		.xDlSym = cv_dlsym,
		.xDlClose = cv_dlclose,
		.xRandomness = cv_randomness,
		.xSleep = cv_sleep,
		.xCurrentTime = cv_current_time,
		.xGetLastError = cv_get_last_error,
		.xCurrentTimeInt64 = cv_current_time_int64,
	};
	reg_rc = sqlite3_vfs_register(&cvfs, 0);
}

int tg_cryptvfs_register(tg_error *err)
{
	pthread_once(&reg_once, register_once);
	if (reg_rc != SQLITE_OK)
		return tg_error_set(err, TG_EIO, NULL, _("cannot start database encryption"));
	return TG_OK;
}

int tg_cryptvfs_set_key(const char *db_path, const uint8_t key[TG_CRYPTVFS_KEY_LEN],
                        tg_error *err)
{
	int rc = tg_cryptvfs_register(err);
	if (rc)
		return rc;
	char *full = full_path(db_path);
	if (!full)
		return tg_error_set(err, TG_ENOMEM, NULL, "%s", tg_strerror(TG_ENOMEM));
	pthread_mutex_lock(&reg_lock);
	struct tg_cv_keyent *e = find_locked(full);
	if (e && sodium_memcmp(e->key, key, TG_CRYPTVFS_KEY_LEN) != 0) {
		if (e->refs > 0) {
			rc = tg_error_set(err, TG_EINVAL, NULL,
			                  _("the database is open with a different key"));
		} else {
			free_locked(e);
			e = NULL;
		}
	}
	if (!rc && !e) {
		e = calloc(1, sizeof *e);
		uint8_t *k = sodium_malloc(TG_CRYPTVFS_KEY_LEN);
		if (!e || !k) {
			free(e);
			sodium_free(k);
			rc = tg_error_set(err, TG_ENOMEM, NULL, "%s", tg_strerror(TG_ENOMEM));
		} else {
			memcpy(k, key, TG_CRYPTVFS_KEY_LEN);
			sodium_mprotect_readonly(k);
			e->key = k;
			e->path = full;
			full = NULL;
			e->next = registry;
			registry = e;
		}
	}
	if (!rc) {
		e->forgotten = false;
		e->fault = (tg_cryptvfs_fault){0};
	}
	pthread_mutex_unlock(&reg_lock);
	free(full);
	return rc;
}

void tg_cryptvfs_forget_key(const char *db_path)
{
	if (!db_path || tg_cryptvfs_register(NULL))
		return;
	char *full = full_path(db_path);
	if (!full)
		return;
	pthread_mutex_lock(&reg_lock);
	struct tg_cv_keyent *e = find_locked(full);
	if (e) {
		e->forgotten = true;
		if (e->refs == 0)
			free_locked(e);
	}
	pthread_mutex_unlock(&reg_lock);
	free(full);
}

/* Fills *out; returns whether db_path has a usable key. */
static bool lookup(const char *db_path, tg_cryptvfs_fault *out)
{
	*out = (tg_cryptvfs_fault){0};
	if (tg_cryptvfs_register(NULL))
		return false;
	char *full = full_path(db_path);
	if (!full)
		return false;
	pthread_mutex_lock(&reg_lock);
	struct tg_cv_keyent *e = find_locked(full);
	if (e)
		*out = e->fault;
	bool has_key = e && !e->forgotten;
	pthread_mutex_unlock(&reg_lock);
	free(full);
	return has_key;
}

bool tg_cryptvfs_last_fault(const char *db_path, tg_cryptvfs_fault *out)
{
	lookup(db_path, out);
	return out->kind != TG_CRYPTVFS_NO_FAULT;
}

static const char *role_name(enum tg_cryptvfs_role role)
{
	switch (role) {
	case TG_CRYPTVFS_WAL:
		return _("write-ahead log");
	case TG_CRYPTVFS_JOURNAL:
		return _("rollback journal");
	default:
		return _("database file");
	}
}

int tg_cryptvfs_error(const char *db_path, int sqlite_rc, tg_error *err)
{
	tg_cryptvfs_fault ft;
	bool has_key = lookup(db_path, &ft);
	if (sqlite_rc == SQLITE_IOERR_AUTH) {
		if (ft.kind == TG_CRYPTVFS_AUTH)
			return tg_error_set(err, TG_EINTEGRITY, NULL,
			                    _("page %u of the %s failed authentication: wrong key, "
			                      "or the file was damaged or altered"),
			                    ft.pgno, role_name(ft.role));
		return tg_error_set(err, TG_EINTEGRITY, NULL,
		                    _("a database page failed authentication: wrong key, or the "
		                      "file was damaged or altered"));
	}
	if ((sqlite_rc & 0xff) == SQLITE_CANTOPEN && !has_key)
		return tg_error_set(err, TG_EDB, NULL, _("the database is locked: no key is set"));
	if ((sqlite_rc & 0xff) != SQLITE_IOERR && (sqlite_rc & 0xff) != SQLITE_CANTOPEN)
		return TG_OK;
	switch (ft.kind) {
	case TG_CRYPTVFS_NO_RESERVE:
		return tg_error_set(err, TG_EDB, NULL,
		                    _("refused to write a database page without room for "
		                      "encryption"));
	case TG_CRYPTVFS_LAYOUT:
		return tg_error_set(err, TG_EDB, NULL,
		                    _("refused an unexpected write to the %s"), role_name(ft.role));
	case TG_CRYPTVFS_NO_PSOW:
		return tg_error_set(err, TG_EDB, NULL,
		                    _("the file system does not support powersafe overwrite, "
		                      "which database encryption needs"));
	default:
		return TG_OK;
	}
}
