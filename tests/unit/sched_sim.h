/* SPDX-License-Identifier: MIT */
/*
 * A deterministic discrete-event simulation of sched/policy.c on N CPUs.
 *
 * The clock is simulated ns. Each CPU has a sched_rq and models the
 * hardware layer the policy expects: it runs its picked entity until the
 * earliest of its one-shot timer (sched_next_event), its periodic tick,
 * and the moment the entity blocks by itself. A wake-up on a CPU is an
 * IPI: that CPU re-reads the policy at once (sched_should_preempt) and
 * reprograms its timer. An idle CPU pulls (sched_pull_candidate) at every
 * event. Entities follow scripts: burn forever, or burn then sleep,
 * repeatedly, from a first wake-up time.
 *
 * Every step checks the invariants that must hold whatever the script:
 * affinity, state agreement, no CPU idle with work queued, and no higher
 * level waiting longer than the preemption bound. sim_run fails the
 * running cmocka test on the first violation.
 */
#ifndef KEEL_TEST_SCHED_SIM_H
#define KEEL_TEST_SCHED_SIM_H

#include <stdbool.h>
#include <stdint.h>

#include <sched/policy.h>

#define SIM_MAX_CPUS 8
#define SIM_FOREVER  0	/* burn_ns: never blocks */

struct sim_script {
	uint64_t start_ns;	/* first wake-up */
	uint64_t burn_ns;	/* run time per burst; SIM_FOREVER */
	uint64_t sleep_ns;	/* sleep after each burst ... */
	uint64_t sleep_jitter_ns;	/* ... plus a pseudo-random 0..this-1 */
};

struct sim_entity {
	struct sched_entity se;
	struct sim_script script;
	unsigned int home_cpu;	/* where it wakes first */

	/* simulation state */
	bool asleep;
	uint64_t wake_at_ns;	/* while asleep */
	uint64_t burn_left_ns;	/* of the current burst, while awake */

	/* measurements */
	uint64_t blocked_ns;	/* asleep, closed at each wake-up */
	uint64_t asleep_since_ns;
	uint64_t woke_ns;	/* last wake-up, until it runs */
	bool latency_pending;
	uint64_t wakeups, max_latency_ns, sum_latency_ns;
	bool waiting;		/* RUNNABLE, since wait_start_ns */
	uint64_t wait_start_ns, max_wait_ns;
	uint64_t stint_start_ns;	/* switched in */
	uint64_t min_preempted_stint_ns;	/* shortest turn that ended
						 * with it still runnable */
};

struct sim;
typedef void sim_hook_fn(struct sim *s, void *ctx);

struct sim {
	/* configuration */
	unsigned int ncpus;
	struct sim_entity *ents;
	unsigned int nents;
	bool oneshot;		/* program sched_next_event */
	uint64_t tick_ns;	/* periodic tick; 0: none */
	bool pull;		/* idle CPUs pull */
	uint64_t hook_period_ns;	/* hook runs every this; 0: never */
	sim_hook_fn *hook;
	sim_hook_fn *check;	/* extra per-step checks */
	void *ctx;
	uint64_t seed;

	/* state */
	uint64_t now_ns;
	uint64_t next_hook_ns;
	struct sim_cpu {
		struct sched_rq rq;
		uint64_t timer_ns;	/* one-shot deadline */
		uint64_t next_tick_ns;
		bool kicked;	/* IPI: re-read the policy */
		bool resched;	/* its entity blocked or left */
		struct sched_entity *prev;	/* running before this step */
	} cpu[SIM_MAX_CPUS];
	struct sched_rq *rqs[SIM_MAX_CPUS];
	uint64_t steps, pulls, migrations, refused;
};

/*
 * Sets up s for ncpus CPUs (run queues with min_run_ns) and the entities
 * ents[0..nents-1], whose se, script and home_cpu the caller has set.
 * The caller then sets oneshot/tick_ns/pull/hooks and calls sim_run.
 */
void sim_init(struct sim *s, unsigned int ncpus, uint64_t min_run_ns,
	      struct sim_entity *ents, unsigned int nents);

/* Runs until until_ns, then brings all accounting up to it. */
void sim_run(struct sim *s, uint64_t until_ns);

/*
 * Explicit migration of an awake entity to dst (for hooks): dequeue,
 * enqueue on dst; if the policy refuses, back where it was and the
 * refusal (negative KEEL_E*) is returned.
 */
int sim_migrate(struct sim *s, struct sim_entity *e, unsigned int dst);

/* Time the entity spent waiting, including a wait still open at now. */
uint64_t sim_wait_ns(const struct sim *s, const struct sim_entity *e);

#endif
