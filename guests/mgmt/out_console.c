// SPDX-License-Identifier: MIT
/*
 * The shell's output: buffered, sent with KEEL_HC_CONSOLE_WRITE (one exit
 * per buffer instead of one per byte). The management VM's console is
 * the physical serial line (docs/hypercalls.md §4.9), which wants CR LF.
 */
#include "guest.h"
#include "out.h"

#define OUT_BUFFER 4096

static char buffer[OUT_BUFFER];
static size_t used;
static char last;

void out_flush(void)
{
	console_write(buffer, used);
	used = 0;
}

static void out_byte(char c)
{
	if (used == sizeof(buffer))
		out_flush();
	buffer[used++] = c;
}

void out_write(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '\n' && last != '\r')
			out_byte('\r');
		out_byte(s[i]);
		last = s[i];
	}
}
