/* SPDX-License-Identifier: MIT */
/* A virtual CPU: its saved registers, its back-end state, its statistics. */
#ifndef KEEL_CORE_VCPU_H
#define KEEL_CORE_VCPU_H

/* Offsets of struct guest_regs, for the entry stubs. Index = x86 reg number. */
#define GREG_RAX 0x00
#define GREG_RCX 0x08
#define GREG_RDX 0x10
#define GREG_RBX 0x18
#define GREG_RSP 0x20	/* unused: RSP lives in the VMCS/VMCB */
#define GREG_RBP 0x28
#define GREG_RSI 0x30
#define GREG_RDI 0x38
#define GREG_R8  0x40
#define GREG_R9  0x48
#define GREG_R10 0x50
#define GREG_R11 0x58
#define GREG_R12 0x60
#define GREG_R13 0x68
#define GREG_R14 0x70
#define GREG_R15 0x78

#ifndef __ASSEMBLY__

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <arch/guest_state.h>
#include <arch/x86/svm/svm_state.h>
#include <arch/x86/vmx/vmx_state.h>
#include <core/dev/vlapic.h>
#include <core/msr_policy.h>
#include <core/vcpu_init_state.h>
#include <core/vm_exit.h>
#include <sched/policy.h>

struct guest_regs {
	uint64_t rax, rcx, rdx, rbx, rsp_unused, rbp, rsi, rdi;
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
};
_Static_assert(offsetof(struct guest_regs, rdi) == GREG_RDI, "stub offsets");
_Static_assert(offsetof(struct guest_regs, r15) == GREG_R15, "stub offsets");

/*
 * A segment in vendor-neutral form. attr is the descriptor's access byte
 * (bits 0-7: type, S, DPL, P) plus its flags nibble in bits 8-11 (AVL, L,
 * D/B, G): exactly the VMCB attribute format (APM 15.5.1); the VMX
 * back-end converts it to the VMCS access-rights format.
 */
struct segment {
	uint16_t selector;
	uint16_t attr;
	uint32_t limit;
	uint64_t base;
};

#define SEG_ATTR_CODE64 0xa9b	/* P, DPL0, S, exec/read/accessed, L, G */
#define SEG_ATTR_DATA   0xc93	/* P, DPL0, S, read/write/accessed, D/B, G */
#define SEG_ATTR_TSS64  0x08b	/* P, busy 64-bit TSS */
#define SEG_ATTR_CODE32 0xc9b	/* P, DPL0, S, exec/read/accessed, D, G */
#define SEG_ATTR_TSS32  0x08b	/* P, busy 32-bit TSS (same type, 11) */
#define SEG_ATTR_L      0x200	/* CS.L: 64-bit code */
#define SEG_ATTR_DB     0x400	/* D/B: 32-bit code, big stack / data */
#define SEG_ATTR_S      0x010	/* code or data, not system */
#define SEG_TYPE_CODE   0x008
#define SEG_TYPE_EXPAND_DOWN 0x004	/* for data segments */
#define SEG_ATTR_LDT    0x082	/* P, LDT */

/* Register state a vCPU starts from (docs/hypercalls.md §5). */
struct vcpu_entry_state {
	uint64_t rip, rsp, rflags;
	uint64_t rdi;
	uint64_t cr0, cr3, cr4, efer;
	struct segment cs, ds, tr;	/* ds is also used for es, ss, fs, gs */
	uint64_t gdt_base, idt_base;
	uint16_t gdt_limit, idt_limit;
};

enum vcpu_state {
	VCPU_OFFLINE = 0,	/* not started yet (KEEL_HC_VCPU_START) */
	VCPU_RUNNABLE,
	VCPU_BLOCKED,	/* hlt or sleep: waiting for wake_at_ns */
	VCPU_STOPPED,	/* done: it halted, or its VM was stopped */
};

struct vcpu_stats {
	uint64_t exits[EXIT_REASON_COUNT];
	uint64_t entries;
	uint32_t last_cpu;
	uint64_t ran_on;	/* bit n: it ran on CPU n */
};

struct vm;

struct vcpu {
	struct guest_regs regs;		/* first: the stubs take its address */
	struct vm *vm;
	uint32_t id;			/* index inside the VM */
	uint32_t cpu;			/* physical CPU it runs on */
	enum vcpu_state state;
	struct sched_entity se;		/* its place in the CPU's run queue */
	uint64_t wake_at_ns;		/* BLOCKED: when to wake, or never */
	/*
	 * BLOCKED in hlt: an interrupt ends it. Stays set after the wake
	 * until the vCPU enters its guest again (vcpu_run.c: a wake with no
	 * interrupt for it halts it again).
	 */
	bool halted;
	/* the VM's device deadline its armed timer includes (timekeeper) */
	uint64_t dev_armed_ns;
	/*
	 * The timekeeper's own device access moved that deadline earlier
	 * (vm_dev_deadline_moved): its next entry looks. Only its own CPU
	 * writes it, in its exit; the slow path before the entry clears it.
	 */
	bool dev_moved;
	/*
	 * BLOCKED in a console sleep (KEEL_SLEEP_CONSOLE), with halted:
	 * input ends it too. Cleared only when that sleep ends (vcpu_run.c's
	 * hlt_goes_on), at a plain hlt and at STARTUP; a wake with nothing
	 * that ends it sleeps v again until its end.
	 */
	bool console_wait;
	uint64_t console_end_ns;	/* when that sleep ends (clock_ns) */
	struct vcpu *sleep_next;	/* the CPU's sleeper list */
	struct vlapic lapic;		/* its virtual local APIC */
	struct vcpu_init init;		/* INIT/STARTUP, under its VM's lock */
	struct vcpu_msrs msrs;		/* its emulated MSRs (core/msr.c) */
	/*
	 * Added to the host TSC for everything the guest reads (RDTSC,
	 * RDTSCP, RDMSR IA32_TSC): the back-ends put it in the VMCS/VMCB
	 * whenever they load the vCPU, and set_tsc_offset changes it.
	 */
	uint64_t tsc_offset;

	/* scheduler flags (sched/sched.c), changed under v->cpu's lock */
	bool loaded;		/* its CPU may hold its state (VMCS current) */
	volatile bool in_guest;	/* between the stage-2 check and the exit */
	bool parked;		/* runnable, but its VM is paused */
	bool moving;		/* between two CPUs' run queues */
	bool retired;		/* vcpu_retire ran: no longer counted live */

	/* state no VMCS/VMCB holds: in the CPU while loaded there */
	struct guest_state gstate;

	/* back-end state: its types are the back-ends' own */
	union {
		struct vmx_vcpu vmx;
		struct svm_vcpu svm;
	};

	struct vcpu_stats stats;
};

#endif /* __ASSEMBLY__ */
#endif
