// SPDX-License-Identifier: MIT
/* Per-CPU FIFO run queues; see sched/runqueue.h. */
#include <arch/cpu.h>
#include <lib/spinlock.h>
#include <sched/runqueue.h>

struct runqueue {
	struct spinlock lock;
	struct vcpu *head, *tail;
};

static struct runqueue runqueues[MAX_CPUS];

void rq_add(unsigned int cpu, struct vcpu *v)
{
	struct runqueue *rq = &runqueues[cpu];

	spin_lock(&rq->lock);
	v->next = NULL;
	if (rq->tail)
		rq->tail->next = v;
	else
		rq->head = v;
	rq->tail = v;
	spin_unlock(&rq->lock);
}

struct vcpu *rq_next(unsigned int cpu)
{
	struct runqueue *rq = &runqueues[cpu];
	struct vcpu *v;

	spin_lock(&rq->lock);
	/* drop vCPUs that will never run again from the front */
	while (rq->head && rq->head->state != VCPU_RUNNABLE) {
		rq->head = rq->head->next;
		if (!rq->head)
			rq->tail = NULL;
	}
	v = rq->head;
	spin_unlock(&rq->lock);
	return v;
}
