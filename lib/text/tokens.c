/*
 * Name tokens and their roles.  A full name as lists write it ("Исаев
 * Нурсултан Кайратович", "Nursultan Kairatuly Isayev", "Нұрлан ұлы
 * Серік") is split into words; each word's role comes from its suffix,
 * read on its name key so that every script and scheme is covered at once
 * (Кайратович, Kairatovich, Kajratovič and Kai'ratovi'c' all end in
 * OVICH), and from the order of the list where the suffixes do not tell.
 */
#include <stdbool.h>
#include <string.h>

#include "text/text.h"

#define TOK_MAX 32

enum hint { H_NONE, H_PATR, H_FAM, H_FAM_WEAK };

typedef struct suffix {
	const char *key;
	enum hint hint;
	char sex;
	unsigned char min; /* shortest key the suffix counts in */
} suffix;

/* Suffixes as name keys: -ович OVICH, -ұлы ULI, -қызы KIZI, -ский SKI,
 * -ская SKAYA, -цкий CHKI ... Weak ones (-ин, -ина) also end given names
 * (Марина, Ерсін) and count only when nothing else tells. */
static const suffix suffixes[] = {
	{"OVICH", H_PATR, 'm', 6}, {"EVICH", H_PATR, 'm', 6}, {"ICHNA", H_PATR, 'f', 7},
	{"ICH", H_PATR, 'm', 5}, {"OVNA", H_PATR, 'f', 6}, {"EVNA", H_PATR, 'f', 6},
	{"ULI", H_PATR, 'm', 5}, {"KIZI", H_PATR, 'f', 6}, {"OGLI", H_PATR, 'm', 6},
	{"OGLU", H_PATR, 'm', 6},
	{"OVA", H_FAM, 'f', 5}, {"EVA", H_FAM, 'f', 5}, {"OV", H_FAM, 'm', 4},
	{"EV", H_FAM, 'm', 4}, {"SKAYA", H_FAM, 'f', 7}, {"CHKAYA", H_FAM, 'f', 8},
	{"SKI", H_FAM, 'm', 5}, {"CHKI", H_FAM, 'm', 6}, {"ENKO", H_FAM, 0, 6},
	{"CHUK", H_FAM, 0, 6}, {"SHUK", H_FAM, 0, 6}, {"YUK", H_FAM, 0, 5},
	{"INA", H_FAM_WEAK, 'f', 6}, {"IN", H_FAM_WEAK, 'm', 5},
};

/* Given names that end like a surname. */
static const char *const not_family[] = {"YAKOV"};

/* A patronymic written as a word of its own after the father's name. */
static const char *const patronymic_words[] = {"ULI", "KIZI", "OGLI", "OGLU"};

typedef struct tok {
	const char *start;
	size_t len;
	enum hint hint;
	char sex;
	enum tg_token_role role;
} tok;

static bool ends_with(const char *key, size_t n, const char *suf)
{
	size_t k = strlen(suf);
	return n >= k && !memcmp(key + n - k, suf, k);
}

static void hint_of_key(const char *key, tok *t)
{
	size_t n = strlen(key);
	for (size_t i = 0; i < sizeof not_family / sizeof not_family[0]; i++)
		if (!strcmp(key, not_family[i]))
			return;
	for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
		const suffix *s = &suffixes[i];
		if (n >= s->min && ends_with(key, n, s->key)) {
			t->hint = s->hint;
			t->sex = s->sex;
			return;
		}
	}
}

/* The hint of a token from its primary key, else from its alternative
 * keys (Kayratwlı is QazAqparat's -ұлы). */
static void find_hint(tok *t)
{
	char keys[TG_NAMEKEY_ALTS][TG_NAMEKEY_LEN];
	int nk = tg_name_keys_n(t->start, t->len, keys, TG_NAMEKEY_ALTS);
	t->hint = H_NONE;
	t->sex = 0;
	for (int i = 0; i < nk && t->hint == H_NONE; i++)
		hint_of_key(keys[i], t);
}

static bool is_patronymic_word(const char *s, size_t len)
{
	char keys[TG_NAMEKEY_ALTS][TG_NAMEKEY_LEN];
	int nk = tg_name_keys_n(s, len, keys, TG_NAMEKEY_ALTS);
	for (int i = 0; i < nk; i++)
		for (size_t k = 0; k < sizeof patronymic_words / sizeof patronymic_words[0]; k++)
			if (!strcmp(keys[i], patronymic_words[k]))
				return true;
	return false;
}

/* Length of the separator at s (0 if none): white space, punctuation
 * other than apostrophes and hyphens, guillemets, curly double quotes,
 * no-break space. */
static size_t separator(const unsigned char *s)
{
	if (*s && strchr(" \t\r\n\v\f,.;:()[]{}!?/\"", *s))
		return 1;
	if (s[0] == 0xC2 && (s[1] == 0xA0 || s[1] == 0xAB || s[1] == 0xBB))
		return 2;
	if (s[0] == 0xE2 && s[1] == 0x80 && s[2] >= 0x9C && s[2] <= 0x9E)
		return 3;
	return 0;
}

/* Splits name into tokens that have letters; a separate ұлы / қызы joins
 * the word before it. */
static int split(const char *name, tok *t, int max)
{
	const unsigned char *p = (const unsigned char *)name;
	int n = 0;
	while (*p && n < max) {
		size_t k;
		while ((k = separator(p)))
			p += k;
		const unsigned char *start = p;
		while (*p && !separator(p))
			p++;
		size_t len = (size_t)(p - start);
		char key[TG_NAMEKEY_LEN];
		if (!len || !tg_name_key_n((const char *)start, len, key))
			continue;
		if (n && is_patronymic_word((const char *)start, len)) {
			t[n - 1].len = (size_t)(p - (const unsigned char *)t[n - 1].start);
			find_hint(&t[n - 1]);
			t[n - 1].hint = H_PATR;
			continue;
		}
		t[n] = (tok){(const char *)start, len, H_NONE, 0, TG_ROLE_UNKNOWN};
		find_hint(&t[n]);
		n++;
	}
	return n;
}

/* The patronymic: the last token with a patronymic suffix; in English
 * order, the last one that is not the final word (Карпович, a surname,
 * may end like one). */
static int pick_patronymic(const tok *t, int n, bool en)
{
	int last = -1, inner = -1;
	for (int i = 0; i < n; i++)
		if (t[i].hint == H_PATR) {
			last = i;
			if (i < n - 1)
				inner = i;
		}
	return en && inner >= 0 ? inner : last;
}

/* The family name among the other tokens o[0..k-1]: a surname suffix
 * wins over the order of the list; then the order; with no order, a weak
 * suffix, then the places a patronymic implies (Family Given Patronymic,
 * Given Patronymic Family). */
static int pick_family(const tok *t, const int *o, int k, int patr, const char *order)
{
	bool ru = order && !strcmp(order, "ru"), en = order && !strcmp(order, "en");
	int first = -1, last = -1;
	for (int i = 0; i < k; i++)
		if (t[o[i]].hint == H_FAM) {
			if (first < 0)
				first = o[i];
			last = o[i];
		}
	if (first >= 0)
		return en ? last : first;
	if (k < 2)
		return -1;
	if (ru)
		return o[0];
	if (en)
		return o[k - 1];
	for (int i = 0; i < k; i++)
		if (t[o[i]].hint == H_FAM_WEAK)
			return o[i];
	if (patr < 0)
		return -1;
	if (o[k - 1] > patr)
		return o[k - 1];
	return k == 2 ? o[0] : -1;
}

static void assign_roles(tok *t, int n, const char *order)
{
	bool ru = order && !strcmp(order, "ru");
	int patr = pick_patronymic(t, n, order && !strcmp(order, "en"));
	int o[TOK_MAX], k = 0;
	for (int i = 0; i < n; i++)
		if (i != patr)
			o[k++] = i;
	int fam = pick_family(t, o, k, patr, order);
	bool known = fam >= 0 || patr >= 0;
	for (int i = 0; i < k; i++)
		t[o[i]].role = o[i] == fam ? TG_ROLE_FAMILY : known ? TG_ROLE_GIVEN : TG_ROLE_UNKNOWN;
	if (patr >= 0)
		t[patr].role = TG_ROLE_PATRONYMIC;
	/* "Исаев Н. К.": a Russian list's third word is the patronymic */
	else if (ru && k == 3 && fam == o[0])
		t[o[2]].role = TG_ROLE_PATRONYMIC;
	for (int i = 0; i < n; i++) {
		bool told = (t[i].role == TG_ROLE_PATRONYMIC && t[i].hint == H_PATR) ||
		            (t[i].role == TG_ROLE_FAMILY && t[i].hint != H_NONE && t[i].hint != H_PATR);
		if (!told)
			t[i].sex = 0;
	}
}

int tg_name_tokens(const char *name, const char *order, tg_name_token *out, int max)
{
	tok t[TOK_MAX];
	int n = split(name, t, max < TOK_MAX ? max : TOK_MAX);
	assign_roles(t, n, order);
	for (int i = 0; i < n; i++)
		out[i] = (tg_name_token){t[i].start, t[i].len, t[i].role, t[i].sex};
	return n;
}
