/* SPDX-License-Identifier: MIT */
/* How long a vCPU in hlt waits (core/vcpu_hlt.c). */
#ifndef KEEL_CORE_VCPU_HLT_H
#define KEEL_CORE_VCPU_HLT_H

struct vcpu;

/*
 * v (in hlt with interrupts enabled, nothing pending) blocks until an
 * interrupt, its LAPIC timer's expiry and, if it is its VM's timekeeper,
 * the devices' next event (core/dev/dev_timer.h).
 */
void vcpu_hlt_wait(struct vcpu *v);

#endif
