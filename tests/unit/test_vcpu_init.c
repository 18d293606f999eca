// SPDX-License-Identifier: MIT
/*
 * core/vcpu_init_state.c: INIT, STARTUP and hlt with interrupts off in
 * every order a guest can send them (SDM 8.4.4.1, 10.6.1), and the
 * architectural state a STARTUP gives (SDM table 9-1).
 */
#include "test_util.h"

#include <core/vcpu.h>
#include <core/vcpu_init_state.h>

static struct vcpu_init waiting(void)
{
	return (struct vcpu_init){ .mode = VCPU_INIT_WAIT_SIPI };
}

static void test_wait_for_sipi_blocks(void **state)
{
	struct vcpu_init s = waiting();
	uint8_t vec = 0;

	assert_true(vcpu_init_dormant(&s));
	assert_int_equal(vcpu_init_next(&s, &vec), VCPU_INIT_BLOCK);
	assert_true(vcpu_init_post_sipi(&s, 0x08));
	assert_false(vcpu_init_dormant(&s));
	assert_int_equal(vcpu_init_next(&s, &vec), VCPU_INIT_DO_START);
	assert_int_equal(vec, 0x08);
	assert_int_equal(vcpu_init_next(&s, &vec), VCPU_INIT_RUN);
}

static void test_init_sipi_sipi(void **state)
{
	struct vcpu_init s = { .mode = VCPU_INIT_RUNNING };
	uint8_t vec = 0;

	assert_false(vcpu_init_post_sipi(&s, 0x10));	/* running: ignored */
	vcpu_init_post_init(&s);
	assert_true(vcpu_init_post_sipi(&s, 0x08));
	assert_false(vcpu_init_post_sipi(&s, 0x09));	/* the first counts */
	assert_int_equal(vcpu_init_next(&s, &vec), VCPU_INIT_DO_RESET);
	assert_int_equal(vcpu_init_next(&s, &vec), VCPU_INIT_DO_START);
	assert_int_equal(vec, 0x08);
	/* the second STARTUP, after the vCPU started: ignored */
	assert_false(vcpu_init_post_sipi(&s, 0x08));
	assert_int_equal(vcpu_init_next(&s, &vec), VCPU_INIT_RUN);
}

static void test_init_drops_earlier_sipi(void **state)
{
	struct vcpu_init s = waiting();
	uint8_t vec = 0;

	assert_true(vcpu_init_post_sipi(&s, 0x08));
	vcpu_init_post_init(&s);
	assert_int_equal(vcpu_init_next(&s, &vec), VCPU_INIT_DO_RESET);
	assert_int_equal(vcpu_init_next(&s, &vec), VCPU_INIT_BLOCK);
}

static void test_halted_waits_for_init(void **state)
{
	struct vcpu_init s = { .mode = VCPU_INIT_RUNNING };
	uint8_t vec = 0;

	vcpu_init_halt(&s);
	assert_true(vcpu_init_dormant(&s));
	assert_int_equal(vcpu_init_next(&s, &vec), VCPU_INIT_BLOCK);
	assert_false(vcpu_init_post_sipi(&s, 0x08));	/* not after INIT */
	vcpu_init_post_init(&s);
	assert_true(vcpu_init_pending(&s));
	assert_false(vcpu_init_dormant(&s));
	assert_int_equal(vcpu_init_next(&s, &vec), VCPU_INIT_DO_RESET);
	assert_true(vcpu_init_dormant(&s));	/* now waits for STARTUP */
	/* halting while waiting changes nothing */
	vcpu_init_halt(&s);
	assert_int_equal(s.mode, VCPU_INIT_WAIT_SIPI);
}

static void test_startup_state(void **state)
{
	struct vcpu_entry_state s;

	vcpu_init_startup_state(&s, 0x9f);
	assert_int_equal(s.cr0, 0x60000010);
	assert_int_equal(s.cs.selector, 0x9f00);
	assert_int_equal(s.cs.base, 0x9f000);
	assert_int_equal(s.cs.limit, 0xffff);
	assert_int_equal(s.cs.attr, 0x9b);
	assert_int_equal(s.ds.selector, 0);
	assert_int_equal(s.ds.attr, 0x93);
	assert_int_equal(s.ds.limit, 0xffff);
	assert_int_equal(s.rip, 0);
	assert_int_equal(s.rflags, 2);
	assert_int_equal(s.efer, 0);
	assert_int_equal(s.cr3, 0);
	assert_int_equal(s.cr4, 0);
	assert_int_equal(s.idt_limit, 0xffff);
	assert_int_equal(s.gdt_limit, 0xffff);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_wait_for_sipi_blocks),
		cmocka_unit_test(test_init_sipi_sipi),
		cmocka_unit_test(test_init_drops_earlier_sipi),
		cmocka_unit_test(test_halted_waits_for_init),
		cmocka_unit_test(test_startup_state),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
