/* SPDX-License-Identifier: MIT */
/*
 * The 8259A pair of a PC (master at ports 0x20-0x21, slave at
 * 0xa0-0xa1), register state only (docs/guests.md, "The PC platform"):
 * the initialization sequence (ICW1-ICW4), the interrupt mask (OCW1),
 * OCW2 commands (accepted, nothing to act on) and OCW3's choice of the
 * register a read of the command port shows. Its INTR output reaches no
 * local APIC and no device raises its inputs: IRR and ISR read 0, a
 * poll finds no interrupt. It is here so that an OS probe finds a PIC
 * and masks it, as on every PC.
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

/* One 8259A's registers. */
struct vpic_regs {
	uint8_t imr;		/* OCW1 */
	uint8_t icw1, vector_base, icw3, icw4;
	uint8_t next_icw;	/* 0: initialized; 2, 3, 4: the ICW expected */
	bool read_isr;		/* OCW3 RR/RIS: a command-port read shows ISR */
	bool poll;		/* OCW3 P: the next command-port read polls */
	bool special_mask;	/* OCW3 ESMM/SMM */
};

struct vpic_chip {
	struct spinlock lock;
	struct vpic_regs regs;
};

struct vpic {
	struct vpic_chip master, slave;
};

/* Pure (tests/unit/test_vpic.c): port 0 is the command port, 1 data. */
void vpic_regs_reset(struct vpic_regs *r);
uint8_t vpic_regs_read(struct vpic_regs *r, unsigned int port);
void vpic_regs_write(struct vpic_regs *r, unsigned int port, uint8_t value);

void vpic_init(struct vpic *pic);
/* On the VM's port bus at each chip's base, VPIC_PORTS long; dev a chip. */
extern const struct io_bus_ops vpic_bus_ops;

#endif
