/* SPDX-License-Identifier: MIT */
/*
 * The virtual LAPIC timer's arithmetic (core/dev/vlapic_timer.c): pure
 * functions of their arguments, unit tested on the host
 * (tests/unit/test_vlapic_timer.c). The timer counts at the TSC rate,
 * tsc_khz ticks per millisecond, divided by its divide value (1-128).
 *
 * No loop here runs a number of times a guest chooses: the guest sets the
 * count and the divide value, and a periodic timer that was not looked at
 * for a long time (its vCPU slept, waited or was paused) catches up in one
 * step.
 */
#ifndef KEEL_CORE_VLAPIC_TIMER_H
#define KEEL_CORE_VLAPIC_TIMER_H

#include <stdbool.h>
#include <stdint.h>

/*
 * The shortest period of a periodic timer: a guest asking for less gets
 * this (KVM's default min_timer_period_us is the same 200 us). Each period
 * costs an exit and an injection that the host pays for, so a shorter one
 * is an interrupt storm that buys the guest nothing. One-shot timers have
 * no minimum: each costs the guest an MSR write.
 */
#define VLAPIC_MIN_PERIOD_NS (200 * 1000ull)

/*
 * How long count ticks at divide last, in ns, rounded up (a timer never
 * fires early), with the minimum period when periodic. At most
 * 2^32 ticks * 128 * 10^6 / 1 kHz, about 2^59 ns: no overflow. tsc_khz 0
 * (no TSC rate known) makes every duration 0, or the minimum period.
 */
uint64_t vlapic_timer_ns(uint32_t count, unsigned int divide,
			 uint32_t tsc_khz, bool periodic);

/*
 * The deadline after deadline once it is due at now: for a periodic timer
 * (period_ns != 0) the first period boundary after now, so any number of
 * missed periods become one expiry (one IRR bit, as on hardware); for a
 * one-shot timer (period_ns 0), or past UINT64_MAX, none (UINT64_MAX).
 * A deadline still in the future is returned as it is.
 */
uint64_t vlapic_timer_next(uint64_t deadline_ns, uint64_t period_ns,
			   uint64_t now_ns);

/*
 * The current-count register at now: the ticks left to deadline_ns,
 * rounded down, never more than the initial count (a periodic timer held
 * to the minimum period runs longer than its count says); 0 when the
 * timer is not running (UINT64_MAX) or due.
 */
uint32_t vlapic_timer_current(uint64_t deadline_ns, uint64_t now_ns,
			      uint32_t initial, unsigned int divide,
			      uint32_t tsc_khz);

#endif
