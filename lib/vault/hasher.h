/*
 * A SHA-256 computed on a worker thread, one buffer at a time, so that the
 * caller can encrypt, decrypt or write the same bytes meanwhile.  Internal
 * to the vault module.
 *
 * libsodium's SHA-256 is portable C and costs about four times the
 * XChaCha20-Poly1305 of the same bytes; with a second core, intake runs at
 * the speed of the hash alone.  When no thread can be started, the hash is
 * computed in the caller's thread and nothing else changes.
 */
#ifndef TG_VAULT_HASHER_H
#define TG_VAULT_HASHER_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sodium.h>

typedef struct tg_vault_hasher {
	crypto_hash_sha256_state st;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	pthread_t thread;
	const uint8_t *buf; /* the buffer being hashed, while busy */
	size_t len;
	bool busy, quit, threaded;
} tg_vault_hasher;

/* Starts a hash (and its thread, if one can be had). */
void tg_vault_hasher_start(tg_vault_hasher *h);

/* Waits until the previous buffer is hashed, then starts hashing buf[0..len).
 * buf must stay unchanged until the next tg_vault_hasher_add or tg_vault_hasher_end. */
void tg_vault_hasher_add(tg_vault_hasher *h, const uint8_t *buf, size_t len);

/* Waits for the last buffer, stops the thread, stores the hash in out when
 * not NULL, and wipes the state.  Must follow every tg_vault_hasher_start. */
void tg_vault_hasher_end(tg_vault_hasher *h, uint8_t out[32]);

#endif
