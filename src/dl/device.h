/* device.h - the device interface every backend implements.
 *
 * tk_dl_run replays a page's items into a device under a matrix, expanding placed
 * pages (imposition) recursively, so a backend never walks the list itself. All
 * geometry handed to a device is already in the device's page space (points, y
 * down, origin at the top-left of the *media* the device chose in begin_page).
 *
 * A device sets failed (and has reported why) when its library returns an error;
 * the replay goes on harmlessly and the caller checks failed at the end. */
#ifndef TK_DEVICE_H
#define TK_DEVICE_H
#include "dl.h"

typedef struct tk_device tk_device;

struct tk_device {
	/* Which items to show: print output shows marks, screen and proofs do not. */
	int show_marks;
	int show_links;
	int failed;
	/* Start a page whose trim is page->w x page->h. The device returns in *m the
	 * matrix from page space to its media space (e.g. translate by bleed+slug for
	 * print, identity for screen). */
	void (*begin_page)(tk_device *dev, const tk_page *page, tk_matrix *m);
	void (*end_page)(tk_device *dev, const tk_page *page);
	void (*fill_path)(tk_device *dev, const tk_path *p, const tk_matrix *m, tk_cmyk c);
	void (*stroke_path)(tk_device *dev, const tk_path *p, const tk_matrix *m, tk_cmyk c,
	                    float line_width);
	/* Glyph positions are in page space; m maps them to media. */
	void (*glyphs)(tk_device *dev, const tk_glyph_run *run, const tk_matrix *m);
	/* m maps the image's unit square (0,0)-(1,1), y down, onto the media. */
	void (*image)(tk_device *dev, const tk_image *img, const tk_matrix *m);
	void (*clip_push)(tk_device *dev, const tk_path *p, const tk_matrix *m);
	void (*clip_pop)(tk_device *dev);
	/* Optional (may be NULL). */
	void (*link)(tk_device *dev, const tk_item *it, const tk_matrix *m);
	void (*dest)(tk_device *dev, const tk_item *it, const tk_matrix *m);
	/* Optional: draws a shared page body (dl.h) placed under m, or returns 0 to
	 * have its items replayed in place. depth is that of its items. */
	int (*shared_page)(tk_device *dev, const tk_page *body, const tk_matrix *m, int depth);
};

/* Replays one page: begin_page, every item, end_page. */
void tk_dl_run_page(tk_device *dev, const tk_page *page);
/* Replays the items of page under m without begin/end (used for placed pages). */
void tk_dl_run_items(tk_device *dev, const tk_page *page, const tk_matrix *m, int depth);

#endif
