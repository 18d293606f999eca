/* SPDX-License-Identifier: MIT */
/*
 * IA32_APIC_BASE (SDM 10.4.4, 10.12.5): the local APIC's mode and which
 * writes of the MSR a CPU accepts (core/dev/apic_base.c). Pure: the
 * virtual LAPIC (core/dev/vlapic.c) applies what this allows, and host
 * unit tests check it (tests/unit/test_apic_base.c).
 */
#ifndef KEEL_CORE_DEV_APIC_BASE_H
#define KEEL_CORE_DEV_APIC_BASE_H

#include <stdint.h>

#define APIC_BASE_BSP     (1ull << 8)
#define APIC_BASE_EXTD    (1ull << 10)	/* x2APIC mode */
#define APIC_BASE_EN      (1ull << 11)	/* the APIC is enabled */
#define APIC_BASE_DEFAULT 0xfee00000ull	/* the xAPIC page after reset */
#define APIC_BASE_ADDR_MASK (~0xfffull)

/* The modes of SDM figure 10-27; EXTD without EN is no mode (#GP). */
enum apic_mode {
	APIC_MODE_DISABLED,
	APIC_MODE_INVALID,
	APIC_MODE_XAPIC,
	APIC_MODE_X2APIC,
};

enum apic_mode apic_base_mode(uint64_t base);

/*
 * May the guest write value over old? 0, or -1 for #GP: a reserved bit
 * (7:0, 9, and from phys_bits up), EXTD without EN, x2APIC to xAPIC
 * directly, disabled to x2APIC directly (SDM 10.12.5.1), or an address
 * other than APIC_BASE_DEFAULT (Keel does not relocate the xAPIC page;
 * docs/guests.md). The BSP flag is read-only: what is written there is
 * ignored.
 */
int apic_base_check(uint64_t old, uint64_t value, unsigned int phys_bits);

#endif
