/* test_downsample.c - pictures placed far above print resolution: resampled to
 * 300 ppi (never under), the file's own pixels below 450 ppi, one copy per size,
 * a copy reused where it is at print resolution, the size read from the header,
 * and area averaging (flat colours stay exact, alpha weights the colours). */
#include "unit.h"

#include "arena.h"
#include "img/image.h"

#include <png.h>
#include <stdio.h>
#include <stdlib.h>

/* A w x h RGBA PNG: left half red, right half blue; alpha 0 in the top row when
 * clear_top (with green there, which must not bleed into the average). */
static int write_rgba(const char *path, int w, int h, int clear_top)
{
	FILE *f = fopen(path, "wb");
	if (!f)
		return -1;
	png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
	png_infop info = png_create_info_struct(png);
	if (setjmp(png_jmpbuf(png))) {
		png_destroy_write_struct(&png, &info);
		fclose(f);
		return -1;
	}
	png_init_io(png, f);
	png_set_IHDR(png, info, (png_uint_32)w, (png_uint_32)h, 8, PNG_COLOR_TYPE_RGB_ALPHA,
	             PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
	png_write_info(png, info);
	unsigned char *row = malloc((size_t)w * 4);
	for (int y = 0; y < h; y++) {
		for (int x = 0; x < w; x++) {
			unsigned char *p = row + x * 4;
			int left = x < w / 2;
			p[0] = left ? 255 : 0;
			p[1] = 0;
			p[2] = left ? 0 : 255;
			p[3] = 255;
			if (clear_top && y == 0) {
				p[0] = p[2] = 0;
				p[1] = 255;
				p[3] = 0;
			}
		}
		png_write_row(png, row);
	}
	png_write_end(png, NULL);
	png_destroy_write_struct(&png, &info);
	free(row);
	fclose(f);
	return 0;
}

TK_TEST(downsample_sizes_and_cache)
{
	const char *path = "/tmp/trykk-t-ds.png";
	OK(write_rgba(path, 1200, 600, 0) == 0);
	tk_arena *a = tk_arena_new();
	tk_images *c = tk_images_new(a, NULL);
	int w = 0, h = 0;
	OK(tk_images_size(c, NULL, path, NULL, &w, &h) == 0);
	EQ(w, 1200);
	EQ(h, 600);
	/* 1200 px over 1 inch: 1200 ppi, resampled to 300 x 150. */
	const tk_image *small = tk_images_load_for(c, NULL, path, NULL, 72, 36);
	OK(small != NULL);
	if (!small)
		goto out;
	EQ(small->width, 300);
	EQ(small->height, 150);
	/* Flat areas keep their exact colour; the seam is a mix. */
	EQ(small->rgb[0], 255);
	EQ(small->rgb[2], 0);
	EQ(small->rgb[299 * 3 + 2], 255);
	OK(small->alpha == NULL);
	/* The same size again: the same image, converted once. */
	OK(tk_images_load_for(c, NULL, path, NULL, 72, 36) == small);
	/* A bit smaller (300 px over 0.8 in = 375 ppi): that copy serves. */
	OK(tk_images_load_for(c, NULL, path, NULL, 57.6, 28.8) == small);
	/* Never under 300 ppi: 1.1 in wide needs 330 px. */
	const tk_image *mid = tk_images_load_for(c, NULL, path, NULL, 79.2, 39.6);
	OK(mid != NULL && mid->width == 330 && mid->height == 165);
	/* 400 ppi is below the threshold: the file's own pixels. */
	const tk_image *full = tk_images_load_for(c, NULL, path, NULL, 216, 108);
	OK(full != NULL && full->width == 1200 && full->height == 600);
	OK(tk_images_load(c, NULL, path, NULL) == full);
out:
	tk_arena_free(a);
	remove(path);
}

TK_TEST(downsample_alpha_weighted)
{
	const char *path = "/tmp/trykk-t-dsa.png";
	OK(write_rgba(path, 800, 800, 1) == 0);
	tk_arena *a = tk_arena_new();
	tk_images *c = tk_images_new(a, NULL);
	/* 800 px over 1 in, to 300 x 300: the first output row mixes the clear green
	 * row with opaque red; green must not show, alpha must drop. */
	const tk_image *img = tk_images_load_for(c, NULL, path, NULL, 72, 72);
	OK(img != NULL);
	if (img) {
		EQ(img->width, 300);
		OK(img->alpha != NULL);
		if (img->alpha) {
			OK(img->alpha[0] < 255 && img->alpha[0] > 0);
			EQ(img->alpha[300 * 150], 255);
		}
		EQ(img->rgb[0], 255);
		EQ(img->rgb[1], 0);
	}
	tk_arena_free(a);
	remove(path);
}
