/* SPDX-License-Identifier: MIT */
/*
 * Everything the shell prints goes through out_write. In the guest it is
 * buffered and sent to the console (out_console.c); host tests provide
 * their own out_write and out_flush to capture it.
 */
#ifndef KEEL_MGMT_OUT_H
#define KEEL_MGMT_OUT_H

#include <stddef.h>

/* Bytes to the terminal; a lone '\n' becomes "\r\n". */
void out_write(const char *s, size_t len);
/* Sends what is buffered: before waiting for input or sleeping. */
void out_flush(void);

void out_puts(const char *s);
void out_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* One line "error: MESSAGE\n": the shell's only way to report failure. */
void out_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
