/* The tergeu command: shared state and helpers of the subcommands. */
#ifndef TG_CLI_H
#define TG_CLI_H

#include <jansson.h>
#include <stdbool.h>

#include "store/store.h"
#include "util/util.h"

struct cli {
	const char *db;    /* --db, TERGEU_DB or the XDG default */
	const char *lang;  /* kk, ru or en: for vocabulary labels */
	const char *actor; /* recorded in change entries */
	bool json;         /* --json */
	int translit;      /* --translit SCHEME: Cyrillic names also shown so; -1 */
	int passphrase_fd; /* --passphrase-fd N, or -1 */
};

typedef int (*cli_cmd_fn)(struct cli *c, int argc, char **argv);

struct cli_cmd {
	const char *name;
	cli_cmd_fn run;
	const char *summary; /* N_() */
	const char *usage;   /* N_(): options, shown by --help */
};

/* Exit statuses besides those of tg_error_exit_status. */
enum { CLI_OK = 0, CLI_FAIL = 1, CLI_USAGE = 2 };

/* Prints err to stderr, naming file:line and the field. Returns the exit
 * status for its code. */
int cli_fail(const tg_error *err);
/* Prints a usage error for cmd and returns CLI_USAGE. */
int cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* True (and prints the command's help) when argv asks for --help. */
bool cli_wants_help(const char *cmd, int argc, char **argv);
/* Unlocks the key file beside the database, if there is one (*keys stays
 * NULL for a database made with --no-encrypt); prints errors. */
int cli_unlock(struct cli *c, tg_keys **keys);
/* A new passphrase from fd, the file named by env, or the terminal (asked
 * twice), checked against the policy; prints errors. */
int cli_new_passphrase(struct cli *c, int fd, const char *env, char **out);
/* Opens the database; prints an error and returns non-zero on failure. */
int cli_open(struct cli *c, int flags, tg_store **st);
/* Progress on a terminal (stderr is a tty), nothing when piped. */
void cli_progress(void *ctx, const char *what, uint64_t done, uint64_t total);
void cli_progress_done(void);
/* Prints a JSON value to stdout, indented. */
void cli_print_json(const json_t *v);
/* Unlinks a database and everything beside it: WAL, shared memory,
 * journal, checkpoint, key file and evidence vault (quick-delete shreds the
 * key first; demo --force replaces a database). */
void cli_remove_db(const char *db);
/* Writes text to path through a temporary file and a rename: a reader
 * never sees half a file, a failure leaves none. */
int cli_write_file(const char *path, const char *text, tg_error *err);
/* Creates the parent directory of path if missing. */
int cli_make_parent(const char *path, tg_error *err);

/* Builds a record or patch from --field value flags (fields.c). argv[0]
 * is the first flag. Returns 0 or an exit status after printing. */
int cli_doc_from_flags(const char *cmd, const tg_entity *e, int argc, char **argv, bool patch,
                       json_t **out);
/* Lists the fields of e as --flags with their help (add --help). */
void cli_print_fields(const tg_entity *e);
/* Reads a JSON object from path ("-" is stdin); prints the error. */
int cli_read_doc(const char *path, json_t **out);
/* The document of add or edit: --file PATH, else the flags; *file names
 * the file read, if any. */
int cli_doc_arg(const char *cmd, const tg_entity *e, int argc, char **argv, bool patch,
                json_t **out, const char **file);
/* Records for people (render.c). */
void cli_render_record(struct cli *c, tg_store *st, const json_t *doc);
void cli_render_line(struct cli *c, tg_store *st, const json_t *doc);
void cli_render_field(struct cli *c, tg_store *st, const tg_field *f, const json_t *v,
                      tg_strbuf *sb);
/* The printf field width that pads s to columns characters (UTF-8 text
 * has more bytes than characters). */
int cli_width(const char *s, int columns);
/* Prints the summary of a database (demo, init). */
int cli_print_summary(struct cli *c, tg_store *st);

const struct cli_cmd *cli_commands(int *n);

#define CLI_CMD(name) int cmd_##name(struct cli *c, int argc, char **argv)
CLI_CMD(init);
CLI_CMD(add);
CLI_CMD(show);
CLI_CMD(list);
CLI_CMD(edit);
CLI_CMD(delete);
CLI_CMD(history);
CLI_CMD(export);
CLI_CMD(import);
CLI_CMD(demo);
CLI_CMD(generate);
CLI_CMD(vocab);
CLI_CMD(summary);
CLI_CMD(search);
CLI_CMD(reindex);
CLI_CMD(ledger);
CLI_CMD(passphrase);
CLI_CMD(quick_delete);
CLI_CMD(evidence);
CLI_CMD(namekey);
CLI_CMD(translit);
CLI_CMD(link);
CLI_CMD(stats);
CLI_CMD(estimate);
CLI_CMD(accountability);
CLI_CMD(user);
CLI_CMD(review);
CLI_CMD(serve);
CLI_CMD(agenda);
CLI_CMD(dossier);
CLI_CMD(report);
CLI_CMD(backup);
CLI_CMD(restore);
/* Where the message catalogs were found. */
const char *cli_localedir(void);
/* The process's whole command line, as main got it (NULL-terminated). */
char **cli_argv(void);
/* A raw record named by its number or LIST:RECORD_ID (list title, id in
 * the list): 0, or prints an error naming param and returns 3. */
int cli_raw_id(tg_store *st, const char *param, const char *arg, long long *id);
/* A pair's score explanation (tg_link_explain) for people. */
void cli_print_explanation(const json_t *x);
/* Prints an error and returns exit status 4 unless the n args are valid
 * UTF-8 (cmd_translit.c). */
int cli_check_utf8(const char *cmd, int n, char **args);

#endif
