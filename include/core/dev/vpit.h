/* SPDX-License-Identifier: MIT */
/*
 * The VM's 8254 programmable interval timer (core/dev/vpit.c), ports
 * 0x40-0x43: three counters clocked at PIT_HZ from the host's clock, in
 * the six modes of the data sheet, binary or BCD, with the counter latch
 * and read-back commands. Channel 0's OUT raises IRQ 0 (GSI 2) on each
 * rising edge; channel 1 counts and drives nothing; channel 2's gate and
 * OUT are bits 0 and 5 of port 0x61 (core/dev/vpit_portb.c). Counts are
 * derived from the time when read, so nothing runs while nobody looks
 * except channel 0's interrupt (core/dev/dev_timer.h).
 */
#ifndef KEEL_CORE_DEV_VPIT_H
#define KEEL_CORE_DEV_VPIT_H

#include <stdbool.h>
#include <stdint.h>

#include <core/dev/io_bus.h>
#include <core/dev/vpit_count.h>
#include <lib/spinlock.h>

#define VPIT_BASE      0x40
#define VPIT_PORTS     4
#define VPIT_CHANNELS  3
#define VPIT_PORTB     0x61

struct vpit_channel {
	uint8_t mode;		/* enum pit_mode */
	uint8_t access;		/* 1: LSB, 2: MSB, 3: LSB then MSB */
	bool bcd;
	bool gate;		/* channels 0 and 1: always high */
	bool armed;		/* a whole count was written since the mode */
	bool started;		/* armed and, in modes 1 and 5, triggered */
	bool counting;		/* ticks advance (the gate allows it) */
	bool null_count;
	bool write_msb, read_msb;	/* access 3: the byte toggles */
	bool latched, status_latched;
	uint8_t write_lsb, status;
	uint16_t latch;
	uint32_t reload;	/* 1-65536 (BCD: 1-10000) */
	uint64_t base_ticks;	/* counted before run_ns */
	uint64_t run_ns;	/* when the current stretch of counting began */
};

struct vm;

struct vpit {
	struct spinlock lock;
	struct vm *vm;
	struct vpit_channel ch[VPIT_CHANNELS];
	uint8_t port_b;		/* port 0x61 bits 3:0 as written */
	/* channel 0: its next interrupt (UINT64_MAX: none), atomic reads */
	uint64_t irq_ns;
	uint64_t irq_rises;	/* OUT edges of channel 0 accounted for */
	bool moved;		/* irq_ns came earlier under the lock */
	uint64_t irqs, coalesced;	/* IRQ 0 pulses; edges merged into them */
};

/* Reset: no counter armed, channel 2's gate low (port 0x61 reads 0). */
void vpit_init(struct vpit *pit, struct vm *vm);

/* Ports 0x40-0x43, dev the struct vpit, caller the vCPU; byte access. */
extern const struct io_bus_ops vpit_bus_ops;
/* Port 0x61 (core/dev/vpit_portb.c), dev the struct vpit. */
extern const struct io_bus_ops vpit_portb_ops;

/* Channel 2's gate (port 0x61 bit 0) and OUT (bit 5) at now. */
void vpit_set_gate2(struct vpit *pit, bool high, uint64_t now);
bool vpit_out2(struct vpit *pit, uint64_t now);

/* Channel 0's next interrupt, UINT64_MAX: none. */
static inline uint64_t vpit_deadline(const struct vpit *pit)
{
	return __atomic_load_n(&pit->irq_ns, __ATOMIC_ACQUIRE);
}

/* Raises IRQ 0 if channel 0's OUT rose by now. */
void vpit_service(struct vpit *pit, uint64_t now);

#endif
