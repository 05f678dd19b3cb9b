/*
 * RFC 9162 Merkle trees over leaf hashes read through callbacks.
 *
 * Every hash a proof needs is the root of a range [start, end) whose start
 * is a multiple of a power of two at least as large as the range. Such a
 * range splits into perfect subtrees along the bits of its length, largest
 * first and each aligned to its own size, so a cache of perfect subtrees
 * (tg_node_fn) can answer for any of them. Proof ranges are disjoint and
 * computed in ascending order, which keeps the leaf callback's indexes
 * ascending within one call.
 */
#include <assert.h>
#include <string.h>

#include <sodium.h>

#include "ledger/ledger.h"

typedef struct range {
	uint64_t start, end;
} range;

void tg_merkle_leaf_hash(const void *data, size_t len, uint8_t out[32])
{
	static const uint8_t prefix = 0x00;
	crypto_hash_sha256_state st;
	crypto_hash_sha256_init(&st);
	crypto_hash_sha256_update(&st, &prefix, 1);
	if (len)
		crypto_hash_sha256_update(&st, data, len);
	crypto_hash_sha256_final(&st, out);
}

void tg_merkle_node_hash(const uint8_t left[32], const uint8_t right[32], uint8_t out[32])
{
	uint8_t buf[65];
	buf[0] = 0x01;
	memcpy(buf + 1, left, 32);
	memcpy(buf + 33, right, 32);
	crypto_hash_sha256(out, buf, sizeof buf);
}

void tg_merkle_empty_root(uint8_t out[32])
{
	crypto_hash_sha256(out, NULL, 0);
}

/* Largest power of two strictly below n (n >= 2): RFC 9162's split k. */
static uint64_t split_point(uint64_t n)
{
	assert(n >= 2);
	return (uint64_t)1 << (63 - __builtin_clzll(n - 1));
}

/* Keeps a callback's error if it already filled err with it. */
static int callback_failed(tg_error *err, int rc, uint64_t index)
{
	if (err && err->code == rc)
		return rc;
	return tg_error_set(err, rc, "ledger", _("cannot read the log hash at index %llu: %s"),
	                    (unsigned long long)index, tg_strerror(rc));
}

/* Root of the perfect subtree of 2^level leaves starting at start. */
static int perfect_root(const tg_merkle_src *src, unsigned level, uint64_t start,
                        uint8_t out[32], tg_error *err)
{
	int rc;
	if (level == 0) {
		rc = src->leaf(src->ctx, start, out);
		return rc ? callback_failed(err, rc < 0 ? rc : TG_EIO, start) : 0;
	}
	if (src->node) {
		rc = src->node(src->ctx, level, start >> level, out);
		if (rc < 0)
			return callback_failed(err, rc, start);
		if (rc > 0)
			return 0;
	}
	uint8_t left[32];
	uint64_t half = (uint64_t)1 << (level - 1);
	if ((rc = perfect_root(src, level - 1, start, left, err)) ||
	    (rc = perfect_root(src, level - 1, start + half, out, err)))
		return rc;
	tg_merkle_node_hash(left, out, out);
	return 0;
}

/* Fills hash[l] with the perfect subtree for each set bit l of n, the
 * subtrees laid left to right from start, largest first. */
static int perfect_parts(const tg_merkle_src *src, uint64_t start, uint64_t n,
                         uint8_t hash[64][32], tg_error *err)
{
	uint64_t at = start;
	for (int l = 63; l >= 0; l--) {
		uint64_t bit = (uint64_t)1 << l;
		if (!(n & bit))
			continue;
		assert(at % bit == 0);
		int rc = perfect_root(src, (unsigned)l, at, hash[l], err);
		if (rc)
			return rc;
		at += bit;
	}
	return 0;
}

/* MTH from the parts of perfect_parts (64 hashes of 32 bytes, flat):
 * folded from the right. */
static void fold_parts(uint64_t n, const uint8_t *hash, uint8_t out[32])
{
	if (n == 0) {
		tg_merkle_empty_root(out);
		return;
	}
	int l = __builtin_ctzll(n);
	memcpy(out, hash + 32 * l, 32);
	for (l++; l < 64; l++)
		if (n & ((uint64_t)1 << l))
			tg_merkle_node_hash(hash + 32 * l, out, out);
}

static int range_root(const tg_merkle_src *src, range r, uint8_t out[32], tg_error *err)
{
	uint8_t parts[64][32];
	int rc = perfect_parts(src, r.start, r.end - r.start, parts, err);
	if (rc == 0)
		fold_parts(r.end - r.start, parts[0], out);
	return rc;
}

int tg_merkle_root(const tg_merkle_src *src, uint64_t n, uint8_t out[32], tg_error *err)
{
	return range_root(src, (range){0, n}, out, err);
}

/* Computes the roots of the n disjoint ranges r into proof order, reading
 * them in ascending order of start. */
static int fill_proof(const tg_merkle_src *src, const range *r, size_t n,
                      tg_merkle_proof *out, tg_error *err)
{
	size_t order[TG_MERKLE_PROOF_MAX];
	for (size_t i = 0; i < n; i++) {
		size_t j = i;
		for (; j > 0 && r[order[j - 1]].start > r[i].start; j--)
			order[j] = order[j - 1];
		order[j] = i;
	}
	out->len = n;
	for (size_t i = 0; i < n; i++) {
		int rc = range_root(src, r[order[i]], out->hash[order[i]], err);
		if (rc) {
			out->len = 0;
			return rc;
		}
	}
	return 0;
}

int tg_merkle_inclusion_proof(const tg_merkle_src *src, uint64_t m, uint64_t n,
                              tg_merkle_proof *out, tg_error *err)
{
	out->len = 0;
	if (m >= n)
		return tg_error_set(err, TG_EINVAL, "index",
		                    _("leaf %llu is not in a log of %llu entries"),
		                    (unsigned long long)m, (unsigned long long)n);
	/* Walk down from the root; the path lists siblings bottom-up. */
	range top_down[TG_MERKLE_PROOF_MAX], path[TG_MERKLE_PROOF_MAX];
	size_t len = 0;
	uint64_t lo = 0, size = n;
	while (size > 1) {
		uint64_t k = split_point(size);
		if (m - lo < k) {
			top_down[len++] = (range){lo + k, lo + size};
			size = k;
		} else {
			top_down[len++] = (range){lo, lo + k};
			lo += k;
			size -= k;
		}
	}
	for (size_t i = 0; i < len; i++)
		path[i] = top_down[len - 1 - i];
	return fill_proof(src, path, len, out, err);
}

int tg_merkle_consistency_proof(const tg_merkle_src *src, uint64_t m, uint64_t n,
                                tg_merkle_proof *out, tg_error *err)
{
	out->len = 0;
	if (m > n)
		return tg_error_set(err, TG_EINVAL, "size",
		                    _("a log of %llu entries cannot extend one of %llu"),
		                    (unsigned long long)n, (unsigned long long)m);
	if (m == 0 || m == n)
		return 0;
	/* SUBPROOF(m, D[n], true) unrolled: each level adds the root of the
	 * other half; a descent into a right half makes the old tree's last
	 * subtree part of the proof (b = false). */
	range top_down[TG_MERKLE_PROOF_MAX], proof[TG_MERKLE_PROOF_MAX];
	size_t len = 0, j = 0;
	uint64_t lo = 0, size = n, left = m;
	int whole_old_tree = 1;
	while (left != size) {
		uint64_t k = split_point(size);
		if (left <= k) {
			top_down[len++] = (range){lo + k, lo + size};
			size = k;
		} else {
			top_down[len++] = (range){lo, lo + k};
			lo += k;
			left -= k;
			size -= k;
			whole_old_tree = 0;
		}
	}
	if (!whole_old_tree)
		proof[j++] = (range){lo, lo + size};
	for (size_t i = 0; i < len; i++)
		proof[j++] = top_down[len - 1 - i];
	return fill_proof(src, proof, j, out, err);
}

static int mismatch(tg_error *err, const char *what)
{
	return tg_error_set(err, TG_EINVAL, "proof", "%s", what);
}

int tg_merkle_verify_inclusion(uint64_t index, uint64_t size, const uint8_t leaf[32],
                               const tg_merkle_proof *proof, const uint8_t root[32],
                               tg_error *err)
{
	if (index >= size)
		return mismatch(err, _("the leaf index is outside the tree"));
	if (proof->len > TG_MERKLE_PROOF_MAX)
		return mismatch(err, _("the proof has the wrong length"));
	uint64_t fn = index, sn = size - 1;
	uint8_t r[32];
	memcpy(r, leaf, 32);
	for (size_t i = 0; i < proof->len; i++) {
		if (sn == 0)
			return mismatch(err, _("the proof has the wrong length"));
		if ((fn & 1) || fn == sn) {
			tg_merkle_node_hash(proof->hash[i], r, r);
			while (!(fn & 1) && fn != 0) {
				fn >>= 1;
				sn >>= 1;
			}
		} else {
			tg_merkle_node_hash(r, proof->hash[i], r);
		}
		fn >>= 1;
		sn >>= 1;
	}
	if (sn != 0)
		return mismatch(err, _("the proof has the wrong length"));
	if (memcmp(r, root, 32) != 0)
		return mismatch(err, _("the inclusion proof does not lead to the root"));
	return 0;
}

int tg_merkle_verify_consistency(uint64_t size1, uint64_t size2, const uint8_t root1[32],
                                 const uint8_t root2[32], const tg_merkle_proof *proof,
                                 tg_error *err)
{
	if (size1 > size2)
		return mismatch(err, _("the newer tree is smaller than the older one"));
	if (size1 == 0 || size1 == size2) {
		uint8_t empty[32];
		tg_merkle_empty_root(empty);
		if (proof->len != 0)
			return mismatch(err, _("the proof has the wrong length"));
		if (size1 == 0 && memcmp(root1, empty, 32) != 0)
			return mismatch(err, _("the older root is not the empty tree's"));
		if (size1 == size2 && memcmp(root1, root2, 32) != 0)
			return mismatch(err, _("the roots differ"));
		return 0;
	}
	if (proof->len == 0 || proof->len > TG_MERKLE_PROOF_MAX)
		return mismatch(err, _("the proof has the wrong length"));
	/* RFC 9162 §2.1.4.2; a power-of-two old size starts from root1. */
	size_t i = 0;
	const uint8_t *first = root1;
	if (size1 & (size1 - 1))
		first = proof->hash[i++];
	uint64_t fn = size1 - 1, sn = size2 - 1;
	while (fn & 1) {
		fn >>= 1;
		sn >>= 1;
	}
	uint8_t fr[32], sr[32];
	memcpy(fr, first, 32);
	memcpy(sr, first, 32);
	for (; i < proof->len; i++) {
		const uint8_t *c = proof->hash[i];
		if (sn == 0)
			return mismatch(err, _("the proof has the wrong length"));
		if ((fn & 1) || fn == sn) {
			tg_merkle_node_hash(c, fr, fr);
			tg_merkle_node_hash(c, sr, sr);
			while (!(fn & 1) && fn != 0) {
				fn >>= 1;
				sn >>= 1;
			}
		} else {
			tg_merkle_node_hash(sr, c, sr);
		}
		fn >>= 1;
		sn >>= 1;
	}
	if (sn != 0)
		return mismatch(err, _("the proof has the wrong length"));
	if (memcmp(fr, root1, 32) != 0)
		return mismatch(err, _("the proof does not lead to the older root"));
	if (memcmp(sr, root2, 32) != 0)
		return mismatch(err, _("the proof does not lead to the newer root"));
	return 0;
}

int tg_merkle_frontier_append(tg_merkle_frontier *f, const uint8_t leaf[32],
                              tg_node_sink sink, void *ctx, tg_error *err)
{
	if (f->size == UINT64_MAX)
		return tg_error_set(err, TG_EINVAL, "frontier", _("the log is full"));
	uint64_t index = f->size;
	uint8_t acc[32];
	unsigned l = 0;
	int rc = 0;
	memcpy(acc, leaf, 32);
	while (f->size & ((uint64_t)1 << l)) {
		tg_merkle_node_hash(f->hash[l], acc, acc);
		l++;
		if (sink && rc == 0) {
			rc = sink(ctx, l, index >> l, acc);
			if (rc && !(err && err->code == rc))
				tg_error_set(err, rc, "frontier", _("cannot store a log node"));
		}
	}
	memcpy(f->hash[l], acc, 32);
	f->size++;
	return rc;
}

void tg_merkle_frontier_root(const tg_merkle_frontier *f, uint8_t out[32])
{
	fold_parts(f->size, f->hash[0], out);
}

int tg_merkle_frontier_build(const tg_merkle_src *src, uint64_t n, tg_merkle_frontier *f,
                             tg_error *err)
{
	memset(f, 0, sizeof *f);
	int rc = perfect_parts(src, 0, n, f->hash, err);
	if (rc) {
		memset(f, 0, sizeof *f);
		return rc;
	}
	f->size = n;
	return 0;
}

size_t tg_merkle_frontier_encode(const tg_merkle_frontier *f, uint8_t *out)
{
	size_t at = 0;
	for (int i = 7; i >= 0; i--)
		out[at++] = (uint8_t)(f->size >> (8 * i));
	for (int l = 63; l >= 0; l--) {
		if (f->size & ((uint64_t)1 << l)) {
			memcpy(out + at, f->hash[l], 32);
			at += 32;
		}
	}
	return at;
}

int tg_merkle_frontier_decode(const uint8_t *in, size_t len, tg_merkle_frontier *f,
                              tg_error *err)
{
	memset(f, 0, sizeof *f);
	uint64_t size = 0;
	for (int i = 0; i < 8 && len >= 8; i++)
		size = size << 8 | in[i];
	if (len < 8 || len != 8 + 32 * (size_t)__builtin_popcountll(size))
		return tg_error_set(err, TG_EINVAL, "frontier", _("the saved log state is damaged"));
	size_t at = 8;
	for (int l = 63; l >= 0; l--) {
		if (size & ((uint64_t)1 << l)) {
			memcpy(f->hash[l], in + at, 32);
			at += 32;
		}
	}
	f->size = size;
	return 0;
}
