// SPDX-License-Identifier: MIT
/*
 * The virtual local APIC's x2APIC form: MSRs 0x800 + register index (SDM
 * 10.12.1.2, table 10-6). Only in x2APIC mode; otherwise every one of
 * them is #GP, as on a CPU (SDM 10.12.1.3). The registers both forms
 * share are core/dev/vlapic.c's.
 */
#include <core/dev/apic_base.h>
#include <core/dev/vlapic.h>
#include <core/vcpu.h>

#define REG_ID       0x02
#define REG_EOI      0x0b
#define REG_LDR      0x0d
#define REG_ESR      0x28
#define REG_ICR      0x30
#define REG_SELF_IPI 0x3f
#define ICR_DEST_SHIFT 32
#define SELF_IPI_VECTOR 0xffu

static bool x2apic_mode(const struct vcpu *v)
{
	return apic_base_mode(v->lapic.apic_base) == APIC_MODE_X2APIC;
}

/* SDM 10.12.10.2: cluster (ID 19:4) in 31:16, one bit of ID 3:0 */
static uint32_t x2apic_ldr(const struct vcpu *v)
{
	return ((v->id >> 4) << 16) | (1u << (v->id & 0xf));
}

int vlapic_read(struct vcpu *v, uint32_t msr, uint64_t *value)
{
	unsigned int reg = msr - VLAPIC_MSR_FIRST;
	uint32_t v32;

	if (!x2apic_mode(v))
		return -1;
	switch (reg) {
	case REG_ID:
		*value = v->id;
		return 0;
	case REG_LDR:
		*value = x2apic_ldr(v);
		return 0;
	case REG_ICR:
		*value = v->lapic.icr;
		return 0;
	default:
		break;
	}
	if (vlapic_reg_read(v, reg, &v32))
		return -1;	/* write-only (EOI, SELF IPI) or no register */
	*value = v32;
	return 0;
}

int vlapic_write(struct vcpu *v, uint32_t msr, uint64_t value)
{
	unsigned int reg = msr - VLAPIC_MSR_FIRST;

	if (!x2apic_mode(v))
		return -1;
	if (reg == REG_ICR) {
		v->lapic.icr = value;
		return vlapic_send_ipi(v, (uint32_t)value,
				       (uint32_t)(value >> ICR_DEST_SHIFT));
	}
	if (value >> 32)
		return -1;	/* reserved bits (SDM 10.12.1.2) */
	switch (reg) {
	case REG_EOI:
		if (value)
			return -1;	/* SDM 10.12.1.2: only 0 may be written */
		vlapic_eoi(v);
		return 0;
	case REG_SELF_IPI:
		vlapic_self_ipi(v, value & SELF_IPI_VECTOR);
		return 0;
	case REG_ESR:
		if (value)
			return -1;	/* SDM 10.12.1.2: only 0 may be written */
		break;
	default:
		break;
	}
	return vlapic_reg_write(v, reg, (uint32_t)value);
}
