// SPDX-License-Identifier: MIT
/*
 * The I/O APIC's register file and when its pins fire (82093AA
 * datasheet, section 3); pure C, see core/dev/vioapic.h.
 */
#include <core/dev/vioapic.h>

#define SELECT_MASK     0xffu		/* IOREGSEL: bits 7:0 */
#define ID_MASK         0x0f000000u	/* IOAPICID: bits 27:24 */
/* IOAPICVER: max redirection entry (bits 23:16), version (7:0) */
#define VERSION_VALUE   (((uint32_t)(VIOAPIC_PINS - 1) << 16) | VIOAPIC_VERSION)
#define ID_SHIFT        24
#define LOW_HALF        0xffffffffull

void vioapic_regs_reset(struct vioapic_regs *r, uint32_t id)
{
	r->select = 0;
	r->id = (id << ID_SHIFT) & ID_MASK;
	r->arb = r->id;
	r->lines = 0;
	for (unsigned int pin = 0; pin < VIOAPIC_PINS; pin++)
		r->redir[pin] = VIOAPIC_MASKED;
}

/* Does pin's entry send now? A level entry then holds remote IRR. */
static uint32_t fire_level(struct vioapic_regs *r, unsigned int pin)
{
	uint64_t *e = &r->redir[pin];

	if (!(*e & VIOAPIC_LEVEL) || (*e & (VIOAPIC_MASKED | VIOAPIC_REMOTE_IRR)) ||
	    !(r->lines & (1u << pin)))
		return 0;
	*e |= VIOAPIC_REMOTE_IRR;
	return 1u << pin;
}

/*
 * The half of an entry IOREGSEL names: 2 * pin, + 1 for the high half;
 * -1 if it names none.
 */
static int selected_half(const struct vioapic_regs *r)
{
	if (r->select < VIOAPIC_REG_REDIR0 ||
	    r->select >= VIOAPIC_REG_REDIR0 + 2 * VIOAPIC_PINS)
		return -1;
	return (int)(r->select - VIOAPIC_REG_REDIR0);
}

uint32_t vioapic_regs_read(const struct vioapic_regs *r)
{
	int half;

	switch (r->select) {
	case VIOAPIC_REG_ID:
		return r->id;
	case VIOAPIC_REG_VERSION:
		return VERSION_VALUE;
	case VIOAPIC_REG_ARB:
		return r->arb;
	default:
		break;
	}
	half = selected_half(r);
	if (half < 0)
		return 0;
	return (uint32_t)(r->redir[half / 2] >> (half & 1 ? 32 : 0));
}

uint32_t vioapic_regs_write(struct vioapic_regs *r, uint32_t value)
{
	int half = selected_half(r);
	uint64_t *e, merged;

	if (r->select == VIOAPIC_REG_ID) {
		r->id = value & ID_MASK;
		r->arb = r->id;	/* loaded with the ID when it is written */
		return 0;
	}
	if (half < 0)
		return 0;	/* version, arbitration, no register: read-only */
	e = &r->redir[half / 2];
	merged = half & 1 ? (*e & LOW_HALF) | ((uint64_t)value << 32) :
			    (*e & ~LOW_HALF) | value;
	*e = (merged & VIOAPIC_REDIR_WRITABLE) | (*e & VIOAPIC_REMOTE_IRR);
	/* an edge entry has no remote IRR to wait for */
	if (!(*e & VIOAPIC_LEVEL))
		*e &= ~VIOAPIC_REMOTE_IRR;
	return fire_level(r, (unsigned int)half / 2);
}

uint32_t vioapic_regs_set_line(struct vioapic_regs *r, unsigned int pin,
			       bool high)
{
	uint32_t bit, was;

	if (pin >= VIOAPIC_PINS)
		return 0;
	bit = 1u << pin;
	was = r->lines & bit;
	r->lines = high ? r->lines | bit : r->lines & ~bit;
	if (r->redir[pin] & VIOAPIC_LEVEL)
		return fire_level(r, pin);
	if (high && !was && !(r->redir[pin] & VIOAPIC_MASKED))
		return bit;
	return 0;
}

uint32_t vioapic_regs_eoi(struct vioapic_regs *r, unsigned int vector)
{
	uint32_t fired = 0;

	for (unsigned int pin = 0; pin < VIOAPIC_PINS; pin++) {
		uint64_t *e = &r->redir[pin];

		if ((*e & VIOAPIC_VECTOR) != vector || !(*e & VIOAPIC_LEVEL) ||
		    !(*e & VIOAPIC_REMOTE_IRR))
			continue;
		*e &= ~VIOAPIC_REMOTE_IRR;
		fired |= fire_level(r, pin);
	}
	return fired;
}

void vioapic_regs_undelivered(struct vioapic_regs *r, unsigned int pin)
{
	if (pin < VIOAPIC_PINS)
		r->redir[pin] &= ~VIOAPIC_REMOTE_IRR;
}

struct vioapic_msg vioapic_regs_msg(const struct vioapic_regs *r,
				    unsigned int pin)
{
	uint64_t e = pin < VIOAPIC_PINS ? r->redir[pin] : VIOAPIC_MASKED;

	return (struct vioapic_msg){
		.vector = (uint8_t)(e & VIOAPIC_VECTOR),
		.mode = (uint8_t)((e & VIOAPIC_MODE_MASK) >> VIOAPIC_MODE_SHIFT),
		.logical = (e & VIOAPIC_DEST_LOGICAL) != 0,
		.level = (e & VIOAPIC_LEVEL) != 0,
		.dest = (uint8_t)(e >> VIOAPIC_DEST_SHIFT),
	};
}
