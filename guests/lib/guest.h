/* SPDX-License-Identifier: MIT */
/* The tiny runtime Keel's own test and demo guests share. */
#ifndef KEEL_GUEST_H
#define KEEL_GUEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <keel/abi.h>

extern const struct keel_start_info *start_info;

/* Each guest defines this; it runs after the runtime has checked start_info. */
void guest_main(void);

void console_putc(char c);
void console_puts(const char *s);
void gprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

long hypercall(unsigned long nr, unsigned long a1, unsigned long a2);

/* Value of key=VALUE in the VM's argument string, copied into buf. */
bool arg_value(const char *key, char *buf, size_t size);

__attribute__((noreturn)) void guest_halt(void);

#endif
