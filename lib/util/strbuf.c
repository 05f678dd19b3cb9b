/* The string builder every module uses; see util.h for its contract. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/util.h"

static char empty[1];

static void grow(tg_strbuf *sb, size_t extra)
{
	if (sb->len + extra + 1 <= sb->alloc)
		return;
	size_t want = sb->alloc ? sb->alloc * 2 : 64;
	while (want < sb->len + extra + 1)
		want *= 2;
	char *p = realloc(sb->alloc ? sb->buf : NULL, want);
	if (!p)
		abort();
	if (!sb->alloc)
		p[0] = '\0';
	sb->buf = p;
	sb->alloc = want;
}

void tg_strbuf_add(tg_strbuf *sb, const char *s, size_t n)
{
	grow(sb, n);
	memcpy(sb->buf + sb->len, s, n);
	sb->len += n;
	sb->buf[sb->len] = '\0';
}

void tg_strbuf_adds(tg_strbuf *sb, const char *s)
{
	tg_strbuf_add(sb, s, strlen(s));
}

void tg_strbuf_addc(tg_strbuf *sb, char c)
{
	tg_strbuf_add(sb, &c, 1);
}

void tg_strbuf_addf(tg_strbuf *sb, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	grow(sb, (size_t)n);
	va_start(ap, fmt);
	vsnprintf(sb->buf + sb->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	sb->len += (size_t)n;
}

void tg_strbuf_reset(tg_strbuf *sb)
{
	sb->len = 0;
	if (sb->alloc)
		sb->buf[0] = '\0';
}

char *tg_strbuf_detach(tg_strbuf *sb)
{
	char *s = sb->alloc ? sb->buf : strdup("");
	if (!s)
		abort();
	*sb = (tg_strbuf)TG_STRBUF_INIT;
	return s;
}

void tg_strbuf_release(tg_strbuf *sb)
{
	if (sb->alloc)
		free(sb->buf);
	*sb = (tg_strbuf)TG_STRBUF_INIT;
}

const char *tg_strbuf_str(const tg_strbuf *sb)
{
	return sb->alloc ? sb->buf : empty;
}
