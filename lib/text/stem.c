/*
 * Stems for full-text search.  Russian and English through Snowball
 * (libstemmer); Snowball has no Kazakh, so Kazakh words lose their common
 * inflectional endings here: plural, case, possessive — Kazakh is
 * agglutinative and a search for "азаптау" should find "азаптаулары".
 * Stemmers are kept per thread, made on first use.
 */
#include <libstemmer.h>
#include <stdbool.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "text/text.h"

/* Endings stripped from Kazakh words, longest first within each group;
 * a word loses at most three, and keeps at least three letters. */
static const char *const kk_suffixes[] = {
	/* possessive + case, frequent together */
	"ларының", "лерінің", "дарының", "дерінің", "тарының", "терінің",
	"ларына", "леріне", "ларында", "лерінде", "ларынан", "лерінен",
	/* case */
	"ның", "нің", "дың", "дің", "тың", "тің",
	"нан", "нен", "дан", "ден", "тан", "тен",
	"нда", "нде", "нға", "нге",
	"мен", "бен", "пен",
	"ға", "ге", "қа", "ке", "на", "не",
	"да", "де", "та", "те",
	"ды", "ді", "ты", "ті", "ны", "ні",
	/* plural */
	"лар", "лер", "дар", "дер", "тар", "тер",
	/* possessive */
	"сы", "сі", "ы", "і",
};

static size_t utf8_len(const char *s, size_t bytes)
{
	size_t n = 0;
	for (size_t i = 0; i < bytes; i++)
		n += ((unsigned char)s[i] & 0xc0) != 0x80;
	return n;
}

static bool ends_with(const char *w, size_t len, const char *suf, size_t slen)
{
	return len > slen && !memcmp(w + len - slen, suf, slen);
}

static char *stem_kazakh(const char *word)
{
	char *w = strdup(word);
	if (!w)
		return NULL;
	size_t len = strlen(w);
	for (int round = 0; round < 3; round++) {
		bool cut = false;
		for (size_t i = 0; i < sizeof kk_suffixes / sizeof kk_suffixes[0]; i++) {
			size_t slen = strlen(kk_suffixes[i]);
			if (ends_with(w, len, kk_suffixes[i], slen) && utf8_len(w, len - slen) >= 3) {
				len -= slen;
				w[len] = '\0';
				cut = true;
				break;
			}
		}
		if (!cut)
			break;
	}
	return w;
}

/* Kazakh-only letters: ә ғ қ ң ө ұ ү һ і. */
static bool has_kazakh_letter(const char *s)
{
	static const char *const letters[] = {"ә", "ғ", "қ", "ң", "ө", "ұ", "ү", "һ", "і"};
	for (size_t i = 0; i < sizeof letters / sizeof letters[0]; i++)
		if (strstr(s, letters[i]))
			return true;
	return false;
}

/* One pair of stemmers per thread (a stemmer is not thread-safe), freed
 * when the thread ends: the web server's workers come and go. */
static pthread_key_t stemmer_key;
static pthread_once_t stemmer_once = PTHREAD_ONCE_INIT;

static void stemmers_free(void *p)
{
	struct sb_stemmer **cache = p;
	for (int i = 0; i < 2; i++)
		if (cache[i])
			sb_stemmer_delete(cache[i]);
	free(cache);
}

static void stemmer_key_make(void)
{
	pthread_key_create(&stemmer_key, stemmers_free);
}

static struct sb_stemmer *stemmer(int which)
{
	pthread_once(&stemmer_once, stemmer_key_make);
	struct sb_stemmer **cache = pthread_getspecific(stemmer_key);
	if (!cache) {
		cache = calloc(2, sizeof *cache);
		if (!cache)
			return NULL;
		pthread_setspecific(stemmer_key, cache);
	}
	if (!cache[which])
		cache[which] = sb_stemmer_new(which ? "english" : "russian", "UTF_8");
	return cache[which];
}

char *tg_text_stem(const char *word, const char *lang)
{
	if (!lang || !*lang) {
		const char *script = tg_text_script(word);
		lang = strcmp(script, "Cyrl") ? "en" : has_kazakh_letter(word) ? "kk" : "ru";
	}
	if (!strcmp(lang, "kk"))
		return stem_kazakh(word);
	struct sb_stemmer *sb = stemmer(strcmp(lang, "ru") ? 1 : 0);
	const sb_symbol *out = sb ? sb_stemmer_stem(sb, (const sb_symbol *)word, (int)strlen(word))
	                          : NULL;
	if (!out)
		return strdup(word);
	int n = sb_stemmer_length(sb);
	char *s = malloc((size_t)n + 1);
	if (s) {
		memcpy(s, out, (size_t)n);
		s[n] = '\0';
	}
	return s;
}
