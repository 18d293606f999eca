// SPDX-License-Identifier: MIT
/*
 * The virtual local APIC's register file through its two forms
 * (core/dev/vlapic.c, vlapic_x2apic.c, vlapic_xapic.c): what a guest
 * reads back after writing through the MSRs or the xAPIC page, which
 * form answers in which IA32_APIC_BASE mode, and the xAPIC page's window
 * rules (narrow and wide accesses, the slot's reserved bytes). The
 * hypervisor around it is stubbed: a clock that stands still, a wake-up
 * that only counts, no vendor back-end (delivery is not tested here).
 */
#include <stdbool.h>
#include <string.h>

#include "test_util.h"

#include <arch/tsc.h>
#include <arch/vendor.h>
#include <core/dev/apic_base.h>
#include <core/dev/vlapic.h>
#include <core/vcpu_init.h>
#include <core/vm.h>
#include <keel/abi.h>
#include <sched/sched.h>

/* ------------------------------------------------------------ stubs */

uint64_t tsc_hz = 1000000000ull;
const struct vendor_ops *vendor;
static unsigned int wakes;

uint64_t clock_ns(void)
{
	return 1000000;
}

void sched_vcpu_notify(struct vcpu *v)
{
	wakes++;
}

/* EOIs of level-triggered vectors broadcast to the I/O APIC */
static unsigned int eoi_broadcasts, eoi_vector;

void vioapic_eoi(struct vm *vm, unsigned int vector)
{
	eoi_broadcasts++;
	eoi_vector = vector;
}

/* INIT and STARTUP, by target: bit 0 INIT, bit 1 STARTUP; the vector */
static unsigned int init_sent[4], sipi_vector[4];

void vcpu_init_send(struct vcpu *from, struct vcpu *target, bool startup,
		    uint8_t vector)
{
	init_sent[target->id] |= startup ? 2 : 1;
	if (startup)
		sipi_vector[target->id] = vector;
}

/* The 8259 pair's INTA: the vector it gives, -1 for INTR low */
static int intack_vector = -1;

int vpic_intack(struct vpic *pic)
{
	return intack_vector;
}

/* ------------------------------------------------------------ helpers */

#define PHYS 39
#define XAPIC_BASE (APIC_BASE_DEFAULT | APIC_BASE_EN)
#define OFF_BASE   (APIC_BASE_DEFAULT)

static struct vm vm;

static struct vcpu *setup(unsigned int count)
{
	memset(&vm, 0, sizeof(vm));
	vm.vcpu_count = count;
	for (unsigned int i = 0; i < count; i++) {
		vm.vcpus[i].vm = &vm;
		vm.vcpus[i].id = i;
		vm.vcpus[i].state = VCPU_RUNNABLE;
		vlapic_init(&vm.vcpus[i]);
	}
	wakes = 0;
	memset(init_sent, 0, sizeof(init_sent));
	memset(sipi_vector, 0, sizeof(sipi_vector));
	return &vm.vcpus[0];
}

/* x2APIC -> disabled -> xAPIC, as a guest must go */
static void to_xapic(struct vcpu *v)
{
	assert_int_equal(vlapic_set_apic_base(v, OFF_BASE, PHYS), 0);
	assert_int_equal(vlapic_set_apic_base(v, XAPIC_BASE, PHYS), 0);
}

static uint64_t mmio_read(struct vcpu *v, uint64_t off, size_t size)
{
	uint64_t value = 0xdead;

	assert_int_equal(vlapic_mmio_read(&vm, v, off, size, &value), 0);
	return value;
}

static void mmio_write(struct vcpu *v, uint64_t off, size_t size, uint64_t value)
{
	assert_int_equal(vlapic_mmio_write(&vm, v, off, size, value), 0);
}

/* ------------------------------------------------------------ tests */

static void test_reset_is_x2apic(void **state)
{
	struct vcpu *v = setup(2);
	uint64_t value;

	assert_int_equal(vlapic_apic_base(v), 0xfee00d00ull);
	assert_int_equal(vlapic_apic_base(&vm.vcpus[1]), 0xfee00c00ull);
	assert_int_equal(vlapic_read(v, 0x803, &value), 0);
	assert_int_equal(value, 0x00050014);
	/* the xAPIC page does not answer in x2APIC mode */
	assert_int_equal(vlapic_mmio_read(&vm, v, 0x30, 4, &value), -KEEL_ENOENT);
	assert_int_equal(vlapic_mmio_write(&vm, v, 0x80, 4, 0), -KEEL_ENOENT);
}

static void test_forms_follow_the_mode(void **state)
{
	struct vcpu *v = setup(1);
	uint64_t value;

	assert_int_equal(vlapic_set_apic_base(v, XAPIC_BASE, PHYS), -1);
	assert_int_equal(vlapic_set_apic_base(v, OFF_BASE, PHYS), 0);
	/* the BSP flag stays whatever is written */
	assert_int_equal(vlapic_apic_base(v), OFF_BASE | APIC_BASE_BSP);
	assert_int_equal(vlapic_read(v, 0x803, &value), -1);
	assert_int_equal(vlapic_mmio_read(&vm, v, 0x30, 4, &value), -KEEL_ENOENT);
	assert_int_equal(vlapic_set_apic_base(v, XAPIC_BASE, PHYS), 0);
	assert_int_equal(vlapic_read(v, 0x803, &value), -1);
	assert_int_equal(vlapic_write(v, 0x808, 0x20), -1);
	assert_int_equal(mmio_read(v, 0x30, 4), 0x00050014);
	assert_int_equal(vlapic_set_apic_base(v, XAPIC_BASE | APIC_BASE_EXTD,
					      PHYS), 0);
	assert_int_equal(vlapic_read(v, 0x803, &value), 0);
}

static void test_one_register_file(void **state)
{
	struct vcpu *v = setup(1);
	uint64_t value;

	assert_int_equal(vlapic_write(v, 0x808, 0x30), 0);	/* TPR */
	assert_int_equal(vlapic_write(v, 0x83e, 0xb), 0);	/* divide */
	assert_int_equal(vlapic_set_apic_base(v, OFF_BASE, PHYS), 0);
	/* disabling reset it */
	assert_int_equal(vlapic_set_apic_base(v, XAPIC_BASE, PHYS), 0);
	assert_int_equal(mmio_read(v, 0x80, 4), 0);
	assert_int_equal(mmio_read(v, 0x3e0, 4), 0);
	assert_int_equal(mmio_read(v, 0xe0, 4), 0xffffffff);	/* DFR */
	mmio_write(v, 0x80, 4, 0x40);
	mmio_write(v, 0x3e0, 4, 0x3);
	mmio_write(v, 0xd0, 4, 0x12345678);	/* LDR: bits 31:24 */
	assert_int_equal(mmio_read(v, 0xd0, 4), 0x12000000);
	mmio_write(v, 0xe0, 4, 0x0);		/* DFR: cluster model */
	assert_int_equal(mmio_read(v, 0xe0, 4), 0x0fffffff);
	/* xAPIC -> x2APIC keeps the registers */
	assert_int_equal(vlapic_set_apic_base(v, XAPIC_BASE | APIC_BASE_EXTD,
					      PHYS), 0);
	assert_int_equal(vlapic_read(v, 0x808, &value), 0);
	assert_int_equal(value, 0x40);
	assert_int_equal(vlapic_read(v, 0x83e, &value), 0);
	assert_int_equal(value, 0x3);
	assert_int_equal(vlapic_read(v, 0x80d, &value), 0);	/* derived LDR */
	assert_int_equal(value, 1);
	assert_int_equal(vlapic_read(v, 0x80e, &value), -1);	/* no DFR */
}

static void test_xapic_window(void **state)
{
	struct vcpu *v = setup(2);

	to_xapic(&vm.vcpus[1]);
	assert_int_equal(mmio_read(&vm.vcpus[1], 0x20, 4), 1u << 24);	/* ID */
	v = &vm.vcpus[1];
	assert_int_equal(mmio_read(v, 0x30, 1), 0x14);
	assert_int_equal(mmio_read(v, 0x32, 1), 0x05);
	assert_int_equal(mmio_read(v, 0x30, 2), 0x0014);
	assert_int_equal(mmio_read(v, 0x31, 2), 0x0500);
	assert_int_equal(mmio_read(v, 0x30, 8), 0x00050014);	/* upper half 0 */
	assert_int_equal(mmio_read(v, 0x34, 4), 0);		/* reserved bytes */
	mmio_write(v, 0x80, 4, 0xff);
	mmio_write(v, 0x80, 1, 0x20);		/* a byte write merges */
	assert_int_equal(mmio_read(v, 0x80, 4), 0x20);
	mmio_write(v, 0x81, 1, 0xff);		/* TPR bits 31:8 stay 0 */
	assert_int_equal(mmio_read(v, 0x80, 4), 0x20);
	mmio_write(v, 0x84, 4, 0xff);		/* ignored */
	assert_int_equal(mmio_read(v, 0x80, 4), 0x20);
	mmio_write(v, 0x80, 2, 0x40);
	assert_int_equal(mmio_read(v, 0x80, 2), 0x40);
	/* vCPU 0 still in x2APIC mode: its page is not there */
	assert_int_equal(vlapic_mmio_write(&vm, &vm.vcpus[0], 0x80, 4, 0),
			 -KEEL_ENOENT);
}

static void test_xapic_icr_and_eoi(void **state)
{
	struct vcpu *v = setup(2);

	to_xapic(v);
	vm.vcpus[1].state = VCPU_RUNNABLE;
	mmio_write(v, 0x310, 4, 1u << 24);	/* destination vCPU 1 */
	mmio_write(v, 0x300, 4, 0x41);		/* fixed, vector 0x41 */
	assert_int_equal(mmio_read(v, 0x310, 4), 1u << 24);
	assert_int_equal(mmio_read(v, 0x300, 4), 0x41);
	assert_true(vm.vcpus[1].lapic.irr[1] & (1ull << 1));
	assert_int_equal(wakes, 1);
	mmio_write(v, 0x300, 4, 0x42 | (1u << 18));	/* self */
	assert_true(v->lapic.irr[1] & (1ull << 2));
	assert_int_equal(mmio_read(v, 0x220, 4), 1u << 2);	/* IRR bits 95:64 */
	/* EOI ends the highest in-service vector, whatever is written */
	v->lapic.isr[1] = (1ull << 2) | (1ull << 1);
	mmio_write(v, 0xb0, 4, 0x1234);
	assert_int_equal(v->lapic.isr[1], 1ull << 1);
	assert_int_equal(mmio_read(v, 0x120, 4), 1u << 1);	/* ISR bits 95:64 */
}

static void test_x2apic_unchanged(void **state)
{
	struct vcpu *v = setup(2);
	uint64_t value;

	assert_int_equal(vlapic_read(v, 0x802, &value), 0);
	assert_int_equal(value, 0);
	assert_int_equal(vlapic_write(v, 0x802, 5), -1);	/* ID read-only */
	assert_int_equal(vlapic_write(v, 0x80b, 1), -1);	/* EOI only 0 */
	assert_int_equal(vlapic_read(v, 0x80b, &value), -1);	/* write-only */
	assert_int_equal(vlapic_write(v, 0x808, 1ull << 32), -1);
	assert_int_equal(vlapic_write(v, 0x830, (1ull << 32) | 0x50), 0);
	assert_true(vm.vcpus[1].lapic.irr[1] & (1ull << 16));
	assert_int_equal(vlapic_read(v, 0x830, &value), 0);
	assert_int_equal(value, (1ull << 32) | 0x50);
	/* NMI: the vector is ignored; one waits at the target, not in IRR */
	assert_int_equal(vlapic_write(v, 0x830, (1ull << 32) | (4ull << 8) | 0x30), 0);
	assert_true(vm.vcpus[1].lapic.pins & VLAPIC_PIN_NMI);
	assert_false(v->lapic.pins & VLAPIC_PIN_NMI);
	assert_false(vm.vcpus[1].lapic.irr[0] & (1ull << 0x30));
	assert_true(vlapic_pending(&vm.vcpus[1]));
	assert_int_equal(vlapic_write(v, 0x830, (1ull << 18) | (4ull << 8)), 0);
	assert_true(v->lapic.pins & VLAPIC_PIN_NMI);
	/* SMI and lowest priority: not sent */
	assert_int_equal(vlapic_write(v, 0x830, (2ull << 8) | 0x30), -1);
	assert_int_equal(vlapic_write(v, 0x830, (1ull << 8) | 0x30), -1);
	assert_int_equal(vlapic_write(v, 0x83f, 0x60), 0);	/* self IPI */
	assert_true(v->lapic.irr[1] & (1ull << 32));
	assert_int_equal(vlapic_read(v, 0x831, &value), -1);	/* no ICR high */
}

/* which of four vCPUs a fixed IPI reached, as a bit mask; IRR cleared */
static unsigned int reached(unsigned int vector)
{
	unsigned int mask = 0;

	for (unsigned int i = 0; i < 4; i++) {
		if (vm.vcpus[i].lapic.irr[vector / 64] & (1ull << (vector % 64)))
			mask |= 1u << i;
		memset(vm.vcpus[i].lapic.irr, 0, sizeof(vm.vcpus[i].lapic.irr));
	}
	return mask;
}

static void xapic_ipi(struct vcpu *v, uint32_t low, uint8_t dest)
{
	mmio_write(v, 0x310, 4, (uint32_t)dest << 24);
	mmio_write(v, 0x300, 4, low);
}

static void test_xapic_destinations(void **state)
{
	struct vcpu *v = setup(4);

	for (unsigned int i = 0; i < 4; i++)
		to_xapic(&vm.vcpus[i]);
	xapic_ipi(v, 0x40, 2);				/* physical */
	assert_int_equal(reached(0x40), 1u << 2);
	xapic_ipi(v, 0x40, 0xff);			/* broadcast */
	assert_int_equal(reached(0x40), 0xf);
	/* flat: LDR bit per vCPU, logical destination 0x06 */
	for (unsigned int i = 0; i < 4; i++)
		mmio_write(&vm.vcpus[i], 0xd0, 4, (1u << i) << 24);
	xapic_ipi(v, 0x40 | 0x800, 0x06);
	assert_int_equal(reached(0x40), 0x6);
	/* cluster: vCPUs 2 and 3 in cluster 1, members 1 and 2 */
	for (unsigned int i = 0; i < 4; i++) {
		mmio_write(&vm.vcpus[i], 0xe0, 4, 0x0fffffff);
		mmio_write(&vm.vcpus[i], 0xd0, 4,
			   (((i / 2) << 4) | (1u << (i % 2))) << 24);
	}
	xapic_ipi(v, 0x40 | 0x800, 0x12);
	assert_int_equal(reached(0x40), 1u << 3);
	/* shorthands: self, all including self, all excluding self */
	xapic_ipi(v, 0x40 | (1u << 18), 3);
	assert_int_equal(reached(0x40), 0x1);
	xapic_ipi(v, 0x40 | (2u << 18), 3);
	assert_int_equal(reached(0x40), 0xf);
	xapic_ipi(v, 0x40 | (3u << 18), 3);
	assert_int_equal(reached(0x40), 0xe);
}

/*
 * A level interrupt sets its TMR bit (read back through both forms);
 * its EOI goes to the I/O APIC; an edge one's EOI does not, and an edge
 * acceptance of the vector clears TMR again.
 */
static void test_tmr_and_eoi_broadcast(void **state)
{
	struct vcpu *v = setup(2);
	uint64_t value;

	eoi_broadcasts = 0;
	vlapic_accept(v, 0x61, true);
	assert_int_equal(wakes, 1);
	assert_int_equal(vlapic_read(v, 0x81b, &value), 0);	/* TMR 127:96 */
	assert_int_equal(value, 1u << 1);
	assert_int_equal(vlapic_read(v, 0x823, &value), 0);	/* IRR 127:96 */
	assert_int_equal(value, 1u << 1);
	/* as if injected: in service; its EOI is broadcast */
	v->lapic.irr[1] = 0;
	v->lapic.isr[1] = 1ull << 33;
	assert_int_equal(vlapic_write(v, 0x80b, 0), 0);
	assert_int_equal(eoi_broadcasts, 1);
	assert_int_equal(eoi_vector, 0x61);
	assert_int_equal(v->lapic.isr[1], 0);
	/* an edge one: no broadcast, TMR cleared */
	vlapic_accept(v, 0x61, false);
	assert_int_equal(vlapic_read(v, 0x81b, &value), 0);
	assert_int_equal(value, 0);
	v->lapic.isr[1] = 1ull << 33;
	assert_int_equal(vlapic_write(v, 0x80b, 0), 0);
	assert_int_equal(eoi_broadcasts, 1);
	/* xAPIC form: TMR at 0x180 + 16n, EOI at 0xb0 */
	to_xapic(v);
	vlapic_accept(v, 0x22, true);
	assert_int_equal(mmio_read(v, 0x190, 4), 1u << 2);
	v->lapic.isr[0] = 1ull << 0x22;
	mmio_write(v, 0xb0, 4, 0);
	assert_int_equal(eoi_broadcasts, 2);
	assert_int_equal(eoi_vector, 0x22);
}

static void test_init_and_startup(void **state)
{
	struct vcpu *v = setup(4);

	to_xapic(v);
	xapic_ipi(v, 0x4500, 1);			/* INIT, assert */
	xapic_ipi(v, 0x0600 | 0x08, 1);			/* STARTUP 0x08 */
	assert_int_equal(init_sent[1], 3);
	assert_int_equal(sipi_vector[1], 0x08);
	xapic_ipi(v, 0x8500, 2);			/* INIT de-assert */
	assert_int_equal(init_sent[2], 0);
	xapic_ipi(v, 0x4500 | (1u << 18), 0);		/* INIT to self */
	assert_int_equal(init_sent[0], 0);
	/* x2APIC: all excluding self, and a logical cluster destination */
	v = setup(4);
	assert_int_equal(vlapic_write(v, 0x830, 0x4500 | (3u << 18)), 0);
	assert_int_equal(init_sent[0], 0);
	for (unsigned int i = 1; i < 4; i++)
		assert_int_equal(init_sent[i], 1);
	assert_int_equal(vlapic_write(v, 0x830, (0x000cull << 32) | 0x0800 |
				      0x0600 | 0x09), 0);
	assert_int_equal(init_sent[2], 3);
	assert_int_equal(init_sent[3], 3);
	assert_int_equal(sipi_vector[3], 0x09);
	assert_int_equal(init_sent[1], 1);
	/* broadcast 0xffffffff reaches every vCPU */
	assert_int_equal(vlapic_write(v, 0x830, (0xffffffffull << 32) | 0x41), 0);
	assert_int_equal(reached(0x41), 0xf);
	/* NMI, SMI, lowest priority: still #GP */
	assert_int_equal(vlapic_write(v, 0x830, (1ull << 32) | 0x0100 | 0x30), -1);
}

static void test_reset_for_unmodified_guests(void **state)
{
	struct vcpu *v = setup(2);
	uint64_t value;

	/* a PC's reset state (SDM 10.4.4, 10.4.7.1): xAPIC, BSP on vCPU 0 */
	vlapic_init_xapic(v);
	vlapic_init_xapic(&vm.vcpus[1]);
	assert_int_equal(vlapic_apic_base(v), 0xfee00900ull);
	assert_int_equal(vlapic_apic_base(&vm.vcpus[1]), 0xfee00800ull);
	assert_int_equal(vlapic_read(v, 0x80f, &value), -1);	/* no MSRs */
	assert_int_equal(mmio_read(v, 0xf0, 4), 0xff);		/* SVR */
	assert_int_equal(mmio_read(v, 0x320, 4), 1u << 16);	/* masked */
	assert_int_equal(mmio_read(v, 0xe0, 4), 0xffffffff);	/* DFR */
	assert_int_equal(mmio_read(v, 0xd0, 4), 0);		/* LDR */
	assert_int_equal(mmio_read(v, 0x280, 4), 0);		/* ESR */
	assert_int_equal(mmio_read(&vm.vcpus[1], 0x20, 4), 1u << 24);
	/* the virtual wire a firmware leaves: LINT0 ExtINT on the BSP only */
	assert_int_equal(mmio_read(v, 0x350, 4), 0x700);
	assert_int_equal(mmio_read(v, 0x360, 4), 1u << 16);
	assert_int_equal(mmio_read(&vm.vcpus[1], 0x350, 4), 1u << 16);
	/* the 8259's INTR is pending there, not on vCPU 1 (LINT0 masked) */
	assert_false(vlapic_pending(v));
	vlapic_set_extint(&v->lapic, true);
	vlapic_set_extint(&vm.vcpus[1].lapic, true);
	assert_true(vlapic_requested(&v->lapic));
	assert_true(vlapic_pending(v));
	assert_false(vlapic_pending(&vm.vcpus[1]));
	/* software-enabled: LVT writes take; a masked LINT0 holds it back,
	 * LINT1 and a fixed-mode LINT0 do not take it */
	mmio_write(v, 0xf0, 4, 0x1ff);
	mmio_write(v, 0x350, 4, 0x10700);
	assert_false(vlapic_pending(v));
	mmio_write(v, 0x350, 4, 0x30);
	assert_int_equal(mmio_read(v, 0x350, 4), 0x30);
	assert_false(vlapic_pending(v));
	mmio_write(v, 0x360, 4, 0x700);
	assert_false(vlapic_pending(v));
	/* reserved bits are not kept */
	mmio_write(v, 0x350, 4, 0xfffff7ff);
	assert_int_equal(mmio_read(v, 0x350, 4), 0x1a7ff);
	mmio_write(v, 0x350, 4, 0x700);
	assert_true(vlapic_pending(v));
	/* software-disabled (SVR bit 8 written clear): LVTs stay masked */
	mmio_write(v, 0xf0, 4, 0xff);
	assert_int_equal(mmio_read(v, 0x350, 4), 0x10700);
	mmio_write(v, 0x350, 4, 0x700);
	assert_int_equal(mmio_read(v, 0x350, 4), 0x10700);
	assert_false(vlapic_pending(v));
	/* disabled in IA32_APIC_BASE: the pin reaches the core directly */
	assert_int_equal(vlapic_set_apic_base(v, OFF_BASE | APIC_BASE_BSP,
					      PHYS), 0);
	assert_true(vlapic_pending(v));
	vlapic_set_extint(&v->lapic, false);
	assert_false(vlapic_pending(v));
	/* and in x2APIC mode, as Keel's own guests start: SVR 0xff too */
	v = setup(1);
	assert_int_equal(vlapic_read(v, 0x80f, &value), 0);
	assert_int_equal(value, 0xff);
}

static void test_esr(void **state)
{
	struct vcpu *v = setup(2);
	uint64_t value;

	vlapic_init_xapic(v);
	/* a fixed IPI with a vector 0-15 is not sent; ESR shows it once written */
	xapic_ipi(v, 0x05, 1);
	assert_int_equal(reached(0x05), 0);
	assert_int_equal(mmio_read(v, 0x280, 4), 0);
	mmio_write(v, 0x280, 4, 0x1234);	/* any value latches */
	assert_int_equal(mmio_read(v, 0x280, 4), VLAPIC_ESR_SEND_ILLEGAL_VECTOR);
	mmio_write(v, 0x280, 4, 0);
	assert_int_equal(mmio_read(v, 0x280, 4), 0);
	/* x2APIC: only 0 may be written; SELF IPI vector 3 is an error too */
	v = setup(1);
	assert_int_equal(vlapic_write(v, 0x828, 1), -1);
	assert_int_equal(vlapic_write(v, 0x83f, 0x03), 0);
	assert_int_equal(vlapic_write(v, 0x830, 0x0f | (1u << 18)), 0);
	assert_int_equal(v->lapic.irr[0], 0);
	assert_int_equal(vlapic_write(v, 0x828, 0), 0);
	assert_int_equal(vlapic_read(v, 0x828, &value), 0);
	assert_int_equal(value, VLAPIC_ESR_SEND_ILLEGAL_VECTOR);
	/* disabling the APIC clears it */
	assert_int_equal(vlapic_set_apic_base(v, OFF_BASE, PHYS), 0);
	assert_int_equal(v->lapic.esr, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reset_is_x2apic),
		cmocka_unit_test(test_forms_follow_the_mode),
		cmocka_unit_test(test_one_register_file),
		cmocka_unit_test(test_xapic_window),
		cmocka_unit_test(test_xapic_icr_and_eoi),
		cmocka_unit_test(test_x2apic_unchanged),
		cmocka_unit_test(test_xapic_destinations),
		cmocka_unit_test(test_tmr_and_eoi_broadcast),
		cmocka_unit_test(test_init_and_startup),
		cmocka_unit_test(test_reset_for_unmodified_guests),
		cmocka_unit_test(test_esr),
	};

	return cmocka_run_group_tests_name("vlapic_regs", tests, NULL, NULL);
}
