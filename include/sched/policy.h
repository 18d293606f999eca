/* SPDX-License-Identifier: MIT */
/*
 * The vCPU scheduling policy of one physical CPU, without hardware.
 *
 * Each CPU has a run queue (struct sched_rq) of entities (struct
 * sched_entity, one per vCPU). The policy:
 *  - 32 priority levels, 0..31, higher runs first (strict priority);
 *  - round robin inside a level: the running entity keeps the CPU for its
 *    own time slice (1..100 ms), then goes to the tail of its level with a
 *    fresh slice, so the slices set the CPU shares inside a level;
 *  - an entity waking at a higher level than the running one preempts it,
 *    but only once the running one has run min_run_ns since it was
 *    switched in (per run queue, default 1 ms): wake-up storms cannot
 *    thrash. A preempted entity goes back to the head of its level and
 *    keeps the rest of its slice, so preemption does not change shares;
 *  - an entity that blocks keeps the rest of its slice; on wake-up it
 *    queues at the tail of its level;
 *  - picking the next entity is O(1): a bitmap of non-empty levels
 *    (__builtin_clz) and one intrusive FIFO per level;
 *  - tickless: when nobody at or above the running entity's level waits,
 *    no decision is due (sched_next_event is UINT64_MAX). If such an
 *    entity ran past its slice alone, its turn ends as soon as a peer of
 *    its level arrives.
 *
 * The policy never reads a clock: every call that depends on time takes
 * now_ns, which must not go backwards on a run queue (an earlier value is
 * treated as the latest one seen). Time runs on one timeline for all run
 * queues (synchronized TSCs), so accounting survives migration.
 *
 * Locking is the caller's: hold the run queue's lock around every call
 * that takes it, and the lock of e->rq around calls on a queued entity.
 * Nothing here allocates, blocks or panics; bad arguments return negative
 * KEEL_E* values from keel/abi.h.
 *
 * How the hardware layer drives it:
 *  - after any call that changes a run queue, ask sched_next_event and
 *    program the one-shot timer for that time (a wake-up on another CPU:
 *    enqueue under that CPU's lock, then IPI it so it re-reads the time);
 *  - when the timer fires, the running vCPU exits, or it is idle and
 *    woken: next = sched_pick(rq, now), then run next (halt if NULL);
 *  - guest hlt: sched_block; PAUSE-loop exit: sched_yield_running; then
 *    sched_pick;
 *  - an idle CPU: sched_pull_candidate over all run queues, then
 *    sched_dequeue from the candidate's rq and sched_enqueue here, both
 *    under their locks, re-checking that the candidate is still there
 *    (sched_dequeue returns -KEEL_ENOENT if it is not).
 */
#ifndef KEEL_SCHED_POLICY_H
#define KEEL_SCHED_POLICY_H

#include <stdbool.h>
#include <stddef.h>	/* NULL */
#include <stdint.h>

#define SCHED_PRIO_LEVELS        32
#define SCHED_PRIO_MAX           (SCHED_PRIO_LEVELS - 1)
#define SCHED_MAX_CPUS           64	/* bits of an affinity mask */
#define SCHED_NS_PER_MS          1000000ULL
#define SCHED_SLICE_MIN_NS       (1 * SCHED_NS_PER_MS)
#define SCHED_SLICE_MAX_NS       (100 * SCHED_NS_PER_MS)
#define SCHED_SLICE_DEFAULT_NS   (10 * SCHED_NS_PER_MS)
#define SCHED_MIN_RUN_DEFAULT_NS (1 * SCHED_NS_PER_MS)
#define SCHED_MIN_RUN_MAX_NS     SCHED_SLICE_MAX_NS
#define SCHED_AFFINITY_ALL       UINT64_MAX
#define SCHED_CPU_NONE           (~0u)	/* last_cpu before the first run */

enum sched_state {
	SCHED_BLOCKED,		/* on no run queue (initial state) */
	SCHED_RUNNABLE,		/* waiting in a level list of e->rq */
	SCHED_RUNNING,		/* e->rq->running */
};

struct sched_entity {
	/* policy state: read, never write */
	struct sched_entity *next, *prev;	/* level list, while RUNNABLE */
	struct sched_rq *rq;	/* NULL exactly when BLOCKED */
	enum sched_state state;
	unsigned int prio;
	uint64_t slice_ns;
	uint64_t slice_left_ns;	/* of the current turn */
	uint64_t affinity;	/* bit n: may run on CPU n */
	uint64_t waiting_since_ns;	/* while RUNNABLE */

	/* accounting */
	uint64_t run_ns;	/* up to e->rq->clock_ns while RUNNING */
	uint64_t wait_ns;	/* RUNNABLE time, up to the last state change */
	uint64_t switches;	/* times switched in */
	unsigned int last_cpu;	/* SCHED_CPU_NONE if it never ran */
};

struct sched_level {
	struct sched_entity *head, *tail;
};

struct sched_rq {
	unsigned int cpu;
	uint32_t bitmap;	/* bit p set exactly when levels[p] is not empty */
	struct sched_level levels[SCHED_PRIO_LEVELS];
	struct sched_entity *running;	/* NULL: idle */
	uint64_t running_since_ns;	/* when running was switched in */
	uint64_t min_run_ns;
	unsigned int nr_queued;	/* RUNNABLE entities (not counting running) */

	/* accounting, up to clock_ns */
	uint64_t clock_ns;
	uint64_t busy_ns;	/* sum of the run time charged here */
	uint64_t idle_ns;
};

_Static_assert(SCHED_PRIO_LEVELS == 8 * sizeof(uint32_t),
	       "one bitmap bit per priority level");
_Static_assert(SCHED_MAX_CPUS == 8 * sizeof(uint64_t),
	       "one affinity bit per CPU");

/*
 * An empty, idle run queue whose accounting starts at now_ns. -KEEL_EINVAL
 * if cpu >= SCHED_MAX_CPUS or min_run_ns > SCHED_MIN_RUN_MAX_NS.
 */
int sched_rq_init(struct sched_rq *rq, unsigned int cpu, uint64_t min_run_ns,
		  uint64_t now_ns);

/*
 * A BLOCKED entity with a full slice. -KEEL_EINVAL if prio > SCHED_PRIO_MAX,
 * slice_ns is outside [SCHED_SLICE_MIN_NS, SCHED_SLICE_MAX_NS] or
 * affinity is 0.
 */
int sched_entity_init(struct sched_entity *e, unsigned int prio,
		      uint64_t slice_ns, uint64_t affinity);

static inline bool sched_allowed(const struct sched_entity *e,
				 unsigned int cpu)
{
	return cpu < SCHED_MAX_CPUS && ((e->affinity >> cpu) & 1);
}

/*
 * A BLOCKED entity becomes RUNNABLE on rq, at the tail of its level
 * (wake-up or migration in). It does not run until sched_pick.
 * -KEEL_EEXIST if e is not BLOCKED; -KEEL_EINVAL if its affinity
 * excludes rq->cpu. On error nothing changes.
 */
int sched_enqueue(struct sched_rq *rq, struct sched_entity *e, uint64_t now_ns);

/*
 * e leaves rq and becomes BLOCKED (it blocks, or migrates out), keeping
 * the rest of its slice. If e was running, rq is idle until sched_pick.
 * -KEEL_ENOENT if e is not on rq.
 */
int sched_dequeue(struct sched_rq *rq, struct sched_entity *e, uint64_t now_ns);

/* The running entity blocks (guest hlt). -KEEL_ENOENT if rq is idle. */
int sched_block(struct sched_rq *rq, uint64_t now_ns);

/*
 * The running entity gives up the rest of its slice: the next sched_pick
 * runs the next entity of its level or a higher one, or, if there is
 * none, it again with a fresh slice (lower levels never gain from a
 * yield). -KEEL_ENOENT if rq is idle.
 */
int sched_yield_running(struct sched_rq *rq, uint64_t now_ns);

/*
 * Who runs on rq from now_ns: accounts up to now_ns, ends the running
 * entity's turn if it is due (sched_should_preempt), and returns the
 * running entity, or NULL if the CPU should idle. The returned entity is
 * rq->running.
 */
struct sched_entity *sched_pick(struct sched_rq *rq, uint64_t now_ns);

/*
 * True when sched_pick at now_ns would switch: rq is idle with a
 * runnable entity, or the running entity's turn is over (its slice ran
 * out and another entity of its level or higher waits, or a higher
 * level waits and it has run min_run_ns).
 */
bool sched_should_preempt(const struct sched_rq *rq, uint64_t now_ns);

/*
 * The absolute time at which sched_should_preempt becomes true (now_ns
 * if it is already), or UINT64_MAX if no event of time alone can make
 * it: program the one-shot timer for this. Changes to rq (enqueue,
 * dequeue, set_params) can move it.
 */
uint64_t sched_next_event(const struct sched_rq *rq, uint64_t now_ns);

/* Brings rq's and its running entity's accounting up to now_ns. */
void sched_account(struct sched_rq *rq, uint64_t now_ns);

/*
 * New priority and slice (same limits as sched_entity_init). A queued
 * entity moves to the tail of its new level; a running one keeps running
 * (ask sched_next_event again), with its slice left cut to the new slice.
 */
int sched_set_params(struct sched_entity *e, unsigned int prio,
		     uint64_t slice_ns, uint64_t now_ns);

/*
 * New affinity mask (-KEEL_EINVAL if 0). e stays where it is: if
 * e->rq && !sched_allowed(e, e->rq->cpu), the caller migrates it.
 */
int sched_set_affinity(struct sched_entity *e, uint64_t affinity);

/*
 * The pull decision for dst_cpu (idle, or lightly loaded): among rqs
 * (which may include dst_cpu's own), the busiest run queue (load =
 * running + queued entities) whose load is at least two above dst_cpu's
 * and that has a queued entity allowed on dst_cpu; from it, the queued
 * entity that would run first there among those allowed. Never a running
 * entity. NULL if no pull narrows the imbalance. Ties go to the first
 * run queue in rqs. Reads the run queues without changing them, so the
 * answer is a hint when their locks are not held.
 */
struct sched_entity *sched_pull_candidate(struct sched_rq *const *rqs,
					  unsigned int n, unsigned int dst_cpu);

/*
 * True if rq has a queued entity that may run on cpu: the one test a busy
 * CPU makes before it wakes an idle cpu to pull from it (entities pinned
 * away from cpu would only wake it for nothing).
 */
bool sched_has_queued_for(const struct sched_rq *rq, unsigned int cpu);

#endif
