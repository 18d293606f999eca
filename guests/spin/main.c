// SPDX-License-Identifier: MIT
/*
 * spin: burns CPU and counts the work it got done, so the share of CPU
 * time the scheduler gave it can be read from its console.
 *   delay=MS    sleep this long first (default 0)
 *   run=MS      then burn for this long, in TSC time (default 2000)
 *   report=MS   print progress this often (default 500; 0: never)
 * Prints "spin: done: N units in T ms" and halts. A unit is a fixed
 * amount of work, so N is proportional to the CPU time received.
 */
#include "guest.h"

#define UNIT_ITERATIONS 1000
#define NS_PER_MS 1000000ul

static uint64_t unit(uint64_t x)
{
	for (unsigned int i = 0; i < UNIT_ITERATIONS; i++)
		x = x * 6364136223846793005ul + 1442695040888963407ul;
	return x;
}

void guest_main(void)
{
	uint64_t delay = arg_u64("delay", 0), run = arg_u64("run", 2000);
	uint64_t report = arg_u64("report", 500);
	uint64_t start, end, next_report, units = 0, sink = 1, now;

	if (!start_info->tsc_khz) {
		gprintf("spin: the hypervisor gave no TSC rate\n");
		return;
	}
	if (delay)
		sleep_ns(delay * NS_PER_MS);
	gprintf("spin: start: burning %lu ms\n", run);
	start = rdtsc();
	end = start + ms_to_tsc(run);
	next_report = report ? start + ms_to_tsc(report) : UINT64_MAX;
	while ((now = rdtsc()) < end) {
		sink = unit(sink);
		units++;
		if (now >= next_report) {
			gprintf("spin: %lu units at %lu ms\n", units,
				tsc_to_ms(now - start));
			/* from now: a vCPU that waited must not print a backlog */
			next_report = now + ms_to_tsc(report);
		}
	}
	gprintf("spin: done: %lu units in %lu ms (%lx)\n", units,
		tsc_to_ms(rdtsc() - start), sink & 0xf);
}
