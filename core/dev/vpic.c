// SPDX-License-Identifier: MIT
/*
 * The 8259A pair's register state (Intel 8259A datasheet: ICW1-4,
 * OCW1-3); see core/dev/vpic.h.
 */
#include <core/dev/vpic.h>

#define PORT_COMMAND 0
#define PORT_DATA    1

#define ICW1         0x10	/* command port, D4 set: initialization */
#define ICW1_IC4     0x01	/* ICW4 follows */
#define ICW1_SINGLE  0x02	/* no cascade: no ICW3 */
#define OCW3         0x08	/* command port, D4 clear, D3 set */
#define OCW3_READ    0x02	/* RR: take RIS */
#define OCW3_RIS     0x01	/* ISR (else IRR) */
#define OCW3_POLL    0x04
#define OCW3_ESMM    0x40	/* SMM is taken */
#define OCW3_SMM     0x20
#define VECTOR_MASK  0xf8	/* ICW2: T7-T3 (8086 mode) */
#define ICW4_MASK    0x1f

void vpic_regs_reset(struct vpic_regs *r)
{
	*r = (struct vpic_regs){ 0 };
}

uint8_t vpic_regs_read(struct vpic_regs *r, unsigned int port)
{
	if (port == PORT_DATA)
		return r->imr;
	/* nothing requests or is in service; a poll finds no interrupt */
	r->poll = false;
	return 0;
}

/* ICW1 (datasheet, "Initialization command words"): a new sequence. */
static void start_init(struct vpic_regs *r, uint8_t value)
{
	r->icw1 = value;
	r->imr = 0;		/* the mask is cleared */
	r->read_isr = false;	/* a read shows IRR */
	r->special_mask = false;
	r->poll = false;
	r->icw4 = 0;
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
	if (!(value & OCW3))
		return;		/* OCW2: EOI and rotation, nothing in service */
	if (value & OCW3_READ)
		r->read_isr = value & OCW3_RIS;
	if (value & OCW3_ESMM)
		r->special_mask = value & OCW3_SMM;
	r->poll = value & OCW3_POLL;
}

void vpic_init(struct vpic *pic)
{
	pic->master.lock = (struct spinlock)SPINLOCK_INIT;
	pic->slave.lock = (struct spinlock)SPINLOCK_INIT;
	vpic_regs_reset(&pic->master.regs);
	vpic_regs_reset(&pic->slave.regs);
}

/*
 * The port bus's view: dev is a chip. A 16-bit access to the command
 * port is two byte accesses, command then data, as on the ISA bus.
 */
static int vpic_bus_read(void *dev, void *caller, uint64_t offset,
			 size_t size, uint64_t *value)
{
	struct vpic_chip *chip = dev;

	(void)caller;
	*value = 0;
	spin_lock(&chip->lock);
	for (size_t i = 0; i < size && offset + i < VPIC_PORTS; i++)
		*value |= (uint64_t)vpic_regs_read(&chip->regs,
						   (unsigned int)(offset + i))
			  << (i * 8);
	spin_unlock(&chip->lock);
	return 0;
}

static int vpic_bus_write(void *dev, void *caller, uint64_t offset,
			  size_t size, uint64_t value)
{
	struct vpic_chip *chip = dev;

	(void)caller;
	spin_lock(&chip->lock);
	for (size_t i = 0; i < size && offset + i < VPIC_PORTS; i++)
		vpic_regs_write(&chip->regs, (unsigned int)(offset + i),
				(uint8_t)(value >> (i * 8)));
	spin_unlock(&chip->lock);
	return 0;
}

const struct io_bus_ops vpic_bus_ops = {
	.read = vpic_bus_read,
	.write = vpic_bus_write,
};
