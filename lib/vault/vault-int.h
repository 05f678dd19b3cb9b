/* What the vault's files share; not part of the public API. */
#ifndef TG_VAULT_INT_H
#define TG_VAULT_INT_H

#include <stdint.h>

#include "vault/vault.h"

struct tg_vault {
	int dirfd;    /* the directory, flock'ed shared (exclusive for a clean-up) */
	uint8_t *key; /* sodium_malloc'd, read-only */
};

#endif
