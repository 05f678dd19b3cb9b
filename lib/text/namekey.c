/*
 * Name keys: one ASCII skeleton for every spelling of a name token, so that
 * Нұрсұлтан, Нурсултан, Nursultan, Nūrsūltan, Ny'rsy'ltan and Noursoultan
 * land in one block, and Исаев, Isaev, Isayev, Isaiev, Issaev in another.
 *
 * A token goes through three steps, none of which allocates:
 *   1. decode (letters.c): every code point becomes a unit: a Cyrillic or
 *      diacritic letter its sound classes, a plain Latin letter itself, an
 *      apostrophe or soft sign a marker;
 *   2. lex: plain Latin letters are read greedily into classes (shch, sch,
 *      sh, zh, kh, gh, ch, tsch, ts, ou, ...); letters that schemes read
 *      differently take the reading of the schemes used in Kazakhstan
 *      unless a hypothesis flips them (see the T_ list);
 *   3. normalise: сч/шч → SH, дж → ZH, doubled classes collapse, i before
 *      a vowel is a glide, a glide survives only before a, o, u (Isayev =
 *      Isaev, Воробьев = Vorobev, Ильич = Ilich), final -of/-ef is -ov/-ev.
 * Vowels keep five coarse classes (ә and ä are A, ө and ö O, у ұ ү ū ü ý
 * U, и і ы й ı y I, е э ё E): a consonant skeleton alone would put too many
 * different names together.  The classes print as A E I O U Y B V G D Z
 * ZH K L M N P R S T F KH CH SH (H only ever ends a digraph).
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "text/text-int.h"
#include "text/text.h"

static const char class_text[NCLASSES][3] = {
	"", "A", "E", "I", "O", "U", "Y", "B", "V", "G", "D", "Z", "ZH", "K", "L", "M", "N",
	"P", "R", "S", "T", "F", "KH", "CH", "SH"};

/* Ambiguous Latin readings a hypothesis may flip, in the order tried.
 * Plain s, z and y flip one by one: š and ž stripped of their caron, and
 * kz2018's ý (у) of its accent; the ASCII form of Шамсутдинов has one s
 * that is ш and one that is с. */
enum {
	T_J = 1 << 0,   /* j as й or a glide (ISO 9, scientific) instead of ж */
	T_W = 1 << 1,   /* w as у (QazAqparat) instead of в */
	T_X = 1 << 2,   /* x as х (QazAqparat, scientific) instead of кс */
	T_SH = 1 << 3,  /* sh, zh as с, з + х (Ashat = Асхат) */
	T_IOT = 1 << 4, /* initial a/u as я/ю: â, û stripped */
	T_JO = 1 << 5,  /* yo/io/jo as ё written е */
	T_NG = 1 << 6,  /* ng as ң (BGN) instead of нг */
	T_C = 1 << 7,   /* c as к (English) instead of ц/ч */
	T_CH = 1 << 8,  /* ch as х (German: Michail, Achmetow) */
	T_KH = 1 << 9,  /* kh as қ (Bakhyt = Бақыт) */
	T_TS = 1 << 10, /* ts, tz as т + с, з (Bakytzan = Бақытжан folded) */
	NTYPES = 11
};

#define MAXC 80

typedef struct hyp {
	unsigned types;
	/* bit i: the i-th plain s, z, y is ш, ж, у; the i-th a or u after a
	 * vowel is я, ю */
	uint32_t s_flip, z_flip, y_flip, v_flip;
} hyp;

typedef struct lexed {
	uint8_t c[MAXC];
	int n;
	unsigned amb; /* readings that could have been flipped */
	int ns, nz, ny, nv; /* plain Latin s, z, y and a/u after a vowel met */
} lexed;

static void put(lexed *x, int cls)
{
	if (x->n < MAXC)
		x->c[x->n++] = (uint8_t)cls;
}

static bool is_vowel(int c)
{
	return c >= X_A && c <= X_U;
}

static char latin_at(const nk_units *us, int i)
{
	return i < us->n && us->u[i].kind == U_LATIN ? us->u[i].ch : 0;
}

static bool latin_vowel(char ch)
{
	return ch == 'a' || ch == 'e' || ch == 'i' || ch == 'o' || ch == 'u';
}

/* Reads the plain Latin letter at us->u[i] (and what follows it that
 * belongs to it); returns how many units it took. */
static int lex_latin(const nk_units *us, int i, const hyp *h, lexed *x)
{
	char ch = us->u[i].ch;
	char n1 = latin_at(us, i + 1), n2 = latin_at(us, i + 2), n3 = latin_at(us, i + 3);
	bool first = x->n == 0;
	switch (ch) {
	case 's':
		if (n1 == 'c' && n2 == 'h') {
			bool tsch = n3 == 't' && latin_at(us, i + 4) == 's' && latin_at(us, i + 5) == 'c' &&
			            latin_at(us, i + 6) == 'h';
			put(x, X_SH);
			return tsch ? 7 : 3;
		}
		if (n1 == 'h') {
			x->amb |= T_SH;
			if (h->types & T_SH) {
				put(x, X_S);
				return 1;
			}
			put(x, X_SH);
			return n2 == 'h' ? 3 : 2; /* shh (Shherbakov) is one SH */
		}
		put(x, x->ns < 32 && (h->s_flip >> x->ns & 1) ? X_SH : X_S);
		x->ns++;
		return 1;
	case 'z':
		if (n1 == 'h') {
			x->amb |= T_SH;
			put(x, h->types & T_SH ? X_Z : X_ZH);
			return h->types & T_SH ? 1 : 2;
		}
		put(x, x->nz < 32 && (h->z_flip >> x->nz & 1) ? X_ZH : X_Z);
		x->nz++;
		return 1;
	case 'k':
		if (n1 == 'h') {
			x->amb |= T_KH;
			put(x, h->types & T_KH ? X_K : X_KH);
			return 2;
		}
		put(x, X_K);
		return 1;
	case 'g':
		put(x, X_G);
		return n1 == 'h' ? 2 : 1;
	case 'c':
		if (n1 == 'h') {
			x->amb |= T_CH;
			put(x, h->types & T_CH ? X_KH : X_CH);
			return 2;
		}
		x->amb |= T_C;
		put(x, h->types & T_C ? X_K : X_CH);
		return 1;
	case 't':
		if (n1 == 's' && n2 == 'c' && n3 == 'h') {
			put(x, X_CH);
			return 4;
		}
		if (n1 == 'c' && n2 == 'h') {
			put(x, X_CH);
			return 3;
		}
		if ((n1 == 's' || n1 == 'z') && n2 != 'h') { /* not тш, тж */
			x->amb |= T_TS;
			if (!(h->types & T_TS)) {
				/* count the s or z, so its flip is found for T_TS */
				*(n1 == 's' ? &x->ns : &x->nz) += 1;
				put(x, X_CH);
				return 2;
			}
		}
		put(x, X_T);
		return 1;
	case 'p':
		put(x, n1 == 'h' ? X_F : X_P);
		return n1 == 'h' ? 2 : 1;
	case 'n':
		if (n1 == 'g' && n2 != 'h' && n2 != 'g') {
			x->amb |= T_NG;
			if (h->types & T_NG) {
				put(x, X_N);
				return 2;
			}
		}
		put(x, X_N);
		return 1;
	case 'j':
		x->amb |= T_J;
		put(x, h->types & T_J ? X_I : X_ZH);
		return 1;
	case 'x':
		x->amb |= T_X;
		if (h->types & T_X) {
			put(x, X_KH);
		} else {
			put(x, X_K);
			put(x, X_S);
		}
		return 1;
	case 'y':
		put(x, x->ny < 32 && (h->y_flip >> x->ny & 1) ? X_U : X_I);
		x->ny++;
		return 1;
	case 'w':
		x->amb |= T_W;
		put(x, h->types & T_W ? X_U : X_V);
		return 1;
	case 'a':
	case 'u':
		if (first) {
			x->amb |= T_IOT;
			if (h->types & T_IOT)
				put(x, X_Y);
		} else if (x->n && is_vowel(x->c[x->n - 1]) && !(ch == 'u' && x->c[x->n - 1] == X_O)) {
			/* я, ю after a vowel, ISO 9's â û stripped: Zansaa = Жансая */
			if (x->nv < 32 && (h->v_flip >> x->nv & 1))
				put(x, X_Y);
			x->nv++;
		}
		put(x, ch == 'a' ? X_A : X_U);
		return 1;
	case 'o':
		if (x->n && x->c[x->n - 1] == X_I) /* io, yo, ıo, jo read as й */
			x->amb |= T_JO;
		if (i && (us->u[i - 1].kind == U_SIGN || us->u[i - 1].kind == U_APOS ||
		          (us->u[i - 1].kind == U_LATIN && us->u[i - 1].ch == 'j')))
			x->amb |= T_JO;
		put(x, X_O);
		return 1;
	default:
		break;
	}
	/* The letters with one reading; the others were handled above. */
	static const uint8_t plain[26] = {
		X_A, X_B, X_CH, X_D, X_E, X_F, X_G, X_KH, X_I, X_ZH, X_K, X_L, X_M,
		X_N, X_O, X_P, X_K, X_R, X_S, X_T, X_U, X_V, X_V, X_K, X_I, X_Z};
	put(x, plain[ch - 'a']);
	return 1;
}

/* An apostrophe after a letter: part of it in Kazakh Latin 2017 (a' i'
 * o' u' y' = у, c' = ч, s' = ш, g' = ғ, n' = ң), a soft sign after any
 * other consonant (MVD 310: Il'yas) and, as the sh hypothesis, after s
 * (Afanas'ev). */
static void lex_apostrophe(const nk_units *us, int i, const hyp *h, lexed *x)
{
	if (!x->n || i == 0)
		return;
	const nk_unit *p = &us->u[i - 1];
	if (p->kind == U_LATIN) {
		if (p->ch == 's' && x->c[x->n - 1] == X_S) {
			x->amb |= T_SH;
			if (h->types & T_SH)
				put(x, X_Y);
			else
				x->c[x->n - 1] = X_SH;
		} else if (p->ch == 'y')
			x->c[x->n - 1] = X_U;
		else if (!latin_vowel(p->ch) && p->ch != 'c' && p->ch != 'g' && p->ch != 'n')
			put(x, X_Y);
	} else if (p->kind == U_FIXED && !is_vowel(p->b ? p->b : p->a)) {
		put(x, X_Y);
	}
}

static void lex(const nk_units *us, const hyp *h, lexed *x)
{
	x->n = 0;
	x->amb = 0;
	x->ns = x->nz = x->ny = x->nv = 0;
	for (int i = 0; i < us->n;) {
		const nk_unit *u = &us->u[i];
		switch (u->kind) {
		case U_LATIN:
			i += lex_latin(us, i, h, x);
			continue;
		case U_FIXED:
			put(x, u->a);
			if (u->b)
				put(x, u->b);
			break;
		case U_SIGN:
			if (x->n) /* ь, ъ: a glide before a vowel, else nothing */
				put(x, X_Y);
			break;
		case U_APOS:
			lex_apostrophe(us, i, h, x);
			break;
		default:
			break;
		}
		i++;
	}
}

/* Removes doubled classes and merges сч, шч (щ written šč, shch) into SH,
 * дж into ZH and оу into U (Noursoultan; Белоусов as ASCII writes it). */
static int merge(uint8_t *c, int n)
{
	int m = 0;
	for (int i = 0; i < n; i++) {
		int k = c[i];
		if (m) {
			int p = c[m - 1];
			if (k == X_CH && (p == X_S || p == X_SH)) {
				c[m - 1] = X_SH;
				continue;
			}
			if ((k == X_ZH && p == X_D) || (k == X_U && p == X_O)) {
				c[m - 1] = (uint8_t)k;
				continue;
			}
			if (k == p)
				continue;
		}
		c[m++] = (uint8_t)k;
	}
	return m;
}

/* Glides: i before a vowel is one (Ilias = Ильяс, Iuliia = Юлия); a glide
 * is kept only before a, o, u, so Isayev = Isaev, Yerlan = Ерлан,
 * Воробьев = Vorobev and Ильич = Ilich; with jo_as_e a glide and o are the ё written е
 * (Fyodor = Федор).  Returns the new length. */
static int glides(uint8_t *c, int n, bool jo_as_e)
{
	for (int i = 0; i + 1 < n; i++)
		if (c[i] == X_I && (is_vowel(c[i + 1]) || c[i + 1] == X_Y))
			c[i] = X_Y;
	int m = 0;
	for (int i = 0; i < n; i++) {
		if (c[i] == X_Y) {
			int nx = i + 1 < n ? c[i + 1] : X_NONE;
			if (!is_vowel(nx) || nx == X_E || nx == X_I)
				continue;
			if (nx == X_O && jo_as_e) {
				c[i + 1] = X_E;
				continue;
			}
		}
		c[m++] = c[i];
	}
	return m;
}

static int normalize(uint8_t *c, int n, bool jo_as_e)
{
	n = merge(c, n);
	n = glides(c, n, jo_as_e);
	n = merge(c, n);
	/* -off, -ow: final f after o or e is the -ov/-ev ending */
	if (n >= 3 && c[n - 1] == X_F && (c[n - 2] == X_O || c[n - 2] == X_E))
		c[n - 1] = X_V;
	return n;
}

static size_t emit(const uint8_t *c, int n, char out[TG_NAMEKEY_LEN])
{
	size_t k = 0;
	for (int i = 0; i < n; i++) {
		const char *t = class_text[c[i]];
		size_t l = t[1] ? 2 : 1;
		if (k + l > TG_NAMEKEY_LEN - 1)
			break;
		memcpy(out + k, t, l);
		k += l;
	}
	out[k] = '\0';
	return k;
}

/* Key of one hypothesis; fills x with what the lexer met. */
static size_t key_of(const nk_units *us, const hyp *h, lexed *x, char out[TG_NAMEKEY_LEN])
{
	lex(us, h, x);
	return emit(x->c, normalize(x->c, x->n, h->types & T_JO), out);
}

size_t tg_name_key_n(const char *token, size_t len, char out[TG_NAMEKEY_LEN])
{
	nk_units us;
	lexed x;
	hyp h = {0, 0, 0, 0, 0};
	tg_nk_decode(token, len, &us);
	return key_of(&us, &h, &x, out);
}

size_t tg_name_key(const char *token, char out[TG_NAMEKEY_LEN])
{
	return tg_name_key_n(token, strlen(token), out);
}

typedef struct keyset {
	char (*out)[TG_NAMEKEY_LEN];
	int n, max;
} keyset;

static void try_hyp(const nk_units *us, const hyp *h, keyset *ks)
{
	char k[TG_NAMEKEY_LEN];
	lexed x;
	if (ks->n >= ks->max || !key_of(us, h, &x, k))
		return;
	for (int i = 0; i < ks->n; i++)
		if (!strcmp(ks->out[i], k))
			return;
	memcpy(ks->out[ks->n++], k, sizeof k);
}

#define MAXBITS 16
#define MAXTRIES 64

/* Flips each ambiguous reading met (a type of letter, or one plain s or
 * z) alone, then two at a time, three at a time, and so on, until max
 * keys or MAXTRIES hypotheses. */
int tg_name_keys_n(const char *token, size_t len, char out[][TG_NAMEKEY_LEN], int max)
{
	if (max <= 0)
		return 0;
	nk_units us;
	lexed x;
	hyp h = {0, 0, 0, 0, 0};
	tg_nk_decode(token, len, &us);
	if (!key_of(&us, &h, &x, out[0]))
		return 0;
	keyset ks = {out, 1, max};
	hyp bits[MAXBITS];
	int m = 0;
	for (int t = 0; t < NTYPES && m < MAXBITS; t++)
		if (x.amb & (1u << t))
			bits[m++] = (hyp){1u << t, 0, 0, 0, 0};
	for (int i = 0; i < x.ns && m < MAXBITS; i++)
		bits[m++] = (hyp){0, 1u << i, 0, 0, 0};
	for (int i = 0; i < x.nz && m < MAXBITS; i++)
		bits[m++] = (hyp){0, 0, 1u << i, 0, 0};
	for (int i = 0; i < x.ny && m < MAXBITS; i++)
		bits[m++] = (hyp){0, 0, 0, 1u << i, 0};
	for (int i = 0; i < x.nv && m < MAXBITS; i++)
		bits[m++] = (hyp){0, 0, 0, 0, 1u << i};
	int tries = 0;
	for (int size = 1; size <= m && ks.n < max && tries < MAXTRIES; size++) {
		/* the subsets of size bits in increasing order (Gosper's hack) */
		for (unsigned sub = (1u << size) - 1; sub < (1u << m) && ks.n < max && tries < MAXTRIES;
		     tries++) {
			hyp f = {0, 0, 0, 0, 0};
			for (int b = 0; b < m; b++)
				if (sub & (1u << b)) {
					f.types |= bits[b].types;
					f.s_flip |= bits[b].s_flip;
					f.z_flip |= bits[b].z_flip;
					f.y_flip |= bits[b].y_flip;
					f.v_flip |= bits[b].v_flip;
				}
			try_hyp(&us, &f, &ks);
			unsigned low = sub & -sub, r = sub + low;
			sub = (((r ^ sub) >> 2) / low) | r;
		}
	}
	return ks.n;
}

int tg_name_keys(const char *token, char out[][TG_NAMEKEY_LEN], int max)
{
	return tg_name_keys_n(token, strlen(token), out, max);
}
