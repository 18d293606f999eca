/* SPDX-License-Identifier: MIT */
/*
 * Guest register state that neither the VMCS nor the VMCB holds, kept per
 * vCPU and switched by software (docs/isolation.md): the extended state
 * (x87, SSE, AVX, AVX-512, PKRU: everything XSAVE moves) with XCR0,
 * DR0-DR3 and TSC_AUX on both vendors; the back-ends switch what only
 * one of them lacks (VMX: CR2, DR6 and the SYSCALL MSRs).
 *
 * The switch is lazy: a vCPU's state is in the CPU from the back-end's
 * load (before its first entry on that CPU) to its put (when the CPU
 * stops running it). The hypervisor itself is built without FPU or
 * vector code and uses no debug registers, SYSCALL or RDTSCP, so in
 * between it can leave the guest's values in place.
 */
#ifndef KEEL_ARCH_GUEST_STATE_H
#define KEEL_ARCH_GUEST_STATE_H

#include <stdbool.h>
#include <stdint.h>

#include <arch/xcr0_rules.h>

/* Reset values a new vCPU sees (SDM 9.1.1 and 13.6 "init state") */
#define FPU_FCW_INIT   0x037f
#define MXCSR_INIT     0x1f80

struct guest_state {
	void *xsave_area;	/* 64-byte aligned; XSAVE or FXSAVE image */
	uint64_t xcr0;		/* the guest's XCR0 (1 at reset) */
	uint64_t dr[4];		/* DR0-DR3 */
	uint64_t tsc_aux;
};

/*
 * Each CPU, before it enters root mode: CR4.OSFXSR, OSXMMEXCPT and (where
 * the CPU has XSAVE) OSXSAVE on, CR0.TS and EM off, so the hypervisor can
 * move guest state. Also learns which XCR0 bits guests may set.
 */
void guest_state_cpu_init(void);

/* The XCR0 components guests may enable (and CPUID leaf 0xD reports). */
uint64_t guest_xcr0_supported(void);
/* Bytes of an XSAVE image holding every component guests may enable. */
uint32_t guest_xsave_size(void);
/* Would a CPU with guest_xcr0_supported() accept XSETBV(0, xcr0)? */
bool guest_xcr0_valid(uint64_t xcr0);

/* Allocates and resets a vCPU's state; 0 or -KEEL_ENOMEM. */
int guest_state_init(struct guest_state *s);
void guest_state_free(struct guest_state *s);

/* Puts s into this CPU (before entering the vCPU here). */
void guest_state_load(const struct guest_state *s);
/* Takes s back from this CPU (the vCPU stops running here). */
void guest_state_save(struct guest_state *s);
/* XSETBV on behalf of the loaded vCPU; the value is guest_xcr0_valid. */
void guest_state_set_xcr0(struct guest_state *s, uint64_t xcr0);

/*
 * MSRs the guest reads and writes without an exit, each private to its
 * vCPU (docs/isolation.md): the VMCS guest area or VMLOAD/VMSAVE keeps
 * FS/GS bases and SYSENTER; on VMX, STAR, LSTAR, CSTAR, SFMASK and
 * KERNEL_GS_BASE stay in the CPU while the vCPU is loaded and are
 * switched by software (vmx.c save_sw_state); TSC_AUX is switched by
 * software on both vendors (arch/x86/guest_state.c).
 */
extern const uint32_t msr_passthrough[];
extern const unsigned int msr_passthrough_count;

#endif
