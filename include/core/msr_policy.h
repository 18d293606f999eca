/* SPDX-License-Identifier: MIT */
/*
 * Which MSRs a guest reaches directly and which the hypervisor emulates
 * (docs/cpuid.md, "MSRs"). The back-ends build their MSR bitmaps from
 * msr_passthrough; every other MSR access exits to core/msr.c.
 */
#ifndef KEEL_CORE_MSR_POLICY_H
#define KEEL_CORE_MSR_POLICY_H

#include <stdint.h>

struct vcpu;
struct vm_exit;

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

void msr_handle_read(struct vcpu *v, const struct vm_exit *e);
void msr_handle_write(struct vcpu *v, const struct vm_exit *e);

#endif
