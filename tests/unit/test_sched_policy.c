// SPDX-License-Identifier: MIT
/* sched/policy.c edge cases, one call at a time on a hand-driven clock. */
#include <stdbool.h>

#include "test_util.h"

#include <keel/abi.h>
#include <sched/policy.h>

#define MS SCHED_NS_PER_MS
#define US 1000ULL

static void rq_new(struct sched_rq *rq, unsigned int cpu)
{
	assert_int_equal(sched_rq_init(rq, cpu, SCHED_MIN_RUN_DEFAULT_NS, 0), 0);
}

static void entity_new(struct sched_entity *e, unsigned int prio,
		       uint64_t slice_ns)
{
	assert_int_equal(sched_entity_init(e, prio, slice_ns,
					   SCHED_AFFINITY_ALL), 0);
}

/* The level lists agree with the bitmap and nr_queued. */
static void check_rq(const struct sched_rq *rq)
{
	unsigned int queued = 0;

	for (unsigned int p = 0; p < SCHED_PRIO_LEVELS; p++) {
		const struct sched_entity *e, *prev = NULL;

		assert_int_equal(!!(rq->bitmap >> p & 1),
				 rq->levels[p].head != NULL);
		for (e = rq->levels[p].head; e; prev = e, e = e->next) {
			assert_ptr_equal(e->prev, prev);
			assert_int_equal(e->state, SCHED_RUNNABLE);
			assert_ptr_equal(e->rq, rq);
			assert_int_equal(e->prio, p);
			assert_ptr_not_equal(e, rq->running);
			queued++;
		}
		assert_ptr_equal(rq->levels[p].tail, prev);
	}
	assert_int_equal(queued, rq->nr_queued);
	if (rq->running) {
		assert_int_equal(rq->running->state, SCHED_RUNNING);
		assert_ptr_equal(rq->running->rq, rq);
	}
}

static void test_invalid_params(void **state)
{
	struct sched_rq rq;
	struct sched_entity e;

	assert_int_equal(sched_rq_init(&rq, SCHED_MAX_CPUS, 0, 0), -KEEL_EINVAL);
	assert_int_equal(sched_rq_init(&rq, 0, SCHED_MIN_RUN_MAX_NS + 1, 0),
			 -KEEL_EINVAL);
	assert_int_equal(sched_rq_init(&rq, SCHED_MAX_CPUS - 1,
				       SCHED_MIN_RUN_MAX_NS, 0), 0);
	assert_int_equal(sched_rq_init(&rq, 0, 0, 0), 0);

	assert_int_equal(sched_entity_init(&e, SCHED_PRIO_MAX + 1,
					   SCHED_SLICE_DEFAULT_NS, 1), -KEEL_EINVAL);
	assert_int_equal(sched_entity_init(&e, 0, 0, 1), -KEEL_EINVAL);
	assert_int_equal(sched_entity_init(&e, 0, SCHED_SLICE_MIN_NS - 1, 1),
			 -KEEL_EINVAL);
	assert_int_equal(sched_entity_init(&e, 0, SCHED_SLICE_MAX_NS + 1, 1),
			 -KEEL_EINVAL);
	assert_int_equal(sched_entity_init(&e, 0, SCHED_SLICE_DEFAULT_NS, 0),
			 -KEEL_EINVAL);
	assert_int_equal(sched_entity_init(&e, SCHED_PRIO_MAX,
					   SCHED_SLICE_MIN_NS, 1), 0);
	assert_int_equal(sched_entity_init(&e, 0, SCHED_SLICE_MAX_NS, 1), 0);
	assert_int_equal(e.state, SCHED_BLOCKED);
	assert_null(e.rq);
	assert_int_equal(e.last_cpu, SCHED_CPU_NONE);

	/* a refused change changes nothing */
	assert_int_equal(sched_set_params(&e, 32, 5 * MS, 0), -KEEL_EINVAL);
	assert_int_equal(sched_set_params(&e, 3, 101 * MS, 0), -KEEL_EINVAL);
	assert_int_equal(sched_set_params(&e, 3, 999 * US, 0), -KEEL_EINVAL);
	assert_int_equal(e.prio, 0);
	assert_int_equal(e.slice_ns, SCHED_SLICE_MAX_NS);
	assert_int_equal(sched_set_affinity(&e, 0), -KEEL_EINVAL);
	assert_int_equal(e.affinity, 1);
	assert_int_equal(sched_set_params(&e, 3, 5 * MS, 0), 0);
	assert_int_equal(e.prio, 3);
	assert_int_equal(e.slice_left_ns, 5 * MS);

	/* nothing to block or yield on an idle queue */
	assert_int_equal(sched_block(&rq, 0), -KEEL_ENOENT);
	assert_int_equal(sched_yield_running(&rq, 0), -KEEL_ENOENT);
	assert_null(sched_pick(&rq, 0));
	assert_int_equal(sched_next_event(&rq, 0), UINT64_MAX);
	assert_false(sched_should_preempt(&rq, 0));
}

static void test_enqueue_refusals(void **state)
{
	struct sched_rq rq0, rq3;
	struct sched_entity e, f;

	rq_new(&rq0, 0);
	rq_new(&rq3, 3);
	assert_int_equal(sched_entity_init(&e, 5, SCHED_SLICE_DEFAULT_NS,
					   1u << 3 | 1u << 7), 0);
	entity_new(&f, 5, SCHED_SLICE_DEFAULT_NS);

	assert_int_equal(sched_enqueue(&rq0, &e, 0), -KEEL_EINVAL);
	assert_int_equal(e.state, SCHED_BLOCKED);
	assert_int_equal(rq0.nr_queued, 0);
	assert_int_equal(rq0.bitmap, 0);

	assert_int_equal(sched_enqueue(&rq3, &e, 0), 0);
	assert_int_equal(sched_enqueue(&rq3, &e, 0), -KEEL_EEXIST);
	assert_int_equal(sched_enqueue(&rq0, &e, 0), -KEEL_EEXIST);
	assert_int_equal(rq3.nr_queued, 1);
	check_rq(&rq3);

	/* running counts as enqueued too */
	assert_ptr_equal(sched_pick(&rq3, 0), &e);
	assert_int_equal(sched_enqueue(&rq3, &e, 0), -KEEL_EEXIST);
	check_rq(&rq3);

	/* dequeue from the wrong queue, or of a blocked entity */
	assert_int_equal(sched_dequeue(&rq0, &e, 0), -KEEL_ENOENT);
	assert_int_equal(sched_dequeue(&rq3, &f, 0), -KEEL_ENOENT);

	/* affinity 1 << 63: the last CPU */
	assert_int_equal(sched_set_affinity(&f, 1ULL << 63), 0);
	assert_false(sched_allowed(&f, 0));
	assert_true(sched_allowed(&f, 63));
	assert_false(sched_allowed(&f, 64));
	assert_int_equal(sched_enqueue(&rq3, &f, 0), -KEEL_EINVAL);
}

/* All 32 levels, several entities per level, enqueued in shuffled order. */
static void test_pick_all_levels(void **state)
{
	enum { PER_LEVEL = 3, N = SCHED_PRIO_LEVELS * PER_LEVEL };
	static struct sched_entity es[N];
	unsigned int order[N];
	uint64_t seed = 42, now = 0;
	struct sched_rq rq;

	rq_new(&rq, 0);
	for (unsigned int i = 0; i < N; i++) {
		entity_new(&es[i], i / PER_LEVEL, SCHED_SLICE_DEFAULT_NS);
		order[i] = i;
	}
	for (unsigned int i = N - 1; i > 0; i--) {
		unsigned int j = test_rand(&seed) % (i + 1), t = order[i];

		order[i] = order[j];
		order[j] = t;
	}
	for (unsigned int i = 0; i < N; i++)
		assert_int_equal(sched_enqueue(&rq, &es[order[i]], now), 0);
	assert_int_equal(rq.bitmap, UINT32_MAX);
	check_rq(&rq);

	/* highest level first; inside a level, enqueue (FIFO) order */
	unsigned int expect[N], n = 0;

	for (int p = SCHED_PRIO_MAX; p >= 0; p--)
		for (unsigned int i = 0; i < N; i++)
			if (es[order[i]].prio == (unsigned int)p)
				expect[n++] = order[i];
	for (unsigned int k = 0; k < N; k++) {
		unsigned int prio = expect[k] / PER_LEVEL;

		assert_ptr_equal(sched_pick(&rq, now), &es[expect[k]]);
		now += 100 * US;
		assert_int_equal(sched_block(&rq, now), 0);
		check_rq(&rq);
		if (k % PER_LEVEL == PER_LEVEL - 1)
			assert_int_equal(rq.bitmap, (1ULL << prio) - 1);
	}
	assert_null(sched_pick(&rq, now));
	assert_int_equal(rq.nr_queued, 0);
}

static void test_dequeue(void **state)
{
	struct sched_rq rq;
	struct sched_entity a, b, c;

	rq_new(&rq, 1);
	entity_new(&a, 4, 10 * MS);
	entity_new(&b, 4, 10 * MS);
	entity_new(&c, 4, 10 * MS);
	assert_int_equal(sched_enqueue(&rq, &a, 0), 0);
	assert_int_equal(sched_enqueue(&rq, &b, 0), 0);
	assert_int_equal(sched_enqueue(&rq, &c, 0), 0);

	/* from the middle of a level: the order of the rest is kept */
	assert_int_equal(sched_dequeue(&rq, &b, 2 * MS), 0);
	assert_int_equal(b.state, SCHED_BLOCKED);
	assert_null(b.rq);
	assert_int_equal(b.wait_ns, 2 * MS);
	check_rq(&rq);
	assert_ptr_equal(rq.levels[4].head, &a);
	assert_ptr_equal(rq.levels[4].tail, &c);

	/* the running one: the queue goes idle until the next pick */
	assert_ptr_equal(sched_pick(&rq, 2 * MS), &a);
	assert_int_equal(sched_dequeue(&rq, &a, 5 * MS), 0);
	assert_null(rq.running);
	assert_int_equal(a.state, SCHED_BLOCKED);
	assert_int_equal(a.run_ns, 3 * MS);
	assert_int_equal(a.slice_left_ns, 7 * MS);
	assert_int_equal(sched_next_event(&rq, 5 * MS), 5 * MS);
	assert_true(sched_should_preempt(&rq, 5 * MS));
	check_rq(&rq);

	assert_ptr_equal(sched_pick(&rq, 6 * MS), &c);
	assert_int_equal(sched_dequeue(&rq, &c, 7 * MS), 0);
	assert_null(sched_pick(&rq, 7 * MS));
	assert_int_equal(rq.bitmap, 0);
	assert_int_equal(rq.busy_ns, 4 * MS);
	assert_int_equal(rq.idle_ns, 3 * MS);

	/* a migrated entity keeps its accounting and slice left */
	struct sched_rq rq2;

	assert_int_equal(sched_rq_init(&rq2, 2, SCHED_MIN_RUN_DEFAULT_NS,
				       7 * MS), 0);
	assert_int_equal(sched_enqueue(&rq2, &a, 8 * MS), 0);
	assert_ptr_equal(sched_pick(&rq2, 9 * MS), &a);
	assert_int_equal(a.wait_ns, 2 * MS + 1 * MS);
	assert_int_equal(rq2.idle_ns, 2 * MS);
	assert_int_equal(a.switches, 2);
	assert_int_equal(a.last_cpu, 2);
	assert_int_equal(sched_next_event(&rq2, 9 * MS), UINT64_MAX);
}

static void test_block(void **state)
{
	struct sched_rq rq;
	struct sched_entity a, b;

	rq_new(&rq, 0);
	entity_new(&a, 7, 10 * MS);
	entity_new(&b, 7, 10 * MS);
	assert_int_equal(sched_enqueue(&rq, &a, 0), 0);
	assert_int_equal(sched_enqueue(&rq, &b, 0), 0);
	assert_ptr_equal(sched_pick(&rq, 0), &a);
	assert_int_equal(sched_next_event(&rq, 0), 10 * MS);

	/* a blocks after 4 ms: b runs, a keeps 6 ms for its next turn */
	assert_int_equal(sched_block(&rq, 4 * MS), 0);
	assert_ptr_equal(sched_pick(&rq, 4 * MS), &b);
	assert_int_equal(a.slice_left_ns, 6 * MS);
	assert_int_equal(b.wait_ns, 4 * MS);

	/* a wakes: tail of the level; b's slice runs to its end */
	assert_int_equal(sched_enqueue(&rq, &a, 5 * MS), 0);
	assert_false(sched_should_preempt(&rq, 13 * MS));
	assert_int_equal(sched_next_event(&rq, 5 * MS), 14 * MS);
	assert_ptr_equal(sched_pick(&rq, 13 * MS), &b);
	assert_ptr_equal(sched_pick(&rq, 14 * MS), &a);
	assert_int_equal(sched_next_event(&rq, 14 * MS), 20 * MS);
	assert_ptr_equal(sched_pick(&rq, 20 * MS), &b);
	assert_int_equal(a.slice_left_ns, 10 * MS);
	assert_int_equal(a.run_ns, 10 * MS);
	assert_int_equal(a.wait_ns, 9 * MS);
	assert_int_equal(a.switches, 2);
	check_rq(&rq);
}

static void test_yield(void **state)
{
	struct sched_rq rq;
	struct sched_entity a, b, low;

	rq_new(&rq, 0);
	entity_new(&a, 9, 10 * MS);
	entity_new(&b, 9, 20 * MS);
	entity_new(&low, 2, 10 * MS);

	/* alone (a lower level waiting does not count): a runs on, fresh */
	assert_int_equal(sched_enqueue(&rq, &a, 0), 0);
	assert_int_equal(sched_enqueue(&rq, &low, 0), 0);
	assert_ptr_equal(sched_pick(&rq, 0), &a);
	assert_int_equal(sched_yield_running(&rq, 3 * MS), 0);
	assert_false(sched_should_preempt(&rq, 3 * MS));
	assert_ptr_equal(sched_pick(&rq, 3 * MS), &a);
	assert_int_equal(a.switches, 1);
	assert_int_equal(a.slice_left_ns, 10 * MS);
	assert_int_equal(low.run_ns, 0);

	/* with a peer: the peer runs, a goes to the tail with a full slice */
	assert_int_equal(sched_enqueue(&rq, &b, 4 * MS), 0);
	assert_int_equal(sched_next_event(&rq, 4 * MS), 13 * MS);
	assert_int_equal(sched_yield_running(&rq, 5 * MS), 0);
	assert_true(sched_should_preempt(&rq, 5 * MS));
	assert_int_equal(sched_next_event(&rq, 5 * MS), 5 * MS);
	assert_ptr_equal(sched_pick(&rq, 5 * MS), &b);
	assert_ptr_equal(rq.levels[9].head, &a);
	assert_int_equal(a.slice_left_ns, 10 * MS);
	assert_int_equal(a.run_ns, 5 * MS);
	assert_int_equal(sched_next_event(&rq, 5 * MS), 25 * MS);
	check_rq(&rq);
}

static void test_preempt_after_min_run(void **state)
{
	struct sched_rq rq;
	struct sched_entity lo, hi;

	rq_new(&rq, 0);
	entity_new(&lo, 1, 10 * MS);
	entity_new(&hi, 30, 10 * MS);
	assert_int_equal(sched_enqueue(&rq, &lo, 0), 0);
	assert_ptr_equal(sched_pick(&rq, 0), &lo);
	assert_int_equal(sched_next_event(&rq, 0), UINT64_MAX);

	/* hi wakes 200 us into lo's turn: waits until 1 ms */
	assert_int_equal(sched_enqueue(&rq, &hi, 200 * US), 0);
	assert_int_equal(sched_next_event(&rq, 200 * US), 1 * MS);
	assert_false(sched_should_preempt(&rq, 999 * US));
	assert_ptr_equal(sched_pick(&rq, 500 * US), &lo);
	assert_true(sched_should_preempt(&rq, 1 * MS));
	assert_ptr_equal(sched_pick(&rq, 1 * MS), &hi);
	assert_int_equal(hi.wait_ns, 800 * US);
	/* lo waits at the head of its level with the rest of its slice */
	assert_ptr_equal(rq.levels[1].head, &lo);
	assert_int_equal(lo.slice_left_ns, 9 * MS);
	assert_int_equal(lo.state, SCHED_RUNNABLE);

	/* hi blocks; lo resumes its turn and ends it 9 ms later */
	assert_int_equal(sched_block(&rq, 3 * MS), 0);
	assert_ptr_equal(sched_pick(&rq, 3 * MS), &lo);
	assert_int_equal(sched_enqueue(&rq, &hi, 3500 * US), 0);
	assert_int_equal(sched_next_event(&rq, 3500 * US), 4 * MS);

	/* woken long after the running one started: no wait at all */
	assert_ptr_equal(sched_pick(&rq, 4 * MS), &hi);
	assert_int_equal(sched_block(&rq, 5 * MS), 0);
	assert_ptr_equal(sched_pick(&rq, 5 * MS), &lo);
	assert_int_equal(sched_enqueue(&rq, &hi, 8 * MS), 0);
	assert_int_equal(sched_next_event(&rq, 8 * MS), 8 * MS);

	/* an overdue min run time never reports a time in the past */
	assert_int_equal(sched_next_event(&rq, 9 * MS), 9 * MS);

	/* a slice ending before the min run time still ends the turn */
	struct sched_rq rq2;
	struct sched_entity s1, s2, top;

	assert_int_equal(sched_rq_init(&rq2, 0, 50 * MS, 0), 0);
	entity_new(&s1, 3, 2 * MS);
	entity_new(&s2, 3, 2 * MS);
	entity_new(&top, 4, 2 * MS);
	assert_int_equal(sched_enqueue(&rq2, &s1, 0), 0);
	assert_int_equal(sched_enqueue(&rq2, &s2, 0), 0);
	assert_ptr_equal(sched_pick(&rq2, 0), &s1);
	assert_int_equal(sched_enqueue(&rq2, &top, 1 * MS), 0);
	assert_int_equal(sched_next_event(&rq2, 1 * MS), 2 * MS);
	assert_ptr_equal(sched_pick(&rq2, 2 * MS), &top);
	assert_ptr_equal(rq2.levels[3].head, &s2);
	assert_ptr_equal(rq2.levels[3].tail, &s1);
	assert_int_equal(s1.slice_left_ns, 2 * MS);
}

static void test_accounting(void **state)
{
	struct sched_rq rq;
	struct sched_entity a, b;

	assert_int_equal(sched_rq_init(&rq, 5, SCHED_MIN_RUN_DEFAULT_NS,
				       1000 * MS), 0);
	entity_new(&a, 0, 1 * MS);
	entity_new(&b, 0, 3 * MS);
	assert_null(sched_pick(&rq, 1002 * MS));
	assert_int_equal(rq.idle_ns, 2 * MS);
	assert_int_equal(sched_enqueue(&rq, &a, 1002 * MS), 0);
	assert_int_equal(sched_enqueue(&rq, &b, 1002 * MS), 0);

	uint64_t now = 1002 * MS;

	for (int i = 0; i < 20; i++) {
		sched_pick(&rq, now);
		now = sched_next_event(&rq, now);
	}
	sched_account(&rq, now);
	/* 20 turns of 1 and 3 ms, alternating: 10 rounds of 4 ms */
	assert_int_equal(now, 1042 * MS);
	assert_int_equal(a.run_ns, 10 * MS);
	assert_int_equal(b.run_ns, 30 * MS);
	assert_int_equal(a.switches, 10);
	assert_int_equal(b.switches, 10);
	assert_int_equal(a.last_cpu, 5);
	assert_int_equal(rq.busy_ns, 40 * MS);
	assert_int_equal(rq.busy_ns + rq.idle_ns, now - 1000 * MS);
	/* b still runs; a's current wait is open since its last turn */
	assert_ptr_equal(rq.running, &b);
	assert_int_equal(b.wait_ns, 10 * MS);
	assert_int_equal(a.wait_ns + (now - a.waiting_since_ns), 30 * MS);

	/* an earlier time counts as the latest one seen */
	sched_account(&rq, now - 5 * MS);
	assert_int_equal(rq.clock_ns, now);
	assert_int_equal(b.run_ns, 30 * MS);
	assert_true(sched_should_preempt(&rq, now - 5 * MS));
	assert_int_equal(sched_next_event(&rq, now - 5 * MS), now);
	assert_ptr_equal(sched_pick(&rq, now - 5 * MS), &a);
	assert_int_equal(a.switches, 11);
	assert_int_equal(a.wait_ns, 30 * MS);
	assert_int_equal(rq.running_since_ns, now);
}

static void test_set_params(void **state)
{
	struct sched_rq rq;
	struct sched_entity a, b, c;

	rq_new(&rq, 0);
	entity_new(&a, 10, 20 * MS);
	entity_new(&b, 10, 10 * MS);
	entity_new(&c, 5, 10 * MS);
	assert_int_equal(sched_enqueue(&rq, &a, 0), 0);
	assert_int_equal(sched_enqueue(&rq, &b, 0), 0);
	assert_int_equal(sched_enqueue(&rq, &c, 0), 0);
	assert_ptr_equal(sched_pick(&rq, 0), &a);

	/* a queued entity moves levels: c now outranks a */
	assert_int_equal(sched_set_params(&c, 20, 10 * MS, 1 * MS), 0);
	check_rq(&rq);
	assert_int_equal(rq.bitmap, 1u << 10 | 1u << 20);
	assert_int_equal(sched_next_event(&rq, 1 * MS), 1 * MS);
	assert_ptr_equal(sched_pick(&rq, 1 * MS), &c);
	assert_int_equal(sched_block(&rq, 2 * MS), 0);
	assert_ptr_equal(sched_pick(&rq, 2 * MS), &a);

	/* the running one: slice left cut to the new slice */
	assert_int_equal(sched_set_params(&a, 10, 5 * MS, 3 * MS), 0);
	assert_int_equal(a.slice_left_ns, 5 * MS);
	assert_int_equal(a.run_ns, 2 * MS);
	assert_int_equal(sched_next_event(&rq, 3 * MS), 8 * MS);

	/* lowered below a waiting entity: preempted (min run already done) */
	assert_int_equal(sched_set_params(&a, 1, 5 * MS, 4 * MS), 0);
	assert_true(sched_should_preempt(&rq, 4 * MS));
	assert_ptr_equal(sched_pick(&rq, 4 * MS), &b);
	assert_ptr_equal(rq.levels[1].head, &a);
	check_rq(&rq);
}

static void test_pull_candidate(void **state)
{
	struct sched_rq rq[3];
	struct sched_rq *const rqs[] = { &rq[0], &rq[1], &rq[2] };
	struct sched_entity e[7];

	for (unsigned int i = 0; i < 3; i++)
		rq_new(&rq[i], i);
	for (unsigned int i = 0; i < 7; i++)
		entity_new(&e[i], 5, 10 * MS);

	/* nothing anywhere */
	assert_null(sched_pull_candidate(rqs, 3, 2));

	/* one running, nothing queued: never the running one */
	assert_int_equal(sched_enqueue(&rq[0], &e[0], 0), 0);
	assert_ptr_equal(sched_pick(&rq[0], 0), &e[0]);
	assert_null(sched_pull_candidate(rqs, 3, 2));

	/* load 2 against 0: the queued one, unless affinity forbids */
	assert_int_equal(sched_set_affinity(&e[1], 1u << 0 | 1u << 1), 0);
	assert_int_equal(sched_enqueue(&rq[0], &e[1], 0), 0);
	assert_null(sched_pull_candidate(rqs, 3, 2));
	assert_ptr_equal(sched_pull_candidate(rqs, 3, 1), &e[1]);

	/* the first allowed in run order: higher level first */
	assert_int_equal(sched_enqueue(&rq[0], &e[2], 0), 0);
	assert_ptr_equal(sched_pull_candidate(rqs, 3, 2), &e[2]);
	assert_int_equal(sched_set_params(&e[2], 1, 10 * MS, 0), 0);
	assert_int_equal(sched_enqueue(&rq[0], &e[3], 0), 0);
	assert_ptr_equal(sched_pull_candidate(rqs, 3, 2), &e[3]);
	assert_ptr_equal(sched_pull_candidate(rqs, 3, 1), &e[1]);

	/* the busiest queue wins: rq1 load 2 < rq0 load 4 */
	assert_int_equal(sched_enqueue(&rq[1], &e[4], 0), 0);
	assert_int_equal(sched_enqueue(&rq[1], &e[5], 0), 0);
	assert_ptr_equal(sched_pick(&rq[1], 0), &e[4]);
	assert_ptr_equal(sched_pull_candidate(rqs, 3, 2), &e[3]);
	/* and if nothing there may move, the next busiest */
	assert_int_equal(sched_set_affinity(&e[3], 1), 0);
	assert_int_equal(sched_set_affinity(&e[2], 1), 0);
	assert_int_equal(sched_set_affinity(&e[1], 1), 0);
	assert_ptr_equal(sched_pull_candidate(rqs, 3, 2), &e[5]);

	/* a gap under 2 is no imbalance: rq1 (2) against rq2 (1) */
	assert_int_equal(sched_enqueue(&rq[2], &e[6], 0), 0);
	assert_ptr_equal(sched_pick(&rq[2], 0), &e[6]);
	assert_null(sched_pull_candidate(rqs, 3, 2));
	/* rq0 (4) against rq2 (1), but all of rq0's queued are pinned */
	assert_int_equal(sched_dequeue(&rq[1], &e[5], 0), 0);
	assert_null(sched_pull_candidate(rqs, 3, 2));
	/* rq0 against rq1 (1): pinned too */
	assert_null(sched_pull_candidate(rqs, 3, 1));
	/* dst_cpu missing from rqs counts as load 0 */
	assert_ptr_equal(sched_pull_candidate(rqs, 1, 1), NULL);
	assert_int_equal(sched_set_affinity(&e[2], 3), 0);
	assert_ptr_equal(sched_pull_candidate(rqs, 1, 1), &e[2]);
}

static void test_has_queued_for(void **state)
{
	struct sched_rq rq;
	struct sched_entity run, a, b;

	rq_new(&rq, 1);
	entity_new(&run, 5, 10 * MS);
	entity_new(&a, 5, 10 * MS);
	entity_new(&b, 3, 10 * MS);

	/* empty, then only the running entity: nothing to give */
	assert_false(sched_has_queued_for(&rq, 0));
	assert_int_equal(sched_enqueue(&rq, &run, 0), 0);
	assert_ptr_equal(sched_pick(&rq, 0), &run);
	assert_false(sched_has_queued_for(&rq, 0));

	/* queued but pinned to CPU 1: no use to CPU 0 */
	assert_int_equal(sched_set_affinity(&a, 1u << 1), 0);
	assert_int_equal(sched_enqueue(&rq, &a, 0), 0);
	assert_false(sched_has_queued_for(&rq, 0));
	assert_true(sched_has_queued_for(&rq, 1));

	/* one on a lower level that CPU 0 may run: found behind the pinned */
	assert_int_equal(sched_set_affinity(&b, 1u << 0 | 1u << 1), 0);
	assert_int_equal(sched_enqueue(&rq, &b, 0), 0);
	assert_true(sched_has_queued_for(&rq, 0));
	assert_false(sched_has_queued_for(&rq, 2));
	check_rq(&rq);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_invalid_params),
		cmocka_unit_test(test_enqueue_refusals),
		cmocka_unit_test(test_pick_all_levels),
		cmocka_unit_test(test_dequeue),
		cmocka_unit_test(test_block),
		cmocka_unit_test(test_yield),
		cmocka_unit_test(test_preempt_after_min_run),
		cmocka_unit_test(test_accounting),
		cmocka_unit_test(test_set_params),
		cmocka_unit_test(test_pull_candidate),
		cmocka_unit_test(test_has_queued_for),
	};

	return cmocka_run_group_tests_name("sched_policy", tests, NULL, NULL);
}
