/* Helpers shared by the ledger tests. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "ledger-test.h"

json_t *load_vectors(void)
{
	json_error_t jerr;
	json_t *v = json_load_file(TG_TEST_DATA "/ledger/vectors.json", 0, &jerr);
	if (!v)
		fail_msg("vectors.json: %s at line %d", jerr.text, jerr.line);
	return v;
}

size_t unhex(const char *hex, uint8_t *out, size_t cap)
{
	size_t n = strlen(hex);
	assert_true(n % 2 == 0 && n / 2 <= cap);
	for (size_t i = 0; i < n / 2; i++) {
		unsigned v;
		assert_int_equal(sscanf(hex + 2 * i, "%2x", &v), 1);
		out[i] = (uint8_t)v;
	}
	return n / 2;
}

void proof_from_json(const json_t *arr, tg_merkle_proof *out)
{
	size_t i;
	json_t *h;
	memset(out, 0, sizeof *out);
	json_array_foreach(arr, i, h)
		assert_int_equal(unhex(json_string_value(h), out->hash[i], 32), 32);
	out->len = json_array_size(arr);
}

void mem_log_reset(mem_log *m)
{
	m->leaf_calls = m->node_calls = 0;
	m->last = UINT64_MAX;
	m->descending = 0;
}

static int mem_leaf(void *ctx, uint64_t index, uint8_t out[32])
{
	mem_log *m = ctx;
	assert_true(index < m->n);
	if (m->last != UINT64_MAX && index <= m->last)
		m->descending = 1;
	m->last = index;
	m->leaf_calls++;
	if (m->fail_at >= 0 && index == (uint64_t)m->fail_at)
		return TG_EIO;
	memcpy(out, m->leaf[index], 32);
	return 0;
}

static int mem_node(void *ctx, unsigned level, uint64_t index, uint8_t out[32])
{
	mem_log *m = ctx;
	m->node_calls++;
	if (level >= 64 || !m->cache[level] || (index + 1) << level > m->n ||
	    index >= (m->n >> level))
		return 0;
	memcpy(out, m->cache[level][index], 32);
	return 1;
}

tg_merkle_src mem_log_src(mem_log *m, int with_cache)
{
	mem_log_reset(m);
	return (tg_merkle_src){mem_leaf, with_cache ? mem_node : NULL, m};
}

int mem_log_store(void *ctx, unsigned level, uint64_t index, const uint8_t hash[32])
{
	mem_log *m = ctx;
	assert_true(level >= 1 && level < 64);
	if (!m->cache[level])
		m->cache[level] = calloc((m->n >> level) + 1, 32);
	assert_true(index < (m->n >> level) + 1);
	memcpy(m->cache[level][index], hash, 32);
	return 0;
}

void mem_log_free(mem_log *m)
{
	for (int l = 0; l < 64; l++) {
		free(m->cache[l]);
		m->cache[l] = NULL;
	}
}
