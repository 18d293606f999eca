// SPDX-License-Identifier: MIT
/*
 * Host tests use the C library's string functions (same prototypes as
 * include/lib/string.h), but glibc before 2.38 has no strlcpy. This one
 * follows the header's contract; lib/string.c's own is tested in
 * test_string.c.
 */
#include <string.h>

size_t strlcpy(char *dst, const char *src, size_t size);

size_t strlcpy(char *dst, const char *src, size_t size)
{
	size_t len = strlen(src);
	size_t copy = len < size ? len : size - 1;

	if (size) {
		memcpy(dst, src, copy);
		dst[copy] = '\0';
	}
	return len;
}
