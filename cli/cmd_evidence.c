/* tergeu evidence add FILE --source ID [--subject ID] [--captured-at T]
 *                      [--captured-by X] [--url U] [--note N] [--confidentiality C]
 *                 show ID | custody ID --add ACTION [--by X] [--note N]
 *                 export ID --out FILE | verify [ID|--all]
 *                 gc [--dry-run] [--grace DURATION]
 * Files go into the encrypted vault beside the database (DB-vault), hashed
 * at intake; their records and chain of custody go through the one write
 * path, so every step is a ledger entry. verify --all and gc also look for
 * files of the vault no evidence names (lib/io/orphans.c). */
#include <libgen.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "io/io.h"
#include "vault/vault.h"

static int open_vault(struct cli *c, tg_store *st, tg_vault **v)
{
	tg_error err = {0};
	uint8_t *key = sodium_malloc(32);
	tg_strbuf dir = TG_STRBUF_INIT;
	tg_strbuf_addf(&dir, "%s-vault", c->db);
	int rc = key ? tg_store_vault_key(st, key, &err) : TG_ENOMEM;
	if (!rc)
		rc = tg_vault_open(dir.buf, key, v, &err);
	sodium_free(key);
	tg_strbuf_release(&dir);
	return rc ? cli_fail(&err) : CLI_OK;
}

/* The value after flag name in argv, if given. */
static const char *opt(int argc, char **argv, const char *name)
{
	for (int i = 0; i + 1 < argc; i++)
		if (!strcmp(argv[i], name))
			return argv[i + 1];
	return NULL;
}

/* Every argument from start on must be a known flag with a value. */
static int check_flags(const char *sub, int argc, char **argv, int start,
                       const char *const *known)
{
	for (int i = start; i < argc; i += 2) {
		bool ok = false;
		for (const char *const *k = known; *k && !ok; k++)
			ok = !strcmp(argv[i], *k);
		if (!ok || i + 1 >= argc)
			return cli_usage_error("evidence", _("%s: unexpected argument \"%s\""), sub,
			                       argv[i]);
	}
	return CLI_OK;
}

static int add(struct cli *c, tg_store *st, int argc, char **argv)
{
	static const char *const known[] = {"--source", "--subject", "--captured-at",
	                                    "--captured-by", "--url", "--note",
	                                    "--confidentiality", NULL};
	if (argc < 2)
		return cli_usage_error("evidence", _("give the file to add"));
	int rc = check_flags("add", argc, argv, 2, known);
	if (rc)
		return rc;
	if (!opt(argc, argv, "--source"))
		return cli_usage_error("evidence", _("--source ID is required: where the file comes from"));
	tg_vault *v;
	if ((rc = open_vault(c, st, &v)))
		return rc;
	tg_error err = {0};
	tg_vault_blob blob;
	rc = tg_vault_put(v, argv[1], &blob, cli_progress, NULL, &err);
	cli_progress_done();
	if (rc) {
		snprintf(err.file, sizeof err.file, "%s", argv[1]);
		tg_vault_close(v);
		return cli_fail(&err);
	}
	char copy[4096], uid[TG_UUID_LEN];
	snprintf(copy, sizeof copy, "%s", argv[1]);
	json_t *meta = json_pack("{s:s, s:s?, s:s?, s:s?, s:s?, s:s?, s:s?}",
	                         "source", opt(argc, argv, "--source"), "subject",
	                         opt(argc, argv, "--subject"), "captured_at",
	                         opt(argc, argv, "--captured-at"), "captured_by",
	                         opt(argc, argv, "--captured-by"), "url", opt(argc, argv, "--url"),
	                         "note", opt(argc, argv, "--note"), "confidentiality",
	                         opt(argc, argv, "--confidentiality"));
	rc = tg_evidence_intake(st, meta, basename(copy), blob.id, blob.sha256_hex, blob.size,
	                        c->actor, uid, &err);
	json_decref(meta);
	if (rc)
		tg_vault_shred(v, blob.id, NULL); /* no record: no blob */
	tg_vault_close(v);
	if (rc)
		return cli_fail(&err);
	if (c->json)
		printf("{\"id\": \"%s\", \"sha256\": \"%s\"}\n", uid, blob.sha256_hex);
	else
		printf("%s  sha256:%s\n", uid, blob.sha256_hex);
	return CLI_OK;
}

/* The evidence record of id, or an error naming it. */
static int load(tg_store *st, const char *id, json_t **doc)
{
	tg_error err = {0};
	const char *entity;
	int rc = tg_record_entity(st, id, &entity, &err);
	if (rc == TG_ENOTFOUND || (!rc && strcmp(entity, "evidence")))
		rc = tg_error_set(&err, TG_ENOTFOUND, "id", _("no evidence %s"), id);
	if (rc)
		return cli_fail(&err);
	return tg_record_get(st, id, doc, &err) ? cli_fail(&err) : CLI_OK;
}

struct show_ctx {
	struct cli *c;
	tg_store *st;
	json_t *all;
};

static int show_custody(void *ctx, const json_t *doc)
{
	struct show_ctx *x = ctx;
	if (x->all)
		json_array_append(x->all, (json_t *)doc);
	else
		cli_render_line(x->c, x->st, doc);
	return 0;
}

static int show(struct cli *c, tg_store *st, const char *id)
{
	json_t *doc;
	int rc = load(st, id, &doc);
	if (rc)
		return rc;
	struct show_ctx x = {c, st, c->json ? json_array() : NULL};
	if (!c->json) {
		cli_render_record(c, st, doc);
		printf(_("chain of custody:\n"));
	}
	tg_error err = {0};
	if (tg_record_refs(st, "custody", "evidence", id, show_custody, &x, &err))
		rc = cli_fail(&err);
	else if (c->json) {
		json_object_set(doc, "custody", x.all);
		cli_print_json(doc);
	}
	json_decref(x.all);
	json_decref(doc);
	return rc;
}

static bool expected_hash(const json_t *doc, uint8_t out[32])
{
	const char *hex = json_string_value(json_object_get(doc, "sha256"));
	size_t len = 0;
	return hex && !sodium_hex2bin(out, 32, hex, strlen(hex), NULL, &len, NULL) && len == 32;
}

static int export(struct cli *c, tg_store *st, const char *id, const char *out)
{
	json_t *doc;
	int rc = load(st, id, &doc);
	if (rc)
		return rc;
	tg_vault *v;
	if ((rc = open_vault(c, st, &v))) {
		json_decref(doc);
		return rc;
	}
	tg_error err = {0};
	uint8_t want[32], got[32];
	if (!expected_hash(doc, want))
		rc = tg_error_set(&err, TG_EINTEGRITY, "sha256", _("the evidence record's hash is damaged"));
	else
		rc = tg_vault_get(v, json_string_value(json_object_get(doc, "blob")), out, got, &err);
	if (!rc && sodium_memcmp(want, got, 32)) {
		remove(out);
		rc = tg_error_set(&err, TG_EINTEGRITY, "sha256",
		                  _("evidence %s no longer has its intake hash"), id);
	}
	/* An export the chain of custody does not show is not left behind. */
	if (!rc && (rc = tg_custody_add(st, id, "exported", c->actor, NULL, &err)))
		remove(out);
	tg_vault_close(v);
	json_decref(doc);
	return rc ? cli_fail(&err) : CLI_OK;
}

struct verify_ctx {
	tg_vault *v;
	int checked, bad;
};

static int verify_one(void *ctx, const json_t *doc)
{
	struct verify_ctx *x = ctx;
	tg_error err = {0};
	uint8_t want[32];
	int rc = expected_hash(doc, want)
	                 ? tg_vault_verify(x->v, json_string_value(json_object_get(doc, "blob")), want,
	                                   &err)
	                 : tg_error_set(&err, TG_EINTEGRITY, "sha256", "%s",
	                                _("the evidence record's hash is damaged"));
	x->checked++;
	if (rc) {
		x->bad++;
		fprintf(stderr, _("tergeu: evidence %s: %s\n"),
		        json_string_value(json_object_get(doc, "id")), err.msg);
	}
	return 0;
}

/* After every record's file: the files no record names, as git fsck
 * shows dangling objects (not damage: the exit status stays). */
static int report_orphans(tg_store *st, tg_vault *v)
{
	tg_error err = {0};
	tg_orphan_report rep;
	if (tg_io_vault_orphans(st, v, TG_ORPHAN_GRACE, NULL, NULL, &rep, &err))
		return cli_fail(&err);
	if (rep.orphans > rep.young)
		printf(_("vault: %ld file(s) no evidence names (%ld of them unfinished intakes, "
		         "%llu bytes): 'tergeu evidence gc' removes them\n"),
		       rep.orphans - rep.young, rep.temps, (unsigned long long)rep.bytes);
	if (rep.young)
		printf(_("vault: %ld file(s) no evidence names were changed within the last %d s: "
		         "an intake may still be recording them\n"),
		       rep.young, TG_ORPHAN_GRACE);
	return CLI_OK;
}

static int verify(struct cli *c, tg_store *st, const char *id)
{
	tg_vault *v;
	int rc = open_vault(c, st, &v);
	if (rc)
		return rc;
	struct verify_ctx x = {v, 0, 0};
	tg_error err = {0};
	if (id) {
		json_t *doc;
		if (!(rc = load(st, id, &doc))) {
			verify_one(&x, doc);
			json_decref(doc);
		}
	} else {
		tg_filter f = {.entity = "evidence"};
		if (tg_record_list(st, &f, verify_one, &x, &err))
			rc = cli_fail(&err);
	}
	if (!rc)
		printf(_("%d evidence file(s) checked, %d mismatched\n"), x.checked, x.bad);
	if (!rc && !id)
		rc = report_orphans(st, v);
	tg_vault_close(v);
	if (rc)
		return rc;
	return x.bad ? tg_error_exit_status(TG_EINTEGRITY) : CLI_OK;
}

/* A duration: seconds, or a number with s, m, h or d. -1 if malformed. */
static long long duration(const char *s)
{
	char *end;
	long long n = strtoll(s, &end, 10);
	static const struct { char unit; long long secs; } units[] = {
		{'\0', 1}, {'s', 1}, {'m', 60}, {'h', 3600}, {'d', 86400}};
	if (end == s || n < 0 || n > 100LL * 365 * 86400 || (*end && end[1]))
		return -1;
	for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
		if (*end == units[i].unit)
			return n * units[i].secs;
	return -1;
}

struct gc_ctx {
	struct cli *c;
	bool dry_run;
	json_t *all; /* --json */
};

static int gc_one(void *ctx, const tg_orphan *o)
{
	struct gc_ctx *x = ctx;
	const tg_vault_file *f = o->file;
	if (x->all) {
		json_array_append_new(x->all, json_pack("{s:s, s:s, s:I, s:I, s:b}", "name", f->name,
		                                        "kind", f->temp ? "temp" : "blob", "size",
		                                        (json_int_t)f->size, "age", (json_int_t)o->age,
		                                        "young", o->young));
		return 0;
	}
	const char *what = f->temp ? _("an unfinished intake's temporary file")
	                           : _("sealed, never recorded");
	unsigned long long size = (unsigned long long)f->size;
	if (o->young)
		printf(_("left alone %s (%s, %llu bytes): changed %lld s ago, within the grace "
		         "period\n"),
		       f->name, what, size, (long long)o->age);
	else if (x->dry_run)
		printf(_("would remove %s (%s, %llu bytes)\n"), f->name, what, size);
	else
		printf(_("removing %s (%s, %llu bytes)\n"), f->name, what, size);
	return 0;
}

/* gc's options (argv[2] on): 0, or the usage error's status. */
static int gc_args(int argc, char **argv, bool *dry_run, long long *grace)
{
	*dry_run = false;
	*grace = TG_ORPHAN_GRACE;
	for (int i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "--dry-run"))
			*dry_run = true;
		else if (!strcmp(argv[i], "--grace") && i + 1 < argc &&
		         (*grace = duration(argv[i + 1])) >= 0)
			i++;
		else if (!strcmp(argv[i], "--grace"))
			return cli_usage_error("evidence", "%s",
			                       _("--grace takes a duration: seconds, or a number with "
			                         "s, m, h or d"));
		else
			return cli_usage_error("evidence", _("%s: unexpected argument \"%s\""), "gc",
			                       argv[i]);
	}
	return CLI_OK;
}

static int gc(struct cli *c, tg_store *st, bool dry_run, long long grace)
{
	tg_vault *v;
	int rc = open_vault(c, st, &v);
	if (rc)
		return rc;
	struct gc_ctx x = {c, dry_run, c->json ? json_array() : NULL};
	tg_orphan_report rep;
	tg_error err = {0};
	rc = dry_run ? tg_io_vault_orphans(st, v, grace, gc_one, &x, &rep, &err)
	             : tg_io_vault_gc(st, v, grace, gc_one, &x, &rep, &err);
	tg_vault_close(v);
	if (x.all) {
		json_t *out = json_pack(
			"{s:b, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:s?, s:O}", "dry_run", dry_run,
			"grace_seconds", (json_int_t)grace, "files", (json_int_t)rep.files, "orphans",
			(json_int_t)rep.orphans, "temps", (json_int_t)rep.temps, "young",
			(json_int_t)rep.young, "bytes", (json_int_t)rep.bytes, "removed",
			(json_int_t)rep.removed, "removed_bytes", (json_int_t)rep.removed_bytes, "entry",
			*rep.entry ? rep.entry : NULL, "orphan_files", x.all);
		if (!rc)
			cli_print_json(out);
		json_decref(out);
		json_decref(x.all);
	}
	if (rc)
		return cli_fail(&err);
	if (c->json)
		return CLI_OK;
	long old = rep.orphans - rep.young;
	if (!rep.orphans)
		printf("%s\n", _("nothing to remove: every file in the vault belongs to an evidence "
		                 "record"));
	else if (dry_run)
		printf(_("%ld file(s) would be removed, %llu bytes\n"), old,
		       (unsigned long long)(rep.bytes));
	else if (rep.removed)
		printf(_("%ld file(s) removed, %llu bytes; ledger entry %s\n"), rep.removed,
		       (unsigned long long)rep.removed_bytes, rep.entry);
	if (rep.young)
		printf(_("%ld file(s) left alone: changed within the last %lld s\n"), rep.young, grace);
	return CLI_OK;
}

CLI_CMD(evidence)
{
	const char *sub = argc > 1 ? argv[1] : "";
	static const char *const subs[] = {"add", "show", "custody", "export", "verify", "gc", NULL};
	bool known = false;
	for (const char *const *s = subs; *s && !known; s++)
		known = !strcmp(sub, *s);
	if (!known)
		return cli_usage_error("evidence", _("say add, show, custody, export, verify or gc"));
	if (strcmp(sub, "add") && strcmp(sub, "verify") && strcmp(sub, "gc") && argc < 3)
		return cli_usage_error("evidence", _("give the id of the evidence"));
	static const char *const custody_flags[] = {"--add", "--by", "--note", NULL};
	static const char *const export_flags[] = {"--out", NULL};
	int rc = CLI_OK;
	if (!strcmp(sub, "custody"))
		rc = check_flags(sub, argc, argv, 3, custody_flags);
	else if (!strcmp(sub, "export"))
		rc = check_flags(sub, argc, argv, 3, export_flags);
	else if (!strcmp(sub, "show") && argc > 3)
		rc = cli_usage_error("evidence", _("unexpected argument \"%s\""), argv[3]);
	bool dry_run = false;
	long long grace = TG_ORPHAN_GRACE;
	if (!rc && !strcmp(sub, "gc"))
		rc = gc_args(argc, argv, &dry_run, &grace);
	if (rc)
		return rc;
	if (!strcmp(sub, "custody") && !opt(argc, argv, "--add"))
		return cli_usage_error("evidence", _("custody needs --add ACTION"));
	if (!strcmp(sub, "export") && !opt(argc, argv, "--out"))
		return cli_usage_error("evidence", _("export needs --out FILE"));
	tg_store *st;
	if ((rc = cli_open(c, 0, &st)))
		return rc;
	tg_error err = {0};
	if (!strcmp(sub, "add")) {
		rc = add(c, st, argc - 1, argv + 1);
	} else if (!strcmp(sub, "show")) {
		rc = show(c, st, argv[2]);
	} else if (!strcmp(sub, "export")) {
		rc = export(c, st, argv[2], opt(argc, argv, "--out"));
	} else if (!strcmp(sub, "verify")) {
		const char *id = argc > 2 && strcmp(argv[2], "--all") ? argv[2] : NULL;
		rc = verify(c, st, id);
	} else if (!strcmp(sub, "gc")) {
		rc = gc(c, st, dry_run, grace);
	} else {
		json_t *doc;
		if (!(rc = load(st, argv[2], &doc))) {
			json_decref(doc);
			if (tg_custody_add(st, argv[2], opt(argc, argv, "--add"), opt(argc, argv, "--by"),
			            opt(argc, argv, "--note"), &err))
				rc = cli_fail(&err);
		}
	}
	tg_store_close(st);
	return rc;
}
