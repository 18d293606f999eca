/* SPDX-License-Identifier: MIT */
/* The tiny runtime Keel's own test and demo guests share. */
#ifndef KEEL_GUEST_H
#define KEEL_GUEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <arch/x86.h>	/* rdtsc, port I/O: plain instruction wrappers */
#include <keel/abi.h>

extern const struct keel_start_info *start_info;

/* Each guest defines this; it runs after the runtime has checked start_info. */
void guest_main(void);

void console_putc(char c);
void console_puts(const char *s);
void gprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

long hypercall(unsigned long nr, unsigned long a1, unsigned long a2);
/* Up to four arguments (RDI, RSI, RDX, RCX), as the management calls take. */
long hypercall4(unsigned long nr, unsigned long a1, unsigned long a2,
		unsigned long a3, unsigned long a4);

/* A byte typed on COM1, if one is waiting (LSR data ready): true and *c. */
bool console_getc(char *c);
/* len bytes to the console with KEEL_HC_CONSOLE_WRITE (one exit per 4 KiB). */
void console_write(const char *buf, size_t len);

/* Milliseconds of TSC time, from start_info->tsc_khz. */
uint64_t tsc_to_ms(uint64_t ticks);
uint64_t ms_to_tsc(uint64_t ms);

/*
 * KEEL_HC_VCPU_START: vCPU id runs guest_ap_main(arg) on the stack that
 * ends at stack_top (a guest with more than one vCPU defines it).
 */
long vcpu_start(uint32_t id, void *stack_top, uint64_t arg);
void guest_ap_main(uint64_t arg);

/*
 * KEEL_HC_VCPU_ENTRY: vCPUs added later by the management VM run
 * guest_ap_main(n) on the stack that ends at stacks + (n + 1) * stack_bytes;
 * stacks must hold KEEL_MAX_VCPUS of them.
 */
long vcpu_entry_register(void *stacks, uint64_t stack_bytes);

/* KEEL_HC_SLEEP / KEEL_HC_YIELD */
long sleep_ns(uint64_t ns);
/* sleep_ns that ends early when console input is waiting (ABI 1.5) */
long sleep_console_ns(uint64_t ns);
long yield(void);

/* The guest's IDT: handlers are __attribute__((interrupt)) functions. */
struct interrupt_frame;
void idt_set_gate(uint8_t vector, void (*handler)(struct interrupt_frame *));
void idt_load(void);	/* on each vCPU that takes interrupts */

/* Value of key=VALUE in the VM's argument string, copied into buf. */
bool arg_value(const char *key, char *buf, size_t size);
/* A numeric key=N argument, or def when absent or malformed. */
uint64_t arg_u64(const char *key, uint64_t def);

__attribute__((noreturn)) void guest_halt(void);

/* The C entry from start.S, with the start-info page (RDI). */
void guest_start(const struct keel_start_info *si);

#endif
