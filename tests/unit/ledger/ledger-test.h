/* Helpers shared by the ledger tests: the vector file, hex, and a leaf
 * source over an array that counts its calls and checks their order. */
#ifndef TG_LEDGER_TEST_H
#define TG_LEDGER_TEST_H

#include <jansson.h>
#include <stdint.h>

#include "ledger/ledger.h"

/* tests/data/ledger/vectors.json; fails the test if it cannot be read. */
json_t *load_vectors(void);
/* Decodes hex into out (cap bytes); fails the test on bad hex. */
size_t unhex(const char *hex, uint8_t *out, size_t cap);
/* A proof from a JSON array of hex hashes. */
void proof_from_json(const json_t *arr, tg_merkle_proof *out);

typedef struct mem_log {
	const uint8_t (*leaf)[32];
	uint64_t n;
	uint64_t leaf_calls, node_calls;
	uint64_t last;    /* last leaf index read, UINT64_MAX before the first */
	int descending;   /* set if an index did not ascend within one call */
	int fail_at;      /* leaf index whose read fails with TG_EIO, -1: none */
	/* Perfect-subtree cache filled by the frontier's sink: one slot per
	 * (level, index), NULL when absent. */
	uint8_t (*cache[64])[32];
} mem_log;

/* Resets the per-call counters and the order check. */
void mem_log_reset(mem_log *m);
tg_merkle_src mem_log_src(mem_log *m, int with_cache);
/* tg_node_sink storing into m->cache (allocated on first use). */
int mem_log_store(void *ctx, unsigned level, uint64_t index, const uint8_t hash[32]);
void mem_log_free(mem_log *m);

#endif
