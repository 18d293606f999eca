// SPDX-License-Identifier: MIT
/*
 * The 8259A's register state (core/dev/vpic.c): the ICW sequences an OS
 * sends (with and without ICW3/ICW4), IMR read-back (an OS's probe),
 * OCW2 commands accepted, OCW3 IRR/ISR/poll reads that find nothing.
 */
#include <stdbool.h>
#include <string.h>

#include "test_util.h"

#include <core/dev/vpic.h>

static void test_linux_style_init(void **state)
{
	struct vpic_regs m, s;

	vpic_regs_reset(&m);
	vpic_regs_reset(&s);
	/* the probe: mask written, read back */
	vpic_regs_write(&m, 1, 0xff);
	assert_int_equal(vpic_regs_read(&m, 1), 0xff);
	/* ICW1 edge, cascade, ICW4; ICW2 vector; ICW3; ICW4 8086 */
	vpic_regs_write(&m, 0, 0x11);
	assert_int_equal(vpic_regs_read(&m, 1), 0);	/* ICW1 clears IMR */
	vpic_regs_write(&m, 1, 0x30);
	vpic_regs_write(&m, 1, 0x04);
	vpic_regs_write(&m, 1, 0x01);
	assert_int_equal(m.vector_base, 0x30);
	assert_int_equal(m.icw3, 0x04);
	assert_int_equal(m.icw4, 0x01);
	assert_int_equal(m.next_icw, 0);
	vpic_regs_write(&s, 0, 0x11);
	vpic_regs_write(&s, 1, 0x38);
	vpic_regs_write(&s, 1, 0x02);
	vpic_regs_write(&s, 1, 0x01);
	/* now the data port is the mask again */
	vpic_regs_write(&m, 1, 0xfb);
	vpic_regs_write(&s, 1, 0xff);
	assert_int_equal(vpic_regs_read(&m, 1), 0xfb);
	assert_int_equal(vpic_regs_read(&s, 1), 0xff);
	/* OCW3: read IRR, then ISR; both 0; poll finds nothing */
	vpic_regs_write(&m, 0, 0x0a);
	assert_int_equal(vpic_regs_read(&m, 0), 0);
	vpic_regs_write(&m, 0, 0x0b);
	assert_true(m.read_isr);
	assert_int_equal(vpic_regs_read(&m, 0), 0);
	vpic_regs_write(&m, 0, 0x0c);
	assert_true(m.poll);
	assert_int_equal(vpic_regs_read(&m, 0), 0);
	assert_false(m.poll);
	/* OCW2: a specific EOI changes nothing */
	vpic_regs_write(&m, 0, 0x60);
	assert_int_equal(vpic_regs_read(&m, 1), 0xfb);
	assert_true(m.read_isr);
}

static void test_short_sequences(void **state)
{
	struct vpic_regs m;

	vpic_regs_reset(&m);
	/* single, no ICW4: ICW2 ends it */
	vpic_regs_write(&m, 0, 0x12);
	vpic_regs_write(&m, 1, 0x08);
	assert_int_equal(m.next_icw, 0);
	vpic_regs_write(&m, 1, 0x5a);
	assert_int_equal(vpic_regs_read(&m, 1), 0x5a);
	/* single with ICW4: ICW2, ICW4 */
	vpic_regs_write(&m, 0, 0x13);
	vpic_regs_write(&m, 1, 0x20);
	assert_int_equal(m.next_icw, 4);
	vpic_regs_write(&m, 1, 0xff);
	assert_int_equal(m.icw4, 0x1f);
	assert_int_equal(m.next_icw, 0);
	/* cascade without ICW4: ICW2, ICW3 */
	vpic_regs_write(&m, 0, 0x10);
	vpic_regs_write(&m, 1, 0x20);
	vpic_regs_write(&m, 1, 0x04);
	assert_int_equal(m.next_icw, 0);
	/* the vector base keeps T7-T3 */
	assert_int_equal(m.vector_base, 0x20);
	/* special mask mode via OCW3 */
	vpic_regs_write(&m, 0, 0x68);
	assert_true(m.special_mask);
	vpic_regs_write(&m, 0, 0x48);
	assert_false(m.special_mask);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_linux_style_init),
		cmocka_unit_test(test_short_sequences),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
