// SPDX-License-Identifier: MIT
/*
 * sleeper: sleeps on the hypervisor's timer (KEEL_HC_SLEEP) and measures
 * how late each wake-up is, in TSC time.
 *   period=MS   each sleep (default 10)
 *   count=N     how many (default 100)
 * Prints "sleeper: done: N wake-ups, period P ms, late avg A us, max M us".
 */
#include "guest.h"

#define NS_PER_MS 1000000ul
#define US_PER_MS 1000ul

void guest_main(void)
{
	uint64_t period = arg_u64("period", 10), count = arg_u64("count", 100);
	uint64_t late_sum = 0, late_max = 0, khz = start_info->tsc_khz;

	if (!khz) {
		gprintf("sleeper: the hypervisor gave no TSC rate\n");
		return;
	}
	gprintf("sleeper: start: %lu sleeps of %lu ms\n", count, period);
	for (uint64_t i = 0; i < count; i++) {
		uint64_t t0 = rdtsc(), slept, late;
		long ret = sleep_ns(period * NS_PER_MS);

		if (ret) {
			gprintf("FAIL: sleep returned %ld\n", ret);
			return;
		}
		slept = rdtsc() - t0;
		if (slept < ms_to_tsc(period)) {
			gprintf("FAIL: woke %lu us early\n",
				(ms_to_tsc(period) - slept) * US_PER_MS / khz);
			return;
		}
		late = (slept - ms_to_tsc(period)) * US_PER_MS / khz;
		late_sum += late;
		if (late > late_max)
			late_max = late;
	}
	gprintf("sleeper: done: %lu wake-ups, period %lu ms, late avg %lu us, max %lu us\n",
		count, period, late_sum / count, late_max);
}
