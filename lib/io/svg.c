/*
 * SVG charts, self-contained (no scripts, no external fonts or links) so
 * that reports and the web UI can embed them as they are:
 * documented against estimated totals by stratum, the estimate with its
 * 95% interval; and the overlap of the lists as bars per capture pattern
 * over a matrix of dots saying which lists each pattern holds.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "io/io.h"

static void text(FILE *f, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '&': fputs("&amp;", f); break;
		case '"': fputs("&quot;", f); break;
		default: fputc(*s, f);
		}
	}
}

/* A round step for axis ticks near max / 5. */
static double tick_step(double max)
{
	double raw = max / 5, mag = pow(10, floor(log10(raw > 0 ? raw : 1)));
	double r = raw / mag;
	return (r <= 1 ? 1 : r <= 2 ? 2 : r <= 5 ? 5 : 10) * mag;
}

#define W 760
#define LEFT 170
#define RIGHT 40
#define ROW 28

static int estimates_chart(FILE *f, const tg_svg_stratum *s, size_t n, double y0)
{
	double max = 1;
	for (size_t i = 0; i < n; i++) {
		double top = isfinite(s[i].upper) ? s[i].upper : s[i].documented;
		if (top > max)
			max = top;
		if (s[i].documented > max)
			max = s[i].documented;
	}
	double step = tick_step(max), axis = ceil(max / step) * step, plot = W - LEFT - RIGHT;
	double height = 50 + ROW * (double)n + 40;
	fprintf(f, "<g transform=\"translate(0,%.0f)\">\n", y0);
	fprintf(f, "<text x=\"%d\" y=\"20\" class=\"title\">", LEFT);
	text(f, _("Documented and estimated victims"));
	fputs("</text>\n", f);
	for (double v = 0; v <= axis + step / 2; v += step) {
		double x = LEFT + plot * v / axis;
		fprintf(f, "<line x1=\"%.1f\" y1=\"36\" x2=\"%.1f\" y2=\"%.0f\" class=\"grid\"/>"
		           "<text x=\"%.1f\" y=\"%.0f\" class=\"tick\">%.0f</text>\n",
		        x, x, 40 + ROW * (double)n, x, 56 + ROW * (double)n, v);
	}
	for (size_t i = 0; i < n; i++) {
		double y = 40 + ROW * (double)i;
		fprintf(f, "<text x=\"%d\" y=\"%.0f\" class=\"label\">", LEFT - 8, y + 17);
		text(f, s[i].label);
		fputs("</text>\n", f);
		fprintf(f, "<rect x=\"%d\" y=\"%.0f\" width=\"%.1f\" height=\"16\" class=\"documented\">"
		           "<title>%.0f</title></rect>\n",
		        LEFT, y + 5, plot * s[i].documented / axis, s[i].documented);
		if (!isfinite(s[i].estimate))
			continue;
		double xl = LEFT + plot * s[i].lower / axis, xu = LEFT + plot * s[i].upper / axis,
		       xe = LEFT + plot * s[i].estimate / axis;
		fprintf(f, "<line x1=\"%.1f\" y1=\"%.0f\" x2=\"%.1f\" y2=\"%.0f\" class=\"interval\"/>"
		           "<circle cx=\"%.1f\" cy=\"%.0f\" r=\"5\" class=\"estimate\">"
		           "<title>%.0f (%.0f–%.0f)</title></circle>\n",
		        xl, y + 13, xu, y + 13, xe, y + 13, s[i].estimate, s[i].lower, s[i].upper);
	}
	double ly = 40 + ROW * (double)n + 26;
	fprintf(f, "<rect x=\"%d\" y=\"%.0f\" width=\"14\" height=\"10\" class=\"documented\"/>"
	           "<text x=\"%d\" y=\"%.0f\" class=\"legend\">",
	        LEFT, ly, LEFT + 20, ly + 10);
	text(f, _("documented"));
	fprintf(f, "</text><circle cx=\"%d\" cy=\"%.0f\" r=\"5\" class=\"estimate\"/>"
	           "<text x=\"%d\" y=\"%.0f\" class=\"legend\">",
	        LEFT + 200, ly + 5, LEFT + 210, ly + 10);
	/* xgettext:no-c-format */
	text(f, _("estimated, with its 95% interval"));
	fputs("</text>\n</g>\n", f);
	return (int)height;
}

/* Capture patterns, largest first. */
static int overlap_chart(FILE *f, const tg_capture *t, double y0)
{
	int order[1 << TG_STATS_MAXLISTS], n = 0;
	for (int p = 1; p < (1 << t->k); p++)
		if (t->count[p] > 0)
			order[n++] = p;
	for (int i = 1; i < n; i++)
		for (int j = i; j > 0 && t->count[order[j]] > t->count[order[j - 1]]; j--) {
			int x = order[j];
			order[j] = order[j - 1];
			order[j - 1] = x;
		}
	double max = n ? t->count[order[0]] : 1, col = (W - LEFT - RIGHT) / (double)(n ? n : 1);
	double bars = 160;
	fprintf(f, "<g transform=\"translate(0,%.0f)\">\n<text x=\"%d\" y=\"20\" class=\"title\">",
	        y0, LEFT);
	text(f, _("Who is on which lists: persons per combination of lists"));
	fputs("</text>\n", f);
	for (int i = 0; i < n; i++) {
		double h = bars * t->count[order[i]] / max, x = LEFT + col * i;
		fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" class=\"pattern\">"
		           "<title>%.0f</title></rect>\n",
		        x + col * 0.15, 36 + bars - h, col * 0.7, h, t->count[order[i]]);
	}
	for (int l = 0; l < t->k; l++) {
		double y = 36 + bars + 18 + 20.0 * l;
		fprintf(f, "<text x=\"%d\" y=\"%.0f\" class=\"label\">", LEFT - 8, y + 4);
		text(f, t->names[l]);
		fputs("</text>\n", f);
		for (int i = 0; i < n; i++)
			fprintf(f, "<circle cx=\"%.1f\" cy=\"%.0f\" r=\"5\" class=\"%s\"/>\n",
			        LEFT + col * (i + 0.5), y, order[i] >> l & 1 ? "on" : "off");
	}
	fputs("</g>\n", f);
	return (int)(36 + bars + 18 + 20.0 * t->k + 20);
}

int tg_io_svg_estimates(FILE *f, const tg_svg_stratum *s, size_t n, const tg_capture *overall,
                        tg_error *err)
{
	/* Heights first, so that the viewBox fits. */
	double h1 = 50 + ROW * (double)n + 40, h2 = overall ? 36 + 160 + 18 + 20.0 * overall->k + 20 : 0;
	fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %.0f\" width=\"%d\""
	           " height=\"%.0f\" role=\"img\" font-family=\"sans-serif\" font-size=\"12\">\n",
	        W, h1 + h2 + 10, W, h1 + h2 + 10);
	fputs("<style>.title{font-size:15px;font-weight:bold}.label{text-anchor:end}"
	      ".tick{text-anchor:middle;fill:#555}.grid{stroke:#ddd}"
	      ".documented{fill:#4a6fa5}.estimate{fill:#c0392b}.interval{stroke:#c0392b;"
	      "stroke-width:2}.pattern{fill:#4a6fa5}.on{fill:#222}.off{fill:#ddd}</style>\n", f);
	int y = estimates_chart(f, s, n, 0);
	if (overall)
		overlap_chart(f, overall, y);
	fputs("</svg>\n", f);
	if (ferror(f))
		return tg_error_set(err, TG_EIO, NULL, _("could not write the chart"));
	return 0;
}
