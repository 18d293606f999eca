// SPDX-License-Identifier: MIT
/*
 * Properties of sched/policy.c measured on the simulator (sched_sim.h):
 * shares inside a level, strict priority, wake-up latency, min run time
 * under wake-up storms, affinity under migration, no starvation, pull
 * balancing and accounting. Measured values go to stdout as TAP
 * diagnostics ("# ...").
 */
#include <stdio.h>

#include "test_util.h"

#include <keel/abi.h>
#include "sched_sim.h"

#define US  1000ULL
#define MS  SCHED_NS_PER_MS
#define SEC (1000 * MS)
#define ALL_CPUS SCHED_AFFINITY_ALL

static const struct sim_script burn_forever = { 0 };

static void entity(struct sim_entity *e, unsigned int prio, uint64_t slice_ns,
		   uint64_t affinity, unsigned int home_cpu,
		   struct sim_script script)
{
	*e = (struct sim_entity){ .script = script, .home_cpu = home_cpu };
	assert_int_equal(sched_entity_init(&e->se, prio, slice_ns, affinity), 0);
}

static double sec(uint64_t ns)
{
	return (double)ns / SEC;
}

static double rel_err(double got, double want)
{
	return got > want ? (got - want) / want : (want - got) / want;
}

/*
 * Burners at one level on one CPU: each one's run time follows its
 * slice within 1%. perturb adds a higher-level entity that keeps
 * preempting them (a preempted entity must keep the rest of its slice).
 */
static void check_shares(const char *label, const uint64_t *slices_ms,
			 unsigned int n, bool oneshot, uint64_t tick_ns,
			 bool perturb)
{
	const uint64_t T = 10 * SEC;
	struct sim_entity es[8];
	struct sim s;
	uint64_t total = 0, slice_sum = 0;
	unsigned int nents = n;

	assert_true(n < TEST_ARRAY_SIZE(es));
	for (unsigned int i = 0; i < n; i++) {
		entity(&es[i], 10, slices_ms[i] * MS, ALL_CPUS, 0, burn_forever);
		slice_sum += slices_ms[i];
	}
	if (perturb)
		entity(&es[nents++], 20, 10 * MS, ALL_CPUS, 0,
		       (struct sim_script){ .start_ns = 3 * MS,
					    .burn_ns = 300 * US,
					    .sleep_ns = 4 * MS,
					    .sleep_jitter_ns = 6 * MS });
	sim_init(&s, 1, SCHED_MIN_RUN_DEFAULT_NS, es, nents);
	s.oneshot = oneshot;
	s.tick_ns = tick_ns;
	sim_run(&s, T);

	for (unsigned int i = 0; i < n; i++)
		total += es[i].se.run_ns;
	for (unsigned int i = 0; i < n; i++) {
		double want = (double)total * slices_ms[i] / slice_sum;
		double got = (double)es[i].se.run_ns;

		printf("# shares %-28s slice %3llu ms: %6.3f s = %6.2f%% "
		       "(want %6.2f%%, error %.3f%%)\n", label,
		       (unsigned long long)slices_ms[i], sec(es[i].se.run_ns),
		       100.0 * got / total, 100.0 * want / total,
		       100.0 * rel_err(got, want));
		assert_true(rel_err(got, want) <= 0.01);
	}
	if (perturb) {
		assert_true(es[n].wakeups > 500);
		assert_true(total + es[n].se.run_ns == T);
	} else {
		assert_int_equal(total, T);
	}
	if (n == 2) {
		double ratio = (double)es[1].se.run_ns / es[0].se.run_ns;
		double want = (double)slices_ms[1] / slices_ms[0];

		printf("# shares %-28s ratio %.4f (want %.4f)\n", label,
		       ratio, want);
		assert_true(rel_err(ratio, want) <= 0.01);
	}
}

static void test_shares_two(void **state)
{
	static const uint64_t slices[] = { 10, 30 };

	check_shares("10/30 one-shot", slices, 2, true, 0, false);
	check_shares("10/30 tick 1ms only", slices, 2, false, 1 * MS, false);
	check_shares("10/30 one-shot+tick 1ms", slices, 2, true, 1 * MS,
		     false);
	check_shares("10/30 one-shot, preempted", slices, 2, true, 0, true);
}

static void test_shares_three(void **state)
{
	static const uint64_t slices[] = { 5, 10, 20 };
	static const uint64_t odd[] = { 1, 7, 13, 100 };

	check_shares("5/10/20 one-shot", slices, 3, true, 0, false);
	check_shares("5/10/20 one-shot, preempted", slices, 3, true, 0, true);
	check_shares("1/7/13/100 one-shot", odd, 4, true, 0, false);
}

/* A runnable higher level gets the CPU; a lower level gets nothing. */
static void test_higher_level_wins(void **state)
{
	const uint64_t T = 10 * SEC;
	struct sim_entity es[6];
	struct sim s;

	/* two CPUs, each with a top-level burner, lower burners queued */
	entity(&es[0], 25, 10 * MS, ALL_CPUS, 0, burn_forever);
	entity(&es[1], 25, 10 * MS, ALL_CPUS, 1, burn_forever);
	entity(&es[2], 24, 10 * MS, ALL_CPUS, 0, burn_forever);
	entity(&es[3], 3, 10 * MS, ALL_CPUS, 1, burn_forever);
	entity(&es[4], 0, 1 * MS, ALL_CPUS, 0,
	       (struct sim_script){ .burn_ns = 2 * MS, .sleep_ns = 1 * MS });
	/* wakes late, at the top level: takes a CPU from a 25 */
	entity(&es[5], 30, 10 * MS, 1u << 1, 1,
	       (struct sim_script){ .start_ns = 5 * SEC });
	sim_init(&s, 2, SCHED_MIN_RUN_DEFAULT_NS, es, 6);
	s.tick_ns = 1 * MS;
	s.pull = true;
	sim_run(&s, T);

	for (unsigned int i = 0; i < 6; i++)
		printf("# higher-wins prio %2u: %6.3f s\n", es[i].se.prio,
		       sec(es[i].se.run_ns));
	assert_int_equal(es[0].se.run_ns, T);
	assert_int_equal(es[1].se.run_ns, 5 * SEC);
	assert_int_equal(es[5].se.run_ns, 5 * SEC);
	assert_int_equal(es[2].se.run_ns, 0);
	assert_int_equal(es[3].se.run_ns, 0);
	assert_int_equal(es[4].se.run_ns, 0);

	/* a higher level that sleeps half the time: lower gets the rest */
	entity(&es[0], 20, 10 * MS, ALL_CPUS, 0,
	       (struct sim_script){ .burn_ns = 5 * MS, .sleep_ns = 5 * MS });
	entity(&es[1], 2, 10 * MS, ALL_CPUS, 0, burn_forever);
	sim_init(&s, 1, SCHED_MIN_RUN_DEFAULT_NS, es, 2);
	sim_run(&s, T);
	printf("# higher-wins 5/5 ms sleeper: %.3f s, burner below: %.3f s\n",
	       sec(es[0].se.run_ns), sec(es[1].se.run_ns));
	assert_true(es[1].se.run_ns > 0);
	assert_int_equal(es[0].se.run_ns + es[1].se.run_ns, T);
	assert_true(es[0].max_latency_ns <= SCHED_MIN_RUN_DEFAULT_NS);
}

/*
 * A top-level entity waking against a lower burner runs within min_run
 * (one-shot timer) or min_run + one tick period (periodic tick only).
 */
static void check_latency(const char *label, uint64_t min_run_ns,
			  bool oneshot, uint64_t tick_ns)
{
	const uint64_t T = 10 * SEC;
	uint64_t bound = min_run_ns + (oneshot ? 0 : tick_ns);
	struct sim_entity es[2];
	struct sim s;

	entity(&es[0], 1, 10 * MS, ALL_CPUS, 0, burn_forever);
	entity(&es[1], SCHED_PRIO_MAX, 10 * MS, ALL_CPUS, 0,
	       (struct sim_script){ .start_ns = 777 * US, .burn_ns = 100 * US,
				    .sleep_ns = 50 * US,
				    .sleep_jitter_ns = 2 * MS });
	sim_init(&s, 1, min_run_ns, es, 2);
	s.oneshot = oneshot;
	s.tick_ns = tick_ns;
	sim_run(&s, T);

	printf("# latency %-24s min_run %4llu us: %4llu wake-ups, max %5llu us,"
	       " mean %5llu us, bound %5llu us\n", label,
	       (unsigned long long)(min_run_ns / US),
	       (unsigned long long)es[1].wakeups,
	       (unsigned long long)(es[1].max_latency_ns / US),
	       (unsigned long long)(es[1].sum_latency_ns / es[1].wakeups / US),
	       (unsigned long long)(bound / US));
	assert_true(es[1].wakeups >= 500);
	assert_true(es[1].max_latency_ns <= bound);
	/* the burner is not starved by the wake-ups */
	assert_true(es[0].se.run_ns > T / 2);
}

static void test_wake_latency(void **state)
{
	check_latency("one-shot", SCHED_MIN_RUN_DEFAULT_NS, true, 0);
	check_latency("one-shot", 200 * US, true, 0);
	check_latency("tick 1 ms only", SCHED_MIN_RUN_DEFAULT_NS, false, 1 * MS);
	check_latency("tick 4 ms only", SCHED_MIN_RUN_DEFAULT_NS, false, 4 * MS);
	check_latency("one-shot+tick 4 ms", SCHED_MIN_RUN_DEFAULT_NS, true,
		      4 * MS);
}

/* Wake-up storms: the preempted entity still runs min_run at a time. */
static void test_wake_storm(void **state)
{
	const uint64_t T = 2 * SEC;
	const uint64_t min_run = SCHED_MIN_RUN_DEFAULT_NS;
	struct sim_entity es[4];
	struct sim s;

	entity(&es[0], 1, 10 * MS, ALL_CPUS, 0, burn_forever);
	for (unsigned int i = 1; i < 4; i++)
		entity(&es[i], 30, 10 * MS, ALL_CPUS, 0,
		       (struct sim_script){ .start_ns = i * 7 * US,
					    .burn_ns = 10 * US,
					    .sleep_ns = 40 * US,
					    .sleep_jitter_ns = 20 * US });
	sim_init(&s, 1, min_run, es, 4);
	sim_run(&s, T);

	printf("# storm: 3 entities waking every 40-60 us: burner %.3f s "
	       "(%.1f%%), %llu switches, shortest turn %llu us\n",
	       sec(es[0].se.run_ns), 100.0 * es[0].se.run_ns / T,
	       (unsigned long long)es[0].se.switches,
	       (unsigned long long)(es[0].min_preempted_stint_ns / US));
	assert_true(es[0].min_preempted_stint_ns >= min_run);
	assert_true(es[0].se.switches <= T / min_run + 1);
	assert_true(es[0].se.switches >= T / min_run / 2);
	assert_true(es[1].wakeups > 1000);
}

/*
 * Mixed load on four CPUs with random affinities that keep changing,
 * explicit migrations (some refused by affinity) and pulls.
 */
struct chaos {
	uint64_t seed;
	unsigned int hooks;
};

static uint64_t rand_mask(uint64_t *seed, unsigned int ncpus)
{
	uint64_t m;

	do
		m = test_rand(seed) & ((1ULL << ncpus) - 1);
	while (!m);
	return m;
}

static void chaos_hook(struct sim *s, void *ctx)
{
	struct chaos *ch = ctx;
	struct sim_entity *e = &s->ents[test_rand(&ch->seed) % s->nents];
	unsigned int dst = test_rand(&ch->seed) % s->ncpus;

	if (ch->hooks++ % 2) {
		/* new affinity: move it if it sits on a CPU now forbidden */
		assert_int_equal(sched_set_affinity(&e->se,
				 rand_mask(&ch->seed, s->ncpus)), 0);
		if (e->se.rq && !sched_allowed(&e->se, e->se.rq->cpu))
			assert_int_equal(sim_migrate(s, e,
				__builtin_ctzll(e->se.affinity)), 0);
	} else if (e->se.rq && e->se.rq->cpu != dst) {
		int rc = sim_migrate(s, e, dst);

		assert_int_equal(rc, sched_allowed(&e->se, dst) ?
				 0 : -KEEL_EINVAL);
	}
}

static void chaos_setup(struct sim *s, struct sim_entity *es, unsigned int n,
			struct chaos *ch)
{
	const unsigned int ncpus = 4;
	uint64_t seed = 7;

	for (unsigned int i = 0; i < n; i++) {
		uint64_t mask = rand_mask(&seed, ncpus);
		struct sim_script script = burn_forever;

		if (i % 3) {
			script.start_ns = test_rand(&seed) % (50 * MS);
			script.burn_ns = 500 * US + test_rand(&seed) % (5 * MS);
			script.sleep_ns = 500 * US + test_rand(&seed) % (10 * MS);
			script.sleep_jitter_ns = 2 * MS;
		}
		entity(&es[i], test_rand(&seed) % 6,
		       (1 + test_rand(&seed) % 20) * MS, mask,
		       __builtin_ctzll(mask), script);
	}
	sim_init(s, ncpus, SCHED_MIN_RUN_DEFAULT_NS, es, n);
	s->tick_ns = 1 * MS;
	s->pull = true;
	s->hook_period_ns = 3 * MS;
	s->hook = chaos_hook;
	s->ctx = ch;
	*ch = (struct chaos){ .seed = 99 };
}

static void test_affinity_never_violated(void **state)
{
	struct sim_entity es[12];
	struct chaos ch;
	struct sim s;

	/* sim_run checks affinity after every step */
	chaos_setup(&s, es, 12, &ch);
	sim_run(&s, 10 * SEC);
	printf("# affinity: %llu steps, %llu migrations, %llu refused by "
	       "affinity, %llu pulls\n", (unsigned long long)s.steps,
	       (unsigned long long)s.migrations,
	       (unsigned long long)s.refused, (unsigned long long)s.pulls);
	assert_true(s.migrations > 100);
	assert_true(s.refused > 100);
	assert_true(s.pulls > 100);
}

/* Each runnable entity runs once per round of the other slices. */
static void test_no_starvation(void **state)
{
	static const uint64_t slices_ms[] = { 1, 7, 13, 100, 5, 20 };
	const unsigned int n = TEST_ARRAY_SIZE(slices_ms);
	struct sim_entity es[TEST_ARRAY_SIZE(slices_ms) + 1];
	uint64_t slice_sum = 0;
	struct sim s;

	for (unsigned int i = 0; i < n; i++) {
		struct sim_script script = burn_forever;

		if (i >= 4) {
			/* sleepers: block part-way through their slices */
			script.start_ns = i * MS;
			script.burn_ns = (i == 4 ? 3 : 30) * MS;
			script.sleep_ns = 2 * MS;
			script.sleep_jitter_ns = 10 * MS;
		}
		entity(&es[i], 10, slices_ms[i] * MS, ALL_CPUS, 0, script);
		slice_sum += slices_ms[i] * MS;
	}
	entity(&es[n], 2, 10 * MS, ALL_CPUS, 0, burn_forever);
	sim_init(&s, 1, SCHED_MIN_RUN_DEFAULT_NS, es, n + 1);
	sim_run(&s, 10 * SEC);

	for (unsigned int i = 0; i < n; i++) {
		uint64_t bound = slice_sum - es[i].se.slice_ns;

		printf("# starvation slice %3llu ms: longest wait %6.2f ms "
		       "(bound %6.2f ms), ran %.3f s\n",
		       (unsigned long long)slices_ms[i],
		       es[i].max_wait_ns / 1e6, bound / 1e6,
		       sec(es[i].se.run_ns));
		assert_true(es[i].se.run_ns > 0);
		assert_true(es[i].max_wait_ns <= bound);
	}
	/* strict priority: the lower level starves, by design */
	assert_int_equal(es[n].se.run_ns, 0);
}

/*
 * n burners allowed on both CPUs, all started on CPU0: the idle CPU1
 * pulls until the loads differ by at most one, and no further (no
 * ping-pong).
 */
static void check_pull(unsigned int n, unsigned int want_pulls)
{
	const uint64_t T = 10 * SEC;
	struct sim_entity es[4];
	unsigned int load[2];
	struct sim s;

	assert_true(n <= TEST_ARRAY_SIZE(es));
	for (unsigned int i = 0; i < n; i++)
		entity(&es[i], 10, 10 * MS, 0x3, 0, burn_forever);
	sim_init(&s, 2, SCHED_MIN_RUN_DEFAULT_NS, es, n);
	s.pull = true;
	sim_run(&s, T);

	for (unsigned int c = 0; c < 2; c++) {
		const struct sched_rq *rq = &s.cpu[c].rq;

		load[c] = rq->nr_queued + (rq->running != NULL);
		printf("# pull %u burners: CPU%u runs %u, busy %.3f s\n", n, c,
		       load[c], sec(rq->busy_ns));
		assert_int_equal(rq->busy_ns, T);
	}
	assert_int_equal(load[0], n - n / 2);
	assert_int_equal(load[1], n / 2);
	for (unsigned int i = 0; i < n; i++) {
		uint64_t want = T / load[es[i].se.last_cpu];

		printf("# pull %u burners: entity %u on CPU%u: %.3f s\n", n, i,
		       es[i].se.last_cpu, sec(es[i].se.run_ns));
		assert_true(rel_err(es[i].se.run_ns, want) <= 0.01);
	}
	assert_int_equal(s.pulls, want_pulls);
	assert_int_equal(s.migrations, want_pulls);
}

static void test_pull_balances(void **state)
{
	check_pull(4, 2);
	check_pull(3, 1);
}

/* Per CPU, run time + idle time == simulated time; per entity too. */
static void test_accounting_adds_up(void **state)
{
	const uint64_t T = 10 * SEC;
	struct sim_entity es[12];
	uint64_t busy = 0, run = 0, switches = 0;
	struct chaos ch;
	struct sim s;

	chaos_setup(&s, es, 12, &ch);
	sim_run(&s, T);
	for (unsigned int c = 0; c < s.ncpus; c++) {
		const struct sched_rq *rq = &s.cpu[c].rq;

		printf("# accounting CPU%u: busy %.6f s + idle %.6f s = %.6f s\n",
		       c, sec(rq->busy_ns), sec(rq->idle_ns),
		       sec(rq->busy_ns + rq->idle_ns));
		assert_int_equal(rq->busy_ns + rq->idle_ns, T);
		busy += rq->busy_ns;
	}
	for (unsigned int i = 0; i < s.nents; i++) {
		const struct sim_entity *e = &es[i];
		uint64_t asleep = e->blocked_ns +
				  (e->asleep ? T - e->asleep_since_ns : 0);

		assert_int_equal(e->se.run_ns + sim_wait_ns(&s, e) + asleep, T);
		run += e->se.run_ns;
		switches += e->se.switches;
	}
	printf("# accounting: entities ran %.6f s, CPUs busy %.6f s, "
	       "%llu switches\n", sec(run), sec(busy),
	       (unsigned long long)switches);
	assert_int_equal(run, busy);
	assert_true(busy > T);	/* more than one CPU did work */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shares_two),
		cmocka_unit_test(test_shares_three),
		cmocka_unit_test(test_higher_level_wins),
		cmocka_unit_test(test_wake_latency),
		cmocka_unit_test(test_wake_storm),
		cmocka_unit_test(test_affinity_never_violated),
		cmocka_unit_test(test_no_starvation),
		cmocka_unit_test(test_pull_balances),
		cmocka_unit_test(test_accounting_adds_up),
	};

	setvbuf(stdout, NULL, _IOLBF, 0);
	return cmocka_run_group_tests_name("sched_sim", tests, NULL, NULL);
}
