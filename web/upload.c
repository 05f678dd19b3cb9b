/*
 * Evidence upload: a file sent from the browser goes straight into the
 * encrypted vault.  The body is read as it arrives (multipart/form-data,
 * MHD's post processor) and written into a pipe that a sealing thread
 * reads, so the plaintext never touches the disk and memory stays at the
 * vault's buffers whatever the size (up to WEB_UPLOAD_MAX).  Everything a
 * form POST is checked for is checked before the first byte is taken: the
 * session, the role, the origin, and the CSRF token, which comes in the
 * form's URL because the fields may arrive after the file.  When the body
 * ends, the evidence record and its intake entry are written; on any
 * error the sealed blob is shredded, so no blob is left without a record.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "vault/vault.h"
#include "web/web-int.h"

enum { FIELD_MAX = 4096 };

static const char *const meta_fields[] = {"source", "subject", "captured_at", "captured_by",
                                          "url", "note", "confidentiality"};
enum { NMETA = sizeof meta_fields / sizeof meta_fields[0] };

struct web_upload {
	struct MHD_PostProcessor *pp;
	tg_vault *vault;
	int pipe[2];
	pthread_t sealer;
	bool started, got_file, write_failed;
	char filename[256];
	tg_strbuf meta[NMETA];
	/* the sealing thread's result */
	tg_vault_blob blob;
	int rc;
	tg_error err;
};

static void *seal(void *arg)
{
	struct web_upload *u = arg;
	u->rc = tg_vault_put_fd(u->vault, u->pipe[0], 0, &u->blob, NULL, NULL, &u->err);
	/* Drain what the writer may still send after an error. */
	char sink[4096];
	while (u->rc && read(u->pipe[0], sink, sizeof sink) > 0)
		;
	return NULL;
}

static enum MHD_Result field(void *cls, enum MHD_ValueKind kind, const char *key,
                             const char *filename, const char *ctype, const char *enc,
                             const char *data, uint64_t off, size_t size)
{
	struct web_upload *u = cls;
	if (!key)
		return MHD_YES; /* a part without a name is no field of the form */
	if (!strcmp(key, "file")) {
		if (filename && !*u->filename)
			snprintf(u->filename, sizeof u->filename, "%s", filename);
		u->got_file = true;
		for (size_t done = 0; done < size && !u->write_failed;) {
			ssize_t n = write(u->pipe[1], data + done, size - done);
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0)
				u->write_failed = true;
			else
				done += (size_t)n;
		}
		return MHD_YES;
	}
	for (int i = 0; i < NMETA; i++)
		if (!strcmp(key, meta_fields[i]) && u->meta[i].len + size <= FIELD_MAX)
			tg_strbuf_add(&u->meta[i], data, size);
	return MHD_YES;
}

static void vault_dir(struct web_req *r, tg_strbuf *dir)
{
	tg_strbuf_addf(dir, "%s-vault", web_opts(r->srv)->db);
}

int web_upload_start(struct web_req *r)
{
	if (!web_authorize(&r->user, WEB_CREATE, NULL))
		return web_error(r, 403, NULL);
	tg_store *st = web_store(r);
	if (!st)
		return web_error(r, 503, NULL);
	struct web_upload *u = calloc(1, sizeof *u);
	if (!u)
		return web_error(r, 500, NULL);
	u->pipe[0] = u->pipe[1] = -1;
	r->upload = u;
	u->pp = MHD_create_post_processor(r->conn, 64 * 1024, field, u);
	if (!u->pp)
		return web_error(r, 415, _("Send the file as multipart/form-data."));
	uint8_t *key = sodium_malloc(32);
	tg_strbuf dir = TG_STRBUF_INIT;
	vault_dir(r, &dir);
	int rc = key ? tg_store_vault_key(st, key, &u->err) : TG_ENOMEM;
	if (!rc)
		rc = tg_vault_open(dir.buf, key, &u->vault, &u->err);
	sodium_free(key);
	tg_strbuf_release(&dir);
	if (rc)
		return web_error(r, 500, u->err.msg);
	if (pipe2(u->pipe, O_CLOEXEC) || pthread_create(&u->sealer, NULL, seal, u))
		return web_error(r, 500, NULL);
	u->started = true;
	return 0;
}

int web_upload_data(struct web_req *r, const char *data, size_t size)
{
	struct web_upload *u = r->upload;
	if (MHD_post_process(u->pp, data, size) != MHD_YES)
		return web_error(r, 400, _("The upload is malformed."));
	return 0;
}

/* Waits for the sealer; 0 and the blob, or its error. */
static int finish_sealing(struct web_upload *u)
{
	if (!u->started)
		return TG_EIO;
	close(u->pipe[1]);
	u->pipe[1] = -1;
	pthread_join(u->sealer, NULL);
	u->started = false;
	return u->rc;
}

void web_upload_free(struct web_req *r)
{
	struct web_upload *u = r->upload;
	if (!u)
		return;
	if (u->started)
		finish_sealing(u);
	if (u->rc == 0 && *u->blob.id)
		tg_vault_shred(u->vault, u->blob.id, NULL); /* a blob no record names */
	if (u->pp)
		MHD_destroy_post_processor(u->pp);
	for (int i = 0; i < 2; i++)
		if (u->pipe[i] >= 0)
			close(u->pipe[i]);
	for (int i = 0; i < NMETA; i++)
		tg_strbuf_release(&u->meta[i]);
	tg_vault_close(u->vault);
	free(u);
	r->upload = NULL;
}

int web_upload_finish(struct web_req *r)
{
	struct web_upload *u = r->upload;
	int rc = finish_sealing(u);
	if (rc || u->write_failed)
		return web_error(r, 500, *u->err.msg ? u->err.msg : _("The file could not be stored."));
	if (!u->got_file || !u->blob.size)
		return web_error(r, 422, _("Choose a file to upload."));
	json_t *meta = json_object();
	for (int i = 0; i < NMETA; i++)
		if (u->meta[i].len)
			json_object_set_new(meta, meta_fields[i], json_string(u->meta[i].buf));
	if (!web_authorize(&r->user, WEB_CREATE, meta)) {
		json_decref(meta);
		return web_error(r, 403, _("This is above your clearance."));
	}
	tg_store *st = web_store(r);
	tg_store_set_actor(st, r->user.name);
	char uid[TG_UUID_LEN];
	tg_error err = {0};
	rc = tg_evidence_intake(st, meta, u->filename, u->blob.id, u->blob.sha256_hex,
	                        u->blob.size, r->user.name, uid, &err);
	json_decref(meta);
	if (rc) {
		tg_strbuf msg = TG_STRBUF_INIT;
		tg_strbuf_addf(&msg, "%s%s%s", *err.path ? err.path : "", *err.path ? ": " : "",
		               *err.msg ? err.msg : tg_strerror(err.code));
		int status = web_error(r, 422, msg.buf);
		tg_strbuf_release(&msg);
		return status; /* web_upload_free shreds the blob */
	}
	memset(&u->blob, 0, sizeof u->blob); /* kept: a record names it now */
	char path[64];
	snprintf(path, sizeof path, "/record/%s", uid);
	return web_redirect(r, path);
}

/* ---- the form ---- */

struct sources {
	struct web_req *r;
	const char *cur;
	int n;
};

static int source_option(void *ctx, const json_t *doc)
{
	struct sources *s = ctx;
	if (!web_authorize(&s->r->user, WEB_READ, doc))
		return 0;
	const char *id = json_string_value(json_object_get(doc, "id"));
	tg_strbuf_addf(&s->r->out, "<option value=\"%s\"%s>", id,
	               s->cur && !strcmp(s->cur, id) ? " selected" : "");
	web_esc(&s->r->out, json_string_value(json_object_get(doc, "title")));
	tg_strbuf_adds(&s->r->out, "</option>");
	return ++s->n >= 500; /* a long list is cut: the id field below takes any */
}

int web_page_evidence_new(struct web_req *r, const char *rest)
{
	tg_store *st;
	int entered = web_enter(r, WEB_CREATE, false, &st);
	if (entered)
		return entered;
	web_page_begin(r, _("Add evidence"));
	tg_strbuf *o = &r->out;
	tg_strbuf_addf(o, "<p>%s</p>", _("The file is encrypted into the vault as it arrives; its"
	                                 " SHA-256 is computed at intake and shown on the next"
	                                 " page, and the intake is the first entry of its chain of"
	                                 " custody."));
	tg_strbuf_addf(o, "<form method=\"post\" enctype=\"multipart/form-data\" class=\"card\""
	                  " action=\"/evidence/new?csrf=%s\">", r->sess.csrf);
	tg_strbuf_addf(o, "<p><label for=\"f-file\">%s</label><input id=\"f-file\" name=\"file\""
	                  " type=\"file\" required></p>", _("File"));
	tg_strbuf_addf(o, "<p><label for=\"f-source\">%s *</label><select id=\"f-source\""
	                  " name=\"source\" required><option value=\"\"></option>", _("Source"));
	struct sources s = {r, web_arg(r, "source"), 0};
	tg_filter f = {.entity = "source"};
	tg_error err = {0};
	tg_record_list(st, &f, source_option, &s, &err);
	tg_strbuf_adds(o, "</select></p>");
	static const char *const plain[][2] = {
		{"subject", N_("Subject (the id of a person, act, event or proceeding)")},
		{"captured_at", N_("Captured at")},
		{"captured_by", N_("Captured by")},
		{"url", N_("Address (URL)")},
		{"note", N_("Note")},
	};
	for (size_t i = 0; i < sizeof plain / sizeof plain[0]; i++) {
		const char *v = web_arg(r, plain[i][0]);
		tg_strbuf_addf(o, "<p><label for=\"f-%s\">%s</label><input id=\"f-%s\" name=\"%s\""
		                  " value=\"", plain[i][0], _(plain[i][1]), plain[i][0], plain[i][0]);
		web_esc(o, v ? v : "");
		tg_strbuf_adds(o, "\"></p>");
	}
	tg_strbuf_addf(o, "<p><label for=\"f-confidentiality\">%s</label><select"
	                  " id=\"f-confidentiality\" name=\"confidentiality\">", _("Confidentiality"));
	static const char *const levels[] = {"public", "restricted", "confidential"};
	for (int i = 0; i <= r->user.clearance && i < 3; i++) {
		tg_strbuf_addf(o, "<option value=\"%s\"%s>", levels[i], i == 1 ? " selected" : "");
		web_esc(o, tg_term_label(st, "confidentiality", levels[i], r->lang));
		tg_strbuf_adds(o, "</option>");
	}
	tg_strbuf_addf(o, "</select></p><p><button type=\"submit\">%s</button></p></form>",
	               _("Upload"));
	web_page_end(r);
	return r->status;
}
