/* model.h - the typed document: what a content file says and how a layout file
 * says to print it. Built from YAML trees by content.c and layout.c; read by the
 * layout stage. Everything lives in the job arena. All lengths are points, already
 * scaled when the layout is printed at another size than it was designed for. */
#ifndef TK_MODEL_H
#define TK_MODEL_H
#include "../dl/geom.h"
#include "../yaml/get.h"

typedef enum { TK_ALIGN_LEFT, TK_ALIGN_RIGHT, TK_ALIGN_CENTER, TK_ALIGN_JUSTIFY } tk_align;
typedef enum { TK_VALIGN_TOP, TK_VALIGN_MIDDLE, TK_VALIGN_BOTTOM } tk_valign;

/* A paragraph style, fully resolved (based-on applied). */
typedef struct tk_pstyle {
	const char *name;
	tk_loc loc;
	const char *font;          /* family, e.g. "Noto Serif" */
	int weight;                /* 100..900 */
	int italic;
	double size, leading;      /* points */
	double tracking;           /* thousandths of an em */
	tk_cmyk color;
	tk_align align;
	int hyphenate;
	double space_before, space_after;
	double indent;             /* first line */
	double left_indent, right_indent;
	int keep_with_next;
	int uppercase;
	const char *bullet;        /* list marker for bullet styles */
} tk_pstyle;

/* A character style: only what it sets (has_* flags). */
typedef struct tk_cstyle {
	const char *name;
	tk_loc loc;
	const char *font;
	int weight, italic, has_italic, uppercase, has_uppercase, underline;
	double size;
	int has_color;
	tk_cmyk color;
} tk_cstyle;

typedef enum {
	TK_FRAME_TEXT,
	TK_FRAME_IMAGE,
	TK_FRAME_RECT,
	TK_FRAME_LINE,
	TK_FRAME_QR,
	TK_FRAME_TOC
} tk_frame_kind;

enum { TK_EDGE_LEFT = 1, TK_EDGE_TOP = 2, TK_EDGE_RIGHT = 4, TK_EDGE_BOTTOM = 8 };

typedef struct tk_frame {
	const char *name;
	tk_loc loc;
	tk_frame_kind kind;
	tk_rect r;                 /* trim-relative, points */
	int bleed;                 /* extend to the bleed on edges touching the trim */
	const char *content;       /* name of the content field it shows */
	const char *text;          /* literal text (may hold {field} placeholders) */
	tk_loc text_loc;
	int markdown;              /* parse text as Markdown (default on) */
	const char *style;         /* paragraph style name */
	const tk_pstyle *pstyle;
	int has_fill, has_stroke;
	tk_cmyk fill, stroke;
	double stroke_width;
	double padding;
	tk_valign valign;
	double fit_min, fit_max;   /* auto-fit range for the first style's size; 0: off */
	int image_fit;             /* 0 fill (crop), 1 fit (letterbox) */
	double rotate;             /* degrees, text frames only */
	int columns;
	double gutter;
	int flow;                  /* receives the story of the page sequence it is on */
	int wrap;                  /* text in flow frames wraps around this frame */
	double wrap_gap;           /* space kept between the frame and wrapped text */
	int toc_levels;            /* TOC frames: heading levels listed */
	const tk_pstyle *toc_style2;
} tk_frame;

typedef struct tk_pagespec {
	const char *name;
	tk_loc loc;
	int n_frames;
	tk_frame *frames;
	const char *master;        /* master whose frames come first, or NULL */
	const char *flow;          /* a flow: pages from master until this field is set */
	int last;                  /* placed at the end, after padding (back cover) */
	int folio;                 /* 0: no page number on this page ({page} is empty) */
} tk_pagespec;

/* A master page: frames every page made from it shows; left and right differ on
 * facing pages (right = odd page numbers). */
typedef struct tk_master {
	const char *name;
	tk_loc loc;
	tk_pagespec left, right;
} tk_master;

typedef enum { TK_IMPOSE_NONE, TK_IMPOSE_SADDLE, TK_IMPOSE_NUP } tk_impose_method;

typedef struct tk_layout {
	const char *path;
	const char *name;
	tk_loc loc;
	double w, h;               /* trim */
	double bleed, slug;
	int marks;
	double scale;              /* size / design-size */
	double margin[4];          /* top, right, bottom, left */
	double safe;               /* safe margin inside the trim (preflight) */
	const char *lang;
	const char *condition, *condition_info, *profile;
	tk_loc profile_loc;          /* where print.profile was given */
	int n_swatches;
	const char **swatch_names;
	tk_cmyk *swatches;
	tk_loc *swatch_locs;         /* where each is defined (its name), or NULL */
	int n_pstyles;
	tk_pstyle *pstyles;
	int n_cstyles;
	tk_cstyle *cstyles;
	int n_pages;
	tk_pagespec *pages;
	int n_masters;
	tk_master *masters;
	double grid_step, grid_start; /* baseline grid (step 0: none) */
	int widows, orphans;       /* least lines left at a break after / before */
	int pad_multiple;          /* page count rounded up to a multiple (4: saddle) */
	const char *pad_master;    /* master for padding pages, NULL: blank */
	int spread;                /* pages are designed in facing pairs */
	int first_number;          /* folio of the first page */
	tk_impose_method impose;
	double sheet_w, sheet_h, creep, impose_gap;
	tk_loc impose_loc;
	/* data merge checks */
	const char **merge_required, **merge_email, **merge_phone;
	int n_merge_required, n_merge_email, n_merge_phone;
	const char *merge_label;   /* field that names a record in messages */
} tk_layout;

/* One named value of a content file: Markdown text or an image reference. */
typedef struct tk_field {
	const char *name;
	tk_loc loc;
	const char *text;          /* NULL for images */
	const char *image;         /* path resolved against the content file */
	tk_loc image_loc;
	const char *caption, *credit; /* of a picture: {name.caption}, {name.credit} */
} tk_field;

/* One record of a data merge: its fields, and where it was written. */
typedef struct tk_record {
	tk_loc loc;
	int n;
	tk_field *fields;
} tk_record;

typedef struct tk_content {
	const char *path;
	const char *layout;        /* layout name or path */
	tk_loc layout_loc;
	const char *title, *author, *subject, *lang;
	double size_w, size_h;     /* the trim size the content is written for; 0: any */
	const char *size;          /* as written */
	tk_loc size_loc;
	int n_fields;
	tk_field *fields;
	int n_records;             /* data merge: layout pages repeat per record */
	tk_record *records;
} tk_content;

/* Key tables (also the source of the JSON Schemas). */
extern const tk_keyset tk_layout_keys, tk_content_keys;

/* Loads a content file's tree. Returns NULL after reporting every error found. */
tk_content *tk_content_load(tk_reader *r, const tk_node *root, const char *path);
/* Loads a layout. families lists the font families trykk has (fonts/); an unknown
 * font is an error with a suggestion. */
tk_layout *tk_layout_load(tk_reader *r, const tk_node *root, const char *path,
                          const char *const *families, int n_families);

const tk_field *tk_content_field(const tk_content *c, const char *name);
const tk_field *tk_record_field(const tk_record *r, const char *name);
const tk_pstyle *tk_layout_pstyle(const tk_layout *l, const char *name);
const tk_cstyle *tk_layout_cstyle(const tk_layout *l, const char *name);
const tk_master *tk_layout_master(const tk_layout *l, const char *name);

#endif
