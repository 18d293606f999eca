// SPDX-License-Identifier: MIT
/*
 * core/dev/vpit_count.c: the 8254 counter per mode (82C54 data sheet):
 * the count and OUT at any tick, the rising edges that become IRQ 0, the
 * conversions between ns and PIT ticks, at the largest counts and times.
 */
#include "test_util.h"

#include <core/dev/vpit_count.h>

#define NS_PER_S 1000000000ull

static void test_conversions(void **state)
{
	/* one second is PIT_HZ ticks, both ways */
	assert_int_equal(pit_ns_to_ticks(NS_PER_S), PIT_HZ);
	assert_int_equal(pit_ticks_to_ns(PIT_HZ), NS_PER_S);
	/* a tick is 838.09 ns: down to ticks, up to ns (never early) */
	assert_int_equal(pit_ns_to_ticks(838), 0);
	assert_int_equal(pit_ns_to_ticks(839), 1);
	assert_int_equal(pit_ticks_to_ns(1), 839);
	/* Linux's 10 ms calibration count */
	assert_int_equal(pit_ticks_to_ns(11931), 9999313);
	/* centuries of uptime: no overflow */
	assert_int_equal(pit_ns_to_ticks(UINT64_MAX / 2),
			 (uint64_t)((unsigned __int128)(UINT64_MAX / 2) * PIT_HZ /
				    NS_PER_S));
}

static void test_reload(void **state)
{
	assert_int_equal(pit_reload(PIT_MODE_TERMINAL, 0), 65536);
	assert_int_equal(pit_reload(PIT_MODE_RATE, 0), 65536);
	assert_int_equal(pit_reload(PIT_MODE_TERMINAL, 1), 1);
	/* 1 is illegal in modes 2 and 3 */
	assert_int_equal(pit_reload(PIT_MODE_RATE, 1), 2);
	assert_int_equal(pit_reload(PIT_MODE_SQUARE, 1), 2);
	assert_int_equal(pit_reload(PIT_MODE_SQUARE, 1193), 1193);
}

static void test_mode0_terminal_count(void **state)
{
	struct pit_reading r = pit_count_at(PIT_MODE_TERMINAL, 100, 0);

	assert_int_equal(r.count, 100);
	assert_false(r.out);
	r = pit_count_at(PIT_MODE_TERMINAL, 100, 99);
	assert_int_equal(r.count, 1);
	assert_false(r.out);
	r = pit_count_at(PIT_MODE_TERMINAL, 100, 100);
	assert_int_equal(r.count, 0);
	assert_true(r.out);
	/* after terminal count it wraps through 0xffff, OUT stays high */
	r = pit_count_at(PIT_MODE_TERMINAL, 100, 101);
	assert_int_equal(r.count, 0xffff);
	assert_true(r.out);
	/* one rising edge only */
	assert_int_equal(pit_next_rise(PIT_MODE_TERMINAL, 100, 0), 100);
	assert_int_equal(pit_next_rise(PIT_MODE_TERMINAL, 100, 99), 100);
	assert_int_equal(pit_next_rise(PIT_MODE_TERMINAL, 100, 100), UINT64_MAX);
	assert_int_equal(pit_rises(PIT_MODE_TERMINAL, 100, 99), 0);
	assert_int_equal(pit_rises(PIT_MODE_TERMINAL, 100, 1u << 30), 1);
	/* a count of 0 is 65536: Linux's quick calibration starts at 0xffff */
	r = pit_count_at(PIT_MODE_TERMINAL, 65536, 0);
	assert_int_equal(r.count, 0);
	r = pit_count_at(PIT_MODE_TERMINAL, 65536, 1);
	assert_int_equal(r.count, 0xffff);
	assert_false(r.out);
}

static void test_mode2_rate_generator(void **state)
{
	/* N, N-1, ... 1: OUT low only while the count is 1 */
	struct pit_reading r = pit_count_at(PIT_MODE_RATE, 4, 0);

	assert_int_equal(r.count, 4);
	assert_true(r.out);
	r = pit_count_at(PIT_MODE_RATE, 4, 2);
	assert_int_equal(r.count, 2);
	assert_true(r.out);
	r = pit_count_at(PIT_MODE_RATE, 4, 3);
	assert_int_equal(r.count, 1);
	assert_false(r.out);
	r = pit_count_at(PIT_MODE_RATE, 4, 4);
	assert_int_equal(r.count, 4);
	assert_true(r.out);
	/* an edge at every multiple of N */
	assert_int_equal(pit_next_rise(PIT_MODE_RATE, 4, 0), 4);
	assert_int_equal(pit_next_rise(PIT_MODE_RATE, 4, 3), 4);
	assert_int_equal(pit_next_rise(PIT_MODE_RATE, 4, 4), 8);
	assert_int_equal(pit_rises(PIT_MODE_RATE, 4, 3), 0);
	assert_int_equal(pit_rises(PIT_MODE_RATE, 4, 8), 2);
	/* a long absence is one step: the edges are counted, not walked */
	assert_int_equal(pit_rises(PIT_MODE_RATE, 1193, 1193ull << 40),
			 1ull << 40);
	assert_int_equal(pit_next_rise(PIT_MODE_RATE, 1193, (1193ull << 40) + 5),
			 ((1193ull << 40) + 1193));
}

static void test_mode3_square_wave(void **state)
{
	struct pit_reading r;

	/* even N = 6: high 3 ticks, low 3, counting down by two */
	r = pit_count_at(PIT_MODE_SQUARE, 6, 0);
	assert_true(r.out);
	assert_int_equal(r.count, 6);
	r = pit_count_at(PIT_MODE_SQUARE, 6, 1);
	assert_true(r.out);
	assert_int_equal(r.count, 4);
	r = pit_count_at(PIT_MODE_SQUARE, 6, 3);
	assert_false(r.out);
	assert_int_equal(r.count, 6);
	r = pit_count_at(PIT_MODE_SQUARE, 6, 5);
	assert_false(r.out);
	assert_int_equal(r.count, 2);
	r = pit_count_at(PIT_MODE_SQUARE, 6, 6);
	assert_true(r.out);
	/* odd N = 5: high 3, low 2; counts are even */
	assert_true(pit_count_at(PIT_MODE_SQUARE, 5, 2).out);
	assert_false(pit_count_at(PIT_MODE_SQUARE, 5, 3).out);
	assert_false(pit_count_at(PIT_MODE_SQUARE, 5, 4).out);
	assert_true(pit_count_at(PIT_MODE_SQUARE, 5, 5).out);
	assert_int_equal(pit_count_at(PIT_MODE_SQUARE, 5, 0).count & 1, 0);
	/* the BIOS's 18.2 Hz: 65536 */
	r = pit_count_at(PIT_MODE_SQUARE, 65536, 32768);
	assert_false(r.out);
	assert_int_equal(pit_next_rise(PIT_MODE_SQUARE, 65536, 32768), 65536);
	assert_int_equal(pit_rises(PIT_MODE_SQUARE, 6, 13), 2);
}

static void test_strobes_and_one_shot(void **state)
{
	/* mode 4: OUT high, low for the one tick the count is 0 */
	assert_true(pit_count_at(PIT_MODE_SW_STROBE, 10, 9).out);
	assert_false(pit_count_at(PIT_MODE_SW_STROBE, 10, 10).out);
	assert_true(pit_count_at(PIT_MODE_SW_STROBE, 10, 11).out);
	assert_int_equal(pit_next_rise(PIT_MODE_SW_STROBE, 10, 0), 11);
	assert_int_equal(pit_next_rise(PIT_MODE_SW_STROBE, 10, 11), UINT64_MAX);
	assert_int_equal(pit_rises(PIT_MODE_SW_STROBE, 10, 10), 0);
	assert_int_equal(pit_rises(PIT_MODE_SW_STROBE, 10, 11), 1);
	/* mode 5 counts like mode 4 once triggered */
	assert_false(pit_count_at(PIT_MODE_HW_STROBE, 10, 10).out);
	/* mode 1: OUT low from the trigger until the count ends */
	assert_false(pit_count_at(PIT_MODE_ONE_SHOT, 10, 0).out);
	assert_true(pit_count_at(PIT_MODE_ONE_SHOT, 10, 10).out);
	assert_int_equal(pit_count_at(PIT_MODE_ONE_SHOT, 10, 3).count, 7);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_conversions),
		cmocka_unit_test(test_reload),
		cmocka_unit_test(test_mode0_terminal_count),
		cmocka_unit_test(test_mode2_rate_generator),
		cmocka_unit_test(test_mode3_square_wave),
		cmocka_unit_test(test_strobes_and_one_shot),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
