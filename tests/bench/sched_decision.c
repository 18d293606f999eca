// SPDX-License-Identifier: MIT
/*
 * The scheduling decision alone, on the host, for `make bench`: the
 * instructions sched/policy.c spends per decision with M vCPUs on one
 * run queue. tests/bench/run.py builds sched/policy.c with the
 * hypervisor's own code-generation flags, links this driver and counts
 * instructions inside decide() with valgrind --tool=callgrind
 * --toggle-collect=decide (deterministic).
 *
 *   sched_decision M N [levels]
 *
 * M vCPUs with 10 ms slices, spread round robin over `levels` priority
 * levels (default 1), all runnable; N decisions, each 10 ms after the
 * last, so each ends a slice: with M > 1 every decision switches to the
 * next vCPU of the top level, with M = 1 it keeps the running one. A
 * decision is what the per-CPU loop asks of the policy each time:
 * sched_pick, then sched_next_event for the timer.
 */
#include <stdio.h>
#include <stdlib.h>

#include <keel/abi.h>
#include <sched/policy.h>

#define SLICE_NS (10 * SCHED_NS_PER_MS)
#define TOP_PRIO 16

__attribute__((noinline)) static struct sched_entity *
decide(struct sched_rq *rq, uint64_t now_ns, uint64_t *next_ns)
{
	struct sched_entity *e = sched_pick(rq, now_ns);

	*next_ns = sched_next_event(rq, now_ns);
	return e;
}

int main(int argc, char **argv)
{
	unsigned long m = argc > 1 ? strtoul(argv[1], NULL, 0) : 1;
	unsigned long n = argc > 2 ? strtoul(argv[2], NULL, 0) : 1000;
	unsigned long levels = argc > 3 ? strtoul(argv[3], NULL, 0) : 1;
	struct sched_entity *ents;
	struct sched_rq rq;
	uint64_t now = 0, next = 0, switches = 0;
	struct sched_entity *prev = NULL;

	if (!m || !levels || levels > TOP_PRIO + 1) {
		fprintf(stderr, "usage: sched_decision M N [levels 1-%d]\n",
			TOP_PRIO + 1);
		return 2;
	}
	ents = calloc(m, sizeof(*ents));
	if (!ents || sched_rq_init(&rq, 0, SCHED_MIN_RUN_DEFAULT_NS, now))
		return 1;
	for (unsigned long i = 0; i < m; i++)
		if (sched_entity_init(&ents[i], TOP_PRIO - i % levels, SLICE_NS,
				      SCHED_AFFINITY_ALL) ||
		    sched_enqueue(&rq, &ents[i], now))
			return 1;
	for (unsigned long i = 0; i < n; i++) {
		struct sched_entity *e = decide(&rq, now, &next);

		switches += e != prev;
		prev = e;
		now += SLICE_NS;
	}
	printf("sched_decision: %lu vCPUs, %lu levels, %lu decisions, %lu switches, next %llu\n",
	       m, levels, n, (unsigned long)switches, (unsigned long long)next);
	free(ents);
	return 0;
}
