/*
 * RFC 4180 reading: fields separated by a comma (or a tab), quoted fields
 * with doubled quotes inside, CRLF or LF line ends, line breaks inside
 * quotes, a UTF-8 byte-order mark skipped.  The reader keeps the line and
 * field number of what it reads, so errors can name them.
 */
#include <stdlib.h>
#include <string.h>

#include "io/io-int.h"

void tg_csv_init(tg_csv *c, const char *text, size_t len, char sep)
{
	memset(c, 0, sizeof *c);
	c->p = text;
	c->end = text + len;
	c->sep = sep;
	c->line = 1;
	if (len >= 3 && !memcmp(text, "\xEF\xBB\xBF", 3))
		c->p += 3;
}

void tg_csv_free(tg_csv *c)
{
	for (size_t i = 0; i < c->cap; i++)
		tg_strbuf_release(&c->field[i]);
	free(c->field);
	c->field = NULL;
	c->cap = c->n = 0;
}

static tg_strbuf *next_field(tg_csv *c)
{
	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 16;
		tg_strbuf *f = realloc(c->field, cap * sizeof *f);
		if (!f)
			abort();
		for (size_t i = c->cap; i < cap; i++)
			f[i] = (tg_strbuf)TG_STRBUF_INIT;
		c->field = f;
		c->cap = cap;
	}
	tg_strbuf_reset(&c->field[c->n]);
	return &c->field[c->n++];
}

int tg_csv_row(tg_csv *c, tg_error *err)
{
	c->n = 0;
	c->row_line = c->line;
	if (c->p >= c->end)
		return 0;
	tg_strbuf *f = next_field(c);
	bool quoted = false, was_quoted = false;
	while (c->p < c->end) {
		char ch = *c->p++;
		if (quoted) {
			if (ch == '"') {
				if (c->p < c->end && *c->p == '"') {
					tg_strbuf_addc(f, '"');
					c->p++;
				} else {
					quoted = false;
				}
			} else {
				if (ch == '\n')
					c->line++;
				tg_strbuf_addc(f, ch);
			}
			continue;
		}
		if (ch == '"' && f->len == 0 && !was_quoted) {
			quoted = was_quoted = true;
		} else if (ch == c->sep) {
			f = next_field(c);
			was_quoted = false;
		} else if (ch == '\n' || ch == '\r') {
			if (ch == '\r' && c->p < c->end && *c->p == '\n')
				c->p++;
			c->line++;
			return 1;
		} else if (was_quoted) {
			tg_error_set(err, TG_EINVAL, NULL,
			             _("line %d, field %zu: text after a closing quote"), c->line, c->n);
			err->line = c->line;
			return -1;
		} else {
			tg_strbuf_addc(f, ch);
		}
	}
	if (quoted) {
		tg_error_set(err, TG_EINVAL, NULL, _("line %d, field %zu: a quote is never closed"),
		             c->row_line, c->n);
		err->line = c->row_line;
		return -1;
	}
	return 1;
}

void tg_csv_write_field(FILE *f, const char *s, bool last)
{
	if (s && strpbrk(s, ",\"\r\n")) {
		fputc('"', f);
		for (; *s; s++) {
			if (*s == '"')
				fputc('"', f);
			fputc(*s, f);
		}
		fputc('"', f);
	} else if (s) {
		fputs(s, f);
	}
	fputc(last ? '\n' : ',', f);
}
