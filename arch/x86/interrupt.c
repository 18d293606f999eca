// SPDX-License-Identifier: MIT
/*
 * Root-mode interrupt dispatch. Exceptions in the hypervisor are bugs and
 * panic. The LAPIC timer tells the scheduler (through the timer hook) a
 * decision is due; a device interrupt goes to the handler set for its
 * vector; all are counted and acknowledged.
 */
#include <arch/cpu.h>
#include <arch/interrupt.h>
#include <arch/lapic.h>
#include <base/panic.h>

static uint64_t irq_counts[MAX_CPUS];
static void (*timer_hook)(void);
static void (*handlers[256])(void);

void interrupt_set_timer_hook(void (*hook)(void))
{
	timer_hook = hook;
}

void interrupt_set_handler(uint8_t vector, void (*handler)(void))
{
	__atomic_store_n(&handlers[vector], handler, __ATOMIC_RELEASE);
}

void interrupt_dispatch(struct interrupt_frame *frame)
{
	if (frame->vector < VECTOR_FIRST_IRQ)
		panic_exception(frame);
	if (frame->vector == VECTOR_SPURIOUS)
		return;		/* spurious: no EOI (SDM 10.9) */
	irq_counts[this_cpu()->index]++;
	if ((frame->vector == LAPIC_TIMER_VECTOR ||
	    frame->vector == LAPIC_RESCHED_VECTOR) && timer_hook)
		timer_hook();
	else if (handlers[frame->vector])
		handlers[frame->vector]();
	lapic_eoi();
}
