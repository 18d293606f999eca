// SPDX-License-Identifier: MIT
/*
 * The I/O APIC's register file and firing rules (core/dev/vioapic_regs.c)
 * and the destination logic it routes with (core/dev/apic_dest.c): what
 * a guest reads back through IOREGSEL/IOWIN, when a pin fires for edge
 * and level entries, remote IRR and the EOI, masking, and which local
 * APICs a message reaches. Also a soak of random register writes and
 * line changes that checks the invariants a guest cannot break.
 */
#include <stdbool.h>
#include <string.h>

#include "test_util.h"

#include <core/dev/apic_dest.h>
#include <core/dev/vioapic.h>

static struct vioapic_regs r;

static uint32_t rd(uint32_t index)
{
	r.select = index;
	return vioapic_regs_read(&r);
}

static uint32_t wr(uint32_t index, uint32_t value)
{
	r.select = index;
	return vioapic_regs_write(&r, value);
}

/* pin's entry: low half, then high half (destination) */
static uint32_t program(unsigned int pin, uint32_t low, uint8_t dest)
{
	wr(VIOAPIC_REG_REDIR0 + 2 * pin + 1, (uint32_t)dest << 24);
	return wr(VIOAPIC_REG_REDIR0 + 2 * pin, low);
}

#define LEVEL  ((uint32_t)VIOAPIC_LEVEL)
#define MASKED ((uint32_t)VIOAPIC_MASKED)
#define RIRR   ((uint32_t)VIOAPIC_REMOTE_IRR)

static void test_reset_and_identity(void **state)
{
	vioapic_regs_reset(&r, 2);
	assert_int_equal(rd(VIOAPIC_REG_ID), 2u << 24);
	assert_int_equal(rd(VIOAPIC_REG_VERSION), 0x00170011);
	assert_int_equal(rd(VIOAPIC_REG_ARB), 2u << 24);
	for (unsigned int pin = 0; pin < VIOAPIC_PINS; pin++) {
		assert_int_equal(rd(VIOAPIC_REG_REDIR0 + 2 * pin), MASKED);
		assert_int_equal(rd(VIOAPIC_REG_REDIR0 + 2 * pin + 1), 0);
	}
	/* ID: bits 27:24 only; arbitration follows; version read-only */
	assert_int_equal(wr(VIOAPIC_REG_ID, 0xffffffff), 0);
	assert_int_equal(rd(VIOAPIC_REG_ID), 0x0f000000);
	assert_int_equal(rd(VIOAPIC_REG_ARB), 0x0f000000);
	wr(VIOAPIC_REG_VERSION, 0);
	wr(VIOAPIC_REG_ARB, 0);
	assert_int_equal(rd(VIOAPIC_REG_VERSION), 0x00170011);
	assert_int_equal(rd(VIOAPIC_REG_ARB), 0x0f000000);
	/* no register there: reads 0, writes change nothing */
	for (uint32_t index = 0x03; index < 0x10; index++) {
		assert_int_equal(wr(index, 0xffffffff), 0);
		assert_int_equal(rd(index), 0);
	}
	for (uint32_t index = 0x40; index <= 0xff; index++) {
		assert_int_equal(wr(index, 0xffffffff), 0);
		assert_int_equal(rd(index), 0);
	}
}

static void test_entry_bits(void **state)
{
	vioapic_regs_reset(&r, 0);
	/* every bit written: the read-only and reserved ones stay 0 */
	wr(VIOAPIC_REG_REDIR0 + 6, 0xffffffff);
	wr(VIOAPIC_REG_REDIR0 + 7, 0xffffffff);
	assert_int_equal(rd(VIOAPIC_REG_REDIR0 + 6), 0x1afff);
	assert_int_equal(rd(VIOAPIC_REG_REDIR0 + 7), 0xff000000);
	assert_int_equal(rd(VIOAPIC_REG_REDIR0 + 8), MASKED);	/* pin 4 untouched */
}

static void test_edge(void **state)
{
	struct vioapic_msg m;

	vioapic_regs_reset(&r, 0);
	/* masked: the edge is lost */
	assert_int_equal(vioapic_regs_set_line(&r, 4, true), 0);
	vioapic_regs_set_line(&r, 4, false);
	assert_int_equal(program(4, 0x31 | (1u << 11) | (1u << 8), 0x05), 0);
	/* rising edges fire; high again while high does not */
	assert_int_equal(vioapic_regs_set_line(&r, 4, true), 1u << 4);
	assert_int_equal(vioapic_regs_set_line(&r, 4, true), 0);
	assert_int_equal(vioapic_regs_set_line(&r, 4, false), 0);
	assert_int_equal(vioapic_regs_set_line(&r, 4, true), 1u << 4);
	/* unmasking with the line high does not fire an edge entry */
	program(4, 0x31 | MASKED, 0);
	assert_int_equal(program(4, 0x31, 0), 0);
	m = vioapic_regs_msg(&r, 4);
	assert_int_equal(m.vector, 0x31);
	assert_int_equal(m.dest, 0);
	assert_false(m.level);
	program(4, 0x31 | (1u << 11) | (1u << 8), 0x05);
	m = vioapic_regs_msg(&r, 4);
	assert_true(m.logical);
	assert_int_equal(m.mode, VIOAPIC_MODE_LOWEST);
	assert_int_equal(m.dest, 0x05);
	/* no remote IRR for edge entries, and EOIs do nothing */
	assert_int_equal(rd(VIOAPIC_REG_REDIR0 + 8) & RIRR, 0);
	assert_int_equal(vioapic_regs_eoi(&r, 0x31), 0);
	/* pins past 23 are ignored */
	assert_int_equal(vioapic_regs_set_line(&r, 24, true), 0);
	assert_int_equal(vioapic_regs_set_line(&r, 1000, true), 0);
}

static void test_level_remote_irr(void **state)
{
	vioapic_regs_reset(&r, 0);
	/* the line goes high while masked: nothing until unmasked */
	program(4, 0x40 | LEVEL | MASKED, 0);
	assert_int_equal(vioapic_regs_set_line(&r, 4, true), 0);
	assert_int_equal(program(4, 0x40 | LEVEL, 0), 1u << 4);
	assert_true(rd(VIOAPIC_REG_REDIR0 + 8) & RIRR);
	/* held: no second message before the EOI, whatever the guest writes */
	assert_int_equal(vioapic_regs_set_line(&r, 4, true), 0);
	assert_int_equal(program(4, 0x40 | LEVEL | RIRR, 0), 0);
	assert_true(rd(VIOAPIC_REG_REDIR0 + 8) & RIRR);	/* read-only */
	/* an EOI of another vector does nothing */
	assert_int_equal(vioapic_regs_eoi(&r, 0x41), 0);
	/* the EOI with the line still high: fires again */
	assert_int_equal(vioapic_regs_eoi(&r, 0x40), 1u << 4);
	assert_true(rd(VIOAPIC_REG_REDIR0 + 8) & RIRR);
	/* line low, then EOI: remote IRR clear, nothing fires */
	assert_int_equal(vioapic_regs_set_line(&r, 4, false), 0);
	assert_int_equal(vioapic_regs_eoi(&r, 0x40), 0);
	assert_false(rd(VIOAPIC_REG_REDIR0 + 8) & RIRR);
	/* high again: fires */
	assert_int_equal(vioapic_regs_set_line(&r, 4, true), 1u << 4);
	/* masked while held: the EOI clears remote IRR but does not fire */
	program(4, 0x40 | LEVEL | MASKED, 0);
	assert_int_equal(vioapic_regs_eoi(&r, 0x40), 0);
	assert_false(rd(VIOAPIC_REG_REDIR0 + 8) & RIRR);
	/* nobody took it: remote IRR dropped, the next event fires */
	assert_int_equal(program(4, 0x40 | LEVEL, 0), 1u << 4);
	vioapic_regs_undelivered(&r, 4);
	assert_false(rd(VIOAPIC_REG_REDIR0 + 8) & RIRR);
	/* two pins on one vector: one EOI serves both */
	assert_int_equal(program(5, 0x40 | LEVEL, 0), 0);
	assert_int_equal(vioapic_regs_set_line(&r, 5, true), 1u << 5);
	assert_int_equal(vioapic_regs_eoi(&r, 0x40), 1u << 5);
	/* switching to edge drops remote IRR */
	program(5, 0x40, 0);
	assert_false(rd(VIOAPIC_REG_REDIR0 + 10) & RIRR);
}

static struct apic_dest_view views[4];

static void xapic_views(void)
{
	for (unsigned int i = 0; i < 4; i++)
		views[i] = (struct apic_dest_view){ .id = i, .ldr = 0,
			.dfr = 0xffffffff, .present = true };
}

static void test_routing(void **state)
{
	xapic_views();
	assert_int_equal(apic_dest_route(views, 4, false, 2, false), 1u << 2);
	assert_int_equal(apic_dest_route(views, 4, false, 7, false), 0);
	assert_int_equal(apic_dest_route(views, 4, false, 0xff, false), 0xf);
	/* lowest priority: one target, the first that matches */
	assert_int_equal(apic_dest_route(views, 4, false, 0xff, true), 0x1);
	/* flat logical */
	for (unsigned int i = 0; i < 4; i++)
		views[i].ldr = (1u << i) << 24;
	assert_int_equal(apic_dest_route(views, 4, true, 0x0c, false), 0xc);
	assert_int_equal(apic_dest_route(views, 4, true, 0x0c, true), 0x4);
	/* not started or disabled: not a target, not chosen */
	views[2].present = false;
	assert_int_equal(apic_dest_route(views, 4, true, 0x0c, true), 0x8);
	assert_int_equal(apic_dest_route(views, 4, false, 2, false), 0);
	/* cluster: vCPUs 2 and 3 in cluster 1, members 1 and 2 */
	xapic_views();
	for (unsigned int i = 0; i < 4; i++) {
		views[i].dfr = 0x0fffffff;
		views[i].ldr = (((i / 2) << 4) | (1u << (i % 2))) << 24;
	}
	assert_int_equal(apic_dest_route(views, 4, true, 0x13, false), 0xc);
	assert_int_equal(apic_dest_route(views, 4, true, 0x01, false), 0x1);
	/* x2APIC-mode targets: physical by ID, logical as cluster 0 */
	for (unsigned int i = 0; i < 4; i++)
		views[i] = (struct apic_dest_view){ .id = i, .x2apic = true,
						    .present = true };
	assert_int_equal(apic_dest_route(views, 4, false, 3, false), 0x8);
	assert_int_equal(apic_dest_route(views, 4, true, 0x05, false), 0x5);
	/* the x2APIC format of an IPI: cluster 0, members 1 and 3 */
	assert_true(apic_dest_match(&views[3], true, true, 0x0000000a));
	assert_false(apic_dest_match(&views[3], true, true, 0x00010008));
	assert_true(apic_dest_match(&views[3], true, false, 0xffffffff));
	assert_false(apic_dest_match(&views[3], true, false, 0xff));
}

/*
 * Random register traffic and line changes: remote IRR only ever on a
 * level entry, an entry never has reserved bits, a pin fires only when
 * it is unmasked (level: with its line high), and reads never fail.
 */
static void test_soak(void **state)
{
	uint64_t seed = 0x10a91c;

	vioapic_regs_reset(&r, 1);
	for (unsigned int i = 0; i < 200000; i++) {
		uint64_t x = test_rand(&seed);
		unsigned int pin = (unsigned int)(x >> 8) % 26;
		uint32_t fired = 0;

		switch (x % 5) {
		case 0:
			r.select = (uint32_t)(x >> 16) & 0xff;
			fired = vioapic_regs_write(&r, (uint32_t)(x >> 24));
			break;
		case 1:
			r.select = (uint32_t)(x >> 16) & 0xff;
			(void)vioapic_regs_read(&r);
			break;
		case 2:
			fired = vioapic_regs_set_line(&r, pin, x & 0x100000);
			break;
		case 3:
			fired = vioapic_regs_eoi(&r, (unsigned int)(x >> 32) & 0xff);
			break;
		default:
			vioapic_regs_undelivered(&r, pin);
			break;
		}
		for (unsigned int p = 0; p < VIOAPIC_PINS; p++) {
			uint64_t e = r.redir[p];

			assert_int_equal(e & ~(VIOAPIC_REDIR_WRITABLE |
					       VIOAPIC_REMOTE_IRR), 0);
			if (e & VIOAPIC_REMOTE_IRR)
				assert_true(e & VIOAPIC_LEVEL);
			if (!(fired & (1u << p)))
				continue;
			assert_false(e & VIOAPIC_MASKED);
			if (e & VIOAPIC_LEVEL) {
				assert_true(r.lines & (1u << p));
				assert_true(e & VIOAPIC_REMOTE_IRR);
			}
		}
		assert_int_equal(fired >> VIOAPIC_PINS, 0);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reset_and_identity),
		cmocka_unit_test(test_entry_bits),
		cmocka_unit_test(test_edge),
		cmocka_unit_test(test_level_remote_irr),
		cmocka_unit_test(test_routing),
		cmocka_unit_test(test_soak),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
