/*
 * Passphrases: the policy checked when one is set, reading one for a front
 * end (a file descriptor, a file named in the environment, or the terminal
 * with echo off; never the command line), and the process hygiene of a
 * process that holds keys.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <termios.h>
#include <unistd.h>

#include "store/keys.h"

#define MIN_DISTINCT 5

static int refuse(tg_error *err, const char *msg)
{
	return tg_error_set(err, TG_EINVAL, "passphrase", "%s", msg);
}

/* Splits s into characters (UTF-8 sequences packed into a uint32_t each);
 * returns how many. */
static size_t split_chars(const char *s, uint32_t *out, size_t cap)
{
	size_t n = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p && n < cap; n++) {
		uint32_t c = *p++;
		while ((*p & 0xC0) == 0x80)
			c = c << 8 | *p++;
		out[n] = c;
	}
	return n;
}

static size_t distinct(const uint32_t *c, size_t n)
{
	size_t d = 0;
	for (size_t i = 0; i < n; i++) {
		size_t j = 0;
		while (j < i && c[j] != c[i])
			j++;
		d += j == i;
	}
	return d;
}

/* The smallest period of c: n when it does not repeat. */
static size_t period(const uint32_t *c, size_t n)
{
	for (size_t p = 1; p <= n / 2; p++) {
		size_t i = p;
		while (i < n && c[i] == c[i - p])
			i++;
		if (i == n && n % p == 0)
			return p;
	}
	return n;
}

/* Whether the first len bytes of s (ASCII lowercase) equal a line of the
 * list, ignoring ASCII case. */
static bool listed(const char *list, const char *s, size_t len)
{
	if (!list || !len)
		return false;
	for (const char *line = list; *line;) {
		const char *end = strchr(line, '\n');
		size_t n = end ? (size_t)(end - line) : strlen(line);
		size_t m = n;
		while (m && (line[m - 1] == '\r' || line[m - 1] == ' '))
			m--;
		if (m == len && *line != '#' && !strncasecmp(line, s, len))
			return true;
		line += n + (end != NULL);
	}
	return false;
}

static bool trailing_junk(char c)
{
	return (c >= '0' && c <= '9') || (c && strchr("!@#$%^&*()_+-=.,?;:'\"~`/\\|<>[]{} ", c));
}

int tg_keys_check_passphrase(const char *passphrase, const char *common_list, tg_error *err)
{
	if (!passphrase || !*passphrase)
		return refuse(err, _("the passphrase is empty"));
	if (sodium_init() < 0)
		return tg_error_set(err, TG_EIO, NULL, _("cannot start the cryptography library"));
	size_t len = strlen(passphrase);
	if (len > TG_KEYS_MAX_PASSPHRASE)
		return refuse(err, _("the passphrase is too long"));
	uint32_t *chars = sodium_malloc(len * sizeof *chars);
	char *lower = sodium_malloc(len + 1);
	int rc = TG_OK;
	if (!chars || !lower) {
		rc = tg_error_set(err, TG_ENOMEM, NULL, "%s", tg_strerror(TG_ENOMEM));
		goto done;
	}
	size_t n = split_chars(passphrase, chars, len);
	if (n < TG_KEYS_MIN_PASSPHRASE) {
		rc = tg_error_set(err, TG_EINVAL, "passphrase",
		                  _("a passphrase needs at least %d characters"),
		                  TG_KEYS_MIN_PASSPHRASE);
		goto done;
	}
	if (distinct(chars, n) < MIN_DISTINCT || period(chars, n) < n) {
		rc = refuse(err, _("the passphrase repeats itself; use several unrelated words"));
		goto done;
	}
	for (size_t i = 0; i <= len; i++)
		lower[i] = passphrase[i] >= 'A' && passphrase[i] <= 'Z' ? (char)(passphrase[i] + 32)
		                                                        : passphrase[i];
	size_t stem = len;
	while (stem && trailing_junk(lower[stem - 1]))
		stem--;
	if (listed(common_list, lower, len) || (stem < len && listed(common_list, lower, stem)))
		rc = refuse(err, _("the passphrase is too common; use several unrelated words"));
done:
	sodium_free(chars);
	sodium_free(lower);
	return rc;
}

/* Reads one line from fd, a byte at a time so that nothing after the line
 * is consumed from a shared descriptor. */
static int read_line(int fd, char **out, tg_error *err)
{
	char *buf = sodium_malloc(TG_KEYS_MAX_PASSPHRASE + 2);
	if (!buf)
		return tg_error_set(err, TG_ENOMEM, NULL, "%s", tg_strerror(TG_ENOMEM));
	size_t n = 0;
	int rc = TG_OK;
	for (;;) {
		char c;
		ssize_t r = read(fd, &c, 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			rc = tg_error_set(err, TG_EIO, NULL, _("cannot read the passphrase: %s"),
			                  strerror(errno));
			break;
		}
		if (r == 0 || c == '\n')
			break;
		if (c == '\0' || n >= TG_KEYS_MAX_PASSPHRASE) {
			rc = refuse(err, c ? _("the passphrase is too long")
			                   : _("the passphrase contains a NUL byte"));
			break;
		}
		buf[n++] = c;
	}
	if (!rc && n && buf[n - 1] == '\r')
		n--;
	buf[n] = '\0';
	if (!rc && n == 0)
		rc = refuse(err, _("the passphrase is empty"));
	if (rc) {
		sodium_free(buf);
		return rc;
	}
	*out = buf;
	return TG_OK;
}

static volatile sig_atomic_t caught;

static void on_signal(int sig)
{
	caught = sig;
}

/* Reads from the controlling terminal with echo off.  A signal that would
 * end the process while echo is off (Ctrl-C, hangup, ...) first puts the
 * terminal back, then is raised again. */
static int read_tty(const char *prompt, char **out, tg_error *err)
{
	static const int sigs[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGTSTP, SIGTTIN, SIGTTOU};
	struct sigaction old_act[sizeof sigs / sizeof sigs[0]], act = {.sa_handler = on_signal};
	struct termios old, quiet;
	int fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (fd < 0 || tcgetattr(fd, &old)) {
		if (fd >= 0)
			close(fd);
		return tg_error_set(err, TG_EUSAGE, NULL,
		                    _("no terminal to ask for the passphrase: use --passphrase-fd "
		                      "or TERGEU_PASSPHRASE_FILE"));
	}
	caught = 0;
	sigemptyset(&act.sa_mask);
	for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
		sigaction(sigs[i], &act, &old_act[i]);
	quiet = old;
	quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHOE | ECHOK);
	quiet.c_lflag |= ECHONL;
	tcsetattr(fd, TCSAFLUSH, &quiet);
	int rc = prompt && write(fd, prompt, strlen(prompt)) < 0
	                 ? tg_error_set(err, TG_EIO, NULL, _("cannot write to the terminal"))
	                 : TG_OK;
	char *line = NULL;
	if (!rc)
		rc = read_line(fd, &line, err);
	tcsetattr(fd, TCSAFLUSH, &old);
	for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
		sigaction(sigs[i], &old_act[i], NULL);
	close(fd);
	if (caught) {
		tg_keys_secret_free(line);
		raise(caught);
		return tg_error_set(err, TG_EIO, NULL, _("interrupted"));
	}
	if (!rc)
		*out = line;
	return rc;
}

int tg_keys_read_passphrase(int fd, const char *prompt, char **out, tg_error *err)
{
	*out = NULL;
	if (sodium_init() < 0)
		return tg_error_set(err, TG_EIO, NULL, _("cannot start the cryptography library"));
	if (fd >= 0)
		return read_line(fd, out, err);
	const char *file = getenv("TERGEU_PASSPHRASE_FILE");
	if (!file || !*file)
		return read_tty(prompt, out, err);
	int f = open(file, O_RDONLY | O_CLOEXEC);
	if (f < 0)
		return tg_error_set(err, TG_EIO, NULL, _("cannot read the passphrase file: %s"),
		                    strerror(errno));
	int rc = read_line(f, out, err);
	close(f);
	return rc;
}

void tg_keys_secret_free(char *s)
{
	sodium_free(s);
}

int tg_keys_harden_process(tg_error *err)
{
	struct rlimit none = {0, 0};
	if (setrlimit(RLIMIT_CORE, &none) || prctl(PR_SET_DUMPABLE, 0, 0, 0, 0))
		return tg_error_set(err, TG_EIO, NULL, _("cannot turn off core dumps: %s"),
		                    strerror(errno));
	return TG_OK;
}
