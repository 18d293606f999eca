/* SPDX-License-Identifier: MIT */
#ifndef KEEL_ARCH_INTERRUPT_H
#define KEEL_ARCH_INTERRUPT_H

#include <stdint.h>

#include <arch/x86_defs.h>	/* the exception vectors */

/* What arch/x86/isr.S pushes, lowest address first. */
struct interrupt_frame {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector, error_code;
	uint64_t rip, cs, rflags, rsp, ss;	/* pushed by the CPU */
};

#define VECTOR_FIRST_IRQ    32
#define VECTOR_SPURIOUS     0xff
/* The host console UART's receive interrupt (drivers/host_ioapic.h) */
#define VECTOR_HOST_UART    0x40

void interrupt_dispatch(struct interrupt_frame *frame);

/*
 * The timer hook: the LAPIC timer and the reschedule IPI call it (the
 * scheduler registers sched_timer_interrupt; arch/x86 cannot call up).
 */
void interrupt_set_timer_hook(void (*hook)(void));

/*
 * A device interrupt's hook: called in root mode with interrupts off,
 * before the EOI (the console UART's: core/vm_console.c). One per vector.
 */
void interrupt_set_handler(uint8_t vector, void (*handler)(void));

#endif
