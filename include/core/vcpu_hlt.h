/* SPDX-License-Identifier: MIT */
/* How long a vCPU in hlt or in a console sleep waits (core/vcpu_hlt.c). */
#ifndef KEEL_CORE_VCPU_HLT_H
#define KEEL_CORE_VCPU_HLT_H

#include <stdbool.h>
#include <stdint.h>

struct vcpu;

/*
 * v (in hlt with interrupts enabled, nothing pending) blocks until an
 * interrupt, its LAPIC timer's expiry and, if it is its VM's timekeeper,
 * the devices' next event (core/dev/dev_timer.h).
 */
void vcpu_hlt_wait(struct vcpu *v);

/*
 * v (in the SLEEP hypercall with KEEL_SLEEP_CONSOLE, no input waiting)
 * blocks as in hlt and also until input for its VM's COM1 or end_ns
 * (clock_ns), whichever comes first.
 */
void vcpu_console_wait(struct vcpu *v, uint64_t end_ns);

/*
 * v woke from a console sleep at now, devices serviced: true if nothing
 * ends the sleep yet (no input, no interrupt for v, its LAPIC timer and
 * end not due: the timekeeper woken for a device event), and then v
 * sleeps on until the same end.
 */
bool vcpu_console_wait_goes_on(struct vcpu *v, uint64_t now);

#endif
