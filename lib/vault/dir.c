/*
 * The vault directory: opening it, the lock that keeps a clean-up away
 * from intakes in flight, and the list of its files.  See vault.h.
 *
 * An intake seals its blob, renames it into place and only then records
 * it in the database: a process killed in between leaves a blob no record
 * names (and one killed earlier, a tmp-<id>).  Removing those is safe only
 * when no intake is between the two steps.  Every handle holds a shared
 * flock on the directory for its whole life, from before its first
 * temporary file until after the caller recorded what it sealed; a
 * clean-up takes the lock exclusively, so it runs only while no other
 * handle is open, and the kernel drops a killed process's lock with it.
 */
#include <assert.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "vault/vault-int.h"

enum { SHARED_WAIT_MS = 30000, POLL_MS = 50 };

/* Takes the shared lock, waiting a while for a clean-up to end. */
static int lock_shared(int fd, tg_error *err)
{
	for (int waited = 0;; waited += POLL_MS) {
		if (flock(fd, LOCK_SH | LOCK_NB) == 0)
			return 0;
		if (errno == EINTR)
			continue;
		if (errno != EWOULDBLOCK)
			return 0; /* no locks here (some network file systems): the
			             clean-up's grace period still stands */
		if (waited >= SHARED_WAIT_MS)
			return tg_error_set(err, TG_EIO, "dir", "%s",
			                    _("the vault is being cleaned up by another tergeu: "
			                      "try again when it ends"));
		struct timespec ts = {0, POLL_MS * 1000000L};
		nanosleep(&ts, NULL);
	}
}

int tg_vault_open(const char *dir, const uint8_t key[TG_VAULT_KEY_LEN], tg_vault **out,
                  tg_error *err)
{
	assert(dir && key && out);
	*out = NULL;
	if (sodium_init() < 0)
		return tg_error_set(err, TG_EIO, NULL, "%s", _("cannot initialise libsodium"));
	if (mkdir(dir, 0700) != 0 && errno != EEXIST)
		return tg_error_set(err, TG_EIO, "dir", _("cannot create the vault directory: %s"),
		                    strerror(errno));
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return tg_error_set(err, TG_EIO, "dir", _("cannot open the vault directory: %s"),
		                    strerror(errno));
	int rc = lock_shared(fd, err);
	if (rc) {
		close(fd);
		return rc;
	}
	tg_vault *v = malloc(sizeof *v);
	uint8_t *k = sodium_malloc(TG_VAULT_KEY_LEN);
	if (!v || !k) {
		free(v);
		sodium_free(k);
		close(fd);
		return tg_error_set(err, TG_ENOMEM, NULL, "%s", tg_strerror(TG_ENOMEM));
	}
	memcpy(k, key, TG_VAULT_KEY_LEN);
	sodium_mprotect_readonly(k);
	*v = (tg_vault){.dirfd = fd, .key = k};
	*out = v;
	return 0;
}

void tg_vault_close(tg_vault *v)
{
	if (!v)
		return;
	sodium_free(v->key);
	close(v->dirfd); /* and with it the lock */
	free(v);
}

int tg_vault_lock_exclusive(tg_vault *v, tg_error *err)
{
	assert(v);
	int rc;
	while ((rc = flock(v->dirfd, LOCK_EX | LOCK_NB)) != 0 && errno == EINTR)
		;
	if (rc == 0)
		return 0;
	int e = errno;
	/* A refused conversion may have dropped the shared lock: take it
	 * back, so an open handle keeps protecting what it writes. */
	(void)flock(v->dirfd, LOCK_SH | LOCK_NB);
	errno = e;
	if (errno == EWOULDBLOCK)
		return tg_error_set(err, TG_EIO, "dir", "%s",
		                    _("the vault is in use by another tergeu (an evidence intake, "
		                      "export or verification): try again when it ends"));
	return tg_error_set(err, TG_EIO, "dir", _("cannot lock the vault directory: %s"),
	                    strerror(errno));
}

/* A blob id, or "tmp-" and a blob id: which of the two, or neither. */
static bool vault_name(const char *name, bool *temp)
{
	*temp = !strncmp(name, "tmp-", 4);
	return tg_vault_id_valid(*temp ? name + 4 : name);
}

int tg_vault_each(tg_vault *v, int (*cb)(void *ctx, const tg_vault_file *f), void *ctx,
                  tg_error *err)
{
	assert(v && cb);
	int fd = openat(v->dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	if (!d) {
		if (fd >= 0)
			close(fd);
		return tg_error_set(err, TG_EIO, "dir", _("cannot read the vault directory: %s"),
		                    strerror(errno));
	}
	int rc = 0;
	errno = 0;
	for (struct dirent *e; !rc && (e = readdir(d)); errno = 0) {
		tg_vault_file f = {0};
		struct stat st;
		if (!vault_name(e->d_name, &f.temp) ||
		    fstatat(v->dirfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 ||
		    !S_ISREG(st.st_mode))
			continue; /* not ours, or gone meanwhile: never touched */
		snprintf(f.name, sizeof f.name, "%s", e->d_name);
		memcpy(f.id, f.name + (f.temp ? 4 : 0), TG_VAULT_ID_LEN);
		f.size = (uint64_t)st.st_size;
		/* An intake renames its blob and records it within seconds of its
		 * last write; ctime would also move with a chmod or a backup
		 * tool's attributes. */
		f.changed = st.st_mtime;
		rc = cb(ctx, &f);
	}
	if (!rc && errno)
		rc = tg_error_set(err, TG_EIO, "dir", _("cannot read the vault directory: %s"),
		                  strerror(errno));
	closedir(d);
	return rc;
}
