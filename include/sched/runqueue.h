/* SPDX-License-Identifier: MIT */
/*
 * Per-CPU run queues. For now each CPU runs its vCPUs one after another,
 * each until it blocks or stops (no preemption yet); the priority and
 * time-slice policy replaces rq_next without changing its callers.
 */
#ifndef KEEL_SCHED_RUNQUEUE_H
#define KEEL_SCHED_RUNQUEUE_H

#include <core/vcpu.h>

void rq_add(unsigned int cpu, struct vcpu *v);
/* The next runnable vCPU of this CPU's queue, or NULL. */
struct vcpu *rq_next(unsigned int cpu);

#endif
