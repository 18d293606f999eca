// SPDX-License-Identifier: MIT
/*
 * The 8259A's register state (core/dev/vpic.c): the ICW sequences an OS
 * sends (with and without ICW3/ICW4), IMR read-back (an OS's probe),
 * OCW2 commands accepted, OCW3 IRR/ISR/poll reads that find nothing; then
 * its interrupt logic: edges and levels, fixed priority, INTA, EOIs, the
 * cascade, spurious IRQ 7, automatic EOI, polls.
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

/* A pair as a PC's OS sets it up: vectors 0x20 and 0x28, all unmasked. */
static void pc_pair(struct vpic_regs *m, struct vpic_regs *s, uint8_t icw4)
{
	vpic_regs_reset(m);
	vpic_regs_reset(s);
	vpic_regs_write(m, 0, 0x11);
	vpic_regs_write(m, 1, 0x20);
	vpic_regs_write(m, 1, 0x04);
	vpic_regs_write(m, 1, icw4);
	vpic_regs_write(s, 0, 0x11);
	vpic_regs_write(s, 1, 0x28);
	vpic_regs_write(s, 1, 0x02);
	vpic_regs_write(s, 1, icw4);
}

static void test_not_ready_raises_nothing(void **state)
{
	struct vpic_regs m;

	vpic_regs_reset(&m);
	vpic_regs_set_line(&m, 0, true);
	assert_int_equal(vpic_regs_highest(&m), -1);	/* no vectors yet */
	vpic_regs_write(&m, 0, 0x13);			/* single, ICW4 */
	vpic_regs_write(&m, 1, 0x20);
	assert_false(vpic_pair_intr(&m));		/* ICW4 still to come */
	vpic_regs_write(&m, 1, 0x01);
	/* ICW1 cleared the request: the line must rise again */
	assert_false(vpic_pair_intr(&m));
	vpic_regs_set_line(&m, 0, false);
	vpic_regs_set_line(&m, 0, true);
	assert_true(vpic_pair_intr(&m));
}

static void test_priority_ack_and_eoi(void **state)
{
	struct vpic_regs m, s;

	pc_pair(&m, &s, 0x01);
	vpic_regs_set_line(&m, 4, true);
	vpic_regs_set_line(&m, 0, true);
	vpic_regs_set_line(&m, 0, true);	/* still high: one edge */
	assert_int_equal(vpic_regs_read(&m, 0), 0x11);	/* IRR */
	assert_true(vpic_pair_intr(&m));
	/* IRQ 0 first; then IRQ 4 waits behind it in service */
	assert_int_equal(vpic_pair_ack(&m, &s), 0x20);
	assert_int_equal(m.isr, 0x01);
	assert_false(vpic_pair_intr(&m));
	vpic_regs_write(&m, 0, 0x0b);
	assert_int_equal(vpic_regs_read(&m, 0), 0x01);	/* ISR */
	vpic_regs_write(&m, 0, 0x20);			/* non-specific EOI */
	assert_int_equal(m.isr, 0);
	assert_int_equal(vpic_pair_ack(&m, &s), 0x24);
	/* a higher request nests over a lower one in service */
	vpic_regs_set_line(&m, 0, false);
	vpic_regs_set_line(&m, 0, true);
	assert_int_equal(vpic_pair_ack(&m, &s), 0x20);
	assert_int_equal(m.isr, 0x11);
	vpic_regs_write(&m, 0, 0x64);			/* specific EOI, 4 */
	assert_int_equal(m.isr, 0x01);
	vpic_regs_write(&m, 0, 0x20);
	assert_int_equal(m.isr, 0);
	/* masked: requested, not raised */
	vpic_regs_write(&m, 1, 0x02);
	vpic_regs_set_line(&m, 1, true);
	assert_int_equal(m.irr, 0x02);
	assert_false(vpic_pair_intr(&m));
	vpic_regs_write(&m, 1, 0x00);
	assert_int_equal(vpic_pair_ack(&m, &s), 0x21);
}

static void test_cascade_and_spurious(void **state)
{
	struct vpic_regs m, s;

	pc_pair(&m, &s, 0x01);
	vpic_regs_set_line(&s, 0, true);		/* IRQ 8, the RTC */
	vpic_pair_sync(&m, &s);
	assert_true(vpic_pair_intr(&m));
	assert_int_equal(vpic_pair_ack(&m, &s), 0x28);
	assert_int_equal(m.isr, 0x04);
	assert_int_equal(s.isr, 0x01);
	/* a slave mask set after INTR rose: its IRQ 7 is spurious */
	vpic_regs_write(&s, 0, 0x20);
	vpic_regs_write(&m, 0, 0x20);
	vpic_regs_set_line(&s, 3, true);
	vpic_pair_sync(&m, &s);
	m.irr |= 0x04;
	vpic_regs_write(&s, 1, 0x08);
	assert_int_equal(s.irr, 0x08);
	/* the master's request went with it: its IRQ 7 */
	assert_int_equal(vpic_pair_ack(&m, &s), 0x27);
	assert_int_equal(m.isr, 0);
	/* the slave masked at the master: nothing comes through */
	vpic_regs_write(&s, 1, 0x00);
	vpic_regs_write(&m, 1, 0x04);
	vpic_pair_sync(&m, &s);
	assert_false(vpic_pair_intr(&m));
}

static void test_auto_eoi_level_and_poll(void **state)
{
	struct vpic_regs m, s;

	pc_pair(&m, &s, 0x03);				/* 8086, AEOI */
	vpic_regs_set_line(&m, 3, true);
	assert_int_equal(vpic_pair_ack(&m, &s), 0x23);
	assert_int_equal(m.isr, 0);			/* no EOI needed */
	/* level-triggered (ICW1 LTIM): requests while high */
	vpic_regs_write(&m, 0, 0x19);
	vpic_regs_write(&m, 1, 0x20);
	vpic_regs_write(&m, 1, 0x04);
	vpic_regs_write(&m, 1, 0x01);
	vpic_regs_set_line(&m, 5, true);
	assert_int_equal(vpic_pair_ack(&m, &s), 0x25);
	vpic_regs_write(&m, 0, 0x20);
	assert_true(vpic_pair_intr(&m));		/* still high */
	vpic_regs_set_line(&m, 5, false);
	assert_false(vpic_pair_intr(&m));
	/* a poll is an INTA that reads the level */
	vpic_regs_set_line(&m, 6, true);
	vpic_regs_write(&m, 0, 0x0c);
	assert_int_equal(vpic_regs_read(&m, 0), 0x86);
	assert_int_equal(m.isr, 0x40);
	vpic_regs_write(&m, 0, 0x0c);
	assert_int_equal(vpic_regs_read(&m, 0), 0);	/* nothing else */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_linux_style_init),
		cmocka_unit_test(test_short_sequences),
		cmocka_unit_test(test_not_ready_raises_nothing),
		cmocka_unit_test(test_priority_ack_and_eoi),
		cmocka_unit_test(test_cascade_and_spurious),
		cmocka_unit_test(test_auto_eoi_level_and_poll),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
