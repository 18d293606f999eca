/* SPDX-License-Identifier: MIT */
/*
 * snprintf for freestanding code: %d %i %u %x %X %p %s %c %% with the
 * flags '-', '0', '#' (0x or 0X before non-zero hex), a width, a
 * precision for %s (either may be '*'), and the length modifiers l, ll,
 * z. %p prints 0x and lowercase hex. An unknown conversion is copied to
 * the output as written. Always NUL-terminates when size > 0; returns the
 * length the full output would have had.
 */
#ifndef KEEL_LIB_FORMAT_H
#define KEEL_LIB_FORMAT_H

#include <stdarg.h>
#include <stddef.h>

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
