/*
 * Names: folding, script detection, transliteration by every scheme and
 * back to Cyrillic, name tokens and name keys, on arbitrary bytes (invalid
 * UTF-8 included).  Keys must be ASCII and fit their buffer.
 */
#include <assert.h>

#include "fuzz.h"
#include "text/text.h"

static void check_key(const char *key, size_t len)
{
	assert(len < TG_NAMEKEY_LEN && strlen(key) == len);
	for (size_t i = 0; i < len; i++)
		assert((unsigned char)key[i] < 0x80);
}

static void keys_of(const char *s, size_t len)
{
	char key[TG_NAMEKEY_LEN], keys[TG_NAMEKEY_ALTS][TG_NAMEKEY_LEN];
	check_key(key, tg_name_key_n(s, len, key));
	int n = tg_name_keys_n(s, len, keys, TG_NAMEKEY_ALTS);
	assert(n >= 0 && n <= TG_NAMEKEY_ALTS);
	for (int i = 0; i < n; i++)
		check_key(keys[i], strlen(keys[i]));
	if (n > 0)
		assert(!strcmp(keys[0], key));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 4096)
		return 0;
	char *s = fuzz_cstr(data, size);
	char *folded = tg_text_fold(s);
	(void)tg_text_script(s);
	for (int scheme = 0; scheme < TG_TR_COUNT; scheme++)
		free(tg_translit(s, scheme));
	free(tg_translit_to_cyrillic(s, "kk"));
	free(tg_translit_to_cyrillic(s, "ru"));

	char key[TG_NAMEKEY_LEN], keys[TG_NAMEKEY_ALTS][TG_NAMEKEY_LEN];
	check_key(key, tg_name_key(s, key));
	int n = tg_name_keys(s, keys, 3);
	assert(n >= 0 && n <= 3);
	/* the bytes as given, not NUL-terminated, NULs inside */
	keys_of((const char *)data, size);

	static const char *const orders[] = {"ru", "en", NULL};
	tg_name_token tok[16];
	for (int o = 0; o < 3; o++) {
		int nt = tg_name_tokens(s, orders[o], tok, 16);
		assert(nt >= 0 && nt <= 16);
		for (int i = 0; i < nt; i++) {
			assert(tok[i].start >= s && tok[i].start + tok[i].len <= s + strlen(s));
			keys_of(tok[i].start, tok[i].len);
		}
	}
	static const char *const langs[] = {"kk", "ru", "en", NULL};
	for (int i = 0; folded && i < 4; i++)
		free(tg_text_stem(folded, langs[i])); /* stemming takes folded words */
	free(folded);
	free(s);
	return 0;
}
