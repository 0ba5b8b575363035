/* test_color.c - colour conversion: the built-in FOGRA39L profile, the naive
 * fallback, single-colour caching and the profile errors. */
#include "unit.h"

#include "img/color.h"

#include <lcms2.h>
#include <stdlib.h>

#define PROFILE "layouts/icc/trykk-FOGRA39L.icc"

/* A reporter writing to a temporary file; color_msgs returns what it printed
 * (static buffer) and frees both. */
static char color_out[2048];

static tk_diag *color_diag(FILE **f)
{
	*f = tmpfile();
	return tk_diag_new(*f);
}

static const char *color_msgs(tk_diag *d, FILE *f)
{
	fflush(f);
	rewind(f);
	size_t n = fread(color_out, 1, sizeof color_out - 1, f);
	color_out[n] = 0;
	fclose(f);
	tk_diag_free(d);
	return color_out;
}

TK_TEST(color_profile_loads)
{
	FILE *f;
	tk_diag *d = color_diag(&f);
	tk_color *c = tk_color_new(PROFILE, d, NULL);
	OK(c != NULL);
	EQ(tk_diag_errors(d), 0);
	tk_color_free(c);
	color_msgs(d, f);

	/* The file itself: an output-class CMYK profile, small enough to embed in
	 * every print PDF's OutputIntent. */
	cmsHPROFILE h = cmsOpenProfileFromFile(PROFILE, "r");
	OK(h != NULL);
	if (h) {
		OK(cmsGetDeviceClass(h) == cmsSigOutputClass);
		OK(cmsGetColorSpace(h) == cmsSigCmykData);
		cmsCloseProfile(h);
	}
	FILE *p = fopen(PROFILE, "rb");
	OK(p != NULL);
	if (p) {
		fseek(p, 0, SEEK_END);
		long size = ftell(p);
		OK(size > 10000 && size < 2 * 1024 * 1024);
		fclose(p);
	}
}

TK_TEST(color_rgb_to_cmyk_icc)
{
	tk_color *c = tk_color_new(PROFILE, NULL, NULL);
	OK(c != NULL);
	if (!c)
		return;
	unsigned char rgb[] = {255, 255, 255, 0, 0, 0, 0, 158, 224, 128, 128, 128};
	unsigned char cmyk[4 * 4];
	tk_color_rgb_to_cmyk(c, rgb, cmyk, 4);
	/* White is paper: no ink at all. */
	EQ(cmyk[0] + cmyk[1] + cmyk[2] + cmyk[3], 0);
	/* Black is rich black with heavy K, under the 330 % total ink limit. */
	OK(cmyk[7] > 200);
	int tac = cmyk[4] + cmyk[5] + cmyk[6] + cmyk[7];
	OK(tac <= 330 * 255 / 100 + 3);
	OK(tac > 255 * 2);
	/* An sRGB blue close to process cyan: mostly cyan ink, little magenta, no
	 * yellow worth naming. */
	OK(cmyk[8] > 150);
	OK(cmyk[9] < cmyk[8] / 2);
	OK(cmyk[10] < 20);
	/* Mid grey: balanced (C a little above M and Y, as grey balance wants). */
	OK(cmyk[12] >= cmyk[13]);
	OK(abs(cmyk[13] - cmyk[14]) < 25);
	tk_color_free(c);
}

TK_TEST(color_cmyk_to_rgb_icc)
{
	tk_color *c = tk_color_new(PROFILE, NULL, NULL);
	OK(c != NULL);
	if (!c)
		return;
	double rgb[3];
	tk_color_cmyk_to_rgb(c, (tk_cmyk){0, 0, 0, 0}, rgb);
	NEAR(rgb[0], 1, 0.01);
	NEAR(rgb[1], 1, 0.01);
	NEAR(rgb[2], 1, 0.01);
	tk_color_cmyk_to_rgb(c, (tk_cmyk){0, 0, 0, 1}, rgb);
	OK(rgb[0] < 0.25 && rgb[1] < 0.25 && rgb[2] < 0.25);
	/* Process cyan on screen: red low, blue high. */
	tk_color_cmyk_to_rgb(c, (tk_cmyk){1, 0, 0, 0}, rgb);
	OK(rgb[0] < 0.2);
	OK(rgb[2] > 0.8);

	/* Cached and uncached answers agree, also after the slot is reused. */
	double a[3], b[3];
	tk_color_cmyk_to_rgb(c, (tk_cmyk){0.2f, 0.4f, 0.6f, 0.1f}, a);
	for (int i = 0; i < 1000; i++) {
		double x[3];
		tk_color_cmyk_to_rgb(c, (tk_cmyk){i / 1000.0f, 0.5f, 0, 0}, x);
	}
	tk_color_cmyk_to_rgb(c, (tk_cmyk){0.2f, 0.4f, 0.6f, 0.1f}, b);
	NEAR(a[0], b[0], 0);
	NEAR(a[1], b[1], 0);
	NEAR(a[2], b[2], 0);

	/* The pixel path agrees with the single-colour path to within 8-bit steps. */
	unsigned char px[4] = {51, 102, 153, 26}, out[3];
	tk_color_cmyk_to_rgb_buf(c, px, out, 1);
	NEAR(out[0] / 255.0, a[0], 0.02);
	NEAR(out[1] / 255.0, a[1], 0.02);
	NEAR(out[2] / 255.0, a[2], 0.02);
	tk_color_free(c);
}

TK_TEST(color_naive)
{
	tk_color *c = tk_color_new(NULL, NULL, NULL);
	OK(c != NULL);
	unsigned char rgb[] = {255, 255, 255, 0, 0, 0, 255, 0, 0, 128, 128, 128};
	unsigned char cmyk[16];
	tk_color_rgb_to_cmyk(c, rgb, cmyk, 4);
	EQ(cmyk[0] + cmyk[1] + cmyk[2] + cmyk[3], 0);
	EQ(cmyk[4], 0);
	EQ(cmyk[7], 255);
	EQ(cmyk[8], 0);
	EQ(cmyk[9], 255);
	EQ(cmyk[10], 255);
	EQ(cmyk[11], 0);
	/* Grey goes on the black plate only. */
	EQ(cmyk[12], 0);
	EQ(cmyk[15], 127);
	unsigned char back[12];
	tk_color_cmyk_to_rgb_buf(c, cmyk, back, 4);
	for (int i = 0; i < 12; i++)
		OK(abs(back[i] - rgb[i]) <= 1);
	double r[3];
	tk_color_cmyk_to_rgb(c, (tk_cmyk){0, 1, 1, 0.5f}, r);
	NEAR(r[0], 0.5, 1e-4);
	NEAR(r[1], 0, 1e-9);
	/* Out-of-range and NaN inks are clamped, not passed on. */
	tk_color_cmyk_to_rgb(c, (tk_cmyk){-1, 2, NAN, 0}, r);
	NEAR(r[0], 1, 1e-9);
	NEAR(r[1], 0, 1e-9);
	NEAR(r[2], 1, 1e-9);
	tk_color_free(c);
	tk_color_free(NULL);
}

TK_TEST(color_profile_errors)
{
	FILE *f;
	tk_diag *d = color_diag(&f);
	tk_loc loc = {"layouts/x.yaml", 3, 7};
	OK(tk_color_new("/tmp/trykk-no-such.icc", d, &loc) == NULL);
	EQ(tk_diag_errors(d), 1);
	const char *m = color_msgs(d, f);
	OK(strstr(m, "layouts/x.yaml:3:7: error: cannot read ICC profile "
	             "'/tmp/trykk-no-such.icc': No such file or directory") != NULL);

	/* Not a profile at all. */
	FILE *t = fopen("/tmp/trykk-test-text.icc", "w");
	fputs("this is not an ICC profile\n", t);
	fclose(t);
	d = color_diag(&f);
	OK(tk_color_new("/tmp/trykk-test-text.icc", d, &loc) == NULL);
	m = color_msgs(d, f);
	OK(strstr(m, "error: '/tmp/trykk-test-text.icc' is not a readable ICC profile") !=
	   NULL);

	/* A real profile of the wrong kind: sRGB is an RGB display profile. */
	cmsHPROFILE srgb = cmsCreate_sRGBProfile();
	OK(cmsSaveProfileToFile(srgb, "/tmp/trykk-test-srgb.icc"));
	cmsCloseProfile(srgb);
	d = color_diag(&f);
	OK(tk_color_new("/tmp/trykk-test-srgb.icc", d, &loc) == NULL);
	m = color_msgs(d, f);
	OK(strstr(m, "error: '/tmp/trykk-test-srgb.icc' is not a CMYK output profile (colour "
	             "space RGB, class display)") != NULL);
	remove("/tmp/trykk-test-text.icc");
	remove("/tmp/trykk-test-srgb.icc");
}
