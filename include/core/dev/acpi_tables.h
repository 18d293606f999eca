/* SPDX-License-Identifier: MIT */
/*
 * The ACPI tables every Multiboot (and Linux) VM finds in its memory
 * (docs/guests.md, "The PC platform"; ACPI 6.5 chapter 5): RSDP at
 * ACPI_TABLES_GPA, then FACS, RSDT, XSDT, FADT, DSDT and MADT in the
 * 64 KiB after it, which every memory map Keel gives reserves.
 *
 * Pure C: acpi_tables_build writes them into a buffer that the guest
 * will see at base, so the host unit test builds and parses them as the
 * hypervisor does (core/load/ writes the buffer into the VM).
 */
#ifndef KEEL_CORE_DEV_ACPI_TABLES_H
#define KEEL_CORE_DEV_ACPI_TABLES_H

#include <stddef.h>
#include <stdint.h>

#define ACPI_TABLES_GPA     0xe0000ull	/* RSDP: 16-aligned, BIOS area */
#define ACPI_TABLES_END     0xf0000ull
#define ACPI_TABLES_MAX     1024u	/* what 8 vCPUs need, and more */

/* The fixed hardware the FADT describes (core/dev/acpi_pm.c) */
#define ACPI_PM1A_EVT_PORT  0x600	/* PM1 status (2 bytes), enable (2) */
#define ACPI_PM1_EVT_LEN    4
#define ACPI_PM1A_CNT_PORT  0x604
#define ACPI_PM1_CNT_LEN    2
#define ACPI_PM_TMR_PORT    0x608	/* the 32-bit PM timer (read-only) */
#define ACPI_PM_TMR_LEN     4
#define ACPI_SCI_IRQ        9
#define ACPI_RESET_PORT     0xcf9	/* the PCI reset control register */
#define ACPI_RESET_VALUE    0x06	/* SYS_RST | RST_CPU: a hard reset */
#define ACPI_SLP_TYP_S5     5		/* \_S5's value, PM1_CNT.SLP_TYP */

/* The interrupt controllers the MADT lists */
#define ACPI_LAPIC_ADDR     0xfee00000u
#define ACPI_IOAPIC_ADDR    0xfec00000u
#define ACPI_IRQ0_GSI       2		/* the PIT's override */

_Static_assert(ACPI_TABLES_GPA + ACPI_TABLES_MAX <= ACPI_TABLES_END,
	       "the tables stay in their reserved 64 KiB");

/*
 * Writes the tables for a VM with vcpus vCPUs (1 to 255) into buf, which
 * the guest sees at guest-physical base (64-byte aligned, below 4 GiB):
 * the RSDP first, at base. Returns the bytes used, or 0 when vcpus is
 * out of range or they do not fit size.
 */
size_t acpi_tables_build(uint8_t *buf, size_t size, uint64_t base,
			 unsigned int vcpus);

#endif
