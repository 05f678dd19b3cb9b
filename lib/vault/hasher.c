/* SHA-256 on a worker thread; see hasher.h.  One job at a time: the
 * caller hands over a buffer, and waits for the previous one before
 * handing over the next, so the hash sees the buffers in order. */
#include <string.h>

#include "vault/hasher.h"

static void *hasher_main(void *arg)
{
	tg_vault_hasher *h = arg;
	pthread_mutex_lock(&h->mu);
	for (;;) {
		while (!h->busy && !h->quit)
			pthread_cond_wait(&h->cv, &h->mu);
		if (!h->busy)
			break;
		pthread_mutex_unlock(&h->mu);
		crypto_hash_sha256_update(&h->st, h->buf, h->len);
		pthread_mutex_lock(&h->mu);
		h->busy = false;
		pthread_cond_broadcast(&h->cv);
	}
	pthread_mutex_unlock(&h->mu);
	return NULL;
}

void tg_vault_hasher_start(tg_vault_hasher *h)
{
	memset(h, 0, sizeof *h);
	crypto_hash_sha256_init(&h->st);
	if (pthread_mutex_init(&h->mu, NULL) != 0)
		return;
	if (pthread_cond_init(&h->cv, NULL) != 0) {
		pthread_mutex_destroy(&h->mu);
		return;
	}
	h->threaded = pthread_create(&h->thread, NULL, hasher_main, h) == 0;
	if (!h->threaded) {
		pthread_cond_destroy(&h->cv);
		pthread_mutex_destroy(&h->mu);
	}
}

static void wait_idle(tg_vault_hasher *h)
{
	while (h->busy)
		pthread_cond_wait(&h->cv, &h->mu);
}

void tg_vault_hasher_add(tg_vault_hasher *h, const uint8_t *buf, size_t len)
{
	if (!h->threaded) {
		crypto_hash_sha256_update(&h->st, buf, len);
		return;
	}
	pthread_mutex_lock(&h->mu);
	wait_idle(h);
	h->buf = buf;
	h->len = len;
	h->busy = true;
	pthread_cond_broadcast(&h->cv);
	pthread_mutex_unlock(&h->mu);
}

void tg_vault_hasher_end(tg_vault_hasher *h, uint8_t out[32])
{
	if (h->threaded) {
		pthread_mutex_lock(&h->mu);
		wait_idle(h);
		h->quit = true;
		pthread_cond_broadcast(&h->cv);
		pthread_mutex_unlock(&h->mu);
		pthread_join(h->thread, NULL);
		pthread_cond_destroy(&h->cv);
		pthread_mutex_destroy(&h->mu);
	}
	if (out)
		crypto_hash_sha256_final(&h->st, out);
	sodium_memzero(&h->st, sizeof h->st);
	h->threaded = false;
}
