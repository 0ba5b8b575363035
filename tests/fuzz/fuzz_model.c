/* fuzz_model.c - libFuzzer target: bytes -> YAML tree -> content model and layout model.
 *
 * The input is read once as a YAML document (src/yaml/tree.c: libyaml events, marks,
 * limits, aliases, merge keys); when it parses, the same tree is read both as a
 * content file (src/model/content.c) and as a layout file (src/model/layout.c with
 * the two font families trykk ships), so every getter, unit parser, colour, style
 * inheritance and key check sees hostile values. Every message is formatted (with
 * source line and caret, src/diag.c) into /dev/null, or to stderr when
 * TRYKK_FUZZ_VERBOSE is set. Nothing is written.
 *
 * Files named by the input (pictures, CSV) are looked up relative to the project
 * folder, and the path guard (src/paths.c) keeps them inside it; the target chdirs to
 * the project folder (TRYKK_ROOT, or the folder it was built in) before the first
 * input. Built by `make fuzz` with clang -fsanitize=fuzzer; tests/fuzz/replay.c gives
 * the same function a main() for replaying reproducers without libFuzzer. */
#include "diag.h"
#include "model/model.h"
#include "paths.h"
#include "yaml/tree.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#ifndef TRYKK_ROOT
#define TRYKK_ROOT "."
#endif

static FILE *sink;
static tk_paths *paths;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	const char *root = getenv("TRYKK_ROOT");
	if (!root || !*root)
		root = TRYKK_ROOT;
	if (chdir(root) != 0) {
		perror(root);
		exit(2);
	}
	sink = getenv("TRYKK_FUZZ_VERBOSE") ? stderr : fopen("/dev/null", "w");
	if (!sink)
		sink = stderr;
	tk_diag *d = tk_diag_new(stderr);
	paths = tk_paths_new(".", d);
	tk_diag_free(d);
	if (!paths)
		exit(2);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const families[] = {"Noto Serif", "Lato"};
	tk_arena *a = tk_arena_new();
	tk_diag *d = tk_diag_new(sink);
	tk_diag_set_level(d, TK_NOTE);
	/* A name in content/ so relative picture and CSV paths resolve as they would
	 * for a real content file. */
	tk_node *root = tk_yaml_load_string(a, d, "content/fuzz.yaml", (const char *)data, size,
	                                    NULL);
	if (root) {
		tk_reader rc = {.a = a, .d = d, .scale = 1, .paths = paths};
		tk_content *c = tk_content_load(&rc, root, "content/fuzz.yaml");
		if (c && c->n_fields > 0)
			(void)tk_content_field(c, c->fields[0].name);
		tk_reader rl = {.a = a, .d = d, .scale = 1, .paths = paths};
		tk_layout *l = tk_layout_load(&rl, root, "layouts/fuzz.yaml", families, 2);
		if (l) {
			for (int i = 0; i < l->n_pstyles; i++)
				(void)tk_layout_pstyle(l, l->pstyles[i].name);
			for (int i = 0; i < l->n_masters; i++)
				(void)tk_layout_master(l, l->masters[i].name);
		}
	}
	tk_diag_free(d);
	tk_arena_free(a);
	return 0;
}
