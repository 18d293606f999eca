// SPDX-License-Identifier: MIT
/* The virtual LAPIC timer's arithmetic; see core/dev/vlapic_timer.h. */
#include <core/dev/vlapic_timer.h>
#include <lib/muldiv.h>

#define NS_PER_MS 1000000u

uint64_t vlapic_timer_ns(uint32_t count, unsigned int divide,
			 uint32_t tsc_khz, bool periodic)
{
	uint64_t ns = tsc_khz ?
		      mul_div_u64((uint64_t)count * divide, NS_PER_MS, tsc_khz, true) :
		      0;

	if (periodic && ns < VLAPIC_MIN_PERIOD_NS)
		return VLAPIC_MIN_PERIOD_NS;
	return ns;
}

uint64_t vlapic_timer_next(uint64_t deadline_ns, uint64_t period_ns,
			   uint64_t now_ns)
{
	uint64_t periods, step, next;

	if (now_ns < deadline_ns)
		return deadline_ns;
	if (!period_ns)
		return UINT64_MAX;
	/* the periods that ended by now, the one at deadline_ns included */
	periods = (now_ns - deadline_ns) / period_ns + 1;
	if (__builtin_mul_overflow(periods, period_ns, &step) ||
	    __builtin_add_overflow(deadline_ns, step, &next))
		return UINT64_MAX;
	return next;
}

uint32_t vlapic_timer_current(uint64_t deadline_ns, uint64_t now_ns,
			      uint32_t initial, unsigned int divide,
			      uint32_t tsc_khz)
{
	uint64_t ticks;

	if (deadline_ns == UINT64_MAX || now_ns >= deadline_ns || !divide)
		return 0;
	ticks = mul_div_u64(deadline_ns - now_ns, tsc_khz, NS_PER_MS, false) /
		divide;
	return ticks < initial ? (uint32_t)ticks : initial;
}
