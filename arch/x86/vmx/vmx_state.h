/* SPDX-License-Identifier: MIT */
/*
 * The VMX back-end's state in the generic structures: struct vcpu and
 * struct cpu hold it in their vendor union (vcpu->vmx, cpu->vmx). Only
 * arch/x86/vmx reads or writes it.
 */
#ifndef KEEL_ARCH_X86_VMX_STATE_H
#define KEEL_ARCH_X86_VMX_STATE_H

#include <stdbool.h>
#include <stdint.h>

struct vmx_vcpu {
	uint64_t vmcs_pa;		/* this vCPU's VMCS */
	bool vmcs_launched;
	/*
	 * 1 + the index of the CPU whose host state the VMCS holds, 0 for
	 * none: the host fields are the same on every load on one CPU (its
	 * control registers, EFER, PAT and tables are set once at boot), so
	 * vmx_load writes them only when v comes from another CPU.
	 */
	uint32_t host_cpu;
	/*
	 * No NMI handler of the guest's runs, as Keel knows: blocking by NMI
	 * was clear when the VMCS was last loaded or read, and Keel has
	 * injected no NMI since. Blocking the VMCS shows anyway did not come
	 * from this guest (see vmx_nmi_allowed).
	 */
	bool nmi_unblocked;
	struct {			/* switched by software too */
		uint64_t cr2, dr6;
		uint64_t star, lstar, cstar, sfmask, kernel_gs_base;
	} sw;
};

struct vmx_cpu {
	uint64_t vmxon_pa;		/* this CPU's VMXON region */
};

#endif
