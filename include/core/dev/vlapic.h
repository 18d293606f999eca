/* SPDX-License-Identifier: MIT */
/*
 * Each vCPU's virtual local APIC, x2APIC mode only (SDM 10.12): its MSRs
 * 0x800-0x8ff, the timer in one-shot and periodic mode, and the interrupt
 * request and in-service registers that decide what to inject. The timer
 * counts at the TSC rate (start_info.tsc_khz) divided by its divide
 * register; its arithmetic, the minimum period of a periodic timer
 * included, is in core/dev/vlapic_timer.h. A guest that touches the xAPIC
 * MMIO page is stopped.
 */
#ifndef KEEL_CORE_VLAPIC_H
#define KEEL_CORE_VLAPIC_H

#include <stdbool.h>
#include <stdint.h>

#define VLAPIC_MSR_FIRST 0x800
#define VLAPIC_MSR_LAST  0x8ff

struct vlapic {
	uint32_t tpr, svr, ldr_unused, lvt_timer, divide, initial_count;
	uint64_t deadline_ns;	/* next timer expiry, UINT64_MAX: none */
	/* periodic mode: re-arm with this (>= VLAPIC_MIN_PERIOD_NS), else 0 */
	uint64_t period_ns;
	uint64_t irr[4], isr[4];	/* 256-bit request / in-service */
};

struct vcpu;

/*
 * Is any interrupt requested (IRR not empty)? A few loads: the run loop
 * asks this after exits that cannot change the timer (the fast path).
 * Other CPUs set IRR bits at any time, hence the atomic loads.
 */
static inline bool vlapic_requested(const struct vlapic *l)
{
	return __atomic_load_n(&l->irr[0], __ATOMIC_RELAXED) |
	       __atomic_load_n(&l->irr[1], __ATOMIC_RELAXED) |
	       __atomic_load_n(&l->irr[2], __ATOMIC_RELAXED) |
	       __atomic_load_n(&l->irr[3], __ATOMIC_RELAXED);
}

void vlapic_init(struct vcpu *v);
/* 0: handled; -1: not a valid access (inject #GP). */
int vlapic_read(struct vcpu *v, uint32_t msr, uint64_t *value);
int vlapic_write(struct vcpu *v, uint32_t msr, uint64_t value);
uint64_t vlapic_apic_base(const struct vcpu *v);

/* Before entry: timer expiry to the IRR, then inject or ask for a window. */
void vlapic_deliver(struct vcpu *v, uint64_t now_ns);
/* Is an interrupt waiting that the guest would take once it can? */
bool vlapic_pending(const struct vcpu *v);
/* When the timer next fires, UINT64_MAX if it is not running. */
uint64_t vlapic_deadline(const struct vcpu *v);

#endif
