/* unit.h - the unit-test harness: self-registering tests and checks.
 *
 *   TK_TEST(units_mm) { EQ(tk_parse(...), 0); NEAR(x, 2.83, 1e-6); OK(p != NULL); }
 *
 * Every .c file in tests/unit is linked into one binary (build/unit_tests) whose main
 * runs all registered tests and ends with the line "N passed, N failed". A check
 * that fails prints file:line and the values, and the test goes on. */
#ifndef TK_UNIT_H
#define TK_UNIT_H
#include <math.h>
#include <stdio.h>
#include <string.h>

typedef void (*tk_test_fn)(void);
void tk_test_register(const char *name, tk_test_fn fn);
void tk_test_check(int ok, const char *file, int line, const char *what);
extern char tk_test_msg[512];
void tk_test_streq(const char *a, const char *b, const char *ea, const char *eb,
                   const char *file, int line);

#define TK_TEST(name)                                                                  \
	static void test_##name(void);                                                 \
	__attribute__((constructor)) static void register_##name(void)                \
	{                                                                              \
		tk_test_register(#name, test_##name);                                  \
	}                                                                              \
	static void test_##name(void)

#define OK(cond) tk_test_check(!!(cond), __FILE__, __LINE__, #cond)
#define EQ(a, b)                                                                       \
	do {                                                                           \
		long long a_ = (long long)(a), b_ = (long long)(b);                    \
		snprintf(tk_test_msg, sizeof tk_test_msg, "%s == %s (%lld vs %lld)", #a, #b, \
		         a_, b_);                                                      \
		tk_test_check(a_ == b_, __FILE__, __LINE__, tk_test_msg);              \
	} while (0)
#define STREQ(a, b) tk_test_streq((a), (b), #a, #b, __FILE__, __LINE__)
#define NEAR(a, b, eps)                                                                \
	do {                                                                           \
		double a_ = (a), b_ = (b);                                             \
		snprintf(tk_test_msg, sizeof tk_test_msg, "%s ~ %s (%g vs %g)", #a, #b, a_, \
		         b_);                                                          \
		tk_test_check(fabs(a_ - b_) <= (eps), __FILE__, __LINE__, tk_test_msg); \
	} while (0)

#endif
