/* dl.h - the display list: finished pages as plain data.
 *
 * Layout records each page as a list of items (paths, glyph runs, images, links,
 * clips, placed pages). Nothing in here refers to pango, cairo or libharu, so every
 * backend, the trace writer and the imposition can replay the same list, under a
 * matrix, as MuPDF's display lists are replayed. All memory belongs to the job arena.
 *
 * Coordinates are page space (dl/geom.h): points, origin at the trim box's top-left
 * corner, y down. Bleed and marks lie at negative coordinates and beyond w/h. */
#ifndef TK_DL_H
#define TK_DL_H
#include "../diag.h"
#include "geom.h"
#include <stdint.h>

/* A font file the layout used. One per face; layout interns them so pointer
 * equality means the same face. Backends cache their own font objects by id. */
typedef struct tk_font {
	int id;              /* 0..n-1 within the job */
	const char *path;    /* TrueType file, absolute or relative to the cwd */
	int face_index;      /* index within the file (0 for .ttf) */
	const char *name;    /* PostScript name, for messages */
} tk_font;

/* A decoded picture, converted once however often it is placed. */
typedef struct tk_image {
	int id;
	const char *path;
	int width, height;           /* pixels */
	int was_rgb;                 /* the file was RGB and was converted */
	int has_alpha;
	unsigned char *cmyk;         /* width*height*4 bytes, C M Y K, 0 = no ink */
	unsigned char *rgb;          /* width*height*3 bytes, for screen and proofs */
	unsigned char *alpha;        /* width*height bytes or NULL (see has_alpha) */
	double dpi_x, dpi_y;         /* resolution the file states (PNG pHYs, JFIF
	                                density), 0 when it states none */
	/* The planes compressed (zlib streams, as the print PDF embeds them), or NULL.
	 * A picture from the picture cache (img/cache.h) has these and no raw planes
	 * until a backend asks for them (tk_image_planes in img/image.h). */
	const unsigned char *cmyk_z, *alpha_z, *rgb_z;
	size_t cmyk_z_len, alpha_z_len, rgb_z_len;
	struct tk_images *owner;     /* whose arena the raw planes go to */
} tk_image;

typedef enum {
	TK_PATH_MOVE,
	TK_PATH_LINE,
	TK_PATH_CURVE, /* uses 3 points */
	TK_PATH_CLOSE
} tk_path_op;

typedef struct tk_path {
	int n_ops;
	uint8_t *ops;   /* tk_path_op */
	int n_pts;
	double *pts;    /* x,y pairs: MOVE and LINE take 1 point, CURVE 3, CLOSE 0 */
} tk_path;

/* One positioned glyph. text is the UTF-8 of the cluster the glyph starts (NULL and
 * text_len 0 for further glyphs of the same cluster). Backends that draw by
 * character (libharu) show text; those that draw by glyph id (cairo) use gid and
 * pass text for extraction. Soft hyphens at line ends arrive as text "-". */
typedef struct tk_glyph {
	uint32_t gid;
	float x, y;        /* origin of the glyph on the baseline, page space */
	float advance;     /* horizontal advance in points */
	const char *text;
	int text_len;
} tk_glyph;

typedef struct tk_glyph_run {
	const tk_font *font;
	float size;        /* em size in points */
	float tracking;    /* letter spacing added after each glyph, points (0: none) */
	tk_cmyk color;
	int n;
	tk_glyph *glyphs;
} tk_glyph_run;

typedef enum {
	TK_ITEM_FILL,      /* fill path with color (non-zero winding) */
	TK_ITEM_STROKE,    /* stroke path with color and line_width */
	TK_ITEM_GLYPHS,
	TK_ITEM_IMAGE,     /* image drawn into the unit square mapped by matrix */
	TK_ITEM_CLIP,      /* push a clip of path; matched by TK_ITEM_POP */
	TK_ITEM_POP,
	TK_ITEM_LINK,      /* clickable rect (screen output only) to uri or dest_page */
	TK_ITEM_DEST,      /* an outline entry / named destination at y on this page */
	TK_ITEM_PAGE       /* another page placed under matrix (imposition) */
} tk_item_kind;

typedef struct tk_page tk_page;

typedef struct tk_item {
	tk_item_kind kind;
	tk_loc loc;                /* the YAML that made it (file NULL if none) */
	const char *frame;         /* name of the frame that made it, or NULL */
	int is_mark;               /* printer's marks: print output only */
	tk_cmyk color;
	float line_width;
	tk_path *path;             /* FILL, STROKE, CLIP */
	tk_glyph_run *run;         /* GLYPHS */
	const tk_image *image;     /* IMAGE */
	tk_matrix matrix;          /* IMAGE: unit square -> page; PAGE: placed page -> page */
	tk_rect rect;              /* LINK: area; DEST: x,y */
	const char *uri;           /* LINK */
	int dest_page;             /* LINK to a page (0-based) when uri is NULL; -1 none */
	const char *title;         /* DEST: outline title */
	int level;                 /* DEST: outline level, 1 = top */
	const tk_page *page;       /* PAGE */
	struct tk_item *next;
} tk_item;

/* A finished page. Sizes in points. */
struct tk_page {
	int index;                 /* 0-based position in the document */
	const char *label;         /* folio as printed ("1", "iv"), may be NULL */
	double w, h;               /* trim size */
	double bleed;              /* on every side */
	double slug;               /* room for marks beyond the bleed (0: no marks) */
	/* A page body shown unchanged on many pages (the frames of a data merge's
	 * page that show nothing of the record, such as the backs of business cards),
	 * placed on each of them at identity by a TK_ITEM_PAGE: a backend may make it
	 * once (the print PDF: a form XObject), the trace lists its items in place. */
	int shared;
	tk_item *first, *last;
};

typedef struct tk_doc {
	const char *title, *author, *subject, *creator, *lang;
	const char *output_condition;  /* e.g. "FOGRA39" */
	const char *output_condition_info;
	const char *icc_path;          /* CMYK profile for the OutputIntent, NULL: none */
	long long epoch;               /* creation time (SOURCE_DATE_EPOCH or fixed) */
	struct tk_pixcache *cache;   /* kept between builds (img/cache.h): the print
	                                  * PDF's font subsets; NULL: none */
	int n_pages, pages_cap;
	tk_page **pages;
	struct tk_arena *pages_a;      /* where the pages array grows (NULL: the arena
	                                * a page is made in); a data merge written as it
	                                * is laid out (job.c) makes its pages in arenas
	                                * freed before the document is */
	int n_fonts;
	tk_font **fonts;
} tk_doc;

struct tk_arena;
/* Appends a new empty page to doc. */
tk_page *tk_dl_page_new(struct tk_arena *a, tk_doc *doc, double w, double h,
                        double bleed, double slug);
/* Appends an item of kind to page and returns it for the caller to fill. */
tk_item *tk_dl_add(struct tk_arena *a, tk_page *page, tk_item_kind kind);
/* Path building in the arena. */
tk_path *tk_path_new(struct tk_arena *a);
void tk_path_move(struct tk_arena *a, tk_path *p, double x, double y);
void tk_path_line(struct tk_arena *a, tk_path *p, double x, double y);
void tk_path_curve(struct tk_arena *a, tk_path *p, double x1, double y1, double x2,
                   double y2, double x3, double y3);
void tk_path_close(struct tk_arena *a, tk_path *p);
tk_path *tk_path_rect(struct tk_arena *a, double x, double y, double w, double h);
/* Sets doc->fonts to the fonts its glyph runs use (also inside placed pages), in
 * first-use order; max_id bounds the font ids. */
void tk_doc_collect_fonts(struct tk_arena *a, tk_doc *doc, int max_id);
/* A document of spreads made from doc's pages, each placed (clipped to its trim)
 * side by side: 1|2, 3|4, ... or, with first_alone, 1, 2|3, 4|5, ... as a reader
 * sees a bound booklet. The new pages have no bleed and no marks. */
tk_doc *tk_doc_spreads(struct tk_arena *a, const tk_doc *doc, int first_alone);
/* Convenience: a filled rectangle. */
tk_item *tk_dl_fill_rect(struct tk_arena *a, tk_page *page, tk_rect r, tk_cmyk c);

#endif
