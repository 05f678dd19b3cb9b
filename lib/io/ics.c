/*
 * The agenda as an iCalendar object (RFC 5545) that calendar apps import
 * or subscribe to: one all-day VEVENT per item whose day is known.
 *
 * Court dates are days, not instants, so DTSTART is a DATE value: no time
 * zone is needed and the event stays on its day wherever the reader is.
 * A DATE start without DTEND lasts one day (RFC 5545, 3.6.1). UIDs are
 * built from the proceeding, the kind, the date and the stage or rule, so
 * an import of a later export updates the same events. DTSTAMP is the
 * clock's UTC time (TERGEU_NOW fixes it for tests).
 */
#include <stdio.h>
#include <string.h>

#include "io/io.h"

enum { ICS_LINE_OCTETS = 75 };

/* Octets of the UTF-8 sequence starting with byte c (1 for a stray
 * byte), so that a fold never splits a character. */
static size_t seq_len(unsigned char c)
{
	return c >= 0xF0 && c <= 0xF7 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
}

/* Appends one content line, folded (RFC 5545, 3.1): at most 75 octets a
 * line, each continuation starting with one space, CRLF at every end. */
static void content_line(tg_strbuf *out, const char *s, size_t n)
{
	size_t col = 0;
	for (size_t i = 0; i < n;) {
		size_t k = seq_len((unsigned char)s[i]);
		if (k > n - i)
			k = n - i;
		if (col + k > ICS_LINE_OCTETS) {
			tg_strbuf_add(out, "\r\n ", 3);
			col = 1;
		}
		tg_strbuf_add(out, s + i, k);
		col += k;
		i += k;
	}
	tg_strbuf_add(out, "\r\n", 2);
}

/* A TEXT value (3.3.11): backslash, semicolon, comma and line breaks
 * escaped; other control characters, which TEXT may not hold, as spaces. */
static void add_text(tg_strbuf *sb, const char *s)
{
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '\\' || c == ';' || c == ',') {
			tg_strbuf_addc(sb, '\\');
			tg_strbuf_addc(sb, (char)c);
		} else if (c == '\r') {
			if (s[1] != '\n')
				tg_strbuf_adds(sb, "\\n");
		} else if (c == '\n') {
			tg_strbuf_adds(sb, "\\n");
		} else if ((c < 0x20 && c != '\t') || c == 0x7f) {
			tg_strbuf_addc(sb, ' ');
		} else {
			tg_strbuf_addc(sb, (char)c);
		}
	}
}

/* NAME:VALUE with value a TEXT. */
static void prop(tg_strbuf *out, const char *name, const char *value)
{
	tg_strbuf l = TG_STRBUF_INIT;
	tg_strbuf_adds(&l, name);
	tg_strbuf_addc(&l, ':');
	add_text(&l, value);
	content_line(out, l.buf, l.len);
	tg_strbuf_release(&l);
}

/* Starts a new line of the description. */
static void next_line(tg_strbuf *d)
{
	if (d->len)
		tg_strbuf_addc(d, '\n');
}

static void event(tg_strbuf *out, const tg_agenda_item *it, const char *stamp)
{
	content_line(out, "BEGIN:VEVENT", 12);
	tg_strbuf v = TG_STRBUF_INIT;
	tg_strbuf_addf(&v, "%s@tergeu", it->uid);
	prop(out, "UID", v.buf);
	content_line(out, stamp, strlen(stamp));
	const char *d = it->date + (it->date[0] == '~');
	char line[48];
	int n = snprintf(line, sizeof line, "DTSTART;VALUE=DATE:%.4s%.2s%.2s", d, d + 5, d + 8);
	content_line(out, line, (size_t)n);
	tg_strbuf_reset(&v);
	if (it->kind == TG_AGENDA_HEARING)
		tg_strbuf_addf(&v, "%s — %s", it->stage_label, it->title);
	else if (it->status == TG_AGENDA_PASSED)
		tg_strbuf_addf(&v, _("Deadline passed, nothing recorded: %s — %s"), it->label, it->title);
	else if (it->status == TG_AGENDA_MET)
		tg_strbuf_addf(&v, _("Deadline met: %s — %s"), it->label, it->title);
	else
		tg_strbuf_addf(&v, _("Deadline: %s — %s"), it->label, it->title);
	prop(out, "SUMMARY", v.buf);
	tg_strbuf_reset(&v);
	next_line(&v);
	if (it->case_number)
		tg_strbuf_addf(&v, _("Proceeding: %s (case %s)"), it->title, it->case_number);
	else
		tg_strbuf_addf(&v, _("Proceeding: %s"), it->title);
	if (it->authority) {
		next_line(&v);
		tg_strbuf_addf(&v, _("Authority: %s"), it->authority);
	}
	if (it->kind == TG_AGENDA_DEADLINE) {
		next_line(&v);
		tg_strbuf_addf(&v, _("%d days after %s (%s)"), it->days, it->stage_label,
		               it->stage_date);
		next_line(&v);
		tg_strbuf_addf(&v, _("Status: %s"), tg_agenda_status_label(it->status));
		if (it->basis) {
			next_line(&v);
			tg_strbuf_addf(&v, _("Basis (to be checked by a lawyer): %s"), it->basis);
		}
	}
	if (it->date[0] == '~') {
		next_line(&v);
		tg_strbuf_adds(&v, _("The date is approximate."));
	}
	next_line(&v);
	tg_strbuf_addf(&v, _("tergeu record: %s"), it->proceeding);
	prop(out, "DESCRIPTION", v.buf);
	prop(out, "CATEGORIES", it->kind == TG_AGENDA_HEARING ? "HEARING" : "DEADLINE");
	content_line(out, "TRANSP:TRANSPARENT", 18);
	content_line(out, "END:VEVENT", 10);
	tg_strbuf_release(&v);
}

size_t tg_io_agenda_ics(const tg_agenda *a, tg_strbuf *out)
{
	static const char *const head[] = {"BEGIN:VCALENDAR", "VERSION:2.0",
	                                   "PRODID:-//tergeu//agenda//EN", "CALSCALE:GREGORIAN",
	                                   "METHOD:PUBLISH", "X-WR-CALNAME:tergeu"};
	for (size_t i = 0; i < sizeof head / sizeof head[0]; i++)
		content_line(out, head[i], strlen(head[i]));
	char now[TG_TIME_LEN], stamp[40];
	tg_now_utc(now);
	/* "2024-02-05T10:20:30.123Z" as the basic form in UTC, 20240205T102030Z. */
	snprintf(stamp, sizeof stamp, "DTSTAMP:%.4s%.2s%.2sT%.2s%.2s%.2sZ", now, now + 5, now + 8,
	         now + 11, now + 14, now + 17);
	size_t events = 0;
	for (size_t i = 0; i < a->n; i++)
		if (a->items[i].whole_day) {
			event(out, &a->items[i], stamp);
			events++;
		}
	content_line(out, "END:VCALENDAR", 13);
	return events;
}
