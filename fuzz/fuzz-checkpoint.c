/*
 * Signed notes, checkpoints and Merkle proofs.  The input is opened as a
 * note under a fixed verifier key and parsed as checkpoint text; what
 * parses prints back to the same checkpoint, and what signs opens.  Then
 * its bytes are read as an inclusion and a consistency proof to verify:
 * index, size (8 bytes each), leaf and root (32 each), proof hashes.
 */
#include <assert.h>
#include <sodium.h>

#include "fuzz.h"
#include "ledger/ledger.h"

static uint8_t sk[TG_NOTE_SECRET_LEN];
static char *vkey;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	/* A fixed key, so the committed corpus can hold notes it signed. */
	uint8_t seed[crypto_sign_SEEDBYTES] = {0}, pk[32];
	if (sodium_init() < 0 || crypto_sign_seed_keypair(pk, sk, seed) ||
	    tg_note_vkey("fuzz.tergeu", pk, &vkey, NULL))
		abort();
	return 0;
}

static void notes(const char *s, size_t len)
{
	size_t text_len = 0;
	int status = -1;
	tg_error err;
	if (!tg_note_open(s, len, vkey, &text_len, &status, &err))
		assert(status == TG_NOTE_OK && text_len <= len);
	else
		assert(status > TG_NOTE_OK && status <= TG_NOTE_BAD_SIGNATURE);

	tg_ledger_checkpoint cp, again;
	(void)tg_ledger_checkpoint_open(s, len, vkey, &cp, &status, &err);
	if (tg_ledger_checkpoint_parse(s, len, &cp, &err))
		return;
	char *text = NULL, *signed_note = NULL;
	assert(!tg_ledger_checkpoint_text(&cp, &text, &err));
	assert(!tg_ledger_checkpoint_parse(text, strlen(text), &again, &err));
	assert(!strcmp(cp.origin, again.origin) && cp.size == again.size &&
	       !memcmp(cp.root, again.root, 32));
	assert(!tg_ledger_checkpoint_sign(&cp, "fuzz.tergeu", sk, &signed_note, &err));
	assert(!tg_ledger_checkpoint_open(signed_note, strlen(signed_note), vkey, &again, &status,
	                                  &err));
	assert(cp.size == again.size && !memcmp(cp.root, again.root, 32));
	free(text);
	free(signed_note);
}

static uint64_t be64(const uint8_t *p)
{
	uint64_t v = 0;
	for (int i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

static void proofs(const uint8_t *data, size_t size)
{
	if (size < 80)
		return;
	uint64_t index = be64(data), size2 = be64(data + 8);
	const uint8_t *leaf = data + 16, *root = data + 48;
	tg_merkle_proof proof;
	proof.len = (size - 80) / 32;
	if (proof.len > TG_MERKLE_PROOF_MAX)
		proof.len = TG_MERKLE_PROOF_MAX;
	memcpy(proof.hash, data + 80, proof.len * 32);
	tg_error err;
	int rc = tg_merkle_verify_inclusion(index, size2, leaf, &proof, root, &err);
	assert(rc == 0 || rc == TG_EINVAL);
	rc = tg_merkle_verify_consistency(index, size2, leaf, root, &proof, &err);
	assert(rc == 0 || rc == TG_EINVAL);
	tg_merkle_frontier f;
	rc = tg_merkle_frontier_decode(data, size, &f, &err);
	if (!rc) {
		uint8_t enc[TG_MERKLE_FRONTIER_MAX];
		assert(tg_merkle_frontier_encode(&f, enc) == size && !memcmp(enc, data, size));
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 8192)
		return 0;
	notes((const char *)data, size);
	proofs(data, size);

	/* anything signable opens under its key */
	char *signed_note = NULL;
	size_t text_len;
	int status;
	if (!tg_note_sign((const char *)data, size, "fuzz.tergeu", sk, &signed_note, NULL)) {
		assert(!tg_note_open(signed_note, strlen(signed_note), vkey, &text_len, &status,
		                     NULL));
		assert(text_len == size);
		free(signed_note);
	}
	return 0;
}
