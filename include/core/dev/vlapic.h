/* SPDX-License-Identifier: MIT */
/*
 * Each vCPU's virtual local APIC: one register file (core/dev/vlapic.c)
 * with two access forms, x2APIC MSRs 0x800-0x8ff (vlapic_x2apic.c, SDM
 * 10.12) and the xAPIC MMIO page at 0xfee00000 (vlapic_xapic.c, SDM 10.4),
 * the mode chosen by IA32_APIC_BASE as on a CPU (core/dev/apic_base.h).
 * The timer in one-shot and periodic mode, and the interrupt request and
 * in-service registers that decide what to inject. The timer counts at
 * the TSC rate (start_info.tsc_khz) divided by its divide register; its
 * arithmetic, the minimum period of a periodic timer included, is in
 * core/dev/vlapic_timer.h.
 */
#ifndef KEEL_CORE_VLAPIC_H
#define KEEL_CORE_VLAPIC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <core/dev/apic_dest.h>
#include <core/dev/io_bus.h>

#define VLAPIC_MSR_FIRST 0x800
#define VLAPIC_MSR_LAST  0x8ff
#define VLAPIC_DFR_RESET 0xffffffffu	/* flat model (SDM 10.6.2.2) */
#define VLAPIC_SVR_RESET 0xffu		/* vector 0xff, APIC software-disabled */
#define VLAPIC_ESR_SEND_ILLEGAL_VECTOR    (1u << 5)
#define VLAPIC_ESR_RECEIVE_ILLEGAL_VECTOR (1u << 6)

struct vlapic {
	uint64_t apic_base;	/* IA32_APIC_BASE: the mode */
	uint32_t tpr, svr, lvt_timer, divide, initial_count;
	uint32_t ldr, dfr;	/* xAPIC form only: x2APIC derives LDR from the ID */
	/*
	 * ESR (SDM 10.5.3): what a read shows, latched by the last write,
	 * and the errors found since then (VLAPIC_ESR_*). Only the vCPU
	 * itself finds them, on its own CPU: no atomics.
	 */
	uint32_t esr, esr_found;
	uint64_t icr;		/* the last ICR written (xAPIC: high << 32 | low) */
	uint64_t deadline_ns;	/* next timer expiry, UINT64_MAX: none */
	/* periodic mode: re-arm with this (>= VLAPIC_MIN_PERIOD_NS), else 0 */
	uint64_t period_ns;
	uint64_t irr[4], isr[4];	/* 256-bit request / in-service */
	/*
	 * Trigger mode of each accepted vector (SDM 10.8.4): set for a level
	 * interrupt, so its EOI is broadcast to the I/O APIC.
	 */
	uint64_t tmr[4];
	uint32_t lint0, lint1;	/* LVT LINT0/LINT1: only LINT0's ExtINT acts */
	/*
	 * What reaches the core beside the register file, a bit each: the
	 * 8259 pair's INTR (VLAPIC_PIN_EXTINT, vCPU 0's only, set by the
	 * pair in core/dev/vpic_bus.c while INTR is raised) and an NMI sent
	 * and not yet taken (VLAPIC_PIN_NMI, set by any vCPU's ICR).
	 * Set on any CPU; kept by resets of the register file, as they are
	 * outside it: the last member, so that a reset clears everything
	 * before it.
	 */
	uint64_t pins;
	/*
	 * Set with every new request (an IRR bit, a pin raised), on any CPU;
	 * the run loop clears it when it looks at the APIC before an entry
	 * (core/vcpu_run.c). So the fast path tests one word, and a request
	 * that is pending but blocked (IF, TPR, an NMI in service) does not
	 * send every later exit through the slow path: the look that found
	 * it asked for its window. Kept by resets, as pins is.
	 */
	uint32_t unseen;
};

#define VLAPIC_PIN_EXTINT 1ull
#define VLAPIC_PIN_NMI    2ull

struct vcpu;

/*
 * Is any interrupt requested (IRR not empty, the 8259's INTR raised, or
 * an NMI sent)? Other CPUs set IRR bits at any time, hence the atomic
 * loads.
 */
static inline bool vlapic_requested(const struct vlapic *l)
{
	return __atomic_load_n(&l->irr[0], __ATOMIC_RELAXED) |
	       __atomic_load_n(&l->irr[1], __ATOMIC_RELAXED) |
	       __atomic_load_n(&l->irr[2], __ATOMIC_RELAXED) |
	       __atomic_load_n(&l->irr[3], __ATOMIC_RELAXED) |
	       __atomic_load_n(&l->pins, __ATOMIC_RELAXED);
}

/*
 * After a request is in IRR or pins (a locked write, so ordered before
 * this store): the run loop's next look will see it (unseen).
 */
static inline void vlapic_post(struct vlapic *l)
{
	__atomic_store_n(&l->unseen, 1, __ATOMIC_RELEASE);
}

/* Any request since the run loop last looked? One load: the fast path. */
static inline bool vlapic_unseen(const struct vlapic *l)
{
	return __atomic_load_n(&l->unseen, __ATOMIC_RELAXED);
}

/*
 * The run loop, before it looks at IRR and pins: a request made after
 * this (a full barrier, so before those reads) is seen by the next look.
 */
static inline void vlapic_take_unseen(struct vlapic *l)
{
	__atomic_exchange_n(&l->unseen, 0, __ATOMIC_SEQ_CST);
}

/* Reset: x2APIC mode, as Keel's guests start (docs/hypercalls.md §5). */
void vlapic_init(struct vcpu *v);
/*
 * Reset as INIT or power-up leaves it for an unmodified guest (SDM
 * 10.4.7.1, table 9-1): xAPIC mode, enabled, at 0xfee00000, the BSP
 * flag on vCPU 0 (IA32_APIC_BASE 0xfee00900 there, 0xfee00800 on the
 * others), SVR 0xff. On vCPU 0, LINT0 is then ExtINT, unmasked (0x700):
 * the virtual wire a PC's firmware leaves, so that an OS that knows only
 * the 8259 gets its interrupts; the other LVTs are masked.
 */
void vlapic_init_xapic(struct vcpu *v);

/* The x2APIC form: 0, or -1 for #GP (also when not in x2APIC mode). */
int vlapic_read(struct vcpu *v, uint32_t msr, uint64_t *value);
int vlapic_write(struct vcpu *v, uint32_t msr, uint64_t value);

/* IA32_APIC_BASE; the write is 0, or -1 for #GP (core/dev/apic_base.h). */
uint64_t vlapic_apic_base(const struct vcpu *v);
int vlapic_set_apic_base(struct vcpu *v, uint64_t value, unsigned int phys_bits);

/*
 * The xAPIC form, for the VM's MMIO bus (struct io_bus_ops): dev is the
 * VM, caller the vCPU. A vCPU whose APIC is not in xAPIC mode does not
 * decode the page: -KEEL_ENOENT (no device there).
 */
int vlapic_mmio_read(void *dev, void *caller, uint64_t offset, size_t size,
		     uint64_t *value);
int vlapic_mmio_write(void *dev, void *caller, uint64_t offset, size_t size,
		      uint64_t value);
extern const struct io_bus_ops vlapic_mmio_ops;	/* the two above */
#define VLAPIC_MMIO_BYTES 0x1000

/*
 * The register file both forms share, by index (xAPIC offset >> 4 =
 * x2APIC MSR - 0x800): the registers that are alike in both. 0, or -1
 * for an index it does not hold (the form decides). EOI, ICR and
 * self-IPIs act through the calls after them.
 */
int vlapic_reg_read(struct vcpu *v, unsigned int reg, uint32_t *value);
int vlapic_reg_write(struct vcpu *v, unsigned int reg, uint32_t value);
void vlapic_eoi(struct vcpu *v);
void vlapic_self_ipi(struct vcpu *v, unsigned int vector);
/*
 * ICR bits 31:0 to dest (the sender's mode gives its format): fixed,
 * INIT or STARTUP; -1: a kind Keel does not send (#GP). A fixed IPI with
 * a vector 0-15 is not sent: 0, and an error in the sender's ESR.
 */
int vlapic_send_ipi(struct vcpu *v, uint32_t icr, uint32_t dest);

/*
 * An interrupt message t accepts (an IPI, or the I/O APIC's): into its
 * IRR, TMR set for level and cleared for edge, and t woken if it halts
 * or made to leave the guest if it runs on another CPU. Any CPU.
 * core/dev/vlapic_accept.c, apart from the register file so that the
 * I/O APIC, which vlapic_eoi calls, does not call back into it.
 */
void vlapic_accept(struct vcpu *t, unsigned int vector, bool level);
/*
 * An NMI message (SDM 10.6.1): VLAPIC_PIN_NMI set and t woken or made to
 * look, as above. One NMI waits while another is taken: a second one
 * sent meanwhile is the same NMI. Lost if t's APIC is not present.
 */
void vlapic_accept_nmi(struct vcpu *t);
/* Into IRR, with its trigger mode in TMR; no wake-up (the vCPU's own). */
void vlapic_request(struct vlapic *l, unsigned int vector, bool level);
/* What an interrupt message's destination is compared with (apic_dest.h). */
struct apic_dest_view vlapic_dest_view(const struct vcpu *t);

/* Before entry: timer expiry to the IRR, then inject or ask for a window. */
void vlapic_deliver(struct vcpu *v, uint64_t now_ns);
/* Is an interrupt waiting that the guest would take once it can? */
bool vlapic_pending(const struct vcpu *v);
/*
 * The 8259 pair's INTR to this APIC's LINT0 (vCPU 0's). It is taken as
 * ExtINT (the vector from the pair's INTA) when LINT0 is unmasked with
 * delivery mode ExtINT, or when the APIC is disabled in IA32_APIC_BASE
 * (the pin then reaches the core directly), after any deliverable APIC
 * interrupt and whatever the TPR. Any CPU; no wake-up (the caller's).
 * Inline: the pair sets it, and the APIC's INTA calls the pair.
 */
static inline void vlapic_set_extint(struct vlapic *l, bool raised)
{
	if (raised) {
		__atomic_fetch_or(&l->pins, VLAPIC_PIN_EXTINT, __ATOMIC_RELEASE);
		vlapic_post(l);
	} else
		__atomic_fetch_and(&l->pins, ~VLAPIC_PIN_EXTINT,
				   __ATOMIC_RELEASE);
}
/* When the timer next fires, UINT64_MAX if it is not running. */
uint64_t vlapic_deadline(const struct vcpu *v);

#endif
