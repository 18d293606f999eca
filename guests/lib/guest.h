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

/* Milliseconds of TSC time, from start_info->tsc_khz. */
uint64_t tsc_to_ms(uint64_t ticks);
uint64_t ms_to_tsc(uint64_t ms);

/*
 * KEEL_HC_VCPU_START: vCPU id runs guest_ap_main(arg) on the stack that
 * ends at stack_top (a guest with more than one vCPU defines it).
 */
long vcpu_start(uint32_t id, void *stack_top, uint64_t arg);
void guest_ap_main(uint64_t arg);

/* KEEL_HC_SLEEP / KEEL_HC_YIELD */
long sleep_ns(uint64_t ns);
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

#endif
