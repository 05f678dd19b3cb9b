/*
 * Requests and responses: reading headers, query arguments and urlencoded
 * forms, and writing bodies, errors and redirects.  Escaping for HTML is
 * here, so every page writes user text through one function.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "io/io.h"
#include "web/web-int.h"

const char *web_header(struct web_req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

const char *web_arg(struct web_req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, name);
}

const char *web_form(struct web_req *r, const char *name)
{
	for (int i = 0; i < r->nform; i++)
		if (!strcmp(r->form_key[i], name))
			return r->form_val[i];
	return NULL;
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Decodes a urlencoded piece in place: false for a broken %XX. */
static bool urldecode(char *s)
{
	char *w = s;
	for (const char *p = s; *p; p++) {
		if (*p == '+') {
			*w++ = ' ';
		} else if (*p == '%') {
			int hi = hexval((unsigned char)p[1]), lo = hi < 0 ? -1 : hexval((unsigned char)p[2]);
			if (lo < 0)
				return false;
			*w++ = (char)(hi * 16 + lo);
			p += 2;
		} else {
			*w++ = *p;
		}
	}
	*w = '\0';
	return true;
}

int web_parse_form(struct web_req *r)
{
	const char *ct = web_header(r, MHD_HTTP_HEADER_CONTENT_TYPE);
	if (!r->body.len)
		return 0;
	if (!ct || strncasecmp(ct, "application/x-www-form-urlencoded", 33))
		return web_error(r, 415, _("forms are sent as application/x-www-form-urlencoded"));
	char *body = tg_arena_strdup(r->arena, r->body.buf);
	for (char *save = NULL, *pair = strtok_r(body, "&", &save); pair;
	     pair = strtok_r(NULL, "&", &save)) {
		if (r->nform == WEB_FORM_FIELDS_MAX)
			return web_error(r, 413, _("too many form fields"));
		char *eq = strchr(pair, '=');
		char *val = eq ? eq + 1 : pair + strlen(pair);
		if (eq)
			*eq = '\0';
		if (!urldecode(pair) || !urldecode(val))
			return web_error(r, 400, _("a form field is not properly encoded"));
		r->form_key[r->nform] = pair;
		r->form_val[r->nform++] = val;
	}
	return 0;
}

void web_add_header(struct web_req *r, const char *name, const char *value)
{
	if (r->nhdr == (int)(sizeof r->hdr_name / sizeof r->hdr_name[0]))
		return;
	r->hdr_name[r->nhdr] = tg_arena_strdup(r->arena, name);
	r->hdr_val[r->nhdr++] = tg_arena_strdup(r->arena, value);
}

bool web_is_api(const struct web_req *r)
{
	return !strncmp(r->url, "/api/", 5);
}

static int dump_to(const char *buf, size_t size, void *sb)
{
	tg_strbuf_add(sb, buf, size);
	return 0;
}

int web_json(struct web_req *r, int status, json_t *v)
{
	tg_strbuf_reset(&r->out);
	if (!v || json_dump_callback(v, dump_to, &r->out, JSON_COMPACT | JSON_ENCODE_ANY)) {
		tg_strbuf_reset(&r->out);
		tg_strbuf_adds(&r->out, "null");
	}
	json_decref(v);
	r->ctype = "application/json";
	r->status = status;
	return status;
}

int web_json_error(struct web_req *r, int status, const char *code, const char *msg,
                   const char *field)
{
	json_t *e = json_pack("{s:s, s:s}", "code", code, "message", msg);
	if (field && *field)
		json_object_set_new(e, "field", json_string(field));
	return web_json(r, status, json_pack("{s:o}", "error", e));
}

void web_esc(tg_strbuf *sb, const char *s)
{
	tg_html_esc(sb, s);
}

void web_escf(tg_strbuf *sb, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	web_esc(sb, buf);
}

void web_urlenc(tg_strbuf *sb, const char *s)
{
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (isalnum(c) || strchr("-_.~", c))
			tg_strbuf_addc(sb, (char)c);
		else
			tg_strbuf_addf(sb, "%%%02X", c);
	}
}

static const char *status_text(int status)
{
	switch (status) {
	case 400: return _("The request is malformed.");
	case 401: return _("Please sign in.");
	case 403: return _("This is not allowed.");
	case 404: return _("There is nothing here.");
	case 405: return _("This method is not allowed here.");
	case 413: return _("The request is too large.");
	case 415: return _("This kind of content is not accepted here.");
	case 421: return _("This server does not answer to that host name.");
	case 429: return _("Too many attempts: wait a while and try again.");
	case 503: return _("The database is locked: unlock it first.");
	default: return _("Something went wrong on the server.");
	}
}

int web_error(struct web_req *r, int status, const char *msg)
{
	if (!msg)
		msg = status_text(status);
	if (web_is_api(r)) {
		static const struct { int status; const char *code; } codes[] = {
			{400, "bad_request"}, {401, "unauthorized"}, {403, "forbidden"},
			{404, "not_found"}, {405, "method_not_allowed"}, {409, "conflict"},
			{413, "too_large"}, {415, "unsupported_media_type"}, {421, "misdirected"},
			{422, "invalid"}, {429, "too_many_requests"}, {503, "locked"},
		};
		const char *code = "server_error";
		for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++)
			if (codes[i].status == status)
				code = codes[i].code;
		return web_json_error(r, status, code, msg, NULL);
	}
	web_page_begin(r, _("Error"));
	tg_strbuf_adds(&r->out, "<p class=\"error\" role=\"alert\">");
	web_esc(&r->out, msg);
	tg_strbuf_adds(&r->out, "</p>");
	if (status == 401)
		tg_strbuf_addf(&r->out, "<p><a href=\"/login\">%s</a></p>", _("Sign in"));
	web_page_end(r);
	r->status = status;
	return status;
}

int web_record_status(int code)
{
	return code && code != TG_ENOTFOUND ? 500 : 404;
}

int web_redirect(struct web_req *r, const char *path)
{
	/* Only local paths: never a redirect to a host a form field names. */
	if (path[0] != '/' || path[1] == '/' || path[1] == '\\')
		path = "/";
	for (const char *p = path; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			path = "/"; /* no header splitting through a "next" field */
	web_add_header(r, MHD_HTTP_HEADER_LOCATION, path);
	tg_strbuf_reset(&r->out);
	r->ctype = "text/plain; charset=utf-8";
	r->status = 303;
	return 303;
}

int web_redirect_next(struct web_req *r, const char *page)
{
	tg_strbuf to = TG_STRBUF_INIT;
	tg_strbuf_addf(&to, "%s?next=", page);
	web_urlenc(&to, r->url);
	int status = web_redirect(r, to.buf);
	tg_strbuf_release(&to);
	return status;
}

void web_document(struct web_req *r, const char *html)
{
	tg_strbuf_reset(&r->out);
	tg_strbuf_adds(&r->out, html);
	r->ctype = "text/html; charset=utf-8";
	r->status = 200;
	/* Its style is inside it: allowed by its hash, and nothing else. */
	uint8_t hash[crypto_hash_sha256_BYTES];
	const char *css = tg_html_document_css();
	crypto_hash_sha256(hash, (const uint8_t *)css, strlen(css));
	char b64[sodium_base64_ENCODED_LEN(sizeof hash, sodium_base64_VARIANT_ORIGINAL)];
	sodium_bin2base64(b64, sizeof b64, hash, sizeof hash, sodium_base64_VARIANT_ORIGINAL);
	tg_strbuf csp = TG_STRBUF_INIT;
	tg_strbuf_addf(&csp, "default-src 'none'; style-src 'sha256-%s'; img-src data:;"
	                     " form-action 'none'; frame-ancestors 'none'; base-uri 'none'", b64);
	r->csp = tg_arena_strdup(r->arena, csp.buf);
	tg_strbuf_release(&csp);
}
