/* SPDX-License-Identifier: MIT */
/*
 * The interface every virtualization back-end implements (VMX in
 * arch/x86/vmx, SVM in arch/x86/svm). One image carries both; vendor_select
 * picks one at boot from CPUID. Nothing outside the back-ends knows a VMCS
 * field or a VMCB offset: core/ uses only these calls.
 *
 * Preconditions. "Loaded" means v's state is current on the calling CPU:
 * after vcpu_load or vcpu_run there, until vcpu_put (or until another
 * vCPU is loaded there). Every per-vCPU accessor from get_rip to dump
 * needs v loaded on the calling CPU and not in its guest: VMX reads and
 * writes the current VMCS, so on VMX an accessor called for a vCPU that
 * is not loaded would act on another vCPU's state. The run loop loads v
 * at the start of its turn (core/vcpu_run.c); exit handlers run with it
 * loaded. Debug builds (make DEBUG=1) check it in both back-ends
 * (VENDOR_ASSERT_LOADED), so a run on either emulator catches a call
 * that would be wrong on VMX.
 * vcpu_create and vcpu_destroy may be called on any CPU for a vCPU that
 * is not running (VMX keeps the caller's VMCS current across them).
 */
#ifndef KEEL_CORE_VENDOR_H
#define KEEL_CORE_VENDOR_H

#include <stdbool.h>
#include <stdint.h>

#include <arch/cpu.h>
#include <base/panic.h>
#include <core/vcpu.h>
#include <core/vm_exit.h>
#include <mm/pagetable.h>

struct cpu;

enum vendor_kind {
	VENDOR_VMX,
	VENDOR_SVM,
};

struct vendor_ops {
	enum vendor_kind kind;
	const char *name;		/* "vmx" or "svm", for messages */
	const char *root_mode;		/* "VMX root mode" / "SVM host mode" */
	enum pt_kind stage2_kind;
	uint32_t hypercall_features;	/* KEEL_FEATURE_* for CPUID 0x40000001 */

	/* Can this CPU run the back-end? 0, or an error with *why set. */
	int (*probe)(const char **why);
	/* Can stage-2 tables map 1 GiB pages? Valid after probe. */
	bool (*stage2_1g)(void);
	/* Does RDTSCP work in a guest (CPUID shows it only then)? */
	bool (*guest_rdtscp)(void);
	/* Enters root mode on the calling CPU. 0 or error, cpu->virt_error set. */
	int (*cpu_enable)(struct cpu *cpu);

	int (*vcpu_create)(struct vcpu *v, const struct vcpu_entry_state *s,
			   uint64_t stage2_root);
	void (*vcpu_destroy)(struct vcpu *v);
	/*
	 * v (loaded) starts over from s, as vcpu_create would set it up, real
	 * mode included (CR0.PE clear): every register of s, the reset
	 * values of the rest of the state the back-end owns (DR6, DR7, CR2,
	 * the SYSCALL MSRs, PAT), no event pending or being injected. INIT
	 * and STARTUP (core/vcpu_init.c). The extended state is kept.
	 */
	void (*vcpu_reset)(struct vcpu *v, const struct vcpu_entry_state *s);
	/*
	 * The calling CPU stops running v for now: afterwards any CPU may run
	 * it. The state v left in this CPU goes back into v (the extended
	 * state, debug registers and whatever else docs/isolation.md lists as
	 * switched by software); VMX also VMCLEARs (SDM 24.11.1). vcpu_run
	 * loads that state again the next time v runs on a CPU.
	 */
	void (*vcpu_put)(struct vcpu *v);
	/*
	 * Makes v's state current on the calling CPU (VMX: VMPTRLD, host
	 * state, the state switched by software; SVM: the state switched by
	 * software). Cheap when v is loaded here already.
	 */
	void (*vcpu_load)(struct vcpu *v);
	/*
	 * Runs the guest (loading v first) until its next exit, which it
	 * describes in *exit. The exit comes by deadline_tsc at the latest,
	 * whatever the guest's RFLAGS.IF; UINT64_MAX: no deadline. Who
	 * guarantees it: on VMX the VMX-preemption timer, set from
	 * deadline_tsc on every entry (EXIT_TIMER), where the CPU has one,
	 * else the LAPIC timer's interrupt with external-interrupt exiting;
	 * on SVM the LAPIC timer the run loop armed at deadline_tsc, whose
	 * interrupt exits the guest (INTR intercept, V_INTR_MASKING)
	 * whatever the guest's IF.
	 */
	void (*vcpu_run)(struct vcpu *v, struct vm_exit *exit,
			 uint64_t deadline_tsc);
	/*
	 * The calling CPU drops every stage-2 translation it may cache
	 * before it next runs v (VMX: INVEPT all-context; SVM: flush on the
	 * next VMRUN). Called after mappings were removed.
	 */
	void (*stage2_flush)(struct vcpu *v);

	uint64_t (*get_rip)(struct vcpu *v);
	/* Moves the guest past an emulated instruction; ends an STI/MOV SS shadow. */
	void (*set_rip)(struct vcpu *v, uint64_t rip);
	/*
	 * set_rip(v, get_rip(v) + len) in one call, on every emulated exit:
	 * the instruction completed, so with RFLAGS.TF set the guest gets
	 * the single-step #DB (DR6.BS) at the next instruction, as a CPU
	 * would raise it.
	 */
	void (*advance_rip)(struct vcpu *v, uint32_t len);
	uint64_t (*get_rsp)(struct vcpu *v);
	void (*set_rsp)(struct vcpu *v, uint64_t rsp);
	/*
	 * The control registers as the guest sees them (VMX: the read
	 * shadows for the bits the host owns). The setters take a value the
	 * caller checked (core/cr_rules.h) and make it the guest's; the
	 * back-end keeps the bits it must own under its masks. EFER.LMA
	 * follows from set_efer, which the caller calls after set_cr0 when
	 * LMA changed; in PAE paging without long mode, set_pdptes gives
	 * the four PDPTEs the caller read from guest memory (VMX loads them
	 * at entry, SDM 26.3.2.4; SVM reads them itself).
	 */
	uint64_t (*get_cr0)(struct vcpu *v);
	uint64_t (*get_cr3)(struct vcpu *v);
	uint64_t (*get_cr4)(struct vcpu *v);
	void (*set_cr0)(struct vcpu *v, uint64_t cr0);
	void (*set_cr3)(struct vcpu *v, uint64_t cr3);
	void (*set_cr4)(struct vcpu *v, uint64_t cr4);
	void (*set_pdptes)(struct vcpu *v, const uint64_t pdpte[4]);
	/*
	 * A segment register's selector and hidden part, sreg in encoding
	 * order (ES CS SS DS FS GS); attr in the VMCB format of struct
	 * segment.
	 */
	void (*get_segment)(struct vcpu *v, unsigned int sreg,
			    struct segment *s);
	/* Is the guest in 64-bit mode (EFER.LMA and CS.L)? */
	bool (*guest_64bit)(struct vcpu *v);
	uint64_t (*get_rflags)(struct vcpu *v);
	unsigned int (*get_cpl)(struct vcpu *v);
	uint64_t (*get_efer)(struct vcpu *v);	/* as the guest sees it */
	void (*set_efer)(struct vcpu *v, uint64_t efer);
	uint64_t (*get_pat)(struct vcpu *v);
	void (*set_pat)(struct vcpu *v, uint64_t pat);
	/*
	 * v->tsc_offset changed: the guest's RDTSC, RDTSCP and RDMSR of the
	 * TSC use it from the next entry (vcpu_load applies it too).
	 */
	void (*set_tsc_offset)(struct vcpu *v);
	void (*inject_exception)(struct vcpu *v, uint8_t vector,
				 bool has_error, uint32_t error);
	/* Can an external interrupt be injected now (IF, no shadow, no event)? */
	bool (*interruptible)(struct vcpu *v);
	void (*inject_interrupt)(struct vcpu *v, uint8_t vector);
	/* Exit (EXIT_INTR_WINDOW) as soon as the guest can take an interrupt. */
	void (*interrupt_window)(struct vcpu *v, bool on);
	/*
	 * NMIs (docs/guests.md): can one be injected now (no NMI handler
	 * running, no MOV SS or STI shadow, no event being injected)? An
	 * injected NMI blocks the next until the guest's IRET, as on a CPU.
	 * nmi_window: exit (EXIT_NMI_WINDOW) once one may be injectable.
	 */
	bool (*nmi_allowed)(struct vcpu *v);
	void (*inject_nmi)(struct vcpu *v);
	void (*nmi_window)(struct vcpu *v, bool on);
	/*
	 * For the instruction emulator (core/emulate.c), which also uses
	 * get_segment and get_cr0/3/4 above. set_rflags: the arithmetic
	 * flags and DF an emulated instruction changed. set_cr2: the
	 * faulting address of a #PF about to be injected (the guest's CR2
	 * is in the CPU on VMX while v is loaded).
	 */
	void (*set_rflags)(struct vcpu *v, uint64_t rflags);
	void (*set_cr2)(struct vcpu *v, uint64_t cr2);
	/* Prints the guest state worth knowing after a fatal exit. */
	void (*dump)(struct vcpu *v);
};

extern const struct vendor_ops *vendor;
extern const struct vendor_ops vmx_ops;
extern const struct vendor_ops svm_ops;

/* Chooses the back-end from CPUID; 0, or -KEEL_ENOSYS with *why set. */
int vendor_select(const char **why);

/*
 * The hook core gives the back-ends (core/vcpu_run.c): the exit fast
 * path, called by vcpu_run right after an exit, with v still on its CPU.
 * It handles the frequent exits that need nothing of the run loop
 * (CPUID, RDMSR, port I/O, hypercalls) and marks e handled. True when v
 * may enter its guest again at once; false returns the exit to the run
 * loop (exit_dispatch), handled or not.
 * On true, the entry stubs enter again without loading the guest's RBP
 * and R12-R15 (arch/guest_gprs.inc): the C code preserved them, so the
 * handlers exit_fast runs never change them in v->regs (string I/O,
 * which the instruction emulator does, returns false).
 */
bool exit_fast(struct vcpu *v, struct vm_exit *e);

/* Debug builds: v must be loaded on the calling CPU (see the top). */
#define VENDOR_ASSERT_LOADED(v) DEBUG_ASSERT(this_cpu()->loaded_vcpu == (v))

static inline void vcpu_advance_rip(struct vcpu *v, const struct vm_exit *e)
{
	vendor->advance_rip(v, e->insn_len);
}

#endif
