/* SPDX-License-Identifier: MIT */
/*
 * Each VM's I/O APIC (82093AA register set; docs/guests.md, "The PC
 * platform"): MMIO at 0xfec00000, IOREGSEL at offset 0x00 and IOWIN at
 * 0x10; the ID, version (0x11, 24 redirection entries), arbitration ID
 * and redirection table registers. GSI n is pin n. It turns a device's
 * line (vm_irq_set, core/dev/irq.h) into fixed or lowest-priority
 * messages to the VM's local APICs, physical or logical, edge or level;
 * a level entry holds remote IRR until the local APIC broadcasts the EOI
 * of its vector (vioapic_eoi).
 *
 * Two parts: the register file and the decisions when a pin fires
 * (struct vioapic_regs, core/dev/vioapic_regs.c: pure C, host unit
 * tests), and the device around it (core/dev/vioapic.c: its lock, the
 * MMIO window, the delivery to vCPUs).
 */
#ifndef KEEL_CORE_DEV_VIOAPIC_H
#define KEEL_CORE_DEV_VIOAPIC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <core/dev/io_bus.h>
#include <lib/spinlock.h>

#define VIOAPIC_BASE       0xfec00000ull
#define VIOAPIC_MMIO_BYTES 0x1000
#define VIOAPIC_PINS       24
#define VIOAPIC_VERSION    0x11u		/* 82093AA */

/* The register indexes IOREGSEL selects (82093AA 3.2). */
#define VIOAPIC_REG_ID       0x00
#define VIOAPIC_REG_VERSION  0x01
#define VIOAPIC_REG_ARB      0x02
#define VIOAPIC_REG_REDIR0   0x10	/* entry n: 0x10 + 2n (low), + 1 (high) */

/* A redirection entry's bits (82093AA 3.2.4). */
#define VIOAPIC_VECTOR       0xffull
#define VIOAPIC_MODE_SHIFT   8
#define VIOAPIC_MODE_MASK    (7ull << VIOAPIC_MODE_SHIFT)
#define VIOAPIC_MODE_FIXED   0
#define VIOAPIC_MODE_LOWEST  1
#define VIOAPIC_MODE_NMI     4
#define VIOAPIC_DEST_LOGICAL (1ull << 11)
#define VIOAPIC_DELIVS       (1ull << 12)	/* read-only: always idle */
#define VIOAPIC_POLARITY_LOW (1ull << 13)
#define VIOAPIC_REMOTE_IRR   (1ull << 14)	/* read-only */
#define VIOAPIC_LEVEL        (1ull << 15)
#define VIOAPIC_MASKED       (1ull << 16)
#define VIOAPIC_DEST_SHIFT   56
#define VIOAPIC_REDIR_WRITABLE (VIOAPIC_VECTOR | VIOAPIC_MODE_MASK | \
	VIOAPIC_DEST_LOGICAL | VIOAPIC_POLARITY_LOW | VIOAPIC_LEVEL | \
	VIOAPIC_MASKED | (0xffull << VIOAPIC_DEST_SHIFT))

struct vioapic_regs {
	uint32_t select;		/* IOREGSEL: bits 7:0 */
	uint32_t id;			/* the ID register: bits 27:24 */
	uint32_t arb;			/* the arbitration ID: bits 27:24 */
	uint32_t lines;			/* bit n: pin n's input is high */
	uint64_t redir[VIOAPIC_PINS];
};

/* One message a pin sends. */
struct vioapic_msg {
	uint8_t vector;
	uint8_t mode;			/* VIOAPIC_MODE_*, or another one */
	bool logical, level;
	uint8_t dest;
};

/* ------------------------------------------------ the pure register file */

/* Reset (82093AA 3.0): every entry masked, ID id, IOREGSEL 0, lines low. */
void vioapic_regs_reset(struct vioapic_regs *r, uint32_t id);

/*
 * The window IOWIN shows for the selected register: ID, version,
 * arbitration, either half of an entry; a register that does not exist
 * (an index past entry 23, 0x03-0x0f) reads 0 and ignores writes.
 * A write returns the pins that fire now (bit n: pin n), as all the
 * calls below do: unmasking a level entry whose line is high fires it.
 */
uint32_t vioapic_regs_read(const struct vioapic_regs *r);
uint32_t vioapic_regs_write(struct vioapic_regs *r, uint32_t value);

/*
 * A pin's input: an edge entry fires on a rising edge while unmasked (a
 * masked edge is lost); a level entry fires while its line is high, it
 * is unmasked and remote IRR is clear, and sets remote IRR when it
 * does. The polarity bit is kept but not applied: the line is high while
 * the device asserts it. A pin past 23 is ignored.
 */
uint32_t vioapic_regs_set_line(struct vioapic_regs *r, unsigned int pin,
			       bool high);

/*
 * A local APIC's EOI of vector: every level entry with that vector
 * clears remote IRR, and fires again if its line is still high.
 */
uint32_t vioapic_regs_eoi(struct vioapic_regs *r, unsigned int vector);

/* No local APIC took pin's message: a level entry drops remote IRR. */
void vioapic_regs_undelivered(struct vioapic_regs *r, unsigned int pin);

/* The message pin sends, from its entry. */
struct vioapic_msg vioapic_regs_msg(const struct vioapic_regs *r,
				    unsigned int pin);

/* ------------------------------------------------ the device */

struct vioapic {
	struct spinlock lock;		/* its registers, the lines */
	struct vioapic_regs regs;
};

struct vm;

/* At VM creation: reset, the ID the VM's vCPU count (docs/guests.md). */
void vioapic_init(struct vm *vm);

/* On the VM's MMIO bus at VIOAPIC_BASE; dev is the VM. */
extern const struct io_bus_ops vioapic_mmio_ops;

/*
 * The local APIC's EOI broadcast (core/dev/vlapic.c): a level-triggered
 * vector ended. Any CPU.
 */
void vioapic_eoi(struct vm *vm, unsigned int vector);

#endif
