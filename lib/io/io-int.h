/* What io's files share; not part of the public API. */
#ifndef TG_IO_INT_H
#define TG_IO_INT_H

#include "io/io.h"

/* An RFC 4180 reader over text in memory (csv.c). */
typedef struct tg_csv {
	const char *p, *end;
	char sep;
	int line;     /* line the reader is at */
	int row_line; /* line the last row started on */
	tg_strbuf *field;
	size_t n, cap; /* fields of the last row; allocated */
} tg_csv;

void tg_csv_init(tg_csv *c, const char *text, size_t len, char sep);
/* Reads the next row into c->field[0..c->n): 1, 0 at the end, or -1 with
 * err naming the line and field. */
int tg_csv_row(tg_csv *c, tg_error *err);
void tg_csv_free(tg_csv *c);

#endif
