/* content.c - content files: which layout, document metadata, and the named fields
 * (Markdown text or pictures) that the layout's frames show. */
#include "model.h"

#include <stdio.h>
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
	{"layout", TK_T_STRING, NULL, NULL, "Layout to use: a name in layouts/ or a path.",
	 NULL, 0},
	{"title", TK_T_STRING, NULL, "file name", "Document title (PDF /Title).", NULL, 0},
	{"author", TK_T_STRING, NULL, NULL, "Author or publisher (PDF /Author).", NULL, 0},
	{"subject", TK_T_STRING, NULL, NULL, "Subject (PDF /Subject).", NULL, 0},
	{"language", TK_T_ENUM, "nb|nn|en", "the layout's", "Language of the text.", NULL, 0},
	{"fields", TK_T_MAPOF, NULL, NULL, "Named texts (Markdown) and pictures ({image: "
	 "file}) that frames show.", &image_ks, 0},
	{NULL, 0, NULL, NULL, NULL, NULL, 0},
};
const tk_keyset tk_content_keys = {"content file", "A trykk content file.", content_keys,
                                   NULL};

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
				}
			} else {
				tk_error(r->d, &v->loc,
				         "field '%s' must be text or a picture ({image: file.png}), not a "
				         "list",
				         f->name);
			}
		}
	}
	return tk_diag_errors(r->d) > errors ? NULL : c;
}

const tk_field *tk_content_field(const tk_content *c, const char *name)
{
	for (int i = 0; i < c->n_fields; i++)
		if (strcmp(c->fields[i].name, name) == 0)
			return &c->fields[i];
	return NULL;
}
