/* schema.c - JSON Schema (draft 2020-12) from the loader's key tables.
 *
 * Each tk_keyset becomes an object schema under $defs (named after the keyset),
 * with additionalProperties false, so a key the loader would call unknown is a
 * schema error too; each tk_key a property with its documentation and, where the
 * table's default is a real value rather than words ("to the right margin"), a
 * default. Lengths, colours and paper sizes are shared definitions. A keyset that
 * may also be written as a scalar ("margin: 15mm") becomes an anyOf. The output
 * depends only on the tables and is written in their order, so it can be compared
 * byte for byte with the committed files in docs/schema. */
#include "schema.h"

#include "model/units.h"

#include <stdlib.h>
#include <string.h>

#define MAX_SETS 64
#define LENGTH_PATTERN "^-?[0-9.]+ ?(mm|cm|pt|in|pc|%)$|^0$"

typedef struct writer {
	FILE *out;
	const tk_keyset *sets[MAX_SETS];  /* every keyset reachable, in first-use order */
	char names[MAX_SETS][64];         /* their $defs names */
	int n_sets;
	int uses_length, uses_color, uses_paper;
} writer;

static void indent(writer *w, int depth)
{
	for (int i = 0; i < depth; i++)
		fputs("  ", w->out);
}

static void str(writer *w, const char *s)
{
	fputc('"', w->out);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(w->out, "\\%c", *p);
		else if (*p == '\n')
			fputs("\\n", w->out);
		else if (*p < 0x20)
			fprintf(w->out, "\\u%04x", *p);
		else
			fputc(*p, w->out);
	}
	fputc('"', w->out);
}

/* Starts member key of an object at depth (after a comma unless it is the first). */
static void member(writer *w, int depth, int *first, const char *key)
{
	fputs(*first ? "\n" : ",\n", w->out);
	*first = 0;
	indent(w, depth);
	str(w, key);
	fputs(": ", w->out);
}

static void close_object(writer *w, int depth, int first)
{
	if (!first) {
		fputc('\n', w->out);
		indent(w, depth);
	}
	fputc('}', w->out);
}

/* "paragraph style" -> "paragraph-style" */
static void def_name(const char *name, char out[64])
{
	size_t i = 0;
	for (; name[i] && i < 63; i++)
		out[i] = name[i] == ' ' ? '-' : name[i];
	out[i] = 0;
}

static int set_index(const writer *w, const tk_keyset *ks)
{
	for (int i = 0; i < w->n_sets; i++)
		if (w->sets[i] == ks)
			return i;
	return -1;
}

static void note_scalar(writer *w, tk_type t)
{
	w->uses_length |= t == TK_T_LENGTH;
	w->uses_color |= t == TK_T_COLOR;
	w->uses_paper |= t == TK_T_PAPER;
}

static const char *also_kind(const tk_keyset *ks)
{
	if (strstr(ks->also, "length"))
		return "length";
	return strstr(ks->also, "Markdown") ? "markdown" : "string";
}

/* Collects every keyset reachable from ks (depth first, in table order) and which
 * shared definitions are used. */
static void collect(writer *w, const tk_keyset *ks, int is_root)
{
	if (!is_root) {
		if (set_index(w, ks) >= 0 || w->n_sets == MAX_SETS)
			return;
		def_name(ks->name, w->names[w->n_sets]);
		/* Two tables with one name would share a $defs entry: number the later. */
		for (int i = 0; i < w->n_sets; i++)
			if (strcmp(w->names[i], w->names[w->n_sets]) == 0)
				snprintf(w->names[w->n_sets] + strlen(w->names[w->n_sets]),
				         64 - strlen(w->names[w->n_sets]), "-%d", w->n_sets + 1);
		w->sets[w->n_sets++] = ks;
		if (ks->also && strcmp(also_kind(ks), "length") == 0)
			w->uses_length = 1;
	}
	for (const tk_key *k = ks->keys; k->name; k++) {
		note_scalar(w, k->type);
		if (k->sub)
			collect(w, k->sub, 0);
		else
			note_scalar(w, k->item);
	}
}

static void ref(writer *w, int depth, int *first, const char *name)
{
	char buf[96];
	snprintf(buf, sizeof buf, "#/$defs/%s", name);
	member(w, depth, first, "$ref");
	str(w, buf);
}

/* The members (inside an open object) that say what a scalar of type t is. */
static void scalar_members(writer *w, int depth, int *first, tk_type t, const tk_key *k)
{
	switch (t) {
	case TK_T_STRING:
	case TK_T_PATH:
		member(w, depth, first, "type");
		str(w, "string");
		break;
	case TK_T_TEXT:
		member(w, depth, first, "type");
		str(w, "string");
		member(w, depth, first, "contentMediaType");
		str(w, "text/markdown");
		break;
	case TK_T_LENGTH:
		ref(w, depth, first, "length");
		break;
	case TK_T_NUMBER:
		member(w, depth, first, "type");
		str(w, "number");
		break;
	case TK_T_BOOL:
		member(w, depth, first, "type");
		str(w, "boolean");
		break;
	case TK_T_COLOR:
		ref(w, depth, first, "color");
		break;
	case TK_T_PAPER:
		ref(w, depth, first, "paper");
		break;
	case TK_T_ENUM: {
		/* YAML reads `weight: 700` as a number: numeric names are listed both ways. */
		member(w, depth, first, "enum");
		fputc('[', w->out);
		const char *v = k && k->values ? k->values : "";
		int n = 0;
		while (*v) {
			size_t len = strcspn(v, "|");
			char item[64];
			snprintf(item, sizeof item, "%.*s", (int)(len < 63 ? len : 63), v);
			fputs(n++ ? ", " : "", w->out);
			str(w, item);
			if (item[0] && strspn(item, "0123456789") == strlen(item))
				fprintf(w->out, ", %s", item);
			v += len;
			if (*v == '|')
				v++;
		}
		fputc(']', w->out);
		break;
	}
	case TK_T_MAP:
	case TK_T_MAPOF:
		member(w, depth, first, "type");
		str(w, "object");
		break;
	case TK_T_LIST:
		member(w, depth, first, "type");
		str(w, "array");
		break;
	case TK_T_ANY:
		break;
	}
}

/* The members for a value described by keyset ks: a reference, or with `also`
 * an anyOf of the reference and the scalar it may be instead. */
static void set_members(writer *w, int depth, int *first, const tk_keyset *ks)
{
	int i = set_index(w, ks);
	const char *name = i >= 0 ? w->names[i] : "?";
	if (!ks->also) {
		ref(w, depth, first, name);
		return;
	}
	member(w, depth, first, "anyOf");
	fputs("[\n", w->out);
	indent(w, depth + 1);
	int f = 1;
	fputc('{', w->out);
	ref(w, depth + 2, &f, name);
	close_object(w, depth + 1, f);
	fputs(",\n", w->out);
	indent(w, depth + 1);
	fputc('{', w->out);
	f = 1;
	const char *kind = also_kind(ks);
	scalar_members(w, depth + 2, &f,
	               strcmp(kind, "length") == 0     ? TK_T_LENGTH
	               : strcmp(kind, "markdown") == 0 ? TK_T_TEXT
	                                               : TK_T_STRING,
	               NULL);
	member(w, depth + 2, &f, "description");
	str(w, ks->also);
	close_object(w, depth + 1, f);
	fputc('\n', w->out);
	indent(w, depth);
	fputc(']', w->out);
}

/* An item of a list or a value of a mapping of names, as a whole object. */
static void item_schema(writer *w, int depth, const tk_key *k)
{
	int f = 1;
	fputc('{', w->out);
	if (k->sub)
		set_members(w, depth + 1, &f, k->sub);
	else
		scalar_members(w, depth + 1, &f, k->item, NULL);
	close_object(w, depth, f);
}

/* The table's default as a JSON value when it is one (true, 2, "3mm", "left"), or
 * 0 when it is words for people ("to the right margin"). */
static int default_value(const tk_key *k, char *out, size_t n)
{
	const char *d = k->def;
	if (!d)
		return 0;
	char err[160];
	double v;
	char *end;
	switch (k->type) {
	case TK_T_BOOL:
		if (strcmp(d, "true") != 0 && strcmp(d, "false") != 0)
			return 0;
		snprintf(out, n, "%s", d);
		return 1;
	case TK_T_NUMBER:
		strtod(d, &end);
		if (end == d || *end)
			return 0;
		snprintf(out, n, "%s", d);
		return 1;
	case TK_T_LENGTH: {
		int pct;
		if (strchr(d, ' ') || tk_parse_length(d, &v, &pct, err) < 0)
			return 0;
		break;
	}
	case TK_T_ENUM: {
		size_t len = strlen(d);
		const char *p = k->values;
		int found = 0;
		while (p && *p && !found) {
			size_t l = strcspn(p, "|");
			found = l == len && strncmp(p, d, len) == 0;
			p += l + (p[l] == '|');
		}
		if (!found)
			return 0;
		break;
	}
	case TK_T_COLOR:
		if (strchr(d, ' '))
			return 0;
		break;
	default:
		return 0;
	}
	snprintf(out, n, "\"%s\"", d);
	return 1;
}

static void properties(writer *w, int depth, int *first, const tk_keyset *ks)
{
	member(w, depth, first, "type");
	str(w, "object");
	member(w, depth, first, "properties");
	fputc('{', w->out);
	int pf = 1;
	for (const tk_key *k = ks->keys; k->name; k++) {
		member(w, depth + 1, &pf, k->name);
		fputc('{', w->out);
		int f = 1;
		char doc[1024], def[128];
		if (k->def)
			snprintf(doc, sizeof doc, "%s Default: %s.", k->doc, k->def);
		else
			snprintf(doc, sizeof doc, "%s", k->doc);
		member(w, depth + 2, &f, "description");
		str(w, doc);
		if (k->type == TK_T_MAP && k->sub) {
			set_members(w, depth + 2, &f, k->sub);
		} else {
			scalar_members(w, depth + 2, &f, k->type, k);
			if (k->type == TK_T_MAPOF) {
				member(w, depth + 2, &f, "additionalProperties");
				item_schema(w, depth + 2, k);
			} else if (k->type == TK_T_LIST) {
				member(w, depth + 2, &f, "items");
				item_schema(w, depth + 2, k);
			}
		}
		if (default_value(k, def, sizeof def)) {
			member(w, depth + 2, &f, "default");
			fputs(def, w->out);
		}
		close_object(w, depth + 1, f);
	}
	close_object(w, depth, pf);
	member(w, depth, first, "additionalProperties");
	fputs("false", w->out);
}

static void shared_defs(writer *w, int depth, int *first)
{
	if (w->uses_length) {
		member(w, depth, first, "length");
		fputs("{", w->out);
		int f = 1;
		member(w, depth + 1, &f, "description");
		str(w, "A length with its unit: 12mm, 1.5cm, 10pt, 0.5in, 2pc; a percentage "
		       "where the key allows one; 0 needs no unit.");
		member(w, depth + 1, &f, "anyOf");
		fputs("[{\"type\": \"string\", \"pattern\": ", w->out);
		str(w, LENGTH_PATTERN);
		fputs("}, {\"const\": 0}]", w->out);
		close_object(w, depth, f);
	}
	if (w->uses_color) {
		member(w, depth, first, "color");
		fputs("{", w->out);
		int f = 1;
		member(w, depth + 1, &f, "description");
		str(w, "A colour: a swatch name, black, white, paper, registration, none "
		       "(where allowed), or [C, M, Y, K] ink percentages from 0 to 100.");
		member(w, depth + 1, &f, "anyOf");
		fputs("[\n", w->out);
		indent(w, depth + 2);
		fputs("{\"type\": \"string\"},\n", w->out);
		indent(w, depth + 2);
		fputs("{\"type\": \"array\", \"minItems\": 4, \"maxItems\": 4, \"items\": {\"anyOf\": "
		      "[{\"type\": \"number\", \"minimum\": 0, \"maximum\": 100}, {\"type\": "
		      "\"string\", \"pattern\": \"^[0-9.]+%$\"}]}}\n", w->out);
		indent(w, depth + 1);
		fputc(']', w->out);
		close_object(w, depth, f);
	}
	if (w->uses_paper) {
		member(w, depth, first, "paper");
		fputs("{", w->out);
		int f = 1;
		member(w, depth + 1, &f, "description");
		str(w, "A paper size: A0-A7, B4, B5, SRA3, SRA4, tabloid, letter, businesscard "
		       "(any case), or 'W x H' with units, e.g. '85mm x 55mm'.");
		member(w, depth + 1, &f, "type");
		str(w, "string");
		member(w, depth + 1, &f, "examples");
		fputs("[\"A4\", \"A3\", \"SRA3\", \"85mm x 55mm\"]", w->out);
		close_object(w, depth, f);
	}
}

int tk_schema_write(FILE *out, const tk_keyset *ks, const char *name)
{
	writer *w = calloc(1, sizeof *w);
	if (!w)
		return -1;
	w->out = out;
	collect(w, ks, 1);
	char id[128];
	snprintf(id, sizeof id, "%s.schema.json", name);
	int first = 1;
	fputc('{', out);
	member(w, 1, &first, "$schema");
	str(w, "https://json-schema.org/draft/2020-12/schema");
	member(w, 1, &first, "$id");
	str(w, id);
	member(w, 1, &first, "title");
	str(w, ks->name);
	member(w, 1, &first, "description");
	char doc[512];
	snprintf(doc, sizeof doc, "%s Generated by `trykk schema %s` from the loader's key "
	         "tables; do not edit.", ks->doc, name);
	str(w, doc);
	properties(w, 1, &first, ks);
	member(w, 1, &first, "$defs");
	fputc('{', out);
	int df = 1;
	shared_defs(w, 2, &df);
	for (int i = 0; i < w->n_sets; i++) {
		const tk_keyset *s = w->sets[i];
		member(w, 2, &df, w->names[i]);
		fputc('{', out);
		int f = 1;
		member(w, 3, &f, "title");
		str(w, s->name);
		member(w, 3, &f, "description");
		str(w, s->doc);
		properties(w, 3, &f, s);
		close_object(w, 2, f);
	}
	close_object(w, 1, df);
	close_object(w, 0, first);
	fputc('\n', out);
	free(w);
	return ferror(out) || fflush(out) != 0 ? -1 : 0;
}
