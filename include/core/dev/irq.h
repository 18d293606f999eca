/* SPDX-License-Identifier: MIT */
/*
 * A VM's interrupt lines (docs/guests.md, "The PC platform"): devices
 * raise a global system interrupt (GSI) by its number; the VM's I/O APIC
 * (core/dev/vioapic.c) turns it into a message to local APICs as its
 * redirection table says. ISA IRQ n is GSI n, except IRQ 0, which is
 * GSI 2 (the MADT's override); the ISA IRQs also reach the 8259 pair
 * (core/dev/vpic.h), whose lock is taken first.
 *
 * An edge-triggered device pulses its line (high, then low); a level one
 * holds it high while it wants service. Callable from any CPU. The I/O
 * APIC takes its own lock, then the scheduler's (to wake the target): a
 * device may call it under its own lock (so that its line changes reach
 * the pin in order, as COM1 does), never under a VM's or scheduler lock.
 * A GSI past 23 is ignored. Implemented in core/dev/vioapic.c.
 */
#ifndef KEEL_CORE_DEV_IRQ_H
#define KEEL_CORE_DEV_IRQ_H

#include <stdbool.h>

#define VM_GSI_COUNT 24		/* the I/O APIC's pins */
#define GSI_PIT      2
#define GSI_COM1     4
#define GSI_RTC      8
#define GSI_SCI      9

struct vm;

void vm_irq_set(struct vm *vm, unsigned int gsi, bool high);

static inline void vm_irq_pulse(struct vm *vm, unsigned int gsi)
{
	vm_irq_set(vm, gsi, true);
	vm_irq_set(vm, gsi, false);
}

#endif
