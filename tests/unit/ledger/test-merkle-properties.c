/*
 * Properties of the tree over many sizes: every proof verifies and a flipped
 * byte breaks it, the frontier agrees with the Merkle Tree Hash at every
 * size, a perfect-subtree cache changes the cost but not the hashes, and a
 * large root reads each leaf once.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "ledger-test.h"

#define MAX_LEAVES 1024

static uint8_t leaves[MAX_LEAVES][32];

static int setup(void **state)
{
	for (uint32_t i = 0; i < MAX_LEAVES; i++)
		tg_merkle_leaf_hash(&i, sizeof i, leaves[i]);
	return 0;
}

/* MTH straight from RFC 9162 §2.1.1, recursive: the reference. */
static void reference_mth(const uint8_t (*d)[32], uint64_t n, uint8_t out[32])
{
	if (n == 0) {
		tg_merkle_empty_root(out);
		return;
	}
	if (n == 1) {
		memcpy(out, d[0], 32);
		return;
	}
	uint64_t k = 1;
	while (k * 2 < n)
		k *= 2;
	uint8_t l[32], r[32];
	reference_mth(d, k, l);
	reference_mth(d + k, n - k, r);
	tg_merkle_node_hash(l, r, out);
}

static void flip_random_byte(tg_merkle_proof *p, tg_rng *rng)
{
	uint32_t h = tg_rng_below(rng, (uint32_t)p->len), b = tg_rng_below(rng, 32);
	p->hash[h][b] ^= (uint8_t)(1 + tg_rng_below(rng, 255));
}

static void check_size(uint64_t n, tg_rng *rng)
{
	mem_log log = {.leaf = leaves, .n = n, .fail_at = -1};
	tg_merkle_src src = mem_log_src(&log, 0);
	uint8_t root[32], want[32];
	reference_mth(leaves, n, want);
	assert_int_equal(tg_merkle_root(&src, n, root, NULL), 0);
	assert_memory_equal(root, want, 32);
	for (uint64_t m = 0; m < n; m++) {
		tg_merkle_proof p;
		src = mem_log_src(&log, 0);
		assert_int_equal(tg_merkle_inclusion_proof(&src, m, n, &p, NULL), 0);
		assert_int_equal(log.leaf_calls, n - 1);
		assert_false(log.descending);
		assert_int_equal(tg_merkle_verify_inclusion(m, n, leaves[m], &p, root, NULL), 0);
		if (n > 1)
			assert_int_equal(tg_merkle_verify_inclusion(m, n, leaves[(m + 1) % n], &p,
			                                            root, NULL), TG_EINVAL);
		if (p.len) {
			flip_random_byte(&p, rng);
			assert_int_equal(tg_merkle_verify_inclusion(m, n, leaves[m], &p, root, NULL),
			                 TG_EINVAL);
		}
	}
	for (uint64_t m = 0; m <= n; m++) {
		tg_merkle_proof p;
		uint8_t old[32];
		reference_mth(leaves, m, old);
		src = mem_log_src(&log, 0);
		assert_int_equal(tg_merkle_consistency_proof(&src, m, n, &p, NULL), 0);
		assert_false(log.descending);
		assert_int_equal(tg_merkle_verify_consistency(m, n, old, root, &p, NULL), 0);
		if (p.len) {
			flip_random_byte(&p, rng);
			assert_int_equal(tg_merkle_verify_consistency(m, n, old, root, &p, NULL),
			                 TG_EINVAL);
		}
	}
}

static void test_every_proof_verifies_and_a_flipped_byte_fails_for_random_sizes(void **state)
{
	tg_rng rng;
	tg_rng_seed(&rng, 6962);
	static const uint64_t fixed[] = {1, 2, 3, 4, 5, 7, 8, 9, 127, 128, 129, 255, 256, 300};
	for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
		check_size(fixed[i], &rng);
	for (int i = 0; i < 16; i++)
		check_size(1 + tg_rng_below(&rng, 300), &rng);
}

static void test_frontier_root_equals_tree_hash_for_every_size(void **state)
{
	tg_merkle_frontier f = TG_MERKLE_FRONTIER_INIT, g, h;
	mem_log log = {.leaf = leaves, .n = MAX_LEAVES, .fail_at = -1};
	for (uint64_t n = 0; n <= MAX_LEAVES; n++) {
		uint8_t root[32], want[32], buf[TG_MERKLE_FRONTIER_MAX];
		reference_mth(leaves, n, want);
		tg_merkle_frontier_root(&f, root);
		assert_memory_equal(root, want, 32);
		size_t len = tg_merkle_frontier_encode(&f, buf);
		assert_int_equal(len, 8 + 32 * (size_t)__builtin_popcountll(n));
		assert_int_equal(tg_merkle_frontier_decode(buf, len, &g, NULL), 0);
		assert_int_equal(g.size, n);
		tg_merkle_frontier_root(&g, root);
		assert_memory_equal(root, want, 32);
		tg_merkle_src src = mem_log_src(&log, 0);
		assert_int_equal(tg_merkle_frontier_build(&src, n, &h, NULL), 0);
		assert_int_equal(log.leaf_calls, n);
		tg_merkle_frontier_root(&h, root);
		assert_memory_equal(root, want, 32);
		if (n < MAX_LEAVES)
			assert_int_equal(tg_merkle_frontier_append(&f, leaves[n], NULL, NULL, NULL), 0);
	}
}

static void test_frontier_decode_rejects_a_length_that_does_not_match_the_size(void **state)
{
	tg_merkle_frontier f = TG_MERKLE_FRONTIER_INIT, g;
	uint8_t buf[TG_MERKLE_FRONTIER_MAX];
	for (int i = 0; i < 5; i++)
		tg_merkle_frontier_append(&f, leaves[i], NULL, NULL, NULL);
	size_t len = tg_merkle_frontier_encode(&f, buf);
	assert_int_equal(len, 8 + 2 * 32);
	tg_error err = {0};
	assert_int_equal(tg_merkle_frontier_decode(buf, len - 1, &g, &err), TG_EINVAL);
	assert_string_equal(err.path, "frontier");
	assert_int_equal(tg_merkle_frontier_decode(buf, len + 32, &g, NULL), TG_EINVAL);
	assert_int_equal(tg_merkle_frontier_decode(buf, 7, &g, NULL), TG_EINVAL);
	buf[7] = 6; /* size 6 has two subtrees too: accepted, a different tree */
	assert_int_equal(tg_merkle_frontier_decode(buf, len, &g, NULL), 0);
	buf[7] = 7;
	assert_int_equal(tg_merkle_frontier_decode(buf, len, &g, NULL), TG_EINVAL);
}

static int count_sink(void *ctx, unsigned level, uint64_t index, const uint8_t hash[32])
{
	(*(uint64_t *)ctx)++;
	return 0;
}

static void test_append_reports_each_completed_subtree_once(void **state)
{
	tg_merkle_frontier f = TG_MERKLE_FRONTIER_INIT;
	uint64_t calls = 0;
	for (uint64_t n = 1; n <= 777; n++) {
		assert_int_equal(tg_merkle_frontier_append(&f, leaves[n - 1], count_sink, &calls, NULL), 0);
		assert_int_equal(calls, n - (uint64_t)__builtin_popcountll(n));
	}
}

static void test_a_subtree_cache_changes_the_reads_not_the_hashes(void **state)
{
	const uint64_t n = 1000;
	mem_log log = {.leaf = leaves, .n = n, .fail_at = -1};
	tg_merkle_frontier f = TG_MERKLE_FRONTIER_INIT;
	for (uint64_t i = 0; i < n; i++)
		assert_int_equal(tg_merkle_frontier_append(&f, leaves[i], mem_log_store, &log, NULL), 0);
	uint8_t want[32], root[32];
	reference_mth(leaves, n, want);
	tg_merkle_src src = mem_log_src(&log, 1);
	assert_int_equal(tg_merkle_root(&src, n, root, NULL), 0);
	assert_memory_equal(root, want, 32);
	assert_true(log.leaf_calls + log.node_calls <= 64);
	for (int pass = 0; pass < 2; pass++) {
		for (uint64_t m = 0; m < n; m += 37) {
			tg_merkle_proof cached, plain;
			src = mem_log_src(&log, 1);
			assert_int_equal(tg_merkle_inclusion_proof(&src, m, n, &cached, NULL), 0);
			assert_false(log.descending);
			if (pass == 0)
				assert_true(log.leaf_calls + log.node_calls <= 2 * 64);
			src = mem_log_src(&log, 0);
			assert_int_equal(tg_merkle_inclusion_proof(&src, m, n, &plain, NULL), 0);
			assert_int_equal(cached.len, plain.len);
			assert_memory_equal(cached.hash, plain.hash, 32 * plain.len);
			src = mem_log_src(&log, 1);
			assert_int_equal(tg_merkle_consistency_proof(&src, m + 1, n, &cached, NULL), 0);
			src = mem_log_src(&log, 0);
			assert_int_equal(tg_merkle_consistency_proof(&src, m + 1, n, &plain, NULL), 0);
			assert_int_equal(cached.len, plain.len);
			assert_memory_equal(cached.hash, plain.hash, 32 * plain.len);
		}
		/* Second pass: a cache with holes descends past them. */
		free(log.cache[3]);
		free(log.cache[6]);
		log.cache[3] = log.cache[6] = NULL;
	}
	mem_log_free(&log);
}

/* Leaf hashes made from the index alone: no table for a million leaves. */
static int synthetic_leaf(void *ctx, uint64_t index, uint8_t out[32])
{
	(*(uint64_t *)ctx)++;
	memset(out, 0, 32);
	memcpy(out, &index, sizeof index);
	return 0;
}

static void test_root_of_a_million_leaves_reads_each_leaf_once(void **state)
{
	const uint64_t n = 1000003;
	uint64_t calls = 0;
	tg_merkle_src src = {synthetic_leaf, NULL, &calls};
	tg_merkle_frontier f = TG_MERKLE_FRONTIER_INIT;
	uint8_t root[32], froot[32], leaf[32];
	assert_int_equal(tg_merkle_root(&src, n, root, NULL), 0);
	assert_int_equal(calls, n);
	for (uint64_t i = 0; i < n; i++) {
		synthetic_leaf(&calls, i, leaf);
		tg_merkle_frontier_append(&f, leaf, NULL, NULL, NULL);
	}
	tg_merkle_frontier_root(&f, froot);
	assert_memory_equal(root, froot, 32);
}

typedef struct failing {
	tg_error *err;
} failing;

static int failing_leaf(void *ctx, uint64_t index, uint8_t out[32])
{
	failing *fl = ctx;
	return tg_error_set(fl->err, TG_EDB, "tlog_leaf", "row %llu is missing",
	                    (unsigned long long)index);
}

static void test_leaf_read_errors_are_returned_unchanged(void **state)
{
	mem_log log = {.leaf = leaves, .n = 100, .fail_at = 42};
	tg_merkle_src src = mem_log_src(&log, 0);
	tg_merkle_proof p;
	tg_merkle_frontier f;
	uint8_t root[32];
	tg_error err = {0};
	assert_int_equal(tg_merkle_root(&src, 100, root, &err), TG_EIO);
	assert_int_equal(err.code, TG_EIO);
	assert_int_equal(tg_merkle_inclusion_proof(&src, 3, 100, &p, NULL), TG_EIO);
	assert_int_equal(p.len, 0);
	assert_int_equal(tg_merkle_consistency_proof(&src, 50, 100, &p, NULL), TG_EIO);
	assert_int_equal(tg_merkle_frontier_build(&src, 100, &f, NULL), TG_EIO);
	assert_int_equal(f.size, 0);
	tg_error_clear(&err);
	failing fl = {&err};
	tg_merkle_src bad = {failing_leaf, NULL, &fl};
	assert_int_equal(tg_merkle_root(&bad, 9, root, &err), TG_EDB);
	assert_string_equal(err.msg, "row 0 is missing");
}

static void test_a_full_frontier_refuses_another_leaf(void **state)
{
	tg_merkle_frontier f = {.size = UINT64_MAX};
	assert_int_equal(tg_merkle_frontier_append(&f, leaves[0], NULL, NULL, NULL), TG_EINVAL);
	assert_int_equal(f.size, UINT64_MAX);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_proof_verifies_and_a_flipped_byte_fails_for_random_sizes),
		cmocka_unit_test(test_frontier_root_equals_tree_hash_for_every_size),
		cmocka_unit_test(test_frontier_decode_rejects_a_length_that_does_not_match_the_size),
		cmocka_unit_test(test_append_reports_each_completed_subtree_once),
		cmocka_unit_test(test_a_subtree_cache_changes_the_reads_not_the_hashes),
		cmocka_unit_test(test_root_of_a_million_leaves_reads_each_leaf_once),
		cmocka_unit_test(test_leaf_read_errors_are_returned_unchanged),
		cmocka_unit_test(test_a_full_frontier_refuses_another_leaf),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
