/*
 * ledger — the pure half of the tamper-evident log: RFC 9162 Merkle tree
 * hashing, inclusion and consistency proofs, an incremental frontier for the
 * writer, and checkpoints signed in the C2SP signed-note format.  No SQL and
 * no files here: the store feeds leaf hashes through callbacks and persists
 * what this module hands back.
 *
 * Everything follows public specifications so that tools outside tergeu can
 * check our proofs and checkpoints:
 *   - RFC 9162 §2.1 (same as RFC 6962): leaf = SHA-256(0x00 || data),
 *     node = SHA-256(0x01 || left || right), empty tree = SHA-256("");
 *   - c2sp.org/signed-note and c2sp.org/tlog-checkpoint, Ed25519 keys.
 *
 * Functions return 0 or a negative TG_E* code and fill err (may be NULL).
 * A failed proof or signature check is TG_EINVAL.
 */
#ifndef TG_LEDGER_H
#define TG_LEDGER_H

#include <stddef.h>
#include <stdint.h>

#include "util/util.h"

#define TG_MERKLE_HASH_LEN 32
/* A proof over at most 2^64 leaves has at most 65 hashes. */
#define TG_MERKLE_PROOF_MAX 65

/* ---- Hashing ------------------------------------------------------------ */

/* RFC 9162 leaf hash of len bytes at data (data may be NULL when len is 0). */
void tg_merkle_leaf_hash(const void *data, size_t len, uint8_t out[32]);
/* RFC 9162 interior node hash. out may alias left or right. */
void tg_merkle_node_hash(const uint8_t left[32], const uint8_t right[32], uint8_t out[32]);
/* Root of the empty tree, SHA-256 of no bytes. */
void tg_merkle_empty_root(uint8_t out[32]);

/* ---- Trees read through callbacks --------------------------------------- */

/* Writes the hash of leaf index into out; index is always below the tree
 * size asked for. Returns 0, or a negative TG_E* code that the calling
 * function returns unchanged (an err already holding that code is kept, so
 * a callback may fill the same tg_error through its ctx). Within one call of
 * a tg_merkle_* function, indexes come in strictly ascending order, so a
 * reader may keep one cursor open. */
typedef int (*tg_leaf_fn)(void *ctx, uint64_t index, uint8_t out[32]);
/* Optional cache of perfect subtrees: the hash of the 2^level leaves
 * starting at index << level (level >= 1). Returns 1 and fills out if
 * known, 0 if not (the tree then descends to the children), or a negative
 * TG_E* code. */
typedef int (*tg_node_fn)(void *ctx, unsigned level, uint64_t index, uint8_t out[32]);

/* Where a tree's hashes come from. node may be NULL. */
typedef struct tg_merkle_src {
	tg_leaf_fn leaf;
	tg_node_fn node;
	void *ctx;
} tg_merkle_src;

/* Proof hashes, in RFC 9162 order (from the leaf level up). */
typedef struct tg_merkle_proof {
	size_t len;
	uint8_t hash[TG_MERKLE_PROOF_MAX][32];
} tg_merkle_proof;

/* Merkle Tree Hash of the first n leaves. Without a node cache it reads
 * each leaf once and hashes n - 1 nodes; with a full cache it makes at most
 * 64 lookups. */
int tg_merkle_root(const tg_merkle_src *src, uint64_t n, uint8_t out[32], tg_error *err);
/* Audit path of leaf m in the tree of the first n leaves (RFC 9162
 * §2.1.3.1). EINVAL unless m < n. Reads every other leaf once (fewer with a
 * node cache). */
int tg_merkle_inclusion_proof(const tg_merkle_src *src, uint64_t m, uint64_t n,
                              tg_merkle_proof *out, tg_error *err);
/* Consistency proof from size m to size n (RFC 9162 §2.1.4.1). Empty when
 * m is 0 or m equals n; EINVAL if m > n. */
int tg_merkle_consistency_proof(const tg_merkle_src *src, uint64_t m, uint64_t n,
                                tg_merkle_proof *out, tg_error *err);

/* Checks that leaf (a leaf hash) is at index in the tree of size whose root
 * is root (RFC 9162 §2.1.3.2). 0 if it is, EINVAL otherwise. */
int tg_merkle_verify_inclusion(uint64_t index, uint64_t size, const uint8_t leaf[32],
                               const tg_merkle_proof *proof, const uint8_t root[32],
                               tg_error *err);
/* Checks that the tree of size2 with root2 extends the tree of size1 with
 * root1 (RFC 9162 §2.1.4.2). Equal sizes need equal roots and an empty
 * proof; size1 0 needs an empty proof and root1 the empty tree's root. 0 if
 * consistent, EINVAL otherwise. */
int tg_merkle_verify_consistency(uint64_t size1, uint64_t size2, const uint8_t root1[32],
                                 const uint8_t root2[32], const tg_merkle_proof *proof,
                                 tg_error *err);

/* ---- The writer's frontier ---------------------------------------------- */

/* The perfect subtrees covering the first size leaves, one per set bit of
 * size: hash[l] is the root of 2^l leaves when bit l is set, and unused
 * otherwise. Start from TG_MERKLE_FRONTIER_INIT. */
typedef struct tg_merkle_frontier {
	uint64_t size;
	uint8_t hash[64][32];
} tg_merkle_frontier;
#define TG_MERKLE_FRONTIER_INIT {0}
/* Largest encoding: 8-byte size and 64 hashes. */
#define TG_MERKLE_FRONTIER_MAX (8 + 64 * 32)

/* Told about each perfect subtree an append completes, so the store can
 * keep the cache that tg_node_fn reads. Returns 0 or a negative TG_E*
 * code. */
typedef int (*tg_node_sink)(void *ctx, unsigned level, uint64_t index, const uint8_t hash[32]);

/* Appends one leaf hash. sink (may be NULL) hears of every subtree of
 * level >= 1 completed, bottom-up; the frontier is updated even when sink
 * fails, whose code is returned. EINVAL when the tree is full (2^64 - 1). */
int tg_merkle_frontier_append(tg_merkle_frontier *f, const uint8_t leaf[32],
                              tg_node_sink sink, void *ctx, tg_error *err);
/* Root of the frontier's tree in at most 63 node hashes. */
void tg_merkle_frontier_root(const tg_merkle_frontier *f, uint8_t out[32]);
/* Rebuilds the frontier of the first n leaves from src. */
int tg_merkle_frontier_build(const tg_merkle_src *src, uint64_t n, tg_merkle_frontier *f,
                             tg_error *err);
/* Serialises f into out (TG_MERKLE_FRONTIER_MAX bytes suffice): the size as
 * 8 bytes big-endian, then the hashes from the largest subtree (leftmost)
 * to the smallest. Returns the number of bytes written. */
size_t tg_merkle_frontier_encode(const tg_merkle_frontier *f, uint8_t *out);
/* Parses an encoding made by tg_merkle_frontier_encode. EINVAL if its
 * length does not match its size. */
int tg_merkle_frontier_decode(const uint8_t *in, size_t len, tg_merkle_frontier *f,
                              tg_error *err);

/* ---- Signed notes (c2sp.org/signed-note), Ed25519 ------------------------ */

/* Why tg_note_open or tg_ledger_checkpoint_open refused a note. */
enum tg_note_status {
	TG_NOTE_OK = 0,
	TG_NOTE_MALFORMED,     /* not a signed note, or its text not a checkpoint */
	TG_NOTE_BAD_VKEY,      /* the verifier key string is malformed */
	TG_NOTE_UNKNOWN_KEY,   /* no signature line by the verifier's key */
	TG_NOTE_KEY_MISMATCH,  /* only lines sharing the key's name or id, not both */
	TG_NOTE_BAD_SIGNATURE, /* a signature by the verifier's key does not verify */
};

/* Longest key name or checkpoint origin accepted, in bytes. */
#define TG_NOTE_NAME_MAX 255
/* Ed25519 secret key as libsodium's crypto_sign keeps it: seed || public. */
#define TG_NOTE_SECRET_LEN 64

/* Key id of an Ed25519 key: the first 4 bytes, big-endian, of
 * SHA-256(name || 0x0A || 0x01 || pub). */
uint32_t tg_note_key_id(const char *name, const uint8_t pub[32]);
/* Verifier key "<name>+<8 hex key id>+<base64(0x01 || pub)>" into a heap
 * string the caller frees. EINVAL for a name that is empty, too long, not
 * UTF-8, or holds a space, a control character or '+'. */
int tg_note_vkey(const char *name, const uint8_t pub[32], char **out, tg_error *err);
/* New random key pair: sk receives the secret key (the caller keeps it
 * safe and wipes it), vkey_out the verifier key string (caller frees). */
int tg_note_keygen(const char *name, uint8_t sk[TG_NOTE_SECRET_LEN], char **vkey_out,
                   tg_error *err);

/* Signs text (len bytes, ending in a newline, valid UTF-8 without control
 * characters other than newline) as name with sk: out receives
 * text + "\n" + "— <name> <base64(key id || signature)>\n" (U+2014 then a
 * space), a heap string the caller frees. EINVAL for bad text or name. */
int tg_note_sign(const char *text, size_t len, const char *name,
                 const uint8_t sk[TG_NOTE_SECRET_LEN], char **out, tg_error *err);
/* Checks note (len bytes) against the verifier key vkey. On success
 * *text_len is the length of the signed text, which starts the note.
 * Lines by other keys are ignored, as the spec requires; a line that shares
 * only the name or only the id of vkey is ignored too, but reported as
 * KEY_MISMATCH when nothing else verifies. Any failing signature by vkey
 * refuses the whole note. status (may be NULL) says why; the return is 0
 * or EINVAL. At most 100 signature lines. */
int tg_note_open(const char *note, size_t len, const char *vkey, size_t *text_len,
                 int *status, tg_error *err);

/* ---- Checkpoints (c2sp.org/tlog-checkpoint) ------------------------------ */

typedef struct tg_ledger_checkpoint {
	char origin[TG_NOTE_NAME_MAX + 1];
	uint64_t size;
	uint8_t root[32];
} tg_ledger_checkpoint;

/* Checkpoint text "<origin>\n<size>\n<base64 root>\n" into a heap string
 * the caller frees. EINVAL for an origin that is empty, too long, not UTF-8
 * or holds a control character. */
int tg_ledger_checkpoint_text(const tg_ledger_checkpoint *cp, char **out, tg_error *err);
/* Parses checkpoint text: the origin, a decimal size without leading zeros,
 * a base64 root of 32 bytes, then optional non-empty extension lines, which
 * are ignored. EINVAL if malformed. */
int tg_ledger_checkpoint_parse(const char *text, size_t len, tg_ledger_checkpoint *out,
                               tg_error *err);
/* The checkpoint text signed as name with sk (see tg_note_sign). */
int tg_ledger_checkpoint_sign(const tg_ledger_checkpoint *cp, const char *name,
                              const uint8_t sk[TG_NOTE_SECRET_LEN], char **out,
                              tg_error *err);
/* tg_note_open, then tg_ledger_checkpoint_parse of the signed text. */
int tg_ledger_checkpoint_open(const char *note, size_t len, const char *vkey,
                              tg_ledger_checkpoint *out, int *status, tg_error *err);

#endif
