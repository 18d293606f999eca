/* SPDX-License-Identifier: MIT */
/*
 * Per-CPU state. Each physical CPU has one struct cpu, found through the
 * GS base (gs:0 holds the struct's own address), its own GDT and TSS with
 * IST stacks for NMI, #DF and #MC, and a boot stack.
 */
#ifndef KEEL_ARCH_CPU_H
#define KEEL_ARCH_CPU_H

#include <stdbool.h>
#include <stdint.h>

#include <arch/x86/svm/svm_state.h>
#include <arch/x86/vmx/vmx_state.h>

#define MAX_CPUS         64
#define CPU_STACK_ORDER  2	/* 16 KiB */
#define CPU_STACK_SIZE   (4096u << CPU_STACK_ORDER)
#define IST_STACK_SIZE   4096u	/* one frame each */
#define IST_STACKS       3

#define GDT_NULL       0x00
#define GDT_CODE64     0x08
#define GDT_DATA       0x10
#define GDT_TSS        0x18	/* 16 bytes */
#define GDT_ENTRIES    5

#define IST_NMI 1
#define IST_DF  2
#define IST_MC  3

struct __attribute__((packed)) tss64 {
	uint32_t reserved0;
	uint64_t rsp[3];
	uint64_t reserved1;
	uint64_t ist[7];
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iomap_base;
};
_Static_assert(sizeof(struct tss64) == 104, "TSS is 104 bytes (SDM 8.7)");

struct vcpu;

struct cpu {
	struct cpu *self;		/* gs:0, see this_cpu() */
	uint32_t index;			/* 0 = the boot CPU */
	uint32_t apic_id;
	uint64_t stack_top;
	volatile bool online;		/* set by the CPU itself */
	volatile bool ready;		/* has tried to enter root mode */
	bool virt_enabled;		/* in VMX root / SVM host mode */
	char virt_error[96];		/* why not, when !virt_enabled */

	/* vendor back-end state (owned by arch/x86/vmx or arch/x86/svm) */
	union {
		struct vmx_cpu vmx;
		struct svm_cpu svm;
	};
	uint64_t stage2_gen;		/* stage2_generation it flushed for */
	/* the scheduler's hazard flag: a decision is due (sched/sched.c) */
	volatile bool need_resched;
	struct vcpu *loaded_vcpu;	/* whose state is in this CPU (VMX: VMCS current) */

	uint64_t gdt[GDT_ENTRIES] __attribute__((aligned(16)));
	struct tss64 tss __attribute__((aligned(16)));
};

extern struct cpu cpus[MAX_CPUS];
extern unsigned int cpu_count;		/* CPUs found in the MADT (capped) */

static inline struct cpu *this_cpu(void)
{
	struct cpu *c;

	__asm__ volatile("movq %%gs:0, %0" : "=r"(c));
	return c;
}

/* Loads this CPU's GDT, TSS (exception stacks from the frame pool), IDT and GS base. */
void cpu_init_tables(struct cpu *cpu);

/* Builds the IDT once, on the boot CPU. */
void idt_init(void);
void idt_load(void);

#endif
