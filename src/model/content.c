/* content.c - content files: which layout, document metadata, and the named fields
 * (Markdown text or pictures) that the layout's frames show. */
#include "model.h"
#include "units.h"

#include "../paths.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const tk_key image_keys[] = {
	{"image", TK_T_PATH, NULL, NULL, "Picture file (PNG or JPEG), relative to the content "
	 "file.", NULL, 0},
	{"caption", TK_T_TEXT, NULL, NULL, "Caption shown with the picture.", NULL, 0},
	{"credit", TK_T_STRING, NULL, NULL, "Photo credit.", NULL, 0},
	{NULL, 0, NULL, NULL, NULL, NULL, 0},
};
static const tk_keyset image_ks = {"image field", "A picture.", image_keys,
                                   "Markdown text"};

static const tk_key content_keys[] = {
	{"layout", TK_T_STRING, NULL, NULL, "Layout to use: a name in layouts/, or a path (relative to the content file; if there is none there, to the folder trykk runs in).",
	 NULL, 0},
	{"title", TK_T_STRING, NULL, "file name", "Document title (PDF /Title).", NULL, 0},
	{"author", TK_T_STRING, NULL, NULL, "Author or publisher (PDF /Author).", NULL, 0},
	{"subject", TK_T_STRING, NULL, NULL, "Subject (PDF /Subject).", NULL, 0},
	{"size", TK_T_PAPER, NULL, "any", "The trim size this content is written for (A3, "
	 "'420mm x 297mm'); building it with a layout of another size is a preflight "
	 "error.", NULL, 0},
	{"language", TK_T_ENUM, "nb|nn|en", "the layout's", "Language of the text.", NULL, 0},
	{"fields", TK_T_MAPOF, NULL, NULL, "Named texts (Markdown) and pictures ({image: "
	 "file}) that frames show.", &image_ks, 0},
	{"records", TK_T_LIST, NULL, NULL, "Data merge: a list of records (field: text); the "
	 "layout's pages repeat for each.", NULL, TK_T_ANY},
	{"records-csv", TK_T_PATH, NULL, NULL, "Data merge from a CSV file (UTF-8, header row "
	 "with the field names), relative to the content file.", NULL, 0},
	{NULL, 0, NULL, NULL, NULL, NULL, 0},
};
const tk_keyset tk_content_keys = {"content file", "A trykk content file.", content_keys,
                                   NULL};

static int load_csv(tk_reader *r, tk_content *c, const char *path, const tk_loc *at);

/* Directory part of path, with a trailing slash, or "" */
static const char *dir_of(tk_arena *a, const char *path)
{
	const char *s = strrchr(path, '/');
	return s ? tk_arena_strndup(a, path, (size_t)(s - path + 1)) : "";
}

tk_content *tk_content_load(tk_reader *r, const tk_node *root, const char *path)
{
	int errors = tk_diag_errors(r->d);
	tk_check_keys(r, root, &tk_content_keys);
	if (root->kind != TK_NODE_MAP)
		return NULL;
	tk_content *c = TK_NEW(r->a, tk_content);
	c->path = path;
	const tk_node *ln = tk_node_get(root, "layout");
	if (ln && tk_node_string(r, ln, &c->layout) == 1)
		c->layout_loc = ln->loc;
	tk_get_string(r, root, "title", &c->title);
	tk_get_string(r, root, "author", &c->author);
	tk_get_string(r, root, "subject", &c->subject);
	const tk_node *sz = tk_node_get(root, "size");
	if (sz) {
		char err[256];
		if (sz->kind != TK_NODE_SCALAR)
			tk_error(r->d, &sz->loc, "size must be a paper name or 'W x H'");
		else if (tk_parse_paper(sz->str, &c->size_w, &c->size_h, err) < 0)
			tk_error(r->d, &sz->loc, "%s", err);
		else {
			c->size = sz->str;
			c->size_loc = sz->loc;
		}
	}
	int lang;
	if (tk_get_enum(r, root, "language", "nb|nn|en", &lang) == 1)
		c->lang = (const char *[]){"nb", "nn", "en"}[lang];
	const tk_node *fs = tk_node_get(root, "fields");
	if (fs && fs->kind != TK_NODE_MAP) {
		tk_error(r->d, &fs->loc, "fields: expected a mapping of field names to text");
	} else if (fs) {
		const char *dir = dir_of(r->a, path);
		c->n_fields = fs->n;
		c->fields = TK_NEWN(r->a, tk_field, fs->n);
		for (int i = 0; i < fs->n; i++) {
			tk_field *f = &c->fields[i];
			const tk_node *v = fs->items[i];
			f->name = fs->keys[i]->str;
			f->loc = v->loc;
			if (v->kind == TK_NODE_SCALAR) {
				f->text = v->str;
				if (v->block) {
					/* Markdown line 1 is the line after the | */
					f->loc.line++;
					f->loc.col = 1;
				}
			} else if (v->kind == TK_NODE_MAP) {
				tk_check_keys(r, v, &image_ks);
				const tk_node *im = tk_node_get(v, "image");
				const char *p;
				if (!im)
					tk_error(r->d, &v->loc, "field '%s' is a mapping without 'image'",
					         f->name);
				else if (tk_node_string(r, im, &p) == 1) {
					f->image = p[0] == '/' ? p : tk_arena_printf(r->a, "%s%s", dir, p);
					f->image_loc = im->loc;
					tk_paths_check(r->paths, f->image, "picture", r->d, &im->loc);
				}
				tk_get_string(r, v, "caption", &f->caption);
				tk_get_string(r, v, "credit", &f->credit);
			} else {
				tk_error(r->d, &v->loc,
				         "field '%s' must be text or a picture ({image: file.png}), not a "
				         "list",
				         f->name);
			}
		}
	}
	const tk_node *rs = tk_node_get(root, "records");
	const tk_node *csv = tk_node_get(root, "records-csv");
	if (rs && csv)
		tk_error(r->d, &csv->loc, "give either 'records' or 'records-csv', not both");
	else if (rs && rs->kind != TK_NODE_SEQ)
		tk_error(r->d, &rs->loc, "records: expected a list of records (- name: ...)");
	else if (rs && rs->n == 0)
		tk_error(r->d, &rs->loc, "records: the list is empty; a data merge needs at least "
		         "one record");
	else if (rs) {
		c->n_records = rs->n;
		c->records = TK_NEWN(r->a, tk_record, rs->n);
		for (int i = 0; i < rs->n; i++) {
			const tk_node *rn = rs->items[i];
			tk_record *rec = &c->records[i];
			rec->loc = rn->loc;
			if (rn->kind != TK_NODE_MAP) {
				tk_error(r->d, &rn->loc, "record %d: expected fields (name: ...), found %s",
				         i + 1, tk_node_kind_name(rn));
				continue;
			}
			rec->n = rn->n;
			rec->fields = TK_NEWN(r->a, tk_field, rn->n);
			for (int k = 0; k < rn->n; k++) {
				tk_field *f = &rec->fields[k];
				f->name = rn->keys[k]->str;
				f->loc = rn->items[k]->loc;
				if (rn->items[k]->kind != TK_NODE_SCALAR)
					tk_error(r->d, &rn->items[k]->loc, "record %d: field '%s' must be text",
					         i + 1, f->name);
				else
					f->text = rn->items[k]->str;
			}
		}
	} else if (csv) {
		const char *p;
		if (tk_node_string(r, csv, &p) == 1) {
			const char *dir = dir_of(r->a, path);
			const char *full = p[0] == '/' ? p : tk_arena_printf(r->a, "%s%s", dir, p);
			if (tk_paths_check(r->paths, full, "CSV file", r->d, &csv->loc) == 0)
				load_csv(r, c, full, &csv->loc);
		}
	}
	return tk_diag_errors(r->d) > errors ? NULL : c;
}

/* Reads a CSV file (RFC 4180: commas, quotes, doubled quotes, line breaks inside
 * quotes) with a header row into records; every cell keeps its line and column. */
static int load_csv(tk_reader *r, tk_content *c, const char *path, const tk_loc *at)
{
	FILE *fp = fopen(path, "rb");
	if (!fp) {
		tk_error(r->d, at, "cannot read '%s': %s", path, strerror(errno));
		return -1;
	}
	size_t cap = 4096, len = 0;
	char *buf = tk_xmalloc(cap);
	size_t got;
	while ((got = fread(buf + len, 1, cap - len - 1, fp)) > 0) {
		len += got;
		if (len + 1 >= cap) {
			if (cap > 64u * 1024 * 1024) {
				tk_error(r->d, at, "'%s' is larger than 64 MiB", path);
				free(buf);
				fclose(fp);
				return -1;
			}
			cap *= 2;
			buf = tk_xrealloc(buf, cap);
		}
	}
	fclose(fp);
	buf[len] = 0;
	tk_diag_add_source(r->d, path, buf, len);
	size_t i = 0;
	if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0)
		i = 3; /* spreadsheet programs write a BOM */
	int line = 1, col = 1, row = 0, ncols = 0, cap_rows = 0, bad = 0;
	const char **header = NULL;
	int hcap = 0;
	tk_record *recs = NULL;
	/* Cells are unquoted into one scratch buffer, then copied at their own size:
	 * sizing each cell by the rest of the file made a long list quadratic. */
	char *val = tk_xmalloc(len + 1);
	while (i <= len && !bad) {
		/* one row */
		int n = 0, fcap = 8;
		tk_field *cells = TK_NEWN(r->a, tk_field, fcap);
		tk_loc row_loc = {path, line, 1};
		for (;;) {
			tk_loc cell_loc = {path, line, col};
			size_t o = 0;
			if (i < len && buf[i] == '"') {
				i++;
				col++;
				for (;;) {
					if (i >= len) {
						tk_error(r->d, &cell_loc, "unclosed quote in CSV cell");
						bad = 1;
						break;
					}
					if (buf[i] == '"' && buf[i + 1] == '"') {
						val[o++] = '"';
						i += 2;
						col += 2;
					} else if (buf[i] == '"') {
						i++;
						col++;
						/* Spaces may follow the closing quote, nothing else. */
						while (i < len && buf[i] == ' ') {
							i++;
							col++;
						}
						if (i < len && buf[i] != ',' && buf[i] != '\n' && buf[i] != '\r') {
							tk_loc at = {path, line, col};
							tk_error(r->d, &at, "text after the closing quote of a CSV "
							         "cell; quote the whole cell and double any quote "
							         "inside it (\"say \"\"hi\"\"\")");
							bad = 1;
						}
						break;
					} else {
						if (buf[i] == '\n') {
							line++;
							col = 0;
						}
						val[o++] = buf[i++];
						col++;
					}
				}
			} else {
				while (i < len && buf[i] != ',' && buf[i] != '\n' && buf[i] != '\r') {
					val[o++] = buf[i++];
					col++;
				}
			}
			while (o && val[o - 1] == ' ')
				o--;
			if (n == fcap) {
				cells = tk_arena_grow(r->a, cells, (size_t)n, (size_t)fcap * 2, sizeof(tk_field));
				fcap *= 2;
			}
			cells[n++] = (tk_field){.loc = cell_loc, .text = tk_arena_strndup(r->a, val, o)};
			if (i < len && buf[i] == ',') {
				i++;
				col++;
				continue;
			}
			break;
		}
		if (i < len && buf[i] == '\r')
			i++;
		if (i < len && buf[i] == '\n')
			i++;
		else if (i >= len)
			i = len + 1;
		line++;
		col = 1;
		if (bad)
			break;
		if (n == 1 && !cells[0].text[0])
			continue; /* blank line */
		if (row == 0) {
			ncols = n;
			hcap = n;
			header = TK_NEWN(r->a, const char *, hcap);
			for (int k = 0; k < n; k++) {
				header[k] = cells[k].text;
				if (!*header[k]) {
					tk_error(r->d, &cells[k].loc, "empty column name in the CSV header");
					bad = 1;
				}
			}
			row++;
			continue;
		}
		if (n > ncols) {
			tk_error(r->d, &cells[ncols].loc, "row has %d cells, the header names %d columns",
			         n, ncols);
			bad = 1;
			break;
		}
		if (c->n_records == cap_rows) {
			cap_rows = cap_rows ? cap_rows * 2 : 64;
			recs = tk_arena_grow(r->a, recs, (size_t)c->n_records, (size_t)cap_rows,
			                     sizeof(tk_record));
		}
		for (int k = 0; k < n; k++)
			cells[k].name = header[k];
		recs[c->n_records++] = (tk_record){row_loc, n, cells};
		row++;
	}
	free(val);
	free(buf);
	c->records = recs;
	if (!bad && c->n_records == 0) {
		tk_error(r->d, at, "CSV file '%s' has no records (%s); a data merge needs at "
		         "least one row under the header", path, row ? "only a header row" : "empty");
		bad = 1;
	}
	return bad ? -1 : 0;
}

const tk_field *tk_record_field(const tk_record *rec, const char *name)
{
	for (int i = 0; i < rec->n; i++)
		if (strcmp(rec->fields[i].name, name) == 0)
			return &rec->fields[i];
	return NULL;
}

const tk_field *tk_content_field(const tk_content *c, const char *name)
{
	for (int i = 0; i < c->n_fields; i++)
		if (strcmp(c->fields[i].name, name) == 0)
			return &c->fields[i];
	return NULL;
}
