/* SPDX-License-Identifier: MIT */
/*
 * The SVM back-end's state in the generic structures: struct vcpu and
 * struct cpu hold it in their vendor union (vcpu->svm, cpu->svm). Only
 * arch/x86/svm reads or writes it.
 */
#ifndef KEEL_ARCH_X86_SVM_STATE_H
#define KEEL_ARCH_X86_SVM_STATE_H

#include <stdint.h>

struct svm_vcpu {
	uint64_t vmcb_pa;		/* this vCPU's VMCB */
	uint32_t asid;
	/*
	 * The CPU it ran on last (UINT32_MAX: none yet). Translations it
	 * left on another CPU under its ASID may be stale when it comes
	 * back there: its guest may have changed its page tables meanwhile.
	 */
	uint32_t last_cpu;
	/*
	 * EFER as the guest wrote it. The VMCB holds LME only while CR0.PG
	 * is set: QEMU TCG hangs on a VMRUN with LME set and paging off, so
	 * LME reaches the VMCB with the CR0 write that sets PG (svm.c).
	 */
	uint64_t efer;
	/*
	 * NMI blocking, which SVM keeps hidden (APM 15.20): set when Keel
	 * injects an NMI, with IRET intercepted; at that IRET's exit the
	 * IRET has not run yet, so the next NMI waits until the guest is
	 * seen past it (RIP elsewhere than iret_rip).
	 */
	bool nmi_masked;
	bool iret_pending;
	uint64_t iret_rip;
	/*
	 * An NMI waits for that IRET: the IRET runs single-stepped (TF and
	 * RF set, #DB intercepted) and the #DB after it is the NMI window.
	 * step_tf and step_dr6 are the guest's TF and DR6 before the step:
	 * a #DB the guest would have taken anyway goes to it, and DR6 is
	 * put back when the #DB was Keel's alone.
	 */
	bool nmi_step;
	bool step_tf;
	uint64_t step_dr6;
};

struct svm_cpu {
	uint64_t hsave_pa;		/* VM_HSAVE_PA of this CPU */
	uint64_t host_vmcb_pa;		/* VMSAVE/VMLOAD of the host's state */
	uint64_t last_vmcb_pa;		/* the VMCB this CPU ran last */
};

#endif
