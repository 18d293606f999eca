/* SPDX-License-Identifier: MIT */
/*
 * Which MSRs a guest reaches directly and which the hypervisor emulates
 * (docs/cpuid.md, "MSRs"). The back-ends build their MSR bitmaps from
 * msr_passthrough (arch/guest_state.h); every other MSR access exits to
 * core/msr.c.
 */
#ifndef KEEL_CORE_MSR_POLICY_H
#define KEEL_CORE_MSR_POLICY_H

#include <stdint.h>

struct vcpu;
struct vm_exit;

/* What the virtual CPU offers (docs/cpuid.md has the values). */
#define MTRR_VAR_COUNT   8	/* variable ranges: PHYSBASE0-7, PHYSMASK0-7 */
#define MTRR_FIXED_COUNT 11	/* FIX64K_00000, FIX16K x2, FIX4K x8 */
#define MCE_BANK_COUNT   2	/* MC0-MC1: CTL kept, the rest reads 0 */

/*
 * The emulated MSRs each vCPU keeps for itself (struct vcpu msrs): they
 * never reach the hardware, so no switch is needed (docs/isolation.md).
 * IA32_PAT lives in the VMCS/VMCB, the TSC offset in struct vcpu.
 */
struct vcpu_msrs {
	uint64_t mtrr_def_type;
	uint64_t mtrr_var[MTRR_VAR_COUNT * 2];	/* PHYSBASE0, PHYSMASK0, ... */
	uint64_t mtrr_fixed[MTRR_FIXED_COUNT];
	uint64_t misc_enable;
	uint64_t mc_ctl[MCE_BANK_COUNT];
};

/* A vCPU's emulated MSRs at reset (before it first runs). */
void msr_vcpu_reset(struct vcpu *v);
/* The guest's physical-address width (its CPUID leaf 0x80000008). */
unsigned int msr_phys_bits(void);

void msr_handle_read(struct vcpu *v, const struct vm_exit *e);
void msr_handle_write(struct vcpu *v, const struct vm_exit *e);

#endif
