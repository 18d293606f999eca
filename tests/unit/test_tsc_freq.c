// SPDX-License-Identifier: MIT
/*
 * arch/x86/tsc_freq.c: the TSC and crystal rates CPUID leaves 15H and 16H
 * state, including the leaves that are missing, zero or partly filled,
 * and the agreement check against a measured rate.
 */
#include "test_util.h"

#include <arch/tsc_freq.h>

#define MHZ 1000000ull

static struct tsc_cpuid_rates rates(uint32_t max_leaf, uint32_t den,
				    uint32_t num, uint32_t crystal,
				    uint32_t leaf16_eax)
{
	struct tsc_cpuid c = { max_leaf, den, num, crystal, leaf16_eax };
	struct tsc_cpuid_rates r;

	tsc_cpuid_rates(&c, &r);
	return r;
}

static void assert_none(struct tsc_cpuid_rates r)
{
	assert_int_equal(r.source, TSC_CPUID_NONE);
	assert_int_equal(r.tsc_hz, 0);
	assert_int_equal(r.crystal_hz, 0);
}

static void test_leaf15_with_crystal_is_exact(void **state)
{
	/* a 24 MHz crystal times 216/2: 2592 MHz */
	struct tsc_cpuid_rates r = rates(0x16, 2, 216, 24000000, 2600);

	assert_int_equal(r.source, TSC_CPUID_15);
	assert_int_equal(r.tsc_hz, 2592 * MHZ);
	assert_int_equal(r.crystal_hz, 24000000);
	/* 38.4 MHz, ratio 0x3e/2, no leaf 16H */
	r = rates(0x15, 2, 0x3e, 38400000, 0);
	assert_int_equal(r.source, TSC_CPUID_15);
	assert_int_equal(r.tsc_hz, 1190400000ull);
}

static void test_leaves_above_the_maximum_are_ignored(void **state)
{
	/* QEMU -cpu max: CPUID.0 = 0xD, leaves 15H/16H echo leaf 0xD */
	assert_none(rates(0xd, 0x21f, 0x240, 0xa88, 0x21f));
	/* leaf 15H there, 16H not: its base MHz must not be used */
	assert_none(rates(0x15, 2, 292, 0, 3500));
}

static void test_zero_ratio_terms(void **state)
{
	struct tsc_cpuid_rates r;

	/* a zero denominator or numerator: no ratio, crystal or not */
	assert_none(rates(0x15, 0, 216, 24000000, 0));
	assert_none(rates(0x15, 2, 0, 24000000, 0));
	assert_none(rates(0x15, 0, 0, 0, 0));
	/* then leaf 16H alone gives the TSC, but no crystal */
	r = rates(0x16, 0, 216, 24000000, 2100);
	assert_int_equal(r.source, TSC_CPUID_16);
	assert_int_equal(r.tsc_hz, 2100 * MHZ);
	assert_int_equal(r.crystal_hz, 0);
}

static void test_missing_crystal_uses_the_base_frequency(void **state)
{
	/* Bochs' Skylake-X: ratio 292/2, no crystal, 3500 MHz base */
	struct tsc_cpuid_rates r = rates(0x16, 2, 292, 0, 0x0dac);

	assert_int_equal(r.source, TSC_CPUID_15_16);
	assert_int_equal(r.tsc_hz, 3500 * MHZ);
	/* the crystal the ratio implies: 3500 MHz * 2 / 292 */
	assert_int_equal(r.crystal_hz, 3500 * MHZ * 2 / 292);
	/* no base either: nothing */
	assert_none(rates(0x16, 2, 292, 0, 0));
}

static void test_leaf16_reserved_bits_are_masked(void **state)
{
	struct tsc_cpuid_rates r = rates(0x16, 0, 0, 0, 0xabcd0000u | 3000);

	assert_int_equal(r.source, TSC_CPUID_16);
	assert_int_equal(r.tsc_hz, 3000 * MHZ);
	/* only reserved bits set: no rate */
	assert_none(rates(0x16, 0, 0, 0, 0xffff0000u));
}

static void test_extreme_values(void **state)
{
	/* no 64-bit overflow in crystal * numerator */
	struct tsc_cpuid_rates r = rates(0x15, 1, UINT32_MAX, UINT32_MAX, 0);

	assert_int_equal(r.tsc_hz, (uint64_t)UINT32_MAX * UINT32_MAX);
	/* a ratio that rounds to 0 Hz states nothing */
	assert_none(rates(0x15, 2, 1, 1, 0));
	/* nor does the crystal implied by a tiny base and a huge ratio */
	r = rates(0x16, 1, UINT32_MAX, 0, 1);
	assert_int_equal(r.source, TSC_CPUID_15_16);
	assert_int_equal(r.tsc_hz, MHZ);
	assert_int_equal(r.crystal_hz, 0);
}

static void test_source_names(void **state)
{
	assert_string_equal(tsc_cpuid_source_name(TSC_CPUID_15), "CPUID 0x15");
	assert_string_equal(tsc_cpuid_source_name(TSC_CPUID_15_16),
			    "CPUID 0x15+0x16");
	assert_string_equal(tsc_cpuid_source_name(TSC_CPUID_16), "CPUID 0x16");
	assert_string_equal(tsc_cpuid_source_name(TSC_CPUID_NONE), "none");
}

static void test_agreement(void **state)
{
	assert_true(tsc_rates_agree(2592 * MHZ, 2592 * MHZ));
	/* 2% either way agrees, a little more does not */
	assert_true(tsc_rates_agree(1000 * MHZ, 980 * MHZ));
	assert_true(tsc_rates_agree(980 * MHZ, 1000 * MHZ));
	assert_false(tsc_rates_agree(1000 * MHZ, 979 * MHZ));
	/* Bochs: stated 3500 MHz, measured 50 MHz */
	assert_false(tsc_rates_agree(3500 * MHZ, 50 * MHZ));
	/* an unknown (zero) rate never agrees */
	assert_false(tsc_rates_agree(0, 0));
	assert_false(tsc_rates_agree(0, 1000 * MHZ));
	assert_false(tsc_rates_agree(1000 * MHZ, 0));
	/* no overflow at the top */
	assert_true(tsc_rates_agree(UINT64_MAX, UINT64_MAX - 1));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_leaf15_with_crystal_is_exact),
		cmocka_unit_test(test_leaves_above_the_maximum_are_ignored),
		cmocka_unit_test(test_zero_ratio_terms),
		cmocka_unit_test(test_missing_crystal_uses_the_base_frequency),
		cmocka_unit_test(test_leaf16_reserved_bits_are_masked),
		cmocka_unit_test(test_extreme_values),
		cmocka_unit_test(test_source_names),
		cmocka_unit_test(test_agreement),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
