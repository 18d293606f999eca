/* SPDX-License-Identifier: MIT */
/*
 * The layouts of the ACPI structures Keel both reads (the host's tables,
 * drivers/acpi.c) and writes (a VM's tables, core/dev/acpi_tables.c):
 * ACPI 6.5 sections 5.2.5.3 (RSDP), 5.2.6 (table header), 5.2.12 (MADT).
 * Layout only: shared with the UEFI loader.
 */
#ifndef KEEL_DRIVERS_ACPI_LAYOUT_H
#define KEEL_DRIVERS_ACPI_LAYOUT_H

#include <stdint.h>

struct __attribute__((packed)) acpi_rsdp {
	char signature[8];
	uint8_t checksum;
	char oem_id[6];
	uint8_t revision;
	uint32_t rsdt;
	uint32_t length;	/* revision >= 2 from here on */
	uint64_t xsdt;
	uint8_t ext_checksum;
	uint8_t reserved[3];
};
_Static_assert(sizeof(struct acpi_rsdp) == 36, "ACPI 5.2.5.3");

struct __attribute__((packed)) acpi_header {
	char signature[4];
	uint32_t length;
	uint8_t revision;
	uint8_t checksum;
	char oem_id[6];
	char oem_table_id[8];
	uint32_t oem_revision;
	char creator_id[4];
	uint32_t creator_revision;
};
_Static_assert(sizeof(struct acpi_header) == 36, "ACPI 5.2.6");

/* The MADT's fixed part; its interrupt controller structures follow. */
struct __attribute__((packed)) acpi_madt {
	struct acpi_header h;
	uint32_t lapic_addr;
	uint32_t flags;
};
_Static_assert(sizeof(struct acpi_madt) == 44, "ACPI 5.2.12");

#endif
