// SPDX-License-Identifier: MIT
/*
 * core/dev/vlapic_timer.c: the virtual LAPIC timer's durations, the minimum
 * period a guest cannot go below, the periodic catch-up in one step after
 * any absence, one-shot expiry, and the current-count register, at the
 * largest count and divide a guest can write.
 */
#include "test_util.h"

#include <core/dev/vlapic_timer.h>

#define KHZ_1GHZ  1000000u	/* 1 tick per ns */
#define KHZ_QEMU  2099000u	/* what QEMU TCG measured on the build host */
#define NS_PER_S  1000000000ull

static void test_durations_round_up(void **state)
{
	/* 1 GHz: a tick is a ns */
	assert_int_equal(vlapic_timer_ns(1000, 1, KHZ_1GHZ, false), 1000);
	assert_int_equal(vlapic_timer_ns(1000, 16, KHZ_1GHZ, false), 16000);
	/* 3 ticks at 2.099 GHz are 1.43 ns: 2, never early */
	assert_int_equal(vlapic_timer_ns(3, 1, KHZ_QEMU, false), 2);
	assert_int_equal(vlapic_timer_ns(1, 1, KHZ_QEMU, false), 1);
	/* one second worth of ticks */
	assert_int_equal(vlapic_timer_ns(KHZ_QEMU, 1, KHZ_QEMU, false),
			 1000000);
	assert_int_equal(vlapic_timer_ns(0, 1, KHZ_QEMU, false), 0);
	/* no TSC rate known: fires at once */
	assert_int_equal(vlapic_timer_ns(1000, 1, 0, false), 0);
}

static void test_periodic_is_held_to_the_minimum(void **state)
{
	/* the ~1 ns timer of the issue: 3 ticks, divide 1 */
	assert_int_equal(vlapic_timer_ns(3, 1, KHZ_QEMU, true),
			 VLAPIC_MIN_PERIOD_NS);
	assert_int_equal(vlapic_timer_ns(1, 1, KHZ_1GHZ, true),
			 VLAPIC_MIN_PERIOD_NS);
	assert_int_equal(vlapic_timer_ns(1, 1, 0, true), VLAPIC_MIN_PERIOD_NS);
	/* just below and at the minimum; above it, as asked */
	assert_int_equal(vlapic_timer_ns(199999, 1, KHZ_1GHZ, true),
			 VLAPIC_MIN_PERIOD_NS);
	assert_int_equal(vlapic_timer_ns(200000, 1, KHZ_1GHZ, true), 200000);
	assert_int_equal(vlapic_timer_ns(200001, 1, KHZ_1GHZ, true), 200001);
	assert_int_equal(vlapic_timer_ns(2000, 128, KHZ_1GHZ, true), 2000 * 128);
	/* one-shot timers have no minimum */
	assert_int_equal(vlapic_timer_ns(1, 1, KHZ_1GHZ, false), 1);
}

static void test_largest_count_and_divide_do_not_overflow(void **state)
{
	uint64_t ticks = (uint64_t)UINT32_MAX * 128;

	/* at 1 GHz exactly the ticks; at 1 kHz a tick is 1 ms */
	assert_int_equal(vlapic_timer_ns(UINT32_MAX, 128, KHZ_1GHZ, true),
			 ticks);
	assert_int_equal(vlapic_timer_ns(UINT32_MAX, 128, 1, false),
			 ticks * 1000000);
	/* 549755813760 ticks at 2.099 GHz, rounded up */
	assert_int_equal(vlapic_timer_ns(UINT32_MAX, 128, KHZ_QEMU, false),
			 (ticks * 1000000 + KHZ_QEMU - 1) / KHZ_QEMU);
	/* the fastest rate a kHz count can state */
	assert_int_equal(vlapic_timer_ns(UINT32_MAX, 128, UINT32_MAX, false),
			 (ticks * 1000000 + UINT32_MAX - 1) / UINT32_MAX);
}

static void test_one_shot_expires_once(void **state)
{
	/* not due yet: unchanged; due (or long past): no further deadline */
	assert_int_equal(vlapic_timer_next(5000, 0, 4999), 5000);
	assert_int_equal(vlapic_timer_next(5000, 0, 5000), UINT64_MAX);
	assert_int_equal(vlapic_timer_next(5000, 0, UINT64_MAX - 1),
			 UINT64_MAX);
	/* a tiny one-shot count is due at once */
	assert_int_equal(vlapic_timer_next(100 + vlapic_timer_ns(1, 1,
				KHZ_QEMU, false), 0, 101), UINT64_MAX);
}

static void test_periodic_next_is_the_first_boundary_after_now(void **state)
{
	uint64_t p = VLAPIC_MIN_PERIOD_NS, d = 10 * p;

	assert_int_equal(vlapic_timer_next(d, p, d - 1), d);
	/* due exactly at now, or just after: one period on */
	assert_int_equal(vlapic_timer_next(d, p, d), d + p);
	assert_int_equal(vlapic_timer_next(d, p, d + 1), d + p);
	/* now on a later boundary: the one after it */
	assert_int_equal(vlapic_timer_next(d, p, d + 3 * p), d + 4 * p);
	assert_int_equal(vlapic_timer_next(d, p, d + 3 * p - 1), d + 3 * p);
}

static void test_catch_up_after_a_long_absence_is_one_step(void **state)
{
	uint64_t p = VLAPIC_MIN_PERIOD_NS, d = 12345;
	/* a vCPU paused for a day: 432 million periods, one call */
	uint64_t now = d + 86400 * NS_PER_S + 7;
	uint64_t next = vlapic_timer_next(d, p, now);

	assert_true(next > now);
	assert_true(next - now <= p);
	assert_int_equal((next - d) % p, 0);
	/*
	 * A 1 ns period (below the minimum, as the old code allowed) is still
	 * one step. A loop of one period per iteration would take hours here
	 * (8.6e13 periods) and centuries below (1.8e19): this test finishing
	 * is the proof that the work does not depend on the backlog.
	 */
	next = vlapic_timer_next(d, 1, now);
	assert_int_equal(next, now + 1);
	assert_int_equal(vlapic_timer_next(0, 1, UINT64_MAX - 1), UINT64_MAX);
	assert_int_equal(vlapic_timer_next(0, 3, UINT64_MAX - 5),
			 UINT64_MAX - 3);
}

static void test_catch_up_saturates_at_the_end_of_time(void **state)
{
	uint64_t p = (uint64_t)UINT32_MAX * 128 * 1000000;	/* the longest */

	/* the next boundary would pass 2^64: none */
	assert_int_equal(vlapic_timer_next(UINT64_MAX - p, p, UINT64_MAX - 1),
			 UINT64_MAX);
	assert_int_equal(vlapic_timer_next(1, UINT64_MAX - 1, UINT64_MAX - 1),
			 UINT64_MAX);
	/* just fits */
	assert_int_equal(vlapic_timer_next(UINT64_MAX - 2 * p, p,
					   UINT64_MAX - 2 * p),
			 UINT64_MAX - p);
}

static void test_current_count(void **state)
{
	/* 1 GHz, divide 2: 1000 ns left are 500 counts */
	assert_int_equal(vlapic_timer_current(11000, 10000, 5000, 2, KHZ_1GHZ),
			 500);
	/* not running, due, or past */
	assert_int_equal(vlapic_timer_current(UINT64_MAX, 0, 5000, 2, KHZ_1GHZ),
			 0);
	assert_int_equal(vlapic_timer_current(10000, 10000, 5000, 2, KHZ_1GHZ),
			 0);
	assert_int_equal(vlapic_timer_current(10000, 20000, 5000, 2, KHZ_1GHZ),
			 0);
	/* a 1-tick periodic timer held to 200 us never reads above 1 */
	assert_int_equal(vlapic_timer_current(VLAPIC_MIN_PERIOD_NS, 0, 1, 1,
					      KHZ_1GHZ), 1);
	/* the largest count and divide, just started: the whole count */
	assert_int_equal(vlapic_timer_current(
		vlapic_timer_ns(UINT32_MAX, 128, KHZ_QEMU, false), 0,
		UINT32_MAX, 128, KHZ_QEMU), UINT32_MAX);
	/* the largest rate, the longest time: saturates, no overflow */
	assert_int_equal(vlapic_timer_current(UINT64_MAX - 1, 0, UINT32_MAX, 1,
					      UINT32_MAX), UINT32_MAX);
	/* no rate known */
	assert_int_equal(vlapic_timer_current(11000, 10000, 5000, 2, 0), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_durations_round_up),
		cmocka_unit_test(test_periodic_is_held_to_the_minimum),
		cmocka_unit_test(test_largest_count_and_divide_do_not_overflow),
		cmocka_unit_test(test_one_shot_expires_once),
		cmocka_unit_test(test_periodic_next_is_the_first_boundary_after_now),
		cmocka_unit_test(test_catch_up_after_a_long_absence_is_one_step),
		cmocka_unit_test(test_catch_up_saturates_at_the_end_of_time),
		cmocka_unit_test(test_current_count),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
