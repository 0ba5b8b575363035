/* get.c - typed getters over the YAML tree, and key checking against keysets.
 * One message per bad value, pointing at the value itself, saying what was expected
 * and, when it can guess, what was meant. */
#include "get.h"

#include "../model/units.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const tk_key *tk_keyset_find(const tk_keyset *ks, const char *name)
{
	for (const tk_key *k = ks->keys; k && k->name; k++)
		if (strcmp(k->name, name) == 0)
			return k;
	return NULL;
}

int tk_check_keys(tk_reader *r, const tk_node *map, const tk_keyset *ks)
{
	if (!map)
		return 0;
	if (map->kind != TK_NODE_MAP) {
		tk_error(r->d, &map->loc, "%s: expected a mapping of keys, found %s", ks->name,
		         tk_node_kind_name(map));
		return 1;
	}
	int bad = 0;
	for (int i = 0; i < map->n; i++) {
		const char *name = map->keys[i]->str;
		if (tk_keyset_find(ks, name))
			continue;
		const char *cand[128];
		int nc = 0;
		for (const tk_key *k = ks->keys; k->name && nc < 128; k++)
			cand[nc++] = k->name;
		const char *s = tk_diag_suggest(name, cand, nc);
		if (s)
			tk_error(r->d, &map->keys[i]->loc, "unknown key '%s' in %s (did you mean '%s'?)",
			         name, ks->name, s);
		else
			tk_error(r->d, &map->keys[i]->loc, "unknown key '%s' in %s", name, ks->name);
		bad++;
	}
	return bad;
}

static const tk_node *scalar(tk_reader *r, const tk_node *n, const char *what)
{
	if (n->kind != TK_NODE_SCALAR) {
		tk_error(r->d, &n->loc, "expected %s, found a %s", what, tk_node_kind_name(n));
		return NULL;
	}
	return n;
}

int tk_node_string(tk_reader *r, const tk_node *n, const char **out)
{
	if (!scalar(r, n, "text"))
		return -1;
	*out = n->str;
	return 1;
}

int tk_get_string(tk_reader *r, const tk_node *map, const char *key, const char **out)
{
	const tk_node *n = tk_node_get(map, key);
	return n ? tk_node_string(r, n, out) : 0;
}

int tk_node_length(tk_reader *r, const tk_node *n, double *out, double pct_base,
                   int allow_negative, int scaled)
{
	char err[160];
	double v;
	int pct = 0;
	if (!scalar(r, n, "a length like 12mm"))
		return -1;
	if (tk_parse_length(n->str, &v, pct_base >= 0 ? &pct : NULL, err) < 0) {
		tk_error(r->d, &n->loc, "%s", err);
		return -1;
	}
	if (pct)
		v = v / 100.0 * pct_base;
	else if (scaled && r->scale > 0)
		v *= r->scale;
	if (v < 0 && !allow_negative) {
		tk_error(r->d, &n->loc, "length '%s' must not be negative", n->str);
		return -1;
	}
	/* 10 m is larger than any sheet a press takes: a typo, not a design. */
	if (fabs(v) > 10000 * TK_MM) {
		tk_error(r->d, &n->loc, "length '%s' is absurdly large (more than 10 m)", n->str);
		return -1;
	}
	*out = v;
	return 1;
}

int tk_get_length(tk_reader *r, const tk_node *map, const char *key, double *out,
                  double pct_base, int allow_negative, int scaled)
{
	const tk_node *n = tk_node_get(map, key);
	return n ? tk_node_length(r, n, out, pct_base, allow_negative, scaled) : 0;
}

int tk_get_number(tk_reader *r, const tk_node *map, const char *key, double *out,
                  double min, double max)
{
	const tk_node *n = tk_node_get(map, key);
	if (!n)
		return 0;
	if (!scalar(r, n, "a number"))
		return -1;
	char *end;
	double v = strtod(n->str, &end);
	if (end == n->str || *end || !isfinite(v)) {
		tk_error(r->d, &n->loc, "'%s' is not a number", n->str);
		return -1;
	}
	if (v < min || v > max) {
		tk_error(r->d, &n->loc, "%s %g is out of range (%g to %g)", key, v, min, max);
		return -1;
	}
	*out = v;
	return 1;
}

int tk_get_int(tk_reader *r, const tk_node *map, const char *key, int *out, int min, int max)
{
	double v;
	int rc = tk_get_number(r, map, key, &v, min, max);
	if (rc == 1) {
		if (v != floor(v)) {
			tk_error(r->d, &tk_node_get(map, key)->loc, "%s must be a whole number", key);
			return -1;
		}
		*out = (int)v;
	}
	return rc;
}

int tk_node_bool(tk_reader *r, const tk_node *n, int *out)
{
	if (!scalar(r, n, "true or false"))
		return -1;
	static const char *yes[] = {"true", "yes", "on"}, *no[] = {"false", "no", "off"};
	for (int i = 0; i < 3; i++) {
		if (strcasecmp(n->str, yes[i]) == 0) {
			*out = 1;
			return 1;
		}
		if (strcasecmp(n->str, no[i]) == 0) {
			*out = 0;
			return 1;
		}
	}
	tk_error(r->d, &n->loc, "expected true or false, found '%s'", n->str);
	return -1;
}

int tk_get_bool(tk_reader *r, const tk_node *map, const char *key, int *out)
{
	const tk_node *n = tk_node_get(map, key);
	return n ? tk_node_bool(r, n, out) : 0;
}

int tk_get_enum(tk_reader *r, const tk_node *map, const char *key, const char *values,
                int *out)
{
	const tk_node *n = tk_node_get(map, key);
	if (!n)
		return 0;
	if (!scalar(r, n, "a name"))
		return -1;
	const char *cand[32];
	char buf[512];
	snprintf(buf, sizeof buf, "%s", values);
	int nc = 0;
	for (char *s = strtok(buf, "|"); s && nc < 32; s = strtok(NULL, "|"))
		cand[nc++] = s;
	for (int i = 0; i < nc; i++) {
		if (strcasecmp(n->str, cand[i]) == 0) {
			*out = i;
			return 1;
		}
	}
	const char *s = tk_diag_suggest(n->str, cand, nc);
	char list[512];
	snprintf(list, sizeof list, "%s", values);
	for (char *p = list; *p; p++)
		if (*p == '|')
			*p = '/';
	if (s)
		tk_error(r->d, &n->loc, "%s '%s' is not one of %s (did you mean '%s'?)", key,
		         n->str, list, s);
	else
		tk_error(r->d, &n->loc, "%s '%s' is not one of %s", key, n->str, list);
	return -1;
}

static int percent_item(tk_reader *r, const tk_node *n, float *out)
{
	if (!scalar(r, n, "an ink percentage"))
		return -1;
	char *end;
	double v = strtod(n->str, &end);
	if (*end == '%')
		end++;
	if (end == n->str || *end || !isfinite(v) || v < 0 || v > 100) {
		tk_error(r->d, &n->loc, "ink '%s' must be a percentage from 0 to 100", n->str);
		return -1;
	}
	*out = (float)(v / 100.0);
	return 0;
}

int tk_node_color(tk_reader *r, const tk_node *n, tk_cmyk *out, int *is_none)
{
	int none = 0;
	if (n->kind == TK_NODE_SEQ) {
		if (n->n != 4) {
			tk_error(r->d, &n->loc,
			         "a CMYK colour has 4 inks [C, M, Y, K] in percent, found %d", n->n);
			return -1;
		}
		float v[4];
		for (int i = 0; i < 4; i++)
			if (percent_item(r, n->items[i], &v[i]) < 0)
				return -1;
		*out = (tk_cmyk){v[0], v[1], v[2], v[3]};
		if (is_none)
			*is_none = 0;
		return 1;
	}
	if (!scalar(r, n, "a colour (a swatch name or [C, M, Y, K])"))
		return -1;
	for (int i = 0; i < r->n_swatches; i++) {
		if (strcmp(r->swatch_names[i], n->str) == 0) {
			*out = r->swatches[i];
			if (is_none)
				*is_none = 0;
			return 1;
		}
	}
	if (tk_builtin_color(n->str, out, &none) == 0) {
		if (none && !is_none) {
			tk_error(r->d, &n->loc, "'none' is not allowed here");
			return -1;
		}
		if (is_none)
			*is_none = none;
		return 1;
	}
	if (strncasecmp(n->str, "rgb", 3) == 0 || n->str[0] == '#') {
		tk_error(r->d, &n->loc,
		         "'%s' is an RGB colour; print colours are CMYK: write [C, M, Y, K] in "
		         "percent or name a swatch",
		         n->str);
		return -1;
	}
	const char *cand[256];
	int nc = 0;
	for (int i = 0; i < r->n_swatches && nc < 250; i++)
		cand[nc++] = r->swatch_names[i];
	cand[nc++] = "black";
	cand[nc++] = "white";
	cand[nc++] = "paper";
	cand[nc++] = "registration";
	const char *s = tk_diag_suggest(n->str, cand, nc);
	if (s)
		tk_error(r->d, &n->loc, "unknown colour or swatch '%s' (did you mean '%s'?)", n->str,
		         s);
	else
		tk_error(r->d, &n->loc, "unknown colour or swatch '%s'", n->str);
	return -1;
}

int tk_get_color(tk_reader *r, const tk_node *map, const char *key, tk_cmyk *out,
                 int *is_none)
{
	const tk_node *n = tk_node_get(map, key);
	return n ? tk_node_color(r, n, out, is_none) : 0;
}
