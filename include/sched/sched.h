/* SPDX-License-Identifier: MIT */
/*
 * The per-CPU scheduler: sched/policy.c's run queue behind a lock, driven
 * by the one-shot LAPIC timer, plus the vCPUs sleeping until a deadline.
 * Calls about another CPU's vCPU lock that CPU's run queue (the inbox)
 * and then poke it with the reschedule IPI. Running a vCPU, and whatever
 * needs exits, devices or consoles, is the layer above's (struct
 * sched_hooks, core/vcpu_run.c).
 */
#ifndef KEEL_SCHED_SCHED_H
#define KEEL_SCHED_SCHED_H

#include <stdbool.h>
#include <stdint.h>

#include <arch/cpu.h>
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

/*
 * The running vCPU sleeps for ns: in hlt (halted), until then or until an
 * interrupt is pending for it; in the sleep hypercall, for all of ns (an
 * interrupt waits in its IRR until the sleep is over, docs/hypercalls.md).
 */
void sched_vcpu_sleep(struct vcpu *v, uint64_t ns, bool halted);

/*
 * Wakes v if it is halted (an interrupt was made pending for it), on
 * whichever CPU it lives: under that CPU's run-queue lock, then an IPI.
 */
void sched_vcpu_wake(struct vcpu *v);

/*
 * An interrupt was made pending for v (in its IRR): wake it if it halts,
 * and if it runs on another CPU, make that CPU take it out of the guest
 * (the reschedule IPI) so that it sees the request now.
 */
void sched_vcpu_notify(struct vcpu *v);

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

/* The timer interrupt handler: a scheduling decision is due here. */
void sched_timer_interrupt(void);

/*
 * What the scheduler asks of the layer above, which registers it once
 * (core/vcpu_run.c, before any CPU enters sched_run): the scheduler
 * decides which vCPU runs where and until when; it knows no exits,
 * devices or consoles.
 */
struct sched_hooks {
	/*
	 * Runs v (loaded on this CPU) until deadline_tsc, until
	 * sched_resched_pending or until v is no longer runnable.
	 */
	void (*run)(struct vcpu *v, uint64_t deadline_tsc);
	/*
	 * Must blocked v run anyway (halted, and an interrupt is pending)?
	 * Lock held.
	 */
	bool (*wake_pending)(struct vcpu *v);
	/* v stopped for good and left its run queue: its end. */
	void (*retire)(struct vcpu *v);
	/*
	 * Called on every pass of every CPU's loop, before the pick (may be
	 * NULL): the console's work (typing, queued output). Returns in how
	 * many ns it wants to run again on that CPU (the loop's timer is
	 * armed no later), or UINT64_MAX.
	 */
	uint64_t (*poll)(unsigned int cpu);
};

#define SCHED_POLL_NS 1000000ULL	/* 1 ms */

void sched_set_hooks(const struct sched_hooks *hooks);

/*
 * Is a scheduling decision due on cpu (timer, wake-up, kick)? Inline: the
 * exit fast path asks on every exit.
 */
static inline bool sched_resched_pending(unsigned int cpu)
{
	return cpus[cpu].need_resched;
}

/* Makes cpu look at its run queue soon (the reschedule IPI). */
void sched_kick(unsigned int cpu);

/* Runs this CPU's vCPUs for good. */
__attribute__((noreturn)) void sched_run(struct cpu *cpu);

#endif
