// SPDX-License-Identifier: MIT
/* Formatted output on top of out_write. */
#include <stdarg.h>

#include <lib/format.h>
#include <lib/string.h>

#include "out.h"

/* Longer than any line the shell formats (a table row, an error). */
#define OUT_LINE_MAX 512

void out_puts(const char *s)
{
	out_write(s, strlen(s));
}

static void out_vprintf(const char *fmt, va_list ap)
{
	char buf[OUT_LINE_MAX];
	int n = vsnprintf(buf, sizeof(buf), fmt, ap);

	if (n < 0)
		return;
	out_write(buf, (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
}

void out_printf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	out_vprintf(fmt, ap);
	va_end(ap);
}

void out_error(const char *fmt, ...)
{
	va_list ap;

	out_puts("error: ");
	va_start(ap, fmt);
	out_vprintf(fmt, ap);
	va_end(ap);
	out_puts("\n");
}
