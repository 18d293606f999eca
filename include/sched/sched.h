/* SPDX-License-Identifier: MIT */
/*
 * The per-CPU scheduler: sched/policy.c's run queue behind a lock, driven
 * by the one-shot LAPIC timer, plus the vCPUs sleeping until a deadline.
 * Everything here runs on the vCPU's own CPU: no cross-CPU wake-ups yet.
 */
#ifndef KEEL_SCHED_SCHED_H
#define KEEL_SCHED_SCHED_H

#include <stdint.h>

#include <core/vcpu.h>

struct cpu;

void sched_cpu_init(unsigned int cpu);

/* Makes a new vCPU runnable on v->cpu. 0 or a negative KEEL_E* value. */
int sched_vcpu_start(struct vcpu *v);

/* The running vCPU gives up the rest of its slice (yield hypercall). */
void sched_vcpu_yield(struct vcpu *v);

/* The running vCPU sleeps for ns (sleep hypercall, hlt with a timer). */
void sched_vcpu_sleep(struct vcpu *v, uint64_t ns);

/*
 * Wakes v if it is blocked (an interrupt was made pending for it), on
 * whichever CPU it lives: under that CPU's run-queue lock, then an IPI.
 */
void sched_vcpu_wake(struct vcpu *v);

/* The timer interrupt handler: a scheduling decision is due here. */
void sched_timer_interrupt(void);

/* Runs this CPU's vCPUs for good. */
__attribute__((noreturn)) void sched_run(struct cpu *cpu);

/* Called when a VM has no vCPU left that can run (core/main.c counts). */
void vm_finished(void);

#endif
