// SPDX-License-Identifier: MIT
/*
 * lib/string.c, built with -fno-builtin and its functions renamed to
 * keel_* (see unit.mk) so that these calls reach the code under test and
 * not the C library or the compiler's inline versions. The expected
 * results are written out, not computed with libc.
 */
#include <stdbool.h>

#include "test_util.h"

#include <lib/string.h>

static void test_memcpy_memset(void **state)
{
	unsigned char a[32], b[32];

	assert_ptr_equal(memset(a, 0xab, sizeof(a)), a);
	for (unsigned int i = 0; i < sizeof(a); i++)
		assert_int_equal(a[i], 0xab);
	memset(a + 3, 0x100 + 7, 5);	/* converted to unsigned char */
	assert_int_equal(a[2], 0xab);
	assert_int_equal(a[3], 7);
	assert_int_equal(a[7], 7);
	assert_int_equal(a[8], 0xab);
	for (unsigned int i = 0; i < sizeof(b); i++)
		b[i] = (unsigned char)i;
	assert_ptr_equal(memcpy(a, b, 10), a);
	for (unsigned int i = 0; i < 10; i++)
		assert_int_equal(a[i], i);
	assert_int_equal(a[10], 0xab);
	memcpy(a, b + 5, 0);
	assert_int_equal(a[0], 0);
	memset(a, 1, 0);
	assert_int_equal(a[0], 0);
}

static void test_memmove_overlap(void **state)
{
	char s[16] = "0123456789";

	assert_ptr_equal(memmove(s + 2, s, 8), s + 2);
	assert_memory_equal(s, "0101234567", 10);
	memmove(s, s + 3, 7);
	assert_memory_equal(s, "1234567567", 10);
	memmove(s, s, 10);
	assert_memory_equal(s, "1234567567", 10);
	memmove(s + 9, s, 1);
	assert_memory_equal(s, "1234567561", 10);
}

static void test_memcmp(void **state)
{
	assert_int_equal(memcmp("abc", "abc", 3), 0);
	assert_true(memcmp("abc", "abd", 3) < 0);
	assert_true(memcmp("abd", "abc", 3) > 0);
	assert_int_equal(memcmp("abc", "abd", 2), 0);
	assert_int_equal(memcmp("x", "y", 0), 0);
	/* bytes compare as unsigned char */
	assert_true(memcmp("\x80", "\x01", 1) > 0);
}

static void test_strlen_strnlen(void **state)
{
	static const char four[4] = { 'a', 'b', 'c', 'd' };

	assert_int_equal(strlen(""), 0);
	assert_int_equal(strlen("hello"), 5);
	assert_int_equal(strnlen("hello", 3), 3);
	assert_int_equal(strnlen("hello", 10), 5);
	assert_int_equal(strnlen("", 10), 0);
	/* no terminator inside the bound: must not read past it */
	assert_int_equal(strnlen(four, sizeof(four)), 4);
	assert_int_equal(strnlen(four, 0), 0);
}

static void test_strcmp_strncmp(void **state)
{
	assert_int_equal(strcmp("", ""), 0);
	assert_int_equal(strcmp("abc", "abc"), 0);
	assert_true(strcmp("abc", "abd") < 0);
	assert_true(strcmp("abc", "ab") > 0);
	assert_true(strcmp("ab", "abc") < 0);
	assert_true(strcmp("\xff", "a") > 0);
	assert_int_equal(strncmp("abcX", "abcY", 3), 0);
	assert_true(strncmp("abcX", "abcY", 4) < 0);
	assert_int_equal(strncmp("ab", "ab", 10), 0);
	assert_true(strncmp("ab", "abc", 10) < 0);
	assert_int_equal(strncmp("a", "b", 0), 0);
}

static void test_strlcpy(void **state)
{
	char d[8];

	memset(d, 'Z', sizeof(d));
	assert_int_equal(strlcpy(d, "hi", sizeof(d)), 2);
	assert_string_equal(d, "hi");
	assert_int_equal(d[3], 'Z');
	assert_int_equal(strlcpy(d, "0123456789", sizeof(d)), 10);
	assert_string_equal(d, "0123456");
	assert_int_equal(strlcpy(d, "1234567", sizeof(d)), 7);
	assert_string_equal(d, "1234567");
	assert_int_equal(strlcpy(d, "abc", 1), 3);
	assert_int_equal(d[0], '\0');
	d[0] = 'Q';
	assert_int_equal(strlcpy(d, "abc", 0), 3);
	assert_int_equal(d[0], 'Q');
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_memcpy_memset),
		cmocka_unit_test(test_memmove_overlap),
		cmocka_unit_test(test_memcmp),
		cmocka_unit_test(test_strlen_strnlen),
		cmocka_unit_test(test_strcmp_strncmp),
		cmocka_unit_test(test_strlcpy),
	};

	return cmocka_run_group_tests_name("string", tests, NULL, NULL);
}
