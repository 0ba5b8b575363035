/* pngdiff.c - compares two PNG files pixel by pixel, for the pixel tests.
 *
 *   pngdiff A.png B.png [MAX_PERCENT [CHANNEL_TOLERANCE]]
 *
 * A pixel differs when any channel differs by more than CHANNEL_TOLERANCE (default
 * 24 of 255, so anti-aliasing noise passes). Exits 0 when at most MAX_PERCENT
 * (default 0.5) of the pixels differ, 1 when more do or the sizes differ, 2 on bad
 * files. Prints what it found either way. */
#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static unsigned char *load(const char *path, unsigned *w, unsigned *h)
{
	png_image img;
	memset(&img, 0, sizeof img);
	img.version = PNG_IMAGE_VERSION;
	if (!png_image_begin_read_from_file(&img, path)) {
		fprintf(stderr, "pngdiff: %s: %s\n", path, img.message);
		return NULL;
	}
	img.format = PNG_FORMAT_RGB;
	unsigned char *buf = malloc(PNG_IMAGE_SIZE(img));
	if (!buf || !png_image_finish_read(&img, NULL, buf, 0, NULL)) {
		fprintf(stderr, "pngdiff: %s: %s\n", path, img.message);
		free(buf);
		return NULL;
	}
	*w = img.width;
	*h = img.height;
	return buf;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: pngdiff A.png B.png [MAX_PERCENT [TOLERANCE]]\n");
		return 2;
	}
	double maxp = argc > 3 ? atof(argv[3]) : 0.5;
	int tol = argc > 4 ? atoi(argv[4]) : 24;
	unsigned aw, ah, bw, bh;
	unsigned char *a = load(argv[1], &aw, &ah), *b = load(argv[2], &bw, &bh);
	if (!a || !b) {
		free(a);
		free(b);
		return 2;
	}
	if (aw != bw || ah != bh) {
		printf("pngdiff: sizes differ: %ux%u vs %ux%u\n", aw, ah, bw, bh);
		free(a);
		free(b);
		return 1;
	}
	size_t n = (size_t)aw * ah, bad = 0;
	for (size_t i = 0; i < n; i++) {
		for (int c = 0; c < 3; c++) {
			if (abs(a[i * 3 + c] - b[i * 3 + c]) > tol) {
				bad++;
				break;
			}
		}
	}
	double pct = 100.0 * (double)bad / (double)n;
	printf("pngdiff: %zu of %zu pixels differ (%.3f%%, limit %.3f%%)\n", bad, n, pct, maxp);
	free(a);
	free(b);
	return pct <= maxp ? 0 : 1;
}
