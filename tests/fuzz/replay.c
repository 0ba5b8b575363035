/* replay.c - runs a fuzz target over files without libFuzzer, for `make check`.
 *
 * Linked with one target (fuzz_model.c or fuzz_layout.c) by any C compiler, it calls
 * the target's LLVMFuzzerInitialize once and LLVMFuzzerTestOneInput on each file
 * named, or on each file in each folder named. A reproducer that crashes, hangs or
 * trips a sanitizer fails the run the way it failed under libFuzzer; one that passes
 * prints "ok FILE". Ends with "N passed, N failed" like the other suites (a file
 * counts as failed only when it cannot be read: a crash ends the process). */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int passed, failed;

static void run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		printf("FAIL %s: cannot read\n", path);
		failed++;
		return;
	}
	size_t cap = 4096, n = 0, got;
	unsigned char *buf = malloc(cap);
	while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
		n += got;
		if (n == cap) {
			unsigned char *nb = realloc(buf, cap * 2);
			if (!nb) {
				free(buf);
				buf = NULL;
				break;
			}
			buf = nb;
			cap *= 2;
		}
	}
	int err = ferror(f);
	fclose(f);
	if (!buf || err) {
		printf("FAIL %s: cannot read\n", path);
		free(buf);
		failed++;
		return;
	}
	/* Exactly the bytes, in a buffer of exactly that size, as libFuzzer passes them,
	 * so a read past the end is caught. */
	unsigned char *exact = malloc(n ? n : 1);
	if (exact) {
		memcpy(exact, buf, n);
		LLVMFuzzerTestOneInput(exact, n);
	}
	free(exact);
	free(buf);
	printf("ok %s\n", path);
	fflush(stdout);
	passed++;
}

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void run_dir(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d) {
		printf("FAIL %s: cannot open\n", dir);
		failed++;
		return;
	}
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			char **nn = realloc(names, cap * sizeof *names);
			if (!nn)
				break;
			names = nn;
		}
		size_t len = strlen(dir) + strlen(de->d_name) + 2;
		names[n] = malloc(len);
		if (!names[n])
			break;
		snprintf(names[n], len, "%s/%s", dir, de->d_name);
		n++;
	}
	closedir(d);
	if (names)
		qsort(names, n, sizeof *names, cmp);
	for (size_t i = 0; i < n; i++) {
		struct stat st;
		if (stat(names[i], &st) == 0 && S_ISREG(st.st_mode))
			run_file(names[i]);
		free(names[i]);
	}
	free(names);
}

int main(int argc, char **argv)
{
	/* Paths are taken before the target may chdir to the project folder. */
	char cwd[4096];
	if (!getcwd(cwd, sizeof cwd)) {
		perror("getcwd");
		return 2;
	}
	char **abs = calloc((size_t)argc, sizeof *abs);
	for (int i = 1; abs && i < argc; i++) {
		size_t len = strlen(cwd) + strlen(argv[i]) + 2;
		abs[i] = malloc(len);
		if (abs[i])
			snprintf(abs[i], len, "%s%s%s", argv[i][0] == '/' ? "" : cwd,
			         argv[i][0] == '/' ? "" : "/", argv[i]);
	}
	LLVMFuzzerInitialize(&argc, &argv);
	for (int i = 1; abs && i < argc; i++) {
		struct stat st;
		if (!abs[i])
			continue;
		if (stat(abs[i], &st) == 0 && S_ISDIR(st.st_mode))
			run_dir(abs[i]);
		else
			run_file(abs[i]);
	}
	for (int i = 1; abs && i < argc; i++)
		free(abs[i]);
	free(abs);
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
