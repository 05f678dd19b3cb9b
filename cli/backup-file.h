/* The backup container shared by tergeu backup (cmd_backup.c) and tergeu
 * restore (cmd_restore.c); its layout is described in cmd_backup.c and
 * docs/store.md ("Backup and restore"). */
#ifndef TG_CLI_BACKUP_FILE_H
#define TG_CLI_BACKUP_FILE_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "util/util.h"

#define MAGIC "TERGEU-BACKUP\n"
#define MAGIC_LEN 14
#define FORMAT_VERSION 1
#define MANIFEST "manifest.json"
#define MAX_MANIFEST (64u << 20)
#define CHUNK (1u << 16)

/* Big-endian integers of n bytes. */
void bk_put_be(uint8_t *p, uint64_t v, int n);
uint64_t bk_get_be(const uint8_t *p, int n);
/* The lowercase hex of a SHA-256. */
void bk_hex(const uint8_t sha[32], char out[65]);
/* Writes all n bytes to fd; errors name path. */
int bk_write_all(int fd, const void *buf, size_t n, const char *path, tg_error *err);
/* Syncs the directory holding path, so a rename into it is durable. */
void bk_sync_dir(const char *path);
/* The blob id and expected SHA-256 of evidence record doc; NULL (err
 * filled) when the record's hash or blob id is damaged. */
const char *bk_record_blob(const json_t *doc, uint8_t want[32], tg_error *err);

#endif
