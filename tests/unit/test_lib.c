// SPDX-License-Identifier: MIT
/*
 * lib/parse.c and lib/format.c. format.c is built with its functions
 * renamed to keel_snprintf/keel_vsnprintf (see unit.mk) so that the C
 * library's stay in place; this file must not include <stdio.h>.
 */
#include <stdbool.h>
#include <string.h>

#include "test_util.h"

#include <lib/format.h>
#include <lib/parse.h>

/* ------------------------------------------------------------ parse_u64 */

static bool u64(const char *s, uint64_t *v)
{
	*v = 0xdeadbeef;
	return parse_u64(s, strlen(s), v);
}

static void check_u64(const char *s, uint64_t want)
{
	uint64_t v;

	assert_true(u64(s, &v));
	assert_int_equal(v, want);
}

static void check_u64_bad(const char *s)
{
	uint64_t v;

	assert_false(u64(s, &v));
	assert_int_equal(v, 0xdeadbeef);	/* untouched on failure */
}

static void test_parse_u64(void **state)
{
	check_u64("0", 0);
	check_u64("7", 7);
	check_u64("0000123", 123);
	check_u64("18446744073709551615", UINT64_MAX);
	check_u64("0x0", 0);
	check_u64("0xffffffffffffffff", UINT64_MAX);
	check_u64("0XaBcD", 0xabcd);
	check_u64("0x000000000000000000001", 1);

	check_u64_bad("");
	check_u64_bad("18446744073709551616");	/* 2^64 */
	check_u64_bad("99999999999999999999");
	check_u64_bad("0x10000000000000000");	/* 2^64 */
	check_u64_bad("0x");
	check_u64_bad("x10");
	check_u64_bad("-1");
	check_u64_bad("+1");
	check_u64_bad(" 1");
	check_u64_bad("1 ");
	check_u64_bad("12a");
	check_u64_bad("0x1g");
	check_u64_bad("1M");
}

static void test_parse_u64_exact_span(void **state)
{
	uint64_t v;

	/* only [s, s+len) counts: the rest of the buffer is not read */
	assert_true(parse_u64("1234", 2, &v));
	assert_int_equal(v, 12);
	assert_false(parse_u64("1234", 0, &v));
	assert_true(parse_u64("0x1fz", 4, &v));
	assert_int_equal(v, 0x1f);
	/* "0x" cut short: a lone 0 followed by x */
	assert_true(parse_u64("0x", 1, &v));
	assert_int_equal(v, 0);
}

/* ----------------------------------------------------------- parse_size */

static void check_size(const char *s, uint64_t want)
{
	uint64_t v = 0xdeadbeef;

	assert_true(parse_size(s, strlen(s), &v));
	assert_int_equal(v, want);
}

static void check_size_bad(const char *s)
{
	uint64_t v = 0xdeadbeef;

	assert_false(parse_size(s, strlen(s), &v));
	assert_int_equal(v, 0xdeadbeef);
}

static void test_parse_size(void **state)
{
	check_size("0", 0);
	check_size("4096", 4096);
	check_size("512B", 512);
	check_size("1K", 1024);
	check_size("1k", 1024);
	check_size("16M", 16ULL << 20);
	check_size("16MB", 16ULL << 20);
	check_size("16MiB", 16ULL << 20);
	check_size("16mib", 16ULL << 20);
	check_size("2G", 2ULL << 30);
	check_size("3T", 3ULL << 40);
	check_size("0x10M", 16ULL << 20);
	check_size("0x1B", 0x1b);	/* hex takes the B as a digit */
	check_size("0x1KB", 1024);
	check_size("18446744073709551615", UINT64_MAX);
	check_size("16777215T", 16777215ULL << 40);	/* 2^64 - 2^40 */
	check_size("17179869183G", 17179869183ULL << 30);

	check_size_bad("");
	check_size_bad("M");
	check_size_bad("B");
	check_size_bad("16X");
	check_size_bad("16 M");
	check_size_bad("16MM");
	check_size_bad("16MBB");
	check_size_bad("16iB");
	check_size_bad("16Mi");
	check_size_bad("16MiBx");
	check_size_bad("-16M");
	check_size_bad("16777216T");	/* 2^64: suffix overflow */
	check_size_bad("17179869184G");
	check_size_bad("18014398509481984K");
	check_size_bad("18446744073709551616");
	check_size_bad("0xM");
}

/* -------------------------------------------------------------- format */

static char buf[128];

#define CHECK_FMT(want, ...)                                                \
	do {                                                                \
		memset(buf, 'Z', sizeof(buf));                              \
		assert_int_equal(keel_snprintf(buf, sizeof(buf), __VA_ARGS__), \
				 strlen(want));                             \
		assert_string_equal(buf, want);                             \
	} while (0)

static void test_format_integers(void **state)
{
	CHECK_FMT("0", "%d", 0);
	CHECK_FMT("-1 42", "%d %i", -1, 42);
	CHECK_FMT("-2147483648", "%d", (int)-2147483647 - 1);
	CHECK_FMT("4294967295", "%u", 4294967295u);
	CHECK_FMT("-9223372036854775808", "%lld", (long long)INT64_MIN);
	CHECK_FMT("9223372036854775807", "%ld", (long)INT64_MAX);
	CHECK_FMT("18446744073709551615", "%llu", (unsigned long long)UINT64_MAX);
	CHECK_FMT("ffffffffffffffff", "%lx", (unsigned long)UINT64_MAX);
	CHECK_FMT("DEADBEEF deadbeef", "%X %x", 0xdeadbeefu, 0xdeadbeefu);
	CHECK_FMT("123456789012", "%zu", (size_t)123456789012ULL);
	CHECK_FMT("-5", "%zd", (size_t)-5);
	/* '#': a 0x or 0X prefix, but not for zero; zeros go after it */
	CHECK_FMT("0x1f 0X1F 0", "%#x %#X %#x", 0x1fu, 0x1fu, 0u);
	CHECK_FMT("0x0000001f", "%#010x", 0x1fu);
	CHECK_FMT("      0x1f", "%#10x", 0x1fu);
	CHECK_FMT("0xffffffffffffffff", "%#llx", (unsigned long long)UINT64_MAX);
	/* a plain %x takes an unsigned int, not a 64-bit value */
	CHECK_FMT("ffffffff", "%x", 0xffffffffu);
}

/* These tests feed formats a compiler rightly frowns on, on purpose. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat"
#pragma GCC diagnostic ignored "-Wformat-extra-args"

static void test_format_width_flags(void **state)
{
	CHECK_FMT("   42", "%5d", 42);
	CHECK_FMT("42   |", "%-5d|", 42);
	CHECK_FMT("00042", "%05d", 42);
	CHECK_FMT("-0042", "%05d", -42);
	CHECK_FMT("  -42", "%5d", -42);
	CHECK_FMT("0000beef", "%08x", 0xbeefu);
	CHECK_FMT("123456", "%3d", 123456);
	CHECK_FMT("   ab", "%*s", 5, "ab");
	CHECK_FMT("ab   |", "%*s|", -5, "ab");
	CHECK_FMT("7    |", "%-05d|", 7);	/* '-' beats '0' */
	CHECK_FMT("    x", "%5c", 'x');
}

static void test_format_strings(void **state)
{
	static const char unterminated[3] = { 'a', 'b', 'c' };

	CHECK_FMT("hello", "%s", "hello");
	CHECK_FMT("hel", "%.3s", "hello");
	CHECK_FMT("  hel", "%5.3s", "hello");
	CHECK_FMT("he", "%.*s", 2, "hello");
	/* volatile: the compiler would reject a visible NULL for %s */
	const char *volatile null_string = NULL;

	CHECK_FMT("(null)", "%s", null_string);
	CHECK_FMT("", "%s", "");
	CHECK_FMT("   hi", "%05s", "hi");	/* no zeros for strings */
	/* precision bounds the read: the bytes need no terminator */
	CHECK_FMT("abc", "%.3s", unterminated);
	CHECK_FMT("a%b", "a%%b");
	CHECK_FMT("x", "%c", 'x');
}

static void test_format_pointer_and_unknown(void **state)
{
	CHECK_FMT("0x1000", "%p", (void *)0x1000);
	CHECK_FMT("0x0", "%p", (void *)0);
	CHECK_FMT("0x00001000", "%010p", (void *)0x1000);
	CHECK_FMT("%q 1", "%q %d", 1);
	CHECK_FMT("%5q", "%5q");
	CHECK_FMT("end%", "end%");
	CHECK_FMT("end%-5", "end%-5");
}

#pragma GCC diagnostic pop

static void test_format_truncation(void **state)
{
	char small[8];

	memset(small, 'Z', sizeof(small));
	assert_int_equal(keel_snprintf(small, sizeof(small), "%s", "0123456789"), 10);
	assert_string_equal(small, "0123456");
	assert_int_equal(keel_snprintf(small, sizeof(small), "%d%d", 1234, 5678), 8);
	assert_string_equal(small, "1234567");
	assert_int_equal(keel_snprintf(small, 1, "abc"), 3);
	assert_int_equal(small[0], '\0');
	/* size 0: nothing written at all, not even the NUL */
	small[0] = 'Q';
	assert_int_equal(keel_snprintf(small, 0, "abc%d", 12345), 8);
	assert_int_equal(small[0], 'Q');
	assert_int_equal(keel_snprintf(NULL, 0, "%20d", 1), 20);
	memset(small, 'Z', sizeof(small));
	assert_int_equal(keel_snprintf(small, sizeof(small), "%-10s|", "ab"), 11);
	assert_string_equal(small, "ab     ");
	/* exactly fitting */
	assert_int_equal(keel_snprintf(small, sizeof(small), "1234567"), 7);
	assert_string_equal(small, "1234567");
}

static int call_vsnprintf(char *b, size_t n, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = keel_vsnprintf(b, n, fmt, ap);
	va_end(ap);
	return rc;
}

static void test_vsnprintf(void **state)
{
	assert_int_equal(call_vsnprintf(buf, sizeof(buf), "%s=%llx %c",
					"k", 0x1234567890ULL, '!'), 14);
	assert_string_equal(buf, "k=1234567890 !");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_u64),
		cmocka_unit_test(test_parse_u64_exact_span),
		cmocka_unit_test(test_parse_size),
		cmocka_unit_test(test_format_integers),
		cmocka_unit_test(test_format_width_flags),
		cmocka_unit_test(test_format_strings),
		cmocka_unit_test(test_format_pointer_and_unknown),
		cmocka_unit_test(test_format_truncation),
		cmocka_unit_test(test_vsnprintf),
	};

	return cmocka_run_group_tests_name("lib", tests, NULL, NULL);
}
