/* main.c - runs every registered unit test; ends with "N passed, N failed". */
#include "unit.h"

#include <stdlib.h>

#define MAX_TESTS 1024

static struct {
	const char *name;
	tk_test_fn fn;
} tests[MAX_TESTS];
static int n_tests, passed, failed, cur_failed;
char tk_test_msg[512];

void tk_test_register(const char *name, tk_test_fn fn)
{
	if (n_tests < MAX_TESTS) {
		tests[n_tests].name = name;
		tests[n_tests].fn = fn;
		n_tests++;
	}
}

void tk_test_check(int ok, const char *file, int line, const char *what)
{
	if (!ok) {
		fprintf(stderr, "%s:%d: check failed: %s\n", file, line, what);
		cur_failed++;
	}
}

void tk_test_streq(const char *a, const char *b, const char *ea, const char *eb,
                   const char *file, int line)
{
	if (a && b && strcmp(a, b) == 0)
		return;
	fprintf(stderr, "%s:%d: check failed: %s == %s\n  got:  \"%s\"\n  want: \"%s\"\n", file,
	        line, ea, eb, a ? a : "(null)", b ? b : "(null)");
	cur_failed++;
}

static int cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int main(int argc, char **argv)
{
	/* Sorted by name so the order does not depend on link order. */
	qsort(tests, (size_t)n_tests, sizeof tests[0], cmp);
	for (int i = 0; i < n_tests; i++) {
		if (argc > 1 && !strstr(tests[i].name, argv[1]))
			continue;
		cur_failed = 0;
		tests[i].fn();
		if (cur_failed) {
			failed++;
			fprintf(stderr, "FAIL %s\n", tests[i].name);
		} else {
			passed++;
		}
	}
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
