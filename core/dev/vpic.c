// SPDX-License-Identifier: MIT
/*
 * The 8259A pair's register file and priority logic (Intel 8259A
 * datasheet: ICW1-4, OCW1-3, "Interrupt sequence", "Cascading"); pure,
 * see core/dev/vpic.h. The VM's pair is core/dev/vpic_bus.c.
 */
#include <core/dev/vpic.h>

#define PORT_COMMAND 0
#define PORT_DATA    1

#define ICW1         0x10	/* command port, D4 set: initialization */
#define ICW1_IC4     0x01	/* ICW4 follows */
#define ICW1_SINGLE  0x02	/* no cascade: no ICW3 */
#define ICW1_LTIM    0x08	/* level-triggered inputs */
#define ICW4_AEOI    0x02	/* automatic EOI */
#define OCW3         0x08	/* command port, D4 clear, D3 set */
#define OCW3_READ    0x02	/* RR: take RIS */
#define OCW3_RIS     0x01	/* ISR (else IRR) */
#define OCW3_POLL    0x04
#define OCW3_ESMM    0x40	/* SMM is taken */
#define OCW3_SMM     0x20
#define OCW2_EOI     0x20	/* an EOI: non-specific, or with SL specific */
#define OCW2_SL      0x40	/* specific: L2-L0 name the level */
#define OCW2_LEVEL   0x07
#define POLL_FOUND   0x80	/* a poll's I bit */
#define SPURIOUS_IRQ 7
#define VECTOR_MASK  0xf8	/* ICW2: T7-T3 (8086 mode) */
#define ICW4_MASK    0x1f

void vpic_regs_reset(struct vpic_regs *r)
{
	*r = (struct vpic_regs){ 0 };
}

/*
 * Fixed priority, IRQ 0 highest: the first requested, unmasked input
 * before any in service (an input in service holds back itself and all
 * below it; in special mask mode only itself).
 */
int vpic_regs_highest(const struct vpic_regs *r)
{
	uint8_t want = r->irr & (uint8_t)~r->imr;

	if (!r->ready)
		return -1;
	for (int irq = 0; irq < 8; irq++) {
		uint8_t bit = (uint8_t)(1u << irq);

		if ((r->isr & bit) && !r->special_mask)
			return -1;
		if (want & bit && !(r->isr & bit))
			return irq;
	}
	return -1;
}

int vpic_regs_ack(struct vpic_regs *r)
{
	int irq = vpic_regs_highest(r);
	uint8_t bit;

	if (irq < 0)
		return -1;
	bit = (uint8_t)(1u << irq);
	/* an edge is consumed; a level still high requests again */
	if (!(r->icw1 & ICW1_LTIM) || !(r->lines & bit))
		r->irr &= (uint8_t)~bit;
	if (!(r->icw4 & ICW4_AEOI))
		r->isr |= bit;
	return irq;
}

void vpic_regs_set_line(struct vpic_regs *r, unsigned int irq, bool high)
{
	uint8_t bit = (uint8_t)(1u << (irq & 7));
	bool rising = high && !(r->lines & bit);

	if (high)
		r->lines |= bit;
	else
		r->lines &= (uint8_t)~bit;
	if (r->icw1 & ICW1_LTIM) {
		/* level: requests while high; low withdraws the request */
		if (high)
			r->irr |= bit;
		else
			r->irr &= (uint8_t)~bit;
	} else if (rising) {
		r->irr |= bit;
	}
}

uint8_t vpic_regs_read(struct vpic_regs *r, unsigned int port)
{
	if (port == PORT_DATA)
		return r->imr;
	if (r->poll) {
		/* a poll is an INTA without the vector (datasheet, OCW3) */
		int irq = vpic_regs_ack(r);

		r->poll = false;
		return irq < 0 ? 0 : (uint8_t)(POLL_FOUND | irq);
	}
	return r->read_isr ? r->isr : r->irr;
}

/*
 * ICW1 (datasheet, "Initialization command words"): a new sequence; the
 * mask, the requests and what is in service are cleared, and an input
 * must rise again to request.
 */
static void start_init(struct vpic_regs *r, uint8_t value)
{
	r->icw1 = value;
	r->imr = 0;
	r->irr = 0;
	r->isr = 0;
	r->read_isr = false;	/* a read shows IRR */
	r->special_mask = false;
	r->poll = false;
	r->icw4 = 0;
	r->ready = false;
	r->next_icw = 2;
}

/* The ICW after ICW2, or 0 when the sequence is complete. */
static uint8_t after(const struct vpic_regs *r, uint8_t icw)
{
	if (icw == 2 && !(r->icw1 & ICW1_SINGLE))
		return 3;
	if (icw <= 3 && (r->icw1 & ICW1_IC4))
		return 4;
	return 0;
}

static void write_data(struct vpic_regs *r, uint8_t value)
{
	switch (r->next_icw) {
	case 2:
		r->vector_base = value & VECTOR_MASK;
		break;
	case 3:
		r->icw3 = value;
		break;
	case 4:
		r->icw4 = value & ICW4_MASK;
		break;
	default:
		r->imr = value;		/* OCW1 */
		return;
	}
	r->next_icw = after(r, r->next_icw);
	if (!r->next_icw)
		r->ready = true;
}

/*
 * OCW2: the EOIs end an interrupt in service, the highest (non-specific)
 * or the named one (specific); the rotating forms end it the same way.
 * Set-priority and the rotate-in-AEOI settings change nothing here.
 */
static void write_ocw2(struct vpic_regs *r, uint8_t value)
{
	if (!(value & OCW2_EOI))
		return;
	if (value & OCW2_SL) {
		r->isr &= (uint8_t)~(1u << (value & OCW2_LEVEL));
		return;
	}
	if (r->isr)
		r->isr &= (uint8_t)(r->isr - 1);	/* the lowest bit: highest priority */
}

void vpic_regs_write(struct vpic_regs *r, unsigned int port, uint8_t value)
{
	if (port == PORT_DATA) {
		write_data(r, value);
		return;
	}
	if (value & ICW1) {
		start_init(r, value);
		return;
	}
	if (!(value & OCW3)) {
		write_ocw2(r, value);
		return;
	}
	if (value & OCW3_READ)
		r->read_isr = value & OCW3_RIS;
	if (value & OCW3_ESMM)
		r->special_mask = value & OCW3_SMM;
	r->poll = value & OCW3_POLL;
}

/* The slave's output is the master's IRQ 2, as a level. */
void vpic_pair_sync(struct vpic_regs *master, struct vpic_regs *slave)
{
	uint8_t bit = 1u << VPIC_CASCADE_IRQ;

	if (vpic_regs_highest(slave) >= 0)
		master->irr |= bit;
	else
		master->irr &= (uint8_t)~bit;
}

bool vpic_pair_intr(const struct vpic_regs *master)
{
	return vpic_regs_highest(master) >= 0;
}

uint8_t vpic_pair_ack(struct vpic_regs *master, struct vpic_regs *slave)
{
	int irq, sirq;

	vpic_pair_sync(master, slave);
	irq = vpic_regs_ack(master);
	if (irq < 0)
		return (uint8_t)(master->vector_base | SPURIOUS_IRQ);
	if (irq != VPIC_CASCADE_IRQ || (master->icw1 & ICW1_SINGLE))
		return (uint8_t)(master->vector_base | irq);
	sirq = vpic_regs_ack(slave);
	vpic_pair_sync(master, slave);
	return (uint8_t)(slave->vector_base |
			 (sirq < 0 ? SPURIOUS_IRQ : sirq));
}
