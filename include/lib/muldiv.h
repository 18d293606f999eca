/* SPDX-License-Identifier: MIT */
/*
 * a * b / c in 64 bits without a 128-bit division (the hypervisor has no
 * libgcc), for the timers' unit conversions (ns, TSC ticks, PIT ticks).
 */
#ifndef KEEL_LIB_MULDIV_H
#define KEEL_LIB_MULDIV_H

#include <stdbool.h>
#include <stdint.h>

/*
 * a = q * c + r, so a * b / c = q * b + r * b / c, and r * b < 2^64 as
 * r < c < 2^32. Rounded up or down; UINT64_MAX when the result does not
 * fit. c must not be 0.
 */
static inline uint64_t mul_div_u64(uint64_t a, uint32_t b, uint32_t c,
				   bool round_up)
{
	uint64_t q = a / c, r = a % c, whole, part, sum;

	part = ((uint64_t)r * b + (round_up ? c - 1 : 0)) / c;
	if (__builtin_mul_overflow(q, (uint64_t)b, &whole) ||
	    __builtin_add_overflow(whole, part, &sum))
		return UINT64_MAX;
	return sum;
}

#endif
