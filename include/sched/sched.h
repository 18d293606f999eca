/* SPDX-License-Identifier: MIT */
/*
 * The per-CPU scheduler: sched/policy.c's run queue behind a lock, driven
 * by the one-shot LAPIC timer, plus the vCPUs sleeping until a deadline.
 * Calls about another CPU's vCPU lock that CPU's run queue (the inbox)
 * and then poke it with the reschedule IPI.
 */
#ifndef KEEL_SCHED_SCHED_H
#define KEEL_SCHED_SCHED_H

#include <stdint.h>

#include <core/vcpu.h>

struct cpu;

void sched_cpu_init(unsigned int cpu);

/*
 * The CPU in mask with the fewest runnable vCPUs (a hint, read without
 * locks), or SCHED_CPU_NONE if mask has no CPU in root mode.
 */
unsigned int sched_least_loaded(uint64_t mask);

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

/*
 * New affinity. A vCPU outside it is moved to the first CPU it allows:
 * at once if it is not running, else when its turn ends (after VMCLEAR
 * on VMX). 0 or -KEEL_EINVAL (empty mask).
 */
int sched_vcpu_set_affinity(struct vcpu *v, uint64_t mask);

/* New priority and slice (limits of sched_entity_init). */
int sched_vcpu_set_params(struct vcpu *v, unsigned int prio, uint64_t slice_ns);

/*
 * With v->vm->paused set: takes v off its run queue (kicking it out of
 * the guest if it runs). True once v is off every CPU; call again until.
 */
bool sched_vcpu_pause(struct vcpu *v);
/* With v->vm->paused clear: v runs again if it was runnable. */
void sched_vcpu_resume(struct vcpu *v);

/*
 * v (stopped or never started) leaves every queue and list for good.
 * True once no CPU runs or holds it (its control structure may be
 * freed); false: it was kicked, call again.
 */
bool sched_vcpu_quiesce(struct vcpu *v);

/*
 * After vm's stage-2 tables lost mappings: every CPU flushes its stage-2
 * TLB before its next guest entry, and this waits until no vCPU of vm
 * is still in the guest with old translations. Then the frames may go.
 */
struct vm;
void sched_stage2_shootdown(struct vm *vm);

/*
 * The exit fast path (core/exit.c exit_fast), on v's CPU between an exit
 * and an entry that the vendor code makes without returning to the run
 * loop. First sched_fast_exit: v is out of its guest while the exit is
 * handled, as after vcpu_run (a stage-2 shootdown the handler makes must
 * not wait for v itself). Then sched_fast_reentry: true when nothing the
 * run loop looks at has changed (no reschedule, v runnable and not
 * paused, no interrupt requested), after doing what run_turn and
 * enter_guest do before an entry (the entry counted, in the guest again,
 * the stage-2 generation checked). False leaves v out of the guest.
 */
static inline void sched_fast_exit(struct vcpu *v)
{
	__atomic_store_n(&v->in_guest, false, __ATOMIC_RELEASE);
}

bool sched_fast_reentry(struct vcpu *v);
extern uint64_t stage2_generation;

/* The timer interrupt handler: a scheduling decision is due here. */
void sched_timer_interrupt(void);

/* Runs this CPU's vCPUs for good. */
__attribute__((noreturn)) void sched_run(struct cpu *cpu);

#endif
