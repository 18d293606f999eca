/* SPDX-License-Identifier: MIT */
/*
 * The shell's terminal output (guests/mgmt/out.h) captured for host tests:
 * out_write appends to screen, NUL-terminated; screen_clear empties it.
 */
#ifndef KEEL_TEST_OUT_CAPTURE_H
#define KEEL_TEST_OUT_CAPTURE_H

#include <stddef.h>

extern char screen[1 << 16];
extern size_t screen_len;

void screen_clear(void);

#endif
