/* SPDX-License-Identifier: MIT */
/*
 * The 8259A pair of a PC (master at ports 0x20-0x21, slave at 0xa0-0xa1,
 * the slave on the master's IRQ 2; docs/guests.md, "The PC platform").
 * The register file and the pair's priority logic are pure (this file's
 * first half, core/dev/vpic.c, tests/unit/test_vpic.c): the ICW sequence,
 * the mask (OCW1), EOIs (OCW2), IRR/ISR reads and polls (OCW3), edge and
 * level inputs, fixed priority (IRQ 0 highest), automatic EOI. Rotation
 * and the special fully nested mode are not modelled: those OCW2
 * commands act as the plain EOI they contain, or not at all.
 *
 * The VM's pair (second half, core/dev/vpic_bus.c): ISA IRQs 0-15 reach
 * its inputs as they reach the I/O APIC (vm_irq_set, core/dev/irq.h);
 * its INTR output goes to vCPU 0's local APIC, which takes it as ExtINT
 * through LINT0 (core/dev/vlapic.h). Only a pair that finished an ICW
 * sequence raises INTR: it has no vectors before.
 */
#ifndef KEEL_CORE_DEV_VPIC_H
#define KEEL_CORE_DEV_VPIC_H

#include <stdbool.h>
#include <stdint.h>

#include <core/dev/io_bus.h>
#include <lib/spinlock.h>

#define VPIC_MASTER_BASE 0x20
#define VPIC_SLAVE_BASE  0xa0
#define VPIC_PORTS       2	/* command (A0 = 0), data (A0 = 1) */
#define VPIC_CASCADE_IRQ 2	/* the master's input the slave drives */

/* One 8259A's registers. */
struct vpic_regs {
	uint8_t imr;		/* OCW1 */
	uint8_t irr, isr;	/* requested, in service */
	uint8_t lines;		/* the inputs' levels (edges set IRR) */
	uint8_t icw1, vector_base, icw3, icw4;
	uint8_t next_icw;	/* 0: not in a sequence; 2, 3, 4: the ICW expected */
	bool ready;		/* a sequence finished: it has its vectors */
	bool read_isr;		/* OCW3 RR/RIS: a command-port read shows ISR */
	bool poll;		/* OCW3 P: the next command-port read polls */
	bool special_mask;	/* OCW3 ESMM/SMM */
};

/* Pure: port 0 is the command port, 1 data. */
void vpic_regs_reset(struct vpic_regs *r);
uint8_t vpic_regs_read(struct vpic_regs *r, unsigned int port);
void vpic_regs_write(struct vpic_regs *r, unsigned int port, uint8_t value);
/* An input's level: a rising edge requests (level mode: high requests). */
void vpic_regs_set_line(struct vpic_regs *r, unsigned int irq, bool high);
/* The input it would raise INTR for now, -1 if none (IMR, ISR, ready). */
int vpic_regs_highest(const struct vpic_regs *r);
/* INTA: that input goes in service (unless AEOI); -1 if none (spurious). */
int vpic_regs_ack(struct vpic_regs *r);

/*
 * The pair (pure): the slave's output is the master's IRQ 2 input. Is
 * INTR raised? The vector an INTA cycle reads: the slave's on IRQ 2, IRQ 7's
 * (spurious) when the request went away.
 */
void vpic_pair_sync(struct vpic_regs *master, struct vpic_regs *slave);
bool vpic_pair_intr(const struct vpic_regs *master);
uint8_t vpic_pair_ack(struct vpic_regs *master, struct vpic_regs *slave);

struct vm;

/* The VM's pair; the lock first (vm_devices_reset). */
struct vpic {
	struct spinlock lock;
	struct vpic_regs master, slave;
	bool intr;		/* the output as last told to vCPU 0 */
	struct vm *vm;
};

void vpic_init(struct vpic *pic, struct vm *vm);
/* ISA IRQ irq (0-15) at this level; any CPU, no VM or scheduler lock held. */
void vpic_set_irq(struct vpic *pic, unsigned int irq, bool high);
/* INTA from vCPU 0's local APIC: the vector, or -1 if INTR is low. */
int vpic_intack(struct vpic *pic);
/* On the VM's port bus, dev the VM's struct vpic, VPIC_PORTS long each. */
extern const struct io_bus_ops vpic_master_ops, vpic_slave_ops;

#endif
