// SPDX-License-Identifier: MIT
/*
 * Root-mode interrupt dispatch. Exceptions in the hypervisor are bugs and
 * panic. External interrupts are acknowledged; until the scheduler adds
 * timer and IPI handlers, they only count.
 */
#include <arch/cpu.h>
#include <arch/interrupt.h>
#include <arch/lapic.h>
#include <core/panic.h>

volatile int percpu_ready;
static uint64_t irq_counts[MAX_CPUS];

void interrupt_dispatch(struct interrupt_frame *frame)
{
	if (frame->vector < VECTOR_FIRST_IRQ)
		panic_exception(frame);
	if (frame->vector == VECTOR_SPURIOUS)
		return;		/* spurious: no EOI (SDM 10.9) */
	irq_counts[this_cpu()->index]++;
	lapic_eoi();
}
