/* layout.c - layout files: page geometry, print condition, swatches, styles and the
 * frames of each page, read from the YAML tree into a tk_layout.
 *
 * A layout may be designed for one paper size and printed at another: with
 * `design-size: A3` and `size: A2` every designed length (frames, margins, type
 * sizes) is scaled by the ratio of the widths, while bleed, marks and the safe
 * margin, which the press fixes, stay as they are. */
#include "model.h"

#include "units.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#define ALIGNS "left|right|center|justify"

static const tk_key margin_keys[] = {
	{"top", TK_T_LENGTH, NULL, "0", "Top margin.", NULL, 0},
	{"bottom", TK_T_LENGTH, NULL, "0", "Bottom margin.", NULL, 0},
	{"left", TK_T_LENGTH, NULL, "0", "Left margin (inside on a right-hand page).", NULL, 0},
	{"right", TK_T_LENGTH, NULL, "0", "Right margin.", NULL, 0},
	{NULL, 0, NULL, NULL, NULL, NULL, 0},
};
static const tk_keyset margin_ks = {"margin", "Page margins.", margin_keys,
                                    "one length for all four sides"};

static const tk_key grid_keys[] = {
	{"step", TK_T_LENGTH, NULL, NULL, "Distance between grid lines (the body leading).",
	 NULL, 0},
	{"start", TK_T_LENGTH, NULL, "top margin", "First grid line, from the trim's top.",
	 NULL, 0},
	{NULL, 0, NULL, NULL, NULL, NULL, 0},
};
static const tk_keyset grid_ks = {"baseline-grid", "Baseline grid every body line sits on.",
                                  grid_keys, "a length: the step"};

static const tk_key page_keys[] = {
	{"size", TK_T_PAPER, NULL, "A4", "Trim (finished) size: A0-A7, B4, B5, SRA3, SRA4, "
	 "tabloid, letter, businesscard, or '210mm x 297mm'.", NULL, 0},
	{"orientation", TK_T_ENUM, "portrait|landscape", "as the size is written", "Turns the "
	 "size (paper names are portrait).", NULL, 0},
	{"design-size", TK_T_PAPER, NULL, "same as size", "The size the lengths below were "
	 "designed for; other sizes scale them.", NULL, 0},
	{"bleed", TK_T_LENGTH, NULL, "3mm", "Bleed beyond the trim on every side.", NULL, 0},
	{"marks", TK_T_BOOL, NULL, "true", "Crop marks outside the bleed.", NULL, 0},
	{"margin", TK_T_MAP, NULL, "15mm", "Margins inside the trim.", &margin_ks, 0},
	{"safe-margin", TK_T_LENGTH, NULL, "3mm", "Text closer to the trim than this is a "
	 "preflight warning.", NULL, 0},
	{"baseline-grid", TK_T_MAP, NULL, NULL, "Baseline grid for body text.", &grid_ks, 0},
	{"spread", TK_T_BOOL, NULL, "false", "Frames are placed on facing pairs of pages "
	 "(x from the left page's left edge) and may cross the fold.", NULL, 0},
	{"first-number", TK_T_NUMBER, NULL, "1", "Page number ({page}) of the first page, e.g. 8 "
	 "for a newspaper spread on pages 8-9.", NULL, 0},
	{NULL, 0, NULL, NULL, NULL, NULL, 0},
};
static const tk_keyset page_ks = {"page", "Page geometry.", page_keys, NULL};

static const tk_key print_keys[] = {
	{"condition", TK_T_STRING, NULL, "FOGRA39", "Registered print condition for the "
	 "PDF/X output intent.", NULL, 0},
	{"condition-info", TK_T_STRING, NULL, "Coated FOGRA39 (ISO 12647-2:2004)",
	 "Human-readable print condition.", NULL, 0},
	{"profile", TK_T_PATH, NULL, "icc/trykk-FOGRA39L.icc", "CMYK ICC profile (relative to "
	 "the layout file) embedded as the output intent and used to convert RGB pictures.",
	 NULL, 0},
	{NULL, 0, NULL, NULL, NULL, NULL, 0},
};
static const tk_keyset print_ks = {"print", "Print condition.", print_keys, NULL};

static const tk_key pstyle_keys[] = {
	{"based-on", TK_T_STRING, NULL, NULL, "Style this one starts from.", NULL, 0},
	{"font", TK_T_STRING, NULL, "Noto Serif", "Font family from fonts/.", NULL, 0},
	{"weight", TK_T_ENUM, "regular|bold|black|100|200|300|400|500|600|700|800|900",
	 "regular", "Font weight.", NULL, 0},
	{"style", TK_T_ENUM, "normal|italic", "normal", "Upright or italic.", NULL, 0},
	{"size", TK_T_LENGTH, NULL, "10pt", "Type size.", NULL, 0},
	{"leading", TK_T_LENGTH, NULL, "120%", "Baseline to baseline: a length, or a "
	 "percentage of the size.", NULL, 0},
	{"tracking", TK_T_NUMBER, NULL, "0", "Letter spacing in thousandths of an em.", NULL, 0},
	{"color", TK_T_COLOR, NULL, "black", "Text colour.", NULL, 0},
	{"align", TK_T_ENUM, ALIGNS, "left", "Alignment.", NULL, 0},
	{"hyphenate", TK_T_BOOL, NULL, "false", "Norwegian hyphenation (language of the "
	 "layout or content).", NULL, 0},
	{"space-before", TK_T_LENGTH, NULL, "0", "Space above the paragraph.", NULL, 0},
	{"space-after", TK_T_LENGTH, NULL, "0", "Space below the paragraph.", NULL, 0},
	{"indent", TK_T_LENGTH, NULL, "0", "First-line indent.", NULL, 0},
	{"left-indent", TK_T_LENGTH, NULL, "0", "Indent of every line from the left.", NULL, 0},
	{"right-indent", TK_T_LENGTH, NULL, "0", "Indent from the right.", NULL, 0},
	{"keep-with-next", TK_T_BOOL, NULL, "false", "Never break after this paragraph.",
	 NULL, 0},
	{"uppercase", TK_T_BOOL, NULL, "false", "Set in capitals.", NULL, 0},
	{"bullet", TK_T_STRING, NULL, "•", "Marker for list items in this style.", NULL, 0},
	{NULL, 0, NULL, NULL, NULL, NULL, 0},
};
static const tk_keyset pstyle_ks = {"paragraph style", "A paragraph style.", pstyle_keys,
                                    NULL};

static const tk_key cstyle_keys[] = {
	{"font", TK_T_STRING, NULL, NULL, "Font family.", NULL, 0},
	{"weight", TK_T_ENUM, "regular|bold|black|100|200|300|400|500|600|700|800|900", NULL,
	 "Font weight.", NULL, 0},
	{"style", TK_T_ENUM, "normal|italic", NULL, "Upright or italic.", NULL, 0},
	{"size", TK_T_LENGTH, NULL, NULL, "Type size.", NULL, 0},
	{"color", TK_T_COLOR, NULL, NULL, "Text colour.", NULL, 0},
	{"uppercase", TK_T_BOOL, NULL, NULL, "Set in capitals.", NULL, 0},
	{"underline", TK_T_BOOL, NULL, "false", "Underline.", NULL, 0},
	{NULL, 0, NULL, NULL, NULL, NULL, 0},
};
static const tk_keyset cstyle_ks = {"character style", "A character style: emphasis, "
                                    "strong, link or your own.", cstyle_keys, NULL};

static const tk_key fit_keys[] = {
	{"min", TK_T_LENGTH, NULL, NULL, "Smallest type size allowed.", NULL, 0},
	{"max", TK_T_LENGTH, NULL, "style size", "Largest type size tried.", NULL, 0},
	{NULL, 0, NULL, NULL, NULL, NULL, 0},
};
static const tk_keyset fit_ks = {"fit", "Shrink text to fit the frame.", fit_keys, NULL};

static const tk_key frame_keys[] = {
	{"name", TK_T_STRING, NULL, NULL, "Name used in messages and preflight.", NULL, 0},
	{"type", TK_T_ENUM, "text|image|rectangle|line|qr|toc", "text", "What the frame shows "
	 "(toc: a table of contents of the headings).", NULL, 0},
	{"x", TK_T_LENGTH, NULL, "0", "Left edge from the trim's left edge (or % of width).",
	 NULL, 0},
	{"y", TK_T_LENGTH, NULL, "0", "Top edge from the trim's top (or % of height).", NULL, 0},
	{"width", TK_T_LENGTH, NULL, "to the right margin", "Width (or % of page width).",
	 NULL, 0},
	{"height", TK_T_LENGTH, NULL, "to the bottom margin", "Height (or % of page height).",
	 NULL, 0},
	{"right", TK_T_LENGTH, NULL, NULL, "Right edge as distance from the trim's right edge.",
	 NULL, 0},
	{"bottom", TK_T_LENGTH, NULL, NULL, "Bottom edge as distance from the trim's bottom.",
	 NULL, 0},
	{"bleed", TK_T_BOOL, NULL, "false", "Run into the bleed on edges at the trim.", NULL, 0},
	{"content", TK_T_STRING, NULL, NULL, "Name of the content field shown.", NULL, 0},
	{"text", TK_T_TEXT, NULL, NULL, "Fixed text; {field} is replaced by a field.", NULL, 0},
	{"markdown", TK_T_BOOL, NULL, "true", "Read the text as Markdown.", NULL, 0},
	{"style", TK_T_STRING, NULL, "body", "Paragraph style.", NULL, 0},
	{"fill", TK_T_COLOR, NULL, "none", "Background colour.", NULL, 0},
	{"stroke", TK_T_COLOR, NULL, "none", "Outline colour.", NULL, 0},
	{"stroke-width", TK_T_LENGTH, NULL, "0.5pt", "Outline width.", NULL, 0},
	{"padding", TK_T_LENGTH, NULL, "0", "Inset of the text from the frame's edges.", NULL, 0},
	{"align-vertical", TK_T_ENUM, "top|middle|bottom", "top", "Vertical alignment.", NULL,
	 0},
	{"fit", TK_T_MAP, NULL, NULL, "Shrink the text between max and min size to fit.",
	 &fit_ks, 0},
	{"image-fit", TK_T_ENUM, "fill|fit", "fill", "fill crops to cover the frame; fit "
	 "shows all of the picture.", NULL, 0},
	{"rotate", TK_T_NUMBER, NULL, "0", "Rotation in degrees (text frames).", NULL, 0},
	{"columns", TK_T_NUMBER, NULL, "1", "Text columns.", NULL, 0},
	{"gutter", TK_T_LENGTH, NULL, "5mm", "Space between columns.", NULL, 0},
	{"flow", TK_T_BOOL, NULL, "false", "On a master: this frame receives the story that "
	 "flows through the pages.", NULL, 0},
	{"wrap", TK_T_BOOL, NULL, "false", "Flowing text wraps around this frame.", NULL, 0},
	{"wrap-gap", TK_T_LENGTH, NULL, "4mm", "Space between this frame and wrapped text.",
	 NULL, 0},
	{"levels", TK_T_NUMBER, NULL, "2", "toc frames: heading levels listed.", NULL, 0},
	{NULL, 0, NULL, NULL, NULL, NULL, 0},
};
static const tk_keyset frame_ks = {"frame", "A frame on the page.", frame_keys, NULL};

static const tk_key pagespec_keys[] = {
	{"name", TK_T_STRING, NULL, NULL, "Name of the page.", NULL, 0},
	{"frames", TK_T_LIST, NULL, NULL, "Frames, drawn in order (later on top).", &frame_ks,
	 0},
	{"master", TK_T_STRING, NULL, NULL, "Master page whose frames come first.", NULL, 0},
	{"flow", TK_T_STRING, NULL, NULL, "Content field (a story) set on pages made from the "
	 "master, as many as it needs.", NULL, 0},
	{"last", TK_T_BOOL, NULL, "false", "Put this page at the very end, after padding "
	 "(a back cover).", NULL, 0},
	{"folio", TK_T_BOOL, NULL, "true", "Show the page number ({page}) on this page.", NULL,
	 0},
	{NULL, 0, NULL, NULL, NULL, NULL, 0},
};
static const tk_keyset pagespec_ks = {"page template", "A page and its frames.",
                                      pagespec_keys, NULL};

static const tk_key side_keys[] = {
	{"frames", TK_T_LIST, NULL, NULL, "Frames of this side.", &frame_ks, 0},
	{NULL, 0, NULL, NULL, NULL, NULL, 0},
};
static const tk_keyset side_ks = {"master side", "Frames of a left or right master page.",
                                  side_keys, NULL};

static const tk_key master_keys[] = {
	{"frames", TK_T_LIST, NULL, NULL, "Frames on both left and right pages.", &frame_ks, 0},
	{"left", TK_T_MAP, NULL, NULL, "Frames of left (even) pages.", &side_ks, 0},
	{"right", TK_T_MAP, NULL, NULL, "Frames of right (odd) pages.", &side_ks, 0},
	{NULL, 0, NULL, NULL, NULL, NULL, 0},
};
static const tk_keyset master_ks = {"master", "A master page.", master_keys, NULL};



static const tk_key pad_keys[] = {
	{"multiple", TK_T_NUMBER, NULL, "4", "Round the page count up to a multiple of this.",
	 NULL, 0},
	{"master", TK_T_STRING, NULL, NULL, "Master for the added pages (blank when absent).",
	 NULL, 0},
	{NULL, 0, NULL, NULL, NULL, NULL, 0},
};
static const tk_keyset pad_ks = {"pad", "Padding of the page count.", pad_keys, NULL};

static const tk_key impose_keys[] = {
	{"method", TK_T_ENUM, "none|saddle-stitch|n-up", "none", "How pages go on press sheets.",
	 NULL, 0},
	{"sheet", TK_T_PAPER, NULL, "A4 (saddle) / SRA3 (n-up)", "Press sheet size.", NULL, 0},
	{"orientation", TK_T_ENUM, "portrait|landscape", "landscape (saddle), portrait (n-up)",
	 "Press sheet orientation.", NULL, 0},
	{"creep", TK_T_LENGTH, NULL, "0", "Saddle stitch: shift toward the spine per sheet.",
	 NULL, 0},
	{"gap", TK_T_LENGTH, NULL, "2 x bleed", "n-up: space between cards.", NULL, 0},
	{NULL, 0, NULL, NULL, NULL, NULL, 0},
};
static const tk_keyset impose_ks = {"impose", "Imposition on press sheets.", impose_keys,
                                    NULL};

static const tk_key merge_keys[] = {
	{"required", TK_T_LIST, NULL, NULL, "Fields every record must have.", NULL, TK_T_STRING},
	{"email", TK_T_LIST, NULL, NULL, "Fields that must be e-mail addresses.", NULL,
	 TK_T_STRING},
	{"phone", TK_T_LIST, NULL, NULL, "Fields that must be phone numbers.", NULL, TK_T_STRING},
	{"label", TK_T_STRING, NULL, "first required field", "Field that names a record in "
	 "messages.", NULL, 0},
	{NULL, 0, NULL, NULL, NULL, NULL, 0},
};
static const tk_keyset merge_ks = {"merge", "Data merge checks.", merge_keys, NULL};

static int string_list(tk_reader *r, const tk_node *map, const char *key, const char ***out)
{
	const tk_node *n = tk_node_get(map, key);
	if (!n)
		return 0;
	if (n->kind != TK_NODE_SEQ) {
		tk_error(r->d, &n->loc, "%s: expected a list of field names", key);
		return 0;
	}
	*out = TK_NEWN(r->a, const char *, n->n);
	int k = 0;
	for (int i = 0; i < n->n; i++)
		if (tk_node_string(r, n->items[i], &(*out)[k]) == 1)
			k++;
	return k;
}

static const tk_key layout_keys[] = {
	{"name", TK_T_STRING, NULL, "file name", "Name of the layout.", NULL, 0},
	{"description", TK_T_STRING, NULL, NULL, "What the layout is for.", NULL, 0},
	{"page", TK_T_MAP, NULL, NULL, "Page geometry.", &page_ks, 0},
	{"language", TK_T_ENUM, "nb|nn|en", "nb", "Language for hyphenation.", NULL, 0},
	{"print", TK_T_MAP, NULL, NULL, "Print condition and ICC profile.", &print_ks, 0},
	{"swatches", TK_T_MAPOF, NULL, NULL, "Named CMYK colours: name: [C, M, Y, K].", NULL,
	 TK_T_COLOR},
	{"paragraph-styles", TK_T_MAPOF, NULL, NULL, "Paragraph styles by name.", &pstyle_ks,
	 0},
	{"character-styles", TK_T_MAPOF, NULL, NULL, "Character styles by name.", &cstyle_ks,
	 0},
	{"pages", TK_T_LIST, NULL, NULL, "The pages, each with its frames.", &pagespec_ks, 0},
	{"masters", TK_T_MAPOF, NULL, NULL, "Master pages by name.", &master_ks, 0},
	{"widows", TK_T_NUMBER, NULL, "2", "Least lines of a paragraph at the top of a column.",
	 NULL, 0},
	{"orphans", TK_T_NUMBER, NULL, "2", "Least lines of a paragraph at the foot of a "
	 "column.", NULL, 0},
	{"pad", TK_T_MAP, NULL, NULL, "Round the page count up (4 for saddle stitch).", &pad_ks,
	 0},
	{"impose", TK_T_MAP, NULL, NULL, "Press sheets: saddle-stitch or n-up.", &impose_ks, 0},
	{"merge", TK_T_MAP, NULL, NULL, "Data merge: checks on every record.", &merge_ks, 0},
	{NULL, 0, NULL, NULL, NULL, NULL, 0},
};
const tk_keyset tk_layout_keys = {"layout", "A trykk layout file.", layout_keys, NULL};

static int family_known(tk_reader *r, const tk_node *n, const char *const *fam, int nf)
{
	for (int i = 0; i < nf; i++)
		if (strcasecmp(fam[i], n->str) == 0)
			return 1;
	const char *s = tk_diag_suggest(n->str, fam, nf);
	char list[512] = "";
	for (int i = 0; i < nf; i++) {
		if (i)
			strncat(list, ", ", sizeof list - strlen(list) - 1);
		strncat(list, fam[i], sizeof list - strlen(list) - 1);
	}
	if (s)
		tk_error(r->d, &n->loc, "unknown font '%s' (did you mean '%s'?)", n->str, s);
	else
		tk_error(r->d, &n->loc, "unknown font '%s'; the fonts in fonts/ are: %s", n->str,
		         list);
	return 0;
}

static int weight_of(int idx)
{
	static const int w[] = {400, 700, 900, 100, 200, 300, 400, 500, 600, 700, 800, 900};
	return w[idx];
}

typedef struct {
	const tk_node *node;
	const char *name;
	int state; /* 0 todo, 1 resolving, 2 done */
} style_src;

/* Resolves a paragraph style and its based-on chain (cycles are errors). */
static int resolve_pstyle(tk_reader *r, tk_layout *l, style_src *src, int i,
                          const char *const *fam, int nf)
{
	tk_pstyle *s = &l->pstyles[i];
	if (src[i].state == 2)
		return 0;
	if (src[i].state == 1) {
		tk_error(r->d, &src[i].node->loc, "paragraph style '%s' is based on itself",
		         src[i].name);
		return -1;
	}
	src[i].state = 1;
	const tk_node *n = src[i].node;
	const char *base = NULL;
	/* Defaults: a plain, readable body face. */
	*s = (tk_pstyle){.name = src[i].name, .loc = n->loc, .font = "Noto Serif", .weight = 400,
	                 .size = 10 * (r->scale > 0 ? r->scale : 1), .color = {0, 0, 0, 1},
	                 .bullet = "•"};
	int rc = tk_get_string(r, n, "based-on", &base);
	if (rc == 1) {
		int j;
		for (j = 0; j < l->n_pstyles; j++)
			if (strcmp(src[j].name, base) == 0)
				break;
		if (j == l->n_pstyles) {
			const char *cand[256];
			int nc = 0;
			for (int k = 0; k < l->n_pstyles && nc < 256; k++)
				cand[nc++] = src[k].name;
			const char *sug = tk_diag_suggest(base, cand, nc);
			tk_error(r->d, &tk_node_get(n, "based-on")->loc,
			         "unknown paragraph style '%s'%s%s%s", base, sug ? " (did you mean '" : "",
			         sug ? sug : "", sug ? "'?)" : "");
		} else if (resolve_pstyle(r, l, src, j, fam, nf) == 0) {
			const char *name = s->name;
			tk_loc loc = s->loc;
			*s = l->pstyles[j];
			s->name = name;
			s->loc = loc;
		}
	}
	double had_size = s->size, had_leading = s->leading;
	const tk_node *f = tk_node_get(n, "font");
	if (f && tk_node_string(r, f, &s->font) == 1 && !family_known(r, f, fam, nf))
		s->font = "Noto Serif";
	int idx;
	if (tk_get_enum(r, n, "weight", pstyle_keys[2].values, &idx) == 1)
		s->weight = weight_of(idx);
	if (tk_get_enum(r, n, "style", "normal|italic", &idx) == 1)
		s->italic = idx;
	tk_get_length(r, n, "size", &s->size, -1, 0, 1);
	if (tk_node_get(n, "size") && s->size < 1) {
		tk_error(r->d, &tk_node_get(n, "size")->loc, "type size must be at least 1pt");
		s->size = 10;
	}
	if (tk_get_length(r, n, "leading", &s->leading, s->size, 0, 1) != 1) {
		/* Leading follows the size when only the size changed (or was never set). */
		if (!had_leading || s->size != had_size)
			s->leading = had_leading && had_size ? had_leading * s->size / had_size
			                                     : s->size * 1.2;
	}
	tk_get_number(r, n, "tracking", &s->tracking, -500, 2000);
	tk_get_color(r, n, "color", &s->color, NULL);
	if (tk_get_enum(r, n, "align", ALIGNS, &idx) == 1)
		s->align = (tk_align)idx;
	tk_get_bool(r, n, "hyphenate", &s->hyphenate);
	tk_get_length(r, n, "space-before", &s->space_before, -1, 0, 1);
	tk_get_length(r, n, "space-after", &s->space_after, -1, 0, 1);
	tk_get_length(r, n, "indent", &s->indent, -1, 1, 1);
	tk_get_length(r, n, "left-indent", &s->left_indent, -1, 0, 1);
	tk_get_length(r, n, "right-indent", &s->right_indent, -1, 0, 1);
	tk_get_bool(r, n, "keep-with-next", &s->keep_with_next);
	tk_get_bool(r, n, "uppercase", &s->uppercase);
	tk_get_string(r, n, "bullet", &s->bullet);
	src[i].state = 2;
	return 0;
}

static void load_cstyle(tk_reader *r, tk_cstyle *s, const char *name, const tk_node *n,
                        const char *const *fam, int nf)
{
	*s = (tk_cstyle){.name = name, .loc = n->loc};
	const tk_node *f = tk_node_get(n, "font");
	if (f && tk_node_string(r, f, &s->font) == 1 && !family_known(r, f, fam, nf))
		s->font = NULL;
	int idx;
	if (tk_get_enum(r, n, "weight", cstyle_keys[1].values, &idx) == 1)
		s->weight = weight_of(idx);
	if (tk_get_enum(r, n, "style", "normal|italic", &idx) == 1) {
		s->italic = idx;
		s->has_italic = 1;
	}
	tk_get_length(r, n, "size", &s->size, -1, 0, 1);
	if (tk_get_color(r, n, "color", &s->color, NULL) == 1)
		s->has_color = 1;
	if (tk_get_bool(r, n, "uppercase", &s->uppercase) == 1)
		s->has_uppercase = 1;
	tk_get_bool(r, n, "underline", &s->underline);
}

static void load_frame(tk_reader *r, tk_layout *l, tk_frame *f, const tk_node *n, int index)
{
	tk_check_keys(r, n, &frame_ks);
	*f = (tk_frame){.loc = n->loc, .markdown = 1, .stroke_width = 0.5, .columns = 1,
	                .gutter = 5 * TK_MM * l->scale};
	int kind = 0;
	tk_get_enum(r, n, "type", "text|image|rectangle|line|qr|toc", &kind);
	f->kind = (tk_frame_kind)kind;
	if (tk_get_string(r, n, "name", &f->name) != 1)
		f->name = tk_arena_printf(r->a, "frame %d", index + 1);
	double W = l->w, H = l->h;
	/* Default box: the type area inside the margins. */
	f->r = (tk_rect){l->margin[3], l->margin[0], W - l->margin[1] - l->margin[3],
	                 H - l->margin[0] - l->margin[2]};
	double right = -1, bottom = -1;
	int hx = tk_get_length(r, n, "x", &f->r.x, W, 1, 1) == 1;
	int hy = tk_get_length(r, n, "y", &f->r.y, H, 1, 1) == 1;
	int hw = tk_get_length(r, n, "width", &f->r.w, W, 0, 1) == 1;
	int hh = tk_get_length(r, n, "height", &f->r.h, H, 0, 1) == 1;
	int hr = tk_get_length(r, n, "right", &right, W, 1, 1) == 1;
	int hb = tk_get_length(r, n, "bottom", &bottom, H, 1, 1) == 1;
	if (hr) {
		if (hw && !hx)
			f->r.x = W - right - f->r.w;
		else
			f->r.w = W - right - f->r.x;
	} else if (hx && !hw) {
		f->r.w = W - l->margin[1] - f->r.x;
	}
	if (hb) {
		if (hh && !hy)
			f->r.y = H - bottom - f->r.h;
		else
			f->r.h = H - bottom - f->r.y;
	} else if (hy && !hh) {
		f->r.h = H - l->margin[2] - f->r.y;
	}
	if (f->kind != TK_FRAME_LINE && (f->r.w <= 0 || f->r.h <= 0))
		tk_error(r->d, &n->loc, "frame '%s' has no area (%.1f x %.1f mm)", f->name,
		         f->r.w / TK_MM, f->r.h / TK_MM);
	tk_get_bool(r, n, "bleed", &f->bleed);
	tk_get_string(r, n, "content", &f->content);
	const tk_node *t = tk_node_get(n, "text");
	if (t && tk_node_string(r, t, &f->text) == 1)
		f->text_loc = t->loc;
	tk_get_bool(r, n, "markdown", &f->markdown);
	f->style = "body";
	const tk_node *st = tk_node_get(n, "style");
	if (st && tk_node_string(r, st, &f->style) == 1) {
		if (!tk_layout_pstyle(l, f->style)) {
			const char *cand[256];
			int nc = 0;
			for (int k = 0; k < l->n_pstyles && nc < 256; k++)
				cand[nc++] = l->pstyles[k].name;
			const char *sug = tk_diag_suggest(f->style, cand, nc);
			tk_error(r->d, &st->loc, "unknown paragraph style '%s'%s%s%s", f->style,
			         sug ? " (did you mean '" : "", sug ? sug : "", sug ? "'?)" : "");
		}
	}
	f->pstyle = tk_layout_pstyle(l, f->style);
	int none = 0;
	if (tk_get_color(r, n, "fill", &f->fill, &none) == 1 && !none)
		f->has_fill = 1;
	if (tk_get_color(r, n, "stroke", &f->stroke, &none) == 1 && !none)
		f->has_stroke = 1;
	tk_get_length(r, n, "stroke-width", &f->stroke_width, -1, 0, 1);
	tk_get_length(r, n, "padding", &f->padding, -1, 0, 1);
	int v = 0;
	if (tk_get_enum(r, n, "align-vertical", "top|middle|bottom", &v) == 1)
		f->valign = (tk_valign)v;
	const tk_node *fit = tk_node_get(n, "fit");
	if (fit) {
		tk_check_keys(r, fit, &fit_ks);
		f->fit_max = f->pstyle ? f->pstyle->size : 10;
		tk_get_length(r, fit, "max", &f->fit_max, -1, 0, 1);
		if (tk_get_length(r, fit, "min", &f->fit_min, -1, 0, 1) != 1)
			f->fit_min = f->fit_max / 2;
		if (f->fit_min < 1 || f->fit_min > f->fit_max)
			tk_error(r->d, &fit->loc, "fit: min must be at least 1pt and at most max");
	}
	if (tk_get_enum(r, n, "image-fit", "fill|fit", &v) == 1)
		f->image_fit = v;
	tk_get_number(r, n, "rotate", &f->rotate, -360, 360);
	tk_get_int(r, n, "columns", &f->columns, 1, 20);
	tk_get_length(r, n, "gutter", &f->gutter, -1, 0, 1);
	tk_get_bool(r, n, "flow", &f->flow);
	tk_get_bool(r, n, "wrap", &f->wrap);
	f->wrap_gap = 4 * TK_MM * l->scale;
	tk_get_length(r, n, "wrap-gap", &f->wrap_gap, -1, 0, 1);
	f->toc_levels = 2;
	tk_get_int(r, n, "levels", &f->toc_levels, 1, 6);
	if (f->kind == TK_FRAME_TEXT && !f->content && !f->text && !f->flow)
		tk_error(r->d, &n->loc, "text frame '%s' needs 'content' (a field) or 'text'",
		         f->name);
	if ((f->kind == TK_FRAME_IMAGE || f->kind == TK_FRAME_QR) && !f->content && !f->text)
		tk_error(r->d, &n->loc, "%s frame '%s' needs 'content' naming a field",
		         f->kind == TK_FRAME_QR ? "qr" : "image", f->name);
}

static void load_frames(tk_reader *r, tk_layout *l, tk_pagespec *sp, const tk_node *fr)
{
	if (!fr)
		return;
	if (fr->kind != TK_NODE_SEQ) {
		tk_error(r->d, &fr->loc, "frames: expected a list of frames");
		return;
	}
	sp->n_frames = fr->n;
	sp->frames = TK_NEWN(r->a, tk_frame, fr->n);
	for (int j = 0; j < fr->n; j++)
		load_frame(r, l, &sp->frames[j], fr->items[j], j);
}

static void unknown_master(tk_reader *r, const tk_layout *l, const tk_node *n)
{
	const char *cand[64];
	int nc = 0;
	for (int i = 0; i < l->n_masters && nc < 64; i++)
		cand[nc++] = l->masters[i].name;
	const char *sug = tk_diag_suggest(n->str, cand, nc);
	tk_error(r->d, &n->loc, "unknown master '%s'%s%s%s", n->str, sug ? " (did you mean '" : "",
	         sug ? sug : "", sug ? "'?)" : "");
}

tk_layout *tk_layout_load(tk_reader *r, const tk_node *root, const char *path,
                          const char *const *fam, int nf)
{
	int errors = tk_diag_errors(r->d);
	tk_check_keys(r, root, &tk_layout_keys);
	if (root->kind != TK_NODE_MAP)
		return NULL;
	tk_layout *l = TK_NEW(r->a, tk_layout);
	l->path = path;
	l->loc = root->loc;
	l->scale = 1;
	l->lang = "nb";
	l->condition = "FOGRA39";
	l->condition_info = "Coated FOGRA39 (ISO 12647-2:2004)";
	if (tk_get_string(r, root, "name", &l->name) != 1)
		l->name = path;

	/* Page geometry first: percentages and scaling depend on it. */
	const tk_node *pg = tk_node_get(root, "page");
	char err[160];
	l->w = 210 * TK_MM;
	l->h = 297 * TK_MM;
	l->bleed = 3 * TK_MM;
	l->marks = 1;
	l->safe = 3 * TK_MM;
	double dw = 0, dh = 0;
	if (!pg) {
		tk_error(r->d, &root->loc, "layout has no 'page' (with at least its size)");
	} else if ((tk_check_keys(r, pg, &page_ks), pg->kind == TK_NODE_MAP)) {
		const tk_node *sz = tk_node_get(pg, "size");
		if (!sz)
			tk_error(r->d, &pg->loc, "page has no 'size' (e.g. size: A3)");
		else if (sz->kind != TK_NODE_SCALAR ||
		         tk_parse_paper(sz->str, &l->w, &l->h, err) < 0)
			tk_error(r->d, &sz->loc, "%s",
			         sz->kind == TK_NODE_SCALAR ? err : "size must be a paper name or 'W x H'");
		/* Paper names are portrait; "W x H" is taken as written. orientation turns
		 * either when given. */
		int orient = 0;
		int has_orient = tk_get_enum(r, pg, "orientation", "portrait|landscape", &orient) == 1;
		if (has_orient && (orient == 1) != (l->w > l->h)) {
			double t = l->w;
			l->w = l->h;
			l->h = t;
		}
		if (l->w < 10 * TK_MM || l->h < 10 * TK_MM || l->w > 5000 * TK_MM ||
		    l->h > 5000 * TK_MM)
			tk_error(r->d, sz ? &sz->loc : &pg->loc,
			         "page size %.0f x %.0f mm is outside 10 mm to 5 m", l->w / TK_MM,
			         l->h / TK_MM);
		const tk_node *ds = tk_node_get(pg, "design-size");
		if (ds) {
			if (ds->kind != TK_NODE_SCALAR || tk_parse_paper(ds->str, &dw, &dh, err) < 0)
				tk_error(r->d, &ds->loc, "%s",
				         ds->kind == TK_NODE_SCALAR ? err : "design-size must be a paper name");
			else if (dw < 10 * TK_MM || dh < 10 * TK_MM || dw > 5000 * TK_MM || dh > 5000 * TK_MM)
				tk_error(r->d, &ds->loc, "design-size %.0f x %.0f mm is outside 10 mm to 5 m",
				         dw / TK_MM, dh / TK_MM);
			else {
				if (has_orient && (orient == 1) != (dw > dh)) {
					double t = dw;
					dw = dh;
					dh = t;
				}
				l->scale = l->w / dw;
				if (fabs(l->h / dh - l->scale) > 0.02 * l->scale)
					tk_warn(r->d, &ds->loc,
					        "size and design-size have different proportions; the design "
					        "is scaled by the width");
			}
		}
		r->scale = l->scale;
		tk_get_length(r, pg, "bleed", &l->bleed, -1, 0, 0);
		if (l->bleed > 20 * TK_MM)
			tk_error(r->d, &tk_node_get(pg, "bleed")->loc, "bleed of more than 20 mm is not "
			         "a bleed (3 mm is usual)");
		tk_get_bool(r, pg, "marks", &l->marks);
		tk_get_bool(r, pg, "spread", &l->spread);
		l->first_number = 1;
		tk_get_int(r, pg, "first-number", &l->first_number, -100000, 100000);
		tk_get_length(r, pg, "safe-margin", &l->safe, -1, 0, 0);
		double m = 15 * TK_MM * l->scale;
		for (int i = 0; i < 4; i++)
			l->margin[i] = m;
		const tk_node *mg = tk_node_get(pg, "margin");
		if (mg && mg->kind == TK_NODE_SCALAR) {
			if (tk_node_length(r, mg, &m, -1, 0, 1) == 1)
				for (int i = 0; i < 4; i++)
					l->margin[i] = m;
		} else if (mg && (tk_check_keys(r, mg, &margin_ks), mg->kind == TK_NODE_MAP)) {
			static const char *side[] = {"top", "right", "bottom", "left"};
			for (int i = 0; i < 4; i++)
				tk_get_length(r, mg, side[i], &l->margin[i], -1, 0, 1);
		}
	}
	const tk_node *gr = pg ? tk_node_get(pg, "baseline-grid") : NULL;
	if (gr && gr->kind == TK_NODE_SCALAR) {
		tk_node_length(r, gr, &l->grid_step, -1, 0, 1);
		l->grid_start = l->margin[0];
	} else if (gr && (tk_check_keys(r, gr, &grid_ks), gr->kind == TK_NODE_MAP)) {
		l->grid_start = l->margin[0];
		if (tk_get_length(r, gr, "step", &l->grid_step, -1, 0, 1) != 1)
			tk_error(r->d, &gr->loc, "baseline-grid needs a step (the body leading)");
		tk_get_length(r, gr, "start", &l->grid_start, -1, 0, 1);
	}
	if (gr && l->grid_step > 0 && l->grid_step < 2)
		tk_error(r->d, &gr->loc, "baseline-grid step is too small");
	/* Crop marks: 5 mm long, starting at the bleed edge; the slug leaves room. */
	l->slug = l->marks ? 8 * TK_MM : 0;

	int lang = 0;
	if (tk_get_enum(r, root, "language", "nb|nn|en", &lang) == 1)
		l->lang = (const char *[]){"nb", "nn", "en"}[lang];

	const tk_node *pr = tk_node_get(root, "print");
	if (pr && (tk_check_keys(r, pr, &print_ks), pr->kind == TK_NODE_MAP)) {
		tk_get_string(r, pr, "condition", &l->condition);
		tk_get_string(r, pr, "condition-info", &l->condition_info);
		if (tk_get_string(r, pr, "profile", &l->profile) == 1)
			l->profile_loc = tk_node_get(pr, "profile")->loc;
	}

	const tk_node *sw = tk_node_get(root, "swatches");
	if (sw && sw->kind != TK_NODE_MAP) {
		tk_error(r->d, &sw->loc, "swatches: expected a mapping of name: [C, M, Y, K]");
	} else if (sw) {
		l->n_swatches = sw->n;
		l->swatch_names = TK_NEWN(r->a, const char *, sw->n);
		l->swatches = TK_NEWN(r->a, tk_cmyk, sw->n);
		l->swatch_locs = TK_NEWN(r->a, tk_loc, sw->n);
		/* Swatches may name earlier swatches. */
		for (int i = 0; i < sw->n; i++) {
			r->n_swatches = i;
			r->swatch_names = l->swatch_names;
			r->swatches = l->swatches;
			l->swatch_names[i] = sw->keys[i]->str;
			l->swatch_locs[i] = sw->keys[i]->loc;
			tk_node_color(r, sw->items[i], &l->swatches[i], NULL);
		}
		r->n_swatches = l->n_swatches;
	}

	const tk_node *ps = tk_node_get(root, "paragraph-styles");
	if (ps && ps->kind != TK_NODE_MAP)
		tk_error(r->d, &ps->loc, "paragraph-styles: expected a mapping of style names");
	else if (ps) {
		l->n_pstyles = ps->n;
		l->pstyles = TK_NEWN(r->a, tk_pstyle, ps->n);
		style_src *src = TK_NEWN(r->a, style_src, ps->n);
		for (int i = 0; i < ps->n; i++) {
			src[i].node = ps->items[i];
			src[i].name = ps->keys[i]->str;
			tk_check_keys(r, ps->items[i], &pstyle_ks);
		}
		for (int i = 0; i < ps->n; i++)
			if (ps->items[i]->kind == TK_NODE_MAP)
				resolve_pstyle(r, l, src, i, fam, nf);
	}
	if (!tk_layout_pstyle(l, "body")) {
		/* Every layout has a body style, so frames without a style work. */
		tk_pstyle *np = TK_NEWN(r->a, tk_pstyle, l->n_pstyles + 1);
		if (l->n_pstyles)
			memcpy(np, l->pstyles, sizeof(tk_pstyle) * (size_t)l->n_pstyles);
		np[l->n_pstyles] = (tk_pstyle){.name = "body", .font = "Noto Serif", .weight = 400,
		                               .size = 10 * l->scale, .leading = 12 * l->scale,
		                               .color = {0, 0, 0, 1}, .bullet = "•"};
		l->pstyles = np;
		l->n_pstyles++;
	}

	const tk_node *cs = tk_node_get(root, "character-styles");
	if (cs && cs->kind != TK_NODE_MAP)
		tk_error(r->d, &cs->loc, "character-styles: expected a mapping of style names");
	else if (cs) {
		l->n_cstyles = cs->n;
		l->cstyles = TK_NEWN(r->a, tk_cstyle, cs->n);
		for (int i = 0; i < cs->n; i++) {
			tk_check_keys(r, cs->items[i], &cstyle_ks);
			if (cs->items[i]->kind == TK_NODE_MAP)
				load_cstyle(r, &l->cstyles[i], cs->keys[i]->str, cs->items[i], fam, nf);
		}
	}

	const tk_node *ms = tk_node_get(root, "masters");
	if (ms && ms->kind != TK_NODE_MAP)
		tk_error(r->d, &ms->loc, "masters: expected a mapping of master names");
	else if (ms) {
		l->n_masters = ms->n;
		l->masters = TK_NEWN(r->a, tk_master, ms->n);
		for (int i = 0; i < ms->n; i++) {
			tk_master *m = &l->masters[i];
			const tk_node *mn = ms->items[i];
			m->name = ms->keys[i]->str;
			m->loc = mn->loc;
			if ((tk_check_keys(r, mn, &master_ks), mn->kind != TK_NODE_MAP))
				continue;
			const tk_node *both = tk_node_get(mn, "frames");
			const tk_node *left = tk_node_get(mn, "left");
			const tk_node *right = tk_node_get(mn, "right");
			if (left)
				tk_check_keys(r, left, &side_ks);
			if (right)
				tk_check_keys(r, right, &side_ks);
			load_frames(r, l, &m->left, left ? tk_node_get(left, "frames") : both);
			load_frames(r, l, &m->right, right ? tk_node_get(right, "frames") : both);
			m->left.name = tk_arena_printf(r->a, "%s (left)", m->name);
			m->right.name = tk_arena_printf(r->a, "%s (right)", m->name);
			m->left.loc = m->right.loc = mn->loc;
			m->left.folio = m->right.folio = 1;
		}
	}

	const tk_node *pages = tk_node_get(root, "pages");
	if (!pages)
		tk_error(r->d, &root->loc, "layout has no 'pages' (a list of pages with frames)");
	else if (pages->kind != TK_NODE_SEQ)
		tk_error(r->d, &pages->loc, "pages: expected a list of pages");
	else {
		l->n_pages = pages->n;
		l->pages = TK_NEWN(r->a, tk_pagespec, pages->n);
		for (int i = 0; i < pages->n; i++) {
			const tk_node *p = pages->items[i];
			tk_pagespec *sp = &l->pages[i];
			sp->loc = p->loc;
			sp->folio = 1;
			if ((tk_check_keys(r, p, &pagespec_ks), p->kind != TK_NODE_MAP))
				continue;
			if (tk_get_string(r, p, "name", &sp->name) != 1)
				sp->name = tk_arena_printf(r->a, "page %d", i + 1);
			const tk_node *mn = tk_node_get(p, "master");
			if (mn && tk_node_string(r, mn, &sp->master) == 1 &&
			    !tk_layout_master(l, sp->master))
				unknown_master(r, l, mn);
			tk_get_string(r, p, "flow", &sp->flow);
			if (sp->flow && !sp->master)
				tk_error(r->d, &p->loc, "a flow needs a master with a frame that has "
				         "'flow: true'");
			tk_get_bool(r, p, "last", &sp->last);
			tk_get_bool(r, p, "folio", &sp->folio);
			load_frames(r, l, sp, tk_node_get(p, "frames"));
		}
	}

	l->widows = l->orphans = 2;
	tk_get_int(r, root, "widows", &l->widows, 1, 10);
	tk_get_int(r, root, "orphans", &l->orphans, 1, 10);

	const tk_node *pad = tk_node_get(root, "pad");
	if (pad && (tk_check_keys(r, pad, &pad_ks), pad->kind == TK_NODE_MAP)) {
		l->pad_multiple = 4;
		tk_get_int(r, pad, "multiple", &l->pad_multiple, 1, 64);
		const tk_node *pm = tk_node_get(pad, "master");
		if (pm && tk_node_string(r, pm, &l->pad_master) == 1 &&
		    !tk_layout_master(l, l->pad_master))
			unknown_master(r, l, pm);
	}

	const tk_node *im = tk_node_get(root, "impose");
	if (im && (tk_check_keys(r, im, &impose_ks), im->kind == TK_NODE_MAP)) {
		int method = 0;
		l->impose_loc = im->loc;
		tk_get_enum(r, im, "method", "none|saddle-stitch|n-up", &method);
		l->impose = (tk_impose_method)method;
		if (l->impose == TK_IMPOSE_SADDLE) {
			l->sheet_w = 297 * TK_MM;
			l->sheet_h = 210 * TK_MM;
		} else {
			l->sheet_w = 320 * TK_MM;
			l->sheet_h = 450 * TK_MM;
		}
		const tk_node *sh = tk_node_get(im, "sheet");
		if (sh && (sh->kind != TK_NODE_SCALAR ||
		           tk_parse_paper(sh->str, &l->sheet_w, &l->sheet_h, err) < 0))
			tk_error(r->d, &sh->loc, "%s", sh->kind == TK_NODE_SCALAR ? err : "sheet: a size");
		int orient = l->impose == TK_IMPOSE_SADDLE;
		tk_get_enum(r, im, "orientation", "portrait|landscape", &orient);
		if ((orient == 1) != (l->sheet_w > l->sheet_h)) {
			double t = l->sheet_w;
			l->sheet_w = l->sheet_h;
			l->sheet_h = t;
		}
		tk_get_length(r, im, "creep", &l->creep, -1, 0, 0);
		l->impose_gap = 2 * l->bleed;
		tk_get_length(r, im, "gap", &l->impose_gap, -1, 0, 0);
		if (l->impose == TK_IMPOSE_SADDLE && !l->pad_multiple)
			l->pad_multiple = 4;
	}

	const tk_node *mg = tk_node_get(root, "merge");
	if (mg && (tk_check_keys(r, mg, &merge_ks), mg->kind == TK_NODE_MAP)) {
		l->n_merge_required = string_list(r, mg, "required", &l->merge_required);
		l->n_merge_email = string_list(r, mg, "email", &l->merge_email);
		l->n_merge_phone = string_list(r, mg, "phone", &l->merge_phone);
		tk_get_string(r, mg, "label", &l->merge_label);
		if (!l->merge_label && l->n_merge_required)
			l->merge_label = l->merge_required[0];
	}
	return tk_diag_errors(r->d) > errors ? NULL : l;
}

const tk_pstyle *tk_layout_pstyle(const tk_layout *l, const char *name)
{
	for (int i = 0; i < l->n_pstyles; i++)
		if (l->pstyles[i].name && strcmp(l->pstyles[i].name, name) == 0)
			return &l->pstyles[i];
	return NULL;
}

const tk_master *tk_layout_master(const tk_layout *l, const char *name)
{
	for (int i = 0; i < l->n_masters; i++)
		if (strcmp(l->masters[i].name, name) == 0)
			return &l->masters[i];
	return NULL;
}

const tk_cstyle *tk_layout_cstyle(const tk_layout *l, const char *name)
{
	for (int i = 0; i < l->n_cstyles; i++)
		if (l->cstyles[i].name && strcmp(l->cstyles[i].name, name) == 0)
			return &l->cstyles[i];
	return NULL;
}
