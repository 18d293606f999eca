/* SPDX-License-Identifier: MIT */
/* The ACPI tables Keel reads: RSDP -> XSDT/RSDT -> MADT (ACPI 6.5 ch. 5). */
#ifndef KEEL_DRIVERS_ACPI_H
#define KEEL_DRIVERS_ACPI_H

#include <stddef.h>
#include <stdint.h>

#define ACPI_MAX_CPUS 256
#define ACPI_ISA_IRQS 16

struct madt_info {
	uint64_t lapic_base;		/* from the MADT header */
	unsigned int cpu_count;		/* enabled or online-capable CPUs */
	uint32_t apic_ids[ACPI_MAX_CPUS];
	unsigned int cpus_skipped;	/* more than ACPI_MAX_CPUS listed */
	/* the I/O APIC whose inputs start at GSI 0 (0: none listed) */
	uint64_t ioapic_base;
	/* ISA IRQ n arrives at GSI isa_gsi[n] (identity unless overridden) */
	uint32_t isa_gsi[ACPI_ISA_IRQS];
	uint16_t isa_flags[ACPI_ISA_IRQS];	/* MPS INTI flags, 0: bus default */
};

/*
 * Parses a MADT of len bytes (len from the caller's mapping, not trusted
 * from the table itself). Returns 0 or -KEEL_EINVAL for a malformed table.
 */
int madt_parse(const void *table, size_t len, struct madt_info *out);

/*
 * Finds the table with signature sig (4 chars) from the RSDP, checking
 * checksums. Returns its address (identity mapped) or NULL.
 */
const void *acpi_find_table(uint64_t rsdp_pa, const char *sig);

/* The length field of a table acpi_find_table returned. */
uint32_t acpi_table_length(const void *table);

#endif
