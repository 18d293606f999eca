// SPDX-License-Identifier: MIT
/* See out_capture.h. */
#include <string.h>

#include "test_util.h"
#include "out.h"
#include "out_capture.h"

char screen[1 << 16];
size_t screen_len;

void screen_clear(void)
{
	screen_len = 0;
	screen[0] = '\0';
}

void out_write(const char *s, size_t len)
{
	assert_true(screen_len + len < sizeof(screen));
	memcpy(screen + screen_len, s, len);
	screen_len += len;
	screen[screen_len] = '\0';
}

void out_flush(void)
{
}
