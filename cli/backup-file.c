/* The backup container's small shared parts (backup-file.h). */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/backup-file.h"
#include "vault/vault.h"

void bk_put_be(uint8_t *p, uint64_t v, int n)
{
	for (int i = n - 1; i >= 0; i--, v >>= 8)
		p[i] = (uint8_t)v;
}

uint64_t bk_get_be(const uint8_t *p, int n)
{
	uint64_t v = 0;
	for (int i = 0; i < n; i++)
		v = v << 8 | p[i];
	return v;
}

void bk_hex(const uint8_t sha[32], char out[65])
{
	sodium_bin2hex(out, 65, sha, 32);
}

int bk_write_all(int fd, const void *buf, size_t n, const char *path, tg_error *err)
{
	for (const uint8_t *p = buf; n;) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return tg_error_set(err, TG_EIO, NULL, _("cannot write %s: %s"), path,
			                    strerror(errno));
		p += w;
		n -= (size_t)w;
	}
	return TG_OK;
}

void bk_sync_dir(const char *path)
{
	char buf[PATH_MAX];
	snprintf(buf, sizeof buf, "%s", path);
	int fd = open(dirname(buf), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
}

/* The blob id and expected SHA-256 of evidence record doc; NULL (err
 * filled) when the record's hash or blob id is damaged. */
const char *bk_record_blob(const json_t *doc, uint8_t want[32], tg_error *err)
{
	const char *blob = json_string_value(json_object_get(doc, "blob"));
	const char *sha = json_string_value(json_object_get(doc, "sha256"));
	size_t n = 0;
	if (blob && tg_vault_id_valid(blob) && sha &&
	    !sodium_hex2bin(want, 32, sha, strlen(sha), NULL, &n, NULL) && n == 32)
		return blob;
	tg_error_set(err, TG_EINTEGRITY, "sha256", _("evidence %s: %s"),
	             json_string_value(json_object_get(doc, "id")),
	             _("the evidence record's hash is damaged"));
	return NULL;
}
