// SPDX-License-Identifier: MIT
/*
 * The host console UART's interrupt route: the MADT's I/O APIC and ISA
 * overrides (drivers/acpi.c) and the redirection entry built from them
 * (include/drivers/host_ioapic.h).
 */
#include <string.h>

#include "test_util.h"

#include <drivers/acpi.h>
#include <drivers/host_ioapic.h>

static uint8_t table[256];
static size_t len;

/* A MADT header (36 + 8 bytes), then entries appended by add(). */
static void madt_start(void)
{
	memset(table, 0, sizeof(table));
	memcpy(table, "APIC", 4);
	len = 44;
	table[36] = 0x00;		/* LAPIC base 0xfee00000 */
	table[39] = 0xfe;
	table[38] = 0xe0;
}

static void add(const uint8_t *e, size_t n)
{
	memcpy(table + len, e, n);
	len += n;
	memcpy(table + 4, &(uint32_t){ (uint32_t)len }, 4);
}

static void test_ioapic_and_override(void **state)
{
	/* I/O APIC id 1 at 0xfec00000, GSI base 0 (ACPI 6.5 5.2.12.3) */
	const uint8_t ioapic[12] = { 1, 12, 1, 0, 0, 0, 0xc0, 0xfe, 0, 0, 0, 0 };
	/* a second one at GSI 24: not the one ISA IRQs go to */
	const uint8_t ioapic2[12] = { 1, 12, 2, 0, 0, 0x10, 0xc0, 0xfe, 24, 0, 0, 0 };
	/* ISA IRQ 0 -> GSI 2; IRQ 4 -> GSI 20, level, active low (5.2.12.5) */
	const uint8_t iso0[10] = { 2, 10, 0, 0, 2, 0, 0, 0, 0, 0 };
	const uint8_t iso4[10] = { 2, 10, 0, 4, 20, 0, 0, 0, 0x0f, 0 };
	/* bus 1 is not ISA: ignored */
	const uint8_t iso_other[10] = { 2, 10, 1, 3, 9, 0, 0, 0, 0, 0 };
	struct madt_info m;

	madt_start();
	add(ioapic, sizeof(ioapic));
	add(ioapic2, sizeof(ioapic2));
	add(iso0, sizeof(iso0));
	add(iso4, sizeof(iso4));
	add(iso_other, sizeof(iso_other));
	assert_int_equal(madt_parse(table, sizeof(table), &m), 0);
	assert_int_equal(m.ioapic_base, 0xfec00000u);
	assert_int_equal(m.isa_gsi[0], 2);
	assert_int_equal(m.isa_gsi[3], 3);
	assert_int_equal(m.isa_gsi[4], 20);
	assert_int_equal(m.isa_flags[4], 0x0f);
	assert_int_equal(m.isa_flags[3], 0);
}

static void test_no_ioapic(void **state)
{
	struct madt_info m;

	madt_start();
	memcpy(table + 4, &(uint32_t){ (uint32_t)len }, 4);
	assert_int_equal(madt_parse(table, sizeof(table), &m), 0);
	assert_int_equal(m.ioapic_base, 0);
	for (unsigned int i = 0; i < ACPI_ISA_IRQS; i++)
		assert_int_equal(m.isa_gsi[i], i);
}

static void test_entry(void **state)
{
	/* ISA default: edge, active high, fixed, physical, unmasked */
	assert_int_equal(ioapic_isa_entry(0x40, 0, 0), 0x40);
	assert_int_equal(ioapic_isa_entry(0x40, 3, 0x5),	/* edge, high */
			 0x40 | (3ull << 56));
	assert_int_equal(ioapic_isa_entry(0x41, 1, 0xf),	/* level, low */
			 0x41 | IOAPIC_RTE_LEVEL | IOAPIC_RTE_ACTIVE_LOW |
			 (1ull << 56));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ioapic_and_override),
		cmocka_unit_test(test_no_ioapic),
		cmocka_unit_test(test_entry),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
