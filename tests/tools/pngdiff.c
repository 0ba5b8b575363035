/* pngdiff.c - compares two PNG files pixel by pixel, for the pixel tests.
 *
 *   pngdiff A.png B.png [MAX_PERCENT [CHANNEL_TOLERANCE]]
 *
 * A pixel differs when any channel differs by more than CHANNEL_TOLERANCE (default
 * 24 of 255, so anti-aliasing noise passes). Exits 0 when at most MAX_PERCENT
 * (default 0.5) of the pixels differ, 1 when more do or the sizes differ, 2 on bad
 * files. Prints what it found either way.
 *
 * It also does the few picture chores the tests need, so they need no ImageMagick:
 *   pngdiff --append A.png B.png OUT.png   A and B side by side (heights must match)
 *   pngdiff --shrink N IN.png OUT.png      IN reduced N times (box average)
 *   pngdiff --pixel IN.png X Y             prints the pixel's R,G,B (0-255) */
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

static int save(const char *path, const unsigned char *buf, unsigned w, unsigned h)
{
	png_image img;
	memset(&img, 0, sizeof img);
	img.version = PNG_IMAGE_VERSION;
	img.width = w;
	img.height = h;
	img.format = PNG_FORMAT_RGB;
	if (!png_image_write_to_file(&img, path, 0, buf, 0, NULL)) {
		fprintf(stderr, "pngdiff: %s: %s\n", path, img.message);
		return 2;
	}
	return 0;
}

static int chores(int argc, char **argv)
{
	unsigned w, h, bw, bh;
	if (strcmp(argv[1], "--append") == 0 && argc == 5) {
		unsigned char *a = load(argv[2], &w, &h), *b = load(argv[3], &bw, &bh);
		int rc = 2;
		if (a && b && h == bh) {
			unsigned char *o = malloc((size_t)(w + bw) * h * 3);
			for (unsigned y = 0; o && y < h; y++) {
				memcpy(o + (size_t)y * (w + bw) * 3, a + (size_t)y * w * 3, (size_t)w * 3);
				memcpy(o + ((size_t)y * (w + bw) + w) * 3, b + (size_t)y * bw * 3,
				       (size_t)bw * 3);
			}
			rc = o ? save(argv[4], o, w + bw, h) : 2;
			free(o);
		} else if (a && b) {
			fprintf(stderr, "pngdiff: heights differ: %u vs %u\n", h, bh);
		}
		free(a);
		free(b);
		return rc;
	}
	if (strcmp(argv[1], "--shrink") == 0 && argc == 5) {
		unsigned n = (unsigned)atoi(argv[2]);
		unsigned char *a = load(argv[3], &w, &h);
		if (!a || n < 1 || w < n || h < n) {
			free(a);
			return 2;
		}
		unsigned ow = w / n, oh = h / n;
		unsigned char *o = malloc((size_t)ow * oh * 3);
		for (unsigned y = 0; o && y < oh; y++)
			for (unsigned x = 0; x < ow; x++)
				for (int c = 0; c < 3; c++) {
					unsigned sum = 0;
					for (unsigned j = 0; j < n; j++)
						for (unsigned i = 0; i < n; i++)
							sum += a[((size_t)(y * n + j) * w + x * n + i) * 3 + c];
					o[((size_t)y * ow + x) * 3 + c] = (unsigned char)((sum + n * n / 2) / (n * n));
				}
		int rc = o ? save(argv[4], o, ow, oh) : 2;
		free(o);
		free(a);
		return rc;
	}
	if (strcmp(argv[1], "--pixel") == 0 && argc == 5) {
		unsigned char *a = load(argv[2], &w, &h);
		unsigned x = (unsigned)atoi(argv[3]), y = (unsigned)atoi(argv[4]);
		if (!a || x >= w || y >= h) {
			free(a);
			return 2;
		}
		const unsigned char *p = a + ((size_t)y * w + x) * 3;
		printf("%d,%d,%d\n", p[0], p[1], p[2]);
		free(a);
		return 0;
	}
	fprintf(stderr, "pngdiff: bad arguments to %s\n", argv[1]);
	return 2;
}

int main(int argc, char **argv)
{
	if (argc > 1 && strncmp(argv[1], "--", 2) == 0)
		return chores(argc, argv);
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
