/* shape.c - the only pango user: a paragraph in, lines of positioned glyphs out.
 *
 * Pango (with HarfBuzz and a private fontconfig that sees only fonts/) shapes with
 * kerning and breaks lines, honouring the soft hyphens hyphen.c inserted. The
 * context runs at 72 dpi with hint metrics off and unrounded glyph positions, so one
 * pango unit is exactly 1/1024 pt and libharu, cairo and pango agree on every size.
 * Ligatures are switched off: libharu draws by character, and a ligature glyph has
 * no character of its own. Each glyph keeps the text of its cluster, so the print
 * backend can draw it by character and the screen backend can keep the text. */
#include "text.h"

#include <fontconfig/fontconfig.h>
#include <pango/pangocairo.h>
#include <pango/pangofc-fontmap.h>
#include <pango/pangofc-font.h>
#include <stdlib.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <strings.h>

struct tk_shaper {
	tk_diag *d;
	FcConfig *fc;
	PangoFontMap *fm;
	PangoContext *ctx;
	tk_arena *a;              /* fonts and family names */
	const char **families;
	int n_families;
	tk_font **fonts;
	int n_fonts, cap_fonts;
	GHashTable *by_pango;     /* PangoFont* -> tk_font* */
	int settled;              /* tk_shaper_settle has waited */
};

static int cmp_str(const void *a, const void *b)
{
	return strcasecmp(*(const char *const *)a, *(const char *const *)b);
}

static int tk_thread_count(void);

tk_shaper *tk_shaper_new(const char *fonts_dir, tk_diag *d)
{
	FcConfig *fc = FcConfigCreate();
	/* No system configuration (so no system fonts), but a cache folder, or
	 * fontconfig complains on every run. */
	static const char conf[] = "<?xml version=\"1.0\"?><fontconfig>"
	                           "<cachedir prefix=\"xdg\">fontconfig</cachedir></fontconfig>";
	if (fc)
		FcConfigParseAndLoadFromMemory(fc, (const FcChar8 *)conf, FcFalse);
	if (!fc || !FcConfigAppFontAddDir(fc, (const FcChar8 *)fonts_dir)) {
		tk_error(d, NULL, "cannot read the fonts folder '%s'", fonts_dir);
		if (fc)
			FcConfigDestroy(fc);
		return NULL;
	}
	/* Made fontconfig's current configuration too: pango's font map starts a
	 * thread that would otherwise load the system's configuration and font list
	 * (some 30 million instructions, which the fork-safety wait below sits
	 * through), none of which trykk uses. */
	FcConfigSetCurrent(fc);
	tk_shaper *s = tk_xcalloc(1, sizeof *s);
	s->d = d;
	s->fc = fc;
	s->a = tk_arena_new();
	s->fm = pango_cairo_font_map_new_for_font_type(CAIRO_FONT_TYPE_FT);
	pango_fc_font_map_set_config(PANGO_FC_FONT_MAP(s->fm), fc);
	s->ctx = pango_font_map_create_context(s->fm);
	pango_cairo_context_set_resolution(s->ctx, 72);
	cairo_font_options_t *fo = cairo_font_options_create();
	cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
	cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
	pango_cairo_context_set_font_options(s->ctx, fo);
	cairo_font_options_destroy(fo);
	pango_context_set_round_glyph_positions(s->ctx, FALSE);
	s->by_pango = g_hash_table_new(g_direct_hash, g_direct_equal);

	PangoFontFamily **fams;
	int n;
	pango_font_map_list_families(s->fm, &fams, &n);
	s->families = TK_NEWN(s->a, const char *, n + 1);
	int k = 0;
	for (int i = 0; i < n; i++) {
		const char *name = pango_font_family_get_name(fams[i]);
		/* pango adds generic aliases; only real families from fonts/ count */
		if (strcasecmp(name, "Sans") == 0 || strcasecmp(name, "Serif") == 0 ||
		    strcasecmp(name, "Monospace") == 0 || strcasecmp(name, "System-ui") == 0)
			continue;
		s->families[k++] = tk_arena_strdup(s->a, name);
	}
	g_free(fams);
	n = k;
	s->n_families = n;
	qsort(s->families, (size_t)n, sizeof(char *), cmp_str);
	if (n == 0) {
		tk_error(d, NULL, "no fonts in '%s' (trykk uses only the TrueType fonts there)",
		         fonts_dir);
		tk_shaper_free(s);
		return NULL;
	}
	/* pango's font map initialises fontconfig in a thread of its own, and the first
	 * font loaded waits for it. Wait here, once: a process forked while that thread
	 * is still at work (documents built side by side, jobs.c) would wait for a
	 * thread it does not have, for ever. */
	PangoLayout *warm = pango_layout_new(s->ctx);
	pango_layout_set_text(warm, "x", 1);
	int ww, wh;
	pango_layout_get_size(warm, &ww, &wh);
	g_object_unref(warm);
	return s;
}

void tk_shaper_settle(tk_shaper *s)
{
	/* Loading a font from a private configuration need not wait for the thread
	 * that initialises fontconfig, and the thread outlives its signal by a
	 * moment: wait until this process is down to its own thread again (at most
	 * 5 s), so that a fork copies no lock another thread holds. */
	if (!s || s->settled)
		return;
	(void)pango_fc_font_map_get_config(PANGO_FC_FONT_MAP(s->fm));
	for (int tries = 0; tries < 5000 && tk_thread_count() > 1; tries++) {
		struct timespec ms = {0, 1000000};
		nanosleep(&ms, NULL);
	}
	s->settled = 1;
}

/* Threads of this process (Linux: /proc/self/task), or 0 when unknown. */
static int tk_thread_count(void)
{
	int n = 0;
	DIR *dd = opendir("/proc/self/task");
	if (!dd)
		return 0;
	for (struct dirent *de; (de = readdir(dd));)
		n += de->d_name[0] != '.';
	closedir(dd);
	return n;
}

void tk_shaper_free(tk_shaper *s)
{
	if (!s)
		return;
	if (s->by_pango)
		g_hash_table_destroy(s->by_pango);
	if (s->ctx)
		g_object_unref(s->ctx);
	if (s->fm) {
		/* pango matches fonts on a thread pool of its own, and a match holds the
		 * font map until it is done. Wait for those (at most 5 s) so that this is
		 * the last reference and the font map is torn down here, not on a pool
		 * thread while the process exits. */
		for (int tries = 0; tries < 5000 && g_atomic_int_get(&G_OBJECT(s->fm)->ref_count) > 1;
		     tries++) {
			struct timespec ms = {0, 1000000};
			nanosleep(&ms, NULL);
		}
		g_object_unref(s->fm);
	}
	if (s->fc)
		FcConfigDestroy(s->fc);
	free(s->fonts);
	tk_arena_free(s->a);
	free(s);
}

int tk_shaper_families(tk_shaper *s, const char *const **names)
{
	*names = s->families;
	return s->n_families;
}

int tk_shaper_fonts(tk_shaper *s, tk_font ***fonts)
{
	*fonts = s->fonts;
	return s->n_fonts;
}

/* The tk_font for a pango font: one per file and face, interned. */
static tk_font *font_of(tk_shaper *s, PangoFont *pf)
{
	tk_font *f = g_hash_table_lookup(s->by_pango, pf);
	if (f)
		return f;
	FcPattern *pat = PANGO_FC_FONT(pf)->font_pattern;
	FcChar8 *file = NULL, *ps = NULL;
	int index = 0;
	FcPatternGetString(pat, FC_FILE, 0, &file);
	FcPatternGetInteger(pat, FC_INDEX, 0, &index);
	FcPatternGetString(pat, FC_POSTSCRIPT_NAME, 0, &ps);
	for (int i = 0; i < s->n_fonts; i++) {
		if (strcmp(s->fonts[i]->path, (const char *)file) == 0 &&
		    s->fonts[i]->face_index == index) {
			f = s->fonts[i];
			break;
		}
	}
	if (!f) {
		f = TK_NEW(s->a, tk_font);
		f->id = s->n_fonts;
		f->path = tk_arena_strdup(s->a, file ? (const char *)file : "");
		f->face_index = index;
		f->name = tk_arena_strdup(s->a, ps ? (const char *)ps : f->path);
		if (s->n_fonts == s->cap_fonts) {
			s->cap_fonts = s->cap_fonts ? s->cap_fonts * 2 : 8;
			s->fonts = tk_xrealloc(s->fonts, sizeof(tk_font *) * (size_t)s->cap_fonts);
		}
		s->fonts[s->n_fonts++] = f;
	}
	g_hash_table_insert(s->by_pango, pf, f);
	return f;
}

typedef struct seg_style {
	const char *font;
	int weight, italic, underline, uppercase;
	double size;
	tk_cmyk color;
	const char *uri;
} seg_style;

static seg_style span_style(const tk_layout *l, const tk_pstyle *ps, const tk_span *sp)
{
	seg_style st = {ps->font, ps->weight, ps->italic, 0, ps->uppercase, ps->size, ps->color,
	                NULL};
	if (!sp)
		return st;
	const tk_cstyle *cs[4] = {NULL, NULL, NULL, NULL};
	int n = 0;
	if (sp->code)
		cs[n++] = tk_layout_cstyle(l, "code");
	if (sp->emph) {
		const tk_cstyle *c = tk_layout_cstyle(l, "emphasis");
		if (c)
			cs[n++] = c;
		else
			st.italic = !st.italic;
	}
	if (sp->strong) {
		const tk_cstyle *c = tk_layout_cstyle(l, "strong");
		if (c)
			cs[n++] = c;
		else
			st.weight = st.weight >= 700 ? 900 : 700;
	}
	if (sp->uri)
		cs[n++] = tk_layout_cstyle(l, "link");
	if (sp->cs)
		cs[n++] = sp->cs;
	for (int i = 0; i < n; i++) {
		const tk_cstyle *c = cs[i];
		if (!c)
			continue;
		if (c->font)
			st.font = c->font;
		if (c->weight)
			st.weight = c->weight;
		if (c->has_italic)
			st.italic = c->italic;
		if (c->size > 0)
			st.size = c->size;
		if (c->has_color)
			st.color = c->color;
		if (c->has_uppercase)
			st.uppercase = c->uppercase;
		if (c->underline)
			st.underline = 1;
	}
	st.uri = sp->uri;
	return st;
}

/* A run of the paragraph text with one style, after uppercasing and hyphenation. */
typedef struct seg {
	int start, end;            /* in the shaped text */
	int ostart;                /* where it starts in the paragraph's own text */
	seg_style st;
} seg;

/* Maps a byte offset in the shaped text back to the paragraph's text: count the
 * characters from the segment start, leaving out inserted soft hyphens, and step
 * as many characters in the original (uppercasing may change byte lengths). */
static int orig_offset(const char *shaped, const seg *g, const char *orig, int olen, int t)
{
	int chars = 0;
	for (const char *q = shaped + g->start; q < shaped + t; q = g_utf8_next_char(q))
		if (!((unsigned char)q[0] == 0xC2 && (unsigned char)q[1] == 0xAD))
			chars++;
	int o = g->ostart;
	while (chars-- > 0 && o < olen)
		o = (int)(g_utf8_next_char(orig + o) - orig);
	return o;
}

static void upper_into(GString *out, const char *s, int n)
{
	const char *e = s + n;
	while (s < e) {
		gunichar c = g_utf8_get_char_validated(s, e - s);
		if (c == (gunichar)-1 || c == (gunichar)-2) {
			g_string_append_c(out, '?');
			s++;
			continue;
		}
		g_string_append_unichar(out, c == 0xDF ? c : g_unichar_toupper(c));
		s = g_utf8_next_char(s);
	}
}

static PangoAttrList *attrs_for(const seg *segs, int n, double scale, double tracking,
                                const char *lang)
{
	PangoAttrList *al = pango_attr_list_new();
	for (int i = 0; i < n; i++) {
		const seg *g = &segs[i];
		PangoFontDescription *fd = pango_font_description_new();
		pango_font_description_set_family(fd, g->st.font);
		pango_font_description_set_weight(fd, (PangoWeight)g->st.weight);
		pango_font_description_set_style(fd, g->st.italic ? PANGO_STYLE_ITALIC
		                                                  : PANGO_STYLE_NORMAL);
		pango_font_description_set_absolute_size(fd, g->st.size * scale * PANGO_SCALE);
		PangoAttribute *a = pango_attr_font_desc_new(fd);
		pango_font_description_free(fd);
		a->start_index = (guint)g->start;
		a->end_index = (guint)g->end;
		pango_attr_list_insert(al, a);
		if (tracking != 0) {
			a = pango_attr_letter_spacing_new(
			    (int)(tracking / 1000.0 * g->st.size * scale * PANGO_SCALE));
			a->start_index = (guint)g->start;
			a->end_index = (guint)g->end;
			pango_attr_list_insert(al, a);
		}
	}
	PangoAttribute *a = pango_attr_font_features_new("liga 0, clig 0, dlig 0, hlig 0");
	pango_attr_list_insert(al, a);
	if (lang) {
		a = pango_attr_language_new(pango_language_from_string(lang));
		pango_attr_list_insert(al, a);
	}
	return al;
}

static const seg *seg_at(const seg *segs, int n, int byte)
{
	int lo = 0, hi = n - 1;
	while (lo < hi) {
		int mid = (lo + hi + 1) / 2;
		if (segs[mid].start <= byte)
			lo = mid;
		else
			hi = mid - 1;
	}
	return &segs[lo];
}

/* Pango 1.50 draws the hyphen at a soft-hyphen break as an extra glyph in the
 * cluster of the last letter, and justifies the line without counting it. Give the
 * hyphen its own text "-" (for drawing by character and for text extraction),
 * take the invisible soft hyphen out of the letter's text, and, in justified
 * text, pull the words back by the hyphen's width so the line ends at the measure. */
static void fix_hyphen(tk_line *ln, tk_glyph *gl, int n, int justified, double right)
{
	if (n < 2)
		return;
	tk_glyph *last = &gl[n - 1];
	int shy = -1;
	for (int k = n - 2; k >= 0; k--) {
		if (gl[k].text) {
			const char *t = gl[k].text;
			int len = gl[k].text_len;
			/* the soft hyphen ends the letter's cluster or follows it */
			if (len >= 2 && (unsigned char)t[len - 2] == 0xC2 && (unsigned char)t[len - 1] == 0xAD)
				shy = k;
			else if ((unsigned char)t[len] == 0xC2 && (unsigned char)t[len + 1] == 0xAD)
				shy = k, len += 2, gl[k].text_len += 2;
			break;
		}
	}
	if (shy < 0 || last->text)
		return;
	gl[shy].text_len -= 2;
	last->text = "-";
	last->text_len = 1;
	ln->hyphenated = 1;
	double over = last->x + last->advance - right;
	if (!justified || over <= 0.01)
		return;
	int spaces = 0;
	for (int k = 0; k < n; k++)
		if (gl[k].text_len == 1 && gl[k].text[0] == ' ')
			spaces++;
	if (!spaces)
		return;
	int seen = 0;
	for (int k = 0; k < n; k++) {
		gl[k].x -= (float)(over * seen / spaces);
		if (gl[k].text_len == 1 && gl[k].text && gl[k].text[0] == ' ') {
			seen++;
			gl[k].advance -= (float)(over / spaces);
		}
	}
	ln->width -= over;
	ln->overfull = ln->width > right + 0.5;
}

int tk_shape(tk_shaper *s, tk_hyph *h, tk_arena *a, const tk_para *p, const tk_layout *l,
             double width, double scale, const char *lang, tk_shaped *out)
{
	const tk_pstyle *ps = p->style;
	memset(out, 0, sizeof *out);

	/* Split at span boundaries; uppercase and hyphenate each piece on its own, so
	 * span positions stay right without offset maps. */
	int nb = 0;
	int *bounds = TK_NEWN(a, int, p->n_spans * 2 + 2);
	bounds[nb++] = 0;
	for (int i = 0; i < p->n_spans; i++) {
		bounds[nb++] = p->spans[i].start;
		bounds[nb++] = p->spans[i].end;
	}
	GString *txt = g_string_sized_new((gsize)p->len * 2 + 16);
	seg *segs = TK_NEWN(a, seg, nb + 2);
	int nseg = 0;
	if (p->marker) {
		seg_style st = span_style(l, ps, NULL);
		g_string_append(txt, p->marker);
		g_string_append_c(txt, '\t');
		segs[nseg++] = (seg){0, (int)txt->len, 0, st};
	}
	int pos = 0;
	while (pos < p->len) {
		int next = p->len;
		for (int i = 0; i < nb; i++)
			if (bounds[i] > pos && bounds[i] < next)
				next = bounds[i];
		const tk_span *sp = NULL;
		for (int i = 0; i < p->n_spans; i++)
			if (p->spans[i].start <= pos && p->spans[i].end >= next) {
				sp = &p->spans[i];
				/* nested spans: the last (innermost) wins */
			}
		seg_style st = span_style(l, ps, sp);
		const char *piece = p->text + pos;
		int plen = next - pos;
		GString *up = NULL;
		if (st.uppercase) {
			up = g_string_new(NULL);
			upper_into(up, piece, plen);
			piece = up->str;
			plen = (int)up->len;
		}
		int start = (int)txt->len;
		if (ps->hyphenate && h && !(sp && (sp->uri || sp->code))) {
			int hl, *ins, nins;
			const char *hy = tk_hyphenate(h, a, lang, piece, plen, &hl, &ins, &nins);
			g_string_append_len(txt, hy, hl);
		} else {
			g_string_append_len(txt, piece, plen);
		}
		if (up)
			g_string_free(up, TRUE);
		segs[nseg++] = (seg){start, (int)txt->len, pos, st};
		pos = next;
	}
	if (nseg == 0) {
		g_string_free(txt, TRUE);
		return 0;
	}
	const char *text = tk_arena_strndup(a, txt->str, txt->len);
	int tlen = (int)txt->len;
	g_string_free(txt, TRUE);

	PangoLayout *lay = pango_layout_new(s->ctx);
	pango_layout_set_text(lay, text, tlen);
	PangoAttrList *al = attrs_for(segs, nseg, scale, ps->tracking, lang);
	pango_layout_set_attributes(lay, al);
	pango_attr_list_unref(al);
	double li = ps->left_indent * scale, ri = ps->right_indent * scale;
	double colw = width - li - ri;
	if (colw < 1)
		colw = 1;
	pango_layout_set_width(lay, (int)(colw * PANGO_SCALE));
	pango_layout_set_wrap(lay, PANGO_WRAP_WORD);
	static const PangoAlignment al_map[] = {PANGO_ALIGN_LEFT, PANGO_ALIGN_RIGHT,
	                                        PANGO_ALIGN_CENTER, PANGO_ALIGN_LEFT};
	pango_layout_set_alignment(lay, al_map[ps->align]);
	pango_layout_set_justify(lay, ps->align == TK_ALIGN_JUSTIFY);
	if (p->marker || p->continued) {
		/* Hanging indent: the marker sits at the left, text lines up at the tab. */
		double hang = ps->size * scale * 1.2;
		if (p->marker) {
			PangoTabArray *tabs = pango_tab_array_new_with_positions(
			    1, FALSE, PANGO_TAB_LEFT, (int)(hang * PANGO_SCALE));
			pango_layout_set_tabs(lay, tabs);
			pango_tab_array_free(tabs);
			pango_layout_set_indent(lay, (int)(-hang * PANGO_SCALE));
		} else {
			li += hang;
			pango_layout_set_width(lay, (int)((colw - hang) * PANGO_SCALE));
		}
	} else if (p->right_tab) {
		/* Contents lines: the page number sits at the right edge. */
		PangoTabArray *tabs = pango_tab_array_new_with_positions(
		    1, FALSE, PANGO_TAB_RIGHT, (int)(colw * PANGO_SCALE));
		pango_layout_set_tabs(lay, tabs);
		pango_tab_array_free(tabs);
	} else if (ps->indent != 0 && !p->tail) {
		pango_layout_set_indent(lay, (int)(ps->indent * scale * PANGO_SCALE));
	} else if (ps->align == TK_ALIGN_LEFT &&
	           g_utf8_strlen(text, tlen) * 0.2 * ps->size * scale < colw) {
		/* A short left-aligned paragraph (a card's name, a title, a phone line)
		 * is tried on one line first: with a width, pango shapes each item once
		 * to measure it and, when it fits, once more for the line it keeps.
		 * Without one it shapes once. When the one line fits the column it is the
		 * line the width would have given; when not, the width is set and the
		 * paragraph laid out as before. (0.2 em: no character is narrower, so
		 * longer texts cannot fit and are not tried.) */
		pango_layout_set_width(lay, -1);
		PangoRectangle lg;
		pango_layout_get_extents(lay, NULL, &lg);
		if (pango_layout_get_line_count(lay) != 1 || lg.x + lg.width > (int)(colw * PANGO_SCALE))
			pango_layout_set_width(lay, (int)(colw * PANGO_SCALE));
	}

	int n_lines = pango_layout_get_line_count(lay);
	out->lines = TK_NEWN(a, tk_line, n_lines);
	PangoLayoutIter *it = pango_layout_get_iter(lay);
	int li_idx = 0;
	do {
		PangoLayoutLine *pl = pango_layout_iter_get_line_readonly(it);
		tk_line *ln = &out->lines[li_idx];
		PangoRectangle lr;
		pango_layout_iter_get_line_extents(it, NULL, &lr);
		int baseline = pango_layout_iter_get_baseline(it);
		ln->ascent = (baseline - lr.y) / (double)PANGO_SCALE;
		ln->descent = (lr.y + lr.height - baseline) / (double)PANGO_SCALE;
		ln->width = li + (lr.x + lr.width) / (double)PANGO_SCALE;
		ln->overfull = (lr.x + lr.width) / (double)PANGO_SCALE > colw + 0.5;
		{
			int si = pl->start_index;
			const seg *sg0 = seg_at(segs, nseg, si);
			ln->start = si <= sg0->start && sg0 == segs ? 0
			            : orig_offset(text, sg0, p->text, p->len, si);
		}
		/* Count glyphs to size the runs. */
		int ng = 0, nr = 0;
		for (GSList *r = pl->runs; r; r = r->next) {
			ng += ((PangoGlyphItem *)r->data)->glyphs->num_glyphs;
			nr++;
		}
		tk_glyph *gl = TK_NEWN(a, tk_glyph, ng);
		/* a run may split where the colour changes: at most one split per glyph */
		ln->runs = TK_NEWN(a, tk_glyph_run, ng + nr);
		ln->links = NULL;
		int gi = 0;
		double x = li + lr.x / (double)PANGO_SCALE;
		for (GSList *r = pl->runs; r; r = r->next) {
			PangoGlyphItem *run = r->data;
			PangoItem *item = run->item;
			PangoGlyphString *gs = run->glyphs;
			tk_font *font = font_of(s, item->analysis.font);
			PangoFontDescription *fd =
			    pango_font_describe_with_absolute_size(item->analysis.font);
			float size = (float)pango_font_description_get_size(fd) / PANGO_SCALE;
			pango_font_description_free(fd);
			tk_glyph_run *cur = NULL;
			for (int i = 0; i < gs->num_glyphs; i++) {
				PangoGlyphInfo *g = &gs->glyphs[i];
				double gx = x + g->geometry.x_offset / (double)PANGO_SCALE;
				double gy = g->geometry.y_offset / (double)PANGO_SCALE;
				double adv = g->geometry.width / (double)PANGO_SCALE;
				x += adv;
				int cl = item->offset + gs->log_clusters[i];
				if (g->glyph == PANGO_GLYPH_EMPTY)
					continue;
				if (g->glyph & PANGO_GLYPH_UNKNOWN_FLAG) {
					if (!out->missing) {
						gunichar c = g->glyph & ~PANGO_GLYPH_UNKNOWN_FLAG;
						int k = g_unichar_to_utf8(c, out->missing_char);
						out->missing_char[k] = 0;
					}
					out->missing++;
					continue;
				}
				int first = i == 0 || gs->log_clusters[i] != gs->log_clusters[i - 1];
				int cend = item->offset + item->length;
				for (int k = i + 1; k < gs->num_glyphs; k++)
					if (gs->log_clusters[k] != gs->log_clusters[i]) {
						cend = item->offset + gs->log_clusters[k];
						break;
					}
				const seg *sg = seg_at(segs, nseg, cl);
				if (!cur || memcmp(&cur->color, &sg->st.color, sizeof(tk_cmyk)) != 0) {
					cur = &ln->runs[ln->n_runs++];
					cur->font = font;
					cur->size = size;
					cur->tracking = (float)(ps->tracking / 1000.0 * size);
					cur->color = sg->st.color;
					cur->glyphs = gl + gi;
					cur->n = 0;
				}
				tk_glyph *tg = &gl[gi++];
				cur->n++;
				tg->gid = g->glyph;
				tg->x = (float)gx;
				tg->y = (float)gy;
				tg->advance = (float)adv;
				if (first) {
					tg->text = text + cl;
					tg->text_len = cend - cl;
					if (tg->text_len == 2 && memcmp(tg->text, "\xC2\xAD", 2) == 0) {
						tg->text = "-";
						tg->text_len = 1;
						ln->hyphenated = 1;
					}
				}
				if (sg->st.uri) {
					tk_link_box *lb = ln->n_links ? &ln->links[ln->n_links - 1] : NULL;
					if (!lb || lb->uri != sg->st.uri) {
						ln->links = tk_arena_grow(a, ln->links, (size_t)ln->n_links,
						                          (size_t)ln->n_links + 1,
						                          sizeof(tk_link_box));
						lb = &ln->links[ln->n_links++];
						lb->uri = sg->st.uri;
						lb->x0 = gx;
					}
					lb->x1 = gx + adv;
				}
			}
		}
		/* room was made for a run per glyph; most lines need one or two */
		tk_arena_shrink(a, ln->runs, (size_t)(ng + nr) * sizeof *ln->runs,
		                (size_t)ln->n_runs * sizeof *ln->runs);
		fix_hyphen(ln, gl, gi, ps->align == TK_ALIGN_JUSTIFY, li + colw);
		li_idx++;
	} while (pango_layout_iter_next_line(it) && li_idx < n_lines);
	pango_layout_iter_free(it);
	g_object_unref(lay);
	out->n_lines = li_idx;
	out->first_ascent = li_idx ? out->lines[0].ascent : 0;
	return 0;
}
