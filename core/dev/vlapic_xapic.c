// SPDX-License-Identifier: MIT
/*
 * The virtual local APIC's xAPIC form: the 4 KiB page at APIC_BASE (SDM
 * 10.4.1, table 10-1), reached through the VM's MMIO bus when a guest
 * access faults in stage 2 and core/emulate.c emulates it. Each register
 * is the first 4 bytes of a 16-byte slot; the SDM asks for aligned 32-bit
 * accesses, and Keel also takes narrower or wider ones as a window on the
 * slot (bytes 4-15 read 0, writes there are ignored; a narrow write
 * changes only its bytes of the register).
 */
#include <core/dev/apic_base.h>
#include <core/dev/vlapic.h>
#include <core/vcpu.h>
#include <keel/abi.h>

#define REG_ID       0x02
#define REG_EOI      0x0b
#define REG_LDR      0x0d
#define REG_DFR      0x0e
#define REG_ICR_LOW  0x30
#define REG_ICR_HIGH 0x31
#define SLOT_BYTES   16
#define REG_BYTES    4
#define XAPIC_ID_SHIFT   24	/* SDM figure 10-6 */
#define LDR_WRITABLE     0xff000000u
#define DFR_WRITABLE     0xf0000000u
#define ICR_LOW_WRITABLE 0x000cdfffu	/* vector, mode, level, trigger, shorthand */
#define ICR_DEST_SHIFT   24		/* in ICR high: bits 63:56 of the ICR */

static bool xapic_mode(const struct vcpu *v)
{
	return apic_base_mode(v->lapic.apic_base) == APIC_MODE_XAPIC;
}

/* A register's 32 bits as the page shows them; unknown ones read 0. */
static uint32_t xapic_reg(struct vcpu *v, unsigned int reg)
{
	uint32_t value;

	switch (reg) {
	case REG_ID:
		return v->id << XAPIC_ID_SHIFT;
	case REG_LDR:
		return v->lapic.ldr;
	case REG_DFR:
		return v->lapic.dfr;
	case REG_ICR_LOW:
		return (uint32_t)v->lapic.icr;	/* delivery status: idle */
	case REG_ICR_HIGH:
		return (uint32_t)(v->lapic.icr >> 32);
	default:
		break;
	}
	return vlapic_reg_read(v, reg, &value) ? 0 : value;
}

/* A whole register written; read-only and unknown ones ignore it. */
static void xapic_set_reg(struct vcpu *v, unsigned int reg, uint32_t value)
{
	struct vlapic *l = &v->lapic;

	switch (reg) {
	case REG_EOI:
		vlapic_eoi(v);		/* any value (SDM 10.8.5) */
		return;
	case REG_LDR:
		l->ldr = value & LDR_WRITABLE;
		return;
	case REG_DFR:
		l->dfr = (value & DFR_WRITABLE) | ~DFR_WRITABLE;
		return;
	case REG_ICR_HIGH:
		l->icr = (uint32_t)l->icr | ((uint64_t)value << 32);
		return;
	case REG_ICR_LOW:
		/* writing the low half sends (SDM 10.6.1) */
		l->icr = (l->icr & ~0xffffffffull) | (value & ICR_LOW_WRITABLE);
		/* a kind Keel does not send is dropped: no #GP on MMIO */
		(void)vlapic_send_ipi(v, value, (uint32_t)(l->icr >> 32) >> ICR_DEST_SHIFT);
		return;
	default:
		(void)vlapic_reg_write(v, reg, value);
		return;
	}
}

int vlapic_mmio_read(void *dev, void *caller, uint64_t offset, size_t size,
		     uint64_t *value)
{
	struct vcpu *v = caller;
	unsigned int within = offset % SLOT_BYTES;

	(void)dev;
	if (!xapic_mode(v))
		return -KEEL_ENOENT;
	*value = 0;
	if (within < REG_BYTES)
		*value = (uint64_t)xapic_reg(v, (unsigned int)(offset / SLOT_BYTES))
			 >> (within * 8);
	if (size < 8)
		*value &= (1ull << (size * 8)) - 1;
	return 0;
}

int vlapic_mmio_write(void *dev, void *caller, uint64_t offset, size_t size,
		      uint64_t value)
{
	struct vcpu *v = caller;
	unsigned int within = offset % SLOT_BYTES;
	unsigned int reg = (unsigned int)(offset / SLOT_BYTES);
	uint64_t mask, merged;

	(void)dev;
	if (!xapic_mode(v))
		return -KEEL_ENOENT;
	if (within >= REG_BYTES)
		return 0;	/* the slot's reserved bytes */
	mask = size < 8 ? (1ull << (size * 8)) - 1 : ~0ull;
	merged = ((uint64_t)xapic_reg(v, reg) & ~(mask << (within * 8))) |
		 ((value & mask) << (within * 8));
	xapic_set_reg(v, reg, (uint32_t)merged);
	return 0;
}

const struct io_bus_ops vlapic_mmio_ops = {
	.read = vlapic_mmio_read,
	.write = vlapic_mmio_write,
};
