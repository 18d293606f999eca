// SPDX-License-Identifier: MIT
/*
 * The string functions of include/lib/string.h. Byte loops are enough for
 * the hypervisor's uses (boot-time copies, short names); guest memory is
 * zeroed page-wise by callers that care about speed.
 */
#include <stdint.h>

#include <lib/string.h>

/*
 * GCC recognises these loops as memset/memcpy idioms and would replace
 * them with calls to themselves, even with -ffreestanding.
 */
#if defined(__GNUC__) && !defined(__clang__)
#define NO_LIBCALL_IDIOMS __attribute__((optimize("no-tree-loop-distribute-patterns")))
#else
#define NO_LIBCALL_IDIOMS
#endif

NO_LIBCALL_IDIOMS
void *memcpy(void *dst, const void *src, size_t n)
{
#if defined(__x86_64__)
	/* fast strings: what guest memory is zeroed and copied with */
	void *d = dst;

	__asm__ volatile("rep movsb" : "+D"(d), "+S"(src), "+c"(n) : : "memory");
#else
	unsigned char *d = dst;
	const unsigned char *s = src;

	while (n--)
		*d++ = *s++;
#endif
	return dst;
}

NO_LIBCALL_IDIOMS
void *memmove(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	/*
	 * Compare as integers: pointers into different objects are not
	 * ordered. A forward copy is safe unless dst starts inside src, and
	 * the memcpy above copies forward.
	 */
	if ((uintptr_t)d <= (uintptr_t)s || (uintptr_t)d >= (uintptr_t)s + n)
		return memcpy(dst, src, n);
	while (n--)
		d[n] = s[n];
	return dst;
}

NO_LIBCALL_IDIOMS
void *memset(void *dst, int c, size_t n)
{
#if defined(__x86_64__)
	void *d = dst;
	size_t words = n / 8, tail = n % 8;
	uint64_t pattern = 0x0101010101010101ull * (unsigned char)c;

	/* 8 bytes a step: guest memory is zeroed and scrubbed with this */
	__asm__ volatile("rep stosq" : "+D"(d), "+c"(words) : "a"(pattern)
			 : "memory");
	__asm__ volatile("rep stosb" : "+D"(d), "+c"(tail) : "a"(c) : "memory");
#else
	unsigned char *d = dst;

	while (n--)
		*d++ = (unsigned char)c;
#endif
	return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;

	for (; n; n--, x++, y++) {
		if (*x != *y)
			return *x < *y ? -1 : 1;
	}
	return 0;
}

size_t strlen(const char *s)
{
	const char *p = s;

	while (*p)
		p++;
	return (size_t)(p - s);
}

size_t strnlen(const char *s, size_t max)
{
	size_t n = 0;

	while (n < max && s[n])
		n++;
	return n;
}

int strcmp(const char *a, const char *b)
{
	const unsigned char *x = (const unsigned char *)a;
	const unsigned char *y = (const unsigned char *)b;

	while (*x && *x == *y) {
		x++;
		y++;
	}
	return (*x > *y) - (*x < *y);
}

int strncmp(const char *a, const char *b, size_t n)
{
	const unsigned char *x = (const unsigned char *)a;
	const unsigned char *y = (const unsigned char *)b;

	for (; n; n--, x++, y++) {
		if (*x != *y || !*x)
			return (*x > *y) - (*x < *y);
	}
	return 0;
}

size_t strlcpy(char *dst, const char *src, size_t size)
{
	size_t len = strlen(src);
	size_t copy;

	if (!size)
		return len;
	copy = len < size - 1 ? len : size - 1;
	memcpy(dst, src, copy);
	dst[copy] = '\0';
	return len;
}
