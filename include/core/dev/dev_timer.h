/* SPDX-License-Identifier: MIT */
/*
 * When a VM's devices next need to act on their own (core/dev/dev_timer.c):
 * the PIT's channel 0 edge (IRQ 0) and the RTC's periodic, update and
 * alarm interrupts (IRQ 8). Everything else the devices show (a counter,
 * OUT of channel 2, the clock's registers, the update-in-progress flag)
 * is computed from the time when the guest reads it, so only interrupts
 * need someone to fire them.
 *
 * Who fires them: vCPU 0, the timekeeper. Its run loop takes the
 * devices' deadline into the host timer it arms before each entry and,
 * when it halts, into the time it sleeps until; so a guest waiting in hlt
 * for IRQ 0 is woken, and a busy one exits at the deadline. Any other
 * vCPU that passes through its run loop's slow path also fires what is
 * due (one comparison), so the interrupts are not late while vCPU 0
 * waits for a CPU. A guest that stops vCPU 0 for good (cli; hlt) while
 * others run gets its device interrupts only when another vCPU exits
 * anyway. A device whose next event moves earlier while vCPU 0 sleeps
 * or runs elsewhere pokes it (vm_dev_deadline_moved).
 *
 * No storms: a periodic device interrupt fires at most once per
 * DEV_MIN_PERIOD_NS, and periods missed while nobody looked (the VM was
 * paused or waited for a CPU) become one interrupt, counted as coalesced.
 */
#ifndef KEEL_CORE_DEV_DEV_TIMER_H
#define KEEL_CORE_DEV_DEV_TIMER_H

#include <stdint.h>

#include <core/dev/vlapic_timer.h>

/* The local APIC timer's minimum period, for the same reasons. */
#define DEV_MIN_PERIOD_NS   VLAPIC_MIN_PERIOD_NS
#define VM_TIMEKEEPER_VCPU  0

struct vm;
struct vcpu;

/* Is v its VM's timekeeper? */
#define vcpu_is_timekeeper(v) ((v)->id == VM_TIMEKEEPER_VCPU)

/* The devices' next event, UINT64_MAX: none. Lock-free (two loads). */
uint64_t vm_dev_deadline(const struct vm *vm);

/* Fires what is due at now (the devices' interrupts); cheap if nothing. */
void vm_dev_service(struct vm *vm, uint64_t now);

/*
 * A device's next event moved earlier, by an access of caller (a vCPU,
 * or NULL): the timekeeper must look at it before its deadline.
 */
void vm_dev_deadline_moved(struct vm *vm, void *caller);

#endif
