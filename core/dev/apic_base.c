// SPDX-License-Identifier: MIT
/* IA32_APIC_BASE modes and transitions; see core/dev/apic_base.h. */
#include <stdbool.h>

#include <core/dev/apic_base.h>

/* bits 7:0 and 9 are reserved (SDM figure 10-5) */
#define APIC_BASE_RESERVED_LOW 0x2ffull

enum apic_mode apic_base_mode(uint64_t base)
{
	bool en = base & APIC_BASE_EN, extd = base & APIC_BASE_EXTD;

	if (!en)
		return extd ? APIC_MODE_INVALID : APIC_MODE_DISABLED;
	return extd ? APIC_MODE_X2APIC : APIC_MODE_XAPIC;
}

int apic_base_check(uint64_t old, uint64_t value, unsigned int phys_bits)
{
	uint64_t reserved = APIC_BASE_RESERVED_LOW;
	enum apic_mode from = apic_base_mode(old), to = apic_base_mode(value);

	if (phys_bits < 64)
		reserved |= ~0ull << phys_bits;
	if (value & reserved)
		return -1;
	if ((value & APIC_BASE_ADDR_MASK) != APIC_BASE_DEFAULT)
		return -1;
	if (to == APIC_MODE_INVALID)
		return -1;
	/* SDM 10.12.5.1: x2APIC is left only through disabled, entered only from xAPIC */
	if (from == APIC_MODE_X2APIC && to == APIC_MODE_XAPIC)
		return -1;
	if (from == APIC_MODE_DISABLED && to == APIC_MODE_X2APIC)
		return -1;
	return 0;
}
