/*
 * util — the pieces every module shares: errors, a string builder, an arena,
 * partial dates, UUIDv7 ids and UTC timestamps.
 *
 * Library functions return 0 on success or a negative TG_E* code, and fill a
 * caller-owned tg_error with the place of the problem (file, line, JSON path
 * or field).  Nothing in the library prints; front ends decide how to show
 * an error.
 */
#ifndef TG_UTIL_H
#define TG_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <libintl.h>
#define _(s) tg_gettext(s)
#define N_(s) (s)

/* The translation of msgid in the language this thread chose with
 * tg_i18n_thread_lang, else in the process's (gettext's LANGUAGE). */
const char *tg_gettext(const char *msgid) __attribute__((format_arg(1)));
/* Reads the kk, ru and en catalogs under localedir (LANG/LC_MESSAGES/
 * tergeu.mo) for tg_i18n_thread_lang; returns how many were read. Call
 * before starting threads. */
int tg_i18n_load(const char *localedir);
/* This thread's language from now on: "kk", "ru", "en", or NULL for the
 * process's. */
void tg_i18n_thread_lang(const char *lang);

/* X-macro: code, name, exit status, message. Exit statuses are what the CLI
 * returns: 2 usage, 3 not found, 4 invalid input, 5 storage, I/O or
 * integrity, 6 wrong passphrase. */
#define TG_ERRORS(X)                                                        \
	X(EUSAGE, 1, 2, N_("invalid usage"))                                \
	X(EINVAL, 2, 4, N_("invalid input"))                                \
	X(EJSON, 3, 4, N_("malformed JSON"))                                \
	X(ETYPE, 4, 4, N_("wrong type"))                                    \
	X(EDATE, 5, 4, N_("invalid date"))                                  \
	X(EVOCAB, 6, 4, N_("unknown vocabulary term"))                      \
	X(EREF, 7, 4, N_("reference to a record that does not exist"))     \
	X(EEXIST, 8, 4, N_("record already exists"))                        \
	X(ENOTFOUND, 9, 3, N_("not found"))                                 \
	X(EDELETED, 10, 4, N_("record is deleted"))                         \
	X(EIO, 11, 5, N_("input/output error"))                             \
	X(EDB, 12, 5, N_("database error"))                                 \
	X(ESCHEMA, 13, 5, N_("database schema is newer than this program")) \
	X(ENOMEM, 14, 5, N_("out of memory"))                               \
	X(EINTEGRITY, 15, 5, N_("integrity check failed"))                  \
	X(EAUTH, 16, 6, N_("wrong passphrase or recovery code"))

enum tg_code {
	TG_OK = 0,
#define TG_ENUM_(name, num, exitc, msg) TG_##name = -(num),
	TG_ERRORS(TG_ENUM_)
#undef TG_ENUM_
};

/* Where and why an operation failed. All strings are NUL-terminated and
 * may be empty; line is 0 when unknown. */
typedef struct tg_error {
	int code;
	int line;
	char file[256];
	char path[256]; /* JSON path or field name, e.g. "names[1].role" */
	char msg[512];
} tg_error;

/* Sets err (if not NULL) and returns code. fmt is already translated by the
 * caller. Later calls overwrite earlier ones except the file and line, which
 * are kept when the new call leaves them unset. */
int tg_error_set(tg_error *err, int code, const char *path, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* The value is code itself, visibly to the static analyzer, which then
 * knows that `return tg_error_set(err, TG_EINVAL, ...)` returns non-zero.
 * code must have no side effects (it is a constant or a variable). */
static inline int tg_error_code_(int code, int set)
{
	(void)set;
	return code;
}
#define tg_error_set(err, code, ...) \
	tg_error_code_((code), tg_error_set((err), (code), __VA_ARGS__))
void tg_error_clear(tg_error *err);
/* Short translated message for a code, e.g. "invalid date". */
const char *tg_strerror(int code);
/* Stable English identifier for a code, e.g. "EDATE". */
const char *tg_error_name(int code);
/* Process exit status for a code (0 for TG_OK). */
int tg_error_exit_status(int code);

/* String builder: buf is always NUL-terminated (an empty builder points to
 * a static ""), len excludes the NUL. Allocation failure aborts: the
 * builder is for bounded, program-generated text. */
typedef struct tg_strbuf {
	char *buf;
	size_t len, alloc;
} tg_strbuf;
#define TG_STRBUF_INIT {0}
void tg_strbuf_add(tg_strbuf *sb, const char *s, size_t n);
void tg_strbuf_adds(tg_strbuf *sb, const char *s);
void tg_strbuf_addc(tg_strbuf *sb, char c);
void tg_strbuf_addf(tg_strbuf *sb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void tg_strbuf_reset(tg_strbuf *sb);
/* Returns the heap string and leaves sb empty; caller frees. */
char *tg_strbuf_detach(tg_strbuf *sb);
void tg_strbuf_release(tg_strbuf *sb);
const char *tg_strbuf_str(const tg_strbuf *sb);

/* Arena: many small allocations freed at once. tg_arena_free(NULL) is a
 * no-op. Allocation failure aborts. */
typedef struct tg_arena tg_arena;
tg_arena *tg_arena_new(void);
void *tg_arena_alloc(tg_arena *a, size_t n);
char *tg_arena_strdup(tg_arena *a, const char *s);
void tg_arena_free(tg_arena *a);

/* Partial dates: "2022", "2022-01" or "2022-01-05", optionally approximate.
 * Canonical text is ISO 8601 with a leading '~' when approximate; without
 * the '~' the text sorts correctly as a string (year before its months). */
typedef struct tg_pdate {
	int year;  /* 1..9999 */
	int month; /* 0 when unknown */
	int day;   /* 0 when unknown */
	bool approx;
} tg_pdate;
/* Parses ISO forms, "~" prefix for approximate, and "DD.MM.YYYY" /
 * "MM.YYYY". Rejects impossible dates such as 2022-02-30. */
int tg_pdate_parse(const char *s, tg_pdate *out, tg_error *err);
/* Writes the canonical form into out (at least 12 bytes). */
void tg_pdate_format(const tg_pdate *d, char *out, size_t n, bool with_approx);
/* Order by year, then month, then day; an unknown part sorts first. */
int tg_pdate_cmp(const tg_pdate *a, const tg_pdate *b);
/* True if the two dates may denote the same day (one is a prefix of the
 * other). */
bool tg_pdate_compatible(const tg_pdate *a, const tg_pdate *b);
bool tg_date_valid(int year, int month, int day);

/* UUIDv7 (RFC 9562) as 36 lowercase characters plus NUL. */
#define TG_UUID_LEN 37
void tg_uuid7(char out[TG_UUID_LEN]);
/* Deterministic variant: ms since the epoch and 10 bytes of randomness. */
void tg_uuid7_from(uint64_t unix_ms, const uint8_t rnd[10], char out[TG_UUID_LEN]);
bool tg_uuid_valid(const char *s);

/* Current UTC time as "YYYY-MM-DDTHH:MM:SS.mmmZ". TERGEU_NOW, when set,
 * fixes the clock (tests only). */
#define TG_TIME_LEN 32
void tg_now_utc(char out[TG_TIME_LEN]);
uint64_t tg_now_ms(void);

/* Small deterministic PRNG (xoshiro256**) for generators and tests. */
typedef struct tg_rng {
	uint64_t s[4];
} tg_rng;
void tg_rng_seed(tg_rng *r, uint64_t seed);
uint64_t tg_rng_next(tg_rng *r);
/* Uniform in [0, n); n > 0. */
uint32_t tg_rng_below(tg_rng *r, uint32_t n);
/* Uniform in [0, 1). */
double tg_rng_unit(tg_rng *r);

/* Kazakhstan's 12-digit individual identification number (IIN): true when
 * it has the form of one (date of birth, century and sex digit) and its
 * check digit agrees. */
bool tg_iin_valid(const char *iin);
/* The check digit of the first 11 digits of d, or -1 when no IIN has them. */
int tg_iin_check_digit(const char *d);

/* Called now and then during long operations; what is a short untranslated
 * stage name ("persons", "records", ...). May be NULL where accepted. */
typedef void (*tg_progress_fn)(void *ctx, const char *what, uint64_t done, uint64_t total);

/* Reads a whole file (or stdin for "-") into a NUL-terminated buffer. */
int tg_read_file(const char *path, char **out, size_t *len, tg_error *err);

/* Test-only fault injection (the database's VFS, the vault): with
 * TERGEU_TEST=1, TERGEU_TEST_FAULT=count gives TG_FAULT_COUNT and
 * NAME:N[+], NAME one of names[0..n), the index of NAME with *nth = N and
 * *sticky whether "+" follows; anything else TG_FAULT_NONE, with *spec the
 * text that was not understood (NULL if there was none). */
enum { TG_FAULT_NONE = -1, TG_FAULT_COUNT = -2 };
int tg_test_fault_spec(const char *const names[], size_t n, long *nth, bool *sticky,
                       const char **spec);

#endif
