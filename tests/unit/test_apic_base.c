// SPDX-License-Identifier: MIT
/*
 * core/dev/apic_base.c: IA32_APIC_BASE's modes and the writes a CPU
 * accepts (SDM 10.4.4, 10.12.5, figure 10-27), every pair of modes.
 */
#include "test_util.h"

#include <core/dev/apic_base.h>

#define BASE   APIC_BASE_DEFAULT
#define OFF    (BASE)
#define XAPIC  (BASE | APIC_BASE_EN)
#define X2APIC (BASE | APIC_BASE_EN | APIC_BASE_EXTD)
#define BAD    (BASE | APIC_BASE_EXTD)	/* EXTD without EN */
#define PHYS   39

static void test_modes(void **state)
{
	assert_int_equal(apic_base_mode(OFF), APIC_MODE_DISABLED);
	assert_int_equal(apic_base_mode(XAPIC), APIC_MODE_XAPIC);
	assert_int_equal(apic_base_mode(X2APIC | APIC_BASE_BSP), APIC_MODE_X2APIC);
	assert_int_equal(apic_base_mode(BAD), APIC_MODE_INVALID);
}

static void test_transitions(void **state)
{
	/* rows: from; columns: to OFF, XAPIC, X2APIC, BAD; 0 allowed, -1 #GP */
	static const uint64_t modes[] = { OFF, XAPIC, X2APIC };
	static const int want[3][4] = {
		{ 0, 0, -1, -1 },	/* disabled: only to xAPIC */
		{ 0, 0, 0, -1 },	/* xAPIC: anywhere */
		{ 0, -1, 0, -1 },	/* x2APIC: not to xAPIC directly */
	};
	static const uint64_t to[] = { OFF, XAPIC, X2APIC, BAD };

	for (unsigned int f = 0; f < 3; f++)
		for (unsigned int t = 0; t < 4; t++)
			assert_int_equal(apic_base_check(modes[f], to[t], PHYS),
					 want[f][t]);
}

static void test_reserved_bits_and_address(void **state)
{
	assert_int_equal(apic_base_check(X2APIC, X2APIC | 1, PHYS), -1);
	assert_int_equal(apic_base_check(X2APIC, X2APIC | 0x80, PHYS), -1);
	assert_int_equal(apic_base_check(X2APIC, X2APIC | (1ull << 9), PHYS), -1);
	assert_int_equal(apic_base_check(X2APIC, X2APIC | (1ull << PHYS), PHYS), -1);
	assert_int_equal(apic_base_check(X2APIC, X2APIC | (1ull << 63), PHYS), -1);
	/* the BSP flag may be written either way (it is kept as it was) */
	assert_int_equal(apic_base_check(X2APIC, X2APIC | APIC_BASE_BSP, PHYS), 0);
	/* Keel does not move the xAPIC page */
	assert_int_equal(apic_base_check(XAPIC, (XAPIC & 0xfff) | 0xfec00000ull,
					 PHYS), -1);
	assert_int_equal(apic_base_check(XAPIC, XAPIC, 64), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_modes),
		cmocka_unit_test(test_transitions),
		cmocka_unit_test(test_reserved_bits_and_address),
	};

	return cmocka_run_group_tests_name("apic_base", tests, NULL, NULL);
}
