// SPDX-License-Identifier: MIT
/*
 * pingpong: measures exit and switch costs from inside, in TSC ticks.
 *   count=N   iterations of each loop (default 1000)
 * Prints "pingpong: hypercall_null T" (a KEEL_HC_VERSION round trip) and,
 * when another pingpong shares its CPU and priority, "pingpong: yield T"
 * per yield: two vCPU switches and two hypercall exits, since each yield
 * runs the other guest until it yields back.
 */
#include "guest.h"

#define WARMUP 16

static uint64_t per_call(uint64_t count, long (*op)(void))
{
	uint64_t t0;

	for (int i = 0; i < WARMUP; i++)
		op();
	t0 = rdtsc();
	for (uint64_t i = 0; i < count; i++)
		op();
	return (rdtsc() - t0) / count;
}

static long null_call(void)
{
	return hypercall(KEEL_HC_VERSION, 0, 0);
}

static long cpuid_call(void)
{
	uint32_t a, b, c, d;

	__asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d)
			 : "a"(0), "c"(0));
	return a;
}

void guest_main(void)
{
	uint64_t count = arg_u64("count", 1000);

	gprintf("pingpong: hypercall_null %lu\n", per_call(count, null_call));
	gprintf("pingpong: exit_cpuid %lu\n", per_call(count, cpuid_call));
	gprintf("pingpong: yield %lu\n", per_call(count, yield));
}
