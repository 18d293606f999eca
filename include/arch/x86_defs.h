/* SPDX-License-Identifier: MIT */
/*
 * x86-64 architectural definitions: register bits, CPUID feature bits,
 * exception vectors, the IDT gate and descriptor-table pointer layouts,
 * page-table entries. Constants and layouts only, no code; the
 * instructions are in arch/x86.h, the MSR numbers in arch/msr.h.
 *
 * Shared by the hypervisor (every layer), the UEFI loader (boot/) and
 * the guests: it includes only <stdint.h> (tools/layers.txt, `shared`).
 * Intel SDM Vol. 3A chapters 2, 4 and 6; AMD APM Vol. 2.
 */
#ifndef KEEL_ARCH_X86_DEFS_H
#define KEEL_ARCH_X86_DEFS_H

#include <stdint.h>

#define CR0_PE (1ull << 0)
#define CR0_MP (1ull << 1)
#define CR0_EM (1ull << 2)
#define CR0_TS (1ull << 3)
#define CR0_ET (1ull << 4)
#define CR0_NE (1ull << 5)
#define CR0_WP (1ull << 16)
#define CR0_PG (1ull << 31)

#define CR4_PAE    (1ull << 5)
#define CR4_PGE    (1ull << 7)
#define CR4_OSFXSR (1ull << 9)
#define CR4_OSXMMEXCPT (1ull << 10)
#define CR4_LA57   (1ull << 12)	/* 5-level paging */
#define CR4_VMXE   (1ull << 13)
#define CR4_OSXSAVE (1ull << 18)
#define CR4_PKE    (1ull << 22)

#define EFER_SCE  (1ull << 0)
#define EFER_LME  (1ull << 8)
#define EFER_LMA  (1ull << 10)
#define EFER_NXE  (1ull << 11)
#define EFER_SVME (1ull << 12)

#define RFLAGS_FIXED (1ull << 1)
#define RFLAGS_CF    (1ull << 0)
#define RFLAGS_ZF    (1ull << 6)
#define RFLAGS_TF    (1ull << 8)
#define RFLAGS_IF    (1ull << 9)
#define RFLAGS_RF    (1ull << 16)

#define DR6_INIT 0xffff0ff0ull	/* reset value (SDM 18.2.3) */
#define DR6_B0_B3 0xfull		/* a breakpoint matched */
#define DR6_BD   (1ull << 13)	/* debug-register access */
#define DR6_BS   (1ull << 14)	/* single-step */
#define DR7_INIT 0x400ull

/* CPUID leaf 1 ECX / EDX, leaf 0x80000001 ECX / EDX */
#define CPUID_1_ECX_VMX        (1u << 5)
#define CPUID_1_ECX_X2APIC     (1u << 21)
#define CPUID_1_ECX_TSC_DEADLINE (1u << 24)
#define CPUID_1_ECX_XSAVE      (1u << 26)
#define CPUID_1_ECX_OSXSAVE    (1u << 27)
#define CPUID_1_ECX_HYPERVISOR (1u << 31)
#define CPUID_1_ECX_MONITOR    (1u << 3)
#define CPUID_1_ECX_SMX        (1u << 6)
#define CPUID_1_EDX_APIC       (1u << 9)
#define CPUID_80000001_ECX_SVM (1u << 2)
#define CPUID_80000001_EDX_NX  (1u << 20)
#define CPUID_80000001_EDX_1G  (1u << 26)
#define CPUID_80000001_EDX_RDTSCP (1u << 27)

/* Exception vectors (SDM Vol. 3A 6.3.1) */
#define VECTOR_DB  1
#define VECTOR_NMI 2
#define VECTOR_UD  6
#define VECTOR_DF  8
#define VECTOR_GP  13
#define VECTOR_MC  18

/* A 64-bit IDT gate (SDM Vol. 3A 6.14.1) */
struct __attribute__((packed)) idt_gate {
	uint16_t offset_lo;
	uint16_t selector;
	uint8_t ist;
	uint8_t type;		/* P, DPL, gate type */
	uint16_t offset_mid;
	uint32_t offset_hi;
	uint32_t reserved;
};
_Static_assert(sizeof(struct idt_gate) == 16, "IDT gate is 16 bytes");

#define IDT_GATE_INTR 0x8e	/* present, DPL 0, 64-bit interrupt gate */

/* What LGDT/LIDT load and SGDT/SIDT store */
struct __attribute__((packed)) descriptor_ptr {
	uint16_t limit;
	uint64_t base;
};

/* 4-level paging, long-mode entries (SDM Vol. 3A 4.5, APM Vol. 2 5.3) */
#define X86_PTE_P   (1ULL << 0)
#define X86_PTE_RW  (1ULL << 1)
#define X86_PTE_US  (1ULL << 2)
#define X86_PTE_PWT (1ULL << 3)
#define X86_PTE_PCD (1ULL << 4)
#define X86_PTE_PS  (1ULL << 7)	/* a 2 MiB (PD) or 1 GiB (PDPT) leaf */
#define X86_PTE_NX  (1ULL << 63)
#define X86_PTE_ADDR_MASK 0x000ffffffffff000ULL

#define X86_PT_ENTRIES  512
#define X86_PML4_SHIFT  39
#define X86_PDPT_SHIFT  30
#define X86_PD_SHIFT    21
#define X86_PAGE_4K     (1ULL << 12)
#define X86_PAGE_2M     (1ULL << X86_PD_SHIFT)
#define X86_PAGE_1G     (1ULL << X86_PDPT_SHIFT)
/* the first address of the upper half with 48-bit virtual addresses */
#define X86_UPPER_HALF  0xffff800000000000ULL

#endif
