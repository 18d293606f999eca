/* SPDX-License-Identifier: MIT */
/*
 * The host's I/O APIC (82093AA data sheet; ACPI 6.5 5.2.12.3): Keel routes
 * one host interrupt through it, the console UART's receive interrupt, to
 * the boot CPU. Every other input stays as the firmware left it (masked).
 */
#ifndef KEEL_DRIVERS_HOST_IOAPIC_H
#define KEEL_DRIVERS_HOST_IOAPIC_H

#include <stdbool.h>
#include <stdint.h>

/* Where the I/O APIC is when no ACPI MADT says (MPS 1.4 default). */
#define HOST_IOAPIC_DEFAULT_BASE 0xfec00000ull

/* Redirection entry bits (82093AA 3.2.4) */
#define IOAPIC_RTE_LEVEL      (1ull << 15)
#define IOAPIC_RTE_ACTIVE_LOW (1ull << 13)
#define IOAPIC_RTE_MASKED     (1ull << 16)
#define IOAPIC_RTE_DEST_SHIFT 56

/* MPS INTI flags of an ACPI interrupt source override (ACPI 6.5 5.2.12.5) */
#define MPS_POLARITY_MASK 0x3
#define MPS_POLARITY_LOW  0x3
#define MPS_TRIGGER_MASK  0xc
#define MPS_TRIGGER_LEVEL 0xc

/*
 * The redirection entry that delivers an ISA interrupt with MPS flags
 * inti (0: the ISA default, edge and active high) as vector, fixed, in
 * physical destination mode to the CPU with APIC ID dest.
 */
static inline uint64_t ioapic_isa_entry(uint8_t vector, uint8_t dest,
					uint16_t inti)
{
	uint64_t e = vector | (uint64_t)dest << IOAPIC_RTE_DEST_SHIFT;

	if ((inti & MPS_POLARITY_MASK) == MPS_POLARITY_LOW)
		e |= IOAPIC_RTE_ACTIVE_LOW;
	if ((inti & MPS_TRIGGER_MASK) == MPS_TRIGGER_LEVEL)
		e |= IOAPIC_RTE_LEVEL;
	return e;
}

/*
 * Maps the I/O APIC at base and checks that it answers; false if not
 * (then nothing is routed and the console is polled).
 */
bool host_ioapic_init(uint64_t base);

/* Programs the entry of gsi; false if the I/O APIC has no such input. */
bool host_ioapic_route(uint32_t gsi, uint64_t entry);

#endif
