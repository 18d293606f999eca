/* SPDX-License-Identifier: MIT */
/*
 * The vCPU run loop (core/vcpu_run.c): what runs a vCPU once the scheduler
 * has picked it.
 */
#ifndef KEEL_CORE_VCPU_RUN_H
#define KEEL_CORE_VCPU_RUN_H

#include <stdbool.h>
#include <stdint.h>

#include <core/vcpu.h>

/* Registers the run loop as the scheduler's hooks (sched_set_hooks). */
void vcpu_run_init(void);

/*
 * v's turn on this CPU: enters the guest until deadline_tsc (or the
 * guest's own LAPIC timer, if earlier), a reschedule or a stop, and
 * dispatches each exit. The scheduler's run hook.
 */
void vcpu_run_turn(struct vcpu *v, uint64_t deadline_tsc);

/*
 * v is done for good: its report line; the VM halts and gives the console
 * back when its last live vCPU is. Once per vCPU (the scheduler's retire
 * hook).
 */
void vcpu_retire(struct vcpu *v);

/*
 * The exit fast path (core/exit_dispatch.c exit_fast), on v's CPU between
 * an exit and an entry that the vendor code makes without returning to
 * the run loop. exit_fast first marks v out of its guest while the exit
 * is handled, as after vcpu_run (a stage-2 shootdown the handler makes
 * must not wait for v itself). Then vcpu_fast_reentry: true when nothing
 * the run loop looks at has changed (no reschedule, v runnable, no
 * interrupt requested; a pause pokes v's CPU, which is a reschedule), after doing what vcpu_run_turn does
 * before an entry (the entry counted, in the guest again, the stage-2
 * generation checked). False leaves v out of the guest.
 */
bool vcpu_fast_reentry(struct vcpu *v);

#endif
