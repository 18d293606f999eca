// SPDX-License-Identifier: MIT
/* The scheduling simulator; see sched_sim.h. */
#include <stdbool.h>

#include "test_util.h"

#include <lib/util.h>
#include "sched_sim.h"

#define SIM_MAX_PICKS_PER_STEP 8

void sim_init(struct sim *s, unsigned int ncpus, uint64_t min_run_ns,
	      struct sim_entity *ents, unsigned int nents)
{
	assert_true(ncpus > 0 && ncpus <= SIM_MAX_CPUS);
	*s = (struct sim){
		.ncpus = ncpus,
		.ents = ents,
		.nents = nents,
		.oneshot = true,
		.seed = 0x5eed,
	};
	for (unsigned int c = 0; c < ncpus; c++) {
		assert_int_equal(sched_rq_init(&s->cpu[c].rq, c, min_run_ns, 0),
				 0);
		s->cpu[c].timer_ns = UINT64_MAX;
		s->rqs[c] = &s->cpu[c].rq;
	}
	for (unsigned int i = 0; i < nents; i++) {
		struct sim_entity *e = &ents[i];

		assert_true(e->home_cpu < ncpus);
		assert_int_equal(e->se.state, SCHED_BLOCKED);
		e->asleep = true;
		e->wake_at_ns = e->script.start_ns;
		e->asleep_since_ns = 0;
		e->min_preempted_stint_ns = UINT64_MAX;
	}
}

static bool burns_forever(const struct sim_entity *e)
{
	return e->script.burn_ns == SIM_FOREVER;
}

static struct sim_entity *sim_of(struct sched_entity *se)
{
	return se ? container_of(se, struct sim_entity, se) : NULL;
}

/* Where a waking entity goes: where it ran last, else home, else any. */
static unsigned int wake_cpu(const struct sim *s, const struct sim_entity *e)
{
	if (e->se.last_cpu < s->ncpus && sched_allowed(&e->se, e->se.last_cpu))
		return e->se.last_cpu;
	if (sched_allowed(&e->se, e->home_cpu))
		return e->home_cpu;
	for (unsigned int c = 0; c < s->ncpus; c++)
		if (sched_allowed(&e->se, c))
			return c;
	fail_msg("entity %td may run on no simulated CPU", e - s->ents);
	return 0;
}

static void wake(struct sim *s, struct sim_entity *e)
{
	unsigned int c = wake_cpu(s, e);

	assert_int_equal(sched_enqueue(&s->cpu[c].rq, &e->se, s->now_ns), 0);
	e->asleep = false;
	e->blocked_ns += s->now_ns - e->asleep_since_ns;
	e->burn_left_ns = e->script.burn_ns;
	e->woke_ns = s->now_ns;
	e->latency_pending = true;
	e->wakeups++;
	s->cpu[c].kicked = true;
}

static void sleep_after_burst(struct sim *s, struct sim_entity *e)
{
	struct sched_rq *rq = e->se.rq;
	uint64_t sleep = e->script.sleep_ns;

	if (e->script.sleep_jitter_ns)
		sleep += test_rand(&s->seed) % e->script.sleep_jitter_ns;
	assert_ptr_equal(rq->running, &e->se);
	assert_int_equal(sched_block(rq, s->now_ns), 0);
	s->cpu[rq->cpu].resched = true;
	e->asleep = true;
	e->asleep_since_ns = s->now_ns;
	e->wake_at_ns = s->now_ns + sleep;
}

int sim_migrate(struct sim *s, struct sim_entity *e, unsigned int dst)
{
	struct sched_rq *src = e->se.rq;
	bool was_running;
	int rc;

	assert_non_null(src);
	assert_true(dst < s->ncpus);
	was_running = src->running == &e->se;
	assert_int_equal(sched_dequeue(src, &e->se, s->now_ns), 0);
	rc = sched_enqueue(&s->cpu[dst].rq, &e->se, s->now_ns);
	if (rc) {
		/* refused: nothing changed, it goes back */
		assert_int_equal(e->se.state, SCHED_BLOCKED);
		assert_null(e->se.rq);
		assert_int_equal(sched_enqueue(src, &e->se, s->now_ns), 0);
		s->refused++;
	} else {
		s->migrations++;
	}
	s->cpu[src->cpu].kicked = true;
	s->cpu[src->cpu].resched |= was_running;
	s->cpu[dst].kicked = true;
	return rc;
}

uint64_t sim_wait_ns(const struct sim *s, const struct sim_entity *e)
{
	uint64_t open = 0;

	if (e->se.state == SCHED_RUNNABLE)
		open = s->now_ns - e->se.waiting_since_ns;
	return e->se.wait_ns + open;
}

/* The earliest event after now: timer, tick, block, wake-up, hook. */
static uint64_t next_event(const struct sim *s)
{
	uint64_t t = UINT64_MAX;

	for (unsigned int c = 0; c < s->ncpus; c++) {
		const struct sim_cpu *cpu = &s->cpu[c];
		const struct sim_entity *run = sim_of(cpu->rq.running);

		if (s->oneshot)
			t = MIN(t, cpu->timer_ns);
		if (s->tick_ns)
			t = MIN(t, cpu->next_tick_ns);
		if (run && !burns_forever(run))
			t = MIN(t, s->now_ns + run->burn_left_ns);
	}
	for (unsigned int i = 0; i < s->nents; i++)
		if (s->ents[i].asleep)
			t = MIN(t, s->ents[i].wake_at_ns);
	if (s->hook_period_ns)
		t = MIN(t, s->next_hook_ns);
	assert_true(t >= s->now_ns);
	return t;
}

static void advance(struct sim *s, uint64_t t)
{
	for (unsigned int c = 0; c < s->ncpus; c++) {
		struct sim_entity *run = sim_of(s->cpu[c].rq.running);

		if (run && !burns_forever(run)) {
			assert_true(run->burn_left_ns >= t - s->now_ns);
			run->burn_left_ns -= t - s->now_ns;
		}
	}
	s->now_ns = t;
}

/* The hardware layer's reaction on one CPU at now. */
static void decide(struct sim *s, struct sim_cpu *cpu)
{
	bool tick = s->tick_ns && cpu->next_tick_ns <= s->now_ns;
	bool timer = s->oneshot && cpu->timer_ns <= s->now_ns;
	unsigned int picks = 0;

	if (tick)
		cpu->next_tick_ns += s->tick_ns;
	if (timer)
		cpu->timer_ns = UINT64_MAX;	/* fired; reprogrammed later */
	if (cpu->resched || tick || timer) {
		sched_pick(&cpu->rq, s->now_ns);
		picks++;
	}
	/* an IPI, or a timer reprogrammed into the past, acts at once */
	while ((cpu->kicked || s->oneshot) &&
	       sched_should_preempt(&cpu->rq, s->now_ns)) {
		sched_pick(&cpu->rq, s->now_ns);
		assert_true(++picks <= SIM_MAX_PICKS_PER_STEP);
	}
	cpu->kicked = cpu->resched = false;
}

static void pull_to_idle(struct sim *s, unsigned int c)
{
	struct sched_entity *se;

	if (s->cpu[c].rq.running)
		return;
	while ((se = sched_pull_candidate(s->rqs, s->ncpus, c))) {
		struct sim_entity *e = sim_of(se);

		assert_true(sched_allowed(se, c));
		assert_int_equal(se->state, SCHED_RUNNABLE);
		assert_int_equal(sim_migrate(s, e, c), 0);
		s->pulls++;
	}
	decide(s, &s->cpu[c]);
}

/* Latency, waits and turn lengths, from the states after a step. */
static void measure(struct sim *s)
{
	for (unsigned int c = 0; c < s->ncpus; c++) {
		struct sim_cpu *cpu = &s->cpu[c];
		struct sim_entity *prev = sim_of(cpu->prev);
		struct sim_entity *run = sim_of(cpu->rq.running);

		if (prev == run)
			continue;
		if (prev && prev->se.state == SCHED_RUNNABLE)
			prev->min_preempted_stint_ns =
				MIN(prev->min_preempted_stint_ns,
				    s->now_ns - prev->stint_start_ns);
		if (run) {
			run->stint_start_ns = s->now_ns;
			if (run->latency_pending) {
				uint64_t lat = s->now_ns - run->woke_ns;

				run->latency_pending = false;
				run->max_latency_ns = MAX(run->max_latency_ns,
							  lat);
				run->sum_latency_ns += lat;
			}
		}
		cpu->prev = cpu->rq.running;
	}
	for (unsigned int i = 0; i < s->nents; i++) {
		struct sim_entity *e = &s->ents[i];
		bool waiting = e->se.state == SCHED_RUNNABLE;

		if (waiting && !e->waiting)
			e->wait_start_ns = s->now_ns;
		if (!waiting && e->waiting)
			e->max_wait_ns = MAX(e->max_wait_ns,
					     s->now_ns - e->wait_start_ns);
		e->waiting = waiting;
	}
}

/* What holds after every step, whatever the scripts. */
static void check_invariants(const struct sim *s)
{
	for (unsigned int i = 0; i < s->nents; i++) {
		const struct sim_entity *e = &s->ents[i];
		const struct sched_rq *rq = e->se.rq;

		assert_int_equal(e->asleep, e->se.state == SCHED_BLOCKED);
		assert_int_equal(e->asleep, rq == NULL);
		if (rq) {
			/* affinity */
			assert_true(sched_allowed(&e->se, rq->cpu));
			assert_int_equal(e->se.state == SCHED_RUNNING,
					 rq->running == &e->se);
		}
	}
	for (unsigned int c = 0; c < s->ncpus; c++) {
		const struct sched_rq *rq = &s->cpu[c].rq;
		const struct sched_entity *run = rq->running;
		uint64_t bound = rq->min_run_ns;

		/* work conserving per CPU */
		if (!run) {
			assert_int_equal(rq->nr_queued, 0);
			continue;
		}
		assert_true(sched_allowed(run, c));
		/* a higher level waits at most min_run (+ a tick) */
		if (!s->oneshot)
			bound += s->tick_ns;
		if (rq->bitmap >> run->prio >> 1)
			assert_true(s->now_ns - rq->running_since_ns <= bound);
		if (s->oneshot)
			assert_true(s->cpu[c].timer_ns > s->now_ns);
	}
}

static void step(struct sim *s)
{
	unsigned int c, i;

	if (s->hook_period_ns && s->next_hook_ns <= s->now_ns) {
		s->next_hook_ns += s->hook_period_ns;
		s->hook(s, s->ctx);
	}
	for (c = 0; c < s->ncpus; c++) {
		struct sim_entity *run = sim_of(s->cpu[c].rq.running);

		if (run && !burns_forever(run) && !run->burn_left_ns)
			sleep_after_burst(s, run);
	}
	for (i = 0; i < s->nents; i++)
		if (s->ents[i].asleep && s->ents[i].wake_at_ns <= s->now_ns)
			wake(s, &s->ents[i]);
	for (c = 0; c < s->ncpus; c++)
		decide(s, &s->cpu[c]);
	if (s->pull)
		for (c = 0; c < s->ncpus; c++)
			pull_to_idle(s, c);
	for (c = 0; c < s->ncpus; c++) {
		/* a pull may have changed the source CPU's next event */
		decide(s, &s->cpu[c]);
		s->cpu[c].timer_ns = sched_next_event(&s->cpu[c].rq, s->now_ns);
	}
	measure(s);
	check_invariants(s);
	if (s->check)
		s->check(s, s->ctx);
	s->steps++;
}

void sim_run(struct sim *s, uint64_t until_ns)
{
	if (s->tick_ns)
		for (unsigned int c = 0; c < s->ncpus; c++)
			if (!s->cpu[c].next_tick_ns)
				s->cpu[c].next_tick_ns = s->tick_ns;
	if (s->hook_period_ns && !s->next_hook_ns)
		s->next_hook_ns = s->hook_period_ns;
	step(s);	/* time 0: wake-ups due at once */
	for (;;) {
		uint64_t t = next_event(s);

		advance(s, MIN(t, until_ns));
		if (t > until_ns)
			break;
		step(s);
	}
	for (unsigned int c = 0; c < s->ncpus; c++)
		sched_account(&s->cpu[c].rq, until_ns);
}
