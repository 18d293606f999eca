// SPDX-License-Identifier: MIT
/* The 8254 counter's arithmetic; see core/dev/vpit_count.h. */
#include <core/dev/vpit_count.h>
#include <lib/muldiv.h>

#define NS_PER_S 1000000000u

uint64_t pit_ns_to_ticks(uint64_t ns)
{
	return mul_div_u64(ns, PIT_HZ, NS_PER_S, false);
}

uint64_t pit_ticks_to_ns(uint64_t ticks)
{
	return mul_div_u64(ticks, NS_PER_S, PIT_HZ, true);
}

static bool periodic(enum pit_mode mode)
{
	return mode == PIT_MODE_RATE || mode == PIT_MODE_SQUARE;
}

uint32_t pit_reload(enum pit_mode mode, uint16_t written)
{
	if (!written)
		return PIT_RELOAD_MAX;
	/* a count of 1 is illegal in modes 2 and 3 (data sheet): take 2 */
	if (periodic(mode) && written == 1)
		return 2;
	return written;
}

struct pit_reading pit_count_at(enum pit_mode mode, uint32_t reload,
				uint64_t ticks)
{
	struct pit_reading r;
	uint64_t phase, high;

	switch (mode) {
	case PIT_MODE_RATE:
		/* N, N-1, ..., 1, reload: OUT low while the count is 1 */
		phase = ticks % reload;
		r.count = (uint16_t)(reload - phase);
		r.out = phase != reload - 1;
		return r;
	case PIT_MODE_SQUARE:
		/*
		 * Counts down by two through each half: high for the first
		 * (N + 1) / 2 ticks, low for the rest (an odd N's extra tick
		 * is in the high half).
		 */
		phase = ticks % reload;
		high = (reload + 1) / 2;
		r.out = phase < high;
		if (!r.out)
			phase -= high;
		r.count = (uint16_t)((reload - 2 * phase) & ~1u);
		return r;
	case PIT_MODE_TERMINAL:
	case PIT_MODE_ONE_SHOT:
		/* OUT low while counting, high from terminal count on */
		r.count = (uint16_t)(reload - ticks);
		r.out = ticks >= reload;
		return r;
	case PIT_MODE_SW_STROBE:
	case PIT_MODE_HW_STROBE:
	default:
		/* OUT high, low for the one tick the count is 0 */
		r.count = (uint16_t)(reload - ticks);
		r.out = ticks != reload;
		return r;
	}
}

uint64_t pit_next_rise(enum pit_mode mode, uint32_t reload, uint64_t ticks)
{
	uint64_t at;

	switch (mode) {
	case PIT_MODE_RATE:
	case PIT_MODE_SQUARE:
		return (ticks / reload + 1) * reload;
	case PIT_MODE_TERMINAL:
	case PIT_MODE_ONE_SHOT:
		at = reload;
		break;
	default:
		at = (uint64_t)reload + 1;
		break;
	}
	return ticks < at ? at : UINT64_MAX;
}

uint64_t pit_rises(enum pit_mode mode, uint32_t reload, uint64_t ticks)
{
	switch (mode) {
	case PIT_MODE_RATE:
	case PIT_MODE_SQUARE:
		return ticks / reload;
	case PIT_MODE_TERMINAL:
	case PIT_MODE_ONE_SHOT:
		return ticks >= reload;
	default:
		return ticks > reload;
	}
}
