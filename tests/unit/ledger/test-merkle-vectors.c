/*
 * The public RFC 6962 test tree (transparency-dev/merkle, the Certificate
 * Transparency data): roots for sizes 0..8, the published inclusion and
 * consistency proofs, every other proof of that tree from an independent
 * reference, and the corruptions the Go verifier tests must reject.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "ledger-test.h"

static uint8_t leaves[8][32];
static uint8_t roots[9][32];
static mem_log tree = {.leaf = leaves, .n = 8, .fail_at = -1};
static json_t *vectors;

static int setup(void **state)
{
	vectors = load_vectors();
	size_t i;
	json_t *v;
	json_array_foreach(json_object_get(vectors, "leaves"), i, v) {
		uint8_t data[16];
		size_t n = unhex(json_string_value(v), data, sizeof data);
		tg_merkle_leaf_hash(data, n, leaves[i]);
	}
	json_array_foreach(json_object_get(vectors, "roots"), i, v)
		unhex(json_string_value(v), roots[i], 32);
	return 0;
}

static int teardown(void **state)
{
	json_decref(vectors);
	return 0;
}

static void test_rfc6962_roots_match_published_for_every_size(void **state)
{
	for (uint64_t n = 0; n <= 8; n++) {
		uint8_t root[32];
		tree.n = n;
		tg_merkle_src src = mem_log_src(&tree, 0);
		assert_int_equal(tg_merkle_root(&src, n, root, NULL), 0);
		assert_memory_equal(root, roots[n], 32);
		assert_int_equal(tree.leaf_calls, n);
	}
	tree.n = 8;
}

static void test_node_hash_prefixes_one_and_leaf_hash_zero(void **state)
{
	uint8_t h[32], empty_leaf[32] = {0x6e, 0x34, 0x0b, 0x9c};
	tg_merkle_leaf_hash(NULL, 0, h);
	assert_memory_equal(h, empty_leaf, 4);
	tg_merkle_node_hash(leaves[0], leaves[1], h);
	assert_memory_equal(h, roots[2], 32);
	tg_merkle_empty_root(h);
	assert_memory_equal(h, roots[0], 32);
}

/* Generates the proof for one vector entry and checks it, then verifies
 * the published proof. */
static void replay_inclusion(const json_t *e)
{
	uint64_t m = json_integer_value(json_object_get(e, "index"));
	uint64_t n = json_integer_value(json_object_get(e, "size"));
	tg_merkle_proof want, got;
	proof_from_json(json_object_get(e, "path"), &want);
	tg_merkle_src src = mem_log_src(&tree, 0);
	assert_int_equal(tg_merkle_inclusion_proof(&src, m, n, &got, NULL), 0);
	assert_int_equal(got.len, want.len);
	assert_memory_equal(got.hash, want.hash, 32 * want.len);
	assert_false(tree.descending);
	assert_int_equal(tg_merkle_verify_inclusion(m, n, leaves[m], &want, roots[n], NULL), 0);
}

static void replay_consistency(const json_t *e)
{
	uint64_t m = json_integer_value(json_object_get(e, "size1"));
	uint64_t n = json_integer_value(json_object_get(e, "size2"));
	tg_merkle_proof want, got;
	proof_from_json(json_object_get(e, "proof"), &want);
	tg_merkle_src src = mem_log_src(&tree, 0);
	assert_int_equal(tg_merkle_consistency_proof(&src, m, n, &got, NULL), 0);
	assert_int_equal(got.len, want.len);
	assert_memory_equal(got.hash, want.hash, 32 * want.len);
	assert_false(tree.descending);
	assert_int_equal(tg_merkle_verify_consistency(m, n, roots[m], roots[n], &want, NULL), 0);
}

static void test_inclusion_proofs_match_published_vectors(void **state)
{
	size_t i;
	json_t *e;
	json_array_foreach(json_object_get(vectors, "inclusion"), i, e)
		replay_inclusion(e);
	assert_int_equal(i, 4);
}

static void test_consistency_proofs_match_published_vectors(void **state)
{
	size_t i;
	json_t *e;
	json_array_foreach(json_object_get(vectors, "consistency"), i, e)
		replay_consistency(e);
	assert_int_equal(i, 5);
}

static void test_every_proof_of_the_eight_leaf_tree_matches_the_reference(void **state)
{
	json_t *derived = json_object_get(vectors, "derived"), *e;
	size_t i;
	json_array_foreach(json_object_get(derived, "inclusion"), i, e)
		replay_inclusion(e);
	assert_int_equal(i, 36);
	json_array_foreach(json_object_get(derived, "consistency"), i, e)
		replay_consistency(e);
	assert_int_equal(i, 36);
}

static int verifies(uint64_t m, uint64_t n, const uint8_t *leaf, const tg_merkle_proof *p,
                    const uint8_t *root)
{
	return tg_merkle_verify_inclusion(m, n, leaf, p, root, NULL) == 0;
}

/* p with h inserted at position at (at == p->len appends). */
static tg_merkle_proof with_hash(const tg_merkle_proof *p, size_t at, const uint8_t *h)
{
	tg_merkle_proof q = *p;
	memmove(q.hash[at + 1], q.hash[at], 32 * (p->len - at));
	memcpy(q.hash[at], h, 32);
	q.len++;
	return q;
}

static void test_corrupted_inclusion_proofs_are_rejected(void **state)
{
	static const uint8_t zero[32];
	uint8_t some[32] = {0xab, 0xac, 0xab, 0xa0};
	json_t *e;
	size_t i;
	json_array_foreach(json_object_get(vectors, "inclusion"), i, e) {
		uint64_t m = json_integer_value(json_object_get(e, "index"));
		uint64_t n = json_integer_value(json_object_get(e, "size"));
		const uint8_t *leaf = leaves[m], *root = roots[n];
		tg_merkle_proof p, q;
		proof_from_json(json_object_get(e, "path"), &p);
		assert_true(verifies(m, n, leaf, &p, root));
		assert_false(verifies(m - 1, n, leaf, &p, root));
		assert_false(verifies(m + 1, n, leaf, &p, root));
		assert_false(verifies(m ^ 2, n, leaf, &p, root));
		assert_false(verifies(m, n * 2, leaf, &p, root));
		assert_false(verifies(m, n / 2, leaf, &p, root));
		assert_false(verifies(m, n, some, &p, root));
		assert_false(verifies(m, n, leaf, &p, roots[0]));
		assert_false(verifies(m, n, leaf, &p, some));
		q = with_hash(&p, p.len, zero);
		assert_false(verifies(m, n, leaf, &q, root));
		q = with_hash(&p, p.len, root);
		assert_false(verifies(m, n, leaf, &q, root));
		q = with_hash(&p, 0, zero);
		assert_false(verifies(m, n, leaf, &q, root));
		q = with_hash(&p, 0, root);
		assert_false(verifies(m, n, leaf, &q, root));
		for (size_t k = 0; k < p.len; k++) {
			q = p;
			q.hash[k][0] ^= 8;
			assert_false(verifies(m, n, leaf, &q, root));
		}
		q = p;
		q.len--;
		assert_false(verifies(m, n, leaf, &q, root));
		if (p.len > 1) {
			q = with_hash(&p, 1, some);
			assert_false(verifies(m, n, leaf, &q, root));
		}
	}
}

static int consistent(uint64_t m, uint64_t n, const uint8_t *r1, const uint8_t *r2,
                      const tg_merkle_proof *p)
{
	return tg_merkle_verify_consistency(m, n, r1, r2, p, NULL) == 0;
}

static void test_corrupted_consistency_proofs_are_rejected(void **state)
{
	static const uint8_t zero[32];
	json_t *e;
	size_t i;
	json_array_foreach(json_object_get(vectors, "consistency"), i, e) {
		uint64_t m = json_integer_value(json_object_get(e, "size1"));
		uint64_t n = json_integer_value(json_object_get(e, "size2"));
		const uint8_t *r1 = roots[m], *r2 = roots[n];
		tg_merkle_proof p, q, none = {0};
		proof_from_json(json_object_get(e, "proof"), &p);
		assert_true(consistent(m, n, r1, r2, &p));
		if (p.len == 0)
			continue;
		assert_false(consistent(m - 1, n, r1, r2, &p));
		assert_false(consistent(m + 1, n, r1, r2, &p));
		assert_false(consistent(m ^ 2, n, r1, r2, &p));
		assert_false(consistent(m, n * 2, r1, r2, &p));
		assert_false(consistent(m, n / 2, r1, r2, &p));
		assert_false(consistent(m, n, zero, r2, &p));
		assert_false(consistent(m, n, r1, zero, &p));
		assert_false(consistent(m, n, r2, r1, &p));
		assert_false(consistent(m, n, r1, r2, &none));
		const uint8_t *extra[] = {zero, r1, r2, p.hash[0]};
		for (size_t k = 0; k < 4; k++) {
			q = with_hash(&p, p.len, extra[k]);
			assert_false(consistent(m, n, r1, r2, &q));
			q = with_hash(&p, 0, extra[k]);
			assert_false(consistent(m, n, r1, r2, &q));
		}
		q = p;
		q.len--;
		assert_false(consistent(m, n, r1, r2, &q));
		for (size_t k = 0; k < p.len; k++) {
			q = p;
			q.hash[k][0] ^= 16;
			assert_false(consistent(m, n, r1, r2, &q));
		}
	}
}

static void test_trivial_sizes_are_consistent_only_with_matching_roots(void **state)
{
	tg_merkle_proof none = {0}, one = {.len = 1};
	memcpy(one.hash[0], roots[0], 32);
	assert_true(consistent(0, 0, roots[0], roots[0], &none));
	assert_true(consistent(0, 5, roots[0], roots[5], &none));
	assert_true(consistent(3, 3, roots[3], roots[3], &none));
	assert_false(consistent(0, 5, roots[1], roots[5], &none));
	assert_false(consistent(3, 3, roots[3], roots[4], &none));
	assert_false(consistent(1, 0, roots[1], roots[0], &none));
	assert_false(consistent(2, 1, roots[2], roots[1], &none));
	assert_false(consistent(1, 2, roots[1], roots[2], &none));
	assert_false(consistent(0, 0, roots[0], roots[0], &one));
	assert_false(consistent(0, 1, roots[0], roots[1], &one));
	assert_false(consistent(1, 1, roots[1], roots[1], &one));
}

static void test_inclusion_outside_the_tree_is_rejected(void **state)
{
	tg_merkle_proof none = {0}, out;
	tg_error err = {0};
	assert_true(verifies(0, 1, leaves[0], &none, leaves[0]));
	assert_false(verifies(0, 1, leaves[0], &none, leaves[1]));
	assert_false(verifies(0, 0, leaves[0], &none, roots[0]));
	assert_false(verifies(1, 0, leaves[0], &none, roots[0]));
	assert_false(verifies(2, 1, leaves[0], &none, leaves[0]));
	tg_merkle_src src = mem_log_src(&tree, 0);
	assert_int_equal(tg_merkle_inclusion_proof(&src, 8, 8, &out, &err), TG_EINVAL);
	assert_string_equal(err.path, "index");
	assert_int_equal(tg_merkle_inclusion_proof(&src, 0, 0, &out, NULL), TG_EINVAL);
	assert_int_equal(tg_merkle_consistency_proof(&src, 5, 4, &out, NULL), TG_EINVAL);
	assert_int_equal(tree.leaf_calls, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc6962_roots_match_published_for_every_size),
		cmocka_unit_test(test_node_hash_prefixes_one_and_leaf_hash_zero),
		cmocka_unit_test(test_inclusion_proofs_match_published_vectors),
		cmocka_unit_test(test_consistency_proofs_match_published_vectors),
		cmocka_unit_test(test_every_proof_of_the_eight_leaf_tree_matches_the_reference),
		cmocka_unit_test(test_corrupted_inclusion_proofs_are_rejected),
		cmocka_unit_test(test_corrupted_consistency_proofs_are_rejected),
		cmocka_unit_test(test_trivial_sizes_are_consistent_only_with_matching_roots),
		cmocka_unit_test(test_inclusion_outside_the_tree_is_rejected),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
