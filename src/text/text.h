/* text.h - paragraphs of styled text, from Markdown to shaped lines.
 *
 * markdown.c turns a field's Markdown into tk_para blocks (paragraphs, headings,
 * quotes, list items) whose spans carry emphasis, strong and links; hyphen.c marks
 * the places a Norwegian word may break with soft hyphens; shape.c, the only pango
 * user, breaks a paragraph into lines of positioned glyphs for a given width. */
#ifndef TK_TEXT_H
#define TK_TEXT_H
#include "../arena.h"
#include "../diag.h"
#include "../dl/dl.h"
#include "../model/model.h"

typedef struct tk_span {
	int start, end;            /* byte range in the paragraph text */
	const tk_cstyle *cs;       /* character style applied, or NULL */
	int strong, emph, code;
	const char *uri;           /* link target */
} tk_span;

typedef enum {
	TK_PARA_BODY,
	TK_PARA_HEADING,
	TK_PARA_QUOTE,
	TK_PARA_ITEM,
	TK_PARA_FIGURE,            /* a picture set in the flow; text is its path */
	TK_PARA_CAPTION            /* the caption under a figure */
} tk_para_kind;

typedef struct tk_para {
	tk_para_kind kind;
	int level;                 /* heading level 1-6; list nesting depth from 1 */
	const char *marker;        /* list marker ("•", "3.") for an item's first paragraph */
	int continued;             /* a further paragraph of a list item */
	int tail;                  /* the rest of a paragraph broken across frames: no
	                            * first-line indent, no space before */
	const struct tk_para *whole; /* for a tail, the paragraph it is part of */
	int right_tab;             /* a tab moves to the right edge (contents lines) */
	int link_page;             /* contents lines: the page they point to */
	const char *text;          /* UTF-8, no soft hyphens yet */
	int len;
	int n_spans;
	tk_span *spans;
	const tk_pstyle *style;    /* chosen from the layout by kind */
	tk_loc loc;                /* the YAML line the paragraph came from */
	struct tk_para *next;
} tk_para;

/* Styles by block kind: headings use "heading1".."heading6" (or "heading"), quotes
 * "quote", list items "bullet", captions "caption", each falling back to base. A
 * Markdown image alone in its paragraph, ![caption](file.png), becomes a figure
 * (path relative to the file the text came from) followed by its caption. */
typedef struct tk_para_styles {
	const tk_layout *layout;
	const tk_pstyle *base;
} tk_para_styles;

/* Parses text (Markdown when markdown is set, else one paragraph per line) into a
 * list of paragraphs. loc is where the text starts in its YAML file (line_offset
 * added for block scalars). Returns NULL for empty text. */
tk_para *tk_markdown_parse(tk_arena *a, const char *text, int markdown, const tk_loc *loc,
                           const tk_para_styles *ps);

/* The part of p from byte offset off on, to set in another frame. */
tk_para *tk_para_tail(tk_arena *a, const tk_para *p, int off);

/* Hyphenation dictionaries (libhyphen, hyphen-no), loaded on first use. */
typedef struct tk_hyph tk_hyph;
tk_hyph *tk_hyph_new(void);
void tk_hyph_free(tk_hyph *h);
struct tk_pixcache;
/* Parsed patterns are taken from and kept in the build's cache pc (img/cache.h;
 * NULL: none). Set for each build; patterns already loaded stay. */
void tk_hyph_set_cache(tk_hyph *h, struct tk_pixcache *pc);
/* Returns text with U+00AD inserted where words of lang ("nb", "nn") may break;
 * *ins receives the sorted byte offsets (in the original text) where one was
 * inserted and *n_ins their number. Text is unchanged for other languages. */
char *tk_hyphenate(tk_hyph *h, tk_arena *a, const char *lang, const char *text, int len,
                   int *out_len, int **ins, int *n_ins);

/* A line as shaped: glyph positions relative to the line's origin (x from the left
 * edge of the column, y from the baseline). */
typedef struct tk_link_box {
	const char *uri;
	double x0, x1;
} tk_link_box;

typedef struct tk_line {
	double width;              /* ink extent from x 0 */
	double ascent, descent;    /* of the fonts on the line */
	int n_runs;
	tk_glyph_run *runs;
	int n_links;
	tk_link_box *links;
	int hyphenated;            /* ends in a hyphen */
	int start;                 /* byte offset of the line in the paragraph's text */
	int overfull;              /* wider than the column (a word that cannot break) */
} tk_line;

typedef struct tk_shaped {
	int n_lines;
	tk_line *lines;
	double first_ascent;       /* of the first line, for first-baseline placement */
	int missing;               /* glyphs no font had */
	char missing_char[8];      /* the first such character, UTF-8 */
} tk_shaped;

typedef struct tk_shaper tk_shaper;

/* A shaper using only the fonts in fonts_dir (a private fontconfig configuration, so
 * system fonts never leak in). Returns NULL after reporting when the folder has no
 * usable fonts. Free with tk_shaper_free. */
tk_shaper *tk_shaper_new(const char *fonts_dir, tk_diag *d);
void tk_shaper_free(tk_shaper *s);
/* Waits until pango's start-up threads have ended (at most 5 s), once; to be
 * called before the process forks (jobs.c), as a fork copies only the thread
 * that calls it. */
void tk_shaper_settle(tk_shaper *s);
/* Families available, sorted; owned by the shaper. */
int tk_shaper_families(tk_shaper *s, const char *const **names);
/* The job's fonts (every face shaping used), owned by the shaper: copy into tk_doc. */
int tk_shaper_fonts(tk_shaper *s, tk_font ***fonts);

/* Shapes p at column width (points) with every size multiplied by scale (auto-fit).
 * lang selects hyphenation; the style decides whether to hyphenate. Line glyphs
 * are arena memory. Returns 0, or -1 after reporting. */
int tk_shape(tk_shaper *s, tk_hyph *h, tk_arena *a, const tk_para *p, const tk_layout *l,
             double width, double scale, const char *lang, tk_shaped *out);

/* The outline of glyph gid of font at size points, its origin at (x, y) on the
 * baseline (page space, y down), as a path in arena a; *x0 and *x1 get its ink's
 * left and right edges. NULL when the glyph has no outline (a space) or the font
 * cannot be read. (outline.c) */
tk_path *tk_glyph_outline(tk_arena *a, const tk_font *font, uint32_t gid, double size,
                          double x, double y, double *x0, double *x1);

#endif
