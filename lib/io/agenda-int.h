/* What agenda.c needs of the deadline rules read by deadlines.c. */
#ifndef TG_AGENDA_INT_H
#define TG_AGENDA_INT_H

#include "io/io.h"

typedef struct tg_agenda_rule {
	const char *id, *after, *basis;
	const char *label[3]; /* kk, ru, en (en always set) */
	int days;
	size_t nexpect, ntypes; /* ntypes 0: every proceeding type */
	const char **expect, **types;
} tg_agenda_rule;

struct tg_agenda_rules {
	tg_arena *arena;
	size_t n, nhearing;
	tg_agenda_rule *rule;
	const char **hearing; /* stages that are hearings */
};

/* The rule's label in lang, else English. */
const char *tg_agenda_rule_label(const tg_agenda_rule *r, const char *lang);

#endif
