/* units.c - parsing the lengths, colours and paper sizes that layout files use.
 * Strict on purpose: a length without a unit is an error (is "12" points or
 * millimetres?), with a hint showing the likely intended spelling. */
#include "units.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const struct {
	const char *unit;
	double pt;
} units[] = {
	{"mm", TK_MM}, {"cm", TK_MM * 10}, {"pt", 1.0}, {"in", 72.0}, {"pc", 12.0},
};

int tk_parse_length(const char *s, double *pt, int *is_percent, char *err)
{
	char *end;
	while (isspace((unsigned char)*s))
		s++;
	double v = strtod(s, &end);
	/* strtod reads hexadecimal and "inf"; a length is decimal */
	int hex = strpbrk(s, "xX") && strpbrk(s, "xX") < end;
	if (end == s || !isfinite(v) || hex) {
		snprintf(err, 160, "'%s' is not a length (write it like 12mm, 10pt or 1.5cm)", s);
		return -1;
	}
	while (*end == ' ')
		end++;
	if (is_percent)
		*is_percent = 0;
	if (*end == '%' && end[1] == 0) {
		if (!is_percent) {
			snprintf(err, 160, "a percentage is not allowed here ('%s')", s);
			return -1;
		}
		*is_percent = 1;
		*pt = v;
		return 0;
	}
	if (*end == 0) {
		if (v == 0) {
			*pt = 0;
			return 0;
		}
		snprintf(err, 160, "length '%s' needs a unit: %smm, %spt, %scm or %sin", s, s, s,
		         s, s);
		return -1;
	}
	char unit[16];
	size_t ul = strlen(end);
	while (ul && isspace((unsigned char)end[ul - 1]))
		ul--;
	if (ul >= sizeof unit)
		ul = sizeof unit - 1;
	memcpy(unit, end, ul);
	unit[ul] = 0;
	for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
		if (strcasecmp(unit, units[i].unit) == 0) {
			*pt = v * units[i].pt;
			return 0;
		}
	}
	snprintf(err, 160, "unknown unit '%s' in '%s' (use mm, cm, pt or in)", unit, s);
	return -1;
}

static const struct {
	const char *name;
	double w, h; /* mm */
} papers[] = {
	{"A0", 841, 1189}, {"A1", 594, 841}, {"A2", 420, 594}, {"A3", 297, 420},
	{"A4", 210, 297},  {"A5", 148, 210}, {"A6", 105, 148}, {"A7", 74, 105},
	{"B4", 250, 353},  {"B5", 176, 250}, {"SRA3", 320, 450}, {"SRA4", 225, 320},
	{"tabloid", 280, 400}, {"letter", 215.9, 279.4}, {"businesscard", 85, 55},
};

int tk_parse_paper(const char *s, double *w, double *h, char *err)
{
	for (size_t i = 0; i < sizeof papers / sizeof papers[0]; i++) {
		if (strcasecmp(s, papers[i].name) == 0) {
			*w = papers[i].w * TK_MM;
			*h = papers[i].h * TK_MM;
			return 0;
		}
	}
	const char *x = strpbrk(s, "x\xc3"); /* "x" or the start of "×" */
	if (x && x != s) {
		char a[64], b[64];
		size_t n = (size_t)(x - s);
		if (n >= sizeof a)
			n = sizeof a - 1;
		memcpy(a, s, n);
		a[n] = 0;
		while (n > 0 && a[n - 1] == ' ')
			a[--n] = 0;
		const char *rest = x + ((unsigned char)*x == 0xc3 ? 2 : 1);
		while (*rest == ' ')
			rest++;
		snprintf(b, sizeof b, "%s", rest);
		if (tk_parse_length(a, w, NULL, err) == 0 && tk_parse_length(b, h, NULL, err) == 0)
			return 0;
		return -1;
	}
	snprintf(err, 160,
	         "unknown paper size '%s' (use A0-A7, B4, B5, SRA3, SRA4, tabloid, letter, "
	         "or '210mm x 297mm')",
	         s);
	return -1;
}

int tk_builtin_color(const char *name, tk_cmyk *c, int *is_none)
{
	*is_none = 0;
	if (strcasecmp(name, "black") == 0)
		*c = (tk_cmyk){0, 0, 0, 1};
	else if (strcasecmp(name, "white") == 0 || strcasecmp(name, "paper") == 0)
		*c = (tk_cmyk){0, 0, 0, 0};
	else if (strcasecmp(name, "registration") == 0)
		*c = (tk_cmyk){1, 1, 1, 1};
	else if (strcasecmp(name, "none") == 0) {
		*c = (tk_cmyk){0, 0, 0, 0};
		*is_none = 1;
	} else
		return -1;
	return 0;
}

double tk_cmyk_total_ink(tk_cmyk c)
{
	return 100.0 * (c.c + c.m + c.y + c.k);
}

const char *tk_fmt_mm(double pt, char buf[32])
{
	double mm = pt / TK_MM;
	snprintf(buf, 32, "%.2f", mm);
	char *e = buf + strlen(buf) - 1;
	while (*e == '0')
		*e-- = 0;
	if (*e == '.')
		*e = 0;
	strcat(buf, "mm");
	return buf;
}
