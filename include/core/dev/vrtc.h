/* SPDX-License-Identifier: MIT */
/*
 * The VM's CMOS RTC (core/dev/vrtc.c), an MC146818 at ports 0x70 (index,
 * bit 7 the NMI mask) and 0x71 (data): 128 bytes, of which 0x00-0x0d and
 * the century byte 0x32 are the clock, the rest RAM. The clock starts at
 * the host's wall-clock time (drivers/cmos_rtc.h) when the VM is created
 * and advances with the host's clock, also while the VM waits for a CPU
 * or is paused; the guest may set it. Its registers, the update-in-
 * progress flag and register C's flags are derived from the time when
 * read; the periodic, alarm and update-ended interrupts raise IRQ 8
 * (GSI 8) when status B enables them (core/dev/dev_timer.h fires them).
 */
#ifndef KEEL_CORE_DEV_VRTC_H
#define KEEL_CORE_DEV_VRTC_H

#include <stdbool.h>
#include <stdint.h>

#include <core/dev/io_bus.h>
#include <lib/civil_time.h>
#include <lib/spinlock.h>

#define VRTC_BASE    0x70
#define VRTC_PORTS   2
#define VRTC_BYTES   128

struct vm;

struct vrtc {
	struct spinlock lock;
	struct vm *vm;
	uint8_t index;		/* port 0x70 bits 6:0 */
	bool nmi_masked;	/* port 0x70 bit 7, kept (no NMI is raised) */
	uint8_t ram[VRTC_BYTES];	/* all but the clock's time bytes */
	/* the clock: base_secs (since 0000-01-01) at base_ns, a second edge */
	uint64_t base_secs, base_ns;
	struct civil_time held;	/* the time while status B's SET holds it */
	uint8_t flags;		/* register C's PF, AF, UF so far */
	uint64_t flags_ns;	/* events up to here are in flags */
	uint64_t irq_ns;	/* next interrupt, UINT64_MAX: none; atomic */
	uint64_t irqs, coalesced;
};

/*
 * Reset as a BIOS leaves it: the host's time, 24-hour BCD, the 32.768 kHz
 * base with no periodic rate (A = 0x26), no interrupt enabled, and the
 * memory size bytes for mem bytes of RAM.
 */
void vrtc_init(struct vrtc *rtc, struct vm *vm, uint64_t mem);

/* Ports 0x70-0x71, dev the struct vrtc, caller the vCPU; byte access. */
extern const struct io_bus_ops vrtc_bus_ops;

static inline uint64_t vrtc_deadline(const struct vrtc *rtc)
{
	return __atomic_load_n(&rtc->irq_ns, __ATOMIC_ACQUIRE);
}

/* Raises IRQ 8 for the enabled events due by now. */
void vrtc_service(struct vrtc *rtc, uint64_t now);

#endif
