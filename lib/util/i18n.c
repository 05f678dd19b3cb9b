/*
 * Messages in the language of one thread.  gettext picks its language for
 * the whole process (LANGUAGE), which suits the CLI; the web server answers
 * each request in its reader's language from several threads at once.  So
 * the catalogs are read here once (the .mo format: a sorted table of
 * original strings and one of translations) and a thread that has chosen a
 * language looks its messages up itself; a thread that has not falls back
 * to gettext.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/util.h"

enum { NLANG = 3 };
static const char *const langs[NLANG] = {"kk", "ru", "en"};

struct catalog {
	char *data;
	size_t size;
	uint32_t n, orig, trans; /* count and table offsets */
	bool swap;
};

static struct catalog catalogs[NLANG];
static _Thread_local const struct catalog *thread_catalog;

static uint32_t word(const struct catalog *c, size_t off)
{
	uint32_t v;
	memcpy(&v, c->data + off, 4);
	return c->swap ? __builtin_bswap32(v) : v;
}

/* A string of table tab entry i, or NULL if it does not lie inside the file. */
static const char *entry(const struct catalog *c, uint32_t tab, uint32_t i, uint32_t *len)
{
	size_t at = (size_t)tab + (size_t)i * 8;
	if (at + 8 > c->size)
		return NULL;
	*len = word(c, at);
	uint32_t off = word(c, at + 4);
	if ((size_t)off + *len >= c->size)
		return NULL;
	return c->data + off;
}

static int load(struct catalog *c, const char *path)
{
	char *data;
	size_t size;
	if (tg_read_file(path, &data, &size, NULL))
		return -1;
	uint32_t magic;
	if (size < 28) {
		free(data);
		return -1;
	}
	memcpy(&magic, data, 4);
	c->swap = magic == 0xde120495u;
	if (magic != 0x950412deu && !c->swap) {
		free(data);
		return -1;
	}
	c->data = data;
	c->size = size;
	c->n = word(c, 8);
	c->orig = word(c, 12);
	c->trans = word(c, 16);
	return 0;
}

int tg_i18n_load(const char *localedir)
{
	int loaded = 0;
	for (int i = 0; i < NLANG; i++) {
		if (catalogs[i].data)
			continue;
		char path[4096];
		snprintf(path, sizeof path, "%s/%s/LC_MESSAGES/tergeu.mo", localedir, langs[i]);
		if (!load(&catalogs[i], path))
			loaded++;
	}
	return loaded;
}

void tg_i18n_thread_lang(const char *lang)
{
	thread_catalog = NULL;
	for (int i = 0; lang && i < NLANG; i++)
		if (!strcmp(lang, langs[i]))
			thread_catalog = catalogs[i].data ? &catalogs[i] : NULL;
}

static const char *lookup(const struct catalog *c, const char *msgid)
{
	uint32_t lo = 0, hi = c->n;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2, len;
		const char *s = entry(c, c->orig, mid, &len);
		if (!s)
			return NULL;
		int cmp = strcmp(msgid, s);
		if (!cmp) {
			const char *t = entry(c, c->trans, mid, &len);
			return t && *t ? t : NULL;
		}
		if (cmp < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

const char *tg_gettext(const char *msgid)
{
	if (!thread_catalog)
		return dgettext("tergeu", msgid);
	const char *t = lookup(thread_catalog, msgid);
	return t ? t : msgid;
}
