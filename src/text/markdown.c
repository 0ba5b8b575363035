/* markdown.c - Markdown in YAML text (libcmark) to paragraphs with styled spans.
 *
 * Paragraphs, headings, block quotes, bullet and numbered lists, emphasis, strong,
 * code and links. Typed characters are kept as typed: no "smart" quotes, because
 * Norwegian uses «» and writers type them. Soft line breaks become spaces, hard
 * breaks (two spaces or a backslash at the end of a line) become line separators. */
#include "text.h"

#include <cmark.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct builder {
	tk_arena *a;
	const tk_para_styles *ps;
	const tk_loc *loc;
	tk_para *head, *tail;
	/* the paragraph being built */
	char *buf;
	int len, cap;
	tk_span *spans;
	int n_spans, cap_spans;
	/* inline state */
	int strong, emph;
	const char *uri;
	/* block state */
	int quote, list_depth;
	int list_ordered[16], list_num[16];
	int item_first;
	int heading;
	int line;
	int image_start;           /* where an image's alt text starts in buf, or -1 */
	const char *image_url;
	int figure;                /* the paragraph being ended is a figure/caption */
} builder;

static void append(builder *b, const char *s, int n)
{
	if (b->len + n + 1 > b->cap) {
		/* exactly the first piece when it is the whole paragraph (a plain
		 * line; a data merge makes thousands), doubling from there */
		int cap = b->cap ? 2 * b->cap : n + 1 > 32 ? n + 1 : 32;
		while (cap < b->len + n + 1)
			cap *= 2;
		b->buf = tk_arena_grow(b->a, b->buf, (size_t)b->len, (size_t)cap, 1);
		b->cap = cap;
	}
	memcpy(b->buf + b->len, s, (size_t)n);
	b->len += n;
	b->buf[b->len] = 0;
}

/* Appends text with the current inline style as a span (merged with the last span
 * when the style is the same). */
static void text(builder *b, const char *s, int n, int code)
{
	if (n <= 0)
		return;
	int start = b->len;
	append(b, s, n);
	if (!b->strong && !b->emph && !b->uri && !code)
		return;
	tk_span *last = b->n_spans ? &b->spans[b->n_spans - 1] : NULL;
	if (last && last->end == start && last->strong == b->strong && last->emph == b->emph &&
	    last->uri == b->uri && last->code == code) {
		last->end = b->len;
		return;
	}
	if (b->n_spans == b->cap_spans) {
		int cap = b->cap_spans ? b->cap_spans * 2 : 8;
		b->spans = tk_arena_grow(b->a, b->spans, (size_t)b->n_spans, (size_t)cap,
		                         sizeof(tk_span));
		b->cap_spans = cap;
	}
	b->spans[b->n_spans++] = (tk_span){.start = start, .end = b->len, .strong = b->strong,
	                                   .emph = b->emph, .uri = b->uri, .code = code};
}

static const tk_pstyle *style_for(const tk_para_styles *ps, tk_para_kind kind, int level)
{
	const tk_layout *l = ps->layout;
	const tk_pstyle *s = NULL;
	char name[32];
	switch (kind) {
	case TK_PARA_HEADING:
		snprintf(name, sizeof name, "heading%d", level);
		s = tk_layout_pstyle(l, name);
		if (!s)
			s = tk_layout_pstyle(l, "heading");
		break;
	case TK_PARA_QUOTE:
		s = tk_layout_pstyle(l, "quote");
		break;
	case TK_PARA_ITEM:
		s = tk_layout_pstyle(l, "bullet");
		break;
	case TK_PARA_CAPTION:
		s = tk_layout_pstyle(l, "caption");
		break;
	case TK_PARA_FIGURE:
	case TK_PARA_BODY:
		break;
	}
	return s ? s : ps->base;
}

static void start_para(builder *b, int line)
{
	b->buf = NULL;
	b->len = b->cap = 0;
	b->spans = NULL;
	b->n_spans = b->cap_spans = 0;
	b->line = line;
}

static void end_para(builder *b)
{
	/* Trim trailing spaces and line separators. */
	while (b->len > 0 && b->buf[b->len - 1] == ' ')
		b->len--;
	if (b->len == 0)
		return;
	b->buf[b->len] = 0;
	tk_para *p = TK_NEW(b->a, tk_para);
	p->text = b->buf;
	p->len = b->len;
	p->spans = b->spans;
	p->n_spans = b->n_spans;
	for (int i = 0; i < p->n_spans; i++)
		if (p->spans[i].end > p->len)
			p->spans[i].end = p->len;
	if (b->figure) {
		p->kind = (tk_para_kind)b->figure;
	} else if (b->heading) {
		p->kind = TK_PARA_HEADING;
		p->level = b->heading;
	} else if (b->list_depth) {
		p->kind = TK_PARA_ITEM;
		p->level = b->list_depth;
		if (b->item_first) {
			int d = b->list_depth - 1;
			if (d > 15)
				d = 15; /* deeper lists number like the 16th level */
			if (b->list_ordered[d])
				p->marker = tk_arena_printf(b->a, "%d.", b->list_num[d]);
			b->item_first = 0;
		} else {
			p->continued = 1;
		}
	} else if (b->quote) {
		p->kind = TK_PARA_QUOTE;
	}
	p->style = style_for(b->ps, p->kind, p->level);
	/* The first paragraph of a text or after a heading is not indented: it takes
	 * the layout's "first" style when there is one. */
	if (p->kind == TK_PARA_BODY && (!b->tail || b->tail->kind == TK_PARA_HEADING) &&
	    p->style == b->ps->base && strcmp(b->ps->base->name, "body") == 0) {
		const tk_pstyle *first = tk_layout_pstyle(b->ps->layout, "first");
		if (first)
			p->style = first;
	}
	if (p->kind == TK_PARA_ITEM && !p->marker && !p->continued)
		p->marker = p->style->bullet;
	p->loc = *b->loc;
	p->loc.line += b->line > 0 ? b->line - 1 : 0;
	if (b->line > 1)
		p->loc.col = 1;
	if (b->tail)
		b->tail->next = p;
	else
		b->head = p;
	b->tail = p;
}

static tk_para *plain_lines(tk_arena *a, const char *s, const tk_loc *loc,
                            const tk_para_styles *ps)
{
	builder b = {.a = a, .ps = ps, .loc = loc};
	int line = 1;
	while (*s) {
		const char *e = strchr(s, '\n');
		int n = e ? (int)(e - s) : (int)strlen(s);
		start_para(&b, line);
		text(&b, s, n, 0);
		end_para(&b);
		s += n + (e ? 1 : 0);
		line++;
	}
	return b.head;
}

tk_para *tk_markdown_parse(tk_arena *a, const char *src, int markdown, const tk_loc *loc,
                           const tk_para_styles *ps)
{
	if (!src || !*src)
		return NULL;
	if (!markdown)
		return plain_lines(a, src, loc, ps);
	cmark_node *doc = cmark_parse_document(src, strlen(src), CMARK_OPT_DEFAULT);
	cmark_iter *it = cmark_iter_new(doc);
	builder b = {.a = a, .ps = ps, .loc = loc, .image_start = -1};
	cmark_event_type ev;
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *n = cmark_iter_get_node(it);
		int enter = ev == CMARK_EVENT_ENTER;
		switch (cmark_node_get_type(n)) {
		case CMARK_NODE_PARAGRAPH:
		case CMARK_NODE_CODE_BLOCK:
			if (enter || cmark_node_get_type(n) == CMARK_NODE_CODE_BLOCK) {
				start_para(&b, cmark_node_get_start_line(n));
				if (cmark_node_get_type(n) == CMARK_NODE_CODE_BLOCK) {
					const char *lit = cmark_node_get_literal(n);
					int len = (int)strlen(lit);
					while (len && lit[len - 1] == '\n')
						len--;
					text(&b, lit, len, 1);
					end_para(&b);
				}
			} else {
				end_para(&b);
			}
			break;
		case CMARK_NODE_HEADING:
			if (enter) {
				b.heading = cmark_node_get_heading_level(n);
				start_para(&b, cmark_node_get_start_line(n));
			} else {
				end_para(&b);
				b.heading = 0;
			}
			break;
		case CMARK_NODE_BLOCK_QUOTE:
			b.quote += enter ? 1 : -1;
			break;
		case CMARK_NODE_LIST:
			if (enter) {
				if (b.list_depth < 16) {
					b.list_ordered[b.list_depth] =
					    cmark_node_get_list_type(n) == CMARK_ORDERED_LIST;
					b.list_num[b.list_depth] = cmark_node_get_list_start(n) - 1;
				}
				b.list_depth++;
			} else {
				b.list_depth--;
			}
			break;
		case CMARK_NODE_ITEM:
			if (enter && b.list_depth <= 16) {
				b.list_num[b.list_depth - 1]++;
				b.item_first = 1;
			}
			break;
		case CMARK_NODE_TEXT: {
			const char *lit = cmark_node_get_literal(n);
			text(&b, lit, (int)strlen(lit), 0);
			break;
		}
		case CMARK_NODE_CODE: {
			const char *lit = cmark_node_get_literal(n);
			text(&b, lit, (int)strlen(lit), 1);
			break;
		}
		case CMARK_NODE_SOFTBREAK:
			text(&b, " ", 1, 0);
			break;
		case CMARK_NODE_LINEBREAK:
			text(&b, "\xE2\x80\xA8", 3, 0); /* U+2028 LINE SEPARATOR */
			break;
		case CMARK_NODE_EMPH:
			b.emph += enter ? 1 : -1;
			break;
		case CMARK_NODE_STRONG:
			b.strong += enter ? 1 : -1;
			break;
		case CMARK_NODE_IMAGE:
			if (enter) {
				b.image_start = b.len;
				b.image_url = tk_arena_strdup(a, cmark_node_get_url(n));
			} else if (b.image_start == 0 && !cmark_node_next(n) &&
			           cmark_node_get_type(cmark_node_parent(n)) == CMARK_NODE_PARAGRAPH) {
				/* An image alone in its paragraph: a figure, then its caption. */
				const char *dir = loc->file ? strrchr(loc->file, '/') : NULL;
				int caption_len = b.len;
				char *caption = tk_arena_strndup(a, b.buf ? b.buf : "", (size_t)caption_len);
				tk_span *spans = b.spans;
				int n_spans = b.n_spans;
				start_para(&b, b.line);
				const char *url = b.image_url;
				if (url[0] != '/' && dir)
					url = tk_arena_printf(a, "%.*s/%s", (int)(dir - loc->file), loc->file, url);
				text(&b, url, (int)strlen(url), 0);
				b.figure = TK_PARA_FIGURE;
				end_para(&b);
				start_para(&b, b.line);
				if (caption_len) {
					append(&b, caption, caption_len);
					b.spans = spans;
					b.n_spans = b.cap_spans = n_spans;
				}
				b.figure = TK_PARA_CAPTION;
				end_para(&b);
				b.figure = 0;
				start_para(&b, b.line);
			}
			if (!enter)
				b.image_start = -1;
			break;
		case CMARK_NODE_LINK:
			b.uri = enter ? tk_arena_strdup(a, cmark_node_get_url(n)) : NULL;
			break;
		default:
			/* HTML, images, thematic breaks: not print content. */
			break;
		}
	}
	cmark_iter_free(it);
	cmark_node_free(doc);
	return b.head;
}

tk_para *tk_para_tail(tk_arena *a, const tk_para *p, int off)
{
	tk_para *t = TK_NEW(a, tk_para);
	*t = *p;
	t->text = p->text + off;
	t->len = p->len - off;
	t->marker = NULL;
	t->tail = 1;
	t->whole = p->whole ? p->whole : p;
	if (p->kind == TK_PARA_ITEM)
		t->continued = 1;
	t->spans = TK_NEWN(a, tk_span, p->n_spans ? p->n_spans : 1);
	t->n_spans = 0;
	for (int i = 0; i < p->n_spans; i++) {
		tk_span sp = p->spans[i];
		if (sp.end <= off)
			continue;
		sp.start = sp.start > off ? sp.start - off : 0;
		sp.end -= off;
		t->spans[t->n_spans++] = sp;
	}
	return t;
}
