// SPDX-License-Identifier: MIT
/*
 * core/dev/acpi_pm_timer.c: the PM timer's count from the host TSC (exact
 * floor against 128-bit arithmetic, monotonic, 0 at and before the VM's
 * start, one second of TSC is 3579545 ticks), the highest-count-shown
 * rule, the 32-bit wrap and reads of each byte.
 */
#include "test_util.h"

#include <core/dev/acpi_pm_timer.h>

#define GHZ 1000000000ull

static uint64_t reference(uint64_t tsc, uint64_t start, uint64_t hz)
{
	return (uint64_t)((unsigned __int128)(tsc - start) * ACPI_PM_TMR_HZ /
			  hz);
}

static void test_zero_at_start(void **state)
{
	uint64_t start = 123456789012345ull;

	assert_int_equal(pm_timer_ticks(start, start, 3 * GHZ), 0);
	/* another CPU's TSC a little behind the one that started the VM */
	assert_int_equal(pm_timer_ticks(start - 1, start, 3 * GHZ), 0);
	assert_int_equal(pm_timer_ticks(0, UINT64_MAX, 3 * GHZ), 0);
	/* no TSC rate known: no count rather than a division by zero */
	assert_int_equal(pm_timer_ticks(start + GHZ, start, 0), 0);
}

static void test_rate(void **state)
{
	static const uint64_t rates[] = { 1000000, 2 * GHZ, 3 * GHZ,
					  3480793000ull, 5 * GHZ };

	for (size_t i = 0; i < TEST_ARRAY_SIZE(rates); i++) {
		uint64_t hz = rates[i], start = 77 * hz + 5;

		/* a second, a minute, a day of TSC */
		assert_int_equal(pm_timer_ticks(start + hz, start, hz),
				 ACPI_PM_TMR_HZ);
		assert_int_equal(pm_timer_ticks(start + 60 * hz, start, hz),
				 60ull * ACPI_PM_TMR_HZ);
		assert_int_equal(pm_timer_ticks(start + 86400 * hz, start, hz),
				 86400ull * ACPI_PM_TMR_HZ);
		/*
		 * one TSC tick short of a second is one timer tick short
		 * (ceil(3579545 / hz) at a TSC slower than the timer)
		 */
		assert_int_equal(pm_timer_ticks(start + hz - 1, start, hz),
				 ACPI_PM_TMR_HZ - 1 - (ACPI_PM_TMR_HZ - 1) / hz);
	}
}

static void test_exact_floor(void **state)
{
	uint64_t seed = 0x5eed;

	for (int i = 0; i < 200000; i++) {
		uint64_t hz = 1000000 + test_rand(&seed) % (10 * GHZ);
		uint64_t start = test_rand(&seed);
		uint64_t tsc = test_rand(&seed);

		if (i % 4 == 0)		/* short spans too, not only huge */
			tsc = start + test_rand(&seed) % (1000 * hz);
		if (tsc < start)
			continue;
		assert_int_equal(pm_timer_ticks(tsc, start, hz),
				 reference(tsc, start, hz));
	}
	/* the largest span: 2^64 - 1 TSC ticks, no overflow */
	assert_int_equal(pm_timer_ticks(UINT64_MAX, 0, 3 * GHZ),
			 reference(UINT64_MAX, 0, 3 * GHZ));
}

static void test_monotonic(void **state)
{
	uint64_t hz = 3480793000ull, start = 1000, prev = 0;

	/* every TSC value over a few timer ticks: steps of 0 or 1 */
	for (uint64_t tsc = start; tsc < start + 20 * hz / ACPI_PM_TMR_HZ;
	     tsc++) {
		uint64_t t = pm_timer_ticks(tsc, start, hz);

		assert_true(t == prev || t == prev + 1);
		prev = t;
	}
	assert_int_equal(prev, 19);
}

static void test_wraps_at_32_bits(void **state)
{
	uint64_t hz = 3 * GHZ, start = 0;
	/* the first TSC value at which the count reaches 2^32 */
	uint64_t wrap = (uint64_t)(((unsigned __int128)1 << 32) * hz +
				   ACPI_PM_TMR_HZ - 1) / ACPI_PM_TMR_HZ;

	assert_int_equal(pm_timer_read(pm_timer_ticks(wrap - 1, start, hz),
				       0, 4), 0xffffffffu);
	assert_int_equal(pm_timer_read(pm_timer_ticks(wrap, start, hz), 0, 4),
			 0);
	/* about 1199.6 s after the start */
	assert_int_equal(wrap / hz, 1199);
	assert_int_equal(pm_timer_read(5ull << 32 | 42, 0, 4), 42);
}

static void test_byte_reads(void **state)
{
	uint64_t v = 0xaa12345678ull;

	assert_int_equal(pm_timer_read(v, 0, 4), 0x12345678);
	assert_int_equal(pm_timer_read(v, 0, 1), 0x78);
	assert_int_equal(pm_timer_read(v, 1, 2), 0x3456);
	assert_int_equal(pm_timer_read(v, 2, 2), 0x1234);
	assert_int_equal(pm_timer_read(v, 3, 1), 0x12);
	/* past the block: 0 */
	assert_int_equal(pm_timer_read(v, 3, 4), 0x12);
	assert_int_equal(pm_timer_read(v, 2, 8), 0x1234);
	assert_int_equal(pm_timer_read(v, 4, 1), 0);
}

static void test_shown_never_goes_back(void **state)
{
	uint64_t last = 0;

	assert_int_equal(pm_timer_shown(&last, 100), 100);
	assert_int_equal(last, 100);
	/* a CPU whose TSC lags: it is shown the last count, not its own */
	assert_int_equal(pm_timer_shown(&last, 90), 100);
	assert_int_equal(last, 100);
	assert_int_equal(pm_timer_shown(&last, 100), 100);
	assert_int_equal(pm_timer_shown(&last, 150), 150);
	assert_int_equal(last, 150);
	/* a reset sets last to 0 again (acpi_pm_init): it starts over */
	last = 0;
	assert_int_equal(pm_timer_shown(&last, 3), 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_zero_at_start),
		cmocka_unit_test(test_rate),
		cmocka_unit_test(test_exact_floor),
		cmocka_unit_test(test_monotonic),
		cmocka_unit_test(test_wraps_at_32_bits),
		cmocka_unit_test(test_byte_reads),
		cmocka_unit_test(test_shown_never_goes_back),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
