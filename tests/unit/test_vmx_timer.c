// SPDX-License-Identifier: MIT
/*
 * arch/x86/vmx/vmx_timer.h: the VMX-preemption timer value never lets the
 * exit come before the deadline (at least rounded up, plus the first
 * partial period), at most two periods after it, is clamped to the 32-bit
 * field, and is 0 for a deadline that has passed.
 */
#include "test_util.h"

#include <arch/x86/vmx/vmx_timer.h>

/*
 * The earliest exit a value can give: the timer's bit may change one tick
 * after the entry, and then every 1 << shift ticks.
 */
static unsigned __int128 earliest_exit(uint64_t now, uint32_t value,
				       unsigned int shift)
{
	if (!value)
		return now;
	return (unsigned __int128)now + ((uint64_t)(value - 1) << shift) + 1;
}

static void test_passed_deadline_exits_at_once(void **state)
{
	assert_int_equal(vmx_preemption_timer_value(1000, 1000, 5), 0);
	assert_int_equal(vmx_preemption_timer_value(1000, 999, 5), 0);
	assert_int_equal(vmx_preemption_timer_value(UINT64_MAX, 0, 0), 0);
}

static void test_rounds_up(void **state)
{
	/* 1 tick is one partial period: round up to 1, plus the first */
	assert_int_equal(vmx_preemption_timer_value(0, 1, 5), 2);
	/* exactly one period: one more than needed, never less */
	assert_int_equal(vmx_preemption_timer_value(0, 32, 5), 3);
	/* one period and one tick */
	assert_int_equal(vmx_preemption_timer_value(0, 33, 5), 3);
	/* shift 0: one count per tick */
	assert_int_equal(vmx_preemption_timer_value(100, 107, 0), 9);
}

static void test_clamped_to_the_field(void **state)
{
	assert_int_equal(vmx_preemption_timer_value(0, UINT64_MAX, 0),
			 UINT32_MAX);
	assert_int_equal(vmx_preemption_timer_value(0, UINT64_MAX, 31),
			 UINT32_MAX);
	assert_int_equal(vmx_preemption_timer_value(0, 1ull << 32, 0),
			 UINT32_MAX);
	/* just below the clamp: exact */
	assert_int_equal(vmx_preemption_timer_value(0, 0xfffffffcull, 0),
			 0xfffffffeu);
}

static void test_never_early(void **state)
{
	uint64_t seed = 0x9e3779b97f4a7c15ull;

	for (unsigned int i = 0; i < 200000; i++) {
		unsigned int shift = test_rand(&seed) % 32;
		uint64_t now = test_rand(&seed) >> (test_rand(&seed) % 64);
		uint64_t delta = test_rand(&seed) >> (test_rand(&seed) % 64);
		uint64_t deadline = now + delta < now ? UINT64_MAX : now + delta;
		uint32_t value = vmx_preemption_timer_value(now, deadline, shift);
		uint64_t span = deadline - now;

		if (value == UINT32_MAX)
			continue;	/* clamped: may come early, by design */
		assert_true(earliest_exit(now, value, shift) >= deadline);
		/* and not more than two periods late */
		if (value)
			assert_true(((uint64_t)value << shift) <=
				    span + (2ull << shift));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_passed_deadline_exits_at_once),
		cmocka_unit_test(test_rounds_up),
		cmocka_unit_test(test_clamped_to_the_field),
		cmocka_unit_test(test_never_early),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
