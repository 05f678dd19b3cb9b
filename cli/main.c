/*
 * tergeu: the command table, global options and the helpers every
 * subcommand shares.  A subcommand parses its options and calls the
 * library; nothing here is logic the web server would also need.
 */
#include <dirent.h>
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "cli/cli.h"
#include "text/text.h"

static const struct cli_cmd commands[] = {
	{"init", cmd_init, N_("create an empty database, encrypted under a passphrase"),
	 N_("[--no-encrypt]")},
	{"add", cmd_add, N_("add a record from flags or a JSON document"),
	 N_("ENTITY [--FIELD VALUE]... | ENTITY --file FILE.json|-")},
	{"show", cmd_show, N_("show a record"), N_("ID")},
	{"search", cmd_search, N_("search names and text in any script and spelling"),
	 N_("QUERY... [--type ENTITY] [--place P] [--from DATE] [--to DATE]"
	    " [--clearance public|restricted|confidential] [--limit N]")},
	{"list", cmd_list, N_("list records"),
	 N_("[ENTITY] [--place P] [--from DATE] [--to DATE] [--term CODE] [--text TEXT]"
	    " [--deleted] [--limit N] [--offset N]")},
	{"edit", cmd_edit, N_("change fields of a record"),
	 N_("ID [--FIELD VALUE]... [--unset FIELD]... | ID --file PATCH.json|-")},
	{"delete", cmd_delete, N_("delete a record (it stays in history)"), N_("ID --reason TEXT")},
	{"history", cmd_history, N_("show the versions of a record and what changed"), N_("ID")},
	{"export", cmd_export, N_("export the database as JSON, or its public records"),
	 N_("[--format json] [--out FILE] | --public [--format csv|json] --out DIR [--min-cell N]")},
	{"import", cmd_import, N_("import a JSON export, or a victim list as raw records"),
	 N_("FILE|- | FILE --list NAME --map MAPPING.json [--format csv|tsv|json] [--lang kk|ru|en]")},
	{"vocab", cmd_vocab, N_("list vocabularies and terms, or add a term"),
	 N_("[VOCABULARY] | add VOCABULARY CODE --en LABEL [--kk LABEL] [--ru LABEL]"
	    " [--parent CODE]")},
	{"summary", cmd_summary, N_("count the records in the database"), ""},
	{"reindex", cmd_reindex, N_("rebuild the search index"), ""},
	{"passphrase", cmd_passphrase, N_("change the passphrase (only the key file is rewritten)"),
	 N_("change [--recovery] [--new-passphrase-fd N]")},
	{"quick-delete", cmd_quick_delete, N_("destroy the database at once: its key is shredded"),
	 N_("[--force]")},
	{"evidence", cmd_evidence, N_("keep files in the encrypted evidence vault, with their chain of custody"),
	 N_("add FILE --source ID [--subject ID] [--captured-at T] [--captured-by X] [--url U]"
	    " [--note N] | show ID | custody ID --add ACTION [--by X] [--note N] |"
	    " export ID --out FILE | verify [ID|--all] | gc [--dry-run] [--grace DURATION]")},
	{"backup", cmd_backup, N_("write the database, its key file and evidence to one backup file, online"),
	 N_("--out FILE [--force]")},
	{"restore", cmd_restore, N_("restore a backup into --db, verifying its ledger and evidence"),
	 N_("FILE [--force] [--recovery]")},
	{"ledger", cmd_ledger, N_("sign checkpoints of the tamper-evident ledger, verify it, prove entries"),
	 N_("checkpoint [--out FILE] | verify [--checkpoint FILE] [--full] | prove ID | key")},
	{"link", cmd_link, N_("find the same person across imported lists (record linkage)"),
	 N_("[--upper P] [--lower P] [--block-cap N] [--threads N] [--seed N]"
	    " [--clusters-out FILE.csv] | --explain RECORD RECORD")},
	{"review", cmd_review, N_("review the pairs linkage could not decide"),
	 N_("[--json] | --decide RECORD RECORD link|not-link [--note TEXT] | --decisions"
	    " | --undo DECISION")},
	{"stats", cmd_stats, N_("count documented victims, with the lists or sources behind each number"),
	 N_("[--from lists|records] [--by DIM,...] [--format table|csv|json] [--clearance LEVEL]")},
	{"estimate", cmd_estimate, N_("estimate the total number of victims from overlapping lists"),
	 N_("[--table FILE.csv | --by place|region|period|fate|sex] [--method chapman|loglinear|lcmcr]"
	    " [--criterion aic|bic] [--average] [--seed N] [--models] [--svg FILE]")},
	{"accountability", cmd_accountability, N_("show the accountability funnel and the asymmetry, with the records behind each figure"),
	 N_("[--by type|place|both] [--clearance public|restricted|confidential] [--ids]")},
	{"user", cmd_user, N_("manage the accounts of the web interface (Argon2id password hashes)"),
	 N_("add NAME --role admin|editor|analyst|viewer [--clearance LEVEL] [--password-fd N]"
	    " | list | passwd NAME [--password-fd N] | role NAME ROLE [--clearance LEVEL]"
	    " | disable NAME | totp NAME [--off] | token NAME --label TEXT | tokens [NAME]"
	    " | revoke NAME TOKEN_ID")},
	{"dossier", cmd_dossier, N_("write a person's case file to print or submit (HTML, or PDF with Chromium)"),
	 N_("ID [--out FILE.html] [--pdf FILE.pdf] [--clearance public|restricted|confidential]")},
	{"report", cmd_report, N_("write a report: victims, acts, estimates, proceedings, methods (HTML + data)"),
	 N_("--out DIR [--public [--min-cell N]] [--clearance public|restricted|confidential]")},
	{"agenda", cmd_agenda, N_("list hearings and deadlines ahead, warn of passed ones; iCalendar export"),
	 N_("[--from DATE] [--to DATE] [--ics FILE|-] [--rules FILE.json] [--clearance LEVEL]")},
	{"serve", cmd_serve, N_("serve the web interface and the JSON API"),
	 N_("[--listen ADDRESS:PORT] [--tls-cert FILE --tls-key FILE] [--hosts NAME,...]"
	    " [--threads N] [--idle-lock MINUTES] [--session-idle MINUTES] [--session-max HOURS]")},
	{"name-key", cmd_namekey, N_("print the name keys shared by the spellings of names"),
	 N_("[--all] NAME...")},
	{"translit", cmd_translit, N_("transliterate names between Cyrillic and Latin schemes"),
	 N_("--to ru|icao|mvd310|bgn|iso9|kz2017|kz2018|kz2021|press|ascii|cyrillic|kk-cyrillic"
	    " TEXT...")},
	{"demo", cmd_demo, N_("create a demo database with the founding case and a synthetic population"),
	 N_("[--size N] [--seed S] [--force]")},
	{"generate", cmd_generate, N_("write synthetic source lists as CSV files with their truth"),
	 N_("--out DIR [--size N] [--seed S] [--lists 3|4]")},
};

const struct cli_cmd *cli_commands(int *n)
{
	*n = (int)(sizeof commands / sizeof commands[0]);
	return commands;
}

static const struct cli_cmd *find_cmd(const char *name)
{
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		if (!strcmp(commands[i].name, name))
			return &commands[i];
	return NULL;
}

static void print_help(const struct cli_cmd *cmd)
{
	if (cmd) {
		printf(_("usage: tergeu %s %s\n"), cmd->name, *cmd->usage ? _(cmd->usage) : "");
		printf("\n%s\n", _(cmd->summary));
		printf(_("\nCommon options: --db PATH, --json, --lang kk|ru|en, --translit SCHEME\n"));
		printf(_("The passphrase of an encrypted database is read from the terminal, the file\n"
		         "named by TERGEU_PASSPHRASE_FILE, or --passphrase-fd N; never from arguments.\n"));
		return;
	}
	printf(_("usage: tergeu [--db PATH] [--json] [--lang kk|ru|en] [--translit SCHEME] COMMAND"
	         " [ARGS]\n\n"));
	printf(_("tergeu documents human-rights violations: who did what to whom, the\n"
	         "proceedings that followed, and the sources behind every fact.\n\n"
	         "Commands:\n"));
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		printf("  %-10s %s\n", commands[i].name, _(commands[i].summary));
	printf(_("\nThe database is --db PATH, else $TERGEU_DB, else\n"
	         "$XDG_DATA_HOME/tergeu/tergeu.db. 'tergeu COMMAND --help' tells more.\n"));
}

bool cli_wants_help(const char *cmd, int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--"))
			break;
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			print_help(find_cmd(cmd));
			return true;
		}
	}
	return false;
}

int cli_fail(const tg_error *err)
{
	fputs("tergeu: ", stderr);
	if (*err->file)
		fprintf(stderr, err->line ? "%s:%d: " : "%s: ", err->file, err->line);
	else if (err->line)
		fprintf(stderr, _("line %d: "), err->line);
	if (*err->msg)
		fputs(err->msg, stderr);
	else
		fputs(tg_strerror(err->code), stderr);
	if (*err->path && !strstr(err->msg, err->path))
		fprintf(stderr, _(" (at %s)"), err->path);
	fputc('\n', stderr);
	return tg_error_exit_status(err->code);
}

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "tergeu %s: ", cmd);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, _("\n(see 'tergeu %s --help')\n"), cmd);
	return CLI_USAGE;
}

void cli_remove_db(const char *db)
{
	static const char *const sides[] = {"", "-wal", "-shm", "-journal", "-checkpoint", ".key"};
	tg_strbuf path = TG_STRBUF_INIT;
	for (size_t i = 0; i < sizeof sides / sizeof sides[0]; i++) {
		tg_strbuf_reset(&path);
		tg_strbuf_addf(&path, "%s%s", db, sides[i]);
		unlink(path.buf);
	}
	tg_strbuf_reset(&path);
	tg_strbuf_addf(&path, "%s-vault", db);
	DIR *d = opendir(path.buf);
	size_t base = path.len;
	for (struct dirent *e; d && (e = readdir(d));) {
		if (e->d_name[0] == '.')
			continue;
		path.len = base;
		tg_strbuf_addf(&path, "/%s", e->d_name);
		unlink(path.buf);
	}
	if (d)
		closedir(d);
	path.buf[base] = '\0';
	rmdir(path.buf);
	tg_strbuf_release(&path);
}

int cli_write_file(const char *path, const char *text, tg_error *err)
{
	tg_strbuf tmp = TG_STRBUF_INIT;
	tg_strbuf_addf(&tmp, "%s.tmp-%d", path, (int)getpid());
	FILE *f = fopen(tmp.buf, "w");
	int rc = 0;
	if (!f || fputs(text, f) < 0 || fflush(f) || fsync(fileno(f)))
		rc = tg_error_set(err, TG_EIO, NULL, _("cannot write %s: %s"), path, strerror(errno));
	if (f && fclose(f) && !rc)
		rc = tg_error_set(err, TG_EIO, NULL, _("cannot write %s: %s"), path, strerror(errno));
	if (!rc && rename(tmp.buf, path))
		rc = tg_error_set(err, TG_EIO, NULL, _("cannot write %s: %s"), path, strerror(errno));
	if (rc)
		unlink(tmp.buf);
	tg_strbuf_release(&tmp);
	return rc;
}

int cli_make_parent(const char *path, tg_error *err)
{
	char buf[PATH_MAX];
	snprintf(buf, sizeof buf, "%s", path);
	char *dir = dirname(buf);
	char partial[PATH_MAX] = "";
	for (char *p = strtok(dir, "/"); p; p = strtok(NULL, "/")) {
		size_t len = strlen(partial);
		snprintf(partial + len, sizeof partial - len, "%s%s", (len || *buf == '/') ? "/" : "",
		         p);
		if (mkdir(partial, 0700) && errno != EEXIST) {
			tg_error_set(err, TG_EIO, NULL, _("cannot create directory %s: %s"), partial,
			             strerror(errno));
			return TG_EIO;
		}
	}
	return TG_OK;
}

int cli_open(struct cli *c, int flags, tg_store **st)
{
	tg_error err = {0};
	if (!(flags & TG_OPEN_CREATE) && strcmp(c->db, ":memory:") && access(c->db, F_OK)) {
		fprintf(stderr, _("tergeu: no database at %s (create one with 'tergeu init')\n"), c->db);
		return tg_error_exit_status(TG_ENOTFOUND);
	}
	if ((flags & TG_OPEN_CREATE) && cli_make_parent(c->db, &err))
		return cli_fail(&err);
	tg_keys *keys = NULL;
	int rc = cli_unlock(c, &keys);
	if (rc)
		return rc;
	if (tg_store_open_keys(c->db, flags, keys, st, &err))
		rc = cli_fail(&err);
	else
		tg_store_set_actor(*st, c->actor);
	tg_keys_free(keys);
	return rc;
}

int cli_unlock(struct cli *c, tg_keys **keys)
{
	*keys = NULL;
	char *key_path = tg_keys_path(c->db);
	if (!key_path || access(key_path, F_OK)) {
		free(key_path);
		return CLI_OK; /* a database made with --no-encrypt */
	}
	tg_error err = {0};
	char *pass = NULL;
	tg_strbuf prompt = TG_STRBUF_INIT;
	tg_strbuf_addf(&prompt, _("Passphrase for %s: "), c->db);
	int rc = tg_keys_read_passphrase(c->passphrase_fd, prompt.buf, &pass, &err);
	if (!rc)
		rc = tg_keys_unlock(key_path, pass, keys, &err);
	tg_keys_secret_free(pass);
	tg_strbuf_release(&prompt);
	free(key_path);
	return rc ? cli_fail(&err) : CLI_OK;
}

static bool progress_shown;

void cli_progress(void *ctx, const char *what, uint64_t done, uint64_t total)
{
	(void)ctx;
	if (!isatty(STDERR_FILENO))
		return;
	if (total)
		fprintf(stderr, "\r%s: %llu / %llu (%d%%)   ", what, (unsigned long long)done,
		        (unsigned long long)total, (int)(done * 100 / total));
	else
		fprintf(stderr, "\r%s: %llu   ", what, (unsigned long long)done);
	progress_shown = true;
}

void cli_progress_done(void)
{
	if (progress_shown)
		fputs("\r\033[K", stderr);
	progress_shown = false;
}

void cli_print_json(const json_t *v)
{
	json_dumpf(v, stdout, JSON_INDENT(2) | JSON_SORT_KEYS | JSON_REAL_PRECISION(12));
	putchar('\n');
}

static const char *default_db(void)
{
	static char path[PATH_MAX];
	const char *env = getenv("TERGEU_DB");
	if (env && *env)
		return env;
	const char *xdg = getenv("XDG_DATA_HOME");
	if (xdg && *xdg)
		snprintf(path, sizeof path, "%s/tergeu/tergeu.db", xdg);
	else
		snprintf(path, sizeof path, "%s/.local/share/tergeu/tergeu.db",
		         getenv("HOME") ? getenv("HOME") : ".");
	return path;
}

static const char *localedir_used = TG_LOCALEDIR;

const char *cli_localedir(void)
{
	return localedir_used;
}

/* Message catalogs: po/ of the build tree when run from there (the binary
 * is build/cli/tergeu), else the installed locale directory. */
static void setup_i18n(const char *lang)
{
	setlocale(LC_ALL, "");
	if (!setlocale(LC_CTYPE, NULL) || !strcmp(setlocale(LC_CTYPE, NULL), "C"))
		setlocale(LC_ALL, "C.UTF-8");
	char exe[PATH_MAX], dir[PATH_MAX + 64], probe[PATH_MAX + 128];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	const char *localedir = TG_LOCALEDIR;
	if (n > 0) {
		exe[n] = '\0';
		snprintf(dir, sizeof dir, "%s/../po", dirname(exe));
		snprintf(probe, sizeof probe, "%s/en/LC_MESSAGES/tergeu.mo", dir);
		if (access(probe, F_OK) == 0)
			localedir = dir;
	}
	static char chosen[PATH_MAX + 64];
	snprintf(chosen, sizeof chosen, "%s", localedir);
	localedir_used = chosen;
	bindtextdomain("tergeu", localedir);
	bind_textdomain_codeset("tergeu", "UTF-8");
	textdomain("tergeu");
	setenv("LANGUAGE", lang, 1);
}

/* The language of vocabulary labels: --lang, TERGEU_LANG, or the first
 * of LANGUAGE / LC_ALL / LC_MESSAGES / LANG that is kk, ru or en. */
static const char *pick_lang(const char *opt)
{
	const char *cands[] = {opt, getenv("TERGEU_LANG"), getenv("LANGUAGE"), getenv("LC_ALL"),
	                       getenv("LC_MESSAGES"), getenv("LANG")};
	for (size_t i = 0; i < sizeof cands / sizeof cands[0]; i++) {
		const char *v = cands[i];
		if (!v || !*v)
			continue;
		if (!strncmp(v, "kk", 2))
			return "kk";
		if (!strncmp(v, "ru", 2))
			return "ru";
		if (!strncmp(v, "en", 2))
			return "en";
		if (i == 0)
			return NULL;
	}
	return "en";
}

/* Takes the global options out of argv wherever they stand (before a
 * "--"), so that both "tergeu --db X list" and "tergeu list --db X" work. */
static int take_globals(struct cli *c, const char **lang, const char **translit,
                        const char **fd, int *argc, char **argv)
{
	int out = 1;
	const char *cmd = NULL;
	for (int i = 1; i < *argc; i++) {
		const char *a = argv[i];
		const char **dest = NULL;
		/* After "import", --lang is the language of the list imported. */
		if (cmd && !strcmp(cmd, "import") && !strcmp(a, "--lang")) {
			argv[out++] = argv[i];
			continue;
		}
		if (!strcmp(a, "--")) {
			while (i < *argc)
				argv[out++] = argv[i++];
			break;
		}
		if (!strcmp(a, "--json")) {
			c->json = true;
			continue;
		}
		static const char *const names[] = {"--db", "--lang", "--actor", "--translit",
		                                    "--passphrase-fd"};
		const char **dests[] = {&c->db, lang, &c->actor, translit, fd};
		for (int k = 0; k < 5 && !dest; k++) {
			size_t len = strlen(names[k]);
			if (!strcmp(a, names[k])) {
				if (i + 1 >= *argc) {
					fprintf(stderr, _("tergeu: %s needs a value\n"), names[k]);
					return CLI_USAGE;
				}
				dest = dests[k];
				*dest = argv[++i];
			} else if (!strncmp(a, names[k], len) && a[len] == '=') {
				dest = dests[k];
				*dest = a + len + 1;
			}
		}
		if (!dest) {
			if (!cmd && a[0] != '-')
				cmd = a;
			argv[out++] = argv[i];
		}
	}
	*argc = out;
	argv[out] = NULL;
	return CLI_OK;
}

static char **whole_argv;

char **cli_argv(void)
{
	return whole_argv;
}

int main(int argc, char **argv)
{
	/* As given, before the global options are taken out. */
	whole_argv = calloc((size_t)argc + 1, sizeof *whole_argv);
	if (whole_argv)
		memcpy(whole_argv, argv, (size_t)argc * sizeof *argv);
	struct cli c = {0};
	const char *lang_opt = NULL, *translit = NULL, *fd = NULL;
	c.actor = getenv("TERGEU_ACTOR");
	if (take_globals(&c, &lang_opt, &translit, &fd, &argc, argv))
		return CLI_USAGE;
	char *end;
	c.passphrase_fd = fd ? (int)strtol(fd, &end, 10) : -1;
	if (fd && (!*fd || *end || c.passphrase_fd < 0)) {
		fprintf(stderr, _("tergeu: --passphrase-fd needs a file descriptor number\n"));
		return CLI_USAGE;
	}
	/* Keys will be in memory: no core dumps, no ptrace by the same user. */
	tg_error herr = {0};
	if (sodium_init() < 0)
		return cli_fail(&(tg_error){.code = TG_ENOMEM});
	if (tg_keys_harden_process(&herr))
		return cli_fail(&herr);
	c.translit = translit ? tg_translit_scheme_by_name(translit) : -1;
	if (translit && (c.translit < 0 || c.translit == TG_TR_RU_CYRL)) {
		fprintf(stderr, _("tergeu: --translit must be a Latin scheme: icao, mvd310, bgn, iso9,"
		                  " kz2017, kz2018, kz2021, press or ascii\n"));
		return CLI_USAGE;
	}
	c.lang = pick_lang(lang_opt);
	if (!c.lang) {
		fprintf(stderr, "tergeu: --lang must be kk, ru or en\n");
		return CLI_USAGE;
	}
	setup_i18n(c.lang);
	if (!c.db)
		c.db = default_db();
	if (!c.actor || !*c.actor)
		c.actor = getenv("USER") && *getenv("USER") ? getenv("USER") : "cli";
	if (argc < 2 || !strcmp(argv[1], "help") || !strcmp(argv[1], "--help") ||
	    !strcmp(argv[1], "-h")) {
		print_help(argc > 2 ? find_cmd(argv[2]) : NULL);
		return argc < 2 ? CLI_USAGE : CLI_OK;
	}
	if (!strcmp(argv[1], "version") || !strcmp(argv[1], "--version")) {
		printf("tergeu %s\n", TG_VERSION);
		return CLI_OK;
	}
	const struct cli_cmd *cmd = find_cmd(argv[1]);
	if (!cmd) {
		fprintf(stderr, _("tergeu: '%s' is not a command (see 'tergeu --help')\n"), argv[1]);
		return CLI_USAGE;
	}
	if (cli_wants_help(cmd->name, argc - 1, argv + 1)) {
		if (!strcmp(cmd->name, "add") && argc > 2 && tg_model_entity(argv[2]))
			cli_print_fields(tg_model_entity(argv[2]));
		return CLI_OK;
	}
	return cmd->run(&c, argc - 1, argv + 1);
}
